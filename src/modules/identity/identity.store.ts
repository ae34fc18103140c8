import { and, eq, getTableColumns, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { intArray, rows, textArray, type Db } from '@/server/db/database';
import type { Grant, Role } from '@/server/access';
import {
  auditLog,
  guardians,
  loginKnown,
  loginThrottle,
  roleGrants,
  sessions,
  users,
} from '@/modules/identity/identity.tables';

/** The identity module's SQL: users, grants, sessions, throttling and the audit log. */

export type UserRow = typeof users.$inferSelect;

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row;
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function insertUser(
  db: Db,
  values: { username: string; passwordHash: string | null; displayName: string; locale?: 'az' | 'ru' | 'en' },
): Promise<UserRow> {
  const [row] = await db.insert(users).values(values).returning();
  return row!;
}

export async function updateUser(
  db: Db,
  id: number,
  values: Partial<Pick<UserRow, 'passwordHash' | 'displayName' | 'locale' | 'status'>>,
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row;
}

export async function grantsOfUser(db: Db, userId: number): Promise<Grant[]> {
  return db
    .select({ role: roleGrants.role, areaId: roleGrants.areaId, institutionId: roleGrants.institutionId })
    .from(roleGrants)
    .where(eq(roleGrants.userId, userId))
    .orderBy(roleGrants.id);
}

export async function insertGrant(
  db: Db,
  grant: { userId: number; role: Role; areaId: number | null; institutionId: number | null },
): Promise<void> {
  await db.insert(roleGrants).values(grant);
}

export async function childrenOf(db: Db, parentId: number): Promise<number[]> {
  const rows = await db
    .select({ id: guardians.studentId })
    .from(guardians)
    .where(eq(guardians.parentId, parentId))
    .orderBy(guardians.studentId);
  return rows.map((r) => r.id);
}

/** The guardians (parents) of these students, one row per link. */
export async function guardiansOf(
  db: Db,
  studentIds: number[],
): Promise<{ parentId: number; studentId: number }[]> {
  if (studentIds.length === 0) return [];
  return db
    .select({ parentId: guardians.parentId, studentId: guardians.studentId })
    .from(guardians)
    .where(inArray(guardians.studentId, studentIds));
}

/** Links a parent to a child (nothing when they are linked already); whether a new link was made. */
export async function insertGuardian(db: Db, parentId: number, studentId: number): Promise<boolean> {
  const made = await db
    .insert(guardians)
    .values({ parentId, studentId })
    .onConflictDoNothing()
    .returning({ id: guardians.studentId });
  return made.length > 0;
}

export async function insertSession(db: Db, values: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(values);
}

/**
 * A live session with everything a request needs of its person — the account, role grants and children — in
 * one statement: a cold session (a node's first request of it) costs one round trip, not four.
 */
export async function findSessionActor(db: Db, id: string, now: Date) {
  const [row] = await rows<{
    user_id: number;
    csrf_token: string;
    created_at: string | Date;
    last_seen_at: string | Date;
    expires_at: string | Date;
    username: string;
    display_name: string;
    locale: 'az' | 'ru' | 'en';
    status: 'active' | 'disabled';
    last_active_on: string | null;
    grants: Grant[];
    children: number[];
  }>(
    db,
    sql`select s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at,
               u.username, u.display_name, u.locale, u.status, u.last_active_on::text as last_active_on,
               coalesce((select json_agg(json_build_object('role', g.role, 'areaId', g.area_id,
                                                           'institutionId', g.institution_id) order by g.id)
                         from identity_role_grant g where g.user_id = s.user_id), '[]') as grants,
               coalesce((select json_agg(c.student_id order by c.student_id)
                         from identity_guardian c where c.parent_id = s.user_id), '[]') as children
        from identity_session s join identity_user u on u.id = s.user_id
        where s.id = ${id} and s.expires_at > ${now.toISOString()}`,
  );
  if (!row) return undefined;
  return {
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: new Date(row.created_at),
    lastSeenAt: new Date(row.last_seen_at),
    expiresAt: new Date(row.expires_at),
    user: {
      username: row.username,
      displayName: row.display_name,
      locale: row.locale,
      status: row.status,
      lastActiveOn: row.last_active_on,
    },
    grants: row.grants,
    childIds: row.children,
  };
}

/**
 * Records a use of a session: slides its expiry (`slide`) and marks its person active on `day`, either or
 * both — both in one statement, as a session's first request on a node often needs.
 */
export async function recordUse(
  db: Db,
  use: { sessionId: string; userId: number; slide?: { now: Date; expiresAt: Date }; day?: string },
): Promise<void> {
  const slide =
    use.slide &&
    sql`update ${sessions} set last_seen_at = ${use.slide.now.toISOString()},
                             expires_at = ${use.slide.expiresAt.toISOString()}
        where id = ${use.sessionId}`;
  const mark =
    use.day &&
    sql`update ${users} set last_active_on = ${use.day}::date
        where id = ${use.userId} and last_active_on is distinct from ${use.day}::date`;
  if (slide && mark) await db.execute(sql`with slid as (${slide}) ${mark}`);
  else if (slide || mark) await db.execute((slide || mark) as SQL);
}

/** Notes that a person used the platform on `day` (one write a day at most). */
export async function markActive(db: Db, userId: number, day: string): Promise<void> {
  await db.execute(
    sql`update ${users} set last_active_on = ${day}::date
        where id = ${userId} and last_active_on is distinct from ${day}::date`,
  );
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id));
}

