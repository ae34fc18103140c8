import { Fragment, useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Link, navigate } from '@/web/router';
import { Page } from '@/web/components/page';
import { ScrollBox } from '@/web/components/scroll-box';
import { ErrorBox, Loading } from '@/web/components/status';
import { StaleVersion, differencesOf, staleCurrent } from '@/web/components/stale-version';
import { useCurrentYear } from '@/web/registry/shared';
import { useAreas } from '@/web/pages/regional-home';
import {
  Badge,
  CRITERIA,
  GATES,
  KINDS,
  RulesView,
  useNumber,
  usePlan,
  usePlans,
  type ApplicationDetailRecord,
  type ApplicationRecord,
  type DeliveriesRecord,
  type PlanChange,
  type PlanInput,
  type PlanRecord,
  type RankingRecord,
  type SimulationRecord,
} from '@/web/allocation/shared';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** The bureau's list of distribution plans, and a form for a new one. */
export function PlansPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const plans = usePlans();
  return (
    <Page title={t('allocation.title')} intro={t('allocation.intro')}>
      {plans.isPending ? <Loading /> : null}
      {plans.isError ? <ErrorBox error={plans.error} onRetry={() => void plans.refetch()} /> : null}
      {plans.data ? (
        plans.data.items.length === 0 ? (
          <p>{t('allocation.noPlans')}</p>
        ) : (
          <ul className="list">
            {plans.data.items.map((p) => (
              <li key={p.id}>
                <Link to={`/allocation/${p.id}`} className="what">
                  {p.name}
                </Link>
                <span className="meta">
                  <Badge state={p.state} /> · {f.date(p.applicationsOpenOn)} – {f.date(p.applicationsCloseOn)}
                </span>
              </li>
            ))}
          </ul>
        )
      ) : null}
      <NewPlan />
    </Page>
  );
}

