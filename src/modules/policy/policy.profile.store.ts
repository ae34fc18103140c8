import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { users } from '@/modules/identity/identity.tables';
import {
  documents,
  editions,
  partnerships,
  sectionTexts,
  type Localised,
} from '@/modules/policy/policy.tables';

/** The profile's SQL: the ministry's section texts, the registry's entries it lists, and the editions. */

export type SectionTextRow = typeof sectionTexts.$inferSelect;
export type EditionRow = typeof editions.$inferSelect;

export async function sectionTextRows(db: Db): Promise<SectionTextRow[]> {
  return db.select().from(sectionTexts);
}

/**
 * Saves a section's text if it is still at `version` (0: not written yet), bumping it; undefined when someone
 * else saved it meanwhile (the row lock makes a concurrent save wait, then miss the version; two first saves
 * meet on the primary key).
 */
export async function saveSectionText(
  db: Db,
  section: string,
  version: number,
  body: Localised,
  userId: number | null,
): Promise<SectionTextRow | undefined> {
  if (version === 0) {
    const [row] = await db
      .insert(sectionTexts)
      .values({ section, body, version: 1, updatedBy: userId })
      .onConflictDoNothing()
      .returning();
    return row;
  }
  const [row] = await db
    .update(sectionTexts)
    .set({ body, version: sql`${sectionTexts.version} + 1`, updatedBy: userId, updatedAt: sql`now()` })
    .where(and(eq(sectionTexts.section, section), eq(sectionTexts.version, version)))
    .returning();
  return row;
}

/** A registry document as the profile lists it under the sections it touches. */
export interface DocumentEntry {
  id: number;
  kind: string;
  title: Localised;
  number: string;
  adoptedOn: string;
  status: string;
  url: string;
  topics: string[];
  /** The PEER comparison questions it answers (absent in editions published before the profile had them). */
  peer?: string[];
}

export async function documentEntries(db: Db): Promise<DocumentEntry[]> {
  return db
    .select({
      id: documents.id,
      kind: documents.kind,
      title: documents.title,
      number: documents.number,
      adoptedOn: documents.adoptedOn,
      status: documents.status,
      url: documents.url,
      topics: documents.topics,
      peer: documents.peer,
    })
    .from(documents)
    .orderBy(asc(documents.adoptedOn), asc(documents.id));
}

/** A partnership as the profile lists it under the sections it touches. */
export interface PartnershipEntry {
  id: number;
  partner: string;
  contribution: Localised;
  quantity: number | null;
  startedOn: string;
  topics: string[];
}

export async function partnershipEntries(db: Db): Promise<PartnershipEntry[]> {
  return db
    .select({
      id: partnerships.id,
      partner: partnerships.partner,
      contribution: partnerships.contribution,
      quantity: partnerships.quantity,
      startedOn: partnerships.startedOn,
      topics: partnerships.topics,
    })
    .from(partnerships)
    .orderBy(asc(partnerships.startedOn), asc(partnerships.id));
}

/**
 * The editions, newest first, without their content (a list stays small whatever the profile's size). Who
 * published is not among them: the list is public, and a staff member's name is the audit log's to keep.
 */
export async function editionList(db: Db): Promise<{ number: number; publishedAt: Date; note: Localised }[]> {
  return db
    .select({
      number: editions.number,
      publishedAt: editions.publishedAt,
      note: editions.note,
    })
    .from(editions)
    .orderBy(desc(editions.number));
}

export async function editionByNumber(db: Db, number: number): Promise<EditionRow | undefined> {
  const [row] = await db.select().from(editions).where(eq(editions.number, number));
  return row;
}

/** The number of the newest edition, 0 when none was published. */
export async function latestEditionNumber(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`coalesce(max(${editions.number}), 0)::int` }).from(editions);
  return Number(row?.n ?? 0);
}

/** Lets one publication at a time number its edition (taken in the publishing transaction). */
export async function lockEditions(db: Db): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext('policy_edition'))`);
}

export async function insertEdition(
  db: Db,
  values: { number: number; publishedBy: number | null; note: Localised; content: unknown },
): Promise<EditionRow> {
  const [row] = await db.insert(editions).values(values).returning();
  return row!;
}

/** The display names of the people who wrote something, by id. */
export async function userNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const found = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(inArray(users.id, [...new Set(ids)]));
  return new Map(found.map((u) => [u.id, u.name]));
}
