import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';

/**
 * The SQL of the live figures that no module's service gives yet: a reporting read model, like monitoring's,
 * that counts rows of the library, the accounts (the virtual school), the webinars and the policy registry.
 * Counts only, never a person. `policy.figures.ts` describes each statement as the query that produced a
 * figure: change the two together.
 */

/** Published library resources: all, video and TV lessons, e-textbooks. */
export async function libraryCounts(
  db: Db,
): Promise<{ published: number; videoLessons: number; eTextbooks: number }> {
  const [row] = await rows<{ published: number; videoLessons: number; eTextbooks: number }>(
    db,
    sql`select (count(*) filter (where state = 'published'))::int as published,
          (count(*) filter (where state = 'published' and type in ('video_lesson', 'tv_lesson')))::int as "videoLessons",
          (count(*) filter (where state = 'published' and type = 'e_textbook'))::int as "eTextbooks"
        from library_resource`,
  );
  return row ?? { published: 0, videoLessons: 0, eTextbooks: 0 };
}

/**
 * The virtual school's users: active accounts of students and teachers, and those of them who used the
 * platform on or after `since` (the first day of the academic year).
 */
export async function accountCounts(db: Db, since: string): Promise<{ accounts: number; active: number }> {
  const [row] = await rows<{ accounts: number; active: number }>(
    db,
    sql`select (count(*) filter (where u.status = 'active'))::int as accounts,
          (count(*) filter (where u.status = 'active' and u.last_active_on >= ${since}::date))::int as active
        from identity_user u
        where exists (select 1 from identity_role_grant g
                      where g.user_id = u.id and g.role in ('student', 'teacher'))`,
  );
  return row ?? { accounts: 0, active: 0 };
}

/** Webinars held (not cancelled) in [from, to], and the attendances recorded at them. */
export async function webinarCounts(
  db: Db,
  range: { from: string; to: string },
): Promise<{ held: number; attended: number }> {
  const [row] = await rows<{ held: number; attended: number }>(
    db,
    sql`with held as (
          select id from webinars_webinar
          where not cancelled and starts_at >= (${range.from}::date)::timestamptz
            and starts_at < (${range.to}::date + 1)::timestamptz)
        select (select count(*)::int from held) as held,
          (select count(*)::int from webinars_registration r join held on held.id = r.webinar_id
           where r.attended) as attended`,
  );
  return row ?? { held: 0, attended: 0 };
}

/** The policy registry's own counts: documents in force, partnerships. */
export async function policyCounts(db: Db): Promise<{ inForce: number; partnerships: number }> {
  const [row] = await rows<{ inForce: number; partnerships: number }>(
    db,
    sql`select (select count(*)::int from policy_document where status = 'in_force') as "inForce",
          (select count(*)::int from policy_partnership) as partnerships`,
  );
  return row ?? { inForce: 0, partnerships: 0 };
}
