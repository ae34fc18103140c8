import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parseClock } from '@/server/clock';
import { loadConfig, type Config } from '@/server/config';
import { serve, type RunningServer } from '@/server/serve';
import { copyPgliteDemo, copyPostgresDemo } from '@test/demo-cache';

/** A real server for browser tests, on its own throw-away copy of the seeded demo country. */
export interface TestServer {
  url: string;
  running: RunningServer;
  /** The configuration it runs with (its storage directory, its media programs…). */
  config: Config;
  stop(): Promise<void>;
}

/** The built web app: `dist/web`, or WEB_ROOT when a build was made elsewhere (`vite build --outDir`). */
const WEB_ROOT = path.resolve(process.env.WEB_ROOT ?? 'dist/web');

/**
 * Starts the platform the way `maktab serve` does — migrations, the demo seed, the built web app — on port 0.
 * The demo library (hundreds of resources, media made with ffmpeg) is left out unless a test asks for it.
 * The database is a temporary PGlite directory, or, when DATABASE_URL is set, a new database on that
 * PostgreSQL server; either is removed by `stop()`. It starts as a copy of the demo seeded once for these
 * options and this source (`test/demo-cache.ts`), so `serve()` finds it seeded and only migrates (nothing to do).
 * `clock` starts the server's clock at that instant (`MAKTAB_CLOCK`); the pages `openPage` opens afterwards
 * run on the same clock.
 */
export async function startServer(
  options: { demoLibrary?: boolean; clock?: string | Date } = {},
): Promise<TestServer> {
  if (!fs.existsSync(path.join(WEB_ROOT, 'index.html'))) {
    throw new Error(`${WEB_ROOT}/index.html is missing: run \`npm run build\` (npm run test:e2e does) first`);
  }
  const cleanups: (() => Promise<void>)[] = [];
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    WEB_ROOT,
    LOG_LEVEL: 'silent',
  };
  if (options.clock !== undefined) {
    env.MAKTAB_CLOCK = options.clock instanceof Date ? options.clock.toISOString() : options.clock;
  }
  const demo = {
    demoLibrary: options.demoLibrary ?? false,
    ...(env.MAKTAB_CLOCK ? { clock: parseClock(env.MAKTAB_CLOCK) } : {}),
  };
  const runCleanups = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  let config: Config;
  let running: RunningServer;
  try {
    // Uploaded and processed library files go to a directory of their own, removed with the rest.
    const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-e2e-files-'));
    cleanups.push(async () => fs.rmSync(storageDir, { recursive: true, force: true }));
    env.STORAGE_DIR = storageDir;
    const serverUrl = process.env.DATABASE_URL;
    if (serverUrl) {
      const name = `maktab_e2e_${randomBytes(6).toString('hex')}`;
      cleanups.push(() =>
        withClient(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`)),
      );
      await copyPostgresDemo(demo, serverUrl, name, storageDir);
      const target = new URL(serverUrl);
      target.pathname = `/${name}`;
      env.DATABASE_URL = target.toString();
    } else {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-e2e-'));
      cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
      await copyPgliteDemo(demo, dataDir, storageDir);
      env.DATA_DIR = dataDir;
    }
    config = loadConfig(env);
    running = await serve(config, { handleSignals: false, demoLibrary: demo.demoLibrary });
  } catch (error) {
    await runCleanups();
    throw error;
  }
  return {
    url: running.url,
    running,
    config,
    async stop() {
      try {
        await running.stop();
      } finally {
        await runCleanups();
      }
    },
  };
}

async function withClient(url: string, fn: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}
