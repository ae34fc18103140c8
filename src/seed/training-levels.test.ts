import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '@/server/db/database';
import { seededDemo } from '@test/seeded-demo';

/** The demo's self-assessments: most teachers have levels, the counts match them, the demo teacher has none. */
describe('the demo seed’s self-assessments', () => {
  let database: Database;
  beforeAll(async () => {
    database = (await seededDemo()).database;
  });
  afterAll(async () => database?.close());

  it('gives most generated teachers a submitted sitting and leaves the demo teacher to take it', async () => {
    const [row] = await rows<{ staff: number; assessed: number; demo: number; answers: number }>(
      database.db,
      sql`select
            (select count(distinct user_id)::int from identity_role_grant
              where role in ('teacher', 'director') and institution_id is not null) as staff,
            (select count(distinct user_id)::int from training_teacher_level) as assessed,
            (select count(*)::int from training_self_assessment s join identity_user u on u.id = s.user_id
              where u.username = 'teacher') as demo,
            (select count(*)::int from training_self_answer) as answers`,
    );
    expect(row!.demo).toBe(0);
    expect(row!.assessed / row!.staff).toBeGreaterThan(0.6);
    expect(row!.assessed / row!.staff).toBeLessThan(0.95);
    expect(row!.answers).toBe(row!.assessed * 30);
  });

  it('keeps each school’s counts equal to its teachers’ levels, with every level of the scale used', async () => {
    const diff = await rows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from (
            select institution_id, area_id, level, count(*)::int as teachers from training_teacher_level
            group by 1, 2, 3
            except
            select institution_id, area_id, level, teachers from training_school_level) d`,
    );
    expect(diff[0]!.n).toBe(0);
    const spread = await rows<{ level: number }>(
      database.db,
      sql`select distinct level from training_teacher_level order by 1`,
    );
    expect(spread.length).toBeGreaterThanOrEqual(5);
  });
});
