import {
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { academicYears, institutions } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';
import type { PlanRules } from '@/modules/allocation/allocation.core';

/**
 * The yearly computer distribution: a plan with its published rules, the schools' applications and their
 * examination, the approved (locked) allocation, and the deliveries that bring devices into the registry.
 */

/** draft (national staff only) → published (schools read and apply) → approved (locked). */
export const PLAN_STATES = ['draft', 'published', 'approved'] as const;
/** submitted → registered → eligible | ineligible (→ appealed → eligible | ineligible). */
export const APPLICATION_STATES = ['submitted', 'registered', 'eligible', 'ineligible', 'appealed'] as const;
/** sent by the ministry → confirmed by the school. */
export const BATCH_STATES = ['sent', 'confirmed'] as const;

/**
 * A distribution plan. Its rules live in `rules` (units per kind, prices, norm, lot size, regional minimums,
 * weights); every publication freezes them as a numbered version in `allocation_plan_version`, so a school
 * can read the exact rules it applied under.
 */
export const plans = pgTable(
  'allocation_plan',
  {
    id: serial('id').primaryKey(),
    academicYearId: integer('academic_year_id')
      .notNull()
      .references(() => academicYears.id),
    /** Written on every delivered device as its funding programme. */
    name: text('name').notNull(),
    state: text('state', { enum: PLAN_STATES }).notNull().default('draft'),
    /** The number of the latest published version; 0 while never published. */
    version: integer('version').notNull().default(0),
    /** Bumped by every save of the plan's draft; a save must send the one it read (`src/server/versions.ts`). */
    editVersion: integer('edit_version').notNull().default(0),
    rules: jsonb('rules').$type<PlanRules>().notNull(),
    applicationsOpenOn: date('applications_open_on').notNull(),
    applicationsCloseOn: date('applications_close_on').notNull(),
    appealsCloseOn: date('appeals_close_on').notNull(),
    approvedBy: integer('approved_by').references(() => users.id),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('allocation_plan_year_idx').on(t.academicYearId),
    check(
      'allocation_plan_windows',
      sql`${t.applicationsOpenOn} <= ${t.applicationsCloseOn} and ${t.applicationsCloseOn} <= ${t.appealsCloseOn}`,
    ),
  ],
);

/** Each published version of a plan's rules: append-only, what schools read before applying. */
export const planVersions = pgTable(
  'allocation_plan_version',
  {
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    version: integer('version').notNull(),
    rules: jsonb('rules').$type<PlanRules>().notNull(),
    publishedBy: integer('published_by').references(() => users.id),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.version] })],
);

/** Units wanted per device kind, as a school asks for them. */
export type RequestedUnits = Partial<Record<string, number>>;

/** A school's application to a plan, its registration and its examination. */
export const applications = pgTable(
  'allocation_application',
  {
    id: serial('id').primaryKey(),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    state: text('state', { enum: APPLICATION_STATES }).notNull().default('submitted'),
    /** Bumped by every save of the application; a save must send the one it read. */
    version: integer('version').notNull().default(0),
    requested: jsonb('requested').$type<RequestedUnits>().notNull(),
    justification: text('justification').notNull(),
    /** The school's registry state when it applied, as the director saw it. */
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
    submittedBy: integer('submitted_by').references(() => users.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
    /** The ministry's registration number, e.g. 2026-000042. */
    registrationNumber: text('registration_number').unique(),
    registeredAt: timestamp('registered_at', { withTimezone: true }),
    /** The examiner's checklist: gate → passed. */
    gates: jsonb('gates').$type<Record<string, boolean>>(),
    reasons: text('reasons').array(),
    examinationNote: text('examination_note'),
    examinedBy: integer('examined_by').references(() => users.id),
    examinedAt: timestamp('examined_at', { withTimezone: true }),
    appealText: text('appeal_text'),
    appealedAt: timestamp('appealed_at', { withTimezone: true }),
  },
  (t) => [
    unique('allocation_application_school').on(t.planId, t.institutionId),
    index('allocation_application_school_idx').on(t.institutionId),
  ],
);

/** The approved, locked allocation: units of a kind to a school, with the score it was given. */
export const awards = pgTable(
  'allocation_award',
  {
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    kind: text('kind').notNull(),
    units: integer('units').notNull(),
    score: real('score').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.planId, t.institutionId, t.kind] }),
    index('allocation_award_school_idx').on(t.institutionId),
    check('allocation_award_units', sql`${t.units} > 0`),
  ],
);

/** A delivery batch to one school; the school confirms what arrived. */
export const batches = pgTable(
  'allocation_batch',
  {
    id: serial('id').primaryKey(),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    state: text('state', { enum: BATCH_STATES }).notNull().default('sent'),
    note: text('note'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    confirmedBy: integer('confirmed_by').references(() => users.id),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  },
  (t) => [index('allocation_batch_school_idx').on(t.planId, t.institutionId)],
);

/** Units of one kind in a batch: how many were sent, how many the school received, and their serials. */
export const batchItems = pgTable(
  'allocation_batch_item',
  {
    batchId: integer('batch_id')
      .notNull()
      .references(() => batches.id),
    /** Denormalised from the batch: rows that belong to a school carry its id (the distribution key). */
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    kind: text('kind').notNull(),
    units: integer('units').notNull(),
    received: integer('received'),
    serials: text('serials').array(),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.kind] }),
    check('allocation_batch_item_units', sql`${t.units} > 0 and ${t.received} between 0 and ${t.units}`),
  ],
);
