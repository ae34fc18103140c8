import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { forbidden, notFound, type FieldProblem } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as store from '@/modules/safety/safety.schedules.store';
import * as places from '@/modules/safety/safety.policies.store';
import * as catalogue from '@/modules/safety/safety.catalogue.store';
import {
  coversPath,
  isBlank,
  isMinistry,
  problem,
  refuseIf,
  trimmed,
} from '@/modules/safety/safety.catalogue.service';
import type {
  AssignmentBody,
  ExamBody,
  ExamEndBody,
  WindowBody,
} from '@/modules/safety/safety.schedules.schema';

/**
 * Schedules: which policy a network kind gets in a time window (`lessons`, `after_school`, `always`) at a scope
 * (national, a region or district, a school; the most specific wins), the lesson windows of a scope (weekdays,
 * minutes school time, crossing midnight when the end is below the start), and exams (for chosen schools and
 * hours only an allow list's sites resolve). The ministry keeps national rows; a district's officer its area's
 * and its schools'. Writes transactional, at the version read, audited.
 */

type Scope = { areaId: number | null; institutionId: number | null };

interface Place {
  path: number[];
  name: { az: string; ru: string; en: string };
}

/** The place a scope names (null for national); 404 when it does not exist. */
async function placeOf(db: Db, s: Scope): Promise<Place | null> {
  if (s.institutionId !== null) {
    const school = await places.schoolPlace(db, s.institutionId);
    if (!school) throw notFound('institution');
    return { path: school.areaPath, name: { az: school.nameAz, ru: school.nameRu, en: school.nameEn } };
  }
  if (s.areaId !== null) {
    const area = (await places.areaNames(db)).find((a) => a.id === s.areaId);
    if (!area) throw notFound('area');
    return { path: area.path, name: { az: area.nameAz, ru: area.nameRu, en: area.nameEn } };
  }
  return null;
}

/** Whether the caller may keep a scope's rows: national the ministry; an area's or school's its officers too. */
async function mayKeep(db: Db, actor: Actor, s: Scope) {
  const place = await placeOf(db, s);
  return place === null ? isMinistry(actor) : coversPath(actor, place.path);
}

export async function listSchedules(db: Db, actor: Actor) {
  const [assignments, windows, exams] = await Promise.all([
    store.allAssignments(db),
    store.allWindows(db),
    store.allExams(db),
  ]);
  const cache = new Map<string, Place | null>();
  const place = async (s: Scope) => {
    const key = `${s.areaId}:${s.institutionId}`;
    if (!cache.has(key)) cache.set(key, await placeOf(db, s));
    return cache.get(key)!;
  };
  const visible = async (s: Scope) => {
    const p = await place(s);
    return p === null || coversPath(actor, p.path);
  };
  const scoped = async <T extends Scope>(rows: T[]) => {
    const out = [];
    for (const r of rows) if (await visible(r)) out.push({ ...r, scopeName: (await place(r))?.name ?? null });
    return out;
  };
  const examOut = [];
  for (const e of exams) {
    let seen = isMinistry(actor);
    for (const id of e.institutionIds) if (!seen) seen = await visible({ areaId: null, institutionId: id });
    if (seen)
      examOut.push({
        id: e.id,
        name: e.name,
        startsAt: e.startsAt.toISOString(),
        endsAt: e.endsAt.toISOString(),
        allowListId: e.allowListId,
        institutionIds: e.institutionIds,
        version: e.version,
      });
  }
  return {
    assignments: (await scoped(assignments)).map((a) => ({
      id: a.id,
      areaId: a.areaId,
      institutionId: a.institutionId,
      scopeName: a.scopeName,
      networkKind: a.networkKind,
      window: a.window,
      policyId: a.policyId,
      version: a.version,
    })),
    windows: (await scoped(windows)).map((w) => ({
      id: w.id,
      areaId: w.areaId,
      institutionId: w.institutionId,
      scopeName: w.scopeName,
      weekdays: w.weekdays,
      startMinute: w.startMinute,
      endMinute: w.endMinute,
      version: w.version,
    })),
    exams: examOut,
  };
}

function checkScope(locale: Locale, s: Scope): FieldProblem[] {
  return s.areaId !== null && s.institutionId !== null ? [problem(locale, 'institutionId', 'one_scope')] : [];
}

/**
 * Sets the policy of a scope's network kind and window: a new row when there is none (version 0), else a save
 * at the version read. A district's officer may assign its own tightenings or national policies.
 */
