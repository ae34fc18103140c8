import type { FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';
import registryRoutes from '@/modules/policy/policy.registry.routes';
import profileRoutes from '@/modules/policy/policy.profile.routes';
import sdmxRoutes from '@/modules/policy/policy.sdmx.routes';

/**
 * Policies, programmes and the country profile generated from live data (`docs/policy.md`). One plugin per use
 * case: the registry of policies; the profile and its editions; SDMX open data.
 */
export default async function policyRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  await app.register(registryRoutes, opts);
  await app.register(profileRoutes, opts);
  await app.register(sdmxRoutes, opts);
}
