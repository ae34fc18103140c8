import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openPglite, rows } from '@/server/db/database';
import { DEMO_PASSWORD } from '@/seed/demo-accounts';
import {
  killAll,
  runMaktab,
  runMaktabToEnd,
  signIn,
  startServer,
  stopWith,
  type ServerProcess,
} from '@test/spawn';

/**
 * The platform in real processes, killed and doubled up as happens on a school server: a power cut, a
 * second `maktab serve` started by mistake, a restore interrupted half-way.
 */

const SERVER_URL = process.env.DATABASE_URL;

/** An account made through the API by the demo administrator: a committed change to look for later. */
async function createAccount(server: ServerProcess, username: string): Promise<void> {
  const admin = await signIn(server.url, 'admin', DEMO_PASSWORD);
  const res = await admin.request('POST', '/api/users', {
    username,
    password: 'a long password',
    displayName: 'Kamran Əhmədov',
    grants: [{ role: 'bureau', areaId: null, institutionId: null }],
  });
  expect(res.status).toBe(201);
}

/** Signs in as the account and shows it is the one made before. */
async function expectAccount(server: ServerProcess, username: string): Promise<void> {
  const session = await signIn(server.url, username, 'a long password');
  const me = await session.request('GET', '/api/me');
  expect(await me.json()).toMatchObject({
    user: { username, displayName: 'Kamran Əhmədov' },
    roles: [{ role: 'bureau' }],
  });
}

describe.skipIf(SERVER_URL)(
  'the embedded database in real processes (PGlite only: skipped when DATABASE_URL is set)',
  () => {
    let root: string;
    let template: string;
    let copies = 0;
    /** A data directory holding the seeded demo country, as the first start leaves it. */
    const seeded = () => {
      const dir = path.join(root, `data-${++copies}`);
      fs.cpSync(template, dir, { recursive: true });
      return dir;
    };
    const lockOf = (dir: string) => path.join(dir, 'maktab.lock');
    const pidFileOf = (dir: string) => path.join(dir, 'pg', 'postmaster.pid');

    beforeAll(async () => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-crash-'));
      template = path.join(root, 'template');
      // The first start seeds the demo country; every test then starts from a copy of it.
      const first = await startServer({ DATA_DIR: template });
      expect(await stopWith(first, 'SIGTERM')).toEqual({ code: 0, signal: null });
    }, 240_000);
    afterEach(killAll);
    afterAll(async () => {
      await killAll();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('closes cleanly on SIGTERM: exit code 0, the lock and PGlite pid file gone', async () => {
      const dir = seeded();
      const server = await startServer({ DATA_DIR: dir });
      expect(fs.readFileSync(lockOf(dir), 'utf8')).toBe(String(server.pid));
      expect(await stopWith(server, 'SIGTERM')).toEqual({ code: 0, signal: null });
      expect(fs.existsSync(lockOf(dir))).toBe(false);
      expect(fs.existsSync(pidFileOf(dir))).toBe(false);
    }, 180_000);

    it('starts again after kill -9 with every committed change', async () => {
      const dir = seeded();
      const server = await startServer({ DATA_DIR: dir });
      await createAccount(server, 'after.crash');
      expect(await stopWith(server, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      // What a crash leaves: a lock naming a dead process, and PGlite's own pid file.
      expect(fs.readFileSync(lockOf(dir), 'utf8')).toBe(String(server.pid));
      expect(fs.existsSync(pidFileOf(dir))).toBe(true);

      const again = await startServer({ DATA_DIR: dir });
      expect(fs.readFileSync(lockOf(dir), 'utf8')).toBe(String(again.pid));
      await expectAccount(again, 'after.crash');
      // …and it takes new changes.
      await createAccount(again, 'after.restart');
      expect(await stopWith(again, 'SIGTERM')).toEqual({ code: 0, signal: null });
    }, 180_000);

    it('refuses a second process on the same directory, and the first keeps working', async () => {
      const dir = seeded();
      const server = await startServer({ DATA_DIR: dir });
      const busy = `The data directory ${dir} is in use by another Maktab process (pid ${server.pid})`;

      const second = await runMaktabToEnd(['serve'], { DATA_DIR: dir, PORT: '0' });
      expect(second.code).not.toBe(0);
      expect(second.stderr).toContain(busy);
      const backup = await runMaktabToEnd(['backup', path.join(root, 'never.jsonl.gz')], { DATA_DIR: dir });
      // The command's refusal is a message, not a stack trace.
      expect(backup.code).toBe(1);
      expect(backup.stderr).toContain(`maktab: ${busy}. Stop that process first`);
      expect(backup.stderr).not.toMatch(/^\s+at /m);
      expect(fs.existsSync(path.join(root, 'never.jsonl.gz'))).toBe(false);

      expect(fs.readFileSync(lockOf(dir), 'utf8')).toBe(String(server.pid));
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
      await createAccount(server, 'still.working');
      await expectAccount(server, 'still.working');
      expect(await stopWith(server, 'SIGTERM')).toEqual({ code: 0, signal: null });
    }, 180_000);

    it('leaves the database as it was when a restore is killed half-way', async () => {
      const file = path.join(root, 'demo.jsonl.gz');
      const backup = await runMaktabToEnd(['backup', file], { DATA_DIR: seeded() });
      expect(backup.code).toBe(0);
      const dir = seeded();
      const extra = await runMaktabToEnd(
        [
          'user',
          'create',
          '--username',
          'only.here',
          '--name',
          'Only Here',
          '--role',
          'admin',
          '--password',
          'a long password',
        ],
        { DATA_DIR: dir },
      );
      expect(extra.code).toBe(0);

      const restore = runMaktab(['restore', file, '--force'], { DATA_DIR: dir });
      // The restore reports each table as it is loaded: once the accounts are in, the old ones are gone
      // inside its transaction, and the larger tables are still to come.
      await new Promise<void>((resolve, reject) => {
        restore.child.stderr!.on('data', () => {
          if (restore.stderr().includes('identity_user:')) resolve();
        });
        void restore.exited.then(() => reject(new Error(`the restore ended first:\n${restore.stderr()}`)));
      });
      expect(await stopWith(restore, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      expect(restore.stdout()).not.toContain('restored');

      const database = await openPglite(dir);
      try {
        const [kept] = await rows<{ users: number; grants: number; extra: number }>(
          database.db,
          sql`select (select count(*)::int from identity_user) as users,
                     (select count(*)::int from identity_role_grant) as grants,
                     (select count(*)::int from identity_user where username = 'only.here') as extra`,
        );
        expect(kept!.extra).toBe(1);
        expect(kept!.grants).toBe(kept!.users);
      } finally {
        await database.close();
      }
    }, 180_000);
  },
);

describe.runIf(SERVER_URL)('a PostgreSQL server behind a killed app node (needs DATABASE_URL)', () => {
  const name = `maktab_crash_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: SERVER_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  let url: string;
  beforeAll(async () => {
    await admin(`create database ${name}`);
    const target = new URL(SERVER_URL!);
    target.pathname = `/${name}`;
    url = target.toString();
  });
  afterAll(async () => {
    await killAll();
    await admin(`drop database if exists ${name} with (force)`);
  });

  it('starts again after kill -9 with every committed change', async () => {
    const server = await startServer({ DATABASE_URL: url });
    await createAccount(server, 'after.crash');
    expect(await stopWith(server, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const again = await startServer({ DATABASE_URL: url });
    await expectAccount(again, 'after.crash');
    expect(await stopWith(again, 'SIGTERM')).toEqual({ code: 0, signal: null });
  }, 240_000);
});
