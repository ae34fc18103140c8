import { and, eq } from 'drizzle-orm';
import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { notFound } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import { now } from '@/server/clock';
import { RevisionCache } from '@/server/revision';
import { articles, events } from '@/modules/portal/portal.tables';
import * as newsStore from '@/modules/portal/portal.news.store';
import * as eventsStore from '@/modules/portal/portal.events.store';
import {
  areaList,
  areaPath,
  childrenSchool,
  nearArea,
  placeNames,
  schoolPlace,
} from '@/modules/portal/portal.place';
import { cards } from '@/modules/portal/portal.news.service';
import { occurrencesOf } from '@/modules/portal/portal.events.service';
import type { Home } from '@/modules/portal/portal.schema';

/**
 * The portal's home: what's new near me. A visitor sees the nation's news and events, or those near the area
 * they pick; a signed-in person with a school (staff, students; a parent: their first child's) sees their
 * school's first, then their area's and the nation's; a regional officer their area's. Later parts of the
 * portal (discussions, the safety courses) add their own sections beside these.
 *
 * Kept: an answer is computed once for everyone who would get the same one — by language, picked area and the
 * person's school and area (a visitor: language and area) — and served again while the portal's tables are
 * unchanged (their data revision, `portal`, read on every request: a write shows at once, on every app node)
 * and for at most HOME_KEEP_MS, so that an item scheduled for later appears at most that late, and the names
 * of areas and schools (which do not bump `portal`) follow a rename as soon.
 */

const NEWS = 8;
const EVENTS = 8;
const DAY = 86_400_000;
export const HOME_KEEP_MS = 15_000;
const kept = new RevisionCache<Home>(['portal'], 1000);

interface Mine {
  institutionId: number | null;
  areaId: number | null;
  /** A parent's children, whose school is theirs when they have none of their own. */
  childIds: number[];
}

/** The school and area a signed-in person belongs to, from their grants (the first school grant wins). */
function homeOf(actor: Actor | null): Mine {
  const school = actor?.grants.find((g) => g.institutionId !== null);
  const area = actor?.grants.find((g) => g.role === 'regional' && g.areaId !== null);
  const parent = actor?.grants.some((g) => g.role === 'parent') ?? false;
  return {
    institutionId: school?.institutionId ?? null,
    areaId: area?.areaId ?? null,
    childIds: !school && parent ? [...actor!.childIds].sort((a, b) => a - b) : [],
  };
}

export async function home(
  db: Db,
  locale: Locale,
  actor: Actor | null,
  pickedAreaId?: number,
): Promise<Home> {
  const mine = homeOf(actor);
  const due = Math.floor(now().getTime() / HOME_KEEP_MS);
  const key = [locale, pickedAreaId ?? '', mine.institutionId ?? '', mine.areaId ?? '', mine.childIds, due];
  return kept.get(db, JSON.stringify(key), () => computeHome(db, locale, mine, pickedAreaId));
}

async function computeHome(db: Db, locale: Locale, own: Mine, pickedAreaId?: number): Promise<Home> {
  const mine = { ...own, institutionId: own.institutionId ?? (await childrenSchool(db, own.childIds)) };
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
  const nearNews = await newsStore.listPublishedNear(db, path, below, NEWS);
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