/** Deletes every session of a user and returns their ids, so caches can drop them too. */
export async function deleteSessionsOfUser(db: Db, userId: number): Promise<string[]> {
  const rows = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  return rows.map((r) => r.id);
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const rows = await db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id });
  return rows.length;
}

/**
 * Counts one attempt on `key` in fixed windows of `windowMs` (a new window opens at the first attempt after the
 * last one ended), in one statement — `insert … on conflict do update … returning` locks the key's row, so of
 * parallel attempts each sees the others' counts. Returns the count in the current window, this attempt
 * included, and when the window started.
 */
export async function countInWindow(
  db: Db,
  key: string,
  now: Date,
  windowMs: number,
): Promise<{ count: number; windowStartedAt: Date }> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const ended = sql`${loginThrottle.windowStartedAt} <= ${at} - ${windowMs} * interval '1 millisecond'`;
  const [row] = await db
    .insert(loginThrottle)
    .values({ key, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`case when ${ended} then 1 else ${loginThrottle.failures} + 1 end`,
        windowStartedAt: sql`case when ${ended} then ${at} else ${loginThrottle.windowStartedAt} end`,
      },
    })
    .returning({ count: loginThrottle.failures, windowStartedAt: loginThrottle.windowStartedAt });
  return row!;
}

/** Gives one counted attempt back on `key` (it turned out right). */
export async function refundAttempt(db: Db, key: string): Promise<void> {
  await db
    .update(loginThrottle)
    .set({ failures: sql`greatest(${loginThrottle.failures} - 1, 0)` })
    .where(eq(loginThrottle.key, key));
}

/**
 * Counts one attempt on every key, all or none, in one statement: the keys' rows are locked (`for update`,
 * in key order) for that statement only, so parallel attempts queue on them briefly and each sees the
 * others' counts — without a transaction holding a connection while it waits. A key without `windowMs` is
 * forgotten after `quietMs` since its last counted attempt or the end of its last wait; a key with `windowMs`
 * counts in fixed windows of that length (`window_started_at` is then its window's start): the first attempt
 * after its window ended opens a new one, from 1, however busy the key has been, and its waits end with its
 * window at the latest. When any key is waiting, nothing is counted and the answer is how many milliseconds
 * are left; else 0, and each key whose count reaches its free attempts waits `firstWaitMs`, doubled for each
 * attempt beyond, at most `maxWaitMs`.
 */
