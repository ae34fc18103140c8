import { and, asc, eq, sql } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import { academicYears, areas, institutions } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';
import {
  attempts,
  enrolments,
  frameworkAreas,
  frameworks,
  plans,
  programmeSeats,
  programmes,
  questions,
  sessions,
  teacherLevels,
} from '@/modules/training/training.tables';

/** The SQL of the plan, programmes, sessions, enrolments, attendance and the final assessment. */

export type PlanRow = typeof plans.$inferSelect;
export type ProgrammeRow = typeof programmes.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type EnrolmentRow = typeof enrolments.$inferSelect;
export type QuestionRow = typeof questions.$inferSelect;
export type AttemptRow = typeof attempts.$inferSelect;

/** The states in which an enrolment holds a place in its session. */
export const HOLDING = ['approved', 'completed', 'failed'] as const;
const holding = sql`('approved', 'completed', 'failed')`;

// ---------------------------------------------------------------------------------------------------------
// Plans

export async function listPlans(db: Db): Promise<(PlanRow & { yearCode: string; programmes: number })[]> {
  return db
    .select({
      id: plans.id,
      yearId: plans.yearId,
      title: plans.title,
      budget: plans.budget,
      status: plans.status,
      version: plans.version,
      createdBy: plans.createdBy,
      createdAt: plans.createdAt,
      yearCode: academicYears.code,
      programmes: sql<number>`(select count(*)::int from ${programmes} p where p.plan_id = ${plans.id})`,
    })
    .from(plans)
    .innerJoin(academicYears, eq(academicYears.id, plans.yearId))
    .orderBy(sql`${academicYears.startsOn} desc`);
}

export async function findPlan(db: Db, id: number) {
  return (await listPlans(db)).find((p) => p.id === id);
}

export async function planOfYear(db: Db, yearId: number): Promise<PlanRow | undefined> {
  const [row] = await db.select().from(plans).where(eq(plans.yearId, yearId));
  return row;
}

export async function insertPlan(db: Db, values: typeof plans.$inferInsert): Promise<PlanRow> {
  const [row] = await db.insert(plans).values(values).returning();
  return row!;
}

export async function updatePlan(
  db: Db,
  id: number,
  version: number,
  values: Partial<typeof plans.$inferInsert>,
): Promise<PlanRow | undefined> {
  const [row] = await db
    .update(plans)
    .set({ ...values, version: sql`${plans.version} + 1` })
    .where(and(eq(plans.id, id), eq(plans.version, version)))
    .returning();
  return row;
}

// ---------------------------------------------------------------------------------------------------------
// Programmes

export async function listProgrammes(
  db: Db,
  filter: { planId?: number; status?: string; ids?: number[]; visibleOnly: boolean },
): Promise<ProgrammeRow[]> {
  return rows<ProgrammeRow>(
    db,
    sql`select id, plan_id as "planId", title, description, mode, framework_id as "frameworkId",
          area_ids as "areaIds", for_below_level as "forBelowLevel", target_group as "targetGroup", hours,
          pass_mark as "passMark", valid_months as "validMonths", budget::float8 as budget, status, version,
          created_by as "createdBy", created_at as "createdAt"
        from ${programmes}
        where true
          ${filter.planId === undefined ? sql`` : sql`and plan_id = ${filter.planId}`}
          ${filter.status === undefined ? sql`` : sql`and status = ${filter.status}`}
          ${filter.ids === undefined ? sql`` : sql`and id = any(${intArray(filter.ids)})`}
          ${filter.visibleOnly ? sql`and status <> 'draft'` : sql``}
        order by case status when 'open' then 0 when 'closed' then 1 when 'draft' then 2 else 3 end, id
        limit 1000`,
  );
}

