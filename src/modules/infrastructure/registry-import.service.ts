import { feedIctTrained } from '@/modules/infrastructure/ict-trained.store';
import { allows, grantsOf, type Actor, type Role, type ScopeTarget } from '@/server/access';
import { letOthersIn, type Db } from '@/server/db/database';
import { AppError } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import { audit, auditRows, type ChangeContext } from '@/modules/identity/identity.service';
import { devices } from '@/modules/infrastructure/infrastructure.tables';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import { readCountryPack, type PackManifest } from '@/modules/institutions/country-pack';
import { DIRECTOR_FIELDS } from '@/modules/institutions/institutions.schema';
import * as service from '@/modules/infrastructure/infrastructure.service';
import * as store from '@/modules/infrastructure/registry-import.store';
import { readUpload, type FileFormat } from '@/modules/infrastructure/registry-import.files';
import {
  checkHeader,
  foldName,
  fromGiga,
  isGigaFile,
  parseRow,
  problemAt,
  type CellValue,
  type Dataset,
  type ImportProblem,
} from '@/modules/infrastructure/registry-import.columns';
import * as clock from '@/server/clock';

/**
 * The registry's bulk import: a CSV or XLSX file of one data set is read, every row checked (types, ranges,
 * codes, the registry's rules, coordinates inside the country, likely duplicates, the caller's scope), and
 * then either all of it is written in one transaction or nothing is. Rows are matched by their natural key
 * (a school's national code, a device's asset tag, a measurement's school and instant), so importing the
 * same file again changes nothing. One audit entry records each import with its counts and changes.
 */

/** Who may import each data set: the roles that may change its rows one at a time. */
export const IMPORT_ROLES: Record<Dataset, Role[]> = {
  schools: ['admin', 'bureau', 'director'],
  devices: ['admin', 'bureau', 'director'],
  measurements: ['admin', 'bureau', 'regional', 'director'],
};
const NATIONAL: Role[] = ['admin', 'bureau'];
/** At most this many problems travel in a report; `problemCount` says how many there were. */
const MAX_REPORTED = 500;
/** Rows checked between two pauses that let other requests in (see `letOthersIn`). */
const STEP = 250;

/** What an import did, or (dry run) would do. */
export interface ImportReport {
  dataset: Dataset;
  format: FileFormat;
  dryRun: boolean;
  year: string | null;
  valid: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  problemCount: number;
  problems: ImportProblem[];
  /** Read in Giga's columns and vocabulary (see `isGigaFile`). */
  giga: boolean;
  /** What was ignored, e.g. columns the data set does not have; they never stop an import. */
  warnings: ImportProblem[];
}

interface ParsedRow {
  line: number;
  values: Map<string, CellValue>;
  problems: ImportProblem[];
}

interface Plan {
  problems: ImportProblem[];
  created: number;
  updated: number;
  unchanged: number;
  year: string | null;
  /** Writes the plan; returns what the audit entry records of it. */
  apply(db: Db, ctx: ChangeContext): Promise<unknown>;
  /**
   * What the checks read, taken before them, and how to read it again under the import lock (locking the
   * rows to be written): the plan may be written only while the two are equal. Without it, the plan is
   * always made again inside the write transaction.
   */
  snapshot?: { taken: string; read(db: Db): Promise<string> };
}

type Bounds = NonNullable<PackManifest['bounds']>;
let boundsOfPack: Promise<Bounds | null> | undefined;
/** The box around the country, from the country pack's manifest (read once). */
const countryBounds = () => (boundsOfPack ??= readCountryPack().then((p) => p.manifest.bounds));

async function resolveYear(db: Db, code: string | undefined) {
  const years = await institutionsStore.listAcademicYears(db);
  if (code !== undefined) {
    const year = years.find((y) => y.code === code);
    if (!year) throw new AppError(422, 'import_unknown_year', { year: code });
    return year;
  }
  return years.find((y) => y.isCurrent) ?? null;
}

const targetOf = (i: store.InstitutionRow): ScopeTarget => ({
  kind: 'institution',
  institutionId: i.id,
  areaPath: i.areaPath,
});

/** Equal as stored: `real` columns keep single precision, so compare numbers at that precision. */
function same(a: unknown, b: unknown, single = false): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (typeof a === 'number' && typeof b === 'number')
    return single ? Math.fround(a) === Math.fround(b) : a === b;
  if (Array.isArray(a) && Array.isArray(b)) {
    const key = (xs: unknown[]) => xs.map(String).sort().join(';');
    return key(a as unknown[]) === key(b as unknown[]);
  }
  return a === b;
}

const str = (v: CellValue | undefined) => (typeof v === 'string' ? v : null);
const num = (v: CellValue | undefined) => (typeof v === 'number' ? v : null);
const bool = (v: CellValue | undefined) => (typeof v === 'boolean' ? v : null);

