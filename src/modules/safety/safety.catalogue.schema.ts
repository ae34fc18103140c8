import { Type, type Static } from 'typebox';
import { Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';

/** Request and response schemas of the content filter's catalogue (docs/safety.md). */

export const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
export const LocalisedIn = (max: number, description: string) =>
  Type.Object(
    {
      az: Type.String({ maxLength: max }),
      ru: Type.String({ maxLength: max }),
      en: Type.String({ maxLength: max }),
    },
    { additionalProperties: false, description },
  );
export const LocalisedOut = Type.Object({ az: Type.String(), ru: Type.String(), en: Type.String() });
export const DeleteQuery = Type.Object({ version: VersionField }, { additionalProperties: false });
export const Deleted = Type.Object({ deleted: Type.Boolean() });
export const LANGUAGES = ['az', 'ru', 'en'] as const;

export const CategoryParams = Type.Object({ categoryId: Id('Category') });
export const ListParams = Type.Object({ listId: Id('List') });
export const KeywordParams = Type.Object({ keywordId: Id('Keyword') });

export const Keyword = Type.Object({ id: Type.Integer(), keyword: Type.String(), language: Type.String() });
export const Category = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: LocalisedOut,
  description: LocalisedOut,
  origin: Type.String(),
  version: VersionOut,
  keywords: Type.Array(Keyword),
  domainCount: Type.Integer({ description: 'Domains in the block lists of the category' }),
});
export const CategoryList = Type.Object({ categories: Type.Array(Category) });

export const CategoryBody = Type.Object(
  {
    code: Type.String({ maxLength: 40, description: 'Lower-case Latin letters, digits and _' }),
    name: LocalisedIn(100, 'The name in az/ru/en; at least one'),
    description: LocalisedIn(300, 'What it holds, in az/ru/en'),
  },
  { additionalProperties: false },
);
export type CategoryBody = Static<typeof CategoryBody>;
export const CategoryChangeBody = Type.Object(
  {
    version: VersionField,
    name: LocalisedIn(100, 'The name in az/ru/en; at least one'),
    description: LocalisedIn(300, 'What it holds, in az/ru/en'),
  },
  { additionalProperties: false },
);
export type CategoryChangeBody = Static<typeof CategoryChangeBody>;

export const KeywordBody = Type.Object(
  { keyword: Type.String({ maxLength: 60 }), language: StringEnum(LANGUAGES) },
  { additionalProperties: false },
);
export type KeywordBody = Static<typeof KeywordBody>;

export const ListOut = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  categoryId: Nullable(Type.Integer()),
  name: LocalisedOut,
  source: Type.String(),
  sourceUrl: Type.String(),
  domainCount: Type.Integer(),
  serial: Type.Integer(),
  version: VersionOut,
  updatedAt: Type.String(),
});
export const ListList = Type.Object({ lists: Type.Array(ListOut) });
export const ListDetail = Type.Object({
  list: ListOut,
  domains: Type.Array(Type.String(), { description: 'The first 1,000 domains, in Unicode where an IDN' }),
});

export const ListBody = Type.Object(
  {
    kind: StringEnum(['block', 'allow'] as const),
    categoryId: Nullable(Id('The category of a block list; null for a list of its own')),
    name: LocalisedIn(100, 'The name in az/ru/en; at least one'),
  },
  { additionalProperties: false },
);
export type ListBody = Static<typeof ListBody>;

export const DomainsBody = Type.Object(
  {
    version: VersionField,
    add: Type.Array(Type.String({ maxLength: 300 }), { maxItems: 1000 }),
    remove: Type.Array(Type.String({ maxLength: 300 }), { maxItems: 1000 }),
  },
  { additionalProperties: false },
);
export type DomainsBody = Static<typeof DomainsBody>;

/** The most an imported list may hold, as a file or fetched. */
export const IMPORT_MAX_BYTES = 8 * 1024 * 1024;

export const ImportBody = Type.Object(
  {
    version: VersionField,
    text: Type.Optional(
      Type.String({ maxLength: IMPORT_MAX_BYTES, description: "A UT1 `domains` file's text" }),
    ),
    url: Type.Optional(Type.String({ maxLength: 500, description: 'Where to fetch a UT1 `domains` file' })),
  },
  { additionalProperties: false },
);
export type ImportBody = Static<typeof ImportBody>;

export const Rejected = Type.Object({ line: Type.Integer(), text: Type.String(), message: Type.String() });
export const ImportResult = Type.Object({ list: ListOut, imported: Type.Integer() });
