import { useFormat } from '@/web/format';
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  api,
  ApiError,
  type InstitutionRecord,
  type ProjectRecord,
  type RegistryInput,
  type RegistryRecord,
} from '@/web/api';
import { localName } from '@/web/i18n';
import { ErrorBox } from '@/web/components/status';
import { Field, FormSummary, focusField, type FormProblem } from '@/web/components/field';
import { StaleVersion, differencesOf, staleCurrent } from '@/web/components/stale-version';
import { recordProblems } from '@/modules/infrastructure/registry.rules';
import { DeviceCountTable, recordKey, useCountryPack, useProjects } from '@/web/registry/shared';

// The server's vocabularies (infrastructure.tables.ts), repeated here as values: the web bundle imports only
// the server's types. A value the server does not know is refused with a 422, so a drift cannot go unnoticed.
const SOURCES = ['grid', 'generator', 'solar', 'other'] as const;
const PURPOSES = ['teaching', 'administration'] as const;
/** A device may also be shared between teaching and administration (UIS counts it for teaching). */
export const DEVICE_PURPOSES = ['teaching', 'administration', 'both'] as const;
const LINK_TYPES = [
  'fibre',
  'xdsl',
  'other_wired',
  'cellular',
  'p2mp_wireless',
  'p2p_wireless',
  'satellite',
  'other',
] as const;
/** The device kinds, shared with the device list. */
export const DEVICE_KINDS = [
  'desktop',
  'laptop',
  'tablet',
  'projector',
  'interactive_board',
  'server',
  'other',
] as const;
const SEXES = ['female', 'male'] as const;

type Link = RegistryInput['links'][number];
type YesNo = '' | 'yes' | 'no';
type LinkDraft = Omit<Link, 'provider' | 'downloadMbps' | 'uploadMbps'> & {
  provider: string;
  downloadMbps: string;
  uploadMbps: string;
};
type CountDraft = {
  kind: (typeof DEVICE_KINDS)[number];
  purpose: (typeof DEVICE_PURPOSES)[number];
  total: string;
  working: string;
};

interface Draft {
  teachers: string;
  teachersIctTrained: string;
  classrooms: string;
  hasComputerLab: YesNo;
  electricity: YesNo;
  electricitySource: '' | (typeof SOURCES)[number];
  electricityHours: string;
  pupilsInternet: YesNo;
  /** The school's facts of the year Giga asks for: numbers as typed, water and refugees yes/no. */
  water: YesNo;
  latrines: string;
  studentsGirls: string;
  studentsBoys: string;
  studentsOther: string;
  refugeePupils: YesNo;
  refugeeStudents: string;
  admPersonnel: string;
  computersDesired: string;
  /** Students by `level/sex/shift`; an empty cell is not reported. */
  students: Record<string, string>;
  links: LinkDraft[];
  /** The devices the school counts (with item records, those not among them). */
  deviceCounts: CountDraft[];
  /** Projects taken part in, by id, with their evidence. */
  participations: Record<number, string>;
}

const text = (n: number | null) => (n === null ? '' : String(n));
const yesNo = (b: boolean | null): YesNo => (b === null ? '' : b ? 'yes' : 'no');

function draftOf(record: RegistryRecord): Draft {
  return {
    teachers: text(record.teachers),
    teachersIctTrained: text(record.teachersIctTrained),
    classrooms: text(record.classrooms),
    hasComputerLab: yesNo(record.hasComputerLab),
    electricity: yesNo(record.electricity),
    electricitySource: record.electricitySource ?? '',
    electricityHours: text(record.electricityHours),
    pupilsInternet: yesNo(record.pupilsInternet),
    water: yesNo(record.water),
    latrines: text(record.latrines),
    studentsGirls: text(record.studentsGirls),
    studentsBoys: text(record.studentsBoys),
    studentsOther: text(record.studentsOther),
    refugeePupils: yesNo(record.refugeePupils),
    refugeeStudents: text(record.refugeeStudents),
    admPersonnel: text(record.admPersonnel),
    computersDesired: text(record.computersDesired),
    students: Object.fromEntries(
      record.students.map((s) => [`${s.level}/${s.sex}/${s.shift}`, String(s.students)]),
    ),
    links: record.links.map((l) => ({
      ...l,
      provider: l.provider ?? '',
      downloadMbps: text(l.downloadMbps),
      uploadMbps: text(l.uploadMbps),
    })),
    deviceCounts: countedOf(record).map((d) => ({
      ...d,
      total: String(d.total),
      working: String(d.working),
    })),
    participations: Object.fromEntries(record.participations.map((p) => [p.projectId, p.evidence ?? ''])),
  };
}

/** The record's values as the form sends them; the version it was read at goes with them. */

