import cluster, { type Worker } from 'node:cluster';
import { clockOffsetMs, startClockAt } from '@/server/clock';
import { loadConfig, workerPoolSize, type Config } from '@/server/config';
import { openDatabase } from '@/server/db/database';
import { prepareDatabase, serve } from '@/server/serve';
import { VERSION } from '@/server/version';

/**
 * `maktab serve` on every core. One Node.js process uses one core, so on PostgreSQL the command runs a primary
 * process and `WORKERS` worker processes (default one per core) with `node:cluster`:
 *
 * - the primary opens the database, migrates and seeds it once, closes it, and forks the workers; it serves no
 *   request itself;
 * - each worker builds the app on its own connection pool (the node's `DATABASE_POOL_SIZE` shared out) and
 *   listens on the same port, which the cluster shares: connections are dealt to the workers in turn;
 * - the workers share nothing but the database, as app nodes do (docs/operations.md, "Several app nodes");
 * - background jobs run in worker 1 only (with `RUN_JOBS`): the queue and its schedules would be safe in all of
 *   them (`FOR UPDATE SKIP LOCKED`, `enqueueOnce`), but one worker keeps media encoding to one job at a time
 *   per node, as before, and sweeps stale uploads once;
 * - a worker that ends unexpectedly is started again after a delay that grows while it keeps failing
 *   (1 s, 2 s, 4 s … 30 s); SIGTERM or SIGINT to the primary stops every worker cleanly, then the primary.
 *
 * The embedded database (PGlite) lives inside one process, so on it `maktab serve` stays one process and says
 * so. `serve()` itself is always one process, as tests use it.
 */

/** Set in a worker's environment by its primary: its number (1…N), which the `x-maktab-worker` header carries. */
const WORKER_ENV = 'MAKTAB_WORKER';
/** Set by the primary when MAKTAB_CLOCK is: how far its clock runs from the real one, so that workers agree. */
const CLOCK_OFFSET_ENV = 'MAKTAB_CLOCK_OFFSET_MS';

/** A worker that lived at least this long had started well: its next restart waits the shortest delay again. */
const HEALTHY_MS = 60_000;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;
/** How long stopping workers may take (their requests in hand) before they are killed. */
const STOP_GRACE_MS = 30_000;

/** The delay before restarting a worker that has failed `failures` times in a row (1 s, 2 s, 4 s … 30 s). */
export function restartDelayMs(failures: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1));
}

/**
 * Runs `maktab serve`: the cluster on PostgreSQL with more than one worker, else this one process. In a
 * worker, runs that worker. Prints what it runs and where it listens.
 */
export async function serveCluster(
  config: Config = loadConfig(),
  log: (line: string) => void = (line) => console.log(line),
): Promise<void> {
  if (cluster.isWorker) return runWorker(config);
  const listening = (url: string, what: string) =>
    log(`Maktab ${VERSION} is listening on ${url} (${config.database.driver}, ${what})`);
  if (config.database.driver === 'pglite') {
    log(
      config.workers.set && config.workers.count > 1
        ? `WORKERS=${config.workers.count} is ignored: the embedded database (PGlite) lives inside one process, ` +
            'which no other process can share, so Maktab runs as one process on one core. ' +
            'Set DATABASE_URL to a PostgreSQL server to use every core.'
        : 'The embedded database (PGlite) lives inside one process: Maktab runs as one process on one core. ' +
            'Set DATABASE_URL to a PostgreSQL server to use every core.',
    );
    await serve(config);
    listening(`http://localhost:${config.port}`, 'one process');
    return;
  }
  if (config.workers.count === 1) {
    await serve(config);
    listening(`http://localhost:${config.port}`, 'one process, WORKERS=1');
    return;
  }
  await runPrimary(config, log, listening);
}

/** A worker: the app on its own pool, without the migration and seed its primary has done. */
async function runWorker(config: Config): Promise<void> {
  const offset = process.env[CLOCK_OFFSET_ENV];
  // Started where the primary's clock is now, not at MAKTAB_CLOCK again: every worker tells the same time.
  const own = offset === undefined ? config : { ...config, clock: new Date(Date.now() + Number(offset)) };
  await serve(own, { prepare: false, worker: process.env[WORKER_ENV] ?? String(cluster.worker?.id ?? 0) });
}

