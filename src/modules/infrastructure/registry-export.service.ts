import { allows, grantsOf, type Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import {
  DEVICE_CONDITIONS,
  DEVICE_KINDS,
  DEVICE_PURPOSES,
  DEVICE_STATUSES,
  ELECTRICITY_SOURCES,
  LINK_TYPES,
} from '@/modules/infrastructure/infrastructure.tables';
import * as store from '@/modules/infrastructure/registry-import.store';
import {
  COLLECTION_MODALITIES,
  COLUMNS,
  GIGA_VOCABULARY,
  INSTITUTION_KINDS,
  columnAbout,
  outColumns,
  type Dataset,
} from '@/modules/infrastructure/registry-import.columns';
import {
  CSV_TYPE,
  XLSX_TYPE,
  writeCsv,
  writeXlsx,
  type CodeList,
  type FileFormat,
  type OutColumn,
} from '@/modules/infrastructure/registry-import.files';

/** Which columns an export of the schools writes: ours, or one of Giga's two schemas. */
export type ExportSchema = 'maktab' | 'giga_upload' | 'giga_master';

/**
 * Giga's government school-data upload schema, in its order: the columns of Giga Sync's upload form
 * (unicef/giga-data-ingestion, `ISchoolData`; school_id_govt, school_name, education_level_govt, latitude
 * and longitude required).
 */
export const GIGA_UPLOAD_COLUMNS = [
  'school_id_govt',
  'school_name',
  'education_level_govt',
  'latitude',
  'longitude',
  'school_id_govt_type',
  'school_funding_type',
  'school_establishment_year',
  'is_school_open',
  'school_area_type',
  'school_address',
  'connectivity_govt',
  'download_speed_govt',
  'download_speed_contracted',
  'connectivity_type_govt',
  'connectivity_govt_collection_year',
  'electricity_availability',
  'electricity_type',
  'computer_availability',
  'num_computers',
  'num_computers_desired',
  'computer_lab',
  'num_students',
  'num_teachers',
  'num_adm_personnel',
  'num_classrooms',
  'water_availability',
  'num_latrines',
  'school_data_source',
  'school_data_collection_year',
  'school_data_collection_modality',
  'refugee_camp',
  'student_refugees',
  'student_count_refugees',
  'student_count_girls',
  'student_count_boys',
  'student_count_other',
] as const;

/**
 * Giga's school master schema, in its order (unicef/giga-data-ingestion, `MasterSchema`). Its columns that
 * Giga computes itself (ingestion timestamps, real-time connectivity, coverage, distances, population) are
 * written empty.
 */
export const GIGA_MASTER_COLUMNS = [
  'school_id_giga',
  'school_id_govt',
  'school_name',
  'latitude',
  'longitude',
  'education_level',
  'school_location_ingestion_timestamp',
  'school_data_collection_year',
  'connectivity_govt',
  'connectivity',
  'download_speed_govt',
  'download_speed_contracted',
  'connectivity_govt_ingestion_timestamp',
  'connectivity_govt_collection_year',
  'connectivity_RT',
  'connectivity_RT_datasource',
  'connectivity_RT_ingestion_timestamp',
  'connectivity_type_govt',
  'admin1',
  'admin1_id_giga',
  'admin2',
  'admin2_id_giga',
  'disputed_region',
  'school_area_type',
  'school_establishment_year',
  'school_funding_type',
  'num_computers',
  'num_computers_desired',
  'num_teachers',
  'num_adm_personnel',
  'num_students',
  'num_classrooms',
  'num_latrines',
  'computer_lab',
  'electricity_availability',
  'electricity_type',
  'water_availability',
  'school_data_source',
  'school_data_collection_modality',
  'cellular_coverage_availability',
  'cellular_coverage_type',
  'fiber_node_distance',
  'microwave_node_distance',
  'nearest_LTE_distance',
  'nearest_UMTS_distance',
  'nearest_GSM_distance',
  'pop_within_1km',
  'pop_within_2km',
  'pop_within_3km',
  'schools_within_1km',
  'schools_within_2km',
  'schools_within_3km',
  'pop_within_10km',
  'school_id_govt_type',
  'education_level_govt',
  'school_address',
  'nearest_school_distance',
  'schools_within_10km',
  'nearest_LTE_id',
  'nearest_UMTS_id',
  'nearest_GSM_id',
  'is_school_open',
] as const;

const NUMERIC_GIGA = new Set([
  'latitude',
  'longitude',
  'school_establishment_year',
  'download_speed_govt',
  'download_speed_contracted',
  'connectivity_govt_collection_year',
  'num_computers',
  'num_computers_desired',
  'num_students',
  'num_teachers',
  'num_adm_personnel',
  'num_classrooms',
  'num_latrines',
  'school_data_collection_year',
  'student_count_refugees',
  'student_count_girls',
  'student_count_boys',
  'student_count_other',
]);

/** Our value in Giga's vocabulary (the first of Giga's words that reads as it). */
function gigaWord(
  vocabulary: Readonly<Record<string, string | null>>,
  ours: string | null | undefined,
): string {
  if (!ours) return '';
  return Object.entries(vocabulary).find(([, v]) => v === ours)?.[0] ?? ours;
}

/** Giga's standard education level (master schema) from the ISCED levels a school teaches. */
function gigaEducationLevel(isced: number[]): string {
  const has = (f: (n: number) => boolean) => isced.some(f);
  const parts = [
    has((n) => n === 0) ? 'Pre-Primary' : null,
    has((n) => n === 1) ? 'Primary' : null,
    has((n) => n === 2 || n === 3) ? 'Secondary' : null,
    has((n) => n >= 4) ? 'Post-Secondary' : null,
  ].filter((p): p is string => p !== null);
  const known = [
    'Pre-Primary',
    'Primary',
    'Secondary',
    'Post-Secondary',
    'Pre-Primary and Primary',
    'Primary and Secondary',
    'Pre-Primary, Primary and Secondary',
    'Primary, Secondary and Post-Secondary',
  ];
  const name =
    parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return known.includes(name) ? name : '';
}

/**
 * The registry's bulk export and the import templates. An export writes the same columns the import reads,
 * so an exported file imports again unchanged; its rows are those the caller may see: everything for
 * national staff, their areas for a regional officer, their own school for a director.
 */

/** A file to send: its bytes, content type and name. */
export interface OutFile {
  body: Buffer;
  contentType: string;
  filename: string;
}

const yesNo = (b: boolean | null | undefined) => (b === null || b === undefined ? '' : b ? 'yes' : 'no');
const text = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));

