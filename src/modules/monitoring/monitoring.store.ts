import { sql, type SQL } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import { academicYears, areas, institutions, levels } from '@/modules/institutions/institutions.tables';
import {
  COMPUTER_KINDS,
  LINK_TYPES,
  TEACHING_DEVICE_PURPOSES,
  deviceCounts,
  deviceEvents,
  devices,
  internetLinks,
  measurements,
  participations,
  projects,
  schoolYears,
  studentCounts,
} from '@/modules/infrastructure/infrastructure.tables';

/**
 * The monitoring module's SQL. Indicators are computed live from the registry's per-year tables (and the
 * institutions they belong to): one statement builds a row per school for the year, then aggregates it for
 * the whole selection and for each group. Monitoring only reads; the registry module owns these tables.
 *
 * This is the one place to look when an indicator is slow or wrong; `docs/indicators.md` gives each formula.
 */

/** How indicators are broken down. `area`: by the areas directly under the selected one (regions under the country). */
export const DIMENSIONS = ['none', 'region', 'district', 'area', 'level', 'locality', 'ownership'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const INSTITUTION_KINDS = [
  'general_school',
  'vocational_college',
  'university',
  'kindergarten',
  'other',
] as const;
export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];

export const CONNECTIVITY_STATUSES = ['good', 'moderate', 'bad', 'unknown'] as const;
export type ConnectivityStatus = (typeof CONNECTIVITY_STATUSES)[number];

/** The fields of a school's yearly record that completeness counts (see docs/indicators.md). */
export const COMPLETENESS_FIELDS = 9;

/** The ISCED levels SDG 4.a.1 is reported by: primary, lower secondary, upper secondary. */
export const UIS_LEVELS = [1, 2, 3] as const;

/**
 * Electricity is "regularly and readily available" (SDG 4.a.1 a) when its hours a day cover the school day:
 * at least this many hours for each shift the school runs (at most 24). See docs/indicators.md.
 */
export const REGULAR_ELECTRICITY_HOURS_PER_SHIFT = 6;

/** Which schools, for which year, measured against which benchmark. */
export interface Selection {
  yearId: number;
  /** Only institutions in these areas' subtrees; null: the whole country. */
  areaIds: number[] | null;
  kind?: InstitutionKind;
  locality?: 'urban' | 'rural';
  benchmarkMbps: number;
  /** Below this measured download a school is `bad` whatever the benchmark. */
  badBelowMbps: number;
}

const textList = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/**
 * One row per active institution of the selection with everything its indicators need for the year: the
 * `school` CTE. Everything is keyed by (institution, year) and aggregated per school before the join, so
 * each part is read once.
 */
