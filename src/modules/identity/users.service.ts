import { grantsChanged } from '@/server/grant-events';
import type { Actor, Grant, Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, notFound } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import {
  assertPasswordRules,
  hashPassword,
  temporaryPassword,
  verifyPassword,
} from '@/modules/identity/passwords';
import {
  audit,
  checkGrantShape,
  createUser,
  PASSWORD_CHANGE_FREE,
  resetPassword,
  takeAttempt,
  type ChangeContext,
  type PublicUser,
  type SessionService,
} from '@/modules/identity/identity.service';
import * as store from '@/modules/identity/identity.store';
import * as clock from '@/server/clock';

/**
 * The national administrator's user management — find people, create accounts, give and take roles in a
 * scope, reset a password, deactivate and reactivate — and a person's change of their own password.
 */

defineMessages({
  en: {
    grant_exists: 'This person already holds this role there.',
    grant_not_found: 'This person does not hold that role.',
    own_admin_role: 'You cannot take the administrator role from yourself.',
    own_status: 'You cannot deactivate your own account.',
    last_admin: 'The last active administrator cannot lose the role or be deactivated.',
    current_password_wrong: 'The current password is wrong.',
    password_unchanged: 'The new password must differ from the current one.',
    'scope.area_unknown': 'Area: no such area.',
    'scope.institution_unknown': 'Institution: no such institution.',
  },
  az: {
    grant_exists: 'Bu şəxsin orada artıq bu rolu var.',
    grant_not_found: 'Bu şəxsin belə rolu yoxdur.',
    own_admin_role: 'İnzibatçı rolunu özünüzdən ala bilməzsiniz.',
    own_status: 'Öz hesabınızı deaktiv edə bilməzsiniz.',
    last_admin: 'Sonuncu aktiv inzibatçı rolunu itirə və ya deaktiv edilə bilməz.',
    current_password_wrong: 'Hazırkı parol səhvdir.',
    password_unchanged: 'Yeni parol hazırkından fərqli olmalıdır.',
    'scope.area_unknown': 'Ərazi: belə ərazi yoxdur.',
    'scope.institution_unknown': 'Müəssisə: belə müəssisə yoxdur.',
  },
  ru: {
    grant_exists: 'У этого человека уже есть эта роль там.',
    grant_not_found: 'У этого человека нет такой роли.',
    own_admin_role: 'Нельзя снять с себя роль администратора.',
    own_status: 'Нельзя отключить собственную учётную запись.',
    last_admin: 'Последний активный администратор не может лишиться роли или быть отключён.',
    current_password_wrong: 'Текущий пароль неверен.',
    password_unchanged: 'Новый пароль должен отличаться от текущего.',
    'scope.area_unknown': 'Территория: такой территории нет.',
    'scope.institution_unknown': 'Учреждение: такого учреждения нет.',
  },
});

/** A grant as the users page shows it: with its id (to take it back) and the name of its scope. */
export interface GrantView extends Grant {
  id: number;
  /** The area's or institution's name in the caller's language; null for national roles. */
  scopeName: string | null;
}

export interface UserView extends PublicUser {
  lastActiveOn: string | null;
  grants: GrantView[];
}

const nameIn = (locale: Locale, n: { nameAz: string; nameRu: string; nameEn: string }) =>
  locale === 'az' ? n.nameAz : locale === 'ru' ? n.nameRu : n.nameEn;

function fieldError(locale: Locale, status: number, code: string, field: string): AppError {
  return new AppError(status, code, {}, [{ field, reason: code, message: translate(locale, code) }]);
}

/** Adds each user's grants, with the names of their scopes, in three queries whatever the page's size. */
async function withGrants<U extends { id: number }>(
  db: Db,
  locale: Locale,
  people: U[],
): Promise<(U & { grants: GrantView[] })[]> {
  const grants = await store.grantsOfUsers(
    db,
    people.map((p) => p.id),
  );
  const institutionIds = [...new Set(grants.flatMap((g) => (g.institutionId ? [g.institutionId] : [])))];
  const [schools, areas] = await Promise.all([
    institutionsStore.findInstitutions(db, institutionIds),
    grants.some((g) => g.areaId) ? institutionsStore.listAreas(db) : Promise.resolve([]),
  ]);
  const schoolName = new Map(schools.map((s) => [s.id, nameIn(locale, s)]));
  const areaName = new Map(areas.map((a) => [a.id, nameIn(locale, a)]));
  return people.map((p) => ({
    ...p,
    grants: grants
      .filter((g) => g.userId === p.id)
      .map((g) => ({
        id: g.id,
        role: g.role,
        areaId: g.areaId,
        institutionId: g.institutionId,
        scopeName: g.institutionId
          ? (schoolName.get(g.institutionId) ?? null)
          : g.areaId
            ? (areaName.get(g.areaId) ?? null)
            : null,
      })),
  }));
}

