import { useEffect, useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { LogSettings } from '@/modules/safety/safety.reports.schema';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { Field, FormError, problemsOf } from '@/web/components/field';
import { ErrorBox, Loading } from '@/web/components/status';

/** The ministry's setting of how long the resolvers keep their raw logs (which hold no client address). */

type SettingsRecord = Static<typeof LogSettings>;
const CHOICES = [1, 7, 30, 90] as const;

export function LogSettingsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const client = useQueryClient();
  const settings = useQuery({
    queryKey: ['safetyRequests', 'logSettings'],
    queryFn: ({ signal }) => api<SettingsRecord>('/safety/settings/logs', { signal }),
  });
  const [days, setDays] = useState<number>(7);
  useEffect(() => {
    if (settings.data) setDays(settings.data.logRetentionDays);
  }, [settings.data]);
  const save = useMutation({
    mutationFn: () =>
      api<SettingsRecord>('/safety/settings/logs', {
        method: 'PUT',
        body: { version: settings.data!.version, logRetentionDays: days },
      }),
    onSettled: () => void client.invalidateQueries({ queryKey: ['safetyRequests', 'logSettings'] }),
  });
  const { rest } = problemsOf(save.error, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Page title={t('safetyRequests.logsTitle')} intro={t('safetyRequests.logsIntro')}>
      {settings.isPending ? <Loading /> : null}
      {settings.isError ? <ErrorBox error={settings.error} /> : null}
      {settings.data ? (
        <form className="form card" onSubmit={submit} aria-label={t('safetyRequests.logsTitle')}>
          <Field id={`${id}-days`} label={t('safetyRequests.retention')}>
            {(a11y) => (
              <select {...a11y} value={days} onChange={(e) => setDays(Number(e.target.value))}>
                {CHOICES.map((d) => (
                  <option key={d} value={d}>
                    {t('safetyRequests.dayCount', { count: d })}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <p className="hint">{t('safetyRequests.noAddresses')}</p>
          {settings.data.updatedAt ? (
            <p className="hint">{t('safetyRequests.savedAt', { at: f.dateTime(settings.data.updatedAt) })}</p>
          ) : null}
          {save.isError ? <FormError error={save.error} rest={rest} /> : null}
          {save.isSuccess ? (
            <p role="status" className="ok">
              {t('safetyRequests.saved')}
            </p>
          ) : null}
          <button type="submit" disabled={save.isPending}>
            {t('safetyRequests.save')}
          </button>
        </form>
      ) : null}
    </Page>
  );
}
