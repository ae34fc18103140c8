import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { academicYears, subjects } from '@/modules/institutions/institutions.tables';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import * as classroom from '@/modules/classroom/classroom.service';
import { addDays, schoolToday } from '@/modules/classroom/classroom.service';

/**
 * Classroom fixtures built through the classroom's own service: subjects of the curriculum, a bell schedule,
 * classes with students, subject teachers, a week and its lessons. For the tests that walk every route and for
 * the module's own tests.
 */

/** The curriculum subjects the fixtures use (the test databases have no country pack). */
export async function ensureSubjects(db: Db): Promise<void> {
  const all = Array.from({ length: 11 }, (_, i) => i + 1);
  await db
    .insert(subjects)
    .values([
      { code: 'mathematics', nameAz: 'Riyaziyyat', nameRu: 'Математика', nameEn: 'Mathematics', grades: all },
      {
        code: 'physics',
        nameAz: 'Fizika',
        nameRu: 'Физика',
        nameEn: 'Physics',
        grades: [6, 7, 8, 9, 10, 11],
      },
      { code: 'chemistry', nameAz: 'Kimya', nameRu: 'Химия', nameEn: 'Chemistry', grades: [7, 8, 9, 10, 11] },
      {
        code: 'biology',
        nameAz: 'Biologiya',
        nameRu: 'Биология',
        nameEn: 'Biology',
        grades: [6, 7, 8, 9, 10, 11],
      },
      { code: 'literature', nameAz: 'Ədəbiyyat', nameRu: 'Литература', nameEn: 'Literature', grades: all },
    ])
    .onConflictDoNothing();
}

/** A caller holding one role at a school, for calling the service directly. */
export function actorOf(
  userId: number,
  role: 'admin' | 'director' | 'teacher' | 'student',
  institutionId: number | null,
): Actor {
  return {
    userId,
    username: `user-${userId}`,
    displayName: `User ${userId}`,
    locale: 'en',
    grants: [{ role, areaId: null, institutionId }],
    childIds: [],
    sessionId: 'fixture',
    csrfToken: 'fixture',
  };
}

