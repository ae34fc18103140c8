import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link, navigate } from '@/web/router';
import { Page } from '@/web/components/page';
import { FormError, problemsOf } from '@/web/components/field';
import { StaleVersion, differencesOf, staleCurrent } from '@/web/components/stale-version';
import { ErrorBox, Loading } from '@/web/components/status';
import { TargetItem } from '@/web/policy/registry';
import {
  KINDS,
  LANGS,
  PEER,
  STATUSES,
  TOPICS,
  pick,
  topicKey,
  type DocumentListRecord,
  type DocumentRecord,
  type FigureRecord,
  type Localised,
  type PartnershipRecord,
  type TargetRecord,
} from '@/web/policy/registry-common';
import '@/web/policy/registry.css';

/**
 * The ministry's pages of the registry: add and change documents, their targets and the partnerships. Every
 * save sends the version it read; a save that meets someone else's change shows theirs beside the officer's,
 * to load theirs or to save over it knowingly.
 */

const blank = (): Localised => ({ az: '', ru: '', en: '' });

// ---------------------------------------------------------------------------------------------------------
// Shared inputs
// ---------------------------------------------------------------------------------------------------------

/** A text in three languages: one fieldset, an input (or text area) per language, the field's error below. */
function LocalisedInput({
  id,
  legend,
  value,
  onChange,
  errors,
  multiline,
  max,
}: {
  id: string;
  legend: string;
  value: Localised;
  onChange: (v: Localised) => void;
  errors?: string[];
  multiline?: boolean;
  max: number;
}) {
  const { t } = useTranslation();
  const errorId = `${id}-error`;
  return (
    <fieldset className="policy-langs" aria-describedby={errors?.length ? errorId : undefined}>
      <legend>{legend}</legend>
      {LANGS.map((lang, i) => {
        const props = {
          id: i === 0 ? id : `${id}-${lang}`,
          value: value[lang],
          maxLength: max,
          lang,
          ...(errors?.length ? { 'aria-invalid': true as const } : {}),
        };
        return (
          <div className="field" key={lang}>
            <label htmlFor={props.id}>{t(`policyRegistry.lang.${lang}`)}</label>
            {multiline ? (
              <textarea
                {...props}
                rows={3}
                onChange={(e) => onChange({ ...value, [lang]: e.target.value })}
              />
            ) : (
              <input {...props} onChange={(e) => onChange({ ...value, [lang]: e.target.value })} />
            )}
          </div>
        );
      })}
      {errors?.length ? (
        <p className="field-error" id={errorId}>
          {errors.join(' ')}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A labelled control with its error, for the forms below. */
function Labelled({
  id,
  label,
  errors,
  children,
}: {
  id: string;
  label: string;
  errors?: string[];
  children: (a: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode;
}) {
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(errors?.length ? { 'aria-invalid': true as const, 'aria-describedby': errorId } : {}),
      })}
      {errors?.length ? (
        <p className="field-error" id={errorId}>
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

/** Checkboxes for a set of values. */
function Checks<T extends string>({
  legend,
  all,
  value,
  label,
  onChange,
}: {
  legend: string;
  all: readonly T[];
  value: string[];
  label: (v: T) => string;
  onChange: (v: string[]) => void;
}) {
  return (
    <fieldset className="policy-checks">
      <legend>{legend}</legend>
      {all.map((v) => (
        <label key={v}>
          <input
            type="checkbox"
            checked={value.includes(v)}
            onChange={(e) => onChange(e.target.checked ? [...value, v] : value.filter((x) => x !== v))}
          />
          <span>{label(v)}</span>
        </label>
      ))}
    </fieldset>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------------------

const DOC_FIELDS = [
  'kind',
  'title',
  'issuer',
  'number',
  'adoptedOn',
  'amendedOn',
  'periodStart',
  'periodEnd',
  'status',
  'summary',
  'url',
  'topics',
  'peer',
] as const;
type DocField = (typeof DOC_FIELDS)[number];

interface DocValues {
  kind: string;
  title: Localised;
  issuer: Localised;
  number: string;
  adoptedOn: string;
  amendedOn: string;
  periodStart: string;
  periodEnd: string;
  status: string;
  summary: Localised;
  url: string;
  topics: string[];
  peer: string[];
}

const emptyDoc = (): DocValues => ({
  kind: 'state_programme',
  title: blank(),
  issuer: blank(),
  number: '',
  adoptedOn: '',
  amendedOn: '',
  periodStart: '',
  periodEnd: '',
  status: 'in_force',
  summary: blank(),
  url: '',
  topics: [],
  peer: [],
});

const docValuesOf = (d: DocumentRecord): DocValues => ({
  kind: d.kind,
  title: d.title,
  issuer: d.issuer,
  number: d.number,
  adoptedOn: d.adoptedOn,
  amendedOn: d.amendedOn ?? '',
  periodStart: d.periodStart ?? '',
  periodEnd: d.periodEnd ?? '',
  status: d.status,
  summary: d.summary,
  url: d.url,
  topics: d.topics,
  peer: d.peer,
});

const docBody = (v: DocValues) => ({
  ...v,
  amendedOn: v.amendedOn || null,
  periodStart: v.periodStart || null,
  periodEnd: v.periodEnd || null,
});

function DocumentFields({
  values,
  onChange,
  error,
}: {
  values: DocValues;
  onChange: (change: Partial<DocValues>) => void;
  error: unknown;
}) {
  const { t } = useTranslation();
  const base = useId().replace(/:/g, '');
  const id = (f: DocField) => `${base}-${f}`;
  const { byField } = problemsOf(error, DOC_FIELDS);
  const err = (f: DocField) => byField.get(f);
  return (
    <>
      <Labelled id={id('kind')} label={t('policyRegistry.kindLabel')} errors={err('kind')}>
        {(a) => (
          <select {...a} value={values.kind} onChange={(e) => onChange({ kind: e.target.value })}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`policyRegistry.kind.${k}`)}
              </option>
            ))}
          </select>
        )}
      </Labelled>
      <LocalisedInput
        id={id('title')}
        legend={t('policyRegistry.titleLabel')}
        value={values.title}
        onChange={(title) => onChange({ title })}
        errors={err('title')}
        max={500}
      />
      <LocalisedInput
        id={id('issuer')}
        legend={t('policyRegistry.issuer')}
        value={values.issuer}
        onChange={(issuer) => onChange({ issuer })}
        errors={err('issuer')}
        max={200}
      />
      <Labelled id={id('number')} label={t('policyRegistry.number')} errors={err('number')}>
        {(a) => (
          <input
            {...a}
            maxLength={50}
            value={values.number}
            onChange={(e) => onChange({ number: e.target.value })}
          />
        )}
      </Labelled>
      <Labelled id={id('adoptedOn')} label={t('policyRegistry.adoptedOn')} errors={err('adoptedOn')}>
        {(a) => (
          <input
            {...a}
            type="date"
            required
            value={values.adoptedOn}
            onChange={(e) => onChange({ adoptedOn: e.target.value })}
          />
        )}
      </Labelled>
      <Labelled id={id('amendedOn')} label={t('policyRegistry.amendedOn')} errors={err('amendedOn')}>
        {(a) => (
          <input
            {...a}
            type="date"
            value={values.amendedOn}
            onChange={(e) => onChange({ amendedOn: e.target.value })}
          />
        )}
      </Labelled>
      <Labelled id={id('periodStart')} label={t('policyRegistry.periodStart')} errors={err('periodStart')}>
        {(a) => (
          <input
            {...a}
            type="date"
            value={values.periodStart}
            onChange={(e) => onChange({ periodStart: e.target.value })}
          />
        )}
      </Labelled>
      <Labelled id={id('periodEnd')} label={t('policyRegistry.periodEnd')} errors={err('periodEnd')}>
        {(a) => (
          <input
            {...a}
            type="date"
            value={values.periodEnd}
            onChange={(e) => onChange({ periodEnd: e.target.value })}
          />
        )}
      </Labelled>
      <Labelled id={id('status')} label={t('policyRegistry.statusLabel')} errors={err('status')}>
        {(a) => (
          <select {...a} value={values.status} onChange={(e) => onChange({ status: e.target.value })}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`policyRegistry.status.${s}`)}
              </option>
            ))}
          </select>
        )}
      </Labelled>
      <LocalisedInput
        id={id('summary')}
        legend={t('policyRegistry.summary')}
        value={values.summary}
        onChange={(summary) => onChange({ summary })}
        errors={err('summary')}
        max={5000}
        multiline
      />
      <Labelled id={id('url')} label={t('policyRegistry.url')} errors={err('url')}>
        {(a) => (
          <input
            {...a}
            type="url"
            inputMode="url"
            maxLength={500}
            placeholder="https://e-qanun.az/…"
            value={values.url}
            onChange={(e) => onChange({ url: e.target.value })}
          />
        )}
      </Labelled>
      <Checks
        legend={t('policyRegistry.topicsLabel')}
        all={TOPICS}
        value={values.topics}
        label={(s) => t(topicKey(s))}
        onChange={(topics) => onChange({ topics })}
      />
      <Checks
        legend={t('policyRegistry.peerLabel')}
        all={PEER}
        value={values.peer}
        label={(q) => t(`policyRegistry.peerShort.${q}`)}
        onChange={(peer) => onChange({ peer })}
      />
    </>
  );
}

