import { useTranslation } from 'react-i18next';

/**
 * CSV downloads. Tables the API already offers as CSV link to it (`?format=csv`); tables the page builds
 * itself are turned into CSV here, in the browser, so every table and chart can be taken away as data.
 */

type Cell = string | number | boolean | null | undefined;

/** RFC 4180 CSV, with a byte-order mark so spreadsheet programs read Azerbaijani and Russian letters right. */
export function toCsv(rows: readonly (readonly Cell[])[]): string {
  const cell = (value: Cell) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `\uFEFF${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** A "Download CSV" link for rows built in the page (header row first). */
export function CsvLink({
  rows,
  name,
  label,
}: {
  rows: readonly (readonly Cell[])[];
  name: string;
  label?: string;
}) {
  const { t } = useTranslation();
  const href = `data:text/csv;charset=utf-8,${encodeURIComponent(toCsv(rows))}`;
  return (
    <p className="download">
      <a href={href} download={`${name}.csv`}>
        {label ?? t('common.downloadCsv')}
      </a>
    </p>
  );
}

/** A "Download CSV" link to an API address that answers CSV itself. */
export function ApiCsvLink({ path, label }: { path: string; label?: string }) {
  const { t } = useTranslation();
  const href = `/api${path}${path.includes('?') ? '&' : '?'}format=csv`;
  return (
    <p className="download">
      <a href={href} download>
        {label ?? t('common.downloadCsv')}
      </a>
    </p>
  );
}
