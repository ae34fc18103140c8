import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { useMe } from '@/web/session';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading, useErrorText } from '@/web/components/status';
import '@/web/portal/portal.css';

/**
 * The portal's public pages: the home (what's new near me), the news list and an item, the events calendar
 * and an event with registration and its iCalendar link. Anyone may read; texts from publishers are put in
 * as text, except a news item's body, which the server has sanitised (and sanitises again on every read).
 */

interface PlaceRecord {
  kind: 'nation' | 'area' | 'institution';
  areaId: number | null;
  institutionId: number | null;
  name: string;
}
interface CardRecord {
  id: number;
  place: PlaceRecord;
  title: string;
  summary: string;
  lang: string;
  fallback: boolean;
  tags: string[];
  publishAt: string;
  cover?: CoverRecord | null;
}
/** A news item's cover image: its size known, so the page does not shift while it loads. */
interface CoverRecord {
  url: string;
  width: number;
  height: number;
  alt: string;
}
interface OccurrenceRecord {
  eventId: number;
  place: PlaceRecord;
  title: string;
  lang: string;
  fallback: boolean;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  venue: string;
  online: boolean;
}
interface AreaOption {
  id: number;
  parentId: number | null;
  kind: string;
  name: string;
}
interface HomeRecord {
  area: { id: number; name: string } | null;
  school: { id: number; name: string } | null;
  news: CardRecord[];
  events: OccurrenceRecord[];
  areas: AreaOption[];
}

/** "Shown in Azerbaijani: no translation yet", when a text is in another language than the reader's. */
function Fallback({ lang }: { lang: string }) {
  const { t } = useTranslation();
  return (
    <span className="portal-fallback" lang={lang}>
      {t('portalNews.fallback', { language: t(`portalNews.language.${lang}`) })}
    </span>
  );
}

/** A cover image: lazy in lists, at once on the item's own page. */
function Cover({ cover, lang, lazy }: { cover: CoverRecord; lang: string; lazy: boolean }) {
  return (
    <img
      className="portal-cover"
      src={cover.url}
      width={cover.width}
      height={cover.height}
      alt={cover.alt}
      lang={lang}
      loading={lazy ? 'lazy' : undefined}
      decoding="async"
    />
  );
}

function NewsCard({ item }: { item: CardRecord }) {
  const f = useFormat();
  return (
    <li className="portal-card">
      {item.cover ? <Cover cover={item.cover} lang={item.lang} lazy /> : null}
      <h3 lang={item.lang}>
        <Link to={`/portal/news/${item.id}`}>{item.title}</Link>
      </h3>
      <p className="portal-meta">
        {item.place.name} · {f.date(item.publishAt)}
      </p>
      {item.summary ? <p lang={item.lang}>{item.summary}</p> : null}
      {item.fallback ? <Fallback lang={item.lang} /> : null}
    </li>
  );
}

function EventRow({ o }: { o: OccurrenceRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <li className="portal-card">
      <h3 lang={o.lang}>
        <Link to={`/portal/events/${o.eventId}`}>{o.title}</Link>
      </h3>
      <p className="portal-meta">
        {f.dateTime(o.startsAt)} · {o.place.name}
        {o.online ? ` · ${t('portalNews.online')}` : ''}
      </p>
      {o.venue ? <p>{o.venue}</p> : null}
      {o.fallback ? <Fallback lang={o.lang} /> : null}
    </li>
  );
}

