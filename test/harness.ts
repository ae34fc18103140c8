import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp } from '@/server/app';
import { loadConfig, type Config } from '@/server/config';
import { openPostgres, type Database } from '@/server/db/database';
import { migrate } from '@/server/db/migrate';
import { migratedImage, pgliteCopy, postgresCopy, type DatabaseImage } from '@test/database-images';

/**
 * Test support. Every test file gets its own empty, migrated database: an in-memory PGlite, or — when
 * DATABASE_URL is set, as in CI's second run — a new database on that PostgreSQL server, dropped afterwards.
 * Both start as copies of one migrated database (`database-images.ts`).
 */

/** Opens a fresh migrated database for one test file. Close it in afterAll. */
export async function createTestDatabase(): Promise<Database> {
  const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite';
  const { database } = await createTestDatabaseFrom(migratedImage(driver));
  // Nothing to do unless the copy is behind the migrations (its image is keyed by them).
  await migrate(database);
  return database;
}

/**
 * Opens a fresh database for one test file as a copy of `image` (`database-images.ts`), with what making the
 * image returned. Close it in afterAll.
 */
export async function createTestDatabaseFrom<T>(
  image: DatabaseImage<T>,
): Promise<{ database: Database; value: T }> {
  const url = process.env.DATABASE_URL;
  if (!url) return pgliteCopy(image);
  const name = `maktab_test_${randomBytes(6).toString('hex')}`;
  const value = await postgresCopy(image, url, name);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openPostgres(target.toString(), 5);
  return {
    value,
    database: {
      ...database,
      async close() {
        await database.close();
        const dropper = new pg.Client({ connectionString: url });
        await dropper.connect();
        await dropper.query(`drop database if exists ${name} with (force)`);
        await dropper.end();
      },
    },
  };
}

/** Storage directories made for tests, removed when the test process ends. */
const storageDirs: string[] = [];
process.once('exit', () => {
  for (const dir of storageDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The configuration tests run with: quiet, no web build required, files in a throw-away directory. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const storageDir = overrides.storageDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-files-'));
  if (!overrides.storageDir) storageDirs.push(storageDir);
  return {
    ...loadConfig({ NODE_ENV: 'test', WEB_ROOT: '/nonexistent' }),
    logLevel: 'silent',
    ...overrides,
    storageDir,
  };
}

/** An application on a fresh database; `close()` stops both. */
export async function createTestApp(
  overrides: Partial<Config> = {},
): Promise<{ app: FastifyInstance; database: Database; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const app = await buildApp(testConfig(overrides), database);
  await app.ready();
  return {
    app,
    database,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** A signed-in client: sends the session cookie, and the CSRF token on changes. */
export interface Session {
  cookie: string;
  csrfToken: string;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

/** Signs in through the API, as a browser would, and returns a client for that session. */
export async function login(app: FastifyInstance, username: string, password: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login as ${username} failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0]! : setCookie!;
  const cookie = raw.split(';')[0]!;
  const { csrfToken } = res.json<{ csrfToken: string }>();
  return {
    cookie,
    csrfToken,
    inject: (options) =>
      app.inject({
        ...options,
        headers: { cookie, 'x-csrf-token': csrfToken, ...(options.headers ?? {}) },
      }),
  };
}

/**
 * A whole-record save as the web app makes it: reads the record at the same address for its `version`, then
 * sends `PUT` with that version and the payload (a `version` in the payload wins).
 */
export async function saveAsRead(
  session: Session,
  options: { url: string; payload: object; headers?: Record<string, string>; readUrl?: string },
): Promise<LightMyRequestResponse> {
  const { readUrl, ...write } = options;
  const read = await session.inject({ url: readUrl ?? options.url, headers: options.headers });
  // One who may not read it still sends a version, to meet the refusal of the write itself.
  const version = read.statusCode === 200 ? read.json<{ version: number }>().version : 0;
  return session.inject({ ...write, method: 'PUT', payload: { version, ...options.payload } });
}
