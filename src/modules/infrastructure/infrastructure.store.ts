import { and, asc, desc, eq, inArray, ne, sql, type Column } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import { academicYears, areas, institutions } from '@/modules/institutions/institutions.tables';
import {
  deviceCounts,
  deviceEvents,
  devices,
  internetLinks,
  measurements,
  participations,
  projects,
  schoolYears,
  settings,
  studentCounts,
} from '@/modules/infrastructure/infrastructure.tables';

/** The registry's SQL. */

export type SchoolYearRow = typeof schoolYears.$inferSelect;
export type DeviceRow = typeof devices.$inferSelect;
export type DeviceEventRow = typeof deviceEvents.$inferSelect;
export type ProjectRow = typeof projects.$inferSelect;

/** The rows of one school's year, in any of the year-keyed tables. */
const yearOf = (
  t: { institutionId: Column; academicYearId: Column },
  institutionId: number,
  yearId: number,
) => and(eq(t.institutionId, institutionId), eq(t.academicYearId, yearId));

export async function findSchoolYear(db: Db, institutionId: number, yearId: number) {
  const [row] = await db
    .select()
    .from(schoolYears)
    .where(yearOf(schoolYears, institutionId, yearId));
  return row;
}

/**
 * The record's row, locked until the transaction ends: a submission or a review then acts on the record as it
 * is, not on one a concurrent save has since replaced.
 */
export async function lockSchoolYear(db: Db, institutionId: number, yearId: number) {
  const [row] = await db
    .select()
    .from(schoolYears)
    .where(yearOf(schoolYears, institutionId, yearId))
    .for('update');
  return row;
}

/** The most recent year before `yearId` (by start date) for which the school saved a record. */
export async function previousSavedYear(
  db: Db,
  institutionId: number,
  yearId: number,
): Promise<number | null> {
  const [row] = await rows<{ id: number }>(
    db,
    sql`select y.id from ${schoolYears} s join ${academicYears} y on y.id = s.academic_year_id
        where s.institution_id = ${institutionId}
          and y.starts_on < (select starts_on from ${academicYears} where id = ${yearId})
        order by y.starts_on desc limit 1`,
  );
  return row?.id ?? null;
}

/** The parts of a school year's record, in one read each. */
export async function schoolYearParts(db: Db, institutionId: number, yearId: number) {
  // One after another: called inside transactions, whose single connection cannot run queries at once.
  const students = await db
    .select()
    .from(studentCounts)
    .where(yearOf(studentCounts, institutionId, yearId))
    .orderBy(asc(studentCounts.level), asc(studentCounts.shift), asc(studentCounts.sex));
  const links = await db
    .select()
    .from(internetLinks)
    .where(yearOf(internetLinks, institutionId, yearId))
    .orderBy(asc(internetLinks.id));
  const counts = await yearDeviceCounts(db, institutionId, yearId);
  const projectsTaken = await db
    .select()
    .from(participations)
    .where(yearOf(participations, institutionId, yearId))
    .orderBy(asc(participations.projectId));
  return { students, links, deviceCounts: counts, participations: projectsTaken };
}

/** A school year's device counts, by kind and purpose. */
export async function yearDeviceCounts(db: Db, institutionId: number, yearId: number) {
  return db
    .select()
    .from(deviceCounts)
    .where(yearOf(deviceCounts, institutionId, yearId))
    .orderBy(asc(deviceCounts.kind), asc(deviceCounts.purpose));
}

/**
 * Writes a school's record for a year if it is still at `version` (0: not saved yet), bumping it; undefined
 * when someone else saved or reviewed it meanwhile. Two saves of the same version meet on the row (its lock,
 * or its primary key for a first save): the one that waited matches nothing.
 */
