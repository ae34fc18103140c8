import type { FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';

/** The content filter's routes for the resolver nodes' API: their state, the RPZ zones, their counts. */
export default async function safetyNodeRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  void app;
  void opts;
}
