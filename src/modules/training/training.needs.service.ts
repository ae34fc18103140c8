import { feedIctTrained } from '@/modules/infrastructure/ict-trained.store';
import type { Static } from 'typebox';
import { allows, grantsOf, type Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, notFound, type FieldProblem } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import { csvText } from '@/server/csv';
import { staleVersion } from '@/server/versions';
import { RevisionCache } from '@/server/revision';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { readUpload, writeCsv, writeXlsx } from '@/modules/infrastructure/registry-import.files';
import * as store from '@/modules/training/training.needs.store';
import '@/modules/training/training.needs.messages';
import {
  HISTORY_COLUMNS,
  HISTORY_HEADERS,
  type HistoryColumn,
} from '@/modules/training/training.needs.messages';
import type {
  HistoryReport,
  NeedsReport,
  Proposal,
  Targets,
  TargetsBody,
  TrainingIndicators,
} from '@/modules/training/training.needs.schema';
import type { Localised } from '@/modules/training/training.tables';

/**
 * Yearly needs (targets per framework area, teachers below them by area, district, school, subject and level
 * taught, a proposal of seats per district), past training records imported from files, and the UIS ED38 and
 * SDG 4.c.7 indicators. Above a school only counts are given, never a name. Every answer is computed afresh
 * from the tables (the needs report sums `training_school_level`, thousands of rows), so a change shows in the
 * next answer.
 */

const pick = (l: Localised | null | undefined, locale: Locale): string => (l ? (l[locale] ?? l.en) : '');
const named = (r: { nameAz: string; nameRu: string; nameEn: string }, locale: Locale) =>
  locale === 'az' ? r.nameAz : locale === 'ru' ? r.nameRu : r.nameEn;

export async function yearOf(db: Db, code: string | undefined): Promise<store.YearRow> {
  const years = await store.listYears(db);
  const year = code === undefined ? years.find((y) => y.isCurrent) : years.find((y) => y.code === code);
  if (!year) throw notFound('academic_year');
  return year;
}

async function frameworkOf(db: Db) {
  const framework = await store.selfFramework(db);
  if (!framework) return null;
  const areas = await store.areasOf(db, framework.id);
  return { framework, areas };
}

const frameworkOut = (f: store.FrameworkRow, locale: Locale) => ({
  id: f.id,
  name: pick(f.name, locale),
  levels: f.levels.map((l) => ({ code: l.code, name: pick(l.name, locale) })),
});

/** The area a question covers: the one asked for (the route checked it), the nation, or a regional's own. */
export function selectedArea(actor: Actor | null, areaId: number | undefined): number | null {
  if (areaId !== undefined) return areaId;
  if (actor === null || allows(actor, ['admin', 'bureau'])) return null;
  return grantsOf(actor, ['regional']).find((g) => g.areaId !== null)?.areaId ?? -1;
}

// ---------------------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------------------

export async function getTargets(
  db: Db,
  locale: Locale,
  q: { year?: string },
): Promise<Static<typeof Targets>> {
  const year = await yearOf(db, q.year);
  const found = await frameworkOf(db);
  const saved = await store.targetsOf(db, year.id);
  return {
    year: { id: year.id, code: year.code },
    framework: found ? frameworkOut(found.framework, locale) : null,
    areas: (found?.areas ?? []).map((a) => {
      const t = saved.find((s) => s.areaId === a.id);
      return { areaId: a.id, name: pick(a.name, locale), level: t?.level ?? null, version: t?.version ?? 0 };
    }),
  };
}

/**
 * The report's two counts, each kept while the tables it is computed from stay unchanged (`src/server/revision.ts`):
 * teachers below the targets while no school's level counts or targets change, teachers per group while no role
 * is granted or taken back — so after a teacher's new levels only the first is counted again, and a change
 * shows in the next answer on every node.
 */
const belowKept = new RevisionCache<store.BelowRow[]>(['registry', 'training'], 256);
const teachersKept = new RevisionCache<store.TeachersRow[]>(['registry', 'staff'], 256);
const belowBySchoolGroup = (db: Db, q: Parameters<typeof store.belowBySchoolGroup>[1]) =>
  belowKept.get(db, JSON.stringify(q), () => store.belowBySchoolGroup(db, q));
