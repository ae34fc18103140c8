import {
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { users } from '@/modules/identity/identity.tables';

/** A text in each interface language; a missing translation is an empty string. */
export type Localised = { az: string; ru: string; en: string };

// ---------------------------------------------------------------------------------------------------------
// The registry of policies: laws, strategies, state programmes, concepts, regulations — and their targets.
// ---------------------------------------------------------------------------------------------------------

/**
 * A policy document. `kind`: law, strategy, state_programme, concept, regulation. `status`: planned, in_force,
 * completed (a programme whose period ended), repealed. `topics` are the sections of the PEER technology
 * profile's outline it touches (`2.1` … `3.2`); `peer` the PEER comparison questions it answers yes to
 * (`connectivity`, `digital_skills_standards`, `learner_skills_framework`, `one_device`, `data_privacy`,
 * `cyberbullying`, `phone_ban`, `lead_body`).
 */
export const documents = pgTable(
  'policy_document',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').notNull(),
    title: jsonb('title').$type<Localised>().notNull(),
    issuer: jsonb('issuer').$type<Localised>().notNull(),
    /** The official number, e.g. `1234-VIQ`; empty when it has none. */
    number: text('number').notNull().default(''),
    adoptedOn: date('adopted_on').notNull(),
    amendedOn: date('amended_on'),
    /** The period it covers (a strategy's or programme's years), when it has one. */
    periodStart: date('period_start'),
    periodEnd: date('period_end'),
    status: text('status').notNull(),
    summary: jsonb('summary').$type<Localised>().notNull(),
    /** The official text (e-qanun.az and the like). */
    url: text('url').notNull().default(''),
    topics: text('topics')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    peer: text('peer')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    version: integer('version').notNull().default(0),
    updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('policy_document_adopted_idx').on(t.adoptedOn),
    check(
      'policy_document_period',
      sql`${t.periodEnd} is null or ${t.periodStart} is null or ${t.periodEnd} >= ${t.periodStart}`,
    ),
  ],
);

/**
 * A target of a programme (or strategy), measured by one of the platform's live figures (`indicator`, a key of
 * the figures catalogue, e.g. `schools_connected`): progress is the figure now between `baseline` and `target`.
 */
export const targets = pgTable(
  'policy_target',
  {
    id: serial('id').primaryKey(),
    documentId: integer('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull().default(0),
    description: jsonb('description').$type<Localised>().notNull(),
    indicator: text('indicator').notNull(),
    baseline: numeric('baseline', { precision: 14, scale: 2 }).notNull().default('0'),
    target: numeric('target', { precision: 14, scale: 2 }).notNull(),
    dueOn: date('due_on'),
    version: integer('version').notNull().default(0),
  },
  (t) => [index('policy_target_document_idx').on(t.documentId, t.position)],
);

/** A partnership: what a company or organisation gave, and when (internet packages for 30,000 teachers). */
export const partnerships = pgTable(
  'policy_partnership',
  {
    id: serial('id').primaryKey(),
    partner: text('partner').notNull(),
    contribution: jsonb('contribution').$type<Localised>().notNull(),
    /** How many of what was given (30,000 packages, 1,000 computers), when it is counted. */
    quantity: integer('quantity'),
    startedOn: date('started_on').notNull(),
    endedOn: date('ended_on'),
    /** The document it was made under, if any. */
    documentId: integer('document_id').references(() => documents.id, { onDelete: 'set null' }),
    topics: text('topics')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    version: integer('version').notNull().default(0),
    updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('policy_partnership_started_idx').on(t.startedOn)],
);

// ---------------------------------------------------------------------------------------------------------
// The country profile: editable text per section of the outline, and the published editions.
// ---------------------------------------------------------------------------------------------------------

/** The ministry's text of one section of the profile's outline (`1`, `2.1` … `3.2`), in each language. */
export const sectionTexts = pgTable('policy_section_text', {
  section: text('section').primaryKey(),
  body: jsonb('body').$type<Localised>().notNull(),
  version: integer('version').notNull().default(0),
  updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A published edition of the profile: the whole generated profile as it stood (texts, figures with their
 * source, date and query, the registry's entries), in all three languages, kept unchanged so editions can be
 * compared.
 */
export const editions = pgTable(
  'policy_edition',
  {
    id: serial('id').primaryKey(),
    number: integer('number').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
    publishedBy: integer('published_by').references(() => users.id, { onDelete: 'set null' }),
    note: jsonb('note').$type<Localised>().notNull(),
    content: jsonb('content').notNull(),
  },
  (t) => [uniqueIndex('policy_edition_number_idx').on(t.number)],
);
