import { Type, type Static, type TSchema, type TUnsafe } from 'typebox';
import { DateString, Nullable, StringEnum } from '@/server/schema';

/**
 * Request and response schemas of the class journal (issue 6): the journal page of a class, subject and term,
 * whole-class marking with per-cell versions, closing terms and corrections, parents' link codes, a
 * student's overview and the reports. The contract the web app builds on: `/work/notes/journal-contract.md`.
 */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Day = (description: string) => DateString({ description });
const Code = (description: string) =>
  Type.String({ minLength: 1, maxLength: 60, pattern: '^[a-z0-9_]+$', description });
const Reason = (description: string) => Type.String({ minLength: 1, maxLength: 500, description });

/** A term of the school calendar by its code (half_1, half_2); `year` only where a year result is meant. */
export const TermCode = Code('Term code of the school calendar, e.g. half_1');
/** A journal column key: `l<lessonId>` (a lesson occurrence) or `a<assessmentId>` (a summative assessment). */
export const ColumnKey = Type.String({
  pattern: '^[la][1-9][0-9]{0,9}$',
  description: 'Column key: l<lessonId> or a<assessmentId>',
});

/** Export formats of the tabular reports. */
export const TABLE_FORMATS = ['json', 'csv', 'xlsx'] as const;

// ---------------------------------------------------------------------------------------------------------
// Parameters and queries

/** A class and a subject of the country pack. */
export const ClassSubjectParams = Type.Object({
  classId: Id('Class id'),
  subjectCode: Code('Subject code'),
});
/** A student in the path. */
export const StudentParams = Type.Object({ studentId: Id('Student (user) id') });

/** Which term. */
export const TermQuery = Type.Object({ term: TermCode }, { additionalProperties: false });

/** One cell's history. */
export const HistoryQuery = Type.Object(
  { studentId: Id('Student (user) id'), key: ColumnKey },
  { additionalProperties: false },
);

/** Class attendance report. */
export const ClassReportQuery = Type.Object(
  {
    classId: Id('Class id'),
    term: TermCode,
    format: Type.Optional(StringEnum(TABLE_FORMATS, { description: 'json (default), csv or xlsx' })),
  },
  { additionalProperties: false },
);

/** A student's report card. */
export const ReportCardQuery = Type.Object(
  {
    studentId: Id('Student (user) id'),
    term: TermCode,
    format: Type.Optional(
      StringEnum(['json', 'pdf'] as const, { description: 'json (default) or pdf (printable)' }),
    ),
  },
  { additionalProperties: false },
);

/** A school's summary. */
export const SchoolSummaryQuery = Type.Object(
  {
    institutionId: Id('Institution id'),
    term: TermCode,
    format: Type.Optional(StringEnum(TABLE_FORMATS, { description: 'json (default), csv or xlsx' })),
  },
  { additionalProperties: false },
);

// ---------------------------------------------------------------------------------------------------------
// Reading the journal

/** An attendance code of the country pack. */
export const AttendanceCode = Type.Object({
  code: Type.String({ description: 'Code, e.g. present, absent, late, excused' }),
  name: Type.String({ description: 'Name in the caller’s language' }),
  short: Type.String({ description: 'Short label (1–2 letters) for the grid' }),
  countsAsPresent: Type.Boolean({ description: 'Counts as attended in rates' }),
  needsReason: Type.Boolean({ description: 'A reason must be given (excused)' }),
});

/** An attendance entry of a cell. */
export const Attendance = Type.Object(
  {
    code: Code('Attendance code of the country pack'),
    reason: Type.Optional(
      Nullable(Type.String({ maxLength: 500, description: 'Reason (required for excused)' })),
    ),
  },
  { additionalProperties: false },
);

/** A mark of a cell. */
export const Mark = Type.Object(
  {
    value: Type.Integer({ minimum: 0, maximum: 1000, description: 'A mark of the grading scale' }),
    comment: Type.Optional(Nullable(Type.String({ maxLength: 1000, description: 'Teacher’s comment' }))),
  },
  { additionalProperties: false },
);

