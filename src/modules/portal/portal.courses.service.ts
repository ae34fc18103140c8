import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, forbidden, notFound, type FieldProblem } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import { now } from '@/server/clock';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { publishedResources } from '@/modules/library/library.service';
import { classFor, className, listClasses } from '@/modules/classroom/classroom.service';
import { classesOfStudents } from '@/modules/classroom/classroom.store';
import {
  markAnswer,
  partsOrder,
  shownBody,
  toStored,
  type MarkedQuestion,
  type ShownAnswer,
  type StoredAnswer,
} from '@/modules/contests/contests.marking';
import type { Localised } from '@/modules/portal/portal.tables';
import type { CourseQuestion } from '@/modules/portal/portal.courses.tables';
import * as store from '@/modules/portal/portal.courses.store';
import { schoolPlace } from '@/modules/portal/portal.place';
import '@/modules/portal/portal.courses.messages';

/**
 * Internet-safety courses (docs/portal.md): a course per grade band, lessons of six topics built from library
 * resources, each with a short quiz of the contests engine's question kinds, shown and marked by that engine
 * (`contests.marking.ts`). Anyone reads a course; a pupil takes its quizzes alone or with their class; a
 * teacher (or the director) starts a course for a class they teach, which then counts the class's results.
 */

/** A text in the reader's language (the pack has all three). */
export const inLocale = (t: Localised, locale: Locale): string => t[locale] || t.az;

