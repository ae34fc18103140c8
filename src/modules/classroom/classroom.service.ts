import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, forbidden, notFound, type FieldProblem } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { staleVersion } from '@/server/versions';
import { csvText } from '@/server/csv';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as identityStore from '@/modules/identity/identity.store';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import { readUpload } from '@/modules/infrastructure/registry-import.files';
import * as store from '@/modules/classroom/classroom.store';
import { publishedResources } from '@/modules/library/library.service';
import { clock, findClashes, minutesOf, type Clash } from '@/modules/classroom/classroom.clashes';
import type {
  BellInput,
  CreateClassInput,
  EntryInput,
  EntryUpdateInput,
  LessonInput,
  PatchClassInput,
} from '@/modules/classroom/classroom.schema';
import { now as clockNow } from '@/server/clock';

/**
 * The classroom's rules: who may see and change a class, what a timetable may hold (no clashes, measured
 * on the clock), and how the timetable becomes lesson occurrences. Every change runs in one transaction with
 * its audit entry.
 */

defineMessages({
  en: {
    'classroom.name_taken': 'Class {name} already exists in this academic year.',
    'classroom.no_current_year': 'There is no current academic year; give one.',
    'classroom.invalid': 'Some fields are not valid; nothing was saved.',
    'classroom.in_other_class':
      'The student is already in class {name} this year; take them out of it first.',
    'classroom.clash.teacher':
      'The teacher is already teaching {other} on {weekday}, {start}–{end}: a teacher cannot be in two places at once.',
    'classroom.clash.room': 'Room {room} is already taken by {other} on {weekday}, {start}–{end}.',
    'classroom.clash.class': 'Class {class} already has a lesson on {weekday}, {start}–{end}.',
    'classroom.clash.teacher_elsewhere':
      'The teacher is already teaching at another school on {weekday}, {start}–{end}: a teacher cannot be in two places at once.',
    'classroom.rule.unknown_year': 'is not an academic year',
    'classroom.rule.not_teacher': 'is not a teacher of this school',
    'classroom.rule.not_student': 'is not a student of this school',
    'classroom.rule.shift_exceeds': 'the school works in {shifts} shift(s)',
    'classroom.rule.unknown_subject': 'is not a subject of the curriculum',
    'classroom.rule.subject_not_in_grade': 'is not taught in grade {grade}',
    'classroom.rule.no_bell_period': 'period {period} is not in the bell schedule of shift {shift}',
    'classroom.rule.period_in_use': 'period {period} is used by the timetable of class {class}',
    'classroom.rule.ends_before_start': 'must end after it starts',
    'classroom.rule.periods_overlap': 'overlaps period {other}',
    'classroom.rule.duplicate': 'is given twice',
    'classroom.rule.not_same_school': 'is not a class of the same school and year',
    'classroom.rule.range_too_long': 'may be at most {days} days after the first date',
    'classroom.rule.before_from': 'must not be before the first date',
    'classroom.rule.not_http': 'must be an http or https address',
    'classroom.rule.resource_needs_id': 'a library resource needs its id',
    'classroom.rule.resource_unknown': 'no published library resource has this id',
    'classroom.rule.url_needs_url': 'a link needs its address',
    'classroom.rule.only_one': 'give either a resource id or an address, not both',
    'classroom.import.missing_column': 'the file has no column {column}',
    'classroom.import.required': 'is empty',
    'classroom.import.unknown_student': 'no student of this school has the username {value}',
    'classroom.import.bad_class': '{value} is not a class name like 7A',
    'classroom.import.unknown_class': 'there is no class {value} in this academic year',
    'classroom.import.duplicate': 'the student is also on line {line}',
  },
  az: {
    'classroom.name_taken': '{name} sinfi bu tədris ilində artıq var.',
    'classroom.no_current_year': 'Cari tədris ili yoxdur; ili göstərin.',
    'classroom.invalid': 'Bəzi sahələr düzgün deyil; heç nə saxlanılmadı.',
    'classroom.in_other_class': 'Şagird bu il artıq {name} sinfindədir; əvvəlcə onu oradan çıxarın.',
    'classroom.clash.teacher':
      'Müəllim {weekday}, {start}–{end} saatlarında artıq {other} sinfində dərs deyir: müəllim eyni vaxtda iki yerdə ola bilməz.',
    'classroom.clash.room':
      '{room} otağı {weekday}, {start}–{end} saatlarında artıq {other} sinfinə verilib.',
    'classroom.clash.class': '{class} sinfinin {weekday}, {start}–{end} saatlarında artıq dərsi var.',
    'classroom.clash.teacher_elsewhere':
      'Müəllim {weekday}, {start}–{end} saatlarında artıq başqa məktəbdə dərs deyir: müəllim eyni vaxtda iki yerdə ola bilməz.',
    'classroom.rule.unknown_year': 'tədris ili deyil',
    'classroom.rule.not_teacher': 'bu məktəbin müəllimi deyil',
    'classroom.rule.not_student': 'bu məktəbin şagirdi deyil',
    'classroom.rule.shift_exceeds': 'məktəb {shifts} növbədə işləyir',
    'classroom.rule.unknown_subject': 'tədris planının fənni deyil',
    'classroom.rule.subject_not_in_grade': '{grade}-ci sinifdə tədris olunmur',
    'classroom.rule.no_bell_period': '{period}-ci dərs {shift}-ci növbənin zəng cədvəlində yoxdur',
    'classroom.rule.period_in_use': '{period}-ci dərs {class} sinfinin dərs cədvəlində istifadə olunur',
    'classroom.rule.ends_before_start': 'başlamasından sonra bitməlidir',
    'classroom.rule.periods_overlap': '{other}-ci dərslə üst-üstə düşür',
    'classroom.rule.duplicate': 'iki dəfə verilib',
    'classroom.rule.not_same_school': 'eyni məktəbin və tədris ilinin sinfi deyil',
    'classroom.rule.range_too_long': 'ilk tarixdən ən çoxu {days} gün sonra ola bilər',
    'classroom.rule.before_from': 'ilk tarixdən əvvəl ola bilməz',
    'classroom.rule.not_http': 'http və ya https ünvanı olmalıdır',
    'classroom.rule.resource_needs_id': 'kitabxana resursu üçün onun identifikatoru lazımdır',
    'classroom.rule.resource_unknown': 'bu identifikatorla dərc olunmuş kitabxana resursu yoxdur',
    'classroom.rule.url_needs_url': 'keçid üçün ünvan lazımdır',
    'classroom.rule.only_one': 'ya resurs identifikatoru, ya da ünvan verin, ikisini birlikdə yox',
    'classroom.import.missing_column': 'faylda {column} sütunu yoxdur',
    'classroom.import.required': 'boşdur',
    'classroom.import.unknown_student': 'bu məktəbdə {value} istifadəçi adlı şagird yoxdur',
    'classroom.import.bad_class': '{value} 7A kimi sinif adı deyil',
    'classroom.import.unknown_class': 'bu tədris ilində {value} sinfi yoxdur',
    'classroom.import.duplicate': 'şagird {line}-ci sətirdə də var',
  },
  ru: {
    'classroom.name_taken': 'Класс {name} в этом учебном году уже есть.',
    'classroom.no_current_year': 'Текущего учебного года нет; укажите год.',
    'classroom.invalid': 'Некоторые поля заполнены неверно; ничего не сохранено.',
    'classroom.in_other_class': 'Ученик в этом году уже в классе {name}; сначала исключите его оттуда.',
    'classroom.clash.teacher':
      'Учитель уже ведёт урок в классе {other}: {weekday}, {start}–{end}. Учитель не может быть в двух местах одновременно.',
    'classroom.clash.room': 'Кабинет {room} уже занят классом {other}: {weekday}, {start}–{end}.',
    'classroom.clash.class': 'У класса {class} уже есть урок: {weekday}, {start}–{end}.',
    'classroom.clash.teacher_elsewhere':
      'Учитель уже ведёт урок в другой школе: {weekday}, {start}–{end}. Учитель не может быть в двух местах одновременно.',
    'classroom.rule.unknown_year': 'не является учебным годом',
    'classroom.rule.not_teacher': 'не является учителем этой школы',
    'classroom.rule.not_student': 'не является учеником этой школы',
    'classroom.rule.shift_exceeds': 'школа работает в {shifts} смен(ы)',
    'classroom.rule.unknown_subject': 'не является предметом учебного плана',
    'classroom.rule.subject_not_in_grade': 'не преподаётся в {grade} классе',
    'classroom.rule.no_bell_period': 'урока {period} нет в расписании звонков смены {shift}',
    'classroom.rule.period_in_use': 'урок {period} используется в расписании класса {class}',
    'classroom.rule.ends_before_start': 'должен заканчиваться после начала',
    'classroom.rule.periods_overlap': 'пересекается с уроком {other}',
    'classroom.rule.duplicate': 'указано дважды',
    'classroom.rule.not_same_school': 'не является классом той же школы и учебного года',
    'classroom.rule.range_too_long': 'может быть не позже чем через {days} дн. после первой даты',
    'classroom.rule.before_from': 'не может быть раньше первой даты',
    'classroom.rule.not_http': 'должно быть адресом http или https',
    'classroom.rule.resource_needs_id': 'для ресурса библиотеки нужен его номер',
    'classroom.rule.resource_unknown': 'опубликованного ресурса библиотеки с таким номером нет',
    'classroom.rule.url_needs_url': 'для ссылки нужен адрес',
    'classroom.rule.only_one': 'укажите либо номер ресурса, либо адрес, но не оба',
    'classroom.import.missing_column': 'в файле нет столбца {column}',
    'classroom.import.required': 'пусто',
    'classroom.import.unknown_student': 'у этой школы нет ученика с именем пользователя {value}',
    'classroom.import.bad_class': '{value} — не название класса вида 7A',
    'classroom.import.unknown_class': 'в этом учебном году нет класса {value}',
    'classroom.import.duplicate': 'ученик есть и в строке {line}',
  },
});

