// The entry of the platform's worker threads (see worker-pool.ts): loads TypeScript with the project's
// tsconfig (tsx, as bin/maktab.js does; a worker thread does not inherit the main thread's loader), then runs
// the functions the main thread asks for, one task at a time, answering with the result or the error.
import { parentPort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });

const modules = new Map();

parentPort.on('message', async ({ id, module, name, args }) => {
  try {
    if (!modules.has(module)) modules.set(module, import(module));
    const fn = (await modules.get(module))[name];
    if (typeof fn !== 'function') throw new Error(`${module} has no function ${name}`);
    parentPort.postMessage({ id, result: await fn(...args) });
  } catch (error) {
    const known = error && error.name === 'AppError';
    parentPort.postMessage({
      id,
      error: known
        ? { app: true, status: error.status, code: error.code, params: error.params, details: error.details }
        : { app: false, message: String(error?.stack ?? error) },
    });
  }
});
