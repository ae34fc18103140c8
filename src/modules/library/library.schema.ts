import { Type, type Static } from 'typebox';
import { DateString, Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import {
  ACCESSIBILITY_FEATURES,
  COLLECTION_KINDS,
  EDUCATION_LEVELS,
  FILE_ROLES,
  LICENCES,
  PROCESSING_STATES,
  RESOURCE_LANGUAGES,
  RESOURCE_STATES,
  RESOURCE_TYPES,
} from '@/modules/library/library.tables';
import { DURATION_BUCKETS, SEARCH_CANDIDATES } from '@/modules/library/library.store';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Grade = Type.Integer({ minimum: 1, maximum: 20 });
const SubjectCode = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.-]+$' });
const Text = (maxLength: number, description: string, minLength = 0) =>
  Type.String({ minLength, maxLength, description });

/** `:id` of a resource. */
export const ResourceParams = Type.Object({ id: Id }, { additionalProperties: false });
/** `:fileId` of a file. */
export const FileParams = Type.Object({ fileId: Id }, { additionalProperties: false });
/** `:fileId` and the name of an HLS playlist or segment. */
export const HlsParams = Type.Object(
  {
    fileId: Id,
    name: Type.String({ pattern: '^[a-z0-9_]{1,40}\\.(m3u8|ts)$', description: 'Playlist or segment name' }),
  },
  { additionalProperties: false },
);

/** The description of a resource an editor writes. */
export const ResourceBody = Type.Object(
  {
    /** What kind of resource this is. */
    type: StringEnum(RESOURCE_TYPES, { description: 'Kind of resource' }),
    title: Text(300, 'Title', 1),
    description: Type.Optional(Text(10_000, 'Description')),
    language: StringEnum(RESOURCE_LANGUAGES, { description: 'Language of the resource' }),
    level: StringEnum(EDUCATION_LEVELS, { description: 'Education level' }),
    grades: Type.Array(Grade, { maxItems: 20, uniqueItems: true, description: 'Grades it is for' }),
    subject: Nullable(SubjectCode),
    topicIds: Type.Optional(
      Type.Array(Id, { maxItems: 50, uniqueItems: true, description: 'Curriculum topics' }),
    ),
    authors: Type.Array(Text(200, 'An author', 1), { maxItems: 50, description: 'Authors' }),
    publisher: Nullable(Type.String({ minLength: 1, maxLength: 300, description: 'Programme or publisher' })),
    channel: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: 200, description: 'TV channel' })),
    ),
    airDate: Type.Optional(Nullable(DateString({ description: 'Day a TV lesson was aired' }))),
    durationSeconds: Type.Optional(
      Nullable(
        Type.Integer({
          minimum: 0,
          maximum: 1_000_000,
          description: 'Duration (media); set by processing when empty',
        }),
      ),
    ),
    pages: Type.Optional(
      Nullable(Type.Integer({ minimum: 1, maximum: 100_000, description: 'Pages (books)' })),
    ),
    licence: StringEnum(LICENCES, { description: 'Licence' }),
    accessibility: Type.Array(StringEnum(ACCESSIBILITY_FEATURES), {
      maxItems: ACCESSIBILITY_FEATURES.length,
      uniqueItems: true,
      description: 'Accessibility features',
    }),
  },
  { additionalProperties: false },
);
export type ResourceBody = Static<typeof ResourceBody>;

/** A change to a draft: any of the fields above. */
export const PatchResourceBody = Type.Partial(ResourceBody, {
  additionalProperties: false,
  minProperties: 1,
});
export type PatchResourceBody = Static<typeof PatchResourceBody>;

/** A reviewer's decision. */
export const ReviewBody = Type.Object(
  {
    decision: StringEnum(['publish', 'reject'], { description: 'Publish it, or send it back to draft' }),
    note: Type.Optional(Text(2000, 'Why (shown to the author)')),
  },
  { additionalProperties: false },
);

/** A note for a workflow step. */
export const NoteBody = Type.Object(
  { note: Type.Optional(Text(2000, 'A note for the history')) },
  { additionalProperties: false },
);

const LocalisedNames = {
  nameAz: Type.String(),
  nameRu: Type.String(),
  nameEn: Type.String(),
};

/** A curriculum topic. */
export const Topic = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  parentId: Nullable(Type.Integer()),
  subjectCode: Type.String(),
  grades: Type.Array(Type.Integer()),
  ...LocalisedNames,
});

