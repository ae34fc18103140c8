import { sql, type SQL } from 'drizzle-orm';
import { intArray, rows, textArray, type Db } from '@/server/db/database';
import {
  frameworkAreas,
  frameworks,
  historyImports,
  historyRecords,
  schoolLevels,
  targets,
  teacherLevels,
  type Localised,
} from '@/modules/training/training.tables';

/**
 * The SQL of yearly needs, targets, the history import and the training indicators. Like monitoring, the needs
 * report and the indicators are reporting queries: besides the training tables they read, read-only, the
 * institutions and areas, the teacher grants (`identity_role_grant`: the teachers the platform knows at each
 * school), who teaches what (`classroom_subject_teacher`, `classroom_class`, `institutions_grade`), and the
 * registry's yearly teacher counts (`infrastructure_school_year`). Going through each owner's functions would
 * cost a query per school; docs/training.md lists what is read.
 */

export interface YearRow {
  id: number;
  code: string;
  startsOn: string;
  endsOn: string;
  isCurrent: boolean;
}

export async function listYears(db: Db): Promise<YearRow[]> {
  return rows<YearRow>(
    db,
    sql`select id, code, starts_on::text as "startsOn", ends_on::text as "endsOn", is_current as "isCurrent"
        from institutions_academic_year order by starts_on`,
  );
}

export interface FrameworkRow {
  id: string;
  name: Localised;
  levels: { code: string; name: Localised }[];
}

/** The framework teachers assess themselves in (the one marked for self-assessment, else the first). */
export async function selfFramework(db: Db): Promise<FrameworkRow | null> {
  const [row] = await rows<FrameworkRow>(
    db,
    sql`select id, name, levels from ${frameworks} order by self_assessment desc, position, id limit 1`,
  );
  return row ?? null;
}

export async function areasOf(db: Db, frameworkId: string): Promise<{ id: string; name: Localised }[]> {
  return rows(
    db,
    sql`select id, name from ${frameworkAreas} where framework_id = ${frameworkId} order by position, id`,
  );
}

export interface TargetRow {
  areaId: string;
  level: number;
  version: number;
}

export async function targetsOf(db: Db, yearId: number): Promise<TargetRow[]> {
  return rows<TargetRow>(
    db,
    sql`select area_id as "areaId", level, version from ${targets} where year_id = ${yearId}`,
  );
}

/** Saves a target at the version read (0: not saved yet); false when someone saved it since. */
export async function saveTarget(
  db: Db,
  yearId: number,
  areaId: string,
  level: number,
  version: number,
): Promise<boolean> {
  if (version === 0) {
    const inserted = await rows<{ n: number }>(
      db,
      sql`insert into ${targets} (year_id, area_id, level, version) values (${yearId}, ${areaId}, ${level}, 1)
          on conflict do nothing returning 1 as n`,
    );
    return inserted.length === 1;
  }
  const updated = await rows<{ n: number }>(
    db,
    sql`update ${targets} set level = ${level}, version = version + 1
        where year_id = ${yearId} and area_id = ${areaId} and version = ${version} returning 1 as n`,
  );
  return updated.length === 1;
}

export interface AreaNode {
  id: number;
  parentId: number | null;
  kind: string;
  code: string;
  path: number[];
  nameAz: string;
  nameRu: string;
  nameEn: string;
}

export async function allAreas(db: Db): Promise<AreaNode[]> {
  return rows<AreaNode>(
    db,
    sql`select id, parent_id as "parentId", kind, code, path, name_az as "nameAz", name_ru as "nameRu",
          name_en as "nameEn" from institutions_area order by id`,
  );
}

/** How a needs report groups schools. */
export type NeedsBy = 'area' | 'district' | 'school' | 'subject' | 'level';

/**
 * The areas of a selection (a hundred, not thousands of schools), each with the group its schools fall in for
 * area and district groupings (`ar`), and the selection's active schools with their group (`sel`).
 */
function selection(areaId: number | null, by: 'area' | 'district' | 'school'): SQL {
  const grp =
    by === 'district'
      ? sql`(select d.id from institutions_area d where d.id = any(a.path) and d.kind in ('district', 'city')
           order by array_position(a.path, d.id) limit 1)`
      : areaId === null
        ? sql`a.path[2]`
        : sql`a.path[array_position(a.path, ${areaId}::int) + 1]`;
  const where = areaId === null ? sql`` : sql`where a.path @> array[${areaId}::int]`;
  return sql`ar as materialized (
      select a.id, ${by === 'school' ? sql`null::int` : grp} as grp from institutions_area a ${where}
    ),
    sel as materialized (
      select i.id, ${by === 'school' ? sql`i.id` : sql`ar.grp`} as grp
      from institutions_institution i join ar on ar.id = i.area_id
      where i.status = 'active'
    )`;
}

