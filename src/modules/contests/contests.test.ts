import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { classroomSchool, type ClassroomSchool, errorOf, actorOf } from '@test/classroom-world';
import { createUserWithRole } from '@test/factories';
import * as classroom from '@/modules/classroom/classroom.service';
import * as identityStore from '@/modules/identity/identity.store';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import * as service from '@/modules/contests/contests.service';
import type { Actor } from '@/server/access';

/**
 * Knowledge contests through the API: banks and who writes them, contests and who sees them, attempts
 * (windows per shift, deadlines by the server clock, answers saved one by one and idempotently, resuming),
 * marking, and leaderboards that keep children's names inside their class.
 */

type App = Awaited<ReturnType<typeof createTestApp>>;

interface AttemptBody {
  id: number;
  state: string;
  score: number | null;
  maxScore: number;
  remainingSeconds: number;
  questions: {
    id: number;
    kind: string;
    prompt: string;
    options?: string[];
    left?: string[];
    right?: string[];
    items?: string[];
  }[];
  answers: { questionId: number; version: number; answer: Record<string, unknown> }[];
  review: { questionId: number; points: number; correct: Record<string, unknown> }[] | null;
}

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Now at school: the date and the minutes after midnight. */
function schoolNow(at = new Date()) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Baku',
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { date: classroom.schoolToday(at), minute: get('hour') * 60 + get('minute') };
}

