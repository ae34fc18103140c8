import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createNode } from '@/modules/safety/safety.node.auth';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '@/server/access';
import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import { createTestDatabase, login, testConfig, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole, linkParent } from '@test/factories';
import { academicYears, levels } from '@/modules/institutions/institutions.tables';
import { createDevice, createProject } from '@/modules/infrastructure/infrastructure.service';
import { allocationPlanBody, createAllocationWorld, type AllocationWorld } from '@test/allocation-world';
import { libraryWorld, type LibraryWorld } from '@test/library-world';
import { safetyRequestsWorld, type SafetyRequestsWorld } from '@test/safety-requests-world';
import { bells, classroomWorld, type ClassroomWorld } from '@test/classroom-world';
import { buildRosterZip } from '@/modules/classroom/oneroster';
import { journalWorld, type JournalWorld } from '@test/journal-world';
import { contestsWorld, type ContestsWorld } from '@test/contests-world';
import { assignmentsWorld, PDF, type AssignmentsWorld } from '@test/assignments-world';
import { solidPng } from '@test/files';
import { LocalStorage } from '@/server/storage';
import { createMeeting, addDecision } from '@/modules/councils/councils.service';
import { webinars } from '@/modules/webinars/webinars.tables';
import { grantsOfUsers } from '@/modules/identity/identity.store';
import { resetPassword } from '@/modules/identity/identity.service';
import { trainingFrameworksWorld, type TrainingFrameworksWorld } from '@test/training-frameworks-world';
import { certificatesWorld, type CertificatesWorld } from '@test/certificates-world';
import {
  trainingProgrammeBody,
  trainingProgrammesWorld,
  type TrainingWorld,
} from '@test/training-programmes-world';
import { historyImports as trainingHistoryImports } from '@/modules/training/training.tables';
import {
  documents as policyDocuments,
  partnerships as policyPartnerships,
  targets as policyTargets,
} from '@/modules/policy/policy.tables';
import { safeSearchOn, safetyAdminWorld, type SafetyAdminWorld } from '@test/safety-admin-world';
import {
  PORTAL_PUBLISHERS,
  courseLessonBody,
  portalArticleBody,
  portalEventBody,
  portalWorld,
  portalCoursesWorld,
  type PortalCoursesWorld,
  type PortalWorld,
} from '@test/portal-world';
import {
  PORTAL_MODERATORS,
  PORTAL_NATIONAL_MODERATORS,
  portalDiscussWorld,
  type PortalDiscussWorld,
} from '@test/portal-discuss-world';

/** A publisher's own portal item (the bureau's for a caller who publishes nothing: refused before reading it). */
const portalOwn = (ids: Partial<Record<Role, number>>, caller: Role | null) =>
  (caller && ids[caller]) || ids.bureau!;

/**
 * Route × role: every registered route, called by someone signed out and by a holder of each role, must answer
 * as the policy below — written out here, independently of the routes' own declarations — says. A route
 * missing from the policy fails the test, and so does a route that forgot its declaration (everyone is then
 * refused, which no policy line expects).
 */

/** Who may call a route: anyone, anyone signed in, or holders of these roles. */
type Who = 'anyone' | 'signed-in' | readonly Role[];

interface World {
  /** The content filter's resolver node token (`safety.node.auth.ts`). */
  safetyNodeToken: string;
  /** The district of the school every institution-scoped role is held in. */
  areaId: number;
  schoolId: number;
  otherSchoolId: number;
  spareUserId: number;
  /** A teacher of the school whose roles the walk gives and takes, and the id of their teacher grant. */
  granteeId: number;
  granteeGrantId: number;
  /** Sets every role's password back to the walk's own, after a route that changed it. */
  restorePasswords: () => Promise<void>;
  usernames: Record<Role, string>;
  yearId: number;
  /** A device at the school, one at the other school, and one the national staff move back and forth. */
  deviceId: number;
  otherDeviceId: number;
  movableDeviceId: number;
  projectId: number;
  /** Distribution plans in each state (see test/allocation-world.ts). */
  allocation: AllocationWorld;
  library: LibraryWorld;
  classroom: ClassroomWorld;
  /** Set once the classroom is built (see test/assignments-world.ts). */
  assignments?: AssignmentsWorld;
  /** Set once the classroom is built (see test/journal-world.ts). */
  journal?: JournalWorld;
  /** Set once the classroom is built (see test/contests-world.ts). */
  contests?: ContestsWorld;
  /** A council at the school with a decision owned by the teacher, and a council at the other school with one. */
  councils: {
    meetingId: number;
    otherMeetingId: number;
    decisionId: number;
    otherDecisionId: number;
    teacherId: number;
  };
  /** A webinar of the school's district that started ten minutes ago (registration still open). */
  webinarId: number;
  /** Training needs: imported history files the national staff delete, one each (see training.needs.test.ts). */
  trainingImportIds?: number[];
  /** The other school's district, outside the walk's regional officer's area, and a webinar of it. */
  otherAreaId: number;
  otherWebinarId: number;
  /** Set once the people exist (see test/training-frameworks-world.ts). */
  trainingFrameworks?: TrainingFrameworksWorld;
  /** Training certificates and external certificates (see test/certificates-world.ts). */
  certificates?: CertificatesWorld;
  /** Training programmes, sessions and enrolments (see test/training-programmes-world.ts). */
  training?: TrainingWorld;
  /** The portal's news and events, per publishing role (see test/portal-world.ts). */
  portal?: PortalWorld;
  /** The portal's discussions: boards, threads, posts per role (see test/portal-discuss-world.ts). */
  portalDiscuss?: PortalDiscussWorld;
  /** The internet-safety courses and Safer Internet Day (see test/portal-world.ts). */
  portalCourses?: PortalCoursesWorld;
  /** The registry of policies: a document with a target, a partnership, and spares the deletions use up. */
  policy?: {
    documentId: number;
    targetId: number;
    partnershipId: number;
    spareDocuments: number[];
    spareTargets: number[];
    sparePartnerships: number[];
  };
  /** Content filter, logs: a resolver node's token (the node routes are public, the token checked). */
  safetyLogs?: { token: string };
  /** The content filter's unblock requests (see test/safety-requests-world.ts). */
  safetyRequests?: SafetyRequestsWorld;
  /** The content filter's catalogue, policies, networks and schedules (see test/safety-admin-world.ts). */
  safetyAdmin?: SafetyAdminWorld;
}

/**
 * In a whole-record save's payload, the version the caller reads from the same address just before (0 when
 * they may not read it): every allowed caller saves the record as it is (see `src/server/versions.ts`).
 */
const READ_VERSION = -1;

/** The `version` of a record read (0 when it could not be read). */
const versionOf = (body: unknown) => ({ version: (body as { version?: number } | null)?.version ?? 0 });

/** The classes of a grade as read at `GET …/subject-teachers`, each with its version (none when unread). */
const gradeClassesOf = (grade: number) => (body: unknown) => ({
  classes: (
    (body as { classes: { classId: number; grade: number; version: number }[] } | null)?.classes ?? []
  )
    .filter((c) => c.grade === grade)
    .map((c) => ({ classId: c.classId, version: c.version })),
});

interface Call {
  params?: Record<string, string | number>;
  /** A query string, for routes that take their target there. */
  query?: Record<string, string | number>;
  payload?: unknown;
  headers?: Record<string, string>;
  /**
   * A save whose record is read elsewhere (a period in its class's week, a project in the list): the caller
   * reads `url` just before, and `fields` turns what it read (null when it may not read it) into the payload's
   * version fields.
   */
  read?: { url: string; fields: (body: unknown) => object };
}

interface Rule {
  who: Who;
  /** A request that succeeds for whoever `who` admits. */
  call?: (world: World, caller: Role | null) => Call;
  /** Sign each role in afresh before calling: the route ends sessions. */
  signInFirst?: true;
  /** The route changes the caller's password: set it back (and sign everyone in again) afterwards. */
  changesPasswords?: true;
  /**
   * The same route on a target outside the callers' scopes, and who may still call it there; the others are
   * refused with 403 — those the route itself admits with `refusal` where the target's very existence is
   * kept from them.
   */
  outside?: { who: Who; call: (world: World, caller: Role | null) => Call; refusal?: 404 };
}

let unique = 0;
const next = () => `${Date.now().toString(36)}${++unique}`;
/** A new class letter per call (A, B, …, Z, AA, AB, …), for classes the walk creates. */
let letters = 0;
const classLetter = () => {
  const n = letters++;
  return n < 26
    ? String.fromCharCode(65 + n)
    : String.fromCharCode(65 + Math.floor(n / 26) - 1) + String.fromCharCode(65 + (n % 26));
};
/** Weekly periods the walk adds to 7A, each in a slot of its own. */
let slotCounter = 0;

/** A contest each organising role may make: its area's, its class's, or the nation's. */
const contestWalkBody = (w: World, caller: Role | null) => ({
  title: 'Walk',
  subjectCode: 'mathematics',
  grade: 7,
  ...(caller === 'regional'
    ? { scope: 'district', areaId: w.areaId }
    : caller === 'director' || caller === 'teacher'
      ? { scope: 'class', classId: w.classroom.classId }
      : { scope: 'nation' }),
  date: '2026-12-10',
  windows: [{ shift: 1, startsAt: '10:00', endsAt: '10:30' }],
  timeLimitMinutes: 30,
  questionIds: [w.contests!.nationalQuestionId],
});
/**
 * The next of a few outside targets that a deletion uses up: the anonymous caller gets the first, the admin
 * (who may delete it) the second, and every later caller the last, which nobody else may delete.
 */
const nextTarget = (pool: number[]) => (pool.length > 1 ? pool.shift()! : pool[0]!);

const NATIONAL = ['admin', 'bureau'] as const;
/** The national staff who see every contest. */
const NATIONAL_STAFF = ['admin', 'bureau', 'editor'] as const;
/** A school's registry is read by national staff, its region and its own staff (not students or parents). */
const READERS = ['admin', 'bureau', 'regional', 'director', 'teacher'] as const;

const device = (assetTag: string) => ({
  assetTag,
  serial: null,
  kind: 'laptop' as const,
  model: null,
  status: 'in_use' as const,
  condition: 'working' as const,
  purpose: 'teaching' as const,
  fundingProgramme: null,
  acquiredOn: null,
  endOfLifeOn: null,
  lastAuditOn: null,
  nextAuditOn: null,
});
const project = (code: string) => ({ code, nameAz: code, nameRu: code, nameEn: code, active: true });
const record = () => ({
  version: READ_VERSION,
  teachers: 40,
  teachersIctTrained: 20,
  classrooms: 20,
  hasComputerLab: true,
  electricity: true,
  electricitySource: 'grid',
  electricityHours: 24,
  students: [{ level: 'primary', sex: 'female', shift: 1, students: 30 }],
  links: [],
  deviceCounts: [],
  participations: [],
});

/** An unblock request for a school, from now for two hours; a report's scope as each caller may ask it. */
const unblockRequest = (institutionId: number) => ({
  institutionId,
  domain: 'walk.example',
  reason: 'Walk',
  startsAt: new Date().toISOString(),
  endsAt: new Date(Date.now() + 7_200_000).toISOString(),
});
const reportScope = (w: World, caller: Role | null): Record<string, number> =>
  caller === 'regional'
    ? { areaId: w.areaId }
    : caller === 'director' || caller === 'teacher'
      ? { institutionId: w.schoolId }
      : {};

/** A policy document, a programme target and a partnership as the registry's editors send them. */
const policyText = (s: string) => ({ az: s, ru: s, en: s });
const policyDocument = () => ({
  kind: 'state_programme',
  title: policyText('Walk'),
  issuer: policyText('Walk'),
  number: '',
  adoptedOn: '2024-01-01',
  amendedOn: null,
  periodStart: null,
  periodEnd: null,
  status: 'in_force',
  summary: policyText(''),
  url: '',
  topics: ['2.2'],
  peer: [],
});
const policyTarget = () => ({
  description: policyText('Walk'),
  indicator: 'schools_connected',
  baseline: 0,
  target: 10,
  dueOn: null,
});
const policyPartnership = () => ({
  partner: 'Walk',
  contribution: policyText('Walk'),
  quantity: null,
  startedOn: '2024-01-01',
  endedOn: null,
  documentId: null,
  topics: [],
});

/** The walk's own sitting of the self-assessment for a caller who may take it (0 for the others). */
const selfSitting = (w: World, caller: Role | null) =>
  caller === 'teacher' || caller === 'director' ? w.trainingFrameworks!.sittings[caller] : 1;

