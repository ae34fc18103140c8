import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/server/app';
import { loadConfig, type Config } from '@/server/config';
import { openDatabase, type Database } from '@/server/db/database';
import { migrate } from '@/server/db/migrate';
import { seedIfEmpty } from '@/seed/seed';
import { startClockAt } from '@/server/clock';
import { LocalStorage } from '@/server/storage';

/** A running server: its address and how to stop it. */
export interface RunningServer {
  app: FastifyInstance;
  database: Database;
  url: string;
  stop(): Promise<void>;
}

/** Migrates the database and loads the demo country into an empty one (only the country pack in production). */
export async function prepareDatabase(
  database: Database,
  config: Config,
  options: { demoLibrary?: boolean } = {},
): Promise<void> {
  await migrate(database);
  await seedIfEmpty(database, {
    production: config.production,
    log: (m) => console.log(m),
    library:
      (options.demoLibrary ?? true)
        ? { storage: new LocalStorage(config.storageDir), media: config.media }
        : undefined,
  });
}

/**
 * Starts the platform in this process: opens and migrates the database, loads the demo country into an empty one (or only
 * the country pack in production), and listens. SIGINT and SIGTERM close it cleanly, database included.
 * `maktab serve` on PostgreSQL runs several of these, one per core (`serveCluster` in `cluster.ts`).
 */
export async function serve(
  config: Config = loadConfig(),
  options: {
    handleSignals?: boolean;
    /** Seed the demo library's few hundred resources with their media (the default); browser tests mostly skip it. */
    demoLibrary?: boolean;
    /** Migrate and seed first (the default); a cluster's workers leave it to their primary (`cluster.ts`). */
    prepare?: boolean;
    /** Names this process in an `x-maktab-worker` header on every answer, when it is one of several workers. */
    worker?: string;
  } = {},
): Promise<RunningServer> {
  const database = await openDatabase(config.database);
  let app: FastifyInstance | undefined;
  try {
    // Started before the seed too (the app starts it again): the demo's school life is placed around its week.
    if (config.clock) startClockAt(config.clock);
    if (options.prepare ?? true) await prepareDatabase(database, config, options);
    app = await buildApp(config, database);
    const worker = options.worker;
    if (worker !== undefined) {
      app.addHook('onRequest', async (_request, reply) => {
        reply.header('x-maktab-worker', worker);
      });
    }
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app?.close();
    await database.close();
    throw error;
  }
  const running = app;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      try {
        await running.close();
      } finally {
        await database.close();
      }
    })());
  if (options.handleSignals ?? true) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        running.log.info({ signal }, 'shutting down');
        stop().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      });
    }
  }
  const address = running.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app: running, database, url: `http://127.0.0.1:${port}`, stop };
}