function schoolRows(s: Selection, groupParents: number[] | null, materialized = false): SQL {
  const computerKinds = textList(COMPUTER_KINDS);
  const teachingPurposes = textList(TEACHING_DEVICE_PURPOSES);
  const inAreas = s.areaIds ? sql`where a.path && ${intArray(s.areaIds)}` : sql``;
  const parents = groupParents
    ? intArray(groupParents)
    : sql`array(select id from ${areas} where parent_id is null)`;
  return sql`
    yr as (
      select id, ends_on,
        least((now() at time zone 'UTC')::date, ends_on) as ref_day,
        ((ends_on - interval '1 year' + interval '1 day')::timestamp at time zone 'UTC') as window_from,
        ((ends_on + interval '1 day')::timestamp at time zone 'UTC') as window_to
      from ${academicYears} where id = ${s.yearId}
    ),
    ar as materialized (
      select a.id, a.code,
        (select r.id from ${areas} r where r.id = any(a.path) and r.kind = 'economic_region'
          order by array_position(a.path, r.id) limit 1) as region_id,
        (select d.id from ${areas} d where d.id = any(a.path) and d.kind in ('district', 'city')
          order by array_position(a.path, d.id) limit 1) as district_id,
        (select a.path[k + 1] from generate_subscripts(a.path, 1) k
          where a.path[k] = any(${parents}) order by k desc limit 1) as child_id
      from ${areas} a ${inAreas}
    ),
    sc as (
      select i.id, i.kind, i.ownership, i.locality, i.levels, i.shifts, ar.region_id, ar.district_id, ar.child_id,
        -- The ISCED levels 1–3 the school teaches: those of its levels, as the country pack maps them.
        array(select distinct l.isced::int from ${levels} l
          where l.code = any(i.levels) and l.isced between 1 and 3 order by 1) as isced
      from ${institutions} i join ar on ar.id = i.area_id
      where i.status = 'active'
        ${s.kind ? sql`and i.kind = ${s.kind}` : sql``}
        ${s.locality ? sql`and i.locality = ${s.locality}` : sql``}
    ),
    rec as (
      select * from ${schoolYears} where academic_year_id = ${s.yearId}
    ),
    st as (
      select institution_id, sum(students)::int as students,
        greatest(
          coalesce(sum(students) filter (where shift = 1), 0),
          coalesce(sum(students) filter (where shift = 2), 0),
          coalesce(sum(students) filter (where shift = 3), 0))::int as largest_shift
      from ${studentCounts} where academic_year_id = ${s.yearId} group by 1
    ),
    dc as (
      select institution_id,
        coalesce(sum(total) filter (where purpose in (${teachingPurposes}) and kind in (${computerKinds})), 0)::int as computers,
        coalesce(sum(working) filter (where purpose in (${teachingPurposes}) and kind in (${computerKinds})), 0)::int as working_computers,
        sum(total)::int as devices, sum(working)::int as devices_working
      from ${deviceCounts} where academic_year_id = ${s.yearId} group by 1
    ),
    ln as (
      select institution_id,
        bool_or(purpose = 'teaching') as teaching_link,
        bool_or(education_network) as education_network,
        array_agg(distinct type) as types,
        max(download_mbps) filter (where purpose = 'teaching') as contracted,
        bool_and(download_mbps is not null) as speeds_known
      from ${internetLinks} where academic_year_id = ${s.yearId} group by 1
    ),
    pp as (
      select institution_id, array_agg(project_id) as projects
      from ${participations} where academic_year_id = ${s.yearId} group by 1
    ),
    ms as (
      select institution_id,
        percentile_cont(0.5) within group (order by download_mbps)::float8 as measured,
        to_char(max(week), 'YYYY-MM-DD') as measured_week
      from (
        select m.institution_id, m.download_mbps, w.week, max(w.week) over (partition by m.institution_id) as last_week
        from ${measurements} m cross join lateral (select date_trunc('week', m.measured_at at time zone 'UTC') as week) w, yr
        where m.measured_at >= yr.window_from and m.measured_at < yr.window_to
      ) x
      where week = last_week
      group by institution_id
    ),
    ev as (
      select distinct on (e.device_id) e.device_id, e.institution_id, e.kind
      from ${deviceEvents} e, yr where e.at < ((yr.ref_day + 1)::timestamp at time zone 'UTC')
      order by e.device_id, e.at desc, e.id desc
    ),
    items as (
      select ev.institution_id, d.end_of_life_on from ev join ${devices} d on d.id = ev.device_id
      where ev.kind <> 'disposed'
      union all
      select d.institution_id, d.end_of_life_on from ${devices} d, yr
      where d.status <> 'disposed' and (d.acquired_on is null or d.acquired_on <= yr.ref_day)
        and not exists (select 1 from ${deviceEvents} e where e.device_id = d.id)
    ),
    eol as (
      select institution_id, count(*)::int as items,
        count(*) filter (where end_of_life_on < (select ref_day from yr))::int as items_past
      from items group by 1
    ),
    school as ${materialized ? sql`materialized` : sql`not materialized`} (
      select sc.*,
        rec.institution_id is not null as reporting,
        rec.electricity, rec.teachers, rec.teachers_ict_trained, rec.state, rec.updated_at,
        coalesce(rec.electricity and rec.electricity_hours
          >= least(24, ${REGULAR_ELECTRICITY_HOURS_PER_SHIFT} * sc.shifts), false) as electricity_regular,
        coalesce(ln.teaching_link and rec.pupils_internet, false) as internet_pedagogical,
        floor(extract(epoch from now() - rec.updated_at) / 86400)::int as age_days,
        st.students, st.largest_shift,
        coalesce(dc.computers, 0) as computers,
        coalesce(dc.working_computers, 0) as working_computers,
        coalesce(dc.devices, 0) as devices,
        coalesce(dc.devices_working, 0) as devices_working,
        ln.institution_id is not null as connected,
        coalesce(ln.teaching_link, false) as teaching_link,
        coalesce(ln.education_network, false) as education_network,
        coalesce(ln.types, '{}') as types,
        ln.contracted::float8 as contracted,
        coalesce(pp.projects, '{}') as projects,
        ms.measured, ms.measured_week,
        case when ms.measured is null then 'unknown'
          when ms.measured >= ${s.benchmarkMbps} then 'good'
          when ms.measured < ${s.badBelowMbps} then 'bad'
          else 'moderate' end as status,
        coalesce(eol.items, 0) as items,
        coalesce(eol.items_past, 0) as items_past,
        case when rec.institution_id is null then 0 else
          (rec.teachers is not null)::int + (rec.teachers_ict_trained is not null)::int
          + (rec.classrooms is not null)::int + (rec.has_computer_lab is not null)::int
          + (rec.electricity is not null)::int
          + coalesce(rec.electricity = false
              or (rec.electricity and rec.electricity_source is not null and rec.electricity_hours is not null), false)::int
          + (st.institution_id is not null)::int + (dc.institution_id is not null)::int
          + (ln.institution_id is null or ln.speeds_known)::int
        end as filled
      from sc
        left join rec on rec.institution_id = sc.id
        left join st on st.institution_id = sc.id
        left join dc on dc.institution_id = sc.id
        left join ln on ln.institution_id = sc.id
        left join pp on pp.institution_id = sc.id
        left join ms on ms.institution_id = sc.id
        left join eol on eol.institution_id = sc.id
    )`;
}

