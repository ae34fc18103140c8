import { sql } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import { courseAttempts } from '@/modules/portal/portal.courses.tables';
import {
  readSafetyCourses,
  readSaferInternetDay,
  saferInternetDay,
} from '@/modules/portal/portal.courses.pack';
import * as store from '@/modules/portal/portal.courses.store';
import { campaignYear } from '@/modules/portal/portal.sid.service';

/**
 * The portal's internet-safety courses and Safer Internet Day from the country pack (`portal/*.json`), each
 * lesson given the pack's library resources of informatics for its grades. The demo adds, at the demo area's
 * schools (the `region` account's area), class runs and quizzes of grade 5–9 classes other than the demo
 * school's, and Safer Internet Day registrations of schools in the area and in a few other regions, so the
 * reports are not empty. The demo school itself is left to the people who try it.
 */

export interface SafetyCoursesSummary {
  courses: number;
  lessons: number;
  campaignYear: number | null;
  attempts: number;
  registrations: number;
}

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function seedSafetyCourses(
  db: Db,
  options: { packDir: string; demo: boolean; seed: number; now: Date },
): Promise<SafetyCoursesSummary> {
  const courses = await readSafetyCourses(options.packDir);
  const resources = await rows<{ id: number; grades: number[] }>(
    db,
    sql`select id, grades from library_resource
        where state = 'published' and subject_code = 'informatics' order by id limit 2000`,
  );
  const saved = await store.saveCourses(db, courses, (course, position) => {
    const fit = resources.filter((r) => r.grades.some((g) => g >= course.gradeFrom && g <= course.gradeTo));
    if (fit.length === 0) return [];
    const first = fit[((position - 1) * 2) % fit.length]!.id;
    const second = fit[((position - 1) * 2 + 1) % fit.length]!.id;
    return [...new Set([first, second])];
  });
  const sid = await readSaferInternetDay(options.packDir);
  const year = campaignYear(options.now);
  const campaignId = sid ? await store.saveCampaign(db, year, saferInternetDay(year), sid) : null;
  if (!options.demo) return { ...saved, campaignYear: sid ? year : null, attempts: 0, registrations: 0 };

  const [who] = await rows<{ areaId: number | null; schoolId: number | null; teacherId: number | null }>(
    db,
    sql`select (select g.area_id from identity_role_grant g join identity_user u on u.id = g.user_id
                where u.username = 'region' and g.role = 'regional' limit 1) as "areaId",
               (select g.institution_id from identity_role_grant g join identity_user u on u.id = g.user_id
                where u.username = 'director' and g.role = 'director' limit 1) as "schoolId",
               (select id from identity_user where username = 'teacher') as "teacherId"`,
  );
  if (!who?.areaId) return { ...saved, campaignYear: year, attempts: 0, registrations: 0 };
  const rand = random(options.seed * 7919 + 20);
  const byCode = new Map((await store.listCourses(db)).map((c) => [c.code, c]));
  const classes = await rows<{ id: number; institutionId: number; grade: number; path: number[] }>(
    db,
    sql`select c.id, c.institution_id as "institutionId", c.grade, a.path
        from classroom_class c
        join institutions_institution i on i.id = c.institution_id
        join institutions_area a on a.id = i.area_id
        join institutions_academic_year y on y.id = c.academic_year_id and y.is_current
        where a.path @> array[${who.areaId}]::int[] and c.grade between 5 and 9
          and c.institution_id is distinct from ${who.schoolId}
        order by c.institution_id, c.grade, c.letter limit 16`,
  );
  // Every pupil's quizzes written at once (a demo's few thousand rows; one insert per 500).
  const attemptRows: (typeof courseAttempts.$inferInsert)[] = [];
  const pupilsOf = await rows<{ classId: number; id: number }>(
    db,
    sql`select class_id as "classId", student_id as id from classroom_enrolment
        where class_id = any(${intArray(classes.map((c) => c.id))}) order by class_id, student_id`,
  );
  for (const cls of classes) {
    const course = [...byCode.values()].find((c) => cls.grade >= c.gradeFrom && cls.grade <= c.gradeTo);
    if (!course) continue;
    const lessons = await store.lessonsOf(db, course.id);
    const { run } = await store.startRun(db, {
      courseId: course.id,
      classId: cls.id,
      institutionId: cls.institutionId,
      startedBy: who.teacherId,
    });
    for (const p of pupilsOf.filter((x) => x.classId === cls.id).slice(0, 30)) {
      const done = Math.floor(rand() * (lessons.length + 1));
      for (const lesson of lessons.slice(0, done)) {
        const maxScore = lesson.questions.reduce((n, q) => n + q.points, 0);
        const score = Math.min(maxScore, Math.round(maxScore * (0.4 + rand() * 0.7)));
        attemptRows.push({
          lessonId: lesson.id,
          courseId: course.id,
          studentId: p.id,
          institutionId: cls.institutionId,
          classId: cls.id,
          runId: run.id,
          placePath: cls.path,
          score,
          maxScore,
          answers: lesson.questions.map(() => null),
          doneAt: options.now,
        });
      }
    }
  }
  for (let i = 0; i < attemptRows.length; i += 500)
    await db
      .insert(courseAttempts)
      .values(attemptRows.slice(i, i + 500))
      .onConflictDoNothing();
  const attempts = attemptRows.length;

  let registrations = 0;
  if (campaignId && sid) {
    const activityIds = (await store.activitiesOf(db, campaignId)).map((a) => a.id);
    // Schools of the demo area, and the first schools of three other regions.
    const schools = await rows<{ id: number; path: number[] }>(
      db,
      sql`(select i.id, a.path from institutions_institution i join institutions_area a on a.id = i.area_id
           where a.path @> array[${who.areaId}]::int[] and i.kind = 'general_school'
             and i.id is distinct from ${who.schoolId}
           order by i.id limit 8)
          union all
          (select distinct on (a.path[2]) i.id, a.path from institutions_institution i
           join institutions_area a on a.id = i.area_id
           where not a.path @> array[${who.areaId}]::int[] and i.kind = 'general_school'
             and array_length(a.path, 1) >= 2
           order by a.path[2], i.id limit 3)`,
    );
    const day = saferInternetDay(year);
    for (const s of schools) {
      const made = await store.insertEvent(db, {
        campaignId,
        institutionId: s.id,
        placePath: s.path,
        title: 'Təhlükəsiz İnternet Günü: açıq dərs və viktorina',
        heldOn: day,
        participants: 40 + Math.floor(rand() * 260),
        activityIds: activityIds.filter(() => rand() < 0.5),
        registeredBy: null,
      });
      if (made) registrations++;
    }
  }
  return { ...saved, campaignYear: year, attempts, registrations };
}

export const describeSafetyCourses = (s: SafetyCoursesSummary) =>
  `internet-safety courses: ${s.courses} courses, ${s.lessons} lessons` +
  (s.campaignYear ? `; Safer Internet Day ${s.campaignYear}` : '') +
  (s.attempts || s.registrations ? `; demo: ${s.attempts} quizzes, ${s.registrations} school events` : '');
