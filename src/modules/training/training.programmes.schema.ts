import { Type, type Static } from 'typebox';
import { DateTimeString, Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { AnswerValue, QuestionBodySchema } from '@/modules/contests/contests.schema';
import { QUESTION_KINDS } from '@/modules/contests/contests.tables';
import { ENROLMENT_STATES, PROGRAMME_MODES, PROGRAMME_STATES } from '@/modules/training/training.tables';

/** Request and response schemas of the year's plan, programmes, sessions, enrolments and the assessment. */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Money = (description: string) =>
  Nullable(Type.Number({ minimum: 0, maximum: 999_999_999_999, description }));
const Text = (maxLength: number, description: string) => Type.String({ maxLength, description });
const Title = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'Title' });

export const PlanParams = Type.Object({ planId: Id('Plan id') });
export const ProgrammeParams = Type.Object({ programmeId: Id('Programme id') });
export const SessionParams = Type.Object({ sessionId: Id('Session id') });
export const EnrolmentParams = Type.Object({ enrolmentId: Id('Enrolment id') });
export const AttemptParams = Type.Object({ attemptId: Id('Attempt id') });

// ---------------------------------------------------------------------------------------------------------
// The plan

const planFields = {
  yearId: Id('Academic year'),
  title: Title,
  budget: Money('Budget of the plan, in manats; null: not set'),
};
export const PlanBody = Type.Object(planFields, { additionalProperties: false });
export const PlanChangeBody = Type.Object(
  {
    version: VersionField,
    ...planFields,
    status: StringEnum(['draft', 'approved'] as const, { description: 'draft, then approved' }),
  },
  { additionalProperties: false },
);
export const Plan = Type.Object({
  id: Type.Integer(),
  yearId: Type.Integer(),
  yearCode: Type.String(),
  title: Type.String(),
  budget: Nullable(Type.Number()),
  status: Type.String(),
  programmes: Type.Integer({ description: 'Programmes in the plan' }),
  version: VersionOut,
});
export const PlanList = Type.Object({ items: Type.Array(Plan) });

// ---------------------------------------------------------------------------------------------------------
// Programmes

const Seat = Type.Object(
  { areaId: Id('District'), seats: Type.Integer({ minimum: 0, maximum: 1_000_000 }) },
  { additionalProperties: false },
);
const programmeFields = {
  planId: Nullable(Id('The plan it belongs to')),
  title: Title,
  description: Type.Optional(Text(5000, 'What it is about')),
  mode: StringEnum(PROGRAMME_MODES, { description: 'in_person, online or blended' }),
  frameworkId: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9._-]+$' }),
  areaIds: Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9._-]+$' }), {
    maxItems: 50,
    uniqueItems: true,
    description: 'Framework areas it develops',
  }),
  forBelowLevel: Nullable(
    Type.Integer({ minimum: 0, maximum: 20, description: 'Meant for teachers below this level (index)' }),
  ),
  targetGroup: Type.Optional(Text(1000, 'The target group in words')),
  hours: Type.Integer({ minimum: 1, maximum: 1000 }),
  passMark: Nullable(Type.Integer({ minimum: 1, maximum: 100, description: 'Percent; null: no assessment' })),
  validMonths: Nullable(Type.Integer({ minimum: 1, maximum: 600, description: 'Certificate validity' })),
  budget: Money('Budget, in manats'),
  seats: Type.Array(Seat, { maxItems: 500, description: 'Seats per district' }),
};
export const ProgrammeBody = Type.Object(programmeFields, { additionalProperties: false });
export const ProgrammeChangeBody = Type.Object(
  {
    version: VersionField,
    ...programmeFields,
    status: StringEnum(PROGRAMME_STATES, { description: 'draft → open → closed → finished' }),
  },
  { additionalProperties: false },
);
export type ProgrammeInput = Static<typeof ProgrammeBody> & {
  status?: (typeof PROGRAMME_STATES)[number];
};

export const ProgrammeListQuery = Type.Object(
  {
    planId: Type.Optional(Id('Only this plan')),
    status: Type.Optional(StringEnum(PROGRAMME_STATES)),
  },
  { additionalProperties: false },
);

const EnrolmentState = StringEnum(ENROLMENT_STATES);

