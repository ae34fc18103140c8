import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, upload, type FieldProblem } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link, navigate } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading, useErrorText } from '@/web/components/status';
import '@/web/portal/portal.css';

/**
 * The publishers' pages: their news items and events, a news item's editor (a textarea with a few formatting
 * buttons, a preview in a sandboxed frame that runs no script, a publishing time) and an event's editor.
 */

type Lang = 'az' | 'ru' | 'en';
const LANGS: Lang[] = ['az', 'ru', 'en'];
type Localised = Record<Lang, string>;
const blank = (): Localised => ({ az: '', ru: '', en: '' });
interface PlaceIn {
  kind: 'nation' | 'area' | 'institution';
  areaId: number | null;
  institutionId: number | null;
}
interface Places {
  nation: boolean;
  areas: { id: number; name: string }[];
  schools: { id: number; name: string }[];
}
interface ArticleEdit {
  id: number;
  version: number;
  place: PlaceIn & { name: string };
  title: Localised;
  summary: Localised;
  body: Localised;
  tags: string[];
  publishAt: string | null;
  status: 'draft' | 'scheduled' | 'published';
  cover?: CoverEdit | null;
}
interface CoverEdit {
  url: string;
  width: number;
  height: number;
  bytes: number;
  alt: Localised;
}
interface EventEdit {
  id: number;
  version: number;
  place: PlaceIn & { name: string };
  title: Localised;
  description: Localised;
  start: string;
  end: string;
  timeZone: string;
  repeat: 'weekly' | 'monthly' | null;
  repeatCount: number | null;
  repeatUntilLocal: string | null;
  venue: string;
  onlineUrl: string;
  grades: number[];
  roles: string[];
  capacity: number | null;
  registered: number;
  startsAt: string;
}

