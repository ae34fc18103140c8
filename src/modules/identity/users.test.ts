import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '@/modules/identity/passwords';

interface UserView {
  id: number;
  username: string;
  displayName: string;
  status: 'active' | 'disabled';
  grants: {
    id: number;
    role: string;
    areaId: number | null;
    institutionId: number | null;
    scopeName: string | null;
  }[];
}
interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; message: string }[] };
}

describe('password rules', () => {
  it('asks for ten characters, not only spaces, not a common password, not the username', () => {
    expect(MIN_PASSWORD_LENGTH).toBeGreaterThanOrEqual(10);
    expect(passwordProblem('12345678', 'x')).toBe('too_short');
    expect(passwordProblem('        ', 'x')).toBe('blank');
    expect(passwordProblem('          ', 'x')).toBe('blank');
    expect(passwordProblem('\t\n        \u00a0 ', 'x')).toBe('blank');
    expect(passwordProblem('1234567890', 'x')).toBe('common');
    expect(passwordProblem('QwertyUiop', 'x')).toBe('common');
    expect(passwordProblem('Password123', 'x')).toBe('common');
    expect(passwordProblem('aaaaaaaaaaaa', 'x')).toBe('common');
    expect(passwordProblem('leyla.hasanova', 'Leyla.Hasanova')).toBe('username');
    expect(passwordProblem('çay və limon 7', 'x')).toBeNull();
    expect(passwordProblem('ət-çörək1', 'x')).toBe('too_short');
  });
});

