import { Type, type Static } from 'typebox';
import { DateString, Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { FIGURE_KEYS } from '@/modules/policy/policy.figures';

/** Request and response schemas of the registry of policies (docs/policy.md, "The registry of policies"). */

/** What a policy document is. */
export const DOCUMENT_KINDS = ['law', 'strategy', 'state_programme', 'concept', 'regulation'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
/** Where a document stands: planned, in force, completed (a programme whose period ended), repealed. */
export const DOCUMENT_STATUSES = ['planned', 'in_force', 'completed', 'repealed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
/** The sections of the PEER technology-in-education profile's outline a document or partnership touches. */
export const PEER_TOPICS = ['1', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2'] as const;
/** PEER's comparison questions a document answers yes to. */
export const PEER_QUESTIONS = [
  'connectivity',
  'digital_skills_standards',
  'learner_skills_framework',
  'one_device',
  'data_privacy',
  'cyberbullying',
  'phone_ban',
  'lead_body',
] as const;
export type PeerQuestion = (typeof PEER_QUESTIONS)[number];

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Day = (description: string) => DateString({ description });
/** A text in each language; blank ones are allowed (a translation still to come), the service checks one is given. */
const LocalisedIn = (max: number, description: string) =>
  Type.Object(
    {
      az: Type.String({ maxLength: max }),
      ru: Type.String({ maxLength: max }),
      en: Type.String({ maxLength: max }),
    },
    { additionalProperties: false, description },
  );
const LocalisedOut = Type.Object({ az: Type.String(), ru: Type.String(), en: Type.String() });

export const DocumentParams = Type.Object({ documentId: Id('Policy document') });
export const TargetParams = Type.Object({ targetId: Id('Programme target') });
export const PartnershipParams = Type.Object({ partnershipId: Id('Partnership') });
/** A deletion names the version it read, as a save does. */
export const DeleteQuery = Type.Object({ version: VersionField }, { additionalProperties: false });

export const DocumentListQuery = Type.Object(
  {
    kind: Type.Optional(StringEnum(DOCUMENT_KINDS, { description: 'Only documents of this kind' })),
    status: Type.Optional(StringEnum(DOCUMENT_STATUSES, { description: 'Only documents in this state' })),
    topic: Type.Optional(StringEnum(PEER_TOPICS, { description: 'Only documents touching this section' })),
    q: Type.Optional(
      Type.String({ maxLength: 100, description: 'Words of the title, number or issuer, in any language' }),
    ),
  },
  { additionalProperties: false },
);

const documentFields = {
  kind: StringEnum(DOCUMENT_KINDS),
  title: LocalisedIn(500, 'The title in az/ru/en; at least one'),
  issuer: LocalisedIn(200, 'Who adopted it (the President, the Cabinet of Ministers, the ministry)'),
  number: Type.String({ maxLength: 50, description: 'The official number; empty when it has none' }),
  adoptedOn: Day('The day it was adopted'),
  amendedOn: Nullable(Day('The day of its last amendment')),
  periodStart: Nullable(Day('The first day of the period it covers')),
  periodEnd: Nullable(Day('The last day of the period it covers')),
  status: StringEnum(DOCUMENT_STATUSES),
  summary: LocalisedIn(5000, 'What it sets out, in az/ru/en'),
  url: Type.String({ maxLength: 500, description: 'The official text (https://…); empty when none' }),
  topics: Type.Array(StringEnum(PEER_TOPICS), { maxItems: PEER_TOPICS.length, uniqueItems: true }),
  peer: Type.Array(StringEnum(PEER_QUESTIONS), { maxItems: PEER_QUESTIONS.length, uniqueItems: true }),
};
export const DocumentBody = Type.Object(documentFields, { additionalProperties: false });
export type DocumentBody = Static<typeof DocumentBody>;
export const DocumentChangeBody = Type.Object(
  { version: VersionField, ...documentFields },
  { additionalProperties: false },
);
export type DocumentChangeBody = Static<typeof DocumentChangeBody>;

const targetFields = {
  description: LocalisedIn(500, 'What the target is, in az/ru/en; at least one'),
  indicator: StringEnum(FIGURE_KEYS, { description: 'The live figure that measures it' }),
  baseline: Type.Number({
    minimum: 0,
    maximum: 999_999_999_999,
    description: "The figure when the programme began, in the figure's unit (per cent for shares)",
  }),
  target: Type.Number({
    minimum: 0,
    maximum: 999_999_999_999,
    description: "The figure to reach, in the figure's unit (per cent for shares)",
  }),
  dueOn: Nullable(Day('When it is to be reached')),
};
export const TargetBody = Type.Object(targetFields, { additionalProperties: false });
export type TargetBody = Static<typeof TargetBody>;
export const TargetChangeBody = Type.Object(
  { version: VersionField, ...targetFields },
  { additionalProperties: false },
);
export type TargetChangeBody = Static<typeof TargetChangeBody>;

const partnershipFields = {
  partner: Type.String({ maxLength: 200, description: 'The company or organisation' }),
  contribution: LocalisedIn(1000, 'What it gave, in az/ru/en; at least one'),
  quantity: Nullable(
    Type.Integer({ minimum: 0, maximum: 2_000_000_000, description: 'How many, if counted' }),
  ),
  startedOn: Day('When it began'),
  endedOn: Nullable(Day('When it ended')),
  documentId: Nullable(Id('The document it was made under')),
  topics: Type.Array(StringEnum(PEER_TOPICS), { maxItems: PEER_TOPICS.length, uniqueItems: true }),
};
export const PartnershipBody = Type.Object(partnershipFields, { additionalProperties: false });
export type PartnershipBody = Static<typeof PartnershipBody>;
export const PartnershipChangeBody = Type.Object(
  { version: VersionField, ...partnershipFields },
  { additionalProperties: false },
);
export type PartnershipChangeBody = Static<typeof PartnershipChangeBody>;

/** A live figure as a target shows it. */
export const LiveFigure = Type.Object({
  key: Type.String(),
  label: Type.String(),
  value: Nullable(Type.Number()),
  unit: StringEnum(['count', 'share', 'ratio']),
  unitLabel: Type.String(),
  numerator: Nullable(Type.Number()),
  denominator: Nullable(Type.Number()),
  source: Type.String(),
  asOf: Type.String(),
  query: Type.String(),
  sql: Type.String(),
  topics: Type.Array(Type.String()),
});

export const Target = Type.Object({
  id: Type.Integer(),
  documentId: Type.Integer(),
  position: Type.Integer(),
  description: LocalisedOut,
  indicator: Type.String(),
  baseline: Type.Number(),
  target: Type.Number(),
  dueOn: Nullable(Type.String()),
  version: VersionOut,
  /** The figure now, in the target's unit (per cent for shares); null when there is nothing to count yet. */
  current: Nullable(Type.Number()),
  /** How far from the baseline to the target the figure is now, 0–1 (capped); null when unknown. */
  progress: Nullable(Type.Number()),
  reached: Type.Boolean(),
  /** Due and not reached. */
  overdue: Type.Boolean(),
  figure: LiveFigure,
});
export type Target = Static<typeof Target>;

export const PartnershipOut = Type.Object({
  id: Type.Integer(),
  partner: Type.String(),
  contribution: LocalisedOut,
  quantity: Nullable(Type.Integer()),
  startedOn: Type.String(),
  endedOn: Nullable(Type.String()),
  documentId: Nullable(Type.Integer()),
  /** The document's title, when it was made under one. */
  documentTitle: Nullable(LocalisedOut),
  topics: Type.Array(Type.String()),
  version: VersionOut,
  updatedAt: Type.String(),
});
export type PartnershipOut = Static<typeof PartnershipOut>;
export const PartnershipList = Type.Object({ items: Type.Array(PartnershipOut) });

const documentOut = {
  id: Type.Integer(),
  kind: StringEnum(DOCUMENT_KINDS),
  title: LocalisedOut,
  issuer: LocalisedOut,
  number: Type.String(),
  adoptedOn: Type.String(),
  amendedOn: Nullable(Type.String()),
  periodStart: Nullable(Type.String()),
  periodEnd: Nullable(Type.String()),
  status: StringEnum(DOCUMENT_STATUSES),
  summary: LocalisedOut,
  url: Type.String(),
  topics: Type.Array(Type.String()),
  peer: Type.Array(Type.String()),
  version: VersionOut,
  updatedAt: Type.String(),
};
export const DocumentSummary = Type.Object({
  ...documentOut,
  /** Its targets, and how many of them are reached now. */
  targets: Type.Integer(),
  targetsReached: Type.Integer(),
});
export const DocumentList = Type.Object({ items: Type.Array(DocumentSummary) });
export const PolicyDocument = Type.Object({
  ...documentOut,
  targets: Type.Array(Target),
  partnerships: Type.Array(PartnershipOut),
});
export type PolicyDocument = Static<typeof PolicyDocument>;

export const TimelineEvent = Type.Object({
  date: Type.String(),
  /** What happened that day. */
  event: StringEnum(['adopted', 'amended', 'period_start', 'period_end', 'partnership']),
  documentId: Nullable(Type.Integer()),
  partnershipId: Nullable(Type.Integer()),
  kind: Nullable(StringEnum(DOCUMENT_KINDS)),
  title: LocalisedOut,
  /** A partnership's partner; empty for a document. */
  partner: Type.String(),
  quantity: Nullable(Type.Integer()),
});
export const Timeline = Type.Object({
  years: Type.Array(Type.Object({ year: Type.Integer(), events: Type.Array(TimelineEvent) })),
});

export const PeerAnswers = Type.Object({
  items: Type.Array(
    Type.Object({
      question: StringEnum(PEER_QUESTIONS),
      /** The question, in the caller's language. */
      text: Type.String(),
      /** Yes when a document in force (or planned) answers it. */
      answer: Type.Boolean(),
      documents: Type.Array(
        Type.Object({
          id: Type.Integer(),
          kind: StringEnum(DOCUMENT_KINDS),
          title: LocalisedOut,
          adoptedOn: Type.String(),
          status: StringEnum(DOCUMENT_STATUSES),
        }),
      ),
    }),
  ),
});

export const FigureQuery = Type.Object(
  {
    key: Type.Optional(
      Type.Array(StringEnum(FIGURE_KEYS), {
        maxItems: FIGURE_KEYS.length,
        description: 'Only these figures (repeat the parameter); all when none',
      }),
    ),
  },
  { additionalProperties: false },
);
export const FigureList = Type.Object({ items: Type.Array(LiveFigure) });
