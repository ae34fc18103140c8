import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { listSaved, offlineSupported, removeSaved, storageEstimate } from '@/web/offline/store';
import { useBytes } from '@/web/offline/save-offline';

/** The calendar day, on this device, of a moment. */
function localDay(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/**
 * "Saved for offline": what this device keeps, each with its size, the space the site uses and has left, and
 * a way to remove each. It reads only this device's cache, so it opens with no network at all.
 */
export function OfflinePage() {
  const { t } = useTranslation();
  const f = useFormat();
  const bytes = useBytes();
  const saved = useQuery({ queryKey: ['offline', 'saved'], queryFn: listSaved, staleTime: 0, retry: false });
  const space = useQuery({ queryKey: ['offline', 'estimate'], queryFn: storageEstimate, staleTime: 0 });
  const remove = async (id: number) => {
    await removeSaved(id);
    await Promise.all([saved.refetch(), space.refetch()]);
  };
  const items = saved.data ?? [];
  const total = items.reduce((n, e) => n + e.bytes, 0);
  return (
    <Page title={t('offline.title')} intro={t('offline.intro')}>
      {!offlineSupported() ? <p className="note">{t('offline.unsupported')}</p> : null}
      {saved.isPending ? <Loading /> : null}
      {saved.isError ? <ErrorBox error={saved.error} onRetry={() => void saved.refetch()} /> : null}
      {saved.data ? (
        items.length === 0 ? (
          <p>{t('offline.empty')}</p>
        ) : (
          <>
            <p>{t('offline.savedTotal', { n: f.number(items.length), size: bytes(total) })}</p>
            <ul className="list offline-list">
              {items.map((e) => (
                <li key={e.id}>
                  <Link to={`/resources/${e.id}`} className="what">
                    {e.title}
                  </Link>
                  <span className="meta">
                    {t(`portal.type.${e.type}`)} · {bytes(e.bytes)} ·{' '}
                    {t('offline.savedOn', { date: f.date(localDay(e.savedAt)) })}
                    {e.complete ? '' : ` · ${t('offline.incomplete')}`}
                  </span>
                  <button
                    type="button"
                    onClick={() => void remove(e.id)}
                    aria-label={t('offline.removeOne', { title: e.title })}
                  >
                    {t('offline.remove')}
                  </button>
                </li>
              ))}
            </ul>
          </>
        )
      ) : null}
      {space.data ? (
        <p>
          {t('offline.used', {
            used: bytes(space.data.usage),
            free: bytes(Math.max(0, space.data.quota - space.data.usage)),
          })}
        </p>
      ) : null}
      <p>
        <Link to="/resources">{t('portal.back')}</Link>
      </p>
    </Page>
  );
}
