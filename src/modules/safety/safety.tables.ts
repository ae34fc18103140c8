import {
  bigint,
  boolean,
  check,
  cidr,
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
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { users } from '@/modules/identity/identity.tables';
import { areas, institutions } from '@/modules/institutions/institutions.tables';

/** A text in each interface language; a missing translation is an empty string. */
export type Localised = { az: string; ru: string; en: string };

/** SafeSearch per engine: `off`, or forced; YouTube has `moderate` and `strict` (restricted). */
export interface SafeSearch {
  google: boolean;
  youtube: 'off' | 'moderate' | 'strict';
  bing: boolean;
  duckduckgo: boolean;
  yandex: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Categories and lists: what can be blocked.
// ---------------------------------------------------------------------------------------------------------

/** A category of content (UT1's set as the base, from the country pack, plus the ministry's own). */
export const categories = pgTable('safety_category', {
  id: serial('id').primaryKey(),
  /** Stable code, e.g. `adult`, `gambling`; also names the category's RPZ zone. */
  code: text('code').notNull().unique(),
  name: jsonb('name').$type<Localised>().notNull(),
  description: jsonb('description').$type<Localised>().notNull(),
  /** `pack` (from the country pack) or `own` (added by the ministry). */
  origin: text('origin').notNull().default('pack'),
  sort: smallint('sort').notNull().default(0),
  version: integer('version').notNull().default(0),
});

/**
 * A list of domains. `kind`: `block` (its domains are blocked where a policy blocks its category or the list)
 * or `allow` (its domains are never blocked where a policy uses it; an exam's list of allowed sites is an
 * allow list too). `source`: `manual`, `file` or `url` (UT1's format: a domain a line). `serial` grows with
 * every change of its domains: the RPZ zone's SOA serial.
 */
export const lists = pgTable(
  'safety_list',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').notNull(),
    /** The category its domains belong to; null for a list of its own (an allow list, an exam's list). */
    categoryId: integer('category_id').references(() => categories.id, { onDelete: 'restrict' }),
    name: jsonb('name').$type<Localised>().notNull(),
    source: text('source').notNull().default('manual'),
    sourceUrl: text('source_url').notNull().default(''),
    domainCount: integer('domain_count').notNull().default(0),
    serial: bigint('serial', { mode: 'number' }).notNull().default(1),
    version: integer('version').notNull().default(0),
    updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('safety_list_kind', sql`${t.kind} in ('block', 'allow')`),
    check('safety_list_source', sql`${t.source} in ('manual', 'file', 'url')`),
    index('safety_list_category').on(t.categoryId),
  ],
);

/** A domain of a list: lower case, ASCII (an IDN in punycode), no trailing dot; its subdomains are covered. */
export const listDomains = pgTable(
  'safety_list_domain',
  {
    listId: integer('list_id')
      .notNull()
      .references(() => lists.id, { onDelete: 'cascade' }),
    domain: text('domain').notNull(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.domain] })],
);

/**
 * A keyword of a category, in az, ru or en: a domain name whose Unicode form (punycode decoded) contains it,
 * folded as the library's search folds text (Latin and Cyrillic spellings alike), is in the category.
 */
export const keywords = pgTable(
  'safety_keyword',
  {
    id: serial('id').primaryKey(),
    categoryId: integer('category_id')
      .notNull()
      .references(() => categories.id, { onDelete: 'cascade' }),
    keyword: text('keyword').notNull(),
    language: text('language').notNull(),
    /** The keyword folded; what is matched. */
    folded: text('folded').notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('safety_keyword_unique').on(t.categoryId, t.folded)],
);

/**
 * A domain found to match a keyword (in a list or in the resolvers' logs), blocked in the keyword's category.
 * Kept so every resolver node blocks it, and so the ministry sees what a keyword caught.
 */
