import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { requireActor, type Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { publicCache } from '@/server/http-cache';
import { areaScope, institutionScope } from '@/modules/institutions/institutions.service';
import * as service from '@/modules/monitoring/monitoring.service';
import {
  IndicatorQuery,
  IndicatorTable,
  MapQuery,
  OpenGigaQuery,
  OpenIndicatorQuery,
  OpenSchoolList,
  OpenSchoolQuery,
  SchoolDetail,
  SchoolDetailQuery,
  SchoolList,
  SchoolMap,
  SchoolParams,
  SchoolQuery,
  TrendQuery,
  Trends,
} from '@/modules/monitoring/monitoring.schema';
import {
  indicatorsCsv,
  openSchoolsCsv,
  schoolsCsv,
  sendCsv,
  trendsCsv,
  wantsCsv,
} from '@/modules/monitoring/monitoring.csv';

/** Who reads the monitoring: national staff for the country, regional officers for their areas. */
const MONITORS: Role[] = ['admin', 'bureau', 'regional'];

/** Open data may be kept by a browser or a cache for a few minutes (JSON or CSV as Accept asks); the dashboards read live figures. */
const OPEN_CACHE = publicCache({ vary: ['accept'] });

/** A JSON answer that can also be had as CSV (`?format=csv` or `Accept: text/csv`), for the OpenAPI description. */
const jsonOrCsv = <T extends TSchema>(schema: T, description: string) => ({
  description,
  content: {
    'application/json': { schema },
    'text/csv': { schema: Type.String({ description: 'The same answer as CSV, UTF-8 with BOM' }) },
  },
});

/** A CSV file, for the OpenAPI description. */
const csvFile = (description: string) => ({
  description,
  content: { 'text/csv': { schema: Type.String({ description: 'CSV, UTF-8 with BOM' }) } },
});

/** Indicators, trends and the monitored schools for dashboards; the open-data list of schools and indicators. */
export default async function monitoringRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['monitoring'];
  // An area asked for must lie within the caller's: national staff cover all, a regional officer their subtree.
  const areaOfQuery = async (request: FastifyRequest) => {
    const { areaId } = request.query as { areaId?: number };
    return areaId ? areaScope(db, areaId) : null;
  };

  r.get(
    '/monitoring/indicators',
    {
      config: { access: { roles: MONITORS, scope: areaOfQuery } },
      schema: {
        tags,
        summary:
          'Every indicator for a year (SDG 4.a.1, learners per computer, connectivity, devices, teachers, projects, data quality), with numerators and denominators, broken down by a dimension',
        querystring: IndicatorQuery,
        response: { 200: jsonOrCsv(IndicatorTable, 'The indicators of the selection and of each group') },
      },
    },
    async (request, reply) => {
      const { format, ...q } = request.query;
      const table = await service.indicatorTable(db, requireActor(request), q, request.locale);
      if (!wantsCsv(request, format)) return table;
      return sendCsv(
        reply,
        `indicators-${table.year.code}-${table.by}`,
        indicatorsCsv(table, request.locale),
      );
    },
  );

  r.get(
    '/monitoring/trends',
    {
      config: { access: { roles: MONITORS, scope: areaOfQuery } },
      schema: {
        tags,
        summary: 'Every indicator in every academic year up to the current one, in total or by region',
        querystring: TrendQuery,
        response: { 200: jsonOrCsv(Trends, 'The indicators of each year, oldest first') },
      },
    },
    async (request, reply) => {
      const { format, ...q } = request.query;
      const result = await service.trends(db, requireActor(request), q, request.locale);
      if (!wantsCsv(request, format)) return result;
      return sendCsv(reply, `trends-${result.by}`, trendsCsv(result, request.locale));
    },
  );

  r.get(
    '/monitoring/schools',
    {
      config: { access: { roles: MONITORS, scope: areaOfQuery } },
      schema: {
        tags,
        summary:
          'Schools with their connectivity status, coordinates and the completeness of their record, for the map and the drill-down table',
        querystring: SchoolQuery,
        response: { 200: jsonOrCsv(SchoolList, 'A page of schools, ordered by code') },
      },
    },
    async (request, reply) => {
      const { format, limit, ...q } = request.query;
      const csv = wantsCsv(request, format);
      const list = await service.schools(
        db,
        requireActor(request),
        { ...q, limit: limit ?? (csv ? null : 100) },
        request.locale,
      );
      if (!csv) return list;
      return sendCsv(reply, `schools-${list.year.code}`, schoolsCsv(list, request.locale));
    },
  );

  r.get(
    '/monitoring/schools/:id',
    {
      config: {
        access: {
          roles: MONITORS,
          scope: (request) => institutionScope(db, (request.params as { id: number }).id),
        },
      },
      schema: {
        tags,
        summary: 'One school as the school list shows it, e.g. for a dot clicked on the map',
        params: SchoolParams,
        querystring: SchoolDetailQuery,
        response: { 200: SchoolDetail },
      },
    },
    async (request) => service.school(db, requireActor(request), request.params.id, request.query),
  );

  r.get(
    '/monitoring/map',
    {
      config: { access: { roles: MONITORS, scope: areaOfQuery } },
      schema: {
        tags,
        summary:
          'The schools of a selection as the map draws them: ids, coordinates and status numbers in parallel arrays, a few bytes a school',
        querystring: MapQuery,
        response: { 200: SchoolMap },
      },
    },
    async (request) => service.schoolMap(db, requireActor(request), request.query),
  );

  r.get(
    '/open/schools',
    {
      config: { access: 'public', httpCache: OPEN_CACHE },
      schema: {
        tags: ['open data'],
        summary:
          'Open data: schools with their place, kind, connectivity status, electricity and computers; nothing about any person',
        querystring: OpenSchoolQuery,
        response: { 200: jsonOrCsv(OpenSchoolList, 'A page of schools, ordered by code') },
      },
    },
    async (request, reply) => {
      const { format, ...q } = request.query;
      const list = await service.openSchools(db, q);
      if (!wantsCsv(request, format)) return list;
      return sendCsv(reply, `schools-${list.year}`, openSchoolsCsv(list));
    },
  );

  r.get(
    '/open/schools/giga',
    {
      config: { access: 'public', httpCache: OPEN_CACHE },
      schema: {
        tags: ['open data'],
        summary:
          "Open data in Giga's names: the schools as CSV in the columns and words of Giga's school master schema",
        querystring: OpenGigaQuery,
        response: { 200: csvFile('The schools, one row each, ordered by code') },
      },
    },
    async (request, reply) => {
      const file = await service.openGigaSchools(db, request.query, request.locale);
      return sendCsv(reply, file.filename.replace(/\.csv$/, ''), file.body);
    },
  );

  r.get(
    '/open/indicators',
    {
      config: { access: 'public', httpCache: { ...OPEN_CACHE, vary: ['accept', 'accept-language'] } },
      schema: {
        tags: ['open data'],
        summary:
          'Open data: the indicators of the country, and of each economic region when asked; aggregates only',
        querystring: OpenIndicatorQuery,
        response: { 200: jsonOrCsv(IndicatorTable, 'The indicators of the country and of each group') },
      },
    },
    async (request, reply) => {
      const { format, ...q } = request.query;
      const table = await service.openIndicators(db, q, request.locale);
      if (!wantsCsv(request, format)) return table;
      return sendCsv(
        reply,
        `indicators-${table.year.code}-${table.by}`,
        indicatorsCsv(table, request.locale),
      );
    },
  );
}