/** The area picker: regions with their districts under them. */
function AreaPicker({
  areas,
  value,
  onChange,
}: {
  areas: AreaOption[];
  value: number | null;
  onChange: (id: number | null) => void;
}) {
  const { t } = useTranslation();
  const regions = areas.filter((a) => !areas.some((p) => p.id === a.parentId));
  return (
    <label className="portal-picker">
      {t('portalNews.area')}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)}>
        <option value="">{t('portalNews.wholeCountry')}</option>
        {regions.map((r) => (
          <optgroup key={r.id} label={r.name}>
            <option value={r.id}>{r.name}</option>
            {areas
              .filter((d) => d.parentId === r.id)
              .map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}

const areaFromUrl = () => {
  const v = new URLSearchParams(window.location.search).get('area');
  return v && /^[1-9]\d{0,9}$/.test(v) ? Number(v) : null;
};

/** The portal's other sections, linked from the home (the server's first HTML links them too). */
const ELSEWHERE = [
  { key: 'safety', path: '/portal/safety' },
  { key: 'saferDay', path: '/portal/safer-internet-day' },
  { key: 'discuss', path: '/portal/discuss' },
] as const;

/** The page of a list in the address (`?page=2`), as the server's first HTML links it. */
const pageFromUrl = () => {
  const v = new URLSearchParams(window.location.search).get('page');
  return v && /^[1-9]\d{0,4}$/.test(v) ? Number(v) : 1;
};

/** The portal's home: news and events near me (my school first), the library, and the portal's other parts. */
export function PortalHomePage() {
  const { t } = useTranslation();
  const [area, setArea] = useState<number | null>(areaFromUrl);
  const home = useQuery({
    queryKey: ['portal', 'home', area],
    queryFn: ({ signal }) => api<HomeRecord>(`/portal/home${area ? `?areaId=${area}` : ''}`, { signal }),
  });
  const pick = (id: number | null) => {
    setArea(id);
    window.history.replaceState(null, '', id ? `/portal?area=${id}` : '/portal');
  };
  const feedArea = area ?? home.data?.area?.id ?? null;
  return (
    <Page title={t('portalNews.homeTitle')} intro={t('portalNews.homeIntro')}>
      {home.isError ? <ErrorBox error={home.error} onRetry={() => void home.refetch()} /> : null}
      {home.data ? (
        <>
          <AreaPicker areas={home.data.areas} value={area ?? home.data.area?.id ?? null} onChange={pick} />
          {home.data.school ? <p>{t('portalNews.yourSchool', { name: home.data.school.name })}</p> : null}
          <section aria-labelledby="portal-news">
            <h2 id="portal-news">{t('portalNews.news')}</h2>
            {home.data.news.length ? (
              <ul className="portal-list">
                {home.data.news.map((n) => (
                  <NewsCard key={n.id} item={n} />
                ))}
              </ul>
            ) : (
              <p>{t('portalNews.noNews')}</p>
            )}
            <p>
              <Link to={feedArea ? `/portal/news?area=${feedArea}` : '/portal/news'}>
                {t('portalNews.allNews')}
              </Link>
            </p>
          </section>
          <section aria-labelledby="portal-events">
            <h2 id="portal-events">{t('portalNews.events')}</h2>
            {home.data.events.length ? (
              <ul className="portal-list">
                {home.data.events.map((o) => (
                  <EventRow key={`${o.eventId}-${o.startsAt}`} o={o} />
                ))}
              </ul>
            ) : (
              <p>{t('portalNews.noEvents')}</p>
            )}
            <p>
              <Link to={feedArea ? `/portal/events?area=${feedArea}` : '/portal/events'}>
                {t('portalNews.calendar')}
              </Link>
            </p>
          </section>
          <section aria-labelledby="portal-library">
            <h2 id="portal-library">{t('portalNews.library')}</h2>
            <p>
              <Link to="/resources">{t('portalNews.libraryLink')}</Link>
            </p>
          </section>
          {ELSEWHERE.map((s) => (
            <section key={s.path} aria-labelledby={`portal-${s.key}`}>
              <h2 id={`portal-${s.key}`}>{t(`portalFront.${s.key}`)}</h2>
              <p>
                <Link to={s.path}>{t(`portalFront.${s.key}Link`)}</Link>
              </p>
            </section>
          ))}
        </>
      ) : home.isPending ? (
        <Loading />
      ) : null}
    </Page>
  );
}

/** Published news near an area, newest first, with its RSS feed. */
export function PortalNewsPage() {
  const { t } = useTranslation();
  const [area, setArea] = useState<number | null>(areaFromUrl);
  const [page, setPage] = useState(pageFromUrl);
  const areas = useQuery({
    queryKey: ['portal', 'home', null],
    queryFn: ({ signal }) => api<HomeRecord>('/portal/home', { signal }),
  });
  const list = useQuery({
    queryKey: ['portal', 'news', area, page],
    queryFn: ({ signal }) =>
      api<{ items: CardRecord[]; more: boolean }>(
        `/portal/news?page=${page}${area ? `&areaId=${area}` : ''}`,
        {
          signal,
        },
      ),
  });
  return (
    <Page title={t('portalNews.news')}>
      {areas.data ? (
        <AreaPicker
          areas={areas.data.areas}
          value={area}
          onChange={(id) => {
            setArea(id);
            setPage(1);
          }}
        />
      ) : null}
      <p>
        <a href={area ? `/api/portal/feeds/areas/${area}/news.xml` : '/api/portal/feeds/nation/news.xml'}>
          {t('portalNews.rss')}
        </a>
      </p>
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.isPending ? <Loading /> : null}
      {list.data ? (
        <>
          {list.data.items.length ? (
            <ul className="portal-list">
              {list.data.items.map((n) => (
                <NewsCard key={n.id} item={n} />
              ))}
            </ul>
          ) : (
            <p>{t('portalNews.noNews')}</p>
          )}
          <nav aria-label={t('portalNews.pages')} className="portal-paging">
            {page > 1 ? (
              <button type="button" onClick={() => setPage(page - 1)}>
                {t('portalNews.previous')}
              </button>
            ) : null}
            {list.data.more ? (
              <button type="button" onClick={() => setPage(page + 1)}>
                {t('portalNews.next')}
              </button>
            ) : null}
          </nav>
        </>
      ) : null}
    </Page>
  );
}

interface ArticleRecord extends CardRecord {
  body: string;
  languages: string[];
}

/** One news item. Its body is HTML the server sanitised with sanitize-html (src/modules/portal/portal.text.ts). */
export function PortalNewsItemPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const item = useQuery({
    queryKey: ['portal', 'news', 'item', id],
    queryFn: ({ signal }) => api<ArticleRecord>(`/portal/news/${id}`, { signal }),
  });
  if (item.isError) return <ErrorBox error={item.error} onRetry={() => void item.refetch()} />;
  if (!item.data) return <Loading />;
  const a = item.data;
  return (
    <Page title={a.title}>
      <p className="portal-meta">
        {a.place.name} · {f.date(a.publishAt)}
      </p>
      {a.fallback ? <Fallback lang={a.lang} /> : null}
      {a.cover ? <Cover cover={a.cover} lang={a.lang} lazy={false} /> : null}
      {a.summary ? (
        <p className="intro" lang={a.lang}>
          {a.summary}
        </p>
      ) : null}
      <div className="portal-body" lang={a.lang} dangerouslySetInnerHTML={{ __html: a.body }} />
      {a.tags.length ? (
        <p className="portal-tags">
          {t('portalNews.tags')}: {a.tags.join(', ')}
        </p>
      ) : null}
      <p>
        <Link to="/portal/news">{t('portalNews.allNews')}</Link>
      </p>
    </Page>
  );
}

/** The calendar: occurrences near an area for the next 60 days, and the area's iCalendar feed. */
export function PortalEventsPage() {
  const { t } = useTranslation();
  const [area, setArea] = useState<number | null>(areaFromUrl);
  const areas = useQuery({
    queryKey: ['portal', 'home', null],
    queryFn: ({ signal }) => api<HomeRecord>('/portal/home', { signal }),
  });
  const list = useQuery({
    queryKey: ['portal', 'events', area],
    queryFn: ({ signal }) =>
      api<{ occurrences: OccurrenceRecord[] }>(`/portal/events${area ? `?areaId=${area}` : ''}`, { signal }),
  });
  const feed = area ? `/api/portal/feeds/areas/${area}/events.ics` : '/api/portal/feeds/nation/events.ics';
  return (
    <Page title={t('portalNews.calendarTitle')}>
      {areas.data ? (
        <AreaPicker
          areas={areas.data.areas}
          value={area}
          onChange={(id) => {
            setArea(id);
            window.history.replaceState(null, '', id ? `/portal/events?area=${id}` : '/portal/events');
          }}
        />
      ) : null}
      <p>
        <a href={feed} className="portal-ical">
          {t('portalNews.subscribe')}
        </a>
      </p>
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.isPending ? <Loading /> : null}
      {list.data ? (
        list.data.occurrences.length ? (
          <ul className="portal-list">
            {list.data.occurrences.map((o) => (
              <EventRow key={`${o.eventId}-${o.startsAt}`} o={o} />
            ))}
          </ul>
        ) : (
          <p>{t('portalNews.noEvents')}</p>
        )
      ) : null}
    </Page>
  );
}