const POLICY: Record<string, Rule> = {
  // Training: the plan, programmes, sessions, enrolments and the final assessment.
  'GET /api/training/plans': { who: ['admin', 'bureau', 'regional'] },
  'POST /api/training/plans': {
    who: NATIONAL,
    call: (w, caller) => ({
      payload: {
        yearId: caller === 'bureau' ? w.training!.spareYearIds.bureau : w.training!.spareYearIds.admin,
        title: 'Plan',
        budget: null,
      },
    }),
  },
  'GET /api/training/plans/:planId': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ params: { planId: w.training!.planId } }),
  },
  'PUT /api/training/plans/:planId': {
    who: NATIONAL,
    call: (w) => ({
      params: { planId: w.training!.planId },
      payload: { version: READ_VERSION, yearId: w.yearId, title: 'Plan', budget: 1000, status: 'approved' },
    }),
  },
  'GET /api/training/programmes': { who: READERS },
  'POST /api/training/programmes': {
    who: NATIONAL,
    call: (w) => ({ payload: trainingProgrammeBody(w.training!.planId) }),
  },
  'GET /api/training/programmes/:programmeId': {
    who: READERS,
    call: (w) => ({ params: { programmeId: w.training!.programmeId } }),
  },
  'PUT /api/training/programmes/:programmeId': {
    who: NATIONAL,
    call: (w) => ({
      params: { programmeId: w.training!.openProgrammeId },
      payload: { version: READ_VERSION, ...trainingProgrammeBody(w.training!.planId), status: 'open' },
    }),
  },
  'GET /api/training/programme-options': { who: NATIONAL },
  'GET /api/training/programmes/:programmeId/results': {
    who: NATIONAL,
    call: (w) => ({ params: { programmeId: w.training!.programmeId } }),
  },
  'GET /api/training/programmes/:programmeId/questions': {
    who: NATIONAL,
    call: (w) => ({ params: { programmeId: w.training!.programmeId } }),
  },
  'PUT /api/training/programmes/:programmeId/questions': {
    who: NATIONAL,
    call: (w) => ({
      params: { programmeId: w.training!.openProgrammeId },
      payload: {
        version: READ_VERSION,
        questions: [{ kind: 'single', prompt: 'Sual', options: ['Bəli', 'Xeyr'], correct: [0] }],
      },
    }),
  },
  'POST /api/training/programmes/:programmeId/sessions': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({
      params: { programmeId: w.training!.openProgrammeId },
      payload: {
        areaId: w.areaId,
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
        place: 'Bakı',
        url: null,
        capacity: 20,
      },
    }),
  },
  'GET /api/training/sessions': { who: ['admin', 'bureau', 'regional'] },
  'GET /api/training/sessions/:sessionId': {
    who: READERS,
    call: (w) => ({ params: { sessionId: w.training!.sessionId } }),
  },
  'PUT /api/training/sessions/:sessionId': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({
      params: { sessionId: w.training!.openSessionId },
      payload: { version: READ_VERSION, ...trainingSession(w.areaId) },
    }),
    // Another district's session is not the regional officer's to see as its organiser.
    outside: {
      who: NATIONAL,
      refusal: 404,
      call: (w) => ({
        params: { sessionId: w.training!.otherSessionId },
        payload: { version: READ_VERSION, ...trainingSession(w.otherAreaId, 1) },
      }),
    },
  },
  'GET /api/training/sessions/:sessionId/attendance': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ params: { sessionId: w.training!.sessionId } }),
    outside: {
      who: NATIONAL,
      refusal: 404,
      call: (w) => ({ params: { sessionId: w.training!.otherSessionId } }),
    },
  },
  'PUT /api/training/sessions/:sessionId/attendance': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({
      params: { sessionId: w.training!.openSessionId },
      payload: { version: READ_VERSION, attended: [] },
    }),
  },
  'POST /api/training/programmes/:programmeId/enrolment': {
    who: ['teacher'],
    call: (w) => ({
      params: { programmeId: w.training!.openProgrammeId },
      payload: { sessionId: w.training!.openSessionId },
    }),
  },
  'POST /api/training/programmes/:programmeId/nominations': {
    who: ['director'],
    call: (w) => ({
      params: { programmeId: w.training!.openProgrammeId },
      payload: { userId: w.spareUserId, sessionId: w.training!.openSessionId },
    }),
  },
  'GET /api/training/nominees': {
    who: ['director'],
    call: (w) => ({ query: { programmeId: w.training!.openProgrammeId } }),
  },
  'GET /api/training/enrolments': { who: READERS },
  'GET /api/training/enrolments/:enrolmentId': {
    who: READERS,
    call: (w) => ({ params: { enrolmentId: w.training!.enrolmentId } }),
  },
  'POST /api/training/enrolments/:enrolmentId/decision': {
    who: ['admin', 'bureau', 'regional'],
    // Approving someone waiting for a full session leaves them waiting: every organiser may do it again.
    call: (w) => ({
      params: { enrolmentId: w.training!.waitingEnrolmentId },
      payload: { decision: 'approve' },
      read: { url: `/api/training/enrolments/${w.training!.waitingEnrolmentId}`, fields: versionOf },
    }),
    outside: {
      who: NATIONAL,
      refusal: 404,
      call: (w) => ({
        params: { enrolmentId: w.training!.otherWaitingEnrolmentId },
        payload: { decision: 'approve' },
        read: { url: `/api/training/enrolments/${w.training!.otherWaitingEnrolmentId}`, fields: versionOf },
      }),
    },
  },
  'POST /api/training/enrolments/:enrolmentId/withdrawal': {
    who: ['teacher'],
    call: (w) => ({ params: { enrolmentId: w.training!.withdrawableEnrolmentId } }),
  },
  'POST /api/training/enrolments/:enrolmentId/attempt': {
    who: ['teacher'],
    call: (w) => ({ params: { enrolmentId: w.training!.enrolmentId } }),
  },
  'GET /api/training/attempts/:attemptId': {
    who: ['teacher'],
    call: (w) => ({ params: { attemptId: w.training!.attemptId } }),
  },
  'PUT /api/training/attempts/:attemptId/answer': {
    who: ['teacher'],
    call: (w) => ({
      params: { attemptId: w.training!.attemptId },
      payload: { questionId: w.training!.questionId, answer: { choice: 0 } },
    }),
  },
  'POST /api/training/attempts/:attemptId/submission': {
    who: ['teacher'],
    call: (w) => ({ params: { attemptId: w.training!.attemptId } }),
  },
  'GET /api/docs': { who: 'anyone' },
  'GET /api/docs/static/index.html': { who: 'anyone' },
  'GET /api/docs/static/swagger-initializer.js': { who: 'anyone' },
  'GET /api/docs/json': { who: 'anyone' },
  'GET /api/docs/yaml': { who: 'anyone' },
  'GET /api/docs/static/*': { who: 'anyone', call: () => ({ params: { '*': 'swagger-ui.css' } }) },
  'GET /api/health': { who: 'anyone' },
  'GET /api/openapi.json': { who: 'anyone' },
  'POST /api/auth/login': {
    who: 'anyone',
    call: (w, caller) => ({ payload: { username: w.usernames[caller ?? 'admin'], password: 'password-1' } }),
  },
  'GET /api/me': { who: 'signed-in' },
  'PATCH /api/me': { who: 'signed-in', call: () => ({ payload: { locale: 'az' } }) },
  'POST /api/me/password': {
    who: 'signed-in',
    changesPasswords: true,
    call: () => ({ payload: { currentPassword: 'password-1', newPassword: 'walk-password-2' } }),
  },
  'GET /api/users': { who: ['admin'] },
  'GET /api/users/:id': { who: ['admin'], call: (w) => ({ params: { id: w.granteeId } }) },
  'POST /api/users/:id/grants': {
    who: ['admin'],
    call: (w) => ({
      params: { id: w.granteeId },
      payload: { role: 'editor', areaId: null, institutionId: null },
    }),
  },
  'DELETE /api/users/:id/grants/:grantId': {
    who: ['admin'],
    call: (w) => ({ params: { id: w.granteeId, grantId: w.granteeGrantId } }),
  },
  'POST /api/users/:id/status': {
    who: ['admin'],
    call: (w) => ({ params: { id: w.granteeId }, payload: { status: 'active' } }),
  },
  'POST /api/users': {
    who: ['admin'],
    call: () => ({
      payload: { username: `u-${next()}`, password: 'password-123', displayName: 'Test', grants: [] },
    }),
  },
  'POST /api/users/:id/password': {
    who: ['admin'],
    call: (w) => ({ params: { id: w.spareUserId }, payload: { password: 'new-password-1' } }),
  },
  'GET /api/audit': { who: ['admin'] },
  'GET /api/areas': { who: 'anyone' },
  'GET /api/institutions': { who: 'anyone' },
  'GET /api/institutions/:id': { who: 'anyone', call: (w) => ({ params: { id: w.schoolId } }) },
  'POST /api/institutions': {
    who: ['admin', 'bureau'],
    call: (w) => ({
      payload: {
        code: `N-${next()}`,
        kind: 'general_school',
        areaId: w.areaId,
        ownership: 'public',
        locality: 'rural',
        status: 'active',
        nameAz: 'Yeni məktəb',
        nameRu: 'Новая школа',
        nameEn: 'New school',
        latitude: null,
        longitude: null,
        levels: ['primary'],
        shifts: 1,
      },
    }),
  },
  'PATCH /api/institutions/:id': {
    who: ['admin', 'bureau', 'director'],
    call: (w) => ({ params: { id: w.schoolId }, payload: { shifts: 2 } }),
    outside: {
      who: ['admin', 'bureau'],
      call: (w) => ({ params: { id: w.otherSchoolId }, payload: { shifts: 2 } }),
    },
  },
  'GET /api/academic-years': { who: 'anyone' },
  // The school ICT registry.
  'GET /api/institutions/:id/registry/:yearId': {
    who: READERS,
    call: (w) => ({ params: { id: w.schoolId, yearId: w.yearId } }),
    outside: { who: NATIONAL, call: (w) => ({ params: { id: w.otherSchoolId, yearId: w.yearId } }) },
  },
  'PUT /api/institutions/:id/registry/:yearId': {
    who: ['admin', 'bureau', 'director'],
    call: (w) => ({ params: { id: w.schoolId, yearId: w.yearId }, payload: record() }),
    outside: {
      who: NATIONAL,
      call: (w) => ({ params: { id: w.otherSchoolId, yearId: w.yearId }, payload: record() }),
    },
  },
  'PUT /api/institutions/:id/registry/:yearId/draft': {
    who: ['admin', 'bureau', 'director'],
    call: (w) => ({ params: { id: w.schoolId, yearId: w.yearId }, payload: record() }),
    outside: {
      who: NATIONAL,
      call: (w) => ({ params: { id: w.otherSchoolId, yearId: w.yearId }, payload: record() }),
    },
  },
  'POST /api/institutions/:id/registry/:yearId/submit': {
    who: ['admin', 'bureau', 'director'],
    call: (w) => ({ params: { id: w.schoolId, yearId: w.yearId }, payload: { version: READ_VERSION } }),
    outside: {
      who: NATIONAL,
      call: (w) => ({
        params: { id: w.otherSchoolId, yearId: w.yearId },
        payload: { version: READ_VERSION },
      }),
    },
  },
  'POST /api/institutions/:id/registry/:yearId/review': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ params: { id: w.schoolId, yearId: w.yearId }, payload: { decision: 'verify' } }),
    outside: {
      who: NATIONAL,
      call: (w) => ({ params: { id: w.otherSchoolId, yearId: w.yearId }, payload: { decision: 'verify' } }),
    },
  },
  'GET /api/registry/years/:yearId/schools': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ params: { yearId: w.yearId } }),
  },
  'GET /api/institutions/:id/devices': {
    who: READERS,
    call: (w) => ({ params: { id: w.schoolId } }),
    outside: { who: NATIONAL, call: (w) => ({ params: { id: w.otherSchoolId } }) },
  },
  'POST /api/institutions/:id/devices': {
    who: ['admin', 'bureau', 'director'],
    call: (w) => ({ params: { id: w.schoolId }, payload: device(`RT-${next()}`) }),
  },
  'PATCH /api/devices/:deviceId': {
    who: ['admin', 'bureau', 'director'],
    call: (w) => ({ params: { deviceId: w.deviceId }, payload: { event: 'audited' } }),
    outside: {
      who: NATIONAL,
      call: (w) => ({ params: { deviceId: w.otherDeviceId }, payload: { event: 'audited' } }),
    },
  },
  'POST /api/devices/:deviceId/move': {
    who: NATIONAL,
    // The administrator moves it away, the bureau brings it back.
    call: (w, caller) => ({
      params: { deviceId: w.movableDeviceId },
      payload: { toInstitutionId: caller === 'admin' ? w.otherSchoolId : w.schoolId },
    }),
  },
  'GET /api/devices/:deviceId/history': {
    who: READERS,
    call: (w) => ({ params: { deviceId: w.deviceId } }),
    outside: { who: NATIONAL, call: (w) => ({ params: { deviceId: w.otherDeviceId } }) },
  },
  'GET /api/institutions/:id/connectivity': {
    who: READERS,
    call: (w) => ({ params: { id: w.schoolId } }),
    outside: { who: NATIONAL, call: (w) => ({ params: { id: w.otherSchoolId } }) },
  },
  'POST /api/institutions/:id/measurements': {
    who: READERS,
    call: (w) => ({
      params: { id: w.schoolId },
      payload: { downloadMbps: 25, uploadMbps: 5, latencyMs: 30 },
    }),
    outside: {
      who: NATIONAL,
      call: (w) => ({
        params: { id: w.otherSchoolId },
        payload: { downloadMbps: 1, uploadMbps: null, latencyMs: null },
      }),
    },
  },
  'GET /api/speedtest/download': { who: READERS },
  'POST /api/speedtest/upload': {
    who: READERS,
    call: () => ({ payload: Buffer.alloc(1000), headers: { 'content-type': 'application/octet-stream' } }),
  },
  'GET /api/registry/projects': { who: 'signed-in' },
  'POST /api/registry/projects': { who: NATIONAL, call: () => ({ payload: project(`p-${next()}`) }) },
  'PUT /api/registry/projects/:id': {
    who: NATIONAL,
    call: (w) => ({
      params: { id: w.projectId },
      payload: project('rt-project'),
      read: {
        url: '/api/registry/projects',
        fields: (list) => ({
          version:
            (list as { id: number; version: number }[] | null)?.find((p) => p.id === w.projectId)?.version ??
            0,
        }),
      },
    }),
  },
  'GET /api/registry/settings': { who: 'signed-in' },
  'PUT /api/registry/settings': {
    who: NATIONAL,
    call: () => ({ payload: { version: READ_VERSION, benchmarkMbps: 20 } }),
  },
  'GET /api/registry/templates/:dataset': {
    who: ['admin', 'bureau', 'regional', 'director'],
    call: () => ({ params: { dataset: 'schools' } }),
  },
  'GET /api/registry/export/:dataset': {
    who: ['admin', 'bureau', 'regional', 'director'],
    call: () => ({ params: { dataset: 'schools' } }),
  },
  // A dry run answers a report whatever the rows hold; a regional officer may import measurements only.
  'POST /api/registry/import/:dataset': {
    who: ['admin', 'bureau', 'regional', 'director'],
    call: (_w, caller) => ({
      params: { dataset: `${caller === 'regional' ? 'measurements' : 'schools'}?dryRun=true` },
      payload: 'school_id_govt,measured_at,download_speed\r\nX,2026-01-01T00:00:00Z,5\r\n',
      headers: { 'content-type': 'text/csv' },
    }),
  },
  // Monitoring: national staff and regional officers (their own areas); open data for anyone.
  'GET /api/monitoring/indicators': { who: ['admin', 'bureau', 'regional'] },
  'GET /api/monitoring/trends': { who: ['admin', 'bureau', 'regional'] },
  'GET /api/monitoring/schools': { who: ['admin', 'bureau', 'regional'] },
  'GET /api/monitoring/schools/:id': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ params: { id: w.schoolId } }),
    outside: { who: ['admin', 'bureau'], call: (w) => ({ params: { id: w.otherSchoolId } }) },
  },
  'GET /api/monitoring/map': { who: ['admin', 'bureau', 'regional'] },
  'GET /api/open/schools': { who: 'anyone' },
  'GET /api/open/schools/giga': { who: 'anyone' },
  'GET /api/open/indicators': { who: 'anyone' },
  // Policy: the indicators as SDMX-CSV open data, and its structure.
  'GET /api/open/indicators/sdmx': { who: 'anyone' },
  'GET /api/open/indicators/sdmx/structure': { who: 'anyone' },
  // Training needs, history and indicators: national staff plan and import, regional officers read their areas.
  'GET /api/training/targets': { who: ['admin', 'bureau', 'regional'] },
  'PUT /api/training/targets': {
    who: NATIONAL,
    call: () => ({
      payload: { year: '2026-2027' },
      read: {
        url: '/api/training/targets?year=2026-2027',
        fields: (body) => ({
          targets: [
            {
              areaId: 'digcompedu.1',
              level: 2,
              version: (body as { areas?: { version: number }[] } | null)?.areas?.[0]?.version ?? 0,
            },
          ],
        }),
      },
    }),
  },
  'GET /api/training/needs': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ query: { areaId: w.areaId } }),
    outside: { who: NATIONAL, call: (w) => ({ query: { areaId: w.otherAreaId } }) },
  },
  'GET /api/training/needs/export': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ query: { areaId: w.areaId, format: 'csv' } }),
    outside: { who: NATIONAL, call: (w) => ({ query: { areaId: w.otherAreaId } }) },
  },
  'GET /api/training/needs/proposal': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ query: { areaId: w.areaId, area: 'digcompedu.1', belowLevel: 1 } }),
    outside: {
      who: NATIONAL,
      call: (w) => ({ query: { areaId: w.otherAreaId, area: 'digcompedu.1', belowLevel: 1 } }),
    },
  },
  'GET /api/training/history/template': { who: NATIONAL, call: () => ({ query: { format: 'csv' } }) },
  'POST /api/training/history/import': {
    who: NATIONAL,
    call: () => ({
      query: { dryRun: 'true' },
      payload: 'school_code,person_name,programme,completed\r\nX,Y,Z,2010\r\n',
      headers: { 'content-type': 'text/csv' },
    }),
  },
  'GET /api/training/history/imports': { who: NATIONAL },
  'DELETE /api/training/history/imports/:importId': {
    who: NATIONAL,
    call: (w) => ({ params: { importId: nextTarget(w.trainingImportIds!) } }),
  },
  'GET /api/training/indicators': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ query: { areaId: w.areaId } }),
    outside: { who: NATIONAL, call: (w) => ({ query: { areaId: w.otherAreaId } }) },
  },
  'GET /api/training/open/indicators': { who: 'anyone' },
  'GET /api/training/schools/:institutionId/ict-trained': {
    who: ['admin', 'bureau', 'regional', 'director'],
    call: (w) => ({ params: { institutionId: w.schoolId } }),
    outside: { who: NATIONAL, call: (w) => ({ params: { institutionId: w.otherSchoolId } }) },
  },
  // The country profile (policy.profile.test.ts): read by anyone; its text and editions written by the ministry.
  // Publishing comes first, so that the edition the reads below ask for exists (admin makes it, bureau the next).
  'GET /api/policy/profile': { who: 'anyone' },
  'GET /api/policy/profile/pdf': { who: 'anyone', call: () => ({ query: { lang: 'ru' } }) },
  'GET /api/policy/profile/changes': { who: 'anyone' },
  'GET /api/policy/profile/sections': { who: NATIONAL },
  'PUT /api/policy/profile/sections/:section': {
    who: NATIONAL,
    call: () => ({
      params: { section: '2.1' },
      payload: { body: { az: 'Mətn', ru: 'Текст', en: 'Text' } },
      read: {
        url: '/api/policy/profile/sections',
        fields: (body) => ({
          version:
            (body as { items: { section: string; version: number }[] } | null)?.items.find(
              (i) => i.section === '2.1',
            )?.version ?? 0,
        }),
      },
    }),
  },
  'POST /api/policy/profile/editions': {
    who: NATIONAL,
    call: () => ({ payload: { version: READ_VERSION, note: { az: 'Nəşr', ru: 'Издание', en: 'Edition' } } }),
  },
  'GET /api/policy/profile/editions': { who: 'anyone' },
  'GET /api/policy/profile/editions/:number': { who: 'anyone', call: () => ({ params: { number: 1 } }) },
  'GET /api/policy/profile/editions/:number/pdf': { who: 'anyone', call: () => ({ params: { number: 1 } }) },
  'GET /api/policy/profile/editions/:number/changes': {
    who: 'anyone',
    call: () => ({ params: { number: 1 } }),
  },
  'GET /api/country-pack': { who: 'anyone' },
  // The computer distribution: national staff run it, a school's director speaks for the school. In walk
  // order, each transition (register, examine, appeal, approve) is safe to repeat or acts on a plan of its own.
  'GET /api/allocation/plans': { who: 'signed-in' },
  'POST /api/allocation/plans': { who: NATIONAL, call: (w) => ({ payload: allocationPlanBody(w.yearId) }) },
  'GET /api/allocation/plans/:planId': {
    who: 'signed-in',
    call: (w) => ({ params: { planId: w.allocation.openPlanId } }),
  },
  'PUT /api/allocation/plans/:planId': {
    who: NATIONAL,
    call: (w) => ({
      params: { planId: w.allocation.openPlanId },
      payload: { editVersion: READ_VERSION, ...allocationPlanBody(w.yearId) },
    }),
  },
  'POST /api/allocation/plans/:planId/publish': {
    who: NATIONAL,
    call: (w) => ({ params: { planId: w.allocation.openPlanId } }),
  },
  'GET /api/allocation/plans/:planId/schools/:id': {
    who: READERS,
    call: (w) => ({ params: { planId: w.allocation.openPlanId, id: w.schoolId } }),
    outside: {
      who: NATIONAL,
      call: (w) => ({ params: { planId: w.allocation.openPlanId, id: w.otherSchoolId } }),
    },
  },
  'PUT /api/allocation/plans/:planId/schools/:id/application': {
    who: ['director'],
    call: (w) => ({
      params: { planId: w.allocation.openPlanId, id: w.schoolId },
      payload: { version: READ_VERSION, requested: { projector: 2 }, justification: 'Proyektor lazımdır' },
    }),
  },
  'GET /api/allocation/plans/:planId/applications': {
    who: NATIONAL,
    call: (w) => ({ params: { planId: w.allocation.openPlanId } }),
  },
  'GET /api/allocation/applications/:applicationId': {
    who: NATIONAL,
    call: (w) => ({ params: { applicationId: w.allocation.examinedApplicationId } }),
  },
  'POST /api/allocation/applications/:applicationId/register': {
    who: NATIONAL,
    call: (w) => ({ params: { applicationId: w.allocation.examinedApplicationId } }),
  },
  'POST /api/allocation/applications/:applicationId/examine': {
    who: NATIONAL,
    call: (w) => ({
      params: { applicationId: w.allocation.examinedApplicationId },
      payload: { gates: { complete: true, electricity: true, secureRoom: false, audited: true } },
    }),
  },
  'POST /api/allocation/applications/:applicationId/appeal': {
    who: ['director'],
    call: (w) => ({
      params: { applicationId: w.allocation.examinedApplicationId },
      payload: { text: 'Otaq hazırdır' },
    }),
  },
  'GET /api/allocation/plans/:planId/ranking': {
    who: NATIONAL,
    call: (w) => ({ params: { planId: w.allocation.approvedPlanId } }),
  },
  'POST /api/allocation/plans/:planId/simulate': {
    who: NATIONAL,
    call: (w) => ({ params: { planId: w.allocation.openPlanId }, payload: { norm: 20 } }),
  },
  'POST /api/allocation/plans/:planId/approve': {
    who: NATIONAL,
    call: (w) => ({ params: { planId: w.allocation.approvablePlanId } }),
  },
  'GET /api/allocation/plans/:planId/list': {
    who: 'anyone',
    call: (w) => ({ params: { planId: w.allocation.approvedPlanId } }),
  },
  'POST /api/allocation/plans/:planId/batches': {
    who: NATIONAL,
    call: (w) => ({
      params: { planId: w.allocation.approvedPlanId },
      payload: { institutionId: w.schoolId, items: [{ kind: 'projector', units: 1 }] },
    }),
  },
  'GET /api/allocation/plans/:planId/deliveries': {
    who: NATIONAL,
    call: (w) => ({ params: { planId: w.allocation.approvedPlanId } }),
  },
  'POST /api/allocation/batches/:batchId/confirm': {
    who: ['director'],
    call: (w) => ({
      params: { batchId: w.allocation.batchId },
      payload: { items: [{ kind: 'projector', received: 1, serials: ['RT-PRJ-1'] }] },
    }),
  },
  // The digital library: anyone reads what is published; content editors write, and review each other.
  'GET /api/library/search': { who: 'anyone' },
  'GET /api/library/suggest': { who: 'anyone' },
  'GET /api/library/topics': { who: 'anyone' },
  'GET /api/library/textbooks': { who: 'anyone' },
  'POST /api/library/resources': { who: ['editor'], call: (w) => ({ payload: w.library.newResource }) },
  'GET /api/library/resources': { who: ['editor'] },
  'GET /api/library/resources/:id': {
    who: 'anyone',
    call: (w) => ({ params: { id: w.library.publishedId } }),
  },
  'PATCH /api/library/resources/:id': {
    who: ['editor'],
    call: (w) => ({ params: { id: w.library.draftId }, payload: { title: 'Dəyişdi' } }),
  },
  'POST /api/library/resources/:id/submit': {
    who: ['editor'],
    call: (w) => ({ params: { id: w.library.submittableId }, payload: {} }),
  },
  'POST /api/library/resources/:id/review': {
    who: ['editor'],
    call: (w) => ({ params: { id: w.library.inReviewId }, payload: { decision: 'publish' } }),
  },
  'POST /api/library/resources/:id/unpublish': {
    who: ['editor'],
    call: (w) => ({ params: { id: w.library.unpublishableId }, payload: {} }),
  },
  'GET /api/library/resources/:id/history': {
    who: ['editor'],
    call: (w) => ({ params: { id: w.library.publishedId } }),
  },
  'GET /api/library/files/:fileId': {
    who: 'anyone',
    call: (w) => ({ params: { fileId: w.library.fileId } }),
  },
  'GET /api/library/files/:fileId/hls/:name': {
    who: 'anyone',
    call: (w) => ({ params: { fileId: w.library.hlsFileId, name: 'master.m3u8' } }),
  },
  // CORS preflight for published media (a player on another site asking to send Range).
  'OPTIONS /api/library/files/:fileId': {
    who: 'anyone',
    call: (w) => ({ params: { fileId: w.library.fileId } }),
  },
  'OPTIONS /api/library/files/:fileId/hls/:name': {
    who: 'anyone',
    call: (w) => ({ params: { fileId: w.library.hlsFileId, name: 'master.m3u8' } }),
  },
  // tus: what the upload endpoint speaks (version, extensions, largest size).
  'OPTIONS /api/library/uploads': { who: 'anyone' },
  'POST /api/library/uploads': {
    who: ['editor'],
    call: (w) => ({ headers: w.library.uploadHeaders }),
  },
  'PATCH /api/library/uploads/:uploadId': {
    who: ['editor'],
    call: (w) => ({
      params: { uploadId: w.library.uploadId },
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      payload: Buffer.from('%PDF-'),
    }),
  },
  'DELETE /api/library/uploads/:uploadId': {
    who: ['editor'],
    call: (w) => ({
      params: { uploadId: w.library.abandonedUploadId },
      headers: { 'tus-resumable': '1.0.0' },
    }),
  },
  'POST /api/library/collections': {
    who: ['editor'],
    call: () => ({ payload: { kind: 'collection', title: 'Rəf' } }),
  },
  'PUT /api/library/collections/:id/items': {
    who: ['editor'],
    call: (w) => ({
      params: { id: w.library.collectionId },
      payload: { resourceIds: [w.library.publishedId] },
      read: { url: `/api/library/collections/${w.library.collectionId}`, fields: versionOf },
    }),
  },
  'GET /api/library/collections': { who: 'anyone' },
  'GET /api/library/collections/:id': {
    who: 'anyone',
    call: (w) => ({ params: { id: w.library.collectionId } }),
  },
  // The library's exchange: descriptions and counts for anyone, harvesting for anyone, imports for editors.
  'GET /api/library/resources/:id/jsonld': {
    who: 'anyone',
    call: (w) => ({ params: { id: w.library.publishedId } }),
  },
  'POST /api/library/resources/:id/events': {
    who: 'anyone',
    call: (w) => ({ params: { id: w.library.publishedId }, payload: { kind: 'view' } }),
  },
  'GET /api/library/import/template': { who: ['editor'] },
  'POST /api/library/import': {
    who: ['editor'],
    call: () => ({
      payload: 'title,type,language,level,licence\r\nYoxlama,worksheet,az,general,cc_by\r\n',
      headers: { 'content-type': 'text/csv' },
    }),
  },
  'GET /oai': { who: 'anyone' },
  'OPTIONS /oai': { who: 'anyone' },
  'POST /oai': {
    who: 'anyone',
    call: () => ({
      payload: 'verb=Identify',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
  },
  'GET /api/library/shelves/:grade/:subject': {
    who: 'anyone',
    call: () => ({ params: { grade: 5, subject: 'mathematics' } }),
  },
  // The virtual school: a school's director manages its classes and timetable; teachers and students read
  // their own classes (the service narrows further); a teacher fills in their own lessons.
  'GET /api/institutions/:id/classes': {
    who: ['admin', 'director', 'teacher', 'student'],
    call: (w) => ({ params: { id: w.schoolId } }),
    outside: { who: ['admin'], call: (w) => ({ params: { id: w.otherSchoolId } }) },
  },
  'POST /api/institutions/:id/classes': {
    who: ['admin', 'director'],
    call: (w) => ({
      params: { id: w.schoolId },
      payload: {
        academicYearId: w.yearId,
        grade: 9,
        letter: classLetter(),
        language: 'ru',
        shift: 1,
        homeroomTeacherId: null,
      },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { id: w.otherSchoolId },
        payload: {
          academicYearId: w.yearId,
          grade: 9,
          letter: classLetter(),
          language: 'ru',
          shift: 1,
          homeroomTeacherId: null,
        },
      }),
    },
  },
  'GET /api/classes/:classId': {
    who: ['admin', 'director', 'teacher', 'student'],
    call: (w) => ({ params: { classId: w.classroom.classId } }),
    outside: { who: ['admin'], call: (w) => ({ params: { classId: w.classroom.otherClassId } }) },
  },
  'PATCH /api/classes/:classId': {
    who: ['admin', 'director'],
    call: (w) => ({ params: { classId: w.classroom.spareClassId }, payload: { language: 'az' } }),
    outside: {
      who: ['admin'],
      call: (w) => ({ params: { classId: w.classroom.otherClassId }, payload: { language: 'az' } }),
    },
  },
  'PUT /api/classes/:classId/students/:studentId': {
    who: ['admin', 'director'],
    call: (w) => ({ params: { classId: w.classroom.spareClassId, studentId: w.classroom.enrolStudentId } }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { classId: w.classroom.otherClassId, studentId: w.classroom.other.enrolStudentId },
      }),
    },
  },
  'DELETE /api/classes/:classId/students/:studentId': {
    who: ['admin', 'director'],
    call: (w, caller) => ({
      params: {
        classId: w.classroom.spareClassId,
        studentId: w.classroom.unenrolStudentIds[caller === 'admin' ? 'admin' : 'director'],
      },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { classId: w.classroom.otherClassId, studentId: w.classroom.other.unenrolStudentId },
      }),
    },
  },
  'PUT /api/classes/:classId/subjects/:subjectCode': {
    who: ['admin', 'director'],
    call: (w) => ({
      params: { classId: w.classroom.spareClassId, subjectCode: 'biology' },
      payload: { teacherId: w.classroom.spareTeacherId },
      read: { url: `/api/classes/${w.classroom.spareClassId}/subjects`, fields: versionOf },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { classId: w.classroom.otherClassId, subjectCode: 'biology' },
        payload: { teacherId: w.classroom.other.teacherId },
        read: { url: `/api/classes/${w.classroom.otherClassId}/subjects`, fields: versionOf },
      }),
    },
  },
  'GET /api/classes/:classId/subjects': {
    who: ['admin', 'director', 'teacher', 'student'],
    call: (w) => ({ params: { classId: w.classroom.classId } }),
    outside: { who: ['admin'], call: (w) => ({ params: { classId: w.classroom.otherClassId } }) },
  },
  'PUT /api/classes/:classId/subjects': {
    who: ['admin', 'director'],
    call: (w) => ({
      params: { classId: w.classroom.spareClassId },
      payload: {
        version: READ_VERSION,
        items: [{ subjectCode: 'biology', teacherId: w.classroom.spareTeacherId }],
      },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { classId: w.classroom.otherClassId },
        payload: {
          version: READ_VERSION,
          items: [{ subjectCode: 'biology', teacherId: w.classroom.other.teacherId }],
        },
      }),
    },
  },
  'GET /api/institutions/:id/subject-teachers': {
    who: ['admin', 'director'],
    call: (w) => ({ params: { id: w.schoolId } }),
    outside: { who: ['admin'], call: (w) => ({ params: { id: w.otherSchoolId } }) },
  },
  'PUT /api/institutions/:id/subject-teachers': {
    who: ['admin', 'director'],
    call: (w) => ({
      params: { id: w.schoolId },
      payload: {
        academicYearId: w.yearId,
        grade: 8,
        subjectCode: 'biology',
        teacherId: w.classroom.spareTeacherId,
      },
      read: {
        url: `/api/institutions/${w.schoolId}/subject-teachers?yearId=${w.yearId}`,
        fields: gradeClassesOf(8),
      },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { id: w.otherSchoolId },
        payload: {
          academicYearId: w.yearId,
          grade: 7,
          subjectCode: 'biology',
          teacherId: w.classroom.other.teacherId,
        },
        read: {
          url: `/api/institutions/${w.otherSchoolId}/subject-teachers?yearId=${w.yearId}`,
          fields: gradeClassesOf(7),
        },
      }),
    },
  },
  'DELETE /api/classes/:classId/subjects/:subjectCode': {
    who: ['admin', 'director'],
    call: (w, caller) => ({
      params: {
        classId: w.classroom.spareClassId,
        subjectCode: w.classroom.removableSubjects[caller === 'admin' ? 'admin' : 'director'],
      },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { classId: w.classroom.otherClassId, subjectCode: w.classroom.other.removableSubject },
      }),
    },
  },
  // A file with a problem answers its report (nothing written).
  'POST /api/institutions/:id/enrolments/import': {
    who: ['admin', 'director'],
    call: (w) => ({
      params: { id: w.schoolId },
      payload: 'username,class\r\nnobody,7A\r\n',
      headers: { 'content-type': 'text/csv' },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { id: w.otherSchoolId },
        payload: 'username,class\r\nnobody,7A\r\n',
        headers: { 'content-type': 'text/csv' },
      }),
    },
  },
  'GET /api/institutions/:id/enrolments/export': {
    who: ['admin', 'director'],
    call: (w) => ({ params: { id: w.schoolId } }),
    outside: { who: ['admin'], call: (w) => ({ params: { id: w.otherSchoolId } }) },
  },
  'GET /api/institutions/:id/oneroster': {
    who: ['admin', 'director'],
    call: (w) => ({ params: { id: w.schoolId } }),
    outside: { who: ['admin'], call: (w) => ({ params: { id: w.otherSchoolId } }) },
  },
  // A dry run of a valid OneRoster zip naming the school's 7A (a zip with a problem answers 422).
  'POST /api/institutions/:id/oneroster': {
    who: ['admin', 'director'],
    call: (w) => ({
      params: { id: w.schoolId },
      query: { dryRun: 'true' },
      payload: onerosterZip(),
      headers: { 'content-type': 'application/zip' },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { id: w.otherSchoolId },
        query: { dryRun: 'true' },
        payload: onerosterZip(),
        headers: { 'content-type': 'application/zip' },
      }),
    },
  },
  'GET /api/institutions/:id/bell-schedules': {
    who: ['admin', 'director', 'teacher', 'student'],
    call: (w) => ({ params: { id: w.schoolId } }),
    outside: { who: ['admin'], call: (w) => ({ params: { id: w.otherSchoolId } }) },
  },
  'GET /api/institutions/:id/bell-schedules/:shift': {
    who: ['admin', 'director', 'teacher', 'student'],
    call: (w) => ({ params: { id: w.schoolId, shift: 1 } }),
    outside: { who: ['admin'], call: (w) => ({ params: { id: w.otherSchoolId, shift: 1 } }) },
  },
  'PUT /api/institutions/:id/bell-schedules/:shift': {
    who: ['admin', 'director'],
    call: (w) => ({
      params: { id: w.schoolId, shift: 1 },
      payload: { version: READ_VERSION, ...bells(w.yearId, 0) },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { id: w.otherSchoolId, shift: 1 },
        payload: { version: READ_VERSION, ...bells(w.yearId, 0) },
      }),
    },
  },
  'GET /api/classes/:classId/timetable': {
    who: ['admin', 'director', 'teacher', 'student'],
    call: (w) => ({ params: { classId: w.classroom.classId } }),
    outside: { who: ['admin'], call: (w) => ({ params: { classId: w.classroom.otherClassId } }) },
  },
  'POST /api/classes/:classId/timetable': {
    who: ['admin', 'director'],
    call: (w) => {
      const n = ++slotCounter;
      return {
        params: { classId: w.classroom.classId },
        payload: {
          weekday: 1 + (n % 5),
          period: 2 + Math.floor(n / 5),
          subjectCode: 'mathematics',
          teacherId: w.classroom.teacherId,
          room: null,
        },
      };
    },
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { classId: w.classroom.otherClassId },
        payload: {
          weekday: 3,
          period: 7,
          subjectCode: 'physics',
          teacherId: w.classroom.other.teacherId,
          room: null,
        },
      }),
    },
  },
  'POST /api/classes/:classId/timetable/copy': {
    who: ['admin', 'director'],
    call: (w) => ({
      params: { classId: w.classroom.spareClassId },
      payload: { fromClassId: w.classroom.classId, keepTeachers: false },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { classId: w.classroom.other.spareClassId },
        payload: { fromClassId: w.classroom.otherClassId, keepTeachers: false },
      }),
    },
  },
  'PUT /api/classes/:classId/timetable': {
    who: ['admin', 'director'],
    call: (w) => ({
      params: { classId: w.classroom.weekClassId },
      payload: {
        version: READ_VERSION,
        entries: [
          {
            weekday: 1,
            period: 8,
            subjectCode: 'physics',
            teacherId: w.classroom.spareTeacherId,
            room: '21',
          },
        ],
      },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { classId: w.classroom.other.spareClassId },
        payload: { version: READ_VERSION, entries: [] },
      }),
    },
  },
  'PUT /api/timetable/:entryId': {
    who: ['admin', 'director'],
    call: (w) => ({
      params: { entryId: w.classroom.entryId },
      payload: {
        weekday: 1,
        period: 1,
        subjectCode: 'mathematics',
        teacherId: w.classroom.teacherId,
        room: '12',
      },
      read: { url: `/api/classes/${w.classroom.classId}/timetable`, fields: versionOf },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { entryId: w.classroom.other.entryId },
        payload: {
          weekday: 1,
          period: 6,
          subjectCode: 'physics',
          teacherId: w.classroom.other.teacherId,
          room: '12',
        },
        read: { url: `/api/classes/${w.classroom.otherClassId}/timetable`, fields: versionOf },
      }),
    },
  },
  'DELETE /api/timetable/:entryId': {
    who: ['admin', 'director'],
    call: (w, caller) => ({
      params: { entryId: w.classroom.deletableEntryIds[caller === 'admin' ? 'admin' : 'director'] },
    }),
    // The administrator deletes one; the others, refused, aim at one that stays.
    outside: {
      who: ['admin'],
      call: (w, caller) => ({
        params: {
          entryId: caller === 'admin' ? w.classroom.other.deletableEntryId : w.classroom.other.entryId,
        },
      }),
    },
  },
  'POST /api/institutions/:id/lessons/generate': {
    who: ['admin', 'director'],
    call: (w) => ({
      params: { id: w.schoolId },
      payload: { academicYearId: w.yearId, from: '2026-12-01', to: '2026-12-07' },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { id: w.otherSchoolId },
        payload: { academicYearId: w.yearId, from: '2026-12-01', to: '2026-12-07' },
      }),
    },
  },
  'GET /api/classes/:classId/lessons': {
    who: ['admin', 'director', 'teacher', 'student'],
    call: (w) => ({ params: { classId: `${w.classroom.classId}?from=2026-12-01&to=2026-12-07` } }),
    outside: {
      who: ['admin'],
      call: (w) => ({ params: { classId: `${w.classroom.otherClassId}?from=2026-12-01&to=2026-12-07` } }),
    },
  },
  'GET /api/lessons/:lessonId': {
    who: ['admin', 'director', 'teacher', 'student'],
    call: (w) => ({ params: { lessonId: w.classroom.lessonId } }),
    outside: { who: ['admin'], call: (w) => ({ params: { lessonId: w.classroom.other.lessonId } }) },
  },
  'PUT /api/lessons/:lessonId': {
    who: ['admin', 'director', 'teacher'],
    call: (w) => ({
      params: { lessonId: w.classroom.lessonId },
      payload: { version: READ_VERSION, topic: 'Kəsrlər', homework: null, meetingUrl: null, materials: [] },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { lessonId: w.classroom.other.lessonId },
        payload: { version: READ_VERSION, topic: 'Kəsrlər', homework: null, meetingUrl: null, materials: [] },
      }),
    },
  },
  'GET /api/me/teaching': { who: ['teacher'] },
  'GET /api/institutions/:id/teachers': {
    who: ['admin', 'director'],
    call: (w) => ({ params: { id: w.schoolId } }),
    outside: { who: ['admin'], call: (w) => ({ params: { id: w.otherSchoolId } }) },
  },
  'GET /api/me/lessons/today': { who: ['student'] },
  'GET /api/me/lessons/week': { who: ['student'] },
  // Knowledge contests: banks are written by their authors; contests seen by their scope; attempts are the
  // student's own; a school's results by name only within the school.
  'GET /api/contests/questions': {
    who: ['admin', 'bureau', 'editor', 'director', 'teacher'],
    outside: { who: ['admin'], call: (w) => ({ query: { institutionId: w.otherSchoolId } }) },
  },
  'POST /api/contests/questions': {
    who: ['admin', 'bureau', 'editor', 'director', 'teacher'],
    call: (w, caller) => ({
      payload: {
        institutionId: caller === 'director' || caller === 'teacher' ? w.schoolId : null,
        subjectCode: 'mathematics',
        grade: 7,
        language: 'az',
        prompt: 'Doğrudurmu?',
        kind: 'true_false',
        truth: true,
      },
    }),
    // Another school's bank.
    outside: {
      who: ['admin'],
      call: (w) => ({
        payload: {
          institutionId: w.otherSchoolId,
          subjectCode: 'mathematics',
          grade: 7,
          language: 'az',
          prompt: 'Doğrudurmu?',
          kind: 'true_false',
          truth: true,
        },
      }),
    },
  },
  'GET /api/contests/questions/:questionId': {
    who: ['admin', 'bureau', 'editor', 'director', 'teacher'],
    call: (w, caller) => ({
      params: {
        questionId:
          caller === 'director' || caller === 'teacher'
            ? w.contests!.schoolQuestionId
            : w.contests!.nationalQuestionId,
      },
    }),
    // Another school's bank: only the admin reads it.
    outside: { who: ['admin'], call: (w) => ({ params: { questionId: w.contests!.other.questionId } }) },
  },
  'PUT /api/contests/questions/:questionId': {
    who: ['admin', 'bureau', 'editor', 'director', 'teacher'],
    call: (w, caller) => ({
      params: {
        questionId:
          caller === 'director' || caller === 'teacher'
            ? w.contests!.schoolQuestionId
            : w.contests!.nationalQuestionId,
      },
      payload: {
        version: READ_VERSION,
        subjectCode: 'mathematics',
        grade: 7,
        language: 'az',
        prompt: '1 + 1?',
        kind: 'numeric',
        value: 2,
      },
    }),
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { questionId: w.contests!.other.questionId },
        payload: {
          version: READ_VERSION,
          subjectCode: 'mathematics',
          grade: 7,
          language: 'az',
          prompt: '1 + 1?',
          kind: 'numeric',
          value: 2,
        },
      }),
    },
  },
  'DELETE /api/contests/questions/:questionId': {
    who: ['admin', 'bureau', 'editor', 'director', 'teacher'],
    call: (w, caller) => ({ params: { questionId: w.contests!.spareQuestionIds[caller ?? 'admin'] ?? 1 } }),
    // Another school's bank: only the admin writes it (each caller gets a question of its own to try).
    outside: {
      who: ['admin'],
      call: (w) => ({ params: { questionId: nextTarget(w.contests!.otherQuestionIds) } }),
    },
  },
  'GET /api/contests': { who: ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher', 'student'] },
  'POST /api/contests': {
    who: ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher'],
    call: (w, caller) => ({ payload: contestWalkBody(w, caller) }),
    // A contest of the other school's district: beyond the walk's regional officer and school.
    outside: {
      who: NATIONAL_STAFF,
      call: (w) => ({
        payload: {
          title: 'Walk',
          subjectCode: 'mathematics',
          grade: 7,
          scope: 'district',
          areaId: w.otherAreaId,
          date: '2026-12-10',
          windows: [{ shift: 1, startsAt: '10:00', endsAt: '10:30' }],
          timeLimitMinutes: 30,
          questionIds: [w.contests!.nationalQuestionId],
        },
      }),
    },
  },
  'GET /api/contests/:contestId': {
    who: ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher', 'student'],
    call: (w) => ({ params: { contestId: w.contests!.contestId } }),
    outside: { who: NATIONAL_STAFF, call: (w) => ({ params: { contestId: w.contests!.other.contestId } }) },
  },
  'PUT /api/contests/:contestId': {
    who: ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher'],
    call: (w, caller) => ({
      params: { contestId: w.contests!.editIds[caller ?? 'admin'] ?? 1 },
      payload: { version: READ_VERSION, ...contestWalkBody(w, caller) },
    }),
    // A draft for a class of the other school: its school's staff and the admin manage it, not ours.
    outside: {
      who: ['admin'],
      call: (w) => ({
        params: { contestId: w.contests!.otherDraftIds.at(-1)! },
        payload: {
          version: READ_VERSION,
          ...contestWalkBody(w, 'admin'),
          scope: 'class',
          classId: w.classroom.otherClassId,
        },
      }),
    },
  },
  'DELETE /api/contests/:contestId': {
    who: ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher'],
    call: (w, caller) => ({ params: { contestId: w.contests!.deleteIds[caller ?? 'admin'] ?? 1 } }),
    outside: {
      who: ['admin'],
      call: (w) => ({ params: { contestId: nextTarget(w.contests!.otherDraftIds) } }),
    },
  },
  'POST /api/contests/:contestId/publish': {
    who: ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher'],
    call: (w, caller) => ({ params: { contestId: w.contests!.draftIds[caller ?? 'admin'] ?? 1 } }),
    outside: { who: ['admin'], call: (w) => ({ params: { contestId: w.contests!.other.draftId } }) },
  },
  'GET /api/contests/:contestId/leaderboard': {
    who: ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher', 'student'],
    call: (w) => ({ params: { contestId: w.contests!.contestId } }),
    outside: { who: NATIONAL_STAFF, call: (w) => ({ params: { contestId: w.contests!.other.contestId } }) },
  },
  'GET /api/contests/:contestId/schools/:institutionId/results': {
    who: ['director', 'teacher'],
    call: (w) => ({ params: { contestId: w.contests!.contestId, institutionId: w.schoolId } }),
    outside: {
      who: [],
      call: (w) => ({ params: { contestId: w.contests!.contestId, institutionId: w.otherSchoolId } }),
    },
  },
  'POST /api/contests/:contestId/attempts': {
    who: ['student'],
    call: (w) => ({ params: { contestId: w.contests!.contestId } }),
    outside: { who: [], call: (w) => ({ params: { contestId: w.contests!.other.contestId } }) },
  },
  'GET /api/contest-attempts/:attemptId': {
    who: ['student'],
    call: (w) => ({ params: { attemptId: w.contests!.attemptId } }),
    // Another student's attempt is answered as missing (its existence is nobody else's business).
    outside: { who: [], refusal: 404, call: (w) => ({ params: { attemptId: w.contests!.otherAttemptId } }) },
  },
  'PUT /api/contest-attempts/:attemptId/answers/:questionId': {
    who: ['student'],
    call: (w) => ({
      params: { attemptId: w.contests!.attemptId, questionId: w.contests!.nationalQuestionId },
      payload: { version: 1, answer: { choice: 0 } },
    }),
    outside: {
      who: [],
      refusal: 404,
      call: (w) => ({
        params: { attemptId: w.contests!.otherAttemptId, questionId: w.contests!.nationalQuestionId },
        payload: { version: 1, answer: { choice: 0 } },
      }),
    },
  },
  'POST /api/contest-attempts/:attemptId/submit': {
    who: ['student'],
    call: (w) => ({ params: { attemptId: w.contests!.submitAttemptId } }),
    outside: { who: [], refusal: 404, call: (w) => ({ params: { attemptId: w.contests!.otherAttemptId } }) },
  },
  // Pedagogical councils: the school's own staff only; the director keeps them, a decision's owner reports.
  'GET /api/institutions/:id/councils': {
    who: ['director', 'teacher'],
    call: (w) => ({ params: { id: w.schoolId } }),
    outside: { who: [], call: (w) => ({ params: { id: w.otherSchoolId } }) },
  },
  'POST /api/institutions/:id/councils': {
    who: ['director'],
    call: (w) => ({ params: { id: w.schoolId }, payload: { heldOn: '2026-12-10', title: 'Şura' } }),
    outside: {
      who: [],
      call: (w) => ({ params: { id: w.otherSchoolId }, payload: { heldOn: '2026-12-10', title: 'Şura' } }),
    },
  },
  'GET /api/institutions/:id/council-decisions': {
    who: ['director', 'teacher'],
    call: (w) => ({ params: { id: w.schoolId } }),
    outside: { who: [], call: (w) => ({ params: { id: w.otherSchoolId } }) },
  },
  'GET /api/councils/:meetingId': {
    who: ['director', 'teacher'],
    call: (w) => ({ params: { meetingId: w.councils.meetingId } }),
    outside: { who: [], call: (w) => ({ params: { meetingId: w.councils.otherMeetingId } }) },
  },
  'PUT /api/councils/:meetingId': {
    who: ['director'],
    call: (w) => ({
      params: { meetingId: w.councils.meetingId },
      payload: {
        version: READ_VERSION,
        heldOn: '2026-12-10',
        title: 'Şura',
        minutes: 'Protokol',
        attendance: [{ userId: w.councils.teacherId, present: true }],
      },
    }),
    outside: {
      who: [],
      call: (w) => ({
        params: { meetingId: w.councils.otherMeetingId },
        payload: {
          version: READ_VERSION,
          heldOn: '2026-12-10',
          title: 'Şura',
          minutes: 'Protokol',
          attendance: [],
        },
      }),
    },
  },
  'POST /api/councils/:meetingId/decisions': {
    who: ['director'],
    call: (w) => ({
      params: { meetingId: w.councils.meetingId },
      payload: { text: 'Qərar', ownerId: w.councils.teacherId, dueOn: '2027-01-20' },
    }),
    outside: {
      who: [],
      call: (w) => ({
        params: { meetingId: w.councils.otherMeetingId },
        payload: { text: 'Qərar', ownerId: w.councils.teacherId, dueOn: '2027-01-20' },
      }),
    },
  },
  'PATCH /api/council-decisions/:decisionId': {
    who: ['director', 'teacher'],
    call: (w) => ({ params: { decisionId: w.councils.decisionId }, payload: { status: 'done' } }),
    outside: {
      who: [],
      call: (w) => ({ params: { decisionId: w.councils.otherDecisionId }, payload: { status: 'done' } }),
    },
  },
  // Competency frameworks (anyone reads them) and the self-assessment: a sitting is its owner's alone (anyone
  // else who may take it is told it does not exist); a school's staff levels for its director, counts above.
  'GET /api/training/frameworks': { who: 'anyone' },
  'GET /api/training/frameworks/:frameworkId': {
    who: 'anyone',
    call: () => ({ params: { frameworkId: 'digcompedu' } }),
  },
  'GET /api/training/self': { who: ['director', 'teacher'] },
  'GET /api/training/self/sittings/:sittingId': {
    who: ['director', 'teacher'],
    call: (w, caller) => ({ params: { sittingId: selfSitting(w, caller) } }),
    outside: {
      who: [],
      refusal: 404,
      call: (w) => ({ params: { sittingId: w.trainingFrameworks!.otherSittingId } }),
    },
  },
  'PUT /api/training/self/sittings/:sittingId/answers': {
    who: ['director', 'teacher'],
    call: (w, caller) => ({
      params: { sittingId: selfSitting(w, caller) },
      payload: { answers: [{ itemId: w.trainingFrameworks!.itemId, choice: 2 }] },
    }),
    outside: {
      who: [],
      refusal: 404,
      call: (w) => ({
        params: { sittingId: w.trainingFrameworks!.otherSittingId },
        payload: { answers: [{ itemId: w.trainingFrameworks!.itemId, choice: 2 }] },
      }),
    },
  },
  'POST /api/training/self/sittings/:sittingId/submit': {
    who: ['director', 'teacher'],
    call: (w, caller) => ({ params: { sittingId: selfSitting(w, caller) } }),
    outside: {
      who: [],
      refusal: 404,
      call: (w) => ({ params: { sittingId: w.trainingFrameworks!.otherSittingId } }),
    },
  },
  'GET /api/training/self/sittings/:sittingId/result': {
    who: ['director', 'teacher'],
    call: (w, caller) => ({ params: { sittingId: selfSitting(w, caller) } }),
    outside: {
      who: [],
      refusal: 404,
      call: (w) => ({ params: { sittingId: w.trainingFrameworks!.otherSittingId } }),
    },
  },
  'POST /api/training/self/sittings': { who: ['director', 'teacher'] },
  'POST /api/training/schools/:institutionId/rounds': {
    who: ['director'],
    call: (w) => ({ params: { institutionId: w.schoolId }, payload: { closesOn: '2099-01-31' } }),
    outside: {
      who: [],
      call: (w) => ({ params: { institutionId: w.otherSchoolId }, payload: { closesOn: '2099-01-31' } }),
    },
  },
  'GET /api/training/schools/:institutionId/staff': {
    who: ['director'],
    call: (w) => ({ params: { institutionId: w.schoolId } }),
    outside: { who: [], call: (w) => ({ params: { institutionId: w.otherSchoolId } }) },
  },
  'GET /api/training/schools/:institutionId/levels': {
    who: ['admin', 'bureau', 'regional', 'director'],
    call: (w) => ({ params: { institutionId: w.schoolId } }),
    outside: { who: NATIONAL, call: (w) => ({ params: { institutionId: w.otherSchoolId } }) },
  },
  // Webinars: organised by national staff and regional offices, joined by schools' staff.
  'GET /api/webinars': { who: ['admin', 'bureau', 'regional', 'director', 'teacher'] },
  'GET /api/webinars/totals': { who: ['admin', 'bureau', 'regional'] },
  'POST /api/webinars': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ payload: { ...webinar(), areaId: w.areaId } }),
  },
  'GET /api/webinars/:webinarId': {
    who: ['admin', 'bureau', 'regional', 'director', 'teacher'],
    call: (w) => ({ params: { webinarId: w.webinarId } }),
    // Another district's webinar is hidden from the district's people.
    outside: { who: NATIONAL, refusal: 404, call: (w) => ({ params: { webinarId: w.otherWebinarId } }) },
  },
  'PUT /api/webinars/:webinarId': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({
      params: { webinarId: w.webinarId },
      payload: { version: READ_VERSION, ...webinar(), areaId: w.areaId, startsAt: WEBINAR_START },
    }),
    outside: {
      who: NATIONAL,
      call: (w) => ({
        params: { webinarId: w.otherWebinarId },
        payload: { version: READ_VERSION, ...webinar(), areaId: w.otherAreaId, startsAt: WEBINAR_START },
      }),
    },
  },
  'PUT /api/webinars/:webinarId/registration': {
    who: ['director', 'teacher'],
    call: (w) => ({ params: { webinarId: w.webinarId } }),
    outside: { who: [], refusal: 404, call: (w) => ({ params: { webinarId: w.otherWebinarId } }) },
  },
  'DELETE /api/webinars/:webinarId/registration': {
    who: ['director', 'teacher'],
    call: (w) => ({ params: { webinarId: w.webinarId } }),
    outside: { who: [], refusal: 404, call: (w) => ({ params: { webinarId: w.otherWebinarId } }) },
  },
  'GET /api/webinars/:webinarId/registrations': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ params: { webinarId: w.webinarId } }),
    // A webinar the regional officer cannot see is answered as missing.
    outside: { who: NATIONAL, refusal: 404, call: (w) => ({ params: { webinarId: w.otherWebinarId } }) },
  },
  'PUT /api/webinars/:webinarId/attendance': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({
      params: { webinarId: w.webinarId },
      payload: { attended: [] },
      read: { url: `/api/webinars/${w.webinarId}/registrations`, fields: versionOf },
    }),
    outside: {
      who: NATIONAL,
      refusal: 404,
      call: (w) => ({
        params: { webinarId: w.otherWebinarId },
        payload: { attended: [] },
        read: { url: `/api/webinars/${w.otherWebinarId}/registrations`, fields: versionOf },
      }),
    },
  },
  // Assignments: the class's teachers and students (the service narrows to the subject's teacher, a
  // student's own work); parents read their child's statuses; nobody above the school, nobody elsewhere.
  'POST /api/classes/:classId/assignments': {
    who: ['teacher'],
    call: (w) => ({
      params: { classId: w.classroom.classId },
      payload: {
        subjectCode: 'mathematics',
        title: 'Ev işi',
        instructions: null,
        kind: 'individual',
        dueAt: '2027-01-10T10:00:00Z',
      },
    }),
    outside: {
      who: [],
      call: (w) => ({
        params: { classId: w.classroom.otherClassId },
        payload: {
          subjectCode: 'mathematics',
          title: 'Ev işi',
          instructions: null,
          kind: 'individual',
          dueAt: '2027-01-10T10:00:00Z',
        },
      }),
    },
  },
  'GET /api/classes/:classId/assignments': {
    who: ['director', 'teacher', 'student'],
    call: (w) => ({ params: { classId: w.classroom.classId } }),
    outside: { who: [], call: (w) => ({ params: { classId: w.classroom.otherClassId } }) },
  },
  'GET /api/assignments/:assignmentId': {
    who: ['director', 'teacher', 'student'],
    call: (w) => ({ params: { assignmentId: w.assignments!.assignmentId } }),
    outside: { who: [], call: (w) => ({ params: { assignmentId: w.assignments!.otherAssignmentId } }) },
  },
  'PATCH /api/assignments/:assignmentId': {
    who: ['teacher'],
    call: (w) => ({
      params: { assignmentId: w.assignments!.assignmentId },
      payload: { title: 'Kəsrlər (2)', dueAt: '2030-01-10T10:00:00Z' },
    }),
    outside: {
      who: [],
      call: (w) => ({ params: { assignmentId: w.assignments!.otherAssignmentId }, payload: { title: 'X' } }),
    },
  },
  'DELETE /api/assignments/:assignmentId': {
    who: ['teacher'],
    call: (w) => ({ params: { assignmentId: w.assignments!.deletableAssignmentId } }),
    outside: { who: [], call: (w) => ({ params: { assignmentId: w.assignments!.otherAssignmentId } }) },
  },
  'PUT /api/assignments/:assignmentId/groups': {
    who: ['teacher'],
    call: (w) => ({
      params: { assignmentId: w.assignments!.groupsAssignmentId },
      payload: { draw: { size: 2 } },
      read: {
        url: `/api/assignments/${w.assignments!.groupsAssignmentId}`,
        fields: (a) => ({ version: (a as { groupsVersion?: number } | null)?.groupsVersion ?? 0 }),
      },
    }),
    outside: {
      who: [],
      call: (w) => ({
        params: { assignmentId: w.assignments!.otherAssignmentId },
        payload: { version: 0, groups: [] },
      }),
    },
  },
  'GET /api/assignments/:assignmentId/statuses': {
    who: ['director', 'teacher'],
    call: (w) => ({ params: { assignmentId: w.assignments!.assignmentId } }),
    outside: { who: [], call: (w) => ({ params: { assignmentId: w.assignments!.otherAssignmentId } }) },
  },
  'POST /api/assignments/:assignmentId/uploads': {
    who: ['student'],
    call: (w) => ({
      params: { assignmentId: w.assignments!.assignmentId },
      payload: PDF,
      headers: { 'content-type': 'application/octet-stream' },
    }),
    outside: {
      who: [],
      call: (w) => ({
        params: { assignmentId: w.assignments!.otherAssignmentId },
        payload: PDF,
        headers: { 'content-type': 'application/octet-stream' },
      }),
    },
  },
  'POST /api/assignments/:assignmentId/submissions': {
    who: ['student'],
    call: (w) => ({
      params: { assignmentId: w.assignments!.assignmentId },
      payload: { text: 'Yenə', fileIds: [] },
    }),
    outside: {
      who: [],
      call: (w) => ({
        params: { assignmentId: w.assignments!.otherAssignmentId },
        payload: { text: 'Yenə', fileIds: [] },
      }),
    },
  },
  'GET /api/assignments/:assignmentId/work/:studentId': {
    who: ['director', 'teacher', 'student'],
    call: (w) => ({
      params: { assignmentId: w.assignments!.assignmentId, studentId: w.assignments!.studentId },
    }),
    outside: {
      who: [],
      call: (w) => ({
        params: { assignmentId: w.assignments!.otherAssignmentId, studentId: w.assignments!.studentId },
      }),
    },
  },
  'POST /api/submissions/:submissionId/feedback': {
    who: ['teacher'],
    call: (w) => ({
      params: { submissionId: w.assignments!.submissionId },
      payload: { mark: 5, feedback: 'Əla', resubmit: false },
    }),
    outside: {
      who: [],
      call: (w) => ({
        params: { submissionId: w.assignments!.otherSubmissionId },
        payload: { mark: 5, feedback: 'Əla', resubmit: false },
      }),
    },
  },
  'GET /api/assignment-files/:fileId': {
    who: ['director', 'teacher', 'student'],
    call: (w) => ({ params: { fileId: w.assignments!.fileId } }),
    // A classmate's file: the class's staff read it, the walk's student does not.
    outside: {
      who: ['director', 'teacher'],
      call: (w) => ({ params: { fileId: w.assignments!.classmateFileId } }),
    },
  },
  'GET /api/students/:studentId/assignments': {
    who: ['student', 'parent'],
    call: (w) => ({ params: { studentId: w.assignments!.studentId } }),
    // A classmate: not the student themselves, nor the parent's child.
    outside: { who: [], call: (w) => ({ params: { studentId: w.assignments!.classmateId } }) },
  },
  'GET /api/notifications': { who: 'signed-in' },
  'POST /api/notifications/read': { who: 'signed-in', call: () => ({ payload: { all: true } }) },
  // Distance learning: the country for national staff, an area for its office, a school for its director.
  'GET /api/monitoring/distance': { who: ['admin', 'bureau'] },
  'GET /api/home/admin': { who: ['admin'] },
  'GET /api/home/bureau': { who: ['bureau', 'admin'] },
  'GET /api/home/teacher': { who: ['teacher'] },
  'GET /api/home/student': { who: ['student'] },
  'GET /api/home/parent': { who: ['parent'] },
  'GET /api/home/regional': { who: ['regional'] },
  'GET /api/home/director': { who: ['director'] },
  // The class journal: the subject teacher writes; the homeroom teacher and director read; students and parents
  // their own; above a school, only the school summary's aggregates.
  'GET /api/journal/classes/:classId/subjects/:subjectCode': {
    who: ['director', 'teacher'],
    call: (w) => ({ params: { classId: w.classroom.classId, subjectCode: 'mathematics?term=half_1' } }),
    outside: {
      who: [],
      call: (w) => ({
        params: { classId: w.classroom.otherClassId, subjectCode: 'mathematics?term=half_1' },
      }),
    },
  },
  'GET /api/journal/cells/history': {
    who: ['director', 'teacher'],
    call: (w) => journalQuery(w, 'history'),
    outside: {
      who: [],
      call: (w) => ({
        query: { studentId: w.journal!.otherStudentId, key: `l${w.classroom.other.lessonId}` },
      }),
    },
  },
  'POST /api/journal/classes/:classId/subjects/:subjectCode/entries': {
    who: ['teacher'],
    call: (w) => ({
      params: { classId: w.classroom.classId, subjectCode: 'mathematics' },
      payload: {
        term: 'half_1',
        entries: [
          {
            studentId: w.journal!.studentId,
            key: `l${w.classroom.lessonId}`,
            attendance: { code: 'present' },
            baseVersion: 0,
          },
        ],
      },
    }),
    outside: {
      who: [],
      call: (w) => ({
        params: { classId: w.classroom.otherClassId, subjectCode: 'mathematics' },
        payload: {
          term: 'half_1',
          entries: [
            { studentId: w.journal!.studentId, key: 'l1', attendance: { code: 'present' }, baseVersion: 0 },
          ],
        },
      }),
    },
  },
  'POST /api/journal/classes/:classId/subjects/:subjectCode/assessments': {
    who: ['teacher'],
    call: (w) => ({
      params: { classId: w.classroom.classId, subjectCode: 'mathematics' },
      payload: { term: 'half_1', date: w.journal!.today, title: 'KSQ' },
    }),
    outside: {
      who: [],
      call: (w) => ({
        params: { classId: w.classroom.otherClassId, subjectCode: 'mathematics' },
        payload: { term: 'half_1', date: w.journal!.today, title: 'KSQ' },
      }),
    },
  },
  'PUT /api/journal/results': {
    who: ['teacher'],
    call: (w) => ({
      payload: {
        classId: w.classroom.classId,
        subjectCode: 'mathematics',
        term: 'half_1',
        studentId: w.journal!.studentId,
        value: 5,
        reason: 'Olimpiada',
      },
    }),
    outside: {
      who: [],
      call: (w) => ({
        payload: {
          classId: w.classroom.otherClassId,
          subjectCode: 'mathematics',
          term: 'half_1',
          studentId: w.classroom.other.studentId,
          value: 5,
          reason: 'Olimpiada',
        },
      }),
    },
  },
  'POST /api/journal/terms/close': {
    who: ['director'],
    call: (w) => ({ payload: { institutionId: w.schoolId, term: 'half_2' } }),
    outside: { who: [], call: (w) => ({ payload: { institutionId: w.otherSchoolId, term: 'half_2' } }) },
  },
  'POST /api/journal/link-codes': {
    who: ['director', 'teacher'],
    call: (w) => ({ payload: { studentId: w.journal!.studentId } }),
    outside: { who: [], call: (w) => ({ payload: { studentId: w.journal!.otherStudentId } }) },
  },
  'GET /api/journal/students/:studentId/overview': {
    who: ['student', 'parent', 'director', 'teacher'],
    call: (w) => ({ params: { studentId: w.journal!.studentId }, query: { term: 'half_1' } }),
    outside: {
      who: [],
      call: (w) => ({ params: { studentId: w.journal!.otherStudentId }, query: { term: 'half_1' } }),
    },
  },
  'GET /api/journal/reports/class-attendance': {
    who: ['director', 'teacher'],
    call: (w) => journalQuery(w, 'class-attendance'),
    outside: { who: [], call: (w) => ({ query: { classId: w.classroom.otherClassId, term: 'half_1' } }) },
  },
  'GET /api/journal/reports/report-card': {
    who: ['student', 'parent', 'director', 'teacher'],
    call: (w) => journalQuery(w, 'report-card'),
    outside: {
      who: [],
      call: (w) => ({ query: { studentId: w.classroom.other.studentId, term: 'half_1' } }),
    },
  },
  'GET /api/journal/reports/school-summary': {
    who: ['director', 'regional', 'bureau'],
    call: (w) => journalQuery(w, 'school-summary'),
    outside: {
      who: ['bureau'],
      call: (w) => ({ query: { institutionId: w.otherSchoolId, term: 'half_1' } }),
    },
  },
  // Training certificates: public verification; a holder's documents; managers revoke and zip; the district
  // verifies certificates from outside. A certificate another may not see is answered as missing.
  'GET /api/training/issuer': { who: 'anyone' },
  'GET /api/training/status-lists/:listId': {
    who: 'anyone',
    call: (w) => ({ params: { listId: w.certificates!.statusListId } }),
  },
  'GET /api/training/certificates/:certificateId/verify': {
    who: 'anyone',
    call: (w) => ({ params: { certificateId: w.certificates!.certificateId } }),
  },
  'POST /api/training/verify': { who: 'anyone', call: (w) => ({ payload: w.certificates!.credential }) },
  'GET /api/training/certificates/mine': { who: 'signed-in' },
  'GET /api/training/certificates': { who: ['admin', 'bureau', 'regional', 'director'] },
  // A holder's own documents: anyone signed in (their role may have changed since), their own certificate.
  'GET /api/training/certificates/:certificateId/pdf': {
    who: 'signed-in',
    call: (w, caller) => ({
      params: {
        certificateId:
          caller === 'student' || caller === 'parent' || caller === 'editor'
            ? w.certificates!.ownCertificateIds[caller]!
            : w.certificates!.certificateId,
      },
    }),
    outside: {
      who: NATIONAL,
      refusal: 404,
      call: (w) => ({ params: { certificateId: w.certificates!.otherCertificateId } }),
    },
  },
  'GET /api/training/certificates/:certificateId/credential': {
    who: 'signed-in',
    call: (w, caller) => ({
      params: { certificateId: w.certificates!.ownCertificateIds[caller ?? 'teacher']! },
    }),
    outside: {
      who: [],
      refusal: 404,
      call: (w) => ({ params: { certificateId: w.certificates!.otherCertificateId } }),
    },
  },
  'POST /api/training/certificates/:certificateId/revocation': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ params: { certificateId: w.certificates!.revocableId }, payload: { reason: 'Səhv' } }),
    outside: {
      who: NATIONAL,
      refusal: 404,
      call: (w) => ({
        params: { certificateId: w.certificates!.otherCertificateId },
        payload: { reason: 'Səhv' },
      }),
    },
  },
  'POST /api/training/programmes/:programmeId/certificates': {
    who: NATIONAL,
    call: (w) => ({ params: { programmeId: w.certificates!.programmeId } }),
  },
  'GET /api/training/programmes/:programmeId/certificates.zip': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ params: { programmeId: w.certificates!.programmeId } }),
  },
  'GET /api/training/external/mine': { who: ['director', 'teacher'] },
  'GET /api/training/external': { who: ['admin', 'bureau', 'regional', 'director'] },
  'POST /api/training/external': {
    who: ['director', 'teacher'],
    call: () => ({
      payload: { kind: 'intel', title: 'Intel Teach', provider: 'Intel', issuedOn: '2006-03-01' },
    }),
  },
  'PUT /api/training/external/:externalId/evidence': {
    who: ['director', 'teacher'],
    call: (w, caller) => ({
      params: {
        externalId: caller === 'director' ? w.certificates!.directorExternalId : w.certificates!.externalId,
      },
      payload: PDF,
      headers: { 'content-type': 'application/pdf' },
    }),
  },
  'GET /api/training/external/:externalId/evidence': {
    who: ['admin', 'bureau', 'regional', 'director', 'teacher'],
    call: (w) => ({ params: { externalId: w.certificates!.externalId } }),
    outside: {
      who: NATIONAL,
      refusal: 404,
      call: (w) => ({ params: { externalId: w.certificates!.otherExternalId } }),
    },
  },
  'PUT /api/training/external/:externalId/decision': {
    // Each decider decides one of its own: a certificate from outside is decided once.
    who: ['admin', 'regional'],
    call: (w, caller) => {
      const id =
        caller === 'regional'
          ? w.certificates!.regionalDecisionExternalId
          : w.certificates!.decisionExternalId;
      return {
        params: { externalId: id },
        payload: { decision: 'verified', note: '' },
        read: { url: '/api/training/external', fields: externalVersion(id) },
      };
    },
    outside: {
      who: ['admin'],
      refusal: 404,
      call: (w) => ({
        params: { externalId: w.certificates!.otherExternalId },
        payload: { decision: 'rejected', note: '' },
        read: { url: '/api/training/external', fields: externalVersion(w.certificates!.otherExternalId) },
      }),
    },
  },
  // The content filter's catalogue, policies, networks and schedules (src/modules/safety/safety.catalogue.routes.ts):
  // the ministry keeps the catalogue and national rows, a district its area's, a director the school's networks.
  ...safetyAdminRules(),
  // The registry of policies (src/modules/policy/policy.registry.routes.ts): anyone reads, the ministry edits.
  'GET /api/policy/documents': { who: 'anyone' },
  'POST /api/policy/documents': { who: NATIONAL, call: () => ({ payload: policyDocument() }) },
  'GET /api/policy/documents/:documentId': {
    who: 'anyone',
    call: (w) => ({ params: { documentId: w.policy!.documentId } }),
  },
  'PUT /api/policy/documents/:documentId': {
    who: NATIONAL,
    call: (w) => ({
      params: { documentId: w.policy!.documentId },
      payload: { version: READ_VERSION, ...policyDocument() },
    }),
  },
  'DELETE /api/policy/documents/:documentId': {
    who: NATIONAL,
    call: (w) => ({ params: { documentId: nextTarget(w.policy!.spareDocuments) }, query: { version: 0 } }),
  },
  'POST /api/policy/documents/:documentId/targets': {
    who: NATIONAL,
    call: (w) => ({ params: { documentId: w.policy!.documentId }, payload: policyTarget() }),
  },
  'PUT /api/policy/targets/:targetId': {
    who: NATIONAL,
    call: (w) => ({
      params: { targetId: w.policy!.targetId },
      payload: policyTarget(),
      read: {
        url: `/api/policy/documents/${w.policy!.documentId}`,
        fields: (body) => ({
          version:
            (body as { targets?: { id: number; version: number }[] } | null)?.targets?.find(
              (t) => t.id === w.policy!.targetId,
            )?.version ?? 0,
        }),
      },
    }),
  },
  'DELETE /api/policy/targets/:targetId': {
    who: NATIONAL,
    call: (w) => ({ params: { targetId: nextTarget(w.policy!.spareTargets) }, query: { version: 0 } }),
  },
  'GET /api/policy/partnerships': { who: 'anyone' },
  'POST /api/policy/partnerships': { who: NATIONAL, call: () => ({ payload: policyPartnership() }) },
  'PUT /api/policy/partnerships/:partnershipId': {
    who: NATIONAL,
    call: (w) => ({
      params: { partnershipId: w.policy!.partnershipId },
      payload: policyPartnership(),
      read: {
        url: '/api/policy/partnerships',
        fields: (body) => ({
          version:
            (body as { items?: { id: number; version: number }[] } | null)?.items?.find(
              (p) => p.id === w.policy!.partnershipId,
            )?.version ?? 0,
        }),
      },
    }),
  },
  'DELETE /api/policy/partnerships/:partnershipId': {
    who: NATIONAL,
    call: (w) => ({
      params: { partnershipId: nextTarget(w.policy!.sparePartnerships) },
      query: { version: 0 },
    }),
  },
  'GET /api/policy/timeline': { who: 'anyone' },
  'GET /api/policy/peer': { who: 'anyone' },
  'GET /api/policy/figures': { who: 'anyone' },
  // The content filter's block page, unblock requests and reports (src/modules/safety/safety.requests.test.ts):
  // teachers and directors ask at their school, the district (in its area) and the ministry decide; the one
  // who asked withdraws; reports by scope (a school's staff their school, a district its area).
  'GET /api/safety/blocked': { who: 'anyone', call: () => ({ query: { domain: 'kazino.example' } }) },
  'GET /api/safety/requests': { who: READERS },
  'GET /api/safety/requests/schools': { who: ['director', 'teacher'] },
  'GET /api/safety/requests/:requestId': {
    who: READERS,
    call: (w) => ({ params: { requestId: w.safetyRequests!.readId } }),
  },
  'POST /api/safety/requests': {
    who: ['director', 'teacher'],
    call: (w) => ({ payload: unblockRequest(w.schoolId) }),
    outside: { who: [], call: (w) => ({ payload: unblockRequest(w.otherSchoolId) }) },
  },
  'POST /api/safety/requests/:requestId/approve': {
    who: ['admin', 'bureau', 'regional'],
    call: (w, c) => ({
      params: { requestId: w.safetyRequests!.approve[c ?? 'anonymous']! },
      payload: { version: 0, note: 'Walk' },
    }),
    outside: {
      who: NATIONAL,
      call: (w, c) => ({
        params: { requestId: w.safetyRequests!.outsideApprove[c ?? 'anonymous']! },
        payload: { version: 0, note: 'Walk' },
      }),
    },
  },
  'POST /api/safety/requests/:requestId/reject': {
    who: ['admin', 'bureau', 'regional'],
    call: (w, c) => ({
      params: { requestId: w.safetyRequests!.reject[c ?? 'anonymous']! },
      payload: { version: 0, note: 'Walk' },
    }),
  },
  'POST /api/safety/requests/:requestId/withdraw': {
    who: ['director', 'teacher'],
    call: (w, c) => ({
      params: { requestId: w.safetyRequests!.withdraw[c ?? 'anonymous']! },
      payload: { version: 0 },
    }),
  },
  'GET /api/safety/reports/blocked': {
    who: READERS,
    call: (w, c) => ({ query: { from: '2026-11-01', to: '2026-11-30', ...reportScope(w, c) } }),
    outside: {
      who: NATIONAL,
      call: (w) => ({ query: { from: '2026-11-01', to: '2026-11-30', institutionId: w.otherSchoolId } }),
    },
  },
  'GET /api/safety/reports/top-domains': {
    who: READERS,
    call: (w) => ({ query: { institutionId: w.schoolId, from: '2026-11-01', to: '2026-11-30' } }),
    outside: {
      who: NATIONAL,
      call: (w) => ({ query: { institutionId: w.otherSchoolId, from: '2026-11-01', to: '2026-11-30' } }),
    },
  },
  'GET /api/safety/settings/logs': { who: NATIONAL },
  'PUT /api/safety/settings/logs': {
    who: NATIONAL,
    call: () => ({ payload: { version: READ_VERSION, logRetentionDays: 7 } }),
  },
  // The portal's news and events (src/modules/portal/portal.routes.ts; fixtures in test/portal-world.ts): anyone
  // reads; the ministry, regional officers and directors publish, each for a place of their own grant.
  'GET /api/portal/home': { who: 'anyone', call: (w) => ({ query: { areaId: w.areaId } }) },
  'GET /api/portal/news': { who: 'anyone', call: (w) => ({ query: { areaId: w.areaId } }) },
  'GET /api/portal/news/:articleId': {
    who: 'anyone',
    call: (w) => ({ params: { articleId: w.portal!.news.bureau! } }),
  },
  'GET /api/portal/manage/news': { who: PORTAL_PUBLISHERS },
  'POST /api/portal/manage/news': {
    who: PORTAL_PUBLISHERS,
    call: (w, c) => ({ payload: portalArticleBody(c, w) }),
  },
  'GET /api/portal/manage/news/:articleId': {
    who: PORTAL_PUBLISHERS,
    call: (w, c) => ({ params: { articleId: portalOwn(w.portal!.news, c) } }),
  },
  'PUT /api/portal/manage/news/:articleId': {
    who: PORTAL_PUBLISHERS,
    call: (w, c) => ({
      params: { articleId: portalOwn(w.portal!.news, c) },
      payload: { version: READ_VERSION, ...portalArticleBody(c, w) },
    }),
  },
  'DELETE /api/portal/manage/news/:articleId': {
    who: PORTAL_PUBLISHERS,
    call: (w, c) => ({ params: { articleId: portalOwn(w.portal!.spareNews, c) }, query: { version: 1 } }),
  },
  // Cover images (src/modules/portal/portal.covers.routes.ts): the image is the raw body, the version a query.
  'PUT /api/portal/manage/news/:articleId/cover': {
    who: PORTAL_PUBLISHERS,
    call: (w, c) => ({
      params: { articleId: portalOwn(w.portal!.coverNews, c) },
      query: { version: 1, altAz: 'Mavi', altRu: 'Синий', altEn: 'Blue' },
      payload: solidPng(4, 3, [0, 0, 255]),
      headers: { 'content-type': 'image/png' },
    }),
  },
  'DELETE /api/portal/manage/news/:articleId/cover': {
    who: PORTAL_PUBLISHERS,
    call: (w, c) => ({ params: { articleId: portalOwn(w.portal!.coverSpare, c) }, query: { version: 1 } }),
  },
  'GET /api/portal/covers/:name': { who: 'anyone', call: (w) => ({ params: { name: w.portal!.coverName } }) },
  'GET /api/portal/manage/places': { who: PORTAL_PUBLISHERS },
  'GET /api/portal/events': { who: 'anyone', call: (w) => ({ query: { areaId: w.areaId } }) },
  'GET /api/portal/events/:eventId': {
    who: 'anyone',
    call: (w) => ({ params: { eventId: w.portal!.openEventId } }),
  },
  'POST /api/portal/events/:eventId/registration': {
    who: 'signed-in',
    call: (w) => ({ params: { eventId: w.portal!.openEventId } }),
  },
  'DELETE /api/portal/events/:eventId/registration': {
    who: 'signed-in',
    call: (w) => ({ params: { eventId: w.portal!.openEventId } }),
  },
  'GET /api/portal/manage/events': { who: PORTAL_PUBLISHERS },
  'POST /api/portal/manage/events': {
    who: PORTAL_PUBLISHERS,
    call: (w, c) => ({ payload: portalEventBody(c, w) }),
  },
  'GET /api/portal/manage/events/:eventId': {
    who: PORTAL_PUBLISHERS,
    call: (w, c) => ({ params: { eventId: portalOwn(w.portal!.events, c) } }),
  },
  'PUT /api/portal/manage/events/:eventId': {
    who: PORTAL_PUBLISHERS,
    call: (w, c) => ({
      params: { eventId: portalOwn(w.portal!.events, c) },
      payload: { version: READ_VERSION, ...portalEventBody(c, w) },
    }),
  },
  'DELETE /api/portal/manage/events/:eventId': {
    who: PORTAL_PUBLISHERS,
    call: (w, c) => ({ params: { eventId: portalOwn(w.portal!.spareEvents, c) }, query: { version: 1 } }),
  },
  // The portal's discussions (src/modules/portal/portal.discuss.routes.ts; fixtures in
  // test/portal-discuss-world.ts): anyone signed in, on a board of their own; moderators in their scope.
  'GET /api/portal/discuss/boards': { who: 'signed-in' },
  'GET /api/portal/discuss/boards/:boardId': {
    who: 'signed-in',
    call: (w, c) => ({ params: { boardId: w.portalDiscuss!.boards[c ?? 'admin'] } }),
  },
  'POST /api/portal/discuss/boards/:boardId/threads': {
    who: 'signed-in',
    call: (w, c) => ({
      params: { boardId: w.portalDiscuss!.boards[c ?? 'admin'] },
      payload: { title: 'Walk', body: 'Walk' },
    }),
  },
  'GET /api/portal/discuss/threads/:threadId': {
    who: 'signed-in',
    call: (w, c) => ({ params: { threadId: w.portalDiscuss!.threads[c ?? 'admin'] } }),
  },
  'POST /api/portal/discuss/threads/:threadId/posts': {
    who: 'signed-in',
    call: (w, c) => ({
      params: { threadId: w.portalDiscuss!.threads[c ?? 'admin'] },
      payload: { body: 'Walk' },
    }),
  },
  'PUT /api/portal/discuss/posts/:postId': {
    who: 'signed-in',
    call: (w, c) => ({
      params: { postId: w.portalDiscuss!.own[c ?? 'admin'] ?? w.portalDiscuss!.posts.admin },
      payload: { body: 'Walk, changed', version: 1 },
    }),
  },
  'PUT /api/portal/discuss/posts/:postId/reactions/:kind': {
    who: 'signed-in',
    call: (w, c) => ({ params: { postId: w.portalDiscuss!.posts[c ?? 'admin'], kind: 'like' } }),
  },
  'DELETE /api/portal/discuss/posts/:postId/reactions/:kind': {
    who: 'signed-in',
    call: (w, c) => ({ params: { postId: w.portalDiscuss!.posts[c ?? 'admin'], kind: 'like' } }),
  },
  'POST /api/portal/discuss/posts/:postId/flags': {
    who: 'signed-in',
    call: (w, c) => ({
      params: { postId: w.portalDiscuss!.posts[c ?? 'admin'] },
      payload: { reason: 'spam' },
    }),
  },
  'GET /api/portal/moderation/queue': { who: PORTAL_MODERATORS },
  'POST /api/portal/moderation/posts/:postId': {
    who: PORTAL_MODERATORS,
    call: (w, c) => ({
      params: { postId: portalOwn(w.portalDiscuss!.held, c) },
      payload: { action: 'approve', reason: 'Walk', version: 1 },
    }),
  },
  'GET /api/portal/moderation/posts/:postId/revisions': {
    who: PORTAL_MODERATORS,
    call: (w, c) => ({ params: { postId: portalOwn(w.portalDiscuss!.held, c) } }),
  },
  'GET /api/portal/moderation/words': { who: PORTAL_NATIONAL_MODERATORS },
  'POST /api/portal/moderation/words': {
    who: PORTAL_NATIONAL_MODERATORS,
    call: () => ({ payload: { word: `walk ${next()}`, action: 'flag' } }),
  },
  'DELETE /api/portal/moderation/words/:wordId': {
    who: PORTAL_NATIONAL_MODERATORS,
    call: (w, c) => ({ params: { wordId: portalOwn(w.portalDiscuss!.words, c) } }),
  },
  'GET /api/portal/feeds/nation/news.xml': { who: 'anyone' },
  'GET /api/portal/feeds/areas/:areaId/news.xml': {
    who: 'anyone',
    call: (w) => ({ params: { areaId: w.areaId } }),
  },
  'GET /api/portal/feeds/schools/:institutionId/news.xml': {
    who: 'anyone',
    call: (w) => ({ params: { institutionId: w.schoolId }, query: { format: 'atom' } }),
  },
  'GET /api/portal/feeds/nation/events.ics': { who: 'anyone' },
  'GET /api/portal/feeds/areas/:areaId/events.ics': {
    who: 'anyone',
    call: (w) => ({ params: { areaId: w.areaId } }),
  },
  'GET /api/portal/feeds/schools/:institutionId/events.ics': {
    who: 'anyone',
    call: (w) => ({ params: { institutionId: w.schoolId } }),
  },
  // The internet-safety courses and Safer Internet Day (src/modules/portal/portal.courses.routes.ts): anyone
  // reads; a teacher (or the director) starts a course for a class; a pupil takes a quiz; reports in scope.
  'GET /api/portal/safety/courses': { who: 'anyone' },
  'GET /api/portal/safety/courses/:courseId': {
    who: 'anyone',
    call: (w) => ({ params: { courseId: w.portalCourses!.courseId } }),
  },
  'POST /api/portal/safety/courses/:courseId/runs': {
    who: ['teacher', 'director'],
    call: (w) => ({
      params: { courseId: w.portalCourses!.courseId },
      payload: { classId: w.classroom.classId },
    }),
  },
  'POST /api/portal/safety/lessons/:lessonId/quiz': {
    who: ['student'],
    call: (w) => ({
      params: { lessonId: w.portalCourses!.lessonId },
      payload: { answers: w.portalCourses!.answers },
    }),
  },
  'GET /api/portal/safety/report': { who: ['admin', 'bureau', 'regional', 'director'] },
  'GET /api/portal/sid': { who: 'anyone' },
  'PUT /api/portal/sid/:campaignId/event': {
    who: ['director'],
    call: (w) => ({
      params: { campaignId: w.portalCourses!.campaignId },
      payload: {
        institutionId: w.schoolId,
        title: 'Walk',
        heldOn: w.portalCourses!.heldOn,
        participants: 30,
        activityIds: [],
      },
    }),
  },
  // The content staff's editor of the courses (src/modules/portal/portal.courses.edit.routes.ts): the national
  // publishers only; a lesson's save at the version read; each editor removes a lesson of their own.
  'GET /api/portal/manage/safety/courses/:courseId': {
    who: ['admin', 'bureau', 'editor'],
    call: (w) => ({ params: { courseId: w.portalCourses!.courseId } }),
  },
  'PUT /api/portal/manage/safety/courses/:courseId': {
    who: ['admin', 'bureau', 'editor'],
    call: (w) => ({
      params: { courseId: w.portalCourses!.courseId },
      payload: { version: READ_VERSION, title: courseLessonBody().title, summary: courseLessonBody().body },
    }),
  },
  'POST /api/portal/manage/safety/courses/:courseId/lessons': {
    who: ['admin', 'bureau', 'editor'],
    call: (w) => ({ params: { courseId: w.portalCourses!.courseId }, payload: courseLessonBody() }),
  },
  'GET /api/portal/manage/safety/lessons/:lessonId': {
    who: ['admin', 'bureau', 'editor'],
    call: (w) => ({ params: { lessonId: w.portalCourses!.editLessonId } }),
  },
  'PUT /api/portal/manage/safety/lessons/:lessonId': {
    who: ['admin', 'bureau', 'editor'],
    call: (w) => ({
      params: { lessonId: w.portalCourses!.editLessonId },
      payload: { version: READ_VERSION, ...courseLessonBody() },
    }),
  },
  'DELETE /api/portal/manage/safety/lessons/:lessonId': {
    who: ['admin', 'bureau', 'editor'],
    call: (w, c) => ({
      params: { lessonId: portalOwn(w.portalCourses!.spareLessons, c) },
      query: { version: 1 },
    }),
  },
  'GET /api/portal/sid/:campaignId/participation': {
    who: ['admin', 'bureau', 'regional'],
    call: (w) => ({ params: { campaignId: w.portalCourses!.campaignId } }),
  },
  // Last of the journal: redeeming a code makes every caller a parent (of another child) from here on.
  'POST /api/journal/link': {
    who: 'signed-in',
    call: (w, caller) => ({ payload: { code: w.journal!.linkCodes[caller ?? 'admin'] } }),
  },
  // The content filter's resolver nodes: public routes that check a node's token.
  'GET /api/safety/node/state': { who: 'anyone', call: (w) => ({ headers: nodeAuth(w) }) },
  'GET /api/safety/node/zones/:name': {
    who: 'anyone',
    call: (w) => ({ params: { name: 'local-zones' }, headers: nodeAuth(w) }),
  },
  'POST /api/safety/node/applied': {
    who: 'anyone',
    call: (w) => ({ payload: { serial: 1 }, headers: nodeAuth(w) }),
  },
  // The web app: its files and, for any other path, its shell.
  // (Each file of the build gets a route of its own; this test's web root holds only index.html.)
  'GET /': { who: 'anyone' },
  'GET /index.html': { who: 'anyone' },
  'GET /*': { who: 'anyone', call: () => ({ params: { '*': 'school' } }) },
  // A published resource's page: the app shell with its description for crawlers.
  'GET /resources/:id': { who: 'anyone', call: (w) => ({ params: { id: w.library.publishedId } }) },
  // The portal's pages: the app shell with their content, for crawlers and slow phones.
  'GET /portal': { who: 'anyone', call: (w) => ({ query: { area: String(w.areaId) } }) },
  'GET /portal/news': { who: 'anyone', call: (w) => ({ query: { area: String(w.areaId) } }) },
  'GET /portal/news/:id': { who: 'anyone', call: (w) => ({ params: { id: w.portal!.news.bureau! } }) },
  'GET /portal/events': { who: 'anyone', call: (w) => ({ query: { area: String(w.areaId) } }) },
  'GET /portal/events/:id': { who: 'anyone', call: (w) => ({ params: { id: w.portal!.openEventId } }) },
  'GET /portal/safety': { who: 'anyone' },
  'GET /portal/safety/courses/:id': {
    who: 'anyone',
    call: (w) => ({ params: { id: String(w.portalCourses!.courseId) } }),
  },
  'GET /portal/safer-internet-day': { who: 'anyone' },
  // The public face for search engines.
  // Content filter, logs: resolver nodes with their token; each walk's batch of counts is a new one.
  'GET /api/safety/node/log-setup': {
    who: 'anyone',
    call: (w) => ({ headers: { authorization: `Bearer ${w.safetyLogs!.token}` } }),
  },
  'POST /api/safety/node/counts': {
    who: 'anyone',
    call: (w) => ({
      headers: { authorization: `Bearer ${w.safetyLogs!.token}` },
      payload: {
        batchId: `walk-${next()}`,
        queries: [
          {
            institutionId: w.schoolId,
            hour: '2026-12-07T09:00:00Z',
            networkKind: 'pupils',
            queries: 1,
            blocked: 0,
          },
        ],
        blocked: [],
        domains: [],
        keywordHits: [],
        unattributed: 0,
      },
    }),
  },
  'GET /robots.txt': { who: 'anyone' },
  'GET /sitemap.xml': { who: 'anyone' },
  'GET /sitemaps/:file': { who: 'anyone', call: () => ({ params: { file: 'pages.xml' } }) },
  'GET /vocabularies/learning-resource-type': { who: 'anyone' },
  // Last, since they end the sessions the walk signs in with.
  'POST /api/auth/logout': { who: 'signed-in', signInFirst: true },
  'POST /api/auth/logout-all': { who: 'signed-in', signInFirst: true },
};

