import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '@/server/db/database';
import { createTestApp, login, type Session } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { areaIdByCode, loadCountryPackFrom } from '@/modules/institutions/country-pack';
import { XLSX_TYPE } from '@/modules/infrastructure/registry-import.files';

type App = Awaited<ReturnType<typeof createTestApp>>;

interface Report {
  valid: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  problemCount: number;
  problems: { line: number; column: string; reason: string; message: string }[];
}
interface ErrorBody {
  error: { code: string; message: string; details: Report['problems'] };
}

const HEADER = [
  'school_id_govt',
  'school_name',
  'area_code',
  'education_level_govt',
  'school_type',
  'school_funding_type',
  'school_area_type',
  'latitude',
  'longitude',
  'num_shifts',
  'num_students',
  'num_teachers',
  'num_teachers_ict_trained',
  'electricity_availability',
  'electricity_type',
  'connectivity_govt',
  'connectivity_type_govt',
  'download_speed_contracted',
  'num_students_shift1',
  'num_students_shift2',
];

/** A valid school row by column, with overrides. */
const school = (code: string, overrides: Record<string, string> = {}): Record<string, string> => ({
  school_id_govt: code,
  school_name: `${code} nömrəli tam orta məktəb`,
  area_code: 'AZ-QBA',
  education_level_govt: 'primary;basic;secondary',
  school_type: 'general_school',
  school_funding_type: 'public',
  school_area_type: 'rural',
  latitude: '41.36',
  longitude: '48.51',
  num_shifts: '2',
  num_students: '300',
  num_teachers: '30',
  num_teachers_ict_trained: '10',
  electricity_availability: 'yes',
  electricity_type: 'grid',
  connectivity_govt: 'yes',
  connectivity_type_govt: 'fibre',
  download_speed_contracted: '50',
  num_students_shift1: '200',
  num_students_shift2: '100',
  ...overrides,
});

const csv = (records: Record<string, string>[], header = HEADER, delimiter = ',') =>
  [
    header.join(delimiter),
    ...records.map((r) =>
      header
        .map((h) => r[h] ?? '')
        .map((v) => (v.includes(delimiter) ? `"${v}"` : v))
        .join(delimiter),
    ),
  ].join('\r\n') + '\r\n';

