import { and, asc, eq, gt, lt, sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import { events, registrations } from '@/modules/portal/portal.tables';

/** The SQL of the portal's events and registrations. */

export type EventRow = typeof events.$inferSelect;
export type EventValues = Omit<
  typeof events.$inferInsert,
  'id' | 'version' | 'registered' | 'createdAt' | 'updatedAt'
>;

/** Published events matching `where` with an occurrence in [from, to), first by start. */
export async function listBetween(db: Db, where: SQL | undefined, from: Date, to: Date, limit: number) {
  return db
    .select()
    .from(events)
    .where(and(eq(events.published, true), gt(events.lastEndsAt, from), lt(events.startsAt, to), where))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(limit);
}

export async function findEvent(db: Db, id: number, lock = false): Promise<EventRow | undefined> {
  const q = db.select().from(events).where(eq(events.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function listEditable(db: Db, where: SQL | undefined): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(where)
    .orderBy(sql`${events.startsAt} desc`, sql`${events.id} desc`)
    .limit(200);
}

export async function insertEvent(db: Db, values: EventValues): Promise<EventRow> {
  const [row] = await db.insert(events).values(values).returning();
  return row!;
}

export async function updateEvent(db: Db, id: number, version: number, values: EventValues) {
  const [row] = await db
    .update(events)
    .set({ ...values, version: sql`${events.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(events.id, id), eq(events.version, version)))
    .returning();
  return row;
}

export async function deleteEvent(db: Db, id: number, version: number): Promise<boolean> {
  const gone = await db
    .delete(events)
    .where(and(eq(events.id, id), eq(events.version, version)))
    .returning({ id: events.id });
  return gone.length > 0;
}

export async function isRegistered(db: Db, eventId: number, userId: number): Promise<boolean> {
  const [row] = await db
    .select({ e: registrations.eventId })
    .from(registrations)
    .where(and(eq(registrations.eventId, eventId), eq(registrations.userId, userId)));
  return row !== undefined;
}

/**
 * Registers a person: adds the registration and takes a place in one statement's worth of locking — the
 * counter's `UPDATE … WHERE registered < capacity` holds the event's row, so of concurrent registrations for
 * the last place exactly one matches. Returns the new count, `already` when they were registered, or `full`.
 */
export async function register(
  db: Db,
  eventId: number,
  userId: number,
): Promise<number | 'already' | 'full'> {
  const added = await db
    .insert(registrations)
    .values({ eventId, userId })
    .onConflictDoNothing()
    .returning({ e: registrations.eventId });
  if (added.length === 0) return 'already';
  const [row] = await db
    .update(events)
    .set({ registered: sql`${events.registered} + 1` })
    .where(and(eq(events.id, eventId), sql`${events.registered} < ${events.capacity}`))
    .returning({ registered: events.registered });
  return row ? row.registered : 'full';
}

/** Cancels a registration; returns the count after, or null when there was none. */
export async function unregister(db: Db, eventId: number, userId: number): Promise<number | null> {
  const gone = await db
    .delete(registrations)
    .where(and(eq(registrations.eventId, eventId), eq(registrations.userId, userId)))
    .returning({ e: registrations.eventId });
  if (gone.length === 0) return null;
  const [row] = await db
    .update(events)
    .set({ registered: sql`${events.registered} - 1` })
    .where(eq(events.id, eventId))
    .returning({ registered: events.registered });
  return row!.registered;
}

// ---- the sitemap

/** How many published events each block of `size` ids holds (block 1 = ids 1..size), and the last change in it. */
export function sitemapEventBlocks(
  db: Db,
  size: number,
): Promise<{ block: number; count: number; lastmod: number }[]> {
  return rows(
    db,
    sql`select ((${events.id} - 1) / ${size})::int + 1 as block, count(*)::int as count,
          extract(epoch from max(${events.updatedAt}))::float8 as lastmod
        from ${events} where ${events.published}
        group by 1 order by 1`,
  );
}

/** The published events with ids in [fromId, toId], by id, with when each last changed. */
export function sitemapEvents(
  db: Db,
  fromId: number,
  toId: number,
): Promise<{ id: number; lastmod: Date }[]> {
  return db
    .select({ id: events.id, lastmod: events.updatedAt })
    .from(events)
    .where(and(eq(events.published, true), sql`${events.id} between ${fromId} and ${toId}`))
    .orderBy(asc(events.id));
}
