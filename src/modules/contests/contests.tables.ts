import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { areas, institutions, subjects } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';
import { classes } from '@/modules/classroom/classroom.tables';

/** The kinds of question the bank holds. */
export const QUESTION_KINDS = [
  'single',
  'multiple',
  'true_false',
  'numeric',
  'short_text',
  'matching',
  'ordering',
] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** The language a question is written in (one per question, as its author writes it). */
export const QUESTION_LANGUAGES = ['az', 'ru', 'en'] as const;

/** Who a contest is for: one class, one school, a district, an economic region, or the whole nation. */
export const CONTEST_SCOPES = ['class', 'school', 'district', 'region', 'nation'] as const;
export const CONTEST_STATES = ['draft', 'published'] as const;
export const ATTEMPT_STATES = ['open', 'submitted', 'expired'] as const;

/**
 * What a student sees of a question besides its prompt: the options (single, multiple), the two columns
 * (matching) or the items (ordering, listed in their correct order here and shuffled when shown).
 */
export interface QuestionBody {
  options?: string[];
  left?: string[];
  right?: string[];
  items?: string[];
}

/**
 * The answer key, never sent to a student before the contest is over: the correct option indexes, the truth,
 * the number with its tolerance, the accepted texts (compared folded), or, for matching, the right-hand index
 * of each left-hand item. Ordering needs no key: the items are stored in their correct order.
 */
export interface QuestionKey {
  correct?: number[];
  truth?: boolean;
  value?: number;
  tolerance?: number;
  accepted?: string[];
  pairs?: number[];
}

/**
 * A question of a bank: a school's bank (`institution_id` set, written by its teachers and director) or the
 * national bank (`institution_id` null, written by editors and the bureau), per subject and grade.
 */
export const questions = pgTable(
  'contests_question',
  {
    id: serial('id').primaryKey(),
    institutionId: integer('institution_id').references(() => institutions.id),
    subjectCode: text('subject_code')
      .notNull()
      .references(() => subjects.code),
    grade: smallint('grade').notNull(),
    kind: text('kind', { enum: QUESTION_KINDS }).notNull(),
    /** Bumped by every save of the question; a save must send the one it read. */
    version: integer('version').notNull().default(0),
    language: text('language', { enum: QUESTION_LANGUAGES }).notNull(),
    prompt: text('prompt').notNull(),
    body: jsonb('body').$type<QuestionBody>().notNull(),
    key: jsonb('key').$type<QuestionKey>().notNull(),
    points: smallint('points').notNull().default(1),
    authorId: integer('author_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('contests_question_bank_idx').on(t.institutionId, t.subjectCode, t.grade),
    check('contests_question_points', sql`${t.points} between 1 and 100`),
  ],
);

/** A start window of one shift on the contest's date, local school time (HH:MM). */
export interface StartWindow {
  shift: number;
  startsAt: string;
  endsAt: string;
}

/**
 * A knowledge contest: its scope (a class, a school, an area, the nation), its date and start windows per
 * shift, the time limit of an attempt and how many attempts a student has. `opens_at`/`closes_at` are the
 * first window's start and the last possible deadline (last window's end plus the time limit), in UTC; the
 * answer keys are shown only after `closes_at`. `version` rises with every change: questions are cached by it.
 */
export const contests = pgTable(
  'contests_contest',
  {
    id: serial('id').primaryKey(),
    title: text('title').notNull(),
    subjectCode: text('subject_code')
      .notNull()
      .references(() => subjects.code),
    grade: smallint('grade').notNull(),
    scope: text('scope', { enum: CONTEST_SCOPES }).notNull(),
    classId: integer('class_id').references(() => classes.id),
    institutionId: integer('institution_id').references(() => institutions.id),
    areaId: integer('area_id').references(() => areas.id),
    date: date('date', { mode: 'string' }).notNull(),
    windows: jsonb('windows').$type<StartWindow[]>().notNull(),
    opensAt: timestamp('opens_at', { withTimezone: true }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    timeLimitMinutes: smallint('time_limit_minutes').notNull(),
    maxAttempts: smallint('max_attempts').notNull().default(1),
    shuffle: boolean('shuffle').notNull().default(true),
    state: text('state', { enum: CONTEST_STATES }).notNull().default('draft'),
    version: integer('version').notNull().default(1),
    /**
     * The "about to start" reminder's progress (a job, shortly before the first window): the last student id
     * reminded so far, and when every student was. A retried job carries on where it stopped.
     */
    remindedThrough: integer('reminded_through'),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('contests_contest_institution_idx').on(t.institutionId, t.date),
    index('contests_contest_date_idx').on(t.date),
    check(
      'contests_contest_limits',
      sql`${t.timeLimitMinutes} between 1 and 600 and ${t.maxAttempts} between 1 and 10`,
    ),
  ],
);

/**
 * A question of a contest: a copy of the bank's question taken when the contest was made, so that a later
 * change to the bank never changes a contest's marking.
 */
export const contestQuestions = pgTable(
  'contests_contest_question',
  {
    contestId: integer('contest_id')
      .notNull()
      .references(() => contests.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    questionId: integer('question_id')
      .notNull()
      .references(() => questions.id),
    kind: text('kind', { enum: QUESTION_KINDS }).notNull(),
    language: text('language', { enum: QUESTION_LANGUAGES }).notNull(),
    prompt: text('prompt').notNull(),
    body: jsonb('body').$type<QuestionBody>().notNull(),
    key: jsonb('key').$type<QuestionKey>().notNull(),
    points: smallint('points').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.contestId, t.position] }),
    unique('contests_contest_question_once').on(t.contestId, t.questionId),
  ],
);

