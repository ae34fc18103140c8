import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '@/server/app';
import { openPostgres } from '@/server/db/database';
import { DEMO_PASSWORD } from '@/seed/demo-accounts';
import { copyPostgresDemo } from '@test/demo-cache';
import { login, testConfig } from '@test/harness';

/**
 * What one student's home (`GET /api/home/student`, as the demo student, on a copy of the seeded demo) costs on
 * PostgreSQL: the statements it sends, and the CPU time per request of the app (this process, requests injected,
 * no HTTP) and of the database (the server processes of this database's connections, read from /proc), over
 * sequential requests. These are the `a` and `p` behind the `workers` bench's ratio, measured without the load
 * generator and much less disturbed by other work on the machine than a throughput is. Goal: at most 8
 * statements per request. PostgreSQL only (DATABASE_URL), on Linux. BENCH_REQUESTS sets the number of requests
 * (default 500).
 */

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const ROUTE = '/api/home/student';
const GOAL = 8;

/** The CPU time a process has used, in milliseconds (user and system; clock ticks of 10 ms). */
function cpuOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

export async function run(report: (line: string) => void): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl || process.platform !== 'linux') {
    report('home-cost: skipped — needs DATABASE_URL, on Linux');
    return;
  }
  const name = `maktab_bench_home_${randomBytes(6).toString('hex')}`;
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-bench-home-'));
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  // Counts the statements sent while `counting` (every query goes through a pooled pg.Client).
  let counting = false;
  let statements = 0;
  const query = Reflect.get(pg.Client.prototype, 'query') as (this: pg.Client, ...a: unknown[]) => unknown;
  Reflect.set(pg.Client.prototype, 'query', function (this: pg.Client, ...args: unknown[]) {
    if (counting) statements += 1;
    return query.apply(this, args);
  });
  try {
    await copyPostgresDemo({ demoLibrary: false }, serverUrl, name, storageDir);
    const target = new URL(serverUrl);
    target.pathname = `/${name}`;
    const database = await openPostgres(target.toString());
    const app = await buildApp(testConfig({ storageDir }), database);
    await app.ready();
    try {
      const student = await login(app, 'student', DEMO_PASSWORD);
      const get = async () => {
        const res = await student.inject({ method: 'GET', url: ROUTE });
        if (res.statusCode !== 200) throw new Error(`GET ${ROUTE}: ${res.statusCode} ${res.body}`);
      };
      // Warm: the session and the lists kept per node are read, the statements prepared.
      for (let i = 0; i < 20; i++) await get();
      counting = true;
      await get();
      counting = false;
      const backends = async () =>
        (
          await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name])
        ).rows.map((r) => r.pid);
      const before = new Map((await backends()).map((pid) => [pid, cpuOf(pid)]));
      const appBefore = process.cpuUsage();
      for (let i = 0; i < REQUESTS; i++) await get();
      const appCpu = process.cpuUsage(appBefore);
      let dbCpu = 0;
      for (const pid of await backends()) dbCpu += cpuOf(pid) - (before.get(pid) ?? 0);
      report(
        `home-cost postgres: GET ${ROUTE} ${statements} statements per request (goal <= ${GOAL})` +
          `${statements <= GOAL ? '' : ' MISSED'}; CPU per request over ${REQUESTS}: app ` +
          `${((appCpu.user + appCpu.system) / 1000 / REQUESTS).toFixed(2)} ms, database ` +
          `${(dbCpu / REQUESTS).toFixed(2)} ms; load average ${os
            .loadavg()
            .map((x) => x.toFixed(2))
            .join(' ')}`,
      );
    } finally {
      await app.close();
      await database.close();
    }
  } finally {
    Reflect.set(pg.Client.prototype, 'query', query);
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    fs.rmSync(storageDir, { recursive: true, force: true });
  }
}
