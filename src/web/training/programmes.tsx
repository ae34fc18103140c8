import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type {
  Attendance,
  EnrolmentList,
  Nominees,
  ProgrammeList,
  SessionList,
} from '@/modules/training/training.programmes.schema';
import { api, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import {
  isDirector,
  isNational,
  isRegional,
  isTeacher,
  StatusBadge,
  type EnrolmentRecord,
  type ProgrammeDetailRecord,
  type ProgrammeRecord,
  type SessionRecord,
} from '@/web/training/common';
import {
  EditProgramme,
  NewProgramme,
  NewSession,
  PlansSection,
  QuestionsEditor,
  ResultsSection,
} from '@/web/training/programme-forms';

/**
 * Training courses: for a teacher the open programmes (those suggested by their self-assessment first) and
 * their enrolments; a director nominates staff on a programme's page; a regional officer decides on requests
 * (`/training/approvals`) and keeps attendance of their district's sessions; the bureau keeps the plan, the
 * programmes, their seats, questions and results.
 */
export function CoursesPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['training', 'programmes'],
    queryFn: ({ signal }) => api<Static<typeof ProgrammeList>>('/training/programmes', { signal }),
  });
  return (
    <Page title={t('trainingCourses.title')} intro={t('trainingCourses.intro')}>
      {isTeacher(me) ? <MyEnrolments /> : null}
      {isDirector(me) ? <SchoolEnrolments /> : null}
      {isRegional(me) || isNational(me) ? (
        <p>
          <Link to="/training/approvals">{t('trainingCourses.approvals')}</Link>
        </p>
      ) : null}
      {isRegional(me) ? <MySessions /> : null}
      {isNational(me) ? <PlansSection /> : null}
      {isNational(me) ? <NewProgramme /> : null}
      <section aria-labelledby="training-programmes">
        <h2 id="training-programmes">{t('trainingCourses.programmes')}</h2>
        {isDirector(me) ? <p className="hint">{t('trainingCourses.nominateHint')}</p> : null}
        {list.isPending ? <Loading /> : null}
        {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
        {list.data?.items.length === 0 ? <p>{t('trainingCourses.noProgrammes')}</p> : null}
        <ul className="list">
          {list.data?.items.map((p) => (
            <ProgrammeItem key={p.id} programme={p} />
          ))}
        </ul>
      </section>
    </Page>
  );
}

function ProgrammeItem({ programme: p }: { programme: ProgrammeRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <li>
      <Link to={`/training/programmes/${p.id}`} className="what">
        {p.title}
      </Link>
      <span className="meta">
        {t(`trainingCourses.mode.${p.mode}`)} · {t('trainingCourses.hours', { n: f.number(p.hours) })} ·{' '}
        {t(`trainingCourses.programmeState.${p.status}`)}
        {p.suggested ? <strong> · {t('trainingCourses.suggested')}</strong> : null}
      </span>
      {p.mine ? (
        <span className="meta">
          {t('trainingCourses.yourEnrolment')} <StatusBadge status={p.mine.status} />
        </span>
      ) : null}
    </li>
  );
}

