import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type {
  Certificate,
  CertificateList,
  External,
  ExternalList,
} from '@/modules/training/training.certificates.schema';
import { api, ApiError, changeHeaders, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { Field, FormError, problemsOf } from '@/web/components/field';
import { ErrorBox, Loading } from '@/web/components/status';

type CertificateRecord = Static<typeof Certificate>;
type ExternalRecord = Static<typeof External>;

const KINDS = ['ecdl', 'icdl', 'intel', 'other'] as const;

/** Where a certificate stands, for its badge. */
function standing(c: CertificateRecord): 'valid' | 'revoked' | 'expired' {
  if (c.revokedAt) return 'revoked';
  if (c.validUntil && Date.parse(c.validUntil) < Date.now()) return 'expired';
  return 'valid';
}
const TONE = { valid: 'state-verified', revoked: 'conn-bad', expired: 'state-draft' } as const;
const EXTERNAL_TONE = {
  submitted: 'state-submitted',
  verified: 'state-verified',
  rejected: 'conn-bad',
} as const;

/** A certificate's lines: title, holder (for those who manage), dates, standing. */
function CertificateLines({ c, showHolder }: { c: CertificateRecord; showHolder: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const state = standing(c);
  return (
    <>
      <span className="what">{showHolder ? `${c.holderName} — ${c.title}` : c.title}</span>
      <span className="meta">
        {showHolder && c.school ? `${c.school} · ` : null}
        {t('trainingCerts.issuedOn', { date: f.date(c.issuedAt) })} ·{' '}
        {c.validUntil
          ? t('trainingCerts.validUntilOn', { date: f.date(c.validUntil) })
          : t('trainingCerts.noExpiry')}
        {c.hours !== null ? ` · ${t('trainingCerts.hours', { n: f.number(c.hours) })}` : null}{' '}
        <span className={`badge ${TONE[state]}`}>{t(`trainingCerts.status.${state}`)}</span>
      </span>
      {c.revokedAt && c.revokeReason ? (
        <p>{t('trainingCerts.revokedBecause', { reason: c.revokeReason })}</p>
      ) : null}
    </>
  );
}

/** A teacher's certificates: downloads, the public check, and certificates from outside. */
export function MyCertificatesPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['training', 'certificates', 'mine'],
    queryFn: ({ signal }) => api<Static<typeof CertificateList>>('/training/certificates/mine', { signal }),
  });
  return (
    <Page title={t('trainingCerts.mineTitle')} intro={t('trainingCerts.mineIntro')}>
      <section aria-labelledby="certs-mine">
        <h2 id="certs-mine">{t('trainingCerts.issuedHere')}</h2>
        {list.isPending ? <Loading /> : null}
        {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
        {list.data?.items.length === 0 ? <p>{t('trainingCerts.none')}</p> : null}
        <ul className="list">
          {list.data?.items.map((c) => (
            <li key={c.id}>
              <CertificateLines c={c} showHolder={false} />
              <p className="row-buttons">
                <a className="button" href={`/api/training/certificates/${c.id}/pdf`} download>
                  {t('trainingCerts.downloadPdf')}
                </a>{' '}
                <a
                  className="button secondary"
                  href={`/api/training/certificates/${c.id}/credential`}
                  download
                >
                  {t('trainingCerts.downloadJson')}
                </a>{' '}
                <Link to={`/verify/${c.id}`}>{t('trainingCerts.checkPublic')}</Link>
              </p>
            </li>
          ))}
        </ul>
      </section>
      <ExternalSection me={me} />
    </Page>
  );
}

/** Sends a file as the raw body of a PUT; the server tells its kind by its bytes. */
async function putFile<T>(path: string, file: File): Promise<T> {
  const response = await fetch(`/api${path}?name=${encodeURIComponent(file.name.slice(0, 200))}`, {
    method: 'PUT',
    headers: { ...changeHeaders(), 'content-type': 'application/octet-stream', accept: 'application/json' },
    body: file,
    credentials: 'same-origin',
  });
  const body = (await response.json().catch(() => null)) as
    (T & { error?: { code: string; message: string } }) | null;
  if (response.ok && body) return body;
  throw new ApiError(response.status, body?.error?.code ?? 'unknown', body?.error?.message ?? '');
}

