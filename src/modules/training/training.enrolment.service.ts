import { feedIctTrained } from '@/modules/infrastructure/ict-trained.store';
import type { Actor } from '@/server/access';
import { letOthersIn, type Db } from '@/server/db/database';
import { AppError, forbidden, notFound, type FieldProblem } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import * as clock from '@/server/clock';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as identityStore from '@/modules/identity/identity.store';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import * as store from '@/modules/training/training.programmes.store';
import { problem, refuseIf } from '@/modules/training/training.programmes.messages';
import {
  isNational,
  nameIn,
  notStarted,
  regionalAreas,
  schoolsAs,
  suggests,
  visibleProgramme,
  visibleSession,
} from '@/modules/training/training.programmes.service';
import { canTake } from '@/modules/training/training.assessment.service';
import { issueForEnrolment } from '@/modules/training/training.certificates.service';

/**
 * Enrolment on a programme: a teacher asks for a place in a session, or their director nominates them; the
 * district (the regional officer of the school's area) approves or rejects. An approval beyond the session's
 * capacity, or beyond the seats given to the school's district, puts the teacher on the session's waiting
 * list; every change that frees or adds places (a withdrawal, a rejection of someone with a place, a session's
 * or a programme's save) moves waiting people up (`promote`), in the same transaction. Every such change locks
 * the programme's row first, so two approvals at once are made one after the other and never overfill a
 * session. Nobody decides their own enrolment. Attendance is marked by whoever runs the session.
 */

const DECIDABLE = ['requested', 'nominated', 'waiting'] as const;
const WITHDRAWABLE = ['requested', 'nominated', 'waiting', 'approved'] as const;
const includes = (list: readonly string[], s: string) => list.includes(s);

/**
 * The one place where a completion is announced: called in the transaction that makes an enrolment
 * `completed` (a passed assessment, or attendance of a programme without one). The certificate is issued
 * in that transaction, so a completion never stands without it.
 */
export async function onCompleted(tx: Db, enrolmentId: number): Promise<void> {
  await issueForEnrolment(tx, enrolmentId);
  // The school's ICT-trained count in the registry comes from its records (src/modules/infrastructure/ict-trained.store.ts).
  const e = await store.findEnrolment(tx, enrolmentId);
  if (e) await feedIctTrained(tx, [e.institutionId]);
}

/** Whether the caller decides for a school on this area path: national staff, or its regional officer. */
const decidesFor = (actor: Actor, schoolAreaPath: number[]) =>
  isNational(actor) || regionalAreas(actor).some((a) => schoolAreaPath.includes(a));

async function present(db: Db, actor: Actor, locale: Locale, e: store.EnrolmentListRow) {
  const own = e.userId === actor.userId;
  const programme = own ? await store.findProgramme(db, e.programmeId) : undefined;
  return {
    id: e.id,
    programmeId: e.programmeId,
    programmeTitle: e.programmeTitle,
    passMark: e.passMark,
    session:
      e.sessionId === null
        ? null
        : {
            id: e.sessionId,
            startsAt: e.sessionStartsAt!.toISOString(),
            endsAt: e.sessionEndsAt!.toISOString(),
            area: nameIn(locale, {
              nameAz: e.sessionAreaAz,
              nameRu: e.sessionAreaRu,
              nameEn: e.sessionAreaEn,
            }),
          },
    userId: e.userId,
    displayName: e.displayName,
    school: {
      id: e.institutionId,
      name: nameIn(locale, { nameAz: e.schoolNameAz, nameRu: e.schoolNameRu, nameEn: e.schoolNameEn }),
    },
    status: e.status,
    origin: e.origin,
    note: e.note,
    attended: e.attended,
    score: e.score,
    completedAt: e.completedAt?.toISOString() ?? null,
    waitingPosition: e.waitingPosition,
    canDecide: !own && decidesFor(actor, e.schoolAreaPath) && includes([...DECIDABLE, 'approved'], e.status),
    canWithdraw: own && includes(WITHDRAWABLE, e.status) && e.attended !== true,
    canTakeAssessment: programme ? await canTake(db, e, programme) : false,
    version: e.version,
  };
}

/**
 * Enrolments the caller may see: their own (a teacher, or `mine`), their school's (a director), their
 * district's schools' (a regional officer), all (national staff).
 */
