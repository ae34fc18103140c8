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
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';

/** A webinar for teachers: national (no area) or for one area's schools. */
export const webinars = pgTable(
  'webinars_webinar',
  {
    id: serial('id').primaryKey(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    /** Null: national, open to every school's staff; else the area whose schools' staff may register. */
    areaId: integer('area_id').references(() => areas.id),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    durationMinutes: smallint('duration_minutes').notNull(),
    /** Where it takes place; shown to those registered and to its organisers. */
    url: text('url').notNull(),
    capacity: integer('capacity'),
    /** Bumped by every save of the webinar; a save must send the one it read. */
    version: integer('version').notNull().default(0),
    /** Bumped by every save of who attended; a save of it must send the one it read. */
    attendanceVersion: integer('attendance_version').notNull().default(0),
    cancelled: boolean('cancelled').notNull().default(false),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('webinars_webinar_starts_idx').on(t.startsAt),
    check('webinars_webinar_duration', sql`${t.durationMinutes} between 5 and 600`),
  ],
);

/** A teacher's registration for a webinar, and whether they attended. */
export const registrations = pgTable(
  'webinars_registration',
  {
    webinarId: integer('webinar_id')
      .notNull()
      .references(() => webinars.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    /** Their school when they registered: the totals count by it. */
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
    attended: boolean('attended').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.webinarId, t.userId] }),
    index('webinars_registration_user_idx').on(t.userId),
  ],
);
