import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, forbidden, notFound, type FieldProblem } from '@/server/errors';
import { LOCALES, translate, type Locale } from '@/server/i18n';
import { staleVersion } from '@/server/versions';
import type { Storage } from '@/server/storage';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import type { Cover, Localised } from '@/modules/portal/portal.tables';
import * as store from '@/modules/portal/portal.news.store';
import { mayPublish } from '@/modules/portal/portal.place';
import { getEditable } from '@/modules/portal/portal.news.service';
import { COVER_TYPES, readImage } from '@/modules/portal/portal.covers.image';
import type { CoverQuery } from '@/modules/portal/portal.schema';
import { coverFileName } from '@/modules/portal/portal.covers.view';
import '@/modules/portal/portal.covers.messages';

/**
 * News items' cover images (docs/portal.md "First HTML, cover images and speed"): an editor of the item uploads
 * a JPEG, PNG or WebP (told by its bytes) of at most 5 MB and 8000×8000 pixels, with its alternative text in
 * each language the item is written in; it is stored through the storage layer (src/server/storage.ts) under
 * its SHA-256, so its URL can be cached for a year. Set and removed at the item's version, audited.
 */

export const COVER_MAX_BYTES = 5 * 1024 * 1024;
export const COVER_MAX_SIDE = 8000;
/** The route's own body limit: above the cover's, so a file a little too large is told so by its field. */
export const COVER_BODY_LIMIT = COVER_MAX_BYTES + 1024 * 1024;

const problem = (locale: Locale, field: string, rule: string, params: Record<string, unknown> = {}) => ({
  field,
  reason: rule,
  message: `${translate(locale, `portal.cover.field.${field.replace('/', '_')}`)}: ${translate(locale, `portal.cover.${rule}`, params)}`,
});
const refuse = (status: number, problems: FieldProblem[]): never => {
  throw new AppError(status, 'portal.cover.invalid', {}, problems);
};

async function editableRow(db: Db, actor: Actor, id: number) {
  const row = await store.findArticle(db, id, true);
  if (!row) throw notFound('news');
  if (!mayPublish(actor, row)) throw forbidden();
  return row;
}

/** Sets (or replaces) an item's cover; the image is the raw body, its alternative text in the query. */
export async function setCover(
  db: Db,
  storage: Storage,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  id: number,
  q: CoverQuery,
  body: unknown,
) {
  const first = await store.findArticle(db, id);
  if (!first) throw notFound('news');
  if (!mayPublish(actor, first)) throw forbidden();
  if (!Buffer.isBuffer(body)) throw new AppError(415, 'unsupported_media_type', { type: 'application/json' });
  if (body.length === 0) refuse(422, [problem(locale, 'image', 'empty')]);
  if (body.length > COVER_MAX_BYTES) refuse(413, [problem(locale, 'image', 'too_large', { limit: '5 MB' })]);
  const image = await readImage(body);
  if (!image) refuse(415, [problem(locale, 'image', 'kind')]);
  const { kind, width, height } = image!;
  if (width > COVER_MAX_SIDE || height > COVER_MAX_SIDE)
    refuse(422, [
      problem(locale, 'image', 'too_many_pixels', { limit: `${COVER_MAX_SIDE}×${COVER_MAX_SIDE}` }),
    ]);
  const alt: Localised = { az: q.altAz?.trim() ?? '', ru: q.altRu?.trim() ?? '', en: q.altEn?.trim() ?? '' };
  // The text is needed in every language the item is written in (in Azerbaijani when it has none yet).
  const needed = LOCALES.filter((l) => first.title[l].trim() !== '');
  const missing = (needed.length ? needed : (['az'] as const)).filter((l) => alt[l] === '');
  if (missing.length)
    refuse(
      422,
      missing.map((l) => problem(locale, `alt/${l}`, 'alt_required')),
    );
  if (first.version !== q.version) throw staleVersion(q, await getEditable(db, actor, locale, id));

  const sha = createHash('sha256').update(body).digest('hex');
  const key = `portal/covers/${id}/${sha}.${COVER_TYPES[kind].ext}`;
  const temp = path.join(os.tmpdir(), `maktab-cover-${randomBytes(8).toString('hex')}`);
  await writeFile(temp, body);
  await storage.putFile(key, temp);
  const cover: Cover = {
    key,
    contentType: COVER_TYPES[kind].contentType,
    width,
    height,
    bytes: body.length,
    alt,
  };
  let previous: Cover | null = null;
  try {
    await db.transaction(async (tx) => {
      const before = await editableRow(tx, actor, id);
      if (before.version !== q.version) throw staleVersion(q, await getEditable(tx, actor, locale, id));
      previous = before.cover;
      const after = await store.setCover(tx, id, q.version, cover);
      if (!after) throw staleVersion(q, await getEditable(tx, actor, locale, id));
      await audit(tx, ctx, {
        action: 'update',
        entity: 'portal_article',
        entityId: id,
        before: { cover: before.cover },
        after: { cover },
      });
    });
  } catch (error) {
    const now = await store.findArticle(db, id);
    if (now?.cover?.key !== key) await storage.deletePrefix(key).catch(() => undefined);
    throw error;
  }
  const old = previous as Cover | null;
  if (old && old.key !== key) await storage.deletePrefix(old.key).catch(() => undefined);
  return getEditable(db, actor, locale, id);
}

/** Removes an item's cover at the version read. */
export async function removeCover(
  db: Db,
  storage: Storage,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  id: number,
  version: number,
) {
  const old = await db.transaction(async (tx) => {
    const before = await editableRow(tx, actor, id);
    if (before.version !== version) throw staleVersion({ version }, await getEditable(tx, actor, locale, id));
    const after = await store.setCover(tx, id, version, null);
    if (!after) throw staleVersion({ version }, await getEditable(tx, actor, locale, id));
    await audit(tx, ctx, {
      action: 'update',
      entity: 'portal_article',
      entityId: id,
      before: { cover: before.cover },
      after: { cover: null },
    });
    return before.cover;
  });
  if (old) await storage.deletePrefix(old.key).catch(() => undefined);
  return getEditable(db, actor, locale, id);
}

/** A cover file by its name in the URL: only the item's current cover is served. */
export async function coverFile(db: Db, storage: Storage, name: string) {
  const dash = name.indexOf('-');
  const id = Number(name.slice(0, dash));
  const row = await store.findArticle(db, id);
  const cover = row?.cover;
  if (!cover || coverFileName(cover) !== name.slice(dash + 1)) throw notFound('cover');
  const size = await storage.size(cover.key);
  if (size === null) throw notFound('cover');
  return { contentType: cover.contentType, size, stream: storage.read(cover.key) };
}
