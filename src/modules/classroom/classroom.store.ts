import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { intArray, rows, textArray, type Db } from '@/server/db/database';
import { bulkInsertRows, bulkUpdateRows } from '@/server/db/bulk';
import {
  bellPeriods,
  bellSchedules as bellScheduleVersions,
  classes,
  enrolments,
  lessonMaterials,
  lessons,
  subjectTeachers,
  timetableEntries,
} from '@/modules/classroom/classroom.tables';
import { now } from '@/server/clock';
import { institutionNamesRelation, yearInForceRelation } from '@/modules/institutions/institutions.store';
import { userNamesRelation } from '@/modules/identity/identity.store';

/** The classroom module's SQL: classes, enrolments, subject teachers, bell schedules, timetables, lessons. */

/** A class row. */
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

const studentCount = sql<number>`(select count(*)::int from ${enrolments} where ${enrolments.classId} = ${classes.id})`;

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
    .select({ ...classColumns, students: studentCount })
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

/** A student's class as their home shows it: the year's code, the school's names, the homeroom teacher's. */
export type DescribedClassRow = ClassRow & {
  studentId: number;
  academicYear: string;
  institution: { id: number; nameAz: string; nameRu: string; nameEn: string };
  homeroomTeacher: string | null;
};

/**
 * The classes the given students are enrolled in, in the academic year in force (every year when none is
 * marked current), with the year's code and the names of the school and the homeroom teacher: one query.
 */
export async function describedClassesOfStudents(db: Db, studentIds: number[]): Promise<DescribedClassRow[]> {
  if (studentIds.length === 0) return [];
  const found = await rows<
    ClassRow & {
      studentId: number;
      academicYear: string;
      nameAz: string;
      nameRu: string;
      nameEn: string;
      homeroomTeacher: string | null;
    }
  >(
    db,
    sql`select c.id, c.institution_id as "institutionId", c.grade, c.letter, c.shift, c.language,
          c.academic_year_id as "academicYearId", c.homeroom_teacher_id as "homeroomTeacherId",
          e.student_id as "studentId", y.code as "academicYear",
          i.name_az as "nameAz", i.name_ru as "nameRu", i.name_en as "nameEn", u.display_name as "homeroomTeacher"
        from ${enrolments} e
        join ${classes} c on c.id = e.class_id
        join (${yearInForceRelation()}) y on y.id = c.academic_year_id
        join (${institutionNamesRelation()}) i on i.id = c.institution_id
        left join (${userNamesRelation()}) u on u.id = c.homeroom_teacher_id
        where e.student_id = any(${intArray(studentIds)})
        order by c.grade, c.letter`,
  );
  return found.map(({ nameAz, nameRu, nameEn, ...r }) => ({
    ...r,
    institution: { id: r.institutionId, nameAz, nameRu, nameEn },
  }));
}

/** One class, or undefined. */
export async function findClass(db: Db, id: number): Promise<ClassRow | undefined> {
  const [row] = await db.select(classColumns).from(classes).where(eq(classes.id, id));
  return row;
}

/** Classes by id, in one query. */
export async function findClasses(db: Db, ids: number[]): Promise<ClassRow[]> {
  if (ids.length === 0) return [];
  return db.select(classColumns).from(classes).where(inArray(classes.id, ids));
}

/** A school's classes in a year (or only `onlyIds` of them), with their number of students. */
export async function listClasses(
  db: Db,
  institutionId: number,
  academicYearId: number,
  onlyIds?: number[],
): Promise<(ClassRow & { students: number })[]> {
  if (onlyIds && onlyIds.length === 0) return [];
  return db
    .select({ ...classColumns, students: studentCount })
    .from(classes)
    .where(
      and(
        eq(classes.institutionId, institutionId),
        eq(classes.academicYearId, academicYearId),
        onlyIds ? inArray(classes.id, onlyIds) : undefined,
      ),
    )
    .orderBy(asc(classes.grade), asc(classes.letter));
}

/** A class by its name (grade and letter) at a school in a year. */
export async function findClassByName(
  db: Db,
  institutionId: number,
  academicYearId: number,
  grade: number,
  letter: string,
): Promise<ClassRow | undefined> {
  const [row] = await db
    .select(classColumns)
    .from(classes)
    .where(
      and(
        eq(classes.institutionId, institutionId),
        eq(classes.academicYearId, academicYearId),
        eq(classes.grade, grade),
        eq(classes.letter, letter),
      ),
    );
  return row;
}

/** Inserts a class. */
export async function insertClass(db: Db, values: Omit<ClassRow, 'id'>): Promise<ClassRow> {
  const [row] = await db.insert(classes).values(values).returning(classColumns);
  return row!;
}

/**
 * Creates the classes of a school's year that are missing, one statement for all of them (a class made in the
 * meantime by someone else is kept, not refused); returns the id, grade and letter of each class asked for.
 */
