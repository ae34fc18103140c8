import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import type { StoredAnswer } from '@/modules/contests/contests.marking';
import {
  courseAttempts,
  courseRuns,
  courses,
  lessons,
  sidActivities,
  sidCampaigns,
  sidEvents,
} from '@/modules/portal/portal.courses.tables';
import type { PackCourse, PackSid } from '@/modules/portal/portal.courses.pack';

/** SQL of the internet-safety courses and Safer Internet Day (docs/portal.md). */

export type CourseRow = typeof courses.$inferSelect;
export type LessonRow = typeof lessons.$inferSelect;
export type RunRow = typeof courseRuns.$inferSelect;
export type SidEventRow = typeof sidEvents.$inferSelect;

// Courses ----------------------------------------------------------------------------------------------------

/**
 * Writes the pack's courses matched by code and their lessons by position (so loading again updates the texts
 * and keeps pupils' attempts); `resourcesFor` gives each lesson's library resources.
 */
export async function saveCourses(
  db: Db,
  list: PackCourse[],
  resourcesFor: (course: PackCourse, position: number) => number[],
): Promise<{ courses: number; lessons: number }> {
  let lessonCount = 0;
  for (const c of list) {
    const [row] = await db
      .insert(courses)
      .values({
        code: c.code,
        gradeFrom: c.gradeFrom,
        gradeTo: c.gradeTo,
        title: c.title,
        summary: c.summary,
      })
      .onConflictDoUpdate({
        target: courses.code,
        set: { gradeFrom: c.gradeFrom, gradeTo: c.gradeTo, title: c.title, summary: c.summary },
        // A course the content staff edited in the app (docs/portal.md) is theirs: the pack leaves it be.
        setWhere: isNull(courses.editedAt),
      })
      .returning({ id: courses.id });
    if (!row) continue;
    for (const [i, l] of c.lessons.entries()) {
      const values = {
        courseId: row.id,
        position: i + 1,
        topic: l.topic,
        title: l.title,
        body: l.body,
        resourceIds: resourcesFor(c, i + 1),
        questions: l.questions,
      };
      await db
        .insert(lessons)
        .values(values)
        .onConflictDoUpdate({
          target: [lessons.courseId, lessons.position],
          set: {
            topic: values.topic,
            title: values.title,
            body: values.body,
            resourceIds: values.resourceIds,
            questions: values.questions,
          },
        });
      lessonCount++;
    }
  }
  return { courses: list.length, lessons: lessonCount };
}

export function listCourses(db: Db) {
  return rows<CourseRow & { lessons: number }>(
    db,
    sql`select c.id, c.code, c.grade_from as "gradeFrom", c.grade_to as "gradeTo", c.title, c.summary,
          (select count(*)::int from ${lessons} l where l.course_id = c.id and not l.retired) as lessons
        from ${courses} c order by c.grade_from, c.id`,
  );
}

export async function findCourse(db: Db, id: number): Promise<CourseRow | undefined> {
  const [row] = await db.select().from(courses).where(eq(courses.id, id));
  return row;
}

/** A course's lessons that pupils see (retired ones left out), in order. */
export function lessonsOf(db: Db, courseId: number): Promise<LessonRow[]> {
  return db
    .select()
    .from(lessons)
    .where(and(eq(lessons.courseId, courseId), eq(lessons.retired, false)))
    .orderBy(asc(lessons.position));
}

/**
 * A lesson pupils see; undefined when it does not exist or is retired. `share` holds it against removal and
 * retirement until the transaction ends (a quiz being saved while its lesson is removed).
 */
export async function findLesson(db: Db, id: number, share = false): Promise<LessonRow | undefined> {
  const q = db
    .select()
    .from(lessons)
    .where(and(eq(lessons.id, id), eq(lessons.retired, false)));
  const [row] = await (share ? q.for('share') : q);
  return row;
}

// Class runs -------------------------------------------------------------------------------------------------

/** Starts a course for a class; the existing run when it was started already. */
export async function startRun(
  db: Db,
  v: { courseId: number; classId: number; institutionId: number; startedBy: number | null },
): Promise<{ run: RunRow; created: boolean }> {
  const [made] = await db.insert(courseRuns).values(v).onConflictDoNothing().returning();
  if (made) return { run: made, created: true };
  const [found] = await db
    .select()
    .from(courseRuns)
    .where(and(eq(courseRuns.courseId, v.courseId), eq(courseRuns.classId, v.classId)));
  return { run: found!, created: false };
}

/** The runs of a course in some classes, with how many pupils did how many lessons in each. */
export function runsOf(db: Db, courseId: number, classIds: number[]) {
  if (classIds.length === 0) return Promise.resolve([]);
  return rows<{ id: number; classId: number; startedAt: string; pupils: number; lessonsDone: number }>(
    db,
    sql`select r.id, r.class_id as "classId", r.started_at as "startedAt",
          (select count(distinct a.student_id)::int from ${courseAttempts} a where a.run_id = r.id) as pupils,
          (select count(*)::int from ${courseAttempts} a where a.run_id = r.id) as "lessonsDone"
        from ${courseRuns} r
        where r.course_id = ${courseId} and r.class_id = any(${intArray(classIds)})
        order by r.class_id`,
  );
}

/** The run of a course in a class, if the class takes it with its teacher. */
export async function runOfClass(db: Db, courseId: number, classId: number): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(courseRuns)
    .where(and(eq(courseRuns.courseId, courseId), eq(courseRuns.classId, classId)));
  return row;
}

