import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor, type Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import type { LocalStorage } from '@/server/storage';
import { changeContext } from '@/modules/identity/identity.routes';
import { institutionScope } from '@/modules/institutions/institutions.service';
import * as service from '@/modules/training/training.frameworks.service';
import {
  AnswersBody,
  AnswersSaved,
  Framework,
  FrameworkList,
  FrameworkParams,
  InstitutionParams,
  MyCompetence,
  Result,
  RoundBody,
  RoundOut,
  SchoolCounts,
  Sitting,
  SittingParams,
  StaffLevels,
} from '@/modules/training/training.frameworks.schema';

/** Those who teach take the self-assessment: teachers, and directors (who teach too). */
const TAKERS: Role[] = ['teacher', 'director'];
/** Counts of a school's levels: its director, and above it the district, the bureau, the administrator. */
const COUNTERS: Role[] = ['director', 'regional', 'bureau', 'admin'];

/**
 * Competency frameworks (anyone may read them) and the self-assessment. A sitting's routes name no scope: the
 * service answers only the person who owns it, and anyone else — a colleague, the director — is told it does
 * not exist. The school's routes are scoped to the school: its director for names, counts for those above.
 */
export default async function frameworksRoutes(
  app: FastifyInstance,
  opts: { db: Db; storage: LocalStorage; publicUrl: string; runJobs: boolean; verifyPerMinute: number },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['training'];
  const school = (request: FastifyRequest) =>
    institutionScope(db, (request.params as { institutionId: number }).institutionId);

  r.get(
    '/training/frameworks',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Competency frameworks of the country pack',
        response: { 200: FrameworkList },
      },
    },
    async (request) => service.listFrameworks(db, request.locale),
  );

  r.get(
    '/training/frameworks/:frameworkId',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A framework: its levels, areas and competencies, with the mapping to other frameworks',
        params: FrameworkParams,
        response: { 200: Framework },
      },
    },
    async (request) => service.getFramework(db, request.locale, request.params.frameworkId),
  );

  r.get(
    '/training/self',
    {
      config: { access: { roles: TAKERS } },
      schema: {
        tags,
        summary: 'My ICT competence: current levels, suggested programmes, the open sitting, rounds, history',
        response: { 200: MyCompetence },
      },
    },
    async (request) => service.myCompetence(db, requireActor(request), request.locale),
  );

  r.post(
    '/training/self/sittings',
    {
      config: { access: { roles: TAKERS } },
      schema: {
        tags,
        summary: 'Start the self-assessment, or resume the sitting already open',
        response: { 200: Sitting },
      },
    },
    async (request) =>
      service.startSitting(db, requireActor(request), changeContext(request), request.locale),
  );

  r.get(
    '/training/self/sittings/:sittingId',
    {
      config: { access: { roles: TAKERS } },
      schema: {
        tags,
        summary: 'One of my sittings: the questions area by area and my answers',
        params: SittingParams,
        response: { 200: Sitting },
      },
    },
    async (request) =>
      service.getSitting(db, requireActor(request), request.locale, request.params.sittingId),
  );

  r.put(
    '/training/self/sittings/:sittingId/answers',
    {
      config: { access: { roles: TAKERS } },
      schema: {
        tags,
        summary: 'Save answers as I go (each replaces my earlier answer to its question)',
        params: SittingParams,
        body: AnswersBody,
        response: { 200: AnswersSaved },
      },
    },
    async (request) =>
      service.saveAnswers(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.sittingId,
        request.body,
      ),
  );

  r.post(
    '/training/self/sittings/:sittingId/submit',
    {
      config: { access: { roles: TAKERS } },
      schema: {
        tags,
        summary: 'Submit: a level per area, with suggested programmes',
        params: SittingParams,
        response: { 200: Result },
      },
    },
    async (request) =>
      service.submitSitting(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.sittingId,
      ),
  );

  r.get(
    '/training/self/sittings/:sittingId/result',
    {
      config: { access: { roles: TAKERS } },
      schema: {
        tags,
        summary: 'The levels of one of my submitted sittings',
        params: SittingParams,
        response: { 200: Result },
      },
    },
    async (request) => service.getResult(db, requireActor(request), request.locale, request.params.sittingId),
  );

  r.post(
    '/training/schools/:institutionId/rounds',
    {
      config: { access: { roles: ['director'], scope: school } },
      schema: {
        tags,
        summary: 'Ask the school’s staff to take the self-assessment by a day',
        params: InstitutionParams,
        body: RoundBody,
        response: { 200: RoundOut },
      },
    },
    async (request) =>
      service.openRound(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.institutionId,
        request.body,
      ),
  );

  r.get(
    '/training/schools/:institutionId/staff',
    {
      config: { access: { roles: ['director'], scope: school } },
      schema: {
        tags,
        summary: 'The staff’s levels per area and who has taken the self-assessment (the school’s director)',
        params: InstitutionParams,
        response: { 200: StaffLevels },
      },
    },
    async (request) => service.staffLevels(db, request.locale, request.params.institutionId),
  );

  r.get(
    '/training/schools/:institutionId/levels',
    {
      config: { access: { roles: COUNTERS, scope: school } },
      schema: {
        tags,
        summary: 'How many of the school’s teachers stand at each level of each area (counts, no names)',
        params: InstitutionParams,
        response: { 200: SchoolCounts },
      },
    },
    async (request) => service.schoolCounts(db, request.locale, request.params.institutionId),
  );
}
