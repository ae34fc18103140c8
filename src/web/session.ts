import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import i18next from 'i18next';
import { api, ApiError, setCsrfToken, type Locale, type Me } from '@/web/api';
import { applyLanguage, isLocale, loadLanguage } from '@/web/i18n';

/**
 * The session as the web app sees it: `['me']` in the query cache holds the signed-in person, or null.
 * The session cookie itself is httpOnly; the app only ever holds the CSRF token that comes with it.
 */

/** The query key of the signed-in person. */
export const ME_KEY = ['me'] as const;

// A language picked on the sign-in page during this visit (this tab, reloads included) is a fresh, explicit
// choice: it is saved to the account on sign-in. Otherwise the account's stored language wins, so it follows
// the person across devices — and a shared school computer does not push one pupil's choice onto the next.
const PICKED_KEY = 'maktab.language-picked';

function languagePicked(): boolean {
  try {
    return sessionStorage.getItem(PICKED_KEY) === '1';
  } catch {
    return false;
  }
}

function setLanguagePicked(picked: boolean): void {
  try {
    if (picked) sessionStorage.setItem(PICKED_KEY, '1');
    else sessionStorage.removeItem(PICKED_KEY);
  } catch {
    // Without storage the account's language simply wins.
  }
}

async function fetchMe(): Promise<Me | null> {
  try {
    const me = await api<Me>('/me');
    setCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

/** Brings the interface to the account's language, unless the person just chose another on the sign-in page. */
async function settleLanguage(me: Me): Promise<void> {
  const current = i18next.language;
  if (languagePicked() && isLocale(current) && current !== me.user.locale) {
    await api('/me', { method: 'PATCH', body: { locale: current } });
    me.user.locale = current;
  } else if (me.user.locale !== current) {
    await applyLanguage(me.user.locale);
  }
  setLanguagePicked(false);
}

/** The signed-in person (null when signed out; undefined while loading). */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async () => {
      const me = await fetchMe();
      if (me) await settleLanguage(me);
      return me;
    },
    staleTime: 60_000,
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
}

/** Signs in; on success the cache holds the person, so every page re-renders signed in. */
export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (credentials: { username: string; password: string }) => {
      const me = await api<Me>('/auth/login', { method: 'POST', body: credentials });
      setCsrfToken(me.csrfToken);
      await settleLanguage(me);
      return me;
    },
    onSuccess: (me) => {
      // Whatever a previous person's pages cached must not show to this one.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
      client.setQueryData(ME_KEY, me);
    },
  });
}

/** Forgets the session locally: after sign-out, or when the server says it has expired. */
export function forgetSession(client: QueryClient): void {
  setCsrfToken(null);
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
  client.setQueryData(ME_KEY, null);
}

/** Signs out on the server, then forgets everything cached. */
export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api('/auth/logout', { method: 'POST' }),
    onSettled: () => forgetSession(client),
  });
}

/**
 * Changes the interface language and, when signed in, stores it on the account. The account is told while the
 * strings are fetched, and the page switches once both are done: a reload or a link followed right after the
 * switch then starts in the chosen language, not in the one the account still held.
 */
export async function chooseLanguage(
  locale: Locale,
  me: Me | null | undefined,
  client: QueryClient,
): Promise<void> {
  if (!me) {
    await applyLanguage(locale);
    setLanguagePicked(true);
    return;
  }
  const saving =
    me.user.locale === locale
      ? Promise.resolve()
      : api('/me', { method: 'PATCH', body: { locale } }).then(() => {
          client.setQueryData<Me | null>(ME_KEY, (old) =>
            old ? { ...old, user: { ...old.user, locale } } : old,
          );
        });
  const [saved] = await Promise.allSettled([saving, loadLanguage(locale)]);
  await applyLanguage(locale);
  // Not remembered on the account: this device still shows the chosen language, and the caller says so.
  if (saved.status === 'rejected') throw saved.reason;
}
