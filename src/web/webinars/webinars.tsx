import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { RegistrationList, Totals, Webinar, WebinarList } from '@/modules/webinars/webinars.schema';
import { api, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';

type WebinarRecord = Static<typeof Webinar>;

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

/** A new webinar; a regional officer's is for their area, national staff choose national. */
function NewWebinar({ me }: { me: Me }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const regionalArea = me.roles.find((g) => g.role === 'regional')?.areaId ?? null;
  const national = me.roles.some((g) => g.role === 'admin' || g.role === 'bureau');
  const ids = {
    title: useId(),
    description: useId(),
    starts: useId(),
    duration: useId(),
    url: useId(),
    capacity: useId(),
  };
  const empty = {
    title: '',
    description: '',
    startsAt: '',
    durationMinutes: 60,
    url: 'https://',
    capacity: '',
  };
  const [form, setForm] = useState(empty);
  const create = useMutation({
    mutationFn: () =>
      api<WebinarRecord>('/webinars', {
        method: 'POST',
        body: {
          title: form.title,
          description: form.description,
          areaId: national ? null : regionalArea,
          startsAt: form.startsAt ? new Date(form.startsAt).toISOString() : '',
          durationMinutes: form.durationMinutes,
          url: form.url,
          capacity: form.capacity === '' ? null : Number(form.capacity),
        },
      }),
    onSuccess: async () => {
      setForm(empty);
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
        <div className="field">
          <label htmlFor={ids.title}>{t('webinars.webinarTitle')}</label>
          <input
            id={ids.title}
            required
            maxLength={200}
            value={form.title}
            onChange={(e) => setForm({ ...form, title: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.description}>{t('webinars.description')}</label>
          <textarea
            id={ids.description}
            rows={3}
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.starts}>{t('webinars.startsAt')}</label>
          <input
            id={ids.starts}
            type="datetime-local"
            required
            value={form.startsAt}
            onChange={(e) => setForm({ ...form, startsAt: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.duration}>{t('webinars.duration')}</label>
          <input
            id={ids.duration}
            type="number"
            min={5}
            max={600}
            required
            value={form.durationMinutes}
            onChange={(e) => setForm({ ...form, durationMinutes: Number(e.target.value) })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.url}>{t('webinars.link')}</label>
          <input
            id={ids.url}
            type="url"
            required
            value={form.url}
            onChange={(e) => setForm({ ...form, url: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.capacity}>{t('webinars.capacity')}</label>
          <input
            id={ids.capacity}
            type="number"
            min={1}
            value={form.capacity}
            onChange={(e) => setForm({ ...form, capacity: e.target.value })}
          />
        </div>
        {create.isError ? <ErrorBox error={create.error} /> : null}
        <button type="submit" disabled={create.isPending}>
          {t('webinars.create')}
        </button>
      </form>
    </details>
  );
}

/** A webinar's registrations for its organisers, with attendance to record once it has started. */
export function WebinarPage({ id }: { id: number }) {
  const { t } = useTranslation();
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
  const [attended, setAttended] = useState<Set<number> | null>(null);
  const chosen = attended ?? new Set(people.data?.items.filter((p) => p.attended).map((p) => p.userId) ?? []);
  const save = useMutation({
    mutationFn: () =>
      api<Static<typeof RegistrationList>>(`/webinars/${id}/attendance`, {
        method: 'PUT',
        body: { attended: [...chosen] },
      }),
    onSuccess: (saved) => {
      client.setQueryData(['webinar', id, 'registrations'], saved);
      setAttended(null);
    },
  });
  const toggle = (userId: number) => {
    const next = new Set(chosen);
    if (next.has(userId)) next.delete(userId);
    else next.add(userId);
    setAttended(next);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Page title={webinar.data?.title ?? t('webinars.title')}>
      <p>
        <Link to="/webinars">{t('webinars.back')}</Link>
      </p>
      {webinar.isError ? <ErrorBox error={webinar.error} /> : null}
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
          {save.isError ? <ErrorBox error={save.error} /> : null}
          {save.isSuccess ? <p role="status">{t('webinars.saved')}</p> : null}
          <button type="submit" disabled={save.isPending || people.data.items.length === 0}>
            {t('webinars.saveAttendance')}
          </button>
        </form>
      ) : null}
    </Page>
  );
}