/**
 * Runs a reporting statement with JIT compilation off. Its cost estimate grows with the registry's history,
 * and past PostgreSQL's jit_above_cost the server compiles it on every request: measured at 108 ms of JIT
 * for a 75 ms query. The statement is planned afresh each time, so compiling never pays off.
 */
async function reporting<T>(db: Db, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    return rows<T>(tx, query);
  });
}

/** The sums an indicator group carries; shares and ratios are made from them (see the service). */
export interface Aggregate {
  /** The group's key (an area id, a level code, urban/rural, …); null for the whole selection. */
  grp: string | null;
  schools: number;
  reporting: number;
  /**
   * SDG 4.a.1, each as [any of ISCED 1–3, ISCED 1, ISCED 2, ISCED 3]: the schools at the level (the
   * denominator, record or not), those of them with no record for the year, and those with (a) regular
   * electricity, (b) internet for pedagogical purposes, (c) working computers for pedagogical purposes.
   */
  uisSchools: number[];
  uisNoRecord: number[];
  uisElectricity: number[];
  uisInternet: number[];
  uisComputers: number[];
  learners: number;
  computers: number;
  largestShift: number;
  workingComputers: number;
  connectedLearners: number;
  connectedComputers: number;
  connected: number;
  /** Schools with a link of each type, in the order of LINK_TYPES. */
  linkTypes: number[];
  educationNetwork: number;
  measured: number;
  good: number;
  moderate: number;
  bad: number;
  contractedMeeting: number;
  contractedCount: number;
  contractedMedian: number | null;
  measuredMedian: number | null;
  measuredSum: number;
  contractedSum: number;
  devicesWorking: number;
  devices: number;
  itemsPast: number;
  items: number;
  trained: number;
  trainedOf: number;
  /** Schools taking part in each project, in the order of the project ids asked for. */
  projects: number[];
  filled: number;
  verified: number;
  ageDays: number;
}

