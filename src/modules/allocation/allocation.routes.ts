import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { allows, requireActor, type Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { changeContext } from '@/modules/identity/identity.routes';
import { institutionScope } from '@/modules/institutions/institutions.service';
import * as service from '@/modules/allocation/allocation.service';
import { listCsv, listPdf, listXlsx } from '@/modules/allocation/allocation.files';
import {
  AppealBody,
  Application,
  ApplicationChangeBody,
  ApplicationDetail,
  ApplicationList,
  ApplicationParams,
  AwardList,
  Batch,
  BatchBody,
  BatchParams,
  ConfirmBody,
  Deliveries,
  ExamineBody,
  ListQuery,
  Plan,
  PlanBody,
  PlanChangeBody,
  PlanList,
  PlanParams,
  PlanSchoolParams,
  Ranking,
  RankingQuery,
  SchoolView,
  Simulation,
  SimulateBody,
} from '@/modules/allocation/allocation.schema';

/** Who runs the distribution: national staff (the ICT bureau and the administrator). */
const NATIONAL: Role[] = ['admin', 'bureau'];
/** Who reads a school's page of a plan: national staff, its region, its own staff. */
const READERS: Role[] = ['admin', 'bureau', 'regional', 'director', 'teacher'];
/** Who speaks for a school: applies, appeals, confirms deliveries. */
const SCHOOL: Role[] = ['director'];

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sends a file as a download (a plain reply: the route's typed reply only knows its JSON shape). */
const download = (reply: FastifyReply, type: string, filename: string, body: Buffer) =>
  reply
    .header('content-type', type)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(body);

const viewer = (request: FastifyRequest): service.Viewer => ({
  national: allows(requireActor(request), NATIONAL),
});

/** The yearly computer distribution: plans, applications and their examination, scoring, approval, deliveries. */
export default async function allocationRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['allocation'];
  const schoolOfParam = (request: FastifyRequest) =>
    institutionScope(db, (request.params as { id: number }).id);
  const schoolOfApplication = async (request: FastifyRequest) =>
    institutionScope(
      db,
      await service.institutionOfApplication(db, (request.params as { applicationId: number }).applicationId),
    );
  const schoolOfBatch = async (request: FastifyRequest) =>
    institutionScope(
      db,
      await service.institutionOfBatch(db, (request.params as { batchId: number }).batchId),
    );

  r.get(
    '/allocation/plans',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Distribution plans: published and approved ones (drafts too for national staff)',
        response: { 200: PlanList },
      },
    },
    async (request) => service.listPlans(db, viewer(request)),
  );

  r.post(
    '/allocation/plans',
    {
      config: { access: { roles: NATIONAL } },
      schema: { tags, summary: 'Create a draft plan', body: PlanBody, response: { 200: Plan } },
    },
    async (request) => service.createPlan(db, changeContext(request), request.body, request.locale),
  );

  r.get(
    '/allocation/plans/:planId',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: "A plan's rules and their published versions",
        params: PlanParams,
        response: { 200: Plan },
      },
    },
    async (request) => service.getPlan(db, viewer(request), request.params.planId),
  );

  r.put(
    '/allocation/plans/:planId',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: "Change a plan's rules (a published plan is published again as its next version)",
        params: PlanParams,
        body: PlanChangeBody,
        response: { 200: Plan },
      },
    },
    async (request) =>
      service.updatePlan(db, changeContext(request), request.params.planId, request.body, request.locale),
  );

  r.post(
    '/allocation/plans/:planId/publish',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Publish a draft plan: schools read its rules and apply in its window',
        params: PlanParams,
        response: { 200: Plan },
      },
    },
    async (request) => service.publishPlan(db, changeContext(request), request.params.planId),
  );

  r.get(
    '/allocation/plans/:planId/schools/:id',
    {
      config: { access: { roles: READERS, scope: schoolOfParam } },
      schema: {
        tags,
        summary: "A school's page of a plan: registry state, application, score, cut-off, award, deliveries",
        params: PlanSchoolParams,
        response: { 200: SchoolView },
      },
    },
    async (request) =>
      service.schoolView(db, viewer(request), request.params.planId, request.params.id, request.locale),
  );

  r.put(
    '/allocation/plans/:planId/schools/:id/application',
    {
      config: { access: { roles: SCHOOL, scope: schoolOfParam } },
      schema: {
        tags,
        summary: "Apply, or change the school's application until it is registered",
        params: PlanSchoolParams,
        body: ApplicationChangeBody,
        response: { 200: Application },
      },
    },
    async (request) =>
      service.apply(
        db,
        changeContext(request),
        request.params.planId,
        request.params.id,
        request.body,
        request.locale,
      ),
  );

  r.get(
    '/allocation/plans/:planId/applications',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: "A plan's applications",
        params: PlanParams,
        response: { 200: ApplicationList },
      },
    },
    async (request) => service.listApplications(db, request.params.planId, request.locale),
  );

  r.get(
    '/allocation/applications/:applicationId',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'An application with the checklist prefilled from the registry',
        params: ApplicationParams,
        response: { 200: ApplicationDetail },
      },
    },
    async (request) => service.applicationDetail(db, request.params.applicationId, request.locale),
  );

  r.post(
    '/allocation/applications/:applicationId/register',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Register an application: it gets a registration number',
        params: ApplicationParams,
        response: { 200: Application },
      },
    },
    async (request) =>
      service.registerApplication(db, changeContext(request), request.params.applicationId, request.locale),
  );

  r.post(
    '/allocation/applications/:applicationId/examine',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Examine an application against the checklist: eligible, or ineligible with reasons',
        params: ApplicationParams,
        body: ExamineBody,
        response: { 200: Application },
      },
    },
    async (request) =>
      service.examineApplication(
        db,
        changeContext(request),
        request.params.applicationId,
        request.body,
        request.locale,
      ),
  );

  r.post(
    '/allocation/applications/:applicationId/appeal',
    {
      config: { access: { roles: SCHOOL, scope: schoolOfApplication } },
      schema: {
        tags,
        summary: 'Appeal an ineligible decision in the appeals window',
        params: ApplicationParams,
        body: AppealBody,
        response: { 200: Application },
      },
    },
    async (request) =>
      service.appeal(
        db,
        changeContext(request),
        request.params.applicationId,
        request.body.text,
        request.locale,
      ),
  );

  r.get(
    '/allocation/plans/:planId/ranking',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Eligible schools by score, criterion by criterion, with what each gets and the cut-off',
        params: PlanParams,
        querystring: RankingQuery,
        response: { 200: Ranking },
      },
    },
    async (request) => service.ranking(db, request.params.planId, request.query),
  );

  r.post(
    '/allocation/plans/:planId/simulate',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary:
          'Simulate other weights or units: projected ratios beside the current plan; nothing is saved',
        params: PlanParams,
        body: SimulateBody,
        response: { 200: Simulation },
      },
    },
    async (request) => service.simulate(db, request.params.planId, request.body),
  );

  r.post(
    '/allocation/plans/:planId/approve',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Approve a plan: the allocation is computed and the list locked and published',
        params: PlanParams,
        response: { 200: Plan },
      },
    },
    async (request) => service.approvePlan(db, changeContext(request), request.params.planId),
  );

  r.get(
    '/allocation/plans/:planId/list',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "An approved plan's published list (JSON, CSV, XLSX or PDF)",
        params: PlanParams,
        querystring: ListQuery,
        response: {
          200: {
            description: 'The schools that get devices, best score first',
            content: {
              'application/json': { schema: AwardList },
              'text/csv': { schema: Type.String({ description: 'CSV, UTF-8 with BOM' }) },
              [XLSX]: { schema: Type.String({ format: 'binary' }) },
              'application/pdf': { schema: Type.String({ format: 'binary' }) },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const list = await service.awardList(db, request.params.planId);
      const name = `allocation-${list.plan.id}`;
      const title = `${list.plan.name} (v${list.plan.version})`;
      switch (request.query.format ?? 'json') {
        case 'json':
          return list;
        case 'csv':
          return download(
            reply,
            'text/csv; charset=utf-8',
            `${name}.csv`,
            listCsv(list.items, request.locale),
          );
        case 'xlsx':
          return download(reply, XLSX, `${name}.xlsx`, await listXlsx(title, list.items, request.locale));
        case 'pdf':
          return download(
            reply,
            'application/pdf',
            `${name}.pdf`,
            await listPdf(title, list.items, request.locale),
          );
      }
    },
  );

  r.post(
    '/allocation/plans/:planId/batches',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Send a delivery batch to a school (never more than what is left of its award)',
        params: PlanParams,
        body: BatchBody,
        response: { 200: Batch },
      },
    },
    async (request) =>
      service.createBatch(db, changeContext(request), request.params.planId, request.body, request.locale),
  );

  r.get(
    '/allocation/plans/:planId/deliveries',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Awarded, sent, received and undelivered units per school and kind',
        params: PlanParams,
        response: { 200: Deliveries },
      },
    },
    async (request) => service.deliveries(db, request.params.planId),
  );

  r.post(
    '/allocation/batches/:batchId/confirm',
    {
      config: { access: { roles: SCHOOL, scope: schoolOfBatch } },
      schema: {
        tags,
        summary: 'Confirm a delivery with counts and serial numbers; the devices enter the registry',
        params: BatchParams,
        body: ConfirmBody,
        response: { 200: Batch },
      },
    },
    async (request) =>
      service.confirmBatch(db, changeContext(request), request.params.batchId, request.body, request.locale),
  );
}
