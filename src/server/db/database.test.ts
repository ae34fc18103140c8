import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '@test/harness';
import { PREPARED_PER_CONNECTION, rows, type Db } from '@/server/db/database';

/**
 * PostgreSQL connections keep the application's parameterised statements prepared (parsed and planned once per
 * connection), a bounded number of them; everything else runs as before. PGlite has no such connections.
 */
describe.skipIf(!process.env.DATABASE_URL)('PostgreSQL connections', () => {
  const prepared = async (db: Db) =>
    rows<{ statement: string }>(
      db,
      sql`select statement from pg_prepared_statements where not from_sql and statement not like '%pg_prepared%'`,
    );

  it('keep each parameterised statement prepared once, answer as before, and name no more than the bound', async () => {
    const database = await createTestDatabase();
    try {
      await database.withConnection(async (db) => {
        for (const n of [1, 2, 3]) {
          expect(await rows<{ m: number }>(db, sql`select ${n}::int * 10 as m`)).toEqual([{ m: n * 10 }]);
        }
        expect((await prepared(db)).filter((p) => p.statement.includes('* 10 as m'))).toHaveLength(1);

        // A statement that fails when run stays usable, and transactions are untouched.
        await expect(rows(db, sql`select 1 / ${0}::int as m`)).rejects.toThrow();
        expect(await rows(db, sql`select 1 / ${1}::int as m`)).toEqual([{ m: 1 }]);
        await db.transaction(async (tx) => {
          expect(await rows(tx, sql`select ${5}::int as m`)).toEqual([{ m: 5 }]);
        });

        // Past the bound new statements run unnamed, and still answer.
        for (let i = 0; i < PREPARED_PER_CONNECTION + 20; i++) {
          const found = await rows<{ m: number }>(db, sql`select ${i}::int + ${sql.raw(String(i))} as m`);
          expect(found).toEqual([{ m: 2 * i }]);
        }
        const named = await prepared(db);
        expect(named.length).toBeLessThanOrEqual(PREPARED_PER_CONNECTION);
        expect(named.length).toBeGreaterThan(PREPARED_PER_CONNECTION - 10);
        // A statement named before the bound was reached stays named.
        expect(await rows<{ m: number }>(db, sql`select ${7}::int * 10 as m`)).toEqual([{ m: 70 }]);
        expect((await prepared(db)).length).toBe(named.length);
      });
    } finally {
      await database.close();
    }
  });
});
