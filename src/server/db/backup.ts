import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Database, type Db } from '@/server/db/database';
import { VERSION } from '@/server/version';
import { checkKey, LocalStorage, type Storage } from '@/server/storage';

/**
 * `maktab backup` and `maktab restore`: a logical dump, the same for both drivers, so a school server's
 * embedded database moves to a PostgreSQL server and back.
 *
 * The file is gzip'd JSON lines. A line that starts with `[` is a record of the dump itself:
 *
 *   ["header", {format, formatVersion, platformVersion, driver, createdAt, migrations, tables}]
 *   ["table", {name, columns}]      then one line per row: the row as PostgreSQL's own `to_jsonb`
 *   ["end-table", {name, rows}]
 *   ["sequences", [{table, column, lastValue, isCalled}]]
 *   ["file", {key, size}]           then its bytes, one line per chunk: a JSON string of base64 (format 2)
 *   ["end-file", {key, size, sha256}]
 *   ["end", {tables, rows, files, fileBytes, missingFiles}]
 *
 * A line that starts with `{` is a row, one that starts with `"` a chunk of a file. Format 1 (before stored
 * files were included) has no file records and still restores. Rows are never parsed in JavaScript, on either side: PostgreSQL
 * writes them (`to_jsonb`) and reads them (`jsonb_populate_recordset`), so every column type — numeric,
 * bigint, timestamps to the microsecond, arrays, jsonb — comes back exactly as it was.
 */

/** What the first line of a backup names itself. */
export const BACKUP_FORMAT = 'maktab-backup';

/** The layout version this code writes; a later layout gets a new number. */
export const BACKUP_FORMAT_VERSION = 2;
/** The layouts this code reads: 1 held the database only, 2 adds the stored files. */
const READABLE_VERSIONS = [1, 2];

/** The first record of a backup: what it holds and the schema state it was taken at. */
export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  /** The Maktab version that wrote it. */
  platformVersion: string;
  /** The driver it was taken from; any driver restores it. */
  driver: Database['driver'];
  /** ISO 8601, when the snapshot was taken. */
  createdAt: string;
  /** The hashes of the applied migrations, oldest first: a restore needs exactly these. */
  migrations: string[];
  /** The application tables, in the order they are written (referenced tables first). */
  tables: string[];
}

/** A backup that cannot be written or restored, with a message meant for the operator. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** What a backup wrote. */
export interface BackupSummary {
  file: string;
  tables: number;
  rows: number;
  /** Stored files included, and their bytes. */
  files: number;
  fileBytes: number;
  /** Keys the rows reference that storage did not hold (deleted after the snapshot began, or lost before). */
  missingFiles: string[];
  /** The size of the file, compressed. */
  bytes: number;
}

/** What a restore loaded. */
export interface RestoreSummary {
  header: BackupHeader;
  tables: number;
  rows: number;
  files: number;
  fileBytes: number;
}

/** Options of a backup. */
export interface BackupOptions {
  /** Rows per fetch from the database; small in tests to go through many pages. */
  pageSize?: number;
  /** Progress, one line per table, for an operator watching a long dump. */
  log?: (message: string) => void;
  /** Where the stored files are read from; needed as soon as a row references one. */
  storage?: Storage;
}

/** Options of a restore. */
export interface RestoreOptions {
  /** Replace the data of a database that already holds some. */
  force?: boolean;
  /** Rows per INSERT; small in tests to go through many batches. */
  batchRows?: number;
  log?: (message: string) => void;
  /** Where the backup's stored files go; needed when the backup holds any. */
  storage?: Storage;
  /**
   * A folder the files are unpacked into until the database is restored; by default a hidden folder inside
   * a local storage's directory (so that moving them in is a rename), else the system's temporary folder.
   */
  stagingDir?: string;
  /** Bounds on what a backup may unpack, against a damaged or hostile file. */
  limits?: Partial<RestoreLimits>;
}

/** What a restore unpacks at most. */
export interface RestoreLimits {
  files: number;
  /** Bytes of one file. */
  fileBytes: number;
  /** Bytes of all files. */
  totalBytes: number;
  /** Characters of one line of the dump (a row, a record or a chunk). */
  lineChars: number;
}

export const DEFAULT_RESTORE_LIMITS: RestoreLimits = {
  files: 2_000_000,
  fileBytes: 16 * 1024 ** 3,
  totalBytes: 4 * 1024 ** 4,
  lineChars: 256 * 1024 * 1024,
};

const DEFAULT_PAGE_SIZE = 2000;
const DEFAULT_BATCH_ROWS = 1000;
// Rows can be large (audit entries hold whole records); a batch is also cut by its size in characters.
const BATCH_CHARS = 8 * 1024 * 1024;
const MIGRATION_TABLE = 'maktab_migration';
/** The column name by which a table points at a stored file. */
const STORAGE_KEY_COLUMN = 'storage_key';
/** Bytes of a file per line of the dump (a multiple of 3, so that only the last chunk has base64 padding). */
const FILE_CHUNK_BYTES = 192 * 1024;

