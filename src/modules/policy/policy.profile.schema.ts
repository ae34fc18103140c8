import { Type } from 'typebox';
import { Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { NOTE_MAX, SECTION_TEXT_MAX, SECTIONS } from '@/modules/policy/policy.profile.messages';

/** Schemas of the country profile: its sections' text, the generated profile, its editions and their comparison. */

const Lang = StringEnum(['az', 'ru', 'en'], {
  description: 'The language of the answer (the caller’s Accept-Language when not given)',
});

export const SectionParam = Type.Object(
  { section: StringEnum(SECTIONS, { description: 'A section of the PEER outline: 1, 2.1 … 3.2' }) },
  { additionalProperties: false },
);

export const EditionParams = Type.Object(
  { number: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'The edition’s number' }) },
  { additionalProperties: false },
);

export const LangQuery = Type.Object({ lang: Type.Optional(Lang) }, { additionalProperties: false });

const text = (max: number, description: string) => Type.String({ maxLength: max, description });

/** The ministry's text of a section, in each language. */
export const SectionBody = Type.Object(
  {
    version: VersionField,
    body: Type.Object(
      {
        az: text(SECTION_TEXT_MAX, 'In Azerbaijani; paragraphs separated by an empty line'),
        ru: text(SECTION_TEXT_MAX, 'In Russian'),
        en: text(SECTION_TEXT_MAX, 'In English'),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const LocalisedOut = Type.Object({ az: Type.String(), ru: Type.String(), en: Type.String() });

export const SectionText = Type.Object({
  section: Type.String(),
  title: Type.String({ description: 'The section’s heading in the caller’s language' }),
  body: LocalisedOut,
  version: VersionOut,
  updatedAt: Nullable(Type.String()),
  updatedBy: Nullable(Type.String()),
});

export const SectionTexts = Type.Object({ items: Type.Array(SectionText) });

const Figure = Type.Object({
  key: Type.String({ description: 'Stable key of the figure in the catalogue' }),
  label: Type.String(),
  value: Nullable(Type.Number()),
  unit: Type.String({ description: 'What the value counts, e.g. `count`, `ratio`, `percent`' }),
  display: Type.String({ description: 'The value written in the answer’s language' }),
  source: Type.String({ description: 'Where the figure comes from: the platform’s module and register' }),
  asOf: Type.String({ description: 'The day the figure stands at (YYYY-MM-DD)' }),
  query: Type.String({ description: 'How it was computed, in words' }),
  sql: Type.String({ description: 'The query itself: the service call or SQL that produced it' }),
});

const DocumentOut = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  kindName: Type.String(),
  title: Type.String(),
  number: Type.String(),
  adoptedOn: Type.String(),
  status: Type.String(),
  statusName: Type.String(),
  url: Type.String(),
});

const PartnershipOut = Type.Object({
  id: Type.Integer(),
  partner: Type.String(),
  contribution: Type.String(),
  quantity: Nullable(Type.Integer()),
  startedOn: Type.String(),
});

const PeerAnswerOut = Type.Object({
  question: Type.String({
    description: 'PEER comparison question: connectivity, digital_skills_standards, …',
  }),
  text: Type.String({ description: 'The question in the answer’s language' }),
  answer: Type.Boolean({ description: 'Yes when a document in force or planned answers it' }),
  answerName: Type.String({ description: 'Yes or no in the answer’s language' }),
  documents: Type.Array(
    Type.Object({
      id: Type.Integer(),
      title: Type.String(),
      number: Type.String(),
      adoptedOn: Type.String(),
      status: Type.String(),
      statusName: Type.String(),
      url: Type.String(),
    }),
  ),
});

const SectionOut = Type.Object({
  id: Type.String(),
  part: Nullable(Type.Object({ id: Type.String(), title: Type.String() })),
  title: Type.String(),
  text: Type.String(),
  figures: Type.Array(Figure),
  documents: Type.Array(DocumentOut),
  partnerships: Type.Array(PartnershipOut),
  /** PEER's comparison questions answered from the registry: in section 2.1 only (empty elsewhere, and in
   * editions published before the profile had them). */
  peer: Type.Array(PeerAnswerOut),
});

const EditionRef = Type.Object({
  number: Type.Integer(),
  publishedAt: Type.String(),
  note: Type.String(),
});

export const Profile = Type.Object({
  lang: Type.String(),
  title: Type.String(),
  country: Type.String(),
  generatedAt: Type.String({ description: 'When the figures were read' }),
  edition: Nullable(EditionRef),
  sections: Type.Array(SectionOut),
});

export const EditionList = Type.Object({
  version: Type.Integer({
    description: 'The newest edition’s number (0: none yet); send it back when publishing the next',
  }),
  items: Type.Array(EditionRef),
});

export const PublishBody = Type.Object(
  {
    version: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      description:
        'The newest edition’s number as read; a publication made from an older list is refused (409)',
    }),
    note: Type.Object(
      {
        az: text(NOTE_MAX, 'What this edition is, in Azerbaijani'),
        ru: text(NOTE_MAX, 'In Russian'),
        en: text(NOTE_MAX, 'In English'),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const FigureChange = Type.Object({
  key: Type.String(),
  label: Type.String(),
  before: Nullable(Type.Number()),
  after: Nullable(Type.Number()),
  beforeDisplay: Type.String(),
  afterDisplay: Type.String(),
});

const EntryChange = Type.Object({ id: Type.Integer(), title: Type.String() });

export const Changes = Type.Object({
  from: Nullable(EditionRef),
  to: Nullable(EditionRef),
  /** When `to` is the live profile: when it was generated. */
  generatedAt: Type.String(),
  changed: Type.Integer({ description: 'How many sections changed' }),
  sections: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      textChanged: Type.Boolean(),
      textBefore: Type.String(),
      textAfter: Type.String(),
      figures: Type.Array(FigureChange),
      figuresAdded: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
      figuresRemoved: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
      documentsAdded: Type.Array(EntryChange),
      documentsRemoved: Type.Array(EntryChange),
      partnershipsAdded: Type.Array(EntryChange),
      partnershipsRemoved: Type.Array(EntryChange),
      /** PEER answers that changed; `before` null when the earlier profile had no answer. */
      peer: Type.Array(
        Type.Object({
          question: Type.String(),
          text: Type.String(),
          before: Nullable(Type.Boolean()),
          after: Type.Boolean(),
          beforeName: Type.String(),
          afterName: Type.String(),
        }),
      ),
    }),
  ),
});
