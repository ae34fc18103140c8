import { sql } from 'drizzle-orm';
import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import { seed } from '@/seed/seed';
import { createTestDatabase, login, testConfig } from '@test/harness';

/**
 * All indicators for the whole country, broken down by economic region (`GET /api/monitoring/indicators?by=region`),
 * on the `national` seed (4,500 institutions, three academic years of registry records), computed live from the
 * registry on every request. The bureau's demo account asks, through the whole app (session, access, validation,
 * serialisation) with `app.inject`; WARMUP requests first, then RUNS timed one after another. Goal: p95 under
 * 100 ms on PostgreSQL (reported for PGlite too, without a goal). The seed's own time is reported as well.
 *
 * After seeding, the tables are analysed (as autovacuum would soon do), so the planner sees their real sizes.
 * BENCH_RUNS sets the number of timed requests (default 50).
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const WARMUP = 5;
const GOAL_MS = 100;
const URL = '/api/monitoring/indicators?by=region';

if (!Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`BENCH_RUNS must be a whole number of requests, not ${process.env.BENCH_RUNS}`);
}

/** The value below which `p` of the sorted samples fall (nearest rank). */
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

async function measure(database: Database): Promise<string[]> {
  const seeded = await seed(database, { scale: 'national', seed: 1, production: false });
  await database.db.execute(sql`analyze`);
  const app = await buildApp(testConfig(), database);
  try {
    await app.ready();
    const session = await login(app, 'bureau', 'demo');
    const ask = async () => {
      const started = performance.now();
      const res = await session.inject({ method: 'GET', url: URL });
      const ms = performance.now() - started;
      if (res.statusCode !== 200) throw new Error(`GET ${URL}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return { ms, groups: res.json<{ groups: unknown[] }>().groups.length };
    };
    for (let i = 0; i < WARMUP; i++) await ask();
    const times: number[] = [];
    let groups = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = await ask();
      times.push(r.ms);
      groups = r.groups;
    }
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 0.5);
    const p95 = percentile(times, 0.95);
    const postgres = database.driver === 'postgres';
    return [
      `seed-national ${database.driver}: ${seeded.institutions.toLocaleString('en')} institutions with three years of registry records in ${(seeded.ms / 1000).toFixed(1)} s`,
      `indicators-by-region ${database.driver}: ${groups} regions, p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${RUNS} requests` +
        (postgres
          ? ` (goal p95 < ${GOAL_MS} ms)${p95 < GOAL_MS ? '' : ' MISSED'}`
          : ' (no goal on the embedded database)'),
    ];
  } finally {
    await app.close();
  }
}

/** Opens a throw-away database (PGlite in memory, or a new database on DATABASE_URL's server, dropped after). */
async function withDatabase<T>(
  url: string | undefined,
  body: (database: Database) => Promise<T>,
): Promise<T> {
  const saved = process.env.DATABASE_URL;
  if (url) process.env.DATABASE_URL = url;
  else delete process.env.DATABASE_URL;
  let database: Database;
  try {
    database = await createTestDatabase();
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  }
  try {
    return await body(database);
  } finally {
    await database.close();
  }
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export async function run(report: (line: string) => void): Promise<void> {
  for (const line of await withDatabase(undefined, measure)) report(line);
  const url = process.env.DATABASE_URL;
  if (url) for (const line of await withDatabase(url, measure)) report(line);
}
