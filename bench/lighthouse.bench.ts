import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { defaultConfig, type Config, type Flags, type Result } from 'lighthouse';
import TraceGatherer from 'lighthouse/core/gather/gatherers/trace.js';

/**
 * Lighthouse 12 on the public pages of the seeded demo, as a phone on a slow link sees them: Lighthouse's
 * default mobile run (a Moto G Power's screen, simulated slow 4G and a 4× slower CPU), categories performance
 * and accessibility, in Debian's Chromium, each page in a fresh browser with an empty cache. The pages: `/`,
 * `/resources`, a video lesson's page, a PDF textbook's and an EPUB textbook's pages (the first of each the
 * public API lists), and `/textbooks`.
 *
 * Prints a table per run (scores, FCP, LCP, TBT, CLS, bytes over the wire, JavaScript over the wire and what it
 * would be gzipped), then each goal PASS or FAIL per page (a missed goal does not fail the process):
 * performance ≥ 90, LCP ≤ 2.5 s, first-load JavaScript ≤ 150 KiB over the wire, accessibility 100. Writes a
 * JSON summary (with the failing audits of each page) and every full Lighthouse report beside it, under
 * `bench/results/`, and prints where.
 *
 * It builds nothing: it needs `dist/web` (`npx vite build`) and says it skipped without it (or without
 * Chromium). It starts the demo with its library in a child process (`serve-demo.ts`: a copy of the cached
 * demo, on PGlite; LIGHTHOUSE_DATABASE_URL for PostgreSQL).
 *
 * Options, after the bench's name (`npm run bench -- lighthouse --runs 2`):
 * - `--runs N` — runs of every page (default 1); the goals are checked on each page's median run by
 *   performance (the lower middle one of an even count).
 * - `--bytes` — only the bytes over the wire, unthrottled (quick): total and JavaScript per page.
 * - `--compare OLD.json` — prints each page's figures against an earlier summary, with the ratio new/old.
 * - `--out FILE` — where the JSON summary goes.
 * - `--url BASE` — measures a server already running there instead of starting the demo.
 * - `--pages a,b` — only these pages (home, resources, video, textbook-pdf, textbook-epub, textbooks).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB_ROOT = path.resolve(ROOT, process.env.WEB_ROOT ?? 'dist/web');
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const KIB = 1024;

/** The goals of issue 15. */
const GOALS = { performance: 90, lcpMs: 2500, jsBytes: 150 * KIB, accessibility: 100 };

/**
 * Lighthouse 12.2's trace engine reads each frame's sequence number from `PipelineReporter` events under
 * `args.chrome_frame_reporter`; newer Chromium (Debian's is 156) names it `args.frame_reporter`, and the trace
 * engine then throws, failing the LCP element, render-blocking and layout-shift audits. The trace is handed
 * on with the old name added, nothing else changed.
 */
class Trace extends TraceGatherer {
  override getArtifact() {
    const trace = super.getArtifact();
    for (const event of trace.traceEvents) {
      const args = event.args as { frame_reporter?: unknown; chrome_frame_reporter?: unknown } | undefined;
      if (event.name === 'PipelineReporter' && args?.frame_reporter && !args.chrome_frame_reporter) {
        args.chrome_frame_reporter = args.frame_reporter;
      }
    }
    return trace;
  }
}

/** Lighthouse's default (mobile) configuration, with the trace gatherer above. */
const CONFIG: Config = {
  ...defaultConfig,
  artifacts: defaultConfig.artifacts?.map((artifact) =>
    artifact.id === 'Trace' ? { id: 'Trace', gatherer: { implementation: Trace } } : artifact,
  ),
};

interface Options {
  runs: number;
  bytesOnly: boolean;
  compare?: string;
  out?: string;
  url?: string;
  pages?: string[];
}

