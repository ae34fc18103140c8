import { parseString } from '@fast-csv/parse';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { academicYears, areas, grades, levels } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';
import { classes, subjectTeachers } from '@/modules/classroom/classroom.tables';
import {
  deviceCounts,
  internetLinks,
  schoolYears,
  studentCounts,
} from '@/modules/infrastructure/infrastructure.tables';
import { externalCertificates } from '@/modules/training/training.tables';
import { ensureSubjects } from '@test/classroom-world';
import type { IndicatorTable } from '@/modules/monitoring/monitoring.schema';

type App = Awaited<ReturnType<typeof createTestApp>>;
type Figure = { value: number | null; numerator: number | null; denominator: number };
type Training = {
  year: { code: string };
  total: { code: string | null; ictTrained: Figure; trainedLast12Months: Figure };
  groups: { code: string | null; ictTrained: Figure; trainedLast12Months: Figure }[];
  breakdowns: {
    dimension: 'sex' | 'isced';
    key: string | null;
    ictTrained: Figure;
    trainedLast12Months: Figure;
  }[];
};
type Row = Record<string, string>;

/** Parses CSV text with a maintained parser (fast-csv), strict about every row having the header's columns. */
function parseCsv(text: string): Promise<{ header: string[]; rows: Row[] }> {
  return new Promise((resolve, reject) => {
    const records: string[][] = [];
    parseString(text, { headers: false, strictColumnHandling: false })
      .on('error', reject)
      .on('data', (r: string[]) => records.push(r))
      .on('end', () => {
        const [header = [], ...data] = records;
        for (const r of data)
          if (r.length !== header.length) reject(new Error(`a row of ${r.length} cells: ${r.join(',')}`));
        resolve({
          header,
          rows: data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))),
        });
      });
  });
}

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const percent = (v: number | null) => (v === null ? '' : String(Math.round(v * 10_000) / 100));
const cell = (v: number | null) => (v === null ? '' : String(v));

const HEADER = [
  'STRUCTURE',
  'STRUCTURE_ID',
  'ACTION',
  'INDICATOR',
  'REF_AREA',
  'EDU_LEVEL',
  'SEX',
  'TIME_PERIOD',
  'OBS_VALUE',
  'UNIT_MEASURE',
  'OBS_STATUS',
  'NUMERATOR',
  'DENOMINATOR',
  'COMMENT_OBS',
];
const INDICATORS = [
  'SDG4A1_ELEC',
  'SDG4A1_INTERNET',
  'SDG4A1_COMP',
  'ED4BIS_LRN_PER_COMP',
  'ED25_LRN_PER_COMP_INT',
  'ED38_TCH_ICT',
  'SDG4C7_TCH_INSERV',
];

/**
 * The SDMX-CSV open data on a small world worked out by hand, two school years (2025-2026, ending in 2026, and
 * the current 2026-2027):
 *
 *   P1  primary (ISCED 1), district D1: grid 8 h; a teaching link pupils use; 4 teaching desktops, 3 working;
 *       100 learners; teachers t1 (female, teaches grade 1) and t2 (male)
 *   P2  primary, district D1: no record this year
 *   B1  basic + secondary (ISCED 2, 3), district D2: grid 24 h; internet for administration only; 10 teaching
 *       desktops, all broken; 300 learners; teachers t3 (female, teaches grade 7) and t4 (sex not known)
 *   t1 holds a verified ICT certificate of 200 days ago, t3 one of 500 days ago.
 *
 *   SDG 4.a.1 (a) electricity, ISCED 1: P1 of P1, P2 → 50 %; ISCED 1–3: P1, B1 of 3 → 66.67 %
 *   ED38 by sex: female t1, t3 both trained → 100 %; male t2 → 0 %; SDG 4.c.7 female: t1 only → 50 %
 */
