import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import {
  assignments,
  files,
  groupMembers,
  groups,
  submissionFiles,
  submissions,
} from '@/modules/assignments/assignments.tables';
import { enrolmentRelation } from '@/modules/classroom/classroom.store';

/** The assignments module's SQL: assignments, groups, submissions and their files. */

export type AssignmentRow = typeof assignments.$inferSelect;
export type SubmissionRow = typeof submissions.$inferSelect;
export type FileRow = typeof files.$inferSelect;

/** Whose work a version is: a student's (individual assignment) or a group's. */
export type Owner = { studentId: number; groupId?: undefined } | { groupId: number; studentId?: undefined };

const ownerWhere = (owner: Owner) =>
  owner.groupId !== undefined
    ? eq(submissions.groupId, owner.groupId)
    : eq(submissions.studentId, owner.studentId);

export async function insertAssignment(
  db: Db,
  values: Omit<typeof assignments.$inferInsert, 'id' | 'createdAt'>,
): Promise<AssignmentRow> {
  const [row] = await db.insert(assignments).values(values).returning();
  return row!;
}

export async function findAssignment(db: Db, id: number): Promise<AssignmentRow | undefined> {
  const [row] = await db.select().from(assignments).where(eq(assignments.id, id));
  return row;
}

/** Changes an assignment's own fields; answers the row as it is now. */
export async function updateAssignment(
  db: Db,
  id: number,
  values: Pick<AssignmentRow, 'subjectCode' | 'lessonId' | 'kind' | 'title' | 'instructions' | 'dueAt'>,
): Promise<AssignmentRow> {
  const [row] = await db.update(assignments).set(values).where(eq(assignments.id, id)).returning();
  return row!;
}

/** Deletes an assignment; its groups and uploaded files' rows go with it (foreign keys cascade). */
export async function deleteAssignment(db: Db, id: number): Promise<void> {
  await db.delete(assignments).where(eq(assignments.id, id));
}

/** Judges again, against the assignment's due time as it is now, which of its versions came late. */
export async function judgeLateness(db: Db, assignmentId: number): Promise<void> {
  await db.execute(
    sql`update ${submissions} s set late = s.submitted_at > a.due_at
        from ${assignments} a where a.id = s.assignment_id and s.assignment_id = ${assignmentId}`,
  );
}

/** Holds an assignment's row until the transaction ends: submissions to it are numbered one at a time. */
export async function lockAssignment(db: Db, id: number): Promise<void> {
  await db.execute(sql`select id from ${assignments} where id = ${id} for update`);
}

/**
 * Locks an assignment's row and bumps its groups' version, only if it is still `version`: the new version, or
 * undefined when someone else saved the groups meanwhile (a concurrent save waits on the row lock, then misses).
 */
export async function bumpGroupsVersion(db: Db, id: number, version: number): Promise<number | undefined> {
  const [row] = await db
    .update(assignments)
    .set({ groupsVersion: sql`${assignments.groupsVersion} + 1` })
    .where(and(eq(assignments.id, id), eq(assignments.groupsVersion, version)))
    .returning({ version: assignments.groupsVersion });
  return row?.version;
}

/** A class's assignments, latest due first, optionally of one subject. */
export async function assignmentsOfClass(
  db: Db,
  classId: number,
  subjectCode: string | undefined,
): Promise<AssignmentRow[]> {
  return db
    .select()
    .from(assignments)
    .where(
      and(
        eq(assignments.classId, classId),
        subjectCode === undefined ? undefined : eq(assignments.subjectCode, subjectCode),
      ),
    )
    .orderBy(desc(assignments.dueAt), desc(assignments.id));
}

/** The assignments of several classes, latest due first. */
export async function assignmentsOfClasses(db: Db, classIds: number[]): Promise<AssignmentRow[]> {
  if (classIds.length === 0) return [];
  return db
    .select()
    .from(assignments)
    .where(inArray(assignments.classId, classIds))
    .orderBy(desc(assignments.dueAt), desc(assignments.id));
}

