import { describe, expect, it } from 'vitest';
import { formatFor } from '@/web/format';

// Local times (no "Z"), so the answers do not depend on the machine's time zone.
const MOMENT = '2026-11-23T08:05:00';
const WEEK = [1, 2, 3, 4, 5, 6, 7];

describe('the formatter', () => {
  it('writes Azerbaijani from its own tables, whatever the runtime knows', () => {
    const f = formatFor('az');
    expect(WEEK.map((d) => f.weekday(d))).toEqual([
      'Bazar ertəsi',
      'Çərşənbə axşamı',
      'Çərşənbə',
      'Cümə axşamı',
      'Cümə',
      'Şənbə',
      'Bazar',
    ]);
    expect(WEEK.map((d) => f.weekday(d, 'short'))).toEqual(['B.E.', 'Ç.A.', 'Ç.', 'C.A.', 'C.', 'Ş.', 'B.']);
    expect(['2026-01-05', '2026-06-10', '2026-12-31'].map((d) => f.date(d))).toEqual([
      '5 yan 2026',
      '10 iyn 2026',
      '31 dek 2026',
    ]);
    expect(f.date('2026-11-25', { weekday: true })).toBe('25 noy 2026, çərşənbə');
    expect(f.dateTime(MOMENT)).toBe('23 noy 2026, 08:05');
    expect(f.time(MOMENT)).toBe('08:05');
    expect(f.time('8:30')).toBe('08:30');
    expect(f.number(1234567.5)).toBe('1.234.567,5');
    expect(f.percent(0.125)).toBe('12,5%');
  });

  it('writes Russian', () => {
    const f = formatFor('ru');
    expect(WEEK.map((d) => f.weekday(d))).toEqual([
      'Понедельник',
      'Вторник',
      'Среда',
      'Четверг',
      'Пятница',
      'Суббота',
      'Воскресенье',
    ]);
    expect(f.weekday(1, 'short')).toBe('Пн');
    expect(f.date('2026-11-23')).toBe('23 нояб. 2026 г.');
    expect(f.date('2026-01-05')).toBe('5 янв. 2026 г.');
    expect(f.date('2026-11-25', { weekday: true })).toBe('Среда, 25 нояб. 2026 г.');
    expect(f.dateTime(MOMENT)).toBe('23 нояб. 2026 г., 08:05');
    expect(f.time('14:45')).toBe('14:45');
  });

  it('writes English, on the 24-hour clock', () => {
    const f = formatFor('en');
    expect(WEEK.map((d) => f.weekday(d))).toEqual([
      'Monday',
      'Tuesday',
      'Wednesday',
      'Thursday',
      'Friday',
      'Saturday',
      'Sunday',
    ]);
    expect(f.weekday(7, 'short')).toBe('Sun');
    expect(f.date('2026-11-23')).toBe('Nov 23, 2026');
    expect(f.date('2026-11-25', { weekday: true })).toBe('Wednesday, Nov 25, 2026');
    expect(f.dateTime('2026-11-23T15:40:00')).toBe('Nov 23, 2026, 15:40');
    expect(f.time('2026-11-23T15:40:00')).toBe('15:40');
  });

  it('keeps a calendar day on its day, in any time zone', () => {
    // A day as the API sends it (a bare date) is never moved by the device's offset from UTC.
    for (const locale of ['az', 'ru', 'en']) expect(formatFor(locale).date('2026-03-01')).toMatch(/\b1\b/);
  });
});
