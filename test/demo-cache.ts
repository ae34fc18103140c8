import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { schoolToday } from '@/modules/classroom/classroom.service';
import { now, startClockAt } from '@/server/clock';
import { loadConfig } from '@/server/config';
import { openDatabase, type Database } from '@/server/db/database';
import { migrate } from '@/server/db/migrate';
import { LocalStorage } from '@/server/storage';
import { seedIfEmpty } from '@/seed/seed';

/**
 * The seeded demo country, made once and copied: browser tests start many servers on the demo, and a seed costs
 * seconds (tens of seconds as the demo grows), a copy a fraction of that. A prepared demo is kept under a key
 * (`demoKey`) that changes with everything that decides what the seed writes; a new key means a new seed.
 *
 * - PGlite: a data directory seeded and closed cleanly, kept in `os.tmpdir()/maktab-demo-cache/<key>`, so that
 *   later runs on this machine reuse it; each server gets a copy of the directory.
 * - PostgreSQL: a template database `maktab_demo_tpl_<key>` that nobody may connect to; each server gets
 *   `create database … template` of it. Its library files are kept in the same cache directory.
 *
 * Processes that race (parallel test workers, two runs at once) make it once: a PGlite demo is built in a
 * directory of its own and renamed into place, under a lock directory; a template under an advisory lock.
 * Prepared demos unused for a day are removed.
 */

/** What a demo is seeded with, besides the source. */
export interface DemoOptions {
  /** The demo library (a few hundred resources with their media files); `serve()` leaves it out unless asked. */
  demoLibrary: boolean;
  /** The clock the server runs at: the living demo is placed around its week. Absent, the process's clock. */
  clock?: Date;
}

/** Where prepared demos are kept on this machine. */
export const CACHE_ROOT = path.join(os.tmpdir(), 'maktab-demo-cache');

/** A prepared demo nobody has used for this long is removed. */
const STALE_MS = 24 * 3_600_000;

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The folders whose files decide what the seed writes: the migrations, the country packs, and the server's
 * source (the seed, the modules' tables and the services the seed calls). Tests and the web app do not.
 */
const SOURCES = ['migrations', 'country-packs', 'src'];
/** Single files that decide it too: the dependencies the seed runs on, and how this cache seeds. */
const SOURCE_FILES = ['package-lock.json', 'test/demo-cache.ts'];
const skipped = (rel: string) => rel.startsWith(`src${path.sep}web${path.sep}`) || /\.test\.tsx?$/.test(rel);

let sourceHash: string | undefined;

/** A hash of the files in `SOURCES` and `SOURCE_FILES` under `root`, names and contents; once per process. */
export function hashSources(root: string = ROOT): string {
  if (root === ROOT && sourceHash) return sourceHash;
  const digest = hashFiles(root, [...SOURCES, ...SOURCE_FILES]);
  if (root === ROOT) sourceHash = digest;
  return digest;
}

/** A hash of the named folders (their files, tests and the web app's left out) and files under `root`. */
export function hashFiles(root: string, entries: string[]): string {
  const hash = createHash('sha256');
  const add = (rel: string) => {
    hash.update(`${rel}\0`);
    hash.update(fs.readFileSync(path.join(root, rel)));
    hash.update('\0');
  };
  const walk = (rel: string) => {
    const children = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of children) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && !skipped(child)) add(child);
    }
  };
  for (const entry of entries) {
    const full = path.join(root, entry);
    if (!fs.existsSync(full)) continue;
    if (fs.statSync(full).isDirectory()) walk(entry);
    else add(entry);
  }
  return hash.digest('hex');
}

/** Whether the media program runs here. */
function hasFfmpeg(): boolean {
  return spawnSync(loadConfig({}).media.ffmpeg, ['-version'], { stdio: 'ignore' }).status === 0;
}

