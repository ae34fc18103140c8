import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, login, testConfig } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole, linkParent } from '@test/factories';
import { buildApp } from '@/server/app';
import { openPglite, rows, type Database } from '@/server/db/database';
import { migrate } from '@/server/db/migrate';
import { BackupError, backupDatabase, readBackupHeader, restoreDatabase } from '@/server/db/backup';
import { users } from '@/modules/identity/identity.tables';

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

/** A dump as data: the header, each table's rows parsed, the sequence positions. */
interface ParsedDump {
  header: Record<string, unknown>;
  tables: Record<string, unknown[]>;
  sequences: unknown;
}

function readDump(file: string): ParsedDump {
  const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').filter(Boolean);
  const dump: ParsedDump = { header: {}, tables: {}, sequences: null };
  let current: unknown[] = [];
  for (const line of lines) {
    const value = JSON.parse(line) as unknown;
    if (!Array.isArray(value)) {
      current.push(value);
      continue;
    }
    const [kind, body] = value as [string, Record<string, unknown>];
    if (kind === 'header') dump.header = body;
    if (kind === 'table') dump.tables[body.name as string] = current = [];
    if (kind === 'sequences') dump.sequences = body;
  }
  return dump;
}

/** What a backup would hold, minus when it was taken and on which driver. */
function contents(file: string) {
  const { header, tables, sequences } = readDump(file);
  return { migrations: header.migrations, tables, sequences };
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

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-backup-'));
    source = await createTestDatabase();
    await source.db.execute(PROBE_TABLE);
    await fillProbe(source.db);
    world = await buildWorld(source);
    const app = await buildApp(testConfig(), source);
    // A session made before the backup, to be honoured after the restore; and a failed sign-in's throttle row.
    parentCookie = (await login(app, world.parent.username, 'password-1')).cookie;
    await expect(login(app, world.director.username, 'wrong password')).rejects.toThrow(/401/);
    await app.close();
    target = await createTestDatabase();
    await target.db.execute(PROBE_TABLE);
    targetApp = await buildApp(testConfig(), target);
    first = path.join(dir, 'first.jsonl.gz');
  });
  afterAll(async () => {
    await targetApp?.close();
    await target?.close();
    await source?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restores into a fresh database to an equal state, in which people sign in and work', async () => {
    const written = await backupDatabase(source, first, { pageSize: 3 });
    expect(written.tables).toBeGreaterThanOrEqual(16);
    expect(fs.readdirSync(dir)).toEqual(['first.jsonl.gz']);
    const header = await readBackupHeader(first);
    expect(header).toMatchObject({ format: 'maktab-backup', formatVersion: 1, driver: source.driver });
    // Every migration of the set, as applied to the source.
    const journal = JSON.parse(fs.readFileSync('migrations/meta/_journal.json', 'utf8')) as {
      entries: unknown[];
    };
    expect(header.migrations).toHaveLength(journal.entries.length);
    expect(header.tables).not.toContain('maktab_migration');

    const restored = await restoreDatabase(target, first, { batchRows: 2 });
    expect(restored.rows).toBe(written.rows);
    const again = path.join(dir, 'again.jsonl.gz');
    await backupDatabase(target, again);
    expect(contents(again)).toEqual(contents(first));
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
    await expect(restoreDatabase(target, first, { force: true })).resolves.toMatchObject({
      tables: (await readBackupHeader(first)).tables.length,
    });
  });

  describe('a damaged file', () => {
    let before: ReturnType<typeof contents>;
    let good: Buffer;
    let text: string;
    beforeAll(async () => {
      // The target holds something the backup does not, so that a partial restore would show.
      await createUserWithRole(target.db, 'admin', {}, 'only.in.target');
      const snapshot = path.join(dir, 'before.jsonl.gz');
      await backupDatabase(target, snapshot);
      before = contents(snapshot);
      good = fs.readFileSync(first);
      text = gunzipSync(good).toString('utf8');
    });

    const attempt = async (name: string, bytes: Buffer | null) => {
      const file = path.join(dir, name);
      if (bytes) fs.writeFileSync(file, bytes);
      const error = await restoreDatabase(target, file, { force: true, batchRows: 2 }).catch(
        (e: unknown) => e,
      );
      const after = path.join(dir, `after-${name}`);
      await backupDatabase(target, after);
      expect(contents(after)).toEqual(before);
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
  });

  it('refuses a backup of another migration state, or of other tables', async () => {
    const fresh = await createTestDatabase();
    try {
      const file = path.join(dir, 'newer.jsonl.gz');
      await source.db.execute(
        sql`insert into maktab_migration (hash, created_at) values ('from-the-future', 1)`,
      );
      await backupDatabase(source, file);
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
        await restoreDatabase(embedded, first);
        const fromEmbedded = path.join(dir, 'from-embedded.jsonl.gz');
        await backupDatabase(embedded, fromEmbedded);
        expect((await readBackupHeader(fromEmbedded)).driver).toBe('pglite');
        expect(contents(fromEmbedded)).toEqual(contents(first));
        // …and from there back to a server.
        await restoreDatabase(onServer, fromEmbedded);
        const fromServer = path.join(dir, 'from-server.jsonl.gz');
        await backupDatabase(onServer, fromServer);
        expect(contents(fromServer)).toEqual(contents(first));
      } finally {
        await onServer.close();
        await embedded.close();
      }
    },
  );
});
