import { useQuery } from '@tanstack/react-query';
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

/** The monitoring addresses the dashboard calls (and links to with `format=csv`). */
export const MONITORING = {
  indicators: (by: Dimension, areaId: number | null) =>
    `/monitoring/indicators?by=${by}${areaId ? `&areaId=${areaId}` : ''}`,
  trends: (areaId: number | null) => `/monitoring/trends${areaId ? `?areaId=${areaId}` : ''}`,
  // The country has about 4,500 schools: one page holds them all, for the map.
  schools: (areaId: number | null) => `/monitoring/schools?limit=5000${areaId ? `&areaId=${areaId}` : ''}`,
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

/** The schools of an area (all when null) with their connectivity status and record state. */
export function useMonitoredSchools(areaId: number | null) {
  return useQuery({
    queryKey: ['monitoring', 'schools', areaId],
    queryFn: ({ signal }) =>
      api<{ total: number; items: MonitoredSchool[] }>(MONITORING.schools(areaId), { signal }),
  });
}
