import { sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { rows, type Db } from '@/server/db/database';

/**
 * Data revisions: a number per group of tables that every committed change to one of them raises, in the
 * same commit (triggers in migrations/0003_data_revision.sql). Reading it costs one primary-key lookup, so
 * an answer that is expensive to compute from those tables can be kept and served again for as long as the
 * revision stays the same — on every app node, and a change shows in the next answer, on every node.
 */

/**
 * The groups of tables that have a revision; the migrations that create a module's tables give them their
 * triggers (`registry`: institutions and the ICT registry; `allocation`: plans, applications and awards;
 * `staff`: role grants; `training`: schools' counts of teachers' competence levels, and the year's targets;
 * `portal`: the portal's news items and events).
 */
export type RevisionGroup = 'registry' | 'allocation' | 'staff' | 'training' | 'portal';

/** The current revision of a group of tables (0 before its first change). */
export async function dataRevision(db: Db, group: RevisionGroup): Promise<number> {
  const [row] = await rows<{ revision: number }>(
    db,
    sql`select revision::float8 as revision from maktab_data_revision where name = ${group}`,
  );
  return row?.revision ?? 0;
}

/** The revisions of several groups at once, as one key (`registry:12,allocation:3`). */
export async function dataRevisions(db: Db, groups: readonly RevisionGroup[]): Promise<string> {
  const found = await rows<{ name: string; revision: number }>(
    db,
    sql`select name, revision::float8 as revision from maktab_data_revision
        where name = any(${`{${groups.join(',')}}`}::text[])`,
  );
  return groups.map((g) => `${g}:${found.find((r) => r.name === g)?.revision ?? 0}`).join(',');
}

/**
 * Answers computed from a group's tables, kept while its revision holds. The revision is read before the
 * computation: a change commits together with its new revision, so an answer may be newer than the revision
 * it is kept under (and is then just recomputed once more) but never older. Requests that miss together share
 * one computation. When the revision moves on, everything kept under the old one is dropped. Answers are
 * kept per database, and never inside a transaction: it may see its own changes before they are committed.
 */
export class RevisionCache<T> {
  private readonly byDatabase = new WeakMap<Db, { revision: string; kept: Map<string, Promise<T>> }>();

  /**
   * `groups` are the groups of tables the answers are computed from; `max` bounds how many answers are kept
   * at once per database (the oldest is dropped first).
   */
  constructor(
    private readonly groups: readonly RevisionGroup[],
    private readonly max: number,
  ) {}

  /** The answer for `key`, computed by `compute` unless kept from a request under the same revision. */
  async get(db: Db, key: string, compute: () => Promise<T>): Promise<T> {
    if (db instanceof PgTransaction) return compute();
    const revision = await dataRevisions(db, this.groups);
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
