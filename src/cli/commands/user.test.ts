import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, login } from '@test/harness';
import { createAreas, createInstitution } from '@test/factories';
import { auditLog, sessions } from '@/modules/identity/identity.tables';
import { areas } from '@/modules/institutions/institutions.tables';
import { CommandError, createUserFromShell, resetPasswordFromShell } from '@/cli/commands/user';

describe('maktab user', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let school: { id: number; code: string };
  let districtCode: string;
  beforeAll(async () => {
    t = await createTestApp();
    const ids = await createAreas(t.database.db);
    school = await createInstitution(t.database.db, ids.district);
    const [district] = await t.database.db.select().from(areas).where(eq(areas.id, ids.district));
    districtCode = district!.code;
  });
  afterAll(() => t.close());

  it('creates an account with a generated password that signs in, audited as done by the system', async () => {
    const { user, password, generated } = await createUserFromShell(t.database, {
      username: 'Aysel.Mammadova',
      name: 'Aysel Məmmədova',
      role: 'director',
      institution: school.code,
    });
    expect(generated).toBe(true);
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(user.username).toBe('aysel.mammadova');
    const session = await login(t.app, 'aysel.mammadova', password);
    const me = await session.inject({ method: 'GET', url: '/api/me' });
    expect(me.json()).toMatchObject({
      roles: [{ role: 'director', institutionId: school.id, areaId: null }],
    });
    const entries = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'user'), eq(auditLog.entityId, String(user.id))));
    expect(entries).toEqual([expect.objectContaining({ action: 'create', actorId: null })]);
  });

  it('takes a given password, and an area for a regional officer', async () => {
    const { generated } = await createUserFromShell(t.database, {
      username: 'region.officer',
      name: 'Elçin Abbasov',
      role: 'regional',
      area: districtCode,
      password: 'a long password',
    });
    expect(generated).toBe(false);
    await login(t.app, 'region.officer', 'a long password');
  });

  it('refuses a scope that does not fit the role, unknown codes, a short password and a taken username', async () => {
    const attempt = (args: Partial<Parameters<typeof createUserFromShell>[1]>) =>
      createUserFromShell(t.database, { username: 'someone', name: 'Some One', role: 'teacher', ...args });
    await expect(attempt({})).rejects.toThrow(
      'the teacher role is held in an institution: give --institution CODE',
    );
    await expect(attempt({ institution: 'NOPE' })).rejects.toThrow('no institution has the code "NOPE"');
    await expect(attempt({ role: 'regional' })).rejects.toThrow('give --area CODE');
    await expect(attempt({ role: 'regional', area: 'NOPE' })).rejects.toThrow('no area has the code "NOPE"');
    await expect(attempt({ role: 'admin', area: districtCode })).rejects.toThrow(/whole nation/);
    await expect(attempt({ role: 'king' })).rejects.toThrow(/unknown role "king"/);
    await expect(attempt({ institution: school.code, password: 'short' })).rejects.toThrow(/at least 10/);
    await expect(attempt({ username: 'no spaces', institution: school.code })).rejects.toBeInstanceOf(
      CommandError,
    );
    await expect(attempt({ username: 'region.officer', role: 'admin' })).rejects.toThrow(
      'the username "region.officer" is taken',
    );
  });

  it('resets a password: the old one stops working, sessions end, the change is audited', async () => {
    const { user, password } = await createUserFromShell(t.database, {
      username: 'teacher.one',
      name: 'Leyla Həsənova',
      role: 'teacher',
      institution: school.code,
    });
    const before = await login(t.app, 'teacher.one', password);
    expect((await before.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(200);
    const reset = await resetPasswordFromShell(t.database, { username: 'Teacher.One' });
    expect(reset.generated).toBe(true);
    expect(reset.password).not.toBe(password);
    // The shell is another process: the sessions are gone from the database at once, and a running app node
    // stops honouring its cached copy within SessionService.CACHE_MS.
    const live = await t.database.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(live).toEqual([]);
    await expect(login(t.app, 'teacher.one', password)).rejects.toThrow(/401/);
    await login(t.app, 'teacher.one', reset.password);
    await resetPasswordFromShell(t.database, { username: 'teacher.one', password: 'chosen password' });
    await login(t.app, 'teacher.one', 'chosen password');
    const entries = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'reset_password'), eq(auditLog.entityId, String(user.id))));
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.actorId === null)).toBe(true);
    await expect(resetPasswordFromShell(t.database, { username: 'nobody' })).rejects.toThrow(
      'no account has the username "nobody"',
    );
  });
});
