import type { FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';

/** The content filter's routes for reports of blocked queries and the log settings. */
export default async function safetyReportsRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  void app;
  void opts;
}
