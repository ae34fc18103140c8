import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CommandError, reportErrors } from '@/cli/commands/user';
import { SCHOOL_TIME_ZONE } from '@/modules/classroom/classroom.service';
import { LogCollector, splitCounts, zoneMapOf, type ZoneMap } from '@/modules/safety/safety.logs.collect';
import { ZONES_FILE } from '@/modules/safety/safety.engine';
import { CONFIG_FILE } from '@/cli/commands/safety-node';
import { redactLine } from '@/modules/safety/safety.logs.parse';
import type { CountsBatch, LogSetup } from '@/modules/safety/safety.logs.schema';

/**
 * `maktab safety-logs`: the resolver node's log agent. It reads Unbound's log file from where it stopped (the
 * offset kept in `--state`), counts it with the collector, posts the counts to Maktab, and keeps the raw log
 * only as day files under `--state/raw/` with each client's address cut to its /24 or /48 network, for the
 * retention days Maktab gives, deleting older ones. Client addresses never leave the node.
 *
 * A rotated log (renamed, e.g. by logrotate, to `<log>.1`) is finished from there before the new file is read;
 * a truncated or replaced file is read from its start. A batch's id is the file's generation (a hash of its
 * first line), the offsets read and the part: Maktab takes each once, so a batch sent again after a lost
 * answer or a crash (the range being sent is noted first, and read again as it was) is refused (409) and not
 * added twice. A node whose state directory is lost reads its log from the start again, in other ranges: those
 * counts are added again.
 */

/** What one pass read and sent. */
export interface PassSummary {
  lines: number;
  batches: number;
  repeated: number;
  bytes: number;
}

export interface AgentOptions {
  url: string;
  token: string;
  log: string;
  state: string;
  /** The node agent's directory (`maktab safety-node --dir`): its local zones tell blocks' categories. */
  zones?: string;
}

let zoneMapCache: { key: string; map: ZoneMap } | null = null;

/** The node's zone map from the node agent's files, read again when they change; null without `--zones`. */
function readZoneMap(dir: string | undefined): ZoneMap | null {
  if (!dir) return null;
  const zonesFile = path.join(dir, ZONES_FILE);
  const configFile = path.join(dir, CONFIG_FILE);
  if (!fs.existsSync(zonesFile) || !fs.existsSync(configFile)) return null;
  const key = [zonesFile, configFile].map((f) => `${f}:${fs.statSync(f).mtimeMs}`).join('|');
  if (zoneMapCache?.key !== key)
    zoneMapCache = {
      key,
      map: zoneMapOf(fs.readFileSync(zonesFile, 'utf8'), fs.readFileSync(configFile, 'utf8')),
    };
  return zoneMapCache.map;
}

export interface State {
  ino: number;
  offset: number;
  generation: string;
  /** The end of the range being sent: after a crash the same range is read again, so its batches' ids match. */
  pending?: number;
}

/** Bytes read at a time. */
const CHUNK = 16 * 1024 * 1024;

const schoolDate = new Intl.DateTimeFormat('en-CA', { timeZone: SCHOOL_TIME_ZONE });

async function call<T>(
  options: AgentOptions,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(`/api/safety/node/${route}`, options.url), {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${options.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed as T };
}

const failure = (route: string, status: number, body: unknown) =>
  new CommandError(
    `${route}: ${status} ${(body as { error?: { message?: string } } | null)?.error?.message ?? JSON.stringify(body)}`,
  );

/** What the node needs to count: networks, keywords, lists' categories, retention. */
export async function fetchLogSetup(options: AgentOptions): Promise<LogSetup> {
  const { status, body } = await call<LogSetup>(options, 'log-setup');
  if (status !== 200) throw failure('log-setup', status, body);
  return body;
}

/** Sends a batch; one Maktab already took (409) counts as sent. Whether it was new. */
export async function postBatch(options: AgentOptions, batch: CountsBatch): Promise<boolean> {
  const { status, body } = await call(options, 'counts', batch);
  if (status === 200) return true;
  if (status === 409) return false;
  throw failure('counts', status, body);
}

function readState(dir: string): State | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'offset.json'), 'utf8')) as State;
  } catch {
    return null;
  }
}

function writeState(dir: string, state: State): void {
  const file = path.join(dir, 'offset.json');
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
  fs.renameSync(`${file}.tmp`, file);
}

/** A file's generation: a hash of its first line (Unbound's "start of service" line, with its time). */
function generationOf(fd: number): string | null {
  const head = Buffer.alloc(512);
  const n = fs.readSync(fd, head, 0, head.length, 0);
  const end = head.subarray(0, n).indexOf(10);
  if (end < 0) return null;
  return crypto.createHash('sha256').update(head.subarray(0, end)).digest('hex').slice(0, 16);
}

/** The school day of a log line, from its time; today for a line without one. */
function dayOfLine(line: string, today: string): string {
  const close = line.indexOf(']');
  const time = line.charCodeAt(0) === 91 && close > 1 ? Number(line.slice(1, close)) : NaN;
  return Number.isInteger(time) ? schoolDate.format(new Date(time * 1000)) : today;
}

/** Keeps lines in the raw day files, each address cut. */
function keepRaw(dir: string, lines: string[], today: string): void {
  const raw = path.join(dir, 'raw');
  fs.mkdirSync(raw, { recursive: true, mode: 0o700 });
  const byDay = new Map<string, string[]>();
  for (const line of lines) {
    if (line === '') continue;
    const day = dayOfLine(line, today);
    let list = byDay.get(day);
    if (!list) byDay.set(day, (list = []));
    list.push(redactLine(line));
  }
  for (const [day, list] of byDay)
    fs.appendFileSync(path.join(raw, `${day}.log`), `${list.join('\n')}\n`, { mode: 0o600 });
}

