import type { FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';

/** The content filter's routes for the resolvers' logs: what a node needs to count them, and the counts it sends. */
export default async function safetyLogsRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  void app;
  void opts;
}
