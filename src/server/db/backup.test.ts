import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, login, testConfig } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole, linkParent } from '@test/factories';
import { buildApp } from '@/server/app';
import { openPglite, rows, type Database } from '@/server/db/database';
import { migrate } from '@/server/db/migrate';
import {
  BackupError,
  backupDatabase,
  readBackupHeader,
  restoreDatabase,
  type RestoreLimits,
} from '@/server/db/backup';
import { users } from '@/modules/identity/identity.tables';
import { LocalStorage } from '@/server/storage';

/**
 * A table with a column of every kind that round-trips trouble: values JavaScript cannot hold (a bigint
 * past 2^53, numeric with 30 digits), microseconds, NaN and infinities, multi-dimensional arrays, bytes, a
 * generated column and an identity column. Made in both databases as a migration would.
 */
const PROBE_TABLE = sql`create table backup_probe (
  id bigint generated always as identity primary key,
  serial_no serial not null,
  amount numeric(30,10),
  big bigint,
  ratio double precision,
  ratio_real real,
  raw bytea,
  span interval,
  local_time timestamp,
  at timestamptz,
  day date,
  tags text[],
  grid int[][],
  doc jsonb,
  flag boolean,
  note text,
  uid uuid,
  seats int4range,
  twice bigint generated always as (big * 2) stored
)`;

async function fillProbe(db: Database['db']): Promise<void> {
  await db.execute(sql`insert into backup_probe
    (amount, big, ratio, ratio_real, raw, span, local_time, at, day, tags, grid, doc, flag, note, uid, seats) values
    (12345678901234567890.0123456789, 9007199254740993, 0.1 + 0.2, 0.1, '\\x00ff10'::bytea,
     '1 year 2 mons 3 days 04:05:06.789'::interval, '2026-01-02 03:04:05.123456', '2026-01-02 03:04:05.123456+04',
     '2026-09-15', array['a,b', 'say "hi"', null, 'ə İ ё'], array[[1, 2], [3, 4]],
     '{"big": 123456789012345678901234567890, "nested": {"list": [1, "two", null]}, "e": "\\n\\t"}',
     true, E'line one\\nline "two"\\\\', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '[1,10)'),
    ('NaN', -4611686018427387904, 'NaN', '-Infinity', '', '-1 days', 'infinity', '-infinity', 'infinity',
     '{}', '{}', 'null', false, '', null, 'empty'),
    (null, null, 'Infinity', null, null, null, null, null, null, null, null, null, null, null, null, null)`);
}

/** A dump as data: the header, each table's rows parsed, the sequence positions, each file's bytes. */
interface ParsedDump {
  header: Record<string, unknown>;
  tables: Record<string, unknown[]>;
  sequences: unknown;
  files: Record<string, string>;
  end: Record<string, unknown>;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function readDump(file: string): ParsedDump {
  const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').filter(Boolean);
  const dump: ParsedDump = { header: {}, tables: {}, sequences: null, files: {}, end: {} };
  let current: unknown[] = [];
  let chunks: Buffer[] = [];
  for (const line of lines) {
    const value = JSON.parse(line) as unknown;
    if (typeof value === 'string') {
      chunks.push(Buffer.from(value, 'base64'));
      continue;
    }
    if (!Array.isArray(value)) {
      current.push(value);
      continue;
    }
    const [kind, body] = value as [string, Record<string, unknown>];
    if (kind === 'header') dump.header = body;
    if (kind === 'table') dump.tables[body.name as string] = current = [];
    if (kind === 'sequences') dump.sequences = body;
    if (kind === 'file') chunks = [];
    if (kind === 'end-file') dump.files[body.key as string] = sha256(Buffer.concat(chunks));
    if (kind === 'end') dump.end = body;
  }
  return dump;
}

/** What a backup would hold, minus when it was taken and on which driver. */
function contents(file: string) {
  const { header, tables, sequences, files } = readDump(file);
  return { migrations: header.migrations, tables, sequences, files };
}

/** Every object of a storage, by key, as the SHA-256 of its bytes (dot-folders included, to catch leftovers). */
function storedFiles(root: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    found[path.relative(root, full)] = sha256(fs.readFileSync(full));
  }
  return found;
}

