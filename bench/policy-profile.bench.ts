import { sql } from 'drizzle-orm';
import { buildApp } from '@/server/app';
import { rows, type Database } from '@/server/db/database';
import { seed } from '@/seed/seed';
import { liveFigures } from '@/modules/policy/policy.figures';
import { login, testConfig } from '@test/harness';
import { percentile, withDatabase } from './support';

/**
 * The whole country profile generated from the `national` seed (4,500 institutions, the registry's three
 * academic years, and the profile's own texts and first edition), through the whole app with `app.inject`:
 * the web/JSON edition (`GET /api/policy/profile`), the PDF (`GET /api/policy/profile/pdf`), and publishing an
 * edition (the profile in all three languages, stored). Goals: p95 under 2 s for JSON, under 5 s for the PDF.
 * Baseline in the same run: the live figures catalogue alone (`liveFigures`, the indicators every profile
 * quotes), timed on the database; the ratio of the p95s is reported. WARMUP requests first, then RUNS timed
 * ones (BENCH_RUNS, default 10).
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const WARMUP = 2;
const JSON_GOAL_MS = 2000;
const PDF_GOAL_MS = 5000;

if (!Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`BENCH_RUNS must be a whole number of requests, not ${process.env.BENCH_RUNS}`);
}

interface Answer {
  sections: { figures: { key: string; value: number | null }[] }[];
}

async function measure(database: Database): Promise<string[]> {
  const started = performance.now();
  await seed(database, { scale: 'national', seed: 1, production: false });
  await database.db.execute(sql`analyze`);
  const seeded = performance.now() - started;
  const app = await buildApp(testConfig(), database);
  try {
    await app.ready();
    const session = await login(app, 'bureau', 'demo');
    const time = async (url: string, method: 'GET' | 'POST' = 'GET', payload?: object) => {
      const t0 = performance.now();
      const res = await session.inject({ method, url, payload });
      const ms = performance.now() - t0;
      if (res.statusCode >= 300)
        throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return { ms, res };
    };
    const baselineOnce = async () => {
      const t0 = performance.now();
      await liveFigures(database.db, 'az');
      return performance.now() - t0;
    };
    for (let i = 0; i < WARMUP; i++) {
      await time('/api/policy/profile?lang=az');
      await time('/api/policy/profile/pdf?lang=az');
      await baselineOnce();
    }
    const json: number[] = [];
    const pdf: number[] = [];
    const baseline: number[] = [];
    let answer: Answer | null = null;
    let pdfBytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const lang = (['az', 'ru', 'en'] as const)[i % 3];
      const j = await time(`/api/policy/profile?lang=${lang}`);
      json.push(j.ms);
      answer = j.res.json<Answer>();
      const p = await time(`/api/policy/profile/pdf?lang=${lang}`);
      pdf.push(p.ms);
      pdfBytes = p.res.rawPayload.length;
      baseline.push(await baselineOnce());
    }
    // Fresh after a change: a school loses its internet links and gets them back, and the next profile must
    // show it each time (the figures' caches are dropped by the change, so all is computed afresh).
    const [school] = await rows<{ id: number; yearId: number }>(
      database.db,
      sql`select l.institution_id as id, l.academic_year_id as "yearId" from infrastructure_internet_link l
          join institutions_academic_year y on y.id = l.academic_year_id and y.is_current
          order by 1 limit 1`,
    );
    const links = await rows<Record<string, unknown>>(
      database.db,
      sql`select * from infrastructure_internet_link where institution_id = ${school!.id} and academic_year_id = ${school!.yearId}`,
    );
    const connectedOf = (a: Answer) =>
      a.sections.flatMap((s) => s.figures).find((x) => x.key === 'schools_connected')!.value!;
    let expected = connectedOf(answer!);
    const cold: number[] = [];
    const coldBaseline: number[] = [];
    const toggle = async (i: number) => {
      if (i % 2 === 0) {
        await database.db.execute(sql`delete from infrastructure_internet_link
          where institution_id = ${school!.id} and academic_year_id = ${school!.yearId}`);
        expected -= 1;
      } else {
        await database.db.execute(sql`insert into infrastructure_internet_link
          select * from json_populate_recordset(null::infrastructure_internet_link, ${JSON.stringify(links)}::json)`);
        expected += 1;
      }
    };
    // Each change is followed by either the profile or, as the baseline, the figures catalogue alone.
    for (let i = 0; i < 2 * RUNS; i++) {
      await toggle(i);
      if (i % 4 < 2) {
        const r = await time('/api/policy/profile?lang=az');
        const got = connectedOf(r.res.json<Answer>());
        if (got !== expected) throw new Error(`the change did not show: ${got}, expected ${expected}`);
        cold.push(r.ms);
      } else coldBaseline.push(await baselineOnce());
    }
    cold.sort((a, b) => a - b);
    coldBaseline.sort((a, b) => a - b);
    // Publishing: the profile in all three languages, generated and stored as the next edition.
    const editions = await time('/api/policy/profile/editions');
    const version = editions.res.json<{ version: number }>().version;
    const published = await time('/api/policy/profile/editions', 'POST', {
      version,
      note: { az: 'Bench', ru: 'Bench', en: 'Bench' },
    });
    for (const list of [json, pdf, baseline]) list.sort((a, b) => a - b);
    const f = (ms: number) => ms.toFixed(0);
    const j95 = percentile(json, 0.95);
    const p95 = percentile(pdf, 0.95);
    const b95 = percentile(baseline, 0.95);
    const figures = answer!.sections.reduce((n, s) => n + s.figures.length, 0);
    const connected = answer!.sections.flatMap((s) => s.figures).find((x) => x.key === 'schools_connected');
    return [
      `policy-profile ${database.driver}: national seed in ${(seeded / 1000).toFixed(1)} s; ${answer!.sections.length} sections, ${figures} figures (schools connected: ${connected?.value ?? '—'})`,
      `policy-profile ${database.driver}: web/JSON edition: p50 ${f(percentile(json, 0.5))} ms, p95 ${f(j95)} ms over ${RUNS} requests (goal p95 < ${JSON_GOAL_MS} ms)${j95 < JSON_GOAL_MS ? '' : ' MISSED'}; ` +
        `baseline, the figures catalogue alone: p50 ${f(percentile(baseline, 0.5))} ms, p95 ${f(b95)} ms; ratio ${(j95 / b95).toFixed(2)}`,
      `policy-profile ${database.driver}: PDF: p50 ${f(percentile(pdf, 0.5))} ms, p95 ${f(p95)} ms over ${RUNS} requests, ${(pdfBytes / 1024).toFixed(0)} KiB (goal p95 < ${PDF_GOAL_MS} ms)${p95 < PDF_GOAL_MS ? '' : ' MISSED'}; ratio to the figures alone ${(p95 / b95).toFixed(2)}`,
      `policy-profile ${database.driver}: first web/JSON edition after a school's connection changed (shown every time): p50 ${f(percentile(cold, 0.5))} ms, p95 ${f(percentile(cold, 0.95))} ms over ${RUNS} changes (goal p95 < ${JSON_GOAL_MS} ms)${percentile(cold, 0.95) < JSON_GOAL_MS ? '' : ' MISSED'}; ` +
        `baseline, the figures catalogue alone after a change: p50 ${f(percentile(coldBaseline, 0.5))} ms, p95 ${f(percentile(coldBaseline, 0.95))} ms; ratio ${(percentile(cold, 0.95) / percentile(coldBaseline, 0.95)).toFixed(2)}`,
      `policy-profile ${database.driver}: publishing an edition (three languages generated and stored): ${f(published.ms)} ms`,
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
