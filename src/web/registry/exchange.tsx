import { useId, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, upload, type Me, type Role } from '@/web/api';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { Field } from '@/web/components/field';
import { ErrorBox } from '@/web/components/status';

/**
 * The registry's bulk files (docs/registry-import.md): an empty template of each data set, an import that is
 * first checked row by row and only then run, and an export, for schools also in Giga's columns.
 */

const DATASETS = ['schools', 'devices', 'measurements'] as const;
type Dataset = (typeof DATASETS)[number];
const FORMATS = ['csv', 'xlsx'] as const;
type Format = (typeof FORMATS)[number];
const SCHEMAS = ['maktab', 'giga_upload', 'giga_master'] as const;
type Schema = (typeof SCHEMAS)[number];

/** Who may import each data set, as the API allows it (IMPORT_ROLES in registry-import.service.ts). */
const IMPORTERS: Record<Dataset, Role[]> = {
  schools: ['admin', 'bureau', 'director'],
  devices: ['admin', 'bureau', 'director'],
  measurements: ['admin', 'bureau', 'regional', 'director'],
};
/** The largest file the API takes (IMPORT_MAX_BYTES); a larger one is refused here before it is sent. */
const MAX_BYTES = 10 * 1024 * 1024;

/** One problem or warning of a file, as the import's report gives it; `message` names its line and column. */
interface Problem {
  line: number;
  column: string;
  reason: string;
  message: string;
}

/** The import's report (ImportReport in registry-import.routes.ts). */
interface Report {
  dataset: Dataset;
  dryRun: boolean;
  valid: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  problemCount: number;
  problems: Problem[];
  giga: boolean;
  warnings: Problem[];
}

const isProblem = (d: unknown): d is Problem =>
  typeof d === 'object' && d !== null && 'line' in d && 'message' in d;

/** The problems of a refused file, line by line, as the server wrote them in the reader's language. */
function ProblemList({ problems, total }: { problems: Problem[]; total: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <>
      <ul>
        {problems.map((p, i) => (
          <li key={`${p.line}:${p.column}:${p.reason}:${i}`}>{p.message}</li>
        ))}
      </ul>
      {total > problems.length ? (
        <p>{t('exchange.moreProblems', { n: f.number(total - problems.length) })}</p>
      ) : null}
    </>
  );
}

/** A failed check or import: the server's message, and each problem of the file when it names them. */
function ImportError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const problems = error instanceof ApiError ? (error.details as unknown[]).filter(isProblem) : [];
  if (problems.length === 0) return <ErrorBox error={error} />;
  return (
    <div className="error" role="alert">
      <p>{error instanceof ApiError && error.message ? error.message : t('exchange.invalid')}</p>
      <ProblemList problems={problems} total={problems.length} />
    </div>
  );
}

