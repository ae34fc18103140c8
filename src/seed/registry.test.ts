import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@test/harness';
import { startTestClock } from '@test/school-clock';
import { seededDemo } from '@test/seeded-demo';
import { rows, type Database } from '@/server/db/database';
import { seed } from '@/seed/seed';
import { SEED_PROJECTS } from '@/seed/registry';

// The demo is made as of a school Wednesday, as the other tests of the seeded demo read it (one copy serves all).
startTestClock();

describe('the registry seed', () => {
  let demo: Database;
  beforeAll(async () => {
    ({ database: demo } = await seededDemo());
  });
  afterAll(() => demo?.close());

  it('adds the two academic years before the current one, and the projects in three languages', async () => {
    const years = await rows<{ code: string; starts_on: string; is_current: boolean }>(
      demo.db,
      sql`select code, starts_on::text, is_current from institutions_academic_year order by starts_on`,
    );
    expect(years).toEqual([
      { code: '2024-2025', starts_on: '2024-09-15', is_current: false },
      { code: '2025-2026', starts_on: '2025-09-15', is_current: false },
      { code: '2026-2027', starts_on: '2026-09-15', is_current: true },
    ]);
    const projects = await rows<{ code: string; nameRu: string }>(
      demo.db,
      sql`select code, name_ru as "nameRu" from infrastructure_project order by id`,
    );
    expect(projects.map((p) => p.code)).toEqual(SEED_PROJECTS.map((p) => p.code));
    expect(projects.find((p) => p.code === 'digital-skills')!.nameRu).toBe('Цифровые навыки');
  });

  it('gives institutions a record in each earlier year, and nearly all this year, with students adding up', async () => {
    const [counts] = await rows<{ institutions: number; perYear: number[]; verifiedNow: number }>(
      demo.db,
      sql`select (select count(*)::int from institutions_institution) as institutions,
        (select array_agg(n order by starts_on) from (select y.starts_on, count(s.*)::int as n from institutions_academic_year y
           left join infrastructure_school_year s on s.academic_year_id = y.id group by y.id) x) as "perYear",
        (select count(*)::int from infrastructure_school_year s join institutions_academic_year y on y.id = s.academic_year_id
           where y.is_current and s.state = 'verified') as "verifiedNow"`,
    );
    // Every institution but the demo director's school, which is new to the registry.
    expect(counts!.perYear.slice(0, 2)).toEqual([counts!.institutions - 1, counts!.institutions - 1]);
    expect(counts!.perYear[2]).toBeGreaterThanOrEqual(counts!.institutions * 0.85);
    // This year's records wait for the region's review: none is verified yet.
    expect(counts!.verifiedNow).toBe(0);
    // Students by level, sex and shift add up to the institution's head count, in shifts it runs.
    const mismatched = await rows<{ code: string }>(
      demo.db,
      sql`select i.code from institutions_institution i
        join (select institution_id, sum(students) as n, max(shift) as shift from infrastructure_student_count c
              join institutions_academic_year y on y.id = c.academic_year_id and y.is_current group by 1) s
          on s.institution_id = i.id
        where s.n <> i.student_count or s.shift > i.shifts`,
    );
    expect(mismatched).toEqual([]);
  });

  it('fills in what the UIS definitions need: ISCED levels, pupils’ internet access and shared devices', async () => {
    const [uis] = await rows<{
      unmapped: number;
      pupilsYes: number;
      pupilsWithoutTeachingLink: number;
      shared: number;
      fewHours: number;
    }>(
      demo.db,
      sql`with rec as (select s.* from infrastructure_school_year s
            join institutions_academic_year y on y.id = s.academic_year_id and y.is_current)
        select
          (select count(*)::int from institutions_institution i where i.kind = 'general_school'
            and not exists (select 1 from institutions_level l where l.code = any(i.levels) and l.isced between 1 and 3))
            as unmapped,
          (select count(*)::int from rec where pupils_internet) as "pupilsYes",
          (select count(*)::int from rec where pupils_internet and not exists (select 1 from infrastructure_internet_link k
            where k.institution_id = rec.institution_id and k.academic_year_id = rec.academic_year_id
              and k.purpose = 'teaching')) as "pupilsWithoutTeachingLink",
          (select count(*)::int from infrastructure_device_count c join institutions_academic_year y
            on y.id = c.academic_year_id and y.is_current where c.purpose = 'both') as shared,
          (select count(*)::int from rec where electricity and electricity_hours < 24) as "fewHours"`,
    );
    // Every general school is at ISCED 1, 2 or 3; pupils go online only where there is a teaching link.
    expect(uis).toMatchObject({ unmapped: 0, pupilsWithoutTeachingLink: 0 });
    expect(uis!.pupilsYes).toBeGreaterThan(0);
    expect(uis!.shared).toBeGreaterThan(0);
    expect(uis!.fewHours).toBeGreaterThan(0);
  });

  it('leaves the demo director’s school without a record, to fill in, but with device items and their history', async () => {
    const [anchor] = await rows<{ id: number; record: boolean; lastYear: boolean }>(
      demo.db,
      sql`select g.institution_id as id,
        exists (select 1 from infrastructure_school_year s join institutions_academic_year y on y.id = s.academic_year_id
          where s.institution_id = g.institution_id and y.is_current) as record,
        exists (select 1 from infrastructure_school_year s join institutions_academic_year y on y.id = s.academic_year_id
          where s.institution_id = g.institution_id and y.code = '2025-2026') as "lastYear"
        from identity_role_grant g join identity_user u on u.id = g.user_id where u.username = 'director'`,
    );
    expect(anchor).toMatchObject({ record: false, lastYear: false });
    const events = await rows<{ kind: string; n: number }>(
      demo.db,
      sql`select e.kind, count(*)::int as n from infrastructure_device_event e
        join infrastructure_device d on d.id = e.device_id where d.institution_id = ${anchor!.id} group by 1 order by 1`,
    );
    expect(events.map((e) => e.kind)).toEqual([
      'assigned',
      'audited',
      'delivered',
      'disposed',
      'moved',
      'repaired',
    ]);
    // This year's counts follow the items that are not disposed, as the registry keeps them.
    const [counts] = await rows<{ fromItems: string; counted: string }>(
      demo.db,
      sql`select
        (select string_agg(kind || '/' || purpose || ':' || n || '/' || w, ',' order by kind, purpose) from (
          select kind, purpose, count(*) as n, count(*) filter (where condition = 'working' and status = 'in_use') as w
          from infrastructure_device where institution_id = ${anchor!.id} and status <> 'disposed' group by 1, 2) x) as "fromItems",
        (select string_agg(kind || '/' || purpose || ':' || total || '/' || working, ',' order by kind, purpose)
          from infrastructure_device_count c join institutions_academic_year y on y.id = c.academic_year_id
          where y.is_current and c.institution_id = ${anchor!.id} and c.source = 'inventory') as counted`,
    );
    expect(counts!.counted).toBe(counts!.fromItems);
    // Reported counts are all counted devices; the items' counts have none counted besides.
    const [mismatched] = await rows<{ n: number }>(
      demo.db,
      sql`select count(*)::int as n from infrastructure_device_count where case source
          when 'reported' then untracked <> total or untracked_working <> working
          else untracked <> 0 or untracked_working <> 0 end`,
    );
    expect(mismatched!.n).toBe(0);
    const [past] = await rows<{ n: number }>(
      demo.db,
      sql`select count(*)::int as n from infrastructure_device where institution_id = ${anchor!.id}
        and status <> 'disposed' and end_of_life_on < '2026-09-01'`,
    );
    expect(past!.n).toBeGreaterThan(0);
  });

  it('measures a share of schools over the eight weeks before the seed’s date', async () => {
    const [m] = await rows<{ schools: number; first: string; last: string }>(
      demo.db,
      sql`select count(distinct institution_id)::int as schools,
        to_char(min(measured_at) at time zone 'UTC', 'YYYY-MM-DD') as first,
        to_char(max(measured_at) at time zone 'UTC', 'YYYY-MM-DD') as last
        from infrastructure_measurement where measured_at >= '2026-07-01'`,
    );
    expect(m!.schools).toBeGreaterThan(10);
    expect(m!.first >= '2026-07-06').toBe(true);
    expect(m!.last < '2026-09-01').toBe(true);
  });
  // The same seed makes the same registry: `seed.test.ts` compares every table the seed fills.
});