/** The PGlite version: its data directory's format is its own. */
export function pgliteVersion(): string {
  try {
    const manifest = path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json');
    return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * The key of a prepared demo: the seed's options (`seedIfEmpty` seeds number 1), whether it has the library,
 * the school's date the seed runs at (the clock's, else today by the process's clock), the driver (PGlite's
 * version for its directories) and the source hash. 16 hex digits, to fit in a database name.
 */
export function demoKey(
  options: DemoOptions & { driver: 'pglite' | 'postgres' },
  sources: string = hashSources(),
): string {
  const parts = [
    'seed=1',
    `library=${options.demoLibrary}`,
    `date=${schoolToday(options.clock ?? now())}`,
    `driver=${options.driver === 'pglite' ? `pglite@${pgliteVersion()}` : 'postgres'}`,
    // Without ffmpeg the library's media is left unprocessed: another demo.
    `ffmpeg=${options.demoLibrary ? hasFfmpeg() : 'unused'}`,
    `sources=${sources}`,
  ];
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `make` unless `done()` already holds, in one process at a time on this machine: the lock is the
 * directory `lockDir` (made exclusively), naming its owner's pid. Others wait until `done()` holds or the lock is
 * free; a lock left by a dead process is taken over. Waits at most `timeoutMs`.
 */
export async function makeOnce(
  lockDir: string,
  done: () => boolean,
  make: () => Promise<void>,
  timeoutMs = 15 * 60_000,
): Promise<void> {
  const ownerFile = path.join(lockDir, 'owner');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (done()) return;
    let mine = false;
    try {
      fs.mkdirSync(lockDir);
      mine = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (mine) {
      try {
        fs.writeFileSync(ownerFile, String(process.pid));
        if (!done()) await make();
      } finally {
        fs.rmSync(lockDir, { recursive: true, force: true });
      }
      return;
    }
    // Someone holds it. The owner file is written just after the directory, so a missing one is only stale
    // when the directory has been there a while.
    let owner: number | null = null;
    try {
      owner = Number(fs.readFileSync(ownerFile, 'utf8')) || null;
    } catch {
      owner = null;
    }
    const age = (() => {
      try {
        return Date.now() - fs.statSync(lockDir).mtimeMs;
      } catch {
        return 0;
      }
    })();
    if ((owner !== null && !isAlive(owner)) || (owner === null && age > 10_000)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir} (held by pid ${owner})`);
    await sleep(200);
  }
}

/** Migrates and seeds an open database as `serve()` does, at the demo's clock; library files go to `filesDir`. */
async function seedDemo(database: Database, filesDir: string, options: DemoOptions): Promise<void> {
  if (options.clock) startClockAt(options.clock);
  await migrate(database);
  await seedIfEmpty(database, {
    production: false,
    log: () => {},
    // The copies' servers must not all make the library's renditions again, racing the tests' own jobs.
    processLibraryMedia: true,
    library: options.demoLibrary
      ? { storage: new LocalStorage(filesDir), media: loadConfig({}).media }
      : undefined,
  });
}

/** Marks a prepared demo used now, and removes the others nobody has used for a day, and dead builds. */
function pruneDirs(keep: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(CACHE_ROOT);
  } catch {
    return;
  }
  const time = new Date();
  try {
    fs.utimesSync(path.join(CACHE_ROOT, keep), time, time);
  } catch {
    /* gone meanwhile: nothing to mark */
  }
  for (const name of entries) {
    if (name === keep || name.endsWith('.lock')) continue;
    const full = path.join(CACHE_ROOT, name);
    const building = /\.building-(\d+)-/.exec(name);
    try {
      const stale = building
        ? !isAlive(Number(building[1]))
        : Date.now() - fs.statSync(full).mtimeMs > STALE_MS;
      if (stale) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      /* another process removed it first */
    }
  }
}

/** A prepared demo: a data directory (PGlite) or a template database (PostgreSQL), and its library files. */
interface Prepared {
  key: string;
  /** Holds `files/` (the library's storage), and `data/` for PGlite. */
  dir: string;
}

/** The PGlite demo for `options`, made if it is missing. */
export async function preparePgliteDemo(options: DemoOptions): Promise<Prepared> {
  const key = demoKey({ ...options, driver: 'pglite' });
  const dir = path.join(CACHE_ROOT, key);
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  await makeOnce(
    path.join(CACHE_ROOT, `${key}.lock`),
    () => fs.existsSync(dir),
    async () => {
      // Built beside its place and renamed into it, so that a directory under the key is always complete.
      const building = path.join(
        CACHE_ROOT,
        `${key}.building-${process.pid}-${randomBytes(4).toString('hex')}`,
      );
      fs.mkdirSync(path.join(building, 'files'), { recursive: true });
      try {
        const database = await openDatabase({ driver: 'pglite', dataDir: path.join(building, 'data') });
        try {
          await seedDemo(database, path.join(building, 'files'), options);
        } finally {
          await database.close();
        }
        fs.renameSync(building, dir);
      } catch (error) {
        fs.rmSync(building, { recursive: true, force: true });
        throw error;
      }
    },
  );
  pruneDirs(key);
  return { key, dir };
}

/** Copies the PGlite demo for `options` into `dataDir` (a new or empty directory) and its files into `storageDir`. */
export async function copyPgliteDemo(
  options: DemoOptions,
  dataDir: string,
  storageDir: string,
): Promise<void> {
  const { dir } = await preparePgliteDemo(options);
  fs.cpSync(path.join(dir, 'data'), dataDir, { recursive: true });
  fs.cpSync(path.join(dir, 'files'), storageDir, { recursive: true });
}

/** The advisory lock held while a template database is checked, made or copied. */
const TEMPLATE_LOCK = 0x6d6b7470;

/** The name of the template database for a key. */
export const templateName = (key: string) => `maktab_demo_tpl_${key}`;

const databaseUrl = (serverUrl: string, name: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

/**
 * Makes the database `name` on the PostgreSQL server at `serverUrl` as a copy of the demo for `options`, making the
 * template first if it is missing; copies its library files into `storageDir`.
 */
export async function copyPostgresDemo(
  options: DemoOptions,
  serverUrl: string,
  name: string,
  storageDir: string,
): Promise<void> {
  const key = demoKey({ ...options, driver: 'postgres' });
  const template = templateName(key);
  // The template's files, beside the PGlite demos; named by the server too, as they belong to its template.
  const server = new URL(serverUrl);
  const serverTag = createHash('sha256')
    .update(`${server.hostname}:${server.port}`)
    .digest('hex')
    .slice(0, 8);
  const dirName = `${key}-pg-${serverTag}`;
  const filesDir = path.join(CACHE_ROOT, dirName, 'files');
  fs.mkdirSync(CACHE_ROOT, { recursive: true });

  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // Session-level: released when this connection ends, even if the process dies.
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const found = await admin.query<{ ready: boolean }>(
      'select datistemplate and not datallowconn as ready from pg_database where datname = $1',
      [template],
    );
    if (!(found.rows[0]?.ready && fs.existsSync(filesDir))) {
      // Missing, or left half-made by a process that died: made again from nothing.
      if (found.rows.length) await dropTemplate(admin, template);
      fs.rmSync(path.dirname(filesDir), { recursive: true, force: true });
      const building = path.join(
        CACHE_ROOT,
        `${dirName}.building-${process.pid}-${randomBytes(4).toString('hex')}`,
      );
      fs.mkdirSync(path.join(building, 'files'), { recursive: true });
      try {
        await admin.query(`create database ${template}`);
        const database = await openDatabase({
          driver: 'postgres',
          url: databaseUrl(serverUrl, template),
          poolSize: 4,
        });
        try {
          await seedDemo(database, path.join(building, 'files'), options);
        } finally {
          await database.close();
        }
        // No one may connect to it from now on, so copying it never finds it in use.
        await admin.query(`alter database ${template} with allow_connections false is_template true`);
        fs.renameSync(building, path.dirname(filesDir));
      } catch (error) {
        fs.rmSync(building, { recursive: true, force: true });
        throw error;
      }
    }
    await admin.query(`comment on database ${template} is '${new Date().toISOString()}'`);
    await admin.query(`create database ${name} template ${template}`);
    await dropStaleTemplates(admin, template);
  } finally {
    await admin.end();
  }
  pruneDirs(dirName);
  fs.cpSync(filesDir, storageDir, { recursive: true });
}

export async function dropTemplate(admin: pg.Client, template: string): Promise<void> {
  await admin.query(`alter database ${template} with is_template false`);
  await admin.query(`drop database if exists ${template} with (force)`);
}

/**
 * Drops the templates named like `keep` (up to its key) unused for a day; the comment holds when one was last
 * copied.
 */
export async function dropStaleTemplates(admin: pg.Client, keep: string): Promise<void> {
  const prefix = keep.slice(0, keep.lastIndexOf('_') + 1).replaceAll('_', '\\_');
  const { rows } = await admin.query<{ name: string; used: string | null }>(
    `select datname as name, shobj_description(oid, 'pg_database') as used from pg_database
      where datname like $2 and datname <> $1`,
    [keep, `${prefix}%`],
  );
  for (const { name, used } of rows) {
    const usedAt = used ? Date.parse(used) : NaN;
    if (Number.isNaN(usedAt) || Date.now() - usedAt > STALE_MS) await dropTemplate(admin, name);
  }
}
