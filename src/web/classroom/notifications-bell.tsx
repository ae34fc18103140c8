import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { NotificationList } from '@/modules/notifications/notifications.schema';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import './classroom.css';

type Notifications = Static<typeof NotificationList>;

/** Where a notification leads, if anywhere: an assignment's page, a discussion thread. */
const linkOf = (n: Notifications['items'][number]) =>
  typeof n.params.assignmentId === 'number'
    ? `/assignments/${n.params.assignmentId}`
    : typeof n.params.threadId === 'number'
      ? `/portal/discuss/threads/${n.params.threadId}`
      : null;

/**
 * The bell in the header: the unread count (checked every minute), and on opening, the caller's notifications
 * newest first in their language, with a way to mark them read.
 */
export function NotificationsBell() {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const list = useQuery({
    queryKey: ['notifications'],
    queryFn: ({ signal }) => api<Notifications>('/notifications', { signal }),
    refetchInterval: 60_000,
  });
  const read = useMutation({
    mutationFn: (body: { ids?: number[]; all?: boolean }) =>
      api<{ unread: number }>('/notifications/read', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['notifications'] }),
  });
  const unread = list.data?.unread ?? 0;
  return (
    <div className="bell">
      <button
        type="button"
        className="link-button"
        aria-expanded={open}
        aria-controls="notifications-panel"
        onClick={() => setOpen(!open)}
      >
        <svg aria-hidden="true" focusable="false" width="22" height="22" viewBox="0 0 24 24">
          <path
            d="M6 17V11a6 6 0 0 1 12 0v6l2 2H4zM10 21h4"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinejoin="round"
          />
        </svg>
        <span className="bell-label">{t('notifications.bell')}</span>
        {unread > 0 ? (
          <span className="badge bell-count" aria-label={t('notifications.unread', { n: f.number(unread) })}>
            {f.number(unread)}
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          id="notifications-panel"
          className="bell-panel"
          role="region"
          aria-label={t('notifications.title')}
        >
          {list.data && list.data.items.length === 0 ? <p>{t('notifications.empty')}</p> : null}
          <ul className="list">
            {list.data?.items.map((n) => {
              const to = linkOf(n);
              return (
                <li key={n.id} className={n.read ? undefined : 'unread'}>
                  {to ? (
                    <Link
                      to={to}
                      className="what"
                      onClick={() => {
                        setOpen(false);
                        if (!n.read) read.mutate({ ids: [n.id] });
                      }}
                    >
                      {n.text}
                    </Link>
                  ) : (
                    <span className="what">{n.text}</span>
                  )}
                  <span className="meta">
                    <time dateTime={n.createdAt}>{f.dateTime(n.createdAt)}</time>
                    {n.read ? null : ` · ${t('notifications.new')}`}
                  </span>
                </li>
              );
            })}
          </ul>
          {unread > 0 ? (
            <button
              type="button"
              className="secondary"
              disabled={read.isPending}
              onClick={() => read.mutate({ all: true })}
            >
              {t('notifications.markAll')}
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