/** One page load's figures. */
export interface PageRun {
  page: string;
  path: string;
  run: number;
  /** 0–100; null in bytes mode. */
  performance: number | null;
  accessibility: number | null;
  fcpMs: number | null;
  lcpMs: number | null;
  tbtMs: number | null;
  cls: number | null;
  requests: number;
  /** Lighthouse's measure of this machine's CPU speed at the time (higher is faster; a busy machine scores low). */
  benchmarkIndex: number | null;
  /** Everything transferred during the load: headers and bodies as they came over the wire. */
  totalBytes: number;
  /** The scripts among them, as transferred. */
  jsBytes: number;
  /** The same scripts gzipped here (level 6): what they would weigh if the server compressed them. */
  jsGzipBytes: number;
  /** The audits that cost this page points, best first; where its full report is. */
  findings: Finding[];
  report: string;
}

interface Finding {
  category: 'performance' | 'accessibility';
  id: string;
  title: string;
  score: number | null;
  displayValue?: string;
  savingsMs?: number;
  savingsBytes?: number;
  /** A few of its items (URLs, elements, phases), shortened. */
  items: string[];
}

/** The JSON summary. */
export interface Summary {
  mode: 'lighthouse' | 'bytes';
  at: string;
  base: string;
  lighthouse: string;
  chrome: string;
  load: string;
  commit: string | null;
  runs: PageRun[];
}

function parseOptions(args: readonly string[]): Options {
  const options: Options = { runs: 1, bytesOnly: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--runs') {
      options.runs = Number(value());
      if (!Number.isInteger(options.runs) || options.runs < 1)
        throw new Error('--runs needs a whole number ≥ 1');
    } else if (arg === '--bytes') options.bytesOnly = true;
    else if (arg === '--compare') options.compare = value();
    else if (arg === '--out') options.out = value();
    else if (arg === '--url') options.url = value().replace(/\/$/, '');
    else if (arg === '--pages') options.pages = value().split(',');
    else throw new Error(`unknown option ${arg} (see bench/lighthouse.bench.ts)`);
  }
  return options;
}

