import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me, Role } from '@/web/api';
import { Link, navigate, usePath } from '@/web/router';
import {
  activeEntry,
  heldRoles,
  homePath,
  isAppPath,
  LINK_CHILD_PATH,
  LOGIN_PATH,
  navEntries,
  PASSWORD_PATH,
  navGroups,
  pageAt,
  publicPageAt,
  roleAt,
  type PageName,
  type PublicPageName,
} from '@/web/roles';
import { useLogout, useMe } from '@/web/session';
import { LanguageSwitcher } from '@/web/components/language-switcher';
import { NotificationsBell } from '@/web/classroom/notifications-bell';
import { ErrorBox, Loading } from '@/web/components/status';
import { LoginPage } from '@/web/pages/login-page';
import { NoRoles, NotFound } from '@/web/pages/not-found';

// Every page is loaded when first opened: the first load is the shell (header, menu, sign-in) and one page.
// The role homes.
const AdminHome = lazy(() => import('@/web/pages/admin-home').then((m) => ({ default: m.AdminHome })));
const BureauHome = lazy(() => import('@/web/pages/bureau-home').then((m) => ({ default: m.BureauHome })));
const RegionalHome = lazy(() =>
  import('@/web/pages/regional-home').then((m) => ({ default: m.RegionalHome })),
);
const DirectorHome = lazy(() =>
  import('@/web/pages/director-home').then((m) => ({ default: m.DirectorHome })),
);
const TeacherHome = lazy(() => import('@/web/pages/teacher-home').then((m) => ({ default: m.TeacherHome })));
const StudentHome = lazy(() => import('@/web/pages/student-home').then((m) => ({ default: m.StudentHome })));
const ParentHome = lazy(() => import('@/web/pages/parent-home').then((m) => ({ default: m.ParentHome })));
const LibraryHome = lazy(() => import('@/web/pages/library-home').then((m) => ({ default: m.LibraryHome })));

// The registry and the dashboards are loaded when first opened, so sign-in and the homes stay small.
const SchoolIctPage = lazy(() => import('@/web/pages/school-ict'));
const ReviewList = lazy(() => import('@/web/pages/review').then((m) => ({ default: m.ReviewList })));
const ReviewSchool = lazy(() => import('@/web/pages/review').then((m) => ({ default: m.ReviewSchool })));
const Dashboard = lazy(() => import('@/web/pages/dashboard').then((m) => ({ default: m.Dashboard })));
const DashboardArea = lazy(() => import('@/web/pages/dashboard').then((m) => ({ default: m.DashboardArea })));
const SchoolProfile = lazy(() => import('@/web/pages/school-profile'));
const SchoolEditPage = lazy(() =>
  import('@/web/pages/school-ict').then((m) => ({ default: m.SchoolEditPage })),
);
// The computer distribution's pages, likewise loaded when first opened.
const SchoolAllocationPage = lazy(() => import('@/web/allocation/school-page'));
const AllocationPlans = lazy(() =>
  import('@/web/allocation/bureau-pages').then((m) => ({ default: m.PlansPage })),
);
const AllocationPlan = lazy(() =>
  import('@/web/allocation/bureau-pages').then((m) => ({ default: m.PlanPage })),
);
// The registry's bulk files: templates, import and export.
const ExchangePage = lazy(() => import('@/web/registry/exchange').then((m) => ({ default: m.ExchangePage })));

// The library's editor pages.
const LibraryEditorNew = lazy(() => import('@/web/library/editor').then((m) => ({ default: m.NewResource })));
const LibraryEditorReview = lazy(() =>
  import('@/web/library/editor').then((m) => ({ default: m.ReviewQueue })),
);
const LibraryEditorResource = lazy(() =>
  import('@/web/library/editor').then((m) => ({ default: m.EditorResource })),
);

