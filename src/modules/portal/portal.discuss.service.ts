import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, conflict, forbidden, notFound } from '@/server/errors';
import { staleVersion } from '@/server/versions';
import { translate, type Locale } from '@/server/i18n';
import { now } from '@/server/clock';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { notify } from '@/modules/notifications/notifications.service';
import { placeNames } from '@/modules/portal/portal.place';
import * as store from '@/modules/portal/portal.discuss.store';
import { screen } from '@/modules/portal/portal.discuss.words';
import {
  AUDIENCES,
  type Audience,
  type FLAG_REASONS,
  type QueueReason,
  type Reaction,
} from '@/modules/portal/portal.discuss.tables';
import '@/modules/portal/portal.discuss.messages';

/**
 * The portal's discussions (docs/portal.md, "Discussions and moderation"): boards of pupils, parents and
 * teachers at the nation, an area or a school; threads and replies; reactions; flags. Pre-moderation is the
 * default for children: every post by a pupil under 13 (grade 6 or below, or no class known) and the first
 * three posts of any account wait for a moderator; watched words block, censor, hold or flag. There are no
 * private messages at all.
 */

export const NATIONAL_MODERATORS = ['admin', 'bureau', 'editor'] as const;
export const MODERATORS = ['admin', 'bureau', 'editor', 'regional', 'director'] as const;
/** Posts an account has approved before its posts go up without waiting. */
export const FIRST_POSTS = 3;
/** Flags by different people that hide a post. */
export const HIDING_FLAGS = 3;
/** The highest grade counted as under 13: the platform keeps no birth dates. */
export const YOUNG_GRADE = 6;

interface SchoolAt {
  institutionId: number;
  areaId: number;
  path: number[];
}

/** Who a person is to the boards: the schools they are at in each capacity, and what they moderate. */
export interface Viewer {
  userId: number;
  national: boolean;
  /** Areas of regional officers' grants, and every area under them. */
  regionalAreas: number[];
  directorSchools: number[];
  pupil: SchoolAt[];
  staff: SchoolAt[];
  parent: SchoolAt[];
}

export async function viewerOf(db: Db, actor: Actor): Promise<Viewer> {
  const roles = new Set(actor.grants.map((g) => g.role));
  const national = NATIONAL_MODERATORS.some((r) => roles.has(r));
  const regionalGrants = actor.grants.filter((g) => g.role === 'regional' && g.areaId).map((g) => g.areaId!);
  const mine = await store.schoolsOf(db, [actor.userId], ['student', 'teacher', 'director']);
  const pupilIds = new Set(
    actor.grants.filter((g) => g.role === 'student' && g.institutionId).map((g) => g.institutionId!),
  );
  const staffIds = new Set(
    actor.grants
      .filter((g) => (g.role === 'teacher' || g.role === 'director') && g.institutionId)
      .map((g) => g.institutionId!),
  );
  return {
    userId: actor.userId,
    national,
    regionalAreas: await store.areaSubtree(db, regionalGrants),
    directorSchools: actor.grants
      .filter((g) => g.role === 'director' && g.institutionId)
      .map((g) => g.institutionId!),
    pupil: mine.filter((s) => pupilIds.has(s.institutionId)),
    staff: mine.filter((s) => staffIds.has(s.institutionId)),
    parent: roles.has('parent') ? await store.schoolsOf(db, actor.childIds, ['student']) : [],
  };
}

type BoardPlace = Pick<store.BoardRow, 'placeKind' | 'areaId' | 'institutionId' | 'placePath'>;

/** Whether a board's place takes in one of these schools. */
const atPlace = (schools: SchoolAt[], b: BoardPlace) =>
  schools.some((s) =>
    b.placeKind === 'nation'
      ? true
      : b.placeKind === 'area'
        ? s.path.includes(b.areaId!)
        : s.institutionId === b.institutionId,
  );

