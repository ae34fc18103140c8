import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { ResourceView, ShelfView } from '@/modules/library/library.schema';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import {
  bytesOf,
  filesToSave,
  offlineSupported,
  removeSaved,
  saveResource,
  savedRecord,
  storageEstimate,
  type FileInfo,
  type SavedResource,
} from '@/web/offline/store';

/**
 * "Save for offline" on a resource's page and for a whole grade-and-subject shelf. The size is shown before
 * anything is fetched, and what is saved is the quality the viewer chose (a video) or the book itself.
 */

type Resource = Static<typeof ResourceView>;
type Shelf = Static<typeof ShelfView>;

/** Bytes as a person reads them: "12,4 MB". */
export function useBytes() {
  const f = useFormat();
  return (bytes: number) =>
    bytes >= 1024 ** 3
      ? `${f.number(Math.round((bytes / 1024 ** 3) * 10) / 10)} GB`
      : bytes >= 1024 * 1024
        ? `${f.number(Math.round((bytes / 1024 / 1024) * 10) / 10)} MB`
        : `${f.number(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

/** What a saved file is, in words: its quality, sound only, or the book. */
function useWhat() {
  const { t } = useTranslation();
  return (files: { role: FileInfo['role']; variant: string | null }[]) => {
    const first = files[0];
    if (!first) return '';
    if (first.role === 'rendition') return first.variant ?? '';
    if (first.role === 'audio') return t('portal.audioOnly');
    return t('offline.theFile');
  };
}

const DOCUMENT_TYPES = ['application/pdf', 'application/epub+zip'];

/**
 * Saving one resource. With `media` (from the player) it saves that rendition; without, it is the book's
 * button and shows only for a PDF or EPUB (a video's button sits in its player).
 */
export function SaveOffline({ resource, media }: { resource: Resource; media?: FileInfo }) {
  const { t } = useTranslation();
  const bytes = useBytes();
  const what = useWhat();
  const [saved, setSaved] = useState<SavedResource | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    void savedRecord(resource.id).then(
      (r) => live && setSaved(r),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [resource.id]);
  const main = resource.files.find((f) => f.role === 'main');
  if (!media && !(main && DOCUMENT_TYPES.includes(main.contentType))) return null;
  if (!offlineSupported()) return <p className="note">{t('offline.unsupported')}</p>;
  const files = filesToSave(resource, media);
  if (files.length === 0) return null;
  const total = bytesOf(files);
  const same = saved !== null && files.every((f) => saved.files.some((s) => s.id === f.id));
  const save = async () => {
    setFailed(false);
    setProgress(0);
    try {
      await saveResource(resource, files, setProgress);
      setSaved(await savedRecord(resource.id));
    } catch {
      setFailed(true);
    } finally {
      setProgress(null);
    }
  };
  const remove = async () => {
    await removeSaved(resource.id);
    setSaved(null);
  };
  return (
    <div className="offline-save">
      {saved ? (
        <p role="status">
          {t('offline.saved', { what: what(saved.files) })} <Link to="/offline">{t('offline.title')}</Link>
        </p>
      ) : null}
      {progress !== null ? (
        <p>
          <progress max={total} value={Math.min(progress, total)} aria-label={t('offline.progress')} />{' '}
          <span role="status">{t('offline.saving', { done: bytes(progress), size: bytes(total) })}</span>
        </p>
      ) : same ? (
        <button type="button" onClick={() => void remove()}>
          {t('offline.remove')}
        </button>
      ) : (
        <button type="button" onClick={() => void save()}>
          {t(saved ? 'offline.saveInstead' : 'offline.save', { what: what(files), size: bytes(total) })}
        </button>
      )}
      {failed ? <p role="alert">{t('offline.failed')}</p> : null}
    </div>
  );
}

/**
 * Saving many resources at once (a grade-and-subject shelf, a collection): the total size and the space this
 * device has left are shown first; each resource is saved in turn, with the same choices as on its page.
 */
export function SaveMany({ resources }: { resources: Resource[] }) {
  const { t } = useTranslation();
  const bytes = useBytes();
  const [state, setState] = useState<{ done: number; bytes: number } | null>(null);
  const [finished, setFinished] = useState(false);
  const [failed, setFailed] = useState(false);
  const space = useQuery({ queryKey: ['offline', 'estimate'], queryFn: storageEstimate, staleTime: 0 });
  if (!offlineSupported()) return <p className="note">{t('offline.unsupported')}</p>;
  const plan = resources
    .map((r) => ({ resource: r, files: filesToSave(r) }))
    .filter((p) => p.files.length > 0);
  const total = plan.reduce((n, p) => n + bytesOf(p.files), 0);
  const free = space.data ? space.data.quota - space.data.usage : null;
  const save = async () => {
    setFailed(false);
    setFinished(false);
    let before = 0;
    setState({ done: 0, bytes: 0 });
    try {
      for (const [i, p] of plan.entries()) {
        await saveResource(p.resource, p.files, (b) => setState({ done: i, bytes: before + b }));
        before += bytesOf(p.files);
        setState({ done: i + 1, bytes: before });
      }
      setFinished(true);
    } catch {
      setFailed(true);
    } finally {
      setState(null);
      void space.refetch();
    }
  };
  if (plan.length === 0) return null;
  return (
    <div className="offline-save">
      {free !== null && free < total ? (
        <p role="alert">{t('offline.noSpace', { free: bytes(free) })}</p>
      ) : null}
      {state ? (
        <p>
          <progress max={total} value={Math.min(state.bytes, total)} aria-label={t('offline.progress')} />{' '}
          <span role="status">
            {t('offline.savingAll', {
              k: state.done + 1,
              n: plan.length,
              done: bytes(state.bytes),
              size: bytes(total),
            })}
          </span>
        </p>
      ) : (
        <button type="button" onClick={() => void save()}>
          {t('offline.saveAll', { n: plan.length, size: bytes(total) })}
        </button>
      )}
      {finished ? (
        <p role="status">
          {t('offline.savedAll', { n: plan.length })} <Link to="/offline">{t('offline.title')}</Link>
        </p>
      ) : null}
      {failed ? <p role="alert">{t('offline.failed')}</p> : null}
    </div>
  );
}

/** A grade-and-subject shelf to save at once, on the search page when both are chosen. */
export function SaveShelf({ grade, subject }: { grade: number; subject: string }) {
  const { t } = useTranslation();
  const shelf = useQuery({
    queryKey: ['library', 'shelf', grade, subject],
    queryFn: ({ signal }) =>
      api<Shelf>(`/library/shelves/${grade}/${encodeURIComponent(subject)}`, { signal }),
    staleTime: 60_000,
  });
  if (!offlineSupported() || !shelf.data || shelf.data.resources.length === 0) return null;
  return (
    <section aria-labelledby="offline-shelf" className="offline-shelf">
      <h2 id="offline-shelf">{t('offline.shelf')}</h2>
      <SaveMany resources={shelf.data.resources} />
      {shelf.data.more ? (
        <p className="note">{t('offline.shelfMore', { n: shelf.data.resources.length })}</p>
      ) : null}
    </section>
  );
}

/** The way to the "Saved for offline" page, where saving is possible. */
export function OfflineLink() {
  const { t } = useTranslation();
  if (!offlineSupported()) return null;
  return (
    <p>
      <Link to="/offline">{t('offline.title')}</Link>
    </p>
  );
}
