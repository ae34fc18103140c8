import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { academicYears, institutions, subjects } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';
import { classes, lessons } from '@/modules/classroom/classroom.tables';

/**
 * The class journal (issue 6): attendance and marks per student and column (a lesson occurrence or a summative
 * assessment), each cell versioned so that concurrent writers never overwrite each other silently, with an
 * append-only history; terms closed by the director; teachers' overrides of results; parents' link codes.
 * See docs/journal.md.
 */

/** Attendance codes of the country pack (`attendance-codes.json`), loaded by the pack loader. */
export const attendanceCodes = pgTable('journal_attendance_code', {
  code: text('code').primaryKey(),
  position: smallint('position').notNull(),
  nameAz: text('name_az').notNull(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  shortAz: text('short_az').notNull(),
  shortRu: text('short_ru').notNull(),
  shortEn: text('short_en').notNull(),
  countsAsPresent: boolean('counts_as_present').notNull(),
  needsReason: boolean('needs_reason').notNull().default(false),
});

/** A summative assessment: a column of its own in a class's subject journal for a term. */
export const assessments = pgTable(
  'journal_assessment',
  {
    id: serial('id').primaryKey(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    academicYearId: integer('academic_year_id')
      .notNull()
      .references(() => academicYears.id),
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    subjectCode: text('subject_code')
      .notNull()
      .references(() => subjects.code),
    termCode: text('term_code').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    title: text('title').notNull(),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('journal_assessment_class_idx').on(t.classId, t.subjectCode, t.termCode)],
);

/**
 * A cell of the journal: one student in one column (`l<lessonId>` or `a<assessmentId>`), with its attendance
 * and mark. `version` grows by one with every write; a writer sends the version it saw and a cell changed
 * meanwhile is not written (see journal.service.ts `saveEntries`).
 */
export const cells = pgTable(
  'journal_cell',
  {
    studentId: integer('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    columnKey: text('column_key').notNull(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    academicYearId: integer('academic_year_id')
      .notNull()
      .references(() => academicYears.id),
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    subjectCode: text('subject_code').notNull(),
    termCode: text('term_code').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    lessonId: integer('lesson_id').references(() => lessons.id, { onDelete: 'cascade' }),
    assessmentId: integer('assessment_id').references(() => assessments.id, { onDelete: 'cascade' }),
    attendanceCode: text('attendance_code').references(() => attendanceCodes.code),
    attendanceReason: text('attendance_reason'),
    mark: smallint('mark'),
    markComment: text('mark_comment'),
    version: integer('version').notNull(),
    updatedBy: integer('updated_by').references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.studentId, t.columnKey] }),
    index('journal_cell_class_idx').on(t.classId, t.subjectCode, t.termCode),
    index('journal_cell_school_idx').on(t.institutionId, t.academicYearId, t.termCode),
    check('journal_cell_column', sql`(${t.lessonId} is not null) <> (${t.assessmentId} is not null)`),
  ],
);

/** Every write of a cell, oldest first: append-only (a trigger refuses updates and deletes). */
export const cellEvents = pgTable(
  'journal_cell_event',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    institutionId: integer('institution_id').notNull(),
    classId: integer('class_id').notNull(),
    studentId: integer('student_id').notNull(),
    columnKey: text('column_key').notNull(),
    version: integer('version').notNull(),
    attendanceCode: text('attendance_code'),
    attendanceReason: text('attendance_reason'),
    mark: smallint('mark'),
    markComment: text('mark_comment'),
    /** Set when the term was closed: why the closed journal was corrected. */
    correctionReason: text('correction_reason'),
    by: integer('by'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('journal_cell_event_cell_idx').on(t.studentId, t.columnKey, t.version)],
);

/** A term closed by a school's director: later changes are corrections with a reason. */
export const termClosures = pgTable(
  'journal_term_closure',
  {
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    academicYearId: integer('academic_year_id')
      .notNull()
      .references(() => academicYears.id),
    termCode: text('term_code').notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }).notNull().defaultNow(),
    closedBy: integer('closed_by').references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.institutionId, t.academicYearId, t.termCode] })],
);

/** A teacher's override of a student's term (or `year`) result in a subject: who and why are kept. */
export const resultOverrides = pgTable(
  'journal_result_override',
  {
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    subjectCode: text('subject_code').notNull(),
    termCode: text('term_code').notNull(),
    studentId: integer('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    value: smallint('value'),
    reason: text('reason').notNull(),
    setBy: integer('set_by').references(() => users.id),
    setAt: timestamp('set_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.classId, t.subjectCode, t.termCode, t.studentId] })],
);

/** A one-time code a school hands to a parent to link them to a child; only its SHA-256 is kept. */
export const linkCodes = pgTable(
  'journal_link_code',
  {
    id: serial('id').primaryKey(),
    codeHash: text('code_hash').notNull().unique(),
    studentId: integer('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    usedBy: integer('used_by').references(() => users.id),
  },
  (t) => [index('journal_link_code_student_idx').on(t.studentId)],
);
