import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { academicYears, areas, levels } from '@/modules/institutions/institutions.tables';
import {
  deviceCounts,
  deviceEvents,
  devices,
  internetLinks,
  measurements,
  participations,
  projects,
  schoolYears,
  studentCounts,
} from '@/modules/infrastructure/infrastructure.tables';
import type {
  IndicatorTable,
  OpenSchoolList,
  SchoolDetail,
  SchoolList,
  SchoolMap,
  Trends,
} from '@/modules/monitoring/monitoring.schema';

type App = Awaited<ReturnType<typeof createTestApp>>;
interface ErrorBody {
  error: { code: string; details?: { field: string; reason: string }[] };
}
const list4Code = (list: SchoolList, id: number) => list.items.find((s) => s.institutionId === id)!.code;

/**
 * Indicators on a small hand-built country, every expected figure worked out by hand below.
 *
 * One region R with districts D1 and D2. The current year is 2026-2027; 2025-2026 before it. Levels primary,
 * basic and secondary are ISCED 1, 2 and 3.
 *
 *   A  D1 urban  public   primary+basic+secondary, 2 shifts, record verified, saved 10 days ago
 *      teachers 40 (30 ICT-trained), classrooms 20, computer lab, electricity from the grid 24 h
 *      students: primary 100 f + 100 m in shift 1, basic 25 f + 25 m in shift 2 → 250; largest shift 200
 *      devices: teaching desktops 8 (6 working), teaching laptops 2 (2), teaching projectors 2 (1),
 *               administration desktop 1 (1) → 10 teaching computers, 8 working; 13 devices, 10 working
 *      links: teaching fibre on the education network, 100 Mbit/s; administration xDSL, 8 Mbit/s; pupils use it
 *      projects: e-journal
 *      measured: week of 5 Oct 10, 12; latest week (12 Oct) 30, 50, 10 → median 30 → good (benchmark 20)
 *      items: a laptop past its end of life, a laptop within it, a disposed desktop (left out), a
 *             projector without history (counted, no end of life) → 3 items, 1 past end of life
 *   B  D1 rural  public   primary, 1 shift, record submitted, saved 20 days ago
 *      teachers 10 (4), classrooms 5, no lab, electricity from a generator 8 h
 *      students: primary 30 f + 20 m → 50; devices: teaching tablets 5 (5 working)
 *      links: teaching cellular, not on the network, 10 Mbit/s, pupils use it; measured 5, 6 → median 5.5 → moderate
 *   C  D2 rural  private  primary+basic, record draft, saved 30 days ago, half filled in:
 *      teachers 20, ICT-trained, classrooms and lab not given, no electricity; students 60 + 40 → 100;
 *      no devices, no links, never measured → unknown
 *   D  D2 urban  public   no record this year (one last year); measured 0.5 Mbit/s → bad
 *   E  D1 closed: left out of everything.
 */