// The class journal's pages.
const JournalHome = lazy(() => import('@/web/journal/journal-home'));
const ClassJournal = lazy(() => import('@/web/journal/class-journal'));
const JournalLinkCodes = lazy(() => import('@/web/journal/link-codes'));
const JournalStudent = lazy(() => import('@/web/journal/overview'));
const LinkChild = lazy(() => import('@/web/journal/link-child'));
// Changing one's own password, for anyone signed in.
const PasswordPage = lazy(() =>
  import('@/web/pages/password-page').then((m) => ({ default: m.PasswordPage })),
);
// The national administrator's user management.
const UsersPage = lazy(() => import('@/web/admin/users').then((m) => ({ default: m.UsersPage })));
const UserPage = lazy(() => import('@/web/admin/users').then((m) => ({ default: m.UserPage })));

// The public library, for anyone.
const LibrarySearch = lazy(() => import('@/web/library/portal').then((m) => ({ default: m.LibrarySearch })));
const LibraryResource = lazy(() =>
  import('@/web/library/portal').then((m) => ({ default: m.LibraryResource })),
);
const PortalHome = lazy(() => import('@/web/library/portal-home').then((m) => ({ default: m.PortalHome })));
// What this device saved for offline use.
const OfflinePage = lazy(() =>
  import('@/web/offline/offline-page').then((m) => ({ default: m.OfflinePage })),
);

// A school's pedagogical councils, and webinars for teachers.
const CouncilsPage = lazy(() => import('@/web/councils/councils').then((m) => ({ default: m.CouncilsPage })));
const CouncilPage = lazy(() => import('@/web/councils/councils').then((m) => ({ default: m.CouncilPage })));
const WebinarsPage = lazy(() => import('@/web/webinars/webinars').then((m) => ({ default: m.WebinarsPage })));
const WebinarPage = lazy(() => import('@/web/webinars/webinars').then((m) => ({ default: m.WebinarPage })));
// The self-assessment of ICT competence: a teacher's own, and a director's staff.
const MyCompetencePage = lazy(() =>
  import('@/web/training/self').then((m) => ({ default: m.MyCompetencePage })),
);
const StaffCompetencePage = lazy(() =>
  import('@/web/training/self').then((m) => ({ default: m.StaffCompetencePage })),
);
// Training certificates, and their public check.
const MyCertificatesPage = lazy(() =>
  import('@/web/training/certificates').then((m) => ({ default: m.MyCertificatesPage })),
);
const ManageCertificatesPage = lazy(() =>
  import('@/web/training/certificates').then((m) => ({ default: m.ManageCertificatesPage })),
);
const VerifyCertificatePage = lazy(() =>
  import('@/web/training/verify').then((m) => ({ default: m.VerifyCertificatePage })),
);
const VerifyPastePage = lazy(() =>
  import('@/web/training/verify').then((m) => ({ default: m.VerifyPastePage })),
);
// Training courses: programmes, enrolment, approvals, attendance and the final assessment.
const CoursesPage = lazy(() => import('@/web/training/programmes').then((m) => ({ default: m.CoursesPage })));
const ProgrammePage = lazy(() =>
  import('@/web/training/programmes').then((m) => ({ default: m.ProgrammePage })),
);
const ApprovalsPage = lazy(() =>
  import('@/web/training/programmes').then((m) => ({ default: m.ApprovalsPage })),
);
const TrainingSessionPage = lazy(() =>
  import('@/web/training/programmes').then((m) => ({ default: m.SessionPage })),
);
const AssessmentPage = lazy(() =>
  import('@/web/training/assessment').then((m) => ({ default: m.AssessmentPage })),
);
// Assignments and group work.
const AssignmentsHome = lazy(() =>
  import('@/web/classroom/assignments').then((m) => ({ default: m.AssignmentsHome })),
);
const ClassAssignments = lazy(() =>
  import('@/web/classroom/assignments').then((m) => ({ default: m.ClassAssignments })),
);
const AssignmentPage = lazy(() =>
  import('@/web/classroom/assignments').then((m) => ({ default: m.AssignmentPage })),
);
const MyAssignments = lazy(() =>
  import('@/web/classroom/assignments').then((m) => ({ default: m.MyAssignments })),
);

