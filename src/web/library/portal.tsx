import { useEffect, useId, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { ResourceView, SearchResponse } from '@/modules/library/library.schema';
import { api } from '@/web/api';
import { gradeOrdinal, useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { useCountryPack } from '@/web/registry/shared';
import { Book, useBeacon } from '@/web/library/book';
import { OfflineLink, SaveOffline, SaveShelf } from '@/web/offline/save-offline';

/**
 * The public library: search over every published resource (no account needed), and a resource's page with
 * its player. Made for a cheap phone on a slow link: the size of every file is shown before anything is
 * played or downloaded, the quality is chosen before playback starts and remembered on this device.
 */

type Resource = Static<typeof ResourceView>;
type Search = Static<typeof SearchResponse>;
type FileInfo = Resource['files'][number];

const FACETS = ['type', 'grade', 'subject', 'language', 'duration'] as const;
type Facet = (typeof FACETS)[number];
/** The filters the address may hold: the facets, and a curriculum topic (a topic's page, LRMI's targetUrl). */
const URL_FILTERS = [...FACETS, 'topic'] as const;
type Filters = Partial<Record<(typeof URL_FILTERS)[number], string>>;
const PAGE = 20;

/** Where this device keeps the video quality last chosen. */
const QUALITY_KEY = 'maktab.videoQuality';

function readFromUrl(): { q: string; filters: Filters; offset: number } {
  const params = new URLSearchParams(window.location.search);
  const filters: Filters = {};
  for (const f of URL_FILTERS) {
    const v = params.get(f);
    if (v) filters[f] = v;
  }
  return { q: params.get('q') ?? '', filters, offset: Number(params.get('offset') ?? 0) || 0 };
}

function query(q: string, filters: Filters, offset: number): string {
  const params = new URLSearchParams();
  if (q.trim()) params.set('q', q.trim());
  for (const f of URL_FILTERS) if (filters[f]) params.set(f, filters[f]);
  if (offset) params.set('offset', String(offset));
  return params.toString();
}

/** Bytes as a person reads them: "12,4 MB". */
function useSize() {
  const f = useFormat();
  return (bytes: number) =>
    bytes >= 1024 * 1024
      ? `${f.number(Math.round((bytes / 1024 / 1024) * 10) / 10)} MB`
      : `${f.number(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

/** Minutes and seconds: "12:05". */
const duration = (seconds: number) =>
  `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;

/** The search page: one box, facets beside the results, the matched words marked in each title. */
export function LibrarySearch() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const size = useSize();
  const inputId = useId();
  const listId = useId();
  const pack = useCountryPack();
  const initial = readFromUrl();
  const [draft, setDraft] = useState(initial.q);
  const [q, setQ] = useState(initial.q);
  const [filters, setFilters] = useState<Filters>(initial.filters);
  const [offset, setOffset] = useState(initial.offset);
  const qs = query(q, filters, offset);
  useEffect(() => {
    // The address holds the search, so it can be shared or bookmarked.
    window.history.replaceState(null, '', `/resources${qs ? `?${qs}` : ''}`);
  }, [qs]);
  const results = useQuery({
    queryKey: ['library', 'search', qs],
    queryFn: ({ signal }) => api<Search>(`/library/search?${qs}&limit=${PAGE}`, { signal }),
  });
  const suggestions = useQuery({
    queryKey: ['library', 'suggest', draft.trim()],
    enabled: draft.trim().length >= 2,
    staleTime: 60_000,
    queryFn: ({ signal }) =>
      api<{ suggestions: string[] }>(`/library/suggest?q=${encodeURIComponent(draft.trim())}`, { signal }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQ(draft);
    setOffset(0);
  };
  const choose = (facet: Facet, value: string) => {
    setFilters((old) => ({ ...old, [facet]: value || undefined }));
    setOffset(0);
  };
  const valueName = (facet: Facet, value: string) => {
    switch (facet) {
      case 'type':
        return t(`portal.type.${value}`);
      case 'grade':
        return t('portal.gradeN', { grade: gradeOrdinal(i18n.language, Number(value)) });
      case 'subject': {
        const subject = pack.data?.subjects.find((s) => s.code === value);
        return subject ? localName(subject, i18n.language) : value;
      }
      case 'language':
        return t(`portal.language.${value}`);
      case 'duration':
        return t(`portal.duration.${value}`);
    }
  };
  const data = results.data;
  return (
    <Page title={t('portal.title')} intro={t('portal.intro')}>
      <p>
        <Link to="/textbooks">{t('textbooks.link')}</Link> ·{' '}
        <Link to="/collections">{t('collections.link')}</Link>
      </p>
      <form role="search" className="form search" onSubmit={submit}>
        <div className="field">
          <label htmlFor={inputId}>{t('portal.search')}</label>
          <input
            id={inputId}
            type="search"
            value={draft}
            list={listId}
            autoComplete="off"
            onChange={(e) => setDraft(e.target.value)}
          />
          <datalist id={listId}>
            {(suggestions.data?.suggestions ?? []).map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </div>
        <button type="submit">{t('portal.find')}</button>
      </form>
      <div className="facets">
        {FACETS.map((facet) => (
          <FacetSelect
            key={facet}
            label={t(`portal.facet.${facet}`)}
            value={filters[facet] ?? ''}
            options={(data?.facets[facet] ?? []).map((o) => ({
              value: o.value,
              label: `${valueName(facet, o.value)} (${f.number(o.count)})`,
            }))}
            onChange={(value) => choose(facet, value)}
          />
        ))}
      </div>
      {filters.grade && filters.subject ? (
        <SaveShelf grade={Number(filters.grade)} subject={filters.subject} />
      ) : null}
      {results.isPending ? <Loading /> : null}
      {results.isError ? <ErrorBox error={results.error} onRetry={() => void results.refetch()} /> : null}
      {data ? (
        <section aria-labelledby="portal-results">
          <h2 id="portal-results">
            {t(data.totalIsLowerBound ? 'portal.resultsAtLeast' : 'portal.results', {
              n: f.number(data.total),
            })}
          </h2>
          <ul className="list resources">
            {data.items.map(({ resource: r, highlight }) => {
              const main = r.files.find((file) => file.role === 'main');
              return (
                <li key={r.id}>
                  <Link to={`/resources/${r.id}`} className="what">
                    {highlight.map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : part.text))}
                  </Link>
                  <span className="meta">
                    {t(`portal.type.${r.type}`)}
                    {r.grades.length ? ` · ${t('portal.grades', { grades: r.grades.join(', ') })}` : ''}
                    {r.durationSeconds ? ` · ${duration(r.durationSeconds)}` : ''}
                    {r.pages ? ` · ${t('portal.pages', { n: f.number(r.pages) })}` : ''}
                    {main ? ` · ${size(main.sizeBytes)}` : ''}
                  </span>
                </li>
              );
            })}
          </ul>
          <nav aria-label={t('portal.paging')} className="paging">
            {offset > 0 ? (
              <button type="button" onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                {t('portal.previous')}
              </button>
            ) : null}
            {offset + PAGE < data.total ? (
              <button type="button" onClick={() => setOffset(offset + PAGE)}>
                {t('portal.next')}
              </button>
            ) : null}
          </nav>
        </section>
      ) : null}
      <OfflineLink />
    </Page>
  );
}

function FacetSelect({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  // The chosen value stays listed even when the current results hold no other.
  const shown =
    value && !options.some((o) => o.value === value) ? [{ value, label: value }, ...options] : options;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('portal.any')}</option>
        {shown.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A resource's page: what it is, and its player or its files, each with its size. */
export function LibraryResource({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const size = useSize();
  const pack = useCountryPack();
  const resource = useQuery({
    queryKey: ['library', 'resource', id],
    queryFn: ({ signal }) => api<Resource>(`/library/resources/${id}`, { signal }),
  });
  const r = resource.data;
  const subject = r?.subject ? pack.data?.subjects.find((s) => s.code === r.subject) : undefined;
  return (
    <Page title={r?.title ?? t('portal.title')}>
      <p>
        <Link to="/resources">{t('portal.back')}</Link>
      </p>
      {resource.isPending ? <Loading /> : null}
      {resource.isError ? <ErrorBox error={resource.error} onRetry={() => void resource.refetch()} /> : null}
      {r ? (
        <>
          {/* A book is opened first thing, so its button is where a phone's screen starts. */}
          <Book key={r.id} resource={r} />
          <dl className="record">
            <div>
              <dt>{t('portal.facet.type')}</dt>
              <dd>{t(`portal.type.${r.type}`)}</dd>
            </div>
            {subject ? (
              <div>
                <dt>{t('portal.facet.subject')}</dt>
                <dd>{localName(subject, i18n.language)}</dd>
              </div>
            ) : null}
            {r.grades.length ? (
              <div>
                <dt>{t('portal.facet.grade')}</dt>
                <dd>{r.grades.join(', ')}</dd>
              </div>
            ) : null}
            <div>
              <dt>{t('portal.facet.language')}</dt>
              <dd>{t(`portal.language.${r.language}`)}</dd>
            </div>
            {r.durationSeconds ? (
              <div>
                <dt>{t('portal.length')}</dt>
                <dd>{duration(r.durationSeconds)}</dd>
              </div>
            ) : null}
            {r.authors.length ? (
              <div>
                <dt>{t('portal.authors')}</dt>
                <dd>{r.authors.join(', ')}</dd>
              </div>
            ) : null}
            <div>
              <dt>{t('portal.licence')}</dt>
              <dd>{t(`portal.licenceName.${r.licence}`)}</dd>
            </div>
            <div>
              <dt>{t('portal.opened')}</dt>
              <dd>
                {t('portal.openedValue', { views: f.number(r.views), completions: f.number(r.completions) })}
              </dd>
            </div>
            {r.publishedAt ? (
              <div>
                <dt>{t('portal.published')}</dt>
                <dd>
                  <time dateTime={r.publishedAt}>{f.date(r.publishedAt)}</time>
                </dd>
              </div>
            ) : null}
          </dl>
          {r.description ? <p>{r.description}</p> : null}
          {!r.processing.available ? <p className="note">{t('portal.processingUnavailable')}</p> : null}
          <Player resource={r} />
          <SaveOffline resource={r} />
          <section aria-labelledby="portal-files">
            <h2 id="portal-files">{t('portal.files')}</h2>
            <ul className="list">
              {r.files
                .filter((file) => file.role !== 'hls' && file.role !== 'thumbnail')
                .map((file) => (
                  <li key={file.id}>
                    <a href={file.url} download>
                      {fileLabel(t, file)}
                    </a>{' '}
                    <span className="meta">{size(file.sizeBytes)}</span>
                  </li>
                ))}
            </ul>
          </section>
        </>
      ) : null}
    </Page>
  );
}

function fileLabel(t: (key: string, options?: Record<string, unknown>) => string, file: FileInfo): string {
  if (file.role === 'rendition') return t('portal.fileRendition', { quality: file.variant });
  return t(`portal.fileRole.${file.role}`);
}

/**
 * Video and audio: the quality is chosen before playback starts (the smallest by default on a first visit,
 * then whatever this device chose last); "sound only" plays the audio rendition. Everything is MP4 or M4A
 * served with HTTP Range, so seeking fetches only what is needed.
 */
function Player({ resource }: { resource: Resource }) {
  const { t } = useTranslation();
  const beacon = useBeacon(resource.id);
  // Counted: the first play, and 90 % watched or listened to.
  const counting = {
    onPlay: () => beacon('view'),
    onTimeUpdate: (e: { currentTarget: HTMLMediaElement }) => {
      const m = e.currentTarget;
      if (m.duration > 0 && m.currentTime >= 0.9 * m.duration) beacon('complete');
    },
  };
  const size = useSize();
  const selectId = useId();
  const renditions = resource.files
    .filter((file) => file.role === 'rendition' && file.height !== null)
    .sort((a, b) => a.height! - b.height!);
  const audio = resource.files.find((file) => file.role === 'audio');
  const main = resource.files.find((file) => file.role === 'main');
  const poster = resource.files.find((file) => file.role === 'thumbnail');
  const captions = resource.files.filter((file) => file.role === 'caption');
  const choices = [
    ...renditions.map((file) => ({ key: file.variant!, label: file.variant!, file })),
    ...(audio ? [{ key: 'audio', label: t('portal.audioOnly'), file: audio }] : []),
  ];
  const [chosen, setChosen] = useState<string>(() => {
    try {
      return localStorage.getItem(QUALITY_KEY) ?? '';
    } catch {
      return '';
    }
  });
  const choice = choices.find((c) => c.key === chosen) ?? choices[0];
  const pick = (key: string) => {
    setChosen(key);
    try {
      localStorage.setItem(QUALITY_KEY, key);
    } catch {
      // Not remembering is acceptable on a device that blocks storage.
    }
  };
  const isVideo = ['video_lesson', 'tv_lesson'].includes(resource.type) || renditions.length > 0;
  const isAudio = resource.type === 'audio_lesson' || main?.contentType.startsWith('audio/');
  if (!isVideo && !isAudio) return null;
  // Without renditions (no ffmpeg, or not processed yet) the original is played as it is.
  const source = choice?.file ?? main;
  if (!source) return null;
  const audioOnly = choice?.key === 'audio' || (!isVideo && isAudio);
  return (
    <section aria-labelledby="portal-player" className="player">
      <h2 id="portal-player">{t('portal.play')}</h2>
      {choices.length > 1 ? (
        <div className="field">
          <label htmlFor={selectId}>{t('portal.quality')}</label>
          <select id={selectId} value={choice!.key} onChange={(e) => pick(e.target.value)}>
            {choices.map((c) => (
              <option key={c.key} value={c.key}>
                {`${c.label} — ${size(c.file.sizeBytes)}`}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {audioOnly ? (
        <audio key={source.id} controls preload="none" src={source.url} data-quality="audio" {...counting} />
      ) : (
        <video
          key={source.id}
          controls
          preload="none"
          playsInline
          poster={poster?.url}
          src={source.url}
          data-quality={choice?.key ?? 'original'}
          {...counting}
        >
          {captions.map((file, i) => (
            <track
              key={file.id}
              kind="captions"
              src={file.url}
              srcLang={resource.language}
              label={t('portal.captions', { language: t(`instruction.${resource.language}`) })}
              default={i === 0}
            />
          ))}
        </video>
      )}
      <SaveOffline resource={resource} media={source} />
    </section>
  );
}
