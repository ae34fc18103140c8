import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify, { type LightMyRequestResponse, type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import { compressibleType, installDelivery } from '@/server/delivery';
import { installHttpCache, noneMatchHits, publicCache } from '@/server/http-cache';
import { createTestDatabase, login, testConfig, type Session } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { loadCountryPackFrom } from '@/modules/institutions/country-pack';
import type { ResourceView } from '@/modules/library/library.schema';
import { pdfBytes } from '@test/files';

/** The body as sent, decoded from its Content-Encoding. */
function decoded(res: LightMyRequestResponse): Buffer {
  const encoding = res.headers['content-encoding'];
  if (encoding === 'br') return zlib.brotliDecompressSync(res.rawPayload);
  if (encoding === 'gzip') return zlib.gunzipSync(res.rawPayload);
  expect(encoding ?? 'identity').toBe('identity');
  return res.rawPayload;
}

const PDF = pdfBytes(8000);
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('delivery: compression, caching, revalidation', () => {
  let database: Database;
  let app: FastifyInstance;
  let webRoot: string;
  let editor: Session;
  let script: Buffer;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCountryPackFrom(database.db);
    // A built web app as the build leaves it: hashed assets with their compressed copies, the page, the worker.
    webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-web-'));
    fs.mkdirSync(path.join(webRoot, 'assets'));
    script = Buffer.from(
      Array.from({ length: 300 }, (_, i) => `export const value${i} = ${i} * 2;`).join('\n'),
    );
    const page = Buffer.from(
      `<!doctype html><title>Maktab</title><script type="module" src="/assets/index-Ab12Cd34.js"></script>${'<!-- -->'.repeat(200)}`,
    );
    for (const [name, bytes] of [
      ['assets/index-Ab12Cd34.js', script],
      ['index.html', page],
    ] as const) {
      fs.writeFileSync(path.join(webRoot, name), bytes);
      fs.writeFileSync(path.join(webRoot, `${name}.br`), zlib.brotliCompressSync(bytes));
      fs.writeFileSync(path.join(webRoot, `${name}.gz`), zlib.gzipSync(bytes));
    }
    fs.writeFileSync(path.join(webRoot, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    app = await buildApp(testConfig({ webRoot }), database);
    await app.ready();
    const e = await createUserWithRole(database.db, 'editor');
    editor = await login(app, e.username, e.password);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    if (webRoot) fs.rmSync(webRoot, { recursive: true, force: true });
  });

  it('sends an app asset pre-compressed, brotli or gzip as accepted, and keeps it a year', async () => {
    const url = '/assets/index-Ab12Cd34.js';
    const plain = await app.inject({ url });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(script)).toBe(true);
    for (const encoding of ['br', 'gzip']) {
      const res = await app.inject({ url, headers: { 'accept-encoding': `${encoding}` } });
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.rawPayload.length).toBeLessThan(script.length / 2);
      expect(decoded(res).equals(script)).toBe(true);
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    // A browser that takes both gets brotli.
    const both = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(both.headers['content-encoding']).toBe('br');
  });

  it('revalidates the page and the service worker: no-cache, with a validator that yields 304', async () => {
    for (const url of ['/', '/index.html', '/classes', '/sw.js']) {
      const res = await app.inject({ url, headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.headers.etag, url).toBeTruthy();
      expect(res.headers['last-modified'], url).toBeTruthy();
      const again = await app.inject({
        url,
        headers: { 'accept-encoding': 'br, gzip', 'if-none-match': String(res.headers.etag) },
      });
      expect(again.statusCode, url).toBe(304);
      expect(again.body).toBe('');
    }
    const page = await app.inject({ url: '/classes', headers: { 'accept-encoding': 'gzip' } });
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(decoded(page).toString()).toContain('<title>Maktab</title>');
  });

  it('compresses a JSON answer above the threshold, identical once decoded, and leaves small ones', async () => {
    const identity = await app.inject({ url: '/api/openapi.json' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.rawPayload.length).toBeGreaterThan(10_000);
    for (const encoding of ['br', 'gzip']) {
      const res = await app.inject({ url: '/api/openapi.json', headers: { 'accept-encoding': encoding } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.rawPayload.length).toBeLessThan(identity.rawPayload.length / 3);
      expect(decoded(res).equals(identity.rawPayload)).toBe(true);
    }
    const small = await app.inject({ url: '/api/health', headers: { 'accept-encoding': 'br, gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json<{ status: string }>().status).toBe('ok');
  });

  it("compresses the API documentation's scripts, identical once decoded", async () => {
    const identity = await app.inject({ url: '/api/docs/static/swagger-ui-bundle.js' });
    expect(identity.statusCode).toBe(200);
    expect(identity.rawPayload.length).toBeGreaterThan(500_000);
    const res = await app.inject({
      url: '/api/docs/static/swagger-ui-bundle.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.rawPayload.length).toBeLessThan(identity.rawPayload.length / 2);
    expect(decoded(res).equals(identity.rawPayload)).toBe(true);
  });

  it('compresses a CSV download and keeps it a download; caches open data with an ETag and 304', async () => {
    const url = '/api/open/indicators?format=csv';
    const identity = await app.inject({ url, headers: { 'accept-language': 'en' } });
    expect(identity.statusCode).toBe(200);
    expect(identity.headers['cache-control']).toBe('public, max-age=300, stale-while-revalidate=60');
    expect(String(identity.headers.vary).split(', ')).toEqual([
      'accept-encoding',
      'accept',
      'accept-language',
    ]);
    const etag = String(identity.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    const gz = await app.inject({ url, headers: { 'accept-language': 'en', 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-disposition']).toMatch(/^attachment; filename="indicators-/);
    expect(gz.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(identity.rawPayload.length).toBeGreaterThan(1024);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decoded(gz).equals(identity.rawPayload)).toBe(true);
    expect(gz.headers.etag).toBe(etag);
    const again = await app.inject({
      url,
      headers: { 'accept-language': 'en', 'accept-encoding': 'gzip', 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect(gz.headers.vary).toBe(identity.headers.vary);
    expect(again.headers['cache-control']).toBe('public, max-age=300, stale-while-revalidate=60');
    // Another language is another answer, with another tag.
    const ru = await app.inject({ url, headers: { 'accept-language': 'ru', 'if-none-match': etag } });
    expect(ru.statusCode).toBe(200);
    expect(ru.headers.etag).not.toBe(etag);
  });

  it('caches the public catalogue with an ETag and 304, but never shares an answer to a signed-in caller', async () => {
    const url = '/api/library/search?q=riyaziyyat';
    const first = await app.inject({ url });
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('public, max-age=300, stale-while-revalidate=60');
    const etag = String(first.headers.etag);
    const again = await app.inject({ url, headers: { 'if-none-match': `W/"x", ${etag}` } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    const signedIn = await editor.inject({ url });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.headers['cache-control']).toBe('private, no-cache');
    expect(signedIn.json()).toEqual(first.json());
    expect((await editor.inject({ url, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    // Errors are not cached.
    const bad = await app.inject({ url: '/api/library/search?limit=-1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers.etag).toBeUndefined();
  });

  it('never compresses a library file, whole or a range', async () => {
    const created = await editor.inject({
      method: 'POST',
      url: '/api/library/resources',
      payload: {
        type: 'e_textbook',
        title: 'Riyaziyyat 5',
        description: '',
        language: 'az',
        level: 'general',
        grades: [5],
        subject: 'mathematics',
        authors: ['Nəzakət Məmmədova'],
        publisher: 'Təhsil Nazirliyi',
        licence: 'cc_by',
        accessibility: [],
      },
    });
    expect(created.statusCode, created.body).toBe(200);
    const id = created.json<ResourceView>().id;
    const start = await editor.inject({
      method: 'POST',
      url: '/api/library/uploads',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-length': String(PDF.length),
        'upload-metadata': `resourceId ${b64(String(id))},role ${b64('main')},filename ${b64('book.pdf')}`,
      },
    });
    expect(start.statusCode, start.body).toBe(201);
    const sent = await editor.inject({
      method: 'PATCH',
      url: String(start.headers.location),
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      payload: PDF,
    });
    expect(sent.statusCode, sent.body).toBe(204);
    const view = (await editor.inject({ url: `/api/library/resources/${id}` })).json<ResourceView>();
    const fileUrl = view.files[0]!.url;
    const headers = { 'accept-encoding': 'br, gzip' };
    const whole = await editor.inject({ url: fileUrl, headers });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-encoding']).toBeUndefined();
    expect(whole.headers['content-length']).toBe(String(PDF.length));
    expect(whole.rawPayload.equals(PDF)).toBe(true);
    const part = await editor.inject({ url: fileUrl, headers: { ...headers, range: 'bytes=0-2047' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-encoding']).toBeUndefined();
    expect(part.headers['content-range']).toBe(`bytes 0-2047/${PDF.length}`);
    expect(part.rawPayload.equals(PDF.subarray(0, 2048))).toBe(true);
  });
});

describe('what is compressed, and who may be cached', () => {
  it('compresses text, JSON and XML, never media, archives or raw bytes', () => {
    for (const type of [
      'application/json; charset=utf-8',
      'application/ld+json; charset=utf-8',
      'text/csv; charset=utf-8',
      'text/html; charset=utf-8',
      'text/xml; charset=utf-8',
      'text/javascript',
      'image/svg+xml',
    ]) {
      expect(compressibleType(type), type).toBe(true);
    }
    for (const type of [
      'video/mp4',
      'video/mp2t',
      'audio/mpeg',
      'image/png',
      'image/jpeg',
      'application/pdf',
      'application/zip',
      'application/epub+zip',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/octet-stream',
      'application/vnd.apple.mpegurl',
      'text/event-stream',
    ]) {
      expect(compressibleType(type), type).toBe(false);
    }
  });

  it('sends ranges, range-serving files and encoded answers as they are, even when their type is text', async () => {
    const app = Fastify();
    await installDelivery(app);
    const text = 'a line of text, again and again\n'.repeat(200);
    app.get('/text', async () => text);
    app.get('/range', async (_request, reply) =>
      reply
        .code(206)
        .header('content-range', `bytes 0-99/${text.length}`)
        .send(text.slice(0, 100).repeat(20)),
    );
    app.get('/file', async (_request, reply) => reply.header('accept-ranges', 'bytes').send(text));
    app.get('/identity', async (_request, reply) => reply.header('content-encoding', 'identity').send(text));
    app.get('/video', async (_request, reply) => reply.type('video/mp4').send(Buffer.from(text)));
    const headers = { 'accept-encoding': 'br, gzip' };
    expect((await app.inject({ url: '/text', headers })).headers['content-encoding']).toBe('br');
    for (const url of ['/range', '/file', '/identity', '/video']) {
      const res = await app.inject({ url, headers });
      expect(res.headers['content-encoding'] ?? 'identity', url).toBe('identity');
    }
    await app.close();
  });

  it('refuses public caching on a route that is not public', async () => {
    const app = Fastify();
    installHttpCache(app);
    expect(() =>
      app.get('/mine', { config: { access: 'authenticated', httpCache: publicCache() } }, async () => ({})),
    ).toThrow(/only a public route/);
    await app.close();
  });

  it('matches If-None-Match lists, weak tags and *', () => {
    expect(noneMatchHits('"a", "b"', '"b"')).toBe(true);
    expect(noneMatchHits('W/"b"', '"b"')).toBe(true);
    expect(noneMatchHits('*', '"b"')).toBe(true);
    expect(noneMatchHits('"a"', '"b"')).toBe(false);
    expect(noneMatchHits(undefined, '"b"')).toBe(false);
  });
});
