/**
 * Wall-clock times in a time zone, with the platform's `Intl` (no date library): an event is typed as a local
 * time in its zone, stored as an instant, and repeats at the same local time (so a weekly event keeps its hour
 * across a clock change).
 */

/** Whether `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string) {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(tz, f);
  }
  return f;
}

/** A local wall-clock time. */
export interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
}

/**
 * Wall times already worked out, by zone and instant: `formatToParts` costs microseconds, and a page expands
 * the same repeating events again and again (a zone's rules do not change while the process runs). Bounded:
 * emptied when full.
 */
const walls = new Map<string, Wall>();
const WALLS_MAX = 100_000;

/** The wall-clock time of an instant in a zone. */
export function wallOf(instant: Date, tz: string): Wall {
  const key = `${tz} ${instant.getTime()}`;
  const known = walls.get(key);
  if (known) return { ...known };
  const parts = Object.fromEntries(
    formatter(tz)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const wall = { y: +parts.year!, mo: +parts.month!, d: +parts.day!, h: +parts.hour!, mi: +parts.minute! };
  if (walls.size >= WALLS_MAX) walls.clear();
  walls.set(key, wall);
  return { ...wall };
}

/** `YYYY-MM-DDTHH:mm` of a wall time. */
export const wallText = (w: Wall) =>
  `${String(w.y).padStart(4, '0')}-${String(w.mo).padStart(2, '0')}-${String(w.d).padStart(2, '0')}T${String(
    w.h,
  ).padStart(2, '0')}:${String(w.mi).padStart(2, '0')}`;

/** Reads `YYYY-MM-DDTHH:mm`. */
export function parseWall(text: string): Wall {
  const [date, time] = text.split('T') as [string, string];
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  return { y, mo, d, h, mi };
}

const sameWall = (a: Wall, b: Wall) =>
  a.y === b.y && a.mo === b.mo && a.d === b.d && a.h === b.h && a.mi === b.mi;

/**
 * The instant of a wall time in a zone, or null when that time does not exist there (skipped by a clock
 * change) or is not a calendar date (31 April). Of two instants (a repeated hour), the earlier.
 */
export function instantOf(w: Wall, tz: string): Date | null {
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi);
  const check = new Date(asUtc);
  if (check.getUTCDate() !== w.d || check.getUTCMonth() !== w.mo - 1) return null;
  const offsetAt = (probe: Date) => {
    const pw = wallOf(probe, tz);
    return Date.UTC(pw.y, pw.mo - 1, pw.d, pw.h, pw.mi) - probe.getTime();
  };
  // The same offset a day before and a day after: no clock change near, so one instant, and it is this one.
  const before = offsetAt(new Date(asUtc - 86_400_000));
  if (before === offsetAt(new Date(asUtc + 86_400_000))) {
    const only = new Date(asUtc - before);
    return sameWall(wallOf(only, tz), w) ? only : null;
  }
  // The zone's offset near that time, tried at the guess and a day either side (covers a change that day).
  const candidates = [-86_400_000, 0, 86_400_000]
    .map((shift) => {
      const probe = new Date(asUtc + shift);
      const pw = wallOf(probe, tz);
      const offset = Date.UTC(pw.y, pw.mo - 1, pw.d, pw.h, pw.mi) - probe.getTime();
      return new Date(asUtc - offset);
    })
    .filter((c) => sameWall(wallOf(c, tz), w))
    .sort((a, b) => a.getTime() - b.getTime());
  return candidates[0] ?? null;
}

/** Adds days or months to a wall time's date (the time of day kept; the day may overflow: checked later). */
export function addToWall(w: Wall, unit: 'weekly' | 'monthly', k: number): Wall {
  if (unit === 'weekly') {
    const t = new Date(Date.UTC(w.y, w.mo - 1, w.d + 7 * k));
    return { ...w, y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate() };
  }
  const months = w.y * 12 + (w.mo - 1) + k;
  return { ...w, y: Math.floor(months / 12), mo: (months % 12) + 1 };
}

/** An event's timing, as stored. */
export interface Timing {
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  repeat: 'weekly' | 'monthly' | null;
  repeatCount: number | null;
  repeatUntil: Date | null;
}

/** The longest a recurrence is expanded to (an RRULE with `UNTIL` up to two years ahead stays under it). */
const MAX_OCCURRENCES = 200;

/**
 * The occurrences of an event (start and end instants), in order, that end after `from` and start before `to`.
 * As RFC 5545 does, a monthly repeat skips months without the start's day (the 31st), and a weekly or monthly
 * one skips a local time a clock change removes; `count` counts the occurrences that exist.
 */
export function occurrences(t: Timing, from: Date, to: Date): { startsAt: Date; endsAt: Date }[] {
  const length = t.endsAt.getTime() - t.startsAt.getTime();
  if (!t.repeat) {
    return t.endsAt > from && t.startsAt < to ? [{ startsAt: t.startsAt, endsAt: t.endsAt }] : [];
  }
  const first = wallOf(t.startsAt, t.timeZone);
  const out: { startsAt: Date; endsAt: Date }[] = [];
  let made = 0;
  for (let k = 0; made < (t.repeatCount ?? MAX_OCCURRENCES) && k < MAX_OCCURRENCES * 2; k++) {
    const start = k === 0 ? t.startsAt : instantOf(addToWall(first, t.repeat, k), t.timeZone);
    if (!start) continue;
    if (t.repeatUntil && start > t.repeatUntil) break;
    made++;
    if (start >= to) break;
    const end = new Date(start.getTime() + length);
    if (end > from) out.push({ startsAt: start, endsAt: end });
  }
  return out;
}

/** When the last occurrence ends. */
export function lastEnd(t: Timing): Date {
  const all = occurrences(t, new Date(0), new Date(8_640_000_000_000_000));
  return all.length ? all[all.length - 1]!.endsAt : t.endsAt;
}
