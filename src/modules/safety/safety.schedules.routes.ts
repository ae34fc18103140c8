import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor, type Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { changeContext } from '@/modules/identity/identity.routes';
import * as service from '@/modules/safety/safety.schedules.service';
import { Deleted, DeleteQuery } from '@/modules/safety/safety.catalogue.schema';
import {
  AssignmentBody,
  AssignmentOut,
  AssignmentParams,
  ExamBody,
  ExamEndBody,
  ExamOut,
  ExamParams,
  Schedules,
  WindowBody,
  WindowOut,
  WindowParams,
} from '@/modules/safety/safety.schedules.schema';

/** The ministry keeps national schedules; a region's or district's officer its area's and schools'. */
const KEEPERS: Role[] = ['admin', 'bureau', 'regional'];

/** Assignments, lesson windows and exams (registered from safety.catalogue.routes.ts). */
export default async function safetySchedulesRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['safety'];

  r.get(
    '/safety/schedules',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: 'Assignments, lesson windows and exams the caller may see',
        response: { 200: Schedules },
      },
    },
    async (request) => service.listSchedules(db, requireActor(request)),
  );

  r.put(
    '/safety/assignments',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: "Set the policy of a scope's network kind and window (version 0 when there is none yet)",
        body: AssignmentBody,
        response: { 200: AssignmentOut },
      },
    },
    async (request) =>
      service.saveAssignment(db, changeContext(request), requireActor(request), request.locale, request.body),
  );

  r.delete(
    '/safety/assignments/:assignmentId',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: 'Remove an assignment at the version read',
        params: AssignmentParams,
        querystring: DeleteQuery,
        response: { 200: Deleted },
      },
    },
    async (request) => {
      await service.deleteAssignment(
        db,
        changeContext(request),
        requireActor(request),
        request.params.assignmentId,
        request.query.version,
      );
      return { deleted: true };
    },
  );

  r.post(
    '/safety/windows',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: 'Add lesson hours to a scope',
        body: WindowBody,
        response: { 200: WindowOut },
      },
    },
    async (request) =>
      service.createWindow(db, changeContext(request), requireActor(request), request.locale, request.body),
  );

  r.delete(
    '/safety/windows/:windowId',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: 'Remove lesson hours at the version read',
        params: WindowParams,
        querystring: DeleteQuery,
        response: { 200: Deleted },
      },
    },
    async (request) => {
      await service.deleteWindow(
        db,
        changeContext(request),
        requireActor(request),
        request.params.windowId,
        request.query.version,
      );
      return { deleted: true };
    },
  );

  r.post(
    '/safety/exams',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: 'Put schools in exam mode for some hours',
        body: ExamBody,
        response: { 200: ExamOut },
      },
    },
    async (request) =>
      service.createExam(db, changeContext(request), requireActor(request), request.locale, request.body),
  );

  r.patch(
    '/safety/exams/:examId',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: 'End an exam now or move its end, at the version read',
        params: ExamParams,
        body: ExamEndBody,
        response: { 200: ExamOut },
      },
    },
    async (request) =>
      service.endExam(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.examId,
        request.body,
      ),
  );

  r.delete(
    '/safety/exams/:examId',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: 'Remove an exam at the version read',
        params: ExamParams,
        querystring: DeleteQuery,
        response: { 200: Deleted },
      },
    },
    async (request) => {
      await service.deleteExam(
        db,
        changeContext(request),
        requireActor(request),
        request.params.examId,
        request.query.version,
      );
      return { deleted: true };
    },
  );
}
