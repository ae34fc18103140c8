import { Type, type Static } from 'typebox';
import { Nullable, StringEnum } from '@/server/schema';
import { RECORD_STATES } from '@/modules/infrastructure/infrastructure.tables';
import {
  CONNECTIVITY_STATUSES,
  DIMENSIONS,
  INSTITUTION_KINDS,
  SCHOOL_SORTS,
} from '@/modules/monitoring/monitoring.store';

/** Request and response schemas of the monitoring module: indicators, trends, schools and open data. */

const AreaId = Type.Integer({
  minimum: 1,
  maximum: 2_147_483_647,
  description: 'Only institutions in this area and the areas under it',
});
const YearCode = Type.String({
  minLength: 1,
  maxLength: 20,
  pattern: '^[0-9A-Za-z-]+$',
  description: 'Academic year code, e.g. 2026-2027; the current year when not given',
});
const Kind = StringEnum(INSTITUTION_KINDS, {
  description: 'Only institutions of this kind (general_school for SDG 4.a.1 in the strict sense)',
});
const Locality = StringEnum(['urban', 'rural'], { description: 'Only urban or only rural institutions' });
const Status = StringEnum(CONNECTIVITY_STATUSES, {
  description: 'Only schools with this connectivity status (unknown: not measured)',
});
const Format = StringEnum(['json', 'csv'], {
  description: 'csv: the same answer as CSV, UTF-8 with a byte-order mark (so does Accept: text/csv)',
});
const Offset = Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0, description: 'Rows to skip' });

export const IndicatorQuery = Type.Object(
  {
    year: Type.Optional(YearCode),
    by: Type.Optional(
      StringEnum(DIMENSIONS, {
        description:
          'Break down by economic region, district or city, the areas under areaId, education level, urban/rural or ownership; none: totals only',
      }),
    ),
    areaId: Type.Optional(AreaId),
    kind: Type.Optional(Kind),
    format: Type.Optional(Format),
  },
  { additionalProperties: false },
);
export type IndicatorQuery = Static<typeof IndicatorQuery>;

export const TrendQuery = Type.Object(
  {
    by: Type.Optional(StringEnum(['none', 'region'], { description: 'Totals only, or by economic region' })),
    areaId: Type.Optional(AreaId),
    kind: Type.Optional(Kind),
    format: Type.Optional(Format),
  },
  { additionalProperties: false },
);

export const SchoolQuery = Type.Object(
  {
    year: Type.Optional(YearCode),
    areaId: Type.Optional(AreaId),
    status: Type.Optional(Status),
    kind: Type.Optional(Kind),
    locality: Type.Optional(Locality),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 5000,
        description: 'Rows to return: 100 when not given (CSV: all of them)',
      }),
    ),
    offset: Offset,
    sort: Type.Optional(
      StringEnum(SCHOOL_SORTS, {
        description:
          "Order by code (the default), name in the caller's language, status (worst first) or completeness; a leading - reverses",
      }),
    ),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Only schools whose code or name (in any language) contains this',
      }),
    ),
    format: Type.Optional(Format),
  },
  { additionalProperties: false },
);

/** The map's question: the same selection as the school list, without paging. */
export const MapQuery = Type.Object(
  {
    year: Type.Optional(YearCode),
    areaId: Type.Optional(AreaId),
    status: Type.Optional(Status),
    kind: Type.Optional(Kind),
    locality: Type.Optional(Locality),
  },
  { additionalProperties: false },
);

export const SchoolParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The institution' }),
});

export const SchoolDetailQuery = Type.Object(
  { year: Type.Optional(YearCode) },
  { additionalProperties: false },
);

export const OpenSchoolQuery = Type.Object(
  {
    year: Type.Optional(YearCode),
    area: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        pattern: '^[0-9A-Za-z_-]+$',
        description: 'Only institutions in the area with this code (e.g. AZ-QBA) and the areas under it',
      }),
    ),
    kind: Type.Optional(Kind),
    locality: Type.Optional(Locality),
    status: Type.Optional(Status),
    limit: Type.Integer({ minimum: 1, maximum: 5000, default: 100, description: 'Rows to return' }),
    offset: Offset,
    format: Type.Optional(Format),
  },
  { additionalProperties: false },
);

export const OpenGigaQuery = Type.Object(
  {
    year: Type.Optional(YearCode),
    area: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        pattern: '^[0-9A-Za-z_-]+$',
        description: 'Only institutions in the area with this code (e.g. AZ-QBA) and the areas under it',
      }),
    ),
  },
  { additionalProperties: false },
);

export const OpenIndicatorQuery = Type.Object(
  {
    year: Type.Optional(YearCode),
    by: Type.Optional(
      StringEnum(['none', 'region'], { description: 'National totals only, or by region too' }),
    ),
    format: Type.Optional(Format),
  },
  { additionalProperties: false },
);

/** One figure: its value with what it was made of, so that a dashboard can add groups up again. */
export const Figure = Type.Object({
  /** A share (0–1), a ratio, a median or a mean; null when there is nothing to divide by. */
  value: Nullable(Type.Number()),
  /** Null for medians, which cannot be added up. */
  numerator: Nullable(Type.Number()),
  denominator: Type.Number(),
});

