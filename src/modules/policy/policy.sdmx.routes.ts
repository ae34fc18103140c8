import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '@/server/db/database';
import { publicCache } from '@/server/http-cache';
import { SdmxQuery, SdmxStructure } from '@/modules/policy/policy.sdmx.schema';
import * as service from '@/modules/policy/policy.sdmx.service';

/** Open data may be kept a few minutes; the answer depends on the language (names, comments) and on Accept (labels). */
const OPEN_CACHE = publicCache({ vary: ['accept', 'accept-language'] });

/** Policy: the indicators as SDMX-CSV open data for international reporting. */
export default async function sdmxRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['open data'];

  r.get(
    '/open/indicators/sdmx',
    {
      config: { access: 'public', httpCache: OPEN_CACHE },
      schema: {
        tags,
        summary:
          "Open data for international reporting: the indicators as SDMX-CSV 2.0, in UIS's dimensions (indicator, reference area, level of education, sex, time period)",
        querystring: SdmxQuery,
      },
    },
    async (request, reply) => {
      const { year, by } = request.query;
      const labels = request.query.labels ?? service.labelsFromAccept(request.headers.accept) ?? 'id';
      const locale = request.query.lang ?? request.locale;
      const data = await service.dataset(db, { year, by }, locale);
      const body = service.sdmxCsv(data, labels, locale);
      const name = `maktab-indicators-sdmx${year ? `-${year}` : ''}${by === 'region' ? '-regions' : ''}`;
      reply
        .header('content-type', `${service.SDMX_CSV_TYPE}; charset=utf-8`)
        .header('content-disposition', `attachment; filename="${name}.csv"`);
      // Names and comments are in the caller's language; SDMX-CSV asks that it be said.
      reply.header('content-language', locale);
      return reply.send(body);
    },
  );

  r.get(
    '/open/indicators/sdmx/structure',
    {
      config: { access: 'public', httpCache: { ...OPEN_CACHE, vary: ['accept-language'] } },
      schema: {
        tags,
        summary:
          "The SDMX data's structure: its id, each component, and the codes of each code list with their names in the caller's language",
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: SdmxStructure },
      },
    },
    async (request) => service.structure(await service.areasOf(db, request.locale), request.locale),
  );
}
