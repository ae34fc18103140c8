import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import { users } from '@/modules/identity/identity.tables';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import {
  certificates,
  enrolments,
  externalCertificates,
  issuerKeys,
  programmes,
  statusLists,
} from '@/modules/training/training.tables';

/** The certificates' SQL: keys, status lists, certificates, external certificates. */

// ------------------------------------------------------------------------------------------- issuer keys

export type IssuerKeyRow = typeof issuerKeys.$inferSelect;

/** Makes concurrent first uses (several app nodes) take turns creating the key or a status list. */
export async function lockCertificateSetup(tx: Db, what: 'key' | 'list'): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`training_certificates:${what}`}))`);
}

/** Every key, newest first (the first not retired signs). */
export async function issuerKeysAll(db: Db): Promise<IssuerKeyRow[]> {
  return db.select().from(issuerKeys).orderBy(desc(issuerKeys.createdAt), desc(issuerKeys.id));
}

export async function insertIssuerKey(tx: Db, values: typeof issuerKeys.$inferInsert): Promise<void> {
  await tx.insert(issuerKeys).values(values);
}

// ------------------------------------------------------------------------------------------- status lists

export type StatusListRow = typeof statusLists.$inferSelect;

export async function findStatusList(db: Db, id: number): Promise<StatusListRow | undefined> {
  const [row] = await db.select().from(statusLists).where(eq(statusLists.id, id));
  return row;
}

/** A list's version only: what decides whether its signed credential and decoded bits are current. */
export async function statusListVersion(
  db: Db,
  id: number,
): Promise<{ version: number; signedVersion: number | null } | undefined> {
  const [row] = await db
    .select({ version: statusLists.version, signedVersion: statusLists.signedVersion })
    .from(statusLists)
    .where(eq(statusLists.id, id));
  return row;
}

/**
 * Takes `count` consecutive free indexes of the open list (the newest with room for all of them), in one
 * statement: concurrent callers queue on the list's row and each gets its own range. None when no list has
 * room.
 */
export async function takeIndexes(
  tx: Db,
  count: number,
): Promise<{ listId: number; first: number } | undefined> {
  const [row] = await rows<{ listId: number; first: number }>(
    tx,
    sql`update training_status_list set next_index = next_index + ${count}
        where id = (select max(id) from training_status_list) and next_index + ${count} <= size
        returning id as "listId", next_index - ${count} as "first"`,
  );
  return row;
}

export async function insertStatusList(tx: Db, size: number): Promise<number> {
  const [row] = await tx.insert(statusLists).values({ size }).returning({ id: statusLists.id });
  return row!.id;
}

/** The revoked indexes of a list: the source of its bits. */
export async function revokedIndexes(db: Db, listId: number): Promise<number[]> {
  const found = await db
    .select({ index: certificates.statusIndex })
    .from(certificates)
    .where(and(eq(certificates.statusListId, listId), sql`${certificates.revokedAt} is not null`));
  return found.map((r) => r.index);
}

/** Keeps a list's signed credential, unless a newer version was signed meanwhile. */
export async function saveSignedList(
  db: Db,
  id: number,
  version: number,
  credential: unknown,
): Promise<void> {
  await db
    .update(statusLists)
    .set({ signedVersion: version, credential })
    .where(
      and(
        eq(statusLists.id, id),
        sql`(${statusLists.signedVersion} is null or ${statusLists.signedVersion} < ${version})`,
      ),
    );
}

export async function bumpStatusList(tx: Db, id: number): Promise<void> {
  await tx
    .update(statusLists)
    .set({ version: sql`${statusLists.version} + 1` })
    .where(eq(statusLists.id, id));
}

// ------------------------------------------------------------------------------------------- certificates

export type CertificateRow = typeof certificates.$inferSelect;

/** What a certificate is made from: the enrolment, its programme and its holder. */
export interface IssueSource {
  enrolmentId: number;
  status: string;
  userId: number;
  institutionId: number;
  completedAt: Date | null;
  programmeId: number;
  title: string;
  description: string;
  hours: number;
  validMonths: number | null;
  programmeStatus: string;
  holderName: string;
  certificateId: string | null;
}

const issueSourceColumns = {
  enrolmentId: enrolments.id,
  status: enrolments.status,
  userId: enrolments.userId,
  institutionId: enrolments.institutionId,
  completedAt: enrolments.completedAt,
  programmeId: programmes.id,
  title: programmes.title,
  description: programmes.description,
  hours: programmes.hours,
  validMonths: programmes.validMonths,
  programmeStatus: programmes.status,
  holderName: users.displayName,
  certificateId: certificates.id,
};

export async function issueSource(db: Db, enrolmentId: number): Promise<IssueSource | undefined> {
  const [row] = await db
    .select(issueSourceColumns)
    .from(enrolments)
    .innerJoin(programmes, eq(programmes.id, enrolments.programmeId))
    .innerJoin(users, eq(users.id, enrolments.userId))
    .leftJoin(certificates, eq(certificates.enrolmentId, enrolments.id))
    .where(eq(enrolments.id, enrolmentId));
  return row;
}

/** The next completed enrolments of a programme that have no certificate, by id. */
export async function uncertifiedOfProgramme(
  db: Db,
  programmeId: number,
  afterId: number,
  limit: number,
): Promise<IssueSource[]> {
  return db
    .select(issueSourceColumns)
    .from(enrolments)
    .innerJoin(programmes, eq(programmes.id, enrolments.programmeId))
    .innerJoin(users, eq(users.id, enrolments.userId))
    .leftJoin(certificates, eq(certificates.enrolmentId, enrolments.id))
    .where(
      and(
        eq(enrolments.programmeId, programmeId),
        eq(enrolments.status, 'completed'),
        isNull(certificates.id),
        sql`${enrolments.id} > ${afterId}`,
      ),
    )
    .orderBy(enrolments.id)
    .limit(limit);
}

export async function findProgramme(db: Db, id: number) {
  const [row] = await db
    .select({ id: programmes.id, title: programmes.title, status: programmes.status })
    .from(programmes)
    .where(eq(programmes.id, id));
  return row;
}

/** Inserts certificates; one whose enrolment got a certificate meanwhile is skipped. Returns the ids kept. */
export async function insertCertificates(
  tx: Db,
  values: (typeof certificates.$inferInsert)[],
): Promise<string[]> {
  if (values.length === 0) return [];
  const kept = await tx
    .insert(certificates)
    .values(values)
    .onConflictDoNothing({ target: certificates.enrolmentId })
    .returning({ id: certificates.id });
  return kept.map((r) => r.id);
}

/** What verification reads: one row, by its primary key. */
export async function findForVerify(db: Db, id: string) {
  const [row] = await db
    .select({
      id: certificates.id,
      credential: certificates.credential,
      revokedAt: certificates.revokedAt,
      validUntil: certificates.validUntil,
      issuedAt: certificates.issuedAt,
      title: certificates.title,
    })
    .from(certificates)
    .where(eq(certificates.id, id));
  return row;
}

/** A certificate with its holder, school and the school's area path: for access and documents. */
export interface CertificateDetail {
  id: string;
  userId: number;
  holderName: string;
  programmeId: number | null;
  title: string;
  hours: number | null;
  issuedAt: Date;
  validUntil: Date | null;
  revokedAt: Date | null;
  revokeReason: string | null;
  credential: unknown;
  statusListId: number;
  statusIndex: number;
  institutionId: number | null;
  schoolAz: string | null;
  schoolRu: string | null;
  schoolEn: string | null;
  areaPath: number[] | null;
}

const detailColumns = {
  id: certificates.id,
  userId: certificates.userId,
  holderName: users.displayName,
  programmeId: certificates.programmeId,
  title: certificates.title,
  hours: programmes.hours,
  issuedAt: certificates.issuedAt,
  validUntil: certificates.validUntil,
  revokedAt: certificates.revokedAt,
  revokeReason: certificates.revokeReason,
  credential: certificates.credential,
  statusListId: certificates.statusListId,
  statusIndex: certificates.statusIndex,
  institutionId: enrolments.institutionId,
  schoolAz: institutions.nameAz,
  schoolRu: institutions.nameRu,
  schoolEn: institutions.nameEn,
  areaPath: areas.path,
};

function detailQuery(db: Db) {
  return db
    .select(detailColumns)
    .from(certificates)
    .innerJoin(users, eq(users.id, certificates.userId))
    .leftJoin(programmes, eq(programmes.id, certificates.programmeId))
    .leftJoin(enrolments, eq(enrolments.id, certificates.enrolmentId))
    .leftJoin(institutions, eq(institutions.id, enrolments.institutionId))
    .leftJoin(areas, eq(areas.id, institutions.areaId));
}

export async function findDetail(db: Db, id: string): Promise<CertificateDetail | undefined> {
  const [row] = await detailQuery(db).where(eq(certificates.id, id));
  return row;
}

export async function certificatesOfUser(db: Db, userId: number): Promise<CertificateDetail[]> {
  return detailQuery(db).where(eq(certificates.userId, userId)).orderBy(desc(certificates.issuedAt));
}

/**
 * Certificates for those who manage them: of a programme, or of a school, or under some areas (null: all),
 * found by the holder's name; at most `limit`.
 */
export async function listCertificates(
  db: Db,
  filter: {
    programmeId?: number;
    institutionId?: number;
    areaIds: number[] | null;
    q?: string;
    limit: number;
    afterId?: string;
  },
): Promise<CertificateDetail[]> {
  const conditions = [
    filter.programmeId !== undefined ? eq(certificates.programmeId, filter.programmeId) : undefined,
    filter.institutionId !== undefined ? eq(enrolments.institutionId, filter.institutionId) : undefined,
    filter.areaIds !== null ? sql`${areas.path} && ${intArray(filter.areaIds)}` : undefined,
    filter.q ? sql`${users.displayName} ilike ${`%${filter.q.replace(/[\\%_]/g, '\\$&')}%`}` : undefined,
    filter.afterId ? sql`${certificates.id} > ${filter.afterId}::uuid` : undefined,
  ].filter((c) => c !== undefined);
  return detailQuery(db)
    .where(and(...conditions))
    .orderBy(certificates.id)
    .limit(filter.limit);
}

/** Marks a certificate revoked unless it is already; returns it when it was changed. */
export async function revokeCertificate(
  tx: Db,
  id: string,
  values: { revokedAt: Date; revokedBy: number; revokeReason: string },
): Promise<CertificateRow | undefined> {
  const [row] = await tx
    .update(certificates)
    .set(values)
    .where(and(eq(certificates.id, id), isNull(certificates.revokedAt)))
    .returning();
  return row;
}

/** Certificates that end between the two instants, not revoked, not yet reminded of. */
export async function expiringUnreminded(db: Db, from: Date, to: Date, limit: number) {
  return db
    .select({
      id: certificates.id,
      userId: certificates.userId,
      title: certificates.title,
      validUntil: certificates.validUntil,
    })
    .from(certificates)
    .where(
      and(
        isNull(certificates.revokedAt),
        isNull(certificates.remindedAt),
        sql`${certificates.validUntil} > ${from.toISOString()}::timestamptz`,
        sql`${certificates.validUntil} <= ${to.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(certificates.validUntil)
    .limit(limit);
}