/** Rows by group; the groups divide the selection, so the whole is their sum. */
export interface BelowRow {
  grp: number | null;
  areaId: string;
  below: number;
  assessed: number;
}

export interface TeachersRow {
  grp: number | null;
  teachers: number;
}

/**
 * Teachers below each area's target (or below `belowLevel` when given), by group and for the whole selection,
 * from `training_school_level`: a sum over schools × areas × levels, never over teachers.
 */
export async function belowBySchoolGroup(
  db: Db,
  q: {
    yearId: number;
    areaId: number | null;
    by: 'area' | 'district' | 'school';
    areaIds: string[];
    belowLevel?: number;
  },
): Promise<BelowRow[]> {
  const limit = q.belowLevel === undefined ? sql`tg.level` : sql`${q.belowLevel}::int`;
  const grp = q.by === 'school' ? sql`i.id` : sql`ar.grp`;
  return rows<BelowRow>(
    db,
    sql`with ${selection(q.areaId, q.by)},
        tg as (select area_id, level from ${targets} where year_id = ${q.yearId})
        select ${grp} as grp, sl.area_id as "areaId",
          coalesce(sum(sl.teachers) filter (where sl.level < ${limit}), 0)::int as below,
          coalesce(sum(sl.teachers), 0)::int as assessed
        from ${schoolLevels} sl
        join institutions_institution i on i.id = sl.institution_id and i.status = 'active'
        join ar on ar.id = i.area_id
        left join tg on tg.area_id = sl.area_id
        where sl.area_id = any(${textArray(q.areaIds)})
        group by 1, sl.area_id`,
  );
}

/**
 * The teachers the platform knows (teacher grants) by group and for the whole selection: counted per school from
 * the grants' index (institution, role), then summed.
 */
export async function teachersBySchoolGroup(
  db: Db,
  q: { areaId: number | null; by: 'area' | 'district' | 'school' },
): Promise<TeachersRow[]> {
  return rows<TeachersRow>(
    db,
    sql`with ${selection(q.areaId, q.by)},
        tc as (
          select g.institution_id, count(*) as n from identity_role_grant g
          where g.role = 'teacher' and g.institution_id in (select id from sel)
          group by g.institution_id
        )
        select s.grp, coalesce(sum(tc.n), 0)::int as teachers
        from sel s join tc on tc.institution_id = s.id
        group by s.grp`,
  );
}

export interface TaughtBelowRow {
  grp: string | null;
  areaId: string;
  below: number;
  assessed: number;
}

export interface TaughtTeachersRow {
  grp: string | null;
  teachers: number;
  notAssessed: number;
}

/** Who teaches what in the year: (teacher, subject or level) pairs of the selection's schools. */
function taught(yearId: number, by: 'subject' | 'level'): SQL {
  const grp = by === 'subject' ? sql`st.subject_code` : sql`gr.level_code`;
  return sql`taught as materialized (
      select distinct st.teacher_id as user_id, ${grp} as grp
      from classroom_subject_teacher st
      join classroom_class c on c.id = st.class_id and c.academic_year_id = ${yearId}
      join institutions_grade gr on gr.number = c.grade
      join sel s on s.id = st.institution_id
    )`;
}

/**
 * Teachers below each area's target by the subject or education level they teach (a teacher counts in each
 * they teach: groups overlap), from each teacher's levels (`training_teacher_level`).
 */
export async function belowByTaught(
  db: Db,
  q: { yearId: number; areaId: number | null; by: 'subject' | 'level'; areaIds: string[] },
): Promise<TaughtBelowRow[]> {
  return rows<TaughtBelowRow>(
    db,
    sql`with ${selection(q.areaId, 'school')}, ${taught(q.yearId, q.by)},
        tg as (select area_id, level from ${targets} where year_id = ${q.yearId})
        select t.grp, tl.area_id as "areaId",
          (count(distinct t.user_id) filter (where tl.level < tg.level))::int as below,
          count(distinct t.user_id)::int as assessed
        from taught t join ${teacherLevels} tl on tl.user_id = t.user_id
        left join tg on tg.area_id = tl.area_id
        where tl.area_id = any(${textArray(q.areaIds)})
        group by t.grp, tl.area_id`,
  );
}