// The director's timetable and a teacher's lessons.
const TimetablePage = lazy(() =>
  import('@/web/classroom/timetable').then((m) => ({ default: m.TimetablePage })),
);
const TeachingPage = lazy(() =>
  import('@/web/classroom/teaching').then((m) => ({ default: m.TeachingPage })),
);
const LessonPage = lazy(() => import('@/web/classroom/teaching').then((m) => ({ default: m.LessonPage })));
const ClassSubjectsPage = lazy(() =>
  import('@/web/classroom/class-subjects').then((m) => ({ default: m.ClassSubjectsPage })),
);
// A lesson as its class sees it, opened from the student's day.
const StudentLesson = lazy(() => import('@/web/pages/student-lesson'));

// Monitoring of distance learning.
const DistancePage = lazy(() =>
  import('@/web/monitoring/distance').then((m) => ({ default: m.DistancePage })),
);

const CollectionsPage = lazy(() =>
  import('@/web/library/collections').then((m) => ({ default: m.CollectionsPage })),
);
const CollectionPage = lazy(() =>
  import('@/web/library/collections').then((m) => ({ default: m.CollectionPage })),
);
const TextbookPortal = lazy(() =>
  import('@/web/library/textbooks').then((m) => ({ default: m.TextbookPortal })),
);

// Knowledge contests, the student's side, and leaderboards.
const ContestsPage = lazy(() => import('@/web/contests/list').then((m) => ({ default: m.ContestsPage })));
const ContestPage = lazy(() => import('@/web/contests/list').then((m) => ({ default: m.ContestPage })));
const ContestAttemptPage = lazy(() =>
  import('@/web/contests/take').then((m) => ({ default: m.AttemptPage })),
);
const ContestLeaderboard = lazy(() =>
  import('@/web/contests/leaderboard').then((m) => ({ default: m.LeaderboardPage })),
);

// Knowledge contests, the organisers' side: the question bank, contest authoring, results.
const ContestAdminPage = lazy(() =>
  import('@/web/contests/authoring').then((m) => ({ default: m.ContestAdminPage })),
);
const ContestNewPage = lazy(() =>
  import('@/web/contests/authoring').then((m) => ({ default: m.ContestNewPage })),
);
const ContestManagePage = lazy(() =>
  import('@/web/contests/authoring').then((m) => ({ default: m.ContestManagePage })),
);
const ContestResultsPage = lazy(() =>
  import('@/web/contests/authoring').then((m) => ({ default: m.ContestResultsPage })),
);
const QuestionBankPage = lazy(() =>
  import('@/web/contests/question-editor').then((m) => ({ default: m.QuestionBankPage })),
);
// Teachers' training needs and past records (src/web/training).
const TrainingNeedsPage = lazy(() =>
  import('@/web/training/needs').then((m) => ({ default: m.TrainingNeedsPage })),
);
const TrainingHistoryPage = lazy(() =>
  import('@/web/training/history').then((m) => ({ default: m.TrainingHistoryPage })),
);
// The country profile: public pages, and the ministry's text and editions (src/web/policy).
const ProfilePage = lazy(() => import('@/web/policy/profile').then((m) => ({ default: m.ProfilePage })));
const ProfileEditionsPage = lazy(() =>
  import('@/web/policy/profile').then((m) => ({ default: m.EditionsPage })),
);
const ProfileEditionPage = lazy(() =>
  import('@/web/policy/profile').then((m) => ({ default: m.EditionPage })),
);
const ProfileEditPage = lazy(() =>
  import('@/web/policy/profile-edit').then((m) => ({ default: m.ProfileEditPage })),
);