export async function findProgramme(db: Db, id: number, lock = false): Promise<ProgrammeRow | undefined> {
  const q = db.select().from(programmes).where(eq(programmes.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function insertProgramme(db: Db, values: typeof programmes.$inferInsert): Promise<ProgrammeRow> {
  const [row] = await db.insert(programmes).values(values).returning();
  return row!;
}

export async function updateProgramme(
  db: Db,
  id: number,
  version: number,
  values: Partial<typeof programmes.$inferInsert>,
): Promise<ProgrammeRow | undefined> {
  const [row] = await db
    .update(programmes)
    .set({ ...values, version: sql`${programmes.version} + 1` })
    .where(and(eq(programmes.id, id), eq(programmes.version, version)))
    .returning();
  return row;
}

export interface SeatRow {
  programmeId: number;
  areaId: number;
  seats: number;
  nameAz: string;
  nameRu: string;
  nameEn: string;
}

export async function seatsOf(db: Db, programmeIds: number[]): Promise<SeatRow[]> {
  if (programmeIds.length === 0) return [];
  return rows<SeatRow>(
    db,
    sql`select s.programme_id as "programmeId", s.area_id as "areaId", s.seats, a.name_az as "nameAz",
          a.name_ru as "nameRu", a.name_en as "nameEn"
        from ${programmeSeats} s join ${areas} a on a.id = s.area_id
        where s.programme_id = any(${intArray(programmeIds)}) order by a.name_az, a.id`,
  );
}

export async function replaceSeats(db: Db, programmeId: number, seats: { areaId: number; seats: number }[]) {
  await db.delete(programmeSeats).where(eq(programmeSeats.programmeId, programmeId));
  if (seats.length > 0) await db.insert(programmeSeats).values(seats.map((s) => ({ programmeId, ...s })));
}

export async function frameworkExists(db: Db, id: string): Promise<boolean> {
  return (await db.select({ id: frameworks.id }).from(frameworks).where(eq(frameworks.id, id))).length > 0;
}

export async function frameworkAreasOf(
  db: Db,
  frameworkId: string,
): Promise<(typeof frameworkAreas.$inferSelect)[]> {
  return db
    .select()
    .from(frameworkAreas)
    .where(eq(frameworkAreas.frameworkId, frameworkId))
    .orderBy(asc(frameworkAreas.position));
}

export async function allFrameworks(db: Db): Promise<(typeof frameworks.$inferSelect)[]> {
  return db.select().from(frameworks).orderBy(asc(frameworks.position), asc(frameworks.id));
}

export async function allFrameworkAreas(db: Db): Promise<(typeof frameworkAreas.$inferSelect)[]> {
  return db.select().from(frameworkAreas);
}

/** A teacher's current level per framework area (their self-assessment). */
export async function levelsOf(db: Db, userId: number): Promise<Map<string, number>> {
  const list = await db
    .select({ areaId: teacherLevels.areaId, level: teacherLevels.level })
    .from(teacherLevels)
    .where(eq(teacherLevels.userId, userId));
  return new Map(list.map((l) => [l.areaId, l.level]));
}

export async function levelsOfMany(db: Db, userIds: number[]): Promise<Map<number, Map<string, number>>> {
  const out = new Map<number, Map<string, number>>();
  if (userIds.length === 0) return out;
  const list = await rows<{ userId: number; areaId: string; level: number }>(
    db,
    sql`select user_id as "userId", area_id as "areaId", level from ${teacherLevels}
        where user_id = any(${intArray(userIds)})`,
  );
  for (const l of list) {
    if (!out.has(l.userId)) out.set(l.userId, new Map());
    out.get(l.userId)!.set(l.areaId, l.level);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Questions

export async function questionsOf(db: Db, programmeId: number): Promise<QuestionRow[]> {
  return db
    .select()
    .from(questions)
    .where(eq(questions.programmeId, programmeId))
    .orderBy(asc(questions.position), asc(questions.id));
}

export async function questionCounts(db: Db, programmeIds: number[]): Promise<Map<number, number>> {
  if (programmeIds.length === 0) return new Map();
  const list = await rows<{ programmeId: number; n: number }>(
    db,
    sql`select programme_id as "programmeId", count(*)::int as n from ${questions}
        where programme_id = any(${intArray(programmeIds)}) group by programme_id`,
  );
  return new Map(list.map((r) => [r.programmeId, r.n]));
}

export async function replaceQuestions(
  db: Db,
  programmeId: number,
  list: { kind: string; body: unknown; answer: unknown; points: number }[],
) {
  await db.delete(questions).where(eq(questions.programmeId, programmeId));
  if (list.length > 0)
    await db.insert(questions).values(list.map((q, position) => ({ programmeId, position, ...q })));
}

// ---------------------------------------------------------------------------------------------------------
// Sessions

export interface SessionListRow extends SessionRow {
  programmeTitle: string;
  areaPath: number[] | null;
  areaNameAz: string | null;
  areaNameRu: string | null;
  areaNameEn: string | null;
  taken: number;
  waiting: number;
}

const sessionColumns = sql`s.id, s.programme_id as "programmeId", s.area_id as "areaId", s.starts_at as "startsAt",
  s.ends_at as "endsAt", s.place, s.webinar_id as "webinarId", s.capacity, s.cancelled, s.version,
  s.attendance_version as "attendanceVersion", s.created_by as "createdBy", p.title as "programmeTitle",
  a.path as "areaPath", a.name_az as "areaNameAz", a.name_ru as "areaNameRu", a.name_en as "areaNameEn",
  (select count(*)::int from ${enrolments} e where e.session_id = s.id and e.status in ${holding}) as taken,
  (select count(*)::int from ${enrolments} e where e.session_id = s.id and e.status = 'waiting') as waiting`;

const withDates = (r: SessionListRow): SessionListRow => ({
  ...r,
  startsAt: new Date(r.startsAt),
  endsAt: new Date(r.endsAt),
});

export async function listSessions(
  db: Db,
  filter: { programmeId?: number; underAreas?: number[] | 'all'; id?: number },
): Promise<SessionListRow[]> {
  const list = await rows<SessionListRow>(
    db,
    sql`select ${sessionColumns}
        from ${sessions} s join ${programmes} p on p.id = s.programme_id left join ${areas} a on a.id = s.area_id
        where true
          ${filter.id === undefined ? sql`` : sql`and s.id = ${filter.id}`}
          ${filter.programmeId === undefined ? sql`` : sql`and s.programme_id = ${filter.programmeId}`}
          ${
            filter.underAreas === undefined || filter.underAreas === 'all'
              ? sql``
              : sql`and a.path && ${intArray(filter.underAreas)}`
          }
        order by s.starts_at, s.id limit 1000`,
  );
  return list.map(withDates);
}

export async function findSession(db: Db, id: number): Promise<SessionListRow | undefined> {
  return (await listSessions(db, { id }))[0];
}

export async function lockSession(db: Db, id: number): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id)).for('update');
  return row;
}

export async function insertSession(db: Db, values: typeof sessions.$inferInsert): Promise<SessionRow> {
  const [row] = await db.insert(sessions).values(values).returning();
  return row!;
}

export async function updateSession(
  db: Db,
  id: number,
  version: number,
  values: Partial<typeof sessions.$inferInsert>,
): Promise<SessionRow | undefined> {
  const [row] = await db
    .update(sessions)
    .set({ ...values, version: sql`${sessions.version} + 1` })
    .where(and(eq(sessions.id, id), eq(sessions.version, version)))
    .returning();
  return row;
}

export async function bumpAttendanceVersion(db: Db, id: number, version: number): Promise<boolean> {
  const list = await db
    .update(sessions)
    .set({ attendanceVersion: sql`${sessions.attendanceVersion} + 1` })
    .where(and(eq(sessions.id, id), eq(sessions.attendanceVersion, version)))
    .returning({ id: sessions.id });
  return list.length > 0;
}

// ---------------------------------------------------------------------------------------------------------
// Enrolments

export interface EnrolmentListRow extends EnrolmentRow {
  programmeTitle: string;
  passMark: number | null;
  displayName: string;
  schoolNameAz: string;
  schoolNameRu: string;
  schoolNameEn: string;
  schoolAreaPath: number[];
  sessionStartsAt: Date | null;
  sessionEndsAt: Date | null;
  sessionAreaAz: string | null;
  sessionAreaRu: string | null;
  sessionAreaEn: string | null;
  waitingPosition: number | null;
  attempts: number;
}

export interface EnrolmentFilter {
  id?: number;
  programmeId?: number;
  status?: string;
  userId?: number;
  /** Only these schools' teachers (a director). */
  schools?: number[];
  /** Only teachers of schools under these areas (a regional officer). */
  underAreas?: number[];
  sessionId?: number;
}

export async function listEnrolments(db: Db, f: EnrolmentFilter): Promise<EnrolmentListRow[]> {
  const list = await rows<EnrolmentListRow>(
    db,
    sql`select e.id, e.programme_id as "programmeId", e.session_id as "sessionId", e.user_id as "userId",
          e.institution_id as "institutionId", e.status, e.origin, e.requested_by as "requestedBy",
          e.decided_by as "decidedBy", e.decided_at as "decidedAt", e.note, e.attended, e.score,
          e.completed_at as "completedAt", e.version, e.created_at as "createdAt",
          p.title as "programmeTitle", p.pass_mark as "passMark", u.display_name as "displayName",
          i.name_az as "schoolNameAz", i.name_ru as "schoolNameRu", i.name_en as "schoolNameEn",
          ia.path as "schoolAreaPath", s.starts_at as "sessionStartsAt", s.ends_at as "sessionEndsAt",
          sa.name_az as "sessionAreaAz", sa.name_ru as "sessionAreaRu", sa.name_en as "sessionAreaEn",
          case when e.status = 'waiting' then (
            select count(*)::int from ${enrolments} w
            where w.session_id = e.session_id and w.status = 'waiting'
              and (w.decided_at, w.id) <= (e.decided_at, e.id)) end as "waitingPosition",
          (select count(*)::int from ${attempts} t where t.enrolment_id = e.id and t.submitted_at is not null)
            as attempts
        from ${enrolments} e
          join ${programmes} p on p.id = e.programme_id
          join ${users} u on u.id = e.user_id
          join ${institutions} i on i.id = e.institution_id
          join ${areas} ia on ia.id = i.area_id
          left join ${sessions} s on s.id = e.session_id
          left join ${areas} sa on sa.id = s.area_id
        where true
          ${f.id === undefined ? sql`` : sql`and e.id = ${f.id}`}
          ${f.programmeId === undefined ? sql`` : sql`and e.programme_id = ${f.programmeId}`}
          ${f.sessionId === undefined ? sql`` : sql`and e.session_id = ${f.sessionId}`}
          ${f.status === undefined ? sql`` : sql`and e.status = ${f.status}`}
          ${f.userId === undefined ? sql`` : sql`and e.user_id = ${f.userId}`}
          ${f.schools === undefined ? sql`` : sql`and e.institution_id = any(${intArray(f.schools)})`}
          ${f.underAreas === undefined ? sql`` : sql`and ia.path && ${intArray(f.underAreas)}`}
        order by case e.status when 'requested' then 0 when 'nominated' then 0 when 'waiting' then 1 else 2 end,
          e.created_at, e.id
        limit 2000`,
  );
  return list.map((r) => ({
    ...r,
    decidedAt: r.decidedAt && new Date(r.decidedAt),
    completedAt: r.completedAt && new Date(r.completedAt),
    createdAt: new Date(r.createdAt),
    sessionStartsAt: r.sessionStartsAt && new Date(r.sessionStartsAt),
    sessionEndsAt: r.sessionEndsAt && new Date(r.sessionEndsAt),
  }));
}

export async function findEnrolment(db: Db, id: number): Promise<EnrolmentListRow | undefined> {
  return (await listEnrolments(db, { id }))[0];
}

export async function enrolmentOf(db: Db, programmeId: number, userId: number) {
  const [row] = await db
    .select()
    .from(enrolments)
    .where(and(eq(enrolments.programmeId, programmeId), eq(enrolments.userId, userId)));
  return row;
}

export async function myEnrolments(db: Db, userId: number): Promise<EnrolmentRow[]> {
  return db.select().from(enrolments).where(eq(enrolments.userId, userId));
}

/** Inserts an enrolment, or takes up again one withdrawn or rejected before (one row per person). */
export async function upsertEnrolment(
  db: Db,
  values: typeof enrolments.$inferInsert,
): Promise<EnrolmentRow | undefined> {
  const [row] = await db
    .insert(enrolments)
    .values(values)
    .onConflictDoUpdate({
      target: [enrolments.programmeId, enrolments.userId],
      set: {
        sessionId: values.sessionId,
        institutionId: values.institutionId,
        status: values.status,
        origin: values.origin,
        requestedBy: values.requestedBy,
        decidedBy: null,
        decidedAt: null,
        note: '',
        attended: null,
        score: null,
        completedAt: null,
        version: sql`${enrolments.version} + 1`,
      },
      setWhere: sql`${enrolments.status} in ('withdrawn', 'rejected')`,
    })
    .returning();
  return row;
}

export async function updateEnrolment(
  db: Db,
  id: number,
  values: Partial<typeof enrolments.$inferInsert>,
  version?: number,
): Promise<EnrolmentRow | undefined> {
  const [row] = await db
    .update(enrolments)
    .set({ ...values, version: sql`${enrolments.version} + 1` })
    .where(
      version === undefined
        ? eq(enrolments.id, id)
        : and(eq(enrolments.id, id), eq(enrolments.version, version)),
    )
    .returning();
  return row;
}

export async function lockEnrolment(db: Db, id: number): Promise<EnrolmentRow | undefined> {
  const [row] = await db.select().from(enrolments).where(eq(enrolments.id, id)).for('update');
  return row;
}

/** Places taken in a session. */
export async function takenIn(db: Db, sessionId: number): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ${enrolments} where session_id = ${sessionId} and status in ${holding}`,
  );
  return row?.n ?? 0;
}

/** Places of a programme taken by teachers of schools under an area. */
export async function takenUnder(db: Db, programmeId: number, areaId: number): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ${enrolments} e
          join ${institutions} i on i.id = e.institution_id join ${areas} a on a.id = i.area_id
        where e.programme_id = ${programmeId} and e.status in ${holding} and ${areaId} = any(a.path)`,
  );
  return row?.n ?? 0;
}