const teachersBySchoolGroup = (db: Db, q: Parameters<typeof store.teachersBySchoolGroup>[1]) =>
  teachersKept.get(db, JSON.stringify(q), () => store.teachersBySchoolGroup(db, q));

/** Saves the year's targets, each at the version read; all or none (409 `stale_version` when one moved on). */
export async function saveTargets(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  body: Static<typeof TargetsBody>,
): Promise<Static<typeof Targets>> {
  const year = await yearOf(db, body.year);
  const found = await frameworkOf(db);
  if (!found) throw new AppError(422, 'trainingNeeds.no_framework');
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  body.targets.forEach((t, i) => {
    const rule = (field: string, reason: string) =>
      problems.push({
        field: `targets.${i}.${field}`,
        reason,
        message: translate(locale, `trainingNeeds.rule.${reason}`),
      });
    if (!found.areas.some((a) => a.id === t.areaId)) rule('areaId', 'unknown_area');
    else if (seen.has(t.areaId)) rule('areaId', 'twice');
    seen.add(t.areaId);
    if (t.level >= found.framework.levels.length) rule('level', 'unknown_level');
  });
  if (problems.length) throw new AppError(422, 'trainingNeeds.invalid', {}, problems);
  await db.transaction(async (tx) => {
    const before = await store.targetsOf(tx, year.id);
    for (const t of body.targets) {
      if (!(await store.saveTarget(tx, year.id, t.areaId, t.level, t.version))) {
        const current = await getTargets(tx, locale, { year: year.code });
        throw staleVersion(
          { version: t.version, ...body },
          { version: current.areas.find((a) => a.areaId === t.areaId)?.version ?? 0, ...current },
        );
      }
    }
    await audit(tx, ctx, {
      action: 'update',
      entity: 'training_target',
      entityId: year.id,
      before,
      after: body.targets.map(({ areaId, level }) => ({ areaId, level })),
    });
  });
  return getTargets(db, locale, { year: year.code });
}

// ---------------------------------------------------------------------------------------------------------
// The needs report
// ---------------------------------------------------------------------------------------------------------

type Report = Static<typeof NeedsReport>;
type Row = Report['total'];