/** An application table as the catalog describes it. */
interface TableInfo {
  name: string;
  /** Stored columns, in table order; generated columns are left out, PostgreSQL computes them. */
  columns: string[];
  generated: string[];
  primaryKey: string[];
  hasIdentity: boolean;
  /** Columns fed by a sequence (serial or identity), with the sequence's qualified name. */
  serials: { column: string; sequence: string }[];
  references: string[];
}

/** A sequence's position as written in a backup. */
interface SequenceState {
  table: string;
  column: string;
  /** Text: a bigint does not fit a JavaScript number. */
  lastValue: string;
  isCalled: boolean;
}

const table = (name: string): SQL => sql`${sql.identifier('public')}.${sql.identifier(name)}`;
const columnList = (columns: string[]): SQL =>
  sql.join(
    columns.map((c) => sql.identifier(c)),
    sql`, `,
  );

/**
 * The application tables — every table of schema `public` except the migration ledger and tables owned by
 * extensions — read from the catalog so that a table added by a migration is backed up without a code
 * change. Ordered so that a table comes after the tables it references (alphabetically among equals).
 */
async function applicationTables(db: Db): Promise<TableInfo[]> {
  const found = await rows<{ oid: number; name: string }>(
    db,
    sql`select c.oid::int as oid, c.relname as name
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
           and c.relname <> ${MIGRATION_TABLE}
           and not exists (select 1 from pg_depend d
                            where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
         order by c.relname`,
  );
  if (found.length === 0) return [];
  const oids = sql.join(
    found.map((t) => sql`${t.oid}::oid`),
    sql`, `,
  );
  const columns = await rows<{ oid: number; name: string; generated: boolean; identity: boolean }>(
    db,
    sql`select a.attrelid::int as oid, a.attname as name, a.attgenerated <> '' as generated,
               a.attidentity <> '' as identity
          from pg_attribute a
         where a.attrelid in (${oids}) and a.attnum > 0 and not a.attisdropped
         order by a.attrelid, a.attnum`,
  );
  const keys = await rows<{ oid: number; name: string }>(
    db,
    sql`select i.indrelid::int as oid, a.attname as name
          from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
         where i.indrelid in (${oids}) and i.indisprimary
         order by i.indrelid, array_position(i.indkey::int2[], a.attnum)`,
  );
  const serials = await rows<{ oid: number; column: string; sequence: string }>(
    db,
    sql`select a.attrelid::int as oid, a.attname as column,
               pg_get_serial_sequence(format('%I.%I', 'public', c.relname), a.attname) as sequence
          from pg_attribute a join pg_class c on c.oid = a.attrelid
         where a.attrelid in (${oids}) and a.attnum > 0 and not a.attisdropped
           and pg_get_serial_sequence(format('%I.%I', 'public', c.relname), a.attname) is not null
         order by a.attrelid, a.attnum`,
  );
  const references = await rows<{ oid: number; target: number }>(
    db,
    sql`select conrelid::int as oid, confrelid::int as target
          from pg_constraint where contype = 'f' and conrelid in (${oids}) and confrelid in (${oids})`,
  );
  const byOid = new Map<number, TableInfo>(
    found.map((t) => [
      t.oid,
      {
        name: t.name,
        columns: [],
        generated: [],
        primaryKey: [],
        hasIdentity: false,
        serials: [],
        references: [],
      },
    ]),
  );
  for (const c of columns) {
    const info = byOid.get(c.oid)!;
    if (c.generated) info.generated.push(c.name);
    else info.columns.push(c.name);
    if (c.identity) info.hasIdentity = true;
  }
  for (const k of keys) byOid.get(k.oid)!.primaryKey.push(k.name);
  for (const s of serials) byOid.get(s.oid)!.serials.push({ column: s.column, sequence: s.sequence });
  for (const r of references) {
    if (r.oid !== r.target) byOid.get(r.oid)!.references.push(byOid.get(r.target)!.name);
  }
  return referencedFirst([...byOid.values()]);
}

