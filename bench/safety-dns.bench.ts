import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { domainZone, tagConfiguration } from '@/modules/safety/safety.engine';
import { stableTags } from '@/cli/commands/safety-node';
import { UPSTREAM, answer, startFiltering, startUpstream } from '@test/unbound';

const run = promisify(execFile);

/**
 * The content filter's resolver (`docs/safety.md`, "The engine"): 60 generated categories totalling
 * SAFETY_BENCH_DOMAINS blocked domains (default 5 million), compiled to RPZ zones by the engine and loaded into
 * a real Unbound (one thread). Reports: the load; Unbound's resident memory per million blocked domains (goal
 * ≤ 350 MB); the time from a policy change to the resolver answering it, for a change of a network's tags
 * (`reload_keep_cache`: every zone is read again) and for a change of one category's domains
 * (`auth_zone_reload` of that zone); and `dnsperf`'s queries per second against the same Unbound from a
 * pupils' address (all 60 categories applied) and from an address with no policy, in the same run (goal:
 * ratio ≥ 0.9). The Maktab side (reading the rows, compiling the state) is not in these figures.
 */

const TOTAL = Number(process.env.SAFETY_BENCH_DOMAINS ?? 5_000_000);
const CATEGORIES = 60;
const BLOCK_V4 = '10.9.9.9';
const PUPIL = '127.0.1.5';
const FREE = '127.0.3.5';
const DNSPERF_SECONDS = Number(process.env.SAFETY_BENCH_SECONDS ?? 15);

const domainOf = (category: number, i: number) => `d${i}-c${category}.blk${i % 97}.example`;
const tag = (category: number) => `c_cat${category}`;
const mb = (bytes: number) => bytes / 1024 / 1024;

