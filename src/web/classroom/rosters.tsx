import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { EnrolmentImportReport, OneRosterImportReport } from '@/modules/classroom/classroom.schema';
import { upload } from '@/web/api';
import { useFormat } from '@/web/format';
import { ErrorBox } from '@/web/components/status';

type CsvReport = Static<typeof EnrolmentImportReport>;
type RosterReport = Static<typeof OneRosterImportReport>;
type Outcome = { kind: 'csv'; report: CsvReport } | { kind: 'oneroster'; report: RosterReport };

/**
 * The school's class lists as files: the enrolment CSV (username, class) and OneRoster 1.2 (a zip of
 * classes, people and enrolments), each to download and to import. An import checks every row first; a
 * file with problems saves nothing and lists them, and "check only" reports without saving.
 */
export function Rosters({ schoolId, yearId }: { schoolId: number; yearId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const run = useMutation({
    mutationFn: async (): Promise<Outcome> => {
      const query = `?yearId=${yearId}&dryRun=${dryRun}`;
      if (file!.name.toLowerCase().endsWith('.zip')) {
        const report = await upload<RosterReport>(`/institutions/${schoolId}/oneroster${query}`, file!);
        return { kind: 'oneroster', report };
      }
      const report = await upload<CsvReport>(`/institutions/${schoolId}/enrolments/import${query}`, file!);
      return { kind: 'csv', report };
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['classes', schoolId] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) run.mutate();
  };
  const outcome = run.data;
  return (
    <section className="card" aria-labelledby="rosters-title">
      <h2 id="rosters-title">{t('rosters.title')}</h2>
      <p>{t('rosters.intro')}</p>
      <ul>
        <li>
          <a href={`/api/institutions/${schoolId}/enrolments/export?yearId=${yearId}`} download>
            {t('rosters.exportCsv')}
          </a>
        </li>
        <li>
          <a href={`/api/institutions/${schoolId}/oneroster?yearId=${yearId}`} download>
            {t('rosters.exportOneRoster')}
          </a>
        </li>
      </ul>
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={fileId}>{t('rosters.file')}</label>
          <input
            id={fileId}
            type="file"
            accept=".csv,.xlsx,.zip,text/csv,application/zip"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              run.reset();
            }}
          />
          <p className="meta">{t('rosters.fileHint')}</p>
        </div>
        <div className="field">
          <label>
            <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} />{' '}
            {t('rosters.dryRun')}
          </label>
        </div>
        <button type="submit" disabled={!file || run.isPending}>
          {dryRun ? t('rosters.check') : t('rosters.import')}
        </button>
      </form>
      {run.isError ? <ErrorBox error={run.error} /> : null}
      {outcome?.kind === 'csv' && !outcome.report.valid ? (
        <div className="error" role="alert">
          <p>{t('rosters.problems', { n: f.number(outcome.report.problems.length) })}</p>
          <ul>
            {outcome.report.problems.map((p) => (
              <li key={`${p.line}:${p.column}:${p.reason}`}>
                {t('rosters.line', { line: f.number(p.line) })}: {p.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {outcome && (outcome.kind === 'oneroster' || outcome.report.valid) ? (
        <p role="status">
          {t(outcome.report.dryRun ? 'rosters.checked' : 'rosters.done', {
            created: f.number(outcome.kind === 'oneroster' ? outcome.report.classesCreated : 0),
            enrolled: f.number(outcome.report.enrolled),
            moved: f.number(outcome.report.moved),
            unchanged: f.number(outcome.report.unchanged),
            teachers: f.number(outcome.kind === 'oneroster' ? outcome.report.teachersSet : 0),
          })}
        </p>
      ) : null}
    </section>
  );
}
