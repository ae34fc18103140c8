import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor, type Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import type { LocalStorage } from '@/server/storage';
import { changeContext } from '@/modules/identity/identity.routes';
import * as programmes from '@/modules/training/training.programmes.service';
import * as enrolment from '@/modules/training/training.enrolment.service';
import * as assessment from '@/modules/training/training.assessment.service';
import {
  AnswerBody,
  AttemptOut,
  AttemptParams,
  Attendance,
  AttendanceBody,
  DecisionBody,
  EnrolBody,
  Enrolment,
  EnrolmentList,
  EnrolmentListQuery,
  EnrolmentParams,
  Nominees,
  NomineesQuery,
  NominateBody,
  Plan,
  PlanBody,
  PlanChangeBody,
  PlanList,
  PlanParams,
  ProgrammeBody,
  ProgrammeChangeBody,
  ProgrammeDetail,
  ProgrammeList,
  ProgrammeListQuery,
  ProgrammeOptions,
  ProgrammeParams,
  QuestionsBody,
  QuestionsOut,
  Results,
  Session,
  SessionBody,
  SessionChangeBody,
  SessionList,
  SessionListQuery,
  SessionParams,
} from '@/modules/training/training.programmes.schema';

/** The national staff plan and author; a regional officer runs their district's sessions and decides. */
const NATIONAL: Role[] = ['admin', 'bureau'];
const ORGANISERS: Role[] = ['admin', 'bureau', 'regional'];
/** Who sees programmes: the organisers and the schools' staff. */
const STAFF: Role[] = ['admin', 'bureau', 'regional', 'director', 'teacher'];

/**
 * The year's plan, programmes and sessions, enrolments and the final assessment (`docs/training.md`). Lists
 * name no single target: the services narrow each caller to what they may see.
 */