function NewPlan() {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const { year } = useCurrentYear();
  const base = useId();
  const [name, setName] = useState('');
  const [units, setUnits] = useState<Record<string, string>>({ desktop: '100', laptop: '50' });
  const [norm, setNorm] = useState('15');
  const [lot, setLot] = useState('1');
  const [open, setOpen] = useState(day(0));
  const [close, setClose] = useState(day(30));
  const [appeals, setAppeals] = useState(day(45));
  const [weights, setWeights] = useState<Record<string, string>>({
    ratioGap: '40',
    shifts: '20',
    connection: '15',
    projects: '15',
    equity: '10',
  });
  const [prices, setPrices] = useState<Record<string, string>>({});
  const [budget, setBudget] = useState('');
  const [minimums, setMinimums] = useState<{ regionId: string; kind: string; units: string }[]>([]);
  const regions = useAreas();
  const create = useMutation({
    mutationFn: () => {
      const body: PlanInput = {
        academicYearId: year!.id,
        name: name.trim(),
        rules: {
          units: {
            desktop: Number(units.desktop || 0),
            laptop: Number(units.laptop || 0),
            tablet: Number(units.tablet || 0),
            projector: Number(units.projector || 0),
            interactive_board: Number(units.interactive_board || 0),
          },
          unitPrices: Object.fromEntries(
            KINDS.filter((k) => prices[k]?.trim()).map((k) => [k, Number(prices[k])]),
          ),
          budget: budget.trim() ? Number(budget) : null,
          norm: Number(norm),
          lotSize: Number(lot),
          regionalMinimums: minimums.map((m) => ({
            regionId: Number(m.regionId),
            kind: m.kind as (typeof KINDS)[number],
            units: Number(m.units || 0),
          })),
          weights: {
            ratioGap: Number(weights.ratioGap || 0),
            shifts: Number(weights.shifts || 0),
            connection: Number(weights.connection || 0),
            projects: Number(weights.projects || 0),
            equity: Number(weights.equity || 0),
          },
          recentYears: 3,
        },
        applicationsOpenOn: open,
        applicationsCloseOn: close,
        appealsCloseOn: appeals,
      };
      return api<PlanRecord>('/allocation/plans', { method: 'POST', body });
    },
    onSuccess: (plan) => {
      void client.invalidateQueries({ queryKey: ['allocation', 'plans'] });
      navigate(`/allocation/${plan.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const field = (
    id: string,
    label: string,
    value: string,
    set: (v: string) => void,
    type = 'number',
    required = true,
  ) => (
    <div className="field" key={id}>
      <label htmlFor={`${base}-${id}`}>{label}</label>
      <input
        id={`${base}-${id}`}
        type={type}
        inputMode={type === 'number' ? 'numeric' : undefined}
        min={type === 'number' ? 0 : undefined}
        value={value}
        required={required}
        onChange={(e) => set(e.target.value)}
      />
    </div>
  );
  const setMinimum = (i: number, change: Partial<(typeof minimums)[number]>) =>
    setMinimums(minimums.map((m, j) => (j === i ? { ...m, ...change } : m)));
  const economicRegions = (regions.data ?? []).filter((a) => a.kind === 'economic_region');
  return (
    <section className="card" aria-labelledby="alloc-new">
      <h2 id="alloc-new">{t('allocation.newPlan')}</h2>
      {create.isError ? <ErrorBox error={create.error} /> : null}
      <form className="form" onSubmit={submit}>
        {field('name', t('allocation.name'), name, setName, 'text')}
        {KINDS.map((k) =>
          field(k, t(`allocation.kind.${k}`), units[k] ?? '0', (v) => setUnits({ ...units, [k]: v })),
        )}
        {field('norm', t('allocation.norm'), norm, setNorm)}
        {field('lot', t('allocation.lotSize'), lot, setLot)}
        {field('open', t('allocation.opens'), open, setOpen, 'date')}
        {field('close', t('allocation.closes'), close, setClose, 'date')}
        {field('appeals', t('allocation.appealsClose'), appeals, setAppeals, 'date')}
        <fieldset>
          <legend>{t('allocation.weights')}</legend>
          <p className="note">{t('allocation.weightsHelp')}</p>
          {CRITERIA.map((c) =>
            field(`w-${c}`, t(`allocation.criterion.${c}`), weights[c] ?? '0', (v) =>
              setWeights({ ...weights, [c]: v }),
            ),
          )}
        </fieldset>
        <fieldset>
          <legend>{t('allocation.money')}</legend>
          <p className="note">{t('allocation.moneyHelp')}</p>
          {KINDS.map((k) =>
            field(
              `price-${k}`,
              t('allocation.unitPrice', { kind: t(`allocation.kind.${k}`) }),
              prices[k] ?? '',
              (v) => setPrices({ ...prices, [k]: v }),
              'number',
              false,
            ),
          )}
          {field('budget', t('allocation.budget'), budget, setBudget, 'number', false)}
        </fieldset>
        <fieldset>
          <legend>{t('allocation.minimums')}</legend>
          <p className="note">{t('allocation.minimumsHelp')}</p>
          {minimums.map((m, i) => (
            <div className="pair" key={i} data-minimum={i}>
              <div className="field">
                <label htmlFor={`${base}-min-region-${i}`}>{t('allocation.region')}</label>
                <select
                  id={`${base}-min-region-${i}`}
                  value={m.regionId}
                  required
                  onChange={(e) => setMinimum(i, { regionId: e.target.value })}
                >
                  <option value="">—</option>
                  {economicRegions.map((r) => (
                    <option key={r.id} value={r.id}>
                      {localName(r, i18n.language)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`${base}-min-kind-${i}`}>{t('allocation.kindLabel')}</label>
                <select
                  id={`${base}-min-kind-${i}`}
                  value={m.kind}
                  onChange={(e) => setMinimum(i, { kind: e.target.value })}
                >
                  {KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`allocation.kind.${k}`)}
                    </option>
                  ))}
                </select>
              </div>
              {field(`min-units-${i}`, t('allocation.minimumUnits'), m.units, (v) =>
                setMinimum(i, { units: v }),
              )}
              <button
                type="button"
                className="link-button"
                onClick={() => setMinimums(minimums.filter((_, j) => j !== i))}
              >
                {t('allocation.removeMinimum')}
              </button>
            </div>
          ))}
          <button
            type="button"
            className="secondary"
            onClick={() => setMinimums([...minimums, { regionId: '', kind: 'desktop', units: '' }])}
          >
            {t('allocation.addMinimum')}
          </button>
        </fieldset>
        <button type="submit" disabled={create.isPending || !year}>
          {t('allocation.create')}
        </button>
      </form>
    </section>
  );
}

/** One plan for the bureau: its rules, the applications to register and examine, simulation, approval, deliveries. */
export function PlanPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const plan = usePlan(id);
  const [done, setDone] = useState('');
  const act = useMutation({
    mutationFn: (action: 'publish' | 'approve') =>
      api<PlanRecord>(`/allocation/plans/${id}/${action}`, { method: 'POST' }),
    onSuccess: (p, action) => {
      client.setQueryData(['allocation', 'plan', id], p);
      void client.invalidateQueries({ queryKey: ['allocation'] });
      setDone(t(`allocation.done.${action}`));
    },
  });
  if (plan.isPending) return <Loading />;
  if (plan.isError) return <ErrorBox error={plan.error} onRetry={() => void plan.refetch()} />;
  const p = plan.data;
  return (
    <Page title={p.name}>
      <p>
        <Link to="/allocation">{t('allocation.back')}</Link>
      </p>
      <section className="card" aria-labelledby="alloc-rules">
        <h2 id="alloc-rules">
          {t('allocation.rules')} <Badge state={p.state} />
        </h2>
        <RulesView plan={p} />
        <div role="status" className="saved">
          {done}
        </div>
        {act.isError ? <ErrorBox error={act.error} /> : null}
        {p.state === 'draft' ? (
          <button type="button" disabled={act.isPending} onClick={() => act.mutate('publish')}>
            {t('allocation.publish')}
          </button>
        ) : null}
      </section>
      {p.state !== 'draft' ? <Applications plan={p} /> : null}
      {p.state !== 'draft' ? <RankingCard plan={p} /> : null}
      {p.state === 'published' ? <SimulationCard plan={p} /> : null}
      {p.state === 'published' ? (
        <section className="card" aria-labelledby="alloc-approve">
          <h2 id="alloc-approve">{t('allocation.approveTitle')}</h2>
          <p>{t('allocation.approveIntro')}</p>
          <button type="button" disabled={act.isPending} onClick={() => act.mutate('approve')}>
            {t('allocation.approve')}
          </button>
        </section>
      ) : null}
      {p.state === 'approved' ? <Published plan={p} /> : null}
    </Page>
  );
}

function Applications({ plan }: { plan: PlanRecord }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const [open, setOpen] = useState<number | null>(null);
  const list = useQuery({
    queryKey: ['allocation', 'applications', plan.id],
    queryFn: () => api<{ items: ApplicationRecord[] }>(`/allocation/plans/${plan.id}/applications`),
  });
  const register = useMutation({
    mutationFn: (appId: number) =>
      api<ApplicationRecord>(`/allocation/applications/${appId}/register`, { method: 'POST' }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['allocation'] }),
  });
  return (
    <section className="card" aria-labelledby="alloc-applications">
      <h2 id="alloc-applications">{t('allocation.applications')}</h2>
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      {register.isError ? <ErrorBox error={register.error} /> : null}
      {list.data && list.data.items.length === 0 ? <p>{t('allocation.noApplications')}</p> : null}
      <ul className="list applications">
        {list.data?.items.map((a) => (
          <li key={a.id} data-application={a.id}>
            <span className="what">{localName(a, i18n.language)}</span>
            <span className="meta">
              <Badge state={a.state} />
              {a.registrationNumber ? ` · ${a.registrationNumber}` : ''} ·{' '}
              {KINDS.filter((k) => a.requested[k])
                .map((k) => `${t(`allocation.kind.${k}`)} ${f.number(a.requested[k]!)}`)
                .join(', ')}
            </span>
            {a.reasonTexts.length ? <span className="meta">{a.reasonTexts.join(' ')}</span> : null}
            {a.appealText ? <span className="meta quote">{a.appealText}</span> : null}
            {plan.state === 'published' && a.state === 'submitted' ? (
              <button
                type="button"
                className="secondary"
                disabled={register.isPending}
                onClick={() => register.mutate(a.id)}
              >
                {t('allocation.register')}
              </button>
            ) : null}
            {plan.state === 'published' && a.state !== 'submitted' ? (
              <button
                type="button"
                className="secondary"
                aria-expanded={open === a.id}
                onClick={() => setOpen(open === a.id ? null : a.id)}
              >
                {t('allocation.examine')}
              </button>
            ) : null}
            {open === a.id ? <Examine applicationId={a.id} onDone={() => setOpen(null)} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The checklist, prefilled with what the registry suggests. */
function Examine({ applicationId, onDone }: { applicationId: number; onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const base = useId();
  const detail = useQuery({
    queryKey: ['allocation', 'application', applicationId],
    queryFn: () => api<ApplicationDetailRecord>(`/allocation/applications/${applicationId}`),
  });
  const [gates, setGates] = useState<Record<string, boolean> | null>(null);
  const [note, setNote] = useState('');
  const examine = useMutation({
    mutationFn: (g: Record<string, boolean>) =>
      api<ApplicationRecord>(`/allocation/applications/${applicationId}/examine`, {
        method: 'POST',
        body: { gates: g, ...(note.trim() ? { note: note.trim() } : {}) },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['allocation'] });
      onDone();
    },
  });
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorBox error={detail.error} />;
  const current =
    gates ??
    Object.fromEntries(
      GATES.map((g) => [g, detail.data.application.gates?.[g] ?? detail.data.suggestedGates[g] ?? false]),
    );
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        examine.mutate(current);
      }}
    >
      {examine.isError ? <ErrorBox error={examine.error} /> : null}
      <fieldset>
        <legend>{t('allocation.checklist')}</legend>
        {GATES.map((g) => (
          <label className="check" key={g}>
            <input
              type="checkbox"
              checked={current[g] ?? false}
              onChange={(e) => setGates({ ...current, [g]: e.target.checked })}
            />
            {t(`allocation.gate.${g}`)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${base}-note`}>{t('allocation.note')}</label>
        <textarea id={`${base}-note`} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      <button type="submit" disabled={examine.isPending}>
        {t('allocation.decide')}
      </button>
    </form>
  );
}

function RankingCard({ plan }: { plan: PlanRecord }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const n = useNumber();
  const ranking = useQuery({
    queryKey: ['allocation', 'ranking', plan.id, plan.state],
    queryFn: () => api<RankingRecord>(`/allocation/plans/${plan.id}/ranking?limit=50`),
  });
  return (
    <section className="card" aria-labelledby="alloc-ranking">
      <h2 id="alloc-ranking">{t('allocation.ranking')}</h2>
      {ranking.isPending ? <Loading /> : null}
      {ranking.isError ? <ErrorBox error={ranking.error} onRetry={() => void ranking.refetch()} /> : null}
      {ranking.data ? (
        <>
          <p>
            {t('allocation.cutOff')}: {ranking.data.cutOff === null ? '—' : n(ranking.data.cutOff * 100)}
          </p>
          <ScrollBox label={t('allocation.ranking')}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('allocation.school')}</th>
                  <th scope="col" className="num">
                    {t('allocation.score')}
                  </th>
                  {CRITERIA.map((c) => (
                    <th scope="col" className="num" key={c}>
                      {t(`allocation.criterion.${c}`)}
                    </th>
                  ))}
                  <th scope="col">{t('allocation.awarded')}</th>
                </tr>
              </thead>
              <tbody>
                {ranking.data.items.map((s) => (
                  <tr key={s.institutionId}>
                    <td>{s.rank}</td>
                    <th scope="row">{localName(s, i18n.language)}</th>
                    <td className="num">{n(s.score * 100)}</td>
                    {CRITERIA.map((c) => (
                      <td className="num" key={c}>
                        {f.percent(s.criteria[c])}
                      </td>
                    ))}
                    <td>
                      {KINDS.filter((k) => s.awarded[k])
                        .map((k) => `${t(`allocation.kind.${k}`)} ${f.number(s.awarded[k]!)}`)
                        .join(', ') || '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
        </>
      ) : null}
    </section>
  );
}

/** Other weights or units, projected beside the plan as it stands. */
function SimulationCard({ plan }: { plan: PlanRecord }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const n = useNumber();
  const base = useId();
  const [weights, setWeights] = useState<Record<string, string>>(() =>
    Object.fromEntries(CRITERIA.map((c) => [c, String(plan.rules.weights[c])])),
  );
  const [units, setUnits] = useState<Record<string, string>>(() =>
    Object.fromEntries(KINDS.map((k) => [k, String(plan.rules.units[k])])),
  );
  const simulate = useMutation({
    mutationFn: () =>
      api<SimulationRecord>(`/allocation/plans/${plan.id}/simulate`, {
        method: 'POST',
        body: {
          weights: Object.fromEntries(CRITERIA.map((c) => [c, Number(weights[c] || 0)])),
          units: Object.fromEntries(KINDS.map((k) => [k, Number(units[k] || 0)])),
        },
      }),
  });
  const client = useQueryClient();
  const [adopted, setAdopted] = useState(false);
  /** Someone else's saved plan met by adopting the variant, and the plan the variant would have made. */
  const [stale, setStale] = useState<{ current: PlanRecord; mine: PlanChange } | null>(null);
  /** The plan with the variant's weights and units as its rules, from the plan as read. */
  const variantOf = (p: PlanRecord): PlanChange => ({
    editVersion: p.editVersion,
    academicYearId: p.academicYearId,
    name: p.name,
    rules: {
      ...p.rules,
      weights: {
        ratioGap: Number(weights.ratioGap || 0),
        shifts: Number(weights.shifts || 0),
        connection: Number(weights.connection || 0),
        projects: Number(weights.projects || 0),
        equity: Number(weights.equity || 0),
      },
      units: {
        desktop: Number(units.desktop || 0),
        laptop: Number(units.laptop || 0),
        tablet: Number(units.tablet || 0),
        projector: Number(units.projector || 0),
        interactive_board: Number(units.interactive_board || 0),
      },
    },
    applicationsOpenOn: p.applicationsOpenOn,
    applicationsCloseOn: p.applicationsCloseOn,
    appealsCloseOn: p.appealsCloseOn,
  });
  // The variant becomes the plan's rules: a published plan is published again as its next version. It is
  // saved from the plan's edit version as read: a change made meanwhile is shown, not overwritten.
  const adopt = useMutation({
    mutationFn: (body: PlanChange) =>
      api<PlanRecord>(`/allocation/plans/${plan.id}`, { method: 'PUT', body }),
    onSuccess: (p) => {
      client.setQueryData(['allocation', 'plan', plan.id], p);
      void client.invalidateQueries({ queryKey: ['allocation'] });
      setAdopted(true);
      setStale(null);
    },
    onError: (error, mine) => {
      const current = staleCurrent<PlanRecord>(error);
      if (current) setStale({ current, mine });
    },
  });
  /** Theirs replaces the variant's figures, and the page shows their plan. */
  const reload = (current: PlanRecord) => {
    client.setQueryData(['allocation', 'plan', plan.id], current);
    void client.invalidateQueries({ queryKey: ['allocation'] });
    setWeights(Object.fromEntries(CRITERIA.map((c) => [c, String(current.rules.weights[c])])));
    setUnits(Object.fromEntries(KINDS.map((k) => [k, String(current.rules.units[k])])));
    setStale(null);
    adopt.reset();
  };
  /** A plan as the fields compared: its name, windows, weights and units. */
  const flat = (
    p: Pick<PlanRecord, 'name' | 'applicationsOpenOn' | 'applicationsCloseOn' | 'appealsCloseOn' | 'rules'>,
  ) =>
    ({
      name: p.name,
      applicationsOpenOn: p.applicationsOpenOn,
      applicationsCloseOn: p.applicationsCloseOn,
      appealsCloseOn: p.appealsCloseOn,
      ...Object.fromEntries(CRITERIA.map((c) => [`w.${c}`, p.rules.weights[c]])),
      ...Object.fromEntries(KINDS.map((k) => [`u.${k}`, p.rules.units[k]])),
    }) as Record<string, unknown>;
  const planFields = [
    'name',
    'applicationsOpenOn',
    'applicationsCloseOn',
    'appealsCloseOn',
    ...CRITERIA.map((c) => `w.${c}`),
    ...KINDS.map((k) => `u.${k}`),
  ];
  const fieldLabel = (field: string) =>
    field.startsWith('w.')
      ? `${t('allocation.weights')}: ${t(`allocation.criterion.${field.slice(2)}`)}`
      : field.startsWith('u.')
        ? `${t('allocation.units')}: ${t(`allocation.kind.${field.slice(2)}`)}`
        : t(
            {
              name: 'allocation.name',
              applicationsOpenOn: 'allocation.opens',
              applicationsCloseOn: 'allocation.closes',
              appealsCloseOn: 'allocation.appealsClose',
            }[field]!,
          );
  const showField = (field: string, value: unknown) =>
    field.startsWith('w.') || field.startsWith('u.')
      ? f.number(Number(value))
      : field === 'name'
        ? String(value)
        : f.date(String(value));
  const s = simulate.data;
  const row = (label: string, pick: (o: SimulationRecord['current']) => string) =>
    s ? (
      <tr>
        <th scope="row">{label}</th>
        <td className="num">{pick(s.current)}</td>
        <td className="num">{pick(s.variant)}</td>
      </tr>
    ) : null;
  const share = (x: number | null) => (x === null ? '—' : f.percent(x));
  return (
    <section className="card" aria-labelledby="alloc-simulation">
      <h2 id="alloc-simulation">{t('allocation.simulation')}</h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          simulate.mutate();
        }}
      >
        <fieldset>
          <legend>{t('allocation.weights')}</legend>
          {CRITERIA.map((c) => (
            <div className="field" key={c}>
              <label htmlFor={`${base}-w-${c}`}>{t(`allocation.criterion.${c}`)}</label>
              <input
                id={`${base}-w-${c}`}
                type="number"
                min={0}
                max={100}
                value={weights[c]}
                onChange={(e) => setWeights({ ...weights, [c]: e.target.value })}
              />
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('allocation.units')}</legend>
          {KINDS.map((k) => (
            <div className="field" key={k}>
              <label htmlFor={`${base}-u-${k}`}>{t(`allocation.kind.${k}`)}</label>
              <input
                id={`${base}-u-${k}`}
                type="number"
                min={0}
                value={units[k]}
                onChange={(e) => setUnits({ ...units, [k]: e.target.value })}
              />
            </div>
          ))}
        </fieldset>
        <button type="submit" disabled={simulate.isPending}>
          {t('allocation.simulate')}
        </button>
      </form>
      {simulate.isError ? <ErrorBox error={simulate.error} /> : null}
      {stale ? (
        <StaleVersion
          differences={differencesOf(
            planFields,
            flat(stale.current),
            flat(stale.mine),
            fieldLabel,
            showField,
          )}
          updatedAt={null}
          busy={adopt.isPending}
          onReload={() => reload(stale.current)}
          onOverwrite={() => {
            // Cleared first, so that a failure of the overwrite itself shows as an error.
            const { mine, current } = stale;
            setStale(null);
            adopt.mutate({ ...mine, editVersion: current.editVersion });
          }}
        />
      ) : adopt.isError && !(adopt.error instanceof ApiError && adopt.error.code === 'stale_version') ? (
        <ErrorBox error={adopt.error} />
      ) : null}
      <div role="status" className="saved">
        {adopted ? t('allocation.done.adopt') : ''}
      </div>
      {s ? (
        <ScrollBox label={t('allocation.comparison')}>
          <table className="table comparison">
            <caption>{t('allocation.comparison')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('allocation.figure')}</th>
                <th scope="col" className="num">
                  {t('allocation.currentPlan')}
                </th>
                <th scope="col" className="num">
                  {t('allocation.variant')}
                </th>
              </tr>
            </thead>
            <tbody>
              {row(t('allocation.schoolsServed'), (o) => f.number(o.schoolsServed))}
              {row(t('allocation.ratioBefore'), (o) => n(o.national.before.shiftRatio))}
              {row(t('allocation.ratioAfter'), (o) => n(o.national.after.shiftRatio))}
              {row(t('allocation.meetingBefore'), (o) => share(o.national.before.meetingNorm))}
              {row(t('allocation.meetingAfter'), (o) => share(o.national.after.meetingNorm))}
              {row(t('allocation.cutOff'), (o) => (o.cutOff === null ? '—' : n(o.cutOff * 100)))}
              {s.current.regions.map((r, i) =>
                // Only the regions either side sends devices to: the others stay as they are.
                r.units > 0 || (s.variant.regions[i]?.units ?? 0) > 0 ? (
                  <Fragment key={r.regionId ?? 'none'}>
                    {row(`${localName(r, i18n.language)}: ${t('allocation.ratioAfter')}`, (o) =>
                      n(o.regions[i]?.after.shiftRatio ?? null),
                    )}
                  </Fragment>
                ) : null,
              )}
            </tbody>
          </table>
        </ScrollBox>
      ) : null}
      {s ? (
        <button
          type="button"
          className="secondary"
          disabled={adopt.isPending || stale !== null}
          onClick={() => {
            setAdopted(false);
            setStale(null);
            adopt.mutate(variantOf(plan));
          }}
        >
          {t('allocation.adopt')}
        </button>
      ) : null}
    </section>
  );
}

/** An approved plan: the published list's files, deliveries and new batches. */
function Published({ plan }: { plan: PlanRecord }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const base = useId();
  const deliveries = useQuery({
    queryKey: ['allocation', 'deliveries', plan.id],
    queryFn: () => api<DeliveriesRecord>(`/allocation/plans/${plan.id}/deliveries`),
  });
  const [target, setTarget] = useState('');
  const [units, setUnits] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);
  const rows = deliveries.data?.items ?? [];
  const schools = [...new Map(rows.map((r) => [r.institutionId, r])).values()];
  const chosen = Number(target || schools[0]?.institutionId || 0);
  const kindsOf = rows.filter((r) => r.institutionId === chosen);
  const send = useMutation({
    mutationFn: () =>
      api(`/allocation/plans/${plan.id}/batches`, {
        method: 'POST',
        body: {
          institutionId: chosen,
          items: kindsOf
            .map((r) => ({ kind: r.kind, units: Number(units[r.kind] ?? r.awarded - r.sent) }))
            .filter((i) => i.units > 0),
        },
      }),
    onSuccess: () => {
      setDone(true);
      void client.invalidateQueries({ queryKey: ['allocation'] });
    },
  });
  return (
    <>
      <section className="card" aria-labelledby="alloc-list">
        <h2 id="alloc-list">{t('allocation.publishedList')}</h2>
        <ul>
          {(['csv', 'xlsx', 'pdf'] as const).map((fmt) => (
            <li key={fmt}>
              <a href={`/api/allocation/plans/${plan.id}/list?format=${fmt}`} download>
                {t(`allocation.download.${fmt}`)}
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="alloc-delivery">
        <h2 id="alloc-delivery">{t('allocation.deliveries')}</h2>
        {deliveries.isPending ? <Loading /> : null}
        {deliveries.isError ? <ErrorBox error={deliveries.error} /> : null}
        {rows.length > 0 ? (
          <ScrollBox label={t('allocation.deliveries')}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('allocation.school')}</th>
                  <th scope="col">{t('allocation.kindLabel')}</th>
                  <th scope="col" className="num">
                    {t('allocation.awarded')}
                  </th>
                  <th scope="col" className="num">
                    {t('allocation.sentLabel')}
                  </th>
                  <th scope="col" className="num">
                    {t('allocation.received')}
                  </th>
                  <th scope="col" className="num">
                    {t('allocation.undelivered')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.institutionId}-${r.kind}`}>
                    <th scope="row">{localName(r, i18n.language)}</th>
                    <td>{t(`allocation.kind.${r.kind}`)}</td>
                    <td className="num">{f.number(r.awarded)}</td>
                    <td className="num">{f.number(r.sent)}</td>
                    <td className="num">{f.number(r.received)}</td>
                    <td className="num">{f.number(r.undelivered)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
        ) : null}
        {schools.length > 0 ? (
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              setDone(false);
              send.mutate();
            }}
          >
            <h3>{t('allocation.newBatch')}</h3>
            <div role="status" className="saved">
              {done ? t('allocation.batchSent') : ''}
            </div>
            {send.isError ? <ErrorBox error={send.error} /> : null}
            <div className="field">
              <label htmlFor={`${base}-school`}>{t('allocation.school')}</label>
              <select id={`${base}-school`} value={chosen} onChange={(e) => setTarget(e.target.value)}>
                {schools.map((s) => (
                  <option key={s.institutionId} value={s.institutionId}>
                    {localName(s, i18n.language)}
                  </option>
                ))}
              </select>
            </div>
            {kindsOf.map((r) => (
              <div className="field" key={r.kind}>
                <label htmlFor={`${base}-${r.kind}`}>{t(`allocation.kind.${r.kind}`)}</label>
                <input
                  id={`${base}-${r.kind}`}
                  type="number"
                  min={0}
                  value={units[r.kind] ?? String(Math.max(0, r.awarded - r.sent))}
                  onChange={(e) => setUnits({ ...units, [r.kind]: e.target.value })}
                />
              </div>
            ))}
            <button type="submit" disabled={send.isPending}>
              {t('allocation.sendBatch')}
            </button>
          </form>
        ) : null}
      </section>
    </>
  );
}