describe('knowledge contests', () => {
  let t: App;
  let w: ClassroomSchool;
  let director: Session;
  let teacher: Session;
  let otherTeacher: Session;
  let student: Session;
  let classmate: Session;
  let shiftTwo: Session;
  let outsider: Session;
  let regional: Session;
  let otherRegional: Session;
  let editor: Session;
  let sevenA: number;
  let sevenB: number;
  const questionIds: Record<string, number> = {};
  let classContest: number;
  let schoolContest: number;
  let attemptId: number;

  /** Questions of every kind for mathematics, grade 7. */
  const QUESTIONS = {
    single: { kind: 'single', prompt: '2 + 2 = ?', options: ['3', '4', '5', '22'], correct: [1] },
    multiple: { kind: 'multiple', prompt: 'Cüt ədədlər', options: ['1', '2', '3', '4'], correct: [1, 3] },
    true_false: { kind: 'true_false', prompt: '7 sadə ədəddir', truth: true },
    numeric: { kind: 'numeric', prompt: 'π ≈ ?', value: 3.14, tolerance: 0.01 },
    short_text: { kind: 'short_text', prompt: 'Paytaxt?', accepted: ['Bakı'] },
    matching: {
      kind: 'matching',
      prompt: 'Uyğunlaşdırın',
      left: ['2²', '3²', '4²'],
      right: ['9', '16', '4'],
      pairs: [2, 0, 1],
    },
    ordering: { kind: 'ordering', prompt: 'Artan sıra', items: ['1', '5', '10', '50'] },
  } as const;

  const post = (s: Session, url: string, payload?: unknown) =>
    s.inject({ method: 'POST', url, ...(payload === undefined ? {} : { payload: payload as object }) });
  const get = (s: Session, url: string) => s.inject({ method: 'GET', url });

  const contestBody = (over: Record<string, unknown> = {}) => {
    const now = schoolNow();
    return {
      title: 'Riyaziyyat olimpiadası',
      subjectCode: 'mathematics',
      grade: 7,
      scope: 'class',
      classId: sevenA,
      date: now.date,
      windows: [
        {
          shift: 1,
          startsAt: hhmm(Math.max(0, now.minute - 10)),
          endsAt: hhmm(Math.min(1439, now.minute + 20)),
        },
        // Shift 2 starts later (or, late at night, has already ended).
        now.minute < 1300
          ? { shift: 2, startsAt: hhmm(now.minute + 60), endsAt: hhmm(now.minute + 90) }
          : { shift: 2, startsAt: '00:00', endsAt: '00:01' },
      ],
      timeLimitMinutes: 30,
      maxAttempts: 1,
      shuffle: true,
      questionIds: Object.values(questionIds),
      ...over,
    };
  };

  /** The right answer to each question, in the attempt's (shuffled) indexes, found from the texts shown. */
  function rightAnswer(q: AttemptBody['questions'][number]): Record<string, unknown> {
    switch (q.kind) {
      case 'single':
        return { choice: q.options!.indexOf('4') };
      case 'multiple':
        return { choices: [q.options!.indexOf('2'), q.options!.indexOf('4')] };
      case 'true_false':
        return { truth: true };
      case 'numeric':
        return { number: 3.1416 };
      case 'short_text':
        return { text: '  BAKI ' };
      case 'matching': {
        const match: Record<string, string> = { '2²': '4', '3²': '9', '4²': '16' };
        return { pairs: q.left!.map((l) => q.right!.indexOf(match[l]!)) };
      }
      default:
        return { order: ['1', '5', '10', '50'].map((x) => q.items!.indexOf(x)) };
    }
  }

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    w = await classroomSchool(db);
    const directorActor = actorOf(w.director.id, 'director', w.schoolId);
    const ctx = { actorId: null, ip: null };
    const mk = async (letter: string, shift: number, homeroom: number | null) =>
      (
        await classroom.createClass(
          db,
          directorActor,
          ctx,
          w.schoolId,
          { academicYearId: w.yearId, grade: 7, letter, language: 'az', shift, homeroomTeacherId: homeroom },
          'en',
        )
      ).id;
    sevenA = await mk('A', 1, w.teachers[0]!.id);
    sevenB = await mk('B', 2, null);
    for (const s of [w.students[0]!, w.students[1]!, w.students[3]!])
      await classroom.enrolStudent(db, directorActor, ctx, sevenA, s.id, 'en');
    await classroom.enrolStudent(db, directorActor, ctx, sevenB, w.students[2]!.id, 'en');
    const admin = actorOf(w.director.id, 'admin', null);
    const otherA = await classroom.createClass(
      db,
      admin,
      ctx,
      w.otherSchoolId,
      { academicYearId: w.yearId, grade: 7, letter: 'A', language: 'az', shift: 1, homeroomTeacherId: null },
      'en',
    );
    await classroom.enrolStudent(db, admin, ctx, otherA.id, w.otherStudent.id, 'en');
    await identityStore.updateUser(db, w.students[0]!.id, { displayName: 'Aysel Məmmədova' });
    await identityStore.updateUser(db, w.students[1]!.id, { displayName: 'Orxan Əliyev' });
    await identityStore.updateUser(db, w.students[2]!.id, { displayName: 'Nigar Həsənova' });
    const school = await institutionsStore.findInstitution(db, w.schoolId);
    const other = await institutionsStore.findInstitution(db, w.otherSchoolId);
    const as = (u: { username: string }) => login(t.app, u.username, 'password-1');
    director = await as(w.director);
    teacher = await as(w.teachers[0]!);
    otherTeacher = await as(w.otherTeacher);
    student = await as(w.students[0]!);
    classmate = await as(w.students[1]!);
    shiftTwo = await as(w.students[2]!);
    outsider = await as(w.otherStudent);
    regional = await as(await createUserWithRole(db, 'regional', { areaId: school!.areaId }));
    otherRegional = await as(await createUserWithRole(db, 'regional', { areaId: other!.areaId }));
    editor = await as(await createUserWithRole(db, 'editor'));
  });

  afterAll(async () => {
    await t?.close();
  });

  it("teachers write their school's bank, editors the national one; nobody else", async () => {
    for (const [kind, q] of Object.entries(QUESTIONS)) {
      const res = await post(teacher, '/api/contests/questions', {
        institutionId: w.schoolId,
        subjectCode: 'mathematics',
        grade: 7,
        language: 'az',
        ...q,
      });
      expect(res.statusCode, res.body).toBe(200);
      questionIds[kind] = res.json<{ id: number }>().id;
    }
    const q = { subjectCode: 'mathematics', grade: 7, language: 'az', ...QUESTIONS.true_false };
    expect(
      (await post(otherTeacher, '/api/contests/questions', { institutionId: w.schoolId, ...q })).statusCode,
    ).toBe(403);
    expect((await post(teacher, '/api/contests/questions', { institutionId: null, ...q })).statusCode).toBe(
      403,
    );
    expect(
      (await post(student, '/api/contests/questions', { institutionId: w.schoolId, ...q })).statusCode,
    ).toBe(403);
    const national = await post(editor, '/api/contests/questions', {
      institutionId: null,
      ...q,
      language: 'ru',
    });
    expect(national.statusCode, national.body).toBe(200);
    // A question that cannot be marked is refused with the field and the reason, translated.
    const bad = await teacher.inject({
      method: 'POST',
      url: '/api/contests/questions',
      headers: { 'accept-language': 'az' },
      payload: {
        institutionId: w.schoolId,
        subjectCode: 'mathematics',
        grade: 7,
        language: 'az',
        kind: 'single',
        prompt: '?',
        options: ['a', 'b'],
        correct: [0, 1],
      },
    });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).details[0]).toMatchObject({ field: 'correct', reason: 'single_needs_one' });
    expect(errorOf(bad).details[0]!.message).toContain('tək seçimli');
    // The other school's teacher does not see this school's bank.
    const theirs = await get(otherTeacher, `/api/contests/questions?institutionId=${w.schoolId}`);
    expect(theirs.statusCode).toBe(403);
    const list = await get(teacher, '/api/contests/questions?subjectCode=mathematics&grade=7');
    expect(list.json<{ total: number }>().total).toBe(8);
    // A rewrite keeps the bank.
    const put = await saveAsRead(teacher, {
      url: `/api/contests/questions/${questionIds.true_false}`,
      payload: {
        subjectCode: 'mathematics',
        grade: 7,
        language: 'az',
        ...QUESTIONS.true_false,
        prompt: '7 sadədir',
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    const putOther = await saveAsRead(otherTeacher, {
      url: `/api/contests/questions/${questionIds.true_false}`,
      payload: { subjectCode: 'mathematics', grade: 7, language: 'az', ...QUESTIONS.true_false },
    });
    expect(putOther.statusCode).toBe(403);
  });

  it('teachers make contests for their classes and school; students see only published ones in their scope', async () => {
    const other = await post(otherTeacher, '/api/contests', contestBody());
    expect(other.statusCode).toBe(403);
    const made = await post(teacher, '/api/contests', contestBody());
    expect(made.statusCode, made.body).toBe(200);
    classContest = made.json<{ id: number }>().id;
    const school = await post(
      director,
      '/api/contests',
      contestBody({ scope: 'school', classId: undefined, institutionId: w.schoolId, maxAttempts: 2 }),
    );
    expect(school.statusCode, school.body).toBe(200);
    schoolContest = school.json<{ id: number }>().id;
    // A draft is nobody's yet.
    expect((await get(student, '/api/contests')).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await post(student, `/api/contests/${classContest}/attempts`)).statusCode).toBe(404);
    expect((await post(otherTeacher, `/api/contests/${classContest}/publish`)).statusCode).toBe(403);
    for (const id of [classContest, schoolContest]) {
      const res = await post(director, `/api/contests/${id}/publish`);
      expect(res.statusCode, res.body).toBe(200);
    }
    expect((await post(director, `/api/contests/${classContest}/publish`)).statusCode).toBe(409);
    // Publishing tells the students of the scope: the class contest its class, the school contest the school's
    // grade 7; nobody at the other school.
    const notices = async (s: Session) =>
      (await get(s, '/api/notifications'))
        .json<{ items: { kind: string; params: { contestId?: number } }[] }>()
        .items.filter((n) => n.kind === 'contest_starting')
        .map((n) => n.params.contestId);
    expect((await notices(student)).sort()).toEqual([classContest, schoolContest].sort());
    expect(await notices(shiftTwo)).toEqual([schoolContest]);
    expect(await notices(outsider)).toEqual([]);
    const mine = (await get(student, '/api/contests'))
      .json<{ items: { id: number }[] }>()
      .items.map((c) => c.id);
    expect(mine.sort()).toEqual([classContest, schoolContest].sort());
    const theirs = (await get(shiftTwo, '/api/contests'))
      .json<{ items: { id: number }[] }>()
      .items.map((c) => c.id);
    expect(theirs).toEqual([schoolContest]);
    expect((await get(outsider, '/api/contests')).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await get(outsider, `/api/contests/${classContest}`)).statusCode).toBe(403);
    expect((await get(shiftTwo, `/api/contests/${classContest}`)).statusCode).toBe(403);
    expect((await get(otherTeacher, `/api/contests/${classContest}`)).statusCode).toBe(403);
    expect((await get(otherRegional, `/api/contests/${classContest}`)).statusCode).toBe(403);
    expect((await get(regional, `/api/contests/${classContest}`)).statusCode).toBe(200);
    const page = await get(student, `/api/contests/${classContest}`);
    expect(page.statusCode).toBe(200);
    expect(page.json<{ myWindow: unknown; myAttempts: unknown[] }>()).toMatchObject({ myAttempts: [] });
    expect(page.json<{ myWindow: unknown }>().myWindow).not.toBeNull();
    expect((await post(outsider, `/api/contests/${classContest}/attempts`)).statusCode).toBe(403);
  });

  it('an attempt shows shuffled questions without keys, the same after a reload, and resumes', async () => {
    const res = await post(student, `/api/contests/${classContest}/attempts`);
    expect(res.statusCode, res.body).toBe(200);
    const attempt = res.json<AttemptBody>();
    attemptId = attempt.id;
    expect(attempt.state).toBe('open');
    expect(attempt.questions).toHaveLength(7);
    expect(attempt.remainingSeconds).toBeGreaterThan(29 * 60);
    expect(attempt.remainingSeconds).toBeLessThanOrEqual(30 * 60);
    expect(attempt.review).toBeNull();
    // No key in sight: no correct options, truths, values, accepted texts or pairs.
    for (const q of attempt.questions) {
      for (const key of ['correct', 'truth', 'value', 'tolerance', 'accepted', 'pairs'])
        expect(q).not.toHaveProperty(key);
    }
    const ordering = attempt.questions.find((q) => q.kind === 'ordering')!;
    expect([...ordering.items!].sort()).toEqual(['1', '10', '5', '50'].sort());
    const reload = await get(student, `/api/contest-attempts/${attemptId}`);
    expect(reload.json<AttemptBody>().questions).toEqual(attempt.questions);
    const again = await post(student, `/api/contests/${classContest}/attempts`);
    expect(again.json<AttemptBody>().id).toBe(attemptId);
    // Nobody else reads it.
    expect((await get(classmate, `/api/contest-attempts/${attemptId}`)).statusCode).toBe(404);
    expect((await get(teacher, `/api/contest-attempts/${attemptId}`)).statusCode).toBe(403);
  });

  it('answers are saved one by one, idempotently by version, and come back on reload', async () => {
    const attempt = (await get(student, `/api/contest-attempts/${attemptId}`)).json<AttemptBody>();
    const put = (s: Session, questionId: number, version: number, answer: unknown) =>
      s.inject({
        method: 'PUT',
        url: `/api/contest-attempts/${attemptId}/answers/${questionId}`,
        payload: { version, answer },
      });
    for (const q of attempt.questions) {
      // The ordering question is answered wrong on purpose: one question short of full marks.
      const answer =
        q.kind === 'ordering'
          ? { order: ['50', '10', '5', '1'].map((x) => q.items!.indexOf(x)) }
          : rightAnswer(q);
      const res = await put(student, q.id, 1, answer);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ questionId: q.id, version: 1, written: true });
    }
    const single = attempt.questions.find((q) => q.kind === 'single')!;
    const wrong = { choice: single.options!.indexOf('5') };
    expect((await put(student, single.id, 3, wrong)).json()).toMatchObject({ version: 3, written: true });
    // A retried or late older version changes nothing.
    expect((await put(student, single.id, 2, rightAnswer(single))).json()).toMatchObject({
      version: 3,
      written: false,
    });
    expect((await put(student, single.id, 3, rightAnswer(single))).json()).toMatchObject({
      version: 3,
      written: false,
    });
    expect((await put(student, single.id, 4, rightAnswer(single))).json()).toMatchObject({
      version: 4,
      written: true,
    });
    // Answers of the wrong shape, for another question, or into another's attempt.
    const bad = await put(student, single.id, 5, { choices: [0] });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).details[0]).toMatchObject({ field: 'answer', reason: 'wrong_kind' });
    expect((await put(student, single.id, 5, { choice: 9 })).statusCode).toBe(422);
    expect((await put(student, 999_999, 1, { choice: 0 })).statusCode).toBe(404);
    expect((await put(classmate, single.id, 9, { choice: 0 })).statusCode).toBe(404);
    const reload = (await get(student, `/api/contest-attempts/${attemptId}`)).json<AttemptBody>();
    expect(reload.answers).toHaveLength(7);
    expect(reload.answers.find((a) => a.questionId === single.id)).toEqual({
      questionId: single.id,
      version: 4,
      answer: rightAnswer(single),
    });
    const matching = reload.questions.find((q) => q.kind === 'matching')!;
    expect(reload.answers.find((a) => a.questionId === matching.id)!.answer).toEqual(rightAnswer(matching));
  });

  it("the shift's window and the attempt limit are the server's to enforce", async () => {
    const res = await post(shiftTwo, `/api/contests/${schoolContest}/attempts`);
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('contests.window_closed');
    const s = (await get(shiftTwo, `/api/contests/${schoolContest}`)).json<{
      myWindow: { opensAt: string };
    }>();
    // Inside the window (by the server's clock, as the service is told), the start is allowed.
    const inside = new Date(Date.parse(s.myWindow.opensAt) + 60_000);
    const actor = { ...actorOf(w.students[2]!.id, 'student', w.schoolId) } satisfies Actor;
    const started = await service.startAttempt(t.database.db, actor, schoolContest, inside, 'en');
    expect(started.state).toBe('open');
  });

  it('submitting marks the attempt; keys show only when the contest is over; one attempt only', async () => {
    const res = await post(student, `/api/contest-attempts/${attemptId}/submit`);
    expect(res.statusCode, res.body).toBe(200);
    const done = res.json<AttemptBody>();
    expect(done).toMatchObject({ state: 'submitted', score: 6, maxScore: 7 });
    expect(done.review).toBeNull();
    expect((await post(student, `/api/contest-attempts/${attemptId}/submit`)).json()).toMatchObject({
      score: 6,
    });
    const late = await student.inject({
      method: 'PUT',
      url: `/api/contest-attempts/${attemptId}/answers/${done.questions[0]!.id}`,
      payload: { version: 99, answer: { truth: true } },
    });
    expect(late.statusCode).toBe(409);
    expect(errorOf(late).code).toBe('contests.attempt_closed');
    const again = await post(student, `/api/contests/${classContest}/attempts`);
    expect(again.statusCode).toBe(409);
    expect(errorOf(again).code).toBe('contests.no_attempts_left');
    // The student's list gives each contest their own attempts, with the score: their result at a glance.
    const listed = (await get(student, '/api/contests')).json<{
      items: { id: number; myAttempts?: { id: number; state: string; score: number | null }[] }[];
    }>().items;
    expect(listed.find((c) => c.id === classContest)!.myAttempts).toEqual([
      expect.objectContaining({ id: attemptId, state: 'submitted', score: 6 }),
    ]);
    expect(listed.find((c) => c.id === schoolContest)!.myAttempts).toEqual([]);
    // After the contest closes, the review gives each question's points and correct answer.
    const actor = actorOf(w.students[0]!.id, 'student', w.schoolId);
    const after = await service.getAttempt(
      t.database.db,
      actor,
      attemptId,
      new Date(Date.now() + 86_400_000),
    );
    expect(after.review).toHaveLength(7);
    const ordering = after.questions.find((q) => q.kind === 'ordering')!;
    const review = after.review!.find((r) => r.questionId === ordering.id)!;
    expect(review.points).toBe(0);
    expect((review.correct.order as number[]).map((i) => ordering.items![i])).toEqual(['1', '5', '10', '50']);
  });

  it('the deadline closes an attempt by itself; answers after it are refused', async () => {
    const db = t.database.db;
    const actor = actorOf(w.students[1]!.id, 'student', w.schoolId);
    const started = await service.startAttempt(db, actor, classContest, new Date(), 'en');
    const q = started.questions.find((x) => x.kind === 'true_false')!;
    await service.saveAnswer(
      db,
      actor,
      started.id,
      q.id,
      { version: 1, answer: { truth: true } },
      new Date(),
      'en',
    );
    const afterDeadline = new Date(Date.parse(started.deadline) + 1000);
    await expect(
      service.saveAnswer(
        db,
        actor,
        started.id,
        q.id,
        { version: 2, answer: { truth: false } },
        afterDeadline,
        'en',
      ),
    ).rejects.toMatchObject({ status: 409, code: 'contests.attempt_closed' });
    expect(await service.closeExpired(db, classContest, afterDeadline)).toBe(1);
    const closed = await service.getAttempt(db, actor, started.id, afterDeadline);
    expect(closed).toMatchObject({ state: 'expired', score: 1, remainingSeconds: 0 });
  });

  it('two starts at once give one attempt', async () => {
    const s = await login(t.app, w.students[3]!.username, 'password-1');
    const [a, b] = await Promise.all([
      post(s, `/api/contests/${classContest}/attempts`),
      post(s, `/api/contests/${classContest}/attempts`),
    ]);
    expect(a.statusCode, a.body).toBe(200);
    expect(b.statusCode, b.body).toBe(200);
    expect(a.json<AttemptBody>().id).toBe(b.json<AttemptBody>().id);
  });

  it('leaderboards: a student sees their class by short names; staff see aggregates; other schools see nothing', async () => {
    const board = await get(student, `/api/contests/${classContest}/leaderboard`);
    expect(board.statusCode, board.body).toBe(200);
    const b = board.json<{
      me: { score: number; classRank: number };
      classBoard: { rank: number; name: string; score: number; isMe: boolean }[];
      schools: unknown[];
      classes: unknown[];
    }>();
    expect(b.classBoard).toEqual([
      { rank: 1, name: 'Aysel M.', score: 6, isMe: true },
      { rank: 2, name: 'Orxan Ə.', score: 1, isMe: false },
    ]);
    expect(b.me).toMatchObject({ score: 6, classRank: 1, classParticipants: 2 });
    expect(b.schools).toEqual([]);
    expect(board.body).not.toContain('Məmmədova');
    expect((await get(outsider, `/api/contests/${classContest}/leaderboard`)).statusCode).toBe(403);
    expect((await get(shiftTwo, `/api/contests/${classContest}/leaderboard`)).statusCode).toBe(403);
    const staff = (await get(director, `/api/contests/${classContest}/leaderboard`)).json<{
      classes: { name: string; participants: number; bestScore: number }[];
      classBoard: unknown[];
    }>();
    expect(staff.classBoard).toEqual([]);
    expect(staff.classes).toEqual([expect.objectContaining({ name: '7A', participants: 2, bestScore: 6 })]);
    const area = await get(regional, `/api/contests/${classContest}/leaderboard`);
    expect(area.statusCode).toBe(200);
    expect(area.json<{ schools: { participants: number }[] }>().schools).toEqual([
      expect.objectContaining({ participants: 2, meanScore: 3.5 }),
    ]);
    expect(area.body).not.toContain('Aysel');
    expect((await get(otherRegional, `/api/contests/${classContest}/leaderboard`)).statusCode).toBe(403);
    expect((await get(otherTeacher, `/api/contests/${classContest}/leaderboard`)).statusCode).toBe(403);
  });

  it("results by name go to the school's director and its teachers only", async () => {
    const res = await get(director, `/api/contests/${classContest}/schools/${w.schoolId}/results`);
    expect(res.statusCode, res.body).toBe(200);
    const names = res
      .json<{ items: { displayName: string; className: string }[] }>()
      .items.map((i) => i.displayName);
    expect(names).toContain('Aysel Məmmədova');
    const byTeacher = await get(teacher, `/api/contests/${classContest}/schools/${w.schoolId}/results`);
    expect(byTeacher.statusCode).toBe(200);
    expect(byTeacher.json<{ items: unknown[] }>().items.length).toBeGreaterThan(0);
    // A teacher of the school who teaches no class of it sees none of them.
    const spare = await login(t.app, w.teachers[2]!.username, 'password-1');
    expect((await get(spare, `/api/contests/${classContest}/schools/${w.schoolId}/results`)).json()).toEqual({
      items: [],
    });
    expect(
      (await get(otherTeacher, `/api/contests/${classContest}/schools/${w.schoolId}/results`)).statusCode,
    ).toBe(403);
    expect(
      (await get(regional, `/api/contests/${classContest}/schools/${w.schoolId}/results`)).statusCode,
    ).toBe(403);
    expect(
      (await get(student, `/api/contests/${classContest}/schools/${w.schoolId}/results`)).statusCode,
    ).toBe(403);
  });
});
