import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * Test support for running the real `maktab` command in its own process, as an operator does: to kill it,
 * start a second one beside it, and watch what it leaves on disk.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/maktab.js', import.meta.url));

/** How a process ended: its exit code, or the signal that ended it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `maktab` process and what it has printed so far. */
export interface MaktabProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited. */
  exited: Promise<Exit>;
}

/** A running `maktab serve`, answering on `url`. */
export interface ServerProcess extends MaktabProcess {
  url: string;
}

const running = new Set<MaktabProcess>();

/**
 * The environment of a child: the test's own minus every setting of the database, the port and the web
 * build, which each test gives explicitly.
 */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'DATA_DIR', 'PORT', 'HOST', 'LOG_LEVEL']) delete base[key];
  return { ...base, NODE_ENV: 'test', WEB_ROOT: '/nonexistent', HOST: '127.0.0.1', ...env };
}

/** Starts `node bin/maktab.js …args` with `env` added to a clean environment (see childEnv). */
export function runMaktab(args: string[], env: Record<string, string>): MaktabProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const proc: MaktabProcess = { child, pid: child.pid!, stdout: () => stdout, stderr: () => stderr, exited };
  running.add(proc);
  void exited.finally(() => running.delete(proc));
  return proc;
}

/** Runs a `maktab` command to its end. */
export async function runMaktabToEnd(
  args: string[],
  env: Record<string, string>,
): Promise<Exit & { stdout: string; stderr: string }> {
  const proc = runMaktab(args, env);
  const exit = await proc.exited;
  return { ...exit, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** A TCP port no one listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts `maktab serve` and waits until GET /api/health answers. Fails with the process's output if it
 * exits first or does not answer within `waitMs` (the first start on an empty database seeds a country).
 */
export async function startServer(env: Record<string, string>, waitMs = 150_000): Promise<ServerProcess> {
  const port = await freePort();
  const proc = runMaktab(['serve'], { ...env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  let exit: Exit | undefined;
  void proc.exited.then((e) => (exit = e));
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (exit) {
      throw new Error(
        `maktab serve exited (${exit.code ?? exit.signal}) before answering:\n${proc.stdout()}\n${proc.stderr()}`,
      );
    }
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return { ...proc, url };
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      proc.child.kill('SIGKILL');
      throw new Error(`maktab serve did not answer within ${waitMs} ms:\n${proc.stdout()}\n${proc.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Sends a signal and waits for the process to end. */
export async function stopWith(proc: MaktabProcess, signal: NodeJS.Signals): Promise<Exit> {
  proc.child.kill(signal);
  return proc.exited;
}

/** Kills every process these helpers started that still runs; for afterEach/afterAll. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((proc) => stopWith(proc, 'SIGKILL')));
}

/** A signed-in HTTP client of a running server. */
export interface HttpSession {
  request(method: string, path: string, body?: unknown): Promise<Response>;
  /** The session cookie and CSRF token, for a request `request` cannot make (a raw file body). */
  headers: Record<string, string>;
}

/** Signs in over HTTP as a browser would: the session cookie, and the CSRF token on every change. */
export async function signIn(url: string, username: string, password: string): Promise<HttpSession> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    headers: { cookie, 'x-csrf-token': csrfToken },
    request: (method, path, body) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}
