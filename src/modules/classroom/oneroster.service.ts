import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, forbidden } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as identityStore from '@/modules/identity/identity.store';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import { type FileRow, type ReadFile } from '@/modules/infrastructure/registry-import.files';
import * as store from '@/modules/classroom/classroom.store';
import {
  CLASS_NAME,
  className,
  letterKey,
  managesSchool,
  resolveYear,
  schoolOf,
} from '@/modules/classroom/classroom.service';
import { buildRosterZip, readRosterZip, type RosterRow } from '@/modules/classroom/oneroster';

/**
 * OneRoster 1.2 CSV for a school's classes of a year. The export writes our classes (homeroom classes, and a
 * scheduled class per subject that has a subject teacher), their students and teachers, with sourcedIds made
 * from our ids (`maktab-class-12`). The import reads such a zip, or another system's, for one school: it
 * finds each class by its name (7A, from classCode or title), creates the missing ones, enrols the students
 * and sets homeroom and subject teachers. People are matched, never created: by username, or by our own
 * sourcedId. Like the enrolment file, every row is checked first and all is written or nothing.
 */

defineMessages({
  en: {
    'oneroster.not_zip':
      'The file is not a zip archive; upload the OneRoster zip (manifest.csv, classes.csv, …).',
    'oneroster.bad_zip': 'The zip archive is damaged and cannot be read.',
    'oneroster.invalid': 'The OneRoster files have {n} problem(s); nothing was imported.',
    'oneroster.course_title': 'Grade {grade}',
    'oneroster.at': '{file}, line {line}, {column}: {reason}',
    'oneroster.rule.missing_file': 'the zip has no {file}',
    'oneroster.rule.missing_column': 'the file has no column {column}',
    'oneroster.rule.unreadable': '{reason}',
    'oneroster.rule.required': 'is empty',
    'oneroster.rule.duplicate': '{value} is also on line {line}',
    'oneroster.rule.bad_class': '{value} is not a class name like 7A',
    'oneroster.rule.bad_class_type': '{value} is not homeroom, scheduled or an ext: value',
    'oneroster.rule.wrong_grade': '{value} does not match the grade of class {name} ({grade})',
    'oneroster.rule.unknown_subject': '{value} is not a subject of the curriculum',
    'oneroster.rule.subject_not_in_grade': '{value} is not taught in grade {grade}',
    'oneroster.rule.unknown_school': '{value} is not the school of orgs.csv',
    'oneroster.rule.one_school': 'the files must describe one school; orgs.csv has {n}',
    'oneroster.rule.unknown_user': 'no student or teacher of this school has the username {value}',
    'oneroster.rule.unknown_class_ref': '{value} is not a class of classes.csv',
    'oneroster.rule.unknown_user_ref': '{value} is not a user of users.csv',
    'oneroster.rule.unsupported_role': '{value} is not student or teacher',
    'oneroster.rule.not_student': '{value} is not a student of this school',
    'oneroster.rule.not_teacher': '{value} is not a teacher of this school',
    'oneroster.rule.two_classes': 'the student is also enrolled in class {name} (line {line})',
  },
  az: {
    'oneroster.not_zip':
      'Fayl zip arxivi deyil; OneRoster zip faylını yükləyin (manifest.csv, classes.csv, …).',
    'oneroster.bad_zip': 'Zip arxivi zədələnib və oxuna bilmir.',
    'oneroster.invalid': 'OneRoster fayllarında {n} problem var; heç nə idxal edilmədi.',
    'oneroster.course_title': '{grade}-ci sinif',
    'oneroster.at': '{file}, {line}-ci sətir, {column}: {reason}',
    'oneroster.rule.missing_file': 'zip-də {file} yoxdur',
    'oneroster.rule.missing_column': 'faylda {column} sütunu yoxdur',
    'oneroster.rule.unreadable': '{reason}',
    'oneroster.rule.required': 'boşdur',
    'oneroster.rule.duplicate': '{value} {line}-ci sətirdə də var',
    'oneroster.rule.bad_class': '{value} 7A kimi sinif adı deyil',
    'oneroster.rule.bad_class_type': '{value} homeroom, scheduled və ya ext: dəyəri deyil',
    'oneroster.rule.wrong_grade': '{value} {name} sinfinin sinif səviyyəsinə ({grade}) uyğun deyil',
    'oneroster.rule.unknown_subject': '{value} tədris planının fənni deyil',
    'oneroster.rule.subject_not_in_grade': '{value} {grade}-ci sinifdə tədris olunmur',
    'oneroster.rule.unknown_school': '{value} orgs.csv-dəki məktəb deyil',
    'oneroster.rule.one_school': 'fayllar bir məktəbi təsvir etməlidir; orgs.csv-də {n} məktəb var',
    'oneroster.rule.unknown_user': 'bu məktəbdə {value} istifadəçi adlı şagird və ya müəllim yoxdur',
    'oneroster.rule.unknown_class_ref': '{value} classes.csv-dəki sinif deyil',
    'oneroster.rule.unknown_user_ref': '{value} users.csv-dəki istifadəçi deyil',
    'oneroster.rule.unsupported_role': '{value} student və ya teacher deyil',
    'oneroster.rule.not_student': '{value} bu məktəbin şagirdi deyil',
    'oneroster.rule.not_teacher': '{value} bu məktəbin müəllimi deyil',
    'oneroster.rule.two_classes': 'şagird {name} sinfinə də yazılıb ({line}-ci sətir)',
  },
  ru: {
    'oneroster.not_zip':
      'Файл не является zip-архивом; загрузите zip OneRoster (manifest.csv, classes.csv, …).',
    'oneroster.bad_zip': 'Zip-архив повреждён и не читается.',
    'oneroster.invalid': 'В файлах OneRoster проблем: {n}; ничего не импортировано.',
    'oneroster.course_title': '{grade} класс',
    'oneroster.at': '{file}, строка {line}, {column}: {reason}',
    'oneroster.rule.missing_file': 'в zip-архиве нет {file}',
    'oneroster.rule.missing_column': 'в файле нет столбца {column}',
    'oneroster.rule.unreadable': '{reason}',
    'oneroster.rule.required': 'пусто',
    'oneroster.rule.duplicate': '{value} есть и в строке {line}',
    'oneroster.rule.bad_class': '{value} — не название класса вида 7A',
    'oneroster.rule.bad_class_type': '{value} — не homeroom, не scheduled и не значение ext:',
    'oneroster.rule.wrong_grade': '{value} не совпадает с параллелью класса {name} ({grade})',
    'oneroster.rule.unknown_subject': '{value} — не предмет учебного плана',
    'oneroster.rule.subject_not_in_grade': '{value} не преподаётся в {grade} классе',
    'oneroster.rule.unknown_school': '{value} — не школа из orgs.csv',
    'oneroster.rule.one_school': 'файлы должны описывать одну школу; в orgs.csv их {n}',
    'oneroster.rule.unknown_user': 'у этой школы нет ученика или учителя с именем пользователя {value}',
    'oneroster.rule.unknown_class_ref': '{value} — не класс из classes.csv',
    'oneroster.rule.unknown_user_ref': '{value} — не пользователь из users.csv',
    'oneroster.rule.unsupported_role': '{value} — не student и не teacher',
    'oneroster.rule.not_student': '{value} — не ученик этой школы',
    'oneroster.rule.not_teacher': '{value} — не учитель этой школы',
    'oneroster.rule.two_classes': 'ученик записан и в класс {name} (строка {line})',
  },
});

