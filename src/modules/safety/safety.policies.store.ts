import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import { policies } from '@/modules/safety/safety.tables';

/** SQL of the content filter's policies, and the places (areas, schools) the admin part's scope checks need. */

export type PolicyRow = typeof policies.$inferSelect;
export type PolicyValues = Omit<typeof policies.$inferInsert, 'id' | 'version' | 'updatedAt'>;

export const allPolicies = (db: Db) =>
  db
    .select()
    .from(policies)
    .orderBy(sql`${policies.areaId} nulls first`, asc(policies.id));

export async function findPolicy(db: Db, id: number, lock = false) {
  const q = db.select().from(policies).where(eq(policies.id, id));
  return (await (lock ? q.for('update') : q))[0];
}

export async function nationalPolicies(db: Db) {
  return db.select().from(policies).where(isNull(policies.areaId));
}

export async function insertPolicy(db: Db, v: PolicyValues) {
  return (await db.insert(policies).values(v).returning())[0]!;
}

export async function updatePolicy(db: Db, id: number, version: number, v: Partial<PolicyValues>) {
  return (
    await db
      .update(policies)
      .set({ ...v, version: sql`${policies.version} + 1`, updatedAt: new Date() })
      .where(and(eq(policies.id, id), eq(policies.version, version)))
      .returning()
  )[0];
}

/** Tightenings of a national policy: they must stay at least as strict when it changes. */
export const tighteningsOf = (db: Db, parentId: number) =>
  db.select().from(policies).where(eq(policies.parentId, parentId));

/** An area's path from the country down (itself included), or undefined. */
export async function areaPath(db: Db, id: number): Promise<number[] | undefined> {
  return (await db.select({ path: areas.path }).from(areas).where(eq(areas.id, id)))[0]?.path;
}

/** A school's area path and names, or undefined. */
export async function schoolPlace(db: Db, id: number) {
  return (
    await db
      .select({
        id: institutions.id,
        areaPath: areas.path,
        nameAz: institutions.nameAz,
        nameRu: institutions.nameRu,
        nameEn: institutions.nameEn,
      })
      .from(institutions)
      .innerJoin(areas, eq(areas.id, institutions.areaId))
      .where(eq(institutions.id, id))
  )[0];
}

export async function areaNames(db: Db) {
  return db
    .select({
      id: areas.id,
      path: areas.path,
      nameAz: areas.nameAz,
      nameRu: areas.nameRu,
      nameEn: areas.nameEn,
    })
    .from(areas);
}