describe('the national registry seed', () => {
  it('looks like Azerbaijan: the education network, 1:18 learners per computer, fewer in Baku, two in three teachers trained', async () => {
    const database = await createTestDatabase();
    try {
      await seed(database, { scale: 'national', seed: 1, production: false });
      const [n] = await rows<{
        network: number;
        ratio: number;
        baku: number;
        trained: number;
        electricity: number;
        generators: number;
        offline: number;
      }>(
        database.db,
        sql`with y as (select id from institutions_academic_year where is_current),
          rec as (select s.* from infrastructure_school_year s join y on y.id = s.academic_year_id),
          baku as (select i.id from institutions_institution i join institutions_area a on a.id = i.area_id
            join institutions_area r on r.id = a.parent_id where r.code = 'AZ-ER-BAK'),
          computers as (select c.institution_id, sum(c.total) as n from infrastructure_device_count c join y on y.id = c.academic_year_id
            where c.purpose = 'teaching' and c.kind in ('desktop', 'laptop', 'tablet') group by 1),
          students as (select c.institution_id, sum(c.students) as n from infrastructure_student_count c join y on y.id = c.academic_year_id group by 1)
        select
          (select count(distinct l.institution_id) from infrastructure_internet_link l join y on y.id = l.academic_year_id
             where l.education_network)::float8 / (select count(*) from rec) as network,
          (select sum(n) from students)::float8 / (select sum(n) from computers) as ratio,
          (select sum(n) from students where institution_id in (select id from baku))::float8
            / (select sum(n) from computers where institution_id in (select id from baku)) as baku,
          (select sum(teachers_ict_trained)::float8 / sum(teachers) from rec where teachers_ict_trained is not null) as trained,
          (select count(*) filter (where electricity)::float8 / count(*) from rec) as electricity,
          (select count(*)::int from rec where electricity_source = 'generator') as generators,
          (select count(*)::int from rec where not exists (select 1 from infrastructure_internet_link l
             where l.institution_id = rec.institution_id and l.academic_year_id = rec.academic_year_id)) as offline`,
      );
      expect(n!.network).toBeGreaterThan(0.94);
      expect(n!.network).toBeLessThan(0.98);
      expect(n!.ratio).toBeGreaterThan(16);
      expect(n!.ratio).toBeLessThan(20);
      expect(n!.baku).toBeLessThan(n!.ratio - 3);
      expect(n!.trained).toBeGreaterThan(0.6);
      expect(n!.trained).toBeLessThan(0.72);
      expect(n!.electricity).toBeGreaterThan(0.99);
      expect(n!.generators).toBeGreaterThan(10);
      expect(n!.offline).toBeGreaterThan(20);
    } finally {
      await database.close();
    }
  });
});
