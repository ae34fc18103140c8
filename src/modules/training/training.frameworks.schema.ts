import { Type } from 'typebox';
import { DateString, Nullable } from '@/server/schema';
import { VersionOut } from '@/server/versions';

/** Request and response schemas of competency frameworks and the self-assessment. */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const PackId = (description: string) =>
  Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.-]+$', description });

export const FrameworkParams = Type.Object({ frameworkId: PackId('Framework id, e.g. `digcompedu`') });
export const SittingParams = Type.Object({ sittingId: Id('Sitting of the self-assessment') });
export const InstitutionParams = Type.Object({ institutionId: Id('School') });

const Level = Type.Object({
  index: Type.Integer({ description: 'Position among the framework’s levels, lowest 0' }),
  code: Type.String(),
  name: Type.String(),
  description: Type.String({ description: 'What the level means, in plain words' }),
});

export const FrameworkSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  selfAssessment: Type.Boolean(),
  levels: Type.Array(Level),
  areas: Type.Integer(),
  competencies: Type.Integer(),
});
export const FrameworkList = Type.Object({ items: Type.Array(FrameworkSummary) });

export const Framework = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  selfAssessment: Type.Boolean(),
  levels: Type.Array(Level),
  areas: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      description: Type.String(),
      competencies: Type.Array(
        Type.Object({
          id: Type.String(),
          name: Type.String(),
          descriptor: Type.String(),
          related: Type.Array(
            Type.Object({ id: Type.String(), frameworkId: Type.String(), name: Type.String() }),
            { description: 'Competencies of other frameworks it maps to' },
          ),
        }),
      ),
    }),
  ),
});

const Round = Type.Object({
  id: Type.Integer(),
  opensOn: Type.String(),
  closesOn: Type.String(),
  message: Type.String(),
});

export const Sitting = Type.Object({
  id: Type.Integer(),
  status: Type.Union([Type.Literal('open'), Type.Literal('submitted')]),
  frameworkId: Type.String(),
  startedAt: Type.String(),
  submittedAt: Nullable(Type.String()),
  round: Nullable(Round),
  areas: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      description: Type.String(),
      items: Type.Array(
        Type.Object({
          id: Type.String(),
          text: Type.String(),
          options: Type.Array(Type.String(), {
            description: 'The answers, in order; an answer is its index',
          }),
        }),
      ),
    }),
  ),
  answers: Type.Record(Type.String(), Type.Integer(), { description: 'Item id → the chosen answer’s index' }),
  answered: Type.Integer(),
  total: Type.Integer(),
  version: VersionOut,
});

export const AnswersBody = Type.Object(
  {
    answers: Type.Array(
      Type.Object(
        {
          itemId: PackId('Question'),
          choice: Type.Integer({ minimum: 0, maximum: 20, description: 'Index of the chosen answer' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
  },
  { additionalProperties: false },
);

export const AnswersSaved = Type.Object({
  answered: Type.Integer(),
  total: Type.Integer(),
  version: VersionOut,
});

const AreaLevel = Type.Object({
  areaId: Type.String(),
  name: Type.String(),
  score: Type.Integer(),
  maxScore: Type.Integer(),
  level: Level,
});

const Programme = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  description: Type.String(),
  mode: Type.String(),
  hours: Type.Integer(),
  areas: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
});

export const Result = Type.Object({
  sittingId: Type.Integer(),
  submittedAt: Type.String(),
  areas: Type.Array(AreaLevel),
  suggestions: Type.Array(Programme, { description: 'Open programmes for the areas below their level' }),
});

export const MyCompetence = Type.Object({
  framework: Nullable(Type.Object({ id: Type.String(), name: Type.String(), levels: Type.Array(Level) })),
  items: Type.Integer({ description: 'Questions in the questionnaire' }),
  current: Nullable(Result),
  open: Nullable(Type.Object({ id: Type.Integer(), answered: Type.Integer(), total: Type.Integer() })),
  rounds: Type.Array(Round, { description: 'Rounds of the person’s school open today' }),
  history: Type.Array(
    Type.Object({
      id: Type.Integer(),
      status: Type.Union([Type.Literal('open'), Type.Literal('submitted')]),
      startedAt: Type.String(),
      submittedAt: Nullable(Type.String()),
      levels: Type.Array(Type.Object({ areaId: Type.String(), name: Type.String(), level: Level })),
    }),
  ),
});

export const RoundBody = Type.Object(
  {
    opensOn: Type.Optional(DateString({ description: 'First day (default: today)' })),
    closesOn: DateString({ description: 'Last day to take it' }),
    message: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export const RoundOut = Round;

const AreaName = Type.Object({ id: Type.String(), name: Type.String() });

export const StaffLevels = Type.Object({
  framework: Type.Object({ id: Type.String(), name: Type.String(), levels: Type.Array(Level) }),
  areas: Type.Array(AreaName),
  rounds: Type.Array(Round),
  staff: Type.Array(
    Type.Object({
      userId: Type.Integer(),
      displayName: Type.String(),
      lastSubmittedAt: Nullable(Type.String()),
      inProgress: Type.Boolean(),
      taken: Type.Boolean({ description: 'Submitted since the latest round opened (ever, without a round)' }),
      levels: Type.Array(Nullable(Type.Integer()), { description: 'Level index per area, in `areas` order' }),
    }),
  ),
});

export const SchoolCounts = Type.Object({
  institutionId: Type.Integer(),
  framework: Type.Object({ id: Type.String(), name: Type.String(), levels: Type.Array(Level) }),
  staff: Type.Integer({ description: 'Teachers and directors of the school' }),
  assessed: Type.Integer({ description: 'Of them, with a level' }),
  areas: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      counts: Type.Array(Type.Integer(), { description: 'Teachers at each level, lowest first' }),
    }),
  ),
});
