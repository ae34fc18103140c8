import { sql } from 'drizzle-orm';
import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { login, testConfig } from '@test/harness';
import { areaPathOf, boardAt, type BoardRow } from '@/modules/portal/portal.discuss.store';
import { areas as areasTable } from '@/modules/institutions/institutions.tables';
import { percentile, withDatabase } from './support';

/**
 * The moderation queue (`GET /api/portal/moderation/queue`) of a district with 10,000 held posts (as the
 * district's regional officer), of its region (the region's officer: five districts, the other one with
 * 10,000 held posts and three more with 2,000 each) and of the nation (the ministry): each its first page of
 * 50 and a page from the middle by its keyset cursor. Beside them, 20,000 published posts that are not under
 * review. Goal: p95 under 50 ms. The baseline in the same run is `GET /api/health`. BENCH_RUNS sets the timed requests (default
 * 30); DATABASE_URL runs it on PostgreSQL.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const HELD = 10_000;
const MORE_DISTRICTS = 3;
const HELD_MORE = 2_000;

async function measure(database: Database): Promise<string[]> {
  const db = database.db;
  const areas = await createAreas(db);
  const school = await createInstitution(db, areas.district);
  const otherSchool = await createInstitution(db, areas.otherDistrict);
  const author = await createUserWithRole(db, 'student', { institutionId: school.id });
  const loadStarted = performance.now();
  const districtPath = (await areaPathOf(db, areas.district))!;
  const otherPath = (await areaPathOf(db, areas.otherDistrict))!;
  const boards = [
    await boardAt(db, 'students', {
      placeKind: 'institution',
      areaId: areas.district,
      institutionId: school.id,
      placePath: districtPath,
    }),
    await boardAt(db, 'parents', {
      placeKind: 'area',
      areaId: areas.district,
      institutionId: null,
      placePath: districtPath,
    }),
    await boardAt(db, 'students', {
      placeKind: 'institution',
      areaId: areas.otherDistrict,
      institutionId: otherSchool.id,
      placePath: otherPath,
    }),
  ];
  // Three more districts of the region, a school in each, with its pupils' board.
  const regionPath = districtPath.slice(0, -1);
  for (let i = 0; i < MORE_DISTRICTS; i++) {
    const [row] = await db
      .insert(areasTable)
      .values({
        code: `bench-d${i}-${Date.now()}`,
        kind: 'district',
        parentId: areas.region,
        nameAz: `D${i + 3}`,
        nameRu: `D${i + 3}`,
        nameEn: `D${i + 3}`,
        path: [...regionPath, 0],
      })
      .returning();
    await db.execute(
      sql`update institutions_area set path = ${`{${[...regionPath, row!.id].join(',')}}`}::int[] where id = ${row!.id}`,
    );
    const s = await createInstitution(db, row!.id);
    boards.push(
      await boardAt(db, 'students', {
        placeKind: 'institution',
        areaId: row!.id,
        institutionId: s.id,
        placePath: [...regionPath, row!.id],
      }),
    );
  }
  for (const b of boards)
    await db.execute(sql`insert into portal_thread (board_id, author_id, title)
      select ${b.id}, ${author.id}, 'Thread ' || n from generate_series(1, 100) n`);
  // Held posts: half on the school's board, half on the district's; as many in the other district; and
  // published posts not under review.
  const insert = async (boardIndex: number, count: number, held: boolean) => {
    const b: BoardRow = boards[boardIndex]!;
    await db.execute(sql`
      insert into portal_post (thread_id, board_id, opening, author_id, author_pupil, body, status, review, reasons,
        place_kind, area_id, institution_id, created_at, queued_at)
      select t.id, ${b.id}, false, ${author.id}, true, 'Post ' || n || ' of a pupil, waiting for a moderator.',
        ${held ? 'held' : 'published'}, ${held}, ${held ? sql`'{young}'::text[]` : sql`'{}'::text[]`},
        ${b.placeKind}, ${b.areaId}, ${b.institutionId},
        timestamptz '2026-11-01 08:00:00+00' + n * interval '7 seconds',
        timestamptz '2026-11-01 08:00:00+00' + n * interval '7 seconds'
      from generate_series(1, ${count}) n
      join lateral (select id from portal_thread where board_id = ${b.id} order by id offset (n % 100) limit 1) t on true`);
  };
  await insert(0, HELD / 2, true);
  await insert(1, HELD / 2, true);
  await insert(2, HELD, true);
  await insert(0, HELD, false);
  await insert(2, HELD, false);
  for (let i = 0; i < MORE_DISTRICTS; i++) await insert(3 + i, HELD_MORE, true);
  await db.execute(sql`analyze`);
  const loadMs = performance.now() - loadStarted;
  const regional = await createUserWithRole(db, 'regional', { areaId: areas.district });
  const regionOfficer = await createUserWithRole(db, 'regional', { areaId: areas.region });
  const ministry = await createUserWithRole(db, 'bureau');
  const app = await buildApp(testConfig(), database);
  try {
    await app.ready();
    const sessions = {
      district: await login(app, regional.username, regional.password),
      region: await login(app, regionOfficer.username, regionOfficer.password),
      nation: await login(app, ministry.username, ministry.password),
    };
    type Who = keyof typeof sessions;
    const get = async (who: Who, url: string) => {
      const started = performance.now();
      const res = await sessions[who].inject({ url });
      if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return { ms: performance.now() - started, body: res.json<{ items: unknown[]; next: string | null }>() };
    };
    // A cursor from the middle of each queue: walk 100 pages of 50.
    const middleOf = async (who: Who) => {
      let middle: string | null = null;
      for (let i = 0; i < 100; i++) {
        const page = await get(who, `/api/portal/moderation/queue${middle ? `?after=${middle}` : ''}`);
        if (page.body.items.length !== 50)
          throw new Error(`${who} page ${i}: ${page.body.items.length} items`);
        middle = page.body.next;
      }
      return middle!;
    };
    const cases: [string, Who, string][] = [['health', 'district', '/api/health']];
    for (const who of ['district', 'region', 'nation'] as const) {
      cases.push([`${who} first`, who, '/api/portal/moderation/queue']);
      cases.push([`${who} middle`, who, `/api/portal/moderation/queue?after=${await middleOf(who)}`]);
    }
    const times = new Map<string, number[]>(cases.map(([key]) => [key, []]));
    for (const [, who, url] of cases) await get(who, url);
    for (let i = 0; i < RUNS; i++)
      for (const [key, who, url] of cases) times.get(key)!.push((await get(who, url)).ms);
    const p95 = (key: string) =>
      percentile(
        [...times.get(key)!].sort((a, b) => a - b),
        0.95,
      );
    const health = p95('health');
    const goal = (ms: number) => (ms < 50 ? 'goal < 50 ms met' : 'MISSED goal < 50 ms');
    const heldAll = 2 * HELD + MORE_DISTRICTS * HELD_MORE;
    return [
      `portal-moderation (${database.driver}): ${HELD} held posts in the district, ${heldAll - HELD} more in its region (${2 + MORE_DISTRICTS} districts), ${2 * HELD} published, generated in ${(loadMs / 1000).toFixed(1)} s; GET /api/health p95 ${health.toFixed(1)} ms`,
      ...(['district', 'region', 'nation'] as const).map((who) => {
        const first = p95(`${who} first`);
        const mid = p95(`${who} middle`);
        return `portal-moderation (${database.driver}): ${who} queue, first page of 50 p95 ${first.toFixed(1)} ms (${goal(first)}, ${(first / Math.max(health, 0.01)).toFixed(0)}× health); a middle page by cursor p95 ${mid.toFixed(1)} ms (${goal(mid)}, ${(mid / Math.max(health, 0.01)).toFixed(0)}× health)`;
      }),
    ];
  } finally {
    await app.close();
  }
}

export async function run(report: (line: string) => void): Promise<void> {
  for (const line of await withDatabase(process.env.DATABASE_URL, measure)) report(line);
}
