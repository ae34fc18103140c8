import { startServer } from '../e2e/support/server';

/**
 * The seeded demo with its library, served from the built web app (`dist/web`) on a free port, as the browser
 * tests start it (a copy of the cached demo, PGlite unless DATABASE_URL is set): for benchmarks that drive a
 * browser against it from another process (`lighthouse.bench.ts`), so that measuring does not share the
 * server's event loop. Prints `{"url": …}` on one line when it listens; stops, removing its copy, when its
 * standard input closes or on SIGTERM/SIGINT.
 */
const server = await startServer({ demoLibrary: true });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
console.log(JSON.stringify({ url: server.url }));
