import { and, eq, inArray, sql } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import { bulkInsertRows } from '@/server/db/bulk';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import {
  deviceCounts,
  devices,
  internetLinks,
  measurements,
  schoolYears,
  studentCounts,
} from '@/modules/infrastructure/infrastructure.tables';

/**
 * The SQL of the registry's bulk import and export: reads of many schools at once, and bulk writes. Writing
 * institutions here (rather than one by one through the institutions service) is what keeps a national file
 * of 4,500 schools within seconds; the import checks the same rules the institutions service does (a known
 * area, a code not taken) before it writes.
 */

const textArray = (values: readonly string[]) =>
  sql`${`{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`}::text[]`;

/** Serialises imports: two at once could both create the same code. Held until the transaction ends. */
export async function lockImports(db: Db): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext('maktab.registry-import'))`);
}

export type InstitutionRow = typeof institutions.$inferSelect & { areaPath: number[] };

/** Institutions by national code, with the area path of each (for scope checks). */
export async function institutionsByCode(db: Db, codes: string[]): Promise<InstitutionRow[]> {
  if (codes.length === 0) return [];
  const found = await db
    .select({ i: institutions, areaPath: areas.path })
    .from(institutions)
    .innerJoin(areas, eq(areas.id, institutions.areaId))
    .where(sql`${institutions.code} = any(${textArray(codes)})`);
  return found.map((r) => ({ ...r.i, areaPath: r.areaPath }));
}

/** Id, code, name, area and levels of every institution in the given areas, for likely-duplicate checks. */
export async function institutionNamesInAreas(db: Db, areaIds: number[]) {
  if (areaIds.length === 0) return [];
  return db
    .select({
      id: institutions.id,
      code: institutions.code,
      nameAz: institutions.nameAz,
      areaId: institutions.areaId,
      levels: institutions.levels,
    })
    .from(institutions)
    .where(sql`${institutions.areaId} = any(${intArray(areaIds)})`);
}

export type NewInstitution = typeof institutions.$inferInsert;

/** Inserts institutions; returns their ids by code. */
export async function insertInstitutions(db: Db, values: NewInstitution[]): Promise<Map<string, number>> {
  const inserted = await bulkInsertRows<{ id: number; code: string }>(db, institutions, values, {
    returning: [institutions.id, institutions.code],
  });
  return new Map(inserted.map((r) => [r.code, r.id]));
}

/** What the schools data set shows of a school's year: its record, first teaching link and the summaries. */
export interface YearBasics {
  record: typeof schoolYears.$inferSelect | undefined;
  link: typeof internetLinks.$inferSelect | undefined;
  /** Students by shift (1..3) from the breakdown by level, sex and shift; empty when none is saved. */
  studentsByShift: Map<number, number>;
  /** Teaching computers (desktops, laptops, tablets for teaching) in the year's device counts; null when none. */
  teachingComputers: number | null;
}

/** The year basics of many schools in one read per table. */
export async function yearBasics(
  db: Db,
  institutionIds: number[],
  yearId: number,
): Promise<Map<number, YearBasics>> {
  const out = new Map<number, YearBasics>();
  if (institutionIds.length === 0) return out;
  const ids = intArray(institutionIds);
  // One after another: on a transaction's single connection, queries cannot overlap.
  const records = await db
    .select()
    .from(schoolYears)
    .where(and(eq(schoolYears.academicYearId, yearId), sql`${schoolYears.institutionId} = any(${ids})`));
  const links = await rows<typeof internetLinks.$inferSelect>(
    db,
    sql`select distinct on (institution_id) id, institution_id as "institutionId", academic_year_id as "academicYearId",
            purpose, type, education_network as "educationNetwork", provider, download_mbps as "downloadMbps",
            upload_mbps as "uploadMbps"
          from ${internetLinks}
          where academic_year_id = ${yearId} and purpose = 'teaching' and institution_id = any(${ids})
          order by institution_id, id`,
  );
  const shifts = await rows<{ institutionId: number; shift: number; students: number }>(
    db,
    sql`select institution_id as "institutionId", shift::int as shift, sum(students)::int as students
          from ${studentCounts}
          where academic_year_id = ${yearId} and institution_id = any(${ids})
          group by institution_id, shift`,
  );
  const computers = await rows<{ institutionId: number; computers: number }>(
    db,
    sql`select institution_id as "institutionId",
            (coalesce(sum(total) filter (where purpose in ('teaching', 'both') and kind in ('desktop', 'laptop', 'tablet')), 0))::int as computers
          from ${deviceCounts}
          where academic_year_id = ${yearId} and institution_id = any(${ids})
          group by institution_id`,
  );
  const entry = (id: number): YearBasics => {
    let e = out.get(id);
    if (!e) {
      e = { record: undefined, link: undefined, studentsByShift: new Map(), teachingComputers: null };
      out.set(id, e);
    }
    return e;
  };
  for (const r of records) entry(r.institutionId).record = r;
  for (const l of links) entry(l.institutionId).link = l;
  for (const s of shifts) entry(s.institutionId).studentsByShift.set(s.shift, s.students);
  for (const c of computers) entry(c.institutionId).teachingComputers = c.computers;
  return out;
}

/** Inserts school-year records, or replaces those of the same school and year. */
export async function upsertSchoolYears(db: Db, values: (typeof schoolYears.$inferInsert)[]): Promise<void> {
  const replaced = [
    'teachers',
    'teachers_ict_trained',
    'classrooms',
    'has_computer_lab',
    'electricity',
    'electricity_source',
    'electricity_hours',
    'pupils_internet',
    'state',
    'verified_by',
    'verified_at',
    'review_note',
    'updated_by',
    'updated_at',
  ];
  await bulkInsertRows(db, schoolYears, values, {
    onConflict: sql.raw(
      ` on conflict (institution_id, academic_year_id) do update set ${replaced.map((c) => `${c} = excluded.${c}`).join(', ')}, version = infrastructure_school_year.version + 1`,
    ),
  });
}

/** Deletes internet links by id. */
export async function deleteLinks(db: Db, ids: number[]): Promise<void> {
  if (ids.length) await db.delete(internetLinks).where(sql`${internetLinks.id} = any(${intArray(ids)})`);
}

/** Deletes every teaching link of the given schools in a year (schools that say they have none). */
export async function deleteTeachingLinks(db: Db, institutionIds: number[], yearId: number): Promise<void> {
  if (institutionIds.length === 0) return;
  await db
    .delete(internetLinks)
    .where(
      and(
        eq(internetLinks.academicYearId, yearId),
        eq(internetLinks.purpose, 'teaching'),
        sql`${internetLinks.institutionId} = any(${intArray(institutionIds)})`,
      ),
    );
}

export async function insertLinks(db: Db, values: (typeof internetLinks.$inferInsert)[]): Promise<void> {
  await bulkInsertRows(db, internetLinks, values);
}

/** Devices by asset tag. */
export async function devicesByTag(db: Db, tags: string[]) {
  if (tags.length === 0) return [];
  return db
    .select()
    .from(devices)
    .where(sql`${devices.assetTag} = any(${textArray(tags)})`);
}

/** Measurements at the given (school, instant) pairs. */
export async function measurementsAt(db: Db, keys: { institutionId: number; measuredAt: Date }[]) {
  if (keys.length === 0) return [];
  return rows<{
    id: number;
    institutionId: number;
    measuredAt: string;
    downloadMbps: number;
    uploadMbps: number | null;
    latencyMs: number | null;
  }>(
    db,
    sql`select m.id::int as id, m.institution_id as "institutionId",
          to_char(m.measured_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "measuredAt",
          m.download_mbps as "downloadMbps", m.upload_mbps as "uploadMbps", m.latency_ms as "latencyMs"
        from ${measurements} m
        join unnest(${intArray(keys.map((k) => k.institutionId))}, ${textArray(keys.map((k) => k.measuredAt.toISOString()))}::timestamptz[]) as k(i, t)
          on m.institution_id = k.i and m.measured_at = k.t`,
  );
}

export async function updateMeasurement(
  db: Db,
  id: number,
  values: { downloadMbps: number; uploadMbps: number | null; latencyMs: number | null },
): Promise<void> {
  await db.update(measurements).set(values).where(eq(measurements.id, id));
}

// Export

/** Which institutions an export covers: all, those in areas (subtrees), or these ones. */
export interface ExportFilter {
  areaIds: number[] | null;
  institutionIds: number[] | null;
}

const institutionWhere = (f: ExportFilter, column = sql`i.id`, areaColumn = sql`i.area_id`) => sql`true
  ${f.areaIds ? sql`and ${areaColumn} in (select id from ${areas} where path && ${intArray(f.areaIds)})` : sql``}
  ${f.institutionIds ? sql`and ${column} = any(${intArray(f.institutionIds)})` : sql``}`;

/** Institutions with their area and its parent's name, by code. */
export async function exportInstitutions(db: Db, f: ExportFilter) {
  return rows<
    typeof institutions.$inferSelect & {
      areaCode: string;
      areaNameAz: string;
      parentNameAz: string | null;
    }
  >(
    db,
    sql`select i.id, i.code, i.kind, i.name_az as "nameAz", i.name_ru as "nameRu", i.name_en as "nameEn",
          i.area_id as "areaId", i.ownership, i.locality, i.latitude, i.longitude, i.levels, i.shifts::int as shifts,
          i.status, i.student_count as "studentCount", i.teacher_count as "teacherCount",
          a.code as "areaCode", a.name_az as "areaNameAz", p.name_az as "parentNameAz"
        from ${institutions} i join ${areas} a on a.id = i.area_id left join ${areas} p on p.id = a.parent_id
        where ${institutionWhere(f)}
        order by i.code`,
  );
}

export async function exportDevices(db: Db, f: ExportFilter) {
  return rows<typeof devices.$inferSelect & { code: string }>(
    db,
    sql`select d.id, d.asset_tag as "assetTag", d.serial, d.kind, d.model, d.status, d.condition, d.purpose,
          d.funding_programme as "fundingProgramme", d.acquired_on::text as "acquiredOn",
          d.end_of_life_on::text as "endOfLifeOn", d.last_audit_on::text as "lastAuditOn",
          d.next_audit_on::text as "nextAuditOn", i.code
        from ${devices} d join ${institutions} i on i.id = d.institution_id
        where ${institutionWhere(f)}
        order by i.code, d.asset_tag`,
  );
}

export async function exportMeasurements(
  db: Db,
  f: ExportFilter,
  period: { from: string; until: string } | null,
) {
  return rows<{
    code: string;
    measuredAt: string;
    downloadMbps: number;
    uploadMbps: number | null;
    latencyMs: number | null;
    source: string;
  }>(
    db,
    sql`select i.code, to_char(m.measured_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "measuredAt",
          m.download_mbps as "downloadMbps", m.upload_mbps as "uploadMbps",
          m.latency_ms as "latencyMs", m.source
        from ${measurements} m join ${institutions} i on i.id = m.institution_id
        where ${institutionWhere(f)}
          ${period ? sql`and m.measured_at >= ${period.from}::date and m.measured_at < ${period.until}::date + 1` : sql``}
        order by i.code, m.measured_at`,
  );
}

/** Ids of the institutions with the given ids that exist (for a director's own school). */
export async function existingInstitutionIds(db: Db, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const found = await db
    .select({ id: institutions.id })
    .from(institutions)
    .where(inArray(institutions.id, ids));
  return found.map((r) => r.id);
}
