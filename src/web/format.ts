import { useTranslation } from 'react-i18next';

/**
 * Numbers and dates in the interface language, through Intl. Chromium (and so most Android phones' WebView)
 * ships without Azerbaijani locale data: Intl then answers "2026 M11 23" and "1,234,567.5". When that is
 * detected, Azerbaijani is formatted here from CLDR's own patterns ("23 noy 2026, 08:26", "1.234.567,5"),
 * exactly what a browser with the data would show.
 */

// CLDR, Azerbaijani, abbreviated month names (format context).
const AZ_MONTHS = ['yan', 'fev', 'mar', 'apr', 'may', 'iyn', 'iyl', 'avq', 'sen', 'okt', 'noy', 'dek'];

const hasData = new Map<string, boolean>();

/** Whether this browser's Intl really knows the locale, rather than falling back to ICU's root data. */
function intlKnows(locale: string): boolean {
  let known = hasData.get(locale);
  if (known === undefined) {
    const month = new Intl.DateTimeFormat(locale, { month: 'long' }).format(new Date(2026, 10, 5));
    known = !/^M?\d+$/.test(month);
    hasData.set(locale, known);
  }
  return known;
}

/** Formats like `en` but with Azerbaijani separators: dot between thousands, comma before decimals. */
function azNumber(n: number, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat('en', options)
    .formatToParts(n)
    .map((p) => (p.type === 'group' ? '.' : p.type === 'decimal' ? ',' : p.value))
    .join('');
}

/** A calendar day (`2026-11-23`) as a local date, so no time zone moves it to the day before. */
function day(iso: string): Date {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return new Date(y!, m! - 1, d);
}

function azDateTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getDate()} ${AZ_MONTHS[date.getMonth()]} ${date.getFullYear()}, ${two(date.getHours())}:${two(date.getMinutes())}`;
}

// Azerbaijani ordinal endings of 1 to 12, by vowel harmony with the number's last sound (1-ci, 3-cü, 6-cı, 9-cu).
const AZ_ORDINAL = ['ci', 'ci', 'cü', 'cü', 'ci', 'cı', 'ci', 'ci', 'cu', 'cu', 'ci', 'ci'];

/** A grade's number as its label wants it: "5-ci" in Azerbaijani, the bare number in the other languages. */
export function gradeOrdinal(locale: string, grade: number): string {
  return locale === 'az' ? `${grade}-${AZ_ORDINAL[(grade - 1) % AZ_ORDINAL.length]}` : String(grade);
}

/** Formatters for the current interface language. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.language;
  const own = locale !== 'az' || intlKnows(locale);
  return {
    number: (n: number) => (own ? new Intl.NumberFormat(locale).format(n) : azNumber(n)),
    dateTime: (iso: string) =>
      own
        ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))
        : azDateTime(new Date(iso)),
    date: (iso: string) =>
      own
        ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(day(iso))
        : `${day(iso).getDate()} ${AZ_MONTHS[day(iso).getMonth()]} ${day(iso).getFullYear()}`,
    percent: (fraction: number) => {
      const options = { style: 'percent', maximumFractionDigits: 1 } as const;
      return own ? new Intl.NumberFormat(locale, options).format(fraction) : azNumber(fraction, options);
    },
  };
}
