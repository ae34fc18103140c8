import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line, e.g.
 * `npm run bench -- me`) in turn. Each exports `run()`, which measures against a baseline taken in the same
 * run and returns its result lines; they are printed as they come, one line per result.
 */
const dir = path.dirname(new URL(import.meta.url).pathname);
const only = process.argv.slice(3);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();

for (const file of files) {
  const bench = (await import(pathToFileURL(path.join(dir, file)).href)) as { run(): Promise<string[]> };
  for (const line of await bench.run()) console.log(line);
}