export async function insertMissingClasses(
  db: Db,
  institutionId: number,
  academicYearId: number,
  values: { grade: number; letter: string; language: ClassRow['language']; shift: number }[],
): Promise<{ id: number; grade: number; letter: string }[]> {
  if (values.length === 0) return [];
  await bulkInsertRows(
    db,
    classes,
    values.map((v) => ({ ...v, institutionId, academicYearId, homeroomTeacherId: null })),
    { onConflict: sql` on conflict on constraint classroom_class_name do nothing` },
  );
  return rows<{ id: number; grade: number; letter: string }>(
    db,
    sql`select c.id, c.grade::int as grade, c.letter from ${classes} c
        join unnest(${intArray(values.map((v) => v.grade))}, ${textArray(values.map((v) => v.letter))}) as k(grade, letter)
          on c.grade = k.grade and c.letter = k.letter
        where c.institution_id = ${institutionId} and c.academic_year_id = ${academicYearId}`,
  );
}

/** Sets the homeroom teacher of several classes, one statement for all of them. */
export async function setHomeroomTeachers(
  db: Db,
  values: { id: number; homeroomTeacherId: number | null }[],
): Promise<void> {
  await bulkUpdateRows(db, classes, 'id', values);
}

/** Changes a class. */
export async function updateClass(
  db: Db,
  id: number,
  values: Partial<Omit<ClassRow, 'id' | 'institutionId' | 'academicYearId'>>,
): Promise<ClassRow> {
  const [row] = await db.update(classes).set(values).where(eq(classes.id, id)).returning(classColumns);
  return row!;
}

/** The ids of the classes a teacher teaches at a school in a year: as homeroom, subject or timetabled teacher. */
export async function classIdsTaughtBy(
  db: Db,
  teacherId: number,
  institutionId: number,
  academicYearId: number | null,
): Promise<number[]> {
  const year = academicYearId === null ? sql`true` : sql`c.academic_year_id = ${academicYearId}`;
  const found = await rows<{ id: number }>(
    db,
    sql`select c.id from ${classes} c where c.institution_id = ${institutionId} and ${year} and (
          c.homeroom_teacher_id = ${teacherId}
          or exists (select 1 from ${subjectTeachers} s where s.class_id = c.id and s.teacher_id = ${teacherId})
          or exists (select 1 from ${timetableEntries} e where e.class_id = c.id and e.teacher_id = ${teacherId}))
        order by c.grade, c.letter`,
  );
  return found.map((r) => r.id);
}

/** Whether a teacher teaches a class (homeroom, subject or timetable). */
export async function teachesClass(db: Db, teacherId: number, classId: number): Promise<boolean> {
  const [row] = await rows<{ ok: boolean }>(
    db,
    sql`select exists (select 1 from ${classes} where id = ${classId} and homeroom_teacher_id = ${teacherId})
        or exists (select 1 from ${subjectTeachers} where class_id = ${classId} and teacher_id = ${teacherId})
        or exists (select 1 from ${timetableEntries} where class_id = ${classId} and teacher_id = ${teacherId}) as ok`,
  );
  return row?.ok === true;
}

/** Whether a student is enrolled in a class. */
export async function isEnrolled(db: Db, studentId: number, classId: number): Promise<boolean> {
  const [row] = await db
    .select({ classId: enrolments.classId })
    .from(enrolments)
    .where(and(eq(enrolments.classId, classId), eq(enrolments.studentId, studentId)));
  return row !== undefined;
}

/** The students of a class, by id. */
export async function studentIdsOf(db: Db, classId: number): Promise<number[]> {
  const found = await db
    .select({ id: enrolments.studentId })
    .from(enrolments)
    .where(eq(enrolments.classId, classId))
    .orderBy(asc(enrolments.studentId));
  return found.map((r) => r.id);
}

/** Which class of a year (if any) each of the given students is in. */
export async function classOfStudentsInYear(
  db: Db,
  studentIds: number[],
  academicYearId: number,
): Promise<Map<number, number>> {
  if (studentIds.length === 0) return new Map();
  const found = await db
    .select({ studentId: enrolments.studentId, classId: enrolments.classId })
    .from(enrolments)
    .innerJoin(classes, eq(classes.id, enrolments.classId))
    .where(and(inArray(enrolments.studentId, studentIds), eq(classes.academicYearId, academicYearId)));
  return new Map(found.map((r) => [r.studentId, r.classId]));
}

/** Enrols students (moving each out of any other class of the same year first). */
export async function enrol(
  db: Db,
  academicYearId: number,
  items: { classId: number; studentId: number; institutionId: number }[],
): Promise<void> {
  if (items.length === 0) return;
  await db.execute(
    sql`delete from ${enrolments} e using ${classes} c
        where c.id = e.class_id and c.academic_year_id = ${academicYearId}
          and e.student_id = any(${intArray(items.map((i) => i.studentId))})`,
  );
  await db.insert(enrolments).values(items);
}

/** Takes a student out of a class; whether they were in it. */
export async function unenrol(db: Db, classId: number, studentId: number): Promise<boolean> {
  const gone = await db
    .delete(enrolments)
    .where(and(eq(enrolments.classId, classId), eq(enrolments.studentId, studentId)))
    .returning({ id: enrolments.studentId });
  return gone.length > 0;
}

