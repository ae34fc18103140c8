import * as clock from '@/server/clock';
import type { Actor } from '@/server/access';
import { grantsOf } from '@/server/access';
import type { Db } from '@/server/db/database';
import type { Locale } from '@/server/i18n';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import { subjectsKept } from '@/modules/institutions/institutions.service';
import * as classroomStore from '@/modules/classroom/classroom.store';
import * as classroom from '@/modules/classroom/classroom.service';
import * as journalStore from '@/modules/journal/journal.store';
import * as assignmentsStore from '@/modules/assignments/assignments.store';
import * as assignments from '@/modules/assignments/assignments.service';
import * as contests from '@/modules/contests/contests.service';
import * as notifications from '@/modules/notifications/notifications.service';
import * as infrastructureStore from '@/modules/infrastructure/infrastructure.store';
import { recordDueOn, schoolsForReview } from '@/modules/infrastructure/infrastructure.service';
import * as allocationStore from '@/modules/allocation/allocation.store';
import { APPLICATION_STATES } from '@/modules/allocation/allocation.tables';
import * as councilsStore from '@/modules/councils/councils.store';
import { schools as monitoredSchools } from '@/modules/monitoring/monitoring.service';
import type {
  AreaDay,
  DirectorDay,
  ParentChildDay,
  StudentDay,
  TeacherDay,
} from '@/modules/home/home.schema';

/**
 * Each role's day for its home page: what happens today and this week, and what waits for the person. Every
 * part is read in bulk through the owning module's store or service, so a home costs a fixed number of
 * queries whatever the number of lessons or schools. Children are shown only to themselves and their parents;
 * above a school only counts and school names.
 */

/** How many items a list on a home shows; the page it links to has the rest. */
const SHOWN = 8;
/** Decisions due within this many days (and overdue ones) are listed on a director's home. */
const DECISIONS_AHEAD_DAYS = 14;
/** Contests opening within this many days are listed on a student's home. */
const CONTESTS_AHEAD_DAYS = 7;

