import { sql } from 'drizzle-orm';
import { rows, type Database } from '@/server/db/database';
import { createAreas, createInstitution } from '@test/factories';
import { createNode } from '@/modules/safety/safety.node.auth';
import { categories, keywords } from '@/modules/safety/safety.tables';
import { LogCollector, splitCounts } from '@/modules/safety/safety.logs.collect';
import { ingest } from '@/modules/safety/safety.logs.service';
import type { LogSetup } from '@/modules/safety/safety.logs.schema';
import { withDatabase } from './support';

/**
 * A day of Unbound's log for 4,311 schools (50 million queries, 5% of them blocked in 20 categories; set
 * BENCH_SAFETY_LOG_QUERIES for a smaller day), generated line by line in memory as Unbound 1.17.1 writes them
 * (`log-queries`, `rpz-log` with `rpz-log-name`), parsed, counted by the collector and ingested minute by minute
 * (the agent's default `--interval 60`) through the service, as a node's batches are. Reports the time, lines
 * per second, and the size kept in the database (the three count tables). The baseline in the same run:
 * generating the same lines and only splitting them at spaces, the least any reader does.
 */

const QUERIES = Number(process.env.BENCH_SAFETY_LOG_QUERIES ?? 50_000_000);
const SCHOOLS = 4311;
const DAY = Date.UTC(2026, 11, 7) / 1000 - 4 * 3600; // midnight at school (Asia/Baku)
const CATEGORIES = 20;

if (!Number.isInteger(QUERIES) || QUERIES < 1000)
  throw new Error(
    `BENCH_SAFETY_LOG_QUERIES must be a whole number ≥ 1000, not ${process.env.BENCH_SAFETY_LOG_QUERIES}`,
  );

