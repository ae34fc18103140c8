import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { Lesson, TeachingList } from '@/modules/classroom/classroom.schema';
import type { SearchResponse } from '@/modules/library/library.schema';
import { api, ApiError } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { StaleVersion, differencesOf, staleCurrent } from '@/web/components/stale-version';

type LessonRecord = Static<typeof Lesson>;
type Material = LessonRecord['materials'][number];

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (day: string, n: number) => isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));
const mondayOf = (day: string) => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));

/** A teacher's week of lessons across their classes, each to open and fill in. */
export function TeachingPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const [from, setFrom] = useState(() => mondayOf(isoDay(new Date())));
  const to = addDays(from, 6);
  const week = useQuery({
    queryKey: ['teaching', from],
    queryFn: ({ signal }) =>
      api<Static<typeof TeachingList>>(`/me/teaching?from=${from}&to=${to}`, { signal }),
  });
  const days = [...new Set(week.data?.items.map((l) => l.date) ?? [])];
  return (
    <Page title={t('teaching.title')} intro={t('teaching.intro')}>
      <p className="actions">
        <button type="button" className="secondary" onClick={() => setFrom(addDays(from, -7))}>
          {t('teaching.previous')}
        </button>{' '}
        <span>
          <time dateTime={from}>{f.date(from)}</time> – <time dateTime={to}>{f.date(to)}</time>
        </span>{' '}
        <button type="button" className="secondary" onClick={() => setFrom(addDays(from, 7))}>
          {t('teaching.next')}
        </button>
      </p>
      {week.isPending ? <Loading /> : null}
      {week.isError ? <ErrorBox error={week.error} onRetry={() => void week.refetch()} /> : null}
      {week.data && week.data.items.length === 0 ? <p>{t('teaching.empty')}</p> : null}
      {days.map((day) => (
        <section key={day} aria-labelledby={`teaching-${day}`}>
          <h2 id={`teaching-${day}`}>
            <time dateTime={day}>{f.date(day, { weekday: true })}</time>
          </h2>
          <ul className="list">
            {week
              .data!.items.filter((l) => l.date === day)
              .map((l) => (
                <li key={l.id}>
                  <Link to={`/teaching/lessons/${l.id}`} className="what">
                    {f.time(l.startsAt)} · {l.className} · {l.subject}
                  </Link>
                  <span className="meta">
                    {l.topic ?? t('teaching.noTopic')}
                    {l.state === 'cancelled' ? ` · ${t('teaching.cancelled')}` : ''}
                  </span>
                </li>
              ))}
          </ul>
        </section>
      ))}
    </Page>
  );
}

/** One lesson to fill in: topic, homework, a live meeting link, and materials from the library or the web. */
export function LessonPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const lesson = useQuery({
    queryKey: ['lesson', id],
    queryFn: ({ signal }) => api<LessonRecord>(`/lessons/${id}`, { signal }),
  });
  const f = useFormat();
  const title = lesson.data ? `${lesson.data.subject} · ${f.date(lesson.data.date)}` : t('teaching.lesson');
  return (
    <Page title={title}>
      <p>
        <Link to="/teaching">{t('teaching.back')}</Link>
      </p>
      {lesson.isPending ? <Loading /> : null}
      {lesson.isError ? <ErrorBox error={lesson.error} onRetry={() => void lesson.refetch()} /> : null}
      {lesson.data ? <LessonForm key={lesson.data.id} lesson={lesson.data} /> : null}
    </Page>
  );
}

/** What a teacher fills in of a lesson, compared when a save meets someone else's change. */
const LESSON_FIELDS = ['topic', 'homework', 'meetingUrl', 'materials'] as const;
type LessonContent = Pick<LessonRecord, (typeof LESSON_FIELDS)[number]>;

