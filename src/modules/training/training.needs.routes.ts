import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { requireActor, type Role } from '@/server/access';
import { AppError } from '@/server/errors';
import type { Db } from '@/server/db/database';
import type { LocalStorage } from '@/server/storage';
import { changeContext } from '@/modules/identity/identity.routes';
import { areaScope, institutionScope } from '@/modules/institutions/institutions.service';
import {
  CSV_TYPE,
  IMPORT_MAX_BYTES,
  XLSX_TYPE,
  tooLarge,
} from '@/modules/infrastructure/registry-import.files';
import { sendCsv, wantsCsv } from '@/modules/monitoring/monitoring.csv';
import * as service from '@/modules/training/training.needs.service';
import {
  HistoryImportQuery,
  HistoryImports,
  HistoryReport,
  ImportParams,
  IndicatorsQuery,
  NeedsExportQuery,
  NeedsQuery,
  NeedsReport,
  Proposal,
  ProposalQuery,
  SchoolIctTrained,
  SchoolParams,
  Targets,
  TargetsBody,
  TargetsQuery,
  TemplateQuery,
  TrainingIndicators,
} from '@/modules/training/training.needs.schema';

/** The ministry's bureau (and the administrator) set targets, plan and carry in history. */
const NATIONAL: Role[] = ['admin', 'bureau'];
/** Needs and indicators are read nationally, and by a regional office for its areas. */
const READERS: Role[] = ['admin', 'bureau', 'regional'];

/** A JSON answer that can also be had as CSV (`?format=csv` or `Accept: text/csv`). */
const jsonOrCsv = <T extends TSchema>(schema: T) => ({
  description: 'The indicators',
  content: {
    'application/json': { schema },
    'text/csv': { schema: Type.String({ description: 'The same answer as CSV, long form, UTF-8 with BOM' }) },
  },
});

/** Scope of a question naming an area in its query: that area; none named, the service narrows. */
const byArea = (db: Db) => async (request: { query: unknown }) => {
  const { areaId } = request.query as { areaId?: number };
  return areaId ? areaScope(db, areaId) : null;
};

