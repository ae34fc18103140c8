import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '@/server/db/database';

/** The one migration folder, shared by both drivers. */
export const migrationsFolder = fileURLToPath(new URL('../../../migrations', import.meta.url));

// Any fixed number: every app node that starts at once waits on this lock, so one migrates and the rest see it done.
const MIGRATION_LOCK = 7_104_2025;

/**
 * Brings the schema up to date: applies, in order and each in its own transaction, the migrations not yet
 * recorded in `maktab_migration`. Safe to run from several processes at once on a PostgreSQL server.
 * Returns the names of the migrations it applied.
 */
export async function migrate(database: Database): Promise<string[]> {
  const migrations = readMigrationFiles({ migrationsFolder });
  return database.withConnection(async (db) => {
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      await db.execute(sql`create table if not exists maktab_migration (
        hash text primary key, created_at bigint not null, applied_at timestamptz not null default now())`);
      const done = new Set(
        (await rows<{ hash: string }>(db, sql`select hash from maktab_migration`)).map((r) => r.hash),
      );
      const applied: string[] = [];
      for (const migration of migrations) {
        if (done.has(migration.hash)) continue;
        await db.transaction(async (tx) => {
          for (const statement of migration.sql) {
            if (statement.trim()) await tx.execute(sql.raw(statement));
          }
          await tx.execute(
            sql`insert into maktab_migration (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
          );
        });
        applied.push(String(migration.folderMillis));
      }
      return applied;
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  });
}
