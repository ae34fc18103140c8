import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError } from '@/server/errors';

/**
 * Worker threads for CPU-heavy work on uploads (unpacking and parsing an import's file), so that one big or
 * hostile file never stalls the event loop that answers every other request. A small pool: at most two
 * threads (or the cores there are), started when first needed, ended after a minute idle, never keeping the
 * process alive. Tasks wait their turn in order. Each thread's heap is capped: a file that needs more is
 * refused (413) and the thread replaced, instead of the process running out of memory.
 *
 * A task names a module by URL and one of its exported functions; arguments and results cross by
 * structured clone (plain data, Maps, Uint8Arrays). An AppError thrown in the thread is thrown here as one.
 */

const SIZE = Math.max(1, Math.min(2, availableParallelism()));
const IDLE_MS = 60_000;
/** A thread's heap: enough to parse a 10 MB workbook, far below what would put the process at risk. */
const HEAP_MB = 512;
const ENTRY = new URL('./worker-entry.js', import.meta.url);

interface Task {
  id: number;
  module: string;
  name: string;
  args: unknown[];
  transfer: ArrayBuffer[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Thread {
  worker: Worker;
  task: Task | null;
  idle: NodeJS.Timeout | null;
}

type Answer =
  | { id: number; result: unknown; error?: undefined }
  | {
      id: number;
      error:
        | { app: true; status: number; code: string; params: Record<string, unknown>; details: unknown }
        | { app: false; message: string };
    };

const threads: Thread[] = [];
const queue: Task[] = [];
let nextId = 1;

function start(): Thread {
  const worker = new Worker(ENTRY, { resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
  const thread: Thread = { worker, task: null, idle: null };
  worker.unref();
  worker.on('message', (answer: Answer) => {
    const task = thread.task;
    if (!task || task.id !== answer.id) return;
    thread.task = null;
    if (answer.error === undefined) task.resolve(answer.result);
    else if (answer.error.app) {
      const e = answer.error;
      task.reject(new AppError(e.status, e.code, e.params, e.details));
    } else task.reject(new Error(answer.error.message));
    next(thread);
  });
  const lost = (error: unknown) => {
    const index = threads.indexOf(thread);
    if (index >= 0) threads.splice(index, 1);
    if (thread.idle) clearTimeout(thread.idle);
    const task = thread.task;
    thread.task = null;
    if (task) {
      const oom = (error as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      task.reject(oom ? new AppError(413, 'archive.too_complex') : error);
    }
    dispatch();
  };
  worker.on('error', lost);
  worker.on('exit', (code) => {
    if (threads.includes(thread)) lost(new Error(`worker thread exited with code ${code}`));
  });
  threads.push(thread);
  return thread;
}

function next(thread: Thread): void {
  const task = queue.shift();
  if (!task) {
    thread.worker.unref();
    thread.idle = setTimeout(() => {
      const index = threads.indexOf(thread);
      if (index >= 0) threads.splice(index, 1);
      void thread.worker.terminate();
    }, IDLE_MS);
    thread.idle.unref();
    return;
  }
  if (thread.idle) clearTimeout(thread.idle);
  thread.idle = null;
  thread.task = task;
  // While it works, the thread keeps the process alive, so that a task is never dropped half-way.
  thread.worker.ref();
  thread.worker.postMessage(
    { id: task.id, module: task.module, name: task.name, args: task.args },
    task.transfer,
  );
}

function dispatch(): void {
  while (queue.length > 0) {
    const free = threads.find((t) => t.task === null) ?? (threads.length < SIZE ? start() : null);
    if (!free) return;
    next(free);
  }
}

/**
 * Runs `name(...args)` of the module at `module` (a file URL: `new URL('./x.ts', import.meta.url).href`) in
 * a worker thread. `transfer` hands buffers over instead of copying them (the caller must not use them after).
 */
export function runInWorker<T>(
  module: string,
  name: string,
  args: unknown[],
  transfer: ArrayBuffer[] = [],
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    queue.push({
      id: nextId++,
      module,
      name,
      args,
      transfer,
      resolve: (value) => resolve(value as T),
      reject,
    });
    dispatch();
  });
}

/** Ends every worker thread (tests; a closing server lets them go by themselves). */
export async function stopWorkers(): Promise<void> {
  const all = threads.splice(0);
  await Promise.all(all.map((t) => t.worker.terminate()));
}
