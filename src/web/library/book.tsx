import { lazy, Suspense, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { ResourceView } from '@/modules/library/library.schema';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Loading } from '@/web/components/status';
import { useBytes } from '@/web/offline/save-offline';
import { savedRecord } from '@/web/offline/store';

/**
 * A book (PDF or EPUB) on its resource's page. The page opens with what the book is, its size and pages, and
 * an "Open the book" button: the readers (pdf.js and its worker, most of the build's bytes; the EPUB reader)
 * are fetched only when it is pressed. Opening is kept in the address (`?read=1`), so a reload or a shared
 * link opens the book directly; a book saved on this device opens directly too (its reader is kept with it).
 */

type Resource = Static<typeof ResourceView>;

// Fetched only when a book is opened.
const PdfReader = lazy(() => import('@/web/library/pdf-reader'));
const EpubReader = lazy(() => import('@/web/library/epub-reader'));

/** The query parameter that says the book is open. */
const READ = 'read';

function readInUrl(): boolean {
  return new URLSearchParams(window.location.search).has(READ);
}

/** Adds the parameter to the address without a new history entry (the back button leaves the page). */
function keepReadInUrl(): void {
  const params = new URLSearchParams(window.location.search);
  if (params.has(READ)) return;
  params.set(READ, '1');
  window.history.replaceState(window.history.state, '', `${window.location.pathname}?${params}`);
}

export function Book({ resource }: { resource: Resource }) {
  const { t } = useTranslation();
  const f = useFormat();
  const bytes = useBytes();
  const beacon = useBeacon(resource.id);
  const factsId = useId();
  /** Open, and whether the reader takes focus (only when the person pressed the button). */
  const [open, setOpen] = useState<{ focus: boolean } | null>(() => (readInUrl() ? { focus: false } : null));
  const pdf = resource.files.find((file) => file.role === 'main' && file.contentType === 'application/pdf');
  const epub = resource.files.find(
    (file) => file.role === 'main' && file.contentType === 'application/epub+zip',
  );
  const main = pdf ?? epub;

  // A book saved on this device opens at once: its reader is kept with it, nothing more is fetched.
  useEffect(() => {
    if (!main || open) return;
    let live = true;
    void savedRecord(resource.id).then(
      (saved) => {
        if (live && saved?.files.some((file) => file.id === main.id)) setOpen((o) => o ?? { focus: false });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [resource.id, main?.id]);

  if (!main) return null;
  if (!open) {
    const size = bytes(main.sizeBytes);
    const facts = epub
      ? t('epub.size', { size })
      : resource.pages
        ? t('portal.book.pdfPages', { size, pages: t('portal.pages', { n: f.number(resource.pages) }) })
        : t('portal.book.pdf', { size });
    return (
      <section aria-labelledby="book-open-title" className="book-open">
        <h2 id="book-open-title">{t('portal.reader.title')}</h2>
        <p className="meta" id={factsId}>
          {facts}
        </p>
        <p>
          <button
            type="button"
            aria-describedby={factsId}
            onClick={() => {
              keepReadInUrl();
              setOpen({ focus: true });
            }}
          >
            {t('portal.book.open')}
          </button>
        </p>
      </section>
    );
  }
  return (
    <Suspense fallback={<Loading />}>
      {pdf ? (
        <PdfReader
          url={pdf.url}
          title={resource.title}
          focus={open.focus}
          onPage={(page, pages) => {
            beacon('view');
            if (page >= pages) beacon('complete');
          }}
        />
      ) : (
        <EpubReader
          fileId={main.id}
          url={main.url}
          sizeBytes={main.sizeBytes}
          title={resource.title}
          sizeText={bytes(main.sizeBytes)}
          focus={open.focus}
        />
      )}
    </Suspense>
  );
}

/** Counts a view or completion of a resource once per page visit; nothing about the reader is sent. */
export function useBeacon(resourceId: number): (kind: 'view' | 'complete') => void {
  const sent = useRef(new Set<string>());
  return useCallback(
    (kind) => {
      if (sent.current.has(kind)) return;
      sent.current.add(kind);
      void api(`/library/resources/${resourceId}/events`, { method: 'POST', body: { kind } }).catch(() => {});
    },
    [resourceId],
  );
}