/** The stored bytes of a published document (bigger than a chunk of the dump) and a processed video's HLS. */
const MAIN_KEY = 'library/1/main/v1/original.pdf';
const HLS_BASE = 'library/2/main/v1/derived/hls';
async function addFiles(database: Database, storage: LocalStorage, editorId: number) {
  const put = async (key: string, bytes: Buffer) => {
    const temp = path.join(os.tmpdir(), `maktab-backup-test-${randomBytes(6).toString('hex')}`);
    fs.writeFileSync(temp, bytes);
    await storage.putFile(key, temp);
  };
  const document = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(500_000)]);
  await put(MAIN_KEY, document);
  await put(`${HLS_BASE}/master.m3u8`, Buffer.from('#EXTM3U\n'));
  await put(`${HLS_BASE}/360p_000.ts`, randomBytes(1000));
  await put(`${HLS_BASE}/360p_001.ts`, Buffer.alloc(0));
  // In storage, referenced by no row (an upload that failed half-way): not part of the backup.
  await put('assignments/9/9/orphan', Buffer.from('orphan'));
  const [resource] = await rows<{ id: number }>(
    database.db,
    sql`insert into library_resource (type, state, title, language, level, licence, created_by)
        values ('worksheet', 'published', 'Fayllar', 'az', 'general', 'cc_by', ${editorId}),
               ('video_lesson', 'published', 'Video', 'az', 'general', 'cc_by', ${editorId})
        returning id`,
  );
  const [file] = await rows<{ id: number }>(
    database.db,
    sql`insert into library_file (resource_id, role, version, storage_key, content_type, size_bytes, sha256)
        values (${resource!.id}, 'main', 1, ${MAIN_KEY}, 'application/pdf', ${document.length}, ${sha256(document)}),
               (${resource!.id + 1}, 'hls', 1, ${`${HLS_BASE}/master.m3u8`}, 'application/vnd.apple.mpegurl', 8, null),
               (${resource!.id + 1}, 'attachment', 1, 'library/2/attachment/v1/original.pdf', 'application/pdf', 3, null)
        returning id`,
  );
  return { fileId: file!.id, document };
}

/** A small world: a district with a school, its people, a parent link, a session, a failed sign-in. */
async function buildWorld(database: Database) {
  const db = database.db;
  const areas = await createAreas(db);
  const school = await createInstitution(db, areas.district, {
    nameAz: 'Məktəb "Günəş"\nfilialı',
    latitude: 40.409264,
    longitude: 49.867092,
  });
  const director = await createUserWithRole(db, 'director', { institutionId: school.id });
  const student = await createUserWithRole(db, 'student', { institutionId: school.id });
  const parent = await createUserWithRole(db, 'parent');
  await linkParent(db, parent.id, student.id);
  await createUserWithRole(db, 'regional', { areaId: areas.district });
  // A deleted account: a restore must not hand its id out again.
  const gone = await createUserWithRole(db, 'teacher', { institutionId: school.id });
  await db.delete(users).where(eq(users.id, gone.id));
  return { school, director, student, parent };
}

const lastUserId = async (database: Database) =>
  (await rows<{ id: number }>(database.db, sql`select max(id)::int as id from identity_user`))[0]!.id;

