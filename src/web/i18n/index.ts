import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import az from '@/web/i18n/az.json';
import ru from '@/web/i18n/ru.json';
import en from '@/web/i18n/en.json';
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

/** The cookie that tells the server this device's language (see src/server/public-pages.ts). */
export const LANGUAGE_COOKIE = 'maktab_lang';

/** The resources of every language, for the check that all three have the same keys. */
export const RESOURCES = { az, ru, en } as const;

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

/** Switches the interface language: the strings, `<html lang>`, the API's Accept-Language, and this device's memory. */
export async function applyLanguage(locale: Locale): Promise<void> {
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

/** Starts i18next with the language this device chose last, else Azerbaijani. All three are bundled: together they are a few kilobytes. */
export async function initI18n(): Promise<void> {
  const initial = storedLanguage() ?? 'az';
  setApiLanguage(initial);
  document.documentElement.lang = initial;
  await i18next.use(initReactI18next).init({
    resources: { az: { translation: az }, ru: { translation: ru }, en: { translation: en } },
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
