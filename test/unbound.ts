import { execFile, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { encryptedDnsConfiguration } from '@/modules/safety/safety.engine';

const run = promisify(execFile);

/**
 * Real Unbound processes for tests (Debian's `unbound`): an upstream that answers the test names from local
 * data, and a filtering Unbound (`respip iterator`) forwarding to it, with its control on a unix socket and its
 * own directory. Ports are free ones picked at random; `stop()` ends both and removes the directory.
 */

/** The addresses the upstream answers with. */
export const UPSTREAM = {
  /** Every name under `test.` (and `example.`). */
  any: '192.0.2.10',
  google: '192.0.2.20',
  safe: {
    'forcesafesearch.google.com': '216.239.38.120',
    'restrict.youtube.com': '216.239.38.120',
    'restrictmoderate.youtube.com': '216.239.38.119',
    'strict.bing.com': '204.79.197.220',
    'safe.duckduckgo.com': '52.142.124.215',
    'familysearch.yandex.ru': '213.180.193.56',
  } as Record<string, string>,
};

/** A port free for both UDP and TCP on 127.0.0.1 now. */
export async function freeDnsPort(): Promise<number> {
  for (;;) {
    const socket = dgram.createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve(socket.address().port));
    });
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    socket.close();
    if (free) return port;
  }
}

const base = (dir: string, port: number) => [
  'server:',
  '    interface: 127.0.0.1',
  `    port: ${port}`,
  '    do-daemonize: no',
  '    username: ""',
  '    chroot: ""',
  `    directory: "${dir}"`,
  '    pidfile: ""',
  '    use-syslog: no',
  `    logfile: "${dir}/unbound.log"`,
  '    verbosity: 1',
  '    do-ip6: no',
  '    num-threads: 1',
  '    access-control: 127.0.0.0/8 allow',
];

export interface UnboundProcess {
  port: number;
  dir: string;
  conf: string;
  process: ChildProcess;
  /** `unbound-control` with this process's configuration, for the node agent's `control`. */
  control: string[];
  stop(): Promise<void>;
  /** Resident memory in bytes (from /proc). */
  rss(): number;
}

