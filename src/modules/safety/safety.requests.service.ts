import type { Db } from '@/server/db/database';
import { AppError, forbidden, notFound, type FieldProblem } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import { staleVersion } from '@/server/versions';
import { now } from '@/server/clock';
import { grantsOf, type Actor } from '@/server/access';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { notify } from '@/modules/notifications/notifications.service';
import { categoryOfDomain, normaliseDomain, unicodeOf } from '@/modules/safety/safety.blockpage';
import { isPublicSuffix } from '@/modules/safety/safety.suffixes';
import * as store from '@/modules/safety/safety.requests.store';
import type { DecisionBody, RequestBody, RequestOut } from '@/modules/safety/safety.requests.schema';
import '@/modules/safety/safety.requests.messages';

/**
 * Unblock requests (`docs/safety.md`): a teacher or director of a school asks for a domain to be unblocked at
 * the school for a period; the district's officer (in their area) or the ministry approves it — possibly for
 * a shorter period — or rejects it with a note; the one who asked may withdraw it while it is pending. Every
 * write is at the version read (409 when stale), in one transaction, and audited. The engine passes the
 * domains of approved requests in their period (tag `x_<institutionId>`).
 */

export const ASKERS = ['teacher', 'director'] as const;
export const DECIDERS = ['admin', 'bureau', 'regional'] as const;
export const READERS = ['admin', 'bureau', 'regional', 'director', 'teacher'] as const;
/** The longest unblocking asked for, and how far ahead it may start. */
export const MAX_DAYS = 30;
export const MAX_AHEAD_DAYS = 14;
const DAY_MS = 86_400_000;

