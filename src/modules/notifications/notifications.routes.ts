import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor } from '@/server/access';
import type { Db } from '@/server/db/database';
import * as service from '@/modules/notifications/notifications.service';
import {
  NotificationList,
  NotificationQuery,
  ReadBody,
  ReadResult,
} from '@/modules/notifications/notifications.schema';

/** In-app notifications: each signed-in person reads and marks only their own. */
export default async function notificationsRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['notifications'];

  r.get(
    '/notifications',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'The caller’s notifications, newest first, in their language, with the unread count',
        querystring: NotificationQuery,
        response: { 200: NotificationList },
      },
    },
    async (request) => service.listMine(db, requireActor(request).userId, request.query, request.locale),
  );

  r.post(
    '/notifications/read',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Mark the caller’s notifications read: the given ones, or all',
        body: ReadBody,
        response: { 200: ReadResult },
      },
    },
    async (request) => service.markRead(db, requireActor(request).userId, request.body),
  );
}
