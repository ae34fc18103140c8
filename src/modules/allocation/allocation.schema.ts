import { Type, type Static, type TSchema } from 'typebox';
import { DateString, Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { ALLOCATION_KINDS, CRITERIA } from '@/modules/allocation/allocation.core';
import { APPLICATION_STATES, BATCH_STATES, PLAN_STATES } from '@/modules/allocation/allocation.tables';

const Id = (description = 'Id') => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Units = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000, description });
const Day = (description: string) => DateString({ description });
const Names = { nameAz: Type.String(), nameRu: Type.String(), nameEn: Type.String() };

/** A device kind the plan distributes. */
export const Kind = StringEnum(ALLOCATION_KINDS, { description: 'Device kind' });

/** One value per kind, every kind present. */
const perKind = <T extends TSchema>(value: (kind: string) => T) =>
  Type.Object(
    {
      desktop: value('desktop'),
      laptop: value('laptop'),
      tablet: value('tablet'),
      projector: value('projector'),
      interactive_board: value('interactive_board'),
    },
    { additionalProperties: false },
  );
/** One value per kind, any kind left out. */
const somePerKind = <T extends TSchema>(value: (kind: string) => T) =>
  Type.Object(
    {
      desktop: Type.Optional(value('desktop')),
      laptop: Type.Optional(value('laptop')),
      tablet: Type.Optional(value('tablet')),
      projector: Type.Optional(value('projector')),
      interactive_board: Type.Optional(value('interactive_board')),
    },
    { additionalProperties: false },
  );

/** Weights of the scoring criteria; only their proportions matter. */
export const WeightsSchema = Type.Object(
  Object.fromEntries(
    CRITERIA.map((c) => [c, Type.Number({ minimum: 0, maximum: 100, description: `Weight of ${c}` })]),
  ) as Record<(typeof CRITERIA)[number], ReturnType<typeof Type.Number>>,
  { additionalProperties: false },
);

/** A plan's rules. */
export const RulesSchema = Type.Object(
  {
    units: perKind((k) => Units(`Units of ${k} to distribute`)),
    unitPrices: somePerKind((k) =>
      Type.Number({ minimum: 0, maximum: 10_000_000, description: `Price of one ${k}, manat` }),
    ),
    budget: Nullable(Type.Number({ minimum: 0, maximum: 1e12, description: 'Money available, manat' })),
    norm: Type.Number({ minimum: 1, maximum: 1000, description: 'National norm: learners per computer' }),
    lotSize: Type.Integer({ minimum: 1, maximum: 1000, description: 'Units per lot' }),
    regionalMinimums: Type.Array(
      Type.Object(
        {
          regionId: Id('An economic region'),
          kind: Kind,
          units: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Units at least' }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 200, description: 'Units of a kind a region gets at least' },
    ),
    weights: WeightsSchema,
    recentYears: Type.Integer({
      minimum: 0,
      maximum: 10,
      description: 'A school served in this many past years is not "unserved" for equity',
    }),
  },
  { additionalProperties: false },
);

/** A plan as the ministry writes it. */
export const PlanBody = Type.Object(
  {
    academicYearId: Id('The academic year the plan is for'),
    name: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Name; written on delivered devices as funding programme',
    }),
    rules: RulesSchema,
    applicationsOpenOn: Day('First day of the application window'),
    applicationsCloseOn: Day('Last day of the application window'),
    appealsCloseOn: Day('Last day of the appeals window'),
  },
  { additionalProperties: false },
);
/** A plan as the service takes it. */
export type PlanInput = Static<typeof PlanBody>;

/** A plan's change: the whole plan, with the edit version it was read at. */
export const PlanChangeBody = Type.Object(
  {
    editVersion: Type.Integer({
      minimum: 0,
      maximum: 2147483647,
      description:
        'The `editVersion` of the plan as read (not its published `version`); a save from an older one is refused with 409 `stale_version`',
    }),
    ...PlanBody.properties,
  },
  { additionalProperties: false },
);
/** A plan's change as the service takes it. */
export type PlanChange = Static<typeof PlanChangeBody>;