/** A bell schedule of eight 45-minute periods from `first` (minutes after midnight), 10-minute breaks. */
export const bells = (academicYearId: number, first = 8 * 60) => ({
  academicYearId,
  periods: Array.from({ length: 8 }, (_, i) => {
    const start = first + i * 55;
    const hhmm = (m: number) =>
      `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    return { period: i + 1, startsAt: hhmm(start), endsAt: hhmm(start + 45) };
  }),
});

/** What the route walk needs of the classroom. */
export interface ClassroomWorld {
  /** 7A: the teacher is its homeroom and mathematics teacher, the student is in it. */
  classId: number;
  /** A class the walk changes: enrolments, subject teachers, its week (copied into). */
  spareClassId: number;
  /** A class whose whole week the walk replaces. */
  weekClassId: number;
  /** A class of the other school. */
  otherClassId: number;
  /** A student the walk enrols (again and again) in the spare class. */
  enrolStudentId: number;
  /** Per caller: a student in the spare class to take out, a subject teacher to remove, a period to delete. */
  unenrolStudentIds: Record<'admin' | 'director', number>;
  removableSubjects: Record<'admin' | 'director', string>;
  deletableEntryIds: Record<'admin' | 'director', number>;
  /** A weekly period of 7A taught by the teacher. */
  entryId: number;
  /** A lesson of 7A taught by the teacher. */
  lessonId: number;
  spareTeacherId: number;
  /** The walk's teacher: homeroom and mathematics teacher of 7A. */
  teacherId: number;
  /** The other school's side, for calls outside the walk's school (see `OtherClassroom`). */
  other: OtherClassroom;
}

/** The other school's classroom, the targets of the walk's calls outside the school (national staff only). */
export interface OtherClassroom {
  /** A teacher and three students of the other school: one in its 7A who stays, one to enrol, one to take out. */
  teacherId: number;
  studentId: number;
  enrolStudentId: number;
  unenrolStudentId: number;
  /** A class the walk copies a week into (its physics taught by a second teacher) and replaces the week of. */
  spareClassId: number;
  /** Weekly periods of the other school's 7A: one to change, one to delete. */
  entryId: number;
  deletableEntryId: number;
  /** A lesson of the other school's 7A (of a period the walk leaves alone). */
  lessonId: number;
  /** Subject teachers of its 7A: one to remove. */
  removableSubject: string;
}

/**
 * Builds the classroom of the route walk at `schoolId` (and a class at `otherSchoolId`) through the service,
 * as the school's director would: `students` are spare students of the school (at least three).
 */
export async function classroomWorld(
  db: Db,
  ids: {
    schoolId: number;
    otherSchoolId: number;
    yearId: number;
    directorId: number;
    teacherId: number;
    studentId: number;
    spareTeacherId: number;
    spareStudentIds: number[];
  },
): Promise<ClassroomWorld> {
  await ensureSubjects(db);
  const director = actorOf(ids.directorId, 'director', ids.schoolId);
  const admin = actorOf(ids.directorId, 'admin', null);
  const ctx = { actorId: null, ip: null };
  // The first period at midnight: today's lessons have begun whenever the walk runs, so the journal takes them.
  await classroom.setBellSchedule(db, director, ctx, ids.schoolId, 1, bells(ids.yearId, 0), 'en');
  const make = async (
    institutionId: number,
    grade: number,
    letter: string,
    homeroomTeacherId: number | null,
  ) =>
    (
      await classroom.createClass(
        db,
        institutionId === ids.schoolId ? director : admin,
        ctx,
        institutionId,
        { academicYearId: ids.yearId, grade, letter, language: 'az', shift: 1, homeroomTeacherId },
        'en',
      )
    ).id;
  const classId = await make(ids.schoolId, 7, 'A', ids.teacherId);
  const spareClassId = await make(ids.schoolId, 7, 'B', null);
  const weekClassId = await make(ids.schoolId, 8, 'A', null);
  const otherClassId = await make(ids.otherSchoolId, 7, 'A', null);
  await classroom.enrolStudent(db, director, ctx, classId, ids.studentId, 'en');
  const [enrolStudentId, adminStudent, directorStudent] = ids.spareStudentIds as [number, number, number];
  for (const s of [adminStudent, directorStudent])
    await classroom.enrolStudent(db, director, ctx, spareClassId, s, 'en');
  await classroom.setSubjectTeacher(db, director, ctx, classId, 'mathematics', ids.teacherId, 'en');
  for (const code of ['mathematics', 'physics', 'chemistry', 'literature']) {
    await classroom.setSubjectTeacher(db, director, ctx, spareClassId, code, ids.spareTeacherId, 'en');
  }
  const today = schoolToday();
  const entry = (weekday: number, period: number) => ({
    weekday,
    period,
    subjectCode: 'mathematics',
    teacherId: ids.teacherId,
    room: null,
  });
  // Every weekday, so that the lessons generated from today hold one of the teacher's.
  const entries = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    entries.push(await classroom.addEntry(db, director, ctx, classId, entry(weekday, 1), 'en'));
  }
  const a = await classroom.addEntry(
    db,
    director,
    ctx,
    classId,
    { ...entry(6, 8), subjectCode: 'literature' },
    'en',
  );
  const d = await classroom.addEntry(
    db,
    director,
    ctx,
    classId,
    { ...entry(7, 8), subjectCode: 'literature' },
    'en',
  );
  await classroom.generateLessons(
    db,
    director,
    ctx,
    ids.schoolId,
    { academicYearId: ids.yearId, from: today, to: addDays(today, 14) },
    'en',
  );
  const lessons = await classroom.classLessons(db, director, classId, today, addDays(today, 14), 'en');
  const lesson = lessons.items.find((l) => l.teacherId === ids.teacherId);
  if (!lesson)
    throw new Error('the classroom world has no lesson of the teacher: is today inside the academic year?');
  const other = await otherClassroom(db, admin, { ...ids, otherClassId, make });
  return {
    classId,
    spareClassId,
    weekClassId,
    otherClassId,
    enrolStudentId,
    unenrolStudentIds: { admin: adminStudent, director: directorStudent },
    removableSubjects: { admin: 'physics', director: 'chemistry' },
    deletableEntryIds: { admin: a.id, director: d.id },
    entryId: entries[0]!.id,
    lessonId: lesson.id,
    spareTeacherId: ids.spareTeacherId,
    teacherId: ids.teacherId,
    other,
  };
}

/** The other school's side of the walk, set up by a national administrator. */
async function otherClassroom(
  db: Db,
  admin: Actor,
  ids: {
    otherSchoolId: number;
    yearId: number;
    otherClassId: number;
    make: (institutionId: number, grade: number, letter: string, homeroom: number | null) => Promise<number>;
  },
): Promise<OtherClassroom> {
  const ctx = { actorId: null, ip: null };
  const at = { institutionId: ids.otherSchoolId };
  const teacherId = (await createUserWithRole(db, 'teacher', at)).id;
  const enrolStudentId = (await createUserWithRole(db, 'student', at)).id;
  const unenrolStudentId = (await createUserWithRole(db, 'student', at)).id;
  const studentId = (await createUserWithRole(db, 'student', at)).id;
  const classId = ids.otherClassId;
  await classroom.setBellSchedule(db, admin, ctx, ids.otherSchoolId, 1, bells(ids.yearId, 0), 'en');
  for (const s of [unenrolStudentId, studentId])
    await classroom.enrolStudent(db, admin, ctx, classId, s, 'en');
  for (const code of ['physics', 'chemistry']) {
    await classroom.setSubjectTeacher(db, admin, ctx, classId, code, teacherId, 'en');
  }
  const entry = (weekday: number, period: number) => ({
    weekday,
    period,
    subjectCode: 'physics',
    teacherId,
    room: null,
  });
  for (let weekday = 1; weekday <= 7; weekday++) {
    await classroom.addEntry(db, admin, ctx, classId, entry(weekday, 1), 'en');
  }
  const changed = await classroom.addEntry(db, admin, ctx, classId, entry(1, 7), 'en');
  const deletable = await classroom.addEntry(db, admin, ctx, classId, entry(2, 7), 'en');
  const today = schoolToday();
  await classroom.generateLessons(
    db,
    admin,
    ctx,
    ids.otherSchoolId,
    { academicYearId: ids.yearId, from: today, to: addDays(today, 14) },
    'en',
  );
  const lessons = await classroom.classLessons(db, admin, classId, today, addDays(today, 14), 'en');
  const lesson = lessons.items.find((l) => l.period === 1);
  if (!lesson) throw new Error('the other school has no lesson: is today inside the academic year?');
  const spareClassId = await ids.make(ids.otherSchoolId, 7, 'B', null);
  const spareTeacherId = (await createUserWithRole(db, 'teacher', at)).id;
  await classroom.setSubjectTeacher(db, admin, ctx, spareClassId, 'physics', spareTeacherId, 'en');
  return {
    teacherId,
    studentId,
    enrolStudentId,
    unenrolStudentId,
    spareClassId,
    entryId: changed.id,
    deletableEntryId: deletable.id,
    lessonId: lesson.id,
    removableSubject: 'chemistry',
  };
}

/** A school with its people and a current academic year around today, for the classroom's own tests. */
export interface ClassroomSchool {
  schoolId: number;
  otherSchoolId: number;
  yearId: number;
  yearStartsOn: string;
  yearEndsOn: string;
  director: { id: number; username: string };
  otherDirector: { id: number; username: string };
  teachers: { id: number; username: string }[];
  otherTeacher: { id: number; username: string };
  students: { id: number; username: string }[];
  otherStudent: { id: number; username: string };
}

/** Builds a two-shift school (and another school) with a director, three teachers, four students. */
export async function classroomSchool(db: Db): Promise<ClassroomSchool> {
  await ensureSubjects(db);
  const areas = await createAreas(db);
  const school = await createInstitution(db, areas.district, { shifts: 2 });
  const other = await createInstitution(db, areas.otherDistrict, { shifts: 2 });
  const today = schoolToday();
  const yearStartsOn = addDays(today, -120);
  const yearEndsOn = addDays(today, 200);
  const [year] = await db
    .insert(academicYears)
    .values({
      code: `Y-${today}-${Math.random().toString(36).slice(2, 7)}`,
      startsOn: yearStartsOn,
      endsOn: yearEndsOn,
      isCurrent: true,
    })
    .returning();
  const at = (institutionId: number) => ({ institutionId });
  const person = async (role: 'director' | 'teacher' | 'student', institutionId: number) => {
    const u = await createUserWithRole(db, role, at(institutionId));
    return { id: u.id, username: u.username };
  };
  return {
    schoolId: school.id,
    otherSchoolId: other.id,
    yearId: year!.id,
    yearStartsOn,
    yearEndsOn,
    director: await person('director', school.id),
    otherDirector: await person('director', other.id),
    teachers: [
      await person('teacher', school.id),
      await person('teacher', school.id),
      await person('teacher', school.id),
    ],
    otherTeacher: await person('teacher', other.id),
    students: [
      await person('student', school.id),
      await person('student', school.id),
      await person('student', school.id),
      await person('student', school.id),
    ],
    otherStudent: await person('student', other.id),
  };
}

/** The error shape of an answer, typed for assertions. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details: { field: string; reason: string; message: string; kind?: string }[];
  };
}

/** The error of an answer. */
export const errorOf = (res: { json<T>(): T }): ErrorBody['error'] => res.json<ErrorBody>().error;