/** Starts `serve-demo.ts` in a child process and waits for its address. */
async function startDemo(): Promise<{ url: string; stop(): Promise<void> }> {
  const env = { ...process.env };
  if (process.env.LIGHTHOUSE_DATABASE_URL) env.DATABASE_URL = process.env.LIGHTHOUSE_DATABASE_URL;
  else delete env.DATABASE_URL;
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/run-ts.js'), path.join(ROOT, 'bench/serve-demo.ts')],
    { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { url?: string };
        if (parsed.url) resolve(parsed.url);
      } catch {
        /* the seed's own output */
      }
    });
    child.once('exit', (code) => reject(new Error(`the demo server exited (${code}) before listening`)));
  });
  return {
    url,
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

/** The pages measured, with the resources picked from the demo through its public API. */
async function pickPages(base: string, report: (line: string) => void): Promise<[string, string][]> {
  const pages: [string, string][] = [
    ['home', '/'],
    ['resources', '/resources'],
  ];
  const videos = await getJson<{ items: { resource: { id: number } }[] }>(
    `${base}/api/library/search?type=video_lesson&limit=1`,
  );
  if (videos.items[0]) pages.push(['video', `/resources/${videos.items[0].resource.id}`]);
  else report('lighthouse: the demo has no published video lesson; that page is left out');
  const grid = await getJson<{ cells: { textbooks: { id: number; contentType: string | null }[] }[] }>(
    `${base}/api/library/textbooks`,
  );
  const books = grid.cells.flatMap((cell) => cell.textbooks);
  const pdf = books.find((book) => book.contentType === 'application/pdf');
  const epub = books.find((book) => book.contentType === 'application/epub+zip');
  if (pdf) pages.push(['textbook-pdf', `/resources/${pdf.id}`]);
  else report('lighthouse: the demo has no PDF textbook; that page is left out');
  if (epub) pages.push(['textbook-epub', `/resources/${epub.id}`]);
  else report('lighthouse: the demo has no EPUB textbook; that page is left out');
  pages.push(['textbooks', '/textbooks']);
  return pages;
}

interface NetworkItem {
  url: string;
  resourceType?: string;
  transferSize?: number;
  /** 'worker' for a request a web worker made (pdf.js's worker loads its own script). */
  sessionTargetType?: string;
}

const wireCache = new Map<string, number>();
/**
 * What the server sends for `url` to a browser that accepts gzip, deflate, brotli and zstd, as Chromium does:
 * its status line, headers and body as they come over the wire (not decoded). Lighthouse 12 counts only the
 * headers of a request made by a web worker (pdf.js's 1.2 MB worker script showed as 965 bytes): such
 * requests to the measured server are fetched again here and counted whole.
 */
function wireSize(url: string): Promise<number> {
  const known = wireCache.get(url);
  if (known !== undefined) return Promise.resolve(known);
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? https : http).get(
      url,
      { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } },
      (response) => {
        let size = `HTTP/1.1 ${response.statusCode} ${response.statusMessage}\r\n\r\n`.length;
        for (let i = 0; i < response.rawHeaders.length; i += 2) {
          size += `${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}\r\n`.length;
        }
        response.on('data', (chunk: Buffer) => (size += chunk.length));
        response.on('end', () => {
          wireCache.set(url, size);
          resolve(size);
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

const gzipCache = new Map<string, number>();
/** The gzipped size of a script, fetched again here (uncompressed) and gzipped. */
async function gzippedSize(url: string): Promise<number> {
  let size = gzipCache.get(url);
  if (size === undefined) {
    const response = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    size = gzipSync(Buffer.from(await response.arrayBuffer())).length;
    gzipCache.set(url, size);
  }
  return size;
}

const short = (text: string, max = 140) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A readable line for one item of an audit's details table. */
function describeItem(item: Record<string, unknown>, base: string): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(item)) {
    if (value === null || value === undefined || key === 'subItems' || key === 'entity') continue;
    if (typeof value === 'object') {
      const node = value as { type?: string; snippet?: string; nodeLabel?: string; value?: unknown };
      if (node.type === 'node') parts.push(`${key}=${short(node.snippet ?? node.nodeLabel ?? '', 100)}`);
      else if (node.type === 'source-location') continue;
      else if (typeof node.value === 'string' || typeof node.value === 'number') {
        parts.push(`${key}=${node.value}`);
      }
      continue;
    }
    const text =
      typeof value === 'number' ? String(Math.round(value)) : typeof value === 'string' ? value : '';
    parts.push(`${key}=${short(text.replace(base, ''), 100)}`);
  }
  return short(parts.join(' '), 220);
}

/** The items of an audit's details, flattened one level (LCP's element and its phases are two tables). */
function auditItems(details: unknown, base: string, max = 6): string[] {
  const d = details as { type?: string; items?: unknown[] } | undefined;
  if (!d?.items) return [];
  const rows: Record<string, unknown>[] = [];
  for (const item of d.items) {
    const nested = item as { type?: string; items?: unknown[] };
    if (d.type === 'list' && nested.items) rows.push(...(nested.items as Record<string, unknown>[]));
    else rows.push(item as Record<string, unknown>);
  }
  return rows.slice(0, max).map((row) => describeItem(row, base));
}

/** Diagnostics that carry no score but say where the time goes; kept for every page. */
const INFORMATIVE = [
  'largest-contentful-paint-element',
  'server-response-time',
  'critical-request-chains',
  'long-tasks',
  'bootup-time',
  'mainthread-work-breakdown',
  'layout-shifts',
  'font-display',
  'unsized-images',
];

/**
 * The audits that cost points, largest savings first: performance diagnostics that score below 1, failing
 * accessibility audits; then the informative diagnostics above (the LCP element with its phases first).
 */
function findingsOf(lhr: Result, base: string): Finding[] {
  const scored: Finding[] = [];
  const informative: Finding[] = [];
  for (const category of ['performance', 'accessibility'] as const) {
    for (const ref of lhr.categories[category]?.auditRefs ?? []) {
      if (ref.group === 'metrics' || ref.group === 'hidden') continue;
      const audit = lhr.audits[ref.id];
      if (!audit) continue;
      const mode = audit.scoreDisplayMode;
      if (mode === 'notApplicable' || mode === 'manual' || mode === 'error') continue;
      const failing = mode !== 'informative' && audit.score !== null && audit.score < 1;
      if (!failing && !(category === 'performance' && INFORMATIVE.includes(audit.id))) continue;
      const details = audit.details as
        { overallSavingsMs?: number; overallSavingsBytes?: number } | undefined;
      (failing ? scored : informative).push({
        category,
        id: audit.id,
        title: audit.title,
        score: audit.score,
        ...(audit.displayValue ? { displayValue: audit.displayValue } : {}),
        ...(details?.overallSavingsMs ? { savingsMs: Math.round(details.overallSavingsMs) } : {}),
        ...(details?.overallSavingsBytes ? { savingsBytes: Math.round(details.overallSavingsBytes) } : {}),
        items: auditItems(audit.details, base),
      });
    }
  }
  const weight = (f: Finding) => (f.savingsMs ?? 0) * 1e6 + (f.savingsBytes ?? 0);
  scored.sort((a, b) => weight(b) - weight(a));
  informative.sort((a, b) => INFORMATIVE.indexOf(a.id) - INFORMATIVE.indexOf(b.id));
  return [...scored, ...informative];
}

async function measure(
  base: string,
  [page, pagePath]: [string, string],
  run: number,
  bytesOnly: boolean,
  reportDir: string,
): Promise<PageRun> {
  let lhr: Result | undefined;
  // On a busy machine Lighthouse now and then loses the trace (NO_NAVSTART, NO_FCP): such a run is tried again.
  for (let attempt = 1; !lhr; attempt++) {
    const chrome = await chromeLauncher.launch({
      chromePath: CHROME,
      chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
      logLevel: 'silent',
    });
    let result: Result;
    try {
      const flags: Flags = {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        ...(bytesOnly
          ? { onlyAudits: ['network-requests'], throttlingMethod: 'provided' as const }
          : { onlyCategories: ['performance', 'accessibility'] }),
      };
      const answer = await lighthouse(`${base}${pagePath}`, flags, CONFIG);
      if (!answer) throw new Error(`Lighthouse returned nothing for ${pagePath}`);
      result = answer.lhr;
    } finally {
      chrome.kill();
    }
    if (!result.runtimeError) lhr = result;
    else if (attempt >= 3) {
      throw new Error(`${pagePath}: ${result.runtimeError.code} ${result.runtimeError.message}`);
    }
  }
  const reportFile = path.join(reportDir, `${page}-${run}.json`);
  fs.writeFileSync(reportFile, JSON.stringify(lhr));

  const requests =
    (lhr.audits['network-requests']?.details as { items?: NetworkItem[] } | undefined)?.items ?? [];
  for (const r of requests) {
    if (r.sessionTargetType === 'worker' && r.url.startsWith(base)) r.transferSize = await wireSize(r.url);
  }
  const scripts = requests.filter((r) => r.resourceType === 'Script');
  const sum = (items: NetworkItem[]) => items.reduce((total, r) => total + (r.transferSize ?? 0), 0);
  let jsGzipBytes = 0;
  for (const script of scripts) {
    jsGzipBytes += script.url.startsWith(base) ? await gzippedSize(script.url) : (script.transferSize ?? 0);
  }
  const numeric = (id: string) => (bytesOnly ? null : (lhr.audits[id]?.numericValue ?? null));
  const score = (id: 'performance' | 'accessibility') => {
    const s = lhr.categories[id]?.score;
    return s === null || s === undefined ? null : Math.round(s * 100);
  };
  return {
    page,
    path: pagePath,
    run,
    performance: score('performance'),
    accessibility: score('accessibility'),
    fcpMs: numeric('first-contentful-paint'),
    lcpMs: numeric('largest-contentful-paint'),
    tbtMs: numeric('total-blocking-time'),
    cls: numeric('cumulative-layout-shift'),
    requests: requests.length,
    benchmarkIndex: lhr.environment.benchmarkIndex ?? null,
    totalBytes: sum(requests),
    jsBytes: sum(scripts),
    jsGzipBytes,
    findings: bytesOnly ? [] : findingsOf(lhr, base),
    report: reportFile,
  };
}

const kib = (bytes: number) => (bytes / KIB).toFixed(1);
const seconds = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(2));
const num = (value: number | null, digits = 0) => (value === null ? '-' : value.toFixed(digits));

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
  );
}

