import { eq, sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import { bellPeriods } from '@/modules/classroom/classroom.tables';
import { areas, calendarEntries, institutions } from '@/modules/institutions/institutions.tables';
import { yearInForceRelation } from '@/modules/institutions/institutions.store';
import {
  assignments,
  categories,
  exams,
  keywordHits,
  keywords,
  listDomains,
  lists,
  networks,
  nodes,
  policies,
  settings,
  unblockRequests,
  windows,
} from '@/modules/safety/safety.tables';
import {
  tightenedPolicies,
  type AssignmentRow,
  type ExamRow,
  type Holiday,
  type PolicyRow,
  type UnblockRow,
  type WindowRow,
} from '@/modules/safety/safety.effective';

/** What the engine reads to compile a node's state: every row it needs, read at once (`at` is now). */
export interface EngineSnapshot {
  networks: { id: number; institutionId: number; kind: string; cidr: string; areaChain: number[] }[];
  assignments: AssignmentRow[];
  policies: Map<number, PolicyRow>;
  windows: WindowRow[];
  /** Per school, its bells in the academic year in force (every shift): the first start and the last end. */
  bells: Map<number, { startMinute: number; endMinute: number }[]>;
  holidays: Holiday[];
  exams: (ExamRow & { allowListId: number; version: number })[];
  /** Approved unblock requests in force now (or later), their domains as stored. */
  unblocks: UnblockRow[];
  lists: Map<number, { kind: string; categoryId: number | null; serial: number }>;
  /** Per category code, its id and a fingerprint of its content: its block lists' serials and keyword hits. */
  categories: Map<string, { id: number; fingerprint: string }>;
  settings: { blockAddressV4: string; blockAddressV6: string; logRetentionDays: number };
}

export async function readSnapshot(db: Db, at: Date): Promise<EngineSnapshot> {
  const nets = await rows<{
    id: number;
    institution_id: number;
    kind: string;
    cidr: string;
    path: number[] | null;
  }>(
    db,
    sql`select n.id, n.institution_id, n.kind, n.cidr::text as cidr, a.path
        from ${networks} n join ${institutions} i on i.id = n.institution_id
        left join ${areas} a on a.id = i.area_id order by n.id`,
  );
  const assignmentRows = await db
    .select({
      areaId: assignments.areaId,
      institutionId: assignments.institutionId,
      networkKind: assignments.networkKind,
      window: assignments.window,
      policyId: assignments.policyId,
    })
    .from(assignments);
  const policyRows = await db
    .select({
      id: policies.id,
      categories: policies.categories,
      blockLists: policies.blockLists,
      allowLists: policies.allowLists,
      safeSearch: policies.safeSearch,
      bypassProtection: policies.bypassProtection,
      action: policies.action,
      parentId: policies.parentId,
    })
    .from(policies);
  const windowRows = await db
    .select({
      areaId: windows.areaId,
      institutionId: windows.institutionId,
      weekdays: windows.weekdays,
      startMinute: windows.startMinute,
      endMinute: windows.endMinute,
    })
    .from(windows);
  // The classroom module's bells: only schools that have networks, in the academic year in force.
  const bellRows = await rows<{ institution_id: number; start_minute: number; end_minute: number }>(
    db,
    sql`select b.institution_id, b.start_minute, b.end_minute from ${bellPeriods} b
        where b.academic_year_id in (select id from (${yearInForceRelation()}) y)
          and b.institution_id in (select institution_id from ${networks})`,
  );
  const bells = new Map<number, { startMinute: number; endMinute: number }[]>();
  for (const b of bellRows) {
    const list = bells.get(b.institution_id) ?? [];
    list.push({ startMinute: b.start_minute, endMinute: b.end_minute });
    bells.set(b.institution_id, list);
  }
  const holidays = await db
    .select({ startsOn: calendarEntries.startsOn, endsOn: calendarEntries.endsOn })
    .from(calendarEntries)
    .where(eq(calendarEntries.kind, 'holiday'));
  const examRows = await db
    .select({
      id: exams.id,
      startsAt: exams.startsAt,
      endsAt: exams.endsAt,
      institutionIds: exams.institutionIds,
      allowListId: exams.allowListId,
      version: exams.version,
    })
    .from(exams)
    .where(sql`${exams.endsAt} > ${at.toISOString()}::timestamptz`);
  const unblocks = await db
    .select({
      institutionId: unblockRequests.institutionId,
      domain: unblockRequests.domain,
      startsAt: unblockRequests.startsAt,
      endsAt: unblockRequests.endsAt,
    })
    .from(unblockRequests)
    .where(
      sql`${unblockRequests.status} = 'approved' and ${unblockRequests.endsAt} > ${at.toISOString()}::timestamptz`,
    );
  const listRows = await db
    .select({ id: lists.id, kind: lists.kind, categoryId: lists.categoryId, serial: lists.serial })
    .from(lists);
  const categoryRows = await rows<{ id: number; code: string; lists: string | null; hits: string | null }>(
    db,
    sql`select c.id, c.code,
          (select string_agg(l.id || ':' || l.serial, ',' order by l.id) from ${lists} l
            where l.category_id = c.id and l.kind = 'block') as lists,
          (select count(*) || ':' || coalesce(max(h.found_at)::text, '') from ${keywordHits} h
            join ${keywords} k on k.id = h.keyword_id where k.category_id = c.id) as hits
        from ${categories} c`,
  );
  const [setting] = await db
    .select({
      blockAddressV4: settings.blockAddressV4,
      blockAddressV6: settings.blockAddressV6,
      logRetentionDays: settings.logRetentionDays,
    })
    .from(settings)
    .where(eq(settings.id, 1));
  return {
    networks: nets.map((n) => ({
      id: n.id,
      institutionId: n.institution_id,
      kind: n.kind,
      cidr: n.cidr,
      areaChain: [...(n.path ?? [])].reverse(),
    })),
    assignments: assignmentRows,
    policies: tightenedPolicies(policyRows),
    windows: windowRows,
    bells,
    holidays,
    exams: examRows,
    unblocks,
    lists: new Map(listRows.map((l) => [l.id, { kind: l.kind, categoryId: l.categoryId, serial: l.serial }])),
    categories: new Map(
      categoryRows.map((c) => [c.code, { id: c.id, fingerprint: `${c.lists ?? ''}|${c.hits ?? ''}` }]),
    ),
    settings: setting ?? { blockAddressV4: '127.0.0.1', blockAddressV6: '::1', logRetentionDays: 7 },
  };
}

/** The domains a category blocks: its block lists' and its keywords' hits, distinct. */
export async function categoryDomains(db: Db, categoryId: number): Promise<string[]> {
  const found = await rows<{ domain: string }>(
    db,
    sql`select d.domain from ${listDomains} d join ${lists} l on l.id = d.list_id
          where l.category_id = ${categoryId} and l.kind = 'block'
        union
        select h.domain from ${keywordHits} h join ${keywords} k on k.id = h.keyword_id
          where k.category_id = ${categoryId}`,
  );
  return found.map((r) => r.domain);
}

/** The domains of a list. */
export async function domainsOfList(db: Db, listId: number): Promise<string[]> {
  const found = await db
    .select({ domain: listDomains.domain })
    .from(listDomains)
    .where(eq(listDomains.listId, listId));
  return found.map((r) => r.domain);
}

/** Notes the state serial a node has applied. */
export async function recordApplied(db: Db, nodeId: number, serial: number): Promise<void> {
  await db.update(nodes).set({ appliedSerial: serial }).where(eq(nodes.id, nodeId));
}

/** Sets the block page's addresses, what blocked names answer with. */
export async function updateBlockAddresses(db: Db, v4: string, v6: string): Promise<void> {
  // The settings' one row is made when first written (a fresh database has none: the defaults hold).
  await db
    .insert(settings)
    .values({ id: 1, blockAddressV4: v4, blockAddressV6: v6 })
    .onConflictDoUpdate({
      target: settings.id,
      set: {
        blockAddressV4: v4,
        blockAddressV6: v6,
        version: sql`${settings.version} + 1`,
        updatedAt: sql`now()`,
      },
    });
}
