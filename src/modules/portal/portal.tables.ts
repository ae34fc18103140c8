import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { users } from '@/modules/identity/identity.tables';

/** A text in each interface language; a missing translation is an empty string. */
export type Localised = { az: string; ru: string; en: string };

/**
 * Where a news item or an event belongs, and so who publishes it: `nation` (the ministry), `area` (a region or
 * a district: `area_id`), `institution` (a school: `institution_id`). `place_path` holds the area ids from the
 * country down to the area (for a school, to the school's area; empty for the nation), so "near an area" is an
 * array test on an indexed column.
 */
const place = () => ({
  placeKind: text('place_kind', { enum: ['nation', 'area', 'institution'] }).notNull(),
  areaId: integer('area_id'),
  institutionId: integer('institution_id'),
  placePath: integer('place_path').array().notNull(),
});

/**
 * A news item's cover image (docs/portal.md "First HTML, cover images and speed"): the stored file's key (named
 * by its SHA-256, so a URL never changes its bytes), its content type, its size in pixels and bytes, and its
 * alternative text in each language.
 */
export type Cover = {
  key: string;
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  width: number;
  height: number;
  bytes: number;
  alt: Localised;
};

/**
 * A news item. Title and summary are plain text, the body sanitised HTML (sanitised when saved, again when
 * shown), each in az/ru/en (empty = no translation). `publish_at`: null is a draft; a time in the future is
 * scheduled — no one but its editors sees it before then.
 */
export const articles = pgTable(
  'portal_article',
  {
    id: serial('id').primaryKey(),
    version: integer('version').notNull().default(1),
    ...place(),
    title: jsonb('title').$type<Localised>().notNull(),
    summary: jsonb('summary').$type<Localised>().notNull(),
    body: jsonb('body').$type<Localised>().notNull(),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    publishAt: timestamp('publish_at', { withTimezone: true }),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    /** Its cover image; null: none. */
    cover: jsonb('cover').$type<Cover>(),
    /**
     * The cover's stored file (the same as `cover.key`, set with it): a `storage_key` column is how a backup
     * finds the files the rows reference (src/server/db/backup.ts).
     */
    storageKey: text('storage_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('portal_article_publish_idx').on(t.publishAt.desc(), t.id),
    index('portal_article_path_idx').using('gin', t.placePath),
    index('portal_article_place_idx').on(t.placeKind, t.areaId, t.institutionId, t.publishAt.desc()),
    // The nation's news newest first (the home of a visitor): an ordered scan cut at the page.
    index('portal_article_kind_publish_idx').on(
      t.placeKind,
      t.publishAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    // An area's news and its schools' newest first (the home near an area): one ordered scan per area.
    index('portal_article_area_publish_idx').on(
      t.areaId,
      t.publishAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
  ],
);

/**
 * An educational event. Times are instants; `time_zone` (IANA) is how they are shown and how a recurrence
 * repeats. Recurrence is a subset of RFC 5545's RRULE: `weekly` or `monthly`, ended by a `count` or an `until`.
 * `capacity` null: no registration; otherwise at most that many people register (`registered` counts them).
 */
export const events = pgTable(
  'portal_event',
  {
    id: serial('id').primaryKey(),
    version: integer('version').notNull().default(1),
    ...place(),
    title: jsonb('title').$type<Localised>().notNull(),
    description: jsonb('description').$type<Localised>().notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    timeZone: text('time_zone').notNull(),
    repeat: text('repeat', { enum: ['weekly', 'monthly'] }),
    repeatCount: smallint('repeat_count'),
    repeatUntil: timestamp('repeat_until', { withTimezone: true }),
    /** The last moment any occurrence ends: `ends_at` for a single event; for listing by date. */
    lastEndsAt: timestamp('last_ends_at', { withTimezone: true }).notNull(),
    venue: text('venue').notNull().default(''),
    onlineUrl: text('online_url').notNull().default(''),
    grades: smallint('grades')
      .array()
      .notNull()
      .default(sql`'{}'::smallint[]`),
    roles: text('roles')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    capacity: integer('capacity'),
    registered: integer('registered').notNull().default(0),
    published: boolean('published').notNull().default(true),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('portal_event_when_idx').on(t.lastEndsAt, t.startsAt),
    index('portal_event_path_idx').using('gin', t.placePath),
    index('portal_event_place_idx').on(t.placeKind, t.areaId, t.institutionId, t.lastEndsAt),
    check('portal_event_capacity', sql`${t.capacity} is null or ${t.registered} <= ${t.capacity}`),
    check('portal_event_ends', sql`${t.endsAt} >= ${t.startsAt}`),
  ],
);

/** A person registered for an event. */
export const registrations = pgTable(
  'portal_registration',
  {
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.userId] }), index('portal_registration_user_idx').on(t.userId)],
);
