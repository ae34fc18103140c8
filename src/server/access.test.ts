import { describe, expect, it } from 'vitest';
import { allows, grantCovers, type Actor, type Grant, type ScopeTarget } from '@/server/access';

const actor = (grants: Grant[], extra: Partial<Actor> = {}): Actor => ({
  userId: 10,
  username: 'u',
  displayName: 'U',
  locale: 'az',
  grants,
  childIds: [],
  sessionId: 's',
  csrfToken: 'c',
  ...extra,
});
// Country 1 → region 2 → district 3; district 4 is elsewhere in region 2.
const school: ScopeTarget = { kind: 'institution', institutionId: 100, areaPath: [1, 2, 3] };
const otherSchool: ScopeTarget = { kind: 'institution', institutionId: 101, areaPath: [1, 2, 4] };
const pupil: ScopeTarget = { kind: 'student', studentId: 55, institutionId: 100, areaPath: [1, 2, 3] };

describe('scope coverage', () => {
  it('nation covers everything; an area its subtree only', () => {
    expect(
      grantCovers({ role: 'bureau', areaId: null, institutionId: null }, { kind: 'nation' }, actor([])),
    ).toBe(true);
    const district = { role: 'regional', areaId: 3, institutionId: null } as const;
    expect(grantCovers(district, school, actor([]))).toBe(true);
    expect(grantCovers(district, otherSchool, actor([]))).toBe(false);
    expect(grantCovers(district, { kind: 'nation' }, actor([]))).toBe(false);
    expect(grantCovers({ role: 'regional', areaId: 2, institutionId: null }, otherSchool, actor([]))).toBe(
      true,
    );
  });

  it('school roles cover their institution; a student only themself; a parent only their children', () => {
    const teacher = { role: 'teacher', areaId: null, institutionId: 100 } as const;
    expect(grantCovers(teacher, school, actor([]))).toBe(true);
    expect(grantCovers(teacher, otherSchool, actor([]))).toBe(false);
    expect(grantCovers(teacher, pupil, actor([]))).toBe(true);
    const student = { role: 'student', areaId: null, institutionId: 100 } as const;
    expect(grantCovers(student, pupil, actor([]))).toBe(false);
    expect(grantCovers(student, pupil, actor([], { userId: 55 }))).toBe(true);
    expect(grantCovers(student, school, actor([]))).toBe(true);
    const parent = { role: 'parent', areaId: null, institutionId: null } as const;
    expect(grantCovers(parent, pupil, actor([], { childIds: [55] }))).toBe(true);
    expect(grantCovers(parent, pupil, actor([], { childIds: [56] }))).toBe(false);
    expect(grantCovers(parent, school, actor([], { childIds: [55] }))).toBe(false);
  });

  it('allows a caller only with a listed role held in a covering scope', () => {
    const a = actor([
      { role: 'teacher', areaId: null, institutionId: 100 },
      { role: 'parent', areaId: null, institutionId: null },
    ]);
    expect(allows(a, ['director'], school)).toBe(false);
    expect(allows(a, ['teacher'], school)).toBe(true);
    expect(allows(a, ['teacher'], otherSchool)).toBe(false);
  });
});
