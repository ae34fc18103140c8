import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '@/server/db/database';
import { migrate, migrationsFolder } from '@/server/db/migrate';
import {
  CACHE_ROOT,
  dropStaleTemplates,
  dropTemplate,
  hashFiles,
  makeOnce,
  pgliteVersion,
} from '@test/demo-cache';

/**
 * Databases made once and copied. Every test file starts from an empty migrated database, and migrating a fresh
 * PGlite costs seconds (starting an empty cluster in WebAssembly, then the migrations) where loading a dump of a
 * migrated one costs under one; the seed's tests read a seeded demo, which costs tens of seconds to make.
 *
 * An image has a name and a key that changes with everything that decides its contents:
 * - PGlite: a dump of the data directory (`dumpDataDir`), kept as `<name>-<key>.tar` beside the prepared demos
 *   (`demo-cache.ts`); each copy is an in-memory PGlite started from it.
 * - PostgreSQL: a template database `maktab_<name>_tpl_<key>` nobody may connect to; each copy is
 *   `create database … template` of it.
 * What making it returned (a seed's summary) is kept beside it as JSON and handed to every copy.
 */
export interface DatabaseImage<T> {
  /** Lower-case letters: part of a database name. */
  name: string;
  /** 16 hex digits. */
  key: string;
  /** Fills a new, empty database (not migrated). */
  make(database: Database): Promise<T>;
}

/** The project's root. */
const ROOT = path.dirname(migrationsFolder);

/** A key from its parts: 16 hex digits, to fit in a database name. */
export function imageKey(driver: 'pglite' | 'postgres', parts: string[]): string {
  const all = [`driver=${driver === 'pglite' ? `pglite@${pgliteVersion()}` : 'postgres'}`, ...parts];
  return createHash('sha256').update(all.join('\n')).digest('hex').slice(0, 16);
}

/** The empty migrated database: its key changes with the migrations and the migration runner. */
export function migratedImage(driver: 'pglite' | 'postgres'): DatabaseImage<null> {
  return {
    name: 'migrated',
    key: imageKey(driver, [`migrations=${hashFiles(ROOT, ['migrations', 'src/server/db/migrate.ts'])}`]),
    make: async (database) => {
      await migrate(database);
      return null;
    },
  };
}

const dumps = new Map<string, Promise<{ dump: Blob; value: unknown }>>();

/** An in-memory PGlite copy of `image`, made on this machine if it is missing; its dump is read once per process. */
export async function pgliteCopy<T>(image: DatabaseImage<T>): Promise<{ database: Database; value: T }> {
  const id = `${image.name}-${image.key}`;
  let loaded = dumps.get(id);
  if (!loaded) {
    loaded = readDump(image);
    dumps.set(id, loaded);
  }
  const { dump, value } = await loaded;
  return { database: await openPglite('memory://', { loadDataDir: dump }), value: value as T };
}

async function readDump<T>(image: DatabaseImage<T>): Promise<{ dump: Blob; value: unknown }> {
  const base = path.join(CACHE_ROOT, `${image.name}-${image.key}`);
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  await makeOnce(
    `${base}.lock`,
    () => fs.existsSync(`${base}.tar`) && fs.existsSync(`${base}.json`),
    async () => {
      const database = await openPglite('memory://');
      try {
        const value = await image.make(database);
        const dump = await database.dumpDataDir!();
        // Written beside their places and renamed into them: a file under the key is complete.
        const building = `${base}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
        fs.writeFileSync(`${building}.json`, JSON.stringify(value));
        fs.renameSync(`${building}.json`, `${base}.json`);
        fs.writeFileSync(`${building}.tar`, Buffer.from(await dump.arrayBuffer()));
        fs.renameSync(`${building}.tar`, `${base}.tar`);
      } finally {
        await database.close();
      }
    },
  );
  // Used now: the prepared demos' pruning removes what nobody used for a day.
  const time = new Date();
  for (const file of [`${base}.tar`, `${base}.json`]) fs.utimesSync(file, time, time);
  return {
    dump: new Blob([fs.readFileSync(`${base}.tar`)]),
    value: JSON.parse(fs.readFileSync(`${base}.json`, 'utf8')) as unknown,
  };
}

/** The advisory lock held while a template is checked or made. */
const IMAGE_LOCK = 0x6d6b746d;

/**
 * Makes the database `name` on the PostgreSQL server at `serverUrl` as a copy of `image`, making its template
 * first if it is missing.
 */
export async function postgresCopy<T>(image: DatabaseImage<T>, serverUrl: string, name: string): Promise<T> {
  const template = `maktab_${image.name}_tpl_${image.key}`;
  const valueFile = path.join(CACHE_ROOT, `${template}.json`);
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // Session-level: released when this connection ends, even if the process dies.
    await admin.query('select pg_advisory_lock($1)', [IMAGE_LOCK]);
    const found = await admin.query<{ ready: boolean }>(
      'select datistemplate and not datallowconn as ready from pg_database where datname = $1',
      [template],
    );
    if (!(found.rows[0]?.ready && fs.existsSync(valueFile))) {
      // Missing, or left half-made by a process that died: made again from nothing.
      if (found.rows.length) await dropTemplate(admin, template);
      await admin.query(`create database ${template}`);
      const url = new URL(serverUrl);
      url.pathname = `/${template}`;
      const database = await openPostgres(url.toString(), 4);
      try {
        fs.writeFileSync(valueFile, JSON.stringify(await image.make(database)));
      } finally {
        await database.close();
      }
      // No one may connect to it from now on, so copying it never finds it in use.
      await admin.query(`alter database ${template} with allow_connections false is_template true`);
    }
    await admin.query(`comment on database ${template} is '${new Date().toISOString()}'`);
    await admin.query('select pg_advisory_unlock($1)', [IMAGE_LOCK]);
    await admin.query(`create database ${name} template ${template}`);
    await dropStaleTemplates(admin, template);
  } finally {
    await admin.end();
  }
  return JSON.parse(fs.readFileSync(valueFile, 'utf8')) as T;
}
