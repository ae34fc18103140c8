import { createHash, randomInt } from 'node:crypto';

import type { Actor, ScopeTarget } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, forbidden, notFound, type FieldProblem } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { csvText } from '@/server/csv';
import { tablePdf } from '@/server/pdf';
import { audit, linkGuardian, type ChangeContext } from '@/modules/identity/identity.service';
import * as identityStore from '@/modules/identity/identity.store';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import * as classroomStore from '@/modules/classroom/classroom.store';
import { addDays, SCHOOL_TIME_ZONE, schoolToday } from '@/modules/classroom/classroom.service';
import { notifyEach, withdrawJournal } from '@/modules/notifications/notifications.service';
import * as store from '@/modules/journal/journal.store';
import type { EntriesInput } from '@/modules/journal/journal.schema';
import * as clock from '@/server/clock';

/**
 * The class journal's rules (docs/journal.md): who reads and writes which journal, whole-class saves with
 * per-cell versions (a cell changed meanwhile comes back as a conflict and is not written), closed terms and
 * their corrections, results by the documented rule with teachers' overrides, parents' link codes, a student's
 * overview and the reports. Every write runs in one transaction with its audit entry.
 */

defineMessages({
  en: {
    term_closed: 'This term is closed: a change needs a correction with its reason.',
    'journal.invalid': 'Some entries are not valid; nothing was saved.',
    'journal.term_already_closed': 'This term is already closed.',
    'journal.no_current_year': 'There is no current academic year.',
    'journal.no_scale': 'The country pack has no grading scale.',
    'journal.link_code_invalid': 'This code is not valid: it is wrong, used or expired.',
    'journal.too_many_attempts': 'Too many wrong codes. Try again in {minutes} min.',
    'journal.rule.unknown_term': 'is not a term of this academic year',
    'journal.rule.unknown_column': 'is not a column of this journal',
    'journal.rule.not_enrolled': 'is not a student of this class',
    'journal.rule.unknown_attendance_code': 'is not an attendance code',
    'journal.rule.reason_required': 'needs a reason',
    'journal.rule.mark_not_on_scale': 'is not a mark of the grading scale',
    'journal.rule.duplicate': 'is given twice',
    'journal.rule.empty_entry': 'gives neither attendance nor a mark',
    'journal.rule.outside_term': 'is outside the term',
    'journal.rule.own_child': 'cannot be linked to yourself',
    'journal.not_started':
      'The lesson of {date}, period {period}, has not started yet: attendance and marks are taken from {time}.',
    'journal.assessment_not_yet': 'The assessment “{title}” is on {date}: marks are given from that day.',
    'journal.label.student': 'Student',
    'journal.label.subject': 'Subject',
    'journal.label.marks': 'Marks',
    'journal.label.average': 'Average',
    'journal.label.result': 'Term result',
    'journal.label.year_result': 'Year result',
    'journal.label.absences': 'Absences',
    'journal.label.recorded': 'Lessons recorded',
    'journal.label.rate': 'Attendance rate',
    'journal.label.class': 'Class',
    'journal.label.students': 'Students',
    'journal.label.marks_average': 'Average mark',
    'journal.label.all_classes': 'All classes',
    'journal.pdf.report_card': 'Report card: {student}',
    'journal.pdf.subtitle': 'Class {class}, {term} ({from} – {to})',
    'journal.pdf.page': 'Page {page} of {pages}',
  },
  az: {
    term_closed: 'Bu dövr bağlanıb: dəyişiklik üçün səbəbi göstərilən düzəliş lazımdır.',
    'journal.invalid': 'Bəzi qeydlər düzgün deyil; heç nə saxlanmadı.',
    'journal.term_already_closed': 'Bu dövr artıq bağlanıb.',
    'journal.no_current_year': 'Cari tədris ili yoxdur.',
    'journal.no_scale': 'Ölkə paketində qiymətləndirmə şkalası yoxdur.',
    'journal.link_code_invalid': 'Bu kod etibarlı deyil: səhvdir, istifadə olunub və ya vaxtı keçib.',
    'journal.too_many_attempts': 'Çox sayda səhv kod. {minutes} dəq. sonra yenidən cəhd edin.',
    'journal.rule.unknown_term': 'bu tədris ilinin dövrü deyil',
    'journal.rule.unknown_column': 'bu jurnalın sütunu deyil',
    'journal.rule.not_enrolled': 'bu sinfin şagirdi deyil',
    'journal.rule.unknown_attendance_code': 'davamiyyət kodu deyil',
    'journal.rule.reason_required': 'səbəb göstərilməlidir',
    'journal.rule.mark_not_on_scale': 'qiymətləndirmə şkalasının qiyməti deyil',
    'journal.rule.duplicate': 'iki dəfə verilib',
    'journal.rule.empty_entry': 'nə davamiyyət, nə də qiymət verilib',
    'journal.rule.outside_term': 'dövrdən kənardadır',
    'journal.rule.own_child': 'özünüzə bağlana bilməz',
    'journal.not_started':
      '{date}, {period} nömrəli dərs hələ başlamayıb: davamiyyət və qiymətlər dərs başlayandan (saat {time}) sonra qeyd olunur.',
    'journal.assessment_not_yet':
      '“{title}” qiymətləndirməsi {date} tarixindədir: qiymətlər həmin gündən qoyulur.',
    'journal.label.student': 'Şagird',
    'journal.label.subject': 'Fənn',
    'journal.label.marks': 'Qiymətlər',
    'journal.label.average': 'Orta',
    'journal.label.result': 'Yarımillik qiymət',
    'journal.label.year_result': 'İllik qiymət',
    'journal.label.absences': 'Buraxılmış dərslər',
    'journal.label.recorded': 'Qeyd olunmuş dərslər',
    'journal.label.rate': 'Davamiyyət',
    'journal.label.class': 'Sinif',
    'journal.label.students': 'Şagirdlər',
    'journal.label.marks_average': 'Orta qiymət',
    'journal.label.all_classes': 'Bütün siniflər',
    'journal.pdf.report_card': 'Qiymət vərəqəsi: {student}',
    'journal.pdf.subtitle': '{class} sinfi, {term} ({from} – {to})',
    'journal.pdf.page': 'Səhifə {page} / {pages}',
  },
  ru: {
    term_closed: 'Этот период закрыт: изменение требует исправления с указанием причины.',
    'journal.invalid': 'Некоторые записи неверны; ничего не сохранено.',
    'journal.term_already_closed': 'Этот период уже закрыт.',
    'journal.no_current_year': 'Нет текущего учебного года.',
    'journal.no_scale': 'В пакете страны нет шкалы оценок.',
    'journal.link_code_invalid': 'Код недействителен: он неверен, использован или просрочен.',
    'journal.too_many_attempts': 'Слишком много неверных кодов. Повторите через {minutes} мин.',
    'journal.rule.unknown_term': 'не является периодом этого учебного года',
    'journal.rule.unknown_column': 'не является столбцом этого журнала',
    'journal.rule.not_enrolled': 'не является учеником этого класса',
    'journal.rule.unknown_attendance_code': 'не является кодом посещаемости',
    'journal.rule.reason_required': 'нужна причина',
    'journal.rule.mark_not_on_scale': 'не является оценкой шкалы',
    'journal.rule.duplicate': 'указано дважды',
    'journal.rule.empty_entry': 'не указаны ни посещаемость, ни оценка',
    'journal.rule.outside_term': 'вне периода',
    'journal.rule.own_child': 'нельзя привязать к самому себе',
    'journal.not_started': '{period}-й урок {date} ещё не начался: посещаемость и оценки ставятся с {time}.',
    'journal.assessment_not_yet': 'Работа «{title}» назначена на {date}: оценки ставятся с этого дня.',
    'journal.label.student': 'Ученик',
    'journal.label.subject': 'Предмет',
    'journal.label.marks': 'Оценки',
    'journal.label.average': 'Средняя',
    'journal.label.result': 'Оценка за период',
    'journal.label.year_result': 'Годовая оценка',
    'journal.label.absences': 'Пропуски',
    'journal.label.recorded': 'Отмечено уроков',
    'journal.label.rate': 'Посещаемость',
    'journal.label.class': 'Класс',
    'journal.label.students': 'Учеников',
    'journal.label.marks_average': 'Средняя оценка',
    'journal.label.all_classes': 'Все классы',
    'journal.pdf.report_card': 'Табель успеваемости: {student}',
    'journal.pdf.subtitle': 'Класс {class}, {term} ({from} – {to})',
    'journal.pdf.page': 'Страница {page} из {pages}',
  },
});

