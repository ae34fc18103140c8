import { index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from '@/modules/identity/identity.tables';

/**
 * An in-app notification. It stores its kind and parameters, never text: it is rendered in the reader's
 * language when read.
 */
export const notifications = pgTable(
  'notifications_notification',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    params: jsonb('params').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [index('notifications_notification_user_idx').on(t.userId, t.id)],
);
