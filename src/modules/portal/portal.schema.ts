import { Type, type Static } from 'typebox';
import { DateTimeString, Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { LOCALES } from '@/server/i18n';

/** Request and response schemas of the portal's news and events (docs/portal.md). */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
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

export const PLACE_KINDS = ['nation', 'area', 'institution'] as const;
/** Where an item belongs: the nation, an area (region or district) or a school. */
export const PlaceIn = Type.Object(
  {
    kind: StringEnum(PLACE_KINDS, { description: 'nation, area (region or district) or institution' }),
    areaId: Type.Optional(Nullable(Id('The area, for kind area'))),
    institutionId: Type.Optional(Nullable(Id('The school, for kind institution'))),
  },
  { additionalProperties: false, description: 'Where the item belongs, and so who publishes it' },
);
export const PlaceOut = Type.Object({
  kind: StringEnum(PLACE_KINDS),
  areaId: Nullable(Type.Integer()),
  institutionId: Nullable(Type.Integer()),
  name: Type.String(),
});

export const ArticleParams = Type.Object({ articleId: Id('News item') });
export const EventParams = Type.Object({ eventId: Id('Event') });
export const DeleteQuery = Type.Object({ version: VersionField }, { additionalProperties: false });

/** A news item as its editor sends it. */
const articleFields = {
  place: PlaceIn,
  title: LocalisedIn(200, 'The headline in each language; at least one'),
  summary: LocalisedIn(600, 'A plain-text lead in each language'),
  body: LocalisedIn(100_000, 'The text in each language, as HTML (sanitised on saving)'),
  tags: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10, description: 'Tags, e.g. olympiad' }),
  publishAt: Nullable(
    DateTimeString({ description: 'When it appears; null keeps it a draft; a future time schedules it' }),
  ),
};
export const ArticleBody = Type.Object(articleFields, { additionalProperties: false });
export type ArticleBody = Static<typeof ArticleBody>;
export const ArticleChangeBody = Type.Object(
  { version: VersionField, ...articleFields },
  { additionalProperties: false },
);

/** A news item's cover image as shown: where to fetch it, its size in pixels and its text for screen readers. */
export const CoverOut = Type.Object({
  url: Type.String({ description: 'The image, under /api/portal/covers/ (its bytes never change)' }),
  width: Type.Integer(),
  height: Type.Integer(),
  alt: Type.String({ description: "Its alternative text in the item's language" }),
});
export type CoverOut = Static<typeof CoverOut>;
/** A cover as its editors see it: its alternative text in every language. */
export const CoverEdit = Type.Object({
  url: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  bytes: Type.Integer(),
  alt: LocalisedOut,
});
/** The cover's upload: the item's version read and the alternative text (the image is the raw body). */
export const CoverQuery = Type.Object(
  {
    version: VersionField,
    altAz: Type.Optional(Type.String({ maxLength: 300, description: 'Alternative text in Azerbaijani' })),
    altRu: Type.Optional(Type.String({ maxLength: 300, description: 'Alternative text in Russian' })),
    altEn: Type.Optional(Type.String({ maxLength: 300, description: 'Alternative text in English' })),
  },
  { additionalProperties: false },
);
export type CoverQuery = Static<typeof CoverQuery>;
export const CoverParams = Type.Object({
  name: Type.String({
    pattern: '^[1-9][0-9]{0,9}-[0-9a-f]{64}\\.(jpg|png|webp)$',
    description: 'The cover file: <news item>-<SHA-256>.<jpg|png|webp>',
  }),
});

/** A news item as its editors see it: every language, drafts and scheduled ones too. */
export const ArticleEdit = Type.Object({
  id: Type.Integer(),
  version: VersionOut,
  place: PlaceOut,
  title: LocalisedOut,
  summary: LocalisedOut,
  body: LocalisedOut,
  tags: Type.Array(Type.String()),
  publishAt: Nullable(Type.String()),
  status: StringEnum(['draft', 'scheduled', 'published'] as const),
  updatedAt: Type.String(),
  cover: Type.Optional(Nullable(CoverEdit)),
});
export type ArticleEdit = Static<typeof ArticleEdit>;
export const ArticleEditList = Type.Object({ items: Type.Array(ArticleEdit) });

const Lang = StringEnum(LOCALES);
/** A published news item as readers see it, in one language. */
export const ArticleCard = Type.Object({
  id: Type.Integer(),
  place: PlaceOut,
  title: Type.String(),
  summary: Type.String(),
  /** The language shown; differs from the reader's when a translation is missing. */
  lang: Lang,
  fallback: Type.Boolean({ description: "True when shown in another language than the reader's" }),
  tags: Type.Array(Type.String()),
  publishAt: Type.String(),
  cover: Type.Optional(Nullable(CoverOut)),
});
export type ArticleCard = Static<typeof ArticleCard>;
export const Article = Type.Object({
  ...ArticleCard.properties,
  body: Type.String({ description: 'Sanitised HTML' }),
  languages: Type.Array(Lang, { description: 'The languages it is written in' }),
});
export type Article = Static<typeof Article>;

