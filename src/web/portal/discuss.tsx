import { useId, useState, type FormEvent } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import '@/web/portal/portal.css';
import '@/web/portal/discuss.css';

/**
 * The portal's discussions: the boards a person takes part in, a board with its threads, a thread with its
 * posts, reactions and flags. Every text people write is put in as text, never as HTML. A post that waits for
 * a moderator is shown to its author only, marked so.
 */

export interface BoardRecord {
  id: number;
  audience: 'students' | 'parents' | 'teachers';
  place: { kind: string; name: string };
}
interface ThreadCard {
  id: number;
  title: string;
  author: string;
  status: string;
  replies: number;
  lastPostAt: string;
  edited: boolean;
}
interface PostRecord {
  id: number;
  version: number;
  author: string;
  mine: boolean;
  opening: boolean;
  body: string;
  status: string;
  createdAt: string;
  editedAt: string | null;
  editable: boolean;
  reactions: Record<string, number>;
  myReactions: string[];
  flagged: boolean;
}
interface ThreadRecord {
  id: number;
  title: string;
  board: BoardRecord;
  moderator: boolean;
  open: boolean;
  posts: PostRecord[];
  next: string | null;
}
interface BoardPageRecord {
  board: BoardRecord;
  threads: ThreadCard[];
  next: string | null;
}
interface Written {
  threadId: number;
  postId: number;
  status: string;
}

const REACTIONS = ['like', 'thanks', 'helpful'] as const;
const FLAG_REASONS = ['inappropriate', 'unkind', 'spam', 'personal_data'] as const;

/** "Pupils · School No. 5" */
export function useBoardName() {
  const { t } = useTranslation();
  return (b: BoardRecord) => `${t(`portalDiscuss.audience.${b.audience}`)} · ${b.place.name}`;
}

/** A post's state, for its author or a moderator, when it is not simply published. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  if (status === 'published') return null;
  return <span className="portal-badge">{t(`portalDiscuss.status.${status}`)}</span>;
}

/** The boards the signed-in person takes part in, by audience. */
export function DiscussBoardsPage() {
  const { t } = useTranslation();
  const boards = useQuery({
    queryKey: ['portal', 'discuss', 'boards'],
    queryFn: ({ signal }) => api<{ boards: BoardRecord[] }>('/portal/discuss/boards', { signal }),
  });
  return (
    <Page title={t('portalDiscuss.title')} intro={t('portalDiscuss.intro')}>
      {boards.isError ? <ErrorBox error={boards.error} onRetry={() => void boards.refetch()} /> : null}
      {boards.isPending ? <Loading /> : null}
      {boards.data && boards.data.boards.length === 0 ? <p>{t('portalDiscuss.noBoards')}</p> : null}
      {(['students', 'parents', 'teachers'] as const).map((audience) => {
        const list = boards.data?.boards.filter((b) => b.audience === audience) ?? [];
        return list.length ? (
          <section key={audience}>
            <h2>{t(`portalDiscuss.audience.${audience}`)}</h2>
            <ul className="portal-list">
              {list.map((b) => (
                <li key={b.id} className="portal-card">
                  <Link to={`/portal/discuss/boards/${b.id}`}>{b.place.name}</Link>
                </li>
              ))}
            </ul>
          </section>
        ) : null;
      })}
      <p className="portal-meta">{t('portalDiscuss.rules')}</p>
    </Page>
  );
}

