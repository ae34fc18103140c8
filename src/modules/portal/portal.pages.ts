import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import { formatFor } from '@/web/format';
import { home } from '@/modules/portal/portal.home.service';
import { getNews, listNews } from '@/modules/portal/portal.news.service';
import { calendar, getEvent } from '@/modules/portal/portal.events.service';
import { wallOf, wallText } from '@/modules/portal/portal.time';
import type { ArticleCard, Occurrence } from '@/modules/portal/portal.schema';
import { listCourses, publicCourse } from '@/modules/portal/portal.courses.service';
import { getCampaign } from '@/modules/portal/portal.sid.service';

/**
 * The portal's public pages as the server writes them into the first HTML (src/server/public-pages.ts does the
 * rest, as for the library's resources): what a search engine reads and what a slow phone shows before the
 * app's script arrives — the page's title, description, canonical address, its feeds (RSS, Atom, iCalendar)
 * as `<link rel="alternate">`, and its content: news with the sanitised body of an item, events with their
 * dates in the event's own time zone, in the visitor's language. The app replaces it all when it starts.
 * Every text from publishers is escaped here, except a news item's body, which the news service has sanitised
 * with sanitize-html's allow-list (src/modules/portal/portal.text.ts).
 */

/** One of the web app's strings (src/web/i18n), not yet escaped. */
export type Words = (key: string, params?: Record<string, string>) => string;

/** What goes into the page's head; texts not yet escaped, addresses absolute. */
export interface PageHead {
  title: string;
  description: string;
  canonical: string;
  type: 'website' | 'article';
  alternates: { type: string; title: string; href: string }[];
  jsonLd?: Record<string, unknown>;
  /** The page's image for Open Graph (a news item's cover), its URL absolute. */
  image?: { url: string; width: number; height: number; alt: string };
}

/** A page: its head and its content (already escaped). */
export interface PortalPage {
  head: PageHead;
  main: string;
}

/** What a page is asked with: the address's parameters, the visitor, where the site lives. */
export interface PageRequest {
  db: Db;
  locale: Locale;
  actor: Actor | null;
  base: string;
  words: Words;
  query: Record<string, unknown>;
  id?: string;
}

export const esc = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const positive = (raw: unknown): number | undefined => {
  const v = typeof raw === 'string' && /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : 0;
  return v > 0 && v <= 2_147_483_647 ? v : undefined;
};

/** The service's "no such thing" (404), as null: the page is then not found. */
async function found<T>(work: Promise<T>): Promise<T | null> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof AppError && e.status === 404) return null;
    throw e;
  }
}

/** A moment as the wall time of a zone, in the reader's language: "7 dek 2026, 10:30". */
export function inZone(locale: Locale, instant: Date, timeZone: string): string {
  const f = formatFor(locale);
  const wall = wallText(wallOf(instant, timeZone));
  return `${f.date(wall.slice(0, 10))}, ${f.time(wall.slice(11))}`;
}

/** News are dated in the country's time zone. */
const COUNTRY_ZONE = 'Asia/Baku';

/** The feeds of a publisher (the nation, an area, a school), absolute. */
function feeds(
  base: string,
  w: Words,
  place: { kind: string; areaId: number | null; institutionId: number | null },
) {
  const root =
    place.kind === 'institution'
      ? `${base}/api/portal/feeds/schools/${place.institutionId}`
      : place.kind === 'area'
        ? `${base}/api/portal/feeds/areas/${place.areaId}`
        : `${base}/api/portal/feeds/nation`;
  return {
    rss: { type: 'application/rss+xml', title: w('portalNews.rss'), href: `${root}/news.xml` },
    atom: {
      type: 'application/atom+xml',
      title: w('portalFront.atom'),
      href: `${root}/news.xml?format=atom`,
    },
    ical: { type: 'text/calendar', title: w('portalNews.subscribe'), href: `${root}/events.ics` },
  };
}

