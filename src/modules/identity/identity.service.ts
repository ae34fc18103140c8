import { randomBytes, createHash } from 'node:crypto';
import type { Actor, Grant, Role } from '@/server/access';
import { ROLE_SCOPE } from '@/server/access';
import type { Db } from '@/server/db/database';
import type { PgTable } from 'drizzle-orm/pg-core';
import { AppError } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import { assertPasswordRules, hashPassword, verifyPassword } from '@/modules/identity/passwords';
import * as store from '@/modules/identity/identity.store';
import * as clock from '@/server/clock';
import { enqueueOnce, type JobHandler } from '@/server/jobs';

/** Who made a change and from where, for the audit log. */
export interface ChangeContext {
  actorId: number | null;
  ip: string | null;
  /** The language refusals are written in; English when none (the shell). */
  locale?: Locale;
}

/** Records one change in the audit log, in the caller's transaction so that both land or neither does. */
export async function audit(
  db: Db,
  ctx: ChangeContext,
  entry: { action: string; entity: string; entityId: string | number; before?: unknown; after?: unknown },
): Promise<void> {
  await store.insertAudit(db, {
    actorId: ctx.actorId,
    ip: ctx.ip,
    action: entry.action,
    entity: entry.entity,
    entityId: String(entry.entityId),
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

/**
 * The audit entries of many rows of one table changed at once, in one statement: what `audit` writes for each,
 * `after` left out meaning the row as it is now (see `insertRowAudits`).
 */
export async function auditRows(
  db: Db,
  ctx: ChangeContext,
  table: PgTable,
  entity: string,
  entries: { action: string; id: number; before?: unknown; after?: unknown }[],
): Promise<void> {
  await store.insertRowAudits(
    db,
    ctx,
    table,
    entity,
    entries.map((e) => ({ ...e, before: e.before ?? null })),
  );
}

/** How long a session lives without use, and at the most. */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
export const SESSION_MAX_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * Sign-in throttling (OWASP's "progressive delay", not a lockout). Every attempt is counted, before its
 * password is checked, on a few keys; past a key's free attempts each further attempt on it must wait, and
 * the wait doubles (FIRST_WAIT_MS, then twice that, … up to MAX_WAIT_MS). A person's keys are forgotten after
 * THROTTLE_QUIET_MS without attempts or waits (their `window_started_at` holds the last counted attempt). An
 * address's keys count in fixed windows of ADDRESS_WINDOW_MS instead (`window_started_at` is the window's
 * start): however busy the address, its count starts again when its window ends, and so does any wait on it.
 * The keys of an attempt depend on where it comes from:
 *
 * - from a device the person has signed in on (its device cookie): only that device's own key, so strangers'
 *   guesses never slow the owner down there;
 * - from an address the person has signed in from recently: the username-and-address key and the address's
 *   key for known people (`address-known:`), LOGIN_FREE.knownAddress a window — so an address cannot guess
 *   without end at the many accounts that signed in there, while strangers' guesses from it never slow them;
 * - from elsewhere: the username-and-address key, the username's key (guesses from many addresses) and the
 *   address's key for strangers (`address:`, one address guessing many usernames).
 *
 * Both address limits are high enough for a whole school behind one NAT, and a successful sign-in gives its
 * attempt back on them: what fills them is wrong passwords. 300 from people new to the address in a quarter
 * of an hour, 600 from people who signed in there before (a school of 2,000 where a third mistype at the
 * morning rush stays below it); past them, the waits last until the window ends at the most.
 */
export const THROTTLE_QUIET_MS = 15 * 60 * 1000;
export const ADDRESS_WINDOW_MS = 15 * 60 * 1000;
export const FIRST_WAIT_MS = 30 * 1000;
export const MAX_WAIT_MS = 15 * 60 * 1000;
/** Free attempts per key before the waits start (an address's: in each ADDRESS_WINDOW_MS). */
export const LOGIN_FREE = { pair: 5, account: 10, device: 10, address: 300, knownAddress: 600 } as const;
/** Free guesses of one's current password (changing it) before the waits start. */
export const PASSWORD_CHANGE_FREE = 5;
/** How long a successful sign-in makes its address and device "known" for that person. */
export const KNOWN_SOURCE_MS = 60 * 24 * 60 * 60 * 1000;
/**
 * Housekeeping (CLEANUP_QUEUE, daily): a counter is deleted a day after its last attempt and its last wait —
 * every window and wait is shorter, so it would start again from nothing anyway — and a place a person signed
 * in from is forgotten KNOWN_SOURCE_MS after the last sign-in there, when it stops counting as known: the
 * addresses people sign in from are kept no longer than they serve.
 */
export const THROTTLE_RETENTION_MS = 24 * 60 * 60 * 1000;
export const KNOWN_RETENTION_MS = KNOWN_SOURCE_MS;

/** One counter an attempt is counted on, and how many attempts it allows before waits. */
export interface ThrottleRule {
  key: string;
  free: number;
  /** Counts in fixed windows of this length (an address's keys); else forgotten after THROTTLE_QUIET_MS. */
  windowMs?: number;
}

/**
 * Counts one attempt on every rule's key, atomically (one statement on the keys' locked rows), so N attempts
 * at once are counted N times and each is checked against the limit before any password is. Refuses with
 * 429 (Retry-After) while any key is waiting; then nothing is counted.
 */
export async function takeAttempt(db: Db, rules: ThrottleRule[], now: Date): Promise<void> {
  const wait = await store.countAttempt(db, rules, now, {
    quietMs: THROTTLE_QUIET_MS,
    firstWaitMs: FIRST_WAIT_MS,
    maxWaitMs: MAX_WAIT_MS,
  });
  if (wait > 0) {
    const retryAfter = Math.ceil(wait / 1000);
    throw new AppError(429, 'too_many_requests', { minutes: Math.ceil(retryAfter / 60), retryAfter });
  }
}

/** The queue of the daily housekeeping of sign-in records (expired sessions, counters, known places). */
export const CLEANUP_QUEUE = 'identity.cleanup';
/** When a day's housekeeping runs: 23:00 UTC, 03:00 at the schools, when hardly anyone signs in. */
export const cleanupDueAt = (day: string): Date => new Date(`${day}T23:00:00Z`);

/**
 * Deletes what sign-in no longer needs: sessions past their expiry (refused already, kept only as rows),
 * counters idle for THROTTLE_RETENTION_MS and places people last signed in from more than KNOWN_RETENTION_MS
 * ago. Returns how many of each went.
 */
export async function cleanUpSignIns(
  db: Db,
  now: Date,
): Promise<{ sessions: number; counters: number; known: number }> {
  return {
    sessions: await store.deleteExpiredSessions(db, now),
    counters: await store.deleteThrottleBefore(db, new Date(now.getTime() - THROTTLE_RETENTION_MS)),
    known: await store.deleteKnownBefore(db, new Date(now.getTime() - KNOWN_RETENTION_MS)),
  };
}

/** Adds the housekeeping job of `day` (YYYY-MM-DD, UTC) unless it exists, in any state. */
export async function scheduleCleanup(
  db: Db,
  day: string = clock.now().toISOString().slice(0, 10),
): Promise<void> {
  await enqueueOnce(db, CLEANUP_QUEUE, { day }, { runAt: cleanupDueAt(day), maxAttempts: 3 });
}

/** The housekeeping job: adds the next day's run first (a failed run does not stop the next), then cleans. */
export function cleanupJob(db: Db): JobHandler {
  return {
    run: async (job) => {
      const { day } = job.payload as { day: string };
      const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      await scheduleCleanup(db, next);
      await cleanUpSignIns(db, clock.now());
    },
  };
}

const sha256 = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** A user as the API shows it: no password hash. */
export interface PublicUser {
  id: number;
  username: string;
  displayName: string;
  locale: 'az' | 'ru' | 'en';
  status: 'active' | 'disabled';
}

const publicUser = (u: store.UserRow): PublicUser => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  locale: u.locale,
  status: u.status,
});

interface CachedActor {
  actor: Actor;
  expiresAt: number;
  loadedAt: number;
}

/**
 * Sessions and sign-in. Sessions live in the database, so any app node can serve any request; each node
 * keeps what it read for a few seconds (CACHE_MS) so that an authenticated request costs no query. A
 * session ended on this node leaves the cache at once; on another node within CACHE_MS.
 */
export class SessionService {
  static readonly CACHE_MS = 5_000;
  private readonly cache = new Map<string, CachedActor>();

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = clock.now,
  ) {}

  /**
   * Signs a person in: counts the attempt (refusing it while the throttle says wait), then checks the password.
   * Returns the new session's token and the device token for the device cookie (`deviceToken` when it came
   * with one of the right shape, else a new one).
   */
  async login(
    username: string,
    password: string,
    meta: { ip: string | null; userAgent: string | null; deviceToken?: string | null },
  ): Promise<{ token: string; actor: Actor; deviceToken: string }> {
    const now = this.now();
    const name = username.toLowerCase();
    const ip = meta.ip ?? 'unknown';
    const deviceToken =
      meta.deviceToken && /^[A-Za-z0-9_-]{43}$/.test(meta.deviceToken)
        ? meta.deviceToken
        : randomBytes(32).toString('base64url');
    const device = `device:${sha256(deviceToken)}`;
    const address = `address:${ip}`;
    const known = await store.knownSources(
      this.db,
      name,
      meta.deviceToken === deviceToken ? [device, address] : [address],
      new Date(now.getTime() - KNOWN_SOURCE_MS),
    );
    const pair: ThrottleRule = { key: `pair:${name}|${ip}`, free: LOGIN_FREE.pair };
    const rules: ThrottleRule[] = known.has(device)
      ? [{ key: `device:${name}|${device.slice('device:'.length)}`, free: LOGIN_FREE.device }]
      : known.has(address)
        ? [pair, { key: `address-known:${ip}`, free: LOGIN_FREE.knownAddress, windowMs: ADDRESS_WINDOW_MS }]
        : [
            pair,
            { key: `account:${name}`, free: LOGIN_FREE.account },
            { key: `address:${ip}`, free: LOGIN_FREE.address, windowMs: ADDRESS_WINDOW_MS },
          ];
    await takeAttempt(this.db, rules, now);
    const user = await store.findUserByUsername(this.db, name);
    const ok = await verifyPassword(user?.status === 'active' ? user.passwordHash : null, password);
    if (!user || !ok) throw new AppError(401, 'bad_credentials');
    // The person's own counters start again; the address's (shared with others) gives this attempt back.
    const shared = (r: ThrottleRule) => r.windowMs !== undefined;
    await store.settleSignIn(this.db, {
      clear: rules.filter((r) => !shared(r)).map((r) => r.key),
      refund: rules.filter(shared),
      username: name,
      sources: [address, device],
      now,
    });
    const token = randomBytes(32).toString('base64url');
    const id = sha256(token);
    await store.insertSession(this.db, {
      id,
      userId: user.id,
      csrfToken: randomBytes(24).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_IDLE_MS),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    await store.markActive(this.db, user.id, now.toISOString().slice(0, 10));
    const actor = await this.resolve(token);
    return { token, actor: actor!, deviceToken };
  }

  /** The person behind a session token, or null when the session does not exist or has expired. */
  async resolve(token: string): Promise<Actor | null> {
    const id = sha256(token);
    const now = this.now().getTime();
    const cached = this.cache.get(id);
    if (cached && cached.expiresAt > now && now - cached.loadedAt < SessionService.CACHE_MS)
      return cached.actor;
    const session = await store.findSessionActor(this.db, id, new Date(now));
    if (!session) {
      this.cache.delete(id);
      return null;
    }
    const { user } = session;
    if (user.status !== 'active') return null;
    // Slide the idle expiry, at most once a minute, and never past the absolute limit.
    let expiresAt = session.expiresAt.getTime();
    const slide = now - session.lastSeenAt.getTime() > 60_000;
    if (slide) expiresAt = Math.min(now + SESSION_IDLE_MS, session.createdAt.getTime() + SESSION_MAX_MS);
    // …and note the day the person was active, once a day.
    const today = new Date(now).toISOString().slice(0, 10);
    await store.recordUse(this.db, {
      sessionId: id,
      userId: session.userId,
      slide: slide ? { now: new Date(now), expiresAt: new Date(expiresAt) } : undefined,
      day: user.lastActiveOn === today ? undefined : today,
    });
    const actor: Actor = {
      userId: session.userId,
      username: user.username,
      displayName: user.displayName,
      locale: user.locale,
      grants: session.grants,
      childIds: session.childIds,
      sessionId: id,
      csrfToken: session.csrfToken,
    };
    this.cache.set(id, { actor, expiresAt, loadedAt: now });
    return actor;
  }

  /** Ends one session. */
  async logout(actor: Actor): Promise<void> {
    await store.deleteSession(this.db, actor.sessionId);
    this.cache.delete(actor.sessionId);
  }

  /** Ends every session of a user, on every device. */
  async logoutEverywhere(userId: number): Promise<number> {
    const ids = await store.deleteSessionsOfUser(this.db, userId);
    for (const id of ids) this.cache.delete(id);
    for (const [id, entry] of this.cache) if (entry.actor.userId === userId) this.cache.delete(id);
    return ids.length;
  }

  /** Forgets what this node cached of a user (after a change of roles, name or language). */
  forgetUser(userId: number): void {
    for (const [id, entry] of this.cache) if (entry.actor.userId === userId) this.cache.delete(id);
  }
}

/** Validates that a grant's scope fits its role: nation roles have none, a regional officer an area, school roles an institution. */
export function checkGrantShape(grant: Grant): void {
  const kind = ROLE_SCOPE[grant.role];
  const ok =
    kind === 'area'
      ? grant.areaId !== null && grant.institutionId === null
      : kind === 'institution'
        ? grant.institutionId !== null && grant.areaId === null
        : grant.areaId === null && grant.institutionId === null;
  if (!ok) throw new AppError(422, 'grant_scope_mismatch', { role: grant.role });
}

/** Creates an account with its roles, audited. Usernames are unique, case-insensitively. */
export async function createUser(
  db: Db,
  ctx: ChangeContext,
  input: {
    username: string;
    password: string | null;
    displayName: string;
    locale?: 'az' | 'ru' | 'en';
    grants: Grant[];
  },
): Promise<PublicUser> {
  for (const g of input.grants) checkGrantShape(g);
  if (input.password !== null) assertPasswordRules(ctx.locale ?? 'en', input.password, input.username);
  const passwordHash = input.password === null ? null : await hashPassword(input.password);
  return db.transaction(async (tx) => {
    if (await store.findUserByUsername(tx, input.username.toLowerCase())) {
      throw new AppError(409, 'username_taken', { username: input.username });
    }
    const user = await store.insertUser(tx, {
      username: input.username.toLowerCase(),
      passwordHash,
      displayName: input.displayName,
      locale: input.locale ?? 'az',
    });
    for (const g of input.grants) await store.insertGrant(tx, { userId: user.id, ...g });
    await audit(tx, ctx, {
      action: 'create',
      entity: 'user',
      entityId: user.id,
      after: { ...publicUser(user), grants: input.grants },
    });
    return publicUser(user);
  });
}

/** Sets a new password for a user (an administrator's reset) and ends all of that user's sessions. */
export async function resetPassword(
  db: Db,
  sessions: SessionService | null,
  ctx: ChangeContext,
  userId: number,
  password: string,
): Promise<void> {
  const found = await store.findUserById(db, userId);
  if (!found) throw new AppError(404, 'not_found');
  assertPasswordRules(ctx.locale ?? 'en', password, found.username);
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const user = await store.updateUser(tx, userId, { passwordHash });
    if (!user) throw new AppError(404, 'not_found');
    await audit(tx, ctx, { action: 'reset_password', entity: 'user', entityId: userId });
  });
  if (sessions) await sessions.logoutEverywhere(userId);
  else await store.deleteSessionsOfUser(db, userId);
}

