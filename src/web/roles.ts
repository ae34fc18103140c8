import type { Me, Role } from '@/web/api';

/**
 * Each role's home page. A person lands on the home of the first role they hold (in this order, national
 * roles first); the navigation lists one entry per role held, so it doubles as the role switcher.
 */
export const ROLE_HOMES: readonly { role: Role; path: string }[] = [
  { role: 'admin', path: '/admin' },
  { role: 'bureau', path: '/overview' },
  { role: 'editor', path: '/library' },
  { role: 'regional', path: '/area' },
  { role: 'director', path: '/school' },
  { role: 'teacher', path: '/classes' },
  { role: 'student', path: '/class' },
  { role: 'parent', path: '/children' },
];

/** The roles a person holds, each once, in home order. */
export function heldRoles(me: Me): Role[] {
  return ROLE_HOMES.filter((h) => me.roles.some((g) => g.role === h.role)).map((h) => h.role);
}

/** Where a person lands after sign-in; null when they hold no role yet. */
export function homePath(me: Me): string | null {
  const first = heldRoles(me)[0];
  return ROLE_HOMES.find((h) => h.role === first)?.path ?? null;
}

/** The role whose home lives at a path, if any. */
export function roleAt(path: string): Role | null {
  return ROLE_HOMES.find((h) => h.path === path)?.role ?? null;
}
