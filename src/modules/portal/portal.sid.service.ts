import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, forbidden, notFound, type FieldProblem } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import { now } from '@/server/clock';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as store from '@/modules/portal/portal.courses.store';
import { schoolPlace, placeNames } from '@/modules/portal/portal.place';
import { sidParticipation } from '@/modules/portal/portal.courses.report';
import { inLocale } from '@/modules/portal/portal.courses.service';
import '@/modules/portal/portal.courses.messages';

/**
 * Safer Internet Day (docs/portal.md): the year's campaign (Insafe's day, the second Tuesday of February) with
 * its activities for grades 5–11; a director registers their school's event (one a year, edited at the version
 * read); the ministry and regional officers count participation by area.
 */

/** The year of the campaign a school year looks to: from September, next February's. */
export function campaignYear(at: Date = now()): number {
  const baku = new Date(at.getTime() + 4 * 3_600_000);
  return baku.getUTCMonth() >= 8 ? baku.getUTCFullYear() + 1 : baku.getUTCFullYear();
}

/**
 * Whether a campaign is closed to registrations and changes: a past year's (its February is behind the school
 * year that today, in Baku, belongs to). The one rule `registerEvent` refuses by and the page shows.
 */
export const campaignClosed = (c: { year: number }, at: Date = now()): boolean => c.year < campaignYear(at);

/** Days around the day that a school's event may be held on. */
export const EVENT_WINDOW_DAYS = 31;

const problem = (locale: Locale, field: string, rule: string): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `portal.sid.rule.${rule}`)}`,
});
const refuse = (problems: FieldProblem[]): never => {
  throw new AppError(422, 'portal.sid.invalid', {}, problems);
};

const directedSchools = (actor: Actor | null) =>
  actor?.grants.filter((g) => g.role === 'director' && g.institutionId).map((g) => g.institutionId!) ?? [];

async function campaignFor(db: Db, year: number | undefined) {
  const wanted = year ?? campaignYear();
  return (await store.campaignOfYear(db, wanted)) ?? (await store.latestCampaign(db, wanted));
}

const eventOut = (e: store.SidEventRow) => ({
  id: e.id,
  version: e.version,
  institutionId: e.institutionId,
  title: e.title,
  heldOn: e.heldOn,
  participants: e.participants,
  activityIds: e.activityIds,
});

/** The campaign of a year (by default the coming one), its activities, and the caller's schools' events. */
export async function getCampaign(db: Db, locale: Locale, actor: Actor | null, year?: number) {
  const c = await campaignFor(db, year);
  if (!c) return { campaign: null, schools: [], seesParticipation: false };
  const activities = await store.activitiesOf(db, c.id);
  const mine = directedSchools(actor);
  const events = new Map((await store.eventsOfSchools(db, c.id, mine)).map((e) => [e.institutionId, e]));
  const name = await placeNames(
    db,
    locale,
    mine.map((id) => ({ placeKind: 'institution', areaId: null, institutionId: id })),
  );
  return {
    campaign: {
      id: c.id,
      year: c.year,
      day: c.day,
      theme: inLocale(c.theme, locale),
      summary: inLocale(c.summary, locale),
      closed: campaignClosed(c),
      activities: activities.map((a) => ({
        id: a.id,
        gradeFrom: a.gradeFrom,
        gradeTo: a.gradeTo,
        title: inLocale(a.title, locale),
        description: inLocale(a.description, locale),
      })),
    },
    schools: mine.map((id) => {
      const e = events.get(id);
      return {
        institutionId: id,
        name: name({ placeKind: 'institution', areaId: null, institutionId: id }).name,
        event: e ? eventOut(e) : null,
      };
    }),
    seesParticipation: !!actor?.grants.some((g) => ['admin', 'bureau', 'regional'].includes(g.role)),
  };
}

export interface SidEventInput {
  institutionId: number;
  title: string;
  heldOn: string;
  participants: number;
  activityIds: number[];
  /** The version read; absent for a new registration. */
  version?: number;
}

/** A director registers (or changes) their school's event of a campaign. */
export async function registerEvent(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  campaignId: number,
  input: SidEventInput,
) {
  if (!directedSchools(actor).includes(input.institutionId)) throw forbidden();
  const c = await findCampaign(db, campaignId);
  // A past year's campaign is closed: its events stand as registered.
  if (campaignClosed(c)) refuse([problem(locale, 'campaignId', 'past')]);
  const problems: FieldProblem[] = [];
  const title = input.title.trim();
  if (title === '') problems.push(problem(locale, 'title', 'required'));
  const days = (Date.parse(`${input.heldOn}T00:00:00Z`) - Date.parse(`${c.day}T00:00:00Z`)) / 86_400_000;
  if (!(Math.abs(days) <= EVENT_WINDOW_DAYS)) problems.push(problem(locale, 'heldOn', 'window'));
  const known = new Set((await store.activitiesOf(db, c.id)).map((a) => a.id));
  if (input.activityIds.some((id) => !known.has(id)))
    problems.push(problem(locale, 'activityIds', 'activity'));
  if (problems.length) refuse(problems);
  const place = await schoolPlace(db, input.institutionId);
  if (!place) throw notFound('institution');
  const values = {
    title,
    heldOn: input.heldOn,
    participants: input.participants,
    activityIds: [...new Set(input.activityIds)],
    registeredBy: actor.userId,
  };
  return db.transaction(async (tx) => {
    const existing = await store.eventOfSchool(tx, c.id, input.institutionId);
    if (!existing) {
      if (input.version !== undefined) throw notFound('event');
      const made = await store.insertEvent(tx, {
        ...values,
        campaignId: c.id,
        institutionId: input.institutionId,
        placePath: place.path,
      });
      if (!made) throw new AppError(409, 'concurrent_change');
      await audit(tx, ctx, {
        action: 'create',
        entity: 'portal_sid_event',
        entityId: made.id,
        after: values,
      });
      return eventOut(made);
    }
    if (input.version === undefined || input.version !== existing.version)
      throw staleVersion({ version: input.version ?? 0, ...values }, eventOut(existing));
    const saved = await store.updateEvent(tx, existing.id, existing.version, values, now());
    if (!saved) throw staleVersion({ version: input.version, ...values }, eventOut(existing));
    await audit(tx, ctx, {
      action: 'update',
      entity: 'portal_sid_event',
      entityId: saved.id,
      before: eventOut(existing),
      after: values,
    });
    return eventOut(saved);
  });
}

async function findCampaign(db: Db, campaignId: number) {
  const found = await store.findCampaign(db, campaignId);
  if (!found) throw notFound('campaign');
  return found;
}

/** Participation in a campaign by area (the ministry: by region; a regional officer: their area). */
export async function participation(
  db: Db,
  actor: Actor,
  locale: Locale,
  campaignId: number,
  areaId: number | undefined,
) {
  const c = await findCampaign(db, campaignId);
  return { year: c.year, ...(await sidParticipation(db, actor, locale, c.id, { areaId })) };
}
