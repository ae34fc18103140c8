import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import { bulkInsert } from '@/server/db/bulk';
import { Random } from '@/seed/random';
import * as store from '@/modules/training/training.frameworks.store';
import { scoreSitting } from '@/modules/training/training.frameworks.service';
import type { PackFrameworkLevel } from '@/modules/training/training.frameworks.pack';
import {
  schoolLevels,
  selfAnswers,
  selfAssessments,
  selfResults,
  teacherLevels,
} from '@/modules/training/training.tables';

/**
 * The demo's self-assessments: most generated teachers of the populated schools have a submitted sitting with
 * plausible answers, so that a director's staff levels and the nation's needs are not empty. The demo account
 * `teacher` has none, so whoever signs in as it can take the questionnaire. Deterministic for a seed; written
 * in bulk, in the seed's transaction, after the people.
 */

/** Share of the generated teachers (and directors) who took it. */
const TAKEN = 0.8;

export interface TrainingLevelsSummary {
  sittings: number;
  answers: number;
}

export async function seedTrainingLevels(
  tx: Db,
  options: { seed: number; at: Date; skipUsernames?: string[] },
): Promise<TrainingLevelsSummary> {
  const framework = await store.selfAssessmentFramework(tx);
  if (!framework) return { sittings: 0, answers: 0 };
  const levels = framework.levels as PackFrameworkLevel[];
  const areas = await store.areasOf(tx, framework.id);
  const items = await store.itemsOf(tx, framework.id);
  const skip = options.skipUsernames ?? ['teacher'];
  const staff = await rows<{ userId: number; institutionId: number }>(
    tx,
    sql`select distinct on (u.id) u.id as "userId", g.institution_id as "institutionId"
        from identity_role_grant g join identity_user u on u.id = g.user_id
        where g.role in ('teacher', 'director') and g.institution_id is not null
          and not (u.username = any(${`{${skip.join(',')}}`}::text[]))
        order by u.id, g.institution_id`,
  );
  const random = new Random(options.seed ^ 0x7ea11);
  const takers = staff.filter(() => random.chance(TAKEN));
  if (takers.length === 0) return { sittings: 0, answers: 0 };

  // Each teacher a general ease with technology (most between "sometimes" and "regularly"), each area a bit
  // more or less (assessment and learners' digital competence the hardest), each answer a little noise.
  const areaEase = areas.map((_, i) => [0.2, 0.1, 0, -0.4, -0.1, -0.5][i] ?? 0);
  const answersOf = takers.map(() => {
    const ease = random.float(0.6, 3.2);
    return items.map((q) => {
      const area = areas.findIndex((a) => a.id === q.areaId);
      const value = ease + areaEase[area]! + random.float(-1, 1);
      return Math.max(0, Math.min(q.options.length - 1, Math.round(value)));
    });
  });
  const submittedAt = takers.map(
    () => new Date(options.at.getTime() - random.int(1, 60) * 86_400_000 - random.int(0, 600) * 60_000),
  );

  const inserted = await bulkInsert<{ id: number; user_id: number }>(
    tx,
    selfAssessments,
    [
      { column: selfAssessments.userId, type: 'int', values: takers.map((t) => t.userId) },
      { column: selfAssessments.frameworkId, type: 'text', values: takers.map(() => framework.id) },
      { column: selfAssessments.institutionId, type: 'int', values: takers.map((t) => t.institutionId) },
      { column: selfAssessments.status, type: 'text', values: takers.map(() => 'submitted') },
      {
        column: selfAssessments.startedAt,
        type: 'timestamptz',
        values: submittedAt.map((d) => new Date(d.getTime() - 20 * 60_000).toISOString()),
      },
      {
        column: selfAssessments.submittedAt,
        type: 'timestamptz',
        values: submittedAt.map((d) => d.toISOString()),
      },
      { column: selfAssessments.version, type: 'int', values: takers.map(() => 1) },
    ],
    { returning: [selfAssessments.id, selfAssessments.userId] },
  );
  const sittingOf = new Map(inserted.map((r) => [r.user_id, r.id]));

  const answerRows: { sitting: number; item: string; choice: number; at: string }[] = [];
  const resultRows: { sitting: number; area: string; score: number; level: number }[] = [];
  const levelRows: { userId: number; area: string; institutionId: number; level: number; at: string }[] = [];
  const counts = new Map<string, number>();
  takers.forEach((t, k) => {
    const sitting = sittingOf.get(t.userId)!;
    const chosen = answersOf[k]!;
    const at = submittedAt[k]!.toISOString();
    items.forEach((q, i) => answerRows.push({ sitting, item: q.id, choice: chosen[i]!, at }));
    const scored = scoreSitting(levels, areas, items, new Map(items.map((q, i) => [q.id, chosen[i]!])));
    for (const r of scored) {
      resultRows.push({ sitting, area: r.areaId, score: r.score, level: r.level });
      levelRows.push({
        userId: t.userId,
        area: r.areaId,
        institutionId: t.institutionId,
        level: r.level,
        at,
      });
      const key = `${t.institutionId}|${r.areaId}|${r.level}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  });
  await bulkInsert(tx, selfAnswers, [
    { column: selfAnswers.assessmentId, type: 'int', values: answerRows.map((r) => r.sitting) },
    { column: selfAnswers.itemId, type: 'text', values: answerRows.map((r) => r.item) },
    { column: selfAnswers.choice, type: 'int', values: answerRows.map((r) => r.choice) },
    { column: selfAnswers.answeredAt, type: 'timestamptz', values: answerRows.map((r) => r.at) },
  ]);
  await bulkInsert(tx, selfResults, [
    { column: selfResults.assessmentId, type: 'int', values: resultRows.map((r) => r.sitting) },
    { column: selfResults.areaId, type: 'text', values: resultRows.map((r) => r.area) },
    { column: selfResults.score, type: 'int', values: resultRows.map((r) => r.score) },
    { column: selfResults.level, type: 'int', values: resultRows.map((r) => r.level) },
  ]);
  await bulkInsert(tx, teacherLevels, [
    { column: teacherLevels.userId, type: 'int', values: levelRows.map((r) => r.userId) },
    { column: teacherLevels.areaId, type: 'text', values: levelRows.map((r) => r.area) },
    { column: teacherLevels.institutionId, type: 'int', values: levelRows.map((r) => r.institutionId) },
    { column: teacherLevels.level, type: 'int', values: levelRows.map((r) => r.level) },
    { column: teacherLevels.assessedAt, type: 'timestamptz', values: levelRows.map((r) => r.at) },
  ]);
  const countRows = [...counts].map(([key, n]) => {
    const [institutionId, areaId, level] = key.split('|');
    return { institutionId: Number(institutionId), areaId: areaId!, level: Number(level), n };
  });
  await bulkInsert(tx, schoolLevels, [
    { column: schoolLevels.institutionId, type: 'int', values: countRows.map((r) => r.institutionId) },
    { column: schoolLevels.areaId, type: 'text', values: countRows.map((r) => r.areaId) },
    { column: schoolLevels.level, type: 'int', values: countRows.map((r) => r.level) },
    { column: schoolLevels.teachers, type: 'int', values: countRows.map((r) => r.n) },
  ]);
  return { sittings: takers.length, answers: answerRows.length };
}

export const describeTrainingLevels = (s: TrainingLevelsSummary): string =>
  `self-assessments: ${s.sittings} submitted sittings, ${s.answers} answers`;