/**
 * The sheets of valid codes: the columns (described in the caller's language), the areas, the levels and
 * every list of values.
 */
async function codeLists(db: Db, dataset: Dataset, locale: Locale): Promise<CodeList[]> {
  const say = (code: string) => translate(locale, `import.sheet.${code}`);
  const columns: CodeList = {
    title: say('columns'),
    rows: [
      [say('column'), say('required'), say('read'), say('about')],
      ...COLUMNS[dataset].map((c) => [
        c.name,
        say(c.required ? 'yes' : 'no'),
        say(c.role === 'info' ? 'no' : c.role === 'checked' ? 'checked' : 'yes'),
        columnAbout(locale, dataset, c.name),
      ]),
    ],
  };
  const codes: string[][] = [[say('list'), say('code'), 'name_az', 'name_ru', 'name_en']];
  const values = (list: string, items: readonly string[]) => {
    for (const item of items) codes.push([list, item, '', '', '']);
  };
  if (dataset === 'schools') {
    for (const a of await institutionsStore.listAreas(db)) {
      if (a.kind === 'district' || a.kind === 'city')
        codes.push(['area_code', a.code, a.nameAz, a.nameRu, a.nameEn]);
    }
    for (const l of (await institutionsStore.countryPack(db)).levels) {
      codes.push(['education_level_govt', l.code, l.nameAz, l.nameRu, l.nameEn]);
    }
    values('school_type', INSTITUTION_KINDS);
    values('school_funding_type', ['public', 'private']);
    values('school_area_type', ['urban', 'rural']);
    values('school_status', ['active', 'closed', 'planned']);
    values('school_data_collection_modality', COLLECTION_MODALITIES);
    values('electricity_type', ELECTRICITY_SOURCES);
    values('connectivity_type_govt', LINK_TYPES);
    values('connectivity_type_any', LINK_TYPES);
    values(say('yesNo'), ['yes', 'no']);
  } else if (dataset === 'devices') {
    values('kind', DEVICE_KINDS);
    values('purpose', DEVICE_PURPOSES);
    values('status', DEVICE_STATUSES);
    values('condition', DEVICE_CONDITIONS);
  }
  return [{ title: say('codes'), rows: codes }, columns];
}

