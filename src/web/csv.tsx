import { useTranslation } from 'react-i18next';
import { csvText, type CsvValue } from '@/server/csv';

/**
 * CSV downloads. Tables the API already offers as CSV link to it (`?format=csv`); tables the page builds
 * itself are turned into CSV here, in the browser, so every table and chart can be taken away as data.
 */

/** A "Download CSV" link for rows built in the page. */
export function CsvLink({
  header,
  rows,
  name,
  label,
}: {
  header: readonly string[];
  rows: readonly (readonly CsvValue[])[];
  name: string;
  label?: string;
}) {
  const { t } = useTranslation();
  const href = `data:text/csv;charset=utf-8,${encodeURIComponent(csvText(header, rows))}`;
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