export async function saveAssignment(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  body: AssignmentBody,
) {
  refuseIf(checkScope(locale, body));
  if (!(await mayKeep(db, actor, body))) throw forbidden();
  const policy = await places.findPolicy(db, body.policyId);
  const p: FieldProblem[] = [];
  if (!policy) p.push(problem(locale, 'policyId', 'unknown_policy'));
  else if (policy.areaId !== null) {
    const path = (await places.areaPath(db, policy.areaId)) ?? [];
    const target = await placeOf(db, body);
    if (target === null || !target.path.includes(policy.areaId) || !coversPath(actor, path))
      p.push(problem(locale, 'policyId', 'policy_for_area'));
  }
  // Below the ministry a scope may only tighten: the national policy its network kind and window get, or a
  // tightening of that policy — never another national policy (the staff's, the guests') for pupils.
  if (policy && !actor.grants.some((g) => g.role === 'admin' || g.role === 'bureau')) {
    const national =
      (await store.findAssignment(db, { ...body, areaId: null, institutionId: null })) ??
      (await store.findAssignment(db, { ...body, areaId: null, institutionId: null, window: 'always' }));
    const inherited = national?.policyId ?? null;
    const tightens =
      inherited === null ? policy.areaId !== null : policy.id === inherited || policy.parentId === inherited;
    if (!tightens) p.push(problem(locale, 'policyId', 'looser_policy'));
  }
  refuseIf(p);
  return db.transaction(async (tx) => {
    const before = await store.findAssignment(tx, body);
    // A new row is saved from version 0 and starts at 1, so that two first saves cannot both pass.
    if ((before?.version ?? 0) !== body.version || (before && body.version === 0))
      throw staleVersion(body, before ?? { version: 0 });
    let after: store.AssignmentRow | undefined;
    if (before) after = await store.updateAssignment(tx, before.id, body.version, body.policyId, ctx.actorId);
    else
      after = await store.insertAssignment(tx, {
        areaId: body.areaId,
        institutionId: body.institutionId,
        networkKind: body.networkKind,
        window: body.window,
        policyId: body.policyId,
        updatedBy: ctx.actorId,
        version: 1,
      });
    if (!after) throw staleVersion(body, { version: (before?.version ?? 0) + 1 });
    await audit(tx, ctx, {
      action: before ? 'update' : 'create',
      entity: 'safety_assignment',
      entityId: after.id,
      before,
      after,
    });
    return {
      id: after.id,
      areaId: after.areaId,
      institutionId: after.institutionId,
      scopeName: (await placeOf(tx, after))?.name ?? null,
      networkKind: after.networkKind,
      window: after.window,
      policyId: after.policyId,
      version: after.version,
    };
  });
}

export async function deleteAssignment(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  id: number,
  version: number,
) {
  await db.transaction(async (tx) => {
    const before = await store.assignmentById(tx, id);
    if (!before) throw notFound('safety_assignment');
    if (!(await mayKeep(tx, actor, before))) throw forbidden();
    if (before.version !== version || !(await store.deleteAssignment(tx, id, version)))
      throw staleVersion({ version }, before);
    await audit(tx, ctx, { action: 'delete', entity: 'safety_assignment', entityId: id, before });
  });
}

export async function createWindow(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  body: WindowBody,
) {
  const p = checkScope(locale, body);
  if (body.startMinute === body.endMinute) p.push(problem(locale, 'endMinute', 'same_minute'));
  refuseIf(p);
  if (!(await mayKeep(db, actor, body))) throw forbidden();
  return db.transaction(async (tx) => {
    const row = await store.insertWindow(tx, {
      areaId: body.areaId,
      institutionId: body.institutionId,
      weekdays: [...body.weekdays].sort(),
      startMinute: body.startMinute,
      endMinute: body.endMinute,
    });
    await audit(tx, ctx, { action: 'create', entity: 'safety_window', entityId: row.id, after: row });
    return { ...row, scopeName: (await placeOf(tx, row))?.name ?? null };
  });
}

export async function deleteWindow(db: Db, ctx: ChangeContext, actor: Actor, id: number, version: number) {
  await db.transaction(async (tx) => {
    const before = await store.windowById(tx, id);
    if (!before) throw notFound('safety_window');
    if (!(await mayKeep(tx, actor, before))) throw forbidden();
    if (before.version !== version || !(await store.deleteWindow(tx, id, version)))
      throw staleVersion({ version }, before);
    await audit(tx, ctx, { action: 'delete', entity: 'safety_window', entityId: id, before });
  });
}

