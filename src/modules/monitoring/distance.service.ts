import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, notFound } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import * as classroomStore from '@/modules/classroom/classroom.store';
import { addDays, schoolToday } from '@/modules/classroom/classroom.service';
import { submittedOnTime } from '@/modules/assignments/assignments.service';
import { contestParticipants } from '@/modules/contests/contests.service';
import { journalAggregates } from '@/modules/journal/journal.service';
import * as store from '@/modules/monitoring/distance.store';

/**
 * Monitoring of distance learning: for the nation, an area, or a school, how many students were active in the
 * last seven days, how many scheduled lessons their teachers delivered (filled in), how many hand-ins came on
 * time, how many students took a contest, and the journal's attendance and marks of the days. Rows are sub-areas, a district's schools, or a school's
 * classes — counts only, so no student is ever shown; who may ask is settled by the route's scope.
 */

defineMessages({
  en: {
    'monitoring.distance.invalid': 'The report cannot be made for these dates or this scope.',
    'monitoring.distance.after_to': 'is after the last day',
    'monitoring.distance.range_too_long': 'is too far back: a report covers at most {days} days',
    'monitoring.distance.one_scope': 'give an area or a school, not both',
    'monitoring.distance.nation': 'The whole country',
  },
  az: {
    'monitoring.distance.invalid': 'Bu tarixlər və ya əhatə üçün hesabat hazırlamaq olmur.',
    'monitoring.distance.after_to': 'son gündən sonradır',
    'monitoring.distance.range_too_long': 'çox uzaqdır: hesabat ən çoxu {days} günü əhatə edir',
    'monitoring.distance.one_scope': 'ya ərazi, ya da məktəb göstərin, ikisini birlikdə yox',
    'monitoring.distance.nation': 'Bütün ölkə',
  },
  ru: {
    'monitoring.distance.invalid': 'Отчёт нельзя составить для этих дат или этого охвата.',
    'monitoring.distance.after_to': 'позже последнего дня',
    'monitoring.distance.range_too_long': 'слишком давно: отчёт охватывает не более {days} дней',
    'monitoring.distance.one_scope': 'укажите территорию или школу, но не обе',
    'monitoring.distance.nation': 'Вся страна',
  },
});

/** The longest range one report covers. */
const MAX_DAYS = 92;

const ZERO = {
  students: 0,
  activeStudents: 0,
  lessonsScheduled: 0,
  lessonsDelivered: 0,
  assignmentsExpected: 0,
  assignmentsOnTime: 0,
  contestParticipants: 0,
  attendanceRecorded: 0,
  attendancePresent: 0,
  marksGiven: 0,
  marksSum: 0,
};
type Figures = typeof ZERO;

const add = (a: Figures, b: Partial<Figures>): Figures => ({
  students: a.students + (b.students ?? 0),
  activeStudents: a.activeStudents + (b.activeStudents ?? 0),
  lessonsScheduled: a.lessonsScheduled + (b.lessonsScheduled ?? 0),
  lessonsDelivered: a.lessonsDelivered + (b.lessonsDelivered ?? 0),
  assignmentsExpected: a.assignmentsExpected + (b.assignmentsExpected ?? 0),
  assignmentsOnTime: a.assignmentsOnTime + (b.assignmentsOnTime ?? 0),
  contestParticipants: a.contestParticipants + (b.contestParticipants ?? 0),
  attendanceRecorded: a.attendanceRecorded + (b.attendanceRecorded ?? 0),
  attendancePresent: a.attendancePresent + (b.attendancePresent ?? 0),
  marksGiven: a.marksGiven + (b.marksGiven ?? 0),
  marksSum: a.marksSum + (b.marksSum ?? 0),
});

/** The journal's aggregate as report figures. */
const journalFigures = (
  j: { recorded: number; present: number; marks: number; markSum: number } | undefined,
) => ({
  attendanceRecorded: j?.recorded,
  attendancePresent: j?.present,
  marksGiven: j?.marks,
  marksSum: j?.markSum,
});

const nameIn = (locale: Locale, n: { nameAz: string; nameRu: string; nameEn: string }) =>
  locale === 'az' ? n.nameAz : locale === 'ru' ? n.nameRu : n.nameEn;