/**
 * An object of `schema`'s shape, or null, for answers: written as a type list rather than `anyOf`, which the
 * serialiser would check value by value (thousands of cells in a journal).
 */
function NullableObject<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: ['object', 'null'] });
}

const ClassRef = Type.Object({ id: Type.Integer(), name: Type.String({ description: 'e.g. 7A' }) });
const AttendanceOut = Type.Object({
  code: Type.String({ description: 'Attendance code' }),
  reason: Nullable(Type.String({ description: 'Reason, if any' })),
});
const MarkOut = Type.Object({
  value: Type.Integer({ description: 'Mark' }),
  comment: Nullable(Type.String({ description: 'Teacher’s comment' })),
});

/** The term as the journal shows it. */
export const Term = Type.Object({
  code: Type.String({ description: 'Term code' }),
  name: Type.String({ description: 'Name in the caller’s language' }),
  startsOn: Type.String({ description: 'First day (YYYY-MM-DD)' }),
  endsOn: Type.String({ description: 'Last day (YYYY-MM-DD)' }),
  closed: Type.Boolean({ description: 'Closed by the director: changes need a correction with a reason' }),
  closedAt: Nullable(Type.String({ format: 'date-time', description: 'When it was closed' })),
});

/** The grading scale. */
export const Scale = Type.Object({
  code: Type.String({ description: 'Scale code' }),
  marks: Type.Array(
    Type.Object({
      value: Type.Integer({ description: 'Mark' }),
      name: Type.String({ description: 'Meaning in the caller’s language' }),
    }),
    { description: 'Marks, highest first' },
  ),
});

/** A column of the journal: a lesson occurrence or a summative assessment. */
export const Column = Type.Object({
  key: Type.String({ description: 'l<lessonId> or a<assessmentId>' }),
  kind: StringEnum(['lesson', 'assessment'] as const, { description: 'Lesson or summative assessment' }),
  lessonId: Nullable(Type.Integer({ description: 'Lesson occurrence id' })),
  assessmentId: Nullable(Type.Integer({ description: 'Assessment id' })),
  date: Type.String({ description: 'Date (YYYY-MM-DD)' }),
  period: Nullable(Type.Integer({ description: 'Period number (lessons)' })),
  title: Nullable(Type.String({ description: 'Topic of the lesson, or the assessment’s title' })),
  started: Type.Boolean({
    description:
      'Whether it takes attendance and marks yet: a lesson from its start (school time), an assessment from its day',
  }),
});

/** A filled cell (cells never filled are not listed). */
export const Cell = Type.Object({
  studentId: Type.Integer({ description: 'Student' }),
  key: Type.String({ description: 'Column key' }),
  attendance: NullableObject(AttendanceOut),
  mark: NullableObject(MarkOut),
  version: Type.Integer({ description: 'Version to send back as baseVersion (0: never written)' }),
  updatedBy: Nullable(Type.String({ description: 'Name of who wrote it last' })),
  updatedAt: Nullable(Type.String({ format: 'date-time', description: 'When' })),
});

/** A teacher's override of a result. */
export const Override = Type.Object({
  value: Nullable(Type.Integer({ description: 'The result set by the teacher (null: no result)' })),
  reason: Type.String({ description: 'Why' }),
  by: Type.String({ description: 'Who set it' }),
  at: Type.String({ format: 'date-time', description: 'When' }),
});

/** A student's term result in the subject. */
export const Result = Type.Object({
  studentId: Type.Integer({ description: 'Student' }),
  computed: Nullable(Type.Integer({ description: 'By the rule of docs/journal.md; null without marks' })),
  override: NullableObject(Override),
  final: Nullable(Type.Integer({ description: 'The override if any, else the computed result' })),
});

