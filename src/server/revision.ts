import { sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { rows, type Db } from '@/server/db/database';

/**
 * Data revisions: a number per group of tables that every committed change to one of them raises, in the
 * same commit (triggers in migrations/0007_data_revision.sql). Reading it costs one primary-key lookup, so
 * an answer that is expensive to compute from those tables can be kept and served again for as long as the
 * revision stays the same — on every app node, and a change shows in the next answer, on every node.
 */

/** The groups of tables that have a revision; each names the tables whose triggers raise it. */
export type RevisionGroup = 'registry';

/** The current revision of a group of tables (0 before its first change). */
export async function dataRevision(db: Db, group: RevisionGroup): Promise<number> {
  const [row] = await rows<{ revision: number }>(
    db,
    sql`select revision::float8 as revision from maktab_data_revision where name = ${group}`,
  );
  return row?.revision ?? 0;
}

/**
 * Answers computed from a group's tables, kept while its revision holds. The revision is read before the
 * computation: a change commits together with its new revision, so an answer may be newer than the revision
 * it is kept under (and is then just recomputed once more) but never older. Requests that miss together share
 * one computation. When the revision moves on, everything kept under the old one is dropped. Answers are
 * kept per database, and never inside a transaction: it may see its own changes before they are committed.
 */
export class RevisionCache<T> {
  private readonly byDatabase = new WeakMap<Db, { revision: number; kept: Map<string, Promise<T>> }>();

  /** `max` bounds how many answers are kept at once per database; the oldest is dropped first. */
  constructor(
    private readonly group: RevisionGroup,
    private readonly max: number,
  ) {}

  /** The answer for `key`, computed by `compute` unless kept from a request under the same revision. */
  async get(db: Db, key: string, compute: () => Promise<T>): Promise<T> {
    if (db instanceof PgTransaction) return compute();
    const revision = await dataRevision(db, this.group);
    let state = this.byDatabase.get(db);
    if (!state || state.revision !== revision) {
      state = { revision, kept: new Map() };
      this.byDatabase.set(db, state);
    }
    const { kept } = state;
    const found = kept.get(key);
    if (found) return found;
    const answer = compute();
    kept.set(key, answer);
    if (kept.size > this.max) kept.delete(kept.keys().next().value!);
    // A failure is not kept: the next request tries again.
    void answer.catch(() => {
      if (kept.get(key) === answer) kept.delete(key);
    });
    return answer;
  }
}