describe('SDMX-CSV open data', () => {
  let t: App;
  let country: string;
  let region: string;
  const ids = { p1: 0, p2: 0, b1: 0, year: 0 };

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    const tree = await createAreas(db);
    const codeOf = async (id: number) =>
      (await db.select({ code: areas.code }).from(areas).where(eq(areas.id, id)))[0]!.code;
    country = await codeOf(tree.country);
    region = await codeOf(tree.region);
    const level = (code: string, position: number, isced: number) => ({
      code,
      position,
      nameAz: code,
      nameRu: code,
      nameEn: code,
      isced,
    });
    await db.insert(levels).values([level('primary', 1, 1), level('basic', 2, 2), level('secondary', 3, 3)]);
    await db.insert(grades).values([
      { number: 1, levelCode: 'primary' },
      { number: 7, levelCode: 'basic' },
    ]);
    await ensureSubjects(db);
    await db
      .insert(academicYears)
      .values({ code: '2025-2026', startsOn: '2025-09-15', endsOn: '2026-06-15', isCurrent: false });
    const [year] = await db
      .insert(academicYears)
      .values({ code: '2026-2027', startsOn: '2026-09-15', endsOn: '2027-06-15', isCurrent: true })
      .returning();
    const y = (ids.year = year!.id);
    ids.p1 = (await createInstitution(db, tree.district, { levels: ['primary'], shifts: 1 })).id;
    ids.p2 = (await createInstitution(db, tree.district, { levels: ['primary'], shifts: 1 })).id;
    ids.b1 = (
      await createInstitution(db, tree.otherDistrict, { levels: ['basic', 'secondary'], shifts: 1 })
    ).id;
    const record = (institutionId: number, values: Partial<typeof schoolYears.$inferInsert>) => ({
      institutionId,
      academicYearId: y,
      state: 'submitted' as const,
      ...values,
    });
    await db.insert(schoolYears).values([
      record(ids.p1, {
        electricity: true,
        electricitySource: 'grid',
        electricityHours: 8,
        pupilsInternet: true,
        teachers: 2,
        teachersIctTrained: 0,
      }),
      record(ids.b1, {
        electricity: true,
        electricitySource: 'grid',
        electricityHours: 24,
        pupilsInternet: false,
        teachers: 2,
        teachersIctTrained: 0,
      }),
    ]);
    await db.insert(studentCounts).values([
      { institutionId: ids.p1, academicYearId: y, level: 'primary', sex: 'female', shift: 1, students: 100 },
      { institutionId: ids.b1, academicYearId: y, level: 'basic', sex: 'male', shift: 1, students: 300 },
    ]);
    const count = (institutionId: number, total: number, working: number) => ({
      institutionId,
      academicYearId: y,
      kind: 'desktop' as const,
      purpose: 'teaching' as const,
      total,
      working,
      source: 'reported' as const,
    });
    await db.insert(deviceCounts).values([count(ids.p1, 4, 3), count(ids.b1, 10, 0)]);
    const link = (institutionId: number, purpose: 'teaching' | 'administration') => ({
      institutionId,
      academicYearId: y,
      purpose,
      type: 'fibre' as const,
      educationNetwork: false,
      provider: null,
      downloadMbps: 50,
      uploadMbps: null,
    });
    await db.insert(internetLinks).values([link(ids.p1, 'teaching'), link(ids.b1, 'administration')]);

    const teacher = async (name: string, school: number, sex: 'female' | 'male' | null) => {
      const u = await createUserWithRole(db, 'teacher', { institutionId: school }, `sdmx-${name}`);
      await db.update(users).set({ sex }).where(eq(users.id, u.id));
      return u.id;
    };
    const t1 = await teacher('t1', ids.p1, 'female');
    await teacher('t2', ids.p1, 'male');
    const t3 = await teacher('t3', ids.b1, 'female');
    await teacher('t4', ids.b1, null);
    const cls = async (school: number, grade: number) =>
      (
        await db
          .insert(classes)
          .values({ institutionId: school, academicYearId: y, grade, letter: 'A' })
          .returning()
      )[0]!.id;
    await db.insert(subjectTeachers).values([
      { classId: await cls(ids.p1, 1), subjectCode: 'mathematics', teacherId: t1, institutionId: ids.p1 },
      { classId: await cls(ids.b1, 7), subjectCode: 'physics', teacherId: t3, institutionId: ids.b1 },
    ]);
    const certificate = (userId: number, institutionId: number, issuedOn: string) => ({
      userId,
      institutionId,
      kind: 'ecdl' as const,
      title: 'ECDL',
      provider: 'ECDL',
      issuedOn,
      status: 'verified' as const,
    });
    await db
      .insert(externalCertificates)
      .values([certificate(t1, ids.p1, daysAgo(200)), certificate(t3, ids.b1, daysAgo(500))]);
  });
  afterAll(() => t?.close());

  const sdmx = async (query: string, headers: Record<string, string> = {}) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/open/indicators/sdmx${query}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    return { res, ...(await parseCsv(res.body)) };
  };
  const find = (rows: Row[], key: Partial<Row>) => {
    const found = rows.filter((r) => Object.entries(key).every(([k, v]) => r[k] === v));
    expect(found, JSON.stringify(key)).toHaveLength(1);
    return found[0]!;
  };

  it("is an SDMX-CSV 2.0 message in UIS's dimensions, with valid codes and one row per key", async () => {
    const { res, header, rows } = await sdmx('?by=region');
    expect(res.headers['content-type']).toBe('application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('attachment');
    // No byte-order mark: the first bytes are the fixed term STRUCTURE, then the separator.
    expect(res.body.startsWith('STRUCTURE,STRUCTURE_ID,ACTION,')).toBe(true);
    expect(res.body.endsWith('\r\n')).toBe(true);
    expect(header).toEqual(HEADER);
    expect(rows.length).toBeGreaterThan(0);

    const keys = new Set<string>();
    for (const r of rows) {
      expect(r.STRUCTURE).toBe('dataflow');
      expect(r.STRUCTURE_ID).toMatch(/^[A-Za-z0-9_@$-]+:[A-Za-z0-9_@$-]+\(\d+\.\d+\.\d+\)$/);
      expect(r.ACTION).toBe('I');
      expect(INDICATORS).toContain(r.INDICATOR);
      expect([country, region]).toContain(r.REF_AREA);
      expect(r.EDU_LEVEL).toMatch(/^(ISCED11_[0-8]|ISCED11_1T3|_T|_U)$/);
      expect(['F', 'M', '_T', '_U', '_Z']).toContain(r.SEX);
      expect(['2026', '2027']).toContain(r.TIME_PERIOD);
      expect(['PT', 'RATIO']).toContain(r.UNIT_MEASURE);
      expect(r.OBS_STATUS).toBe(r.OBS_VALUE === '' ? 'M' : 'A');
      if (r.OBS_VALUE !== '') expect(Number.isFinite(Number(r.OBS_VALUE))).toBe(true);
      if (r.UNIT_MEASURE === 'PT' && r.OBS_VALUE !== '') {
        expect(Number(r.OBS_VALUE)).toBeGreaterThanOrEqual(0);
        expect(Number(r.OBS_VALUE)).toBeLessThanOrEqual(100);
      }
      // Schools have no sex; learners and teachers do.
      expect(r.SEX === '_Z').toBe(r.INDICATOR!.startsWith('SDG4A1_'));
      const key = [r.INDICATOR, r.REF_AREA, r.EDU_LEVEL, r.SEX, r.TIME_PERIOD].join('.');
      expect(keys.has(key), key).toBe(false);
      keys.add(key);
    }
    // Every indicator, for the country and the region, in both years.
    for (const indicator of INDICATORS)
      for (const area of [country, region])
        for (const period of ['2026', '2027'])
          expect(
            rows.some((r) => r.INDICATOR === indicator && r.REF_AREA === area && r.TIME_PERIOD === period),
          ).toBe(true);
    // SDG 4.a.1 at each of ISCED 1, 2, 3 and over 1–3; teachers by sex F, M and not known.
    const levelsOf = (indicator: string) =>
      [...new Set(rows.filter((r) => r.INDICATOR === indicator).map((r) => r.EDU_LEVEL))].sort();
    expect(levelsOf('SDG4A1_COMP')).toEqual(['ISCED11_1', 'ISCED11_1T3', 'ISCED11_2', 'ISCED11_3']);
    const sexes = rows.filter((r) => r.INDICATOR === 'ED38_TCH_ICT' && r.TIME_PERIOD === '2027');
    expect(new Set(sexes.map((r) => r.SEX))).toEqual(new Set(['_T', 'F', 'M', '_U']));
  });

  it('gives the figures worked out by hand', async () => {
    const { rows } = await sdmx('');
    const at = (indicator: string, level: string, sex: string) =>
      find(rows, {
        INDICATOR: indicator,
        REF_AREA: country,
        EDU_LEVEL: level,
        SEX: sex,
        TIME_PERIOD: '2027',
      });
    expect(at('SDG4A1_ELEC', 'ISCED11_1', '_Z')).toMatchObject({
      OBS_VALUE: '50',
      NUMERATOR: '1',
      DENOMINATOR: '2',
      UNIT_MEASURE: 'PT',
    });
    expect(at('SDG4A1_ELEC', 'ISCED11_1T3', '_Z')).toMatchObject({ OBS_VALUE: '66.67' });
    expect(at('SDG4A1_INTERNET', 'ISCED11_2', '_Z')).toMatchObject({ OBS_VALUE: '0', DENOMINATOR: '1' });
    // 400 learners, 14 teaching computers (ED4bis counts them broken or not).
    expect(at('ED4BIS_LRN_PER_COMP', 'ISCED11_1T3', '_T')).toMatchObject({
      OBS_VALUE: '28.57',
      UNIT_MEASURE: 'RATIO',
      NUMERATOR: '400',
      DENOMINATOR: '14',
    });
    expect(at('ED38_TCH_ICT', '_T', 'F')).toMatchObject({
      OBS_VALUE: '100',
      NUMERATOR: '2',
      DENOMINATOR: '2',
    });
    expect(at('ED38_TCH_ICT', '_T', 'M')).toMatchObject({ OBS_VALUE: '0', DENOMINATOR: '1' });
    expect(at('SDG4C7_TCH_INSERV', '_T', 'F')).toMatchObject({ OBS_VALUE: '50', NUMERATOR: '1' });
    expect(at('ED38_TCH_ICT', 'ISCED11_1', '_T')).toMatchObject({ OBS_VALUE: '100', DENOMINATOR: '1' });
    // Breakdowns are over the teachers the platform knows, and say so; the total is not.
    expect(at('ED38_TCH_ICT', '_T', 'F').COMMENT_OBS).not.toBe('');
    expect(at('ED38_TCH_ICT', '_T', '_T').COMMENT_OBS).toBe('');
    // The year before has no records: no school at the level, nothing to divide by.
    const before = find(rows, {
      INDICATOR: 'ED4BIS_LRN_PER_COMP',
      REF_AREA: country,
      TIME_PERIOD: '2026',
    });
    expect(before).toMatchObject({ OBS_VALUE: '', OBS_STATUS: 'M', DENOMINATOR: '0' });
  });

  it('holds the same figures as the JSON open data, in every year, for the country and its regions', async () => {
    const { rows } = await sdmx('?by=region');
    let compared = 0;
    const check = (key: Row, f: Figure | undefined, unit: 'PT' | 'RATIO') => {
      const r = find(rows, key);
      expect(r.OBS_VALUE, JSON.stringify(key)).toBe(unit === 'PT' ? percent(f!.value) : cell(f!.value));
      expect(r.NUMERATOR).toBe(cell(f!.numerator));
      expect(r.DENOMINATOR).toBe(cell(f!.denominator));
      compared++;
    };
    for (const [code, period] of [
      ['2025-2026', '2026'],
      ['2026-2027', '2027'],
    ] as const) {
      const json = await t.app.inject({ method: 'GET', url: `/api/open/indicators?year=${code}&by=region` });
      expect(json.statusCode, json.body).toBe(200);
      const table = json.json<IndicatorTable>();
      const groups = [{ area: country, g: table.total }, ...table.groups.map((g) => ({ area: g.code!, g }))];
      expect(groups.map((g) => g.area)).toEqual([country, region]);
      for (const { area, g } of groups) {
        for (const [indicator, id] of [
          ['SDG4A1_ELEC', 'electricity'],
          ['SDG4A1_INTERNET', 'internetTeaching'],
          ['SDG4A1_COMP', 'computersTeaching'],
        ] as const) {
          const key = { INDICATOR: indicator, REF_AREA: area, SEX: '_Z', TIME_PERIOD: period };
          check({ ...key, EDU_LEVEL: 'ISCED11_1T3' }, g.indicators[id], 'PT');
          for (const h of [1, 2, 3])
            check({ ...key, EDU_LEVEL: `ISCED11_${h}` }, g.indicators[`${id}.isced${h}`], 'PT');
        }
        const ratio = { REF_AREA: area, EDU_LEVEL: 'ISCED11_1T3', SEX: '_T', TIME_PERIOD: period };
        check({ ...ratio, INDICATOR: 'ED4BIS_LRN_PER_COMP' }, g.indicators.learnersPerComputer, 'RATIO');
        check(
          { ...ratio, INDICATOR: 'ED25_LRN_PER_COMP_INT' },
          g.indicators.learnersPerConnectedComputer,
          'RATIO',
        );
      }

      const tres = await t.app.inject({
        method: 'GET',
        url: `/api/training/open/indicators?year=${code}&by=region`,
      });
      expect(tres.statusCode, tres.body).toBe(200);
      const tr = tres.json<Training>();
      for (const [indicator, field] of [
        ['ED38_TCH_ICT', 'ictTrained'],
        ['SDG4C7_TCH_INSERV', 'trainedLast12Months'],
      ] as const) {
        const key = { INDICATOR: indicator, TIME_PERIOD: period };
        check({ ...key, REF_AREA: country, EDU_LEVEL: '_T', SEX: '_T' }, tr.total[field], 'PT');
        for (const g of tr.groups)
          check({ ...key, REF_AREA: g.code!, EDU_LEVEL: '_T', SEX: '_T' }, g[field], 'PT');
        for (const b of tr.breakdowns) {
          const sex = b.dimension === 'sex' ? ({ female: 'F', male: 'M' }[b.key ?? ''] ?? '_U') : '_T';
          const lvl = b.dimension === 'isced' ? (b.key === null ? '_U' : `ISCED11_${b.key}`) : '_T';
          check({ ...key, REF_AREA: country, EDU_LEVEL: lvl, SEX: sex }, b[field], 'PT');
        }
      }
    }
    // Every row of the file was one of the JSON's figures.
    expect(compared).toBe(rows.length);
  });

  it("shows a change to a school's record at once", async () => {
    const key = {
      INDICATOR: 'SDG4A1_ELEC',
      REF_AREA: country,
      EDU_LEVEL: 'ISCED11_1',
      SEX: '_Z',
      TIME_PERIOD: '2027',
    };
    expect(find((await sdmx('')).rows, key).OBS_VALUE).toBe('50');
    await t.database.db.insert(schoolYears).values({
      institutionId: ids.p2,
      academicYearId: ids.year,
      state: 'submitted',
      electricity: true,
      electricitySource: 'solar',
      electricityHours: 10,
    });
    expect(find((await sdmx('')).rows, key)).toMatchObject({ OBS_VALUE: '100', NUMERATOR: '2' });
  });

  it("names codes in the caller's language with labels=name or both, asked in the query or in Accept", async () => {
    const both = await sdmx('?labels=both', { 'accept-language': 'ru' });
    expect(both.res.headers['content-language']).toBe('ru');
    expect(both.header).toContain('SEX: Пол');
    expect(both.header.slice(0, 3)).toEqual(['STRUCTURE', 'STRUCTURE_ID', 'ACTION']);
    const female = both.rows.find((r) => r['SEX: Пол'] === 'F: Женщины');
    expect(female?.['STRUCTURE_ID']).toMatch(/^MAKTAB:DF_ICT_EDU\(1\.0\.0\): ИКТ в образовании/);
    expect(female?.['EDU_LEVEL: Уровень образования']).toBe('_T: Все уровни образования');

    const name = await sdmx('', {
      accept: 'application/vnd.sdmx.data+csv; version=2.0.0; labels=name',
      'accept-language': 'az',
    });
    expect(name.header.slice(0, 6)).toEqual([
      'STRUCTURE',
      'STRUCTURE_ID',
      'STRUCTURE_NAME',
      'ACTION',
      'INDICATOR',
      'Göstərici',
    ]);
    const row = name.rows.find((r) => r.INDICATOR === 'SDG4A1_COMP')!;
    expect(row['Göstərici']).toContain('DİM 4.a.1 c');
    expect(row['Ərazi']).toBe('AZ');
    // A link of the web app says the reader's language, whatever the browser's.
    const en = await sdmx('?labels=both&lang=en', { 'accept-language': 'ru' });
    expect(en.res.headers['content-language']).toBe('en');
    expect(en.header).toContain('SEX: Sex');
    // Codes do not change with the language.
    const ids = (await sdmx('')).rows.map((r) => r.INDICATOR);
    expect(name.rows.map((r) => r.INDICATOR)).toEqual(ids);
  });

  it('gives one year when asked, refuses an unknown year with 404 and garbage with 400', async () => {
    const { rows } = await sdmx('?year=2025-2026');
    expect(new Set(rows.map((r) => r.TIME_PERIOD))).toEqual(new Set(['2026']));
    const unknown = await t.app.inject({ method: 'GET', url: '/api/open/indicators/sdmx?year=1999-2000' });
    expect(unknown.statusCode).toBe(404);
    for (const q of ['?labels=xml', '?by=district', '?year=%00', '?extra=1', '?lang=fr']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/open/indicators/sdmx${q}` });
      expect(res.statusCode, q).toBe(400);
    }
  });

  it("describes the structure's components and codes in the caller's language", async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/open/indicators/sdmx/structure',
      headers: { 'accept-language': 'en' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json<{
      structureId: string;
      components: { id: string; role: string; name: string; codes: { id: string; name: string }[] }[];
    }>();
    expect(s.structureId).toBe('MAKTAB:DF_ICT_EDU(1.0.0)');
    expect(s.components.map((c) => c.id)).toEqual(HEADER.slice(3));
    const codes = (id: string) => s.components.find((c) => c.id === id)!.codes;
    expect(codes('INDICATOR').map((c) => c.id)).toEqual(INDICATORS);
    expect(codes('SEX')).toContainEqual({ id: 'F', name: 'Female' });
    expect(codes('REF_AREA').map((c) => c.id)).toEqual([country, region]);
  });
});