/** What the web app and scripts call the system in the manifest. */
const SYSTEM = 'Maktab';

/** Our sourcedIds: stable, made from our ids, so that an export imported back maps onto the same rows. */
export const sid = {
  area: (id: number) => `maktab-area-${id}`,
  school: (id: number) => `maktab-org-${id}`,
  year: (id: number) => `maktab-year-${id}`,
  course: (schoolId: number, yearId: number, grade: number, subject?: string) =>
    `maktab-course-${schoolId}-${yearId}-${grade}${subject ? `-${subject}` : ''}`,
  class: (id: number, subject?: string) => `maktab-class-${id}${subject ? `-${subject}` : ''}`,
  user: (id: number) => `maktab-user-${id}`,
};
const OUR_USER = /^maktab-user-([1-9]\d{0,9})$/;
/** An extension value the CSV binding allows in its enumerations: `ext:` and letters, digits and `.-_/@`. */
const EXT_VALUE = /^ext:[a-zA-Z0-9.\-_/@]+$/;
/** The letters a class may have (as the class form takes them). */
const LETTER = /^[A-Za-zÇçƏəĞğIıİiÖöŞşÜüА-Яа-яЁё]+$/;

/** CEDS grade codes as OneRoster writes them: 01 … 12. */
const gradeCode = (grade: number) => String(grade).padStart(2, '0');

