import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { assignments, exams, windows } from '@/modules/safety/safety.tables';

/** SQL of the content filter's schedules: assignments, lesson windows, exams. */

export type AssignmentRow = typeof assignments.$inferSelect;
export type WindowRow = typeof windows.$inferSelect;
export type ExamRow = typeof exams.$inferSelect;

export const allAssignments = (db: Db) => db.select().from(assignments).orderBy(asc(assignments.id));
export const allWindows = (db: Db) =>
  db.select().from(windows).orderBy(asc(windows.startMinute), asc(windows.id));
export const allExams = (db: Db) => db.select().from(exams).orderBy(asc(exams.startsAt), asc(exams.id));

/** The assignment of a scope, network kind and window, if any (locked for the save). */
export async function findAssignment(
  db: Db,
  k: { areaId: number | null; institutionId: number | null; networkKind: string; window: string },
) {
  return (
    await db
      .select()
      .from(assignments)
      .where(
        and(
          sql`coalesce(${assignments.areaId}, 0) = ${k.areaId ?? 0}`,
          sql`coalesce(${assignments.institutionId}, 0) = ${k.institutionId ?? 0}`,
          eq(assignments.networkKind, k.networkKind),
          eq(assignments.window, k.window),
        ),
      )
      .for('update')
  )[0];
}

export async function assignmentById(db: Db, id: number) {
  return (await db.select().from(assignments).where(eq(assignments.id, id)).for('update'))[0];
}

export async function insertAssignment(db: Db, v: typeof assignments.$inferInsert) {
  return (await db.insert(assignments).values(v).onConflictDoNothing().returning())[0];
}

export async function updateAssignment(
  db: Db,
  id: number,
  version: number,
  policyId: number,
  updatedBy: number | null,
) {
  return (
    await db
      .update(assignments)
      .set({ policyId, updatedBy, version: sql`${assignments.version} + 1`, updatedAt: new Date() })
      .where(and(eq(assignments.id, id), eq(assignments.version, version)))
      .returning()
  )[0];
}

export async function deleteAssignment(db: Db, id: number, version: number) {
  return (
    await db
      .delete(assignments)
      .where(and(eq(assignments.id, id), eq(assignments.version, version)))
      .returning()
  )[0];
}

export async function windowById(db: Db, id: number) {
  return (await db.select().from(windows).where(eq(windows.id, id)).for('update'))[0];
}

export async function insertWindow(db: Db, v: typeof windows.$inferInsert) {
  return (await db.insert(windows).values(v).returning())[0]!;
}

export async function deleteWindow(db: Db, id: number, version: number) {
  return (
    await db
      .delete(windows)
      .where(and(eq(windows.id, id), eq(windows.version, version)))
      .returning()
  )[0];
}

export async function examById(db: Db, id: number) {
  return (await db.select().from(exams).where(eq(exams.id, id)).for('update'))[0];
}

export async function insertExam(db: Db, v: typeof exams.$inferInsert) {
  return (await db.insert(exams).values(v).returning())[0]!;
}

/** Moves an exam's end, at the version read; undefined when the version moved on. */
export async function updateExamEnd(db: Db, id: number, version: number, endsAt: Date) {
  return (
    await db
      .update(exams)
      .set({ endsAt, version: sql`${exams.version} + 1` })
      .where(and(eq(exams.id, id), eq(exams.version, version)))
      .returning()
  )[0];
}

export async function deleteExam(db: Db, id: number, version: number) {
  return (
    await db
      .delete(exams)
      .where(and(eq(exams.id, id), eq(exams.version, version)))
      .returning()
  )[0];
}
