import { createHash } from 'node:crypto';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import type { DatabaseConfig } from '@/server/config';
import { acquireDataDirLock } from '@/server/db/pglite-lock';

/** The query builder every module uses; a transaction has the same shape. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

/** An open database: the query builder, which driver is behind it, and how to close it. */
export interface Database {
  driver: 'pglite' | 'postgres';
  db: Db;
  /** Runs `fn` holding one connection to itself, for session-level work: advisory locks, bulk loads. */
  withConnection<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** PGlite only: its data directory as a tar, which `openPglite('memory://', { loadDataDir })` starts from. */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

// Counts and bigint ids come back as numbers from both drivers; dates stay 'YYYY-MM-DD' strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

// The extensions migrations may create: PGlite can only create those it was started with.
const PGLITE_EXTENSIONS = { pg_trgm, unaccent };

/** Opens the embedded database in a directory, or `memory://` for a throw-away one (tests). */
export async function openPglite(dataDir: string, options: { loadDataDir?: Blob } = {}): Promise<Database> {
  let release = (): void => {};
  let client: PGlite;
  if (dataDir === 'memory://') {
    // `loadDataDir`: an in-memory database started from a dump (`dumpDataDir`) instead of an empty cluster.
    client = new PGlite({ extensions: PGLITE_EXTENSIONS, loadDataDir: options.loadDataDir });
  } else {
    const pgDir = path.join(dataDir, 'pg');
    release = acquireDataDirLock(dataDir, pgDir);
    try {
      client = new PGlite(pgDir, { extensions: PGLITE_EXTENSIONS });
      await client.waitReady;
    } catch (error) {
      release();
      throw error;
    }
  }
  await client.waitReady;
  const db = drizzlePglite(client) as unknown as Db;
  let closed = false;
  return {
    driver: 'pglite',
    db,
    withConnection: (fn) => fn(db),
    dumpDataDir: () => client.dumpDataDir('none'),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}

/** The most statements one connection keeps prepared; a connection's later new statements run unnamed. */
export const PREPARED_PER_CONNECTION = 256;

/** The statements kept prepared: reads and writes with parameters, not transaction control or DDL. */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * A connection that keeps the application's parameterised statements prepared, named by a hash of their text:
 * the server parses and plans each once per connection (after five runs it may keep a generic plan) instead of
 * on every run, which roughly halves its work for short queries. At most `PREPARED_PER_CONNECTION` per
 * connection (idle connections close after 10 s, and their statements with them). Needs a session per
 * connection: behind a pooler in transaction mode (PgBouncer) set `DATABASE_POOL_SIZE` as usual but keep the
 * pooler in session mode.
 */
class PreparingClient extends pg.Client {
  private readonly named = new Set<string>();

  // pg's overloads: (text | config, values?, callback?). Only a config or text with a values array is named.
  override query(...args: unknown[]): never {
    const [first, second] = args;
    const config =
      typeof first === 'string' ? { text: first } : (first as { text?: unknown; name?: unknown } | null);
    const values = Array.isArray(second) ? second : (config as { values?: unknown } | null)?.values;
    if (
      config &&
      typeof config.text === 'string' &&
      config.name === undefined &&
      Array.isArray(values) &&
      !(first as { submit?: unknown }).submit &&
      PREPARABLE.test(config.text)
    ) {
      const name = `m${createHash('sha1').update(config.text).digest('base64url')}`;
      if (this.named.has(name) || this.named.size < PREPARED_PER_CONNECTION) {
        this.named.add(name);
        args[0] = { ...config, name };
      }
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

/** Connects to a PostgreSQL server with a connection pool. */
export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, Client: PreparingClient });
  // A broken idle connection must not take the process down; the pool replaces it.
  pool.on('error', () => {});
  const client = await pool.connect();
  client.release();
  const db = drizzlePg(pool) as unknown as Db;
  return {
    driver: 'postgres',
    db,
    async withConnection(fn) {
      const conn = await pool.connect();
      try {
        return await fn(drizzlePg(conn));
      } finally {
        conn.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Opens the database the configuration names. */
export function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.driver === 'postgres'
    ? openPostgres(config.url, config.poolSize)
    : openPglite(config.dataDir);
}

/** Runs a raw statement and returns its rows (both drivers answer with `{ rows }`). */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = await db.execute<Record<string, unknown>>(query);
  return (result as { rows: T[] }).rows;
}

/** A list of integers as one `int[]` parameter, for `= any(…)`, `&&` and `unnest(…)`. */
export const intArray = (ids: readonly number[]) => sql`${`{${ids.join(',')}}`}::int[]`;

/** A list of strings as one `text[]` parameter (every element quoted), for `= any(…)` and `unnest(…)`. */
export const textArray = (values: readonly string[]) =>
  sql`${`{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`}::text[]`;

/**
 * Lets other requests in. PGlite runs each query to its end on this thread and resolves it without going
 * back to the event loop, so a chain of queries (and the work between them) keeps every other request out
 * until it ends; long work outside a transaction awaits this between its steps. Costless on PostgreSQL.
 */
export const letOthersIn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export { sql };