/** Marks certificates reminded; returns the ids it marked (not those another run marked first). */
export async function markReminded(tx: Db, ids: string[], at: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const marked = await tx
    .update(certificates)
    .set({ remindedAt: at })
    .where(
      and(sql`${certificates.id} = any(${`{${ids.join(',')}}`}::uuid[])`, isNull(certificates.remindedAt)),
    )
    .returning({ id: certificates.id });
  return marked.map((r) => r.id);
}

// ------------------------------------------------------------------------------------------- external

export type ExternalRow = typeof externalCertificates.$inferSelect;
export type ExternalDetail = ExternalRow & {
  holderName: string;
  schoolAz: string;
  schoolRu: string;
  schoolEn: string;
  areaPath: number[];
};

function externalQuery(db: Db) {
  return db
    .select({
      row: externalCertificates,
      holderName: users.displayName,
      schoolAz: institutions.nameAz,
      schoolRu: institutions.nameRu,
      schoolEn: institutions.nameEn,
      areaPath: areas.path,
    })
    .from(externalCertificates)
    .innerJoin(users, eq(users.id, externalCertificates.userId))
    .innerJoin(institutions, eq(institutions.id, externalCertificates.institutionId))
    .innerJoin(areas, eq(areas.id, institutions.areaId));
}

