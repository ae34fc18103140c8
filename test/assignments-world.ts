import type { Db } from '@/server/db/database';
import * as clock from '@/server/clock';
import { gradingScales } from '@/modules/institutions/institutions.tables';
import { actorOf } from '@test/classroom-world';
import * as assignments from '@/modules/assignments/assignments.service';
import { enrolStudent, setSubjectTeacher } from '@/modules/classroom/classroom.service';
import type { Storage } from '@/server/storage';
import { pdfBytes } from '@test/files';

/** Assignments fixtures, built through the module's own service as the class's teacher and students would. */

/** The country pack's default scale (2–5), which the test databases do not load. */
export async function ensureGradingScale(db: Db): Promise<void> {
  const name = (az: string, ru: string, en: string) => ({ az, ru, en });
  await db
    .insert(gradingScales)
    .values({
      code: 'five_point',
      nameAz: '5 ballıq şkala',
      nameRu: 'Пятибалльная шкала',
      nameEn: '5-point scale',
      isDefault: true,
      marks: [
        { value: 5, passing: true, minPercent: 80, name: name('əla', 'отлично', 'excellent') },
        { value: 4, passing: true, minPercent: 60, name: name('yaxşı', 'хорошо', 'good') },
        { value: 3, passing: true, minPercent: 30, name: name('kafi', 'удовлетворительно', 'satisfactory') },
        {
          value: 2,
          passing: false,
          minPercent: 0,
          name: name('qeyri-kafi', 'неудовлетворительно', 'unsatisfactory'),
        },
      ],
    })
    .onConflictDoNothing();
}

/** What the route walk needs of assignments. */
export interface AssignmentsWorld {
  /** A group assignment of 7A's mathematics, set by the walk's teacher; the walk's student is in group 1. */
  assignmentId: number;
  /** A group assignment of 7A with nothing handed in: its groups can be drawn again and again. */
  groupsAssignmentId: number;
  /** The walk's student. */
  studentId: number;
  /** An assignment of the other school's class. */
  otherAssignmentId: number;
  /** A version the walk's student handed in, to mark. */
  submissionId: number;
  /** A file the walk's student uploaded and handed in. */
  fileId: number;
  /** An assignment of 7A with nothing handed in, for its teacher to delete. */
  deletableAssignmentId: number;
  /** A classmate of the walk's student in 7A, and the file they handed in for an individual assignment. */
  classmateId: number;
  classmateFileId: number;
  /** A version a student of the other school handed in for the other school's assignment. */
  otherSubmissionId: number;
}

/** A small whole PDF: the file check reads its structure. */
export const PDF = pdfBytes();

/**
 * Builds the walk's assignments: 7A's teacher sets a group assignment (the student alone in group 1), the
 * student hands in a file; the other school's teacher sets one for their class.
 */
export async function assignmentsWorld(
  db: Db,
  ids: {
    schoolId: number;
    otherSchoolId: number;
    classId: number;
    otherClassId: number;
    teacherId: number;
    studentId: number;
    otherTeacherId: number;
    /** A student of the other school's class, and a student of the school not yet in a class. */
    otherStudentId: number;
    classmateId: number;
  },
  storage: Storage,
): Promise<AssignmentsWorld> {
  await ensureGradingScale(db);
  const ctx = { actorId: null, ip: null };
  const teacher = actorOf(ids.teacherId, 'teacher', ids.schoolId);
  const student = actorOf(ids.studentId, 'student', ids.schoolId);
  const due = new Date(clock.nowMs() + 7 * 86_400_000).toISOString();
  const a = await assignments.createAssignment(
    db,
    teacher,
    ctx,
    ids.classId,
    {
      subjectCode: 'mathematics',
      title: 'Kəsrlər',
      instructions: null,
      kind: 'group',
      dueAt: due,
      groups: [{ studentIds: [ids.studentId] }],
    },
    'en',
  );
  const file = await assignments.uploadFile(db, storage, student, ctx, a.id, 'iş.pdf', PDF);
  const version = await assignments.submit(
    db,
    student,
    ctx,
    a.id,
    { text: 'Hazırdır', fileIds: [file.id] },
    'en',
  );
  const admin = actorOf(ids.otherTeacherId, 'admin', null);
  await setSubjectTeacher(db, admin, ctx, ids.otherClassId, 'mathematics', ids.otherTeacherId, 'en');
  const otherTeacher = actorOf(ids.otherTeacherId, 'teacher', ids.otherSchoolId);
  const other = await assignments.createAssignment(
    db,
    otherTeacher,
    ctx,
    ids.otherClassId,
    { subjectCode: 'mathematics', title: 'Other', instructions: null, kind: 'individual', dueAt: due },
    'en',
  );
  const open = await assignments.createAssignment(
    db,
    teacher,
    ctx,
    ids.classId,
    { subjectCode: 'mathematics', title: 'Qruplar', instructions: null, kind: 'group', dueAt: due },
    'en',
  );
  const otherStudent = actorOf(ids.otherStudentId, 'student', ids.otherSchoolId);
  const otherFile = await assignments.uploadFile(db, storage, otherStudent, ctx, other.id, 'b.pdf', PDF);
  const otherVersion = await assignments.submit(
    db,
    otherStudent,
    ctx,
    other.id,
    { text: 'Other', fileIds: [otherFile.id] },
    'en',
  );
  await enrolStudent(db, admin, ctx, ids.classId, ids.classmateId, 'en');
  const classmate = actorOf(ids.classmateId, 'student', ids.schoolId);
  const own = await assignments.createAssignment(
    db,
    teacher,
    ctx,
    ids.classId,
    { subjectCode: 'mathematics', title: 'Fərdi', instructions: null, kind: 'individual', dueAt: due },
    'en',
  );
  const classmateFile = await assignments.uploadFile(db, storage, classmate, ctx, own.id, 'c.pdf', PDF);
  await assignments.submit(db, classmate, ctx, own.id, { text: 'Mənim', fileIds: [classmateFile.id] }, 'en');
  const deletable = await assignments.createAssignment(
    db,
    teacher,
    ctx,
    ids.classId,
    { subjectCode: 'mathematics', title: 'Səhv', instructions: null, kind: 'individual', dueAt: due },
    'en',
  );
  return {
    assignmentId: a.id,
    groupsAssignmentId: open.id,
    deletableAssignmentId: deletable.id,
    studentId: ids.studentId,
    otherAssignmentId: other.id,
    submissionId: version.id,
    fileId: file.id,
    classmateId: ids.classmateId,
    classmateFileId: classmateFile.id,
    otherSubmissionId: otherVersion.id,
  };
}
