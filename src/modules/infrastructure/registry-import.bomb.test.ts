import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { classroomSchool, type ClassroomSchool } from '@test/classroom-world';
import { loadCountryPackFrom } from '@/modules/institutions/country-pack';
import { IMPORT_MAX_BYTES, XLSX_TYPE } from '@/modules/infrastructure/registry-import.files';

/**
 * XLSX zip bombs against the two workbook imports, on a listening server, while another client asks
 * /api/health every 50 ms: the bomb is refused, the process's memory barely moves, and health keeps
 * answering at once. The bomb is the served template with huge zero-filled parts added (a few MB packed,
 * gigabytes unpacked).
 */

type App = Awaited<ReturnType<typeof createTestApp>>;
const run = promisify(execFile);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** The uploading client, a separate Node process: posts a file, prints the body and then the status. */
const CLIENT = `
  import { readFile } from 'node:fs/promises';
  const [url, file, headers] = process.argv.slice(1);
  const res = await fetch(url, { method: 'POST', headers: JSON.parse(headers), body: await readFile(file) });
  process.stdout.write((await res.text()) + '\\n' + res.status);
`;

/** One part of a ZIP, packed already, with the size and CRC it claims. */
interface Part {
  name: string;
  body: Buffer;
  size: number;
  crc: number;
}