function aggregates(s: Selection, projectIds: readonly number[]): SQL {
  const typeCounts = sql.join(
    LINK_TYPES.map((t) => sql`count(*) filter (where reporting and ${t} = any(types))`),
    sql`, `,
  );
  const projectCounts = projectIds.length
    ? sql.join(
        projectIds.map((id) => sql`count(*) filter (where reporting and ${id}::int = any(projects))`),
        sql`, `,
      )
    : sql``;
  const b = s.benchmarkMbps;
  // The learner–computer ratios count, as ED4bis does, schools at ISCED 1–3 only.
  const withLearners = sql`reporting and students is not null and cardinality(isced) > 0`;
  const bothSpeeds = sql`reporting and contracted > 0 and measured is not null`;
  const teachersKnown = sql`reporting and teachers is not null and teachers_ict_trained is not null`;
  // Per ISCED level: the whole of ISCED 1–3 first, then each level (see Aggregate).
  const atLevels = [sql`cardinality(isced) > 0`, ...UIS_LEVELS.map((h) => sql`${h}::int = any(isced)`)];
  const uis = (condition: SQL) =>
    sql`array[${sql.join(
      atLevels.map((level) => sql`count(*) filter (where ${level} and ${condition})`),
      sql`, `,
    )}]::int[]`;
  return sql`
    count(*)::int as "schools",
    count(*) filter (where reporting)::int as "reporting",
    ${uis(sql`true`)} as "uisSchools",
    ${uis(sql`not reporting`)} as "uisNoRecord",
    ${uis(sql`electricity_regular`)} as "uisElectricity",
    ${uis(sql`internet_pedagogical`)} as "uisInternet",
    ${uis(sql`reporting and working_computers > 0`)} as "uisComputers",
    coalesce(sum(students) filter (where ${withLearners}), 0)::int as "learners",
    coalesce(sum(computers) filter (where ${withLearners}), 0)::int as "computers",
    coalesce(sum(largest_shift) filter (where ${withLearners}), 0)::int as "largestShift",
    coalesce(sum(working_computers) filter (where ${withLearners}), 0)::int as "workingComputers",
    coalesce(sum(students) filter (where ${withLearners} and teaching_link), 0)::int as "connectedLearners",
    coalesce(sum(computers) filter (where ${withLearners} and teaching_link), 0)::int as "connectedComputers",
    count(*) filter (where reporting and connected)::int as "connected",
    array[${typeCounts}]::int[] as "linkTypes",
    count(*) filter (where reporting and education_network)::int as "educationNetwork",
    count(*) filter (where measured is not null)::int as "measured",
    count(*) filter (where status = 'good')::int as "good",
    count(*) filter (where status = 'moderate')::int as "moderate",
    count(*) filter (where status = 'bad')::int as "bad",
    count(*) filter (where reporting and contracted >= ${b})::int as "contractedMeeting",
    count(*) filter (where reporting and contracted is not null)::int as "contractedCount",
    (percentile_cont(0.5) within group (order by contracted) filter (where reporting))::float8 as "contractedMedian",
    (percentile_cont(0.5) within group (order by measured))::float8 as "measuredMedian",
    coalesce(sum(measured) filter (where ${bothSpeeds}), 0)::float8 as "measuredSum",
    coalesce(sum(contracted) filter (where ${bothSpeeds}), 0)::float8 as "contractedSum",
    coalesce(sum(devices_working) filter (where reporting), 0)::int as "devicesWorking",
    coalesce(sum(devices) filter (where reporting), 0)::int as "devices",
    coalesce(sum(items_past), 0)::int as "itemsPast",
    coalesce(sum(items), 0)::int as "items",
    coalesce(sum(teachers_ict_trained) filter (where ${teachersKnown}), 0)::int as "trained",
    coalesce(sum(teachers) filter (where ${teachersKnown}), 0)::int as "trainedOf",
    array[${projectCounts}]::int[] as "projects",
    coalesce(sum(filled), 0)::int as "filled",
    count(*) filter (where reporting and state = 'verified')::int as "verified",
    coalesce(sum(age_days) filter (where reporting), 0)::int as "ageDays"`;
}

/** What each dimension (other than none and level) groups by, on the per-school rows. */
function groupKey(by: Exclude<Dimension, 'none' | 'level'>): SQL {
  switch (by) {
    case 'region':
      return sql`region_id::text`;
    case 'district':
      return sql`district_id::text`;
    case 'area':
      return sql`child_id::text`;
    case 'locality':
      return sql`locality::text`;
    case 'ownership':
      return sql`ownership::text`;
  }
}

/**
 * The indicator sums for the whole selection (the row whose `grp` is null) and, unless `by` is none, for each
 * group. By level a school counts in every level it teaches, so the groups overlap.
 */
