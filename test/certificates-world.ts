import type { Db } from '@/server/db/database';
import { enrolments, frameworks, programmes } from '@/modules/training/training.tables';

/**
 * Training rows for the certificates' tests and benchmarks, written directly (the programmes' own use case makes
 * them through its API): a framework, a finished programme, completed enrolments.
 */

export async function trainingFramework(db: Db, id = 'test-framework'): Promise<string> {
  const text = { az: 'Çərçivə', ru: 'Рамка', en: 'Framework' };
  await db
    .insert(frameworks)
    .values({ id, position: 1, name: text, description: text, levels: [] })
    .onConflictDoNothing();
  return id;
}

let counter = 0;

export async function finishedProgramme(
  db: Db,
  createdBy: number,
  overrides: Partial<typeof programmes.$inferInsert> = {},
): Promise<number> {
  const frameworkId = await trainingFramework(db);
  const [row] = await db
    .insert(programmes)
    .values({
      title: `Rəqəmsal dərs: İKT əsasları ${++counter}`,
      description: 'Müəllimlər üçün İKT bacarıqları',
      mode: 'blended',
      frameworkId,
      hours: 36,
      validMonths: 24,
      status: 'finished',
      createdBy,
      ...overrides,
    })
    .returning({ id: programmes.id });
  return row!.id;
}

/** Completed enrolments of people at a school; returns their ids in order. */
export async function completedEnrolments(
  db: Db,
  programmeId: number,
  people: { userId: number; institutionId: number }[],
  status: (typeof enrolments.$inferInsert)['status'] = 'completed',
): Promise<number[]> {
  if (people.length === 0) return [];
  const found = await db
    .insert(enrolments)
    .values(
      people.map((p) => ({
        programmeId,
        userId: p.userId,
        institutionId: p.institutionId,
        status,
        origin: 'self' as const,
        requestedBy: p.userId,
        attended: true,
        score: 90,
        completedAt: status === 'completed' ? new Date() : null,
      })),
    )
    .returning({ id: enrolments.id });
  return found.map((r) => r.id);
}
