import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { academicYears, levels } from '@/modules/institutions/institutions.tables';
import {
  deviceCounts,
  internetLinks,
  schoolYears,
  studentCounts,
} from '@/modules/infrastructure/infrastructure.tables';
import type { IndicatorTable } from '@/modules/monitoring/monitoring.schema';

type App = Awaited<ReturnType<typeof createTestApp>>;

/**
 * SDG 4.a.1 (a), (b), (c) worked out by hand from UIS's definitions (quoted in docs/indicators.md): "the
 * percentage of schools by level of education (primary, lower secondary and upper secondary education) with
 * access to the given facility or service", of all schools at that level. Levels primary, basic and
 * secondary are ISCED 1, 2 and 3; preschool is ISCED 0.
 *
 *   P1  primary (1), 1 shift: grid 8 h; a teaching link pupils use; 4 teaching desktops, 3 working
 *   P2  primary (1): no record this year
 *   P3  primary + basic (1, 2), 1 shift, saved through the registry: a generator 3 h only (not regular);
 *       a teaching link pupils use; 6 laptops shared between teaching and administration, all working
 *   B1  basic + secondary (2, 3), 1 shift: grid 24 h; internet for administration only (pupils: no);
 *       10 teaching desktops, all broken; 2 administration desktops, working
 *   S1  secondary (3): no record this year
 *   S2  secondary (3), 1 shift: electricity "yes" without hours (not known to be regular); a teaching link,
 *       pupils' access not answered; 20 teaching tablets, working
 *   K1  a kindergarten, preschool (ISCED 0): everything, but not a school SDG 4.a.1 counts
 *
 *   level    schools          (a) electricity   (b) internet   (c) computers   no record
 *   ISCED 1  P1 P2 P3         P1       1/3      P1 P3   2/3    P1 P3    2/3    P2    1/3
 *   ISCED 2  P3 B1            B1       1/2      P3      1/2    P3       1/2          0/2
 *   ISCED 3  B1 S1 S2         B1       1/3              0/3    S2       1/3    S1    1/3
 *   all      P1 P2 P3 B1 S1 S2 P1 B1   2/6      P1 P3   2/6    P1 P3 S2 3/6    P2 S1 2/6
 */
