import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { categories, keywords, listDomains, lists, type Localised } from '@/modules/safety/safety.tables';

/** SQL of the content filter's catalogue: categories, keywords, lists and their domains. */

export type CategoryRow = typeof categories.$inferSelect;
export type ListRow = typeof lists.$inferSelect;
export type KeywordRow = typeof keywords.$inferSelect;

export const allCategories = (db: Db) =>
  db.select().from(categories).orderBy(asc(categories.sort), asc(categories.id));

export async function findCategory(db: Db, id: number, lock = false) {
  const q = db.select().from(categories).where(eq(categories.id, id));
  return (await (lock ? q.for('update') : q))[0];
}

export async function categoryByCode(db: Db, code: string) {
  return (await db.select().from(categories).where(eq(categories.code, code)))[0];
}

export async function insertCategory(db: Db, v: typeof categories.$inferInsert) {
  return (await db.insert(categories).values(v).returning())[0]!;
}

export async function updateCategory(
  db: Db,
  id: number,
  version: number,
  v: { name: Localised; description: Localised },
) {
  return (
    await db
      .update(categories)
      .set({ ...v, version: sql`${categories.version} + 1` })
      .where(and(eq(categories.id, id), eq(categories.version, version)))
      .returning()
  )[0];
}

export const allKeywords = (db: Db) =>
  db.select().from(keywords).orderBy(asc(keywords.categoryId), asc(keywords.folded));

export async function insertKeyword(db: Db, v: typeof keywords.$inferInsert) {
  return (await db.insert(keywords).values(v).onConflictDoNothing().returning())[0];
}

export async function deleteKeyword(db: Db, id: number) {
  return (await db.delete(keywords).where(eq(keywords.id, id)).returning())[0];
}

export const allLists = (db: Db) => db.select().from(lists).orderBy(asc(lists.kind), asc(lists.id));

export async function findList(db: Db, id: number, lock = false) {
  const q = db.select().from(lists).where(eq(lists.id, id));
  return (await (lock ? q.for('update') : q))[0];
}

export async function insertList(db: Db, v: typeof lists.$inferInsert) {
  return (await db.insert(lists).values(v).returning())[0]!;
}

/** Saves a list's record after a change of its domains: a new count, a new serial, a new version. */
export async function touchList(
  db: Db,
  id: number,
  version: number,
  v: Partial<Pick<ListRow, 'name' | 'source' | 'sourceUrl'>> & { updatedBy: number | null },
) {
  const [{ n }] = (await db.select({ n: count() }).from(listDomains).where(eq(listDomains.listId, id))) as [
    { n: number },
  ];
  return (
    await db
      .update(lists)
      .set({
        ...v,
        domainCount: n,
        serial: sql`${lists.serial} + 1`,
        version: sql`${lists.version} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(lists.id, id), eq(lists.version, version)))
      .returning()
  )[0];
}

export async function listDomainsOf(db: Db, id: number, limit: number) {
  return (
    await db
      .select({ domain: listDomains.domain })
      .from(listDomains)
      .where(eq(listDomains.listId, id))
      .orderBy(asc(listDomains.domain))
      .limit(limit)
  ).map((r) => r.domain);
}

const CHUNK = 5000;

export async function addDomains(db: Db, id: number, domains: string[]) {
  for (let i = 0; i < domains.length; i += CHUNK)
    await db
      .insert(listDomains)
      .values(domains.slice(i, i + CHUNK).map((domain) => ({ listId: id, domain })))
      .onConflictDoNothing();
}

export async function removeDomains(db: Db, id: number, domains: string[]) {
  if (domains.length)
    await db.delete(listDomains).where(and(eq(listDomains.listId, id), inArray(listDomains.domain, domains)));
}

export async function clearDomains(db: Db, id: number) {
  await db.delete(listDomains).where(eq(listDomains.listId, id));
}
