import type { Db } from '@/server/db/database';
import * as news from '@/modules/portal/portal.news.store';
import * as events from '@/modules/portal/portal.events.store';
import * as courses from '@/modules/portal/portal.courses.store';

/**
 * The portal's share of the sitemap (src/server/public-pages.ts puts it together with the library's): the
 * internet-safety courses, each course, Safer Internet Day, and every public news item (published and due by
 * now) and event (published), each with when it last changed. Items and events come in blocks of ids, like the
 * library's resources: block N of `size` holds ids (N−1)·size+1 … N·size, so a part of the sitemap's index
 * never holds more than `size` URLs and keeps its address as the portal grows; each is read in id order.
 */

/** One page a sitemap lists (as library.SitemapUrl): its path on this site and, when known, its last change. */
export interface PortalSitemapUrl {
  path: string;
  lastmod?: Date;
}

const MAX_ID = 2 ** 31 - 1;

const KINDS = {
  news: { blocks: news.sitemapNewsBlocks, rows: news.sitemapNews, path: '/portal/news' },
  events: { blocks: events.sitemapEventBlocks, rows: events.sitemapEvents, path: '/portal/events' },
} as const;
type Kind = keyof typeof KINDS;

const urls = (kind: Kind, found: { id: number; lastmod: Date | string }[]): PortalSitemapUrl[] =>
  found.map((r) => ({ path: `${KINDS[kind].path}/${r.id}`, lastmod: new Date(r.lastmod) }));

/** The courses' pages and Safer Internet Day's (few, no date of change kept). */
export async function sitemapPages(db: Db): Promise<PortalSitemapUrl[]> {
  const list = await courses.listCourses(db);
  return [
    { path: '/portal/safety' },
    ...list.map((c) => ({ path: `/portal/safety/courses/${c.id}` })),
    { path: '/portal/safer-internet-day' },
  ];
}

/** The parts the news and events would take in a sitemap index, named `news-N` and `events-N`, with their URLs' count. */
export async function sitemapBlocks(
  db: Db,
  size: number,
): Promise<{ name: string; count: number; lastmod: Date }[]> {
  const out: { name: string; count: number; lastmod: Date }[] = [];
  for (const kind of Object.keys(KINDS) as Kind[])
    for (const b of await KINDS[kind].blocks(db, size))
      out.push({ name: `${kind}-${b.block}`, count: b.count, lastmod: new Date(b.lastmod * 1000) });
  return out;
}

/** Every public news item and event, for a sitemap in one file. */
export async function sitemapAll(db: Db): Promise<PortalSitemapUrl[]> {
  const out: PortalSitemapUrl[] = [];
  for (const kind of Object.keys(KINDS) as Kind[])
    out.push(...urls(kind, await KINDS[kind].rows(db, 1, MAX_ID)));
  return out;
}

/** One part of the sitemap's index (`news-N`, `events-N`); null for a name that is not the portal's or is empty. */
export async function sitemapPart(db: Db, name: string, size: number): Promise<PortalSitemapUrl[] | null> {
  const m = /^(news|events)-([1-9][0-9]{0,5})$/.exec(name);
  if (!m) return null;
  const kind = m[1] as Kind;
  const from = (Number(m[2]) - 1) * size + 1;
  if (from > MAX_ID) return null;
  const found = await KINDS[kind].rows(db, from, Math.min(from + size - 1, MAX_ID));
  return found.length > 0 ? urls(kind, found) : null;
}
