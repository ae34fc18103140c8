import { sql } from 'drizzle-orm';
import { buildApp } from '@/server/app';
import { rows, type Database } from '@/server/db/database';
import { seed } from '@/seed/seed';
import { login, testConfig } from '@test/harness';
import { percentile, withDatabase } from './support';

/**
 * All indicators for the whole country, broken down by economic region (`GET /api/monitoring/indicators?by=region`),
 * on the `national` seed (4,500 institutions, three academic years of registry records). The bureau's demo
 * account asks, through the whole app (session, access, validation, serialisation) with `app.inject`; WARMUP
 * requests first, then RUNS timed one after another. Goal: p95 under 100 ms on PostgreSQL (reported for
 * PGlite too, without a goal). The seed's own time is reported as well.
 *
 * Answers are kept until the registry changes (src/server/revision.ts), so two figures: requests while the
 * registry stays as it is (the goal), and the first request after each change to a school's record, which
 * computes everything afresh; the bench checks that this answer shows the change. As a baseline in the same
 * run, the same session's `GET /api/me` (the lightest signed-in request) is timed alternately with it, and
 * the ratio of the two p95s is reported.
 *
 * After seeding, the tables are analysed (as autovacuum would soon do), so the planner sees their real sizes.
 * BENCH_RUNS sets the number of timed requests (default 50).
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const WARMUP = 5;
const GOAL_MS = 100;
const URL = '/api/monitoring/indicators?by=region';
const BASELINE = '/api/me';

if (!Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`BENCH_RUNS must be a whole number of requests, not ${process.env.BENCH_RUNS}`);
}

interface Answer {
  groups: unknown[];
  total: { indicators: Record<string, { numerator: number | null }> };
}

async function measure(database: Database): Promise<string[]> {
  const seeded = await seed(database, { scale: 'national', seed: 1, production: false });
  await database.db.execute(sql`analyze`);
  const app = await buildApp(testConfig(), database);
  try {
    await app.ready();
    const session = await login(app, 'bureau', 'demo');
    const time = async (url: string) => {
      const started = performance.now();
      const res = await session.inject({ method: 'GET', url });
      const ms = performance.now() - started;
      if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return { ms, answer: JSON.parse(res.body) as Answer };
    };
    // A school whose record a director changes between requests: one trained teacher more or less.
    const [school] = await rows<{ id: number }>(
      database.db,
      sql`select r.institution_id as id from infrastructure_school_year r
          join institutions_academic_year y on y.id = r.academic_year_id and y.is_current
          where r.teachers_ict_trained > 0 order by r.institution_id limit 1`,
    );
    const change = (delta: number) =>
      database.db
        .execute(sql`update infrastructure_school_year set teachers_ict_trained = teachers_ict_trained + ${delta}
        where institution_id = ${school!.id} and academic_year_id = (select id from institutions_academic_year where is_current)`);
    const trained = (a: Answer) => a.total.indicators.ictTrainedTeachers!.numerator;

    for (let i = 0; i < WARMUP; i++) await Promise.all([time(URL), time(BASELINE)]);
    const warm: number[] = [];
    const cold: number[] = [];
    const baseline: number[] = [];
    let groups = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = await time(URL);
      warm.push(r.ms);
      groups = r.answer.groups.length;
      baseline.push((await time(BASELINE)).ms);
    }
    // After each change the next answer is computed afresh, and must show the change.
    let last = trained((await time(URL)).answer);
    for (let i = 0; i < RUNS; i++) {
      const delta = i % 2 === 0 ? -1 : 1;
      await change(delta);
      const r = await time(URL);
      if (trained(r.answer) !== last! + delta)
        throw new Error(`the change did not show: ${trained(r.answer)} after ${last} and ${delta}`);
      last = trained(r.answer);
      cold.push(r.ms);
    }
    for (const list of [warm, cold, baseline]) list.sort((x, y) => x - y);
    const p95 = percentile(warm, 0.95);
    const base95 = percentile(baseline, 0.95);
    const postgres = database.driver === 'postgres';
    const f = (ms: number) => ms.toFixed(1);
    return [
      `seed-national ${database.driver}: ${seeded.institutions.toLocaleString('en')} institutions with three years of registry records in ${(seeded.ms / 1000).toFixed(1)} s`,
      `indicators-by-region ${database.driver}: ${groups} regions; registry unchanged: p50 ${f(percentile(warm, 0.5))} ms, p95 ${f(p95)} ms ` +
        `over ${RUNS} requests, ${(p95 / base95).toFixed(1)}× the p95 of GET /api/me (${base95.toFixed(2)} ms)` +
        (postgres
          ? ` (goal p95 < ${GOAL_MS} ms)${p95 < GOAL_MS ? '' : ' MISSED'}`
          : ' (no goal on the embedded database)'),
      `indicators-by-region ${database.driver}: first request after a change to a school (recomputed, the change shown): ` +
        `p50 ${f(percentile(cold, 0.5))} ms, p95 ${f(percentile(cold, 0.95))} ms over ${RUNS} changes`,
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
