import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import { articles, events, type Localised } from '@/modules/portal/portal.tables';
import { sanitiseLocalised } from '@/modules/portal/portal.text';
import { lastEnd } from '@/modules/portal/portal.time';

/**
 * The portal's demo: a few news items and events of the ministry, of the first economic region and its first
 * district, and of that district's first school — always the same ones, at fixed dates (2026–27 school year).
 * Items are written in az/ru/en, some with a translation missing to show the fallback; one event repeats.
 */

export interface PortalSeedSummary {
  news: number;
  events: number;
}

const L = (az: string, ru: string, en: string): Localised => ({ az, ru, en });

export async function seedPortal(db: Db): Promise<PortalSeedSummary> {
  const [region] = await db
    .select()
    .from(areas)
    .where(eq(areas.kind, 'economic_region'))
    .orderBy(asc(areas.code))
    .limit(1);
  const [district] = region
    ? await db.select().from(areas).where(eq(areas.parentId, region.id)).orderBy(asc(areas.code)).limit(1)
    : [];
  const [school] = district
    ? await db
        .select()
        .from(institutions)
        .where(and(eq(institutions.areaId, district.id), eq(institutions.kind, 'general_school')))
        .orderBy(asc(institutions.code))
        .limit(1)
    : [];
  const nation = { placeKind: 'nation' as const, areaId: null, institutionId: null, placePath: [] };
  const places = [
    nation,
    ...(region
      ? [{ placeKind: 'area' as const, areaId: region.id, institutionId: null, placePath: region.path }]
      : []),
    ...(district
      ? [{ placeKind: 'area' as const, areaId: district.id, institutionId: null, placePath: district.path }]
      : []),
    ...(school && district
      ? [
          {
            placeKind: 'institution' as const,
            areaId: district.id,
            institutionId: school.id,
            placePath: district.path,
          },
        ]
      : []),
  ];
  const news = [
    {
      place: nation,
      title: L('Təhlükəsiz İnternet Günü 2027', 'День безопасного интернета 2027', 'Safer Internet Day 2027'),
      summary: L(
        '5–11-ci siniflərin şagirdləri üçün ölkə üzrə tədbirlər.',
        'Мероприятия по всей стране для учеников 5–11 классов.',
        'Events across the country for pupils of grades 5–11.',
      ),
      body: L(
        '<p>Fevralın 9-da məktəblər <strong>Təhlükəsiz İnternet Günü</strong>nü qeyd edəcək.</p>',
        '<p>9 февраля школы отметят <strong>День безопасного интернета</strong>.</p>',
        '<p>On 9 February schools mark <strong>Safer Internet Day</strong>.</p>',
      ),
      tags: ['safer-internet'],
      publishAt: new Date('2026-12-01T09:00:00+04:00'),
    },
    {
      place: nation,
      title: L('Yeni video dərslər kitabxanada', 'Новые видеоуроки в библиотеке', ''),
      summary: L('Riyaziyyat və fizika üzrə 120 yeni dərs.', '120 новых уроков по математике и физике.', ''),
      body: L(
        '<p>Dərslər <a href="/resources">kitabxanada</a>.</p>',
        '<p>Уроки в <a href="/resources">библиотеке</a>.</p>',
        '',
      ),
      tags: ['library'],
      publishAt: new Date('2026-11-20T10:00:00+04:00'),
    },
    ...places.slice(1).map((place, i) => ({
      place,
      title: L(
        `Regional olimpiadanın nəticələri (${i + 1})`,
        i === 0 ? `Итоги региональной олимпиады (${i + 1})` : '',
        '',
      ),
      summary: L('Qaliblər təbrik olunur.', i === 0 ? 'Поздравляем победителей.' : '', ''),
      body: L('<p>Qaliblərin siyahısı.</p>', i === 0 ? '<p>Список победителей.</p>' : '', ''),
      tags: ['olympiad'],
      publishAt: new Date(Date.UTC(2026, 10, 25 + i, 8)),
    })),
  ];
  for (const n of news) {
    await db.insert(articles).values({
      ...n.place,
      title: n.title,
      summary: n.summary,
      body: sanitiseLocalised(n.body),
      tags: n.tags,
      publishAt: n.publishAt,
      authorId: null,
    });
  }
  const evs = [
    {
      place: nation,
      title: L('Təhlükəsiz İnternet Günü', 'День безопасного интернета', 'Safer Internet Day'),
      startsAt: new Date('2027-02-09T10:00:00+04:00'),
      endsAt: new Date('2027-02-09T13:00:00+04:00'),
      repeat: null,
      repeatCount: null,
      venue: '',
      onlineUrl: 'https://edu.gov.az',
      grades: [5, 6, 7, 8, 9, 10, 11],
      capacity: null,
    },
    ...places.slice(1).map((place, i) => ({
      place,
      title: L(`Robototexnika dərnəyi (${i + 1})`, `Кружок робототехники (${i + 1})`, ''),
      startsAt: new Date(Date.UTC(2027, 0, 12 + i, 11)),
      endsAt: new Date(Date.UTC(2027, 0, 12 + i, 12, 30)),
      repeat: 'weekly' as const,
      repeatCount: 8,
      venue: 'STEAM mərkəzi',
      onlineUrl: '',
      grades: [7, 8, 9],
      capacity: 30,
    })),
  ];
  for (const e of evs) {
    const timing = {
      startsAt: e.startsAt,
      endsAt: e.endsAt,
      timeZone: 'Asia/Baku',
      repeat: e.repeat,
      repeatCount: e.repeatCount,
      repeatUntil: null,
    };
    await db.insert(events).values({
      ...e.place,
      ...timing,
      lastEndsAt: lastEnd(timing),
      title: e.title,
      description: L('Hamı dəvətlidir.', 'Приглашаются все.', 'Everyone is welcome.'),
      venue: e.venue,
      onlineUrl: e.onlineUrl,
      grades: e.grades,
      roles: ['student', 'parent', 'teacher'],
      capacity: e.capacity,
      authorId: null,
    });
  }
  return { news: news.length, events: evs.length };
}

/** One line for the seed's log. */
export const describePortal = (s: PortalSeedSummary) => `portal: ${s.news} news items, ${s.events} events`;
