import {
  type AnyPgColumn,
  bigint,
  bigserial,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { users } from '@/modules/identity/identity.tables';
import { subjects } from '@/modules/institutions/institutions.tables';

/**
 * The national digital library: learning resources with their curriculum alignment, their files (each
 * upload a new version; derived renditions point at the original they came from), collections and
 * playlists, and the publishing history. The search columns (folded keys, tsvector) are added by the
 * hand-written migration `library_search`, so that the folding function exists before they do.
 */

/** What a resource is. A TV lesson also carries its channel and air date. */
export const RESOURCE_TYPES = [
  'video_lesson',
  'tv_lesson',
  'audio_lesson',
  'e_textbook',
  'teacher_guide',
  'steam_project',
  'extracurricular_reading',
  'worksheet',
  'other',
] as const;
/** The education level a resource is for. */
export const EDUCATION_LEVELS = ['general', 'vocational', 'higher'] as const;
/** The languages of instruction a resource can be in. */
export const RESOURCE_LANGUAGES = ['az', 'ru', 'en'] as const;
/** Licences: the Creative Commons family, public domain, or all rights reserved. */
export const LICENCES = [
  'cc_by',
  'cc_by_sa',
  'cc_by_nd',
  'cc_by_nc',
  'cc_by_nc_sa',
  'cc_by_nc_nd',
  'cc0',
  'public_domain',
  'all_rights_reserved',
] as const;
/** Accessibility features a resource offers. */
export const ACCESSIBILITY_FEATURES = ['captions', 'transcript', 'audio_description', 'tagged_pdf'] as const;
/** The publishing workflow: draft → in review → published; unpublished keeps the history. */
export const RESOURCE_STATES = ['draft', 'in_review', 'published', 'unpublished'] as const;
/** What an uploaded file is to its resource. */
export const UPLOAD_ROLES = ['main', 'caption', 'transcript', 'attachment'] as const;
/** Files made from an upload by media processing. */
export const DERIVED_ROLES = ['rendition', 'audio', 'hls', 'thumbnail'] as const;
/** Every role a file can have. */
export const FILE_ROLES = [...UPLOAD_ROLES, ...DERIVED_ROLES] as const;
/**
 * Media processing of an upload: not needed (a PDF), pending (a job is queued or running), done, failed
 * (the error is kept), or unavailable (no ffmpeg on this server: the original is served as it is).
 */
export const PROCESSING_STATES = ['not_needed', 'pending', 'done', 'failed', 'unavailable'] as const;
/** A collection is an unordered shelf; a playlist is watched in order. */
export const COLLECTION_KINDS = ['collection', 'playlist'] as const;

const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);

/** The curriculum-topic hierarchy, loaded from the country pack (`curriculum-topics.json`). */
export const topics = pgTable(
  'library_topic',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull().unique(),
    parentId: integer('parent_id').references((): AnyPgColumn => topics.id),
    subjectCode: text('subject_code')
      .notNull()
      .references(() => subjects.code),
    grades: smallint('grades').array().notNull(),
    position: integer('position').notNull(),
    nameAz: text('name_az').notNull(),
    nameRu: text('name_ru').notNull(),
    nameEn: text('name_en').notNull(),
  },
  (t) => [index('library_topic_subject_idx').on(t.subjectCode)],
);

