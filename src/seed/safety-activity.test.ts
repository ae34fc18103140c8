import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, login } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { rows, type Db } from '@/server/db/database';
import { seedSafetyActivity } from '@/seed/safety-activity';

describe('the demo’s content filter activity', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let db: Db;
  let areas: Awaited<ReturnType<typeof createAreas>>;
  beforeAll(async () => {
    t = await createTestApp();
    db = t.database.db;
    areas = await createAreas(db);
    const school = await createInstitution(db, areas.district);
    await createInstitution(db, areas.district);
    await createUserWithRole(db, 'teacher', { institutionId: school.id }, 'teacher');
    await createUserWithRole(db, 'director', { institutionId: school.id }, 'director');
    await createUserWithRole(db, 'regional', { areaId: areas.district }, 'region');
  });
  afterAll(() => t.close());

  const fingerprint = async () =>
    rows<{ n: number; total: number; requests: number }>(
      db,
      sql`select (select count(*)::int from safety_blocked_hour) as n,
                 (select sum(count)::int from safety_blocked_hour) as total,
                 (select count(*)::int from safety_unblock_request) as requests`,
    );

  it('writes requests in each state and a week of counts that the reports sum, the same each time', async () => {
    // The clock is the real one: the requests' states (pending, expired) are read against it.
    const now = new Date();
    const day = (offset: number) =>
      new Date(now.getTime() + 4 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    const options = { seed: 42, today: day(0), now };
    const summary = await seedSafetyActivity(db, options);
    expect(summary).toMatchObject({ requests: 5, schools: 2 });
    const [first] = await fingerprint();
    expect(first!.total).toBeGreaterThan(0);
    const states = await rows<{ status: string }>(
      db,
      sql`select distinct status from safety_unblock_request`,
    );
    expect(states.map((s) => s.status).sort()).toEqual(['approved', 'pending', 'rejected']);

    const region = await login(t.app, 'region', 'password-1');
    const report = await region.inject({
      url: `/api/safety/reports/blocked?from=${day(-7)}&to=${day(-1)}&areaId=${areas.district}`,
    });
    expect(report.json<{ blocked: number }>().blocked).toBe(first!.total);
    const queue = await region.inject({ url: '/api/safety/requests?state=pending' });
    expect(queue.json<{ items: unknown[] }>().items).toHaveLength(2);

    await db.execute(
      sql`truncate safety_blocked_hour, safety_query_hour, safety_blocked_domain_day, safety_unblock_request`,
    );
    await seedSafetyActivity(db, options);
    expect(await fingerprint()).toEqual([first]);
  });
});
