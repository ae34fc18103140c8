import type { FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';

/** Policy: the indicators as SDMX-CSV open data for international reporting. */
export default async function sdmxRoutes(
  _app: FastifyInstance,
  _opts: { db: Db; publicUrl: string },
): Promise<void> {}
