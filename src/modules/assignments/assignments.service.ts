import { randomBytes, randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { staleVersion } from '@/server/versions';
import { AppError, conflict, forbidden, notFound, type FieldProblem } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import type { Storage } from '@/server/storage';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as identityStore from '@/modules/identity/identity.store';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import { subjectsKept } from '@/modules/institutions/institutions.service';
import * as classroomStore from '@/modules/classroom/classroom.store';
import { SCHOOL_TIME_ZONE } from '@/modules/classroom/classroom.service';
import { KINDS, identifyBuffer, type FileKind } from '@/modules/library/library.files';
import { notify, withdraw } from '@/modules/notifications/notifications.service';
import * as store from '@/modules/assignments/assignments.store';
import type {
  CreateAssignmentInput,
  FeedbackInput,
  GroupsInputBody,
  PatchAssignmentInput,
  Status,
  SubmitInput,
} from '@/modules/assignments/assignments.schema';
import * as clock from '@/server/clock';

/**
 * Assignments and group work. A teacher of a class's subject sets an assignment (individual, or group work with
 * groups formed or drawn), students hand in versions of their work (a group's version counts for every member),
 * and the teacher gives feedback and a mark of the country pack's scale. Who sees what:
 * - the teacher of the class's subject (or who set it) sees and changes everything of it;
 * - the class's other teachers and the school's director read it;
 * - a student reads the assignments of their class and only their own (or their group's) work;
 * - a parent reads their child's statuses and marks, nothing else;
 * - nobody above the school sees anything individual.
 */

defineMessages({
  en: {
    'assignments.kind_has_work':
      'An assignment with handed-in work cannot switch between individual and group work.',
    'assignments.delete_has_work': 'This assignment cannot be deleted: work has already been handed in.',
    'assignments.invalid': 'Some fields are not valid; nothing was saved.',
    'assignments.groups_have_work': 'The groups cannot be changed: a group has already handed in work.',
    'assignments.not_in_group': 'You are not in a group of this assignment; ask your teacher.',
    'assignments.no_grading_scale': 'There is no grading scale: the country pack is not loaded.',
    'assignments.file_kind': 'This kind of file is not accepted; upload a PDF, JPEG or PNG file.',
    'assignments.file_too_large': 'The file is larger than {limit}.',
    'assignments.file_empty': 'The file is empty.',
    'assignments.rule.unknown_subject': 'is not a subject of the curriculum',
    'assignments.rule.not_your_subject': 'you do not teach this subject to this class',
    'assignments.rule.not_lesson_of_class': 'is not a lesson of this class in this subject',
    'assignments.rule.not_in_class': 'is not a student of this class',
    'assignments.rule.twice': 'is in more than one group',
    'assignments.rule.not_for_individual': 'an individual assignment has no groups',
    'assignments.rule.groups_or_draw': 'give either groups or a draw, not both',
    'assignments.rule.empty': 'give a text or at least one file',
    'assignments.rule.not_your_file': 'is not a file you (or your group) uploaded for this assignment',
    'assignments.rule.not_on_scale': 'is not a mark of the grading scale ({values})',
  },
  az: {
    'assignments.kind_has_work':
      'İş təqdim edilmiş tapşırığı fərdi işdən qrup işinə (və ya əksinə) dəyişmək olmaz.',
    'assignments.delete_has_work': 'Bu tapşırığı silmək olmaz: artıq iş təqdim edilib.',
    'assignments.invalid': 'Bəzi sahələr düzgün deyil; heç nə saxlanılmadı.',
    'assignments.groups_have_work': 'Qrupları dəyişmək olmaz: qruplardan biri artıq iş təqdim edib.',
    'assignments.not_in_group': 'Siz bu tapşırığın heç bir qrupunda deyilsiniz; müəlliminizə müraciət edin.',
    'assignments.no_grading_scale': 'Qiymətləndirmə şkalası yoxdur: ölkə paketi yüklənməyib.',
    'assignments.file_kind': 'Bu fayl növü qəbul edilmir; PDF, JPEG və ya PNG faylı yükləyin.',
    'assignments.file_too_large': 'Fayl {limit} həddindən böyükdür.',
    'assignments.file_empty': 'Fayl boşdur.',
    'assignments.rule.unknown_subject': 'tədris planının fənni deyil',
    'assignments.rule.not_your_subject': 'siz bu sinfə bu fənni tədris etmirsiniz',
    'assignments.rule.not_lesson_of_class': 'bu sinfin bu fəndən dərsi deyil',
    'assignments.rule.not_in_class': 'bu sinfin şagirdi deyil',
    'assignments.rule.twice': 'birdən çox qrupdadır',
    'assignments.rule.not_for_individual': 'fərdi tapşırığın qrupları olmur',
    'assignments.rule.groups_or_draw': 'ya qrupları, ya da püşkü verin, ikisini birlikdə yox',
    'assignments.rule.empty': 'mətn və ya ən azı bir fayl verin',
    'assignments.rule.not_your_file': 'bu tapşırıq üçün sizin (və ya qrupunuzun) yüklədiyi fayl deyil',
    'assignments.rule.not_on_scale': 'qiymətləndirmə şkalasının qiyməti deyil ({values})',
  },
  ru: {
    'assignments.kind_has_work':
      'Задание, по которому уже сданы работы, нельзя переключить между индивидуальным и групповым.',
    'assignments.delete_has_work': 'Это задание нельзя удалить: работы по нему уже сданы.',
    'assignments.invalid': 'Некоторые поля заполнены неверно; ничего не сохранено.',
    'assignments.groups_have_work': 'Группы нельзя изменить: одна из групп уже сдала работу.',
    'assignments.not_in_group': 'Вы не состоите ни в одной группе этого задания; обратитесь к учителю.',
    'assignments.no_grading_scale': 'Шкалы оценок нет: пакет страны не загружен.',
    'assignments.file_kind': 'Такой файл не принимается; загрузите файл PDF, JPEG или PNG.',
    'assignments.file_too_large': 'Файл больше {limit}.',
    'assignments.file_empty': 'Файл пуст.',
    'assignments.rule.unknown_subject': 'не является предметом учебного плана',
    'assignments.rule.not_your_subject': 'вы не преподаёте этот предмет в этом классе',
    'assignments.rule.not_lesson_of_class': 'не является уроком этого класса по этому предмету',
    'assignments.rule.not_in_class': 'не является учеником этого класса',
    'assignments.rule.twice': 'входит в несколько групп',
    'assignments.rule.not_for_individual': 'у индивидуального задания нет групп',
    'assignments.rule.groups_or_draw': 'укажите либо группы, либо жеребьёвку, но не оба',
    'assignments.rule.empty': 'укажите текст или хотя бы один файл',
    'assignments.rule.not_your_file':
      'не является файлом, загруженным вами (или вашей группой) для этого задания',
    'assignments.rule.not_on_scale': 'не является оценкой шкалы ({values})',
  },
});

/** The kinds of file a submission may hold, told by their first bytes, and the size limit of each file. */
export const SUBMISSION_KINDS: readonly FileKind[] = ['pdf', 'jpeg', 'png'];
export const SUBMISSION_FILE_MAX_BYTES = 10 * 1024 * 1024;

const problem = (locale: Locale, field: string, rule: string, params: Record<string, unknown> = {}) =>
  ({
    field,
    reason: rule,
    message: `${field}: ${translate(locale, `assignments.rule.${rule}`, params)}`,
  }) satisfies FieldProblem;
const refuseIf = (problems: FieldProblem[]) => {
  if (problems.length > 0) throw new AppError(422, 'assignments.invalid', {}, problems);
};

// ---------------------------------------------------------------------------------------------------------
// Access

const holds = (actor: Actor, role: 'director' | 'teacher' | 'student', institutionId: number) =>
  actor.grants.some((g) => g.role === role && g.institutionId === institutionId);

/** How the caller stands to an assignment: teaches it (reads, changes), reads it as staff, or studies it. */
type Relation = 'teach' | 'staff' | 'study';

async function relationTo(db: Db, actor: Actor, a: store.AssignmentRow): Promise<Relation | null> {
  if (holds(actor, 'teacher', a.institutionId)) {
    if (a.teacherId === actor.userId) return 'teach';
    if (await classroomStore.teachesSubject(db, actor.userId, a.classId, a.subjectCode)) return 'teach';
  }
  if (holds(actor, 'director', a.institutionId)) return 'staff';
  if (
    holds(actor, 'teacher', a.institutionId) &&
    (await classroomStore.teachesClass(db, actor.userId, a.classId))
  )
    return 'staff';
  if (
    holds(actor, 'student', a.institutionId) &&
    (await classroomStore.isEnrolled(db, actor.userId, a.classId))
  )
    return 'study';
  return null;
}

async function assignmentFor(db: Db, actor: Actor, id: number, need: 'read' | 'staff' | 'teach' | 'study') {
  const a = await store.findAssignment(db, id);
  if (!a) throw notFound('assignment');
  const relation = await relationTo(db, actor, a);
  const ok =
    relation !== null && (need === 'read' || relation === need || (need === 'staff' && relation === 'teach'));
  if (!ok) throw forbidden();
  return { a, relation };
}

/** The institution of an assignment, for route scope declarations; 404 when there is none. */
export async function institutionOfAssignment(db: Db, id: number): Promise<number> {
  const a = await store.findAssignment(db, id);
  if (!a) throw notFound('assignment');
  return a.institutionId;
}

/** The institution of a submission, for route scope declarations. */
export async function institutionOfSubmission(db: Db, id: number): Promise<number> {
  const s = await store.findSubmission(db, id);
  if (!s) throw notFound('submission');
  return s.institutionId;
}

/** The institution of an uploaded file, for route scope declarations. */
export async function institutionOfFile(db: Db, id: number): Promise<number> {
  const f = await store.findFile(db, id);
  if (!f) throw notFound('file');
  return f.institutionId;
}

// ---------------------------------------------------------------------------------------------------------
// Views

const className = (c: { grade: number; letter: string }) => `${c.grade}${c.letter}`;
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** The status of a piece of work from its latest version. */
export function statusOf(work: { late: boolean; mark: number | null } | undefined): Status {
  if (!work) return 'not_submitted';
  if (work.mark !== null) return 'marked';
  return work.late ? 'late' : 'submitted';
}

/** The marks of the country pack's default grading scale, or undefined without a pack. */
async function gradingMarks(db: Db): Promise<{ value: number; name: Record<string, string> }[] | undefined> {
  const scale = await institutionsStore.defaultGradingScale(db);
  return scale ? (scale.marks as { value: number; name: Record<string, string> }[]) : undefined;
}

async function subjectNames(db: Db, codes: string[], locale: Locale) {
  const found = await institutionsStore.subjectsByCode(db, [...new Set(codes)]);
  const pick = { az: 'nameAz', ru: 'nameRu', en: 'nameEn' } as const;
  return new Map(found.map((s) => [s.code, s[pick[locale]]]));
}

async function namesMap(db: Db, ids: number[]) {
  return new Map((await identityStore.namesOf(db, [...new Set(ids)])).map((p) => [p.id, p]));
}
const person = (names: Map<number, { id: number; displayName: string }>, id: number) => ({
  id,
  displayName: names.get(id)?.displayName ?? String(id),
});

async function baseViews(db: Db, list: store.AssignmentRow[], locale: Locale) {
  const subjects = await subjectNames(
    db,
    list.map((a) => a.subjectCode),
    locale,
  );
  const names = await namesMap(
    db,
    list.map((a) => a.teacherId),
  );
  const classNames = new Map(
    (await classroomStore.findClasses(db, [...new Set(list.map((a) => a.classId))])).map((c) => [
      c.id,
      className(c),
    ]),
  );
  return list.map((a) => ({
    id: a.id,
    institutionId: a.institutionId,
    classId: a.classId,
    className: classNames.get(a.classId) ?? '',
    subjectCode: a.subjectCode,
    subjectName: subjects.get(a.subjectCode) ?? a.subjectCode,
    lessonId: a.lessonId,
    kind: a.kind,
    title: a.title,
    instructions: a.instructions,
    dueAt: a.dueAt.toISOString(),
    createdAt: a.createdAt.toISOString(),
    teacher: person(names, a.teacherId),
  }));
}

/** Each student's latest work of each assignment: their own, or their group's. */
function workIndex(members: Awaited<ReturnType<typeof store.membersOf>>, works: store.LatestWork[]) {
  const groupOf = new Map(members.map((m) => [`${m.assignmentId}:${m.studentId}`, m]));
  const byOwner = new Map(
    works.map((w) => [w.groupId !== null ? `g${w.groupId}` : `s${w.assignmentId}:${w.studentId}`, w]),
  );
  return {
    group: (assignmentId: number, studentId: number) => groupOf.get(`${assignmentId}:${studentId}`),
    work: (a: store.AssignmentRow, studentId: number) => {
      if (a.kind === 'individual') return byOwner.get(`s${a.id}:${studentId}`);
      const g = groupOf.get(`${a.id}:${studentId}`);
      return g ? byOwner.get(`g${g.groupId}`) : undefined;
    },
  };
}

const emptyCounts = (): Record<Status, number> => ({ not_submitted: 0, submitted: 0, late: 0, marked: 0 });

// ---------------------------------------------------------------------------------------------------------
// Groups

/** A small seeded generator (mulberry32): the same seed draws the same groups. */
function seeded(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draws students into groups of about `size`: shuffled (Fisher–Yates) by a generator seeded with `seed`, then
 * dealt round so that group sizes differ by at most one.
 */
export function drawGroups(studentIds: number[], size: number, seed: number): number[][] {
  const random = seeded(seed);
  const shuffled = [...studentIds].sort((a, b) => a - b);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const count = Math.max(1, Math.ceil(shuffled.length / size));
  const out: number[][] = Array.from({ length: count }, () => []);
  shuffled.forEach((id, i) => out[i % count]!.push(id));
  return out.filter((g) => g.length > 0);
}

/** Checks formed groups (or makes drawn ones) against the class's students. */
function resolveGroups(
  input: { groups?: { studentIds: number[] }[]; draw?: { size: number; seed?: number } },
  kind: 'individual' | 'group',
  enrolled: number[],
  locale: Locale,
): { lists: number[][]; seed: number | null } | null {
  const problems: FieldProblem[] = [];
  if (input.groups === undefined && input.draw === undefined) return null;
  if (kind === 'individual') {
    refuseIf([problem(locale, input.groups ? 'groups' : 'draw', 'not_for_individual')]);
  }
  if (input.groups !== undefined && input.draw !== undefined) {
    refuseIf([problem(locale, 'draw', 'groups_or_draw')]);
  }
  if (input.draw) {
    const seed = input.draw.seed ?? randomInt(2_147_483_647);
    return { lists: drawGroups(enrolled, input.draw.size, seed), seed };
  }
  const inClass = new Set(enrolled);
  const seen = new Set<number>();
  input.groups!.forEach((g, i) =>
    g.studentIds.forEach((id, j) => {
      if (!inClass.has(id)) problems.push(problem(locale, `groups.${i}.studentIds.${j}`, 'not_in_class'));
      else if (seen.has(id)) problems.push(problem(locale, `groups.${i}.studentIds.${j}`, 'twice'));
      seen.add(id);
    }),
  );
  refuseIf(problems);
  return { lists: input.groups!.map((g) => g.studentIds), seed: null };
}

// ---------------------------------------------------------------------------------------------------------
// Assignments

/** What is wrong with an assignment's subject (the caller must teach it to the class) and lesson link. */
async function subjectProblems(
  db: Db,
  actor: Actor,
  classId: number,
  subjectCode: string,
  lessonId: number | null,
  locale: Locale,
): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  if ((await institutionsStore.subjectsByCode(db, [subjectCode])).length === 0) {
    problems.push(problem(locale, 'subjectCode', 'unknown_subject'));
  } else if (!(await classroomStore.teachesSubject(db, actor.userId, classId, subjectCode))) {
    problems.push(problem(locale, 'subjectCode', 'not_your_subject'));
  }
  if (lessonId) {
    const lesson = await classroomStore.findLesson(db, lessonId);
    if (!lesson || lesson.classId !== classId || lesson.subjectCode !== subjectCode) {
      problems.push(problem(locale, 'lessonId', 'not_lesson_of_class'));
    }
  }
  return problems;
}

/** A teacher of the class's subject sets an assignment; the class's students are notified. */
export async function createAssignment(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  classId: number,
  input: CreateAssignmentInput,
  locale: Locale,
) {
  const cls = await classroomStore.findClass(db, classId);
  if (!cls) throw notFound('class');
  if (
    !holds(actor, 'teacher', cls.institutionId) ||
    !(await classroomStore.teachesClass(db, actor.userId, classId))
  ) {
    throw forbidden();
  }
  refuseIf(await subjectProblems(db, actor, classId, input.subjectCode, input.lessonId ?? null, locale));
  const enrolled = await classroomStore.studentIdsOf(db, classId);
  const groups = resolveGroups(input, input.kind, enrolled, locale);
  const id = await db.transaction(async (tx) => {
    const a = await store.insertAssignment(tx, {
      institutionId: cls.institutionId,
      classId,
      subjectCode: input.subjectCode,
      lessonId: input.lessonId ?? null,
      teacherId: actor.userId,
      kind: input.kind,
      title: input.title.trim(),
      instructions: input.instructions?.trim() || null,
      dueAt: new Date(input.dueAt),
    });
    if (groups) await store.replaceGroups(tx, a.id, a.institutionId, groups.lists);
    await notify(tx, enrolled, 'assignment_new', {
      assignmentId: a.id,
      title: a.title,
      subjectCode: a.subjectCode,
      dueAt: a.dueAt.toISOString(),
    });
    await audit(tx, ctx, {
      action: 'create',
      entity: 'assignment',
      entityId: a.id,
      after: { ...a, groups: groups?.lists ?? null },
    });
    return a.id;
  });
  return { ...(await getAssignment(db, actor, id, locale)), drawSeed: groups?.seed ?? null };
}

/**
 * Its teacher changes an assignment: what setting it took, except its groups. Switching between individual
 * and group work is refused once work has been handed in (the versions belong to students or to groups);
 * switching to individual work drops the groups. A new due time tells the class and re-judges which versions
 * came late.
 */
export async function updateAssignment(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  id: number,
  input: PatchAssignmentInput,
  locale: Locale,
) {
  await db.transaction(async (tx) => {
    const { a } = await assignmentFor(tx, actor, id, 'teach');
    await store.lockAssignment(tx, a.id);
    const subjectCode = input.subjectCode ?? a.subjectCode;
    const lessonId = input.lessonId === undefined ? a.lessonId : input.lessonId;
    if (subjectCode !== a.subjectCode || lessonId !== a.lessonId) {
      const problems = await subjectProblems(tx, actor, a.classId, subjectCode, lessonId, locale);
      // An unchanged subject stays the assignment's even if the caller set it and no longer teaches it.
      refuseIf(subjectCode === a.subjectCode ? problems.filter((p) => p.field === 'lessonId') : problems);
    }
    const kind = input.kind ?? a.kind;
    const hasWork = await store.hasSubmissions(tx, a.id);
    if (kind !== a.kind && hasWork) throw conflict('assignments.kind_has_work');
    const dueAt = input.dueAt === undefined ? a.dueAt : new Date(input.dueAt);
    const after = await store.updateAssignment(tx, a.id, {
      subjectCode,
      lessonId,
      kind,
      title: input.title === undefined ? a.title : input.title.trim(),
      instructions: input.instructions === undefined ? a.instructions : input.instructions?.trim() || null,
      dueAt,
    });
    if (kind === 'individual' && a.kind === 'group') await store.replaceGroups(tx, a.id, a.institutionId, []);
    if (dueAt.getTime() !== a.dueAt.getTime()) {
      if (hasWork) await store.judgeLateness(tx, a.id);
      await notify(tx, await classroomStore.studentIdsOf(tx, a.classId), 'assignment_changed', {
        assignmentId: a.id,
        title: after.title,
        dueAt: dueAt.toISOString(),
      });
    }
    await audit(tx, ctx, { action: 'update', entity: 'assignment', entityId: a.id, before: a, after });
  });
  return getAssignment(db, actor, id, locale);
}

/**
 * Its teacher deletes an assignment set by mistake, with its groups and the files uploaded for it — only while
 * nothing has been handed in: students' work and marks are never deleted with it.
 */
export async function deleteAssignment(
  db: Db,
  storage: Storage,
  actor: Actor,
  ctx: ChangeContext,
  id: number,
) {
  const a = await db.transaction(async (tx) => {
    const { a } = await assignmentFor(tx, actor, id, 'teach');
    await store.lockAssignment(tx, a.id);
    if (await store.hasSubmissions(tx, a.id)) throw conflict('assignments.delete_has_work');
    await store.deleteAssignment(tx, a.id);
    await withdraw(tx, await classroomStore.studentIdsOf(tx, a.classId), 'assignmentId', a.id);
    await audit(tx, ctx, { action: 'delete', entity: 'assignment', entityId: a.id, before: a });
    return a;
  });
  // After the commit: files of a deletion that rolled back must stay.
  await storage.deletePrefix(`assignments/${a.institutionId}/${a.id}`);
  return { ok: true };
}

/** A class's assignments: for its teachers and director with the counts, for a student with their status. */
export async function classAssignments(
  db: Db,
  actor: Actor,
  classId: number,
  subjectCode: string | undefined,
  locale: Locale,
) {
  const cls = await classroomStore.findClass(db, classId);
  if (!cls) throw notFound('class');
  const staff =
    holds(actor, 'director', cls.institutionId) ||
    (holds(actor, 'teacher', cls.institutionId) &&
      (await classroomStore.teachesClass(db, actor.userId, classId)));
  const student =
    !staff &&
    holds(actor, 'student', cls.institutionId) &&
    (await classroomStore.isEnrolled(db, actor.userId, classId));
  if (!staff && !student) throw forbidden();
  const list = await store.assignmentsOfClass(db, classId, subjectCode);
  const ids = list.map((a) => a.id);
  const members = await store.membersOf(db, ids);
  const works = await store.latestWorks(db, ids, staff ? undefined : actor.userId);
  const index = workIndex(members, works);
  const enrolled = staff ? await classroomStore.studentIdsOf(db, classId) : [];
  const views = await baseViews(db, list, locale);
  return {
    items: list.map((a, i) => {
      if (staff) {
        const counts = emptyCounts();
        for (const s of enrolled) counts[statusOf(index.work(a, s))]++;
        return { ...views[i]!, counts, myStatus: null, myMark: null };
      }
      const work = index.work(a, actor.userId);
      return { ...views[i]!, counts: null, myStatus: statusOf(work), myMark: work?.mark ?? null };
    }),
  };
}

/** One assignment with its groups: all of them for staff, a student's own group for a student. */
export async function getAssignment(db: Db, actor: Actor, id: number, locale: Locale) {
  const { a, relation } = await assignmentFor(db, actor, id, 'read');
  const [view] = await baseViews(db, [a], locale);
  const members = await store.membersOf(db, [a.id]);
  const mine = members.find((m) => m.studentId === actor.userId);
  const shown = relation === 'study' ? members.filter((m) => m.groupId === mine?.groupId) : members;
  const enrolled = relation === 'study' ? [] : await classroomStore.studentIdsOf(db, a.classId);
  const grouped = new Set(members.map((m) => m.studentId));
  const ungrouped = a.kind === 'group' ? enrolled.filter((s) => !grouped.has(s)) : [];
  const names = await namesMap(db, [...shown.map((m) => m.studentId), ...ungrouped]);
  const groups = new Map<
    number,
    { id: number; number: number; members: { id: number; displayName: string }[] }
  >();
  for (const m of shown) {
    const g = groups.get(m.groupId) ?? { id: m.groupId, number: m.number, members: [] };
    g.members.push(person(names, m.studentId));
    groups.set(m.groupId, g);
  }
  let myStatus: Status | null = null;
  if (relation === 'study') {
    const index = workIndex(members, await store.latestWorks(db, [a.id], actor.userId));
    myStatus = statusOf(index.work(a, actor.userId));
  }
  return {
    ...view!,
    groups: [...groups.values()].sort((x, y) => x.number - y.number),
    ungrouped: ungrouped.map((s) => person(names, s)),
    myStatus,
    drawSeed: null,
    groupsVersion: a.groupsVersion,
    canEdit: relation === 'teach',
    canSubmit: relation === 'study' && (a.kind === 'individual' || mine !== undefined),
  };
}

/** An assignment's groups as one record (its detail), with their version as `version`. */
async function groupsRecord(db: Db, actor: Actor, id: number, locale: Locale) {
  const detail = await getAssignment(db, actor, id, locale);
  return { ...detail, version: detail.groupsVersion };
}

/**
 * Forms or draws an assignment's groups again, from the version of them read; refused once a group has
 * handed in work, and with both versions when someone else saved them since.
 */
export async function setGroups(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  id: number,
  input: GroupsInputBody,
  locale: Locale,
) {
  const seed = await db.transaction(async (tx) => {
    const { a } = await assignmentFor(tx, actor, id, 'teach');
    // The assignment's row first (locked, its groups' version checked and bumped): of two saves from the same
    // read, the second waits here, then misses the version.
    if ((await store.bumpGroupsVersion(tx, a.id, input.version)) === undefined) {
      throw staleVersion(input, await groupsRecord(tx, actor, id, locale));
    }
    const enrolled = await classroomStore.studentIdsOf(tx, a.classId);
    const groups = resolveGroups(input, a.kind, enrolled, locale) ?? { lists: [], seed: null };
    if (a.kind === 'individual') refuseIf([problem(locale, 'groups', 'not_for_individual')]);
    if (await store.hasSubmissions(tx, a.id)) throw conflict('assignments.groups_have_work');
    const before = await store.membersOf(tx, [a.id]);
    await store.replaceGroups(tx, a.id, a.institutionId, groups.lists);
    await audit(tx, ctx, {
      action: 'update',
      entity: 'assignment_groups',
      entityId: a.id,
      before: before.map((m) => ({ group: m.number, studentId: m.studentId })),
      after: groups.lists,
    });
    return groups.seed;
  });
  return { ...(await getAssignment(db, actor, id, locale)), drawSeed: seed };
}

/** The status of every student of the class: not submitted, submitted, late or marked. */
export async function statusList(db: Db, actor: Actor, id: number, locale: Locale) {
  const { a } = await assignmentFor(db, actor, id, 'staff');
  const enrolled = await classroomStore.studentIdsOf(db, a.classId);
  const members = await store.membersOf(db, [a.id]);
  const index = workIndex(members, await store.latestWorks(db, [a.id]));
  const names = await namesMap(db, enrolled);
  const counts = emptyCounts();
  const items = enrolled
    .map((s) => {
      const work = index.work(a, s);
      const status = statusOf(work);
      counts[status]++;
      return {
        student: person(names, s),
        groupNumber: index.group(a.id, s)?.number ?? null,
        status,
        submissionId: work?.id ?? null,
        version: work?.version ?? null,
        submittedAt: work ? work.submittedAt.toISOString() : null,
        mark: work?.mark ?? null,
        resubmissionRequested: work?.resubmissionRequested ?? false,
      };
    })
    .sort((x, y) => x.student.displayName.localeCompare(y.student.displayName, locale));
  const marks = await gradingMarks(db);
  return {
    assignmentId: a.id,
    counts,
    scale: (marks ?? []).map((m) => ({ value: m.value, name: m.name[locale] ?? String(m.value) })),
    items,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Files and submissions

/** Whose work the caller hands in for an assignment: their own, or their group's. */
async function ownerFor(db: Db, a: store.AssignmentRow, studentId: number): Promise<store.Owner | null> {
  if (a.kind === 'individual') return { studentId };
  const g = (await store.membersOf(db, [a.id])).find((m) => m.studentId === studentId);
  return g ? { groupId: g.groupId } : null;
}

/**
 * A student uploads a file for an assignment: its kind is told by its structure (PDF, JPEG or PNG), its size
 * is limited, and it is kept in storage until the student hands it in with a version.
 */
export async function uploadFile(
  db: Db,
  storage: Storage,
  actor: Actor,
  ctx: ChangeContext,
  id: number,
  name: string | null,
  body: unknown,
) {
  const { a } = await assignmentFor(db, actor, id, 'study');
  if (!Buffer.isBuffer(body)) throw new AppError(415, 'unsupported_media_type', { type: 'application/json' });
  if (body.length === 0) throw new AppError(422, 'assignments.file_empty');
  if (body.length > SUBMISSION_FILE_MAX_BYTES) {
    throw new AppError(413, 'assignments.file_too_large', {
      limit: `${SUBMISSION_FILE_MAX_BYTES / 1024 / 1024} MB`,
    });
  }
  const kind = await identifyBuffer(body);
  if (kind === null || !SUBMISSION_KINDS.includes(kind)) throw new AppError(415, 'assignments.file_kind');
  const key = `assignments/${a.institutionId}/${a.id}/${randomBytes(12).toString('hex')}`;
  const temp = path.join(os.tmpdir(), `maktab-assignment-${randomBytes(8).toString('hex')}`);
  await writeFile(temp, body);
  await storage.putFile(key, temp);
  try {
    return await db.transaction(async (tx) => {
      const file = await store.insertFile(tx, {
        assignmentId: a.id,
        institutionId: a.institutionId,
        uploadedBy: actor.userId,
        name: name?.trim() || `file.${kind === 'jpeg' ? 'jpg' : kind}`,
        contentType: KINDS[kind].contentType,
        size: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
        storageKey: key,
      });
      await audit(tx, ctx, {
        action: 'upload',
        entity: 'assignment_file',
        entityId: file.id,
        after: { name: file.name, size: file.size, contentType: file.contentType, assignmentId: a.id },
      });
      return { id: file.id, name: file.name, contentType: file.contentType, size: file.size };
    });
  } catch (error) {
    await storage.deletePrefix(key);
    throw error;
  }
}

/** A student hands in a version of their (or their group's) work: late when after the due time. */
export async function submit(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  id: number,
  input: SubmitInput,
  locale: Locale,
) {
  const text = input.text?.trim() || null;
  const fileIds = [...new Set(input.fileIds)];
  const submissionId = await db.transaction(async (tx) => {
    const { a } = await assignmentFor(tx, actor, id, 'study');
    await store.lockAssignment(tx, a.id);
    const owner = await ownerFor(tx, a, actor.userId);
    if (!owner) throw conflict('assignments.not_in_group');
    const problems: FieldProblem[] = [];
    if (text === null && fileIds.length === 0) problems.push(problem(locale, 'text', 'empty'));
    const found = new Map((await store.filesByIds(tx, fileIds)).map((f) => [f.id, f]));
    const uploaders =
      owner.groupId !== undefined
        ? new Set(
            (await store.membersOf(tx, [a.id]))
              .filter((m) => m.groupId === owner.groupId)
              .map((m) => m.studentId),
          )
        : new Set([actor.userId]);
    for (const [i, fileId] of fileIds.entries()) {
      const f = found.get(fileId);
      const ok =
        f !== undefined &&
        f.assignmentId === a.id &&
        (uploaders.has(f.uploadedBy) || (await store.fileInWork(tx, fileId, a.id, owner)));
      if (!ok) problems.push(problem(locale, `fileIds.${i}`, 'not_your_file'));
    }
    refuseIf(problems);
    const now = clock.now();
    const row = await store.insertSubmission(
      tx,
      {
        assignmentId: a.id,
        institutionId: a.institutionId,
        studentId: owner.studentId ?? null,
        groupId: owner.groupId ?? null,
        version: await store.nextVersion(tx, a.id, owner),
        text,
        submittedBy: actor.userId,
        late: now.getTime() > a.dueAt.getTime(),
      },
      fileIds,
    );
    await audit(tx, ctx, {
      action: 'submit',
      entity: 'assignment_submission',
      entityId: row.id,
      after: {
        assignmentId: a.id,
        version: row.version,
        late: row.late,
        fileIds,
        textLength: text?.length ?? 0,
      },
    });
    return row.id;
  });
  return (await versionViews(db, [(await store.findSubmission(db, submissionId))!]))[0]!;
}

/** A student's work on an assignment (their own, or their group's), every version with its files and feedback. */
export async function workOf(db: Db, actor: Actor, id: number, studentId: number, locale: Locale) {
  const { a, relation } = await assignmentFor(db, actor, id, 'read');
  if (!(await classroomStore.isEnrolled(db, studentId, a.classId))) throw notFound('student');
  const owner = await ownerFor(db, a, studentId);
  if (relation === 'study' && studentId !== actor.userId) {
    // Only a groupmate's work, which is the caller's own group's.
    const mine = await ownerFor(db, a, actor.userId);
    if (!owner || !mine || owner.groupId === undefined || owner.groupId !== mine.groupId) throw forbidden();
  }
  const versions = owner ? await store.versionsOf(db, a.id, owner) : [];
  const names = await namesMap(db, [studentId]);
  const groupNumber =
    owner?.groupId !== undefined
      ? ((await store.membersOf(db, [a.id])).find((m) => m.groupId === owner.groupId)?.number ?? null)
      : null;
  void locale;
  return {
    assignmentId: a.id,
    student: person(names, studentId),
    groupNumber,
    status: statusOf(versions[0]),
    versions: await versionViews(db, versions),
  };
}

/** Versions with their files and who handed them in. */
async function versionViews(db: Db, versions: store.SubmissionRow[]) {
  const filesOf = await store.filesOfSubmissions(
    db,
    versions.map((v) => v.id),
  );
  const names = await namesMap(
    db,
    versions.map((v) => v.submittedBy),
  );
  return versions.map((v) => ({
    id: v.id,
    version: v.version,
    text: v.text,
    files: filesOf
      .filter((f) => f.submissionId === v.id)
      .map((f) => ({ id: f.id, name: f.name, contentType: f.contentType, size: f.size })),
    submittedBy: person(names, v.submittedBy),
    submittedAt: v.submittedAt.toISOString(),
    late: v.late,
    mark: v.mark,
    feedback: v.feedback,
    resubmissionRequested: v.resubmissionRequested,
    markedAt: iso(v.markedAt),
  }));
}

/** The teacher gives feedback and a mark of the grading scale on a version, or asks for another version. */
export async function giveFeedback(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  submissionId: number,
  input: FeedbackInput,
  locale: Locale,
) {
  const feedback = input.feedback?.trim() || null;
  await db.transaction(async (tx) => {
    const before = await store.findSubmission(tx, submissionId);
    if (!before) throw notFound('submission');
    const { a } = await assignmentFor(tx, actor, before.assignmentId, 'teach');
    if (input.mark !== null) {
      const marks = await gradingMarks(tx);
      if (!marks) throw new AppError(422, 'assignments.no_grading_scale');
      const values = marks.map((m) => m.value);
      if (!values.includes(input.mark)) {
        refuseIf([problem(locale, 'mark', 'not_on_scale', { values: values.join(', ') })]);
      }
    }
    await store.saveFeedback(tx, submissionId, {
      mark: input.mark,
      feedback,
      resubmissionRequested: input.resubmit,
      markedBy: actor.userId,
    });
    const readers =
      before.groupId !== null
        ? (await store.membersOf(tx, [a.id]))
            .filter((m) => m.groupId === before.groupId)
            .map((m) => m.studentId)
        : [before.studentId!];
    if (input.mark !== null && input.mark !== before.mark) {
      await notify(tx, readers, 'assignment_marked', {
        assignmentId: a.id,
        title: a.title,
        mark: input.mark,
      });
    }
    if (input.resubmit && !before.resubmissionRequested) {
      await notify(tx, readers, 'assignment_returned', { assignmentId: a.id, title: a.title });
    }
    await audit(tx, ctx, {
      action: 'feedback',
      entity: 'assignment_submission',
      entityId: submissionId,
      before: {
        mark: before.mark,
        feedback: before.feedback,
        resubmissionRequested: before.resubmissionRequested,
      },
      after: { mark: input.mark, feedback, resubmissionRequested: input.resubmit },
    });
  });
  return (await versionViews(db, [(await store.findSubmission(db, submissionId))!]))[0]!;
}

/** A file of a submission, for those who may see it: the assignment's staff, its uploader, its work's students. */
export async function fileFor(db: Db, actor: Actor, fileId: number) {
  const file = await store.findFile(db, fileId);
  if (!file) throw notFound('file');
  const { a, relation } = await assignmentFor(db, actor, file.assignmentId, 'read');
  if (relation === 'study' && file.uploadedBy !== actor.userId) {
    const owner = await ownerFor(db, a, actor.userId);
    if (!owner || !(await store.fileInWork(db, file.id, a.id, owner))) throw forbidden();
  }
  return file;
}

// ---------------------------------------------------------------------------------------------------------
// A student's assignments (the student, their parents)

/** The class a student is in (their latest), or undefined. */
export async function classOfStudent(db: Db, studentId: number) {
  const classes = await classroomStore.classesOfStudents(db, [studentId], null);
  return classes.sort((x, y) => y.academicYearId - x.academicYearId)[0];
}

/** A student's assignments in their classes with status and mark: read by the student and their parents. */
export async function studentAssignments(db: Db, studentId: number, locale: Locale) {
  const classes = await classroomStore.classesOfStudents(db, [studentId], null);
  const list = await store.assignmentsOfClasses(
    db,
    classes.map((c) => c.id),
  );
  const ids = list.map((a) => a.id);
  const index = workIndex(await store.membersOf(db, ids), await store.latestWorks(db, ids, studentId));
  const subjects = await subjectNames(
    db,
    list.map((a) => a.subjectCode),
    locale,
  );
  const names = await namesMap(db, [studentId]);
  return {
    student: person(names, studentId),
    items: list.map((a) => {
      const work = index.work(a, studentId);
      return {
        id: a.id,
        classId: a.classId,
        subjectCode: a.subjectCode,
        subjectName: subjects.get(a.subjectCode) ?? a.subjectCode,
        kind: a.kind,
        title: a.title,
        dueAt: a.dueAt.toISOString(),
        status: statusOf(work),
        mark: work?.mark ?? null,
        submittedAt: work ? work.submittedAt.toISOString() : null,
      };
    }),
  };
}

/**
 * A student's work still to hand in (`not_submitted` in `studentAssignments`), due from the school day `today`
 * on (its due time's UTC date), soonest first, at most `limit`: what their and their parents' homes list.
 */
export async function homeworkDue(db: Db, studentId: number, today: string, limit: number, locale: Locale) {
  const due = await store.dueForStudent(db, studentId, new Date(`${today}T00:00:00Z`), limit);
  const subjects = await subjectsKept(
    db,
    due.map((a) => a.subjectCode),
  );
  const pick = { az: 'nameAz', ru: 'nameRu', en: 'nameEn' } as const;
  return due.map((a) => ({
    id: a.id,
    title: a.title,
    subject: subjects.get(a.subjectCode)?.[pick[locale]] ?? a.subjectCode,
    dueAt: a.dueAt.toISOString(),
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Monitoring

/**
 * "Assignments submitted on time" for distance-learning monitoring, per class, per school or in total for an
 * area, over the assignments due between two dates (school days). Aggregates only: no student is named.
 */
export async function submittedOnTime(
  db: Db,
  target: { classIds: number[] } | { institutionIds: number[] } | { areaId: number },
  by: 'class' | 'school' | 'all',
  range: { from: string; to: string },
) {
  const filter =
    'areaId' in target
      ? { institutionIds: await institutionsStore.institutionIdsInArea(db, target.areaId) }
      : target;
  const ids = 'classIds' in filter ? filter.classIds : filter.institutionIds;
  if (ids.length === 0) return [];
  return store.submittedOnTime(db, filter, by, { ...range, timeZone: SCHOOL_TIME_ZONE });
}
