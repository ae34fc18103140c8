import { sql } from 'drizzle-orm';
import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import { createAreas, createUserWithRole } from '@test/factories';
import { login, testConfig } from '@test/harness';
import { rebuildDays } from '@/modules/safety/safety.rollup.store';
import { percentile, withDatabase } from './support';

/**
 * The ministry's report of blocked queries over a month (`GET /api/safety/reports/blocked`, by category and
 * by district, per day) on generated counts: 4,311 schools, school hours (08:00–18:00) of 30 days, three
 * categories an hour — about 3.9 million rows of `safety_blocked_hour` and 2.6 million of `safety_query_hour`.
 * The daily rollups are summed from those rows as the ingest would (`rebuildDays`), and timed apart. The
 * baseline in the same run is `GET /api/health`. BENCH_RUNS sets the timed requests (default 20);
 * BENCH_SAFETY_DAYS the days generated (default 30); DATABASE_URL runs it on PostgreSQL.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const DAYS = Number(process.env.BENCH_SAFETY_DAYS ?? 30);
const SCHOOLS = 4311;

async function measure(database: Database): Promise<string[]> {
  const db = database.db;
  const areas = await createAreas(db);
  const loadStarted = performance.now();
  await db.execute(sql`
    insert into institutions_institution (code, kind, name_az, name_ru, name_en, area_id, ownership, locality, levels, shifts)
    select 'B' || n, 'general_school', 'Məktəb ' || n, 'Школа ' || n, 'School ' || n,
      case when n % 2 = 0 then ${areas.district}::int else ${areas.otherDistrict}::int end,
      'public', 'urban', '{primary}', 1
    from generate_series(1, ${SCHOOLS}) n`);
  await db.execute(sql`
    insert into safety_blocked_hour (institution_id, hour, category_code, count)
    select i.id, h, c, 1 + (i.id * 7 + extract(hour from h)::int * 3 + length(c)) % 17
    from institutions_institution i,
      generate_series(timestamptz '2026-11-01 04:00:00+00', timestamptz '2026-11-01 04:00:00+00' + ${`${DAYS - 1} days`}::interval, interval '1 day') d,
      generate_series(0, 9) k, unnest(array['games', 'social_networks', 'gambling']) c,
      lateral (select d + k * interval '1 hour' as h) x
    where i.code like 'B%'`);
  await db.execute(sql`
    insert into safety_query_hour (institution_id, hour, network_kind, queries, blocked)
    select i.id, d + k * interval '1 hour', 'pupils', 1500, 30
    from institutions_institution i,
      generate_series(timestamptz '2026-11-01 04:00:00+00', timestamptz '2026-11-01 04:00:00+00' + ${`${DAYS - 1} days`}::interval, interval '1 day') d,
      generate_series(0, 9) k
    where i.code like 'B%'`);
  const loadMs = performance.now() - loadStarted;
  // The daily rollups, as the ingest keeps them (summed from the hourly rows for the days touched).
  const to = new Date(Date.parse('2026-11-01') + (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const rollupStarted = performance.now();
  await rebuildDays(db, '2026-11-01', to);
  const rollupMs = performance.now() - rollupStarted;
  await db.execute(sql`analyze`);
  const bureau = await createUserWithRole(db, 'bureau');
  const app = await buildApp(testConfig(), database);
  try {
    await app.ready();
    const session = await login(app, bureau.username, bureau.password);
    const get = async (url: string) => {
      const started = performance.now();
      const res = await session.inject({ url });
      if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return performance.now() - started;
    };
    const urls = {
      category: `/api/safety/reports/blocked?from=2026-11-01&to=${to}&bucket=day&by=category`,
      district: `/api/safety/reports/blocked?from=2026-11-01&to=${to}&bucket=week&by=district`,
      health: '/api/health',
    };
    const times: Record<keyof typeof urls, number[]> = { category: [], district: [], health: [] };
    for (const url of Object.values(urls)) await get(url);
    for (let i = 0; i < RUNS; i++) {
      for (const [key, url] of Object.entries(urls)) times[key as keyof typeof urls].push(await get(url));
    }
    const p95 = (key: keyof typeof urls) =>
      percentile(
        [...times[key]].sort((a, b) => a - b),
        0.95,
      );
    const health = p95('health');
    return [
      `safety-reports (${database.driver}): ${SCHOOLS} schools × ${DAYS} days × 10 hours generated in ${(loadMs / 1000).toFixed(1)} s; daily rollups of the month summed in ${(rollupMs / 1000).toFixed(1)} s`,
      `safety-reports (${database.driver}): month by category, per day p95 ${p95('category').toFixed(0)} ms; by district, per week p95 ${p95('district').toFixed(0)} ms; GET /api/health p95 ${health.toFixed(1)} ms (ratios ${(p95('category') / Math.max(health, 0.01)).toFixed(0)}× and ${(p95('district') / Math.max(health, 0.01)).toFixed(0)}×)`,
    ];
  } finally {
    await app.close();
  }
}

export async function run(report: (line: string) => void): Promise<void> {
  for (const line of await withDatabase(process.env.DATABASE_URL, measure)) report(line);
}
