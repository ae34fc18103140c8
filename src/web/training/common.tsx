import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type {
  Enrolment,
  Programme,
  ProgrammeDetail,
  Session,
} from '@/modules/training/training.programmes.schema';
import { api, type AreaRecord, type Me } from '@/web/api';

/** Shared pieces of the training courses' pages (`src/web/training`). */

export type ProgrammeRecord = Static<typeof Programme>;
export type ProgrammeDetailRecord = Static<typeof ProgrammeDetail>;
export type SessionRecord = Static<typeof Session>;
export type EnrolmentRecord = Static<typeof Enrolment>;

export const isNational = (me: Me) => me.roles.some((g) => g.role === 'admin' || g.role === 'bureau');
export const isRegional = (me: Me) => me.roles.some((g) => g.role === 'regional');
export const isDirector = (me: Me) => me.roles.some((g) => g.role === 'director');
export const isTeacher = (me: Me) => me.roles.some((g) => g.role === 'teacher');
export const regionalAreas = (me: Me) =>
  me.roles.filter((g) => g.role === 'regional' && g.areaId !== null).map((g) => g.areaId!);

export function useAreas() {
  return useQuery({ queryKey: ['areas'], queryFn: () => api<AreaRecord[]>('/areas'), staleTime: Infinity });
}

/** An enrolment's state in words, with the class that colours it. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const waiting = ['requested', 'nominated', 'waiting'].includes(status);
  return (
    <span className={waiting ? 'badge state-draft' : 'badge'}>{t(`trainingCourses.state.${status}`)}</span>
  );
}