/**
 * A student's work still to hand in, due from `from` on, soonest first: the assignments of every class they are
 * enrolled in with no work of theirs — their own for an individual one, their group's for a group one (no group,
 * nothing handed in). One query; the status rule is `statusOf`'s `not_submitted`.
 */
export async function dueForStudent(
  db: Db,
  studentId: number,
  from: Date,
  limit: number,
): Promise<{ id: number; title: string; subjectCode: string; dueAt: Date }[]> {
  const found = await rows<{ id: number; title: string; subjectCode: string; dueAt: string | Date }>(
    db,
    sql`select a.id, a.title, a.subject_code as "subjectCode", a.due_at as "dueAt"
        from ${assignments} a
        where a.class_id in (select class_id from (${enrolmentRelation()}) e where e.student_id = ${studentId})
          and a.due_at >= ${from.toISOString()}::timestamptz
          and case when a.kind = 'individual' then not exists (
                select 1 from ${submissions} s
                where s.assignment_id = a.id and s.student_id = ${studentId} and s.group_id is null)
              else not exists (
                select 1 from ${groupMembers} m join ${submissions} s on s.group_id = m.group_id
                where m.assignment_id = a.id and m.student_id = ${studentId})
              end
        order by a.due_at, a.id desc
        limit ${limit}`,
  );
  return found.map((r) => ({ ...r, dueAt: new Date(r.dueAt) }));
}

// Groups ------------------------------------------------------------------------------------------------

/** Replaces an assignment's groups: each list of students becomes group 1, 2, … in order. */
export async function replaceGroups(
  db: Db,
  assignmentId: number,
  institutionId: number,
  memberLists: number[][],
): Promise<void> {
  await db.delete(groups).where(eq(groups.assignmentId, assignmentId));
  if (memberLists.length === 0) return;
  const made = await db
    .insert(groups)
    .values(memberLists.map((_, i) => ({ assignmentId, institutionId, number: i + 1 })))
    .returning({ id: groups.id, number: groups.number });
  const idOf = new Map(made.map((g) => [g.number, g.id]));
  const members = memberLists.flatMap((studentIds, i) =>
    studentIds.map((studentId) => ({ assignmentId, studentId, groupId: idOf.get(i + 1)!, institutionId })),
  );
  if (members.length > 0) await db.insert(groupMembers).values(members);
}

/** Every member of the given assignments' groups, with the group's number. */
export async function membersOf(
  db: Db,
  assignmentIds: number[],
): Promise<{ assignmentId: number; groupId: number; number: number; studentId: number }[]> {
  if (assignmentIds.length === 0) return [];
  return db
    .select({
      assignmentId: groupMembers.assignmentId,
      groupId: groupMembers.groupId,
      number: groups.number,
      studentId: groupMembers.studentId,
    })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(inArray(groupMembers.assignmentId, assignmentIds))
    .orderBy(asc(groups.number), asc(groupMembers.studentId));
}

/** Whether anything has been handed in for an assignment. */
export async function hasSubmissions(db: Db, assignmentId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: submissions.id })
    .from(submissions)
    .where(eq(submissions.assignmentId, assignmentId))
    .limit(1);
  return row !== undefined;
}

// Submissions -------------------------------------------------------------------------------------------

/** The next version number of a piece of work. */
export async function nextVersion(db: Db, assignmentId: number, owner: Owner): Promise<number> {
  const [row] = await db
    .select({ last: sql<number | null>`max(${submissions.version})::int` })
    .from(submissions)
    .where(and(eq(submissions.assignmentId, assignmentId), ownerWhere(owner)));
  return (row?.last ?? 0) + 1;
}

export async function insertSubmission(
  db: Db,
  values: Omit<typeof submissions.$inferInsert, 'id' | 'submittedAt'>,
  fileIds: number[],
): Promise<SubmissionRow> {
  const [row] = await db.insert(submissions).values(values).returning();
  if (fileIds.length > 0) {
    await db
      .insert(submissionFiles)
      .values(fileIds.map((fileId, position) => ({ submissionId: row!.id, fileId, position })));
  }
  return row!;
}

