import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestApp } from '@test/harness';

/** An operation of the document, as far as the tests read it. */
export interface Operation {
  operationId?: string;
  description?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: unknown }> };
  responses: Record<
    string,
    { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: unknown }> }
  >;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, unknown>> };
  tags?: { name: string; description?: string }[];
  [key: string]: unknown;
}

/**
 * The application as served with a web build (a stand-in `index.html`, so that its public pages are routes
 * too), and its OpenAPI document as `GET /api/openapi.json` serves it. `close()` stops it all.
 */
export async function servedDocument() {
  const webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-web-'));
  fs.writeFileSync(
    path.join(webRoot, 'index.html'),
    '<!doctype html><title>Maktab</title><div id="root"></div>',
  );
  const t = await createTestApp({ webRoot });
  const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
  if (res.statusCode !== 200) throw new Error(`openapi.json: ${res.statusCode} ${res.body}`);
  return {
    app: t.app,
    document: res.json<OpenApiDocument>(),
    close: async () => {
      await t.close();
      fs.rmSync(webRoot, { recursive: true, force: true });
    },
  };
}

/** Every operation of a document, with its method and path. */
export function operations(document: OpenApiDocument): { method: string; path: string; op: Operation }[] {
  return Object.entries(document.paths).flatMap(([p, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, path: p, op })),
  );
}
