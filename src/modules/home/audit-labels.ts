import type { Db } from '@/server/db/database';
import type { Locale } from '@/server/i18n';
import { idPart, registerAuditLabeller } from '@/modules/identity/audit.labels';
import * as identityStore from '@/modules/identity/identity.store';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import * as classroomStore from '@/modules/classroom/classroom.store';
import * as contestsStore from '@/modules/contests/contests.store';
import * as libraryStore from '@/modules/library/library.store';
import * as allocationStore from '@/modules/allocation/allocation.store';
import * as webinarsStore from '@/modules/webinars/webinars.store';
import * as councilsStore from '@/modules/councils/councils.store';
import * as assignmentsStore from '@/modules/assignments/assignments.store';

/**
 * The audit log's names for what each module changed (see `identity/audit.labels.ts`), read through the
 * modules' stores: a page of the log is at most a few hundred entries, so one lookup per distinct thing.
 */

type Named = { nameAz: string; nameRu: string; nameEn: string };
const nameIn = (locale: Locale, n: Named) =>
  locale === 'az' ? n.nameAz : locale === 'ru' ? n.nameRu : n.nameEn;
const className = (c: { grade: number; letter: string }) => `${c.grade}${c.letter}`;
const numbers = (ids: string[], index = 0) => [
  ...new Set(ids.map((id) => idPart(id, index)).filter((n): n is number => n !== null)),
];

/** Labels each id by looking up the number at `index` of it, one thing at a time. */
function byId<T>(
  find: (db: Db, id: number) => Promise<T | undefined>,
  label: (row: T, locale: Locale, db: Db) => string[] | Promise<string[]>,
) {
  return async (db: Db, locale: Locale, ids: string[]) => {
    const out = new Map<string, string[]>();
    for (const id of ids) {
      const n = idPart(id);
      const row = n === null ? undefined : await find(db, n);
      if (row !== undefined) out.set(id, await label(row, locale, db));
    }
    return out;
  };
}

async function schoolNames(db: Db, locale: Locale, ids: number[]): Promise<Map<number, string>> {
  return new Map((await institutionsStore.findInstitutions(db, ids)).map((s) => [s.id, nameIn(locale, s)]));
}

// Things named by their school: the school itself, its registry record of a year, its class lists, its bells.
registerAuditLabeller(
  ['institution', 'registry_school_year', 'enrolments', 'oneroster', 'lessons', 'bell_schedule'],
  async (db, locale, ids) => {
    const schools = await schoolNames(db, locale, numbers(ids));
    const years = ids.some((id) => id.includes('/'))
      ? new Map((await institutionsStore.listAcademicYears(db)).map((y) => [y.id, y.code]))
      : new Map<number, string>();
    const out = new Map<string, string[]>();
    for (const id of ids) {
      const school = schools.get(idPart(id)!);
      if (!school) continue;
      const year = years.get(idPart(id, 1) ?? 0);
      out.set(id, year ? [school, year] : [school]);
    }
    return out;
  },
);

/** A class as "7A, School No. 5". */
async function classLabels(db: Db, locale: Locale, classIds: number[]) {
  const classes = await classroomStore.findClasses(db, classIds);
  const schools = await schoolNames(db, locale, [...new Set(classes.map((c) => c.institutionId))]);
  return new Map(
    classes
      .map((c) => [c, [className(c), schools.get(c.institutionId) ?? '']] as const)
      .map(([c, parts]) => [c.id, { cls: c, parts: parts.filter(Boolean) }]),
  );
}

registerAuditLabeller(['class', 'timetable'], async (db, locale, ids) => {
  const classes = await classLabels(db, locale, numbers(ids));
  return new Map(
    ids.flatMap((id) => (classes.has(idPart(id)!) ? [[id, classes.get(idPart(id)!)!.parts]] : [])),
  );
});

// The class journal: `class/subject/term` (a save), `class/subject/term/student` (a term result set by hand).
registerAuditLabeller(['journal', 'journal_result'], async (db, locale, ids) => {
  const classes = await classLabels(db, locale, numbers(ids));
  const subjectCodes = [...new Set(ids.map((id) => id.split('/')[1]).filter((c): c is string => !!c))];
  const subjects = new Map(
    (await institutionsStore.subjectsByCode(db, subjectCodes)).map((s) => [s.code, nameIn(locale, s)]),
  );
  const terms = new Map<string, string>();
  for (const yearId of new Set([...classes.values()].map((c) => c.cls.academicYearId)))
    for (const term of await institutionsStore.termsOf(db, yearId))
      terms.set(`${yearId}/${term.code}`, nameIn(locale, term));
  const students = await identityStore.displayNames(db, numbers(ids, 3));
  const out = new Map<string, string[]>();
  for (const id of ids) {
    const [, subject, term] = id.split('/');
    const cls = classes.get(idPart(id)!);
    if (!cls) continue;
    const student = students.get(idPart(id, 3) ?? 0);
    out.set(
      id,
      [
        student,
        className(cls.cls),
        subject ? (subjects.get(subject) ?? '') : '',
        term ? (terms.get(`${cls.cls.academicYearId}/${term}`) ?? '') : '',
      ].filter((p): p is string => !!p),
    );
  }
  return out;
});

registerAuditLabeller(
  'lesson',
  byId(classroomStore.findLesson, async (lesson, locale, db) => {
    const cls = (await classLabels(db, locale, [lesson.classId])).get(lesson.classId);
    const [subject] = await institutionsStore.subjectsByCode(db, [lesson.subjectCode]);
    return [cls ? className(cls.cls) : '', subject ? nameIn(locale, subject) : '', lesson.date].filter(
      Boolean,
    );
  }),
);

registerAuditLabeller(
  'contests_contest',
  byId(contestsStore.findContest, (c) => [c.title]),
);
registerAuditLabeller(
  'library_resource',
  byId(libraryStore.findResource, (r) => [r.title]),
);
registerAuditLabeller(
  'library_collection',
  byId(libraryStore.findCollection, (c) => [c.title]),
);
registerAuditLabeller(
  'allocation_plan',
  byId(allocationStore.findPlan, (p) => [p.name]),
);
registerAuditLabeller(
  'allocation_application',
  byId(allocationStore.findApplication, async (a, locale, db) => {
    const schools = await schoolNames(db, locale, [a.institutionId]);
    return [schools.get(a.institutionId) ?? ''].filter(Boolean);
  }),
);
registerAuditLabeller(
  'webinar',
  byId(
    (db, id) => webinarsStore.findWebinar(db, id, 0),
    (w) => [w.title],
  ),
);
registerAuditLabeller(
  'council',
  byId(councilsStore.findMeeting, (m) => [m.title]),
);
registerAuditLabeller(
  'assignment',
  byId(assignmentsStore.findAssignment, (a) => [a.title]),
);
