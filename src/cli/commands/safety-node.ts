import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { withDatabase } from '@/cli/database';
import { createNode } from '@/modules/safety/safety.node.auth';
import { setBlockAddresses } from '@/modules/safety/safety.node.service';
import { TAG, ZONES_FILE, ZONES_NAME, encryptedDnsConfiguration } from '@/modules/safety/safety.engine';

const run = promisify(execFile);

/**
 * The resolver node's agent (`docs/safety.md`, "The engine"): polls Maktab for the state, writes the local
 * zones' file and the SafeSearch RPZ zones when their serials changed and the tag configuration into its
 * directory, and tells Unbound
 * `reload_keep_cache` when either changed (local zones cannot be tagged at run time: a change is a reload).
 * The node's `unbound.conf` includes `<dir>/maktab.conf`.
 */

export interface SyncOptions {
  /** Maktab's address, e.g. https://maktab.example. */
  url: string;
  token: string;
  dir: string;
  /** `unbound-control` and its arguments, e.g. `['unbound-control', '-c', '/etc/unbound/unbound.conf']`. */
  control: string[];
}

export interface SyncResult {
  serial: number;
  changedZones: string[];
  reloaded: boolean;
}

interface NodeState {
  serial: number;
  zones: { name: string; serial: number }[];
  config: string;
}

/** The node's memory of what it wrote, in `<dir>/applied.json`. */
interface Applied {
  serial: number;
  zones: Record<string, number>;
}

export const CONFIG_FILE = 'maktab.conf';
/** A zone's file: the local zones' `server:` lines, or a SafeSearch RPZ zone. */
const fileOf = (name: string): string => (name === ZONES_NAME ? ZONES_FILE : `${name}.zone`);
const APPLIED_FILE = 'applied.json';

