import { lazy, Suspense, useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ResourceBody } from '@/modules/library/library.schema';
import { api, ApiError, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link, navigate } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { ResourceForm, type Resource } from '@/web/library/resource-form';
import { UploadPanel, useBytes } from '@/web/library/upload';

/**
 * The editors' side of the library: their list of resources by state, a new resource, and a resource's own
 * page — its description, its files and their processing, a preview, and its workflow: an editor submits
 * it, another editor (not who wrote or submitted it) publishes it or returns it with a note, and anyone of
 * them may unpublish it. Every step is in its history.
 */

const STATES = ['draft', 'in_review', 'published', 'unpublished'] as const;
type State = (typeof STATES)[number];
const PAGE = 50;

interface HistoryEntry {
  action: string;
  fromState: string | null;
  toState: string;
  actorId: number | null;
  note: string | null;
  at: string;
}

const resourceKey = (id: number) => ['library', 'editor', 'resource', id] as const;

/** Whether this editor may review a resource: the rule the server applies, to show the right buttons. */
const mayReview = (r: Resource, me: Me) => r.createdBy !== me.user.id && r.submittedBy !== me.user.id;

export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation();
  return <span className={`badge lib-${state}`}>{t(`libraryEditor.state.${state}`)}</span>;
}

function ResourceItem({ r }: { r: Resource }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <li>
      <Link to={`/library/resources/${r.id}`} className="what">
        {r.title}
      </Link>{' '}
      <StateBadge state={r.state} />
      <span className="meta">
        {t(`portal.type.${r.type}`)} · {t('libraryEditor.updated', { when: f.dateTime(r.updatedAt) })}
        {r.processing.state === 'pending' ? ` · ${t('libraryEditor.processing.pendingShort')}` : ''}
        {r.processing.state === 'failed' ? ` · ${t('libraryEditor.processing.failedShort')}` : ''}
      </span>
    </li>
  );
}

