import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { CollectionList, CollectionView } from '@/modules/library/library.schema';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { SaveMany } from '@/web/offline/save-offline';

type Collection = Static<typeof CollectionView>;

/** Collections and playlists anyone may browse: a season of TV lessons, a textbook with its guide. */
export function CollectionsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const list = useQuery({
    queryKey: ['library', 'collections'],
    queryFn: ({ signal }) => api<Static<typeof CollectionList>>('/library/collections', { signal }),
  });
  return (
    <Page title={t('collections.title')} intro={t('collections.intro')}>
      <p>
        <Link to="/resources">{t('collections.search')}</Link>
      </p>
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data?.items.length === 0 ? <p>{t('collections.empty')}</p> : null}
      <ul className="list">
        {list.data?.items.map((c) => (
          <li key={c.id}>
            <Link to={`/collections/${c.id}`} className="what">
              {c.title}
            </Link>
            <span className="meta">
              {t(`collections.kind.${c.kind}`)} · {t('collections.count', { n: f.number(c.resources) })}
            </span>
          </li>
        ))}
      </ul>
    </Page>
  );
}

/** One collection: its resources (a playlist in its order), each opening its page; all saved at once. */
export function CollectionPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const collection = useQuery({
    queryKey: ['library', 'collection', id],
    queryFn: ({ signal }) => api<Collection>(`/library/collections/${id}`, { signal }),
  });
  const c = collection.data;
  const List = c?.kind === 'playlist' ? 'ol' : 'ul';
  return (
    <Page title={c?.title ?? t('collections.title')} intro={c?.description || undefined}>
      <p>
        <Link to="/collections">{t('collections.back')}</Link>
      </p>
      {collection.isPending ? <Loading /> : null}
      {collection.isError ? (
        <ErrorBox error={collection.error} onRetry={() => void collection.refetch()} />
      ) : null}
      {c ? (
        <>
          <List className="list">
            {c.resources.map((r) => (
              <li key={r.id}>
                <Link to={`/resources/${r.id}`} className="what">
                  {r.title}
                </Link>
                <span className="meta">{t(`portal.type.${r.type}`)}</span>
              </li>
            ))}
          </List>
          {c.resources.length > 0 ? <SaveMany resources={c.resources} /> : null}
        </>
      ) : null}
    </Page>
  );
}
