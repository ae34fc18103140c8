import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Spectral, type RulesetDefinition } from '@stoplight/spectral-core';
import { oas } from '@stoplight/spectral-rulesets';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedDocument, type OpenApiDocument } from '@test/openapi-document';

/**
 * The OpenAPI document as third-party tools read it: valid for swagger-parser, clean for Spectral's `oas`
 * ruleset, and a typed client that openapi-typescript generates and a typed call that compiles.
 * (Needs the devDependencies @apidevtools/swagger-parser, @stoplight/spectral-core,
 * @stoplight/spectral-rulesets and openapi-typescript.)
 */

let document: OpenApiDocument;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ document, close } = await servedDocument());
}, 120_000);
afterAll(async () => close());

/** Spectral's severities (@stoplight/types' DiagnosticSeverity, compared as numbers). */
const ERROR = 0;
const WARNING = 1;

describe('the OpenAPI document, read by third-party tools', () => {
  it('is valid OpenAPI 3 for swagger-parser', async () => {
    // swagger-parser dereferences in place: it gets its own copy.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  it('passes Spectral’s oas ruleset with no error, and no operation without id, description or tags', async () => {
    const spectral = new Spectral();
    spectral.setRuleset({ extends: [[oas as RulesetDefinition, 'recommended']] });
    const results = await spectral.run(JSON.stringify(document));
    const errors = results.filter((r) => Number(r.severity) === ERROR);
    const warnings = results.filter((r) => Number(r.severity) === WARNING);
    const byRule = new Map<string, number>();
    for (const w of warnings) byRule.set(String(w.code), (byRule.get(String(w.code)) ?? 0) + 1);
    // The count is for the record (the report of the work that made this document printed it).
    console.info(
      `Spectral oas: ${errors.length} errors, ${warnings.length} warnings`,
      Object.fromEntries(byRule),
    );
    expect(errors.map((e) => `${e.code} ${e.path.join('.')}: ${e.message}`)).toEqual([]);
    const operationRules = ['operation-operationId', 'operation-description', 'operation-tags'];
    expect(
      warnings.filter((w) => operationRules.includes(String(w.code))).map((w) => w.path.join('.')),
    ).toEqual([]);
  }, 60_000);

  it('gives openapi-typescript a typed client on which typed calls compile, and wrong ones do not', async () => {
    const types = astToString(await openapiTS(document as never));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-client-'));
    try {
      fs.writeFileSync(path.join(dir, 'api.d.ts'), types);
      /** The compiler's complaints about a small program that uses the generated types. */
      const compile = (body: string) => {
        const file = path.join(dir, `call-${Math.random().toString(36).slice(2)}.ts`);
        fs.writeFileSync(file, `import type { paths, operations, components } from './api';\n${body}`);
        const program = ts.createProgram([file], {
          strict: true,
          noEmit: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          types: [],
        });
        return ts
          .getPreEmitDiagnostics(program)
          .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      };
      const prelude = [
        `type Login = operations['postAuthLogin'];`,
        `type LoginBody = Login['requestBody']['content']['application/json'];`,
        `type Refusal = components['schemas']['Error'];`,
      ];
      const good = compile(
        [
          ...prelude,
          `type Me = Login['responses'][200]['content']['application/json'];`,
          `type Health = paths['/api/health']['get']['responses'][200]['content']['application/json'];`,
          `/** A typed call, as a generated client makes it. */`,
          `export async function signIn(send: (body: LoginBody) => Promise<Me>, health: () => Promise<Health>) {`,
          `  const me = await send({ username: 'a', password: 'b' });`,
          `  const token: string = me.csrfToken;`,
          `  const status: 'ok' = (await health()).status;`,
          `  const refusal: Refusal = { error: { code: 'not_found', message: 'Not found.' } };`,
          `  const problem: components['schemas']['FieldProblem'] = { field: 'name', reason: 'required', message: 'name: is required' };`,
          `  const tus: keyof operations['patchLibraryUploadsByUploadId']['responses'] = 204;`,
          `  return [token, status, refusal, problem, tus];`,
          `}`,
        ].join('\n'),
      );
      expect(good).toEqual([]);
      // The types say something: a wrong body, or an error without its message, does not compile.
      const bad = compile(
        [
          ...prelude,
          `export const wrong: LoginBody = { username: 1, password: 'b' };`,
          `export const none: Refusal = { error: { code: 'x' } };`,
        ].join('\n'),
      );
      expect(bad.length).toBeGreaterThanOrEqual(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
