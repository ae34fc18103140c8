import {
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { users } from '@/modules/identity/identity.tables';

/**
 * The portal's moderated discussions (docs/portal.md, "Discussions and moderation"): boards by audience and
 * place, threads, posts, reactions, flags and the ministry's watched words. Moderators' actions go to the
 * platform's audit log (`identity_audit`), entity `portal_post` / `portal_watched_word`.
 */

export const AUDIENCES = ['students', 'parents', 'teachers'] as const;
export type Audience = (typeof AUDIENCES)[number];

/**
 * A board: one audience at one place. `place_key` is `nation`, `area:<id>` or `institution:<id>`, so each
 * (audience, place) has one board. `area_id` is the place's area (a school's own district), `place_path` the
 * area ids from the country down, as the portal's news keep them.
 */
export const boards = pgTable(
  'portal_board',
  {
    id: serial('id').primaryKey(),
    audience: text('audience', { enum: AUDIENCES }).notNull(),
    placeKey: text('place_key').notNull(),
    placeKind: text('place_kind', { enum: ['nation', 'area', 'institution'] }).notNull(),
    areaId: integer('area_id'),
    institutionId: integer('institution_id'),
    placePath: integer('place_path').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('portal_board_place').on(t.audience, t.placeKey)],
);

/** A thread of a board: its title; its first post (`opening`) carries the text and the moderation state. */
export const threads = pgTable(
  'portal_thread',
  {
    id: serial('id').primaryKey(),
    boardId: integer('board_id')
      .notNull()
      .references(() => boards.id, { onDelete: 'cascade' }),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastPostAt: timestamp('last_post_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('portal_thread_board_idx').on(t.boardId, t.lastPostAt.desc(), t.id)],
);

export const POST_STATUSES = ['held', 'published', 'hidden', 'rejected', 'removed'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];
/** Why a post is in the moderators' queue. */
export const QUEUE_REASONS = ['young', 'new_account', 'word_hold', 'word_flag', 'flagged', 'hidden'] as const;
export type QueueReason = (typeof QUEUE_REASONS)[number];

/**
 * A post: `held` waits for a moderator (only its author sees it), `published` is shown, `hidden` (three
 * flags) is shown to no one until reviewed, `rejected` and `removed` are gone for readers. `review` is true
 * while the post is in the moderators' queue (held, hidden, or published with a flag), since `queued_at`.
 * The place columns are the board's, copied so the queue of a school or a district is one index range.
 */
export const posts = pgTable(
  'portal_post',
  {
    id: serial('id').primaryKey(),
    version: integer('version').notNull().default(1),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    boardId: integer('board_id').notNull(),
    opening: boolean('opening').notNull().default(false),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    /** Whether the author wrote as a pupil: shown by first name and initial only. */
    authorPupil: boolean('author_pupil').notNull().default(false),
    body: text('body').notNull(),
    status: text('status', { enum: POST_STATUSES }).notNull(),
    review: boolean('review').notNull().default(false),
    reasons: text('reasons').array().notNull(),
    flagCount: integer('flag_count').notNull().default(0),
    placeKind: text('place_kind', { enum: ['nation', 'area', 'institution'] }).notNull(),
    areaId: integer('area_id'),
    institutionId: integer('institution_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    /** When its author last changed its text (null: never); the text before each edit is a revision. */
    editedAt: timestamp('edited_at', { withTimezone: true }),
  },
  (t) => [
    index('portal_post_thread_idx').on(t.threadId, t.id),
    index('portal_post_author_idx').on(t.authorId, t.status),
    // The moderators' queues: a district's (area), a school's, the nation's — oldest first, keyset paged.
    index('portal_post_queue_area_idx').on(t.review, t.areaId, t.queuedAt, t.id),
    index('portal_post_queue_school_idx').on(t.review, t.institutionId, t.queuedAt, t.id),
    index('portal_post_queue_idx').on(t.review, t.queuedAt, t.id),
  ],
);

/**
 * The text of a post before one of its author's edits (and the thread's title, for an opening post), at the
 * version it had: moderators read them; no one else does.
 */
export const postRevisions = pgTable(
  'portal_post_revision',
  {
    id: serial('id').primaryKey(),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    title: text('title'),
    body: text('body').notNull(),
    status: text('status', { enum: POST_STATUSES }).notNull(),
    editedBy: integer('edited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('portal_post_revision_post_idx').on(t.postId, t.id)],
);

export const REACTIONS = ['like', 'thanks', 'helpful'] as const;
export type Reaction = (typeof REACTIONS)[number];

/** A person's reaction to a post: one of each kind. */
export const reactions = pgTable(
  'portal_reaction',
  {
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: REACTIONS }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.userId, t.kind] })],
);

export const FLAG_REASONS = ['inappropriate', 'unkind', 'spam', 'personal_data'] as const;

/** A person's flag on a post: one per person and post; the third hides the post. */
export const flags = pgTable(
  'portal_flag',
  {
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: text('reason', { enum: FLAG_REASONS }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.userId] })],
);

export const WORD_ACTIONS = ['block', 'censor', 'hold', 'flag'] as const;
export type WordAction = (typeof WORD_ACTIONS)[number];

/** The ministry's watched words: as written, and folded (src/server/fold.ts) for matching. */
export const watchedWords = pgTable('portal_watched_word', {
  id: serial('id').primaryKey(),
  word: text('word').notNull(),
  folded: text('folded').notNull().unique(),
  action: text('action', { enum: WORD_ACTIONS }).notNull(),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