// Open data, for anyone (src/web/policy/open-data.tsx).
const OpenDataPage = lazy(() => import('@/web/policy/open-data').then((m) => ({ default: m.OpenDataPage })));
// The registry of policies: public pages and the ministry's (src/web/policy).
const PolicyRegistryPage = lazy(() =>
  import('@/web/policy/registry').then((m) => ({ default: m.PolicyRegistryPage })),
);
const PolicyDocumentPage = lazy(() =>
  import('@/web/policy/registry').then((m) => ({ default: m.PolicyDocumentPage })),
);
const PolicyTimelinePage = lazy(() =>
  import('@/web/policy/registry').then((m) => ({ default: m.PolicyTimelinePage })),
);
const SafetyCataloguePage = lazy(() =>
  import('@/web/safety/admin').then((m) => ({ default: m.SafetyCataloguePage })),
);
const SafetyPoliciesPage = lazy(() =>
  import('@/web/safety/admin').then((m) => ({ default: m.SafetyPoliciesPage })),
);
const SafetySchedulesPage = lazy(() =>
  import('@/web/safety/admin').then((m) => ({ default: m.SafetySchedulesPage })),
);
const SafetyNetworksPage = lazy(() =>
  import('@/web/safety/admin').then((m) => ({ default: m.SafetyNetworksPage })),
);
const PolicyManagePage = lazy(() =>
  import('@/web/policy/registry-manage').then((m) => ({ default: m.PolicyManagePage })),
);
const PolicyEditPage = lazy(() =>
  import('@/web/policy/registry-manage').then((m) => ({ default: m.PolicyEditPage })),
);

// The content filter's block page, unblock requests, reports and log setting.
const BlockedPage = lazy(() => import('@/web/safety/blocked').then((m) => ({ default: m.BlockedPage })));
const UnblockPage = lazy(() => import('@/web/safety/unblock').then((m) => ({ default: m.UnblockPage })));
const SafetyRequestsPage = lazy(() =>
  import('@/web/safety/requests').then((m) => ({ default: m.RequestsPage })),
);
const SafetyReportsPage = lazy(() =>
  import('@/web/safety/reports').then((m) => ({ default: m.ReportsPage })),
);
const LogSettingsPage = lazy(() =>
  import('@/web/safety/log-settings').then((m) => ({ default: m.LogSettingsPage })),
);
// The portal: public pages and the publishers' (src/web/portal).
const PortalHomePage = lazy(() => import('@/web/portal/portal').then((m) => ({ default: m.PortalHomePage })));
const PortalNewsPage = lazy(() => import('@/web/portal/portal').then((m) => ({ default: m.PortalNewsPage })));
const PortalNewsItemPage = lazy(() =>
  import('@/web/portal/portal').then((m) => ({ default: m.PortalNewsItemPage })),
);
const PortalEventsPage = lazy(() =>
  import('@/web/portal/portal').then((m) => ({ default: m.PortalEventsPage })),
);
const PortalEventPage = lazy(() =>
  import('@/web/portal/portal').then((m) => ({ default: m.PortalEventPage })),
);
const SafetyCoursesPage = lazy(() =>
  import('@/web/portal/courses').then((m) => ({ default: m.SafetyCoursesPage })),
);
const PortalCourseEditPage = lazy(() =>
  import('@/web/portal/course-edit').then((m) => ({ default: m.PortalCourseEditPage })),
);
const SafetyCoursePage = lazy(() =>
  import('@/web/portal/courses').then((m) => ({ default: m.SafetyCoursePage })),
);
const SafetyReportPage = lazy(() =>
  import('@/web/portal/courses').then((m) => ({ default: m.SafetyReportPage })),
);
const SaferInternetDayPage = lazy(() =>
  import('@/web/portal/sid').then((m) => ({ default: m.SaferInternetDayPage })),
);
const PortalManagePage = lazy(() =>
  import('@/web/portal/manage').then((m) => ({ default: m.PortalManagePage })),
);
const PortalNewsEditPage = lazy(() =>
  import('@/web/portal/manage').then((m) => ({ default: m.PortalNewsEditPage })),
);
const PortalEventEditPage = lazy(() =>
  import('@/web/portal/manage').then((m) => ({ default: m.PortalEventEditPage })),
);
const DiscussBoardsPage = lazy(() =>
  import('@/web/portal/discuss').then((m) => ({ default: m.DiscussBoardsPage })),
);
const DiscussBoardPage = lazy(() =>
  import('@/web/portal/discuss').then((m) => ({ default: m.DiscussBoardPage })),
);
const DiscussThreadPage = lazy(() =>
  import('@/web/portal/discuss').then((m) => ({ default: m.DiscussThreadPage })),
);
const ModerationPage = lazy(() =>
  import('@/web/portal/moderation').then((m) => ({ default: m.ModerationPage })),
);
const WatchedWordsPage = lazy(() =>
  import('@/web/portal/moderation').then((m) => ({ default: m.WatchedWordsPage })),
);