/** The numbers of the school's facts fieldset, in its order. */
const FACT_NUMBERS = [
  'studentsGirls',
  'studentsBoys',
  'studentsOther',
  'refugeeStudents',
  'admPersonnel',
  'computersDesired',
  'latrines',
] as const;

type RecordBody = Omit<RegistryInput, 'version' | 'pupilsInternet'> & {
  pupilsInternet: boolean | null;
} & Required<Pick<RegistryInput, (typeof FACT_NUMBERS)[number] | 'water' | 'refugeePupils'>>;

/** The fields of a record compared when a save meets someone else's change, in the form's order. */
const COMPARED = [
  'teachers',
  'teachersIctTrained',
  'classrooms',
  'hasComputerLab',
  'electricity',
  'electricitySource',
  'electricityHours',
  'studentsGirls',
  'studentsBoys',
  'studentsOther',
  'refugeePupils',
  'refugeeStudents',
  'admPersonnel',
  'computersDesired',
  'water',
  'latrines',
  'students',
  'links',
  'pupilsInternet',
  'deviceCounts',
  'participations',
] as const;

/** Each compared field's label. */
const LABELS: Record<(typeof COMPARED)[number], string> = {
  teachers: 'registry.teachers',
  teachersIctTrained: 'registry.teachersIctTrained',
  classrooms: 'registry.classrooms',
  hasComputerLab: 'registry.hasComputerLab',
  electricity: 'registry.electricity',
  electricitySource: 'registry.electricitySource',
  electricityHours: 'registry.electricityHours',
  students: 'registry.studentsTitle',
  links: 'registry.linksTitle',
  pupilsInternet: 'registry.pupilsInternet',
  deviceCounts: 'registry.devicesTitle',
  participations: 'registry.projectsTitle',
  studentsGirls: 'registry.studentsGirls',
  studentsBoys: 'registry.studentsBoys',
  studentsOther: 'registry.studentsOther',
  refugeePupils: 'registry.refugeePupils',
  refugeeStudents: 'registry.refugeeStudents',
  admPersonnel: 'registry.admPersonnel',
  computersDesired: 'registry.computersDesired',
  water: 'registry.water',
  latrines: 'registry.latrines',
};

/** The device counts the form edits: with item records, only the counted part. */
const countedOf = (record: RegistryRecord) =>
  record.hasInventory ? record.countedDevices : record.deviceCounts;

/** Field path → message: the page's own checks and the server's 422 details, shown beside the field. */
type Problems = Record<string, string>;

/**
 * Turns the draft into the request body. Numbers are typed as text (a phone's numeric keypad, and a comma
 * accepted as the decimal mark); what is not a number is reported against its field instead of sent.
 */
function bodyOf(
  draft: Draft,
  t: (key: string) => string,
): {
  body: RecordBody;
  problems: Problems;
  studentCells: string[];
} {
  const problems: Problems = {};
  const count = (value: string, field: string): number | null => {
    const v = value.trim();
    if (v === '') return null;
    if (!/^\d+$/.test(v)) {
      problems[field] = t('registry.wholeNumber');
      return null;
    }
    return Number(v);
  };
  const decimal = (value: string, field: string): number | null => {
    const v = value.trim().replace(',', '.');
    if (v === '') return null;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) {
      problems[field] = t('registry.positiveNumber');
      return null;
    }
    return n;
  };
  const bool = (v: YesNo) => (v === '' ? null : v === 'yes');
  // Which cell each reported student count came from, to put the server's `students.N…` errors back on it.
  const studentCells: string[] = [];
  const students: RegistryInput['students'] = [];
  for (const [key, value] of Object.entries(draft.students)) {
    const n = count(value, `students.${key}`);
    if (n === null) continue;
    const [level, sex, shift] = key.split('/') as [string, (typeof SEXES)[number], string];
    studentCells.push(key);
    students.push({ level, sex, shift: Number(shift), students: n });
  }
  const body: RecordBody = {
    teachers: count(draft.teachers, 'teachers'),
    teachersIctTrained: count(draft.teachersIctTrained, 'teachersIctTrained'),
    classrooms: count(draft.classrooms, 'classrooms'),
    hasComputerLab: bool(draft.hasComputerLab),
    electricity: bool(draft.electricity),
    electricitySource: draft.electricitySource === '' ? null : draft.electricitySource,
    electricityHours: decimal(draft.electricityHours, 'electricityHours'),
    pupilsInternet: bool(draft.pupilsInternet),
    water: bool(draft.water),
    refugeePupils: bool(draft.refugeePupils),
    ...(Object.fromEntries(FACT_NUMBERS.map((f) => [f, count(draft[f], f)])) as Record<
      (typeof FACT_NUMBERS)[number],
      number | null
    >),
    students,
    links: draft.links.map((l, i) => ({
      purpose: l.purpose,
      type: l.type,
      educationNetwork: l.educationNetwork,
      provider: l.provider.trim() === '' ? null : l.provider.trim(),
      downloadMbps: decimal(l.downloadMbps, `links.${i}.downloadMbps`),
      uploadMbps: decimal(l.uploadMbps, `links.${i}.uploadMbps`),
    })),
    deviceCounts: draft.deviceCounts.map((d, i) => ({
      kind: d.kind,
      purpose: d.purpose,
      total: count(d.total, `deviceCounts.${i}.total`) ?? 0,
      working: count(d.working, `deviceCounts.${i}.working`) ?? 0,
    })),
    participations: Object.entries(draft.participations).map(([id, evidence]) => ({
      projectId: Number(id),
      evidence: evidence.trim() === '' ? null : evidence.trim(),
    })),
  };
  return { body, problems, studentCells };
}

