import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type BureauSummary } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Page } from '@/web/components/page';
import { Link } from '@/web/router';
import { ErrorBox, Loading } from '@/web/components/status';
import { AreaDayBlocks } from '@/web/pages/area-day';

/**
 * The ICT bureau's national overview: what waits in the country (records awaiting review, badly connected
 * schools, the distribution), then institutions per economic region. Counts and school names only, never people.
 */
export function BureauHome() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const summary = useQuery({
    queryKey: ['home', 'bureau'],
    queryFn: () => api<BureauSummary>('/home/bureau'),
  });
  const data = summary.data;
  const max = Math.max(1, ...(data?.regions.map((r) => r.institutions) ?? []));

  return (
    <Page title={t('bureau.title')} intro={t('bureau.intro')}>
      <p className="cta">
        <Link to="/dashboard">{t('dashboard.open')}</Link>
      </p>
      {summary.isPending ? <Loading /> : null}
      {summary.isError ? <ErrorBox error={summary.error} onRetry={() => void summary.refetch()} /> : null}
      {data ? (
        <>
          <AreaDayBlocks
            day={data.day}
            schoolPath={(id) => `/dashboard/school/${id}`}
            distributionPath={(id) => `/allocation/${id}`}
          />
          <h2>{t('bureau.byRegion')}</h2>
          <dl className="stats">
            <div>
              <dt>{t('bureau.total')}</dt>
              <dd>{f.number(data.total)}</dd>
            </div>
            <div>
              <dt>{t('bureau.regionCount')}</dt>
              <dd>{f.number(data.regions.length)}</dd>
            </div>
          </dl>
          {data.regions.length === 0 ? (
            <p>{t('bureau.noRegions')}</p>
          ) : (
            <table className="table">
              <caption className="visually-hidden">{t('bureau.byRegion')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('bureau.region')}</th>
                  <th scope="col" className="num">
                    {t('bureau.institutions')}
                  </th>
                  <th scope="col" className="num">
                    {t('bureau.share')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.regions.map((r) => (
                  <tr key={r.areaId}>
                    <th scope="row">
                      {localName(r, i18n.language)}
                      {/* A bar for scanning by eye; the numbers beside it carry the same information. */}
                      <span className="bar" aria-hidden="true">
                        <span style={{ width: `${(100 * r.institutions) / max}%` }} />
                      </span>
                    </th>
                    <td className="num">{f.number(r.institutions)}</td>
                    <td className="num">{f.percent(data.total ? r.institutions / data.total : 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="note">{t('bureau.aggregatesNote')}</p>
        </>
      ) : null}
    </Page>
  );
}
