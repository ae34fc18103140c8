import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { changeContext } from '@/modules/identity/identity.routes';
import * as discuss from '@/modules/portal/portal.discuss.service';
import * as moderation from '@/modules/portal/portal.moderation.service';
import { MODERATORS, NATIONAL_MODERATORS } from '@/modules/portal/portal.discuss.service';
import {
  BoardList,
  BoardPage,
  BoardParams,
  BoardQuery,
  Decision,
  EditBody,
  Edited,
  DecisionBody,
  FlagBody,
  Flagged,
  PostParams,
  Queue,
  QueueQuery,
  ReactionParams,
  Reactions,
  ReplyBody,
  Revisions,
  ThreadBody,
  ThreadPage,
  ThreadParams,
  ThreadQuery,
  Word,
  WordBody,
  WordList,
  WordParams,
  Written,
} from '@/modules/portal/portal.discuss.schema';

const Deleted = Type.Object({ deleted: Type.Boolean() });

/**
 * The portal's discussions and their moderation (docs/portal.md, "Discussions and moderation"). Boards are
 * for people signed in only; who takes part in a board is checked by the service. No private messages.
 */
export default async function portalDiscussRoutes(app: FastifyInstance, opts: { db: Db }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['portal'];

  r.get(
    '/portal/discuss/boards',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: "The boards the caller takes part in: the nation's, their areas' and their schools'",
        response: { 200: BoardList },
      },
    },
    async (request) => discuss.myBoards(db, requireActor(request), request.locale),
  );
  r.get(
    '/portal/discuss/boards/:boardId',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'A board and a page of its threads, latest activity first',
        params: BoardParams,
        querystring: BoardQuery,
        response: { 200: BoardPage },
      },
    },
    async (request) =>
      discuss.getBoard(db, requireActor(request), request.locale, request.params.boardId, request.query),
  );
  r.post(
    '/portal/discuss/boards/:boardId/threads',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Open a thread (it may wait for a moderator)',
        params: BoardParams,
        body: ThreadBody,
        response: { 200: Written },
      },
    },
    async (request) =>
      discuss.createThread(db, requireActor(request), request.locale, request.params.boardId, request.body),
  );
  r.get(
    '/portal/discuss/threads/:threadId',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'A thread and a page of its posts, oldest first',
        params: ThreadParams,
        querystring: ThreadQuery,
        response: { 200: ThreadPage },
      },
    },
    async (request) =>
      discuss.getThread(db, requireActor(request), request.locale, request.params.threadId, request.query),
  );
  r.post(
    '/portal/discuss/threads/:threadId/posts',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Reply in a thread (it may wait for a moderator)',
        params: ThreadParams,
        body: ReplyBody,
        response: { 200: Written },
      },
    },
    async (request) =>
      discuss.reply(db, requireActor(request), request.locale, request.params.threadId, request.body),
  );
  r.put(
    '/portal/discuss/posts/:postId',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Change one’s own post (for a day, or while it waits); it may go back to the moderators',
        params: PostParams,
        body: EditBody,
        response: { 200: Edited },
      },
    },
    async (request) =>
      discuss.editPost(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.postId,
        request.body,
      ),
  );
  r.put(
    '/portal/discuss/posts/:postId/reactions/:kind',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'React to a post', params: ReactionParams, response: { 200: Reactions } },
    },
    async (request) =>
      discuss.setReaction(db, requireActor(request), request.params.postId, request.params.kind, true),
  );
  r.delete(
    '/portal/discuss/posts/:postId/reactions/:kind',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'Take back a reaction', params: ReactionParams, response: { 200: Reactions } },
    },
    async (request) =>
      discuss.setReaction(db, requireActor(request), request.params.postId, request.params.kind, false),
  );
  r.post(
    '/portal/discuss/posts/:postId/flags',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Flag a post for the moderators (the third flag hides it)',
        params: PostParams,
        body: FlagBody,
        response: { 200: Flagged },
      },
    },
    async (request) =>
      discuss.flag(
        db,
        changeContext(request),
        requireActor(request),
        request.params.postId,
        request.body.reason,
      ),
  );

  // Moderation ---------------------------------------------------------------------------------------------
  r.get(
    '/portal/moderation/queue',
    {
      config: { access: { roles: MODERATORS } },
      schema: {
        tags,
        summary: "Held, flagged and hidden posts in the caller's scope, oldest first",
        querystring: QueueQuery,
        response: { 200: Queue },
      },
    },
    async (request) => moderation.moderationQueue(db, requireActor(request), request.locale, request.query),
  );
  r.post(
    '/portal/moderation/posts/:postId',
    {
      config: { access: { roles: MODERATORS } },
      schema: {
        tags,
        summary: 'Decide on a post under review: approve, reject, restore or remove, with a reason',
        params: PostParams,
        body: DecisionBody,
        response: { 200: Decision },
      },
    },
    async (request) =>
      moderation.decide(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.postId,
        request.body,
      ),
  );
  r.get(
    '/portal/moderation/posts/:postId/revisions',
    {
      config: { access: { roles: MODERATORS } },
      schema: {
        tags,
        summary: 'A post’s earlier texts, before each of its author’s edits',
        params: PostParams,
        response: { 200: Revisions },
      },
    },
    async (request) => moderation.revisions(db, requireActor(request), request.params.postId),
  );
  r.get(
    '/portal/moderation/words',
    {
      config: { access: { roles: NATIONAL_MODERATORS } },
      schema: { tags, summary: "The ministry's watched words", response: { 200: WordList } },
    },
    async () => moderation.listWords(db),
  );
  r.post(
    '/portal/moderation/words',
    {
      config: { access: { roles: NATIONAL_MODERATORS } },
      schema: {
        tags,
        summary: 'Add a watched word with its action',
        body: WordBody,
        response: { 200: Word },
      },
    },
    async (request) =>
      moderation.addWord(db, changeContext(request), requireActor(request), request.locale, request.body),
  );
  r.delete(
    '/portal/moderation/words/:wordId',
    {
      config: { access: { roles: NATIONAL_MODERATORS } },
      schema: {
        tags,
        summary: 'Take a watched word off the list',
        params: WordParams,
        response: { 200: Deleted },
      },
    },
    async (request) => {
      await moderation.removeWord(db, changeContext(request), request.params.wordId);
      return { deleted: true };
    },
  );
}