const nodeAuth = (w: World) => ({ authorization: `Bearer ${w.safetyNodeToken}` });

/** The version of an external certificate as read in the list of `GET /api/training/external`. */
const externalVersion = (id: number) => (body: unknown) => ({
  version:
    (body as { items: { id: number; version: number }[] } | null)?.items.find((e) => e.id === id)?.version ??
    0,
});

/** A webinar's fields; the walk's own webinar started ten minutes before the walk. */
const WEBINAR_START = new Date(Date.now() - 10 * 60_000).toISOString();
const webinar = () => ({
  title: 'Vebinar',
  areaId: null,
  startsAt: new Date(Date.now() + 86_400_000).toISOString(),
  durationMinutes: 600,
  url: 'https://meet.example.az/w',
  capacity: null,
});

/** A training session's whole record as its organisers save it (started ten minutes before the walk). */
const trainingSession = (areaId: number, capacity = 100) => ({
  areaId,
  startsAt: WEBINAR_START,
  endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
  place: 'Bakı',
  url: null,
  capacity,
  cancelled: false,
});

/** The journal's routes that take their target in the query string. */
function journalQuery(
  w: World,
  which: 'history' | 'class-attendance' | 'report-card' | 'school-summary',
): Call {
  const student = w.journal!.studentId;
  const queries: Record<typeof which, Record<string, string | number>> = {
    history: { studentId: student, key: `l${w.classroom.lessonId}` },
    'class-attendance': { classId: w.classroom.classId, term: 'half_1' },
    'report-card': { studentId: student, term: 'half_1' },
    'school-summary': { institutionId: w.schoolId, term: 'half_1' },
  };
  return { query: queries[which] };
}

