import fs from 'node:fs';
import { addDays, schoolToday, weekdayOf } from '@/modules/classroom/classroom.service';
import { parseClock, startClockAt } from '@/server/clock';

/**
 * The date a date-sensitive test file runs at. Such a file fixes its own default (a school Wednesday in term)
 * and starts the server's clock there (`startServer({ clock })` for browser tests, `startTestClock` for API
 * tests); `TEST_CLOCK` replaces that default, so that CI runs the same files again on a Sunday, on a holiday
 * of the country pack and on the last day of a term. Such a test never reads the real date: it computes
 * the days it needs from this instant with the helpers below.
 */
export function testClock(fallback: string = SCHOOL_WEDNESDAY): Date {
  return parseClock(process.env.TEST_CLOCK || fallback);
}

/** A school Wednesday in the first half-year, at 10 in the morning: the default of date-sensitive tests. */
export const SCHOOL_WEDNESDAY = '2026-12-09T10:00:00+04:00';

/**
 * For API tests, whose server runs in the test's process: starts the process's clock at `testClock(fallback)`
 * and returns that instant. Call it at the top of the file, before anything reads the date.
 */
export function startTestClock(fallback: string = SCHOOL_WEDNESDAY): Date {
  const start = testClock(fallback);
  startClockAt(start);
  return start;
}

interface CalendarEntry {
  kind: string;
  startsOn: string;
  endsOn: string;
}
const calendar = JSON.parse(
  fs.readFileSync(new URL('../country-packs/az/calendar.json', import.meta.url), 'utf8'),
) as {
  academicYears: { startsOn: string; endsOn: string; entries: CalendarEntry[] }[];
};

/** The school's date (YYYY-MM-DD, Asia/Baku) of an instant. */
export const schoolDayOf = (instant: Date): string => schoolToday(instant);

/** Whether lessons are held on `day` by the demo country's calendar: Monday to Saturday, in a year, no holiday. */
export function isSchoolDay(day: string): boolean {
  if (weekdayOf(day) === 7) return false;
  const year = calendar.academicYears.find((y) => y.startsOn <= day && day <= y.endsOn);
  if (!year) return false;
  return !year.entries.some((e) => e.kind === 'holiday' && e.startsOn <= day && day <= e.endsOn);
}

/** The first school day on or after `day`. */
export function nextSchoolDay(day: string): string {
  let next = day;
  while (!isSchoolDay(next)) next = addDays(next, 1);
  return next;
}

/** The Monday of `day`'s week. */
export const mondayOf = (day: string): string => addDays(day, 1 - weekdayOf(day));

/** How many weeks after `today`'s week `day`'s week is (0: the same week). */
export const weeksAfter = (today: string, day: string): number =>
  Math.round((Date.parse(mondayOf(day)) - Date.parse(mondayOf(today))) / (7 * 86_400_000));
