import { sql } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import type {
  BlockedRow,
  DomainRow,
  KeywordHitRow,
  LogSetup,
  QueryRow,
} from '@/modules/safety/safety.logs.schema';

/** SQL of the resolvers' logs: what a node needs to count, and the counts added in. */

export async function readLogSetup(db: Db): Promise<LogSetup> {
  const networks = await rows<LogSetup['networks'][number]>(
    db,
    sql`select cidr::text as cidr, institution_id as "institutionId", kind from safety_network order by id`,
  );
  const keywords = await rows<LogSetup['keywords'][number]>(
    db,
    sql`select id, folded from safety_keyword order by id`,
  );
  const lists = await rows<LogSetup['lists'][number]>(
    db,
    sql`select l.id, c.code as "categoryCode"
          from safety_list l left join safety_category c on c.id = l.category_id
         where l.kind = 'block' order by l.id`,
  );
  const [setting] = await rows<{ days: number }>(
    db,
    sql`select log_retention_days as days from safety_setting where id = 1`,
  );
  return { networks, keywords, lists, retentionDays: setting?.days ?? 7 };
}

/** Of these institutions, those that exist. */
export async function existingInstitutions(db: Db, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const found = await rows<{ id: number }>(
    db,
    sql`select id from institutions_institution where id = any(${intArray(ids)})`,
  );
  return new Set(found.map((r) => r.id));
}

/** Of these keywords, those that exist. */
export async function existingKeywords(db: Db, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const found = await rows<{ id: number }>(
    db,
    sql`select id from safety_keyword where id = any(${intArray(ids)})`,
  );
  return new Set(found.map((r) => r.id));
}

/** Notes a batch as taken; false when this node sent it before. */
export async function takeBatch(
  db: Db,
  nodeId: number,
  batchId: string,
  totals: { queries: number; blocked: number; unattributed: number },
): Promise<boolean> {
  const taken = await rows<{ id: string }>(
    db,
    sql`insert into safety_log_batch (node_id, batch_id, queries, blocked, unattributed)
        values (${nodeId}, ${batchId}, ${totals.queries}, ${totals.blocked}, ${totals.unattributed})
        on conflict do nothing returning batch_id as id`,
  );
  return taken.length === 1;
}

/** Forgets batches received more than `days` days ago; how many. */
export async function purgeBatches(db: Db, days: number): Promise<number> {
  const [gone] = await rows<{ n: number }>(
    db,
    sql`with d as (delete from safety_log_batch where received_at < now() - make_interval(days => ${days}::int)
        returning 1) select count(*)::int as n from d`,
  );
  return gone?.n ?? 0;
}

// Each kind of row in one statement: the rows travel as one JSON parameter, and a row already there adds.

export async function addQueryHours(db: Db, list: QueryRow[]): Promise<void> {
  if (list.length === 0) return;
  await db.execute(sql`
    insert into safety_query_hour (institution_id, hour, network_kind, queries, blocked)
    select "institutionId", hour, "networkKind", queries, blocked
      from jsonb_to_recordset(${JSON.stringify(list)}::jsonb)
        as r("institutionId" int, hour timestamptz, "networkKind" text, queries bigint, blocked bigint)
    on conflict (institution_id, hour, network_kind) do update
      set queries = safety_query_hour.queries + excluded.queries,
          blocked = safety_query_hour.blocked + excluded.blocked`);
}

export async function addBlockedHours(db: Db, list: BlockedRow[]): Promise<void> {
  if (list.length === 0) return;
  await db.execute(sql`
    insert into safety_blocked_hour (institution_id, hour, category_code, count)
    select "institutionId", hour, "categoryCode", count
      from jsonb_to_recordset(${JSON.stringify(list)}::jsonb)
        as r("institutionId" int, hour timestamptz, "categoryCode" text, count bigint)
    on conflict (institution_id, hour, category_code) do update
      set count = safety_blocked_hour.count + excluded.count`);
}

export async function addDomainDays(db: Db, list: DomainRow[]): Promise<void> {
  if (list.length === 0) return;
  await db.execute(sql`
    insert into safety_blocked_domain_day (institution_id, day, domain, category_code, count)
    select "institutionId", day, domain, "categoryCode", count
      from jsonb_to_recordset(${JSON.stringify(list)}::jsonb)
        as r("institutionId" int, day date, domain text, "categoryCode" text, count bigint)
    on conflict (institution_id, day, domain) do update
      set count = safety_blocked_domain_day.count + excluded.count`);
}

/** Inserts keyword hits not yet known; how many were new. */
export async function addKeywordHits(db: Db, list: KeywordHitRow[]): Promise<number> {
  if (list.length === 0) return 0;
  const added = await rows<{ id: number }>(
    db,
    sql`insert into safety_keyword_hit (keyword_id, domain)
        select "keywordId", domain from jsonb_to_recordset(${JSON.stringify(list)}::jsonb)
          as r("keywordId" int, domain text)
        on conflict do nothing returning keyword_id as id`,
  );
  return added.length;
}