async function waitFor(port: number, name: string, from: string, expected: string, ms = 900_000) {
  const start = performance.now();
  for (;;) {
    const got = await answer(port, name, from).catch(() => 'ERROR');
    if (got === expected) return performance.now() - start;
    if (performance.now() - start > ms) throw new Error(`${name} still answers ${got}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function dnsperf(port: number, from: string, file: string): Promise<number> {
  const { stdout } = await run(
    'dnsperf',
    [
      '-s',
      '127.0.0.1',
      '-p',
      String(port),
      '-a',
      from,
      '-d',
      file,
      '-l',
      String(DNSPERF_SECONDS),
      '-c',
      '4',
      '-T',
      '1',
    ],
    { maxBuffer: 10_000_000 },
  );
  const qps = /Queries per second:\s+([\d.]+)/.exec(stdout);
  const lost = /Queries lost:\s+(\d+)/.exec(stdout);
  if (!qps) throw new Error(`dnsperf: ${stdout}`);
  if (lost && Number(lost[1]) > 0) console.error(`dnsperf from ${from}: ${lost[1]} queries lost`);
  return Number(qps[1]);
}

export async function run_(report: (line: string) => void): Promise<void> {
  const perCategory = Math.ceil(TOTAL / CATEGORIES);
  report(
    `safety-dns: ${CATEGORIES} categories, ${(perCategory * CATEGORIES).toLocaleString('en')} blocked domains`,
  );
  const upstream = await startUpstream();
  const filtering = await startFiltering(upstream.port, {
    extra: ['    msg-cache-size: 32m', '    rrset-cache-size: 64m'],
  });
  try {
    const dir = filtering.zonesDir;
    const empty = filtering.rss();
    // Compile: each category's zone file.
    let started = performance.now();
    for (let c = 0; c < CATEGORIES; c++) {
      const domains: string[] = [];
      for (let i = 0; i < perCategory; i++) domains.push(domainOf(c, i));
      fs.writeFileSync(
        path.join(dir, `${tag(c)}.zone`),
        domainZone(c + 1, domains, { kind: 'address', v4: BLOCK_V4, v6: '::1' }),
      );
    }
    const compileMs = performance.now() - started;
    const zoneBytes = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
    const all = Array.from({ length: CATEGORIES }, (_, c) => tag(c));
    const write = (tags: string[], known: string[]) => {
      const { config, tags: defined } = stableTags(
        tagConfiguration([{ cidr: '127.0.1.0/24', tags }], dir),
        known,
      );
      // Zones no network uses are still loaded (they stay defined) so that the change below is a tag change.
      const extra = all
        .filter((t) => !tags.includes(t))
        .map(
          (t) => `rpz:\n    name: "${t}.rpz.maktab."\n    zonefile: "${dir}/${t}.zone"\n    tags: "${t}"\n`,
        )
        .join('');
      fs.writeFileSync(path.join(dir, 'maktab.conf'), config + extra);
      return defined;
    };
    const known = write(all, []);
    started = performance.now();
    await run(filtering.control[0]!, [...filtering.control.slice(1), 'reload']);
    const loadMs =
      (await waitFor(filtering.port, domainOf(7, 3), PUPIL, BLOCK_V4)) + (performance.now() - started) - 0;
    const loaded = filtering.rss();
    report(
      `  compile ${(compileMs / 1000).toFixed(1)} s (${mb(zoneBytes).toFixed(0)} MB of zone files); load into Unbound ${(loadMs / 1000).toFixed(1)} s`,
    );
    const perMillion = mb(loaded - empty) / ((perCategory * CATEGORIES) / 1e6);
    report(
      `  Unbound RSS ${mb(empty).toFixed(0)} MB empty, ${mb(loaded).toFixed(0)} MB loaded: ${perMillion.toFixed(0)} MB per million blocked domains (goal ≤ 350)`,
    );

    // dnsperf: half blocked names, half allowed names (answered by the upstream, then from the cache).
    const queries: string[] = [];
    for (let i = 0; i < 20_000; i++)
      queries.push(
        i % 2 === 0 ? `${domainOf(i % CATEGORIES, (i * 7919) % perCategory)} A` : `host${i}.test A`,
      );
    const file = path.join(filtering.dir, 'queries.txt');
    fs.writeFileSync(file, queries.join('\n') + '\n');
    await dnsperf(filtering.port, FREE, file).catch(() => 0); // warm the cache from both sides
    await dnsperf(filtering.port, PUPIL, file).catch(() => 0);
    const free = await dnsperf(filtering.port, FREE, file);
    const filtered = await dnsperf(filtering.port, PUPIL, file);
    report(
      `  dnsperf: ${filtered.toFixed(0)} qps filtered (60 categories), ${free.toFixed(0)} qps with no policy: ratio ${(filtered / free).toFixed(2)} (goal ≥ 0.9; AdGuard Home ~27k)`,
    );

    // A policy change: the pupils' network no longer blocks category 0 (a tag change: reload_keep_cache).
    const name0 = domainOf(0, 11);
    if ((await answer(filtering.port, name0, PUPIL)) !== BLOCK_V4) throw new Error(`${name0} is not blocked`);
    write(all.slice(1), known);
    started = performance.now();
    await run(filtering.control[0]!, [...filtering.control.slice(1), 'reload_keep_cache']);
    await waitFor(filtering.port, name0, PUPIL, UPSTREAM.any);
    report(
      `  policy change (tags, reload_keep_cache): answered after ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    // A change of one category's domains: one zone reloaded.
    const fresh = 'newly-blocked.test';
    const c1 = path.join(dir, `${tag(1)}.zone`);
    fs.appendFileSync(c1, `${fresh} A ${BLOCK_V4}\n`);
    started = performance.now();
    await run(filtering.control[0]!, [
      ...filtering.control.slice(1),
      'auth_zone_reload',
      `${tag(1)}.rpz.maktab.`,
    ]);
    await waitFor(filtering.port, fresh, PUPIL, BLOCK_V4);
    report(
      `  list change (one zone of ${perCategory.toLocaleString('en')} domains, auth_zone_reload): answered after ${((performance.now() - started) / 1000).toFixed(2)} s`,
    );
  } finally {
    await filtering.stop();
    await upstream.stop();
  }
}

export { run_ as run };
