import {
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { academicYears, areas, institutions } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';
import { webinars } from '@/modules/webinars/webinars.tables';

/** A text in each interface language, as the country pack gives it. */
export type Localised = { az: string; ru: string; en: string };

// ---------------------------------------------------------------------------------------------------------
// Competency frameworks: country-pack data (country-packs/<pack>/training/), loaded like the rest of the pack.
// ---------------------------------------------------------------------------------------------------------

/** A competency framework: UNESCO ICT CFT v3, DigCompEdu, or a ministry's own. */
export const frameworks = pgTable('training_framework', {
  /** Stable id from the pack file, e.g. `digcompedu`. */
  id: text('id').primaryKey(),
  position: smallint('position').notNull(),
  name: jsonb('name').$type<Localised>().notNull(),
  description: jsonb('description').$type<Localised>().notNull(),
  /** The framework's proficiency levels, lowest first (DigCompEdu A1–C2); a level is stored as its index. */
  levels: jsonb('levels').$type<{ code: string; name: Localised; description: Localised }[]>().notNull(),
  /** Whether teachers take this framework's self-assessment (one framework at a time is the questionnaire). */
  selfAssessment: boolean('self_assessment').notNull().default(false),
});

/** An area (DigCompEdu) or aspect (UNESCO) of a framework. */
export const frameworkAreas = pgTable(
  'training_framework_area',
  {
    /** Stable id, e.g. `digcompedu.2`. */
    id: text('id').primaryKey(),
    frameworkId: text('framework_id')
      .notNull()
      .references(() => frameworks.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    name: jsonb('name').$type<Localised>().notNull(),
    description: jsonb('description').$type<Localised>().notNull(),
  },
  (t) => [index('training_framework_area_framework_idx').on(t.frameworkId, t.position)],
);

/** One competency (competence) of a framework, in one area. */
export const competencies = pgTable(
  'training_competency',
  {
    /** Stable id, e.g. `digcompedu.2.1` or `unesco-ict-cft-3.k1.1`. */
    id: text('id').primaryKey(),
    frameworkId: text('framework_id')
      .notNull()
      .references(() => frameworks.id, { onDelete: 'cascade' }),
    areaId: text('area_id')
      .notNull()
      .references(() => frameworkAreas.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    name: jsonb('name').$type<Localised>().notNull(),
    descriptor: jsonb('descriptor').$type<Localised>().notNull(),
  },
  (t) => [index('training_competency_area_idx').on(t.areaId, t.position)],
);

/** The mapping between frameworks: this competency covers (part of) that one. Stored both ways. */
export const competencyLinks = pgTable(
  'training_competency_link',
  {
    competencyId: text('competency_id')
      .notNull()
      .references(() => competencies.id, { onDelete: 'cascade' }),
    relatedId: text('related_id')
      .notNull()
      .references(() => competencies.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.competencyId, t.relatedId] })],
);

/** A self-assessment item: a statement with options, each option worth a score. */
export const items = pgTable(
  'training_item',
  {
    id: text('id').primaryKey(),
    frameworkId: text('framework_id')
      .notNull()
      .references(() => frameworks.id, { onDelete: 'cascade' }),
    areaId: text('area_id')
      .notNull()
      .references(() => frameworkAreas.id, { onDelete: 'cascade' }),
    competencyId: text('competency_id').references(() => competencies.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    text: jsonb('text').$type<Localised>().notNull(),
    /** The answers to choose from, in order; `score` counts towards the area's level. */
    options: jsonb('options').$type<{ text: Localised; score: number }[]>().notNull(),
  },
  (t) => [index('training_item_framework_idx').on(t.frameworkId, t.position)],
);

// ---------------------------------------------------------------------------------------------------------
// Self-assessment: a teacher's answers are theirs alone; a school sees its staff's levels; above, aggregates.
// ---------------------------------------------------------------------------------------------------------

/** One sitting of the self-assessment: open while answered (saved as they go), then submitted. */
export const selfAssessments = pgTable(
  'training_self_assessment',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    frameworkId: text('framework_id')
      .notNull()
      .references(() => frameworks.id),
    /** The teacher's school when they started: the school sees the levels of its staff. */
    institutionId: integer('institution_id').references(() => institutions.id),
    /** The director's round this sitting answers, if any. */
    roundId: integer('round_id').references(() => rounds.id),
    status: text('status', { enum: ['open', 'submitted'] })
      .notNull()
      .default('open'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    version: integer('version').notNull().default(0),
  },
  (t) => [
    index('training_self_assessment_user_idx').on(t.userId, t.startedAt),
    // One open sitting per person and framework.
    uniqueIndex('training_self_assessment_open_idx')
      .on(t.userId, t.frameworkId)
      .where(sql`${t.status} = 'open'`),
  ],
);

/** An answer of a sitting. */
export const selfAnswers = pgTable(
  'training_self_answer',
  {
    assessmentId: integer('assessment_id')
      .notNull()
      .references(() => selfAssessments.id, { onDelete: 'cascade' }),
    itemId: text('item_id')
      .notNull()
      .references(() => items.id),
    /** The index of the chosen option. */
    choice: smallint('choice').notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.assessmentId, t.itemId] })],
);