export async function teachersByTaught(
  db: Db,
  q: { yearId: number; areaId: number | null; by: 'subject' | 'level'; areaIds: string[] },
): Promise<TaughtTeachersRow[]> {
  return rows<TaughtTeachersRow>(
    db,
    sql`with ${selection(q.areaId, 'school')}, ${taught(q.yearId, q.by)}
        select t.grp, count(distinct t.user_id)::int as teachers,
          (count(distinct t.user_id) filter (where not exists (
            select 1 from ${teacherLevels} tl where tl.user_id = t.user_id
              and tl.area_id = any(${textArray(q.areaIds)}))))::int as "notAssessed"
        from taught t group by t.grp`,
  );
}

export interface NamedRow {
  key: string;
  code: string;
  nameAz: string;
  nameRu: string;
  nameEn: string;
}

export async function schoolNames(db: Db, ids: number[]): Promise<NamedRow[]> {
  if (ids.length === 0) return [];
  return rows<NamedRow>(
    db,
    sql`select id::text as key, code, name_az as "nameAz", name_ru as "nameRu", name_en as "nameEn"
        from institutions_institution where id = any(${intArray(ids)})`,
  );
}

export async function subjectNames(db: Db): Promise<NamedRow[]> {
  return rows<NamedRow>(
    db,
    sql`select code as key, code, name_az as "nameAz", name_ru as "nameRu", name_en as "nameEn"
        from institutions_subject order by code`,
  );
}