export async function needsReport(
  db: Db,
  actor: Actor,
  locale: Locale,
  q: { year?: string; areaId?: number; by?: store.NeedsBy },
): Promise<Report> {
  const areaId = selectedArea(actor, q.areaId);
  // Independent reads at once (on PostgreSQL, each on its own connection).
  const [year, found, allAreas] = await Promise.all([
    yearOf(db, q.year),
    frameworkOf(db),
    store.allAreas(db),
  ]);
  const selected = areaId === null ? null : allAreas.find((a) => a.id === areaId);
  // The bottom of the tree (a district) has no areas under it: its groups are its schools.
  const leaf =
    selected !== undefined && selected !== null && !allAreas.some((a) => a.parentId === selected.id);
  const by = (q.by ?? 'area') === 'area' && leaf ? 'school' : (q.by ?? 'area');
  const selection = {
    areaId: selected?.id ?? null,
    name: selected
      ? named(selected, locale)
      : allAreas
          .filter((a) => a.parentId === null)
          .map((a) => named(a, locale))
          .join(', '),
  };
  const areaIds = (found?.areas ?? []).map((a) => a.id);
  const schoolBy = by === 'subject' || by === 'level' ? 'area' : by;
  const counting = areaId !== -1 && areaIds.length > 0;
  // The targets and the counts at once (on PostgreSQL, each on its own connection).
  const [saved, below, teachers] = await Promise.all([
    store.targetsOf(db, year.id),
    counting ? belowBySchoolGroup(db, { yearId: year.id, areaId, by: schoolBy, areaIds }) : [],
    counting ? teachersBySchoolGroup(db, { areaId, by: schoolBy }) : [],
  ]);
  const areas = (found?.areas ?? []).map((a) => ({
    areaId: a.id,
    name: pick(a.name, locale),
    target: saved.find((s) => s.areaId === a.id)?.level ?? null,
  }));
  const empty = (key: string | null, name: string): Row => ({
    key,
    areaId: null,
    schoolId: null,
    code: null,
    name,
    teachers: 0,
    assessed: 0,
    notAssessed: 0,
    below: areas.map(() => 0),
  });
  const totalName = translate(locale, 'trainingNeeds.export.total');
  const noneName = translate(locale, 'trainingNeeds.export.none');
  const base = {
    year: { id: year.id, code: year.code },
    framework: found ? frameworkOut(found.framework, locale) : null,
    areas,
    by,
    selection,
  };
  if (!counting) return { ...base, total: empty(null, totalName), groups: [] };

  const byKey = new Map<string | null, Row>();
  const rowOf = (key: string | null) => {
    let row = byKey.get(key);
    if (!row) byKey.set(key, (row = empty(key, noneName)));
    return row;
  };
  const total = empty(null, totalName);
  const index = new Map(areaIds.map((id, i) => [id, i]));
  // A submitted sitting gives a level in every area, so a group's assessed teachers are the most counted in
  // any one area; those not assessed are the rest of its teachers.
  const counted = (row: Row, r: { areaId: string; below: number; assessed: number }) => {
    row.below[index.get(r.areaId)!] = r.below;
    row.assessed = Math.max(row.assessed, r.assessed);
  };
  const settle = (row: Row) => {
    row.notAssessed = Math.max(0, row.teachers - row.assessed);
  };
  // The groups divide the selection: the whole is their sum.
  const areaTotals = new Map<string, { areaId: string; below: number; assessed: number }>();
  for (const r of below) {
    const t = areaTotals.get(r.areaId) ?? { areaId: r.areaId, below: 0, assessed: 0 };
    t.below += r.below;
    t.assessed += r.assessed;
    areaTotals.set(r.areaId, t);
  }
  for (const t of areaTotals.values()) counted(total, t);
  total.teachers = teachers.reduce((n, r) => n + r.teachers, 0);
  settle(total);

  if (by === 'subject' || by === 'level') {
    const [tb, tt, names] = await Promise.all([
      store.belowByTaught(db, { yearId: year.id, areaId, by, areaIds }),
      store.teachersByTaught(db, { yearId: year.id, areaId, by, areaIds }),
      by === 'subject' ? store.subjectNames(db) : store.levelNames(db),
    ]);
    for (const r of tb) counted(rowOf(r.grp), r);
    for (const r of tt) {
      const row = rowOf(r.grp);
      row.teachers = r.teachers;
      row.notAssessed = r.notAssessed;
    }
    for (const [key, row] of byKey) {
      const n = names.find((x) => x.key === key);
      if (n) Object.assign(row, { code: n.code, name: named(n, locale) });
    }
    const order = names.map((n) => n.key);
    const groups = [...byKey.values()].sort(
      (a, b) => (a.key === null ? 1e9 : order.indexOf(a.key)) - (b.key === null ? 1e9 : order.indexOf(b.key)),
    );
    return { ...base, total, groups };
  }

  for (const r of below) counted(rowOf(r.grp === null ? null : String(r.grp)), r);
  for (const r of teachers) rowOf(r.grp === null ? null : String(r.grp)).teachers = r.teachers;
  for (const row of byKey.values()) settle(row);
  if (by === 'school') {
    const ids = [...byKey.keys()].filter((k): k is string => k !== null).map(Number);
    for (const n of await store.schoolNames(db, ids)) {
      Object.assign(byKey.get(n.key)!, { schoolId: Number(n.key), code: n.code, name: named(n, locale) });
    }
  } else {
    for (const [key, row] of byKey) {
      const a = key === null ? undefined : allAreas.find((x) => String(x.id) === key);
      if (a) Object.assign(row, { areaId: a.id, code: a.code, name: named(a, locale) });
    }
  }
  const groups = [...byKey.values()].sort((a, b) =>
    a.key === null ? 1 : b.key === null ? -1 : a.name.localeCompare(b.name, locale),
  );
  return { ...base, total, groups };
}

export interface OutFile {
  filename: string;
  contentType: string;
  body: Buffer;
}