/** Every enrolment of a school's year, for the export: the student id and the class. */
export async function enrolmentsOfYear(
  db: Db,
  institutionId: number,
  academicYearId: number,
): Promise<{ studentId: number; grade: number; letter: string }[]> {
  return db
    .select({ studentId: enrolments.studentId, grade: classes.grade, letter: classes.letter })
    .from(enrolments)
    .innerJoin(classes, eq(classes.id, enrolments.classId))
    .where(and(eq(classes.institutionId, institutionId), eq(classes.academicYearId, academicYearId)))
    .orderBy(asc(classes.grade), asc(classes.letter), asc(enrolments.studentId));
}

/** The subject teachers of a class. */
export async function subjectTeachersOf(
  db: Db,
  classId: number,
): Promise<{ subjectCode: string; teacherId: number }[]> {
  return db
    .select({ subjectCode: subjectTeachers.subjectCode, teacherId: subjectTeachers.teacherId })
    .from(subjectTeachers)
    .where(eq(subjectTeachers.classId, classId))
    .orderBy(asc(subjectTeachers.subjectCode));
}

/** The subject teachers of several classes (the OneRoster export). */
export async function subjectTeachersOfClasses(
  db: Db,
  classIds: number[],
): Promise<{ classId: number; subjectCode: string; teacherId: number }[]> {
  if (classIds.length === 0) return [];
  return db
    .select({
      classId: subjectTeachers.classId,
      subjectCode: subjectTeachers.subjectCode,
      teacherId: subjectTeachers.teacherId,
    })
    .from(subjectTeachers)
    .where(inArray(subjectTeachers.classId, classIds))
    .orderBy(asc(subjectTeachers.classId), asc(subjectTeachers.subjectCode));
}

/** Sets who teaches a subject to a class. */
export async function putSubjectTeacher(
  db: Db,
  values: { classId: number; subjectCode: string; teacherId: number; institutionId: number },
): Promise<void> {
  await db
    .insert(subjectTeachers)
    .values(values)
    .onConflictDoUpdate({
      target: [subjectTeachers.classId, subjectTeachers.subjectCode],
      set: { teacherId: values.teacherId },
    });
}

/** Removes a subject's teacher from a class; whether there was one. */
export async function deleteSubjectTeacher(db: Db, classId: number, subjectCode: string): Promise<boolean> {
  const gone = await db
    .delete(subjectTeachers)
    .where(and(eq(subjectTeachers.classId, classId), eq(subjectTeachers.subjectCode, subjectCode)))
    .returning({ code: subjectTeachers.subjectCode });
  return gone.length > 0;
}

// ---------------------------------------------------------------------------------------------------------
// Bell schedules and timetables

/** A period of a bell schedule. */
export interface BellPeriodRow {
  shift: number;
  period: number;
  startMinute: number;
  endMinute: number;
}

/** A school's bell schedules in a year, every shift, ordered by shift and period. */
export async function bellSchedules(
  db: Db,
  institutionId: number,
  academicYearId: number,
): Promise<BellPeriodRow[]> {
  return db
    .select({
      shift: bellPeriods.shift,
      period: bellPeriods.period,
      startMinute: bellPeriods.startMinute,
      endMinute: bellPeriods.endMinute,
    })
    .from(bellPeriods)
    .where(and(eq(bellPeriods.institutionId, institutionId), eq(bellPeriods.academicYearId, academicYearId)))
    .orderBy(asc(bellPeriods.shift), asc(bellPeriods.period));
}

/** The version of each shift's bell schedule that has been saved (a shift not listed is at version 0). */
export async function bellVersions(
  db: Db,
  institutionId: number,
  academicYearId: number,
): Promise<Map<number, number>> {
  const list = await db
    .select({ shift: bellScheduleVersions.shift, version: bellScheduleVersions.version })
    .from(bellScheduleVersions)
    .where(
      and(
        eq(bellScheduleVersions.institutionId, institutionId),
        eq(bellScheduleVersions.academicYearId, academicYearId),
      ),
    );
  return new Map(list.map((r) => [r.shift, r.version]));
}

/**
 * Bumps a shift's bell schedule version if it is still at `version` (0: never saved); the new version, or
 * undefined when someone else saved it meanwhile (the row lock, or the key of a first save, makes a concurrent
 * save wait, then miss the version).
 */
export async function bumpBellScheduleVersion(
  db: Db,
  institutionId: number,
  academicYearId: number,
  shift: number,
  version: number,
): Promise<number | undefined> {
  const [row] =
    version === 0
      ? await db
          .insert(bellScheduleVersions)
          .values({ institutionId, academicYearId, shift, version: 1 })
          .onConflictDoNothing()
          .returning({ version: bellScheduleVersions.version })
      : await db
          .update(bellScheduleVersions)
          .set({ version: sql`${bellScheduleVersions.version} + 1` })
          .where(
            and(
              eq(bellScheduleVersions.institutionId, institutionId),
              eq(bellScheduleVersions.academicYearId, academicYearId),
              eq(bellScheduleVersions.shift, shift),
              eq(bellScheduleVersions.version, version),
            ),
          )
          .returning({ version: bellScheduleVersions.version });
  return row?.version;
}