export async function levelNames(db: Db): Promise<(NamedRow & { isced: number | null })[]> {
  return rows(
    db,
    sql`select code as key, code, name_az as "nameAz", name_ru as "nameRu", name_en as "nameEn", isced
        from institutions_level order by position`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// History import
// ---------------------------------------------------------------------------------------------------------

export async function schoolsByCode(db: Db, codes: string[]): Promise<Map<string, number>> {
  if (codes.length === 0) return new Map();
  const found = await rows<{ id: number; code: string }>(
    db,
    sql`select id, code from institutions_institution where code = any(${textArray(codes)})`,
  );
  return new Map(found.map((r) => [r.code, r.id]));
}

export async function usersByName(db: Db, usernames: string[]): Promise<Map<string, number>> {
  if (usernames.length === 0) return new Map();
  const found = await rows<{ id: number; username: string }>(
    db,
    sql`select id, username from identity_user where username = any(${textArray(usernames)})`,
  );
  return new Map(found.map((r) => [r.username, r.id]));
}

export type HistoryInsert = typeof historyRecords.$inferInsert;

export async function insertImport(
  db: Db,
  row: { fileName: string; rows: number; importedBy: number },
): Promise<{ id: number; importedAt: Date }> {
  const [created] = await db
    .insert(historyImports)
    .values(row)
    .returning({ id: historyImports.id, importedAt: historyImports.importedAt });
  return created!;
}

export async function insertRecords(db: Db, records: HistoryInsert[]): Promise<void> {
  for (let i = 0; i < records.length; i += 2000) {
    await db.insert(historyRecords).values(records.slice(i, i + 2000));
  }
}

export interface ImportRow {
  id: number;
  fileName: string;
  rows: number;
  importedAt: string;
  importedBy: string;
  firstOn: string | null;
  lastOn: string | null;
}

export async function listImports(db: Db): Promise<ImportRow[]> {
  return rows<ImportRow>(
    db,
    sql`select h.id, h.file_name as "fileName", h.rows, h.imported_at as "importedAt",
          u.display_name as "importedBy",
          (select min(completed_on)::text from ${historyRecords} r where r.import_id = h.id) as "firstOn",
          (select max(completed_on)::text from ${historyRecords} r where r.import_id = h.id) as "lastOn"
        from ${historyImports} h join identity_user u on u.id = h.imported_by
        order by h.imported_at desc, h.id desc limit 500`,
  );
}

export async function findImport(
  db: Db,
  id: number,
): Promise<{ id: number; fileName: string; rows: number } | null> {
  const [row] = await rows<{ id: number; fileName: string; rows: number }>(
    db,
    sql`select id, file_name as "fileName", rows from ${historyImports} where id = ${id}`,
  );
  return row ?? null;
}

export async function deleteImport(db: Db, id: number): Promise<void> {
  await db.execute(sql`delete from ${historyRecords} where import_id = ${id}`);
  await db.execute(sql`delete from ${historyImports} where id = ${id}`);
}

// ---------------------------------------------------------------------------------------------------------
// Indicators: UIS ED38 and SDG 4.c.7
// ---------------------------------------------------------------------------------------------------------

/**
 * Every training of a person that counts, one row each: completed enrolments (at `completed_at`), external
 * certificates the district verified (at `issued_on`), and imported history records (at `completed_on`). A
 * person is a platform user, or — for a history record of someone not linked to an account — the school and
 * the name as written (`h:<school>:<name folded to lower case>`).
 */
/**
 * Every training of a person as one row (completed programmes, verified external certificates, imported
 * history), as a CTE named `trainings`: the indicators read it, and so does the registry's ICT-trained feed
 * (`src/modules/infrastructure/ict-trained.store.ts`).
 */
export const TRAININGS = sql`trainings as (
    select 'u' || e.user_id as person, e.user_id, e.institution_id, (e.completed_at at time zone 'UTC')::date as on_day,
      true as ict, null::text as sex, null::int as isced
    from training_enrolment e where e.status = 'completed' and e.completed_at is not null
    union all
    select 'u' || x.user_id, x.user_id, x.institution_id, x.issued_on, true, null, null
    from training_external x where x.status = 'verified'
    union all
    select case when r.user_id is not null then 'u' || r.user_id
             else 'h' || coalesce(r.institution_id, 0) || ':' || lower(r.person_name) end,
      r.user_id, r.institution_id, r.completed_on, r.ict, r.sex, r.isced
    from training_history_record r
  )`;

export interface IndicatorRow {
  grp: number | null;
  whole: boolean;
  schools: number;
  /** Teachers of the schools: the registry's count for the year where given, else the platform's grants. */
  teachers: number;
  /** Schools whose teachers come from the registry's count. */
  registryCounted: number;
  /** Teachers with ICT training up to the reference day (per school: from records when it has any, else the registry's figure; never above its teachers). */
  ictTrained: number;
  /** Persons with ICT training records, whoever they are (a count, not capped). */
  ictTrainedPersons: number;
  /** Teachers with any training completed in the 12 months up to the reference day (capped per school). */
  trained12: number;
  /** Schools whose ICT-trained figure comes from training records. */
  fromRecords: number;
}

/** The schools of the selection and their group: the region or district on their area path. */
function indicatorSelection(areaIds: number[] | null, by: 'none' | 'region' | 'district'): SQL {
  const grp =
    by === 'none'
      ? sql`null::int`
      : sql`(select d.id from institutions_area d where d.id = any(a.path)
             and d.kind in (${by === 'region' ? sql`'economic_region'` : sql`'district', 'city'`})
             order by array_position(a.path, d.id) limit 1)`;
  const where = areaIds === null ? sql`` : sql`where a.path && ${intArray(areaIds)}`;
  return sql`ar as materialized (select a.id, ${grp} as grp from institutions_area a ${where}),
    sel as materialized (
      select i.id, ar.grp from institutions_institution i join ar on ar.id = i.area_id where i.status = 'active'
    )`;
}

/**
 * ED38 and SDG 4.c.7 per school, summed by group: see docs/indicators.md ("Teachers' training") for the rule
 * that takes a school's ICT-trained teachers from its training records when it has any, else from its
 * registry record.
 */
export async function indicatorsBySchool(
  db: Db,
  q: { yearId: number; refDay: string; areaIds: number[] | null; by: 'none' | 'region' | 'district' },
): Promise<IndicatorRow[]> {
  return rows<IndicatorRow>(
    db,
    sql`with ${indicatorSelection(q.areaIds, q.by)}, ${TRAININGS},
        per as (
          select t.institution_id,
            count(distinct t.person) filter (where t.ict and t.on_day <= ${q.refDay}::date) as ict,
            count(distinct t.person) filter (
              where t.on_day <= ${q.refDay}::date and t.on_day > (${q.refDay}::date - interval '12 months')) as last12
          from trainings t join sel s on s.id = t.institution_id group by t.institution_id
        ),
        grants as (
          select g.institution_id, count(distinct g.user_id) as n
          from identity_role_grant g join sel s on s.id = g.institution_id
          where g.role = 'teacher' group by g.institution_id
        ),
        school as (
          select s.id, s.grp, rec.teachers as reg_teachers, rec.teachers_ict_trained as reg_ict,
            coalesce(rec.teachers, gr.n, 0) as teachers, coalesce(p.ict, 0) as ict, coalesce(p.last12, 0) as last12
          from sel s
          left join infrastructure_school_year rec on rec.institution_id = s.id and rec.academic_year_id = ${q.yearId}
          left join grants gr on gr.institution_id = s.id
          left join per p on p.institution_id = s.id
        )
        select grp, grouping(grp) = 1 as whole, count(*)::int as schools,
          coalesce(sum(teachers), 0)::int as teachers,
          (count(*) filter (where reg_teachers is not null))::int as "registryCounted",
          coalesce(sum(case when ict > 0 then least(ict, teachers) else least(coalesce(reg_ict, 0), teachers) end), 0)::int
            as "ictTrained",
          coalesce(sum(ict), 0)::int as "ictTrainedPersons",
          coalesce(sum(least(last12, teachers)), 0)::int as trained12,
          (count(*) filter (where ict > 0))::int as "fromRecords"
        from school group by grouping sets ((grp), ())`,
  );
}

export interface BreakdownRow {
  dimension: 'sex' | 'isced';
  key: string | null;
  /** Teachers the platform knows (teacher grants at the selection's schools). */
  teachers: number;
  ictTrained: number;
  trained12: number;
  /** Persons of history records not linked to an account: counted, not in any share. */
  unlinkedIct: number;
  unlinkedTrained12: number;
}

/**
 * By sex and by ISCED level: the teachers the platform knows (a teacher grant at a school of the selection;
 * sex from `identity_user.sex`; ISCED levels from the classes they teach in the year, a teacher in each), and
 * how many of them trained; persons of unlinked history records by the sex and ISCED level their record gives.
 */
export async function indicatorBreakdowns(
  db: Db,
  q: { yearId: number; refDay: string; areaIds: number[] | null },
): Promise<BreakdownRow[]> {
  return rows<BreakdownRow>(
    db,
    sql`with ${indicatorSelection(q.areaIds, 'none')}, ${TRAININGS},
        known as (
          select distinct g.user_id, u.sex from identity_role_grant g join sel s on s.id = g.institution_id
          join identity_user u on u.id = g.user_id where g.role = 'teacher'
        ),
        levels as (
          select distinct st.teacher_id as user_id, l.isced
          from classroom_subject_teacher st join sel s on s.id = st.institution_id
          join classroom_class c on c.id = st.class_id and c.academic_year_id = ${q.yearId}
          join institutions_grade gr on gr.number = c.grade join institutions_level l on l.code = gr.level_code
          where l.isced is not null
        ),
        ut as (
          select t.user_id,
            bool_or(t.ict and t.on_day <= ${q.refDay}::date) as ict,
            bool_or(t.on_day <= ${q.refDay}::date and t.on_day > (${q.refDay}::date - interval '12 months')) as last12
          from trainings t where t.user_id is not null group by t.user_id
        ),
        person as (
          select k.user_id, k.sex, coalesce(ut.ict, false) as ict, coalesce(ut.last12, false) as last12
          from known k left join ut on ut.user_id = k.user_id
        ),
        unlinked as (
          select t.person, max(t.sex) as sex, max(t.isced) as isced,
            bool_or(t.ict and t.on_day <= ${q.refDay}::date) as ict,
            bool_or(t.on_day <= ${q.refDay}::date and t.on_day > (${q.refDay}::date - interval '12 months')) as last12
          from trainings t join sel s on s.id = t.institution_id where t.user_id is null group by t.person
        ),
        dims as (
          select 'sex' as dimension, p.sex as key, 1 as teacher, p.ict, p.last12, false as unlinked from person p
          union all
          select 'isced', l.isced::text, 1, p.ict, p.last12, false from person p join levels l on l.user_id = p.user_id
          union all
          select 'isced', null, 1, p.ict, p.last12, false from person p
            where not exists (select 1 from levels l where l.user_id = p.user_id)
          union all
          select 'sex', u.sex, 0, u.ict, u.last12, true from unlinked u
          union all
          select 'isced', u.isced::text, 0, u.ict, u.last12, true from unlinked u
        )
        select dimension, key,
          sum(teacher)::int as teachers,
          (count(*) filter (where ict and not unlinked))::int as "ictTrained",
          (count(*) filter (where last12 and not unlinked))::int as trained12,
          (count(*) filter (where ict and unlinked))::int as "unlinkedIct",
          (count(*) filter (where last12 and unlinked))::int as "unlinkedTrained12"
        from dims group by dimension, key order by dimension, key nulls last`,
  );
}

/** Persons with ICT training records by the calendar year of their training (a person once a year). */
export async function ictByYear(
  db: Db,
  areaIds: number[] | null,
): Promise<{ year: number; persons: number }[]> {
  return rows(
    db,
    sql`with ${indicatorSelection(areaIds, 'none')}, ${TRAININGS}
        select extract(year from t.on_day)::int as year, count(distinct t.person)::int as persons
        from trainings t join sel s on s.id = t.institution_id where t.ict
        group by 1 order by 1`,
  );
}

/** People of a school with ICT training records (the registry form's hint). */
export async function schoolIctTrained(db: Db, institutionId: number): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`with ${TRAININGS}
        select count(distinct person)::int as n from trainings
        where institution_id = ${institutionId} and ict and on_day <= current_date`,
  );
  return row?.n ?? 0;
}
