import { useState } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { useMe } from '@/web/session';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { StatusBadge, useBoardName, type BoardRecord } from '@/web/portal/discuss';
import '@/web/portal/portal.css';
import '@/web/portal/discuss.css';

/**
 * The moderators' pages: the queue of held, flagged and hidden posts in the moderator's scope (a school's
 * director, a district's or region's officer, the ministry), each decided with a reason; and the ministry's
 * watched words. Posts are put in as text.
 */

interface QueueItem {
  postId: number;
  version: number;
  threadId: number;
  threadTitle: string;
  opening: boolean;
  audience: BoardRecord['audience'];
  place: BoardRecord['place'];
  author: string;
  pupil: boolean;
  body: string;
  status: string;
  reasons: string[];
  flagCount: number;
  flagReasons: string[];
  queuedAt: string;
  editedAt: string | null;
}

interface RevisionList {
  items: {
    version: number;
    title: string | null;
    body: string;
    status: string;
    editor: string;
    replacedAt: string;
  }[];
}

/** A post's earlier texts, read when the moderator opens them. */
function Revisions({ postId }: { postId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [open, setOpen] = useState(false);
  const list = useQuery({
    queryKey: ['portal', 'moderation', 'revisions', postId],
    queryFn: ({ signal }) => api<RevisionList>(`/portal/moderation/posts/${postId}/revisions`, { signal }),
    enabled: open,
  });
  return (
    <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>{t('portalDiscuss2.earlier')}</summary>
      {list.isError ? <ErrorBox error={list.error} /> : null}
      {open && list.isPending ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? <p>{t('portalDiscuss2.noEarlier')}</p> : null}
      <ul className="portal-list">
        {list.data?.items.map((r) => (
          <li key={r.version}>
            <p className="portal-meta">
              {t('portalDiscuss2.version', { n: r.version, when: f.dateTime(r.replacedAt) })}
            </p>
            {r.title !== null ? <p className="portal-thread-title">{r.title}</p> : null}
            <p className="portal-post-body">{r.body}</p>
          </li>
        ))}
      </ul>
    </details>
  );
}

const ACTIONS: Record<string, ('approve' | 'reject' | 'restore' | 'remove')[]> = {
  held: ['approve', 'reject'],
  published: ['approve', 'remove'],
  hidden: ['restore', 'remove'],
};

function QueueEntry({ item }: { item: QueueItem }) {
  const { t } = useTranslation();
  const f = useFormat();
  const boardName = useBoardName();
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: (action: string) =>
      api(`/portal/moderation/posts/${item.postId}`, {
        method: 'POST',
        body: { action, reason, version: item.version },
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['portal', 'moderation', 'queue'] }),
  });
  const reasonId = `reason-${item.postId}`;
  return (
    <li className="portal-card" data-post={item.postId}>
      <p className="portal-meta">
        {boardName({ id: 0, audience: item.audience, place: item.place })} · {f.dateTime(item.queuedAt)}{' '}
        <StatusBadge status={item.status} />
      </p>
      <h2 className="portal-thread-title">
        <Link to={`/portal/discuss/threads/${item.threadId}`}>{item.threadTitle}</Link>
      </h2>
      <p className="portal-meta">
        {item.author}
        {item.pupil ? ` · ${t('portalDiscuss.pupil')}` : ''}
      </p>
      <p className="portal-post-body">{item.body}</p>
      {item.editedAt ? (
        <>
          <p className="portal-meta">
            {t('portalDiscuss2.edited')} · {f.dateTime(item.editedAt)}
          </p>
          <Revisions postId={item.postId} />
        </>
      ) : null}
      <p className="portal-meta">
        {t('portalDiscuss.why')}: {item.reasons.map((r) => t(`portalDiscuss.reasons.${r}`)).join(', ')}
        {item.flagCount
          ? ` · ${t('portalDiscuss.flags', { count: item.flagCount })}: ${item.flagReasons
              .map((r) => t(`portalDiscuss.flagReasons.${r}`))
              .join(', ')}`
          : ''}
      </p>
      <div className="portal-form">
        <label htmlFor={reasonId}>{t('portalDiscuss.decisionReason')}</label>
        <input id={reasonId} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </div>
      <div className="portal-actions">
        {(ACTIONS[item.status] ?? []).map((action) => (
          <button
            key={action}
            type="button"
            className={action === 'approve' || action === 'restore' ? undefined : 'secondary'}
            disabled={decide.isPending}
            onClick={() => decide.mutate(action)}
          >
            {t(`portalDiscuss.actions.${action}`)}
          </button>
        ))}
      </div>
      {decide.isError ? <ErrorBox error={decide.error} /> : null}
    </li>
  );
}

