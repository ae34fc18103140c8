import type { Actor, Grant, Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { schoolToday } from '@/modules/classroom/classroom.service';
import * as clock from '@/server/clock';
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
  /** Per organising role: another draft it made, to rewrite, and one to delete. */
  editIds: Partial<Record<Role, number>>;
  deleteIds: Partial<Record<Role, number>>;
  /** Per author role: an unused question of a bank it writes, to delete. */
  spareQuestionIds: Partial<Record<Role, number>>;
  /** Drafts for the other school's 7A, and questions of its bank, that the walk's outside deletions use up. */
  otherDraftIds: number[];
  otherQuestionIds: number[];
  /** The other school's side: a question of its bank, its 7A's published contest and a draft of its 7A. */
  other: { questionId: number; contestId: number; draftId: number };
  /** Another student's (of the other school's 7A) open attempt at the national contest. */
  otherAttemptId: number;
}

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** The start windows of a contest open now: from 10 minutes ago to 30 minutes ahead, school time. */
export function windowsOpenNow(now = clock.now()) {
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
    otherSchoolId: number;
    otherClassId: number;
    otherStudentId: number;
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
  const attempt = await contests.startAttempt(db, student, contestId, clock.now(), 'en');
  const submitAttempt = await contests.startAttempt(db, student, submitContestId, clock.now(), 'en');
  const otherStudent = actorOf(w.otherStudentId, { ...grants.student, institutionId: w.otherSchoolId });
  const otherAttempt = await contests.startAttempt(db, otherStudent, contestId, clock.now(), 'en');
  const admin = as('admin');
  const ofOtherClass = body({ scope: 'class', classId: w.otherClassId });
  const otherContest = await contests.createContest(db, admin, ctx, ofOtherClass, 'en');
  await contests.publishContest(db, admin, ctx, otherContest.id);
  const otherDraft = await contests.createContest(db, admin, ctx, ofOtherClass, 'en');
  const otherQuestion = await contests.createQuestion(db, admin, ctx, question(w.otherSchoolId), 'en');
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
  /** A draft each organising role made, as the walk's POST line makes it. */
  const draftsOf = async () => {
    const made: Partial<Record<Role, number>> = {};
    for (const role of ['admin', 'bureau', 'editor'] as const) {
      made[role] = (await contests.createContest(db, as(role), ctx, body({}), 'en')).id;
    }
    made.regional = (
      await contests.createContest(
        db,
        as('regional'),
        ctx,
        body({ scope: 'district', areaId: w.areaId }),
        'en',
      )
    ).id;
    for (const role of ['director', 'teacher'] as const) {
      made[role] = (
        await contests.createContest(db, as(role), ctx, body({ scope: 'class', classId: w.classId }), 'en')
      ).id;
    }
    return made;
  };
  const editIds = await draftsOf();
  const deleteIds = await draftsOf();
  const spareQuestionIds: Partial<Record<Role, number>> = {};
  for (const role of ['admin', 'bureau', 'editor'] as const) {
    spareQuestionIds[role] = (await contests.createQuestion(db, as(role), ctx, question(null), 'en')).id;
  }
  for (const role of ['director', 'teacher'] as const) {
    spareQuestionIds[role] = (
      await contests.createQuestion(db, as(role), ctx, question(w.schoolId), 'en')
    ).id;
  }
  const otherDraftIds: number[] = [];
  const otherQuestionIds: number[] = [];
  for (let i = 0; i < 3; i++) {
    otherDraftIds.push(
      (
        await contests.createContest(
          db,
          as('admin'),
          ctx,
          body({ scope: 'class', classId: w.otherClassId }),
          'en',
        )
      ).id,
    );
    otherQuestionIds.push(
      (await contests.createQuestion(db, as('admin'), ctx, question(w.otherSchoolId), 'en')).id,
    );
  }
  return {
    editIds,
    deleteIds,
    spareQuestionIds,
    otherDraftIds,
    otherQuestionIds,
    nationalQuestionId: national.id,
    schoolQuestionId: school.id,
    contestId,
    attemptId: attempt.id,
    submitAttemptId: submitAttempt.id,
    draftIds,
    other: { questionId: otherQuestion.id, contestId: otherContest.id, draftId: otherDraft.id },
    otherAttemptId: otherAttempt.id,
  };
}
