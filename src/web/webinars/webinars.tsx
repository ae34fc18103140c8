import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { RegistrationList, Totals, Webinar, WebinarList } from '@/modules/webinars/webinars.schema';
import { api, type AreaRecord, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { Field, FormError, problemsOf } from '@/web/components/field';
import { StaleVersion, differencesOf, staleCurrent } from '@/web/components/stale-version';
import { ErrorBox, Loading } from '@/web/components/status';
import { localName } from '@/web/i18n';

type WebinarRecord = Static<typeof Webinar>;
type Registrations = Static<typeof RegistrationList>;

const organises = (me: Me) => me.roles.some((g) => ['admin', 'bureau', 'regional'].includes(g.role));
const participates = (me: Me) => me.roles.some((g) => g.role === 'teacher' || g.role === 'director');

/** Webinars for teachers: the schedule with registration; for organisers also a form and the year's totals. */
export function WebinarsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['webinars'],
    queryFn: ({ signal }) => api<Static<typeof WebinarList>>('/webinars', { signal }),
  });
  return (
    <Page title={t('webinars.title')} intro={t('webinars.intro')}>
      {organises(me) ? <YearTotals /> : null}
      {organises(me) ? <NewWebinar me={me} /> : null}
      <section aria-labelledby="webinars-list">
        <h2 id="webinars-list">{t('webinars.schedule')}</h2>
        {list.isPending ? <Loading /> : null}
        {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
        {list.data?.items.length === 0 ? <p>{t('webinars.empty')}</p> : null}
        <ul className="list">
          {list.data?.items.map((w) => (
            <WebinarItem key={w.id} webinar={w} canJoin={participates(me)} />
          ))}
        </ul>
      </section>
    </Page>
  );
}

