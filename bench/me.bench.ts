import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import { login, testConfig } from '@test/harness';
import { withDatabase } from './support';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';

/**
 * Authenticated `GET /api/me` against a bare Fastify route (no hooks, logger off) that answers the same JSON
 * body, both served in this process on this machine, measured alternately (bare, app, bare, app) so that
 * noise falls on both; the means are compared. Goal: the platform keeps at least half the bare route's
 * throughput. The load generator runs in a worker thread, so that its own cost per request is not counted
 * against the servers' event loop (which would push the ratio towards 1).
 *
 * BENCH_DURATION sets the seconds of each measured run (default 10).
 */

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Math.min(3, DURATION);
const ROUNDS = 2;
const CONNECTIONS = 10;
const GOAL = 0.5;

if (!Number.isFinite(DURATION) || DURATION <= 0) {
  throw new Error(`BENCH_DURATION must be a positive number of seconds, not ${process.env.BENCH_DURATION}`);
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
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

async function measure(database: Database): Promise<string> {
  const app = await buildApp(testConfig(), database);
  const bare = Fastify({ logger: false });
  try {
    const areas = await createAreas(database.db);
    const school = await createInstitution(database.db, areas.district);
    const user = await createUserWithRole(database.db, 'teacher', { institutionId: school.id });
    await app.ready();
    const { cookie } = await login(app, user.username, user.password);
    const me = await app.inject({ url: '/api/me', headers: { cookie } });
    if (me.statusCode !== 200) throw new Error(`GET /api/me: ${me.statusCode} ${me.body}`);

    // The same body as /api/me answers, so both send the same bytes.
    const body = me.json<unknown>();
    bare.get('/bare', async () => body);

    const appUrl = `${await listen(app)}/api/me`;
    const bareUrl = `${await listen(bare)}/bare`;
    await throughput(bareUrl, {}, WARMUP);
    await throughput(appUrl, { cookie }, WARMUP);
    const bares: number[] = [];
    const apps: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bares.push(await throughput(bareUrl, {}, DURATION));
      apps.push(await throughput(appUrl, { cookie }, DURATION));
    }
    const ratio = mean(apps) / mean(bares);
    return (
      `me-vs-bare ${database.driver}: /api/me ${count.format(mean(apps))} req/s, ` +
      `bare ${count.format(mean(bares))} req/s, ratio ${ratio.toFixed(2)} (goal >= ${GOAL})` +
      (ratio >= GOAL ? '' : ' MISSED')
    );
  } finally {
    await bare.close();
    await app.close();
  }
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export async function run(report: (line: string) => void): Promise<void> {
  report(await withDatabase(undefined, measure));
  const url = process.env.DATABASE_URL;
  if (url) report(await withDatabase(url, measure));
}
