import {
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
  unique,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { academicYears, institutions, subjects } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';

/** Languages a class may be taught in. */
export const LANGUAGES = ['az', 'ru', 'en'] as const;

/** A class of an institution in an academic year, e.g. 7A, taught in one shift. */
export const classes = pgTable(
  'classroom_class',
  {
    id: serial('id').primaryKey(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    academicYearId: integer('academic_year_id')
      .notNull()
      .references(() => academicYears.id),
    grade: smallint('grade').notNull(),
    letter: text('letter').notNull(),
    /** Language of instruction. */
    language: text('language', { enum: LANGUAGES }).notNull().default('az'),
    shift: smallint('shift').notNull().default(1),
    homeroomTeacherId: integer('homeroom_teacher_id').references(() => users.id),
    /** Bumped by every change of the class's week: a save of the whole week must name the version it read. */
    timetableVersion: integer('timetable_version').notNull().default(0),
    /** Bumped by every change of the class's subject teachers: a save of them must name the version it read. */
    subjectsVersion: integer('subjects_version').notNull().default(0),
  },
  (t) => [unique('classroom_class_name').on(t.institutionId, t.academicYearId, t.grade, t.letter)],
);

/** A student enrolled in a class. */
export const enrolments = pgTable(
  'classroom_enrolment',
  {
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    studentId: integer('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.classId, t.studentId] }),
    index('classroom_enrolment_student_idx').on(t.studentId),
  ],
);

/** Who teaches a subject to a class: one teacher per class and subject. */
export const subjectTeachers = pgTable(
  'classroom_subject_teacher',
  {
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    subjectCode: text('subject_code')
      .notNull()
      .references(() => subjects.code),
    teacherId: integer('teacher_id')
      .notNull()
      .references(() => users.id),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
  },
  (t) => [
    primaryKey({ columns: [t.classId, t.subjectCode] }),
    index('classroom_subject_teacher_teacher_idx').on(t.teacherId),
  ],
);

/**
 * One period of a shift's bell schedule at a school in a year. Times are minutes after midnight, local school
 * time: comparing clock times across shifts (a teacher who teaches in two) is then integer arithmetic.
 */
export const bellPeriods = pgTable(
  'classroom_bell_period',
  {
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    academicYearId: integer('academic_year_id')
      .notNull()
      .references(() => academicYears.id),
    shift: smallint('shift').notNull(),
    period: smallint('period').notNull(),
    startMinute: smallint('start_minute').notNull(),
    endMinute: smallint('end_minute').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.institutionId, t.academicYearId, t.shift, t.period] }),
    check(
      'classroom_bell_period_times',
      sql`${t.startMinute} >= 0 and ${t.startMinute} < ${t.endMinute} and ${t.endMinute} <= 1440`,
    ),
  ],
);

/**
 * The version of a shift's bell schedule at a school in a year (its periods are many rows): bumped by every
 * save of the schedule, which must name the version it read. No row: version 0, a schedule never saved.
 */
export const bellSchedules = pgTable(
  'classroom_bell_schedule',
  {
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    academicYearId: integer('academic_year_id')
      .notNull()
      .references(() => academicYears.id),
    shift: smallint('shift').notNull(),
    version: integer('version').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.institutionId, t.academicYearId, t.shift] })],
);

/** A weekly period of a class's timetable: on a weekday (1 Monday … 7 Sunday), in a period of its shift. */
export const timetableEntries = pgTable(
  'classroom_timetable_entry',
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
    weekday: smallint('weekday').notNull(),
    period: smallint('period').notNull(),
    subjectCode: text('subject_code')
      .notNull()
      .references(() => subjects.code),
    teacherId: integer('teacher_id')
      .notNull()
      .references(() => users.id),
    /** The room as the school names it; null when not given. Compared trimmed and case-folded. */
    room: text('room'),
  },
  (t) => [
    unique('classroom_timetable_entry_slot').on(t.classId, t.weekday, t.period),
    index('classroom_timetable_entry_teacher_idx').on(t.teacherId, t.academicYearId, t.weekday),
    index('classroom_timetable_entry_school_idx').on(t.institutionId, t.academicYearId, t.weekday),
    check('classroom_timetable_entry_weekday', sql`${t.weekday} between 1 and 7`),
  ],
);

/** States of a lesson occurrence: cancelled ones are kept because a teacher had filled them in. */
export const OCCURRENCE_STATES = ['scheduled', 'cancelled'] as const;

/**
 * A lesson occurrence: a scheduled period on its date. The unit the class journal marks, so its id is stable:
 * regeneration updates a future occurrence in place, deletes only empty ones, and never touches past ones.
 * The lesson's content (topic, homework, meeting link) lives on the same row.
 */
export const lessons = pgTable(
  'classroom_lesson',
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
    /** The weekly period it came from; null once that period is removed (a kept, cancelled occurrence). */
    timetableEntryId: integer('timetable_entry_id').references(() => timetableEntries.id, {
      onDelete: 'set null',
    }),
    date: date('date', { mode: 'string' }).notNull(),
    period: smallint('period').notNull(),
    subjectCode: text('subject_code')
      .notNull()
      .references(() => subjects.code),
    teacherId: integer('teacher_id')
      .notNull()
      .references(() => users.id),
    room: text('room'),
    startMinute: smallint('start_minute').notNull(),
    endMinute: smallint('end_minute').notNull(),
    state: text('state', { enum: OCCURRENCE_STATES }).notNull().default('scheduled'),
    topic: text('topic'),
    homework: text('homework'),
    meetingUrl: text('meeting_url'),
    /** Whether the teacher has filled anything in: such an occurrence is never deleted by regeneration. */
    hasContent: boolean('has_content').notNull().default(false),
    /** Whether another module holds records of it (the journal's attendance and marks): never deleted either. */
    recorded: boolean('recorded').notNull().default(false),
    contentUpdatedAt: timestamp('content_updated_at', { withTimezone: true }),
    /** Bumped by every save of the content: a save must name the version it read. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    unique('classroom_lesson_slot').on(t.classId, t.date, t.period),
    index('classroom_lesson_teacher_idx').on(t.teacherId, t.date),
  ],
);

/** Kinds of lesson material: a library resource (by id) or a link. */
export const MATERIAL_KINDS = ['resource', 'url'] as const;

/** A material of a lesson, in the teacher's order. */
export const lessonMaterials = pgTable(
  'classroom_lesson_material',
  {
    lessonId: integer('lesson_id')
      .notNull()
      .references(() => lessons.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    kind: text('kind', { enum: MATERIAL_KINDS }).notNull(),
    /** A library resource's id; a plain integer until the library module offers a reference to check it by. */
    resourceId: integer('resource_id'),
    url: text('url'),
    title: text('title'),
  },
  (t) => [primaryKey({ columns: [t.lessonId, t.position] })],
);