/** Whether the viewer moderates a board: the ministry all, a regional officer its areas, a director its school. */
export function moderates(v: Viewer, b: BoardPlace): boolean {
  if (v.national) return true;
  if (b.placeKind === 'nation') return false;
  if (b.areaId !== null && v.regionalAreas.includes(b.areaId)) return true;
  return b.placeKind === 'institution' && v.directorSchools.includes(b.institutionId!);
}

/**
 * Who takes part in a board (reads and writes): pupils' boards their pupils and staff; parents' boards the
 * parents of pupils there and staff; teachers' boards the staff only — each at the board's place — and its
 * moderators. A parent never sees a pupils' board, a pupil never a parents' or teachers' one.
 */
export function takesPart(v: Viewer, b: BoardPlace & { audience: Audience }): boolean {
  if (moderates(v, b)) return true;
  if (atPlace(v.staff, b)) return true;
  if (b.audience === 'students') return atPlace(v.pupil, b);
  if (b.audience === 'parents') return atPlace(v.parent, b);
  return false;
}

/** First name and initial, as pupils are shown: "Aysel Məmmədova" → "Aysel M.". */
export function shortName(name: string): string {
  const [first, second] = name.trim().split(/\s+/u);
  return second ? `${first} ${[...second][0]}.` : (first ?? '');
}
const authorLabel = (name: string | null, pupil: boolean) => (name ? (pupil ? shortName(name) : name) : '—');

async function boardOut(db: Db, locale: Locale, rows: store.BoardRow[]) {
  const name = await placeNames(db, locale, rows);
  return rows.map((b) => ({ id: b.id, audience: b.audience, place: name(b) }));
}

/** The boards a person takes part in: for each audience of theirs, the nation's, their areas' and schools'. */
export async function myBoards(db: Db, actor: Actor, locale: Locale) {
  const v = await viewerOf(db, actor);
  const wanted: { audience: Audience; place: BoardPlace }[] = [];
  const nation: BoardPlace = { placeKind: 'nation', areaId: null, institutionId: null, placePath: [] };
  const addSchools = (audience: Audience, schools: SchoolAt[]) => {
    if (!schools.length) return;
    wanted.push({ audience, place: nation });
    for (const s of schools) {
      s.path.slice(1).forEach((areaId, i) =>
        wanted.push({
          audience,
          place: { placeKind: 'area', areaId, institutionId: null, placePath: s.path.slice(0, i + 2) },
        }),
      );
      wanted.push({
        audience,
        place: {
          placeKind: 'institution',
          areaId: s.areaId,
          institutionId: s.institutionId,
          placePath: s.path,
        },
      });
    }
  };
  addSchools('students', [...v.pupil, ...v.staff]);
  addSchools('parents', [...v.parent, ...v.staff]);
  addSchools('teachers', v.staff);
  if (v.national) for (const audience of AUDIENCES) wanted.push({ audience, place: nation });
  for (const g of actor.grants.filter((g) => g.role === 'regional' && g.areaId)) {
    const path = await store.areaPathOf(db, g.areaId!);
    if (path)
      for (const audience of AUDIENCES)
        wanted.push({
          audience,
          place: { placeKind: 'area', areaId: g.areaId!, institutionId: null, placePath: path },
        });
  }
  const rows = new Map<number, store.BoardRow>();
  for (const b of await store.boardsAt(db, wanted)) rows.set(b.id, b);
  const kindOrder = { nation: 0, area: 1, institution: 2 };
  const sorted = [...rows.values()].sort(
    (a, b) =>
      AUDIENCES.indexOf(a.audience) - AUDIENCES.indexOf(b.audience) ||
      kindOrder[a.placeKind] - kindOrder[b.placeKind] ||
      a.placePath.length - b.placePath.length ||
      a.id - b.id,
  );
  return { boards: await boardOut(db, locale, sorted) };
}

async function openBoard(db: Db, v: Viewer, id: number) {
  const b = await store.findBoard(db, id);
  // A board one does not take part in is answered as one that does not exist: ids of others' boards stay
  // unknown.
  if (!b || !takesPart(v, b)) throw notFound('board');
  return b;
}

