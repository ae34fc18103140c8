import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { acquireDataDirLock, DataDirBusyError } from '@/server/db/pglite-lock';
import { openPglite, rows } from '@/server/db/database';

/** What PGlite leaves in its folder while it runs; a crash leaves it behind. */
const POSTMASTER_PID = '-42\n/pglite/data\n1795397302\n5432\n';

describe('the lock on an embedded database directory', () => {
  let root: string;
  let live: ChildProcess;
  let deadPid: number;
  let dirs = 0;
  const release: (() => void)[] = [];
  const fresh = () => {
    const dataDir = path.join(root, `data-${++dirs}`);
    const pgDir = path.join(dataDir, 'pg');
    return {
      dataDir,
      pgDir,
      lock: path.join(dataDir, 'maktab.lock'),
      pid: path.join(pgDir, 'postmaster.pid'),
    };
  };
  /** A folder as a process leaves it: its lock naming `owner`, PGlite's pid file, a data file. */
  const leftBy = (owner: string) => {
    const dir = fresh();
    fs.mkdirSync(dir.pgDir, { recursive: true });
    fs.writeFileSync(dir.lock, owner);
    fs.writeFileSync(dir.pid, POSTMASTER_PID);
    fs.writeFileSync(path.join(dir.pgDir, 'PG_VERSION'), '18\n');
    return dir;
  };
  const take = (dir: { dataDir: string; pgDir: string }) => {
    const done = acquireDataDirLock(dir.dataDir, dir.pgDir);
    release.push(done);
    return done;
  };

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-lock-'));
    // A process that has exited: its pid names no one (pids are not reused this quickly).
    deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  });
  afterEach(() => {
    for (const done of release.splice(0)) done();
  });
  afterAll(() => {
    live.kill('SIGKILL');
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('is taken on a new directory, names this process, and is gone when released', () => {
    const dir = fresh();
    const done = take(dir);
    expect(fs.readFileSync(dir.lock, 'utf8')).toBe(String(process.pid));
    done();
    expect(fs.existsSync(dir.lock)).toBe(false);
    take(dir);
    expect(fs.existsSync(dir.lock)).toBe(true);
  });

  it('takes over the lock of a process that died, and removes the pid file PGlite left', () => {
    const dir = leftBy(String(deadPid));
    take(dir);
    expect(fs.readFileSync(dir.lock, 'utf8')).toBe(String(process.pid));
    expect(fs.existsSync(dir.pid)).toBe(false);
    expect(fs.readFileSync(path.join(dir.pgDir, 'PG_VERSION'), 'utf8')).toBe('18\n');
  });

  it('takes over a lock left empty or garbled by a crash while it was written', () => {
    for (const content of ['', 'not a pid']) {
      const dir = leftBy(content);
      take(dir);
      expect(fs.readFileSync(dir.lock, 'utf8')).toBe(String(process.pid));
      expect(fs.existsSync(dir.pid)).toBe(false);
    }
  });

  it('refuses while the owner lives, touching neither its lock nor its pid file', () => {
    const dir = leftBy(String(live.pid));
    const error = (() => {
      try {
        take(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DataDirBusyError);
    expect((error as DataDirBusyError).pid).toBe(live.pid);
    expect((error as Error).message).toBe(
      `The data directory ${dir.dataDir} is in use by another Maktab process (pid ${live.pid}). ` +
        'Stop that process first, or point DATA_DIR at another directory.',
    );
    expect(fs.readFileSync(dir.lock, 'utf8')).toBe(String(live.pid));
    expect(fs.readFileSync(dir.pid, 'utf8')).toBe(POSTMASTER_PID);
  });

  it('refuses a second open in the same process', () => {
    const dir = fresh();
    take(dir);
    expect(() => acquireDataDirLock(dir.dataDir, dir.pgDir)).toThrow(DataDirBusyError);
  });

  it('lets PGlite reopen, with its data, a directory whose owner died without closing it', async () => {
    const dir = fresh();
    const first = await openPglite(dir.dataDir);
    await first.db.execute(sql`create table kept (note text)`);
    await first.db.execute(sql`insert into kept values ('committed')`);
    await expect(openPglite(dir.dataDir)).rejects.toBeInstanceOf(DataDirBusyError);
    await first.close();
    expect(fs.existsSync(dir.lock)).toBe(false);
    // As a killed process leaves it: the lock names a dead process and PGlite's pid file is still there.
    fs.writeFileSync(dir.lock, String(deadPid));
    fs.writeFileSync(dir.pid, POSTMASTER_PID);
    const again = await openPglite(dir.dataDir);
    try {
      expect(await rows(again.db, sql`select note from kept`)).toEqual([{ note: 'committed' }]);
    } finally {
      await again.close();
    }
  });
});
