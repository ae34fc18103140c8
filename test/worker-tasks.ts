/** Tasks for the worker pool's tests, run in its threads: one that answers, one that keeps a thread busy. */

/** Answers with what it was given, and the thread it ran in. */
export async function echo(value: unknown): Promise<unknown> {
  const { threadId } = await import('node:worker_threads');
  return { value, threadId };
}

/** Keeps its thread busy for `ms` milliseconds, answering nothing in between (as a parser stuck in a loop). */
export function spin(ms: number): number {
  const until = Date.now() + ms;
  let n = 0;
  while (Date.now() < until) n++;
  return n;
}
