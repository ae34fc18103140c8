import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { forbidden, notFound, type FieldProblem } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import type { SafeSearch } from '@/modules/safety/safety.tables';
import * as catalogue from '@/modules/safety/safety.catalogue.store';
import * as store from '@/modules/safety/safety.policies.store';
import {
  coversPath,
  isBlank,
  isMinistry,
  problem,
  refuseIf,
  trimmed,
} from '@/modules/safety/safety.catalogue.service';
import type { PolicyBody, PolicyChangeBody } from '@/modules/safety/safety.policies.schema';

/**
 * Policies: what a network may reach. The national defaults (`primary`, `secondary`, `staff`, `guests`) and any
 * other national policy are the ministry's; a region's or district's officer keeps its area's tightenings of a
 * national policy, which may block more and never less (enforced on every save). Writes are transactional, at
 * the version read, audited.
 */

const YOUTUBE_RANK = { off: 0, moderate: 1, strict: 2 } as const;

type Rules = Pick<store.PolicyRow, 'categories' | 'blockLists' | 'allowLists' | 'bypassProtection'> & {
  safeSearch: SafeSearch;
};

/** The fields in which `child` blocks less than `parent`: none for a true tightening. */
export function loosenings(child: Rules, parent: Rules): string[] {
  const out: string[] = [];
  if (!parent.categories.every((c) => child.categories.includes(c))) out.push('categories');
  if (!parent.blockLists.every((l) => child.blockLists.includes(l))) out.push('blockLists');
  if (!child.allowLists.every((l) => parent.allowLists.includes(l))) out.push('allowLists');
  const p = parent.safeSearch;
  const c = child.safeSearch;
  if (
    (p.google && !c.google) ||
    (p.bing && !c.bing) ||
    (p.duckduckgo && !c.duckduckgo) ||
    (p.yandex && !c.yandex) ||
    YOUTUBE_RANK[c.youtube] < YOUTUBE_RANK[p.youtube]
  )
    out.push('safeSearch');
  if (parent.bypassProtection && !child.bypassProtection) out.push('bypassProtection');
  return out;
}

async function areaPathOf(db: Db, areaId: number | null) {
  return areaId === null ? null : ((await store.areaPath(db, areaId)) ?? null);
}

/** Whether the caller may save this policy: the ministry any; a regional officer its areas' tightenings. */
async function mayEdit(db: Db, actor: Actor, p: Pick<store.PolicyRow, 'areaId'>) {
  if (isMinistry(actor)) return true;
  const path = await areaPathOf(db, p.areaId);
  return path !== null && coversPath(actor, path);
}

export async function listPolicies(db: Db, actor: Actor) {
  const [rows, areas] = await Promise.all([store.allPolicies(db), store.areaNames(db)]);
  const areaOf = new Map(areas.map((a) => [a.id, a]));
  const out = [];
  for (const p of rows) {
    const area = p.areaId === null ? undefined : areaOf.get(p.areaId);
    if (area && !coversPath(actor, area.path)) continue;
    out.push({
      id: p.id,
      code: p.code,
      name: p.name,
      areaId: p.areaId,
      areaName: area ? { az: area.nameAz, ru: area.nameRu, en: area.nameEn } : null,
      parentId: p.parentId,
      categories: p.categories,
      blockLists: p.blockLists,
      allowLists: p.allowLists,
      safeSearch: p.safeSearch,
      bypassProtection: p.bypassProtection,
      action: p.action,
      version: p.version,
      editable: await mayEdit(db, actor, p),
    });
  }
  return { policies: out };
}

const policyOut = async (db: Db, actor: Actor, id: number) =>
  (await listPolicies(db, actor)).policies.find((p) => p.id === id)!;

/** Checks the names, codes and lists a policy refers to. */
async function checkRules(db: Db, locale: Locale, b: PolicyChangeBody | PolicyBody): Promise<FieldProblem[]> {
  const p: FieldProblem[] = [];
  if (isBlank(b.name)) p.push(problem(locale, 'name', 'text_required'));
  const codes = new Set((await catalogue.allCategories(db)).map((c) => c.code));
  b.categories.forEach((c, i) => {
    if (!codes.has(c)) p.push(problem(locale, `categories[${i}]`, 'unknown_category'));
  });
  const lists = new Map((await catalogue.allLists(db)).map((l) => [l.id, l.kind]));
  b.blockLists.forEach((id, i) => {
    if (!lists.has(id)) p.push(problem(locale, `blockLists[${i}]`, 'unknown_list'));
    else if (lists.get(id) !== 'block') p.push(problem(locale, `blockLists[${i}]`, 'list_kind'));
  });
  b.allowLists.forEach((id, i) => {
    if (!lists.has(id)) p.push(problem(locale, `allowLists[${i}]`, 'unknown_list'));
    else if (lists.get(id) !== 'allow') p.push(problem(locale, `allowLists[${i}]`, 'list_kind'));
  });
  return p;
}

const values = (b: PolicyChangeBody, userId: number | null) => ({
  name: trimmed(b.name),
  categories: [...b.categories].sort(),
  blockLists: [...b.blockLists].sort((x, y) => x - y),
  allowLists: [...b.allowLists].sort((x, y) => x - y),
  safeSearch: b.safeSearch,
  bypassProtection: b.bypassProtection,
  action: b.action,
  updatedBy: userId,
});

const loosensProblems = (locale: Locale, fields: string[]) =>
  fields.map((f) => problem(locale, f, 'loosens'));

/** Creates a national policy (the ministry) or an area's tightening of a national one (the ministry or the area's officer). */
export async function createPolicy(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  body: PolicyBody,
) {
  const p = await checkRules(db, locale, body);
  let parent: store.PolicyRow | undefined;
  if (body.areaId === null) {
    if (!isMinistry(actor)) throw forbidden();
  } else {
    const path = await areaPathOf(db, body.areaId);
    if (path === null) throw notFound('area');
    if (!coversPath(actor, path)) throw forbidden();
    parent = body.parentId === null ? undefined : await store.findPolicy(db, body.parentId);
    if (!parent || parent.areaId !== null) p.push(problem(locale, 'parentId', 'not_national'));
    else p.push(...loosensProblems(locale, loosenings({ ...body }, parent)));
  }
  refuseIf(p);
  const id = await db.transaction(async (tx) => {
    const row = await store.insertPolicy(tx, {
      ...values({ ...body, version: 0 }, ctx.actorId),
      areaId: body.areaId,
      parentId: body.areaId === null ? null : body.parentId,
    });
    await audit(tx, ctx, { action: 'create', entity: 'safety_policy', entityId: row.id, after: row });
    return row.id;
  });
  return policyOut(db, actor, id);
}

export async function updatePolicy(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  id: number,
  body: PolicyChangeBody,
) {
  await db.transaction(async (tx) => {
    const before = await store.findPolicy(tx, id, true);
    if (!before) throw notFound('safety_policy');
    if (!(await mayEdit(tx, actor, before))) throw forbidden();
    if (before.version !== body.version) throw staleVersion(body, await policyOut(tx, actor, id));
    const p = await checkRules(tx, locale, body);
    if (before.parentId !== null) {
      const parent = await store.findPolicy(tx, before.parentId);
      if (parent) p.push(...loosensProblems(locale, loosenings(body, parent)));
    }
    refuseIf(p);
    const after = await store.updatePolicy(tx, id, body.version, values(body, ctx.actorId));
    if (!after) throw staleVersion(body, await policyOut(tx, actor, id));
    await audit(tx, ctx, { action: 'update', entity: 'safety_policy', entityId: id, before, after });
  });
  return policyOut(db, actor, id);
}
