import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from '@/web/api';

/**
 * The monitoring module's indicators, as the dashboard reads them. The module is being written alongside
 * this page: these types are the shape the dashboard expects, kept in this one file so aligning with the
 * module's schema (src/modules/monitoring/monitoring.schema.ts, once it lands) is a change here only. Until
 * the endpoints answer, the queries resolve to null and the dashboard says the indicators are not ready.
 */

/** The headline indicators of a group of schools (shares are fractions 0–1, null when nothing to divide by). */
export interface Indicators {
  schools: number;
  /** SDG 4.a.1 (a): electricity. */
  electricity: number | null;
  /** SDG 4.a.1 (b): internet for pedagogical purposes. */
  internetTeaching: number | null;
  /** SDG 4.a.1 (c): computers for pedagogical purposes. */
  computersTeaching: number | null;
  learnersPerComputer: number | null;
  connected: number | null;
  meetingBenchmark: number | null;
  ictTrainedTeachers: number | null;
}

/** Indicators for a year, for the nation (or an area) and for each area below it. */
export interface IndicatorTable {
  total: Indicators;
  groups: (Indicators & { areaId: number; nameAz: string; nameRu: string; nameEn: string })[];
}

/** One year's national indicators. */
export type TrendPoint = Indicators & { yearId: number; code: string };

/** A school on the map. */
export interface MonitoredSchool {
  institutionId: number;
  nameAz: string;
  nameRu: string;
  nameEn: string;
  latitude: number | null;
  longitude: number | null;
  status: 'good' | 'moderate' | 'bad' | 'unknown';
}

/** The monitoring addresses the dashboard calls (and links to with `format=csv`). */
export const MONITORING = {
  indicators: (yearId: number, areaId: number | null) =>
    `/monitoring/indicators?yearId=${yearId}&by=area${areaId ? `&areaId=${areaId}` : ''}`,
  trends: (areaId: number | null) => `/monitoring/trends${areaId ? `?areaId=${areaId}` : ''}`,
  schools: (yearId: number, areaId: number | null) =>
    `/monitoring/schools?yearId=${yearId}${areaId ? `&areaId=${areaId}` : ''}`,
};

/** A monitoring call that answers null while the module is not there (404), and fails on anything else. */
async function optional<T>(path: string): Promise<T | null> {
  try {
    return await api<T>(path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Indicators for a year, by area below `areaId` (the nation when null). */
export function useIndicators(yearId: number | undefined, areaId: number | null) {
  return useQuery({
    queryKey: ['monitoring', 'indicators', yearId, areaId],
    queryFn: () => optional<IndicatorTable>(MONITORING.indicators(yearId!, areaId)),
    enabled: yearId !== undefined,
  });
}

/** The national (or an area's) indicators across years. */
export function useTrends(areaId: number | null) {
  return useQuery({
    queryKey: ['monitoring', 'trends', areaId],
    queryFn: () => optional<TrendPoint[]>(MONITORING.trends(areaId)),
  });
}

/** Schools with their connectivity status and coordinates, for the map. */
export function useMonitoredSchools(yearId: number | undefined, areaId: number | null) {
  return useQuery({
    queryKey: ['monitoring', 'schools', yearId, areaId],
    queryFn: () => optional<MonitoredSchool[]>(MONITORING.schools(yearId!, areaId)),
    enabled: yearId !== undefined,
  });
}
