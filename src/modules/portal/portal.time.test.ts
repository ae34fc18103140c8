import { describe, expect, it } from 'vitest';
import { instantOf, occurrences, parseWall, wallOf, wallText } from '@/modules/portal/portal.time';

/** Wall times in zones with and without clock changes, the remembered walls and the fast path included. */
describe('wall-clock times in a time zone', () => {
  it('finds the instant of a wall time, in a zone without clock changes and in one with them', () => {
    expect(instantOf(parseWall('2026-12-07T10:30'), 'Asia/Baku')!.toISOString()).toBe(
      '2026-12-07T06:30:00.000Z',
    );
    expect(instantOf(parseWall('2026-07-01T10:00'), 'Europe/Berlin')!.toISOString()).toBe(
      '2026-07-01T08:00:00.000Z',
    );
    expect(instantOf(parseWall('2026-01-15T10:00'), 'Europe/Berlin')!.toISOString()).toBe(
      '2026-01-15T09:00:00.000Z',
    );
  });

  it('has no instant for a time a clock change skips, and the earlier of a repeated hour', () => {
    // Berlin, 29 March 2026: 02:00 → 03:00; 25 October 2026: 03:00 → 02:00.
    expect(instantOf(parseWall('2026-03-29T02:30'), 'Europe/Berlin')).toBeNull();
    expect(instantOf(parseWall('2026-10-25T02:30'), 'Europe/Berlin')!.toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(instantOf(parseWall('2026-04-31T10:00'), 'Asia/Baku')).toBeNull();
  });

  it('gives the same wall time when asked again (remembered), and a copy the caller may change', () => {
    const at = new Date('2026-10-25T00:30:00Z');
    const first = wallOf(at, 'Europe/Berlin');
    first.h = 99;
    expect(wallText(wallOf(at, 'Europe/Berlin'))).toBe('2026-10-25T02:30');
  });

  it('repeats weekly at the same local time across a clock change', () => {
    const startsAt = instantOf(parseWall('2026-10-18T10:00'), 'Europe/Berlin')!;
    const list = occurrences(
      {
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3_600_000),
        timeZone: 'Europe/Berlin',
        repeat: 'weekly',
        repeatCount: 3,
        repeatUntil: null,
      },
      new Date('2026-01-01T00:00:00Z'),
      new Date('2027-01-01T00:00:00Z'),
    );
    expect(list.map((o) => wallText(wallOf(o.startsAt, 'Europe/Berlin')))).toEqual([
      '2026-10-18T10:00',
      '2026-10-25T10:00',
      '2026-11-01T10:00',
    ]);
    expect(list.map((o) => o.startsAt.toISOString())).toEqual([
      '2026-10-18T08:00:00.000Z',
      '2026-10-25T09:00:00.000Z',
      '2026-11-01T09:00:00.000Z',
    ]);
  });
});
