import type { Db } from '@/server/db/database';
import { academicYears } from '@/modules/institutions/institutions.tables';
import { createUserWithRole } from '@test/factories';
import {
  attempts,
  enrolments,
  frameworkAreas,
  frameworks,
  plans,
  programmes,
  questions,
  sessions,
} from '@/modules/training/training.tables';

/**
 * A small world for the training programmes' routes (route × role walk, malformed requests): an approved plan,
 * three open programmes with sessions of the school's district (started ten minutes ago) and one of the other
 * district, and enrolments in the states the routes need.
 */

const L = (s: string) => ({ az: s, ru: s, en: s });

/** Minimal framework rows (the country pack's are loaded by the frameworks use case). */
export async function trainingFramework(db: Db, id = 'testfw'): Promise<void> {
  await db
    .insert(frameworks)
    .values({
      id,
      position: 1,
      name: L('Test framework'),
      description: L(''),
      levels: ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'].map((code) => ({
        code,
        name: L(code),
        description: L(''),
      })),
    })
    .onConflictDoNothing();
  await db
    .insert(frameworkAreas)
    .values(
      [1, 2].map((n) => ({
        id: `${id}.${n}`,
        frameworkId: id,
        position: n,
        name: L(`Area ${n}`),
        description: L(''),
      })),
    )
    .onConflictDoNothing();
}

export interface TrainingWorld {
  /** Academic years without a plan, one for each national role that starts a plan. */
  spareYearIds: { admin: number; bureau: number };
  planId: number;
  /** Programme A: the teacher approved, attended, an attempt under way; the grantee waiting; full. */
  programmeId: number;
  /** Programme B: open with a roomy session, nobody enrolled (for enrolment, nomination, saves). */
  openProgrammeId: number;
  sessionId: number;
  openSessionId: number;
  /** A session of programme A in the other district, full, with one of its teachers waiting. */
  otherSessionId: number;
  enrolmentId: number;
  waitingEnrolmentId: number;
  otherWaitingEnrolmentId: number;
  /** The teacher's requested enrolment on programme C, for withdrawal. */
  withdrawableEnrolmentId: number;
  attemptId: number;
  questionId: number;
}

/** The body of programme B as its editor saves it. */
export const trainingProgrammeBody = (planId: number) => ({
  planId,
  title: 'Rəqəmsal bacarıqlar',
  description: '',
  mode: 'in_person' as const,
  frameworkId: 'testfw',
  areaIds: ['testfw.1'],
  forBelowLevel: 2,
  targetGroup: '',
  hours: 12,
  passMark: 50,
  validMonths: null,
  budget: null,
  seats: [],
});

export async function trainingProgrammesWorld(
  db: Db,
  w: {
    yearId: number;
    areaId: number;
    otherAreaId: number;
    schoolId: number;
    otherSchoolId: number;
    bureauId: number;
    teacherId: number;
    granteeId: number;
  },
): Promise<TrainingWorld> {
  await trainingFramework(db);
  const year = async (code: string) =>
    (
      await db
        .insert(academicYears)
        .values({ code, startsOn: `${code.slice(0, 4)}-09-15`, endsOn: `${code.slice(5)}-06-15` })
        .returning()
    )[0]!.id;
  const spareYearIds = { admin: await year('2041-2042'), bureau: await year('2042-2043') };
  const [plan] = await db
    .insert(plans)
    .values({ yearId: w.yearId, title: 'Plan', status: 'approved', createdBy: w.bureauId })
    .returning();
  const programme = async (passMark: number | null) =>
    (
      await db
        .insert(programmes)
        .values({
          ...trainingProgrammeBody(plan!.id),
          passMark,
          status: 'open',
          createdBy: w.bureauId,
        })
        .returning()
    )[0]!.id;
  const a = await programme(50);
  const b = await programme(50);
  const c = await programme(null);
  const started = new Date(Date.now() - 10 * 60_000);
  const ends = new Date(Date.now() + 2 * 86_400_000);
  const session = async (programmeId: number, areaId: number, capacity: number) =>
    (
      await db
        .insert(sessions)
        .values({
          programmeId,
          areaId,
          startsAt: started,
          endsAt: ends,
          place: 'Bakı',
          capacity,
          createdBy: w.bureauId,
        })
        .returning()
    )[0]!.id;
  const sessionId = await session(a, w.areaId, 1);
  const otherSessionId = await session(a, w.otherAreaId, 1);
  const openSessionId = await session(b, w.areaId, 100);
  const cSession = await session(c, w.areaId, 100);
  const other1 = await createUserWithRole(db, 'teacher', { institutionId: w.otherSchoolId });
  const other2 = await createUserWithRole(db, 'teacher', { institutionId: w.otherSchoolId });
  const enrol = async (
    programmeId: number,
    sid: number,
    userId: number,
    institutionId: number,
    status: (typeof enrolments.$inferInsert)['status'],
    attended: boolean | null = null,
  ) =>
    (
      await db
        .insert(enrolments)
        .values({
          programmeId,
          sessionId: sid,
          userId,
          institutionId,
          status,
          origin: 'self',
          requestedBy: userId,
          decidedAt: status === 'requested' ? null : started,
          attended,
        })
        .returning()
    )[0]!.id;
  const enrolmentId = await enrol(a, sessionId, w.teacherId, w.schoolId, 'approved', true);
  const waitingEnrolmentId = await enrol(a, sessionId, w.granteeId, w.schoolId, 'waiting');
  await enrol(a, otherSessionId, other1.id, w.otherSchoolId, 'approved');
  const otherWaitingEnrolmentId = await enrol(a, otherSessionId, other2.id, w.otherSchoolId, 'waiting');
  const withdrawableEnrolmentId = await enrol(c, cSession, w.teacherId, w.schoolId, 'requested');
  const [question] = await db
    .insert(questions)
    .values({
      programmeId: a,
      position: 0,
      kind: 'single',
      body: { prompt: 'Sual', options: ['Bəli', 'Xeyr'] },
      answer: { correct: [0] },
      points: 1,
    })
    .returning();
  const [attempt] = await db.insert(attempts).values({ enrolmentId }).returning();
  return {
    spareYearIds,
    planId: plan!.id,
    programmeId: a,
    openProgrammeId: b,
    sessionId,
    openSessionId,
    otherSessionId,
    enrolmentId,
    waitingEnrolmentId,
    otherWaitingEnrolmentId,
    withdrawableEnrolmentId,
    attemptId: attempt!.id,
    questionId: question!.id,
  };
}
