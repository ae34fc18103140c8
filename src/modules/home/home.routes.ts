import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor } from '@/server/access';
import type { Db } from '@/server/db/database';
import {
  AdminSummary,
  BureauSummary,
  ParentSummary,
  StudentSummary,
  TeacherSummary,
} from '@/modules/home/home.schema';
import {
  adminSummary,
  bureauSummary,
  parentSummary,
  studentSummary,
  teacherSummary,
} from '@/modules/home/home.service';
// The audit log's names for what each module changed.
import '@/modules/home/audit-labels';

/**
 * Summaries for the web app's role homes, one route per role so that each declares exactly who may call it.
 * Regional officers and directors need none: they read the public directory and their school's record.
 */
export default async function homeRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['home'];

  r.get(
    '/home/admin',
    {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags,
        summary: "The national administrator's counts",
        response: { 200: AdminSummary },
      },
    },
    async () => adminSummary(db),
  );

  r.get(
    '/home/bureau',
    {
      config: { access: { roles: ['bureau', 'admin'] } },
      schema: {
        tags,
        summary: 'Institutions per economic region (aggregates only)',
        response: { 200: BureauSummary },
      },
    },
    async () => bureauSummary(db),
  );

  r.get(
    '/home/teacher',
    {
      config: { access: { roles: ['teacher'] } },
      schema: {
        tags,
        summary: 'The schools the caller teaches in and the classes they lead this year',
        response: { 200: TeacherSummary },
      },
    },
    async (request) => teacherSummary(db, requireActor(request)),
  );

  r.get(
    '/home/student',
    {
      config: { access: { roles: ['student'] } },
      schema: { tags, summary: "The caller's class this year", response: { 200: StudentSummary } },
    },
    async (request) => studentSummary(db, requireActor(request)),
  );

  r.get(
    '/home/parent',
    {
      config: { access: { roles: ['parent'] } },
      schema: {
        tags,
        summary: "The caller's children and their classes this year",
        response: { 200: ParentSummary },
      },
    },
    async (request) => parentSummary(db, requireActor(request)),
  );
}
