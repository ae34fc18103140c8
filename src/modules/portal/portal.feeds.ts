import { and, eq } from 'drizzle-orm';
import { Feed } from 'feed';
import ical, { ICalEventRepeatingFreq } from 'ical-generator';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import type { Db } from '@/server/db/database';
import { notFound } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import { now } from '@/server/clock';
import { articles, events } from '@/modules/portal/portal.tables';
import * as newsStore from '@/modules/portal/portal.news.store';
import * as eventsStore from '@/modules/portal/portal.events.store';
import { areaPath, nearArea, placeNames, schoolPlace } from '@/modules/portal/portal.place';
import { languageFor, plainOf, sanitiseRich } from '@/modules/portal/portal.text';
import { wallOf } from '@/modules/portal/portal.time';
import '@/modules/portal/portal.messages';

/**
 * The portal's feeds: RSS 2.0 or Atom 1.0 of each publisher's news (the ministry, an area, a school), written
 * by `feed`; iCalendar (RFC 5545) of the events near an area or of a school, written by `ical-generator` with
 * a VTIMEZONE for each zone used, for calendar apps to subscribe to.
 */

/** Whose feed: the ministry, an area, a school. */
export type Publisher =
  { kind: 'nation' } | { kind: 'area'; areaId: number } | { kind: 'institution'; institutionId: number };

async function publisherName(db: Db, locale: Locale, p: Publisher): Promise<string> {
  const name = await placeNames(db, locale, [
    {
      placeKind: p.kind,
      areaId: p.kind === 'area' ? p.areaId : null,
      institutionId: p.kind === 'institution' ? p.institutionId : null,
    },
  ]);
  const out = name({
    placeKind: p.kind,
    areaId: p.kind === 'area' ? p.areaId : null,
    institutionId: p.kind === 'institution' ? p.institutionId : null,
  }).name;
  if (!out) throw notFound(p.kind === 'area' ? 'area' : 'institution');
  return out;
}

/** A publisher's 50 latest published news items as RSS 2.0 (or Atom 1.0). */
export async function newsFeed(
  db: Db,
  locale: Locale,
  publicUrl: string,
  p: Publisher,
  format: 'rss' | 'atom',
): Promise<string> {
  const name = await publisherName(db, locale, p);
  const where =
    p.kind === 'nation'
      ? eq(articles.placeKind, 'nation')
      : p.kind === 'area'
        ? and(eq(articles.placeKind, 'area'), eq(articles.areaId, p.areaId))
        : and(eq(articles.placeKind, 'institution'), eq(articles.institutionId, p.institutionId));
  const rows = await newsStore.listPublishedFull(db, where, 50);
  const self = `${publicUrl}/api/portal/feeds/${
    p.kind === 'nation' ? 'nation' : p.kind === 'area' ? `areas/${p.areaId}` : `schools/${p.institutionId}`
  }/news.xml`;
  const feed = new Feed({
    id: self,
    title: textOnly(`${name} — ${translate(locale, 'portal.feed.news')}`),
    link: `${publicUrl}/portal`,
    language: locale,
    updated: rows[0]?.publishAt ?? new Date(0),
    copyright: name,
    feedLinks: format === 'rss' ? { rss: self } : { atom: `${self}?format=atom` },
  });
  for (const r of rows) {
    const lang = languageFor(locale, (l) => r.title[l].trim() !== '');
    const link = `${publicUrl}/portal/news/${r.id}`;
    const body = sanitiseRich(r.body[lang]);
    feed.addItem({
      title: textOnly(r.title[lang]),
      id: link,
      link,
      date: r.publishAt!,
      description: textOnly(r.summary[lang] || body).slice(0, 500),
      content: body,
      category: r.tags.map((t) => ({ name: t })),
    });
  }
  return format === 'atom' ? feed.atom1() : feed.rss2();
}

const DAY = 86_400_000;

/**
 * ical-generator writes a native Date's UTC digits after `TZID=`: handing it a Date whose UTC digits are the
 * local wall time makes it write `DTSTART;TZID=Asia/Baku:<local time>`, as RFC 5545 means.
 */
const wallAsDate = (instant: Date, tz: string) => {
  const w = wallOf(instant, tz);
  return new Date(Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi));
};

/** A plain text for a feed: no markup at all (some readers show a title as HTML). */
const textOnly = (s: string) =>
  plainOf(s)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[<>]/g, '');

/** The events near an area (or of a school, or the nation's) as an iCalendar, from 30 days ago on. */
export async function eventsCalendar(
  db: Db,
  locale: Locale,
  publicUrl: string,
  p: Publisher,
): Promise<string> {
  const name = await publisherName(db, locale, p);
  let where;
  if (p.kind === 'institution') {
    if (!(await schoolPlace(db, p.institutionId))) throw notFound('institution');
    where = and(eq(events.placeKind, 'institution'), eq(events.institutionId, p.institutionId));
  } else {
    const path = p.kind === 'area' ? await areaPath(db, p.areaId) : null;
    where = nearArea(events, path, true);
  }
  const from = new Date(now().getTime() - 30 * DAY);
  const rows = await eventsStore.listBetween(db, where, from, new Date(from.getTime() + 800 * DAY), 2000);
  const host = new URL(publicUrl).host;
  const cal = ical({
    name: `${name} — ${translate(locale, 'portal.feed.events')}`,
    prodId: { company: 'Maktab', product: 'portal', language: locale.toUpperCase() },
    timezone: { name: null, generator: getVtimezoneComponent },
    ttl: 3600,
  });
  for (const r of rows) {
    const lang = languageFor(locale, (l) => r.title[l].trim() !== '');
    const link = `${publicUrl}/portal/events/${r.id}`;
    cal.createEvent({
      id: `portal-event-${r.id}@${host}`,
      start: wallAsDate(r.startsAt, r.timeZone),
      end: wallAsDate(r.endsAt, r.timeZone),
      timezone: r.timeZone,
      summary: textOnly(r.title[lang]),
      description: [textOnly(r.description[lang]), r.onlineUrl].filter(Boolean).join('\n\n'),
      location: r.venue || r.onlineUrl || null,
      url: link,
      lastModified: r.updatedAt,
      stamp: r.updatedAt,
      sequence: r.version,
      repeating: r.repeat
        ? {
            freq: r.repeat === 'weekly' ? ICalEventRepeatingFreq.WEEKLY : ICalEventRepeatingFreq.MONTHLY,
            ...(r.repeatCount ? { count: r.repeatCount } : {}),
            ...(r.repeatUntil ? { until: r.repeatUntil } : {}),
          }
        : null,
    });
  }
  return cal.toString();
}