export async function saveSchoolYearAt(
  db: Db,
  version: number,
  values: Omit<typeof schoolYears.$inferInsert, 'version'>,
): Promise<SchoolYearRow | undefined> {
  const { institutionId, academicYearId, ...rest } = values;
  const [row] =
    version === 0
      ? await db.insert(schoolYears).values(values).onConflictDoNothing().returning()
      : await db
          .update(schoolYears)
          .set({ ...rest, version: sql`${schoolYears.version} + 1` })
          .where(and(yearOf(schoolYears, institutionId, academicYearId), eq(schoolYears.version, version)))
          .returning();
  return row;
}

/** Replaces the rows of a school year in the year-keyed part tables. */
export async function replaceParts(
  db: Db,
  institutionId: number,
  yearId: number,
  parts: {
    students: Omit<typeof studentCounts.$inferInsert, 'institutionId' | 'academicYearId'>[];
    links: Omit<typeof internetLinks.$inferInsert, 'institutionId' | 'academicYearId'>[];
    /** Undefined leaves the device counts alone (a school with an item inventory). */
    deviceCounts?: Omit<typeof deviceCounts.$inferInsert, 'institutionId' | 'academicYearId'>[];
    participations: Omit<typeof participations.$inferInsert, 'institutionId' | 'academicYearId'>[];
  },
): Promise<void> {
  const key = { institutionId, academicYearId: yearId };
  await db.delete(studentCounts).where(yearOf(studentCounts, institutionId, yearId));
  if (parts.students.length)
    await db.insert(studentCounts).values(parts.students.map((s) => ({ ...s, ...key })));
  await db.delete(internetLinks).where(yearOf(internetLinks, institutionId, yearId));
  if (parts.links.length) await db.insert(internetLinks).values(parts.links.map((l) => ({ ...l, ...key })));
  if (parts.deviceCounts) {
    await db.delete(deviceCounts).where(yearOf(deviceCounts, institutionId, yearId));
    if (parts.deviceCounts.length) {
      await db.insert(deviceCounts).values(parts.deviceCounts.map((d) => ({ ...d, ...key })));
    }
  }
  // Participations keep their verification when the school saves them again unchanged.
  const kept = parts.participations.map((p) => p.projectId);
  await db
    .delete(participations)
    .where(
      and(
        yearOf(participations, institutionId, yearId),
        kept.length ? sql`${participations.projectId} <> all(${`{${kept.join(',')}}`}::int[])` : undefined,
      ),
    );
  for (const p of parts.participations) {
    await db
      .insert(participations)
      .values({ ...p, ...key })
      .onConflictDoUpdate({
        target: [participations.institutionId, participations.academicYearId, participations.projectId],
        set: {
          evidence: p.evidence,
          verified: sql`${participations.verified} and ${participations.evidence} is not distinct from excluded.evidence`,
        },
      });
  }
}

export async function setReview(
  db: Db,
  institutionId: number,
  yearId: number,
  values: Pick<SchoolYearRow, 'state' | 'verifiedBy' | 'verifiedAt' | 'reviewNote'>,
): Promise<SchoolYearRow | undefined> {
  const [row] = await db
    .update(schoolYears)
    .set({ ...values, version: sql`${schoolYears.version} + 1` })
    .where(yearOf(schoolYears, institutionId, yearId))
    .returning();
  return row;
}

export async function verifyParticipations(db: Db, institutionId: number, yearId: number, by: number | null) {
  await db
    .update(participations)
    .set({ verified: true, verifiedBy: by })
    .where(yearOf(participations, institutionId, yearId));
}

// Devices

export async function listDevices(db: Db, institutionId: number): Promise<DeviceRow[]> {
  return db
    .select()
    .from(devices)
    .where(eq(devices.institutionId, institutionId))
    .orderBy(asc(devices.assetTag));
}

export async function findDevice(db: Db, id: number): Promise<DeviceRow | undefined> {
  const [row] = await db.select().from(devices).where(eq(devices.id, id));
  return row;
}

