import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { nodes } from '@/modules/safety/safety.tables';

/**
 * A batch of counts a resolver node sent, by the node's own id for it (its log file, the offsets read, the
 * part): a batch is taken once, so a node that sends again after a lost answer adds nothing twice. Also keeps
 * what the batch added, and its queries from clients in no known network (a number only).
 */
export const logBatches = pgTable(
  'safety_log_batch',
  {
    nodeId: integer('node_id')
      .notNull()
      .references(() => nodes.id, { onDelete: 'cascade' }),
    batchId: text('batch_id').notNull(),
    queries: bigint('queries', { mode: 'number' }).notNull().default(0),
    blocked: bigint('blocked', { mode: 'number' }).notNull().default(0),
    unattributed: bigint('unattributed', { mode: 'number' }).notNull().default(0),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.nodeId, t.batchId] }),
    index('safety_log_batch_received').on(t.receivedAt),
  ],
);
