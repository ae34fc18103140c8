import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, sql, type Database } from '@/server/db/database';
import { enqueue, jobState, JobWorker, PermanentJobError, type Job } from '@/server/jobs';
import { createTestDatabase } from '@test/harness';

describe('the job queue', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.close());

  it('exists only when the transaction that asked for it commits', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await enqueue(tx, 'test.rollback', { n: 1 });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const [row] = await rows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from maktab_job where queue = 'test.rollback'`,
    );
    expect(row!.n).toBe(0);
  });

  it('retries a failing job, then fails it for good and records why', async () => {
    const attempts: number[] = [];
    const failures: string[] = [];
    const worker = new JobWorker(
      database.db,
      {
        'test.flaky': {
          async run(job: Job) {
            attempts.push(job.attempt);
            throw new Error(`attempt ${job.attempt} failed`);
          },
          async onFailed(_db, _job, message) {
            failures.push(message);
          },
        },
      },
      { backoffMs: () => 0 },
    );
    const id = await enqueue(database.db, 'test.flaky', {}, { maxAttempts: 3 });
    await worker.drain();
    expect(attempts).toEqual([1, 2, 3]);
    expect(failures).toEqual(['attempt 3 failed']);
    expect(await jobState(database.db, id)).toMatchObject({ state: 'failed', attempts: 3 });
  });

  it('fails at once on a permanent error, and finishes a job that succeeds', async () => {
    let runs = 0;
    const worker = new JobWorker(database.db, {
      'test.permanent': {
        async run() {
          runs++;
          throw new PermanentJobError('truncated');
        },
      },
      'test.ok': { run: async () => {} },
    });
    const bad = await enqueue(database.db, 'test.permanent', {}, { maxAttempts: 5 });
    const good = await enqueue(database.db, 'test.ok', {});
    await worker.drain();
    expect(runs).toBe(1);
    expect(await jobState(database.db, bad)).toMatchObject({ state: 'failed', lastError: 'truncated' });
    expect(await jobState(database.db, good)).toMatchObject({ state: 'done' });
  });

  it('gives each job to one worker, and takes over a job whose worker died', async () => {
    const seen: number[] = [];
    const handler = {
      async run(job: Job) {
        seen.push((job.payload as { n: number }).n);
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
    };
    for (let n = 0; n < 12; n++) await enqueue(database.db, 'test.shared', { n });
    const a = new JobWorker(database.db, { 'test.shared': handler });
    const b = new JobWorker(database.db, { 'test.shared': handler });
    await Promise.all([a.drain(), b.drain()]);
    expect(seen.sort((x, y) => x - y)).toEqual([...Array(12).keys()]);

    // A worker claimed this one and vanished: once its lock has expired another worker runs it.
    const orphan = await enqueue(database.db, 'test.shared', { n: 99 });
    await database.db.execute(
      sql`update maktab_job set state = 'running', attempts = 1, locked_until = now() - interval '1 minute'
          where id = ${orphan}`,
    );
    await a.drain();
    expect(seen).toContain(99);
    expect(await jobState(database.db, orphan)).toMatchObject({ state: 'done', attempts: 2 });
  });
});