/** Yearly needs, targets, the history import and the training indicators (docs/training.md). */
export default async function needsRoutes(
  app: FastifyInstance,
  opts: { db: Db; storage: LocalStorage; publicUrl: string; runJobs: boolean; verifyPerMinute: number },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['training'];
  const send = (reply: { header(k: string, v: string): unknown }, file: service.OutFile) => {
    reply.header('content-type', file.contentType);
    reply.header('content-disposition', `attachment; filename="${file.filename}"`);
    reply.header('cache-control', 'no-store');
    return file.body;
  };

  // The history file travels as the raw body, its kind told by its bytes (as the registry's import).
  app.addContentTypeParser(
    [CSV_TYPE, 'text/plain', 'application/vnd.ms-excel', XLSX_TYPE, 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );

  r.get(
    '/training/targets',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags,
        summary: "The year's target level per area of the self-assessment framework",
        querystring: TargetsQuery,
        response: { 200: Targets },
      },
    },
    async (request) => service.getTargets(db, request.locale, request.query),
  );

  r.put(
    '/training/targets',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: "Save the year's targets, each at the version read",
        body: TargetsBody,
        response: { 200: Targets },
      },
    },
    async (request) => service.saveTargets(db, changeContext(request), request.locale, request.body),
  );

  r.get(
    '/training/needs',
    {
      config: { access: { roles: READERS, scope: byArea(db) } },
      schema: {
        tags,
        summary:
          'Teachers below the target in each area, by area, district, school, subject or level taught (counts only)',
        querystring: NeedsQuery,
        response: { 200: NeedsReport },
      },
    },
    async (request) => service.needsReport(db, requireActor(request), request.locale, request.query),
  );

  r.get(
    '/training/needs/export',
    {
      config: { access: { roles: READERS, scope: byArea(db) } },
      schema: {
        tags,
        summary: 'The needs report as CSV or XLSX, headers in the caller’s language',
        querystring: NeedsExportQuery,
      },
    },
    async (request, reply) =>
      send(reply, await service.exportNeeds(db, requireActor(request), request.locale, request.query)),
  );

  r.get(
    '/training/needs/proposal',
    {
      config: { access: { roles: READERS, scope: byArea(db) } },
      schema: {
        tags,
        summary:
          'A programme proposal: seats per district in proportion to the teachers below a level, within seats and budget',
        querystring: ProposalQuery,
        response: { 200: Proposal },
      },
    },
    async (request) => service.propose(db, requireActor(request), request.locale, request.query),
  );

  r.get(
    '/training/history/template',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'An example file of past training records, headers in the caller’s language',
        querystring: TemplateQuery,
      },
    },
    async (request, reply) =>
      send(reply, await service.historyTemplate(request.locale, request.query.format ?? 'xlsx')),
  );

  r.post(
    '/training/history/import',
    {
      config: { access: { roles: NATIONAL } },
      bodyLimit: IMPORT_MAX_BYTES,
      preParsing: async (request) => {
        if (Number(request.headers['content-length'] ?? 0) > IMPORT_MAX_BYTES) throw tooLarge();
      },
      schema: {
        tags,
        summary:
          'Import past training records from CSV or XLSX (raw body, at most 10 MB): all rows or none, a report line by line',
        querystring: HistoryImportQuery,
        response: { 200: HistoryReport },
      },
    },
    async (request) => {
      const body = request.body ?? Buffer.alloc(0);
      if (!Buffer.isBuffer(body)) {
        throw new AppError(415, 'unsupported_media_type', { type: request.headers['content-type'] ?? '' });
      }
      return service.importHistory(db, requireActor(request), changeContext(request), request.locale, body, {
        dryRun: request.query.dryRun,
        name: request.query.name,
      });
    },
  );

  r.get(
    '/training/history/imports',
    {
      config: { access: { roles: NATIONAL } },
      schema: { tags, summary: 'Imported files of past training records', response: { 200: HistoryImports } },
    },
    async () => service.listImports(db),
  );

  r.delete(
    '/training/history/imports/:importId',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Delete an imported file with all its records',
        params: ImportParams,
        response: { 200: Type.Object({ deleted: Type.Integer({ description: 'Records deleted' }) }) },
      },
    },
    async (request) => service.deleteImport(db, changeContext(request), request.params.importId),
  );

  r.get(
    '/training/indicators',
    {
      config: { access: { roles: READERS, scope: byArea(db) } },
      schema: {
        tags,
        summary:
          'UIS ED38 (teachers trained in ICT) and SDG 4.c.7 (in-service training in the last 12 months) by area, sex, ISCED level and year',
        querystring: IndicatorsQuery,
        response: { 200: jsonOrCsv(TrainingIndicators) },
      },
    },
    async (request, reply) => {
      const result = await service.trainingIndicators(
        db,
        requireActor(request),
        request.locale,
        request.query,
      );
      if (!wantsCsv(request, request.query.format)) return result;
      return sendCsv(
        reply,
        `training-indicators-${result.year.code}`,
        Buffer.from(service.indicatorsCsv(result)),
      );
    },
  );

  r.get(
    '/training/open/indicators',
    {
      config: { access: 'public' },
      schema: {
        tags: ['open data'],
        summary:
          'Open data: the training indicators of the country and its regions or districts (aggregates only)',
        querystring: IndicatorsQuery,
        response: { 200: jsonOrCsv(TrainingIndicators) },
      },
    },
    async (request, reply) => {
      const { areaId: _, ...q } = request.query;
      const result = await service.trainingIndicators(db, null, request.locale, q);
      reply.header('cache-control', 'public, max-age=300');
      if (!wantsCsv(request, request.query.format)) return result;
      return sendCsv(
        reply,
        `training-indicators-${result.year.code}`,
        Buffer.from(service.indicatorsCsv(result)),
      );
    },
  );

  r.get(
    '/training/schools/:institutionId/ict-trained',
    {
      config: {
        access: {
          roles: ['admin', 'bureau', 'regional', 'director'],
          scope: (request) =>
            institutionScope(db, (request.params as { institutionId: number }).institutionId),
        },
      },
      schema: {
        tags,
        summary: "How many of the school's people have ICT training records (the registry form's hint)",
        params: SchoolParams,
        response: { 200: SchoolIctTrained },
      },
    },
    async (request) => service.schoolIctTrained(db, request.params.institutionId),
  );
}
