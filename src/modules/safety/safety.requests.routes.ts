import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError } from '@/server/errors';
import { translate } from '@/server/i18n';
import { changeContext } from '@/modules/identity/identity.routes';
import { institutionScope } from '@/modules/institutions/institutions.service';
import { blockedInfo, normaliseDomain } from '@/modules/safety/safety.blockpage';
import * as service from '@/modules/safety/safety.requests.service';
import {
  BlockedOut,
  BlockedQuery,
  DecisionBody,
  MySchools,
  RequestBody,
  RequestList,
  RequestListQuery,
  RequestOut,
  RequestParams,
  WithdrawBody,
} from '@/modules/safety/safety.requests.schema';

/** The content filter's routes for the block page and unblock requests. */
export default async function safetyRequestsRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['safety'];
  /** The school of the request named in the path: the scope of deciding and withdrawing it. */
  const requestScope = async (request: FastifyRequest) => {
    const id = (request.params as { requestId: number }).requestId;
    const institutionId = await service.institutionOfRequest(db, id);
    return institutionId === null ? null : institutionScope(db, institutionId);
  };

  r.get(
    '/safety/blocked',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'What the block page tells about a domain: its spelling and the category it is blocked in',
        querystring: BlockedQuery,
        response: { 200: BlockedOut },
      },
    },
    async (request) => {
      const domain = normaliseDomain(request.query.domain);
      if (!domain) {
        throw new AppError(400, 'validation_failed', {}, [
          {
            field: 'domain',
            reason: 'domain',
            message: `domain: ${translate(request.locale, 'safetyRequests.rule.domain')}`,
          },
        ]);
      }
      return blockedInfo(db, domain, request.locale);
    },
  );

  r.get(
    '/safety/requests',
    {
      config: { access: { roles: service.READERS } },
      schema: {
        tags,
        summary:
          'Unblock requests the caller sees: their own, their school’s (director), their area’s (district), all (ministry); pending first',
        querystring: RequestListQuery,
        response: { 200: RequestList },
      },
    },
    async (request) => service.listRequests(db, requireActor(request), request.locale, request.query),
  );

  r.get(
    '/safety/requests/schools',
    {
      config: { access: { roles: service.ASKERS } },
      schema: {
        tags,
        summary: 'The schools the caller may ask an unblocking for',
        response: { 200: MySchools },
      },
    },
    async (request) => service.mySchools(db, requireActor(request), request.locale),
  );

  r.get(
    '/safety/requests/:requestId',
    {
      config: { access: { roles: service.READERS } },
      schema: { tags, summary: 'An unblock request', params: RequestParams, response: { 200: RequestOut } },
    },
    async (request) =>
      service.getRequest(db, requireActor(request), request.locale, request.params.requestId),
  );

  r.post(
    '/safety/requests',
    {
      config: {
        access: {
          roles: service.ASKERS,
          scope: (request) => institutionScope(db, (request.body as RequestBody).institutionId),
        },
      },
      schema: {
        tags,
        summary: 'Ask for a domain to be unblocked at a school for a period',
        body: RequestBody,
        response: { 200: RequestOut },
      },
    },
    async (request) =>
      service.createRequest(db, changeContext(request), requireActor(request), request.locale, request.body),
  );

  for (const [path, verdict] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    r.post(
      `/safety/requests/:requestId/${path}`,
      {
        config: { access: { roles: service.DECIDERS, scope: requestScope } },
        schema: {
          tags,
          summary:
            verdict === 'approved'
              ? 'Approve a pending request (optionally until an earlier end), at the version read'
              : 'Reject a pending request with a note, at the version read',
          params: RequestParams,
          body: DecisionBody,
          response: { 200: RequestOut },
        },
      },
      async (request) =>
        service.decide(
          db,
          changeContext(request),
          requireActor(request),
          request.locale,
          request.params.requestId,
          verdict,
          request.body,
        ),
    );
  }

  r.post(
    '/safety/requests/:requestId/withdraw',
    {
      config: { access: { roles: service.ASKERS, scope: requestScope } },
      schema: {
        tags,
        summary: 'Withdraw one’s own pending request, at the version read',
        params: RequestParams,
        body: WithdrawBody,
        response: { 200: RequestOut },
      },
    },
    async (request) =>
      service.withdraw(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.requestId,
        request.body.version,
      ),
  );
}