const areaPlace = (areaId: number | undefined) => ({
  kind: areaId ? 'area' : 'nation',
  areaId: areaId ?? null,
  institutionId: null,
});

/** Links to the feeds, visible too (a reader may subscribe before any script runs). */
const feedLinks = (links: { title: string; href: string }[]) =>
  `<ul class="portal-feeds">${links.map((l) => `<li><a href="${esc(l.href)}">${esc(l.title)}</a></li>`).join('')}</ul>`;

const fallback = (w: Words, lang: string, shown: boolean) =>
  shown
    ? `<span class="portal-fallback" lang="${esc(lang)}">${esc(
        w('portalNews.fallback', { language: w(`portalNews.language.${lang}`) }),
      )}</span>`
    : '';

/** A news item's cover: its size given (no layout shift), lazy unless it is the item's own page. */
const coverImg = (c: NonNullable<ArticleCard['cover']>, lang: string, lazy: boolean) =>
  `<img class="portal-cover" src="${esc(c.url)}" width="${c.width}" height="${c.height}" alt="${esc(c.alt)}" lang="${esc(lang)}"` +
  `${lazy ? ' loading="lazy"' : ''} decoding="async" />`;

function newsCard(locale: Locale, w: Words, n: ArticleCard): string {
  const day = wallText(wallOf(new Date(n.publishAt), COUNTRY_ZONE)).slice(0, 10);
  return (
    `<li class="portal-card">` +
    (n.cover ? coverImg(n.cover, n.lang, true) : '') +
    `<h3 lang="${esc(n.lang)}"><a href="/portal/news/${n.id}">${esc(n.title)}</a></h3>` +
    `<p class="portal-meta">${esc(n.place.name)} · <time datetime="${esc(n.publishAt)}">${esc(
      formatFor(locale).date(day),
    )}</time></p>` +
    (n.summary ? `<p lang="${esc(n.lang)}">${esc(n.summary)}</p>` : '') +
    fallback(w, n.lang, n.fallback) +
    `</li>`
  );
}

function eventCard(locale: Locale, w: Words, o: Occurrence): string {
  return (
    `<li class="portal-card"><h3 lang="${esc(o.lang)}"><a href="/portal/events/${o.eventId}">${esc(o.title)}</a></h3>` +
    `<p class="portal-meta"><time datetime="${esc(o.startsAt)}">${esc(
      inZone(locale, new Date(o.startsAt), o.timeZone),
    )}</time> (${esc(o.timeZone)}) · ${esc(o.place.name)}${o.online ? ` · ${esc(w('portalNews.online'))}` : ''}</p>` +
    (o.venue ? `<p>${esc(o.venue)}</p>` : '') +
    fallback(w, o.lang, o.fallback) +
    `</li>`
  );
}

const list = (items: string[], empty: string) =>
  items.length ? `<ul class="portal-list">${items.join('')}</ul>` : `<p>${esc(empty)}</p>`;

/** The sections of the portal beyond news and events: the library, the safety courses, the day, discussions. */
export const ELSEWHERE = [
  { path: '/resources', title: 'portalNews.library', link: 'portalNews.libraryLink' },
  { path: '/portal/safety', title: 'portalFront.safety', link: 'portalFront.safetyLink' },
  { path: '/portal/safer-internet-day', title: 'portalFront.saferDay', link: 'portalFront.saferDayLink' },
  { path: '/portal/discuss', title: 'portalFront.discuss', link: 'portalFront.discussLink' },
] as const;