/** A OneRoster zip of one homeroom class, 7A, and nobody in it. */
function onerosterZip(): Buffer {
  const classes = [
    { sourcedId: 'c1', title: '7A', grades: '07', classType: 'homeroom', schoolSourcedId: 's1' },
  ];
  return Buffer.from(buildRosterZip({ classes, users: [], enrollments: [] }, 'Walk'));
}

/** The registry of policies' part of the world: rows written directly, each at version 0. */
/** Route × role rules of the content filter's admin part; each deleting caller has a spare of its own. */
function safetyAdminRules(): Record<string, Rule> {
  const SAFETY_READERS = ['admin', 'bureau', 'regional'] as const;
  const SCHOOL_KEEPERS = ['admin', 'bureau', 'regional', 'director'] as const;
  const sw = (w: World) => w.safetyAdmin!;
  const own = (caller: Role | null, spares: number[]) =>
    spares[SCHOOL_KEEPERS.indexOf(caller as (typeof SCHOOL_KEEPERS)[number])] ?? spares[0]!;
  const text = (s: string) => ({ az: s, ru: s, en: s });
  // Letters only, and unique: the counter's digits become letters too (dropping them made two words alike).
  const word = () => `walk${next().replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)}`;
  let octet = 0;
  const versionIn =
    <T extends { id: number; version: number }>(key: string, id: number) =>
    (body: unknown) => ({
      version: ((body as Record<string, T[]> | null)?.[key] ?? []).find((x) => x.id === id)?.version ?? 0,
    });
  const rules = (categories: string[]) => ({
    name: text('Walk'),
    categories,
    blockLists: [],
    allowLists: [],
    safeSearch: safeSearchOn,
    bypassProtection: true,
    action: 'blockpage',
  });
  return {
    'GET /api/safety/categories': { who: SAFETY_READERS },
    'POST /api/safety/categories': {
      who: NATIONAL,
      call: () => ({ payload: { code: word(), name: text('Walk'), description: text('') } }),
    },
    'PUT /api/safety/categories/:categoryId': {
      who: NATIONAL,
      call: (w) => ({
        params: { categoryId: sw(w).categoryId },
        payload: { name: text('Qumar'), description: text('') },
        read: { url: '/api/safety/categories', fields: versionIn('categories', sw(w).categoryId) },
      }),
    },
    'POST /api/safety/categories/:categoryId/keywords': {
      who: NATIONAL,
      call: (w) => ({
        params: { categoryId: sw(w).categoryId },
        payload: { keyword: word(), language: 'en' },
      }),
    },
    'DELETE /api/safety/keywords/:keywordId': {
      who: NATIONAL,
      call: (w, caller) => ({ params: { keywordId: own(caller, sw(w).keywordIds) } }),
    },
    'GET /api/safety/lists': { who: SAFETY_READERS },
    'POST /api/safety/lists': {
      who: NATIONAL,
      call: () => ({ payload: { kind: 'allow', categoryId: null, name: text('Walk') } }),
    },
    'GET /api/safety/lists/:listId': {
      who: SAFETY_READERS,
      call: (w) => ({ params: { listId: sw(w).blockListId } }),
    },
    'POST /api/safety/lists/:listId/domains': {
      who: NATIONAL,
      call: (w) => ({
        params: { listId: sw(w).blockListId },
        payload: { add: [`${word()}.example`], remove: [] },
        read: {
          url: `/api/safety/lists/${sw(w).blockListId}`,
          fields: (b) => ({ version: (b as { list?: { version: number } } | null)?.list?.version ?? 0 }),
        },
      }),
    },
    'POST /api/safety/lists/:listId/import': {
      who: NATIONAL,
      call: (w) => ({
        params: { listId: sw(w).allowListId },
        payload: { text: 'walk.example\nдемо.example\n' },
        read: {
          url: `/api/safety/lists/${sw(w).allowListId}`,
          fields: (b) => ({ version: (b as { list?: { version: number } } | null)?.list?.version ?? 0 }),
        },
      }),
    },
    'GET /api/safety/policies': { who: SAFETY_READERS },
    'POST /api/safety/policies': {
      who: SAFETY_READERS,
      call: (w) => ({
        payload: { ...rules(['adult', 'gambling', 'games']), areaId: w.areaId, parentId: sw(w).primaryId },
      }),
      outside: {
        who: NATIONAL,
        call: (w) => ({
          payload: { ...rules(['adult', 'gambling']), areaId: w.otherAreaId, parentId: sw(w).primaryId },
        }),
      },
    },
    'PUT /api/safety/policies/:policyId': {
      who: SAFETY_READERS,
      call: (w) => ({
        params: { policyId: sw(w).tighteningId },
        payload: rules(['adult', 'gambling', 'games']),
        read: { url: '/api/safety/policies', fields: versionIn('policies', sw(w).tighteningId) },
      }),
    },
    'GET /api/safety/networks': { who: SCHOOL_KEEPERS },
    'POST /api/safety/networks': {
      who: SCHOOL_KEEPERS,
      call: (w) => ({
        payload: { institutionId: w.schoolId, kind: 'guests', cidr: `10.253.${++octet}.0/24`, note: '' },
      }),
      outside: {
        who: NATIONAL,
        call: (w) => ({
          payload: {
            institutionId: w.otherSchoolId,
            kind: 'guests',
            cidr: `10.254.${++octet}.0/24`,
            note: '',
          },
        }),
      },
    },
    'PUT /api/safety/networks/:networkId': {
      who: SCHOOL_KEEPERS,
      call: (w) => ({
        params: { networkId: sw(w).networkId },
        payload: { kind: 'pupils', cidr: '10.250.0.0/24', note: 'Walk' },
        read: { url: '/api/safety/networks', fields: versionIn('networks', sw(w).networkId) },
      }),
    },
    'DELETE /api/safety/networks/:networkId': {
      who: SCHOOL_KEEPERS,
      call: (w, caller) => ({
        params: { networkId: own(caller, sw(w).spareNetworks) },
        query: { version: 0 },
      }),
    },
    'GET /api/safety/schedules': { who: SAFETY_READERS },
    'PUT /api/safety/assignments': {
      who: SAFETY_READERS,
      call: (w) => ({
        payload: {
          areaId: w.areaId,
          institutionId: null,
          networkKind: 'pupils',
          window: 'lessons',
          policyId: sw(w).tighteningId,
        },
        read: {
          url: '/api/safety/schedules',
          fields: (b) => ({
            version:
              (
                b as {
                  assignments?: {
                    areaId: number | null;
                    networkKind: string;
                    window: string;
                    version: number;
                  }[];
                } | null
              )?.assignments?.find(
                (a) => a.areaId === w.areaId && a.networkKind === 'pupils' && a.window === 'lessons',
              )?.version ?? 0,
          }),
        },
      }),
    },
    'DELETE /api/safety/assignments/:assignmentId': {
      who: SAFETY_READERS,
      call: (w, caller) => ({
        params: { assignmentId: own(caller, sw(w).spareAssignments) },
        query: { version: 1 },
      }),
    },
    'POST /api/safety/windows': {
      who: SAFETY_READERS,
      call: (w) => ({
        payload: {
          areaId: w.areaId,
          institutionId: null,
          weekdays: [1, 2],
          startMinute: 480,
          endMinute: 840,
        },
      }),
    },
    'DELETE /api/safety/windows/:windowId': {
      who: SAFETY_READERS,
      call: (w, caller) => ({ params: { windowId: own(caller, sw(w).spareWindows) }, query: { version: 0 } }),
    },
    'POST /api/safety/exams': {
      who: SAFETY_READERS,
      call: (w) => ({
        payload: {
          name: text('Walk'),
          startsAt: '2027-06-01T09:00:00+04:00',
          endsAt: '2027-06-01T12:00:00+04:00',
          allowListId: sw(w).allowListId,
          institutionIds: [w.schoolId],
        },
      }),
    },
    'PATCH /api/safety/exams/:examId': {
      who: SAFETY_READERS,
      call: (w) => ({
        params: { examId: sw(w).movableExamId },
        payload: { endsAt: '2027-05-02T09:00:00Z' },
        read: { url: '/api/safety/schedules', fields: versionIn('exams', sw(w).movableExamId) },
      }),
    },
    'DELETE /api/safety/exams/:examId': {
      who: SAFETY_READERS,
      call: (w, caller) => ({ params: { examId: own(caller, sw(w).spareExams) }, query: { version: 0 } }),
    },
  };
}