export const Session = Type.Object({
  id: Type.Integer(),
  programmeId: Type.Integer(),
  programmeTitle: Type.String(),
  area: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  startsAt: Type.String(),
  endsAt: Type.String(),
  place: Nullable(Type.String()),
  webinarId: Nullable(Type.Integer()),
  link: Nullable(Type.String({ description: 'The online link, for those with a place and the organisers' })),
  capacity: Type.Integer(),
  taken: Type.Integer({ description: 'Places taken (approved and beyond)' }),
  waiting: Type.Integer(),
  cancelled: Type.Boolean(),
  canManage: Type.Boolean(),
  canEnrol: Type.Boolean({ description: 'Whether the caller may choose this session' }),
  version: VersionOut,
});
export const SessionList = Type.Object({ items: Type.Array(Session) });

const MyEnrolment = Type.Object({
  id: Type.Integer(),
  status: EnrolmentState,
  sessionId: Nullable(Type.Integer()),
  attended: Nullable(Type.Boolean()),
  score: Nullable(Type.Integer()),
  canTakeAssessment: Type.Boolean(),
  version: VersionOut,
});

export const Programme = Type.Object({
  id: Type.Integer(),
  planId: Nullable(Type.Integer()),
  title: Type.String(),
  description: Type.String(),
  mode: Type.String(),
  frameworkId: Type.String(),
  areaIds: Type.Array(Type.String()),
  areaNames: Type.Array(Type.String()),
  forBelowLevel: Nullable(Type.Integer()),
  targetGroup: Type.String(),
  hours: Type.Integer(),
  passMark: Nullable(Type.Integer()),
  validMonths: Nullable(Type.Integer()),
  budget: Nullable(Type.Number()),
  status: Type.String(),
  seats: Type.Array(Type.Object({ areaId: Type.Integer(), name: Type.String(), seats: Type.Integer() })),
  suggested: Type.Boolean({
    description: 'Below its level in one of its areas (the caller’s self-assessment)',
  }),
  questions: Type.Integer(),
  mine: Nullable(MyEnrolment),
  canManage: Type.Boolean(),
  version: VersionOut,
});
export const ProgrammeDetail = Type.Object({
  ...Programme.properties,
  sessions: Type.Array(Session),
});
export const ProgrammeList = Type.Object({ items: Type.Array(Programme) });

export const ProgrammeOptions = Type.Object({
  frameworks: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      levels: Type.Array(Type.String()),
      areas: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
    }),
  ),
});