/** Imports (or with `dryRun` only checks) a file of one data set; throws 422 with every problem when any. */
export async function importFile(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  dataset: Dataset,
  bytes: Buffer,
  options: { dryRun: boolean; year?: string },
): Promise<ImportReport> {
  if (!allows(actor, IMPORT_ROLES[dataset])) throw new AppError(403, 'import_not_allowed');
  const read = await readUpload(bytes, dataset);
  const giga = isGigaFile(dataset, read.header);
  const file = giga ? fromGiga(read) : read;
  const header = checkHeader(dataset, file.header, locale);
  const report = (plan: Omit<Plan, 'apply'>): ImportReport => {
    const problems = [...plan.problems].sort((a, b) => a.line - b.line);
    return {
      dataset,
      format: file.format,
      dryRun: options.dryRun,
      year: plan.year,
      valid: problems.length === 0,
      rows: file.rows.length,
      created: problems.length ? 0 : plan.created,
      updated: problems.length ? 0 : plan.updated,
      unchanged: problems.length ? 0 : plan.unchanged,
      problemCount: problems.length,
      problems: problems.slice(0, MAX_REPORTED),
      giga,
      warnings: header.warnings.slice(0, MAX_REPORTED),
    };
  };
  const refuse = (r: ImportReport) => {
    throw new AppError(422, 'import_invalid', { problems: r.problemCount }, r.problems);
  };
  if (header.problems.length) {
    const r = report({ problems: header.problems, created: 0, updated: 0, unchanged: 0, year: null });
    return options.dryRun ? r : refuse(r);
  }
  const rows: ParsedRow[] = [];
  for (const row of file.rows) {
    rows.push({ line: row.line, ...parseRow(dataset, row, locale) });
    if (rows.length % STEP === 0) await letOthersIn();
  }
  const columns = new Set(file.header.map((h) => h.toLowerCase()));
  const planners = { schools: planSchools, devices: planDevices, measurements: planMeasurements };
  const planOn = (on: Db) => planners[dataset](on, actor, locale, rows, columns, options.year);
  // Checked and planned outside the write transaction, with a few set-based reads: on the embedded
  // database the transaction holds its one connection, and every other request waits while it does.
  let plan = await planOn(db);
  await letOthersIn();
  let r = report(plan);
  if (!r.valid) return options.dryRun ? r : refuse(r);
  if (options.dryRun) return r;
  return db.transaction(async (tx) => {
    await store.lockImports(tx);
    // What the checks read may have changed since: then check again under the lock (the plan written is
    // always one made from what the transaction sees).
    if (!plan.snapshot || (await plan.snapshot.read(tx)) !== plan.snapshot.taken) {
      plan = await planOn(tx);
      r = report(plan);
      if (!r.valid) return refuse(r);
    }
    const changes = await plan.apply(tx, ctx);
    // Schools with ICT training records keep the count the records give, whatever the file says.
    if (dataset === 'schools') await feedIctTrained(tx, null);
    await audit(tx, ctx, {
      action: 'import',
      entity: 'registry_import',
      entityId: dataset,
      after: {
        dataset,
        format: file.format,
        year: plan.year,
        rows: r.rows,
        created: r.created,
        updated: r.updated,
        unchanged: r.unchanged,
        changes,
      },
    });
    return r;
  });
}

// Schools

/** The columns of the year's record, and the record field each fills. */
const RECORD_COLUMNS = {
  num_teachers: 'teachers',
  num_teachers_ict_trained: 'teachersIctTrained',
  num_classrooms: 'classrooms',
  computer_lab: 'hasComputerLab',
  electricity_availability: 'electricity',
  electricity_type: 'electricitySource',
  electricity_hours: 'electricityHours',
  pupils_internet: 'pupilsInternet',
  connectivity_any: 'connectivityAny',
  connectivity_type_any: 'connectivityAnyType',
  download_speed_contracted_any: 'downloadContractedAny',
  num_computers_any: 'computersAny',
  download_speed_govt: 'downloadSpeedGovt',
  connectivity_govt_collection_year: 'connectivityCollectionYear',
  num_computers_desired: 'computersDesired',
  num_adm_personnel: 'admPersonnel',
  water_availability: 'water',
  num_latrines: 'latrines',
  student_refugees: 'refugeePupils',
  student_count_refugees: 'refugeeStudents',
  student_count_girls: 'studentsGirls',
  student_count_boys: 'studentsBoys',
  student_count_other: 'studentsOther',
} as const;
/** Record fields kept in single precision (`real`). */
const SINGLE: readonly string[] = ['electricityHours', 'downloadContractedAny', 'downloadSpeedGovt'];
type RecordField = (typeof RECORD_COLUMNS)[keyof typeof RECORD_COLUMNS];
type RecordValues = Record<RecordField, string | number | boolean | null>;
const LINK_COLUMNS = [
  'connectivity_type_govt',
  'education_network',
  'internet_provider',
  'download_speed_contracted',
  'upload_speed_contracted',
] as const;
const YEAR_COLUMNS = [
  ...Object.keys(RECORD_COLUMNS),
  'connectivity_govt',
  ...LINK_COLUMNS,
  'computer_availability',
  'num_computers',
  'computer_availability_any',
  'num_students_shift1',
  'num_students_shift2',
  'num_students_shift3',
];