/** Threads a page of a board lists by default, and at most. */
export const THREAD_PAGE = 20;
export const THREAD_PAGE_MAX = 50;
/** Posts a page of a thread shows by default, and at most. */
export const POST_PAGE = 50;
export const POST_PAGE_MAX = 100;
/** How long after writing it an author may change a published post (a held one, until it is decided). */
export const EDIT_WINDOW_MS = 24 * 60 * 60 * 1000;
const INT4 = 2_147_483_647;

/** A thread list's cursor: `<last activity in µs since 1970>-<thread id>`. */
const THREAD_CURSOR = /^(\d{1,16})-(\d{1,10})$/;
/** A thread's cursor: the id of the last post read. */
const POST_CURSOR = /^\d{1,10}$/;

/** A cursor that is no place in the list: 422 naming the field (never a 500 from an out-of-range integer). */
const badCursor = (locale: Locale): never => {
  throw new AppError(422, 'portal.discuss.invalid', {}, [
    {
      field: 'after',
      reason: 'cursor',
      message: `after: ${translate(locale, 'portal.discuss.rule.page')}`,
    },
  ]);
};

function threadCursor(locale: Locale, after: string | undefined): store.ThreadCursor | null {
  if (after === undefined) return null;
  const m = THREAD_CURSOR.exec(after);
  if (!m || Number(m[2]) > INT4 || Number(m[2]) < 1) return badCursor(locale);
  return { micros: String(BigInt(m[1]!)), id: Number(m[2]) };
}

function postCursor(locale: Locale, after: string | undefined): number | null {
  if (after === undefined) return null;
  if (!POST_CURSOR.test(after) || Number(after) > INT4 || Number(after) < 1) return badCursor(locale);
  return Number(after);
}

/** Whether an author may still change a post: while it waits, or for a day after writing it when shown. */
export const editable = (p: { status: string; createdAt: Date }, at = now()) =>
  p.status === 'held' || (p.status === 'published' && at.getTime() - p.createdAt.getTime() < EDIT_WINDOW_MS);

/** A board with a page of its threads, latest activity first; `next` is the cursor of the page after. */
export async function getBoard(
  db: Db,
  actor: Actor,
  locale: Locale,
  id: number,
  q: { after?: string; limit?: number } = {},
) {
  const after = threadCursor(locale, q.after);
  const v = await viewerOf(db, actor);
  const b = await openBoard(db, v, id);
  const limit = Math.min(q.limit ?? THREAD_PAGE, THREAD_PAGE_MAX);
  const rows = await store.listThreads(db, id, actor.userId, moderates(v, b), after, limit);
  const last = rows[rows.length - 1];
  return {
    board: (await boardOut(db, locale, [b]))[0]!,
    threads: rows.map((t) => ({
      id: t.id,
      title: t.title,
      author: authorLabel(t.authorName, t.authorPupil),
      status: t.status,
      replies: t.replies,
      lastPostAt: t.lastPostAt.toISOString(),
      edited: t.editedAt !== null,
    })),
    next: rows.length === limit && last ? `${last.micros}-${last.id}` : null,
  };
}

/** Whether a reader sees a thread at all: its opening post is shown, or theirs, or they moderate it. */
const seesOpening = (
  opening: { status: string; authorId: number | null } | undefined,
  userId: number,
  mod: boolean,
) =>
  !!opening &&
  (opening.status === 'published' ||
    (mod && (opening.status === 'held' || opening.status === 'hidden')) ||
    (opening.authorId === userId && ['held', 'hidden', 'rejected'].includes(opening.status)));