/** The ministry's registry: its documents to open and change, a new one, and the partnerships. */
export function PolicyManagePage() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const list = useQuery({
    queryKey: ['policy', 'documents', ''],
    queryFn: ({ signal }) => api<DocumentListRecord>('/policy/documents', { signal }),
  });
  return (
    <Page title={t('policyRegistry.manageTitle')} intro={t('policyRegistry.manageIntro')}>
      <p className="policy-links">
        <Link to="/policies">{t('policyRegistry.publicLink')}</Link>
        <Link to="/policies/timeline">{t('policyRegistry.timelineLink')}</Link>
      </p>
      <NewDocument />
      <section aria-labelledby="policy-manage-docs">
        <h2 id="policy-manage-docs">{t('policyRegistry.documents')}</h2>
        {list.isPending ? <Loading /> : null}
        {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
        <ul className="list">
          {list.data?.items.map((d) => (
            <li key={d.id}>
              <Link to={`/policy/manage/${d.id}`} className="what">
                {pick(d.title, i18n.language)}
              </Link>
              <span className="meta">
                {t(`policyRegistry.kind.${d.kind}`)} · {f.date(d.adoptedOn)} ·{' '}
                {t(`policyRegistry.status.${d.status}`)}
                {d.targets > 0
                  ? ` · ${t('policyRegistry.targetsReached', { reached: f.number(d.targetsReached), total: f.number(d.targets) })}`
                  : null}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <ManagePartnerships />
    </Page>
  );
}

function NewDocument() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form, setForm] = useState(emptyDoc);
  const create = useMutation({
    mutationFn: () => api<DocumentRecord>('/policy/documents', { method: 'POST', body: docBody(form) }),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: ['policy'] });
      navigate(`/policy/manage/${saved.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <details className="card">
      <summary>{t('policyRegistry.newDocument')}</summary>
      <form className="form" onSubmit={submit}>
        <DocumentFields values={form} onChange={(c) => setForm({ ...form, ...c })} error={create.error} />
        {create.isError ? (
          <FormError error={create.error} rest={problemsOf(create.error, DOC_FIELDS).rest} />
        ) : null}
        <button type="submit" disabled={create.isPending}>
          {t('policyRegistry.addDocument')}
        </button>
      </form>
    </details>
  );
}

/** A document to change: its form, its targets (each to change or remove), a new target, removal. */
export function PolicyEditPage({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const doc = useQuery({
    queryKey: ['policy', 'document', id, i18n.language],
    queryFn: ({ signal }) => api<DocumentRecord>(`/policy/documents/${id}`, { signal }),
  });
  if (doc.isPending) return <Loading />;
  if (doc.isError) return <ErrorBox error={doc.error} onRetry={() => void doc.refetch()} />;
  const d = doc.data;
  return (
    <Page title={pick(d.title, i18n.language)}>
      <p className="policy-links">
        <Link to="/policy/manage">{t('policyRegistry.backToManage')}</Link>
        <Link to={`/policies/${d.id}`}>{t('policyRegistry.publicPage')}</Link>
      </p>
      <section aria-labelledby="policy-edit-targets">
        <h2 id="policy-edit-targets">{t('policyRegistry.targets')}</h2>
        {d.targets.length === 0 ? <p>{t('policyRegistry.noTargets')}</p> : null}
        <ul className="list">
          {d.targets.map((tg) => (
            <TargetItem key={tg.id} target={tg}>
              <TargetActions documentId={d.id} target={tg} />
            </TargetItem>
          ))}
        </ul>
        <NewTarget documentId={d.id} />
      </section>
      <details className="card">
        <summary>{t('policyRegistry.editDocument')}</summary>
        <EditDocument key={d.version} doc={d} />
      </details>
      <DeleteDocument doc={d} />
    </Page>
  );
}

function EditDocument({ doc }: { doc: DocumentRecord }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const [form, setForm] = useState(() => docValuesOf(doc));
  const [version, setVersion] = useState(doc.version);
  const [stale, setStale] = useState<{ current: DocumentRecord; mine: DocValues } | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (v: { values: DocValues; version: number }) =>
      api<DocumentRecord>(`/policy/documents/${doc.id}`, {
        method: 'PUT',
        body: { ...docBody(v.values), version: v.version },
      }),
    onSuccess: async (d) => {
      setStale(null);
      setVersion(d.version);
      setSaved(true);
      await client.invalidateQueries({ queryKey: ['policy'] });
    },
    onError: (error, v) => {
      setSaved(false);
      const current = staleCurrent<DocumentRecord>(error);
      if (current) setStale({ current, mine: v.values });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setStale(null);
    save.mutate({ values: form, version });
  };
  const show = (field: DocField, value: unknown): string => {
    switch (field) {
      case 'title':
      case 'issuer':
      case 'summary':
        return pick(value as Localised, i18n.language);
      case 'kind':
        return t(`policyRegistry.kind.${String(value)}`);
      case 'status':
        return t(`policyRegistry.status.${String(value)}`);
      case 'adoptedOn':
      case 'amendedOn':
      case 'periodStart':
      case 'periodEnd':
        return typeof value === 'string' && value ? f.date(value) : '';
      case 'topics':
        return (value as string[]).map((s) => t(topicKey(s))).join('; ');
      case 'peer':
        return (value as string[]).map((q) => t(`policyRegistry.peerShort.${q}`)).join('; ');
      case 'number':
      case 'url':
        return typeof value === 'string' ? value : '';
    }
  };
  return (
    <form className="form" onSubmit={submit} aria-label={t('policyRegistry.editDocument')}>
      <DocumentFields
        values={form}
        onChange={(c) => {
          setSaved(false);
          setForm({ ...form, ...c });
        }}
        error={save.error}
      />
      {stale ? (
        <StaleVersion
          differences={differencesOf(
            DOC_FIELDS,
            docValuesOf(stale.current) as unknown as Record<DocField, unknown>,
            stale.mine as unknown as Record<DocField, unknown>,
            (k) => t(`policyRegistry.field.${k}`),
            show,
          )}
          updatedAt={stale.current.updatedAt}
          busy={save.isPending}
          onReload={() => {
            setForm(docValuesOf(stale.current));
            setVersion(stale.current.version);
            setStale(null);
            save.reset();
          }}
          onOverwrite={() => {
            const { mine, current } = stale;
            setStale(null);
            save.mutate({ values: mine, version: current.version });
          }}
        />
      ) : save.isError ? (
        <FormError error={save.error} rest={problemsOf(save.error, DOC_FIELDS).rest} />
      ) : null}
      {saved ? (
        <p role="status" className="ok">
          {t('policyRegistry.saved')}
        </p>
      ) : null}
      <button type="submit" disabled={save.isPending}>
        {t('policyRegistry.save')}
      </button>
    </form>
  );
}

function DeleteDocument({ doc }: { doc: DocumentRecord }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [sure, setSure] = useState(false);
  const remove = useMutation({
    mutationFn: () => api(`/policy/documents/${doc.id}?version=${doc.version}`, { method: 'DELETE' }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['policy'] });
      navigate('/policy/manage');
    },
  });
  return (
    <section className="card" aria-labelledby="policy-delete-doc">
      <h2 id="policy-delete-doc">{t('policyRegistry.deleteDocument')}</h2>
      <p>{t('policyRegistry.deleteDocumentIntro')}</p>
      <label className="policy-checks">
        <input type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} />{' '}
        {t('policyRegistry.deleteSure')}
      </label>
      {remove.isError ? <ErrorBox error={remove.error} /> : null}
      <button
        type="button"
        className="secondary"
        disabled={!sure || remove.isPending}
        onClick={() => remove.mutate()}
      >
        {t('policyRegistry.delete')}
      </button>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------------------

const TARGET_FIELDS = ['description', 'indicator', 'baseline', 'target', 'dueOn'] as const;
type TargetField = (typeof TARGET_FIELDS)[number];
interface TargetValues {
  description: Localised;
  indicator: string;
  baseline: string;
  target: string;
  dueOn: string;
}
const emptyTarget = (): TargetValues => ({
  description: blank(),
  indicator: 'schools_connected',
  baseline: '0',
  target: '',
  dueOn: '',
});
const targetValuesOf = (tg: TargetRecord): TargetValues => ({
  description: tg.description,
  indicator: tg.indicator,
  baseline: String(tg.baseline),
  target: String(tg.target),
  dueOn: tg.dueOn ?? '',
});
const targetBody = (v: TargetValues) => ({
  description: v.description,
  indicator: v.indicator,
  baseline: v.baseline === '' ? 0 : Number(v.baseline),
  target: v.target === '' ? -1 : Number(v.target),
  dueOn: v.dueOn || null,
});

/** The live figures a target may be measured by, with their value now. */
function useFigures() {
  const { i18n } = useTranslation();
  return useQuery({
    queryKey: ['policy', 'figures', i18n.language],
    queryFn: ({ signal }) => api<{ items: FigureRecord[] }>('/policy/figures', { signal }),
    staleTime: 60_000,
  });
}

function TargetFields({
  values,
  onChange,
  error,
}: {
  values: TargetValues;
  onChange: (c: Partial<TargetValues>) => void;
  error: unknown;
}) {
  const { t } = useTranslation();
  const base = useId().replace(/:/g, '');
  const id = (f: TargetField) => `${base}-${f}`;
  const figures = useFigures();
  const { byField } = problemsOf(error, TARGET_FIELDS);
  const err = (f: TargetField) => byField.get(f);
  const unit = figures.data?.items.find((x) => x.key === values.indicator)?.unit;
  const unitHint =
    unit === 'share' ? t('policyRegistry.inPercent') : unit === 'ratio' ? t('policyRegistry.inRatio') : '';
  return (
    <>
      <LocalisedInput
        id={id('description')}
        legend={t('policyRegistry.targetDescription')}
        value={values.description}
        onChange={(description) => onChange({ description })}
        errors={err('description')}
        max={500}
      />
      <Labelled id={id('indicator')} label={t('policyRegistry.indicator')} errors={err('indicator')}>
        {(a) => (
          <select {...a} value={values.indicator} onChange={(e) => onChange({ indicator: e.target.value })}>
            {(figures.data?.items ?? []).map((x) => (
              <option key={x.key} value={x.key}>
                {x.label}
              </option>
            ))}
            {figures.data ? null : <option value={values.indicator}>{t('common.loading')}</option>}
          </select>
        )}
      </Labelled>
      {unitHint ? <p className="hint">{unitHint}</p> : null}
      <Labelled id={id('baseline')} label={t('policyRegistry.baseline')} errors={err('baseline')}>
        {(a) => (
          <input
            {...a}
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            value={values.baseline}
            onChange={(e) => onChange({ baseline: e.target.value })}
          />
        )}
      </Labelled>
      <Labelled id={id('target')} label={t('policyRegistry.targetValue')} errors={err('target')}>
        {(a) => (
          <input
            {...a}
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            required
            value={values.target}
            onChange={(e) => onChange({ target: e.target.value })}
          />
        )}
      </Labelled>
      <Labelled id={id('dueOn')} label={t('policyRegistry.dueOn')} errors={err('dueOn')}>
        {(a) => (
          <input
            {...a}
            type="date"
            value={values.dueOn}
            onChange={(e) => onChange({ dueOn: e.target.value })}
          />
        )}
      </Labelled>
    </>
  );
}

function NewTarget({ documentId }: { documentId: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form, setForm] = useState(emptyTarget);
  const create = useMutation({
    mutationFn: () =>
      api<TargetRecord>(`/policy/documents/${documentId}/targets`, {
        method: 'POST',
        body: targetBody(form),
      }),
    onSuccess: async () => {
      setForm(emptyTarget());
      await client.invalidateQueries({ queryKey: ['policy'] });
    },
  });
  return (
    <form
      className="form card"
      aria-labelledby="policy-new-target"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h3 id="policy-new-target">{t('policyRegistry.newTarget')}</h3>
      <TargetFields values={form} onChange={(c) => setForm({ ...form, ...c })} error={create.error} />
      {create.isError ? (
        <FormError error={create.error} rest={problemsOf(create.error, TARGET_FIELDS).rest} />
      ) : null}
      <button type="submit" disabled={create.isPending}>
        {t('policyRegistry.addTarget')}
      </button>
    </form>
  );
}

/** Change or remove one target, at the version read. */
function TargetActions({ target: tg }: { documentId: number; target: TargetRecord }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [form, setForm] = useState(() => targetValuesOf(tg));
  const [stale, setStale] = useState<{ current: TargetRecord; mine: TargetValues } | null>(null);
  const save = useMutation({
    mutationFn: (v: { values: TargetValues; version: number }) =>
      api<TargetRecord>(`/policy/targets/${tg.id}`, {
        method: 'PUT',
        body: { ...targetBody(v.values), version: v.version },
      }),
    onSuccess: async () => {
      setStale(null);
      setEditing(false);
      await client.invalidateQueries({ queryKey: ['policy'] });
    },
    onError: (error, v) => {
      const current = staleCurrent<TargetRecord>(error);
      if (current) setStale({ current, mine: v.values });
    },
  });
  const remove = useMutation({
    mutationFn: () => api(`/policy/targets/${tg.id}?version=${tg.version}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['policy'] }),
  });
  if (!editing)
    return (
      <div className="row-buttons">
        <button type="button" className="secondary" onClick={() => setEditing(true)}>
          {t('policyRegistry.editTarget')}
        </button>
        {confirming ? (
          <>
            <span role="alert">{t('policyRegistry.deleteTargetSure')}</span>
            <button type="button" disabled={remove.isPending} onClick={() => remove.mutate()}>
              {t('policyRegistry.delete')}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              {t('policyRegistry.cancel')}
            </button>
          </>
        ) : (
          <button type="button" className="secondary" onClick={() => setConfirming(true)}>
            {t('policyRegistry.deleteTarget')}
          </button>
        )}
        {remove.isError ? <ErrorBox error={remove.error} /> : null}
      </div>
    );
  const show = (field: TargetField, value: unknown) =>
    field === 'description'
      ? pick(value as Localised, i18n.language)
      : typeof value === 'string' || typeof value === 'number'
        ? String(value)
        : '';
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        setStale(null);
        save.mutate({ values: form, version: tg.version });
      }}
    >
      <TargetFields values={form} onChange={(c) => setForm({ ...form, ...c })} error={save.error} />
      {stale ? (
        <StaleVersion
          differences={differencesOf(
            TARGET_FIELDS,
            targetValuesOf(stale.current) as unknown as Record<TargetField, unknown>,
            stale.mine as unknown as Record<TargetField, unknown>,
            (k) => t(`policyRegistry.field.${k}`),
            show,
          )}
          updatedAt={null}
          busy={save.isPending}
          onReload={() => {
            setForm(targetValuesOf(stale.current));
            setStale(null);
            save.reset();
            void client.invalidateQueries({ queryKey: ['policy'] });
          }}
          onOverwrite={() => {
            const { mine, current } = stale;
            setStale(null);
            save.mutate({ values: mine, version: current.version });
          }}
        />
      ) : save.isError ? (
        <FormError error={save.error} rest={problemsOf(save.error, TARGET_FIELDS).rest} />
      ) : null}
      <div className="row-buttons">
        <button type="submit" disabled={save.isPending}>
          {t('policyRegistry.save')}
        </button>
        <button type="button" className="secondary" onClick={() => setEditing(false)}>
          {t('policyRegistry.cancel')}
        </button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Partnerships
