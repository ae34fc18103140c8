import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { useAreas } from '@/web/pages/regional-home';
import type {
  Application,
  Batch,
  Deliveries,
  Plan,
  PlanBody,
  PlanChangeBody,
  PlanList,
  Ranking,
  SchoolView,
  Simulation,
  ApplicationDetail,
} from '@/modules/allocation/allocation.schema';

/** What the distribution's pages share: the API's types, the plan queries, and how rules and scores read. */

/** A plan with its versions. */
export type PlanRecord = Static<typeof Plan>;
/** A plan as lists show it. */
export type PlanSummary = Static<typeof PlanList>['items'][number];
/** What the bureau sends to create or change a plan. */
export type PlanInput = Static<typeof PlanBody>;
/** What the bureau sends to change a plan: the plan with the `editVersion` it was read at. */
export type PlanChange = Static<typeof PlanChangeBody>;
/** One application. */
export type ApplicationRecord = Static<typeof Application>;
/** An application with the registry's facts and suggested gates. */
export type ApplicationDetailRecord = Static<typeof ApplicationDetail>;
/** A school's page of a plan. */
export type SchoolViewRecord = Static<typeof SchoolView>;
/** The ranking of eligible schools. */
export type RankingRecord = Static<typeof Ranking>;
/** A simulation: the plan and the variant. */
export type SimulationRecord = Static<typeof Simulation>;
/** A delivery batch. */
export type BatchRecord = Static<typeof Batch>;
/** The delivery state per school and kind. */
export type DeliveriesRecord = Static<typeof Deliveries>;

/** The kinds a plan distributes, in the order the allocation takes them. */
export const KINDS = ['desktop', 'laptop', 'tablet', 'projector', 'interactive_board'] as const;
/** One of the kinds a plan distributes. */
export type Kind = (typeof KINDS)[number];
/** The scoring criteria. */
export const CRITERIA = ['ratioGap', 'shifts', 'connection', 'projects', 'equity'] as const;
/** The examination's gates. */
export const GATES = ['complete', 'electricity', 'secureRoom', 'audited'] as const;

/** The plans (published ones; drafts too for national staff). */
export function usePlans() {
  return useQuery({
    queryKey: ['allocation', 'plans'],
    queryFn: () => api<{ items: PlanSummary[] }>('/allocation/plans'),
  });
}

/** One plan with its published versions. */
export function usePlan(id: number) {
  return useQuery({
    queryKey: ['allocation', 'plan', id],
    queryFn: () => api<PlanRecord>(`/allocation/plans/${id}`),
  });
}

/** The state of a plan or an application as a badge. */
export function Badge({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <span className="badge" data-state={state}>
      {t(`allocation.state.${state}`)}
    </span>
  );
}

/** A number with up to `digits` decimals, or a dash. */
export function useNumber() {
  const f = useFormat();
  return (n: number | null | undefined, digits = 1) =>
    n === null || n === undefined ? '—' : f.number(Math.round(n * 10 ** digits) / 10 ** digits);
}

/** A plan's rules, read-only: what every school reads before applying. */
export function RulesView({ plan }: { plan: PlanSummary }) {
  const { t, i18n } = useTranslation();
  const areas = useAreas();
  const f = useFormat();
  const n = useNumber();
  const r = plan.rules;
  const weightSum = CRITERIA.reduce((s, c) => s + r.weights[c], 0);
  return (
    <>
      <dl className="record">
        <div>
          <dt>{t('allocation.version')}</dt>
          <dd>{plan.version}</dd>
        </div>
        <div>
          <dt>{t('allocation.window')}</dt>
          <dd>
            {f.date(plan.applicationsOpenOn)} – {f.date(plan.applicationsCloseOn)}
          </dd>
        </div>
        <div>
          <dt>{t('allocation.appealsClose')}</dt>
          <dd>{f.date(plan.appealsCloseOn)}</dd>
        </div>
        <div>
          <dt>{t('allocation.norm')}</dt>
          <dd>{n(r.norm)}</dd>
        </div>
        <div>
          <dt>{t('allocation.lotSize')}</dt>
          <dd>{r.lotSize}</dd>
        </div>
        {r.budget !== null ? (
          <div>
            <dt>{t('allocation.budget')}</dt>
            <dd>{f.number(r.budget)}</dd>
          </div>
        ) : null}
      </dl>
      <h3>{t('allocation.units')}</h3>
      <dl className="record">
        {KINDS.map((k) => (
          <div key={k}>
            <dt>{t(`allocation.kind.${k}`)}</dt>
            <dd>{f.number(r.units[k])}</dd>
          </div>
        ))}
      </dl>
      {r.regionalMinimums.length > 0 ? (
        <>
          <h3>{t('allocation.minimums')}</h3>
          <ul className="list">
            {r.regionalMinimums.map((m) => {
              const region = areas.data?.find((a) => a.id === m.regionId);
              return (
                <li key={`${m.regionId}-${m.kind}`} data-minimum={`${m.regionId}-${m.kind}`}>
                  {region ? localName(region, i18n.language) : m.regionId}: {t(`allocation.kind.${m.kind}`)} ≥{' '}
                  {f.number(m.units)}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
      <h3>{t('allocation.weights')}</h3>
      <dl className="record">
        {CRITERIA.map((c) => (
          <div key={c}>
            <dt>{t(`allocation.criterion.${c}`)}</dt>
            <dd>{weightSum > 0 ? f.percent(r.weights[c] / weightSum) : '—'}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