/** Finds people by name, role and place: a school's people, or an area's (its schools and its officers). */
export async function findUsers(
  db: Db,
  locale: Locale,
  query: {
    q?: string;
    role?: Role;
    areaId?: number;
    institutionId?: number;
    status?: 'active' | 'disabled';
    limit: number;
    offset: number;
  },
): Promise<{ total: number; items: UserView[] }> {
  let institutionIds: number[] | undefined;
  let areaIds: number[] | undefined;
  if (query.institutionId !== undefined) institutionIds = [query.institutionId];
  else if (query.areaId !== undefined) {
    institutionIds = await institutionsStore.institutionIdsInArea(db, query.areaId);
    areaIds = (await institutionsStore.listAreas(db))
      .filter((a) => a.path.includes(query.areaId!))
      .map((a) => a.id);
  }
  const page = await store.searchUsers(db, {
    q: query.q?.trim() || undefined,
    role: query.role,
    institutionIds,
    areaIds,
    status: query.status,
    limit: query.limit,
    offset: query.offset,
  });
  return { total: page.total, items: await withGrants(db, locale, page.items) };
}

/** One person with their roles. */
export async function getUser(db: Db, locale: Locale, id: number): Promise<UserView> {
  const user = await store.findUserById(db, id);
  if (!user) throw notFound('user');
  const [view] = await withGrants(db, locale, [
    {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      locale: user.locale,
      status: user.status,
      lastActiveOn: user.lastActiveOn,
    },
  ]);
  return view!;
}

/** Checks that a grant's area or institution exists, naming the field when it does not. */
async function checkScopeExists(db: Db, locale: Locale, grant: Grant): Promise<void> {
  if (grant.areaId !== null && !(await institutionsStore.findArea(db, grant.areaId)))
    throw fieldError(locale, 422, 'scope.area_unknown', 'areaId');
  if (grant.institutionId !== null && !(await institutionsStore.findInstitution(db, grant.institutionId)))
    throw fieldError(locale, 422, 'scope.institution_unknown', 'institutionId');
}

/**
 * Creates an account for the administrator: with the password they typed (which must pass the rules), or a
 * temporary one made here and returned once.
 */
export async function createAccount(
  db: Db,
  ctx: ChangeContext,
  input: {
    username: string;
    password?: string | null;
    displayName: string;
    locale?: Locale;
    grants: Grant[];
  },
): Promise<{ user: UserView; temporaryPassword: string | null }> {
  const locale = ctx.locale ?? 'en';
  for (const g of input.grants) {
    checkGrantShape(g);
    await checkScopeExists(db, locale, g);
  }
  const temporary = input.password === undefined ? temporaryPassword() : null;
  const user = await createUser(db, ctx, {
    ...input,
    displayName: input.displayName.trim(),
    password: temporary ?? input.password ?? null,
  });
  return { user: await getUser(db, locale, user.id), temporaryPassword: temporary };
}

const sameGrant = (a: Grant, b: Grant) =>
  a.role === b.role && a.areaId === b.areaId && a.institutionId === b.institutionId;

/** Gives a person a role in a scope, audited; the person's sessions pick it up at once. */
export async function grantRole(
  db: Db,
  sessions: SessionService,
  ctx: ChangeContext,
  userId: number,
  grant: Grant,
): Promise<UserView> {
  const locale = ctx.locale ?? 'en';
  checkGrantShape(grant);
  await checkScopeExists(db, locale, grant);
  await db.transaction(async (tx) => {
    if (!(await store.lockUser(tx, userId))) throw notFound('user');
    const held = await store.grantsOfUser(tx, userId);
    if (held.some((g) => sameGrant(g, grant))) throw new AppError(409, 'grant_exists');
    await store.insertGrant(tx, { userId, ...grant });
    await grantsChanged(tx, userId);
    await audit(tx, ctx, { action: 'grant', entity: 'user', entityId: userId, after: grant });
  });
  sessions.forgetUser(userId);
  return getUser(db, locale, userId);
}

