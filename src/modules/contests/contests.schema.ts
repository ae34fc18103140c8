import { Type, type Static } from 'typebox';
import { DateString, Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import {
  ATTEMPT_STATES,
  CONTEST_SCOPES,
  CONTEST_STATES,
  QUESTION_KINDS,
  QUESTION_LANGUAGES,
} from '@/modules/contests/contests.tables';

/** Request and response schemas of knowledge contests: question banks, contests, attempts, leaderboards. */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Index = (description: string) => Type.Integer({ minimum: 0, maximum: 19, description });
const Time = (description: string) =>
  Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: `${description} (HH:MM)` });
const SubjectCode = Type.String({
  minLength: 1,
  maxLength: 60,
  pattern: '^[a-z0-9_]+$',
  description: 'Subject code',
});
const Grade = Type.Integer({ minimum: 1, maximum: 12, description: 'Grade (1–12)' });
const Texts = (description: string, maxItems = 10, maxLength = 500) =>
  Type.Array(Type.String({ minLength: 1, maxLength }), { maxItems, description });
const Indexes = (description: string) => Type.Array(Index('Index'), { maxItems: 20, description });
const Kind = StringEnum(QUESTION_KINDS, { description: 'Kind of question' });
const Language = StringEnum(QUESTION_LANGUAGES, { description: 'Language the question is written in' });

export const QuestionParams = Type.Object({ questionId: Id('Question id') });
export const ContestParams = Type.Object({ contestId: Id('Contest id') });
export const AttemptParams = Type.Object({ attemptId: Id('Attempt id') });
export const AnswerParams = Type.Object({ attemptId: Id('Attempt id'), questionId: Id('Question id') });

/** The kind-specific parts of a question, as its author writes them. */
const questionParts = {
  options: Type.Optional(Texts('single, multiple: the options')),
  correct: Type.Optional(Indexes('single, multiple: indexes of the correct options')),
  truth: Type.Optional(Type.Boolean({ description: 'true_false: whether the statement is true' })),
  value: Type.Optional(Type.Number({ description: 'numeric: the correct value' })),
  tolerance: Type.Optional(
    Type.Number({ minimum: 0, maximum: 1e9, description: 'numeric: accepted distance from the value' }),
  ),
  accepted: Type.Optional(Texts('short_text: accepted answers (compared letter-folded)', 20, 200)),
  left: Type.Optional(Texts('matching: the left column')),
  right: Type.Optional(Texts('matching: the right column')),
  pairs: Type.Optional(Indexes('matching: for each left item, the index of its right item')),
  items: Type.Optional(Texts('ordering: the items in their correct order')),
};

/** A new question of a bank. */
export const QuestionBodySchema = Type.Object(
  {
    institutionId: Nullable(Id("The school's bank, or null for the national bank")),
    subjectCode: SubjectCode,
    grade: Grade,
    kind: Kind,
    language: Language,
    prompt: Type.String({ minLength: 1, maxLength: 4000, description: 'The question' }),
    points: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Points (default 1)' })),
    ...questionParts,
  },
  { additionalProperties: false },
);
export type QuestionInputBody = Static<typeof QuestionBodySchema>;

/** A question rewritten: everything but its bank. */
export const QuestionUpdateSchema = Type.Object(
  {
    version: VersionField,
    subjectCode: SubjectCode,
    grade: Grade,
    kind: Kind,
    language: Language,
    prompt: Type.String({ minLength: 1, maxLength: 4000, description: 'The question' }),
    points: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Points (default 1)' })),
    ...questionParts,
  },
  { additionalProperties: false },
);
export type QuestionUpdateBody = Static<typeof QuestionUpdateSchema>;