export async function findDeviceByTag(db: Db, assetTag: string): Promise<DeviceRow | undefined> {
  const [row] = await db.select().from(devices).where(eq(devices.assetTag, assetTag));
  return row;
}

export async function insertDevice(db: Db, values: typeof devices.$inferInsert): Promise<DeviceRow> {
  const [row] = await db.insert(devices).values(values).returning();
  return row!;
}

export async function updateDevice(
  db: Db,
  id: number,
  values: Partial<typeof devices.$inferInsert>,
): Promise<DeviceRow> {
  const [row] = await db
    .update(devices)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(devices.id, id))
    .returning();
  return row!;
}

export async function insertDeviceEvent(db: Db, values: typeof deviceEvents.$inferInsert): Promise<void> {
  await db.insert(deviceEvents).values(values);
}

export async function deviceHistory(db: Db, deviceId: number): Promise<DeviceEventRow[]> {
  return db
    .select()
    .from(deviceEvents)
    .where(eq(deviceEvents.deviceId, deviceId))
    .orderBy(asc(deviceEvents.at), asc(deviceEvents.id));
}

/** Whether the school keeps an item inventory: it has any device item, disposed or not. */
export async function hasInventory(db: Db, institutionId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: devices.id })
    .from(devices)
    .where(eq(devices.institutionId, institutionId))
    .limit(1);
  return row !== undefined;
}

/** The school's device items that are not disposed, counted by kind and purpose. */
export async function inventoryCounts(db: Db, institutionId: number) {
  return db
    .select({
      kind: devices.kind,
      purpose: devices.purpose,
      total: sql<number>`count(*)::int`,
      working: sql<number>`(count(*) filter (where ${devices.condition} = 'working' and ${devices.status} = 'in_use'))::int`,
    })
    .from(devices)
    .where(and(eq(devices.institutionId, institutionId), ne(devices.status, 'disposed')))
    .groupBy(devices.kind, devices.purpose);
}

type CountKey = Pick<DeviceRow, 'kind' | 'purpose'>;

/**
 * Writes a school year's counts from its items: each kind and purpose is its items plus the devices the school
 * counts without an item record (`untracked`). Those are kept from the rows already there, or replaced by
 * `counted` when given (the school's own record); a kind with no items but counted devices keeps its row.
 */
export async function replaceInventoryCounts(
  db: Db,
  institutionId: number,
  yearId: number,
  items: (CountKey & { total: number; working: number })[],
  counted?: (CountKey & { total: number; working: number })[],
): Promise<void> {
  const key = (c: CountKey) => `${c.kind}/${c.purpose}`;
  const untracked = new Map<string, CountKey & { total: number; working: number }>();
  if (counted) {
    for (const c of counted) untracked.set(key(c), c);
  } else {
    const kept = await db
      .select({
        kind: deviceCounts.kind,
        purpose: deviceCounts.purpose,
        total: deviceCounts.untracked,
        working: deviceCounts.untrackedWorking,
      })
      .from(deviceCounts)
      .where(yearOf(deviceCounts, institutionId, yearId));
    for (const c of kept) untracked.set(key(c), c);
  }
  const byKey = new Map(items.map((c) => [key(c), c]));
  const keys = [...new Set([...untracked.keys(), ...byKey.keys()])];
  await db.delete(deviceCounts).where(yearOf(deviceCounts, institutionId, yearId));
  if (keys.length) {
    await db.insert(deviceCounts).values(
      keys.map((k) => {
        const it = byKey.get(k);
        const un = untracked.get(k);
        const { kind, purpose } = (it ?? un)!;
        return {
          institutionId,
          academicYearId: yearId,
          kind,
          purpose,
          total: (it?.total ?? 0) + (un?.total ?? 0),
          working: (it?.working ?? 0) + (un?.working ?? 0),
          untracked: un?.total ?? 0,
          untrackedWorking: un?.working ?? 0,
          source: 'inventory' as const,
        };
      }),
    );
  }
}

