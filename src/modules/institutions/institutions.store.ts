import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import {
  academicYears,
  areas,
  calendarEntries,
  grades,
  gradingScales,
  institutions,
  levels,
  subjects,
} from '@/modules/institutions/institutions.tables';

/** The institutions module's SQL. */

export type InstitutionRow = typeof institutions.$inferSelect;
export type AreaRow = typeof areas.$inferSelect;

export const listAreas = (db: Db): Promise<AreaRow[]> => db.select().from(areas).orderBy(asc(areas.id));

export async function findArea(db: Db, id: number): Promise<AreaRow | undefined> {
  const [row] = await db.select().from(areas).where(eq(areas.id, id));
  return row;
}

export async function findInstitution(db: Db, id: number): Promise<InstitutionRow | undefined> {
  const [row] = await db.select().from(institutions).where(eq(institutions.id, id));
  return row;
}

/** Institutions by id, in one query. */
export async function findInstitutions(db: Db, ids: number[]): Promise<InstitutionRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(institutions).where(inArray(institutions.id, ids));
}

/** An institution's id, its area, and the area path from the country down (for scope checks). */
export async function institutionPlace(
  db: Db,
  id: number,
): Promise<{ areaId: number; areaPath: number[] } | undefined> {
  const [row] = await db
    .select({ areaId: institutions.areaId, areaPath: areas.path })
    .from(institutions)
    .innerJoin(areas, eq(areas.id, institutions.areaId))
    .where(eq(institutions.id, id));
  return row;
}

export interface InstitutionFilter {
  areaId?: number;
  kind?: InstitutionRow['kind'];
  q?: string;
  limit: number;
  offset: number;
}

function filterWhere(f: InstitutionFilter): SQL | undefined {
  const parts = [
    f.areaId
      ? sql`${institutions.areaId} in (select id from ${areas} where ${f.areaId} = any(${areas.path}))`
      : undefined,
    f.kind ? eq(institutions.kind, f.kind) : undefined,
    f.q
      ? sql`(${institutions.code} ilike ${f.q + '%'} or ${institutions.nameAz} ilike ${'%' + f.q + '%'}
          or ${institutions.nameRu} ilike ${'%' + f.q + '%'} or ${institutions.nameEn} ilike ${'%' + f.q + '%'})`
      : undefined,
  ].filter((p) => p !== undefined);
  return parts.length ? and(...parts) : undefined;
}

export async function listInstitutions(
  db: Db,
  f: InstitutionFilter,
): Promise<{ total: number; items: InstitutionRow[] }> {
  const where = filterWhere(f);
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(institutions)
    .where(where);
  const items = await db
    .select()
    .from(institutions)
    .where(where)
    .orderBy(asc(institutions.code))
    .limit(f.limit)
    .offset(f.offset);
  return { total: count?.n ?? 0, items };
}

/** How many institutions lie in each of the given areas, sub-areas included; one query for all of them. */
export async function countInstitutionsByArea(db: Db, areaIds: number[]): Promise<Map<number, number>> {
  if (areaIds.length === 0) return new Map();
  const result = await rows<{ areaId: number; n: number }>(
    db,
    sql`select top.id as "areaId", count(*)::int as n
        from ${institutions} join ${areas} on ${areas.id} = ${institutions.areaId}
        cross join unnest(${areas.path}) as top(id)
        where top.id = any(${`{${areaIds.join(',')}}`}::int[])
        group by top.id`,
  );
  return new Map(result.map((r) => [Number(r.areaId), r.n]));
}

export async function insertInstitution(
  db: Db,
  values: typeof institutions.$inferInsert,
): Promise<InstitutionRow> {
  const [row] = await db.insert(institutions).values(values).returning();
  return row!;
}

export async function updateInstitution(
  db: Db,
  id: number,
  values: Partial<typeof institutions.$inferInsert>,
): Promise<InstitutionRow | undefined> {
  const [row] = await db
    .update(institutions)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(institutions.id, id))
    .returning();
  return row;
}

