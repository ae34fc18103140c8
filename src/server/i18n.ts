/** The languages every visible string, error and e-mail comes in; Azerbaijani is the default. */
export const LOCALES = ['az', 'ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'az';

/** A message catalogue: for each locale, message code → text with `{name}` placeholders. */
export type Messages = Record<Locale, Record<string, string>>;

const catalogue: Messages = { az: {}, ru: {}, en: {} };

/**
 * Adds a module's messages to the server catalogue. Every code must exist in all three languages, so a
 * missing translation fails at start rather than showing a raw key to a user.
 */
export function defineMessages(messages: Messages): void {
  const codes = new Set(LOCALES.flatMap((l) => Object.keys(messages[l])));
  for (const code of codes) {
    for (const locale of LOCALES) {
      if (!(code in messages[locale])) throw new Error(`message "${code}" has no ${locale} text`);
    }
  }
  for (const locale of LOCALES) Object.assign(catalogue[locale], messages[locale]);
}

/** Whether a string is one of the supported locales. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Picks the caller's language from an Accept-Language header, honouring its q-values. */
export function localeFromHeader(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: tag.toLowerCase().split('-')[0] ?? '', q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((r) => r.lang).find(isLocale);
}

function format(value: unknown, locale: Locale): string {
  if (typeof value === 'number') return new Intl.NumberFormat(locale).format(value);
  if (value instanceof Date) return new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(value);
  return String(value);
}

/** Translates a message code; unknown codes fall back to the code itself so nothing crashes. */
export function translate(locale: Locale, code: string, params: Record<string, unknown> = {}): string {
  const text = catalogue[locale][code] ?? catalogue[DEFAULT_LOCALE][code] ?? code;
  return text.replace(/\{(\w+)\}/g, (_, name: string) =>
    name in params ? format(params[name], locale) : `{${name}}`,
  );
}

/** Whether the catalogue knows a code (used by tests that check every error is translated). */
export function hasMessage(code: string): boolean {
  return code in catalogue.en;
}