function WebinarItem({ webinar: w, canJoin }: { webinar: WebinarRecord; canJoin: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const join = useMutation({
    mutationFn: () =>
      api<WebinarRecord>(`/webinars/${w.id}/registration`, { method: w.mine ? 'DELETE' : 'PUT' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['webinars'] }),
  });
  const ended = Date.parse(w.startsAt) + w.durationMinutes * 60_000 < Date.now();
  return (
    <li>
      {w.canManage ? (
        <Link to={`/webinars/${w.id}`} className="what">
          {w.title}
        </Link>
      ) : (
        <span className="what">{w.title}</span>
      )}
      <span className="meta">
        <time dateTime={w.startsAt}>{f.dateTime(w.startsAt)}</time> ·{' '}
        {t('webinars.minutes', { n: f.number(w.durationMinutes) })} ·{' '}
        {w.area ? w.area.name : t('webinars.national')} ·{' '}
        {w.capacity === null
          ? t('webinars.registered', { n: f.number(w.registered) })
          : t('webinars.registeredOf', { n: f.number(w.registered), capacity: f.number(w.capacity) })}
        {w.cancelled ? <strong> · {t('webinars.cancelled')}</strong> : null}
      </span>
      {w.description ? <p>{w.description}</p> : null}
      {w.url ? (
        <p>
          <a href={w.url} rel="noopener noreferrer" target="_blank">
            {t('webinars.join')}
          </a>
        </p>
      ) : null}
      {canJoin && !w.cancelled && !ended ? (
        <button
          type="button"
          className={w.mine ? 'secondary' : undefined}
          disabled={join.isPending}
          onClick={() => join.mutate()}
        >
          {w.mine ? t('webinars.withdraw') : t('webinars.register')}
        </button>
      ) : null}
      {join.isError ? <ErrorBox error={join.error} /> : null}
    </li>
  );
}

function YearTotals() {
  const { t } = useTranslation();
  const f = useFormat();
  const totals = useQuery({
    queryKey: ['webinars', 'totals'],
    queryFn: ({ signal }) => api<Static<typeof Totals>>('/webinars/totals', { signal }),
  });
  if (!totals.data) return totals.isError ? <ErrorBox error={totals.error} /> : null;
  const d = totals.data;
  return (
    <section className="card" aria-labelledby="webinars-totals">
      <h2 id="webinars-totals">{t('webinars.totals')}</h2>
      <dl className="figures">
        <div>
          <dt>{t('webinars.held')}</dt>
          <dd>{f.number(d.webinars)}</dd>
        </div>
        <div>
          <dt>{t('webinars.hours')}</dt>
          <dd>{f.number(d.hours)}</dd>
        </div>
        <div>
          <dt>{t('webinars.registrations')}</dt>
          <dd>{f.number(d.registrations)}</dd>
        </div>
        <div>
          <dt>{t('webinars.attendances')}</dt>
          <dd>{f.number(d.attended)}</dd>
        </div>
        <div>
          <dt>{t('webinars.teachersReached')}</dt>
          <dd>{f.number(d.teachersReached)}</dd>
        </div>
        <div>
          <dt>{t('webinars.schoolsReached')}</dt>
          <dd>{f.number(d.schoolsReached)}</dd>
        </div>
      </dl>
    </section>
  );
}

const regionalAreas = (me: Me) =>
  me.roles.filter((g) => g.role === 'regional' && g.areaId !== null).map((g) => g.areaId!);
const organisesNationally = (me: Me) => me.roles.some((g) => g.role === 'admin' || g.role === 'bureau');

function useAreas() {
  return useQuery({ queryKey: ['areas'], queryFn: () => api<AreaRecord[]>('/areas'), staleTime: Infinity });
}

/** The fields of a webinar the form saves; a save's problems are shown beside the field they name. */
const FIELDS = ['title', 'description', 'areaId', 'startsAt', 'durationMinutes', 'url', 'capacity'] as const;
type FieldName = (typeof FIELDS)[number];

/** The form's values, as the inputs hold them. */
interface WebinarValues {
  title: string;
  description: string;
  /** An area's id, or '' for a national webinar. */
  areaId: string;
  /** `YYYY-MM-DDTHH:mm` in the browser's time zone, as a `datetime-local` input holds it. */
  startsAt: string;
  durationMinutes: string;
  url: string;
  /** Places, or '' for no limit. */
  capacity: string;
}

/** An instant as a `datetime-local` input shows it: the browser's local time, to the minute. */
function localInput(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A saved webinar as the form's values. */
const valuesOf = (w: WebinarRecord): WebinarValues => ({
  title: w.title,
  description: w.description,
  areaId: w.area ? String(w.area.id) : '',
  startsAt: localInput(w.startsAt),
  durationMinutes: String(w.durationMinutes),
  url: w.url ?? '',
  capacity: w.capacity === null ? '' : String(w.capacity),
});

/** The form's values as the API takes them (without the version and the cancellation). */
const bodyOf = (v: WebinarValues) => ({
  title: v.title,
  description: v.description,
  areaId: v.areaId === '' ? null : Number(v.areaId),
  startsAt: v.startsAt ? new Date(v.startsAt).toISOString() : '',
  durationMinutes: Number(v.durationMinutes),
  url: v.url,
  capacity: v.capacity === '' ? null : Number(v.capacity),
});
type WebinarBodyValues = ReturnType<typeof bodyOf>;

/** The label of each field, for the form and for the conflict panel. */
const LABELS: Record<FieldName, string> = {
  title: 'webinars.webinarTitle',
  description: 'webinars.description',
  areaId: 'webinars.area',
  startsAt: 'webinars.startsAt',
  durationMinutes: 'webinars.duration',
  url: 'webinars.link',
  capacity: 'webinars.capacity',
};

/**
 * A webinar's fields, for a new one and for changing one. The area is national or one the caller organises
 * for: national staff choose any, a regional office its own areas and those within them.
 */
function WebinarFields({
  me,
  values,
  onChange,
  error,
}: {
  me: Me;
  values: WebinarValues;
  onChange: (change: Partial<WebinarValues>) => void;
  error: unknown;
}) {
  const { t, i18n } = useTranslation();
  const base = useId().replace(/:/g, '');
  const id = (field: FieldName) => `${base}-${field}`;
  const areas = useAreas();
  const national = organisesNationally(me);
  const mine = regionalAreas(me);
  const choices = (areas.data ?? []).filter(
    (a) => national || mine.includes(a.id) || a.path.some((p) => mine.includes(p)),
  );
  // The area the webinar has stays a choice even before the list arrives.
  const kept = values.areaId !== '' && !choices.some((a) => String(a.id) === values.areaId);
  const { byField } = problemsOf(error, FIELDS);
  const err = (field: FieldName) => byField.get(field);
  return (
    <>
      <Field id={id('title')} label={t(LABELS.title)} errors={err('title')}>
        {(a) => (
          <input
            {...a}
            required
            maxLength={200}
            value={values.title}
            onChange={(e) => onChange({ title: e.target.value })}
          />
        )}
      </Field>
      <Field id={id('description')} label={t(LABELS.description)} errors={err('description')}>
        {(a) => (
          <textarea
            {...a}
            rows={3}
            maxLength={5000}
            value={values.description}
            onChange={(e) => onChange({ description: e.target.value })}
          />
        )}
      </Field>
      <Field id={id('areaId')} label={t(LABELS.areaId)} errors={err('areaId')}>
        {(a) => (
          <select {...a} value={values.areaId} onChange={(e) => onChange({ areaId: e.target.value })}>
            {national || values.areaId === '' ? <option value="">{t('webinars.national')}</option> : null}
            {kept ? <option value={values.areaId}>{t('webinars.areaKept')}</option> : null}
            {choices.map((x) => (
              <option key={x.id} value={String(x.id)}>
                {localName(x, i18n.language)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={id('startsAt')} label={t(LABELS.startsAt)} errors={err('startsAt')}>
        {(a) => (
          <input
            {...a}
            type="datetime-local"
            required
            value={values.startsAt}
            onChange={(e) => onChange({ startsAt: e.target.value })}
          />
        )}
      </Field>
      <Field id={id('durationMinutes')} label={t(LABELS.durationMinutes)} errors={err('durationMinutes')}>
        {(a) => (
          <input
            {...a}
            type="number"
            inputMode="numeric"
            min={5}
            max={600}
            required
            value={values.durationMinutes}
            onChange={(e) => onChange({ durationMinutes: e.target.value })}
          />
        )}
      </Field>
      <Field id={id('url')} label={t(LABELS.url)} errors={err('url')}>
        {(a) => (
          <input
            {...a}
            type="url"
            required
            maxLength={500}
            value={values.url}
            onChange={(e) => onChange({ url: e.target.value })}
          />
        )}
      </Field>
      <Field id={id('capacity')} label={t(LABELS.capacity)} errors={err('capacity')}>
        {(a) => (
          <input
            {...a}
            type="number"
            inputMode="numeric"
            min={1}
            max={100000}
            value={values.capacity}
            onChange={(e) => onChange({ capacity: e.target.value })}
          />
        )}
      </Field>
    </>
  );
}

/** A new webinar: national by default for national staff, a regional office's own area for it. */
function NewWebinar({ me }: { me: Me }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const empty = (): WebinarValues => ({
    title: '',
    description: '',
    areaId: organisesNationally(me) ? '' : String(regionalAreas(me)[0] ?? ''),
    startsAt: '',
    durationMinutes: '60',
    url: 'https://',
    capacity: '',
  });
  const [form, setForm] = useState(empty);
  const create = useMutation({
    mutationFn: () => api<WebinarRecord>('/webinars', { method: 'POST', body: bodyOf(form) }),
    onSuccess: async () => {
      setForm(empty());
      await client.invalidateQueries({ queryKey: ['webinars'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <details className="card">
      <summary>{t('webinars.new')}</summary>
      <form className="form" onSubmit={submit}>
        <WebinarFields
          me={me}
          values={form}
          onChange={(change) => setForm({ ...form, ...change })}
          error={create.error}
        />
        {create.isError ? (
          <FormError error={create.error} rest={problemsOf(create.error, FIELDS).rest} />
        ) : null}
        <button type="submit" disabled={create.isPending}>
          {t('webinars.create')}
        </button>
      </form>
    </details>
  );
}

/** A webinar's details as its page shows them, with "Edit" for its organisers. */
function WebinarDetails({ webinar: w, onEdit }: { webinar: WebinarRecord; onEdit?: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <section className="card" aria-labelledby="webinar-details">
      <h2 id="webinar-details">{t('webinars.details')}</h2>
      <p className="meta">
        <time dateTime={w.startsAt}>{f.dateTime(w.startsAt)}</time> ·{' '}
        {t('webinars.minutes', { n: f.number(w.durationMinutes) })} ·{' '}
        {w.area ? w.area.name : t('webinars.national')} ·{' '}
        {w.capacity === null
          ? t('webinars.registered', { n: f.number(w.registered) })
          : t('webinars.registeredOf', { n: f.number(w.registered), capacity: f.number(w.capacity) })}
        {w.cancelled ? <strong> · {t('webinars.cancelled')}</strong> : null}
      </p>
      {w.description ? <p>{w.description}</p> : null}
      {w.url ? (
        <p>
          <a href={w.url} rel="noopener noreferrer" target="_blank">
            {w.url}
          </a>
        </p>
      ) : null}
      {onEdit ? (
        <button type="button" onClick={onEdit}>
          {t('webinars.edit')}
        </button>
      ) : null}
    </section>
  );
}

/**
 * Changing a webinar: the form filled from the version read, saved with that version. A save that meets
 * someone else's change shows theirs beside the organiser's, to load theirs or to save over it knowingly.
 */
function EditWebinar({
  me,
  webinar,
  onDone,
}: {
  me: Me;
  webinar: WebinarRecord;
  onDone: (saved: WebinarRecord | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const areas = useAreas();
  const [form, setForm] = useState(() => valuesOf(webinar));
  const heading = useRef<HTMLHeadingElement>(null);
  // The "Edit" button it replaces is gone: the reader is taken to the form's heading instead.
  useEffect(() => {
    heading.current?.focus();
  }, []);
  /** The version the form's values were read at, and whether the webinar was cancelled then (kept as read). */
  const [read, setRead] = useState({ version: webinar.version, cancelled: webinar.cancelled });
  /** Someone else's saved version met by a save, and the values that save sent. */
  const [stale, setStale] = useState<{ current: WebinarRecord; mine: WebinarValues } | null>(null);
  const save = useMutation({
    mutationFn: (v: { values: WebinarValues; version: number; cancelled: boolean }) =>
      api<WebinarRecord>(`/webinars/${webinar.id}`, {
        method: 'PUT',
        body: { ...bodyOf(v.values), version: v.version, cancelled: v.cancelled },
      }),
    onSuccess: async (saved) => {
      client.setQueryData(['webinar', webinar.id], saved);
      setStale(null);
      onDone(saved);
      await client.invalidateQueries({ queryKey: ['webinars'] });
    },
    onError: (error, v) => {
      const current = staleCurrent<WebinarRecord>(error);
      if (current) setStale({ current, mine: v.values });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setStale(null);
    save.mutate({ values: form, ...read });
  };
  /** Theirs replaces the form's values. */
  const reload = (current: WebinarRecord) => {
    client.setQueryData(['webinar', webinar.id], current);
    setForm(valuesOf(current));
    setRead({ version: current.version, cancelled: current.cancelled });
    setStale(null);
    save.reset();
  };
  const areaName = (areaId: unknown) => {
    if (areaId === null) return t('webinars.national');
    const area = areas.data?.find((a) => a.id === areaId);
    return area ? localName(area, i18n.language) : t('stale.unknown');
  };
  const show = (field: FieldName, value: unknown): string => {
    switch (field) {
      case 'startsAt':
        return value ? f.dateTime(value as string) : '';
      case 'durationMinutes':
        return t('webinars.minutes', { n: f.number(Number(value)) });
      case 'capacity':
        return value === null ? t('webinars.noLimit') : f.number(Number(value));
      case 'areaId':
        return areaName(value);
      case 'title':
      case 'description':
      case 'url':
        return value as string;
    }
  };
  const flat = (w: WebinarRecord): WebinarBodyValues => ({
    title: w.title,
    description: w.description,
    areaId: w.area?.id ?? null,
    startsAt: w.startsAt,
    durationMinutes: w.durationMinutes,
    url: w.url ?? '',
    capacity: w.capacity,
  });
  return (
    <form className="form card" onSubmit={submit} aria-labelledby="webinar-edit">
      <h2 id="webinar-edit" tabIndex={-1} ref={heading}>
        {t('webinars.editTitle')}
      </h2>
      <WebinarFields
        me={me}
        values={form}
        onChange={(change) => setForm({ ...form, ...change })}
        error={save.error}
      />
      {stale ? (
        <StaleVersion
          differences={differencesOf(
            FIELDS,
            flat(stale.current),
            bodyOf(stale.mine),
            (k) => t(LABELS[k]),
            show,
          )}
          updatedAt={null}
          busy={save.isPending}
          onReload={() => reload(stale.current)}
          onOverwrite={() => {
            // Cleared first, so that a failure of the overwrite itself shows as an error.
            const { mine, current } = stale;
            setStale(null);
            // The form does not change the cancellation: theirs stands.
            save.mutate({ values: mine, version: current.version, cancelled: current.cancelled });
          }}
        />
      ) : save.isError && !staleCurrent(save.error) ? (
        <FormError error={save.error} rest={problemsOf(save.error, FIELDS).rest} />
      ) : null}
      <div className="row-buttons">
        <button type="submit" disabled={save.isPending || stale !== null}>
          {t('webinars.save')}
        </button>
        <button type="button" className="secondary" onClick={() => onDone(null)} disabled={save.isPending}>
          {t('webinars.cancelEdit')}
        </button>
      </div>
    </form>
  );
}

/**
 * A webinar for its organisers: its details, to change ("Edit"), and its registrations, with attendance to
 * record once it has started.
 */
export function WebinarPage({ id, me }: { id: number; me: Me }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [edited, setEdited] = useState(false);
  const client = useQueryClient();
  const webinar = useQuery({
    queryKey: ['webinar', id],
    queryFn: ({ signal }) => api<WebinarRecord>(`/webinars/${id}`, { signal }),
  });
  const people = useQuery({
    queryKey: ['webinar', id, 'registrations'],
    queryFn: ({ signal }) =>
      api<Static<typeof RegistrationList>>(`/webinars/${id}/registrations`, { signal }),
  });
  // The ticks being changed, and the version of the list they started from (a refetch does not move it).
  const [attended, setAttended] = useState<{ version: number; chosen: Set<number> } | null>(null);
  const [staleList, setStaleList] = useState<{ current: Registrations; mine: Set<number> } | null>(null);
  const ticked = (list: Registrations | undefined) =>
    new Set(list?.items.filter((p) => p.attended).map((p) => p.userId) ?? []);
  const chosen = attended?.chosen ?? ticked(people.data);
  const save = useMutation({
    mutationFn: (input: { version: number; attended: number[] }) =>
      api<Registrations>(`/webinars/${id}/attendance`, { method: 'PUT', body: input }),
    onSuccess: (saved) => {
      client.setQueryData(['webinar', id, 'registrations'], saved);
      setAttended(null);
    },
    onError: (error) => {
      const current = staleCurrent<Registrations>(error);
      if (current) setStaleList({ current, mine: chosen });
    },
  });
  const toggle = (userId: number) => {
    const next = new Set(chosen);
    if (next.has(userId)) next.delete(userId);
    else next.add(userId);
    setAttended({ version: attended?.version ?? people.data?.version ?? 0, chosen: next });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setStaleList(null);
    save.mutate({ version: attended?.version ?? people.data?.version ?? 0, attended: [...chosen] });
  };
  const attendedText = (value: unknown) => (value ? t('webinars.attendedYes') : t('webinars.attendedNo'));
  return (
    <Page title={webinar.data?.title ?? t('webinars.title')}>
      <p>
        <Link to="/webinars">{t('webinars.back')}</Link>
      </p>
      {webinar.isError ? <ErrorBox error={webinar.error} /> : null}
      {webinar.data && editing ? (
        <EditWebinar
          me={me}
          webinar={webinar.data}
          onDone={(saved) => {
            setEditing(false);
            setEdited(saved !== null);
          }}
        />
      ) : null}
      {webinar.data && !editing ? (
        <WebinarDetails
          webinar={webinar.data}
          onEdit={
            webinar.data.canManage
              ? () => {
                  setEdited(false);
                  setEditing(true);
                }
              : undefined
          }
        />
      ) : null}
      {edited && !editing ? <p role="status">{t('webinars.changesSaved')}</p> : null}
      {people.isPending ? <Loading /> : null}
      {people.isError ? <ErrorBox error={people.error} onRetry={() => void people.refetch()} /> : null}
      {people.data ? (
        <form className="form" onSubmit={submit}>
          <fieldset>
            <legend>{t('webinars.attendance')}</legend>
            {people.data.items.length === 0 ? <p>{t('webinars.nobody')}</p> : null}
            {people.data.items.map((p) => (
              <label key={p.userId} className="check">
                <input type="checkbox" checked={chosen.has(p.userId)} onChange={() => toggle(p.userId)} />
                {p.displayName} <span className="meta">({p.institution.name})</span>
              </label>
            ))}
          </fieldset>
          {staleList ? (
            <StaleVersion
              differences={differencesOf(
                staleList.current.items.map((p) => String(p.userId)),
                Object.fromEntries(staleList.current.items.map((p) => [String(p.userId), p.attended])),
                Object.fromEntries(
                  staleList.current.items.map((p) => [String(p.userId), staleList.mine.has(p.userId)]),
                ),
                (k) => staleList.current.items.find((p) => String(p.userId) === k)?.displayName ?? '',
                (_k, value) => attendedText(value),
              )}
              updatedAt={null}
              busy={save.isPending}
              onReload={() => {
                client.setQueryData(['webinar', id, 'registrations'], staleList.current);
                setAttended(null);
                setStaleList(null);
                save.reset();
              }}
              onOverwrite={() => {
                const { current, mine } = staleList;
                setStaleList(null);
                setAttended({ version: current.version, chosen: mine });
                save.mutate({ version: current.version, attended: [...mine] });
              }}
            />
          ) : save.isError ? (
            <ErrorBox error={save.error} />
          ) : null}
          {save.isSuccess ? <p role="status">{t('webinars.saved')}</p> : null}
          <button type="submit" disabled={save.isPending || people.data.items.length === 0}>
            {t('webinars.saveAttendance')}
          </button>
        </form>
      ) : null}
    </Page>
  );
}
