import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Db } from '@/server/db/database';
import { publicCache } from '@/server/http-cache';
import { textbookGrid } from '@/modules/library/textbooks.service';
import { TextbookGrid, TextbookQuery } from '@/modules/library/textbooks.schema';

/** The e-textbook portal's API: public, like the rest of the published library. */
export default async function textbookRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/library/textbooks',
    {
      config: { access: 'public', httpCache: publicCache() },
      schema: {
        tags: ['library'],
        summary: "Published e-textbooks and teacher's guides as a grade × subject grid",
        querystring: TextbookQuery,
        response: { 200: TextbookGrid },
      },
    },
    async (request) => textbookGrid(opts.db, request.query.language),
  );
}