function LessonForm({ lesson }: { lesson: LessonRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const ids = { topic: useId(), homework: useId(), meeting: useId(), url: useId(), urlTitle: useId() };
  const [form, setForm] = useState({
    topic: lesson.topic ?? '',
    homework: lesson.homework ?? '',
    meetingUrl: lesson.meetingUrl ?? '',
  });
  const [materials, setMaterials] = useState<Material[]>(lesson.materials);
  const [link, setLink] = useState({ url: '', title: '' });
  /** The version the form's values were read at: a save sends it, so that it never overwrites unseen changes. */
  const [version, setVersion] = useState(lesson.version);
  /** Someone else's saved version met by a save, and the content that save sent. */
  const [stale, setStale] = useState<{ current: LessonRecord; mine: LessonContent } | null>(null);
  const save = useMutation({
    mutationFn: (v: { content: LessonContent; version: number }) =>
      api<LessonRecord>(`/lessons/${lesson.id}`, {
        method: 'PUT',
        body: { ...v.content, version: v.version },
      }),
    onSuccess: (saved) => {
      client.setQueryData(['lesson', lesson.id], saved);
      void client.invalidateQueries({ queryKey: ['teaching'] });
      setVersion(saved.version);
      setStale(null);
    },
    onError: (error, v) => {
      const current = staleCurrent<LessonRecord>(error);
      if (current) setStale({ current, mine: v.content });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setStale(null);
    save.mutate({
      content: {
        topic: form.topic || null,
        homework: form.homework || null,
        meetingUrl: form.meetingUrl || null,
        materials,
      },
      version,
    });
  };
  /** Theirs replaces the form's content. */
  const reload = (current: LessonRecord) => {
    client.setQueryData(['lesson', lesson.id], current);
    setForm({
      topic: current.topic ?? '',
      homework: current.homework ?? '',
      meetingUrl: current.meetingUrl ?? '',
    });
    setMaterials(current.materials);
    setVersion(current.version);
    setStale(null);
    save.reset();
  };
  const showValue = (field: (typeof LESSON_FIELDS)[number], value: unknown): string =>
    field === 'materials'
      ? (value as Material[]).map((m) => m.title ?? m.url ?? t('teaching.resource')).join('\n')
      : ((value as string | null) ?? '');
  const addLink = () => {
    if (!link.url.trim()) return;
    setMaterials([
      ...materials,
      { kind: 'url', resourceId: null, url: link.url.trim(), title: link.title || null },
    ]);
    setLink({ url: '', title: '' });
  };
  return (
    <form className="form" onSubmit={submit}>
      <p className="meta">
        {f.time(lesson.startsAt)}–{f.time(lesson.endsAt)}
        {lesson.room ? ` · ${lesson.room}` : ''}
      </p>
      <div className="field">
        <label htmlFor={ids.topic}>{t('teaching.topic')}</label>
        <input
          id={ids.topic}
          maxLength={500}
          value={form.topic}
          onChange={(e) => setForm({ ...form, topic: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.homework}>{t('teaching.homework')}</label>
        <textarea
          id={ids.homework}
          rows={3}
          value={form.homework}
          onChange={(e) => setForm({ ...form, homework: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.meeting}>{t('teaching.meetingUrl')}</label>
        <input
          id={ids.meeting}
          type="url"
          value={form.meetingUrl}
          onChange={(e) => setForm({ ...form, meetingUrl: e.target.value })}
        />
      </div>
      <fieldset>
        <legend>{t('teaching.materials')}</legend>
        {materials.length === 0 ? <p className="meta">{t('teaching.noMaterials')}</p> : null}
        <ul className="list">
          {materials.map((m, i) => (
            <li key={`${m.kind}-${m.resourceId ?? m.url}-${i}`}>
              {m.kind === 'resource' ? (
                <Link to={`/resources/${m.resourceId}`} className="what">
                  {m.title ?? t('teaching.resource')}
                </Link>
              ) : (
                <a href={m.url ?? '#'} className="what" rel="noopener noreferrer" target="_blank">
                  {m.title ?? m.url}
                </a>
              )}
              <button
                type="button"
                className="secondary"
                onClick={() => setMaterials(materials.filter((_, j) => j !== i))}
              >
                {t('teaching.removeMaterial')}
              </button>
            </li>
          ))}
        </ul>
        <LibraryPicker
          onPick={(r) =>
            setMaterials([...materials, { kind: 'resource', resourceId: r.id, url: null, title: r.title }])
          }
        />
        <div className="field">
          <label htmlFor={ids.url}>{t('teaching.linkUrl')}</label>
          <input
            id={ids.url}
            type="url"
            value={link.url}
            onChange={(e) => setLink({ ...link, url: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.urlTitle}>{t('teaching.linkTitle')}</label>
          <input
            id={ids.urlTitle}
            value={link.title}
            onChange={(e) => setLink({ ...link, title: e.target.value })}
          />
        </div>
        <button type="button" className="secondary" onClick={addLink}>
          {t('teaching.addLink')}
        </button>
      </fieldset>
      {stale ? (
        <StaleVersion
          differences={differencesOf(
            LESSON_FIELDS,
            stale.current,
            stale.mine,
            (field) => t(`teaching.${field}`),
            showValue,
          )}
          updatedAt={null}
          busy={save.isPending}
          onReload={() => reload(stale.current)}
          onOverwrite={() => {
            // Cleared first, so that a failure of the overwrite itself shows as an error.
            const { mine, current } = stale;
            setStale(null);
            save.mutate({ content: mine, version: current.version });
          }}
        />
      ) : save.isError && !(save.error instanceof ApiError && save.error.code === 'stale_version') ? (
        <ErrorBox error={save.error} />
      ) : null}
      {save.isSuccess ? <p role="status">{t('teaching.saved')}</p> : null}
      <button type="submit" disabled={save.isPending}>
        {t('teaching.save')}
      </button>
    </form>
  );
}

/** Finds a published library resource by any words (any script, typos tolerated) and picks it. */
function LibraryPicker({ onPick }: { onPick: (r: { id: number; title: string }) => void }) {
  const { t } = useTranslation();
  const searchId = useId();
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const [videos, setVideos] = useState(false);
  const found = useQuery({
    queryKey: ['library-pick', asked, videos],
    enabled: asked.length > 0,
    queryFn: ({ signal }) =>
      api<Static<typeof SearchResponse>>(
        `/library/search?limit=8&q=${encodeURIComponent(asked)}${videos ? '&type=video_lesson' : ''}`,
        { signal },
      ),
  });
  return (
    <div className="card">
      <div className="field">
        <label htmlFor={searchId}>{t('teaching.findResource')}</label>
        <input
          id={searchId}
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              setAsked(q.trim());
            }
          }}
        />
      </div>
      <label className="check">
        <input type="checkbox" checked={videos} onChange={(e) => setVideos(e.target.checked)} />
        {t('teaching.videosOnly')}
      </label>
      <button type="button" className="secondary" onClick={() => setAsked(q.trim())}>
        {t('teaching.search')}
      </button>
      {found.isFetching ? <Loading /> : null}
      {found.isError ? <ErrorBox error={found.error} /> : null}
      {found.data ? (
        <ul className="list" aria-label={t('teaching.results')}>
          {found.data.items.length === 0 ? <li>{t('teaching.nothingFound')}</li> : null}
          {found.data.items.map(({ resource }) => (
            <li key={resource.id}>
              <span className="what">{resource.title}</span>
              <button
                type="button"
                className="secondary"
                aria-label={t('teaching.attachNamed', { title: resource.title })}
                onClick={() => onPick({ id: resource.id, title: resource.title })}
              >
                {t('teaching.attach')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