/**
 * `replaceInventoryCounts` for many schools at once, from their items, in one statement: each kind and purpose
 * the school has items of or a count row for is its items plus the devices it counts without an item record,
 * kept from the row already there. What a bulk import of devices writes once for every school it touched.
 */
export async function recountInventories(db: Db, institutionIds: number[], yearId: number): Promise<void> {
  if (institutionIds.length === 0) return;
  const ids = intArray([...new Set(institutionIds)].sort((a, b) => a - b));
  await db.execute(
    sql`insert into ${deviceCounts} as c (institution_id, academic_year_id, kind, purpose, total, working,
            untracked, untracked_working, source)
        select coalesce(i.institution_id, k.institution_id), ${yearId}::int, coalesce(i.kind, k.kind),
            coalesce(i.purpose, k.purpose), coalesce(i.total, 0) + coalesce(k.untracked, 0),
            coalesce(i.working, 0) + coalesce(k.untracked_working, 0), coalesce(k.untracked, 0),
            coalesce(k.untracked_working, 0), 'inventory'
        from (select institution_id, kind, purpose, count(*)::int as total,
                (count(*) filter (where condition = 'working' and status = 'in_use'))::int as working
              from ${devices} where institution_id = any(${ids}) and status <> 'disposed'
              group by institution_id, kind, purpose) i
        full join (select institution_id, kind, purpose, untracked, untracked_working from ${deviceCounts}
              where academic_year_id = ${yearId}::int and institution_id = any(${ids})) k
          on k.institution_id = i.institution_id and k.kind = i.kind and k.purpose = i.purpose
        order by 1, 3, 4
        on conflict (institution_id, academic_year_id, kind, purpose) do update set total = excluded.total,
          working = excluded.working, untracked = excluded.untracked,
          untracked_working = excluded.untracked_working, source = excluded.source`,
  );
}

// Connectivity

export async function insertMeasurement(db: Db, values: typeof measurements.$inferInsert): Promise<void> {
  await db.insert(measurements).values(values);
}

/** Medians per ISO week (Monday), newest first. */
export async function weeklyMeasurements(db: Db, institutionId: number, weeks: number) {
  return rows<{
    week: string;
    measurements: number;
    downloadMbps: number;
    uploadMbps: number | null;
    latencyMs: number | null;
  }>(
    db,
    sql`select to_char(date_trunc('week', measured_at at time zone 'UTC'), 'YYYY-MM-DD') as week,
          count(*)::int as measurements,
          percentile_cont(0.5) within group (order by download_mbps)::float8 as "downloadMbps",
          percentile_cont(0.5) within group (order by upload_mbps)::float8 as "uploadMbps",
          percentile_cont(0.5) within group (order by latency_ms)::float8 as "latencyMs"
        from ${measurements} where institution_id = ${institutionId}
        group by 1 order by 1 desc limit ${weeks}`,
  );
}

export async function latestMeasurements(db: Db, institutionId: number, limit: number) {
  return db
    .select()
    .from(measurements)
    .where(eq(measurements.institutionId, institutionId))
    .orderBy(desc(measurements.measuredAt))
    .limit(limit);
}

// Projects and settings

export async function listProjects(db: Db): Promise<ProjectRow[]> {
  return db.select().from(projects).orderBy(asc(projects.id));
}

export async function activeProjectIds(db: Db, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const found = await db
    .select({ id: projects.id })
    .from(projects)
    .where(and(inArray(projects.id, ids), eq(projects.active, true)));
  return found.map((p) => p.id);
}

export async function findProjectByCode(db: Db, code: string): Promise<ProjectRow | undefined> {
  const [row] = await db.select().from(projects).where(eq(projects.code, code));
  return row;
}

export async function findProject(db: Db, id: number): Promise<ProjectRow | undefined> {
  const [row] = await db.select().from(projects).where(eq(projects.id, id));
  return row;
}