/** The journal page of a class, subject and term. */
export const JournalPage = Type.Object({
  class: Type.Object({ id: Type.Integer(), name: Type.String({ description: 'e.g. 7A' }) }),
  subject: Type.Object({
    code: Type.String(),
    name: Type.String({ description: 'In the caller’s language' }),
  }),
  term: Term,
  scale: Scale,
  attendanceCodes: Type.Array(AttendanceCode, { description: 'In the pack’s order' }),
  students: Type.Array(Type.Object({ id: Type.Integer(), displayName: Type.String() }), {
    description: 'Enrolled students, by name',
  }),
  columns: Type.Array(Column, {
    description: 'By date, then period; assessments after lessons of their day',
  }),
  cells: Type.Array(Cell, { description: 'Every cell written at least once' }),
  results: Type.Array(Result, { description: 'One per student' }),
  canEdit: Type.Boolean({ description: 'Whether the caller may write (the subject teacher)' }),
});
export type JournalPageOut = Static<typeof JournalPage>;

/** One change of a cell, oldest first. */
export const HistoryEntry = Type.Object({
  at: Type.String({ format: 'date-time', description: 'When' }),
  by: Nullable(Type.String({ description: 'Who (name)' })),
  attendance: NullableObject(AttendanceOut),
  mark: NullableObject(MarkOut),
  version: Type.Integer({ description: 'The cell’s version after this change' }),
  reason: Nullable(Type.String({ description: 'The correction’s reason (after the term was closed)' })),
});
export const History = Type.Array(HistoryEntry);

// ---------------------------------------------------------------------------------------------------------
// Writing

/** One cell to write. An absent `attendance` or `mark` is left as it is; null clears it. */
export const Entry = Type.Object(
  {
    studentId: Id('Student'),
    key: ColumnKey,
    attendance: Type.Optional(Type.Union([Attendance, Type.Null()], { description: 'null clears it' })),
    mark: Type.Optional(Type.Union([Mark, Type.Null()], { description: 'null clears it' })),
    baseVersion: Type.Integer({
      minimum: 0,
      maximum: 2_147_483_647,
      description: 'The version the client saw (0: the cell was empty)',
    }),
  },
  { additionalProperties: false },
);

/** A whole class marked in one request. */
export const EntriesBody = Type.Object(
  {
    term: TermCode,
    entries: Type.Array(Entry, { minItems: 1, maxItems: 2000, description: 'Cells to write' }),
    correctionReason: Type.Optional(Reason('Required after the term is closed: why this is corrected')),
  },
  { additionalProperties: false },
);
export type EntriesInput = Static<typeof EntriesBody>;

/** What a save did: cells written, and cells someone else changed meanwhile (not written). */
export const EntriesResult = Type.Object({
  saved: Type.Array(Type.Object({ studentId: Type.Integer(), key: Type.String(), version: Type.Integer() })),
  conflicts: Type.Array(
    Type.Object({
      studentId: Type.Integer(),
      key: Type.String(),
      theirs: Type.Object({
        attendance: NullableObject(AttendanceOut),
        mark: NullableObject(MarkOut),
        version: Type.Integer({ description: 'Resend with this baseVersion to keep yours' }),
        updatedBy: Nullable(Type.String()),
        updatedAt: Nullable(Type.String({ format: 'date-time' })),
      }),
    }),
  ),
});

/** A new summative assessment column. */
export const AssessmentBody = Type.Object(
  {
    term: TermCode,
    date: Day('Date of the assessment (inside the term)'),
    title: Type.String({ minLength: 1, maxLength: 200, description: 'Title, e.g. Summative 1' }),
  },
  { additionalProperties: false },
);
export const AssessmentCreated = Type.Object({ id: Type.Integer(), key: Type.String() });

/** A teacher's override of a result; `term` may be `year` for the year result. */
export const ResultBody = Type.Object(
  {
    classId: Id('Class'),
    subjectCode: Code('Subject code'),
    term: TermCode,
    studentId: Id('Student'),
    value: Nullable(
      Type.Integer({ minimum: 0, maximum: 1000, description: 'The result, or null to remove the override' }),
    ),
    reason: Reason('Why the result differs from the rule'),
  },
  { additionalProperties: false },
);

/** Closing a term of a school. */
export const CloseTermBody = Type.Object(
  { institutionId: Id('Institution'), term: TermCode },
  { additionalProperties: false },
);
export const TermClosed = Type.Object({
  institutionId: Type.Integer(),
  term: Type.String(),
  closedAt: Type.String({ format: 'date-time' }),
});

