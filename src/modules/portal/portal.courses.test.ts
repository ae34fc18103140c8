import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '@/server/db/database';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { actorOf, classroomSchool, errorOf, type ClassroomSchool } from '@test/classroom-world';
import * as classroom from '@/modules/classroom/classroom.service';
import { subjects } from '@/modules/institutions/institutions.tables';
import { resources } from '@/modules/library/library.tables';
import { DEFAULT_PACK_DIR } from '@/modules/institutions/country-pack';
import {
  readSafetyCourses,
  readSaferInternetDay,
  saferInternetDay,
} from '@/modules/portal/portal.courses.pack';
import { SAFETY_TOPICS } from '@/modules/portal/portal.courses.tables';
import { campaignYear } from '@/modules/portal/portal.sid.service';
import * as store from '@/modules/portal/portal.courses.store';
import { SMALL_CELL } from '@/modules/portal/portal.courses.report';
import { now } from '@/server/clock';
import { seedSafetyCourses } from '@/seed/safety-courses';
import az from '@/web/i18n/az.json';
import ru from '@/web/i18n/ru.json';
import en from '@/web/i18n/en.json';

type Question = {
  index: number;
  kind: string;
  prompt: string;
  options?: string[];
  items?: string[];
  left?: string[];
  right?: string[];
};
type CourseOut = {
  id: number;
  code: string;
  canTake: boolean;
  lessons: {
    id: number;
    topic: string;
    title: string;
    resources: { id: number; title: string }[];
    questions: Question[];
    result: unknown;
  }[];
  classes: { id: number; name: string; run: { pupils: number; lessonsDone: number } | null }[];
};
type Figures = {
  suppressed: boolean;
  pupils: number | null;
  lessonsDone: number | null;
  completions: number | null;
  averagePercent: number | null;
};
type Report = {
  scope: { level: string; name: string };
  total: Figures;
  rows: (Figures & { kind: string; id: number; name: string })[];
};

describe('internet-safety course pack', () => {
  it('has a course per grade band, six topics each, quizzes of 2–4 questions in az, ru and en', async () => {
    const courses = await readSafetyCourses(DEFAULT_PACK_DIR);
    expect(courses.map((c) => [c.gradeFrom, c.gradeTo])).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 9],
      [10, 11],
    ]);
    for (const c of courses) {
      expect(new Set(c.lessons.map((l) => l.topic))).toEqual(new Set(SAFETY_TOPICS));
      for (const l of c.lessons) {
        expect(l.questions.length).toBeGreaterThanOrEqual(2);
        expect(l.questions.length).toBeLessThanOrEqual(4);
        for (const q of l.questions)
          for (const lang of ['az', 'ru', 'en'] as const) expect(q.prompt[lang]).not.toBe('');
      }
    }
    const sid = await readSaferInternetDay(DEFAULT_PACK_DIR);
    expect(sid!.activities.every((a) => a.gradeFrom >= 5 && a.gradeTo <= 11)).toBe(true);
  });

  it('spreads the right answers of single-choice questions over the options', async () => {
    const singles = (await readSafetyCourses(DEFAULT_PACK_DIR)).flatMap((c) =>
      c.lessons.flatMap((l) => l.questions.filter((q) => q.kind === 'single')),
    );
    const at = new Map<number, number>();
    for (const q of singles) at.set(q.key.correct![0]!, (at.get(q.key.correct![0]!) ?? 0) + 1);
    expect(Math.max(...at.values())).toBeLessThanOrEqual(Math.ceil(singles.length / 2));
  });

  it('names the audit entries of courses and Safer Internet Day in az, ru and en', () => {
    for (const lang of [az, ru, en]) {
      const { action, entity } = lang.audit as {
        action: Record<string, string>;
        entity: Record<string, string>;
      };
      for (const k of ['start', 'quiz']) expect(action[k]).toBeTruthy();
      for (const k of ['portal_course_run', 'portal_course_lesson', 'portal_sid_event'])
        expect(entity[k]).toBeTruthy();
    }
  });

  it('puts Safer Internet Day on the second Tuesday of February', () => {
    expect(saferInternetDay(2026)).toBe('2026-02-10');
    expect(saferInternetDay(2027)).toBe('2027-02-09');
    expect(saferInternetDay(2028)).toBe('2028-02-08');
    expect(saferInternetDay(2022)).toBe('2022-02-08');
    for (let y = 2020; y < 2040; y++)
      expect(new Date(`${saferInternetDay(y)}T00:00:00Z`).getUTCDay()).toBe(2);
  });
});

