import { describe, expect, it } from 'vitest';
import {
  EMPTY,
  enqueue,
  parse,
  refuse,
  requestOf,
  resolve,
  settle,
  withReason,
  type GroupKey,
} from '@/web/journal/outbox-core';

const G: GroupKey = { classId: 7, subjectCode: 'mathematics', term: 'half_1' };
const OTHER: GroupKey = { ...G, subjectCode: 'physics' };
const theirs = (version: number) => ({
  attendance: { code: 'absent', reason: null },
  mark: null,
  version,
  updatedBy: 'Another Teacher',
  updatedAt: '2026-11-30T08:00:00.000Z',
});

describe('the journal outbox', () => {
  it('merges a later edit of a pending cell, keeping the version the first edit was based on', () => {
    let s = enqueue(
      EMPTY,
      G,
      [{ studentId: 1, key: 'l5', attendance: { code: 'present' }, baseVersion: 2 }],
      1,
    );
    s = enqueue(s, G, [{ studentId: 1, key: 'l5', mark: { value: 5 }, baseVersion: 3 }], 2);
    s = enqueue(s, OTHER, [{ studentId: 1, key: 'l5', mark: { value: 4 }, baseVersion: 0 }], 3);
    expect(s.groups).toHaveLength(2);
    expect(requestOf(s.groups.find((g) => g.subjectCode === 'mathematics')!)).toEqual({
      term: 'half_1',
      entries: [
        { studentId: 1, key: 'l5', attendance: { code: 'present' }, mark: { value: 5 }, baseVersion: 2 },
      ],
    });
  });

  it('drops saved cells, keeps cells edited again while the request was away, and holds conflicts for a choice', () => {
    let s = enqueue(
      EMPTY,
      G,
      [
        { studentId: 1, key: 'l5', attendance: { code: 'present' }, baseVersion: 0 },
        { studentId: 2, key: 'l5', attendance: { code: 'late' }, baseVersion: 1 },
        { studentId: 3, key: 'l5', attendance: { code: 'present' }, baseVersion: 4 },
      ],
      1,
    );
    const sent = s.groups[0]!;
    // Edited again before the answer came.
    s = enqueue(s, G, [{ studentId: 2, key: 'l5', mark: { value: 3 }, baseVersion: 1 }], 2);
    s = settle(s, sent, {
      saved: [
        { studentId: 1, key: 'l5', version: 1 },
        { studentId: 2, key: 'l5', version: 2 },
      ],
      conflicts: [{ studentId: 3, key: 'l5', theirs: theirs(5) }],
    });
    expect(s.groups).toHaveLength(1);
    expect(s.groups[0]!.cells).toEqual([
      { studentId: 2, key: 'l5', attendance: { code: 'late' }, mark: { value: 3 }, baseVersion: 2, stamp: 2 },
    ]);
    expect(s.conflicts).toEqual([
      {
        ...G,
        mine: { studentId: 3, key: 'l5', attendance: { code: 'present' }, baseVersion: 4 },
        theirs: theirs(5),
      },
    ]);

    // Keeping mine sends it again on their version; keeping theirs forgets it.
    const kept = resolve(s, s.conflicts[0]!, 'mine', 3);
    expect(kept.conflicts).toEqual([]);
    expect(kept.groups[0]!.cells.find((c) => c.studentId === 3)).toMatchObject({
      attendance: { code: 'present' },
      baseVersion: 5,
    });
    const dropped = resolve(s, s.conflicts[0]!, 'theirs', 3);
    expect(dropped.conflicts).toEqual([]);
    expect(dropped.groups[0]!.cells.some((c) => c.studentId === 3)).toBe(false);
  });

  it('empties the group when everything is saved', () => {
    const s = enqueue(EMPTY, G, [{ studentId: 1, key: 'a2', mark: { value: 4 }, baseVersion: 0 }], 1);
    const after = settle(s, s.groups[0]!, {
      saved: [{ studentId: 1, key: 'a2', version: 1 }],
      conflicts: [],
    });
    expect(after).toEqual({ groups: [], conflicts: [] });
  });

  it('holds a refused group until a correction reason is given', () => {
    let s = enqueue(
      EMPTY,
      G,
      [{ studentId: 1, key: 'l5', attendance: { code: 'absent' }, baseVersion: 1 }],
      1,
    );
    s = refuse(s, G, { status: 409, code: 'term_closed', message: 'closed' });
    expect(s.groups[0]!.problem?.code).toBe('term_closed');
    s = withReason(s, G, 'Late medical note');
    expect(s.groups[0]!.problem).toBeUndefined();
    expect(requestOf(s.groups[0]!).correctionReason).toBe('Late medical note');
  });

  it('reads back only a well-formed stored outbox', () => {
    const s = enqueue(EMPTY, G, [{ studentId: 1, key: 'l5', attendance: null, baseVersion: 3 }], 1);
    expect(parse(JSON.stringify(s))).toEqual(s);
    expect(parse('{"groups":1}')).toEqual(EMPTY);
    expect(parse('not json')).toEqual(EMPTY);
    expect(parse(null)).toEqual(EMPTY);
  });
});