/** A small deterministic generator (xorshift32). */
function random(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

const pupils = (i: number) => `10.${i >> 8}.${i & 255}`;
const staff = (i: number) => `172.${16 + (i >> 8)}.${i & 255}`;

/** The day's lines, a minute at a time, in time order. */
function* generate(): Generator<string[]> {
  const next = random(42);
  const names = Array.from({ length: 100_000 }, (_, i) => `host${i}.site${i % 9000}.example`);
  const blockedNames = Array.from({ length: 10_000 }, (_, i) =>
    i % 50 === 0 ? `xn--80aodfsg${i}.com` : `bad${i}.cat${i % CATEGORIES}.example`,
  );
  const types = ['A', 'AAAA', 'HTTPS', 'A', 'AAAA', 'A'];
  let minute: string[] = [];
  let minuteOf = Math.floor(DAY / 60);
  for (let q = 0; q < QUERIES; q++) {
    const time = DAY + Math.floor((q * 86_400) / QUERIES);
    if (Math.floor(time / 60) !== minuteOf) {
      yield minute;
      minute = [];
      minuteOf = Math.floor(time / 60);
    }
    const school = Math.floor(next() * SCHOOLS);
    const client = `${next() < 0.8 ? pupils(school) : staff(school)}.${1 + Math.floor(next() * 250)}`;
    const blocked = next() < 0.05;
    const b = blocked ? Math.floor(next() * blockedNames.length) : 0;
    const name = blocked ? blockedNames[b]! : names[Math.floor(next() * names.length)]!;
    const type = types[q % types.length]!;
    minute.push(`[${time}] unbound[2211:0] info: ${client} ${name}. ${type} IN`);
    if (blocked)
      minute.push(
        `[${time}] unbound[2211:0] info: rpz: applied [c_cat${b % CATEGORIES}] ${name}. rpz-local-data ${client}@${40000 + (q % 20000)} ${name}. ${type} IN`,
      );
  }
  yield minute;
}

async function measure(database: Database): Promise<string[]> {
  const db = database.db;
  const areas = await createAreas(db);
  const setup: LogSetup = { networks: [], keywords: [], lists: [], retentionDays: 7 };
  for (let i = 0; i < SCHOOLS; i++) {
    const { id } = await createInstitution(db, areas.district);
    setup.networks.push({ cidr: `${pupils(i)}.0/24`, institutionId: id, kind: 'pupils' });
    setup.networks.push({ cidr: `${staff(i)}.0/24`, institutionId: id, kind: 'staff' });
  }
  const [category] = await db
    .insert(categories)
    .values({
      code: 'gambling',
      name: { az: 'Q', ru: 'А', en: 'G' },
      description: { az: '', ru: '', en: '' },
    })
    .returning();
  for (const word of ['kazino', 'casino', 'bet', 'poker', 'porn', 'xxx', 'slot', 'qumar', 'loto', 'vpn']) {
    const [k] = await db
      .insert(keywords)
      .values({ categoryId: category!.id, keyword: word, language: 'en', folded: word })
      .returning();
    setup.keywords.push({ id: k!.id, folded: word });
  }
  const node = await createNode(db, 'bench');

  // Baseline: the lines, only split.
  let fields = 0;
  let lines = 0;
  let started = performance.now();
  for (const minute of generate()) {
    lines += minute.length;
    for (const line of minute) fields += line.split(' ').length;
  }
  const baseline = (performance.now() - started) / 1000;

  // Parsed and counted, without the database.
  let collector = new LogCollector(setup);
  started = performance.now();
  for (const minute of generate()) for (const line of minute) collector.add(line);
  const collected = (performance.now() - started) / 1000;

  // Parsed, counted, and ingested a minute at a time, as the agent sends its batches.
  collector = new LogCollector(setup);
  let batches = 0;
  let rowsSent = 0;
  let ingestSeconds = 0;
  let minuteIndex = 0;
  started = performance.now();
  for (const minute of generate()) {
    for (const line of minute) collector.add(line);
    const t0 = performance.now();
    for (const batch of splitCounts(`bench-${minuteIndex++}`, collector.take())) {
      await ingest(db, 'en', node.id, batch);
      batches++;
      rowsSent +=
        batch.queries.length + batch.blocked.length + batch.domains.length + batch.keywordHits.length;
    }
    ingestSeconds += (performance.now() - t0) / 1000;
  }
  const total = (performance.now() - started) / 1000;

  const [sums] = await rows<{ queries: number; blocked: number }>(
    db,
    sql`select sum(queries)::bigint as queries, sum(blocked)::bigint as blocked from safety_query_hour`,
  );
  if (
    Number(sums!.queries) +
      Number(
        (
          await rows<{ n: number }>(db, sql`select coalesce(sum(unattributed), 0) as n from safety_log_batch`)
        )[0]!.n,
      ) !==
    QUERIES
  )
    throw new Error(`counted ${sums!.queries} queries of ${QUERIES}`);
  const sizes = await rows<{ name: string; rows: number; bytes: number }>(
    db,
    sql`select t as name, (select count(*) from safety_query_hour where t = 'safety_query_hour')
               + (select count(*) from safety_blocked_hour where t = 'safety_blocked_hour')
               + (select count(*) from safety_blocked_domain_day where t = 'safety_blocked_domain_day') as rows,
               pg_total_relation_size(t::regclass) as bytes
          from unnest(array['safety_query_hour', 'safety_blocked_hour', 'safety_blocked_domain_day']) t`,
  );
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en')} lines/s`;
  const kept = sizes.reduce((s, r) => s + Number(r.bytes), 0);
  const d = database.driver;
  return [
    `safety-logs ${d}: a day of ${QUERIES.toLocaleString('en')} queries for ${SCHOOLS} schools, ` +
      `${lines.toLocaleString('en')} log lines (${Number(sums!.blocked).toLocaleString('en')} blocked), ${fields > 0 ? 'generated in memory' : ''}`,
    `safety-logs ${d}: baseline (generate and split at spaces) ${baseline.toFixed(1)} s, ${rate(lines, baseline)}`,
    `safety-logs ${d}: parse and count ${collected.toFixed(1)} s, ${rate(lines, collected)} ` +
      `(${(collected / baseline).toFixed(2)}× the baseline's time)`,
    `safety-logs ${d}: parse, count and ingest minute by minute ${total.toFixed(1)} s, ${rate(lines, total)} ` +
      `(${(total / baseline).toFixed(2)}× the baseline's time); ingest ${ingestSeconds.toFixed(1)} s for ` +
      `${batches.toLocaleString('en')} batches, ${rowsSent.toLocaleString('en')} rows`,
    `safety-logs ${d}: kept ${mb(kept)} for the day: ` +
      sizes
        .map((r) => `${r.name} ${Number(r.rows).toLocaleString('en')} rows ${mb(Number(r.bytes))}`)
        .join(', '),
  ];
}

/** PGlite, and PostgreSQL too when DATABASE_URL is set; BENCH_SAFETY_LOG_PGLITE=0 skips PGlite (a big day). */
export async function run(report: (line: string) => void): Promise<void> {
  if (process.env.BENCH_SAFETY_LOG_PGLITE !== '0')
    for (const line of await withDatabase(undefined, measure)) report(line);
  const url = process.env.DATABASE_URL;
  if (url) for (const line of await withDatabase(url, measure)) report(line);
}
