import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError } from '@/server/errors';
import { defineMessages } from '@/server/i18n';

/**
 * Worker threads for CPU-heavy work on uploads (unpacking and parsing an import's file), so that one big or
 * hostile file never stalls the event loop that answers every other request. A small pool: at most two
 * threads (or the cores there are), started when first needed, ended after a minute idle, never keeping the
 * process alive. Tasks wait their turn in order, but only so many: past that a task is refused at once (503
 * with Retry-After) rather than queued without end. Each thread's heap is capped: a file that needs more is
 * refused (413) and the thread replaced, instead of the process running out of memory. Each task's time is
 * capped too: a task still running after it is refused (413) and its thread ended and replaced.
 *
 * A task names a module by URL and one of its exported functions; arguments and results cross by
 * structured clone (plain data, Maps, Uint8Arrays). An AppError thrown in the thread is thrown here as one.
 */

const SIZE = Math.max(1, Math.min(2, availableParallelism()));
/** How many threads the pool runs at most. */
export const WORKER_THREADS = SIZE;
const IDLE_MS = 60_000;
/** A thread's heap: enough to parse a 10 MB workbook, far below what would put the process at risk. */
const HEAP_MB = 512;
const ENTRY = new URL('./worker-entry.js', import.meta.url);

/** How long a task may run, and how many may wait; tests make them small. */
const settings = {
  /** Reading a 10 MB workbook takes a few seconds on a slow core; a task past this is not a real file. */
  taskTimeoutMs: 60_000,
  /** Tasks waiting for a thread (running ones not counted): a busy day's imports, not an attack's. */
  maxQueued: 16,
  /** What a refused caller is told to wait, in seconds. */
  retryAfterSeconds: 15,
};

/** Changes the pool's limits; returns the ones before, to put them back. */
export function configureWorkers(changes: Partial<typeof settings>): typeof settings {
  const before = { ...settings };
  Object.assign(settings, changes);
  return before;
}

defineMessages({
  en: {
    'worker.busy': 'The server is reading other files right now. Try again in {retryAfter} s.',
    'worker.too_slow':
      'The file took longer than {seconds} s to read and was stopped; split it into smaller files.',
  },
  az: {
    'worker.busy': 'Server hazırda başqa faylları oxuyur. {retryAfter} saniyədən sonra yenidən cəhd edin.',
    'worker.too_slow':
      'Faylın oxunması {seconds} saniyədən çox çəkdi və dayandırıldı; onu kiçik fayllara bölün.',
  },
  ru: {
    'worker.busy': 'Сервер сейчас читает другие файлы. Повторите попытку через {retryAfter} с.',
    'worker.too_slow':
      'Чтение файла заняло больше {seconds} с и было остановлено; разделите его на файлы поменьше.',
  },
});

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
  /** The running task's time limit. */
  deadline: NodeJS.Timeout | null;
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
  const thread: Thread = { worker, task: null, idle: null, deadline: null };
  worker.unref();
  worker.on('message', (answer: Answer) => {
    const task = thread.task;
    if (!task || task.id !== answer.id) return;
    thread.task = null;
    if (thread.deadline) clearTimeout(thread.deadline);
    thread.deadline = null;
    if (answer.error === undefined) task.resolve(answer.result);
    else if (answer.error.app) {
      const e = answer.error;
      task.reject(new AppError(e.status, e.code, e.params, e.details));
    } else task.reject(new Error(answer.error.message));
    next(thread);
  });
  worker.on('error', (error) => lost(thread, error));
  worker.on('exit', (code) => {
    if (threads.includes(thread)) lost(thread, new Error(`worker thread exited with code ${code}`));
  });
  threads.push(thread);
  return thread;
}

/** A thread that died, ran out of memory or ran out of time: its task fails, the others go on. */
function lost(thread: Thread, error: unknown): void {
  const index = threads.indexOf(thread);
  if (index >= 0) threads.splice(index, 1);
  if (thread.idle) clearTimeout(thread.idle);
  if (thread.deadline) clearTimeout(thread.deadline);
  thread.deadline = null;
  const task = thread.task;
  thread.task = null;
  if (task) {
    const oom = (error as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    task.reject(oom ? new AppError(413, 'archive.too_complex') : error);
  }
  dispatch();
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
  const seconds = Math.ceil(settings.taskTimeoutMs / 1000);
  thread.deadline = setTimeout(() => {
    // Ended, not waited for: a thread stuck in a loop never answers. A fresh one takes the queue.
    lost(thread, new AppError(413, 'worker.too_slow', { seconds }));
    void thread.worker.terminate();
  }, settings.taskTimeoutMs);
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
    // Refused at once when that many already wait: a queue without end only fails later, for everyone.
    const free = threads.some((t) => t.task === null) || threads.length < SIZE;
    if (!free && queue.length >= settings.maxQueued) {
      reject(new AppError(503, 'worker.busy', { retryAfter: settings.retryAfterSeconds }));
      return;
    }
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