export async function listEnrolments(
  db: Db,
  actor: Actor,
  locale: Locale,
  query: { programmeId?: number; status?: string; mine?: boolean },
) {
  const base = { programmeId: query.programmeId, status: query.status };
  let filter: store.EnrolmentFilter;
  if (query.mine) filter = { ...base, userId: actor.userId };
  else if (isNational(actor)) filter = base;
  else if (regionalAreas(actor).length > 0) filter = { ...base, underAreas: regionalAreas(actor) };
  else if (schoolsAs(actor, 'director').length > 0)
    filter = { ...base, schools: schoolsAs(actor, 'director') };
  else filter = { ...base, userId: actor.userId };
  const list = await store.listEnrolments(db, filter);
  return { items: await Promise.all(list.map((e) => present(db, actor, locale, e))) };
}

/** An enrolment the caller may see: their own, their school's, their district's, or any (national staff). */
async function visibleEnrolment(db: Db, actor: Actor, id: number): Promise<store.EnrolmentListRow> {
  const e = await store.findEnrolment(db, id);
  const sees =
    e &&
    (e.userId === actor.userId ||
      decidesFor(actor, e.schoolAreaPath) ||
      schoolsAs(actor, 'director').includes(e.institutionId));
  if (!sees) throw notFound('enrolment');
  return e;
}

export async function getEnrolment(db: Db, actor: Actor, locale: Locale, id: number) {
  return present(db, actor, locale, await visibleEnrolment(db, actor, id));
}

/** Checks the session chosen for a teacher of a school: this programme's, open to their district, running. */
async function checkSessionChoice(
  db: Db,
  locale: Locale,
  programmeId: number,
  sessionId: number,
  schoolId: number,
) {
  const s = await store.findSession(db, sessionId);
  const path = (await institutionsStore.institutionPlace(db, schoolId))?.areaPath ?? [];
  const problems: FieldProblem[] = [];
  if (!s || s.programmeId !== programmeId) problems.push(problem(locale, 'sessionId', 'unknown_session'));
  else if (s.cancelled) problems.push(problem(locale, 'sessionId', 'session_cancelled'));
  else if (s.endsAt.getTime() < clock.nowMs()) problems.push(problem(locale, 'sessionId', 'session_ended'));
  else if (s.areaId !== null && !path.includes(s.areaId))
    problems.push(problem(locale, 'sessionId', 'not_your_district'));
  refuseIf(problems);
}

async function createEnrolment(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  programmeId: number,
  who: { userId: number; schoolId: number; sessionId: number; origin: 'self' | 'director' },
) {
  const programme = await visibleProgramme(db, actor, programmeId);
  if (programme.status !== 'open') throw new AppError(409, 'training.not_open');
  const id = await db.transaction(async (tx) => {
    await store.findProgramme(tx, programmeId, true);
    await checkSessionChoice(tx, locale, programmeId, who.sessionId, who.schoolId);
    const row = await store.upsertEnrolment(tx, {
      programmeId,
      sessionId: who.sessionId,
      userId: who.userId,
      institutionId: who.schoolId,
      status: who.origin === 'self' ? 'requested' : 'nominated',
      origin: who.origin,
      requestedBy: actor.userId,
    });
    if (!row) throw new AppError(409, 'training.already_enrolled');
    await audit(tx, ctx, { action: 'enrol', entity: 'training_enrolment', entityId: row.id, after: row });
    return row.id;
  });
  return getEnrolment(db, actor, locale, id);
}

/** A teacher asks for a place on an open programme, in a session open to their district. */
export async function enrol(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  programmeId: number,
  input: { sessionId: number },
) {
  const [schoolId] = schoolsAs(actor, 'teacher');
  if (schoolId === undefined) throw new AppError(403, 'training.no_school');
  return createEnrolment(db, actor, ctx, locale, programmeId, {
    userId: actor.userId,
    schoolId,
    sessionId: input.sessionId,
    origin: 'self',
  });
}

/** A director nominates a teacher of their school. */
export async function nominate(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  programmeId: number,
  input: { userId: number; sessionId: number },
) {
  const schools = schoolsAs(actor, 'director');
  let schoolId: number | undefined;
  for (const id of schools) {
    if ((await identityStore.roleHoldersAt(db, 'teacher', id, { ids: [input.userId] })).length > 0) {
      schoolId = id;
      break;
    }
  }
  if (schoolId === undefined) refuseIf([problem(locale, 'userId', 'not_staff')]);
  return createEnrolment(db, actor, ctx, locale, programmeId, {
    userId: input.userId,
    schoolId: schoolId!,
    sessionId: input.sessionId,
    origin: 'director',
  });
}