/** The home: news and events near the visitor (or the area in `?area=`), the other sections, the feeds. */
export async function homePage(r: PageRequest): Promise<PortalPage | null> {
  const w = r.words;
  const areaId = positive(r.query.area);
  const h = await found(home(r.db, r.locale, r.actor, areaId));
  if (!h) return null;
  const feedArea = areaId ?? h.area?.id;
  const f = feeds(r.base, w, areaPlace(feedArea));
  const regions = h.areas.filter((a) => !h.areas.some((p) => p.id === a.parentId));
  const option = (a: { id: number; name: string }) =>
    `<option value="${a.id}"${a.id === (areaId ?? h.area?.id) ? ' selected' : ''}>${esc(a.name)}</option>`;
  const picker =
    `<form class="portal-picker" method="get" action="/portal"><label>${esc(w('portalNews.area'))} ` +
    `<select name="area"><option value="">${esc(w('portalNews.wholeCountry'))}</option>` +
    regions
      .map(
        (g) =>
          `<optgroup label="${esc(g.name)}">${option(g)}${h.areas
            .filter((d) => d.parentId === g.id)
            .map(option)
            .join('')}</optgroup>`,
      )
      .join('') +
    `</select></label> <button type="submit">${esc(w('portalFront.show'))}</button></form>`;
  const q = feedArea ? `?area=${feedArea}` : '';
  const main =
    `<h1>${esc(w('portalNews.homeTitle'))}</h1><p class="intro">${esc(w('portalNews.homeIntro'))}</p>` +
    picker +
    (h.school ? `<p>${esc(w('portalNews.yourSchool', { name: h.school.name }))}</p>` : '') +
    `<section aria-labelledby="portal-news"><h2 id="portal-news">${esc(w('portalNews.news'))}</h2>` +
    list(
      h.news.map((n) => newsCard(r.locale, w, n)),
      w('portalNews.noNews'),
    ) +
    `<p><a href="/portal/news${q}">${esc(w('portalNews.allNews'))}</a></p></section>` +
    `<section aria-labelledby="portal-events"><h2 id="portal-events">${esc(w('portalNews.events'))}</h2>` +
    list(
      h.events.map((o) => eventCard(r.locale, w, o)),
      w('portalNews.noEvents'),
    ) +
    `<p><a href="/portal/events${q}">${esc(w('portalNews.calendar'))}</a></p></section>` +
    ELSEWHERE.map(
      (s, i) =>
        `<section aria-labelledby="portal-more-${i}"><h2 id="portal-more-${i}">${esc(w(s.title))}</h2>` +
        `<p><a href="${s.path}">${esc(w(s.link))}</a></p></section>`,
    ).join('') +
    feedLinks([f.rss, f.atom, f.ical]);
  return {
    head: {
      title: h.area && areaId ? `${w('portalNews.homeTitle')}: ${h.area.name}` : w('portalNews.homeTitle'),
      description: w('portalNews.homeIntro'),
      canonical: `${r.base}/portal${areaId ? `?area=${areaId}` : ''}`,
      type: 'website',
      alternates: [f.rss, f.atom, f.ical],
    },
    main,
  };
}

/** Published news near an area, 20 a page (`?area=`, `?page=`). */
export async function newsListPage(r: PageRequest): Promise<PortalPage | null> {
  const w = r.words;
  const areaId = positive(r.query.area);
  const page = positive(r.query.page) ?? 1;
  if (page > 10_000) return null;
  const got = await found(listNews(r.db, r.locale, { areaId, page }));
  if (!got) return null;
  const f = feeds(r.base, w, areaPlace(areaId));
  const at = (p: number) => {
    const params = [...(areaId ? [`area=${areaId}`] : []), ...(p > 1 ? [`page=${p}`] : [])];
    return `/portal/news${params.length ? `?${params.join('&')}` : ''}`;
  };
  const paging =
    page > 1 || got.more
      ? `<nav aria-label="${esc(w('portalNews.pages'))}" class="portal-paging">` +
        (page > 1 ? `<a href="${at(page - 1)}" rel="prev">${esc(w('portalNews.previous'))}</a> ` : '') +
        (got.more ? `<a href="${at(page + 1)}" rel="next">${esc(w('portalNews.next'))}</a>` : '') +
        `</nav>`
      : '';
  const main =
    `<h1>${esc(w('portalNews.news'))}</h1>` +
    feedLinks([f.rss, f.atom]) +
    list(
      got.items.map((n) => newsCard(r.locale, w, n)),
      w('portalNews.noNews'),
    ) +
    paging;
  return {
    head: {
      title: w('portalNews.news'),
      description: w('portalNews.homeIntro'),
      canonical: `${r.base}${at(page)}`,
      type: 'website',
      alternates: [f.rss, f.atom],
    },
    main,
  };
}

