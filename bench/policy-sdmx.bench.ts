import { sql } from 'drizzle-orm';
import { buildApp } from '@/server/app';
import { rows, type Database } from '@/server/db/database';
import { seed } from '@/seed/seed';
import { testConfig } from '@test/harness';
import { percentile, withDatabase } from './support';

/**
 * The SDMX-CSV open data (`GET /api/open/indicators/sdmx?by=region`: every academic year up to the current one,
 * the country and its economic regions) on the `national` seed (4,500 institutions, three years of registry
 * records), asked by a visitor through the whole app with `app.inject`. As the baseline in the same run, the JSON
 * open data it is made from — monitoring's and training's indicators of each of those years, by region — asked
 * the same way; the ratio says what SDMX adds to computing the indicators alone. Two figures each: with the
 * registry unchanged, and the first request after a change to one school's record (monitoring recomputes; the
 * training indicators are computed on every request anyway). BENCH_RUNS sets the timed requests (default 20).
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = 2;
const URL = '/api/open/indicators/sdmx?by=region';

if (!Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`BENCH_RUNS must be a whole number of requests, not ${process.env.BENCH_RUNS}`);
}

async function measure(database: Database): Promise<string[]> {
  await seed(database, { scale: 'national', seed: 1, production: false });
  await database.db.execute(sql`analyze`);
  const app = await buildApp(testConfig(), database);
  try {
    await app.ready();
    const years = await rows<{ code: string }>(
      database.db,
      sql`select code from institutions_academic_year
          where starts_on <= (select starts_on from institutions_academic_year where is_current) order by starts_on`,
    );
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url });
      if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return res.body;
    };
    const timed = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      return performance.now() - started;
    };
    const sdmx = () => get(URL);
    // What the file is made of: each year's indicators, as JSON open data.
    const json = async () => {
      for (const { code } of years) {
        await get(`/api/open/indicators?year=${code}&by=region`);
        await get(`/api/training/open/indicators?year=${code}&by=region`);
      }
    };
    const [school] = await rows<{ id: number }>(
      database.db,
      sql`select r.institution_id as id from infrastructure_school_year r
          join institutions_academic_year y on y.id = r.academic_year_id and y.is_current
          order by r.institution_id limit 1`,
    );
    const change = (i: number) =>
      database.db
        .execute(sql`update infrastructure_school_year set electricity_hours = ${i % 2 === 0 ? 23 : 24}
        where institution_id = ${school!.id} and academic_year_id = (select id from institutions_academic_year where is_current)`);

    for (let i = 0; i < WARMUP; i++) await Promise.all([sdmx(), json()]);
    const body = await sdmx();
    const lines = body.trimEnd().split('\r\n').length - 1;
    const warm = { sdmx: [] as number[], json: [] as number[] };
    const cold = { sdmx: [] as number[], json: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      warm.sdmx.push(await timed(sdmx));
      warm.json.push(await timed(json));
    }
    for (let i = 0; i < RUNS; i++) {
      await change(2 * i);
      cold.sdmx.push(await timed(sdmx));
      await change(2 * i + 1);
      cold.json.push(await timed(json));
    }
    for (const list of [warm.sdmx, warm.json, cold.sdmx, cold.json]) list.sort((x, y) => x - y);
    const f = (ms: number) => ms.toFixed(1);
    const line = (label: string, s: number[], j: number[]) =>
      `policy-sdmx ${database.driver}: ${label}: p50 ${f(percentile(s, 0.5))} ms, p95 ${f(percentile(s, 0.95))} ms ` +
      `over ${RUNS} requests; the JSON it is made from p50 ${f(percentile(j, 0.5))} ms ` +
      `(${(percentile(s, 0.5) / percentile(j, 0.5)).toFixed(2)}×)`;
    return [
      `policy-sdmx ${database.driver}: ${years.length} years, ${lines.toLocaleString('en')} observations, ` +
        `${(Buffer.byteLength(body) / 1024).toFixed(0)} KB`,
      line('registry unchanged', warm.sdmx, warm.json),
      line('first request after a change to a school', cold.sdmx, cold.json),
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
