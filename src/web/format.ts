import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Numbers, dates, weekdays and times in the interface language: every one the web app shows goes through
 * `useFormat()` (the lint forbids `toLocaleDateString` and the like elsewhere, and `Intl.DateTimeFormat`
 * outside this file). Russian and English come from the browser's Intl. Azerbaijani is written here from
 * CLDR's own patterns and names ("23 noy 2026, 08:26", "bazar ertəsi", "1.234.567,5"), always: Chromium (and
 * so most Android phones' WebView) ships without Azerbaijani locale data and would answer "2026 M11 23",
 * "Monday" and "1,234,567.5", and browsers that have the data agree with these tables anyway.
 *
 * Times are on the 24-hour clock in every language, as the country's bells and timetables are.
 */

// CLDR, Azerbaijani, abbreviated month names (format context).
const AZ_MONTHS = ['yan', 'fev', 'mar', 'apr', 'may', 'iyn', 'iyl', 'avq', 'sen', 'okt', 'noy', 'dek'];
// CLDR, Azerbaijani, weekday names, Monday first (ISO weekday 1 to 7).
const AZ_WEEKDAYS = ['bazar ertəsi', 'çərşənbə axşamı', 'çərşənbə', 'cümə axşamı', 'cümə', 'şənbə', 'bazar'];
const AZ_WEEKDAYS_SHORT = ['B.E.', 'Ç.A.', 'Ç.', 'C.A.', 'C.', 'Ş.', 'B.'];

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

const two = (n: number) => String(n).padStart(2, '0');
const WALL_CLOCK = /^(\d{1,2}):(\d{2})(:\d{2})?$/;
/** ISO weekday (1 = Monday … 7 = Sunday) of a date. */
const isoWeekday = (date: Date) => ((date.getDay() + 6) % 7) + 1;
/** The first letter in capitals, as a name standing alone (a heading, an option) is written. */
const capital = (locale: string, s: string) => s.charAt(0).toLocaleUpperCase(locale) + s.slice(1);

/** What a formatter for one interface language offers; `useFormat()` gives the current language's. */
export interface Format {
  /** 1234567.5 → "1.234.567,5" (az), "1 234 567,5" (ru), "1,234,567.5" (en). */
  number: (n: number) => string;
  /** 0.125 → "12,5%" (az). */
  percent: (fraction: number) => string;
  /** A calendar day or a moment: "23 noy 2026"; with `weekday`, "23 noy 2026, bazar ertəsi", "Понедельник, 23 нояб. 2026 г.". */
  date: (iso: string, options?: { weekday?: boolean }) => string;
  /** A moment in this device's time zone: "23 noy 2026, 08:26". */
  dateTime: (iso: string) => string;
  /** A time of day, either a wall-clock "8:05" (a bell, a window) or a moment: "08:05". */
  time: (value: string) => string;
  /** A weekday by its ISO number (1 = Monday … 7 = Sunday), as a name standing alone: "Bazar ertəsi", "B.E.". */
  weekday: (isoDay: number, width?: 'long' | 'short') => string;
}

/** The formatter for one interface language (`az`, `ru`, `en`). */
export function formatFor(locale: string): Format {
  const az = locale === 'az';
  const clock = (date: Date) =>
    az
      ? `${two(date.getHours())}:${two(date.getMinutes())}`
      : new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
          date,
        );
  const azDate = (date: Date) => `${date.getDate()} ${AZ_MONTHS[date.getMonth()]} ${date.getFullYear()}`;
  const weekday = (isoDay: number, width: 'long' | 'short' = 'long') => {
    const name = az
      ? (width === 'long' ? AZ_WEEKDAYS : AZ_WEEKDAYS_SHORT)[(isoDay - 1) % 7]!
      : // 1 January 2024 was a Monday.
        new Intl.DateTimeFormat(locale, { weekday: width, timeZone: 'UTC' }).format(
          new Date(Date.UTC(2024, 0, isoDay)),
        );
    return capital(locale, name);
  };
  return {
    number: (n) => (az ? azNumber(n) : new Intl.NumberFormat(locale).format(n)),
    percent: (fraction) => {
      const options = { style: 'percent', maximumFractionDigits: 1 } as const;
      return az ? azNumber(fraction, options) : new Intl.NumberFormat(locale, options).format(fraction);
    },
    date: (iso, options = {}) => {
      const date = day(iso);
      if (az) return options.weekday ? `${azDate(date)}, ${AZ_WEEKDAYS[isoWeekday(date) - 1]}` : azDate(date);
      const text = new Intl.DateTimeFormat(locale, {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        ...(options.weekday ? { weekday: 'long' } : {}),
      }).format(date);
      return capital(locale, text);
    },
    dateTime: (iso) => {
      const date = new Date(iso);
      return az
        ? `${azDate(date)}, ${clock(date)}`
        : new Intl.DateTimeFormat(locale, {
            dateStyle: 'medium',
            timeStyle: 'short',
            hourCycle: 'h23',
          }).format(date);
    },
    time: (value) => {
      const wall = WALL_CLOCK.exec(value);
      return wall ? `${two(Number(wall[1]))}:${wall[2]}` : clock(new Date(value));
    },
    weekday,
  };
}

// Azerbaijani ordinal endings of 1 to 12, by vowel harmony with the number's last sound (1-ci, 3-cü, 6-cı, 9-cu).
const AZ_ORDINAL = ['ci', 'ci', 'cü', 'cü', 'ci', 'cı', 'ci', 'ci', 'cu', 'cu', 'ci', 'ci'];

/** A grade's number as its label wants it: "5-ci" in Azerbaijani, the bare number in the other languages. */
export function gradeOrdinal(locale: string, grade: number): string {
  return locale === 'az' ? `${grade}-${AZ_ORDINAL[(grade - 1) % AZ_ORDINAL.length]}` : String(grade);
}

/** Formatters for the current interface language. */
export function useFormat(): Format {
  const { i18n } = useTranslation();
  const locale = i18n.language;
  return useMemo(() => formatFor(locale), [locale]);
}