export async function findInstitutionByCode(db: Db, code: string): Promise<InstitutionRow | undefined> {
  const [row] = await db.select().from(institutions).where(eq(institutions.code, code));
  return row;
}

export const listAcademicYears = (db: Db) =>
  db.select().from(academicYears).orderBy(asc(academicYears.startsOn));

export async function countryPack(db: Db) {
  return {
    levels: await db.select().from(levels).orderBy(asc(levels.position)),
    grades: await db.select().from(grades).orderBy(asc(grades.number)),
    subjects: await db.select().from(subjects).orderBy(asc(subjects.code)),
    gradingScales: await db.select().from(gradingScales).orderBy(asc(gradingScales.code)),
    calendar: await db.select().from(calendarEntries).orderBy(asc(calendarEntries.startsOn)),
  };
}

/** One academic year, or undefined. */
export async function findAcademicYear(
  db: Db,
  id: number,
): Promise<typeof academicYears.$inferSelect | undefined> {
  const [row] = await db.select().from(academicYears).where(eq(academicYears.id, id));
  return row;
}

/** The holidays of an academic year from the school calendar, each a date range (both ends included). */
export async function holidaysOf(
  db: Db,
  academicYearId: number,
): Promise<{ startsOn: string; endsOn: string }[]> {
  return db
    .select({ startsOn: calendarEntries.startsOn, endsOn: calendarEntries.endsOn })
    .from(calendarEntries)
    .where(and(eq(calendarEntries.academicYearId, academicYearId), eq(calendarEntries.kind, 'holiday')))
    .orderBy(asc(calendarEntries.startsOn));
}

/** The subjects of the country pack with the given codes, with the grades each is taught in. */
export async function subjectsByCode(db: Db, codes: string[]): Promise<(typeof subjects.$inferSelect)[]> {
  if (codes.length === 0) return [];
  return db.select().from(subjects).where(inArray(subjects.code, codes));
}

/**
 * The academic year in force as a relation `(id, code)`, for other modules' SQL: the year marked current (the
 * earliest, should two be), or every year when none is — as `listAcademicYears(…).find(isCurrent)` and a missing
 * year filter read it.
 */
export const yearInForceRelation = () =>
  sql`select id, code from ${academicYears}
      where id = (select id from ${academicYears} where is_current order by starts_on limit 1)
         or not exists (select 1 from ${academicYears} where is_current)`;

/** Institutions' names as a relation `(id, name_az, name_ru, name_en)`, for other modules' SQL. */
export const institutionNamesRelation = () => sql`select id, name_az, name_ru, name_en from ${institutions}`;

/** Every subject of the country pack. */
export async function listSubjects(db: Db): Promise<(typeof subjects.$inferSelect)[]> {
  return db.select().from(subjects).orderBy(asc(subjects.code));
}

/** The ids of the institutions in an area, sub-areas included. */
export async function institutionIdsInArea(db: Db, areaId: number): Promise<number[]> {
  const found = await db
    .select({ id: institutions.id })
    .from(institutions)
    .where(sql`${institutions.areaId} in (select id from ${areas} where ${areaId} = any(${areas.path}))`);
  return found.map((r) => r.id);
}

/** The terms of an academic year from the school calendar, in order (for the class journal). */
export async function termsOf(
  db: Db,
  academicYearId: number,
): Promise<(typeof calendarEntries.$inferSelect)[]> {
  return db
    .select()
    .from(calendarEntries)
    .where(and(eq(calendarEntries.academicYearId, academicYearId), eq(calendarEntries.kind, 'term')))
    .orderBy(asc(calendarEntries.startsOn));
}

/** The country pack's default grading scale, if the pack has one (for the class journal). */
export async function defaultGradingScale(db: Db): Promise<typeof gradingScales.$inferSelect | undefined> {
  const [row] = await db.select().from(gradingScales).where(eq(gradingScales.isDefault, true));
  return row;
}