export async function findSubmission(db: Db, id: number): Promise<SubmissionRow | undefined> {
  const [row] = await db.select().from(submissions).where(eq(submissions.id, id));
  return row;
}

/** Every version of a piece of work, newest first. */
export async function versionsOf(db: Db, assignmentId: number, owner: Owner): Promise<SubmissionRow[]> {
  return db
    .select()
    .from(submissions)
    .where(and(eq(submissions.assignmentId, assignmentId), ownerWhere(owner)))
    .orderBy(desc(submissions.version));
}

/** The teacher's feedback on a version. */
export async function saveFeedback(
  db: Db,
  id: number,
  values: { mark: number | null; feedback: string | null; resubmissionRequested: boolean; markedBy: number },
): Promise<void> {
  await db
    .update(submissions)
    .set({ ...values, markedAt: sql`now()` })
    .where(eq(submissions.id, id));
}

/** The latest version of a piece of work. */
export interface LatestWork {
  id: number;
  assignmentId: number;
  studentId: number | null;
  groupId: number | null;
  version: number;
  submittedAt: Date;
  late: boolean;
  mark: number | null;
  resubmissionRequested: boolean;
}

/**
 * The latest version of every piece of work of the given assignments; with `studentId`, only that student's
 * own work and their groups' work.
 */
export async function latestWorks(
  db: Db,
  assignmentIds: number[],
  studentId?: number,
): Promise<LatestWork[]> {
  if (assignmentIds.length === 0) return [];
  const only =
    studentId === undefined
      ? sql`true`
      : sql`(s.student_id = ${studentId} or s.group_id in
            (select group_id from ${groupMembers} where student_id = ${studentId}))`;
  const found = await rows<Omit<LatestWork, 'submittedAt'> & { submittedAt: string | Date }>(
    db,
    sql`select distinct on (s.assignment_id, s.student_id, s.group_id)
          s.id, s.assignment_id as "assignmentId", s.student_id as "studentId", s.group_id as "groupId",
          s.version, s.submitted_at as "submittedAt", s.late, s.mark,
          s.resubmission_requested as "resubmissionRequested"
        from ${submissions} s
        where s.assignment_id = any(${intArray(assignmentIds)}) and ${only}
        order by s.assignment_id, s.student_id, s.group_id, s.version desc`,
  );
  return found.map((r) => ({ ...r, submittedAt: new Date(r.submittedAt) }));
}

// Files -------------------------------------------------------------------------------------------------

export async function insertFile(
  db: Db,
  values: Omit<typeof files.$inferInsert, 'id' | 'createdAt'>,
): Promise<FileRow> {
  const [row] = await db.insert(files).values(values).returning();
  return row!;
}

export async function findFile(db: Db, id: number): Promise<FileRow | undefined> {
  const [row] = await db.select().from(files).where(eq(files.id, id));
  return row;
}

export async function filesByIds(db: Db, ids: number[]): Promise<FileRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(files).where(inArray(files.id, ids));
}

/** The files of the given versions, in order. */
export async function filesOfSubmissions(
  db: Db,
  submissionIds: number[],
): Promise<{ submissionId: number; id: number; name: string; contentType: string; size: number }[]> {
  if (submissionIds.length === 0) return [];
  return db
    .select({
      submissionId: submissionFiles.submissionId,
      id: files.id,
      name: files.name,
      contentType: files.contentType,
      size: files.size,
    })
    .from(submissionFiles)
    .innerJoin(files, eq(files.id, submissionFiles.fileId))
    .where(inArray(submissionFiles.submissionId, submissionIds))
    .orderBy(asc(submissionFiles.submissionId), asc(submissionFiles.position));
}

