import { and, desc, eq, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { clockOffsetMs } from '@/server/clock';
import { articles } from '@/modules/portal/portal.tables';

/** The SQL of the portal's news. */

export type ArticleRow = typeof articles.$inferSelect;
export type ArticleValues = Omit<typeof articles.$inferInsert, 'id' | 'version' | 'createdAt' | 'updatedAt'>;

/** The server clock's now, in SQL (see src/server/clock.ts). */
export const sqlNow = () => sql`(now() + ${`${clockOffsetMs()} milliseconds`}::interval)`;

/** The columns a reader's list needs (not the bodies). */
const CARD = {
  id: articles.id,
  placeKind: articles.placeKind,
  areaId: articles.areaId,
  institutionId: articles.institutionId,
  title: articles.title,
  summary: articles.summary,
  tags: articles.tags,
  publishAt: articles.publishAt,
};
export type CardRow = { [K in keyof typeof CARD]: ArticleRow[K] };

/** Published items (due by now) matching `where`, newest first. */
export async function listPublished(
  db: Db,
  where: SQL | undefined,
  limit: number,
  offset = 0,
): Promise<CardRow[]> {
  return db
    .select(CARD)
    .from(articles)
    .where(and(lte(articles.publishAt, sqlNow()), where))
    .orderBy(desc(articles.publishAt), desc(articles.id))
    .limit(limit)
    .offset(offset);
}

/** Published items with their bodies, for feeds. */
export async function listPublishedFull(
  db: Db,
  where: SQL | undefined,
  limit: number,
): Promise<ArticleRow[]> {
  return db
    .select()
    .from(articles)
    .where(and(lte(articles.publishAt, sqlNow()), where))
    .orderBy(desc(articles.publishAt), desc(articles.id))
    .limit(limit);
}

/** Whether an item is published (due by now). */
export async function findPublished(db: Db, id: number): Promise<ArticleRow | undefined> {
  const [row] = await db
    .select()
    .from(articles)
    .where(and(eq(articles.id, id), lte(articles.publishAt, sqlNow())));
  return row;
}

export async function findArticle(db: Db, id: number, lock = false): Promise<ArticleRow | undefined> {
  const q = db.select().from(articles).where(eq(articles.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

/** Items an editor may edit, newest first (drafts and scheduled ones too). */
export async function listEditable(db: Db, where: SQL | undefined): Promise<ArticleRow[]> {
  return db
    .select()
    .from(articles)
    .where(where)
    .orderBy(sql`${articles.publishAt} desc nulls first`, desc(articles.id))
    .limit(200);
}

export async function insertArticle(db: Db, values: ArticleValues): Promise<ArticleRow> {
  const [row] = await db.insert(articles).values(values).returning();
  return row!;
}

/** Saves an item if it is still at `version`; undefined when someone saved it in between. */
export async function updateArticle(db: Db, id: number, version: number, values: ArticleValues) {
  const [row] = await db
    .update(articles)
    .set({ ...values, version: sql`${articles.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(articles.id, id), eq(articles.version, version)))
    .returning();
  return row;
}

export async function deleteArticle(db: Db, id: number, version: number): Promise<boolean> {
  const gone = await db
    .delete(articles)
    .where(and(eq(articles.id, id), eq(articles.version, version)))
    .returning({ id: articles.id });
  return gone.length > 0;
}