async function fileOf(
  db: Db,
  dataset: Dataset,
  format: FileFormat,
  locale: Locale,
  rows: string[][],
  name: string,
): Promise<OutFile> {
  if (format === 'csv') {
    return {
      body: writeCsv(outColumns(dataset), rows),
      contentType: `${CSV_TYPE}; charset=utf-8`,
      filename: `${name}.csv`,
    };
  }
  return {
    body: await writeXlsx(dataset, outColumns(dataset), rows, await codeLists(db, dataset, locale)),
    contentType: XLSX_TYPE,
    filename: `${name}.xlsx`,
  };
}

/** An empty file of a data set, with the sheets of valid codes (XLSX) to fill it in. */
export async function template(
  db: Db,
  dataset: Dataset,
  format: FileFormat,
  locale: Locale,
): Promise<OutFile> {
  return fileOf(db, dataset, format, locale, [], `maktab-${dataset}-template`);
}

/** Which institutions the caller's export covers. A requested area was checked against the caller's scope. */
function filterFor(actor: Actor, areaId: number | undefined): store.ExportFilter {
  if (allows(actor, ['admin', 'bureau'])) return { areaIds: areaId ? [areaId] : null, institutionIds: null };
  const regional = grantsOf(actor, ['regional']).flatMap((g) => (g.areaId === null ? [] : [g.areaId]));
  const schools = grantsOf(actor, ['director']).flatMap((g) =>
    g.institutionId === null ? [] : [g.institutionId],
  );
  if (areaId) return { areaIds: [areaId], institutionIds: regional.length ? null : schools };
  if (regional.length) return { areaIds: regional, institutionIds: null };
  return { areaIds: null, institutionIds: schools };
}

/** Exports a data set for a year (schools: the current one by default) and an area. */
export async function exportDataset(
  db: Db,
  actor: Actor,
  dataset: Dataset,
  q: { format: FileFormat; schema?: ExportSchema; year?: string; areaId?: number },
  locale: Locale,
): Promise<OutFile> {
  return exportFor(db, filterFor(actor, q.areaId), dataset, q, locale);
}

/** The columns of Giga's master schema that count people: open data publishes no counts of people. */
const PEOPLE_COUNTS = new Set(['num_students', 'num_teachers', 'num_adm_personnel']);

/**
 * Open data in Giga's names: the schools of the country (or of an area and the areas under it) in Giga's
 * school master schema, as CSV. Every column is about the school; the counts of people are left empty, as
 * in the rest of the open data.
 */
export async function openGigaSchools(
  db: Db,
  q: { year?: string; areaId?: number },
  locale: Locale,
): Promise<OutFile> {
  const filter: store.ExportFilter = { areaIds: q.areaId ? [q.areaId] : null, institutionIds: null };
  return exportFor(
    db,
    filter,
    'schools',
    { format: 'csv', schema: 'giga_master', year: q.year },
    locale,
    PEOPLE_COUNTS,
  );
}