// Attempts ---------------------------------------------------------------------------------------------------

/** A pupil's results in a course's lessons. */
export function attemptsOf(db: Db, studentId: number, courseId: number) {
  return db
    .select({
      lessonId: courseAttempts.lessonId,
      score: courseAttempts.score,
      maxScore: courseAttempts.maxScore,
      tries: courseAttempts.tries,
    })
    .from(courseAttempts)
    .where(and(eq(courseAttempts.studentId, studentId), eq(courseAttempts.courseId, courseId)));
}

/** Records a quiz: the first, or a retake (the best score is kept, the tries counted). Returns the kept row. */
export async function saveAttempt(
  db: Db,
  v: {
    lessonId: number;
    courseId: number;
    studentId: number;
    institutionId: number;
    classId: number | null;
    runId: number | null;
    placePath: number[];
    score: number;
    maxScore: number;
    answers: (StoredAnswer | null)[];
    doneAt: Date;
  },
) {
  const [row] = await db
    .insert(courseAttempts)
    .values(v)
    .onConflictDoUpdate({
      target: [courseAttempts.lessonId, courseAttempts.studentId],
      // A retake after the pack changed the quiz's maximum starts afresh from the new attempt (the kept score
      // must stay within the new maximum); otherwise the best score is kept. Tries stop at smallint's top.
      set: {
        maxScore: sql`excluded.max_score`,
        tries: sql`case when excluded.max_score <> ${courseAttempts.maxScore} then 1
                        else least(${courseAttempts.tries} + 1, 32767) end`,
        score: sql`case when excluded.max_score <> ${courseAttempts.maxScore} then excluded.score
                        else greatest(${courseAttempts.score}, excluded.score) end`,
        answers: sql`case when excluded.max_score <> ${courseAttempts.maxScore} or excluded.score > ${courseAttempts.score}
                          then excluded.answers else ${courseAttempts.answers} end`,
        doneAt: sql`case when excluded.max_score <> ${courseAttempts.maxScore} or excluded.score > ${courseAttempts.score}
                         then excluded.done_at else ${courseAttempts.doneAt} end`,
        runId: sql`coalesce(excluded.run_id, ${courseAttempts.runId})`,
        classId: sql`coalesce(excluded.class_id, ${courseAttempts.classId})`,
      },
    })
    .returning({
      score: courseAttempts.score,
      maxScore: courseAttempts.maxScore,
      tries: courseAttempts.tries,
    });
  return row!;
}

// Safer Internet Day -----------------------------------------------------------------------------------------

/** Writes a year's campaign from the pack, matched by year and its activities by position. */
export async function saveCampaign(db: Db, year: number, day: string, sid: PackSid): Promise<number> {
  const [c] = await db
    .insert(sidCampaigns)
    .values({ year, day, theme: sid.theme, summary: sid.summary })
    .onConflictDoUpdate({ target: sidCampaigns.year, set: { day, theme: sid.theme, summary: sid.summary } })
    .returning({ id: sidCampaigns.id });
  for (const [i, a] of sid.activities.entries()) {
    await db
      .insert(sidActivities)
      .values({ campaignId: c!.id, position: i + 1, ...a })
      .onConflictDoUpdate({ target: [sidActivities.campaignId, sidActivities.position], set: a });
  }
  return c!.id;
}

export async function findCampaign(db: Db, id: number) {
  const [row] = await db.select().from(sidCampaigns).where(eq(sidCampaigns.id, id));
  return row;
}

export async function campaignOfYear(db: Db, year: number) {
  const [row] = await db.select().from(sidCampaigns).where(eq(sidCampaigns.year, year));
  return row;
}

/** The latest campaign on or before a year (a page opened before the year's campaign is made). */
export async function latestCampaign(db: Db, year: number) {
  const [row] = await db
    .select()
    .from(sidCampaigns)
    .where(sql`${sidCampaigns.year} <= ${year}`)
    .orderBy(sql`${sidCampaigns.year} desc`)
    .limit(1);
  return row;
}

export function activitiesOf(db: Db, campaignId: number) {
  return db
    .select()
    .from(sidActivities)
    .where(eq(sidActivities.campaignId, campaignId))
    .orderBy(asc(sidActivities.position));
}

export async function eventOfSchool(db: Db, campaignId: number, institutionId: number) {
  const [row] = await db
    .select()
    .from(sidEvents)
    .where(and(eq(sidEvents.campaignId, campaignId), eq(sidEvents.institutionId, institutionId)));
  return row;
}

export function eventsOfSchools(db: Db, campaignId: number, institutionIds: number[]) {
  if (institutionIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(sidEvents)
    .where(and(eq(sidEvents.campaignId, campaignId), inArray(sidEvents.institutionId, institutionIds)));
}

export async function insertEvent(db: Db, v: typeof sidEvents.$inferInsert) {
  const [row] = await db.insert(sidEvents).values(v).onConflictDoNothing().returning();
  return row;
}

/** Saves an event at the version read; undefined when the version is stale. */
export async function updateEvent(
  db: Db,
  id: number,
  version: number,
  v: { title: string; heldOn: string; participants: number; activityIds: number[]; registeredBy: number },
  at: Date,
) {
  const [row] = await db
    .update(sidEvents)
    .set({ ...v, version: sql`${sidEvents.version} + 1`, updatedAt: at })
    .where(and(eq(sidEvents.id, id), eq(sidEvents.version, version)))
    .returning();
  return row;
}
