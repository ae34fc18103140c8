import type { FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';
import catalogueRoutes from '@/modules/safety/safety.catalogue.routes';
import nodeRoutes from '@/modules/safety/safety.node.routes';
import requestsRoutes from '@/modules/safety/safety.requests.routes';
import reportsRoutes from '@/modules/safety/safety.reports.routes';
import logsRoutes from '@/modules/safety/safety.logs.routes';

/**
 * The education network's content filter (`docs/safety.md`): Maktab keeps categories, lists, policies, networks
 * and schedules, and the resolver nodes (Unbound) read them as RPZ zones and configuration. One plugin per use
 * case.
 */
export default async function safetyRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  await app.register(catalogueRoutes, opts);
  await app.register(nodeRoutes, opts);
  await app.register(requestsRoutes, opts);
  await app.register(reportsRoutes, opts);
  await app.register(logsRoutes, opts);
}
