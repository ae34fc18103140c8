import {
  bigserial,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  real,
  serial,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { academicYears, institutions } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';

/**
 * The school ICT registry. Everything a school reports is kept per academic year: a new year starts a new
 * record (copied from the last one) and past years are never overwritten. Devices are the exception: they
 * are items with an append-only history, and each year's counts are derived from them.
 */

export const ELECTRICITY_SOURCES = ['grid', 'generator', 'solar', 'other'] as const;
export const LINK_PURPOSES = ['teaching', 'administration'] as const;
/** What a device is for: `both` is one shared between teaching and administration (UIS counts it for teaching). */
export const DEVICE_PURPOSES = ['teaching', 'administration', 'both'] as const;
/** The device purposes that make a device available for pedagogical use (SDG 4.a.1 c, ED4bis). */
export const TEACHING_DEVICE_PURPOSES = ['teaching', 'both'] as const;
export const LINK_TYPES = [
  'fibre',
  'xdsl',
  'other_wired',
  'cellular',
  'p2mp_wireless',
  'p2p_wireless',
  'satellite',
  'other',
] as const;
export const DEVICE_KINDS = [
  'desktop',
  'laptop',
  'tablet',
  'projector',
  'interactive_board',
  'server',
  'other',
] as const;
/** The kinds that count as computers in the learner–computer ratios. */
export const COMPUTER_KINDS = ['desktop', 'laptop', 'tablet'] as const;
export const DEVICE_STATUSES = ['in_use', 'in_storage', 'under_repair', 'disposed'] as const;
export const DEVICE_CONDITIONS = ['working', 'needs_repair', 'broken'] as const;
export const DEVICE_EVENTS = ['delivered', 'assigned', 'moved', 'repaired', 'audited', 'disposed'] as const;
export const SEXES = ['female', 'male'] as const;
export const MEASUREMENT_SOURCES = ['speedtest', 'import'] as const;
export const RECORD_STATES = ['draft', 'submitted', 'verified'] as const;

const yearKey = {
  institutionId: integer('institution_id')
    .notNull()
    .references(() => institutions.id),
  academicYearId: integer('academic_year_id')
    .notNull()
    .references(() => academicYears.id),
};

/** A school's yearly ICT record: staff, rooms, electricity, and its review state. */
export const schoolYears = pgTable(
  'infrastructure_school_year',
  {
    ...yearKey,
    teachers: integer('teachers'),
    teachersIctTrained: integer('teachers_ict_trained'),
    classrooms: integer('classrooms'),
    hasComputerLab: boolean('has_computer_lab'),
    electricity: boolean('electricity'),
    electricitySource: text('electricity_source', { enum: ELECTRICITY_SOURCES }),
    electricityHours: real('electricity_hours'),
    /**
     * Whether pupils themselves can use the school's internet for learning (UIS: internet "accessible by
     * pupils", SDG 4.a.1 b); null when not answered.
     */
    pupilsInternet: boolean('pupils_internet'),
    /**
     * Giga's facts of the year (its upload schema). Giga's `connectivity_govt`, `connectivity_type_govt`,
     * `download_speed_contracted`, `computer_availability` and `num_computers` mean any internet and any
     * computer, where ours (the teaching link, the device counts) mean for teaching: a Giga file's values are
     * kept here, beside ours, never in place of them.
     */
    connectivityAny: boolean('connectivity_any'),
    connectivityAnyType: text('connectivity_any_type', { enum: LINK_TYPES }),
    downloadContractedAny: real('download_contracted_any'),
    computersAny: integer('computers_any'),
    /** Download speed reported by the government (census or measured on site), Mbit/s: `download_speed_govt`. */
    downloadSpeedGovt: real('download_speed_govt'),
    /** The year the government collected the connectivity facts: `connectivity_govt_collection_year`. */
    connectivityCollectionYear: smallint('connectivity_collection_year'),
    /** Computers the school should have by the national standard: `num_computers_desired`. */
    computersDesired: integer('computers_desired'),
    /** Administrative staff: `num_adm_personnel`. */
    admPersonnel: integer('adm_personnel'),
    /** Water available at the school: `water_availability`. */
    water: boolean('water'),
    /** Latrines: `num_latrines`. */
    latrines: integer('latrines'),
    /** Hosts refugee pupils: `student_refugees`; their number: `student_count_refugees`. */
    refugeePupils: boolean('refugee_pupils'),
    refugeeStudents: integer('refugee_students'),
    /**
     * Pupils by sex as reported in a whole-school count (`student_count_girls`, `_boys`, `_other`), for a
     * school without a breakdown by level and shift.
     */
    studentsGirls: integer('students_girls'),
    studentsBoys: integer('students_boys'),
    studentsOther: integer('students_other'),
    /** draft (copied from last year, or sent back) → submitted (saved by the school) → verified (by the region). A change after verification submits it again. */
    state: text('state', { enum: RECORD_STATES }).notNull().default('draft'),
    verifiedBy: integer('verified_by').references(() => users.id),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    /** Why the reviewer sent it back, when they did. */
    reviewNote: text('review_note'),
    updatedBy: integer('updated_by').references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Bumped by every write of the record (save, review, import): a save must name the version it read. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.institutionId, t.academicYearId] }),
    check('infrastructure_school_year_trained', sql`${t.teachersIctTrained} <= ${t.teachers}`),
    check('infrastructure_school_year_hours', sql`${t.electricityHours} between 0 and 24`),
  ],
);

