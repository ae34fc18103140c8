import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@/server/app';
import { createTestApp, testConfig } from '@test/harness';

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
      const page = await app.inject({ method: 'GET', url: '/teacher/classes' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>Maktab</title>');
      expect((await app.inject({ method: 'GET', url: '/api/unknown' })).statusCode).toBe(404);
    } finally {
      await app.close();
      fs.rmSync(webRoot, { recursive: true, force: true });
    }
  });
});
