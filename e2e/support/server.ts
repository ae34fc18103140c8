import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig, type Config } from '@/server/config';
import { serve, type RunningServer } from '@/server/serve';

/** A real server for browser tests, on its own throw-away database, with the demo country seeded. */
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
 * PostgreSQL server; either is removed by `stop()`. `clock` starts the server's clock at that instant
 * (`MAKTAB_CLOCK`); the pages `openPage` opens afterwards run on the same clock.
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
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `maktab_e2e_${randomBytes(6).toString('hex')}`;
    await withClient(serverUrl, (c) => c.query(`create database ${name}`));
    cleanups.push(() =>
      withClient(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`)),
    );
    const target = new URL(serverUrl);
    target.pathname = `/${name}`;
    env.DATABASE_URL = target.toString();
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-e2e-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    env.DATA_DIR = dataDir;
  }
  // Uploaded and processed library files go to a directory of their own, removed with the rest.
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-e2e-files-'));
  cleanups.push(async () => fs.rmSync(storageDir, { recursive: true, force: true }));
  env.STORAGE_DIR = storageDir;
  const runCleanups = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  const config = loadConfig(env);
  let running: RunningServer;
  try {
    running = await serve(config, { handleSignals: false, demoLibrary: options.demoLibrary ?? false });
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
