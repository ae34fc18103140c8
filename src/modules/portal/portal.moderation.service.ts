import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, conflict, forbidden, notFound } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import { now } from '@/server/clock';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { placeNames } from '@/modules/portal/portal.place';
import * as store from '@/modules/portal/portal.discuss.store';
import {
  moderates,
  notifyReply,
  shortName,
  viewerOf,
  type Viewer,
} from '@/modules/portal/portal.discuss.service';
import { notify } from '@/modules/notifications/notifications.service';
import { wordKey } from '@/modules/portal/portal.discuss.words';
import type { PostStatus, WordAction } from '@/modules/portal/portal.discuss.tables';
import '@/modules/portal/portal.discuss.messages';

/**
 * Moderation of the portal's discussions: the queue of held, flagged and hidden posts in a moderator's scope
 * (a school's director, a region's or district's officer, the ministry), its decisions, and the ministry's
 * watched words. Every decision and every change of the words is written to the audit log.
 */

/** The posts under review that a viewer moderates: all of them, or those of some areas and schools. */
function scopeOf(v: Viewer): store.QueueScope {
  if (v.national) return { all: true };
  return { all: false, areaIds: v.regionalAreas, institutionIds: v.directorSchools };
}

/** A keyset cursor: the queue time in milliseconds and the post id of the last item read. */
const CURSOR = /^(\d{1,13})-(\d{1,10})$/;

export async function moderationQueue(
  db: Db,
  actor: Actor,
  locale: Locale,
  q: { after?: string; limit?: number },
) {
  const v = await viewerOf(db, actor);
  const m = q.after ? CURSOR.exec(q.after) : null;
  // The post id is a PostgreSQL integer: a larger one is no place in the queue (and no 500).
  if (q.after && (!m || Number(m[2]) > 2147483647))
    throw new AppError(422, 'portal.discuss.invalid', {}, [
      {
        field: 'after',
        reason: 'cursor',
        message: `after: ${translate(locale, 'portal.discuss.rule.cursor')}`,
      },
    ]);
  const limit = q.limit ?? 50;
  const rows = await store.queue(
    db,
    scopeOf(v),
    m ? { at: new Date(Number(m[1])), id: Number(m[2]) } : null,
    limit,
  );
  const name = await placeNames(
    db,
    locale,
    rows.map((r) => r.post),
  );
  const last = rows[rows.length - 1];
  return {
    items: rows.map((r) => ({
      postId: r.post.id,
      version: r.post.version,
      threadId: r.post.threadId,
      threadTitle: r.threadTitle,
      opening: r.post.opening,
      audience: r.audience,
      place: name(r.post),
      author: r.authorName ? (r.post.authorPupil ? shortName(r.authorName) : r.authorName) : '—',
      pupil: r.post.authorPupil,
      body: r.post.body,
      status: r.post.status,
      reasons: r.post.reasons,
      flagCount: r.post.flagCount,
      flagReasons: r.flagReasons ?? [],
      queuedAt: r.post.queuedAt.toISOString(),
      editedAt: r.post.editedAt?.toISOString() ?? null,
    })),
    next: rows.length === limit && last ? `${last.post.queuedAt.getTime()}-${last.post.id}` : null,
  };
}

export type ModerationAction = 'approve' | 'reject' | 'restore' | 'remove';

/** What each decision does, from which states. */
const DECISIONS: Record<ModerationAction, { from: PostStatus[]; to: PostStatus }> = {
  approve: { from: ['held', 'published'], to: 'published' },
  reject: { from: ['held'], to: 'rejected' },
  restore: { from: ['hidden'], to: 'published' },
  remove: { from: ['held', 'published', 'hidden'], to: 'removed' },
};

/**
 * A moderator's decision on a post under review, at the version read, with a reason (required to reject or
 * remove): approve a held or flagged post, reject a held one, restore a hidden one, remove any. The post
 * leaves the queue; flags are cleared when it is approved or restored. Audited.
 */