const problem = (locale: Locale, field: string, rule: string): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `portal.course.rule.${rule}`)}`,
});
const refuse = (problems: FieldProblem[]): never => {
  throw new AppError(422, 'portal.course.invalid', {}, problems);
};

const isStudent = (actor: Actor | null) => !!actor?.grants.some((g) => g.role === 'student');

/** The question as the contests engine marks it; its id is derived from the lesson and its place in the quiz. */
const marked = (lessonId: number, index: number, q: CourseQuestion, locale: Locale): MarkedQuestion => ({
  id: lessonId * 100 + index,
  kind: q.kind,
  body: q.body[locale],
  key: q.key,
  points: q.points,
});

/** The order a person sees a question's parts in: fixed per person, options, items and pairs shuffled. */
const seedOf = (actor: Actor | null) => actor?.userId ?? 0;

export async function listCourses(db: Db, locale: Locale) {
  const list = await store.listCourses(db);
  return {
    items: list.map((c) => ({
      id: c.id,
      code: c.code,
      gradeFrom: c.gradeFrom,
      gradeTo: c.gradeTo,
      title: inLocale(c.title, locale),
      summary: inLocale(c.summary, locale),
      lessons: c.lessons,
    })),
  };
}

/** The classes a teacher (or director) may start a course for, in the current year, with the course's runs. */
async function classesFor(
  db: Db,
  actor: Actor,
  locale: Locale,
  course: { id: number; gradeFrom: number; gradeTo: number },
) {
  const courseId = course.id;
  const schools = [
    ...new Set(
      actor.grants
        .filter((g) => (g.role === 'teacher' || g.role === 'director') && g.institutionId)
        .map((g) => g.institutionId!),
    ),
  ];
  const found: { id: number; name: string; grade: number }[] = [];
  for (const school of schools) {
    try {
      const { items } = await listClasses(db, actor, school, undefined, locale);
      // Only the classes of the course's grades: another grade takes the course of its own band.
      for (const c of items)
        if (c.grade >= course.gradeFrom && c.grade <= course.gradeTo)
          found.push({ id: c.id, name: c.name, grade: c.grade });
    } catch (error) {
      // A school without a current academic year has no classes to offer.
      if (!(error instanceof AppError)) throw error;
    }
  }
  const runs = new Map(
    (
      await store.runsOf(
        db,
        courseId,
        found.map((c) => c.id),
      )
    ).map((r) => [r.classId, r]),
  );
  return found.map((c) => {
    const r = runs.get(c.id);
    return { ...c, run: r ? { id: r.id, pupils: r.pupils, lessonsDone: r.lessonsDone } : null };
  });
}

export async function getCourse(db: Db, locale: Locale, actor: Actor | null, courseId: number) {
  const course = await store.findCourse(db, courseId);
  if (!course) throw notFound('course');
  const lessons = await store.lessonsOf(db, courseId);
  const refs = await publishedResources(
    db,
    lessons.flatMap((l) => l.resourceIds),
  );
  const results = actor && isStudent(actor) ? await store.attemptsOf(db, actor.userId, courseId) : [];
  const resultOf = new Map(results.map((r) => [r.lessonId, r]));
  return {
    id: course.id,
    code: course.code,
    gradeFrom: course.gradeFrom,
    gradeTo: course.gradeTo,
    title: inLocale(course.title, locale),
    summary: inLocale(course.summary, locale),
    canTake: isStudent(actor),
    lessons: lessons.map((l) => {
      const r = resultOf.get(l.id);
      return {
        id: l.id,
        position: l.position,
        topic: l.topic,
        title: inLocale(l.title, locale),
        body: inLocale(l.body, locale),
        resources: l.resourceIds
          .map((id) => refs.get(id))
          .filter((x) => x !== undefined)
          .map((x) => ({ id: x.id, title: x.title, type: x.type })),
        questions: l.questions.map((q, i) => {
          const m = marked(l.id, i, q, locale);
          const shown = shownBody(m.body, partsOrder(seedOf(actor), m, true));
          return { index: i, kind: q.kind, prompt: inLocale(q.prompt, locale), points: q.points, ...shown };
        }),
        result: r ? { score: r.score, maxScore: r.maxScore, tries: r.tries } : null,
      };
    }),
    classes: actor ? await classesFor(db, actor, locale, course) : [],
  };
}

/**
 * A course as anyone may read it, for the page the server writes (portal.pages.ts): its lessons' titles,
 * topics, texts and published library resources, and how many quiz questions each has — never the questions'
 * parts or keys, so no right answer can reach the first HTML.
 */
export async function publicCourse(db: Db, locale: Locale, courseId: number) {
  const course = await store.findCourse(db, courseId);
  if (!course) throw notFound('course');
  const lessons = await store.lessonsOf(db, courseId);
  const refs = await publishedResources(
    db,
    lessons.flatMap((l) => l.resourceIds),
  );
  return {
    id: course.id,
    gradeFrom: course.gradeFrom,
    gradeTo: course.gradeTo,
    title: inLocale(course.title, locale),
    summary: inLocale(course.summary, locale),
    lessons: lessons.map((l) => ({
      id: l.id,
      position: l.position,
      topic: l.topic,
      title: inLocale(l.title, locale),
      body: inLocale(l.body, locale),
      resources: l.resourceIds
        .map((id) => refs.get(id))
        .filter((x) => x !== undefined)
        .map((x) => ({ id: x.id, title: x.title })),
      questions: l.questions.length,
    })),
  };
}

/** A teacher (or the director) starts a course for a class they teach: its pupils' quizzes then count for it. */
export async function startForClass(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  courseId: number,
  classId: number,
) {
  const course = await store.findCourse(db, courseId);
  if (!course) throw notFound('course');
  const { cls, relation } = await classFor(db, actor, classId, 'read');
  if (relation !== 'teach' && relation !== 'manage') throw forbidden();
  // A course is for its grade band: a class of another grade takes the course of its own grades.
  if (cls.grade < course.gradeFrom || cls.grade > course.gradeTo)
    throw new AppError(422, 'portal.course.run_invalid', {}, [problem(locale, 'classId', 'grade')]);
  return db.transaction(async (tx) => {
    const { run, created } = await store.startRun(tx, {
      courseId,
      classId,
      institutionId: cls.institutionId,
      startedBy: actor.userId,
    });
    if (created)
      await audit(tx, ctx, {
        action: 'start',
        entity: 'portal_course_run',
        entityId: run.id,
        after: { courseId, classId },
      });
    return { id: run.id, courseId, classId, className: className(cls), created };
  });
}

/**
 * A pupil's quiz: the answers (in the order shown) marked by the contests engine; the best score is kept.
 * Counted for the pupil's class when the class takes the course with its teacher.
 */
export async function takeQuiz(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  lessonId: number,
  answers: ShownAnswer[],
) {
  const grant = actor.grants.find((g) => g.role === 'student' && g.institutionId);
  if (!grant) throw forbidden();
  const lesson = await store.findLesson(db, lessonId);
  if (!lesson) throw notFound('lesson');
  if (answers.length !== lesson.questions.length) refuse([problem(locale, 'answers', 'count')]);
  const stored: (StoredAnswer | null)[] = [];
  const correct: boolean[] = [];
  let score = 0;
  let maxScore = 0;
  lesson.questions.forEach((q, i) => {
    const m = marked(lesson.id, i, q, locale);
    const got = toStored(m, partsOrder(seedOf(actor), m, true), answers[i]!);
    if ('problem' in got) return refuse([problem(locale, `answers.${i}`, 'answer')]);
    const points = markAnswer(m, got.answer);
    stored.push(got.answer);
    correct.push(points > 0);
    score += points;
    maxScore += q.points;
  });
  const [cls] = (await classesOfStudents(db, [actor.userId], null))
    .filter((c) => c.institutionId === grant.institutionId)
    .sort((x, y) => y.academicYearId - x.academicYearId);
  const run = cls ? await store.runOfClass(db, lesson.courseId, cls.id) : undefined;
  const place = await schoolPlace(db, grant.institutionId!);
  if (!place) throw notFound('institution');
  return db.transaction(async (tx) => {
    // Removed or retired meanwhile by its editors: the quiz is no longer offered.
    if (!(await store.findLesson(tx, lesson.id, true))) throw notFound('lesson');
    const kept = await store.saveAttempt(tx, {
      lessonId: lesson.id,
      courseId: lesson.courseId,
      studentId: actor.userId,
      institutionId: grant.institutionId!,
      classId: cls?.id ?? null,
      runId: run?.id ?? null,
      placePath: place.path,
      score,
      maxScore,
      answers: stored,
      doneAt: now(),
    });
    await audit(tx, ctx, {
      action: 'quiz',
      entity: 'portal_course_lesson',
      entityId: lesson.id,
      after: { courseId: lesson.courseId },
    });
    return {
      lessonId: lesson.id,
      score,
      maxScore,
      correct,
      best: kept.score,
      tries: kept.tries,
      withClass: run !== undefined,
    };
  });
}
