import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type InstitutionRecord } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { ErrorBox, Loading } from '@/web/components/status';

const PAGE = 50;

/**
 * The institutions of an area and everything under it, fifty at a time: a district has up to a few hundred
 * schools, and a cheap phone on a slow link should not fetch them all before showing the first.
 */
export function InstitutionList({ areaId, query }: { areaId: number; query: string }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const list = useInfiniteQuery({
    queryKey: ['institutions', areaId, query],
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams({
        areaId: String(areaId),
        limit: String(PAGE),
        offset: String(pageParam),
      });
      if (query) params.set('q', query);
      return api<{ total: number; items: InstitutionRecord[] }>(`/institutions?${params.toString()}`, {
        signal,
      });
    },
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.items.length, 0);
      return loaded < last.total ? loaded : undefined;
    },
  });

  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  const items = list.data.pages.flatMap((p) => p.items);
  const total = list.data.pages[0]?.total ?? 0;
  return (
    <>
      <p aria-live="polite">
        {t('regional.shown', { shown: f.number(items.length), total: f.number(total) })}
      </p>
      {items.length === 0 ? <p>{t('regional.empty')}</p> : null}
      <ul className="list schools">
        {items.map((school) => (
          <li key={school.id}>
            <span className="what">{localName(school, i18n.language)}</span>
            <span className="meta">
              {t('regional.code')}: {school.code} · {t(`locality.${school.locality}`)} ·{' '}
              {t('regional.shifts')}: {f.number(school.shifts)}
            </span>
            <span className="meta">
              {t('regional.students')}: {f.number(school.studentCount)} · {t('regional.teachers')}:{' '}
              {f.number(school.teacherCount)}
              {school.status !== 'active' ? ` · ${t(`status.${school.status}`)}` : ''}
            </span>
          </li>
        ))}
      </ul>
      {list.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {list.isFetchingNextPage ? t('common.loading') : t('regional.showMore')}
        </button>
      ) : null}
    </>
  );
}