export async function distanceReport(
  db: Db,
  _actor: Actor,
  locale: Locale,
  query: { areaId?: number; institutionId?: number; from?: string; to?: string },
) {
  const today = schoolToday();
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -6);
  const problems = [];
  if (from > to) problems.push({ field: 'from', reason: 'after_to' });
  else if (addDays(from, MAX_DAYS) < to) problems.push({ field: 'from', reason: 'range_too_long' });
  if (query.areaId !== undefined && query.institutionId !== undefined)
    problems.push({ field: 'areaId', reason: 'one_scope' });
  if (problems.length > 0)
    throw new AppError(
      422,
      'monitoring.distance.invalid',
      {},
      problems.map((p) => ({
        ...p,
        message: `${p.field}: ${translate(locale, `monitoring.distance.${p.reason}`, { days: MAX_DAYS })}`,
      })),
    );
  const year = (await institutionsStore.listAcademicYears(db)).find((y) => y.isCurrent);
  if (!year) throw notFound('academic_year');
  const range = { from, to, today, activeSince: addDays(to, -6), yearId: year.id };

  if (query.institutionId !== undefined) {
    const school = await institutionsStore.findInstitution(db, query.institutionId);
    if (!school) throw notFound('institution');
    const counts = new Map(
      (await store.distanceCounts(db, { classesOf: school.id }, range)).map((c) => [c.id, c]),
    );
    const onTime = new Map(
      (await submittedOnTime(db, { institutionIds: [school.id] }, 'class', { from, to })).map((r) => [
        r.id,
        r,
      ]),
    );
    const contests = new Map(
      (await contestParticipants(db, [school.id], 'class', { from, to })).map((r) => [r.id, r.students]),
    );
    const journal = new Map(
      (await journalAggregates(db, [school.id], 'class', { from, to })).map((r) => [r.id, r]),
    );
    const classes = await classroomStore.listClasses(db, school.id, year.id);
    const rows = classes.map((c) => ({
      id: c.id,
      name: `${c.grade}${c.letter}`,
      ...add(ZERO, {
        ...counts.get(c.id),
        assignmentsExpected: onTime.get(c.id)?.expected,
        assignmentsOnTime: onTime.get(c.id)?.onTime,
        contestParticipants: contests.get(c.id),
        ...journalFigures(journal.get(c.id)),
      }),
    }));
    return {
      scope: { kind: 'school' as const, id: school.id, name: nameIn(locale, school) },
      from,
      to,
      rowKind: 'class' as const,
      rows,
      total: rows.reduce(add, ZERO),
    };
  }

  const area = query.areaId === undefined ? null : await institutionsStore.findArea(db, query.areaId);
  if (query.areaId !== undefined && !area) throw notFound('area');
  const { kind, units } = await store.unitsUnder(db, area?.id ?? null);
  const schoolIds = [...new Set(units.flatMap((u) => u.schoolIds))];
  const bySchool = new Map<number, Figures>();
  for (const c of await store.distanceCounts(db, { schoolIds }, range)) bySchool.set(c.id, add(ZERO, c));
  if (schoolIds.length > 0) {
    for (const r of await submittedOnTime(db, { institutionIds: schoolIds }, 'school', { from, to }))
      bySchool.set(
        r.id,
        add(bySchool.get(r.id) ?? ZERO, { assignmentsExpected: r.expected, assignmentsOnTime: r.onTime }),
      );
  }
  for (const r of await journalAggregates(db, schoolIds, 'school', { from, to }))
    bySchool.set(r.id, add(bySchool.get(r.id) ?? ZERO, journalFigures(r)));
  for (const r of await contestParticipants(db, schoolIds, 'school', { from, to }))
    bySchool.set(r.id, add(bySchool.get(r.id) ?? ZERO, { contestParticipants: r.students }));
  const rows = units.map((u) => ({
    id: u.id,
    name: nameIn(locale, u),
    ...u.schoolIds.reduce((sum, id) => add(sum, bySchool.get(id) ?? ZERO), ZERO),
  }));
  return {
    scope: area
      ? { kind: 'area' as const, id: area.id, name: nameIn(locale, area) }
      : { kind: 'nation' as const, id: null, name: translate(locale, 'monitoring.distance.nation') },
    from,
    to,
    rowKind: kind,
    rows,
    total: rows.reduce(add, ZERO),
  };
}