/** The current minute of the day at school (Asia/Baku). */
function schoolMinute(now: Date): number {
  const [h, m] = new Intl.DateTimeFormat('en-GB', {
    timeZone: classroom.SCHOOL_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(now)
    .split(':')
    .map(Number);
  return h! * 60 + m!;
}

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const nameKey = (locale: Locale) => (locale === 'az' ? 'nameAz' : locale === 'ru' ? 'nameRu' : 'nameEn');

/** Subject names in the caller's language, for the codes given (from the node's subject list, kept 60 s). */
async function subjectNames(db: Db, codes: Iterable<string>, locale: Locale): Promise<Map<string, string>> {
  const wanted = [...new Set(codes)];
  if (wanted.length === 0) return new Map();
  const subjects = await subjectsKept(db, wanted);
  return new Map(
    wanted.flatMap((code) => {
      const s = subjects.get(code);
      return s ? [[code, s[nameKey(locale)]] as const] : [];
    }),
  );
}

/** A student's homework still to hand in, due from today on, soonest first (one query). */
const homeworkDue = (db: Db, studentId: number, today: string, locale: Locale) =>
  assignments.homeworkDue(db, studentId, today, SHOWN, locale);

/** A student's day: the week's lessons (today among them), homework due, open contests, latest marks, notices. */
export async function studentDay(
  db: Db,
  actor: Actor,
  locale: Locale,
  now = clock.now(),
): Promise<StudentDay> {
  const today = classroom.schoolToday(now);
  const week = await classroom.studentLessons(db, actor.userId, 'week', today, locale);
  const homework = await homeworkDue(db, actor.userId, today, locale);
  const soon = new Date(now.getTime() + CONTESTS_AHEAD_DAYS * 86_400_000).toISOString();
  const open = (await contests.listContests(db, actor, { attempts: false })).items
    .filter((c) => c.state === 'published' && c.closesAt > now.toISOString() && c.opensAt <= soon)
    .slice(0, SHOWN)
    .map((c) => ({
      id: c.id,
      title: c.title,
      opensAt: c.myWindow?.opensAt ?? c.opensAt,
      closesAt: c.myWindow?.closesAt ?? c.closesAt,
    }));
  const marks = await journalStore.latestMarks(db, actor.userId, 5);
  const names = await subjectNames(
    db,
    marks.map((m) => m.subjectCode),
    locale,
  );
  const notices = await notifications.listMine(db, actor.userId, { limit: 5 }, locale);
  return {
    today,
    from: week.from,
    to: week.to,
    lessons: week.items,
    homework,
    contests: open,
    marks: marks.map((m) => ({
      date: m.date,
      subject: names.get(m.subjectCode) ?? m.subjectCode,
      mark: m.mark,
    })),
    notices: {
      unread: notices.unread,
      items: notices.items.map((n) => ({ id: n.id, text: n.text, createdAt: n.createdAt, read: n.read })),
    },
  };
}

/** A teacher's day: today's lessons, attendance not yet taken, work waiting for a mark, and the week by day. */
export async function teacherDay(
  db: Db,
  actor: Actor,
  locale: Locale,
  now = clock.now(),
): Promise<TeacherDay> {
  const today = classroom.schoolToday(now);
  const week = await classroom.teachingLessons(db, actor, {}, locale);
  const todays = week.items.filter((l) => l.date === today);
  const minute = schoolMinute(now);
  const started = todays.filter((l) => l.state === 'scheduled' && minuteOf(l.startsAt) <= minute);
  const taken = await journalStore.lessonsWithAttendance(
    db,
    started.map((l) => l.id),
  );
  const waiting = await assignmentsStore.awaitingMark(db, actor.userId, SHOWN);
  const classNames = new Map(
    (await classroomStore.findClasses(db, [...new Set(waiting.map((a) => a.classId))])).map((c) => [
      c.id,
      classroom.className(c),
    ]),
  );
  const subjects = await subjectNames(
    db,
    waiting.map((a) => a.subjectCode),
    locale,
  );
  const days = new Map<string, { date: string; lessons: number; filled: number }>();
  for (let i = 0; i < 7; i++) {
    const date = classroom.addDays(week.from, i);
    days.set(date, { date, lessons: 0, filled: 0 });
  }
  for (const l of week.items) {
    const d = days.get(l.date);
    if (!d || l.state !== 'scheduled') continue;
    d.lessons += 1;
    if (l.topic !== null) d.filled += 1;
  }
  return {
    today,
    lessons: todays,
    attendanceMissing: started
      .filter((l) => !taken.has(l.id))
      .map((l) => ({
        lessonId: l.id,
        classId: l.classId,
        className: l.className,
        subjectCode: l.subjectCode,
        subject: l.subject,
        startsAt: l.startsAt,
      })),
    toMark: waiting.map((a) => ({
      id: a.id,
      title: a.title,
      className: classNames.get(a.classId) ?? '',
      subject: subjects.get(a.subjectCode) ?? a.subjectCode,
      dueAt: a.dueAt,
      waiting: a.waiting,
    })),
    week: [...days.values()],
  };
}

/**
 * Each linked child's day for a parent: today's lessons, the week's attendance and marks, homework due. Only
 * the caller's own children (from their session) are read.
 */
export async function childrenDays(
  db: Db,
  actor: Actor,
  locale: Locale,
  now = clock.now(),
): Promise<Map<number, ParentChildDay>> {
  const today = classroom.schoolToday(now);
  const from = classroom.addDays(today, 1 - classroom.weekdayOf(today));
  const to = classroom.addDays(from, 6);
  const cells = await journalStore.studentCellsBetween(db, actor.childIds, from, to);
  const codes = await journalStore.listAttendanceCodes(db);
  const codeName = new Map(codes.map((c) => [c.code, c[nameKey(locale)]]));
  const subjects = await subjectNames(
    db,
    cells.map((c) => c.subjectCode),
    locale,
  );
  const summaries = await notifications.latestDaySummaries(db, actor.userId, actor.childIds, locale);
  const days = new Map<number, ParentChildDay>();
  for (const id of actor.childIds) {
    const summary = summaries.get(id);
    const lessons = await classroom.studentLessons(db, id, 'day', today, locale);
    const mine = cells.filter((c) => c.studentId === id);
    const attendance = mine.filter((c) => c.attendanceCode !== null);
    days.set(id, {
      today,
      from,
      to,
      lessons: lessons.items,
      attendance: {
        recorded: attendance.length,
        present: attendance.filter((c) => c.countsAsPresent === true).length,
        missed: attendance
          .filter((c) => c.countsAsPresent !== true)
          .map((c) => ({
            date: c.date,
            subject: subjects.get(c.subjectCode) ?? c.subjectCode,
            code: codeName.get(c.attendanceCode!) ?? '',
          })),
      },
      marks: mine
        .filter((c) => c.mark !== null)
        .map((c) => ({ date: c.date, subject: subjects.get(c.subjectCode) ?? c.subjectCode, mark: c.mark! })),
      homework: await homeworkDue(db, id, today, locale),
      summary: summary ? { day: summary.dayOn, text: summary.text } : null,
    });
  }
  return days;
}

/** The schools a person holds one of the roles at. */
const schoolsOf = (actor: Actor, role: 'director') => [
  ...new Set(
    grantsOf(actor, [role])
      .map((g) => g.institutionId)
      .filter((id) => id !== null),
  ),
];

/**
 * A director's day for each school they direct: today's attendance by class, lessons this week not filled in,
 * the ICT record's state and due date, the school's application to the current distribution, council
 * decisions due soon.
 */
export async function directorDay(
  db: Db,
  actor: Actor,
  locale: Locale,
  now = clock.now(),
): Promise<DirectorDay> {
  const today = classroom.schoolToday(now);
  const monday = classroom.addDays(today, 1 - classroom.weekdayOf(today));
  const ids = schoolsOf(actor, 'director');
  const minute = schoolMinute(now);
  const rows = (await classroomStore.lessonsOfSchools(db, ids, monday, today)).filter(
    (l) => l.state === 'scheduled',
  );
  const started = rows.filter((l) => l.date < today || l.startMinute <= minute);
  const todays = started.filter((l) => l.date === today);
  const taken = await journalStore.lessonsWithAttendance(
    db,
    todays.map((l) => l.id),
  );
  // Newest first: the lessons just held are the ones a teacher still remembers.
  const notFilled = started.filter((l) => !l.hasContent).reverse();
  const classes = new Map(
    (await classroomStore.findClasses(db, [...new Set(rows.map((l) => l.classId))])).map((c) => [c.id, c]),
  );
  // The first few of each school, named in one go.
  const described = await classroom.describeLessons(
    db,
    ids.flatMap((id) => notFilled.filter((l) => l.institutionId === id).slice(0, SHOWN)),
    locale,
  );
  const years = await institutionsStore.listAcademicYears(db);
  const year = years.find((y) => y.isCurrent) ?? null;
  const plan = (await allocationStore.listPlans(db, false))[0] ?? null;
  const horizon = classroom.addDays(today, DECISIONS_AHEAD_DAYS);
  const schools: DirectorDay['schools'] = [];
  for (const id of ids) {
    const school = await institutionsStore.findInstitution(db, id);
    if (!school) continue;
    const byClass = new Map<number, { classId: number; className: string; started: number; taken: number }>();
    for (const l of todays.filter((x) => x.institutionId === id)) {
      const c = classes.get(l.classId);
      const entry = byClass.get(l.classId) ?? {
        classId: l.classId,
        className: c ? classroom.className(c) : '',
        started: 0,
        taken: 0,
      };
      entry.started += 1;
      if (taken.has(l.id)) entry.taken += 1;
      byClass.set(l.classId, entry);
    }
    const record = year ? await infrastructureStore.findSchoolYear(db, id, year.id) : undefined;
    const application = plan ? await allocationStore.findSchoolApplication(db, plan.id, id) : undefined;
    const decisions = (await councilsStore.listDecisions(db, id, { status: 'open' })).filter(
      (d) => d.dueOn <= horizon,
    );
    const unfilled = notFilled.filter((l) => l.institutionId === id);
    schools.push({
      id,
      nameAz: school.nameAz,
      nameRu: school.nameRu,
      nameEn: school.nameEn,
      attendance: {
        lessons: rows.filter((l) => l.institutionId === id && l.date === today).length,
        started: [...byClass.values()].reduce((n, c) => n + c.started, 0),
        taken: [...byClass.values()].reduce((n, c) => n + c.taken, 0),
        classes: [...byClass.values()].sort((x, y) => x.className.localeCompare(y.className, 'az')),
      },
      notFilled: {
        count: unfilled.length,
        items: described
          .filter((l) => unfilled.some((u) => u.id === l.id))
          .slice(0, SHOWN)
          .map((l) => ({
            lessonId: l.id,
            classId: l.classId,
            className: classes.get(l.classId) ? classroom.className(classes.get(l.classId)!) : '',
            date: l.date,
            startsAt: l.startsAt,
            subjectCode: l.subjectCode,
            subject: l.subject,
            teacher: l.teacher,
          })),
      },
      ict: year ? { year: year.code, state: record?.state ?? null, dueOn: recordDueOn(year.startsOn) } : null,
      allocation: plan
        ? {
            planId: plan.id,
            name: plan.name,
            state: plan.state,
            applicationsCloseOn: plan.applicationsCloseOn,
            application: application?.state ?? null,
          }
        : null,
      decisions: decisions.slice(0, SHOWN).map((d) => ({
        id: d.id,
        meetingId: d.meetingId,
        text: d.text,
        dueOn: d.dueOn,
        overdue: d.dueOn < today,
      })),
    });
  }
  return { today, schools };
}

/**
 * What waits above the schools, in the caller's areas (a regional officer) or the whole country (the bureau):
 * records awaiting review, schools with bad connectivity, the current distribution's progress. School names
 * and counts only.
 */
export async function areaDay(db: Db, actor: Actor): Promise<AreaDay> {
  const years = await institutionsStore.listAcademicYears(db);
  const year = years.find((y) => y.isCurrent) ?? null;
  const national = actor.grants.some((g) => g.role === 'bureau' || g.role === 'admin');
  const areaIds = national
    ? null
    : grantsOf(actor, ['regional']).flatMap((g) => (g.areaId === null ? [] : [g.areaId]));
  const review = year
    ? await schoolsForReview(db, actor, { yearId: year.id, state: 'submitted', limit: SHOWN, offset: 0 })
    : { total: 0, items: [] };
  const bad = year
    ? await monitoredSchools(db, actor, { status: 'bad', limit: SHOWN, offset: 0 })
    : { total: 0, items: [] };
  const plan = (await allocationStore.listPlans(db, false))[0] ?? null;
  const progress =
    plan && (areaIds === null || areaIds.length > 0)
      ? await allocationStore.progressOf(db, plan.id, areaIds)
      : null;
  const school = (s: {
    institutionId: number;
    code: string;
    nameAz: string;
    nameRu: string;
    nameEn: string;
  }) => ({
    id: s.institutionId,
    code: s.code,
    nameAz: s.nameAz,
    nameRu: s.nameRu,
    nameEn: s.nameEn,
  });
  return {
    year: year?.code ?? null,
    review: { total: review.total, items: review.items.map(school) },
    badConnectivity: {
      total: bad.total,
      items: bad.items.map((s) => ({ ...school(s), measuredMbps: s.measuredMbps })),
    },
    distribution:
      plan && progress
        ? {
            planId: plan.id,
            name: plan.name,
            state: plan.state,
            applications: Object.fromEntries(
              APPLICATION_STATES.map((state) => [
                state,
                progress.states.find((s) => s.state === state)?.n ?? 0,
              ]),
            ) as Record<(typeof APPLICATION_STATES)[number], number>,
            schools: progress.schools,
            awarded: progress.awarded,
            received: progress.received,
          }
        : null,
  };
}