async function exportFor(
  db: Db,
  filter: store.ExportFilter,
  dataset: Dataset,
  q: { format: FileFormat; schema?: ExportSchema; year?: string },
  locale: Locale,
  withheld: ReadonlySet<string> = new Set(),
): Promise<OutFile> {
  const schema = q.schema ?? 'maktab';
  if (schema !== 'maktab' && dataset !== 'schools') throw new AppError(422, 'export_giga_schools_only');
  const years = await institutionsStore.listAcademicYears(db);
  const year = q.year === undefined ? null : years.find((y) => y.code === q.year);
  if (year === undefined) throw new AppError(422, 'import_unknown_year', { year: q.year });
  let rows: string[][];
  switch (dataset) {
    case 'schools': {
      const schoolYear = year ?? years.find((y) => y.isCurrent) ?? null;
      const schools = await store.exportInstitutions(db, filter);
      const basics = schoolYear
        ? await store.yearBasics(
            db,
            schools.map((s) => s.id),
            schoolYear.id,
          )
        : new Map<number, store.YearBasics>();
      const gigaColumns: OutColumn[] = (
        schema === 'giga_master' ? GIGA_MASTER_COLUMNS : GIGA_UPLOAD_COLUMNS
      ).map((name) => ({ name, numeric: NUMERIC_GIGA.has(name) }));
      const iscedOf = new Map(
        schema === 'giga_master'
          ? (await institutionsStore.countryPack(db)).levels.map((l) => [l.code, l.isced])
          : [],
      );
      rows = schools.map((s) => {
        const b = basics.get(s.id);
        const r = b?.record;
        const l = b?.link;
        const shiftSum = [...(b?.studentsByShift.values() ?? [])].reduce((a, n) => a + n, 0);
        const shifts =
          b && b.studentsByShift.size > 0 && shiftSum === s.studentCount ? b.studentsByShift : null;
        const computers = b?.teachingComputers ?? null;
        if (schema !== 'maktab') {
          // Giga's connectivity and computers mean any use; ours the teaching link and teaching computers.
          // Giga's facts are written when the registry has them; else a teaching link says there is
          // internet (and of what type and speed), and teaching computers that there are computers.
          const connected = r?.connectivityAny ?? (l ? true : null);
          const anyComputers = r?.computersAny ?? null;
          const isced = s.levels.flatMap((code) => {
            const n = iscedOf.get(code);
            return n === null || n === undefined ? [] : [n];
          });
          const giga: Record<string, string> = {
            school_id_giga: text(s.gigaId),
            school_id_govt: s.code,
            school_name: s.nameAz,
            education_level_govt: s.levels.join(';'),
            education_level: gigaEducationLevel(isced),
            latitude: text(s.latitude),
            longitude: text(s.longitude),
            admin1: text(s.parentNameAz),
            admin1_id_giga: text(s.parentGigaId),
            admin2: s.areaNameAz,
            admin2_id_giga: text(s.areaGigaId),
            school_id_govt_type: text(s.codeType),
            school_funding_type: s.ownership,
            school_establishment_year: text(s.establishedYear),
            is_school_open: s.status === 'active' ? 'yes' : s.status === 'closed' ? 'no' : '',
            school_area_type: s.locality,
            school_address: text(s.address),
            connectivity_govt: yesNo(connected),
            connectivity: yesNo(connected),
            download_speed_govt: text(r?.downloadSpeedGovt),
            download_speed_contracted: text(
              r?.connectivityAny !== null && r?.connectivityAny !== undefined
                ? r.downloadContractedAny
                : l?.downloadMbps,
            ),
            connectivity_type_govt: gigaWord(
              GIGA_VOCABULARY.connectivity_type,
              r?.connectivityAny !== null && r?.connectivityAny !== undefined
                ? r.connectivityAnyType
                : l?.type,
            ),
            connectivity_govt_collection_year: text(r?.connectivityCollectionYear),
            electricity_availability: yesNo(r?.electricity),
            electricity_type: gigaWord(GIGA_VOCABULARY.electricity_type, r?.electricitySource),
            computer_availability: anyComputers !== null ? yesNo(anyComputers > 0) : computers ? 'yes' : '',
            num_computers: text(anyComputers),
            num_computers_desired: text(r?.computersDesired),
            computer_lab: yesNo(r?.hasComputerLab),
            num_students: text(s.studentCount),
            num_teachers: text(r?.teachers),
            num_adm_personnel: text(r?.admPersonnel),
            num_classrooms: text(r?.classrooms),
            water_availability: yesNo(r?.water),
            num_latrines: text(r?.latrines),
            school_data_source: text(s.dataSource),
            school_data_collection_year: text(s.dataCollectionYear),
            school_data_collection_modality: text(s.dataCollectionModality),
            refugee_camp: yesNo(s.refugeeCamp),
            student_refugees: yesNo(r?.refugeePupils),
            student_count_refugees: text(r?.refugeeStudents),
            student_count_girls: text(r?.studentsGirls),
            student_count_boys: text(r?.studentsBoys),
            student_count_other: text(r?.studentsOther),
          };
          return gigaColumns.map((c) => (withheld.has(c.name) ? '' : (giga[c.name] ?? '')));
        }
        const byColumn: Record<string, string> = {
          school_id_govt: s.code,
          school_name: s.nameAz,
          school_name_ru: s.nameRu,
          school_name_en: s.nameEn,
          admin1: text(s.parentNameAz),
          admin1_id_giga: text(s.parentGigaId),
          admin2: s.areaNameAz,
          admin2_id_giga: text(s.areaGigaId),
          area_code: s.areaCode,
          education_level_govt: s.levels.join(';'),
          school_type: s.kind,
          school_funding_type: s.ownership,
          school_area_type: s.locality,
          school_status: s.status,
          latitude: text(s.latitude),
          longitude: text(s.longitude),
          num_shifts: text(s.shifts),
          num_students: text(s.studentCount),
          num_teachers: text(r?.teachers),
          num_teachers_ict_trained: text(r?.teachersIctTrained),
          num_classrooms: text(r?.classrooms),
          computer_lab: yesNo(r?.hasComputerLab),
          electricity_availability: yesNo(r?.electricity),
          electricity_type: text(r?.electricitySource),
          electricity_hours: text(r?.electricityHours),
          connectivity_govt: l ? 'yes' : r ? 'no' : '',
          connectivity_type_govt: text(l?.type),
          education_network: l ? yesNo(l.educationNetwork) : '',
          internet_provider: text(l?.provider),
          download_speed_contracted: text(l?.downloadMbps),
          upload_speed_contracted: text(l?.uploadMbps),
          pupils_internet: yesNo(r?.pupilsInternet),
          school_id_giga: text(s.gigaId),
          school_id_govt_type: text(s.codeType),
          school_establishment_year: text(s.establishedYear),
          school_address: text(s.address),
          refugee_camp: yesNo(s.refugeeCamp),
          school_data_source: text(s.dataSource),
          school_data_collection_year: text(s.dataCollectionYear),
          school_data_collection_modality: text(s.dataCollectionModality),
          connectivity_any: yesNo(r?.connectivityAny),
          connectivity_type_any: text(r?.connectivityAnyType),
          download_speed_contracted_any: text(r?.downloadContractedAny),
          download_speed_govt: text(r?.downloadSpeedGovt),
          connectivity_govt_collection_year: text(r?.connectivityCollectionYear),
          num_computers_any: text(r?.computersAny),
          computer_availability_any: r?.computersAny === null || !r ? '' : yesNo(r.computersAny > 0),
          num_computers_desired: text(r?.computersDesired),
          num_adm_personnel: text(r?.admPersonnel),
          water_availability: yesNo(r?.water),
          num_latrines: text(r?.latrines),
          student_refugees: yesNo(r?.refugeePupils),
          student_count_refugees: text(r?.refugeeStudents),
          student_count_girls: text(r?.studentsGirls),
          student_count_boys: text(r?.studentsBoys),
          student_count_other: text(r?.studentsOther),
          computer_availability: computers === null ? '' : yesNo(computers > 0),
          num_computers: text(computers),
          num_students_shift1: shifts ? text(shifts.get(1) ?? 0) : '',
          num_students_shift2: shifts && s.shifts >= 2 ? text(shifts.get(2) ?? 0) : '',
          num_students_shift3: shifts && s.shifts >= 3 ? text(shifts.get(3) ?? 0) : '',
        };
        return COLUMNS.schools.map((c) => byColumn[c.name] ?? '');
      });
      if (schema !== 'maktab') {
        const name = `giga-${schema === 'giga_master' ? 'master' : 'upload'}-${schoolYear?.code ?? 'all'}`;
        return q.format === 'csv'
          ? {
              body: writeCsv(gigaColumns, rows),
              contentType: `${CSV_TYPE}; charset=utf-8`,
              filename: `${name}.csv`,
            }
          : {
              body: await writeXlsx('schools', gigaColumns, rows, []),
              contentType: XLSX_TYPE,
              filename: `${name}.xlsx`,
            };
      }
      return fileOf(db, dataset, q.format, locale, rows, `maktab-schools-${schoolYear?.code ?? 'all'}`);
    }
    case 'devices': {
      const devices = await store.exportDevices(db, filter);
      rows = devices.map((d) => {
        const byColumn: Record<string, string> = {
          school_id_govt: d.code,
          asset_tag: d.assetTag,
          kind: d.kind,
          purpose: d.purpose,
          status: d.status,
          condition: d.condition,
          serial: text(d.serial),
          model: text(d.model),
          funding_programme: text(d.fundingProgramme),
          acquired_on: text(d.acquiredOn),
          end_of_life_on: text(d.endOfLifeOn),
          last_audit_on: text(d.lastAuditOn),
          next_audit_on: text(d.nextAuditOn),
        };
        return COLUMNS.devices.map((c) => byColumn[c.name] ?? '');
      });
      return fileOf(db, dataset, q.format, locale, rows, 'maktab-devices');
    }
    case 'measurements': {
      const period = year ? { from: year.startsOn, until: year.endsOn } : null;
      const measured = await store.exportMeasurements(db, filter, period);
      rows = measured.map((m) => {
        const byColumn: Record<string, string> = {
          school_id_govt: m.code,
          measured_at: m.measuredAt,
          download_speed: text(m.downloadMbps),
          upload_speed: text(m.uploadMbps),
          latency: text(m.latencyMs),
          source: m.source,
        };
        return COLUMNS.measurements.map((c) => byColumn[c.name] ?? '');
      });
      return fileOf(db, dataset, q.format, locale, rows, `maktab-measurements-${year?.code ?? 'all'}`);
    }
  }
}
