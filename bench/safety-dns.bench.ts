import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ZONES_FILE, localZones, tagConfiguration } from '@/modules/safety/safety.engine';
import { UPSTREAM, answer, query, startFiltering, startUpstream } from '@test/unbound';

const run = promisify(execFile);

/**
 * The content filter's resolver (`docs/safety.md`, "The engine"): 60 generated categories totalling `--domains`
 * blocked domains (default 5 million, or SAFETY_BENCH_DOMAINS), compiled by the engine (`localZones` and
 * `tagConfiguration`, what a node is given: one `local-zone` per domain with `local-zone-tag`, per network range
 * `access-control-tag-action: <range> <tag> redirect` + `access-control-tag-data`) and loaded into a real
 * Unbound (one thread). `--design local-zone` is the only design: the RPZ designs measured before are in
 * docs/safety.md (git history has their code).
 *
 * Reports: the compile and the load; Unbound's resident memory per million blocked domains (goal ≤ 350 MB) and
 * its `mem.*` statistics; `dnsperf`'s queries per second from a pupils' address (all 60 categories applied) and
 * from an address with no policy, in the same run (goal: ratio ≥ 0.9); the time from a policy change to the
 * resolver answering it, for a change of a network's tags and for a change of one category's domains (both
 * `reload_keep_cache`, as the node agent does). `log-queries` and `log-local-actions` are off unless `--log`.
 * The Maktab side (reading the rows) is not in these figures; the compile is.
 */

type Design = 'local-zone';
const option = (options: readonly string[], name: string): string | undefined => {
  const i = options.indexOf(`--${name}`);
  return i < 0 ? undefined : options[i + 1];
};
const CATEGORIES = 60;
const BLOCK_V4 = '10.9.9.9';
const PUPIL = '127.0.1.5';
const FREE = '127.0.3.5';
let DNSPERF_SECONDS = 15;

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

