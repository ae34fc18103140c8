import { and, asc, desc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { users } from '@/modules/identity/identity.tables';
import { attendance, decisions, meetings, type DecisionState } from '@/modules/councils/councils.tables';
import { now } from '@/server/clock';

/** The SQL of pedagogical councils: meetings, who attended, decisions. */

export type MeetingRow = typeof meetings.$inferSelect;
export type DecisionRow = typeof decisions.$inferSelect;

export async function findMeeting(db: Db, id: number): Promise<MeetingRow | undefined> {
  const [row] = await db.select().from(meetings).where(eq(meetings.id, id));
  return row;
}

export async function institutionOfMeeting(db: Db, id: number): Promise<number | undefined> {
  const [row] = await db
    .select({ institutionId: meetings.institutionId })
    .from(meetings)
    .where(eq(meetings.id, id));
  return row?.institutionId;
}

/** A school's meetings in a date range, newest first, with attendance and decision counts. */
export async function listMeetings(
  db: Db,
  institutionId: number,
  range: { from?: string; to?: string },
  today: string,
) {
  return db
    .select({
      id: meetings.id,
      heldOn: meetings.heldOn,
      title: meetings.title,
      present: sql<number>`(select count(*)::int from ${attendance} a where a.meeting_id = ${meetings.id} and a.present)`,
      recorded: sql<number>`(select count(*)::int from ${attendance} a where a.meeting_id = ${meetings.id})`,
      open: sql<number>`(select count(*)::int from ${decisions} d where d.meeting_id = ${meetings.id} and d.status = 'open')`,
      overdue: sql<number>`(select count(*)::int from ${decisions} d where d.meeting_id = ${meetings.id} and d.status = 'open' and d.due_on < ${today}::date)`,
    })
    .from(meetings)
    .where(
      and(
        eq(meetings.institutionId, institutionId),
        range.from ? gte(meetings.heldOn, range.from) : undefined,
        range.to ? lte(meetings.heldOn, range.to) : undefined,
      ),
    )
    .orderBy(desc(meetings.heldOn), desc(meetings.id));
}

export async function insertMeeting(db: Db, values: typeof meetings.$inferInsert): Promise<MeetingRow> {
  const [row] = await db.insert(meetings).values(values).returning();
  return row!;
}

/**
 * Saves a meeting's details if it is still at `version`, bumping it; undefined when someone else saved it
 * meanwhile (the row lock makes a concurrent save wait, then miss the version).
 */
export async function updateMeeting(
  db: Db,
  id: number,
  version: number,
  values: Pick<MeetingRow, 'heldOn' | 'title' | 'agenda' | 'minutes'>,
): Promise<MeetingRow | undefined> {
  const [row] = await db
    .update(meetings)
    .set({ ...values, updatedAt: now(), version: sql`${meetings.version} + 1` })
    .where(and(eq(meetings.id, id), eq(meetings.version, version)))
    .returning();
  return row;
}

export async function attendanceOf(db: Db, meetingId: number) {
  return db
    .select({ userId: attendance.userId, displayName: users.displayName, present: attendance.present })
    .from(attendance)
    .innerJoin(users, eq(users.id, attendance.userId))
    .where(eq(attendance.meetingId, meetingId))
    .orderBy(asc(users.displayName), asc(users.id));
}

/** Replaces a meeting's attendance list. */
export async function replaceAttendance(
  db: Db,
  meetingId: number,
  list: { userId: number; present: boolean }[],
): Promise<void> {
  await db.delete(attendance).where(eq(attendance.meetingId, meetingId));
  if (list.length > 0) await db.insert(attendance).values(list.map((a) => ({ meetingId, ...a })));
}

const decisionColumns = {
  id: decisions.id,
  meetingId: decisions.meetingId,
  text: decisions.text,
  ownerId: decisions.ownerId,
  ownerName: users.displayName,
  dueOn: decisions.dueOn,
  status: decisions.status,
};

export async function decisionsOf(db: Db, meetingId: number) {
  return db
    .select(decisionColumns)
    .from(decisions)
    .innerJoin(users, eq(users.id, decisions.ownerId))
    .where(eq(decisions.meetingId, meetingId))
    .orderBy(asc(decisions.id));
}

/** A school's decisions, by status and owner, soonest due first: the staff's to-do list. */
export async function listDecisions(
  db: Db,
  institutionId: number,
  filter: { status?: DecisionState; ownerId?: number },
) {
  return db
    .select({ ...decisionColumns, meetingTitle: meetings.title, heldOn: meetings.heldOn })
    .from(decisions)
    .innerJoin(meetings, eq(meetings.id, decisions.meetingId))
    .innerJoin(users, eq(users.id, decisions.ownerId))
    .where(
      and(
        eq(meetings.institutionId, institutionId),
        filter.status ? eq(decisions.status, filter.status) : undefined,
        filter.ownerId ? eq(decisions.ownerId, filter.ownerId) : undefined,
      ),
    )
    .orderBy(asc(decisions.dueOn), asc(decisions.id));
}

export async function findDecision(db: Db, id: number): Promise<DecisionRow | undefined> {
  const [row] = await db.select().from(decisions).where(eq(decisions.id, id));
  return row;
}

export async function insertDecision(db: Db, values: typeof decisions.$inferInsert): Promise<DecisionRow> {
  const [row] = await db.insert(decisions).values(values).returning();
  return row!;
}

export async function updateDecision(
  db: Db,
  id: number,
  values: Partial<Pick<DecisionRow, 'text' | 'ownerId' | 'dueOn' | 'status'>>,
): Promise<DecisionRow> {
  const [row] = await db
    .update(decisions)
    .set({ ...values, updatedAt: now() })
    .where(eq(decisions.id, id))
    .returning();
  return row!;
}
