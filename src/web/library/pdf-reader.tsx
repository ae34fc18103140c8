import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as pdfjs from 'pdfjs-dist';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { useFormat } from '@/web/format';

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

/**
 * An e-textbook in the browser (pdf.js). The book is read with HTTP Range requests and nothing is fetched
 * ahead (`disableAutoFetch`), so page 1 shows after a few kilobytes of a book of many megabytes; each page
 * is fetched when it is turned to. Search reads the text of the pages one after another and lists where the
 * words are.
 */
export default function PdfReader({
  url,
  title,
  onPage,
  focus = false,
}: {
  url: string;
  title: string;
  /** Moves focus to the reader's heading once it is shown (it was opened with a button). */
  focus?: boolean;
  /** Told each page shown, and how many there are. */
  onPage?: (page: number, pages: number) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const canvas = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const pageInput = useId();
  const searchInput = useId();
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [failed, setFailed] = useState(false);
  const [page, setPage] = useState(1);
  const [draft, setDraft] = useState('1');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<number[] | null>(null);
  const [searching, setSearching] = useState(false);

  useEffect(() => {
    if (focus) heading.current?.focus();
  }, []);

  useEffect(() => {
    const task = pdfjs.getDocument({
      url,
      disableAutoFetch: true,
      disableStream: true,
      rangeChunkSize: 65536,
      // The site's Content-Security-Policy allows no eval: pdf.js is told so, rather than trying it.
      isEvalSupported: false,
    });
    task.promise.then(setDoc, () => setFailed(true));
    return () => void task.destroy();
  }, [url]);

  useEffect(() => {
    if (!doc || !canvas.current || !box.current) return;
    let cancelled = false;
    let render: ReturnType<Awaited<ReturnType<PDFDocumentProxy['getPage']>>['render']> | null = null;
    void doc.getPage(page).then((p) => {
      if (cancelled || !canvas.current || !box.current) return;
      const width = box.current.clientWidth;
      const unscaled = p.getViewport({ scale: 1 });
      const ratio = window.devicePixelRatio || 1;
      const viewport = p.getViewport({ scale: (width / unscaled.width) * ratio });
      canvas.current.width = viewport.width;
      canvas.current.height = viewport.height;
      canvas.current.style.width = `${viewport.width / ratio}px`;
      render = p.render({ canvas: canvas.current, viewport });
      render.promise.catch(() => undefined);
      onPage?.(page, doc.numPages);
    });
    return () => {
      cancelled = true;
      render?.cancel();
    };
  }, [doc, page]);

  const go = (n: number) => {
    if (!doc) return;
    const next = Math.min(Math.max(1, n), doc.numPages);
    setPage(next);
    setDraft(String(next));
  };
  const jump = (event: FormEvent) => {
    event.preventDefault();
    go(Number(draft) || 1);
  };
  const search = async (event: FormEvent) => {
    event.preventDefault();
    if (!doc || !query.trim()) return;
    setSearching(true);
    const words = query.trim().toLocaleLowerCase();
    const pages: number[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
      if (text.toLocaleLowerCase().includes(words)) pages.push(n);
    }
    setFound(pages);
    setSearching(false);
  };

  if (failed) return <p role="alert">{t('portal.reader.failed')}</p>;
  return (
    <section aria-labelledby="reader-title" className="reader">
      <h2 id="reader-title" ref={heading} tabIndex={-1}>
        {t('portal.reader.title')}
      </h2>
      <div className="reader-bar">
        <button type="button" onClick={() => go(page - 1)} disabled={!doc || page <= 1}>
          {t('portal.reader.previous')}
        </button>
        <form onSubmit={jump} className="reader-page">
          <label htmlFor={pageInput}>{t('portal.reader.page')}</label>
          <input
            id={pageInput}
            inputMode="numeric"
            size={4}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
          <span>{doc ? t('portal.reader.of', { n: f.number(doc.numPages) }) : ''}</span>
        </form>
        <button type="button" onClick={() => go(page + 1)} disabled={!doc || page >= doc.numPages}>
          {t('portal.reader.next')}
        </button>
      </div>
      <div ref={box} className="reader-page-box">
        <canvas
          ref={canvas}
          role="img"
          aria-label={t('portal.reader.pageOf', { page, title })}
          data-page={page}
        />
      </div>
      <form onSubmit={(e) => void search(e)} className="form reader-search">
        <div className="field">
          <label htmlFor={searchInput}>{t('portal.reader.search')}</label>
          <input id={searchInput} type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <button type="submit" disabled={!doc || searching}>
          {t('portal.find')}
        </button>
      </form>
      {found ? (
        found.length ? (
          <p>
            {t('portal.reader.foundOn')}{' '}
            {found.map((n) => (
              <button key={n} type="button" className="link-button" onClick={() => go(n)}>
                {f.number(n)}
              </button>
            ))}
          </p>
        ) : (
          <p>{t('portal.reader.notFound')}</p>
        )
      ) : null}
    </section>
  );
}