export const Results = Type.Object({
  programmeId: Type.Integer(),
  byArea: Type.Array(
    Type.Object({
      areaId: Nullable(Type.Integer()),
      name: Type.String(),
      seats: Nullable(Type.Integer()),
      enrolled: Type.Integer(),
      approved: Type.Integer(),
      waiting: Type.Integer(),
      attended: Type.Integer(),
      passed: Type.Integer(),
      failed: Type.Integer(),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------------------
// Questions: the contests engine's kinds and parts

const {
  institutionId: _institutionId,
  subjectCode: _subjectCode,
  grade: _grade,
  language: _language,
  kind: _kind,
  prompt: _prompt,
  points: _points,
  ...questionParts
} = QuestionBodySchema.properties;

const QuestionFields = {
  kind: StringEnum(QUESTION_KINDS, { description: 'Kind of question (the contests engine’s)' }),
  prompt: Type.String({ minLength: 1, maxLength: 4000, pattern: '\\S', description: 'The question' }),
  points: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Points (default 1)' })),
  ...questionParts,
};
export const QuestionIn = Type.Object(QuestionFields, { additionalProperties: false });
export type QuestionInput = Static<typeof QuestionIn>;
export const QuestionsBody = Type.Object(
  {
    version: VersionField,
    questions: Type.Array(QuestionIn, { maxItems: 100, description: 'The whole assessment, in order' }),
  },
  { additionalProperties: false },
);
export const QuestionOut = Type.Object({ id: Type.Integer(), ...QuestionFields, points: Type.Integer() });
export const QuestionsOut = Type.Object({
  programmeId: Type.Integer(),
  version: VersionOut,
  questions: Type.Array(QuestionOut),
});

// ---------------------------------------------------------------------------------------------------------
// Sessions

const sessionFields = {
  areaId: Nullable(Id('The district it is for; null: open to all')),
  startsAt: DateTimeString({ description: 'Start, with its time zone' }),
  endsAt: DateTimeString({ description: 'End, with its time zone' }),
  place: Nullable(Text(500, 'Where it is held (in person, blended)')),
  url: Nullable(
    Type.String({
      format: 'uri',
      pattern: '^https?://',
      maxLength: 500,
      description: 'Meeting link (online)',
    }),
  ),
  capacity: Type.Integer({ minimum: 1, maximum: 100_000 }),
};
export const SessionBody = Type.Object(sessionFields, { additionalProperties: false });
export const SessionChangeBody = Type.Object(
  { version: VersionField, ...sessionFields, cancelled: Type.Boolean() },
  { additionalProperties: false },
);
export type SessionInput = Static<typeof SessionBody> & { cancelled?: boolean };
export const SessionListQuery = Type.Object(
  { programmeId: Type.Optional(Id('Only this programme')) },
  { additionalProperties: false },
);

export const AttendanceBody = Type.Object(
  {
    version: VersionField,
    attended: Type.Array(Id('An enrolment with a place in the session'), {
      maxItems: 100_000,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false },
);
export const Attendance = Type.Object({
  sessionId: Type.Integer(),
  started: Type.Boolean(),
  version: VersionOut,
  items: Type.Array(
    Type.Object({
      enrolmentId: Type.Integer(),
      displayName: Type.String(),
      school: Type.String(),
      status: EnrolmentState,
      attended: Nullable(Type.Boolean()),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------------------
// Enrolments

export const EnrolBody = Type.Object(
  { sessionId: Id('The session chosen') },
  { additionalProperties: false },
);
export const NominateBody = Type.Object(
  { userId: Id('A teacher of the school'), sessionId: Id('The session chosen') },
  { additionalProperties: false },
);
export const DecisionBody = Type.Object(
  {
    version: VersionField,
    decision: StringEnum(['approve', 'reject'] as const),
    note: Type.Optional(Text(1000, 'Why, for the teacher')),
  },
  { additionalProperties: false },
);
export const EnrolmentListQuery = Type.Object(
  {
    programmeId: Type.Optional(Id('Only this programme')),
    status: Type.Optional(EnrolmentState),
    mine: Type.Optional(Type.Boolean({ description: 'Only the caller’s own' })),
  },
  { additionalProperties: false },
);
export const Enrolment = Type.Object({
  id: Type.Integer(),
  programmeId: Type.Integer(),
  programmeTitle: Type.String(),
  passMark: Nullable(Type.Integer()),
  session: Nullable(
    Type.Object({ id: Type.Integer(), startsAt: Type.String(), endsAt: Type.String(), area: Type.String() }),
  ),
  userId: Type.Integer(),
  displayName: Type.String(),
  school: Type.Object({ id: Type.Integer(), name: Type.String() }),
  status: EnrolmentState,
  origin: Type.String(),
  note: Type.String(),
  attended: Nullable(Type.Boolean()),
  score: Nullable(Type.Integer()),
  completedAt: Nullable(Type.String()),
  waitingPosition: Nullable(Type.Integer({ description: 'Place on the session’s waiting list' })),
  canDecide: Type.Boolean(),
  canWithdraw: Type.Boolean(),
  canTakeAssessment: Type.Boolean(),
  version: VersionOut,
});
export const EnrolmentList = Type.Object({ items: Type.Array(Enrolment) });

export const Nominees = Type.Object({
  items: Type.Array(
    Type.Object({
      userId: Type.Integer(),
      displayName: Type.String(),
      status: Nullable(EnrolmentState),
      suggested: Type.Boolean(),
    }),
  ),
});
export const NomineesQuery = Type.Object({ programmeId: Id('Programme') }, { additionalProperties: false });

// ---------------------------------------------------------------------------------------------------------
// The assessment

export const AnswerBody = Type.Object(
  { questionId: Id('Question'), answer: AnswerValue },
  { additionalProperties: false },
);
export const AttemptOut = Type.Object({
  id: Type.Integer(),
  enrolmentId: Type.Integer(),
  programmeTitle: Type.String(),
  passMark: Type.Integer(),
  submitted: Type.Boolean(),
  questions: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: Type.String(),
      prompt: Type.String(),
      points: Type.Integer(),
      options: Type.Optional(Type.Array(Type.String())),
      left: Type.Optional(Type.Array(Type.String())),
      right: Type.Optional(Type.Array(Type.String())),
      items: Type.Optional(Type.Array(Type.String())),
      answer: Nullable(AnswerValue),
    }),
  ),
  score: Nullable(Type.Integer({ description: 'Percent, once submitted' })),
  passed: Nullable(Type.Boolean()),
  attemptsLeft: Type.Integer(),
});
