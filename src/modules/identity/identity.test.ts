import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login } from '@test/harness';
import { eq } from 'drizzle-orm';
import { createAreas, createInstitution, createUserWithRole, linkParent } from '@test/factories';
import { MAX_ACCOUNT_FAILURES, SessionService } from '@/modules/identity/identity.service';
import { roleGrants, users } from '@/modules/identity/identity.tables';

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

  it('locks an account after repeated failures, then lets it in after the window', async () => {
    const user = await createUserWithRole(t.database.db, 'teacher', {
      institutionId: (await createInstitution(t.database.db, ids.district)).id,
    });
    for (let i = 0; i < MAX_ACCOUNT_FAILURES; i++) {
      expect((await attempt(user.username, 'wrong', `10.1.0.${i}`)).statusCode).toBe(401);
    }
    // Even the right password is refused while locked, from any address.
    const locked = await attempt(user.username, user.password, '10.2.0.1');
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.json<{ error: { code: string } }>().error.code).toBe('too_many_requests');
    // Age the window as if 15 minutes had passed.
    await t.database.db.execute(
      `update identity_login_throttle set window_started_at = now() - interval '16 minutes' where key = 'account:${user.username}'`,
    );
    expect((await attempt(user.username, user.password, '10.2.0.1')).statusCode).toBe(200);
  });

  it('limits failures per address across accounts', async () => {
    const ip = '10.9.9.9';
    let last = 0;
    for (let i = 0; i < 60 && last !== 429; i++) last = (await attempt(`ghost-${i}`, 'x', ip)).statusCode;
    expect(last).toBe(429);
    const user = await createUserWithRole(t.database.db, 'editor');
    expect((await attempt(user.username, user.password, ip)).statusCode).toBe(429);
    expect((await attempt(user.username, user.password, '10.9.9.10')).statusCode).toBe(200);
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
