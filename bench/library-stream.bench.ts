import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import { LocalStorage } from '@/server/storage';
import { testConfig } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import * as library from '@/modules/library/library.service';
import { withDatabase } from './support';

/**
 * Streaming a large video by HTTP Range: the library's file route (`GET /api/library/files/:id`, which checks
 * the file's resource is published, then streams it through the media cache) against nginx serving the same
 * file from disk (Debian's package, one worker process like our one Node process, sendfile on), both on this
 * machine in the same run. The app runs twice: as configured by default (published media kept in memory, the
 * way a much-watched lesson is served) and with `MEDIA_CACHE_MB=0` (every range read from the disk, the way a
 * file seldom watched or larger than the cache is served); both are reported against nginx. Many clients (50) each ask for random 1 MB ranges, one after another on a kept-alive
 * connection, for BENCH_DURATION seconds (default 10); runs alternate (nginx, app, nginx, app, …) so that noise
 * falls on both, and each run's figure is printed too. The load runs in worker threads (BENCH_STREAM_THREADS, default 2), off the app's event loop.
 * Goal: at least half of nginx's throughput.
 *
 * The file is BENCH_STREAM_MB megabytes (default 150) of random bytes behind an MP4 header, served as
 * video/mp4 (what is measured is moving bytes, not decoding them). Without nginx (`NGINX_PATH`, default
 * /usr/sbin/nginx) the bench says so and skips.
 */

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Math.min(3, DURATION);
const ROUNDS = 3;
const CLIENTS = 50;
const CHUNK = 1024 * 1024;
const SIZE_MB = Number(process.env.BENCH_STREAM_MB ?? 150);
const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const GOAL = 0.5;
/** Threads the load generator runs in (BENCH_STREAM_THREADS, default 2). */
const LOAD_THREADS = Math.max(1, Number(process.env.BENCH_STREAM_THREADS ?? 2));

/** The load generator, in a worker thread: clients in parallel, each range after range until time is up. */
const LOAD = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, size, seconds, clients, chunk } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
let bytes = 0, requests = 0, errors = 0;
const started = Date.now();
const end = started + seconds * 1000;
const one = () => new Promise((resolve) => {
  const start = Math.floor(Math.random() * (size - chunk));
  const req = http.request({
    host: target.hostname, port: target.port, path: target.pathname, agent,
    headers: { range: 'bytes=' + start + '-' + (start + chunk - 1) },
  }, (res) => {
    let got = 0;
    res.on('data', (d) => { got += d.length; });
    res.on('end', () => {
      if (res.statusCode !== 206 || got !== chunk) errors++;
      bytes += got; requests++; resolve();
    });
    res.on('error', () => { errors++; resolve(); });
  });
  req.on('error', () => { errors++; resolve(); });
  req.end();
});
const loop = async () => { while (Date.now() < end) await one(); };
Promise.all(Array.from({ length: clients }, loop)).then(() => {
  agent.destroy();
  parentPort.postMessage({ bytes, requests, errors, ms: Date.now() - started });
});
`;

interface Load {
  bytes: number;
  requests: number;
  errors: number;
  ms: number;
}

function loadWorker(url: string, size: number, seconds: number, clients: number): Promise<Load> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD, {
      eval: true,
      workerData: { url, size, seconds, clients, chunk: CHUNK },
    });
    worker.once('message', (m: Load) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}

/** The clients spread over LOAD_THREADS worker threads, so that the client side is not the limit. */
async function load(url: string, size: number, seconds: number): Promise<Load> {
  const parts = await Promise.all(
    Array.from({ length: LOAD_THREADS }, (_, i) =>
      loadWorker(
        url,
        size,
        seconds,
        Math.floor(CLIENTS / LOAD_THREADS) + (i < CLIENTS % LOAD_THREADS ? 1 : 0),
      ),
    ),
  );
  return {
    bytes: parts.reduce((a, p) => a + p.bytes, 0),
    requests: parts.reduce((a, p) => a + p.requests, 0),
    errors: parts.reduce((a, p) => a + p.errors, 0),
    ms: Math.max(...parts.map((p) => p.ms)),
  };
}

/** MB (10^6 bytes) per second; any failed or short answer is a crash. */
async function throughput(url: string, size: number, seconds: number): Promise<number> {
  const r = await load(url, size, seconds);
  if (r.errors > 0) throw new Error(`${url}: ${r.errors} failed answers of ${r.requests}`);
  return r.bytes / 1e6 / (r.ms / 1000);
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** Starts nginx in the foreground on a free port, serving `root`; resolves when it answers. */
async function startNginx(root: string, work: string): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  for (const dir of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    fs.mkdirSync(path.join(work, dir), { recursive: true });
  const conf = path.join(work, 'nginx.conf');
  const asRoot = process.getuid?.() === 0;
  fs.writeFileSync(
    conf,
    `daemon off;
