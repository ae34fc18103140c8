import type { Db } from '@/server/db/database';
import type { Actor } from '@/server/access';
import { DEFAULT_PACK_DIR } from '@/modules/institutions/country-pack';
import { loadTrainingFrameworks, readTrainingFrameworks } from '@/modules/training/training.frameworks.pack';
import { saveAnswers, startSitting } from '@/modules/training/training.frameworks.service';

/**
 * The self-assessment in the route walk: the pack's frameworks, and for the teacher and the director a sitting
 * with every question answered (the walk reads it, saves an answer, submits it, reads the result, in that
 * order), and one of another teacher that nobody else may touch.
 */
export interface TrainingFrameworksWorld {
  sittings: { teacher: number; director: number };
  otherSittingId: number;
  itemId: string;
}

export async function trainingFrameworksWorld(
  db: Db,
  people: { teacherId: number; directorId: number; otherTeacherId: number; schoolId: number },
): Promise<TrainingFrameworksWorld> {
  await db.transaction(async (tx) =>
    loadTrainingFrameworks(tx, await readTrainingFrameworks(DEFAULT_PACK_DIR)),
  );
  const system = { actorId: null, ip: null };
  const actor = (userId: number, role: 'teacher' | 'director'): Actor => ({
    userId,
    username: `u${userId}`,
    displayName: `u${userId}`,
    locale: 'en',
    grants: [{ role, areaId: null, institutionId: people.schoolId }],
    childIds: [],
    sessionId: 'fixture',
    csrfToken: 'fixture',
  });
  const sitting = async (a: Actor, all: boolean) => {
    const s = await startSitting(db, a, system, 'en');
    const answers = s.areas.flatMap((area) => area.items.map((q) => ({ itemId: q.id, choice: 1 })));
    await saveAnswers(db, a, system, 'en', s.id, { answers: all ? answers : answers.slice(0, 1) });
    return s;
  };
  const teacher = await sitting(actor(people.teacherId, 'teacher'), true);
  const director = await sitting(actor(people.directorId, 'director'), true);
  const other = await sitting(actor(people.otherTeacherId, 'teacher'), false);
  return {
    sittings: { teacher: teacher.id, director: director.id },
    otherSittingId: other.id,
    itemId: teacher.areas[0]!.items[0]!.id,
  };
}
