import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '@/server/access';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { actorOf, classroomSchool, type ClassroomSchool } from '@test/classroom-world';
import * as classroom from '@/modules/classroom/classroom.service';
import { institutions } from '@/modules/institutions/institutions.tables';
import {
  DEVICE_CONDITIONS,
  DEVICE_KINDS,
  DEVICE_STATUSES,
} from '@/modules/infrastructure/infrastructure.tables';

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

/**
 * Dates no school has: year 0000 (not a PostgreSQL date at all), before 1900, after 2200, and past the
 * four-digit years, as days and as moments.
 */
const strayDate = fc.oneof(
  fc.constantFrom(
    '0000-01-01',
    '0000-02-29',
    '0001-01-01',
    '1899-12-31',
    '2201-01-01',
    '9999-12-31',
    '+275760-09-13',
    '-000001-01-01',
    '0000-01-01T00:00:00Z',
    '0000-06-15T10:00:00+04:00',
    '9999-12-31T23:59:59Z',
    '275760-09-13T00:00:00.000Z',
  ),
  fc
    .date({ min: new Date('-009999-01-01'), max: new Date('+099999-12-31'), noInvalidDate: true })
    .map((d) => {
      const iso = d.toISOString();
      return d.getTime() % 2 ? iso : iso.slice(0, iso.indexOf('T'));
    }),
);

