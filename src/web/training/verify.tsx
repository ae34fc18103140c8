import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { VerifyResult } from '@/modules/training/training.certificates.schema';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import '@/web/training/certificates.css';

type Verdict = Static<typeof VerifyResult>;

/** How each verdict looks: its badge colour. */
const TONE: Record<Verdict['status'], string> = {
  valid: 'state-verified',
  revoked: 'conn-bad',
  expired: 'state-draft',
  not_yet_valid: 'state-draft',
  tampered: 'conn-bad',
  unknown: 'state-none',
};

/** A verification's answer: the verdict in words, why, and what the certificate says (when it can be trusted). */
export function VerdictCard({ verdict }: { verdict: Verdict }) {
  const { t } = useTranslation();
  const f = useFormat();
  const trusted = verdict.status !== 'tampered' && verdict.status !== 'unknown';
  return (
    <section className="card" aria-labelledby="verdict-heading" data-status={verdict.status}>
      <h2 id="verdict-heading">
        <span className={`badge ${TONE[verdict.status]}`} role="status">
          {t(`trainingCerts.status.${verdict.status}`)}
        </span>
      </h2>
      <ul>
        {verdict.reasons.map((r) => (
          <li key={r.code}>{r.message}</li>
        ))}
      </ul>
      {trusted ? (
        <dl className="record">
          <div>
            <dt>{t('trainingCerts.holder')}</dt>
            <dd>{verdict.holder}</dd>
          </div>
          <div>
            <dt>{t('trainingCerts.programme')}</dt>
            <dd>{verdict.title}</dd>
          </div>
          {verdict.issuer ? (
            <div>
              <dt>{t('trainingCerts.issuer')}</dt>
              <dd>{verdict.issuer.name}</dd>
            </div>
          ) : null}
          {verdict.validFrom ? (
            <div>
              <dt>{t('trainingCerts.issued')}</dt>
              <dd>{f.date(verdict.validFrom)}</dd>
            </div>
          ) : null}
          <div>
            <dt>{t('trainingCerts.validUntil')}</dt>
            <dd>{verdict.validUntil ? f.date(verdict.validUntil) : t('trainingCerts.noExpiry')}</dd>
          </div>
          {verdict.certificateId ? (
            <div>
              <dt>{t('trainingCerts.number')}</dt>
              <dd className="anywhere">{verdict.certificateId}</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
    </section>
  );
}

/** The public page of one certificate, reached by its QR code: is it genuine and in force? */
export function VerifyCertificatePage({ id }: { id: string }) {
  const { t } = useTranslation();
  const verdict = useQuery({
    queryKey: ['training', 'verify', id],
    queryFn: ({ signal }) => api<Verdict>(`/training/certificates/${id}/verify`, { signal }),
  });
  return (
    <Page title={t('trainingCerts.verifyTitle')} intro={t('trainingCerts.verifyIntro')}>
      {verdict.isPending ? <Loading /> : null}
      {verdict.isError ? <ErrorBox error={verdict.error} onRetry={() => void verdict.refetch()} /> : null}
      {verdict.data ? <VerdictCard verdict={verdict.data} /> : null}
      <p>
        <Link to="/verify">{t('trainingCerts.verifyOther')}</Link>
      </p>
    </Page>
  );
}

/** The public checker for a credential a holder hands over: pasted, or its file chosen. */
export function VerifyPastePage() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [unreadable, setUnreadable] = useState(false);
  const check = useMutation({
    mutationFn: (credential: unknown) =>
      api<Verdict>('/training/verify', { method: 'POST', body: credential }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    let credential: unknown;
    try {
      credential = JSON.parse(text);
    } catch {
      setUnreadable(true);
      return;
    }
    setUnreadable(false);
    check.mutate(credential);
  };
  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) setText(await file.text());
  };
  return (
    <Page title={t('trainingCerts.verifyTitle')} intro={t('trainingCerts.pasteIntro')}>
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="credential-file">{t('trainingCerts.chooseFile')}</label>
          <input
            id="credential-file"
            type="file"
            accept=".json,application/json,application/ld+json"
            onChange={(e) => void choose(e)}
          />
        </div>
        <div className="field">
          <label htmlFor="credential-text">{t('trainingCerts.pasteLabel')}</label>
          <textarea
            id="credential-text"
            rows={10}
            className="credential-text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={unreadable || undefined}
            aria-describedby={unreadable ? 'credential-text-error' : undefined}
          />
          {unreadable ? (
            <p className="field-error" id="credential-text-error">
              {t('trainingCerts.notJson')}
            </p>
          ) : null}
        </div>
        <button type="submit" disabled={check.isPending || text.trim() === ''}>
          {t('trainingCerts.check')}
        </button>
      </form>
      {check.isError ? <ErrorBox error={check.error} /> : null}
      {check.data ? <VerdictCard verdict={check.data} /> : null}
    </Page>
  );
}
