import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { Decision, Meeting, MeetingList } from '@/modules/councils/councils.schema';
import { api, ApiError, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { StaleVersion, differencesOf, staleCurrent } from '@/web/components/stale-version';

type MeetingRecord = Static<typeof Meeting>;
type DecisionRecord = Static<typeof Decision>;

/** The school whose councils a person sees: the first they direct or teach at. */
function staffSchool(me: Me): { id: number; directs: boolean } | null {
  const grant =
    me.roles.find((g) => g.role === 'director' && g.institutionId) ??
    me.roles.find((g) => g.role === 'teacher' && g.institutionId);
  return grant ? { id: grant.institutionId!, directs: grant.role === 'director' } : null;
}

const today = () => new Date().toISOString().slice(0, 10);

/** Pedagogical councils of the caller's school: the list, and a form to schedule one (the director). */
export function CouncilsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const school = staffSchool(me);
  return (
    <Page title={t('councils.title')} intro={t('councils.intro')}>
      {school ? (
        <>
          {school.directs ? <NewMeeting schoolId={school.id} /> : null}
          <Meetings schoolId={school.id} />
          <MyDecisions schoolId={school.id} />
        </>
      ) : (
        <p>{t('councils.noSchool')}</p>
      )}
    </Page>
  );
}

function Meetings({ schoolId }: { schoolId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const list = useQuery({
    queryKey: ['councils', schoolId],
    queryFn: ({ signal }) =>
      api<Static<typeof MeetingList>>(`/institutions/${schoolId}/councils`, { signal }),
  });
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <section aria-labelledby="councils-list">
      <h2 id="councils-list">{t('councils.listTitle')}</h2>
      {list.data.items.length === 0 ? <p>{t('councils.empty')}</p> : null}
      <ul className="list">
        {list.data.items.map((m) => (
          <li key={m.id}>
            <Link to={`/school/councils/${m.id}`} className="what">
              {m.title}
            </Link>
            <span className="meta">
              <time dateTime={m.heldOn}>{f.date(m.heldOn)}</time> ·{' '}
              {t('councils.presentOf', {
                present: f.number(m.attendance.present),
                recorded: f.number(m.attendance.recorded),
              })}{' '}
              · {t('councils.openDecisions', { n: f.number(m.decisions.open) })}
              {m.decisions.overdue > 0 ? (
                <strong> · {t('councils.overdue', { n: f.number(m.decisions.overdue) })}</strong>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function NewMeeting({ schoolId }: { schoolId: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const ids = { date: useId(), title: useId(), agenda: useId() };
  const [form, setForm] = useState({ heldOn: today(), title: '', agenda: '' });
  const create = useMutation({
    mutationFn: () =>
      api<MeetingRecord>(`/institutions/${schoolId}/councils`, { method: 'POST', body: form }),
    onSuccess: async () => {
      setForm({ heldOn: today(), title: '', agenda: '' });
      await client.invalidateQueries({ queryKey: ['councils', schoolId] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <details className="card">
      <summary>{t('councils.new')}</summary>
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={ids.date}>{t('councils.heldOn')}</label>
          <input
            id={ids.date}
            type="date"
            required
            value={form.heldOn}
            onChange={(e) => setForm({ ...form, heldOn: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.title}>{t('councils.meetingTitle')}</label>
          <input
            id={ids.title}
            required
            maxLength={200}
            value={form.title}
            onChange={(e) => setForm({ ...form, title: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.agenda}>{t('councils.agenda')}</label>
          <textarea
            id={ids.agenda}
            rows={4}
            value={form.agenda}
            onChange={(e) => setForm({ ...form, agenda: e.target.value })}
          />
        </div>
        {create.isError ? <ErrorBox error={create.error} /> : null}
        <button type="submit" disabled={create.isPending}>
          {t('councils.create')}
        </button>
      </form>
    </details>
  );
}

/** The caller's open decisions across the school's councils. */
function MyDecisions({ schoolId }: { schoolId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const list = useQuery({
    queryKey: ['councils', schoolId, 'mine'],
    queryFn: ({ signal }) =>
      api<{ items: (DecisionRecord & { meetingTitle: string })[] }>(
        `/institutions/${schoolId}/council-decisions?mine=true&status=open`,
        { signal },
      ),
  });
  if (!list.data || list.data.items.length === 0) return null;
  return (
    <section aria-labelledby="councils-mine">
      <h2 id="councils-mine">{t('councils.mine')}</h2>
      <ul className="list">
        {list.data.items.map((d) => (
          <li key={d.id}>
            <Link to={`/school/councils/${d.meetingId}`} className="what">
              {d.text}
            </Link>
            <span className="meta">
              {d.meetingTitle} · {t('councils.due')}: <time dateTime={d.dueOn}>{f.date(d.dueOn)}</time>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One council: details and minutes, attendance, decisions. The director edits; a decision's owner reports. */
export function CouncilPage({ id, me }: { id: number; me: Me }) {
  const { t } = useTranslation();
  const meeting = useQuery({
    queryKey: ['council', id],
    queryFn: ({ signal }) => api<MeetingRecord>(`/councils/${id}`, { signal }),
  });
  return (
    <Page title={meeting.data?.title ?? t('councils.meeting')}>
      <p>
        <Link to="/school/councils">{t('councils.back')}</Link>
      </p>
      {meeting.isPending ? <Loading /> : null}
      {meeting.isError ? <ErrorBox error={meeting.error} onRetry={() => void meeting.refetch()} /> : null}
      {meeting.data ? (
        <>
          {meeting.data.canManage ? (
            <MeetingForm meeting={meeting.data} />
          ) : (
            <MeetingView meeting={meeting.data} />
          )}
          <Decisions meeting={meeting.data} me={me} />
        </>
      ) : null}
    </Page>
  );
}

function MeetingView({ meeting }: { meeting: MeetingRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <section className="card" aria-labelledby="council-details">
      <h2 id="council-details">
        <time dateTime={meeting.heldOn}>{f.date(meeting.heldOn)}</time>
      </h2>
      <h3>{t('councils.agenda')}</h3>
      <p className="pre">{meeting.agenda || '—'}</p>
      <h3>{t('councils.minutes')}</h3>
      <p className="pre">{meeting.minutes || '—'}</p>
      <h3>{t('councils.attendance')}</h3>
      <ul>
        {meeting.attendance.map((a) => (
          <li key={a.userId}>
            {a.displayName}: {a.present ? t('councils.present') : t('councils.absent')}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The fields of a meeting the form saves, compared when a save meets someone else's change. */
const MEETING_FIELDS = ['heldOn', 'title', 'agenda', 'minutes', 'present'] as const;
/** The form's values: the meeting's details and who was present. */
interface MeetingValues {
  heldOn: string;
  title: string;
  agenda: string;
  minutes: string;
  present: number[];
}

function MeetingForm({ meeting }: { meeting: MeetingRecord }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const ids = { date: useId(), title: useId(), agenda: useId(), minutes: useId() };
  const [form, setForm] = useState({
    heldOn: meeting.heldOn,
    title: meeting.title,
    agenda: meeting.agenda,
    minutes: meeting.minutes,
  });
  const recorded = new Map(meeting.attendance.map((a) => [a.userId, a.present]));
  const [present, setPresent] = useState<Set<number>>(
    new Set(meeting.attendance.filter((a) => a.present).map((a) => a.userId)),
  );
  /** The version the form's values were read at: a save sends it, so that it never overwrites unseen changes. */
  const [version, setVersion] = useState(meeting.version);
  /** Someone else's saved version met by a save, and the values that save sent. */
  const [stale, setStale] = useState<{ current: MeetingRecord; mine: MeetingValues } | null>(null);
  const save = useMutation({
    mutationFn: ({
      values: { present: here, ...details },
      version: from,
    }: {
      values: MeetingValues;
      version: number;
    }) =>
      api<MeetingRecord>(`/councils/${meeting.id}`, {
        method: 'PUT',
        body: {
          ...details,
          version: from,
          attendance: meeting.staff.map((s) => ({ userId: s.id, present: here.includes(s.id) })),
        },
      }),
    onSuccess: (saved) => {
      client.setQueryData(['council', meeting.id], saved);
      setVersion(saved.version);
      setStale(null);
    },
    onError: (error, v) => {
      const current = staleCurrent<MeetingRecord>(error);
      if (current) setStale({ current, mine: v.values });
    },
  });
  const values = (): MeetingValues => ({ ...form, present: [...present] });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setStale(null);
    save.mutate({ values: values(), version });
  };
  /** Theirs replaces the form's values. */
  const reload = (current: MeetingRecord) => {
    client.setQueryData(['council', meeting.id], current);
    setForm({
      heldOn: current.heldOn,
      title: current.title,
      agenda: current.agenda,
      minutes: current.minutes,
    });
    setPresent(new Set(current.attendance.filter((a) => a.present).map((a) => a.userId)));
    setVersion(current.version);
    setStale(null);
    save.reset();
  };
  const f = useFormat();
  const staffName = (id: number) => meeting.staff.find((s) => s.id === id)?.displayName ?? t('stale.unknown');
  const showValue = (field: (typeof MEETING_FIELDS)[number], value: unknown): string =>
    field === 'present'
      ? (value as number[]).map(staffName).sort().join(', ')
      : field === 'heldOn'
        ? f.date(String(value))
        : String(value);
  const toggle = (userId: number) => {
    const next = new Set(present);
    if (next.has(userId)) next.delete(userId);
    else next.add(userId);
    setPresent(next);
  };
  return (
    <form className="form card" onSubmit={submit} aria-labelledby="council-form">
      <h2 id="council-form">{t('councils.details')}</h2>
      <div className="field">
        <label htmlFor={ids.date}>{t('councils.heldOn')}</label>
        <input
          id={ids.date}
          type="date"
          required
          value={form.heldOn}
          onChange={(e) => setForm({ ...form, heldOn: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.title}>{t('councils.meetingTitle')}</label>
        <input
          id={ids.title}
          required
          maxLength={200}
          value={form.title}
          onChange={(e) => setForm({ ...form, title: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.agenda}>{t('councils.agenda')}</label>
        <textarea
          id={ids.agenda}
          rows={4}
          value={form.agenda}
          onChange={(e) => setForm({ ...form, agenda: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.minutes}>{t('councils.minutes')}</label>
        <textarea
          id={ids.minutes}
          rows={8}
          value={form.minutes}
          onChange={(e) => setForm({ ...form, minutes: e.target.value })}
        />
      </div>
      <fieldset>
        <legend>{t('councils.attendance')}</legend>
        {meeting.staff.map((s) => (
          <label key={s.id} className="check">
            <input type="checkbox" checked={present.has(s.id)} onChange={() => toggle(s.id)} />
            {s.displayName}
            {recorded.has(s.id) ? null : <span className="meta"> ({t('councils.notRecorded')})</span>}
          </label>
        ))}
      </fieldset>
      {stale ? (
        <StaleVersion
          differences={differencesOf(
            MEETING_FIELDS,
            {
              ...stale.current,
              present: stale.current.attendance.filter((a) => a.present).map((a) => a.userId),
            },
            stale.mine,
            (field) =>
              t(
                field === 'present'
                  ? 'councils.attendance'
                  : `councils.${field === 'title' ? 'meetingTitle' : field}`,
              ),
            showValue,
          )}
          updatedAt={stale.current.updatedAt}
          busy={save.isPending}
          onReload={() => reload(stale.current)}
          onOverwrite={() => {
            // Cleared first, so that a failure of the overwrite itself shows as an error.
            const { mine, current } = stale;
            setStale(null);
            save.mutate({ values: mine, version: current.version });
          }}
        />
      ) : save.isError && !(save.error instanceof ApiError && save.error.code === 'stale_version') ? (
        <ErrorBox error={save.error} />
      ) : null}
      {save.isSuccess ? <p role="status">{t('councils.saved')}</p> : null}
      <button type="submit" disabled={save.isPending}>
        {t('councils.save')}
      </button>
    </form>
  );
}

const STATES = ['open', 'done', 'cancelled'] as const;

function Decisions({ meeting, me }: { meeting: MeetingRecord; me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const change = useMutation({
    mutationFn: (v: { id: number; status: DecisionRecord['status'] }) =>
      api<DecisionRecord>(`/council-decisions/${v.id}`, { method: 'PATCH', body: { status: v.status } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['council', meeting.id] }),
  });
  return (
    <section aria-labelledby="council-decisions">
      <h2 id="council-decisions">{t('councils.decisions')}</h2>
      {meeting.decisions.length === 0 ? <p>{t('councils.noDecisions')}</p> : null}
      <ul className="list">
        {meeting.decisions.map((d) => {
          const mayChange = meeting.canManage || d.ownerId === me.user.id;
          return (
            <li key={d.id}>
              <span className="what">{d.text}</span>
              <span className="meta">
                {d.ownerName} · {t('councils.due')}: <time dateTime={d.dueOn}>{f.date(d.dueOn)}</time>
              </span>
              {mayChange ? (
                <label>
                  {t('councils.status')}{' '}
                  <select
                    value={d.status}
                    onChange={(e) =>
                      change.mutate({ id: d.id, status: e.target.value as DecisionRecord['status'] })
                    }
                  >
                    {STATES.map((s) => (
                      <option key={s} value={s}>
                        {t(`councils.state.${s}`)}
                      </option>
                    ))}
                  </select>
                </label>
              ) : (
                <span className="badge">{t(`councils.state.${d.status}`)}</span>
              )}
            </li>
          );
        })}
      </ul>
      {change.isError ? <ErrorBox error={change.error} /> : null}
      {meeting.canManage ? <NewDecision meeting={meeting} /> : null}
    </section>
  );
}

function NewDecision({ meeting }: { meeting: MeetingRecord }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const ids = { text: useId(), owner: useId(), due: useId() };
  const [form, setForm] = useState({ text: '', ownerId: meeting.staff[0]?.id ?? 0, dueOn: today() });
  const add = useMutation({
    mutationFn: () => api<MeetingRecord>(`/councils/${meeting.id}/decisions`, { method: 'POST', body: form }),
    onSuccess: (saved) => {
      client.setQueryData(['council', meeting.id], saved);
      setForm({ ...form, text: '' });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <form className="form card" onSubmit={submit} aria-labelledby="council-new-decision">
      <h3 id="council-new-decision">{t('councils.newDecision')}</h3>
      <div className="field">
        <label htmlFor={ids.text}>{t('councils.decisionText')}</label>
        <textarea
          id={ids.text}
          required
          rows={2}
          value={form.text}
          onChange={(e) => setForm({ ...form, text: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.owner}>{t('councils.owner')}</label>
        <select
          id={ids.owner}
          value={form.ownerId}
          onChange={(e) => setForm({ ...form, ownerId: Number(e.target.value) })}
        >
          {meeting.staff.map((s) => (
            <option key={s.id} value={s.id}>
              {s.displayName}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.due}>{t('councils.due')}</label>
        <input
          id={ids.due}
          type="date"
          required
          value={form.dueOn}
          onChange={(e) => setForm({ ...form, dueOn: e.target.value })}
        />
      </div>
      {add.isError ? <ErrorBox error={add.error} /> : null}
      <button type="submit" disabled={add.isPending}>
        {t('councils.addDecision')}
      </button>
    </form>
  );
}
