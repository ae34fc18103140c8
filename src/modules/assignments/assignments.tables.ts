import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { institutions, subjects } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';
import { classes, lessons } from '@/modules/classroom/classroom.tables';

/** Whether each student hands in their own work, or a group hands in one for all its members. */
export const ASSIGNMENT_KINDS = ['individual', 'group'] as const;

/** An assignment a teacher sets a class in a subject, optionally for one lesson occurrence. */
export const assignments = pgTable(
  'assignments_assignment',
  {
    id: serial('id').primaryKey(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    /** Bumped by every save of the assignment's groups; a save of them must send the one it read. */
    groupsVersion: integer('groups_version').notNull().default(0),
    subjectCode: text('subject_code')
      .notNull()
      .references(() => subjects.code),
    lessonId: integer('lesson_id').references(() => lessons.id, { onDelete: 'set null' }),
    /** The teacher who set it. */
    teacherId: integer('teacher_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: ASSIGNMENT_KINDS }).notNull(),
    title: text('title').notNull(),
    instructions: text('instructions'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('assignments_assignment_class_idx').on(t.classId, t.dueAt),
    index('assignments_assignment_school_idx').on(t.institutionId, t.dueAt),
  ],
);

/** A group of a group assignment, numbered 1, 2, … within it. */
export const groups = pgTable(
  'assignments_group',
  {
    id: serial('id').primaryKey(),
    assignmentId: integer('assignment_id')
      .notNull()
      .references(() => assignments.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id').notNull(),
    number: smallint('number').notNull(),
  },
  (t) => [unique('assignments_group_number').on(t.assignmentId, t.number)],
);

/** A student's group in a group assignment: at most one per assignment. */
export const groupMembers = pgTable(
  'assignments_group_member',
  {
    assignmentId: integer('assignment_id')
      .notNull()
      .references(() => assignments.id, { onDelete: 'cascade' }),
    studentId: integer('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    groupId: integer('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.assignmentId, t.studentId] }),
    index('assignments_group_member_group_idx').on(t.groupId),
  ],
);

/**
 * One version of a piece of work: a student's (individual assignment) or a group's. Each resubmission is a new
 * version; old ones are kept. The teacher's feedback and mark are given on a version.
 */
export const submissions = pgTable(
  'assignments_submission',
  {
    id: serial('id').primaryKey(),
    assignmentId: integer('assignment_id')
      .notNull()
      .references(() => assignments.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id').notNull(),
    studentId: integer('student_id').references(() => users.id, { onDelete: 'cascade' }),
    groupId: integer('group_id').references(() => groups.id, { onDelete: 'cascade' }),
    version: smallint('version').notNull(),
    text: text('text'),
    submittedBy: integer('submitted_by')
      .notNull()
      .references(() => users.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
    /** Handed in after the due time. */
    late: boolean('late').notNull(),
    mark: smallint('mark'),
    feedback: text('feedback'),
    /** The teacher asks for another version. */
    resubmissionRequested: boolean('resubmission_requested').notNull().default(false),
    markedBy: integer('marked_by').references(() => users.id),
    markedAt: timestamp('marked_at', { withTimezone: true }),
  },
  (t) => [
    unique('assignments_submission_student_version').on(t.assignmentId, t.studentId, t.version),
    unique('assignments_submission_group_version').on(t.assignmentId, t.groupId, t.version),
    check('assignments_submission_owner', sql`(${t.studentId} is null) <> (${t.groupId} is null)`),
  ],
);

/** A file a student uploaded for an assignment; it becomes part of a version when submitted. */
export const files = pgTable(
  'assignments_file',
  {
    id: serial('id').primaryKey(),
    assignmentId: integer('assignment_id')
      .notNull()
      .references(() => assignments.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id').notNull(),
    uploadedBy: integer('uploaded_by')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The name the student gave it, for display only. */
    name: text('name').notNull(),
    /** Told by the file's first bytes, never by its name. */
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('assignments_file_assignment_idx').on(t.assignmentId, t.uploadedBy)],
);

/** The files of a version, in order; a later version may keep an earlier version's files. */
export const submissionFiles = pgTable(
  'assignments_submission_file',
  {
    submissionId: integer('submission_id')
      .notNull()
      .references(() => submissions.id, { onDelete: 'cascade' }),
    fileId: integer('file_id')
      .notNull()
      .references(() => files.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.submissionId, t.fileId] })],
);
