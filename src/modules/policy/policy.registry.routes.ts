import type { FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';

/** Policy: the registry of policies, programme targets and their progress, partnerships, the timeline, the PEER comparison questions. */
export default async function registryRoutes(
  _app: FastifyInstance,
  _opts: { db: Db; publicUrl: string },
): Promise<void> {}