/**
 * Through the API: a teacher starts the grade 5–6 course for their class, its pupils take quizzes marked by the
 * contests engine, and the reports count them by class, district and region (small cells hidden, no names).
 * Safer Internet Day: a director registers the school's event, versioned; the ministry counts by region.
 */
describe('internet-safety courses and Safer Internet Day', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let w: ClassroomSchool;
  let classId: number;
  let teacher: Session;
  let director: Session;
  let otherDirector: Session;
  let regional: Session;
  let otherRegional: Session;
  let bureau: Session;
  let pupils: Session[];
  let course: CourseOut;
  let regionId: number;
  let districtId: number;
  let publishedId: number;

  const get = <T>(s: Session | null, url: string, lang = 'en') =>
    (s ?? t.app).inject({ url, headers: { 'accept-language': lang } }).then((r) => ({
      status: r.statusCode,
      body: r.json<T>(),
      res: r,
    }));
  const send = (s: Session, method: 'POST' | 'PUT', url: string, payload: object, lang = 'en') =>
    s.inject({ method, url, payload, headers: { 'accept-language': lang } });

  /** The right answers of a lesson, found from what the pack says (the first course question kinds). */
  const answersFor = (qs: Question[], right: boolean) =>
    qs.map((q) => {
      switch (q.kind) {
        case 'true_false':
          return { truth: right ? RIGHT_TRUTH.get(q.prompt)! : !RIGHT_TRUTH.get(q.prompt)! };
        case 'single': {
          const i = q.options!.findIndex((o) => RIGHT_OPTIONS.has(o));
          return { choice: right ? i : (i + 1) % q.options!.length };
        }
        case 'multiple':
          return {
            choices: q
              .options!.map((o, i) => (RIGHT_OPTIONS.has(o) === right ? i : -1))
              .filter((i) => i >= 0),
          };
        default: {
          // Ordering: the shown items' indexes, by each item's place in the right order.
          const shownIdx = q.items!.map((_, i) => i);
          return {
            order: shownIdx.sort((a, b) => RIGHT_ORDER.get(q.items![a]!)! - RIGHT_ORDER.get(q.items![b]!)!),
          };
        }
      }
    });
  const RIGHT_TRUTH = new Map<string, boolean>();
  const RIGHT_OPTIONS = new Set<string>();
  const RIGHT_ORDER = new Map<string, number>();

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    w = await classroomSchool(db);
    const directorActor = actorOf(w.director.id, 'director', w.schoolId);
    const ctx = { actorId: null, ip: null };
    classId = (
      await classroom.createClass(
        db,
        directorActor,
        ctx,
        w.schoolId,
        {
          academicYearId: w.yearId,
          grade: 5,
          letter: 'A',
          language: 'az',
          shift: 1,
          homeroomTeacherId: w.teachers[0]!.id,
        },
        'en',
      )
    ).id;
    for (const s of w.students) await classroom.enrolStudent(db, directorActor, ctx, classId, s.id, 'en');
    // Library resources of informatics: a published one for grades 5–6 the lessons point at, a draft they don't.
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
      .values([resource('İnternetdə təhlükəsizlik', 'published'), resource('Qaralama', 'draft')])
      .returning({ id: resources.id });
    publishedId = made[0]!.id;
    await seedSafetyCourses(db, { packDir: DEFAULT_PACK_DIR, demo: false, seed: 1, now: now() });
    const [place] = await rows<{ path: number[] }>(
      db,
      sql`select a.path from institutions_institution i join institutions_area a on a.id = i.area_id
          where i.id = ${w.schoolId}`,
    );
    regionId = place!.path[1]!;
    districtId = place!.path[2]!;
    const other = await createAreas(db);
    const as = async (u: { username: string }) => login(t.app, u.username, 'password-1');
    teacher = await as(w.teachers[0]!);
    director = await as(w.director);
    otherDirector = await as(w.otherDirector);
    pupils = await Promise.all(w.students.map(as));
    regional = await as(await createUserWithRole(db, 'regional', { areaId: regionId }));
    otherRegional = await as(await createUserWithRole(db, 'regional', { areaId: other.region }));
    bureau = await as(await createUserWithRole(db, 'bureau'));
    // The pack's right answers of the grade 5–6 course, in each language, to answer as a pupil would.
    const pack = await readSafetyCourses(DEFAULT_PACK_DIR);
    for (const l of pack.find((c) => c.code === 'g5-6')!.lessons)
      for (const q of l.questions) {
        for (const lang of ['az', 'ru', 'en'] as const) {
          if (q.kind === 'true_false') RIGHT_TRUTH.set(q.prompt[lang], q.key.truth!);
          if (q.kind === 'single' || q.kind === 'multiple')
            for (const i of q.key.correct!) RIGHT_OPTIONS.add(q.body[lang].options![i]!);
          if (q.kind === 'ordering') q.body[lang].items!.forEach((item, i) => RIGHT_ORDER.set(item, i));
        }
      }
  });
  afterAll(async () => t.close());

  it('lists five courses to anyone, and a course with its lessons and quizzes without the answers', async () => {
    const list = await get<{ items: { id: number; code: string; lessons: number }[] }>(
      null,
      '/api/portal/safety/courses',
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((c) => c.code)).toEqual(['g1-2', 'g3-4', 'g5-6', 'g7-9', 'g10-11']);
    const id = list.body.items.find((c) => c.code === 'g5-6')!.id;
    const anon = await get<CourseOut>(null, `/api/portal/safety/courses/${id}`);
    expect(anon.status).toBe(200);
    expect(anon.body.canTake).toBe(false);
    expect(anon.body.lessons).toHaveLength(6);
    expect(anon.res.body).not.toMatch(/"key"|"correct"|"truth"/);
    // Every lesson points at the published library resource of its grades, none at the draft.
    for (const l of anon.body.lessons)
      expect(l.resources).toEqual([
        expect.objectContaining({ id: publishedId, title: 'İnternetdə təhlükəsizlik' }),
      ]);
    const youngest = await get<CourseOut>(null, `/api/portal/safety/courses/${list.body.items[0]!.id}`);
    expect(youngest.body.lessons.every((l) => l.resources.length === 0)).toBe(true);
    const ru = await get<CourseOut>(null, `/api/portal/safety/courses/${id}`, 'ru');
    expect(ru.body.lessons[0]!.title).toBe('Настройки приватности');
    expect((await get<CourseOut>(pupils[0]!, `/api/portal/safety/courses/${id}`)).body.canTake).toBe(true);
    course = (await get<CourseOut>(teacher, `/api/portal/safety/courses/${id}`)).body;
    expect(course.classes.map((c) => c.name)).toEqual(['5A']);
    expect((await get(null, '/api/portal/safety/courses/999999')).status).toBe(404);
  });

  it('lets the class teacher start the course for the class, once; not another school’s director', async () => {
    const url = `/api/portal/safety/courses/${course.id}/runs`;
    const first = await send(teacher, 'POST', url, { classId });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ className: '5A', created: true });
    expect((await send(director, 'POST', url, { classId })).json()).toMatchObject({ created: false });
    expect((await send(otherDirector, 'POST', url, { classId })).statusCode).toBe(403);
    expect((await send(teacher, 'POST', url, { classId: 'x' })).statusCode).toBe(400);
    // A course is for its grade band: the grade 7–9 course is not for a grade 5 class.
    const list = await get<{ items: { id: number; code: string }[] }>(null, '/api/portal/safety/courses');
    const older = list.body.items.find((c) => c.code === 'g7-9')!.id;
    const wrong = await send(teacher, 'POST', `/api/portal/safety/courses/${older}/runs`, { classId });
    expect(wrong.statusCode).toBe(422);
    expect(errorOf(wrong).details[0]).toMatchObject({ field: 'classId', reason: 'grade' });
    // In the teacher's language (their account's: Azerbaijani).
    expect(errorOf(wrong).details[0]!.message).toContain('sinfin ili bu kursun');
  });

  it('marks a pupil’s quiz with the contests engine, keeps the best score, and refuses a wrong answer shape', async () => {
    const lesson = course.lessons[0]!;
    const url = `/api/portal/safety/lessons/${lesson.id}/quiz`;
    const shown = (await get<CourseOut>(pupils[0]!, `/api/portal/safety/courses/${course.id}`)).body
      .lessons[0]!;
    const right = await send(pupils[0]!, 'POST', url, { answers: answersFor(shown.questions, true) });
    expect(right.statusCode, right.body).toBe(200);
    // Neither the pupil's course page nor the quiz's reply carries the answer key.
    const pupilPage = await get<CourseOut>(pupils[0]!, `/api/portal/safety/courses/${course.id}`);
    expect(pupilPage.res.body).not.toMatch(/"key"|"correct"|"truth"|"answers"/);
    expect(right.body).not.toMatch(/"key"|"truth"|"choices"|"answers"/);
    const r = right.json<{ score: number; maxScore: number; correct: boolean[]; withClass: boolean }>();
    expect(r.score).toBe(r.maxScore);
    expect(r.correct.every(Boolean)).toBe(true);
    expect(r.withClass).toBe(true);
    const wrong = await send(pupils[0]!, 'POST', url, { answers: answersFor(shown.questions, false) });
    expect(wrong.json()).toMatchObject({ score: 0, best: r.maxScore, tries: 2 });
    const short = await send(pupils[0]!, 'POST', url, { answers: [{ truth: true }] }, 'az');
    expect(short.statusCode).toBe(422);
    expect(errorOf(short).details[0]).toMatchObject({ field: 'answers', reason: 'count' });
    expect(errorOf(short).details[0]!.message).toContain('hər suala');
    const kind = await send(pupils[0]!, 'POST', url, {
      answers: shown.questions.map(() => ({ number: 1 })),
    });
    expect(kind.statusCode).toBe(422);
    expect(errorOf(kind).details[0]).toMatchObject({ field: 'answers.0', reason: 'answer' });
    expect((await send(teacher, 'POST', url, { answers: [{ truth: true }] })).statusCode).toBe(403);
    // The audit records the quiz taken, not the pupil's score.
    const logged = await rows<{ after: Record<string, unknown> }>(
      t.database.db,
      sql`select after from identity_audit where entity = 'portal_course_lesson' and entity_id = ${String(lesson.id)}`,
    );
    expect(logged.length).toBeGreaterThan(0);
    for (const l of logged) expect(l.after).not.toHaveProperty('score');
    const mine = (await get<CourseOut>(pupils[0]!, `/api/portal/safety/courses/${course.id}`)).body;
    expect(mine.lessons[0]!.result).toMatchObject({ score: r.maxScore, tries: 2 });
  });

  it('shows each pupil the options in an order of their own, and marks what they chose', async () => {
    const seen = await Promise.all(
      pupils.map(async (p) => (await get<CourseOut>(p, `/api/portal/safety/courses/${course.id}`)).body),
    );
    const options = (c: CourseOut) =>
      c.lessons.flatMap((l) =>
        l.questions.filter((q) => q.kind === 'single').map((q) => q.options!.join('|')),
      );
    const pack = (await readSafetyCourses(DEFAULT_PACK_DIR)).find((c) => c.code === 'g5-6')!;
    const inPack = pack.lessons.flatMap((l) =>
      l.questions.filter((q) => q.kind === 'single').map((q) => q.body.en.options!.join('|')),
    );
    // Some pupil sees some question's options out of the pack's order, and two pupils see different orders.
    expect(seen.some((c) => options(c).some((o, i) => o !== inPack[i]))).toBe(true);
    expect(new Set(seen.map((c) => options(c).join('/'))).size).toBeGreaterThan(1);
  });

  it('reports by class to the director, by district to the region, by region to the ministry: aggregates only, small cells hidden', async () => {
    const before = await get<Report>(regional, '/api/portal/safety/report');
    expect(before.status).toBe(200);
    expect(before.body.scope.level).toBe('area');
    // One pupil so far: too few to show.
    expect(before.body.total).toMatchObject({ suppressed: true, pupils: null });
    // Two more pupils do every lesson of the course (right answers), the fourth one lesson.
    for (const p of pupils.slice(1, 3))
      for (const l of course.lessons)
        expect(
          (
            await send(p, 'POST', `/api/portal/safety/lessons/${l.id}/quiz`, {
              answers: answersFor(
                (await get<CourseOut>(p, `/api/portal/safety/courses/${course.id}`)).body.lessons.find(
                  (x) => x.id === l.id,
                )!.questions,
                true,
              ),
            })
          ).statusCode,
        ).toBe(200);
    const region = await get<Report>(regional, '/api/portal/safety/report');
    expect(region.body.total).toMatchObject({
      suppressed: false,
      pupils: 3,
      lessonsDone: 13,
      completions: 2,
    });
    expect(region.body.total.averagePercent).toBe(100);
    expect(region.body.rows).toEqual([
      expect.objectContaining({ kind: 'area', id: districtId, pupils: 3, completions: 2 }),
    ]);
    const school = await get<Report>(director, '/api/portal/safety/report');
    expect(school.body.scope.level).toBe('school');
    expect(school.body.rows).toEqual([expect.objectContaining({ kind: 'class', name: '5A', pupils: 3 })]);
    const nation = await get<Report>(bureau, '/api/portal/safety/report');
    expect(nation.body.scope.level).toBe('nation');
    expect(nation.body.rows.find((r) => r.id === regionId)).toMatchObject({ kind: 'area', lessonsDone: 13 });
    const district = await get<Report>(bureau, `/api/portal/safety/report?areaId=${districtId}`);
    expect(district.body.rows).toEqual([expect.objectContaining({ kind: 'school', id: w.schoolId })]);
    // Never a pupil's name or account above the class.
    for (const r of [region, school, nation, district])
      for (const s of w.students) expect(r.res.body).not.toContain(s.username);
    // Each in their scope.
    expect((await get(otherRegional, `/api/portal/safety/report?areaId=${regionId}`)).status).toBe(403);
    expect((await get(otherDirector, `/api/portal/safety/report?institutionId=${w.schoolId}`)).status).toBe(
      403,
    );
    expect((await get(director, `/api/portal/safety/report?areaId=${districtId}`)).status).toBe(403);
    expect((await get(teacher, '/api/portal/safety/report')).status).toBe(403);
    expect((await get(bureau, '/api/portal/safety/report?areaId=999999')).status).toBe(404);
    // The class's progress on the teacher's course page.
    const progress = (await get<CourseOut>(teacher, `/api/portal/safety/courses/${course.id}`)).body
      .classes[0]!;
    expect(progress.run).toMatchObject({ pupils: 3, lessonsDone: 13 });
  });

  it('lets a director register the school’s Safer Internet Day event, versioned, counted by region', async () => {
    const page = await get<{
      campaign: { id: number; year: number; day: string; activities: { id: number }[] };
      schools: { institutionId: number; event: unknown }[];
    }>(director, '/api/portal/sid');
    expect(page.status).toBe(200);
    const c = page.body.campaign;
    expect(c.year).toBe(campaignYear());
    expect(c.activities.length).toBeGreaterThanOrEqual(4);
    expect(page.body.schools).toEqual([expect.objectContaining({ institutionId: w.schoolId, event: null })]);
    const url = `/api/portal/sid/${c.id}/event`;
    const body = {
      institutionId: w.schoolId,
      title: 'Açıq dərs',
      heldOn: c.day,
      participants: 120,
      activityIds: [c.activities[0]!.id],
    };
    const made = await send(director, 'PUT', url, body);
    expect(made.statusCode).toBe(200);
    const again = await send(director, 'PUT', url, body);
    expect(again.statusCode).toBe(409);
    expect(errorOf(again).code).toBe('stale_version');
    const saved = await send(director, 'PUT', url, { ...body, participants: 150, version: 1 });
    expect(saved.json()).toMatchObject({ version: 2, participants: 150 });
    const late = await send(director, 'PUT', url, { ...body, heldOn: `${c.year}-06-01`, version: 2 }, 'ru');
    expect(late.statusCode).toBe(422);
    expect(errorOf(late).details[0]).toMatchObject({ field: 'heldOn', reason: 'window' });
    const foreign = await send(director, 'PUT', url, { ...body, activityIds: [999999], version: 2 });
    expect(errorOf(foreign).details[0]).toMatchObject({ field: 'activityIds', reason: 'activity' });
    expect((await send(otherDirector, 'PUT', url, body)).statusCode).toBe(403);
    const part = await get<{ total: { schools: number; participants: number }; rows: { id: number }[] }>(
      bureau,
      `/api/portal/sid/${c.id}/participation`,
    );
    expect(part.body.total).toEqual({ schools: 1, participants: 150 });
    expect(part.body.rows).toEqual([
      expect.objectContaining({ id: regionId, schools: 1, participants: 150 }),
    ]);
    expect(
      (await get(otherRegional, `/api/portal/sid/${c.id}/participation?areaId=${regionId}`)).status,
    ).toBe(403);
    expect((await get(director, `/api/portal/sid/${c.id}/participation`)).status).toBe(403);
  });

  it('starts a run once when two start it at the same time', async () => {
    const db = t.database.db;
    const sixth = await classroom.createClass(
      db,
      actorOf(w.director.id, 'director', w.schoolId),
      { actorId: null, ip: null },
      w.schoolId,
      {
        academicYearId: w.yearId,
        grade: 6,
        letter: 'B',
        language: 'az',
        shift: 1,
        homeroomTeacherId: w.teachers[0]!.id,
      },
      'en',
    );
    const url = `/api/portal/safety/courses/${course.id}/runs`;
    const both = await Promise.all([
      send(teacher, 'POST', url, { classId: sixth.id }),
      send(director, 'POST', url, { classId: sixth.id }),
    ]);
    expect(both.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(both.map((r) => r.json<{ created: boolean }>().created).sort()).toEqual([false, true]);
    const [n] = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from portal_course_run where class_id = ${sixth.id}`,
    );
    expect(n!.n).toBe(1);
  });

  it('takes a retake after the pack changed the quiz’s maximum, and counts tries no further than it can', async () => {
    const db = t.database.db;
    const lesson = course.lessons[0]!;
    const url = `/api/portal/safety/lessons/${lesson.id}/quiz`;
    const who = pupils[0]!;
    const shown = (await get<CourseOut>(who, `/api/portal/safety/courses/${course.id}`)).body.lessons[0]!;
    // As if the lesson's quiz had been worth 1 point when the pupil took it.
    await db.execute(
      sql`update portal_course_attempt set score = 1, max_score = 1, tries = 5
          where lesson_id = ${lesson.id} and student_id = ${w.students[0]!.id}`,
    );
    const retake = await send(who, 'POST', url, { answers: answersFor(shown.questions, false) });
    expect(retake.statusCode, retake.body).toBe(200);
    const r = retake.json<{ score: number; maxScore: number; best: number; tries: number }>();
    // Started afresh from the new attempt under the new maximum.
    expect(r).toMatchObject({ score: 0, best: 0, tries: 1 });
    expect(r.maxScore).toBeGreaterThan(1);
    // The top of the tries counter.
    await db.execute(
      sql`update portal_course_attempt set tries = 32767
          where lesson_id = ${lesson.id} and student_id = ${w.students[0]!.id}`,
    );
    const many = await send(who, 'POST', url, { answers: answersFor(shown.questions, true) });
    expect(many.statusCode, many.body).toBe(200);
    expect(many.json()).toMatchObject({ best: r.maxScore, tries: 32767 });
  });

  it('hides a small group that could be worked out from the total, and shows others a school’s total only', async () => {
    // A pupil of the school in no class takes a quiz: alone, a group too small to show.
    const db = t.database.db;
    const loner = await createUserWithRole(db, 'student', { institutionId: w.schoolId });
    const session = await login(t.app, loner.username, 'password-1');
    const lesson = course.lessons[1]!;
    const shown = (await get<CourseOut>(session, `/api/portal/safety/courses/${course.id}`)).body.lessons[1]!;
    const took = await send(session, 'POST', `/api/portal/safety/lessons/${lesson.id}/quiz`, {
      answers: answersFor(shown.questions, true),
    });
    expect(took.json()).toMatchObject({ withClass: false });
    const school = await get<Report>(director, '/api/portal/safety/report');
    expect(school.body.total).toMatchObject({ suppressed: false, pupils: 4 });
    const shownPupils = school.body.rows.reduce((n, r) => n + (r.pupils ?? 0), 0);
    const hidden = school.body.total.pupils! - shownPupils;
    // What the total holds beyond the shown rows is none or at least a small cell, never one pupil.
    expect(hidden === 0 || hidden >= SMALL_CELL).toBe(true);
    expect(school.body.rows.find((r) => r.name === '5A')).toMatchObject({ suppressed: true, pupils: null });
    // The ministry and the region see the school's total, not its classes.
    for (const s of [bureau, regional]) {
      const other = await get<Report>(s, `/api/portal/safety/report?institutionId=${w.schoolId}`);
      expect(other.status).toBe(200);
      expect(other.body.scope.level).toBe('school');
      expect(other.body.rows).toEqual([]);
      expect(other.body.total).toMatchObject({ pupils: 4 });
    }
    const own = await get<Report>(director, `/api/portal/safety/report?institutionId=${w.schoolId}`);
    expect(own.body.rows.map((r) => r.kind)).toContain('class');
  });

  it('counts a school sitting directly in the region as its own row, in the report and in Safer Internet Day', async () => {
    const db = t.database.db;
    const direct = await createInstitution(db, regionId);
    const lesson = course.lessons[0]!;
    for (let i = 0; i < SMALL_CELL; i++) {
      const u = await createUserWithRole(db, 'student', { institutionId: direct.id });
      const p = await login(t.app, u.username, 'password-1');
      const shown = (await get<CourseOut>(p, `/api/portal/safety/courses/${course.id}`)).body.lessons[0]!;
      const r = await send(p, 'POST', `/api/portal/safety/lessons/${lesson.id}/quiz`, {
        answers: answersFor(shown.questions, true),
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    const region = await get<Report>(regional, '/api/portal/safety/report');
    expect(region.body.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'area', id: districtId }),
        expect.objectContaining({ kind: 'school', id: direct.id, pupils: SMALL_CELL }),
      ]),
    );
    const sum = region.body.rows.reduce((n, r) => n + (r.pupils ?? 0), 0);
    expect(sum).toBe(region.body.total.pupils);
    // Two first registrations of the school's Safer Internet Day event at once: one is made, one refused.
    const head = await login(
      t.app,
      (await createUserWithRole(db, 'director', { institutionId: direct.id })).username,
      'password-1',
    );
    const c = (await get<{ campaign: { id: number; day: string } }>(head, '/api/portal/sid')).body.campaign;
    const body = { institutionId: direct.id, title: 'Gün', heldOn: c.day, participants: 40, activityIds: [] };
    const both = await Promise.all([
      send(head, 'PUT', `/api/portal/sid/${c.id}/event`, body),
      send(head, 'PUT', `/api/portal/sid/${c.id}/event`, body),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const part = await get<{
      total: { schools: number };
      rows: { kind: string; id: number; schools: number }[];
    }>(regional, `/api/portal/sid/${c.id}/participation`);
    expect(part.body.rows).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'school', id: direct.id, schools: 1 })]),
    );
    expect(part.body.rows.reduce((n, r) => n + r.schools, 0)).toBe(part.body.total.schools);
  });

  it('refuses registering or changing an event of a past year’s campaign', async () => {
    const year = campaignYear() - 1;
    const sid = (await readSaferInternetDay(DEFAULT_PACK_DIR))!;
    const past = await store.saveCampaign(t.database.db, year, saferInternetDay(year), sid);
    const body = {
      institutionId: w.schoolId,
      title: 'Köhnə',
      heldOn: saferInternetDay(year),
      participants: 10,
      activityIds: [],
    };
    const r = await send(director, 'PUT', `/api/portal/sid/${past}/event`, body);
    expect(r.statusCode).toBe(422);
    expect(errorOf(r).details[0]).toMatchObject({ field: 'campaignId', reason: 'past' });
    expect(errorOf(r).details[0]!.message).toContain('keçmiş ilin');
    // Nothing registered for the past campaign.
    const [n] = await rows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from portal_sid_event where campaign_id = ${past}`,
    );
    expect(n!.n).toBe(0);
  });
});
