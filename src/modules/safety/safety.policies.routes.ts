import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor, type Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { changeContext } from '@/modules/identity/identity.routes';
import * as service from '@/modules/safety/safety.policies.service';
import {
  PolicyBody,
  PolicyChangeBody,
  PolicyList,
  PolicyOut,
  PolicyParams,
} from '@/modules/safety/safety.policies.schema';

/** The ministry keeps the national policies; a region's or district's officer its area's tightenings. */
const KEEPERS: Role[] = ['admin', 'bureau', 'regional'];

/** The content filter's policies (registered from safety.catalogue.routes.ts). */
export default async function safetyPoliciesRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['safety'];

  r.get(
    '/safety/policies',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: "The national policies, and the areas' tightenings the caller may see",
        response: { 200: PolicyList },
      },
    },
    async (request) => service.listPolicies(db, requireActor(request)),
  );

  r.post(
    '/safety/policies',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: "Create a national policy, or an area's tightening of a national policy",
        body: PolicyBody,
        response: { 200: PolicyOut },
      },
    },
    async (request) =>
      service.createPolicy(db, changeContext(request), requireActor(request), request.locale, request.body),
  );

  r.put(
    '/safety/policies/:policyId',
    {
      config: { access: { roles: KEEPERS } },
      schema: {
        tags,
        summary: 'Save a policy at the version read (a tightening may only block more)',
        params: PolicyParams,
        body: PolicyChangeBody,
        response: { 200: PolicyOut },
      },
    },
    async (request) =>
      service.updatePolicy(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.policyId,
        request.body,
      ),
  );
}