/** The teachers of the director's school, with where each stands on a programme and whether it suits them. */
export async function nominees(db: Db, actor: Actor, programmeId: number) {
  const programme = await visibleProgramme(db, actor, programmeId);
  const people = new Map<number, string>();
  for (const id of schoolsAs(actor, 'director'))
    for (const p of await identityStore.peopleWithRolesAt(db, ['teacher'], id))
      people.set(p.id, p.displayName);
  const ids = [...people.keys()];
  const levels = await store.levelsOfMany(db, ids);
  const enrolled = await store.listEnrolments(db, { programmeId, schools: schoolsAs(actor, 'director') });
  return {
    items: ids.map((userId) => ({
      userId,
      displayName: people.get(userId)!,
      status: enrolled.find((e) => e.userId === userId)?.status ?? null,
      suggested: suggests(programme, levels.get(userId) ?? new Map<string, number>()),
    })),
  };
}

/** Whether the seats given to the districts on a school's path leave room for one more of its teachers. */
async function seatsAllow(db: Db, programmeId: number, schoolId: number): Promise<boolean> {
  const path = (await institutionsStore.institutionPlace(db, schoolId))?.areaPath ?? [];
  for (const s of await store.seatsOf(db, [programmeId])) {
    if (path.includes(s.areaId) && (await store.takenUnder(db, programmeId, s.areaId)) >= s.seats)
      return false;
  }
  return true;
}

/** Whether a session and the seats have room for one more teacher of the school. */
async function hasRoom(db: Db, programmeId: number, sessionId: number, schoolId: number) {
  const session = (await store.lockSession(db, sessionId))!;
  return (
    (await store.takenIn(db, sessionId)) < session.capacity && (await seatsAllow(db, programmeId, schoolId))
  );
}

/**
 * Moves waiting people of a programme up, first put on a waiting list first, while their session and their
 * district's seats have room: after a place is freed (a withdrawal, a rejection, a cancelled session) or more
 * are given (a session's capacity, a district's seats). A place freed in one session may so go to someone of
 * the same district waiting in another. Called under the programme's lock.
 */
export async function promote(tx: Db, ctx: ChangeContext, programmeId: number): Promise<void> {
  for (const w of await store.waitingOfProgramme(tx, programmeId)) {
    if (!(await hasRoom(tx, programmeId, w.sessionId!, w.institutionId))) continue;
    const after = await store.updateEnrolment(tx, w.id, { status: 'approved' });
    await audit(tx, ctx, {
      action: 'promote',
      entity: 'training_enrolment',
      entityId: w.id,
      before: { status: 'waiting' },
      after,
    });
  }
}

/**
 * The district approves (a place, or the waiting list when the session or the district's seats are full) or
 * rejects, with a note. Rejecting someone with a place moves the first waiting person up.
 */
export async function decide(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  input: { version: number; decision: 'approve' | 'reject'; note?: string },
) {
  const seen = await visibleEnrolment(db, actor, id);
  if (!decidesFor(actor, seen.schoolAreaPath)) throw forbidden();
  // Nobody decides their own enrolment (a regional officer who also teaches).
  if (seen.userId === actor.userId) throw new AppError(403, 'training.own_enrolment');
  await db.transaction(async (tx) => {
    // The programme's row is the lock every change of its places takes: decisions on it run one at a time.
    await store.findProgramme(tx, seen.programmeId, true);
    const before = (await store.lockEnrolment(tx, id))!;
    if (before.version !== input.version)
      throw staleVersion(input, await getEnrolment(tx, actor, locale, id));
    const decidable = input.decision === 'approve' ? DECIDABLE : [...DECIDABLE, 'approved'];
    if (!includes(decidable, before.status)) throw new AppError(409, 'training.cannot_decide');
    const decided = { decidedBy: actor.userId, note: input.note?.trim() ?? '' };
    let after;
    if (input.decision === 'reject') {
      after = await store.updateEnrolment(tx, id, { ...decided, status: 'rejected', decidedAt: clock.now() });
      if (before.status === 'approved') await promote(tx, ctx, before.programmeId);
    } else {
      if ((await store.lockSession(tx, before.sessionId!))!.cancelled)
        refuseIf([problem(locale, 'sessionId', 'session_cancelled')]);
      const room = await hasRoom(tx, before.programmeId, before.sessionId!, before.institutionId);
      after = await store.updateEnrolment(tx, id, {
        ...decided,
        status: room ? 'approved' : 'waiting',
        // A waiting person keeps their place in the queue when approved again without room.
        decidedAt: before.status === 'waiting' && !room ? before.decidedAt : clock.now(),
      });
    }
    await audit(tx, ctx, {
      action: input.decision,
      entity: 'training_enrolment',
      entityId: id,
      before,
      after,
    });
  });
  return getEnrolment(db, actor, locale, id);
}

