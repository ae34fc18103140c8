import { Type, type Static } from 'typebox';
import { DateString, Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { LANGUAGES, MATERIAL_KINDS, OCCURRENCE_STATES } from '@/modules/classroom/classroom.tables';

/** Request and response schemas of the classroom module: classes, timetables, lessons. */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Day = (description: string) => DateString({ description });
const Time = (description: string) =>
  Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: `${description} (HH:MM)` });
const Text = (max: number, description: string) => Nullable(Type.String({ maxLength: max, description }));

/** A school in the path. */
export const InstitutionParams = Type.Object({ id: Id('Institution id') });
/** A class in the path. */
export const ClassParams = Type.Object({ classId: Id('Class id') });
/** A class and one of its students. */
export const StudentParams = Type.Object({ classId: Id('Class id'), studentId: Id('Student (user) id') });
/** A class and a subject of the country pack. */
export const SubjectParams = Type.Object({
  classId: Id('Class id'),
  subjectCode: Type.String({
    minLength: 1,
    maxLength: 60,
    pattern: '^[a-z0-9_]+$',
    description: 'Subject code',
  }),
});
/** A weekly period in the path. */
export const EntryParams = Type.Object({ entryId: Id('Weekly period id') });
/** A lesson occurrence in the path. */
export const LessonParams = Type.Object({ lessonId: Id('Lesson occurrence id') });
/** A school and one of its shifts. */
export const ShiftParams = Type.Object({
  id: Id('Institution id'),
  shift: Type.Integer({ minimum: 1, maximum: 3, description: 'Shift (1–3)' }),
});

/** Which academic year: the current one when not given. */
export const YearQuery = Type.Object(
  { yearId: Type.Optional(Id('Academic year id (the current year when not given)')) },
  { additionalProperties: false },
);

const Grade = Type.Integer({ minimum: 1, maximum: 12, description: 'Grade (1–12)' });
const Letter = Type.String({
  minLength: 1,
  maxLength: 3,
  pattern: '^[A-Za-zÇçƏəĞğIıİiÖöŞşÜüА-Яа-яЁё]+$',
  description: 'Letter of the parallel class (A, B, …)',
});
const Language = StringEnum(LANGUAGES, { description: 'Language of instruction' });
const Shift = Type.Integer({ minimum: 1, maximum: 3, description: 'Shift the class studies in (1–3)' });

/** A new class. */
export const CreateClassBody = Type.Object(
  {
    academicYearId: Id('Academic year of the class'),
    grade: Grade,
    letter: Letter,
    language: Language,
    shift: Shift,
    homeroomTeacherId: Nullable(Id('Homeroom teacher (a teacher of the school), or null')),
  },
  { additionalProperties: false },
);
export type CreateClassInput = Static<typeof CreateClassBody>;

