import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
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
  (t) => [
    index('notifications_notification_user_idx').on(t.userId, t.id),
    // One day's journal summary per parent and child: a rerun of the evening job adds none (it updates it).
    uniqueIndex('notifications_journal_day_idx')
      .on(t.userId, sql`(${t.params} ->> 'studentId')`, sql`(${t.params} ->> 'dayOn')`)
      .where(sql`${t.kind} = 'journal_day'`),
    // The evening job reads the day's journal notices of every parent by time.
    index('notifications_journal_notice_time_idx')
      .on(t.createdAt)
      .where(sql`${t.kind} in ('journal_absence', 'journal_mark')`),
  ],
);
