import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Db } from '@/server/db/database';
import { nodeOf, requireNode } from '@/modules/safety/safety.node.auth';
import * as service from '@/modules/safety/safety.logs.service';
import { CountsBatch, CountsResult, LogSetup } from '@/modules/safety/safety.logs.schema';

/**
 * The content filter's routes for the resolvers' logs: what a node needs to count them, and the counts it
 * sends. Called by resolver nodes with their token (`safety.node.auth.ts`), not by people: declared `public`,
 * and the token is checked before anything else.
 */
export default async function safetyLogsRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  // Only resolver nodes call these routes: their token is checked before a body is read.
  requireNode(app, db);
  const tags = ['safety'];

  r.get(
    '/safety/node/log-setup',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          "For a resolver node (its token): the schools' networks, the keywords, the lists' categories and the raw log's retention",
        response: { 200: LogSetup },
      },
    },
    async (request) => {
      nodeOf(request);
      return service.logSetup(db);
    },
  );

  r.post(
    '/safety/node/counts',
    {
      config: { access: 'public' },
      // A batch of 5,000 rows of each kind is about 2.5 MB.
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags,
        summary:
          'For a resolver node (its token): a batch of counts from its log, added once (a batch id sent before is refused with 409)',
        body: CountsBatch,
        response: { 200: CountsResult },
      },
    },
    async (request) => {
      const node = nodeOf(request);
      return service.ingest(db, request.locale, node.id, request.body);
    },
  );
}
