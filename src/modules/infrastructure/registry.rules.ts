/**
 * The rules a school's ICT record must keep before it is sent for review, as one pure module: the server
 * refuses a record that breaks any (`infrastructure.service.ts`), and the director's form
 * (`src/web/registry/record-form.tsx`) imports the same functions to show each broken rule beside its field as
 * the director types. Nothing here reads the database or translates: a problem is a field, a rule code and
 * its parameters; the server and the page each word it in the reader's language.
 */

/** The record as the API takes it (the shape of `SchoolYearBody`). */
export interface RecordValues {
  teachers: number | null;
  teachersIctTrained: number | null;
  classrooms: number | null;
  hasComputerLab: boolean | null;
  electricity: boolean | null;
  electricitySource: string | null;
  electricityHours: number | null;
  students: { level: string; sex: string; shift: number; students: number }[];
  links: unknown[];
  deviceCounts: { kind: string; purpose: string; total: number; working: number }[];
  participations: { projectId: number }[];
  /** Giga's facts of the year; left out by a caller that does not send them. */
  refugeePupils?: boolean | null | undefined;
  refugeeStudents?: number | null | undefined;
}

/** What the rules are checked against besides the record; a fact left out is not checked. */
export interface RecordFacts {
  /** The country's education levels. */
  levels?: string[];
  /** How many shifts the school runs. */
  shifts?: number;
  /** The ids among the record's projects that are active. */
  activeProjectIds?: number[];
}

export type RecordRule =
  | 'required'
  | 'trained_exceeds_teachers'
  | 'no_electricity_details'
  | 'hours_exceed_day'
  | 'duplicate'
  | 'unknown_level'
  | 'shift_exceeds'
  | 'working_exceeds_total'
  | 'unknown_project'
  | 'no_refugees';

/** A broken rule: the field it belongs to (`deviceCounts.2.working`), the rule, and what its message needs. */
export interface RecordProblem {
  field: string;
  rule: RecordRule;
  params: Record<string, string | number>;
}

/** The fields every record sent for review must fill in, in the form's order. */
export const REQUIRED_FIELDS = [
  'teachers',
  'teachersIctTrained',
  'classrooms',
  'hasComputerLab',
  'electricity',
] as const;

/** The most hours a day has. */
export const HOURS_A_DAY = 24;

const p = (field: string, rule: RecordRule, params: RecordProblem['params'] = {}): RecordProblem => ({
  field,
  rule,
  params,
});

/**
 * Every rule the record breaks, in the form's order. `complete: false` leaves out the fields not filled in
 * (what a form shows while its user is still typing); sending for review checks with `complete: true`.
 */
export function recordProblems(
  r: RecordValues,
  facts: RecordFacts = {},
  { complete = true }: { complete?: boolean } = {},
): RecordProblem[] {
  const out: RecordProblem[] = [];
  const required = (field: string, empty: boolean) => {
    if (complete && empty) out.push(p(field, 'required'));
  };
  required('teachers', r.teachers === null);
  required('teachersIctTrained', r.teachersIctTrained === null);
  if (r.teachers !== null && r.teachersIctTrained !== null && r.teachersIctTrained > r.teachers)
    out.push(p('teachersIctTrained', 'trained_exceeds_teachers', { teachers: r.teachers }));
  required('classrooms', r.classrooms === null);
  required('hasComputerLab', r.hasComputerLab === null);
  required('electricity', r.electricity === null);
  if (r.electricity === false) {
    if (r.electricitySource !== null) out.push(p('electricitySource', 'no_electricity_details'));
    if (r.electricityHours) out.push(p('electricityHours', 'no_electricity_details'));
  }
  if (r.electricity === true) {
    required('electricitySource', r.electricitySource === null);
    required('electricityHours', r.electricityHours === null);
  }
  if (r.electricityHours !== null && r.electricityHours > HOURS_A_DAY)
    out.push(p('electricityHours', 'hours_exceed_day', { hours: HOURS_A_DAY }));

  if (r.refugeePupils === false && r.refugeeStudents) out.push(p('refugeeStudents', 'no_refugees'));

  required('students', r.students.length === 0);
  const seen = new Set<string>();
  r.students.forEach((s, i) => {
    const key = `${s.level}/${s.sex}/${s.shift}`;
    if (seen.has(key)) out.push(p(`students.${i}`, 'duplicate'));
    seen.add(key);
    if (facts.levels && !facts.levels.includes(s.level))
      out.push(p(`students.${i}.level`, 'unknown_level', { levels: facts.levels.join(', ') }));
    if (facts.shifts !== undefined && s.shift > facts.shifts)
      out.push(p(`students.${i}.shift`, 'shift_exceeds', { shifts: facts.shifts }));
  });

  const kinds = new Set<string>();
  r.deviceCounts.forEach((d, i) => {
    if (kinds.has(`${d.kind}/${d.purpose}`)) out.push(p(`deviceCounts.${i}`, 'duplicate'));
    kinds.add(`${d.kind}/${d.purpose}`);
    if (d.working > d.total)
      out.push(p(`deviceCounts.${i}.working`, 'working_exceeds_total', { total: d.total }));
  });

  const taken = new Set<number>();
  r.participations.forEach((x, i) => {
    if (taken.has(x.projectId)) out.push(p(`participations.${i}`, 'duplicate'));
    taken.add(x.projectId);
    if (facts.activeProjectIds && !facts.activeProjectIds.includes(x.projectId))
      out.push(p(`participations.${i}.projectId`, 'unknown_project'));
  });
  return out;
}
