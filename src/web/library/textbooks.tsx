import { useEffect, useId, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ShelfBook, TextbookGrid } from '@/modules/library/textbooks.schema';
import { api } from '@/web/api';
import { gradeOrdinal, useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { useCountryPack } from '@/web/registry/shared';

/**
 * The e-textbook portal: every grade's textbook and teacher's guide for every subject, on one page that anyone
 * can open. On a wide screen it is a grade × subject table; on a phone each grade is a list that opens when
 * it is chosen, so the page stays short and nothing scrolls sideways. Every book shows its language, pages and size before it is opened; opening one goes to
 * its page in the library, where the reader fetches it page by page.
 */

type Cell = TextbookGrid['cells'][number];
const LANGUAGES = ['az', 'ru', 'en'] as const;
type Language = (typeof LANGUAGES)[number];

/** Azerbaijani ordinal suffixes follow vowel harmony: 1-ci, 3-cü, 6-cı, 9-cu sinif. */
/** Below this width the grid becomes a list per grade. */
const NARROW = '(max-width: 47.99rem)';

function useNarrow(): boolean {
  return useSyncExternalStore(
    (changed) => {
      const query = window.matchMedia(NARROW);
      query.addEventListener('change', changed);
      return () => query.removeEventListener('change', changed);
    },
    () => window.matchMedia(NARROW).matches,
  );
}

function languageFromUrl(): Language | '' {
  const value = new URLSearchParams(window.location.search).get('language');
  return LANGUAGES.find((l) => l === value) ?? '';
}

/** Bytes as a person reads them: "1,2 MB", "540 KB". */
function useSize() {
  const f = useFormat();
  return (bytes: number) =>
    bytes >= 1024 * 1024
      ? `${f.number(Math.round((bytes / 1024 / 1024) * 10) / 10)} MB`
      : `${f.number(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

/** The e-textbook page at `/textbooks`. */
export function TextbookPortal() {
  const { t, i18n } = useTranslation();
  const selectId = useId();
  const pack = useCountryPack();
  const narrow = useNarrow();
  const [language, setLanguage] = useState<Language | ''>(languageFromUrl);
  useEffect(() => {
    // The address keeps the filter, so a teacher can share "the Russian textbooks".
    window.history.replaceState(null, '', `/textbooks${language ? `?language=${language}` : ''}`);
  }, [language]);
  const grid = useQuery({
    queryKey: ['library', 'textbooks', language],
    queryFn: ({ signal }) =>
      api<TextbookGrid>(`/library/textbooks${language ? `?language=${language}` : ''}`, { signal }),
  });
  const cells = grid.data?.cells ?? [];
  const subjectName = (code: string) => {
    const subject = pack.data?.subjects.find((s) => s.code === code);
    return subject ? localName(subject, i18n.language) : code;
  };
  // The subjects that have a book, by name in the reader's language.
  const subjects = [...new Set(cells.map((c) => c.subject))].sort((a, b) =>
    subjectName(a).localeCompare(subjectName(b), i18n.language),
  );
  const grades = [...new Set(cells.map((c) => c.grade))].sort((a, b) => a - b);
  const gradeName = (grade: number) => t('textbooks.gradeN', { grade: gradeOrdinal(i18n.language, grade) });
  const cellAt = (grade: number, subject: string) =>
    cells.find((c) => c.grade === grade && c.subject === subject);

  return (
    <Page title={t('textbooks.title')} intro={t('textbooks.intro')}>
      <p>
        <Link to="/resources">{t('textbooks.search')}</Link>
      </p>
      <div className="field shelf-filter">
        <label htmlFor={selectId}>{t('textbooks.language')}</label>
        <select id={selectId} value={language} onChange={(e) => setLanguage(e.target.value as Language | '')}>
          <option value="">{t('textbooks.allLanguages')}</option>
          {LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {t(`portal.language.${l}`)}
            </option>
          ))}
        </select>
      </div>
      {grid.isPending ? <Loading /> : null}
      {grid.isError ? <ErrorBox error={grid.error} onRetry={() => void grid.refetch()} /> : null}
      {grid.data && cells.length === 0 ? <p className="note">{t('textbooks.empty')}</p> : null}
      {cells.length > 0 && narrow ? (
        <div className="shelf-grades">
          {grades.map((grade) => (
            <GradeShelf key={grade} title={gradeName(grade)}>
              <ul className="list">
                {subjects
                  .filter((s) => cellAt(grade, s))
                  .map((s) => (
                    <li key={s}>
                      <span className="what">{subjectName(s)}</span>
                      <Books cell={cellAt(grade, s)!} showLanguage={!language} />
                    </li>
                  ))}
              </ul>
            </GradeShelf>
          ))}
        </div>
      ) : null}
      {cells.length > 0 && !narrow ? (
        <div className="scroll">
          <table className="table shelf">
            <caption>{t('textbooks.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('textbooks.grade')}</th>
                {subjects.map((s) => (
                  <th key={s} scope="col">
                    {subjectName(s)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {grades.map((grade) => (
                <tr key={grade}>
                  <th scope="row">{gradeName(grade)}</th>
                  {subjects.map((s) => {
                    const cell = cellAt(grade, s);
                    return (
                      <td key={s}>
                        {cell ? (
                          <Books cell={cell} showLanguage={!language} />
                        ) : (
                          <span className="meta">{t('textbooks.none')}</span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Page>
  );
}

/**
 * One grade's shelf on a phone, folded: its books are rendered only once it is opened, so a phone does not lay
 * out a thousand hidden links before the page can answer a tap.
 */
function GradeShelf({ title, children }: { title: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="shelf-grade" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{title}</summary>
      {open ? children : null}
    </details>
  );
}

/** A cell's textbooks and guides: a link to each, with what it costs to open. */
function Books({ cell, showLanguage }: { cell: Cell; showLanguage: boolean }) {
  const { t } = useTranslation();
  return (
    <ul className="shelf-books">
      {cell.textbooks.map((book) => (
        <Book key={book.id} book={book} label={t('textbooks.textbook')} showLanguage={showLanguage} />
      ))}
      {cell.guides.map((book) => (
        <Book key={book.id} book={book} label={t('textbooks.guide')} showLanguage={showLanguage} />
      ))}
    </ul>
  );
}

function Book({ book, label, showLanguage }: { book: ShelfBook; label: string; showLanguage: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const size = useSize();
  const meta = [
    showLanguage ? t(`portal.language.${book.language}`) : null,
    book.pages ? t('portal.pages', { n: f.number(book.pages) }) : null,
    book.sizeBytes !== null ? size(book.sizeBytes) : null,
  ].filter((m): m is string => m !== null);
  return (
    <li>
      <Link to={`/resources/${book.id}`}>
        {label}
        <span className="visually-hidden">: {book.title}</span>
      </Link>
      {meta.length ? <span className="meta"> {meta.join(' · ')}</span> : null}
    </li>
  );
}
