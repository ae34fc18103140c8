import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@/server/app';
import { createTestApp, login, testConfig } from '@test/harness';
import { createUserWithRole } from '@test/factories';

describe('the platform', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers the health check with the driver and version', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/) as unknown,
    });
  });

  it('publishes OpenAPI 3 with every API route and the browsable docs', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/me', '/api/institutions/{id}']),
    );
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/html/);
  });

  it('answers an unknown address with the error shape in the caller language', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/nothing-here',
      headers: { 'accept-language': 'ru' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'route_not_found', message: 'Такого адреса нет: GET /api/nothing-here.' },
    });
  });

  it('refuses broken JSON and unknown content types with 4xx', async () => {
    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json<{ error: { code: string } }>().error.code).toBe('invalid_json');
    const xml = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
  });

  it('refuses numbers that are not finite, naming the field, before they reach a query', async () => {
    for (const id of ['Infinity', '-Infinity', '1e400']) {
      const res = await t.app.inject({
        url: `/api/institutions/${id}`,
        headers: { 'accept-language': 'en' },
      });
      expect(res.statusCode).toBe(400);
      const { error } = res.json<{ error: { code: string; details: { field: string }[] } }>();
      expect(error.code).toBe('validation_failed');
      expect(error.details.map((d) => d.field)).toEqual(['id']);
    }
  });

  it('serves the web app shell for client-side routes, but not for /api', async () => {
    const webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-web-'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>Maktab</title>');
    const app = await buildApp(testConfig({ webRoot }), t.database);
    try {
      for (const url of ['/classes', '/school/councils/12', '/login', '/resources?q=x']) {
        const page = await app.inject({ method: 'GET', url });
        expect(page.statusCode, url).toBe(200);
        expect(page.body).toBe('<!doctype html><title>Maktab</title>');
      }
      expect((await app.inject({ method: 'GET', url: '/api/unknown' })).statusCode).toBe(404);
    } finally {
      await app.close();
      fs.rmSync(webRoot, { recursive: true, force: true });
    }
  });

  it('sends security headers on the app, the API and the docs: a policy with no inline script, no framing', async () => {
    const webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-web-'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>Maktab</title>');
    const app = await buildApp(testConfig({ webRoot }), t.database);
    try {
      for (const url of [
        '/',
        '/teacher/classes',
        '/api/health',
        '/api/unknown',
        '/api/docs/',
        '/oai?verb=Identify',
      ]) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBeLessThan(500);
        const csp = String(res.headers['content-security-policy']);
        const directives = new Map(
          csp.split(';').map((d) => {
            const [name, ...values] = d.trim().split(/\s+/);
            return [name!, values] as const;
          }),
        );
        expect(directives.get('script-src'), url).toEqual(["'self'"]);
        expect(directives.get('default-src'), url).toEqual(["'self'"]);
        expect(directives.get('frame-ancestors'), url).toEqual(["'none'"]);
        expect(directives.get('object-src'), url).toEqual(["'none'"]);
        expect(directives.has('upgrade-insecure-requests'), url).toBe(false);
        expect(res.headers['x-frame-options'], url).toBe('DENY');
        expect(res.headers['x-content-type-options'], url).toBe('nosniff');
        // Plain HTTP: no HSTS.
        expect(res.headers['strict-transport-security'], url).toBeUndefined();
      }
    } finally {
      await app.close();
      fs.rmSync(webRoot, { recursive: true, force: true });
    }
  });

  it('sends HSTS only when the request came over TLS, behind a trusted proxy', async () => {
    const trusting = await buildApp(testConfig({ trustProxy: true }), t.database);
    const direct = await buildApp(testConfig({ trustProxy: false }), t.database);
    try {
      const overTls = await trusting.inject({
        url: '/api/health',
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(overTls.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      const plain = await trusting.inject({ url: '/api/health', headers: { 'x-forwarded-proto': 'http' } });
      expect(plain.headers['strict-transport-security']).toBeUndefined();
      // Without a trusted proxy, anyone's X-Forwarded-Proto is not believed.
      const forged = await direct.inject({ url: '/api/health', headers: { 'x-forwarded-proto': 'https' } });
      expect(forged.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await trusting.close();
      await direct.close();
    }
  });

  it('cuts off a request whose body is dribbled slower than the request timeout allows', async () => {
    const app = await buildApp(
      testConfig({ timeouts: { requestMs: 1000, keepAliveMs: 1000, connectionMs: 60_000 } }),
      t.database,
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    const started = Date.now();
    socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100000\r\n\r\n{"username":"',
    );
    // One byte every 50 ms: the body would take well over an hour.
    const dribble = setInterval(() => socket.writable && socket.write('a'), 50);
    try {
      const end = await closed;
      expect(end - started).toBeLessThan(5000);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(dribble);
      socket.destroy();
      await app.close();
    }
  });

  it('keeps what arrived of a tus chunk cut off by the timeout, so the upload resumes from there', async () => {
    const app = await buildApp(
      testConfig({ timeouts: { requestMs: 1000, keepAliveMs: 1000, connectionMs: 60_000 } }),
      t.database,
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    try {
      const editor = await createUserWithRole(t.database.db, 'editor');
      const session = await login(app, editor.username, editor.password);
      const made = await session.inject({
        method: 'POST',
        url: '/api/library/resources',
        payload: {
          type: 'e_textbook',
          title: 'Kitab',
          description: '',
          language: 'az',
          level: 'general',
          grades: [],
          subject: null,
          authors: [],
          publisher: null,
          licence: 'cc_by',
          accessibility: [],
        },
      });
      expect(made.statusCode, made.body).toBe(200);
      const b64 = (text: string) => Buffer.from(text).toString('base64');
      const start = await session.inject({
        method: 'POST',
        url: '/api/library/uploads',
        headers: {
          'tus-resumable': '1.0.0',
          'upload-length': '100000',
          'upload-metadata': `resourceId ${b64(String(made.json<{ id: number }>().id))},role ${b64('main')},filename ${b64('kitab.pdf')}`,
        },
      });
      expect(start.statusCode, start.body).toBe(201);
      const location = String(start.headers.location);
      // A PATCH of the whole file on a link far too slow for it: 4,000 bytes at once, then a byte every 50 ms.
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write(
        `PATCH ${new URL(location, 'http://x').pathname} HTTP/1.1\r\nHost: localhost\r\n` +
          `Cookie: ${session.cookie}\r\nX-CSRF-Token: ${session.csrfToken}\r\nTus-Resumable: 1.0.0\r\n` +
          'Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: 100000\r\n\r\n',
      );
      socket.write(Buffer.alloc(4000, 0x25));
      const dribble = setInterval(() => socket.writable && socket.write('a'), 50);
      try {
        await closed;
      } finally {
        clearInterval(dribble);
        socket.destroy();
      }
      // The bytes that arrived were kept: the client's HEAD resumes after them.
      await expect
        .poll(async () => {
          const head = await session.inject({
            method: 'HEAD',
            url: location,
            headers: { 'tus-resumable': '1.0.0' },
          });
          return Number(head.headers['upload-offset']);
        })
        .toBeGreaterThanOrEqual(4000);
    } finally {
      await app.close();
    }
  });
});