/** A thread with a page of the posts the reader sees, oldest first; `next` is the cursor of the page after. */
export async function getThread(
  db: Db,
  actor: Actor,
  locale: Locale,
  id: number,
  q: { after?: string; limit?: number } = {},
) {
  const after = postCursor(locale, q.after);
  const v = await viewerOf(db, actor);
  const found = await store.findThread(db, id);
  if (!found || !takesPart(v, found.board)) throw notFound('thread');
  const mod = moderates(v, found.board);
  const opening = await store.openingOf(db, id);
  // A thread whose opening post readers cannot see is not there for them.
  if (!seesOpening(opening, actor.userId, mod)) throw notFound('thread');
  const limit = Math.min(q.limit ?? POST_PAGE, POST_PAGE_MAX);
  const rows = await store.listPosts(db, id, actor.userId, mod, after, limit);
  const at = now();
  const last = rows[rows.length - 1];
  return {
    id,
    title: found.thread.title,
    board: (await boardOut(db, locale, [found.board]))[0]!,
    moderator: mod,
    open: opening!.status === 'published',
    posts: rows.map((p) => ({
      id: p.id,
      version: p.version,
      author: authorLabel(p.authorName, p.authorPupil),
      mine: p.authorId === actor.userId,
      opening: p.opening,
      body: p.body,
      status: p.status,
      createdAt: p.createdAt.toISOString(),
      editedAt: p.editedAt?.toISOString() ?? null,
      editable: p.authorId === actor.userId && editable(p, at),
      reactions: p.reactions ?? {},
      myReactions: p.mine ?? [],
      flagged: p.flagged,
    })),
    next: rows.length === limit && last ? String(last.id) : null,
  };
}

const refuse = (locale: Locale, field: string, rule: string): never => {
  throw new AppError(422, 'portal.discuss.invalid', {}, [
    {
      field,
      reason: rule,
      message: `${translate(locale, `portal.discuss.field.${field}`)}: ${translate(locale, `portal.discuss.rule.${rule}`)}`,
    },
  ]);
};

/**
 * Why a person's posts on a board wait for a moderator whatever they say: a pupil under 13 (grade 6 or
 * below, or no class known), and anyone but the board's moderators until three of their posts were approved.
 */
async function premoderation(db: Db, actor: Actor, v: Viewer, board: BoardPlace): Promise<QueueReason[]> {
  const reasons: QueueReason[] = [];
  if (actor.grants.some((g) => g.role === 'student')) {
    const grade = await store.gradeOf(db, actor.userId);
    if (grade === null || grade <= YOUNG_GRADE) reasons.push('young');
  }
  if (!moderates(v, board) && (await store.approvedCount(db, actor.userId)) < FIRST_POSTS)
    reasons.push('new_account');
  return reasons;
}

/**
 * Tells a thread's author of a reply that is now shown (not of their own): the thread's title and where, never
 * the reply's text. In the caller's transaction.
 */
export async function notifyReply(
  tx: Db,
  threadId: number,
  post: { id: number; authorId: number | null; opening: boolean },
) {
  if (post.opening) return;
  const found = await store.findThread(tx, threadId);
  const author = found?.thread.authorId;
  if (!found || author === null || author === undefined || author === post.authorId) return;
  await notify(tx, [author], 'portal_reply', { threadId, postId: post.id, title: found.thread.title });
}

/**
 * Writes a post (and, with a title, the thread it opens): screened against the watched words, then held for
 * a moderator when its author is a pupil under 13 or has fewer than three approved posts, or a word says so.
 */
async function write(
  db: Db,
  actor: Actor,
  locale: Locale,
  board: store.BoardRow,
  v: Viewer,
  text: { title?: string; body: string },
  threadId: number | null,
) {
  const body = text.body.trim();
  const title = text.title?.trim() ?? '';
  if (text.title !== undefined && !title) refuse(locale, 'title', 'required');
  if (!body) refuse(locale, 'body', 'required');
  const words = (await store.listWords(db)).map((w) => ({ folded: w.folded, action: w.action }));
  const t = screen(title, words);
  const b = screen(body, words);
  if (t.blocked) refuse(locale, 'title', 'blocked_word');
  if (b.blocked) refuse(locale, 'body', 'blocked_word');
  const pupil = actor.grants.some((g) => g.role === 'student');
  const reasons = await premoderation(db, actor, v, board);
  if (t.hold || b.hold) reasons.push('word_hold');
  const held = reasons.length > 0;
  if (t.flag || b.flag) reasons.push('word_flag');
  const at = now();
  return db.transaction(async (tx) => {
    let id = threadId;
    if (id === null)
      id = (
        await store.insertThread(tx, {
          boardId: board.id,
          authorId: actor.userId,
          title: t.text,
          createdAt: at,
          lastPostAt: at,
        })
      ).id;
    const post = await store.insertPost(tx, {
      threadId: id,
      boardId: board.id,
      opening: threadId === null,
      authorId: actor.userId,
      authorPupil: pupil,
      body: b.text,
      status: held ? 'held' : 'published',
      review: reasons.length > 0,
      reasons,
      placeKind: board.placeKind,
      areaId: board.areaId,
      institutionId: board.institutionId,
      createdAt: at,
      queuedAt: at,
    });
    if (!held && threadId !== null) {
      await store.touchThread(tx, id, at);
      await notifyReply(tx, id, post);
    }
    return { threadId: id, postId: post.id, status: post.status, reasons };
  });
}