/** The waiting list of a session, first come first: by when they were put on it. */
/** The waiting people of a programme's sessions not cancelled, first put on a waiting list first. */
export async function waitingOfProgramme(db: Db, programmeId: number): Promise<EnrolmentRow[]> {
  return rows<EnrolmentRow>(
    db,
    sql`select e.id, e.programme_id as "programmeId", e.session_id as "sessionId", e.user_id as "userId",
          e.institution_id as "institutionId", e.status, e.version
        from ${enrolments} e join ${sessions} s on s.id = e.session_id
        where e.programme_id = ${programmeId} and e.status = 'waiting' and not s.cancelled
        order by e.decided_at, e.id`,
  );
}

/**
 * Releases the places of a cancelled session: its approved (not yet attended) and waiting enrolments become
 * `rejected` (the teacher may choose another session). Returns their ids.
 */
export async function releaseSession(
  db: Db,
  sessionId: number,
  decidedBy: number,
  at: Date,
): Promise<{ id: number }[]> {
  return rows<{ id: number }>(
    db,
    sql`update ${enrolments} set status = 'rejected', decided_by = ${decidedBy}, decided_at = ${at},
          version = version + 1
        where session_id = ${sessionId} and (status = 'waiting' or (status = 'approved' and attended is not true))
        returning id`,
  );
}

