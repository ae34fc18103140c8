import { sql, type SQL } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';

/**
 * The SQL of distance-learning monitoring. Like the indicators, a reporting read model: it reads the
 * classroom's classes, enrolments and lesson occurrences and the people's last active day directly, in one
 * statement per request, and gives counts only — never a student.
 */

export interface DistanceCounts {
  /** The school or class counted. */
  id: number;
  students: number;
  activeStudents: number;
  lessonsScheduled: number;
  lessonsDelivered: number;
}

/**
 * Per school (or per class of one school) of the current year: enrolled students, those active since
 * `activeSince`, and the lessons scheduled in [from, to] up to `today` and those the teacher filled in.
 */
export async function distanceCounts(
  db: Db,
  scope: { schoolIds: number[] } | { classesOf: number },
  range: { from: string; to: string; today: string; activeSince: string; yearId: number },
): Promise<DistanceCounts[]> {
  const byClass = 'classesOf' in scope;
  const schools: SQL = byClass ? sql`${intArray([scope.classesOf])}` : sql`${intArray(scope.schoolIds)}`;
  const key = byClass ? sql`cls.class_id` : sql`cls.institution_id`;
  return rows<DistanceCounts>(
    db,
    sql`with cls as (
          select id as class_id, institution_id from classroom_class
          where academic_year_id = ${range.yearId} and institution_id = any(${schools})
        ), stu as (
          select ${key} as id, count(*)::int as students,
            count(*) filter (where u.last_active_on >= ${range.activeSince}::date)::int as active
          from classroom_enrolment e join cls using (class_id) join identity_user u on u.id = e.student_id
          group by 1
        ), les as (
          select ${key} as id, count(*)::int as scheduled, count(*) filter (where l.has_content)::int as delivered
          from classroom_lesson l join cls using (class_id)
          where l.state = 'scheduled' and l.date between ${range.from}::date and least(${range.to}::date, ${range.today}::date)
          group by 1
        ), ids as (select distinct ${key} as id from cls)
        select ids.id, coalesce(stu.students, 0) as students, coalesce(stu.active, 0) as "activeStudents",
          coalesce(les.scheduled, 0) as "lessonsScheduled", coalesce(les.delivered, 0) as "lessonsDelivered"
        from ids left join stu using (id) left join les using (id)
        order by ids.id`,
  );
}

export interface Unit {
  id: number;
  nameAz: string;
  nameRu: string;
  nameEn: string;
  schoolIds: number[];
}

/**
 * What a report on an area (or the nation, `areaId` null) is broken down into: its sub-areas, each with the
 * schools anywhere under it; an area without sub-areas (a district) is broken down into its schools.
 */
export async function unitsUnder(
  db: Db,
  areaId: number | null,
): Promise<{ kind: 'area' | 'school'; units: Unit[] }> {
  const parent =
    areaId === null ? sql`select id from institutions_area where kind = 'country'` : sql`${areaId}`;
  const areas = await rows<Unit>(
    db,
    sql`select a.id, a.name_az as "nameAz", a.name_ru as "nameRu", a.name_en as "nameEn",
          array(select i.id from institutions_institution i join institutions_area x on x.id = i.area_id
                where a.id = any(x.path) order by i.id) as "schoolIds"
        from institutions_area a where a.parent_id in (${parent}) order by a.name_az, a.id`,
  );
  if (areas.length > 0) return { kind: 'area', units: areas };
  const schools = await rows<Unit>(
    db,
    sql`select i.id, i.name_az as "nameAz", i.name_ru as "nameRu", i.name_en as "nameEn", array[i.id] as "schoolIds"
        from institutions_institution i where i.area_id = ${areaId} order by i.name_az, i.id`,
  );
  return { kind: 'school', units: schools };
}
