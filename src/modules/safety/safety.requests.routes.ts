import type { FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';

/** The content filter's routes for the block page and unblock requests. */
export default async function safetyRequestsRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  void app;
  void opts;
}
