import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '@/server/access';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';

/**
 * Hundreds of malformed requests, spread over every registered route, signed in as a national administrator
 * (who gets past every role check to the validation) and signed out: none may get a 5xx, and every refusal
 * has the one error shape.
 */

type App = Awaited<ReturnType<typeof createTestApp>>;

const propertiesOf = (schema: unknown): string[] =>
  Object.keys((schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});

/** Strings PostgreSQL cannot store: NUL, and surrogates without their pair. */
const unstorable = fc.constantFrom('a\u0000b', '\u0000', '\uD800', 'x\uDC00y', 'ok \uD83D', '\uDE00 start');

/** A value of any JSON type, with the awkward ones made likely. */
const jsonish = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(null, '', ' ', 0, -1, 1e308, -2147483649, 2 ** 53, true, [], {}, 'null', '0x10', '1e9'),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ maxLength: 5000 }),
  unstorable,
  unstorable.map((s) => ({ [s]: 1 })),
  unstorable.map((s) => [s]),
);

/** encodeURIComponent, except that a lone surrogate (which it refuses) is sent as its raw UTF-8-like bytes. */
const encode = (s: string) =>
  s
    .split(/([\uD800-\uDFFF])/)
    .map((part) => {
      try {
        return encodeURIComponent(part);
      } catch {
        return '%ED%A0%80';
      }
    })
    .join('');

/** Segments sent as written (already percent-encoded). */
const RAW_SEGMENTS = new Set(['%00', 'a%00b', '%ED%A0%80', '%2e%2e']);

/** A path segment that is not what any route expects. */
const segment = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map(String),
    fc.double().map(String),
    fc.constantFrom(
      '0',
      '-1',
      '99999999999999999999',
      '1.5',
      'NaN',
      'Infinity',
      '-Infinity',
      '1e400',
      '%00',
      'a%00b',
      '%ED%A0%80',
      '..',
      '%2e%2e',
      'null',
    ),
  )
  .map((s) => (RAW_SEGMENTS.has(s) ? s : encode(s)) || 'x');

/** A body: a JSON value, an object with the route's own fields set to wrong values, or text that is not JSON. */
const body = (route: RouteEntry) => {
  const fields = propertiesOf(route.schema?.body);
  return fc.oneof(
    jsonish.map((v) => ({ payload: JSON.stringify(v), type: 'application/json' })),
    fc
      .dictionary(fields.length ? fc.constantFrom(...fields) : fc.string(), jsonish, { maxKeys: 6 })
      .map((v) => ({ payload: JSON.stringify(v), type: 'application/json' })),
    fc.string({ maxLength: 200 }).map((s) => ({ payload: `{${s}`, type: 'application/json' })),
    fc.constantFrom(
      { payload: 'username=a&password=b', type: 'application/x-www-form-urlencoded' },
      { payload: '<xml/>', type: 'text/xml' },
      { payload: '', type: 'application/json' },
      { payload: '[]', type: 'application/json; charset=latin1' },
    ),
  );
};

/** A query string with the route's own parameters, and others, set to wrong values. */
const query = (route: RouteEntry) => {
  const fields = propertiesOf(route.schema?.querystring);
  return fc
    .dictionary(
      fc.oneof(fc.constantFrom('limit', 'offset', ...fields), fc.string({ maxLength: 10 })),
      jsonish,
      {
        maxKeys: 4,
      },
    )
    .map((q) =>
      Object.entries(q)
        .map(([k, v]) => `${encode(k)}=${encode(typeof v === 'string' ? v : JSON.stringify(v))}`)
        .join('&'),
    );
};

describe('malformed requests', () => {
  let t: App;
  let admin: Session;

  beforeAll(async () => {
    t = await createTestApp();
    const areas = await createAreas(t.database.db);
    await createInstitution(t.database.db, areas.district);
    const user = await createUserWithRole(t.database.db, 'admin');
    admin = await login(t.app, user.username, user.password);
  });
  afterAll(async () => t?.close());

  it('never get a 5xx, on any route, and each refusal has the error shape', async () => {
    // Signing out would end the session the rest of the run uses: those two are called signed out only.
    const endsSession = (r: RouteEntry) => r.url.startsWith('/api/auth/logout');
    const routes = t.app.routeTable;
    expect(routes.length).toBeGreaterThan(20);
    const request = fc.constantFrom(...routes).chain((route) =>
      fc.record({
        route: fc.constant(route),
        segments: fc.array(segment, { minLength: 2, maxLength: 2 }),
        query: query(route),
        body: body(route),
        signedIn: endsSession(route) ? fc.constant(false) : fc.boolean(),
      }),
    );
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let i = 0;
        const path = r.route.url.replace(/:\w+|\*/g, () => r.segments[i++] ?? 'x');
        const url = r.query ? `${path}?${r.query}` : path;
        const options: InjectOptions = {
          method: r.route.method,
          url,
          ...(r.route.method === 'GET'
            ? {}
            : { payload: r.body.payload, headers: { 'content-type': r.body.type } }),
        };
        const res = r.signedIn ? await admin.inject(options) : await t.app.inject(options);
        seen.add(`${r.route.method} ${r.route.url}`);
        expect(res.statusCode, `${r.route.method} ${url} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
        if (
          res.statusCode >= 400 &&
          r.route.url.startsWith('/api/') &&
          !r.route.url.startsWith('/api/docs')
        ) {
          const error = res.json<{ error: { code: string; message: string } }>().error;
          expect(typeof error.code).toBe('string');
          expect(error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 600, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
    // Spread over the routes: nearly every one was reached.
    expect(seen.size).toBeGreaterThan(routes.length * 0.8);
  });

  it('refuses NUL and broken characters at the edge, naming the field, signed in or not', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'a\u0000b', password: 'x' },
      headers: { 'accept-language': 'en' },
    });
    expect(login.statusCode).toBe(400);
    expect(login.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ field: 'username', reason: 'characters' }] },
    });
    const surrogate = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: '{"username":"ok","password":"\\ud800"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(surrogate.statusCode).toBe(400);
    expect(surrogate.json()).toMatchObject({
      error: { details: [{ field: 'password', reason: 'characters' }] },
    });
    const search = await admin.inject({ method: 'GET', url: '/api/library/search?q=a%00b' });
    expect(search.statusCode).toBe(400);
    expect(search.json()).toMatchObject({ error: { details: [{ field: 'q', reason: 'characters' }] } });
    // An import cell: refused by the dry run already, with its line and column.
    const csv = 'school_id_govt,school_name\r\nQ-1,Bir\u0000iki\r\n';
    const dry = await admin.inject({
      method: 'POST',
      url: '/api/registry/import/schools?dryRun=true',
      payload: csv,
      headers: { 'content-type': 'text/csv', 'accept-language': 'en' },
    });
    expect(dry.statusCode, dry.body).toBe(422);
    expect(dry.json()).toMatchObject({ error: { code: 'import_bad_character' } });
    expect(dry.json<{ error: { message: string } }>().error.message).toContain('school_name');
  });
});
