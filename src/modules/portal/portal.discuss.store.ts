import { and, asc, desc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import { users, roleGrants } from '@/modules/identity/identity.tables';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import { classes, enrolments } from '@/modules/classroom/classroom.tables';
import {
  boards,
  flags,
  postRevisions,
  posts,
  reactions,
  threads,
  watchedWords,
  type Audience,
  type Reaction,
} from '@/modules/portal/portal.discuss.tables';

/** The SQL of the portal's discussions and their moderation. */

export type BoardRow = typeof boards.$inferSelect;
export type ThreadRow = typeof threads.$inferSelect;
export type PostRow = typeof posts.$inferSelect;

/** The schools a set of people hold a role at, with each school's area path. */
export async function schoolsOf(db: Db, userIds: number[], roles: ('student' | 'teacher' | 'director')[]) {
  if (!userIds.length) return [];
  return db
    .selectDistinct({ institutionId: institutions.id, areaId: institutions.areaId, path: areas.path })
    .from(roleGrants)
    .innerJoin(institutions, eq(institutions.id, roleGrants.institutionId))
    .innerJoin(areas, eq(areas.id, institutions.areaId))
    .where(and(inArray(roleGrants.userId, userIds), inArray(roleGrants.role, roles)));
}

/** An area's path, with the ids of the areas under it (itself included). */
export async function areaSubtree(db: Db, areaIds: number[]): Promise<number[]> {
  if (!areaIds.length) return [];
  const rows = await db
    .select({ id: areas.id })
    .from(areas)
    .where(
      sql`${areas.path} && array[${sql.join(
        areaIds.map((id) => sql`${id}`),
        sql`, `,
      )}]::int[]`,
    );
  return rows.map((r) => r.id);
}

export async function areaPathOf(db: Db, areaId: number): Promise<number[] | null> {
  const [a] = await db.select({ path: areas.path }).from(areas).where(eq(areas.id, areaId));
  return a?.path ?? null;
}

/** The highest grade a pupil is enrolled in, or null. */
export async function gradeOf(db: Db, studentId: number): Promise<number | null> {
  const [row] = await db
    .select({ grade: sql<number | null>`max(${classes.grade})` })
    .from(enrolments)
    .innerJoin(classes, eq(classes.id, enrolments.classId))
    .where(eq(enrolments.studentId, studentId));
  return row?.grade === null || row?.grade === undefined ? null : Number(row.grade);
}

/** How many of a person's posts a reader has seen (approved once: published or hidden since). */
export async function approvedCount(db: Db, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(posts)
    .where(and(eq(posts.authorId, userId), inArray(posts.status, ['published', 'hidden'])));
  return row?.n ?? 0;
}

export interface BoardPlaceOf {
  placeKind: 'nation' | 'area' | 'institution';
  areaId: number | null;
  institutionId: number | null;
  placePath: number[];
}

const placeKeyOf = (place: BoardPlaceOf) =>
  place.placeKind === 'nation'
    ? 'nation'
    : place.placeKind === 'area'
      ? `area:${place.areaId}`
      : `institution:${place.institutionId}`;

/**
 * The boards of audiences at places, each made the first time it is asked for: one select of the wanted
 * (audience, place) pairs, and only for those missing one multi-row insert (… on conflict do nothing) and a
 * second select. A read of boards that all exist writes nothing (and burns no serial values).
 */
export async function boardsAt(
  db: Db,
  wanted: { audience: Audience; place: BoardPlaceOf }[],
): Promise<BoardRow[]> {
  if (!wanted.length) return [];
  const want = new Map(wanted.map((w) => [`${w.audience}|${placeKeyOf(w.place)}`, w]));
  // (audience, place_key) in ((…), …): the unique index on the pair answers it.
  const find = async (keys: string[]) =>
    db
      .select()
      .from(boards)
      .where(
        sql`(${boards.audience}, ${boards.placeKey}) in (${sql.join(
          keys.map((k) => {
            const w = want.get(k)!;
            return sql`(${w.audience}, ${placeKeyOf(w.place)})`;
          }),
          sql`, `,
        )})`,
      );
  const found = new Map((await find([...want.keys()])).map((b) => [`${b.audience}|${b.placeKey}`, b]));
  const missing = [...want.keys()].filter((k) => !found.has(k));
  if (missing.length) {
    await db
      .insert(boards)
      .values(
        missing.map((k) => {
          const w = want.get(k)!;
          return { audience: w.audience, placeKey: placeKeyOf(w.place), ...w.place };
        }),
      )
      .onConflictDoNothing();
    for (const b of await find(missing)) found.set(`${b.audience}|${b.placeKey}`, b);
  }
  return [...want.keys()].map((k) => found.get(k)!);
}

/** A board of an audience at a place, made the first time it is asked for. */
export async function boardAt(db: Db, audience: Audience, place: BoardPlaceOf): Promise<BoardRow> {
  return (await boardsAt(db, [{ audience, place }]))[0]!;
}

export async function findBoard(db: Db, id: number): Promise<BoardRow | undefined> {
  const [row] = await db.select().from(boards).where(eq(boards.id, id));
  return row;
}

export async function findThread(db: Db, id: number) {
  const [row] = await db
    .select({ thread: threads, board: boards })
    .from(threads)
    .innerJoin(boards, eq(boards.id, threads.boardId))
    .where(eq(threads.id, id));
  return row;
}

export async function findPost(db: Db, id: number, lock = false) {
  const q = db
    .select({ post: posts, board: boards })
    .from(posts)
    .innerJoin(boards, eq(boards.id, posts.boardId))
    .where(eq(posts.id, id));
  const [row] = lock ? await q.for('update', { of: posts }) : await q;
  return row;
}

/** Who sees a post: a moderator every post under review or shown; others the shown ones and their own. */
const visibleTo = (userId: number, moderator: boolean) =>
  moderator
    ? sql`${posts.status} in ('published', 'held', 'hidden')`
    : sql`(${posts.status} = 'published' or (${posts.authorId} = ${userId} and ${posts.status} in ('held', 'hidden', 'rejected')))`;

/** A place in a board's list of threads: the last activity in microseconds since 1970, and the thread's id. */
export interface ThreadCursor {
  micros: string;
  id: number;
}

/**
 * A page of the threads of a board a reader sees: those whose opening post is published, and the reader's own
 * in any state (`mine` then shows it waiting). Latest activity first, keyset paged by (last_post_at, id) on
 * the board's index; each row carries its own place (`micros`, exact to the microsecond, as a string) for the
 * cursor of the next page.
 */
export async function listThreads(
  db: Db,
  boardId: number,
  userId: number,
  moderator: boolean,
  after: ThreadCursor | null,
  limit: number,
) {
  const cursor = after
    ? sql`(${threads.lastPostAt}, ${threads.id}) < (timestamptz 'epoch' + ${after.micros}::bigint * interval '1 microsecond', ${after.id})`
    : sql`true`;
  return db
    .select({
      id: threads.id,
      title: threads.title,
      createdAt: threads.createdAt,
      lastPostAt: threads.lastPostAt,
      micros: sql<string>`((extract(epoch from ${threads.lastPostAt}) * 1000000)::bigint)::text`,
      status: posts.status,
      editedAt: posts.editedAt,
      authorName: users.displayName,
      authorPupil: posts.authorPupil,
      replies: sql<number>`(select count(*)::int from ${posts} r where r.thread_id = ${threads.id}
        and r.status = 'published' and not r.opening)`,
    })
    .from(threads)
    .innerJoin(posts, and(eq(posts.threadId, threads.id), eq(posts.opening, true)))
    .leftJoin(users, eq(users.id, posts.authorId))
    .where(and(eq(threads.boardId, boardId), visibleTo(userId, moderator), cursor))
    .orderBy(desc(threads.lastPostAt), desc(threads.id))
    .limit(limit);
}

/**
 * A page of the posts of a thread a reader sees, oldest first (by id: the order they were written in), after
 * the post `after`, with reaction counts and the reader's own reactions.
 */
export async function listPosts(
  db: Db,
  threadId: number,
  userId: number,
  moderator: boolean,
  after: number | null,
  limit: number,
) {
  return db
    .select({
      id: posts.id,
      version: posts.version,
      body: posts.body,
      status: posts.status,
      opening: posts.opening,
      authorId: posts.authorId,
      authorName: users.displayName,
      authorPupil: posts.authorPupil,
      createdAt: posts.createdAt,
      editedAt: posts.editedAt,
      reactions: sql<Record<string, number> | null>`(select jsonb_object_agg(k.kind, k.n) from (
        select kind, count(*)::int n from ${reactions} where post_id = ${posts.id} group by kind) k)`,
      mine: sql<string[] | null>`(select array_agg(kind) from ${reactions}
        where post_id = ${posts.id} and user_id = ${userId})`,
      flagged: sql<boolean>`exists (select 1 from ${flags} where post_id = ${posts.id} and user_id = ${userId})`,
    })
    .from(posts)
    .leftJoin(users, eq(users.id, posts.authorId))
    .where(
      and(
        eq(posts.threadId, threadId),
        visibleTo(userId, moderator),
        after === null ? undefined : gt(posts.id, after),
      ),
    )
    .orderBy(asc(posts.id))
    .limit(limit);
}

/** A thread's opening post: its state and author. */
export async function openingOf(db: Db, threadId: number) {
  const [row] = await db
    .select({ id: posts.id, status: posts.status, authorId: posts.authorId })
    .from(posts)
    .where(and(eq(posts.threadId, threadId), eq(posts.opening, true)));
  return row;
}

export async function setThreadTitle(db: Db, threadId: number, title: string) {
  await db.update(threads).set({ title }).where(eq(threads.id, threadId));
}

export async function insertRevision(db: Db, values: typeof postRevisions.$inferInsert) {
  await db.insert(postRevisions).values(values);
}

/** A post's earlier texts, newest first, with who changed them. */
export async function revisionsOf(db: Db, postId: number) {
  return db
    .select({ revision: postRevisions, editorName: users.displayName })
    .from(postRevisions)
    .leftJoin(users, eq(users.id, postRevisions.editedBy))
    .where(eq(postRevisions.postId, postId))
    .orderBy(desc(postRevisions.id));
}

export async function insertThread(db: Db, values: typeof threads.$inferInsert): Promise<ThreadRow> {
  const [row] = await db.insert(threads).values(values).returning();
  return row!;
}

export async function insertPost(db: Db, values: typeof posts.$inferInsert): Promise<PostRow> {
  const [row] = await db.insert(posts).values(values).returning();
  return row!;
}

/** Moves a thread's last activity forward to `at` (never back: a later post may already be there). */
export async function touchThread(db: Db, threadId: number, at: Date) {
  await db
    .update(threads)
    .set({ lastPostAt: sql`greatest(${threads.lastPostAt}, ${at.toISOString()}::timestamptz)` })
    .where(eq(threads.id, threadId));
}

/** The status of a thread's opening post. */
export async function openingStatus(db: Db, threadId: number) {
  const [row] = await db
    .select({ status: posts.status })
    .from(posts)
    .where(and(eq(posts.threadId, threadId), eq(posts.opening, true)));
  return row?.status;
}

export async function react(db: Db, postId: number, userId: number, kind: Reaction, on: boolean) {
  if (on) await db.insert(reactions).values({ postId, userId, kind }).onConflictDoNothing();
  else
    await db
      .delete(reactions)
      .where(and(eq(reactions.postId, postId), eq(reactions.userId, userId), eq(reactions.kind, kind)));
}

export async function reactionCounts(db: Db, postId: number, userId: number) {
  const rows = await db
    .select({
      kind: reactions.kind,
      n: sql<number>`count(*)::int`,
      mine: sql<boolean>`bool_or(${reactions.userId} = ${userId})`,
    })
    .from(reactions)
    .where(eq(reactions.postId, postId))
    .groupBy(reactions.kind);
  return rows;
}

/** Adds a person's flag; false when they had flagged it already. */
export async function addFlag(
  db: Db,
  postId: number,
  userId: number,
  reason: (typeof flags.$inferInsert)['reason'],
) {
  const added = await db
    .insert(flags)
    .values({ postId, userId, reason })
    .onConflictDoNothing()
    .returning({ p: flags.postId });
  return added.length > 0;
}

export async function clearFlags(db: Db, postId: number) {
  await db.delete(flags).where(eq(flags.postId, postId));
}

export async function updatePost(
  db: Db,
  id: number,
  set: Partial<typeof posts.$inferInsert>,
  version?: number,
) {
  const [row] = await db
    .update(posts)
    .set({ ...set, version: sql`${posts.version} + 1` })
    .where(version === undefined ? eq(posts.id, id) : and(eq(posts.id, id), eq(posts.version, version)))
    .returning();
  return row;
}

/** The moderators' queue in a scope: posts under review, oldest first, after a keyset cursor. */
/** Whose queue: the ministry's (everything), or the posts of some areas and some schools. */
export type QueueScope = { all: true } | { all: false; areaIds: number[]; institutionIds: number[] };

/**
 * A page of the moderation queue (posts under review, oldest first, keyset paged by (queued_at, id)). The
 * page's ids are found first: for the ministry by one range scan of the queue index; for a region's officer
 * or a director by one limited range scan per area and per school (`unnest … cross join lateral … limit`,
 * each on its queue index) merged in one statement — never a sort of all the posts in scope. Then the page's
 * details are read for those ids only.
 */
export async function queue(
  db: Db,
  scope: QueueScope,
  after: { at: Date; id: number } | null,
  limit: number,
) {
  const cursor = after
    ? sql`and (queued_at, id) > (${after.at.toISOString()}::timestamptz, ${after.id})`
    : sql``;
  const per = (column: 'area_id' | 'institution_id', ids: number[]) => sql`
    select p.id, p.queued_at from unnest(${intArray(ids)}) s(key) cross join lateral (
      select id, queued_at from portal_post
      where review and ${sql.raw(column)} = s.key ${cursor}
      order by queued_at, id limit ${limit}) p`;
  let idsQuery: SQL;
  if (scope.all)
    idsQuery = sql`select id from portal_post where review ${cursor} order by queued_at, id limit ${limit}`;
  else {
    const parts: SQL[] = [];
    if (scope.areaIds.length) parts.push(per('area_id', scope.areaIds));
    if (scope.institutionIds.length) parts.push(per('institution_id', scope.institutionIds));
    if (!parts.length) return [];
    idsQuery = sql`select id from (${sql.join(parts, sql` union `)}) q order by queued_at, id limit ${limit}`;
  }
  const ids = (await rows<{ id: number }>(db, idsQuery)).map((r) => Number(r.id));
  if (!ids.length) return [];
  return db
    .select({
      post: posts,
      threadTitle: threads.title,
      audience: boards.audience,
      authorName: users.displayName,
      flagReasons: sql<
        string[] | null
      >`(select array_agg(distinct reason) from ${flags} where post_id = ${posts.id})`,
    })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(boards, eq(boards.id, posts.boardId))
    .leftJoin(users, eq(users.id, posts.authorId))
    .where(inArray(posts.id, ids))
    .orderBy(asc(posts.queuedAt), asc(posts.id));
}

export async function listWords(db: Db) {
  return db.select().from(watchedWords).orderBy(asc(watchedWords.folded));
}

export async function insertWord(db: Db, values: typeof watchedWords.$inferInsert) {
  const [row] = await db.insert(watchedWords).values(values).onConflictDoNothing().returning();
  return row;
}

export async function deleteWord(db: Db, id: number) {
  const [row] = await db.delete(watchedWords).where(eq(watchedWords.id, id)).returning();
  return row;
}