/** The editor's home: what waits for their review, and their resources by state. */
export function EditorHome({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [state, setState] = useState<State | ''>(() => {
    const s = new URLSearchParams(window.location.search).get('state');
    return STATES.includes(s as State) ? (s as State) : '';
  });
  const [offset, setOffset] = useState(0);
  const choose = (s: State | '') => {
    setState(s);
    setOffset(0);
    window.history.replaceState(null, '', s ? `/library?state=${s}` : '/library');
  };
  const list = useQuery({
    queryKey: ['library', 'editor', 'list', state, offset],
    queryFn: ({ signal }) =>
      api<{ items: Resource[] }>(
        `/library/resources?limit=${PAGE}&offset=${offset}${state ? `&state=${state}` : ''}`,
        { signal },
      ),
  });
  const review = useQuery({
    queryKey: ['library', 'editor', 'list', 'in_review', 'queue'],
    queryFn: ({ signal }) =>
      api<{ items: Resource[] }>('/library/resources?state=in_review&limit=100', { signal }),
  });
  const forMe = review.data?.items.filter((r) => mayReview(r, me)) ?? [];
  return (
    <Page title={t('library.title')} intro={t('library.intro')}>
      {review.isError ? <ErrorBox error={review.error} onRetry={() => void review.refetch()} /> : null}
      {review.data ? (
        <div className="card notice">
          <h2>{t('libraryEditor.review.title')}</h2>
          <p>
            {forMe.length > 0
              ? t('libraryEditor.review.waiting', { n: f.number(forMe.length) })
              : t('libraryEditor.review.none')}
          </p>
          {forMe.length > 0 ? (
            <p className="cta">
              <Link to="/library/review">{t('libraryEditor.review.open')}</Link>
            </p>
          ) : null}
        </div>
      ) : null}
      <p className="cta">
        <Link to="/library/new" className="button">
          {t('libraryEditor.new')}
        </Link>
      </p>
      <section aria-labelledby="lib-resources">
        <h2 id="lib-resources">{t('libraryEditor.resources')}</h2>
        <div className="filters" role="group" aria-label={t('libraryEditor.filter')}>
          {(['', ...STATES] as const).map((s) => (
            <button
              key={s || 'all'}
              type="button"
              className="secondary small"
              aria-pressed={state === s}
              onClick={() => choose(s)}
            >
              {s ? t(`libraryEditor.states.${s}`) : t('libraryEditor.states.all')}
            </button>
          ))}
        </div>
        {list.isPending ? <Loading /> : null}
        {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
        {list.data && list.data.items.length === 0 ? <p>{t('libraryEditor.empty')}</p> : null}
        {list.data && list.data.items.length > 0 ? (
          <ul className="list lib-list">
            {list.data.items.map((r) => (
              <ResourceItem key={r.id} r={r} />
            ))}
          </ul>
        ) : null}
        <nav aria-label={t('portal.paging')} className="paging">
          {offset > 0 ? (
            <button type="button" onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              {t('portal.previous')}
            </button>
          ) : null}
          {list.data && list.data.items.length === PAGE ? (
            <button type="button" onClick={() => setOffset(offset + PAGE)}>
              {t('portal.next')}
            </button>
          ) : null}
        </nav>
      </section>
    </Page>
  );
}

/** What waits for review: the resources this editor may review, and their own that wait for someone else. */
export function ReviewQueue({ me }: { me: Me }) {
  const { t } = useTranslation();
  const review = useQuery({
    queryKey: ['library', 'editor', 'list', 'in_review', 'queue'],
    queryFn: ({ signal }) =>
      api<{ items: Resource[] }>('/library/resources?state=in_review&limit=100', { signal }),
  });
  const items = review.data?.items ?? [];
  const forMe = items.filter((r) => mayReview(r, me));
  const mine = items.filter((r) => !mayReview(r, me));
  return (
    <Page title={t('libraryEditor.review.title')} intro={t('libraryEditor.review.intro')}>
      <p>
        <Link to="/library">{t('libraryEditor.back')}</Link>
      </p>
      {review.isPending ? <Loading /> : null}
      {review.isError ? <ErrorBox error={review.error} onRetry={() => void review.refetch()} /> : null}
      {review.data ? (
        <>
          <section aria-labelledby="lib-for-me">
            <h2 id="lib-for-me">{t('libraryEditor.review.forMe')}</h2>
            {forMe.length === 0 ? <p>{t('libraryEditor.review.none')}</p> : null}
            <ul className="list lib-list">
              {forMe.map((r) => (
                <ResourceItem key={r.id} r={r} />
              ))}
            </ul>
          </section>
          <section aria-labelledby="lib-mine">
            <h2 id="lib-mine">{t('libraryEditor.review.mine')}</h2>
            {mine.length === 0 ? <p>{t('libraryEditor.review.noneMine')}</p> : null}
            <ul className="list lib-list">
              {mine.map((r) => (
                <ResourceItem key={r.id} r={r} />
              ))}
            </ul>
          </section>
        </>
      ) : null}
    </Page>
  );
}

/** A new resource: its description first; files are added on its page once it exists. */
export function NewResource() {
  const { t } = useTranslation();
  const client = useQueryClient();
  return (
    <Page title={t('libraryEditor.newTitle')} intro={t('libraryEditor.newIntro')}>
      <p>
        <Link to="/library">{t('libraryEditor.back')}</Link>
      </p>
      <ResourceForm
        submitLabel={t('libraryEditor.form.create')}
        save={(body: ResourceBody) => api<Resource>('/library/resources', { method: 'POST', body })}
        onSaved={(created) => {
          client.setQueryData(resourceKey(created.id), created);
          void client.invalidateQueries({ queryKey: ['library', 'editor', 'list'] });
          navigate(`/library/resources/${created.id}`);
        }}
      />
    </Page>
  );
}

// pdf.js is large: it is fetched only when a book is previewed.
const PdfReader = lazy(() => import('@/web/library/pdf-reader'));

/** How the resource looks to a reader: its video or sound at a chosen quality, or its book. */
function Preview({ r }: { r: Resource }) {
  const { t } = useTranslation();
  const bytes = useBytes();
  const selectId = useId();
  const main = r.files.find((file) => file.role === 'main');
  const renditions = r.files
    .filter((file) => file.role === 'rendition' && file.height !== null)
    .sort((a, b) => a.height! - b.height!);
  const [chosen, setChosen] = useState<number | null>(null);
  if (!main) return <p>{t('libraryEditor.noMain')}</p>;
  if (main.contentType === 'application/pdf')
    return (
      <Suspense fallback={<Loading />}>
        <PdfReader url={main.url} title={r.title} />
      </Suspense>
    );
  const media = main.contentType.startsWith('video/') || main.contentType.startsWith('audio/');
  if (!media)
    return (
      <p>
        <a href={main.url} download>
          {t('libraryEditor.download', { size: bytes(main.sizeBytes) })}
        </a>
      </p>
    );
  const source = renditions.find((x) => x.id === chosen) ?? renditions[0] ?? main;
  const poster = r.files.find((file) => file.role === 'thumbnail');
  return (
    <div className="player">
      {renditions.length > 1 ? (
        <div className="field">
          <label htmlFor={selectId}>{t('portal.quality')}</label>
          <select id={selectId} value={source.id} onChange={(e) => setChosen(Number(e.target.value))}>
            {renditions.map((x) => (
              <option key={x.id} value={x.id}>
                {`${x.variant} — ${bytes(x.sizeBytes)}`}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {main.contentType.startsWith('audio/') ? (
        <audio key={source.id} controls preload="none" src={source.url} />
      ) : (
        <video key={source.id} controls preload="none" playsInline poster={poster?.url} src={source.url} />
      )}
    </div>
  );
}

/** A file's line: what it is, its version, size and checksum. */
function FileLine({ file }: { file: Resource['files'][number] }) {
  const { t } = useTranslation();
  const bytes = useBytes();
  const label =
    file.role === 'rendition'
      ? t('portal.fileRendition', { quality: file.variant })
      : t(`portal.fileRole.${file.role}`);
  return (
    <li>
      <a href={file.url} download={file.role !== 'hls' ? true : undefined}>
        {label}
      </a>{' '}
      <span className="meta">
        {file.sourceFileId === null ? `${t('libraryEditor.files.version', { n: file.version })} · ` : ''}
        {bytes(file.sizeBytes)} · {file.contentType}
        {file.sha256 ? ` · SHA-256 ${file.sha256.slice(0, 12)}…` : ''}
      </span>
    </li>
  );
}

function Processing({ r }: { r: Resource }) {
  const { t } = useTranslation();
  const { state, error, available } = r.processing;
  if (state === 'not_needed') return null;
  return (
    <div className={state === 'failed' ? 'error' : 'note'} role={state === 'failed' ? 'alert' : 'status'}>
      <p>
        {state === 'pending' ? t('libraryEditor.processing.pending') : null}
        {state === 'done'
          ? t('libraryEditor.processing.done', {
              variants: r.files
                .filter((x) => x.role === 'rendition')
                .sort((x, y) => (x.height ?? 0) - (y.height ?? 0))
                .map((x) => x.variant)
                .join(', '),
            })
          : null}
        {state === 'failed' ? t('libraryEditor.processing.failed') : null}
        {state === 'unavailable' || !available ? t('libraryEditor.processing.unavailable') : null}
      </p>
      {state === 'failed' && error ? (
        <details>
          <summary>{t('libraryEditor.processing.details')}</summary>
          <p className="quote">{error}</p>
        </details>
      ) : null}
    </div>
  );
}

function History({ id, me, version }: { id: number; me: Me; version: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const history = useQuery({
    queryKey: ['library', 'editor', 'history', id, version],
    queryFn: ({ signal }) => api<HistoryEntry[]>(`/library/resources/${id}/history`, { signal }),
  });
  return (
    <section aria-labelledby="lib-history">
      <h2 id="lib-history">{t('libraryEditor.history.title')}</h2>
      {history.isPending ? <Loading /> : null}
      {history.isError ? <ErrorBox error={history.error} onRetry={() => void history.refetch()} /> : null}
      {history.data ? (
        <ol className="history lib-history">
          {history.data.map((e, i) => (
            <li key={i}>
              <time dateTime={e.at}>{f.dateTime(e.at)}</time> —{' '}
              {t(`libraryEditor.history.${e.action}`, { defaultValue: t('audit.action.other') })}
              {' · '}
              {e.actorId === me.user.id
                ? t('libraryEditor.history.you')
                : e.actorId === null
                  ? t('libraryEditor.history.system')
                  : t('libraryEditor.history.editor', { id: e.actorId })}
              {e.note ? <span className="quote"> «{e.note}»</span> : null}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

/** The workflow step the resource's state allows this editor: submit, review, or unpublish. */
function Workflow({ r, me, onChanged }: { r: Resource; me: Me; onChanged: (r: Resource) => void }) {
  const { t } = useTranslation();
  const noteId = useId();
  const [note, setNote] = useState('');
  const [noteMissing, setNoteMissing] = useState(false);
  const step = useMutation({
    mutationFn: (action: 'submit' | 'publish' | 'reject' | 'unpublish') => {
      const text = note.trim() || undefined;
      if (action === 'publish' || action === 'reject')
        return api<Resource>(`/library/resources/${r.id}/review`, {
          method: 'POST',
          body: { decision: action, note: text },
        });
      return api<Resource>(`/library/resources/${r.id}/${action}`, { method: 'POST', body: { note: text } });
    },
    onSuccess: (updated) => {
      setNote('');
      onChanged(updated);
    },
  });
  const run = (action: 'submit' | 'publish' | 'reject' | 'unpublish') => (event?: FormEvent) => {
    event?.preventDefault();
    if (action === 'reject' && !note.trim()) {
      setNoteMissing(true);
      return;
    }
    setNoteMissing(false);
    step.mutate(action);
  };
  const noteField = (label: string) => (
    <div className="field">
      <label htmlFor={noteId}>{label}</label>
      <textarea
        id={noteId}
        rows={3}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        aria-invalid={noteMissing || undefined}
        aria-describedby={noteMissing ? `${noteId}-error` : undefined}
      />
      {noteMissing ? (
        <p className="field-error" id={`${noteId}-error`}>
          {t('libraryEditor.workflow.noteNeeded')}
        </p>
      ) : null}
    </div>
  );
  const failure = step.error ? <ErrorBox error={step.error} /> : null;
  const busy = step.isPending;
  if (r.state === 'draft' || r.state === 'unpublished')
    return (
      <form className="form send-back" onSubmit={run('submit')}>
        <p>{t('libraryEditor.workflow.submitText')}</p>
        {noteField(t('libraryEditor.workflow.note'))}
        {failure}
        <button type="submit" disabled={busy}>
          {t('libraryEditor.workflow.submit')}
        </button>
      </form>
    );
  if (r.state === 'in_review') {
    if (!mayReview(r, me)) return <p className="note">{t('libraryEditor.workflow.waiting')}</p>;
    return (
      <form className="form send-back" onSubmit={run('publish')}>
        <p>{t('libraryEditor.workflow.reviewText')}</p>
        {noteField(t('libraryEditor.workflow.reviewNote'))}
        {failure}
        <div className="row-buttons">
          <button type="submit" disabled={busy}>
            {t('libraryEditor.workflow.publish')}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => run('reject')()}>
            {t('libraryEditor.workflow.reject')}
          </button>
        </div>
      </form>
    );
  }
  return (
    <form className="form send-back" onSubmit={run('unpublish')}>
      <p>
        {t('libraryEditor.workflow.publishedText')}{' '}
        <Link to={`/resources/${r.id}`}>{t('libraryEditor.workflow.publicPage')}</Link>
      </p>
      {noteField(t('libraryEditor.workflow.note'))}
      {failure}
      <button type="submit" className="secondary" disabled={busy}>
        {t('libraryEditor.workflow.unpublish')}
      </button>
    </form>
  );
}

/** A resource's page for editors. */
export function EditorResource({ id, me }: { id: number; me: Me }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const resource = useQuery({
    queryKey: resourceKey(id),
    queryFn: ({ signal }) => api<Resource>(`/library/resources/${id}`, { signal }),
    // While its video is being processed, look again every few seconds.
    refetchInterval: (query) => (query.state.data?.processing.state === 'pending' ? 3000 : false),
  });
  const r = resource.data;
  const changed = (updated: Resource) => {
    client.setQueryData(resourceKey(id), updated);
    void client.invalidateQueries({ queryKey: ['library', 'editor', 'list'] });
  };
  const editable = r && (r.state === 'draft' || r.state === 'unpublished');
  return (
    <Page title={r?.title ?? t('library.title')}>
      <p>
        <Link to="/library">{t('libraryEditor.back')}</Link>
      </p>
      {resource.isPending ? <Loading /> : null}
      {resource.isError && !(resource.error instanceof ApiError && resource.error.status === 404) ? (
        <ErrorBox error={resource.error} onRetry={() => void resource.refetch()} />
      ) : null}
      {resource.isError && resource.error instanceof ApiError && resource.error.status === 404 ? (
        <p>{t('libraryEditor.notFound')}</p>
      ) : null}
      {r ? (
        <>
          <p>
            <StateBadge state={r.state} /> {t(`portal.type.${r.type}`)}
          </p>
          <section aria-labelledby="lib-workflow" className="card">
            <h2 id="lib-workflow">{t('libraryEditor.workflow.title')}</h2>
            <Workflow key={r.state} r={r} me={me} onChanged={changed} />
          </section>
          <section aria-labelledby="lib-files">
            <h2 id="lib-files">{t('libraryEditor.files.title')}</h2>
            <Processing r={r} />
            {r.files.length === 0 ? <p>{t('libraryEditor.files.none')}</p> : null}
            <ul className="list lib-files">
              {r.files
                .filter((file) => file.role !== 'hls')
                .map((file) => (
                  <FileLine key={file.id} file={file} />
                ))}
            </ul>
            {editable ? (
              <UploadPanel
                resourceId={r.id}
                onUploaded={() => void client.invalidateQueries({ queryKey: resourceKey(id) })}
              />
            ) : (
              <p className="note">{t('libraryEditor.files.locked')}</p>
            )}
          </section>
          <section aria-labelledby="lib-preview">
            <h2 id="lib-preview">{t('libraryEditor.preview')}</h2>
            <Preview r={r} />
          </section>
          <section aria-labelledby="lib-description">
            <h2 id="lib-description">{t('libraryEditor.description')}</h2>
            {editable ? (
              <ResourceForm
                key={r.id}
                initial={r}
                submitLabel={t('common.save')}
                save={(body) =>
                  api<Resource>(`/library/resources/${r.id}`, { method: 'PATCH', body: { ...body } })
                }
                onSaved={changed}
              />
            ) : (
              <ReadOnly r={r} />
            )}
          </section>
          <History id={r.id} me={me} version={`${r.state}:${r.updatedAt}`} />
        </>
      ) : null}
    </Page>
  );
}

function ReadOnly({ r }: { r: Resource }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const topicName = (x: Resource['topics'][number]) =>
    lang === 'ru' ? x.nameRu : lang === 'en' ? x.nameEn : x.nameAz;
  const rows: [string, string][] = [
    [t('libraryEditor.form.title'), r.title],
    [t('libraryEditor.form.language'), t(`portal.language.${r.language}`)],
    [t('libraryEditor.form.level'), t(`libraryEditor.level.${r.level}`)],
    [t('libraryEditor.form.grades'), r.grades.join(', ')],
    [t('libraryEditor.form.topics'), r.topics.map(topicName).join('; ')],
    [t('libraryEditor.form.authors'), r.authors.join(', ')],
    [t('libraryEditor.form.publisher'), r.publisher ?? ''],
    [t('libraryEditor.form.licence'), t(`portal.licenceName.${r.licence}`)],
    [
      t('libraryEditor.form.accessibility'),
      r.accessibility.map((a) => t(`libraryEditor.access.${a}`)).join(', '),
    ],
    [t('libraryEditor.form.channel'), r.channel ?? ''],
    [t('libraryEditor.form.airDate'), r.airDate ?? ''],
  ];
  return (
    <>
      <dl className="record">
        {rows
          .filter(([, value]) => value !== '')
          .map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
      {r.description ? <p>{r.description}</p> : null}
    </>
  );
}
