import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Administrative areas as a tree: country → economic region → district or city. */
export const areas = pgTable(
  'institutions_area',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull().unique(),
    parentId: integer('parent_id'),
    kind: text('kind', { enum: ['country', 'economic_region', 'district', 'city'] }).notNull(),
    nameAz: text('name_az').notNull(),
    nameRu: text('name_ru').notNull(),
    nameEn: text('name_en').notNull(),
    /** Ids from the root down to this area, itself included: an area grant covers every path that holds it. */
    path: integer('path').array().notNull(),
    /** Giga's id of the region or district (`admin1_id_giga`/`admin2_id_giga`), as a Giga file gave it. */
    gigaId: text('giga_id'),
  },
  (t) => [
    index('institutions_area_parent_idx').on(t.parentId),
    uniqueIndex('institutions_area_giga_id_key')
      .on(t.gigaId)
      .where(sql`${t.gigaId} is not null`),
  ],
);

/** Schools, colleges, universities and kindergartens. */
export const institutions = pgTable(
  'institutions_institution',
  {
    id: serial('id').primaryKey(),
    /** The national code the ministry gives the institution (Giga's `school_id_govt`). */
    code: text('code').notNull().unique(),
    kind: text('kind', {
      enum: ['general_school', 'vocational_college', 'university', 'kindergarten', 'other'],
    }).notNull(),
    nameAz: text('name_az').notNull(),
    nameRu: text('name_ru').notNull(),
    nameEn: text('name_en').notNull(),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    ownership: text('ownership', { enum: ['public', 'private'] }).notNull(),
    locality: text('locality', { enum: ['urban', 'rural'] }).notNull(),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    /** Education level codes from the country pack. */
    levels: text('levels').array().notNull(),
    shifts: smallint('shifts').notNull().default(1),
    status: text('status', { enum: ['active', 'closed', 'planned'] })
      .notNull()
      .default('active'),
    /** Aggregate head counts, for institutions whose people are not (yet) individual accounts. */
    studentCount: integer('student_count').notNull().default(0),
    teacherCount: integer('teacher_count').notNull().default(0),
    /** Giga's own id of the school (`school_id_giga`), kept as Giga gave it so that an export returns it. */
    gigaId: text('giga_id'),
    /** What the national code is (Giga's `school_id_govt_type`: EMIS, Examination Board, Other). */
    codeType: text('code_type'),
    /** Giga's `school_establishment_year`. */
    establishedYear: smallint('established_year'),
    /** Giga's `school_address`. */
    address: text('address'),
    /** In a refugee camp (Giga's `refugee_camp`); null when not known. */
    refugeeCamp: boolean('refugee_camp'),
    /** Who owns and shares the school's data (Giga's `school_data_source`, e.g. Ministry of Education). */
    dataSource: text('data_source'),
    /** When name, location and head counts were last collected (Giga's `school_data_collection_year`). */
    dataCollectionYear: smallint('data_collection_year'),
    /** How they were collected (Giga's `school_data_collection_modality`, e.g. census, survey). */
    dataCollectionModality: text('data_collection_modality'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('institutions_institution_area_idx').on(t.areaId)],
);

/** School years, e.g. 2026-2027; exactly one is current. */
export const academicYears = pgTable('institutions_academic_year', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  startsOn: date('starts_on', { mode: 'string' }).notNull(),
  endsOn: date('ends_on', { mode: 'string' }).notNull(),
  isCurrent: boolean('is_current').notNull().default(false),
});

/** Education levels of the country pack (primary, basic, secondary, …). */
export const levels = pgTable('institutions_level', {
  code: text('code').primaryKey(),
  position: smallint('position').notNull(),
  nameAz: text('name_az').notNull(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  /**
   * The level's ISCED 2011 level (0–8) from the country pack, for the UIS indicators (SDG 4.a.1 reports ISCED
   * 1, 2 and 3); null when the pack gives none (a level UIS does not report on).
   */
  isced: smallint('isced'),
});

/** Grades of the country pack, each in a level. */
export const grades = pgTable('institutions_grade', {
  number: smallint('number').primaryKey(),
  levelCode: text('level_code')
    .notNull()
    .references(() => levels.code),
});

/** Subjects of the country pack, named in every language, with the grades they are taught in. */
export const subjects = pgTable('institutions_subject', {
  code: text('code').primaryKey(),
  nameAz: text('name_az').notNull(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  grades: smallint('grades').array().notNull(),
});

/** Grading scales of the country pack; `marks` lists each mark with its meaning. */
export const gradingScales = pgTable('institutions_grading_scale', {
  code: text('code').primaryKey(),
  nameAz: text('name_az').notNull(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  isDefault: boolean('is_default').notNull().default(false),
  marks: jsonb('marks').notNull(),
});

/** The school calendar: terms and holidays of each academic year. */
export const calendarEntries = pgTable(
  'institutions_calendar_entry',
  {
    id: serial('id').primaryKey(),
    academicYearId: integer('academic_year_id')
      .notNull()
      .references(() => academicYears.id),
    kind: text('kind', { enum: ['term', 'holiday'] }).notNull(),
    code: text('code').notNull(),
    nameAz: text('name_az').notNull(),
    nameRu: text('name_ru').notNull(),
    nameEn: text('name_en').notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }).notNull(),
  },
  (t) => [unique('institutions_calendar_entry_code').on(t.academicYearId, t.code)],
);