export default async function programmesRoutes(
  app: FastifyInstance,
  opts: { db: Db; storage: LocalStorage; publicUrl: string; runJobs: boolean; verifyPerMinute: number },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['training'];

  // --- the plan ---------------------------------------------------------------------------------------
  r.get(
    '/training/plans',
    {
      config: { access: { roles: ORGANISERS } },
      schema: { tags, summary: 'The yearly training plans', response: { 200: PlanList } },
    },
    async () => programmes.listPlans(db),
  );
  r.post(
    '/training/plans',
    {
      config: { access: { roles: NATIONAL } },
      schema: { tags, summary: 'Start a year’s training plan', body: PlanBody, response: { 200: Plan } },
    },
    async (request) =>
      programmes.createPlan(db, requireActor(request), changeContext(request), request.locale, request.body),
  );
  r.get(
    '/training/plans/:planId',
    {
      config: { access: { roles: ORGANISERS } },
      schema: { tags, summary: 'A training plan', params: PlanParams, response: { 200: Plan } },
    },
    async (request) => programmes.getPlan(db, request.params.planId),
  );
  r.put(
    '/training/plans/:planId',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Change or approve a training plan',
        params: PlanParams,
        body: PlanChangeBody,
        response: { 200: Plan },
      },
    },
    async (request) =>
      programmes.updatePlan(db, changeContext(request), request.locale, request.params.planId, request.body),
  );

  // --- programmes -------------------------------------------------------------------------------------
  r.get(
    '/training/programmes',
    {
      config: { access: { roles: STAFF } },
      schema: {
        tags,
        summary: 'Programmes (drafts for national staff only), those suggested to the caller first',
        querystring: ProgrammeListQuery,
        response: { 200: ProgrammeList },
      },
    },
    async (request) => programmes.listProgrammes(db, requireActor(request), request.locale, request.query),
  );
  r.post(
    '/training/programmes',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Create a programme (a draft)',
        body: ProgrammeBody,
        response: { 200: ProgrammeDetail },
      },
    },
    async (request) =>
      programmes.createProgramme(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.body,
      ),
  );
  r.get(
    '/training/programmes/:programmeId',
    {
      config: { access: { roles: STAFF } },
      schema: {
        tags,
        summary: 'A programme with its sessions and the caller’s enrolment',
        params: ProgrammeParams,
        response: { 200: ProgrammeDetail },
      },
    },
    async (request) =>
      programmes.getProgramme(db, requireActor(request), request.locale, request.params.programmeId),
  );
  r.put(
    '/training/programmes/:programmeId',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Change a programme, its seats per district and its state',
        params: ProgrammeParams,
        body: ProgrammeChangeBody,
        response: { 200: ProgrammeDetail },
      },
    },
    async (request) =>
      programmes.updateProgramme(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.programmeId,
        request.body,
      ),
  );
  r.get(
    '/training/programme-options',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'The frameworks, areas and levels a programme may address',
        response: { 200: ProgrammeOptions },
      },
    },
    async (request) => programmes.programmeOptions(db, request.locale),
  );
  r.get(
    '/training/programmes/:programmeId/results',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Enrolled, approved, attended and passed, by district',
        params: ProgrammeParams,
        response: { 200: Results },
      },
    },
    async (request) => programmes.programmeResults(db, request.locale, request.params.programmeId),
  );
  r.get(
    '/training/programmes/:programmeId/questions',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'The final assessment’s questions, with their keys',
        params: ProgrammeParams,
        response: { 200: QuestionsOut },
      },
    },
    async (request) => programmes.getQuestions(db, request.params.programmeId),
  );
  r.put(
    '/training/programmes/:programmeId/questions',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Replace the final assessment’s questions (with the programme’s version)',
        params: ProgrammeParams,
        body: QuestionsBody,
        response: { 200: QuestionsOut },
      },
    },
    async (request) =>
      programmes.saveQuestions(
        db,
        changeContext(request),
        request.locale,
        request.params.programmeId,
        request.body,
      ),
  );

  // --- sessions ---------------------------------------------------------------------------------------
  r.post(
    '/training/programmes/:programmeId/sessions',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: 'Add a session (an online one is made a webinar)',
        params: ProgrammeParams,
        body: SessionBody,
        response: { 200: Session },
      },
    },
    async (request) =>
      programmes.createSession(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.programmeId,
        request.body,
      ),
  );
  r.get(
    '/training/sessions',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: 'The sessions the caller runs',
        querystring: SessionListQuery,
        response: { 200: SessionList },
      },
    },
    async (request) =>
      programmes.listManagedSessions(db, requireActor(request), request.locale, request.query),
  );
  r.get(
    '/training/sessions/:sessionId',
    {
      config: { access: { roles: STAFF } },
      schema: { tags, summary: 'A session', params: SessionParams, response: { 200: Session } },
    },
    async (request) =>
      programmes.getSession(db, requireActor(request), request.locale, request.params.sessionId),
  );
  r.put(
    '/training/sessions/:sessionId',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: 'Change or cancel a session (those who run it)',
        params: SessionParams,
        body: SessionChangeBody,
        response: { 200: Session },
      },
    },
    async (request) =>
      programmes.updateSession(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.sessionId,
        request.body,
      ),
  );
  r.get(
    '/training/sessions/:sessionId/attendance',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: 'Who holds a place in the session, and who attended',
        params: SessionParams,
        response: { 200: Attendance },
      },
    },
    async (request) =>
      enrolment.getAttendance(db, requireActor(request), request.locale, request.params.sessionId),
  );
  r.put(
    '/training/sessions/:sessionId/attendance',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: 'Record who attended (the listed enrolments; the others with a place did not)',
        params: SessionParams,
        body: AttendanceBody,
        response: { 200: Attendance },
      },
    },
    async (request) =>
      enrolment.recordAttendance(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.sessionId,
        request.body,
        request.log,
      ),
  );

  // --- enrolments -------------------------------------------------------------------------------------
  r.post(
    '/training/programmes/:programmeId/enrolment',
    {
      config: { access: { roles: ['teacher'] } },
      schema: {
        tags,
        summary: 'Ask for a place on an open programme',
        params: ProgrammeParams,
        body: EnrolBody,
        response: { 200: Enrolment },
      },
    },
    async (request) =>
      enrolment.enrol(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.programmeId,
        request.body,
      ),
  );
  r.post(
    '/training/programmes/:programmeId/nominations',
    {
      config: { access: { roles: ['director'] } },
      schema: {
        tags,
        summary: 'Nominate a teacher of the school',
        params: ProgrammeParams,
        body: NominateBody,
        response: { 200: Enrolment },
      },
    },
    async (request) =>
      enrolment.nominate(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.programmeId,
        request.body,
      ),
  );
  r.get(
    '/training/nominees',
    {
      config: { access: { roles: ['director'] } },
      schema: {
        tags,
        summary: 'The school’s teachers and where each stands on a programme',
        querystring: NomineesQuery,
        response: { 200: Nominees },
      },
    },
    async (request) => enrolment.nominees(db, requireActor(request), request.query.programmeId),
  );
  r.get(
    '/training/enrolments',
    {
      config: { access: { roles: STAFF } },
      schema: {
        tags,
        summary: 'Enrolments: one’s own, the school’s (director), the district’s (regional), all (national)',
        querystring: EnrolmentListQuery,
        response: { 200: EnrolmentList },
      },
    },
    async (request) => enrolment.listEnrolments(db, requireActor(request), request.locale, request.query),
  );
  r.get(
    '/training/enrolments/:enrolmentId',
    {
      config: { access: { roles: STAFF } },
      schema: { tags, summary: 'An enrolment', params: EnrolmentParams, response: { 200: Enrolment } },
    },
    async (request) =>
      enrolment.getEnrolment(db, requireActor(request), request.locale, request.params.enrolmentId),
  );
  r.post(
    '/training/enrolments/:enrolmentId/decision',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: 'Approve (a place or the waiting list) or reject, with a note',
        params: EnrolmentParams,
        body: DecisionBody,
        response: { 200: Enrolment },
      },
    },
    async (request) =>
      enrolment.decide(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.enrolmentId,
        request.body,
      ),
  );
  r.post(
    '/training/enrolments/:enrolmentId/withdrawal',
    {
      config: { access: { roles: ['teacher'] } },
      schema: {
        tags,
        summary: 'Withdraw from a programme (one’s own enrolment)',
        params: EnrolmentParams,
        response: { 200: Enrolment },
      },
    },
    async (request) =>
      enrolment.withdraw(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.enrolmentId,
      ),
  );

  // --- the assessment ---------------------------------------------------------------------------------
  r.post(
    '/training/enrolments/:enrolmentId/attempt',
    {
      config: { access: { roles: ['teacher'] } },
      schema: {
        tags,
        summary: 'Start the final assessment, or go on with the attempt under way',
        params: EnrolmentParams,
        response: { 200: AttemptOut },
      },
    },
    async (request) =>
      assessment.startAttempt(db, requireActor(request), changeContext(request), request.params.enrolmentId),
  );
  r.get(
    '/training/attempts/:attemptId',
    {
      config: { access: { roles: ['teacher'] } },
      schema: {
        tags,
        summary: 'An attempt of one’s own',
        params: AttemptParams,
        response: { 200: AttemptOut },
      },
    },
    async (request) => assessment.getAttempt(db, requireActor(request), request.params.attemptId),
  );
  r.put(
    '/training/attempts/:attemptId/answer',
    {
      config: { access: { roles: ['teacher'] } },
      schema: {
        tags,
        summary: 'Save one answer (in the shown order)',
        params: AttemptParams,
        body: AnswerBody,
        response: { 200: AttemptOut },
      },
    },
    async (request) =>
      assessment.answer(db, requireActor(request), request.locale, request.params.attemptId, request.body),
  );
  r.post(
    '/training/attempts/:attemptId/submission',
    {
      config: { access: { roles: ['teacher'] } },
      schema: {
        tags,
        summary: 'Submit the attempt: marked, and the programme completed or failed',
        params: AttemptParams,
        response: { 200: AttemptOut },
      },
    },
    async (request) =>
      assessment.submit(db, requireActor(request), changeContext(request), request.params.attemptId),
  );
}