export async function countAttempt(
  db: Db,
  rules: { key: string; free: number; windowMs?: number }[],
  now: Date,
  policy: { quietMs: number; firstWaitMs: number; maxWaitMs: number },
): Promise<number> {
  if (rules.length === 0) return 0;
  await db
    .insert(loginThrottle)
    .values(rules.map((r) => ({ key: r.key, failures: 0, windowStartedAt: now })))
    .onConflictDoNothing();
  const at = sql`${now.toISOString()}::timestamptz`;
  const input = sql.join(
    rules.map((r) => sql`(${r.key}::text, ${r.free}::int, ${r.windowMs ?? null}::float8)`),
    sql`, `,
  );
  const ms = sql`interval '1 millisecond'`;
  const answer = await rows<{ waiting: boolean; blocked_until: string | Date | null }>(
    db,
    sql`with locked as (
          select l.key, l.failures, l.window_started_at, l.blocked_until, i.free, i.window_ms
          from identity_login_throttle l join (values ${input}) as i(key, free, window_ms) on i.key = l.key
          order by l.key
          for update of l
        ), aged as (
          select *, case
                      when window_ms is null then ${at} - greatest(window_started_at,
                        coalesce(blocked_until, window_started_at)) > ${policy.quietMs} * ${ms}
                      else ${at} - window_started_at >= window_ms * ${ms}
                    end as restart
          from locked
        ), judged as (
          select key, free, window_ms, blocked_until,
                 bool_or(not restart and coalesce(blocked_until > ${at}, false)) over () as waiting,
                 case when restart then 1 else failures + 1 end as counted,
                 case when window_ms is null or restart then ${at} else window_started_at end as started
          from aged
        )
        update identity_login_throttle t set
          failures = case when j.waiting then t.failures else j.counted end,
          window_started_at = case when j.waiting then t.window_started_at else j.started end,
          blocked_until = case
            when j.waiting then t.blocked_until
            when j.counted >= j.free then least(
              ${at} + least(
                ${policy.firstWaitMs}::float8 * power(2, least(j.counted - j.free, 20)), ${policy.maxWaitMs}::float8
              ) * ${ms},
              case when j.window_ms is not null then j.started + j.window_ms * ${ms} end
            )
            else null end
        from judged j
        where t.key = j.key
        returning j.waiting, j.blocked_until`,
  );
  const waits = answer
    .filter((r) => r.waiting && r.blocked_until !== null)
    .map((r) => new Date(r.blocked_until!).getTime() - now.getTime());
  return Math.max(0, ...waits);
}

export async function deleteThrottleKeys(db: Db, keys: string[]): Promise<void> {
  if (keys.length > 0) await db.delete(loginThrottle).where(inArray(loginThrottle.key, keys));
}

/** Deletes the counters whose last counted attempt and last wait both ended before `before`; returns how many. */
export async function deleteThrottleBefore(db: Db, before: Date): Promise<number> {
  const at = sql`${before.toISOString()}::timestamptz`;
  const gone = await db
    .delete(loginThrottle)
    .where(
      sql`${loginThrottle.windowStartedAt} < ${at} and coalesce(${loginThrottle.blockedUntil} < ${at}, true)`,
    )
    .returning({ key: loginThrottle.key });
  return gone.length;
}

/** Forgets the places people last signed in from before `before`; returns how many. */
export async function deleteKnownBefore(db: Db, before: Date): Promise<number> {
  const gone = await db
    .delete(loginKnown)
    .where(lt(loginKnown.lastAt, before))
    .returning({ source: loginKnown.source });
  return gone.length;
}

/**
 * After a successful sign-in, in one statement: deletes the person's own counters (`clear`), gives the attempt
 * back on the shared ones (`refund`: one fewer, no wait left below the free attempts) and notes the sources
 * the person signed in from.
 */
export async function settleSignIn(
  db: Db,
  input: {
    clear: string[];
    refund: { key: string; free: number }[];
    username: string;
    sources: string[];
    now: Date;
  },
): Promise<void> {
  const list = (keys: string[]) =>
    keys.length
      ? sql.join(
          keys.map((k) => sql`${k}::text`),
          sql`, `,
        )
      : sql`null::text`;
  const refunds = input.refund.length
    ? sql.join(
        input.refund.map((r) => sql`(${r.key}::text, ${r.free}::int)`),
        sql`, `,
      )
    : sql`(null::text, 0)`;
  const known = input.sources.length
    ? sql.join(
        input.sources.map(
          (s) => sql`(${input.username}::text, ${s}::text, ${input.now.toISOString()}::timestamptz)`,
        ),
        sql`, `,
      )
    : sql`(null::text, null::text, null::timestamptz)`;
  await db.execute(
    sql`with cleared as (
          delete from identity_login_throttle where key in (${list(input.clear)})
        ), refunded as (
          update identity_login_throttle t
          set failures = greatest(t.failures - 1, 0),
              blocked_until = case when t.failures - 1 < r.free then null else t.blocked_until end
          from (values ${refunds}) as r(key, free)
          where t.key = r.key
        )
        insert into identity_login_known (username, source, last_at)
        select * from (values ${known}) as k(username, source, last_at) where username is not null
        on conflict (username, source) do update set last_at = excluded.last_at`,
  );
}

/** Which of `sources` a person has signed in from since `since`. */
export async function knownSources(
  db: Db,
  username: string,
  sources: string[],
  since: Date,
): Promise<Set<string>> {
  if (sources.length === 0) return new Set();
  const found = await db
    .select({ source: loginKnown.source })
    .from(loginKnown)
    .where(
      and(
        eq(loginKnown.username, username),
        inArray(loginKnown.source, sources),
        sql`${loginKnown.lastAt} >= ${since.toISOString()}::timestamptz`,
      ),
    );
  return new Set(found.map((r) => r.source));
}

