import { and, eq } from 'drizzle-orm';
import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { notFound } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import { now } from '@/server/clock';
import { articles, events } from '@/modules/portal/portal.tables';
import * as newsStore from '@/modules/portal/portal.news.store';
import * as eventsStore from '@/modules/portal/portal.events.store';
import { areaList, areaPath, nearArea, placeNames, schoolPlace } from '@/modules/portal/portal.place';
import { cards } from '@/modules/portal/portal.news.service';
import { occurrencesOf } from '@/modules/portal/portal.events.service';
import type { Home } from '@/modules/portal/portal.schema';

/**
 * The portal's home: what's new near me. A visitor sees the nation's news and events, or those near the area
 * they pick; a signed-in person with a school (staff, students) sees their school's first, then their area's
 * and the nation's; a regional officer their area's. Later parts of the portal (discussions, the safety
 * courses) add their own sections beside these.
 */

const NEWS = 8;
const EVENTS = 8;
const DAY = 86_400_000;

/** The school and area a signed-in person belongs to, from their grants (the first school grant wins). */
function homeOf(actor: Actor | null): { institutionId: number | null; areaId: number | null } {
  const school = actor?.grants.find((g) => g.institutionId !== null);
  const area = actor?.grants.find((g) => g.role === 'regional' && g.areaId !== null);
  return { institutionId: school?.institutionId ?? null, areaId: area?.areaId ?? null };
}

export async function home(
  db: Db,
  locale: Locale,
  actor: Actor | null,
  pickedAreaId?: number,
): Promise<Home> {
  const mine = homeOf(actor);
  const school = mine.institutionId ? await schoolPlace(db, mine.institutionId) : null;
  const areaId = pickedAreaId ?? school?.areaId ?? mine.areaId ?? null;
  const path = areaId ? await areaPath(db, areaId) : null;
  if (pickedAreaId && !path) throw notFound('area');
  const schoolId = school ? mine.institutionId : null;
  // A picked area shows what is under it too; a person's own area only what is above their school.
  const below = pickedAreaId !== undefined;

  const from = now();
  const to = new Date(from.getTime() + 60 * DAY);
  const schoolNews = schoolId
    ? await newsStore.listPublished(
        db,
        and(eq(articles.placeKind, 'institution'), eq(articles.institutionId, schoolId)),
        NEWS,
      )
    : [];
  const nearNews = await newsStore.listPublished(db, nearArea(articles, path, below), NEWS);
  const seen = new Set(schoolNews.map((r) => r.id));
  const news = [...schoolNews, ...nearNews.filter((r) => !seen.has(r.id))].slice(0, NEWS);

  const schoolEvents = schoolId
    ? await eventsStore.listBetween(
        db,
        and(eq(events.placeKind, 'institution'), eq(events.institutionId, schoolId)),
        from,
        to,
        EVENTS,
      )
    : [];
  const nearEvents = await eventsStore.listBetween(db, nearArea(events, path, below), from, to, EVENTS * 3);
  const schoolOccurrences = await occurrencesOf(db, locale, schoolEvents, from, to, EVENTS);
  const taken = new Set(schoolEvents.map((e) => e.id));
  const nearOccurrences = await occurrencesOf(
    db,
    locale,
    nearEvents.filter((e) => !taken.has(e.id)),
    from,
    to,
    EVENTS,
  );

  const names = await placeNames(db, locale, [
    ...(areaId ? [{ placeKind: 'area', areaId, institutionId: null }] : []),
    ...(schoolId ? [{ placeKind: 'institution', areaId: null, institutionId: schoolId }] : []),
  ]);
  return {
    area: areaId
      ? { id: areaId, name: names({ placeKind: 'area', areaId, institutionId: null }).name }
      : null,
    school: schoolId
      ? {
          id: schoolId,
          name: names({ placeKind: 'institution', areaId: null, institutionId: schoolId }).name,
        }
      : null,
    news: await cards(db, locale, news),
    events: [...schoolOccurrences, ...nearOccurrences].slice(0, EVENTS),
    areas: await areaList(db, locale),
  };
}
