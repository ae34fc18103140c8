import { describe, expect, it } from 'vitest';
import type { Me, Role } from '@/web/api';
import { isAppPath, navEntries, pageAt } from '@/web/roles';

const someone = (...roles: Role[]): Me => ({
  user: { id: 1, username: 'someone', displayName: 'Someone', locale: 'az' },
  roles: roles.map((role) => ({ role, areaId: null, institutionId: null })),
  childIds: [],
  csrfToken: 'x',
});

describe('the registry files page', () => {
  it('is an address of the app, for whoever the bulk files API lets in', () => {
    expect(isAppPath('/registry/exchange')).toBe(true);
    expect(pageAt('/registry/exchange')?.roles).toEqual(['admin', 'bureau', 'regional', 'director']);
    expect(isAppPath('/registry/exchange/1')).toBe(false);
  });

  it('is in the ICT group of the menu of national staff, regional officers and directors only', () => {
    for (const role of ['admin', 'bureau', 'regional', 'director'] as const) {
      const entry = navEntries(someone(role)).find((e) => e.path === '/registry/exchange');
      expect(entry, role).toMatchObject({ label: 'nav.registryExchange', group: 'ict' });
    }
    for (const role of ['teacher', 'student', 'parent', 'editor'] as const)
      expect(
        navEntries(someone(role)).some((e) => e.path === '/registry/exchange'),
        role,
      ).toBe(false);
    // Once, for a person with two roles that may use it.
    const both = navEntries(someone('regional', 'director')).filter((e) => e.path === '/registry/exchange');
    expect(both).toHaveLength(1);
  });
});
