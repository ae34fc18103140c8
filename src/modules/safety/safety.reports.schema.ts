import { Type, type Static } from 'typebox';
import { DateString, Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });

export const BUCKETS = ['day', 'week', 'month'] as const;
export const GROUPINGS = ['category', 'region', 'district', 'school'] as const;
export const RETENTION_DAYS = [1, 7, 30, 90] as const;

export const ReportQuery = Type.Object(
  {
    from: DateString({ description: 'First day (school time)' }),
    to: DateString({ description: 'Last day, included' }),
    bucket: Type.Optional(StringEnum(BUCKETS)),
    by: Type.Optional(StringEnum(GROUPINGS)),
    areaId: Type.Optional(Id('Only schools under this region or district')),
    institutionId: Type.Optional(Id('Only this school')),
    format: Type.Optional(StringEnum(['json', 'csv'] as const)),
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuery>;

const Row = Type.Object({ key: Type.String(), name: Type.String(), count: Type.Number() });
export const Report = Type.Object({
  from: Type.String(),
  to: Type.String(),
  bucket: StringEnum(BUCKETS),
  by: StringEnum(GROUPINGS),
  /** Blocked queries per bucket (its first day) and group. */
  series: Type.Array(Type.Object({ bucket: Type.String(), key: Type.String(), count: Type.Number() })),
  /** Blocked queries per group over the whole period, most first. */
  totals: Type.Array(Row),
  queries: Type.Number({ description: 'All queries in the period and scope' }),
  blocked: Type.Number({ description: 'Blocked queries in the period and scope' }),
});
export type Report = Static<typeof Report>;

export const TopQuery = Type.Object(
  {
    institutionId: Id('The school'),
    from: DateString(),
    to: DateString(),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export const TopDomains = Type.Object({
  items: Type.Array(
    Type.Object({
      domain: Type.String(),
      unicode: Type.String(),
      category: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
      count: Type.Number(),
    }),
  ),
});

export const LogSettings = Type.Object({
  logRetentionDays: Type.Integer(),
  version: VersionOut,
  updatedAt: Nullable(Type.String()),
});
export const LogSettingsBody = Type.Object(
  {
    version: VersionField,
    logRetentionDays: Type.Unsafe<1 | 7 | 30 | 90>({ type: 'integer', enum: [...RETENTION_DAYS] }),
  },
  { additionalProperties: false },
);