export const BankQuery = Type.Object(
  {
    institutionId: Type.Optional(
      Id("A school's bank; without it, the caller's school banks and the national one"),
    ),
    national: Type.Optional(Type.Boolean({ description: 'Only the national bank' })),
    subjectCode: Type.Optional(SubjectCode),
    grade: Type.Optional(Grade),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);

/** A bank's question, with its key (authors only). */
export const Question = Type.Object({
  id: Type.Integer(),
  institutionId: Nullable(Type.Integer({ description: 'School bank, or null: national' })),
  subjectCode: Type.String(),
  grade: Type.Integer(),
  kind: Kind,
  language: Language,
  prompt: Type.String(),
  points: Type.Integer(),
  ...questionParts,
  authorId: Nullable(Type.Integer()),
  updatedAt: Type.String({ format: 'date-time' }),
  version: VersionOut,
});
export const QuestionList = Type.Object({ items: Type.Array(Question), total: Type.Integer() });

const Window = Type.Object(
  {
    shift: Type.Integer({ minimum: 1, maximum: 3, description: 'Shift' }),
    startsAt: Time('Start window opens, Asia/Baku'),
    endsAt: Time('Start window closes, Asia/Baku'),
  },
  { additionalProperties: false },
);

/** A new contest. */
export const ContestBodySchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    subjectCode: SubjectCode,
    grade: Grade,
    scope: StringEnum(CONTEST_SCOPES, { description: 'Who the contest is for' }),
    classId: Type.Optional(Id('scope class: the class')),
    institutionId: Type.Optional(Id('scope school: the school')),
    areaId: Type.Optional(Id('scope district or region: the area')),
    date: DateString({ description: 'The day of the contest (school time)' }),
    windows: Type.Array(Window, { minItems: 1, maxItems: 3, description: 'Start window of each shift' }),
    timeLimitMinutes: Type.Integer({ minimum: 1, maximum: 600 }),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 1 })),
    shuffle: Type.Optional(Type.Boolean({ default: true, description: 'Shuffle questions and options' })),
    questionIds: Type.Array(Id('Question of a bank'), { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type ContestInput = Static<typeof ContestBodySchema>;

/** A draft rewritten wholly: with the `version` of the contest as read. */
export const ContestChangeSchema = Type.Object(
  { version: VersionField, ...ContestBodySchema.properties },
  { additionalProperties: false },
);
export type ContestChange = Static<typeof ContestChangeSchema>;

const AttemptSummary = Type.Object({
  id: Type.Integer(),
  attemptNo: Type.Integer(),
  state: StringEnum(ATTEMPT_STATES),
  startedAt: Type.String({ format: 'date-time' }),
  deadline: Type.String({ format: 'date-time' }),
  score: Nullable(Type.Integer()),
  maxScore: Type.Integer(),
});

/** A contest as lists and its page show it (never its questions' keys). */
export const Contest = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  subjectCode: Type.String(),
  grade: Type.Integer(),
  scope: StringEnum(CONTEST_SCOPES),
  classId: Nullable(Type.Integer()),
  institutionId: Nullable(Type.Integer()),
  areaId: Nullable(Type.Integer()),
  date: Type.String({ format: 'date' }),
  windows: Type.Array(Window),
  opensAt: Type.String({ format: 'date-time' }),
  closesAt: Type.String({ format: 'date-time' }),
  timeLimitMinutes: Type.Integer(),
  maxAttempts: Type.Integer(),
  shuffle: Type.Boolean(),
  state: StringEnum(CONTEST_STATES),
  version: Type.Integer({
    description:
      'Bumped by every change of the contest (a rewrite, publishing); send it back when rewriting the draft',
  }),
  questionCount: Type.Optional(Type.Integer()),
  /** For whoever manages it: its questions (bank ids), in their order. */
  questionIds: Type.Optional(Type.Array(Type.Integer())),
  /** For a student: their shift's window in UTC and their attempts. */
  myWindow: Type.Optional(
    Type.Union([
      Type.Object({
        opensAt: Type.String({ format: 'date-time' }),
        closesAt: Type.String({ format: 'date-time' }),
      }),
      Type.Null(),
    ]),
  ),
  myAttempts: Type.Optional(Type.Array(AttemptSummary)),
  canManage: Type.Boolean(),
});
/** The answer to a deletion. */
export const Deleted = Type.Object({ deleted: Type.Boolean() });
export const ContestList = Type.Object({ items: Type.Array(Contest) });