/** The versions of a class's week and of its subject teachers. */
export async function classVersions(
  db: Db,
  classId: number,
): Promise<{ timetableVersion: number; subjectsVersion: number }> {
  const [row] = await db
    .select({ timetableVersion: classes.timetableVersion, subjectsVersion: classes.subjectsVersion })
    .from(classes)
    .where(eq(classes.id, classId));
  return row ?? { timetableVersion: 0, subjectsVersion: 0 };
}

/**
 * Bumps the version of a class's week, or of its subject teachers — only if it is still at `version` when one
 * is given. The new version, or undefined when someone else changed it meanwhile (the row lock makes a
 * concurrent save wait, then miss the version). Several classes are bumped in id order, so writers queue.
 */
export async function bumpClassVersion(
  db: Db,
  classId: number,
  which: 'timetable' | 'subjects',
  version?: number,
): Promise<number | undefined> {
  const column = which === 'timetable' ? classes.timetableVersion : classes.subjectsVersion;
  const [row] = await db
    .update(classes)
    .set(
      which === 'timetable'
        ? { timetableVersion: sql`${classes.timetableVersion} + 1` }
        : { subjectsVersion: sql`${classes.subjectsVersion} + 1` },
    )
    .where(
      version === undefined ? eq(classes.id, classId) : and(eq(classes.id, classId), eq(column, version)),
    )
    .returning({ version: column });
  return row?.version;
}

/**
 * Locks the rows of several classes in id order (the order every writer of several classes takes them) and
 * returns their subject teachers' versions: a concurrent writer of any of them waits until this one ends.
 */
export async function lockSubjectsVersions(db: Db, classIds: number[]): Promise<Map<number, number>> {
  if (classIds.length === 0) return new Map();
  const locked = await db
    .select({ id: classes.id, version: classes.subjectsVersion })
    .from(classes)
    .where(inArray(classes.id, classIds))
    .orderBy(asc(classes.id))
    .for('update');
  return new Map(locked.map((r) => [r.id, r.version]));
}

/** Every class of a school's year with its subject teachers' version, by grade and letter. */
export async function subjectsVersions(
  db: Db,
  institutionId: number,
  academicYearId: number,
): Promise<{ classId: number; grade: number; letter: string; version: number }[]> {
  return db
    .select({
      classId: classes.id,
      grade: classes.grade,
      letter: classes.letter,
      version: classes.subjectsVersion,
    })
    .from(classes)
    .where(and(eq(classes.institutionId, institutionId), eq(classes.academicYearId, academicYearId)))
    .orderBy(asc(classes.grade), asc(classes.letter), asc(classes.id));
}

/** Bumps the subject teachers' version of several classes: locked in id order first, so writers queue. */
export async function bumpSubjectsVersions(db: Db, classIds: number[]): Promise<void> {
  if (classIds.length === 0) return;
  const ids = intArray([...new Set(classIds)].sort((a, b) => a - b));
  await db.execute(sql`select id from ${classes} where id = any(${ids}) order by id for update`);
  await db.execute(sql`update ${classes} set subjects_version = subjects_version + 1 where id = any(${ids})`);
}

/** Replaces one shift's bell schedule. */
export async function replaceBellSchedule(
  db: Db,
  institutionId: number,
  academicYearId: number,
  shift: number,
  periods: { period: number; startMinute: number; endMinute: number }[],
): Promise<void> {
  await db
    .delete(bellPeriods)
    .where(
      and(
        eq(bellPeriods.institutionId, institutionId),
        eq(bellPeriods.academicYearId, academicYearId),
        eq(bellPeriods.shift, shift),
      ),
    );
  if (periods.length > 0) {
    await db.insert(bellPeriods).values(periods.map((p) => ({ ...p, institutionId, academicYearId, shift })));
  }
}

/** A weekly period with its class's name and shift and its clock times (null when its period has no bell). */
export interface SlotRow {
  id: number;
  institutionId: number;
  academicYearId: number;
  classId: number;
  grade: number;
  letter: string;
  shift: number;
  weekday: number;
  period: number;
  subjectCode: string;
  teacherId: number;
  room: string | null;
  startMinute: number | null;
  endMinute: number | null;
}

const slotSelect = sql`select e.id, e.institution_id as "institutionId", e.academic_year_id as "academicYearId",
    e.class_id as "classId", c.grade, c.letter, c.shift, e.weekday, e.period, e.subject_code as "subjectCode",
    e.teacher_id as "teacherId", e.room, b.start_minute as "startMinute", b.end_minute as "endMinute"
  from ${timetableEntries} e
  join ${classes} c on c.id = e.class_id
  left join ${bellPeriods} b on b.institution_id = e.institution_id and b.academic_year_id = e.academic_year_id
    and b.shift = c.shift and b.period = e.period`;

