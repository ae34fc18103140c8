import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import { api, ApiError, upload } from '@/web/api';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { Field } from '@/web/components/field';
import { ErrorBox, Loading } from '@/web/components/status';
import { Link } from '@/web/router';
import type { HistoryImports, HistoryReport } from '@/modules/training/training.needs.schema';

/**
 * Past training records carried in from files (2005–2021 and since): a template with headers in the reader's
 * language, a check of the whole file row by row, then the import of all rows or none; the files imported, each
 * deletable whole. National staff only.
 */

type Report = Static<typeof HistoryReport>;
type Imports = Static<typeof HistoryImports>;
type Problem = Report['problems'][number];

/** The largest file the API takes (IMPORT_MAX_BYTES). */
const MAX_BYTES = 10 * 1024 * 1024;

const isProblem = (d: unknown): d is Problem =>
  typeof d === 'object' && d !== null && 'line' in d && 'message' in d;

function Problems({ problems, total }: { problems: Problem[]; total: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <div className="error" role="alert">
      <p>{t('trainingNeeds.history.problems', { n: f.number(total) })}</p>
      <ul>
        {problems.map((p, i) => (
          <li key={`${p.line}:${p.column}:${i}`}>{p.message}</li>
        ))}
      </ul>
    </div>
  );
}

export function TrainingHistoryPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const base = useId();
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const imports = useQuery({
    queryKey: ['training', 'history'],
    queryFn: () => api<Imports>('/training/history/imports'),
  });
  const name = () => encodeURIComponent(file?.name ?? '');
  const check = useMutation({
    mutationFn: () => upload<Report>(`/training/history/import?dryRun=true&name=${name()}`, file!),
  });
  const run = useMutation({
    mutationFn: () => upload<Report>(`/training/history/import?dryRun=false&name=${name()}`, file!),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['training'] }),
  });
  const remove = useMutation({
    mutationFn: (id: number) => api(`/training/history/imports/${id}`, { method: 'DELETE' }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['training'] }),
  });
  const tooBig = (file?.size ?? 0) > MAX_BYTES;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file || tooBig) return;
    run.reset();
    check.mutate();
  };
  const busy = check.isPending || run.isPending;
  const runProblems = run.error instanceof ApiError ? (run.error.details as unknown[]).filter(isProblem) : [];
  return (
    <Page title={t('trainingNeeds.history.title')} intro={t('trainingNeeds.history.intro')}>
      <p>
        <Link to="/training/needs">{t('trainingNeeds.backToNeeds')}</Link>
      </p>
      <section className="card" aria-labelledby={`${base}-t`}>
        <h2 id={`${base}-t`}>{t('trainingNeeds.history.template')}</h2>
        <p>{t('trainingNeeds.history.templateIntro')}</p>
        <p className="download">
          <a href="/api/training/history/template?format=xlsx" download>
            {t('trainingNeeds.history.templateXlsx')}
          </a>
          {' · '}
          <a href="/api/training/history/template?format=csv" download>
            {t('trainingNeeds.history.templateCsv')}
          </a>
        </p>
      </section>
      <section className="card" aria-labelledby={`${base}-i`}>
        <h2 id={`${base}-i`}>{t('trainingNeeds.history.import')}</h2>
        <form className="form" onSubmit={submit} aria-busy={busy}>
          <Field
            id={`${base}-file`}
            label={t('trainingNeeds.history.file')}
            hint={t('trainingNeeds.history.fileHint')}
            errors={tooBig ? [t('trainingNeeds.history.tooBig')] : undefined}
          >
            {(a11y) => (
              <input
                {...a11y}
                type="file"
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  check.reset();
                  run.reset();
                }}
              />
            )}
          </Field>
          <button type="submit" disabled={!file || tooBig || busy}>
            {t('trainingNeeds.history.check')}
          </button>
        </form>
        {busy ? <Loading /> : null}
        {check.isError ? <ErrorBox error={check.error} /> : null}
        {check.data && !check.data.valid ? (
          <Problems problems={check.data.problems} total={check.data.problemCount} />
        ) : null}
        {check.data?.valid && !run.data ? (
          <>
            <p role="status">
              {t('trainingNeeds.history.checked', {
                rows: f.number(check.data.rows),
                linked: f.number(check.data.linked),
              })}
            </p>
            <button type="button" onClick={() => run.mutate()} disabled={busy}>
              {t('trainingNeeds.history.run')}
            </button>
          </>
        ) : null}
        {run.isError ? (
          runProblems.length > 0 ? (
            <Problems problems={runProblems} total={runProblems.length} />
          ) : (
            <ErrorBox error={run.error} />
          )
        ) : null}
        {run.data ? (
          <p role="status">{t('trainingNeeds.history.done', { rows: f.number(run.data.rows) })}</p>
        ) : null}
      </section>
      <section className="card" aria-labelledby={`${base}-l`}>
        <h2 id={`${base}-l`}>{t('trainingNeeds.history.imports')}</h2>
        {imports.isPending ? <Loading /> : null}
        {imports.isError ? <ErrorBox error={imports.error} /> : null}
        {imports.data && imports.data.items.length === 0 ? <p>{t('trainingNeeds.history.none')}</p> : null}
        {remove.isError ? <ErrorBox error={remove.error} /> : null}
        <ul className="list" data-testid="history-imports">
          {(imports.data?.items ?? []).map((i) => (
            <li key={i.id}>
              <span className="what">{i.fileName}</span>
              <span className="meta">
                {t('trainingNeeds.history.importMeta', {
                  rows: f.number(i.rows),
                  from: i.firstOn ?? '—',
                  to: i.lastOn ?? '—',
                  who: i.importedBy,
                  when: f.date(i.importedAt.slice(0, 10)),
                })}
              </span>
              <button
                type="button"
                className="secondary"
                disabled={remove.isPending}
                onClick={() => {
                  if (window.confirm(t('trainingNeeds.history.confirmDelete', { name: i.fileName }))) {
                    remove.mutate(i.id);
                  }
                }}
              >
                {t('trainingNeeds.history.delete')}
              </button>
            </li>
          ))}
        </ul>
      </section>
    </Page>
  );
}
