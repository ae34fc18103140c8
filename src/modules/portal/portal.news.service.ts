import { and, eq, sql } from 'drizzle-orm';
import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, forbidden, notFound, type FieldProblem } from '@/server/errors';
import { LOCALES, translate, type Locale } from '@/server/i18n';
import { now } from '@/server/clock';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { articles, type Localised } from '@/modules/portal/portal.tables';
import * as store from '@/modules/portal/portal.news.store';
import {
  areaPath,
  editableBy,
  mayPublish,
  placeNames,
  resolvePlace,
  type Place,
} from '@/modules/portal/portal.place';
import { languageFor, sanitiseLocalised, sanitiseRich, trimmed } from '@/modules/portal/portal.text';
import type { Article, ArticleBody, ArticleCard, ArticleEdit } from '@/modules/portal/portal.schema';
import '@/modules/portal/portal.messages';
import { coverEdit, coverOut } from '@/modules/portal/portal.covers.view';

/**
 * The portal's news: items by the ministry, an area or a school, in az/ru/en with a fallback language, rich
 * text sanitised, scheduled publishing, tags. Readers see only items due by now; editors see theirs in every
 * state. Writes are checked against the author's grants, run in one transaction at the version read, audited.
 */

const problem = (locale: Locale, field: string, rule: string): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `portal.rule.${rule}`)}`,
});
/** Refuses a request with its field problems (422). */
export const refuse = (problems: FieldProblem[]): never => {
  throw new AppError(422, 'portal.invalid', {}, problems);
};
const TAG = /^[\p{L}\p{N}][\p{L}\p{N}-]*$/u;

/** Resolves the place of a request and checks the actor may publish there. */
export async function placeFor(db: Db, actor: Actor, locale: Locale, p: Parameters<typeof resolvePlace>[1]) {
  const place = await resolvePlace(
    db,
    p,
    (field) => new AppError(422, 'portal.invalid', {}, [problem(locale, field, 'unknown_place')]),
  );
  if (!mayPublish(actor, place)) refuse([problem(locale, 'place', 'not_your_place')]);
  return place;
}

function checkArticle(locale: Locale, b: ArticleBody) {
  const p: FieldProblem[] = [];
  const t = trimmed(b.title);
  if (!t.az && !t.ru && !t.en) p.push(problem(locale, 'title', 'text_required'));
  b.tags.forEach((tag, i) => {
    if (!TAG.test(tag.trim())) p.push(problem(locale, `tags/${i}`, 'tag'));
  });
  if (p.length) refuse(p);
}

const values = (b: ArticleBody, place: Place, authorId: number | null): store.ArticleValues => ({
  ...place,
  title: trimmed(b.title),
  summary: trimmed(b.summary),
  body: sanitiseLocalised(b.body),
  tags: [...new Set(b.tags.map((t) => t.trim().toLowerCase()))],
  publishAt: b.publishAt === null ? null : new Date(b.publishAt),
  authorId,
});

const statusOf = (publishAt: Date | null): ArticleEdit['status'] =>
  publishAt === null ? 'draft' : publishAt.getTime() > now().getTime() ? 'scheduled' : 'published';

async function editOut(db: Db, locale: Locale, rows: store.ArticleRow[]): Promise<ArticleEdit[]> {
  const name = await placeNames(db, locale, rows);
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    place: name(r),
    title: r.title,
    summary: r.summary,
    body: sanitiseLocalised(r.body),
    tags: r.tags,
    publishAt: r.publishAt?.toISOString() ?? null,
    status: statusOf(r.publishAt),
    updatedAt: r.updatedAt.toISOString(),
    cover: coverEdit(r.id, r.cover),
  }));
}

/** Readers' cards of some rows, each in the reader's language or the fallback. */
export async function cards(db: Db, locale: Locale, rows: store.CardRow[]): Promise<ArticleCard[]> {
  const name = await placeNames(db, locale, rows);
  return rows.map((r) => {
    const lang = languageFor(locale, (l) => r.title[l].trim() !== '');
    return {
      id: r.id,
      place: name(r),
      title: r.title[lang],
      summary: r.summary[lang],
      lang,
      fallback: lang !== locale,
      tags: r.tags,
      publishAt: r.publishAt!.toISOString(),
      cover: coverOut(r.id, r.cover, lang),
    };
  });
}

/** Published news near an area or of a school, newest first, 20 a page. */
export async function listNews(
  db: Db,
  locale: Locale,
  q: { areaId?: number; institutionId?: number; tag?: string; page?: number },
) {
  const tag = q.tag ? sql`${q.tag.trim().toLowerCase()} = any(${articles.tags})` : undefined;
  const page = q.page ?? 1;
  let rows: store.CardRow[];
  if (q.institutionId) {
    const school = and(eq(articles.placeKind, 'institution'), eq(articles.institutionId, q.institutionId));
    rows = await store.listPublished(db, and(school, tag), 21, (page - 1) * 20);
  } else if (q.areaId) {
    const path = await areaPath(db, q.areaId);
    if (!path) throw notFound('area');
    rows = await store.listPublishedNear(db, path, true, 21, (page - 1) * 20, tag);
  } else {
    rows = await store.listPublished(db, tag, 21, (page - 1) * 20);
  }
  return { items: await cards(db, locale, rows.slice(0, 20)), more: rows.length > 20 };
}

/** One published news item for readers; 404 for a draft or a scheduled one not due yet. */
export async function getNews(db: Db, locale: Locale, id: number): Promise<Article> {
  const row = await store.findPublished(db, id);
  if (!row) throw notFound('news');
  const [card] = await cards(db, locale, [row]);
  return {
    ...card!,
    body: sanitiseRich(row.body[card!.lang]),
    languages: LOCALES.filter((l) => row.title[l].trim() !== ''),
  };
}

/** The items the actor may edit. */
export async function listEditable(db: Db, actor: Actor, locale: Locale) {
  return { items: await editOut(db, locale, await store.listEditable(db, editableBy(actor, articles))) };
}

async function editable(db: Db, actor: Actor, id: number, lock = false) {
  const row = await store.findArticle(db, id, lock);
  if (!row) throw notFound('news');
  if (!mayPublish(actor, row)) throw forbidden();
  return row;
}

export async function getEditable(db: Db, actor: Actor, locale: Locale, id: number) {
  return (await editOut(db, locale, [await editable(db, actor, id)]))[0]!;
}

export async function createNews(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  body: ArticleBody,
) {
  checkArticle(locale, body);
  const place = await placeFor(db, actor, locale, body.place);
  const row = await db.transaction(async (tx) => {
    const row = await store.insertArticle(tx, values(body, place, actor.userId));
    await audit(tx, ctx, { action: 'create', entity: 'portal_article', entityId: row.id, after: row });
    return row;
  });
  return (await editOut(db, locale, [row]))[0]!;
}

export async function updateNews(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  id: number,
  body: ArticleBody & { version: number },
) {
  const row = await db.transaction(async (tx) => {
    const before = await editable(tx, actor, id, true);
    if (before.version !== body.version) throw staleVersion(body, (await editOut(tx, locale, [before]))[0]!);
    checkArticle(locale, body);
    const place = await placeFor(tx, actor, locale, body.place);
    const after = await store.updateArticle(tx, id, body.version, values(body, place, before.authorId));
    if (!after) throw staleVersion(body, await getEditable(tx, actor, locale, id));
    await audit(tx, ctx, { action: 'update', entity: 'portal_article', entityId: id, before, after });
    return after;
  });
  return (await editOut(db, locale, [row]))[0]!;
}

export async function deleteNews(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  id: number,
  version: number,
) {
  await db.transaction(async (tx) => {
    const before = await editable(tx, actor, id, true);
    if (before.version !== version || !(await store.deleteArticle(tx, id, version)))
      throw staleVersion({ version }, (await editOut(tx, locale, [before]))[0]!);
    await audit(tx, ctx, { action: 'delete', entity: 'portal_article', entityId: id, before });
  });
}

/** The text of a localised field in a language, for feeds. */
export const textIn = (t: Localised, lang: Locale) => t[lang];
