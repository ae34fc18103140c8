import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import { DEMO_ACCOUNTS } from '@/seed/demo-accounts';

/**
 * A fingerprint of the data a seed writes, to check that a seed is deterministic. Rows are named by their
 * natural keys (codes, usernames), not ids, and timestamps are read in UTC, so the fingerprint is the same
 * on PGlite and on a PostgreSQL server. Password hashes are left out: argon2 salts them at random.
 */
const TABLES: Record<string, SQL> = {
  trainingHistory: sql`select h.file_name, u.username, i.code as institution, r.person_name, r.sex, r.isced,
      r.programme, r.provider, r.completed_on, r.hours, r.ict
    from training_history_record r join training_history_import h on h.id = r.import_id
    left join identity_user u on u.id = r.user_id left join institutions_institution i on i.id = r.institution_id
    order by i.code, r.person_name, r.completed_on, r.programme, u.username`,
  areas: sql`select a.code, p.code as parent, a.kind, a.name_az, a.name_ru, a.name_en,
      (select array_agg(x.code order by u.ord) from unnest(a.path) with ordinality as u(id, ord)
         join institutions_area x on x.id = u.id) as path
    from institutions_area a left join institutions_area p on p.id = a.parent_id order by a.code`,
  levels: sql`select * from institutions_level order by code`,
  grades: sql`select * from institutions_grade order by number`,
  subjects: sql`select * from institutions_subject order by code`,
  scales: sql`select code, name_az, name_ru, name_en, is_default, marks::text from institutions_grading_scale order by code`,
  years: sql`select code, starts_on, ends_on, is_current from institutions_academic_year order by code`,
  calendar: sql`select y.code as year, e.kind, e.code, e.name_az, e.name_ru, e.name_en, e.starts_on, e.ends_on
    from institutions_calendar_entry e join institutions_academic_year y on y.id = e.academic_year_id order by y.code, e.code`,
  institutions: sql`select i.code, i.kind, i.name_az, i.name_ru, i.name_en, a.code as area, i.ownership, i.locality,
      i.latitude, i.longitude, i.levels, i.shifts, i.status, i.student_count, i.teacher_count,
      i.created_at at time zone 'UTC' as created_at, i.updated_at at time zone 'UTC' as updated_at
    from institutions_institution i join institutions_area a on a.id = i.area_id order by i.code`,
  users: sql`select username, display_name, locale, status, sex, created_at at time zone 'UTC' as created_at,
      updated_at at time zone 'UTC' as updated_at, password_hash is not null as can_sign_in
    from identity_user order by username`,
  grants: sql`select u.username, g.role, a.code as area, i.code as institution
    from identity_role_grant g join identity_user u on u.id = g.user_id
    left join institutions_area a on a.id = g.area_id left join institutions_institution i on i.id = g.institution_id
    order by u.username, g.role, a.code, i.code`,
  classes: sql`select i.code as institution, y.code as year, c.grade, c.letter, c.language, c.shift, t.username as homeroom
    from classroom_class c join institutions_institution i on i.id = c.institution_id
    join institutions_academic_year y on y.id = c.academic_year_id left join identity_user t on t.id = c.homeroom_teacher_id
    order by i.code, y.code, c.grade, c.letter`,
  enrolments: sql`select i.code as institution, c.grade, c.letter, s.username, e.institution_id = c.institution_id as same_school
    from classroom_enrolment e join classroom_class c on c.id = e.class_id
    join institutions_institution i on i.id = c.institution_id join identity_user s on s.id = e.student_id
    order by i.code, c.grade, c.letter, s.username`,
  guardians: sql`select p.username as parent, s.username as student
    from identity_guardian g join identity_user p on p.id = g.parent_id join identity_user s on s.id = g.student_id
    order by p.username, s.username`,
  // The demo library: its metadata and history, not its files' bytes (made at seed time, they may differ).
  libraryResources: sql`select r.id, r.type, r.state, r.title, r.description, r.language, r.level, r.grades,
      r.subject_code, r.authors, r.publisher, r.channel, r.air_date, r.duration_seconds, r.pages, r.licence,
      r.accessibility, u.username as created_by, r.created_at at time zone 'UTC' as created_at,
      r.published_at at time zone 'UTC' as published_at,
      (select array_agg(t.code order by t.code) from library_resource_topic rt
         join library_topic t on t.id = rt.topic_id where rt.resource_id = r.id) as topics
    from library_resource r join identity_user u on u.id = r.created_by order by r.id`,
  libraryEvents: sql`select e.resource_id, e.action, e.from_state, e.to_state, u.username as actor, e.note,
      e.at at time zone 'UTC' as at
    from library_resource_event e left join identity_user u on u.id = e.actor_id order by e.resource_id, e.id`,
  libraryFiles: sql`select resource_id, role, version, storage_key, content_type, original_name
    from library_file where source_file_id is null order by resource_id, role, version`,
  libraryCollections: sql`select c.kind, c.title, c.description,
      (select array_agg(i.resource_id order by i.position) from library_collection_item i
         where i.collection_id = c.id) as items
    from library_collection c order by c.title`,
  // The ICT registry (registry.ts), by natural keys (codes, asset tags), not ids.
  registryProjects: sql`select code, name_az, name_ru, name_en, active from infrastructure_project`,
  registryRecords: sql`select i.code, y.code as year, s.teachers, s.teachers_ict_trained, s.classrooms, s.has_computer_lab,
      s.electricity, s.electricity_source, s.electricity_hours, s.pupils_internet, s.state, s.verified_at at time zone 'UTC' as verified_at,
      s.review_note, s.updated_at at time zone 'UTC' as updated_at
    from infrastructure_school_year s join institutions_institution i on i.id = s.institution_id
    join institutions_academic_year y on y.id = s.academic_year_id`,
  registryStudents: sql`select i.code, y.code as year, s.level, s.sex, s.shift, s.students
    from infrastructure_student_count s join institutions_institution i on i.id = s.institution_id
    join institutions_academic_year y on y.id = s.academic_year_id`,
  registryLinks: sql`select i.code, y.code as year, l.purpose, l.type, l.education_network, l.provider, l.download_mbps, l.upload_mbps
    from infrastructure_internet_link l join institutions_institution i on i.id = l.institution_id
    join institutions_academic_year y on y.id = l.academic_year_id`,
  registryDevices: sql`select i.code, y.code as year, d.kind, d.purpose, d.total, d.working, d.source, d.untracked, d.untracked_working
    from infrastructure_device_count d join institutions_institution i on i.id = d.institution_id
    join institutions_academic_year y on y.id = d.academic_year_id`,
  registryParticipations: sql`select i.code, y.code as year, p.code as project, x.evidence, x.verified
    from infrastructure_participation x join institutions_institution i on i.id = x.institution_id
    join institutions_academic_year y on y.id = x.academic_year_id join infrastructure_project p on p.id = x.project_id`,
  registryMeasurements: sql`select i.code, m.measured_at at time zone 'UTC' as at, m.download_mbps, m.upload_mbps, m.latency_ms, m.source
    from infrastructure_measurement m join institutions_institution i on i.id = m.institution_id`,
  registryItems: sql`select d.asset_tag, i.code, d.serial, d.kind, d.model, d.status, d.condition, d.purpose, d.funding_programme,
      d.acquired_on, d.end_of_life_on, d.last_audit_on, d.next_audit_on
    from infrastructure_device d join institutions_institution i on i.id = d.institution_id`,
  registryEvents: sql`select d.asset_tag, e.kind, e.at at time zone 'UTC' as at, i.code, f.code as from_code, e.note
    from infrastructure_device_event e join infrastructure_device d on d.id = e.device_id
    join institutions_institution i on i.id = e.institution_id left join institutions_institution f on f.id = e.from_institution_id`,
  // The demo's school life (school-life.ts), by natural keys.
  timetable: sql`select i.code as institution, c.grade, c.letter, e.weekday, e.period, e.subject_code, u.username
    from classroom_timetable_entry e join classroom_class c on c.id = e.class_id
    join institutions_institution i on i.id = e.institution_id join identity_user u on u.id = e.teacher_id`,
  subjectTeachers: sql`select c.id as class, s.subject_code, u.username from classroom_subject_teacher s
    join classroom_class c on c.id = s.class_id join identity_user u on u.id = s.teacher_id`,
  lessons: sql`select l.class_id, l.date, l.period, l.subject_code, l.teacher_id, l.start_minute, l.state, l.topic,
      l.homework, l.meeting_url, l.has_content, l.recorded,
      (select array_agg(m.resource_id order by m.position) from classroom_lesson_material m where m.lesson_id = l.id) as materials
    from classroom_lesson l`,
  cells: sql`select c.student_id, l.class_id, l.date, l.period, c.attendance_code, c.mark, c.term_code
    from journal_cell c join classroom_lesson l on l.id = c.lesson_id`,
  assignments: sql`select a.class_id, a.subject_code, a.title, a.due_at at time zone 'UTC' as due_at,
      s.student_id, s.late, s.mark, s.feedback, s.submitted_at at time zone 'UTC' as submitted_at
    from assignments_assignment a left join assignments_submission s on s.assignment_id = a.id`,
  contests: sql`select c.title, c.date, c.state, t.student_id, t.score, t.marks::text
    from contests_contest c left join contests_attempt t on t.contest_id = c.id`,
  councils: sql`select m.title, m.held_on, d.text, d.owner_id, d.due_on, d.status
    from councils_meeting m join councils_decision d on d.meeting_id = m.id`,
  webinars: sql`select w.title, w.starts_at at time zone 'UTC' as starts_at, r.user_id, r.attended
    from webinars_webinar w left join webinars_registration r on r.webinar_id = w.id`,
  // The named demo accounts become active when someone signs in with them: left out.
  activity: sql`select username, last_active_on from identity_user where last_active_on is not null
    and username <> all(${`{${DEMO_ACCOUNTS.map((a) => a.username).join(',')}}`}::text[])`,
};

/** The fingerprint of every table a seed fills, one hash per table. */
export async function digestTables(db: Db): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, query] of Object.entries(TABLES)) {
    // The database turns each row into text itself and sorts it byte-wise (collation C), so both drivers
    // hash the same characters in the same order.
    const [row] = await rows<{ digest: string; n: number }>(
      db,
      sql`select md5(coalesce(string_agg(q::text, E'\n' order by q::text collate "C"), '')) as digest, count(*)::int as n
        from (${query}) q`,
    );
    out[name] = `${row!.n}:${row!.digest}`;
  }
  return out;
}

/** One fingerprint for all the seeded data. */
export async function digestData(db: Db): Promise<string> {
  return createHash('sha256')
    .update(JSON.stringify(await digestTables(db)))
    .digest('hex');
}