export async function indicatorAggregates(
  db: Db,
  s: Selection,
  by: Dimension,
  projectIds: readonly number[],
  groupParents: number[] | null,
): Promise<Aggregate[]> {
  const aggs = aggregates(s, projectIds);
  if (by === 'none') {
    return reporting<Aggregate>(
      db,
      sql`with ${schoolRows(s, groupParents)} select null::text as grp, ${aggs} from school`,
    );
  }
  if (by === 'level') {
    // A school counts in each of its levels: the total cannot be a grouping set of those rows.
    return reporting<Aggregate>(
      db,
      sql`with ${schoolRows(s, groupParents, true)}
        select null::text as grp, ${aggs} from school
        union all
        select lv.level as grp, ${aggs} from school cross join lateral unnest(levels) as lv(level) group by 1`,
    );
  }
  // One pass over the schools gives the groups and the total (the grouping set whose key is not grouped).
  const result = await reporting<Aggregate & { total: boolean }>(
    db,
    sql`with ${schoolRows(s, groupParents)}
      select ${groupKey(by)} as grp, grouping(${groupKey(by)}) = 1 as total, ${aggs}
      from school group by grouping sets ((${groupKey(by)}), ())`,
  );
  return [...result.filter((r) => r.total), ...result.filter((r) => !r.total)].map(
    ({ total: _, ...aggregate }) => aggregate,
  );
}

/** A school as the map, the drill-down table and open data show it. */
export interface SchoolRow {
  institutionId: number;
  code: string;
  nameAz: string;
  nameRu: string;
  nameEn: string;
  kind: InstitutionKind;
  ownership: 'public' | 'private';
  locality: 'urban' | 'rural';
  latitude: number | null;
  longitude: number | null;
  areaId: number;
  areaCode: string;
  districtCode: string | null;
  regionCode: string | null;
  reporting: boolean;
  state: 'draft' | 'submitted' | 'verified' | null;
  electricity: boolean | null;
  internet: boolean | null;
  connected: boolean | null;
  computers: number | null;
  status: ConnectivityStatus;
  measuredMbps: number | null;
  measuredWeek: string | null;
  contractedMbps: number | null;
  filled: number;
  ageDays: number | null;
  updatedAt: string | null;
}

/** How a page of schools is ordered: by code, name, status (worst first) or completeness; `-` reverses. */
export const SCHOOL_SORTS = [
  'code',
  '-code',
  'name',
  '-name',
  'status',
  '-status',
  'completeness',
  '-completeness',
] as const;
export type SchoolSort = (typeof SCHOOL_SORTS)[number];

/** What narrows a list of schools beyond the selection: status, one school, a search on code and names. */
export interface SchoolFilter {
  status?: ConnectivityStatus;
  institutionId?: number;
  /** Part of the code or of a name (in any language); case is ignored for Latin letters. */
  q?: string;
}

function schoolWhere(f: SchoolFilter): SQL {
  const parts: SQL[] = [];
  if (f.status) parts.push(sql`school.status = ${f.status}`);
  if (f.institutionId !== undefined) parts.push(sql`school.id = ${f.institutionId}`);
  if (f.q) {
    const q = f.q.toLowerCase();
    parts.push(
      sql`(strpos(lower(i.code), ${q}) > 0 or strpos(lower(i.name_az), ${q}) > 0
        or strpos(lower(i.name_ru), ${q}) > 0 or strpos(lower(i.name_en), ${q}) > 0)`,
    );
  }
  return parts.length ? sql`where ${sql.join(parts, sql` and `)}` : sql``;
}

function schoolOrder(sort: SchoolSort, nameColumn: 'name_az' | 'name_ru' | 'name_en'): SQL {
  const desc = sort.startsWith('-');
  const dir = desc ? sql`desc` : sql`asc`;
  switch (sort.replace('-', '') as 'code' | 'name' | 'status' | 'completeness') {
    case 'code':
      return sql`i.code ${dir}`;
    case 'name':
      return sql`${sql.identifier('i')}.${sql.identifier(nameColumn)} ${dir}, i.code`;
    case 'status':
      return sql`case school.status when 'bad' then 0 when 'moderate' then 1 when 'good' then 2 else 3 end ${dir}, i.code`;
    case 'completeness':
      return sql`school.filled ${dir}, i.code`;
  }
}

