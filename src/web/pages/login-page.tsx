import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Page } from '@/web/components/page';
import { ErrorBox } from '@/web/components/status';
import { useLogin } from '@/web/session';

/** Sign-in: username and password; the server's error (wrong password, too many attempts) shows as it says it. */
export function LoginPage() {
  const { t, i18n } = useTranslation();
  const login = useLogin();
  const { reset } = login;
  // The server's error came in the old language; after a switch it would be the one untranslated line.
  useEffect(() => reset(), [i18n.language, reset]);
  const userId = useId();
  const passwordId = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // Checked here rather than by the browser, whose messages come in the browser's language, not the page's.
  const [missing, setMissing] = useState<{ username: boolean; password: boolean } | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const empty = { username: username.trim() === '', password: password === '' };
    setMissing(empty.username || empty.password ? empty : null);
    if (empty.username || empty.password) return;
    login.mutate({ username, password });
  };

  return (
    <div className="narrow">
      <Page title={t('login.title')} intro={t('login.intro')}>
        <form className="card form" onSubmit={submit} noValidate>
          {login.isError ? <ErrorBox error={login.error} /> : null}
          <div className="field">
            <label htmlFor={userId}>{t('login.username')}</label>
            <input
              id={userId}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              aria-invalid={missing?.username ? true : undefined}
              aria-describedby={missing?.username ? `${userId}-error` : undefined}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
            {missing?.username ? (
              <p className="field-error" id={`${userId}-error`}>
                {t('login.usernameMissing')}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor={passwordId}>{t('login.password')}</label>
            <input
              id={passwordId}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={missing?.password ? true : undefined}
              aria-describedby={missing?.password ? `${passwordId}-error` : undefined}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            {missing?.password ? (
              <p className="field-error" id={`${passwordId}-error`}>
                {t('login.passwordMissing')}
              </p>
            ) : null}
          </div>
          <button type="submit" disabled={login.isPending}>
            {login.isPending ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
      </Page>
    </div>
  );
}