/** The teacher's own enrolments and where each stands. */
function MyEnrolments() {
  const { t } = useTranslation();
  const f = useFormat();
  const list = useQuery({
    queryKey: ['training', 'enrolments', 'mine'],
    queryFn: ({ signal }) => api<Static<typeof EnrolmentList>>('/training/enrolments?mine=true', { signal }),
  });
  return (
    <section className="card" aria-labelledby="training-mine">
      <h2 id="training-mine">{t('trainingCourses.myEnrolments')}</h2>
      {list.isError ? <ErrorBox error={list.error} /> : null}
      {list.data?.items.length === 0 ? <p>{t('trainingCourses.noEnrolments')}</p> : null}
      <ul className="list">
        {list.data?.items.map((e) => (
          <li key={e.id}>
            <Link to={`/training/programmes/${e.programmeId}`} className="what">
              {e.programmeTitle}
            </Link>
            <span className="meta">
              <StatusBadge status={e.status} />
              {e.session ? <> · {f.date(e.session.startsAt)}</> : null}
              {e.score !== null ? <> · {t('trainingCourses.score', { n: f.number(e.score) })}</> : null}
              {e.waitingPosition !== null ? (
                <> · {t('trainingCourses.waitingPosition', { n: f.number(e.waitingPosition) })}</>
              ) : null}
            </span>
            {e.note ? <p>{e.note}</p> : null}
            {e.canTakeAssessment ? (
              <p>
                <Link to={`/training/enrolments/${e.id}/assessment`}>
                  {t('trainingCourses.takeAssessment')}
                </Link>
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The enrolments of the director's school: who asked or was nominated, and where each stands. */
function SchoolEnrolments() {
  const { t } = useTranslation();
  const f = useFormat();
  const list = useQuery({
    queryKey: ['training', 'enrolments', 'school'],
    queryFn: ({ signal }) => api<Static<typeof EnrolmentList>>('/training/enrolments', { signal }),
  });
  return (
    <section className="card" aria-labelledby="training-school">
      <h2 id="training-school">{t('trainingCourses.schoolEnrolments')}</h2>
      {list.isError ? <ErrorBox error={list.error} /> : null}
      {list.data?.items.length === 0 ? <p>{t('trainingCourses.noSchoolEnrolments')}</p> : null}
      <ul className="list">
        {list.data?.items.map((e) => (
          <li key={e.id}>
            <span className="what">{e.displayName}</span>
            <span className="meta">
              <Link to={`/training/programmes/${e.programmeId}`}>{e.programmeTitle}</Link> ·{' '}
              <StatusBadge status={e.status} />
              {e.score !== null ? <> · {t('trainingCourses.score', { n: f.number(e.score) })}</> : null}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The sessions a regional officer runs, each opening its attendance sheet. */
function MySessions() {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['training', 'sessions'],
    queryFn: ({ signal }) => api<Static<typeof SessionList>>('/training/sessions', { signal }),
  });
  return (
    <section className="card" aria-labelledby="training-sessions">
      <h2 id="training-sessions">{t('trainingCourses.districtSessions')}</h2>
      {list.isError ? <ErrorBox error={list.error} /> : null}
      {list.data?.items.length === 0 ? <p>{t('trainingCourses.noSessions')}</p> : null}
      <ul className="list">
        {list.data?.items.map((s) => (
          <li key={s.id}>
            <Link to={`/training/sessions/${s.id}`} className="what">
              {s.programmeTitle}
            </Link>
            <SessionMeta session={s} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function SessionMeta({ session: s }: { session: SessionRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <span className="meta">
      <time dateTime={s.startsAt}>{f.dateTime(s.startsAt)}</time> –{' '}
      <time dateTime={s.endsAt}>{f.dateTime(s.endsAt)}</time> ·{' '}
      {s.area ? s.area.name : t('trainingCourses.allDistricts')} ·{' '}
      {t('trainingCourses.places', { n: f.number(s.taken), capacity: f.number(s.capacity) })}
      {s.waiting > 0 ? <> · {t('trainingCourses.waiting', { n: f.number(s.waiting) })}</> : null}
      {s.cancelled ? <strong> · {t('trainingCourses.cancelled')}</strong> : null}
    </span>
  );
}

/** A programme: what it is, its sessions with "Enrol", and for each role what they do with it. */
export function ProgrammePage({ id, me }: { id: number; me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const programme = useQuery({
    queryKey: ['training', 'programme', id],
    queryFn: ({ signal }) => api<ProgrammeDetailRecord>(`/training/programmes/${id}`, { signal }),
  });
  const p = programme.data;
  return (
    <Page title={p?.title ?? t('trainingCourses.title')}>
      <p>
        <Link to="/training/programmes">{t('trainingCourses.back')}</Link>
      </p>
      {programme.isPending ? <Loading /> : null}
      {programme.isError ? <ErrorBox error={programme.error} /> : null}
      {p ? (
        <>
          <section className="card" aria-labelledby="programme-about">
            <h2 id="programme-about">{t('trainingCourses.about')}</h2>
            {p.description ? <p>{p.description}</p> : null}
            <dl className="figures">
              <div>
                <dt>{t('trainingCourses.modeLabel')}</dt>
                <dd>{t(`trainingCourses.mode.${p.mode}`)}</dd>
              </div>
              <div>
                <dt>{t('trainingCourses.hoursLabel')}</dt>
                <dd>{f.number(p.hours)}</dd>
              </div>
              <div>
                <dt>{t('trainingCourses.passMark')}</dt>
                <dd>
                  {p.passMark === null ? t('trainingCourses.noAssessment') : `${f.number(p.passMark)}%`}
                </dd>
              </div>
              <div>
                <dt>{t('trainingCourses.validity')}</dt>
                <dd>
                  {p.validMonths === null
                    ? t('trainingCourses.noExpiry')
                    : t('trainingCourses.months', { n: f.number(p.validMonths) })}
                </dd>
              </div>
              <div>
                <dt>{t('trainingCourses.stateLabel')}</dt>
                <dd>{t(`trainingCourses.programmeState.${p.status}`)}</dd>
              </div>
            </dl>
            {p.targetGroup ? (
              <p>
                {t('trainingCourses.targetGroup')}: {p.targetGroup}
              </p>
            ) : null}
            {p.areaNames.length > 0 ? (
              <p>
                {t('trainingCourses.develops')}: {p.areaNames.join(', ')}
              </p>
            ) : null}
            {p.suggested ? <p role="note">{t('trainingCourses.suggestedWhy')}</p> : null}
          </section>
          {p.mine ? <MyPlace programme={p} /> : null}
          <Sessions programme={p} me={me} />
          {isDirector(me) && p.status === 'open' ? <Nominate programme={p} /> : null}
          {isRegional(me) || isNational(me) ? <NewSession programme={p} me={me} /> : null}
          {isNational(me) ? <EditProgramme programme={p} /> : null}
          {isNational(me) ? <QuestionsEditor programmeId={p.id} /> : null}
          {isNational(me) ? <ResultsSection programmeId={p.id} /> : null}
        </>
      ) : null}
    </Page>
  );
}

/** The teacher's place on the programme: its state, withdrawal, and the assessment when it is time. */
function MyPlace({ programme: p }: { programme: ProgrammeDetailRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const mine = p.mine!;
  const withdraw = useMutation({
    mutationFn: () => api<EnrolmentRecord>(`/training/enrolments/${mine.id}/withdrawal`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['training'] }),
  });
  const canWithdraw =
    ['requested', 'nominated', 'waiting', 'approved'].includes(mine.status) && mine.attended !== true;
  return (
    <section className="card" aria-labelledby="programme-mine">
      <h2 id="programme-mine">{t('trainingCourses.yourEnrolment')}</h2>
      <p>
        <StatusBadge status={mine.status} />
        {mine.score !== null ? <> · {t('trainingCourses.score', { n: f.number(mine.score) })}</> : null}
      </p>
      <p>{t(`trainingCourses.stateHelp.${mine.status}`)}</p>
      {mine.canTakeAssessment ? (
        <p>
          <Link to={`/training/enrolments/${mine.id}/assessment`}>{t('trainingCourses.takeAssessment')}</Link>
        </p>
      ) : null}
      {canWithdraw ? (
        <button
          type="button"
          className="secondary"
          disabled={withdraw.isPending}
          onClick={() => withdraw.mutate()}
        >
          {t('trainingCourses.withdraw')}
        </button>
      ) : null}
      {withdraw.isError ? <ErrorBox error={withdraw.error} /> : null}
    </section>
  );
}

function Sessions({ programme: p, me }: { programme: ProgrammeDetailRecord; me: Me }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const enrol = useMutation({
    mutationFn: (sessionId: number) =>
      api<EnrolmentRecord>(`/training/programmes/${p.id}/enrolment`, { method: 'POST', body: { sessionId } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['training'] }),
  });
  const free = !p.mine || ['withdrawn', 'rejected'].includes(p.mine.status);
  const canEnrol = isTeacher(me) && p.status === 'open' && free;
  return (
    <section aria-labelledby="programme-sessions">
      <h2 id="programme-sessions">{t('trainingCourses.sessions')}</h2>
      {p.sessions.length === 0 ? <p>{t('trainingCourses.noSessions')}</p> : null}
      <ul className="list">
        {p.sessions.map((s) => (
          <li key={s.id}>
            {s.canManage ? (
              <Link to={`/training/sessions/${s.id}`} className="what">
                {s.area ? s.area.name : t('trainingCourses.allDistricts')}
              </Link>
            ) : (
              <span className="what">{s.area ? s.area.name : t('trainingCourses.allDistricts')}</span>
            )}
            <SessionMeta session={s} />
            {s.place ? <p>{s.place}</p> : null}
            {s.link ? (
              <p>
                <a href={s.link} rel="noopener noreferrer" target="_blank">
                  {t('trainingCourses.joinOnline')}
                </a>
              </p>
            ) : null}
            {canEnrol && s.canEnrol ? (
              <button type="button" disabled={enrol.isPending} onClick={() => enrol.mutate(s.id)}>
                {t('trainingCourses.enrol')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {enrol.isError ? <ErrorBox error={enrol.error} /> : null}
      {enrol.isSuccess ? <p role="status">{t('trainingCourses.requested')}</p> : null}
    </section>
  );
}

/** The director's nomination of the school's teachers, each into a session open to the school. */
function Nominate({ programme: p }: { programme: ProgrammeDetailRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const sessions = p.sessions.filter((s) => s.canEnrol);
  const [sessionId, setSessionId] = useState(String(sessions[0]?.id ?? ''));
  const staff = useQuery({
    queryKey: ['training', 'nominees', p.id],
    queryFn: ({ signal }) =>
      api<Static<typeof Nominees>>(`/training/nominees?programmeId=${p.id}`, { signal }),
  });
  const nominate = useMutation({
    mutationFn: (userId: number) =>
      api<EnrolmentRecord>(`/training/programmes/${p.id}/nominations`, {
        method: 'POST',
        body: { userId, sessionId: Number(sessionId) },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['training'] }),
  });
  return (
    <section className="card" aria-labelledby="programme-nominate">
      <h2 id="programme-nominate">{t('trainingCourses.nominate')}</h2>
      {sessions.length === 0 ? (
        <p>{t('trainingCourses.noSessions')}</p>
      ) : (
        <div className="field">
          <label htmlFor="nominate-session">{t('trainingCourses.session')}</label>
          <select id="nominate-session" value={sessionId} onChange={(e) => setSessionId(e.target.value)}>
            {sessions.map((s) => (
              <option key={s.id} value={String(s.id)}>
                {`${s.area?.name ?? t('trainingCourses.allDistricts')} · ${f.date(s.startsAt)}`}
              </option>
            ))}
          </select>
        </div>
      )}
      {staff.isError ? <ErrorBox error={staff.error} /> : null}
      <ul className="list">
        {staff.data?.items.map((n) => (
          <li key={n.userId}>
            <span className="what">{n.displayName}</span>
            <span className="meta">
              {n.status ? <StatusBadge status={n.status} /> : t('trainingCourses.notEnrolled')}
              {n.suggested ? <strong> · {t('trainingCourses.suggested')}</strong> : null}
            </span>
            {(n.status === null || n.status === 'withdrawn' || n.status === 'rejected') &&
            sessions.length > 0 ? (
              <button
                type="button"
                className="secondary"
                disabled={nominate.isPending}
                onClick={() => nominate.mutate(n.userId)}
              >
                {t('trainingCourses.nominateOne', { name: n.displayName })}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {nominate.isError ? <ErrorBox error={nominate.error} /> : null}
    </section>
  );
}

/** The district's decisions: requests and nominations to approve or reject with a note, and the waiting lists. */
export function ApprovalsPage() {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['training', 'enrolments', 'queue'],
    queryFn: ({ signal }) => api<Static<typeof EnrolmentList>>('/training/enrolments', { signal }),
  });
  const pending = list.data?.items.filter((e) => e.status === 'requested' || e.status === 'nominated') ?? [];
  const waiting = list.data?.items.filter((e) => e.status === 'waiting') ?? [];
  return (
    <Page title={t('trainingCourses.approvals')} intro={t('trainingCourses.approvalsIntro')}>
      <p>
        <Link to="/training/programmes">{t('trainingCourses.back')}</Link>
      </p>
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      <section aria-labelledby="queue-pending">
        <h2 id="queue-pending">{t('trainingCourses.pending')}</h2>
        {list.data && pending.length === 0 ? <p>{t('trainingCourses.nothingPending')}</p> : null}
        <ul className="list">
          {pending.map((e) => (
            <Decision key={e.id} enrolment={e} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="queue-waiting">
        <h2 id="queue-waiting">{t('trainingCourses.waitingList')}</h2>
        {list.data && waiting.length === 0 ? <p>{t('trainingCourses.nobodyWaiting')}</p> : null}
        <ul className="list">
          {waiting.map((e) => (
            <Decision key={e.id} enrolment={e} />
          ))}
        </ul>
      </section>
    </Page>
  );
}

function Decision({ enrolment: e }: { enrolment: EnrolmentRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const [note, setNote] = useState('');
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') =>
      api<EnrolmentRecord>(`/training/enrolments/${e.id}/decision`, {
        method: 'POST',
        body: { version: e.version, decision, note },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['training'] }),
  });
  const noteId = `decision-note-${e.id}`;
  return (
    <li>
      <span className="what">{e.displayName}</span>
      <span className="meta">
        {e.school.name} · {e.programmeTitle}
        {e.session ? <> · {f.date(e.session.startsAt)}</> : null} · <StatusBadge status={e.status} />
        {e.waitingPosition !== null ? (
          <> · {t('trainingCourses.waitingPosition', { n: f.number(e.waitingPosition) })}</>
        ) : null}
        {e.origin === 'director' ? <> · {t('trainingCourses.byDirector')}</> : null}
      </span>
      {e.canDecide ? (
        <div className="form">
          <div className="field">
            <label htmlFor={noteId}>{t('trainingCourses.note')}</label>
            <input id={noteId} maxLength={1000} value={note} onChange={(x) => setNote(x.target.value)} />
          </div>
          <div className="row-buttons">
            <button
              type="button"
              disabled={decide.isPending}
              onClick={() => decide.mutate('approve')}
              aria-label={t('trainingCourses.approveOne', { name: e.displayName })}
            >
              {t('trainingCourses.approve')}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={decide.isPending}
              onClick={() => decide.mutate('reject')}
              aria-label={t('trainingCourses.rejectOne', { name: e.displayName })}
            >
              {t('trainingCourses.reject')}
            </button>
          </div>
        </div>
      ) : null}
      {decide.isError ? (
        <ErrorBox
          error={decide.error}
          onRetry={() => void client.invalidateQueries({ queryKey: ['training'] })}
        />
      ) : null}
    </li>
  );
}

type AttendanceRecord = Static<typeof Attendance>;

/** A session for those who run it: its details and the attendance sheet (a versioned save). */
export function SessionPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const session = useQuery({
    queryKey: ['training', 'session', id],
    queryFn: ({ signal }) => api<SessionRecord>(`/training/sessions/${id}`, { signal }),
  });
  const sheet = useQuery({
    queryKey: ['training', 'session', id, 'attendance'],
    queryFn: ({ signal }) => api<AttendanceRecord>(`/training/sessions/${id}/attendance`, { signal }),
  });
  const [chosen, setChosen] = useState<{ version: number; ids: Set<number> } | null>(null);
  const ticked = new Set(sheet.data?.items.filter((p) => p.attended).map((p) => p.enrolmentId) ?? []);
  const ids = chosen?.ids ?? ticked;
  const save = useMutation({
    mutationFn: (input: { version: number; attended: number[] }) =>
      api<AttendanceRecord>(`/training/sessions/${id}/attendance`, { method: 'PUT', body: input }),
    onSuccess: (saved) => {
      client.setQueryData(['training', 'session', id, 'attendance'], saved);
      setChosen(null);
    },
  });
  const toggle = (enrolmentId: number) => {
    const next = new Set(ids);
    if (next.has(enrolmentId)) next.delete(enrolmentId);
    else next.add(enrolmentId);
    setChosen({ version: chosen?.version ?? sheet.data?.version ?? 0, ids: next });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ version: chosen?.version ?? sheet.data?.version ?? 0, attended: [...ids] });
  };
  const reload = () => {
    setChosen(null);
    save.reset();
    void sheet.refetch();
  };
  return (
    <Page title={session.data?.programmeTitle ?? t('trainingCourses.session')}>
      <p>
        <Link to="/training/programmes">{t('trainingCourses.back')}</Link>
      </p>
      {session.isError ? <ErrorBox error={session.error} /> : null}
      {session.data ? (
        <p>
          <SessionMeta session={session.data} />
        </p>
      ) : null}
      {sheet.isPending ? <Loading /> : null}
      {sheet.isError ? <ErrorBox error={sheet.error} /> : null}
      {sheet.data ? (
        <form className="form" onSubmit={submit}>
          <fieldset>
            <legend>{t('trainingCourses.attendance')}</legend>
            {sheet.data.items.length === 0 ? <p>{t('trainingCourses.nobodyApproved')}</p> : null}
            {sheet.data.items.map((p) => (
              <label key={p.enrolmentId} className="check">
                <input
                  type="checkbox"
                  checked={ids.has(p.enrolmentId)}
                  onChange={() => toggle(p.enrolmentId)}
                />
                {p.displayName} <span className="meta">({p.school})</span>
              </label>
            ))}
          </fieldset>
          {!sheet.data.started ? <p>{t('trainingCourses.notStarted')}</p> : null}
          {save.isError ? <ErrorBox error={save.error} onRetry={reload} /> : null}
          {save.isSuccess ? <p role="status">{t('trainingCourses.saved')}</p> : null}
          <button
            type="submit"
            disabled={save.isPending || sheet.data.items.length === 0 || !sheet.data.started}
          >
            {t('trainingCourses.saveAttendance')}
          </button>
        </form>
      ) : null}
    </Page>
  );
}
