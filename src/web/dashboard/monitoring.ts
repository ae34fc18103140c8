import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';

/**
 * The monitoring module's answers, as the dashboard reads them (the server's schemas are in
 * src/modules/monitoring/monitoring.schema.ts). Indicator names come from the server in the caller's
 * language, so each query is keyed by the interface language too.
 */

/** One figure with what it was made of; `value` is a share 0–1, a ratio, a median or a mean. */
export interface Figure {
  value: number | null;
  numerator: number | null;
  denominator: number;
}

/** A group of schools (an area, a level, urban or rural, public or private) and its indicators. */
export interface IndicatorGroup {
  key: string | null;
  areaId: number | null;
  code: string | null;
  nameAz: string;
  nameRu: string;
  nameEn: string;
  schools: number;
  reporting: number;
  indicators: Record<string, Figure>;
}

/** What an indicator is: how to show it and its name in the caller's language. */
export interface Definition {
  id: string;
  kind: 'share' | 'ratio' | 'median' | 'mean';
  name: string;
  source: string;
}

/** How the schools of a selection are broken down. */
export type Dimension = 'none' | 'region' | 'district' | 'area' | 'level' | 'locality' | 'ownership';

interface Year {
  id: number;
  code: string;
  isCurrent: boolean;
}

/** Indicators for a year: the whole selection and each group. */
export interface IndicatorTable {
  year: Year;
  by: Dimension;
  benchmarkMbps: number;
  definitions: Definition[];
  total: IndicatorGroup;
  groups: IndicatorGroup[];
}

/** Every indicator of every year up to the current one, oldest first. */
export interface Trends {
  definitions: Definition[];
  years: { year: Year; total: IndicatorGroup }[];
}

/** Connectivity status against the national benchmark. */
export type ConnectivityStatus = 'good' | 'moderate' | 'bad' | 'unknown';

/** A school with its connectivity status and the state of its record. */
export interface MonitoredSchool {
  institutionId: number;
  code: string;
  nameAz: string;
  nameRu: string;
  nameEn: string;
  latitude: number | null;
  longitude: number | null;
  state: 'draft' | 'submitted' | 'verified' | null;
  status: ConnectivityStatus;
  measuredMbps: number | null;
  completeness: number;
  updatedAt: string | null;
}

/** The school list's orders: by code, name, status (worst first) or completeness; `-` reverses. */
export type SchoolSort = 'code' | 'name' | 'status' | '-completeness' | 'completeness';

/** The compact map of a selection: parallel arrays, one entry per placed school; `status` indexes `statuses`. */
export interface SchoolMapData {
  statuses: ConnectivityStatus[];
  total: number;
  id: number[];
  lat: number[];
  lon: number[];
  status: number[];
}

const area = (areaId: number | null) => (areaId ? `areaId=${areaId}` : '');
const query = (...parts: string[]) => {
  const q = parts.filter(Boolean).join('&');
  return q ? `?${q}` : '';
};

/** The monitoring addresses the dashboard calls (and links to with `format=csv`). */
export const MONITORING = {
  indicators: (by: Dimension, areaId: number | null) =>
    `/monitoring/indicators?by=${by}${areaId ? `&areaId=${areaId}` : ''}`,
  trends: (areaId: number | null) => `/monitoring/trends${query(area(areaId))}`,
  /** What the map draws: a few bytes a school. */
  map: (areaId: number | null) => `/monitoring/map${query(area(areaId))}`,
  /** A page of the school list. */
  schools: (areaId: number | null, page: { limit: number; offset: number; sort: SchoolSort; q: string }) =>
    `/monitoring/schools${query(
      area(areaId),
      `limit=${page.limit}`,
      `offset=${page.offset}`,
      page.sort === 'code' ? '' : `sort=${page.sort}`,
      page.q ? `q=${encodeURIComponent(page.q)}` : '',
    )}`,
  /** Every school of the selection (the CSV link; without a limit the CSV holds them all). */
  schoolsCsv: (areaId: number | null) => `/monitoring/schools${query(area(areaId))}`,
  school: (id: number) => `/monitoring/schools/${id}`,
};

/** The current year's indicators below `areaId` (the nation when null), broken down by `by`. */
export function useIndicators(by: Dimension, areaId: number | null) {
  const { i18n } = useTranslation();
  return useQuery({
    queryKey: ['monitoring', 'indicators', by, areaId, i18n.language],
    queryFn: ({ signal }) => api<IndicatorTable>(MONITORING.indicators(by, areaId), { signal }),
  });
}

/** The nation's (or an area's) indicators across the years. */
export function useTrends(areaId: number | null) {
  const { i18n } = useTranslation();
  return useQuery({
    queryKey: ['monitoring', 'trends', areaId, i18n.language],
    queryFn: ({ signal }) => api<Trends>(MONITORING.trends(areaId), { signal }),
  });
}

/** The schools of an area (all when null) as the map draws them. */
export function useSchoolMap(areaId: number | null) {
  return useQuery({
    queryKey: ['monitoring', 'map', areaId],
    queryFn: ({ signal }) => api<SchoolMapData>(MONITORING.map(areaId), { signal }),
  });
}

/** Schools a page at a time, as the list shows more. */
export const SCHOOL_PAGE = 50;

/** The schools of an area with their status and record state, fifty at a time, sorted and searched. */
export function useMonitoredSchools(areaId: number | null, sort: SchoolSort, q: string, locale: string) {
  return useInfiniteQuery({
    // A sort by name follows the interface language.
    queryKey: ['monitoring', 'schools', areaId, sort, q, sort.endsWith('name') ? locale : null],
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) =>
      api<{ total: number; items: MonitoredSchool[] }>(
        MONITORING.schools(areaId, { limit: SCHOOL_PAGE, offset: pageParam, sort, q }),
        { signal },
      ),
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.items.length, 0);
      return loaded < last.total && last.items.length > 0 ? loaded : undefined;
    },
  });
}

/** One school, fetched when its dot on the map is chosen. */
export function useMonitoredSchool(id: number | null) {
  return useQuery({
    queryKey: ['monitoring', 'school', id],
    enabled: id !== null,
    queryFn: ({ signal }) => api<{ school: MonitoredSchool }>(MONITORING.school(id!), { signal }),
  });
}
