import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor, type Actor } from '@/server/access';
import { AppError } from '@/server/errors';
import { defineMessages, isLocale, localeFromHeader } from '@/server/i18n';
import type { Db } from '@/server/db/database';
import {
  AuditEntry,
  AuditQuery,
  ChangeOwnPasswordBody,
  ChangeOwnPasswordResult,
  CreatedUser,
  CreateUserBody,
  GrantParams,
  GrantSchema,
  IdParams,
  LoginBody,
  MeResponse,
  Ok,
  PatchMeBody,
  ResetPasswordBody,
  StatusBody,
  TemporaryPassword,
  UserListQuery,
  UserPage,
  UserView,
} from '@/modules/identity/identity.schema';
import {
  CLEANUP_QUEUE,
  cleanupJob,
  scheduleCleanup,
  SessionService,
  setLocale,
  type ChangeContext,
} from '@/modules/identity/identity.service';
import { JobWorker } from '@/server/jobs';
import {
  changeOwnPassword,
  createAccount,
  findUsers,
  getUser,
  grantRole,
  resetAccountPassword,
  revokeRole,
  setStatus,
} from '@/modules/identity/users.service';
import { labelEntries } from '@/modules/identity/audit.labels';
import * as store from '@/modules/identity/identity.store';

export const SESSION_COOKIE = 'maktab_sid';
/**
 * A random token the browser keeps for a year and sends only to sign-in: a device a person signed in on is
 * known by it, so that strangers' wrong guesses at the username do not slow that person down there.
 */
export const DEVICE_COOKIE = 'maktab_device';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

defineMessages({
  en: {
    bad_credentials: 'Wrong username or password.',
    username_taken: 'The username {username} is taken.',
    grant_scope_mismatch:
      'This role is given in another kind of scope: a school role in a school, a regional officer’s in an area, a national role in none.',
  },
  az: {
    bad_credentials: 'İstifadəçi adı və ya parol səhvdir.',
    username_taken: '{username} istifadəçi adı artıq tutulub.',
    grant_scope_mismatch:
      'Bu rol başqa növ əhatə dairəsində verilir: məktəb rolu məktəbdə, regional əməkdaşınkı ərazidə, milli rol isə əhatəsiz.',
  },
  ru: {
    bad_credentials: 'Неверное имя пользователя или пароль.',
    username_taken: 'Имя пользователя {username} занято.',
    grant_scope_mismatch:
      'Эта роль выдаётся в другой области действия: школьная — в школе, регионального сотрудника — на территории, национальная — без области.',
  },
});

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionService;
  }
}

/** Who is changing something and from where, for the audit log. */
export function changeContext(request: FastifyRequest): ChangeContext {
  return { actorId: request.actor?.userId ?? null, ip: request.ip, locale: request.locale };
}

function isHttps(request: FastifyRequest, secureCookies: boolean): boolean {
  return secureCookies || request.protocol === 'https';
}

function meOf(actor: Actor) {
  return {
    user: {
      id: actor.userId,
      username: actor.username,
      displayName: actor.displayName,
      locale: isLocale(actor.locale) ? actor.locale : 'az',
    },
    roles: actor.grants,
    childIds: actor.childIds,
    csrfToken: actor.csrfToken,
  };
}

/**
 * Installs, on the root instance, what every request goes through: the session cookie becomes `request.actor`,
 * the caller's language becomes `request.locale`, and a change made with a session cookie must carry the
 * session's CSRF token.
 */
export function installSessionHooks(app: FastifyInstance, db: Db): void {
  app.decorate('sessions', new SessionService(db));
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    request.actor = token ? await app.sessions.resolve(token) : null;
    const fromUser = request.actor?.locale;
    request.locale = isLocale(fromUser)
      ? fromUser
      : (localeFromHeader(request.headers['accept-language']) ?? 'az');
    if (
      request.actor &&
      UNSAFE.has(request.method) &&
      request.headers['x-csrf-token'] !== request.actor.csrfToken
    ) {
      throw new AppError(403, 'csrf');
    }
  });
}