export async function createThread(
  db: Db,
  actor: Actor,
  locale: Locale,
  boardId: number,
  body: { title: string; body: string },
) {
  const v = await viewerOf(db, actor);
  const board = await openBoard(db, v, boardId);
  return write(db, actor, locale, board, v, body, null);
}

export async function reply(db: Db, actor: Actor, locale: Locale, threadId: number, body: { body: string }) {
  const v = await viewerOf(db, actor);
  const found = await store.findThread(db, threadId);
  if (!found || !takesPart(v, found.board)) throw notFound('thread');
  const opening = await store.openingOf(db, threadId);
  if (!seesOpening(opening, actor.userId, moderates(v, found.board))) throw notFound('thread');
  if (opening!.status !== 'published') throw conflict('portal.discuss.not_open');
  return write(db, actor, locale, found.board, v, { body: body.body }, threadId);
}

/** A published post, in a thread whose opening post is published, that the viewer may see: for reacting or flagging. */
async function visiblePost(db: Db, v: Viewer, id: number) {
  const found = await store.findPost(db, id);
  if (!found || found.post.status !== 'published' || !takesPart(v, found.board)) throw notFound('post');
  if (!found.post.opening && (await store.openingStatus(db, found.post.threadId)) !== 'published')
    throw notFound('post');
  return found.post;
}

export async function setReaction(db: Db, actor: Actor, postId: number, kind: Reaction, on: boolean) {
  const v = await viewerOf(db, actor);
  await visiblePost(db, v, postId);
  await store.react(db, postId, actor.userId, kind, on);
  const counts = await store.reactionCounts(db, postId, actor.userId);
  return {
    reactions: Object.fromEntries(counts.map((c) => [c.kind, c.n])),
    myReactions: counts.filter((c) => c.mine).map((c) => c.kind),
  };
}

/**
 * Flags a post: one flag per person; the post goes to the moderators' queue, and the third flag hides it
 * until a moderator restores or removes it (audited as the flagger's hiding).
 */
export async function flag(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  postId: number,
  reason: (typeof FLAG_REASONS)[number],
) {
  const v = await viewerOf(db, actor);
  const post = await visiblePost(db, v, postId);
  if (post.authorId === actor.userId) throw conflict('portal.discuss.own_post');
  return db.transaction(async (tx) => {
    const found = await store.findPost(tx, postId, true);
    const p = found!.post;
    // No longer published (hidden, removed) since it was read: nothing is stored, so nothing is claimed.
    if (p.status !== 'published') throw notFound('post');
    if (!(await store.addFlag(tx, postId, actor.userId, reason))) return { flagged: true, hidden: false };
    const count = p.flagCount + 1;
    const hide = count >= HIDING_FLAGS;
    const reasons = [...new Set([...p.reasons, 'flagged', ...(hide ? ['hidden'] : [])])];
    const after = await store.updatePost(tx, postId, {
      flagCount: count,
      review: true,
      reasons,
      queuedAt: p.review ? p.queuedAt : now(),
      ...(hide ? { status: 'hidden' as const } : {}),
    });
    if (hide)
      await audit(tx, ctx, {
        action: 'hide',
        entity: 'portal_post',
        entityId: postId,
        before: { status: p.status, flagCount: p.flagCount },
        after: { status: after!.status, flagCount: count },
      });
    return { flagged: true, hidden: hide };
  });
}

