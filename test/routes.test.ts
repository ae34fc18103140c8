import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '@/server/access';
import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import { createTestDatabase, login, testConfig, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole, linkParent } from '@test/factories';

/**
 * Route × role: every registered route, called by someone signed out and by a holder of each role, must answer
 * as the policy below — written out here, independently of the routes' own declarations — says. A route
 * missing from the policy fails the test, and so does a route that forgot its declaration (everyone is then
 * refused, which no policy line expects).
 */

/** Who may call a route: anyone, anyone signed in, or holders of these roles. */
type Who = 'anyone' | 'signed-in' | readonly Role[];

interface World {
  /** The district of the school every institution-scoped role is held in. */
  areaId: number;
  schoolId: number;
  otherSchoolId: number;
  spareUserId: number;
  usernames: Record<Role, string>;
}

interface Call {
  params?: Record<string, string | number>;
  payload?: unknown;
}

interface Rule {
  who: Who;
  /** A request that succeeds for whoever `who` admits. */
  call?: (world: World, caller: Role | null) => Call;
  /** Sign each role in afresh before calling: the route ends sessions. */
  signInFirst?: true;
  /** The same route on a target outside the callers' scopes, and who may still call it there. */
  outside?: { who: Who; call: (world: World) => Call };
}

let unique = 0;
const next = () => `${Date.now().toString(36)}${++unique}`;

const POLICY: Record<string, Rule> = {
  'GET /api/docs': { who: 'anyone' },
  'GET /api/docs/static/index.html': { who: 'anyone' },
  'GET /api/docs/static/swagger-initializer.js': { who: 'anyone' },
  'GET /api/docs/json': { who: 'anyone' },
  'GET /api/docs/yaml': { who: 'anyone' },
  'GET /api/docs/static/*': { who: 'anyone', call: () => ({ params: { '*': 'swagger-ui.css' } }) },
  'GET /api/health': { who: 'anyone' },
  'GET /api/openapi.json': { who: 'anyone' },
  'POST /api/auth/login': {
    who: 'anyone',
    call: (w, caller) => ({ payload: { username: w.usernames[caller ?? 'admin'], password: 'password-1' } }),
  },
  'GET /api/me': { who: 'signed-in' },
  'PATCH /api/me': { who: 'signed-in', call: () => ({ payload: { locale: 'az' } }) },
  'GET /api/users': { who: ['admin'] },
  'POST /api/users': {
    who: ['admin'],
    call: () => ({
      payload: { username: `u-${next()}`, password: 'password-123', displayName: 'Test', grants: [] },
    }),
  },
  'POST /api/users/:id/password': {
    who: ['admin'],
    call: (w) => ({ params: { id: w.spareUserId }, payload: { password: 'new-password-1' } }),
  },
  'GET /api/audit': { who: ['admin'] },
  'GET /api/areas': { who: 'anyone' },
  'GET /api/institutions': { who: 'anyone' },
  'GET /api/institutions/:id': { who: 'anyone', call: (w) => ({ params: { id: w.schoolId } }) },
  'POST /api/institutions': {
    who: ['admin', 'bureau'],
    call: (w) => ({
      payload: {
        code: `N-${next()}`,
        kind: 'general_school',
        areaId: w.areaId,
        ownership: 'public',
        locality: 'rural',
        status: 'active',
        nameAz: 'Yeni məktəb',
        nameRu: 'Новая школа',
        nameEn: 'New school',
        latitude: null,
        longitude: null,
        levels: ['primary'],
        shifts: 1,
      },
    }),
  },
  'PATCH /api/institutions/:id': {
    who: ['admin', 'bureau', 'director'],
    call: (w) => ({ params: { id: w.schoolId }, payload: { shifts: 2 } }),
    outside: {
      who: ['admin', 'bureau'],
      call: (w) => ({ params: { id: w.otherSchoolId }, payload: { shifts: 2 } }),
    },
  },
  'GET /api/academic-years': { who: 'anyone' },
  'GET /api/country-pack': { who: 'anyone' },
  'GET /api/home/admin': { who: ['admin'] },
  'GET /api/home/bureau': { who: ['bureau', 'admin'] },
  'GET /api/home/teacher': { who: ['teacher'] },
  'GET /api/home/student': { who: ['student'] },
  'GET /api/home/parent': { who: ['parent'] },
  // The web app: its files and, for any other path, its shell.
  // (Each file of the build gets a route of its own; this test's web root holds only index.html.)
  'GET /': { who: 'anyone' },
  'GET /index.html': { who: 'anyone' },
  'GET /*': { who: 'anyone', call: () => ({ params: { '*': 'school' } }) },
  // Last, since they end the sessions the walk signs in with.
  'POST /api/auth/logout': { who: 'signed-in', signInFirst: true },
  'POST /api/auth/logout-all': { who: 'signed-in', signInFirst: true },
};