const flatten = (r: Awaited<ReturnType<ReturnType<typeof externalQuery>['execute']>>[number]) => ({
  ...r.row,
  holderName: r.holderName,
  schoolAz: r.schoolAz,
  schoolRu: r.schoolRu,
  schoolEn: r.schoolEn,
  areaPath: r.areaPath,
});

export async function findExternal(db: Db, id: number): Promise<ExternalDetail | undefined> {
  const [row] = await externalQuery(db).where(eq(externalCertificates.id, id));
  return row && flatten(row);
}

export async function listExternal(
  db: Db,
  filter: {
    userId?: number;
    institutionIds?: number[];
    areaIds?: number[] | null;
    status?: string;
    limit: number;
  },
): Promise<ExternalDetail[]> {
  const conditions = [
    filter.userId !== undefined ? eq(externalCertificates.userId, filter.userId) : undefined,
    filter.institutionIds !== undefined
      ? sql`${externalCertificates.institutionId} = any(${intArray(filter.institutionIds)})`
      : undefined,
    filter.areaIds !== undefined && filter.areaIds !== null
      ? sql`${areas.path} && ${intArray(filter.areaIds)}`
      : undefined,
    filter.status !== undefined ? sql`${externalCertificates.status} = ${filter.status}` : undefined,
  ].filter((c) => c !== undefined);
  const found = await externalQuery(db)
    .where(and(...conditions))
    .orderBy(desc(externalCertificates.createdAt), desc(externalCertificates.id))
    .limit(filter.limit);
  return found.map(flatten);
}

export async function insertExternal(
  tx: Db,
  values: typeof externalCertificates.$inferInsert,
): Promise<ExternalRow> {
  const [row] = await tx.insert(externalCertificates).values(values).returning();
  return row!;
}

/** Changes an external certificate at the version read; none when the version moved on. */
export async function updateExternal(
  tx: Db,
  id: number,
  version: number,
  values: Partial<typeof externalCertificates.$inferInsert>,
): Promise<ExternalRow | undefined> {
  const [row] = await tx
    .update(externalCertificates)
    .set({ ...values, version: sql`${externalCertificates.version} + 1` })
    .where(and(eq(externalCertificates.id, id), eq(externalCertificates.version, version)))
    .returning();
  return row;
}
