import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Role, ScopeTarget } from '@/server/access';
import type { Db } from '@/server/db/database';
import { changeContext } from '@/modules/identity/identity.routes';
import { areaScope, institutionScope } from '@/modules/institutions/institutions.service';
import * as service from '@/modules/safety/safety.reports.service';
import {
  LogSettings,
  LogSettingsBody,
  Report,
  ReportQuery,
  TopDomains,
  TopQuery,
} from '@/modules/safety/safety.reports.schema';

/**
 * Reports: the ministry sees everything, a district's officer their area, a school's director and teachers
 * their school (a school's staff may see what their own network blocked; nothing in it names a person).
 */
const REPORT_READERS: Role[] = ['admin', 'bureau', 'regional', 'director', 'teacher'];
const MINISTRY: Role[] = ['admin', 'bureau'];

/** The content filter's routes for reports of blocked queries and the log settings. */
export default async function safetyReportsRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['safety'];
  /** A report's scope: the school asked for, else the area, else the whole country. */
  const reportScope = async (request: FastifyRequest): Promise<ScopeTarget> => {
    const q = request.query as { institutionId?: number; areaId?: number };
    if (q.institutionId) return institutionScope(db, q.institutionId);
    if (q.areaId) return areaScope(db, q.areaId);
    return { kind: 'nation' };
  };

  r.get(
    '/safety/reports/blocked',
    {
      config: { access: { roles: REPORT_READERS, scope: reportScope } },
      schema: {
        tags,
        summary:
          'Blocked queries by category, region, district or school, per day, week or month (`format=csv` for a file)',
        querystring: ReportQuery,
        response: {
          200: {
            description: 'The report',
            content: {
              'application/json': { schema: Report },
              'text/csv': { schema: Type.String({ description: 'The same as CSV, UTF-8 with BOM' }) },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const report = await service.blockedReport(db, request.locale, request.query);
      if (request.query.format !== 'csv') return report;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="blocked-${report.by}-${report.from}-${report.to}.csv"`,
        )
        .send(service.reportCsv(report, request.locale));
    },
  );

  r.get(
    '/safety/reports/top-domains',
    {
      config: { access: { roles: REPORT_READERS, scope: reportScope } },
      schema: {
        tags,
        summary: 'The most blocked domains of a school in a period',
        querystring: TopQuery,
        response: { 200: TopDomains },
      },
    },
    async (request) => service.topDomains(db, request.locale, request.query),
  );

  r.get(
    '/safety/settings/logs',
    {
      config: { access: { roles: MINISTRY } },
      schema: {
        tags,
        summary: 'How many days the resolvers keep their raw logs (they hold no client address)',
        response: { 200: LogSettings },
      },
    },
    async () => service.logSettings(db),
  );

  r.put(
    '/safety/settings/logs',
    {
      config: { access: { roles: MINISTRY } },
      schema: {
        tags,
        summary: 'Set the raw logs’ retention (1, 7, 30 or 90 days), at the version read',
        body: LogSettingsBody,
        response: { 200: LogSettings },
      },
    },
    async (request) => service.saveLogSettings(db, changeContext(request), request.body),
  );
}