/** The weekly periods of a class, by weekday and period. */
export async function timetableOf(db: Db, classId: number): Promise<SlotRow[]> {
  return rows<SlotRow>(db, sql`${slotSelect} where e.class_id = ${classId} order by e.weekday, e.period`);
}

/**
 * The weekly periods a change could clash with: in the year, those of the given teachers (at any school), and
 * those of the given school (its rooms and classes).
 */
export async function slotsNear(
  db: Db,
  academicYearId: number,
  institutionId: number,
  teacherIds: number[],
): Promise<SlotRow[]> {
  // A union rather than an OR, so that each half uses its index (school, teacher) instead of a scan.
  return rows<SlotRow>(
    db,
    sql`${slotSelect} where e.academic_year_id = ${academicYearId} and e.institution_id = ${institutionId}
        union
        ${slotSelect} where e.academic_year_id = ${academicYearId}
          and e.teacher_id = any(${intArray(teacherIds)})`,
  );
}

/** One weekly period, or undefined. */
export async function findEntry(db: Db, id: number): Promise<SlotRow | undefined> {
  const [row] = await rows<SlotRow>(db, sql`${slotSelect} where e.id = ${id}`);
  return row;
}

/** A weekly period to write. */
export interface EntryValues {
  weekday: number;
  period: number;
  subjectCode: string;
  teacherId: number;
  room: string | null;
}

/** Inserts weekly periods of a class; returns their ids in order. */
export async function insertEntries(
  db: Db,
  cls: Pick<ClassRow, 'id' | 'institutionId' | 'academicYearId'>,
  entries: EntryValues[],
): Promise<number[]> {
  if (entries.length === 0) return [];
  const inserted = await db
    .insert(timetableEntries)
    .values(
      entries.map((e) => ({
        ...e,
        classId: cls.id,
        institutionId: cls.institutionId,
        academicYearId: cls.academicYearId,
      })),
    )
    .returning({ id: timetableEntries.id });
  return inserted.map((r) => r.id);
}

/** Changes a weekly period. */
export async function updateEntry(db: Db, id: number, values: EntryValues): Promise<void> {
  await db.update(timetableEntries).set(values).where(eq(timetableEntries.id, id));
}

/** Deletes weekly periods by id. */
export async function deleteEntries(db: Db, ids: number[]): Promise<void> {
  if (ids.length > 0) await db.delete(timetableEntries).where(inArray(timetableEntries.id, ids));
}

