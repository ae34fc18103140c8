import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { areas, institutions } from '@/modules/institutions/institutions.tables';

/** People who sign in: staff, teachers, students, parents. */
export const users = pgTable('identity_user', {
  id: serial('id').primaryKey(),
  username: text('username').notNull().unique(),
  /** argon2id; null for an account that cannot sign in until an administrator sets a password. */
  passwordHash: text('password_hash'),
  displayName: text('display_name').notNull(),
  locale: text('locale', { enum: ['az', 'ru', 'en'] })
    .notNull()
    .default('az'),
  status: text('status', { enum: ['active', 'disabled'] })
    .notNull()
    .default('active'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  /** The last day (UTC) the person used the platform: distance-learning monitoring counts the active. */
  lastActiveOn: date('last_active_on', { mode: 'string' }),
  /** As the person or their school gave it; teachers' indicators (SDG 4.c) are broken down by it. */
  sex: text('sex', { enum: ['female', 'male'] }),
});

/** A role a person holds in a scope: nation (no area, no institution), an area, or an institution. */
export const roleGrants = pgTable(
  'identity_role_grant',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', {
      enum: ['admin', 'bureau', 'regional', 'director', 'teacher', 'student', 'parent', 'editor'],
    }).notNull(),
    areaId: integer('area_id').references(() => areas.id),
    institutionId: integer('institution_id').references(() => institutions.id),
  },
  (t) => [
    index('identity_role_grant_user_idx').on(t.userId),
    index('identity_role_grant_institution_idx').on(t.institutionId, t.role),
    check(
      'identity_role_grant_scope',
      sql`case
        when ${t.role} in ('admin', 'bureau', 'editor', 'parent') then ${t.areaId} is null and ${t.institutionId} is null
        when ${t.role} = 'regional' then ${t.areaId} is not null and ${t.institutionId} is null
        else ${t.institutionId} is not null and ${t.areaId} is null end`,
    ),
  ],
);

/** A parent's link to a child. */
export const guardians = pgTable(
  'identity_guardian',
  {
    parentId: integer('parent_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    studentId: integer('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.parentId, t.studentId] }),
    index('identity_guardian_student_idx').on(t.studentId),
  ],
);

/** Server-side sessions; the cookie holds a random token, the table only its SHA-256. */
export const sessions = pgTable(
  'identity_session',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('identity_session_user_idx').on(t.userId)],
);

/**
 * Attempts counted per key (a username, a username from an address, an address, …), for rate limiting across
 * app nodes. A sign-in counts before its password is checked, so parallel attempts are all counted; past a
 * key's free attempts, each further one must wait until `blocked_until` (a delay that doubles). A person's key
 * keeps its last counted attempt in `window_started_at`; an address's key (and a parent's link-code tries) the
 * start of its fixed window. Rows idle for a day are deleted by the daily `identity.cleanup` job.
 */
export const loginThrottle = pgTable('identity_login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
});

/**
 * Where a person has signed in successfully, recently: an address, or a device (the SHA-256 of the random
 * token in its device cookie). Failures from a known place count apart from strangers' failures, so someone
 * who knows a username cannot slow its owner down on the owner's own device. A place is forgotten (the daily
 * `identity.cleanup` job) once its last sign-in is older than `KNOWN_SOURCE_MS`.
 */
export const loginKnown = pgTable(
  'identity_login_known',
  {
    username: text('username').notNull(),
    /** `address:<ip>` or `device:<sha256 of the cookie token>`. */
    source: text('source').notNull(),
    lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.username, t.source] }),
    index('identity_login_known_last_idx').on(t.lastAt),
  ],
);

/** Every change: who, when, what, before and after. Append-only. */
export const auditLog = pgTable(
  'identity_audit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: integer('actor_id'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
  },
  (t) => [
    index('identity_audit_entity_idx').on(t.entity, t.entityId),
    index('identity_audit_at_idx').on(t.at),
  ],
);
