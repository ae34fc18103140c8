import { describe, expect, it } from 'vitest';
import {
  tightenedPolicies,
  effectivePolicy,
  inLessons,
  lessonWindowsOf,
  type EffectiveInput,
  type PolicyRow,
} from '@/modules/safety/safety.effective';

const off = { google: false, youtube: 'off' as const, bing: false, duckduckgo: false, yandex: false };
const policy = (id: number, over: Partial<PolicyRow> = {}): PolicyRow => ({
  id,
  categories: [],
  blockLists: [],
  allowLists: [],
  safeSearch: off,
  bypassProtection: false,
  action: 'blockpage',
  ...over,
});
const policies = new Map([
  [
    1,
    policy(1, {
      categories: ['adult', 'gambling'],
      safeSearch: { ...off, google: true },
      bypassProtection: true,
    }),
  ],
  [2, policy(2, { categories: ['adult'] })],
  [3, policy(3, { categories: ['adult'], action: 'nxdomain', blockLists: [7], allowLists: [9] })],
  [4, policy(4)],
]);
const at = (local: string) => new Date(`${local}+04:00`);
// 2026-12-09 is a Wednesday.
const base = (over: Partial<EffectiveInput> = {}): EffectiveInput => ({
  network: { institutionId: 10, kind: 'pupils' },
  areaChain: [200, 100],
  now: at('2026-12-09T10:00:00'),
  assignments: [
    { areaId: null, institutionId: null, networkKind: 'pupils', window: 'lessons', policyId: 1 },
    { areaId: null, institutionId: null, networkKind: 'pupils', window: 'after_school', policyId: 2 },
    { areaId: null, institutionId: null, networkKind: 'staff', window: 'always', policyId: 4 },
  ],
  lessonWindows: [{ weekdays: [1, 2, 3, 4, 5], startMinute: 8 * 60, endMinute: 14 * 60 }],
  holidays: [],
  exams: [],
  unblocks: [],
  policies,
  ...over,
});