export const keywordHits = pgTable(
  'safety_keyword_hit',
  {
    keywordId: integer('keyword_id')
      .notNull()
      .references(() => keywords.id, { onDelete: 'cascade' }),
    domain: text('domain').notNull(),
    foundAt: timestamp('found_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.keywordId, t.domain] })],
);

// ---------------------------------------------------------------------------------------------------------
// Policies: what a network may reach.
// ---------------------------------------------------------------------------------------------------------

/**
 * A policy: blocked categories and lists, allow lists, SafeSearch, bypass protection and how a blocked name is
 * answered. National when `area_id` and `institution_id` are null (the defaults: `code` = `primary`,
 * `secondary`, `staff`, `guests`); a region's (`area_id`) tightens the national policy named by `parent_id`
 * for its schools: it may block more, never less.
 */
export const policies = pgTable(
  'safety_policy',
  {
    id: serial('id').primaryKey(),
    code: text('code'),
    name: jsonb('name').$type<Localised>().notNull(),
    areaId: integer('area_id').references(() => areas.id, { onDelete: 'cascade' }),
    parentId: integer('parent_id'),
    /** Category codes blocked. */
    categories: text('categories')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Block lists (ids) blocked besides the categories' lists. */
    blockLists: integer('block_lists')
      .array()
      .notNull()
      .default(sql`'{}'::integer[]`),
    /** Allow lists (ids) whose domains pass whatever else blocks them. */
    allowLists: integer('allow_lists')
      .array()
      .notNull()
      .default(sql`'{}'::integer[]`),
    safeSearch: jsonb('safe_search').$type<SafeSearch>().notNull(),
    /** Blocks the DoH canary (`use-application-dns.net`) and known DoH, VPN and proxy domains. */
    bypassProtection: boolean('bypass_protection').notNull().default(true),
    /** `blockpage` (answer with the block page's address) or `nxdomain`. */
    action: text('action').notNull().default('blockpage'),
    version: integer('version').notNull().default(0),
    updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('safety_policy_action', sql`${t.action} in ('blockpage', 'nxdomain')`),
    uniqueIndex('safety_policy_code').on(t.code),
    index('safety_policy_area').on(t.areaId),
  ],
);

/** A school's address range on the education network: `kind` = `pupils`, `staff` or `guests`. */
export const networks = pgTable(
  'safety_network',
  {
    id: serial('id').primaryKey(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    cidr: cidr('cidr').notNull(),
    note: text('note').notNull().default(''),
    version: integer('version').notNull().default(0),
    updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('safety_network_kind', sql`${t.kind} in ('pupils', 'staff', 'guests')`),
    uniqueIndex('safety_network_cidr').on(t.cidr),
    index('safety_network_institution').on(t.institutionId),
  ],
);

/**
 * Which policy a network kind gets in a time window. Scope: national (both null), a region or district
 * (`area_id`), or a school (`institution_id`); the most specific row wins. `window`: `lessons` (the school's
 * lesson hours: its shifts' bells when it has them, else the scope's `safety_window` rows), `after_school`
 * (any other time), or `always`.
 */
export const assignments = pgTable(
  'safety_assignment',
  {
    id: serial('id').primaryKey(),
    areaId: integer('area_id').references(() => areas.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id').references(() => institutions.id, { onDelete: 'cascade' }),
    networkKind: text('network_kind').notNull(),
    window: text('window').notNull(),
    policyId: integer('policy_id')
      .notNull()
      .references(() => policies.id, { onDelete: 'restrict' }),
    version: integer('version').notNull().default(0),
    updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('safety_assignment_kind', sql`${t.networkKind} in ('pupils', 'staff', 'guests')`),
    check('safety_assignment_window', sql`${t.window} in ('lessons', 'after_school', 'always')`),
    uniqueIndex('safety_assignment_unique').on(
      sql`coalesce(${t.areaId}, 0)`,
      sql`coalesce(${t.institutionId}, 0)`,
      t.networkKind,
      t.window,
    ),
  ],
);

/**
 * The lesson hours of a scope (national, an area, a school) on weekdays (1 Monday … 7 Sunday), in minutes
 * after midnight school time; `end_minute` below `start_minute` crosses midnight. Holidays of the country
 * calendar have no lesson hours.
 */
export const windows = pgTable(
  'safety_window',
  {
    id: serial('id').primaryKey(),
    areaId: integer('area_id').references(() => areas.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id').references(() => institutions.id, { onDelete: 'cascade' }),
    weekdays: smallint('weekdays').array().notNull(),
    startMinute: smallint('start_minute').notNull(),
    endMinute: smallint('end_minute').notNull(),
    version: integer('version').notNull().default(0),
  },
  (t) => [
    check(
      'safety_window_minutes',
      sql`${t.startMinute} between 0 and 1439 and ${t.endMinute} between 0 and 1439 and ${t.startMinute} <> ${t.endMinute}`,
    ),
  ],
);

/** Exam mode: for the chosen schools' pupil networks and hours, only the allow list's sites resolve. */
export const exams = pgTable(
  'safety_exam',
  {
    id: serial('id').primaryKey(),
    name: jsonb('name').$type<Localised>().notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    allowListId: integer('allow_list_id')
      .notNull()
      .references(() => lists.id, { onDelete: 'restrict' }),
    institutionIds: integer('institution_ids').array().notNull(),
    version: integer('version').notNull().default(0),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('safety_exam_period', sql`${t.endsAt} > ${t.startsAt}`)],
);

// ---------------------------------------------------------------------------------------------------------
// Unblock requests: a teacher asks, the district or the ministry decides.
// ---------------------------------------------------------------------------------------------------------

/**
 * A request to unblock a domain at a school, from `starts_at` to `ends_at` (a class period, or longer).
 * `status`: pending, approved, rejected, withdrawn. An approved request unblocks its domain on the school's
 * networks until `ends_at`.
 */
export const unblockRequests = pgTable(
  'safety_unblock_request',
  {
    id: serial('id').primaryKey(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id, { onDelete: 'cascade' }),
    domain: text('domain').notNull(),
    /** The category it was blocked in when asked, if known. */
    categoryCode: text('category_code'),
    reason: text('reason').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    status: text('status').notNull().default('pending'),
    requestedBy: integer('requested_by').references(() => users.id, { onDelete: 'set null' }),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: integer('decided_by').references(() => users.id, { onDelete: 'set null' }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note').notNull().default(''),
    version: integer('version').notNull().default(0),
  },
  (t) => [
    check('safety_unblock_status', sql`${t.status} in ('pending', 'approved', 'rejected', 'withdrawn')`),
    check('safety_unblock_period', sql`${t.endsAt} > ${t.startsAt}`),
    index('safety_unblock_institution').on(t.institutionId, t.status),
  ],
);

// ---------------------------------------------------------------------------------------------------------
// The engine's nodes, settings and the counts from the logs.
// ---------------------------------------------------------------------------------------------------------

/** A resolver node: it reads the zones and configuration with its token and sends its counts back. */
export const nodes = pgTable('safety_node', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** SHA-256 of the node's token, hex. */
  tokenHash: text('token_hash').notNull().unique(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
  /** The state serial the node last applied. */
  appliedSerial: bigint('applied_serial', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The filter's settings: one row (`id` = 1). */
export const settings = pgTable(
  'safety_setting',
  {
    id: smallint('id').primaryKey().default(1),
    /** The block page's addresses, what a blocked name answers with. */
    blockAddressV4: text('block_address_v4').notNull().default('127.0.0.1'),
    blockAddressV6: text('block_address_v6').notNull().default('::1'),
    /** Days raw logs are kept on the nodes: 1, 7, 30 or 90. */
    logRetentionDays: smallint('log_retention_days').notNull().default(7),
    version: integer('version').notNull().default(0),
    updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('safety_setting_one', sql`${t.id} = 1`),
    check('safety_setting_retention', sql`${t.logRetentionDays} in (1, 7, 30, 90)`),
  ],
);

/** Queries and blocked queries per school, network kind and hour, from the resolvers' logs. No addresses. */
export const queryHours = pgTable(
  'safety_query_hour',
  {
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id, { onDelete: 'cascade' }),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    networkKind: text('network_kind').notNull(),
    queries: bigint('queries', { mode: 'number' }).notNull().default(0),
    blocked: bigint('blocked', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.institutionId, t.hour, t.networkKind] }),
    index('safety_query_hour_hour').on(t.hour),
  ],
);

/** Blocked queries per school, category and hour. */
export const blockedHours = pgTable(
  'safety_blocked_hour',
  {
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id, { onDelete: 'cascade' }),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    categoryCode: text('category_code').notNull(),
    count: bigint('count', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.institutionId, t.hour, t.categoryCode] }),
    index('safety_blocked_hour_hour').on(t.hour),
  ],
);

/** Blocked queries per school, domain and day: the top blocked domains of a school. */
export const blockedDomainDays = pgTable(
  'safety_blocked_domain_day',
  {
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    domain: text('domain').notNull(),
    categoryCode: text('category_code').notNull(),
    count: bigint('count', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.institutionId, t.day, t.domain] })],
);