/** A value of any JSON type, with the awkward ones made likely. */
const jsonish = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(null, '', ' ', 0, -1, 1e308, -2147483649, 2 ** 53, true, [], {}, 'null', '0x10', '1e9'),
  strayDate,
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
      fc.oneof(
        fc.constantFrom('limit', 'offset', 'from', 'until', 'date', ...fields),
        fc.string({ maxLength: 10 }),
      ),
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
          method: r.route.method as InjectOptions['method'],
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
      // Three requests a route on average, so that nearly every route is drawn whatever the seed.
      {
        numRuns: Math.max(600, routes.length * 3),
        seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31),
      },
    );
    // Spread over the routes: nearly every one was reached.
    expect(seen.size).toBeGreaterThan(routes.length * 0.8);
  });

  /** The first problem of a refusal. */
  const problemOf = (res: { json<T>(): T }) =>
    res.json<{ error: { code: string; details: { field: string; reason: string; message: string }[] } }>()
      .error;

  describe('refuses days and moments outside the years 1900–2200, naming the field', () => {
    /** People of a school, each reading answers in Russian: a director, a teacher of 7A's mathematics, a student. */
    let w: ClassroomSchool;
    let people: Record<'admin' | 'director' | 'teacher' | 'student', Session>;
    let classId: number;
    let questionId: number;

    beforeAll(async () => {
      const db = t.database.db;
      w = await classroomSchool(db);
      const ctx = { actorId: null, ip: null };
      const director = actorOf(w.director.id, 'director', w.schoolId);
      classId = (
        await classroom.createClass(
          db,
          director,
          ctx,
          w.schoolId,
          {
            academicYearId: w.yearId,
            grade: 7,
            letter: 'A',
            language: 'az',
            shift: 1,
            homeroomTeacherId: null,
          },
          'en',
        )
      ).id;
      await classroom.enrolStudent(db, director, ctx, classId, w.students[0]!.id, 'en');
      await classroom.setSubjectTeacher(db, director, ctx, classId, 'mathematics', w.teachers[0]!.id, 'en');
      const as = (u: { username: string }) => login(t.app, u.username, 'password-1');
      const nationalAdmin = await createUserWithRole(db, 'admin');
      people = {
        admin: await as(nationalAdmin),
        director: await as(w.director),
        teacher: await as(w.teachers[0]!),
        student: await as(w.students[0]!),
      };
      const question = await people.admin.inject({
        method: 'POST',
        url: '/api/contests/questions',
        payload: {
          institutionId: null,
          subjectCode: 'mathematics',
          grade: 7,
          kind: 'true_false',
          language: 'az',
          prompt: '2 + 2 = 4',
          truth: true,
        },
      });
      expect(question.statusCode, question.body).toBe(200);
      questionId = question.json<{ id: number }>().id;
      for (const session of Object.values(people)) {
        const res = await session.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'ru' } });
        expect(res.statusCode, res.body).toBe(200);
      }
    });

    const families: {
      family: string;
      as: keyof typeof people;
      method: 'GET' | 'POST' | 'PUT' | 'PATCH';
      url: () => string;
      body?: (date: string) => Record<string, unknown>;
      field: string;
      moment?: boolean;
    }[] = [
      {
        family: "a student's day",
        as: 'student',
        method: 'GET',
        url: () => '/api/me/lessons/today?date={date}',
        field: 'date',
      },
      {
        family: 'councils (list)',
        as: 'director',
        method: 'GET',
        url: () => `/api/institutions/${w.schoolId}/councils?from={date}`,
        field: 'from',
      },
      {
        family: 'councils (meeting)',
        as: 'director',
        method: 'POST',
        url: () => `/api/institutions/${w.schoolId}/councils`,
        body: (date) => ({ heldOn: date, title: 'Pedaqoji şura' }),
        field: 'heldOn',
      },
      {
        family: 'devices',
        as: 'director',
        method: 'POST',
        url: () => `/api/institutions/${w.schoolId}/devices`,
        body: (date) => ({
          assetTag: 'PC-1',
          serial: null,
          kind: DEVICE_KINDS[0],
          model: null,
          status: DEVICE_STATUSES[0],
          condition: DEVICE_CONDITIONS[0],
          purpose: 'teaching',
          fundingProgramme: null,
          acquiredOn: date,
          endOfLifeOn: null,
          lastAuditOn: null,
          nextAuditOn: null,
        }),
        field: 'acquiredOn',
      },
      {
        family: 'contests',
        as: 'admin',
        method: 'POST',
        url: () => '/api/contests',
        body: (date) => ({
          title: 'Olimpiada',
          subjectCode: 'mathematics',
          grade: 7,
          scope: 'nation',
          date,
          windows: [{ shift: 1, startsAt: '09:00', endsAt: '10:00' }],
          timeLimitMinutes: 45,
          questionIds: [questionId],
        }),
        field: 'date',
      },
      {
        family: 'assignments',
        as: 'teacher',
        method: 'POST',
        url: () => `/api/classes/${classId}/assignments`,
        body: (date) => ({
          subjectCode: 'mathematics',
          title: 'Ev tapşırığı',
          instructions: null,
          kind: 'individual',
          dueAt: date,
        }),
        field: 'dueAt',
        moment: true,
      },
      {
        family: 'distance learning',
        as: 'admin',
        method: 'GET',
        url: () => '/api/monitoring/distance?to={date}',
        field: 'to',
      },
      {
        family: 'webinars',
        as: 'admin',
        method: 'GET',
        url: () => '/api/webinars?from={date}',
        field: 'from',
      },
      {
        family: 'unblock requests (content filter)',
        as: 'teacher',
        method: 'POST',
        url: () => '/api/safety/requests',
        body: (date) => ({
          institutionId: w.schoolId,
          domain: 'example.com',
          reason: 'Dərs',
          startsAt: date,
          endsAt: '2026-12-01T10:00:00Z',
        }),
        field: 'startsAt',
        moment: true,
      },
      {
        family: 'reports of blocked queries (content filter)',
        as: 'admin',
        method: 'GET',
        url: () => '/api/safety/reports/blocked?from={date}&to=2026-11-30',
        field: 'from',
      },
    ];
    const stray = {
      day: ['0000-01-01', '1899-12-31', '2201-01-01', '9999-12-31'],
      moment: [
        '0000-01-01T09:00:00Z',
        '1900-01-01T03:59:59+04:00',
        '2201-01-01T00:00:00Z',
        '9999-12-31T23:59:59Z',
      ],
    };

    it.each(families)('$family', async (f) => {
      for (const date of f.moment ? stray.moment : stray.day) {
        const url = f.url().replace('{date}', encodeURIComponent(date));
        const res = await people[f.as].inject({
          method: f.method,
          url,
          ...(f.body ? { payload: f.body(date) } : {}),
        });
        expect(res.statusCode, `${f.method} ${url} → ${res.body}`).toBe(400);
        const error = problemOf(res);
        expect(error.code).toBe('validation_failed');
        expect(error.details).toEqual([
          {
            field: f.field,
            reason: 'dateRange',
            message: `${f.field}: должно быть датой в пределах 1900–2200 гг.`,
          },
        ]);
      }
      // The first and last days of the range pass the schema (whatever the route then makes of them).
      for (const date of f.moment
        ? ['1900-01-01T04:00:00+04:00', '2200-12-31T23:59:59Z']
        : ['1900-01-01', '2200-12-31']) {
        const url = f.url().replace('{date}', encodeURIComponent(date));
        const res = await people[f.as].inject({
          method: f.method,
          url,
          ...(f.body ? { payload: f.body(date) } : {}),
        });
        expect(res.statusCode, `${f.method} ${url} → ${res.body}`).toBeLessThan(500);
        if (res.statusCode === 400) expect(res.body).not.toContain('dateRange');
      }
    });

    it('OAI-PMH: a harvester gets badArgument in XML, not JSON', async () => {
      for (const from of ['0000-01-01', '9999-12-31', '0000-01-01T00:00:00Z', '1899-12-31']) {
        for (const arg of ['from', 'until']) {
          const res = await t.app.inject({
            url: `/oai?verb=ListRecords&metadataPrefix=oai_dc&${arg}=${from}`,
          });
          expect(res.statusCode, res.body).toBe(200);
          expect(res.headers['content-type']).toMatch(/^text\/xml/);
          expect(res.body).toMatch(/<error code="badArgument">[^<]*1900–2200/);
        }
      }
      const inRange = await t.app.inject({
        url: '/oai?verb=ListRecords&metadataPrefix=oai_dc&from=1900-01-01&until=2200-12-31',
      });
      expect(inRange.statusCode).toBe(200);
      expect(inRange.body).not.toContain('badArgument');
    });

    it('an import finds such a day already in its dry run, naming the cell', async () => {
      const [school] = await t.database.db
        .select({ code: institutions.code })
        .from(institutions)
        .where(eq(institutions.id, w.schoolId));
      for (const day of ['0000-01-01', '9999-12-31']) {
        const csv = `school_id_govt,asset_tag,kind,acquired_on\r\n${school!.code},PC-9,${DEVICE_KINDS[0]},${day}\r\n`;
        const dry = await people.admin.inject({
          method: 'POST',
          url: '/api/registry/import/devices?dryRun=true',
          payload: csv,
          headers: { 'content-type': 'text/csv' },
        });
        expect(dry.statusCode, dry.body).toBe(200);
        expect(dry.json()).toMatchObject({
          valid: false,
          problems: [{ line: 2, column: 'acquired_on', reason: 'not_date' }],
        });
        expect(dry.json<{ problems: { message: string }[] }>().problems[0]!.message).toContain('1900–2200');
      }
    });

    it('every day or moment a route takes is bounded so (one shared schema type)', () => {
      const unbounded: string[] = [];
      const walk = (schema: unknown, where: string) => {
        if (!schema || typeof schema !== 'object') return;
        const s = schema as Record<string, unknown>;
        if (
          (s.format === 'date' || s.format === 'date-time') &&
          (typeof s.formatMinimum !== 'string' || typeof s.formatMaximum !== 'string')
        )
          unbounded.push(where);
        for (const [key, value] of Object.entries(s)) walk(value, `${where}/${key}`);
      };
      for (const route of t.app.routeTable) {
        for (const part of ['params', 'querystring', 'body'] as const) {
          walk(route.schema?.[part], `${route.method} ${route.url} ${part}`);
        }
      }
      expect(unbounded).toEqual([]);
    });
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
