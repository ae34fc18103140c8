import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, forbidden, type FieldProblem } from '@/server/errors';
import { staleVersion } from '@/server/versions';
import { defineMessages, type Locale } from '@/server/i18n';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as store from '@/modules/classroom/classroom.store';
import {
  checkSubject,
  classDetail,
  className,
  classFor,
  managesSchool,
  problem,
  refuseIf,
  resolveYear,
  schoolOf,
  subjectsRecord,
  teachersAt,
} from '@/modules/classroom/classroom.service';
import type { ClassSubjectsInput, GradeSubjectInput } from '@/modules/classroom/classroom.schema';

/**
 * Who teaches what: a class's subject teachers set together, one subject's teacher for a whole grade, and
 * the school's list of who is known to teach each subject (to offer them first). Each change is one
 * transaction with its audit entry.
 */

defineMessages({
  en: { 'classroom.rule.no_classes_in_grade': 'the school has no class of grade {grade} in this year' },
  az: { 'classroom.rule.no_classes_in_grade': 'məktəbin bu tədris ilində {grade}-ci sinfi yoxdur' },
  ru: { 'classroom.rule.no_classes_in_grade': 'у школы нет {grade}-х классов в этом учебном году' },
});

/** A school's subject teachers in a year, and per subject the teachers known to teach it there. */
export async function schoolSubjectTeachers(
  db: Db,
  actor: Actor,
  institutionId: number,
  yearId: number | undefined,
  locale: Locale,
) {
  if (!managesSchool(actor, institutionId)) throw forbidden();
  await schoolOf(db, institutionId);
  const year = await resolveYear(db, yearId, locale);
  const items = await store.subjectTeachersOfSchool(db, institutionId, year.id);
  const known = new Map<string, number[]>();
  for (const k of await store.knownSubjectTeachers(db, institutionId, year.id)) {
    known.set(k.subjectCode, [...(known.get(k.subjectCode) ?? []), k.teacherId]);
  }
  return {
    academicYearId: year.id,
    classes: (await store.subjectsVersions(db, institutionId, year.id)).map((c) => ({
      classId: c.classId,
      grade: c.grade,
      name: className(c),
      version: c.version,
    })),
    items,
    known: [...known].map(([subjectCode, teacherIds]) => ({ subjectCode, teacherIds })),
  };
}

/** A class's subject teachers as one record, with its version, for those who may see the class. */
export async function getClassSubjects(db: Db, actor: Actor, classId: number) {
  await classFor(db, actor, classId, 'read');
  return classSubjects(db, classId);
}

const classSubjects = subjectsRecord;

/** Sets (or, with a null teacher, clears) several subjects' teachers of one class at once: all or nothing. */
export async function setClassSubjects(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  classId: number,
  input: ClassSubjectsInput,
  locale: Locale,
) {
  return db.transaction(async (tx) => {
    const { cls } = await classFor(tx, actor, classId, 'manage');
    // First the class row (the order every writer of its subject teachers takes): of two saves from the same
    // read one waits here, then misses the version.
    if ((await store.bumpClassVersion(tx, classId, 'subjects', input.version)) === undefined) {
      throw staleVersion(input, await classSubjects(tx, classId));
    }
    const problems: FieldProblem[] = [];
    const teachers = await teachersAt(
      tx,
      cls.institutionId,
      input.items.flatMap((i) => (i.teacherId === null ? [] : [i.teacherId])),
    );
    const seen = new Set<string>();
    for (const [i, item] of input.items.entries()) {
      if (seen.has(item.subjectCode)) problems.push(problem(locale, `items.${i}.subjectCode`, 'duplicate'));
      else
        problems.push(
          ...(await checkSubject(tx, item.subjectCode, cls.grade, `items.${i}.subjectCode`, locale)),
        );
      seen.add(item.subjectCode);
      if (item.teacherId !== null && !teachers.has(item.teacherId)) {
        problems.push(problem(locale, `items.${i}.teacherId`, 'not_teacher'));
      }
    }
    refuseIf(problems);
    const before = await store.subjectTeachersOf(tx, classId);
    await store.putSubjectTeachers(
      tx,
      input.items.flatMap((i) =>
        i.teacherId === null
          ? []
          : [
              {
                classId,
                subjectCode: i.subjectCode,
                teacherId: i.teacherId,
                institutionId: cls.institutionId,
              },
            ],
      ),
    );
    for (const item of input.items.filter((i) => i.teacherId === null)) {
      await store.deleteSubjectTeachers(tx, [classId], item.subjectCode);
    }
    await audit(tx, ctx, {
      action: 'set_subject_teachers',
      entity: 'class',
      entityId: classId,
      before,
      after: await store.subjectTeachersOf(tx, classId),
    });
    return classDetail(tx, cls);
  });
}

