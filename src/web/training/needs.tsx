import { useEffect, useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import { api, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { Field } from '@/web/components/field';
import { ErrorBox, Loading } from '@/web/components/status';
import { ScrollBox } from '@/web/components/scroll-box';
import { Link } from '@/web/router';
import type { NeedsReport, Proposal, Targets } from '@/modules/training/training.needs.schema';

/**
 * Training needs (docs/training.md, "Needs, history and indicators"): the bureau sets the year's target level in
 * each area of the self-assessment framework, reads how many teachers stand below it by district (with
 * drill-down to schools), subject and level taught, downloads the report, and turns it into a programme
 * proposal (seats per district) that it takes to the plan's programme form. A regional office sees its own
 * area. Counts only: no teacher is ever named here.
 */

type Report = Static<typeof NeedsReport>;
type TargetList = Static<typeof Targets>;
type ProposalAnswer = Static<typeof Proposal>;
type By = Report['by'];

const BYS: By[] = ['area', 'subject', 'level'];

const isNational = (me: Me) => me.roles.some((g) => g.role === 'admin' || g.role === 'bureau');

export function TrainingNeedsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const national = isNational(me);
  return (
    <Page
      title={t('trainingNeeds.title')}
      intro={t(national ? 'trainingNeeds.intro' : 'trainingNeeds.regionalIntro')}
    >
      {national ? (
        <p>
          <Link to="/training/history">{t('trainingNeeds.historyLink')}</Link>
        </p>
      ) : null}
      {national ? <TargetsForm /> : null}
      <NeedsTable />
    </Page>
  );
}

function TargetsForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const base = useId();
  const targets = useQuery({
    queryKey: ['training', 'targets'],
    queryFn: () => api<TargetList>('/training/targets'),
  });
  const [levels, setLevels] = useState<Record<string, string>>({});
  useEffect(() => {
    if (targets.data) {
      setLevels(
        Object.fromEntries(
          targets.data.areas.map((a) => [a.areaId, a.level === null ? '' : String(a.level)]),
        ),
      );
    }
  }, [targets.data]);
  const save = useMutation({
    mutationFn: (data: TargetList) =>
      api<TargetList>('/training/targets', {
        method: 'PUT',
        body: {
          year: data.year.code,
          targets: data.areas
            .filter((a) => levels[a.areaId] !== '' && levels[a.areaId] !== undefined)
            .map((a) => ({ areaId: a.areaId, level: Number(levels[a.areaId]), version: a.version })),
        },
      }),
    onSuccess: (saved) => {
      client.setQueryData(['training', 'targets'], saved);
      void client.invalidateQueries({ queryKey: ['training', 'needs'] });
    },
  });
  const data = targets.data;
  const framework = data?.framework;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (data) save.mutate(data);
  };
  return (
    <section className="card" aria-labelledby={`${base}-h`}>
      <h2 id={`${base}-h`}>{t('trainingNeeds.targets')}</h2>
      {targets.isPending ? <Loading /> : null}
      {targets.isError ? <ErrorBox error={targets.error} /> : null}
      {data && !framework ? <p>{t('trainingNeeds.noFramework')}</p> : null}
      {data && framework ? (
        <form className="form" onSubmit={submit}>
          <p>{t('trainingNeeds.targetsIntro', { year: data.year.code })}</p>
          {data.areas.map((a) => (
            <Field key={a.areaId} id={`${base}-${a.areaId}`} label={a.name}>
              {(a11y) => (
                <select
                  {...a11y}
                  value={levels[a.areaId] ?? ''}
                  onChange={(e) => setLevels({ ...levels, [a.areaId]: e.target.value })}
                >
                  <option value="">{t('trainingNeeds.noTarget')}</option>
                  {framework.levels.map((l, i) => (
                    <option key={l.code} value={String(i)}>
                      {l.code} — {l.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ))}
          <button type="submit" disabled={save.isPending}>
            {t('trainingNeeds.saveTargets')}
          </button>
          {save.isSuccess ? <p role="status">{t('trainingNeeds.targetsSaved')}</p> : null}
          {save.isError ? <ErrorBox error={save.error} /> : null}
        </form>
      ) : null}
    </section>
  );
}

function NeedsTable() {
  const { t } = useTranslation();
  const f = useFormat();
  const base = useId();
  const [by, setBy] = useState<By>('area');
  const [trail, setTrail] = useState<{ areaId: number; name: string }[]>([]);
  const areaId = trail[trail.length - 1]?.areaId;
  const query = new URLSearchParams({ by });
  if (areaId !== undefined) query.set('areaId', String(areaId));
  const report = useQuery({
    queryKey: ['training', 'needs', by, areaId ?? null],
    queryFn: () => api<Report>(`/training/needs?${query.toString()}`),
  });
  const data = report.data;
  const shown = data?.by ?? by;
  return (
    <section className="card" aria-labelledby={`${base}-h`}>
      <h2 id={`${base}-h`}>{t('trainingNeeds.report')}</h2>
      <div className="form">
        <Field id={`${base}-by`} label={t('trainingNeeds.byLabel')}>
          {(a11y) => (
            <select {...a11y} value={by} onChange={(e) => setBy(e.target.value as By)}>
              {BYS.map((b) => (
                <option key={b} value={b}>
                  {t(`trainingNeeds.by.${b}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {trail.length > 0 ? (
        <nav aria-label={t('trainingNeeds.trail')} className="breadcrumb">
          <ol>
            <li>
              <button type="button" className="link-button secondary" onClick={() => setTrail([])}>
                {t('trainingNeeds.everywhere')}
              </button>
            </li>
            {trail.map((s, i) => (
              <li key={s.areaId}>
                <button
                  type="button"
                  className="link-button secondary"
                  onClick={() => setTrail(trail.slice(0, i + 1))}
                >
                  {s.name}
                </button>
              </li>
            ))}
          </ol>
        </nav>
      ) : null}
      {report.isPending ? <Loading /> : null}
      {report.isError ? <ErrorBox error={report.error} onRetry={() => void report.refetch()} /> : null}
      {data ? (
        <>
          <p>{t('trainingNeeds.selection', { area: data.selection.name, year: data.year.code })}</p>
          {data.areas.length === 0 ? <p>{t('trainingNeeds.noFramework')}</p> : null}
          <dl className="stats">
            <div>
              <dt>{t('trainingNeeds.teachers')}</dt>
              <dd>{f.number(data.total.teachers)}</dd>
            </div>
            <div>
              <dt>{t('trainingNeeds.notAssessed')}</dt>
              <dd>{f.number(data.total.notAssessed)}</dd>
            </div>
          </dl>
          <ScrollBox label={t('trainingNeeds.report')}>
            <table className="table" data-testid="needs-table">
              <caption className="visually-hidden">{t('trainingNeeds.report')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(`trainingNeeds.group.${shown}`)}</th>
                  <th scope="col" className="num">
                    {t('trainingNeeds.teachers')}
                  </th>
                  <th scope="col" className="num">
                    {t('trainingNeeds.notAssessed')}
                  </th>
                  {data.areas.map((a) => (
                    <th key={a.areaId} scope="col" className="num">
                      {t('trainingNeeds.belowArea', { area: a.name })}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {[...data.groups, data.total].map((g, i) => (
                  <tr key={g.key ?? `total-${i}`}>
                    <th scope="row">
                      {g.areaId !== null && shown !== 'school' ? (
                        <button
                          type="button"
                          className="link-button secondary"
                          onClick={() => setTrail([...trail, { areaId: g.areaId!, name: g.name }])}
                        >
                          {g.name}
                        </button>
                      ) : (
                        g.name
                      )}
                    </th>
                    <td className="num">{f.number(g.teachers)}</td>
                    <td className="num">{f.number(g.notAssessed)}</td>
                    {g.below.map((n, j) => (
                      <td key={data.areas[j]!.areaId} className="num">
                        {f.number(n)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
          <p className="note">{t('trainingNeeds.targetsNote')}</p>
          <p className="download">
            <a href={`/api/training/needs/export?${query.toString()}&format=csv`} download>
              {t('trainingNeeds.exportCsv')}
            </a>
            {' · '}
            <a href={`/api/training/needs/export?${query.toString()}&format=xlsx`} download>
              {t('trainingNeeds.exportXlsx')}
            </a>
          </p>
          {data.areas.length > 0 ? <ProposalForm report={data} areaId={areaId} /> : null}
        </>
      ) : null}
    </section>
  );
}

function ProposalForm({ report, areaId }: { report: Report; areaId: number | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  const base = useId();
  const framework = report.framework;
  const [area, setArea] = useState(report.areas[0]!.areaId);
  const target = report.areas.find((a) => a.areaId === area)?.target ?? null;
  const [level, setLevel] = useState<string>('');
  const [seats, setSeats] = useState('');
  const [budget, setBudget] = useState('');
  const [cost, setCost] = useState('');
  const propose = useMutation({
    mutationFn: () => {
      const q = new URLSearchParams({ area, year: report.year.code });
      if (areaId !== undefined) q.set('areaId', String(areaId));
      const below = level !== '' ? level : target !== null ? String(target) : '';
      if (below !== '') q.set('belowLevel', below);
      if (seats) q.set('seats', seats);
      if (budget && cost) {
        q.set('budget', budget);
        q.set('costPerSeat', cost);
      }
      return api<ProposalAnswer>(`/training/needs/proposal?${q.toString()}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    propose.mutate();
  };
  const p = propose.data;
  return (
    <section aria-labelledby={`${base}-h`}>
      <h3 id={`${base}-h`}>{t('trainingNeeds.propose')}</h3>
      <p>{t('trainingNeeds.proposeIntro')}</p>
      <form className="form" onSubmit={submit}>
        <Field id={`${base}-area`} label={t('trainingNeeds.area')}>
          {(a11y) => (
            <select {...a11y} value={area} onChange={(e) => setArea(e.target.value)}>
              {report.areas.map((a) => (
                <option key={a.areaId} value={a.areaId}>
                  {a.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${base}-level`} label={t('trainingNeeds.belowLevel')}>
          {(a11y) => (
            <select {...a11y} value={level} onChange={(e) => setLevel(e.target.value)}>
              <option value="">
                {target !== null
                  ? t('trainingNeeds.theTarget', { level: framework?.levels[target]?.code ?? '' })
                  : t('trainingNeeds.chooseLevel')}
              </option>
              {(framework?.levels ?? []).map((l, i) => (
                <option key={l.code} value={String(i)}>
                  {l.code} — {l.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="pair">
          <Field id={`${base}-seats`} label={t('trainingNeeds.seats')} hint={t('trainingNeeds.seatsHint')}>
            {(a11y) => (
              <input
                {...a11y}
                type="number"
                min={1}
                inputMode="numeric"
                value={seats}
                onChange={(e) => setSeats(e.target.value)}
              />
            )}
          </Field>
          <Field id={`${base}-budget`} label={t('trainingNeeds.budget')}>
            {(a11y) => (
              <input
                {...a11y}
                type="number"
                min={0}
                inputMode="decimal"
                value={budget}
                onChange={(e) => setBudget(e.target.value)}
              />
            )}
          </Field>
        </div>
        <Field id={`${base}-cost`} label={t('trainingNeeds.costPerSeat')}>
          {(a11y) => (
            <input
              {...a11y}
              type="number"
              min={0}
              step="0.01"
              inputMode="decimal"
              value={cost}
              onChange={(e) => setCost(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={propose.isPending}>
          {t('trainingNeeds.proposeButton')}
        </button>
      </form>
      {propose.isError ? <ErrorBox error={propose.error} /> : null}
      {p ? (
        <div role="status">
          <p>
            {t('trainingNeeds.proposal', {
              seats: f.number(p.seats),
              below: f.number(p.below),
              level: p.belowLevelCode,
              area: p.area.name,
            })}{' '}
            {t(`trainingNeeds.limitedBy.${p.limitedBy}`)}
          </p>
          <ScrollBox label={t('trainingNeeds.propose')}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('trainingNeeds.group.district')}</th>
                  <th scope="col" className="num">
                    {t('trainingNeeds.belowShort')}
                  </th>
                  <th scope="col" className="num">
                    {t('trainingNeeds.seats')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.districts.map((d) => (
                  <tr key={d.areaId}>
                    <th scope="row">{d.name}</th>
                    <td className="num">{f.number(d.below)}</td>
                    <td className="num">{f.number(d.seats)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
          <p>
            <Link to={p.planLink}>{t('trainingNeeds.toPlan')}</Link>
          </p>
        </div>
      ) : null}
    </section>
  );
}