async function policyWorld(db: Database['db']): Promise<NonNullable<World['policy']>> {
  const text = (s: string) => ({ az: s, ru: s, en: s });
  const docs = await db
    .insert(policyDocuments)
    .values(
      [1, 2, 3, 4].map((n) => ({
        kind: 'state_programme',
        title: text(`Walk ${n}`),
        issuer: text('Walk'),
        adoptedOn: '2024-01-01',
        status: 'in_force',
        summary: text(''),
      })),
    )
    .returning();
  const [main, ...spare] = docs.map((d) => d.id) as [number, ...number[]];
  const targets = await db
    .insert(policyTargets)
    .values(
      [0, 1, 2, 3].map((position) => ({
        documentId: main,
        position,
        description: text('Walk'),
        indicator: 'schools_connected',
        target: '10',
      })),
    )
    .returning();
  const partners = await db
    .insert(policyPartnerships)
    .values(
      [1, 2, 3, 4].map((n) => ({
        partner: `Walk ${n}`,
        contribution: text('Walk'),
        startedOn: '2024-01-01',
      })),
    )
    .returning();
  return {
    documentId: main,
    targetId: targets[0]!.id,
    partnershipId: partners[0]!.id,
    spareDocuments: spare,
    spareTargets: targets.slice(1).map((t) => t.id),
    sparePartnerships: partners.slice(1).map((p) => p.id),
  };
}

