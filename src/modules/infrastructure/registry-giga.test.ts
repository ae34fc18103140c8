import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '@/server/db/database';
import { createTestApp, login, type Session } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { areaIdByCode, loadCountryPackFrom } from '@/modules/institutions/country-pack';
import { XLSX_TYPE } from '@/modules/infrastructure/registry-import.files';
import { GIGA_MASTER_COLUMNS, GIGA_UPLOAD_COLUMNS } from '@/modules/infrastructure/registry-export.service';

type App = Awaited<ReturnType<typeof createTestApp>>;

interface Report {
  valid: boolean;
  giga: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  problems: { line: number; column: string; reason: string }[];
  warnings: { line: number; column: string; reason: string; message: string }[];
}

/**
 * A file as Giga writes it: the columns of its upload schema in its vocabulary (fiber, electrical grid,
 * diesel generator, p2mp wireless, charitable), schools located by admin1/admin2 names, Giga's own id, and
 * a column of Giga's master schema that the registry does not keep, and Giga's ids of the region and the
 * district (given on one row, the district's alone on the other).
 */
const GIGA_FILE = [
  [
    'school_id_giga',
    ...GIGA_UPLOAD_COLUMNS,
    'admin1',
    'admin2',
    'admin1_id_giga',
    'admin2_id_giga',
    'cellular_coverage_type',
  ],
  [
    'a1b2c3d4-0001',
    'GIGA-1',
    'Quba 1 nömrəli tam orta məktəb',
    'primary;basic;secondary',
    '41.36',
    '48.51',
    'EMIS',
    'public',
    '1975',
    'yes',
    'urban',
    'Heydər Əliyev pr. 10 Quba',
    'yes',
    '12.5',
    '20',
    'fiber',
    '2025',
    'yes',
    'electrical grid',
    'yes',
    '15',
    '40',
    'yes',
    '600',
    '45',
    '6',
    '24',
    'yes',
    '8',
    'Ministry of Science and Education',
    '2025',
    'in-person',
    'no',
    'yes',
    '3',
    '290',
    '310',
    '0',
    'Guba-Khachmaz Economic Region',
    'Guba District',
    'AZE-R-07',
    'AZE-D-0412',
    '4G',
  ],
  [
    '',
    'GIGA-2',
    'Qımıl kənd ibtidai məktəbi',
    'primary',
    '41.30',
    '48.40',
    'EMIS',
    'charitable',
    '1990',
    'no',
    'rural',
    '',
    'yes',
    '',
    '4',
    'p2mp wireless',
    '',
    'yes',
    'diesel generator',
    'no',
    '0',
    '5',
    'no',
    '40',
    '6',
    '',
    '4',
    'no',
    '2',
    '',
    '',
    'other',
    '',
    'no',
    '',
    '',
    '',
    '',
    'Quba-Xaçmaz iqtisadi rayonu',
    'Quba rayonu',
    '',
    'AZE-D-0412',
    '3G',
  ],
];
const csvOf = (table: string[][]) =>
  table.map((r) => r.map((v) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\r\n') +
  '\r\n';

describe('Giga both ways', () => {
  let t: App;
  let bureau: Session;
  let regionCode = '';

  const upload = (body: string | Buffer, type = 'text/csv', query = '') =>
    bureau.inject({
      method: 'POST',
      url: `/api/registry/import/schools${query}`,
      payload: body,
      headers: { 'content-type': type },
    });
  const exported = async (schema: string, format = 'csv') => {
    const res = await bureau.inject({
      method: 'GET',
      url: `/api/registry/export/schools?schema=${schema}&format=${format}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.rawPayload;
  };
  /** Everything the registry holds of the two schools: their master records, year records and links. */
  const registry = async () =>
    rows<{ school: Record<string, unknown>; year: Record<string, unknown> | null; links: number }>(
      t.database.db,
      sql`select to_jsonb(i) as school, to_jsonb(y) as year,
            (select count(*) from infrastructure_internet_link l where l.institution_id = i.id)::int as links
          from institutions_institution i
          left join infrastructure_school_year y on y.institution_id = i.id
          where i.code like 'GIGA-%' order by i.code`,
    );

  /** Giga's ids kept on the areas, by area code. */
  const areaGigaIds = async () =>
    Object.fromEntries(
      (
        await rows<{ code: string; giga_id: string }>(
          t.database.db,
          sql`select code, giga_id from institutions_area where giga_id is not null order by code`,
        )
      ).map((a) => [a.code, a.giga_id]),
    );

  beforeAll(async () => {
    t = await createTestApp();
    await loadCountryPackFrom(t.database.db);
    const b = await createUserWithRole(t.database.db, 'bureau');
    bureau = await login(t.app, b.username, b.password);
    const [region] = await rows<{ code: string }>(
      t.database.db,
      sql`select p.code from institutions_area a join institutions_area p on p.id = a.parent_id
          where a.code = 'AZ-QBA'`,
    );
    regionCode = region!.code;
  });
  afterAll(async () => t?.close());

  it("imports a file in Giga's columns and vocabulary, keeping Giga's meaning apart from ours", async () => {
    const res = await upload(csvOf(GIGA_FILE));
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<Report>();
    expect(report).toMatchObject({ valid: true, giga: true, rows: 2, created: 2 });
    // The column the registry does not keep is reported, in the caller's language, and does not stop it.
    expect(report.warnings).toEqual([
      expect.objectContaining({ line: 1, column: 'cellular_coverage_type', reason: 'unknown_column' }),
    ]);

    const [one, two] = await registry();
    const quba = await areaIdByCode(t.database.db, 'AZ-QBA');
    expect(one!.school).toMatchObject({
      code: 'GIGA-1',
      giga_id: 'a1b2c3d4-0001',
      code_type: 'EMIS',
      kind: 'general_school',
      area_id: quba,
      ownership: 'public',
      locality: 'urban',
      status: 'active',
      levels: ['primary', 'basic', 'secondary'],
      established_year: 1975,
      address: 'Heydər Əliyev pr. 10 Quba',
      refugee_camp: false,
      data_source: 'Ministry of Science and Education',
      data_collection_year: 2025,
      data_collection_modality: 'in-person',
      student_count: 600,
    });
    expect(one!.year).toMatchObject({
      // Giga's connectivity and computers are any use: kept apart, never as a teaching link or count.
      connectivity_any: true,
      connectivity_any_type: 'fibre',
      download_contracted_any: 20,
      download_speed_govt: 12.5,
      connectivity_collection_year: 2025,
      computers_any: 15,
      computers_desired: 40,
      has_computer_lab: true,
      electricity: true,
      electricity_source: 'grid',
      teachers: 45,
      adm_personnel: 6,
      classrooms: 24,
      water: true,
      latrines: 8,
      refugee_pupils: true,
      refugee_students: 3,
      students_girls: 290,
      students_boys: 310,
      students_other: 0,
    });
    expect(one!.links).toBe(0);
    // Giga's ids of the district and of its region, kept on our areas.
    expect(await areaGigaIds()).toEqual({ 'AZ-QBA': 'AZE-D-0412', [regionCode]: 'AZE-R-07' });
    expect(two!.school).toMatchObject({
      code: 'GIGA-2',
      giga_id: null,
      area_id: quba,
      ownership: 'private',
      status: 'closed',
      data_collection_modality: 'other',
    });
    expect(two!.year).toMatchObject({
      electricity_source: 'generator',
      connectivity_any_type: 'p2mp_wireless',
      computers_any: 0,
      water: false,
    });
  });

  it("exports in Giga's upload and master schemas, and each re-imports to an equal registry", async () => {
    const saved = await registry();
    const savedIds = await areaGigaIds();
    expect(Object.keys(savedIds)).toHaveLength(2);

    const upload1 = (await exported('giga_upload')).toString('utf8').replace(/^\uFEFF/, '');
    const [head, first] = upload1.split(/\r?\n/);
    expect(head).toBe(GIGA_UPLOAD_COLUMNS.join(','));
    const cells = Object.fromEntries(GIGA_UPLOAD_COLUMNS.map((c, i) => [c, first!.split(',')[i]]));
    expect(cells).toMatchObject({
      school_id_govt: 'GIGA-1',
      connectivity_type_govt: 'fiber',
      electricity_type: 'electrical grid',
      is_school_open: 'yes',
      computer_availability: 'yes',
      num_computers: '15',
    });
    const again = await upload(upload1);
    expect(again.json<Report>()).toMatchObject({ valid: true, giga: true, unchanged: 2, updated: 0 });
    expect(await registry()).toEqual(saved);
    expect(await areaGigaIds()).toEqual(savedIds);

    const master = (await exported('giga_master')).toString('utf8').replace(/^\uFEFF/, '');
    const [mhead, mfirst] = master.split(/\r?\n/);
    expect(mhead).toBe(GIGA_MASTER_COLUMNS.join(','));
    const m = Object.fromEntries(GIGA_MASTER_COLUMNS.map((c, i) => [c, mfirst!.split(',')[i]]));
    expect(m).toMatchObject({
      school_id_giga: 'a1b2c3d4-0001',
      education_level: 'Primary and Secondary',
      admin2: 'Quba rayonu',
      admin1_id_giga: 'AZE-R-07',
      admin2_id_giga: 'AZE-D-0412',
    });
    // The ids come back from the master file itself: the registry forgets them before it is imported.
    await t.database.db.execute(sql`update institutions_area set giga_id = null`);
    const fromMaster = await upload(master);
    // Giga's computed columns (coverage, distances, timestamps) are not the registry's: warned, ignored.
    expect(fromMaster.json<Report>()).toMatchObject({ valid: true, giga: true, unchanged: 2, updated: 0 });
    expect(fromMaster.json<Report>().warnings.map((w) => w.column)).toContain('education_level');
    expect(await registry()).toEqual(saved);
    expect(await areaGigaIds()).toEqual(savedIds);

    const workbook = await exported('giga_upload', 'xlsx');
    const fromXlsx = await upload(workbook, XLSX_TYPE);
    expect(fromXlsx.json<Report>()).toMatchObject({ valid: true, giga: true, unchanged: 2 });
    expect(await registry()).toEqual(saved);
    expect(await areaGigaIds()).toEqual(savedIds);

    // Our own export carries the same facts in our columns, and imports back unchanged too.
    const ours = await exported('maktab');
    await t.database.db.execute(sql`update institutions_area set giga_id = null`);
    const back = await upload(ours);
    expect(back.json<Report>()).toMatchObject({ valid: true, giga: false, unchanged: 2, updated: 0 });
    expect(await registry()).toEqual(saved);
    expect(await areaGigaIds()).toEqual(savedIds);
  });

  it('refuses a new school whose ownership or place the Giga file does not give, naming the column', async () => {
    const file = csvOf([
      ['school_id_govt', 'school_name', 'education_level_govt', 'latitude', 'longitude', 'admin2'],
      ['GIGA-3', 'Yeni məktəb', 'primary', '41.3', '48.5', 'Nowhere'],
    ]);
    const res = await upload(file);
    expect(res.statusCode).toBe(422);
    const reasons = res
      .json<{ error: { details: { column: string; reason: string }[] } }>()
      .error.details.map((d) => [d.column, d.reason]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        ['admin2', 'unknown_area_name'],
        ['school_funding_type', 'required'],
        ['school_area_type', 'required'],
      ]),
    );
    expect(
      await rows(t.database.db, sql`select 1 from institutions_institution where code = 'GIGA-3'`),
    ).toEqual([]);
  });

  it("publishes the schools as open data in Giga's master schema, to anyone", async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/open/schools/giga?area=AZ-QBA' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const [head, ...lines] = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(head).toBe(GIGA_MASTER_COLUMNS.join(','));
    const one = lines.map((l) => l.split(',')).find((c) => c[1] === 'GIGA-1');
    expect(one?.[0]).toBe('a1b2c3d4-0001');
    expect(one?.[GIGA_MASTER_COLUMNS.indexOf('admin1_id_giga')]).toBe('AZE-R-07');
    expect(one?.[GIGA_MASTER_COLUMNS.indexOf('admin2_id_giga')]).toBe('AZE-D-0412');
    // No counts of people in open data, as in the rest of it.
    expect(one?.[GIGA_MASTER_COLUMNS.indexOf('num_students')]).toBe('');
    expect(one?.[GIGA_MASTER_COLUMNS.indexOf('num_classrooms')]).toBe('24');
    const unknown = await t.app.inject({ method: 'GET', url: '/api/open/schools/giga?area=NOWHERE' });
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses, at its line and column, one area given two Giga ids or one Giga id given two areas', async () => {
    const head = [
      'school_id_govt',
      'school_name',
      'education_level_govt',
      'admin2',
      'admin1_id_giga',
      'admin2_id_giga',
    ];
    const refused = async (table: string[][]) => {
      const res = await upload(csvOf([head, ...table]));
      expect(res.statusCode, res.body).toBe(422);
      return res
        .json<{ error: { details: { line: number; column: string; reason: string }[] } }>()
        .error.details.map((d) => [d.line, d.column, d.reason]);
    };
    const before = await areaGigaIds();
    // Quba's id differs between two rows.
    expect(
      await refused([
        [
          'GIGA-1',
          'Quba 1 nömrəli tam orta məktəb',
          'primary;basic;secondary',
          'Quba rayonu',
          '',
          'AZE-D-0412',
        ],
        ['GIGA-2', 'Qımıl kənd ibtidai məktəbi', 'primary', 'Quba rayonu', '', 'AZE-D-9999'],
      ]),
    ).toEqual([[3, 'admin2_id_giga', 'giga_id_twice']]);
    // One id for Quba and for its region.
    expect(
      await refused([
        [
          'GIGA-1',
          'Quba 1 nömrəli tam orta məktəb',
          'primary;basic;secondary',
          'Quba rayonu',
          'AZE-D-0412',
          'AZE-D-0412',
        ],
      ]),
    ).toEqual([[2, 'admin1_id_giga', 'giga_id_two_areas']]);
    // Quba's id, already kept, given to Qusar (the school moves there).
    expect(
      await refused([['GIGA-2', 'Qımıl kənd ibtidai məktəbi', 'primary', 'Qusar rayonu', '', 'AZE-D-0412']]),
    ).toEqual([[2, 'admin2_id_giga', 'giga_id_taken']]);
    expect(await areaGigaIds()).toEqual(before);
    // Given Quba another id in the same file, Qusar may take Quba's old one.
    const swapped = await upload(
      csvOf([
        head,
        [
          'GIGA-1',
          'Quba 1 nömrəli tam orta məktəb',
          'primary;basic;secondary',
          'Quba rayonu',
          '',
          'AZE-D-0413',
        ],
        ['GIGA-2', 'Qımıl kənd ibtidai məktəbi', 'primary', 'Qusar rayonu', '', 'AZE-D-0412'],
      ]),
    );
    expect(swapped.statusCode, swapped.body).toBe(200);
    expect(await areaGigaIds()).toEqual({ ...before, 'AZ-QBA': 'AZE-D-0413', 'AZ-QUS': 'AZE-D-0412' });
  });

  it("answers 422, not a file, for Giga's columns of a data set other than schools", async () => {
    const res = await bureau.inject({
      method: 'GET',
      url: '/api/registry/export/devices?schema=giga_upload',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('export_giga_schools_only');
  });
});