/** OneRoster's org type of an area of ours. */
const AREA_TYPE = { country: 'national', economic_region: 'state', district: 'district', city: 'district' };

const localName = (row: { nameAz: string; nameRu: string; nameEn: string }, locale: Locale) =>
  locale === 'ru' ? row.nameRu : locale === 'en' ? row.nameEn : row.nameAz;

/**
 * A display name split as well as one can: the first word is the given name, the rest the family name
 * (both are required by the binding; a one-word name is used for both).
 */
export function splitName(displayName: string): { givenName: string; familyName: string } {
  const words = displayName.trim().split(/\s+/);
  const givenName = words[0] ?? '';
  return { givenName, familyName: words.length > 1 ? words.slice(1).join(' ') : givenName };
}

// ---------------------------------------------------------------------------------------------------------
// Export

/** The school's classes of a year as a OneRoster 1.2 CSV zip (bulk). */
export async function exportOneRoster(
  db: Db,
  actor: Actor,
  institutionId: number,
  yearId: number | undefined,
  locale: Locale,
): Promise<{ filename: string; body: Buffer }> {
  if (!managesSchool(actor, institutionId)) throw forbidden();
  const school = await schoolOf(db, institutionId);
  const year = await resolveYear(db, yearId, locale);
  const schoolSid = sid.school(school.id);
  const yearSid = sid.year(year.id);

  const area = await institutionsStore.findArea(db, school.areaId);
  const chain = [];
  for (const id of area?.path ?? []) {
    const found = await institutionsStore.findArea(db, id);
    if (found) chain.push(found);
  }
  const orgs: RosterRow[] = [
    ...chain.map((a) => ({
      sourcedId: sid.area(a.id),
      name: localName(a, locale),
      type: AREA_TYPE[a.kind],
      identifier: a.code,
      parentSourcedId: a.parentId === null ? '' : sid.area(a.parentId),
    })),
    {
      sourcedId: schoolSid,
      name: localName(school, locale),
      type: 'school',
      identifier: school.code,
      parentSourcedId: area ? sid.area(area.id) : '',
    },
  ];

  const classes = await store.listClasses(db, institutionId, year.id);
  const ids = classes.map((c) => c.id);
  const enrolled = await store.enrolmentsOfClasses(db, ids);
  const taught = await store.subjectTeachersOfClasses(db, ids);
  const subjects = new Map(
    (await institutionsStore.subjectsByCode(db, [...new Set(taught.map((t) => t.subjectCode))])).map((s) => [
      s.code,
      s,
    ]),
  );
  const studentsOf = new Map<number, number[]>();
  for (const e of enrolled) studentsOf.set(e.classId, [...(studentsOf.get(e.classId) ?? []), e.studentId]);
  const teacherIds = [
    ...classes.flatMap((c) => (c.homeroomTeacherId === null ? [] : [c.homeroomTeacherId])),
    ...taught.map((t) => t.teacherId),
  ];
  const people = new Map(
    (await identityStore.namesOf(db, [...new Set([...enrolled.map((e) => e.studentId), ...teacherIds])])).map(
      (p) => [p.id, p],
    ),
  );

  const courses = new Map<string, RosterRow>();
  const classRows: RosterRow[] = [];
  const enrollments: RosterRow[] = [];
  const gradeOf = new Map<number, number>();
  const enrol = (classSid: string, userId: number, role: 'student' | 'teacher', primary: boolean) =>
    enrollments.push({
      sourcedId: `${classSid}-u${userId}`,
      classSourcedId: classSid,
      schoolSourcedId: schoolSid,
      userSourcedId: sid.user(userId),
      role,
      primary: primary ? 'true' : 'false',
    });
  for (const c of classes) {
    const name = className(c);
    const grades = gradeCode(c.grade);
    const courseSid = sid.course(school.id, year.id, c.grade);
    courses.set(courseSid, {
      sourcedId: courseSid,
      schoolYearSourcedId: yearSid,
      title: translate(locale, 'oneroster.course_title', { grade: c.grade }),
      courseCode: String(c.grade),
      grades,
      orgSourcedId: schoolSid,
    });
    const classSid = sid.class(c.id);
    classRows.push({
      sourcedId: classSid,
      title: name,
      grades,
      courseSourcedId: courseSid,
      classCode: name,
      classType: 'homeroom',
      schoolSourcedId: schoolSid,
      termSourcedIds: yearSid,
    });
    const students = studentsOf.get(c.id) ?? [];
    for (const s of students) {
      gradeOf.set(s, c.grade);
      enrol(classSid, s, 'student', false);
    }
    if (c.homeroomTeacherId !== null) enrol(classSid, c.homeroomTeacherId, 'teacher', true);
    for (const t of taught.filter((x) => x.classId === c.id)) {
      const subject = subjects.get(t.subjectCode);
      const subjectName = subject ? localName(subject, locale) : t.subjectCode;
      const subjectCourse = sid.course(school.id, year.id, c.grade, t.subjectCode);
      courses.set(subjectCourse, {
        sourcedId: subjectCourse,
        schoolYearSourcedId: yearSid,
        title: `${subjectName} ${c.grade}`,
        courseCode: t.subjectCode,
        grades,
        orgSourcedId: schoolSid,
        subjects: subjectName,
        subjectCodes: t.subjectCode,
      });
      const scheduledSid = sid.class(c.id, t.subjectCode);
      classRows.push({
        sourcedId: scheduledSid,
        title: `${name} ${subjectName}`,
        grades,
        courseSourcedId: subjectCourse,
        classCode: name,
        classType: 'scheduled',
        schoolSourcedId: schoolSid,
        termSourcedIds: yearSid,
        subjects: subjectName,
        subjectCodes: t.subjectCode,
      });
      for (const s of students) enrol(scheduledSid, s, 'student', false);
      enrol(scheduledSid, t.teacherId, 'teacher', true);
    }
  }

  const users: RosterRow[] = [];
  const roles: RosterRow[] = [];
  for (const person of [...people.values()].sort((a, b) => a.id - b.id)) {
    const role = gradeOf.has(person.id) ? 'student' : 'teacher';
    users.push({
      sourcedId: sid.user(person.id),
      enabledUser: 'true',
      username: person.username,
      ...splitName(person.displayName),
      identifier: person.username,
      grades: role === 'student' ? gradeCode(gradeOf.get(person.id)!) : '',
      primaryOrgSourcedId: schoolSid,
    });
    roles.push({
      sourcedId: `${sid.user(person.id)}-${role}-${school.id}`,
      userSourcedId: sid.user(person.id),
      roleType: 'primary',
      role,
      orgSourcedId: schoolSid,
    });
  }

  const body = buildRosterZip(
    {
      orgs,
      academicSessions: [
        {
          sourcedId: yearSid,
          title: year.code,
          type: 'schoolYear',
          startDate: year.startsOn,
          endDate: year.endsOn,
          schoolYear: year.endsOn.slice(0, 4),
        },
      ],
      courses: [...courses.values()],
      classes: classRows,
      users,
      roles,
      enrollments,
    },
    SYSTEM,
  );
  return { filename: `oneroster-${school.code}-${year.code}.zip`, body: Buffer.from(body) };
}

