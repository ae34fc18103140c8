import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { changeContext } from '@/modules/identity/identity.routes';
import * as service from '@/modules/policy/policy.registry.service';
import {
  DeleteQuery,
  DocumentBody,
  DocumentChangeBody,
  DocumentList,
  DocumentListQuery,
  DocumentParams,
  FigureList,
  FigureQuery,
  PartnershipBody,
  PartnershipChangeBody,
  PartnershipList,
  PartnershipOut,
  PartnershipParams,
  PeerAnswers,
  PolicyDocument,
  Target,
  TargetBody,
  TargetChangeBody,
  TargetParams,
  Timeline,
} from '@/modules/policy/policy.registry.schema';

/** The ministry's bureau and the administrator keep the registry; anyone reads it. */
const EDITORS: Role[] = ['admin', 'bureau'];
const Deleted = Type.Object({ deleted: Type.Boolean() });

/** Policy: the registry of policies, programme targets and their progress, partnerships, the timeline, the PEER comparison questions. */
export default async function registryRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['policy'];

  r.get(
    '/policy/documents',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The registry of policies: laws, strategies, state programmes, concepts, regulations',
        querystring: DocumentListQuery,
        response: { 200: DocumentList },
      },
    },
    async (request) => service.listDocuments(db, request.locale, request.query),
  );

  r.post(
    '/policy/documents',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags,
        summary: 'Add a policy document',
        body: DocumentBody,
        response: { 200: PolicyDocument },
      },
    },
    async (request) => service.createDocument(db, changeContext(request), request.locale, request.body),
  );

  r.get(
    '/policy/documents/:documentId',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "A policy document with its targets' progress now and its partnerships",
        params: DocumentParams,
        response: { 200: PolicyDocument },
      },
    },
    async (request) => service.getDocument(db, request.locale, request.params.documentId),
  );

  r.put(
    '/policy/documents/:documentId',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags,
        summary: 'Save a policy document at the version read',
        params: DocumentParams,
        body: DocumentChangeBody,
        response: { 200: PolicyDocument },
      },
    },
    async (request) =>
      service.updateDocument(
        db,
        changeContext(request),
        request.locale,
        request.params.documentId,
        request.body,
      ),
  );

  r.delete(
    '/policy/documents/:documentId',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags,
        summary: 'Remove a policy document and its targets, at the version read',
        params: DocumentParams,
        querystring: DeleteQuery,
        response: { 200: Deleted },
      },
    },
    async (request) => {
      await service.deleteDocument(
        db,
        changeContext(request),
        request.locale,
        request.params.documentId,
        request.query.version,
      );
      return { deleted: true };
    },
  );

  r.post(
    '/policy/documents/:documentId/targets',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags,
        summary: 'Add a target to a programme, measured by a live figure',
        params: DocumentParams,
        body: TargetBody,
        response: { 200: Target },
      },
    },
    async (request) =>
      service.createTarget(
        db,
        changeContext(request),
        request.locale,
        request.params.documentId,
        request.body,
      ),
  );

  r.put(
    '/policy/targets/:targetId',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags,
        summary: 'Save a target at the version read',
        params: TargetParams,
        body: TargetChangeBody,
        response: { 200: Target },
      },
    },
    async (request) =>
      service.updateTarget(db, changeContext(request), request.locale, request.params.targetId, request.body),
  );

  r.delete(
    '/policy/targets/:targetId',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags,
        summary: 'Remove a target, at the version read',
        params: TargetParams,
        querystring: DeleteQuery,
        response: { 200: Deleted },
      },
    },
    async (request) => {
      await service.deleteTarget(
        db,
        changeContext(request),
        request.locale,
        request.params.targetId,
        request.query.version,
      );
      return { deleted: true };
    },
  );

  r.get(
    '/policy/partnerships',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Partnerships: what companies and organisations gave, and when',
        response: { 200: PartnershipList },
      },
    },
    async () => service.listPartnerships(db),
  );

  r.post(
    '/policy/partnerships',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags,
        summary: 'Add a partnership',
        body: PartnershipBody,
        response: { 200: PartnershipOut },
      },
    },
    async (request) => service.createPartnership(db, changeContext(request), request.locale, request.body),
  );

  r.put(
    '/policy/partnerships/:partnershipId',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags,
        summary: 'Save a partnership at the version read',
        params: PartnershipParams,
        body: PartnershipChangeBody,
        response: { 200: PartnershipOut },
      },
    },
    async (request) =>
      service.updatePartnership(
        db,
        changeContext(request),
        request.locale,
        request.params.partnershipId,
        request.body,
      ),
  );

  r.delete(
    '/policy/partnerships/:partnershipId',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags,
        summary: 'Remove a partnership, at the version read',
        params: PartnershipParams,
        querystring: DeleteQuery,
        response: { 200: Deleted },
      },
    },
    async (request) => {
      await service.deletePartnership(
        db,
        changeContext(request),
        request.params.partnershipId,
        request.query.version,
      );
      return { deleted: true };
    },
  );

  r.get(
    '/policy/timeline',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The timeline of documents and partnerships, by year, newest year first',
        response: { 200: Timeline },
      },
    },
    async () => service.timeline(db),
  );

  r.get(
    '/policy/peer',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "PEER's comparison questions answered from the registry",
        response: { 200: PeerAnswers },
      },
    },
    async (request) => service.peerAnswers(db, request.locale),
  );

  r.get(
    '/policy/figures',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The live figures catalogue: value, unit, source, date and the query that produced each',
        querystring: FigureQuery,
        response: { 200: FigureList },
      },
    },
    async (request) => service.figures(db, request.locale, request.query.key),
  );
}
