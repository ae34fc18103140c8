import { bigint, date, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { areas, institutions } from '@/modules/institutions/institutions.tables';

/**
 * Daily rollups of the resolvers' hourly counts (`docs/safety.md`, reports): what the reports of whole days
 * read instead of the hourly rows. Kept in the ingest's transaction — the days a batch touches are summed
 * again from the hourly rows — so they start empty after a migration or a restore and fill as counts come in.
 * Days are school days (Asia/Baku). The hourly tables stay the truth and serve sub-day views.
 */

/** Queries and blocked queries per school, network kind and school day. */
export const queryDays = pgTable(
  'safety_query_day',
  {
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    networkKind: text('network_kind').notNull(),
    queries: bigint('queries', { mode: 'number' }).notNull().default(0),
    blocked: bigint('blocked', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.institutionId, t.day, t.networkKind] }),
    index('safety_query_day_day').on(t.day),
  ],
);

/** Blocked queries per school, category and school day. */
export const blockedDays = pgTable(
  'safety_blocked_day',
  {
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    categoryCode: text('category_code').notNull(),
    count: bigint('count', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.institutionId, t.day, t.categoryCode] }),
    index('safety_blocked_day_day').on(t.day),
  ],
);

/**
 * Blocked queries per area (a school's own area, its district), category and school day: the country's and a
 * region's reports by category, region or district read these few rows. Summed again from `safety_blocked_day`
 * for the areas and days a batch touches.
 */
export const blockedAreaDays = pgTable(
  'safety_blocked_area_day',
  {
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    categoryCode: text('category_code').notNull(),
    count: bigint('count', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.areaId, t.day, t.categoryCode] }),
    index('safety_blocked_area_day_day').on(t.day),
  ],
);

/** Queries and blocked queries per area and school day (all network kinds). */
export const queryAreaDays = pgTable(
  'safety_query_area_day',
  {
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    queries: bigint('queries', { mode: 'number' }).notNull().default(0),
    blocked: bigint('blocked', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.areaId, t.day] }), index('safety_query_area_day_day').on(t.day)],
);