// ---------------------------------------------------------------------------------------------------------

const PARTNER_FIELDS = [
  'partner',
  'contribution',
  'quantity',
  'startedOn',
  'endedOn',
  'documentId',
  'topics',
] as const;
type PartnerField = (typeof PARTNER_FIELDS)[number];
interface PartnerValues {
  partner: string;
  contribution: Localised;
  quantity: string;
  startedOn: string;
  endedOn: string;
  documentId: string;
  topics: string[];
}
const emptyPartner = (): PartnerValues => ({
  partner: '',
  contribution: blank(),
  quantity: '',
  startedOn: '',
  endedOn: '',
  documentId: '',
  topics: [],
});
const partnerValuesOf = (p: PartnershipRecord): PartnerValues => ({
  partner: p.partner,
  contribution: p.contribution,
  quantity: p.quantity === null ? '' : String(p.quantity),
  startedOn: p.startedOn,
  endedOn: p.endedOn ?? '',
  documentId: p.documentId === null ? '' : String(p.documentId),
  topics: p.topics,
});
const partnerBody = (v: PartnerValues) => ({
  partner: v.partner,
  contribution: v.contribution,
  quantity: v.quantity === '' ? null : Number(v.quantity),
  startedOn: v.startedOn,
  endedOn: v.endedOn || null,
  documentId: v.documentId === '' ? null : Number(v.documentId),
  topics: v.topics,
});

