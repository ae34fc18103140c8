import { LOCALES, type Locale } from '@/server/i18n';
import type { Cover } from '@/modules/portal/portal.tables';
import type { CoverOut } from '@/modules/portal/portal.schema';

/** How a news item's cover is shown (docs/portal.md "First HTML, cover images and speed"). */

/** The file name of a cover in its URL: `<item>-<sha256>.<ext>`. */
export const coverFileName = (c: Cover) => c.key.slice(c.key.lastIndexOf('/') + 1);
export const coverUrl = (articleId: number, c: Cover) =>
  `/api/portal/covers/${articleId}-${coverFileName(c)}`;

/** A cover as readers see it, with its text in the item's language (or any it has). */
export function coverOut(articleId: number, c: Cover | null, lang: Locale): CoverOut | null {
  if (!c) return null;
  const alt = c.alt[lang].trim() || LOCALES.map((l) => c.alt[l].trim()).find((a) => a !== '') || '';
  return { url: coverUrl(articleId, c), width: c.width, height: c.height, alt };
}

/** A cover as its editors see it. */
export const coverEdit = (articleId: number, c: Cover | null) =>
  c ? { url: coverUrl(articleId, c), width: c.width, height: c.height, bytes: c.bytes, alt: c.alt } : null;
