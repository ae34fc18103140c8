import type { Database } from '@/server/db/database';
import { createTestDatabase } from '@test/harness';

/** What the benchmarks share: a throw-away database on either driver, and percentiles. */

/**
 * Opens a throw-away database — PGlite in memory when `url` is undefined, else a new database on that
 * PostgreSQL server, dropped after — runs `body` on it and closes it.
 */
export async function withDatabase<T>(
  url: string | undefined,
  body: (database: Database) => Promise<T>,
): Promise<T> {
  const saved = process.env.DATABASE_URL;
  if (url) process.env.DATABASE_URL = url;
  else delete process.env.DATABASE_URL;
  let database: Database;
  try {
    database = await createTestDatabase();
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  }
  try {
    return await body(database);
  } finally {
    await database.close();
  }
}

/** The value below which `p` (0–1) of the samples fall, nearest rank; `sorted` ascending. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
