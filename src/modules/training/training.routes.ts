import type { FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';
import type { LocalStorage } from '@/server/storage';
import frameworksRoutes from '@/modules/training/training.frameworks.routes';
import programmesRoutes from '@/modules/training/training.programmes.routes';
import certificatesRoutes from '@/modules/training/training.certificates.routes';
import needsRoutes from '@/modules/training/training.needs.routes';
import { followTeacher } from '@/modules/training/training.frameworks.service';
import { onGrantsChanged } from '@/server/grant-events';

/**
 * Teacher ICT training and certification (`docs/training.md`). One plugin per use case: competency frameworks
 * and the self-assessment; the plan, programmes, sessions and enrolments; certificates; needs, history and
 * indicators.
 */
export default async function trainingRoutes(
  app: FastifyInstance,
  opts: { db: Db; storage: LocalStorage; publicUrl: string; runJobs: boolean; verifyPerMinute: number },
): Promise<void> {
  // A teacher who moves school takes their competence levels to the new school's counts.
  onGrantsChanged(followTeacher);
  await app.register(frameworksRoutes, opts);
  await app.register(programmesRoutes, opts);
  await app.register(certificatesRoutes, opts);
  await app.register(needsRoutes, opts);
}
