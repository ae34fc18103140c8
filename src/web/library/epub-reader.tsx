import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { chapterHtml, openBook, RangeZip, type Book, type TocEntry } from '@/web/library/epub';

/**
 * An EPUB in the browser. The book is read in parts (see `epub.ts`): its directory first, then the chapter
 * being read. Each chapter is shown in a sandboxed frame that runs no script at all and may load nothing from
 * the network; the reader itself turns chapters, follows the book's own links, sets the text size and
 * remembers on this device where the reader was (chapter and how far down it).
 */

const FONT_KEY = 'maktab.epub.fontSize';
const SIZES = [80, 90, 100, 115, 130, 150, 175, 200];
const positionKey = (id: number) => `maktab.epub.position.${id}`;

function stored<T>(key: string, fallback: T): T {
  try {
    const value = localStorage.getItem(key);
    return value === null ? fallback : (JSON.parse(value) as T);
  } catch {
    return fallback;
  }
}

function store(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Not remembering is acceptable on a device that blocks storage.
  }
}

const readerStyle = (size: number) => `
:root { font-size: ${size}% !important; }
body { font-size: 1rem !important; line-height: 1.6; margin: 0 auto; padding: 0.75rem 1rem 2rem; max-width: 40rem;
  overflow-wrap: break-word; color: #1a1a1a; background: #fff; font-family: Georgia, "Noto Serif", "DejaVu Serif", serif; }
img, svg, video { max-width: 100%; height: auto; }
table { max-width: 100%; overflow-x: auto; display: block; }
pre { white-space: pre-wrap; }
a { color: #0b4f8a; }
`;

/** Where a table-of-contents entry points: the chapter's index in the reading order, and a fragment. */
function target(book: Book, href: string): { chapter: number; fragment: string } | null {
  const [path, fragment = ''] = href.split('#');
  const chapter = book.spine.indexOf(path!);
  return chapter < 0 ? null : { chapter, fragment };
}

