import { Type, type Static } from 'typebox';
import { Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { PlaceOut } from '@/modules/portal/portal.schema';
import {
  AUDIENCES,
  FLAG_REASONS,
  POST_STATUSES,
  QUEUE_REASONS,
  REACTIONS,
  WORD_ACTIONS,
} from '@/modules/portal/portal.discuss.tables';

/** Request and response schemas of the portal's discussions and moderation (docs/portal.md). */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Text = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });

export const BoardParams = Type.Object({ boardId: Id('Board') });
export const ThreadParams = Type.Object({ threadId: Id('Thread') });
export const PostParams = Type.Object({ postId: Id('Post') });
export const ReactionParams = Type.Object({
  postId: Id('Post'),
  kind: StringEnum(REACTIONS, { description: 'like, thanks or helpful' }),
});
export const WordParams = Type.Object({ wordId: Id('Watched word') });

const Board = Type.Object({ id: Type.Integer(), audience: StringEnum(AUDIENCES), place: PlaceOut });
export const BoardList = Type.Object({ boards: Type.Array(Board) });

const Status = StringEnum(POST_STATUSES);
export const BoardPage = Type.Object({
  board: Board,
  threads: Type.Array(
    Type.Object({
      id: Type.Integer(),
      title: Type.String(),
      author: Type.String({ description: 'A pupil by first name and initial only' }),
      status: Status,
      replies: Type.Integer(),
      lastPostAt: Type.String(),
      edited: Type.Boolean({ description: 'Whether its first post was changed by its author' }),
    }),
  ),
  next: Nullable(Type.String({ description: 'The cursor (`after`) of the older threads; null at the end' })),
});

/** Keyset paging of a board's threads: `after` is the `next` of the page before. */
export const BoardQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({ maxLength: 30, description: 'The `next` of the page before (keyset pagination)' }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 50, description: 'Threads a page, 20 by default' }),
    ),
  },
  { additionalProperties: false },
);
/** Keyset paging of a thread's posts: `after` is the `next` of the page before. */
export const ThreadQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({ maxLength: 30, description: 'The `next` of the page before (keyset pagination)' }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'Posts a page, 50 by default' }),
    ),
  },
  { additionalProperties: false },
);

const Counts = Type.Record(Type.String(), Type.Integer(), { description: 'Reactions by kind' });
export const ThreadPage = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  board: Board,
  moderator: Type.Boolean({ description: 'Whether the reader moderates this board' }),
  open: Type.Boolean({ description: 'Whether the thread takes replies (its first post is shown)' }),
  posts: Type.Array(
    Type.Object({
      id: Type.Integer(),
      version: VersionOut,
      author: Type.String(),
      mine: Type.Boolean(),
      opening: Type.Boolean({ description: 'The first post of the thread' }),
      body: Type.String({ description: 'Plain text' }),
      status: Status,
      createdAt: Type.String(),
      editedAt: Nullable(Type.String({ description: 'When its author last changed it' })),
      editable: Type.Boolean({
        description: 'Whether the reader may change it now (their own, within the window)',
      }),
      reactions: Counts,
      myReactions: Type.Array(Type.String()),
      flagged: Type.Boolean({ description: 'Whether the reader has flagged it' }),
    }),
  ),
  next: Nullable(Type.String({ description: 'The cursor (`after`) of the later posts; null at the end' })),
});

export const ThreadBody = Type.Object(
  {
    title: Text(200, 'The thread title, plain text'),
    body: Text(5000, 'The first post, plain text'),
  },
  { additionalProperties: false },
);
export const ReplyBody = Type.Object(
  { body: Text(5000, 'The reply, plain text') },
  { additionalProperties: false },
);
export const Written = Type.Object({
  threadId: Type.Integer(),
  postId: Type.Integer(),
  status: Status,
  reasons: Type.Array(StringEnum(QUEUE_REASONS), { description: 'Why it waits for a moderator, if it does' }),
});

export const EditBody = Type.Object(
  {
    body: Text(5000, 'The new text, plain text'),
    title: Type.Optional(Text(200, 'The new thread title (first post of a thread only)')),
    version: VersionField,
  },
  { additionalProperties: false },
);
export const Edited = Type.Object({
  postId: Type.Integer(),
  threadId: Type.Integer(),
  version: VersionOut,
  status: Status,
  reasons: Type.Array(StringEnum(QUEUE_REASONS), {
    description: 'Why it is in the moderators’ queue, if it is',
  }),
  editedAt: Type.String(),
});
export const Revisions = Type.Object({
  postId: Type.Integer(),
  version: VersionOut,
  body: Type.String({ description: 'The text now' }),
  items: Type.Array(
    Type.Object({
      version: Type.Integer({ description: 'The version this text had' }),
      title: Nullable(Type.String()),
      body: Type.String(),
      status: Status,
      editor: Type.String(),
      replacedAt: Type.String(),
    }),
  ),
});

export const Reactions = Type.Object({ reactions: Counts, myReactions: Type.Array(Type.String()) });
export const FlagBody = Type.Object(
  { reason: StringEnum(FLAG_REASONS, { description: 'inappropriate, unkind, spam or personal_data' }) },
  { additionalProperties: false },
);
export const Flagged = Type.Object({ flagged: Type.Boolean(), hidden: Type.Boolean() });

export const QueueQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({ maxLength: 30, description: 'The `next` of the page before (keyset pagination)' }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'Items a page, 50 by default' }),
    ),
  },
  { additionalProperties: false },
);
export const Queue = Type.Object({
  items: Type.Array(
    Type.Object({
      postId: Type.Integer(),
      version: VersionOut,
      threadId: Type.Integer(),
      threadTitle: Type.String(),
      opening: Type.Boolean(),
      audience: StringEnum(AUDIENCES),
      place: PlaceOut,
      author: Type.String(),
      pupil: Type.Boolean(),
      body: Type.String(),
      status: Status,
      reasons: Type.Array(Type.String()),
      flagCount: Type.Integer(),
      flagReasons: Type.Array(Type.String()),
      queuedAt: Type.String(),
      editedAt: Nullable(
        Type.String({ description: 'When its author last changed it (earlier texts: revisions)' }),
      ),
    }),
  ),
  next: Nullable(Type.String({ description: 'The cursor of the next page; null at the end' })),
});

export const DecisionBody = Type.Object(
  {
    action: StringEnum(['approve', 'reject', 'restore', 'remove'] as const, {
      description: 'approve (held or flagged), reject (held), restore (hidden), remove (any)',
    }),
    reason: Type.String({ maxLength: 500, description: 'Why; required to reject or remove' }),
    version: VersionField,
  },
  { additionalProperties: false },
);
export type DecisionBody = Static<typeof DecisionBody>;
export const Decision = Type.Object({ postId: Type.Integer(), version: VersionOut, status: Status });

const Word = Type.Object({
  id: Type.Integer(),
  word: Type.String(),
  folded: Type.String({ description: 'As matched: folded like the library search' }),
  action: StringEnum(WORD_ACTIONS),
});
export const WordList = Type.Object({ items: Type.Array(Word) });
export const WordBody = Type.Object(
  {
    word: Text(100, 'A word or phrase, in any of az/ru/en, Latin or Cyrillic'),
    action: StringEnum(WORD_ACTIONS, { description: 'block, censor, hold (for approval) or flag' }),
  },
  { additionalProperties: false },
);
export { Word };