const AreaQuery = {
  areaId: Type.Optional(Id('Near this area: its items, those above it and (lists) those under it')),
  institutionId: Type.Optional(Id("Only this school's items")),
};
export const NewsQuery = Type.Object(
  {
    ...AreaQuery,
    tag: Type.Optional(Type.String({ maxLength: 40, description: 'Only items with this tag' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Page, 20 items each' })),
  },
  { additionalProperties: false },
);
export const NewsList = Type.Object({ items: Type.Array(ArticleCard), more: Type.Boolean() });

// ---------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------

/** A local wall-clock time in the event's time zone, `YYYY-MM-DDTHH:mm`. */
const LocalTime = (description: string) =>
  Type.String({ pattern: '^(19|2[01])\\d{2}-[01]\\d-[0-3]\\dT[0-2]\\d:[0-5]\\d$', description });

export const REPEATS = ['weekly', 'monthly'] as const;
export const AUDIENCE_ROLES = ['student', 'parent', 'teacher', 'director'] as const;

const eventFields = {
  place: PlaceIn,
  title: LocalisedIn(200, 'The name in each language; at least one'),
  description: LocalisedIn(4000, 'A plain-text description in each language'),
  start: LocalTime('Start, local time in timeZone'),
  end: LocalTime('End, local time in timeZone'),
  timeZone: Type.String({ maxLength: 60, description: 'IANA time zone, e.g. Asia/Baku' }),
  repeat: Nullable(StringEnum(REPEATS, { description: 'weekly or monthly; null for a single event' })),
  repeatCount: Nullable(Type.Integer({ minimum: 2, maximum: 200, description: 'How many times in all' })),
  repeatUntil: Nullable(LocalTime('The last day it may repeat on, local time')),
  venue: Type.String({ maxLength: 300, description: 'Where, for an event in person' }),
  onlineUrl: Type.String({ maxLength: 500, description: 'A https:// link, for an event online' }),
  grades: Type.Array(Type.Integer({ minimum: 0, maximum: 12 }), {
    maxItems: 13,
    description: 'The grades it is for; empty for all',
  }),
  roles: Type.Array(StringEnum(AUDIENCE_ROLES), { maxItems: 4, description: 'Who it is for; empty for all' }),
  capacity: Nullable(
    Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Places; null takes no registration' }),
  ),
};
export const EventBody = Type.Object(eventFields, { additionalProperties: false });
export type EventBody = Static<typeof EventBody>;
export const EventChangeBody = Type.Object(
  { version: VersionField, ...eventFields },
  { additionalProperties: false },
);

const EventCommon = {
  id: Type.Integer(),
  place: PlaceOut,
  startsAt: Type.String(),
  endsAt: Type.String(),
  timeZone: Type.String(),
  repeat: Nullable(StringEnum(REPEATS)),
  repeatCount: Nullable(Type.Integer()),
  repeatUntil: Nullable(Type.String()),
  venue: Type.String(),
  onlineUrl: Type.String(),
  grades: Type.Array(Type.Integer()),
  roles: Type.Array(Type.String()),
  capacity: Nullable(Type.Integer()),
  registered: Type.Integer(),
};

export const EventEdit = Type.Object({
  ...EventCommon,
  version: VersionOut,
  title: LocalisedOut,
  description: LocalisedOut,
  start: Type.String(),
  end: Type.String(),
  repeatUntilLocal: Nullable(Type.String()),
});
export type EventEdit = Static<typeof EventEdit>;
export const EventEditList = Type.Object({ items: Type.Array(EventEdit) });

export const EventOut = Type.Object({
  ...EventCommon,
  title: Type.String(),
  description: Type.String(),
  lang: Lang,
  fallback: Type.Boolean(),
  /** Whether the caller is registered (false for a visitor). */
  mine: Type.Boolean(),
  /** The next occurrences from now (up to 10). */
  next: Type.Array(Type.Object({ startsAt: Type.String(), endsAt: Type.String() })),
});
export type EventOut = Static<typeof EventOut>;

/** One occurrence of an event in the calendar. */
export const Occurrence = Type.Object({
  eventId: Type.Integer(),
  place: PlaceOut,
  title: Type.String(),
  lang: Lang,
  fallback: Type.Boolean(),
  startsAt: Type.String(),
  endsAt: Type.String(),
  timeZone: Type.String(),
  venue: Type.String(),
  online: Type.Boolean(),
});
export type Occurrence = Static<typeof Occurrence>;
export const CalendarQuery = Type.Object(
  {
    ...AreaQuery,
    from: Type.Optional(DateTimeString({ description: 'From this time (default now)' })),
    days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 366, description: 'How many days (default 60)' }),
    ),
  },
  { additionalProperties: false },
);
export const Calendar = Type.Object({ occurrences: Type.Array(Occurrence) });
export const Registration = Type.Object({ registered: Type.Integer(), mine: Type.Boolean() });

// ---------------------------------------------------------------------------------------------------------
// Home, places, feeds
// ---------------------------------------------------------------------------------------------------------

export const HomeQuery = Type.Object(
  { areaId: Type.Optional(Id('The area picked by a visitor')) },
  { additionalProperties: false },
);
export const Home = Type.Object({
  /** The area the page is about (picked, or the signed-in person's), null: the nation. */
  area: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  school: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  news: Type.Array(ArticleCard),
  events: Type.Array(Occurrence),
  areas: Type.Array(
    Type.Object({
      id: Type.Integer(),
      parentId: Nullable(Type.Integer()),
      kind: Type.String(),
      name: Type.String(),
    }),
  ),
});
export type Home = Static<typeof Home>;

export const PublishPlaces = Type.Object({
  nation: Type.Boolean(),
  areas: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
  schools: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
});

export const AreaFeedParams = Type.Object({ areaId: Id('Area') });
export const SchoolFeedParams = Type.Object({ institutionId: Id('School') });