interface EventRecord {
  id: number;
  place: PlaceRecord;
  title: string;
  description: string;
  lang: string;
  fallback: boolean;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  repeat: 'weekly' | 'monthly' | null;
  venue: string;
  onlineUrl: string;
  grades: number[];
  roles: string[];
  capacity: number | null;
  registered: number;
  mine: boolean;
  next: { startsAt: string; endsAt: string }[];
}

/** An event: when, where, for whom; register (signed in) and subscribe to its area's calendar. */
export function PortalEventPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useMe();
  const client = useQueryClient();
  const errorText = useErrorText();
  const ev = useQuery({
    queryKey: ['portal', 'event', id],
    queryFn: ({ signal }) => api<EventRecord>(`/portal/events/${id}`, { signal }),
  });
  const registration = useMutation({
    mutationFn: (on: boolean) =>
      api<{ registered: number; mine: boolean }>(`/portal/events/${id}/registration`, {
        method: on ? 'POST' : 'DELETE',
      }),
    onSettled: () => client.invalidateQueries({ queryKey: ['portal', 'event', id] }),
  });
  if (ev.isError) return <ErrorBox error={ev.error} onRetry={() => void ev.refetch()} />;
  if (!ev.data) return <Loading />;
  const e = ev.data;
  const feed =
    e.place.kind === 'institution'
      ? `/api/portal/feeds/schools/${e.place.institutionId}/events.ics`
      : e.place.kind === 'area'
        ? `/api/portal/feeds/areas/${e.place.areaId}/events.ics`
        : '/api/portal/feeds/nation/events.ics';
  const signedIn = !!me.data;
  const full = e.capacity !== null && e.registered >= e.capacity;
  return (
    <Page title={e.title}>
      {e.fallback ? <Fallback lang={e.lang} /> : null}
      <dl className="portal-facts">
        <dt>{t('portalNews.when')}</dt>
        <dd>
          {f.dateTime(e.startsAt)} – {f.dateTime(e.endsAt)} ({e.timeZone})
          {e.repeat ? ` · ${t(`portalNews.repeat.${e.repeat}`)}` : ''}
        </dd>
        <dt>{t('portalNews.by')}</dt>
        <dd>{e.place.name}</dd>
        {e.venue ? (
          <>
            <dt>{t('portalNews.venue')}</dt>
            <dd>{e.venue}</dd>
          </>
        ) : null}
        {e.onlineUrl ? (
          <>
            <dt>{t('portalNews.online')}</dt>
            <dd>
              <a href={e.onlineUrl} rel="noopener noreferrer nofollow">
                {e.onlineUrl}
              </a>
            </dd>
          </>
        ) : null}
        {e.grades.length ? (
          <>
            <dt>{t('portalNews.grades')}</dt>
            <dd>{e.grades.join(', ')}</dd>
          </>
        ) : null}
        {e.roles.length ? (
          <>
            <dt>{t('portalNews.audience')}</dt>
            <dd>{e.roles.map((r) => t(`portalNews.role.${r}`)).join(', ')}</dd>
          </>
        ) : null}
        {e.capacity !== null ? (
          <>
            <dt>{t('portalNews.places')}</dt>
            <dd>{t('portalNews.taken', { n: e.registered, of: e.capacity })}</dd>
          </>
        ) : null}
      </dl>
      {e.description ? (
        <p className="portal-description" lang={e.lang}>
          {e.description}
        </p>
      ) : null}
      {e.next.length > 1 ? (
        <>
          <h2>{t('portalNews.nextTimes')}</h2>
          <ul>
            {e.next.map((o) => (
              <li key={o.startsAt}>{f.dateTime(o.startsAt)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {e.capacity !== null ? (
        signedIn ? (
          e.mine ? (
            <p>
              {t('portalNews.registered')}{' '}
              <button
                type="button"
                onClick={() => registration.mutate(false)}
                disabled={registration.isPending}
              >
                {t('portalNews.cancel')}
              </button>
            </p>
          ) : (
            <button
              type="button"
              className="primary"
              onClick={() => registration.mutate(true)}
              disabled={registration.isPending || full}
            >
              {full ? t('portalNews.full') : t('portalNews.register')}
            </button>
          )
        ) : (
          <p>
            <Link to="/login">{t('portalNews.signInToRegister')}</Link>
          </p>
        )
      ) : null}
      {registration.isError ? (
        <p role="alert" className="error">
          {errorText(registration.error)}
        </p>
      ) : null}
      <p>
        <a href={feed} className="portal-ical">
          {t('portalNews.subscribe')}
        </a>
      </p>
    </Page>
  );
}
