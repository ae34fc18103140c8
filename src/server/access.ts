import type { FastifyInstance, FastifyRequest, FastifySchema } from 'fastify';
import { AppError } from '@/server/errors';

/** The roles a person can hold. Each is held in a scope of its kind (see ROLE_SCOPE). */
export const ROLES = [
  'admin',
  'bureau',
  'regional',
  'director',
  'teacher',
  'student',
  'parent',
  'editor',
] as const;
export type Role = (typeof ROLES)[number];

/** The kind of scope each role is held in. */
export const ROLE_SCOPE: Record<Role, 'nation' | 'area' | 'institution' | 'children'> = {
  admin: 'nation',
  bureau: 'nation',
  editor: 'nation',
  regional: 'area',
  director: 'institution',
  teacher: 'institution',
  student: 'institution',
  parent: 'children',
};

/** One role held by a person, with its scope: an area (regional officer) or an institution (school staff, students). */
export interface Grant {
  role: Role;
  areaId: number | null;
  institutionId: number | null;
}

/** The signed-in person behind a request. */
export interface Actor {
  userId: number;
  username: string;
  displayName: string;
  locale: string;
  grants: Grant[];
  /** Ids of the students this person is a parent of. */
  childIds: number[];
  sessionId: string;
  csrfToken: string;
}

/**
 * What a route is about, for scope checks. An institution or a student carries the area path of its place
 * in the tree (ids from the country down), so an area grant covers it when its area is on that path.
 */
export type ScopeTarget =
  | { kind: 'nation' }
  | { kind: 'area'; areaPath: number[] }
  | { kind: 'institution'; institutionId: number; areaPath: number[] }
  | { kind: 'student'; studentId: number; institutionId: number; areaPath: number[] };

/**
 * Who may call a route. `public`: anyone; `authenticated`: anyone signed in (for their own things);
 * otherwise the roles, and optionally the scope the route acts in, resolved from the request. When a route
 * gives a scope, a caller passes only with one of the listed roles held in a scope that covers it.
 */
export type Access =
  | 'public'
  | 'authenticated'
  | {
      roles: readonly Role[];
      /** Null: the request names no one target (a list); the service then filters by the caller's grants. */
      scope?: (request: FastifyRequest) => Promise<ScopeTarget | null>;
    };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; a route without it is denied to everyone. */
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyInstance {
    /** Every route registered on the application, for the tests that walk all of them. */
    routeTable: RouteEntry[];
  }
}

/** A registered route: its method, URL and schema (HEAD twins of GET routes are left out). */
export interface RouteEntry {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
}

/** Whether a grant covers a target: nation covers all; an area its subtree; an institution itself and its students. */
export function grantCovers(
  grant: Grant,
  target: ScopeTarget,
  actor: Pick<Actor, 'userId' | 'childIds'>,
): boolean {
  switch (ROLE_SCOPE[grant.role]) {
    case 'nation':
      return true;
    case 'area':
      return target.kind !== 'nation' && grant.areaId !== null && target.areaPath.includes(grant.areaId);
    case 'institution':
      if (target.kind === 'institution') return target.institutionId === grant.institutionId;
      if (target.kind === 'student') {
        return grant.role === 'student'
          ? target.studentId === actor.userId
          : target.institutionId === grant.institutionId;
      }
      return false;
    case 'children':
      return target.kind === 'student' && actor.childIds.includes(target.studentId);
  }
}

/** Whether the actor holds one of `roles` in a scope that covers `target` (any scope when no target). */
export function allows(actor: Actor, roles: readonly Role[], target?: ScopeTarget): boolean {
  return actor.grants.some((g) => roles.includes(g.role) && (!target || grantCovers(g, target, actor)));
}

/** The grants of `roles` that the actor holds, for services that filter lists by scope. */
export function grantsOf(actor: Actor, roles: readonly Role[]): Grant[] {
  return actor.grants.filter((g) => roles.includes(g.role));
}

/** Returns the caller or refuses with 401, for handlers of routes that need a signed-in person. */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError(401, 'unauthenticated');
  return request.actor;
}

/**
 * Deny by default: checks every request against its route's `access` declaration. Roles are checked as soon
 * as the request arrives, before its body is read; the scope, which needs the validated parameters, just
 * before the handler. A route that declares nothing is refused, whoever calls it.
 */
export function installAccessGuard(app: FastifyInstance): void {
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeTable.push({ method, url: route.url, schema: route.schema });
    }
  });
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined) {
      // Unmatched URLs have no route: let the not-found handler answer them.
      if (request.is404) return;
      throw new AppError(403, 'forbidden');
    }
    if (access === 'public') return;
    const actor = requireActor(request);
    if (access !== 'authenticated' && !allows(actor, access.roles)) throw new AppError(403, 'forbidden');
  });
  app.addHook('preHandler', async (request) => {
    const access = request.routeOptions.config.access;
    if (typeof access !== 'object' || !access.scope) return;
    const target = await access.scope(request);
    if (target && !allows(requireActor(request), access.roles, target)) {
      throw new AppError(403, 'forbidden');
    }
  });
}