async function runPrimary(
  config: Config,
  log: (line: string) => void,
  listening: (url: string, what: string) => void,
): Promise<void> {
  if (config.database.driver !== 'postgres') throw new Error('the cluster runs on PostgreSQL only');
  const count = config.workers.count;
  if (config.clock) startClockAt(config.clock);
  const database = await openDatabase(config.database);
  try {
    await prepareDatabase(database, config);
  } finally {
    await database.close();
  }

  const poolSize = workerPoolSize(config.database.poolSize, count);
  log(
    `Starting ${count} worker processes (${config.workers.set ? `WORKERS=${count}` : 'one per core; WORKERS sets it'}), ` +
      `${poolSize} database connections each (DATABASE_POOL_SIZE=${config.database.poolSize} shared out); ` +
      `background jobs ${config.runJobs ? 'in worker 1' : 'off (RUN_JOBS)'}.`,
  );
  const envFor = (slot: number): Record<string, string> => ({
    [WORKER_ENV]: String(slot),
    DATABASE_POOL_SIZE: String(poolSize),
    RUN_JOBS: String(config.runJobs && slot === 1),
    ...(config.clock ? { [CLOCK_OFFSET_ENV]: String(clockOffsetMs()) } : {}),
  });

  const workers = new Map<number, Worker>();
  const failures = new Map<number, number>();
  const restarts = new Set<NodeJS.Timeout>();
  let stopping = false;
  let started = false;

  const fork = (slot: number): Worker => {
    const worker = cluster.fork(envFor(slot));
    const bornAt = Date.now();
    workers.set(slot, worker);
    worker.on('exit', (code, signal) => {
      if (workers.get(slot) === worker) workers.delete(slot);
      if (stopping || !started) return;
      const lived = Date.now() - bornAt;
      const failed = lived < HEALTHY_MS ? (failures.get(slot) ?? 0) + 1 : 1;
      failures.set(slot, failed);
      const delay = restartDelayMs(failed);
      log(
        `Worker ${slot} (pid ${worker.process.pid}) ended (${signal ?? `exit code ${code}`}); ` +
          `starting it again in ${delay / 1000} s.`,
      );
      const timer = setTimeout(() => {
        restarts.delete(timer);
        if (!stopping) fork(slot);
      }, delay);
      restarts.add(timer);
    });
    return worker;
  };

  const stop = async (): Promise<boolean> => {
    stopping = true;
    for (const timer of restarts) clearTimeout(timer);
    restarts.clear();
    const alive = [...workers.values()].filter((w) => w.process.exitCode === null && !w.isDead());
    const exits = alive.map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve())));
    for (const worker of alive) worker.process.kill('SIGTERM');
    let killed = false;
    const grace = setTimeout(() => {
      killed = true;
      for (const worker of alive) if (!worker.isDead()) worker.process.kill('SIGKILL');
    }, STOP_GRACE_MS);
    await Promise.all(exits);
    clearTimeout(grace);
    return !killed;
  };

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`Stopping ${workers.size} workers (${signal}).`);
      void stop().then((clean) => process.exit(clean ? 0 : 1));
    });
  }

  // Every worker must come up once; one that ends before it listens (port taken, database refused) stops all.
  const ready = [...Array(count).keys()].map((i) => {
    const worker = fork(i + 1);
    return new Promise<number>((resolve, reject) => {
      worker.once('listening', (address) => resolve(address.port));
      worker.once('exit', (code, signal) =>
        reject(new Error(`worker ${i + 1} ended before listening (${signal ?? `exit code ${code}`})`)),
      );
    });
  });
  let port: number;
  try {
    [port = config.port] = await Promise.all(ready);
  } catch (error) {
    await stop();
    throw error;
  }
  started = true;
  listening(`http://localhost:${port}`, `${count} workers`);
}