/** A plan in the path. */
export const PlanParams = Type.Object({ planId: Id('Plan') });
/** A plan and a school in the path. */
export const PlanSchoolParams = Type.Object({ planId: Id('Plan'), id: Id('Institution') });
/** An application in the path. */
export const ApplicationParams = Type.Object({ applicationId: Id('Application') });
/** A delivery batch in the path. */
export const BatchParams = Type.Object({ batchId: Id('Delivery batch') });

/** A plan as answers show it: its rules, state, windows, cost and published versions. */
export const Plan = Type.Object({
  id: Type.Integer(),
  academicYearId: Type.Integer(),
  name: Type.String(),
  state: StringEnum(PLAN_STATES),
  /** The latest published version; 0 while a draft never published. */
  version: Type.Integer({
    description: 'The number of the latest published version; 0 while never published',
  }),
  editVersion: Type.Integer({
    description:
      'Bumped by every change of the plan (a save, publishing, approval); send it back as `editVersion` when saving the plan',
  }),
  rules: RulesSchema,
  applicationsOpenOn: Type.String(),
  applicationsCloseOn: Type.String(),
  appealsCloseOn: Type.String(),
  approvedAt: Nullable(Type.String({ format: 'date-time' })),
  /** The total price of the units, when every distributed kind has a price. */
  cost: Nullable(Type.Number()),
  versions: Type.Array(Type.Object({ version: Type.Integer(), publishedAt: Type.String() })),
});

/** The plans, newest first. */
export const PlanList = Type.Object({ items: Type.Array(Type.Omit(Plan, ['versions'])) });

/** A director's application. */
export const ApplicationBody = Type.Object(
  {
    requested: somePerKind((k) =>
      Type.Integer({ minimum: 0, maximum: 100_000, description: `Units of ${k} wanted` }),
    ),
    justification: Type.String({ minLength: 1, maxLength: 4000, description: 'Why the school needs them' }),
  },
  { additionalProperties: false },
);
/** An application as the service takes it. */
export type ApplicationInput = Static<typeof ApplicationBody>;

/** A director's application as saved: with the version it was read at (0 while the school has not applied). */
export const ApplicationChangeBody = Type.Object(
  { version: VersionField, ...ApplicationBody.properties },
  { additionalProperties: false },
);
/** An application's save as the service takes it. */
export type ApplicationChange = Static<typeof ApplicationChangeBody>;

/** The examiner's checklist: each gate passed or not. */
export const GATES = ['complete', 'electricity', 'secureRoom', 'audited'] as const;
/** The reason code for each failed gate. */
export const GATE_REASONS = {
  complete: 'incomplete',
  electricity: 'no_electricity',
  secureRoom: 'no_secure_room',
  audited: 'not_audited',
} as const;

/** The examiner's decision: each gate passed or not, and a note. */
export const ExamineBody = Type.Object(
  {
    gates: Type.Object(
      Object.fromEntries(GATES.map((g) => [g, Type.Boolean({ description: `Gate: ${g}` })])) as Record<
        (typeof GATES)[number],
        ReturnType<typeof Type.Boolean>
      >,
      { additionalProperties: false },
    ),
    note: Type.Optional(Type.String({ maxLength: 2000, description: "The examiner's note" })),
  },
  { additionalProperties: false },
);

/** A school's appeal against an ineligible decision. */
export const AppealBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 4000, description: 'Why the decision is wrong' }) },
  { additionalProperties: false },
);

/** The school's registry state as the distribution sees it. */
export const Facts = Type.Object({
  reporting: Type.Boolean(),
  recordState: Nullable(Type.String()),
  electricity: Nullable(Type.Boolean()),
  classrooms: Nullable(Type.Integer()),
  students: Type.Integer(),
  largestShift: Type.Integer(),
  laterShiftStudents: Type.Integer(),
  computers: Type.Integer(),
  projectors: Type.Integer(),
  boards: Type.Integer(),
  linkTypes: Type.Array(Type.String()),
  educationNetwork: Type.Boolean(),
  verifiedProjects: Type.Array(Type.String()),
  rural: Type.Boolean(),
  /** Learners of the largest shift per computer; null without computers. */
  ratio: Nullable(Type.Number()),
});