const problem = (locale: Locale, field: string, rule: string, params = {}): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `safetyRequests.rule.${rule}`, params)}`,
});
const refuseIf = (problems: FieldProblem[]) => {
  if (problems.length > 0) throw new AppError(422, 'safetyRequests.invalid', {}, problems);
};

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const nameIn = (r: { nameAz: string; nameRu: string; nameEn: string }, locale: Locale) =>
  (locale === 'ru' ? r.nameRu : locale === 'en' ? r.nameEn : r.nameAz) || r.nameAz;

/** What the caller sees of requests, from their grants. */
export function visibilityOf(actor: Actor): store.Visibility {
  const grants = grantsOf(actor, READERS);
  return {
    all: grants.some((g) => g.role === 'admin' || g.role === 'bureau'),
    areaIds: grants.filter((g) => g.role === 'regional' && g.areaId).map((g) => g.areaId!),
    institutionIds: grants
      .filter((g) => g.role === 'director' && g.institutionId)
      .map((g) => g.institutionId!),
    requesterId: actor.userId,
  };
}

function canDecide(actor: Actor, row: store.RequestListRow): boolean {
  return grantsOf(actor, DECIDERS).some(
    (g) => g.role !== 'regional' || (g.areaId !== null && row.areaPath.includes(g.areaId)),
  );
}

function out(row: store.RequestListRow, actor: Actor, locale: Locale, at: Date): RequestOut {
  const ended = new Date(row.endsAt).getTime() <= at.getTime();
  const state = (row.status === 'pending' || row.status === 'approved') && ended ? 'expired' : row.status;
  const pending = row.status === 'pending' && !ended;
  return {
    id: row.id,
    institutionId: row.institutionId,
    institutionName: nameIn(
      { nameAz: row.institutionNameAz, nameRu: row.institutionNameRu, nameEn: row.institutionNameEn },
      locale,
    ),
    domain: row.domain,
    unicode: unicodeOf(row.domain),
    category: row.categoryCode
      ? {
          code: row.categoryCode,
          name: row.categoryName?.[locale] || row.categoryName?.az || row.categoryCode,
        }
      : null,
    reason: row.reason,
    startsAt: iso(row.startsAt)!,
    endsAt: iso(row.endsAt)!,
    status: row.status as RequestOut['status'],
    state: state as RequestOut['state'],
    requestedBy: row.requestedBy,
    requesterName: row.requesterName ?? '',
    requestedAt: iso(row.requestedAt)!,
    decidedByName: row.deciderName ?? '',
    decidedAt: iso(row.decidedAt),
    decisionNote: row.decisionNote,
    version: row.version,
    canDecide: pending && canDecide(actor, row),
    canWithdraw: pending && row.requestedBy === actor.userId,
  };
}

export async function listRequests(
  db: Db,
  actor: Actor,
  locale: Locale,
  q: { institutionId?: number; mine?: boolean; state?: RequestOut['state'] },
): Promise<{ items: RequestOut[] }> {
  const at = now();
  const found = await store.listRequests(db, visibilityOf(actor), {
    institutionId: q.institutionId,
    requesterId: q.mine ? actor.userId : undefined,
  });
  const items = found.map((r) => out(r, actor, locale, at));
  return { items: q.state ? items.filter((i) => i.state === q.state) : items };
}

export async function getRequest(db: Db, actor: Actor, locale: Locale, id: number): Promise<RequestOut> {
  const [row] = await store.listRequests(db, visibilityOf(actor), { id });
  if (!row) throw notFound('safety_unblock_request');
  return out(row, actor, locale, now());
}

/** The schools the caller may ask for. */
export async function mySchools(db: Db, actor: Actor, locale: Locale) {
  const ids = [...new Set(grantsOf(actor, ASKERS).map((g) => g.institutionId!))].filter(Boolean);
  const found = await store.institutionNames(db, ids);
  return { items: found.map((r) => ({ id: r.id, name: nameIn(r, locale) })) };
}

function checkPeriod(locale: Locale, startsAt: Date, endsAt: Date, at: Date): FieldProblem[] {
  const p: FieldProblem[] = [];
  if (endsAt.getTime() <= startsAt.getTime()) p.push(problem(locale, 'endsAt', 'end_before_start'));
  else if (endsAt.getTime() <= at.getTime()) p.push(problem(locale, 'endsAt', 'past'));
  else if (endsAt.getTime() - startsAt.getTime() > MAX_DAYS * DAY_MS)
    p.push(problem(locale, 'endsAt', 'too_long', { days: MAX_DAYS }));
  if (startsAt.getTime() > at.getTime() + MAX_AHEAD_DAYS * DAY_MS)
    p.push(problem(locale, 'startsAt', 'too_far', { days: MAX_AHEAD_DAYS }));
  return p;
}

export async function createRequest(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  body: RequestBody,
): Promise<RequestOut> {
  const at = now();
  const domain = normaliseDomain(body.domain);
  const reason = body.reason.trim();
  const startsAt = new Date(body.startsAt);
  const endsAt = new Date(body.endsAt);
  const p: FieldProblem[] = [];
  if (isPublicSuffix(body.domain)) p.push(problem(locale, 'domain', 'public_suffix'));
  else if (!domain) p.push(problem(locale, 'domain', 'domain'));
  if (reason === '') p.push(problem(locale, 'reason', 'blank'));
  p.push(...checkPeriod(locale, startsAt, endsAt, at));
  refuseIf(p);
  // A request from the past starts now: the unblocking cannot reach back.
  const from = startsAt.getTime() < at.getTime() ? at : startsAt;
  const category = await categoryOfDomain(db, domain!);
  const id = await db.transaction(async (tx) => {
    const row = await store.insertRequest(tx, {
      institutionId: body.institutionId,
      domain: domain!,
      categoryCode: category?.code ?? null,
      reason,
      startsAt: from,
      endsAt,
      requestedBy: actor.userId,
      requestedAt: at,
    });
    await audit(tx, ctx, {
      action: 'create',
      entity: 'safety_unblock_request',
      entityId: row.id,
      after: row,
    });
    return row.id;
  });
  return getRequest(db, actor, locale, id);
}

/** Approves (optionally until an earlier end) or rejects a pending request, at the version read. */
export async function decide(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  id: number,
  verdict: 'approved' | 'rejected',
  body: DecisionBody,
): Promise<RequestOut> {
  const at = now();
  await db.transaction(async (tx) => {
    const before = await store.findRequest(tx, id, true);
    if (!before) throw notFound('safety_unblock_request');
    if (before.version !== body.version) throw staleVersion(body, await getRequest(tx, actor, locale, id));
    if (before.status !== 'pending' || before.endsAt.getTime() <= at.getTime())
      throw new AppError(409, 'safetyRequests.not_pending');
    let endsAt = before.endsAt;
    if (verdict === 'approved' && body.endsAt) {
      const shorter = new Date(body.endsAt);
      const p: FieldProblem[] = [];
      if (shorter.getTime() > before.endsAt.getTime()) p.push(problem(locale, 'endsAt', 'longer'));
      else if (shorter.getTime() <= Math.max(before.startsAt.getTime(), at.getTime()))
        p.push(problem(locale, 'endsAt', 'past'));
      refuseIf(p);
      endsAt = shorter;
    }
    const after = await store.updateRequest(tx, id, body.version, {
      status: verdict,
      endsAt,
      decidedBy: actor.userId,
      decidedAt: at,
      decisionNote: body.note.trim(),
    });
    if (!after) throw staleVersion(body, await getRequest(tx, actor, locale, id));
    await audit(tx, ctx, {
      action: verdict === 'approved' ? 'approve' : 'reject',
      entity: 'safety_unblock_request',
      entityId: id,
      before,
      after,
    });
    // The one who asked is told, in their own language when they read it.
    const domain = unicodeOf(after.domain);
    const asker = before.requestedBy === null ? [] : [before.requestedBy];
    if (verdict === 'approved')
      await notify(tx, asker, 'safety_request_approved', {
        requestId: id,
        domain,
        endsAt: after.endsAt.toISOString(),
      });
    else
      await notify(tx, asker, 'safety_request_rejected', {
        requestId: id,
        domain,
        note: after.decisionNote,
      });
  });
  return getRequest(db, actor, locale, id);
}

/** The one who asked takes back a pending request, at the version read. */
export async function withdraw(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  id: number,
  version: number,
): Promise<RequestOut> {
  await db.transaction(async (tx) => {
    const before = await store.findRequest(tx, id, true);
    if (!before) throw notFound('safety_unblock_request');
    if (before.requestedBy !== actor.userId) throw forbidden();
    if (before.version !== version) throw staleVersion({ version }, await getRequest(tx, actor, locale, id));
    if (before.status !== 'pending') throw new AppError(409, 'safetyRequests.not_pending');
    const after = await store.updateRequest(tx, id, version, { status: 'withdrawn' });
    if (!after) throw staleVersion({ version }, await getRequest(tx, actor, locale, id));
    await audit(tx, ctx, {
      action: 'withdraw',
      entity: 'safety_unblock_request',
      entityId: id,
      before,
      after,
    });
  });
  return getRequest(db, actor, locale, id);
}

/** The school a request is at, for the routes' scope checks. */
export async function institutionOfRequest(db: Db, id: number): Promise<number | null> {
  return (await store.findRequest(db, id))?.institutionId ?? null;
}