/** The queue, oldest first, 50 a page (keyset: "more" loads the next page). */
export function ModerationPage() {
  const { t } = useTranslation();
  const me = useMe();
  const national = me.data?.roles.some((g) => ['admin', 'bureau', 'editor'].includes(g.role)) ?? false;
  const queue = useInfiniteQuery({
    queryKey: ['portal', 'moderation', 'queue'],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api<{ items: QueueItem[]; next: string | null }>(
        `/portal/moderation/queue${pageParam ? `?after=${encodeURIComponent(pageParam)}` : ''}`,
        { signal },
      ),
    getNextPageParam: (last) => last.next,
  });
  const items = queue.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Page title={t('portalDiscuss.queueTitle')} intro={t('portalDiscuss.queueIntro')}>
      {national ? (
        <p>
          <Link to="/portal/moderation/words">{t('portalDiscuss.wordsTitle')}</Link>
        </p>
      ) : null}
      {queue.isError ? <ErrorBox error={queue.error} onRetry={() => void queue.refetch()} /> : null}
      {queue.isPending ? <Loading /> : null}
      {queue.data && items.length === 0 ? <p>{t('portalDiscuss.queueEmpty')}</p> : null}
      <ul className="portal-list">
        {items.map((item) => (
          <QueueEntry key={item.postId} item={item} />
        ))}
      </ul>
      {queue.hasNextPage ? (
        <button type="button" disabled={queue.isFetchingNextPage} onClick={() => void queue.fetchNextPage()}>
          {t('portalDiscuss.more')}
        </button>
      ) : null}
    </Page>
  );
}

interface WordRecord {
  id: number;
  word: string;
  folded: string;
  action: 'block' | 'censor' | 'hold' | 'flag';
}
const WORD_ACTIONS = ['block', 'censor', 'hold', 'flag'] as const;

/** The ministry's watched words: each with its action; matched folded, in Latin and Cyrillic alike. */
export function WatchedWordsPage() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [word, setWord] = useState('');
  const [action, setAction] = useState<WordRecord['action']>('hold');
  const words = useQuery({
    queryKey: ['portal', 'moderation', 'words'],
    queryFn: ({ signal }) => api<{ items: WordRecord[] }>('/portal/moderation/words', { signal }),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ['portal', 'moderation', 'words'] });
  const add = useMutation({
    mutationFn: () => api('/portal/moderation/words', { method: 'POST', body: { word, action } }),
    onSuccess: () => {
      setWord('');
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => api(`/portal/moderation/words/${id}`, { method: 'DELETE' }),
    onSuccess: refresh,
  });
  return (
    <Page title={t('portalDiscuss.wordsTitle')} intro={t('portalDiscuss.wordsIntro')}>
      <p>
        <Link to="/portal/moderation">{t('portalDiscuss.queueTitle')}</Link>
      </p>
      <form
        className="portal-form"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <label>
          {t('portalDiscuss.word')}
          <input value={word} maxLength={100} required onChange={(e) => setWord(e.target.value)} />
        </label>
        <label>
          {t('portalDiscuss.wordAction')}
          <select value={action} onChange={(e) => setAction(e.target.value as WordRecord['action'])}>
            {WORD_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {t(`portalDiscuss.wordActions.${a}`)}
              </option>
            ))}
          </select>
        </label>
        {add.isError ? <ErrorBox error={add.error} /> : null}
        <button type="submit" disabled={add.isPending}>
          {t('portalDiscuss.addWord')}
        </button>
      </form>
      {words.isError ? <ErrorBox error={words.error} onRetry={() => void words.refetch()} /> : null}
      {words.isPending ? <Loading /> : null}
      {remove.isError ? <ErrorBox error={remove.error} /> : null}
      {words.data ? (
        <ul className="portal-list">
          {words.data.items.map((w) => (
            <li key={w.id} className="portal-card portal-word">
              <span>
                <strong>{w.word}</strong> · {t(`portalDiscuss.wordActions.${w.action}`)}
              </span>
              <button
                type="button"
                className="secondary"
                disabled={remove.isPending}
                aria-label={t('portalDiscuss.removeWord', { word: w.word })}
                onClick={() => remove.mutate(w.id)}
              >
                {t('portalDiscuss.remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </Page>
  );
}
