import type { FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';

/** Policy: the country profile: its sections' text, the generated profile (page, JSON, PDF), published editions and their comparison. */
export default async function profileRoutes(
  _app: FastifyInstance,
  _opts: { db: Db; publicUrl: string },
): Promise<void> {}
