import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Database } from '@/server/db/database';
import { dataRevision, RevisionCache } from '@/server/revision';
import { createTestDatabase } from '@test/harness';
import { createAreas } from '@test/factories';

const NAMES = sql`select string_agg(name_en, ',' order by id) as names from institutions_area`;

describe('data revisions', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  const rename = (name: string) =>
    database.db.execute(sql`update institutions_area set name_en = ${name} where parent_id is not null`);

  it('rises once for each committed transaction that changes the group, however many rows it changed', async () => {
    await createAreas(database.db);
    const before = await dataRevision(database.db, 'registry');
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`update institutions_area set name_en = name_en || '.'`);
      await tx.execute(sql`update institutions_area set name_en = name_en || '.'`);
      // Not before the commit: the new revision becomes visible together with the data.
      expect(await dataRevision(tx, 'registry')).toBe(before);
    });
    expect(await dataRevision(database.db, 'registry')).toBe(before + 1);
    await rename('Again');
    expect(await dataRevision(database.db, 'registry')).toBe(before + 2);
  });

  it('stays where it was when the transaction rolls back', async () => {
    const before = await dataRevision(database.db, 'registry');
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`update institutions_area set name_en = 'Rolled back'`);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await dataRevision(database.db, 'registry')).toBe(before);
  });

  it('keeps an answer while the revision holds, and computes it afresh after a change', async () => {
    const cache = new RevisionCache<string>(['registry'], 10);
    let computed = 0;
    const names = () =>
      cache.get(database.db, 'names', async () => {
        computed++;
        const [row] = await rows<{ names: string }>(database.db, NAMES);
        return row!.names;
      });
    await rename('First');
    const first = await names();
    expect(await names()).toBe(first);
    expect(computed).toBe(1);
    await rename('Second');
    const second = await names();
    expect(second).toContain('Second');
    expect(second).not.toContain('First');
    expect(computed).toBe(2);
    // Inside a transaction nothing is kept or served from what was kept: it may see its own changes.
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(
          sql`update institutions_area set name_en = 'Uncommitted' where parent_id is not null`,
        );
        const inside = await cache.get(tx, 'names', async () => {
          const [row] = await rows<{ names: string }>(tx, NAMES);
          return row!.names;
        });
        expect(inside).toContain('Uncommitted');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await names()).toBe(second);
  });
});