/** Writes a ZIP of deflated parts (no ZIP64, no data descriptors). */
function zipOf(parts: Part[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(p.crc >>> 0, 14);
    local.writeUInt32LE(p.body.length, 18);
    local.writeUInt32LE(p.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(p.crc >>> 0, 16);
    central.writeUInt32LE(p.body.length, 20);
    central.writeUInt32LE(p.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, p.body);
    centrals.push(central, name);
    offset += 30 + name.length + p.body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A part of `size` zero bytes, packed in pieces (the zeros never exist at once). */
async function zeros(size: number): Promise<Omit<Part, 'name'>> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise((resolve) => deflate.on('end', resolve));
  const piece = Buffer.alloc(1024 * 1024);
  let crc = 0;
  for (let left = size; left > 0; left -= piece.length) {
    const bytes = piece.subarray(0, Math.min(piece.length, left));
    crc = crc32(bytes, crc);
    if (!deflate.write(bytes)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await ended;
  return { body: Buffer.concat(out), size, crc };
}

describe('XLSX zip bombs', () => {
  let t: App;
  let base: string;
  let dir: string;
  let bureau: Session;
  let director: Session;
  let w: ClassroomSchool;
  let template: Buffer;
  /** The template with nine gigabyte-sized pictures: nothing the reader needs is large. */
  let pictures: Buffer;
  /** The template with eight such pictures and a sheet of a gigabyte of zeros. */
  let sheet: Buffer;

  /**
   * Posts a file to an import route over HTTP from another process, as a browser would: the
   * client's own copying of a 10 MB body is not this process's work.
   */
  const post = async (who: Session, url: string, body: Buffer) => {
    const file = path.join(dir, `upload-${Math.random().toString(36).slice(2)}.xlsx`);
    await writeFile(file, body);
    const { stdout } = await run(process.execPath, [
      '--input-type=module',
      '-e',
      CLIENT,
      `${base}${url}`,
      file,
      JSON.stringify({
        cookie: who.cookie,
        'x-csrf-token': who.csrfToken,
        'content-type': XLSX_TYPE,
        'accept-language': 'en',
      }),
    ]);
    await rm(file);
    const at = stdout.lastIndexOf('\n');
    return {
      status: Number(stdout.slice(at + 1)),
      body: JSON.parse(stdout.slice(0, at)) as { error?: { code: string; message: string } },
    };
  };
  const routes = () => [
    { who: bureau, url: '/api/registry/import/schools?dryRun=true' },
    { who: director, url: `/api/institutions/${w.schoolId}/enrolments/import?dryRun=true` },
  ];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bomb-'));
    t = await createTestApp();
    await loadCountryPackFrom(t.database.db);
    w = await classroomSchool(t.database.db);
    const b = await createUserWithRole(t.database.db, 'bureau');
    bureau = await login(t.app, b.username, b.password);
    director = await login(t.app, w.director.username, 'password-1');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;

    const served = await bureau.inject({ method: 'GET', url: '/api/registry/templates/schools?format=xlsx' });
    expect(served.statusCode).toBe(200);
    template = served.rawPayload;
    const own: Part[] = Object.entries(unzipSync(template)).map(([name, data]) => ({
      name,
      body: deflateRawSync(data),
      size: data.length,
      crc: crc32(data),
    }));
    const gigabyte = await zeros(1024 * 1024 * 1024);
    const images = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `xl/media/image${i + 1}.png`, ...gigabyte }));
    pictures = zipOf([...own, ...images(9)]);
    // The sheet lies about its size: it is caught while it unpacks, not by its header.
    sheet = zipOf([...own, ...images(8), { name: 'xl/worksheets/sheet9.xml', ...gigabyte, size: 10_000 }]);
    for (const bomb of [pictures, sheet]) {
      expect(bomb.length).toBeGreaterThan(9_000_000);
      expect(bomb.length).toBeLessThan(IMPORT_MAX_BYTES);
    }
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads a workbook with pictures and links, leaving the pictures packed', async () => {
    const book = new ExcelJS.Workbook();
    const s = book.addWorksheet('enrolments');
    s.addRow(['username', 'class']);
    s.addRow([w.students[0]!.username, '7A']);
    s.getCell('C2').value = { text: 'site', hyperlink: 'https://example.org' };
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    );
    const image = book.addImage({ buffer: png as unknown as ExcelJS.Buffer, extension: 'png' });
    s.addImage(image, 'D1:E3');
    s.getCell('A2').note = 'a comment';
    const file = Buffer.from(await book.xlsx.writeBuffer());
    expect(Object.keys(unzipSync(file)).some((n) => n.startsWith('xl/media/'))).toBe(true);
    const res = await post(director, `/api/institutions/${w.schoolId}/enrolments/import?dryRun=true`, file);
    // Read: its one row reaches the checks (the class 7A does not exist in this school).
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, problems: [{ line: 2, column: 'class' }] });
  });

  it('refuses the bombs on both import routes while health keeps answering and memory stays flat', async () => {
    // Warm up: each route reads the served template once (no rows: 422), so the worker threads that read
    // workbooks are running before memory is measured, as on a server that has imported anything.
    for (const { who, url } of routes()) {
      expect((await post(who, url, template)).status).toBe(422);
    }

    /** Asks /api/health every 50 ms until `stop` is set; resolves to the answers' latencies (ms). */
    const poll = (state: { stop: boolean; peak: number }) =>
      (async () => {
        const latencies: number[] = [];
        while (!state.stop) {
          const started = performance.now();
          const res = await fetch(`${base}/api/health`);
          latencies.push(performance.now() - started);
          expect(res.status).toBe(200);
          state.peak = Math.max(state.peak, process.memoryUsage.rss());
          await new Promise((r) => setTimeout(r, 50));
        }
        return latencies;
      })();

    // The same polling with nothing else going on, for comparison.
    const quiet = { stop: false, peak: 0 };
    const quietPoller = poll(quiet);
    await new Promise((r) => setTimeout(r, 3000));
    quiet.stop = true;
    const quietLatencies = await quietPoller;

    const before = process.memoryUsage.rss();
    const state = { stop: false, peak: before };
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const sampler = setInterval(() => {
      state.peak = Math.max(state.peak, process.memoryUsage.rss());
    }, 20);
    const poller = poll(state);
    let latencies: number[] = [];

    const answers: {
      url: string;
      kind: string;
      status: number;
      code: string;
      message: string;
      ms: number;
    }[] = [];
    try {
      for (const { who, url } of routes()) {
        for (const [kind, bomb] of [
          ['pictures', pictures],
          ['sheet', sheet],
        ] as const) {
          const started = performance.now();
          const res = await post(who, url, bomb);
          answers.push({
            url,
            kind,
            status: res.status,
            code: res.body.error?.code ?? '',
            message: res.body.error?.message ?? '',
            ms: Math.round(performance.now() - started),
          });
        }
      }
      // Let health be asked a few more times after the last answer.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      state.stop = true;
      latencies = await poller;
      clearInterval(sampler);
      loop.disable();
    }

    const grew = (state.peak - before) / 1024 / 1024;
    const worst = Math.max(...latencies);
    console.log(
      `zip bombs: rss ${Math.round(before / 1024 / 1024)} MB before, +${grew.toFixed(1)} MB at peak; ` +
        `health ${latencies.length} answers, worst ${worst.toFixed(0)} ms, median ${median(latencies).toFixed(0)} ms; ` +
        `event loop delay max ${(loop.max / 1e6).toFixed(0)} ms; ` +
        `quiet: ${quietLatencies.length} answers, worst ${Math.max(...quietLatencies).toFixed(0)} ms, median ${median(quietLatencies).toFixed(0)} ms; ` +
        answers.map((a) => `${a.kind}→${a.status} ${a.code} in ${a.ms} ms`).join(', '),
    );
    for (const a of answers) {
      if (a.kind === 'pictures') {
        // Nothing the reader needs is large: the pictures are never unpacked, and the template has no rows.
        expect(a.status, a.url).toBe(422);
      } else {
        expect(a.status, a.url).toBe(413);
        expect(a.code).toBe('archive.ratio');
        expect(a.message).toContain('xl/worksheets/sheet9.xml');
      }
    }
    expect(grew).toBeLessThan(100);
    expect(latencies.length).toBeGreaterThan(4);
    // Within 200 ms, stretched only by how slowly this same machine answers health with nothing else
    // going on (a shared, overloaded machine delays every thread; on a quiet one the bound is ~210 ms).
    const quietWorst = Math.max(...quietLatencies);
    expect(worst).toBeLessThan(200 + 5 * quietWorst);
  });
});
