import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '@/server/db/database';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createUserWithRole } from '@test/factories';
import { classroomSchool, type ClassroomSchool } from '@test/classroom-world';
import { users } from '@/modules/identity/identity.tables';
import { subjects } from '@/modules/institutions/institutions.tables';
import { resources } from '@/modules/library/library.tables';
import { DEFAULT_PACK_DIR } from '@/modules/institutions/country-pack';
import { now } from '@/server/clock';
import { seedSafetyCourses } from '@/seed/safety-courses';
import * as store from '@/modules/portal/portal.courses.store';

type Texts = { az: string; ru: string; en: string };
type Lists = { az: string[]; ru: string[]; en: string[] };
type EditQuestion = {
  kind: string;
  points: number;
  prompt: Texts;
  options?: Lists;
  correct?: number[];
  truth?: boolean;
  left?: Lists;
  right?: Lists;
  pairs?: number[];
  items?: Lists;
};
type EditLesson = {
  id: number;
  courseId: number;
  version: number;
  position: number;
  topic: string;
  retired: boolean;
  attempts: number;
  title: Texts;
  body: Texts;
  resources: { id: number; title: string }[];
  questions: EditQuestion[];
};
type EditCourse = { id: number; version: number; title: Texts; summary: Texts; lessons: EditLesson[] };
type Problem = { field: string; message: string };
type Shown = {
  lessons: { id: number; title: string; body: string; questions: { prompt: string; options?: string[] }[] }[];
};

const same = (s: string): Texts => ({ az: s, ru: s, en: s });
const sameList = (l: string[]): Lists => ({ az: l, ru: l, en: l });
const trueFalse = (prompt: string, truth = true): EditQuestion => ({
  kind: 'true_false',
  points: 1,
  prompt: same(prompt),
  truth,
});

/**
 * The content staff's editor of the internet-safety courses through the API: who may edit, versions, the quiz
 * checked by the contests engine, resources checked against the library, removal or retirement of a lesson,
 * the order of lessons, pupils' stored scores kept, texts kept as text, and the pack no longer overwriting.
 */
