import type { FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';
import type { LocalStorage } from '@/server/storage';

/** The training module's needs routes (filled in by its own use case). */
export default async function needsRoutes(
  _app: FastifyInstance,
  _opts: { db: Db; storage: LocalStorage; publicUrl: string; runJobs: boolean },
): Promise<void> {}
