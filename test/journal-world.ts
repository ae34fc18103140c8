import type { Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { ROLES } from '@/server/access';
import { calendarEntries, gradingScales } from '@/modules/institutions/institutions.tables';
import { readCountryPack } from '@/modules/institutions/country-pack';
import { upsertAttendanceCodes } from '@/modules/journal/journal.store';
import * as journal from '@/modules/journal/journal.service';
import { addDays, schoolToday } from '@/modules/classroom/classroom.service';
import { createUserWithRole } from '@test/factories';
import { actorOf } from '@test/classroom-world';

/**
 * Journal fixtures: what the class journal reads from the country pack (the default grading scale and the
 * attendance codes, taken from the real pack files) and two terms of a year around today: `half_1` up to three
 * weeks from today (so this week's lessons are in it), `half_2` after it.
 */

let packCache: Awaited<ReturnType<typeof readCountryPack>> | null = null;

/** Loads the pack's grading scales and attendance codes, and gives the year its two terms. */
export async function journalReference(
  db: Db,
  year: { id: number; startsOn: string; endsOn: string },
): Promise<{ half1: { startsOn: string; endsOn: string }; half2: { startsOn: string; endsOn: string } }> {
  packCache ??= await readCountryPack();
  const pack = packCache;
  await db
    .insert(gradingScales)
    .values(
      pack.gradingScales.map((s) => ({
        code: s.code,
        nameAz: s.name.az,
        nameRu: s.name.ru,
        nameEn: s.name.en,
        isDefault: s.isDefault,
        marks: s.marks,
      })),
    )
    .onConflictDoNothing();
  await upsertAttendanceCodes(db, pack.attendanceCodes);
  const split = addDays(schoolToday(), 20);
  const half1 = { startsOn: year.startsOn, endsOn: split < year.endsOn ? split : year.endsOn };
  const half2 = { startsOn: addDays(half1.endsOn, 1), endsOn: year.endsOn };
  const term = (code: string, range: { startsOn: string; endsOn: string }, n: number) => ({
    academicYearId: year.id,
    kind: 'term' as const,
    code,
    nameAz: `${n}-ci yarımil`,
    nameRu: `${n}-е полугодие`,
    nameEn: `Half-year ${n}`,
    ...range,
  });
  await db
    .insert(calendarEntries)
    .values([term('half_1', half1, 1), term('half_2', half2, 2)])
    .onConflictDoNothing();
  return { half1, half2 };
}

/** What the route walk needs of the journal. */
export interface JournalWorld {
  /** A student of the school with one link code per caller, for the walk's redemptions. */
  linkStudentId: number;
  linkCodes: Record<Role, string>;
  /** A student of the other school. */
  otherStudentId: number;
  /** The walk's student (in 7A, taught mathematics by the walk's teacher) and today at school. */
  studentId: number;
  today: string;
}

/** The journal of the route walk: reference data, and link codes issued by the school's director. */
export async function journalWorld(
  db: Db,
  ids: {
    schoolId: number;
    otherSchoolId: number;
    year: { id: number; startsOn: string; endsOn: string };
    directorId: number;
    studentId: number;
  },
): Promise<JournalWorld> {
  await journalReference(db, ids.year);
  const child = await createUserWithRole(db, 'student', { institutionId: ids.schoolId });
  const other = await createUserWithRole(db, 'student', { institutionId: ids.otherSchoolId });
  const director = actorOf(ids.directorId, 'director', ids.schoolId);
  const ctx = { actorId: ids.directorId, ip: null };
  const linkCodes = {} as Record<Role, string>;
  for (const role of ROLES) linkCodes[role] = (await journal.issueLinkCode(db, director, ctx, child.id)).code;
  return {
    linkStudentId: child.id,
    linkCodes,
    otherStudentId: other.id,
    studentId: ids.studentId,
    today: schoolToday(),
  };
}