/** A board: its threads, newest activity first, and a form to open a thread. */
export function DiscussBoardPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const boardName = useBoardName();
  const client = useQueryClient();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  // Latest activity first, a page at a time ("Older threads"): keyset paged by the server's cursor.
  const board = useInfiniteQuery({
    queryKey: ['portal', 'discuss', 'board', id],
    queryFn: ({ signal, pageParam }) =>
      api<BoardPageRecord>(
        `/portal/discuss/boards/${id}${pageParam ? `?after=${encodeURIComponent(pageParam)}` : ''}`,
        { signal },
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const open = useMutation({
    mutationFn: () =>
      api<Written>(`/portal/discuss/boards/${id}/threads`, { method: 'POST', body: { title, body } }),
    onSuccess: (w) => {
      setTitle('');
      setBody('');
      setNotice(w.status === 'held' ? t('portalDiscuss.held') : t('portalDiscuss.posted'));
      void client.invalidateQueries({ queryKey: ['portal', 'discuss', 'board', id] });
    },
  });
  if (!board.data)
    return board.isError ? (
      <ErrorBox error={board.error} onRetry={() => void board.refetch()} />
    ) : (
      <Loading />
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    open.mutate();
  };
  const threads = board.data.pages.flatMap((p) => p.threads);
  return (
    <Page title={boardName(board.data.pages[0]!.board)}>
      <p>
        <Link to="/portal/discuss">{t('portalDiscuss.allBoards')}</Link>
      </p>
      {threads.length ? (
        <ul className="portal-list">
          {threads.map((th) => (
            <li key={th.id} className="portal-card">
              <h2 className="portal-thread-title">
                <Link to={`/portal/discuss/threads/${th.id}`}>{th.title}</Link>
              </h2>
              <p className="portal-meta">
                {th.author} · {f.dateTime(th.lastPostAt)} ·{' '}
                {t('portalDiscuss.replies', { count: th.replies })} <StatusBadge status={th.status} />
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('portalDiscuss.noThreads')}</p>
      )}
      {board.isError ? <ErrorBox error={board.error} /> : null}
      {board.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          disabled={board.isFetchingNextPage}
          onClick={() => void board.fetchNextPage()}
        >
          {t('portalDiscuss2.olderThreads')}
        </button>
      ) : null}
      <form className="portal-form" onSubmit={submit}>
        <h2>{t('portalDiscuss.newThread')}</h2>
        <label>
          {t('portalDiscuss.threadTitle')}
          <input value={title} maxLength={200} required onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>
          {t('portalDiscuss.text')}
          <textarea
            value={body}
            maxLength={5000}
            rows={4}
            required
            onChange={(e) => setBody(e.target.value)}
          />
        </label>
        {open.isError ? <ErrorBox error={open.error} /> : null}
        {notice ? (
          <p role="status" className="portal-notice">
            {notice}
          </p>
        ) : null}
        <button type="submit" disabled={open.isPending}>
          {t('portalDiscuss.post')}
        </button>
      </form>
    </Page>
  );
}

/**
 * The author's form to change their post (and the thread's title, for its first post), from the version read.
 * A change saved over someone else's (another tab, a moderator's decision) is refused and said so.
 */
function EditForm({
  post,
  title,
  onDone,
}: {
  post: PostRecord;
  title: string | null;
  onDone: (notice: string) => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const [body, setBody] = useState(post.body);
  const [newTitle, setNewTitle] = useState(title ?? '');
  const save = useMutation({
    mutationFn: () =>
      api<{ status: string }>(`/portal/discuss/posts/${post.id}`, {
        method: 'PUT',
        body: { body, version: post.version, ...(title !== null ? { title: newTitle } : {}) },
      }),
    onSuccess: (w) => {
      onDone(w.status === 'held' ? t('portalDiscuss2.savedHeld') : t('portalDiscuss2.saved'));
      void client.invalidateQueries({ queryKey: ['portal', 'discuss'] });
    },
  });
  const stale = save.error instanceof ApiError && save.error.code === 'stale_version';
  return (
    <form
      className="portal-form"
      aria-label={t('portalDiscuss2.editPost')}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      {title !== null ? (
        <>
          <label htmlFor={`${id}-title`}>{t('portalDiscuss.threadTitle')}</label>
          <input
            id={`${id}-title`}
            value={newTitle}
            maxLength={200}
            required
            onChange={(e) => setNewTitle(e.target.value)}
          />
        </>
      ) : null}
      {/* Labels by id: a label around a text box would give the box its own text as part of its name. */}
      <label htmlFor={`${id}-body`}>{t('portalDiscuss.text')}</label>
      <textarea
        id={`${id}-body`}
        value={body}
        maxLength={5000}
        rows={4}
        required
        aria-describedby={`${id}-window`}
        onChange={(e) => setBody(e.target.value)}
      />
      <p className="portal-meta" id={`${id}-window`}>
        {t('portalDiscuss2.editWindow')}
      </p>
      {stale ? (
        <div className="error" role="alert">
          <p>{t('portalDiscuss2.stale')}</p>
          <button
            type="button"
            className="secondary"
            onClick={() => void client.invalidateQueries({ queryKey: ['portal', 'discuss'] })}
          >
            {t('portalDiscuss2.reload')}
          </button>
        </div>
      ) : save.isError ? (
        <ErrorBox error={save.error} />
      ) : null}
      <div className="portal-actions">
        <button type="submit" disabled={save.isPending}>
          {t('portalDiscuss2.save')}
        </button>
        <button type="button" className="secondary" onClick={() => onDone('')}>
          {t('portalDiscuss2.cancel')}
        </button>
      </div>
    </form>
  );
}

function PostItem({ post, threadId, title }: { post: PostRecord; threadId: number; title: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState('');
  const [flagging, setFlagging] = useState(false);
  const [reason, setReason] = useState<(typeof FLAG_REASONS)[number]>('inappropriate');
  const refresh = () =>
    void client.invalidateQueries({ queryKey: ['portal', 'discuss', 'thread', threadId] });
  const react = useMutation({
    mutationFn: (kind: string) =>
      api(`/portal/discuss/posts/${post.id}/reactions/${kind}`, {
        method: post.myReactions.includes(kind) ? 'DELETE' : 'PUT',
      }),
    onSuccess: refresh,
  });
  const flag = useMutation({
    mutationFn: () => api(`/portal/discuss/posts/${post.id}/flags`, { method: 'POST', body: { reason } }),
    onSuccess: () => {
      setFlagging(false);
      refresh();
    },
  });
  const published = post.status === 'published';
  return (
    <li className="portal-card portal-post" data-post={post.id}>
      <p className="portal-meta">
        {post.author} · {f.dateTime(post.createdAt)}
        {post.editedAt ? (
          <>
            {' · '}
            <span className="portal-edited" title={f.dateTime(post.editedAt)}>
              {t('portalDiscuss2.edited')}
            </span>
          </>
        ) : null}{' '}
        <StatusBadge status={post.status} />
      </p>
      {editing ? (
        <EditForm
          post={post}
          title={post.opening ? title : null}
          onDone={(n) => {
            setEditing(false);
            setNotice(n);
          }}
        />
      ) : (
        <p className="portal-post-body">{post.body}</p>
      )}
      {notice ? (
        <p role="status" className="portal-notice">
          {notice}
        </p>
      ) : null}
      {post.editable && !editing ? (
        <div className="portal-actions">
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setNotice('');
              setEditing(true);
            }}
          >
            {t('portalDiscuss2.edit')}
          </button>
        </div>
      ) : null}
      {published ? (
        <div className="portal-actions">
          {REACTIONS.map((kind) => (
            <button
              key={kind}
              type="button"
              className="secondary"
              aria-pressed={post.myReactions.includes(kind)}
              disabled={react.isPending}
              onClick={() => react.mutate(kind)}
            >
              {t(`portalDiscuss.reaction.${kind}`)} {post.reactions[kind] ?? 0}
            </button>
          ))}
          {!post.mine && !post.flagged && !flagging ? (
            <button type="button" className="secondary" onClick={() => setFlagging(true)}>
              {t('portalDiscuss.flag')}
            </button>
          ) : null}
          {post.flagged ? <span className="portal-meta">{t('portalDiscuss.flagged')}</span> : null}
        </div>
      ) : null}
      {flagging ? (
        <form
          className="portal-form"
          onSubmit={(e) => {
            e.preventDefault();
            flag.mutate();
          }}
        >
          <label>
            {t('portalDiscuss.flagReason')}
            <select value={reason} onChange={(e) => setReason(e.target.value as typeof reason)}>
              {FLAG_REASONS.map((r) => (
                <option key={r} value={r}>
                  {t(`portalDiscuss.flagReasons.${r}`)}
                </option>
              ))}
            </select>
          </label>
          {flag.isError ? <ErrorBox error={flag.error} /> : null}
          <button type="submit" disabled={flag.isPending}>
            {t('portalDiscuss.sendFlag')}
          </button>
        </form>
      ) : null}
      {react.isError ? <ErrorBox error={react.error} /> : null}
    </li>
  );
}

/** A thread: its posts, oldest first, and a reply form. */
export function DiscussThreadPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const boardName = useBoardName();
  const client = useQueryClient();
  const [body, setBody] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  // Oldest first, a page at a time ("More replies").
  const thread = useInfiniteQuery({
    queryKey: ['portal', 'discuss', 'thread', id],
    queryFn: ({ signal, pageParam }) =>
      api<ThreadRecord>(
        `/portal/discuss/threads/${id}${pageParam ? `?after=${encodeURIComponent(pageParam)}` : ''}`,
        { signal },
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const reply = useMutation({
    mutationFn: () => api<Written>(`/portal/discuss/threads/${id}/posts`, { method: 'POST', body: { body } }),
    onSuccess: (w) => {
      setBody('');
      setNotice(w.status === 'held' ? t('portalDiscuss.held') : t('portalDiscuss.posted'));
      void client.invalidateQueries({ queryKey: ['portal', 'discuss', 'thread', id] });
    },
  });
  if (!thread.data)
    return thread.isError ? (
      <ErrorBox error={thread.error} onRetry={() => void thread.refetch()} />
    ) : (
      <Loading />
    );
  const th = thread.data.pages[0]!;
  const posts = thread.data.pages.flatMap((p) => p.posts);
  const open = th.open;
  return (
    <Page title={th.title}>
      <p>
        <Link to={`/portal/discuss/boards/${th.board.id}`}>{boardName(th.board)}</Link>
      </p>
      <ul className="portal-list">
        {posts.map((p) => (
          <PostItem key={p.id} post={p} threadId={id} title={th.title} />
        ))}
      </ul>
      {thread.isError ? <ErrorBox error={thread.error} /> : null}
      {thread.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          disabled={thread.isFetchingNextPage}
          onClick={() => void thread.fetchNextPage()}
        >
          {t('portalDiscuss2.moreReplies')}
        </button>
      ) : null}
      {open ? (
        <form
          className="portal-form"
          onSubmit={(e) => {
            e.preventDefault();
            setNotice(null);
            reply.mutate();
          }}
        >
          <label>
            {t('portalDiscuss.reply')}
            <textarea
              value={body}
              maxLength={5000}
              rows={3}
              required
              onChange={(e) => setBody(e.target.value)}
            />
          </label>
          {reply.isError ? <ErrorBox error={reply.error} /> : null}
          <button type="submit" disabled={reply.isPending}>
            {t('portalDiscuss.post')}
          </button>
        </form>
      ) : null}
      {notice ? (
        <p role="status" className="portal-notice">
          {notice}
        </p>
      ) : null}
    </Page>
  );
}