describe('editing the internet-safety courses', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let w: ClassroomSchool;
  let editor: Session;
  let bureau: Session;
  let regional: Session;
  let director: Session;
  let pupil: Session;
  let courseId: number;
  let publishedId: number;
  let draftId: number;

  const call = (s: Session | null, method: string, url: string, payload?: object, lang = 'en') =>
    (s ?? t.app).inject({
      method: method as 'GET',
      url: `/api${url}`,
      ...(payload ? { payload } : {}),
      headers: { 'accept-language': lang },
    });
  const course = async () =>
    (await call(editor, 'GET', `/portal/manage/safety/courses/${courseId}`)).json<EditCourse>();
  const lessonBody = (l: EditLesson) => ({
    version: l.version,
    topic: l.topic,
    title: l.title,
    body: l.body,
    resourceIds: l.resources.map((r) => r.id),
    questions: l.questions,
  });
  const problems = (r: { json<T>(): T }) => r.json<{ error: { details: Problem[] } }>().error.details;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    w = await classroomSchool(db);
    await db
      .insert(subjects)
      .values({
        code: 'informatics',
        nameAz: 'İnformatika',
        nameRu: 'Информатика',
        nameEn: 'Informatics',
        grades: [5, 6],
      })
      .onConflictDoNothing();
    const resource = (title: string, state: 'published' | 'draft') => ({
      type: 'video_lesson' as const,
      state,
      title,
      language: 'az' as const,
      level: 'general' as const,
      grades: [5, 6],
      subjectCode: 'informatics',
      licence: 'cc_by' as const,
      createdBy: w.director.id,
    });
    const made = await db
      .insert(resources)
      .values([resource('Parollar', 'published'), resource('Qaralama', 'draft')])
      .returning({ id: resources.id });
    publishedId = made[0]!.id;
    draftId = made[1]!.id;
    await seedSafetyCourses(db, { packDir: DEFAULT_PACK_DIR, demo: false, seed: 1, now: now() });
    courseId = (await store.listCourses(db)).find((c) => c.code === 'g5-6')!.id;
    const as = async (u: { username: string }) => login(t.app, u.username, 'password-1');
    editor = await as(await createUserWithRole(db, 'editor'));
    // The bureau's officer reads in Russian: messages follow the user's language.
    const officer = await createUserWithRole(db, 'bureau');
    await db.update(users).set({ locale: 'ru' }).where(eq(users.id, officer.id));
    bureau = await as(officer);
    const area = (await createAreas(db)).region;
    regional = await as(await createUserWithRole(db, 'regional', { areaId: area }));
    director = await as(w.director);
    pupil = await as(w.students[0]!);
  });
  afterAll(async () => t.close());

  it('is for the ministry’s content staff only (admin, bureau, editor)', async () => {
    const url = `/portal/manage/safety/courses/${courseId}`;
    expect((await call(null, 'GET', url)).statusCode).toBe(401);
    for (const s of [regional, director, pupil]) expect((await call(s, 'GET', url)).statusCode).toBe(403);
    const c = await course();
    expect(c.lessons).toHaveLength(6);
    expect(c.lessons[0]!.title.ru).toBe('Настройки приватности');
    // The key is there for the editors (a question's right answers), in the contests engine's terms.
    expect(c.lessons.flatMap((l) => l.questions).some((q) => q.truth !== undefined || q.correct)).toBe(true);
    expect((await call(bureau, 'GET', url)).statusCode).toBe(200);
    expect((await call(editor, 'GET', '/portal/manage/safety/courses/999999')).statusCode).toBe(404);
  });

  it('saves a lesson at the version read; a pupil sees the new title; a stale save is 409', async () => {
    const l = (await course()).lessons[0]!;
    const body = {
      ...lessonBody(l),
      title: { ...l.title, az: 'Məxfilik: yeni başlıq' },
      resourceIds: [publishedId],
      questions: [...l.questions, trueFalse('Parolu dostunla bölüşmək olar.', false)],
    };
    const saved = await call(editor, 'PUT', `/portal/manage/safety/lessons/${l.id}`, body);
    expect(saved.statusCode).toBe(200);
    const after = saved.json<EditLesson>();
    expect(after.version).toBe(l.version + 1);
    expect(after.questions).toHaveLength(l.questions.length + 1);
    expect(after.resources.map((r) => r.id)).toEqual([publishedId]);
    const shown = (
      await call(pupil, 'GET', `/portal/safety/courses/${courseId}`, undefined, 'az')
    ).json<Shown>();
    expect(shown.lessons[0]!.title).toBe('Məxfilik: yeni başlıq');
    expect(shown.lessons[0]!.questions.at(-1)!.prompt).toBe('Parolu dostunla bölüşmək olar.');
    const stale = await call(bureau, 'PUT', `/portal/manage/safety/lessons/${l.id}`, body);
    expect(stale.statusCode).toBe(409);
    expect(stale.json<{ error: { code: string } }>().error.code).toBe('stale_version');
  });

  it('refuses a lesson with 422 naming the field, in the caller’s language: texts, resources, questions', async () => {
    const l = (await course()).lessons[1]!;
    const bad = await call(
      editor,
      'PUT',
      `/portal/manage/safety/lessons/${l.id}`,
      {
        ...lessonBody(l),
        title: { ...l.title, ru: '  ' },
        resourceIds: [publishedId, draftId, 2_000_000],
        questions: [
          { kind: 'single', points: 1, prompt: same('?'), options: sameList(['a', 'b']), correct: [5] },
          {
            kind: 'multiple',
            points: 1,
            prompt: same('?'),
            options: { az: ['a', 'b'], ru: ['a'], en: ['a', 'b'] },
            correct: [0],
          },
          {
            kind: 'matching',
            points: 1,
            prompt: same('?'),
            left: sameList(['a', 'b']),
            right: sameList(['x', 'y']),
            pairs: [0, 0],
          },
          { kind: 'true_false', points: 1, prompt: same('?') },
        ],
      },
      'az',
    );
    expect(bad.statusCode).toBe(422);
    const fields = problems(bad).map((p) => p.field);
    expect(fields).toEqual([
      'title.ru',
      'resourceIds.1',
      'resourceIds.2',
      'questions.0.correct',
      'questions.1.options',
      'questions.2.pairs',
      'questions.3.truth',
    ]);
    expect(problems(bad)[0]!.message).toBe('title.ru: hər dildə tələb olunur');
    expect(problems(bad)[1]!.message).toContain('dərc olunmuş');
    // A kind the course quizzes do not use, or a malformed body: 400, never a 500.
    const kind = await call(editor, 'PUT', `/portal/manage/safety/lessons/${l.id}`, {
      ...lessonBody(l),
      questions: [{ kind: 'numeric', points: 1, prompt: same('?'), value: 1 }],
    });
    expect(kind.statusCode).toBe(400);
    expect(
      (await call(editor, 'PUT', `/portal/manage/safety/lessons/${l.id}`, { version: 1 })).statusCode,
    ).toBe(400);
    expect((await call(editor, 'GET', '/portal/manage/safety/lessons/999999')).statusCode).toBe(404);
  });

  it('keeps texts as text: markup is stored and shown verbatim, never as HTML', async () => {
    const evil = '<script>alert(1)</script><img src=x onerror="alert(2)">';
    const l = (await course()).lessons[2]!;
    const saved = await call(editor, 'PUT', `/portal/manage/safety/lessons/${l.id}`, {
      ...lessonBody(l),
      title: same(evil),
      body: same(evil),
      questions: [
        { kind: 'single', points: 1, prompt: same(evil), options: sameList([evil, 'b']), correct: [0] },
        { kind: 'ordering', points: 1, prompt: same('order'), items: sameList([evil, 'b', 'c']) },
        {
          kind: 'matching',
          points: 1,
          prompt: same('match'),
          left: sameList([evil, 'b']),
          right: sameList(['x', evil]),
          pairs: [1, 0],
        },
      ],
    });
    expect(saved.statusCode).toBe(200);
    const c = await course();
    const put = await call(editor, 'PUT', `/portal/manage/safety/courses/${courseId}`, {
      version: c.version,
      title: { ...c.title, az: evil },
      summary: { ...c.summary, en: evil },
    });
    expect(put.statusCode).toBe(200);
    const shown = (await call(null, 'GET', `/portal/safety/courses/${courseId}`, undefined, 'az')).json<
      Shown & { title: string }
    >();
    expect(shown.title).toBe(evil);
    const lesson = shown.lessons.find((x) => x.id === l.id)!;
    expect(lesson.title).toBe(evil);
    expect(lesson.body).toBe(evil);
    expect(lesson.questions[0]!.prompt).toBe(evil);
    expect(lesson.questions[0]!.options).toContain(evil);
  });

  it('adds a lesson; removes one no pupil took, retires one a pupil took (the score kept)', async () => {
    const c = await course();
    const made = await call(editor, 'POST', `/portal/manage/safety/courses/${courseId}/lessons`, {
      topic: 'passwords_scams',
      title: same('Yeni dərs'),
      body: same('Mətn'),
      resourceIds: [],
      questions: [trueFalse('Parol uzun olmalıdır.')],
    });
    expect(made.statusCode).toBe(200);
    const added = made.json<EditLesson>();
    expect(added.position).toBe(Math.max(...c.lessons.map((l) => l.position)) + 1);
    // A pupil takes the new lesson's quiz: right, 1 of 1.
    const quiz = await call(pupil, 'POST', `/portal/safety/lessons/${added.id}/quiz`, {
      answers: [{ truth: true }],
    });
    expect(quiz.statusCode).toBe(200);
    expect(quiz.json()).toMatchObject({ score: 1, maxScore: 1 });
    // The quiz changes (two points now): the stored attempt keeps its score and maximum.
    const changed = await call(editor, 'PUT', `/portal/manage/safety/lessons/${added.id}`, {
      ...lessonBody(added),
      questions: [trueFalse('Parol uzun olmalıdır.'), trueFalse('Parolu hamı bilməlidir.', false)],
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json<EditLesson>().attempts).toBe(1);
    const mine = await store.attemptsOf(t.database.db, w.students[0]!.id, courseId);
    expect(mine.find((a) => a.lessonId === added.id)).toMatchObject({ score: 1, maxScore: 1 });
    // A retake after the change starts afresh against the new maximum.
    const retake = await call(pupil, 'POST', `/portal/safety/lessons/${added.id}/quiz`, {
      answers: [{ truth: true }, { truth: true }],
    });
    expect(retake.json()).toMatchObject({ score: 1, maxScore: 2, best: 1, tries: 1 });
    // Removing it now retires it: hidden from pupils, the attempt kept.
    const version = changed.json<EditLesson>().version;
    expect(
      (await call(editor, 'DELETE', `/portal/manage/safety/lessons/${added.id}?version=${version - 1}`))
        .statusCode,
    ).toBe(409);
    const retired = await call(
      editor,
      'DELETE',
      `/portal/manage/safety/lessons/${added.id}?version=${version}`,
    );
    expect(retired.json()).toEqual({ outcome: 'retired' });
    const shown = (await call(pupil, 'GET', `/portal/safety/courses/${courseId}`)).json<Shown>();
    expect(shown.lessons.map((l) => l.id)).not.toContain(added.id);
    expect(
      (
        await call(pupil, 'POST', `/portal/safety/lessons/${added.id}/quiz`, {
          answers: [{ truth: true }, { truth: true }],
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await store.attemptsOf(t.database.db, w.students[0]!.id, courseId)).some(
        (a) => a.lessonId === added.id,
      ),
    ).toBe(true);
    const listed = (await course()).lessons.find((l) => l.id === added.id)!;
    expect(listed).toMatchObject({ retired: true, attempts: 1 });
    // One no pupil took is removed for good.
    const spare = (
      await call(editor, 'POST', `/portal/manage/safety/courses/${courseId}/lessons`, {
        topic: 'privacy',
        title: same('Ehtiyat'),
        body: same('Mətn'),
        resourceIds: [],
        questions: [trueFalse('?')],
      })
    ).json<EditLesson>();
    const removed = await call(
      editor,
      'DELETE',
      `/portal/manage/safety/lessons/${spare.id}?version=${spare.version}`,
    );
    expect(removed.json()).toEqual({ outcome: 'removed' });
    expect((await call(editor, 'GET', `/portal/manage/safety/lessons/${spare.id}`)).statusCode).toBe(404);
  });

  it('keeps a quiz saved while its lesson is removed: the lesson is retired, never a 500 or a lost attempt', async () => {
    const made = (
      await call(editor, 'POST', `/portal/manage/safety/courses/${courseId}/lessons`, {
        topic: 'privacy',
        title: same('Yarış'),
        body: same('Mətn'),
        resourceIds: [],
        questions: [trueFalse('?')],
      })
    ).json<EditLesson>();
    const quiz = () =>
      call(pupil, 'POST', `/portal/safety/lessons/${made.id}/quiz`, { answers: [{ truth: true }] });
    const remove = () =>
      call(editor, 'DELETE', `/portal/manage/safety/lessons/${made.id}?version=${made.version}`);
    if (t.database.driver === 'pglite') {
      // One connection: the two take turns by construction, in either order, and agree.
      const [q, r] = await Promise.all([quiz(), remove()]);
      expect([q.statusCode, r.json<{ outcome: string }>().outcome]).toEqual(
        q.statusCode === 200 ? [200, 'retired'] : [404, 'removed'],
      );
      return;
    }
    // PostgreSQL: another session holds the attempts' table, so the quiz is under way (its lesson read) when
    // the removal starts; the removal must wait for it and then see its attempt.
    const waiting = async () =>
      (
        await rows<{ n: number }>(
          t.database.db,
          sql`select count(*)::int as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'`,
        )
      )[0]!.n;
    await t.database.withConnection(async (c) => {
      await c.execute(sql`begin`);
      await c.execute(sql`lock table portal_course_attempt in exclusive mode`);
      const q = quiz();
      await vi.waitFor(async () => expect(await waiting()).toBe(1), { timeout: 30_000, interval: 50 });
      const r = remove();
      await vi.waitFor(async () => expect(await waiting()).toBe(2), { timeout: 30_000, interval: 50 });
      await c.execute(sql`commit`);
      expect((await q).statusCode).toBe(200);
      expect((await r).json()).toEqual({ outcome: 'retired' });
    });
    expect(
      (await store.attemptsOf(t.database.db, w.students[0]!.id, courseId)).some(
        (a) => a.lessonId === made.id,
      ),
    ).toBe(true);
  });

  it('reorders the lessons and saves the course’s texts at the version read; the pack leaves it be', async () => {
    const c = await course();
    const ids = c.lessons.map((l) => l.id);
    const reversed = [...ids].reverse();
    const body = {
      version: c.version,
      title: { ...c.title, en: 'Safe online' },
      summary: c.summary,
      lessonIds: reversed,
    };
    const bad = await call(
      bureau,
      'PUT',
      `/portal/manage/safety/courses/${courseId}`,
      { ...body, lessonIds: reversed.slice(1) },
      'ru',
    );
    expect(bad.statusCode).toBe(422);
    expect(problems(bad)[0]!.field).toBe('lessonIds');
    expect(problems(bad)[0]!.message).toContain('каждый урок');
    const saved = await call(editor, 'PUT', `/portal/manage/safety/courses/${courseId}`, body);
    expect(saved.statusCode).toBe(200);
    expect(saved.json<EditCourse>().lessons.map((l) => l.id)).toEqual(reversed);
    expect((await call(editor, 'PUT', `/portal/manage/safety/courses/${courseId}`, body)).statusCode).toBe(
      409,
    );
    const empty = await call(editor, 'PUT', `/portal/manage/safety/courses/${courseId}`, {
      ...body,
      version: c.version + 1,
      summary: { ...c.summary, az: '' },
    });
    expect(problems(empty).map((p) => p.field)).toEqual(['summary.az']);
    // Loading the pack again keeps the course as its editors left it.
    await seedSafetyCourses(t.database.db, { packDir: DEFAULT_PACK_DIR, demo: false, seed: 1, now: now() });
    const again = await course();
    expect(again.title.en).toBe('Safe online');
    expect(again.lessons.map((l) => l.id)).toEqual(reversed);
    expect(again.lessons.at(-1)!.title.az).toBe('Məxfilik: yeni başlıq');
  });
});