/**
 * The author changes their post's text (and, for a thread's first post, its title) at the version they read:
 * while it waits for a moderator, or for a day after writing it while it is shown. The text is screened again
 * like new text: a blocked word refuses it, censored words are starred, and it goes back to the moderators'
 * queue (held) when its author's posts wait anyway (a pupil under 13, a new account) or a word holds it; a
 * flagging word puts it in the queue while it stays shown. The text before is kept as a revision for the
 * moderators; the edit is audited. A moderator's decision on the same post at the same time takes the row
 * lock and the version too, so one of the two is refused with 409 `stale_version`.
 */
export async function editPost(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  postId: number,
  input: { body: string; title?: string; version: number },
) {
  const v = await viewerOf(db, actor);
  const found = await store.findPost(db, postId);
  const mine = found?.post.authorId === actor.userId;
  // Another's post one cannot see is not there; one's own post is there in any state.
  if (!found || !takesPart(v, found.board)) throw notFound('post');
  if (!mine) {
    if (found.post.status === 'published' || moderates(v, found.board)) throw forbidden();
    throw notFound('post');
  }
  if (!editable(found.post)) throw conflict('portal.discuss.edit_closed');
  const body = input.body.trim();
  const title = input.title?.trim();
  if (input.title !== undefined && !found.post.opening) refuse(locale, 'title', 'opening_only');
  if (input.title !== undefined && !title) refuse(locale, 'title', 'required');
  if (!body) refuse(locale, 'body', 'required');
  const words = (await store.listWords(db)).map((w) => ({ folded: w.folded, action: w.action }));
  const t = title === undefined ? null : screen(title, words);
  const b = screen(body, words);
  if (t?.blocked) refuse(locale, 'title', 'blocked_word');
  if (b.blocked) refuse(locale, 'body', 'blocked_word');
  const waits = await premoderation(db, actor, v, found.board);
  if (t?.hold || b.hold) waits.push('word_hold');
  const flagged = !!(t?.flag || b.flag);
  return db.transaction(async (tx) => {
    const locked = (await store.findPost(tx, postId, true))!;
    const p = locked.post;
    const thread = (await store.findThread(tx, p.threadId))!.thread;
    const current = { postId: p.id, version: p.version, status: p.status };
    if (p.version !== input.version) throw staleVersion(input, current);
    const at = now();
    if (!editable(p, at)) throw conflict('portal.discuss.edit_closed');
    // The moderators' reasons that still stand (flags by readers stay), and the new text's own.
    const kept = p.reasons.filter((r) =>
      p.status === 'held' ? r !== 'word_hold' && r !== 'word_flag' : r === 'flagged' || r === 'hidden',
    );
    const reasons = [...new Set([...kept, ...waits, ...(flagged ? ['word_flag'] : [])])];
    const held = p.status === 'held' || waits.length > 0;
    const review = held || reasons.length > 0;
    await store.insertRevision(tx, {
      postId,
      version: p.version,
      title: p.opening ? thread.title : null,
      body: p.body,
      status: p.status,
      editedBy: actor.userId,
      createdAt: at,
    });
    const after = await store.updatePost(
      tx,
      postId,
      {
        body: b.text,
        editedAt: at,
        status: held ? 'held' : p.status,
        review,
        reasons,
        queuedAt: review && !p.review ? at : p.queuedAt,
      },
      input.version,
    );
    if (!after) throw staleVersion(input, current);
    if (t && t.text !== thread.title) await store.setThreadTitle(tx, p.threadId, t.text);
    await audit(tx, ctx, {
      action: 'edit',
      entity: 'portal_post',
      entityId: postId,
      before: { version: p.version, status: p.status, reasons: p.reasons },
      after: { version: after.version, status: after.status, reasons: after.reasons },
    });
    return {
      postId,
      threadId: p.threadId,
      version: after.version,
      status: after.status,
      reasons: after.reasons as QueueReason[],
      editedAt: at.toISOString(),
    };
  });
}
