import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { StaleVersion, differencesOf, staleCurrent } from '@/web/components/stale-version';
import { directedSchools } from '@/web/pages/school-ict';
import { useProjects } from '@/web/registry/shared';
import { localName } from '@/web/i18n';
import {
  Badge,
  CRITERIA,
  KINDS,
  RulesView,
  useNumber,
  usePlans,
  type ApplicationRecord,
  type BatchRecord,
  type Kind,
  type SchoolViewRecord,
} from '@/web/allocation/shared';

const schoolKey = (planId: number, id: number) => ['allocation', 'school', planId, id] as const;

/**
 * A director's "Computer distribution": the published plan's rules, the school's state as the registry has
 * it, the application and its examination (with an appeal), the score criterion by criterion against the
 * cut-off, and the deliveries to confirm.
 */
export default function SchoolAllocationPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const plans = usePlans();
  const selectId = useId();
  const [chosen, setChosen] = useState<number | null>(null);
  const list = plans.data?.items ?? [];
  const planId = chosen ?? list[0]?.id;
  return (
    <Page title={t('allocation.schoolTitle')} intro={t('allocation.schoolIntro')}>
      {plans.isPending ? <Loading /> : null}
      {plans.isError ? <ErrorBox error={plans.error} onRetry={() => void plans.refetch()} /> : null}
      {plans.data && list.length === 0 ? <p>{t('allocation.noPlans')}</p> : null}
      {list.length > 1 ? (
        <div className="form field">
          <label htmlFor={selectId}>{t('allocation.plan')}</label>
          <select id={selectId} value={planId} onChange={(e) => setChosen(Number(e.target.value))}>
            {list.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {planId !== undefined
        ? directedSchools(me).map((id) => <SchoolPlan key={`${planId}-${id}`} planId={planId} id={id} />)
        : null}
    </Page>
  );
}

function SchoolPlan({ planId, id }: { planId: number; id: number }) {
  const { t } = useTranslation();
  const view = useQuery({
    queryKey: schoolKey(planId, id),
    queryFn: () => api<SchoolViewRecord>(`/allocation/plans/${planId}/schools/${id}`),
  });
  if (view.isPending) return <Loading />;
  if (view.isError) return <ErrorBox error={view.error} onRetry={() => void view.refetch()} />;
  const v = view.data;
  const editable = v.windowOpen && (v.application === null || v.application.state === 'submitted');
  return (
    <>
      <section className="card" aria-labelledby={`plan-${planId}`}>
        <h2 id={`plan-${planId}`}>
          {v.plan.name} <Badge state={v.plan.state} />
        </h2>
        <RulesView plan={v.plan} />
      </section>
      <Facts view={v} />
      {v.application ? <ApplicationStatus application={v.application} /> : null}
      {editable ? <ApplyForm view={v} /> : null}
      {!editable && v.application === null ? <p>{t('allocation.windowClosed')}</p> : null}
      {v.application?.state === 'ineligible' && v.appealOpen ? (
        <AppealForm application={v.application} id={id} />
      ) : null}
      <ScoreCard view={v} />
      {v.batches.length > 0 ? <Deliveries view={v} /> : null}
    </>
  );
}

/** The school as the registry has it: what the score is made of. */
function Facts({ view }: { view: SchoolViewRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { i18n } = useTranslation();
  const n = useNumber();
  const x = view.facts;
  // Projects come as codes (`e-journal`); people read the registry's names for them.
  const projects = useProjects();
  const projectName = (code: string) => {
    const p = projects.data?.find((r) => r.code === code);
    return p ? localName(p, i18n.language) : code;
  };
  return (
    <section className="card" aria-labelledby="alloc-facts">
      <h2 id="alloc-facts">{t('allocation.factsTitle')}</h2>
      <dl className="record">
        <div>
          <dt>{t('allocation.students')}</dt>
          <dd>{f.number(x.students)}</dd>
        </div>
        <div>
          <dt>{t('allocation.largestShift')}</dt>
          <dd>{f.number(x.largestShift)}</dd>
        </div>
        <div>
          <dt>{t('allocation.laterShifts')}</dt>
          <dd>{f.number(x.laterShiftStudents)}</dd>
        </div>
        <div>
          <dt>{t('allocation.computers')}</dt>
          <dd data-field="computers">{f.number(x.computers)}</dd>
        </div>
        <div>
          <dt>{t('allocation.ratio')}</dt>
          <dd data-field="ratio">{n(x.ratio)}</dd>
        </div>
        <div>
          <dt>{t('allocation.electricity')}</dt>
          <dd>{x.electricity === null ? '—' : t(x.electricity ? 'allocation.yes' : 'allocation.no')}</dd>
        </div>
        <div>
          <dt>{t('allocation.educationNetwork')}</dt>
          <dd>{t(x.educationNetwork ? 'allocation.yes' : 'allocation.no')}</dd>
        </div>
        <div>
          <dt>{t('allocation.projects')}</dt>
          <dd>{x.verifiedProjects.length ? x.verifiedProjects.map(projectName).join(', ') : '—'}</dd>
        </div>
      </dl>
    </section>
  );
}

function ApplicationStatus({ application: a }: { application: ApplicationRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <section className="card" aria-labelledby="alloc-application">
      <h2 id="alloc-application">{t('allocation.application')}</h2>
      <p>
        <Badge state={a.state} />
        {a.registrationNumber ? (
          <>
            {' · '}
            {t('allocation.registrationNumber')}:{' '}
            <strong data-field="registration">{a.registrationNumber}</strong>
          </>
        ) : null}
      </p>
      <dl className="record">
        {KINDS.filter((k) => a.requested[k]).map((k) => (
          <div key={k}>
            <dt>{t(`allocation.kind.${k}`)}</dt>
            <dd>{f.number(a.requested[k]!)}</dd>
          </div>
        ))}
      </dl>
      {a.reasonTexts.length > 0 ? (
        <>
          <h3>{t('allocation.reasons')}</h3>
          <ul data-field="reasons">
            {a.reasonTexts.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </>
      ) : null}
      {a.examinationNote ? <p className="quote">{a.examinationNote}</p> : null}
    </section>
  );
}

/** An application's values as the form sends them: units per kind (only the plan's kinds) and the reason. */
interface ApplyValues {
  requested: Record<string, number>;
  justification: string;
}

function ApplyForm({ view }: { view: SchoolViewRecord }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const base = useId();
  const [units, setUnits] = useState<Partial<Record<Kind, string>>>(() =>
    Object.fromEntries(KINDS.map((k) => [k, String(view.application?.requested[k] ?? '')])),
  );
  const [justification, setJustification] = useState(view.application?.justification ?? '');
  const [done, setDone] = useState(false);
  /** The version of the application the form was read at (0: none yet); a save sends it. */
  const [version, setVersion] = useState(view.application?.version ?? 0);
  /** Someone else's saved application met by a save, and the values that save sent. */
  const [stale, setStale] = useState<{ current: ApplicationRecord; mine: ApplyValues } | null>(null);
  const kinds = KINDS.filter((k) => view.plan.rules.units[k] > 0);
  const apply = useMutation({
    mutationFn: ({ values, version: from }: { values: ApplyValues; version: number }) =>
      api<ApplicationRecord>(`/allocation/plans/${view.plan.id}/schools/${view.institutionId}/application`, {
        method: 'PUT',
        body: { version: from, ...values },
      }),
    onSuccess: (saved) => {
      setDone(true);
      setVersion(saved.version);
      setStale(null);
      void client.invalidateQueries({ queryKey: schoolKey(view.plan.id, view.institutionId) });
    },
    onError: (error, v) => {
      const current = staleCurrent<ApplicationRecord>(error);
      if (current) setStale({ current, mine: v.values });
    },
  });
  const values = (): ApplyValues => ({
    requested: Object.fromEntries(kinds.map((k) => [k, Number(units[k] || 0)])),
    justification: justification.trim(),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    setStale(null);
    apply.mutate({ values: values(), version });
  };
  /** Theirs replaces the form's values. */
  const reload = (current: ApplicationRecord) => {
    setUnits(Object.fromEntries(KINDS.map((k) => [k, String(current.requested[k] ?? '')])));
    setJustification(current.justification);
    setVersion(current.version);
    setStale(null);
    apply.reset();
    void client.invalidateQueries({ queryKey: schoolKey(view.plan.id, view.institutionId) });
  };
  /** An application as the fields compared: units of each of the plan's kinds, and the reason. */
  const flat = (a: ApplyValues): Record<string, unknown> => ({
    ...Object.fromEntries(kinds.map((k) => [k, a.requested[k] ?? 0])),
    justification: a.justification,
  });
  const fields = [...kinds, 'justification'] as const;
  return (
    <section className="card" aria-labelledby="alloc-apply">
      <h2 id="alloc-apply">{t(view.application ? 'allocation.changeApplication' : 'allocation.apply')}</h2>
      <div role="status" className="saved">
        {done ? t('allocation.applied') : ''}
      </div>
      {stale ? (
        <StaleVersion
          differences={differencesOf(
            fields,
            flat(stale.current),
            flat(stale.mine),
            (field) => t(field === 'justification' ? 'allocation.justification' : `allocation.kind.${field}`),
            (_field, value) => String(value),
          )}
          updatedAt={stale.current.submittedAt}
          busy={apply.isPending}
          onReload={() => reload(stale.current)}
          onOverwrite={() => {
            // Cleared first, so that a failure of the overwrite itself shows as an error.
            const { mine, current } = stale;
            setStale(null);
            apply.mutate({ values: mine, version: current.version });
          }}
        />
      ) : apply.isError && !(apply.error instanceof ApiError && apply.error.code === 'stale_version') ? (
        <ErrorBox error={apply.error} />
      ) : null}
      <form className="form" onSubmit={submit}>
        {kinds.map((k) => (
          <div className="field" key={k}>
            <label htmlFor={`${base}-${k}`}>{t(`allocation.kind.${k}`)}</label>
            <input
              id={`${base}-${k}`}
              name={k}
              type="number"
              inputMode="numeric"
              min={0}
              max={100000}
              value={units[k] ?? ''}
              onChange={(e) => setUnits({ ...units, [k]: e.target.value })}
            />
          </div>
        ))}
        <div className="field">
          <label htmlFor={`${base}-why`}>{t('allocation.justification')}</label>
          <textarea
            id={`${base}-why`}
            rows={3}
            maxLength={4000}
            required
            value={justification}
            onChange={(e) => setJustification(e.target.value)}
          />
        </div>
        <button type="submit" disabled={apply.isPending || stale !== null}>
          {t('allocation.send')}
        </button>
      </form>
    </section>
  );
}

function AppealForm({ application, id }: { application: ApplicationRecord; id: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const textId = useId();
  const [text, setText] = useState('');
  const appeal = useMutation({
    mutationFn: () =>
      api<ApplicationRecord>(`/allocation/applications/${application.id}/appeal`, {
        method: 'POST',
        body: { text: text.trim() },
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: schoolKey(application.planId, id) }),
  });
  return (
    <section className="card" aria-labelledby="alloc-appeal">
      <h2 id="alloc-appeal">{t('allocation.appeal')}</h2>
      {appeal.isError ? <ErrorBox error={appeal.error} /> : null}
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          appeal.mutate();
        }}
      >
        <div className="field">
          <label htmlFor={textId}>{t('allocation.appealText')}</label>
          <textarea
            id={textId}
            rows={3}
            maxLength={4000}
            required
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <button type="submit" disabled={appeal.isPending}>
          {t('allocation.sendAppeal')}
        </button>
      </form>
    </section>
  );
}

/** The school's score, criterion by criterion, against the cut-off, and what it gets. */
function ScoreCard({ view }: { view: SchoolViewRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  const n = useNumber();
  if (view.plan.state === 'draft') return null;
  const awarded = KINDS.filter((k) => view.awarded[k]);
  return (
    <section className="card" aria-labelledby="alloc-score">
      <h2 id="alloc-score">
        {t(view.plan.state === 'approved' ? 'allocation.scoreFinal' : 'allocation.scoreProjected')}
      </h2>
      {view.score === null ? (
        <p>{t('allocation.noScore')}</p>
      ) : (
        <>
          <table className="table">
            <caption className="visually-hidden">{t('allocation.criteria')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('allocation.criterion.label')}</th>
                <th scope="col" className="num">
                  {t('allocation.value')}
                </th>
              </tr>
            </thead>
            <tbody>
              {CRITERIA.map((c) => (
                <tr key={c}>
                  <th scope="row">{t(`allocation.criterion.${c}`)}</th>
                  <td className="num">{f.percent(view.score!.criteria[c])}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <dl className="record">
            <div>
              <dt>{t('allocation.score')}</dt>
              <dd data-field="score">{n(view.score.score * 100)}</dd>
            </div>
            <div>
              <dt>{t('allocation.rank')}</dt>
              <dd>{view.score.rank}</dd>
            </div>
            <div>
              <dt>{t('allocation.cutOff')}</dt>
              <dd data-field="cutOff">{view.cutOff === null ? '—' : n(view.cutOff * 100)}</dd>
            </div>
          </dl>
        </>
      )}
      {awarded.length > 0 ? (
        <>
          <h3>{t('allocation.awarded')}</h3>
          <dl className="record" data-field="awarded">
            {awarded.map((k) => (
              <div key={k}>
                <dt>{t(`allocation.kind.${k}`)}</dt>
                <dd>{f.number(view.awarded[k]!)}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
    </section>
  );
}

function Deliveries({ view }: { view: SchoolViewRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <section className="card" aria-labelledby="alloc-deliveries">
      <h2 id="alloc-deliveries">{t('allocation.deliveries')}</h2>
      {view.batches.map((b) => (
        <div key={b.id} className="batch">
          <h3>
            {t('allocation.batch', { id: b.id })} <Badge state={b.state} />
          </h3>
          <p>
            {f.dateTime(b.createdAt)}
            {b.note ? ` · ${b.note}` : ''}
          </p>
          {b.state === 'sent' ? (
            <ConfirmForm batch={b} view={view} />
          ) : (
            <ul>
              {b.items.map((i) => (
                <li key={i.kind}>
                  {t(`allocation.kind.${i.kind}`)}: {f.number(i.received ?? 0)} / {f.number(i.units)}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </section>
  );
}

/** The school's receipt: per kind, the units that arrived and their serial numbers, one a line. */
function ConfirmForm({
  batch,
  view,
}: {
  batch: SchoolViewRecord['batches'][number];
  view: SchoolViewRecord;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const base = useId();
  const [received, setReceived] = useState<Record<string, string>>(() =>
    Object.fromEntries(batch.items.map((i) => [i.kind, String(i.units)])),
  );
  const [serials, setSerials] = useState<Record<string, string>>({});
  const confirm = useMutation({
    mutationFn: () =>
      api<BatchRecord>(`/allocation/batches/${batch.id}/confirm`, {
        method: 'POST',
        body: {
          items: batch.items.map((i) => ({
            kind: i.kind,
            received: Number(received[i.kind] || 0),
            serials: (serials[i.kind] ?? '')
              .split(/[\s,;]+/)
              .map((s) => s.trim())
              .filter(Boolean),
          })),
        },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: schoolKey(view.plan.id, view.institutionId) });
      void client.invalidateQueries({ queryKey: ['registry'] });
    },
  });
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        confirm.mutate();
      }}
    >
      {confirm.isError ? <ErrorBox error={confirm.error} /> : null}
      {batch.items.map((i) => (
        <fieldset key={i.kind}>
          <legend>
            {t(`allocation.kind.${i.kind}`)}: {t('allocation.sent', { units: i.units })}
          </legend>
          <div className="field">
            <label htmlFor={`${base}-${i.kind}-n`}>{t('allocation.received')}</label>
            <input
              id={`${base}-${i.kind}-n`}
              type="number"
              inputMode="numeric"
              min={0}
              max={i.units}
              value={received[i.kind] ?? ''}
              onChange={(e) => setReceived({ ...received, [i.kind]: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${base}-${i.kind}-s`}>{t('allocation.serials')}</label>
            <textarea
              id={`${base}-${i.kind}-s`}
              rows={4}
              value={serials[i.kind] ?? ''}
              onChange={(e) => setSerials({ ...serials, [i.kind]: e.target.value })}
            />
          </div>
        </fieldset>
      ))}
      <button type="submit" disabled={confirm.isPending}>
        {t('allocation.confirm')}
      </button>
    </form>
  );
}
