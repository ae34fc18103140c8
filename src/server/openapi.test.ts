import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES } from '@/modules/library/library.files';
import { accessSentence, operationIdOf, ROUTE_DOCS } from '@/server/openapi';
import { servedDocument, operations, type OpenApiDocument } from '@test/openapi-document';

/**
 * The OpenAPI document's promises that no third-party validator checks: every operation named, described
 * and secured from its route's declared access; every refusal in the one error shape; files and raw bodies
 * in their real media types; tus told as tus (and answered so). The validators themselves run in
 * openapi.validators.test.ts.
 */

let app: FastifyInstance;
let document: OpenApiDocument;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, document, close } = await servedDocument());
}, 120_000);
afterAll(async () => close());

const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);
const ERROR_REF = { $ref: '#/components/schemas/Error' };

describe('the OpenAPI document', () => {
  it('names every operation once, in camelCase, from its method and path', () => {
    const ids = operations(document).map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(document.paths['/api/institutions/{id}/registry/{yearId}']?.put?.operationId).toBe(
      'putInstitutionsByIdRegistryByYearId',
    );
    expect(operationIdOf('GET', '/api/academic-years')).toBe('getAcademicYears');
    expect(operationIdOf('GET', '/robots.txt')).toBe('getRobotsTxt');
  });

  it('describes and tags every operation, saying who may call it as the route declares', () => {
    const declared = new Map(
      app.routeTable.map((route) => [
        `${route.method.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`,
        route,
      ]),
    );
    for (const { method, path, op } of operations(document)) {
      expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
      expect(op.description, `${method} ${path}`).toMatch(/^Access: /m);
      // The route behind the operation is found, and the description says what its access says.
      const route = declared.get(`${method} ${path}`);
      if (method !== 'head') expect(route, `${method} ${path}`).toBeDefined();
    }
    const tagged = new Set(operations(document).flatMap(({ op }) => op.tags ?? []));
    expect(document.tags?.map((t) => t.name).sort()).toEqual([...tagged].sort());
    expect(document.tags?.every((t) => t.description && t.description !== t.name)).toBe(true);
    // Words from the declaration: public, signed in, roles, and the scope when the route checks one.
    expect(document.paths['/api/health']!.get!.description).toBe(accessSentence('public'));
    expect(document.paths['/api/me']!.get!.description).toBe(accessSentence('authenticated'));
    expect(document.paths['/api/users']!.get!.description).toBe('Access: signed in with the role admin.');
    expect(document.paths['/api/institutions/{id}/classes']!.get!.description).toMatch(
      /^Access: signed in with one of the roles .*director.*, held in a scope that covers what the request names/,
    );
  });

  it('declares the session cookie on every operation not public, and the CSRF header on every change', () => {
    expect(document.components.securitySchemes.session).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'maktab_sid',
    });
    expect(document.components.securitySchemes.csrf).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-csrf-token',
    });
    for (const { method, path, op } of operations(document)) {
      const isPublic = op.description!.startsWith(accessSentence('public'));
      const expected = isPublic ? [] : UNSAFE.has(method) ? [{ session: [], csrf: [] }] : [{ session: [] }];
      expect(op.security, `${method} ${path}`).toEqual(expected);
      if (UNSAFE.has(method)) expect(op.description, `${method} ${path}`).toMatch(/x-csrf-token/);
    }
    expect(document.paths['/api/auth/login']!.post!.security).toEqual([]);
  });

  it('gives every refusal the one error shape, a named component that real answers match', async () => {
    const schemas = document.components.schemas as Record<string, { required?: string[] }>;
    expect(schemas.Error?.required).toEqual(['error']);
    expect(schemas.FieldProblem?.required).toEqual(['field', 'reason', 'message']);
    for (const { method, path, op } of operations(document)) {
      const where = `${method} ${path}`;
      expect(op.responses['500']?.content?.['application/json']?.schema, where).toEqual(ERROR_REF);
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const json = response.content?.['application/json']?.schema;
        // The web app's own pages say "not found" as a page; everything else in the one shape.
        if (json === undefined) expect(response.content?.['text/html'], `${where} ${status}`).toBeDefined();
        else expect(json, `${where} ${status}`).toEqual(ERROR_REF);
      }
      if (!op.description!.startsWith(accessSentence('public')))
        expect(op.responses['401'], where).toBeDefined();
      if (UNSAFE.has(method)) expect(op.responses['403'], where).toBeDefined();
      if (path.includes('{') && path.startsWith('/api')) expect(op.responses['404'], where).toBeDefined();
      if (['post', 'put', 'patch'].includes(method)) {
        expect(op.responses['413'], where).toBeDefined();
        expect(op.responses['415'], where).toBeDefined();
      }
    }
    expect(document.paths['/api/auth/login']!.post!.responses['429']?.headers).toHaveProperty('Retry-After');
    // A real refusal carries what the component requires.
    const res = await app.inject({ method: 'GET', url: '/api/users/abc' });
    expect(res.statusCode).toBe(401);
    const body = res.json<{ error: Record<string, unknown> }>();
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe('unauthenticated');
    expect(typeof body.error.message).toBe('string');
  });

  it('names the shared types as components, and refers to them', () => {
    const text = JSON.stringify(document);
    for (const name of ['PersonSummary', 'Grant', 'User', 'AcademicYear', 'CurriculumTopic']) {
      expect(document.components.schemas, name).toHaveProperty(name);
      expect(text.split(`"#/components/schemas/${name}"`).length - 1, name).toBeGreaterThanOrEqual(1);
    }
    // A person's grants are the Grant type, inside the User type.
    expect(document.components.schemas.User).toMatchObject({
      properties: { grants: { type: 'array', items: { $ref: '#/components/schemas/Grant' } } },
    });
  });

  it('tells raw file bodies and file answers in their real media types', () => {
    const routes = new Set(app.routeTable.map((route) => `${route.method} ${route.url}`));
    routes.add('HEAD /api/library/uploads/:uploadId');
    for (const [key, doc] of Object.entries(ROUTE_DOCS)) {
      // Every line of the table is a real route, and the document says what the line says.
      expect(routes, key).toContain(key);
      const [method, url] = key.split(' ') as [string, string];
      const op = document.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      expect(op, key).toBeDefined();
      if (doc.body) expect(Object.keys(op!.requestBody!.content), key).toEqual(doc.body.types);
      if (doc.file) {
        expect(Object.keys(op!.responses[String(doc.file.status ?? 200)]!.content!), key).toEqual(
          expect.arrayContaining([...doc.file.types]),
        );
      }
    }
    const uploads = operations(document).filter(({ op }) =>
      Object.values(op.requestBody?.content ?? {}).some(
        (m) => (m.schema as { format?: string })?.format === 'binary',
      ),
    );
    expect(uploads.length).toBeGreaterThanOrEqual(8);
    const registryImport = document.paths['/api/registry/import/{dataset}']!.post!;
    expect(Object.keys(registryImport.requestBody!.content)).toEqual(
      expect.arrayContaining([
        'text/csv',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      ]),
    );
    const list = document.paths['/api/allocation/plans/{planId}/list']!.get!.responses['200']!.content!;
    expect(Object.keys(list)).toEqual(
      expect.arrayContaining(['application/json', 'text/csv', 'application/pdf']),
    );
    const card = document.paths['/api/journal/reports/report-card']!.get!.responses['200']!.content!;
    expect(Object.keys(card).sort()).toEqual(['application/json', 'application/pdf']);
  });

  it('documents tus as tus: OPTIONS 204, creation 201, HEAD 200, PATCH and DELETE 204, with their headers', () => {
    const endpoint = document.paths['/api/library/uploads']!;
    const upload = document.paths['/api/library/uploads/{uploadId}']!;
    expect(Object.keys(endpoint.options!.responses['204']!.headers!)).toEqual(
      expect.arrayContaining(['Tus-Version', 'Tus-Extension', 'Tus-Max-Size']),
    );
    expect(endpoint.options!.security).toEqual([]);
    expect(endpoint.post!.responses['201']!.headers).toHaveProperty('Location');
    expect(endpoint.post!.responses['200']).toBeUndefined();
    expect(endpoint.post!.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['Tus-Resumable', 'Upload-Length', 'Upload-Metadata']),
    );
    expect(upload.head!.responses['200']!.headers).toHaveProperty('Upload-Offset');
    expect(upload.patch!.responses['204']!.headers).toHaveProperty('Upload-Offset');
    expect(Object.keys(upload.patch!.requestBody!.content)).toEqual(['application/offset+octet-stream']);
    expect(upload.patch!.responses['200']).toBeUndefined();
    expect(upload.delete!.responses['204']).toBeDefined();
  });

  it('answers OPTIONS on the upload endpoint as tus core says, to anyone', async () => {
    const res = await app.inject({ method: 'OPTIONS', url: '/api/library/uploads' });
    expect(res.statusCode).toBe(204);
    expect(res.headers['tus-version']).toBe('1.0.0');
    expect(String(res.headers['tus-extension']).split(',')).toEqual(
      expect.arrayContaining(['creation', 'termination']),
    );
    // Upload-Length is required (documented so), so deferring it is not offered.
    expect(String(res.headers['tus-extension']).split(',')).not.toContain('creation-defer-length');
    expect(res.headers['tus-max-size']).toBe(String(MAX_UPLOAD_BYTES));
  });

  it('leaves the web app’s catch-all out, while its named pages are in', async () => {
    expect(app.routeTable.some((route) => route.url === '/*')).toBe(true);
    expect(Object.keys(document.paths).some((p) => p.includes('*'))).toBe(false);
    expect(document.paths['/robots.txt']?.get?.responses['200']?.content).toHaveProperty('text/plain');
    expect(document.paths['/resources/{id}']?.get?.responses['404']?.content).toHaveProperty('text/html');
  });
});