describe('maktab backup and restore', () => {
  let dir: string;
  let source: Database;
  let target: Database;
  let targetApp: FastifyInstance;
  let world: Awaited<ReturnType<typeof buildWorld>>;
  let parentCookie: string;
  let first: string;
  let sourceStorage: LocalStorage;
  let targetStorage: LocalStorage;
  let stored: Awaited<ReturnType<typeof addFiles>>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-backup-'));
    sourceStorage = new LocalStorage(path.join(dir, 'source-files'));
    targetStorage = new LocalStorage(path.join(dir, 'target-files'));
    source = await createTestDatabase();
    await source.db.execute(PROBE_TABLE);
    await fillProbe(source.db);
    world = await buildWorld(source);
    stored = await addFiles(source, sourceStorage, world.director.id);
    const app = await buildApp(testConfig(), source);
    // A session made before the backup, to be honoured after the restore; and a failed sign-in's throttle row.
    parentCookie = (await login(app, world.parent.username, 'password-1')).cookie;
    await expect(login(app, world.director.username, 'wrong password')).rejects.toThrow(/401/);
    await app.close();
    target = await createTestDatabase();
    await target.db.execute(PROBE_TABLE);
    targetApp = await buildApp(testConfig({ storageDir: targetStorage.root }), target);
    first = path.join(dir, 'first.jsonl.gz');
  });
  afterAll(async () => {
    await targetApp?.close();
    await target?.close();
    await source?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restores into a fresh database to an equal state, in which people sign in and work', async () => {
    const written = await backupDatabase(source, first, { pageSize: 3, storage: sourceStorage });
    expect(written.tables).toBeGreaterThanOrEqual(16);
    expect(fs.readdirSync(dir).sort()).toEqual(['first.jsonl.gz', 'source-files', 'target-files']);
    const header = await readBackupHeader(first);
    expect(header).toMatchObject({ format: 'maktab-backup', formatVersion: 2, driver: source.driver });
    // The files the rows reference, the HLS segments beside their playlist; not the orphan; the lost one named.
    expect(Object.keys(contents(first).files)).toEqual([
      MAIN_KEY,
      `${HLS_BASE}/360p_000.ts`,
      `${HLS_BASE}/360p_001.ts`,
      `${HLS_BASE}/master.m3u8`,
    ]);
    expect(written).toMatchObject({ files: 4, missingFiles: ['library/2/attachment/v1/original.pdf'] });
    // Every migration of the set, as applied to the source.
    const journal = JSON.parse(fs.readFileSync('migrations/meta/_journal.json', 'utf8')) as {
      entries: unknown[];
    };
    expect(header.migrations).toHaveLength(journal.entries.length);
    expect(header.tables).not.toContain('maktab_migration');

    const restored = await restoreDatabase(target, first, { batchRows: 2, storage: targetStorage });
    expect(restored).toMatchObject({ rows: written.rows, files: 4, fileBytes: written.fileBytes });
    const again = path.join(dir, 'again.jsonl.gz');
    await backupDatabase(target, again, { storage: targetStorage });
    expect(contents(again)).toEqual(contents(first));
    // Byte-equal files, and nothing else: no orphan, no staging folder left behind.
    const { 'assignments/9/9/orphan': orphan, ...referenced } = storedFiles(sourceStorage.root);
    expect(orphan).toBeDefined();
    expect(storedFiles(targetStorage.root)).toEqual(referenced);
    const served = await targetApp.inject({ method: 'GET', url: `/api/library/files/${stored.fileId}` });
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.equals(stored.document)).toBe(true);
    // A generated column is left to PostgreSQL to compute again.
    expect(contents(first).tables.backup_probe![0]).not.toHaveProperty('twice');
    // The raw text, since JSON.parse rounds what JavaScript cannot hold: the exact digits went through.
    expect(gunzipSync(fs.readFileSync(again)).toString()).toContain(
      '"big": 9007199254740993, "day": "2026-09-15", "doc": {"e": "\\n\\t", "big": 123456789012345678901234567890',
    );

    // The parent's session from before the backup still holds, and shows the child.
    const me = await targetApp.inject({ method: 'GET', url: '/api/me', headers: { cookie: parentCookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ childIds: [world.student.id], roles: [{ role: 'parent' }] });
    const director = await login(targetApp, world.director.username, 'password-1');
    const mine = await director.inject({ method: 'GET', url: `/api/institutions/${world.school.id}` });
    expect(mine.json()).toMatchObject({ nameAz: 'Məktəb "Günəş"\nfilialı', latitude: 40.409264 });

    // New rows get the ids the original would have given: sequences moved with the data, past the deleted id.
    const deletedId = (await lastUserId(source)) + 1;
    const next = await createUserWithRole(target.db, 'teacher', { institutionId: world.school.id });
    expect(next.id).toBe(deletedId + 1);
    await target.db.delete(users).where(eq(users.id, next.id));
  });

  it('refuses to replace a database that holds data unless forced', async () => {
    const error = await restoreDatabase(target, first).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupError);
    expect((error as Error).message).toMatch(/already holds data .*--force/);
    await expect(
      restoreDatabase(target, first, { force: true, storage: targetStorage }),
    ).resolves.toMatchObject({
      tables: (await readBackupHeader(first)).tables.length,
    });
  });

  describe('a damaged file', () => {
    let before: ReturnType<typeof contents>;
    let beforeFiles: Record<string, string>;
    let good: Buffer;
    let text: string;
    beforeAll(async () => {
      // The target holds something the backup does not, so that a partial restore would show.
      await createUserWithRole(target.db, 'admin', {}, 'only.in.target');
      const snapshot = path.join(dir, 'before.jsonl.gz');
      await backupDatabase(target, snapshot, { storage: targetStorage });
      before = contents(snapshot);
      beforeFiles = storedFiles(targetStorage.root);
      good = fs.readFileSync(first);
      text = gunzipSync(good).toString('utf8');
    });

    const attempt = async (name: string, bytes: Buffer | null, limits?: Partial<RestoreLimits>) => {
      const file = path.join(dir, name);
      if (bytes) fs.writeFileSync(file, bytes);
      const error = await restoreDatabase(target, file, {
        force: true,
        batchRows: 2,
        storage: targetStorage,
        limits,
      }).catch((e: unknown) => e);
      const after = path.join(dir, `after-${name}`);
      await backupDatabase(target, after, { storage: targetStorage });
      expect(contents(after)).toEqual(before);
      expect(storedFiles(targetStorage.root)).toEqual(beforeFiles);
      expect(error).toBeInstanceOf(BackupError);
      return (error as Error).message;
    };

    it('is refused with a clear message, and the database stays as it was', async () => {
      expect(await attempt('cut.gz', good.subarray(0, Math.floor(good.length * 0.8)))).toMatch(
        /cut\.gz is damaged or incomplete \(the compressed data is broken: unexpected end of file\); nothing was restored/,
      );
      const flipped = Buffer.from(good);
      const middle = Math.floor(good.length / 2);
      for (let i = middle; i < middle + 16; i++) flipped[i] = flipped[i]! ^ 0x55;
      expect(await attempt('flipped.gz', flipped)).toMatch(/flipped\.gz is damaged or incomplete/);

      const lines = text.split('\n');
      // The regional officer's row of identity_role_grant (the audit log mentions the role too).
      const regionalGrant = (l: string) => l.includes('"role": "regional"') && l.includes('"user_id": ');
      const endAt = lines.findIndex((l) => l.startsWith('["end-table",{"name":"identity_user"'));
      expect(await attempt('short.gz', gzipSync(lines.slice(0, endAt).join('\n')))).toMatch(
        /damaged or incomplete \(it ends inside the rows of identity_user\)/,
      );
      expect(await attempt('no-end.gz', gzipSync(lines.slice(0, -2).join('\n')))).toMatch(
        /it ends before the end of the dump/,
      );
      const badRow = lines
        .map((l) => (regionalGrant(l) ? l.replace(/"user_id": \d+/, '"user_id": "five"') : l))
        .join('\n');
      expect(badRow).not.toBe(text);
      expect(await attempt('bad-row.gz', gzipSync(badRow))).toMatch(
        /a row of identity_role_grant from line \d+ on was refused: invalid input syntax for type integer: "five"/,
      );
      const lostRow = lines.filter((l) => !regionalGrant(l)).join('\n');
      expect(await attempt('lost-row.gz', gzipSync(lostRow))).toMatch(
        /identity_role_grant should have \d+ rows, the file holds \d+/,
      );
      expect(await attempt('plain.txt', Buffer.from(text))).toMatch(
        /plain\.txt is not a Maktab backup: it is not gzip-compressed/,
      );
      expect(await attempt('other.gz', gzipSync('{"hello": "world"}\n'))).toMatch(
        /other\.gz is not a Maktab backup: it does not start with a backup header/,
      );
      expect(await attempt('missing.gz', null)).toMatch(/cannot read .*missing\.gz: no such file/);
    });

    it('refuses a stored file that does not match its record, leaves its folder, or passes the bounds', async () => {
      const lines = text.split('\n');
      const main = lines.findIndex(
        (l) => l === `["file",{"key":"${MAIN_KEY}","size":${stored.document.length + 0}}]`,
      );
      expect(main).toBeGreaterThan(0);
      // One byte of the document changed: its SHA-256 no longer matches.
      const chunk = lines[main + 2]!;
      const tampered = [...lines];
      tampered[main + 2] = `"${chunk[1] === 'A' ? 'B' : 'A'}${chunk.slice(2)}`;
      expect(await attempt('tampered.gz', gzipSync(tampered.join('\n')))).toMatch(
        new RegExp(
          `the file ${MAIN_KEY} does not match its record \\(\\d+ bytes, SHA-256 [0-9a-f]{64}; the record says`,
        ),
      );
      // A name that would leave the storage folder.
      const traversal = text.replaceAll(MAIN_KEY, '../../../outside.pdf');
      expect(await attempt('traversal.gz', gzipSync(traversal))).toMatch(
        /the file name "..\/..\/..\/outside.pdf" is not allowed/,
      );
      expect(fs.existsSync(path.join(dir, 'outside.pdf'))).toBe(false);
      // More bytes than the record claims: refused as they arrive, not after.
      const longer = [...lines];
      longer.splice(main + 1, 0, `"${Buffer.alloc(3000).toString('base64')}"`);
      expect(await attempt('longer.gz', gzipSync(longer.join('\n')))).toMatch(
        new RegExp(`the file ${MAIN_KEY} holds more bytes than its record`),
      );
      expect(await attempt('big-file.gz', good, { fileBytes: 100_000 })).toMatch(
        new RegExp(`the file ${MAIN_KEY} claims ${stored.document.length} bytes \\(at most 100000\\)`),
      );
      expect(await attempt('many-files.gz', good, { files: 3 })).toMatch(/it holds more than 3 files/);
      expect(await attempt('total.gz', good, { totalBytes: 400_000 })).toMatch(
        /its files hold more than 400000 bytes/,
      );
      expect(await attempt('long-line.gz', good, { lineChars: 100_000 })).toMatch(
        /a line is longer than 100000 characters/,
      );
    });

    it('still restores a backup of format 1, taken before stored files were included', async () => {
      const old = text
        .split('\n')
        .filter((l) => !l.startsWith('"') && !l.startsWith('["file"') && !l.startsWith('["end-file"'))
        .map((l) =>
          l.startsWith('["header"')
            ? l.replace('"formatVersion":2', '"formatVersion":1')
            : l.startsWith('["end"')
              ? l.replace(/,"files":.*\}\]$/, '}]')
              : l,
        )
        .join('\n');
      expect(old).toContain('"formatVersion":1');
      const file = path.join(dir, 'format-1.jsonl.gz');
      fs.writeFileSync(file, gzipSync(old));
      const restored = await restoreDatabase(target, file, { force: true, storage: targetStorage });
      expect(restored).toMatchObject({ files: 0, header: { formatVersion: 1 } });
      const after = path.join(dir, 'after-format-1.jsonl.gz');
      await backupDatabase(target, after, { storage: targetStorage });
      // The rows are the first backup's; the files already in storage stay where they were.
      expect(contents(after).tables).toEqual(contents(first).tables);
      expect(storedFiles(targetStorage.root)).toEqual(beforeFiles);
    });
  });

  it('refuses a backup of another migration state, or of other tables', async () => {
    const fresh = await createTestDatabase();
    try {
      const file = path.join(dir, 'newer.jsonl.gz');
      await source.db.execute(
        sql`insert into maktab_migration (hash, created_at) values ('from-the-future', 1)`,
      );
      await backupDatabase(source, file, { storage: sourceStorage });
      await source.db.execute(sql`delete from maktab_migration where hash = 'from-the-future'`);
      await expect(restoreDatabase(fresh, file)).rejects.toThrow(
        /newer\.jsonl\.gz was taken from a newer schema \(Maktab .*\): 1 of its migrations are unknown to this database/,
      );
      await fresh.db.execute(
        sql`insert into maktab_migration (hash, created_at) values ('from-the-future', 1)`,
      );
      await expect(restoreDatabase(fresh, first)).rejects.toThrow(
        /was taken from an older schema .*: this database has 1 migration\(s\) the backup lacks/,
      );
      await fresh.db.execute(sql`delete from maktab_migration where hash = 'from-the-future'`);
      await expect(restoreDatabase(fresh, first)).rejects.toThrow(
        /does not hold this database's tables although their migrations match; not in the database: backup_probe/,
      );
      expect(await lastUserId(fresh)).toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'moves between the embedded database and a PostgreSQL server, both ways (needs DATABASE_URL)',
    async () => {
      const embedded = await openPglite('memory://');
      await migrate(embedded);
      const onServer = await createTestDatabase();
      try {
        await embedded.db.execute(PROBE_TABLE);
        await onServer.db.execute(PROBE_TABLE);
        expect((await readBackupHeader(first)).driver).toBe('postgres');
        // From the server (the first backup) to the embedded database…
        const embeddedStorage = new LocalStorage(path.join(dir, 'embedded-files'));
        const serverStorage = new LocalStorage(path.join(dir, 'server-files'));
        await restoreDatabase(embedded, first, { storage: embeddedStorage });
        const fromEmbedded = path.join(dir, 'from-embedded.jsonl.gz');
        await backupDatabase(embedded, fromEmbedded, { storage: embeddedStorage });
        expect((await readBackupHeader(fromEmbedded)).driver).toBe('pglite');
        expect(contents(fromEmbedded)).toEqual(contents(first));
        // …and from there back to a server.
        await restoreDatabase(onServer, fromEmbedded, { storage: serverStorage });
        const fromServer = path.join(dir, 'from-server.jsonl.gz');
        await backupDatabase(onServer, fromServer, { storage: serverStorage });
        expect(contents(fromServer)).toEqual(contents(first));
        expect(Object.keys(contents(fromServer).files)).toHaveLength(4);
        expect(storedFiles(serverStorage.root)).toEqual(storedFiles(targetStorage.root));
      } finally {
        await onServer.close();
        await embedded.close();
      }
    },
  );
});