/** The institution fields the schools data set fills, and their columns. */
const MASTER_COLUMNS = {
  nameAz: 'school_name',
  nameRu: 'school_name_ru',
  nameEn: 'school_name_en',
  areaId: 'area_code',
  levels: 'education_level_govt',
  kind: 'school_type',
  ownership: 'school_funding_type',
  locality: 'school_area_type',
  status: 'school_status',
  latitude: 'latitude',
  longitude: 'longitude',
  shifts: 'num_shifts',
  studentCount: 'num_students',
  gigaId: 'school_id_giga',
  codeType: 'school_id_govt_type',
  establishedYear: 'school_establishment_year',
  address: 'school_address',
  refugeeCamp: 'refugee_camp',
  dataSource: 'school_data_source',
  dataCollectionYear: 'school_data_collection_year',
  dataCollectionModality: 'school_data_collection_modality',
} as const;
/** The master fields read as they are given (empty: as saved). */
const PLAIN_MASTER = [
  'gigaId',
  'codeType',
  'establishedYear',
  'address',
  'refugeeCamp',
  'dataSource',
  'dataCollectionYear',
  'dataCollectionModality',
] as const;
type MasterField = keyof typeof MASTER_COLUMNS;

interface TeachingLink {
  type: string;
  educationNetwork: boolean;
  provider: string | null;
  downloadMbps: number | null;
  uploadMbps: number | null;
}

interface SchoolPlan {
  line: number;
  code: string;
  before: store.InstitutionRow | undefined;
  target: store.NewInstitution;
  changed: MasterField[];
  /** The year's record to write, when it changes. */
  record?: RecordValues;
  /** undefined: leave the teaching link alone; null: the school has none; else the link. */
  link?: TeachingLink | null;
  linkChanged: boolean;
  savedLinkId?: number;
}