// ---------------------------------------------------------------------------------------------------------
// Parents and students

export const LinkCodeBody = Type.Object({ studentId: Id('Student') }, { additionalProperties: false });
export const LinkCode = Type.Object({
  code: Type.String({ description: 'One-time code to hand to the parent (shown once)' }),
  expiresAt: Type.String({ format: 'date-time' }),
});
export const LinkBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 40, description: 'The code from the school' }) },
  { additionalProperties: false },
);
export const Linked = Type.Object({
  student: Type.Object({ id: Type.Integer(), displayName: Type.String() }),
});

/** A student's overview for a term: marks, attendance, results, homework and teachers' comments. */
export const Overview = Type.Object({
  student: Type.Object({
    id: Type.Integer(),
    displayName: Type.String(),
    class: NullableObject(ClassRef),
  }),
  term: Term,
  subjects: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      teacher: Nullable(Type.String({ description: 'Subject teacher' })),
      marks: Type.Array(
        Type.Object({
          date: Type.String(),
          value: Type.Integer(),
          comment: Nullable(Type.String()),
          kind: StringEnum(['lesson', 'assessment'] as const),
          title: Nullable(Type.String()),
        }),
      ),
      attendance: Type.Record(Type.String(), Type.Integer(), {
        description: 'Lessons per attendance code',
      }),
      result: Nullable(Type.Integer({ description: 'Term result (final)' })),
    }),
  ),
  homework: Type.Array(
    Type.Object({
      date: Type.String(),
      subjectCode: Type.String(),
      subject: Type.String(),
      text: Type.String(),
    }),
    { description: 'Homework of the term’s lessons, newest first' },
  ),
  comments: Type.Array(
    Type.Object({
      date: Type.String(),
      subjectCode: Type.String(),
      subject: Type.String(),
      text: Type.String(),
      by: Nullable(Type.String()),
    }),
    { description: 'Teachers’ comments on marks, newest first' },
  ),
});

// ---------------------------------------------------------------------------------------------------------
// Reports

/** Attendance of a class in a term, per student. */
export const ClassAttendanceReport = Type.Object({
  class: Type.Object({ id: Type.Integer(), name: Type.String() }),
  term: Term,
  codes: Type.Array(AttendanceCode),
  students: Type.Array(
    Type.Object({
      id: Type.Integer(),
      displayName: Type.String(),
      counts: Type.Record(Type.String(), Type.Integer(), { description: 'Lessons per code' }),
      recorded: Type.Integer({ description: 'Lessons with attendance recorded' }),
      rate: Nullable(Type.Number({ description: 'Share present (0–1); null when nothing recorded' })),
    }),
  ),
});

/** A student's report card. */
export const ReportCard = Type.Object({
  student: Type.Object({ id: Type.Integer(), displayName: Type.String() }),
  class: NullableObject(ClassRef),
  term: Term,
  subjects: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      marks: Type.Integer({ description: 'Number of marks' }),
      average: Nullable(Type.Number({ description: 'Average of the marks' })),
      result: Nullable(Type.Integer({ description: 'Term result (final)' })),
      yearResult: Nullable(Type.Integer({ description: 'Year result (final), when computable' })),
      absences: Type.Integer({ description: 'Lessons not attended' }),
    }),
  ),
});

/** A school's term summary: aggregates only, by class (no student rows). */
export const SchoolSummary = Type.Object({
  institutionId: Type.Integer(),
  term: Term,
  attendanceRate: Nullable(Type.Number({ description: 'Share of recorded lessons attended (0–1)' })),
  marksAverage: Nullable(Type.Number({ description: 'Average of all marks' })),
  classes: Type.Array(
    Type.Object({
      classId: Type.Integer(),
      name: Type.String(),
      students: Type.Integer(),
      attendanceRate: Nullable(Type.Number()),
      marksAverage: Nullable(Type.Number()),
      marks: Type.Integer({ description: 'Number of marks' }),
    }),
  ),
});
