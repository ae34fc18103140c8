import type { Actor, Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, forbidden, notFound, type FieldProblem } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as identityStore from '@/modules/identity/identity.store';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import * as classroomStore from '@/modules/classroom/classroom.store';
import { SCHOOL_TIME_ZONE } from '@/modules/classroom/classroom.service';
import { notify, type NotificationPayloads } from '@/modules/notifications/notifications.service';
import { enqueue, type JobHandler } from '@/server/jobs';
import * as store from '@/modules/contests/contests.store';
import {
  buildQuestion,
  correctAnswer,
  markAnswer,
  partsOrder,
  questionOrder,
  shownBody,
  toShown,
  toStored,
  type MarkedQuestion,
  type QuestionInput,
  type ShownAnswer,
  type StoredAnswer,
} from '@/modules/contests/contests.marking';
import type { QuestionMark, StartWindow } from '@/modules/contests/contests.tables';
import type {
  ContestChange,
  ContestInput,
  QuestionInputBody,
  QuestionUpdateBody,
} from '@/modules/contests/contests.schema';
import * as clock from '@/server/clock';
import { staleVersion } from '@/server/versions';

/**
 * Knowledge contests: who writes to which question bank, who may make a contest of which scope, the start
 * window of each shift, attempts (one open at a time, deadline fixed by the server at the start), answers
 * saved one by one, marking at submit or at the deadline, and leaderboards that show children's names only
 * inside their own class. Time always comes from the server clock (`now`, passed in by the routes).
 */

defineMessages({
  en: {
    'contests.invalid': 'Some fields are not valid; nothing was saved.',
    'contests.no_class': 'You are not in a class this academic year, so you cannot take part.',
    'contests.no_window': 'This contest has no start window for your shift.',
    'contests.window_closed':
      'Your shift can start this contest on {date} between {start} and {end} (school time).',
    'contests.no_attempts_left': 'You have used all your attempts at this contest.',
    'contests.attempt_closed': 'This attempt is over; its answers can no longer be changed.',
    'contests.not_draft': 'The contest is already published.',
    'contests.rule.needs_options': 'give at least two options',
    'contests.rule.correct_out_of_range': 'refers to an option that does not exist',
    'contests.rule.single_needs_one': 'a single-choice question has exactly one correct option',
    'contests.rule.needs_correct': 'give the correct option(s)',
    'contests.rule.needs_truth': 'say whether the statement is true',
    'contests.rule.needs_value': 'give the correct number',
    'contests.rule.needs_accepted': 'give at least one accepted answer',
    'contests.rule.needs_columns': 'give two columns of the same length, at least two items each',
    'contests.rule.pairs_not_permutation': 'pair each left item with a different right item',
    'contests.rule.needs_items': 'give at least two items',
    'contests.rule.duplicate': 'is given twice',
    'contests.rule.not_for_kind': 'does not belong to this kind of question',
    'contests.rule.wrong_kind': 'does not fit this kind of question',
    'contests.rule.out_of_range': 'refers to an option that does not exist',
    'contests.rule.wrong_length': 'must have one entry per item',
    'contests.rule.not_permutation': 'must list every item once',
    'contests.rule.unknown_subject': 'is not a subject of the curriculum',
    'contests.rule.unknown_class': 'is not a class',
    'contests.rule.class_grade': 'is not a class of grade {grade}',
    'contests.rule.unknown_school': 'is not a school',
    'contests.rule.unknown_area': 'is not a {kind}',
    'contests.rule.required_for_scope': 'is required for this scope',
    'contests.rule.unknown_question': 'question {id} does not exist',
    'contests.rule.question_bank': 'question {id} is not in the national bank or this school’s bank',
    'contests.rule.question_subject': 'question {id} is not of this subject and grade',
    'contests.rule.shift_twice': 'shift {shift} has two windows',
    'contests.rule.ends_before_start': 'must end after it starts',
  },
  az: {
    'contests.invalid': 'Bəzi sahələr düzgün deyil; heç nə saxlanılmadı.',
    'contests.no_class': 'Bu tədris ilində heç bir sinifdə deyilsiniz, ona görə iştirak edə bilməzsiniz.',
    'contests.no_window': 'Bu müsabiqədə sizin növbəniz üçün başlama vaxtı yoxdur.',
    'contests.window_closed':
      'Növbəniz bu müsabiqəyə {date} tarixində {start}–{end} arasında başlaya bilər (məktəb vaxtı ilə).',
    'contests.no_attempts_left': 'Bu müsabiqədə bütün cəhdlərinizdən istifadə etmisiniz.',
    'contests.attempt_closed': 'Bu cəhd bitib; cavabları artıq dəyişmək olmaz.',
    'contests.not_draft': 'Müsabiqə artıq dərc olunub.',
    'contests.rule.needs_options': 'ən azı iki variant verin',
    'contests.rule.correct_out_of_range': 'olmayan varianta istinad edir',
    'contests.rule.single_needs_one': 'tək seçimli sualın düz bir doğru variantı olur',
    'contests.rule.needs_correct': 'doğru variant(lar)ı göstərin',
    'contests.rule.needs_truth': 'müddəanın doğru olub-olmadığını göstərin',
    'contests.rule.needs_value': 'doğru ədədi verin',
    'contests.rule.needs_accepted': 'ən azı bir qəbul olunan cavab verin',
    'contests.rule.needs_columns': 'eyni uzunluqda, hər biri ən azı iki elementli iki sütun verin',
    'contests.rule.pairs_not_permutation': 'hər sol elementi fərqli sağ elementlə cütləşdirin',
    'contests.rule.needs_items': 'ən azı iki element verin',
    'contests.rule.duplicate': 'iki dəfə verilib',
    'contests.rule.not_for_kind': 'bu növ suala aid deyil',
    'contests.rule.wrong_kind': 'bu növ suala uyğun deyil',
    'contests.rule.out_of_range': 'olmayan varianta istinad edir',
    'contests.rule.wrong_length': 'hər element üçün bir qeyd olmalıdır',
    'contests.rule.not_permutation': 'hər elementi bir dəfə sadalamalıdır',
    'contests.rule.unknown_subject': 'tədris planının fənni deyil',
    'contests.rule.unknown_class': 'sinif deyil',
    'contests.rule.class_grade': '{grade}-ci sinif deyil',
    'contests.rule.unknown_school': 'məktəb deyil',
    'contests.rule.unknown_area': '{kind} deyil',
    'contests.rule.required_for_scope': 'bu əhatə üçün mütləqdir',
    'contests.rule.unknown_question': '{id} nömrəli sual yoxdur',
    'contests.rule.question_bank': '{id} nömrəli sual nə milli bankda, nə də bu məktəbin bankındadır',
    'contests.rule.question_subject': '{id} nömrəli sual bu fənnə və sinfə aid deyil',
    'contests.rule.shift_twice': '{shift}-ci növbənin iki vaxtı var',
    'contests.rule.ends_before_start': 'başlamadan sonra bitməlidir',
  },
  ru: {
    'contests.invalid': 'Некоторые поля заполнены неверно; ничего не сохранено.',
    'contests.no_class': 'В этом учебном году вы не состоите в классе, поэтому не можете участвовать.',
    'contests.no_window': 'В этом конкурсе нет окна начала для вашей смены.',
    'contests.window_closed':
      'Ваша смена может начать этот конкурс {date} с {start} до {end} (по школьному времени).',
    'contests.no_attempts_left': 'Вы использовали все попытки в этом конкурсе.',
    'contests.attempt_closed': 'Эта попытка завершена; ответы больше нельзя изменить.',
    'contests.not_draft': 'Конкурс уже опубликован.',
    'contests.rule.needs_options': 'укажите не менее двух вариантов',
    'contests.rule.correct_out_of_range': 'ссылается на несуществующий вариант',
    'contests.rule.single_needs_one': 'у вопроса с одним ответом ровно один верный вариант',
    'contests.rule.needs_correct': 'укажите верный вариант(ы)',
    'contests.rule.needs_truth': 'укажите, верно ли утверждение',
    'contests.rule.needs_value': 'укажите верное число',
    'contests.rule.needs_accepted': 'укажите хотя бы один принимаемый ответ',
    'contests.rule.needs_columns': 'укажите два столбца одинаковой длины, не менее двух элементов',
    'contests.rule.pairs_not_permutation': 'сопоставьте каждому левому элементу свой правый',
    'contests.rule.needs_items': 'укажите не менее двух элементов',
    'contests.rule.duplicate': 'указано дважды',
    'contests.rule.not_for_kind': 'не относится к этому типу вопроса',
    'contests.rule.wrong_kind': 'не подходит к этому типу вопроса',
    'contests.rule.out_of_range': 'ссылается на несуществующий вариант',
    'contests.rule.wrong_length': 'должно быть по одному значению на элемент',
    'contests.rule.not_permutation': 'должны быть перечислены все элементы по одному разу',
    'contests.rule.unknown_subject': 'не является предметом учебного плана',
    'contests.rule.unknown_class': 'не является классом',
    'contests.rule.class_grade': 'не является классом {grade}-й параллели',
    'contests.rule.unknown_school': 'не является школой',
    'contests.rule.unknown_area': 'не является территорией вида «{kind}»',
    'contests.rule.required_for_scope': 'обязательно для этого охвата',
    'contests.rule.unknown_question': 'вопроса {id} не существует',
    'contests.rule.question_bank': 'вопрос {id} не из национального банка и не из банка этой школы',
    'contests.rule.question_subject': 'вопрос {id} относится к другому предмету или классу',
    'contests.rule.shift_twice': 'у смены {shift} два окна',
    'contests.rule.ends_before_start': 'должно заканчиваться позже начала',
  },
});