/** An application with its registration, examination (reason codes and their texts) and appeal. */
export const Application = Type.Object({
  id: Type.Integer(),
  planId: Type.Integer(),
  institutionId: Type.Integer(),
  code: Type.String(),
  ...Names,
  state: StringEnum(APPLICATION_STATES),
  version: VersionOut,
  requested: Type.Record(Type.String(), Type.Integer()),
  justification: Type.String(),
  snapshot: Type.Unknown(),
  submittedAt: Type.String(),
  registrationNumber: Nullable(Type.String()),
  registeredAt: Nullable(Type.String()),
  gates: Nullable(Type.Record(Type.String(), Type.Boolean())),
  reasons: Type.Array(Type.String()),
  reasonTexts: Type.Array(Type.String()),
  examinationNote: Nullable(Type.String()),
  examinedAt: Nullable(Type.String()),
  appealText: Nullable(Type.String()),
  appealedAt: Nullable(Type.String()),
});

/** A plan's applications, in the order they came. */
export const ApplicationList = Type.Object({ items: Type.Array(Application) });

/** The examiner's view of an application: the checklist prefilled from the registry. */
export const ApplicationDetail = Type.Object({
  application: Application,
  facts: Facts,
  suggestedGates: Type.Record(Type.String(), Nullable(Type.Boolean())),
});

const Criteria = Type.Object(
  Object.fromEntries(CRITERIA.map((c) => [c, Type.Number()])) as Record<
    (typeof CRITERIA)[number],
    ReturnType<typeof Type.Number>
  >,
);

const Awarded = Type.Record(Type.String(), Type.Integer());

/** A school's page of a plan: its registry state, application, score, award and deliveries. */
export const SchoolView = Type.Object({
  plan: Type.Omit(Plan, ['versions']),
  institutionId: Type.Integer(),
  facts: Facts,
  application: Nullable(Application),
  /**
   * Whether the school keeps a device inventory. A school that only reports counts has, after its first
   * delivered item, its counts made from its items (the registry's rule): it should enter its older devices.
   */
  hasInventory: Type.Boolean(),
  /** Open: the school may apply or change its application today. */
  windowOpen: Type.Boolean(),
  appealOpen: Type.Boolean(),
  score: Nullable(Type.Object({ criteria: Criteria, score: Type.Number(), rank: Type.Integer() })),
  /** The lowest score that gets devices (projected until the plan is approved). */
  cutOff: Nullable(Type.Number()),
  awarded: Awarded,
  batches: Type.Array(
    Type.Object({
      id: Type.Integer(),
      state: StringEnum(BATCH_STATES),
      createdAt: Type.String(),
      confirmedAt: Nullable(Type.String()),
      note: Nullable(Type.String()),
      items: Type.Array(
        Type.Object({
          kind: Type.String(),
          units: Type.Integer(),
          received: Nullable(Type.Integer()),
          serials: Type.Array(Type.String()),
        }),
      ),
    }),
  ),
});

/** A page of the ranking. */
export const RankingQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 5000, default: 100, description: 'Page size' }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'Rows to skip' }),
  },
  { additionalProperties: false },
);

/** Eligible schools by score, criterion by criterion, with what each gets and the cut-off. */
export const Ranking = Type.Object({
  cutOff: Nullable(Type.Number()),
  total: Type.Integer(),
  items: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      institutionId: Type.Integer(),
      code: Type.String(),
      ...Names,
      regionId: Nullable(Type.Integer()),
      score: Type.Number(),
      criteria: Criteria,
      awarded: Awarded,
    }),
  ),
});

