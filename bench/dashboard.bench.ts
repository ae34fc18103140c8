import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { buildApp } from '@/server/app';
import { rows, type Database } from '@/server/db/database';
import { seed } from '@/seed/seed';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import { login, testConfig, type Session } from '@test/harness';
import { percentile, withDatabase } from './support';

/**
 * The ICT bureau's national dashboard (`/dashboard`) on the `national` seed (about 4,500 schools): every API
 * call the page makes on load, made at once as the browser does, through the whole app (session, access,
 * validation, serialisation) with `app.inject`. Two versions in the same run, alternately:
 *
 *   before  the map and school list from `GET /api/monitoring/schools?limit=5000` (every school, whole record)
 *   now     the map from `GET /api/monitoring/map` (ids, places, status numbers); the list is paged and only
 *           shown at the bottom of the area tree, so the national page does not ask for it
 *
 * Reported: the bytes of the JSON answers, raw and gzipped (zlib's default level, as @fastify/compress), with
 * the time they take at 1.6 Mbit/s (Lighthouse's slow mobile link), and the time until every answer is in
 * ("ready"): cold, the first load after a change to the registry (every kept answer computed afresh — as
 * after a start), and warm, answers kept. Goal: the whole dashboard's JSON under 300 KB gzipped. One school's
 * answer (a dot tapped) and a page of the list (50 schools, what a district dashboard asks) are reported too.
 *
 * BENCH_RUNS sets the number of warm loads of each version (default 20); cold loads are a quarter of them.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const COLD_RUNS = Math.max(2, Math.ceil(RUNS / 4));
const GOAL_BYTES = 300 * 1024;
/** Lighthouse's simulated slow 4G: 1.6 Mbit/s down. */
const SLOW_LINK_BITS_PER_S = 1.6e6;

if (!Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`BENCH_RUNS must be a whole number of loads, not ${process.env.BENCH_RUNS}`);
}

/** What every version of the page asks on load: the session, the area tree, the headline table, the trends. */
const COMMON = ['/api/me', '/api/areas', '/api/monitoring/indicators?by=region', '/api/monitoring/trends'];
const VERSIONS = {
  before: [...COMMON, '/api/monitoring/schools?limit=5000'],
  now: [...COMMON, '/api/monitoring/map'],
} as const;
type Version = keyof typeof VERSIONS;

interface Load {
  ms: number;
  raw: number;
  gzip: number;
  /** Bytes of each answer, by address. */
  parts: Record<string, { raw: number; gzip: number }>;
}

async function load(session: Session, urls: readonly string[]): Promise<Load> {
  const started = performance.now();
  const answers = await Promise.all(
    urls.map(async (url) => {
      const res = await session.inject({ method: 'GET', url });
      if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return { url, body: res.rawPayload };
    }),
  );
  const ms = performance.now() - started;
  const parts: Load['parts'] = {};
  for (const a of answers) parts[a.url] = { raw: a.body.length, gzip: gzipSync(a.body).length };
  const sum = (k: 'raw' | 'gzip') => Object.values(parts).reduce((n, p) => n + p[k], 0);
  return { ms, raw: sum('raw'), gzip: sum('gzip'), parts };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const slow = (bytes: number) => `${((bytes * 8) / SLOW_LINK_BITS_PER_S).toFixed(1)} s`;
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);

