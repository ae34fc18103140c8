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
  COLUMNS,
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
} from '@/modules/infrastructure/registry-import.files';

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
    values('electricity_type', ELECTRICITY_SOURCES);
    values('connectivity_type_govt', LINK_TYPES);
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
  q: { format: FileFormat; year?: string; areaId?: number },
  locale: Locale,
): Promise<OutFile> {
  const years = await institutionsStore.listAcademicYears(db);
  const year = q.year === undefined ? null : years.find((y) => y.code === q.year);
  if (year === undefined) throw new AppError(422, 'import_unknown_year', { year: q.year });
  const filter = filterFor(actor, q.areaId);
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
      rows = schools.map((s) => {
        const b = basics.get(s.id);
        const r = b?.record;
        const l = b?.link;
        const shiftSum = [...(b?.studentsByShift.values() ?? [])].reduce((a, n) => a + n, 0);
        const shifts =
          b && b.studentsByShift.size > 0 && shiftSum === s.studentCount ? b.studentsByShift : null;
        const computers = b?.teachingComputers ?? null;
        const byColumn: Record<string, string> = {
          school_id_govt: s.code,
          school_name: s.nameAz,
          school_name_ru: s.nameRu,
          school_name_en: s.nameEn,
          admin1: text(s.parentNameAz),
          admin2: s.areaNameAz,
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
          computer_availability: computers === null ? '' : yesNo(computers > 0),
          num_computers: text(computers),
          num_students_shift1: shifts ? text(shifts.get(1) ?? 0) : '',
          num_students_shift2: shifts && s.shifts >= 2 ? text(shifts.get(2) ?? 0) : '',
          num_students_shift3: shifts && s.shifts >= 3 ? text(shifts.get(3) ?? 0) : '',
        };
        return COLUMNS.schools.map((c) => byColumn[c.name] ?? '');
      });
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
