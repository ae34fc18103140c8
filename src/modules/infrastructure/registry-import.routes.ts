import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor, type Role } from '@/server/access';
import { AppError } from '@/server/errors';
import type { Db } from '@/server/db/database';
import { StringEnum } from '@/server/schema';
import { changeContext } from '@/modules/identity/identity.routes';
import { areaScope } from '@/modules/institutions/institutions.service';
import { DATASETS } from '@/modules/infrastructure/registry-import.columns';
import {
  CSV_TYPE,
  IMPORT_MAX_BYTES,
  XLSX_TYPE,
  tooLarge,
} from '@/modules/infrastructure/registry-import.files';
import { importFile } from '@/modules/infrastructure/registry-import.service';
import { exportDataset, template, type OutFile } from '@/modules/infrastructure/registry-export.service';

/** Who uses the bulk files: national staff, regional officers and directors (each data set narrows it). */
const BULK: Role[] = ['admin', 'bureau', 'regional', 'director'];

const DatasetParams = Type.Object({
  dataset: StringEnum(DATASETS, { description: 'Data set: schools, devices or measurements' }),
});
const Format = StringEnum(['csv', 'xlsx'], { description: 'File format' });
const YearCode = Type.String({
  minLength: 1,
  maxLength: 20,
  pattern: '^[0-9A-Za-z-]+$',
  description: 'Academic year code, e.g. 2026-2027 (schools: the current year when not given)',
});

const Problem = Type.Object({
  line: Type.Integer({ description: 'Line of the file (CSV) or row of the sheet (XLSX); 1 is the header' }),
  column: Type.String(),
  reason: Type.String(),
  message: Type.String(),
});

const ImportReport = Type.Object({
  dataset: StringEnum(DATASETS),
  format: Format,
  dryRun: Type.Boolean(),
  year: Type.Union([Type.String(), Type.Null()]),
  /** False: the file has problems and nothing was (or would be) imported. */
  valid: Type.Boolean(),
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  problemCount: Type.Integer(),
  problems: Type.Array(Problem),
  /** True: the file was read in Giga's columns and vocabulary. */
  giga: Type.Boolean(),
  /** What was ignored (e.g. columns the data set does not have); warnings never stop an import. */
  warnings: Type.Array(Problem),
});

/** The registry's bulk files: templates, import (all or nothing) and export, CSV and XLSX. */
export default async function registryImportRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['registry'];
  const send = (reply: { header(k: string, v: string): unknown }, file: OutFile) => {
    reply.header('content-type', file.contentType);
    reply.header('content-disposition', `attachment; filename="${file.filename}"`);
    reply.header('cache-control', 'no-store');
    return file.body;
  };

  // The file travels as the raw body, its type told by its bytes: CSV as sent by browsers and curl, XLSX.
  app.addContentTypeParser(
    [CSV_TYPE, 'text/plain', 'application/vnd.ms-excel', XLSX_TYPE, 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );

  r.get(
    '/registry/templates/:dataset',
    {
      config: { access: { roles: BULK } },
      schema: {
        tags,
        summary:
          'An empty file of a data set to fill in; the XLSX has sheets of valid codes and of the columns',
        params: DatasetParams,
        querystring: Type.Object({ format: Type.Optional(Format) }, { additionalProperties: false }),
      },
    },
    async (request, reply) =>
      send(reply, await template(db, request.params.dataset, request.query.format ?? 'xlsx', request.locale)),
  );

  r.get(
    '/registry/export/:dataset',
    {
      config: {
        access: {
          roles: BULK,
          scope: async (request) => {
            const { areaId } = request.query as { areaId?: number };
            return areaId ? areaScope(db, areaId) : null;
          },
        },
      },
      schema: {
        tags,
        summary:
          'Export a data set (the rows you may see), as CSV (UTF-8 with BOM) or XLSX; it imports back unchanged',
        params: DatasetParams,
        querystring: Type.Object(
          {
            format: Type.Optional(Format),
            schema: Type.Optional(
              StringEnum(['maktab', 'giga_upload', 'giga_master'], {
                description:
                  "Columns: ours (the import's), Giga's school-data upload schema, or Giga's school master schema (schools only)",
              }),
            ),
            year: Type.Optional(YearCode),
            areaId: Type.Optional(
              Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'Only this area and below' }),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      send(
        reply,
        await exportDataset(
          db,
          requireActor(request),
          request.params.dataset,
          {
            format: request.query.format ?? 'csv',
            schema: request.query.schema ?? 'maktab',
            year: request.query.year,
            areaId: request.query.areaId,
          },
          request.locale,
        ),
      ),
  );

  r.post(
    '/registry/import/:dataset',
    {
      config: { access: { roles: BULK } },
      bodyLimit: IMPORT_MAX_BYTES,
      // A file over the limit is refused from its declared length, before a byte of it is read.
      preParsing: async (request) => {
        if (Number(request.headers['content-length'] ?? 0) > IMPORT_MAX_BYTES) throw tooLarge();
      },
      schema: {
        tags,
        summary:
          'Import a CSV or XLSX file of a data set (raw body, at most 10 MB): every row is checked, and either all rows are written or none',
        params: DatasetParams,
        querystring: Type.Object(
          {
            dryRun: Type.Boolean({ default: false, description: 'Only check the file and report' }),
            year: Type.Optional(YearCode),
          },
          { additionalProperties: false },
        ),
        response: { 200: ImportReport },
      },
    },
    async (request) => {
      const body = request.body ?? Buffer.alloc(0);
      if (!Buffer.isBuffer(body)) {
        throw new AppError(415, 'unsupported_media_type', { type: request.headers['content-type'] ?? '' });
      }
      return importFile(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.dataset,
        body,
        { dryRun: request.query.dryRun, year: request.query.year },
      );
    },
  );
}