/** Takes a role back, audited. An administrator cannot take the administrator role from themself. */
export async function revokeRole(
  db: Db,
  sessions: SessionService,
  ctx: ChangeContext,
  userId: number,
  grantId: number,
): Promise<UserView> {
  const locale = ctx.locale ?? 'en';
  await db.transaction(async (tx) => {
    await store.lockAdministrators(tx);
    if (!(await store.lockUser(tx, userId))) throw notFound('user');
    const removed = await store.deleteGrant(tx, userId, grantId);
    if (!removed) throw new AppError(404, 'grant_not_found');
    if (removed.role === 'admin') {
      if (userId === ctx.actorId) throw new AppError(422, 'own_admin_role');
      if ((await store.countActiveHolders(tx, 'admin')) === 0) throw new AppError(422, 'last_admin');
    }
    await grantsChanged(tx, userId);
    await audit(tx, ctx, { action: 'revoke', entity: 'user', entityId: userId, before: removed });
  });
  sessions.forgetUser(userId);
  return getUser(db, locale, userId);
}

/** Deactivates (every session ends) or reactivates an account, audited. */
export async function setStatus(
  db: Db,
  sessions: SessionService,
  ctx: ChangeContext,
  userId: number,
  status: 'active' | 'disabled',
): Promise<UserView> {
  const locale = ctx.locale ?? 'en';
  if (status === 'disabled' && userId === ctx.actorId) throw new AppError(422, 'own_status');
  await db.transaction(async (tx) => {
    await store.lockAdministrators(tx);
    const before = await store.lockUser(tx, userId);
    if (!before) throw notFound('user');
    if (before.status === status) return;
    await store.updateUser(tx, userId, { status });
    if (status === 'disabled') {
      await store.deleteSessionsOfUser(tx, userId);
      if ((await store.countActiveHolders(tx, 'admin')) === 0) throw new AppError(422, 'last_admin');
    }
    await audit(tx, ctx, {
      action: status === 'disabled' ? 'disable' : 'enable',
      entity: 'user',
      entityId: userId,
      before: { status: before.status },
      after: { status },
    });
  });
  if (status === 'disabled') await sessions.logoutEverywhere(userId);
  return getUser(db, locale, userId);
}

/** Sets a new password by the administrator: the one typed, or a temporary one returned once. */
export async function resetAccountPassword(
  db: Db,
  sessions: SessionService,
  ctx: ChangeContext,
  userId: number,
  password: string | undefined,
): Promise<{ temporaryPassword: string | null }> {
  const temporary = password === undefined ? temporaryPassword() : null;
  await resetPassword(db, sessions, ctx, userId, temporary ?? password!);
  return { temporaryPassword: temporary };
}

/**
 * A person changes their own password: the current one must be right, the new one must pass the rules. Every
 * other session of theirs ends; the one they are using stays.
 */
export async function changeOwnPassword(
  db: Db,
  sessions: SessionService,
  ctx: ChangeContext,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
): Promise<{ endedSessions: number }> {
  const locale = ctx.locale ?? 'en';
  const user = await store.findUserById(db, actor.userId);
  if (!user) throw notFound('user');
  // Guesses of the current password (a session left open on a shared computer) are limited as sign-ins are.
  const guesses = { key: `password:${actor.userId}`, free: PASSWORD_CHANGE_FREE };
  await takeAttempt(db, [guesses], clock.now());
  if (!(await verifyPassword(user.passwordHash, input.currentPassword)))
    throw fieldError(locale, 422, 'current_password_wrong', 'currentPassword');
  await store.deleteThrottleKeys(db, [guesses.key]);
  assertPasswordRules(locale, input.newPassword, user.username, 'newPassword');
  if (input.newPassword === input.currentPassword)
    throw fieldError(locale, 422, 'password_unchanged', 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  const ended = await db.transaction(async (tx) => {
    await store.updateUser(tx, actor.userId, { passwordHash });
    const ids = await store.deleteOtherSessions(tx, actor.userId, actor.sessionId);
    await audit(tx, ctx, { action: 'change_password', entity: 'user', entityId: actor.userId });
    return ids;
  });
  // Drop the ended sessions from this node's cache (the other nodes' expire within SessionService.CACHE_MS).
  sessions.forgetUser(actor.userId);
  return { endedSessions: ended.length };
}
