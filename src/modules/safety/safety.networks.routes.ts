import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor, type Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { changeContext } from '@/modules/identity/identity.routes';
import { institutionScope } from '@/modules/institutions/institutions.service';
import * as service from '@/modules/safety/safety.networks.service';
import { Deleted, DeleteQuery } from '@/modules/safety/safety.catalogue.schema';
import {
  NetworkBody,
  NetworkChangeBody,
  NetworkList,
  NetworkOut,
  NetworkParams,
  NetworkQuery,
} from '@/modules/safety/safety.networks.schema';

/** A school's networks: its director, its district's officer and the ministry keep them. */
const KEEPERS: Role[] = ['admin', 'bureau', 'regional', 'director'];

/** Schools' address ranges (registered from safety.catalogue.routes.ts). */
export default async function safetyNetworksRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['safety'];

  r.get(
    '/safety/networks',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: "The networks of the schools in the caller's scope",
        querystring: NetworkQuery,
        response: { 200: NetworkList },
      },
    },
    async (request) => service.listNetworks(db, requireActor(request), request.query.institutionId),
  );

  r.post(
    '/safety/networks',
    {
      config: {
        access: {
          roles: KEEPERS,
          scope: (request) => institutionScope(db, (request.body as { institutionId: number }).institutionId),
        },
      },
      schema: {
        tags,
        summary: "Add a school's address range",
        body: NetworkBody,
        response: { 200: NetworkOut },
      },
    },
    async (request) =>
      service.createNetwork(db, changeContext(request), requireActor(request), request.locale, request.body),
  );

  r.put(
    '/safety/networks/:networkId',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: 'Save an address range at the version read',
        params: NetworkParams,
        body: NetworkChangeBody,
        response: { 200: NetworkOut },
      },
    },
    async (request) =>
      service.updateNetwork(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.networkId,
        request.body,
      ),
  );

  r.delete(
    '/safety/networks/:networkId',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: 'Remove an address range at the version read',
        params: NetworkParams,
        querystring: DeleteQuery,
        response: { 200: Deleted },
      },
    },
    async (request) => {
      await service.deleteNetwork(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.networkId,
        request.query.version,
      );
      return { deleted: true };
    },
  );
}