/** Orders tables so that each follows the tables it references; a cycle, if any, keeps alphabetical order. */
function referencedFirst(tables: TableInfo[]): TableInfo[] {
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  let rest = [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  while (rest.length > 0) {
    const ready = rest.filter((t) => t.references.every((r) => placed.has(r)));
    const next = ready.length > 0 ? ready : rest.slice(0, 1);
    for (const t of next) {
      ordered.push(t);
      placed.add(t.name);
    }
    rest = rest.filter((t) => !placed.has(t.name));
  }
  return ordered;
}

async function appliedMigrations(db: Db): Promise<string[]> {
  const [ledger] = await rows<{ present: boolean }>(
    db,
    sql`select to_regclass(${`public.${MIGRATION_TABLE}`}) is not null as present`,
  );
  if (!ledger?.present) {
    throw new BackupError('the database holds no Maktab schema yet: run `maktab migrate` first');
  }
  return (
    await rows<{ hash: string }>(
      db,
      sql`select hash from ${table(MIGRATION_TABLE)} order by created_at, hash`,
    )
  ).map((r) => r.hash);
}

/** Settings under which `to_jsonb` writes the same text for the same data whatever the driver or server. */
async function canonicalOutput(tx: Db): Promise<void> {
  await tx.execute(sql`set local timezone = 'UTC'`);
  // Any positive value asks for the shortest text that reads back to the same float.
  await tx.execute(sql`set local extra_float_digits = 1`);
  await tx.execute(sql`set local intervalstyle = 'postgres'`);
  await tx.execute(sql`set local bytea_output = 'hex'`);
}

const record = (kind: string, body: unknown): string => `${JSON.stringify([kind, body])}\n`;

/**
 * The stored files the rows reference: every `storage_key` column of an application table (library files,
 * hand-ins, and any table a later migration adds with such a column), plus, for a processed video's HLS
 * playlist, the folder it sits in (its segments have no rows of their own). Read in the dump's snapshot, so
 * the files listed are exactly those the dumped rows point at.
 */
async function referencedFiles(tx: Db, tables: TableInfo[]): Promise<{ key: string; folder: boolean }[]> {
  const found = new Map<string, boolean>();
  for (const info of tables) {
    if (!info.columns.includes(STORAGE_KEY_COLUMN)) continue;
    const folder =
      info.name === 'library_file' && info.columns.includes('role') ? sql`role = 'hls'` : sql`false`;
    const keys = await rows<{ key: string; folder: boolean }>(
      tx,
      sql`select distinct ${sql.identifier(STORAGE_KEY_COLUMN)} as key, ${folder} as folder
            from ${table(info.name)} where ${sql.identifier(STORAGE_KEY_COLUMN)} is not null`,
    );
    for (const k of keys) found.set(k.key, (found.get(k.key) ?? false) || k.folder);
  }
  return [...found].map(([key, folder]) => ({ key, folder }));
}

/** Writes to the head of a pipeline, waiting when it asks to, and failing as soon as the pipeline fails. */
function writerOf(stream: Gzip, done: Promise<void>): (chunk: string) => Promise<void> {
  let failure: Error | null = null;
  done.catch((error: unknown) => (failure = error instanceof Error ? error : new Error('write failed')));
  return async (chunk) => {
    if (failure !== null) throw failure;
    if (stream.destroyed) throw new Error('the backup stream closed');
    if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), done]);
  };
}

/**
 * Writes a backup of every application table, and of every stored file the rows reference, to `file`. The
 * tables are read in one repeatable-read transaction, so the dump is one consistent snapshot even while app
 * nodes keep writing, and page by page through a cursor, so memory stays flat whatever the size. The list
 * of files comes from that same snapshot; the files are read after it, since a stored file never changes
 * (a new upload gets a new key) and is written before the row that points at it commits. A file deleted
 * after the snapshot began is named in the backup as missing. The file appears under its name only when
 * complete: an interrupted backup leaves no file that looks whole.
 */
