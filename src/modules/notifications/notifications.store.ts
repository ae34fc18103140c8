import { and, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import { notifications } from '@/modules/notifications/notifications.tables';

/** The notifications module's SQL. */

/** A stored notification. */
export interface NotificationRow {
  id: number;
  kind: string;
  params: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
}

/**
 * One notification of the same kind and parameters for each of `userIds`, in one statement, stamped `at` (the
 * server's clock, which the evening summary's windows are measured by).
 */
export async function insertForUsers(
  db: Db,
  userIds: number[],
  kind: string,
  params: Record<string, unknown>,
  at: Date,
): Promise<void> {
  if (userIds.length === 0) return;
  await db.execute(
    sql`insert into ${notifications} (user_id, kind, params, created_at)
        select u, ${kind}, ${JSON.stringify(params)}::jsonb, ${at.toISOString()}::timestamptz
        from unnest(${intArray(userIds)}) as u`,
  );
}

/** One notification per row, each to its person with its own parameters, in one statement, stamped `at`. */
export async function insertEach(
  db: Db,
  kind: string,
  rows: { userId: number; params: Record<string, unknown> }[],
  at: Date,
): Promise<void> {
  if (rows.length === 0) return;
  const list = JSON.stringify(rows.map((r) => ({ u: r.userId, p: r.params })));
  await db.execute(
    sql`insert into ${notifications} (user_id, kind, params, created_at)
        select (x ->> 'u')::int, ${kind}, x -> 'p', ${at.toISOString()}::timestamptz
        from jsonb_array_elements(${list}::jsonb) as x`,
  );
}

/** Removes, from these people, the notifications whose `params[key]` is `id` (about something now gone). */
export async function deleteAbout(db: Db, userIds: number[], key: string, id: number): Promise<void> {
  if (userIds.length === 0) return;
  await db.execute(
    sql`delete from ${notifications}
        where user_id = any(${intArray(userIds)}) and params ->> ${key} = ${String(id)}`,
  );
}

/**
 * Removes, from these people, the notifications of `kind` whose parameters contain one of `matches` (each a
 * few parameters with their JSON values, as `params @> match`), in one statement.
 */
export async function deleteMatching(
  db: Db,
  userIds: number[],
  kind: string,
  matches: Record<string, unknown>[],
): Promise<number> {
  if (userIds.length === 0 || matches.length === 0) return 0;
  const found = await rows<{ id: number }>(
    db,
    sql`delete from ${notifications}
        where user_id = any(${intArray(userIds)}) and kind = ${kind}
          and exists (select 1 from jsonb_array_elements(${JSON.stringify(matches)}::jsonb) m where params @> m)
        returning id`,
  );
  return found.length;
}

/** A journal notice (absence or mark) as the evening summary reads it. */
export interface JournalNoticeRow {
  userId: number;
  kind: 'journal_absence' | 'journal_mark';
  params: Record<string, unknown>;
}

/** Every parent's journal notices stamped in `[from, to)`, oldest first. */
export async function journalNoticesBetween(db: Db, from: Date, to: Date): Promise<JournalNoticeRow[]> {
  return rows<JournalNoticeRow>(
    db,
    sql`select user_id as "userId", kind, params from ${notifications}
        where kind in ('journal_absence', 'journal_mark')
          and created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz
        order by id`,
  );
}

/**
 * Writes each parent's day summaries (one per child and day, `params.studentId` and `params.dayOn`) in one
 * statement: a summary already there is replaced when its content changed (and is unread again), else left
 * alone, so running the day again adds nothing. Returns how many were written.
 */
export async function upsertJournalDays(
  db: Db,
  list: { userId: number; params: Record<string, unknown> }[],
): Promise<number> {
  if (list.length === 0) return 0;
  const json = JSON.stringify(list.map((r) => ({ u: r.userId, p: r.params })));
  const written = await rows<{ id: number }>(
    db,
    sql`insert into ${notifications} (user_id, kind, params)
        select (x ->> 'u')::int, 'journal_day', x -> 'p' from jsonb_array_elements(${json}::jsonb) as x
        on conflict (user_id, (params ->> 'studentId'), (params ->> 'dayOn')) where kind = 'journal_day'
        do update set params = excluded.params, read_at = null
          where ${notifications}.params is distinct from excluded.params
        returning id`,
  );
  return written.length;
}

/** A person's latest notification of a kind about each of the given children (`params.studentId`). */
export async function latestAboutChildren(
  db: Db,
  userId: number,
  kind: string,
  studentIds: number[],
): Promise<NotificationRow[]> {
  if (studentIds.length === 0) return [];
  return rows<NotificationRow>(
    db,
    sql`select distinct on (params ->> 'studentId') id, kind, params, created_at as "createdAt", read_at as "readAt"
        from ${notifications}
        where user_id = ${userId} and kind = ${kind}
          and (params ->> 'studentId')::int = any(${intArray(studentIds)})
        order by params ->> 'studentId', id desc`,
  );
}

/** A person's notifications, newest first, optionally before an id (paging). */
export async function listOf(
  db: Db,
  userId: number,
  limit: number,
  before: number | undefined,
): Promise<NotificationRow[]> {
  const found = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      params: notifications.params,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
    })
    .from(notifications)
    .where(
      and(eq(notifications.userId, userId), before === undefined ? undefined : lt(notifications.id, before)),
    )
    .orderBy(desc(notifications.id))
    .limit(limit);
  return found as NotificationRow[];
}

/** A person's newest notifications and how many of all theirs are unread, in one query. */
export async function firstPageOf(
  db: Db,
  userId: number,
  limit: number,
): Promise<{ unread: number; items: NotificationRow[] }> {
  const found = await rows<{ unread: number } & { [K in keyof NotificationRow]: NotificationRow[K] | null }>(
    db,
    sql`select u.unread, n.id, n.kind, n.params, n.created_at as "createdAt", n.read_at as "readAt"
        from (select count(*)::int as unread from ${notifications}
              where user_id = ${userId} and read_at is null) u
        left join lateral (select id, kind, params, created_at, read_at from ${notifications}
                           where user_id = ${userId} order by id desc limit ${limit}) n on true
        order by n.id desc`,
  );
  return {
    unread: found[0]?.unread ?? 0,
    items: found.flatMap((r) =>
      r.id === null
        ? []
        : [
            {
              id: r.id,
              kind: r.kind!,
              params: r.params!,
              createdAt: new Date(r.createdAt!),
              readAt: r.readAt === null ? null : new Date(r.readAt),
            },
          ],
    ),
  };
}

/** How many of a person's notifications are unread. */
export async function unreadCount(db: Db, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** Marks a person's notifications read: the given ones (others' ids are ignored), or all. */
export async function markRead(db: Db, userId: number, ids: number[] | null): Promise<void> {
  await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(
      and(
        eq(notifications.userId, userId),
        isNull(notifications.readAt),
        ids === null ? undefined : inArray(notifications.id, ids),
      ),
    );
}