/** A learning resource: its description, curriculum alignment and publishing state. */
export const resources = pgTable(
  'library_resource',
  {
    id: serial('id').primaryKey(),
    type: text('type', { enum: RESOURCE_TYPES }).notNull(),
    state: text('state', { enum: RESOURCE_STATES }).notNull().default('draft'),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    language: text('language', { enum: RESOURCE_LANGUAGES }).notNull(),
    level: text('level', { enum: EDUCATION_LEVELS }).notNull(),
    grades: smallint('grades')
      .array()
      .notNull()
      .default(sql`'{}'`),
    subjectCode: text('subject_code').references(() => subjects.code),
    authors: text('authors')
      .array()
      .notNull()
      .default(sql`'{}'`),
    /** The programme or publisher the resource comes from. */
    publisher: text('publisher'),
    /** TV lessons: the channel and the day it was aired. */
    channel: text('channel'),
    airDate: date('air_date'),
    durationSeconds: integer('duration_seconds'),
    pages: integer('pages'),
    licence: text('licence', { enum: LICENCES }).notNull(),
    accessibility: text('accessibility', { enum: ACCESSIBILITY_FEATURES })
      .array()
      .notNull()
      .default(sql`'{}'`),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: integer('updated_by').references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * The editors who changed it (created it, edited its description, uploaded a file) since it was last
     * published, emptied on publication: none of them may review the version they changed.
     */
    changedBy: integer('changed_by')
      .array()
      .notNull()
      .default(sql`'{}'`),
    /** Who sent it for review; they may not review it themselves. */
    submittedBy: integer('submitted_by').references(() => users.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    reviewedBy: integer('reviewed_by').references(() => users.id),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [
    check('library_resource_type_check', inList('type', RESOURCE_TYPES)),
    check('library_resource_state_check', inList('state', RESOURCE_STATES)),
    check('library_resource_language_check', inList('language', RESOURCE_LANGUAGES)),
    check('library_resource_level_check', inList('level', EDUCATION_LEVELS)),
    check('library_resource_licence_check', inList('licence', LICENCES)),
    check(
      'library_resource_tv_check',
      sql`type <> 'tv_lesson' or (channel is not null and air_date is not null)`,
    ),
    check('library_resource_duration_check', sql`duration_seconds is null or duration_seconds >= 0`),
    check('library_resource_pages_check', sql`pages is null or pages > 0`),
    index('library_resource_state_idx').on(t.state, t.updatedAt),
    /** OAI-PMH harvests by change date. */
    index('library_resource_changed_idx').on(t.updatedAt, t.id),
  ],
);

/** The curriculum topics a resource covers. */
export const resourceTopics = pgTable(
  'library_resource_topic',
  {
    resourceId: integer('resource_id')
      .notNull()
      .references(() => resources.id, { onDelete: 'cascade' }),
    topicId: integer('topic_id')
      .notNull()
      .references(() => topics.id),
  },
  (t) => [
    primaryKey({ columns: [t.resourceId, t.topicId] }),
    index('library_resource_topic_idx').on(t.topicId),
  ],
);

/** A resource's publishing history: every state change, with who, when and a note. Append-only. */
export const resourceEvents = pgTable(
  'library_resource_event',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    resourceId: integer('resource_id')
      .notNull()
      .references(() => resources.id),
    action: text('action').notNull(),
    fromState: text('from_state', { enum: RESOURCE_STATES }),
    toState: text('to_state', { enum: RESOURCE_STATES }).notNull(),
    actorId: integer('actor_id').references(() => users.id),
    note: text('note'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('library_resource_event_resource_idx').on(t.resourceId, t.at)],
);

/**
 * A file of a resource. Uploads (`main`, captions, transcripts, attachments) are versioned: a new upload of
 * the same role is the next version, older ones stay. Derived files (renditions, audio, HLS, thumbnail) point
 * at the upload they were made from.
 */
export const files = pgTable(
  'library_file',
  {
    id: serial('id').primaryKey(),
    resourceId: integer('resource_id')
      .notNull()
      .references(() => resources.id),
    role: text('role', { enum: FILE_ROLES }).notNull(),
    version: integer('version').notNull(),
    sourceFileId: integer('source_file_id').references((): AnyPgColumn => files.id),
    /** For derived files: which one (e.g. `360p`, `audio`, `master.m3u8`). */
    variant: text('variant'),
    storageKey: text('storage_key').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256'),
    originalName: text('original_name'),
    processingState: text('processing_state', { enum: PROCESSING_STATES }).notNull().default('not_needed'),
    processingError: text('processing_error'),
    durationSeconds: integer('duration_seconds'),
    width: integer('width'),
    height: integer('height'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('library_file_role_check', inList('role', FILE_ROLES)),
    check('library_file_processing_check', inList('processing_state', PROCESSING_STATES)),
    check('library_file_size_check', sql`size_bytes >= 0`),
    unique('library_file_version_key').on(t.resourceId, t.role, t.version, t.variant).nullsNotDistinct(),
    index('library_file_source_idx').on(t.sourceFileId),
  ],
);

/** A collection or playlist of resources, put together by editors. */
export const collections = pgTable(
  'library_collection',
  {
    id: serial('id').primaryKey(),
    kind: text('kind', { enum: COLLECTION_KINDS }).notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Bumped by every save of the collection's items; a save of them must send the one it read. */
    itemsVersion: integer('items_version').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  () => [check('library_collection_kind_check', inList('kind', COLLECTION_KINDS))],
);

/** The resources of a collection, in order. */
export const collectionItems = pgTable(
  'library_collection_item',
  {
    collectionId: integer('collection_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    resourceId: integer('resource_id')
      .notNull()
      .references(() => resources.id),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.collectionId, t.resourceId] }),
    index('library_collection_item_resource_idx').on(t.resourceId),
  ],
);

/**
 * How often a resource was opened (`views`: first play, or a book opened) and finished (`completions`: 90 %
 * of a video watched, a book's last page reached). Counts only: nothing about who.
 */
export const resourceCounts = pgTable(
  'library_resource_count',
  {
    resourceId: integer('resource_id')
      .primaryKey()
      .references(() => resources.id, { onDelete: 'cascade' }),
    views: integer('views').notNull().default(0),
    completions: integer('completions').notNull().default(0),
  },
  () => [check('library_resource_count_check', sql`views >= 0 and completions >= 0`)],
);
