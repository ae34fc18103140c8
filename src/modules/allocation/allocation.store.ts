import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import {
  applications,
  awards,
  batchItems,
  batches,
  planVersions,
  plans,
} from '@/modules/allocation/allocation.tables';

/** The distribution's SQL, and only SQL. */

export type PlanRow = typeof plans.$inferSelect;
/** A published version of a plan. */
export type PlanVersionRow = typeof planVersions.$inferSelect;
/** An application row. */
export type ApplicationRow = typeof applications.$inferSelect;
/** One line of an approved list. */
export type AwardRow = typeof awards.$inferSelect;
/** A delivery batch row. */
export type BatchRow = typeof batches.$inferSelect;
/** One kind of a delivery batch. */
export type BatchItemRow = typeof batchItems.$inferSelect;

// Plans

/** Inserts a plan. */
export async function insertPlan(db: Db, values: typeof plans.$inferInsert): Promise<PlanRow> {
  const [row] = await db.insert(plans).values(values).returning();
  return row!;
}

/** Changes a plan's columns; its `updatedAt` moves with them. */
export async function updatePlan(
  db: Db,
  id: number,
  values: Partial<typeof plans.$inferInsert>,
): Promise<PlanRow> {
  const [row] = await db
    .update(plans)
    .set({ ...values, updatedAt: new Date(), editVersion: sql`${plans.editVersion} + 1` })
    .where(eq(plans.id, id))
    .returning();
  return row!;
}

/**
 * Saves a plan if it is still at edit version `editVersion`, bumping it; undefined when someone else changed
 * it meanwhile (the row lock makes a concurrent save wait, then miss the version).
 */
export async function savePlan(
  db: Db,
  id: number,
  editVersion: number,
  values: Partial<typeof plans.$inferInsert>,
): Promise<PlanRow | undefined> {
  const [row] = await db
    .update(plans)
    .set({ ...values, updatedAt: new Date(), editVersion: sql`${plans.editVersion} + 1` })
    .where(and(eq(plans.id, id), eq(plans.editVersion, editVersion)))
    .returning();
  return row;
}