/** Sign-in, sign-out, the caller's own account; user administration and the audit log for national administrators. */
export default async function identityRoutes(
  app: FastifyInstance,
  opts: { db: Db; secureCookies: boolean; runJobs?: boolean },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const admin = { roles: ['admin'] } as const;

  if (opts.runJobs) {
    // The daily housekeeping of sign-in records: today's run is added at start, each run adds the next day's.
    const worker = new JobWorker(
      db,
      { [CLEANUP_QUEUE]: cleanupJob(db) },
      { onError: (job, error) => app.log.warn({ err: error, jobId: job.id }, 'sign-in cleanup failed') },
    );
    app.addHook('onReady', async () => {
      await scheduleCleanup(db).catch((error: unknown) =>
        app.log.warn({ err: error }, 'sign-in cleanup not scheduled'),
      );
      worker.start();
    });
    app.addHook('onClose', async () => worker.stop());
  }

  r.post(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: { tags: ['identity'], summary: 'Sign in', body: LoginBody, response: { 200: MeResponse } },
    },
    async (request, reply) => {
      const sent = request.cookies[DEVICE_COOKIE] ?? null;
      const { token, actor, deviceToken } = await app.sessions.login(
        request.body.username.trim().toLowerCase(),
        request.body.password,
        {
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          deviceToken: sent,
        },
      );
      void reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: isHttps(request, opts.secureCookies),
        maxAge: 30 * 24 * 60 * 60,
      });
      if (deviceToken !== sent) {
        void reply.setCookie(DEVICE_COOKIE, deviceToken, {
          path: '/api/auth/login',
          httpOnly: true,
          sameSite: 'strict',
          secure: isHttps(request, opts.secureCookies),
          maxAge: 365 * 24 * 60 * 60,
        });
      }
      return meOf(actor);
    },
  );

  const clearCookie = (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, { path: '/' });

  r.post(
    '/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['identity'], summary: 'Sign out', response: { 200: Ok } },
    },
    async (request, reply) => {
      await app.sessions.logout(requireActor(request));
      void clearCookie(reply);
      return { ok: true };
    },
  );

  r.post(
    '/auth/logout-all',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['identity'], summary: 'Sign out on every device', response: { 200: Ok } },
    },
    async (request, reply) => {
      await app.sessions.logoutEverywhere(requireActor(request).userId);
      void clearCookie(reply);
      return { ok: true };
    },
  );

  r.get(
    '/me',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['identity'],
        summary: 'The signed-in person, their roles and scopes',
        response: { 200: MeResponse },
      },
    },
    async (request) => meOf(requireActor(request)),
  );

  r.patch(
    '/me',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['identity'],
        summary: 'Change own settings',
        body: PatchMeBody,
        response: { 200: Ok },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      await setLocale(db, changeContext(request), actor.userId, request.body.locale);
      app.sessions.forgetUser(actor.userId);
      return { ok: true };
    },
  );

  r.post(
    '/me/password',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['identity'],
        summary: 'Change own password; ends every other session of the caller',
        body: ChangeOwnPasswordBody,
        response: { 200: ChangeOwnPasswordResult },
      },
    },
    async (request) =>
      changeOwnPassword(db, app.sessions, changeContext(request), requireActor(request), request.body),
  );

  r.get(
    '/users',
    {
      config: { access: admin },
      schema: {
        tags: ['identity'],
        summary: 'Find people by name or username, role, area or institution, status',
        querystring: UserListQuery,
        response: { 200: UserPage },
      },
    },
    async (request) => findUsers(db, request.locale, request.query),
  );

  r.get(
    '/users/:id',
    {
      config: { access: admin },
      schema: {
        tags: ['identity'],
        summary: 'One person with their roles',
        params: IdParams,
        response: { 200: UserView },
      },
    },
    async (request) => getUser(db, request.locale, request.params.id),
  );

  r.post(
    '/users',
    {
      config: { access: admin },
      schema: {
        tags: ['identity'],
        summary: 'Create an account; without a password, a temporary one is made and returned once',
        body: CreateUserBody,
        response: { 201: CreatedUser },
      },
    },
    async (request, reply) => {
      const created = await createAccount(db, changeContext(request), request.body);
      return reply.status(201).send(created);
    },
  );

  r.post(
    '/users/:id/grants',
    {
      config: { access: admin },
      schema: {
        tags: ['identity'],
        summary: 'Give a person a role in a scope',
        params: IdParams,
        body: GrantSchema,
        response: { 200: UserView },
      },
    },
    async (request) => grantRole(db, app.sessions, changeContext(request), request.params.id, request.body),
  );

  r.delete(
    '/users/:id/grants/:grantId',
    {
      config: { access: admin },
      schema: {
        tags: ['identity'],
        summary: 'Take a role back',
        params: GrantParams,
        response: { 200: UserView },
      },
    },
    async (request) =>
      revokeRole(db, app.sessions, changeContext(request), request.params.id, request.params.grantId),
  );

  r.post(
    '/users/:id/status',
    {
      config: { access: admin },
      schema: {
        tags: ['identity'],
        summary: 'Deactivate (ending every session) or reactivate an account',
        params: IdParams,
        body: StatusBody,
        response: { 200: UserView },
      },
    },
    async (request) =>
      setStatus(db, app.sessions, changeContext(request), request.params.id, request.body.status),
  );

  r.post(
    '/users/:id/password',
    {
      config: { access: admin },
      schema: {
        tags: ['identity'],
        summary:
          "Reset a user's password (the one given, or a temporary one returned once); signs them out everywhere",
        params: IdParams,
        body: ResetPasswordBody,
        response: { 200: TemporaryPassword },
      },
    },
    async (request) =>
      resetAccountPassword(
        db,
        app.sessions,
        changeContext(request),
        request.params.id,
        request.body.password,
      ),
  );

  r.get(
    '/audit',
    {
      config: { access: admin },
      schema: {
        tags: ['identity'],
        summary: 'The audit log, newest first',
        querystring: AuditQuery,
        response: { 200: Type.Array(AuditEntry) },
      },
    },
    async (request) => {
      const entries = await store.listAudit(db, request.query);
      const labels = await labelEntries(db, request.locale, entries);
      return entries.map((e) => ({ ...e, at: e.at.toISOString(), label: labels.get(e.id) ?? [] }));
    },
  );
}
