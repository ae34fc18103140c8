import type { Db } from '@/server/db/database';
import { AppError, type FieldProblem } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import { MAX_YEAR, MIN_YEAR } from '@/server/schema';
import '@/modules/safety/safety.logs.messages';
import * as store from '@/modules/safety/safety.logs.store';
import { rebuildTouched } from '@/modules/safety/safety.rollup.store';
import { RETENTION_DAYS } from '@/modules/safety/safety.reports.schema';
import type { CountsBatch, CountsResult, LogSetup } from '@/modules/safety/safety.logs.schema';

/**
 * The resolvers' logs: a node reads what it needs to count its log (networks, keywords, the lists'
 * categories, how long to keep its raw log), and sends counts — never an address — in batches, each taken once
 * and added in one transaction.
 */

export const logSetup = (db: Db): Promise<LogSetup> => store.readLogSetup(db);

const problem = (locale: Locale, field: string, rule: string): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `safetyLogs.rule.${rule}`)}`,
});

/** Checks what the schema cannot: the schools and keywords exist, and no row is there twice. */
async function check(db: Db, locale: Locale, batch: CountsBatch): Promise<void> {
  const problems: FieldProblem[] = [];
  const institutionIds = [
    ...new Set([...batch.queries, ...batch.blocked, ...batch.domains].map((r) => r.institutionId)),
  ];
  const known = await store.existingInstitutions(db, institutionIds);
  const keywords = await store.existingKeywords(db, [...new Set(batch.keywordHits.map((h) => h.keywordId))]);
  const hour = (text: string) => Date.parse(text);
  const each = <T extends { institutionId: number }>(name: string, list: T[], key: (row: T) => string) => {
    const seen = new Set<string>();
    list.forEach((row, i) => {
      if (!known.has(row.institutionId))
        problems.push(problem(locale, `${name}.${i}.institutionId`, 'unknown_institution'));
      const k = key(row);
      if (seen.has(k)) problems.push(problem(locale, `${name}.${i}`, 'duplicate'));
      seen.add(k);
    });
  };
  const badHour = (text: string) => {
    const time = hour(text);
    const year = Number.isNaN(time) ? 0 : new Date(time).getUTCFullYear();
    return (
      year < MIN_YEAR || year > MAX_YEAR || new Date(time).toISOString().slice(0, 13) !== text.slice(0, 13)
    );
  };
  const hours = (name: string, list: { hour: string }[]) =>
    list.forEach((r, i) => {
      if (badHour(r.hour)) problems.push(problem(locale, `${name}.${i}.hour`, 'hour'));
    });
  hours('queries', batch.queries);
  hours('blocked', batch.blocked);
  each('queries', batch.queries, (r) => `${r.institutionId}|${hour(r.hour)}|${r.networkKind}`);
  each('blocked', batch.blocked, (r) => `${r.institutionId}|${hour(r.hour)}|${r.categoryCode}`);
  each('domains', batch.domains, (r) => `${r.institutionId}|${r.day}|${r.domain}`);
  batch.keywordHits.forEach((h, i) => {
    if (!keywords.has(h.keywordId))
      problems.push(problem(locale, `keywordHits.${i}.keywordId`, 'unknown_keyword'));
  });
  if (problems.length > 0) throw new AppError(422, 'safetyLogs.invalid', {}, problems.slice(0, 50));
}

/**
 * Adds counts to the hourly tables and sums again the daily rollups of the days they touch, in the caller's
 * transaction; how many keyword hits were new. The ingest's path, and the demo seed's.
 */
export async function addCounts(
  tx: Db,
  counts: Pick<CountsBatch, 'queries' | 'blocked' | 'domains' | 'keywordHits'>,
): Promise<number> {
  await store.addQueryHours(tx, counts.queries);
  await store.addBlockedHours(tx, counts.blocked);
  await store.addDomainDays(tx, counts.domains);
  await rebuildTouched(tx, [...counts.queries, ...counts.blocked]);
  return store.addKeywordHits(tx, counts.keywordHits);
}

/**
 * How long a batch's id is kept (so a repeat is refused): the longest raw-log retention a node may have. A node
 * reads no log older than its raw files, so an older batch cannot come again.
 */
export const BATCH_KEEP_DAYS = Math.max(...RETENTION_DAYS);

/** Adds a node's batch of counts, once: a batch id the node sent before is refused with 409. */
export async function ingest(
  db: Db,
  locale: Locale,
  nodeId: number,
  batch: CountsBatch,
): Promise<CountsResult> {
  await check(db, locale, batch);
  const queries = batch.queries.reduce((s, r) => s + r.queries, 0);
  const blocked = batch.queries.reduce((s, r) => s + r.blocked, 0);
  return db.transaction(async (tx) => {
    const fresh = await store.takeBatch(tx, nodeId, batch.batchId, {
      queries,
      blocked,
      unattributed: batch.unattributed,
    });
    if (!fresh) throw new AppError(409, 'safetyLogs.repeat', { batchId: batch.batchId });
    const keywordHits = await addCounts(tx, batch);
    await store.purgeBatches(tx, BATCH_KEEP_DAYS);
    return { batchId: batch.batchId, queries, blocked, keywordHits };
  });
}