/** How far ahead of today lessons appear as columns (a teacher may prepare next week's). */
export const COLUMNS_AHEAD_DAYS = 7;
/** How long a parent's link code lives. */
export const LINK_CODE_DAYS = 14;
/** Letters of link codes: no look-alikes (0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10;
/** Wrong link codes allowed per person within the window. */
export const LINK_MAX_FAILURES = 10;
const LINK_WINDOW_MS = 15 * 60 * 1000;
/** Weights of the term result (docs/journal.md): lesson marks and summative assessment marks. */
export const LESSON_WEIGHT = 0.4;
export const ASSESSMENT_WEIGHT = 0.6;
/** The override key of a year result. */
export const YEAR = 'year';

const className = (c: { grade: number; letter: string }) => `${c.grade}${c.letter}`;
const localName = (row: { nameAz: string; nameRu: string; nameEn: string }, locale: Locale) =>
  locale === 'ru' ? row.nameRu : locale === 'en' ? row.nameEn : row.nameAz;
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const blank = (value: string | null | undefined) =>
  value === undefined || value === null || value.trim() === '';

const problem = (locale: Locale, field: string, rule: string): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `journal.rule.${rule}`)}`,
});
const invalid = (problems: FieldProblem[]) => new AppError(422, 'journal.invalid', {}, problems);

// ---------------------------------------------------------------------------------------------------------
// Results: the documented rule (docs/journal.md)

/** Rounds half up (4.5 → 5), the way report cards round. */
export const roundHalfUp = (value: number): number => Math.floor(value + 0.5 + 1e-9);

/**
 * A term result from a student's marks in a subject: the mean of lesson marks weighted 40 %, the mean of
 * summative assessment marks 60 %; either alone when the other is missing; rounded half up and kept on the
 * scale. Null without marks.
 */
export function termResult(
  marks: { value: number; kind: 'lesson' | 'assessment' }[],
  scaleValues: number[],
): number | null {
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
  const lesson = mean(marks.filter((m) => m.kind === 'lesson').map((m) => m.value));
  const summative = mean(marks.filter((m) => m.kind === 'assessment').map((m) => m.value));
  const raw =
    lesson !== null && summative !== null
      ? LESSON_WEIGHT * lesson + ASSESSMENT_WEIGHT * summative
      : (lesson ?? summative);
  if (raw === null) return null;
  return clampToScale(roundHalfUp(raw), scaleValues);
}

/** A year result: the mean of every term's final result, rounded half up; null while a term has none. */
export function yearResult(termFinals: (number | null)[], scaleValues: number[]): number | null {
  if (termFinals.length === 0 || termFinals.some((t) => t === null)) return null;
  const values = termFinals as number[];
  return clampToScale(roundHalfUp(values.reduce((s, x) => s + x, 0) / values.length), scaleValues);
}

function clampToScale(value: number, scaleValues: number[]): number {
  if (scaleValues.length === 0) return value;
  const min = Math.min(...scaleValues);
  const max = Math.max(...scaleValues);
  return Math.min(max, Math.max(min, value));
}

// ---------------------------------------------------------------------------------------------------------
// Reference data

async function currentYear(db: Db) {
  const year = (await institutionsStore.listAcademicYears(db)).find((y) => y.isCurrent);
  if (!year) throw new AppError(422, 'journal.no_current_year');
  return year;
}

type TermRow = Awaited<ReturnType<typeof institutionsStore.termsOf>>[number];

async function termOf(db: Db, academicYearId: number, code: string, locale: Locale): Promise<TermRow> {
  const term = (await institutionsStore.termsOf(db, academicYearId)).find((t) => t.code === code);
  if (!term) throw invalid([problem(locale, 'term', 'unknown_term')]);
  return term;
}

interface Scale {
  code: string;
  marks: { value: number; name: string }[];
  values: Set<number>;
}

async function scaleOf(db: Db, locale: Locale): Promise<Scale> {
  const row = await institutionsStore.defaultGradingScale(db);
  if (!row) throw new AppError(409, 'journal.no_scale');
  const marks = (row.marks as { value: number; name: Record<Locale, string> }[])
    .map((m) => ({ value: m.value, name: m.name[locale] ?? m.name.az }))
    .sort((a, b) => b.value - a.value);
  return { code: row.code, marks, values: new Set(marks.map((m) => m.value)) };
}

const codeView = (c: store.AttendanceCodeRow, locale: Locale) => ({
  code: c.code,
  name: localName(c, locale),
  short: locale === 'ru' ? c.shortRu : locale === 'en' ? c.shortEn : c.shortAz,
  countsAsPresent: c.countsAsPresent,
  needsReason: c.needsReason,
});

function termView(term: TermRow, closure: { closedAt: Date } | undefined, locale: Locale) {
  return {
    code: term.code,
    name: localName(term, locale),
    startsOn: term.startsOn,
    endsOn: term.endsOn,
    closed: closure !== undefined,
    closedAt: closure ? iso(closure.closedAt) : null,
  };
}

async function namesById(db: Db, ids: (number | null)[]): Promise<Map<number, string>> {
  const unique = [...new Set(ids.filter((i): i is number => i !== null))];
  return new Map((await identityStore.namesOf(db, unique)).map((p) => [p.id, p.displayName]));
}

// ---------------------------------------------------------------------------------------------------------
// Access

const holds = (actor: Actor, role: 'director' | 'teacher' | 'student', institutionId: number) =>
  actor.grants.some((g) => g.role === role && g.institutionId === institutionId);

/** The scope target of a student, for route declarations: the school they are a student of. */
export async function studentScope(db: Db, studentId: number): Promise<ScopeTarget> {
  const grant = (await identityStore.grantsOfUser(db, studentId)).find((g) => g.role === 'student');
  if (!grant || grant.institutionId === null) throw notFound('student');
  const place = await institutionsStore.institutionPlace(db, grant.institutionId);
  if (!place) throw notFound('student');
  return { kind: 'student', studentId, institutionId: grant.institutionId, areaPath: place.areaPath };
}

/** The institution of a class, for route scope declarations. */
export async function classInstitution(db: Db, classId: number): Promise<number> {
  const cls = await classroomStore.findClass(db, classId);
  if (!cls) throw notFound('class');
  return cls.institutionId;
}

/**
 * How the caller stands to a class's subject journal: the subject teacher edits it; the homeroom teacher and
 * the school's director read it; anyone else nothing.
 */
async function journalAccess(
  db: Db,
  actor: Actor,
  cls: classroomStore.ClassRow,
  subjectCode: string,
): Promise<'edit' | 'read' | null> {
  if (holds(actor, 'teacher', cls.institutionId)) {
    const teachers = await classroomStore.subjectTeachersOf(db, cls.id);
    if (teachers.some((t) => t.subjectCode === subjectCode && t.teacherId === actor.userId)) return 'edit';
    if (cls.homeroomTeacherId === actor.userId) return 'read';
  }
  if (holds(actor, 'director', cls.institutionId)) return 'read';
  return null;
}

async function classOr404(db: Db, classId: number) {
  const cls = await classroomStore.findClass(db, classId);
  if (!cls) throw notFound('class');
  return cls;
}

/** Whether the caller reads a class as a whole (attendance report): its director or homeroom teacher. */
const readsClass = (actor: Actor, cls: classroomStore.ClassRow) =>
  holds(actor, 'director', cls.institutionId) ||
  (holds(actor, 'teacher', cls.institutionId) && cls.homeroomTeacherId === actor.userId);

/**
 * How the caller stands to a student: themself, a linked parent, the school's director, a teacher of their
 * class ('teacher'), or their homeroom teacher ('homeroom'); null for anyone else.
 */
async function studentAccess(
  db: Db,
  actor: Actor,
  studentId: number,
  cls: classroomStore.ClassRow | null,
): Promise<'self' | 'parent' | 'director' | 'homeroom' | 'teacher' | null> {
  if (actor.userId === studentId && actor.grants.some((g) => g.role === 'student')) return 'self';
  if (actor.grants.some((g) => g.role === 'parent') && actor.childIds.includes(studentId)) return 'parent';
  if (!cls) return null;
  if (holds(actor, 'director', cls.institutionId)) return 'director';
  if (holds(actor, 'teacher', cls.institutionId)) {
    if (cls.homeroomTeacherId === actor.userId) return 'homeroom';
    if (await classroomStore.teachesClass(db, actor.userId, cls.id)) return 'teacher';
  }
  return null;
}

async function classOfStudent(db: Db, studentId: number, academicYearId: number) {
  const [cls] = await classroomStore.classesOfStudents(db, [studentId], academicYearId);
  return cls ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// The journal page

interface ColumnView {
  key: string;
  kind: 'lesson' | 'assessment';
  lessonId: number | null;
  assessmentId: number | null;
  date: string;
  period: number | null;
  title: string | null;
  subjectCode: string;
  homework: string | null;
  /** Whether it takes attendance and marks yet (`hasBegun`). */
  started: boolean;
}

/** Now at school (Asia/Baku): the date and the minute of the day. */
export function schoolClock(now: Date = clock.now()): { today: string; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: SCHOOL_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { today: schoolToday(now), minute: part('hour') * 60 + part('minute') };
}

/**
 * Whether a column takes attendance and marks yet: a lesson from its start (school time), an assessment from
 * its day. A column ahead is shown (a teacher prepares next week's topics) but written only once it begins.
 */
export const hasBegun = (
  clock: { today: string; minute: number },
  date: string,
  startMinute: number | null,
): boolean => date < clock.today || (date === clock.today && (startMinute ?? 0) <= clock.minute);

const clockTime = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** The last date whose lessons are columns: the term's end, or a week from today if sooner. */
const lastColumnDate = (term: TermRow) => {
  const ahead = addDays(schoolToday(), COLUMNS_AHEAD_DAYS);
  return term.endsOn < ahead ? term.endsOn : ahead;
};

/** The columns of a class in a term (every subject, or one): its scheduled lessons and its assessments. */
async function columnsOf(
  db: Db,
  classId: number,
  subjectCode: string | null,
  term: TermRow,
): Promise<ColumnView[]> {
  const last = lastColumnDate(term);
  const lessons =
    last < term.startsOn
      ? []
      : await classroomStore.lessonColumnsOf(db, classId, subjectCode, term.startsOn, last);
  const found = subjectCode
    ? await store.assessmentsOf(db, classId, subjectCode, term.code)
    : await store.assessmentsOfClass(db, classId, term.code);
  const columns: (ColumnView & { order: number })[] = [];
  const atSchool = schoolClock();
  for (const l of lessons) {
    columns.push({
      key: `l${l.id}`,
      kind: 'lesson',
      lessonId: l.id,
      assessmentId: null,
      date: l.date,
      period: l.period,
      title: l.topic,
      subjectCode: l.subjectCode,
      homework: l.homework,
      started: hasBegun(atSchool, l.date, l.startMinute),
      order: l.startMinute,
    });
  }
  for (const a of found) {
    columns.push({
      key: `a${a.id}`,
      kind: 'assessment',
      lessonId: null,
      assessmentId: a.id,
      date: a.date,
      period: null,
      title: a.title,
      subjectCode: a.subjectCode,
      homework: null,
      started: hasBegun(atSchool, a.date, null),
      order: 10_000 + a.id,
    });
  }
  columns.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order - b.order));
  return columns.map(({ order: _order, ...c }) => c);
}

const attendanceOf = (c: store.CellRow) =>
  c.attendanceCode === null ? null : { code: c.attendanceCode, reason: c.attendanceReason };
const markOf = (c: store.CellRow) => (c.mark === null ? null : { value: c.mark, comment: c.markComment });

function overrideView(o: store.OverrideRow, names: Map<number, string>) {
  return {
    value: o.value,
    reason: o.reason,
    by: (o.setBy !== null ? names.get(o.setBy) : undefined) ?? '',
    at: iso(o.setAt)!,
  };
}

/** The journal of a class's subject in a term: students, columns, cells, results. */
export async function journalPage(
  db: Db,
  actor: Actor,
  classId: number,
  subjectCode: string,
  termCode: string,
  locale: Locale,
) {
  const cls = await classOr404(db, classId);
  const access = await journalAccess(db, actor, cls, subjectCode);
  if (access === null) throw forbidden();
  // Reads that do not depend on each other go together: on a PostgreSQL pool they overlap (this is no
  // transaction, so PGlite's one connection simply takes them in turn).
  const [[subject], terms, closure, scale, codes, studentIds, allCells, overrides] = await Promise.all([
    institutionsStore.subjectsByCode(db, [subjectCode]),
    institutionsStore.termsOf(db, cls.academicYearId),
    store.findClosure(db, cls.institutionId, cls.academicYearId, termCode),
    scaleOf(db, locale),
    store.listAttendanceCodes(db),
    classroomStore.studentIdsOf(db, classId),
    store.cellsOf(db, classId, subjectCode, termCode),
    store.overridesOf(db, classId, subjectCode, [termCode]),
  ]);
  if (!subject) throw notFound('subject');
  const term = terms.find((t) => t.code === termCode);
  if (!term) throw invalid([problem(locale, 'term', 'unknown_term')]);
  const writers = [...allCells.map((c) => c.updatedBy), ...overrides.map((o) => o.setBy)];
  const [columns, people] = await Promise.all([
    columnsOf(db, classId, subjectCode, term),
    namesById(db, [...studentIds, ...writers]),
  ]);
  const students = studentIds
    .map((id) => ({ id, displayName: people.get(id) ?? '' }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName, locale) || a.id - b.id);
  const columnKind = new Map(columns.map((c) => [c.key, c.kind]));
  const enrolled = new Set(studentIds);
  const cellRows = allCells.filter((c) => enrolled.has(c.studentId) && columnKind.has(c.columnKey));
  const names = people;
  const scaleValues = [...scale.values];
  const marksByStudent = new Map<number, { value: number; kind: 'lesson' | 'assessment' }[]>();
  for (const c of cellRows) {
    if (c.mark === null) continue;
    const list = marksByStudent.get(c.studentId) ?? [];
    list.push({ value: c.mark, kind: columnKind.get(c.columnKey)! });
    marksByStudent.set(c.studentId, list);
  }
  const overrideOf = new Map(overrides.map((o) => [o.studentId, o]));
  return {
    class: { id: cls.id, name: className(cls) },
    subject: { code: subject.code, name: localName(subject, locale) },
    term: termView(term, closure, locale),
    scale: { code: scale.code, marks: scale.marks },
    attendanceCodes: codes.map((c) => codeView(c, locale)),
    students,
    columns: columns.map((c) => ({
      key: c.key,
      kind: c.kind,
      lessonId: c.lessonId,
      assessmentId: c.assessmentId,
      date: c.date,
      period: c.period,
      title: c.title,
      started: c.started,
    })),
    cells: cellRows.map((c) => ({
      studentId: c.studentId,
      key: c.columnKey,
      attendance: attendanceOf(c),
      mark: markOf(c),
      version: c.version,
      updatedBy: c.updatedBy !== null ? (names.get(c.updatedBy) ?? null) : null,
      updatedAt: c.updatedAt,
    })),
    results: students.map((s) => {
      const computed = termResult(marksByStudent.get(s.id) ?? [], scaleValues);
      const o = overrideOf.get(s.id);
      return {
        studentId: s.id,
        computed,
        override: o ? overrideView(o, names) : null,
        final: o ? o.value : computed,
      };
    }),
    canEdit: access === 'edit',
  };
}

/** One cell's history, for those who read its journal. */
export async function cellHistory(db: Db, actor: Actor, studentId: number, key: string) {
  const id = Number(key.slice(1));
  let classId: number;
  let subjectCode: string;
  if (key.startsWith('l')) {
    const lesson = await classroomStore.findLesson(db, id);
    if (!lesson) throw notFound('lesson');
    classId = lesson.classId;
    subjectCode = lesson.subjectCode;
  } else {
    const assessment = await store.findAssessment(db, id);
    if (!assessment) throw notFound('assessment');
    classId = assessment.classId;
    subjectCode = assessment.subjectCode;
  }
  const cls = await classOr404(db, classId);
  if ((await journalAccess(db, actor, cls, subjectCode)) === null) throw forbidden();
  const events = await store.historyOf(db, studentId, key);
  const names = await namesById(
    db,
    events.map((e) => e.by),
  );
  return events.map((e) => ({
    at: iso(e.at)!,
    by: e.by !== null ? (names.get(e.by) ?? null) : null,
    attendance: e.attendanceCode === null ? null : { code: e.attendanceCode, reason: e.attendanceReason },
    mark: e.mark === null ? null : { value: e.mark, comment: e.markComment },
    version: e.version,
    reason: e.correctionReason,
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/** The lesson columns a save names, read as few at a time as it takes. */
async function lessonsNamed(db: Db, classId: number, ids: number[], term: TermRow) {
  if (ids.length <= 3) {
    const found = [];
    for (const id of ids) {
      const lesson = await classroomStore.findLesson(db, id);
      if (lesson) found.push(lesson);
    }
    return found;
  }
  const wanted = new Set(ids);
  return (await classroomStore.lessonsOfClass(db, classId, term.startsOn, term.endsOn)).filter((l) =>
    wanted.has(l.id),
  );
}

/**
 * Tells the students' guardians, in the save's transaction, of each absence (a code that does not count as
 * present) and each new or changed mark the save wrote: once per change — a cell saved again unchanged is not
 * written, so it tells nothing; a corrected mark or a changed absence code tells again. A notice that the save
 * made untrue is withdrawn (deleted, see `withdrawJournal`): the absence of a cell corrected to a present code
 * or cleared, the mark of a cell whose mark was removed or changed (the new mark is told instead), so a parent
 * never reads an absence or a mark the journal no longer holds.
 */
async function noticeParents(
  tx: Db,
  subjectCode: string,
  before: Map<string, store.CellRow>,
  written: store.CellWrite[],
  absenceCodes: Set<string>,
) {
  const absences: store.CellWrite[] = [];
  const marks: store.CellWrite[] = [];
  const absencesGone: { studentId: number; lessonId: number }[] = [];
  const marksGone: { studentId: number; columnKey: string }[] = [];
  for (const w of written) {
    const was = before.get(`${w.studentId}:${w.columnKey}`);
    const wasCode = was?.attendanceCode ?? null;
    const wasMark = was?.mark ?? null;
    if (
      w.lessonId !== null &&
      w.attendanceCode !== null &&
      absenceCodes.has(w.attendanceCode) &&
      w.attendanceCode !== wasCode
    )
      absences.push(w);
    if (w.lessonId !== null && wasCode !== null && absenceCodes.has(wasCode) && w.attendanceCode !== wasCode)
      absencesGone.push({ studentId: w.studentId, lessonId: w.lessonId });
    if (w.mark !== null && w.mark !== wasMark) marks.push(w);
    if (wasMark !== null && w.mark !== wasMark)
      marksGone.push({ studentId: w.studentId, columnKey: w.columnKey });
  }
  if (absencesGone.length > 0 || marksGone.length > 0) {
    const gone = [...new Set([...absencesGone, ...marksGone].map((g) => g.studentId))];
    const parents = (await identityStore.guardiansOf(tx, gone)).map((l) => l.parentId);
    await withdrawJournal(tx, parents, 'journal_absence', absencesGone);
    await withdrawJournal(tx, parents, 'journal_mark', marksGone);
  }
  if (absences.length === 0 && marks.length === 0) return;
  const studentIds = [...new Set([...absences, ...marks].map((w) => w.studentId))];
  const links = await identityStore.guardiansOf(tx, studentIds);
  if (links.length === 0) return;
  const names = await namesById(tx, studentIds);
  const parentsOf = (studentId: number) =>
    links.filter((l) => l.studentId === studentId).map((l) => l.parentId);
  const about = (w: store.CellWrite) => ({
    studentId: w.studentId,
    student: names.get(w.studentId) ?? '',
    subjectCode,
    heldOn: w.date,
  });
  await notifyEach(
    tx,
    'journal_absence',
    absences.flatMap((w) =>
      parentsOf(w.studentId).map((userId) => ({
        userId,
        payload: { ...about(w), lessonId: w.lessonId!, code: w.attendanceCode! },
      })),
    ),
  );
  await notifyEach(
    tx,
    'journal_mark',
    marks.flatMap((w) =>
      parentsOf(w.studentId).map((userId) => ({
        userId,
        payload: { ...about(w), columnKey: w.columnKey, mark: w.mark! },
      })),
    ),
  );
}

/**
 * Saves a whole class's cells in one transaction. A cell whose version moved since the client read it (someone
 * else wrote it) is not written and comes back in `conflicts` with what it holds now; the rest are written,
 * each with its history event. After the term is closed, a save needs a correction reason.
 */
export async function saveEntries(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  classId: number,
  subjectCode: string,
  input: EntriesInput,
  locale: Locale,
) {
  // What the entries are checked against is read first, together (no transaction yet: on a PostgreSQL pool
  // the reads overlap); the transaction then holds only the closure check, the lock and the writes.
  const cls = await classOr404(db, classId);
  const [access, terms, scale, codeRows, enrolledIds] = await Promise.all([
    journalAccess(db, actor, cls, subjectCode),
    institutionsStore.termsOf(db, cls.academicYearId),
    scaleOf(db, locale),
    store.listAttendanceCodes(db),
    classroomStore.studentIdsOf(db, classId),
  ]);
  if (access !== 'edit') throw forbidden();
  const term = terms.find((t) => t.code === input.term);
  if (!term) throw invalid([problem(locale, 'term', 'unknown_term')]);
  const correctionReason = blank(input.correctionReason) ? null : input.correctionReason!.trim();
  const codes = new Map(codeRows.map((c) => [c.code, c]));
  const enrolled = new Set(enrolledIds);

  const parsed = input.entries.map((e) => ({
    ...e,
    kind: e.key[0] as 'l' | 'a',
    id: Number(e.key.slice(1)),
  }));
  const lessonIds = [...new Set(parsed.filter((e) => e.kind === 'l').map((e) => e.id))];
  const assessmentIds = [...new Set(parsed.filter((e) => e.kind === 'a').map((e) => e.id))];
  const last = lastColumnDate(term);
  const columnDates = new Map<
    string,
    {
      date: string;
      lessonId: number | null;
      assessmentId: number | null;
      /** The lesson's start (minute of the day) and period; null for an assessment. */
      startMinute: number | null;
      period: number | null;
      title: string | null;
    }
  >();
  for (const l of await lessonsNamed(db, classId, lessonIds, term)) {
    if (
      l.classId === classId &&
      l.subjectCode === subjectCode &&
      l.state === 'scheduled' &&
      l.date >= term.startsOn &&
      l.date <= last
    )
      columnDates.set(`l${l.id}`, {
        date: l.date,
        lessonId: l.id,
        assessmentId: null,
        startMinute: l.startMinute,
        period: l.period,
        title: null,
      });
  }
  for (const id of assessmentIds) {
    const a = await store.findAssessment(db, id);
    if (a && a.classId === classId && a.subjectCode === subjectCode && a.termCode === term.code)
      columnDates.set(`a${a.id}`, {
        date: a.date,
        lessonId: null,
        assessmentId: a.id,
        startMinute: null,
        period: null,
        title: a.title,
      });
  }

  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  parsed.forEach((e, i) => {
    const at = `entries.${i}`;
    const cell = `${e.studentId}:${e.key}`;
    if (seen.has(cell)) problems.push(problem(locale, `${at}.key`, 'duplicate'));
    seen.add(cell);
    if (!enrolled.has(e.studentId)) problems.push(problem(locale, `${at}.studentId`, 'not_enrolled'));
    if (!columnDates.has(e.key)) problems.push(problem(locale, `${at}.key`, 'unknown_column'));
    if (e.attendance === undefined && e.mark === undefined) problems.push(problem(locale, at, 'empty_entry'));
    if (e.attendance) {
      const code = codes.get(e.attendance.code);
      if (!code) problems.push(problem(locale, `${at}.attendance.code`, 'unknown_attendance_code'));
      else if (code.needsReason && blank(e.attendance.reason))
        problems.push(problem(locale, `${at}.attendance.reason`, 'reason_required'));
    }
    if (e.mark && !scale.values.has(e.mark.value))
      problems.push(problem(locale, `${at}.mark.value`, 'mark_not_on_scale'));
  });
  if (problems.length > 0) throw invalid(problems);
  // No attendance or mark for a lesson that has not begun (nor a mark before an assessment's day); clearing
  // one is allowed. Refused whole, naming the lesson.
  const atSchool = schoolClock();
  const early: FieldProblem[] = [];
  parsed.forEach((e, i) => {
    const column = columnDates.get(e.key)!;
    if (!(e.attendance || e.mark) || hasBegun(atSchool, column.date, column.startMinute)) return;
    const date = new Date(`${column.date}T12:00:00Z`);
    const message =
      column.lessonId !== null
        ? translate(locale, 'journal.not_started', {
            date,
            period: column.period,
            time: clockTime(column.startMinute!),
          })
        : translate(locale, 'journal.assessment_not_yet', { date, title: column.title ?? '' });
    early.push({ field: `entries.${i}.key`, reason: 'not_started', message });
  });
  if (early.length > 0) {
    const first = columnDates.get(parsed[Number(early[0]!.field.split('.')[1])]!.key)!;
    throw new AppError(
      422,
      first.lessonId !== null ? 'journal.not_started' : 'journal.assessment_not_yet',
      {
        date: new Date(`${first.date}T12:00:00Z`),
        period: first.period,
        time: first.startMinute === null ? '' : clockTime(first.startMinute),
        title: first.title ?? '',
      },
      early,
    );
  }
  return db.transaction(async (tx) => {
    const closure = await store.findClosure(tx, cls.institutionId, cls.academicYearId, term.code);
    if (closure && correctionReason === null) throw new AppError(409, 'term_closed');
    const existing = new Map(
      (
        await store.lockCells(
          tx,
          parsed.map((e) => ({ studentId: e.studentId, columnKey: e.key })),
        )
      ).map((c) => [`${c.studentId}:${c.columnKey}`, c]),
    );
    // A conflict carries the cell as it is now; null for a cell the client thought written that is empty.
    const conflicts: { studentId: number; key: string; now: store.CellRow | null }[] = [];
    const writes: store.CellWrite[] = [];
    const unchanged: { studentId: number; key: string; version: number }[] = [];
    for (const e of parsed) {
      const now = existing.get(`${e.studentId}:${e.key}`);
      const version = now?.version ?? 0;
      if (version !== e.baseVersion) {
        conflicts.push({ studentId: e.studentId, key: e.key, now: now ?? null });
        continue;
      }
      const attendance =
        e.attendance === undefined
          ? now
            ? attendanceOf(now)
            : null
          : e.attendance === null
            ? null
            : {
                code: e.attendance.code,
                reason: blank(e.attendance.reason) ? null : e.attendance.reason!.trim(),
              };
      const mark =
        e.mark === undefined
          ? now
            ? markOf(now)
            : null
          : e.mark === null
            ? null
            : { value: e.mark.value, comment: blank(e.mark.comment) ? null : e.mark.comment!.trim() };
      const same =
        now !== undefined &&
        now.attendanceCode === (attendance?.code ?? null) &&
        now.attendanceReason === (attendance?.reason ?? null) &&
        now.mark === (mark?.value ?? null) &&
        now.markComment === (mark?.comment ?? null);
      if (same || (!now && attendance === null && mark === null)) {
        unchanged.push({ studentId: e.studentId, key: e.key, version });
        continue;
      }
      const column = columnDates.get(e.key)!;
      writes.push({
        studentId: e.studentId,
        columnKey: e.key,
        date: column.date,
        lessonId: column.lessonId,
        assessmentId: column.assessmentId,
        attendanceCode: attendance?.code ?? null,
        attendanceReason: attendance?.reason ?? null,
        mark: mark?.value ?? null,
        markComment: mark?.comment ?? null,
        version: version + 1,
      });
    }
    const at = clock.now();
    const place = {
      institutionId: cls.institutionId,
      academicYearId: cls.academicYearId,
      classId,
      subjectCode,
      termCode: term.code,
    };
    const written = await store.writeCells(tx, place, actor.userId, at, writes);
    const writtenKeys = new Set(written.map((w) => `${w.studentId}:${w.columnKey}`));
    const lost = writes.filter((w) => !writtenKeys.has(`${w.studentId}:${w.columnKey}`));
    // Cells another writer created (or changed) between our read and our write: theirs now.
    if (lost.length > 0)
      for (const now of await store.lockCells(tx, lost))
        conflicts.push({ studentId: now.studentId, key: now.columnKey, now });
    const done = writes.filter((w) => writtenKeys.has(`${w.studentId}:${w.columnKey}`));
    await store.appendEvents(tx, place, actor.userId, at, correctionReason, done);
    // A lesson with attendance or marks is kept when the timetable changes (cancelled, never deleted).
    await classroomStore.markRecorded(tx, [
      ...new Set(done.flatMap((w) => (w.lessonId === null ? [] : [w.lessonId]))),
    ]);
    await noticeParents(
      tx,
      subjectCode,
      existing,
      done,
      new Set(codeRows.filter((c) => !c.countsAsPresent).map((c) => c.code)),
    );
    if (done.length > 0) {
      await audit(tx, ctx, {
        action: correctionReason !== null && closure ? 'correct' : 'save',
        entity: 'journal',
        entityId: `${classId}/${subjectCode}/${term.code}`,
        after: {
          cells: done.map((w) => ({
            studentId: w.studentId,
            key: w.columnKey,
            version: w.version,
            attendance: w.attendanceCode,
            mark: w.mark,
          })),
          ...(closure ? { correctionReason } : {}),
        },
      });
    }
    const names = await namesById(
      tx,
      conflicts.map((c) => c.now?.updatedBy ?? null),
    );
    return {
      saved: [
        ...done.map((w) => ({ studentId: w.studentId, key: w.columnKey, version: w.version })),
        ...unchanged,
      ],
      conflicts: conflicts.map(({ studentId, key, now }) => ({
        studentId,
        key,
        theirs: {
          attendance: now ? attendanceOf(now) : null,
          mark: now ? markOf(now) : null,
          version: now?.version ?? 0,
          updatedBy: now?.updatedBy ? (names.get(now.updatedBy) ?? null) : null,
          updatedAt: now ? now.updatedAt : null,
        },
      })),
    };
  });
}

/** Adds a summative assessment column to a class's subject journal. */
export async function addAssessment(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  classId: number,
  subjectCode: string,
  input: { term: string; date: string; title: string },
  locale: Locale,
) {
  return db.transaction(async (tx) => {
    const cls = await classOr404(tx, classId);
    if ((await journalAccess(tx, actor, cls, subjectCode)) !== 'edit') throw forbidden();
    const term = await termOf(tx, cls.academicYearId, input.term, locale);
    if (await store.findClosure(tx, cls.institutionId, cls.academicYearId, term.code))
      throw new AppError(409, 'term_closed');
    if (input.date < term.startsOn || input.date > term.endsOn)
      throw invalid([problem(locale, 'date', 'outside_term')]);
    const row = await store.insertAssessment(tx, {
      institutionId: cls.institutionId,
      academicYearId: cls.academicYearId,
      classId,
      subjectCode,
      termCode: term.code,
      date: input.date,
      title: input.title.trim(),
      createdBy: actor.userId,
    });
    await audit(tx, ctx, { action: 'create', entity: 'journal_assessment', entityId: row.id, after: row });
    return { id: row.id, key: `a${row.id}` };
  });
}

/** The final results of one student in a class's subject: per term of the year, and the year. */
async function resultsOfStudent(
  db: Db,
  cls: classroomStore.ClassRow,
  subjectCode: string | null,
  studentId: number,
  terms: TermRow[],
  scaleValues: number[],
) {
  const termCodes = terms.map((t) => t.code);
  const cellRows = await store.cellsOfStudent(db, studentId, cls.id, termCodes);
  const overrides = await store.overridesOf(db, cls.id, subjectCode, [...termCodes, YEAR], studentId);
  const bySubject = new Map<
    string,
    Map<string, { computed: number | null; override: store.OverrideRow | null; final: number | null }>
  >();
  const subjects = new Set<string>([
    ...cellRows.map((c) => c.subjectCode),
    ...overrides.map((o) => o.subjectCode),
  ]);
  if (subjectCode) subjects.add(subjectCode);
  for (const s of subjects) {
    if (subjectCode && s !== subjectCode) continue;
    const perTerm = new Map<
      string,
      { computed: number | null; override: store.OverrideRow | null; final: number | null }
    >();
    for (const code of termCodes) {
      const marks = cellRows
        .filter((c) => c.subjectCode === s && c.termCode === code && c.mark !== null)
        .map((c) => ({
          value: c.mark!,
          kind: c.assessmentId !== null ? ('assessment' as const) : ('lesson' as const),
        }));
      const computed = termResult(marks, scaleValues);
      const o = overrides.find((x) => x.subjectCode === s && x.termCode === code) ?? null;
      perTerm.set(code, { computed, override: o, final: o ? o.value : computed });
    }
    const computedYear = yearResult(
      termCodes.map((c) => perTerm.get(c)!.final),
      scaleValues,
    );
    const oy = overrides.find((x) => x.subjectCode === s && x.termCode === YEAR) ?? null;
    perTerm.set(YEAR, { computed: computedYear, override: oy, final: oy ? oy.value : computedYear });
    bySubject.set(s, perTerm);
  }
  return { bySubject, cellRows };
}

/** A teacher's override of a term or year result: the value (or none) and why; who and when are kept. */
export async function overrideResult(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  input: {
    classId: number;
    subjectCode: string;
    term: string;
    studentId: number;
    value: number | null;
    reason: string;
  },
  locale: Locale,
) {
  return db.transaction(async (tx) => {
    const cls = await classOr404(tx, input.classId);
    if ((await journalAccess(tx, actor, cls, input.subjectCode)) !== 'edit') throw forbidden();
    const terms = await institutionsStore.termsOf(tx, cls.academicYearId);
    if (input.term !== YEAR && !terms.some((t) => t.code === input.term))
      throw invalid([problem(locale, 'term', 'unknown_term')]);
    const scale = await scaleOf(tx, locale);
    const problems: FieldProblem[] = [];
    if (!(await classroomStore.isEnrolled(tx, input.studentId, cls.id)))
      problems.push(problem(locale, 'studentId', 'not_enrolled'));
    if (input.value !== null && !scale.values.has(input.value))
      problems.push(problem(locale, 'value', 'mark_not_on_scale'));
    if (blank(input.reason)) problems.push(problem(locale, 'reason', 'reason_required'));
    if (problems.length > 0) throw invalid(problems);
    const before = await store.overridesOf(tx, cls.id, input.subjectCode, [input.term], input.studentId);
    const setAt = clock.now();
    const values = {
      classId: cls.id,
      subjectCode: input.subjectCode,
      termCode: input.term,
      studentId: input.studentId,
      institutionId: cls.institutionId,
      value: input.value,
      reason: input.reason.trim(),
      setBy: actor.userId,
      setAt,
    };
    await store.putOverride(tx, values);
    await audit(tx, ctx, {
      action: 'override_result',
      entity: 'journal_result',
      entityId: `${cls.id}/${input.subjectCode}/${input.term}/${input.studentId}`,
      before: before[0] ?? null,
      after: values,
    });
    const { bySubject } = await resultsOfStudent(tx, cls, input.subjectCode, input.studentId, terms, [
      ...scale.values,
    ]);
    const r = bySubject.get(input.subjectCode)!.get(input.term)!;
    const names = await namesById(tx, [actor.userId]);
    return {
      studentId: input.studentId,
      computed: r.computed,
      override: r.override ? overrideView(r.override, names) : null,
      final: r.final,
    };
  });
}

/** The director closes a term of the current year at their school; after it, changes are corrections. */
export async function closeTerm(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  institutionId: number,
  termCode: string,
  locale: Locale,
) {
  if (!holds(actor, 'director', institutionId)) throw forbidden();
  return db.transaction(async (tx) => {
    const year = await currentYear(tx);
    const term = await termOf(tx, year.id, termCode, locale);
    const closedAt = await store.insertClosure(tx, {
      institutionId,
      academicYearId: year.id,
      termCode: term.code,
      closedBy: actor.userId,
    });
    if (closedAt === null) throw new AppError(409, 'journal.term_already_closed');
    await audit(tx, ctx, {
      action: 'close_term',
      entity: 'institution',
      entityId: institutionId,
      after: { academicYearId: year.id, term: term.code },
    });
    return { institutionId, term: term.code, closedAt: iso(closedAt)! };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Parents

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');
/** A code as typed: case, spaces and dashes do not matter. */
const normaliseCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

/**
 * A one-time code that links a parent to a student: issued by the school's director or the student's homeroom
 * teacher, shown once, kept only as its hash, valid for LINK_CODE_DAYS.
 */
export async function issueLinkCode(db: Db, actor: Actor, ctx: ChangeContext, studentId: number) {
  const scope = await studentScope(db, studentId);
  if (scope.kind !== 'student') throw notFound('student');
  const institutionId = scope.institutionId;
  let allowed = holds(actor, 'director', institutionId);
  if (!allowed && holds(actor, 'teacher', institutionId)) {
    const cls = await classOfStudent(db, studentId, (await currentYear(db)).id);
    allowed = cls !== null && cls.homeroomTeacherId === actor.userId;
  }
  if (!allowed) throw forbidden();
  const raw = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join(
    '',
  );
  const code = `${raw.slice(0, 5)}-${raw.slice(5)}`;
  const expiresAt = new Date(clock.nowMs() + LINK_CODE_DAYS * 86_400_000);
  await db.transaction(async (tx) => {
    await store.insertLinkCode(tx, {
      codeHash: sha256(raw),
      studentId,
      institutionId,
      createdBy: actor.userId,
      expiresAt,
    });
    await audit(tx, ctx, {
      action: 'issue_link_code',
      entity: 'user',
      entityId: studentId,
      after: { expiresAt: expiresAt.toISOString() },
    });
  });
  return { code, expiresAt: expiresAt.toISOString() };
}

/**
 * A signed-in person redeems a link code: they become the student's parent (the parent role is granted when
 * they lack it). Tries are counted per person before the code is checked (a right one is given back), in
 * fixed windows of LINK_WINDOW_MS; past LINK_MAX_FAILURES in a window, tries are refused until it ends.
 * `forgetSessions` drops the person's cached sessions so the new child is visible on the next request.
 */
export async function redeemLinkCode(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  code: string,
  forgetSessions: (userId: number) => void,
) {
  const key = `journal-link:${actor.userId}`;
  const now = clock.now();
  // Counted before the code is looked at, in one statement: of parallel tries, only LINK_MAX_FAILURES are checked.
  const counted = await identityStore.countInWindow(db, key, now, LINK_WINDOW_MS);
  if (counted.count > LINK_MAX_FAILURES) {
    const windowEnds = counted.windowStartedAt.getTime() + LINK_WINDOW_MS;
    const retryAfter = Math.max(1, Math.ceil((windowEnds - now.getTime()) / 1000));
    throw new AppError(429, 'journal.too_many_attempts', { minutes: Math.ceil(retryAfter / 60), retryAfter });
  }
  const hash = sha256(normaliseCode(code));
  const linked = await db.transaction(async (tx) => {
    const found = await store.useLinkCode(tx, hash, actor.userId, now);
    if (!found || found.studentId === actor.userId) return null;
    await linkGuardian(tx, ctx, actor.userId, found.studentId);
    await audit(tx, ctx, {
      action: 'redeem_link_code',
      entity: 'user',
      entityId: found.studentId,
      after: { parentId: actor.userId },
    });
    return found;
  });
  if (!linked) throw new AppError(400, 'journal.link_code_invalid');
  // A right code is not a wrong guess: its try is given back.
  await identityStore.refundAttempt(db, key);
  forgetSessions(actor.userId);
  const [student] = await identityStore.namesOf(db, [linked.studentId]);
  return { student: { id: linked.studentId, displayName: student?.displayName ?? '' } };
}

// ---------------------------------------------------------------------------------------------------------
// A student's overview and report card

async function studentContext(db: Db, actor: Actor, studentId: number, termCode: string, locale: Locale) {
  const year = await currentYear(db);
  const cls = await classOfStudent(db, studentId, year.id);
  const relation = await studentAccess(db, actor, studentId, cls);
  if (relation === null) throw forbidden();
  const terms = await institutionsStore.termsOf(db, year.id);
  const term = terms.find((t) => t.code === termCode);
  if (!term) throw invalid([problem(locale, 'term', 'unknown_term')]);
  const [person] = await identityStore.namesOf(db, [studentId]);
  if (!person) throw notFound('student');
  const closure = cls ? await store.findClosure(db, cls.institutionId, year.id, term.code) : undefined;
  return { year, cls, relation, terms, term, person, closure };
}

/** What a student (or their parent, or their school) sees of a term: marks, attendance, results, homework. */
export async function overview(db: Db, actor: Actor, studentId: number, termCode: string, locale: Locale) {
  const { cls, terms, term, person, closure } = await studentContext(db, actor, studentId, termCode, locale);
  const base = {
    student: {
      id: person.id,
      displayName: person.displayName,
      class: cls ? { id: cls.id, name: className(cls) } : null,
    },
    term: termView(term, closure, locale),
  };
  if (!cls) return { ...base, subjects: [], homework: [], comments: [] };
  const scale = await scaleOf(db, locale);
  const columns = await columnsOf(db, cls.id, null, term);
  const columnOf = new Map(columns.map((c) => [c.key, c]));
  const teachers = await classroomStore.subjectTeachersOf(db, cls.id);
  const { bySubject, cellRows } = await resultsOfStudent(db, cls, null, studentId, terms, [...scale.values]);
  const cellsNow = cellRows.filter((c) => c.termCode === term.code);
  const codes = [
    ...new Set([
      ...columns.map((c) => c.subjectCode),
      ...teachers.map((t) => t.subjectCode),
      ...bySubject.keys(),
    ]),
  ];
  const subjectRows = new Map((await institutionsStore.subjectsByCode(db, codes)).map((s) => [s.code, s]));
  const names = await namesById(db, [
    ...teachers.map((t) => t.teacherId),
    ...cellsNow.map((c) => c.updatedBy),
  ]);
  const subjectName = (code: string) => {
    const s = subjectRows.get(code);
    return s ? localName(s, locale) : code;
  };
  const subjects = codes
    .map((code) => {
      const mine = cellsNow.filter((c) => c.subjectCode === code);
      const attendance: Record<string, number> = {};
      for (const c of mine)
        if (c.attendanceCode) attendance[c.attendanceCode] = (attendance[c.attendanceCode] ?? 0) + 1;
      const teacher = teachers.find((t) => t.subjectCode === code);
      return {
        code,
        name: subjectName(code),
        teacher: teacher ? (names.get(teacher.teacherId) ?? null) : null,
        marks: mine
          .filter((c) => c.mark !== null)
          .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
          .map((c) => ({
            date: c.date,
            value: c.mark!,
            comment: c.markComment,
            kind: c.assessmentId !== null ? ('assessment' as const) : ('lesson' as const),
            title: columnOf.get(c.columnKey)?.title ?? null,
          })),
        attendance,
        result: bySubject.get(code)?.get(term.code)?.final ?? null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, locale));
  const homework = columns
    .filter((c) => c.kind === 'lesson' && !blank(c.homework))
    .reverse()
    .slice(0, 100)
    .map((c) => ({
      date: c.date,
      subjectCode: c.subjectCode,
      subject: subjectName(c.subjectCode),
      text: c.homework!,
    }));
  const comments = cellsNow
    .filter((c) => !blank(c.markComment))
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
    .map((c) => ({
      date: c.date,
      subjectCode: c.subjectCode,
      subject: subjectName(c.subjectCode),
      text: c.markComment!,
      by: c.updatedBy !== null ? (names.get(c.updatedBy) ?? null) : null,
    }));
  return { ...base, subjects, homework, comments };
}

/** A student's report card for a term: per subject, marks, average, term and year results, absences. */
export async function reportCard(db: Db, actor: Actor, studentId: number, termCode: string, locale: Locale) {
  const { cls, relation, terms, term, person, closure } = await studentContext(
    db,
    actor,
    studentId,
    termCode,
    locale,
  );
  // A report card is for the student, their parents, the director and the homeroom teacher.
  if (relation === 'teacher') throw forbidden();
  const base = {
    student: { id: person.id, displayName: person.displayName },
    class: cls ? { id: cls.id, name: className(cls) } : null,
    term: termView(term, closure, locale),
  };
  if (!cls) return { ...base, subjects: [] };
  const scale = await scaleOf(db, locale);
  const codes = new Map((await store.listAttendanceCodes(db)).map((c) => [c.code, c]));
  const { bySubject, cellRows } = await resultsOfStudent(db, cls, null, studentId, terms, [...scale.values]);
  const teachers = await classroomStore.subjectTeachersOf(db, cls.id);
  const subjectCodes = [...new Set([...teachers.map((t) => t.subjectCode), ...bySubject.keys()])];
  const subjectRows = await institutionsStore.subjectsByCode(db, subjectCodes);
  return {
    ...base,
    subjects: subjectRows
      .map((s) => {
        const mine = cellRows.filter((c) => c.subjectCode === s.code && c.termCode === term.code);
        const marks = mine.filter((c) => c.mark !== null).map((c) => c.mark!);
        const results = bySubject.get(s.code);
        return {
          code: s.code,
          name: localName(s, locale),
          marks: marks.length,
          average: marks.length
            ? Math.round((marks.reduce((a, b) => a + b, 0) / marks.length) * 100) / 100
            : null,
          result: results?.get(term.code)?.final ?? null,
          yearResult: results?.get(YEAR)?.final ?? null,
          absences: mine.filter(
            (c) => c.attendanceCode !== null && !codes.get(c.attendanceCode)?.countsAsPresent,
          ).length,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name, locale)),
  };
}

/** The report card as a printable PDF in the reader's language. */
export async function reportCardPdf(
  card: Awaited<ReturnType<typeof reportCard>>,
  locale: Locale,
): Promise<Buffer> {
  const t = (code: string, params: Record<string, unknown> = {}) =>
    translate(locale, `journal.${code}`, params);
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const date = (d: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
      new Date(`${d}T00:00:00Z`),
    );
  return tablePdf({
    title: t('pdf.report_card', { student: card.student.displayName }),
    subtitle: [
      t('pdf.subtitle', {
        class: card.class?.name ?? '—',
        term: card.term.name,
        from: date(card.term.startsOn),
        to: date(card.term.endsOn),
      }),
    ],
    columns: [
      { heading: t('label.subject'), width: 30 },
      { heading: t('label.marks'), width: 10, numeric: true },
      { heading: t('label.average'), width: 10, numeric: true },
      { heading: t('label.result'), width: 14, numeric: true },
      { heading: t('label.year_result'), width: 14, numeric: true },
      { heading: t('label.absences'), width: 12, numeric: true },
    ],
    rows: card.subjects.map((s) => [
      s.name,
      number.format(s.marks),
      s.average === null ? '—' : number.format(s.average),
      s.result === null ? '—' : number.format(s.result),
      s.yearResult === null ? '—' : number.format(s.yearResult),
      number.format(s.absences),
    ]),
    footer: (page, pages) => t('pdf.page', { page, pages }),
  });
}

// ---------------------------------------------------------------------------------------------------------
// Reports

/** Attendance of a class in a term, per student and code: for its director and homeroom teacher. */
export async function classAttendance(
  db: Db,
  actor: Actor,
  classId: number,
  termCode: string,
  locale: Locale,
) {
  const cls = await classOr404(db, classId);
  if (!readsClass(actor, cls)) throw forbidden();
  const term = await termOf(db, cls.academicYearId, termCode, locale);
  const closure = await store.findClosure(db, cls.institutionId, cls.academicYearId, term.code);
  const codes = await store.listAttendanceCodes(db);
  const present = new Set(codes.filter((c) => c.countsAsPresent).map((c) => c.code));
  const studentIds = await classroomStore.studentIdsOf(db, classId);
  const people = (await identityStore.namesOf(db, studentIds)).sort(
    (a, b) => a.displayName.localeCompare(b.displayName, locale) || a.id - b.id,
  );
  const counts = new Map<number, Record<string, number>>();
  for (const c of await store.cellsOfClass(db, classId, term.code)) {
    if (c.attendanceCode === null) continue;
    const mine = counts.get(c.studentId) ?? {};
    mine[c.attendanceCode] = (mine[c.attendanceCode] ?? 0) + 1;
    counts.set(c.studentId, mine);
  }
  return {
    class: { id: cls.id, name: className(cls) },
    term: termView(term, closure, locale),
    codes: codes.map((c) => codeView(c, locale)),
    students: people.map((p) => {
      const mine = counts.get(p.id) ?? {};
      const recorded = Object.values(mine).reduce((s, n) => s + n, 0);
      const attended = Object.entries(mine).reduce((s, [code, n]) => s + (present.has(code) ? n : 0), 0);
      return {
        id: p.id,
        displayName: p.displayName,
        counts: mine,
        recorded,
        rate: recorded > 0 ? attended / recorded : null,
      };
    }),
  };
}

/** A school's term summary by class: aggregates only, no student. */
export async function schoolSummary(
  db: Db,
  actor: Actor,
  institutionId: number,
  termCode: string,
  locale: Locale,
) {
  // Directors of other schools are refused by the route's scope; above a school, only these aggregates.
  if (actor.grants.every((g) => g.role === 'director' && g.institutionId !== institutionId))
    throw forbidden();
  const year = await currentYear(db);
  const term = await termOf(db, year.id, termCode, locale);
  const closure = await store.findClosure(db, institutionId, year.id, term.code);
  const classes = await classroomStore.listClasses(db, institutionId, year.id);
  const aggregates = new Map(
    (await store.classAggregates(db, institutionId, year.id, term.code)).map((a) => [a.classId, a]),
  );
  const total: store.Aggregate = { recorded: 0, present: 0, marks: 0, markSum: 0 };
  const rows = classes.map((c) => {
    const a = aggregates.get(c.id) ?? { recorded: 0, present: 0, marks: 0, markSum: 0 };
    total.recorded += a.recorded;
    total.present += a.present;
    total.marks += a.marks;
    total.markSum += a.markSum;
    return { classId: c.id, name: className(c), students: c.students, ...store.ratesOf(a), marks: a.marks };
  });
  return { institutionId, term: termView(term, closure, locale), ...store.ratesOf(total), classes: rows };
}

// ---------------------------------------------------------------------------------------------------------
// Files

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A table as a file: CSV (UTF-8 with BOM, formula-guarded) or XLSX (numbers as numbers). */
export async function tableFile(
  format: 'csv' | 'xlsx',
  sheet: string,
  header: string[],
  rows: (string | number | null)[][],
): Promise<Buffer> {
  if (format === 'csv') return Buffer.from(csvText(header, rows), 'utf8');
  const { default: ExcelJS } = await import('exceljs'); // loaded on first use: it costs the start a quarter of a second
  const workbook = new ExcelJS.Workbook();
  const ws = workbook.addWorksheet(sheet.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(header).font = { bold: true };
  for (const row of rows) ws.addRow(row.map((v) => (v === null ? '' : v)));
  header.forEach((h, i) => {
    ws.getColumn(i + 1).width = Math.max(12, h.length + 2);
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const percent = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);
const twoDecimals = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);

/** The class attendance report as a file. */
export function classAttendanceFile(
  report: Awaited<ReturnType<typeof classAttendance>>,
  format: 'csv' | 'xlsx',
  locale: Locale,
) {
  const t = (code: string) => translate(locale, `journal.label.${code}`);
  const header = [t('student'), ...report.codes.map((c) => c.name), t('recorded'), `${t('rate')} %`];
  const rows = report.students.map((s) => [
    s.displayName,
    ...report.codes.map((c) => s.counts[c.code] ?? 0),
    s.recorded,
    percent(s.rate),
  ]);
  return tableFile(format, report.class.name, header, rows);
}

/** The school summary as a file. */
export function schoolSummaryFile(
  summary: Awaited<ReturnType<typeof schoolSummary>>,
  format: 'csv' | 'xlsx',
  locale: Locale,
) {
  const t = (code: string) => translate(locale, `journal.label.${code}`);
  const header = [t('class'), t('students'), `${t('rate')} %`, t('marks_average'), t('marks')];
  const rows: (string | number | null)[][] = summary.classes.map((c) => [
    c.name,
    c.students,
    percent(c.attendanceRate),
    twoDecimals(c.marksAverage),
    c.marks,
  ]);
  rows.push([
    t('all_classes'),
    summary.classes.reduce((s, c) => s + c.students, 0),
    percent(summary.attendanceRate),
    twoDecimals(summary.marksAverage),
    summary.classes.reduce((s, c) => s + c.marks, 0),
  ]);
  return tableFile(format, summary.term.name, header, rows);
}

/** Attendance and marks recorded between two days, per school or per class of the schools (counts only). */
export function journalAggregates(
  db: Db,
  schoolIds: number[],
  by: 'school' | 'class',
  range: { from: string; to: string },
) {
  return store.aggregatesBetween(db, schoolIds, by, range);
}