/** Refusals of changes to published contests and used questions (the organisers' side). */
defineMessages({
  en: {
    'contests.published_locked':
      'A published contest can no longer be changed or deleted: students may already have started it.',
    'contests.question_in_use':
      'This question is used by {n} contest(s); remove it from them first. Contests keep their own copy.',
  },
  az: {
    'contests.published_locked':
      'Dərc olunmuş müsabiqəni artıq dəyişmək və ya silmək olmaz: şagirdlər ona başlamış ola bilərlər.',
    'contests.question_in_use':
      'Bu sual {n} müsabiqədə istifadə olunur; əvvəlcə onu oradan çıxarın. Müsabiqələr öz nüsxəsini saxlayır.',
  },
  ru: {
    'contests.published_locked':
      'Опубликованный конкурс больше нельзя изменить или удалить: ученики уже могли его начать.',
    'contests.question_in_use':
      'Этот вопрос используется в конкурсах ({n}); сначала уберите его оттуда. Конкурсы хранят свою копию.',
  },
});

const problem = (
  locale: Locale,
  field: string,
  rule: string,
  params: Record<string, unknown> = {},
): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `contests.rule.${rule}`, params)}`,
});
const invalid = (problems: FieldProblem[]) => new AppError(422, 'contests.invalid', {}, problems);
const refuseIf = (problems: FieldProblem[]) => {
  if (problems.length > 0) throw invalid(problems);
};

// ---------------------------------------------------------------------------------------------------------
// Who is who

const NATIONAL: Role[] = ['admin', 'bureau', 'editor'];
const has = (actor: Actor, roles: Role[]) => actor.grants.some((g) => roles.includes(g.role));
const holdsAt = (actor: Actor, roles: Role[], institutionId: number | null) =>
  institutionId !== null &&
  actor.grants.some((g) => roles.includes(g.role) && g.institutionId === institutionId);
const isStudent = (actor: Actor) => actor.grants.some((g) => g.role === 'student');
const isAdmin = (actor: Actor) => has(actor, ['admin']);

/** Where a student is this year: class, its shift and grade, school and area path. */
export interface StudentPlace {
  classId: number;
  grade: number;
  shift: number;
  institutionId: number;
  areaPath: number[];
}

/** The per-database map of a per-node cache. */
function mapFor<V>(cache: WeakMap<Db, Map<number, V>>, db: Db): Map<number, V> {
  let map = cache.get(db);
  if (!map) {
    map = new Map<number, V>();
    cache.set(db, map);
  }
  return map;
}

const PLACE_MS = 30_000;
const placeCache = new WeakMap<Db, Map<number, { at: number; place: StudentPlace | null }>>();
const YEAR_MS = 60_000;
const yearCache = new WeakMap<Db, { at: number; id: number | null }>();

async function currentYearId(db: Db): Promise<number | null> {
  const now = Date.now();
  const cached = yearCache.get(db);
  if (cached && now - cached.at < YEAR_MS) return cached.id;
  const id = (await institutionsStore.listAcademicYears(db)).find((y) => y.isCurrent)?.id ?? null;
  yearCache.set(db, { at: now, id });
  return id;
}

/** A school's place in the area tree, kept 60 s per node (schools move between areas about never). */
const schoolCache = new WeakMap<
  Db,
  Map<number, { at: number; place: Promise<{ areaPath: number[] } | undefined> }>
>();
function schoolPlace(db: Db, institutionId: number) {
  const perDb = mapFor(schoolCache, db);
  const now = Date.now();
  const cached = perDb.get(institutionId);
  if (cached && now - cached.at < YEAR_MS) return cached.place;
  const place = institutionsStore.institutionPlace(db, institutionId);
  if (perDb.size > 10_000) perDb.clear();
  perDb.set(institutionId, { at: now, place });
  place.catch(() => perDb.delete(institutionId));
  return place;
}

/**
 * The student's class this year (kept 30 s per node: the synchronised start asks it thousands of times
 * a second, and an enrolment changes rarely; a change shows within 30 s).
 */
export async function studentPlace(db: Db, studentId: number): Promise<StudentPlace | null> {
  const now = Date.now();
  const perDb = mapFor(placeCache, db);
  const cached = perDb.get(studentId);
  if (cached && now - cached.at < PLACE_MS) return cached.place;
  const yearId = await currentYearId(db);
  const [cls] = yearId === null ? [] : await classroomStore.classesOfStudents(db, [studentId], yearId);
  let place: StudentPlace | null = null;
  if (cls) {
    const where = await schoolPlace(db, cls.institutionId);
    place = {
      classId: cls.id,
      grade: cls.grade,
      shift: cls.shift,
      institutionId: cls.institutionId,
      areaPath: where?.areaPath ?? [],
    };
  }
  if (perDb.size > 50_000) perDb.clear();
  perDb.set(studentId, { at: now, place });
  return place;
}

/** Whether a contest is for a student where they are. */
export function inScope(contest: store.ContestRow, place: StudentPlace): boolean {
  if (contest.grade !== place.grade) return false;
  switch (contest.scope) {
    case 'nation':
      return true;
    case 'class':
      return contest.classId === place.classId;
    case 'school':
      return contest.institutionId === place.institutionId;
    case 'district':
    case 'region':
      return contest.areaId !== null && place.areaPath.includes(contest.areaId);
  }
}

async function areaPathOfSchool(db: Db, institutionId: number | null): Promise<number[]> {
  if (institutionId === null) return [];
  return (await institutionsStore.institutionPlace(db, institutionId))?.areaPath ?? [];
}

/** Whether the caller made or runs the contest: its author, the national staff, the school's director. */
function canManage(actor: Actor, contest: store.ContestRow): boolean {
  return (
    contest.createdBy === actor.userId ||
    isAdmin(actor) ||
    (has(actor, ['bureau', 'editor']) && ['nation', 'district', 'region'].includes(contest.scope)) ||
    holdsAt(actor, ['director'], contest.institutionId)
  );
}

/**
 * Whether a member of staff sees a contest: the national staff all; a school's staff the contests that
 * include their school; a regional officer those inside or above their area.
 */
async function staffSees(db: Db, actor: Actor, contest: store.ContestRow): Promise<boolean> {
  if (canManage(actor, contest) || has(actor, NATIONAL)) return true;
  if (contest.scope === 'nation') return has(actor, ['regional', 'director', 'teacher']);
  const contestPath =
    contest.scope === 'class' || contest.scope === 'school'
      ? await areaPathOfSchool(db, contest.institutionId)
      : ((await institutionsStore.findArea(db, contest.areaId!))?.path ?? []);
  for (const g of actor.grants) {
    if ((g.role === 'director' || g.role === 'teacher') && g.institutionId !== null) {
      if (contest.scope === 'class' || contest.scope === 'school') {
        if (contest.institutionId === g.institutionId) return true;
      } else if ((await areaPathOfSchool(db, g.institutionId)).includes(contest.areaId!)) return true;
    }
    if (g.role === 'regional' && g.areaId !== null) {
      if (contestPath.includes(g.areaId)) return true;
      const area = await institutionsStore.findArea(db, g.areaId);
      if (contest.areaId !== null && area?.path.includes(contest.areaId)) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Time: start windows are school time (Asia/Baku)

const zoneParts = new Intl.DateTimeFormat('en-US', {
  timeZone: SCHOOL_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function zoneOffsetMs(at: number): number {
  const parts = zoneParts.formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - (at - (((at % 1000) + 1000) % 1000));
}

/** The instant of a school-time clock reading on a date. */
export function schoolTimeToUtc(date: string, hhmm: string): Date {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const local = Date.parse(`${date}T00:00:00Z`) + (h * 60 + m) * 60_000;
  let utc = local - zoneOffsetMs(local);
  utc = local - zoneOffsetMs(utc);
  return new Date(utc);
}

function windowOf(contest: store.ContestRow, shift: number) {
  const w = contest.windows.find((x) => x.shift === shift);
  if (!w) return null;
  return {
    ...w,
    opensAt: schoolTimeToUtc(contest.date, w.startsAt),
    closesAt: schoolTimeToUtc(contest.date, w.endsAt),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Question banks

const questionView = (q: store.QuestionRow) => ({
  id: q.id,
  institutionId: q.institutionId,
  subjectCode: q.subjectCode,
  grade: q.grade,
  kind: q.kind,
  language: q.language,
  prompt: q.prompt,
  points: q.points,
  ...q.body,
  ...(q.kind === 'numeric' ? { value: q.key.value, tolerance: q.key.tolerance } : {}),
  ...(q.kind === 'single' || q.kind === 'multiple' ? { correct: q.key.correct } : {}),
  ...(q.kind === 'true_false' ? { truth: q.key.truth } : {}),
  ...(q.kind === 'short_text' ? { accepted: q.key.accepted } : {}),
  ...(q.kind === 'matching' ? { pairs: q.key.pairs } : {}),
  authorId: q.authorId,
  updatedAt: q.updatedAt.toISOString(),
  version: q.version,
});

/** Whether the caller writes to a bank: a school's (its teachers and director) or the national one. */
function writesBank(actor: Actor, institutionId: number | null): boolean {
  if (isAdmin(actor)) return true;
  return institutionId === null
    ? has(actor, ['editor', 'bureau'])
    : holdsAt(actor, ['director', 'teacher'], institutionId);
}

async function checkSubject(db: Db, code: string, locale: Locale): Promise<FieldProblem[]> {
  const [found] = await institutionsStore.subjectsByCode(db, [code]);
  return found ? [] : [problem(locale, 'subjectCode', 'unknown_subject')];
}

function built(input: QuestionInput, locale: Locale) {
  const result = buildQuestion(input);
  if ('problems' in result) throw invalid(result.problems.map((p) => problem(locale, p.field, p.rule)));
  return result;
}

/** The questions of the banks the caller may read: school banks of their schools, and the national bank. */
export async function listBank(
  db: Db,
  actor: Actor,
  query: {
    institutionId?: number;
    national?: boolean;
    subjectCode?: string;
    grade?: number;
    limit?: number;
    offset?: number;
  },
) {
  const ownSchools = actor.grants
    .filter((g) => (g.role === 'director' || g.role === 'teacher') && g.institutionId !== null)
    .map((g) => g.institutionId!);
  let institutionIds: number[];
  if (query.national) institutionIds = [];
  else if (query.institutionId !== undefined) {
    if (!isAdmin(actor) && !ownSchools.includes(query.institutionId)) throw forbidden();
    institutionIds = [query.institutionId];
  } else institutionIds = ownSchools;
  const list = await store.listQuestions(db, {
    institutionIds,
    national: query.institutionId === undefined,
    subjectCode: query.subjectCode,
    grade: query.grade,
    limit: query.limit ?? 50,
    offset: query.offset ?? 0,
  });
  return { items: list.items.map(questionView), total: list.total };
}

/** One question of a bank the caller reads (the national bank, or a school bank of theirs), for its editor. */
export async function getQuestion(db: Db, actor: Actor, id: number) {
  const q = await store.findQuestion(db, id);
  if (!q) throw notFound('question');
  const reads =
    q.institutionId === null || isAdmin(actor) || holdsAt(actor, ['director', 'teacher'], q.institutionId);
  if (!reads) throw forbidden();
  return questionView(q);
}

export async function createQuestion(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  input: QuestionInputBody,
  locale: Locale,
) {
  if (!writesBank(actor, input.institutionId)) throw forbidden();
  const { body, key } = built(input, locale);
  return db.transaction(async (tx) => {
    refuseIf(await checkSubject(tx, input.subjectCode, locale));
    const row = await store.insertQuestion(tx, {
      institutionId: input.institutionId,
      subjectCode: input.subjectCode,
      grade: input.grade,
      kind: input.kind,
      language: input.language,
      prompt: input.prompt,
      points: input.points ?? 1,
      body,
      key,
      authorId: actor.userId,
    });
    await audit(tx, ctx, { action: 'create', entity: 'contests_question', entityId: row.id, after: row });
    return questionView(row);
  });
}

export async function updateQuestion(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  id: number,
  input: QuestionUpdateBody,
  locale: Locale,
) {
  return db.transaction(async (tx) => {
    const before = await store.findQuestion(tx, id);
    if (!before) throw notFound('question');
    if (!writesBank(actor, before.institutionId)) throw forbidden();
    if (before.version !== input.version) throw staleVersion(input, questionView(before));
    const { body, key } = built(input, locale);
    refuseIf(await checkSubject(tx, input.subjectCode, locale));
    const row = await store.updateQuestion(tx, id, input.version, {
      subjectCode: input.subjectCode,
      grade: input.grade,
      kind: input.kind,
      language: input.language,
      prompt: input.prompt,
      points: input.points ?? 1,
      body,
      key,
    });
    if (!row) throw staleVersion(input, questionView((await store.findQuestion(tx, id))!));
    await audit(tx, ctx, { action: 'update', entity: 'contests_question', entityId: id, before, after: row });
    return questionView(row);
  });
}

/** Deletes a bank's question, by whoever writes that bank, unless a contest (even a draft) holds a copy. */
export async function deleteQuestion(db: Db, actor: Actor, ctx: ChangeContext, id: number) {
  await db.transaction(async (tx) => {
    const before = await store.findQuestion(tx, id);
    if (!before) throw notFound('question');
    if (!writesBank(actor, before.institutionId)) throw forbidden();
    const n = await store.contestsUsingQuestion(tx, id);
    if (n > 0) throw new AppError(409, 'contests.question_in_use', { n });
    await store.deleteQuestion(tx, id);
    await audit(tx, ctx, { action: 'delete', entity: 'contests_question', entityId: id, before });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Contests

/** The contest's questions, kept per contest version (a contest's questions never change once published). */
const questionCache = new WeakMap<
  Db,
  Map<number, { version: number; list: Promise<store.ContestQuestionRow[]> }>
>();

function contestQuestions(db: Db, contestId: number, version: number): Promise<store.ContestQuestionRow[]> {
  const perDb = mapFor(questionCache, db);
  const cached = perDb.get(contestId);
  if (cached && cached.version === version) return cached.list;
  const list = store.questionsOfContest(db, contestId);
  if (perDb.size > 1000) perDb.clear();
  perDb.set(contestId, { version, list });
  list.catch(() => perDb.delete(contestId));
  return list;
}

/**
 * Contests as the hot path reads them, kept 2 s per node: the synchronised start reads the same row
 * thousands of times a second. A contest changes only when published (a draft is nobody's to start), and
 * this node forgets it at once; another node within 2 s.
 */
const CONTEST_MS = 2_000;
const contestCache = new WeakMap<
  Db,
  Map<number, { at: number; row: Promise<store.ContestRow | undefined> }>
>();

function hotContest(db: Db, id: number): Promise<store.ContestRow | undefined> {
  const perDb = mapFor(contestCache, db);
  const now = Date.now();
  const cached = perDb.get(id);
  if (cached && now - cached.at < CONTEST_MS) return cached.row;
  const row = store.findContest(db, id);
  if (perDb.size > 1000) perDb.clear();
  perDb.set(id, { at: now, row });
  row.catch(() => perDb.delete(id));
  return row;
}

const forgetContest = (db: Db, id: number) => contestCache.get(db)?.delete(id);

/**
 * What saving an answer needs of an attempt that never changes once started (its student, contest, order
 * seed and deadline), kept per node so that a save is one statement; the statement itself checks that the
 * attempt is still open.
 */
interface AttemptMeta {
  studentId: number;
  contestId: number;
  contestVersion: number;
  shuffle: boolean;
  deadline: Date;
}
const metaCache = new WeakMap<Db, Map<number, AttemptMeta>>();

function rememberAttempt(db: Db, id: number, meta: AttemptMeta): void {
  const perDb = mapFor(metaCache, db);
  if (perDb.size > 100_000) perDb.clear();
  perDb.set(id, meta);
}

const marked = (q: store.ContestQuestionRow): MarkedQuestion => ({
  id: q.questionId,
  kind: q.kind,
  body: q.body,
  key: q.key,
  points: q.points,
});

/** Who may make a contest of a scope, where. */
async function mayCreate(db: Db, actor: Actor, input: ContestInput, schoolId: number | null) {
  if (isAdmin(actor)) return true;
  switch (input.scope) {
    case 'nation':
      return has(actor, ['bureau', 'editor']);
    case 'district':
    case 'region': {
      if (has(actor, ['bureau', 'editor'])) return true;
      const area = await institutionsStore.findArea(db, input.areaId!);
      return actor.grants.some(
        (g) => g.role === 'regional' && g.areaId !== null && !!area?.path.includes(g.areaId),
      );
    }
    case 'school':
      return holdsAt(actor, ['director', 'teacher'], schoolId);
    case 'class':
      if (holdsAt(actor, ['director'], schoolId)) return true;
      return (
        holdsAt(actor, ['teacher'], schoolId) &&
        (await classroomStore.teachesClass(db, actor.userId, input.classId!))
      );
  }
}

/** A contest's body checked against the curriculum, its scope, its windows and the banks of its questions. */
async function checkContest(tx: Db, input: ContestInput, locale: Locale) {
  const problems: FieldProblem[] = [...(await checkSubject(tx, input.subjectCode, locale))];
  let schoolId: number | null = null;
  let classId: number | null = null;
  let areaId: number | null = null;
  if (input.scope === 'class') {
    if (input.classId === undefined) problems.push(problem(locale, 'classId', 'required_for_scope'));
    else {
      const cls = await classroomStore.findClass(tx, input.classId);
      if (!cls) problems.push(problem(locale, 'classId', 'unknown_class'));
      else if (cls.grade !== input.grade)
        problems.push(problem(locale, 'classId', 'class_grade', { grade: input.grade }));
      else {
        classId = cls.id;
        schoolId = cls.institutionId;
      }
    }
  } else if (input.scope === 'school') {
    if (input.institutionId === undefined)
      problems.push(problem(locale, 'institutionId', 'required_for_scope'));
    else if (!(await institutionsStore.findInstitution(tx, input.institutionId)))
      problems.push(problem(locale, 'institutionId', 'unknown_school'));
    else schoolId = input.institutionId;
  } else if (input.scope === 'district' || input.scope === 'region') {
    const kind = input.scope === 'district' ? 'district' : 'economic_region';
    const area = input.areaId === undefined ? undefined : await institutionsStore.findArea(tx, input.areaId);
    if (input.areaId === undefined) problems.push(problem(locale, 'areaId', 'required_for_scope'));
    // A city counts as a district (Baku's districts are under the city).
    else if (!area || (area.kind !== kind && !(kind === 'district' && area.kind === 'city')))
      problems.push(problem(locale, 'areaId', 'unknown_area', { kind: input.scope }));
    else areaId = area.id;
  }
  const shifts = new Set<number>();
  input.windows.forEach((w, i) => {
    if (shifts.has(w.shift))
      problems.push(problem(locale, `windows/${i}/shift`, 'shift_twice', { shift: w.shift }));
    shifts.add(w.shift);
    if (w.endsAt <= w.startsAt) problems.push(problem(locale, `windows/${i}/endsAt`, 'ends_before_start'));
  });
  const ids = [...new Set(input.questionIds)];
  if (ids.length !== input.questionIds.length) problems.push(problem(locale, 'questionIds', 'duplicate'));
  const found = new Map((await store.questionsByIds(tx, ids)).map((q) => [q.id, q]));
  for (const id of ids) {
    const q = found.get(id);
    if (!q) problems.push(problem(locale, 'questionIds', 'unknown_question', { id }));
    else if (q.institutionId !== null && q.institutionId !== schoolId)
      problems.push(problem(locale, 'questionIds', 'question_bank', { id }));
    else if (q.subjectCode !== input.subjectCode || q.grade !== input.grade)
      problems.push(problem(locale, 'questionIds', 'question_subject', { id }));
  }
  refuseIf(problems);
  const windows: StartWindow[] = input.windows.map((w) => ({
    shift: w.shift,
    startsAt: w.startsAt,
    endsAt: w.endsAt,
  }));
  const starts = windows.map((w) => schoolTimeToUtc(input.date, w.startsAt).getTime());
  const ends = windows.map((w) => schoolTimeToUtc(input.date, w.endsAt).getTime());
  return {
    schoolId,
    values: {
      title: input.title,
      subjectCode: input.subjectCode,
      grade: input.grade,
      scope: input.scope,
      classId,
      institutionId: schoolId,
      areaId,
      date: input.date,
      windows,
      opensAt: new Date(Math.min(...starts)),
      closesAt: new Date(Math.max(...ends) + input.timeLimitMinutes * 60_000),
      timeLimitMinutes: input.timeLimitMinutes,
      maxAttempts: input.maxAttempts ?? 1,
      shuffle: input.shuffle ?? true,
    },
    /** The contest's copies of its questions, in the order given. */
    copies: (contestId: number) =>
      input.questionIds.map((id, position) => {
        const q = found.get(id)!;
        return {
          contestId,
          position,
          questionId: id,
          kind: q.kind,
          language: q.language,
          prompt: q.prompt,
          body: q.body,
          key: q.key,
          points: q.points,
        };
      }),
  };
}

export async function createContest(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  input: ContestInput,
  locale: Locale,
) {
  return db.transaction(async (tx) => {
    const checked = await checkContest(tx, input, locale);
    if (!(await mayCreate(tx, actor, input, checked.schoolId))) throw forbidden();
    const contest = await store.insertContest(tx, { ...checked.values, createdBy: actor.userId });
    await store.insertContestQuestions(tx, checked.copies(contest.id));
    await audit(tx, ctx, {
      action: 'create',
      entity: 'contests_contest',
      entityId: contest.id,
      after: { ...contest, questionIds: input.questionIds },
    });
    return contestView(contest, actor, { questionCount: input.questionIds.length });
  });
}

/** The refusal of a rewrite from an old version, with the draft as its manager reads it now. */
async function staleContest(db: Db, actor: Actor, input: ContestChange, now: store.ContestRow) {
  const questionIds = (await contestQuestions(db, now.id, now.version)).map((q) => q.questionId);
  return staleVersion(input, contestView(now, actor, { questionCount: questionIds.length, questionIds }));
}

/**
 * Rewrites a draft wholly (as creating it would): its manager only, and only to a scope they could make it
 * for, and only from the version it was read at (else 409 `stale_version`, with both versions). A published
 * contest is refused with 409: students may already have started it.
 */
export async function updateContest(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  contestId: number,
  input: ContestChange,
  locale: Locale,
) {
  return db.transaction(async (tx) => {
    const before = await store.findContest(tx, contestId);
    if (!before) throw notFound('contest');
    if (!canManage(actor, before)) throw forbidden();
    if (before.state !== 'draft') throw new AppError(409, 'contests.published_locked');
    if (before.version !== input.version) throw await staleContest(tx, actor, input, before);
    const checked = await checkContest(tx, input, locale);
    if (!(await mayCreate(tx, actor, input, checked.schoolId))) throw forbidden();
    const row = await store.updateDraft(tx, contestId, input.version, checked.values);
    if (!row) {
      // Published, or saved by someone else, since it was read (a concurrent save waits on the row, then misses).
      const now = (await store.findContest(tx, contestId))!;
      if (now.state !== 'draft') throw new AppError(409, 'contests.published_locked');
      throw await staleContest(tx, actor, input, now);
    }
    await store.deleteContestQuestions(tx, contestId);
    await store.insertContestQuestions(tx, checked.copies(contestId));
    forgetContest(db, contestId);
    await audit(tx, ctx, {
      action: 'update',
      entity: 'contests_contest',
      entityId: contestId,
      before,
      after: { ...row, questionIds: input.questionIds },
    });
    return contestView(row, actor, { questionCount: input.questionIds.length });
  });
}

/** Deletes a draft: its manager only; a published contest is refused with 409. */
export async function deleteContest(db: Db, actor: Actor, ctx: ChangeContext, contestId: number) {
  await db.transaction(async (tx) => {
    const before = await store.findContest(tx, contestId);
    if (!before) throw notFound('contest');
    if (!canManage(actor, before)) throw forbidden();
    if (before.state !== 'draft' || !(await store.deleteDraft(tx, contestId)))
      throw new AppError(409, 'contests.published_locked');
    forgetContest(db, contestId);
    await audit(tx, ctx, { action: 'delete', entity: 'contests_contest', entityId: contestId, before });
  });
}

function contestView(
  c: store.ContestRow,
  actor: Actor,
  extra: {
    questionCount?: number;
    questionIds?: number[];
    myWindow?: { opensAt: Date; closesAt: Date } | null;
    myAttempts?: store.AttemptRow[];
  } = {},
) {
  return {
    id: c.id,
    title: c.title,
    subjectCode: c.subjectCode,
    grade: c.grade,
    scope: c.scope,
    classId: c.classId,
    institutionId: c.institutionId,
    areaId: c.areaId,
    date: c.date,
    windows: c.windows,
    opensAt: c.opensAt.toISOString(),
    closesAt: c.closesAt.toISOString(),
    timeLimitMinutes: c.timeLimitMinutes,
    maxAttempts: c.maxAttempts,
    shuffle: c.shuffle,
    state: c.state,
    version: c.version,
    canManage: canManage(actor, c),
    ...(extra.questionCount === undefined ? {} : { questionCount: extra.questionCount }),
    ...(extra.questionIds === undefined ? {} : { questionIds: extra.questionIds }),
    ...(extra.myWindow === undefined
      ? {}
      : {
          myWindow: extra.myWindow && {
            opensAt: extra.myWindow.opensAt.toISOString(),
            closesAt: extra.myWindow.closesAt.toISOString(),
          },
        }),
    ...(extra.myAttempts ? { myAttempts: extra.myAttempts.map(attemptSummary) } : {}),
  };
}

const attemptSummary = (a: store.AttemptRow) => ({
  id: a.id,
  attemptNo: a.attemptNo,
  state: a.state,
  startedAt: a.startedAt.toISOString(),
  deadline: a.deadline.toISOString(),
  score: a.score,
  maxScore: a.maxScore,
});

/**
 * Publishes a draft: students in its scope see it from now on. The students of a class or school contest are
 * notified in the same transaction (`contest_starting`, with the first window's start). Every contest's
 * students are reminded by a job an hour before its first window (see `remindStudents`): for a district,
 * region or the nation — up to a million students — that is their only notice.
 */
export async function publishContest(db: Db, actor: Actor, ctx: ChangeContext, contestId: number) {
  return db.transaction(async (tx) => {
    const contest = await store.findContest(tx, contestId);
    if (!contest) throw notFound('contest');
    if (!canManage(actor, contest)) throw forbidden();
    if (contest.state !== 'draft') throw new AppError(409, 'contests.not_draft');
    const row = await store.publishContest(tx, contestId);
    forgetContest(db, contestId);
    await notifyStudents(tx, row);
    await scheduleReminder(tx, row, clock.now());
    await audit(tx, ctx, { action: 'publish', entity: 'contests_contest', entityId: contestId });
    return contestView(row, actor);
  });
}

/** Tells the students of a class or school contest (of its grade, this year) that it is coming. */
async function notifyStudents(tx: Db, contest: store.ContestRow): Promise<void> {
  let studentIds: number[] = [];
  if (contest.scope === 'class' && contest.classId !== null) {
    studentIds = await classroomStore.studentIdsOf(tx, contest.classId);
  } else if (contest.scope === 'school' && contest.institutionId !== null) {
    const yearId = (await institutionsStore.listAcademicYears(tx)).find((y) => y.isCurrent)?.id;
    if (yearId !== undefined) {
      studentIds = (await classroomStore.enrolmentsOfYear(tx, contest.institutionId, yearId))
        .filter((e) => e.grade === contest.grade)
        .map((e) => e.studentId);
    }
  }
  if (studentIds.length === 0) return;
  await notify(tx, studentIds, 'contest_starting', {
    contestId: contest.id,
    title: contest.title,
    opensAt: contest.opensAt.toISOString(),
  });
}

/** The queue of the contests' "about to start" reminders. */
export const REMINDER_QUEUE = 'contests.reminder';
/** How long before a contest's first window opens its students are reminded. */
export const REMINDER_LEAD_MS = 60 * 60_000;
/** Students reminded per statement (and per transaction). */
const REMINDER_BATCH = 5_000;

/**
 * Enqueues the reminder of a contest just published, an hour before its first window (now, when that is
 * sooner). A class or school was told at publishing: within that hour that notice does for the reminder.
 */
async function scheduleReminder(tx: Db, contest: store.ContestRow, now: Date): Promise<void> {
  const runAt = new Date(contest.opensAt.getTime() - REMINDER_LEAD_MS);
  const toldAtPublishing = contest.scope === 'class' || contest.scope === 'school';
  if (runAt <= now && toldAtPublishing) return;
  await enqueue(
    tx,
    REMINDER_QUEUE,
    { contestId: contest.id },
    { runAt: runAt > now ? runAt : now, maxAttempts: 5 },
  );
}

/**
 * Reminds the students of a contest's grade in its scope that it is about to start (`contest_starting`), in
 * batches (one query for the students, one insert of their notices), every batch in its own transaction with the progress it made: a retried job
 * carries on after the last student reminded, and one run to the end is never repeated. Nothing is sent for a
 * contest deleted, unpublished or over meanwhile. Returns how many students were reminded.
 */
export async function remindStudents(
  db: Db,
  contestId: number,
  now = clock.now(),
  batch = REMINDER_BATCH,
): Promise<number> {
  const yearId = (await institutionsStore.listAcademicYears(db)).find((y) => y.isCurrent)?.id ?? 0;
  let total = 0;
  for (;;) {
    const more = await db.transaction(async (tx) => {
      const contest = await store.lockContest(tx, contestId);
      if (!contest || contest.state !== 'published' || contest.remindedAt !== null) return false;
      if (contest.closesAt <= now) return false;
      const params: NotificationPayloads['contest_starting'] = {
        contestId,
        title: contest.title,
        opensAt: contest.opensAt.toISOString(),
      };
      const after = contest.remindedThrough ?? 0;
      const students = await store.studentsToRemind(tx, contest, yearId, after, batch);
      await notify(tx, students, 'contest_starting', params);
      const last = students.at(-1) ?? null;
      await store.saveReminderProgress(tx, contestId, last);
      total += students.length;
      return last !== null;
    });
    if (!more) return total;
  }
}

/** The reminder job's handler. */
export function reminderJob(db: Db): JobHandler {
  return {
    run: async (job) => {
      const { contestId } = job.payload as { contestId: number };
      await remindStudents(db, contestId);
    },
  };
}

/**
 * The contests the caller sees: a student's published ones in their scope (with their attempts unless
 * `attempts: false`); staff's by their grants.
 */
export async function listContests(db: Db, actor: Actor, options: { attempts?: boolean } = {}) {
  if (isStudent(actor) && !has(actor, ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher'])) {
    const place = await studentPlace(db, actor.userId);
    if (!place) return { items: [] };
    const list = await store.listContests(db, { forStudent: place }, 100);
    // The student's home lists contests without their attempts: one query less.
    const mine =
      options.attempts === false
        ? null
        : await store.attemptsOfStudent(
            db,
            actor.userId,
            list.map((c) => c.id),
          );
    return {
      items: list.map((c) =>
        contestView(c, actor, {
          myWindow: windowOf(c, place.shift),
          ...(mine ? { myAttempts: mine.filter((a) => a.contestId === c.id) } : {}),
        }),
      ),
    };
  }
  const list = await store.listContests(
    db,
    {
      forStaff: {
        userId: actor.userId,
        nation: has(actor, NATIONAL),
        institutionIds: actor.grants.filter((g) => g.institutionId !== null).map((g) => g.institutionId!),
        areaIds: actor.grants.filter((g) => g.areaId !== null).map((g) => g.areaId!),
      },
    },
    200,
  );
  // Contests above the school (an area's, the nation's) are listed for every school in them.
  const nationWide = has(actor, NATIONAL)
    ? []
    : await store.listContests(
        db,
        { forStaff: { userId: -1, nation: true, institutionIds: [], areaIds: [] } },
        200,
      );
  const seen = new Set<number>();
  const items = [];
  for (const c of [...list, ...nationWide]) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    if (await staffSees(db, actor, c)) items.push(contestView(c, actor));
  }
  return { items };
}

/** One contest: for a student in its scope with their window and attempts; for staff who see it. */
export async function getContest(db: Db, actor: Actor, contestId: number, now: Date) {
  const contest = await hotContest(db, contestId);
  if (!contest) throw notFound('contest');
  const questions = await contestQuestions(db, contest.id, contest.version);
  if (isStudent(actor)) {
    const place = await studentPlace(db, actor.userId);
    if (place && contest.state === 'published' && inScope(contest, place)) {
      const mine = await store.attemptsOf(db, contest.id, actor.userId);
      const expired = mine.filter((a) => a.state === 'open' && a.deadline <= now);
      for (const a of expired) await closeOne(db, a.id, now);
      const attempts = expired.length > 0 ? await store.attemptsOf(db, contest.id, actor.userId) : mine;
      return contestView(contest, actor, {
        questionCount: questions.length,
        myWindow: windowOf(contest, place.shift),
        myAttempts: attempts,
      });
    }
  }
  if (await staffSees(db, actor, contest))
    return contestView(contest, actor, {
      questionCount: questions.length,
      ...(canManage(actor, contest) ? { questionIds: questions.map((q) => q.questionId) } : {}),
    });
  throw forbidden();
}

// ---------------------------------------------------------------------------------------------------------
// Attempts

function attemptView(
  attempt: store.AttemptRow,
  shuffle: boolean,
  closesAt: Date,
  list: store.ContestQuestionRow[],
  saved: store.AnswerRow[],
  now: Date,
) {
  const order = questionOrder(attempt.id, list.length, shuffle);
  const parts = new Map(list.map((q) => [q.questionId, partsOrder(attempt.id, marked(q), shuffle)]));
  const byId = new Map(list.map((q) => [q.questionId, q]));
  const open = attempt.state === 'open';
  const over = !open && now.getTime() >= closesAt.getTime();
  const points = new Map((attempt.marks ?? []).map((m) => [m.questionId, m.points]));
  return {
    ...attemptSummary(attempt),
    contestId: attempt.contestId,
    remainingSeconds: open ? Math.max(0, Math.floor((attempt.deadline.getTime() - now.getTime()) / 1000)) : 0,
    questions: order.map((i) => {
      const q = list[i]!;
      return {
        id: q.questionId,
        kind: q.kind,
        language: q.language,
        prompt: q.prompt,
        points: q.points,
        ...shownBody(q.body, parts.get(q.questionId)!),
      };
    }),
    answers: saved
      .filter((a) => byId.has(a.questionId))
      .map((a) => ({
        questionId: a.questionId,
        version: a.version,
        answer: toShown(marked(byId.get(a.questionId)!), parts.get(a.questionId)!, a.answer as StoredAnswer),
      })),
    review: over
      ? list.map((q) => ({
          questionId: q.questionId,
          points: points.get(q.questionId) ?? 0,
          correct: toShown(marked(q), parts.get(q.questionId)!, correctAnswer(marked(q))),
        }))
      : null,
  };
}

/** Marks and closes one open attempt (submitted, or expired when its deadline has passed). */
async function closeOne(db: Db, attemptId: number, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const attempt = await store.findAttemptWithContest(tx, attemptId);
    if (!attempt || attempt.state !== 'open') return;
    const list = await store.questionsOfContest(tx, attempt.contestId);
    const saved = new Map(
      (await store.answersOf(tx, attemptId)).map((a) => [a.questionId, a.answer as StoredAnswer]),
    );
    const marks: QuestionMark[] = list.map((q) => ({
      questionId: q.questionId,
      points: markAnswer(marked(q), saved.get(q.questionId)),
    }));
    const expired = attempt.deadline.getTime() <= now.getTime();
    await store.closeAttempt(tx, attemptId, {
      state: expired ? 'expired' : 'submitted',
      score: marks.reduce((s, m) => s + m.points, 0),
      marks,
      closedAt: expired ? attempt.deadline : now,
    });
  });
}

/** Marks every attempt of a contest whose deadline has passed (before a leaderboard or results). */
export async function closeExpired(db: Db, contestId: number, now: Date): Promise<number> {
  const ids = await store.expiredAttemptIds(db, contestId, now);
  for (const id of ids) await closeOne(db, id, now);
  return ids.length;
}

/**
 * Starts an attempt, or resumes the open one: inside the student's shift window, within the attempt limit.
 * The deadline is the server's now plus the time limit.
 */
export async function startAttempt(db: Db, actor: Actor, contestId: number, now: Date, locale: Locale) {
  const contest = await hotContest(db, contestId);
  if (!contest || contest.state !== 'published') throw notFound('contest');
  const place = await studentPlace(db, actor.userId);
  if (!place) throw new AppError(409, 'contests.no_class');
  if (!inScope(contest, place)) throw forbidden();
  const list = await contestQuestions(db, contest.id, contest.version);
  const view = (attempt: store.AttemptRow, saved: store.AnswerRow[]) => {
    rememberAttempt(db, attempt.id, {
      studentId: attempt.studentId,
      contestId: contest.id,
      contestVersion: contest.version,
      shuffle: contest.shuffle,
      deadline: attempt.deadline,
    });
    return attemptView(attempt, contest.shuffle, contest.closesAt, list, saved, now);
  };
  const window = windowOf(contest, place.shift);
  const inWindow = window !== null && now >= window.opensAt && now <= window.closesAt;
  const begin = () =>
    store.startAttempt(db, {
      contestId: contest.id,
      studentId: actor.userId,
      institutionId: place.institutionId,
      classId: place.classId,
      areaPath: place.areaPath,
      startedAt: now,
      deadline: new Date(now.getTime() + contest.timeLimitMinutes * 60_000),
      maxScore: list.reduce((s, q) => s + q.points, 0),
      maxAttempts: contest.maxAttempts,
    });
  // The usual case is one statement: a new attempt, inside the window, within the limit, none open.
  if (inWindow) {
    const started = await begin();
    if (started) return view(started, []);
  }
  // Otherwise: resume the open attempt (a reload, a retried or concurrent start), even after the window.
  const mine = await store.attemptsOf(db, contest.id, actor.userId);
  const open = mine.find((a) => a.state === 'open');
  if (open && open.deadline.getTime() > now.getTime()) return view(open, await store.answersOf(db, open.id));
  if (!window) throw new AppError(409, 'contests.no_window');
  if (!inWindow) {
    const local = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
      new Date(`${contest.date}T00:00:00Z`),
    );
    throw new AppError(409, 'contests.window_closed', {
      date: local,
      start: window.startsAt,
      end: window.endsAt,
    });
  }
  if (open) {
    // Its deadline has passed: mark it, then start the next one if the limit allows.
    await closeOne(db, open.id, now);
    const started = await begin();
    if (started) return view(started, []);
  }
  throw new AppError(409, 'contests.no_attempts_left');
}

async function ownAttempt(db: Db, actor: Actor, attemptId: number) {
  const attempt = await store.findAttemptWithContest(db, attemptId);
  // Another student's attempt is answered as missing: its existence is nobody else's business.
  if (!attempt || attempt.studentId !== actor.userId) throw notFound('attempt');
  return attempt;
}

/** The student's attempt: questions in its order, saved answers, seconds left; the review once all is over. */
export async function getAttempt(db: Db, actor: Actor, attemptId: number, now: Date) {
  let attempt = await store.findAttemptWithAnswers(db, attemptId);
  // Another student's attempt is answered as missing: its existence is nobody else's business.
  if (!attempt || attempt.studentId !== actor.userId) throw notFound('attempt');
  if (attempt.state === 'open' && attempt.deadline.getTime() <= now.getTime()) {
    await closeOne(db, attemptId, now);
    attempt = (await store.findAttemptWithAnswers(db, attemptId))!;
  }
  if (attempt.state === 'open') {
    rememberAttempt(db, attempt.id, {
      studentId: attempt.studentId,
      contestId: attempt.contestId,
      contestVersion: attempt.contestVersion,
      shuffle: attempt.shuffle,
      deadline: attempt.deadline,
    });
  }
  const list = await contestQuestions(db, attempt.contestId, attempt.contestVersion);
  return attemptView(attempt, attempt.shuffle, attempt.closesAt, list, attempt.answers, now);
}

/** Saves one answer (idempotent by version) while the attempt is open and before its deadline. */
export async function saveAnswer(
  db: Db,
  actor: Actor,
  attemptId: number,
  questionId: number,
  body: { version: number; answer: ShownAnswer },
  now: Date,
  locale: Locale,
) {
  let meta = metaCache.get(db)?.get(attemptId);
  if (!meta) {
    const attempt = await ownAttempt(db, actor, attemptId);
    if (attempt.state !== 'open') throw new AppError(409, 'contests.attempt_closed');
    meta = attempt;
    rememberAttempt(db, attemptId, {
      studentId: attempt.studentId,
      contestId: attempt.contestId,
      contestVersion: attempt.contestVersion,
      shuffle: attempt.shuffle,
      deadline: attempt.deadline,
    });
  }
  if (meta.studentId !== actor.userId) throw notFound('attempt');
  if (meta.deadline.getTime() <= now.getTime()) throw new AppError(409, 'contests.attempt_closed');
  const list = await contestQuestions(db, meta.contestId, meta.contestVersion);
  const q = list.find((x) => x.questionId === questionId);
  if (!q) throw notFound('question');
  const mq = marked(q);
  const stored = toStored(mq, partsOrder(attemptId, mq, meta.shuffle), body.answer);
  if ('problem' in stored) throw invalid([problem(locale, stored.problem.field, stored.problem.rule)]);
  const saved = await store.saveAnswer(db, {
    attemptId,
    studentId: actor.userId,
    questionId,
    version: body.version,
    answer: stored.answer,
    now,
  });
  if (!saved) throw new AppError(409, 'contests.attempt_closed');
  return { questionId, version: saved.version, savedAt: saved.savedAt.toISOString(), written: saved.written };
}

/** Submits the attempt: marks it. Submitting a closed attempt again answers it as it is. */
export async function submitAttempt(db: Db, actor: Actor, attemptId: number, now: Date) {
  const attempt = await ownAttempt(db, actor, attemptId);
  if (attempt.state === 'open') await closeOne(db, attemptId, now);
  return getAttempt(db, actor, attemptId, now);
}

// ---------------------------------------------------------------------------------------------------------
// Leaderboards and results

/** Children's names on a class board: the first name and the initial of the last ("Aysel M."). */
export function shortName(displayName: string): string {
  const words = displayName.trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return '—';
  const [first, ...rest] = words;
  const last = rest.at(-1);
  return last ? `${first} ${[...last][0]!.toLocaleUpperCase('az')}.` : first!;
}

const localName = (row: { nameAz: string; nameRu: string; nameEn: string }, locale: Locale) =>
  locale === 'ru' ? row.nameRu : locale === 'en' ? row.nameEn : row.nameAz;

/** Competition ranks (1, 1, 3) of scores sorted best first. */
function ranks(scores: number[]): number[] {
  return scores
    .map((s, i) => (i > 0 && scores[i - 1] === s ? -1 : i + 1))
    .map((r, i, all) => {
      let j = i;
      while (all[j] === -1) j--;
      return all[j]!;
    });
}

/** The first 200 of a board's rows with their names: classes as `7A`, schools and areas in `locale`. */
async function named(
  db: Db,
  list: store.Aggregate[],
  kind: 'class' | 'school' | 'area',
  locale: Locale,
  areas?: Map<number, institutionsStore.AreaRow>,
) {
  const shown = list.slice(0, 200);
  const ids = shown.map((a) => a.id);
  const names = new Map<number, string>();
  if (kind === 'class') {
    for (const c of await classroomStore.findClasses(db, ids)) names.set(c.id, `${c.grade}${c.letter}`);
  } else if (kind === 'school') {
    for (const i of await institutionsStore.findInstitutions(db, ids)) names.set(i.id, localName(i, locale));
  } else {
    for (const id of ids) {
      const area = areas?.get(id);
      if (area) names.set(id, localName(area, locale));
    }
  }
  return shown.map((a) => ({ ...a, name: names.get(a.id) ?? String(a.id) }));
}

/**
 * The leaderboard the caller may see. Students: their own class, by short name, with their rank; nobody
 * else's name. A school's staff: their school's classes (aggregates). Regional staff: the schools and areas of
 * their area; national staff: every school and area (aggregates only).
 */
export async function leaderboard(db: Db, actor: Actor, contestId: number, now: Date, locale: Locale) {
  const contest = await store.findContest(db, contestId);
  if (!contest) throw notFound('contest');
  const list = await contestQuestions(db, contest.id, contest.version);
  const maxScore = list.reduce((s, q) => s + q.points, 0);
  await closeExpired(db, contest.id, now);
  const board = {
    contestId,
    maxScore,
    me: null as { score: number; classRank: number; classParticipants: number } | null,
    classBoard: [] as { rank: number; name: string; score: number; isMe: boolean }[],
    classes: [] as Awaited<ReturnType<typeof named>>,
    schools: [] as Awaited<ReturnType<typeof named>>,
    areas: [] as Awaited<ReturnType<typeof named>>,
  };
  if (isStudent(actor) && !has(actor, [...NATIONAL, 'regional', 'director', 'teacher'])) {
    const place = await studentPlace(db, actor.userId);
    if (!place || contest.state !== 'published' || !inScope(contest, place)) throw forbidden();
    const best = await store.bestByStudent(db, contest.id, { classId: place.classId });
    const names = new Map(
      (
        await identityStore.namesOf(
          db,
          best.map((b) => b.studentId),
        )
      ).map((n) => [n.id, n.displayName]),
    );
    const r = ranks(best.map((b) => b.score));
    board.classBoard = best.map((b, i) => ({
      rank: r[i]!,
      name: shortName(names.get(b.studentId) ?? ''),
      score: b.score,
      isMe: b.studentId === actor.userId,
    }));
    const mine = board.classBoard.find((b) => b.isMe);
    if (mine) board.me = { score: mine.score, classRank: mine.rank, classParticipants: best.length };
    return board;
  }
  if (!(await staffSees(db, actor, contest))) throw forbidden();
  const areas = new Map((await institutionsStore.listAreas(db)).map((a) => [a.id, a]));
  if (has(actor, NATIONAL)) {
    board.schools = await named(
      db,
      await store.aggregates(db, contest.id, 'school', 'nation'),
      'school',
      locale,
    );
    board.areas = await named(
      db,
      await store.aggregates(db, contest.id, 'area', 'nation'),
      'area',
      locale,
      areas,
    );
    return board;
  }
  for (const g of actor.grants) {
    if (g.role === 'regional' && g.areaId !== null) {
      board.schools.push(
        ...(await named(
          db,
          await store.aggregates(db, contest.id, 'school', { areaId: g.areaId }),
          'school',
          locale,
        )),
      );
      board.areas.push(
        ...(await named(
          db,
          await store.aggregates(db, contest.id, 'area', { areaId: g.areaId }),
          'area',
          locale,
          areas,
        )),
      );
    }
    if ((g.role === 'director' || g.role === 'teacher') && g.institutionId !== null) {
      const within = { institutionId: g.institutionId };
      board.classes.push(
        ...(await named(db, await store.aggregates(db, contest.id, 'class', within), 'class', locale)),
      );
      board.schools.push(
        ...(await named(db, await store.aggregates(db, contest.id, 'school', within), 'school', locale)),
      );
    }
  }
  return board;
}

/**
 * A school's results by student, with names: for its director (every class) and its teachers (the classes
 * they teach). Nobody outside the school sees them.
 */
export async function results(db: Db, actor: Actor, contestId: number, institutionId: number, now: Date) {
  const contest = await store.findContest(db, contestId);
  if (!contest) throw notFound('contest');
  if (!(await staffSees(db, actor, contest))) throw forbidden();
  await closeExpired(db, contest.id, now);
  let classIds: Set<number> | null = null;
  if (!holdsAt(actor, ['director'], institutionId)) {
    if (!holdsAt(actor, ['teacher'], institutionId)) throw forbidden();
    classIds = new Set(await classroomStore.classIdsTaughtBy(db, actor.userId, institutionId, null));
  }
  const list = (await store.attemptsAtSchool(db, contest.id, institutionId)).filter(
    (a) => classIds === null || classIds.has(a.classId),
  );
  const names = new Map(
    (await identityStore.namesOf(db, [...new Set(list.map((a) => a.studentId))])).map((n) => [
      n.id,
      n.displayName,
    ]),
  );
  const classNames = new Map(
    (await classroomStore.findClasses(db, [...new Set(list.map((a) => a.classId))])).map((c) => [
      c.id,
      `${c.grade}${c.letter}`,
    ]),
  );
  return {
    items: list.map((a) => ({
      studentId: a.studentId,
      displayName: names.get(a.studentId) ?? '',
      classId: a.classId,
      className: classNames.get(a.classId) ?? String(a.classId),
      attemptNo: a.attemptNo,
      state: a.state,
      score: a.score,
      maxScore: a.maxScore,
      startedAt: a.startedAt.toISOString(),
    })),
  };
}

/** Students who started a contest between two days, per school or per class of the schools (counts only). */
export function contestParticipants(
  db: Db,
  schoolIds: number[],
  by: 'school' | 'class',
  range: { from: string; to: string },
) {
  return store.participants(db, schoolIds, by, { ...range, timeZone: SCHOOL_TIME_ZONE });
}
