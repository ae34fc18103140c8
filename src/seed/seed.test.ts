import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, login, testConfig } from '@test/harness';
import { startTestClock } from '@test/school-clock';
import { seededDemo } from '@test/seeded-demo';
import { buildApp } from '@/server/app';
import { rows, type Database } from '@/server/db/database';
import { auditLog, users } from '@/modules/identity/identity.tables';
import { readCountryPack } from '@/modules/institutions/country-pack';
import { demoAccountLines } from '@/cli/commands/seed';
import { DEMO_ACCOUNTS } from '@/seed/demo-accounts';
import { digestData, digestTables } from '@/seed/digest';
import { NATIONAL_TARGETS, buildPlan, planCounts } from '@/seed/plan';
import { seed, seedIfEmpty, SeedRefused, type SeedSummary } from '@/seed/seed';
import { fold, usernameBase } from '@/seed/names';

// The demo is made as of a school Wednesday, as the other tests of the seeded demo read it (one copy serves all).
startTestClock();

describe('the demo seed', () => {
  let first: Database;
  let summary: SeedSummary;
  beforeAll(async () => {
    // A copy of the demo made once on this machine (`seeded-demo.ts`); the test below seeds afresh and compares.
    ({ database: first, summary } = await seededDemo());
  });
  afterAll(() => first.close());

  it('makes a demo country of about 50 schools and 10,000 students in a few districts', async () => {
    expect(summary.institutions).toBeGreaterThanOrEqual(50);
    expect(summary.students).toBeGreaterThanOrEqual(8_000);
    expect(summary.students).toBeLessThanOrEqual(12_000);
    const [counts] = await rows<{
      areas: number;
      regions: number;
      schools: number;
      enrolled: number;
      directors: number;
    }>(
      first.db,
      sql`select
        (select count(distinct area_id)::int from institutions_institution) as areas,
        (select count(distinct a.path[2])::int from institutions_institution i join institutions_area a on a.id = i.area_id) as regions,
        (select count(*)::int from institutions_institution where kind = 'general_school') as schools,
        (select count(*)::int from classroom_enrolment) as enrolled,
        (select count(*)::int from identity_role_grant where role = 'director') as directors`,
    );
    expect(counts).toEqual({ areas: 5, regions: 3, schools: 50, enrolled: summary.students, directors: 50 });
  });

  it('gives every populated school head counts that match its accounts, one director and classes with homeroom teachers', async () => {
    const mismatched = await rows<{ code: string }>(
      first.db,
      sql`select i.code from institutions_institution i
        where exists (select 1 from classroom_class c where c.institution_id = i.id)
          and (i.student_count <> (select count(*) from classroom_enrolment e where e.institution_id = i.id)
            or i.teacher_count <> (select count(*) from identity_role_grant g where g.institution_id = i.id and g.role = 'teacher')
            or (select count(*) from identity_role_grant g where g.institution_id = i.id and g.role = 'director') <> 1)`,
    );
    expect(mismatched).toEqual([]);
    const [classes] = await rows<{ without: number; grades: number[] }>(
      first.db,
      sql`select count(*) filter (where homeroom_teacher_id is null)::int as without,
        array_agg(distinct grade order by grade) as grades from classroom_class`,
    );
    expect(classes).toEqual({ without: 0, grades: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });
    const [orphans] = await rows<{ students: number; parents: number }>(
      first.db,
      sql`select
        (select count(*)::int from identity_role_grant g where role = 'student'
           and not exists (select 1 from identity_guardian p where p.student_id = g.user_id)) as students,
        (select count(*)::int from identity_role_grant g where role = 'parent'
           and not exists (select 1 from identity_guardian p where p.parent_id = g.user_id)) as parents`,
    );
    expect(orphans).toEqual({ students: 0, parents: 0 });
  });

  it('names schools and people as in Azerbaijan, and places schools inside the country', async () => {
    const pack = await readCountryPack();
    const schools = await rows<{
      name_az: string;
      name_ru: string;
      name_en: string;
      latitude: number;
      longitude: number;
    }>(
      first.db,
      sql`select name_az, name_ru, name_en, latitude, longitude from institutions_institution order by code`,
    );
    expect(schools.some((s) => /^Bakı şəhəri \d+ nömrəli tam orta məktəb$/.test(s.name_az))).toBe(true);
    expect(schools.some((s) => / kənd tam orta məktəbi$/.test(s.name_az))).toBe(true);
    expect(schools.some((s) => /^Полная средняя школа № \d+ города Баку$/.test(s.name_ru))).toBe(true);
    expect(schools.some((s) => /^Baku City Secondary School No\. \d+$/.test(s.name_en))).toBe(true);
    const b = pack.manifest.bounds!;
    for (const s of schools) {
      expect(s.latitude).toBeGreaterThanOrEqual(b.minLatitude);
      expect(s.latitude).toBeLessThanOrEqual(b.maxLatitude);
      expect(s.longitude).toBeGreaterThanOrEqual(b.minLongitude);
      expect(s.longitude).toBeLessThanOrEqual(b.maxLongitude);
    }
    const people = await first.db
      .select({ username: users.username, name: users.displayName })
      .from(users)
      .limit(2000);
    for (const p of people) expect(p.username).toMatch(/^[a-z0-9.]+$/);
    expect(people.some((p) => /(ova|yeva)$/.test(p.name))).toBe(true);
    expect(people.some((p) => /[əışçğöü]/i.test(p.name))).toBe(true);
    expect(usernameBase('İlahə', 'Şükürova')).toBe('ilahe.sukurova');
    expect(fold('ÇAĞIRIŞ')).toBe('cagiris');
  });

  it('lets each named demo account sign in with "demo" and see its role in its scope', async () => {
    const app = await buildApp(testConfig(), first);
    try {
      await app.ready();
      for (const account of DEMO_ACCOUNTS) {
        const session = await login(app, account.username, 'demo');
        const me = await session.inject({ method: 'GET', url: '/api/me' });
        expect(me.statusCode).toBe(200);
        expect(me.json<{ roles: { role: string }[] }>().roles.map((r) => r.role)).toEqual([account.role]);
      }
    } finally {
      await app.close();
    }
    const [links] = await rows<{ homeroom: boolean; parent: boolean; director: boolean }>(
      first.db,
      sql`select
        exists (select 1 from classroom_class c join classroom_enrolment e on e.class_id = c.id
          where c.homeroom_teacher_id = (select id from identity_user where username = 'teacher')
            and e.student_id = (select id from identity_user where username = 'student')) as homeroom,
        exists (select 1 from identity_guardian where parent_id = (select id from identity_user where username = 'parent')
          and student_id = (select id from identity_user where username = 'student')) as parent,
        (select institution_id from identity_role_grant where user_id = (select id from identity_user where username = 'director'))
          = (select institution_id from identity_role_grant where user_id = (select id from identity_user where username = 'teacher')) as director`,
    );
    expect(links).toEqual({ homeroom: true, parent: true, director: true });
    // Named accounts have their own hashes; generated ones share one (made once per run).
    const [hashes] = await rows<{ named: number; generated: number }>(
      first.db,
      sql`select count(distinct password_hash) filter (where username not like '%.%')::int as named,
        count(distinct password_hash) filter (where username like '%.%')::int as generated from identity_user`,
    );
    expect(hashes).toEqual({ named: DEMO_ACCOUNTS.length, generated: 1 });
  });

  it('lists the demo accounts with their scopes for `maktab demo-accounts`', async () => {
    const lines = await demoAccountLines(first);
    expect(lines.map((l) => [l.username, l.role])).toEqual(DEMO_ACCOUNTS.map((a) => [a.username, a.role]));
    expect(lines.find((l) => l.username === 'region')!.scope).toBe('Nasimi District (AZ-BA-NSM)');
    expect(lines.find((l) => l.username === 'parent')!.scope).toBe('children: student');
    expect(lines.find((l) => l.username === 'director')!.scope).toMatch(
      /^Baku City Secondary School No\. \d+ \(\d{7}\)$/,
    );
  });

  it('records the seed in the audit log, by the system', async () => {
    const entries = await first.db.select().from(auditLog).where(eq(auditLog.action, 'seed'));
    expect(entries).toEqual([
      expect.objectContaining({ actorId: null, entity: 'database', entityId: 'demo' }),
    ]);
  });

  it('makes the same data from the same seed — people, registry, school life — and other data from another', async () => {
    const again = await createTestDatabase();
    const other = await createTestDatabase();
    try {
      await Promise.all([
        seed(again, { scale: 'demo', seed: 1, production: false }),
        seed(other, { scale: 'demo', seed: 2, production: false }),
      ]);
      const [digest, same, different] = await Promise.all(
        [first, again, other].map((d) => digestTables(d.db)),
      );
      for (const table of Object.keys(digest!)) expect(same![table], table).toBe(digest![table]);
      expect(Object.keys(same!)).toEqual(Object.keys(digest!));
      for (const table of [
        'institutions',
        'users',
        'registryRecords',
        'registryItems',
        'timetable',
        'lessons',
        'cells',
      ])
        expect(different![table], table).not.toBe(digest![table]);
    } finally {
      await again.close();
      await other.close();
    }
  }, 300_000);

  it('refuses a database that holds data, and production, without writing anything', async () => {
    const before = await digestData(first.db);
    await expect(seed(first, { scale: 'demo', seed: 3, production: false })).rejects.toThrow(
      /refusing to seed: the database already holds data/,
    );
    const error = await seed(first, { scale: 'demo', seed: 1, production: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeedRefused);
    expect((error as Error).message).toMatch(/NODE_ENV=production/);
    expect(await digestData(first.db)).toBe(before);
  });
});

describe('seedIfEmpty', () => {
  it('loads only the country pack in production: no people, no demo accounts', async () => {
    const database = await createTestDatabase();
    try {
      const log: string[] = [];
      await seedIfEmpty(database, { production: true, log: (m) => log.push(m) });
      const [counts] = await rows<{ areas: number; users: number; institutions: number }>(
        database.db,
        sql`select (select count(*)::int from institutions_area) as areas, (select count(*)::int from identity_user) as users,
          (select count(*)::int from institutions_institution) as institutions`,
      );
      expect(counts).toEqual({ areas: 104, users: 0, institutions: 0 });
      expect(log.join('\n')).toMatch(/loaded the country pack/);
      // A second start finds the areas and does nothing.
      await seedIfEmpty(database, { production: false, log: (m) => log.push(m) });
      expect(log).toHaveLength(1);
    } finally {
      await database.close();
    }
  });
});

describe('the national plan', () => {
  it('has Azerbaijan’s scale: ~4,500 institutions, 1.6 million students, 125,000 teachers, one district with its people', async () => {
    const pack = await readCountryPack();
    const plan = buildPlan(pack, 'national', 7);
    const counts = planCounts(plan);
    expect(counts.institutions).toBeGreaterThanOrEqual(4_400);
    expect(counts.institutions).toBeLessThanOrEqual(4_600);
    expect(counts.aggregateStudents).toBe(NATIONAL_TARGETS.students);
    expect(counts.aggregateTeachers).toBe(NATIONAL_TARGETS.teachers);
    const leaves = new Set(plan.institutions.map((i) => i.areaCode));
    expect(leaves.size).toBe(89);
    const populated = plan.institutions.filter((i) => i.people);
    expect(new Set(populated.map((i) => i.areaCode))).toEqual(new Set(['AZ-QBA']));
    expect(populated.length).toBe(
      plan.institutions.filter((i) => i.areaCode === 'AZ-QBA' && i.row.kind === 'general_school').length,
    );
    for (const i of populated) {
      expect(i.row.studentCount).toBe(i.people!.classes.reduce((n, c) => n + c.students.length, 0));
      expect(i.row.teacherCount).toBe(i.people!.teachers.length);
    }
    expect(new Set(plan.institutions.map((i) => i.row.code)).size).toBe(plan.institutions.length);
    expect(plan.institutions.every((i) => i.row.studentCount > 0 && i.row.teacherCount > 0)).toBe(true);
    // Deterministic: the same seed plans the same country.
    expect(JSON.stringify(buildPlan(pack, 'national', 7))).toBe(JSON.stringify(plan));
  });
});