/** Deletes raw day files older than the retention: `days` days are kept, today included. */
export function purgeRaw(dir: string, days: number, now: Date = new Date()): string[] {
  const raw = path.join(dir, 'raw');
  if (!fs.existsSync(raw)) return [];
  const oldest = schoolDate.format(new Date(now.getTime() - (days - 1) * 86_400_000));
  const removed: string[] = [];
  for (const name of fs.readdirSync(raw)) {
    const match = /^(\d{4}-\d{2}-\d{2})\.log$/.exec(name);
    if (match && match[1]! < oldest) {
      fs.rmSync(path.join(raw, name));
      removed.push(name);
    }
  }
  return removed;
}

/** Reads one file from `offset` to its last whole line, counting and sending chunk by chunk. */
async function readFile(
  options: AgentOptions,
  setup: LogSetup,
  file: string,
  start: State,
  summary: PassSummary,
  now: Date,
): Promise<State> {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    let offset = start.offset;
    let pending =
      start.pending !== undefined && start.pending > offset && start.pending <= size ? start.pending : null;
    const today = schoolDate.format(now);
    while (offset < size) {
      const buffer = Buffer.alloc(Math.min(CHUNK, (pending ?? size) - offset));
      const n = fs.readSync(fd, buffer, 0, buffer.length, offset);
      const last = buffer.subarray(0, n).lastIndexOf(10);
      if (last < 0) {
        if (n < CHUNK) break; // a line still being written
        offset += n; // a line longer than a chunk is not Unbound's: skipped
        continue;
      }
      const lines = buffer.toString('latin1', 0, last).split('\n');
      const collector = new LogCollector(setup, readZoneMap(options.zones));
      for (const line of lines) collector.add(line);
      const end = offset + last + 1;
      pending = null;
      writeState(options.state, { ino: start.ino, generation: start.generation, offset, pending: end });
      for (const batch of splitCounts(`${start.generation}-${offset}-${end}`, collector.take())) {
        summary.batches++;
        if (!(await postBatch(options, batch))) summary.repeated++;
      }
      keepRaw(options.state, lines, today);
      summary.lines += lines.length;
      summary.bytes += end - offset;
      offset = end;
      writeState(options.state, { ino: start.ino, generation: start.generation, offset });
    }
    return { ino: start.ino, generation: start.generation, offset };
  } finally {
    fs.closeSync(fd);
  }
}

/** One pass: the rest of a rotated file, then the log from its offset; then the raw files past retention go. */
export async function runOnce(options: AgentOptions, now: Date = new Date()): Promise<PassSummary> {
  fs.mkdirSync(options.state, { recursive: true, mode: 0o700 });
  const setup = await fetchLogSetup(options);
  const summary: PassSummary = { lines: 0, batches: 0, repeated: 0, bytes: 0 };
  const saved = readState(options.state);
  if (fs.existsSync(options.log)) {
    const stat = fs.statSync(options.log);
    const fd = fs.openSync(options.log, 'r');
    const generation = generationOf(fd);
    fs.closeSync(fd);
    if (generation !== null) {
      if (saved && saved.ino !== stat.ino) {
        // Rotated: finish the old file if it is still beside the log.
        const rotated = `${options.log}.1`;
        if (fs.existsSync(rotated) && fs.statSync(rotated).ino === saved.ino)
          await readFile(options, setup, rotated, saved, summary, now);
      }
      const same =
        saved && saved.ino === stat.ino && saved.generation === generation && saved.offset <= stat.size;
      const start: State = same ? saved : { ino: stat.ino, generation, offset: 0 };
      await readFile(options, setup, options.log, start, summary, now);
    }
  }
  purgeRaw(options.state, setup.retentionDays, now);
  return summary;
}

/** `maktab safety-logs`: registers the command. */
export function registerSafetyLogs(program: Command): void {
  program
    .command('safety-logs')
    .description(
      "the resolver node's log agent: counts Unbound's log per school, network kind, category and hour, sends the counts to Maktab, and keeps the raw log without client addresses for the retention set there",
    )
    .requiredOption('--url <url>', "Maktab's address, e.g. https://maktab.edu.az")
    .requiredOption('--token <token>', "the resolver node's token")
    .requiredOption(
      '--log <file>',
      "Unbound's log file (logfile:, log-queries: yes, log-time-ascii: no; maktab.conf sets log-local-actions)",
    )
    .requiredOption('--state <dir>', 'where the agent keeps its offset and the raw day files')
    .option(
      '--zones <dir>',
      "the node agent's directory (safety-node --dir): its local zones tell which category blocked a query",
    )
    .option('--interval <seconds>', 'seconds between passes', '60')
    .option('--once', 'one pass, then exit')
    .action((opts: AgentOptions & { interval: string; once?: boolean }) =>
      reportErrors(async () => {
        const interval = Number(opts.interval);
        if (!Number.isFinite(interval) || interval < 1)
          throw new CommandError('--interval: at least 1 second');
        for (;;) {
          try {
            const s = await runOnce(opts);
            console.log(
              `read ${s.lines} lines (${s.bytes} bytes), sent ${s.batches} batches (${s.repeated} already taken)`,
            );
          } catch (error) {
            if (opts.once) throw error;
            console.error(error instanceof Error ? error.message : String(error));
          }
          if (opts.once) return;
          await new Promise((resolve) => setTimeout(resolve, interval * 1000));
        }
      }),
    );
}
