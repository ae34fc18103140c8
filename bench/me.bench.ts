import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import { createTestDatabase, login, testConfig } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';

/**
 * Authenticated `GET /api/me` against a bare Fastify route that answers a JSON object of the same size, both
 * served in this process on this machine, measured alternately so that noise falls on both. Goal: the
 * platform keeps at least half the bare route's throughput.
 */

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = 2;
const GOAL = 0.5;

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

async function throughput(url: string, headers: Record<string, string>, seconds: number): Promise<number> {
  const result = await autocannon({ url, headers, connections: 10, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return result.requests.average;
}

async function measure(database: Database): Promise<string> {
  const app = await buildApp(testConfig(), database);
  const areas = await createAreas(database.db);
  const school = await createInstitution(database.db, areas.district);
  const user = await createUserWithRole(database.db, 'teacher', { institutionId: school.id });
  await app.ready();
  const session = await login(app, user.username, user.password);
  const me = await app.inject({ url: '/api/me', headers: { cookie: session.cookie } });

  const bare = Fastify({ logger: false });
  const body = me.json<unknown>();
  bare.get('/bare', async () => body);

  const appUrl = `${await listen(app)}/api/me`;
  const bareUrl = `${await listen(bare)}/bare`;
  try {
    await throughput(appUrl, { cookie: session.cookie }, 2);
    await throughput(bareUrl, {}, 2);
    const apps: number[] = [];
    const bares: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bares.push(await throughput(bareUrl, {}, DURATION));
      apps.push(await throughput(appUrl, { cookie: session.cookie }, DURATION));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ratio = mean(apps) / mean(bares);
    const n = new Intl.NumberFormat('en');
    return (
      `me-vs-bare ${database.driver}: GET /api/me ${n.format(Math.round(mean(apps)))} req/s, ` +
      `bare Fastify ${n.format(Math.round(mean(bares)))} req/s, ratio ${ratio.toFixed(2)} ` +
      `(goal ≥ ${GOAL}: ${ratio >= GOAL ? 'met' : 'MISSED'})`
    );
  } finally {
    await bare.close();
    await app.close();
  }
}

export async function run(): Promise<string[]> {
  const lines: string[] = [];
  const url = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  const embedded = await createTestDatabase();
  try {
    lines.push(await measure(embedded));
  } finally {
    await embedded.close();
  }
  if (url) {
    process.env.DATABASE_URL = url;
    const server = await createTestDatabase();
    try {
      lines.push(await measure(server));
    } finally {
      await server.close();
    }
  }
  return lines;
}