export async function decide(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  postId: number,
  body: { action: ModerationAction; reason: string; version: number },
) {
  const reason = body.reason.trim();
  if (!reason && (body.action === 'reject' || body.action === 'remove'))
    throw new AppError(422, 'portal.discuss.invalid', {}, [
      {
        field: 'reason',
        reason: 'required',
        message: `${translate(locale, 'portal.discuss.field.reason')}: ${translate(locale, 'portal.discuss.rule.required')}`,
      },
    ]);
  const v = await viewerOf(db, actor);
  return db.transaction(async (tx) => {
    const found = await store.findPost(tx, postId, true);
    if (!found) throw notFound('post');
    if (!moderates(v, found.board)) throw forbidden();
    const p = found.post;
    // No one decides on their own post: another moderator does.
    if (p.authorId === actor.userId) throw new AppError(403, 'portal.discuss.own_decision');
    const current = { postId: p.id, version: p.version, status: p.status };
    if (p.version !== body.version) throw staleVersion(body, current);
    const d = DECISIONS[body.action];
    if (!d.from.includes(p.status) || (body.action === 'approve' && p.status === 'published' && !p.review))
      throw conflict('portal.discuss.not_now');
    const clear = body.action === 'approve' || body.action === 'restore';
    if (clear) await store.clearFlags(tx, postId);
    const after = await store.updatePost(
      tx,
      postId,
      { status: d.to, review: false, reasons: [], ...(clear ? { flagCount: 0 } : {}) },
      body.version,
    );
    if (!after) throw staleVersion(body, current);
    if (p.status === 'held' && (d.to === 'published' || d.to === 'rejected') && p.authorId !== null) {
      // The author hears of the decision on their waiting post (only they and moderators saw its text); a
      // reply now shown is news to the thread's author.
      const thread = (await store.findThread(tx, p.threadId))!.thread;
      const about = { threadId: p.threadId, postId, title: thread.title };
      if (d.to === 'published') await notify(tx, [p.authorId], 'portal_post_approved', about);
      else await notify(tx, [p.authorId], 'portal_post_rejected', { ...about, reason });
    }
    if (d.to === 'published' && p.status === 'held') {
      await store.touchThread(tx, p.threadId, now());
      await notifyReply(tx, p.threadId, p);
    }
    await audit(tx, ctx, {
      action: body.action,
      entity: 'portal_post',
      entityId: postId,
      before: { status: p.status, reasons: p.reasons, flagCount: p.flagCount },
      after: { status: after.status, reason },
    });
    return { postId, version: after.version, status: after.status };
  });
}

/**
 * A post's earlier texts (before each of its author's edits), newest first, for a moderator of its board: what
 * readers may have seen before, or what a held post said when it was written.
 */
export async function revisions(db: Db, actor: Actor, postId: number) {
  const v = await viewerOf(db, actor);
  const found = await store.findPost(db, postId);
  if (!found) throw notFound('post');
  if (!moderates(v, found.board)) throw forbidden();
  const rows = await store.revisionsOf(db, postId);
  return {
    postId,
    body: found.post.body,
    version: found.post.version,
    items: rows.map((r) => ({
      version: r.revision.version,
      title: r.revision.title,
      body: r.revision.body,
      status: r.revision.status,
      editor: r.editorName ? (found.post.authorPupil ? shortName(r.editorName) : r.editorName) : '—',
      replacedAt: r.revision.createdAt.toISOString(),
    })),
  };
}

// Watched words -------------------------------------------------------------------------------------------

const wordOut = (w: { id: number; word: string; folded: string; action: WordAction }) => ({
  id: w.id,
  word: w.word,
  folded: w.folded,
  action: w.action,
});

export async function listWords(db: Db) {
  return { items: (await store.listWords(db)).map(wordOut) };
}

export async function addWord(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  body: { word: string; action: WordAction },
) {
  const word = body.word.trim().replace(/\s+/gu, ' ');
  const folded = wordKey(word);
  if (!/[\p{L}\p{N}]/u.test(folded)) {
    const empty = !folded.trim();
    throw new AppError(422, 'portal.discuss.invalid', {}, [
      {
        field: 'word',
        reason: empty ? 'required' : 'letter',
        message: `${translate(locale, 'portal.discuss.field.word')}: ${translate(locale, empty ? 'portal.discuss.rule.required' : 'portal.discuss.rule.letter')}`,
      },
    ]);
  }
  return db.transaction(async (tx) => {
    const row = await store.insertWord(tx, { word, folded, action: body.action, createdBy: actor.userId });
    if (!row) throw conflict('portal.discuss.word_exists');
    await audit(tx, ctx, { action: 'create', entity: 'portal_watched_word', entityId: row.id, after: row });
    return wordOut(row);
  });
}

export async function removeWord(db: Db, ctx: ChangeContext, id: number) {
  await db.transaction(async (tx) => {
    const row = await store.deleteWord(tx, id);
    if (!row) throw notFound('word');
    await audit(tx, ctx, { action: 'delete', entity: 'portal_watched_word', entityId: id, before: row });
  });
}
