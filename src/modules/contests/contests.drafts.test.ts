import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { classroomSchool, type ClassroomSchool, actorOf, errorOf } from '@test/classroom-world';
import * as classroom from '@/modules/classroom/classroom.service';
import { auditLog } from '@/modules/identity/identity.tables';

/**
 * The organisers' side of knowledge contests: a draft is rewritten or deleted by whoever manages it and
 * nobody else, a published contest refuses both, and a bank question goes only while no contest holds it.
 */

type App = Awaited<ReturnType<typeof createTestApp>>;

interface ContestBody {
  id: number;
  title: string;
  state: string;
  windows: { shift: number; startsAt: string; endsAt: string }[];
  timeLimitMinutes: number;
  maxAttempts: number;
  shuffle: boolean;
  questionCount?: number;
}

describe('contest drafts and bank questions', () => {
  let t: App;
  let w: ClassroomSchool;
  let teacher: Session;
  let director: Session;
  let otherTeacher: Session;
  let colleague: Session;
  let student: Session;
  let sevenA: number;
  const ids: number[] = [];

  /** A request; a rewrite (`PUT`) as the page makes it, with the version read just before. */
  const send = (s: Session, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    method === 'PUT'
      ? saveAsRead(s, { url, payload: payload as object })
      : s.inject({
          method,
          url,
          ...(payload === undefined ? {} : { payload: payload as object }),
        });

  const body = (over: Record<string, unknown> = {}) => ({
    title: 'Draft',
    subjectCode: 'mathematics',
    grade: 7,
    scope: 'class',
    classId: sevenA,
    date: '2026-12-15',
    windows: [{ shift: 1, startsAt: '10:00', endsAt: '10:30' }],
    timeLimitMinutes: 30,
    maxAttempts: 1,
    shuffle: true,
    questionIds: [ids[0]],
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    w = await classroomSchool(db);
    const directorActor = actorOf(w.director.id, 'director', w.schoolId);
    const made = await classroom.createClass(
      db,
      directorActor,
      { actorId: null, ip: null },
      w.schoolId,
      {
        academicYearId: w.yearId,
        grade: 7,
        letter: 'A',
        language: 'az',
        shift: 1,
        homeroomTeacherId: w.teachers[0]!.id,
      },
      'en',
    );
    sevenA = made.id;
    const as = (u: { username: string }) => login(t.app, u.username, 'password-1');
    teacher = await as(w.teachers[0]!);
    colleague = await as(w.teachers[1]!);
    director = await as(w.director);
    otherTeacher = await as(w.otherTeacher);
    student = await as(w.students[0]!);
    for (const prompt of ['2 + 2 = ?', '3 + 3 = ?', '4 + 4 = ?']) {
      const res = await send(teacher, 'POST', '/api/contests/questions', {
        institutionId: w.schoolId,
        subjectCode: 'mathematics',
        grade: 7,
        language: 'az',
        prompt,
        kind: 'numeric',
        value: 2 * Number(prompt[0]),
      });
      expect(res.statusCode, res.body).toBe(200);
      ids.push(res.json<{ id: number }>().id);
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  it('rewrites a draft wholly for its maker, checks it as creating does, and refuses others', async () => {
    const made = await send(teacher, 'POST', '/api/contests', body());
    expect(made.statusCode, made.body).toBe(200);
    const id = made.json<ContestBody>().id;

    const edit = body({
      title: 'Edited',
      windows: [
        { shift: 1, startsAt: '09:00', endsAt: '09:20' },
        { shift: 2, startsAt: '14:00', endsAt: '14:20' },
      ],
      timeLimitMinutes: 45,
      maxAttempts: 2,
      shuffle: false,
      questionIds: [ids[1], ids[2]],
    });
    for (const outsider of [otherTeacher, colleague, student]) {
      expect((await send(outsider, 'PUT', `/api/contests/${id}`, edit)).statusCode).toBe(403);
    }
    const edited = await send(teacher, 'PUT', `/api/contests/${id}`, edit);
    expect(edited.statusCode, edited.body).toBe(200);
    const shown = (await send(teacher, 'GET', `/api/contests/${id}`)).json<ContestBody>();
    expect(shown).toMatchObject({
      title: 'Edited',
      state: 'draft',
      timeLimitMinutes: 45,
      maxAttempts: 2,
      shuffle: false,
      questionCount: 2,
      questionIds: [ids[1], ids[2]],
      windows: edit.windows,
    });

    // The same rules as creating: a window ending before it starts is named, and nothing changes.
    const bad = await send(
      teacher,
      'PUT',
      `/api/contests/${id}`,
      body({ windows: [{ shift: 1, startsAt: '11:00', endsAt: '10:00' }] }),
    );
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).details.map((p) => p.field)).toEqual(['windows/0/endsAt']);
    expect((await send(teacher, 'GET', `/api/contests/${id}`)).json<ContestBody>().title).toBe('Edited');
    // Only its managers see which bank questions it holds.
    expect(
      await send(colleague, 'GET', `/api/contests/${id}`).then((r) => r.json<object>()),
    ).not.toHaveProperty('questionIds');

    // A teacher cannot move their draft to a class they do not teach in another school.
    const otherClass = await classroom.createClass(
      t.database.db,
      actorOf(w.otherDirector.id, 'director', w.otherSchoolId),
      { actorId: null, ip: null },
      w.otherSchoolId,
      { academicYearId: w.yearId, grade: 7, letter: 'B', language: 'az', shift: 1, homeroomTeacherId: null },
      'en',
    );
    const away = await send(teacher, 'PUT', `/api/contests/${id}`, body({ classId: otherClass.id }));
    expect(away.statusCode).toBe(422); // the school's questions are not the other school's bank

    // The director manages every contest of the school.
    const byDirector = await send(director, 'PUT', `/api/contests/${id}`, { ...edit, title: 'Director' });
    expect(byDirector.statusCode, byDirector.body).toBe(200);

    const entries = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'contests_contest'), eq(auditLog.entityId, String(id))));
    expect(entries.map((e) => e.action)).toEqual(['create', 'update', 'update']);
  });

  it('deletes a draft for its manager only; a published contest refuses both edit and delete, translated', async () => {
    const draft = (await send(teacher, 'POST', '/api/contests', body())).json<ContestBody>().id;
    expect((await send(otherTeacher, 'DELETE', `/api/contests/${draft}`)).statusCode).toBe(403);
    expect((await send(colleague, 'DELETE', `/api/contests/${draft}`)).statusCode).toBe(403);
    const gone = await send(teacher, 'DELETE', `/api/contests/${draft}`);
    expect(gone.statusCode, gone.body).toBe(200);
    expect((await send(teacher, 'GET', `/api/contests/${draft}`)).statusCode).toBe(404);
    expect((await send(teacher, 'DELETE', `/api/contests/${draft}`)).statusCode).toBe(404);

    const published = (await send(teacher, 'POST', '/api/contests', body())).json<ContestBody>().id;
    expect((await send(teacher, 'POST', `/api/contests/${published}/publish`)).statusCode).toBe(200);
    const edit = await saveAsRead(teacher, {
      url: `/api/contests/${published}`,
      headers: { 'accept-language': 'az' },
      payload: body({ title: 'Late' }),
    });
    expect(edit.statusCode).toBe(409);
    expect(errorOf(edit).message).toContain('Dərc olunmuş müsabiqəni');
    const del = await send(director, 'DELETE', `/api/contests/${published}`);
    expect(del.statusCode).toBe(409);
    expect(errorOf(del).message).toContain('Dərc olunmuş müsabiqəni');
    expect((await send(teacher, 'GET', `/api/contests/${published}`)).json<ContestBody>().title).toBe(
      'Draft',
    );
  });

  it('deletes a bank question only while no contest holds it, and only for who writes that bank', async () => {
    const draft = (
      await send(teacher, 'POST', '/api/contests', body({ questionIds: [ids[0], ids[2]] }))
    ).json<ContestBody>().id;
    const used = await send(teacher, 'DELETE', `/api/contests/questions/${ids[2]}`);
    expect(used.statusCode).toBe(409);
    expect(errorOf(used).message).toContain('Bu sual 2 müsabiqədə');

    const lone = await send(teacher, 'POST', '/api/contests/questions', {
      institutionId: w.schoolId,
      subjectCode: 'mathematics',
      grade: 7,
      language: 'az',
      prompt: 'Yer kürəsi yastıdır',
      kind: 'true_false',
      truth: false,
    });
    const loneId = lone.json<{ id: number }>().id;
    expect((await send(otherTeacher, 'DELETE', `/api/contests/questions/${loneId}`)).statusCode).toBe(403);
    expect((await send(student, 'DELETE', `/api/contests/questions/${loneId}`)).statusCode).toBe(403);
    // Any teacher of the school writes its bank, so a colleague may remove it.
    const removed = await send(colleague, 'DELETE', `/api/contests/questions/${loneId}`);
    expect(removed.statusCode, removed.body).toBe(200);
    const bank = await send(teacher, 'GET', '/api/contests/questions?subjectCode=mathematics&grade=7');
    expect(bank.json<{ items: { id: number }[] }>().items.map((q) => q.id)).not.toContain(loneId);
    expect((await send(teacher, 'DELETE', `/api/contests/questions/${loneId}`)).statusCode).toBe(404);

    // Once the draft holding it is gone, the question may go too.
    expect((await send(teacher, 'DELETE', `/api/contests/${draft}`)).statusCode).toBe(200);
    const gone = await send(teacher, 'DELETE', `/api/contests/questions/${ids[2]}`);
    expect(gone.statusCode).toBe(409); // the first test's contest still holds it
    const entries = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'contests_question'), eq(auditLog.entityId, String(loneId))));
    expect(entries.map((e) => e.action)).toEqual(['create', 'delete']);
  });
});
