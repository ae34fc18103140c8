import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { UNBLOCK_PATH, domainInQuery, type BlockedRecord } from '@/web/safety/common';
import '@/web/safety/safety.css';

/**
 * The public block page for links (`/blocked?domain=…`): what was blocked, its category, and a link for a
 * teacher to ask for it to be unblocked. The resolver's own block page (a request with the blocked Host) is
 * served by the server without the app (src/modules/safety/safety.blockpage.ts).
 */
export function BlockedPage() {
  const { t } = useTranslation();
  const domain = domainInQuery();
  const info = useQuery({
    queryKey: ['safetyRequests', 'blocked', domain],
    queryFn: ({ signal }) =>
      api<BlockedRecord>(`/safety/blocked?domain=${encodeURIComponent(domain)}`, { signal }),
    enabled: domain !== '',
    retry: false,
  });
  return (
    <Page title={t('safetyRequests.blockedTitle')}>
      {domain === '' ? <p>{t('safetyRequests.noDomain')}</p> : null}
      {info.isPending && domain !== '' ? <Loading /> : null}
      {info.isError ? <ErrorBox error={info.error} /> : null}
      {info.data ? (
        <section className="card safety-blocked">
          <p>{t('safetyRequests.blockedLead')}</p>
          <p className="safety-domain">{info.data.unicode}</p>
          <p>
            {info.data.category
              ? t('safetyRequests.blockedCategory', { category: info.data.category.name })
              : t('safetyRequests.blockedNoCategory')}
          </p>
          <p>{t('safetyRequests.blockedWhy')}</p>
          <p>
            <Link className="button" to={`${UNBLOCK_PATH}?domain=${encodeURIComponent(info.data.domain)}`}>
              {t('safetyRequests.askButton')}
            </Link>
          </p>
        </section>
      ) : null}
    </Page>
  );
}
