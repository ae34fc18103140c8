import type { FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';

/** The content filter's routes for the resolver nodes: their state and the RPZ zones. */
export default async function safetyNodeRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  void app;
  void opts;
}