/** The teacher withdraws; a place they held goes to the first waiting person. */
export async function withdraw(db: Db, actor: Actor, ctx: ChangeContext, locale: Locale, id: number) {
  const seen = await visibleEnrolment(db, actor, id);
  if (seen.userId !== actor.userId) throw forbidden();
  await db.transaction(async (tx) => {
    await store.findProgramme(tx, seen.programmeId, true);
    const before = (await store.lockEnrolment(tx, id))!;
    if (!includes(WITHDRAWABLE, before.status) || before.attended === true)
      throw new AppError(409, 'training.cannot_withdraw');
    const after = await store.updateEnrolment(tx, id, { status: 'withdrawn' });
    if (before.status === 'approved') await promote(tx, ctx, before.programmeId);
    await audit(tx, ctx, { action: 'withdraw', entity: 'training_enrolment', entityId: id, before, after });
  });
  return getEnrolment(db, actor, locale, id);
}

// ---------------------------------------------------------------------------------------------------------
// Attendance

export async function getAttendance(db: Db, actor: Actor, locale: Locale, sessionId: number) {
  const s = await visibleSession(db, actor, sessionId, true);
  const list = (await store.listEnrolments(db, { sessionId })).filter((e) =>
    includes(store.HOLDING, e.status),
  );
  list.sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id - b.id);
  return {
    sessionId,
    started: clock.nowMs() >= s.startsAt.getTime(),
    version: s.attendanceVersion,
    items: list.map((e) => ({
      enrolmentId: e.id,
      displayName: e.displayName,
      school: nameIn(locale, { nameAz: e.schoolNameAz, nameRu: e.schoolNameRu, nameEn: e.schoolNameEn }),
      status: e.status,
      attended: e.attended,
    })),
  };
}

/** Where a certificate that could not be issued after attendance is reported. */
export interface ErrorLog {
  error: (obj: object, msg: string) => void;
}
const consoleLog: ErrorLog = { error: (obj, msg) => console.error(msg, obj) };

/**
 * Who attended: the listed enrolments did, the others with a place did not (a versioned save). For a
 * programme without a pass mark, attending completes it; the certificates of those completed are issued
 * after the attendance is committed, each in a short transaction of its own (signing one takes ~10 ms: a
 * whole group signed inside the attendance's transaction would hold the programme's row and the status
 * list's for as long). One that fails is logged and left to the bureau's bulk issue.
 */
export async function recordAttendance(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  sessionId: number,
  input: { version: number; attended: number[] },
  log: ErrorLog = consoleLog,
) {
  const s = await visibleSession(db, actor, sessionId, true);
  if (clock.nowMs() < s.startsAt.getTime()) throw notStarted();
  const completed = await db.transaction(async (tx) => {
    const programme = (await store.findProgramme(tx, s.programmeId, true))!;
    const holders = (await store.listEnrolments(tx, { sessionId })).filter((e) =>
      includes(store.HOLDING, e.status),
    );
    const ids = new Set(holders.map((e) => e.id));
    refuseIf(
      input.attended.flatMap((id, i) =>
        ids.has(id) ? [] : [problem(locale, `attended.${i}`, 'not_a_place')],
      ),
    );
    if (!(await store.bumpAttendanceVersion(tx, sessionId, input.version)))
      throw staleVersion(input, await getAttendance(tx, actor, locale, sessionId));
    await store.setAttendance(tx, sessionId, input.attended);
    await audit(tx, ctx, {
      action: 'attendance',
      entity: 'training_session',
      entityId: sessionId,
      after: { attended: input.attended },
    });
    const done: number[] = [];
    if (programme.passMark === null) {
      for (const e of holders) {
        if (e.status !== 'approved' || !input.attended.includes(e.id)) continue;
        await store.updateEnrolment(tx, e.id, { status: 'completed', completedAt: clock.now() });
        await audit(tx, ctx, { action: 'complete', entity: 'training_enrolment', entityId: e.id });
        done.push(e.id);
      }
    }
    return done;
  });
  for (const id of completed) {
    await letOthersIn();
    try {
      await db.transaction((tx) => onCompleted(tx, id));
    } catch (err) {
      log.error({ err, enrolmentId: id }, 'training: certificate not issued after attendance');
    }
  }
  return getAttendance(db, actor, locale, sessionId);
}