/** One published news item: its sanitised body, its publisher's feeds; NewsArticle for search engines. */
export async function newsItemPage(r: PageRequest): Promise<PortalPage | null> {
  const w = r.words;
  const id = positive(r.id);
  const a = id ? await found(getNews(r.db, r.locale, id)) : null;
  if (!a) return null;
  const f = feeds(r.base, w, a.place);
  const day = wallText(wallOf(new Date(a.publishAt), COUNTRY_ZONE)).slice(0, 10);
  const url = `${r.base}/portal/news/${a.id}`;
  const main =
    `<h1 lang="${esc(a.lang)}">${esc(a.title)}</h1>` +
    `<p class="portal-meta">${esc(a.place.name)} · <time datetime="${esc(a.publishAt)}">${esc(
      formatFor(r.locale).date(day),
    )}</time></p>` +
    fallback(w, a.lang, a.fallback) +
    (a.cover ? coverImg(a.cover, a.lang, false) : '') +
    (a.summary ? `<p class="intro" lang="${esc(a.lang)}">${esc(a.summary)}</p>` : '') +
    // Sanitised by the news service (sanitize-html's allow-list), when saved and again when read.
    `<div class="portal-body" lang="${esc(a.lang)}">${a.body}</div>` +
    (a.tags.length
      ? `<p class="portal-tags">${esc(w('portalNews.tags'))}: ${esc(a.tags.join(', '))}</p>`
      : '') +
    `<p><a href="/portal/news">${esc(w('portalNews.allNews'))}</a></p>` +
    feedLinks([f.rss, f.atom]);
  return {
    head: {
      title: a.title,
      description: a.summary || a.title,
      canonical: url,
      type: 'article',
      alternates: [f.rss, f.atom],
      ...(a.cover ? { image: { ...a.cover, url: `${r.base}${a.cover.url}` } } : {}),
      jsonLd: {
        '@context': 'https://schema.org',
        '@type': 'NewsArticle',
        headline: a.title,
        ...(a.summary ? { description: a.summary } : {}),
        datePublished: a.publishAt,
        inLanguage: a.lang,
        url,
        publisher: { '@type': 'Organization', name: a.place.name },
        ...(a.cover ? { image: `${r.base}${a.cover.url}` } : {}),
      },
    },
    main,
  };
}

/** The calendar near an area for the next 60 days (`?area=`), with its iCalendar feed. */
export async function eventsPage(r: PageRequest): Promise<PortalPage | null> {
  const w = r.words;
  const areaId = positive(r.query.area);
  const occurrences = await found(calendar(r.db, r.locale, { areaId }));
  if (!occurrences) return null;
  const f = feeds(r.base, w, areaPlace(areaId));
  const main =
    `<h1>${esc(w('portalNews.calendarTitle'))}</h1>` +
    feedLinks([f.ical]) +
    list(
      occurrences.map((o) => eventCard(r.locale, w, o)),
      w('portalNews.noEvents'),
    );
  return {
    head: {
      title: w('portalNews.calendarTitle'),
      description: w('portalNews.homeIntro'),
      canonical: `${r.base}/portal/events${areaId ? `?area=${areaId}` : ''}`,
      type: 'website',
      alternates: [f.ical],
    },
    main,
  };
}