export async function setAttendance(db: Db, sessionId: number, attended: number[]) {
  await db.execute(
    sql`update ${enrolments} set attended = (id = any(${intArray(attended)}))
        where session_id = ${sessionId} and status in ${holding}`,
  );
}

export interface ResultRow {
  areaId: number | null;
  nameAz: string | null;
  nameRu: string | null;
  nameEn: string | null;
  enrolled: number;
  approved: number;
  waiting: number;
  attended: number;
  passed: number;
  failed: number;
}

/** A programme's counts by the district of the teachers' schools (the level-2 area under the country). */
export async function results(db: Db, programmeId: number): Promise<ResultRow[]> {
  return rows<ResultRow>(
    db,
    sql`select d.id as "areaId", d.name_az as "nameAz", d.name_ru as "nameRu", d.name_en as "nameEn",
          count(*) filter (where e.status not in ('withdrawn', 'rejected'))::int as enrolled,
          count(*) filter (where e.status in ${holding})::int as approved,
          count(*) filter (where e.status = 'waiting')::int as waiting,
          count(*) filter (where e.attended)::int as attended,
          count(*) filter (where e.status = 'completed')::int as passed,
          count(*) filter (where e.status = 'failed')::int as failed
        from ${enrolments} e
          join ${institutions} i on i.id = e.institution_id
          left join ${areas} d on d.id = i.area_id
        where e.programme_id = ${programmeId}
        group by d.id, d.name_az, d.name_ru, d.name_en
        order by d.name_az`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Attempts

export async function attemptsOf(db: Db, enrolmentId: number): Promise<AttemptRow[]> {
  return db.select().from(attempts).where(eq(attempts.enrolmentId, enrolmentId)).orderBy(asc(attempts.id));
}

export async function findAttempt(db: Db, id: number, lock = false): Promise<AttemptRow | undefined> {
  const q = db.select().from(attempts).where(eq(attempts.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function insertAttempt(db: Db, enrolmentId: number): Promise<AttemptRow> {
  const [row] = await db.insert(attempts).values({ enrolmentId }).returning();
  return row!;
}

export async function saveAnswer(db: Db, attemptId: number, questionId: number, answer: unknown) {
  await db.execute(
    sql`update ${attempts} set answers = answers || jsonb_build_object(${String(questionId)}::text, ${JSON.stringify(answer)}::jsonb)
        where id = ${attemptId}`,
  );
}

export async function submitAttempt(
  db: Db,
  id: number,
  values: { points: number; maxPoints: number; passed: boolean; submittedAt: Date },
) {
  await db.update(attempts).set(values).where(eq(attempts.id, id));
}