/**
 * The draft's field of a path in the request body: `students.3.level` → the cell that was sent 4th,
 * `participations.1` → the project it named, `links.0.downloadMbps` as it is.
 */
function formField(path: string, studentCells: string[], participations: number[]): string {
  const parts = path.split('.');
  if (parts[0] === 'students' && parts[1] !== undefined)
    return `students.${studentCells[Number(parts[1])] ?? ''}`;
  if (parts[0] === 'participations' && parts[1] !== undefined)
    return `participations.${participations[Number(parts[1])] ?? ''}`;
  if ((parts[0] === 'links' || parts[0] === 'deviceCounts') && parts.length > 2)
    return parts.slice(0, 3).join('.');
  return path;
}

/** The form's sections in their order, to list problems (and find the first) as the director meets them. */
const FIELD_ORDER = [
  'teachers',
  'teachersIctTrained',
  'classrooms',
  'hasComputerLab',
  'electricity',
  'electricitySource',
  'electricityHours',
  'studentsGirls',
  'studentsBoys',
  'studentsOther',
  'refugeePupils',
  'refugeeStudents',
  'admPersonnel',
  'computersDesired',
  'water',
  'latrines',
  'students',
  'links',
  'pupilsInternet',
  'deviceCounts',
  'participations',
];
const rank = (field: string) => {
  const [head, index] = field.split('.');
  return FIELD_ORDER.indexOf(head!) * 1000 + (Number(index) || 0);
};

/** Puts the server's field paths on the draft's fields. */
function serverProblems(error: ApiError, studentCells: string[], participations: number[]): Problems {
  const out: Problems = {};
  for (const d of error.details) {
    const field = formField(d.field, studentCells, participations);
    out[field] = out[field] ? `${out[field]} ${d.message}` : d.message;
  }
  return out;
}

/** The id of a field's error message, for aria-describedby. */
const errorId = (base: string, field: string) => `${base}-err-${field.replace(/[^\w-]/g, '_')}`;
/** The id of a student count's cell. */
const cellId = (base: string, key: string) => `${base}-students-${key.replace(/[^\w-]/g, '_')}`;

/**
 * A school's record for the year as one form, phone first: staff and rooms, electricity, students by level,
 * sex and shift, internet links, devices, projects. "Save and submit" replaces the year's record and sends it
 * for review (refused while a rule is broken or a required field empty); "save as draft" keeps it unsent for the
 * director to come back to. The server's refusals come back against their fields.
 */