/** A submitted sitting's level in each area (an index into the framework's levels). */
export const selfResults = pgTable(
  'training_self_result',
  {
    assessmentId: integer('assessment_id')
      .notNull()
      .references(() => selfAssessments.id, { onDelete: 'cascade' }),
    areaId: text('area_id')
      .notNull()
      .references(() => frameworkAreas.id),
    score: smallint('score').notNull(),
    level: smallint('level').notNull(),
  },
  (t) => [primaryKey({ columns: [t.assessmentId, t.areaId] })],
);

/**
 * Each teacher's current level per area: their latest submitted sitting. Written in the submit's transaction,
 * with `schoolLevels` beside it.
 */
export const teacherLevels = pgTable(
  'training_teacher_level',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    areaId: text('area_id')
      .notNull()
      .references(() => frameworkAreas.id),
    institutionId: integer('institution_id').references(() => institutions.id),
    level: smallint('level').notNull(),
    assessedAt: timestamp('assessed_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.areaId] }),
    index('training_teacher_level_school_idx').on(t.institutionId, t.areaId),
  ],
);

/**
 * How many of a school's teachers stand at each level of each area: the needs report for the nation sums these
 * (4,500 schools × areas × levels) instead of 125,000 teachers. Kept by the same transaction as `teacherLevels`.
 */
export const schoolLevels = pgTable(
  'training_school_level',
  {
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    areaId: text('area_id')
      .notNull()
      .references(() => frameworkAreas.id),
    level: smallint('level').notNull(),
    teachers: integer('teachers').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.institutionId, t.areaId, t.level] }),
    check('training_school_level_teachers', sql`${t.teachers} >= 0`),
  ],
);

/** A director's round: the school's staff are asked to take the self-assessment by a day. */
export const rounds = pgTable(
  'training_round',
  {
    id: serial('id').primaryKey(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    frameworkId: text('framework_id')
      .notNull()
      .references(() => frameworks.id),
    opensOn: date('opens_on', { mode: 'string' }).notNull(),
    closesOn: date('closes_on', { mode: 'string' }).notNull(),
    message: text('message').notNull().default(''),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('training_round_school_idx').on(t.institutionId, t.closesOn)],
);

/** The level the bureau wants every teacher to reach in an area, per academic year. */
export const targets = pgTable(
  'training_target',
  {
    yearId: integer('year_id')
      .notNull()
      .references(() => academicYears.id),
    areaId: text('area_id')
      .notNull()
      .references(() => frameworkAreas.id),
    level: smallint('level').notNull(),
    version: integer('version').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.yearId, t.areaId] })],
);

// ---------------------------------------------------------------------------------------------------------
// The year's plan, programmes and their sessions, enrolments, attendance and the assessment.
// ---------------------------------------------------------------------------------------------------------