function printRuns(runs: PageRun[], bytesOnly: boolean, report: (line: string) => void): void {
  const header = bytesOnly
    ? ['page', 'run', 'requests', 'total KiB', 'JS KiB', 'JS gz KiB']
    : [
        'page',
        'run',
        'perf',
        'a11y',
        'FCP s',
        'LCP s',
        'TBT ms',
        'CLS',
        'requests',
        'total KiB',
        'JS KiB',
        'JS gz KiB',
      ];
  const rows = runs.map((r) =>
    bytesOnly
      ? [r.page, String(r.run), String(r.requests), kib(r.totalBytes), kib(r.jsBytes), kib(r.jsGzipBytes)]
      : [
          r.page,
          String(r.run),
          num(r.performance),
          num(r.accessibility),
          seconds(r.fcpMs),
          seconds(r.lcpMs),
          num(r.tbtMs),
          num(r.cls, 3),
          String(r.requests),
          kib(r.totalBytes),
          kib(r.jsBytes),
          kib(r.jsGzipBytes),
        ],
  );
  for (const line of table([header, ...rows])) report(`  ${line}`);
}

/** Each page's run with the median performance score (the median total bytes in bytes mode). */
function medianRuns(runs: PageRun[]): PageRun[] {
  const byPage = new Map<string, PageRun[]>();
  for (const r of runs) byPage.set(r.page, [...(byPage.get(r.page) ?? []), r]);
  return [...byPage.values()].map((list) => {
    const sorted = [...list].sort(
      (a, b) => (a.performance ?? a.totalBytes) - (b.performance ?? b.totalBytes),
    );
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  });
}