/** Whether a file is part of some version of a piece of work. */
export async function fileInWork(
  db: Db,
  fileId: number,
  assignmentId: number,
  owner: Owner,
): Promise<boolean> {
  const [row] = await db
    .select({ id: submissions.id })
    .from(submissionFiles)
    .innerJoin(submissions, eq(submissions.id, submissionFiles.submissionId))
    .where(
      and(eq(submissionFiles.fileId, fileId), eq(submissions.assignmentId, assignmentId), ownerWhere(owner)),
    )
    .limit(1);
  return row !== undefined;
}

// Monitoring --------------------------------------------------------------------------------------------

/** What the on-time feed counts per class, school or area. */
export interface OnTimeRow {
  /** The class, school or area id. */
  id: number;
  /** Assignments due in the range. */
  assignments: number;
  /** Pieces of work expected: each enrolled student of each assignment's class. */
  expected: number;
  /** Students with a version handed in by the due time (their own, or their group's). */
  onTime: number;
  /** Students whose work came only after the due time. */
  late: number;
  /** Students with nothing handed in. */
  missing: number;
}

/**
 * "Assignments submitted on time" for distance-learning monitoring: over the assignments due between two dates
 * (school days in `timeZone`, both included) of the given classes, schools or an area's schools, per class,
 * per school, or in total for the area. Students count as enrolled now.
 */
export async function submittedOnTime(
  db: Db,
  filter: { classIds: number[] } | { institutionIds: number[] },
  by: 'class' | 'school' | 'all',
  range: { from: string; to: string; timeZone: string },
): Promise<OnTimeRow[]> {
  const where =
    'classIds' in filter
      ? sql`a.class_id = any(${intArray(filter.classIds)})`
      : sql`a.institution_id = any(${intArray(filter.institutionIds)})`;
  const key = by === 'class' ? sql`p.class_id` : by === 'school' ? sql`p.institution_id` : sql`0`;
  const done = (lateToo: boolean) => sql`exists (select 1 from ${submissions} s
      where s.assignment_id = p.assignment_id
        and (s.student_id = p.student_id or s.group_id = p.group_id) ${lateToo ? sql`` : sql`and not s.late`})`;
  return rows<OnTimeRow>(
    db,
    sql`with p as (
          select a.id as assignment_id, a.class_id, a.institution_id, e.student_id,
            (select m.group_id from ${groupMembers} m
              where m.assignment_id = a.id and m.student_id = e.student_id) as group_id
          from ${assignments} a
          join (${enrolmentRelation()}) e on e.class_id = a.class_id
          where ${where}
            and (a.due_at at time zone ${range.timeZone})::date between ${range.from}::date and ${range.to}::date
        ), c as (
          select ${key} as id, p.assignment_id, ${done(false)} as on_time, ${done(true)} as submitted from p
        )
        select id::int as id, count(distinct assignment_id)::int as assignments, count(*)::int as expected,
          count(*) filter (where on_time)::int as "onTime",
          count(*) filter (where submitted and not on_time)::int as late,
          count(*) filter (where not submitted)::int as missing
        from c group by id order by id`,
  );
}

/**
 * A teacher's assignments with work waiting for a mark: per assignment, the owners (students or groups) whose
 * latest version has no mark and no request for another version. One query, soonest due first.
 */
export async function awaitingMark(
  db: Db,
  teacherId: number,
  limit: number,
): Promise<
  { id: number; classId: number; subjectCode: string; title: string; dueAt: string; waiting: number }[]
> {
  return rows(
    db,
    sql`select a.id, a.class_id as "classId", a.subject_code as "subjectCode", a.title,
               to_char(a.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "dueAt", count(*)::int as waiting
        from ${assignments} a
        join (select distinct on (s.assignment_id, s.student_id, s.group_id)
                     s.assignment_id, s.mark, s.resubmission_requested
                from ${submissions} s
                join ${assignments} x on x.id = s.assignment_id and x.teacher_id = ${teacherId}
               order by s.assignment_id, s.student_id, s.group_id, s.version desc) w on w.assignment_id = a.id
        where a.teacher_id = ${teacherId} and w.mark is null and not w.resubmission_requested
        group by a.id order by a.due_at, a.id limit ${limit}`,
  );
}
