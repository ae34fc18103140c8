import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';
import { Page } from '@/web/components/page';
import { ErrorBox } from '@/web/components/status';
import { Link, navigate } from '@/web/router';
import { ME_KEY } from '@/web/session';
import '@/web/journal/journal.css';
import type { LinkedChild } from '@/web/journal/types';

/**
 * Where a parent types the one-time code the school gave them (`/journal/link`). Any signed-in person may:
 * the code makes them the child's parent. Then their home lists the child.
 */
export default function LinkChildPage() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [code, setCode] = useState('');
  const link = useMutation({
    mutationFn: () =>
      api<LinkedChild>('/journal/link', {
        method: 'POST',
        body: { code: code.trim() },
      }),
    onSuccess: async () => {
      // The account now holds the parent role: the navigation and the home follow it.
      await client.invalidateQueries({ queryKey: ME_KEY });
      await client.invalidateQueries({ queryKey: ['home', 'parent'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim()) link.mutate();
  };
  return (
    <Page title={t('journal.linkTitle')} intro={t('journal.linkIntro')}>
      {link.data ? (
        <div className="card" role="status">
          <p>{t('journal.linked', { name: link.data.student.displayName })}</p>
          <p>
            <Link to="/children" onClick={() => navigate('/children')}>
              {t('journal.toChildren')}
            </Link>
          </p>
        </div>
      ) : (
        <form className="form journal-form narrow" onSubmit={submit}>
          <div className="field">
            <label htmlFor="link-code">{t('journal.codeLabel')}</label>
            <input
              id="link-code"
              name="code"
              value={code}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              required
              maxLength={40}
              onChange={(e) => setCode(e.target.value)}
            />
          </div>
          {link.isError ? <ErrorBox error={link.error} /> : null}
          <button type="submit" disabled={link.isPending}>
            {link.isPending ? t('journal.linking') : t('journal.linkButton')}
          </button>
        </form>
      )}
    </Page>
  );
}
