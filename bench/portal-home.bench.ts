import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/server/app';
import { rows, type Database } from '@/server/db/database';
import { seed } from '@/seed/seed';
import { testConfig } from '@test/harness';
import { percentile, withDatabase } from './support';

/**
 * The portal's home for a visitor (no account), on the `national` seed (about 4,500 schools, every region and
 * district) with 50,000 news items and 20,000 events generated in SQL (`insert … select generate_series`):
 * the nation's, the areas' and the schools' in the proportions the portal has (mostly schools), published over
 * three years, some scheduled for later and some drafts; events over two years, a fifth repeating weekly.
 * `GET /api/portal/home` through the whole app with `app.inject`, as a visitor sees it twice: the nation's
 * (no area) and near the district with the most schools (`?areaId=`), in az and ru. Goal: p95 under 30 ms.
 * Each kind twice: as served (the answer kept from an earlier request, the revision read) and as computed
 * (the portal's data revision raised just before, as any write raises it, so the answer is worked out afresh).
 *
 * Baseline in the same run: `GET /api/health` (one `select 1` through the same app), timed alternately with
 * the home; the ratio of the p95s is reported.
 *
 * PostgreSQL only (DATABASE_URL): the national seed is what the goal is about. BENCH_RUNS sets the timed
 * requests of each kind (default 200); BENCH_ARTICLES and BENCH_EVENTS the generated items.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 50_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const WARMUP = 20;
const GOAL_MS = 30;

if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('BENCH_RUNS must be a whole number');
if (!Number.isInteger(ARTICLES) || ARTICLES < 100) throw new Error('BENCH_ARTICLES must be at least 100');
if (!Number.isInteger(EVENTS) || EVENTS < 100) throw new Error('BENCH_EVENTS must be at least 100');

/**
 * News items and events in bulk: 5% the nation's, 20% an area's (round the areas), 75% a school's (round the
 * schools), each with its place path as the portal stores it.
 */
export async function generate(database: Database, articles: number, events: number): Promise<void> {
  const db = database.db;
  const text = (az: string, ru: string, en: string, i: string) =>
    sql.raw(`jsonb_build_object('az', '${az} ' || ${i}, 'ru', '${ru} ' || ${i}, 'en', '${en} ' || ${i})`);
  /** The place of row i: its kind, area, school and path. */
  const places = (count: number) => sql`
    with a as (
      select id, path, (row_number() over (order by id) - 1)::int as k
      from institutions_area where kind <> 'country'),
    s as (
      select i.id, i.area_id, a.path, (row_number() over (order by i.id) - 1)::int as k
      from institutions_institution i join institutions_area a on a.id = i.area_id),
    n as (select (select count(*)::int from a) as areas, (select count(*)::int from s) as schools),
    g as (
      select i, case when i % 20 = 0 then 'nation' when i % 5 = 1 then 'area' else 'institution' end as kind
      from generate_series(1, ${count}::int) i),
    p as (
      select g.i, g.kind,
        case g.kind when 'area' then a.id when 'institution' then s.area_id end as area_id,
        case g.kind when 'institution' then s.id end as institution_id,
        case g.kind when 'area' then a.path when 'institution' then s.path else '{}'::int[] end as place_path
      from g cross join n
      left join a on g.kind = 'area' and a.k = g.i % n.areas
      left join s on g.kind = 'institution' and s.k = g.i % n.schools)`;
  await db.execute(sql`${places(articles)}
    insert into portal_article (place_kind, area_id, institution_id, place_path, title, summary, body, tags,
      publish_at)
    select p.kind, p.area_id, p.institution_id, p.place_path,
      ${text('Xəbər', 'Новость', 'News', 'p.i')}, ${text('Qısa məzmun', 'Кратко', 'Summary', 'p.i')},
      jsonb_build_object('az', '<p>Mətn ' || p.i || '</p>', 'ru', '', 'en', ''),
      array[(array['olimpiada', 'imtahan', 'tədbir', 'elm'])[1 + p.i % 4]],
      case when p.i % 50 = 7 then null
           when p.i % 50 = 9 then now() + make_interval(days => 1 + p.i % 30)
           else now() - make_interval(mins => (p.i * 31) % (3 * 365 * 24 * 60)) end
    from p`);
  await db.execute(sql`${places(events)}
    , t as (
      select p.*, date_trunc('hour', now()) + make_interval(hours => (p.i * 37) % (2 * 365 * 24) - 365 * 24) as s,
        p.i % 5 = 0 as weekly
      from p)
    insert into portal_event (place_kind, area_id, institution_id, place_path, title, description, starts_at,
      ends_at, time_zone, repeat, repeat_count, last_ends_at, venue, capacity, published)
    select t.kind, t.area_id, t.institution_id, t.place_path,
      ${text('Tədbir', 'Событие', 'Event', 't.i')}, ${text('Təsvir', 'Описание', 'About', 't.i')},
      t.s, t.s + interval '2 hours', 'Asia/Baku',
      case when t.weekly then 'weekly' end, case when t.weekly then 10 end,
      t.s + interval '2 hours' + case when t.weekly then interval '9 weeks' else interval '0' end,
      'Zal ' || t.i, case when t.i % 3 = 0 then 100 end, t.i % 40 <> 3
    from t`);
}

