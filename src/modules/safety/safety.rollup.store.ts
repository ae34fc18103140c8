import { sql, type SQL } from 'drizzle-orm';
import { intArray, textArray, type Db } from '@/server/db/database';
import { SCHOOL_TIME_ZONE } from '@/modules/classroom/classroom.service';

/**
 * The daily rollups' SQL (`safety.rollup.tables.ts`): the days touched are summed again from the hourly rows,
 * then their areas' days from the schools' days. Whole sums, not increments: a day whose rollup is missing (after
 * a restore, or counts from before the rollups existed) is right again the next time a batch touches it.
 */

/** Advisory-lock namespaces: a school's days, an area's days. */
const SCHOOL_LOCK = 0x5afe0d1;
const AREA_LOCK = 0x5afe0d2;

/** A school day of an instant column. */
const dayOf = (column: SQL) => sql`(${column} at time zone ${SCHOOL_TIME_ZONE})::date`;

/**
 * Sums the touched (school, day) pairs again — `touched` is a query giving `institution_id, day` — under
 * transaction locks of the schools and their areas (taken in order, so two batches wait rather than deadlock,
 * and neither sums without the other's hours).
 */
async function rebuild(db: Db, touched: SQL): Promise<void> {
  await db.execute(sql`create temporary table if not exists safety_touched_day
    (institution_id int not null, day date not null, area_id int) on commit delete rows`);
  await db.execute(sql`delete from safety_touched_day`);
  await db.execute(sql`insert into safety_touched_day (institution_id, day, area_id)
    select distinct t.institution_id, t.day, i.area_id
      from (${touched}) t join institutions_institution i on i.id = t.institution_id`);
  await db.execute(sql`select pg_advisory_xact_lock(${SCHOOL_LOCK}, s.id)
    from (select distinct institution_id as id from safety_touched_day order by 1) s`);
  await db.execute(sql`select pg_advisory_xact_lock(${AREA_LOCK}, s.id)
    from (select distinct area_id as id from safety_touched_day where area_id is not null order by 1) s`);
  const starts = sql`(t.day::timestamp at time zone ${SCHOOL_TIME_ZONE})`;
  const ends = sql`((t.day + 1)::timestamp at time zone ${SCHOOL_TIME_ZONE})`;
  await db.execute(sql`delete from safety_query_day d using safety_touched_day t
    where d.institution_id = t.institution_id and d.day = t.day`);
  await db.execute(sql`insert into safety_query_day (institution_id, day, network_kind, queries, blocked)
    select t.institution_id, t.day, h.network_kind, sum(h.queries), sum(h.blocked)
      from safety_touched_day t join safety_query_hour h
        on h.institution_id = t.institution_id and h.hour >= ${starts} and h.hour < ${ends}
     group by 1, 2, 3`);
  await db.execute(sql`delete from safety_blocked_day d using safety_touched_day t
    where d.institution_id = t.institution_id and d.day = t.day`);
  await db.execute(sql`insert into safety_blocked_day (institution_id, day, category_code, count)
    select t.institution_id, t.day, h.category_code, sum(h.count)
      from safety_touched_day t join safety_blocked_hour h
        on h.institution_id = t.institution_id and h.hour >= ${starts} and h.hour < ${ends}
     group by 1, 2, 3`);
  // The areas' days, from all their schools' days.
  const areaDays = sql`(select distinct area_id, day from safety_touched_day where area_id is not null)`;
  await db.execute(sql`delete from safety_blocked_area_day d using ${areaDays} t
    where d.area_id = t.area_id and d.day = t.day`);
  await db.execute(sql`insert into safety_blocked_area_day (area_id, day, category_code, count)
    select t.area_id, t.day, b.category_code, sum(b.count)
      from ${areaDays} t join institutions_institution i on i.area_id = t.area_id
      join safety_blocked_day b on b.institution_id = i.id and b.day = t.day
     group by 1, 2, 3`);
  await db.execute(sql`delete from safety_query_area_day d using ${areaDays} t
    where d.area_id = t.area_id and d.day = t.day`);
  await db.execute(sql`insert into safety_query_area_day (area_id, day, queries, blocked)
    select t.area_id, t.day, sum(q.queries), sum(q.blocked)
      from ${areaDays} t join institutions_institution i on i.area_id = t.area_id
      join safety_query_day q on q.institution_id = i.id and q.day = t.day
     group by 1, 2`);
  await db.execute(sql`delete from safety_touched_day`);
}

/** Sums again the days of these hourly rows (a batch's); in the caller's transaction (a savepoint of it). */
export async function rebuildTouched(
  db: Db,
  rowsTouched: { institutionId: number; hour: string | Date }[],
): Promise<void> {
  if (rowsTouched.length === 0) return;
  const ids = rowsTouched.map((r) => r.institutionId);
  const hours = rowsTouched.map((r) => new Date(r.hour).toISOString());
  await db.transaction((tx) =>
    rebuild(
      tx,
      sql`select distinct x.id as institution_id, ${dayOf(sql`x.hour`)} as day
            from unnest(${intArray(ids)}, ${textArray(hours)}::timestamptz[]) as x(id, hour)`,
    ),
  );
}

/** Sums again every day from `from` to `to` (school days, inclusive) that has hourly rows. */
export async function rebuildDays(db: Db, from: string, to: string): Promise<void> {
  const within = (column: SQL) =>
    sql`${column} >= (${from}::date)::timestamp at time zone ${SCHOOL_TIME_ZONE}
        and ${column} < (${to}::date + 1)::timestamp at time zone ${SCHOOL_TIME_ZONE}`;
  await db.transaction((tx) =>
    rebuild(
      tx,
      sql`select institution_id, ${dayOf(sql`hour`)} as day from safety_query_hour where ${within(sql`hour`)}
        union select institution_id, ${dayOf(sql`hour`)} from safety_blocked_hour where ${within(sql`hour`)}`,
    ),
  );
}
