import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor, type Role, type ScopeTarget } from '@/server/access';
import type { Db } from '@/server/db/database';
import { areaScope, institutionScope } from '@/modules/institutions/institutions.service';
import { distanceReport } from '@/modules/monitoring/distance.service';
import { DistanceQuery, DistanceReport } from '@/modules/monitoring/distance.schema';

/** National staff see the country, a regional office its area, a director their school (by class). */
const WATCHERS: Role[] = ['admin', 'bureau', 'regional', 'director'];

/** Monitoring of distance learning. */
export default async function distanceRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const scope = async (request: FastifyRequest): Promise<ScopeTarget> => {
    const { areaId, institutionId } = request.query as { areaId?: number; institutionId?: number };
    if (institutionId) return institutionScope(db, institutionId);
    if (areaId) return areaScope(db, areaId);
    return { kind: 'nation' };
  };
  r.get(
    '/monitoring/distance',
    {
      config: { access: { roles: WATCHERS, scope } },
      schema: {
        tags: ['monitoring'],
        summary:
          'Distance learning in the last days: active students, lessons delivered against scheduled, hand-ins on time, contest participation — counts by sub-area, school or class',
        querystring: DistanceQuery,
        response: { 200: DistanceReport },
      },
    },
    async (request) => distanceReport(db, requireActor(request), request.locale, request.query),
  );
}