async function xlsx(records: Record<string, string>[], header = HEADER): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('schools');
  sheet.addRow(header);
  for (const r of records) sheet.addRow(header.map((h) => r[h] ?? ''));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('bulk import and export of the registry', () => {
  let t: App;
  let bureau: Session;
  let director: Session;
  let regional: Session;
  let quba: number;

  const counts = async () =>
    (
      await rows<Record<string, number>>(
        t.database.db,
        sql`select (select count(*) from institutions_institution)::int as institutions,
            (select count(*) from infrastructure_school_year)::int as years,
            (select count(*) from infrastructure_internet_link)::int as links,
            (select count(*) from infrastructure_device)::int as devices,
            (select count(*) from infrastructure_measurement)::int as measurements,
            (select count(*) from identity_audit)::int as audit,
            (select coalesce(max(updated_at)::text, '') from institutions_institution) as touched`,
      )
    )[0]!;

  const upload = (
    who: Session,
    body: string | Buffer,
    query = '',
    dataset = 'schools',
    type = 'text/csv',
    headers: Record<string, string> = {},
  ) =>
    who.inject({
      method: 'POST',
      url: `/api/registry/import/${dataset}${query}`,
      payload: body,
      headers: { 'content-type': type, ...headers },
    });

  /** Uploads a bad file and checks that it is refused with a report and the database is as it was. */
  async function refused(body: string | Buffer, status = 422, type = 'text/csv'): Promise<ErrorBody> {
    const before = await counts();
    const res = await upload(bureau, body, '', 'schools', type);
    expect(res.statusCode, res.body).toBe(status);
    expect(await counts()).toEqual(before);
    return res.json<ErrorBody>();
  }

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    await loadCountryPackFrom(db);
    quba = (await areaIdByCode(db, 'AZ-QBA'))!;
    const b = await createUserWithRole(db, 'bureau');
    bureau = await login(t.app, b.username, b.password);
  });
  afterAll(async () => t?.close());

  it('imports a good file, and importing it again changes nothing', async () => {
    const file = csv([
      school('Q-1'),
      school('Q-2'),
      school('Q-3', { connectivity_govt: 'no', connectivity_type_govt: '', download_speed_contracted: '' }),
    ]);
    const before = await counts();
    const dry = await upload(bureau, file, '?dryRun=true');
    expect(dry.json<Report>()).toMatchObject({ valid: true, created: 3, updated: 0, unchanged: 0 });
    expect(await counts()).toEqual(before);

    const res = await upload(bureau, file);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Report>()).toMatchObject({ valid: true, rows: 3, created: 3, updated: 0, unchanged: 0 });
    const after = await counts();
    expect(after.institutions).toBe(before.institutions! + 3);
    expect(after.years).toBe(before.years! + 3);
    expect(after.links).toBe(before.links! + 2);
    expect(after.audit).toBe(before.audit! + 1);
    const [entry] = await rows<{ action: string; after: { created: number; rows: number } }>(
      t.database.db,
      sql`select action, after from identity_audit order by id desc limit 1`,
    );
    expect(entry).toMatchObject({ action: 'import', after: { created: 3, rows: 3 } });

    const again = await upload(bureau, file);
    expect(again.json<Report>()).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    const last = await counts();
    expect({ ...last, audit: 0 }).toEqual({ ...after, audit: 0 });

    const changed = await upload(
      bureau,
      csv([
        school('Q-1', { num_teachers: '31' }),
        school('Q-2'),
        school('Q-3', { connectivity_govt: 'no', connectivity_type_govt: '', download_speed_contracted: '' }),
      ]),
    );
    expect(changed.json<Report>()).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
  });

  it('reports every bad row by line and column, and imports nothing', async () => {
    const body = await refused(
      csv([
        school('B-1'),
        school('B-2', { area_code: 'AZ-NOPE' }),
        school('B-3', { education_level_govt: 'primary;lyceum' }),
        school('B-1'),
        school('B-5', { school_name: 'B-1 nömrəli tam orta məktəb' }),
        school('B-6', { latitude: '10.5', longitude: '48.5' }),
        school('B-7', { latitude: '48.51', longitude: '41.36' }),
        school('B-8', { longitude: '' }),
        school('B-9', { connectivity_govt: 'no' }),
        school('B-10', { num_teachers_ict_trained: '31' }),
        school('B-11', { num_students_shift2: '50' }),
        school('B-12', { num_teachers: 'many', school_type: 'lyceum' }),
        school('B-13', { electricity_availability: 'no' }),
      ]),
    );
    expect(body.error.code).toBe('import_invalid');
    const at = (line: number) =>
      body.error.details.filter((p) => p.line === line).map((p) => [p.column, p.reason]);
    expect(at(2)).toEqual([]);
    expect(at(3)).toEqual([['area_code', 'unknown_area']]);
    expect(at(4)).toEqual([['education_level_govt', 'unknown_level']]);
    expect(at(5)).toEqual([['school_id_govt', 'duplicate_in_file']]);
    expect(at(6)).toEqual([['school_name', 'likely_duplicate_file']]);
    expect(at(7)).toEqual([['latitude', 'outside_country']]);
    expect(at(8)).toEqual([['latitude', 'swapped_coordinates']]);
    expect(at(9)).toEqual([['longitude', 'coordinate_pair']]);
    expect(at(10)).toEqual([
      ['connectivity_type_govt', 'no_internet_details'],
      ['download_speed_contracted', 'no_internet_details'],
    ]);
    expect(at(11)).toEqual([['num_teachers_ict_trained', 'trained_exceeds_teachers']]);
    expect(at(12)).toEqual([['num_students', 'shifts_sum']]);
    expect(at(13)).toEqual(
      expect.arrayContaining([
        ['num_teachers', 'not_number'],
        ['school_type', 'not_one_of'],
      ]),
    );
    expect(at(14)).toEqual([['electricity_type', 'no_electricity_details']]);
    expect(body.error.details.find((p) => p.line === 5)!.message).toBe(
      'Sətir 5, school_id_govt: B-1 2-ci sətirdə də var',
    );
  });

  it('reports in the caller language', async () => {
    const res = await upload(bureau, csv([school('L-1', { area_code: 'XX' })]), '', 'schools', 'text/csv', {
      'accept-language': 'en',
    });
    // The user has no language of their own set, so Accept-Language decides.
    const body = res.json<ErrorBody>();
    expect(body.error.details[0]!.message).toMatch(/^(Line 2, area_code: is not an area code|Sətir 2)/);
  });

  it('refuses a likely duplicate of a school already in the registry', async () => {
    const body = await refused(csv([school('D-1', { school_name: 'Q-2 nömrəli tam orta məktəb' })]));
    expect(body.error.details).toMatchObject([
      { line: 2, column: 'school_name', reason: 'likely_duplicate_db' },
    ]);
    expect(body.error.details[0]!.message).toContain('Q-2');
  });

  it('refuses bad files with a precise report and leaves the database untouched', async () => {
    expect((await refused('')).error.code).toBe('import_empty');
    expect((await refused('\uFEFF\r\n  \r\n')).error.code).toBe('import_empty');
    expect((await refused(HEADER.join(',') + '\r\n')).error.code).toBe('import_no_rows');

    const latin1 = Buffer.from(csv([school('E-1', { school_name: 'Qaraçay məktəbi' })]), 'latin1');
    const encoding = await refused(latin1);
    expect(encoding.error.code).toBe('import_not_utf8');
    expect(encoding.error.message).toMatch(/UTF-8.*2/);

    const tabs = await refused(csv([school('E-2')], HEADER, '\t'));
    expect(tabs.error.code).toBe('import_wrong_delimiter');

    // An unknown column is a warning, not a refusal; a missing required one refuses the file.
    const header = await refused(csv([school('E-3')], ['school_id', ...HEADER.slice(1)]));
    expect(header.error.details).toEqual([
      expect.objectContaining({ line: 1, column: 'school_id_govt', reason: 'missing_column' }),
    ]);

    const shifted = await refused(csv([school('E-4')]).replace('E-4,', 'E-4,,'));
    expect(shifted.error.details.some((p) => p.line === 2)).toBe(true);

    const broken = await refused(
      Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]),
      422,
      XLSX_TYPE,
    );
    expect(broken.error.code).toBe('import_unreadable_xlsx');

    // 20 MB: refused from its length with 413, in the one error shape.
    const big = Buffer.alloc(20 * 1024 * 1024, 'a');
    const tooBig = await refused(big, 413);
    expect(tooBig.error.code).toBe('import_too_large');
    expect(tooBig.error.message).toContain('10 MB');
  });

  it('accepts a UTF-8 byte-order mark and semicolons, as Excel writes them', async () => {
    const res = await upload(
      bureau,
      `\uFEFF${csv([school('S-1', { school_name: 'Şəki İ məktəbi' })], HEADER, ';')}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Report>().created).toBe(1);
  });

  it('imports XLSX, and the export imports back unchanged in both formats', async () => {
    const res = await upload(bureau, await xlsx([school('X-1'), school('X-2')]), '', 'schools', XLSX_TYPE);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Report>().created).toBe(2);

    for (const format of ['csv', 'xlsx'] as const) {
      const exported = await bureau.inject({
        url: `/api/registry/export/schools?format=${format}&areaId=${quba}`,
      });
      expect(exported.statusCode).toBe(200);
      expect(exported.headers['content-disposition']).toContain(`.${format}`);
      if (format === 'csv')
        expect(exported.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const before = await counts();
      const back = await upload(
        bureau,
        exported.rawPayload,
        '',
        'schools',
        format === 'csv' ? 'text/csv' : XLSX_TYPE,
      );
      expect(back.statusCode, back.body).toBe(200);
      const report = back.json<Report>();
      expect(report).toMatchObject({ created: 0, updated: 0 });
      expect(report.unchanged).toBeGreaterThanOrEqual(5);
      expect({ ...(await counts()), audit: 0 }).toEqual({ ...before, audit: 0 });
    }
  });

  it('gives templates with a sheet of valid codes', async () => {
    const res = await bureau.inject({ url: '/api/registry/templates/schools?format=xlsx' });
    expect(res.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['schools', 'kodlar', 'sütunlar']);
    const codes: string[] = [];
    workbook
      .getWorksheet('kodlar')!
      .eachRow((row) => codes.push(`${row.getCell(1).text}=${row.getCell(2).text}`));
    expect(codes).toEqual(
      expect.arrayContaining([
        'area_code=AZ-QBA',
        'education_level_govt=primary',
        'connectivity_type_govt=fibre',
      ]),
    );
    const csvTemplate = await bureau.inject({ url: '/api/registry/templates/devices?format=csv' });
    expect(csvTemplate.body).toContain('school_id_govt,asset_tag,kind');
  });

  it('describes the columns of a template in the caller language', async () => {
    /** The column sheet of a template: its title and, by column, the rest of its row. */
    const columnSheet = async (who: Session, dataset: string) => {
      const res = await who.inject({ url: `/api/registry/templates/${dataset}?format=xlsx` });
      expect(res.statusCode, res.body).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[2]!;
      const byColumn = new Map<string, string[]>();
      sheet.eachRow((row) =>
        byColumn.set(
          row.getCell(1).text,
          [2, 3, 4].map((i) => row.getCell(i).text),
        ),
      );
      return { title: sheet.name, byColumn };
    };
    // A signed-in user's own language decides: every account has one (az unless changed), so Accept-Language
    // does not count here.
    const u = await createUserWithRole(t.database.db, 'bureau');
    const who = await login(t.app, u.username, u.password);
    const speak = async (locale: string) => {
      const res = await who.inject({ method: 'PATCH', url: '/api/me', payload: { locale } });
      expect(res.statusCode, res.body).toBe(200);
    };

    await speak('ru');
    const ru = await columnSheet(who, 'schools');
    expect(ru.title).toBe('столбцы');
    expect(ru.byColumn.get('столбец')).toEqual(['обязательный', 'читается при импорте', 'что содержит']);
    expect(ru.byColumn.get('download_speed_contracted')).toEqual([
      'нет',
      'да',
      'Скорость загрузки по договору, Мбит/с',
    ]);
    expect(ru.byColumn.get('school_id_govt')![1]).toBe('да');
    expect(ru.byColumn.get('num_computers')![1]).toBe('проверяется, не сохраняется');
    expect((await columnSheet(who, 'devices')).byColumn.get('asset_tag')).toEqual([
      'да',
      'да',
      'Инвентарный номер, уникальный в пределах страны',
    ]);

    await speak('az');
    const az = await columnSheet(who, 'schools');
    expect(az.title).toBe('sütunlar');
    expect(az.byColumn.get('sütun')).toEqual(['mütləqdir', 'idxalda oxunur', 'nə yazılır']);
    expect(az.byColumn.get('download_speed_contracted')).toEqual([
      'xeyr',
      'bəli',
      'Müqavilə üzrə endirmə sürəti, Mbit/s',
    ]);
    expect(az.byColumn.get('school_id_govt')![2]).toBe('Müəssisənin milli kodu');

    await speak('en');
    const en = await columnSheet(who, 'measurements');
    expect(en.title).toBe('columns');
    expect(en.byColumn.get('latency')).toEqual(['no', 'yes', 'Round-trip time, ms']);

    // An XLSX export carries the same sheet, in the same language.
    await speak('ru');
    const exported = await who.inject({ url: '/api/registry/export/devices?format=xlsx' });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(exported.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['devices', 'коды', 'столбцы']);
  });

  it('checks again under the lock when another import wrote in between: two at once, each row written once', async () => {
    // Both are checked before either writes (the checks read outside the write transaction); the second
    // to write sees that what its checks read has changed, checks again, and finds the schools there.
    const records = Array.from({ length: 600 }, (_, i) => school(`R-${i + 1}`, { num_teachers: '12' }));
    const before = await counts();
    const [a, b] = await Promise.all([upload(bureau, csv(records)), upload(bureau, csv(records))]);
    expect(a.statusCode, a.body).toBe(200);
    expect(b.statusCode, b.body).toBe(200);
    const reports = [a.json<Report>(), b.json<Report>()].sort((x, y) => y.created - x.created);
    expect(reports).toMatchObject([
      { created: 600, updated: 0, unchanged: 0 },
      { created: 0, updated: 0, unchanged: 600 },
    ]);
    const after = await counts();
    expect(after.institutions).toBe(before.institutions! + 600);
    expect(after.years).toBe(before.years! + 600);

    // And a change made between another import's checks and its writes is checked, not overwritten blindly.
    const changed = records.map((r) => ({ ...r, num_teachers: '13' }));
    const [c, d] = await Promise.all([
      upload(bureau, csv(changed)),
      upload(bureau, csv([school('R-1', { num_teachers: '14' })])),
    ]);
    expect(c.statusCode, c.body).toBe(200);
    expect(d.statusCode, d.body).toBe(200);
    const [r1] = await rows<{ teachers: number; version: number }>(
      t.database.db,
      sql`select y.teachers, y.version from infrastructure_school_year y
          join institutions_institution i on i.id = y.institution_id where i.code = 'R-1'`,
    );
    // Whichever wrote last, its value is saved, and each write bumped the version.
    expect([13, 14]).toContain(r1!.teachers);
    expect(r1!.version).toBe(3);
  });

  it('imports devices and measurements by their natural keys', async () => {
    const devices =
      'school_id_govt,asset_tag,kind,model,acquired_on\r\nQ-1,DEV-1,laptop,ThinkPad,2026-09-01\r\nQ-1,DEV-2,projector,,\r\n';
    const first = await upload(bureau, devices, '', 'devices');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json<Report>()).toMatchObject({ created: 2 });
    expect((await upload(bureau, devices, '', 'devices')).json<Report>()).toMatchObject({ unchanged: 2 });
    const changed = await upload(bureau, devices.replace('ThinkPad', 'Dell'), '', 'devices');
    expect(changed.json<Report>()).toMatchObject({ updated: 1, unchanged: 1 });
    const exported = await bureau.inject({ url: '/api/registry/export/devices?format=xlsx' });
    const back = await upload(bureau, exported.rawPayload, '', 'devices', XLSX_TYPE);
    expect(back.json<Report>()).toMatchObject({ created: 0, updated: 0, unchanged: 2 });

    const bad = await upload(
      bureau,
      'school_id_govt,asset_tag,kind,acquired_on,end_of_life_on\r\nNOPE,DEV-3,laptop,,\r\nQ-1,DEV-4,laptop,2026-01-01,2025-01-01\r\n',
      '',
      'devices',
    );
    expect(bad.json<ErrorBody>().error.details.map((p) => [p.line, p.column, p.reason])).toEqual([
      [2, 'school_id_govt', 'unknown_school'],
      [3, 'end_of_life_on', 'date_order'],
    ]);

    const measured =
      'school_id_govt,measured_at,download_speed,upload_speed,latency\r\nQ-1,2026-03-01T09:30:00Z,12.3,4.5,40\r\nQ-2,2026-03-01 10:00,0.8,,\r\n';
    expect((await upload(bureau, measured, '', 'measurements')).json<Report>()).toMatchObject({ created: 2 });
    expect((await upload(bureau, measured, '', 'measurements')).json<Report>()).toMatchObject({
      unchanged: 2,
    });
    const out = await bureau.inject({ url: '/api/registry/export/measurements?format=csv' });
    expect(out.body).toContain('Q-1,2026-03-01T09:30:00.000Z,12.3,4.5,40,import');
    expect((await upload(bureau, out.rawPayload, '', 'measurements')).json<Report>()).toMatchObject({
      unchanged: 2,
    });
    const remeasured = measured.replace('12.3,4.5,40', '13.5,,35');
    expect((await upload(bureau, remeasured, '', 'measurements')).json<Report>()).toMatchObject({
      created: 0,
      updated: 1,
      unchanged: 1,
    });
    const again = await bureau.inject({ url: '/api/registry/export/measurements?format=csv' });
    expect(again.body).toContain('Q-1,2026-03-01T09:30:00.000Z,13.5,,35,import');
  });

  it('takes the optional columns the UIS definitions need: pupils’ internet and devices shared with administration', async () => {
    const header = [...HEADER, 'pupils_internet'];
    const res = await upload(
      bureau,
      csv([school('U-1', { pupils_internet: 'yes' }), school('U-2', { pupils_internet: '' })], header),
    );
    expect(res.statusCode, res.body).toBe(200);
    const saved = () =>
      rows<{ code: string; pupils: boolean | null }>(
        t.database.db,
        sql`select i.code, s.pupils_internet as pupils from infrastructure_school_year s
              join institutions_institution i on i.id = s.institution_id
            where i.code in ('U-1', 'U-2') order by i.code`,
      );
    expect(await saved()).toEqual([
      { code: 'U-1', pupils: true },
      { code: 'U-2', pupils: null },
    ]);
    // A file without the column leaves the saved answer as it is; the export writes it and imports back.
    expect((await upload(bureau, csv([school('U-1')]))).json<Report>()).toMatchObject({ unchanged: 1 });
    expect(await saved()).toEqual([
      { code: 'U-1', pupils: true },
      { code: 'U-2', pupils: null },
    ]);
    const exported = await bureau.inject({ url: '/api/registry/export/schools?format=csv' });
    expect(exported.body.split('\r\n')[0]).toContain(',pupils_internet,');
    expect((await upload(bureau, exported.rawPayload)).json<Report>()).toMatchObject({
      updated: 0,
      created: 0,
    });

    const devices =
      'school_id_govt,asset_tag,kind,purpose\r\nU-1,SHARED-1,desktop,both\r\nU-1,SHARED-2,laptop,\r\n';
    expect((await upload(bureau, devices, '', 'devices')).json<Report>()).toMatchObject({ created: 2 });
    const purposes = await rows<{ tag: string; purpose: string }>(
      t.database.db,
      sql`select asset_tag as tag, purpose from infrastructure_device where asset_tag like 'SHARED-%' order by 1`,
    );
    expect(purposes).toEqual([
      { tag: 'SHARED-1', purpose: 'both' },
      { tag: 'SHARED-2', purpose: 'teaching' },
    ]);
    const bad = await upload(
      bureau,
      'school_id_govt,asset_tag,kind,purpose\r\nU-1,SHARED-3,desktop,shared\r\n',
      '',
      'devices',
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json<ErrorBody>().error.details.map((p) => [p.line, p.column])).toEqual([[2, 'purpose']]);
  });

  it('devices: two imports at once write each device once; a single save meanwhile is checked, not overwritten', async () => {
    const db = t.database.db;
    const file = (model: string) =>
      csv(
        Array.from({ length: 300 }, (_, i) => ({
          school_id_govt: 'Q-1',
          asset_tag: `C-${i + 1}`,
          kind: 'laptop',
          model,
        })),
        ['school_id_govt', 'asset_tag', 'kind', 'model'],
      );
    const [a, b] = await Promise.all([
      upload(bureau, file('M1'), '', 'devices'),
      upload(bureau, file('M1'), '', 'devices'),
    ]);
    expect(a.statusCode, a.body).toBe(200);
    expect(b.statusCode, b.body).toBe(200);
    expect([a.json<Report>(), b.json<Report>()].sort((x, y) => y.created - x.created)).toMatchObject([
      { created: 300, updated: 0, unchanged: 0 },
      { created: 0, updated: 0, unchanged: 300 },
    ]);
    const state = async () =>
      (
        await rows<Record<string, number>>(
          db,
          sql`select (select count(*) from infrastructure_device where asset_tag like 'C-%')::int as devices,
              (select count(*) from infrastructure_device_event e join infrastructure_device d on d.id = e.device_id
                 where d.asset_tag like 'C-%' and e.kind = 'delivered')::int as delivered,
              (select count(*) from identity_audit a join infrastructure_device d on a.entity_id = d.id::text
                 where a.entity = 'device' and d.asset_tag like 'C-%')::int as audit,
              (select sum(c.total - c.untracked) from infrastructure_device_count c
                 join institutions_academic_year y on y.id = c.academic_year_id and y.is_current
                 join institutions_institution i on i.id = c.institution_id where i.code = 'Q-1')::int as counted,
              (select count(*) from infrastructure_device d join institutions_institution i on i.id = d.institution_id
                 where i.code = 'Q-1' and d.status <> 'disposed')::int as items`,
        )
      )[0]!;
    const written = await state();
    expect(written).toMatchObject({ devices: 300, delivered: 300, audit: 300 });
    expect(written.counted).toBe(written.items);

    // A device saved on its own while an import changing it runs: whichever writes first, the other sees it.
    const [c1] = await rows<{ id: number }>(
      db,
      sql`select id from infrastructure_device where asset_tag = 'C-1'`,
    );
    const [imported, saved] = await Promise.all([
      upload(bureau, file('M2'), '', 'devices'),
      bureau.inject({
        method: 'PATCH',
        url: `/api/devices/${c1!.id}`,
        payload: { condition: 'broken', event: 'repaired' },
      }),
    ]);
    expect(imported.statusCode, imported.body).toBe(200);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(imported.json<Report>()).toMatchObject({ created: 0, updated: 300 });
    const [one] = await rows<{ model: string; condition: string; events: string }>(
      db,
      sql`select d.model, d.condition,
            (select string_agg(e.kind, ',' order by e.kind) from infrastructure_device_event e where e.device_id = d.id) as events
          from infrastructure_device d where d.asset_tag = 'C-1'`,
    );
    expect(one).toEqual({ model: 'M2', condition: 'broken', events: 'audited,delivered,repaired' });
    // The import audits each device as a single save does: the same fields, written the same way.
    const entries = await rows<{ action: string; after: Record<string, unknown> }>(
      db,
      sql`select action, after from identity_audit where entity = 'device' and entity_id = ${String(c1!.id)} order by id`,
    );
    expect(entries.map((e) => e.action).sort()).toEqual(['audited', 'create', 'repaired']);
    const shape = (e: { after: Record<string, unknown> }) =>
      Object.entries(e.after)
        .map(([k, v]) => `${k}:${typeof v}`)
        .sort();
    const single = entries.find((e) => e.action === 'repaired')!;
    for (const e of entries) {
      expect(shape(e)).toEqual(shape(single));
      expect(e.after.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    const after = await state();
    expect(after).toMatchObject({ devices: 300, delivered: 300, audit: 601 });
    expect(after.counted).toBe(after.items);
  });

  it('keeps each caller to their scope, and reports rows outside it', async () => {
    const db = t.database.db;
    const [own] = await rows<{ id: number }>(
      db,
      sql`select id from institutions_institution where code = 'Q-1'`,
    );
    const d = await createUserWithRole(db, 'director', { institutionId: own!.id });
    director = await login(t.app, d.username, d.password);
    const r = await createUserWithRole(db, 'regional', { areaId: (await areaIdByCode(db, 'AZ-XAC'))! });
    regional = await login(t.app, r.username, r.password);

    // A director changes their school's year record and details, but not its master data or other schools.
    const mine = await upload(
      director,
      csv(
        [
          school('Q-1', {
            num_teachers: '33',
            latitude: '41.37',
            school_address: 'Quba, Heydər Əliyev pr. 1',
            school_establishment_year: '1970',
          }),
        ],
        [...HEADER, 'school_address', 'school_establishment_year'],
      ),
    );
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json<Report>()).toMatchObject({ updated: 1 });
    // Giga's facts a director knows of their school are theirs to change too.
    expect(
      await rows<{ address: string; established_year: number }>(
        db,
        sql`select address, established_year from institutions_institution where code = 'Q-1'`,
      ),
    ).toEqual([{ address: 'Quba, Heydər Əliyev pr. 1', established_year: 1970 }]);
    const before = await counts();
    const theirs = await upload(
      director,
      csv([school('Q-1', { school_type: 'other' }), school('Q-2'), school('NEW-1')]),
    );
    expect(theirs.statusCode).toBe(422);
    expect(theirs.json<ErrorBody>().error.details.map((p) => [p.line, p.column, p.reason])).toEqual([
      [2, 'school_type', 'not_editable'],
      [3, 'school_id_govt', 'out_of_scope'],
      [4, 'school_id_govt', 'create_not_allowed'],
    ]);
    expect(await counts()).toEqual(before);
    const export1 = await director.inject({ url: '/api/registry/export/schools?format=csv' });
    expect(export1.body.trim().split('\r\n')).toHaveLength(2);
    expect((await director.inject({ url: `/api/registry/export/schools?areaId=${quba}` })).statusCode).toBe(
      403,
    );

    // A regional officer imports measurements of their area's schools only; schools are not theirs to import.
    expect((await upload(regional, csv([school('Q-1')]))).statusCode).toBe(403);
    const outside = await upload(
      regional,
      'school_id_govt,measured_at,download_speed\r\nQ-1,2026-03-02T09:00:00Z,5\r\n',
      '',
      'measurements',
    );
    expect(outside.json<ErrorBody>().error.details).toMatchObject([
      { line: 2, column: 'school_id_govt', reason: 'out_of_scope' },
    ]);
    const areaExport = await regional.inject({ url: '/api/registry/export/schools' });
    expect(areaExport.body.trim().split('\r\n')).toHaveLength(1);
    expect((await regional.inject({ url: `/api/registry/export/schools?areaId=${quba}` })).statusCode).toBe(
      403,
    );
  });
});