/** Changes to a class: any of its fields but the year. */
export const PatchClassBody = Type.Object(
  {
    grade: Type.Optional(Grade),
    letter: Type.Optional(Letter),
    language: Type.Optional(Language),
    shift: Type.Optional(Shift),
    homeroomTeacherId: Type.Optional(Nullable(Id('Homeroom teacher (a teacher of the school), or null'))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchClassInput = Static<typeof PatchClassBody>;

/** A person as lists show them. */
export const Person = Type.Object({
  id: Type.Integer({ description: 'User id' }),
  username: Type.String({ description: 'Sign-in name' }),
  displayName: Type.String({ description: 'Name as shown' }),
});

/** A class in a list. */
export const ClassSummary = Type.Object({
  id: Type.Integer({ description: 'Class id' }),
  institutionId: Type.Integer({ description: 'School' }),
  academicYearId: Type.Integer({ description: 'Academic year' }),
  grade: Type.Integer({ description: 'Grade' }),
  letter: Type.String({ description: 'Letter' }),
  name: Type.String({ description: 'Grade and letter, e.g. 7A' }),
  language: Language,
  shift: Type.Integer({ description: 'Shift' }),
  homeroomTeacherId: Nullable(Type.Integer({ description: 'Homeroom teacher, if any' })),
  students: Type.Integer({ description: 'Number of enrolled students' }),
});

/** A class with its students and subject teachers. */
export const ClassDetail = Type.Object({
  ...ClassSummary.properties,
  homeroomTeacher: Type.Union([Person, Type.Null()], { description: 'Homeroom teacher, if any' }),
  enrolled: Type.Array(Person, { description: 'Enrolled students' }),
  subjectTeachers: Type.Array(
    Type.Object({
      subjectCode: Type.String({ description: 'Subject code' }),
      teacher: Person,
    }),
    { description: 'Who teaches each subject' },
  ),
  subjectsVersion: Type.Integer({
    description:
      'The version of the subject teachers, bumped by every change of them; send it back as `version` when saving them',
  }),
});

/** A school's classes. */
export const ClassList = Type.Object({
  academicYearId: Type.Integer({ description: 'The academic year listed' }),
  items: Type.Array(ClassSummary, { description: 'Classes, by grade and letter' }),
});

/** Who teaches a subject to a class. */
export const SubjectTeacherBody = Type.Object(
  {
    /** The class's `subjectsVersion` as read: one subject's teacher is part of the class's subject teachers. */
    version: VersionField,
    teacherId: Id('A teacher of the school'),
  },
  { additionalProperties: false },
);

/** One problem of an imported file. */
export const ImportProblem = Type.Object({
  line: Type.Integer({ description: 'Line of the file (CSV) or row of the sheet (XLSX); 1 is the header' }),
  column: Type.String({ description: 'Column the problem is in' }),
  reason: Type.String({ description: 'Stable reason code' }),
  message: Type.String({ description: 'What is wrong, in the caller’s language' }),
});

/** What an enrolment import did, or would do (dry run); nothing is written when it has problems. */
export const EnrolmentImportReport = Type.Object({
  dryRun: Type.Boolean({ description: 'Only checked, nothing written' }),
  valid: Type.Boolean({ description: 'False: the file has problems and nothing was imported' }),
  rows: Type.Integer({ description: 'Data rows read' }),
  enrolled: Type.Integer({ description: 'Students newly enrolled' }),
  moved: Type.Integer({ description: 'Students moved from another class of the year' }),
  unchanged: Type.Integer({ description: 'Students already in the class' }),
  problems: Type.Array(ImportProblem, { description: 'Every problem, by line' }),
});

/**
 * What a OneRoster import did, or would do (dry run). A zip with problems is refused with 422
 * `oneroster.invalid` instead, its details naming each problem's file, line and column.
 */
export const OneRosterImportReport = Type.Object({
  dryRun: Type.Boolean({ description: 'Only checked, nothing written' }),
  classesCreated: Type.Integer({ description: 'Classes created in the year' }),
  enrolled: Type.Integer({ description: 'Students newly enrolled' }),
  moved: Type.Integer({ description: 'Students moved from another class of the year' }),
  unchanged: Type.Integer({ description: 'Students already in their class' }),
  teachersSet: Type.Integer({ description: 'Homeroom and subject teachers set or changed' }),
});

/** Import options. */
export const ImportQuery = Type.Object(
  {
    yearId: Type.Optional(Id('Academic year id (the current year when not given)')),
    dryRun: Type.Boolean({ default: false, description: 'Only check the file and report' }),
  },
  { additionalProperties: false },
);

/** A period of a bell schedule. */
export const BellPeriod = Type.Object(
  {
    period: Type.Integer({ minimum: 1, maximum: 12, description: 'Period number in the shift' }),
    startsAt: Time('Start'),
    endsAt: Time('End'),
  },
  { additionalProperties: false },
);

/** One shift's bell schedule. */
export const BellSchedule = Type.Object({
  shift: Type.Integer({ description: 'Shift' }),
  version: VersionOut,
  periods: Type.Array(BellPeriod, { description: 'Periods in order' }),
});

/** A school's bell schedules in a year. */
export const BellSchedules = Type.Object({
  academicYearId: Type.Integer({ description: 'Academic year' }),
  shifts: Type.Array(BellSchedule, { description: 'One per shift that has a schedule' }),
});

/** A shift's new bell schedule. */
export const BellBody = Type.Object(
  {
    version: VersionField,
    academicYearId: Id('Academic year'),
    periods: Type.Array(BellPeriod, { maxItems: 12, description: 'The periods, replacing the old ones' }),
  },
  { additionalProperties: false },
);
export type BellInput = Static<typeof BellBody>;

/** A weekly period to write. */
export const EntryBody = Type.Object(
  {
    weekday: Type.Integer({ minimum: 1, maximum: 7, description: 'Weekday, 1 Monday … 7 Sunday' }),
    period: Type.Integer({ minimum: 1, maximum: 12, description: 'Period number of the class’s shift' }),
    subjectCode: Type.String({
      minLength: 1,
      maxLength: 60,
      description: 'Subject code of the country pack',
    }),
    teacherId: Id('Teacher (a teacher of the school)'),
    room: Text(40, 'Room, or null'),
    subjectTeacher: Type.Optional(
      Type.Boolean({
        description:
          'Also make the teacher the subject’s teacher of the class (in the same transaction); default false',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EntryInput = Static<typeof EntryBody>;

/** A weekly period changed, from the version of the class's week read (`GET /classes/{classId}/timetable`). */
export const EntryUpdateBody = Type.Object(
  { version: VersionField, ...EntryBody.properties },
  { additionalProperties: false },
);
export type EntryUpdateInput = Static<typeof EntryUpdateBody>;

/** A class's whole week, replacing what it had. */
export const WeekBody = Type.Object(
  {
    version: VersionField,
    entries: Type.Array(EntryBody, { maxItems: 84, description: 'Every weekly period of the class' }),
  },
  { additionalProperties: false },
);

/** Copy another class's week onto this one. */
export const CopyWeekBody = Type.Object(
  {
    fromClassId: Id('The class whose week is copied (same school and year)'),
    keepTeachers: Type.Boolean({
      default: true,
      description: 'Keep the teachers; false: each subject goes to this class’s subject teacher',
    }),
  },
  { additionalProperties: false },
);

/** A weekly period as read. */
export const Entry = Type.Object({
  id: Type.Integer({ description: 'Weekly period id' }),
  classId: Type.Integer({ description: 'Class' }),
  weekday: Type.Integer({ description: 'Weekday, 1 Monday … 7 Sunday' }),
  period: Type.Integer({ description: 'Period number' }),
  startsAt: Nullable(Type.String({ description: 'Start (HH:MM) from the bell schedule' })),
  endsAt: Nullable(Type.String({ description: 'End (HH:MM) from the bell schedule' })),
  subjectCode: Type.String({ description: 'Subject code' }),
  teacherId: Type.Integer({ description: 'Teacher' }),
  room: Nullable(Type.String({ description: 'Room' })),
});

/** A class's week. */
export const Week = Type.Object({
  classId: Type.Integer({ description: 'Class' }),
  shift: Type.Integer({ description: 'Shift' }),
  version: VersionOut,
  entries: Type.Array(Entry, { description: 'By weekday and period' }),
});

/** Generate occurrences for a date range. */
export const GenerateBody = Type.Object(
  {
    academicYearId: Id('Academic year'),
    from: Day('First date'),
    to: Day('Last date (at most 400 days after the first)'),
  },
  { additionalProperties: false },
);

/** What a generation did. */
export const GenerateResult = Type.Object({
  classes: Type.Integer({ description: 'Classes generated for' }),
  days: Type.Integer({ description: 'School days in the range (holidays left out)' }),
  created: Type.Integer({ description: 'Occurrences created' }),
  updated: Type.Integer({ description: 'Future occurrences changed to follow the timetable' }),
  deleted: Type.Integer({ description: 'Future empty occurrences no longer in the timetable' }),
  cancelled: Type.Integer({
    description: 'Future filled-in occurrences no longer in the timetable, kept as cancelled',
  }),
});

/** A date range. */
export const RangeQuery = Type.Object(
  { from: Day('First date'), to: Day('Last date (at most 62 days after the first)') },
  { additionalProperties: false },
);

/** A lesson material. */
export const Material = Type.Object(
  {
    kind: StringEnum(MATERIAL_KINDS, { description: 'A library resource or a link' }),
    resourceId: Nullable(Id('Library resource id (kind resource)')),
    url: Text(2000, 'An http(s) address (kind url)'),
    title: Text(300, 'Title shown to students'),
  },
  { additionalProperties: false },
);

/** What the teacher fills in. */
export const LessonBody = Type.Object(
  {
    version: VersionField,
    topic: Text(500, 'Topic of the lesson'),
    homework: Text(5000, 'Homework'),
    meetingUrl: Text(2000, 'Link to a live meeting (http or https)'),
    materials: Type.Array(Material, { maxItems: 30, description: 'Materials, in order' }),
  },
  { additionalProperties: false },
);
export type LessonInput = Static<typeof LessonBody>;

/** A lesson occurrence with its content: light, for a phone on a slow link. */
export const Lesson = Type.Object({
  id: Type.Integer({ description: 'Occurrence id (stable: the journal marks it)' }),
  classId: Type.Integer({ description: 'Class' }),
  date: Type.String({ description: 'Date (YYYY-MM-DD)' }),
  period: Type.Integer({ description: 'Period number' }),
  startsAt: Type.String({ description: 'Start (HH:MM)' }),
  endsAt: Type.String({ description: 'End (HH:MM)' }),
  subjectCode: Type.String({ description: 'Subject code' }),
  subject: Type.String({ description: 'Subject name in the caller’s language' }),
  teacherId: Type.Integer({ description: 'Teacher' }),
  teacher: Type.String({ description: 'Teacher’s name' }),
  room: Nullable(Type.String({ description: 'Room' })),
  state: StringEnum(OCCURRENCE_STATES, { description: 'Scheduled, or cancelled (kept for its content)' }),
  topic: Nullable(Type.String({ description: 'Topic' })),
  homework: Nullable(Type.String({ description: 'Homework' })),
  meetingUrl: Nullable(Type.String({ description: 'Live meeting link' })),
  materials: Type.Array(Material, { description: 'Materials' }),
  version: VersionOut,
});

/** Occurrences of a range. */
export const LessonList = Type.Object({
  from: Type.String({ description: 'First date' }),
  to: Type.String({ description: 'Last date' }),
  items: Type.Array(Lesson, { description: 'By date and time' }),
});

/** A student's day or week: which date, default today at school. */
export const MyDayQuery = Type.Object(
  { date: Type.Optional(Day('The day (or a day of the week); today at school when not given')) },
  { additionalProperties: false },
);

/** A teacher's range: this week (Monday to Sunday) when not given. */
export const TeachingQuery = Type.Object(
  {
    from: Type.Optional(Day('First date (default: this week’s Monday)')),
    to: Type.Optional(Day('Last date (default: six days after the first)')),
  },
  { additionalProperties: false },
);

/** A teacher's own lessons, each with its class's name. */
export const TeachingList = Type.Object({
  from: Type.String({ description: 'First date' }),
  to: Type.String({ description: 'Last date' }),
  items: Type.Array(
    Type.Object({ ...Lesson.properties, className: Type.String({ description: 'Class, e.g. 7A' }) }),
    { description: 'By date and time' },
  ),
});

/** A school's teachers. */
export const TeacherList = Type.Object({ items: Type.Array(Person) });

/** A class's subject teachers to set at once; a null teacher clears the subject. */
export const ClassSubjectsBody = Type.Object(
  {
    version: VersionField,
    items: Type.Array(
      Type.Object(
        {
          subjectCode: Type.String({ minLength: 1, maxLength: 60, description: 'Subject code' }),
          teacherId: Type.Union([Id('A teacher of the school'), Type.Null()], {
            description: 'The subject’s teacher, or null to clear it',
          }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 60 },
    ),
  },
  { additionalProperties: false },
);
export type ClassSubjectsInput = Static<typeof ClassSubjectsBody>;

/** A class's subject teachers, as a record that `PUT /classes/{classId}/subjects` saves. */
export const ClassSubjects = Type.Object({
  classId: Type.Integer({ description: 'Class' }),
  version: VersionOut,
  items: Type.Array(
    Type.Object({
      subjectCode: Type.String({ description: 'Subject code' }),
      teacherId: Type.Integer({ description: 'The subject’s teacher' }),
    }),
    { description: 'Who teaches each subject, by subject code' },
  ),
});

/** One subject's teacher for every class of a grade at a school. */
export const GradeSubjectBody = Type.Object(
  {
    classes: Type.Array(
      Type.Object(
        { classId: Id('A class of the grade'), version: VersionField },
        { additionalProperties: false },
      ),
      {
        maxItems: 200,
        description:
          'Every class of the grade as read (`GET /institutions/{id}/subject-teachers`), with its subject teachers’ version; a class changed or added since is refused with 409 `stale_version`',
      },
    ),
    academicYearId: Id('Academic year'),
    grade: Type.Integer({ minimum: 1, maximum: 12, description: 'Grade whose classes all get the teacher' }),
    subjectCode: Type.String({ minLength: 1, maxLength: 60, description: 'Subject code' }),
    teacherId: Type.Union([Id('A teacher of the school'), Type.Null()], {
      description: 'The teacher, or null to clear the subject in every class of the grade',
    }),
  },
  { additionalProperties: false },
);
export type GradeSubjectInput = Static<typeof GradeSubjectBody>;

/** A school's subject teachers in a year, and who is known to teach each subject there. */
export const SchoolSubjectTeachers = Type.Object({
  academicYearId: Type.Integer(),
  classes: Type.Array(
    Type.Object({ classId: Type.Integer(), grade: Type.Integer(), name: Type.String(), version: VersionOut }),
    { description: 'Every class of the year with its subject teachers’ version (`subjectsVersion`)' },
  ),
  items: Type.Array(
    Type.Object({ classId: Type.Integer(), subjectCode: Type.String(), teacherId: Type.Integer() }),
    { description: 'Every class × subject with its teacher' },
  ),
  known: Type.Array(Type.Object({ subjectCode: Type.String(), teacherIds: Type.Array(Type.Integer()) }), {
    description: 'Per subject, the teachers who teach it in some class (subject teacher or timetable)',
  }),
});

/** What a grade-wide change did. */
export const GradeSubjectResult = Type.Object({
  grade: Type.Integer(),
  subjectCode: Type.String(),
  teacherId: Type.Union([Type.Integer(), Type.Null()]),
  classIds: Type.Array(Type.Integer(), { description: 'The classes of the grade it applied to' }),
  classes: Type.Array(Type.Object({ classId: Type.Integer(), version: VersionOut }), {
    description: 'The classes of the grade with their new subject teachers’ version',
  }),
});