/** A file of a resource, with where to get it. */
export const FileView = Type.Object({
  id: Type.Integer(),
  role: StringEnum(FILE_ROLES),
  version: Type.Integer(),
  sourceFileId: Nullable(Type.Integer()),
  variant: Nullable(Type.String()),
  contentType: Type.String(),
  sizeBytes: Type.Integer({ description: 'Size in bytes, shown before a download on a slow link' }),
  sha256: Nullable(Type.String()),
  processingState: StringEnum(PROCESSING_STATES),
  processingError: Nullable(Type.String()),
  durationSeconds: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  url: Type.String({ description: 'Where to fetch it (HTTP Range supported)' }),
});

/**
 * A resource as anyone may see it: no account ids (who created, submitted or reviewed it is the editors'
 * business, see `ResourceView`).
 */
export const PublicResourceView = Type.Object({
  id: Type.Integer(),
  type: StringEnum(RESOURCE_TYPES),
  state: StringEnum(RESOURCE_STATES),
  title: Type.String(),
  description: Type.String(),
  language: StringEnum(RESOURCE_LANGUAGES),
  level: StringEnum(EDUCATION_LEVELS),
  grades: Type.Array(Type.Integer()),
  subject: Nullable(Type.String()),
  topics: Type.Array(Topic),
  authors: Type.Array(Type.String()),
  publisher: Nullable(Type.String()),
  channel: Nullable(Type.String()),
  airDate: Nullable(Type.String()),
  durationSeconds: Nullable(Type.Integer()),
  pages: Nullable(Type.Integer()),
  licence: StringEnum(LICENCES),
  accessibility: Type.Array(StringEnum(ACCESSIBILITY_FEATURES)),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  publishedAt: Nullable(Type.String()),
  /** The current version of each uploaded role, and the files made from them. */
  files: Type.Array(FileView),
  processing: Type.Object({
    available: Type.Boolean({
      description: 'False: no ffmpeg on this server; originals are served as uploaded',
    }),
    state: StringEnum(PROCESSING_STATES, { description: "The main file's processing" }),
    error: Nullable(Type.String()),
  }),
  views: Type.Integer({ description: 'How many times it was opened (first play, or a book opened)' }),
  completions: Type.Integer({
    description: 'How many times it was finished (90 % of a video, the last page of a book)',
  }),
});
export type PublicResourceView = Static<typeof PublicResourceView>;

/** The accounts behind a resource, shown to editors only (the two-editor rule is read from them). */
const editorFields = {
  createdBy: Type.Integer({ description: 'Account that created it (editors only)' }),
  submittedBy: Nullable(Type.Integer({ description: 'Account that submitted it for review (editors only)' })),
  reviewedBy: Nullable(Type.Integer({ description: 'Account that reviewed it (editors only)' })),
};

/** A resource as the API shows it: to editors with the accounts behind it, to anyone else without. */
export const ResourceView = Type.Object({
  ...PublicResourceView.properties,
  createdBy: Type.Optional(editorFields.createdBy),
  submittedBy: Type.Optional(editorFields.submittedBy),
  reviewedBy: Type.Optional(editorFields.reviewedBy),
});
export type ResourceView = Static<typeof ResourceView>;

/** A resource as editors' own routes show it: always with the accounts behind it. */
export const EditorResourceView = Type.Object({ ...PublicResourceView.properties, ...editorFields });
export type EditorResourceView = Static<typeof EditorResourceView>;

/** A page of resources for editors. */
export const ResourceList = Type.Object({ items: Type.Array(EditorResourceView) });

/** The editors' list filter. */
export const ResourceListQuery = Type.Object(
  {
    state: Type.Optional(StringEnum(RESOURCE_STATES, { description: 'Only resources in this state' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
  },
  { additionalProperties: false },
);

/** One step of a resource's history. */
export const HistoryEntry = Type.Object({
  action: Type.String(),
  fromState: Nullable(Type.String()),
  toState: Type.String(),
  actorId: Nullable(Type.Integer()),
  note: Nullable(Type.String()),
  at: Type.String(),
});

/** The search request. */
export const SearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'Words to find; any script, typos tolerated' }),
    ),
    type: Type.Optional(StringEnum(RESOURCE_TYPES)),
    grade: Type.Optional(Grade),
    subject: Type.Optional(SubjectCode),
    language: Type.Optional(StringEnum(RESOURCE_LANGUAGES)),
    level: Type.Optional(StringEnum(EDUCATION_LEVELS)),
    duration: Type.Optional(
      StringEnum(DURATION_BUCKETS, {
        description: 'short: under 10 min, medium: 10–30 min, long: over 30 min',
      }),
    ),
    topic: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
    offset: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: SEARCH_CANDIDATES,
        default: 0,
        description: 'A search ranks its best 500 candidates: past them, narrow the query',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Part of a title: matched text is marked. */