/** A mark of one question in a closed attempt. */
export interface QuestionMark {
  questionId: number;
  points: number;
}

/**
 * A student's attempt: started inside their shift's window, with its deadline fixed at the start (server
 * time). At most one open attempt per student and contest; attempts are numbered. Where the student was at
 * the start (school, class, area path) is kept for the leaderboards. `score` is set when it closes.
 */
export const attempts = pgTable(
  'contests_attempt',
  {
    id: serial('id').primaryKey(),
    contestId: integer('contest_id')
      .notNull()
      .references(() => contests.id, { onDelete: 'cascade' }),
    studentId: integer('student_id')
      .notNull()
      .references(() => users.id),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id),
    areaPath: integer('area_path').array().notNull(),
    attemptNo: smallint('attempt_no').notNull(),
    state: text('state', { enum: ATTEMPT_STATES }).notNull().default('open'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    deadline: timestamp('deadline', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    score: integer('score'),
    maxScore: integer('max_score').notNull(),
    marks: jsonb('marks').$type<QuestionMark[]>(),
  },
  (t) => [
    unique('contests_attempt_number').on(t.contestId, t.studentId, t.attemptNo),
    uniqueIndex('contests_attempt_one_open')
      .on(t.contestId, t.studentId)
      .where(sql`${t.state} = 'open'`),
    index('contests_attempt_school_idx').on(t.contestId, t.institutionId),
    index('contests_attempt_deadline_idx')
      .on(t.contestId, t.deadline)
      .where(sql`${t.state} = 'open'`),
  ],
);

/**
 * A saved answer: one row per attempt and question, replaced only by a higher `version` (the client's
 * counter for that question), so a retried or late request never overwrites a newer answer. The answer is
 * kept in the question's own indexes, not the shuffled ones the student saw.
 */
export const answers = pgTable(
  'contests_answer',
  {
    attemptId: integer('attempt_id')
      .notNull()
      .references(() => attempts.id, { onDelete: 'cascade' }),
    questionId: integer('question_id').notNull(),
    version: integer('version').notNull(),
    answer: jsonb('answer').notNull(),
    savedAt: timestamp('saved_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.attemptId, t.questionId] })],
);