async function start(dir: string, conf: string, port: number, controlled: boolean): Promise<UnboundProcess> {
  const child = spawn('unbound', ['-d', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const control = ['unbound-control', '-c', conf];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: UnboundProcess = {
    port,
    dir,
    conf,
    process: child,
    control,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
    rss() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
  };
  // Ready when it answers (the filtering one: when its control answers too).
  const deadline = Date.now() + 600_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = fs.existsSync(`${dir}/unbound.log`) ? fs.readFileSync(`${dir}/unbound.log`, 'utf8') : '';
      throw new Error(`unbound exited: ${stderr}\n${log}`);
    }
    const ok = controlled
      ? await run(control[0]!, [...control.slice(1), 'status']).then(
          () => true,
          () => false,
        )
      : await query(port, 'ready.test', '127.0.0.1').then(
          () => true,
          () => false,
        );
    if (ok) return proc;
    if (Date.now() > deadline) throw new Error(`unbound did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The upstream: answers names under `test.`, the SafeSearch hosts and the engines' own names. */
export async function startUpstream(extra: string[] = []): Promise<UnboundProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-upstream-'));
  const port = await freeDnsPort();
  const lines = [
    ...base(dir, port),
    '    local-zone: "test." redirect',
    `    local-data: "test. 60 IN A ${UPSTREAM.any}"`,
    '    local-zone: "example." redirect',
    `    local-data: "example. 60 IN A ${UPSTREAM.any}"`,
    // The search engines' own names, and their safe hosts.
    ...[
      'google.com',
      'youtube.com',
      'bing.com',
      'duckduckgo.com',
      'yandex.ru',
      'google.az',
      'yandex.az',
    ].flatMap((zone) => [
      `    local-zone: "${zone}." redirect`,
      `    local-data: "${zone}. 60 IN A ${UPSTREAM.google}"`,
    ]),
    ...Object.entries(UPSTREAM.safe).flatMap(([name, address]) => [
      `    local-zone: "${name}." static`,
      `    local-data: "${name}. 60 IN A ${address}"`,
    ]),
    ...extra,
    'remote-control:',
    '    control-enable: no',
  ];
  const conf = path.join(dir, 'unbound.conf');
  fs.writeFileSync(conf, lines.join('\n') + '\n');
  return start(dir, conf, port, false);
}

/**
 * The filtering Unbound: forwards to `upstreamPort`, includes `<dir>/zones/maktab.conf` (written by the node
 * agent; empty to begin with). `zonesDir` is where the agent writes.
 */
export async function startFiltering(
  upstreamPort: number,
  options: { extra?: string[]; threads?: number; encrypted?: boolean; logQueries?: boolean } = {},
): Promise<UnboundProcess & { zonesDir: string; encrypted?: Encrypted }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-unbound-'));
  const zonesDir = path.join(dir, 'zones');
  fs.mkdirSync(zonesDir);
  fs.writeFileSync(path.join(zonesDir, 'maktab.conf'), 'server:\n');
  const port = await freeDnsPort();
  const encrypted = options.encrypted ? await encryptedPorts(dir) : undefined;
  const lines = [
    ...base(dir, port)
      .filter((l) => !(encrypted && l.includes('interface:')))
      .map((l) => (l.includes('num-threads') ? `    num-threads: ${options.threads ?? 1}` : l)),
    ...(encrypted
      ? encryptedDnsConfiguration({
          addresses: ['127.0.0.1'],
          port,
          tlsPort: encrypted.tlsPort,
          httpsPort: encrypted.httpsPort,
          cert: encrypted.cert,
          key: encrypted.key,
        })
          .trimEnd()
          .split('\n')
          .filter((l) => l !== 'server:')
      : []),
    '    module-config: "respip iterator"',
    '    do-not-query-localhost: no',
    '    qname-minimisation: no',
    // Unbound answers `test.` and `invalid.` itself by default (RFC 6761); here they go to the upstream.
    '    local-zone: "test." nodefault',
    `    log-queries: ${options.logQueries === false ? 'no' : 'yes'}`,
    '    msg-cache-size: 4m',
    '    rrset-cache-size: 8m',
    ...(options.extra ?? []),
    `include: "${zonesDir}/maktab.conf"`,
    'forward-zone:',
    '    name: "."',
    `    forward-addr: 127.0.0.1@${upstreamPort}`,
    'remote-control:',
    '    control-enable: yes',
    `    control-interface: "${dir}/control.sock"`,
    '    control-use-cert: no',
  ];
  const conf = path.join(dir, 'unbound.conf');
  fs.writeFileSync(conf, lines.join('\n') + '\n');
  const proc = await start(dir, conf, port, true);
  return {
    ...proc,
    zonesDir,
    encrypted,
    async stop() {
      await proc.stop();
      if (!process.env.KEEP_UNBOUND) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The ports and the self-signed certificate (for 127.0.0.1) of a filtering Unbound's DoT and DoH. */
export interface Encrypted {
  tlsPort: number;
  httpsPort: number;
  cert: string;
  key: string;
}

async function encryptedPorts(dir: string): Promise<Encrypted> {
  const cert = path.join(dir, 'tls.pem');
  const key = path.join(dir, 'tls.key');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=maktab-test-resolver',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  const tlsPort = await freeDnsPort();
  let httpsPort = await freeDnsPort();
  while (httpsPort === tlsPort) httpsPort = await freeDnsPort();
  return { tlsPort, httpsPort, cert, key };
}

/**
 * `dig` (BIND 9.18) over DoT or DoH, from `from`, checking the resolver's certificate against `ca`: the A
 * addresses joined by commas, or `NXDOMAIN`/`NODATA`.
 */
export async function digEncrypted(
  transport: 'tls' | 'https',
  port: number,
  ca: string,
  name: string,
  from: string,
): Promise<string> {
  const { stdout } = await run('dig', [
    `+${transport === 'tls' ? 'tls' : 'https=/dns-query'}`,
    `+tls-ca=${ca}`,
    '+time=3',
    '+tries=1',
    '+noall',
    '+comments',
    '+answer',
    '-b',
    from,
    '-p',
    String(port),
    '@127.0.0.1',
    name,
    'A',
  ]);
  const status = /status: ([A-Z]+)/.exec(stdout)?.[1];
  if (status === undefined) throw new Error(`dig +${transport}: no answer: ${stdout}`);
  if (status !== 'NOERROR') return status;
  const addresses = [...stdout.matchAll(/\sIN\s+A\s+(\S+)/g)].map((m) => m[1]!).sort();
  return addresses.length > 0 ? addresses.join(',') : 'NODATA';
}

/** A query's outcome: the A addresses, or the DNS error code (`ENOTFOUND` for NXDOMAIN, `ENODATA`…). */
export type Outcome = { addresses: string[] } | { error: string };

/** Resolves `name`'s A records at 127.0.0.1:`port`, the query sent from `from` (e.g. 127.0.1.5). */
export async function query(
  port: number,
  name: string,
  from: string,
  timeout = 2000,
  tries = 1,
): Promise<Outcome> {
  const resolver = new Resolver({ timeout, tries });
  resolver.setLocalAddress(from);
  resolver.setServers([`127.0.0.1:${port}`]);
  try {
    return { addresses: (await resolver.resolve4(name)).sort() };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'ERROR';
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { error: code };
    throw error;
  }
}

/** The answer's addresses, or the error code, as one string: easy to compare in tests. */
export async function answer(port: number, name: string, from: string): Promise<string> {
  const outcome = await query(port, name, from);
  return 'addresses' in outcome ? outcome.addresses.join(',') : outcome.error;
}