export async function run_(report: (line: string) => void, options: readonly string[] = []): Promise<void> {
  const total = Number(option(options, 'domains') ?? process.env.SAFETY_BENCH_DOMAINS ?? 5_000_000);
  const design = (option(options, 'design') ?? 'local-zone') as Design;
  if (design !== 'local-zone')
    throw new Error(`no such design: ${String(design)} (the engine writes local-zone)`);
  DNSPERF_SECONDS = Number(option(options, 'seconds') ?? process.env.SAFETY_BENCH_SECONDS ?? 15);
  const log = options.includes('--log');
  const perCategory = Math.ceil(total / CATEGORIES);
  report(
    `safety-dns (${design}${log ? ', logging on' : ''}): ${CATEGORIES} categories, ${(perCategory * CATEGORIES).toLocaleString('en')} blocked domains`,
  );
  const upstream = await startUpstream();
  const filtering = await startFiltering(upstream.port, {
    extra: ['    msg-cache-size: 32m', '    rrset-cache-size: 64m', '    extended-statistics: yes'],
    logQueries: false,
  });
  try {
    const dir = filtering.zonesDir;
    const empty = filtering.rss();
    const all = Array.from({ length: CATEGORIES }, (_, c) => tag(c));
    const categoryDomains = (c: number) => Array.from({ length: perCategory }, (_, i) => domainOf(c, i));
    const block = { v4: BLOCK_V4, v6: '::1' };
    const noLog = (config: string) => (log ? config : config.replace(/^ {4}log-local-actions.*\n/gm, ''));
    const file = path.join(dir, ZONES_FILE);
    /** The local zones of the categories in use, as the engine writes them. */
    const writeZones = (tags: string[]) => {
      const out = fs.openSync(file, 'w');
      localZones(
        tags.map((t) => ({ tag: t, domains: categoryDomains(Number(t.slice('c_cat'.length))) })),
        (chunk) => fs.writeSync(out, chunk),
      );
      fs.closeSync(out);
    };
    const write = (tags: string[]) => {
      writeZones(tags);
      fs.writeFileSync(
        path.join(dir, 'maktab.conf'),
        noLog(tagConfiguration([{ cidr: '127.0.1.0/24', tags }], dir, block)),
      );
    };
    // Compile: the local zones and the configuration, as a node gets them.
    let started = performance.now();
    write(all);
    const listChange = {
      file,
      line: `    local-zone: "newly-blocked.test." transparent\n    local-zone-tag: "newly-blocked.test." "${tag(1)}"\n`,
      command: ['reload_keep_cache'],
    };
    const compileMs = performance.now() - started;
    const zoneBytes = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
    started = performance.now();
    await run(filtering.control[0]!, [...filtering.control.slice(1), 'reload']);
    const loadMs =
      (await waitFor(filtering.port, domainOf(7, 3), PUPIL, BLOCK_V4)) + (performance.now() - started) - 0;
    const loaded = filtering.rss();
    report(
      `  compile ${(compileMs / 1000).toFixed(1)} s (${mb(zoneBytes).toFixed(0)} MB of files); load into Unbound ${(loadMs / 1000).toFixed(1)} s`,
    );
    const perMillion = mb(loaded - empty) / ((perCategory * CATEGORIES) / 1e6);
    report(
      `  Unbound RSS ${mb(empty).toFixed(0)} MB empty, ${mb(loaded).toFixed(0)} MB loaded: ${perMillion.toFixed(0)} MB per million blocked domains (goal ≤ 350)`,
    );
    const { stdout: stats } = await run(filtering.control[0]!, [
      ...filtering.control.slice(1),
      'stats_noreset',
    ]);
    report(
      `  unbound-control stats: ${stats
        .split('\n')
        .filter((l) => l.startsWith('mem.') && !l.endsWith('=0'))
        .map((l) => l.replace(/=(\d+)$/, (_, n: string) => `=${mb(Number(n)).toFixed(1)}MB`))
        .join(' ')}`,
    );

    // dnsperf: half blocked names, half allowed names (answered by the upstream, then from the cache).
    const queries: string[] = [];
    for (let i = 0; i < 20_000; i++)
      queries.push(
        i % 2 === 0 ? `${domainOf(i % CATEGORIES, (i * 7919) % perCategory)} A` : `host${i}.test A`,
      );
    const queryFile = path.join(filtering.dir, 'queries.txt');
    fs.writeFileSync(queryFile, queries.join('\n') + '\n');
    await dnsperf(filtering.port, FREE, queryFile).catch(() => 0); // warm the cache from both sides
    await dnsperf(filtering.port, PUPIL, queryFile).catch(() => 0);
    const free = await dnsperf(filtering.port, FREE, queryFile);
    const filtered = await dnsperf(filtering.port, PUPIL, queryFile);
    report(
      `  dnsperf: ${filtered.toFixed(0)} qps filtered (60 categories), ${free.toFixed(0)} qps with no policy: ratio ${(filtered / free).toFixed(2)} (goal ≥ 0.9; AdGuard Home ~27k)`,
    );

    // A policy change: the pupils' network no longer blocks category 0 (a tag change: reload_keep_cache).
    const name0 = domainOf(0, 11);
    if ((await answer(filtering.port, name0, PUPIL)) !== BLOCK_V4) throw new Error(`${name0} is not blocked`);
    // The engine writes the new configuration and the local zones of the categories now in use.
    const compiled = performance.now();
    write(all.slice(1));
    const recompileMs = performance.now() - compiled;
    // Meanwhile a client with no policy asks new names (2-s timeout, one try): what a reload does to everyone.
    let probing = true;
    const probe = { asked: 0, failed: 0, gap: 0, last: performance.now() };
    const prober = (async () => {
      while (probing) {
        const ok = await query(filtering.port, `probe${probe.asked}.test`, FREE, 2000, 1).then(
          (o) => 'addresses' in o,
          () => false,
        );
        probe.asked++;
        if (!ok) probe.failed++;
        else {
          probe.gap = Math.max(probe.gap, performance.now() - probe.last);
          probe.last = performance.now();
        }
      }
    })();
    started = performance.now();
    await run(filtering.control[0]!, [...filtering.control.slice(1), 'reload_keep_cache']);
    await waitFor(filtering.port, name0, PUPIL, UPSTREAM.any);
    const changeMs = performance.now() - started;
    probing = false;
    await prober;
    probe.gap = Math.max(probe.gap, performance.now() - probe.last);
    report(
      `  policy change (tags; compile ${(recompileMs / 1000).toFixed(1)} s, then reload_keep_cache): answered after ${(changeMs / 1000).toFixed(1)} s; meanwhile ${probe.failed} of ${probe.asked} other queries unanswered within 2 s; longest time with no answer ${(probe.gap / 1000).toFixed(1)} s`,
    );

    // A change of one category's domains.
    const fresh = 'newly-blocked.test';
    fs.appendFileSync(listChange.file, listChange.line);
    started = performance.now();
    await run(filtering.control[0]!, [...filtering.control.slice(1), ...listChange.command]);
    await waitFor(filtering.port, fresh, PUPIL, BLOCK_V4);
    report(
      `  list change (${listChange.command[0]}): answered after ${((performance.now() - started) / 1000).toFixed(2)} s; RSS then ${mb(filtering.rss()).toFixed(0)} MB`,
    );
  } finally {
    await filtering.stop();
    await upstream.stop();
  }
}

export { run_ as run };
