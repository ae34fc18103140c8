import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor, type Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { changeContext } from '@/modules/identity/identity.routes';
import * as service from '@/modules/webinars/webinars.service';
import {
  AttendanceBody,
  ListQuery,
  RegistrationList,
  Totals,
  TotalsQuery,
  Webinar,
  WebinarBody,
  WebinarChangeBody,
  WebinarList,
  WebinarParams,
} from '@/modules/webinars/webinars.schema';

/** National staff organise national and regional webinars, a regional office those of its area. */
const ORGANISERS: Role[] = ['admin', 'bureau', 'regional'];
/** A school's staff take part. */
const PARTICIPANTS: Role[] = ['director', 'teacher'];

/**
 * Webinars for teachers. The routes have no single scope target: the service narrows each caller to the
 * national webinars and those of their own areas, and lets only a webinar's organisers change it.
 */
export default async function webinarsRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['webinars'];

  r.get(
    '/webinars',
    {
      config: { access: { roles: [...ORGANISERS, ...PARTICIPANTS] } },
      schema: {
        tags,
        summary: 'Webinars the caller can see (national, and those of their areas), soonest first',
        querystring: ListQuery,
        response: { 200: WebinarList },
      },
    },
    async (request) => service.listWebinars(db, requireActor(request), request.locale, request.query),
  );

  r.get(
    '/webinars/totals',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: "A year's webinar totals for the nation or an area",
        querystring: TotalsQuery,
        response: { 200: Totals },
      },
    },
    async (request) => service.yearTotals(db, requireActor(request), request.locale, request.query),
  );

  r.post(
    '/webinars',
    {
      config: { access: { roles: ORGANISERS } },
      schema: { tags, summary: 'Schedule a webinar', body: WebinarBody, response: { 200: Webinar } },
    },
    async (request) =>
      service.createWebinar(db, requireActor(request), changeContext(request), request.locale, request.body),
  );

  r.get(
    '/webinars/:webinarId',
    {
      config: { access: { roles: [...ORGANISERS, ...PARTICIPANTS] } },
      schema: { tags, summary: 'A webinar', params: WebinarParams, response: { 200: Webinar } },
    },
    async (request) =>
      service.getWebinar(db, requireActor(request), request.locale, request.params.webinarId),
  );

  r.put(
    '/webinars/:webinarId',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: 'Change or cancel a webinar (its organisers)',
        params: WebinarParams,
        body: WebinarChangeBody,
        response: { 200: Webinar },
      },
    },
    async (request) =>
      service.updateWebinar(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.webinarId,
        request.body,
      ),
  );

  r.put(
    '/webinars/:webinarId/registration',
    {
      config: { access: { roles: PARTICIPANTS } },
      schema: { tags, summary: 'Register for a webinar', params: WebinarParams, response: { 200: Webinar } },
    },
    async (request) =>
      service.register(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.webinarId,
      ),
  );

  r.delete(
    '/webinars/:webinarId/registration',
    {
      config: { access: { roles: PARTICIPANTS } },
      schema: { tags, summary: 'Withdraw a registration', params: WebinarParams, response: { 200: Webinar } },
    },
    async (request) =>
      service.unregister(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.webinarId,
      ),
  );

  r.get(
    '/webinars/:webinarId/registrations',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: 'Who registered, and who attended (its organisers)',
        params: WebinarParams,
        response: { 200: RegistrationList },
      },
    },
    async (request) =>
      service.listRegistrations(db, requireActor(request), request.locale, request.params.webinarId),
  );

  r.put(
    '/webinars/:webinarId/attendance',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: 'Record who attended (the listed registrants; the others did not)',
        params: WebinarParams,
        body: AttendanceBody,
        response: { 200: RegistrationList },
      },
    },
    async (request) =>
      service.recordAttendance(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.webinarId,
        request.body,
      ),
  );
}
