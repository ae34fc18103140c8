import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line, e.g.
 * `npm run bench -- me`) in turn. Each exports `run(report)`, which measures against a baseline taken in
 * the same run and reports one line per result; lines are printed as they come. A missed goal is printed
 * (MISSED) but is not a failure; a crash is (nonzero exit). Arguments from the first that starts with `-` on
 * are options, handed to each bench run (`npm run bench -- lighthouse --runs 2`).
 */
interface Bench {
  run(report: (line: string) => void, options: readonly string[]): Promise<void>;
}

const dir = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(3);
const firstOption = args.findIndex((arg) => arg.startsWith('-'));
const only = firstOption < 0 ? args : args.slice(0, firstOption);
const options = firstOption < 0 ? [] : args.slice(firstOption);
const available = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const unknown = only.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`no such benchmark: ${unknown.join(', ')} (available: ${available.join(', ')})`);
  process.exit(2);
}

for (const name of only.length > 0 ? only : available) {
  const bench = (await import(pathToFileURL(path.join(dir, `${name}.bench.ts`)).href)) as Bench;
  await bench.run((line) => console.log(line), options);
}