/** Students of a school year by level, sex and shift. */
export const studentCounts = pgTable(
  'infrastructure_student_count',
  {
    ...yearKey,
    level: text('level').notNull(),
    sex: text('sex', { enum: SEXES }).notNull(),
    shift: smallint('shift').notNull(),
    students: integer('students').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.institutionId, t.academicYearId, t.level, t.sex, t.shift] }),
    check('infrastructure_student_count_positive', sql`${t.students} >= 0 and ${t.shift} between 1 and 3`),
  ],
);

/** An internet link of a school in a year. */
export const internetLinks = pgTable(
  'infrastructure_internet_link',
  {
    id: serial('id').primaryKey(),
    ...yearKey,
    purpose: text('purpose', { enum: LINK_PURPOSES }).notNull(),
    type: text('type', { enum: LINK_TYPES }).notNull(),
    /** On the national education network (AzEduNet), or a link of its own. */
    educationNetwork: boolean('education_network').notNull(),
    provider: text('provider'),
    downloadMbps: real('download_mbps'),
    uploadMbps: real('upload_mbps'),
  },
  (t) => [index('infrastructure_internet_link_school_idx').on(t.institutionId, t.academicYearId)],
);

/** One connectivity measurement: from the platform's speed test, or imported. */
export const measurements = pgTable(
  'infrastructure_measurement',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    measuredAt: timestamp('measured_at', { withTimezone: true }).notNull(),
    downloadMbps: real('download_mbps').notNull(),
    uploadMbps: real('upload_mbps'),
    latencyMs: real('latency_ms'),
    source: text('source', { enum: MEASUREMENT_SOURCES }).notNull(),
    recordedBy: integer('recorded_by').references(() => users.id),
  },
  (t) => [index('infrastructure_measurement_school_idx').on(t.institutionId, t.measuredAt)],
);

/** A device, item by item. Its institution is where it is now; its history says how it got there. */
export const devices = pgTable(
  'infrastructure_device',
  {
    id: serial('id').primaryKey(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    assetTag: text('asset_tag').notNull().unique(),
    serial: text('serial'),
    kind: text('kind', { enum: DEVICE_KINDS }).notNull(),
    model: text('model'),
    status: text('status', { enum: DEVICE_STATUSES }).notNull().default('in_use'),
    condition: text('condition', { enum: DEVICE_CONDITIONS }).notNull().default('working'),
    purpose: text('purpose', { enum: DEVICE_PURPOSES }).notNull().default('teaching'),
    fundingProgramme: text('funding_programme'),
    acquiredOn: date('acquired_on'),
    endOfLifeOn: date('end_of_life_on'),
    lastAuditOn: date('last_audit_on'),
    nextAuditOn: date('next_audit_on'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('infrastructure_device_school_idx').on(t.institutionId)],
);

/** A device's history: append-only (a trigger refuses updates and deletes). */
export const deviceEvents = pgTable(
  'infrastructure_device_event',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deviceId: integer('device_id')
      .notNull()
      .references(() => devices.id),
    /** The institution the device was at after the event. */
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    kind: text('kind', { enum: DEVICE_EVENTS }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** For a move: where it came from. */
    fromInstitutionId: integer('from_institution_id').references(() => institutions.id),
    note: text('note'),
    actorId: integer('actor_id').references(() => users.id),
  },
  (t) => [index('infrastructure_device_event_device_idx').on(t.deviceId, t.at)],
);

/**
 * Device counts of a school year by kind and purpose: what the indicators read. A school that keeps an item
 * inventory has its current year's counts kept in step with the items (`inventory`); a school without one
 * reports them (`reported`). Either way `untracked` of them are devices the school counts without an item
 * record (all of them without items): a total is the items of that kind and purpose plus the counted ones.
 * Past years keep the counts they ended with.
 */
export const deviceCounts = pgTable(
  'infrastructure_device_count',
  {
    ...yearKey,
    kind: text('kind', { enum: DEVICE_KINDS }).notNull(),
    purpose: text('purpose', { enum: DEVICE_PURPOSES }).notNull(),
    total: integer('total').notNull(),
    working: integer('working').notNull(),
    source: text('source', { enum: ['inventory', 'reported'] }).notNull(),
    /** Of `total`, the devices counted by the school, not item records. */
    untracked: integer('untracked').notNull().default(0),
    /** Of `working`, the counted ones. */
    untrackedWorking: integer('untracked_working').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.institutionId, t.academicYearId, t.kind, t.purpose] }),
    check('infrastructure_device_count_range', sql`${t.working} between 0 and ${t.total}`),
    check(
      'infrastructure_device_count_untracked',
      sql`0 <= ${t.untrackedWorking} and ${t.untrackedWorking} <= ${t.untracked} and ${t.untracked} <= ${t.total}`,
    ),
  ],
);

/** The digital projects a school can take part in: a list the ministry keeps. */
export const projects = pgTable('infrastructure_project', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  nameAz: text('name_az').notNull(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  active: boolean('active').notNull().default(true),
  /** Bumped by every save of the project; a save must send the one it read. */
  version: integer('version').notNull().default(0),
});

/** A school's participation in a project in a year, with its evidence and whether it has been verified. */
export const participations = pgTable(
  'infrastructure_participation',
  {
    ...yearKey,
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    evidence: text('evidence'),
    verified: boolean('verified').notNull().default(false),
    verifiedBy: integer('verified_by').references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.institutionId, t.academicYearId, t.projectId] })],
);

/** National settings of the registry, one row per key (e.g. the benchmark speed). */
export const settings = pgTable('infrastructure_setting', {
  key: text('key').primaryKey(),
  value: doublePrecision('value').notNull(),
  /** Bumped by every save of the settings (all keys together); a save must send the one it read. */
  version: integer('version').notNull().default(0),
});