/** An event: its dates in its own time zone, where, by whom, its next dates; Event for search engines. */
export async function eventPage(r: PageRequest): Promise<PortalPage | null> {
  const w = r.words;
  const id = positive(r.id);
  const e = id ? await found(getEvent(r.db, r.locale, r.actor, id)) : null;
  if (!e) return null;
  const f = feeds(r.base, w, e.place);
  const when = (start: string, end: string) =>
    `<time datetime="${esc(start)}">${esc(inZone(r.locale, new Date(start), e.timeZone))}</time> – ` +
    `<time datetime="${esc(end)}">${esc(inZone(r.locale, new Date(end), e.timeZone))}</time>`;
  const facts: [string, string][] = [
    [
      w('portalNews.when'),
      `${when(e.startsAt, e.endsAt)} (${esc(e.timeZone)})` +
        (e.repeat ? ` · ${esc(w(`portalNews.repeat.${e.repeat}`))}` : ''),
    ],
    [w('portalNews.by'), esc(e.place.name)],
  ];
  if (e.venue) facts.push([w('portalNews.venue'), esc(e.venue)]);
  if (e.onlineUrl)
    facts.push([
      w('portalNews.online'),
      `<a href="${esc(e.onlineUrl)}" rel="noopener noreferrer nofollow">${esc(e.onlineUrl)}</a>`,
    ]);
  if (e.grades.length) facts.push([w('portalNews.grades'), esc(e.grades.join(', '))]);
  if (e.roles.length)
    facts.push([w('portalNews.audience'), esc(e.roles.map((x) => w(`portalNews.role.${x}`)).join(', '))]);
  const url = `${r.base}/portal/events/${e.id}`;
  const main =
    `<h1 lang="${esc(e.lang)}">${esc(e.title)}</h1>` +
    fallback(w, e.lang, e.fallback) +
    `<dl class="portal-facts">${facts.map(([dt, dd]) => `<dt>${esc(dt)}</dt><dd>${dd}</dd>`).join('')}</dl>` +
    (e.description ? `<p class="portal-description" lang="${esc(e.lang)}">${esc(e.description)}</p>` : '') +
    (e.next.length > 1
      ? `<h2>${esc(w('portalNews.nextTimes'))}</h2><ul>${e.next
          .map((o) => `<li>${when(o.startsAt, o.endsAt)}</li>`)
          .join('')}</ul>`
      : '') +
    feedLinks([f.ical]);
  return {
    head: {
      title: e.title,
      description: e.description || e.title,
      canonical: url,
      type: 'website',
      alternates: [f.ical],
      jsonLd: {
        '@context': 'https://schema.org',
        '@type': 'Event',
        name: e.title,
        ...(e.description ? { description: e.description } : {}),
        startDate: e.startsAt,
        endDate: e.endsAt,
        inLanguage: e.lang,
        url,
        eventAttendanceMode: e.onlineUrl
          ? 'https://schema.org/OnlineEventAttendanceMode'
          : 'https://schema.org/OfflineEventAttendanceMode',
        ...(e.venue ? { location: { '@type': 'Place', name: e.venue } } : {}),
        organizer: { '@type': 'Organization', name: e.place.name },
      },
    },
    main,
  };
}

// ---- the internet-safety courses and Safer Internet Day

const gradesOf = (w: Words, from: number, to: number) =>
  w('portalCourses.grades', { from: String(from), to: String(to) });

/** The courses by grade band with their summaries, and the way to Safer Internet Day. */
export async function safetyPage(r: PageRequest): Promise<PortalPage | null> {
  const w = r.words;
  const { items } = await listCourses(r.db, r.locale);
  const cards = items.map(
    (c) =>
      `<li class="portal-card"><h3><a href="/portal/safety/courses/${c.id}">${esc(c.title)}</a></h3>` +
      `<p class="portal-meta">${esc(gradesOf(w, c.gradeFrom, c.gradeTo))} · ${esc(
        w('portalHtml.lessons', { count: String(c.lessons) }),
      )}</p>` +
      (c.summary ? `<p>${esc(c.summary)}</p>` : '') +
      `</li>`,
  );
  const url = `${r.base}/portal/safety`;
  const main =
    `<h1>${esc(w('portalCourses.title'))}</h1><p class="intro">${esc(w('portalCourses.intro'))}</p>` +
    `<h2>${esc(w('portalCourses.courses'))}</h2>` +
    list(cards, w('portalHtml.noCourses')) +
    `<p><a href="/portal/safer-internet-day">${esc(w('portalCourses.sidLink'))}</a></p>`;
  return {
    head: {
      title: w('portalCourses.title'),
      description: w('portalCourses.intro'),
      canonical: url,
      type: 'website',
      alternates: [],
      jsonLd: {
        '@context': 'https://schema.org',
        '@type': 'ItemList',
        name: w('portalCourses.title'),
        url,
        itemListElement: items.map((c, i) => ({
          '@type': 'ListItem',
          position: i + 1,
          url: `${r.base}/portal/safety/courses/${c.id}`,
          name: c.title,
        })),
      },
    },
    main,
  };
}