const admits = (who: Who, caller: Role | null) =>
  who === 'anyone' || (caller !== null && (who === 'signed-in' || who.includes(caller)));

function urlOf(route: string, params: Record<string, string | number> = {}): string {
  return route.replace(/:(\w+)|\*/g, (_, name: string | undefined) => String(params[name ?? '*']));
}

/** Calls each route of `keys` as each caller and returns every answer that differs from the policy. */
async function walk(
  app: FastifyInstance,
  policy: Record<string, Rule>,
  keys: string[],
  world: World,
  sessions: Record<Role, Session>,
): Promise<string[]> {
  const problems: string[] = [];
  const send = (caller: Role | null, options: InjectOptions): Promise<LightMyRequestResponse> =>
    caller === null ? app.inject(options) : sessions[caller].inject(options);
  const check = async (
    key: string,
    who: Who,
    call: (caller: Role | null) => Call,
    refusal?: { status: number; to: Who },
  ) => {
    const [method, route] = key.split(' ') as [InjectOptions['method'], string];
    for (const caller of [null, ...ROLES]) {
      const { params, query, headers, read: readFirst, ...rest } = call(caller);
      let payload = rest.payload;
      const field =
        payload && typeof payload === 'object'
          ? (['version', 'editVersion'] as const).find(
              (k) => (payload as Record<string, unknown>)[k] === READ_VERSION,
            )
          : undefined;
      if (readFirst) {
        const read = await send(caller, { method: 'GET', url: readFirst.url, headers });
        payload = {
          ...(payload as object),
          ...readFirst.fields(read.statusCode === 200 ? read.json<unknown>() : null),
        };
      } else if (field) {
        // A draft is read where it is saved for good, and sent from there; a school's application on the
        // school's page of the plan. A plan's is its `editVersion` (its `version` is the published one).
        const readAt = urlOf(route, params).replace(/\/(draft|submit|application)$/, '');
        const read = await send(caller, { method: 'GET', url: readAt, headers });
        const body =
          read.statusCode === 200
            ? read.json<{
                version?: number;
                editVersion?: number;
                application?: { version: number } | null;
              }>()
            : {};
        const version = /\/application$/.test(urlOf(route, params)) ? body.application?.version : body[field];
        payload = { ...(payload as object), [field]: version ?? 0 };
      }
      const res = await send(caller, {
        method,
        url: urlOf(route, params),
        query: query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
        payload: payload as object,
        headers,
      });
      const allowed = admits(who, caller);
      const expected = allowed
        ? 'success'
        : caller === null
          ? 401
          : refusal && admits(refusal.to, caller)
            ? refusal.status
            : 403;
      const ok = allowed ? res.statusCode < 400 : res.statusCode === expected;
      if (!ok) {
        problems.push(`${key} as ${caller ?? 'anonymous'}: ${res.statusCode}, expected ${expected}`);
      }
    }
  };
  for (const key of keys) {
    const rule = policy[key]!;
    if (rule.signInFirst) {
      for (const role of ROLES) sessions[role] = await login(app, world.usernames[role], 'password-1');
    }
    await check(key, rule.who, (caller) => rule.call?.(world, caller) ?? {});
    if (rule.changesPasswords) {
      await world.restorePasswords();
      for (const role of ROLES) sessions[role] = await login(app, world.usernames[role], 'password-1');
    }
    if (rule.outside) {
      const { who, call, refusal } = rule.outside;
      const to = refusal === undefined ? undefined : { status: refusal, to: rule.who };
      await check(`${key} (outside)`, who, (caller) => call(world, caller), to);
    }
  }
  return problems;
}

