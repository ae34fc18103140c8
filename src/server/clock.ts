/**
 * The server's one clock. Everything that decides by the current time — today's date at school, this week's
 * lessons, a contest's open window, a hand-in's late flag, when a job is due, when a session expires — reads
 * `now()` here instead of `new Date()`, so that the whole server can be run at another date.
 *
 * By default it is the real clock. `MAKTAB_CLOCK=<ISO time>` (see `config.ts`) starts it at that instant when
 * the app is built, and from there it runs on at the real clock's pace: sessions, expiries and timers still
 * work. Tests use it to fix the date they run at. There is one clock per process.
 */

/** Milliseconds the clock is ahead of the real clock (negative when behind). */
let offsetMs = 0;
let fixedStart: Date | null = null;

/** The current time by the server's clock. */
export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

/** The current time by the server's clock, in milliseconds since the epoch (as `Date.now()`). */
export function nowMs(): number {
  return Date.now() + offsetMs;
}

/**
 * How far the clock is from the real one, in milliseconds. SQL that compares with the database's `now()` adds
 * it (`now() + offset`) rather than sending `now()` from here: a time sent as ISO text loses the database's
 * microseconds, so a row stamped `now()` a moment ago could read as later than a clock time sent after it.
 */
export function clockOffsetMs(): number {
  return offsetMs;
}

/** Starts the clock at `instant`, running on from there; `null` goes back to the real clock. */
export function startClockAt(instant: Date | null): void {
  fixedStart = instant;
  offsetMs = instant ? instant.getTime() - Date.now() : 0;
}

/** The instant the clock was started at, or null when it is the real clock. */
export function clockStart(): Date | null {
  return fixedStart;
}

/** Reads a `MAKTAB_CLOCK` value: an ISO 8601 time with its offset (`2026-12-09T10:00:00+04:00`) or a date. */
export function parseClock(value: string): Date {
  const time = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) {
    throw new Error(`MAKTAB_CLOCK must be an ISO time such as 2026-12-09T10:00:00+04:00, got "${value}"`);
  }
  return new Date(time);
}
