import { and, asc, eq, sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import {
  courseAttempts,
  courses,
  lessons,
  type CourseQuestion,
} from '@/modules/portal/portal.courses.tables';
import type { Localised } from '@/modules/portal/portal.tables';
import type { SafetyTopic } from '@/modules/portal/portal.courses.tables';
import type { LessonRow } from '@/modules/portal/portal.courses.store';

/** SQL of the content staff's editor of the internet-safety courses (docs/portal.md). */

/** Every lesson of a course, retired ones too, in order, with how many pupils took its quiz. */
export function allLessonsOf(db: Db, courseId: number) {
  return rows<LessonRow & { attempts: number }>(
    db,
    sql`select l.id, l.version, l.retired, l.course_id as "courseId", l.position, l.topic, l.title, l.body,
          l.resource_ids as "resourceIds", l.questions,
          (select count(*)::int from ${courseAttempts} a where a.lesson_id = l.id) as attempts
        from ${lessons} l where l.course_id = ${courseId} order by l.position, l.id`,
  );
}

/** A lesson, retired or not, with how many pupils took its quiz. */
export async function lessonWithAttempts(db: Db, id: number) {
  const [row] = await rows<LessonRow & { attempts: number }>(
    db,
    sql`select l.id, l.version, l.retired, l.course_id as "courseId", l.position, l.topic, l.title, l.body,
          l.resource_ids as "resourceIds", l.questions,
          (select count(*)::int from ${courseAttempts} a where a.lesson_id = l.id) as attempts
        from ${lessons} l where l.id = ${id}`,
  );
  return row;
}

/**
 * Locks a course's row for a change of it or its lessons (so two editors' changes queue). `no key update`: a
 * pupil's attempt being saved (which holds the row's key through its foreign key) does not wait on it.
 */
export async function lockCourse(db: Db, id: number) {
  const [row] = await db.select().from(courses).where(eq(courses.id, id)).for('no key update');
  return row;
}

/** Saves a course's texts at the version read; undefined when the version is stale. */
export async function updateCourse(
  db: Db,
  id: number,
  version: number,
  v: { title: Localised; summary: Localised },
  at: Date,
) {
  const [row] = await db
    .update(courses)
    .set({ ...v, version: sql`${courses.version} + 1`, editedAt: at })
    .where(and(eq(courses.id, id), eq(courses.version, version)))
    .returning();
  return row;
}

/** Marks a course edited in the app (a lesson of it changed): loading the pack again leaves it be. */
export async function markEdited(db: Db, id: number, at: Date) {
  await db.update(courses).set({ editedAt: at }).where(eq(courses.id, id));
}

/** Puts a course's lessons in the order given (every lesson of the course, once each). */
export async function reorderLessons(db: Db, courseId: number, ids: number[]) {
  // Positions are unique per course: move them out of the way first, then number them afresh.
  await db
    .update(lessons)
    .set({ position: sql`-${lessons.position}` })
    .where(eq(lessons.courseId, courseId));
  for (const [i, id] of ids.entries())
    await db
      .update(lessons)
      .set({ position: i + 1 })
      .where(and(eq(lessons.id, id), eq(lessons.courseId, courseId)));
}

export interface LessonValues {
  topic: SafetyTopic;
  title: Localised;
  body: Localised;
  resourceIds: number[];
  questions: CourseQuestion[];
}

/** Adds a lesson after the course's last one. */
export async function insertLesson(db: Db, courseId: number, v: LessonValues) {
  const [last] = await db
    .select({ position: sql<number>`coalesce(max(${lessons.position}), 0)::int` })
    .from(lessons)
    .where(eq(lessons.courseId, courseId));
  const [row] = await db
    .insert(lessons)
    .values({ courseId, position: (last?.position ?? 0) + 1, ...v })
    .returning();
  return row!;
}

/** Saves a lesson at the version read; undefined when the version is stale. */
export async function updateLesson(
  db: Db,
  id: number,
  version: number,
  v: LessonValues & { retired: boolean },
) {
  const [row] = await db
    .update(lessons)
    .set({ ...v, version: sql`${lessons.version} + 1` })
    .where(and(eq(lessons.id, id), eq(lessons.version, version)))
    .returning();
  return row;
}

/** Retires a lesson at the version read (hidden from pupils, attempts kept); false when the version is stale. */
export async function retireLesson(db: Db, id: number, version: number) {
  const done = await db
    .update(lessons)
    .set({ retired: true, version: sql`${lessons.version} + 1` })
    .where(and(eq(lessons.id, id), eq(lessons.version, version)))
    .returning({ id: lessons.id });
  return done.length > 0;
}

/** Removes a lesson at the version read if no pupil took its quiz; false when not removed. */
/**
 * Locks a lesson row before asking whether pupils took it: a quiz being saved holds the row (`findLesson` with
 * `share`), so the question is asked once that quiz is in, and sees its attempt.
 */
export async function lockLesson(db: Db, id: number) {
  await db.select({ id: lessons.id }).from(lessons).where(eq(lessons.id, id)).for('update');
}

export async function deleteUnattempted(db: Db, id: number, version: number) {
  const done = await db
    .delete(lessons)
    .where(
      and(
        eq(lessons.id, id),
        eq(lessons.version, version),
        sql`not exists (select 1 from ${courseAttempts} a where a.lesson_id = ${lessons.id})`,
      ),
    )
    .returning({ id: lessons.id });
  return done.length > 0;
}

export function lessonIdsOf(db: Db, courseId: number) {
  return db
    .select({ id: lessons.id })
    .from(lessons)
    .where(eq(lessons.courseId, courseId))
    .orderBy(asc(lessons.position));
}
