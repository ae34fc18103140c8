import { sql } from 'drizzle-orm';
import type { Db } from '@/server/db/database';

/**
 * Makes the demo director's school one that has no ICT training records (its past records, enrolments and
 * certificates from elsewhere removed, on this test's own copy of the demo): the registry form then takes the
 * director's own count of ICT-trained teachers, as it does for every school the training records do not
 * cover yet. Tests of the form's rules on that count start from here.
 */
export async function withoutTrainingRecords(db: Db, username = 'director'): Promise<void> {
  await db.execute(sql`
    with school as (
      select g.institution_id as id from identity_role_grant g
      join identity_user u on u.id = g.user_id and u.username = ${username} where g.role = 'director'
    ), history as (
      delete from training_history_record where institution_id in (select id from school) returning 1
    ), external as (
      delete from training_external where institution_id in (select id from school) returning 1
    )
    delete from training_enrolment where institution_id in (select id from school)`);
}
