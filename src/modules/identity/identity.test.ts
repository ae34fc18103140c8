import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login } from '@test/harness';
import { and, eq, like, sql } from 'drizzle-orm';
import { createAreas, createInstitution, createUserWithRole, linkParent } from '@test/factories';
import {
  ADDRESS_WINDOW_MS,
  CLEANUP_QUEUE,
  cleanupJob,
  KNOWN_RETENTION_MS,
  LOGIN_FREE,
  PASSWORD_CHANGE_FREE,
  scheduleCleanup,
  SessionService,
  THROTTLE_RETENTION_MS,
} from '@/modules/identity/identity.service';
import {
  auditLog,
  loginKnown,
  loginThrottle,
  roleGrants,
  sessions,
  users,
} from '@/modules/identity/identity.tables';
import { AppError } from '@/server/errors';
import { rows } from '@/server/db/database';
import { JobWorker } from '@/server/jobs';
import { DEVICE_COOKIE } from '@/modules/identity/identity.routes';
import { trustProxy } from '@/server/config';

describe('identity', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let ids: Awaited<ReturnType<typeof createAreas>>;
  beforeAll(async () => {
    t = await createTestApp();
    ids = await createAreas(t.database.db);
  });
  afterAll(() => t.close());

  const attempt = (username: string, password: string, ip = '10.0.0.1') =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: ip,
      payload: { username, password },
    });

  it('signs in, shows the person with roles and scopes, and signs out', async () => {
    const school = await createInstitution(t.database.db, ids.district);
    const director = await createUserWithRole(t.database.db, 'director', { institutionId: school.id });
    const s = await login(t.app, director.username, director.password);
    expect(s.cookie).toMatch(/^maktab_sid=/);
    const me = await s.inject({ method: 'GET', url: '/api/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      user: { username: director.username },
      roles: [{ role: 'director', institutionId: school.id, areaId: null }],
    });
    expect((await s.inject({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(200);
    expect((await s.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
  });

  it('gives another node the whole person from a session: grants, children, the day marked active', async () => {
    const db = t.database.db;
    const school = await createInstitution(db, ids.district);
    const parent = await createUserWithRole(db, 'teacher', { institutionId: school.id });
    await db
      .insert(roleGrants)
      .values({ userId: parent.id, role: 'parent', areaId: null, institutionId: null });
    const children = [
      await createUserWithRole(db, 'student', { institutionId: school.id }),
      await createUserWithRole(db, 'student', { institutionId: school.id }),
    ];
    for (const child of children) await linkParent(db, parent.id, child.id);
    const day = new Date('2031-03-04T23:50:00Z');
    const { token } = await new SessionService(db, () => day).login(parent.username, parent.password, {
      ip: null,
      userAgent: null,
    });
    await db.update(users).set({ lastActiveOn: '2031-03-01' }).where(eq(users.id, parent.id));

    const later = new Date('2031-03-05T00:20:00Z');
    const actor = await new SessionService(db, () => later).resolve(token);
    expect(actor).toMatchObject({
      userId: parent.id,
      username: parent.username,
      grants: [
        { role: 'teacher', institutionId: school.id, areaId: null },
        { role: 'parent', institutionId: null, areaId: null },
      ],
      childIds: children.map((c) => c.id).sort((a, b) => a - b),
    });
    const [row] = await db.select().from(users).where(eq(users.id, parent.id));
    expect(row!.lastActiveOn).toBe('2031-03-05');

    await db.update(users).set({ status: 'disabled' }).where(eq(users.id, parent.id));
    expect(await new SessionService(db, () => later).resolve(token)).toBeNull();
    const tooLate = new Date('2032-03-05T09:00:00Z');
    await db.update(users).set({ status: 'active' }).where(eq(users.id, parent.id));
    expect(await new SessionService(db, () => tooLate).resolve(token)).toBeNull();
  });

  it('sets an httpOnly SameSite cookie, Secure only behind TLS', async () => {
    const user = await createUserWithRole(t.database.db, 'editor');
    const res = await attempt(user.username, user.password);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const secure = await createTestApp({ secureCookies: true });
    try {
      const u = await createUserWithRole(secure.database.db, 'editor');
      const r = await secure.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: u.username, password: u.password },
      });
      expect(String(r.headers['set-cookie'])).toMatch(/Secure/);
    } finally {
      await secure.close();
    }
  });

  it('refuses a wrong password in the caller language, and the same for an unknown user', async () => {
    const user = await createUserWithRole(t.database.db, 'bureau');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'accept-language': 'ru' },
      payload: { username: user.username, password: 'nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({
      error: { code: 'bad_credentials', message: 'Неверное имя пользователя или пароль.' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'nobody-here', password: 'x' },
    });
    expect(unknown.json()).toEqual({
      error: { code: 'bad_credentials', message: 'İstifadəçi adı və ya parol səhvdir.' },
    });
  });

  it('names the invalid field and the reason, translated', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
      payload: { username: '' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{
      error: { code: string; details: { field: string; reason: string; message: string }[] };
    }>();
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details).toEqual(
      expect.arrayContaining([
        { field: 'username', reason: 'minLength', message: 'username: must be at least 1 characters long' },
        { field: 'password', reason: 'required', message: 'password: is required' },
      ]),
    );
  });

  const statuses = (responses: { statusCode: number }[]) => responses.map((r) => r.statusCode);
  const count = (list: number[], status: number) => list.filter((s) => s === status).length;
  const deviceCookie = (res: { headers: Record<string, unknown> }) => {
    const all = [res.headers['set-cookie']].flat().map(String);
    return all.find((c) => c.startsWith(`${DEVICE_COOKIE}=`))?.split(';')[0];
  };
  const throttleRow = async (key: string) => {
    const found = await t.database.db.select().from(loginThrottle).where(eq(loginThrottle.key, key));
    return found[0];
  };

  it('counts parallel wrong guesses before checking any: only the free attempts are checked', async () => {
    const user = await createUserWithRole(t.database.db, 'editor');
    const burst = statuses(
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => attempt(user.username, `wrong-${i}`, '10.4.0.1')),
      ),
    );
    expect(count(burst, 401)).toBe(LOGIN_FREE.pair);
    expect(count(burst, 429)).toBe(30 - LOGIN_FREE.pair);
    const right = await attempt(user.username, user.password, '10.4.0.1');
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(right.json<{ error: { code: string } }>().error.code).toBe('too_many_requests');
    // The wait passes: the right password is let in, and the counter starts again.
    await t.database.db
      .update(loginThrottle)
      .set({ blockedUntil: new Date(Date.now() - 1000) })
      .where(eq(loginThrottle.key, `pair:${user.username}|10.4.0.1`));
    expect((await attempt(user.username, user.password, '10.4.0.1')).statusCode).toBe(200);
    expect(await throttleRow(`pair:${user.username}|10.4.0.1`)).toBeUndefined();
  });

  it('refuses the right password that comes, in the same burst, after the free attempts', async () => {
    const user = await createUserWithRole(t.database.db, 'editor');
    const wrong = Array.from({ length: 14 }, (_, i) => attempt(user.username, `wrong-${i}`, '10.4.0.2'));
    // The right one is sent while the wrong ones are still being checked, once the limit is counted.
    await expect
      .poll(async () => (await throttleRow(`pair:${user.username}|10.4.0.2`))?.failures ?? 0)
      .toBeGreaterThanOrEqual(LOGIN_FREE.pair);
    const right = attempt(user.username, user.password, '10.4.0.2');
    const all = statuses(await Promise.all([...wrong, right]));
    expect(all.at(-1)).toBe(429);
    expect(count(all, 401)).toBe(LOGIN_FREE.pair);
  });

  it('slows a stranger who knows the username, not its owner on the owner’s device or address', async () => {
    const user = await createUserWithRole(t.database.db, 'teacher', {
      institutionId: (await createInstitution(t.database.db, ids.district)).id,
    });
    const first = await attempt(user.username, user.password, '10.6.0.1');
    expect(first.statusCode).toBe(200);
    const device = deviceCookie(first);
    expect(device).toBeDefined();
    // Guesses from many addresses: the username's own limit applies after LOGIN_FREE.account of them.
    const guesses: number[] = [];
    for (let i = 0; i < LOGIN_FREE.account + 3; i++) {
      guesses.push((await attempt(user.username, 'wrong', `10.5.${i}.1`)).statusCode);
    }
    expect(guesses.slice(0, LOGIN_FREE.account).every((s) => s === 401)).toBe(true);
    expect(guesses.slice(LOGIN_FREE.account).every((s) => s === 429)).toBe(true);
    // A stranger's address, even with the right password, waits…
    expect((await attempt(user.username, user.password, '10.5.99.1')).statusCode).toBe(429);
    // …the owner's device does not, from any address…
    const fromDevice = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '10.6.7.8',
      headers: { cookie: device! },
      payload: { username: user.username, password: user.password },
    });
    expect(fromDevice.statusCode).toBe(200);
    // …nor the address the owner signed in from.
    expect((await attempt(user.username, user.password, '10.6.0.1')).statusCode).toBe(200);
  });

  it('lets a school behind one address sign in while wrong guesses come from it', async () => {
    const nat = '10.9.9.9';
    const regular = await createUserWithRole(t.database.db, 'editor');
    expect((await attempt(regular.username, regular.password, nat)).statusCode).toBe(200);
    // 60 wrong passwords from the school's one address, for 60 accounts (the old limit was 50)…
    for (let i = 0; i < 60; i += 10) {
      const wrong = await Promise.all(
        Array.from({ length: 10 }, (_, j) => attempt(`pupil-${i + j}`, 'wrong', nat)),
      );
      expect(statuses(wrong).every((s) => s === 401)).toBe(true);
    }
    // …and the others still sign in, whether they signed in from there before or not.
    const newcomer = await createUserWithRole(t.database.db, 'editor');
    expect((await attempt(newcomer.username, newcomer.password, nat)).statusCode).toBe(200);
    expect((await attempt(regular.username, regular.password, nat)).statusCode).toBe(200);
    // Past the address's own (high) limit, only usernames new to the address wait.
    await t.database.db
      .update(loginThrottle)
      .set({ failures: LOGIN_FREE.address, blockedUntil: new Date(Date.now() + 60_000) })
      .where(eq(loginThrottle.key, `address:${nat}`));
    const stranger = await createUserWithRole(t.database.db, 'editor');
    expect((await attempt(stranger.username, stranger.password, nat)).statusCode).toBe(429);
    expect((await attempt(regular.username, regular.password, nat)).statusCode).toBe(200);
    expect((await attempt(newcomer.username, newcomer.password, nat)).statusCode).toBe(200);
  });

  it('limits guesses from a known address across the many accounts that signed in there', async () => {
    const db = t.database.db;
    const nat = '10.12.0.1';
    // Thirty people have signed in from the school's address: it is known for each of them…
    const names = Array.from({ length: 30 }, (_, i) => `known-pupil-${i}`);
    await db
      .insert(loginKnown)
      .values(names.map((username) => ({ username, source: `address:${nat}`, lastAt: new Date() })));
    // …and the address has had nearly its known people's share of wrong passwords in this window.
    await db.insert(loginThrottle).values({
      key: `address-known:${nat}`,
      failures: LOGIN_FREE.knownAddress - 5,
      windowStartedAt: new Date(),
    });
    // A guess at each of their accounts at once: only the 5 left are checked.
    const burst = statuses(await Promise.all(names.map((name) => attempt(name, 'wrong', nat))));
    expect(count(burst, 401)).toBe(5);
    expect(count(burst, 429)).toBe(25);
    // Someone new to the address is not slowed by it (strangers count apart).
    const newcomer = await createUserWithRole(db, 'editor');
    expect((await attempt(newcomer.username, newcomer.password, nat)).statusCode).toBe(200);
  });

  it('starts an address’s count again when its window ends, however busy it stays', async () => {
    const db = t.database.db;
    const ip = '10.13.0.1';
    const start = new Date('2031-05-05T08:00:00Z');
    let at = start;
    const later = (ms: number) => new Date(start.getTime() + ms);
    const service = new SessionService(db, () => at);
    const signIn = (username: string, password: string) =>
      service.login(username, password, { ip, userAgent: null }).then(
        () => 200,
        (error: unknown) => (error instanceof AppError ? error.status : 500),
      );
    // People new to the address keep getting their password wrong from it…
    expect(await signIn('drain-0', 'wrong')).toBe(401);
    await db
      .update(loginThrottle)
      .set({ failures: LOGIN_FREE.address - 1 })
      .where(eq(loginThrottle.key, `address:${ip}`));
    // …past its free attempts, each after the wait the last one asked for: the address keeps busy.
    for (const [i, minute] of [1, 2, 4, 7, 12].entries()) {
      at = later(minute * 60_000);
      expect(await signIn(`drain-${i + 1}`, 'wrong')).toBe(401);
    }
    const busy = await throttleRow(`address:${ip}`);
    expect(busy!.failures).toBe(LOGIN_FREE.address + 4);
    expect(busy!.blockedUntil!.getTime()).toBeLessThanOrEqual(later(ADDRESS_WINDOW_MS).getTime());
    // The window ends: the count starts again, and someone new to the address signs in.
    at = later(ADDRESS_WINDOW_MS + 1000);
    const user = await createUserWithRole(db, 'editor');
    expect(await signIn(user.username, user.password)).toBe(200);
    const fresh = await throttleRow(`address:${ip}`);
    expect(fresh).toMatchObject({ failures: 0, blockedUntil: null });
    expect(fresh!.windowStartedAt.getTime()).toBe(at.getTime());
  });

  it('deletes expired sessions, idle counters and old known places daily, keeping what is in use', async () => {
    const db = t.database.db;
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const holder = await createUserWithRole(db, 'editor');
    await db.insert(sessions).values([
      { id: 'cleanup-expired', userId: holder.id, csrfToken: 'x', expiresAt: ago(60_000) },
      {
        id: 'cleanup-current',
        userId: holder.id,
        csrfToken: 'y',
        expiresAt: new Date(now.getTime() + 3_600_000),
      },
    ]);
    const idle = ago(THROTTLE_RETENTION_MS + 60_000);
    await db.insert(loginThrottle).values([
      { key: 'cleanup:idle', failures: 3, windowStartedAt: idle },
      { key: 'cleanup:waited', failures: 9, windowStartedAt: idle, blockedUntil: idle },
      {
        key: 'cleanup:waiting',
        failures: 40,
        windowStartedAt: idle,
        blockedUntil: new Date(now.getTime() + 60_000),
      },
      { key: 'cleanup:recent', failures: 2, windowStartedAt: ago(60 * 60_000) },
    ]);
    await db.insert(loginKnown).values([
      { username: 'cleanup-user', source: 'address:10.14.0.1', lastAt: ago(KNOWN_RETENTION_MS + 60_000) },
      { username: 'cleanup-user', source: 'address:10.14.0.2', lastAt: ago(KNOWN_RETENTION_MS - 86_400_000) },
    ]);
    // Yesterday's run is due (the server was down at its time): the worker runs it, and it adds the next day's.
    await scheduleCleanup(db, ago(86_400_000).toISOString().slice(0, 10));
    const worker = new JobWorker(db, { [CLEANUP_QUEUE]: cleanupJob(db) });
    expect(await worker.drain()).toBeGreaterThanOrEqual(1);
    const kept = await db.select().from(loginThrottle).where(like(loginThrottle.key, 'cleanup:%'));
    expect(kept.map((r) => r.key).sort()).toEqual(['cleanup:recent', 'cleanup:waiting']);
    const known = await db.select().from(loginKnown).where(eq(loginKnown.username, 'cleanup-user'));
    expect(known.map((r) => r.source)).toEqual(['address:10.14.0.2']);
    const left = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, holder.id));
    expect(left.map((r) => r.id)).toEqual(['cleanup-current']);
    const jobs = await rows<{ state: string; run_at: string | Date }>(
      db,
      sql`select state, run_at from maktab_job where queue = ${CLEANUP_QUEUE} order by run_at`,
    );
    expect(jobs.at(-1)!.state).toBe('queued');
    expect(new Date(jobs.at(-1)!.run_at).getTime()).toBeGreaterThan(now.getTime());
    expect(jobs.slice(0, -1).every((j) => j.state === 'done')).toBe(true);
    // Sign-ins still work with the tables cleaned.
    const user = await createUserWithRole(db, 'editor');
    expect((await attempt(user.username, user.password, '10.14.0.1')).statusCode).toBe(200);
  });

  it('limits guesses of the current password when changing it', async () => {
    const user = await createUserWithRole(t.database.db, 'editor');
    const s = await login(t.app, user.username, user.password);
    const change = (currentPassword: string) =>
      s.inject({
        method: 'POST',
        url: '/api/me/password',
        payload: { currentPassword, newPassword: 'a-brand-new-secret' },
      });
    const burst = statuses(await Promise.all(Array.from({ length: 12 }, (_, i) => change(`guess-${i}`))));
    expect(count(burst, 422)).toBe(PASSWORD_CHANGE_FREE);
    expect(count(burst, 429)).toBe(12 - PASSWORD_CHANGE_FREE);
    const right = await change(user.password);
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    // In the person's own language (az, their setting), in words.
    expect(right.json<{ error: { message: string } }>().error.message).toMatch(
      /^Həddindən çox cəhd\. \d+ dəq\. sonra yenidən yoxlayın\.$/,
    );
  });

  it('believes X-Forwarded-For only from a configured proxy', async () => {
    const sessionIp = async (db: typeof t.database.db, userId: number) => {
      const found = await db.select({ ip: sessions.ip }).from(sessions).where(eq(sessions.userId, userId));
      return found.map((r) => r.ip);
    };
    // No trusted proxy: rotating a forged header neither escapes the count nor lands in the records.
    const user = await createUserWithRole(t.database.db, 'editor');
    const forged = [];
    for (let i = 0; i < LOGIN_FREE.pair + 2; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.7.0.1',
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
        payload: { username: user.username, password: 'wrong' },
      });
      forged.push(res.statusCode);
    }
    expect(count(forged, 401)).toBe(LOGIN_FREE.pair);
    expect(count(forged, 429)).toBe(2);
    const other = await createUserWithRole(t.database.db, 'editor');
    const signedIn = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '10.7.0.2',
      headers: { 'x-forwarded-for': '203.0.113.77' },
      payload: { username: other.username, password: other.password },
    });
    expect(signedIn.statusCode).toBe(200);
    expect(await sessionIp(t.database.db, other.id)).toEqual(['10.7.0.2']);

    // A configured proxy's header is believed, and only that proxy's.
    const behind = await createTestApp({ trustProxy: trustProxy('127.0.0.1, 10.0.0.0/8') });
    try {
      const u = await createUserWithRole(behind.database.db, 'editor');
      const viaProxy = await behind.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.0.0.2',
        headers: { 'x-forwarded-for': '198.51.100.7' },
        payload: { username: u.username, password: u.password },
      });
      expect(viaProxy.statusCode).toBe(200);
      const direct = await behind.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '192.0.2.5',
        headers: { 'x-forwarded-for': '198.51.100.8' },
        payload: { username: u.username, password: u.password },
      });
      expect(direct.statusCode).toBe(200);
      expect((await sessionIp(behind.database.db, u.id)).sort()).toEqual(['192.0.2.5', '198.51.100.7']);
      // The audit log has the address the proxy gave.
      const cookie = String([viaProxy.headers['set-cookie']].flat()[0]).split(';')[0]!;
      const csrf = viaProxy.json<{ csrfToken: string }>().csrfToken;
      const patched = await behind.app.inject({
        method: 'PATCH',
        url: '/api/me',
        remoteAddress: '10.0.0.2',
        headers: { cookie, 'x-csrf-token': csrf, 'x-forwarded-for': '198.51.100.9' },
        payload: { locale: 'en' },
      });
      expect(patched.statusCode).toBe(200);
      const [entry] = await behind.database.db
        .select({ ip: auditLog.ip })
        .from(auditLog)
        .where(
          and(
            eq(auditLog.entity, 'user'),
            eq(auditLog.entityId, String(u.id)),
            eq(auditLog.action, 'update'),
          ),
        );
      expect(entry?.ip).toBe('198.51.100.9');
    } finally {
      await behind.close();
    }
    expect(trustProxy('true')).toBe(true);
    expect(trustProxy('false')).toBe(false);
    expect(trustProxy(undefined)).toBe(false);
    expect(() => trustProxy('10.0.0.0/99')).toThrow(/TRUST_PROXY/);
    expect(() => trustProxy('proxy.local')).toThrow(/TRUST_PROXY/);
  });

  it('requires the CSRF token on changes made with a session', async () => {
    const user = await createUserWithRole(t.database.db, 'editor');
    const s = await login(t.app, user.username, user.password);
    const without = await t.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: { cookie: s.cookie },
      payload: { locale: 'en' },
    });
    expect(without.statusCode).toBe(403);
    expect(without.json<{ error: { code: string } }>().error.code).toBe('csrf');
    const forged = await t.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: { cookie: s.cookie, 'x-csrf-token': 'forged' },
      payload: { locale: 'en' },
    });
    expect(forged.statusCode).toBe(403);
    expect((await s.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'en' } })).statusCode).toBe(
      200,
    );
    // The user's language now wins over Accept-Language.
    const res = await s.inject({ method: 'GET', url: '/api/audit', headers: { 'accept-language': 'az' } });
    expect(res.json<{ error: { message: string } }>().error.message).toBe('You do not have access to this.');
  });

  it('signs out everywhere', async () => {
    const user = await createUserWithRole(t.database.db, 'bureau');
    const a = await login(t.app, user.username, user.password);
    const b = await login(t.app, user.username, user.password);
    expect((await a.inject({ method: 'POST', url: '/api/auth/logout-all' })).statusCode).toBe(200);
    expect((await a.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
    expect((await b.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
  });

  it('lets an administrator create accounts and reset a password, ending that user’s sessions; all audited', async () => {
    const admin = await createUserWithRole(t.database.db, 'admin');
    const s = await login(t.app, admin.username, admin.password);
    const school = await createInstitution(t.database.db, ids.district);
    const created = await s.inject({
      method: 'POST',
      url: '/api/users',
      payload: {
        username: 'New.Teacher',
        password: 'first-password',
        displayName: 'Aysel Məmmədova',
        grants: [{ role: 'teacher', areaId: null, institutionId: school.id }],
      },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ user: { id: number } }>().user;
    const teacher = await login(t.app, 'new.teacher', 'first-password');
    const dup = await s.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'new.teacher', password: 'whatever-1', displayName: 'X', grants: [] },
    });
    expect(dup.statusCode).toBe(409);
    const badScope = await s.inject({
      method: 'POST',
      url: '/api/users',
      payload: {
        username: 'badscope',
        password: 'whatever-1',
        displayName: 'X',
        grants: [{ role: 'teacher', areaId: null, institutionId: null }],
      },
    });
    expect(badScope.statusCode).toBe(422);

    const reset = await s.inject({
      method: 'POST',
      url: `/api/users/${id}/password`,
      payload: { password: 'second-password' },
    });
    expect(reset.statusCode).toBe(200);
    expect((await teacher.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
    expect((await attempt('new.teacher', 'first-password', '10.3.0.1')).statusCode).toBe(401);
    await login(t.app, 'new.teacher', 'second-password');

    const log = await s.inject({ method: 'GET', url: `/api/audit?entity=user&entityId=${id}` });
    expect(log.statusCode).toBe(200);
    const entries =
      log.json<{ action: string; actorUsername: string; after: { username?: string } | null }[]>();
    expect(entries.map((e) => e.action)).toEqual(['reset_password', 'create']);
    expect(entries[1]).toMatchObject({ actorUsername: admin.username, after: { username: 'new.teacher' } });
    expect(JSON.stringify(entries)).not.toMatch(/argon2|password_hash|passwordHash/);
  });
});
