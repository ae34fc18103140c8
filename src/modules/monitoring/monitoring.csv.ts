import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '@/server/i18n';
import { csvText, type CsvValue } from '@/server/csv';
import type {
  IndicatorTable,
  OpenSchoolList,
  SchoolList,
  Trends,
} from '@/modules/monitoring/monitoring.schema';

/**
 * The monitoring answers as CSV, for the dashboards' "download as CSV" and for open data: RFC 4180, comma
 * separated, CRLF line ends, UTF-8 with a byte-order mark so that Excel reads Azerbaijani and Russian
 * letters. The header row uses stable snake_case names (Giga's where one exists); names of groups and
 * indicators are in the caller's language.
 */

type Cell = CsvValue;

/** CSV bytes of a header and its rows. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): Buffer {
  return Buffer.from(csvText(header, rows), 'utf8');
}

/** Whether the caller asked for CSV: `?format=csv`, or an Accept header that prefers text/csv to JSON. */
export function wantsCsv(request: FastifyRequest, format: 'json' | 'csv' | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  const accept = request.headers.accept ?? '';
  return /(^|,)\s*text\/csv/i.test(accept) && !/(^|,)\s*application\/json/i.test(accept);
}

/** Sends CSV bytes as a download. */
export function sendCsv(reply: FastifyReply, filename: string, body: Buffer): FastifyReply {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}.csv"`)
    .send(body);
}

const nameIn = (g: { nameAz: string; nameRu: string; nameEn: string }, locale: Locale) =>
  locale === 'az' ? g.nameAz : locale === 'ru' ? g.nameRu : g.nameEn;

const INDICATOR_HEADER = [
  'year',
  'group_by',
  'group_code',
  'group_name',
  'schools',
  'reporting',
  'indicator',
  'indicator_name',
  'kind',
  'value',
  'numerator',
  'denominator',
] as const;

type YearTable = Pick<IndicatorTable, 'total' | 'groups' | 'definitions'> & { year: { code: string } };

function indicatorRows(t: YearTable, by: string, locale: Locale): Cell[][] {
  const out: Cell[][] = [];
  for (const [groupBy, group] of [['total', t.total] as const, ...t.groups.map((g) => [by, g] as const)]) {
    for (const d of t.definitions) {
      const f = group.indicators[d.id];
      out.push([
        t.year.code,
        groupBy,
        group.code,
        nameIn(group, locale),
        group.schools,
        group.reporting,
        d.id,
        d.name,
        d.kind,
        f?.value,
        f?.numerator,
        f?.denominator,
      ]);
    }
  }
  return out;
}

/** Indicators in long form: one row per group and indicator, the whole selection first (group_by total). */
export function indicatorsCsv(t: IndicatorTable, locale: Locale): Buffer {
  return toCsv(INDICATOR_HEADER, indicatorRows(t, t.by, locale));
}

/** Trends: the same rows as the indicators, for every year. */
export function trendsCsv(t: Trends, locale: Locale): Buffer {
  return toCsv(
    INDICATOR_HEADER,
    t.years.flatMap((y) => indicatorRows({ ...y, definitions: t.definitions }, t.by, locale)),
  );
}

/** The monitored schools, one row each. */
export function schoolsCsv(list: SchoolList, locale: Locale): Buffer {
  return toCsv(
    [
      'school_id_govt',
      'school_name',
      'school_type',
      'school_funding_type',
      'school_area_type',
      'area_code',
      'district_code',
      'region_code',
      'latitude',
      'longitude',
      'record_state',
      'electricity_availability',
      'connectivity',
      'num_computers',
      'connectivity_status',
      'download_speed_measured',
      'measured_week',
      'download_speed_contracted',
      'completeness',
      'days_since_update',
    ],
    list.items.map((s) => [
      s.code,
      nameIn(s, locale),
      s.kind,
      s.ownership,
      s.locality,
      s.areaCode,
      s.districtCode,
      s.regionCode,
      s.latitude,
      s.longitude,
      s.state ?? 'none',
      s.electricity,
      s.internet,
      s.computers,
      s.status,
      s.measuredMbps,
      s.measuredWeek,
      s.contractedMbps,
      s.completeness,
      s.freshnessDays,
    ]),
  );
}

/** The open-data schools, one row each, names in all three languages. */
export function openSchoolsCsv(list: OpenSchoolList): Buffer {
  return toCsv(
    [
      'school_id_govt',
      'school_name_az',
      'school_name_ru',
      'school_name_en',
      'school_type',
      'area_code',
      'district_code',
      'region_code',
      'latitude',
      'longitude',
      'school_area_type',
      'connectivity_status',
      'connectivity',
      'electricity_availability',
      'computer_availability',
    ],
    list.items.map((s) => [
      s.code,
      s.nameAz,
      s.nameRu,
      s.nameEn,
      s.kind,
      s.areaCode,
      s.districtCode,
      s.regionCode,
      s.latitude,
      s.longitude,
      s.locality,
      s.connectivityStatus,
      s.internet,
      s.electricity,
      s.computers,
    ]),
  );
}
