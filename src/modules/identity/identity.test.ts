import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';

describe('identity', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let ids: Awaited<ReturnType<typeof createAreas>>;
  beforeAll(async () => {
    t = await createTestApp();
    ids = await createAreas(t.database.db);
  });
  afterAll(() => t.close());

  it('signs in, shows the person with roles and scopes, and signs out', async () => {
    const school = await createInstitution(t.database.db, ids.district);
    const director = await createUserWithRole(t.database.db, 'director', { institutionId: school.id });
    const s = await login(t.app, director.username, director.password);
    const me = await s.inject({ method: 'GET', url: '/api/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      user: { username: director.username },
      roles: [{ role: 'director', institutionId: school.id, areaId: null }],
    });
    expect((await s.inject({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(200);
    expect((await s.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
  });

  it('refuses a wrong password in the caller language', async () => {
    const user = await createUserWithRole(t.database.db, 'bureau');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'accept-language': 'ru' },
      payload: { username: user.username, password: 'nope' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'bad_credentials', message: 'Неверное имя пользователя или пароль.' } });
  });
});