/** A question as a student sees it in an attempt: shuffled, without its key. */
const ShownQuestion = Type.Object({
  id: Type.Integer(),
  kind: Kind,
  language: Language,
  prompt: Type.String(),
  points: Type.Integer(),
  options: Type.Optional(Type.Array(Type.String())),
  left: Type.Optional(Type.Array(Type.String())),
  right: Type.Optional(Type.Array(Type.String())),
  items: Type.Optional(Type.Array(Type.String())),
});

/** An answer in the attempt's (shuffled) indexes: exactly the field of the question's kind. */
export const AnswerValue = Type.Object(
  {
    choice: Type.Optional(Index('single: the chosen option')),
    choices: Type.Optional(Indexes('multiple: the chosen options')),
    truth: Type.Optional(Type.Boolean({ description: 'true_false' })),
    number: Type.Optional(Type.Number({ description: 'numeric' })),
    text: Type.Optional(Type.String({ maxLength: 200, description: 'short_text' })),
    pairs: Type.Optional(
      Type.Array(Nullable(Index('right item')), {
        maxItems: 20,
        description: 'matching: for each left item shown, the right item chosen (or null)',
      }),
    ),
    order: Type.Optional(Indexes('ordering: the items shown, in the chosen order')),
  },
  { additionalProperties: false },
);

export const AnswerBody = Type.Object(
  {
    version: Type.Integer({
      minimum: 1,
      maximum: 2_147_483_647,
      description: "The client's counter for this question: a lower or equal version than stored is ignored",
    }),
    answer: AnswerValue,
  },
  { additionalProperties: false },
);

export const SavedAnswer = Type.Object({
  questionId: Type.Integer(),
  version: Type.Integer({ description: 'The version now stored' }),
  savedAt: Type.String({ format: 'date-time' }),
  written: Type.Boolean({ description: 'False when a newer or the same version was already stored' }),
});

/** An attempt: while open, its questions and saved answers and the seconds left (server time). */
export const Attempt = Type.Object({
  ...AttemptSummary.properties,
  contestId: Type.Integer(),
  remainingSeconds: Type.Integer({ description: 'Seconds until the deadline, by the server clock' }),
  questions: Type.Array(ShownQuestion),
  answers: Type.Array(
    Type.Object({ questionId: Type.Integer(), version: Type.Integer(), answer: AnswerValue }),
  ),
  /** Once the contest is over: each question's points and correct answer (in the attempt's indexes). */
  review: Type.Union([
    Type.Array(Type.Object({ questionId: Type.Integer(), points: Type.Integer(), correct: AnswerValue })),
    Type.Null(),
  ]),
});

const AggregateRow = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  participants: Type.Integer(),
  meanScore: Type.Number(),
  bestScore: Type.Integer(),
});

/**
 * A leaderboard as the caller may see it. A student: their own class only, by first name and initial, and
 * their rank. School staff: their school's classes. Regional and national staff: schools and areas only.
 */
export const Leaderboard = Type.Object({
  contestId: Type.Integer(),
  maxScore: Type.Integer(),
  me: Type.Union([
    Type.Object({ score: Type.Integer(), classRank: Type.Integer(), classParticipants: Type.Integer() }),
    Type.Null(),
  ]),
  classBoard: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      name: Type.String({ description: 'First name and the initial of the last' }),
      score: Type.Integer(),
      isMe: Type.Boolean(),
    }),
  ),
  classes: Type.Array(AggregateRow),
  schools: Type.Array(AggregateRow),
  areas: Type.Array(AggregateRow),
});

export const ResultsParams = Type.Object({ contestId: Id('Contest id'), institutionId: Id('The school') });

/** A school's results, for its director (all classes) and teachers (their classes). */
export const Results = Type.Object({
  items: Type.Array(
    Type.Object({
      studentId: Type.Integer(),
      displayName: Type.String(),
      classId: Type.Integer(),
      className: Type.String(),
      attemptNo: Type.Integer(),
      state: StringEnum(ATTEMPT_STATES),
      score: Nullable(Type.Integer()),
      maxScore: Type.Integer(),
      startedAt: Type.String({ format: 'date-time' }),
    }),
  ),
});