/**
 * One subject's teacher in every class of a grade at a school ("she teaches mathematics in all 5th-grade
 * classes"), or, with a null teacher, nobody: all classes or none. It changes each class's subject teachers,
 * so it is saved from the versions of the grade's classes read: every class of the grade must be sent, at the
 * version it holds. A class changed since (or added to the grade, or gone from it) refuses the whole save with
 * 409 `stale_version`: `details.classes` names those classes, `details.current` is the grade as it is now
 * (each class's version and teacher of the subject), `details.yours` what was sent.
 */
export async function setGradeSubject(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  institutionId: number,
  input: GradeSubjectInput,
  locale: Locale,
) {
  if (!managesSchool(actor, institutionId)) throw forbidden();
  await schoolOf(db, institutionId);
  return db.transaction(async (tx) => {
    const year = await resolveYear(tx, input.academicYearId, locale, 'academicYearId');
    const problems = await checkSubject(tx, input.subjectCode, input.grade, 'subjectCode', locale);
    if (
      input.teacherId !== null &&
      !(await teachersAt(tx, institutionId, [input.teacherId])).has(input.teacherId)
    ) {
      problems.push(problem(locale, 'teacherId', 'not_teacher'));
    }
    const classIds = (await store.listClasses(tx, institutionId, year.id))
      .filter((c) => c.grade === input.grade)
      .map((c) => c.id);
    if (classIds.length === 0)
      problems.push(problem(locale, 'grade', 'no_classes_in_grade', { grade: input.grade }));
    refuseIf(problems);
    // The classes' rows locked in id order (the order every writer of several classes takes), their versions
    // compared with those sent, and only then bumped: of two saves from the same read, the second waits on the
    // first's locks, then finds the versions moved on. Nothing is bumped before the refusal, so its `current`
    // is the grade as saved.
    const sent = new Map(input.classes.map((c) => [c.classId, c.version]));
    const held = await store.lockSubjectsVersions(tx, classIds);
    const stale = classIds.filter((id) => sent.get(id) === undefined || sent.get(id) !== held.get(id));
    const gone = input.classes.filter((c) => !classIds.includes(c.classId));
    if (stale.length > 0 || gone.length > 0) {
      const current = await gradeRecord(tx, institutionId, year.id, input.grade, input.subjectCode);
      throw new AppError(
        409,
        'stale_version',
        {},
        {
          yours: input,
          current,
          classes: current.classes.filter((c) => stale.includes(c.classId)).map((c) => c.name),
        },
      );
    }
    for (const id of [...classIds].sort((a, b) => a - b)) {
      await store.bumpClassVersion(tx, id, 'subjects', held.get(id));
    }
    const before = (await store.subjectTeachersOfSchool(tx, institutionId, year.id)).filter(
      (s) => s.subjectCode === input.subjectCode && classIds.includes(s.classId),
    );
    if (input.teacherId === null) await store.deleteSubjectTeachers(tx, classIds, input.subjectCode);
    else {
      const teacherId = input.teacherId;
      await store.putSubjectTeachers(
        tx,
        classIds.map((classId) => ({ classId, subjectCode: input.subjectCode, teacherId, institutionId })),
      );
    }
    await audit(tx, ctx, {
      action: 'set_grade_subject_teacher',
      entity: 'institution',
      entityId: institutionId,
      before,
      after: {
        academicYearId: year.id,
        grade: input.grade,
        subjectCode: input.subjectCode,
        teacherId: input.teacherId,
      },
    });
    return {
      grade: input.grade,
      subjectCode: input.subjectCode,
      teacherId: input.teacherId,
      classIds,
      classes: (await gradeRecord(tx, institutionId, year.id, input.grade, input.subjectCode)).classes.map(
        (c) => ({ classId: c.classId, version: c.version }),
      ),
    };
  });
}

/** A grade's classes with their subject teachers' version and their teacher of one subject. */
async function gradeRecord(
  db: Db,
  institutionId: number,
  yearId: number,
  grade: number,
  subjectCode: string,
) {
  const teachers = new Map(
    (await store.subjectTeachersOfSchool(db, institutionId, yearId))
      .filter((s) => s.subjectCode === subjectCode)
      .map((s) => [s.classId, s.teacherId]),
  );
  return {
    academicYearId: yearId,
    grade,
    subjectCode,
    classes: (await store.subjectsVersions(db, institutionId, yearId))
      .filter((c) => c.grade === grade)
      .map((c) => ({
        classId: c.classId,
        name: className(c),
        version: c.version,
        teacherId: teachers.get(c.classId) ?? null,
      })),
  };
}