/** A plan, locked for the rest of the transaction when `lock` (state changes must not race). */
export async function findPlan(db: Db, id: number, lock = false): Promise<PlanRow | undefined> {
  const q = db.select().from(plans).where(eq(plans.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

/** Plans, newest first; drafts only when asked for. */
export async function listPlans(db: Db, withDrafts: boolean): Promise<PlanRow[]> {
  return db
    .select()
    .from(plans)
    .where(withDrafts ? undefined : sql`${plans.state} <> 'draft'`)
    .orderBy(desc(plans.id));
}

/** Keeps a published version of the rules. */
export async function insertPlanVersion(db: Db, values: typeof planVersions.$inferInsert): Promise<void> {
  await db.insert(planVersions).values(values);
}

/** A plan's published versions, oldest first. */
export async function listPlanVersions(db: Db, planId: number): Promise<PlanVersionRow[]> {
  return db
    .select()
    .from(planVersions)
    .where(eq(planVersions.planId, planId))
    .orderBy(asc(planVersions.version));
}

/** Ids of the approved plans of the given academic years. */
export async function approvedPlanIds(db: Db, yearIds: readonly number[]): Promise<number[]> {
  if (yearIds.length === 0) return [];
  const found = await db
    .select({ id: plans.id })
    .from(plans)
    .where(and(eq(plans.state, 'approved'), inArray(plans.academicYearId, [...yearIds])));
  return found.map((r) => r.id);
}

// Applications

/** Inserts an application. */
export async function insertApplication(
  db: Db,
  values: typeof applications.$inferInsert,
): Promise<ApplicationRow> {
  const [row] = await db.insert(applications).values(values).returning();
  return row!;
}

/** Many applications at once (imports, benchmarks), in chunks under the parameter limit of one statement. */
export async function insertApplications(
  db: Db,
  values: (typeof applications.$inferInsert)[],
): Promise<void> {
  for (let i = 0; i < values.length; i += 1000) {
    await db.insert(applications).values(values.slice(i, i + 1000));
  }
}

/** Changes an application's columns. */
export async function updateApplication(
  db: Db,
  id: number,
  values: Partial<typeof applications.$inferInsert>,
): Promise<ApplicationRow> {
  const [row] = await db
    .update(applications)
    .set({ ...values, version: sql`${applications.version} + 1` })
    .where(eq(applications.id, id))
    .returning();
  return row!;
}

/** Saves an application if it is still at `version`, bumping it; undefined when someone else saved it meanwhile. */
export async function saveApplication(
  db: Db,
  id: number,
  version: number,
  values: Partial<typeof applications.$inferInsert>,
): Promise<ApplicationRow | undefined> {
  const [row] = await db
    .update(applications)
    .set({ ...values, version: sql`${applications.version} + 1` })
    .where(and(eq(applications.id, id), eq(applications.version, version)))
    .returning();
  return row;
}

/** An application, locked for the rest of the transaction when `lock`. */
export async function findApplication(db: Db, id: number, lock = false): Promise<ApplicationRow | undefined> {
  const q = db.select().from(applications).where(eq(applications.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

/** A school's application to a plan, if it applied. */
export async function findSchoolApplication(
  db: Db,
  planId: number,
  institutionId: number,
): Promise<ApplicationRow | undefined> {
  const [row] = await db
    .select()
    .from(applications)
    .where(and(eq(applications.planId, planId), eq(applications.institutionId, institutionId)));
  return row;
}

/** A plan's applications, in the order they came; optionally in given states or institutions only. */
export async function listApplications(
  db: Db,
  planId: number,
  filter: { states?: readonly ApplicationRow['state'][]; institutionIds?: readonly number[] } = {},
): Promise<ApplicationRow[]> {
  return db
    .select()
    .from(applications)
    .where(
      and(
        eq(applications.planId, planId),
        filter.states ? inArray(applications.state, [...filter.states]) : undefined,
        filter.institutionIds ? inArray(applications.institutionId, [...filter.institutionIds]) : undefined,
      ),
    )
    .orderBy(asc(applications.id));
}

/** What the computation needs of the eligible applications: the school and the units asked for, nothing more. */
export async function eligibleRequests(
  db: Db,
  planId: number,
): Promise<Pick<ApplicationRow, 'institutionId' | 'requested'>[]> {
  return db
    .select({ institutionId: applications.institutionId, requested: applications.requested })
    .from(applications)
    .where(and(eq(applications.planId, planId), eq(applications.state, 'eligible')))
    .orderBy(asc(applications.id));
}

/** How many of a plan's applications are registered (have a number); the next number follows. */
export async function countRegistered(db: Db, planId: number): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ${applications}
        where plan_id = ${planId} and registration_number is not null`,
  );
  return row?.n ?? 0;
}

/** How many of a plan's applications wait for a decision (not yet examined, or appealed). */
export async function countUndecided(db: Db, planId: number): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ${applications}
        where plan_id = ${planId} and state in ('submitted', 'registered', 'appealed')`,
  );
  return row?.n ?? 0;
}

// Awards

/** Stores an approved plan's list. */
export async function insertAwards(db: Db, values: (typeof awards.$inferInsert)[]): Promise<void> {
  // In chunks: a national plan has tens of thousands of rows, past the parameter limit of one statement.
  for (let i = 0; i < values.length; i += 5000) {
    await db.insert(awards).values(values.slice(i, i + 5000));
  }
}

/** An approved plan's list, by school and kind; one school's lines when given. */
export async function listAwards(db: Db, planId: number, institutionId?: number): Promise<AwardRow[]> {
  return db
    .select()
    .from(awards)
    .where(
      and(
        eq(awards.planId, planId),
        institutionId === undefined ? undefined : eq(awards.institutionId, institutionId),
      ),
    )
    .orderBy(asc(awards.institutionId), asc(awards.kind));
}

/** Institutions that got anything from the given plans. */
export async function servedInstitutions(db: Db, planIds: readonly number[]): Promise<Set<number>> {
  if (planIds.length === 0) return new Set();
  const found = await db
    .selectDistinct({ id: awards.institutionId })
    .from(awards)
    .where(inArray(awards.planId, [...planIds]));
  return new Set(found.map((r) => r.id));
}

// Deliveries

/** Inserts a delivery batch with its kinds. */
export async function insertBatch(
  db: Db,
  values: typeof batches.$inferInsert,
  items: { kind: string; units: number }[],
): Promise<BatchRow> {
  const [row] = await db.insert(batches).values(values).returning();
  await db
    .insert(batchItems)
    .values(items.map((i) => ({ batchId: row!.id, institutionId: row!.institutionId, ...i })));
  return row!;
}

/** A delivery batch, locked for the rest of the transaction when `lock`. */
export async function findBatch(db: Db, id: number, lock = false): Promise<BatchRow | undefined> {
  const q = db.select().from(batches).where(eq(batches.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

/** A plan's batches, oldest first; one school's when given. */
export async function listBatches(db: Db, planId: number, institutionId?: number): Promise<BatchRow[]> {
  return db
    .select()
    .from(batches)
    .where(
      and(
        eq(batches.planId, planId),
        institutionId === undefined ? undefined : eq(batches.institutionId, institutionId),
      ),
    )
    .orderBy(asc(batches.id));
}

/** The kinds of the given batches. */
export async function itemsOf(db: Db, batchIds: readonly number[]): Promise<BatchItemRow[]> {
  if (batchIds.length === 0) return [];
  return db
    .select()
    .from(batchItems)
    .where(inArray(batchItems.batchId, [...batchIds]))
    .orderBy(asc(batchItems.batchId), asc(batchItems.kind));
}

/** Records a school's receipt of a batch: per kind, received units and serials. */
export async function confirmBatch(
  db: Db,
  id: number,
  by: number | null,
  items: { kind: string; received: number; serials: string[] }[],
): Promise<BatchRow> {
  for (const item of items) {
    await db
      .update(batchItems)
      .set({ received: item.received, serials: item.serials })
      .where(and(eq(batchItems.batchId, id), eq(batchItems.kind, item.kind)));
  }
  const [row] = await db
    .update(batches)
    .set({ state: 'confirmed', confirmedBy: by, confirmedAt: new Date() })
    .where(eq(batches.id, id))
    .returning();
  return row!;
}

/** Per school and kind of a plan: units sent in batches and units the schools confirmed receiving. */
export async function deliveredTotals(db: Db, planId: number, institutionId?: number) {
  return rows<{ institutionId: number; kind: string; sent: number; received: number }>(
    db,
    sql`select i.institution_id as "institutionId", i.kind, sum(i.units)::int as sent,
          coalesce(sum(i.received), 0)::int as received
        from ${batchItems} i join ${batches} b on b.id = i.batch_id
        where b.plan_id = ${planId}
          ${institutionId === undefined ? sql`` : sql`and b.institution_id = ${institutionId}`}
        group by 1, 2 order by 1, 2`,
  );
}

/**
 * A plan's progress in some areas' schools (all when null): applications by state, units awarded and received.
 * Counts only.
 */
export async function progressOf(db: Db, planId: number, areaIds: number[] | null) {
  const inAreas = (column: SQL) =>
    areaIds === null
      ? sql``
      : sql`and ${column} in (select i.id from ${institutions} i join ${areas} ar on ar.id = i.area_id
                               where ar.path && ${`{${areaIds.join(',')}}`}::int[])`;
  const states = await rows<{ state: ApplicationRow['state']; n: number }>(
    db,
    sql`select a.state, count(*)::int as n from ${applications} a
        where a.plan_id = ${planId} ${inAreas(sql`a.institution_id`)} group by 1`,
  );
  const [units] = await rows<{ schools: number; awarded: number; received: number }>(
    db,
    sql`select count(distinct w.institution_id)::int as schools, coalesce(sum(w.units), 0)::int as awarded,
               (select coalesce(sum(i.received), 0)::int from ${batchItems} i join ${batches} b on b.id = i.batch_id
                 where b.plan_id = ${planId} and b.state = 'confirmed' ${inAreas(sql`b.institution_id`)}) as received
        from ${awards} w where w.plan_id = ${planId} ${inAreas(sql`w.institution_id`)}`,
  );
  return {
    states,
    schools: units?.schools ?? 0,
    awarded: units?.awarded ?? 0,
    received: units?.received ?? 0,
  };
}
