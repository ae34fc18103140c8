import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { domainZone, serialOf, tagConfiguration } from '@/modules/safety/safety.engine';
import { stableTags } from '@/cli/commands/safety-node';
import { UPSTREAM, answer, query, startFiltering, startUpstream } from '@test/unbound';

const run = promisify(execFile);

/**
 * The content filter's resolver (`docs/safety.md`, "The engine"): 60 generated categories totalling `--domains`
 * blocked domains (default 5 million, or SAFETY_BENCH_DOMAINS), loaded into a real Unbound (one thread) in one
 * of three designs (`--design`):
 *
 * - `rpz` (default, what the engine writes): one RPZ zone per category, compiled by the engine;
 * - `rpz-merged`: one RPZ zone per distinct set of categories in use (here: one zone of all 60);
 * - `local-zone`: one `local-zone` per domain with `local-zone-tag` naming its categories, and per network
 *   range `access-control-tag-action: <range> <tag> redirect` + `access-control-tag-data` (the block address).
 *
 * Reports: the load; Unbound's resident memory per million blocked domains (goal ≤ 350 MB) and its `mem.*`
 * statistics; `dnsperf`'s queries per second from a pupils' address (all 60 categories applied) and from an
 * address with no policy, in the same run (goal: ratio ≥ 0.9); the time from a policy change to the resolver
 * answering it, for a change of a network's tags (`reload_keep_cache`) and for a change of one category's
 * domains. `log-queries` is off and so is `rpz-log` unless `--log` (logging costs the filtered run more: a
 * blocked query is logged twice). The Maktab side (reading the rows, compiling the state) is not in these
 * figures.
 */

type Design = 'rpz' | 'rpz-merged' | 'local-zone';
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
  const design = (option(options, 'design') ?? 'rpz') as Design;
  if (!['rpz', 'rpz-merged', 'local-zone'].includes(design)) throw new Error(`no such design: ${design}`);
  DNSPERF_SECONDS = Number(option(options, 'seconds') ?? process.env.SAFETY_BENCH_SECONDS ?? 15);
  const log = options.includes('--log');
  const perCategory = Math.ceil(total / CATEGORIES);
  report(
    `safety-dns (${design}${log ? ', rpz-log on' : ''}): ${CATEGORIES} categories, ${(perCategory * CATEGORIES).toLocaleString('en')} blocked domains`,
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
    const address = { kind: 'address', v4: BLOCK_V4, v6: '::1' } as const;
    const noLog = (config: string) => (log ? config : config.replace(/^ {4}rpz-log.*\n/gm, ''));
    // Compile: the zone files (or the local zones) of the design.
    let started = performance.now();
    let write: (tags: string[]) => void;
    /** The file a category's domains are in, and how to tell Unbound it changed. */
    let listChange: { file: string; line: string; command: string[] };
    if (design === 'rpz') {
      for (let c = 0; c < CATEGORIES; c++)
        fs.writeFileSync(path.join(dir, `${tag(c)}.zone`), domainZone(c + 1, categoryDomains(c), address));
      let known: string[] = [];
      write = (tags) => {
        const { config, tags: defined } = stableTags(
          tagConfiguration([{ cidr: '127.0.1.0/24', tags }], dir),
          known,
        );
        known = defined;
        // Zones no network uses are still loaded (they stay defined) so that the change below is a tag change.
        const extra = all
          .filter((t) => !tags.includes(t))
          .map(
            (t) => `rpz:\n    name: "${t}.rpz.maktab."\n    zonefile: "${dir}/${t}.zone"\n    tags: "${t}"\n`,
          )
          .join('');
        fs.writeFileSync(path.join(dir, 'maktab.conf'), noLog(config) + extra);
      };
      listChange = {
        file: path.join(dir, `${tag(1)}.zone`),
        line: `newly-blocked.test A ${BLOCK_V4}\n`,
        command: ['auth_zone_reload', `${tag(1)}.rpz.maktab.`],
      };
    } else if (design === 'rpz-merged') {
      // One zone per distinct set of categories: the set's tag names the zone.
      const setZone = (tags: string[]) => {
        const name = `s_${serialOf(tags.join(' ')).toString(36)}`;
        const file = path.join(dir, `${name}.zone`);
        if (!fs.existsSync(file)) {
          const out = fs.openSync(file, 'w');
          for (const t of tags)
            fs.writeSync(out, domainZone(1, categoryDomains(Number(t.slice('c_cat'.length))), address));
          fs.closeSync(out);
          // One SOA/NS only: the first copy's.
          const text = fs.readFileSync(file, 'utf8').split('\n');
          const head = text.slice(0, 3);
          fs.writeFileSync(
            file,
            [...head, ...text.slice(3).filter((l) => !/ (SOA|NS) |^\$TTL/.test(l))].join('\n'),
          );
        }
        return name;
      };
      write = (tags) => {
        const name = setZone(tags);
        fs.writeFileSync(
          path.join(dir, 'maktab.conf'),
          noLog(tagConfiguration([{ cidr: '127.0.1.0/24', tags: [name] }], dir)),
        );
      };
      write(all);
      listChange = {
        file: path.join(dir, `${setZone(all.slice(1))}.zone`),
        line: `newly-blocked.test A ${BLOCK_V4}\n`,
        command: ['auth_zone_reload', `${setZone(all.slice(1))}.rpz.maktab.`],
      };
    } else {
      const file = path.join(dir, 'local-zones.conf');
      const out = fs.openSync(file, 'w');
      fs.writeSync(out, 'server:\n');
      for (let c = 0; c < CATEGORIES; c++) {
        const lines: string[] = [];
        for (const d of categoryDomains(c))
          lines.push(`    local-zone: "${d}." always_nxdomain\n    local-zone-tag: "${d}." "${tag(c)}"\n`);
        fs.writeSync(out, lines.join(''));
      }
      fs.closeSync(out);
      write = (tags) => {
        const lines = ['server:\n', `    define-tag: "${all.join(' ')}"\n`];
        lines.push(`    access-control-tag: 127.0.1.0/24 "${tags.join(' ')}"\n`);
        for (const t of tags)
          lines.push(
            `    access-control-tag-action: 127.0.1.0/24 ${t} redirect\n`,
            `    access-control-tag-data: 127.0.1.0/24 ${t} "A ${BLOCK_V4}"\n`,
            `    access-control-tag-data: 127.0.1.0/24 ${t} "AAAA ::1"\n`,
          );
        lines.push(`include: "${file}"\n`);
        fs.writeFileSync(path.join(dir, 'maktab.conf'), lines.join(''));
      };
      // A list change is a reload too: zones added at run time (`unbound-control local_zones`) have no tags.
      listChange = {
        file,
        line: `    local-zone: "newly-blocked.test." always_nxdomain\n    local-zone-tag: "newly-blocked.test." "${tag(1)}"\n`,
        command: ['reload_keep_cache'],
      };
    }
    const compileMs = performance.now() - started;
    const zoneBytes = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
    write(all);
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
    write(all.slice(1));
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
      `  policy change (tags, reload_keep_cache): answered after ${(changeMs / 1000).toFixed(1)} s; meanwhile ${probe.failed} of ${probe.asked} other queries unanswered within 2 s; longest time with no answer ${(probe.gap / 1000).toFixed(1)} s`,
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
