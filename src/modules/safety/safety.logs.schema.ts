import { Type, type Static } from 'typebox';
import { DateString, Nullable, StringEnum } from '@/server/schema';

/** Request and response schemas of the resolvers' logs (docs/safety.md, "Logs, private by design"). */

export const NETWORK_KINDS = ['pupils', 'staff', 'guests'] as const;
export type NetworkKind = (typeof NETWORK_KINDS)[number];

/** Rows of one kind a batch may hold; the agent sends bigger counts as several batches. */
export const MAX_BATCH_ROWS = 5000;

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Count = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000_000, description });
/** A whole UTC hour, e.g. `2026-12-07T15:00:00.000Z` (minutes, seconds and milliseconds zero). */
const Hour = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:00:00(\\.000)?Z$',
  maxLength: 24,
  description: 'The hour counted, its start in UTC (a whole hour)',
});
/** A domain name as Unbound logs it, lower case, no trailing dot; an IDN in its punycode form. */
const Domain = Type.String({
  minLength: 1,
  maxLength: 253,
  pattern: '^[a-z0-9_.-]+$',
  description: 'A domain name, lower case, ASCII (an IDN in punycode), no trailing dot',
});
const CategoryCode = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[a-z0-9_-]+$',
  description: 'A category code, or one of the buckets `other`, `exam`, `bypass`',
});

export const LogSetup = Type.Object(
  {
    networks: Type.Array(
      Type.Object({
        cidr: Type.String(),
        institutionId: Type.Integer(),
        kind: StringEnum(NETWORK_KINDS),
      }),
      { description: "The schools' address ranges: a client is counted under its network's school and kind" },
    ),
    keywords: Type.Array(Type.Object({ id: Type.Integer(), folded: Type.String() }), {
      description: 'Keywords, folded: a name whose folded Unicode form contains one is a keyword hit',
    }),
    lists: Type.Array(Type.Object({ id: Type.Integer(), categoryCode: Nullable(Type.String()) }), {
      description: 'Block lists and their category, for blocks by a list zone (tag `l_<id>`)',
    }),
    retentionDays: Type.Integer({ description: 'Days the node keeps its raw log (addresses cut)' }),
  },
  { additionalProperties: false },
);
export type LogSetup = Static<typeof LogSetup>;

export const QueryRow = Type.Object(
  {
    institutionId: Id('The school'),
    hour: Hour,
    networkKind: StringEnum(NETWORK_KINDS),
    queries: Count('Queries in the hour'),
    blocked: Count('Of them, blocked'),
  },
  { additionalProperties: false },
);
export type QueryRow = Static<typeof QueryRow>;

export const BlockedRow = Type.Object(
  {
    institutionId: Id('The school'),
    hour: Hour,
    categoryCode: CategoryCode,
    count: Count('Blocked queries in the hour'),
  },
  { additionalProperties: false },
);
export type BlockedRow = Static<typeof BlockedRow>;

export const DomainRow = Type.Object(
  {
    institutionId: Id('The school'),
    day: DateString({ description: "The school's day (Asia/Baku)" }),
    domain: Domain,
    categoryCode: CategoryCode,
    count: Count('Blocked queries of the domain that day'),
  },
  { additionalProperties: false },
);
export type DomainRow = Static<typeof DomainRow>;

export const KeywordHitRow = Type.Object(
  { keywordId: Id('The keyword'), domain: Domain },
  { additionalProperties: false },
);
export type KeywordHitRow = Static<typeof KeywordHitRow>;

export const CountsBatch = Type.Object(
  {
    batchId: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[A-Za-z0-9:._-]+$',
      description: "The node's id of the batch (its log file, offsets and part): a batch is taken once",
    }),
    queries: Type.Array(QueryRow, { maxItems: MAX_BATCH_ROWS }),
    blocked: Type.Array(BlockedRow, { maxItems: MAX_BATCH_ROWS }),
    domains: Type.Array(DomainRow, { maxItems: MAX_BATCH_ROWS }),
    keywordHits: Type.Array(KeywordHitRow, { maxItems: MAX_BATCH_ROWS }),
    unattributed: Count('Queries from clients in no known network'),
  },
  { additionalProperties: false },
);
export type CountsBatch = Static<typeof CountsBatch>;

export const CountsResult = Type.Object(
  {
    batchId: Type.String(),
    queries: Type.Integer({ description: 'Queries added' }),
    blocked: Type.Integer({ description: 'Blocked queries added' }),
    keywordHits: Type.Integer({ description: 'New keyword hits' }),
  },
  { additionalProperties: false },
);
export type CountsResult = Static<typeof CountsResult>;