interface Timed {
  ms: number[];
}

async function time(app: FastifyInstance, url: string, headers: Record<string, string>, into: Timed) {
  const started = performance.now();
  const res = await app.inject({ method: 'GET', url, headers });
  into.ms.push(performance.now() - started);
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return res;
}

async function measure(database: Database): Promise<string[]> {
  const seeded = await seed(database, { scale: 'national', seed: 1, production: false });
  const started = performance.now();
  await generate(database, ARTICLES, EVENTS);
  const generatedMs = performance.now() - started;
  await database.db.execute(sql`analyze`);
  const [counts] = await rows<{ articles: number; events: number }>(
    database.db,
    sql`select (select count(*)::int from portal_article) as articles,
               (select count(*)::int from portal_event) as events`,
  );
  const [district] = await rows<{ id: number }>(
    database.db,
    sql`select a.id from institutions_area a join institutions_institution i on i.area_id = a.id
        where a.kind in ('district', 'city') group by a.id order by count(*) desc, a.id limit 1`,
  );
  const app = await buildApp(testConfig(), database);
  const driver = database.driver;
  try {
    await app.ready();
    const kinds = {
      nation: '/api/portal/home',
      area: `/api/portal/home?areaId=${district!.id}`,
    } as const;
    const langs = [{ cookie: 'maktab_lang=az' }, { cookie: 'maktab_lang=ru' }];
    const timed = {
      nation: { ms: [] },
      area: { ms: [] },
      'nation-computed': { ms: [] },
      'area-computed': { ms: [] },
      health: { ms: [] },
    } as Record<string, Timed>;
    // The home is kept while the portal's data revision holds: raised (as any write does) before a computed one.
    const change = () =>
      database.db.execute(sql`update maktab_data_revision set revision = revision + 1 where name = 'portal'`);
    const scratch: Timed = { ms: [] };
    for (let i = 0; i < WARMUP; i++) {
      for (const url of Object.values(kinds)) await time(app, url, langs[i % 2]!, scratch);
      await time(app, '/api/health', {}, scratch);
    }
    // What a visitor is shown, once: enough news and events that the home is not empty.
    const sample = (await app.inject({ url: kinds.area })).json<{ news: unknown[]; events: unknown[] }>();
    // Served first (nothing written meanwhile), then computed, each alternating with the baseline.
    for (const computed of [false, true]) {
      for (let i = 0; i < RUNS; i++) {
        const order = i % 2 === 0 ? (['nation', 'area'] as const) : (['area', 'nation'] as const);
        for (const k of order) {
          await time(app, '/api/health', {}, timed.health!);
          if (computed) await change();
          await time(app, kinds[k], langs[i % 2]!, timed[computed ? `${k}-computed` : k]!);
        }
      }
    }
    const p = (t: Timed, q: number) =>
      percentile(
        [...t.ms].sort((a, b) => a - b),
        q,
      );
    const health95 = p(timed.health!, 0.95);
    const line = (k: string) => {
      const p95 = p(timed[k]!, 0.95);
      return (
        `portal-home-${k} ${driver}: p50 ${p(timed[k]!, 0.5).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${RUNS} ` +
        `(goal < ${GOAL_MS} ms)${p95 < GOAL_MS ? '' : ' MISSED'}; /api/health p95 ${health95.toFixed(1)} ms, ` +
        `ratio ${(p95 / health95).toFixed(1)}`
      );
    };
    return [
      `portal-home ${driver}: national seed, ${seeded.institutions.toLocaleString('en')} institutions, ` +
        `${counts!.articles.toLocaleString('en')} news items and ${counts!.events.toLocaleString('en')} events ` +
        `(generated in ${(generatedMs / 1000).toFixed(1)} s); near the largest district: ${sample.news.length} news, ` +
        `${sample.events.length} events shown`,
      line('nation'),
      line('area'),
      line('nation-computed'),
      line('area-computed'),
    ];
  } finally {
    await app.close();
  }
}

/** PostgreSQL (DATABASE_URL) only. */
export async function run(report: (line: string) => void): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    report('portal-home: skipped (set DATABASE_URL to a PostgreSQL server; the goal is for PostgreSQL)');
    return;
  }
  for (const line of await withDatabase(url, measure)) report(line);
}
