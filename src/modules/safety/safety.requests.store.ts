import { and, eq, sql } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import { unblockRequests } from '@/modules/safety/safety.tables';
import type { Localised } from '@/modules/safety/safety.tables';

/** Unblock requests: SQL only. */

export type RequestRow = typeof unblockRequests.$inferSelect;

export interface RequestListRow extends RequestRow {
  institutionNameAz: string;
  institutionNameRu: string;
  institutionNameEn: string;
  areaPath: number[];
  requesterName: string | null;
  deciderName: string | null;
  categoryName: Localised | null;
}

/** Which requests a caller sees: all (nation), those of schools under areas, of schools, or their own. */
export interface Visibility {
  all: boolean;
  areaIds: number[];
  institutionIds: number[];
  requesterId: number | null;
}

export async function listRequests(
  db: Db,
  seen: Visibility,
  filter: { institutionId?: number; requesterId?: number; id?: number },
): Promise<RequestListRow[]> {
  const scope = seen.all
    ? sql`true`
    : sql`(a.path && ${intArray(seen.areaIds)} or r.institution_id = any(${intArray(seen.institutionIds)})
          or r.requested_by = ${seen.requesterId ?? 0})`;
  return rows<RequestListRow>(
    db,
    sql`
    select r.id, r.institution_id as "institutionId", r.domain, r.category_code as "categoryCode", r.reason,
      r.starts_at as "startsAt", r.ends_at as "endsAt", r.status, r.requested_by as "requestedBy",
      r.requested_at as "requestedAt", r.decided_by as "decidedBy", r.decided_at as "decidedAt",
      r.decision_note as "decisionNote", r.version,
      i.name_az as "institutionNameAz", i.name_ru as "institutionNameRu", i.name_en as "institutionNameEn",
      a.path as "areaPath", u.display_name as "requesterName", d.display_name as "deciderName",
      c.name as "categoryName"
    from safety_unblock_request r
    join institutions_institution i on i.id = r.institution_id
    join institutions_area a on a.id = i.area_id
    left join identity_user u on u.id = r.requested_by
    left join identity_user d on d.id = r.decided_by
    left join safety_category c on c.code = r.category_code
    where ${scope}
      ${filter.institutionId ? sql`and r.institution_id = ${filter.institutionId}` : sql``}
      ${filter.requesterId ? sql`and r.requested_by = ${filter.requesterId}` : sql``}
      ${filter.id ? sql`and r.id = ${filter.id}` : sql``}
    order by (r.status = 'pending') desc, r.requested_at desc, r.id desc
    limit 500`,
  );
}

export async function findRequest(db: Db, id: number, lock = false): Promise<RequestRow | undefined> {
  const q = db.select().from(unblockRequests).where(eq(unblockRequests.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function insertRequest(
  db: Db,
  values: typeof unblockRequests.$inferInsert,
): Promise<RequestRow> {
  const [row] = await db.insert(unblockRequests).values(values).returning();
  return row!;
}

/** Writes a decision or a withdrawal at the version read; undefined when someone wrote it since. */
export async function updateRequest(
  db: Db,
  id: number,
  version: number,
  values: Partial<typeof unblockRequests.$inferInsert>,
): Promise<RequestRow | undefined> {
  const [row] = await db
    .update(unblockRequests)
    .set({ ...values, version: sql`${unblockRequests.version} + 1` })
    .where(and(eq(unblockRequests.id, id), eq(unblockRequests.version, version)))
    .returning();
  return row;
}

export async function institutionNames(
  db: Db,
  ids: number[],
): Promise<{ id: number; nameAz: string; nameRu: string; nameEn: string }[]> {
  if (ids.length === 0) return [];
  return rows(
    db,
    sql`select id, name_az as "nameAz", name_ru as "nameRu", name_en as "nameEn"
        from institutions_institution where id = any(${intArray(ids)}) order by name_az`,
  );
}
