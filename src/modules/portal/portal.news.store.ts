import { and, asc, desc, eq, lte, sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
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
  cover: articles.cover,
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

/**
 * Published items near an area (what `nearArea` selects), newest first, as three ordered index scans — the
 * nation's (`portal_article_kind_publish_idx`), the area's and those above it (`portal_article_place_idx`),
 * and when `below`, those under it — each cut at the page's end, merged here. One
 * scan for the OR of the three would read every item of the period (a sequential scan at 50,000 items).
 */
export async function listPublishedNear(
  db: Db,
  areaPath: number[] | null,
  below: boolean,
  limit: number,
  offset = 0,
  where?: SQL,
): Promise<CardRow[]> {
  const enough = limit + offset;
  const branch = (cond: SQL | undefined) =>
    db
      .select(CARD)
      .from(articles)
      .where(and(lte(articles.publishAt, sqlNow()), cond, where))
      .orderBy(desc(articles.publishAt), desc(articles.id))
      .limit(enough);
  const here = areaPath?.at(-1);
  const parts: PromiseLike<CardRow[]>[] = [branch(eq(articles.placeKind, 'nation'))];
  if (areaPath && here !== undefined) {
    const up = sql`array[${sql.join(
      areaPath.map((id) => sql`${id}`),
      sql`, `,
    )}]::int[]`;
    parts.push(branch(and(eq(articles.placeKind, 'area'), sql`${articles.areaId} = any(${up})`)));
    // Under it: for each area of its subtree, that area's items newest first cut at the page's end (an ordered
    // scan of `portal_article_area_publish_idx` each; a school's items carry its area). The area's own
    // items are in the branch above already.
    if (below)
      parts.push(
        rows<CardRow>(
          db,
          sql`select c.* from institutions_area a cross join lateral (
                select ${articles.id}, ${articles.placeKind} as "placeKind", ${articles.areaId} as "areaId",
                  ${articles.institutionId} as "institutionId", ${articles.title}, ${articles.summary},
                  ${articles.tags}, ${articles.publishAt} as "publishAt", ${articles.cover}
                from ${articles}
                where ${articles.areaId} = a.id and ${articles.publishAt} <= ${sqlNow()}
                  and (${articles.areaId} <> ${here} or ${articles.placeKind} = 'institution')
                  ${where ? sql`and ${where}` : sql``}
                order by ${articles.publishAt} desc, ${articles.id} desc limit ${enough}) c
              where a.path @> array[${here}]::int[]`,
        ).then((found) => found.map((r) => ({ ...r, publishAt: new Date(r.publishAt!) }))),
      );
  }
  const all = (await Promise.all(parts)).flat();
  all.sort((a, b) => b.publishAt!.getTime() - a.publishAt!.getTime() || b.id - a.id);
  return all.slice(offset, offset + limit);
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

/** Sets an item's cover (null removes it) if it is still at `version`; undefined when someone saved in between. */
export async function setCover(db: Db, id: number, version: number, cover: ArticleRow['cover']) {
  const [row] = await db
    .update(articles)
    .set({
      cover,
      storageKey: cover?.key ?? null,
      version: sql`${articles.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(articles.id, id), eq(articles.version, version)))
    .returning();
  return row;
}

// ---- the sitemap

/**
 * How many published items (due by now) each block of `size` ids holds (block 1 = ids 1..size), and the last
 * change in it: an item's last edit, or its publication if later (a scheduled item appears when it is due).
 */
export function sitemapNewsBlocks(
  db: Db,
  size: number,
): Promise<{ block: number; count: number; lastmod: number }[]> {
  return rows(
    db,
    sql`select ((${articles.id} - 1) / ${size})::int + 1 as block, count(*)::int as count,
          extract(epoch from max(greatest(${articles.updatedAt}, ${articles.publishAt})))::float8 as lastmod
        from ${articles} where ${articles.publishAt} <= ${sqlNow()}
        group by 1 order by 1`,
  );
}

/** The published items (due by now) with ids in [fromId, toId], by id, with when each last changed. */
export function sitemapNews(db: Db, fromId: number, toId: number): Promise<{ id: number; lastmod: Date }[]> {
  return db
    .select({ id: articles.id, lastmod: sql<Date>`greatest(${articles.updatedAt}, ${articles.publishAt})` })
    .from(articles)
    .where(and(lte(articles.publishAt, sqlNow()), sql`${articles.id} between ${fromId} and ${toId}`))
    .orderBy(asc(articles.id));
}