function PublicPage({ name, id, uuid }: { name: PublicPageName; id: number | null; uuid: string | null }) {
  switch (name) {
    case 'verifyCredential':
      return <VerifyPastePage />;
    case 'verifyCertificate':
      return <VerifyCertificatePage id={uuid!} />;
    case 'textbooks':
      return <TextbookPortal />;
    case 'collections':
      return <CollectionsPage />;
    case 'collection':
      return <CollectionPage id={id!} />;
    case 'librarySearch':
      return <LibrarySearch />;
    case 'libraryResource':
      return <LibraryResource id={id!} />;
    case 'offline':
      return <OfflinePage />;
    case 'openData':
      return <OpenDataPage />;
    case 'policies':
      return <PolicyRegistryPage />;
    case 'policyTimeline':
      return <PolicyTimelinePage />;
    case 'policyDocument':
      return <PolicyDocumentPage id={id!} />;
    case 'policyProfile':
      return <ProfilePage />;
    case 'policyEditions':
      return <ProfileEditionsPage />;
    case 'policyEdition':
      return <ProfileEditionPage id={id!} />;
    case 'safetyBlocked':
      return <BlockedPage />;
    case 'portalHome':
      return <PortalHomePage />;
    case 'portalNews':
      return <PortalNewsPage />;
    case 'portalNewsItem':
      return <PortalNewsItemPage id={id!} />;
    case 'portalEvents':
      return <PortalEventsPage />;
    case 'portalEvent':
      return <PortalEventPage id={id!} />;
    case 'portalSafety':
      return <SafetyCoursesPage />;
    case 'portalSafetyCourse':
      return <SafetyCoursePage id={id!} />;
    case 'portalSid':
      return <SaferInternetDayPage />;
  }
}

