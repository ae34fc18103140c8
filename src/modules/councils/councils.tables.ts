import {
  boolean,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { institutions } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';

/** A pedagogical council: a meeting of a school's staff, with its agenda and minutes. */
export const meetings = pgTable(
  'councils_meeting',
  {
    id: serial('id').primaryKey(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    title: text('title').notNull(),
    agenda: text('agenda').notNull().default(''),
    minutes: text('minutes').notNull().default(''),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Bumped by every save of the meeting: a save must name the version it read. */
    version: integer('version').notNull().default(1),
  },
  (t) => [index('councils_meeting_institution_idx').on(t.institutionId, t.heldOn)],
);

/** Who of the staff was at a meeting (a row for each person recorded, present or not). */
export const attendance = pgTable(
  'councils_attendance',
  {
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    present: boolean('present').notNull(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] })],
);

/** States of a council's decision. */
export const DECISION_STATES = ['open', 'done', 'cancelled'] as const;
export type DecisionState = (typeof DECISION_STATES)[number];

/** A decision of a meeting: what is to be done, by whom and by when, and how far it is. */
export const decisions = pgTable(
  'councils_decision',
  {
    id: serial('id').primaryKey(),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    status: text('status', { enum: DECISION_STATES }).notNull().default('open'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('councils_decision_meeting_idx').on(t.meetingId),
    index('councils_decision_owner_idx').on(t.ownerId, t.status),
  ],
);
