import type { Role } from '@/server/access';

/** The password of every demo account. Never used in production: the seed refuses to run there. */
export const DEMO_PASSWORD = 'demo';

/** Where a demo account's role is held, in words a person trying the platform understands. */
export type DemoScope = 'nation' | 'demo area' | 'demo school' | 'children';

/** One of the named demo accounts: one per role, so every home page can be tried, and a second of a few roles. */
export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  scope: DemoScope;
  /** What the account is for, shown by `maktab demo-accounts`. */
  description: string;
}

/** The named demo accounts, all with the password `demo`. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    username: 'admin',
    displayName: 'Rəşad Hüseynov',
    role: 'admin',
    scope: 'nation',
    description: 'national administrator',
  },
  {
    username: 'bureau',
    displayName: 'Nərmin Quliyeva',
    role: 'bureau',
    scope: 'nation',
    description: 'ICT-bureau analyst',
  },
  {
    username: 'region',
    displayName: 'Elçin Abbasov',
    role: 'regional',
    scope: 'demo area',
    description: 'regional officer',
  },
  {
    username: 'director',
    displayName: 'Səbinə Əliyeva',
    role: 'director',
    scope: 'demo school',
    description: 'school director',
  },
  {
    username: 'teacher',
    displayName: 'Leyla Həsənova',
    role: 'teacher',
    scope: 'demo school',
    description: 'teacher, homeroom teacher of the demo class; also teaches informatics in a grade 6 class',
  },
  {
    username: 'student',
    displayName: 'Murad Rzayev',
    role: 'student',
    scope: 'demo school',
    description: 'student in the demo class',
  },
  {
    username: 'parent',
    displayName: 'Samir Rzayev',
    role: 'parent',
    scope: 'children',
    description: 'parent of the demo student',
  },
  {
    username: 'student6',
    displayName: 'Aysu Kərimova',
    role: 'student',
    scope: 'demo school',
    description: 'student in the grade 6 class where the demo teacher also teaches informatics',
  },
  {
    username: 'editor',
    displayName: 'Günay İsmayılova',
    role: 'editor',
    scope: 'nation',
    description: 'content editor',
  },
  {
    username: 'editor2',
    displayName: 'Tural Məmmədov',
    role: 'editor',
    scope: 'nation',
    description: 'second content editor, to review and publish what the first one wrote',
  },
];

/** The demo account with this username. */
export function demoAccount(username: string): DemoAccount {
  const account = DEMO_ACCOUNTS.find((a) => a.username === username);
  if (!account) throw new Error(`no demo account "${username}"`);
  return account;
}