${asRoot ? 'user root;' : ''}
worker_processes 1;
pid ${work}/nginx.pid;
error_log ${work}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 65;
  types { video/mp4 mp4; }
  default_type application/octet-stream;
  client_body_temp_path ${work}/body;
  proxy_temp_path ${work}/proxy;
  fastcgi_temp_path ${work}/fastcgi;
  uwsgi_temp_path ${work}/uwsgi;
  scgi_temp_path ${work}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', work, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    async stop() {
      child.kill('SIGQUIT');
      await exited;
    },
  };
}

/** A file of `mb` megabytes: an MP4 `ftyp` box, then random bytes (the same random megabyte repeated). */
function writeVideo(file: string, mb: number): void {
  const ftyp = Buffer.alloc(32);
  ftyp.writeUInt32BE(32, 0);
  ftyp.write('ftypisom', 4, 'latin1');
  ftyp.writeUInt32BE(0x200, 12);
  ftyp.write('isomiso2avc1mp41', 16, 'latin1');
  const block = randomBytes(CHUNK);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, ftyp);
    for (let i = 0; i < mb; i++) fs.writeSync(fd, block);
  } finally {
    fs.closeSync(fd);
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const mbps = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

async function measure(database: Database): Promise<string> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-stream-'));
  const storageDir = path.join(work, 'storage');
  fs.mkdirSync(storageDir);
  // No media processing: the original is served as uploaded, and the resource can be published at once.
  const media = { ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe' };
  const config = testConfig({ storageDir, media });
  const env = { storage: new LocalStorage(storageDir), media };
  const app = await buildApp(config, database);
  const diskApp = await buildApp({ ...config, mediaCacheMb: 0 }, database);
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  try {
    const author = { actorId: (await createUserWithRole(database.db, 'editor')).id, ip: null };
    const reviewer = { actorId: (await createUserWithRole(database.db, 'editor')).id, ip: null };
    const resource = await library.createResource(
      database.db,
      env,
      author,
      {
        type: 'video_lesson',
        title: 'Böyük video',
        language: 'az',
        level: 'general',
        grades: [],
        subject: null,
        authors: [],
        publisher: null,
        licence: 'cc_by',
        accessibility: [],
      },
      'en',
    );
    const source = path.join(work, 'upload.mp4');
    writeVideo(source, SIZE_MB);
    const file = await library.registerUpload(database.db, env, author, {
      resourceId: resource.id,
      role: 'main',
      path: source,
      originalName: 'video.mp4',
    });
    await library.submitResource(database.db, env, author, resource.id);
    await library.reviewResource(database.db, env, reviewer, resource.id, 'publish');
    const size = fs.statSync(path.join(storageDir, file.storageKey)).size;

    const urlOf = async (server: typeof app) => {
      await server.listen({ port: 0, host: '127.0.0.1' });
      return `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/api/library/files/${file.id}`;
    };
    const appUrl = await urlOf(app);
    const diskUrl = await urlOf(diskApp);
    nginx = await startNginx(storageDir, path.join(work, 'nginx'));
    const nginxUrl = `http://127.0.0.1:${nginx.port}/${file.storageKey}`;

    await throughput(nginxUrl, size, WARMUP);
    await throughput(appUrl, size, WARMUP);
    await throughput(diskUrl, size, WARMUP);
    const nginxRuns: number[] = [];
    const appRuns: number[] = [];
    const diskRuns: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      nginxRuns.push(await throughput(nginxUrl, size, DURATION));
      appRuns.push(await throughput(appUrl, size, DURATION));
      diskRuns.push(await throughput(diskUrl, size, DURATION));
    }
    const ratio = mean(appRuns) / mean(nginxRuns);
    const diskRatio = mean(diskRuns) / mean(nginxRuns);
    const runs = (xs: number[]) => xs.map((x) => mbps.format(x)).join('/');
    return (
      `library-stream ${database.driver}: ${CLIENTS} clients, random 1 MB ranges of a ${SIZE_MB} MB video: ` +
      `app ${mbps.format(mean(appRuns))} MB/s, nginx ${mbps.format(mean(nginxRuns))} MB/s, ` +
      `ratio ${ratio.toFixed(2)} (goal >= ${GOAL})${ratio >= GOAL ? '' : ' MISSED'}; ` +
      `without the media cache ${mbps.format(mean(diskRuns))} MB/s, ratio ${diskRatio.toFixed(2)}` +
      ` [runs: app ${runs(appRuns)}, no cache ${runs(diskRuns)}, nginx ${runs(nginxRuns)}]`
    );
  } finally {
    await nginx?.stop();
    await app.close();
    await diskApp.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set. Skipped without nginx. */
export async function run(report: (line: string) => void): Promise<void> {
  if (!fs.existsSync(NGINX)) {
    report(`library-stream: skipped, nginx not found at ${NGINX} (apt-get install nginx, or set NGINX_PATH)`);
    return;
  }
  report(await withDatabase(undefined, measure));
  const url = process.env.DATABASE_URL;
  if (url) report(await withDatabase(url, measure));
}