export function RecordForm({
  record,
  school,
  onSaved,
}: {
  record: RegistryRecord;
  school: InstitutionRecord;
  /** After a save: `draft` when it was kept as a draft, not sent for review. */
  onSaved: (record: RegistryRecord, draft: boolean) => void;
}) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const base = useId().replace(/:/g, '');
  const pack = useCountryPack();
  const projects = useProjects();
  const [draft, setDraft] = useState<Draft>(() => draftOf(record));
  /** What the server refused at the last save; a change to the draft clears it (the rules below take over). */
  const [refused, setRefused] = useState<Problems>({});
  /** Once a save was tried, fields not filled in are problems too (before, only the rules being broken are). */
  const [tried, setTried] = useState(false);
  /** Raised at each refused save: the first wrong field is then focused. */
  const [focusAsked, setFocusAsked] = useState(0);
  const [sent, setSent] = useState<{ studentCells: string[]; participations: number[] }>({
    studentCells: [],
    participations: [],
  });
  /** The saved version someone else wrote after this form was read, when a save met it; and what was sent. */
  const [stale, setStale] = useState<{ current: RegistryRecord; mine: RecordBody; draft: boolean } | null>(
    null,
  );
  const save = useMutation({
    // A draft is kept, not sent (`…/draft`); otherwise the record is saved and sent for review.
    mutationFn: ({ body, version, draft: asDraft }: { body: RecordBody; version: number; draft: boolean }) =>
      api<RegistryRecord>(
        `/institutions/${record.institutionId}/registry/${record.academicYearId}${asDraft ? '/draft' : ''}`,
        { method: 'PUT', body: { ...body, version } },
      ),
    onSuccess: (saved, { draft: asDraft }) => {
      client.setQueryData(recordKey(saved.institutionId, saved.academicYearId), saved);
      void client.invalidateQueries({ queryKey: ['registry', 'schools'] });
      setDraft(draftOf(saved));
      setRefused({});
      setTried(false);
      onSaved(saved, asDraft);
    },
    onError: (error, sentNow) => {
      const current = staleCurrent<RegistryRecord>(error);
      if (current) setStale({ current, mine: sentNow.body, draft: sentNow.draft });
      if (error instanceof ApiError && error.status === 422) {
        setRefused(serverProblems(error, sent.studentCells, sent.participations));
        setFocusAsked((n) => n + 1);
      }
    },
  });

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setRefused({});
  };

  // The record's rules (the server's own, `registry.rules.ts`) on the draft as it is typed: a number that is
  // not one, then each broken rule; fields not filled in only once a save was tried.
  const built = bodyOf(draft, t);
  const projectIds = built.body.participations.map((p) => p.projectId);
  const ruled: Problems = {};
  const levels = pack.data?.levels.map((l) => l.code);
  for (const x of recordProblems(
    built.body,
    { ...(levels ? { levels } : {}), shifts: school.shifts },
    { complete: tried },
  )) {
    const field = formField(x.field, built.studentCells, projectIds);
    if (!(field in built.problems) && !(field in ruled))
      ruled[field] = t(`forms.rule.${x.rule}`, {
        ...x.params,
        // A count picks the language's plural form (Russian: 1 смену, 2 смены, 5 смен).
        ...(typeof x.params.shifts === 'number' ? { count: x.params.shifts } : {}),
      });
  }
  const problems: Problems = { ...refused, ...ruled, ...built.problems };
  const ordered = Object.keys(problems).sort((a, b) => rank(a) - rank(b));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const all = recordProblems(built.body, { ...(levels ? { levels } : {}), shifts: school.shifts });
    if (Object.keys(built.problems).length > 0 || all.length > 0) {
      setFocusAsked((n) => n + 1);
      return;
    }
    setSent({ studentCells: built.studentCells, participations: projectIds });
    setStale(null);
    save.mutate({ body: built.body, version: record.version, draft: false });
  };

  /** Keeps the record as a draft: fields may stay empty, but the rules between filled-in fields hold. */
  const saveDraft = () => {
    const broken = recordProblems(
      built.body,
      { ...(levels ? { levels } : {}), shifts: school.shifts },
      { complete: false },
    );
    if (Object.keys(built.problems).length > 0 || broken.length > 0) {
      setFocusAsked((n) => n + 1);
      return;
    }
    setSent({ studentCells: built.studentCells, participations: projectIds });
    setStale(null);
    save.mutate({ body: built.body, version: record.version, draft: true });
  };

  /** The error under a field, and the props that tie the field to it. */
  const described = (field: string) =>
    problems[field]
      ? { 'aria-invalid': true as const, 'aria-describedby': errorId(base, field) }
      : ({} as Record<string, never>);
  const errorsOf = (field: string) => (problems[field] ? [problems[field]] : undefined);
  const fieldError = (field: string) =>
    problems[field] ? (
      <p className="field-error" id={errorId(base, field)}>
        {problems[field]}
      </p>
    ) : null;

  const numberField = (
    field:
      'teachers' | 'teachersIctTrained' | 'classrooms' | 'electricityHours' | (typeof FACT_NUMBERS)[number],
    decimal = false,
    hint?: string,
    readOnly = false,
  ) => (
    <Field id={`${base}-${field}`} label={t(`registry.${field}`)} errors={errorsOf(field)} hint={hint}>
      {(a11y) => (
        <input
          {...a11y}
          name={field}
          inputMode={decimal ? 'decimal' : 'numeric'}
          autoComplete="off"
          readOnly={readOnly}
          value={draft[field]}
          onChange={(e) => set(field, e.target.value)}
        />
      )}
    </Field>
  );

  const yesNoField = (
    field: 'hasComputerLab' | 'electricity' | 'pupilsInternet' | 'water' | 'refugeePupils',
    hint?: string,
  ) => (
    <Field id={`${base}-${field}`} label={t(`registry.${field}`)} errors={errorsOf(field)} hint={hint}>
      {(a11y) => (
        <select
          {...a11y}
          name={field}
          value={draft[field]}
          onChange={(e) => set(field, e.target.value as YesNo)}
        >
          <option value="">{t('registry.notSaid')}</option>
          <option value="yes">{t('registry.yes')}</option>
          <option value="no">{t('registry.no')}</option>
        </select>
      )}
    </Field>
  );

  // Levels: the school's own, in the country pack's order, plus any the record has that the school no longer lists.
  const packLevels = [...(pack.data?.levels ?? [])].sort((a, b) => a.position - b.position);
  const recordLevels = Object.keys(draft.students).map((k) => k.split('/')[0]!);
  const levelCodes = [
    ...packLevels
      .filter((l) => school.levels.includes(l.code) || recordLevels.includes(l.code))
      .map((l) => l.code),
    ...[...new Set([...school.levels, ...recordLevels])].filter((c) => !packLevels.some((l) => l.code === c)),
  ];
  const levelName = (code: string) => {
    const level = packLevels.find((l) => l.code === code);
    return level ? localName(level, i18n.language) : code;
  };
  const shifts = [
    ...new Set([
      ...Array.from({ length: school.shifts }, (_, i) => i + 1),
      ...Object.keys(draft.students).map((k) => Number(k.split('/')[2])),
    ]),
  ].sort();
  const studentProblems = Object.entries(problems).filter(([k]) => k.startsWith('students'));
  const firstCell = levelCodes.length > 0 ? `${levelCodes[0]}/${SEXES[0]}/${shifts[0]}` : null;

  /** The element a problem's field is: what the summary links to and what a refused save focuses. */
  const targetOf = (field: string): string => {
    const [head, index, part] = field.split('.');
    if (head === 'students')
      return field === 'students'
        ? firstCell
          ? cellId(base, firstCell)
          : `${base}-section-students`
        : cellId(base, field.slice('students.'.length));
    if (head === 'links') return `${base}-link-${index}-${part ?? 'type'}`;
    if (head === 'deviceCounts') return `${base}-count-${index}-${part ?? 'kind'}`;
    if (head === 'participations') return `${base}-evidence-${index}`;
    return `${base}-${field}`;
  };
  /** A problem's field in words, for the summary. */
  const labelOf = (field: string): string => {
    const [head, index, part] = field.split('.');
    const n = Number(index) + 1;
    if (head === 'students') return t('registry.studentsTitle');
    if (head === 'links') return `${t('registry.linkN', { n })}${part ? `, ${t(`registry.${part}`)}` : ''}`;
    if (head === 'deviceCounts')
      return `${t('registry.countN', { n })}${part ? `, ${t(`registry.${part}`)}` : ''}`;
    if (head === 'participations') return t('registry.projectsTitle');
    return t(`registry.${head}`);
  };
  const summary: FormProblem[] = ordered.map((field) => ({
    id: targetOf(field),
    label: labelOf(field),
    message: problems[field]!,
  }));
  // A refused save: the first wrong field is focused and brought into view, its message beside it.
  useEffect(() => {
    if (focusAsked > 0 && ordered[0] !== undefined) focusField(targetOf(ordered[0]));
    // Only when a save was refused, never as the user types.
  }, [focusAsked]);

  /** A value of a record's field in words, to compare two versions of it. */
  const showValue = (field: (typeof COMPARED)[number], value: unknown): string => {
    if (value === null || value === undefined) return t('registry.notSaid');
    if (typeof value === 'boolean') return t(value ? 'registry.yes' : 'registry.no');
    if (typeof value === 'string' || typeof value === 'number') {
      return field === 'electricitySource' ? t(`registry.source.${value}`) : String(value);
    }
    if (field === 'students')
      return (value as RecordBody['students'])
        .map(
          (c) =>
            `${t('registry.cell', { level: levelName(c.level), sex: t(`registry.sex.${c.sex}`), shift: c.shift })}: ${c.students}`,
        )
        .sort()
        .join('\n');
    if (field === 'links')
      return (value as RecordBody['links'])
        .map(
          (l) =>
            `${t(`registry.linkType.${l.type}`)}, ${t(`registry.purpose.${l.purpose}`)}${l.provider ? `, ${l.provider}` : ''}: ${l.downloadMbps ?? '—'} / ${l.uploadMbps ?? '—'} ${t('registry.mbps')}`,
        )
        .join('\n');
    if (field === 'deviceCounts')
      return (value as RecordBody['deviceCounts'])
        .map(
          (d) =>
            `${t(`registry.deviceKind.${d.kind}`)}, ${t(`registry.purpose.${d.purpose}`)}: ${d.total} (${t('registry.working')}: ${d.working})`,
        )
        .sort()
        .join('\n');
    if (field === 'participations')
      return (value as RecordBody['participations'])
        .map((p) => {
          const project = projects.data?.find((x) => x.id === p.projectId);
          const name = project ? localName(project, i18n.language) : t('stale.unknown');
          return p.evidence ? `${name}: ${p.evidence}` : name;
        })
        .sort()
        .join('\n');
    return '';
  };

  const setLink = (i: number, change: Partial<LinkDraft>) =>
    set(
      'links',
      draft.links.map((l, j) => (j === i ? { ...l, ...change } : l)),
    );
  const setCount = (i: number, change: Partial<CountDraft>) =>
    set(
      'deviceCounts',
      draft.deviceCounts.map((d, j) => (j === i ? { ...d, ...change } : d)),
    );

  /** The editor of the devices the school counts: all its devices, or those not in its item list. */
  const countEditor = (
    <>
      {draft.deviceCounts.map((d, i) => (
        <fieldset key={i} className="item">
          <legend>{t('registry.countN', { n: i + 1 })}</legend>
          <div className="pair">
            <div className="field">
              <label htmlFor={`${base}-count-${i}-kind`}>{t('registry.kind')}</label>
              <select
                id={`${base}-count-${i}-kind`}
                value={d.kind}
                onChange={(e) => setCount(i, { kind: e.target.value as CountDraft['kind'] })}
                {...described(`deviceCounts.${i}`)}
              >
                {DEVICE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`registry.deviceKind.${k}`)}
                  </option>
                ))}
              </select>
              {fieldError(`deviceCounts.${i}`)}
            </div>
            <div className="field">
              <label htmlFor={`${base}-count-${i}-purpose`}>{t('registry.purposeLabel')}</label>
              <select
                id={`${base}-count-${i}-purpose`}
                value={d.purpose}
                onChange={(e) => setCount(i, { purpose: e.target.value as CountDraft['purpose'] })}
              >
                {DEVICE_PURPOSES.map((p) => (
                  <option key={p} value={p}>
                    {t(`registry.purpose.${p}`)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="pair">
            {(['total', 'working'] as const).map((f) => (
              <div className="field" key={f}>
                <label htmlFor={`${base}-count-${i}-${f}`}>{t(`registry.${f}`)}</label>
                <input
                  id={`${base}-count-${i}-${f}`}
                  inputMode="numeric"
                  value={d[f]}
                  onChange={(e) => setCount(i, { [f]: e.target.value })}
                  {...described(`deviceCounts.${i}.${f}`)}
                />
                {fieldError(`deviceCounts.${i}.${f}`)}
              </div>
            ))}
          </div>
          <button
            type="button"
            className="secondary"
            onClick={() =>
              set(
                'deviceCounts',
                draft.deviceCounts.filter((_, j) => j !== i),
              )
            }
          >
            {t('registry.removeCount', { n: i + 1 })}
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        className="secondary"
        onClick={() =>
          set('deviceCounts', [
            ...draft.deviceCounts,
            { kind: 'desktop', purpose: 'teaching', total: '', working: '' },
          ])
        }
      >
        {t('registry.addCount')}
      </button>
    </>
  );

  const section = (id: string, title: string, children: ReactNode) => (
    <fieldset>
      <legend id={`${base}-section-${id}`}>{title}</legend>
      {children}
    </fieldset>
  );

  return (
    <form className="form registry-form" onSubmit={submit} noValidate>
      {tried ? <FormSummary title={t('forms.summary')} problems={summary} /> : null}
      {section(
        'staff',
        t('registry.staffRooms'),
        <>
          <div className="pair">
            {numberField('teachers')}
            {record.ictTrainedFromRecords === null
              ? numberField('teachersIctTrained')
              : numberField(
                  'teachersIctTrained',
                  false,
                  t('registry.ictTrainedFed', { n: f.number(record.ictTrainedFromRecords) }),
                  true,
                )}
          </div>
          <div className="pair">
            {numberField('classrooms')}
            {yesNoField('hasComputerLab')}
          </div>
        </>,
      )}
      {section(
        'electricity',
        t('registry.electricityTitle'),
        <>
          {yesNoField('electricity')}
          <div className="pair">
            <Field
              id={`${base}-electricitySource`}
              label={t('registry.electricitySource')}
              errors={errorsOf('electricitySource')}
            >
              {(a11y) => (
                <select
                  {...a11y}
                  value={draft.electricitySource}
                  onChange={(e) => set('electricitySource', e.target.value as Draft['electricitySource'])}
                >
                  <option value="">{t('registry.notSaid')}</option>
                  {SOURCES.map((s) => (
                    <option key={s} value={s}>
                      {t(`registry.source.${s}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {numberField('electricityHours', true, t('registry.electricityHoursHelp'))}
          </div>
        </>,
      )}
      {section(
        'facts',
        t('registry.factsTitle'),
        <>
          <p className="note">{t('registry.factsHelp')}</p>
          <div className="pair">
            {numberField('studentsGirls')}
            {numberField('studentsBoys')}
          </div>
          {numberField('studentsOther', false, t('registry.studentsOtherHelp'))}
          <div className="pair">
            {yesNoField('refugeePupils')}
            {numberField('refugeeStudents')}
          </div>
          <div className="pair">
            {numberField('admPersonnel', false, t('registry.admPersonnelHelp'))}
            {numberField('computersDesired', false, t('registry.computersDesiredHelp'))}
          </div>
          <div className="pair">
            {yesNoField('water', t('registry.waterHelp'))}
            {numberField('latrines')}
          </div>
        </>,
      )}
      {section(
        'students',
        t('registry.studentsTitle'),
        <>
          <p className="note">{t('registry.studentsHelp')}</p>
          {levelCodes.length === 0 ? <p>{t('director.noLevels')}</p> : null}
          {levelCodes.length > 0
            ? shifts.map((shift) => (
                <table key={shift} className="table grid">
                  <caption>{t(`class.shiftN${shift}`, { defaultValue: String(shift) })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('registry.level')}</th>
                      {SEXES.map((sex) => (
                        <th key={sex} scope="col">
                          {t(`registry.sex.${sex}`)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {levelCodes.map((level) => (
                      <tr key={level}>
                        <th scope="row">{levelName(level)}</th>
                        {SEXES.map((sex) => {
                          const key = `${level}/${sex}/${shift}`;
                          return (
                            <td key={sex}>
                              <input
                                id={cellId(base, key)}
                                inputMode="numeric"
                                autoComplete="off"
                                aria-label={t('registry.cell', {
                                  level: levelName(level),
                                  sex: t(`registry.sex.${sex}`),
                                  shift: t(`class.shiftN${shift}`, { defaultValue: String(shift) }),
                                })}
                                value={draft.students[key] ?? ''}
                                onChange={(e) =>
                                  set('students', { ...draft.students, [key]: e.target.value })
                                }
                                {...described(
                                  problems[`students.${key}`] || key !== firstCell
                                    ? `students.${key}`
                                    : 'students',
                                )}
                              />
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              ))
            : null}
          {studentProblems.map(([field, message]) => (
            <p key={field} className="field-error" id={errorId(base, field)}>
              {message}
            </p>
          ))}
        </>,
      )}
      {section(
        'links',
        t('registry.linksTitle'),
        <>
          {draft.links.length === 0 ? <p>{t('registry.noLinks')}</p> : null}
          {draft.links.map((link, i) => (
            <fieldset key={i} className="item">
              <legend>{t('registry.linkN', { n: i + 1 })}</legend>
              <div className="pair">
                <div className="field">
                  <label htmlFor={`${base}-link-${i}-type`}>{t('registry.linkTypeLabel')}</label>
                  <select
                    id={`${base}-link-${i}-type`}
                    value={link.type}
                    onChange={(e) => setLink(i, { type: e.target.value as Link['type'] })}
                    {...described(`links.${i}.type`)}
                  >
                    {LINK_TYPES.map((type) => (
                      <option key={type} value={type}>
                        {t(`registry.linkType.${type}`)}
                      </option>
                    ))}
                  </select>
                  {fieldError(`links.${i}.type`)}
                </div>
                <div className="field">
                  <label htmlFor={`${base}-link-${i}-purpose`}>{t('registry.purposeLabel')}</label>
                  <select
                    id={`${base}-link-${i}-purpose`}
                    value={link.purpose}
                    onChange={(e) => setLink(i, { purpose: e.target.value as Link['purpose'] })}
                  >
                    {PURPOSES.map((p) => (
                      <option key={p} value={p}>
                        {t(`registry.purpose.${p}`)}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <div className="field">
                <label htmlFor={`${base}-link-${i}-provider`}>{t('registry.provider')}</label>
                <input
                  id={`${base}-link-${i}-provider`}
                  value={link.provider}
                  onChange={(e) => setLink(i, { provider: e.target.value })}
                  {...described(`links.${i}.provider`)}
                />
                {fieldError(`links.${i}.provider`)}
              </div>
              <div className="pair">
                {(['downloadMbps', 'uploadMbps'] as const).map((f) => (
                  <div className="field" key={f}>
                    <label htmlFor={`${base}-link-${i}-${f}`}>{t(`registry.${f}`)}</label>
                    <input
                      id={`${base}-link-${i}-${f}`}
                      inputMode="decimal"
                      value={link[f]}
                      onChange={(e) => setLink(i, { [f]: e.target.value })}
                      {...described(`links.${i}.${f}`)}
                    />
                    {fieldError(`links.${i}.${f}`)}
                  </div>
                ))}
              </div>
              <label className="check">
                <input
                  type="checkbox"
                  checked={link.educationNetwork}
                  onChange={(e) => setLink(i, { educationNetwork: e.target.checked })}
                />
                {t('registry.educationNetwork')}
              </label>
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  set(
                    'links',
                    draft.links.filter((_, j) => j !== i),
                  )
                }
              >
                {t('registry.removeLink', { n: i + 1 })}
              </button>
            </fieldset>
          ))}
          <button
            type="button"
            className="secondary"
            onClick={() =>
              set('links', [
                ...draft.links,
                {
                  purpose: 'teaching',
                  type: 'fibre',
                  educationNetwork: false,
                  provider: '',
                  downloadMbps: '',
                  uploadMbps: '',
                },
              ])
            }
          >
            {t('registry.addLink')}
          </button>
          {yesNoField('pupilsInternet', t('registry.pupilsInternetHelp'))}
        </>,
      )}
      {section(
        'devices',
        t('registry.devicesTitle'),
        record.hasInventory ? (
          <>
            <p className="note">{t('registry.countsFromInventory')}</p>
            {record.deviceCounts.length === 0 ? (
              <p>{t('registry.noneReported')}</p>
            ) : (
              <DeviceCountTable counts={record.deviceCounts} caption={t('registry.totalsCaption')} />
            )}
            <div role="group" aria-labelledby={`${base}-counted`} aria-describedby={`${base}-counted-help`}>
              <h3 id={`${base}-counted`}>{t('registry.countedTitle')}</h3>
              <p className="note" id={`${base}-counted-help`}>
                {t('registry.countedHelp')}
              </p>
              {countEditor}
            </div>
          </>
        ) : (
          <>
            <p className="note">{t('registry.countsHelp')}</p>
            {countEditor}
          </>
        ),
      )}
      {section(
        'projects',
        t('registry.projectsTitle'),
        <ProjectChoices
          projects={projects.data ?? []}
          chosen={draft.participations}
          onChange={(value) => set('participations', value)}
          base={base}
          fieldError={fieldError}
          described={described}
          verified={record.participations.filter((p) => p.verified).map((p) => p.projectId)}
        />,
      )}
      {stale ? (
        <StaleVersion
          differences={differencesOf(
            COMPARED,
            { ...stale.current, deviceCounts: countedOf(stale.current) },
            stale.mine,
            (field) => t(LABELS[field]),
            showValue,
          )}
          updatedAt={stale.current.updatedAt}
          busy={save.isPending}
          // Theirs replaces the form (a new record from the server starts it afresh).
          onReload={() =>
            client.setQueryData(recordKey(record.institutionId, record.academicYearId), stale.current)
          }
          onOverwrite={() => {
            const { mine, current, draft: asDraft } = stale;
            setStale(null);
            save.mutate({ body: mine, version: current.version, draft: asDraft });
          }}
        />
      ) : save.isError && !(save.error instanceof ApiError && (save.error.status === 422 || stale)) ? (
        <ErrorBox error={save.error} />
      ) : null}
      {tried && ordered.length > 0 ? <p className="field-error">{t('registry.fixFields')}</p> : null}
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? t('common.saving') : t('registry.saveSubmit')}
        </button>
        <button type="button" className="secondary" disabled={save.isPending} onClick={saveDraft}>
          {t('registry.saveDraft')}
        </button>
      </div>
    </form>
  );
}

/** The digital projects: a checkbox each, and where ticked, the evidence (a link or a note). */
function ProjectChoices({
  projects,
  chosen,
  onChange,
  base,
  fieldError,
  described,
  verified,
}: {
  projects: ProjectRecord[];
  chosen: Record<number, string>;
  onChange: (value: Record<number, string>) => void;
  base: string;
  fieldError: (field: string) => ReactNode;
  described: (field: string) => object;
  verified: number[];
}) {
  const { t, i18n } = useTranslation();
  const shown = projects.filter((p) => p.active || p.id in chosen);
  if (shown.length === 0) return <p>{t('registry.noProjects')}</p>;
  return (
    <>
      {shown.map((p) => {
        const on = p.id in chosen;
        return (
          <div key={p.id} className="project">
            <label className="check">
              <input
                type="checkbox"
                checked={on}
                onChange={(e) => {
                  const next = { ...chosen };
                  if (e.target.checked) next[p.id] = '';
                  else delete next[p.id];
                  onChange(next);
                }}
              />
              {localName(p, i18n.language)}
              {verified.includes(p.id) ? (
                <span className="badge state-verified">{t('registry.verifiedFlag')}</span>
              ) : null}
            </label>
            {on ? (
              <div className="field">
                <label htmlFor={`${base}-evidence-${p.id}`}>{t('registry.evidence')}</label>
                <input
                  id={`${base}-evidence-${p.id}`}
                  value={chosen[p.id]}
                  onChange={(e) => onChange({ ...chosen, [p.id]: e.target.value })}
                  {...described(`participations.${p.id}`)}
                />
                {fieldError(`participations.${p.id}`)}
              </div>
            ) : null}
          </div>
        );
      })}
    </>
  );
}