describe('the effective policy', () => {
  it('gives pupils the lessons policy in lesson hours, the after-school one after, staff their own', () => {
    expect(effectivePolicy(base())).toEqual({
      window: 'lessons',
      policyId: 1,
      examId: null,
      tags: ['bypass', 'c_adult', 'c_gambling', 'ss_google'],
    });
    expect(effectivePolicy(base({ now: at('2026-12-09T14:00:00') }))).toMatchObject({
      window: 'after_school',
      policyId: 2,
      tags: ['c_adult'],
    });
    expect(effectivePolicy(base({ network: { institutionId: 10, kind: 'staff' } }))).toMatchObject({
      policyId: 4,
      tags: [],
    });
    // Saturday: no lessons.
    expect(effectivePolicy(base({ now: at('2026-12-12T10:00:00') })).window).toBe('after_school');
  });

  it('has no lessons on a holiday of the calendar', () => {
    const holidays = [{ startsOn: '2026-12-08', endsOn: '2026-12-09' }];
    expect(effectivePolicy(base({ holidays })).policyId).toBe(2);
    expect(effectivePolicy(base({ holidays, now: at('2026-12-10T10:00:00') })).policyId).toBe(1);
  });

  it('keeps a window crossing midnight on the day it starts', () => {
    const night = [{ weekdays: [3], startMinute: 22 * 60, endMinute: 2 * 60 }];
    expect(inLessons(at('2026-12-09T23:30:00'), night, [])).toBe(true);
    expect(inLessons(at('2026-12-10T01:59:00'), night, [])).toBe(true); // Thursday, after Wednesday's start
    expect(inLessons(at('2026-12-10T02:00:00'), night, [])).toBe(false);
    expect(inLessons(at('2026-12-10T23:30:00'), night, [])).toBe(false); // Thursday is not in the window
    expect(inLessons(at('2026-12-09T01:00:00'), night, [])).toBe(false); // Tuesday's night is not either
    // A holiday on the Wednesday removes the part after midnight too.
    expect(
      inLessons(at('2026-12-10T01:00:00'), night, [{ startsOn: '2026-12-09', endsOn: '2026-12-09' }]),
    ).toBe(false);
    // From UTC: 20:30 UTC on Wednesday is 00:30 Thursday in Baku.
    expect(inLessons(new Date('2026-12-09T20:30:00Z'), night, [])).toBe(true);
  });

  it('lets the most specific scope win, for assignments and windows', () => {
    const assignments = [
      ...base().assignments,
      { areaId: 100, institutionId: null, networkKind: 'pupils', window: 'always', policyId: 3 },
    ];
    expect(effectivePolicy(base({ assignments })).policyId).toBe(3);
    const school = { areaId: null, institutionId: 10, networkKind: 'pupils', window: 'lessons', policyId: 2 };
    expect(effectivePolicy(base({ assignments: [...assignments, school] })).policyId).toBe(2);
    // After school, the school has no row of its own: the region's `always` applies.
    expect(
      effectivePolicy(base({ assignments: [...assignments, school], now: at('2026-12-09T16:00:00') }))
        .policyId,
    ).toBe(3);
    const rows = [
      { areaId: null, institutionId: null, weekdays: [1], startMinute: 1, endMinute: 2 },
      { areaId: 100, institutionId: null, weekdays: [2], startMinute: 3, endMinute: 4 },
      { areaId: 200, institutionId: null, weekdays: [3], startMinute: 5, endMinute: 6 },
      { areaId: null, institutionId: 11, weekdays: [4], startMinute: 7, endMinute: 8 },
    ];
    expect(lessonWindowsOf(10, [200, 100], [], rows)).toEqual([
      { weekdays: [3], startMinute: 5, endMinute: 6 },
    ]);
    expect(lessonWindowsOf(11, [200, 100], [], rows)).toEqual([
      { weekdays: [4], startMinute: 7, endMinute: 8 },
    ]);
    expect(lessonWindowsOf(12, [300], [], rows)).toEqual([{ weekdays: [1], startMinute: 1, endMinute: 2 }]);
    // Bells win over rows: first bell to last bell of every shift.
    const bells = [
      { startMinute: 480, endMinute: 525 },
      { startMinute: 840, endMinute: 1140 },
    ];
    expect(lessonWindowsOf(10, [200], bells, rows)).toEqual([
      { weekdays: [1, 2, 3, 4, 5], startMinute: 480, endMinute: 1140 },
    ]);
  });

  it('lets an exam override the pupils of its schools only, with no exceptions', () => {
    const exams = [
      { id: 5, startsAt: at('2026-12-09T09:00:00'), endsAt: at('2026-12-09T12:00:00'), institutionIds: [10] },
    ];
    const unblocks = [
      {
        institutionId: 10,
        domain: 'x.test',
        startsAt: at('2026-12-09T00:00:00'),
        endsAt: at('2026-12-10T00:00:00'),
      },
    ];
    expect(effectivePolicy(base({ exams, unblocks }))).toMatchObject({
      examId: 5,
      tags: ['bypass', 'e_5', 'e_all', 'ss_google'],
    });
    expect(effectivePolicy(base({ exams, unblocks, now: at('2026-12-09T12:00:00') })).tags).toContain('x_10');
    expect(effectivePolicy(base({ exams, network: { institutionId: 10, kind: 'staff' } })).examId).toBeNull();
    expect(
      effectivePolicy(base({ exams, network: { institutionId: 11, kind: 'pupils' } })).examId,
    ).toBeNull();
  });

  it('answers NXDOMAIN through the twin zones for a policy that says so', () => {
    const assignments = [
      { areaId: null, institutionId: null, networkKind: 'pupils', window: 'always', policyId: 3 },
    ];
    expect(effectivePolicy(base({ assignments })).tags).toEqual(['a_9', 'n_adult', 'nl_7']);
  });

  it('gives an unassigned network no tags', () => {
    expect(effectivePolicy(base({ network: { institutionId: 10, kind: 'guests' } }))).toEqual({
      window: 'lessons',
      policyId: null,
      examId: null,
      tags: [],
    });
  });
});

describe('a tightening', () => {
  it("takes its national policy's current rules besides its own, never fewer", () => {
    const off = { google: false, youtube: 'off' as const, bing: false, duckduckgo: false, yandex: false };
    const national = {
      id: 1,
      parentId: null,
      categories: ['adult', 'gambling'],
      blockLists: [7],
      allowLists: [3, 4],
      safeSearch: { ...off, google: true, youtube: 'strict' as const },
      bypassProtection: true,
      action: 'blockpage',
    };
    const region = {
      id: 2,
      parentId: 1,
      categories: ['games'],
      blockLists: [],
      allowLists: [4, 5],
      safeSearch: { ...off, youtube: 'moderate' as const, bing: true },
      bypassProtection: false,
      action: 'nxdomain',
    };
    const out = tightenedPolicies([national, region]);
    expect(out.get(2)).toEqual({
      id: 2,
      categories: ['adult', 'gambling', 'games'],
      blockLists: [7],
      allowLists: [4],
      safeSearch: { ...off, google: true, youtube: 'strict', bing: true },
      bypassProtection: true,
      action: 'nxdomain',
    });
    expect(out.get(1)).toMatchObject({ categories: ['adult', 'gambling'], allowLists: [3, 4] });
  });
});
