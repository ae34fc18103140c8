import { useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type AcademicYearRecord, type CountryPackRecord } from '@/web/api';
import { localName } from '@/web/i18n';
import '@/web/journal/journal.css';

/** A term of the current academic year, from the school calendar. */
export interface TermOption {
  code: string;
  name: string;
  startsOn: string;
  endsOn: string;
}

/** Today as a calendar day in the browser's time zone (`YYYY-MM-DD`). */
export function today(): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** The country pack (subjects, scales, calendar): the same for everyone, fetched once. */
export function useCountryPack() {
  return useQuery({
    queryKey: ['country-pack'],
    queryFn: () => api<CountryPackRecord>('/country-pack'),
    staleTime: Infinity,
  });
}

/** The current academic year's terms, in the interface language. */
export function useTerms(): { terms: TermOption[] | undefined; error: unknown } {
  const { i18n } = useTranslation();
  const pack = useCountryPack();
  const years = useQuery({
    queryKey: ['academic-years'],
    queryFn: () => api<AcademicYearRecord[]>('/academic-years'),
    staleTime: Infinity,
  });
  if (!pack.data || !years.data) return { terms: undefined, error: pack.error ?? years.error };
  const current = years.data.find((y) => y.isCurrent);
  const terms = pack.data.calendar
    .filter((e) => e.kind === 'term' && e.academicYearId === current?.id)
    .sort((a, b) => a.startsOn.localeCompare(b.startsOn))
    .map((e) => ({
      code: e.code,
      name: localName(e, i18n.language),
      startsOn: e.startsOn,
      endsOn: e.endsOn,
    }));
  return { terms, error: null };
}

/** The term a page opens on: the one under way, else the last one begun, else the first. */
export function defaultTerm(terms: TermOption[]): string | null {
  const day = today();
  const now = terms.find((t) => t.startsOn <= day && day <= t.endsOn);
  const begun = terms.filter((t) => t.startsOn <= day).at(-1);
  return (now ?? begun ?? terms[0])?.code ?? null;
}

/** A subject's name in the interface language, or its code when the pack does not know it. */
export function useSubjectName(): (code: string) => string {
  const { i18n } = useTranslation();
  const pack = useCountryPack();
  return (code) => {
    const subject = pack.data?.subjects.find((s) => s.code === code);
    return subject ? localName(subject, i18n.language) : code;
  };
}

/** A query string, leaving out empty values. */
export function query(values: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values))
    if (v !== null && v !== undefined && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The address of a journal page. */
export function journalPath(classId: number, subjectCode: string, term?: string | null): string {
  return `/journal/${classId}${query({ subject: subjectCode, term })}`;
}

function subscribeOnline(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

/** Whether the browser believes it is online, re-rendering when that changes. */
export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribeOnline,
    () => navigator.onLine,
    () => true,
  );
}

/** A term picker. */
export function TermSelect({
  id,
  terms,
  value,
  onChange,
}: {
  id: string;
  terms: TermOption[];
  value: string;
  onChange: (code: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={id}>{t('journal.term')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {terms.map((term) => (
          <option key={term.code} value={term.code}>
            {term.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Links to a report in its formats, e.g. "CSV · XLSX". */
export function ReportLinks({
  label,
  path,
  params,
  formats,
}: {
  label: string;
  path: string;
  params: Record<string, string | number | null | undefined>;
  formats: readonly ('csv' | 'xlsx' | 'pdf')[];
}) {
  const { t } = useTranslation();
  return (
    <p className="download">
      {label}:{' '}
      {formats.map((format, i) => (
        <span key={format}>
          {i > 0 ? ' · ' : null}
          <a href={`/api${path}${query({ ...params, format })}`} download>
            {t(`journal.format.${format}`)}
          </a>
        </span>
      ))}
    </p>
  );
}