export async function createExam(db: Db, ctx: ChangeContext, actor: Actor, locale: Locale, body: ExamBody) {
  const p: FieldProblem[] = [];
  if (isBlank(body.name)) p.push(problem(locale, 'name', 'text_required'));
  if (new Date(body.endsAt) <= new Date(body.startsAt)) p.push(problem(locale, 'endsAt', 'before_start'));
  const list = await catalogue.findList(db, body.allowListId);
  if (!list) p.push(problem(locale, 'allowListId', 'unknown_list'));
  else if (list.kind !== 'allow') p.push(problem(locale, 'allowListId', 'list_kind'));
  for (const [i, id] of body.institutionIds.entries()) {
    const school = await places.schoolPlace(db, id);
    if (!school) p.push(problem(locale, `institutionIds[${i}]`, 'schools'));
    else if (!coversPath(actor, school.areaPath))
      p.push(problem(locale, `institutionIds[${i}]`, 'school_not_yours'));
  }
  refuseIf(p);
  return db.transaction(async (tx) => {
    const row = await store.insertExam(tx, {
      name: trimmed(body.name),
      startsAt: new Date(body.startsAt),
      endsAt: new Date(body.endsAt),
      allowListId: body.allowListId,
      institutionIds: [...body.institutionIds].sort((a, b) => a - b),
      createdBy: ctx.actorId,
    });
    await audit(tx, ctx, { action: 'create', entity: 'safety_exam', entityId: row.id, after: row });
    return {
      id: row.id,
      name: row.name,
      startsAt: row.startsAt.toISOString(),
      endsAt: row.endsAt.toISOString(),
      allowListId: row.allowListId,
      institutionIds: row.institutionIds,
      version: row.version,
    };
  });
}

/**
 * Moves an exam's end: ends it now, or gives it more time. Only an exam not yet over, to a time not in the
 * past and after its start, by whoever may act on all its schools; at the version read, audited. The engine
 * reads exams by the clock, so the nodes follow at their next poll.
 */
export async function endExam(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  id: number,
  body: ExamEndBody,
) {
  return db.transaction(async (tx) => {
    const before = await store.examById(tx, id);
    if (!before) throw notFound('safety_exam');
    for (const sid of before.institutionIds) {
      const school = await places.schoolPlace(tx, sid);
      if (school && !coversPath(actor, school.areaPath)) throw forbidden();
    }
    if (before.version !== body.version) throw staleVersion({ version: body.version }, before);
    const now = Date.now();
    const endsAt = new Date(body.endsAt);
    const p: FieldProblem[] = [];
    // A minute's grace: "end now" is sent a moment before it arrives.
    if (before.endsAt.getTime() <= now) p.push(problem(locale, 'endsAt', 'exam_over'));
    else if (endsAt.getTime() < now - 60_000) p.push(problem(locale, 'endsAt', 'in_the_past'));
    else if (endsAt <= before.startsAt) p.push(problem(locale, 'endsAt', 'before_start'));
    refuseIf(p);
    const end = new Date(Math.max(endsAt.getTime(), now));
    const after = await store.updateExamEnd(tx, id, body.version, end);
    if (!after) throw staleVersion({ version: body.version }, before);
    await audit(tx, ctx, {
      action: 'update',
      entity: 'safety_exam',
      entityId: id,
      before: { endsAt: before.endsAt.toISOString() },
      after: { endsAt: after.endsAt.toISOString() },
    });
    return {
      id: after.id,
      name: after.name,
      startsAt: after.startsAt.toISOString(),
      endsAt: after.endsAt.toISOString(),
      allowListId: after.allowListId,
      institutionIds: after.institutionIds,
      version: after.version,
    };
  });
}

export async function deleteExam(db: Db, ctx: ChangeContext, actor: Actor, id: number, version: number) {
  await db.transaction(async (tx) => {
    const before = await store.examById(tx, id);
    if (!before) throw notFound('safety_exam');
    for (const sid of before.institutionIds) {
      const school = await places.schoolPlace(tx, sid);
      if (school && !coversPath(actor, school.areaPath)) throw forbidden();
    }
    if (before.version !== version || !(await store.deleteExam(tx, id, version)))
      throw staleVersion({ version }, before);
    await audit(tx, ctx, { action: 'delete', entity: 'safety_exam', entityId: id, before });
  });
}