async function measure(database: Database): Promise<string[]> {
  const seeded = await seed(database, { scale: 'national', seed: 1, production: false });
  await database.db.execute(sql`analyze`);
  const app = await buildApp(testConfig(), database);
  const driver = database.driver;
  try {
    await app.ready();
    const session = await login(app, 'bureau', 'demo');
    // A change to one school's record makes every kept answer stale: the next load computes all afresh.
    const [school] = await rows<{ id: number }>(
      database.db,
      sql`select r.institution_id as id from infrastructure_school_year r
          join institutions_academic_year y on y.id = r.academic_year_id and y.is_current
          order by r.institution_id limit 1`,
    );
    let flip = 1;
    const change = async () => {
      flip = -flip;
      await database.db.execute(sql`update infrastructure_school_year
        set teachers = coalesce(teachers, 0) + ${flip}
        where institution_id = ${school!.id}
          and academic_year_id = (select id from institutions_academic_year where is_current)`);
    };

    const cold: Record<Version, Load[]> = { before: [], now: [] };
    const warm: Record<Version, Load[]> = { before: [], now: [] };
    // Cold first, the very first load after the start included; the versions take turns going first.
    for (let i = 0; i < COLD_RUNS; i++) {
      const order: Version[] = i % 2 === 0 ? ['before', 'now'] : ['now', 'before'];
      for (const v of order) {
        await change();
        cold[v].push(await load(session, VERSIONS[v]));
      }
    }
    for (let i = 0; i < RUNS; i++) {
      for (const v of i % 2 === 0 ? (['before', 'now'] as const) : (['now', 'before'] as const)) {
        warm[v].push(await load(session, VERSIONS[v]));
      }
    }

    // A dot tapped, and a page of a district's list: what the new dashboard asks after loading.
    const map = JSON.parse((await session.inject({ method: 'GET', url: '/api/monitoring/map' })).body) as {
      id: number[];
      total: number;
    };
    const [district] = await rows<{ id: number }>(
      database.db,
      sql`select a.id from ${areas} a join ${institutions} i on i.area_id = a.id
          where a.kind in ('district', 'city') group by a.id order by count(*) desc limit 1`,
    );
    const extra = await load(session, [
      `/api/monitoring/schools/${map.id[0]}`,
      `/api/monitoring/schools?areaId=${district!.id}&limit=50`,
    ]);

    const p = (list: Load[], q: number) =>
      percentile(
        list.map((l) => l.ms).sort((a, b) => a - b),
        q,
      );
    const line = (v: Version) => {
      const last = warm[v].at(-1)!;
      return (
        `dashboard-${v} ${driver}: ${VERSIONS[v].length} requests, ${kb(last.raw)} raw (${slow(last.raw)} at 1.6 Mbit/s), ` +
        `${kb(last.gzip)} gzip (${slow(last.gzip)}); ready cold p50 ${ms(p(cold[v], 0.5))} (max ${ms(p(cold[v], 1))}) ` +
        `over ${COLD_RUNS}, warm p50 ${ms(p(warm[v], 0.5))} p95 ${ms(p(warm[v], 0.95))} over ${RUNS}`
      );
    };
    const parts = (v: Version) =>
      Object.entries(warm[v].at(-1)!.parts)
        .map(([url, b]) => `${url.replace('/api', '')} ${kb(b.raw)}/${kb(b.gzip)}`)
        .join(', ');
    const before = warm.before.at(-1)!;
    const now = warm.now.at(-1)!;
    const detail = Object.values(extra.parts);
    return [
      `seed-national ${driver}: ${seeded.institutions.toLocaleString('en')} institutions, ${map.total.toLocaleString('en')} on the dashboard (${map.id.length.toLocaleString('en')} placed), seeded in ${(seeded.ms / 1000).toFixed(1)} s`,
      line('before'),
      line('now'),
      `dashboard-now ${driver}: answers raw/gzip: ${parts('now')}; before, the school list alone: ${kb(before.parts['/api/monitoring/schools?limit=5000']!.raw)}/${kb(before.parts['/api/monitoring/schools?limit=5000']!.gzip)}`,
      `dashboard-now ${driver}: ${(before.raw / now.raw).toFixed(1)}× fewer bytes raw, ${(before.gzip / now.gzip).toFixed(1)}× gzip; ready ` +
        `${(p(cold.before, 0.5) / p(cold.now, 0.5)).toFixed(1)}× sooner cold, ${(p(warm.before, 0.5) / p(warm.now, 0.5)).toFixed(1)}× warm ` +
        `(goal < ${kb(GOAL_BYTES)} gzip)${now.gzip < GOAL_BYTES ? '' : ' MISSED'}`,
      `dashboard-now ${driver}: afterwards, a dot tapped ${kb(detail[0]!.raw)}/${kb(detail[0]!.gzip)}, ` +
        `a page of 50 of the largest district's schools ${kb(detail[1]!.raw)}/${kb(detail[1]!.gzip)} (raw/gzip), both in ${ms(extra.ms)}`,
    ];
  } finally {
    await app.close();
  }
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export async function run(report: (line: string) => void): Promise<void> {
  for (const line of await withDatabase(undefined, measure)) report(line);
  const url = process.env.DATABASE_URL;
  if (url) for (const line of await withDatabase(url, measure)) report(line);
}
