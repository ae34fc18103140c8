import { Type, type Static } from 'typebox';
import { Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { Id, LocalisedIn, LocalisedOut } from '@/modules/safety/safety.catalogue.schema';

/** Request and response schemas of the content filter's policies (docs/safety.md). */

export const PolicyParams = Type.Object({ policyId: Id('Policy') });

export const SafeSearchSchema = Type.Object(
  {
    google: Type.Boolean(),
    youtube: StringEnum(['off', 'moderate', 'strict'] as const),
    bing: Type.Boolean(),
    duckduckgo: Type.Boolean(),
    yandex: Type.Boolean(),
  },
  { additionalProperties: false },
);

const policyFields = {
  name: LocalisedIn(100, 'The name in az/ru/en; at least one'),
  categories: Type.Array(Type.String({ maxLength: 40 }), {
    maxItems: 200,
    uniqueItems: true,
    description: 'Category codes blocked',
  }),
  blockLists: Type.Array(Id('Block list'), { maxItems: 200, uniqueItems: true }),
  allowLists: Type.Array(Id('Allow list'), { maxItems: 200, uniqueItems: true }),
  safeSearch: SafeSearchSchema,
  bypassProtection: Type.Boolean(),
  action: StringEnum(['blockpage', 'nxdomain'] as const),
};

export const PolicyBody = Type.Object(
  {
    ...policyFields,
    areaId: Nullable(Id('The region or district it tightens for; null for a national policy')),
    parentId: Nullable(Id('The national policy an area policy tightens')),
  },
  { additionalProperties: false },
);
export type PolicyBody = Static<typeof PolicyBody>;
export const PolicyChangeBody = Type.Object(
  { version: VersionField, ...policyFields },
  { additionalProperties: false },
);
export type PolicyChangeBody = Static<typeof PolicyChangeBody>;

export const PolicyOut = Type.Object({
  id: Type.Integer(),
  code: Nullable(Type.String()),
  name: LocalisedOut,
  areaId: Nullable(Type.Integer()),
  areaName: Nullable(LocalisedOut),
  parentId: Nullable(Type.Integer()),
  categories: Type.Array(Type.String()),
  blockLists: Type.Array(Type.Integer()),
  allowLists: Type.Array(Type.Integer()),
  safeSearch: SafeSearchSchema,
  bypassProtection: Type.Boolean(),
  action: Type.String(),
  version: VersionOut,
  editable: Type.Boolean({ description: 'Whether the caller may save it' }),
});
export const PolicyList = Type.Object({ policies: Type.Array(PolicyOut) });