const keyOf = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

describe('every route against every role', () => {
  let database: Database;
  let app: FastifyInstance;
  let webRoot: string;
  let world: World;
  const sessions = {} as Record<Role, Session>;

  beforeAll(async () => {
    database = await createTestDatabase();
    webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-web-'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>Maktab</title>');
    const config = testConfig({ webRoot });
    app = await buildApp(config, database);
    await app.ready();
    const db = database.db;
    const areas = await createAreas(db);
    const school = await createInstitution(db, areas.district);
    const otherSchool = await createInstitution(db, areas.otherDistrict);
    const scopes: Record<Role, { areaId?: number; institutionId?: number }> = {
      admin: {},
      bureau: {},
      editor: {},
      parent: {},
      regional: { areaId: areas.district },
      director: { institutionId: school.id },
      teacher: { institutionId: school.id },
      student: { institutionId: school.id },
    };
    const usernames = {} as Record<Role, string>;
    const ids = {} as Record<Role, number>;
    for (const role of ROLES) {
      const user = await createUserWithRole(db, role, scopes[role]);
      usernames[role] = user.username;
      ids[role] = user.id;
    }
    await linkParent(db, ids.parent, ids.student);
    const spare = await createUserWithRole(db, 'teacher', { institutionId: school.id });
    const grantee = await createUserWithRole(db, 'teacher', { institutionId: school.id });
    const [granteeGrant] = await grantsOfUsers(db, [grantee.id]);
    const [year] = await db
      .insert(academicYears)
      .values({ code: '2026-2027', startsOn: '2026-09-15', endsOn: '2027-06-15', isCurrent: true })
      .returning();
    // The registry's record names students by an education level of the country.
    await db
      .insert(levels)
      .values({ code: 'primary', position: 1, nameAz: 'İbtidai', nameRu: 'Начальное', nameEn: 'Primary' })
      .onConflictDoNothing();
    const system = { actorId: null, ip: null };
    const directorActor = {
      userId: ids.director,
      username: usernames.director,
      displayName: 'Director',
      locale: 'en',
      grants: [{ role: 'director' as const, areaId: null, institutionId: school.id }],
      childIds: [],
      sessionId: 'fixture',
      csrfToken: 'fixture',
    };
    const council = { heldOn: '2026-12-01', title: 'Pedaqoji şura' };
    const meeting = await createMeeting(db, directorActor, system, school.id, council);
    const withDecision = await addDecision(db, directorActor, system, 'en', meeting.id, {
      text: 'Açıq dərslər',
      ownerId: ids.teacher,
      dueOn: '2027-01-15',
    });
    const otherMeeting = await createMeeting(db, directorActor, system, otherSchool.id, council);
    const otherDirector = await createUserWithRole(db, 'director', { institutionId: otherSchool.id });
    const otherTeacher = await createUserWithRole(db, 'teacher', { institutionId: otherSchool.id });
    const otherDirectorActor = {
      ...directorActor,
      userId: otherDirector.id,
      grants: [{ role: 'director' as const, areaId: null, institutionId: otherSchool.id }],
    };
    const otherWithDecision = await addDecision(db, otherDirectorActor, system, 'en', otherMeeting.id, {
      text: 'Açıq dərslər',
      ownerId: otherTeacher.id,
      dueOn: '2027-01-15',
    });
    const councils = {
      meetingId: meeting.id,
      otherMeetingId: otherMeeting.id,
      decisionId: withDecision.decisions[0]!.id,
      otherDecisionId: otherWithDecision.decisions[0]!.id,
      teacherId: ids.teacher,
    };
    const walkWebinar = async (areaId: number) =>
      (
        await db
          .insert(webinars)
          .values({ ...webinar(), areaId, startsAt: new Date(WEBINAR_START), createdBy: ids.bureau })
          .returning()
      )[0]!.id;
    world = {
      areaId: areas.district,
      schoolId: school.id,
      otherSchoolId: otherSchool.id,
      spareUserId: spare.id,
      granteeId: grantee.id,
      granteeGrantId: granteeGrant!.id,
      safetyNodeToken: (await createNode(db, 'walk-node')).token,
      restorePasswords: async () => {
        for (const role of ROLES)
          await resetPassword(db, null, { actorId: null, ip: null }, ids[role], 'password-1');
      },
      usernames,
      yearId: year!.id,
      deviceId: (await createDevice(db, system, school.id, device('RT-1'))).id,
      otherDeviceId: (await createDevice(db, system, otherSchool.id, device('RT-2'))).id,
      movableDeviceId: (await createDevice(db, system, school.id, device('RT-3'))).id,
      projectId: (await createProject(db, system, project('rt-project'))).id,
      allocation: await createAllocationWorld(db, year!.id, school.id),
      library: await libraryWorld(app, database, config, {
        editorId: ids.editor,
        editorUsername: usernames.editor,
      }),
      webinarId: (
        await db
          .insert(webinars)
          .values({
            ...webinar(),
            areaId: areas.district,
            startsAt: new Date(WEBINAR_START),
            createdBy: ids.bureau,
          })
          .returning()
      )[0]!.id,
      otherAreaId: areas.otherDistrict,
      otherWebinarId: await walkWebinar(areas.otherDistrict),
      councils,
      classroom: await classroomWorld(db, {
        schoolId: school.id,
        otherSchoolId: otherSchool.id,
        yearId: year!.id,
        directorId: ids.director,
        teacherId: ids.teacher,
        studentId: ids.student,
        spareTeacherId: spare.id,
        spareStudentIds: [
          (await createUserWithRole(db, 'student', { institutionId: school.id })).id,
          (await createUserWithRole(db, 'student', { institutionId: school.id })).id,
          (await createUserWithRole(db, 'student', { institutionId: school.id })).id,
        ],
      }),
    };
    world.assignments = await assignmentsWorld(
      db,
      {
        schoolId: school.id,
        otherSchoolId: otherSchool.id,
        classId: world.classroom.classId,
        otherClassId: world.classroom.otherClassId,
        teacherId: ids.teacher,
        studentId: ids.student,
        otherTeacherId: (await createUserWithRole(db, 'teacher', { institutionId: otherSchool.id })).id,
        otherStudentId: world.classroom.other.studentId,
        classmateId: (await createUserWithRole(db, 'student', { institutionId: school.id })).id,
      },
      new LocalStorage(config.storageDir),
    );
    world.contests = await contestsWorld(db, {
      ids,
      schoolId: school.id,
      areaId: areas.district,
      classId: world.classroom.classId,
      otherSchoolId: otherSchool.id,
      otherClassId: world.classroom.otherClassId,
      otherStudentId: world.classroom.other.studentId,
    });
    // Training needs: three imported history files to delete (the framework is the pack's, loaded below).
    world.trainingImportIds = (
      await db
        .insert(trainingHistoryImports)
        .values([1, 2, 3].map((n) => ({ fileName: `walk-${n}.csv`, rows: 0, importedBy: ids.director })))
        .returning()
    ).map((r) => r.id);
    world.journal = await journalWorld(db, {
      schoolId: school.id,
      otherSchoolId: otherSchool.id,
      year: year!,
      directorId: ids.director,
      studentId: ids.student,
    });
    world.trainingFrameworks = await trainingFrameworksWorld(db, {
      teacherId: ids.teacher,
      directorId: ids.director,
      otherTeacherId: spare.id,
      schoolId: school.id,
    });
    world.certificates = await certificatesWorld(db, config.storageDir, {
      bureauId: ids.bureau,
      teacherId: ids.teacher,
      directorId: ids.director,
      schoolId: school.id,
      otherTeacherId: (await createUserWithRole(db, 'teacher', { institutionId: otherSchool.id })).id,
      otherSchoolId: otherSchool.id,
      holders: ids,
    });
    world.training = await trainingProgrammesWorld(db, {
      yearId: year!.id,
      areaId: areas.district,
      otherAreaId: areas.otherDistrict,
      schoolId: school.id,
      otherSchoolId: otherSchool.id,
      bureauId: ids.bureau,
      teacherId: ids.teacher,
      granteeId: grantee.id,
    });
    world.policy = await policyWorld(db);
    world.safetyLogs = { token: (await createNode(db, 'walk-logs')).token };
    world.safetyRequests = await safetyRequestsWorld(db, {
      schoolId: school.id,
      otherSchoolId: otherSchool.id,
      ids,
    });
    world.safetyAdmin = await safetyAdminWorld(db, {
      areaId: areas.district,
      otherAreaId: areas.otherDistrict,
      schoolId: school.id,
      otherSchoolId: otherSchool.id,
    });
    world.portal = await portalWorld(db, { areaId: areas.district, schoolId: school.id }, config.storageDir);
    world.portalDiscuss = await portalDiscussWorld(db, {
      areaId: areas.district,
      schoolId: school.id,
      authorId: spare.id,
      roles: ROLES,
      userIds: ids,
    });
    world.portalCourses = await portalCoursesWorld(db, { classId: world.classroom.classId });
    for (const role of ROLES) sessions[role] = await login(app, usernames[role], 'password-1');
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    fs.rmSync(webRoot, { recursive: true, force: true });
  });

  it('has a policy line for every registered route, and a registered route for every policy line', () => {
    const registered = app.routeTable.map(keyOf).sort();
    expect(registered).toEqual(Object.keys(POLICY).sort());
  });

  it('catches a route that forgot its declaration', async () => {
    const other = await buildApp(testConfig({ webRoot }), database);
    other.get('/api/forgotten', { schema: { hide: true } }, async () => ({ ok: true }));
    await other.ready();
    try {
      const policy = { ...POLICY, 'GET /api/forgotten': { who: 'signed-in' } satisfies Rule };
      const problems = await walk(other, policy, ['GET /api/forgotten'], world, sessions);
      // Everyone is refused: signed out with 403 instead of 401, each role with 403 instead of success.
      expect(problems).toHaveLength(1 + ROLES.length);
      expect(other.routeTable.map(keyOf)).toContain('GET /api/forgotten');
      expect(Object.keys(POLICY)).not.toContain('GET /api/forgotten');
    } finally {
      await other.close();
    }
  });

  // Every route × ten callers, thousands of requests: it grows with each module, and a busy machine slows it.
  it('answers each caller as the policy says', { timeout: 300_000 }, async () => {
    const problems = await walk(app, POLICY, Object.keys(POLICY), world, sessions);
    expect(problems).toEqual([]);
  });
});