/** What a check or an import found: its counts, its problems and its warnings. */
function ReportView({ report }: { report: Report }) {
  const { t } = useTranslation();
  const f = useFormat();
  const counts = {
    rows: f.number(report.rows),
    created: f.number(report.created),
    updated: f.number(report.updated),
    unchanged: f.number(report.unchanged),
  };
  return (
    <>
      {report.valid ? (
        <p role="status">{t(report.dryRun ? 'exchange.checked' : 'exchange.done', counts)}</p>
      ) : (
        <div className="error" role="alert">
          <p>{t('exchange.problems', { n: f.number(report.problemCount) })}</p>
          <ProblemList problems={report.problems} total={report.problemCount} />
        </div>
      )}
      {report.giga ? <p>{t('exchange.gigaFile')}</p> : null}
      {report.warnings.length > 0 ? (
        <div className="warning">
          <p>{t('exchange.warnings')}</p>
          <ul>
            {report.warnings.map((w, i) => (
              <li key={`${w.line}:${w.column}:${i}`}>{w.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}

function Templates() {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="exchange-templates">
      <h2 id="exchange-templates">{t('exchange.templates')}</h2>
      <p>{t('exchange.templatesIntro')}</p>
      <ul className="list">
        {DATASETS.map((d) => (
          <li key={d}>
            <span className="what">{t(`exchange.dataset.${d}`)}</span>
            <span className="meta">
              {FORMATS.map((format, i) => (
                <span key={format}>
                  {i > 0 ? ' · ' : null}
                  <a href={`/api/registry/templates/${d}?format=${format}`} download>
                    {t('exchange.templateLink', {
                      dataset: t(`exchange.dataset.${d}`),
                      format: t(`exchange.format.${format}`),
                    })}
                  </a>
                </span>
              ))}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Import({ roles }: { roles: Role[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const datasetId = useId();
  const fileId = useId();
  const allowed = DATASETS.filter((d) => IMPORTERS[d].some((r) => roles.includes(r)));
  const [dataset, setDataset] = useState<Dataset>(allowed[0] ?? 'measurements');
  const [file, setFile] = useState<File | null>(null);
  const [tooBig, setTooBig] = useState(false);
  const check = useMutation({
    mutationFn: () => upload<Report>(`/registry/import/${dataset}?dryRun=true`, file!),
  });
  const run = useMutation({
    mutationFn: () => upload<Report>(`/registry/import/${dataset}?dryRun=false`, file!),
  });
  const reset = () => {
    check.reset();
    run.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file || tooBig) return;
    run.reset();
    check.mutate();
  };
  const busy = check.isPending || run.isPending;
  const checked = check.data?.valid && !run.data ? check.data : null;
  if (allowed.length === 0) return null;
  return (
    <section className="card" aria-labelledby="exchange-import">
      <h2 id="exchange-import">{t('exchange.import')}</h2>
      <p>{t('exchange.importIntro')}</p>
      <form className="form" onSubmit={submit} aria-busy={busy}>
        <Field id={datasetId} label={t('exchange.datasetLabel')}>
          {(a11y) => (
            <select
              {...a11y}
              value={dataset}
              onChange={(e) => {
                setDataset(e.target.value as Dataset);
                reset();
              }}
            >
              {allowed.map((d) => (
                <option key={d} value={d}>
                  {t(`exchange.dataset.${d}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id={fileId}
          label={t('exchange.file')}
          hint={t('exchange.fileHint')}
          errors={tooBig ? [t('exchange.tooBig', { size: f.number(MAX_BYTES / 1024 / 1024) })] : undefined}
        >
          {(a11y) => (
            <input
              {...a11y}
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => {
                const chosen = e.target.files?.[0] ?? null;
                setFile(chosen);
                setTooBig((chosen?.size ?? 0) > MAX_BYTES);
                reset();
              }}
            />
          )}
        </Field>
        <button type="submit" disabled={!file || tooBig || busy}>
          {t('exchange.check')}
        </button>
      </form>
      {busy ? (
        <div role="status" className="exchange-busy">
          <p>
            {t(check.isPending ? 'exchange.checking' : 'exchange.importing', {
              size: f.number(Math.max(1, Math.round((file?.size ?? 0) / 1024))),
            })}
          </p>
          <progress aria-label={t(check.isPending ? 'exchange.checkingShort' : 'exchange.importingShort')} />
        </div>
      ) : null}
      {check.isError ? <ImportError error={check.error} /> : null}
      {check.data && !run.data && !run.isError ? <ReportView report={check.data} /> : null}
      {checked ? (
        <button type="button" onClick={() => run.mutate()} disabled={busy}>
          {t('exchange.run')}
        </button>
      ) : null}
      {run.isError ? <ImportError error={run.error} /> : null}
      {run.data ? <ReportView report={run.data} /> : null}
    </section>
  );
}

function Export() {
  const { t } = useTranslation();
  const datasetId = useId();
  const formatId = useId();
  const schemaName = useId();
  const [dataset, setDataset] = useState<Dataset>('schools');
  const [format, setFormat] = useState<Format>('csv');
  const [schema, setSchema] = useState<Schema>('maktab');
  const query = new URLSearchParams({ format });
  if (dataset === 'schools') query.set('schema', schema);
  return (
    <section className="card" aria-labelledby="exchange-export">
      <h2 id="exchange-export">{t('exchange.export')}</h2>
      <p>{t('exchange.exportIntro')}</p>
      <div className="form">
        <Field id={datasetId} label={t('exchange.datasetLabel')}>
          {(a11y) => (
            <select {...a11y} value={dataset} onChange={(e) => setDataset(e.target.value as Dataset)}>
              {DATASETS.map((d) => (
                <option key={d} value={d}>
                  {t(`exchange.dataset.${d}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={formatId} label={t('exchange.formatLabel')}>
          {(a11y) => (
            <select {...a11y} value={format} onChange={(e) => setFormat(e.target.value as Format)}>
              {FORMATS.map((x) => (
                <option key={x} value={x}>
                  {t(`exchange.format.${x}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {dataset === 'schools' ? (
          <fieldset className="field exchange-columns">
            <legend>{t('exchange.columns')}</legend>
            {SCHEMAS.map((s) => (
              <label className="check" key={s}>
                <input
                  type="radio"
                  name={schemaName}
                  value={s}
                  checked={schema === s}
                  onChange={() => setSchema(s)}
                />{' '}
                {t(`exchange.schema.${s}`)}
              </label>
            ))}
          </fieldset>
        ) : null}
        <p>
          <a className="button" href={`/api/registry/export/${dataset}?${query.toString()}`} download>
            {t('exchange.download')}
          </a>
        </p>
      </div>
    </section>
  );
}

/** The registry's bulk files, for national staff, regional officers and directors. */
export function ExchangePage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const roles = me.roles.map((g) => g.role);
  return (
    <Page title={t('exchange.title')} intro={t('exchange.intro')}>
      <Templates />
      <Import roles={roles} />
      <Export />
    </Page>
  );
}