export async function backupDatabase(
  database: Database,
  file: string,
  options: BackupOptions = {},
): Promise<BackupSummary> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const log = options.log ?? (() => {});
  const target = path.resolve(file);
  const partial = `${target}.partial-${process.pid}`;
  let total = 0;
  let tableCount = 0;
  let fileCount = 0;
  let fileBytes = 0;
  const missing: string[] = [];
  const gzip = createGzip();
  const written = pipeline(gzip, fs.createWriteStream(partial));
  const write = writerOf(gzip, written);
  try {
    const references = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set transaction isolation level repeatable read, read only`);
      await canonicalOutput(tx);
      const migrations = await appliedMigrations(tx);
      const tables = await applicationTables(tx);
      tableCount = tables.length;
      const header: BackupHeader = {
        format: BACKUP_FORMAT,
        formatVersion: BACKUP_FORMAT_VERSION,
        platformVersion: VERSION,
        driver: database.driver,
        createdAt: new Date().toISOString(),
        migrations,
        tables: tables.map((t) => t.name),
      };
      await write(record('header', header));
      for (const info of tables) {
        await write(record('table', { name: info.name, columns: info.columns }));
        const json = info.generated.length
          ? sql`to_jsonb(t) - array[${sql.join(
              info.generated.map((g) => sql`${g}`),
              sql`, `,
            )}]::text[]`
          : sql`to_jsonb(t)`;
        const order = info.primaryKey.length ? sql` order by ${columnList(info.primaryKey)}` : sql``;
        await tx.execute(
          sql`declare maktab_backup no scroll cursor for select (${json})::text as j from ${table(info.name)} t${order}`,
        );
        let count = 0;
        for (;;) {
          const page = await rows<{ j: string }>(
            tx,
            sql`fetch forward ${sql.raw(String(pageSize))} from maktab_backup`,
          );
          if (page.length === 0) break;
          count += page.length;
          await write(`${page.map((r) => r.j).join('\n')}\n`);
        }
        await tx.execute(sql`close maktab_backup`);
        total += count;
        log(`${info.name}: ${count} rows`);
        await write(record('end-table', { name: info.name, rows: count }));
      }
      await write(record('sequences', await sequenceStates(tx, tables)));
      return referencedFiles(tx, tables);
    });
    // The files, after the snapshot's transaction: it does not hold the embedded database's one connection
    // while gigabytes of video are copied.
    const keys = new Set<string>();
    if (references.length > 0 && !options.storage) {
      throw new BackupError('the rows reference stored files, and no storage was given to read them from');
    }
    for (const ref of references.sort((a, b) => (a.key < b.key ? -1 : 1))) {
      if (ref.folder) {
        for (const key of await options.storage!.list(path.posix.dirname(ref.key))) keys.add(key);
      }
      keys.add(ref.key);
    }
    for (const key of [...keys].sort()) {
      const size = await options.storage!.size(key);
      if (size === null) {
        missing.push(key);
        continue;
      }
      // The first bytes are read before the file's record is written: a file deleted since the snapshot (a
      // replaced hand-in) is then one more missing file, not a broken backup.
      const chunks = (options.storage!.read(key) as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
      let first: IteratorResult<Buffer>;
      try {
        first = await chunks.next();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        missing.push(key);
        continue;
      }
      await write(record('file', { key, size }));
      const hash = createHash('sha256');
      let read = 0;
      let pending: Buffer = Buffer.alloc(0);
      const rest = { [Symbol.asyncIterator]: () => chunks };
      for await (const chunk of (async function* () {
        if (!first.done) yield first.value;
        yield* rest;
      })()) {
        hash.update(chunk);
        read += chunk.length;
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        while (pending.length >= FILE_CHUNK_BYTES) {
          await write(`"${pending.subarray(0, FILE_CHUNK_BYTES).toString('base64')}"\n`);
          pending = pending.subarray(FILE_CHUNK_BYTES);
        }
      }
      if (pending.length > 0) await write(`"${pending.toString('base64')}"\n`);
      if (read !== size) throw new BackupError(`the stored file ${key} changed while it was read`);
      await write(record('end-file', { key, size, sha256: hash.digest('hex') }));
      fileCount++;
      fileBytes += size;
    }
    if (keys.size > 0) log(`files: ${fileCount} (${fileBytes} bytes)`);
    if (missing.length > 0) log(`files the rows reference but storage does not hold: ${missing.length}`);
    await write(
      record('end', { tables: tableCount, rows: total, files: fileCount, fileBytes, missingFiles: missing }),
    );
    gzip.end();
    await written;
    fs.renameSync(partial, target);
  } catch (error) {
    gzip.destroy();
    await written.catch(() => {});
    fs.rmSync(partial, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !fs.existsSync(path.dirname(target)))
      throw new BackupError(`cannot write ${file}: its folder does not exist`);
    throw error;
  }
  return {
    file: target,
    tables: tableCount,
    rows: total,
    files: fileCount,
    fileBytes,
    missingFiles: missing,
    bytes: fs.statSync(target).size,
  };
}

async function sequenceStates(db: Db, tables: TableInfo[]): Promise<SequenceState[]> {
  const states: SequenceState[] = [];
  for (const info of tables) {
    for (const s of info.serials) {
      // The sequence's own row: pg_sequences hides last_value from roles without USAGE and before first use.
      const [state] = await rows<{ last_value: string; is_called: boolean }>(
        db,
        sql`select last_value::text as last_value, is_called from ${sql.raw(s.sequence)}`,
      );
      states.push({
        table: info.name,
        column: s.column,
        lastValue: state!.last_value,
        isCalled: state!.is_called,
      });
    }
  }
  return states;
}

// ---------------------------------------------------------------------------------------------------------
// Reading

const damaged = (file: string, why: string) =>
  new BackupError(`${file} is damaged or incomplete (${why}); nothing was restored`);

/** Reads a backup's lines, gunzipping as it goes, turning I/O and zlib failures into clear refusals. */
async function* backupLines(
  file: string,
  maxLine = DEFAULT_RESTORE_LIMITS.lineChars,
): AsyncGenerator<string> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackupError(
      code === 'ENOENT'
        ? `cannot read ${file}: no such file`
        : `cannot read ${file}: ${code ?? String(error)}`,
    );
  }
  const magic = Buffer.alloc(2);
  const read = fs.readSync(fd, magic, 0, 2, 0);
  if (read < 2 || magic[0] !== 0x1f || magic[1] !== 0x8b) {
    fs.closeSync(fd);
    throw new BackupError(`${file} is not a Maktab backup: it is not gzip-compressed`);
  }
  const source = fs.createReadStream('', { fd, start: 0 });
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  gunzip.setEncoding('utf8');
  let rest = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<string>) {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      if (rest.length > maxLine) throw damaged(file, `a line is longer than ${maxLine} characters`);
      for (const part of parts) {
        if (part.length > maxLine) throw damaged(file, `a line is longer than ${maxLine} characters`);
        yield part;
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_'))
      throw damaged(file, `the compressed data is broken: ${(error as Error).message}`);
    throw error;
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  if (rest !== '') yield rest;
}

function parseRecord(file: string, line: string, lineNo: number): [string, unknown] {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw damaged(file, `line ${lineNo} is not JSON`);
  }
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string') {
    throw damaged(file, `line ${lineNo} is not a record of the dump`);
  }
  return [value[0], value[1] as unknown];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');

function parseHeader(file: string, line: string | undefined): BackupHeader {
  const notBackup = new BackupError(`${file} is not a Maktab backup: it does not start with a backup header`);
  if (line === undefined || !line.startsWith('[')) throw notBackup;
  let kind: string;
  let body: unknown;
  try {
    [kind, body] = parseRecord(file, line, 1);
  } catch {
    throw notBackup;
  }
  if (kind !== 'header' || !isObject(body) || body.format !== BACKUP_FORMAT) throw notBackup;
  if (typeof body.formatVersion !== 'number' || !READABLE_VERSIONS.includes(body.formatVersion)) {
    throw new BackupError(
      `${file} is in backup format ${String(body.formatVersion)}, written by Maktab ${String(body.platformVersion)}; ` +
        `this Maktab (${VERSION}) reads formats ${READABLE_VERSIONS.join(' and ')}`,
    );
  }
  const { platformVersion, driver, createdAt, migrations, tables } = body;
  if (
    typeof platformVersion !== 'string' ||
    (driver !== 'pglite' && driver !== 'postgres') ||
    typeof createdAt !== 'string' ||
    !isStringArray(migrations) ||
    !isStringArray(tables)
  ) {
    throw damaged(file, 'the header is incomplete');
  }
  return {
    format: BACKUP_FORMAT,
    formatVersion: body.formatVersion,
    platformVersion,
    driver,
    createdAt,
    migrations,
    tables,
  };
}

/** Reads and checks the header of a backup without touching any database: what it holds and from when. */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  const lines = backupLines(file);
  try {
    const first = await lines.next();
    return parseHeader(file, first.done ? undefined : first.value);
  } finally {
    await lines.return(undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Restoring

function sameMigrations(file: string, header: BackupHeader, applied: string[]): void {
  const here = new Set(applied);
  const there = new Set(header.migrations);
  const unknown = header.migrations.filter((h) => !here.has(h));
  const missing = applied.filter((h) => !there.has(h));
  if (unknown.length > 0) {
    throw new BackupError(
      `${file} was taken from a newer schema (Maktab ${header.platformVersion}): ${unknown.length} of its ` +
        `migrations are unknown to this database. Restore it with that Maktab version or a later one`,
    );
  }
  if (missing.length > 0) {
    throw new BackupError(
      `${file} was taken from an older schema (Maktab ${header.platformVersion}): this database has ` +
        `${missing.length} migration(s) the backup lacks. Restore it into a database of Maktab ` +
        `${header.platformVersion}, then upgrade`,
    );
  }
}

function sameTables(file: string, header: BackupHeader, tables: TableInfo[]): void {
  const here = new Set(tables.map((t) => t.name));
  const there = new Set(header.tables);
  const missing = header.tables.filter((t) => !here.has(t));
  const extra = tables.filter((t) => !there.has(t.name)).map((t) => t.name);
  if (missing.length || extra.length) {
    throw new BackupError(
      `${file} does not hold this database's tables although their migrations match` +
        (missing.length ? `; not in the database: ${missing.join(', ')}` : '') +
        (extra.length ? `; not in the backup: ${extra.join(', ')}` : ''),
    );
  }
}