function PartnerFields({
  values,
  onChange,
  error,
}: {
  values: PartnerValues;
  onChange: (c: Partial<PartnerValues>) => void;
  error: unknown;
}) {
  const { t, i18n } = useTranslation();
  const base = useId().replace(/:/g, '');
  const id = (f: PartnerField) => `${base}-${f}`;
  const docs = useQuery({
    queryKey: ['policy', 'documents', ''],
    queryFn: ({ signal }) => api<DocumentListRecord>('/policy/documents', { signal }),
  });
  const { byField } = problemsOf(error, PARTNER_FIELDS);
  const err = (f: PartnerField) => byField.get(f);
  return (
    <>
      <Labelled id={id('partner')} label={t('policyRegistry.partner')} errors={err('partner')}>
        {(a) => (
          <input
            {...a}
            required
            maxLength={200}
            value={values.partner}
            onChange={(e) => onChange({ partner: e.target.value })}
          />
        )}
      </Labelled>
      <LocalisedInput
        id={id('contribution')}
        legend={t('policyRegistry.contribution')}
        value={values.contribution}
        onChange={(contribution) => onChange({ contribution })}
        errors={err('contribution')}
        max={1000}
        multiline
      />
      <Labelled id={id('quantity')} label={t('policyRegistry.quantityLabel')} errors={err('quantity')}>
        {(a) => (
          <input
            {...a}
            type="number"
            inputMode="numeric"
            min={0}
            value={values.quantity}
            onChange={(e) => onChange({ quantity: e.target.value })}
          />
        )}
      </Labelled>
      <Labelled id={id('startedOn')} label={t('policyRegistry.startedOn')} errors={err('startedOn')}>
        {(a) => (
          <input
            {...a}
            type="date"
            required
            value={values.startedOn}
            onChange={(e) => onChange({ startedOn: e.target.value })}
          />
        )}
      </Labelled>
      <Labelled id={id('endedOn')} label={t('policyRegistry.endedOn')} errors={err('endedOn')}>
        {(a) => (
          <input
            {...a}
            type="date"
            value={values.endedOn}
            onChange={(e) => onChange({ endedOn: e.target.value })}
          />
        )}
      </Labelled>
      <Labelled id={id('documentId')} label={t('policyRegistry.underDocument')} errors={err('documentId')}>
        {(a) => (
          <select {...a} value={values.documentId} onChange={(e) => onChange({ documentId: e.target.value })}>
            <option value="">{t('policyRegistry.noDocument')}</option>
            {docs.data?.items.map((d) => (
              <option key={d.id} value={String(d.id)}>
                {pick(d.title, i18n.language)}
              </option>
            ))}
          </select>
        )}
      </Labelled>
      <Checks
        legend={t('policyRegistry.topicsLabel')}
        all={TOPICS}
        value={values.topics}
        label={(s) => t(topicKey(s))}
        onChange={(topics) => onChange({ topics })}
      />
    </>
  );
}

