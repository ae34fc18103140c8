import type { Actor } from '@/server/access';
import { grantsOf } from '@/server/access';
import type { Db } from '@/server/db/database';
import * as identityStore from '@/modules/identity/identity.store';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import * as classroomStore from '@/modules/classroom/classroom.store';
import type { Locale } from '@/server/i18n';
import { areaDay, childrenDays, studentDay, teacherDay } from '@/modules/home/day.service';
import type {
  AdminSummary,
  BureauSummary,
  ParentSummary,
  StudentSummary,
  TeacherSummary,
} from '@/modules/home/home.schema';

/**
 * The summaries behind each role's home page. Each reads only what its role may see: national staff get
 * counts, school people get their own classes, parents their own children. Nothing here names a child to
 * anyone above the school. Each role's day (today, this week, what waits) is in `day.service.ts`.
 */

const countOnly = { limit: 1, offset: 0 };

/** Counts of institutions, accounts and areas, for the national administrator. */
export async function adminSummary(db: Db): Promise<AdminSummary> {
  const [institutions, users, areas] = await Promise.all([
    institutionsStore.listInstitutions(db, countOnly),
    identityStore.countUsers(db),
    institutionsStore.listAreas(db),
  ]);
  return { institutions: institutions.total, users, areas: areas.length };
}

/** Institutions per economic region, and what waits in the country, for the ICT bureau's national overview. */
export async function bureauSummary(db: Db, actor: Actor): Promise<BureauSummary> {
  const areas = await institutionsStore.listAreas(db);
  const regions = areas.filter((a) => a.kind === 'economic_region');
  const [counts, total] = await Promise.all([
    institutionsStore.countInstitutionsByArea(
      db,
      regions.map((r) => r.id),
    ),
    institutionsStore.listInstitutions(db, countOnly),
  ]);
  return {
    total: total.total,
    regions: regions.map((r) => ({
      areaId: r.id,
      code: r.code,
      nameAz: r.nameAz,
      nameRu: r.nameRu,
      nameEn: r.nameEn,
      institutions: counts.get(r.id) ?? 0,
    })),
    day: await areaDay(db, actor),
  };
}

/** The current academic year's id (null when none is marked current) and every year's code by id. */
async function academicYears(db: Db): Promise<{ current: number | null; codes: Map<number, string> }> {
  const years = await institutionsStore.listAcademicYears(db);
  return {
    current: years.find((y) => y.isCurrent)?.id ?? null,
    codes: new Map(years.map((y) => [y.id, y.code])),
  };
}

type InstitutionRef = TeacherSummary['schools'][number];

/** Looks up institutions' names once each. */
async function institutionRefs(db: Db, ids: Iterable<number>): Promise<Map<number, InstitutionRef>> {
  const refs = new Map<number, InstitutionRef>();
  for (const id of new Set(ids)) {
    const row = await institutionsStore.findInstitution(db, id);
    if (row) refs.set(id, { id, nameAz: row.nameAz, nameRu: row.nameRu, nameEn: row.nameEn });
  }
  return refs;
}

/** Shapes class rows for a home page: year code, institution names, homeroom teacher's name. */
async function describeClasses<T extends classroomStore.ClassRow>(
  db: Db,
  rows: T[],
  years: Map<number, string>,
): Promise<(T & { academicYear: string; institution: InstitutionRef; homeroomTeacher: string | null })[]> {
  const refs = await institutionRefs(
    db,
    rows.map((r) => r.institutionId),
  );
  const teachers = new Map<number, string>();
  for (const id of new Set(rows.map((r) => r.homeroomTeacherId).filter((v) => v !== null))) {
    const user = await identityStore.findUserById(db, id);
    if (user) teachers.set(id, user.displayName);
  }
  return rows.flatMap((r) => {
    const institution = refs.get(r.institutionId);
    if (!institution) return [];
    return [
      {
        ...r,
        academicYear: years.get(r.academicYearId) ?? '',
        institution,
        homeroomTeacher: r.homeroomTeacherId === null ? null : (teachers.get(r.homeroomTeacherId) ?? null),
      },
    ];
  });
}

const classView = <T extends classroomStore.ClassRow & { academicYear: string; institution: InstitutionRef }>(
  c: T,
) => ({
  id: c.id,
  grade: c.grade,
  letter: c.letter,
  shift: c.shift,
  language: c.language,
  academicYear: c.academicYear,
  institution: c.institution,
});

/** The schools a teacher teaches in and the classes they lead this year. */
export async function teacherSummary(db: Db, actor: Actor, locale: Locale): Promise<TeacherSummary> {
  const institutionIds = grantsOf(actor, ['teacher'])
    .map((g) => g.institutionId)
    .filter((id) => id !== null);
  const years = await academicYears(db);
  const rows = await classroomStore.classesLedBy(db, actor.userId, institutionIds, years.current);
  const schools = await institutionRefs(db, institutionIds);
  const described = await describeClasses(db, rows, years.codes);
  return {
    schools: [...schools.values()],
    classes: described.map((c) => ({ ...classView(c), students: c.students })),
    day: await teacherDay(db, actor, locale),
  };
}

/** The class a student is enrolled in this year. */
export async function studentSummary(db: Db, actor: Actor, locale: Locale): Promise<StudentSummary> {
  const described = await classroomStore.describedClassesOfStudents(db, [actor.userId]);
  return {
    classes: described.map((c) => ({ ...classView(c), homeroomTeacher: c.homeroomTeacher })),
    day: await studentDay(db, actor, locale),
  };
}

/** A parent's linked children, each with their class this year. */
export async function parentSummary(db: Db, actor: Actor, locale: Locale): Promise<ParentSummary> {
  const described = await classroomStore.describedClassesOfStudents(db, actor.childIds);
  const days = await childrenDays(db, actor, locale);
  const children: ParentSummary['children'] = [];
  for (const id of actor.childIds) {
    const user = await identityStore.findUserById(db, id);
    const day = days.get(id);
    if (!user || !day) continue;
    children.push({
      id,
      displayName: user.displayName,
      classes: described
        .filter((c) => c.studentId === id)
        .map((c) => ({ ...classView(c), homeroomTeacher: c.homeroomTeacher })),
      day,
    });
  }
  return { children };
}