/**
 * Replaces the data of every application table with a backup's, in one transaction, and puts its stored
 * files back: the database is either wholly restored or, whatever goes wrong (a damaged file, a crash, a
 * refused row, a file whose bytes do not match its record), left as it was. The files are unpacked into a
 * staging folder while the transaction runs, each checked against its size and SHA-256, and moved into
 * storage only once the transaction has committed; a failed restore leaves storage untouched. The database
 * must be at the backup's migration state; a database that holds data is replaced only with `force`.
 * Sequences end where the backup left them, and never below the ids in use.
 */
export async function restoreDatabase(
  database: Database,
  file: string,
  options: RestoreOptions = {},
): Promise<RestoreSummary> {
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const log = options.log ?? (() => {});
  const limits = { ...DEFAULT_RESTORE_LIMITS, ...options.limits };
  // Checked before the transaction: a file that is not a backup is refused without locking anything.
  await readBackupHeader(file);
  const staging = new Staging(file, options, limits);
  let summary: RestoreSummary;
  try {
    summary = await loadBackup(database, file, options, batchRows, limits, log, staging);
  } catch (error) {
    await staging.discard();
    throw error;
  }
  // The database is restored: now, and only now, the files move in.
  await staging.moveIn(log);
  return summary;
}

/** The files of a restore, unpacked and checked, waiting for the database to commit. */
class Staging {
  private dir: string | null = null;
  private readonly staged = new Map<string, string>();
  private bytes = 0;

