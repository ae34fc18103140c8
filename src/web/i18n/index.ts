import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { setApiLanguage, type Locale } from '@/web/api';

/**
 * The interface languages. Azerbaijani is the default; each is named in itself in the switcher, so a person
 * who cannot read the current language still finds their own.
 */
export const LANGUAGES: readonly { code: Locale; name: string }[] = [
  { code: 'az', name: 'Azərbaycanca' },
  { code: 'ru', name: 'Русский' },
  { code: 'en', name: 'English' },
];

/** Where a signed-out visitor's choice of language is kept on this device. */
export const LANGUAGE_STORAGE_KEY = 'maktab.language';

/**
 * Each language's strings, fetched when it is first needed: a visitor downloads only the language they read
 * (each file is a separate chunk of the build; the check that all three have the same keys imports them itself).
 */
const LOADERS: Record<Locale, () => Promise<{ default: object }>> = {
  az: () => import('@/web/i18n/az.json'),
  ru: () => import('@/web/i18n/ru.json'),
  en: () => import('@/web/i18n/en.json'),
};

/** Fetches a language's strings into i18next, once. */
export async function loadLanguage(locale: Locale): Promise<void> {
  if (i18next.hasResourceBundle(locale, 'translation')) return;
  const { default: strings } = await LOADERS[locale]();
  i18next.addResourceBundle(locale, 'translation', strings);
}

/** The cookie that tells the server this device's language (see src/server/public-pages.ts). */
export const LANGUAGE_COOKIE = 'maktab_lang';

/** Whether a value is one of the interface languages. */
export function isLocale(value: unknown): value is Locale {
  return LANGUAGES.some((l) => l.code === value);
}

function storedLanguage(): Locale | null {
  try {
    const value = localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    // Storage can be blocked (private mode, strict settings); the default language still works.
    return null;
  }
}

/**
 * Switches the interface language: its strings (fetched first, so the page never shows raw keys), `<html lang>`,
 * the API's Accept-Language, and this device's memory.
 */
export async function applyLanguage(locale: Locale): Promise<void> {
  await loadLanguage(locale);
  setApiLanguage(locale);
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, locale);
    // The server reads it too, for the pages it writes itself (a resource's page, "not found").
    document.cookie = `${LANGUAGE_COOKIE}=${locale}; path=/; max-age=31536000; samesite=lax`;
  } catch {
    // See storedLanguage: not remembering is acceptable, failing is not.
  }
  await i18next.changeLanguage(locale);
}

/** The language the server was told this device chose (the cookie applyLanguage sets), if any. */
function cookieLanguage(): Locale | null {
  const value = new RegExp(`(?:^|;\\s*)${LANGUAGE_COOKIE}=([^;]*)`).exec(document.cookie)?.[1];
  return isLocale(value) ? value : null;
}

/**
 * Starts i18next with the language this device chose last (kept in storage, and in the cookie the server reads
 * for the pages it writes, so the app starts in the language of the page it replaces), else Azerbaijani, once that language's strings are
 * here (the app renders after this, so no raw keys flash). The other languages are fetched when chosen.
 */
export async function initI18n(): Promise<void> {
  const initial = storedLanguage() ?? cookieLanguage() ?? 'az';
  setApiLanguage(initial);
  document.documentElement.lang = initial;
  const { default: strings } = await LOADERS[initial]();
  await i18next.use(initReactI18next).init({
    resources: { [initial]: { translation: strings } },
    lng: initial,
    fallbackLng: false,
    // React escapes what it renders; escaping here too would show entities.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
}

/** The name of an area or institution in the current language; they are stored in all three. */
export function localName(item: { nameAz: string; nameRu: string; nameEn: string }, locale: string): string {
  return locale === 'ru' ? item.nameRu : locale === 'en' ? item.nameEn : item.nameAz;
}