/** The schools of a selection with their status, ordered as asked (by code when not), a page at a time. */
export async function schoolPage(
  db: Db,
  s: Selection,
  f: SchoolFilter & {
    limit: number | null;
    offset: number;
    sort?: SchoolSort;
    nameColumn?: 'name_az' | 'name_ru' | 'name_en';
  },
): Promise<{ total: number; items: SchoolRow[] }> {
  const where = schoolWhere(f);
  const [count] = await reporting<{ n: number }>(
    db,
    sql`with ${schoolRows(s, null)} select count(*)::int as n
      from school join ${institutions} i on i.id = school.id ${where}`,
  );
  const items = await reporting<SchoolRow>(
    db,
    sql`with ${schoolRows(s, null)}
      select i.id as "institutionId", i.code, i.name_az as "nameAz", i.name_ru as "nameRu", i.name_en as "nameEn",
        i.kind, i.ownership, i.locality, i.latitude, i.longitude, i.area_id as "areaId", a.code as "areaCode",
        d.code as "districtCode", r.code as "regionCode",
        school.reporting, school.state,
        case when school.reporting then school.electricity end as electricity,
        case when school.reporting then school.teaching_link end as internet,
        case when school.reporting then school.connected end as connected,
        case when school.reporting then school.computers end as computers,
        school.status, school.measured as "measuredMbps", school.measured_week as "measuredWeek",
        case when school.reporting then school.contracted end as "contractedMbps",
        school.filled, school.age_days as "ageDays",
        to_char(school.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "updatedAt"
      from school join ${institutions} i on i.id = school.id
        join ${areas} a on a.id = i.area_id
        left join ${areas} d on d.id = school.district_id
        left join ${areas} r on r.id = school.region_id
      ${where}
      order by ${schoolOrder(f.sort ?? 'code', f.nameColumn ?? 'name_az')}
      ${f.limit === null ? sql`` : sql`limit ${f.limit}`} offset ${f.offset}`,
  );
  return { total: count?.n ?? 0, items };
}

/** A school as a dot on the map: where it is (null when not placed) and its status. */
export interface SchoolPoint {
  id: number;
  latitude: number | null;
  longitude: number | null;
  status: ConnectivityStatus;
}

/**
 * Every school of a selection with only what the map draws, ordered by id. Coordinates are rounded to four
 * decimals (about 10 m), far finer than a dot on any screen.
 */
export async function schoolPoints(
  db: Db,
  s: Selection,
  f: { status?: ConnectivityStatus },
): Promise<SchoolPoint[]> {
  return reporting<SchoolPoint>(
    db,
    sql`with ${schoolRows(s, null)}
      select school.id, round(i.latitude::numeric, 4)::float8 as latitude,
        round(i.longitude::numeric, 4)::float8 as longitude, school.status
      from school join ${institutions} i on i.id = school.id
      ${schoolWhere({ status: f.status })}
      order by school.id`,
  );
}

// Labels and lookups

export interface AreaLabel {
  id: number;
  code: string;
  kind: string;
  parentId: number | null;
  nameAz: string;
  nameRu: string;
  nameEn: string;
  path: number[];
}

export async function areaLabels(db: Db): Promise<AreaLabel[]> {
  return rows<AreaLabel>(
    db,
    sql`select id, code, kind, parent_id as "parentId", name_az as "nameAz", name_ru as "nameRu",
          name_en as "nameEn", path from ${areas} order by id`,
  );
}

export async function findAreaByCode(db: Db, code: string): Promise<AreaLabel | undefined> {
  const [row] = await rows<AreaLabel>(
    db,
    sql`select id, code, kind, parent_id as "parentId", name_az as "nameAz", name_ru as "nameRu",
          name_en as "nameEn", path from ${areas} where code = ${code}`,
  );
  return row;
}

export async function levelLabels(db: Db) {
  return rows<{ code: string; position: number; nameAz: string; nameRu: string; nameEn: string }>(
    db,
    sql`select code, position, name_az as "nameAz", name_ru as "nameRu", name_en as "nameEn"
        from ${levels} order by position`,
  );
}

export async function projectLabels(db: Db) {
  return rows<{ id: number; code: string; nameAz: string; nameRu: string; nameEn: string }>(
    db,
    sql`select id, code, name_az as "nameAz", name_ru as "nameRu", name_en as "nameEn"
        from ${projects} order by id`,
  );
}

export interface YearRow {
  id: number;
  code: string;
  startsOn: string;
  endsOn: string;
  isCurrent: boolean;
}

/** The academic years, oldest first. */
export async function listYears(db: Db): Promise<YearRow[]> {
  return rows<YearRow>(
    db,
    sql`select id, code, starts_on::text as "startsOn", ends_on::text as "endsOn", is_current as "isCurrent"
        from ${academicYears} order by starts_on`,
  );
}
