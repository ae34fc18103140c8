import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schoolToday } from '@/modules/classroom/classroom.service';
import { SUMMARY_QUEUE } from '@/modules/journal/journal.summary';
import { restartDelayMs } from '@/server/cluster';
import { loadConfig, workerPoolSize } from '@/server/config';
import { copyPgliteDemo, copyPostgresDemo } from '@test/demo-cache';
import { killAll, startServer, stopWith, type ServerProcess } from '@test/spawn';

/**
 * `maktab serve` on every core: on PostgreSQL a primary and WORKERS worker processes sharing the port, jobs run
 * once, a dead worker replaced, SIGTERM stopping all; on PGlite one process that says why.
 */

const SERVER_URL = process.env.DATABASE_URL;

/** Waits until `check` returns something other than undefined, or fails after `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The pids of a process's children that run `maktab` (not a helper program such as esbuild's service). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('bin/maktab.js'))
      .map((line) => Number.parseInt(line.trim(), 10));
  } catch {
    return []; // ps exits 1 when there are none
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** GET /api/health on a connection of its own (no keep-alive), so the cluster deals each to a worker in turn. */
function health(url: string): Promise<{ status: number; worker: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/api/health`, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => {
          const worker = res.headers['x-maktab-worker'];
          resolve({ status: res.statusCode ?? 0, worker: typeof worker === 'string' ? worker : undefined });
        });
      })
      .on('error', reject);
  });
}

/** Asks /api/health until every one of `workers` has answered. */
async function answeredBy(url: string, workers: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  return until(`answers from workers ${workers.join(', ')}`, async () => {
    const res = await health(url).catch(() => undefined);
    if (res?.status === 200 && res.worker) seen.add(res.worker);
    return workers.every((w) => seen.has(w)) ? seen : undefined;
  });
}

describe('the workers configuration', () => {
  it('reads WORKERS, one per core when unset, and shares the pool out', () => {
    expect(loadConfig({}).workers).toEqual({ count: os.availableParallelism(), set: false });
    expect(loadConfig({ WORKERS: '3' }).workers).toEqual({ count: 3, set: true });
    expect(() => loadConfig({ WORKERS: '0' })).toThrow(/WORKERS/);
    expect(() => loadConfig({ WORKERS: 'many' })).toThrow(/WORKERS/);
    expect(workerPoolSize(10, 1)).toBe(10);
    expect(workerPoolSize(10, 2)).toBe(5);
    expect(workerPoolSize(10, 3)).toBe(4);
    expect(workerPoolSize(10, 64)).toBe(2);
  });

  it('waits longer before each restart of a worker that keeps failing, up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(restartDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});

describe.skipIf(!SERVER_URL)('maktab serve with WORKERS=2 on PostgreSQL (needs DATABASE_URL)', () => {
  let root: string;
  let database: string | undefined;
  let server: ServerProcess;
  let url: string;
  // Past the day's summary time, so the parents' evening summary is due as soon as jobs run.
  const day = schoolToday(new Date());
  const clock = `${day}T20:30:00+04:00`;

  const query = async <T extends pg.QueryResultRow>(statement: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(statement, values)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-cluster-'));
    database = `maktab_cluster_${randomBytes(6).toString('hex')}`;
    const storageDir = path.join(root, 'files');
    fs.mkdirSync(storageDir);
    await copyPostgresDemo({ demoLibrary: false, clock: new Date(clock) }, SERVER_URL!, database, storageDir);
    const target = new URL(SERVER_URL!);
    target.pathname = `/${database}`;
    url = target.toString();
    server = await startServer({
      DATABASE_URL: url,
      DATA_DIR: root,
      STORAGE_DIR: storageDir,
      WORKERS: '2',
      RUN_JOBS: 'true',
      MAKTAB_CLOCK: clock,
    });
    await until('both workers listening', async () =>
      /is listening on .*\(postgres, 2 workers\)/.test(server.stdout()) ? true : undefined,
    );
  }, 240_000);

  afterAll(async () => {
    await killAll();
    if (database) {
      const admin = new pg.Client({ connectionString: SERVER_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${database} with (force)`).finally(() => admin.end());
    }
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('runs two worker processes that answer on one port', async () => {
    expect(server.stdout()).toMatch(/Starting 2 worker processes \(WORKERS=2\), 5 database connections each/);
    expect(childrenOf(server.pid)).toHaveLength(2);
    expect([...(await answeredBy(server.url, ['1', '2']))].sort()).toEqual(['1', '2']);
  });

  it('runs the scheduled parents’ summary exactly once', async () => {
    const job = await until('the day’s summary to run', async () => {
      const [row] = await query<{ state: string; attempts: number }>(
        `select state, attempts from maktab_job where queue = $1 and payload->>'day' = $2`,
        [SUMMARY_QUEUE, day],
      );
      return row?.state === 'done' ? row : undefined;
    });
    expect(job.attempts).toBe(1);
    const jobs = await query<{ n: string }>(
      `select count(*) as n from maktab_job where queue = $1 and payload->>'day' = $2`,
      [SUMMARY_QUEUE, day],
    );
    expect(Number(jobs[0]!.n)).toBe(1);
  });

  it('starts a worker that dies again, and SIGTERM stops them all', async () => {
    const before = childrenOf(server.pid);
    const victim = before[0]!;
    process.kill(victim, 'SIGKILL');
    const after = await until('a new worker', async () => {
      const now = childrenOf(server.pid);
      return now.length === 2 && !now.includes(victim) ? now : undefined;
    });
    expect(server.stdout()).toMatch(/ended \(SIGKILL\); starting it again in 1 s/);
    await answeredBy(server.url, ['1', '2']);

    const exit = await stopWith(server, 'SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(after.filter(isAlive)).toEqual([]);
  }, 120_000);
});

describe.skipIf(SERVER_URL)('maktab serve on the embedded database (PGlite)', () => {
  let root: string;
  let server: ServerProcess;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-cluster-'));
    const storageDir = path.join(root, 'files');
    fs.mkdirSync(storageDir);
    await copyPgliteDemo({ demoLibrary: false }, path.join(root, 'data'), storageDir);
    server = await startServer({ DATA_DIR: path.join(root, 'data'), STORAGE_DIR: storageDir, WORKERS: '2' });
    await until('the server listening', async () =>
      /is listening on .*\(pglite, one process\)/.test(server.stdout()) ? true : undefined,
    );
  }, 240_000);

  afterAll(async () => {
    await killAll();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('stays one process and says WORKERS is ignored, and why', async () => {
    expect(server.stdout()).toMatch(
      /WORKERS=2 is ignored: the embedded database \(PGlite\) lives inside one process/,
    );
    expect(childrenOf(server.pid)).toEqual([]);
    const res = await health(server.url);
    expect(res).toEqual({ status: 200, worker: undefined });
    expect(await stopWith(server, 'SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
