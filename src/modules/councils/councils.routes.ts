import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor, type Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { changeContext } from '@/modules/identity/identity.routes';
import { institutionScope } from '@/modules/institutions/institutions.service';
import * as service from '@/modules/councils/councils.service';
import {
  Decision,
  DecisionBody,
  DecisionChangeBody,
  DecisionList,
  DecisionParams,
  DecisionQuery,
  InstitutionParams,
  Meeting,
  MeetingBody,
  MeetingChangeBody,
  MeetingList,
  MeetingParams,
  RangeQuery,
} from '@/modules/councils/councils.schema';

/** A school's staff read its councils; nobody outside the school, not even national staff. */
const STAFF: Role[] = ['director', 'teacher'];
/** The director keeps them. */
const KEEPER: Role[] = ['director'];

/** Pedagogical councils of a school. */
export default async function councilsRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['councils'];
  const school = (request: FastifyRequest) => institutionScope(db, (request.params as { id: number }).id);
  const schoolOfMeeting = async (request: FastifyRequest) =>
    institutionScope(
      db,
      await service.institutionOfMeeting(db, (request.params as { meetingId: number }).meetingId),
    );
  const schoolOfDecision = async (request: FastifyRequest) =>
    institutionScope(
      db,
      await service.institutionOfDecision(db, (request.params as { decisionId: number }).decisionId),
    );

  r.get(
    '/institutions/:id/councils',
    {
      config: { access: { roles: STAFF, scope: school } },
      schema: {
        tags,
        summary: "A school's pedagogical councils, newest first",
        params: InstitutionParams,
        querystring: RangeQuery,
        response: { 200: MeetingList },
      },
    },
    async (request) => service.listMeetings(db, request.params.id, request.query),
  );

  r.post(
    '/institutions/:id/councils',
    {
      config: { access: { roles: KEEPER, scope: school } },
      schema: {
        tags,
        summary: 'Schedule a council (date, title, agenda)',
        params: InstitutionParams,
        body: MeetingBody,
        response: { 200: Meeting },
      },
    },
    async (request) =>
      service.createMeeting(
        db,
        requireActor(request),
        changeContext(request),
        request.params.id,
        request.body,
      ),
  );

  r.get(
    '/institutions/:id/council-decisions',
    {
      config: { access: { roles: STAFF, scope: school } },
      schema: {
        tags,
        summary: "A school's council decisions, soonest due first; `mine` for the caller's own",
        params: InstitutionParams,
        querystring: DecisionQuery,
        response: { 200: DecisionList },
      },
    },
    async (request) => service.listDecisions(db, requireActor(request), request.params.id, request.query),
  );

  r.get(
    '/councils/:meetingId',
    {
      config: { access: { roles: STAFF, scope: schoolOfMeeting } },
      schema: {
        tags,
        summary: 'A council with its attendance, minutes and decisions',
        params: MeetingParams,
        response: { 200: Meeting },
      },
    },
    async (request) => service.getMeeting(db, requireActor(request), request.params.meetingId),
  );

  r.put(
    '/councils/:meetingId',
    {
      config: { access: { roles: KEEPER, scope: schoolOfMeeting } },
      schema: {
        tags,
        summary: "Save a council's details, minutes and attendance",
        params: MeetingParams,
        body: MeetingChangeBody,
        response: { 200: Meeting },
      },
    },
    async (request) =>
      service.updateMeeting(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.meetingId,
        request.body,
      ),
  );

  r.post(
    '/councils/:meetingId/decisions',
    {
      config: { access: { roles: KEEPER, scope: schoolOfMeeting } },
      schema: {
        tags,
        summary: 'Record a decision with its owner and due date',
        params: MeetingParams,
        body: DecisionBody,
        response: { 200: Meeting },
      },
    },
    async (request) =>
      service.addDecision(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.meetingId,
        request.body,
      ),
  );

  r.patch(
    '/council-decisions/:decisionId',
    {
      config: { access: { roles: STAFF, scope: schoolOfDecision } },
      schema: {
        tags,
        summary: 'Change a decision (the director), or report its status (its owner)',
        params: DecisionParams,
        body: DecisionChangeBody,
        response: { 200: Decision },
      },
    },
    async (request) =>
      service.updateDecision(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.decisionId,
        request.body,
      ),
  );
}
