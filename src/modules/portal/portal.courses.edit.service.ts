import type { Static } from 'typebox';
import type { Db } from '@/server/db/database';
import { AppError, notFound, type FieldProblem } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import { now } from '@/server/clock';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { publishedResources } from '@/modules/library/library.service';
import { buildQuestion, type QuestionInput } from '@/modules/contests/contests.marking';
import type { QuestionBody, QuestionKey } from '@/modules/contests/contests.tables';
import type { Localised } from '@/modules/portal/portal.tables';
import type { CourseQuestion } from '@/modules/portal/portal.courses.tables';
import * as courseStore from '@/modules/portal/portal.courses.store';
import * as store from '@/modules/portal/portal.courses.edit.store';
import type {
  CourseBody,
  EDIT_KINDS,
  LessonBody,
  NewLessonBody,
  QuestionIn,
} from '@/modules/portal/portal.courses.edit.schema';
import '@/modules/portal/portal.courses.edit.messages';
import '@/modules/contests/contests.service';

/**
 * The ministry's content staff edit the internet-safety courses in the app (docs/portal.md, "Editing the
 * courses"): a course's title and summary and the order of its lessons; a lesson's texts in az/ru/en, its
 * library resources (published ones only) and its quiz, each question checked by the contests engine
 * (`buildQuestion`) in every language. A lesson no pupil took is removed; one that pupils took is retired
 * (hidden, its attempts kept with their stored scores). Every save is at the version read, in one
 * transaction, audited; a course once edited is no longer overwritten when the country pack is loaded again.
 */

const LANGS = ['az', 'ru', 'en'] as const;
type Lang = (typeof LANGS)[number];
type QIn = Static<typeof QuestionIn>;
type Kind = (typeof EDIT_KINDS)[number];
type Lists = Record<Lang, string[]>;

