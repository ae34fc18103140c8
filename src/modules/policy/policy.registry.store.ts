import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { documents, partnerships, targets } from '@/modules/policy/policy.tables';

/** The SQL of the registry of policies: documents, their targets, partnerships. */

export type DocumentRow = typeof documents.$inferSelect;
export type TargetRow = typeof targets.$inferSelect;
export type PartnershipRow = typeof partnerships.$inferSelect;
export type DocumentValues = Omit<typeof documents.$inferInsert, 'id' | 'version' | 'updatedAt'>;
export type TargetValues = Omit<typeof targets.$inferInsert, 'id' | 'version' | 'position' | 'documentId'>;
export type PartnershipValues = Omit<typeof partnerships.$inferInsert, 'id' | 'version' | 'updatedAt'>;

/** `%…%` of a search's words, with LIKE's wildcards taken literally, folded as `library_fold` folds. */
const contains = (column: SQL, q: string) =>
  sql`library_fold(${column}) like '%' || library_fold(${q.replace(/[\\%_]/g, (c) => `\\${c}`)}) || '%'`;

/** Documents, newest adopted first, filtered as asked. */
export async function listDocuments(
  db: Db,
  filter: { kind?: string; status?: string; topic?: string; q?: string } = {},
): Promise<DocumentRow[]> {
  const where: SQL[] = [];
  if (filter.kind) where.push(eq(documents.kind, filter.kind));
  if (filter.status) where.push(eq(documents.status, filter.status));
  if (filter.topic) where.push(sql`${filter.topic} = any(${documents.topics})`);
  const q = filter.q?.trim();
  if (q)
    where.push(
      sql`(${contains(sql`${documents.title}::text`, q)} or ${contains(sql`${documents.issuer}::text`, q)}
           or ${contains(sql`${documents.number}`, q)})`,
    );
  return db
    .select()
    .from(documents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(documents.adoptedOn), asc(documents.id));
}

export async function findDocument(db: Db, id: number, lock = false): Promise<DocumentRow | undefined> {
  const query = db.select().from(documents).where(eq(documents.id, id));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export async function insertDocument(db: Db, values: DocumentValues): Promise<DocumentRow> {
  const [row] = await db.insert(documents).values(values).returning();
  return row!;
}

/** Saves a document if it is still at `version`; undefined when someone saved it in between. */
export async function updateDocument(
  db: Db,
  id: number,
  version: number,
  values: DocumentValues,
): Promise<DocumentRow | undefined> {
  const [row] = await db
    .update(documents)
    .set({ ...values, version: sql`${documents.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(documents.id, id), eq(documents.version, version)))
    .returning();
  return row;
}

export async function deleteDocument(db: Db, id: number, version: number): Promise<boolean> {
  const gone = await db
    .delete(documents)
    .where(and(eq(documents.id, id), eq(documents.version, version)))
    .returning({ id: documents.id });
  return gone.length > 0;
}

/** Targets of some documents (all when `documentIds` is null), in each document's order. */
export async function listTargets(db: Db, documentIds: number[] | null): Promise<TargetRow[]> {
  return db
    .select()
    .from(targets)
    .where(
      documentIds === null
        ? undefined
        : documentIds.length === 0
          ? sql`false`
          : sql`${targets.documentId} = any(${`{${documentIds.join(',')}}`}::int[])`,
    )
    .orderBy(asc(targets.documentId), asc(targets.position), asc(targets.id));
}

export async function findTarget(db: Db, id: number, lock = false): Promise<TargetRow | undefined> {
  const query = db.select().from(targets).where(eq(targets.id, id));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** A new target, placed after the document's others. */
export async function insertTarget(db: Db, documentId: number, values: TargetValues): Promise<TargetRow> {
  const [row] = await db
    .insert(targets)
    .values({
      ...values,
      documentId,
      position: sql`(select coalesce(max(position), -1) + 1 from policy_target where document_id = ${documentId})`,
    })
    .returning();
  return row!;
}

export async function updateTarget(
  db: Db,
  id: number,
  version: number,
  values: TargetValues,
): Promise<TargetRow | undefined> {
  const [row] = await db
    .update(targets)
    .set({ ...values, version: sql`${targets.version} + 1` })
    .where(and(eq(targets.id, id), eq(targets.version, version)))
    .returning();
  return row;
}

export async function deleteTarget(db: Db, id: number, version: number): Promise<boolean> {
  const gone = await db
    .delete(targets)
    .where(and(eq(targets.id, id), eq(targets.version, version)))
    .returning({ id: targets.id });
  return gone.length > 0;
}

/** Partnerships, newest first; of one document when `documentId` is given. */
export async function listPartnerships(db: Db, documentId?: number): Promise<PartnershipRow[]> {
  return db
    .select()
    .from(partnerships)
    .where(documentId === undefined ? undefined : eq(partnerships.documentId, documentId))
    .orderBy(desc(partnerships.startedOn), asc(partnerships.id));
}

export async function findPartnership(db: Db, id: number, lock = false): Promise<PartnershipRow | undefined> {
  const query = db.select().from(partnerships).where(eq(partnerships.id, id));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export async function insertPartnership(db: Db, values: PartnershipValues): Promise<PartnershipRow> {
  const [row] = await db.insert(partnerships).values(values).returning();
  return row!;
}

export async function updatePartnership(
  db: Db,
  id: number,
  version: number,
  values: PartnershipValues,
): Promise<PartnershipRow | undefined> {
  const [row] = await db
    .update(partnerships)
    .set({ ...values, version: sql`${partnerships.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(partnerships.id, id), eq(partnerships.version, version)))
    .returning();
  return row;
}

export async function deletePartnership(db: Db, id: number, version: number): Promise<boolean> {
  const gone = await db
    .delete(partnerships)
    .where(and(eq(partnerships.id, id), eq(partnerships.version, version)))
    .returning({ id: partnerships.id });
  return gone.length > 0;
}