export async function insertProject(db: Db, values: typeof projects.$inferInsert): Promise<ProjectRow> {
  const [row] = await db.insert(projects).values(values).returning();
  return row!;
}

/**
 * Writes a project only if it is still at `version`, bumping it: the new row, or undefined when someone else
 * saved it meanwhile (a concurrent save waits on the row lock, then misses the version).
 */
export async function updateProject(
  db: Db,
  id: number,
  version: number,
  values: Omit<Partial<typeof projects.$inferInsert>, 'version'>,
): Promise<ProjectRow | undefined> {
  const [row] = await db
    .update(projects)
    .set({ ...values, version: sql`${projects.version} + 1` })
    .where(and(eq(projects.id, id), eq(projects.version, version)))
    .returning();
  return row;
}

export async function getSetting(db: Db, key: string): Promise<number | undefined> {
  const [row] = await db.select().from(settings).where(eq(settings.key, key));
  return row?.value;
}

/** The version of the settings as one record: the highest of its rows' (0 when none is saved). */
export async function settingsVersion(db: Db, lock = false): Promise<number> {
  if (lock) {
    // Every row locked (in key order, as every save takes them): a concurrent save waits until this one ends.
    const locked = await db
      .select({ version: settings.version })
      .from(settings)
      .orderBy(asc(settings.key))
      .for('update');
    return Math.max(0, ...locked.map((r) => r.version));
  }
  const [row] = await db
    .select({ version: sql<number>`coalesce(max(${settings.version}), 0)::int` })
    .from(settings);
  return row?.version ?? 0;
}

/**
 * Saves the settings from `version` (checked by the caller under `settingsVersion(db, true)`): the values
 * given, and every row at `version + 1`. A row inserted meanwhile by another save from the same version is
 * not overwritten: false then, and the caller refuses the save.
 */
export async function putSettings(db: Db, version: number, values: Record<string, number>): Promise<boolean> {
  const next = version + 1;
  for (const [key, value] of Object.entries(values)) {
    const written = await db
      .insert(settings)
      .values({ key, value, version: next })
      .onConflictDoUpdate({
        target: settings.key,
        set: { value, version: next },
        setWhere: sql`${settings.version} <= ${version}`,
      })
      .returning({ key: settings.key });
    if (written.length === 0) return false;
  }
  await db.update(settings).set({ version: next });
  return true;
}

/** Institutions (in areas, when given: their subtrees) with the state of their record for a year. */
export async function schoolsWithState(
  db: Db,
  f: {
    yearId: number;
    areaIds: number[] | null;
    state?: SchoolYearRow['state'] | 'none';
    limit: number;
    offset: number;
  },
) {
  const where = sql`where true
    ${f.areaIds ? sql`and i.area_id in (select id from ${areas} where path && ${`{${f.areaIds.join(',')}}`}::int[])` : sql``}
    ${f.state === 'none' ? sql`and s.state is null` : f.state ? sql`and s.state = ${f.state}` : sql``}`;
  const from = sql`from ${institutions} i
    left join ${schoolYears} s on s.institution_id = i.id and s.academic_year_id = ${f.yearId}`;
  const [count] = await rows<{ n: number }>(db, sql`select count(*)::int as n ${from} ${where}`);
  const items = await rows<{
    institutionId: number;
    code: string;
    nameAz: string;
    nameRu: string;
    nameEn: string;
    areaId: number;
    state: SchoolYearRow['state'] | null;
    updatedAt: string | null;
  }>(
    db,
    sql`select i.id as "institutionId", i.code, i.name_az as "nameAz", i.name_ru as "nameRu", i.name_en as "nameEn",
          i.area_id as "areaId", s.state, to_char(s.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "updatedAt"
        ${from} ${where} order by i.code limit ${f.limit} offset ${f.offset}`,
  );
  return { total: count?.n ?? 0, items };
}
