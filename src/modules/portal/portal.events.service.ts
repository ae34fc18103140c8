import { and, eq } from 'drizzle-orm';
import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, conflict, forbidden, notFound, type FieldProblem } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import { now } from '@/server/clock';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { events } from '@/modules/portal/portal.tables';
import * as store from '@/modules/portal/portal.events.store';
import {
  areaPath,
  editableBy,
  mayPublish,
  nearArea,
  placeNames,
  type Place,
} from '@/modules/portal/portal.place';
import { placeFor, refuse } from '@/modules/portal/portal.news.service';
import { languageFor, trimmed } from '@/modules/portal/portal.text';
import {
  instantOf,
  isTimeZone,
  lastEnd,
  occurrences,
  parseWall,
  wallOf,
  wallText,
} from '@/modules/portal/portal.time';
import type { EventBody, EventEdit, EventOut, Occurrence } from '@/modules/portal/portal.schema';
import '@/modules/portal/portal.messages';

/**
 * The portal's events: by place, with a time zone and a weekly or monthly recurrence, a venue or a link, an
 * audience, and registration up to a capacity. Calendars list occurrences near an area or of a school.
 */

const problem = (locale: Locale, field: string, rule: string): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `portal.rule.${rule}`)}`,
});
const WEB_ADDRESS = /^https?:\/\/[^\s/?#]+\.[^\s]+$/i;
const DAY = 86_400_000;

/** Checks an event and works out its instants; refuses with every field problem at once. */
function timingOf(locale: Locale, b: EventBody) {
  const p: FieldProblem[] = [];
  const t = trimmed(b.title);
  if (!t.az && !t.ru && !t.en) p.push(problem(locale, 'title', 'text_required'));
  if (b.onlineUrl.trim() && !WEB_ADDRESS.test(b.onlineUrl.trim()))
    p.push(problem(locale, 'onlineUrl', 'url'));
  if (!isTimeZone(b.timeZone)) {
    p.push(problem(locale, 'timeZone', 'time_zone'));
    return refuse(p);
  }
  const startsAt = instantOf(parseWall(b.start), b.timeZone);
  const endsAt = instantOf(parseWall(b.end), b.timeZone);
  if (!startsAt) p.push(problem(locale, 'start', 'no_such_time'));
  if (!endsAt) p.push(problem(locale, 'end', 'no_such_time'));
  if (startsAt && endsAt && endsAt < startsAt) p.push(problem(locale, 'end', 'before_start'));
  if (startsAt && endsAt && endsAt.getTime() - startsAt.getTime() > 31 * DAY)
    p.push(problem(locale, 'end', 'too_long'));
  let repeatUntil: Date | null = null;
  if (b.repeat) {
    if ((b.repeatCount === null) === (b.repeatUntil === null))
      p.push(problem(locale, 'repeatCount', 'repeat_end'));
    if (b.repeatUntil) {
      // The last day it may repeat on: until the end of that day, local time.
      const w = parseWall(b.repeatUntil);
      repeatUntil = instantOf({ ...w, h: 23, mi: 59 }, b.timeZone);
      if (!repeatUntil) p.push(problem(locale, 'repeatUntil', 'no_such_time'));
      else if (startsAt && repeatUntil < startsAt) p.push(problem(locale, 'repeatUntil', 'before_start'));
      else if (startsAt && repeatUntil.getTime() - startsAt.getTime() > 731 * DAY)
        p.push(problem(locale, 'repeatUntil', 'repeat_too_far'));
    }
  } else {
    if (b.repeatCount !== null) p.push(problem(locale, 'repeatCount', 'no_repeat'));
    if (b.repeatUntil !== null) p.push(problem(locale, 'repeatUntil', 'no_repeat'));
  }
  if (p.length) refuse(p);
  const timing = {
    startsAt: startsAt!,
    endsAt: endsAt!,
    timeZone: b.timeZone,
    repeat: b.repeat,
    repeatCount: b.repeat ? b.repeatCount : null,
    repeatUntil,
  };
  return { ...timing, lastEndsAt: lastEnd(timing) };
}

const values = (locale: Locale, b: EventBody, place: Place, authorId: number | null): store.EventValues => ({
  ...place,
  ...timingOf(locale, b),
  title: trimmed(b.title),
  description: trimmed(b.description),
  venue: b.venue.trim(),
  onlineUrl: b.onlineUrl.trim(),
  grades: [...new Set(b.grades)].sort((x, y) => x - y),
  roles: [...new Set(b.roles)],
  capacity: b.capacity,
  authorId,
});

const common = (r: store.EventRow) => ({
  id: r.id,
  startsAt: r.startsAt.toISOString(),
  endsAt: r.endsAt.toISOString(),
  timeZone: r.timeZone,
  repeat: r.repeat,
  repeatCount: r.repeatCount,
  repeatUntil: r.repeatUntil?.toISOString() ?? null,
  venue: r.venue,
  onlineUrl: r.onlineUrl,
  grades: r.grades,
  roles: r.roles,
  capacity: r.capacity,
  registered: r.registered,
});

async function editOut(db: Db, locale: Locale, rows: store.EventRow[]): Promise<EventEdit[]> {
  const name = await placeNames(db, locale, rows);
  return rows.map((r) => ({
    ...common(r),
    place: name(r),
    version: r.version,
    title: r.title,
    description: r.description,
    start: wallText(wallOf(r.startsAt, r.timeZone)),
    end: wallText(wallOf(r.endsAt, r.timeZone)),
    repeatUntilLocal: r.repeatUntil
      ? wallText(wallOf(r.repeatUntil, r.timeZone)).slice(0, 10) + 'T00:00'
      : null,
  }));
}

/** The occurrences near an area (or of a school) in a window, first by start; at most `limit`. */
export async function calendar(
  db: Db,
  locale: Locale,
  q: { areaId?: number; institutionId?: number; from?: string; days?: number },
  limit = 300,
): Promise<Occurrence[]> {
  let where;
  if (q.institutionId) {
    where = and(eq(events.placeKind, 'institution'), eq(events.institutionId, q.institutionId));
  } else {
    const path = q.areaId ? await areaPath(db, q.areaId) : null;
    if (q.areaId && !path) throw notFound('area');
    where = nearArea(events, path, true);
  }
  const from = q.from ? new Date(q.from) : now();
  const to = new Date(from.getTime() + (q.days ?? 60) * DAY);
  return occurrencesOf(db, locale, await store.listBetween(db, where, from, to, limit), from, to, limit);
}

/** Occurrences of some events in a window, in order. */
export async function occurrencesOf(
  db: Db,
  locale: Locale,
  rows: store.EventRow[],
  from: Date,
  to: Date,
  limit: number,
): Promise<Occurrence[]> {
  const name = await placeNames(db, locale, rows);
  const out: Occurrence[] = [];
  for (const r of rows) {
    const lang = languageFor(locale, (l) => r.title[l].trim() !== '');
    for (const o of occurrences(r, from, to)) {
      out.push({
        eventId: r.id,
        place: name(r),
        title: r.title[lang],
        lang,
        fallback: lang !== locale,
        startsAt: o.startsAt.toISOString(),
        endsAt: o.endsAt.toISOString(),
        timeZone: r.timeZone,
        venue: r.venue,
        online: r.onlineUrl !== '',
      });
    }
  }
  out.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.eventId - b.eventId);
  return out.slice(0, limit);
}

/** One published event for readers, with its next occurrences and whether the caller is registered. */
export async function getEvent(db: Db, locale: Locale, actor: Actor | null, id: number): Promise<EventOut> {
  const r = await store.findEvent(db, id);
  if (!r || !r.published) throw notFound('event');
  const name = await placeNames(db, locale, [r]);
  const lang = languageFor(locale, (l) => r.title[l].trim() !== '');
  const from = now();
  return {
    ...common(r),
    place: name(r),
    title: r.title[lang],
    description: r.description[lang],
    lang,
    fallback: lang !== locale,
    mine: actor ? await store.isRegistered(db, id, actor.userId) : false,
    next: occurrences(r, from, new Date(from.getTime() + 800 * DAY))
      .slice(0, 10)
      .map((o) => ({ startsAt: o.startsAt.toISOString(), endsAt: o.endsAt.toISOString() })),
  };
}

export async function listEditable(db: Db, actor: Actor, locale: Locale) {
  return { items: await editOut(db, locale, await store.listEditable(db, editableBy(actor, events))) };
}

async function editable(db: Db, actor: Actor, id: number, lock = false) {
  const row = await store.findEvent(db, id, lock);
  if (!row) throw notFound('event');
  if (!mayPublish(actor, row)) throw forbidden();
  return row;
}

export async function getEditable(db: Db, actor: Actor, locale: Locale, id: number) {
  return (await editOut(db, locale, [await editable(db, actor, id)]))[0]!;
}

export async function createEvent(db: Db, ctx: ChangeContext, actor: Actor, locale: Locale, body: EventBody) {
  const v = values(locale, body, await placeFor(db, actor, locale, body.place), actor.userId);
  const row = await db.transaction(async (tx) => {
    const row = await store.insertEvent(tx, v);
    await audit(tx, ctx, { action: 'create', entity: 'portal_event', entityId: row.id, after: row });
    return row;
  });
  return (await editOut(db, locale, [row]))[0]!;
}

export async function updateEvent(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  id: number,
  body: EventBody & { version: number },
) {
  const row = await db.transaction(async (tx) => {
    const before = await editable(tx, actor, id, true);
    if (before.version !== body.version) throw staleVersion(body, (await editOut(tx, locale, [before]))[0]!);
    const v = values(locale, body, await placeFor(tx, actor, locale, body.place), before.authorId);
    if (v.capacity !== null && v.capacity !== undefined && v.capacity < before.registered)
      throw new AppError(422, 'portal.invalid', {}, [
        { field: 'capacity', reason: 'capacity_below', message: translate(locale, 'portal.capacity_below') },
      ]);
    const after = await store.updateEvent(tx, id, body.version, v);
    if (!after) throw staleVersion(body, await getEditable(tx, actor, locale, id));
    await audit(tx, ctx, { action: 'update', entity: 'portal_event', entityId: id, before, after });
    return after;
  });
  return (await editOut(db, locale, [row]))[0]!;
}

export async function deleteEvent(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  id: number,
  version: number,
) {
  await db.transaction(async (tx) => {
    const before = await editable(tx, actor, id, true);
    if (before.version !== version || !(await store.deleteEvent(tx, id, version)))
      throw staleVersion({ version }, (await editOut(tx, locale, [before]))[0]!);
    await audit(tx, ctx, { action: 'delete', entity: 'portal_event', entityId: id, before });
  });
}

/** Registers the caller for an event; refused when it takes no registration, is over, or is full. */
export async function register(db: Db, actor: Actor, id: number) {
  const r = await store.findEvent(db, id);
  if (!r || !r.published) throw notFound('event');
  if (r.capacity === null) throw conflict('portal.no_registration');
  if (r.lastEndsAt < now()) throw conflict('portal.over');
  const result = await db.transaction(async (tx) => {
    const out = await store.register(tx, id, actor.userId);
    // Full: the registration row goes with the transaction.
    if (out === 'full') throw conflict('portal.full');
    return out;
  });
  const current = result === 'already' ? (await store.findEvent(db, id))!.registered : result;
  return { registered: current, mine: true };
}

/** Cancels the caller's registration (nothing to do when there was none). */
export async function unregister(db: Db, actor: Actor, id: number) {
  const r = await store.findEvent(db, id);
  if (!r || !r.published) throw notFound('event');
  const count = await db.transaction((tx) => store.unregister(tx, id, actor.userId));
  return { registered: count ?? r.registered, mine: false };
}