/**
 * Links a parent to a child, in the caller's transaction, audited: grants the parent role when the person does
 * not hold it yet. After the commit, call `SessionService.forgetUser(parentId)` so that the person's cached
 * sessions pick up the new child at once (on this node; other nodes within CACHE_MS).
 */
export async function linkGuardian(
  db: Db,
  ctx: ChangeContext,
  parentId: number,
  studentId: number,
): Promise<{ linked: boolean; grantedParentRole: boolean }> {
  const grants = await store.grantsOfUser(db, parentId);
  const grantedParentRole = !grants.some((g) => g.role === 'parent');
  if (grantedParentRole)
    await store.insertGrant(db, { userId: parentId, role: 'parent', areaId: null, institutionId: null });
  const linked = await store.insertGuardian(db, parentId, studentId);
  if (linked || grantedParentRole) {
    await audit(db, ctx, {
      action: 'link_guardian',
      entity: 'user',
      entityId: parentId,
      after: { studentId, grantedParentRole },
    });
  }
  return { linked, grantedParentRole };
}

/** Changes the caller's own language. */
export async function setLocale(
  db: Db,
  ctx: ChangeContext,
  userId: number,
  locale: 'az' | 'ru' | 'en',
): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await store.findUserById(tx, userId);
    await store.updateUser(tx, userId, { locale });
    await audit(tx, ctx, {
      action: 'update',
      entity: 'user',
      entityId: userId,
      before: { locale: before?.locale },
      after: { locale },
    });
  });
}

export { publicUser };
export type { Role };