// ---------------------------------------------------------------------------------------------------------
// Import

/** A problem of the import: the file, its line (1 the header), the column, and why. */
export interface RosterProblem {
  field: string;
  file: string;
  line: number;
  column: string;
  reason: string;
  message: string;
}

/** The columns the import needs of each file it reads. */
const NEEDED = {
  'classes.csv': ['sourcedId', 'title', 'classType', 'schoolSourcedId'],
  'users.csv': ['sourcedId', 'username'],
  'enrollments.csv': ['sourcedId', 'classSourcedId', 'userSourcedId', 'role'],
} as const;

type NeededFile = keyof typeof NEEDED;

interface ClassEntry {
  line: number;
  key: string;
  name: string;
  grade: number;
  letter: string;
  subjectCode: string | null;
}

/**
 * Imports a OneRoster zip into the school's year: checks every row of classes.csv, users.csv and
 * enrollments.csv (and orgs.csv when present), then creates the missing classes, enrols the students
 * (moving them from another class of the year) and sets homeroom and subject teachers — or, with any
 * problem, writes nothing and answers 422 with every problem by file, line and column.
 */
export async function importOneRoster(
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
  const zip = await readRosterZip(bytes);

  const problems: RosterProblem[] = [];
  const report = (
    file: string,
    line: number,
    column: string,
    reason: string,
    params: Record<string, unknown> = {},
  ) =>
    problems.push({
      field: `${file}:${line}:${column}`,
      file,
      line,
      column,
      reason,
      message: translate(locale, 'oneroster.at', {
        file,
        line,
        column,
        reason: translate(locale, `oneroster.rule.${reason}`, params),
      }),
    });
  const refuse = () => {
    throw new AppError(422, 'oneroster.invalid', { n: problems.length }, problems);
  };

  const read = (name: string, needed: readonly string[], required: boolean): ReadFile | null => {
    const found = zip.get(name);
    if (!found) {
      if (required) report(name, 0, '', 'missing_file', { file: name });
      return null;
    }
    if ('error' in found) {
      report(name, Number(found.error.params.line ?? 1), '', 'unreadable', {
        reason: translate(locale, found.error.code, found.error.params),
      });
      return null;
    }
    const file = found.file;
    const header = new Set(file.header.map((h) => h.toLowerCase()));
    const missing = needed.filter((c) => !header.has(c.toLowerCase()));
    for (const column of missing) report(name, 1, column, 'missing_column', { column });
    return missing.length > 0 ? null : file;
  };
  const files = Object.fromEntries(
    (Object.keys(NEEDED) as NeededFile[]).map((name) => [name, read(name, NEEDED[name], true)]),
  ) as Record<NeededFile, ReadFile | null>;
  const orgsFile = read('orgs.csv', ['sourcedId', 'type'], false);
  const classesFile = files['classes.csv'];
  const usersFile = files['users.csv'];
  const enrollmentsFile = files['enrollments.csv'];
  if (!classesFile || !usersFile || !enrollmentsFile || problems.length > 0) return refuse();

  const cell = (row: FileRow, column: string) => row.cells.get(column.toLowerCase()) ?? '';
  /** Rows with a sourcedId, each sourcedId once; empty and repeated ones are reported. */
  const bySourcedId = (name: string, file: ReadFile) => {
    const seen = new Map<string, FileRow>();
    for (const row of file.rows) {
      const id = cell(row, 'sourcedId');
      if (id === '') report(name, row.line, 'sourcedId', 'required');
      else if (seen.has(id))
        report(name, row.line, 'sourcedId', 'duplicate', { value: id, line: seen.get(id)!.line });
      else seen.set(id, row);
    }
    return seen;
  };

  // orgs.csv: one school, which the classes must name.
  let schoolSid: string | null = null;
  if (orgsFile) {
    const schools = orgsFile.rows.filter((r) => cell(r, 'type') === 'school');
    if (schools.length !== 1) report('orgs.csv', 1, 'type', 'one_school', { n: schools.length });
    else schoolSid = cell(schools[0]!, 'sourcedId');
  }

  // classes.csv: each class by name; a scheduled class is a subject of the class its classCode names.
  const allSubjects = await institutionsStore.listSubjects(db);
  const subjectOf = (value: string) => {
    const wanted = value.trim().toLocaleLowerCase('az');
    return allSubjects.find((s) =>
      [s.code, s.nameAz, s.nameRu, s.nameEn].some((n) => n.toLocaleLowerCase('az') === wanted),
    );
  };
  const courseCodes = new Map<string, string>();
  const coursesFile = zip.has('courses.csv') ? read('courses.csv', ['sourcedId'], false) : null;
  for (const row of coursesFile?.rows ?? []) courseCodes.set(cell(row, 'sourcedId'), cell(row, 'courseCode'));

  const classRows = bySourcedId('classes.csv', classesFile);
  const classes = new Map<string, ClassEntry>();
  const homerooms = new Map<string, number>();
  for (const [id, row] of classRows) {
    const writtenType = cell(row, 'classType');
    // The binding lets a system add its own kinds as `ext:<name>`: such a class is read as a subject class
    // when it names a subject we know, and otherwise left out (with its enrolments), as a kind we do not keep.
    const extension = EXT_VALUE.test(writtenType);
    if (writtenType !== 'homeroom' && writtenType !== 'scheduled' && !extension) {
      report('classes.csv', row.line, 'classType', 'bad_class_type', { value: writtenType });
      continue;
    }
    const namedSubject = () =>
      subjectOf(courseCodes.get(cell(row, 'courseSourcedId')) ?? '') ??
      subjectOf(cell(row, 'subjectCodes').split(',')[0] ?? '') ??
      subjectOf(cell(row, 'subjects').split(',')[0] ?? '');
    if (extension && !namedSubject()) continue;
    const type = extension ? 'scheduled' : writtenType;
    const code = cell(row, 'classCode');
    const column = code !== '' && CLASS_NAME.test(code) ? 'classCode' : 'title';
    const written = column === 'classCode' ? code : cell(row, 'title');
    const match = CLASS_NAME.exec(written);
    const grade = match ? Number(match[1]) : 0;
    if (written === '') {
      report('classes.csv', row.line, 'title', 'required');
      continue;
    }
    if (!match || grade < 1 || grade > 12) {
      report('classes.csv', row.line, column, 'bad_class', { value: written });
      continue;
    }
    if (!LETTER.test(match[2]!)) {
      report('classes.csv', row.line, column, 'bad_class', { value: written });
      continue;
    }
    const letter = letterKey(match[2]!);
    const name = `${grade}${letter}`;
    const grades = cell(row, 'grades');
    if (grades !== '' && grades.split(',').some((g) => g.trim() !== gradeCode(grade))) {
      report('classes.csv', row.line, 'grades', 'wrong_grade', {
        value: grades,
        name,
        grade: gradeCode(grade),
      });
      continue;
    }
    const school = cell(row, 'schoolSourcedId');
    if (school === '') report('classes.csv', row.line, 'schoolSourcedId', 'required');
    else if (orgsFile && schoolSid !== null && school !== schoolSid)
      report('classes.csv', row.line, 'schoolSourcedId', 'unknown_school', { value: school });
    let subjectCode: string | null = null;
    if (type === 'scheduled') {
      const named = cell(row, 'subjects').split(',')[0]?.trim() ?? '';
      const value = courseCodes.get(cell(row, 'courseSourcedId')) || named;
      const subject = namedSubject();
      if (!subject) {
        report('classes.csv', row.line, 'subjects', 'unknown_subject', { value });
        continue;
      }
      if (!subject.grades.includes(grade)) {
        report('classes.csv', row.line, 'subjects', 'subject_not_in_grade', {
          value: named || subject.code,
          grade,
        });
        continue;
      }
      subjectCode = subject.code;
    } else if (homerooms.has(name)) {
      report('classes.csv', row.line, column, 'duplicate', { value: written, line: homerooms.get(name) });
      continue;
    } else homerooms.set(name, row.line);
    classes.set(id, { line: row.line, key: `${grade}/${letter}`, name, grade, letter, subjectCode });
  }

  // users.csv: everyone must be a student or a teacher of this school already.
  const userRows = bySourcedId('users.csv', usersFile);
  const usernames = [...userRows.values()].map((r) => cell(r, 'username')).filter((u) => u !== '');
  const ourIds = [...userRows.keys()].flatMap((k) => {
    const m = OUR_USER.exec(k);
    return m ? [Number(m[1])] : [];
  });
  const holders = async (role: 'student' | 'teacher') => {
    const found = [
      ...(await identityStore.roleHoldersAt(db, role, institutionId, { usernames })),
      ...(await identityStore.roleHoldersAt(db, role, institutionId, { ids: ourIds })),
    ];
    return { byName: new Map(found.map((p) => [p.username, p.id])), ids: new Set(found.map((p) => p.id)) };
  };
  const students = await holders('student');
  const teachers = await holders('teacher');
  const people = new Map<string, number>();
  for (const [id, row] of userRows) {
    const username = cell(row, 'username');
    const ours = OUR_USER.exec(id);
    const ourId = ours ? Number(ours[1]) : 0;
    const userId =
      username !== ''
        ? (students.byName.get(username) ?? teachers.byName.get(username))
        : students.ids.has(ourId) || teachers.ids.has(ourId)
          ? ourId
          : undefined;
    if (userId === undefined)
      report('users.csv', row.line, 'username', 'unknown_user', { value: username || id });
    else people.set(id, userId);
  }

  // enrollments.csv: students into the class of the row's class, teachers onto it.
  const studentClass = new Map<number, { key: string; name: string; line: number }>();
  const homeroomTeacher = new Map<string, { teacherId: number; primary: boolean }>();
  const subjectTeacher = new Map<
    string,
    { teacherId: number; primary: boolean; key: string; subjectCode: string }
  >();
  bySourcedId('enrollments.csv', enrollmentsFile);
  for (const row of enrollmentsFile.rows) {
    const classRef = cell(row, 'classSourcedId');
    const userRef = cell(row, 'userSourcedId');
    const role = cell(row, 'role');
    const cls = classes.get(classRef);
    const userId = people.get(userRef);
    if (classRef === '') report('enrollments.csv', row.line, 'classSourcedId', 'required');
    else if (!classRows.has(classRef))
      report('enrollments.csv', row.line, 'classSourcedId', 'unknown_class_ref', { value: classRef });
    if (userRef === '') report('enrollments.csv', row.line, 'userSourcedId', 'required');
    else if (!userRows.has(userRef))
      report('enrollments.csv', row.line, 'userSourcedId', 'unknown_user_ref', { value: userRef });
    if (role !== 'student' && role !== 'teacher') {
      report('enrollments.csv', row.line, 'role', 'unsupported_role', { value: role });
      continue;
    }
    if (userId === undefined || cls === undefined) continue;
    const primary = cell(row, 'primary').toLowerCase() === 'true';
    if (role === 'student') {
      if (!students.ids.has(userId)) {
        report('enrollments.csv', row.line, 'userSourcedId', 'not_student', { value: userRef });
        continue;
      }
      const before = studentClass.get(userId);
      if (before && before.key !== cls.key)
        report('enrollments.csv', row.line, 'classSourcedId', 'two_classes', {
          name: before.name,
          line: before.line,
        });
      else if (!before) studentClass.set(userId, { key: cls.key, name: cls.name, line: row.line });
      continue;
    }
    if (!teachers.ids.has(userId)) {
      report('enrollments.csv', row.line, 'userSourcedId', 'not_teacher', { value: userRef });
      continue;
    }
    // The primary teacher wins; without one, the first listed.
    const take = (old: { primary: boolean } | undefined) => !old || (primary && !old.primary);
    if (cls.subjectCode === null) {
      if (take(homeroomTeacher.get(cls.key))) homeroomTeacher.set(cls.key, { teacherId: userId, primary });
    } else {
      const key = `${cls.key}/${cls.subjectCode}`;
      if (take(subjectTeacher.get(key)))
        subjectTeacher.set(key, { teacherId: userId, primary, key: cls.key, subjectCode: cls.subjectCode });
    }
  }
  if (problems.length > 0) return refuse();

  // Everything checked: what changes.
  const existing = await store.listClasses(db, institutionId, year.id);
  const existingByKey = new Map(existing.map((c) => [`${c.grade}/${letterKey(c.letter)}`, c]));
  const wantedClasses = new Map<string, ClassEntry>();
  for (const c of classes.values()) if (!wantedClasses.has(c.key)) wantedClasses.set(c.key, c);
  const toCreate = [...wantedClasses.values()].filter((c) => !existingByKey.has(c.key));
  const current = await store.classOfStudentsInYear(db, [...studentClass.keys()], year.id);
  const currentTeachers = await store.subjectTeachersOfClasses(
    db,
    existing.map((c) => c.id),
  );
  const counts = {
    classesCreated: toCreate.length,
    enrolled: 0,
    moved: 0,
    unchanged: 0,
    teachersSet: 0,
  };
  const moves: { key: string; studentId: number }[] = [];
  for (const [studentId, target] of studentClass) {
    const now = current.get(studentId);
    const targetId = existingByKey.get(target.key)?.id;
    if (now !== undefined && now === targetId) counts.unchanged += 1;
    else {
      moves.push({ key: target.key, studentId });
      if (now === undefined) counts.enrolled += 1;
      else counts.moved += 1;
    }
  }
  const homeroomChanges = [...homeroomTeacher].filter(
    ([key, t]) => existingByKey.get(key)?.homeroomTeacherId !== t.teacherId,
  );
  const subjectChanges = [...subjectTeacher.values()].filter((t) => {
    const cls = existingByKey.get(t.key);
    return !currentTeachers.some(
      (c) => c.classId === cls?.id && c.subjectCode === t.subjectCode && c.teacherId === t.teacherId,
    );
  });
  counts.teachersSet = homeroomChanges.length + subjectChanges.length;

  if (!options.dryRun) {
    // Everything was checked and read before: the transaction only writes, one statement per table.
    await db.transaction(async (tx) => {
      const ids = new Map([...existingByKey].map(([key, c]) => [key, c.id]));
      const made = await store.insertMissingClasses(
        tx,
        institutionId,
        year.id,
        toCreate.map((c) => ({ grade: c.grade, letter: c.letter, language: 'az' as const, shift: 1 })),
      );
      for (const c of made) ids.set(`${c.grade}/${letterKey(c.letter)}`, c.id);
      await store.enrol(
        tx,
        year.id,
        moves.map((m) => ({ classId: ids.get(m.key)!, studentId: m.studentId, institutionId })),
      );
      await store.setHomeroomTeachers(
        tx,
        homeroomChanges.map(([key, t]) => ({ id: ids.get(key)!, homeroomTeacherId: t.teacherId })),
      );
      const subjectRows = subjectChanges.map((t) => ({
        classId: ids.get(t.key)!,
        subjectCode: t.subjectCode,
        teacherId: t.teacherId,
        institutionId,
      }));
      // A change of a class's subject teachers, as a save of them: a save from an earlier read is then stale.
      await store.bumpSubjectsVersions(
        tx,
        subjectRows.map((r) => r.classId),
      );
      await store.putSubjectTeachers(tx, subjectRows);
      await audit(tx, ctx, {
        action: 'import',
        entity: 'oneroster',
        entityId: institutionId,
        after: { academicYearId: year.id, ...counts },
      });
    });
  }
  return { dryRun: options.dryRun, ...counts };
}
