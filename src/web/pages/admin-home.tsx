import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type AdminSummary, type AuditRecord } from '@/web/api';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { Link } from '@/web/router';
import { ErrorBox, Loading } from '@/web/components/status';
import { AuditList } from '@/web/components/audit-list';

/** The national administrator's home: what the platform holds, the latest changes, and the API documentation. */
export function AdminHome() {
  const { t } = useTranslation();
  const f = useFormat();
  const summary = useQuery({ queryKey: ['home', 'admin'], queryFn: () => api<AdminSummary>('/home/admin') });
  const audit = useQuery({
    queryKey: ['audit', 'latest'],
    queryFn: () => api<AuditRecord[]>('/audit?limit=10'),
  });

  return (
    <Page title={t('admin.title')} intro={t('admin.intro')}>
      <p className="cta">
        <Link to="/admin/users" className="button">
          {t('users.open')}
        </Link>{' '}
        <Link to="/dashboard">{t('dashboard.open')}</Link>
      </p>
      <section aria-labelledby="admin-counts">
        <h2 id="admin-counts">{t('admin.counts')}</h2>
        {summary.isPending ? <Loading /> : null}
        {summary.isError ? <ErrorBox error={summary.error} onRetry={() => void summary.refetch()} /> : null}
        {summary.data ? (
          <dl className="stats">
            <div>
              <dt>{t('admin.institutions')}</dt>
              <dd>{f.number(summary.data.institutions)}</dd>
            </div>
            <div>
              <dt>{t('admin.users')}</dt>
              <dd>{f.number(summary.data.users)}</dd>
            </div>
            <div>
              <dt>{t('admin.areas')}</dt>
              <dd>{f.number(summary.data.areas)}</dd>
            </div>
          </dl>
        ) : null}
      </section>

      <section aria-labelledby="admin-audit">
        <h2 id="admin-audit">{t('admin.latest')}</h2>
        {audit.isPending ? <Loading /> : null}
        {audit.isError ? <ErrorBox error={audit.error} onRetry={() => void audit.refetch()} /> : null}
        {audit.data?.length === 0 ? <p>{t('admin.noEntries')}</p> : null}
        {audit.data && audit.data.length > 0 ? <AuditList entries={audit.data} /> : null}
      </section>

      <section aria-labelledby="admin-api">
        <h2 id="admin-api">{t('admin.apiTitle')}</h2>
        <p>{t('admin.apiText')}</p>
        <p>
          <a className="button secondary" href="/api/docs">
            {t('admin.apiLink')}
          </a>
        </p>
      </section>
    </Page>
  );
}
