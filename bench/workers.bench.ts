import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { DEMO_PASSWORD } from '@/seed/demo-accounts';
import { copyPostgresDemo } from '@test/demo-cache';
import { killAll, signIn, startServer, stopWith, type ServerProcess } from '@test/spawn';

/**
 * `maktab serve` on every core against one process: the student's home (`GET /api/home/student`, what the
 * student's home page asks for, as the demo student) on PostgreSQL, served by two real `maktab serve` processes
 * on one copy of the seeded demo — one with WORKERS=1, one with the default (one worker per core) — measured
 * alternately (one, all, one, all) so that noise falls on both; the means are compared. Goal: at least 1.7 times
 * the throughput on a machine of two cores or more. The load generator runs in a worker thread of this process
 * and takes a share of the same cores, so the ratio understates what a separate load balancer would see. The
 * load average is reported with the figures: on a busy machine the ratio says little (with the kernel's
 * autogroup scheduling, all of this run's processes share one session's slice of the cores, however many).
 *
 * PostgreSQL only (DATABASE_URL): the embedded database runs in one process. BENCH_DURATION sets the seconds
 * of each measured run (default 10).
 */

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Math.min(3, DURATION);
const ROUNDS = 2;
const CONNECTIONS = 16;
const GOAL = 1.7;
const ROUTE = '/api/home/student';

if (!Number.isFinite(DURATION) || DURATION <= 0) {
  throw new Error(`BENCH_DURATION must be a positive number of seconds, not ${process.env.BENCH_DURATION}`);
}

/** Requests per second (the mean of the per-second samples); any error or non-2xx answer is a crash. */
async function throughput(url: string, headers: Record<string, string>, seconds: number): Promise<number> {
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: seconds, workers: 1 });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return result.requests.average;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const count = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** A server on the database at `url` with `workers` (undefined: the default), signed in as the demo student. */
async function studentServer(
  url: string,
  storageDir: string,
  workers: string | undefined,
): Promise<{ server: ServerProcess; cookie: Record<string, string> }> {
  const env: Record<string, string> = { DATABASE_URL: url, STORAGE_DIR: storageDir, DATA_DIR: storageDir };
  if (workers !== undefined) env.WORKERS = workers;
  const server = await startServer(env);
  // Listening means every worker is: the primary says so once they all are.
  const deadline = Date.now() + 60_000;
  while (!/is listening on /.test(server.stdout())) {
    if (Date.now() > deadline)
      throw new Error(`not listening after 60 s:\n${server.stdout()}${server.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const session = await signIn(server.url, 'student', DEMO_PASSWORD);
  const res = await session.request('GET', ROUTE);
  if (res.status !== 200) throw new Error(`GET ${ROUTE}: ${res.status} ${await res.text()}`);
  return { server, cookie: { cookie: session.headers.cookie! } };
}

export async function run(report: (line: string) => void): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    report('workers: skipped — needs DATABASE_URL (the embedded database runs in one process)');
    return;
  }
  const name = `maktab_bench_workers_${randomBytes(6).toString('hex')}`;
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-bench-workers-'));
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  try {
    await copyPostgresDemo({ demoLibrary: false }, serverUrl, name, storageDir);
    const target = new URL(serverUrl);
    target.pathname = `/${name}`;
    const one = await studentServer(target.toString(), storageDir, '1');
    const all = await studentServer(target.toString(), storageDir, undefined);
    const workers = /Starting (\d+) worker processes/.exec(all.server.stdout())?.[1] ?? '1';
    const loadBefore = load();
    const busy = os.loadavg()[0]! > os.availableParallelism();
    await throughput(`${one.server.url}${ROUTE}`, one.cookie, WARMUP);
    await throughput(`${all.server.url}${ROUTE}`, all.cookie, WARMUP);
    const ones: number[] = [];
    const alls: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      ones.push(await throughput(`${one.server.url}${ROUTE}`, one.cookie, DURATION));
      alls.push(await throughput(`${all.server.url}${ROUTE}`, all.cookie, DURATION));
    }
    const ratio = mean(alls) / mean(ones);
    report(
      `workers postgres: GET ${ROUTE} WORKERS=1 ${count.format(mean(ones))} req/s, ` +
        `default (${workers} workers, ${os.availableParallelism()} cores) ${count.format(mean(alls))} req/s, ` +
        `ratio ${ratio.toFixed(2)} (goal >= ${GOAL})${ratio >= GOAL ? '' : ' MISSED'}; ` +
        `load average ${loadBefore} before, ${load()} after` +
        (busy ? ' (busy machine: the figures measure its other work as much as this)' : ''),
    );
    await stopWith(one.server, 'SIGTERM');
    await stopWith(all.server, 'SIGTERM');
  } finally {
    await killAll();
    await admin(`drop database if exists ${name} with (force)`);
    fs.rmSync(storageDir, { recursive: true, force: true });
  }
}
