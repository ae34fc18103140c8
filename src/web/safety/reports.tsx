import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { Report, TopDomains } from '@/modules/safety/safety.reports.schema';
import { api, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { Field } from '@/web/components/field';
import { ScrollBox } from '@/web/components/scroll-box';
import { ErrorBox, Loading } from '@/web/components/status';
import '@/web/safety/safety.css';

/**
 * Reports of blocked queries: the ministry's for the whole country, a district officer's for their area, a
 * school's director's (and teachers') for their school — by category, region, district or school, per day,
 * week or month, as a table with bars (readable without colour) and as CSV; a school's top blocked domains.
 * The counts come from the resolvers' logs and name no one: no client address is kept.
 */

type ReportRecord = Static<typeof Report>;
type TopRecord = Static<typeof TopDomains>;
const BUCKETS = ['day', 'week', 'month'] as const;

/** The scope the caller reports on: their school, their area, or the country (ministry). */
function scopeOf(me: Me): { param: string; institutionId: number | null; national: boolean } {
  const national = me.roles.some((g) => g.role === 'admin' || g.role === 'bureau');
  if (national) return { param: '', institutionId: null, national };
  const area = me.roles.find((g) => g.role === 'regional' && g.areaId);
  if (area) return { param: `&areaId=${area.areaId}`, institutionId: null, national };
  const school = me.roles.find((g) => (g.role === 'director' || g.role === 'teacher') && g.institutionId);
  return {
    param: school ? `&institutionId=${school.institutionId}` : '',
    institutionId: school?.institutionId ?? null,
    national,
  };
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

export function ReportsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const scope = scopeOf(me);
  const [to, setTo] = useState(() => isoDay(new Date()));
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - 6 * 86_400_000)));
  const [bucket, setBucket] = useState<(typeof BUCKETS)[number]>('day');
  const groupings = scope.institutionId
    ? (['category'] as const)
    : (['category', 'region', 'district', 'school'] as const);
  const [by, setBy] = useState<(typeof groupings)[number]>('category');
  const query = `from=${from}&to=${to}&bucket=${bucket}&by=${by}${scope.param}`;
  const report = useQuery({
    queryKey: ['safetyRequests', 'report', query],
    queryFn: ({ signal }) => api<ReportRecord>(`/safety/reports/blocked?${query}`, { signal }),
    enabled: from !== '' && to !== '',
  });
  const top = useQuery({
    queryKey: ['safetyRequests', 'top', scope.institutionId, from, to],
    queryFn: ({ signal }) =>
      api<TopRecord>(
        `/safety/reports/top-domains?institutionId=${scope.institutionId}&from=${from}&to=${to}`,
        { signal },
      ),
    enabled: scope.institutionId !== null && from !== '' && to !== '',
  });
  const data = report.data;
  const max = Math.max(1, ...(data?.totals.map((r) => r.count) ?? []));
  const buckets = [...new Set(data?.series.map((s) => s.bucket) ?? [])];
  const perBucket = buckets.map((b) => ({
    bucket: b,
    count: (data?.series ?? []).filter((s) => s.bucket === b).reduce((n, s) => n + s.count, 0),
  }));
  const maxBucket = Math.max(1, ...perBucket.map((b) => b.count));
  return (
    <Page title={t('safetyRequests.reportsTitle')} intro={t('safetyRequests.reportsIntro')}>
      <div className="safety-filters">
        <Field id={`${id}-from`} label={t('safetyRequests.from')}>
          {(a11y) => <input {...a11y} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />}
        </Field>
        <Field id={`${id}-to`} label={t('safetyRequests.to')}>
          {(a11y) => <input {...a11y} type="date" value={to} onChange={(e) => setTo(e.target.value)} />}
        </Field>
        <Field id={`${id}-bucket`} label={t('safetyRequests.bucket')}>
          {(a11y) => (
            <select {...a11y} value={bucket} onChange={(e) => setBucket(e.target.value as typeof bucket)}>
              {BUCKETS.map((b) => (
                <option key={b} value={b}>
                  {t(`safetyRequests.buckets.${b}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {groupings.length > 1 ? (
          <Field id={`${id}-by`} label={t('safetyRequests.by')}>
            {(a11y) => (
              <select {...a11y} value={by} onChange={(e) => setBy(e.target.value as typeof by)}>
                {groupings.map((g) => (
                  <option key={g} value={g}>
                    {t(`safetyRequests.groupings.${g}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
      </div>
      {report.isPending ? <Loading /> : null}
      {report.isError ? <ErrorBox error={report.error} onRetry={() => void report.refetch()} /> : null}
      {data ? (
        <>
          <p>
            {t('safetyRequests.summary', {
              blocked: f.number(data.blocked),
              queries: f.number(data.queries),
            })}{' '}
            <a href={`/api/safety/reports/blocked?${query}&format=csv`} download>
              {t('safetyRequests.csv')}
            </a>
          </p>
          <section aria-labelledby="safety-totals">
            <h2 id="safety-totals">{t(`safetyRequests.groupings.${by}`)}</h2>
            {data.totals.length === 0 ? <p>{t('safetyRequests.noCounts')}</p> : null}
            {data.totals.length > 0 ? (
              <ScrollBox label={t(`safetyRequests.groupings.${by}`)}>
                <table className="safety-table">
                  <thead>
                    <tr>
                      <th scope="col">{t(`safetyRequests.groupings.${by}`)}</th>
                      <th scope="col">{t('safetyRequests.blockedCount')}</th>
                      <th scope="col" className="bar-cell">
                        <span className="visually-hidden">{t('safetyRequests.share')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.totals.map((r) => (
                      <tr key={r.key}>
                        <td>{r.name}</td>
                        <td className="num">{f.number(r.count)}</td>
                        <td className="bar-cell" aria-hidden="true">
                          <span className="safety-bar" style={{ width: `${(100 * r.count) / max}%` }} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollBox>
            ) : null}
          </section>
          {perBucket.length > 0 ? (
            <section aria-labelledby="safety-time">
              <h2 id="safety-time">{t('safetyRequests.overTime')}</h2>
              <table className="safety-table">
                <thead>
                  <tr>
                    <th scope="col">{t('safetyRequests.bucket')}</th>
                    <th scope="col">{t('safetyRequests.blockedCount')}</th>
                    <th scope="col" className="bar-cell">
                      <span className="visually-hidden">{t('safetyRequests.share')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {perBucket.map((b) => (
                    <tr key={b.bucket}>
                      <td>{f.date(b.bucket)}</td>
                      <td className="num">{f.number(b.count)}</td>
                      <td className="bar-cell" aria-hidden="true">
                        <span className="safety-bar" style={{ width: `${(100 * b.count) / maxBucket}%` }} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}
        </>
      ) : null}
      {scope.institutionId !== null ? (
        <section aria-labelledby="safety-top">
          <h2 id="safety-top">{t('safetyRequests.topTitle')}</h2>
          {top.isError ? <ErrorBox error={top.error} /> : null}
          {top.data?.items.length === 0 ? <p>{t('safetyRequests.noCounts')}</p> : null}
          <ol>
            {top.data?.items.map((d) => (
              <li key={d.domain} className="safety-request">
                <span className="safety-domain">{d.unicode}</span> — {f.number(d.count)}
                {d.category ? ` (${d.category.name})` : ''}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </Page>
  );
}
