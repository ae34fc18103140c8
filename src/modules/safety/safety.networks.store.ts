import { and, asc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import { networks } from '@/modules/safety/safety.tables';

/** SQL of schools' address ranges on the education network. */

export type NetworkRow = typeof networks.$inferSelect;

const withSchool = {
  id: networks.id,
  institutionId: networks.institutionId,
  kind: networks.kind,
  cidr: networks.cidr,
  note: networks.note,
  version: networks.version,
  updatedAt: networks.updatedAt,
  areaPath: areas.path,
  nameAz: institutions.nameAz,
  nameRu: institutions.nameRu,
  nameEn: institutions.nameEn,
};

/** Networks of the schools the filter admits: some schools, an area's subtree, or all (`null`). */
export async function listNetworks(
  db: Db,
  f: { institutionIds?: number[]; areaIds?: number[]; institutionId?: number },
  limit = 2000,
) {
  const parts: SQL[] = [];
  if (f.institutionIds)
    parts.push(inArray(networks.institutionId, f.institutionIds.length ? f.institutionIds : [0]));
  if (f.areaIds)
    parts.push(
      f.areaIds.length
        ? sql`${areas.path} && ${sql.raw(`array[${f.areaIds.map(Number).join(',')}]::integer[]`)}`
        : sql`false`,
    );
  if (f.institutionId) parts.push(eq(networks.institutionId, f.institutionId));
  return db
    .select(withSchool)
    .from(networks)
    .innerJoin(institutions, eq(institutions.id, networks.institutionId))
    .innerJoin(areas, eq(areas.id, institutions.areaId))
    .where(parts.length ? and(...parts) : undefined)
    .orderBy(asc(institutions.nameAz), asc(networks.kind), asc(networks.cidr))
    .limit(limit);
}

export async function findNetwork(db: Db, id: number, lock = false) {
  const q = db.select().from(networks).where(eq(networks.id, id));
  return (await (lock ? q.for('update') : q))[0];
}

/**
 * Makes writers of ranges take turns until the transaction ends: two schools adding overlapping ranges at once
 * would otherwise both find no overlap and both be saved.
 */
export async function lockRanges(db: Db) {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended('safety/networks', 0))`);
}

/** Ranges that overlap `cidr` (one holds the other), besides the network `exceptId`. */
export async function overlapping(db: Db, cidr: string, exceptId: number | null) {
  return db
    .select(withSchool)
    .from(networks)
    .innerJoin(institutions, eq(institutions.id, networks.institutionId))
    .innerJoin(areas, eq(areas.id, institutions.areaId))
    .where(
      and(sql`${networks.cidr} && ${cidr}::cidr`, exceptId === null ? undefined : ne(networks.id, exceptId)),
    )
    .limit(1);
}

export async function insertNetwork(db: Db, v: typeof networks.$inferInsert) {
  return (await db.insert(networks).values(v).returning())[0]!;
}

export async function updateNetwork(
  db: Db,
  id: number,
  version: number,
  v: Pick<NetworkRow, 'kind' | 'cidr' | 'note' | 'updatedBy'>,
) {
  return (
    await db
      .update(networks)
      .set({ ...v, version: sql`${networks.version} + 1`, updatedAt: new Date() })
      .where(and(eq(networks.id, id), eq(networks.version, version)))
      .returning()
  )[0];
}

export async function deleteNetwork(db: Db, id: number, version: number) {
  return (
    await db
      .delete(networks)
      .where(and(eq(networks.id, id), eq(networks.version, version)))
      .returning()
  )[0];
}
