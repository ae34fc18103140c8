import type { Me, Role } from '@/web/api';

/**
 * What a navigation entry is for. The menu lists its entries under these headings, in this order, and shows a
 * person only the groups they have entries in.
 */
export const NAV_GROUPS = ['school', 'teaching', 'ict', 'library', 'reports'] as const;
/** One of the menu's groups. */
export type NavGroup = (typeof NAV_GROUPS)[number];

/**
 * Each role's home page. A person lands on the home of the first role they hold (in this order, national
 * roles first); the navigation lists one entry per role held, so it doubles as the role switcher.
 */
export const ROLE_HOMES: readonly { role: Role; path: string; group: NavGroup }[] = [
  { role: 'admin', path: '/admin', group: 'reports' },
  { role: 'bureau', path: '/overview', group: 'reports' },
  { role: 'editor', path: '/library', group: 'library' },
  { role: 'regional', path: '/area', group: 'school' },
  { role: 'director', path: '/school', group: 'school' },
  { role: 'teacher', path: '/classes', group: 'school' },
  { role: 'student', path: '/class', group: 'school' },
  { role: 'parent', path: '/children', group: 'school' },
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

/**
 * The pages beyond the homes, each with the roles that may open it. `:id` stands for a number. Those with a
 * `nav` label are listed in the navigation, in their `group`, after the home of the first role that may use them.
 */
export const PAGES = [
  { name: 'schoolIct', path: '/school/ict', roles: ['director'], nav: 'nav.schoolIct', group: 'ict' },
  { name: 'review', path: '/area/review', roles: ['regional'], nav: 'nav.review', group: 'ict' },
  { name: 'reviewSchool', path: '/area/review/:id', roles: ['regional'] },
  { name: 'dashboard', path: '/dashboard', roles: ['bureau', 'admin'], nav: 'nav.dashboard', group: 'ict' },
  { name: 'dashboardArea', path: '/dashboard/area/:id', roles: ['bureau', 'admin'] },
  { name: 'schoolProfile', path: '/dashboard/school/:id', roles: ['bureau', 'admin'] },
  { name: 'schoolEdit', path: '/dashboard/school/:id/edit', roles: ['bureau', 'admin'] },
  {
    name: 'allocationSchool',
    path: '/school/allocation',
    roles: ['director'],
    nav: 'nav.allocationSchool',
    group: 'ict',
  },
  {
    name: 'allocation',
    path: '/allocation',
    roles: ['bureau', 'admin'],
    nav: 'nav.allocation',
    group: 'ict',
  },
  { name: 'allocationPlan', path: '/allocation/:id', roles: ['bureau', 'admin'] },
  // The registry's bulk files (src/web/registry/exchange.tsx): BULK in registry-import.routes.ts.
  {
    name: 'registryExchange',
    path: '/registry/exchange',
    roles: ['admin', 'bureau', 'regional', 'director'],
    nav: 'nav.registryExchange',
    group: 'ict',
  },
  // The national administrator's user management (src/web/admin), opened from the administrator's home.
  { name: 'adminUsers', path: '/admin/users', roles: ['admin'] },
  { name: 'adminUser', path: '/admin/users/:id', roles: ['admin'] },
  { name: 'libraryEditorNew', path: '/library/new', roles: ['editor'] },
  { name: 'libraryEditorReview', path: '/library/review', roles: ['editor'] },
  { name: 'libraryEditorResource', path: '/library/resources/:id', roles: ['editor'] },
  {
    name: 'journal',
    path: '/journal',
    roles: ['director', 'teacher'],
    nav: 'day.journalNav',
    group: 'teaching',
  },
  { name: 'journalClass', path: '/journal/:id', roles: ['director', 'teacher'] },
  { name: 'journalCodes', path: '/journal/:id/codes', roles: ['director', 'teacher'] },
  {
    name: 'journalStudent',
    path: '/journal/student/:id',
    roles: ['student', 'parent', 'director', 'teacher'],
  },
  {
    name: 'councils',
    path: '/school/councils',
    roles: ['director', 'teacher'],
    nav: 'nav.councils',
    group: 'school',
  },
  { name: 'council', path: '/school/councils/:id', roles: ['director', 'teacher'] },
  {
    name: 'webinars',
    path: '/webinars',
    roles: ['admin', 'bureau', 'regional', 'director', 'teacher'],
    nav: 'nav.webinars',
    group: 'teaching',
  },
  { name: 'webinar', path: '/webinars/:id', roles: ['admin', 'bureau', 'regional'] },
  // The self-assessment of ICT competence (src/web/training/self.tsx): a teacher's own, a director's staff.
  {
    name: 'trainingSelf',
    path: '/training/self',
    roles: ['director', 'teacher'],
    nav: 'trainingSelf.nav',
    group: 'teaching',
  },
  {
    name: 'trainingStaff',
    path: '/school/training',
    roles: ['director'],
    nav: 'trainingSelf.staffNav',
    group: 'school',
  },
  // Training courses (src/web/training): programmes, enrolment, approvals, attendance, the final assessment.
  {
    name: 'trainingCourses',
    path: '/training/programmes',
    roles: ['admin', 'bureau', 'regional', 'director', 'teacher'],
    nav: 'trainingCourses.nav',
    group: 'teaching',
  },
  {
    name: 'trainingProgramme',
    path: '/training/programmes/:id',
    roles: ['admin', 'bureau', 'regional', 'director', 'teacher'],
  },
  {
    name: 'trainingApprovals',
    path: '/training/approvals',
    roles: ['admin', 'bureau', 'regional'],
    nav: 'trainingCourses.navApprovals',
    group: 'teaching',
  },
  { name: 'trainingSession', path: '/training/sessions/:id', roles: ['admin', 'bureau', 'regional'] },
  { name: 'trainingAssessment', path: '/training/enrolments/:id/assessment', roles: ['teacher'] },
  // Training certificates (src/web/training): a teacher's own, and those who manage or oversee them.
  {
    name: 'myCertificates',
    path: '/training/certificates',
    roles: ['director', 'teacher'],
    nav: 'trainingCerts.navMine',
    group: 'teaching',
  },
  {
    name: 'manageCertificates',
    path: '/training/certificates/manage',
    roles: ['admin', 'bureau', 'regional', 'director'],
    nav: 'trainingCerts.navManage',
    group: 'teaching',
  },
  // Assignments and group work (src/web/classroom).
  {
    name: 'assignments',
    path: '/assignments',
    roles: ['director', 'teacher'],
    nav: 'nav.assignments',
    group: 'teaching',
  },
  { name: 'assignmentsClass', path: '/assignments/class/:id', roles: ['director', 'teacher'] },
  { name: 'assignment', path: '/assignments/:id', roles: ['director', 'teacher', 'student'] },
  {
    name: 'myAssignments',
    path: '/my/assignments',
    roles: ['student', 'parent'],
    nav: 'nav.myAssignments',
    group: 'teaching',
  },
  {
    name: 'timetable',
    path: '/school/timetable',
    roles: ['director'],
    nav: 'nav.timetable',
    group: 'teaching',
  },
  { name: 'teaching', path: '/teaching', roles: ['teacher'], nav: 'nav.teaching', group: 'teaching' },
  // A lesson as its class sees it, opened from the student's day (src/web/pages/student-lesson.tsx).
  { name: 'myLesson', path: '/my/lessons/:id', roles: ['student'] },
  { name: 'schoolClass', path: '/school/classes/:id', roles: ['director'] },
  { name: 'teachingLesson', path: '/teaching/lessons/:id', roles: ['teacher'] },
  {
    name: 'distance',
    path: '/monitoring/distance',
    roles: ['admin', 'bureau', 'regional', 'director'],
    nav: 'nav.distance',
    group: 'reports',
  },
  { name: 'distanceArea', path: '/monitoring/distance/area/:id', roles: ['admin', 'bureau', 'regional'] },
  {
    name: 'distanceSchool',
    path: '/monitoring/distance/school/:id',
    roles: ['admin', 'bureau', 'regional', 'director'],
  },
  // Knowledge contests, the student's side (src/web/contests); the leaderboard for staff too, as the API allows.
  { name: 'contests', path: '/my/contests', roles: ['student'], nav: 'nav.contests', group: 'teaching' },
  { name: 'contest', path: '/my/contests/:id', roles: ['student'] },
  { name: 'contestAttempt', path: '/my/contest-attempts/:id', roles: ['student'] },
  {
    name: 'contestLeaderboard',
    path: '/contests/:id/leaderboard',
    roles: ['student', 'admin', 'bureau', 'editor', 'regional', 'director', 'teacher'],
  },
  // Knowledge contests, the organisers' side (src/web/contests/authoring.tsx, question-editor.tsx).
  {
    name: 'contestAdmin',
    path: '/contests/manage',
    roles: ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher'],
    nav: 'nav.contestAdmin',
    group: 'teaching',
  },
  {
    name: 'contestNew',
    path: '/contests/manage/new',
    roles: ['admin', 'bureau', 'editor', 'director', 'teacher'],
  },
  {
    name: 'contestManage',
    path: '/contests/manage/:id',
    roles: ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher'],
  },
  { name: 'contestResults', path: '/contests/manage/:id/results', roles: ['director', 'teacher'] },
  {
    name: 'questionBank',
    path: '/contests/bank',
    roles: ['admin', 'bureau', 'editor', 'director', 'teacher'],
  },
  // Teachers' training needs, past records and their indicators (src/web/training/needs.tsx, history.tsx).
  {
    name: 'trainingNeeds',
    path: '/training/needs',
    roles: ['admin', 'bureau', 'regional'],
    nav: 'trainingNeeds.nav',
    group: 'reports',
  },
  {
    name: 'trainingHistory',
    path: '/training/history',
    roles: ['admin', 'bureau'],
    nav: 'trainingNeeds.navHistory',
    group: 'reports',
  },
  // The content filter's catalogue, policies, schedules and schools' networks (src/web/safety/admin.tsx).
  {
    name: 'safetyCatalogue',
    path: '/safety/catalogue',
    roles: ['admin', 'bureau'],
    nav: 'safetyAdmin.navCatalogue',
    group: 'ict',
  },
  {
    name: 'safetyPolicies',
    path: '/safety/policies',
    roles: ['admin', 'bureau', 'regional'],
    nav: 'safetyAdmin.navPolicies',
    group: 'ict',
  },
  {
    name: 'safetySchedules',
    path: '/safety/schedules',
    roles: ['admin', 'bureau', 'regional'],
    nav: 'safetyAdmin.navSchedules',
    group: 'ict',
  },
  {
    name: 'safetyNetworks',
    path: '/safety/networks',
    roles: ['admin', 'bureau', 'regional', 'director'],
    nav: 'safetyAdmin.navNetworks',
    group: 'ict',
  },
  // The ministry's registry of policies, programmes and partnerships (src/web/policy/registry-manage.tsx).
  {
    name: 'policyManage',
    path: '/policy/manage',
    roles: ['admin', 'bureau'],
    nav: 'policyRegistry.nav',
    group: 'reports',
  },
  { name: 'policyEdit', path: '/policy/manage/:id', roles: ['admin', 'bureau'] },
  // The content filter's unblock requests, reports and log setting (src/web/safety/).
  {
    name: 'safetyUnblock',
    path: '/safety/unblock',
    roles: ['teacher', 'director'],
    nav: 'safetyRequests.navAsk',
    group: 'ict',
  },
  {
    name: 'safetyQueue',
    path: '/safety/requests',
    roles: ['admin', 'bureau', 'regional'],
    nav: 'safetyRequests.navQueue',
    group: 'ict',
  },
  {
    name: 'safetySchoolRequests',
    path: '/safety/school-requests',
    roles: ['director'],
    nav: 'safetyRequests.navSchool',
    group: 'ict',
  },
  {
    name: 'safetyReports',
    path: '/safety/reports',
    roles: ['admin', 'bureau', 'regional', 'director'],
    nav: 'safetyRequests.navReports',
    group: 'reports',
  },
  {
    name: 'safetyLogSettings',
    path: '/safety/log-settings',
    roles: ['admin', 'bureau'],
    nav: 'safetyRequests.navLogs',
    group: 'reports',
  },
  // The portal's publishers: the ministry, regional officers, directors (src/web/portal/manage.tsx).
  {
    name: 'portalManage',
    path: '/portal/manage',
    roles: ['admin', 'bureau', 'editor', 'regional', 'director'],
    nav: 'portalNews.nav',
    group: 'library',
  },
  // The internet-safety courses' report, aggregates in each role's scope (src/web/portal/courses.tsx).
  {
    name: 'portalSafetyReport',
    path: '/portal/safety/report',
    roles: ['admin', 'bureau', 'regional', 'director'],
    nav: 'portalCourses.navReport',
    group: 'library',
  },
  // The ministry's content staff edit an internet-safety course (src/web/portal/course-edit.tsx).
  {
    name: 'portalCourseEdit',
    path: '/portal/manage/safety/courses/:id',
    roles: ['admin', 'bureau', 'editor'],
  },
  {
    name: 'portalNewsNew',
    path: '/portal/manage/news/new',
    roles: ['admin', 'bureau', 'editor', 'regional', 'director'],
  },
  {
    name: 'portalNewsEdit',
    path: '/portal/manage/news/:id',
    roles: ['admin', 'bureau', 'editor', 'regional', 'director'],
  },
  {
    name: 'portalEventNew',
    path: '/portal/manage/events/new',
    roles: ['admin', 'bureau', 'editor', 'regional', 'director'],
  },
  {
    name: 'portalEventEdit',
    path: '/portal/manage/events/:id',
    roles: ['admin', 'bureau', 'editor', 'regional', 'director'],
  },
  // The portal's discussions, for everyone with a role, and their moderation (src/web/portal/discuss.tsx,
  // moderation.tsx).
  {
    name: 'portalDiscuss',
    path: '/portal/discuss',
    roles: ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher', 'student', 'parent'],
    nav: 'portalDiscuss.nav',
    group: 'library',
  },
  {
    name: 'portalDiscussBoard',
    path: '/portal/discuss/boards/:id',
    roles: ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher', 'student', 'parent'],
  },
  {
    name: 'portalDiscussThread',
    path: '/portal/discuss/threads/:id',
    roles: ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher', 'student', 'parent'],
  },
  {
    name: 'portalModeration',
    path: '/portal/moderation',
    roles: ['admin', 'bureau', 'editor', 'regional', 'director'],
    nav: 'portalDiscuss.navModeration',
    group: 'library',
  },
  { name: 'portalWords', path: '/portal/moderation/words', roles: ['admin', 'bureau', 'editor'] },
  // The country profile's text and editions, for the ministry (src/web/policy/profile-edit.tsx).
  {
    name: 'policyProfileEdit',
    path: '/country-profile/edit',
    roles: ['admin', 'bureau'],
    nav: 'policyProfile.nav',
    group: 'reports',
  },
] as const satisfies readonly ({ name: string; path: string; roles: readonly Role[] } & (
  { nav: string; group: NavGroup } | { nav?: never; group?: never }
))[];

/** Where any signed-in person, with or without a role, types a school's code to link their child. */
export const LINK_CHILD_PATH = '/journal/link';

/** Where any signed-in person, with or without a role, changes their own password. */
export const PASSWORD_PATH = '/account/password';

/** Pages anyone may open, signed in or not: the public library, certificate checks and open data. */
export const PUBLIC_PAGES = [
  { name: 'librarySearch', path: '/resources' },
  { name: 'libraryResource', path: '/resources/:id' },
  { name: 'textbooks', path: '/textbooks' },
  { name: 'collections', path: '/collections' },
  { name: 'collection', path: '/collections/:id' },
  { name: 'offline', path: '/offline' },
  // The public check of a training certificate: by its number (its QR code), or a credential pasted.
  { name: 'verifyCredential', path: '/verify' },
  { name: 'verifyCertificate', path: '/verify/:uuid' },
  // Open data: the indicators and schools as JSON and CSV, and SDMX-CSV for international reporting.
  { name: 'openData', path: '/open-data' },
  // The registry of policies, a document with its targets' progress, the timeline (src/web/policy/registry.tsx).
  { name: 'policies', path: '/policies' },
  { name: 'policyTimeline', path: '/policies/timeline' },
  { name: 'policyDocument', path: '/policies/:id' },
  // The country profile, its editions and one edition (src/web/policy/profile.tsx).
  { name: 'policyProfile', path: '/country-profile' },
  { name: 'policyEditions', path: '/country-profile/editions' },
  { name: 'policyEdition', path: '/country-profile/editions/:id' },
  // The content filter's block page for links: `/blocked?domain=…` (src/web/safety/blocked.tsx).
  { name: 'safetyBlocked', path: '/blocked' },
  // The portal: its home, news and events (src/web/portal/portal.tsx).
  { name: 'portalHome', path: '/portal' },
  { name: 'portalNews', path: '/portal/news' },
  { name: 'portalNewsItem', path: '/portal/news/:id' },
  { name: 'portalEvents', path: '/portal/events' },
  { name: 'portalEvent', path: '/portal/events/:id' },
  // The internet-safety courses and Safer Internet Day (src/web/portal/courses.tsx, sid.tsx).
  { name: 'portalSafety', path: '/portal/safety' },
  { name: 'portalSafetyCourse', path: '/portal/safety/courses/:id' },
  { name: 'portalSid', path: '/portal/safer-internet-day' },
] as const;

/** One of the public pages. */
export type PublicPageName = (typeof PUBLIC_PAGES)[number]['name'];

/** The public page at a path and its `:id`, if the path is one. */
export function publicPageAt(
  path: string,
): { name: PublicPageName; id: number | null; key: string | null } | null {
  for (const page of PUBLIC_PAGES) {
    const pattern = page.path
      .replace(':id', '([1-9][0-9]{0,9})')
      .replace(':uuid', '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})');
    const match = new RegExp(`^${pattern}$`).exec(path);
    if (match) {
      const uuid = page.path.endsWith(':uuid');
      return {
        name: page.name,
        id: match[1] && !uuid ? Number(match[1]) : null,
        key: match[1] && uuid ? match[1] : null,
      };
    }
  }
  return null;
}

/** One of the pages beyond the homes. */
export type PageName = (typeof PAGES)[number]['name'];

/** The page at a path and its `:id`, if the path is one of PAGES. */
export function pageAt(path: string): { name: PageName; roles: readonly Role[]; id: number | null } | null {
  for (const page of PAGES) {
    const pattern = new RegExp(`^${page.path.replace(':id', '([1-9][0-9]{0,9})')}$`);
    const match = pattern.exec(path);
    if (match) return { name: page.name, roles: page.roles, id: match[1] ? Number(match[1]) : null };
  }
  return null;
}

/** Where the sign-in form lives. `/` is the public library's home for a visitor, a role's home once signed in. */
export const LOGIN_PATH = '/login';

/**
 * Whether the web app has a page at a path (whoever may see it). The server answers every other path outside
 * `/api/` with 404, so this is the one list of the app's addresses, shared by the router and the server.
 */
export function isAppPath(path: string): boolean {
  return (
    path === '/' ||
    path === LOGIN_PATH ||
    path === PASSWORD_PATH ||
    path === LINK_CHILD_PATH ||
    roleAt(path) !== null ||
    pageAt(path) !== null ||
    publicPageAt(path) !== null
  );
}

/** One entry of the navigation; `path` under `/api/` leaves the app (the API's documentation). */
export interface NavEntry {
  key: string;
  path: string;
  label: string;
  group: NavGroup;
}

/**
 * The navigation, in group order: each role's home and the pages it opens (each once), the public library for
 * everyone, and the API's documentation for administrators.
 */
export function navEntries(me: Me): NavEntry[] {
  const entries: NavEntry[] = [];
  const roles = heldRoles(me);
  for (const role of roles) {
    const home = ROLE_HOMES.find((h) => h.role === role)!;
    entries.push({ key: role, path: home.path, label: `nav.${role}`, group: home.group });
    for (const page of PAGES) {
      if (
        'nav' in page &&
        (page.roles as readonly Role[]).includes(role) &&
        !entries.some((e) => e.key === page.name)
      )
        entries.push({ key: page.name, path: page.path, label: page.nav, group: page.group });
    }
  }
  entries.push({ key: 'resources', path: '/resources', label: 'portal.title', group: 'library' });
  if (roles.includes('admin'))
    entries.push({ key: 'apiDocs', path: '/api/docs', label: 'nav.apiDocs', group: 'ict' });
  return groupOrder(roles).flatMap((group) => entries.filter((e) => e.group === group));
}

/** The menu's groups in order, the group of the person's own home first (an administrator starts at reports). */
function groupOrder(roles: Role[]): NavGroup[] {
  const first = ROLE_HOMES.find((h) => h.role === roles[0])?.group;
  return first ? [first, ...NAV_GROUPS.filter((g) => g !== first)] : [...NAV_GROUPS];
}

/** The navigation's groups that have entries for this person, each with its entries. */
export function navGroups(me: Me): { group: NavGroup; entries: NavEntry[] }[] {
  const entries = navEntries(me);
  return groupOrder(heldRoles(me))
    .map((group) => ({ group, entries: entries.filter((e) => e.group === group) }))
    .filter((g) => g.entries.length > 0);
}

/**
 * The entry that stands for the page at `path`: the one at that very path, else the one the page is under
 * (a council under the councils), so the menu shows where the person is.
 */
export function activeEntry(entries: NavEntry[], path: string): { key: string; exact: boolean } | null {
  const exact = entries.find((e) => e.path === path);
  if (exact) return { key: exact.key, exact: true };
  const under = entries
    .filter((e) => path.startsWith(`${e.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return under ? { key: under.key, exact: false } : null;
}