/** The classes of a school's year in a shift. */
export async function classIdsInShift(
  db: Db,
  institutionId: number,
  academicYearId: number,
  shift: number,
): Promise<number[]> {
  const found = await db
    .select({ id: classes.id })
    .from(classes)
    .where(
      and(
        eq(classes.institutionId, institutionId),
        eq(classes.academicYearId, academicYearId),
        eq(classes.shift, shift),
      ),
    );
  return found.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------------------
// Lesson occurrences

/** What a regeneration did. */
export interface GenerateCounts {
  created: number;
  updated: number;
  deleted: number;
  cancelled: number;
}

/**
 * Brings the occurrences of `classIds` between `from` and `to` in line with their timetables, on `days` (the
 * school days of that range: within the year, holidays left out). Missing occurrences are created on any
 * date; existing ones are changed, deleted (when empty) or marked cancelled (when the teacher filled them
 * in) only from `today` on, so the past stays as it was taught.
 */
export async function generateLessons(
  db: Db,
  classIds: number[],
  days: string[],
  range: { from: string; to: string; today: string },
): Promise<GenerateCounts> {
  if (classIds.length === 0) return { created: 0, updated: 0, deleted: 0, cancelled: 0 };
  const ids = `{${classIds.join(',')}}`;
  const dayList = `{${days.join(',')}}`;
  const desired = sql`select e.id as entry_id, e.institution_id, e.academic_year_id, e.class_id, d.date,
      e.period, e.subject_code, e.teacher_id, e.room, b.start_minute, b.end_minute
    from unnest(${dayList}::date[]) as d(date)
    join ${timetableEntries} e on e.weekday = extract(isodow from d.date)::int and e.class_id = any(${ids})
    join ${classes} c on c.id = e.class_id
    join ${bellPeriods} b on b.institution_id = e.institution_id and b.academic_year_id = e.academic_year_id
      and b.shift = c.shift and b.period = e.period`;
  const created = await rows<{ id: number }>(
    db,
    sql`insert into ${lessons} (timetable_entry_id, institution_id, academic_year_id, class_id, date, period,
          subject_code, teacher_id, room, start_minute, end_minute)
        ${desired}
        on conflict (class_id, date, period) do nothing returning id`,
  );
  const updated = await rows<{ id: number }>(
    db,
    sql`update ${lessons} l set timetable_entry_id = d.entry_id, subject_code = d.subject_code,
          teacher_id = d.teacher_id, room = d.room, start_minute = d.start_minute, end_minute = d.end_minute,
          state = 'scheduled'
        from (${desired}) d
        where l.class_id = d.class_id and l.date = d.date and l.period = d.period and l.date >= ${range.today}::date
          and (l.timetable_entry_id is distinct from d.entry_id or l.subject_code <> d.subject_code
            or l.teacher_id <> d.teacher_id or l.room is distinct from d.room or l.start_minute <> d.start_minute
            or l.end_minute <> d.end_minute or l.state <> 'scheduled')
        returning l.id`,
  );
  const stale = sql`l.class_id = any(${ids}) and l.date between ${range.from}::date and ${range.to}::date
      and l.date >= ${range.today}::date
      and not exists (select 1 from (${desired}) d where d.class_id = l.class_id and d.date = l.date and d.period = l.period)`;
  const deleted = await rows<{ id: number }>(
    db,
    sql`delete from ${lessons} l where ${stale} and not l.has_content and not l.recorded returning l.id`,
  );
  const cancelled = await rows<{ id: number }>(
    db,
    sql`update ${lessons} l set state = 'cancelled'
        where ${stale} and (l.has_content or l.recorded) and l.state <> 'cancelled'
        returning l.id`,
  );
  return {
    created: created.length,
    updated: updated.length,
    deleted: deleted.length,
    cancelled: cancelled.length,
  };
}

/** The last date with an occurrence of any of the classes, from `today` on; null when none. */
export async function lastLessonDate(db: Db, classIds: number[], today: string): Promise<string | null> {
  if (classIds.length === 0) return null;
  const [row] = await rows<{ last: string | null }>(
    db,
    sql`select max(date)::text as last from ${lessons}
        where class_id = any(${intArray(classIds)}) and date >= ${today}::date`,
  );
  return row?.last ?? null;
}

/** A lesson occurrence with its content. */
export interface LessonRow {
  id: number;
  institutionId: number;
  classId: number;
  timetableEntryId: number | null;
  date: string;
  period: number;
  subjectCode: string;
  teacherId: number;
  room: string | null;
  startMinute: number;
  endMinute: number;
  state: 'scheduled' | 'cancelled';
  topic: string | null;
  homework: string | null;
  meetingUrl: string | null;
  hasContent: boolean;
  version: number;
}

const lessonColumns = {
  id: lessons.id,
  institutionId: lessons.institutionId,
  classId: lessons.classId,
  timetableEntryId: lessons.timetableEntryId,
  date: lessons.date,
  period: lessons.period,
  subjectCode: lessons.subjectCode,
  teacherId: lessons.teacherId,
  room: lessons.room,
  startMinute: lessons.startMinute,
  endMinute: lessons.endMinute,
  state: lessons.state,
  topic: lessons.topic,
  homework: lessons.homework,
  meetingUrl: lessons.meetingUrl,
  hasContent: lessons.hasContent,
  version: lessons.version,
};

/** One occurrence, or undefined. */
export async function findLesson(db: Db, id: number): Promise<LessonRow | undefined> {
  const [row] = await db.select(lessonColumns).from(lessons).where(eq(lessons.id, id));
  return row;
}

/** A class's occurrences between two dates, in order. */
export async function lessonsOfClass(
  db: Db,
  classId: number,
  from: string,
  to: string,
): Promise<LessonRow[]> {
  return db
    .select(lessonColumns)
    .from(lessons)
    .where(and(eq(lessons.classId, classId), gte(lessons.date, from), lte(lessons.date, to)))
    .orderBy(asc(lessons.date), asc(lessons.startMinute));
}

/** A scheduled occurrence as a column of the class journal. */
export interface LessonColumnRow {
  id: number;
  date: string;
  period: number;
  startMinute: number;
  subjectCode: string;
  topic: string | null;
  homework: string | null;
}

/**
 * A class's scheduled occurrences between two dates (of one subject, or all), in order: the columns of the
 * class journal, with only what it shows (read through the class's unique slot index).
 */
export async function lessonColumnsOf(
  db: Db,
  classId: number,
  subjectCode: string | null,
  from: string,
  to: string,
): Promise<LessonColumnRow[]> {
  return db
    .select({
      id: lessons.id,
      date: lessons.date,
      period: lessons.period,
      startMinute: lessons.startMinute,
      subjectCode: lessons.subjectCode,
      topic: lessons.topic,
      homework: lessons.homework,
    })
    .from(lessons)
    .where(
      and(
        eq(lessons.classId, classId),
        gte(lessons.date, from),
        lte(lessons.date, to),
        eq(lessons.state, 'scheduled'),
        subjectCode === null ? undefined : eq(lessons.subjectCode, subjectCode),
      ),
    )
    .orderBy(asc(lessons.date), asc(lessons.startMinute));
}

/**
 * A student's occurrences between two dates (their classes' lessons, in order), each with its teacher's name
 * and its materials in order (none unless the lesson was filled in): one query for what the student's lessons show.
 */
export async function describedLessonsOfStudent(
  db: Db,
  studentId: number,
  from: string,
  to: string,
): Promise<(LessonRow & { teacherName: string | null; materials: MaterialRow[] })[]> {
  return db
    .select({
      ...lessonColumns,
      teacherName: sql<
        string | null
      >`(select u.display_name from (${userNamesRelation()}) u where u.id = ${lessons.teacherId})`,
      materials: sql<MaterialRow[]>`case when ${lessons.hasContent} then coalesce(
          (select json_agg(json_build_object('lessonId', m.lesson_id, 'kind', m.kind, 'resourceId', m.resource_id,
                                             'url', m.url, 'title', m.title) order by m.position)
             from ${lessonMaterials} m where m.lesson_id = ${lessons.id}), '[]'::json)
        else '[]'::json end`,
    })
    .from(enrolments)
    .innerJoin(lessons, eq(lessons.classId, enrolments.classId))
    .where(and(eq(enrolments.studentId, studentId), gte(lessons.date, from), lte(lessons.date, to)))
    .orderBy(asc(lessons.date), asc(lessons.startMinute));
}

/**
 * The occurrences of several schools between two dates, in order: a director's day at a glance. Read from the
 * schools' classes to their lessons, so that each class's slot index serves the dates.
 */
export async function lessonsOfSchools(
  db: Db,
  institutionIds: number[],
  from: string,
  to: string,
): Promise<LessonRow[]> {
  if (institutionIds.length === 0) return [];
  return db
    .select(lessonColumns)
    .from(classes)
    .innerJoin(lessons, eq(lessons.classId, classes.id))
    .where(
      and(inArray(classes.institutionId, institutionIds), gte(lessons.date, from), lte(lessons.date, to)),
    )
    .orderBy(asc(lessons.date), asc(lessons.startMinute), asc(lessons.classId));
}

/** A teacher's occurrences between two dates, in order (the lesson table's teacher index). */
export async function lessonsOfTeacher(
  db: Db,
  teacherId: number,
  from: string,
  to: string,
): Promise<LessonRow[]> {
  return db
    .select(lessonColumns)
    .from(lessons)
    .where(and(eq(lessons.teacherId, teacherId), gte(lessons.date, from), lte(lessons.date, to)))
    .orderBy(asc(lessons.date), asc(lessons.startMinute));
}

/** A material of a lesson. */
export interface MaterialRow {
  lessonId: number;
  kind: 'resource' | 'url';
  resourceId: number | null;
  url: string | null;
  title: string | null;
}

/** The materials of the given lessons, in each lesson's order. */
export async function materialsOf(db: Db, lessonIds: number[]): Promise<MaterialRow[]> {
  if (lessonIds.length === 0) return [];
  return db
    .select({
      lessonId: lessonMaterials.lessonId,
      kind: lessonMaterials.kind,
      resourceId: lessonMaterials.resourceId,
      url: lessonMaterials.url,
      title: lessonMaterials.title,
    })
    .from(lessonMaterials)
    .where(inArray(lessonMaterials.lessonId, lessonIds))
    .orderBy(asc(lessonMaterials.lessonId), asc(lessonMaterials.position));
}

/** Marks occurrences as holding another module's records, so that regeneration cancels rather than deletes them. */
export async function markRecorded(db: Db, lessonIds: number[]): Promise<void> {
  if (lessonIds.length === 0) return;
  await db.execute(
    sql`update ${lessons} set recorded = true where id = any(${intArray(lessonIds)}) and not recorded`,
  );
}

/**
 * Replaces a lesson's content and materials if the lesson is still at `version`, bumping it; false (nothing
 * written) when someone else saved it meanwhile (the row lock makes a concurrent save wait, then miss it).
 */
export async function saveLessonContent(
  db: Db,
  lesson: Pick<LessonRow, 'id' | 'institutionId'>,
  version: number,
  content: { topic: string | null; homework: string | null; meetingUrl: string | null },
  materials: Omit<MaterialRow, 'lessonId'>[],
): Promise<boolean> {
  const hasContent =
    content.topic !== null ||
    content.homework !== null ||
    content.meetingUrl !== null ||
    materials.length > 0;
  const saved = await db
    .update(lessons)
    .set({ ...content, hasContent, contentUpdatedAt: now(), version: sql`${lessons.version} + 1` })
    .where(and(eq(lessons.id, lesson.id), eq(lessons.version, version)))
    .returning({ id: lessons.id });
  if (saved.length === 0) return false;
  await db.delete(lessonMaterials).where(eq(lessonMaterials.lessonId, lesson.id));
  if (materials.length > 0) {
    await db.insert(lessonMaterials).values(
      materials.map((m, position) => ({
        ...m,
        position,
        lessonId: lesson.id,
        institutionId: lesson.institutionId,
      })),
    );
  }
  return true;
}

/** The classes of a school's year. */
export async function classIdsInYear(
  db: Db,
  institutionId: number,
  academicYearId: number,
): Promise<number[]> {
  const found = await db
    .select({ id: classes.id })
    .from(classes)
    .where(and(eq(classes.institutionId, institutionId), eq(classes.academicYearId, academicYearId)));
  return found.map((r) => r.id);
}

/** Whether a teacher teaches a subject to a class: its subject teacher, or in its timetable. */
export async function teachesSubject(
  db: Db,
  teacherId: number,
  classId: number,
  subjectCode: string,
): Promise<boolean> {
  const [row] = await rows<{ ok: boolean }>(
    db,
    sql`select exists (select 1 from ${subjectTeachers}
          where class_id = ${classId} and subject_code = ${subjectCode} and teacher_id = ${teacherId})
        or exists (select 1 from ${timetableEntries}
          where class_id = ${classId} and subject_code = ${subjectCode} and teacher_id = ${teacherId}) as ok`,
  );
  return row?.ok === true;
}

/** The students of several classes, each with their class. */
export async function enrolmentsOfClasses(
  db: Db,
  classIds: number[],
): Promise<{ classId: number; studentId: number }[]> {
  if (classIds.length === 0) return [];
  return db
    .select({ classId: enrolments.classId, studentId: enrolments.studentId })
    .from(enrolments)
    .where(inArray(enrolments.classId, classIds));
}

/**
 * The enrolments as a relation `(class_id, student_id)`, for other modules' reporting SQL (the assignments'
 * on-time feed): the classroom's table stays named in the classroom's store only.
 */
export const enrolmentRelation = () => sql`select class_id, student_id from ${enrolments}`;

// ---------------------------------------------------------------------------------------------------------
// Subject teachers of a school, and the timetable's write lock

/** Every subject teacher of a school's classes in a year. */
export async function subjectTeachersOfSchool(
  db: Db,
  institutionId: number,
  academicYearId: number,
): Promise<{ classId: number; subjectCode: string; teacherId: number }[]> {
  return db
    .select({
      classId: subjectTeachers.classId,
      subjectCode: subjectTeachers.subjectCode,
      teacherId: subjectTeachers.teacherId,
    })
    .from(subjectTeachers)
    .innerJoin(classes, eq(classes.id, subjectTeachers.classId))
    .where(and(eq(classes.institutionId, institutionId), eq(classes.academicYearId, academicYearId)))
    .orderBy(asc(subjectTeachers.classId), asc(subjectTeachers.subjectCode));
}

/**
 * Who is known to teach which subject at a school in a year: a subject teacher of one of its classes, or in
 * one of their timetables with that subject.
 */
export async function knownSubjectTeachers(
  db: Db,
  institutionId: number,
  academicYearId: number,
): Promise<{ subjectCode: string; teacherId: number }[]> {
  return rows<{ subjectCode: string; teacherId: number }>(
    db,
    sql`select s.subject_code as "subjectCode", s.teacher_id as "teacherId"
          from ${subjectTeachers} s join ${classes} c on c.id = s.class_id
          where c.institution_id = ${institutionId} and c.academic_year_id = ${academicYearId}
        union
        select e.subject_code, e.teacher_id from ${timetableEntries} e
          where e.institution_id = ${institutionId} and e.academic_year_id = ${academicYearId}
        order by 1, 2`,
  );
}

/** Sets the subject teachers of several classes at once (in class order, so concurrent writes queue rather than deadlock). */
export async function putSubjectTeachers(
  db: Db,
  values: { classId: number; subjectCode: string; teacherId: number; institutionId: number }[],
): Promise<void> {
  if (values.length === 0) return;
  const sorted = [...values].sort(
    (a, b) => a.classId - b.classId || a.subjectCode.localeCompare(b.subjectCode),
  );
  await db
    .insert(subjectTeachers)
    .values(sorted)
    .onConflictDoUpdate({
      target: [subjectTeachers.classId, subjectTeachers.subjectCode],
      set: { teacherId: sql`excluded.teacher_id` },
    });
}

/** Removes a subject's teacher from several classes; the classes that had one. */
export async function deleteSubjectTeachers(
  db: Db,
  classIds: number[],
  subjectCode: string,
): Promise<number[]> {
  if (classIds.length === 0) return [];
  const gone = await db
    .delete(subjectTeachers)
    .where(and(inArray(subjectTeachers.classId, classIds), eq(subjectTeachers.subjectCode, subjectCode)))
    .returning({ classId: subjectTeachers.classId });
  return gone.map((r) => r.classId);
}

/**
 * Takes the timetable's write locks for the rest of the transaction: the school's (its classes and rooms) and
 * each teacher's (a teacher clashes across schools), always in that order and teachers by id, so two writers
 * never wait on each other in a circle. Clashes are judged on the clock across shifts and schools, which no
 * unique index can express; under these locks the check and the write happen as one step.
 */
export async function lockTimetable(
  db: Db,
  academicYearId: number,
  institutionId: number,
  teacherIds: number[],
): Promise<void> {
  const keys = [
    `timetable/${academicYearId}/school/${institutionId}`,
    ...[...new Set(teacherIds)]
      .sort((a, b) => a - b)
      .map((id) => `timetable/${academicYearId}/teacher/${id}`),
  ];
  // One statement per key, so the order they are taken in is the order above.
  for (const key of keys) await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}