const Segment = Type.Object({ text: Type.String(), match: Type.Boolean() });

/** The search answer. */
export const SearchResponse = Type.Object({
  total: Type.Integer({
    description: 'How many resources match (at least this many when totalIsLowerBound)',
  }),
  totalIsLowerBound: Type.Boolean({
    description:
      'True: the query matches more than a search ranks; total and facets count the best candidates',
  }),
  items: Type.Array(
    Type.Object({
      resource: PublicResourceView,
      score: Type.Number(),
      /** The title cut into pieces, the pieces that match the query marked (safe to render: no HTML). */
      highlight: Type.Array(Segment),
    }),
  ),
  facets: Type.Record(
    Type.String(),
    Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() })),
  ),
});

/** The suggestion request. */
export const SuggestQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ maxLength: 100, description: 'What has been typed so far (nothing: no suggestions)' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 8 })),
  },
  { additionalProperties: false },
);

/** Suggested titles. */
export const SuggestResponse = Type.Object({
  items: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String() })),
});

/** The topic list filter. */
export const TopicQuery = Type.Object(
  { subject: Type.Optional(SubjectCode) },
  { additionalProperties: false },
);

/** A new collection or playlist. */
export const CollectionBody = Type.Object(
  {
    kind: StringEnum(COLLECTION_KINDS, { description: 'collection (a shelf) or playlist (in order)' }),
    title: Text(300, 'Title', 1),
    description: Type.Optional(Text(5000, 'Description')),
  },
  { additionalProperties: false },
);

/** The resources of a collection, in order. */
export const CollectionItemsBody = Type.Object(
  {
    version: VersionField,
    resourceIds: Type.Array(Id, { maxItems: 500, uniqueItems: true, description: 'Resources, in order' }),
  },
  { additionalProperties: false },
);

/** A collection with the resources a caller may see. */
export const CollectionView = Type.Object({
  id: Type.Integer(),
  kind: StringEnum(COLLECTION_KINDS),
  title: Type.String(),
  description: Type.String(),
  /** The version of its resources (`items_version`); send it back when saving them. */
  version: VersionOut,
  resources: Type.Array(ResourceView),
});

/** The collections anyone may browse. */
export const CollectionList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: StringEnum(COLLECTION_KINDS),
      title: Type.String(),
      description: Type.String(),
      resources: Type.Integer({ description: 'Published resources in it' }),
    }),
  ),
});

/** A grade-and-subject shelf: what a device may save for a class's subject at once. */
export const ShelfParams = Type.Object(
  { grade: Grade, subject: SubjectCode },
  { additionalProperties: false },
);

/** How many of a shelf's resources to list. */
export const ShelfQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 200 })) },
  { additionalProperties: false },
);

/** The published resources of a grade and subject, with their files and sizes. */
export const ShelfView = Type.Object({
  grade: Type.Integer(),
  subject: Type.String(),
  resources: Type.Array(PublicResourceView),
  /** True when the shelf holds more than `limit` resources (the rest are not listed). */
  more: Type.Boolean(),
});

/** A view or completion of a resource. */
export const EventBody = Type.Object(
  {
    kind: StringEnum(['view', 'complete'], {
      description: 'view: first play or a book opened; complete: 90 % watched or the last page reached',
    }),
  },
  { additionalProperties: false },
);

/** Whether the event was counted (the same client's same event counts once in a while). */
export const EventResponse = Type.Object({ counted: Type.Boolean() });

/** The import's options. */
export const ImportQuery = Type.Object(
  { dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Only check the file and report' })) },
  { additionalProperties: false },
);

/** What an import did (or, on a dry run, would do). */
export const ImportReport = Type.Object({
  dryRun: Type.Boolean(),
  /** False: the file has problems and nothing was (or would be) created. */
  valid: Type.Boolean(),
  rows: Type.Integer(),
  created: Type.Integer(),
  ids: Type.Array(Type.Integer(), { description: 'The new drafts' }),
  problemCount: Type.Integer(),
  problems: Type.Array(
    Type.Object({
      line: Type.Integer({ description: 'Line of the file; 1 is the header' }),
      column: Type.String(),
      reason: Type.String(),
      message: Type.String(),
    }),
  ),
});
