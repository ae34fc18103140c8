import { Type } from 'typebox';
import { Nullable } from '@/server/schema';

/** Request and response schemas of in-app notifications. */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });

/** Paging of the list. */
export const NotificationQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'How many (20 by default)' })),
    before: Type.Optional(Id('Only notifications older than this one (paging)')),
  },
  { additionalProperties: false },
);

/** The caller's notifications, newest first. */
export const NotificationList = Type.Object({
  unread: Type.Integer({ description: 'How many of the caller’s notifications are unread' }),
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: Type.String({
        description:
          'assignment_new, assignment_marked, assignment_returned, assignment_changed, contest_starting, journal_absence, journal_mark, journal_day (a child’s day in the journal, each evening), training_certificate_expiring, safety_request_approved, safety_request_rejected, portal_reply, portal_post_approved, portal_post_rejected (these three carry `threadId`)',
      }),
      params: Type.Record(Type.String(), Type.Unknown(), { description: 'What the text is made of' }),
      text: Type.String({ description: 'The notification in the caller’s language' }),
      createdAt: Type.String({ format: 'date-time' }),
      read: Type.Boolean(),
    }),
  ),
  nextBefore: Nullable(Type.Integer({ description: 'Give as `before` for the next page; null at the end' })),
});

/** Which notifications to mark read. */
export const ReadBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(Id('A notification of the caller'), { maxItems: 200 })),
    all: Type.Optional(Type.Boolean({ description: 'Mark every notification of the caller read' })),
  },
  { additionalProperties: false },
);

export const ReadResult = Type.Object({ unread: Type.Integer() });
