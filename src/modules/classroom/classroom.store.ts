import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { classes, enrolments } from '@/modules/classroom/classroom.tables';

/** The classroom module's reads: classes and who is enrolled in them. */

/** A class row with the code of its academic year. */
export interface ClassRow {
  id: number;
  institutionId: number;
  grade: number;
  letter: string;
  shift: number;
  language: 'az' | 'ru' | 'en';
  academicYearId: number;
  homeroomTeacherId: number | null;
}

const classColumns = {
  id: classes.id,
  institutionId: classes.institutionId,
  grade: classes.grade,
  letter: classes.letter,
  shift: classes.shift,
  language: classes.language,
  academicYearId: classes.academicYearId,
  homeroomTeacherId: classes.homeroomTeacherId,
};

/**
 * The classes a teacher is homeroom teacher of, in the given institutions (the ones they hold the teacher
 * role in) and academic year, each with its number of enrolled students.
 */
export async function classesLedBy(
  db: Db,
  teacherId: number,
  institutionIds: number[],
  academicYearId: number | null,
): Promise<(ClassRow & { students: number })[]> {
  if (institutionIds.length === 0) return [];
  return db
    .select({
      ...classColumns,
      students: sql<number>`(select count(*)::int from ${enrolments} where ${enrolments.classId} = ${classes.id})`,
    })
    .from(classes)
    .where(
      and(
        eq(classes.homeroomTeacherId, teacherId),
        inArray(classes.institutionId, institutionIds),
        academicYearId === null ? undefined : eq(classes.academicYearId, academicYearId),
      ),
    )
    .orderBy(asc(classes.institutionId), asc(classes.grade), asc(classes.letter));
}

/** The classes the given students are enrolled in, in the academic year. */
export async function classesOfStudents(
  db: Db,
  studentIds: number[],
  academicYearId: number | null,
): Promise<(ClassRow & { studentId: number })[]> {
  if (studentIds.length === 0) return [];
  return db
    .select({ ...classColumns, studentId: enrolments.studentId })
    .from(enrolments)
    .innerJoin(classes, eq(classes.id, enrolments.classId))
    .where(
      and(
        inArray(enrolments.studentId, studentIds),
        academicYearId === null ? undefined : eq(classes.academicYearId, academicYearId),
      ),
    )
    .orderBy(asc(classes.grade), asc(classes.letter));
}
