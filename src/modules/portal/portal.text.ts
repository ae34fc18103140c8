import sanitizeHtml from 'sanitize-html';
import { LOCALES, type Locale } from '@/server/i18n';
import type { Localised } from '@/modules/portal/portal.tables';

/**
 * The portal's text rules. Rich text (a news item's body) is HTML kept to a small allow-list by sanitize-html:
 * paragraphs, headings, emphasis, lists, quotes and links to http(s)/mailto only, no attributes but a link's
 * `href` (links get `rel="noopener noreferrer nofollow"`). It is sanitised when saved and again when read, so
 * a row written some other way still cannot carry a script. Plain texts are stored as typed and rendered as
 * text by React (never as HTML).
 */
const RICH: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'h2', 'h3', 'strong', 'b', 'em', 'i', 'u', 'ul', 'ol', 'li', 'blockquote', 'a'],
  allowedAttributes: { a: ['href', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
  },
};

/** A rich text made safe to put in a page as HTML. */
export function sanitiseRich(html: string): string {
  return sanitizeHtml(html, RICH).trim();
}

/** Each language of a rich text made safe. */
export const sanitiseLocalised = (t: Localised): Localised => ({
  az: sanitiseRich(t.az),
  ru: sanitiseRich(t.ru),
  en: sanitiseRich(t.en),
});

/** The text of an HTML fragment, for feeds' and search engines' summaries. */
export const plainOf = (html: string): string =>
  sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }).replace(/\s+/g, ' ').trim();

/** A localised text with each language trimmed. */
export const trimmed = (t: Localised): Localised => ({ az: t.az.trim(), ru: t.ru.trim(), en: t.en.trim() });

/**
 * The language to show a text in: the reader's if it has that translation, else the first of az, ru, en that
 * has one (the portal marks the fallback, so a reader knows why the text is in another language).
 */
export function languageFor(locale: Locale, has: (l: Locale) => boolean): Locale {
  if (has(locale)) return locale;
  return LOCALES.find(has) ?? locale;
}
