import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { MySchools } from '@/modules/safety/safety.requests.schema';
import { api } from '@/web/api';
import { Page } from '@/web/components/page';
import { Field, FormError, problemsOf } from '@/web/components/field';
import { ErrorBox, Loading } from '@/web/components/status';
import { RequestCard, useRequests } from '@/web/safety/requests';
import { domainInQuery, type BlockedRecord, type RequestRecord } from '@/web/safety/common';
import '@/web/safety/safety.css';

/**
 * A teacher's (or director's) "Ask to unblock": the domain (from the block page's link, or typed), why, and
 * for how long — until a time today (a class period) or for some days from now; then their own requests,
 * which they may withdraw while pending.
 */

const DAYS = [1, 3, 7, 14, 30] as const;

export function UnblockPage() {
  const { t } = useTranslation();
  const mine = useRequests(true);
  return (
    <Page title={t('safetyRequests.askTitle')} intro={t('safetyRequests.askIntro')}>
      <AskForm />
      <section aria-labelledby="safety-mine">
        <h2 id="safety-mine">{t('safetyRequests.mineTitle')}</h2>
        {mine.isPending ? <Loading /> : null}
        {mine.isError ? <ErrorBox error={mine.error} onRetry={() => void mine.refetch()} /> : null}
        {mine.data?.items.length === 0 ? <p>{t('safetyRequests.noneMine')}</p> : null}
        <ul className="list">
          {mine.data?.items.map((r) => (
            <RequestCard key={r.id} request={r} />
          ))}
        </ul>
      </section>
    </Page>
  );
}

function AskForm() {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const schools = useQuery({
    queryKey: ['safetyRequests', 'schools'],
    queryFn: ({ signal }) => api<Static<typeof MySchools>>('/safety/requests/schools', { signal }),
  });
  const [domain, setDomain] = useState(domainInQuery);
  const [reason, setReason] = useState('');
  const [school, setSchool] = useState<number | null>(null);
  const [kind, setKind] = useState<'today' | 'days'>('today');
  const [until, setUntil] = useState('');
  const [days, setDays] = useState<number>(1);
  const [done, setDone] = useState<RequestRecord | null>(null);
  const category = useQuery({
    queryKey: ['safetyRequests', 'blocked', domain.trim()],
    queryFn: ({ signal }) =>
      api<BlockedRecord>(`/safety/blocked?domain=${encodeURIComponent(domain.trim())}`, { signal }),
    enabled: domain.trim().includes('.'),
    retry: false,
  });
  const institutionId = school ?? schools.data?.items[0]?.id ?? 0;
  const ask = useMutation({
    mutationFn: () => {
      const start = new Date();
      let end: Date;
      if (kind === 'today') {
        const [h, m] = (until || '00:00').split(':').map(Number);
        end = new Date(start);
        end.setHours(h ?? 0, m ?? 0, 0, 0);
      } else end = new Date(start.getTime() + days * 86_400_000);
      return api<RequestRecord>('/safety/requests', {
        method: 'POST',
        body: {
          institutionId,
          domain: domain.trim(),
          reason,
          startsAt: start.toISOString(),
          endsAt: end.toISOString(),
        },
      });
    },
    onSuccess: (r) => {
      setDone(r);
      setReason('');
      void client.invalidateQueries({ queryKey: ['safetyRequests'] });
    },
  });
  const { byField, rest } = problemsOf(ask.error, ['domain', 'reason', 'endsAt', 'startsAt']);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    ask.mutate();
  };
  if (schools.isPending) return <Loading />;
  if (schools.isError) return <ErrorBox error={schools.error} />;
  return (
    <form className="form card" onSubmit={submit} aria-label={t('safetyRequests.askTitle')}>
      {schools.data.items.length > 1 ? (
        <Field id={`${id}-school`} label={t('safetyRequests.school')}>
          {(a11y) => (
            <select {...a11y} value={institutionId} onChange={(e) => setSchool(Number(e.target.value))}>
              {schools.data.items.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : (
        <p>{schools.data.items[0]?.name}</p>
      )}
      <Field
        id={`${id}-domain`}
        label={t('safetyRequests.domain')}
        hint={
          category.data?.category
            ? t('safetyRequests.blockedCategory', { category: category.data.category.name })
            : t('safetyRequests.domainHint')
        }
        errors={byField.get('domain')}
      >
        {(a11y) => (
          <input
            {...a11y}
            value={domain}
            maxLength={300}
            autoComplete="off"
            inputMode="url"
            onChange={(e) => setDomain(e.target.value)}
          />
        )}
      </Field>
      <Field id={`${id}-reason`} label={t('safetyRequests.reason')} errors={byField.get('reason')}>
        {(a11y) => (
          <textarea {...a11y} value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} />
        )}
      </Field>
      <fieldset>
        <legend>{t('safetyRequests.forHowLong')}</legend>
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={kind === 'today'}
            onChange={() => setKind('today')}
          />{' '}
          {t('safetyRequests.untilToday')}
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={kind === 'days'}
            onChange={() => setKind('days')}
          />{' '}
          {t('safetyRequests.forDays')}
        </label>
      </fieldset>
      {kind === 'today' ? (
        <Field id={`${id}-until`} label={t('safetyRequests.untilTime')} errors={byField.get('endsAt')}>
          {(a11y) => (
            <input {...a11y} type="time" required value={until} onChange={(e) => setUntil(e.target.value)} />
          )}
        </Field>
      ) : (
        <Field id={`${id}-days`} label={t('safetyRequests.days')} errors={byField.get('endsAt')}>
          {(a11y) => (
            <select {...a11y} value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {DAYS.map((d) => (
                <option key={d} value={d}>
                  {t('safetyRequests.dayCount', { count: d })}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {ask.isError ? <FormError error={ask.error} rest={rest} /> : null}
      {done ? (
        <p role="status" className="ok">
          {t('safetyRequests.sent', { domain: done.unicode })}
        </p>
      ) : null}
      <button type="submit" disabled={ask.isPending}>
        {t('safetyRequests.send')}
      </button>
    </form>
  );
}