export async function insertAudit(db: Db, entry: typeof auditLog.$inferInsert): Promise<void> {
  await db.insert(auditLog).values(entry);
}

/**
 * Inserts many audit entries of rows of one table in one statement, in the order given. An entry without
 * `after` records the row as it is now (read in the statement, keyed by property names as Drizzle reads it,
 * timestamps as ISO strings, as `audit` would store it), so a bulk write need not read its rows back to audit
 * them; `before` and a given `after` are stored as JSON.
 */
export async function insertRowAudits(
  db: Db,
  who: { actorId: number | null; ip: string | null },
  table: PgTable,
  entity: string,
  entries: { action: string; id: number; before: unknown; after?: unknown }[],
): Promise<void> {
  if (entries.length === 0) return;
  const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));
  const current = sql.join(
    Object.entries(getTableColumns(table)).flatMap(([key, column]) => {
      const ref = sql.raw(`r."${column.name}"`);
      return [
        sql.raw(`'${key}'`),
        column.getSQLType().startsWith('timestamp')
          ? sql`to_char(${ref} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
          : ref,
      ];
    }),
    sql`, `,
  );
  await db.execute(
    sql`insert into ${auditLog} (actor_id, ip, action, entity, entity_id, before, after)
        select ${who.actorId}::int, ${who.ip}::text, u.action, ${entity}::text, u.id::text,
            nullif(u.before, '')::jsonb, coalesce(nullif(u.after, '')::jsonb, jsonb_build_object(${current}))
        from unnest(${textArray(entries.map((e) => e.action))}, ${intArray(entries.map((e) => e.id))},
            ${textArray(entries.map((e) => json(e.before)))}, ${textArray(entries.map((e) => json(e.after)))})
          with ordinality as u(action, id, before, after, n)
        join ${table} r on r.id = u.id
        order by u.n`,
  );
}

export async function listAudit(
  db: Db,
  filter: { entity?: string; entityId?: string; actorId?: number; limit: number; beforeId?: number },
) {
  const conditions = [
    filter.entity ? eq(auditLog.entity, filter.entity) : undefined,
    filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
    filter.actorId ? eq(auditLog.actorId, filter.actorId) : undefined,
    filter.beforeId ? lt(auditLog.id, filter.beforeId) : undefined,
  ].filter((c) => c !== undefined);
  return db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      actorId: auditLog.actorId,
      actorUsername: users.username,
      actorName: users.displayName,
      action: auditLog.action,
      entity: auditLog.entity,
      entityId: auditLog.entityId,
      before: auditLog.before,
      after: auditLog.after,
      ip: auditLog.ip,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(sql`${auditLog.id} desc`)
    .limit(filter.limit);
}

/**
 * Accounts matching a filter, by name: part of the username or full name, a role, a scope (grants held in one
 * of `institutionIds` or `areaIds`), a status. Returns a page and the total.
 */
export async function searchUsers(
  db: Db,
  filter: {
    q?: string;
    role?: Role;
    institutionIds?: number[];
    areaIds?: number[];
    status?: 'active' | 'disabled';
    limit: number;
    offset: number;
  },
) {
  const conditions: SQL[] = [];
  if (filter.q) {
    const like = '%' + filter.q.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    conditions.push(sql`(${users.username} ilike ${like} or ${users.displayName} ilike ${like})`);
  }
  if (filter.status) conditions.push(eq(users.status, filter.status));
  if (filter.role || filter.institutionIds || filter.areaIds) {
    const inScope: SQL[] = [];
    if (filter.institutionIds)
      inScope.push(
        filter.institutionIds.length
          ? sql`g.institution_id = any(${intArray(filter.institutionIds)})`
          : sql`false`,
      );
    if (filter.areaIds)
      inScope.push(filter.areaIds.length ? sql`g.area_id = any(${intArray(filter.areaIds)})` : sql`false`);
    conditions.push(
      sql`exists (select 1 from identity_role_grant g where g.user_id = ${users.id}
                  ${filter.role ? sql`and g.role = ${filter.role}` : sql``}
                  ${inScope.length ? sql`and (${sql.join(inScope, sql` or `)})` : sql``})`,
    );
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const [items, [count]] = await Promise.all([
    db
      .select({
        id: users.id,
        username: users.username,
        displayName: users.displayName,
        locale: users.locale,
        status: users.status,
        lastActiveOn: users.lastActiveOn,
      })
      .from(users)
      .where(where)
      .orderBy(users.displayName, users.id)
      .limit(filter.limit)
      .offset(filter.offset),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(where),
  ]);
  return { items, total: count?.n ?? 0 };
}

/** The grants of several people, with their ids, in one query. */
export async function grantsOfUsers(db: Db, userIds: number[]) {
  if (userIds.length === 0) return [];
  return db
    .select({
      id: roleGrants.id,
      userId: roleGrants.userId,
      role: roleGrants.role,
      areaId: roleGrants.areaId,
      institutionId: roleGrants.institutionId,
    })
    .from(roleGrants)
    .where(inArray(roleGrants.userId, userIds))
    .orderBy(roleGrants.id);
}

/** Takes the row lock of a user, so that changes to one person's roles and status queue up. */
/**
 * Queues the transactions that may take away an administrator (a role taken back, an account deactivated), so
 * that two of them at once cannot each count the other administrator and leave none. Taken before `lockUser`.
 */
export async function lockAdministrators(db: Db): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended('identity/administrators', 0))`);
}

export async function lockUser(db: Db, id: number): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).for('update');
  return row;
}