function SubPage({ name, id, me }: { name: PageName; id: number | null; me: Me }) {
  switch (name) {
    case 'schoolIct':
      return <SchoolIctPage me={me} />;
    case 'review':
      return <ReviewList />;
    case 'reviewSchool':
      return <ReviewSchool id={id!} />;
    case 'dashboard':
      return <Dashboard />;
    case 'dashboardArea':
      return <DashboardArea id={id!} />;
    case 'schoolProfile':
      return <SchoolProfile id={id!} />;
    case 'schoolEdit':
      return <SchoolEditPage id={id!} />;
    case 'allocationSchool':
      return <SchoolAllocationPage me={me} />;
    case 'allocation':
      return <AllocationPlans />;
    case 'allocationPlan':
      return <AllocationPlan id={id!} />;
    case 'registryExchange':
      return <ExchangePage me={me} />;
    case 'timetable':
      return <TimetablePage me={me} />;
    case 'schoolClass':
      return <ClassSubjectsPage id={id!} me={me} />;
    case 'teaching':
      return <TeachingPage />;
    case 'teachingLesson':
      return <LessonPage id={id!} />;
    case 'distance':
      return <DistancePage me={me} />;
    case 'distanceArea':
      return <DistancePage me={me} area={id!} />;
    case 'distanceSchool':
      return <DistancePage me={me} school={id!} />;
    case 'councils':
      return <CouncilsPage me={me} />;
    case 'council':
      return <CouncilPage id={id!} me={me} />;
    case 'webinars':
      return <WebinarsPage me={me} />;
    case 'webinar':
      return <WebinarPage id={id!} me={me} />;
    case 'trainingSelf':
      return <MyCompetencePage />;
    case 'trainingStaff':
      return <StaffCompetencePage me={me} />;
    case 'myCertificates':
      return <MyCertificatesPage me={me} />;
    case 'manageCertificates':
      return <ManageCertificatesPage me={me} />;
    case 'trainingCourses':
      return <CoursesPage me={me} />;
    case 'trainingProgramme':
      return <ProgrammePage id={id!} me={me} />;
    case 'trainingApprovals':
      return <ApprovalsPage />;
    case 'trainingSession':
      return <TrainingSessionPage id={id!} />;
    case 'trainingAssessment':
      return <AssessmentPage id={id!} />;
    case 'assignments':
      return <AssignmentsHome me={me} />;
    case 'assignmentsClass':
      return <ClassAssignments id={id!} me={me} />;
    case 'assignment':
      return <AssignmentPage id={id!} me={me} />;
    case 'myAssignments':
      return <MyAssignments me={me} />;
    case 'myLesson':
      return <StudentLesson id={id!} />;
    case 'journal':
      return <JournalHome me={me} />;
    case 'journalClass':
      return <ClassJournal id={id!} me={me} />;
    case 'journalCodes':
      return <JournalLinkCodes id={id!} />;
    case 'journalStudent':
      return <JournalStudent id={id!} />;
    case 'contests':
      return <ContestsPage />;
    case 'contest':
      return <ContestPage id={id!} />;
    case 'contestAttempt':
      return <ContestAttemptPage id={id!} />;
    case 'contestLeaderboard':
      return <ContestLeaderboard id={id!} />;
    case 'contestAdmin':
      return <ContestAdminPage me={me} />;
    case 'contestNew':
      return <ContestNewPage me={me} />;
    case 'contestManage':
      return <ContestManagePage id={id!} me={me} />;
    case 'contestResults':
      return <ContestResultsPage id={id!} me={me} />;
    case 'questionBank':
      return <QuestionBankPage me={me} />;
    case 'trainingNeeds':
      return <TrainingNeedsPage me={me} />;
    case 'trainingHistory':
      return <TrainingHistoryPage />;
    case 'safetyCatalogue':
      return <SafetyCataloguePage />;
    case 'safetyPolicies':
      return <SafetyPoliciesPage me={me} />;
    case 'safetySchedules':
      return <SafetySchedulesPage me={me} />;
    case 'safetyNetworks':
      return <SafetyNetworksPage me={me} />;
    case 'policyManage':
      return <PolicyManagePage />;
    case 'policyEdit':
      return <PolicyEditPage id={id!} />;
    case 'portalSafetyReport':
      return <SafetyReportPage />;
    case 'portalManage':
      return <PortalManagePage />;
    case 'portalCourseEdit':
      return <PortalCourseEditPage id={id!} />;
    case 'portalNewsNew':
      return <PortalNewsEditPage id={null} />;
    case 'portalNewsEdit':
      return <PortalNewsEditPage id={id} />;
    case 'portalEventNew':
      return <PortalEventEditPage id={null} />;
    case 'portalEventEdit':
      return <PortalEventEditPage id={id} />;
    case 'portalDiscuss':
      return <DiscussBoardsPage />;
    case 'portalDiscussBoard':
      return <DiscussBoardPage id={id!} />;
    case 'portalDiscussThread':
      return <DiscussThreadPage id={id!} />;
    case 'portalModeration':
      return <ModerationPage />;
    case 'portalWords':
      return <WatchedWordsPage />;
    case 'policyProfileEdit':
      return <ProfileEditPage />;
    case 'safetyUnblock':
      return <UnblockPage />;
    case 'safetyQueue':
      return <SafetyRequestsPage deciding />;
    case 'safetySchoolRequests':
      return <SafetyRequestsPage deciding={false} />;
    case 'safetyReports':
      return <SafetyReportsPage me={me} />;
    case 'safetyLogSettings':
      return <LogSettingsPage />;
    case 'adminUsers':
      return <UsersPage />;
    case 'adminUser':
      return <UserPage id={id!} />;
    case 'libraryEditorNew':
      return <LibraryEditorNew />;
    case 'libraryEditorReview':
      return <LibraryEditorReview me={me} />;
    case 'libraryEditorResource':
      return <LibraryEditorResource id={id!} me={me} />;
  }
}