/** The time zone school days are counted in. Azerbaijan's; a country pack of another zone should carry its own. */
export const SCHOOL_TIME_ZONE = 'Asia/Baku';
/** The most days one generation may cover: a school year and a little. */
export const MAX_GENERATE_DAYS = 400;
/** The most days one lesson list may cover. */
export const MAX_LIST_DAYS = 62;

// Made once: a formatter costs far more to make than to use, and every home and lesson list asks for today.
const schoolDate = new Intl.DateTimeFormat('en-CA', { timeZone: SCHOOL_TIME_ZONE });

/** Today's date at school, YYYY-MM-DD. */
export function schoolToday(now: Date = clockNow()): string {
  return schoolDate.format(now);
}

// Dates are handled as UTC midnights so that adding days never meets a daylight-saving jump.
const toTime = (day: string) => Date.parse(`${day}T00:00:00Z`);
const toDay = (time: number) => new Date(time).toISOString().slice(0, 10);
/** `day` plus `n` days. */
export const addDays = (day: string, n: number): string => toDay(toTime(day) + n * 86_400_000);
const daysBetween = (from: string, to: string) => Math.round((toTime(to) - toTime(from)) / 86_400_000);
/** ISO weekday of a date: 1 Monday … 7 Sunday. */
export const weekdayOf = (day: string): number => ((new Date(toTime(day)).getUTCDay() + 6) % 7) + 1;

const weekdayName = (locale: Locale, weekday: number) =>
  new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, 0, weekday)), // 1 January 2024 was a Monday.
  );

/** A class's name, 7A. */
export const className = (c: { grade: number; letter: string }) => `${c.grade}${c.letter}`;

