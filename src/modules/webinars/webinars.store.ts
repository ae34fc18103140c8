import { and, eq, sql, type SQL } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';
import { registrations, webinars } from '@/modules/webinars/webinars.tables';

/** The SQL of webinars: the schedule, registrations, attendance and yearly totals. */

export type WebinarRow = typeof webinars.$inferSelect;

/**
 * Which webinars a caller sees: all (national staff), or the national ones plus those of the areas on their
 * schools' paths (`onPaths`, a participant) or under their own areas (`under`, a regional organiser).
 */
export type Visibility = 'all' | { onPaths: number[]; under: number[] };

const visible = (v: Visibility): SQL =>
  v === 'all'
    ? sql`true`
    : sql`(w.area_id is null
        or w.area_id = any(${intArray(v.onPaths)})
        or w.area_id in (select id from ${areas} where path && ${intArray(v.under)}))`;

export interface WebinarListRow {
  id: number;
  title: string;
  description: string;
  areaId: number | null;
  areaNameAz: string | null;
  areaNameRu: string | null;
  areaNameEn: string | null;
  areaPath: number[] | null;
  startsAt: Date;
  durationMinutes: number;
  url: string;
  capacity: number | null;
  cancelled: boolean;
  registered: number;
  mine: boolean;
  attended: boolean;
  version: number;
  attendanceVersion: number;
}

const listColumns = (userId: number) => sql`
  w.id, w.title, w.description, w.area_id as "areaId", a.name_az as "areaNameAz", a.name_ru as "areaNameRu",
  a.name_en as "areaNameEn", a.path as "areaPath", w.starts_at as "startsAt",
  w.duration_minutes as "durationMinutes", w.url, w.capacity, w.cancelled, w.version,
  w.attendance_version as "attendanceVersion",
  (select count(*)::int from ${registrations} r where r.webinar_id = w.id) as registered,
  exists (select 1 from ${registrations} r where r.webinar_id = w.id and r.user_id = ${userId}) as mine,
  coalesce((select r.attended from ${registrations} r where r.webinar_id = w.id and r.user_id = ${userId}), false)
    as attended`;

/** Webinars a caller sees that start in [from, to), soonest first. */
export async function listWebinars(
  db: Db,
  v: Visibility,
  userId: number,
  range: { from: Date; to: Date },
): Promise<WebinarListRow[]> {
  const list = await rows<WebinarListRow>(
    db,
    sql`select ${listColumns(userId)}
        from ${webinars} w left join ${areas} a on a.id = w.area_id
        where ${visible(v)} and w.starts_at >= ${range.from.toISOString()}::timestamptz
          and w.starts_at < ${range.to.toISOString()}::timestamptz
        order by w.starts_at, w.id
        limit 500`,
  );
  return list.map((r) => ({ ...r, startsAt: new Date(r.startsAt) }));
}

export async function findWebinar(db: Db, id: number, userId: number): Promise<WebinarListRow | undefined> {
  const [row] = await rows<WebinarListRow>(
    db,
    sql`select ${listColumns(userId)} from ${webinars} w left join ${areas} a on a.id = w.area_id where w.id = ${id}`,
  );
  return row && { ...row, startsAt: new Date(row.startsAt) };
}

/** Locks a webinar's row while its registrations are counted against its capacity. */
export async function lockWebinar(db: Db, id: number): Promise<WebinarRow | undefined> {
  const [row] = await rows<WebinarRow>(
    db,
    sql`select id, capacity, cancelled, starts_at as "startsAt" from ${webinars} where id = ${id} for update`,
  );
  return row && { ...row, startsAt: new Date(row.startsAt) };
}

export async function insertWebinar(db: Db, values: typeof webinars.$inferInsert): Promise<WebinarRow> {
  const [row] = await db.insert(webinars).values(values).returning();
  return row!;
}

/**
 * Saves a webinar if it is still at `version`, bumping it; undefined when someone else saved it meanwhile (the
 * row lock makes a concurrent save wait, then miss the version).
 */