export const IndicatorGroup = Type.Object({
  /** An area id, a level code, urban/rural or public/private; null for the whole selection (or schools outside any group). */
  key: Nullable(Type.String()),
  areaId: Nullable(Type.Integer()),
  code: Nullable(Type.String()),
  nameAz: Type.String(),
  nameRu: Type.String(),
  nameEn: Type.String(),
  /** Active institutions in the group. */
  schools: Type.Integer(),
  /** Of which with a record for the year. */
  reporting: Type.Integer(),
  indicators: Type.Record(Type.String(), Figure),
});

export const Definition = Type.Object({
  id: Type.String(),
  kind: StringEnum(['share', 'ratio', 'median', 'mean']),
  /** In the caller's language. */
  name: Type.String(),
  /** The standard the indicator follows. */
  source: Type.String(),
});

export const Year = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  startsOn: Type.String({ format: 'date' }),
  endsOn: Type.String({ format: 'date' }),
  isCurrent: Type.Boolean(),
});

export const IndicatorTable = Type.Object({
  year: Year,
  by: StringEnum(DIMENSIONS),
  benchmarkMbps: Type.Number(),
  definitions: Type.Array(Definition),
  total: IndicatorGroup,
  groups: Type.Array(IndicatorGroup),
});
export type IndicatorTable = Static<typeof IndicatorTable>;

export const Trends = Type.Object({
  by: StringEnum(['none', 'region']),
  benchmarkMbps: Type.Number(),
  definitions: Type.Array(Definition),
  years: Type.Array(Type.Object({ year: Year, total: IndicatorGroup, groups: Type.Array(IndicatorGroup) })),
});
export type Trends = Static<typeof Trends>;

export const MonitoredSchool = Type.Object({
  institutionId: Type.Integer(),
  code: Type.String(),
  nameAz: Type.String(),
  nameRu: Type.String(),
  nameEn: Type.String(),
  kind: StringEnum(INSTITUTION_KINDS),
  ownership: StringEnum(['public', 'private']),
  locality: StringEnum(['urban', 'rural']),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  areaId: Type.Integer(),
  areaCode: Type.String(),
  districtCode: Nullable(Type.String()),
  regionCode: Nullable(Type.String()),
  /** The state of the year's record; null when the school has not saved one. */
  state: Nullable(StringEnum(RECORD_STATES)),
  electricity: Nullable(Type.Boolean()),
  /** Has an internet link for teaching. */
  internet: Nullable(Type.Boolean()),
  /** Teaching computers (desktops, laptops, tablets). */
  computers: Nullable(Type.Integer()),
  status: StringEnum(CONNECTIVITY_STATUSES),
  /** The median download of the latest week measured, Mbit/s. */
  measuredMbps: Nullable(Type.Number()),
  measuredWeek: Nullable(Type.String({ format: 'date', description: 'Monday of that week' })),
  /** The contracted download of the best teaching link, Mbit/s. */
  contractedMbps: Nullable(Type.Number()),
  /** Share of the record's fields filled, 0–1. */
  completeness: Type.Number(),
  /** Days since the record was last saved. */
  freshnessDays: Nullable(Type.Integer()),
  updatedAt: Nullable(Type.String({ format: 'date-time' })),
});

export const SchoolList = Type.Object({
  year: Year,
  benchmarkMbps: Type.Number(),
  total: Type.Integer(),
  items: Type.Array(MonitoredSchool),
});
export type SchoolList = Static<typeof SchoolList>;

export const SchoolDetail = Type.Object({
  year: Year,
  benchmarkMbps: Type.Number(),
  school: MonitoredSchool,
});
export type SchoolDetail = Static<typeof SchoolDetail>;

/**
 * The schools of a selection as the map draws them, in parallel arrays (one entry per placed school, by id):
 * a few bytes a school instead of a whole record. `status[k]` indexes `statuses`.
 */
export const SchoolMap = Type.Object({
  year: Type.String({ description: 'Academic year code' }),
  benchmarkMbps: Type.Number(),
  /** The status codes, in the order the numbers in `status` refer to. */
  statuses: Type.Array(StringEnum(CONNECTIVITY_STATUSES)),
  /** Schools in the selection, placed or not. */
  total: Type.Integer(),
  id: Type.Array(Type.Integer()),
  lat: Type.Array(Type.Number()),
  lon: Type.Array(Type.Number()),
  status: Type.Array(Type.Integer({ minimum: 0, maximum: CONNECTIVITY_STATUSES.length - 1 })),
});
export type SchoolMap = Static<typeof SchoolMap>;

/** A school in the open data: where it is and what it has; nothing about any person. */
export const OpenSchool = Type.Object({
  code: Type.String({ description: 'National code (Giga: school_id_govt)' }),
  nameAz: Type.String(),
  nameRu: Type.String(),
  nameEn: Type.String(),
  kind: StringEnum(INSTITUTION_KINDS),
  areaCode: Type.String(),
  districtCode: Nullable(Type.String()),
  regionCode: Nullable(Type.String()),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  locality: StringEnum(['urban', 'rural']),
  connectivityStatus: StringEnum(CONNECTIVITY_STATUSES),
  /** Null when the school has no record for the year. */
  internet: Nullable(Type.Boolean()),
  electricity: Nullable(Type.Boolean()),
  computers: Nullable(Type.Boolean()),
});

export const OpenSchoolList = Type.Object({
  year: Type.String({ description: 'Academic year code' }),
  benchmarkMbps: Type.Number(),
  total: Type.Integer(),
  items: Type.Array(OpenSchool),
});
export type OpenSchoolList = Static<typeof OpenSchoolList>;