async function planSchools(
  db: Db,
  actor: Actor,
  locale: Locale,
  rows: ParsedRow[],
  columns: Set<string>,
  yearCode: string | undefined,
): Promise<Plan> {
  const problems = rows.flatMap((r) => r.problems);
  const national = allows(actor, NATIONAL);
  const year = await resolveYear(db, yearCode);
  const scope: store.SchoolsScope = {
    codes: rows.flatMap((r) => str(r.values.get('school_id_govt')) ?? []),
    areaCodes: rows.flatMap((r) => str(r.values.get('area_code'))?.toUpperCase() ?? []),
    yearId: year?.id ?? null,
  };
  // Taken first: whatever changes after it shows in the snapshot read under the lock.
  const taken = await store.schoolsSnapshot(db, scope);
  await letOthersIn();
  const areaList = await institutionsStore.listAreas(db);
  const areaByCode = new Map(areaList.map((a) => [a.code.toUpperCase(), a]));
  const areaById = new Map(areaList.map((a) => [a.id, a]));
  const areasByName = new Map<string, typeof areaList>();
  for (const a of areaList) {
    if (a.kind !== 'district' && a.kind !== 'city') continue;
    for (const name of new Set([a.nameAz, a.nameRu, a.nameEn].map(foldName)))
      areasByName.set(name, [...(areasByName.get(name) ?? []), a]);
  }
  const levelCodes = (await institutionsStore.countryPack(db)).levels.map((l) => l.code);
  const bounds = await countryBounds();
  await letOthersIn();
  const existing = new Map((await store.institutionsByCode(db, scope.codes)).map((i) => [i.code, i]));
  await letOthersIn();
  const hasYear = YEAR_COLUMNS.some((c) => columns.has(c));
  const basics =
    year && hasYear
      ? await store.yearBasics(
          db,
          [...existing.values()].map((i) => i.id),
          year.id,
        )
      : new Map<number, store.YearBasics>();
  await letOthersIn();

  const firstLine = new Map<string, number>();
  // Giga's area ids the file gives: by area, and the area each id went to (with the line that said so).
  const gigaByArea = new Map<number, { gigaId: string; line: number; column: string }>();
  const areaByGiga = new Map<string, { areaId: number; line: number }>();
  const byName = new Map<string, { line: number; code: string; levels: string[] }[]>();
  const plans: SchoolPlan[] = [];
  let checked = 0;
  for (const r of rows) {
    if (++checked % STEP === 0) await letOthersIn();
    const v = r.values;
    const at = (column: string, reason: string, params: Record<string, unknown> = {}) =>
      problems.push(problemAt(locale, r.line, column, reason, params));
    const code = str(v.get('school_id_govt'));
    if (!code) continue;
    const first = firstLine.get(code);
    if (first !== undefined) {
      at('school_id_govt', 'duplicate_in_file', { value: code, other: String(first) });
      continue;
    }
    firstLine.set(code, r.line);
    const before = existing.get(code);
    if (!before && !national) {
      at('school_id_govt', 'create_not_allowed', { code });
      continue;
    }
    if (before && !allows(actor, ['admin', 'bureau', 'director'], targetOf(before))) {
      at('school_id_govt', 'out_of_scope', { code });
      continue;
    }

    let areaId = before?.areaId;
    const areaCode = str(v.get('area_code'));
    const areaName = str(v.get('admin2'));
    if (areaCode) {
      const area = areaByCode.get(areaCode.toUpperCase());
      if (!area) at('area_code', 'unknown_area');
      else if (area.kind !== 'district' && area.kind !== 'city')
        at('area_code', 'not_a_district', { kind: area.kind });
      else areaId = area.id;
    } else if (areaName) {
      // Giga's way: the district or city by its name, within the region named by admin1 when given.
      const region = str(v.get('admin1'));
      const named = (a: (typeof areaList)[number] | undefined, name: string) =>
        !!a && [a.nameAz, a.nameRu, a.nameEn].some((n) => foldName(n) === foldName(name));
      const found = (areasByName.get(foldName(areaName)) ?? []).filter(
        (a) => !region || named(areaById.get(a.parentId ?? -1), region),
      );
      if (found.length === 1) areaId = found[0]!.id;
      else if (found.length === 0) at('admin2', 'unknown_area_name');
      else if (!found.some((a) => a.id === before?.areaId)) at('admin2', 'ambiguous_area_name');
    } else if (!before) at('area_code', 'required');
    // Giga's ids of the district or city the school is placed in and of the region above it.
    const place = areaId === undefined ? undefined : areaById.get(areaId);
    const above = place ? areaById.get(place.parentId ?? -1) : undefined;
    for (const [column, area] of [
      ['admin2_id_giga', place],
      ['admin1_id_giga', above?.kind === 'country' ? undefined : above],
    ] as const) {
      const gigaId = str(v.get(column));
      if (!gigaId || !place) continue;
      if (!area) {
        at(column, 'giga_no_region');
        continue;
      }
      const earlier = gigaByArea.get(area.id);
      const holder = areaByGiga.get(gigaId);
      if (earlier && earlier.gigaId !== gigaId)
        at(column, 'giga_id_twice', { value: earlier.gigaId, other: String(earlier.line) });
      else if (holder && holder.areaId !== area.id)
        at(column, 'giga_id_two_areas', {
          area: areaById.get(holder.areaId)!.nameAz,
          other: String(holder.line),
        });
      else if (area.gigaId !== gigaId && !national) at(column, 'not_editable', { value: area.gigaId ?? '' });
      else if (!earlier) {
        gigaByArea.set(area.id, { gigaId, line: r.line, column });
        areaByGiga.set(gigaId, { areaId: area.id, line: r.line });
      }
    }
    const given = v.get('education_level_govt');
    let levels = before?.levels;
    if (Array.isArray(given)) {
      if (given.length === 0) at('education_level_govt', 'required');
      else if (given.some((l) => !levelCodes.includes(l)))
        at('education_level_govt', 'rule.unknown_level', { levels: levelCodes.join(', ') });
      else levels = levelCodes.filter((l) => given.includes(l));
    }
    const lat = num(v.get('latitude'));
    const lon = num(v.get('longitude'));
    if ((lat === null) !== (lon === null)) at(lat === null ? 'latitude' : 'longitude', 'coordinate_pair');
    else if (lat !== null && lon !== null && bounds) {
      const latIn = (x: number) => x >= bounds.minLatitude && x <= bounds.maxLatitude;
      const lonIn = (x: number) => x >= bounds.minLongitude && x <= bounds.maxLongitude;
      if (!latIn(lat) || !lonIn(lon)) {
        if (latIn(lon) && lonIn(lat)) at('latitude', 'swapped_coordinates');
        else
          at(latIn(lat) ? 'longitude' : 'latitude', 'outside_country', {
            bounds: `${bounds.minLatitude}…${bounds.maxLatitude} N, ${bounds.minLongitude}…${bounds.maxLongitude} E`,
          });
      }
    }
    const nameAz = str(v.get('school_name'));
    // Our own columns Giga has not: empty keeps what is saved; a new institution is a general school.
    const kind = (str(v.get('school_type')) ??
      before?.kind ??
      'general_school') as store.NewInstitution['kind'];
    const ownership = (str(v.get('school_funding_type')) ?? before?.ownership ?? null) as
      store.NewInstitution['ownership'] | null;
    const locality = (str(v.get('school_area_type')) ?? before?.locality ?? null) as
      store.NewInstitution['locality'] | null;
    if (!ownership) at('school_funding_type', 'required');
    if (!locality) at('school_area_type', 'required');
    if (!nameAz || !ownership || !locality || areaId === undefined || !levels) continue;
    const open = bool(v.get('is_school_open'));
    const status =
      (str(v.get('school_status')) as store.NewInstitution['status'] | null) ??
      (open === true ? 'active' : open === false ? 'closed' : null) ??
      before?.status ??
      'active';
    const target: store.NewInstitution = {
      code,
      nameAz,
      nameRu: str(v.get('school_name_ru')) ?? before?.nameRu ?? nameAz,
      nameEn: str(v.get('school_name_en')) ?? before?.nameEn ?? nameAz,
      areaId,
      levels,
      kind,
      ownership,
      locality,
      status,
      latitude: lat ?? before?.latitude ?? null,
      longitude: lon ?? before?.longitude ?? null,
      shifts: num(v.get('num_shifts')) ?? before?.shifts ?? 1,
      studentCount: num(v.get('num_students')) ?? before?.studentCount ?? 0,
      ...(Object.fromEntries(
        PLAIN_MASTER.map((f) => [f, v.get(MASTER_COLUMNS[f]) ?? before?.[f] ?? null]),
      ) as Pick<store.NewInstitution, (typeof PLAIN_MASTER)[number]>),
    };
    const changed = before
      ? (Object.keys(MASTER_COLUMNS) as MasterField[]).filter((f) => !same(before[f], target[f]))
      : [];
    if (before && !national) {
      for (const f of changed) {
        if (DIRECTOR_FIELDS.includes(f)) continue;
        const was = f === 'areaId' ? (areaById.get(before.areaId)?.code ?? '') : before[f];
        at(MASTER_COLUMNS[f], 'not_editable', { value: Array.isArray(was) ? was.join(';') : String(was) });
      }
    }
    const nameKey = `${foldName(nameAz)}|${areaId}`;
    const namesakes = byName.get(nameKey) ?? [];
    const clash = namesakes.find((o) => o.levels.some((l) => levels.includes(l)));
    if (clash) at('school_name', 'likely_duplicate_file', { other: String(clash.line) });
    byName.set(nameKey, [...namesakes, { line: r.line, code, levels }]);

    const plan: SchoolPlan = { line: r.line, code, before, target, changed, linkChanged: false };
    plans.push(plan);
    if (!hasYear) continue;

    // The year's record.
    const saved = before ? basics.get(before.id) : undefined;
    const savedRecord = saved?.record;
    const cell = (column: string) => (columns.has(column) ? (v.get(column) ?? null) : undefined);
    const record = {} as RecordValues;
    for (const [column, field] of Object.entries(RECORD_COLUMNS) as [string, RecordField][]) {
      const value = cell(column);
      record[field] =
        value === undefined ? (savedRecord?.[field] ?? null) : (value as string | number | boolean | null);
    }
    const teachers = record.teachers as number | null;
    const trained = record.teachersIctTrained as number | null;
    if (teachers !== null && trained !== null && trained > teachers)
      at('num_teachers_ict_trained', 'rule.trained_exceeds_teachers', { teachers });
    if (record.electricity === false) {
      if (record.electricitySource !== null) at('electricity_type', 'rule.no_electricity_details');
      if (record.electricityHours) at('electricity_hours', 'rule.no_electricity_details');
    }
    const connected = cell('connectivity_govt');
    const linkGiven = LINK_COLUMNS.filter((c) => cell(c) !== null && cell(c) !== undefined);
    let link: TeachingLink | null | undefined;
    if (connected === false) {
      for (const c of linkGiven) at(c, 'no_internet_details');
      link = null;
    } else if (connected === true) {
      const type = str(cell('connectivity_type_govt'));
      if (!type) at('connectivity_type_govt', 'internet_type_required');
      link = {
        type: type ?? '',
        educationNetwork: bool(cell('education_network')) ?? false,
        provider: str(cell('internet_provider')),
        downloadMbps: num(cell('download_speed_contracted')),
        uploadMbps: num(cell('upload_speed_contracted')),
      };
    } else if (linkGiven.length) at('connectivity_govt', 'connectivity_required');

    // Checked, not stored: computers and students by shift, against the row and the saved breakdowns.
    const hasComputers = bool(cell('computer_availability'));
    const computers = num(cell('num_computers'));
    if (hasComputers === false && computers) at('num_computers', 'no_computers_count');
    if (hasComputers === true && computers === 0) at('num_computers', 'computers_missing');
    const savedComputers = saved?.teachingComputers ?? null;
    if (savedComputers !== null) {
      if (computers !== null && computers !== savedComputers)
        at('num_computers', 'differs_saved', { value: computers, saved: savedComputers });
      if (hasComputers !== null && hasComputers !== savedComputers > 0)
        at('computer_availability', 'differs_saved', {
          value: hasComputers ? 'yes' : 'no',
          saved: savedComputers > 0 ? 'yes' : 'no',
        });
    }
    const anyComputers = bool(cell('computer_availability_any'));
    if (anyComputers === false && record.computersAny) at('num_computers_any', 'no_computers_count');
    const byShift = [1, 2, 3].map((k) => num(cell(`num_students_shift${k}`)));
    if (byShift.some((n) => n !== null)) {
      byShift.forEach((n, i) => {
        if (n && i + 1 > target.shifts!)
          at(`num_students_shift${i + 1}`, 'rule.shift_exceeds', { shifts: target.shifts });
      });
      const sum = byShift.reduce<number>((a, n) => a + (n ?? 0), 0);
      if (sum !== target.studentCount) at('num_students', 'shifts_sum', { sum, total: target.studentCount });
      if (saved && saved.studentsByShift.size > 0) {
        byShift.forEach((n, i) => {
          const was = saved.studentsByShift.get(i + 1) ?? 0;
          if (n !== null && n !== was)
            at(`num_students_shift${i + 1}`, 'differs_saved', { value: n, saved: was });
        });
      }
    }

    const anyValue = Object.values(record).some((x) => x !== null) || link !== undefined;
    if (!year) {
      const filled = YEAR_COLUMNS.find((c) => cell(c) !== null && cell(c) !== undefined);
      if (filled) at(filled, 'no_year');
      continue;
    }
    const savedLink = saved?.link;
    const linkChanged =
      link === null
        ? savedLink !== undefined
        : link !== undefined &&
          (!savedLink ||
            savedLink.type !== link.type ||
            savedLink.educationNetwork !== link.educationNetwork ||
            savedLink.provider !== link.provider ||
            !same(savedLink.downloadMbps, link.downloadMbps, true) ||
            !same(savedLink.uploadMbps, link.uploadMbps, true));
    const recordChanged = savedRecord
      ? (Object.values(RECORD_COLUMNS) as RecordField[]).some(
          (f) => !same(savedRecord[f], record[f], SINGLE.includes(f)),
        )
      : anyValue;
    if (recordChanged || linkChanged) {
      plan.record = record;
      plan.link = link;
      plan.linkChanged = linkChanged;
      plan.savedLinkId = savedLink?.id;
    }
  }

  // Likely duplicates of schools already in the registry, under another code.
  const areaIds = [...new Set(plans.map((p) => p.target.areaId))];
  await letOthersIn();
  const known = await store.institutionNamesInAreas(db, areaIds);
  await letOthersIn();
  const index = new Map<string, typeof known>();
  for (const k of known) {
    const key = `${foldName(k.nameAz)}|${k.areaId}`;
    index.set(key, [...(index.get(key) ?? []), k]);
  }
  for (const p of plans) {
    const twin = (index.get(`${foldName(p.target.nameAz)}|${p.target.areaId}`) ?? []).find(
      (k) => k.code !== p.code && !firstLine.has(k.code) && k.levels.some((l) => p.target.levels.includes(l)),
    );
    if (twin)
      problems.push(problemAt(locale, p.line, 'school_name', 'likely_duplicate_db', { code: twin.code }));
  }

  // An id the registry keeps on another area stays there unless the file gives that area another.
  const areaGigaIds = [...gigaByArea].filter(([id, g]) => areaById.get(id)!.gigaId !== g.gigaId);
  for (const [id, g] of areaGigaIds) {
    const holder = areaList.find((a) => a.gigaId === g.gigaId && a.id !== id);
    if (holder && (gigaByArea.get(holder.id)?.gigaId ?? g.gigaId) === g.gigaId)
      problems.push(problemAt(locale, g.line, g.column, 'giga_id_taken', { area: holder.nameAz }));
  }

  const creates = plans.filter((p) => !p.before);
  const updates = plans.filter((p) => p.before && (p.changed.length > 0 || p.record));
  return {
    problems,
    year: year?.code ?? null,
    created: creates.length,
    updated: updates.length,
    unchanged: plans.length - creates.length - updates.length,
    snapshot: { taken, read: (on) => store.schoolsSnapshot(on, scope, true) },
    async apply(tx, ctx) {
      await store.setAreaGigaIds(
        tx,
        areaGigaIds.map(([id, g]) => ({ id, gigaId: g.gigaId })),
      );
      const ids = await store.insertInstitutions(
        tx,
        creates.map((p) => p.target),
      );
      // Every master field of a changed school is written (those not changed with the value they had).
      const touched = new Date();
      await store.updateInstitutions(
        tx,
        updates
          .filter((p) => p.changed.length > 0)
          .map((p) => ({
            id: p.before!.id,
            ...Object.fromEntries(
              (Object.keys(MASTER_COLUMNS) as MasterField[]).map((f) => [f, p.target[f]]),
            ),
            updatedAt: touched,
          })),
      );
      const idOf = (p: SchoolPlan) => p.before?.id ?? ids.get(p.code)!;
      const withRecord = plans.filter((p) => p.record);
      if (year && withRecord.length) {
        const now = new Date();
        await store.upsertSchoolYears(
          tx,
          withRecord.map((p) => ({
            institutionId: idOf(p),
            academicYearId: year.id,
            ...(p.record as Record<RecordField, never>),
            // Saved by import: the region reviews it again, as after any change.
            state: 'submitted' as const,
            verifiedBy: null,
            verifiedAt: null,
            reviewNote: null,
            updatedBy: ctx.actorId,
            updatedAt: now,
          })),
        );
        const linked = withRecord.filter((p) => p.linkChanged);
        await store.deleteTeachingLinks(tx, linked.filter((p) => p.link === null).map(idOf), year.id);
        await store.deleteLinks(
          tx,
          linked.flatMap((p) => (p.link && p.savedLinkId !== undefined ? [p.savedLinkId] : [])),
        );
        await store.insertLinks(
          tx,
          linked.flatMap((p) =>
            p.link
              ? [
                  {
                    ...p.link,
                    type: p.link.type as TeachingLinkType,
                    purpose: 'teaching' as const,
                    institutionId: idOf(p),
                    academicYearId: year.id,
                  },
                ]
              : [],
          ),
        );
      }
      return {
        created: creates.map((p) => p.code),
        updated: updates.map((p) => ({
          code: p.code,
          fields: Object.fromEntries(p.changed.map((f) => [MASTER_COLUMNS[f], [p.before![f], p.target[f]]])),
          record: p.record ? true : undefined,
        })),
      };
    },
  };
}
type TeachingLinkType = Parameters<typeof store.insertLinks>[1][number]['type'];

