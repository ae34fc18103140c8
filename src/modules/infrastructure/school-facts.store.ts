import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import {
  COMPUTER_KINDS,
  deviceCounts,
  internetLinks,
  participations,
  projects,
  schoolYears,
  studentCounts,
} from '@/modules/infrastructure/infrastructure.tables';

/**
 * A school's registry year in one flat row, for modules that weigh many schools at once (the computer
 * distribution scores and projects all 4,500 in one request). One statement for every school, each part
 * aggregated per school before the join, so the whole country is one round trip.
 */
export interface SchoolFactsRow {
  institutionId: number;
  code: string;
  nameAz: string;
  nameRu: string;
  nameEn: string;
  kind: string;
  areaId: number;
  /** The economic region the school lies in, when its area is under one. */
  regionId: number | null;
  locality: 'urban' | 'rural';
  /** Whether the school saved a record for the year. */
  reporting: boolean;
  recordState: 'draft' | 'submitted' | 'verified' | null;
  electricity: boolean | null;
  classrooms: number | null;
  hasComputerLab: boolean | null;
  /** Students by shift from the record; without one, the institution's head count spread over its shifts. */
  students: number;
  largestShift: number;
  laterShiftStudents: number;
  /** Teaching desktops, laptops and tablets. */
  computers: number;
  projectors: number;
  boards: number;
  /** Types of the teaching links. */
  linkTypes: string[];
  educationNetwork: boolean;
  /** Codes of the projects the school takes part in, verified by its region. */
  verifiedProjects: string[];
}

/** The facts of every active institution (of the given kinds) for a year, or of the given institutions only. */
export async function schoolFacts(
  db: Db,
  yearId: number,
  filter: { institutionIds?: readonly number[]; kinds?: readonly string[] } = {},
): Promise<SchoolFactsRow[]> {
  const ids = filter.institutionIds
    ? sql`and i.id = any(${`{${filter.institutionIds.join(',')}}`}::int[])`
    : sql``;
  const kinds = filter.kinds ? sql`and i.kind = any(${`{${filter.kinds.join(',')}}`}::text[])` : sql``;
  const computerKinds = sql.join(
    COMPUTER_KINDS.map((k) => sql`${k}`),
    sql`, `,
  );
  return rows<SchoolFactsRow>(
    db,
    sql`
    with st as (
      select institution_id, sum(students)::int as students,
        greatest(
          coalesce(sum(students) filter (where shift = 1), 0),
          coalesce(sum(students) filter (where shift = 2), 0),
          coalesce(sum(students) filter (where shift = 3), 0))::int as largest_shift,
        coalesce(sum(students) filter (where shift >= 2), 0)::int as later_shift
      from ${studentCounts} where academic_year_id = ${yearId} group by 1
    ),
    dc as (
      select institution_id,
        coalesce(sum(total) filter (where kind in (${computerKinds})), 0)::int as computers,
        coalesce(sum(total) filter (where kind = 'projector'), 0)::int as projectors,
        coalesce(sum(total) filter (where kind = 'interactive_board'), 0)::int as boards
      from ${deviceCounts} where academic_year_id = ${yearId} and purpose in ('teaching', 'both') group by 1
    ),
    ln as (
      select institution_id, array_agg(distinct type) as types, bool_or(education_network) as education_network
      from ${internetLinks} where academic_year_id = ${yearId} and purpose = 'teaching' group by 1
    ),
    pp as (
      select p.institution_id, array_agg(distinct pr.code) as codes
      from ${participations} p join ${projects} pr on pr.id = p.project_id
      where p.academic_year_id = ${yearId} and p.verified group by 1
    )
    select i.id as "institutionId", i.code, i.name_az as "nameAz", i.name_ru as "nameRu", i.name_en as "nameEn",
      i.kind, i.area_id as "areaId",
      (select r.id from ${areas} r where r.id = any(a.path) and r.kind = 'economic_region'
        order by array_position(a.path, r.id) limit 1) as "regionId",
      i.locality,
      rec.institution_id is not null as reporting,
      rec.state as "recordState", rec.electricity, rec.classrooms, rec.has_computer_lab as "hasComputerLab",
      coalesce(st.students, i.student_count)::int as students,
      coalesce(st.largest_shift, ceil(i.student_count::numeric / greatest(i.shifts, 1)))::int as "largestShift",
      coalesce(st.later_shift,
        i.student_count - ceil(i.student_count::numeric / greatest(i.shifts, 1)))::int as "laterShiftStudents",
      coalesce(dc.computers, 0) as computers,
      coalesce(dc.projectors, 0) as projectors,
      coalesce(dc.boards, 0) as boards,
      coalesce(ln.types, '{}') as "linkTypes",
      coalesce(ln.education_network, false) as "educationNetwork",
      coalesce(pp.codes, '{}') as "verifiedProjects"
    from ${institutions} i
      join ${areas} a on a.id = i.area_id
      left join ${schoolYears} rec on rec.institution_id = i.id and rec.academic_year_id = ${yearId}
      left join st on st.institution_id = i.id
      left join dc on dc.institution_id = i.id
      left join ln on ln.institution_id = i.id
      left join pp on pp.institution_id = i.id
    where i.status = 'active' ${ids} ${kinds}
    order by i.id`,
  );
}
