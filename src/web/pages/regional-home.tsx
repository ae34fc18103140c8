import { useId, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type AreaDay, type AreaRecord, type Me } from '@/web/api';
import { localName } from '@/web/i18n';
import { Page } from '@/web/components/page';
import { Link } from '@/web/router';
import { ErrorBox, Loading } from '@/web/components/status';
import { InstitutionList } from '@/web/components/institution-list';
import { AreaDayBlocks } from '@/web/pages/area-day';

/** The areas, fetched once per visit: the tree changes a few times a year. */
export function useAreas() {
  return useQuery({
    queryKey: ['areas'],
    queryFn: () => api<AreaRecord[]>('/areas'),
    staleTime: Infinity,
  });
}

/**
 * A regional officer's home: what waits in their areas (records to review, badly connected schools, the
 * distribution), then the schools of each area they cover, searchable by name or code.
 */
export function RegionalHome({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const areas = useAreas();
  const day = useQuery({
    queryKey: ['home', 'regional'],
    queryFn: () => api<AreaDay>('/home/regional'),
  });
  const searchId = useId();
  const [draft, setDraft] = useState('');
  const [query, setQuery] = useState('');
  const areaIds = [
    ...new Set(me.roles.filter((g) => g.role === 'regional').flatMap((g) => (g.areaId ? [g.areaId] : []))),
  ];

  const search = (event: FormEvent) => {
    event.preventDefault();
    setQuery(draft.trim());
  };

  return (
    <Page title={t('regional.title')} intro={t('regional.intro')}>
      <p className="cta">
        <Link to="/area/review">{t('review.open')}</Link>
      </p>
      {day.isPending ? <Loading /> : null}
      {day.isError ? <ErrorBox error={day.error} onRetry={() => void day.refetch()} /> : null}
      {day.data ? (
        <AreaDayBlocks day={day.data} schoolPath={(id) => `/area/review/${id}`} reviewPath="/area/review" />
      ) : null}
      <form className="search" role="search" onSubmit={search}>
        <label htmlFor={searchId}>{t('regional.search')}</label>
        <div className="row">
          <input id={searchId} type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit">{t('regional.searchButton')}</button>
        </div>
      </form>
      {areas.isPending ? <Loading /> : null}
      {areas.isError ? <ErrorBox error={areas.error} onRetry={() => void areas.refetch()} /> : null}
      {areas.data
        ? areaIds.map((id) => {
            const area = areas.data.find((a) => a.id === id);
            return (
              <section key={id} aria-labelledby={`area-${id}`}>
                <h2 id={`area-${id}`}>{area ? localName(area, i18n.language) : t('regional.unknownArea')}</h2>
                <InstitutionList areaId={id} query={query} />
              </section>
            );
          })
        : null}
    </Page>
  );
}