export async function updateWebinar(
  db: Db,
  id: number,
  version: number,
  values: Omit<typeof webinars.$inferInsert, 'id' | 'createdBy' | 'createdAt' | 'version'>,
): Promise<WebinarRow | undefined> {
  const [row] = await db
    .update(webinars)
    .set({ ...values, version: sql`${webinars.version} + 1` })
    .where(and(eq(webinars.id, id), eq(webinars.version, version)))
    .returning();
  return row;
}

export async function countRegistrations(db: Db, webinarId: number): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ${registrations} where webinar_id = ${webinarId}`,
  );
  return row!.n;
}

/** Registers a person; false when they already were. */
export async function insertRegistration(
  db: Db,
  values: { webinarId: number; userId: number; institutionId: number },
): Promise<boolean> {
  const inserted = await db.insert(registrations).values(values).onConflictDoNothing().returning();
  return inserted.length > 0;
}

export async function deleteRegistration(db: Db, webinarId: number, userId: number): Promise<boolean> {
  const deleted = await db
    .delete(registrations)
    .where(and(eq(registrations.webinarId, webinarId), eq(registrations.userId, userId)))
    .returning();
  return deleted.length > 0;
}

export async function registrationsOf(db: Db, webinarId: number) {
  return db
    .select({
      userId: registrations.userId,
      displayName: users.displayName,
      institutionId: registrations.institutionId,
      institutionNameAz: institutions.nameAz,
      institutionNameRu: institutions.nameRu,
      institutionNameEn: institutions.nameEn,
      registeredAt: registrations.registeredAt,
      attended: registrations.attended,
    })
    .from(registrations)
    .innerJoin(users, eq(users.id, registrations.userId))
    .innerJoin(institutions, eq(institutions.id, registrations.institutionId))
    .where(eq(registrations.webinarId, webinarId))
    .orderBy(users.displayName, users.id);
}

/** Marks who of the registered attended (the others did not). */
/**
 * Takes the next version of a webinar's attendance if it is still the one sent: false when another save came
 * first (nothing written). In the save's transaction, so two saves from the same read cannot both pass.
 */
export async function bumpAttendanceVersion(db: Db, webinarId: number, sent: number): Promise<boolean> {
  const updated = await db
    .update(webinars)
    .set({ attendanceVersion: sql`${webinars.attendanceVersion} + 1` })
    .where(and(eq(webinars.id, webinarId), eq(webinars.attendanceVersion, sent)))
    .returning({ id: webinars.id });
  return updated.length === 1;
}

export async function setAttendance(db: Db, webinarId: number, attended: number[]): Promise<void> {
  await db.execute(
    sql`update ${registrations} set attended = (user_id = any(${intArray(attended)}))
        where webinar_id = ${webinarId}`,
  );
}

/**
 * A year's totals: webinars held (not cancelled) that the scope sees, and the registrations and attendances of
 * staff whose school lies in the area (all schools when no area).
 */
export async function totals(
  db: Db,
  range: { from: string; to: string },
  v: Visibility,
  areaId: number | null,
) {
  const inArea = areaId
    ? sql`r.institution_id in (select i.id from ${institutions} i join ${areas} a on a.id = i.area_id
          where ${areaId} = any(a.path))`
    : sql`true`;
  const [row] = await rows<{
    webinars: number;
    national: number;
    hours: number;
    registrations: number;
    attended: number;
    teachersReached: number;
    schoolsReached: number;
  }>(
    db,
    sql`with held as (
          select w.id, w.area_id, w.duration_minutes from ${webinars} w
          where ${visible(v)} and not w.cancelled
            and w.starts_at >= (${range.from}::date)::timestamptz
            and w.starts_at < (${range.to}::date + 1)::timestamptz),
        regs as (select r.* from ${registrations} r join held on held.id = r.webinar_id where ${inArea})
        select (select count(*)::int from held) as webinars,
               (select count(*)::int from held where area_id is null) as national,
               (select coalesce(sum(duration_minutes), 0)::float / 60 from held) as hours,
               (select count(*)::int from regs) as registrations,
               (select count(*)::int from regs where attended) as attended,
               (select count(distinct user_id)::int from regs where attended) as "teachersReached",
               (select count(distinct institution_id)::int from regs where attended) as "schoolsReached"`,
  );
  return row!;
}