function ManagePartnerships() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ['policy', 'partnerships'],
    queryFn: ({ signal }) => api<{ items: PartnershipRecord[] }>('/policy/partnerships', { signal }),
  });
  const [form, setForm] = useState(emptyPartner);
  const [editing, setEditing] = useState<PartnershipRecord | null>(null);
  /** The partnership whose deletion waits for a second tap. */
  const [confirmId, setConfirmId] = useState<number | null>(null);
  const save = useMutation({
    mutationFn: () =>
      editing
        ? api<PartnershipRecord>(`/policy/partnerships/${editing.id}`, {
            method: 'PUT',
            body: { ...partnerBody(form), version: editing.version },
          })
        : api<PartnershipRecord>('/policy/partnerships', { method: 'POST', body: partnerBody(form) }),
    onSuccess: async () => {
      setForm(emptyPartner());
      setEditing(null);
      await client.invalidateQueries({ queryKey: ['policy'] });
    },
  });
  const remove = useMutation({
    mutationFn: (p: PartnershipRecord) =>
      api(`/policy/partnerships/${p.id}?version=${p.version}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['policy'] }),
  });
  const stale = staleCurrent<PartnershipRecord>(save.error);
  return (
    <section aria-labelledby="policy-manage-partners">
      <h2 id="policy-manage-partners">{t('policyRegistry.partnerships')}</h2>
      <form
        className="form card"
        aria-labelledby="policy-partner-form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <h3 id="policy-partner-form">
          {editing ? t('policyRegistry.editPartnership') : t('policyRegistry.newPartnership')}
        </h3>
        <PartnerFields values={form} onChange={(c) => setForm({ ...form, ...c })} error={save.error} />
        {stale ? (
          <div className="error" role="alert">
            <p>{t('policyRegistry.partnershipStale')}</p>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setEditing(stale);
                setForm(partnerValuesOf(stale));
                save.reset();
              }}
            >
              {t('stale.reload')}
            </button>
          </div>
        ) : save.isError ? (
          <FormError error={save.error} rest={problemsOf(save.error, PARTNER_FIELDS).rest} />
        ) : null}
        <div className="row-buttons">
          <button type="submit" disabled={save.isPending}>
            {editing ? t('policyRegistry.save') : t('policyRegistry.addPartnership')}
          </button>
          {editing ? (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setEditing(null);
                setForm(emptyPartner());
                save.reset();
              }}
            >
              {t('policyRegistry.cancel')}
            </button>
          ) : null}
        </div>
      </form>
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      {remove.isError ? <ErrorBox error={remove.error} /> : null}
      <ul className="list">
        {list.data?.items.map((p) => (
          <li key={p.id} data-partnership={p.id}>
            <span className="what">{p.partner}</span>
            <span>{pick(p.contribution, i18n.language)}</span>
            <span className="meta">
              {f.date(p.startedOn)}
              {p.quantity !== null ? ` · ${t('policyRegistry.quantity', { n: f.number(p.quantity) })}` : null}
            </span>
            <div className="row-buttons">
              <button
                type="button"
                className="secondary"
                aria-label={t('policyRegistry.editNamed', { name: p.partner })}
                onClick={() => {
                  setEditing(p);
                  setForm(partnerValuesOf(p));
                  save.reset();
                  document.getElementById('policy-partner-form')?.scrollIntoView({ block: 'start' });
                }}
              >
                {t('policyRegistry.edit')}
              </button>
              {confirmId === p.id ? (
                <>
                  <button type="button" disabled={remove.isPending} onClick={() => remove.mutate(p)}>
                    {t('policyRegistry.deleteNamed', { name: p.partner })}
                  </button>
                  <button type="button" className="secondary" onClick={() => setConfirmId(null)}>
                    {t('policyRegistry.cancel')}
                  </button>
                </>
              ) : (
                <button
                  type="button"
                  className="secondary"
                  aria-label={t('policyRegistry.deleteNamed', { name: p.partner })}
                  onClick={() => setConfirmId(p.id)}
                >
                  {t('policyRegistry.delete')}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
