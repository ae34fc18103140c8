import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { Field, FormError, problemsOf } from '@/web/components/field';
import { ErrorBox, Loading } from '@/web/components/status';
import type { RequestListRecord, RequestRecord } from '@/web/safety/common';
import '@/web/safety/safety.css';

/**
 * Unblock requests: the district's and the ministry's queue (pending first; approve, possibly for a shorter
 * time, or reject with a note), and a director's list of their school's requests. Decisions are sent at the
 * version read; a request decided by someone else meanwhile is refused and the list reloaded.
 */

export function useRequests(mine: boolean) {
  return useQuery({
    queryKey: ['safetyRequests', 'list', mine],
    queryFn: ({ signal }) =>
      api<RequestListRecord>(`/safety/requests${mine ? '?mine=true' : ''}`, { signal }),
  });
}

export function RequestsPage({ deciding }: { deciding: boolean }) {
  const { t } = useTranslation();
  const list = useRequests(false);
  const items = list.data?.items ?? [];
  const pending = items.filter((r) => r.state === 'pending');
  const rest = items.filter((r) => r.state !== 'pending');
  return (
    <Page
      title={deciding ? t('safetyRequests.queueTitle') : t('safetyRequests.schoolTitle')}
      intro={deciding ? t('safetyRequests.queueIntro') : t('safetyRequests.schoolIntro')}
    >
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data ? (
        <>
          <section aria-labelledby="safety-pending">
            <h2 id="safety-pending">{t('safetyRequests.pendingTitle', { count: pending.length })}</h2>
            {pending.length === 0 ? <p>{t('safetyRequests.nonePending')}</p> : null}
            <ul className="list">
              {pending.map((r) => (
                <RequestCard key={r.id} request={r} />
              ))}
            </ul>
          </section>
          <section aria-labelledby="safety-decided">
            <h2 id="safety-decided">{t('safetyRequests.decidedTitle')}</h2>
            {rest.length === 0 ? <p>{t('safetyRequests.noneDecided')}</p> : null}
            <ul className="list">
              {rest.map((r) => (
                <RequestCard key={r.id} request={r} />
              ))}
            </ul>
          </section>
        </>
      ) : null}
    </Page>
  );
}

/** One request: what, where, why, when, its state, and what the caller may do with it. */
export function RequestCard({ request: r }: { request: RequestRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <li className="card safety-request">
      <p className="safety-domain">{r.unicode}</p>
      <p>
        <span className={`safety-state ${r.state}`}>{t(`safetyRequests.state.${r.state}`)}</span>{' '}
        {r.category ? t('safetyRequests.blockedCategory', { category: r.category.name }) : null}
      </p>
      <p>{r.institutionName}</p>
      <p>{t('safetyRequests.period', { from: f.dateTime(r.startsAt), to: f.dateTime(r.endsAt) })}</p>
      <p>{t('safetyRequests.askedBy', { name: r.requesterName || '—', at: f.dateTime(r.requestedAt) })}</p>
      <p>
        <em>{r.reason}</em>
      </p>
      {r.decidedAt ? (
        <p>
          {t('safetyRequests.decidedBy', { name: r.decidedByName || '—', at: f.dateTime(r.decidedAt) })}
          {r.decisionNote ? ` — ${r.decisionNote}` : ''}
        </p>
      ) : null}
      {r.canDecide ? <Decide request={r} /> : null}
      {r.canWithdraw ? <Withdraw request={r} /> : null}
    </li>
  );
}

function Decide({ request: r }: { request: RequestRecord }) {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const [note, setNote] = useState('');
  const [until, setUntil] = useState('');
  const decide = useMutation({
    mutationFn: (verdict: 'approve' | 'reject') =>
      api<RequestRecord>(`/safety/requests/${r.id}/${verdict}`, {
        method: 'POST',
        body: {
          version: r.version,
          note,
          ...(verdict === 'approve' && until ? { endsAt: new Date(until).toISOString() } : {}),
        },
      }),
    onSettled: () => void client.invalidateQueries({ queryKey: ['safetyRequests'] }),
  });
  const { byField, rest } = problemsOf(decide.error, ['note', 'endsAt']);
  const submit = (event: FormEvent) => event.preventDefault();
  return (
    <form
      className="form"
      onSubmit={submit}
      aria-label={t('safetyRequests.decideLabel', { domain: r.unicode })}
    >
      <Field id={`${id}-note`} label={t('safetyRequests.note')} errors={byField.get('note')}>
        {(a11y) => (
          <textarea {...a11y} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
        )}
      </Field>
      <Field
        id={`${id}-until`}
        label={t('safetyRequests.shorten')}
        hint={t('safetyRequests.shortenHint')}
        errors={byField.get('endsAt')}
      >
        {(a11y) => (
          <input {...a11y} type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
        )}
      </Field>
      {decide.isError ? <FormError error={decide.error} rest={rest} /> : null}
      <div className="row-buttons">
        <button type="button" disabled={decide.isPending} onClick={() => decide.mutate('approve')}>
          {t('safetyRequests.approve')}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={decide.isPending}
          onClick={() => decide.mutate('reject')}
        >
          {t('safetyRequests.reject')}
        </button>
      </div>
    </form>
  );
}

function Withdraw({ request: r }: { request: RequestRecord }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const withdraw = useMutation({
    mutationFn: () =>
      api<RequestRecord>(`/safety/requests/${r.id}/withdraw`, {
        method: 'POST',
        body: { version: r.version },
      }),
    onSettled: () => void client.invalidateQueries({ queryKey: ['safetyRequests'] }),
  });
  return (
    <>
      {withdraw.isError ? <ErrorBox error={withdraw.error} /> : null}
      <button
        type="button"
        className="secondary"
        disabled={withdraw.isPending}
        onClick={() => withdraw.mutate()}
      >
        {t('safetyRequests.withdraw')}
      </button>
    </>
  );
}
