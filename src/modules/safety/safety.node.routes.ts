import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Db } from '@/server/db/database';
import { now } from '@/server/clock';
import { nodeOf, requireNode } from '@/modules/safety/safety.node.auth';
import * as service from '@/modules/safety/safety.node.service';
import { AppliedBody, AppliedOut, NodeStateOut, ZoneParams } from '@/modules/safety/safety.node.schema';

/**
 * The content filter's routes for the resolver nodes: their state and the local zones. Declared `public`: a node
 * has no session; each route checks the node's token first.
 */
export default async function safetyNodeRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  // Only resolver nodes call these routes: their token is checked before a body is read.
  requireNode(app, db);
  const tags = ['safety'];

  r.get(
    '/safety/node/state',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          "A resolver node's state: the zones in use with their serials and Unbound's tag configuration",
        response: { 200: NodeStateOut },
      },
    },
    async (request) => {
      nodeOf(request);
      return service.nodeState(db, now());
    },
  );

  r.get(
    '/safety/node/zones/:name',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "The local zones' file, Unbound `server:` lines (ETag: its serial)",
        params: ZoneParams,
      },
    },
    async (request, reply) => {
      nodeOf(request);
      const at = now();
      const serial = await service.zoneSerial(db, request.params.name, at);
      const etag = `"${serial}"`;
      void reply.header('etag', etag).header('cache-control', 'no-cache');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      const zone = await service.zoneText(db, request.params.name, at);
      return reply.header('etag', `"${zone.serial}"`).type('text/plain; charset=utf-8').send(zone.text);
    },
  );

  r.post(
    '/safety/node/applied',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Notes the state serial a resolver node has applied',
        body: AppliedBody,
        response: { 200: AppliedOut },
      },
    },
    async (request) => {
      const node = nodeOf(request);
      await service.recordApplied(db, node.id, request.body.serial);
      return { serial: request.body.serial };
    },
  );
}