describe('monitoring indicators', () => {
  let t: App;
  let bureau: Session;
  let regional: Session;
  let director: Session;
  const ids = { region: 0, d1: 0, d2: 0, a: 0, b: 0, c: 0, d: 0, e: 0, year: 0, lastYear: 0, project: 0 };
  const codes = { d1: '', d2: '' };

  const get = async <T>(session: Session | null, url: string) => {
    const res = session
      ? await session.inject({ method: 'GET', url })
      : await t.app.inject({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<T>();
  };
  const figures = async (url: string, session: Session = bureau) =>
    (await get<IndicatorTable>(session, url)).total.indicators;
  const daysAgo = (days: number) => sql`now() - ${`${days} days 1 hour`}::interval`;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    const tree = await createAreas(db);
    Object.assign(ids, { region: tree.region, d1: tree.district, d2: tree.otherDistrict });
    const named = await db.select({ id: areas.id, code: areas.code }).from(areas);
    codes.d1 = named.find((a) => a.id === ids.d1)!.code;
    codes.d2 = named.find((a) => a.id === ids.d2)!.code;
    await db.insert(levels).values([
      {
        code: 'primary',
        position: 1,
        nameAz: 'İbtidai təhsil',
        nameRu: 'Начальное',
        nameEn: 'Primary',
        isced: 1,
      },
      {
        code: 'basic',
        position: 2,
        nameAz: 'Ümumi orta təhsil',
        nameRu: 'Общее среднее',
        nameEn: 'Basic',
        isced: 2,
      },
      {
        code: 'secondary',
        position: 3,
        nameAz: 'Tam orta təhsil',
        nameRu: 'Полное среднее',
        nameEn: 'Secondary',
        isced: 3,
      },
    ]);
    const [year, lastYear] = await db
      .insert(academicYears)
      .values([
        { code: '2026-2027', startsOn: '2026-09-15', endsOn: '2027-06-15', isCurrent: true },
        { code: '2025-2026', startsOn: '2025-09-15', endsOn: '2026-06-15', isCurrent: false },
      ])
      .returning();
    ids.year = year!.id;
    ids.lastYear = lastYear!.id;
    const [project] = await db
      .insert(projects)
      .values({
        code: 'e-journal',
        nameAz: 'Elektron jurnal',
        nameRu: 'Электронный журнал',
        nameEn: 'E-journal',
      })
      .returning();
    ids.project = project!.id;

    const a = await createInstitution(db, ids.d1, { nameAz: 'Şəki 5 nömrəli məktəb', shifts: 2 });
    const b = await createInstitution(db, ids.d1, { locality: 'rural', levels: ['primary'], shifts: 1 });
    const c = await createInstitution(db, ids.d2, {
      locality: 'rural',
      ownership: 'private',
      levels: ['primary', 'basic'],
      shifts: 1,
    });
    const d = await createInstitution(db, ids.d2, { latitude: 40.5, longitude: 47.1 });
    const e = await createInstitution(db, ids.d1, { status: 'closed' });
    Object.assign(ids, { a: a.id, b: b.id, c: c.id, d: d.id, e: e.id });
    const y = ids.year;

    const record = (institutionId: number, values: Partial<typeof schoolYears.$inferInsert>) => ({
      institutionId,
      academicYearId: y,
      teachers: null,
      teachersIctTrained: null,
      classrooms: null,
      hasComputerLab: null,
      electricity: null,
      electricitySource: null,
      electricityHours: null,
      ...values,
    });
    await db.insert(schoolYears).values([
      record(a.id, {
        teachers: 40,
        teachersIctTrained: 30,
        classrooms: 20,
        hasComputerLab: true,
        electricity: true,
        electricitySource: 'grid',
        electricityHours: 24,
        pupilsInternet: true,
        state: 'verified',
      }),
      record(b.id, {
        teachers: 10,
        teachersIctTrained: 4,
        classrooms: 5,
        hasComputerLab: false,
        electricity: true,
        electricitySource: 'generator',
        electricityHours: 8,
        pupilsInternet: true,
        state: 'submitted',
      }),
      record(c.id, { teachers: 20, electricity: false, state: 'draft' }),
      record(e.id, { teachers: 99, electricity: true, state: 'verified' }),
      {
        ...record(d.id, { teachers: 12, electricity: true, state: 'verified' }),
        academicYearId: ids.lastYear,
      },
    ]);
    for (const [id, days] of [
      [a.id, 10],
      [b.id, 20],
      [c.id, 30],
    ] as const) {
      await db.execute(
        sql`update infrastructure_school_year set updated_at = ${daysAgo(days)} where institution_id = ${id}`,
      );
    }
    const students = (institutionId: number, rows: [string, 'female' | 'male', number, number][], year = y) =>
      rows.map(([level, sex, shift, n]) => ({
        institutionId,
        academicYearId: year,
        level,
        sex,
        shift,
        students: n,
      }));
    await db.insert(studentCounts).values([
      ...students(a.id, [
        ['primary', 'female', 1, 100],
        ['primary', 'male', 1, 100],
        ['basic', 'female', 2, 25],
        ['basic', 'male', 2, 25],
      ]),
      ...students(b.id, [
        ['primary', 'female', 1, 30],
        ['primary', 'male', 1, 20],
      ]),
      ...students(c.id, [
        ['primary', 'female', 1, 60],
        ['basic', 'male', 1, 40],
      ]),
      ...students(e.id, [['primary', 'male', 1, 500]]),
      ...students(d.id, [['primary', 'male', 1, 80]], ids.lastYear),
    ]);
    const count = (
      institutionId: number,
      kind: (typeof deviceCounts.$inferInsert)['kind'],
      purpose: 'teaching' | 'administration',
      total: number,
      working: number,
      year = y,
    ) => ({
      institutionId,
      academicYearId: year,
      kind,
      purpose,
      total,
      working,
      source: 'reported' as const,
    });
    await db
      .insert(deviceCounts)
      .values([
        count(a.id, 'desktop', 'teaching', 8, 6),
        count(a.id, 'laptop', 'teaching', 2, 2),
        count(a.id, 'projector', 'teaching', 2, 1),
        count(a.id, 'desktop', 'administration', 1, 1),
        count(b.id, 'tablet', 'teaching', 5, 5),
        count(e.id, 'desktop', 'teaching', 50, 50),
        count(d.id, 'desktop', 'teaching', 4, 4, ids.lastYear),
      ]);
    const link = (
      institutionId: number,
      purpose: 'teaching' | 'administration',
      type: (typeof internetLinks.$inferInsert)['type'],
      educationNetwork: boolean,
      downloadMbps: number,
    ) => ({
      institutionId,
      academicYearId: y,
      purpose,
      type,
      educationNetwork,
      provider: null,
      downloadMbps,
      uploadMbps: null,
    });
    await db
      .insert(internetLinks)
      .values([
        link(a.id, 'teaching', 'fibre', true, 100),
        link(a.id, 'administration', 'xdsl', false, 8),
        link(b.id, 'teaching', 'cellular', false, 10),
        link(e.id, 'teaching', 'fibre', true, 1000),
      ]);
    await db
      .insert(participations)
      .values({ institutionId: a.id, academicYearId: y, projectId: ids.project });
    const measured = (institutionId: number, at: string, downloadMbps: number) => ({
      institutionId,
      measuredAt: new Date(at),
      downloadMbps,
      source: 'speedtest' as const,
    });
    await db.insert(measurements).values([
      measured(a.id, '2026-10-06T08:00:00Z', 10),
      measured(a.id, '2026-10-06T09:00:00Z', 12),
      measured(a.id, '2026-10-13T08:00:00Z', 30),
      measured(a.id, '2026-10-13T09:00:00Z', 50),
      measured(a.id, '2026-10-14T08:00:00Z', 10),
      // Last year's: counts for 2025-2026 only.
      measured(a.id, '2026-03-10T08:00:00Z', 2),
      measured(b.id, '2026-10-20T08:00:00Z', 5),
      measured(b.id, '2026-10-21T08:00:00Z', 6),
      measured(d.id, '2026-09-01T08:00:00Z', 0.5),
    ]);
    const item = async (
      assetTag: string,
      kind: 'laptop' | 'desktop' | 'projector',
      endOfLifeOn: string | null,
      history: { kind: 'delivered' | 'disposed'; at: string }[],
    ) => {
      const [row] = await db
        .insert(devices)
        .values({
          institutionId: a.id,
          assetTag,
          kind,
          endOfLifeOn,
          status: history.some((h) => h.kind === 'disposed') ? 'disposed' : 'in_use',
        })
        .returning();
      for (const h of history)
        await db
          .insert(deviceEvents)
          .values({ deviceId: row!.id, institutionId: a.id, kind: h.kind, at: new Date(h.at) });
    };
    await item('MT-1', 'laptop', '2020-01-01', [{ kind: 'delivered', at: '2016-01-10T08:00:00Z' }]);
    await item('MT-2', 'laptop', '2035-01-01', [{ kind: 'delivered', at: '2024-01-10T08:00:00Z' }]);
    await item('MT-3', 'desktop', '2020-01-01', [
      { kind: 'delivered', at: '2015-01-10T08:00:00Z' },
      { kind: 'disposed', at: '2025-01-10T08:00:00Z' },
    ]);
    await item('MT-4', 'projector', null, []);

    const users = {
      bureau: await createUserWithRole(db, 'bureau'),
      regional: await createUserWithRole(db, 'regional', { areaId: ids.d1 }),
      director: await createUserWithRole(db, 'director', { institutionId: a.id }),
    };
    bureau = await login(t.app, users.bureau.username, 'password-1');
    regional = await login(t.app, users.regional.username, 'password-1');
    director = await login(t.app, users.director.username, 'password-1');
  });
  afterAll(() => t?.close());

  it('computes SDG 4.a.1 and the learner–computer ratios by hand', async () => {
    const f = await figures('/api/monitoring/indicators');
    // 4 active schools (E is closed), 3 with a record this year (D has none).
    const table = await get<IndicatorTable>(bureau, '/api/monitoring/indicators');
    expect(table.year.code).toBe('2026-2027');
    expect([table.total.schools, table.total.reporting]).toEqual([4, 3]);
    // SDG 4.a.1 divides by every school at ISCED 1–3, with a record or not: A, B, C and D.
    // (a) regular electricity: A (24 h, 2 shifts) and B (8 h, 1 shift) → 2/4.
    expect(f.electricity).toEqual({ value: 0.5, numerator: 2, denominator: 4 });
    // (b) internet for pedagogical purposes: A and B have a teaching link pupils use → 2/4.
    expect(f.internetTeaching).toEqual({ value: 0.5, numerator: 2, denominator: 4 });
    // (c) computers for pedagogical purposes: A (8 working) and B (5) → 2/4.
    expect(f.computersTeaching).toEqual({ value: 0.5, numerator: 2, denominator: 4 });
    // D has no record: counted as without, and said so.
    expect(f.noRecord).toEqual({ value: 0.25, numerator: 1, denominator: 4 });
    // ISCED 3 (complete secondary): A and D; A has everything.
    expect(f['electricity.isced3']).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    // Learners per computer: (250 + 50 + 100) / (10 + 5 + 0) = 400 / 15 = 26.67.
    expect(f.learnersPerComputer).toEqual({ value: 26.67, numerator: 400, denominator: 15 });
    // Largest shift per working computer: (200 + 50 + 100) / (8 + 5 + 0) = 350 / 13 = 26.92.
    expect(f.learnersPerComputerShift).toEqual({ value: 26.92, numerator: 350, denominator: 13 });
    // Per connected computer, schools with a teaching link only (A, B): 300 / 15 = 20.
    expect(f.learnersPerConnectedComputer).toEqual({ value: 20, numerator: 300, denominator: 15 });
  });

  it('computes connectivity: links, network, status against the benchmark, contracted and measured speed', async () => {
    const f = await figures('/api/monitoring/indicators');
    expect(f.connected).toEqual({ value: 0.6667, numerator: 2, denominator: 3 });
    // A has fibre (teaching) and xDSL (administration), B cellular.
    expect(f['connectedBy.fibre']).toEqual({ value: 0.3333, numerator: 1, denominator: 3 });
    expect(f['connectedBy.xdsl']).toEqual({ value: 0.3333, numerator: 1, denominator: 3 });
    expect(f['connectedBy.cellular']).toEqual({ value: 0.3333, numerator: 1, denominator: 3 });
    expect(f['connectedBy.satellite']).toEqual({ value: 0, numerator: 0, denominator: 3 });
    expect(f.educationNetwork).toEqual({ value: 0.3333, numerator: 1, denominator: 3 });
    // Measured this year: A, B and D (a school without a record can still be measured) of 4.
    expect(f.measured).toEqual({ value: 0.75, numerator: 3, denominator: 4 });
    // A's latest week: median of 30, 50, 10 = 30 ≥ 20: good; B 5.5: moderate; D 0.5 < 1: bad; C unknown.
    expect(f.meetingBenchmark).toEqual({ value: 0.3333, numerator: 1, denominator: 3 });
    expect(f['status.good']).toEqual({ value: 0.25, numerator: 1, denominator: 4 });
    expect(f['status.moderate']).toEqual({ value: 0.25, numerator: 1, denominator: 4 });
    expect(f['status.bad']).toEqual({ value: 0.25, numerator: 1, denominator: 4 });
    expect(f['status.unknown']).toEqual({ value: 0.25, numerator: 1, denominator: 4 });
    // Contracted teaching download: A 100 (≥ 20), B 10 → 1 of 3 reporting; median of 100 and 10 = 55.
    expect(f.contractedMeetingBenchmark).toEqual({ value: 0.3333, numerator: 1, denominator: 3 });
    expect(f.downloadContractedMedian).toEqual({ value: 55, numerator: null, denominator: 2 });
    // Measured medians 30, 5.5, 0.5 → 5.5.
    expect(f.downloadMeasuredMedian).toEqual({ value: 5.5, numerator: null, denominator: 3 });
    // Measured against contracted where both are known (A, B): (30 + 5.5) / (100 + 10) = 0.32.
    expect(f.measuredToContracted).toEqual({ value: 0.32, numerator: 35.5, denominator: 110 });
  });

  it('computes devices, teachers, projects and data quality', async () => {
    const f = await figures('/api/monitoring/indicators');
    // Working devices: A 10 of 13, B 5 of 5 → 15 / 18.
    expect(f.devicesWorking).toEqual({ value: 0.8333, numerator: 15, denominator: 18 });
    // Items at their school today: MT-1 (past end of life), MT-2, MT-4; MT-3 was disposed → 1 / 3.
    expect(f.devicesPastEndOfLife).toEqual({ value: 0.3333, numerator: 1, denominator: 3 });
    // ICT-trained teachers, where both numbers are given (A, B): (30 + 4) / (40 + 10) = 0.68.
    expect(f.ictTrainedTeachers).toEqual({ value: 0.68, numerator: 34, denominator: 50 });
    expect(f['project.e-journal']).toEqual({ value: 0.3333, numerator: 1, denominator: 3 });
    expect(f.reporting).toEqual({ value: 0.75, numerator: 3, denominator: 4 });
    expect(f.recordsVerified).toEqual({ value: 0.3333, numerator: 1, denominator: 3 });
    // Fields filled of 9: A 9, B 9, C 5 (teachers, electricity, its details, students, links), D 0 → 23 / 36.
    expect(f.completeness).toEqual({ value: 0.6389, numerator: 23, denominator: 36 });
    // Days since saved: (10 + 20 + 30) / 3 = 20.
    expect(f.freshnessDays).toEqual({ value: 20, numerator: 60, denominator: 3 });
  });

  it('breaks the indicators down by district, area, level, locality and ownership', async () => {
    const byDistrict = await get<IndicatorTable>(bureau, '/api/monitoring/indicators?by=district');
    expect(byDistrict.groups.map((g) => [g.areaId, g.schools, g.reporting])).toEqual([
      [ids.d1, 2, 2],
      [ids.d2, 2, 1],
    ]);
    const [d1, d2] = byDistrict.groups as [IndicatorTable['total'], IndicatorTable['total']];
    // D1 (A, B): both have electricity; (250 + 50) / (10 + 5) = 20 learners per computer.
    expect(d1.indicators.electricity).toEqual({ value: 1, numerator: 2, denominator: 2 });
    expect(d1.indicators.learnersPerComputer).toEqual({ value: 20, numerator: 300, denominator: 15 });
    // D2 (C, D): C has no electricity (D, no record, counts as without) and no computers: 100 learners,
    // nothing to divide by.
    expect(d2.indicators.electricity).toEqual({ value: 0, numerator: 0, denominator: 2 });
    expect(d2.indicators.learnersPerComputer).toEqual({ value: null, numerator: 100, denominator: 0 });
    expect(d2.indicators['status.bad']).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    // The groups add back up to the total.
    expect(d1.indicators.electricity!.numerator! + d2.indicators.electricity!.numerator!).toBe(
      byDistrict.total.indicators.electricity!.numerator,
    );
    // By region: one region holding all four.
    const byRegion = await get<IndicatorTable>(bureau, '/api/monitoring/indicators?by=region');
    expect(byRegion.groups.map((g) => [g.areaId, g.schools])).toEqual([[ids.region, 4]]);
    // By area under the region: its districts.
    const byArea = await get<IndicatorTable>(
      bureau,
      `/api/monitoring/indicators?by=area&areaId=${ids.region}`,
    );
    expect(byArea.groups.map((g) => g.code)).toEqual([codes.d1, codes.d2]);
    // By level a school counts in each of its levels: primary A B C D, basic A C D, secondary A D.
    const byLevel = await get<IndicatorTable>(bureau, '/api/monitoring/indicators?by=level');
    expect(byLevel.groups.map((g) => [g.key, g.nameAz, g.schools])).toEqual([
      ['primary', 'İbtidai təhsil', 4],
      ['basic', 'Ümumi orta təhsil', 3],
      ['secondary', 'Tam orta təhsil', 2],
    ]);
    expect(byLevel.total.schools).toBe(4);
    // Urban A, D; rural B, C. Learners per computer, rural: (50 + 100) / 5 = 30.
    const byLocality = await get<IndicatorTable>(bureau, '/api/monitoring/indicators?by=locality');
    expect(byLocality.groups.map((g) => [g.key, g.nameEn, g.schools])).toEqual([
      ['urban', 'Urban', 2],
      ['rural', 'Rural', 2],
    ]);
    expect(byLocality.groups[1]!.indicators.learnersPerComputer!.value).toBe(30);
    const byOwnership = await get<IndicatorTable>(bureau, '/api/monitoring/indicators?by=ownership');
    expect(byOwnership.groups.map((g) => [g.key, g.schools, g.reporting])).toEqual([
      ['public', 3, 2],
      ['private', 1, 1],
    ]);
    // Institutions of one kind only: none are colleges.
    const colleges = await get<IndicatorTable>(bureau, '/api/monitoring/indicators?kind=vocational_college');
    expect(colleges.total.schools).toBe(0);
    expect(colleges.total.indicators.electricity).toEqual({ value: null, numerator: 0, denominator: 0 });
  });

  it('keeps each year apart: trends give every year, last year from its own records and measurements', async () => {
    const trends = await get<Trends>(bureau, '/api/monitoring/trends');
    expect(trends.years.map((y) => [y.year.code, y.total.reporting])).toEqual([
      ['2025-2026', 1],
      ['2026-2027', 3],
    ]);
    const last = trends.years[0]!.total.indicators;
    // Last year only D reported: 80 learners, 4 computers → 20; A was measured at 2 Mbit/s (moderate).
    expect(last.learnersPerComputer).toEqual({ value: 20, numerator: 80, denominator: 4 });
    expect(last['status.moderate']).toEqual({ value: 0.25, numerator: 1, denominator: 4 });
    const byRegion = await get<Trends>(bureau, '/api/monitoring/trends?by=region');
    expect(byRegion.years.map((y) => y.groups.length)).toEqual([1, 1]);
    // A past year by its code.
    const past = await figures('/api/monitoring/indicators?year=2025-2026');
    // Only D had a record, with electricity but no hours given: not known to be regular, so 0 of the 4.
    expect(past.electricity).toEqual({ value: 0, numerator: 0, denominator: 4 });
    expect(past.noRecord).toEqual({ value: 0.75, numerator: 3, denominator: 4 });
    const missing = await bureau.inject({ method: 'GET', url: '/api/monitoring/indicators?year=1999-2000' });
    expect(missing.statusCode).toBe(404);
  });

  it('shows a change to a school’s record at once', async () => {
    // B saves its record again, now without electricity: (a) falls from 2/4 to 1/4 on the next request.
    const res = await saveAsRead(bureau, {
      url: `/api/institutions/${ids.b}/registry/${ids.year}`,
      payload: {
        teachers: 10,
        teachersIctTrained: 4,
        classrooms: 5,
        hasComputerLab: false,
        electricity: false,
        electricitySource: null,
        electricityHours: null,
        students: [
          { level: 'primary', sex: 'female', shift: 1, students: 30 },
          { level: 'primary', sex: 'male', shift: 1, students: 20 },
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
        deviceCounts: [{ kind: 'tablet', purpose: 'teaching', total: 5, working: 5 }],
        participations: [],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const f = await figures('/api/monitoring/indicators');
    expect(f.electricity).toEqual({ value: 0.25, numerator: 1, denominator: 4 });
    // Saved just now: B's record is 0 days old, (10 + 0 + 30) / 3.
    expect(f.freshnessDays!.numerator).toBe(40);
  });

  it('lets a regional officer see their own area only; others are refused', async () => {
    // Without an area, a regional officer gets theirs: D1 with A and B.
    const own = await get<IndicatorTable>(regional, '/api/monitoring/indicators');
    expect(own.total.schools).toBe(2);
    expect(own.total.areaId).toBe(ids.d1);
    expect(
      (await get<IndicatorTable>(regional, `/api/monitoring/indicators?areaId=${ids.d1}`)).total.schools,
    ).toBe(2);
    for (const url of [
      `/api/monitoring/indicators?areaId=${ids.d2}`,
      `/api/monitoring/indicators?areaId=${ids.region}`,
      `/api/monitoring/trends?areaId=${ids.d2}`,
      `/api/monitoring/schools?areaId=${ids.d2}`,
    ]) {
      expect((await regional.inject({ method: 'GET', url })).statusCode, url).toBe(403);
    }
    const schools = await get<SchoolList>(regional, '/api/monitoring/schools');
    expect(schools.items.map((s) => s.institutionId).sort()).toEqual([ids.a, ids.b].sort());
    expect((await director.inject({ method: 'GET', url: '/api/monitoring/indicators' })).statusCode).toBe(
      403,
    );
    expect((await t.app.inject({ method: 'GET', url: '/api/monitoring/indicators' })).statusCode).toBe(401);
  });

  it('lists schools with status, coordinates and completeness, filtered and a page at a time', async () => {
    const all = await get<SchoolList>(bureau, '/api/monitoring/schools');
    expect(all.total).toBe(4);
    const byId = new Map(all.items.map((s) => [s.institutionId, s]));
    expect(byId.get(ids.a)).toMatchObject({
      status: 'good',
      measuredMbps: 30,
      measuredWeek: '2026-10-12',
      computers: 10,
    });
    expect(byId.get(ids.c)).toMatchObject({
      status: 'unknown',
      electricity: false,
      completeness: 0.5556,
      state: 'draft',
    });
    expect(byId.get(ids.d)).toMatchObject({
      status: 'bad',
      state: null,
      electricity: null,
      completeness: 0,
      latitude: 40.5,
      longitude: 47.1,
    });
    const good = await get<SchoolList>(bureau, '/api/monitoring/schools?status=good');
    expect(good.items.map((s) => s.institutionId)).toEqual([ids.a]);
    const page = await get<SchoolList>(bureau, '/api/monitoring/schools?limit=2&offset=2');
    expect([page.total, page.items.length]).toEqual([4, 2]);
    expect(page.items.map((s) => s.code)).toEqual(all.items.slice(2).map((s) => s.code));
  });

  it('draws the map from parallel arrays: placed schools only, status numbers, the same scope as the list', async () => {
    const map = await get<SchoolMap>(bureau, '/api/monitoring/map');
    expect(map.statuses).toEqual(['good', 'moderate', 'bad', 'unknown']);
    expect(map.total).toBe(4);
    // Only D has coordinates; it is bad.
    expect(map).toMatchObject({ id: [ids.d], lat: [40.5], lon: [47.1], status: [2] });
    expect(Object.keys(map).sort()).toEqual(
      ['benchmarkMbps', 'id', 'lat', 'lon', 'status', 'statuses', 'total', 'year'].sort(),
    );
    // The same selection as the school list, filter for filter.
    for (const filter of ['', `areaId=${ids.d2}`, 'status=bad', 'locality=rural', 'kind=university']) {
      const list = await get<SchoolList>(bureau, `/api/monitoring/schools?limit=5000&${filter}`);
      const drawn = await get<SchoolMap>(bureau, `/api/monitoring/map?${filter}`);
      expect(drawn.total, filter).toBe(list.total);
      const placed = list.items.filter((s) => s.latitude !== null && s.longitude !== null);
      expect(drawn.id, filter).toEqual(placed.map((s) => s.institutionId).sort((x, y) => x - y));
      expect(
        drawn.id.map((id, k) => [id, drawn.statuses[drawn.status[k]!]]),
        filter,
      ).toEqual(
        placed.sort((x, y) => x.institutionId - y.institutionId).map((s) => [s.institutionId, s.status]),
      );
    }
    // A regional officer: their area (D1, A and B, neither placed) and nothing else.
    const own = await get<SchoolMap>(regional, '/api/monitoring/map');
    expect([own.total, own.id]).toEqual([2, []]);
    expect(
      (await regional.inject({ method: 'GET', url: `/api/monitoring/map?areaId=${ids.d2}` })).statusCode,
    ).toBe(403);
    expect((await director.inject({ method: 'GET', url: '/api/monitoring/map' })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/monitoring/map' })).statusCode).toBe(401);
    const bad = await bureau.inject({ method: 'GET', url: '/api/monitoring/map?status=awful' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorBody>().error.details!.map((d) => d.field)).toEqual(['status']);
  });

  it('gives one school for a dot clicked on the map, to those who may see it', async () => {
    const list = await get<SchoolList>(bureau, '/api/monitoring/schools');
    const one = await get<SchoolDetail>(bureau, `/api/monitoring/schools/${ids.a}`);
    expect(one.school).toEqual(list.items.find((s) => s.institutionId === ids.a));
    expect(one.year.code).toBe('2026-2027');
    expect((await get<SchoolDetail>(regional, `/api/monitoring/schools/${ids.b}`)).school.status).toBe(
      'moderate',
    );
    // C is in D2, outside the regional officer's area; a director is no monitor.
    expect(
      (await regional.inject({ method: 'GET', url: `/api/monitoring/schools/${ids.c}` })).statusCode,
    ).toBe(403);
    expect(
      (await director.inject({ method: 'GET', url: `/api/monitoring/schools/${ids.a}` })).statusCode,
    ).toBe(403);
    expect((await bureau.inject({ method: 'GET', url: '/api/monitoring/schools/999999' })).statusCode).toBe(
      404,
    );
    const closed = await bureau.inject({ method: 'GET', url: `/api/monitoring/schools/${ids.e}` });
    expect(closed.statusCode).toBe(404);
    const wrong = await bureau.inject({ method: 'GET', url: '/api/monitoring/schools/abc' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json<ErrorBody>().error.details!.map((d) => d.field)).toEqual(['id']);
  });

  it('pages the school list: every school exactly once, sorted and searched as asked, bad paging refused by field', async () => {
    for (const sort of [
      'code',
      '-code',
      'name',
      '-name',
      'status',
      '-status',
      'completeness',
      '-completeness',
    ]) {
      const seen: number[] = [];
      for (let offset = 0; offset < 6; offset += 3) {
        const page = await get<SchoolList>(
          bureau,
          `/api/monitoring/schools?limit=3&offset=${offset}&sort=${sort}`,
        );
        expect(page.total).toBe(4);
        seen.push(...page.items.map((s) => s.institutionId));
      }
      expect(
        seen.slice().sort((x, y) => x - y),
        sort,
      ).toEqual([ids.a, ids.b, ids.c, ids.d].sort((x, y) => x - y));
    }
    const byStatus = await get<SchoolList>(bureau, '/api/monitoring/schools?sort=status');
    expect(byStatus.items.map((s) => s.status)).toEqual(['bad', 'moderate', 'good', 'unknown']);
    const byCompleteness = await get<SchoolList>(bureau, '/api/monitoring/schools?sort=-completeness');
    const shares = byCompleteness.items.map((s) => s.completeness);
    expect(shares).toEqual(shares.slice().sort((x, y) => y - x));
    expect(shares.at(-1)).toBe(0);
    // A search on code or name, in any language; Latin letters in any case.
    const exact = await get<SchoolList>(bureau, `/api/monitoring/schools?q=${encodeURIComponent('Şəki 5')}`);
    expect(exact.items.map((s) => s.institutionId)).toEqual([ids.a]);
    const code = list4Code(byStatus, ids.c);
    const byCode = await get<SchoolList>(
      bureau,
      `/api/monitoring/schools?q=${encodeURIComponent(code.toLowerCase())}`,
    );
    expect(byCode.items.map((s) => s.institutionId)).toContain(ids.c);
    // The regional officer pages through their own schools only.
    const theirs = await get<SchoolList>(regional, '/api/monitoring/schools?limit=1&offset=1&sort=-code');
    expect([theirs.total, theirs.items.length]).toEqual([2, 1]);
    expect([ids.a, ids.b]).toContain(theirs.items[0]!.institutionId);
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=5001', 'limit'],
      ['limit=ten', 'limit'],
      ['offset=-1', 'offset'],
      ['offset=1.5', 'offset'],
      ['sort=size', 'sort'],
      ['q=', 'q'],
    ] as const) {
      const res = await bureau.inject({ method: 'GET', url: `/api/monitoring/schools?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(
        res.json<ErrorBody>().error.details!.map((d) => d.field),
        query,
      ).toEqual([field]);
    }
  });

  it('publishes open data without any personal field, filtered by area code, kind, locality and status', async () => {
    const open = await get<OpenSchoolList>(null, '/api/open/schools');
    expect(open.total).toBe(4);
    for (const s of open.items) {
      expect(Object.keys(s).sort()).toEqual(
        [
          'code',
          'nameAz',
          'nameRu',
          'nameEn',
          'kind',
          'areaCode',
          'districtCode',
          'regionCode',
          'latitude',
          'longitude',
          'locality',
          'connectivityStatus',
          'internet',
          'electricity',
          'computers',
        ].sort(),
      );
    }
    const a = open.items.find((s) => s.nameAz === 'Şəki 5 nömrəli məktəb')!;
    expect(a).toMatchObject({
      connectivityStatus: 'good',
      internet: true,
      electricity: true,
      computers: true,
      districtCode: codes.d1,
    });
    const d2 = await get<OpenSchoolList>(null, `/api/open/schools?area=${codes.d2}`);
    expect(d2.items.map((s) => s.connectivityStatus).sort()).toEqual(['bad', 'unknown']);
    expect((await get<OpenSchoolList>(null, '/api/open/schools?locality=rural&status=unknown')).total).toBe(
      1,
    );
    expect((await get<OpenSchoolList>(null, '/api/open/schools?kind=university')).total).toBe(0);
    const unknown = await t.app.inject({ method: 'GET', url: '/api/open/schools?area=NOWHERE' });
    expect(unknown.statusCode).toBe(404);
    // Open indicators: aggregates for the country and by region, nothing per school.
    const indicators = await get<IndicatorTable>(null, '/api/open/indicators?by=region');
    expect(indicators.total.schools).toBe(4);
    expect(indicators.groups.map((g) => g.areaId)).toEqual([ids.region]);
    const body = JSON.stringify(indicators);
    expect(body).not.toContain('Şəki 5');
    expect((await t.app.inject({ method: 'GET', url: '/api/open/indicators?by=district' })).statusCode).toBe(
      400,
    );
  });

  it('answers CSV with a header row, UTF-8 with a byte-order mark, for ?format=csv and Accept: text/csv', async () => {
    const res = await bureau.inject({
      method: 'GET',
      url: '/api/monitoring/indicators?by=district&format=csv',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="indicators-2026-2027-district.csv"',
    );
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      'year,group_by,group_code,group_name,schools,reporting,indicator,indicator_name,kind,value,numerator,denominator',
    );
    // The whole selection first (after B lost its electricity above: 1 of 4).
    expect(lines.find((l) => l.startsWith('2026-2027,total,') && l.includes(',electricity,'))).toMatch(
      /^2026-2027,total,[^,]*,[^,]*,4,3,electricity,Müntəzəm elektriki olan məktəblər \(DİM 4\.a\.1 a\),share,0\.25,1,4$/,
    );
    expect(
      lines.some(
        (l) => l.startsWith(`2026-2027,district,${codes.d2},`) && l.includes(',learnersPerComputer,'),
      ),
    ).toBe(true);
    // Asked for by the Accept header; names in the caller's language (here Russian, signed out).
    const trends = await bureau.inject({
      method: 'GET',
      url: '/api/monitoring/trends',
      headers: { accept: 'text/csv' },
    });
    expect(trends.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(trends.body).toContain('2025-2026,total,');
    const ru = await t.app.inject({
      method: 'GET',
      url: '/api/open/indicators',
      headers: { accept: 'text/csv', 'accept-language': 'ru' },
    });
    expect(ru.body).toContain(
      ',electricity,Школы с регулярным электроснабжением (ЦУР 4.a.1 a),share,0.25,1,4',
    );
    const schools = await bureau.inject({ method: 'GET', url: '/api/monitoring/schools?format=csv' });
    const rows = schools.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(rows[0]!.split(',').slice(0, 3)).toEqual(['school_id_govt', 'school_name', 'school_type']);
    expect(rows).toHaveLength(5);
    expect(schools.body).toContain('Şəki 5 nömrəli məktəb');
    const open = await t.app.inject({ method: 'GET', url: '/api/open/schools?format=csv' });
    expect(open.headers['cache-control']).toBe('public, max-age=300, stale-while-revalidate=60');
    expect(open.body.split('\r\n')[0]).toBe(
      '\uFEFFschool_id_govt,school_name_az,school_name_ru,school_name_en,school_type,area_code,district_code,region_code,latitude,longitude,school_area_type,connectivity_status,connectivity,electricity_availability,computer_availability',
    );
    const openIndicators = await t.app.inject({ method: 'GET', url: '/api/open/indicators?format=csv' });
    expect(openIndicators.body).toContain(',total,');
    // JSON stays the default, and wins when the client accepts both.
    const both = await bureau.inject({
      method: 'GET',
      url: '/api/monitoring/indicators',
      headers: { accept: 'application/json, text/csv' },
    });
    expect(both.headers['content-type']).toMatch(/^application\/json/);
  });
});