export default function EpubReader({
  fileId,
  url,
  sizeBytes,
  title,
  sizeText,
  focus = false,
}: {
  fileId: number;
  url: string;
  sizeBytes: number;
  title: string;
  sizeText: string;
  /** Moves focus to the reader's heading once it is shown (it was opened with a button). */
  focus?: boolean;
}) {
  const { t } = useTranslation();
  const frame = useRef<HTMLIFrameElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  /** How far down the chapter the reader is now (0–1), kept when the text size changes. */
  const at = useRef(0);
  const [zip, setZip] = useState<RangeZip | null>(null);
  const [book, setBook] = useState<Book | null>(null);
  const [failed, setFailed] = useState(false);
  const [position, setPosition] = useState<{ chapter: number; at: number; fragment?: string }>(() =>
    stored(positionKey(fileId), { chapter: 0, at: 0 }),
  );
  const [size, setSize] = useState<number>(() => {
    const s = stored(FONT_KEY, 100);
    return SIZES.includes(s) ? s : 100;
  });
  const [chapter, setChapter] = useState<{ html: string; title: string; index: number } | null>(null);

  useEffect(() => {
    if (focus) heading.current?.focus();
  }, []);

  useEffect(() => {
    const abort = new AbortController();
    void (async () => {
      try {
        const z = await RangeZip.open(url, sizeBytes, abort.signal);
        const b = await openBook(z, abort.signal);
        setZip(z);
        setBook(b);
      } catch {
        if (!abort.signal.aborted) setFailed(true);
      }
    })();
    return () => abort.abort();
  }, [url, sizeBytes]);

  const index = book ? Math.min(Math.max(0, position.chapter), book.spine.length - 1) : 0;

  // Loads the chapter (again when the text size changes); revokes the previous chapter's pictures.
  useEffect(() => {
    if (!zip || !book) return;
    const abort = new AbortController();
    let urls: string[] = [];
    void chapterHtml(zip, book, book.spine[index]!, readerStyle(size), abort.signal).then(
      (c) => {
        urls = c.urls;
        if (abort.signal.aborted) urls.forEach((u) => URL.revokeObjectURL(u));
        else setChapter({ html: c.html, title: c.title, index });
      },
      () => !abort.signal.aborted && setFailed(true),
    );
    return () => {
      abort.abort();
      // Kept until the next chapter is shown: the frame still uses them.
      setTimeout(() => urls.forEach((u) => URL.revokeObjectURL(u)), 1000);
    };
  }, [zip, book, index, size]);

  const go = useCallback(
    (chapterIndex: number, fragment = '') => {
      if (!book) return;
      const next = { chapter: Math.min(Math.max(0, chapterIndex), book.spine.length - 1), at: 0, fragment };
      at.current = 0;
      setPosition(next);
      store(positionKey(fileId), { chapter: next.chapter, at: 0 });
      frame.current?.focus();
    },
    [book, fileId],
  );

  // Once the frame has the chapter: restore where the reader was, follow links, remember scrolling.
  const onLoad = () => {
    const win = frame.current?.contentWindow;
    const doc = frame.current?.contentDocument;
    if (!win || !doc || !book || !chapter) return;
    const scroller = doc.scrollingElement ?? doc.documentElement;
    const fragment = position.fragment;
    at.current = position.at;
    if (fragment) doc.getElementById(fragment)?.scrollIntoView();
    else scroller.scrollTop = position.at * Math.max(0, scroller.scrollHeight - win.innerHeight);
    let timer: number | undefined;
    win.addEventListener('scroll', () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        const range = Math.max(1, scroller.scrollHeight - win.innerHeight);
        at.current = Math.min(1, scroller.scrollTop / range);
        store(positionKey(fileId), { chapter: chapter.index, at: at.current });
      }, 250);
    });
    doc.addEventListener('click', (event) => {
      const link = (event.target as Element | null)?.closest?.('a[href]');
      if (!link) return;
      event.preventDefault();
      const inside = link.getAttribute('data-book-href');
      if (inside) {
        const to = target(book, inside);
        if (to && to.chapter === chapter.index && to.fragment)
          doc.getElementById(to.fragment)?.scrollIntoView();
        else if (to) go(to.chapter, to.fragment);
        return;
      }
      const href = link.getAttribute('href') ?? '';
      if (/^https?:\/\//i.test(href)) window.open(href, '_blank', 'noopener,noreferrer');
    });
  };

  const resize = (step: number) => {
    const i = SIZES.indexOf(size) + step;
    const next = SIZES[Math.min(Math.max(0, i), SIZES.length - 1)]!;
    setPosition({ chapter: index, at: at.current });
    setSize(next);
    store(FONT_KEY, next);
  };

  if (failed) return <p role="alert">{t('epub.failed')}</p>;
  const label = (i: number) => {
    const path = book?.spine[i];
    const find = (entries: TocEntry[]): string | undefined => {
      for (const e of entries) {
        if (e.href.split('#')[0] === path) return e.label;
        const inner = find(e.children);
        if (inner) return inner;
      }
      return undefined;
    };
    return (
      (book && find(book.toc)) ||
      (chapter?.index === i ? chapter.title : '') ||
      t('epub.chapterN', { n: i + 1 })
    );
  };
  return (
    <section aria-labelledby="epub-title" className="reader epub-reader">
      <h2 id="epub-title" ref={heading} tabIndex={-1}>
        {t('epub.title')}
      </h2>
      <p className="meta">{t('epub.size', { size: sizeText })}</p>
      {book && book.toc.length > 0 ? (
        <details className="epub-toc">
          <summary>{t('epub.contents')}</summary>
          <Toc entries={book.toc} book={book} current={index} go={go} />
        </details>
      ) : null}
      <div className="reader-bar">
        <button type="button" onClick={() => go(index - 1)} disabled={!book || index <= 0}>
          {t('epub.previous')}
        </button>
        <span aria-live="polite" className="epub-where">
          {book ? t('epub.chapterOf', { n: index + 1, total: book.spine.length }) : t('epub.opening')}
        </span>
        <button
          type="button"
          onClick={() => go(index + 1)}
          disabled={!book || index >= book.spine.length - 1}
        >
          {t('epub.next')}
        </button>
      </div>
      <div className="reader-bar">
        <button type="button" onClick={() => resize(-1)} disabled={size <= SIZES[0]!}>
          {t('epub.smaller')}
        </button>
        <span>{t('epub.textSize', { size })}</span>
        <button type="button" onClick={() => resize(1)} disabled={size >= SIZES[SIZES.length - 1]!}>
          {t('epub.larger')}
        </button>
      </div>
      {chapter ? (
        <>
          <h3 className="epub-chapter">{label(chapter.index)}</h3>
          <iframe
            ref={frame}
            key={`${chapter.index}-${size}`}
            className="epub-frame"
            title={t('epub.frame', { chapter: label(chapter.index), title })}
            sandbox="allow-same-origin"
            srcDoc={chapter.html}
            onLoad={onLoad}
            data-chapter={chapter.index + 1}
          />
        </>
      ) : (
        <p>{t('epub.opening')}</p>
      )}
    </section>
  );
}

function Toc({
  entries,
  book,
  current,
  go,
}: {
  entries: TocEntry[];
  book: Book;
  current: number;
  go: (chapter: number, fragment?: string) => void;
}) {
  return (
    <ol>
      {entries.map((e, i) => {
        const to = target(book, e.href);
        return (
          <li key={`${i}-${e.href}`}>
            {to ? (
              <button
                type="button"
                className="link-button"
                aria-current={to.chapter === current && !to.fragment ? 'true' : undefined}
                onClick={() => go(to.chapter, to.fragment)}
              >
                {e.label}
              </button>
            ) : (
              <span>{e.label}</span>
            )}
            {e.children.length ? <Toc entries={e.children} book={book} current={current} go={go} /> : null}
          </li>
        );
      })}
    </ol>
  );
}
