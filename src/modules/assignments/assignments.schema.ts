import { Type, type Static } from 'typebox';
import { DateTimeString, Nullable, StringEnum } from '@/server/schema';
import { VersionField } from '@/server/versions';
import { ASSIGNMENT_KINDS } from '@/modules/assignments/assignments.tables';

/** Request and response schemas of assignments, groups, submissions and feedback. */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const SubjectCode = Type.String({
  minLength: 1,
  maxLength: 60,
  pattern: '^[a-z0-9_]+$',
  description: 'Subject code of the curriculum',
});

export const STATUSES = ['not_submitted', 'submitted', 'late', 'marked'] as const;
export type Status = (typeof STATUSES)[number];
const StatusSchema = StringEnum(STATUSES, {
  description:
    'not_submitted, submitted (in time), late (after the due time), marked (latest version marked)',
});

/** The largest text of one version. */
export const MAX_TEXT = 20_000;
/** The most files one version may hold. */
export const MAX_FILES = 5;
/** The most students one group may have, and the most groups an assignment may have. */
export const MAX_GROUP_SIZE = 40;

export const ClassParams = Type.Object({ classId: Id('Class id') });
export const AssignmentParams = Type.Object({ assignmentId: Id('Assignment id') });
export const SubmissionParams = Type.Object({ submissionId: Id('Submission (version) id') });
export const FileParams = Type.Object({ fileId: Id('File id') });
export const StudentParams = Type.Object({ studentId: Id('Student (user) id') });
/** The answer of a deletion. */
export const Deleted = Type.Object({ ok: Type.Boolean() });

export const ClassAssignmentsQuery = Type.Object(
  { subjectCode: Type.Optional(SubjectCode) },
  { additionalProperties: false },
);
export const WorkParams = Type.Object({
  assignmentId: Id('Assignment id'),
  studentId: Id('The student whose work (or whose group’s work) to show'),
});
export const UploadQuery = Type.Object(
  {
    name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'The file’s name, for display only' }),
    ),
  },
  { additionalProperties: false },
);

const GroupsInput = Type.Array(
  Type.Object(
    {
      studentIds: Type.Array(Id('A student of the class'), { minItems: 1, maxItems: MAX_GROUP_SIZE }),
    },
    { additionalProperties: false },
  ),
  { maxItems: 60, description: 'Groups formed by the teacher, numbered in this order' },
);
const DrawInput = Type.Object(
  {
    size: Type.Integer({ minimum: 2, maximum: MAX_GROUP_SIZE, description: 'Students per group (about)' }),
    seed: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 2_147_483_647,
        description: 'The same seed draws the same groups',
      }),
    ),
  },
  { additionalProperties: false, description: 'Draw the class into groups at random' },
);

/** A new assignment. */
export const CreateAssignmentBody = Type.Object(
  {
    subjectCode: SubjectCode,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    instructions: Nullable(Type.String({ maxLength: MAX_TEXT })),
    kind: StringEnum(ASSIGNMENT_KINDS, { description: 'individual or group work' }),
    dueAt: DateTimeString({ description: 'Due time (ISO 8601 with offset)' }),
    lessonId: Type.Optional(Nullable(Id('A lesson occurrence of the class in this subject'))),
    groups: Type.Optional(GroupsInput),
    draw: Type.Optional(DrawInput),
  },
  { additionalProperties: false },
);
export type CreateAssignmentInput = Static<typeof CreateAssignmentBody>;

