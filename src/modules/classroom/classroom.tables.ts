import { index, integer, pgTable, primaryKey, serial, smallint, text, unique } from 'drizzle-orm/pg-core';
import { academicYears, institutions } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';

/** A class of an institution in an academic year, e.g. 7A, taught in one shift. */
export const classes = pgTable(
  'classroom_class',
  {
    id: serial('id').primaryKey(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    academicYearId: integer('academic_year_id')
      .notNull()
      .references(() => academicYears.id),
    grade: smallint('grade').notNull(),
    letter: text('letter').notNull(),
    /** Language of instruction. */
    language: text('language', { enum: ['az', 'ru', 'en'] })
      .notNull()
      .default('az'),
    shift: smallint('shift').notNull().default(1),
    homeroomTeacherId: integer('homeroom_teacher_id').references(() => users.id),
  },
  (t) => [unique('classroom_class_name').on(t.institutionId, t.academicYearId, t.grade, t.letter)],
);

/** A student enrolled in a class. */
export const enrolments = pgTable(
  'classroom_enrolment',
  {
    classId: integer('class_id')
      .notNull()
      .references(() => classes.id, { onDelete: 'cascade' }),
    studentId: integer('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    institutionId: integer('institution_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.classId, t.studentId] }),
    index('classroom_enrolment_student_idx').on(t.studentId),
  ],
);