function printGoals(runs: PageRun[], report: (line: string) => void): void {
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  let passed = 0;
  let total = 0;
  for (const r of medianRuns(runs)) {
    const checks: [string, boolean][] = [
      [`performance ${num(r.performance)} ≥ ${GOALS.performance}`, (r.performance ?? 0) >= GOALS.performance],
      [`LCP ${seconds(r.lcpMs)} s ≤ ${GOALS.lcpMs / 1000} s`, r.lcpMs !== null && r.lcpMs <= GOALS.lcpMs],
      [`first-load JS ${kib(r.jsBytes)} KiB ≤ ${GOALS.jsBytes / KIB} KiB`, r.jsBytes <= GOALS.jsBytes],
      [
        `accessibility ${num(r.accessibility)} = ${GOALS.accessibility}`,
        r.accessibility === GOALS.accessibility,
      ],
    ];
    total += checks.length;
    passed += checks.filter(([, ok]) => ok).length;
    report(`  ${r.page.padEnd(14)} ${checks.map(([text, ok]) => `${verdict(ok)} ${text}`).join(' | ')}`);
  }
  report(`  goals met: ${passed} of ${total}`);
}

function printFindings(runs: PageRun[], report: (line: string) => void): void {
  for (const r of medianRuns(runs)) {
    report(`  ${r.page} (${r.path}):`);
    for (const f of r.findings.filter((f) => f.score !== null && f.score < 1).slice(0, 8)) {
      const savings = [
        f.savingsMs ? `${Math.round(f.savingsMs)} ms` : '',
        f.savingsBytes ? `${kib(f.savingsBytes)} KiB` : '',
      ]
        .filter(Boolean)
        .join(', ');
      report(
        `    - [${f.category === 'accessibility' ? 'a11y' : 'perf'}] ${f.title}` +
          (f.displayValue ? ` — ${f.displayValue}` : '') +
          (savings ? ` (saves ${savings})` : ''),
      );
      if (f.category === 'accessibility') for (const item of f.items.slice(0, 3)) report(`        ${item}`);
    }
    const lcp = r.findings.find((f) => f.id === 'largest-contentful-paint-element');
    if (lcp) report(`    - LCP element and phases: ${lcp.items.join('; ')}`);
  }
}