const EXTERNAL_FIELDS = ['kind', 'title', 'provider', 'issuedOn', 'expiresOn', 'reference'] as const;

/** The teacher's certificates from outside: the form to record one with its evidence, and their states. */
function ExternalSection({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const staff = me.roles.some((g) => g.role === 'teacher' || g.role === 'director');
  const list = useQuery({
    queryKey: ['training', 'external', 'mine'],
    queryFn: ({ signal }) => api<Static<typeof ExternalList>>('/training/external/mine', { signal }),
    enabled: staff,
  });
  const empty = { kind: 'ecdl', title: '', provider: '', issuedOn: '', expiresOn: '', reference: '' };
  const [values, setValues] = useState(empty);
  const [file, setFile] = useState<File | null>(null);
  const save = useMutation({
    mutationFn: async () => {
      const created = await api<ExternalRecord>('/training/external', {
        method: 'POST',
        body: {
          kind: values.kind,
          title: values.title,
          provider: values.provider,
          issuedOn: values.issuedOn,
          expiresOn: values.expiresOn || null,
          reference: values.reference,
        },
      });
      if (file) await putFile(`/training/external/${created.id}/evidence`, file);
      return created;
    },
    onSuccess: () => {
      setValues(empty);
      setFile(null);
      void client.invalidateQueries({ queryKey: ['training', 'external'] });
    },
  });
  if (!staff) return null;
  const { byField, rest } = problemsOf(save.error, EXTERNAL_FIELDS);
  const set = (key: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues({ ...values, [key]: e.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <section aria-labelledby="certs-external">
      <h2 id="certs-external">{t('trainingCerts.externalTitle')}</h2>
      <p>{t('trainingCerts.externalIntro')}</p>
      <ul className="list">
        {list.data?.items.map((e) => (
          <li key={e.id}>
            <span className="what">
              {e.title} — {e.provider}
            </span>
            <span className="meta">
              {t(`trainingCerts.kind.${e.kind}`)} · {f.date(e.issuedOn)}
              {e.expiresOn ? ` – ${f.date(e.expiresOn)}` : null}
              {e.reference ? ` · ${e.reference}` : null}{' '}
              <span className={`badge ${EXTERNAL_TONE[e.status]}`}>
                {t(`trainingCerts.external.${e.status}`)}
              </span>
            </span>
            {e.note ? <p>{t('trainingCerts.note', { note: e.note })}</p> : null}
            {e.evidenceName ? (
              <p>
                <a href={`/api/training/external/${e.id}/evidence`} download>
                  {t('trainingCerts.evidence', { name: e.evidenceName })}
                </a>
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      <form className="form" onSubmit={submit} noValidate>
        <h3>{t('trainingCerts.addExternal')}</h3>
        <Field id="ext-kind" label={t('trainingCerts.kindLabel')} errors={byField.get('kind')}>
          {(a11y) => (
            <select {...a11y} value={values.kind} onChange={set('kind')}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`trainingCerts.kind.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="ext-title" label={t('trainingCerts.titleLabel')} errors={byField.get('title')}>
          {(a11y) => <input {...a11y} value={values.title} onChange={set('title')} maxLength={200} />}
        </Field>
        <Field id="ext-provider" label={t('trainingCerts.providerLabel')} errors={byField.get('provider')}>
          {(a11y) => <input {...a11y} value={values.provider} onChange={set('provider')} maxLength={200} />}
        </Field>
        <Field id="ext-issued" label={t('trainingCerts.issuedLabel')} errors={byField.get('issuedOn')}>
          {(a11y) => <input {...a11y} type="date" value={values.issuedOn} onChange={set('issuedOn')} />}
        </Field>
        <Field id="ext-expires" label={t('trainingCerts.expiresLabel')} errors={byField.get('expiresOn')}>
          {(a11y) => <input {...a11y} type="date" value={values.expiresOn} onChange={set('expiresOn')} />}
        </Field>
        <Field id="ext-reference" label={t('trainingCerts.referenceLabel')} errors={byField.get('reference')}>
          {(a11y) => <input {...a11y} value={values.reference} onChange={set('reference')} maxLength={100} />}
        </Field>
        <Field id="ext-file" label={t('trainingCerts.evidenceLabel')} hint={t('trainingCerts.evidenceHint')}>
          {(a11y) => (
            <input
              {...a11y}
              type="file"
              accept="application/pdf,image/jpeg,image/png"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          )}
        </Field>
        {save.isError ? <FormError error={save.error} rest={rest} /> : null}
        <button type="submit" disabled={save.isPending}>
          {t('trainingCerts.save')}
        </button>
      </form>
    </section>
  );
}

const manages = (me: Me) => me.roles.some((g) => ['admin', 'bureau', 'regional'].includes(g.role));
const decides = (me: Me) => me.roles.some((g) => g.role === 'admin' || g.role === 'regional');

/** For the bureau, the district and the director: certificates to find and revoke, ZIPs, certificates from outside. */
export function ManageCertificatesPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [programme, setProgramme] = useState('');
  const [filter, setFilter] = useState<{ q: string; programmeId: string }>({ q: '', programmeId: '' });
  const params = new URLSearchParams();
  if (filter.q) params.set('q', filter.q);
  if (/^[1-9][0-9]{0,8}$/.test(filter.programmeId)) params.set('programmeId', filter.programmeId);
  const query = params.toString();
  const list = useQuery({
    queryKey: ['training', 'certificates', 'list', query],
    queryFn: ({ signal }) =>
      api<Static<typeof CertificateList>>(`/training/certificates${query ? `?${query}` : ''}`, { signal }),
  });
  const programmes = new Map<number, string>();
  for (const c of list.data?.items ?? []) if (c.programmeId !== null) programmes.set(c.programmeId, c.title);
  return (
    <Page title={t('trainingCerts.manageTitle')} intro={t('trainingCerts.manageIntro')}>
      <form
        className="form search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ q: q.trim(), programmeId: programme });
        }}
      >
        <Field id="cert-q" label={t('trainingCerts.searchName')}>
          {(a11y) => (
            <input {...a11y} type="search" value={q} onChange={(e) => setQ(e.target.value)} maxLength={100} />
          )}
        </Field>
        <Field id="cert-programme" label={t('trainingCerts.programme')}>
          {(a11y) => (
            <select {...a11y} value={programme} onChange={(e) => setProgramme(e.target.value)}>
              <option value="">{t('trainingCerts.allProgrammes')}</option>
              {[...programmes].map(([id, title]) => (
                <option key={id} value={String(id)}>
                  {title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit">{t('trainingCerts.find')}</button>
      </form>
      {manages(me) && params.has('programmeId') ? (
        <p>
          <a
            className="button"
            href={`/api/training/programmes/${filter.programmeId}/certificates.zip`}
            download
          >
            {t('trainingCerts.downloadZip')}
          </a>
        </p>
      ) : null}
      {manages(me) && !params.has('programmeId') && programmes.size > 0 ? (
        <ul className="list">
          {[...programmes].map(([id, title]) => (
            <li key={id}>
              <span className="what">{title}</span>
              <a href={`/api/training/programmes/${id}/certificates.zip`} download>
                {t('trainingCerts.downloadZip')}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      <section aria-labelledby="certs-list">
        <h2 id="certs-list">{t('trainingCerts.issuedHere')}</h2>
        {list.isPending ? <Loading /> : null}
        {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
        {list.data?.items.length === 0 ? <p>{t('trainingCerts.none')}</p> : null}
        <ul className="list">
          {list.data?.items.map((c) => (
            <ManagedCertificate key={c.id} c={c} />
          ))}
        </ul>
      </section>
      <ExternalReview me={me} />
    </Page>
  );
}

function ManagedCertificate({ c }: { c: CertificateRecord }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const revoke = useMutation({
    mutationFn: () =>
      api<CertificateRecord>(`/training/certificates/${c.id}/revocation`, {
        method: 'POST',
        body: { reason },
      }),
    onSuccess: () => {
      setAsking(false);
      void client.invalidateQueries({ queryKey: ['training', 'certificates'] });
    },
  });
  const { byField, rest } = problemsOf(revoke.error, ['reason']);
  return (
    <li>
      <CertificateLines c={c} showHolder />
      <p className="row-buttons">
        <a href={`/api/training/certificates/${c.id}/pdf`} download>
          {t('trainingCerts.downloadPdf')}
        </a>{' '}
        <Link to={`/verify/${c.id}`}>{t('trainingCerts.checkPublic')}</Link>{' '}
        {c.canRevoke && !asking ? (
          <button type="button" className="secondary" onClick={() => setAsking(true)}>
            {t('trainingCerts.revoke')}
          </button>
        ) : null}
      </p>
      {asking ? (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            revoke.mutate();
          }}
        >
          <Field id={`reason-${c.id}`} label={t('trainingCerts.reasonLabel')} errors={byField.get('reason')}>
            {(a11y) => (
              <input {...a11y} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
            )}
          </Field>
          {revoke.isError ? <FormError error={revoke.error} rest={rest} /> : null}
          <button type="submit" disabled={revoke.isPending}>
            {t('trainingCerts.confirmRevoke')}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setAsking(false)}>
            {t('trainingCerts.cancel')}
          </button>
        </form>
      ) : null}
    </li>
  );
}

/** Certificates from outside: the district verifies or rejects them; the bureau and the director see them. */
function ExternalReview({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'submitted' | ''>('submitted');
  const list = useQuery({
    queryKey: ['training', 'external', 'review', status],
    queryFn: ({ signal }) =>
      api<Static<typeof ExternalList>>(`/training/external${status ? `?status=${status}` : ''}`, { signal }),
  });
  return (
    <section aria-labelledby="certs-external-review">
      <h2 id="certs-external-review">{t('trainingCerts.externalTitle')}</h2>
      <div className="field form">
        <label htmlFor="ext-status">{t('trainingCerts.show')}</label>
        <select
          id="ext-status"
          value={status}
          onChange={(e) => setStatus(e.target.value as 'submitted' | '')}
        >
          <option value="submitted">{t('trainingCerts.waiting')}</option>
          <option value="">{t('trainingCerts.all')}</option>
        </select>
      </div>
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorBox error={list.error} /> : null}
      {list.data?.items.length === 0 ? <p>{t('trainingCerts.noneExternal')}</p> : null}
      <ul className="list">
        {list.data?.items.map((e) => (
          <ExternalItem key={e.id} e={e} canDecide={decides(me) && e.canDecide} />
        ))}
      </ul>
    </section>
  );
}

function ExternalItem({ e, canDecide }: { e: ExternalRecord; canDecide: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const [note, setNote] = useState(e.note);
  const decide = useMutation({
    mutationFn: (decision: 'verified' | 'rejected') =>
      api<ExternalRecord>(`/training/external/${e.id}/decision`, {
        method: 'PUT',
        body: { version: e.version, decision, note },
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['training', 'external'] }),
  });
  return (
    <li>
      <span className="what">
        {e.holderName} — {e.title}
      </span>
      <span className="meta">
        {e.school} · {t(`trainingCerts.kind.${e.kind}`)} · {e.provider} · {f.date(e.issuedOn)}
        {e.reference ? ` · ${e.reference}` : null}{' '}
        <span className={`badge ${EXTERNAL_TONE[e.status]}`}>{t(`trainingCerts.external.${e.status}`)}</span>
      </span>
      {e.evidenceName ? (
        <p>
          <a href={`/api/training/external/${e.id}/evidence`} download>
            {t('trainingCerts.evidence', { name: e.evidenceName })}
          </a>
        </p>
      ) : (
        <p>{t('trainingCerts.noEvidence')}</p>
      )}
      {canDecide ? (
        <div className="form">
          <div className="field">
            <label htmlFor={`note-${e.id}`}>{t('trainingCerts.noteLabel')}</label>
            <input
              id={`note-${e.id}`}
              value={note}
              onChange={(ev) => setNote(ev.target.value)}
              maxLength={1000}
            />
          </div>
          <p className="row-buttons">
            <button type="button" disabled={decide.isPending} onClick={() => decide.mutate('verified')}>
              {t('trainingCerts.verify')}
            </button>{' '}
            <button
              type="button"
              className="secondary"
              disabled={decide.isPending}
              onClick={() => decide.mutate('rejected')}
            >
              {t('trainingCerts.reject')}
            </button>
          </p>
          {decide.isError ? <ErrorBox error={decide.error} /> : null}
        </div>
      ) : e.note ? (
        <p>{t('trainingCerts.note', { note: e.note })}</p>
      ) : null}
    </li>
  );
}
