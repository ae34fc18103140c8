import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import * as clock from '@/server/clock';

/**
 * A small job queue in PostgreSQL (table `maktab_job`, migration `jobs`): no extra server, and it works the
 * same on PGlite and on a PostgreSQL server. A job is enqueued in the caller's transaction, so it exists
 * exactly when the change that asked for it does. Workers claim the oldest ready job with
 * `FOR UPDATE SKIP LOCKED` (several workers and app nodes never take the same one) and hold it for a lock
 * period; a job whose worker died is claimed again once that lock has expired. A failed job is retried with a
 * growing delay up to its `maxAttempts`; a `PermanentJobError` fails it at once (retrying cannot help a
 * truncated video). When a job fails for good, its handler's `onFailed` runs, in one transaction with the
 * job's final state.
 */

/** A job as a handler sees it. */
export interface Job {
  id: number;
  queue: string;
  payload: unknown;
  /** This attempt's number, from 1. */
  attempt: number;
  maxAttempts: number;
}

/** What runs the jobs of one queue. */
export interface JobHandler {
  /** Does the work; throwing retries the job later (or fails it, on the last attempt). */
  run(job: Job): Promise<void>;
  /** Records a job's final failure where users will see it. Runs in the transaction that marks it failed. */
  onFailed?(db: Db, job: Job, message: string): Promise<void>;
  /** How long a claimed job is held before another worker may take it over (ms). */
  lockMs?: number;
}

/** A failure that retrying cannot fix: the job fails at once, whatever attempts are left. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** Adds a job; pass the transaction of the change that needs it. Returns the job's id. */
export async function enqueue(
  db: Db,
  queue: string,
  payload: Record<string, unknown>,
  options: { maxAttempts?: number; runAt?: Date } = {},
): Promise<number> {
  const [row] = await rows<{ id: number }>(
    db,
    sql`insert into maktab_job (queue, payload, max_attempts, run_at)
        values (${queue}, ${JSON.stringify(payload)}::jsonb, ${options.maxAttempts ?? 3},
                ${(options.runAt ?? clock.now()).toISOString()}::timestamptz)
        returning id`,
  );
  return row!.id;
}

/**
 * Adds a job unless one of the same queue and payload exists already, whatever its state (queued, running,
 * done or failed): for work that must happen once, such as a day's scheduled run. Several app nodes may ask at
 * once; a transaction-scoped advisory lock on the queue makes them take turns. Returns the new job's id, or
 * null when there was one.
 */
export async function enqueueOnce(
  db: Db,
  queue: string,
  payload: Record<string, unknown>,
  options: { maxAttempts?: number; runAt?: Date } = {},
): Promise<number | null> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`maktab_job:${queue}`}))`);
    const [found] = await rows<{ id: number }>(
      tx,
      sql`select id from maktab_job where queue = ${queue} and payload = ${JSON.stringify(payload)}::jsonb limit 1`,
    );
    if (found) return null;
    return enqueue(tx, queue, payload, options);
  });
}

/** The state of a job, for tests and operators. */
export interface JobState {
  id: number;
  queue: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  lastError: string | null;
}

/** Looks a job up. */
export async function jobState(db: Db, id: number): Promise<JobState | undefined> {
  const [row] = await rows<JobState>(
    db,
    sql`select id, queue, state, attempts, last_error as "lastError" from maktab_job where id = ${id}`,
  );
  return row;
}

/** Stands for "no job in hand" when the queue itself fails (the database is down). */
const NO_JOB: Job = { id: 0, queue: '', payload: null, attempt: 0, maxAttempts: 0 };

/** Delay before retry `attempt` + 1: 10 s, 40 s, 90 s, … */
const defaultBackoff = (attempt: number) => attempt * attempt * 10_000;

/** Runs the jobs of the queues it has handlers for. */
export class JobWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly handlers: Record<string, JobHandler>,
    private readonly options: {
      pollMs?: number;
      backoffMs?: (attempt: number) => number;
      onError?: (job: Job, error: unknown) => void;
    } = {},
  ) {}

  /** Claims one ready job and runs it. False when there was none. */
  async runOnce(): Promise<boolean> {
    const queues = Object.keys(this.handlers);
    if (queues.length === 0) return false;
    const [claimed] = await rows<{
      id: number;
      queue: string;
      payload: unknown;
      attempts: number;
      max_attempts: number;
    }>(
      this.db,
      sql`update maktab_job j
          set state = 'running', attempts = j.attempts + 1, updated_at = now(),
              locked_until = now() + make_interval(secs => case j.queue
                ${sql.join(
                  queues.map(
                    (q) => sql`when ${q} then ${(this.handlers[q]!.lockMs ?? 15 * 60_000) / 1000}::float8`,
                  ),
                  sql` `,
                )} end)
          where j.id = (
            select id from maktab_job
            where queue in (${sql.join(
              queues.map((q) => sql`${q}`),
              sql`, `,
            )})
              and ((state = 'queued' and run_at <= now() + make_interval(secs => ${clock.clockOffsetMs() / 1000}::float8)) or (state = 'running' and locked_until < now()))
            order by run_at, id
            limit 1
            for update skip locked)
          returning j.id, j.queue, j.payload, j.attempts, j.max_attempts`,
    );
    if (!claimed) return false;
    const job: Job = {
      id: claimed.id,
      queue: claimed.queue,
      payload: claimed.payload,
      attempt: claimed.attempts,
      maxAttempts: claimed.max_attempts,
    };
    const handler = this.handlers[job.queue]!;
    try {
      await handler.run(job);
      await this.db.execute(
        sql`update maktab_job set state = 'done', locked_until = null, last_error = null, updated_at = now()
            where id = ${job.id}`,
      );
    } catch (error) {
      this.options.onError?.(job, error);
      const message = error instanceof Error ? error.message : String(error);
      const final = error instanceof PermanentJobError || job.attempt >= job.maxAttempts;
      if (final) {
        await this.db.transaction(async (tx) => {
          await tx.execute(
            sql`update maktab_job set state = 'failed', locked_until = null, last_error = ${message},
                updated_at = now() where id = ${job.id}`,
          );
          await handler.onFailed?.(tx, job, message);
        });
      } else {
        const delay = (this.options.backoffMs ?? defaultBackoff)(job.attempt);
        await this.db.execute(
          sql`update maktab_job set state = 'queued', locked_until = null, last_error = ${message},
              run_at = now() + make_interval(secs => ${(clock.clockOffsetMs() + delay) / 1000}::float8), updated_at = now()
              where id = ${job.id}`,
        );
      }
    }
    return true;
  }

  /** Runs ready jobs until none is left; returns how many ran. For tests and one-off commands. */
  async drain(): Promise<number> {
    let count = 0;
    while (await this.runOnce()) count++;
    return count;
  }

  /** Polls for jobs in the background until `stop`. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.drain()
        .catch((error: unknown) => this.options.onError?.(NO_JOB, error))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs ?? 2000);
        });
    };
    tick();
  }

  /** Stops polling and waits for the job in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