describe('SDG 4.a.1 as UIS defines it', () => {
  let t: App;
  let bureau: Session;
  const ids = { year: 0, p1: 0, p2: 0, p3: 0, b1: 0, s1: 0, s2: 0, k1: 0 };

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    const tree = await createAreas(db);
    const level = (code: string, position: number, isced: number) => ({
      code,
      position,
      nameAz: code,
      nameRu: code,
      nameEn: code,
      isced,
    });
    await db
      .insert(levels)
      .values([
        level('preschool', 0, 0),
        level('primary', 1, 1),
        level('basic', 2, 2),
        level('secondary', 3, 3),
      ]);
    const [year] = await db
      .insert(academicYears)
      .values({ code: '2026-2027', startsOn: '2026-09-15', endsOn: '2027-06-15', isCurrent: true })
      .returning();
    const y = (ids.year = year!.id);
    const school = (
      levelCodes: string[],
      shifts = 1,
      kind: 'general_school' | 'kindergarten' = 'general_school',
    ) => createInstitution(db, tree.district, { levels: levelCodes, shifts, kind });
    ids.p1 = (await school(['primary'])).id;
    ids.p2 = (await school(['primary'])).id;
    ids.p3 = (await school(['primary', 'basic'])).id;
    ids.b1 = (await school(['basic', 'secondary'])).id;
    ids.s1 = (await school(['secondary'], 2)).id;
    ids.s2 = (await school(['secondary'])).id;
    ids.k1 = (await school(['preschool'], 1, 'kindergarten')).id;

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
      }),
      record(ids.b1, {
        electricity: true,
        electricitySource: 'grid',
        electricityHours: 24,
        pupilsInternet: false,
      }),
      record(ids.s2, {
        electricity: true,
        electricitySource: 'grid',
        electricityHours: null,
        pupilsInternet: null,
      }),
      record(ids.k1, {
        electricity: true,
        electricitySource: 'grid',
        electricityHours: 24,
        pupilsInternet: true,
      }),
    ]);
    const students = (institutionId: number, level: string, n: number) => ({
      institutionId,
      academicYearId: y,
      level,
      sex: 'female' as const,
      shift: 1,
      students: n,
    });
    await db
      .insert(studentCounts)
      .values([
        students(ids.p1, 'primary', 100),
        students(ids.b1, 'basic', 300),
        students(ids.s2, 'secondary', 150),
        students(ids.k1, 'preschool', 40),
      ]);
    const count = (
      institutionId: number,
      kind: 'desktop' | 'laptop' | 'tablet',
      purpose: 'teaching' | 'administration' | 'both',
      total: number,
      working: number,
    ) => ({ institutionId, academicYearId: y, kind, purpose, total, working, source: 'reported' as const });
    await db
      .insert(deviceCounts)
      .values([
        count(ids.p1, 'desktop', 'teaching', 4, 3),
        count(ids.b1, 'desktop', 'teaching', 10, 0),
        count(ids.b1, 'desktop', 'administration', 2, 2),
        count(ids.s2, 'tablet', 'teaching', 20, 20),
        count(ids.k1, 'tablet', 'teaching', 5, 5),
      ]);
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
    await db
      .insert(internetLinks)
      .values([
        link(ids.p1, 'teaching'),
        link(ids.b1, 'administration'),
        link(ids.s2, 'teaching'),
        link(ids.k1, 'teaching'),
      ]);

    const user = await createUserWithRole(db, 'bureau');
    bureau = await login(t.app, user.username, user.password);
    // P3's record goes through the registry, as a school would send it.
    const saved = await saveAsRead(bureau, {
      url: `/api/institutions/${ids.p3}/registry/${y}`,
      payload: {
        teachers: 12,
        teachersIctTrained: 3,
        classrooms: 8,
        hasComputerLab: true,
        electricity: true,
        electricitySource: 'generator',
        electricityHours: 3,
        pupilsInternet: true,
        students: [
          { level: 'primary', sex: 'male', shift: 1, students: 120 },
          { level: 'basic', sex: 'male', shift: 1, students: 80 },
        ],
        links: [
          {
            purpose: 'teaching',
            type: 'cellular',
            educationNetwork: false,
            provider: null,
            downloadMbps: 10,
            uploadMbps: null,
          },
        ],
        deviceCounts: [{ kind: 'laptop', purpose: 'both', total: 6, working: 6 }],
        participations: [],
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json<{ pupilsInternet: boolean | null }>().pupilsInternet).toBe(true);
  });
  afterAll(() => t?.close());

  const figures = async (query = '') => {
    const res = await bureau.inject({ method: 'GET', url: `/api/monitoring/indicators${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<IndicatorTable>().total.indicators;
  };
  const part = (numerator: number, denominator: number) => ({
    value: Math.round((numerator / denominator) * 10_000) / 10_000,
    numerator,
    denominator,
  });

  it('divides by every school at the level, and counts a school with no record as without', async () => {
    const f = await figures();
    // ISCED 1: P1, P2, P3.
    expect(f['electricity.isced1']).toEqual(part(1, 3));
    expect(f['internetTeaching.isced1']).toEqual(part(2, 3));
    expect(f['computersTeaching.isced1']).toEqual(part(2, 3));
    expect(f['noRecord.isced1']).toEqual(part(1, 3));
    // ISCED 2: P3, B1.
    expect(f['electricity.isced2']).toEqual(part(1, 2));
    expect(f['internetTeaching.isced2']).toEqual(part(1, 2));
    expect(f['computersTeaching.isced2']).toEqual(part(1, 2));
    expect(f['noRecord.isced2']).toEqual(part(0, 2));
    // ISCED 3: B1, S1, S2.
    expect(f['electricity.isced3']).toEqual(part(1, 3));
    expect(f['internetTeaching.isced3']).toEqual(part(0, 3));
    expect(f['computersTeaching.isced3']).toEqual(part(1, 3));
    expect(f['noRecord.isced3']).toEqual(part(1, 3));
    // Any of ISCED 1–3, each school once: the kindergarten is in none of them.
    expect(f.electricity).toEqual(part(2, 6));
    expect(f.internetTeaching).toEqual(part(2, 6));
    expect(f.computersTeaching).toEqual(part(3, 6));
    expect(f.noRecord).toEqual(part(2, 6));
  });

  it('counts shared computers for teaching in the learner–computer ratios, and only working ones per shift', async () => {
    const f = await figures();
    // ED4bis: learners of ISCED 1–3 schools (P1 100, P3 200, B1 300, S2 150) over their computers for
    // teaching or shared, working or not (P1 4, P3 6 shared, B1 10 broken, S2 20): 750 / 40.
    expect(f.learnersPerComputer).toEqual({ value: 18.75, numerator: 750, denominator: 40 });
    // Working ones only (P1 3, P3 6, S2 20): 750 / 29.
    expect(f.learnersPerComputerShift).toEqual({ value: 25.86, numerator: 750, denominator: 29 });
    // Close to ED25: schools with a teaching link (P1, P3, S2): 450 / 30.
    expect(f.learnersPerConnectedComputer).toEqual({ value: 15, numerator: 450, denominator: 30 });
  });

  it('follows a change of the record: P3 runs on the grid all day, B1’s computers are repaired', async () => {
    const db = t.database.db;
    const read = await bureau.inject({
      method: 'GET',
      url: `/api/institutions/${ids.p3}/registry/${ids.year}`,
    });
    const p3 = read.json<Record<string, unknown> & { version: number }>();
    const res = await bureau.inject({
      method: 'PUT',
      url: `/api/institutions/${ids.p3}/registry/${ids.year}`,
      payload: {
        version: p3.version,
        teachers: 12,
        teachersIctTrained: 3,
        classrooms: 8,
        hasComputerLab: true,
        electricity: true,
        electricitySource: 'grid',
        electricityHours: 10,
        pupilsInternet: true,
        students: p3.students,
        links: p3.links,
        deviceCounts: p3.deviceCounts,
        participations: [],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    await db
      .update(deviceCounts)
      .set({ working: 10 })
      .where(sql`institution_id = ${ids.b1} and purpose = 'teaching'`);
    const f = await figures();
    // (a) P3 now counts at ISCED 1 and 2; (c) B1 at ISCED 2 and 3.
    expect(f['electricity.isced1']).toEqual(part(2, 3));
    expect(f['electricity.isced2']).toEqual(part(2, 2));
    expect(f['computersTeaching.isced2']).toEqual(part(2, 2));
    expect(f['computersTeaching.isced3']).toEqual(part(2, 3));
    expect(f.electricity).toEqual(part(3, 6));
    expect(f.computersTeaching).toEqual(part(4, 6));
  });

  it('names every part in the caller’s language', async () => {
    for (const [locale, name] of [
      ['az', 'Müntəzəm elektriki olan məktəblər, ibtidai (ISCED 1) (DİM 4.a.1 a)'],
      ['ru', 'Школы с регулярным электроснабжением, начальное (МСКО 1) (ЦУР 4.a.1 a)'],
      ['en', 'Schools with regular electricity, primary (ISCED 1) (SDG 4.a.1 a)'],
    ] as const) {
      // Open data, signed out: the language the request asks for.
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/open/indicators',
        headers: { 'accept-language': locale },
      });
      const definition = res.json<IndicatorTable>().definitions.find((d) => d.id === 'electricity.isced1');
      expect(definition).toMatchObject({ kind: 'share', name, source: 'UNESCO UIS, SDG 4.a.1 metadata' });
    }
  });
});