const admits = (who: Who, caller: Role | null) =>
  who === 'anyone' || (caller !== null && (who === 'signed-in' || who.includes(caller)));

function urlOf(route: string, params: Record<string, string | number> = {}): string {
  return route.replace(/:(\w+)|\*/g, (_, name: string | undefined) => String(params[name ?? '*']));
}

/** Calls each route of `keys` as each caller and returns every answer that differs from the policy. */
async function walk(
  app: FastifyInstance,
  policy: Record<string, Rule>,
  keys: string[],
  world: World,
  sessions: Record<Role, Session>,
): Promise<string[]> {
  const problems: string[] = [];
  const send = (caller: Role | null, options: InjectOptions): Promise<LightMyRequestResponse> =>
    caller === null ? app.inject(options) : sessions[caller].inject(options);
  const check = async (key: string, who: Who, call: (caller: Role | null) => Call) => {
    const [method, route] = key.split(' ') as [InjectOptions['method'], string];
    for (const caller of [null, ...ROLES]) {
      const { params, payload } = call(caller);
      const res = await send(caller, { method, url: urlOf(route, params), payload: payload as object });
      const allowed = admits(who, caller);
      const expected = allowed ? 'success' : caller === null ? 401 : 403;
      const ok = allowed ? res.statusCode < 400 : res.statusCode === expected;
      if (!ok) {
        problems.push(`${key} as ${caller ?? 'anonymous'}: ${res.statusCode}, expected ${expected}`);
      }
    }
  };
  for (const key of keys) {
    const rule = policy[key]!;
    if (rule.signInFirst) {
      for (const role of ROLES) sessions[role] = await login(app, world.usernames[role], 'password-1');
    }
    await check(key, rule.who, (caller) => rule.call?.(world, caller) ?? {});
    if (rule.outside) await check(`${key} (outside)`, rule.outside.who, () => rule.outside!.call(world));
  }
  return problems;
}

const keyOf = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

describe('every route against every role', () => {
  let database: Database;
  let app: FastifyInstance;
  let webRoot: string;
  let world: World;
  const sessions = {} as Record<Role, Session>;

  beforeAll(async () => {
    database = await createTestDatabase();
    webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-web-'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>Maktab</title>');
    app = await buildApp(testConfig({ webRoot }), database);
    await app.ready();
    const db = database.db;
    const areas = await createAreas(db);
    const school = await createInstitution(db, areas.district);
    const otherSchool = await createInstitution(db, areas.otherDistrict);
    const scopes: Record<Role, { areaId?: number; institutionId?: number }> = {
      admin: {},
      bureau: {},
      editor: {},
      parent: {},
      regional: { areaId: areas.district },
      director: { institutionId: school.id },
      teacher: { institutionId: school.id },
      student: { institutionId: school.id },
    };
    const usernames = {} as Record<Role, string>;
    const ids = {} as Record<Role, number>;
    for (const role of ROLES) {
      const user = await createUserWithRole(db, role, scopes[role]);
      usernames[role] = user.username;
      ids[role] = user.id;
    }
    await linkParent(db, ids.parent, ids.student);
    const spare = await createUserWithRole(db, 'teacher', { institutionId: school.id });
    world = {
      areaId: areas.district,
      schoolId: school.id,
      otherSchoolId: otherSchool.id,
      spareUserId: spare.id,
      usernames,
    };
    for (const role of ROLES) sessions[role] = await login(app, usernames[role], 'password-1');
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    fs.rmSync(webRoot, { recursive: true, force: true });
  });

  it('has a policy line for every registered route, and a registered route for every policy line', () => {
    const registered = app.routeTable.map(keyOf).sort();
    expect(registered).toEqual(Object.keys(POLICY).sort());
  });

  it('catches a route that forgot its declaration', async () => {
    const other = await buildApp(testConfig({ webRoot }), database);
    other.get('/api/forgotten', { schema: { hide: true } }, async () => ({ ok: true }));
    await other.ready();
    try {
      const policy = { ...POLICY, 'GET /api/forgotten': { who: 'signed-in' } satisfies Rule };
      const problems = await walk(other, policy, ['GET /api/forgotten'], world, sessions);
      // Everyone is refused: signed out with 403 instead of 401, each role with 403 instead of success.
      expect(problems).toHaveLength(1 + ROLES.length);
      expect(other.routeTable.map(keyOf)).toContain('GET /api/forgotten');
      expect(Object.keys(POLICY)).not.toContain('GET /api/forgotten');
    } finally {
      await other.close();
    }
  });

  it('answers each caller as the policy says', async () => {
    const problems = await walk(app, POLICY, Object.keys(POLICY), world, sessions);
    expect(problems).toEqual([]);
  });
});