/** The year's training plan: its programmes, with seats per district and a budget. */
export const plans = pgTable('training_plan', {
  id: serial('id').primaryKey(),
  yearId: integer('year_id')
    .notNull()
    .unique()
    .references(() => academicYears.id),
  title: text('title').notNull(),
  budget: numeric('budget', { precision: 14, scale: 2, mode: 'number' }),
  status: text('status', { enum: ['draft', 'approved'] })
    .notNull()
    .default('draft'),
  version: integer('version').notNull().default(0),
  createdBy: integer('created_by')
    .notNull()
    .references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const PROGRAMME_MODES = ['in_person', 'online', 'blended'] as const;
export const PROGRAMME_STATES = ['draft', 'open', 'closed', 'finished'] as const;

/** A training programme (course): what it addresses, for whom, how it is assessed and certified. */
export const programmes = pgTable(
  'training_programme',
  {
    id: serial('id').primaryKey(),
    planId: integer('plan_id').references(() => plans.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    mode: text('mode', { enum: PROGRAMME_MODES }).notNull(),
    frameworkId: text('framework_id')
      .notNull()
      .references(() => frameworks.id),
    /** The framework areas it develops; suggested to teachers below `forBelowLevel` in one of them. */
    areaIds: text('area_ids')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Meant for teachers whose level in those areas is below this one (an index into the levels). */
    forBelowLevel: smallint('for_below_level'),
    /** The target group in words (subjects, levels taught), as the plan states it. */
    targetGroup: text('target_group').notNull().default(''),
    hours: smallint('hours').notNull(),
    /** The share of the assessment's points needed to pass, in percent; null: no assessment. */
    passMark: smallint('pass_mark'),
    /** How long its certificate is valid, in months; null: it does not expire. */
    validMonths: smallint('valid_months'),
    budget: numeric('budget', { precision: 14, scale: 2, mode: 'number' }),
    status: text('status', { enum: PROGRAMME_STATES }).notNull().default('draft'),
    version: integer('version').notNull().default(0),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('training_programme_plan_idx').on(t.planId),
    check('training_programme_pass_mark', sql`${t.passMark} between 1 and 100`),
    check('training_programme_hours', sql`${t.hours} between 1 and 1000`),
  ],
);

/** Seats of a programme given to a district. */
export const programmeSeats = pgTable(
  'training_programme_seat',
  {
    programmeId: integer('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    seats: integer('seats').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programmeId, t.areaId] }),
    check('training_programme_seat_seats', sql`${t.seats} >= 0`),
  ],
);

/**
 * A question of a programme's final assessment, in the contests engine's kinds and shapes
 * (`contests.marking.ts`: `kind`, `body`, `answer`, `points`).
 */
export const questions = pgTable(
  'training_question',
  {
    id: serial('id').primaryKey(),
    programmeId: integer('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    kind: text('kind').notNull(),
    body: jsonb('body').notNull(),
    answer: jsonb('answer').notNull(),
    points: smallint('points').notNull().default(1),
  },
  (t) => [index('training_question_programme_idx').on(t.programmeId, t.position)],
);

/** A session (group) of a programme: when, where or at which link, for how many. */
export const sessions = pgTable(
  'training_session',
  {
    id: serial('id').primaryKey(),
    programmeId: integer('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    /** The district it is held for; null: open to all. */
    areaId: integer('area_id').references(() => areas.id),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    place: text('place'),
    /** An online session is a webinar of the webinars module. */
    webinarId: integer('webinar_id').references(() => webinars.id),
    capacity: integer('capacity').notNull(),
    cancelled: boolean('cancelled').notNull().default(false),
    version: integer('version').notNull().default(0),
    /** Bumped by every save of who attended. */
    attendanceVersion: integer('attendance_version').notNull().default(0),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
  },
  (t) => [
    index('training_session_programme_idx').on(t.programmeId, t.startsAt),
    check('training_session_capacity', sql`${t.capacity} between 1 and 100000`),
    check('training_session_times', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

export const ENROLMENT_STATES = [
  'requested',
  'nominated',
  'approved',
  'waiting',
  'rejected',
  'withdrawn',
  'completed',
  'failed',
] as const;

/** A teacher on a programme: asked for by them or nominated by their director, decided by the district. */
export const enrolments = pgTable(
  'training_enrolment',
  {
    id: serial('id').primaryKey(),
    programmeId: integer('programme_id')
      .notNull()
      .references(() => programmes.id),
    sessionId: integer('session_id').references(() => sessions.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    /** Their school when enrolled: the district of that school decides. */
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    status: text('status', { enum: ENROLMENT_STATES }).notNull(),
    origin: text('origin', { enum: ['self', 'director'] }).notNull(),
    requestedBy: integer('requested_by')
      .notNull()
      .references(() => users.id),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    note: text('note').notNull().default(''),
    attended: boolean('attended'),
    /** The assessment's result in percent, when taken. */
    score: smallint('score'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    version: integer('version').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('training_enrolment_person_idx').on(t.programmeId, t.userId),
    index('training_enrolment_user_idx').on(t.userId),
    index('training_enrolment_session_idx').on(t.sessionId, t.status),
    index('training_enrolment_school_idx').on(t.institutionId, t.status),
  ],
);

/** A taking of a programme's assessment. */
export const attempts = pgTable(
  'training_attempt',
  {
    id: serial('id').primaryKey(),
    enrolmentId: integer('enrolment_id')
      .notNull()
      .references(() => enrolments.id, { onDelete: 'cascade' }),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    /** Question id → the stored answer, in the contests engine's shape. */
    answers: jsonb('answers')
      .notNull()
      .default(sql`'{}'::jsonb`),
    points: numeric('points', { precision: 8, scale: 2, mode: 'number' }),
    maxPoints: numeric('max_points', { precision: 8, scale: 2, mode: 'number' }),
    passed: boolean('passed'),
  },
  (t) => [index('training_attempt_enrolment_idx').on(t.enrolmentId)],
);

// ---------------------------------------------------------------------------------------------------------
// Certificates: Open Badges 3.0 credentials, signed, revocable through a Bitstring Status List.
// ---------------------------------------------------------------------------------------------------------

/** The platform's signing keys (Ed25519, multikey). The newest not retired signs; the retired still verify. */
export const issuerKeys = pgTable('training_issuer_key', {
  id: text('id').primaryKey(),
  publicKeyMultibase: text('public_key_multibase').notNull(),
  secretKeyMultibase: text('secret_key_multibase').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  retiredAt: timestamp('retired_at', { withTimezone: true }),
});

/** A revocation list: each certificate holds one index of one list. */
export const statusLists = pgTable('training_status_list', {
  id: serial('id').primaryKey(),
  /** How many entries it has (the bitstring's length, at least 131,072 as the specification asks). */
  size: integer('size').notNull(),
  /** The next free index. */
  nextIndex: integer('next_index').notNull().default(0),
  /** Bumped by every revocation: the signed list credential is remade when it differs from `signedVersion`. */
  version: integer('version').notNull().default(0),
  signedVersion: integer('signed_version'),
  /** The last signed BitstringStatusListCredential. */
  credential: jsonb('credential'),
});

/** An issued certificate: what it is for, the signed credential, and whether it was revoked. */
export const certificates = pgTable(
  'training_certificate',
  {
    id: uuid('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    programmeId: integer('programme_id').references(() => programmes.id),
    enrolmentId: integer('enrolment_id')
      .unique()
      .references(() => enrolments.id),
    title: text('title').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    statusListId: integer('status_list_id')
      .notNull()
      .references(() => statusLists.id),
    statusIndex: integer('status_index').notNull(),
    credential: jsonb('credential').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: integer('revoked_by').references(() => users.id),
    revokeReason: text('revoke_reason'),
    /** When the 30-day expiry reminder was sent. */
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('training_certificate_status_idx').on(t.statusListId, t.statusIndex),
    index('training_certificate_user_idx').on(t.userId),
    index('training_certificate_programme_idx').on(t.programmeId),
    index('training_certificate_expiry_idx')
      .on(t.validUntil)
      .where(sql`${t.revokedAt} is null and ${t.remindedAt} is null`),
  ],
);

export const EXTERNAL_KINDS = ['ecdl', 'icdl', 'intel', 'other'] as const;

/** A certificate from outside (ECDL/ICDL, Intel and others), with its evidence, verified by the district. */
export const externalCertificates = pgTable(
  'training_external',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    kind: text('kind', { enum: EXTERNAL_KINDS }).notNull(),
    title: text('title').notNull(),
    provider: text('provider').notNull(),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    expiresOn: date('expires_on', { mode: 'string' }),
    /** The evidence: a reference or number on the certificate, and the uploaded scan's storage key. */
    reference: text('reference').notNull().default(''),
    evidenceKey: text('evidence_key'),
    evidenceName: text('evidence_name'),
    status: text('status', { enum: ['submitted', 'verified', 'rejected'] })
      .notNull()
      .default('submitted'),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    note: text('note').notNull().default(''),
    version: integer('version').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('training_external_user_idx').on(t.userId),
    index('training_external_school_idx').on(t.institutionId, t.status),
  ],
);

// ---------------------------------------------------------------------------------------------------------
// History: past training records carried in by file (2005–2021), counted by the indicators.
// ---------------------------------------------------------------------------------------------------------

/** One file of past records, imported all or nothing. */
export const historyImports = pgTable('training_history_import', {
  id: serial('id').primaryKey(),
  fileName: text('file_name').notNull(),
  rows: integer('rows').notNull(),
  importedBy: integer('imported_by')
    .notNull()
    .references(() => users.id),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A past training of a teacher: by a person known here, or by name and school alone. */
export const historyRecords = pgTable(
  'training_history_record',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    importId: integer('import_id')
      .notNull()
      .references(() => historyImports.id, { onDelete: 'cascade' }),
    userId: integer('user_id').references(() => users.id),
    institutionId: integer('institution_id').references(() => institutions.id),
    personName: text('person_name').notNull(),
    sex: text('sex', { enum: ['female', 'male'] }),
    /** The ISCED level the person taught at, as the indicator breaks it down (`institutions_level.isced`). */
    isced: smallint('isced'),
    programme: text('programme').notNull(),
    provider: text('provider').notNull().default(''),
    completedOn: date('completed_on', { mode: 'string' }).notNull(),
    hours: smallint('hours'),
    /** Whether it was ICT training (UIS ED38 counts these). */
    ict: boolean('ict').notNull().default(true),
  },
  (t) => [
    index('training_history_record_year_idx').on(t.completedOn),
    index('training_history_record_user_idx').on(t.userId),
    // The registry's ICT-trained feed and form count a school's records (`ict-trained.store.ts`).
    index('training_history_record_school_idx').on(t.institutionId),
  ],
);
