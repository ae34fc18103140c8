import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AppError } from '@/server/errors';
import { hasMessage } from '@/server/i18n';
import { configureWorkers, runInWorker, stopWorkers, WORKER_THREADS } from '@/server/worker-pool';

const TASKS = new URL('../../test/worker-tasks.ts', import.meta.url).href;

const echo = (value: unknown) => runInWorker<{ value: unknown; threadId: number }>(TASKS, 'echo', [value]);
const spin = (ms: number) => runInWorker<number>(TASKS, 'spin', [ms]);
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('the worker pool', () => {
  const defaults = configureWorkers({});
  afterEach(() => {
    configureWorkers(defaults);
  });
  afterAll(stopWorkers);

  it('ends a task past its time limit with a clear 413, and a fresh thread takes the next task', async () => {
    const before = await echo('warm');
    configureWorkers({ taskTimeoutMs: 800 });
    const started = Date.now();
    const error = await refusal(spin(60_000));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 413, code: 'worker.too_slow', params: { seconds: 1 } });
    expect(hasMessage('worker.too_slow')).toBe(true);
    // Stopped at its limit, not when the loop would have ended.
    expect(Date.now() - started).toBeLessThan(30_000);
    configureWorkers(defaults);
    const after = await echo({ a: [1, 2] });
    expect(after.value).toEqual({ a: [1, 2] });
    expect(typeof before.threadId).toBe('number');
  });

  it('refuses at once, with 503 and a time to retry, when more than its limit of tasks wait', async () => {
    configureWorkers({ maxQueued: 2, taskTimeoutMs: 60_000, retryAfterSeconds: 7 });
    // Every thread busy, then two tasks waiting: the queue is full.
    const busy = Array.from({ length: WORKER_THREADS }, () => spin(1500));
    const waiting = [echo(1), echo(2)];
    const started = Date.now();
    const error = await refusal(echo(3));
    expect(Date.now() - started).toBeLessThan(500);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 503, code: 'worker.busy', params: { retryAfter: 7 } });
    expect(hasMessage('worker.busy')).toBe(true);
    // The tasks already taken still run to their end.
    await Promise.all(busy);
    expect((await Promise.all(waiting)).map((w) => w.value)).toEqual([1, 2]);
    // With the queue drained, tasks are taken again.
    expect((await echo(4)).value).toBe(4);
  });
});