/** Deletes one grant of a user; what it was, or undefined when there was none. */
export async function deleteGrant(db: Db, userId: number, grantId: number) {
  const [row] = await db
    .delete(roleGrants)
    .where(and(eq(roleGrants.id, grantId), eq(roleGrants.userId, userId)))
    .returning({ role: roleGrants.role, areaId: roleGrants.areaId, institutionId: roleGrants.institutionId });
  return row;
}

/** How many people hold a role (to keep the last national administrator from being removed). */
export async function countActiveHolders(db: Db, role: Role): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(distinct ${users.id})::int` })
    .from(users)
    .innerJoin(roleGrants, eq(roleGrants.userId, users.id))
    .where(and(eq(roleGrants.role, role), eq(users.status, 'active')));
  return row?.n ?? 0;
}

/** Deletes every session of a user but one, and returns the ids deleted. */
export async function deleteOtherSessions(db: Db, userId: number, keep: string): Promise<string[]> {
  const rows = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), sql`${sessions.id} <> ${keep}`))
    .returning({ id: sessions.id });
  return rows.map((r) => r.id);
}

/** Display names of people, by id, for the audit log. */
export async function displayNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const found = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(inArray(users.id, ids));
  return new Map(found.map((r) => [r.id, r.name]));
}

/** How many accounts exist . */
export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row?.n ?? 0;
}

/**
 * The people among `usernames` or `ids` who hold `role` at `institutionId`, with their names: how other
 * modules check that a student or teacher belongs to a school without reading this module's tables.
 */
export async function roleHoldersAt(
  db: Db,
  role: Role,
  institutionId: number,
  who: { ids?: number[]; usernames?: string[] },
): Promise<{ id: number; username: string; displayName: string }[]> {
  const ids = who.ids ?? [];
  const usernames = who.usernames ?? [];
  if (ids.length === 0 && usernames.length === 0) return [];
  return db
    .selectDistinct({ id: users.id, username: users.username, displayName: users.displayName })
    .from(users)
    .innerJoin(roleGrants, eq(roleGrants.userId, users.id))
    .where(
      and(
        eq(roleGrants.role, role),
        eq(roleGrants.institutionId, institutionId),
        ids.length > 0 ? inArray(users.id, ids) : inArray(users.username, usernames),
      ),
    );
}

/** Everyone who holds one of `roles` at `institutionId` (a school's staff, say), by name. */
export async function peopleWithRolesAt(
  db: Db,
  roles: Role[],
  institutionId: number,
): Promise<{ id: number; username: string; displayName: string }[]> {
  return db
    .selectDistinct({ id: users.id, username: users.username, displayName: users.displayName })
    .from(users)
    .innerJoin(roleGrants, eq(roleGrants.userId, users.id))
    .where(and(inArray(roleGrants.role, roles), eq(roleGrants.institutionId, institutionId)))
    .orderBy(users.displayName, users.id);
}

/** People's names as a relation `(id, display_name)`, for other modules' SQL. */
export const userNamesRelation = () => sql`select id, display_name from ${users}`;

/** Names of the given people, for lists that show who is who. */
export async function namesOf(
  db: Db,
  ids: number[],
): Promise<{ id: number; username: string; displayName: string }[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: users.id, username: users.username, displayName: users.displayName })
    .from(users)
    .where(inArray(users.id, ids));
}
