import { sql } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import { audit } from '@/modules/identity/identity.service';
import * as clock from '@/server/clock';
import { TRAININGS } from '@/modules/training/training.needs.store';

/**
 * The registry's "teachers trained in ICT", fed from the training records (issue 18, item 7). Where a school
 * has ICT training records — programmes completed, external certificates verified, past records imported —
 * its count for the current year is the number of its people with such a record up to today, never above its
 * teachers (as UIS ED38 counts it, `training.needs.store.ts`); a school without records keeps the figure it
 * reports. This is a reporting read of the training module's tables, like monitoring's.
 */

/** The records' count for one school, when the year is the current one and the school has records; else null. */
export async function ictTrainedFromRecords(
  db: Db,
  institutionId: number,
  yearId: number,
): Promise<number | null> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`with ${TRAININGS}
        select count(distinct t.person)::int as n from trainings t
        where t.institution_id = ${institutionId} and t.ict and t.on_day <= current_date
          and exists (select 1 from institutions_academic_year y where y.id = ${yearId} and y.is_current)`,
  );
  return row && row.n > 0 ? row.n : null;
}

/**
 * Writes the records' counts into the current year's saved records of the given schools (all schools when
 * `institutionIds` is null), where they differ, raising each changed record's version (someone editing the
 * record then sees the fed figure before saving over it), with an audit entry per record saying what it was
 * and what it became. Two feeds of one school queue up (a lock per school, taken before counting), so the
 * later counts what the earlier wrote. `at` is the records' new `updated_at` (the seed gives its own day, so
 * that a seed stays the same from run to run). Returns the schools whose record changed.
 */
export async function feedIctTrained(
  db: Db,
  institutionIds: readonly number[] | null,
  at: Date = clock.now(),
): Promise<number[]> {
  if (institutionIds !== null && institutionIds.length === 0) return [];
  if (institutionIds !== null) {
    for (const id of [...new Set(institutionIds)].sort((a, b) => a - b))
      await db.execute(sql`select pg_advisory_xact_lock(hashtextextended('registry/ict-trained', ${id}))`);
  }
  const only =
    institutionIds === null ? sql`` : sql`and t.institution_id = any(${intArray([...institutionIds])})`;
  const changed = await rows<{ id: number; yearId: number; before: number | null; after: number }>(
    db,
    sql`with ${TRAININGS},
        counts as (
          select t.institution_id, count(distinct t.person)::int as n from trainings t
          where t.ict and t.on_day <= current_date and t.institution_id is not null ${only}
          group by t.institution_id
        ),
        due as (
          select sy.institution_id, sy.academic_year_id, sy.teachers_ict_trained as before,
            least(c.n, coalesce(sy.teachers, c.n)) as after
          from infrastructure_school_year sy
          join counts c on c.institution_id = sy.institution_id
          join institutions_academic_year y on y.id = sy.academic_year_id and y.is_current
          where sy.teachers_ict_trained is distinct from least(c.n, coalesce(sy.teachers, c.n))
          for update of sy
        )
        update infrastructure_school_year sy
        set teachers_ict_trained = due.after, version = sy.version + 1, updated_at = ${at.toISOString()}::timestamptz
        from due
        where sy.institution_id = due.institution_id and sy.academic_year_id = due.academic_year_id
        returning sy.institution_id as id, sy.academic_year_id as "yearId", due.before, due.after`,
  );
  for (const c of changed) {
    await audit(
      db,
      { actorId: null, ip: null },
      {
        action: 'feed',
        entity: 'registry_school_year',
        entityId: `${c.id}/${c.yearId}`,
        before: { teachersIctTrained: c.before },
        after: { teachersIctTrained: c.after },
      },
    );
  }
  return changed.map((r) => r.id);
}