async function call(opts: SyncOptions, pathname: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(new URL(pathname, opts.url), {
    ...init,
    headers: { authorization: `Bearer ${opts.token}`, ...(init.headers ?? {}) },
  });
  if (!response.ok) throw new Error(`${pathname}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

/** Writes a file whole or not at all (a reader sees the old or the new file). */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, text);
  await fs.rename(temporary, file);
}

async function control(opts: SyncOptions, ...args: string[]): Promise<void> {
  const [command, ...base] = opts.control;
  const { stdout } = await run(command!, [...base, ...args], { timeout: 600_000 });
  if (!/^ok/m.test(stdout)) throw new Error(`unbound-control ${args.join(' ')}: ${stdout.trim()}`);
}

/** One round: fetch the state, write what changed, tell Unbound, report the serial applied. */
export async function syncOnce(opts: SyncOptions): Promise<SyncResult> {
  await fs.mkdir(opts.dir, { recursive: true });
  const state = (await (await call(opts, '/api/safety/node/state')).json()) as NodeState;
  const appliedFile = path.join(opts.dir, APPLIED_FILE);
  const applied: Applied = await fs
    .readFile(appliedFile, 'utf8')
    .then((t) => JSON.parse(t) as Applied)
    .catch(() => ({ serial: 0, zones: {} }));

  const changedZones: string[] = [];
  for (const zone of state.zones) {
    // A zone's name is a tag-like word: letters, digits, `_` and `-` only, so its file stays in the directory.
    if (!TAG.test(zone.name))
      throw new Error(`refusing a zone named ${JSON.stringify(zone.name).slice(0, 80)}`);
    const file = path.join(opts.dir, fileOf(zone.name));
    const present = await fs.stat(file).then(
      () => true,
      () => false,
    );
    if (applied.zones[zone.name] === zone.serial && present) continue;
    const text = await (await call(opts, `/api/safety/node/zones/${zone.name}`)).text();
    await writeAtomically(file, text);
    changedZones.push(zone.name);
  }

  const configFile = path.join(opts.dir, CONFIG_FILE);
  const config = state.config.split('@DIR@').join(opts.dir);
  const previous = await fs.readFile(configFile, 'utf8').catch(() => null);
  const reloaded = previous !== config || changedZones.length > 0;
  if (previous !== config) await writeAtomically(configFile, config);
  if (reloaded) await control(opts, 'reload_keep_cache');

  // Files no longer in use: once Unbound no longer reads them.
  const inUse = new Set(state.zones.map((z) => fileOf(z.name)));
  for (const file of await fs.readdir(opts.dir))
    if (/\.(zone|conf)$|^tags\.json$/.test(file) && file !== CONFIG_FILE && !inUse.has(file))
      await fs.rm(path.join(opts.dir, file), { force: true });

  await writeAtomically(
    appliedFile,
    JSON.stringify({
      serial: state.serial,
      zones: Object.fromEntries(state.zones.map((z) => [z.name, z.serial])),
    }),
  );
  await call(opts, '/api/safety/node/applied', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ serial: state.serial }),
  });
  return { serial: state.serial, changedZones, reloaded };
}

/** `maktab safety-node` and `maktab safety-node-add`. */
export function registerSafetyNode(program: Command): void {
  program
    .command('safety-node')
    .description(
      "the content filter's resolver node agent: keeps Unbound's local zones and tags in step with Maktab",
    )
    .requiredOption('--url <url>', "Maktab's address")
    .requiredOption('--token <token>', "the node's token (from `maktab safety-node-add`)")
    .requiredOption('--dir <dir>', 'the directory for maktab.conf and the local zones')
    .option('--control <command>', 'unbound-control and its arguments', 'unbound-control')
    .option('--interval <seconds>', 'seconds between polls', '5')
    .option('--once', 'sync once and exit')
    .action(
      async (o: {
        url: string;
        token: string;
        dir: string;
        control: string;
        interval: string;
        once?: boolean;
      }) => {
        const opts: SyncOptions = {
          url: o.url,
          token: o.token,
          dir: path.resolve(o.dir),
          control: o.control.split(/\s+/).filter(Boolean),
        };
        const interval = Math.max(1, Number(o.interval) || 5) * 1000;
        for (;;) {
          try {
            const result = await syncOnce(opts);
            if (result.reloaded || result.changedZones.length > 0)
              console.log(
                `applied ${result.serial}: ${result.reloaded ? 'configuration reloaded' : `zones ${result.changedZones.join(', ')}`}`,
              );
          } catch (error) {
            if (o.once) throw error;
            console.error(`sync failed: ${(error as Error).message}`);
          }
          if (o.once) return;
          await new Promise((resolve) => setTimeout(resolve, interval));
        }
      },
    );

  program
    .command('safety-node-add')
    .description('registers a resolver node of the content filter and prints its token (shown once)')
    .argument('<name>', "the node's name")
    .action((name: string) =>
      withDatabase(async (database) => {
        const node = await createNode(database.db, name);
        console.log(node.token);
      }),
    );
  program
    .command('safety-node-encrypted')
    .description(
      "prints the lines of the node's unbound.conf for DNS over TLS (853) and over HTTPS (443, /dns-query); Unbound needs a restart",
    )
    .requiredOption('--cert <file>', "the resolver's certificate chain (PEM)")
    .requiredOption('--key <file>', 'its private key (PEM)')
    .option('--address <addresses...>', 'the addresses to listen on', ['0.0.0.0', '::0'])
    .option('--port <port>', 'plain DNS port', '53')
    .option('--tls-port <port>', 'DNS over TLS port', '853')
    .option('--https-port <port>', 'DNS over HTTPS port', '443')
    .action(
      (o: {
        cert: string;
        key: string;
        address: string[];
        port: string;
        tlsPort: string;
        httpsPort: string;
      }) => {
        process.stdout.write(
          encryptedDnsConfiguration({
            addresses: o.address,
            cert: path.resolve(o.cert),
            key: path.resolve(o.key),
            port: Number(o.port),
            tlsPort: Number(o.tlsPort),
            httpsPort: Number(o.httpsPort),
          }),
        );
      },
    );
  program
    .command('safety-block-address')
    .description(
      'sets the addresses blocked names answer with: those of the Maktab node started with BLOCK_PAGE=true',
    )
    .argument('<ipv4>', 'its IPv4 address')
    .argument('<ipv6>', 'its IPv6 address')
    .action((v4: string, v6: string) =>
      withDatabase(async (database) => {
        await setBlockAddresses(database.db, v4, v6);
        console.log(`blocked names now answer ${v4} and ${v6}`);
      }),
    );
}