/** What a simulation changes: any of weights, units, norm and lot size. */
export const SimulateBody = Type.Object(
  {
    weights: Type.Optional(WeightsSchema),
    units: Type.Optional(perKind((k) => Units(`Units of ${k} to distribute`))),
    norm: Type.Optional(Type.Number({ minimum: 1, maximum: 1000, description: 'Learners per computer' })),
    lotSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Units per lot' })),
  },
  { additionalProperties: false },
);

const FiguresSchema = Type.Object({
  schools: Type.Integer(),
  students: Type.Integer(),
  computers: Type.Integer(),
  ratio: Nullable(Type.Number()),
  shiftRatio: Nullable(Type.Number()),
  meetingNorm: Nullable(Type.Number()),
});

const Outcome = Type.Object({
  cutOff: Nullable(Type.Number()),
  schoolsServed: Type.Integer(),
  allocated: Awarded,
  leftover: Awarded,
  national: Type.Object({ before: FiguresSchema, after: FiguresSchema }),
  regions: Type.Array(
    Type.Object({
      regionId: Nullable(Type.Integer()),
      code: Nullable(Type.String()),
      ...Names,
      units: Type.Integer(),
      before: FiguresSchema,
      after: FiguresSchema,
    }),
  ),
});

/** The plan as it stands and the variant asked for, side by side. */
export const Simulation = Type.Object({ current: Outcome, variant: Outcome });

/** The format of the published list. */
export const ListQuery = Type.Object(
  {
    format: Type.Optional(
      StringEnum(['json', 'csv', 'xlsx', 'pdf'] as const, { description: 'Answer format (default JSON)' }),
    ),
  },
  { additionalProperties: false },
);

/** An approved plan's list: every school that gets devices. */
export const AwardList = Type.Object({
  plan: Type.Omit(Plan, ['versions']),
  items: Type.Array(
    Type.Object({
      institutionId: Type.Integer(),
      code: Type.String(),
      ...Names,
      score: Type.Number(),
      awarded: Awarded,
    }),
  ),
});

/** A delivery batch: the school and the units per kind sent. */
export const BatchBody = Type.Object(
  {
    institutionId: Id('The school the batch goes to'),
    items: Type.Array(
      Type.Object(
        { kind: Kind, units: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Units sent' }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: ALLOCATION_KINDS.length },
    ),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Carrier, waybill, …' })),
  },
  { additionalProperties: false },
);

/** A school's receipt: per kind, the units received and one serial number each. */
export const ConfirmBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          kind: Kind,
          received: Type.Integer({ minimum: 0, maximum: 100_000, description: 'Units that arrived' }),
          serials: Type.Array(
            Type.String({
              minLength: 1,
              maxLength: 100,
              pattern: '^[A-Za-z0-9._/-]+$',
              description: 'Serial number',
            }),
            { maxItems: 100_000, description: 'One serial per unit received' },
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: ALLOCATION_KINDS.length },
    ),
  },
  { additionalProperties: false },
);

/** A delivery batch with what was sent and what the school received. */
export const Batch = Type.Object({
  id: Type.Integer(),
  planId: Type.Integer(),
  institutionId: Type.Integer(),
  state: StringEnum(BATCH_STATES),
  createdAt: Type.String(),
  confirmedAt: Nullable(Type.String()),
  note: Nullable(Type.String()),
  items: Type.Array(
    Type.Object({
      kind: Type.String(),
      units: Type.Integer(),
      received: Nullable(Type.Integer()),
      serials: Type.Array(Type.String()),
    }),
  ),
});

/** Per school and kind: awarded, sent, received, undelivered. */
export const Deliveries = Type.Object({
  items: Type.Array(
    Type.Object({
      institutionId: Type.Integer(),
      code: Type.String(),
      ...Names,
      kind: Type.String(),
      awarded: Type.Integer(),
      sent: Type.Integer(),
      received: Type.Integer(),
      /** Awarded but not (yet) confirmed received. */
      undelivered: Type.Integer(),
    }),
  ),
});