// Devices

async function planDevices(db: Db, actor: Actor, locale: Locale, rows: ParsedRow[]): Promise<Plan> {
  const problems = rows.flatMap((r) => r.problems);
  const national = allows(actor, NATIONAL);
  const scope: store.DevicesScope = {
    codes: rows.flatMap((r) => str(r.values.get('school_id_govt')) ?? []),
    tags: rows.flatMap((r) => str(r.values.get('asset_tag')) ?? []),
  };
  // Taken first: whatever changes after it shows in the snapshot read under the lock.
  const taken = await store.devicesSnapshot(db, scope);
  await letOthersIn();
  const schools = new Map((await store.institutionsByCode(db, scope.codes)).map((i) => [i.code, i]));
  await letOthersIn();
  const known = new Map((await store.devicesByTag(db, scope.tags)).map((d) => [d.assetTag, d]));
  await letOthersIn();
  const firstLine = new Map<string, number>();
  type DeviceValues = Omit<service.DeviceInput, 'assetTag'>;
  type DeviceRow = Awaited<ReturnType<typeof store.devicesByTag>>[number];
  const creates: { institutionId: number; assetTag: string; values: DeviceValues }[] = [];
  const updates: {
    before: DeviceRow;
    moveTo?: number;
    changes: Partial<DeviceValues>;
    values: DeviceValues;
  }[] = [];
  /** Devices at another school that only national staff may move: reported with that school's code. */
  const elsewhere: { line: number; institutionId: number }[] = [];
  let unchanged = 0;
  let checked = 0;
  for (const r of rows) {
    if (++checked % STEP === 0) await letOthersIn();
    const v = r.values;
    const at = (column: string, reason: string, params: Record<string, unknown> = {}) =>
      problems.push(problemAt(locale, r.line, column, reason, params));
    const code = str(v.get('school_id_govt'));
    const tag = str(v.get('asset_tag'));
    if (!code || !tag) continue;
    const first = firstLine.get(tag);
    if (first !== undefined) {
      at('asset_tag', 'duplicate_in_file', { value: tag, other: String(first) });
      continue;
    }
    firstLine.set(tag, r.line);
    const school = schools.get(code);
    if (!school) {
      at('school_id_govt', 'unknown_school', { code });
      continue;
    }
    if (!allows(actor, IMPORT_ROLES.devices, targetOf(school))) {
      at('school_id_govt', 'out_of_scope', { code });
      continue;
    }
    const dateOrder = (earlier: string, later: string) => {
      const a = str(v.get(earlier));
      const b = str(v.get(later));
      if (a && b && b < a) at(later, 'date_order', { column: earlier });
    };
    dateOrder('acquired_on', 'end_of_life_on');
    dateOrder('last_audit_on', 'next_audit_on');
    const kind = str(v.get('kind')) as DeviceValues['kind'] | null;
    if (!kind) continue;
    const before = known.get(tag);
    const values: DeviceValues = {
      kind,
      purpose: (str(v.get('purpose')) as DeviceValues['purpose']) ?? before?.purpose ?? 'teaching',
      status: (str(v.get('status')) as DeviceValues['status']) ?? before?.status ?? 'in_use',
      condition: (str(v.get('condition')) as DeviceValues['condition']) ?? before?.condition ?? 'working',
      serial: str(v.get('serial')),
      model: str(v.get('model')),
      fundingProgramme: str(v.get('funding_programme')),
      acquiredOn: str(v.get('acquired_on')),
      endOfLifeOn: str(v.get('end_of_life_on')),
      lastAuditOn: str(v.get('last_audit_on')),
      nextAuditOn: str(v.get('next_audit_on')),
    };
    if (!before) {
      creates.push({ institutionId: school.id, assetTag: tag, values });
      continue;
    }
    const changes = Object.fromEntries(
      (Object.keys(values) as (keyof DeviceValues)[])
        .filter((k) => !same(before[k], values[k]))
        .map((k) => [k, values[k]]),
    ) as Partial<DeviceValues>;
    const moved = before.institutionId !== school.id;
    if (!moved && Object.keys(changes).length === 0) {
      unchanged++;
      continue;
    }
    if (before.status === 'disposed') {
      at('asset_tag', 'device_disposed');
      continue;
    }
    if (moved && !national) {
      elsewhere.push({ line: r.line, institutionId: before.institutionId });
      continue;
    }
    updates.push({ before, moveTo: moved ? school.id : undefined, changes, values });
  }
  if (elsewhere.length) {
    const codes = await store.institutionCodes(db, [...new Set(elsewhere.map((e) => e.institutionId))]);
    for (const e of elsewhere)
      problems.push(
        problemAt(locale, e.line, 'school_id_govt', 'device_elsewhere', {
          code: codes.get(e.institutionId) ?? '',
        }),
      );
  }
  return {
    problems,
    year: null,
    created: creates.length,
    updated: updates.length,
    unchanged,
    snapshot: { taken, read: (on) => store.devicesSnapshot(on, scope, true) },
    // What the infrastructure service writes for each device created, moved or changed one by one (the
    // device, an event of its history, its schools' counts, an audit entry), written for all of them at once.
    async apply(tx, ctx) {
      const now = new Date();
      const ids = await store.insertDevices(
        tx,
        creates.map((c) => ({ institutionId: c.institutionId, assetTag: c.assetTag, ...c.values })),
      );
      await store.updateDevices(
        tx,
        updates.map((u) => ({
          id: u.before.id,
          institutionId: u.moveTo ?? u.before.institutionId,
          ...u.values,
          updatedAt: now,
        })),
      );
      const event = (u: (typeof updates)[number]) =>
        u.changes.status === 'disposed' ? ('disposed' as const) : ('audited' as const);
      const changed = (u: (typeof updates)[number]) => Object.keys(u.changes).length > 0;
      const common = { note: 'import', actorId: ctx.actorId };
      await store.insertDeviceEvents(tx, [
        ...creates.map((c) => ({
          deviceId: ids.get(c.assetTag)!,
          institutionId: c.institutionId,
          kind: 'delivered' as const,
          fromInstitutionId: null,
          ...common,
        })),
        ...updates.flatMap((u) => [
          ...(u.moveTo !== undefined
            ? [
                {
                  deviceId: u.before.id,
                  institutionId: u.moveTo,
                  kind: 'moved' as const,
                  fromInstitutionId: u.before.institutionId,
                  ...common,
                },
              ]
            : []),
          ...(changed(u)
            ? [
                {
                  deviceId: u.before.id,
                  institutionId: u.moveTo ?? u.before.institutionId,
                  kind: event(u),
                  fromInstitutionId: null,
                  ...common,
                },
              ]
            : []),
        ]),
      ]);
      await service.syncInventoryCountsOf(tx, [
        ...creates.map((c) => c.institutionId),
        ...updates.flatMap((u) => [u.before.institutionId, ...(u.moveTo !== undefined ? [u.moveTo] : [])]),
      ]);
      // Each entry's `after` left out is the device as written (read in the statement that writes the audit).
      await auditRows(tx, ctx, devices, 'device', [
        ...creates.map((c) => ({ action: 'create', id: ids.get(c.assetTag)! })),
        ...updates.flatMap((u) => {
          const movedTo = u.moveTo !== undefined && { ...u.before, institutionId: u.moveTo, updatedAt: now };
          return [
            ...(movedTo
              ? [
                  {
                    action: 'move',
                    id: u.before.id,
                    before: u.before,
                    after: changed(u) ? movedTo : undefined,
                  },
                ]
              : []),
            ...(changed(u) ? [{ action: event(u), id: u.before.id, before: movedTo || u.before }] : []),
          ];
        }),
      ]);
      return { created: creates.map((c) => c.assetTag), updated: updates.map((u) => u.before.assetTag) };
    },
  };
}

