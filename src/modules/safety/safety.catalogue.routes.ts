import type { FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';

/** The content filter's routes for categories, lists, keywords, policies, networks, schedules and exams (the ministry's, districts' and directors' pages). */
export default async function safetyCatalogueRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  void app;
  void opts;
}