describe('user management', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let ids: Awaited<ReturnType<typeof createAreas>>;
  let admin: Session;
  let adminId: number;
  let school: { id: number };
  beforeAll(async () => {
    t = await createTestApp();
    ids = await createAreas(t.database.db);
    school = await createInstitution(t.database.db, ids.district);
    const a = await createUserWithRole(t.database.db, 'admin');
    adminId = a.id;
    admin = await login(t.app, a.username, a.password);
  });
  afterAll(() => t.close());

  const create = (session: Session, payload: Record<string, unknown>, lang = 'en') =>
    session.inject({ method: 'POST', url: '/api/users', payload, headers: { 'accept-language': lang } });

  it('creates an account with a temporary password shown once, which signs in', async () => {
    const res = await create(admin, {
      username: 'editor.two',
      displayName: '  Nigar Əliyeva ',
      grants: [{ role: 'editor', areaId: null, institutionId: null }],
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ user: UserView; temporaryPassword: string }>();
    expect(body.user).toMatchObject({
      username: 'editor.two',
      displayName: 'Nigar Əliyeva',
      status: 'active',
      grants: [{ role: 'editor', areaId: null, institutionId: null, scopeName: null }],
    });
    expect(body.temporaryPassword).toMatch(/^[A-Za-z2-9]{12}$/);
    const me = await (
      await login(t.app, 'editor.two', body.temporaryPassword)
    ).inject({
      method: 'GET',
      url: '/api/me',
    });
    expect(me.json()).toMatchObject({ roles: [{ role: 'editor' }] });
    // The password is never stored or logged in the clear.
    const log = await admin.inject({ method: 'GET', url: `/api/audit?entity=user&entityId=${body.user.id}` });
    expect(log.body).not.toContain(body.temporaryPassword);
  });

  it('refuses passwords that break the rules, naming the field in the caller’s language', async () => {
    for (const [password, reason] of [
      ['12345678', 'too_short'],
      ['        ', 'blank'],
      ['          ', 'blank'],
      ['qwertyuiop', 'common'],
      ['weak.user.1', 'username'],
    ] as const) {
      const res = await create(admin, {
        username: 'weak.user.1',
        password,
        displayName: 'Weak',
        grants: [],
      });
      expect(res.statusCode, password).toBe(422);
      const body = res.json<ErrorBody>();
      expect(body.error.details).toEqual([expect.objectContaining({ field: 'password', reason })]);
    }
    const az = await create(
      admin,
      { username: 'weak.user.2', password: '12345678', displayName: 'W', grants: [] },
      'az',
    );
    expect(az.json<ErrorBody>().error.message).toBe(
      'Parol qəbul edilmir: parol ən azı 10 simvoldan ibarət olmalıdır.',
    );
    // The person's own language wins over the browser's.
    await admin.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'ru' } });
    const ru = await create(
      admin,
      { username: 'weak.user.2', password: '1234567890', displayName: 'W', grants: [] },
      'az',
    );
    expect(ru.json<ErrorBody>().error.message).toMatch(
      /^Пароль не принят: это один из самых распространённых/,
    );
    await admin.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'az' } });
    const user = await createUserWithRole(t.database.db, 'teacher', { institutionId: school.id });
    for (const password of ['12345678', '        ']) {
      const reset = await admin.inject({
        method: 'POST',
        url: `/api/users/${user.id}/password`,
        payload: { password },
      });
      expect(reset.statusCode).toBe(422);
      expect(reset.json<ErrorBody>().error.details?.[0]?.field).toBe('password');
    }
    await login(t.app, user.username, user.password);
  });

  it('finds people by name, role, school and area', async () => {
    const otherSchool = await createInstitution(t.database.db, ids.otherDistrict);
    const here = await create(admin, {
      username: 'leyla.hasanova',
      password: 'a good long password',
      displayName: 'Leyla Həsənova',
      grants: [{ role: 'teacher', areaId: null, institutionId: school.id }],
    });
    expect(here.statusCode).toBe(201);
    await create(admin, {
      username: 'leyla.other',
      password: 'a good long password',
      displayName: 'Leyla Quliyeva',
      grants: [{ role: 'director', areaId: null, institutionId: otherSchool.id }],
    });
    await create(admin, {
      username: 'officer.region',
      password: 'a good long password',
      displayName: 'Region Officer',
      grants: [{ role: 'regional', areaId: ids.district, institutionId: null }],
    });
    const find = async (query: string) => {
      const res = await admin.inject({ method: 'GET', url: `/api/users?${query}` });
      expect(res.statusCode).toBe(200);
      return res.json<{ total: number; items: UserView[] }>();
    };
    expect((await find('q=leyla')).items.map((u) => u.username)).toEqual(['leyla.hasanova', 'leyla.other']);
    expect((await find('q=Həsən')).items.map((u) => u.username)).toEqual(['leyla.hasanova']);
    expect((await find('q=leyla&role=director')).items.map((u) => u.username)).toEqual(['leyla.other']);
    const atSchool = await find(`institutionId=${school.id}&q=leyla`);
    expect(atSchool.items.map((u) => u.username)).toEqual(['leyla.hasanova']);
    expect(atSchool.items[0]!.grants[0]!.scopeName).toMatch(/nömrəli məktəb/);
    const inArea = await find(`areaId=${ids.district}`);
    expect(inArea.items.map((u) => u.username)).toEqual(
      expect.arrayContaining(['leyla.hasanova', 'officer.region']),
    );
    expect(inArea.items.map((u) => u.username)).not.toContain('leyla.other');
    const inRegion = await find(`areaId=${ids.region}&q=leyla`);
    expect(inRegion.total).toBe(2);
    expect((await find('q=%25')).items).toEqual([]);
  });

  it('gives and takes roles in a scope, effective on the person’s open session, audited', async () => {
    const person = await createUserWithRole(t.database.db, 'teacher', { institutionId: school.id });
    const session = await login(t.app, person.username, person.password);
    const give = (payload: Record<string, unknown>) =>
      admin.inject({ method: 'POST', url: `/api/users/${person.id}/grants`, payload });
    const given = await give({ role: 'director', areaId: null, institutionId: school.id });
    expect(given.statusCode).toBe(200);
    const director = given.json<UserView>().grants.find((g) => g.role === 'director')!;
    expect(director.scopeName).toMatch(/nömrəli məktəb/);
    expect((await session.inject({ method: 'GET', url: '/api/me' })).json()).toMatchObject({
      roles: [{ role: 'teacher' }, { role: 'director', institutionId: school.id }],
    });
    expect((await give({ role: 'director', areaId: null, institutionId: school.id })).statusCode).toBe(409);
    const wrongShape = await give({ role: 'regional', areaId: null, institutionId: school.id });
    expect(wrongShape.statusCode).toBe(422);
    const noArea = await give({ role: 'regional', areaId: 999_999, institutionId: null });
    expect(noArea.statusCode).toBe(422);
    expect(noArea.json<ErrorBody>().error.details?.[0]?.field).toBe('areaId');
    const noSchool = await give({ role: 'teacher', areaId: null, institutionId: 999_999 });
    expect(noSchool.json<ErrorBody>().error.details?.[0]?.field).toBe('institutionId');

    const taken = await admin.inject({
      method: 'DELETE',
      url: `/api/users/${person.id}/grants/${director.id}`,
    });
    expect(taken.statusCode).toBe(200);
    expect(taken.json<UserView>().grants.map((g) => g.role)).toEqual(['teacher']);
    expect((await session.inject({ method: 'GET', url: '/api/me' })).json()).toMatchObject({
      roles: [{ role: 'teacher' }],
    });
    const again = await admin.inject({
      method: 'DELETE',
      url: `/api/users/${person.id}/grants/${director.id}`,
    });
    expect(again.statusCode).toBe(404);

    const log = await admin.inject({ method: 'GET', url: `/api/audit?entity=user&entityId=${person.id}` });
    expect(log.json<{ action: string; label: string[]; actorName: string }[]>()).toEqual([
      expect.objectContaining({ action: 'revoke', label: [person.displayName] }),
      expect.objectContaining({ action: 'grant', label: [person.displayName] }),
      expect.objectContaining({ action: 'create' }),
    ]);
  });

  it('keeps an administrator from locking themself out', async () => {
    const me = await admin.inject({ method: 'GET', url: `/api/users/${adminId}` });
    const grant = me.json<UserView>().grants.find((g) => g.role === 'admin')!;
    const revoke = await admin.inject({ method: 'DELETE', url: `/api/users/${adminId}/grants/${grant.id}` });
    expect(revoke.statusCode).toBe(422);
    const disable = await admin.inject({
      method: 'POST',
      url: `/api/users/${adminId}/status`,
      payload: { status: 'disabled' },
    });
    expect(disable.statusCode).toBe(422);
    expect((await admin.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(200);
  });

  it('resets a password to a temporary one, ending the person’s sessions', async () => {
    const person = await createUserWithRole(t.database.db, 'teacher', { institutionId: school.id });
    const session = await login(t.app, person.username, person.password);
    const res = await admin.inject({ method: 'POST', url: `/api/users/${person.id}/password`, payload: {} });
    expect(res.statusCode).toBe(200);
    const { temporaryPassword } = res.json<{ temporaryPassword: string }>();
    expect(temporaryPassword).toHaveLength(12);
    expect((await session.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
    await login(t.app, person.username, temporaryPassword);
    const typed = await admin.inject({
      method: 'POST',
      url: `/api/users/${person.id}/password`,
      payload: { password: 'a typed password 1' },
    });
    expect(typed.json()).toEqual({ temporaryPassword: null });
    await login(t.app, person.username, 'a typed password 1');
    const missing = await admin.inject({ method: 'POST', url: '/api/users/999999/password', payload: {} });
    expect(missing.statusCode).toBe(404);
  });

  it('deactivates (sessions end, sign-in refused) and reactivates, audited', async () => {
    const person = await createUserWithRole(t.database.db, 'teacher', { institutionId: school.id });
    const session = await login(t.app, person.username, person.password);
    const status = (value: string) =>
      admin.inject({ method: 'POST', url: `/api/users/${person.id}/status`, payload: { status: value } });
    const off = await status('disabled');
    expect(off.statusCode).toBe(200);
    expect(off.json<UserView>().status).toBe('disabled');
    expect((await session.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
    await expect(login(t.app, person.username, person.password)).rejects.toThrow(/401/);
    expect((await status('active')).json<UserView>().status).toBe('active');
    await login(t.app, person.username, person.password);
    expect((await status('asleep')).statusCode).toBe(400);
    const log = await admin.inject({ method: 'GET', url: `/api/audit?entity=user&entityId=${person.id}` });
    expect(log.json<{ action: string }[]>().map((e) => e.action)).toEqual(['enable', 'disable', 'create']);
  });

  it('lets only the national administrator manage users: a director cannot', async () => {
    const d = await createUserWithRole(t.database.db, 'director', { institutionId: school.id });
    const director = await login(t.app, d.username, d.password);
    const teacher = await createUserWithRole(t.database.db, 'teacher', { institutionId: school.id });
    const calls = [
      { method: 'GET', url: '/api/users' },
      { method: 'GET', url: `/api/users/${teacher.id}` },
      {
        method: 'POST',
        url: '/api/users',
        payload: { username: 'by.director', displayName: 'X', grants: [] },
      },
      {
        method: 'POST',
        url: `/api/users/${teacher.id}/grants`,
        payload: { role: 'director', areaId: null, institutionId: school.id },
      },
      { method: 'DELETE', url: `/api/users/${teacher.id}/grants/1` },
      { method: 'POST', url: `/api/users/${teacher.id}/status`, payload: { status: 'disabled' } },
      { method: 'POST', url: `/api/users/${teacher.id}/password`, payload: {} },
      { method: 'GET', url: '/api/audit' },
    ] as const;
    for (const call of calls) {
      const res = await director.inject(call);
      expect(res.statusCode, call.url).toBe(403);
    }
    await login(t.app, teacher.username, teacher.password);
  });

  it('lets everyone change their own password: the current one is checked, other sessions end', async () => {
    const person = await createUserWithRole(t.database.db, 'student', { institutionId: school.id });
    const here = await login(t.app, person.username, person.password);
    const elsewhere = await login(t.app, person.username, person.password);
    const change = (payload: Record<string, unknown>, lang = 'en') =>
      here.inject({
        method: 'POST',
        url: '/api/me/password',
        payload,
        headers: { 'accept-language': lang },
      });
    const wrong = await change({ currentPassword: 'not it at all', newPassword: 'a brand new one' }, 'az');
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json<ErrorBody>().error).toMatchObject({
      message: 'Hazırkı parol səhvdir.',
      details: [{ field: 'currentPassword' }],
    });
    const weak = await change({ currentPassword: person.password, newPassword: 'password123' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json<ErrorBody>().error.details?.[0]?.field).toBe('newPassword');
    const same = await change({ currentPassword: person.password, newPassword: person.password });
    expect(same.json<ErrorBody>().error.details?.[0]?.field).toBe('newPassword');
    expect((await elsewhere.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(200);

    const ok = await change({ currentPassword: person.password, newPassword: 'a brand new one' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ endedSessions: 1 });
    expect((await here.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(200);
    expect((await elsewhere.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
    await expect(login(t.app, person.username, person.password)).rejects.toThrow(/401/);
    await login(t.app, person.username, 'a brand new one');
    const signedOut = await t.app.inject({
      method: 'POST',
      url: '/api/me/password',
      payload: { currentPassword: 'a brand new one', newPassword: 'another new one' },
    });
    expect(signedOut.statusCode).toBe(401);
  });

  it('names what changed in the audit log, never by table or number', async () => {
    const res = await admin.inject({ method: 'GET', url: '/api/audit?limit=50' });
    const entries = res.json<{ entity: string; label: string[]; actorName: string | null }[]>();
    const users = entries.filter((e) => e.entity === 'user');
    expect(users.length).toBeGreaterThan(3);
    for (const e of users) expect(e.label.length).toBe(1);
    expect(entries.filter((e) => e.actorName !== null).length).toBeGreaterThan(0);
    expect(JSON.stringify(entries.map((e) => e.label))).not.toMatch(/#\d|identity_/);
  });
});