const problem = (
  locale: Locale,
  field: string,
  rule: string,
  prefix = 'portal.course_edit.rule',
): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `${prefix}.${rule}`)}`,
});
const refuse = (problems: FieldProblem[]): never => {
  throw new AppError(422, 'portal.course_edit.invalid', {}, problems);
};

/** The problems of a text required in each language. */
function textProblems(locale: Locale, field: string, t: Localised): FieldProblem[] {
  return LANGS.filter((l) => t[l].trim() === '').map((l) => problem(locale, `${field}.${l}`, 'required'));
}
const trimmed = (t: Localised): Localised => ({ az: t.az.trim(), ru: t.ru.trim(), en: t.en.trim() });

const LIST_FIELDS = ['options', 'left', 'right', 'items'] as const;

/**
 * A question as the editor sends it, checked and split by the contests engine in each language (the lists
 * must have as many entries in every language, so indexes mean the same); or its problems.
 */
export function buildCourseQuestion(
  locale: Locale,
  at: string,
  q: QIn,
): { question: CourseQuestion } | { problems: FieldProblem[] } {
  const problems = textProblems(locale, `${at}.prompt`, q.prompt);
  for (const name of LIST_FIELDS) {
    const lists = q[name];
    if (!lists) continue;
    if (new Set(LANGS.map((l) => lists[l].length)).size > 1)
      problems.push(problem(locale, `${at}.${name}`, 'same_count'));
    for (const l of LANGS)
      lists[l].forEach((s, i) => {
        if (s.trim() === '') problems.push(problem(locale, `${at}.${name}.${l}.${i}`, 'required'));
      });
  }
  if (problems.length) return { problems };
  const body = {} as Record<Lang, QuestionBody>;
  let key: QuestionKey | undefined;
  for (const l of LANGS) {
    const input: QuestionInput = { kind: q.kind };
    for (const name of LIST_FIELDS) if (q[name]) input[name] = q[name][l].map((s) => s.trim());
    if (q.correct) input.correct = q.correct;
    if (q.truth !== undefined) input.truth = q.truth;
    if (q.pairs) input.pairs = q.pairs;
    const built = buildQuestion(input);
    if ('problems' in built)
      return {
        problems: built.problems.map((p) => problem(locale, `${at}.${p.field}`, p.rule, 'contests.rule')),
      };
    body[l] = built.body;
    key ??= built.key;
  }
  return { question: { kind: q.kind, points: q.points, prompt: trimmed(q.prompt), body, key: key! } };
}

/** A stored question in the editor's shape. */
function questionOut(q: CourseQuestion) {
  const lists = (name: (typeof LIST_FIELDS)[number]): Lists | undefined =>
    q.body.az[name]
      ? { az: q.body.az[name], ru: q.body.ru[name] ?? [], en: q.body.en[name] ?? [] }
      : undefined;
  return {
    kind: q.kind as Kind,
    points: q.points,
    prompt: q.prompt,
    ...(lists('options') ? { options: lists('options'), correct: q.key.correct ?? [] } : {}),
    ...(q.key.truth !== undefined ? { truth: q.key.truth } : {}),
    ...(lists('left') ? { left: lists('left'), right: lists('right'), pairs: q.key.pairs ?? [] } : {}),
    ...(lists('items') ? { items: lists('items') } : {}),
  };
}

type LessonWithAttempts = NonNullable<Awaited<ReturnType<typeof store.lessonWithAttempts>>>;

async function lessonsOut(db: Db, list: LessonWithAttempts[]) {
  const refs = await publishedResources(
    db,
    list.flatMap((l) => l.resourceIds),
  );
  return list.map((l) => ({
    id: l.id,
    courseId: l.courseId,
    version: l.version,
    position: l.position,
    topic: l.topic,
    retired: l.retired,
    attempts: l.attempts,
    title: l.title,
    body: l.body,
    resources: l.resourceIds
      .map((id) => refs.get(id))
      .filter((x) => x !== undefined)
      .map((x) => ({ id: x.id, title: x.title, type: x.type })),
    questions: l.questions.map(questionOut),
  }));
}

/** A course in every language with all its lessons (retired ones too), for its editors. */
export async function getEditableCourse(db: Db, courseId: number) {
  const c = await courseStore.findCourse(db, courseId);
  if (!c) throw notFound('course');
  return {
    id: c.id,
    code: c.code,
    version: c.version,
    gradeFrom: c.gradeFrom,
    gradeTo: c.gradeTo,
    title: c.title,
    summary: c.summary,
    editedAt: c.editedAt ? c.editedAt.toISOString() : null,
    lessons: await lessonsOut(db, await store.allLessonsOf(db, courseId)),
  };
}

/** A lesson in every language, for its editors. */
export async function getEditableLesson(db: Db, lessonId: number) {
  const l = await store.lessonWithAttempts(db, lessonId);
  if (!l) throw notFound('lesson');
  return (await lessonsOut(db, [l]))[0]!;
}

/** Saves a course's title and summary, and the order of its lessons when given, at the version read. */
export async function saveCourse(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  courseId: number,
  body: Static<typeof CourseBody>,
) {
  const problems = [
    ...textProblems(locale, 'title', body.title),
    ...textProblems(locale, 'summary', body.summary),
  ];
  if (problems.length) refuse(problems);
  await db.transaction(async (tx) => {
    const before = await store.lockCourse(tx, courseId);
    if (!before) throw notFound('course');
    if (before.version !== body.version) throw staleVersion(body, await getEditableCourse(tx, courseId));
    const ids = (await store.lessonIdsOf(tx, courseId)).map((l) => l.id);
    if (body.lessonIds) {
      const sent = body.lessonIds;
      if (
        sent.length !== ids.length ||
        new Set(sent).size !== sent.length ||
        !sent.every((id) => ids.includes(id))
      )
        refuse([problem(locale, 'lessonIds', 'order')]);
    }
    const v = { title: trimmed(body.title), summary: trimmed(body.summary) };
    const after = await store.updateCourse(tx, courseId, body.version, v, now());
    if (!after) throw staleVersion(body, await getEditableCourse(tx, courseId));
    if (body.lessonIds) await store.reorderLessons(tx, courseId, body.lessonIds);
    await audit(tx, ctx, {
      action: 'update',
      entity: 'portal_course',
      entityId: courseId,
      before: { title: before.title, summary: before.summary, lessonIds: ids },
      after: { ...v, lessonIds: body.lessonIds ?? ids },
    });
  });
  return getEditableCourse(db, courseId);
}

/** Checks a lesson as sent: texts in each language, published resources, the quiz by the contests engine. */
async function lessonValues(
  db: Db,
  locale: Locale,
  body: Static<typeof NewLessonBody>,
): Promise<store.LessonValues> {
  const problems = [...textProblems(locale, 'title', body.title), ...textProblems(locale, 'body', body.body)];
  const resourceIds = [...new Set(body.resourceIds)];
  const published = await publishedResources(db, resourceIds);
  resourceIds.forEach((id, i) => {
    if (!published.has(id)) problems.push(problem(locale, `resourceIds.${i}`, 'resource'));
  });
  const questions: CourseQuestion[] = [];
  body.questions.forEach((q, i) => {
    const built = buildCourseQuestion(locale, `questions.${i}`, q);
    if ('problems' in built) problems.push(...built.problems);
    else questions.push(built.question);
  });
  if (problems.length) refuse(problems);
  return { topic: body.topic, title: trimmed(body.title), body: trimmed(body.body), resourceIds, questions };
}

/** Adds a lesson at the end of a course. */
export async function addLesson(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  courseId: number,
  body: Static<typeof NewLessonBody>,
) {
  const v = await lessonValues(db, locale, body);
  const id = await db.transaction(async (tx) => {
    if (!(await store.lockCourse(tx, courseId))) throw notFound('course');
    const row = await store.insertLesson(tx, courseId, v);
    await store.markEdited(tx, courseId, now());
    await audit(tx, ctx, { action: 'create', entity: 'portal_course_lesson', entityId: row.id, after: row });
    return row.id;
  });
  return getEditableLesson(db, id);
}

/**
 * Saves a lesson at the version read. A changed quiz leaves pupils' attempts as they are (each keeps its stored
 * score and maximum); a retake of a quiz whose maximum changed starts afresh (`saveAttempt`).
 */
export async function saveLesson(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  lessonId: number,
  body: Static<typeof LessonBody>,
) {
  const before = await store.lessonWithAttempts(db, lessonId);
  if (!before) throw notFound('lesson');
  const v = await lessonValues(db, locale, body);
  await db.transaction(async (tx) => {
    await store.lockCourse(tx, before.courseId);
    const after = await store.updateLesson(tx, lessonId, body.version, {
      ...v,
      retired: body.retired ?? before.retired,
    });
    if (!after) throw staleVersion(body, await getEditableLesson(tx, lessonId));
    await store.markEdited(tx, before.courseId, now());
    const { attempts: _attempts, ...was } = before;
    await audit(tx, ctx, {
      action: 'update',
      entity: 'portal_course_lesson',
      entityId: lessonId,
      before: was,
      after,
    });
  });
  return getEditableLesson(db, lessonId);
}

/** Removes a lesson no pupil took; retires one that pupils took (hidden, attempts kept). At the version read. */
export async function removeLesson(db: Db, ctx: ChangeContext, lessonId: number, version: number) {
  const before = await store.lessonWithAttempts(db, lessonId);
  if (!before) throw notFound('lesson');
  return db.transaction(async (tx) => {
    await store.lockCourse(tx, before.courseId);
    await store.lockLesson(tx, lessonId);
    const stale = async () => staleVersion({ version }, await getEditableLesson(tx, lessonId));
    let outcome: 'removed' | 'retired';
    if (await store.deleteUnattempted(tx, lessonId, version)) outcome = 'removed';
    else if (await store.retireLesson(tx, lessonId, version)) outcome = 'retired';
    else throw await stale();
    await store.markEdited(tx, before.courseId, now());
    const { attempts: _attempts, ...was } = before;
    await audit(tx, ctx, {
      action: outcome === 'removed' ? 'delete' : 'retire',
      entity: 'portal_course_lesson',
      entityId: lessonId,
      before: was,
    });
    return { outcome };
  });
}