/** The editor's place picker: the places the signed-in person may publish for. */
function PlacePicker({ value, onChange }: { value: PlaceIn | null; onChange: (p: PlaceIn) => void }) {
  const { t } = useTranslation();
  const places = useQuery({
    queryKey: ['portal', 'places'],
    queryFn: ({ signal }) => api<Places>('/portal/manage/places', { signal }),
  });
  const key = (p: PlaceIn | null) =>
    !p ? '' : p.kind === 'nation' ? 'n' : p.kind === 'area' ? `a${p.areaId}` : `s${p.institutionId}`;
  const options: { key: string; place: PlaceIn; name: string }[] = [];
  if (places.data?.nation)
    options.push({
      key: 'n',
      place: { kind: 'nation', areaId: null, institutionId: null },
      name: t('portalNews.ministry'),
    });
  for (const a of places.data?.areas ?? [])
    options.push({
      key: `a${a.id}`,
      place: { kind: 'area', areaId: a.id, institutionId: null },
      name: a.name,
    });
  for (const s of places.data?.schools ?? [])
    options.push({
      key: `s${s.id}`,
      place: { kind: 'institution', areaId: null, institutionId: s.id },
      name: s.name,
    });
  if (value && !options.some((o) => o.key === key(value)))
    options.unshift({ key: key(value), place: value, name: (value as { name?: string }).name ?? '' });
  return (
    <label>
      {t('portalNews.place')}
      <select
        required
        value={key(value)}
        onChange={(e) => {
          const o = options.find((x) => x.key === e.target.value);
          if (o) onChange(o.place);
        }}
      >
        <option value="" disabled>
          {t('portalNews.choose')}
        </option>
        {options.map((o) => (
          <option key={o.key} value={o.key}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The publisher's list of news items and events. */
export function PortalManagePage() {
  const { t } = useTranslation();
  const f = useFormat();
  const news = useQuery({
    queryKey: ['portal', 'manage', 'news'],
    queryFn: ({ signal }) => api<{ items: ArticleEdit[] }>('/portal/manage/news', { signal }),
  });
  const events = useQuery({
    queryKey: ['portal', 'manage', 'events'],
    queryFn: ({ signal }) => api<{ items: EventEdit[] }>('/portal/manage/events', { signal }),
  });
  const title = (l: Localised) => l.az || l.ru || l.en;
  return (
    <Page title={t('portalNews.manageTitle')}>
      <p className="portal-paging">
        <Link to="/portal/manage/news/new">{t('portalNews.newArticle')}</Link>
        <Link to="/portal/manage/events/new">{t('portalNews.newEvent')}</Link>
        <Link to="/portal">{t('portalNews.homeTitle')}</Link>
      </p>
      <h2>{t('portalNews.news')}</h2>
      {news.isError ? <ErrorBox error={news.error} /> : null}
      {news.data ? (
        <ul className="portal-list">
          {news.data.items.map((a) => (
            <li key={a.id} className="portal-card">
              <Link to={`/portal/manage/news/${a.id}`}>{title(a.title)}</Link>
              <p className="portal-meta">
                {a.place.name} · {t(`portalNews.status.${a.status}`)}
                {a.publishAt ? ` · ${f.dateTime(a.publishAt)}` : ''}
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <Loading />
      )}
      <h2>{t('portalNews.events')}</h2>
      {events.isError ? <ErrorBox error={events.error} /> : null}
      {events.data ? (
        <ul className="portal-list">
          {events.data.items.map((e) => (
            <li key={e.id} className="portal-card">
              <Link to={`/portal/manage/events/${e.id}`}>{title(e.title)}</Link>
              <p className="portal-meta">
                {e.place.name} · {f.dateTime(e.startsAt)}
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <Loading />
      )}
    </Page>
  );
}

/** Problems of a refused save, each in the person's language. */
function Problems({ error }: { error: unknown }) {
  const errorText = useErrorText();
  if (!error) return null;
  const details = (error as { details?: FieldProblem[] }).details ?? [];
  return (
    <div role="alert" className="error">
      <p>{errorText(error)}</p>
      {details.length ? (
        <ul>
          {details.map((d) => (
            <li key={d.field}>{d.message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A local `YYYY-MM-DDTHH:mm` of an ISO instant, for a datetime-local input (this device's zone). */
const localInput = (iso: string | null) => {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

/** A rich text field: a textarea with buttons that wrap the selection in the few tags the server keeps. */
function RichText({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLTextAreaElement>(null);
  const wrap = (open: string, close: string) => {
    const el = ref.current;
    if (!el) return;
    const { selectionStart: s, selectionEnd: e } = el;
    onChange(value.slice(0, s) + open + value.slice(s, e) + close + value.slice(e));
  };
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <div className="portal-editor-tools" role="toolbar" aria-label={t('portalNews.formatting')}>
        <button type="button" onClick={() => wrap('<strong>', '</strong>')}>
          {t('portalNews.bold')}
        </button>
        <button type="button" onClick={() => wrap('<em>', '</em>')}>
          {t('portalNews.italic')}
        </button>
        <button type="button" onClick={() => wrap('<p>', '</p>')}>
          {t('portalNews.paragraph')}
        </button>
        <button type="button" onClick={() => wrap('<ul>\n<li>', '</li>\n</ul>')}>
          {t('portalNews.list')}
        </button>
        <button type="button" onClick={() => wrap('<a href="https://">', '</a>')}>
          {t('portalNews.link')}
        </button>
      </div>
      <textarea id={id} ref={ref} rows={8} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** Writes or changes a news item in three languages, with a preview and a publishing time. */
export function PortalNewsEditPage({ id }: { id: number | null }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const existing = useQuery({
    queryKey: ['portal', 'manage', 'news', id],
    queryFn: ({ signal }) => api<ArticleEdit>(`/portal/manage/news/${id}`, { signal }),
    enabled: id !== null,
  });
  if (id !== null && existing.isError) return <ErrorBox error={existing.error} />;
  if (id !== null && !existing.data) return <Loading />;
  return (
    <NewsForm
      key={existing.data?.version ?? 0}
      item={existing.data ?? null}
      onSaved={(saved) => {
        void client.invalidateQueries({ queryKey: ['portal'] });
        if (id === null) navigate(`/portal/manage/news/${saved.id}`, { replace: true });
      }}
      title={t(id === null ? 'portalNews.newArticle' : 'portalNews.editArticle')}
    >
      {existing.data ? (
        <CoverEditor
          item={existing.data}
          onSaved={() => void client.invalidateQueries({ queryKey: ['portal'] })}
        />
      ) : null}
    </NewsForm>
  );
}

/**
 * A news item's cover image, saved on its own (docs/portal.md "First HTML, cover images and speed"): a JPEG,
 * PNG or WebP with its description in each language the item is written in; or removed.
 */
function CoverEditor({ item, onSaved }: { item: ArticleEdit; onSaved: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [alt, setAlt] = useState<Localised>(item.cover?.alt ?? blank());
  const put = useMutation({
    mutationFn: () => {
      const q = new URLSearchParams({
        version: String(item.version),
        altAz: alt.az,
        altRu: alt.ru,
        altEn: alt.en,
      });
      return upload<ArticleEdit>(`/portal/manage/news/${item.id}/cover?${q.toString()}`, file!, 'PUT');
    },
    onSuccess: onSaved,
  });
  const remove = useMutation({
    mutationFn: () =>
      api<ArticleEdit>(`/portal/manage/news/${item.id}/cover?version=${item.version}`, { method: 'DELETE' }),
    onSuccess: onSaved,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) put.mutate();
  };
  return (
    <section aria-labelledby="portal-cover-title">
      <h2 id="portal-cover-title">{t('portalCovers.title')}</h2>
      <p>{t('portalCovers.hint')}</p>
      {item.cover ? (
        <figure className="portal-cover-current">
          <img
            className="portal-cover"
            src={item.cover.url}
            width={item.cover.width}
            height={item.cover.height}
            alt={item.cover.alt.az || item.cover.alt.ru || item.cover.alt.en}
          />
          <figcaption>
            {t('portalCovers.size', { width: item.cover.width, height: item.cover.height })}
          </figcaption>
        </figure>
      ) : (
        <p>{t('portalCovers.none')}</p>
      )}
      <form className="portal-form portal-cover-form" onSubmit={submit}>
        <label>
          {t('portalCovers.file')}
          <input
            type="file"
            accept="image/jpeg,image/png,image/webp"
            required
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        {LANGS.map((l) => (
          <label key={l}>
            {t('portalCovers.alt', { language: t(`portalNews.language.${l}`) })}
            <input
              type="text"
              maxLength={300}
              value={alt[l]}
              onChange={(e) => setAlt((a) => ({ ...a, [l]: e.target.value }))}
            />
          </label>
        ))}
        <Problems error={put.error ?? remove.error} />
        <button type="submit" className="primary" disabled={put.isPending || !file}>
          {t('portalCovers.upload')}
        </button>
        {item.cover ? (
          <button type="button" disabled={remove.isPending} onClick={() => remove.mutate()}>
            {t('portalCovers.remove')}
          </button>
        ) : null}
      </form>
    </section>
  );
}

function NewsForm({
  item,
  onSaved,
  title,
  children,
}: {
  item: ArticleEdit | null;
  onSaved: (a: ArticleEdit) => void;
  title: string;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const [place, setPlace] = useState<PlaceIn | null>(item?.place ?? null);
  const [lang, setLang] = useState<Lang>('az');
  const [texts, setTexts] = useState({
    title: item?.title ?? blank(),
    summary: item?.summary ?? blank(),
    body: item?.body ?? blank(),
  });
  const [tags, setTags] = useState((item?.tags ?? []).join(', '));
  const [when, setWhen] = useState<'draft' | 'now' | 'later'>(item?.publishAt ? 'later' : 'draft');
  const [at, setAt] = useState(localInput(item?.publishAt ?? null));
  const [preview, setPreview] = useState(false);
  const save = useMutation({
    mutationFn: () => {
      const body = {
        place: place ?? { kind: 'nation' },
        ...texts,
        tags: tags
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        publishAt:
          when === 'draft' ? null : when === 'now' ? new Date().toISOString() : new Date(at).toISOString(),
      };
      return item
        ? api<ArticleEdit>(`/portal/manage/news/${item.id}`, {
            method: 'PUT',
            body: { ...body, version: item.version },
          })
        : api<ArticleEdit>('/portal/manage/news', { method: 'POST', body });
    },
    onSuccess: onSaved,
  });
  const set = (field: 'title' | 'summary' | 'body', v: string) =>
    setTexts((x) => ({ ...x, [field]: { ...x[field], [lang]: v } }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Page title={title}>
      <p>
        <Link to="/portal/manage">{t('portalNews.manageTitle')}</Link>
        {item?.status === 'published' ? (
          <>
            {' · '}
            <Link to={`/portal/news/${item.id}`}>{t('portalNews.view')}</Link>
          </>
        ) : null}
      </p>
      <form className="portal-form" onSubmit={submit}>
        <PlacePicker value={place} onChange={setPlace} />
        <fieldset>
          <legend>{t('portalNews.languageTab')}</legend>
          {LANGS.map((l) => (
            <label key={l} className="inline">
              <input type="radio" name="lang" value={l} checked={lang === l} onChange={() => setLang(l)} />{' '}
              {t(`portalNews.language.${l}`)}
            </label>
          ))}
        </fieldset>
        <label>
          {t('portalNews.fieldTitle')} ({t(`portalNews.language.${lang}`)})
          <input
            type="text"
            maxLength={200}
            value={texts.title[lang]}
            onChange={(e) => set('title', e.target.value)}
          />
        </label>
        <label>
          {t('portalNews.fieldSummary')} ({t(`portalNews.language.${lang}`)})
          <textarea
            rows={2}
            maxLength={600}
            value={texts.summary[lang]}
            onChange={(e) => set('summary', e.target.value)}
          />
        </label>
        <RichText
          id="portal-body"
          label={`${t('portalNews.fieldBody')} (${t(`portalNews.language.${lang}`)})`}
          value={texts.body[lang]}
          onChange={(v) => set('body', v)}
        />
        <button type="button" onClick={() => setPreview(!preview)} aria-expanded={preview}>
          {t('portalNews.preview')}
        </button>
        {preview ? (
          <iframe
            className="portal-preview"
            title={t('portalNews.preview')}
            sandbox=""
            srcDoc={`<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><body style="font-family:sans-serif">${texts.body[lang]}</body>`}
          />
        ) : null}
        <label>
          {t('portalNews.fieldTags')}
          <input type="text" value={tags} onChange={(e) => setTags(e.target.value)} />
        </label>
        <fieldset>
          <legend>{t('portalNews.publishing')}</legend>
          {(['draft', 'now', 'later'] as const).map((w) => (
            <label key={w} className="inline">
              <input type="radio" name="when" value={w} checked={when === w} onChange={() => setWhen(w)} />{' '}
              {t(`portalNews.when_${w}`)}
            </label>
          ))}
          {when === 'later' ? (
            <label>
              {t('portalNews.publishAt')}
              <input type="datetime-local" required value={at} onChange={(e) => setAt(e.target.value)} />
            </label>
          ) : null}
        </fieldset>
        <Problems error={save.error} />
        {save.isSuccess ? <p role="status">{t('portalNews.saved')}</p> : null}
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('portalNews.save')}
        </button>
      </form>
      {children}
    </Page>
  );
}

/** Adds or changes an event. */
export function PortalEventEditPage({ id }: { id: number | null }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const existing = useQuery({
    queryKey: ['portal', 'manage', 'events', id],
    queryFn: ({ signal }) => api<EventEdit>(`/portal/manage/events/${id}`, { signal }),
    enabled: id !== null,
  });
  if (id !== null && existing.isError) return <ErrorBox error={existing.error} />;
  if (id !== null && !existing.data) return <Loading />;
  return (
    <EventForm
      key={existing.data?.version ?? 0}
      item={existing.data ?? null}
      title={t(id === null ? 'portalNews.newEvent' : 'portalNews.editEvent')}
      onSaved={(saved) => {
        void client.invalidateQueries({ queryKey: ['portal'] });
        if (id === null) navigate(`/portal/manage/events/${saved.id}`, { replace: true });
      }}
    />
  );
}

const GRADES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const ROLES = ['student', 'parent', 'teacher', 'director'];

function EventForm({
  item,
  title,
  onSaved,
}: {
  item: EventEdit | null;
  title: string;
  onSaved: (e: EventEdit) => void;
}) {
  const { t } = useTranslation();
  const [place, setPlace] = useState<PlaceIn | null>(item?.place ?? null);
  const [lang, setLang] = useState<Lang>('az');
  const [texts, setTexts] = useState({
    title: item?.title ?? blank(),
    description: item?.description ?? blank(),
  });
  const [v, setV] = useState({
    start: item?.start ?? '',
    end: item?.end ?? '',
    timeZone: item?.timeZone ?? 'Asia/Baku',
    repeat: item?.repeat ?? '',
    repeatCount: item?.repeatCount ? String(item.repeatCount) : '',
    repeatUntil: item?.repeatUntilLocal?.slice(0, 10) ?? '',
    venue: item?.venue ?? '',
    onlineUrl: item?.onlineUrl ?? '',
    capacity: item?.capacity ? String(item.capacity) : '',
  });
  const [grades, setGrades] = useState<number[]>(item?.grades ?? []);
  const [roles, setRoles] = useState<string[]>(item?.roles ?? []);
  const save = useMutation({
    mutationFn: () => {
      const body = {
        place: place ?? { kind: 'nation' },
        ...texts,
        start: v.start,
        end: v.end,
        timeZone: v.timeZone,
        repeat: v.repeat || null,
        repeatCount: v.repeat && v.repeatCount ? Number(v.repeatCount) : null,
        repeatUntil: v.repeat && v.repeatUntil ? `${v.repeatUntil}T00:00` : null,
        venue: v.venue,
        onlineUrl: v.onlineUrl,
        grades,
        roles,
        capacity: v.capacity ? Number(v.capacity) : null,
      };
      return item
        ? api<EventEdit>(`/portal/manage/events/${item.id}`, {
            method: 'PUT',
            body: { ...body, version: item.version },
          })
        : api<EventEdit>('/portal/manage/events', { method: 'POST', body });
    },
    onSuccess: onSaved,
  });
  const field = (k: keyof typeof v) => ({
    value: v[k],
    onChange: (e: { target: { value: string } }) => setV((x) => ({ ...x, [k]: e.target.value })),
  });
  const toggle = <T,>(list: T[], x: T) => (list.includes(x) ? list.filter((y) => y !== x) : [...list, x]);
  return (
    <Page title={title}>
      <p>
        <Link to="/portal/manage">{t('portalNews.manageTitle')}</Link>
        {item ? (
          <>
            {' · '}
            <Link to={`/portal/events/${item.id}`}>{t('portalNews.view')}</Link>
          </>
        ) : null}
      </p>
      <form
        className="portal-form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <PlacePicker value={place} onChange={setPlace} />
        <fieldset>
          <legend>{t('portalNews.languageTab')}</legend>
          {LANGS.map((l) => (
            <label key={l} className="inline">
              <input type="radio" name="lang" value={l} checked={lang === l} onChange={() => setLang(l)} />{' '}
              {t(`portalNews.language.${l}`)}
            </label>
          ))}
        </fieldset>
        <label>
          {t('portalNews.fieldTitle')} ({t(`portalNews.language.${lang}`)})
          <input
            type="text"
            maxLength={200}
            value={texts.title[lang]}
            onChange={(e) => setTexts((x) => ({ ...x, title: { ...x.title, [lang]: e.target.value } }))}
          />
        </label>
        <label>
          {t('portalNews.fieldDescription')} ({t(`portalNews.language.${lang}`)})
          <textarea
            rows={4}
            maxLength={4000}
            value={texts.description[lang]}
            onChange={(e) =>
              setTexts((x) => ({ ...x, description: { ...x.description, [lang]: e.target.value } }))
            }
          />
        </label>
        <label>
          {t('portalNews.start')}
          <input type="datetime-local" required {...field('start')} />
        </label>
        <label>
          {t('portalNews.end')}
          <input type="datetime-local" required {...field('end')} />
        </label>
        <label>
          {t('portalNews.timeZone')}
          <input type="text" required {...field('timeZone')} />
        </label>
        <label>
          {t('portalNews.repeatLabel')}
          <select {...field('repeat')}>
            <option value="">{t('portalNews.repeat.none')}</option>
            <option value="weekly">{t('portalNews.repeat.weekly')}</option>
            <option value="monthly">{t('portalNews.repeat.monthly')}</option>
          </select>
        </label>
        {v.repeat ? (
          <>
            <label>
              {t('portalNews.repeatCount')}
              <input type="number" min={2} max={200} {...field('repeatCount')} />
            </label>
            <label>
              {t('portalNews.repeatUntil')}
              <input type="date" {...field('repeatUntil')} />
            </label>
          </>
        ) : null}
        <label>
          {t('portalNews.venue')}
          <input type="text" maxLength={300} {...field('venue')} />
        </label>
        <label>
          {t('portalNews.onlineLink')}
          <input type="url" maxLength={500} {...field('onlineUrl')} />
        </label>
        <fieldset>
          <legend>{t('portalNews.grades')}</legend>
          {GRADES.map((g) => (
            <label key={g} className="inline">
              <input
                type="checkbox"
                checked={grades.includes(g)}
                onChange={() => setGrades(toggle(grades, g))}
              />{' '}
              {g}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('portalNews.audience')}</legend>
          {ROLES.map((r) => (
            <label key={r} className="inline">
              <input
                type="checkbox"
                checked={roles.includes(r)}
                onChange={() => setRoles(toggle(roles, r))}
              />{' '}
              {t(`portalNews.role.${r}`)}
            </label>
          ))}
        </fieldset>
        <label>
          {t('portalNews.capacity')}
          <input type="number" min={1} {...field('capacity')} />
        </label>
        <Problems error={save.error} />
        {save.isSuccess ? <p role="status">{t('portalNews.saved')}</p> : null}
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('portalNews.save')}
        </button>
      </form>
    </Page>
  );
}