export const problem = (
  locale: Locale,
  field: string,
  rule: string,
  params: Record<string, unknown> = {},
): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `classroom.rule.${rule}`, params)}`,
});

export const invalid = (problems: FieldProblem[]) => new AppError(422, 'classroom.invalid', {}, problems);
export const refuseIf = (problems: FieldProblem[]) => {
  if (problems.length > 0) throw invalid(problems);
};

// ---------------------------------------------------------------------------------------------------------
// Access

/** How the caller stands to a class: manages it (director, admin), teaches it, studies in it, or none. */
export type ClassRelation = 'manage' | 'teach' | 'study' | null;

const holds = (actor: Actor, role: 'director' | 'teacher' | 'student', institutionId: number) =>
  actor.grants.some((g) => g.role === role && g.institutionId === institutionId);
const isAdmin = (actor: Actor) => actor.grants.some((g) => g.role === 'admin');
/** Whether the caller manages a school's classes: its director, or a national administrator. */
export const managesSchool = (actor: Actor, institutionId: number): boolean =>
  isAdmin(actor) || holds(actor, 'director', institutionId);

/** The caller's relation to a class, strongest first. */
export async function relationTo(db: Db, actor: Actor, cls: store.ClassRow): Promise<ClassRelation> {
  if (managesSchool(actor, cls.institutionId)) return 'manage';
  if (holds(actor, 'teacher', cls.institutionId) && (await store.teachesClass(db, actor.userId, cls.id))) {
    return 'teach';
  }
  if (holds(actor, 'student', cls.institutionId) && (await store.isEnrolled(db, actor.userId, cls.id))) {
    return 'study';
  }
  return null;
}

/** A class the caller may read (or manage), with their relation to it; 404 or 403 otherwise. */
export async function classFor(db: Db, actor: Actor, classId: number, need: 'read' | 'manage') {
  const cls = await store.findClass(db, classId);
  if (!cls) throw notFound('class');
  const relation = await relationTo(db, actor, cls);
  if (relation === null || (need === 'manage' && relation !== 'manage')) throw forbidden();
  return { cls, relation };
}

/** The institution of a class, for route scope declarations; 404 when there is no such class. */
export async function institutionOfClass(db: Db, classId: number): Promise<number> {
  const cls = await store.findClass(db, classId);
  if (!cls) throw notFound('class');
  return cls.institutionId;
}

/** The institution of a weekly period, for route scope declarations. */
export async function institutionOfEntry(db: Db, entryId: number): Promise<number> {
  const entry = await store.findEntry(db, entryId);
  if (!entry) throw notFound('timetable_entry');
  return entry.institutionId;
}

/** The institution of a lesson occurrence, for route scope declarations. */
export async function institutionOfLesson(db: Db, lessonId: number): Promise<number> {
  const lesson = await store.findLesson(db, lessonId);
  if (!lesson) throw notFound('lesson');
  return lesson.institutionId;
}

// ---------------------------------------------------------------------------------------------------------
// Classes

/** The academic year asked for, or the current one. */
export async function resolveYear(db: Db, yearId: number | undefined, locale: Locale, field = 'yearId') {
  if (yearId !== undefined) {
    const year = await institutionsStore.findAcademicYear(db, yearId);
    if (!year) throw invalid([problem(locale, field, 'unknown_year')]);
    return year;
  }
  const current = (await institutionsStore.listAcademicYears(db)).find((y) => y.isCurrent);
  if (!current) throw new AppError(422, 'classroom.no_current_year');
  return current;
}

/** The school, or 404. */
export async function schoolOf(db: Db, institutionId: number) {
  const school = await institutionsStore.findInstitution(db, institutionId);
  if (!school) throw notFound('institution');
  return school;
}

/** Which of the given users are teachers of the school. */
export async function teachersAt(db: Db, institutionId: number, ids: number[]): Promise<Set<number>> {
  const found = await identityStore.roleHoldersAt(db, 'teacher', institutionId, { ids: [...new Set(ids)] });
  return new Set(found.map((t) => t.id));
}

const summary = (c: store.ClassRow & { students: number }) => ({ ...c, name: className(c) });

/** A school's classes in a year: all of them for its director, those a teacher teaches, a student's own. */
export async function listClasses(
  db: Db,
  actor: Actor,
  institutionId: number,
  yearId: number | undefined,
  locale: Locale,
) {
  await schoolOf(db, institutionId);
  const year = await resolveYear(db, yearId, locale);
  let only: number[] | undefined;
  if (!managesSchool(actor, institutionId)) {
    const ids = new Set<number>();
    if (holds(actor, 'teacher', institutionId)) {
      for (const id of await store.classIdsTaughtBy(db, actor.userId, institutionId, year.id)) ids.add(id);
    }
    if (holds(actor, 'student', institutionId)) {
      for (const c of await store.classesOfStudents(db, [actor.userId], year.id)) ids.add(c.id);
    }
    only = [...ids];
  }
  const items = await store.listClasses(db, institutionId, year.id, only);
  return { academicYearId: year.id, items: items.map(summary) };
}

/** One class with its students and subject teachers, for those who may see it. */
export async function getClass(db: Db, actor: Actor, classId: number) {
  const { cls } = await classFor(db, actor, classId, 'read');
  return classDetail(db, cls);
}

/** A class with its students, homeroom teacher and subject teachers. */
export async function classDetail(db: Db, cls: store.ClassRow) {
  // One after the other: inside a transaction there is one connection, and node-postgres refuses overlapping queries on it.
  const studentIds = await store.studentIdsOf(db, cls.id);
  const subjects = await store.subjectTeachersOf(db, cls.id);
  const people = new Map(
    (
      await identityStore.namesOf(db, [
        ...studentIds,
        ...subjects.map((s) => s.teacherId),
        ...(cls.homeroomTeacherId ? [cls.homeroomTeacherId] : []),
      ])
    ).map((p) => [p.id, p]),
  );
  const enrolled = studentIds
    .map((id) => people.get(id)!)
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
  return {
    ...summary({ ...cls, students: studentIds.length }),
    homeroomTeacher: cls.homeroomTeacherId ? (people.get(cls.homeroomTeacherId) ?? null) : null,
    enrolled,
    subjectTeachers: subjects.map((s) => ({ subjectCode: s.subjectCode, teacher: people.get(s.teacherId)! })),
    subjectsVersion: (await store.classVersions(db, cls.id)).subjectsVersion,
  };
}

async function checkClassFields(
  db: Db,
  institutionId: number,
  fields: { shift?: number; homeroomTeacherId?: number | null },
  locale: Locale,
): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  const school = await schoolOf(db, institutionId);
  if (fields.shift !== undefined && fields.shift > school.shifts) {
    problems.push(problem(locale, 'shift', 'shift_exceeds', { shifts: school.shifts }));
  }
  if (fields.homeroomTeacherId) {
    if (!(await teachersAt(db, institutionId, [fields.homeroomTeacherId])).has(fields.homeroomTeacherId)) {
      problems.push(problem(locale, 'homeroomTeacherId', 'not_teacher'));
    }
  }
  return problems;
}

/** Creates a class at a school (its director or an administrator). */
export async function createClass(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  institutionId: number,
  input: CreateClassInput,
  locale: Locale,
) {
  if (!managesSchool(actor, institutionId)) throw forbidden();
  return db.transaction(async (tx) => {
    await resolveYear(tx, input.academicYearId, locale, 'academicYearId');
    refuseIf(await checkClassFields(tx, institutionId, input, locale));
    if (await store.findClassByName(tx, institutionId, input.academicYearId, input.grade, input.letter)) {
      throw new AppError(409, 'classroom.name_taken', { name: className(input) });
    }
    const row = await store.insertClass(tx, { ...input, institutionId });
    await audit(tx, ctx, { action: 'create', entity: 'class', entityId: row.id, after: row });
    return classDetail(tx, row);
  });
}

/**
 * Changes a class. A new shift moves its timetable onto that shift's bells, so the week is checked for
 * clashes again and future lessons follow.
 */
export async function updateClass(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  classId: number,
  input: PatchClassInput,
  locale: Locale,
  today = schoolToday(),
) {
  return db.transaction(async (tx) => {
    const { cls: before } = await classFor(tx, actor, classId, 'manage');
    refuseIf(await checkClassFields(tx, before.institutionId, input, locale));
    const grade = input.grade ?? before.grade;
    const letter = input.letter ?? before.letter;
    if (grade !== before.grade || letter !== before.letter) {
      const other = await store.findClassByName(
        tx,
        before.institutionId,
        before.academicYearId,
        grade,
        letter,
      );
      if (other && other.id !== classId)
        throw new AppError(409, 'classroom.name_taken', { name: `${grade}${letter}` });
    }
    const after = await store.updateClass(tx, classId, input);
    if (after.shift !== before.shift) {
      await store.lockTimetable(tx, after.academicYearId, after.institutionId, []);
      const week = await store.timetableOf(tx, classId);
      await store.lockTimetable(
        tx,
        after.academicYearId,
        after.institutionId,
        week.map((e) => e.teacherId),
      );
      await checkSlots(
        tx,
        after,
        week.map((e) => e.id),
        locale,
      );
      await regenerateFuture(tx, after.institutionId, after.academicYearId, [classId], today);
    }
    await audit(tx, ctx, { action: 'update', entity: 'class', entityId: classId, before, after });
    return classDetail(tx, after);
  });
}

/** Enrols a student of the school in a class; a student is in one class a year. */
export async function enrolStudent(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  classId: number,
  studentId: number,
  locale: Locale,
) {
  return db.transaction(async (tx) => {
    const { cls } = await classFor(tx, actor, classId, 'manage');
    const found = await identityStore.roleHoldersAt(tx, 'student', cls.institutionId, { ids: [studentId] });
    if (found.length === 0) throw invalid([problem(locale, 'studentId', 'not_student')]);
    const current = (await store.classOfStudentsInYear(tx, [studentId], cls.academicYearId)).get(studentId);
    if (current !== undefined && current !== classId) {
      const other = (await store.findClass(tx, current))!;
      throw new AppError(409, 'classroom.in_other_class', { name: className(other) });
    }
    if (current === undefined) {
      await store.enrol(tx, cls.academicYearId, [{ classId, studentId, institutionId: cls.institutionId }]);
      await audit(tx, ctx, { action: 'enrol', entity: 'class', entityId: classId, after: { studentId } });
    }
    return classDetail(tx, cls);
  });
}

/** Takes a student out of a class. */
export async function unenrolStudent(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  classId: number,
  studentId: number,
) {
  return db.transaction(async (tx) => {
    const { cls } = await classFor(tx, actor, classId, 'manage');
    if (!(await store.unenrol(tx, classId, studentId))) throw notFound('enrolment');
    await audit(tx, ctx, { action: 'unenrol', entity: 'class', entityId: classId, before: { studentId } });
    return classDetail(tx, cls);
  });
}

/** Problems of a subject code for a class of `grade`: unknown to the curriculum, or not taught in the grade. */
export async function checkSubject(db: Db, code: string, grade: number, field: string, locale: Locale) {
  const [subject] = await institutionsStore.subjectsByCode(db, [code]);
  if (!subject) return [problem(locale, field, 'unknown_subject')];
  if (!subject.grades.includes(grade)) return [problem(locale, field, 'subject_not_in_grade', { grade })];
  return [];
}

/** A class's subject teachers as one record, as `GET /classes/{classId}/subjects` answers it. */
export async function subjectsRecord(db: Db, classId: number) {
  return {
    classId,
    version: (await store.classVersions(db, classId)).subjectsVersion,
    items: await store.subjectTeachersOf(db, classId),
  };
}

/**
 * Sets who teaches a subject to a class, from the version of the class's subject teachers read (one
 * subject's teacher is part of that record): a save from an older version is refused with both versions.
 */
export async function setSubjectTeacher(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  classId: number,
  subjectCode: string,
  /** The teacher with the version read; a bare teacher (the seed, a test's setup) is set whatever the version. */
  input: { version: number; teacherId: number } | number,
  locale: Locale,
) {
  const from = typeof input === 'number' ? undefined : input;
  const teacherId = typeof input === 'number' ? input : input.teacherId;
  return db.transaction(async (tx) => {
    const { cls } = await classFor(tx, actor, classId, 'manage');
    // First the class row, as every writer of its subject teachers: a concurrent save waits, then misses.
    if ((await store.bumpClassVersion(tx, classId, 'subjects', from?.version)) === undefined) {
      const yours = { version: from!.version, subjectCode, teacherId };
      throw staleVersion(yours, await subjectsRecord(tx, classId));
    }
    const problems = await checkSubject(tx, subjectCode, cls.grade, 'subjectCode', locale);
    if (!(await teachersAt(tx, cls.institutionId, [teacherId])).has(teacherId)) {
      problems.push(problem(locale, 'teacherId', 'not_teacher'));
    }
    refuseIf(problems);
    await store.putSubjectTeacher(tx, { classId, subjectCode, teacherId, institutionId: cls.institutionId });
    await audit(tx, ctx, {
      action: 'set_subject_teacher',
      entity: 'class',
      entityId: classId,
      after: { subjectCode, teacherId },
    });
    return classDetail(tx, cls);
  });
}

/** Removes a subject's teacher from a class. */
export async function removeSubjectTeacher(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  classId: number,
  subjectCode: string,
) {
  return db.transaction(async (tx) => {
    const { cls } = await classFor(tx, actor, classId, 'manage');
    await store.bumpClassVersion(tx, classId, 'subjects');
    if (!(await store.deleteSubjectTeacher(tx, classId, subjectCode))) throw notFound('subject_teacher');
    await audit(tx, ctx, {
      action: 'remove_subject_teacher',
      entity: 'class',
      entityId: classId,
      before: { subjectCode },
    });
    return classDetail(tx, cls);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Bulk enrolment

/** Columns of the enrolment file: the student's username and the class name (7A). */
export const ENROLMENT_COLUMNS = ['username', 'class'] as const;

/** A class name as people write it: grade and letter, 7A, 7 a, 7-A. */
export const CLASS_NAME = /^(\d{1,2})\s*-?\s*(\p{L}{1,3})$/u;
/** A class letter compared without case (Azerbaijani İ/ı). */
export const letterKey = (letter: string) => letter.toLocaleUpperCase('az');

/**
 * Enrols the students of a CSV or XLSX file (columns `username`, `class`): every row is checked first and
 * either all are written or none. A student listed in another class of the year is moved.
 */
export async function importEnrolments(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  institutionId: number,
  bytes: Buffer,
  options: { yearId?: number; dryRun: boolean },
  locale: Locale,
) {
  if (!managesSchool(actor, institutionId)) throw forbidden();
  await schoolOf(db, institutionId);
  const year = await resolveYear(db, options.yearId, locale);
  const file = await readUpload(bytes, 'enrolments');
  const problems: { line: number; column: string; reason: string; message: string }[] = [];
  const report = (line: number, column: string, reason: string, params: Record<string, unknown> = {}) =>
    problems.push({
      line,
      column,
      reason,
      message: `${column}: ${translate(locale, `classroom.import.${reason}`, params)}`,
    });
  const header = new Set(file.header.map((h) => h.toLowerCase()));
  for (const column of ENROLMENT_COLUMNS)
    if (!header.has(column)) report(1, column, 'missing_column', { column });

  const classes = await store.listClasses(db, institutionId, year.id);
  const classByKey = new Map(classes.map((c) => [`${c.grade}/${letterKey(c.letter)}`, c]));
  const usernames = [...new Set(file.rows.map((r) => r.cells.get('username') ?? '').filter((u) => u !== ''))];
  const students = new Map(
    (await identityStore.roleHoldersAt(db, 'student', institutionId, { usernames })).map((s) => [
      s.username,
      s,
    ]),
  );
  const firstLine = new Map<string, number>();
  const wanted: { classId: number; studentId: number; line: number }[] = [];
  if (problems.length === 0) {
    for (const row of file.rows) {
      const username = row.cells.get('username') ?? '';
      const name = row.cells.get('class') ?? '';
      let studentId: number | undefined;
      let classId: number | undefined;
      if (username === '') report(row.line, 'username', 'required');
      else if (firstLine.has(username))
        report(row.line, 'username', 'duplicate', { line: firstLine.get(username) });
      else {
        firstLine.set(username, row.line);
        studentId = students.get(username)?.id;
        if (studentId === undefined) report(row.line, 'username', 'unknown_student', { value: username });
      }
      const match = CLASS_NAME.exec(name);
      if (name === '') report(row.line, 'class', 'required');
      else if (!match) report(row.line, 'class', 'bad_class', { value: name });
      else {
        classId = classByKey.get(`${Number(match[1])}/${letterKey(match[2]!)}`)?.id;
        if (classId === undefined) report(row.line, 'class', 'unknown_class', { value: name });
      }
      if (studentId !== undefined && classId !== undefined)
        wanted.push({ classId, studentId, line: row.line });
    }
  }
  const current = await store.classOfStudentsInYear(
    db,
    wanted.map((w) => w.studentId),
    year.id,
  );
  const changes = wanted.filter((w) => current.get(w.studentId) !== w.classId);
  const counts = {
    enrolled: changes.filter((w) => !current.has(w.studentId)).length,
    moved: changes.filter((w) => current.has(w.studentId)).length,
    unchanged: wanted.length - changes.length,
  };
  const valid = problems.length === 0;
  if (valid && !options.dryRun && changes.length > 0) {
    await db.transaction(async (tx) => {
      await store.enrol(
        tx,
        year.id,
        changes.map((w) => ({ classId: w.classId, studentId: w.studentId, institutionId })),
      );
      await audit(tx, ctx, {
        action: 'import',
        entity: 'enrolments',
        entityId: institutionId,
        after: { academicYearId: year.id, rows: file.rows.length, ...counts },
      });
    });
  }
  return {
    dryRun: options.dryRun,
    valid,
    rows: file.rows.length,
    ...(valid ? counts : { enrolled: 0, moved: 0, unchanged: 0 }),
    problems: problems.sort((a, b) => a.line - b.line),
  };
}

/** The school's enrolments of a year as CSV (`username,class,name`): the import's own format. */
export async function exportEnrolments(
  db: Db,
  actor: Actor,
  institutionId: number,
  yearId: number | undefined,
  locale: Locale,
): Promise<{ filename: string; body: string }> {
  if (!managesSchool(actor, institutionId)) throw forbidden();
  const school = await schoolOf(db, institutionId);
  const year = await resolveYear(db, yearId, locale);
  const list = await store.enrolmentsOfYear(db, institutionId, year.id);
  const names = new Map(
    (
      await identityStore.namesOf(
        db,
        list.map((e) => e.studentId),
      )
    ).map((p) => [p.id, p]),
  );
  const body = csvText(
    ['username', 'class', 'name'],
    list.map((e) => [names.get(e.studentId)!.username, className(e), names.get(e.studentId)!.displayName]),
  );
  return { filename: `enrolments-${school.code}-${year.code}.csv`, body };
}

// ---------------------------------------------------------------------------------------------------------
// Bell schedules and timetables

const bellView = (periods: store.BellPeriodRow[]) =>
  periods.map((p) => ({ period: p.period, startsAt: clock(p.startMinute), endsAt: clock(p.endMinute) }));

/** A school's bell schedules in a year, per shift. */
export async function getBellSchedules(
  db: Db,
  institutionId: number,
  yearId: number | undefined,
  locale: Locale,
) {
  await schoolOf(db, institutionId);
  const year = await resolveYear(db, yearId, locale);
  const all = await store.bellSchedules(db, institutionId, year.id);
  const versions = await store.bellVersions(db, institutionId, year.id);
  const shifts = [...new Set([...all.map((p) => p.shift), ...versions.keys()])].sort((a, b) => a - b);
  return {
    academicYearId: year.id,
    shifts: shifts.map((shift) => ({
      shift,
      version: versions.get(shift) ?? 0,
      periods: bellView(all.filter((p) => p.shift === shift)),
    })),
  };
}

/** One shift's bell schedule in a year: version 0 and no periods when it was never saved. */
export async function getBellSchedule(
  db: Db,
  institutionId: number,
  shift: number,
  yearId: number | undefined,
  locale: Locale,
) {
  const all = await getBellSchedules(db, institutionId, yearId, locale);
  return all.shifts.find((s) => s.shift === shift) ?? { shift, version: 0, periods: [] };
}

/**
 * Replaces a shift's bells. New times can make a teacher who works in two shifts clash, so every weekly
 * period of the shift is checked again, on the new clock, before anything is kept; future lessons follow.
 */
export async function setBellSchedule(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  institutionId: number,
  shift: number,
  /** Without a version (the seed, a test's setup): saved whatever the version, and bumped. */
  input: Omit<BellInput, 'version'> & { version?: number },
  locale: Locale,
  today = schoolToday(),
) {
  if (!managesSchool(actor, institutionId)) throw forbidden();
  const school = await schoolOf(db, institutionId);
  const problems: FieldProblem[] = [];
  if (shift > school.shifts)
    problems.push(problem(locale, 'shift', 'shift_exceeds', { shifts: school.shifts }));
  const periods = input.periods.map((p) => ({
    period: p.period,
    startMinute: minutesOf(p.startsAt),
    endMinute: minutesOf(p.endsAt),
  }));
  periods.forEach((p, i) => {
    if (p.endMinute <= p.startMinute)
      problems.push(problem(locale, `periods.${i}.endsAt`, 'ends_before_start'));
    periods.forEach((q, j) => {
      if (j >= i) return;
      if (q.period === p.period) problems.push(problem(locale, `periods.${i}.period`, 'duplicate'));
      else if (p.startMinute < q.endMinute && q.startMinute < p.endMinute) {
        problems.push(problem(locale, `periods.${i}.startsAt`, 'periods_overlap', { other: q.period }));
      }
    });
  });
  refuseIf(problems);
  return db.transaction(async (tx) => {
    const year = await resolveYear(tx, input.academicYearId, locale, 'academicYearId');
    await store.lockTimetable(tx, year.id, institutionId, []);
    const saved = (await store.bellVersions(tx, institutionId, year.id)).get(shift) ?? 0;
    const version = await store.bumpBellScheduleVersion(
      tx,
      institutionId,
      year.id,
      shift,
      input.version ?? saved,
    );
    if (version === undefined) {
      const current = await getBellSchedule(tx, institutionId, shift, year.id, locale);
      throw staleVersion({ ...input, version: input.version ?? saved }, current);
    }
    const before = await store.bellSchedules(tx, institutionId, year.id);
    await store.replaceBellSchedule(tx, institutionId, year.id, shift, periods);
    const classIds = await store.classIdsInShift(tx, institutionId, year.id, shift);
    const slots = await store.slotsNear(tx, year.id, institutionId, []);
    const inShift = slots.filter((s) => s.institutionId === institutionId && s.shift === shift);
    await store.lockTimetable(
      tx,
      year.id,
      institutionId,
      inShift.map((s) => s.teacherId),
    );
    const unbelled = inShift.filter((s) => s.startMinute === null);
    refuseIf(
      unbelled.map((s) =>
        problem(locale, 'periods', 'period_in_use', { period: s.period, class: className(s) }),
      ),
    );
    await throwClashes(
      tx,
      year.id,
      institutionId,
      inShift.map((s) => s.id),
      locale,
    );
    await regenerateFuture(tx, institutionId, year.id, classIds, today);
    await audit(tx, ctx, {
      action: 'set_bells',
      entity: 'bell_schedule',
      entityId: `${institutionId}/${year.id}/${shift}`,
      before: before.filter((p) => p.shift === shift),
      after: periods,
    });
    return {
      shift,
      version,
      periods: bellView(periods.map((p) => ({ ...p, shift })).sort((a, b) => a.period - b.period)),
    };
  });
}

const entryView = (e: store.SlotRow) => ({
  id: e.id,
  classId: e.classId,
  weekday: e.weekday,
  period: e.period,
  startsAt: e.startMinute === null ? null : clock(e.startMinute),
  endsAt: e.endMinute === null ? null : clock(e.endMinute),
  subjectCode: e.subjectCode,
  teacherId: e.teacherId,
  room: e.room,
});

/** A class's week, for those who may see the class. */
export async function getWeek(db: Db, actor: Actor, classId: number) {
  const { cls } = await classFor(db, actor, classId, 'read');
  const { timetableVersion } = await store.classVersions(db, classId);
  return {
    classId,
    shift: cls.shift,
    version: timetableVersion,
    entries: (await store.timetableOf(db, classId)).map(entryView),
  };
}

/** Checks the fields of weekly periods to be written for a class: subject, teacher, no slot twice. */
async function checkEntries(
  db: Db,
  cls: store.ClassRow,
  entries: EntryInput[],
  prefix: string | null,
  locale: Locale,
): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  const subjects = new Map(
    (await institutionsStore.subjectsByCode(db, [...new Set(entries.map((e) => e.subjectCode))])).map((s) => [
      s.code,
      s,
    ]),
  );
  const teachers = await teachersAt(
    db,
    cls.institutionId,
    entries.map((e) => e.teacherId),
  );
  const slots = new Set<string>();
  entries.forEach((e, i) => {
    const at = (field: string) => (prefix === null ? field : `${prefix}${i}.${field}`);
    const subject = subjects.get(e.subjectCode);
    if (!subject) problems.push(problem(locale, at('subjectCode'), 'unknown_subject'));
    else if (!subject.grades.includes(cls.grade)) {
      problems.push(problem(locale, at('subjectCode'), 'subject_not_in_grade', { grade: cls.grade }));
    }
    if (!teachers.has(e.teacherId)) problems.push(problem(locale, at('teacherId'), 'not_teacher'));
    const slot = `${e.weekday}/${e.period}`;
    if (slots.has(slot)) problems.push(problem(locale, at('period'), 'duplicate'));
    slots.add(slot);
  });
  return problems;
}

const normalEntry = (e: EntryInput): store.EntryValues => ({
  weekday: e.weekday,
  period: e.period,
  subjectCode: e.subjectCode,
  teacherId: e.teacherId,
  room: e.room === null || e.room.trim() === '' ? null : e.room.trim(),
});

/**
 * Makes the teachers of the given periods their subjects' teachers of the class (the director placed a period
 * with a teacher who was not yet the subject's teacher, and agreed to make them so), in the same transaction.
 */
async function adoptSubjectTeachers(
  tx: Db,
  ctx: ChangeContext,
  cls: store.ClassRow,
  periods: store.EntryValues[],
) {
  const bySubject = new Map(periods.map((p) => [p.subjectCode, p.teacherId]));
  if (bySubject.size === 0) return;
  const current = new Map(
    (await store.subjectTeachersOf(tx, cls.id)).map((s) => [s.subjectCode, s.teacherId]),
  );
  const changes = [...bySubject].filter(([code, teacherId]) => current.get(code) !== teacherId);
  if (changes.length === 0) return;
  await store.bumpClassVersion(tx, cls.id, 'subjects');
  await store.putSubjectTeachers(
    tx,
    changes.map(([subjectCode, teacherId]) => ({
      classId: cls.id,
      subjectCode,
      teacherId,
      institutionId: cls.institutionId,
    })),
  );
  for (const [subjectCode, teacherId] of changes) {
    await audit(tx, ctx, {
      action: 'set_subject_teacher',
      entity: 'class',
      entityId: cls.id,
      before: current.has(subjectCode) ? { subjectCode, teacherId: current.get(subjectCode) } : undefined,
      after: { subjectCode, teacherId },
    });
  }
}

/**
 * After weekly periods were written (inside the transaction), refuses the change when any written period
 * has no bell in its class's shift or clashes with another period: the transaction is then rolled back.
 */
async function checkSlots(tx: Db, cls: store.ClassRow, written: number[], locale: Locale) {
  if (written.length === 0) return;
  const slots = await store.slotsNear(tx, cls.academicYearId, cls.institutionId, []);
  const mine = slots.filter((s) => written.includes(s.id));
  refuseIf(
    mine
      .filter((s) => s.startMinute === null)
      .map((s) => problem(locale, 'shift', 'no_bell_period', { period: s.period, shift: s.shift })),
  );
  await throwClashes(tx, cls.academicYearId, cls.institutionId, written, locale);
}

/** Refuses with 409 when any of the `changed` periods clashes; the message names the first clash, details all. */
async function throwClashes(
  tx: Db,
  academicYearId: number,
  institutionId: number,
  changed: number[],
  locale: Locale,
) {
  if (changed.length === 0) return;
  const mineFirst = await store.slotsNear(tx, academicYearId, institutionId, []);
  const teacherIds = [...new Set(mineFirst.filter((s) => changed.includes(s.id)).map((s) => s.teacherId))];
  const all = await store.slotsNear(tx, academicYearId, institutionId, teacherIds);
  const placed = all
    .filter((s) => s.startMinute !== null && s.endMinute !== null)
    .map((s) => ({ ...s, key: String(s.id), startMinute: s.startMinute!, endMinute: s.endMinute! }));
  const clashes = findClashes(placed, new Set(changed.map(String)));
  if (clashes.length === 0) return;
  const described = clashes.map((c) => describeClash(c, institutionId, locale));
  throw new AppError(409, described[0]!.code, described[0]!.params, described);
}

function describeClash(
  c: Clash<store.SlotRow & { key: string; startMinute: number; endMinute: number }>,
  institutionId: number,
  locale: Locale,
) {
  // Another school's class is not named: its timetable is not this school's business.
  const elsewhere = c.other.institutionId !== institutionId;
  const code = elsewhere ? 'classroom.clash.teacher_elsewhere' : `classroom.clash.${c.kind}`;
  const params = {
    weekday: weekdayName(locale, c.slot.weekday),
    start: clock(Math.max(c.slot.startMinute, c.other.startMinute)),
    end: clock(Math.min(c.slot.endMinute, c.other.endMinute)),
    class: className(c.slot),
    other: elsewhere ? '' : className(c.other),
    room: c.slot.room ?? '',
  };
  return {
    kind: c.kind,
    entryId: c.slot.id === 0 ? null : c.slot.id,
    otherEntryId: elsewhere ? null : c.other.id,
    weekday: c.slot.weekday,
    period: c.slot.period,
    teacherId: c.kind === 'teacher' ? c.slot.teacherId : null,
    room: c.kind === 'room' ? c.slot.room : null,
    code,
    message: translate(locale, code, params),
    params,
  };
}

/**
 * Refuses weekly periods about to be written for a class, before anything is written: a period its shift has
 * no bell for (422, naming the field), or a clash with any other period of the teacher (at any school), of the
 * school's rooms, or of the class (409, naming the clash). `replacing` are the class's periods the change
 * removes or rewrites, left out of the comparison.
 */
async function checkChange(
  tx: Db,
  cls: store.ClassRow,
  candidates: { id: number | null; values: store.EntryValues }[],
  replacing: number[],
  locale: Locale,
  fieldOf: (index: number) => string,
) {
  const bell = new Map(
    (await store.bellSchedules(tx, cls.institutionId, cls.academicYearId))
      .filter((p) => p.shift === cls.shift)
      .map((p) => [p.period, p]),
  );
  refuseIf(
    candidates.flatMap((c, i) =>
      bell.has(c.values.period)
        ? []
        : [problem(locale, fieldOf(i), 'no_bell_period', { period: c.values.period, shift: cls.shift })],
    ),
  );
  const teacherIds = [...new Set(candidates.map((c) => c.values.teacherId))];
  const near = await store.slotsNear(tx, cls.academicYearId, cls.institutionId, teacherIds);
  const others = near
    .filter((s) => !replacing.includes(s.id) && s.startMinute !== null && s.endMinute !== null)
    .map((s) => ({ ...s, key: String(s.id), startMinute: s.startMinute!, endMinute: s.endMinute! }));
  const mine = candidates.map((c, i) => {
    const period = bell.get(c.values.period)!;
    return {
      ...c.values,
      id: c.id ?? 0,
      key: `new-${i}`,
      institutionId: cls.institutionId,
      academicYearId: cls.academicYearId,
      classId: cls.id,
      grade: cls.grade,
      letter: cls.letter,
      shift: cls.shift,
      startMinute: period.startMinute,
      endMinute: period.endMinute,
    };
  });
  const clashes = findClashes([...others, ...mine], new Set(mine.map((m) => m.key)));
  if (clashes.length === 0) return;
  const described = clashes.map((c) => describeClash(c, cls.institutionId, locale));
  throw new AppError(409, described[0]!.code, described[0]!.params, described);
}

/** Adds one weekly period to a class; refused with the clash named when it collides with another. */
export async function addEntry(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  classId: number,
  input: EntryInput,
  locale: Locale,
  today = schoolToday(),
) {
  return db.transaction(async (tx) => {
    const cls = await lockedClass(tx, (await classFor(tx, actor, classId, 'manage')).cls, [input.teacherId]);
    await store.bumpClassVersion(tx, cls.id, 'timetable');
    refuseIf(await checkEntries(tx, cls, [input], null, locale));
    const values = normalEntry(input);
    await checkChange(tx, cls, [{ id: null, values }], [], locale, () => 'period');
    const [id] = await store.insertEntries(tx, cls, [values]);
    if (input.subjectTeacher) await adoptSubjectTeachers(tx, ctx, cls, [values]);
    await regenerateFuture(tx, cls.institutionId, cls.academicYearId, [classId], today);
    const entry = (await store.findEntry(tx, id!))!;
    await audit(tx, ctx, { action: 'create', entity: 'timetable_entry', entityId: id!, after: entry });
    return entryView(entry);
  });
}

/**
 * Changes one weekly period, from the version of the class's week read (a period is part of the week): a
 * change from an older version is refused with both versions, the week as it is now being `current`.
 */
export async function updateEntry(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  entryId: number,
  input: EntryUpdateInput,
  locale: Locale,
  today = schoolToday(),
) {
  return db.transaction(async (tx) => {
    const before = await store.findEntry(tx, entryId);
    if (!before) throw notFound('timetable_entry');
    const cls = await lockedClass(tx, (await classFor(tx, actor, before.classId, 'manage')).cls, [
      input.teacherId,
    ]);
    // Under the timetable's locks, then the class row, as every writer of the week.
    if ((await store.bumpClassVersion(tx, cls.id, 'timetable', input.version)) === undefined) {
      const yours = { ...input, entryId };
      throw staleVersion(yours, await weekRecord(tx, cls));
    }
    refuseIf(await checkEntries(tx, cls, [input], null, locale));
    const values = normalEntry(input);
    await checkChange(tx, cls, [{ id: entryId, values }], [entryId], locale, () => 'period');
    await store.updateEntry(tx, entryId, values);
    if (input.subjectTeacher) await adoptSubjectTeachers(tx, ctx, cls, [values]);
    await regenerateFuture(tx, cls.institutionId, cls.academicYearId, [cls.id], today);
    const after = (await store.findEntry(tx, entryId))!;
    await audit(tx, ctx, { action: 'update', entity: 'timetable_entry', entityId: entryId, before, after });
    return entryView(after);
  });
}

/** Removes one weekly period; its future empty lessons go, filled-in ones stay as cancelled. */
export async function deleteEntry(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  entryId: number,
  today = schoolToday(),
) {
  return db.transaction(async (tx) => {
    const before = await store.findEntry(tx, entryId);
    if (!before) throw notFound('timetable_entry');
    const { cls } = await classFor(tx, actor, before.classId, 'manage');
    // The school's lock: the class's lessons are regenerated by one writer at a time.
    await store.lockTimetable(tx, cls.academicYearId, cls.institutionId, []);
    await store.bumpClassVersion(tx, cls.id, 'timetable');
    await store.deleteEntries(tx, [entryId]);
    await regenerateFuture(tx, cls.institutionId, cls.academicYearId, [cls.id], today);
    await audit(tx, ctx, { action: 'delete', entity: 'timetable_entry', entityId: entryId, before });
    return { ok: true };
  });
}

/** Replaces a class's whole week at once: checked as a whole, kept whole or not at all. */
export async function replaceWeek(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  classId: number,
  /** The week with the version it was made from; a bare week (the seed, a test's setup) is saved whatever the version. */
  input: { version: number; entries: EntryInput[] } | EntryInput[],
  locale: Locale,
  today = schoolToday(),
) {
  return db.transaction(async (tx) => {
    const { cls } = await classFor(tx, actor, classId, 'manage');
    return Array.isArray(input)
      ? writeWeek(tx, ctx, cls, input, 'entries.', locale, today)
      : writeWeek(tx, ctx, cls, input.entries, 'entries.', locale, today, input);
  });
}

/** A class's week as one record, as `GET /classes/{classId}/timetable` answers it. */
async function weekRecord(db: Db, cls: store.ClassRow) {
  return {
    classId: cls.id,
    shift: cls.shift,
    version: (await store.classVersions(db, cls.id)).timetableVersion,
    entries: (await store.timetableOf(db, cls.id)).map(entryView),
  };
}

/**
 * Takes the timetable's locks for a class and its teachers, then reads the class again: a shift changed by a
 * writer that held the locks before us is the one the clash check must see.
 */
async function lockedClass(tx: Db, cls: store.ClassRow, teacherIds: number[]): Promise<store.ClassRow> {
  await store.lockTimetable(tx, cls.academicYearId, cls.institutionId, teacherIds);
  return (await store.findClass(tx, cls.id)) ?? cls;
}

async function writeWeek(
  tx: Db,
  ctx: ChangeContext,
  unlocked: store.ClassRow,
  entries: EntryInput[],
  prefix: string,
  locale: Locale,
  today: string,
  /** The save made from a version of the week (a whole-week `PUT`); none: a copy, which bumps it anyway. */
  from?: { version: number; entries: EntryInput[] },
) {
  const cls = await lockedClass(
    tx,
    unlocked,
    entries.map((e) => e.teacherId),
  );
  // Under the timetable's locks, then the class row: the order every writer of the week takes them in.
  const version = await store.bumpClassVersion(tx, cls.id, 'timetable', from?.version);
  if (version === undefined) throw staleVersion(from!, await weekRecord(tx, cls));
  refuseIf(await checkEntries(tx, cls, entries, prefix, locale));
  const before = await store.timetableOf(tx, cls.id);
  const values = entries.map(normalEntry);
  await checkChange(
    tx,
    cls,
    values.map((v) => ({ id: null, values: v })),
    before.map((e) => e.id),
    locale,
    (i) => `${prefix}${i}.period`,
  );
  await store.deleteEntries(
    tx,
    before.map((e) => e.id),
  );
  await store.insertEntries(tx, cls, values);
  await adoptSubjectTeachers(
    tx,
    ctx,
    cls,
    values.filter((_, i) => entries[i]!.subjectTeacher === true),
  );
  await regenerateFuture(tx, cls.institutionId, cls.academicYearId, [cls.id], today);
  const after = await store.timetableOf(tx, cls.id);
  await audit(tx, ctx, {
    action: 'replace_week',
    entity: 'timetable',
    entityId: cls.id,
    before: before.map(entryView),
    after: after.map(entryView),
  });
  return { classId: cls.id, shift: cls.shift, version, entries: after.map(entryView) };
}

/**
 * Copies another class's week (same school and year) onto this class, replacing its own. With
 * `keepTeachers` false each subject goes to this class's subject teacher, which is how a parallel class in
 * the other shift gets the same plan without its teachers clashing.
 */
export async function copyWeek(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  classId: number,
  fromClassId: number,
  keepTeachers: boolean,
  locale: Locale,
  today = schoolToday(),
) {
  return db.transaction(async (tx) => {
    const { cls } = await classFor(tx, actor, classId, 'manage');
    const from = await store.findClass(tx, fromClassId);
    if (!from || from.institutionId !== cls.institutionId || from.academicYearId !== cls.academicYearId) {
      throw invalid([problem(locale, 'fromClassId', 'not_same_school')]);
    }
    const teachers = new Map(
      (await store.subjectTeachersOf(tx, classId)).map((s) => [s.subjectCode, s.teacherId]),
    );
    const entries = (await store.timetableOf(tx, fromClassId)).map((e) => ({
      weekday: e.weekday,
      period: e.period,
      subjectCode: e.subjectCode,
      teacherId: keepTeachers ? e.teacherId : (teachers.get(e.subjectCode) ?? e.teacherId),
      room: e.room,
    }));
    return writeWeek(tx, ctx, cls, entries, 'fromClassId.', locale, today);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Lesson occurrences

/** The school days from `from` to `to`: inside the academic year, holidays of the school calendar left out. */
export async function schoolDays(
  db: Db,
  academicYearId: number,
  from: string,
  to: string,
): Promise<string[]> {
  const year = await institutionsStore.findAcademicYear(db, academicYearId);
  if (!year) return [];
  const holidays = await institutionsStore.holidaysOf(db, academicYearId);
  const first = from > year.startsOn ? from : year.startsOn;
  const last = to < year.endsOn ? to : year.endsOn;
  const days: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) {
    if (!holidays.some((h) => h.startsOn <= day && day <= h.endsOn)) days.push(day);
  }
  return days;
}

/** How far ahead a timetable change makes lessons when the school's calendar has no term around today. */
export const DEFAULT_HORIZON_DAYS = 27;

/**
 * The last date a timetable change makes lessons up to: the end of the term holding `today` (or of the next
 * term, between terms), else four weeks ahead; never before the last date already generated for the school.
 */
async function horizonOf(tx: Db, academicYearId: number, classIds: number[], today: string) {
  const terms = await institutionsStore.termsOf(tx, academicYearId);
  const term =
    terms.find((t) => t.startsOn <= today && today <= t.endsOn) ?? terms.find((t) => t.startsOn > today);
  const own = term ? term.endsOn : addDays(today, DEFAULT_HORIZON_DAYS);
  const last = await store.lastLessonDate(tx, classIds, today);
  return last !== null && last > own ? last : own;
}

/**
 * After a timetable or bell change, inside its transaction: brings the given classes' occurrences from `today`
 * to the horizon (`horizonOf`) in line with the timetable — new periods get their lessons at once, removed
 * ones lose their empty future lessons (filled-in or marked ones stay, cancelled).
 */
async function regenerateFuture(
  tx: Db,
  institutionId: number,
  academicYearId: number,
  classIds: number[],
  today: string,
) {
  if (classIds.length === 0) return;
  const all = await store.classIdsInYear(tx, institutionId, academicYearId);
  const last = await horizonOf(tx, academicYearId, all, today);
  const days = await schoolDays(tx, academicYearId, today, last);
  await store.generateLessons(tx, classIds, days, { from: today, to: last, today });
}

/**
 * Generates the occurrences of every class of a school for a date range: idempotent (run it twice, nothing
 * changes the second time), holidays skipped; past occurrences are only ever added, never changed.
 */
export async function generateLessons(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  institutionId: number,
  input: { academicYearId: number; from: string; to: string },
  locale: Locale,
  today = schoolToday(),
) {
  if (!managesSchool(actor, institutionId)) throw forbidden();
  await schoolOf(db, institutionId);
  const problems: FieldProblem[] = [];
  if (input.to < input.from) problems.push(problem(locale, 'to', 'before_from'));
  else if (daysBetween(input.from, input.to) > MAX_GENERATE_DAYS) {
    problems.push(problem(locale, 'to', 'range_too_long', { days: MAX_GENERATE_DAYS }));
  }
  refuseIf(problems);
  return db.transaction(async (tx) => {
    const year = await resolveYear(tx, input.academicYearId, locale, 'academicYearId');
    await store.lockTimetable(tx, year.id, institutionId, []);
    const classIds = await store.classIdsInYear(tx, institutionId, year.id);
    const days = await schoolDays(tx, year.id, input.from, input.to);
    const counts = await store.generateLessons(tx, classIds, days, { from: input.from, to: input.to, today });
    await audit(tx, ctx, {
      action: 'generate',
      entity: 'lessons',
      entityId: institutionId,
      after: { academicYearId: year.id, from: input.from, to: input.to, ...counts },
    });
    return { classes: classIds.length, days: days.length, ...counts };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Lessons

/** How long the curriculum's subject names are kept in memory: they change only when a country pack loads. */
const SUBJECT_NAMES_MS = 60_000;
const subjectCache = new WeakMap<Db, { at: number; subjects: Promise<Map<string, SubjectRow>> }>();
type SubjectRow = Awaited<ReturnType<typeof institutionsStore.subjectsByCode>>[number];

/**
 * The curriculum's subjects by code, kept for a minute per database: every lesson list names its subjects,
 * and a student's "today" should not spend a query on twenty rows that change once a year.
 */
function subjectNames(db: Db): Promise<Map<string, SubjectRow>> {
  const kept = subjectCache.get(db);
  if (kept && Date.now() - kept.at < SUBJECT_NAMES_MS) return kept.subjects;
  const subjects = institutionsStore.listSubjects(db).then((list) => new Map(list.map((s) => [s.code, s])));
  subjectCache.set(db, { at: Date.now(), subjects });
  // A failed read is not kept.
  void subjects.catch(() => subjectCache.delete(db));
  return subjects;
}

async function lessonViews(db: Db, list: store.LessonRow[], locale: Locale) {
  if (list.length === 0) return [];
  // Only lessons a teacher filled in can have materials: an empty day costs no query for them.
  const filled = list.filter((l) => l.hasContent).map((l) => l.id);
  // Sequential, since `db` may be a transaction's single connection.
  const materials = filled.length > 0 ? await store.materialsOf(db, filled) : [];
  const teachers = await identityStore.namesOf(db, [...new Set(list.map((l) => l.teacherId))]);
  return shapeLessons(db, list, locale, new Map(teachers.map((t) => [t.id, t.displayName])), materials);
}

/** Lesson rows read with their teacher's name and materials (`describedLessonsOfStudent`) as the API shows them. */
async function describedLessonViews(
  db: Db,
  list: (store.LessonRow & { teacherName: string | null; materials: store.MaterialRow[] })[],
  locale: Locale,
) {
  const teacherName = new Map<number, string>();
  for (const l of list) if (l.teacherName !== null) teacherName.set(l.teacherId, l.teacherName);
  return shapeLessons(
    db,
    list.map(({ teacherName: _name, materials: _materials, ...l }) => l),
    locale,
    teacherName,
    list.flatMap((l) => l.materials),
  );
}

async function shapeLessons(
  db: Db,
  list: store.LessonRow[],
  locale: Locale,
  teacherName: Map<number, string>,
  materials: store.MaterialRow[],
) {
  const subjects = await subjectNames(db);
  const nameKey = locale === 'az' ? 'nameAz' : locale === 'ru' ? 'nameRu' : 'nameEn';
  const subjectName = new Map([...subjects.values()].map((s) => [s.code, s[nameKey]]));
  const byLesson = new Map<number, store.MaterialRow[]>();
  for (const m of materials) byLesson.set(m.lessonId, [...(byLesson.get(m.lessonId) ?? []), m]);
  return list.map((l) => ({
    id: l.id,
    classId: l.classId,
    date: l.date,
    period: l.period,
    startsAt: clock(l.startMinute),
    endsAt: clock(l.endMinute),
    subjectCode: l.subjectCode,
    subject: subjectName.get(l.subjectCode) ?? l.subjectCode,
    teacherId: l.teacherId,
    teacher: teacherName.get(l.teacherId) ?? '',
    room: l.room,
    state: l.state,
    topic: l.topic,
    homework: l.homework,
    meetingUrl: l.meetingUrl,
    materials: (byLesson.get(l.id) ?? []).map((m) => ({
      kind: m.kind,
      resourceId: m.resourceId,
      url: m.url,
      title: m.title,
    })),
    version: l.version,
  }));
}

function checkRange(from: string, to: string, max: number, locale: Locale) {
  if (to < from) throw invalid([problem(locale, 'to', 'before_from')]);
  if (daysBetween(from, to) > max) throw invalid([problem(locale, 'to', 'range_too_long', { days: max })]);
}

/** A class's lessons between two dates, for those who may see the class. */
export async function classLessons(
  db: Db,
  actor: Actor,
  classId: number,
  from: string,
  to: string,
  locale: Locale,
) {
  checkRange(from, to, MAX_LIST_DAYS, locale);
  await classFor(db, actor, classId, 'read');
  return {
    from,
    to,
    items: await lessonViews(db, await store.lessonsOfClass(db, classId, from, to), locale),
  };
}

async function lessonFor(db: Db, actor: Actor, lessonId: number, need: 'read' | 'write') {
  const lesson = await store.findLesson(db, lessonId);
  if (!lesson) throw notFound('lesson');
  // The lesson's own teacher keeps it even after the class went to someone else (a past lesson to complete).
  const own = lesson.teacherId === actor.userId && holds(actor, 'teacher', lesson.institutionId);
  const cls = (await store.findClass(db, lesson.classId))!;
  const relation = own ? 'teach' : await relationTo(db, actor, cls);
  const mayWrite = relation === 'manage' || own;
  if (relation === null || (need === 'write' && !mayWrite)) throw forbidden();
  return lesson;
}

/** One lesson occurrence with its content. */
export async function getLesson(db: Db, actor: Actor, lessonId: number, locale: Locale) {
  const lesson = await lessonFor(db, actor, lessonId, 'read');
  return (await lessonViews(db, [lesson], locale))[0]!;
}

const isHttp = (value: string) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};
const blankToNull = (value: string | null) => (value === null || value.trim() === '' ? null : value.trim());

/** The teacher of a lesson (or the school's director) fills it in: topic, homework, materials, meeting link. */
export async function saveLesson(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  lessonId: number,
  input: LessonInput,
  locale: Locale,
) {
  const problems: FieldProblem[] = [];
  const meetingUrl = blankToNull(input.meetingUrl);
  if (meetingUrl !== null && !isHttp(meetingUrl)) problems.push(problem(locale, 'meetingUrl', 'not_http'));
  const materials = input.materials.map((m, i) => {
    const url = blankToNull(m.url);
    if (m.kind === 'resource') {
      if (m.resourceId === null)
        problems.push(problem(locale, `materials.${i}.resourceId`, 'resource_needs_id'));
      if (url !== null) problems.push(problem(locale, `materials.${i}.url`, 'only_one'));
    } else {
      if (url === null) problems.push(problem(locale, `materials.${i}.url`, 'url_needs_url'));
      else if (!isHttp(url)) problems.push(problem(locale, `materials.${i}.url`, 'not_http'));
      if (m.resourceId !== null) problems.push(problem(locale, `materials.${i}.resourceId`, 'only_one'));
    }
    return {
      kind: m.kind,
      resourceId: m.kind === 'resource' ? m.resourceId : null,
      url,
      title: blankToNull(m.title),
    };
  });
  // A resource must exist and be published (the class could not open it otherwise); its title is the default.
  const refs = await publishedResources(
    db,
    materials.flatMap((m) => (m.resourceId !== null ? [m.resourceId] : [])),
  );
  materials.forEach((m, i) => {
    if (m.resourceId === null) return;
    const ref = refs.get(m.resourceId);
    if (!ref) problems.push(problem(locale, `materials.${i}.resourceId`, 'resource_unknown'));
    else m.title ??= ref.title;
  });
  refuseIf(problems);
  return db.transaction(async (tx) => {
    const before = await lessonFor(tx, actor, lessonId, 'write');
    const content = { topic: blankToNull(input.topic), homework: blankToNull(input.homework), meetingUrl };
    const saved =
      before.version === input.version &&
      (await store.saveLessonContent(tx, before, input.version, content, materials));
    if (!saved) {
      const current = (await store.findLesson(tx, lessonId))!;
      throw staleVersion(input, (await lessonViews(tx, [current], locale))[0]!);
    }
    await audit(tx, ctx, {
      action: 'update',
      entity: 'lesson',
      entityId: lessonId,
      before: { topic: before.topic, homework: before.homework, meetingUrl: before.meetingUrl },
      after: { ...content, materials },
    });
    return (await lessonViews(tx, [(await store.findLesson(tx, lessonId))!], locale))[0]!;
  });
}

/** A teacher's own lessons between two dates, each with its class's name, to fill them in. */
export async function teachingLessons(
  db: Db,
  actor: Actor,
  range: { from?: string; to?: string },
  locale: Locale,
) {
  const today = schoolToday();
  const from = range.from ?? addDays(today, 1 - weekdayOf(today));
  const to = range.to ?? addDays(from, 6);
  checkRange(from, to, MAX_LIST_DAYS, locale);
  const rows = await store.lessonsOfTeacher(db, actor.userId, from, to);
  const names = new Map(
    (await store.findClasses(db, [...new Set(rows.map((l) => l.classId))])).map((c) => [c.id, className(c)]),
  );
  const views = await lessonViews(db, rows, locale);
  return { from, to, items: views.map((v) => ({ ...v, className: names.get(v.classId)! })) };
}

/** The teachers of a school, for the director's timetable and class forms. */
export async function schoolTeachers(db: Db, institutionId: number) {
  return { items: await identityStore.peopleWithRolesAt(db, ['teacher'], institutionId) };
}

/** A student's lessons of a day, or of the week (Monday to Sunday) holding it: their class's occurrences. */
export async function myLessons(
  db: Db,
  actor: Actor,
  span: 'day' | 'week',
  date: string | undefined,
  locale: Locale,
) {
  return studentLessons(db, actor.userId, span, date, locale);
}

/**
 * A student's lessons of a day or of its week, with their content: for the student themself, and for the home
 * pages of those the routes let see the student (their parents). The caller checks access.
 */
export async function studentLessons(
  db: Db,
  studentId: number,
  span: 'day' | 'week',
  date: string | undefined,
  locale: Locale,
) {
  const day = date ?? schoolToday();
  const from = span === 'day' ? day : addDays(day, 1 - weekdayOf(day));
  const to = span === 'day' ? day : addDays(from, 6);
  return {
    from,
    to,
    items: await describedLessonViews(
      db,
      await store.describedLessonsOfStudent(db, studentId, from, to),
      locale,
    ),
  };
}

/**
 * Lesson occurrences as the API shows them (subject and teacher names, materials), for the home pages that
 * read lesson rows through the store.
 */
export async function describeLessons(db: Db, list: store.LessonRow[], locale: Locale) {
  return lessonViews(db, list, locale);
}
