import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp } from '@test/harness';
import { createAreas, createInstitution } from '@test/factories';
import { rows } from '@/server/db/database';
import { createNode } from '@/modules/safety/safety.node.auth';
import { categories, keywords, lists, networks } from '@/modules/safety/safety.tables';
import type { CountsBatch, LogSetup } from '@/modules/safety/safety.logs.schema';

type Err = { error: { code: string; message: string; details?: { field: string; message: string }[] } };

/** The node's routes of the logs: the setup it reads, and counts added once per batch, all or nothing. */
describe('safety logs routes', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let token: string;
  let school: number;
  let keywordId: number;
  const hour = '2026-12-07T09:00:00.000Z';
  const batch = (batchId: string, over: Partial<CountsBatch> = {}): CountsBatch => ({
    batchId,
    queries: [{ institutionId: school, hour, networkKind: 'pupils', queries: 10, blocked: 2 }],
    blocked: [{ institutionId: school, hour, categoryCode: 'gambling', count: 2 }],
    domains: [
      {
        institutionId: school,
        day: '2026-12-07',
        domain: 'casino.example',
        categoryCode: 'gambling',
        count: 2,
      },
    ],
    keywordHits: [{ keywordId, domain: 'xn--80aodfsg.com' }],
    unattributed: 3,
    ...over,
  });
  const post = (payload: unknown, headers = { authorization: `Bearer ${token}` }) =>
    t.app.inject({ method: 'POST', url: '/api/safety/node/counts', payload: payload as object, headers });

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    const areas = await createAreas(db);
    school = (await createInstitution(db, areas.district)).id;
    token = (await createNode(db, 'node-1')).token;
    const [category] = await db
      .insert(categories)
      .values({
        code: 'gambling',
        name: { az: 'Qumar', ru: 'Азартные игры', en: 'Gambling' },
        description: { az: '', ru: '', en: '' },
      })
      .returning();
    const [keyword] = await db
      .insert(keywords)
      .values({ categoryId: category!.id, keyword: 'казино', language: 'ru', folded: 'kazino' })
      .returning();
    keywordId = keyword!.id;
    await db
      .insert(lists)
      .values({ kind: 'block', categoryId: category!.id, name: { az: 'a', ru: 'a', en: 'a' } });
    await db.insert(networks).values([
      { institutionId: school, kind: 'pupils', cidr: '10.20.0.0/24' },
      { institutionId: school, kind: 'staff', cidr: '2001:db8:5::/48' },
    ]);
  });
  afterAll(async () => t?.close());

  it('gives a node its log setup, and nobody without a valid token', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/safety/node/log-setup',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    const setup = res.json<LogSetup>();
    expect(setup.networks).toEqual([
      { cidr: '10.20.0.0/24', institutionId: school, kind: 'pupils' },
      { cidr: '2001:db8:5::/48', institutionId: school, kind: 'staff' },
    ]);
    expect(setup.keywords).toEqual([{ id: keywordId, folded: 'kazino' }]);
    expect(setup.lists).toEqual([expect.objectContaining({ categoryCode: 'gambling' })]);
    expect(setup.retentionDays).toBe(7);
    for (const authorization of [undefined, 'Bearer wrong-token-wrong-token-wrong', 'Basic x']) {
      const refused = await t.app.inject({
        method: 'GET',
        url: '/api/safety/node/log-setup',
        headers: authorization ? { authorization } : {},
      });
      expect(refused.statusCode).toBe(401);
    }
  });

  it('adds counts, takes a batch once, and adds a second batch to the first', async () => {
    const first = await post(batch('gen-0-100.0'));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ batchId: 'gen-0-100.0', queries: 10, blocked: 2, keywordHits: 1 });
    const again = await post(batch('gen-0-100.0'));
    expect(again.statusCode).toBe(409);
    expect(again.json<Err>().error.message).toContain('gen-0-100.0');
    expect((await post(batch('gen-100-200.0'))).statusCode).toBe(200);
    const db = t.database.db;
    expect(
      await rows(
        db,
        sql`select queries::int, blocked::int from safety_query_hour where institution_id = ${school}`,
      ),
    ).toEqual([{ queries: 20, blocked: 4 }]);
    expect(
      await rows(db, sql`select count::int from safety_blocked_hour where institution_id = ${school}`),
    ).toEqual([{ count: 4 }]);
    expect(
      await rows(
        db,
        sql`select domain, count::int from safety_blocked_domain_day where institution_id = ${school}`,
      ),
    ).toEqual([{ domain: 'casino.example', count: 4 }]);
    expect(await rows(db, sql`select domain from safety_keyword_hit`)).toEqual([
      { domain: 'xn--80aodfsg.com' },
    ]);
    expect(await rows(db, sql`select sum(unattributed)::int as n from safety_log_batch`)).toEqual([{ n: 6 }]);
  });

  it('refuses a bad batch with 4xx naming the field, and adds nothing of it', async () => {
    const before = await rows(t.database.db, sql`select sum(queries)::int as n from safety_query_hour`);
    const cases: [unknown, string][] = [
      [
        batch('b1', {
          queries: [
            {
              institutionId: school,
              hour: '2026-12-07T09:30:00.000Z',
              networkKind: 'pupils',
              queries: 1,
              blocked: 0,
            },
          ],
        }),
        'queries.0.hour',
      ],
      [
        batch('b2', {
          queries: [{ institutionId: 999_999, hour, networkKind: 'pupils', queries: 1, blocked: 0 }],
        }),
        'queries.0.institutionId',
      ],
      [
        batch('b3', { keywordHits: [{ keywordId: 999_999, domain: 'x.example' }] }),
        'keywordHits.0.keywordId',
      ],
      [batch('b4', { blocked: [...batch('x').blocked, ...batch('x').blocked] }), 'blocked.1'],
      [
        batch('b5', {
          queries: [
            { institutionId: school, hour, networkKind: 'teachers' as 'staff', queries: 1, blocked: 0 },
          ],
        }),
        'queries.0.networkKind',
      ],
      [batch('bad id!'), 'batchId'],
      [
        batch('b8', { blocked: [{ ...batch('x').blocked[0]!, hour: '2026-13-45T09:00:00Z' }] }),
        'blocked.0.hour',
      ],
      [
        batch('b9', { queries: [{ ...batch('x').queries[0]!, hour: '0000-01-01T00:00:00Z' }] }),
        'queries.0.hour',
      ],
      [
        { ...batch('b6'), domains: [{ ...batch('x').domains[0]!, domain: 'Casino.Example' }] },
        'domains.0.domain',
      ],
      [{ ...batch('b7'), unattributed: -1 }, 'unattributed'],
    ];
    for (const [payload, field] of cases) {
      const res = await post(payload);
      expect(res.statusCode, field).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, field).toBeLessThan(500);
      expect(JSON.stringify(res.json<Err>().error.details), field).toContain(field);
    }
    expect(await rows(t.database.db, sql`select sum(queries)::int as n from safety_query_hour`)).toEqual(
      before,
    );
    // Refused batches were not taken: sent right, they are.
    expect((await post(batch('b2'))).statusCode).toBe(200);
  });

  it('keeps the daily rollups of the days a batch touches, summed from the hourly rows', async () => {
    const db = t.database.db;
    const day = (table: string, where = sql``) =>
      rows(
        db,
        sql`select day::text as day, ${sql.raw(table === 'safety_query_day' ? 'queries' : 'count')}::int as n
            from ${sql.raw(table)} where true ${where} order by day`,
      );
    // Hourly rows of earlier days with no rollup yet (as after a restore, or from before the rollups).
    await db.execute(sql`insert into safety_blocked_hour (institution_id, hour, category_code, count) values
      (${school}, '2026-12-05T19:00:00Z', 'gambling', 5),
      (${school}, '2026-12-05T20:00:00Z', 'gambling', 7)`);
    expect(await day('safety_blocked_day', sql`and day < '2026-12-07'`)).toEqual([]);
    // 20:00 UTC is midnight in Baku: a batch in that hour touches the school day of 2026-12-06 only.
    const late = '2026-12-05T20:00:00.000Z';
    const res = await post(
      batch('late-0', {
        queries: [{ institutionId: school, hour: late, networkKind: 'staff', queries: 3, blocked: 1 }],
        blocked: [{ institutionId: school, hour: late, categoryCode: 'gambling', count: 1 }],
        domains: [],
        keywordHits: [],
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(await day('safety_blocked_day', sql`and institution_id = ${school}`)).toEqual([
      { day: '2026-12-06', n: 8 },
      { day: '2026-12-07', n: 6 },
    ]);
    expect(await day('safety_query_day', sql`and institution_id = ${school}`)).toEqual([
      { day: '2026-12-06', n: 3 },
      { day: '2026-12-07', n: 30 },
    ]);
    // The area's days are its schools' sums.
    expect(await day('safety_blocked_area_day')).toEqual([
      { day: '2026-12-06', n: 8 },
      { day: '2026-12-07', n: 6 },
    ]);
    expect(
      await rows(
        db,
        sql`select day::text, queries::int, blocked::int from safety_query_area_day order by day`,
      ),
    ).toEqual([
      { day: '2026-12-06', queries: 3, blocked: 1 },
      { day: '2026-12-07', queries: 30, blocked: 6 },
    ]);
  });

  it('forgets batches older than the longest raw-log retention, with the next batch', async () => {
    const db = t.database.db;
    await db.execute(sql`update safety_log_batch set received_at = now() - interval '91 days'
      where batch_id = 'gen-0-100.0'`);
    await db.execute(sql`update safety_log_batch set received_at = now() - interval '89 days'
      where batch_id = 'gen-100-200.0'`);
    expect(
      (await post(batch('purge-0', { queries: [], blocked: [], domains: [], keywordHits: [] }))).statusCode,
    ).toBe(200);
    const ids = (await rows<{ id: string }>(db, sql`select batch_id as id from safety_log_batch`)).map(
      (r) => r.id,
    );
    expect(ids).not.toContain('gen-0-100.0');
    expect(ids).toContain('gen-100-200.0');
    expect(ids).toContain('purge-0');
  });

  it('refuses counts without a node token', async () => {
    expect((await post(batch('nt'), { authorization: '' })).statusCode).toBe(401);
    // Before its body is read: a malformed body from a caller without a token is still 401, not a 400.
    const junk = await post({ batchId: 7, queries: 'x' }, { authorization: '' });
    expect(junk.statusCode).toBe(401);
  });
});
