import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { NotificationList } from '@/modules/notifications/notifications.schema';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';

type Notifications = Static<typeof NotificationList>;

/** The kinds of notice the journal sends a parent: an absence, a mark, the evening summary of a day. */
const JOURNAL_KINDS = new Set(['journal_absence', 'journal_mark', 'journal_day']);

/**
 * A parent's latest notices from the journal — absences and new marks of their children — on their home: the
 * same notifications the bell lists (and the same request), in the reader's language, newest first.
 */
export function ParentNotices() {
  const { t } = useTranslation();
  const f = useFormat();
  const list = useQuery({
    queryKey: ['notifications'],
    queryFn: ({ signal }) => api<Notifications>('/notifications', { signal }),
    refetchInterval: 60_000,
  });
  const items = (list.data?.items ?? []).filter((n) => JOURNAL_KINDS.has(n.kind));
  return (
    <section className="card" aria-labelledby="parent-notices">
      <h2 id="parent-notices">{t('forms.notices.title')}</h2>
      {list.data && items.length === 0 ? <p>{t('forms.notices.empty')}</p> : null}
      {items.length > 0 ? (
        <ul className="list">
          {items.map((n) => (
            <li key={n.id}>
              <span className="what">{n.text}</span>{' '}
              <span className="meta">
                <time dateTime={n.createdAt}>{f.dateTime(n.createdAt)}</time>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