function RoleHome({ role, me }: { role: Role; me: Me }) {
  switch (role) {
    case 'admin':
      return <AdminHome />;
    case 'bureau':
      return <BureauHome />;
    case 'regional':
      return <RegionalHome me={me} />;
    case 'director':
      return <DirectorHome me={me} />;
    case 'teacher':
      return <TeacherHome />;
    case 'student':
      return <StudentHome />;
    case 'parent':
      return <ParentHome />;
    case 'editor':
      return <LibraryHome />;
  }
}

/**
 * The main navigation, grouped by what the entries are for (school, teaching, ICT, library, reports), with one
 * home per role held (so it is the role switcher too), and the account. On a phone it is a panel the header's
 * menu button opens below the header; on a wide screen a sidebar that is always there.
 */
function Menu({ me, path, open, onClose }: { me: Me; path: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const logout = useLogout();
  const groups = navGroups(me);
  const active = activeEntry(navEntries(me), path);
  return (
    <div id="site-menu" className={open ? 'menu open' : 'menu'}>
      <nav aria-label={t('nav.label')}>
        {groups.map(({ group, entries }) => (
          <div key={group} className="menu-group">
            <p id={`menu-${group}`} className="menu-group-label">
              {t(`menu.${group}`)}
            </p>
            <ul aria-labelledby={`menu-${group}`}>
              {entries.map((e) => {
                const current = active?.key === e.key ? (active.exact ? 'page' : 'true') : undefined;
                return (
                  <li key={e.key}>
                    {e.path.startsWith('/api/') ? (
                      <a href={e.path}>{t(e.label)}</a>
                    ) : (
                      <Link to={e.path} aria-current={current} onClick={onClose}>
                        {t(e.label)}
                      </Link>
                    )}
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </nav>
      <div className="menu-account">
        <span>{t('nav.signedInAs', { name: me.user.displayName })}</span>
        <Link to={PASSWORD_PATH} className="link-button" onClick={onClose}>
          {t('users.ownLink')}
        </Link>
        <button
          type="button"
          className="link-button"
          disabled={logout.isPending}
          onClick={() => logout.mutate()}
        >
          {t('nav.signOut')}
        </button>
      </div>
    </div>
  );
}

/** The menu button's icon: three bars. */
function MenuIcon() {
  return (
    <svg aria-hidden="true" focusable="false" width="24" height="24" viewBox="0 0 24 24">
      <path d="M3 6h18M3 12h18M3 18h18" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" />
    </svg>
  );
}

/** Whether the menu is open, closed again on every navigation and by Escape (focus back on its button). */
function useMenu(path: string) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => setOpen(false), [path]);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      const menu = document.getElementById('site-menu');
      if (menu?.contains(document.activeElement) || document.activeElement === document.body)
        button.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  return { open, setOpen, button };
}

/**
 * Where a path must send the person instead: signed out, a page that needs an account → sign-in (`/` is the
 * library's home, an unknown path says so); `/` and sign-in when signed in → their home.
 */
function redirectFor(me: Me | null, path: string): string | null {
  if (publicPageAt(path)) return null;
  if (me === null) return path === '/' || path === LOGIN_PATH || !isAppPath(path) ? null : LOGIN_PATH;
  return path === '/' || path === LOGIN_PATH ? homePath(me) : null;
}

/** Decides what the current path shows. */
function Routes({ me, path }: { me: Me | null; path: string }) {
  const target = redirectFor(me, path);
  useEffect(() => {
    if (target) navigate(target, { replace: true });
  }, [target]);
  const open = publicPageAt(path);
  if (open)
    return (
      <Suspense fallback={<Loading />}>
        <PublicPage key={path} name={open.name} id={open.id} uuid={open.key} />
      </Suspense>
    );
  if (me === null && path === '/')
    return (
      <Suspense fallback={<Loading />}>
        <PortalHome />
      </Suspense>
    );
  if (me === null) return isAppPath(path) ? <LoginPage /> : <NotFound home="/" />;
  if (path === PASSWORD_PATH)
    return (
      <Suspense fallback={<Loading />}>
        <PasswordPage />
      </Suspense>
    );
  if (path === LINK_CHILD_PATH)
    return (
      <Suspense fallback={<Loading />}>
        <LinkChild />
      </Suspense>
    );
  const home = homePath(me);
  if (home === null) return <NoRoles />;
  if (target) return <Loading />;
  const role = roleAt(path);
  if (role && heldRoles(me).includes(role))
    return (
      <Suspense fallback={<Loading />}>
        <RoleHome role={role} me={me} />
      </Suspense>
    );
  const page = pageAt(path);
  if (page && page.roles.some((r) => heldRoles(me).includes(r)))
    return (
      <Suspense fallback={<Loading />}>
        <SubPage key={path} name={page.name} id={page.id} me={me} />
      </Suspense>
    );
  return <NotFound home={home} />;
}

/**
 * The shell every page sits in: skip link; a header of one row (the name, the notifications, the language, and
 * on a phone the menu button); the menu; main; footer.
 */
export function App() {
  const { t } = useTranslation();
  const path = usePath();
  const me = useMe();
  const menu = useMenu(path);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="site-header">
        <div className={me.data ? 'wrap header-row' : 'wrap header-row signed-out'}>
          <Link to="/" className="brand">
            {t('app.name')}
          </Link>
          {me.data ? null : (
            <>
              <Link to="/resources" className="portal-link">
                {t('portal.title')}
              </Link>
              <Link to="/open-data" className="portal-link">
                {t('policySdmx.nav')}
              </Link>
              {path !== '/login' ? (
                <Link to="/login" className="portal-link">
                  {t('portal.signIn')}
                </Link>
              ) : null}
            </>
          )}
          <div className="header-tools">
            {me.data ? <NotificationsBell /> : null}
            <LanguageSwitcher />
            {me.data ? (
              <button
                ref={menu.button}
                type="button"
                className="menu-button"
                aria-expanded={menu.open}
                aria-controls="site-menu"
                onClick={() => menu.setOpen(!menu.open)}
              >
                <MenuIcon />
                <span className="visually-hidden">{t('menu.button')}</span>
              </button>
            ) : null}
          </div>
        </div>
      </header>
      <div className={me.data ? 'layout with-menu' : 'layout'}>
        {me.data ? (
          <Menu me={me.data} path={path} open={menu.open} onClose={() => menu.setOpen(false)} />
        ) : null}
        <main id="main" tabIndex={-1}>
          {me.isPending ? <Loading /> : null}
          {me.isError ? <ErrorBox error={me.error} onRetry={() => void me.refetch()} /> : null}
          {me.isSuccess ? <Routes me={me.data} path={path} /> : null}
        </main>
      </div>
      <footer className="site-footer">
        <p>{t('app.footer')}</p>
        <p>
          <Link to="/policies">{t('policyRegistry.footerLink')}</Link>
        </p>
      </footer>
    </>
  );
}