  constructor(
    private readonly file: string,
    private readonly options: RestoreOptions,
    private readonly limits: RestoreLimits,
  ) {}

  get count(): number {
    return this.staged.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  private async folder(): Promise<string> {
    if (this.dir) return this.dir;
    const parent =
      this.options.stagingDir ??
      (this.options.storage instanceof LocalStorage ? this.options.storage.root : os.tmpdir());
    await fs.promises.mkdir(parent, { recursive: true });
    // A dot-name is never a storage key, so the folder cannot meet an object, and listings skip it.
    this.dir = await fs.promises.mkdtemp(path.join(parent, '.maktab-restore-'));
    return this.dir;
  }

  /** Unpacks one file record, up to its end record, checking it against the bounds and its record. */
  async add(body: unknown, nextLine: () => Promise<string | undefined>, lineNo: () => number): Promise<void> {
    const file = this.file;
    const at = lineNo();
    if (!this.options.storage) {
      throw new BackupError(`${file} holds stored files, and no storage was given to restore them into`);
    }
    if (!isObject(body) || typeof body.key !== 'string' || !Number.isSafeInteger(body.size))
      throw damaged(file, `line ${at}: a file record without its key or size`);
    const key = body.key;
    const size = body.size as number;
    try {
      checkKey(key);
    } catch {
      throw damaged(file, `line ${at}: the file name ${JSON.stringify(key.slice(0, 200))} is not allowed`);
    }
    if (this.staged.has(key)) throw damaged(file, `line ${at}: the file ${key} comes twice`);
    if (this.staged.size + 1 > this.limits.files)
      throw damaged(file, `it holds more than ${this.limits.files} files`);
    if (size < 0 || size > this.limits.fileBytes)
      throw damaged(
        file,
        `line ${at}: the file ${key} claims ${size} bytes (at most ${this.limits.fileBytes})`,
      );
    if (this.bytes + size > this.limits.totalBytes)
      throw damaged(file, `its files hold more than ${this.limits.totalBytes} bytes`);
    const target = path.join(await this.folder(), String(this.staged.size));
    const out = await fs.promises.open(target, 'wx');
    const hash = createHash('sha256');
    let written = 0;
    try {
      for (let line = await nextLine(); line !== undefined; line = await nextLine()) {
        if (line.startsWith('"')) {
          if (!BASE64_LINE.test(line))
            throw damaged(file, `line ${lineNo()}: a chunk of ${key} is not base64`);
          const bytes = Buffer.from(line.slice(1, -1), 'base64');
          written += bytes.length;
          if (written > size)
            throw damaged(file, `the file ${key} holds more bytes than its record (${size})`);
          hash.update(bytes);
          await out.write(bytes);
          continue;
        }
        const [kind, end] = parseRecord(file, line, lineNo());
        if (kind !== 'end-file' || !isObject(end) || end.key !== key)
          throw damaged(file, `line ${lineNo()}: the bytes of ${key} are cut short`);
        const sha256 = hash.digest('hex');
        if (written !== size || end.size !== size || end.sha256 !== sha256) {
          throw damaged(
            file,
            `the file ${key} does not match its record (${written} bytes, SHA-256 ${sha256}; ` +
              `the record says ${String(end.size)} bytes, ${String(end.sha256)})`,
          );
        }
        this.staged.set(key, target);
        this.bytes += size;
        return;
      }
      throw damaged(file, `it ends inside the bytes of ${key}`);
    } finally {
      await out.close();
    }
  }

  /** Moves every staged file in under its key, then removes the staging folder. */
  async moveIn(log: (message: string) => void): Promise<void> {
    if (!this.dir) return;
    const storage = this.options.storage!;
    try {
      for (const [key, staged] of this.staged) await storage.putFile(key, staged);
    } catch (error) {
      throw new BackupError(
        `the database was restored, but moving its files into storage failed (${(error as Error).message}); ` +
          `the files not yet moved are in ${this.dir}: free the space, then run the restore again with --force`,
      );
    }
    log(`files: ${this.staged.size} (${this.bytes} bytes)`);
    await this.discard();
  }

  async discard(): Promise<void> {
    if (this.dir) await fs.promises.rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

const BASE64_LINE = /^"[A-Za-z0-9+/]*={0,2}"$/;

async function loadBackup(
  database: Database,
  file: string,
  options: RestoreOptions,
  batchRows: number,
  limits: RestoreLimits,
  log: (message: string) => void,
  staging: Staging,
): Promise<RestoreSummary> {
  return database.db.transaction(async (tx) => {
    const lines = backupLines(file, limits.lineChars);
    let lineNo = 0;
    const nextLine = async (): Promise<string | undefined> => {
      const next = await lines.next();
      if (next.done) return undefined;
      lineNo++;
      return next.value;
    };
    try {
      const header = parseHeader(file, await nextLine());
      sameMigrations(file, header, await appliedMigrations(tx));
      const tables = await applicationTables(tx);
      sameTables(file, header, tables);
      const byName = new Map(tables.map((t) => [t.name, t]));

      const holding = await tablesWithRows(tx, tables);
      if (holding.length > 0 && !options.force) {
        throw new BackupError(
          `the database already holds data (${holding.length} tables have rows: ${holding.slice(0, 3).join(', ')}` +
            `${holding.length > 3 ? ', …' : ''}); restoring replaces all of it. ` +
            `Take a backup of it first, then run the restore again with --force`,
        );
      }
      // Foreign keys and triggers are off for the load, as pg_dump does: the tables arrive one by one, and
      // the rows were consistent when they were dumped. A role that may not do so loads in reference order.
      await disableChecks(tx, log);
      // RESTART IDENTITY makes the sequence changes below part of the transaction: a rollback undoes them.
      await tx.execute(
        sql`truncate ${sql.join(
          tables.map((t) => table(t.name)),
          sql`, `,
        )} restart identity`,
      );

      let total = 0;
      const seenTables: string[] = [];
      let sequences: SequenceState[] | undefined;
      let ended = false;
      for (let line = await nextLine(); line !== undefined; line = await nextLine()) {
        if (line === '') continue;
        const [kind, body] = parseRecord(file, line, lineNo);
        if (ended) throw damaged(file, `line ${lineNo} follows the end of the dump`);
        if (kind === 'table') {
          if (!isObject(body) || typeof body.name !== 'string' || !isStringArray(body.columns))
            throw damaged(file, `line ${lineNo}: a table record without a name or columns`);
          const info = byName.get(body.name);
          if (!info || seenTables.includes(info.name))
            throw damaged(file, `line ${lineNo}: unexpected table ${body.name}`);
          if (body.columns.join(',') !== info.columns.join(',')) {
            throw new BackupError(
              `${file}: the columns of ${info.name} differ from the database's ` +
                `(backup: ${body.columns.join(', ')}; database: ${info.columns.join(', ')})`,
            );
          }
          seenTables.push(info.name);
          const loaded = await loadTable(tx, file, info, nextLine, () => lineNo, batchRows);
          total += loaded;
          log(`${info.name}: ${loaded} rows`);
        } else if (kind === 'sequences') {
          if (!Array.isArray(body)) throw damaged(file, `line ${lineNo}: the sequences are not a list`);
          sequences = body.map((s: unknown) => {
            if (
              !isObject(s) ||
              typeof s.table !== 'string' ||
              typeof s.column !== 'string' ||
              typeof s.lastValue !== 'string' ||
              !/^-?\d+$/.test(s.lastValue) ||
              typeof s.isCalled !== 'boolean'
            )
              throw damaged(file, `line ${lineNo}: a sequence without its position`);
            return { table: s.table, column: s.column, lastValue: s.lastValue, isCalled: s.isCalled };
          });
        } else if (kind === 'file' && header.formatVersion >= 2) {
          await staging.add(body, nextLine, () => lineNo);
        } else if (kind === 'end') {
          if (!isObject(body) || body.tables !== seenTables.length || body.rows !== total)
            throw damaged(file, `the end record does not match the rows read (${total})`);
          if (
            header.formatVersion >= 2 &&
            (body.files !== staging.count || body.fileBytes !== staging.totalBytes)
          )
            throw damaged(file, `the end record does not match the files read (${staging.count})`);
          if (isStringArray(body.missingFiles) && body.missingFiles.length > 0) {
            log(
              `the backup names ${body.missingFiles.length} file(s) its rows reference that storage did not ` +
                `hold when it was taken, e.g. ${body.missingFiles[0]}`,
            );
          }
          ended = true;
        } else {
          throw damaged(file, `line ${lineNo}: unexpected record "${kind}"`);
        }
      }
      if (!ended) throw damaged(file, 'it ends before the end of the dump');
      if (seenTables.join(',') !== header.tables.join(','))
        throw damaged(file, 'its tables are not the ones its header lists');
      await resetSequences(tx, tables, sequences ?? []);
      return {
        header,
        tables: seenTables.length,
        rows: total,
        files: staging.count,
        fileBytes: staging.totalBytes,
      };
    } finally {
      await lines.return(undefined);
    }
  });
}

/** PostgreSQL's own words: drizzle wraps them in a message that repeats the query and its (huge) parameters. */
function databaseMessage(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return (cause instanceof Error ? cause.message : String(cause)).split('\n')[0]!;
}

async function tablesWithRows(db: Db, tables: TableInfo[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const [row] = await rows<Record<string, boolean>>(
    db,
    sql`select ${sql.join(
      tables.map((t) => sql`exists (select 1 from ${table(t.name)}) as ${sql.identifier(t.name)}`),
      sql`, `,
    )}`,
  );
  return tables.filter((t) => row?.[t.name]).map((t) => t.name);
}

async function disableChecks(tx: Db, log: (message: string) => void): Promise<void> {
  try {
    // A savepoint: on a server, a refused SET would otherwise abort the whole transaction.
    await tx.transaction(async (sp) => {
      await sp.execute(sql`set local session_replication_role = replica`);
    });
  } catch {
    log('this database role may not switch off foreign-key checks: loading with them on, in reference order');
  }
}

/** Loads one table's rows, up to its end record, in batches; returns how many. */
async function loadTable(
  tx: Db,
  file: string,
  info: TableInfo,
  nextLine: () => Promise<string | undefined>,
  lineNo: () => number,
  batchRows: number,
): Promise<number> {
  const overriding = info.hasIdentity ? sql` overriding system value` : sql``;
  const columns = columnList(info.columns);
  let batch: string[] = [];
  let chars = 0;
  let first = 0;
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    try {
      await tx.execute(
        sql`insert into ${table(info.name)} (${columns})${overriding}
            select ${columns} from jsonb_populate_recordset(null::${table(info.name)}, ${`[${batch.join(',')}]`}::jsonb)`,
      );
    } catch (error) {
      throw damaged(
        file,
        `a row of ${info.name} from line ${first} on was refused: ${databaseMessage(error)}`,
      );
    }
    count += batch.length;
    batch = [];
    chars = 0;
  };
  for (let line = await nextLine(); line !== undefined; line = await nextLine()) {
    if (line.startsWith('{')) {
      if (batch.length === 0) first = lineNo();
      batch.push(line);
      chars += line.length;
      if (batch.length >= batchRows || chars >= BATCH_CHARS) await flush();
      continue;
    }
    const [kind, body] = parseRecord(file, line, lineNo());
    if (kind !== 'end-table' || !isObject(body) || body.name !== info.name) {
      throw damaged(file, `line ${lineNo()}: the rows of ${info.name} are cut short`);
    }
    await flush();
    if (body.rows !== count)
      throw damaged(file, `${info.name} should have ${String(body.rows)} rows, the file holds ${count}`);
    return count;
  }
  throw damaged(file, `it ends inside the rows of ${info.name}`);
}

/**
 * Puts every serial and identity sequence where the backup had it, and in any case past the largest id in
 * its column, so that new rows get fresh ids and ids of deleted rows are not handed out again.
 */
async function resetSequences(tx: Db, tables: TableInfo[], dumped: SequenceState[]): Promise<void> {
  for (const info of tables) {
    for (const s of info.serials) {
      const state = dumped.find((d) => d.table === info.name && d.column === s.column);
      const used = state ? (state.isCalled ? state.lastValue : String(BigInt(state.lastValue) - 1n)) : null;
      await tx.execute(
        sql`select setval(${s.sequence}::regclass, coalesce(m.v, q.seqmin), m.v is not null)
              from pg_sequence q,
                   lateral (select case when v >= q.seqmin and v <= q.seqmax then v end as v
                              from (select greatest((select max(${sql.identifier(s.column)})::bigint
                                                       from ${table(info.name)}),
                                                    ${used}::bigint) as v) g) m
             where q.seqrelid = ${s.sequence}::regclass`,
      );
    }
  }
}
