import { useId, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { SearchResponse } from '@/modules/library/library.schema';
import { api } from '@/web/api';
import { Link, navigate } from '@/web/router';
import { LOGIN_PATH } from '@/web/roles';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';

type Search = Static<typeof SearchResponse>;

/** How many resources the home shows; the search has the rest. */
const SHOWN = 6;

/**
 * What a visitor sees at `/`: the public library's front door. One search box (a plain GET form to the search
 * page, so it works before the script has loaded), the ways in (resources, e-textbooks, collections), a few
 * resources, and the way to sign in for those who have an account.
 */
export function PortalHome() {
  const { t } = useTranslation();
  const inputId = useId();
  const [q, setQ] = useState('');
  const recent = useQuery({
    queryKey: ['library', 'search', `home:${SHOWN}`],
    queryFn: ({ signal }) => api<Search>(`/library/search?limit=${SHOWN}`, { signal }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(q.trim() ? `/resources?q=${encodeURIComponent(q.trim())}` : '/resources');
  };
  return (
    <Page title={t('portalHome.title')} intro={t('portalHome.intro')}>
      <form role="search" className="form search" action="/resources" method="get" onSubmit={submit}>
        <div className="field">
          <label htmlFor={inputId}>{t('portal.search')}</label>
          <input id={inputId} name="q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <button type="submit">{t('portal.find')}</button>
      </form>
      <section aria-labelledby="portal-home-ways">
        <h2 id="portal-home-ways">{t('portalHome.ways')}</h2>
        <ul className="list">
          <li>
            <Link to="/resources" className="what">
              {t('portal.title')}
            </Link>
            <span className="meta">{t('portal.intro')}</span>
          </li>
          <li>
            <Link to="/country-profile" className="what">
              {t('policyProfile.title')}
            </Link>
            <span className="meta">{t('policyProfile.portalIntro')}</span>
          </li>
          <li>
            <Link to="/textbooks" className="what">
              {t('textbooks.title')}
            </Link>
            <span className="meta">{t('textbooks.intro')}</span>
          </li>
          <li>
            <Link to="/collections" className="what">
              {t('collections.title')}
            </Link>
            <span className="meta">{t('collections.intro')}</span>
          </li>
        </ul>
      </section>
      <section aria-labelledby="portal-home-recent">
        <h2 id="portal-home-recent">{t('portalHome.recent')}</h2>
        {recent.isPending ? <Loading /> : null}
        {recent.isError ? <ErrorBox error={recent.error} onRetry={() => void recent.refetch()} /> : null}
        {recent.data ? (
          recent.data.items.length > 0 ? (
            <ul className="list resources">
              {recent.data.items.map(({ resource: r }) => (
                <li key={r.id}>
                  <Link to={`/resources/${r.id}`} className="what">
                    {r.title}
                  </Link>
                  <span className="meta">{t(`portal.type.${r.type}`)}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('portalHome.empty')}</p>
          )
        ) : null}
      </section>
      <section aria-labelledby="portal-home-account">
        <h2 id="portal-home-account">{t('portalHome.account')}</h2>
        <p>{t('portalHome.accountText')}</p>
        <p className="cta">
          <Link to={LOGIN_PATH}>{t('portal.signIn')}</Link>
        </p>
      </section>
    </Page>
  );
}