function printComparison(runs: PageRun[], oldFile: string, report: (line: string) => void): void {
  const old = JSON.parse(fs.readFileSync(oldFile, 'utf8')) as Summary;
  const before = new Map(medianRuns(old.runs).map((r) => [r.page, r]));
  const ratio = (now: number | null, then: number | null) =>
    now === null || then === null || then === 0 ? '-' : (now / then).toFixed(2);
  const rows = [['page', 'total KiB old → new', 'ratio', 'JS KiB old → new', 'ratio', 'perf', 'LCP s']];
  for (const r of medianRuns(runs)) {
    const o = before.get(r.page);
    if (!o) {
      rows.push([r.page, 'not in the old report', '', '', '', '', '']);
      continue;
    }
    rows.push([
      r.page,
      `${kib(o.totalBytes)} → ${kib(r.totalBytes)}`,
      ratio(r.totalBytes, o.totalBytes),
      `${kib(o.jsBytes)} → ${kib(r.jsBytes)}`,
      ratio(r.jsBytes, o.jsBytes),
      `${num(o.performance)} → ${num(r.performance)}`,
      `${seconds(o.lcpMs)} → ${seconds(r.lcpMs)}`,
    ]);
  }
  report(`lighthouse: compared with ${oldFile} (${old.mode}, ${old.at}, commit ${old.commit ?? '?'}):`);
  for (const line of table(rows)) report(`  ${line}`);
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function lighthouseVersion(): string {
  const manifest = path.join(ROOT, 'node_modules/lighthouse/package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export async function run(report: (line: string) => void, args: readonly string[] = []): Promise<void> {
  const options = parseOptions(args);
  if (!options.url && !fs.existsSync(path.join(WEB_ROOT, 'index.html'))) {
    report(
      `lighthouse: skipped, ${WEB_ROOT}/index.html is missing. This bench measures the built web app and ` +
        'builds nothing: run `npx vite build` (or `npm run build`) first.',
    );
    return;
  }
  if (!fs.existsSync(CHROME)) {
    report(`lighthouse: skipped, no Chromium at ${CHROME} (apt-get install chromium, or set CHROME_PATH)`);
    return;
  }
  const mode = options.bytesOnly ? 'bytes' : 'lighthouse';
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = path.resolve(
    options.out ?? path.join(ROOT, 'bench/results', `lighthouse-${mode}-${stamp}.json`),
  );
  const reportDir = out.replace(/\.json$/, '') + '-reports';
  fs.mkdirSync(reportDir, { recursive: true });

  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  report(
    `lighthouse: ${mode} mode, ${options.runs} run(s) per page; load average ${load} on ${os.cpus().length} cores`,
  );
  const server = options.url ? { url: options.url, stop: async () => {} } : await startDemo();
  const runs: PageRun[] = [];
  try {
    let pages = await pickPages(server.url, report);
    if (options.pages) pages = pages.filter(([name]) => options.pages!.includes(name));
    // One plain request each first: the server's first answers (cold queries, file reads) are not what a
    // visitor sees on a running server.
    for (const [, pagePath] of pages) await fetch(`${server.url}${pagePath}`).then((r) => r.arrayBuffer());
    for (let run = 1; run <= options.runs; run++) {
      for (const page of pages) {
        const result = await measure(server.url, page, run, options.bytesOnly, reportDir);
        runs.push(result);
        report(
          `lighthouse: ${result.page} run ${run}: ` +
            (options.bytesOnly
              ? `${kib(result.totalBytes)} KiB, JS ${kib(result.jsBytes)} KiB`
              : `performance ${num(result.performance)}, accessibility ${num(result.accessibility)}, ` +
                `LCP ${seconds(result.lcpMs)} s, ${kib(result.totalBytes)} KiB`),
        );
      }
    }
  } finally {
    await server.stop();
  }

  const summary: Summary = {
    mode,
    at: new Date().toISOString(),
    base: options.url ?? 'demo (serve-demo.ts)',
    lighthouse: lighthouseVersion(),
    chrome: CHROME,
    load: `${load} (start), ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (end)`,
    commit: gitCommit(),
    runs,
  };
  fs.writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);

  report(
    options.bytesOnly
      ? 'lighthouse: bytes over the wire (unthrottled load, cold cache):'
      : 'lighthouse: mobile, simulated slow 4G and 4× CPU slowdown:',
  );
  printRuns(runs, options.bytesOnly, report);
  if (!options.bytesOnly) {
    report('lighthouse: goals (median run per page; a FAIL does not fail the run):');
    printGoals(runs, report);
    report('lighthouse: what costs points, largest savings first:');
    printFindings(runs, report);
  }
  if (options.compare) printComparison(runs, options.compare, report);
  report(`lighthouse: summary ${out}, full reports in ${reportDir}`);
}
