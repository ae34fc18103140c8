import { and, eq, inArray, sql } from 'drizzle-orm';
import { intArray, letOthersIn, rows, textArray, type Db } from '@/server/db/database';
import { bulkInsertRows, bulkUpdateRows } from '@/server/db/bulk';
import { academicYears, areas, institutions, levels } from '@/modules/institutions/institutions.tables';
import {
  deviceCounts,
  deviceEvents,
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

/** What the schools data set's checks read, by the file's school codes and area codes and the year. */
export interface SchoolsScope {
  codes: string[];
  areaCodes: string[];
  yearId: number | null;
}

/**
 * Everything the checks of a schools file read, folded into one value: the schools it names and every
 * school in their areas and in the areas it names (for likely duplicates), those schools' records, teaching
 * links, student and device counts of the year, and the areas, levels and years. Read when the checks start
 * and again under the import lock: equal values mean the checks still hold, so the plan made outside the
 * write transaction may be written. With `lock`, the named schools and their year records are locked for
 * update first, so that no one-by-one save can slip in between this read and the writes (PostgreSQL).
 */
export async function schoolsSnapshot(db: Db, scope: SchoolsScope, lock = false): Promise<string> {
  const codes = textArray(scope.codes);
  const year = sql`${scope.yearId}::int`;
  if (lock) {
    await db.execute(sql`select id from ${institutions} where code = any(${codes}) order by id for update`);
    await db.execute(
      sql`select y.institution_id from ${schoolYears} y join ${institutions} i on i.id = y.institution_id
          where i.code = any(${codes}) and y.academic_year_id = ${year} order by y.institution_id for update of y`,
    );
  }
  const [row] = await rows<{ snapshot: string }>(
    db,
    sql`with mine as (select id, area_id from ${institutions} where code = any(${codes})),
         scope as (
           select i.* from ${institutions} i
           where i.code = any(${codes})
             or i.area_id in (select area_id from mine)
             or i.area_id in (select id from ${areas} where upper(code) = any(${textArray(scope.areaCodes)}))
         )
       select md5(concat_ws('#',
         (select string_agg(s::text, '|' order by s.id) from scope s),
         (select string_agg(y::text, '|' order by y.institution_id) from ${schoolYears} y
            where y.academic_year_id = ${year} and y.institution_id in (select id from mine)),
         (select string_agg(l::text, '|' order by l.id) from ${internetLinks} l
            where l.academic_year_id = ${year} and l.institution_id in (select id from mine)),
         (select string_agg(c::text, '|' order by c::text) from ${studentCounts} c
            where c.academic_year_id = ${year} and c.institution_id in (select id from mine)),
         (select string_agg(d::text, '|' order by d::text) from ${deviceCounts} d
            where d.academic_year_id = ${year} and d.institution_id in (select id from mine)),
         (select string_agg(a::text, '|' order by a.id) from ${areas} a),
         (select string_agg(v::text, '|' order by v.code) from ${levels} v),
         (select string_agg(t::text, '|' order by t.id) from ${academicYears} t)
       )) as snapshot`,
  );
  return row!.snapshot;
}

/** Rewrites the given institutions' fields, one statement for all of them. */
export async function updateInstitutions(
  db: Db,
  values: (Partial<NewInstitution> & { id: number })[],
): Promise<void> {
  await bulkUpdateRows(db, institutions, 'id', values);
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
/** Giga's ids of areas, replaced: those moving are cleared first, so two areas may swap ids in one file. */
export async function setAreaGigaIds(db: Db, values: { id: number; gigaId: string }[]): Promise<void> {
  if (values.length === 0) return;
  await db
    .update(areas)
    .set({ gigaId: null })
    .where(
      inArray(
        areas.id,
        values.map((v) => v.id),
      ),
    );
  for (const v of values) await db.update(areas).set({ gigaId: v.gigaId }).where(eq(areas.id, v.id));
}

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
  // One after another: on a transaction's single connection, queries cannot overlap; other requests may
  // come in between (on PGlite, only if let in).
  const records = await db
    .select()
    .from(schoolYears)
    .where(and(eq(schoolYears.academicYearId, yearId), sql`${schoolYears.institutionId} = any(${ids})`));
  await letOthersIn();
  const links = await rows<typeof internetLinks.$inferSelect>(
    db,
    sql`select distinct on (institution_id) id, institution_id as "institutionId", academic_year_id as "academicYearId",
            purpose, type, education_network as "educationNetwork", provider, download_mbps as "downloadMbps",
            upload_mbps as "uploadMbps"
          from ${internetLinks}
          where academic_year_id = ${yearId} and purpose = 'teaching' and institution_id = any(${ids})
          order by institution_id, id`,
  );
  await letOthersIn();
  const shifts = await rows<{ institutionId: number; shift: number; students: number }>(
    db,
    sql`select institution_id as "institutionId", shift::int as shift, sum(students)::int as students
          from ${studentCounts}
          where academic_year_id = ${yearId} and institution_id = any(${ids})
          group by institution_id, shift`,
  );
  await letOthersIn();
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
    'connectivity_any',
    'connectivity_any_type',
    'download_contracted_any',
    'computers_any',
    'download_speed_govt',
    'connectivity_collection_year',
    'computers_desired',
    'adm_personnel',
    'water',
    'latrines',
    'refugee_pupils',
    'refugee_students',
    'students_girls',
    'students_boys',
    'students_other',
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

/** What the devices data set's checks read, by the file's school codes and asset tags. */
export interface DevicesScope {
  codes: string[];
  tags: string[];
}

/**
 * Everything the checks of a devices file read, folded into one value: the schools it names (with their area
 * paths, for scope), the devices of its asset tags, and the academic years (the current one's counts follow the
 * items). Read when the checks start and again under the import lock, as `schoolsSnapshot` is. With `lock`,
 * the devices of the file's tags are locked for update first, then the current year's records of every school
 * whose counts the import rewrites (the schools named, and those the devices are at now): a single save of one
 * of those devices, or a director's save of such a record, waits for the import, or the import for it.
 */
export async function devicesSnapshot(db: Db, scope: DevicesScope, lock = false): Promise<string> {
  const codes = textArray(scope.codes);
  const tags = textArray(scope.tags);
  if (lock) {
    await db.execute(sql`select id from ${devices} where asset_tag = any(${tags}) order by id for update`);
    await db.execute(
      sql`select y.institution_id from ${schoolYears} y
          where y.academic_year_id in (select id from ${academicYears} where is_current)
            and (y.institution_id in (select id from ${institutions} where code = any(${codes}))
              or y.institution_id in (select institution_id from ${devices} where asset_tag = any(${tags})))
          order by y.institution_id for update`,
    );
  }
  const [row] = await rows<{ snapshot: string }>(
    db,
    sql`select md5(concat_ws('#',
         (select string_agg(i::text || a.path::text, '|' order by i.id)
            from ${institutions} i join ${areas} a on a.id = i.area_id where i.code = any(${codes})),
         (select string_agg(d::text, '|' order by d.id) from ${devices} d where d.asset_tag = any(${tags})),
         (select string_agg(t::text, '|' order by t.id) from ${academicYears} t)
       )) as snapshot`,
  );
  return row!.snapshot;
}

/** The codes of institutions by id. */
export async function institutionCodes(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const found = await db
    .select({ id: institutions.id, code: institutions.code })
    .from(institutions)
    .where(sql`${institutions.id} = any(${intArray(ids)})`);
  return new Map(found.map((r) => [r.id, r.code]));
}

export type NewDevice = typeof devices.$inferInsert;

/** Inserts devices, one statement for all of them; returns their ids by asset tag. */
export async function insertDevices(db: Db, values: NewDevice[]): Promise<Map<string, number>> {
  const inserted = await bulkInsertRows<{ id: number; asset_tag: string }>(db, devices, values, {
    returning: [devices.id, devices.assetTag],
  });
  return new Map(inserted.map((r) => [r.asset_tag, r.id]));
}

/** Rewrites devices by id, one statement for all of them (every row gives the same fields). */
export async function updateDevices(db: Db, values: (Partial<NewDevice> & { id: number })[]): Promise<void> {
  await bulkUpdateRows(db, devices, 'id', values);
}

/** Appends to the devices' history, one statement for all of them, in the order given. */
export async function insertDeviceEvents(
  db: Db,
  values: (typeof deviceEvents.$inferInsert)[],
): Promise<void> {
  await bulkInsertRows(db, deviceEvents, values);
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

/** Inserts measurements, one statement for all of them. */
export async function insertMeasurements(
  db: Db,
  values: (typeof measurements.$inferInsert)[],
): Promise<void> {
  await bulkInsertRows(db, measurements, values);
}

/** Rewrites the speeds of measurements by id, one statement for all of them. */
export async function updateMeasurements(
  db: Db,
  values: { id: number; downloadMbps: number; uploadMbps: number | null; latencyMs: number | null }[],
): Promise<void> {
  await bulkUpdateRows(db, measurements, 'id', values);
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
      areaGigaId: string | null;
      parentGigaId: string | null;
    }
  >(
    db,
    sql`select i.id, i.code, i.kind, i.name_az as "nameAz", i.name_ru as "nameRu", i.name_en as "nameEn",
          i.area_id as "areaId", i.ownership, i.locality, i.latitude, i.longitude, i.levels, i.shifts::int as shifts,
          i.status, i.student_count as "studentCount", i.teacher_count as "teacherCount",
          i.giga_id as "gigaId", i.code_type as "codeType", i.established_year::int as "establishedYear",
          i.address, i.refugee_camp as "refugeeCamp", i.data_source as "dataSource",
          i.data_collection_year::int as "dataCollectionYear",
          i.data_collection_modality as "dataCollectionModality",
          a.code as "areaCode", a.name_az as "areaNameAz", p.name_az as "parentNameAz",
          a.giga_id as "areaGigaId", p.giga_id as "parentGigaId"
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
