import { expect } from 'vitest';
import { DEMO_PASSWORD } from './demo-accounts';

/** A call to the API as a signed-in person: the status and the parsed body (null when there is none). */
export type Call = <T>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;

/** Signs a person in through the API, for a test's setup and its checks behind the pages. */
export async function apiLogin(base: string, username: string, password = DEMO_PASSWORD) {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const me = (await login.json()) as {
    user: { id: number; displayName: string };
    roles: { role: string; institutionId: number | null }[];
    csrfToken: string;
  };
  const call: Call = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}/api${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': me.csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as T };
  };
  return { me, call, get: <T>(path: string) => call<T>('GET', path) };
}
