import { and, asc, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import {
  competencies,
  competencyLinks,
  frameworkAreas,
  frameworks,
  items,
  programmes,
  rounds,
  schoolLevels,
  selfAnswers,
  selfAssessments,
  selfResults,
  teacherLevels,
} from '@/modules/training/training.tables';

/** The SQL of competency frameworks and the self-assessment: the pack's rows, sittings, levels, rounds. */

const excluded = (column: string) => sql.raw(`excluded.${column}`);

// ---- the pack

export async function clearSelfAssessment(db: Db, except: string[]): Promise<void> {
  await db
    .update(frameworks)
    .set({ selfAssessment: false })
    .where(and(eq(frameworks.selfAssessment, true), notInArray(frameworks.id, except)));
}

export async function upsertFrameworks(db: Db, list: (typeof frameworks.$inferInsert)[]): Promise<void> {
  await db
    .insert(frameworks)
    .values(list)
    .onConflictDoUpdate({
      target: frameworks.id,
      set: {
        position: excluded('position'),
        name: excluded('name'),
        description: excluded('description'),
        levels: excluded('levels'),
        selfAssessment: excluded('self_assessment'),
      },
    });
}

export async function upsertAreas(db: Db, list: (typeof frameworkAreas.$inferInsert)[]): Promise<void> {
  if (list.length === 0) return;
  await db
    .insert(frameworkAreas)
    .values(list)
    .onConflictDoUpdate({
      target: frameworkAreas.id,
      set: {
        frameworkId: excluded('framework_id'),
        position: excluded('position'),
        name: excluded('name'),
        description: excluded('description'),
      },
    });
}

export async function upsertCompetencies(db: Db, list: (typeof competencies.$inferInsert)[]): Promise<void> {
  if (list.length === 0) return;
  await db
    .insert(competencies)
    .values(list)
    .onConflictDoUpdate({
      target: competencies.id,
      set: {
        frameworkId: excluded('framework_id'),
        areaId: excluded('area_id'),
        position: excluded('position'),
        name: excluded('name'),
        descriptor: excluded('descriptor'),
      },
    });
}

/** Replaces the links of these competencies (both directions) by `links`. */
export async function replaceLinks(
  db: Db,
  ids: string[],
  links: { competencyId: string; relatedId: string }[],
): Promise<void> {
  if (ids.length > 0) await db.delete(competencyLinks).where(inArray(competencyLinks.competencyId, ids));
  if (ids.length > 0) await db.delete(competencyLinks).where(inArray(competencyLinks.relatedId, ids));
  if (links.length > 0) await db.insert(competencyLinks).values(links).onConflictDoNothing();
}

export async function upsertItems(db: Db, list: (typeof items.$inferInsert)[]): Promise<void> {
  if (list.length === 0) return;
  await db
    .insert(items)
    .values(list)
    .onConflictDoUpdate({
      target: items.id,
      set: {
        frameworkId: excluded('framework_id'),
        areaId: excluded('area_id'),
        competencyId: excluded('competency_id'),
        position: excluded('position'),
        text: excluded('text'),
        options: excluded('options'),
      },
    });
}

// ---- reading the frameworks

export type FrameworkRow = typeof frameworks.$inferSelect;
export type AreaRow = typeof frameworkAreas.$inferSelect;
export type CompetencyRow = typeof competencies.$inferSelect;
export type ItemRow = typeof items.$inferSelect;

export const listFrameworks = (db: Db): Promise<FrameworkRow[]> =>
  db.select().from(frameworks).orderBy(asc(frameworks.position), asc(frameworks.id));

export async function findFramework(db: Db, id: string): Promise<FrameworkRow | undefined> {
  const [row] = await db.select().from(frameworks).where(eq(frameworks.id, id));
  return row;
}

/** The framework teachers assess themselves on, if the pack names one. */
export async function selfAssessmentFramework(db: Db): Promise<FrameworkRow | undefined> {
  const [row] = await db
    .select()
    .from(frameworks)
    .where(eq(frameworks.selfAssessment, true))
    .orderBy(asc(frameworks.position))
    .limit(1);
  return row;
}

export const areasOf = (db: Db, frameworkId: string): Promise<AreaRow[]> =>
  db
    .select()
    .from(frameworkAreas)
    .where(eq(frameworkAreas.frameworkId, frameworkId))
    .orderBy(asc(frameworkAreas.position));

export const competenciesOf = (db: Db, frameworkId: string): Promise<CompetencyRow[]> =>
  db
    .select()
    .from(competencies)
    .where(eq(competencies.frameworkId, frameworkId))
    .orderBy(asc(competencies.areaId), asc(competencies.position));

/** The links of a framework's competencies, with the related competency's framework and name. */
export const linksOf = (db: Db, frameworkId: string) =>
  rows<{
    competencyId: string;
    relatedId: string;
    relatedFramework: string;
    relatedName: CompetencyRow['name'];
  }>(
    db,
    sql`select l.competency_id as "competencyId", l.related_id as "relatedId",
               r.framework_id as "relatedFramework", r.name as "relatedName"
        from ${competencyLinks} l
        join ${competencies} c on c.id = l.competency_id
        join ${competencies} r on r.id = l.related_id
        where c.framework_id = ${frameworkId}
        order by l.competency_id, r.framework_id, r.area_id, r.position`,
  );

export const itemsOf = (db: Db, frameworkId: string): Promise<ItemRow[]> =>
  db.select().from(items).where(eq(items.frameworkId, frameworkId)).orderBy(asc(items.position));

// ---- sittings

export type SittingRow = typeof selfAssessments.$inferSelect;

export async function findOpenSitting(
  db: Db,
  userId: number,
  frameworkId: string,
): Promise<SittingRow | undefined> {
  const [row] = await db
    .select()
    .from(selfAssessments)
    .where(
      and(
        eq(selfAssessments.userId, userId),
        eq(selfAssessments.frameworkId, frameworkId),
        eq(selfAssessments.status, 'open'),
      ),
    );
  return row;
}

/** Opens a sitting, unless one is open already (two tabs at once): then nothing (the caller reads it). */
export async function insertSitting(
  db: Db,
  values: { userId: number; frameworkId: string; institutionId: number | null; roundId: number | null },
): Promise<SittingRow | undefined> {
  const [row] = await db
    .insert(selfAssessments)
    .values(values)
    .onConflictDoNothing({
      target: [selfAssessments.userId, selfAssessments.frameworkId],
      where: sql`status = 'open'`,
    })
    .returning();
  return row;
}

export async function findSitting(db: Db, id: number): Promise<SittingRow | undefined> {
  const [row] = await db.select().from(selfAssessments).where(eq(selfAssessments.id, id));
  return row;
}

export async function lockSitting(db: Db, id: number): Promise<SittingRow | undefined> {
  const [row] = await db.select().from(selfAssessments).where(eq(selfAssessments.id, id)).for('update');
  return row;
}

export const answersOf = (db: Db, sittingId: number) =>
  db
    .select({ itemId: selfAnswers.itemId, choice: selfAnswers.choice })
    .from(selfAnswers)
    .where(eq(selfAnswers.assessmentId, sittingId));

export async function saveAnswers(
  db: Db,
  sittingId: number,
  answers: { itemId: string; choice: number }[],
  at: Date,
): Promise<void> {
  if (answers.length === 0) return;
  await db
    .insert(selfAnswers)
    .values(
      answers.map((a) => ({ assessmentId: sittingId, itemId: a.itemId, choice: a.choice, answeredAt: at })),
    )
    .onConflictDoUpdate({
      target: [selfAnswers.assessmentId, selfAnswers.itemId],
      set: { choice: excluded('choice'), answeredAt: excluded('answered_at') },
    });
  await db
    .update(selfAssessments)
    .set({ version: sql`${selfAssessments.version} + 1` })
    .where(eq(selfAssessments.id, sittingId));
}

export async function markSubmitted(db: Db, id: number, at: Date): Promise<void> {
  await db
    .update(selfAssessments)
    .set({ status: 'submitted', submittedAt: at, version: sql`${selfAssessments.version} + 1` })
    .where(eq(selfAssessments.id, id));
}

export async function insertResults(
  db: Db,
  sittingId: number,
  results: { areaId: string; score: number; level: number }[],
): Promise<void> {
  if (results.length === 0) return;
  await db.insert(selfResults).values(results.map((r) => ({ assessmentId: sittingId, ...r })));
}

/** A person's sittings, newest first, with the results of those submitted. */
export async function sittingsOf(db: Db, userId: number, limit = 50) {
  const list = await db
    .select()
    .from(selfAssessments)
    .where(eq(selfAssessments.userId, userId))
    .orderBy(desc(selfAssessments.startedAt), desc(selfAssessments.id))
    .limit(limit);
  const ids = list.map((s) => s.id);
  const results =
    ids.length === 0 ? [] : await db.select().from(selfResults).where(inArray(selfResults.assessmentId, ids));
  return list.map((s) => ({ ...s, results: results.filter((r) => r.assessmentId === s.id) }));
}

export const resultsOf = (db: Db, sittingId: number) =>
  db.select().from(selfResults).where(eq(selfResults.assessmentId, sittingId));

// ---- levels

export type TeacherLevelRow = typeof teacherLevels.$inferSelect;

/** A person's current levels, locked for the submit that replaces them. */
export const lockTeacherLevels = (db: Db, userId: number): Promise<TeacherLevelRow[]> =>
  db.select().from(teacherLevels).where(eq(teacherLevels.userId, userId)).for('update');

export const teacherLevelsOf = (db: Db, userIds: number[]): Promise<TeacherLevelRow[]> =>
  userIds.length === 0
    ? Promise.resolve([])
    : db.select().from(teacherLevels).where(inArray(teacherLevels.userId, userIds));

export async function upsertTeacherLevels(db: Db, list: TeacherLevelRow[]): Promise<void> {
  if (list.length === 0) return;
  await db
    .insert(teacherLevels)
    .values(list)
    .onConflictDoUpdate({
      target: [teacherLevels.userId, teacherLevels.areaId],
      set: {
        institutionId: excluded('institution_id'),
        level: excluded('level'),
        assessedAt: excluded('assessed_at'),
      },
    });
}

/**
 * Serialises changes to these schools' level counts: two submits at one school wait for each other, so their
 * increments and decrements of the same rows cannot deadlock. Ids are taken in order.
 */
export async function lockSchoolCounts(db: Db, institutionIds: number[]): Promise<void> {
  for (const id of [...new Set(institutionIds)].sort((a, b) => a - b))
    await db.execute(sql`select pg_advisory_xact_lock(hashtextextended('training/school-levels', ${id}))`);
}

/** Adds `delta` (±1) teachers to each (school, area, level). */
export async function changeSchoolCounts(
  db: Db,
  changes: { institutionId: number; areaId: string; level: number; delta: number }[],
): Promise<void> {
  const up = changes.filter((c) => c.delta > 0);
  const down = changes.filter((c) => c.delta < 0);
  for (const c of down)
    await db
      .update(schoolLevels)
      .set({ teachers: sql`${schoolLevels.teachers} + ${c.delta}` })
      .where(
        and(
          eq(schoolLevels.institutionId, c.institutionId),
          eq(schoolLevels.areaId, c.areaId),
          eq(schoolLevels.level, c.level),
        ),
      );
  if (up.length > 0)
    await db
      .insert(schoolLevels)
      .values(
        up.map((c) => ({
          institutionId: c.institutionId,
          areaId: c.areaId,
          level: c.level,
          teachers: c.delta,
        })),
      )
      .onConflictDoUpdate({
        target: [schoolLevels.institutionId, schoolLevels.areaId, schoolLevels.level],
        set: { teachers: sql`${schoolLevels.teachers} + excluded.teachers` },
      });
}

export const schoolCounts = (db: Db, institutionId: number) =>
  db
    .select({ areaId: schoolLevels.areaId, level: schoolLevels.level, teachers: schoolLevels.teachers })
    .from(schoolLevels)
    .where(eq(schoolLevels.institutionId, institutionId));

// ---- suggested programmes

/**
 * Open programmes of a framework for a person's levels: those that develop an area where the person stands
 * below the programme's `for_below_level` (any level when it gives none).
 */
export const suggestedProgrammes = (
  db: Db,
  frameworkId: string,
  levels: { areaId: string; level: number }[],
) =>
  levels.length === 0
    ? Promise.resolve([])
    : rows<{
        id: number;
        title: string;
        description: string;
        mode: string;
        hours: number;
        areaIds: string[];
      }>(
        db,
        sql`select p.id, p.title, p.description, p.mode, p.hours, p.area_ids as "areaIds"
            from ${programmes} p
            where p.status = 'open' and p.framework_id = ${frameworkId}
              and exists (
                select 1 from jsonb_to_recordset(${JSON.stringify(levels)}::jsonb) as m("areaId" text, level int)
                where m."areaId" = any(p.area_ids) and (p.for_below_level is null or m.level < p.for_below_level))
            order by p.created_at desc, p.id desc
            limit 20`,
      );

// ---- rounds

export type RoundRow = typeof rounds.$inferSelect;

export async function insertRound(db: Db, values: typeof rounds.$inferInsert): Promise<RoundRow> {
  const [row] = await db.insert(rounds).values(values).returning();
  return row!;
}

export const roundsOf = (db: Db, institutionId: number, limit = 20): Promise<RoundRow[]> =>
  db
    .select()
    .from(rounds)
    .where(eq(rounds.institutionId, institutionId))
    .orderBy(desc(rounds.closesOn), desc(rounds.id))
    .limit(limit);

/** The rounds of these schools open on `today` (opened, not yet closed). */
export const openRoundsAt = (
  db: Db,
  institutionIds: number[],
  frameworkId: string,
  today: string,
): Promise<RoundRow[]> =>
  institutionIds.length === 0
    ? Promise.resolve([])
    : db
        .select()
        .from(rounds)
        .where(
          and(
            inArray(rounds.institutionId, institutionIds),
            eq(rounds.frameworkId, frameworkId),
            sql`${rounds.opensOn} <= ${today}::date and ${rounds.closesOn} >= ${today}::date`,
          ),
        )
        .orderBy(asc(rounds.closesOn), asc(rounds.id));

/** For a school's staff: each person's latest submission and whether a sitting is open. */
export const staffSittings = (db: Db, userIds: number[], frameworkId: string) =>
  userIds.length === 0
    ? Promise.resolve([])
    : rows<{ userId: number; lastSubmittedAt: Date | string | null; open: boolean }>(
        db,
        sql`select u.id as "userId",
                   (select max(s.submitted_at) from ${selfAssessments} s
                     where s.user_id = u.id and s.framework_id = ${frameworkId} and s.status = 'submitted')
                     as "lastSubmittedAt",
                   exists (select 1 from ${selfAssessments} s
                     where s.user_id = u.id and s.framework_id = ${frameworkId} and s.status = 'open') as open
            from unnest(${intArray(userIds)}) as u(id)`,
      );

export async function roundById(db: Db, id: number): Promise<RoundRow | undefined> {
  const [row] = await db.select().from(rounds).where(eq(rounds.id, id));
  return row;
}
