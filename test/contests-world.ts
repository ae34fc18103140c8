import type { Actor, Grant, Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { schoolToday } from '@/modules/classroom/classroom.service';
import * as contests from '@/modules/contests/contests.service';

/**
 * Contests for the route walk, built through the contests service: a national and a school question, two
 * national contests open now (grade 7, both shifts) with an attempt of the walk's student in each, and one
 * draft per organising role, made by that role's own account (each publishes its own).
 */

export interface ContestsWorld {
  /** A question of the national bank (mathematics, grade 7), and one of the school's bank. */
  nationalQuestionId: number;
  schoolQuestionId: number;
  /** A published national contest open now, and the walk student's open attempt at it. */
  contestId: number;
  attemptId: number;
  /** Another, whose attempt the walk submits. */
  submitAttemptId: number;
  /** Per organising role: a draft it made. */
  draftIds: Partial<Record<Role, number>>;
}

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** The start windows of a contest open now: from 10 minutes ago to 30 minutes ahead, school time. */
export function windowsOpenNow(now = new Date()) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Baku',
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const minute = get('hour') * 60 + get('minute');
  return {
    date: schoolToday(now),
    windows: [1, 2].map((shift) => ({
      shift,
      startsAt: hhmm(Math.max(0, minute - 10)),
      endsAt: hhmm(Math.min(1439, minute + 30)),
    })),
  };
}

const actorOf = (userId: number, grant: Grant): Actor => ({
  userId,
  username: `user-${userId}`,
  displayName: `User ${userId}`,
  locale: 'en',
  grants: [grant],
  childIds: [],
  sessionId: 'fixture',
  csrfToken: 'fixture',
});

export async function contestsWorld(
  db: Db,
  w: {
    ids: Record<Role, number>;
    schoolId: number;
    areaId: number;
    classId: number;
  },
): Promise<ContestsWorld> {
  const ctx = { actorId: null, ip: null };
  const grants: Record<Role, Grant> = {
    admin: { role: 'admin', areaId: null, institutionId: null },
    bureau: { role: 'bureau', areaId: null, institutionId: null },
    editor: { role: 'editor', areaId: null, institutionId: null },
    parent: { role: 'parent', areaId: null, institutionId: null },
    regional: { role: 'regional', areaId: w.areaId, institutionId: null },
    director: { role: 'director', areaId: null, institutionId: w.schoolId },
    teacher: { role: 'teacher', areaId: null, institutionId: w.schoolId },
    student: { role: 'student', areaId: null, institutionId: w.schoolId },
  };
  const as = (role: Role) => actorOf(w.ids[role], grants[role]);
  const question = (institutionId: number | null) => ({
    institutionId,
    subjectCode: 'mathematics',
    grade: 7,
    language: 'az' as const,
    prompt: '2 + 2 = ?',
    kind: 'single' as const,
    options: ['3', '4'],
    correct: [1],
  });
  const national = await contests.createQuestion(db, as('editor'), ctx, question(null), 'en');
  const school = await contests.createQuestion(db, as('teacher'), ctx, question(w.schoolId), 'en');
  const open = windowsOpenNow();
  const body = (over: Record<string, unknown>) => ({
    title: 'Route walk contest',
    subjectCode: 'mathematics',
    grade: 7,
    scope: 'nation' as const,
    ...open,
    timeLimitMinutes: 60,
    maxAttempts: 1,
    shuffle: true,
    questionIds: [national.id],
    ...over,
  });
  const published = async () => {
    const c = await contests.createContest(db, as('admin'), ctx, body({}), 'en');
    await contests.publishContest(db, as('admin'), ctx, c.id);
    return c.id;
  };
  const contestId = await published();
  const submitContestId = await published();
  const student = as('student');
  const attempt = await contests.startAttempt(db, student, contestId, new Date(), 'en');
  const submitAttempt = await contests.startAttempt(db, student, submitContestId, new Date(), 'en');
  const draftIds: Partial<Record<Role, number>> = {};
  for (const role of ['admin', 'bureau', 'editor'] as const) {
    draftIds[role] = (await contests.createContest(db, as(role), ctx, body({}), 'en')).id;
  }
  draftIds.regional = (
    await contests.createContest(db, as('regional'), ctx, body({ scope: 'district', areaId: w.areaId }), 'en')
  ).id;
  for (const role of ['director', 'teacher'] as const) {
    draftIds[role] = (
      await contests.createContest(
        db,
        as(role),
        ctx,
        body({ scope: 'class', classId: w.classId, questionIds: [national.id, school.id] }),
        'en',
      )
    ).id;
  }
  return {
    nationalQuestionId: national.id,
    schoolQuestionId: school.id,
    contestId,
    attemptId: attempt.id,
    submitAttemptId: submitAttempt.id,
    draftIds,
  };
}
