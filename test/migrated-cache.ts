import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openPglite, openPostgres } from '@/server/db/database';
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
 * An empty, migrated database, made once and copied: every test file starts from one, and migrating a fresh
 * PGlite costs seconds (starting an empty cluster in WebAssembly, then 24 migrations) where loading a dump of a
 * migrated one costs under one. The migrations themselves are tested on fresh databases (`migrate.test.ts`).
 *
 * - PGlite: a dump of the migrated data directory (`dumpDataDir`), kept as `migrated-<key>.tar` beside the
 *   prepared demos; each test database is an in-memory PGlite started from it.
 * - PostgreSQL: a template database `maktab_migrated_tpl_<key>` nobody may connect to; each test database is
 *   `create database … template` of it.
 *
 * The key changes with the migrations and the migration runner (and PGlite's version for its dumps).
 */

/** The project's root. */
const ROOT = path.dirname(migrationsFolder);

/** The key of the migrated image: 16 hex digits, to fit in a database name. */
function migratedKey(driver: 'pglite' | 'postgres'): string {
  const parts = [
    `driver=${driver === 'pglite' ? `pglite@${pgliteVersion()}` : 'postgres'}`,
    `migrations=${hashFiles(ROOT, ['migrations', 'src/server/db/migrate.ts'])}`,
  ];
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16);
}

let image: Promise<Blob> | undefined;

/** The dump of a migrated PGlite, made on this machine if it is missing; read once per process. */
export function migratedPgliteImage(): Promise<Blob> {
  image ??= (async () => {
    const key = migratedKey('pglite');
    const file = path.join(CACHE_ROOT, `migrated-${key}.tar`);
    fs.mkdirSync(CACHE_ROOT, { recursive: true });
    await makeOnce(
      path.join(CACHE_ROOT, `migrated-${key}.lock`),
      () => fs.existsSync(file),
      async () => {
        const database = await openPglite('memory://');
        try {
          await migrate(database);
          const dump = await database.dumpDataDir!();
          // Written beside its place and renamed into it, so that a file under the key is always complete.
          const building = `${file}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
          fs.writeFileSync(building, Buffer.from(await dump.arrayBuffer()));
          fs.renameSync(building, file);
        } finally {
          await database.close();
        }
      },
    );
    // Used now: the prepared demos' pruning removes what nobody used for a day.
    const time = new Date();
    fs.utimesSync(file, time, time);
    return new Blob([fs.readFileSync(file)]);
  })();
  return image;
}

/** The advisory lock held while the migrated template is checked or made. */
const MIGRATED_LOCK = 0x6d6b746d;

/**
 * Makes the database `name` on the PostgreSQL server at `serverUrl` as a copy of the migrated template, making
 * the template first if it is missing.
 */
export async function createMigratedPostgres(serverUrl: string, name: string): Promise<void> {
  const template = `maktab_migrated_tpl_${migratedKey('postgres')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // Session-level: released when this connection ends, even if the process dies.
    await admin.query('select pg_advisory_lock($1)', [MIGRATED_LOCK]);
    const found = await admin.query<{ ready: boolean }>(
      'select datistemplate and not datallowconn as ready from pg_database where datname = $1',
      [template],
    );
    if (!found.rows[0]?.ready) {
      // Missing, or left half-made by a process that died: made again from nothing.
      if (found.rows.length) await dropTemplate(admin, template);
      await admin.query(`create database ${template}`);
      const url = new URL(serverUrl);
      url.pathname = `/${template}`;
      const database = await openPostgres(url.toString(), 2);
      try {
        await migrate(database);
      } finally {
        await database.close();
      }
      // No one may connect to it from now on, so copying it never finds it in use.
      await admin.query(`alter database ${template} with allow_connections false is_template true`);
    }
    await admin.query(`comment on database ${template} is '${new Date().toISOString()}'`);
    await admin.query('select pg_advisory_unlock($1)', [MIGRATED_LOCK]);
    await admin.query(`create database ${name} template ${template}`);
    await dropStaleTemplates(admin, template);
  } finally {
    await admin.end();
  }
}