/** The report as a file with headers in the caller's language. */
export async function exportNeeds(
  db: Db,
  actor: Actor,
  locale: Locale,
  q: { year?: string; areaId?: number; by?: store.NeedsBy; format?: 'csv' | 'xlsx' },
): Promise<OutFile> {
  const report = await needsReport(db, actor, locale, q);
  const tr = (code: string, params: Record<string, unknown> = {}) =>
    translate(locale, `trainingNeeds.export.${code}`, params);
  const columns = [
    { name: tr('group') },
    { name: tr('teachers'), numeric: true },
    { name: tr('assessed'), numeric: true },
    { name: tr('notAssessed'), numeric: true },
    ...report.areas.map((a) => ({ name: tr('below', { area: a.name }), numeric: true })),
  ];
  const line = (r: Row) => [
    r.code && q.by === 'school' ? `${r.code} ${r.name}` : r.name,
    String(r.teachers),
    String(r.assessed),
    String(r.notAssessed),
    ...r.below.map(String),
  ];
  const data = [...report.groups.map(line), line(report.total)];
  const format = q.format ?? 'csv';
  const base = `training-needs-${report.year.code}-${report.by}`;
  return format === 'xlsx'
    ? {
        filename: `${base}.xlsx`,
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        body: await writeXlsx(tr('sheet'), columns, data, []),
      }
    : { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', body: writeCsv(columns, data) };
}

// ---------------------------------------------------------------------------------------------------------
// From needs to the plan: seats per district
// ---------------------------------------------------------------------------------------------------------

/** Shares `seats` among districts in proportion to their teachers below (largest remainders). */
export function shareSeats(below: number[], seats: number): number[] {
  const total = below.reduce((s, b) => s + b, 0);
  if (total === 0 || seats === 0) return below.map(() => 0);
  const exact = below.map((b) => (seats * b) / total);
  const out = exact.map(Math.floor);
  let left = seats - out.reduce((s, x) => s + x, 0);
  const order = exact
    .map((x, i) => ({ i, frac: x - Math.floor(x), b: below[i]! }))
    .sort((a, b) => b.frac - a.frac || b.b - a.b || a.i - b.i);
  for (const o of order) {
    if (left === 0) break;
    out[o.i]! += 1;
    left -= 1;
  }
  return out;
}

export async function propose(
  db: Db,
  actor: Actor,
  locale: Locale,
  q: {
    year?: string;
    areaId?: number;
    area: string;
    belowLevel?: number;
    seats?: number;
    budget?: number;
    costPerSeat?: number;
  },
): Promise<Static<typeof Proposal>> {
  const year = await yearOf(db, q.year);
  const found = await frameworkOf(db);
  if (!found) throw new AppError(422, 'trainingNeeds.no_framework');
  const problem = (field: string, reason: string) =>
    new AppError(422, 'trainingNeeds.proposal.invalid', {}, [
      { field, reason, message: translate(locale, `trainingNeeds.rule.${reason}`) },
    ]);
  const fa = found.areas.find((a) => a.id === q.area);
  if (!fa) throw problem('area', 'unknown_area');
  const target = (await store.targetsOf(db, year.id)).find((t) => t.areaId === q.area)?.level;
  const level = q.belowLevel ?? target;
  if (level === undefined || level >= found.framework.levels.length)
    throw problem('belowLevel', 'unknown_level');
  const areaId = selectedArea(actor, q.areaId);
  const rowsBelow =
    areaId === -1
      ? []
      : await belowBySchoolGroup(db, {
          yearId: year.id,
          areaId,
          by: 'district',
          areaIds: [q.area],
          belowLevel: level,
        });
  const allAreas = await store.allAreas(db);
  const districts = rowsBelow
    .filter((r) => r.grp !== null && r.below > 0)
    .map((r) => ({ area: allAreas.find((a) => a.id === r.grp)!, below: r.below }))
    .sort((a, b) => a.area.code.localeCompare(b.area.code));
  const below = districts.reduce((s, d) => s + d.below, 0);
  let seats = below;
  let limitedBy: 'teachers' | 'seats' | 'budget' = 'teachers';
  if (q.seats !== undefined && q.seats < seats) {
    seats = q.seats;
    limitedBy = 'seats';
  }
  if (q.budget !== undefined && q.costPerSeat !== undefined) {
    const affordable = Math.floor(q.budget / q.costPerSeat + 1e-9);
    if (affordable < seats) {
      seats = affordable;
      limitedBy = 'budget';
    }
  }
  const shared = shareSeats(
    districts.map((d) => d.below),
    seats,
  );
  // The programme form (the plan's page) opens with these filled in: the framework, the area, the level, and
  // the seats per district as `areaId:seats` pairs.
  const params = new URLSearchParams({
    framework: found.framework.id,
    area: q.area,
    belowLevel: String(level),
    year: year.code,
  });
  const seatsParam = districts
    .map((d, i) => `${d.area.id}:${shared[i]!}`)
    .filter((_, i) => shared[i]! > 0)
    .join(',');
  if (seatsParam) params.set('seats', seatsParam);
  return {
    year: { id: year.id, code: year.code },
    area: { areaId: fa.id, name: pick(fa.name, locale) },
    belowLevel: level,
    belowLevelCode: found.framework.levels[level]!.code,
    below,
    seats,
    limitedBy,
    cost: q.costPerSeat !== undefined ? Math.round(seats * q.costPerSeat * 100) / 100 : null,
    districts: districts.map((d, i) => ({
      areaId: d.area.id,
      code: d.area.code,
      name: named(d.area, locale),
      below: d.below,
      seats: shared[i]!,
    })),
    planLink: `/training/programmes?${params.toString()}`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The history import
// ---------------------------------------------------------------------------------------------------------

/** The most problems a report lists (the count says how many there are). */
const MAX_REPORTED = 200;

const fold = (s: string) => s.trim().toLocaleLowerCase('az').replace(/\s+/g, ' ');

/** Which file column is which: stable names, or the headers of any language. */
function headerMap(header: string[]): Map<HistoryColumn, string> {
  const out = new Map<HistoryColumn, string>();
  for (const written of header) {
    const f = fold(written);
    for (const c of HISTORY_COLUMNS) {
      if (out.has(c)) continue;
      const names = [c, HISTORY_HEADERS.az[c], HISTORY_HEADERS.ru[c], HISTORY_HEADERS.en[c]].map(fold);
      if (names.includes(f)) out.set(c, written);
    }
  }
  return out;
}

const SEXES: Record<string, 'female' | 'male'> = {
  female: 'female',
  f: 'female',
  qadın: 'female',
  q: 'female',
  женский: 'female',
  ж: 'female',
  male: 'male',
  m: 'male',
  kişi: 'male',
  k: 'male',
  мужской: 'male',
  м: 'male',
};
const YES = new Set(['yes', 'y', 'true', '1', 'bəli', 'he', 'hə', 'да', 'д']);
const NO = new Set(['no', 'n', 'false', '0', 'xeyr', 'yox', 'нет', 'н']);
const REQUIRED: HistoryColumn[] = ['school_code', 'person_name', 'programme', 'completed'];

/** A day from `YYYY-MM-DD` (a time after it is ignored), `DD.MM.YYYY` or a year alone (1 July of it, or today). */
export function parseCompleted(text: string, today: string): string | null {
  let day: string | null = null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(text);
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  if (iso) day = `${iso[1]}-${iso[2]}-${iso[3]}`;
  else if (dotted) day = `${dotted[3]}-${dotted[2]!.padStart(2, '0')}-${dotted[1]!.padStart(2, '0')}`;
  else if (/^\d{4}$/.test(text)) {
    day = `${text}-07-01`;
    if (day > today && text === today.slice(0, 4)) day = today;
  }
  if (!day) return null;
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) return null;
  if (day < '1990-01-01' || day > today) return null;
  return day;
}

export async function historyTemplate(locale: Locale, format: 'csv' | 'xlsx'): Promise<OutFile> {
  const columns = HISTORY_COLUMNS.map((c) => ({ name: HISTORY_HEADERS[locale][c], numeric: c === 'hours' }));
  const yes = translate(locale, 'trainingNeeds.yes');
  const example = [
    [
      '1001',
      'Aysel Məmmədova',
      translate(locale, 'trainingNeeds.sex.female'),
      '1',
      'Intel Teach',
      'Intel',
      '2006',
      '40',
      yes,
      '',
    ],
    [
      '1001',
      'Rauf Həsənov',
      translate(locale, 'trainingNeeds.sex.male'),
      'basic',
      'ECDL',
      'ECDL Azerbaijan',
      '2015-05-20',
      '',
      yes,
      '',
    ],
  ];
  return format === 'xlsx'
    ? {
        filename: 'training-history.xlsx',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        body: await writeXlsx(translate(locale, 'trainingNeeds.template.sheet'), columns, example, []),
      }
    : {
        filename: 'training-history.csv',
        contentType: 'text/csv; charset=utf-8',
        body: writeCsv(columns, example),
      };
}

type Problem = Static<typeof HistoryReport>['problems'][number];

/** Checks a file of past training records and, unless `dryRun`, imports all of its rows or none. */
export async function importHistory(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  bytes: Buffer,
  options: { dryRun: boolean; name?: string },
): Promise<Static<typeof HistoryReport>> {
  const file = await readUpload(bytes, translate(locale, 'trainingNeeds.template.sheet'));
  const columns = headerMap(file.header);
  const problems: Problem[] = [];
  const columnName = (c: HistoryColumn) => columns.get(c) ?? HISTORY_HEADERS[locale][c];
  const problem = (line: number, c: HistoryColumn, reason: string, params: Record<string, unknown> = {}) => {
    const text = translate(locale, `trainingNeeds.history.${reason}`, params);
    problems.push({
      line,
      column: columnName(c),
      reason,
      message: translate(locale, 'trainingNeeds.at', { line: String(line), column: columnName(c), text }),
    });
  };
  for (const c of REQUIRED) if (!columns.has(c)) problem(1, c, 'column_missing');
  const cell = (row: (typeof file.rows)[number], c: HistoryColumn) => {
    const h = columns.get(c);
    return h === undefined ? '' : (row.cells.get(h.toLowerCase()) ?? '').trim();
  };
  const codes = [...new Set(file.rows.map((r) => cell(r, 'school_code')).filter(Boolean))];
  const usernames = [...new Set(file.rows.map((r) => cell(r, 'username')).filter(Boolean))];
  const [schools, users, levels] = await Promise.all([
    store.schoolsByCode(db, codes),
    store.usersByName(db, usernames),
    store.levelNames(db),
  ]);
  const today = new Date().toISOString().slice(0, 10);
  const records: store.HistoryInsert[] = [];
  let linked = 0;
  const text = (row: (typeof file.rows)[number], c: HistoryColumn, max: number, required: boolean) => {
    const v = cell(row, c);
    if (!v && required) problem(row.line, c, 'required');
    if (v.length > max) problem(row.line, c, 'too_long', { max });
    return v;
  };
  if (problems.length === 0) {
    for (const row of file.rows) {
      const before = problems.length;
      const code = text(row, 'school_code', 50, true);
      const institutionId = code ? schools.get(code) : undefined;
      if (code && institutionId === undefined) problem(row.line, 'school_code', 'unknown_school');
      const personName = text(row, 'person_name', 200, true);
      const programme = text(row, 'programme', 300, true);
      const provider = text(row, 'provider', 200, false);
      const sexText = fold(cell(row, 'sex'));
      const sex = sexText ? SEXES[sexText] : null;
      if (sex === undefined) problem(row.line, 'sex', 'bad_sex');
      const levelText = cell(row, 'level');
      let isced: number | null = null;
      if (levelText) {
        if (/^[0-8]$/.test(levelText)) isced = Number(levelText);
        else {
          const l = levels.find((x) => x.code === levelText || fold(named(x, locale)) === fold(levelText));
          if (l && l.isced !== null) isced = l.isced;
          else problem(row.line, 'level', 'bad_level');
        }
      }
      const completedText = cell(row, 'completed');
      const completedOn = completedText ? parseCompleted(completedText, today) : null;
      if (!completedText) problem(row.line, 'completed', 'required');
      else if (!completedOn) problem(row.line, 'completed', 'bad_date');
      const hoursText = cell(row, 'hours');
      let hours: number | null = null;
      if (hoursText) {
        hours = Number(hoursText);
        if (!Number.isInteger(hours) || hours < 1 || hours > 1000) problem(row.line, 'hours', 'bad_hours');
      }
      const ictText = fold(cell(row, 'ict'));
      const ict = ictText === '' ? true : YES.has(ictText) ? true : NO.has(ictText) ? false : null;
      if (ict === null) problem(row.line, 'ict', 'bad_ict');
      const username = cell(row, 'username');
      const userId = username ? users.get(username) : undefined;
      if (username && userId === undefined) problem(row.line, 'username', 'unknown_user');
      if (problems.length > before) continue;
      if (userId !== undefined) linked += 1;
      records.push({
        importId: 0,
        userId: userId ?? null,
        institutionId: institutionId ?? null,
        personName,
        sex: sex ?? null,
        isced,
        programme,
        provider,
        completedOn: completedOn!,
        hours,
        ict: ict!,
      });
    }
  }
  problems.sort((a, b) => a.line - b.line);
  const report = {
    dryRun: options.dryRun,
    format: file.format,
    valid: problems.length === 0,
    rows: file.rows.length,
    linked: problems.length ? 0 : linked,
    importId: null as number | null,
    problemCount: problems.length,
    problems: problems.slice(0, MAX_REPORTED),
  };
  if (problems.length && !options.dryRun) {
    throw new AppError(422, 'trainingNeeds.history.invalid', { problems: problems.length }, report.problems);
  }
  if (problems.length || options.dryRun) return report;
  const fileName = (options.name ?? '').trim() || `import-${today}`;
  report.importId = await db.transaction(async (tx) => {
    const created = await store.insertImport(tx, {
      fileName,
      rows: records.length,
      importedBy: actor.userId,
    });
    await store.insertRecords(
      tx,
      records.map((r) => ({ ...r, importId: created.id })),
    );
    await audit(tx, ctx, {
      action: 'import',
      entity: 'training_history_import',
      entityId: created.id,
      after: { fileName, rows: records.length, linked },
    });
    const schools = new Set(records.flatMap((r) => (r.institutionId == null ? [] : [r.institutionId])));
    await feedIctTrained(tx, [...schools]);
    return created.id;
  });
  return report;
}

export async function listImports(db: Db) {
  const items = await store.listImports(db);
  return { items: items.map((i) => ({ ...i, importedAt: new Date(i.importedAt).toISOString() })) };
}

export async function deleteImport(db: Db, ctx: ChangeContext, id: number): Promise<{ deleted: number }> {
  return db.transaction(async (tx) => {
    const found = await store.findImport(tx, id);
    if (!found) throw notFound('training_history_import');
    await store.deleteImport(tx, id);
    // Schools that still have other records get their count again; the others keep the last one given.
    await feedIctTrained(tx, null);
    await audit(tx, ctx, {
      action: 'delete',
      entity: 'training_history_import',
      entityId: id,
      before: found,
    });
    return { deleted: found.rows };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Indicators: UIS ED38 and SDG 4.c.7
// ---------------------------------------------------------------------------------------------------------

type Indicators = Static<typeof TrainingIndicators>;

const share = (numerator: number, denominator: number) => ({
  value: denominator > 0 ? Math.round((numerator / denominator) * 10_000) / 10_000 : null,
  numerator,
  denominator,
});

/** ED38 and SDG 4.c.7 for a year, by region or district, by sex and by ISCED level, and ICT training by year. */
export async function trainingIndicators(
  db: Db,
  actor: Actor | null,
  locale: Locale,
  q: { year?: string; by?: 'none' | 'region' | 'district'; areaId?: number },
): Promise<Indicators> {
  const year = await yearOf(db, q.year);
  const today = new Date().toISOString().slice(0, 10);
  const refDay = year.endsOn < today ? year.endsOn : today;
  const by = q.by ?? 'none';
  const area = selectedArea(actor, q.areaId);
  const areaIds = area === null ? null : [area];
  const [groups, breakdowns, byYear, allAreas] = await Promise.all([
    store.indicatorsBySchool(db, { yearId: year.id, refDay, areaIds, by }),
    store.indicatorBreakdowns(db, { yearId: year.id, refDay, areaIds }),
    store.ictByYear(db, areaIds),
    store.allAreas(db),
  ]);
  const group = (r: store.IndicatorRow | undefined, key: string | null, name: string) => {
    const a = key === null ? undefined : allAreas.find((x) => String(x.id) === key);
    return {
      key,
      areaId: a?.id ?? null,
      code: a?.code ?? null,
      name: a ? named(a, locale) : name,
      schools: r?.schools ?? 0,
      teachers: r?.teachers ?? 0,
      ictTrainedCount: r?.ictTrained ?? 0,
      ictTrainedPersons: r?.ictTrainedPersons ?? 0,
      ictTrained: share(r?.ictTrained ?? 0, r?.teachers ?? 0),
      trainedLast12Months: share(r?.trained12 ?? 0, r?.teachers ?? 0),
      schoolsFromRecords: r?.fromRecords ?? 0,
    };
  };
  const whole = groups.find((g) => g.whole);
  const selectionName =
    area === null
      ? allAreas
          .filter((a) => a.parentId === null)
          .map((a) => named(a, locale))
          .join(', ')
      : (allAreas.find((a) => a.id === area) ?? { nameAz: '', nameRu: '', nameEn: '' });
  return {
    year: { id: year.id, code: year.code },
    referenceDay: refDay,
    by,
    total: group(
      whole,
      null,
      typeof selectionName === 'string' ? selectionName : named(selectionName, locale),
    ),
    groups:
      by === 'none'
        ? []
        : groups
            .filter((g) => !g.whole)
            .map((g) =>
              group(g, g.grp === null ? null : String(g.grp), translate(locale, 'trainingNeeds.export.none')),
            )
            .sort((a, b) =>
              a.key === null ? 1 : b.key === null ? -1 : a.name.localeCompare(b.name, locale),
            ),
    breakdowns: breakdowns.map((b) => ({
      dimension: b.dimension,
      key: b.key,
      name:
        b.key === null
          ? translate(locale, 'trainingNeeds.unknown')
          : b.dimension === 'sex'
            ? translate(locale, `trainingNeeds.sex.${b.key}`)
            : translate(locale, 'trainingNeeds.isced', { level: b.key }),
      teachers: b.teachers,
      ictTrained: share(b.ictTrained, b.teachers),
      trainedLast12Months: share(b.trained12, b.teachers),
      unlinkedIct: b.unlinkedIct,
      unlinkedTrained12: b.unlinkedTrained12,
    })),
    byYear,
  };
}

/** The indicators in long form, as monitoring's open data writes them. */
export function indicatorsCsv(x: Indicators): string {
  const header = [
    'year',
    'group_by',
    'group_code',
    'group_name',
    'indicator',
    'value',
    'numerator',
    'denominator',
  ];
  const out: (string | number | null)[][] = [];
  const push = (
    groupBy: string,
    code: string | null,
    name: string,
    id: string,
    f: ReturnType<typeof share>,
  ) => out.push([x.year.code, groupBy, code, name, id, f.value, f.numerator, f.denominator]);
  for (const [g, groupBy] of [[x.total, 'total'], ...x.groups.map((g) => [g, x.by] as const)] as const) {
    push(groupBy, g.code, g.name, 'ed38.ictTrainedTeachers', g.ictTrained);
    push(groupBy, g.code, g.name, 'sdg4c7.trainedLast12Months', g.trainedLast12Months);
  }
  for (const b of x.breakdowns) {
    push(b.dimension, b.key, b.name, 'ed38.ictTrainedTeachers', b.ictTrained);
    push(b.dimension, b.key, b.name, 'sdg4c7.trainedLast12Months', b.trainedLast12Months);
  }
  for (const y of x.byYear)
    out.push([
      String(y.year),
      'training_year',
      String(y.year),
      String(y.year),
      'ed38.ictTrainedPersons',
      y.persons,
      y.persons,
      null,
    ]);
  return csvText(header, out);
}

/** People of a school with ICT training records (the director's registry form shows it as a hint). */
export async function schoolIctTrained(db: Db, institutionId: number) {
  return { institutionId, teachers: await store.schoolIctTrained(db, institutionId) };
}

/**
 * ED38 for the whole country in a year (the current one by default), without the breakdowns by area, sex and
 * level that `trainingIndicators` adds: what the policy module's live figures quote (`policy.figures.ts`).
 */
export async function nationalIctTrained(db: Db, q: { year?: string } = {}) {
  const year = await yearOf(db, q.year);
  const today = new Date().toISOString().slice(0, 10);
  const referenceDay = year.endsOn < today ? year.endsOn : today;
  const [whole] = (
    await store.indicatorsBySchool(db, { yearId: year.id, refDay: referenceDay, areaIds: null, by: 'none' })
  ).filter((g) => g.whole);
  return {
    year: { id: year.id, code: year.code },
    referenceDay,
    teachers: whole?.teachers ?? 0,
    ictTrainedCount: whole?.ictTrained ?? 0,
    ictTrained: share(whole?.ictTrained ?? 0, whole?.teachers ?? 0),
  };
}