// Measurements

async function planMeasurements(db: Db, actor: Actor, locale: Locale, rows: ParsedRow[]): Promise<Plan> {
  const problems = rows.flatMap((r) => r.problems);
  const codes = rows.flatMap((r) => str(r.values.get('school_id_govt')) ?? []);
  const schools = new Map((await store.institutionsByCode(db, codes)).map((i) => [i.code, i]));
  const soon = clock.nowMs() + 5 * 60 * 1000;
  interface Item {
    line: number;
    institutionId: number;
    measuredAt: Date;
    downloadMbps: number;
    uploadMbps: number | null;
    latencyMs: number | null;
  }
  const items: Item[] = [];
  const firstLine = new Map<string, number>();
  for (const r of rows) {
    const v = r.values;
    const at = (column: string, reason: string, params: Record<string, unknown> = {}) =>
      problems.push(problemAt(locale, r.line, column, reason, params));
    const code = str(v.get('school_id_govt'));
    const measuredAt = v.get('measured_at');
    const download = num(v.get('download_speed'));
    if (!code) continue;
    const school = schools.get(code);
    if (!school) {
      at('school_id_govt', 'unknown_school', { code });
      continue;
    }
    if (!allows(actor, IMPORT_ROLES.measurements, targetOf(school))) {
      at('school_id_govt', 'out_of_scope', { code });
      continue;
    }
    if (!(measuredAt instanceof Date) || download === null) continue;
    if (measuredAt.getTime() > soon) at('measured_at', 'future');
    const key = `${school.id}|${measuredAt.toISOString()}`;
    const first = firstLine.get(key);
    if (first !== undefined) {
      at('measured_at', 'duplicate_in_file', {
        value: `${code} ${measuredAt.toISOString()}`,
        other: String(first),
      });
      continue;
    }
    firstLine.set(key, r.line);
    items.push({
      line: r.line,
      institutionId: school.id,
      measuredAt,
      downloadMbps: download,
      uploadMbps: num(v.get('upload_speed')),
      latencyMs: num(v.get('latency')),
    });
  }
  const saved = new Map(
    (await store.measurementsAt(db, items)).map((m) => [`${m.institutionId}|${m.measuredAt}`, m]),
  );
  const creates: Item[] = [];
  const updates: (Item & { id: number })[] = [];
  for (const item of items) {
    const before = saved.get(`${item.institutionId}|${item.measuredAt.toISOString()}`);
    if (!before) creates.push(item);
    else if (
      !same(before.downloadMbps, item.downloadMbps, true) ||
      !same(before.uploadMbps, item.uploadMbps, true) ||
      !same(before.latencyMs, item.latencyMs, true)
    )
      updates.push({ ...item, id: before.id });
  }
  return {
    problems,
    year: null,
    created: creates.length,
    updated: updates.length,
    unchanged: items.length - creates.length - updates.length,
    async apply(tx, ctx) {
      await store.insertMeasurements(
        tx,
        creates.map((c) => ({
          institutionId: c.institutionId,
          measuredAt: c.measuredAt,
          downloadMbps: c.downloadMbps,
          uploadMbps: c.uploadMbps,
          latencyMs: c.latencyMs,
          source: 'import' as const,
          recordedBy: ctx.actorId,
        })),
      );
      await store.updateMeasurements(
        tx,
        updates.map((u) => ({
          id: u.id,
          downloadMbps: u.downloadMbps,
          uploadMbps: u.uploadMbps,
          latencyMs: u.latencyMs,
        })),
      );
      return {
        updated: updates.map((u) => ({
          institutionId: u.institutionId,
          measuredAt: u.measuredAt.toISOString(),
        })),
      };
    },
  };
}

/** The institutions a director may act for (for exports and checks that need the ids, not a target). */
export const ownInstitutionIds = (actor: Actor): number[] =>
  grantsOf(actor, ['director']).flatMap((g) => (g.institutionId === null ? [] : [g.institutionId]));
