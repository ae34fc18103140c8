/**
 * Timetable clashes, as a pure function over weekly periods with their clock times: the service loads every
 * period a change could touch and asks here which of them clash. Clock times, not period numbers, decide:
 * a teacher's 3rd period in the first shift may overlap their 1st in the second.
 */

/** A weekly period placed on the clock. */
export interface Slot {
  /** Any key that tells periods apart (a database id, or a placeholder for a period not yet saved). */
  key: string;
  classId: number;
  institutionId: number;
  teacherId: number;
  room: string | null;
  weekday: number;
  startMinute: number;
  endMinute: number;
}

/** The kinds of clash: a teacher in two places, a room with two classes, a class with two periods. */
export type ClashKind = 'teacher' | 'room' | 'class';

/** Two periods that cannot both happen. */
export interface Clash<S extends Slot = Slot> {
  kind: ClashKind;
  /** The period being written. */
  slot: S;
  /** The period it clashes with. */
  other: S;
}

/** Rooms are typed by people: "  12b" and "12B" are one room. */
export const roomKey = (room: string | null): string | null => {
  const key = room?.trim().toLocaleLowerCase('az') ?? '';
  return key === '' ? null : key;
};

const overlaps = (a: Slot, b: Slot) =>
  a.weekday === b.weekday && a.startMinute < b.endMinute && b.startMinute < a.endMinute;

/**
 * The clashes of the `changed` periods with every other period in `slots` (which holds the changed ones
 * too). Each pair is reported once, and for each pair every kind that applies.
 */
export function findClashes<S extends Slot>(slots: readonly S[], changed: ReadonlySet<string>): Clash<S>[] {
  const clashes: Clash<S>[] = [];
  const byDay = new Map<number, S[]>();
  for (const s of slots) {
    const list = byDay.get(s.weekday) ?? [];
    list.push(s);
    byDay.set(s.weekday, list);
  }
  const seen = new Set<string>();
  for (const slot of slots) {
    if (!changed.has(slot.key)) continue;
    for (const other of byDay.get(slot.weekday) ?? []) {
      if (other.key === slot.key || !overlaps(slot, other)) continue;
      const pair = slot.key < other.key ? `${slot.key}|${other.key}` : `${other.key}|${slot.key}`;
      if (seen.has(pair)) continue;
      seen.add(pair);
      if (slot.classId === other.classId) clashes.push({ kind: 'class', slot, other });
      if (slot.teacherId === other.teacherId) clashes.push({ kind: 'teacher', slot, other });
      const room = roomKey(slot.room);
      if (room !== null && slot.institutionId === other.institutionId && room === roomKey(other.room)) {
        clashes.push({ kind: 'room', slot, other });
      }
    }
  }
  return clashes;
}

/** "08:30" for 510 minutes after midnight. */
export const clock = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Minutes after midnight of an "HH:MM" time (the schema has checked its form). */
export const minutesOf = (time: string): number => {
  const [h, m] = time.split(':').map(Number);
  return h! * 60 + m!;
};