/**
 * A course: its grade band and summary, each lesson's title, topic and text, the library's resources it
 * uses, and how many quiz questions it has — the questions themselves (and so their right answers) are the
 * signed-in pupil's, from the API, never in this page. Course for search engines.
 */
export async function coursePage(r: PageRequest): Promise<PortalPage | null> {
  const w = r.words;
  const id = positive(r.id);
  const c = id ? await found(publicCourse(r.db, r.locale, id)) : null;
  if (!c) return null;
  const url = `${r.base}/portal/safety/courses/${c.id}`;
  const band = gradesOf(w, c.gradeFrom, c.gradeTo);
  const lessons = c.lessons.map(
    (l) =>
      `<section aria-labelledby="lesson-${l.id}" class="portal-lesson">` +
      `<h2 id="lesson-${l.id}">${esc(w('portalCourses.lesson', { n: String(l.position) }))}. ${esc(l.title)}</h2>` +
      `<p class="portal-meta">${esc(w(`portalCourses.topic.${l.topic}`))}</p>` +
      `<p>${esc(l.body)}</p>` +
      (l.resources.length
        ? `<h3>${esc(w('portalCourses.resources'))}</h3><ul>${l.resources
            .map((x) => `<li><a href="/resources/${x.id}">${esc(x.title)}</a></li>`)
            .join('')}</ul>`
        : '') +
      (l.questions
        ? `<p class="portal-meta">${esc(w('portalHtml.quiz', { count: String(l.questions) }))}</p>`
        : '') +
      `</section>`,
  );
  const main =
    `<h1>${esc(c.title)}</h1>` +
    (c.summary ? `<p class="intro">${esc(c.summary)}</p>` : '') +
    `<p class="portal-meta">${esc(band)} · <a href="/portal/safety">${esc(w('portalCourses.title'))}</a></p>` +
    `<p>${esc(w('portalCourses.signInToTake'))}</p>` +
    lessons.join('');
  return {
    head: {
      title: c.title,
      description: c.summary || c.title,
      canonical: url,
      type: 'website',
      alternates: [],
      jsonLd: {
        '@context': 'https://schema.org',
        '@type': 'Course',
        name: c.title,
        description: c.summary || c.title,
        url,
        inLanguage: r.locale,
        educationalLevel: band,
        isAccessibleForFree: true,
        provider: { '@type': 'Organization', name: w('app.name'), url: r.base },
        hasCourseInstance: { '@type': 'CourseInstance', courseMode: 'online' },
        syllabusSections: c.lessons.map((l) => ({
          '@type': 'Syllabus',
          name: l.title,
          description: l.body,
        })),
      },
    },
    main,
  };
}

/** A campaign year asked for in `?year=` (what the API takes), else none: the coming one. */
const campaignYearOf = (raw: unknown): number | undefined => {
  const y = positive(raw);
  return y && y >= 2004 && y <= 2200 ? y : undefined;
};

/**
 * Safer Internet Day: the campaign's date, theme, summary and its activities for grades 5–11; whether it is
 * closed to schools' registrations. Never a school's registration nor participation figures (those are the
 * signed-in director's and the officers', from the API). Event for search engines.
 */
