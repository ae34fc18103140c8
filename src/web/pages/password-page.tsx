import { useId, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';
import { Page } from '@/web/components/page';
import { Field, FormError, problemsOf } from '@/web/components/field';

/** Where anyone signed in changes their own password (PASSWORD_PATH); their sessions on other devices end. */
export function PasswordPage() {
  const { t } = useTranslation();
  const id = useId();
  const [form, setForm] = useState({ currentPassword: '', newPassword: '', repeat: '' });
  const [local, setLocal] = useState<Map<string, string[]>>(new Map());
  const change = useMutation({
    mutationFn: () =>
      api<{ endedSessions: number }>('/me/password', {
        method: 'POST',
        body: { currentPassword: form.currentPassword, newPassword: form.newPassword },
      }),
    onSuccess: () => setForm({ currentPassword: '', newPassword: '', repeat: '' }),
  });
  const server = change.isError
    ? problemsOf(change.error, ['currentPassword', 'newPassword'])
    : { byField: new Map<string, string[]>(), rest: [] };
  const errors = (name: string) => local.get(name) ?? server.byField.get(name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems = new Map<string, string[]>();
    if (!form.currentPassword) problems.set('currentPassword', [t('users.required')]);
    if (!form.newPassword) problems.set('newPassword', [t('users.required')]);
    else if (form.newPassword !== form.repeat) problems.set('repeat', [t('users.mismatch')]);
    setLocal(problems);
    if (problems.size > 0) {
      const first = ['currentPassword', 'newPassword', 'repeat'].find((f) => problems.has(f))!;
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    change.mutate();
  };
  const input = (name: 'currentPassword' | 'newPassword' | 'repeat', label: string, hint?: string) => (
    <Field id={`${id}-${name}`} label={label} hint={hint} errors={errors(name)}>
      {(a11y) => (
        <input
          {...a11y}
          type="password"
          autoComplete={name === 'currentPassword' ? 'current-password' : 'new-password'}
          value={form[name]}
          onChange={(e) => setForm({ ...form, [name]: e.target.value })}
        />
      )}
    </Field>
  );
  return (
    <div className="narrow">
      <Page title={t('users.ownTitle')} intro={t('users.ownIntro')}>
        <form className="card form" onSubmit={submit} noValidate>
          {input('currentPassword', t('users.current'))}
          {input('newPassword', t('users.newPassword'), t('users.passwordHint'))}
          {input('repeat', t('users.repeat'))}
          {change.isError ? <FormError error={change.error} rest={server.rest} /> : null}
          <button type="submit" disabled={change.isPending}>
            {t('users.change')}
          </button>
          {change.data ? (
            <p className="saved" role="status">
              {t('users.ownChanged', { count: change.data.endedSessions })}
            </p>
          ) : null}
        </form>
      </Page>
    </div>
  );
}
