import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor } from '@/server/access';
import type { Db } from '@/server/db/database';
import type { Storage } from '@/server/storage';
import { changeContext } from '@/modules/identity/identity.routes';
import * as covers from '@/modules/portal/portal.covers.service';
import { PUBLISHERS } from '@/modules/portal/portal.place';
import {
  ArticleEdit,
  ArticleParams,
  CoverParams,
  CoverQuery,
  DeleteQuery,
} from '@/modules/portal/portal.schema';

/** News items' cover images (docs/portal.md "First HTML, cover images and speed"). */
export default async function portalCoversRoutes(app: FastifyInstance, opts: { db: Db; storage: Storage }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db, storage } = opts;
  const tags = ['portal'];

  // The image travels as the raw body; its kind is told by its bytes.
  app.addContentTypeParser(
    ['application/octet-stream', 'image/jpeg', 'image/png', 'image/webp'],
    { parseAs: 'buffer', bodyLimit: covers.COVER_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  r.put(
    '/portal/manage/news/:articleId/cover',
    {
      bodyLimit: covers.COVER_BODY_LIMIT,
      config: { access: { roles: PUBLISHERS } },
      schema: {
        tags,
        summary: 'Set its cover image (JPEG, PNG or WebP, at most 5 MB and 8000×8000) as the raw body',
        params: ArticleParams,
        querystring: CoverQuery,
        response: { 200: ArticleEdit },
      },
    },
    async (request) =>
      covers.setCover(
        db,
        storage,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.articleId,
        request.query,
        request.body,
      ),
  );

  r.delete(
    '/portal/manage/news/:articleId/cover',
    {
      config: { access: { roles: PUBLISHERS } },
      schema: {
        tags,
        summary: 'Remove its cover image at the version read',
        params: ArticleParams,
        querystring: DeleteQuery,
        response: { 200: ArticleEdit },
      },
    },
    async (request) =>
      covers.removeCover(
        db,
        storage,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.articleId,
        request.query.version,
      ),
  );

  r.get(
    '/portal/covers/:name',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A cover image (its URL names its bytes: cached for a year)',
        params: CoverParams,
      },
    },
    async (request, reply) => {
      const found = await covers.coverFile(db, storage, request.params.name);
      reply.header('content-type', found.contentType);
      reply.header('content-length', found.size);
      reply.header('cache-control', 'public, max-age=31536000, immutable');
      reply.header('x-content-type-options', 'nosniff');
      return reply.send(found.stream);
    },
  );
}
