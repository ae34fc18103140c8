import { sql } from 'drizzle-orm';
import { buildApp } from '@/server/app';
import { rows, type Database } from '@/server/db/database';
import { createUserWithRole } from '@test/factories';
import { testConfig } from '@test/harness';
import { loadCountryPackFrom } from '@/modules/institutions/country-pack';
import { percentile, withDatabase } from './support';

/**
 * Library search on 100,000 published resources (generated in SQL: Azerbaijani Latin titles, some in the old
 * Cyrillic script, some Russian; every type, grade and subject), through the whole app with `app.inject`:
 * `GET /api/library/search` with a mix of queries — plain words, words to fold (ə, ş, Cyrillic), prefixes,
 * typos, filters, no words at all — each answering its page, total and facet counts. Goals: p95 under 150 ms
 * on PGlite and under 50 ms on PostgreSQL.
 *
 * Baseline in the same run: `GET /api/library/resources/:id` (a primary-key lookup through the same app),
 * timed alternately with the searches; the ratio of the p95s is reported.
 *
 * BENCH_RESOURCES sets the number of resources (default 100,000); BENCH_RUNS the timed searches (default 100).
 */

const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const WARMUP = 10;
const GOAL_MS = { pglite: 150, postgres: 50 } as const;

if (!Number.isInteger(RESOURCES) || RESOURCES < 1000)
  throw new Error('BENCH_RESOURCES must be at least 1000');
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('BENCH_RUNS must be a whole number');

export const QUERIES = [
  'q=mekteb',
  `q=${encodeURIComponent('məktəb')}`,
  `q=${encodeURIComponent('Мәктәб')}`,
  'q=riyaziyyat&grade=5',
  'q=kesrler',
  'q=hendese',
  'q=mektb',
  'q=riyaziyat',
  `q=${encodeURIComponent('школа')}`,
  'q=alqor',
  'q=fizika&type=video_lesson',
  'type=tv_lesson&language=az',
  'q=kimya&subject=chemistry&level=general',
  `q=${encodeURIComponent('dövri sistem')}`,
  'duration=short&grade=7',
];

/** Fills the library with published resources in one statement per batch. */
export async function generate(database: Database, count: number, editorId: number): Promise<void> {
  const batch = 20_000;
  for (let from = 1; from <= count; from += batch) {
    const to = Math.min(count, from + batch - 1);
    await database.db.execute(sql`
      insert into library_resource (type, state, title, description, language, level, grades, subject_code,
        authors, publisher, channel, air_date, duration_seconds, licence, accessibility, created_by, published_at)
      select t.type, 'published',
        (array['Məktəb', 'Riyaziyyat', 'Kəsrlər', 'Fizika', 'Həndəsə', 'Tənliklər', 'Ədəbiyyat', 'Tarix',
               'Coğrafiya', 'Kimya', 'Biologiya', 'İnformatika', 'Alqoritmlər', 'Üçbucaqlar', 'Dövri sistem',
               'Мәктәб', 'Һәндәсә', 'Школа', 'Математика', 'Şeir'])[1 + (i * 7) % 20]
          || ' ' || (array['və həyat', 'dərsi', 'üzrə məşğələ', 'təcrübə', 'mövzusu', 'sualları', 'oyunu',
               'layihəsi', 'kitabı', 'testləri', 'нә үчүн', 'дәрси', 'урок', 'задачи', 'izahı', 'qaydaları',
               'nümunələr', 'tapşırıqlar', 'video', 'təqdimat'])[1 + (i * 13) % 20]
          || ' — ' || (1 + i % 11) || '-ci sinif, № ' || i,
        'Ümumtəhsil məktəbləri üçün dərs materialı ' || i,
        (array['az', 'az', 'az', 'ru', 'en'])[1 + i % 5],
        (array['general', 'general', 'general', 'vocational', 'higher'])[1 + (i / 3) % 5],
        array[(1 + i % 11)::smallint],
        (array['mathematics', 'physics', 'chemistry', 'informatics', 'biology', 'literature', 'geography'])[1 + i % 7],
        array['Müəllif ' || (i % 500)],
        'Təhsil Nazirliyi',
        case when t.type = 'tv_lesson' then 'İdman Azərbaycan' end,
        case when t.type = 'tv_lesson' then date '2020-09-15' + (i % 600) end,
        case when t.type in ('video_lesson', 'tv_lesson', 'audio_lesson') then 120 + (i * 37) % 3000 end,
        'cc_by', '{}', ${editorId}, now() - make_interval(secs => i)
      from generate_series(${from}::int, ${to}::int) as i,
        lateral (select (array['video_lesson', 'tv_lesson', 'audio_lesson', 'e_textbook', 'teacher_guide',
          'steam_project', 'extracurricular_reading', 'worksheet', 'other'])[1 + i % 9] as type) t`);
  }
  // As autovacuum would soon do after a bulk load: merges GIN pending lists, gives the planner the sizes.
  await database.db.execute(sql`vacuum analyze library_resource`);
}

async function measure(database: Database): Promise<string[]> {
  await loadCountryPackFrom(database.db);
  const editor = await createUserWithRole(database.db, 'editor');
  const started = performance.now();
  await generate(database, RESOURCES, editor.id);
  const generated = performance.now() - started;
  const app = await buildApp(testConfig(), database);
  try {
    await app.ready();
    const ids = (
      await rows<{ id: number }>(database.db, sql`select id from library_resource order by id limit 1000`)
    ).map((r) => r.id);
    const time = async (url: string) => {
      const t0 = performance.now();
      const res = await app.inject({ method: 'GET', url });
      const ms = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return { ms, body: res.body };
    };
    for (let i = 0; i < WARMUP; i++) {
      await time(`/api/library/search?${QUERIES[i % QUERIES.length]}`);
      await time(`/api/library/resources/${ids[i]}`);
    }
    const times: number[] = [];
    const baseline: number[] = [];
    let hits = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = await time(`/api/library/search?${QUERIES[i % QUERIES.length]}`);
      times.push(r.ms);
      hits += (JSON.parse(r.body) as { total: number }).total > 0 ? 1 : 0;
      baseline.push((await time(`/api/library/resources/${ids[(i * 7) % ids.length]}`)).ms);
    }
    if (hits < RUNS * 0.9) throw new Error(`only ${hits} of ${RUNS} searches found anything`);
    times.sort((a, b) => a - b);
    baseline.sort((a, b) => a - b);
    const p50 = percentile(times, 0.5);
    const p95 = percentile(times, 0.95);
    const base95 = percentile(baseline, 0.95);
    const goal = GOAL_MS[database.driver];
    return [
      `library-generate ${database.driver}: ${RESOURCES.toLocaleString('en')} resources in ${(generated / 1000).toFixed(1)} s`,
      `library-search ${database.driver}: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${RUNS} searches ` +
        `(${QUERIES.length} kinds); ${(p95 / base95).toFixed(1)}× the p95 of a primary-key lookup ` +
        `(GET /api/library/resources/:id, ${base95.toFixed(2)} ms) (goal p95 < ${goal} ms)` +
        (p95 < goal ? '' : ' MISSED'),
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