export async function saferDayPage(r: PageRequest): Promise<PortalPage | null> {
  const w = r.words;
  const year = campaignYearOf(r.query.year);
  const { campaign: c } = await getCampaign(r.db, r.locale, null, year);
  const url = `${r.base}/portal/safer-internet-day${year ? `?year=${year}` : ''}`;
  const back = `<p><a href="/portal/safety">${esc(w('portalCourses.title'))}</a></p>`;
  if (!c)
    return {
      head: {
        title: w('portalCourses.sidLink'),
        description: w('portalCourses.sidIntro'),
        canonical: url,
        type: 'website',
        alternates: [],
      },
      main:
        `<h1>${esc(w('portalCourses.sidLink'))}</h1><p class="intro">${esc(w('portalCourses.sidIntro'))}</p>` +
        `<p>${esc(w('portalCourses.noCampaign'))}</p>` +
        back,
    };
  const title = w('portalCourses.sidTitle', { year: String(c.year) });
  const main =
    `<h1>${esc(title)}</h1><p class="intro">${esc(w('portalCourses.sidIntro'))}</p>` +
    `<dl class="portal-facts"><dt>${esc(w('portalCourses.sidDay'))}</dt><dd><time datetime="${esc(c.day)}">${esc(
      formatFor(r.locale).date(c.day),
    )}</time></dd><dt>${esc(w('portalCourses.theme'))}</dt><dd>${esc(c.theme)}</dd></dl>` +
    (c.summary ? `<p>${esc(c.summary)}</p>` : '') +
    `<h2>${esc(w('portalCourses.activities'))}</h2>` +
    list(
      c.activities.map(
        (a) =>
          `<li class="portal-card"><h3>${esc(a.title)}</h3>` +
          `<p class="portal-meta">${esc(gradesOf(w, a.gradeFrom, a.gradeTo))}</p>` +
          (a.description ? `<p>${esc(a.description)}</p>` : '') +
          `</li>`,
      ),
      w('portalHtml.noActivities'),
    ) +
    `<p class="portal-sid-state">${esc(w(c.closed ? 'portalHtml.sidClosed' : 'portalHtml.sidOpen'))}</p>` +
    back;
  return {
    head: {
      title,
      description: c.summary || w('portalCourses.sidIntro'),
      canonical: url,
      type: 'website',
      alternates: [],
      jsonLd: {
        '@context': 'https://schema.org',
        '@type': 'Event',
        name: c.theme ? `${title}: ${c.theme}` : title,
        ...(c.summary ? { description: c.summary } : {}),
        startDate: c.day,
        endDate: c.day,
        inLanguage: r.locale,
        url,
        // References, not text: the enumeration's members as schema.org's context expands them.
        eventStatus: { '@id': 'https://schema.org/EventScheduled' },
        eventAttendanceMode: { '@id': 'https://schema.org/OfflineEventAttendanceMode' },
        isAccessibleForFree: true,
        location: { '@type': 'Country', name: w('portalHtml.country') },
        organizer: { '@type': 'Organization', name: w('app.name'), url: r.base },
        subEvent: c.activities.map((a) => ({
          '@type': 'EducationEvent',
          name: a.title,
          ...(a.description ? { description: a.description } : {}),
          educationalLevel: gradesOf(w, a.gradeFrom, a.gradeTo),
          startDate: c.day,
          location: { '@type': 'Country', name: w('portalHtml.country') },
        })),
      },
    },
    main,
  };
}

/** The portal's pages the server writes, by address (the web app's paths in src/web/roles.ts). */
export const PORTAL_PAGES = [
  { path: '/portal', render: homePage },
  { path: '/portal/news', render: newsListPage },
  { path: '/portal/news/:id', render: newsItemPage },
  { path: '/portal/events', render: eventsPage },
  { path: '/portal/events/:id', render: eventPage },
  { path: '/portal/safety', render: safetyPage },
  { path: '/portal/safety/courses/:id', render: coursePage },
  { path: '/portal/safer-internet-day', render: saferDayPage },
] as const;
