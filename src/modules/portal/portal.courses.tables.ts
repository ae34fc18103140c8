import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { users } from '@/modules/identity/identity.tables';
import { institutions } from '@/modules/institutions/institutions.tables';
import { classes } from '@/modules/classroom/classroom.tables';
import type { QuestionBody, QuestionKey, QuestionKind } from '@/modules/contests/contests.tables';
import type { StoredAnswer } from '@/modules/contests/contests.marking';
import type { Localised } from '@/modules/portal/portal.tables';

/** The six topics every internet-safety course covers (Common Sense Education's digital citizenship). */
export const SAFETY_TOPICS = [
  'privacy',
  'cyberbullying',
  'misinformation',
  'passwords_scams',
  'screen_time',
  'digital_footprint',
] as const;
export type SafetyTopic = (typeof SAFETY_TOPICS)[number];

/**
 * A quiz question of a lesson: one of the contests engine's kinds, with its prompt and visible parts in each
 * language and one key (indexes are the same in every language).
 */
export interface CourseQuestion {
  kind: QuestionKind;
  points: number;
  prompt: Localised;
  body: Record<'az' | 'ru' | 'en', QuestionBody>;
  key: QuestionKey;
}

/**
 * An internet-safety course for a grade band (1–2, 3–4, 5–6, 7–9, 10–11), from the country pack; the ministry's
 * content staff edit it in the app (then `edited_at` is set, and loading the pack again leaves it be).
 */
export const courses = pgTable(
  'portal_course',
  {
    id: serial('id').primaryKey(),
    version: integer('version').notNull().default(1),
    /** When the content staff last changed the course or its lessons; null: as the pack wrote it. */
    editedAt: timestamp('edited_at', { withTimezone: true }),
    code: text('code').notNull().unique(),
    gradeFrom: smallint('grade_from').notNull(),
    gradeTo: smallint('grade_to').notNull(),
    title: jsonb('title').$type<Localised>().notNull(),
    summary: jsonb('summary').$type<Localised>().notNull(),
  },
  (t) => [check('portal_course_band', sql`${t.gradeFrom} between 1 and ${t.gradeTo} and ${t.gradeTo} <= 12`)],
);

/**
 * A lesson of a course: one topic, a short text, library resources to watch or read, and a short quiz. A lesson
 * that pupils have attempted is retired rather than removed (hidden from pupils, its attempts kept).
 */
export const lessons = pgTable(
  'portal_course_lesson',
  {
    id: serial('id').primaryKey(),
    version: integer('version').notNull().default(1),
    retired: boolean('retired').notNull().default(false),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    topic: text('topic', { enum: SAFETY_TOPICS }).notNull(),
    title: jsonb('title').$type<Localised>().notNull(),
    body: jsonb('body').$type<Localised>().notNull(),
    /** Library resources (ids); only published ones are shown. */
    resourceIds: integer('resource_ids')
      .array()
      .notNull()
      .default(sql`'{}'::int[]`),
    questions: jsonb('questions').$type<CourseQuestion[]>().notNull(),
  },
  (t) => [unique('portal_course_lesson_position').on(t.courseId, t.position)],
);

/** A class taking a course with its teacher: started once per class and course. */
export const courseRuns = pgTable(
  'portal_course_run',
  {
    id: serial('id').primaryKey(),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    startedBy: integer('started_by').references(() => users.id, { onDelete: 'set null' }),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('portal_course_run_class').on(t.courseId, t.classId),
    index('portal_course_run_school_idx').on(t.institutionId),
  ],
);

/**
 * A pupil's quiz of a lesson: the best score kept (a retake that scores lower changes nothing). `place_path`
 * is the school's area path (country → region → district) so the reports above a school are array tests;
 * `run_id` is set when the pupil's class takes the course with its teacher.
 */
export const courseAttempts = pgTable(
  'portal_course_attempt',
  {
    id: serial('id').primaryKey(),
    lessonId: integer('lesson_id')
      .notNull()
      .references(() => lessons.id, { onDelete: 'cascade' }),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    studentId: integer('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    classId: integer('class_id').references(() => classes.id, { onDelete: 'set null' }),
    runId: integer('run_id').references(() => courseRuns.id, { onDelete: 'set null' }),
    placePath: integer('place_path').array().notNull(),
    score: smallint('score').notNull(),
    maxScore: smallint('max_score').notNull(),
    answers: jsonb('answers').$type<(StoredAnswer | null)[]>().notNull(),
    tries: smallint('tries').notNull().default(1),
    doneAt: timestamp('done_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('portal_course_attempt_once').on(t.lessonId, t.studentId),
    index('portal_course_attempt_path_idx').using('gin', t.placePath),
    index('portal_course_attempt_school_idx').on(t.institutionId, t.courseId),
    check('portal_course_attempt_score', sql`${t.score} between 0 and ${t.maxScore}`),
  ],
);

/** The Safer Internet Day campaign of a year (Insafe: the second Tuesday of February). */
export const sidCampaigns = pgTable('portal_sid_campaign', {
  id: serial('id').primaryKey(),
  year: smallint('year').notNull().unique(),
  day: date('day', { mode: 'string' }).notNull(),
  theme: jsonb('theme').$type<Localised>().notNull(),
  summary: jsonb('summary').$type<Localised>().notNull(),
});

/** An activity of a campaign for a range of grades (5–11). */
export const sidActivities = pgTable(
  'portal_sid_activity',
  {
    id: serial('id').primaryKey(),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => sidCampaigns.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    gradeFrom: smallint('grade_from').notNull(),
    gradeTo: smallint('grade_to').notNull(),
    title: jsonb('title').$type<Localised>().notNull(),
    description: jsonb('description').$type<Localised>().notNull(),
  },
  (t) => [unique('portal_sid_activity_position').on(t.campaignId, t.position)],
);

/** A school's Safer Internet Day event: one a school a year, edited by its director at the version read. */
export const sidEvents = pgTable(
  'portal_sid_event',
  {
    id: serial('id').primaryKey(),
    version: integer('version').notNull().default(1),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => sidCampaigns.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    placePath: integer('place_path').array().notNull(),
    title: text('title').notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    participants: integer('participants').notNull(),
    activityIds: integer('activity_ids')
      .array()
      .notNull()
      .default(sql`'{}'::int[]`),
    registeredBy: integer('registered_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('portal_sid_event_school').on(t.campaignId, t.institutionId),
    index('portal_sid_event_path_idx').using('gin', t.placePath),
    check('portal_sid_event_participants', sql`${t.participants} between 1 and 100000`),
  ],
);
