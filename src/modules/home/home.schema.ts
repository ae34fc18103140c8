import { Type, type Static } from 'typebox';
import { LOCALES } from '@/server/i18n';
import { StringEnum } from '@/server/schema';

/** A thing named in the three interface languages, as the institutions module stores names. */
const Names = {
  /** Name in Azerbaijani. */
  nameAz: Type.String({ description: 'Name in Azerbaijani' }),
  /** Name in Russian. */
  nameRu: Type.String({ description: 'Name in Russian' }),
  /** Name in English. */
  nameEn: Type.String({ description: 'Name in English' }),
};

/** What the national administrator's home counts. */
export const AdminSummary = Type.Object({
  /** Every registered institution, whatever its status. */
  institutions: Type.Integer({ description: 'Registered institutions' }),
  /** Every account, active or disabled. */
  users: Type.Integer({ description: 'Accounts' }),
  /** Administrative areas of every level. */
  areas: Type.Integer({ description: 'Administrative areas' }),
});
export type AdminSummary = Static<typeof AdminSummary>;

/** The national overview: institutions per economic region. Counts only, never people. */
export const BureauSummary = Type.Object({
  /** Institutions in the whole country. */
  total: Type.Integer({ description: 'Institutions in the country' }),
  regions: Type.Array(
    Type.Object({
      /** The economic region's area id. */
      areaId: Type.Integer({ description: 'Area id of the economic region' }),
      /** Its code in the area tree. */
      code: Type.String({ description: 'Area code' }),
      ...Names,
      /** Institutions in the region and every district or city under it. */
      institutions: Type.Integer({ description: 'Institutions in the region' }),
    }),
    { description: 'Economic regions, in area order' },
  ),
});
export type BureauSummary = Static<typeof BureauSummary>;

/** An institution as a person's home shows it: its id and names. */
const InstitutionRef = Type.Object({
  /** Institution id. */
  id: Type.Integer({ description: 'Institution id' }),
  ...Names,
});

/** One class as homes show it. */
const ClassSummary = Type.Object({
  /** Class id. */
  id: Type.Integer({ description: 'Class id' }),
  /** Grade number, e.g. 7. */
  grade: Type.Integer({ description: 'Grade' }),
  /** Letter of the parallel class, e.g. A. */
  letter: Type.String({ description: 'Letter' }),
  /** The shift the class studies in (1–3). */
  shift: Type.Integer({ description: 'Shift' }),
  /** Language of instruction. */
  language: StringEnum(LOCALES, { description: 'Language of instruction' }),
  /** Code of the academic year, e.g. 2026-2027. */
  academicYear: Type.String({ description: 'Academic year' }),
  /** The institution the class belongs to. */
  institution: InstitutionRef,
});

/** The classes a teacher leads, with how many students each has. */
export const TeacherSummary = Type.Object({
  /** Schools the person teaches in, from their teacher roles. */
  schools: Type.Array(InstitutionRef, { description: 'Schools the person teaches in' }),
  classes: Type.Array(
    Type.Object({
      ...ClassSummary.properties,
      /** Enrolled students: a count, the names are in the class journal. */
      students: Type.Integer({ description: 'Enrolled students' }),
    }),
    { description: 'Classes the person is homeroom teacher of, in the current academic year' },
  ),
});
export type TeacherSummary = Static<typeof TeacherSummary>;

/** A class as a student or parent sees it, with its homeroom teacher's name. */
const ClassWithTeacher = Type.Object({
  ...ClassSummary.properties,
  /** The homeroom teacher's name, when the class has one. */
  homeroomTeacher: Type.Union([Type.String(), Type.Null()], { description: 'Homeroom teacher' }),
});

/** The class (classes, rarely) a student is enrolled in. */
export const StudentSummary = Type.Object({
  classes: Type.Array(ClassWithTeacher, { description: 'Classes the student is enrolled in this year' }),
});
export type StudentSummary = Static<typeof StudentSummary>;

/** A parent's linked children and their classes. */
export const ParentSummary = Type.Object({
  children: Type.Array(
    Type.Object({
      /** The child's account id. */
      id: Type.Integer({ description: 'Student id' }),
      /** The child's name as shown. */
      displayName: Type.String({ description: 'Name' }),
      /** The child's classes this year. */
      classes: Type.Array(ClassWithTeacher, { description: 'Classes this year' }),
    }),
    { description: 'Children linked to the parent' },
  ),
});
export type ParentSummary = Static<typeof ParentSummary>;
