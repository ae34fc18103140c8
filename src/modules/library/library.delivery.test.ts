import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/server/app';
import { corsOrigins } from '@/server/config';
import type { Database } from '@/server/db/database';
import { JobWorker } from '@/server/jobs';
import { LocalStorage } from '@/server/storage';
import { createTestDatabase, login, testConfig, type Session } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { loadCountryPackFrom } from '@/modules/institutions/country-pack';
import { MEDIA_QUEUE, mediaJob } from '@/modules/library/library.service';
import type { ResourceView } from '@/modules/library/library.schema';
import { pdfBytes } from '@test/files';

/** Library files over HTTP: validators, conditional and ranged requests, CORS for open content, HLS figures. */

const PDF = pdfBytes(5000);
const OTHER_SITE = 'https://player.example.org';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('library files over HTTP', () => {
  let database: Database;
  let app: FastifyInstance;
  let storageDir: string;
  let author: Session;
  let reviewer: Session;
  let worker: JobWorker;
  let work: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCountryPackFrom(database.db);
    storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-delivery-'));
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-delivery-work-'));
    const config = testConfig({ storageDir });
    app = await buildApp(config, database);
    await app.ready();
    worker = new JobWorker(
      database.db,
      {
        [MEDIA_QUEUE]: mediaJob(database.db, { storage: new LocalStorage(storageDir), media: config.media }),
      },
      { backoffMs: () => 0 },
    );
    const a = await createUserWithRole(database.db, 'editor');
    const b = await createUserWithRole(database.db, 'editor');
    author = await login(app, a.username, a.password);
    reviewer = await login(app, b.username, b.password);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    for (const dir of [storageDir, work]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function create(over: Record<string, unknown> = {}): Promise<ResourceView> {
    const res = await author.inject({
      method: 'POST',
      url: '/api/library/resources',
      payload: {
        type: 'e_textbook',
        title: 'Fayl',
        description: '',
        language: 'az',
        level: 'general',
        grades: [5],
        subject: 'mathematics',
        authors: ['Nəzakət Məmmədova'],
        publisher: 'Təhsil Nazirliyi',
        licence: 'cc_by',
        accessibility: [],
        ...over,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<ResourceView>();
  }

  async function upload(resourceId: number, bytes: Buffer) {
    const start = await author.inject({
      method: 'POST',
      url: '/api/library/uploads',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-length': String(bytes.length),
        'upload-metadata': `resourceId ${b64(String(resourceId))},role ${b64('main')},filename ${b64('f.bin')}`,
      },
    });
    expect(start.statusCode, start.body).toBe(201);
    const res = await author.inject({
      method: 'PATCH',
      url: start.headers.location,
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      payload: bytes,
    });
    expect(res.statusCode, res.body).toBe(204);
  }

  const get = async (id: number) =>
    (await author.inject({ url: `/api/library/resources/${id}` })).json<ResourceView>();

  async function publish(id: number) {
    const submit = await author.inject({
      method: 'POST',
      url: `/api/library/resources/${id}/submit`,
      payload: {},
    });
    expect(submit.statusCode, submit.body).toBe(200);
    const res = await reviewer.inject({
      method: 'POST',
      url: `/api/library/resources/${id}/review`,
      payload: { decision: 'publish' },
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  it('sends validators, answers 304 and If-Range as RFC 9110 says, and CORS only on open content', async () => {
    const r = await create({ title: 'Validatorlar' });
    await upload(r.id, PDF);
    const file = (await get(r.id)).files[0]!;

    // A draft's file: validators, but private and for no other site.
    const draft = await author.inject({ url: file.url, headers: { origin: OTHER_SITE } });
    expect(draft.statusCode).toBe(200);
    expect(draft.headers.etag).toBe(`"${createHash('sha256').update(PDF).digest('hex')}"`);
    expect(draft.headers['last-modified']).toMatch(/GMT$/);
    expect(draft.headers['cache-control']).toMatch(/^private/);
    expect(draft.headers['access-control-allow-origin']).toBeUndefined();
    expect(draft.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect((await app.inject({ url: file.url, headers: { origin: OTHER_SITE } })).statusCode).toBe(404);

    await publish(r.id);
    const whole = await app.inject({ url: file.url, headers: { origin: OTHER_SITE } });
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload.equals(PDF)).toBe(true);
    const etag = whole.headers.etag as string;
    const lastModified = whole.headers['last-modified'] as string;
    expect(etag).toBe(draft.headers.etag);
    expect(lastModified).toBe(draft.headers['last-modified']);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['cache-control']).toMatch(/^public/);
    expect(whole.headers['access-control-allow-origin']).toBe('*');
    expect(whole.headers['access-control-allow-credentials']).toBeUndefined();
    const exposed = String(whole.headers['access-control-expose-headers']).split(/,\s*/);
    expect(exposed).toEqual(
      expect.arrayContaining(['Content-Length', 'Content-Range', 'Accept-Ranges', 'ETag']),
    );
    expect(whole.headers['content-encoding']).toBeUndefined();

    // Revalidation: 304 with no body, for the tag (weakly compared) or the date.
    for (const headers of [
      { 'if-none-match': etag },
      { 'if-none-match': `"other", W/${etag}` },
      { 'if-none-match': '*' },
      { 'if-modified-since': lastModified },
    ]) {
      const res = await app.inject({ url: file.url, headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(304);
      expect(res.rawPayload.length).toBe(0);
      expect(res.headers.etag).toBe(etag);
    }
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await app.inject({ url: file.url, headers: { 'if-none-match': '"other"' } })).statusCode).toBe(
      200,
    );
    expect((await app.inject({ url: file.url, headers: { 'if-modified-since': earlier } })).statusCode).toBe(
      200,
    );
    // If-None-Match wins over If-Modified-Since.
    expect(
      (
        await app.inject({
          url: file.url,
          headers: { 'if-none-match': '"other"', 'if-modified-since': lastModified },
        })
      ).statusCode,
    ).toBe(200);

    // If-Range: the current version gets its range, any other (or a weak tag) the whole file.
    const ranged = (ifRange: string) =>
      app.inject({ url: file.url, headers: { range: 'bytes=0-4', 'if-range': ifRange } });
    for (const current of [etag, lastModified]) {
      const res = await ranged(current);
      expect(res.statusCode, current).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes 0-4/${PDF.length}`);
      expect(res.body).toBe('%PDF-');
    }
    for (const stale of ['"an-older-version"', `W/${etag}`, earlier, 'not a date']) {
      const res = await ranged(stale);
      expect(res.statusCode, stale).toBe(200);
      expect(res.headers['content-range']).toBeUndefined();
      expect(res.headers['content-length']).toBe(String(PDF.length));
      expect(res.rawPayload.equals(PDF)).toBe(true);
    }
    // Unsatisfiable: 416 with the size.
    const outside = await app.inject({ url: file.url, headers: { range: `bytes=${PDF.length}-` } });
    expect(outside.statusCode).toBe(416);
    expect(outside.headers['content-range']).toBe(`bytes */${PDF.length}`);

    // A player on another site may ask to send Range; nobody is promised credentials.
    const pre = await app.inject({
      method: 'OPTIONS',
      url: file.url,
      headers: {
        origin: OTHER_SITE,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'range',
      },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(String(pre.headers['access-control-allow-headers'])).toMatch(/\bRange\b/);
    expect(String(pre.headers['access-control-allow-methods'])).toMatch(/\bGET\b/);
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();

    // OAI-PMH is open content too; the API is not.
    const oai = await app.inject({ url: '/oai?verb=Identify', headers: { origin: OTHER_SITE } });
    expect(oai.statusCode).toBe(200);
    expect(oai.headers['access-control-allow-origin']).toBe('*');
    const oaiPre = await app.inject({
      method: 'OPTIONS',
      url: '/oai',
      headers: { origin: OTHER_SITE, 'access-control-request-method': 'GET' },
    });
    expect(oaiPre.statusCode).toBe(204);
    expect(oaiPre.headers['access-control-allow-origin']).toBe('*');
    const api = await app.inject({ url: `/api/library/resources/${r.id}`, headers: { origin: OTHER_SITE } });
    expect(api.headers['access-control-allow-origin']).toBeUndefined();

    // Unpublished again: private, and no other site may read it.
    const unpublish = await reviewer.inject({
      method: 'POST',
      url: `/api/library/resources/${r.id}/unpublish`,
      payload: { note: 'köhnəlib' },
    });
    expect(unpublish.statusCode, unpublish.body).toBe(200);
    // The node keeps a published file's access for a few seconds: wait until it is seen as private.
    await expect
      .poll(async () => (await app.inject({ url: file.url })).statusCode, { timeout: 15_000, interval: 250 })
      .toBe(404);
    const hidden = await author.inject({ url: file.url, headers: { origin: OTHER_SITE } });
    expect(hidden.statusCode).toBe(200);
    expect(hidden.headers['cache-control']).toMatch(/^private/);
    expect(hidden.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('takes CORS_ORIGINS: every site, a list, or none', async () => {
    expect(corsOrigins(undefined)).toBe('*');
    expect(corsOrigins('*')).toBe('*');
    expect(corsOrigins('')).toEqual([]);
    expect(corsOrigins('none')).toEqual([]);
    expect(corsOrigins('https://a.az, http://b.az:8080/')).toEqual(['https://a.az', 'http://b.az:8080']);
    expect(() => corsOrigins('a.az')).toThrow(/CORS_ORIGINS/);
    expect(() => corsOrigins('https://a.az/path')).toThrow(/CORS_ORIGINS/);

    for (const [origins, from, allowed] of [
      [['https://a.az'], 'https://a.az', 'https://a.az'],
      [['https://a.az'], OTHER_SITE, undefined],
      [[], OTHER_SITE, undefined],
    ] as const) {
      const listed = await buildApp(testConfig({ storageDir, corsOrigins: [...origins] }), database);
      await listed.ready();
      try {
        const res = await listed.inject({ url: '/oai?verb=Identify', headers: { origin: from } });
        expect(res.statusCode).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBe(allowed);
        if (origins.length > 0) expect(res.headers.vary).toMatch(/Origin/);
        const pre = await listed.inject({
          method: 'OPTIONS',
          url: '/api/library/files/1',
          headers: { origin: from, 'access-control-request-method': 'GET' },
        });
        expect(pre.statusCode).toBe(204);
        expect(pre.headers['access-control-allow-origin']).toBe(allowed);
      } finally {
        await listed.close();
      }
    }
  });

  const ffprobeJson = <T>(args: string[]) =>
    JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', ...args], { encoding: 'utf8' }),
    ) as T;

  it('writes each HLS variant with its peak and average bit rates and its real codecs', async () => {
    // 24 s whose middle turns to noise: one stretch costs far more bits than the rest.
    const video = path.join(work, 'lesson.mp4');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      "testsrc2=size=426x240:rate=25:duration=24,noise=alls=80:allf=t+u:enable='between(t,12,18)'",
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=24',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
      video,
    ]);
    const r = await create({ type: 'video_lesson', title: 'HLS' });
    await upload(r.id, fs.readFileSync(video));
    expect(await worker.drain()).toBe(1);
    const view = await get(r.id);
    expect(view.processing.state).toBe('done');
    await publish(r.id);
    const hls = view.files.find((f) => f.role === 'hls')!;
    const master = await app.inject({ url: hls.url, headers: { origin: OTHER_SITE } });
    expect(master.statusCode).toBe(200);
    expect(master.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(master.headers['access-control-allow-origin']).toBe('*');

    const lines = master.body.split('\n');
    const variants = lines.flatMap((line, i) => {
      if (!line.startsWith('#EXT-X-STREAM-INF:')) return [];
      const attr = (name: string) => new RegExp(`[:,]${name}=("[^"]*"|[^,]*)`).exec(line)?.[1];
      return [
        {
          uri: lines[i + 1]!,
          bandwidth: Number(attr('BANDWIDTH')),
          average: Number(attr('AVERAGE-BANDWIDTH')),
          codecs: attr('CODECS')?.replace(/"/g, ''),
        },
      ];
    });
    expect(variants.map((v) => v.uri)).toEqual(['144p.m3u8', '240p.m3u8', 'audio.m3u8']);

    for (const variant of variants) {
      expect(variant.codecs, variant.uri).toBeTruthy();
      expect(variant.average).toBeGreaterThan(0);
      expect(variant.average).toBeLessThanOrEqual(variant.bandwidth);

      // Every segment fetched over HTTP and measured by ffprobe: its size over its duration.
      const playlist = await app.inject({ url: hls.url.replace('master.m3u8', variant.uri) });
      expect(playlist.statusCode).toBe(200);
      const target = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(playlist.body)![1]);
      const names = playlist.body.split('\n').filter((l) => l.endsWith('.ts'));
      expect(names.length).toBeGreaterThanOrEqual(3);
      const segments: { bits: number; seconds: number }[] = [];
      for (const name of names) {
        const res = await app.inject({ url: hls.url.replace('master.m3u8', name) });
        expect(res.statusCode).toBe(200);
        expect(res.headers.etag).toBeTruthy();
        const local = path.join(work, name);
        fs.writeFileSync(local, res.rawPayload);
        const { format } = ffprobeJson<{ format: { duration: string; size: string } }>([
          '-show_format',
          local,
        ]);
        segments.push({ bits: Number(format.size) * 8, seconds: Number(format.duration) });
      }
      // The peak as RFC 8216 §4.3.4.2 defines it: runs of segments lasting 0.5–1.5 target durations.
      let peak = 0;
      for (let i = 0; i < segments.length; i++) {
        let bits = 0;
        let seconds = 0;
        for (const s of segments.slice(i)) {
          bits += s.bits;
          seconds += s.seconds;
          if (seconds > 1.5 * target) break;
          if (seconds >= 0.5 * target) peak = Math.max(peak, bits / seconds);
        }
      }
      const totalBits = segments.reduce((sum, s) => sum + s.bits, 0);
      const average = totalBits / segments.reduce((sum, s) => sum + s.seconds, 0);
      expect(peak).toBeGreaterThan(0);
      expect(variant.bandwidth, variant.uri).toBeGreaterThanOrEqual(Math.floor(peak));
      // Not inflated: within 10 % of what was measured, and the average likewise.
      expect(variant.bandwidth, variant.uri).toBeLessThanOrEqual(peak * 1.1);
      expect(Math.abs(variant.average - average) / average, variant.uri).toBeLessThan(0.1);

      // The codecs are the segments' own: H.264 profile and level, AAC object type.
      const { streams } = ffprobeJson<{ streams: { codec_type: string; profile: string; level?: number }[] }>(
        ['-show_streams', path.join(work, names[0]!)],
      );
      const codecs = variant.codecs!.split(',');
      const video = streams.find((s) => s.codec_type === 'video');
      if (video) {
        const profileIdc = { 'Constrained Baseline': 0x42, Baseline: 0x42, Main: 0x4d, High: 0x64 }[
          video.profile
        ];
        expect(codecs[0]).toMatch(/^avc1\.[0-9a-f]{6}$/);
        expect(parseInt(codecs[0]!.slice(5, 7), 16)).toBe(profileIdc);
        expect(parseInt(codecs[0]!.slice(9, 11), 16)).toBe(video.level);
      }
      const audio = streams.find((s) => s.codec_type === 'audio');
      expect(audio?.profile).toBe('LC');
      expect(codecs.at(-1)).toBe('mp4a.40.2');
      expect(codecs).toHaveLength(video ? 2 : 1);
    }

    // Segments revalidate like any file.
    const first = hls.url.replace('master.m3u8', '144p_000.ts');
    const segment = await app.inject({ url: first });
    const again = await app.inject({
      url: first,
      headers: { 'if-none-match': segment.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
  }, 240_000);
});