/** Changes to an assignment: any of what setting it takes, except its groups (see `GroupsBody`). */
export const PatchAssignmentBody = Type.Object(
  {
    subjectCode: Type.Optional(SubjectCode),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    instructions: Type.Optional(Nullable(Type.String({ maxLength: MAX_TEXT }))),
    kind: Type.Optional(
      StringEnum(ASSIGNMENT_KINDS, {
        description: 'individual or group work; refused (409) once work has been handed in',
      }),
    ),
    dueAt: Type.Optional(
      DateTimeString({
        description: 'Due time (ISO 8601 with offset); the class is notified when it changes',
      }),
    ),
    lessonId: Type.Optional(Nullable(Id('A lesson occurrence of the class in this subject, or null'))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchAssignmentInput = Static<typeof PatchAssignmentBody>;

/** An assignment's groups, formed or drawn. */
export const GroupsBody = Type.Object(
  {
    /** The assignment's `groupsVersion` as read. */
    version: VersionField,
    groups: Type.Optional(GroupsInput),
    draw: Type.Optional(DrawInput),
  },
  { additionalProperties: false },
);
export type GroupsInputBody = Static<typeof GroupsBody>;

/** A version of the caller's work. */
export const SubmitBody = Type.Object(
  {
    text: Nullable(Type.String({ maxLength: MAX_TEXT })),
    fileIds: Type.Array(Id('A file uploaded for this assignment'), { maxItems: MAX_FILES }),
  },
  { additionalProperties: false },
);
export type SubmitInput = Static<typeof SubmitBody>;

/** The teacher's feedback on a version. */
export const FeedbackBody = Type.Object(
  {
    mark: Nullable(
      Type.Integer({ minimum: -32768, maximum: 32767, description: 'A mark of the grading scale' }),
    ),
    feedback: Nullable(Type.String({ maxLength: MAX_TEXT })),
    resubmit: Type.Boolean({ description: 'Ask for another version' }),
  },
  { additionalProperties: false },
);
export type FeedbackInput = Static<typeof FeedbackBody>;

const Person = Type.Object({ id: Type.Integer(), displayName: Type.String() });
const Counts = Type.Object({
  not_submitted: Type.Integer(),
  submitted: Type.Integer(),
  late: Type.Integer(),
  marked: Type.Integer(),
});

const AssignmentFields = {
  id: Type.Integer(),
  institutionId: Type.Integer(),
  classId: Type.Integer(),
  className: Type.String(),
  subjectCode: Type.String(),
  subjectName: Type.String(),
  lessonId: Nullable(Type.Integer()),
  kind: StringEnum(ASSIGNMENT_KINDS),
  title: Type.String(),
  instructions: Nullable(Type.String()),
  dueAt: Type.String({ format: 'date-time' }),
  createdAt: Type.String({ format: 'date-time' }),
  teacher: Person,
};

/** An assignment in a list: for teachers with the class's counts, for a student with their own status. */
export const AssignmentSummary = Type.Object({
  ...AssignmentFields,
  counts: Nullable(Counts),
  myStatus: Nullable(StatusSchema),
  myMark: Nullable(Type.Integer()),
});
export const AssignmentList = Type.Object({ items: Type.Array(AssignmentSummary) });

/** One assignment with its groups (a student sees only their own group). */
export const AssignmentDetail = Type.Object({
  ...AssignmentFields,
  groups: Type.Array(
    Type.Object({ id: Type.Integer(), number: Type.Integer(), members: Type.Array(Person) }),
  ),
  /** Students of the class in no group (teachers only; empty for a student). */
  ungrouped: Type.Array(Person),
  myStatus: Nullable(StatusSchema),
  /** The seed the groups were drawn with, when they were just drawn. */
  drawSeed: Nullable(Type.Integer()),
  groupsVersion: Type.Integer({
    description:
      'The version of the groups, bumped by every save of them; send it back as `version` when saving them',
  }),
  /** What the caller may do. */
  canEdit: Type.Boolean(),
  canSubmit: Type.Boolean(),
});

/** The status list: every student of the class. */
export const StatusList = Type.Object({
  assignmentId: Type.Integer(),
  counts: Counts,
  scale: Type.Array(Type.Object({ value: Type.Integer(), name: Type.String() })),
  items: Type.Array(
    Type.Object({
      student: Person,
      groupNumber: Nullable(Type.Integer()),
      status: StatusSchema,
      submissionId: Nullable(Type.Integer({ description: 'The latest version' })),
      version: Nullable(Type.Integer()),
      submittedAt: Nullable(Type.String({ format: 'date-time' })),
      mark: Nullable(Type.Integer()),
      resubmissionRequested: Type.Boolean(),
    }),
  ),
});

const FileInfo = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
});
/** An uploaded file, ready to be part of a version. */
export const UploadedFile = FileInfo;

/** A version of a piece of work. */
export const Version = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  text: Nullable(Type.String()),
  files: Type.Array(FileInfo),
  submittedBy: Person,
  submittedAt: Type.String({ format: 'date-time' }),
  late: Type.Boolean(),
  mark: Nullable(Type.Integer()),
  feedback: Nullable(Type.String()),
  resubmissionRequested: Type.Boolean(),
  markedAt: Nullable(Type.String({ format: 'date-time' })),
});

/** A student's (or their group's) work on an assignment, every version newest first. */
export const Work = Type.Object({
  assignmentId: Type.Integer(),
  student: Person,
  groupNumber: Nullable(Type.Integer()),
  status: StatusSchema,
  versions: Type.Array(Version),
});

/** A student's assignments with their statuses and marks (for the student and their parents). */
export const StudentAssignments = Type.Object({
  student: Person,
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      classId: Type.Integer(),
      subjectCode: Type.String(),
      subjectName: Type.String(),
      kind: StringEnum(ASSIGNMENT_KINDS),
      title: Type.String(),
      dueAt: Type.String({ format: 'date-time' }),
      status: StatusSchema,
      mark: Nullable(Type.Integer()),
      submittedAt: Nullable(Type.String({ format: 'date-time' })),
    }),
  ),
});
