import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login } from '@test/harness';
import { eq } from 'drizzle-orm';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { institutions } from '@/modules/institutions/institutions.tables';

describe('institutions', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let ids: Awaited<ReturnType<typeof createAreas>>;
  beforeAll(async () => {
    t = await createTestApp();
    ids = await createAreas(t.database.db);
  });
  afterAll(() => t.close());

  it('lists the directory publicly, filtered by area subtree', async () => {
    const a = await createInstitution(t.database.db, ids.district);
    const b = await createInstitution(t.database.db, ids.otherDistrict);
    const byRegion = await t.app.inject({ method: 'GET', url: `/api/institutions?areaId=${ids.region}` });
    expect(byRegion.statusCode).toBe(200);
    const codes = byRegion.json<{ items: { code: string }[] }>().items.map((i) => i.code);
    expect(codes).toEqual(expect.arrayContaining([a.code, b.code]));
    const byDistrict = await t.app.inject({ method: 'GET', url: `/api/institutions?areaId=${ids.district}` });
    expect(byDistrict.json<{ items: { code: string }[] }>().items.map((i) => i.code)).not.toContain(b.code);
  });

  it('lets a director change their own school’s details, not its master data, and not another school', async () => {
    const own = await createInstitution(t.database.db, ids.district);
    const other = await createInstitution(t.database.db, ids.district);
    const director = await createUserWithRole(t.database.db, 'director', { institutionId: own.id });
    const s = await login(t.app, director.username, director.password);

    const ok = await s.inject({
      method: 'PATCH',
      url: `/api/institutions/${own.id}`,
      payload: { shifts: 3, latitude: 40.4 },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ shifts: 3, latitude: 40.4 });
    // A cleared coordinate stays empty: type coercion must not turn null into 0, a point in the ocean.
    const cleared = await s.inject({
      method: 'PATCH',
      url: `/api/institutions/${own.id}`,
      payload: { latitude: null, longitude: null },
    });
    expect(cleared.json()).toMatchObject({ latitude: null, longitude: null });

    // Giga's facts a director knows of their school: its address, founding year and a refugee camp.
    const giga = await s.inject({
      method: 'PATCH',
      url: `/api/institutions/${own.id}`,
      payload: { address: 'Nizami küç. 5', establishedYear: 1965, refugeeCamp: false },
    });
    expect(giga.statusCode).toBe(200);
    expect(giga.json()).toMatchObject({
      address: 'Nizami küç. 5',
      establishedYear: 1965,
      refugeeCamp: false,
    });
    const future = await s.inject({
      method: 'PATCH',
      url: `/api/institutions/${own.id}`,
      payload: { establishedYear: 3000 },
    });
    expect(future.statusCode).toBe(400);
    expect(future.json<{ error: { details: { field: string }[] } }>().error.details[0]!.field).toBe(
      'establishedYear',
    );
    expect(
      (await s.inject({ method: 'PATCH', url: `/api/institutions/${own.id}`, payload: { gigaId: 'x' } }))
        .statusCode,
    ).toBe(400);

    const master = await s.inject({
      method: 'PATCH',
      url: `/api/institutions/${own.id}`,
      payload: { code: 'X1' },
    });
    expect(master.statusCode).toBe(403);
    expect(master.json<{ error: { code: string } }>().error.code).toBe('field_not_editable');

    expect(
      (await s.inject({ method: 'PATCH', url: `/api/institutions/${other.id}`, payload: { shifts: 1 } }))
        .statusCode,
    ).toBe(403);
    expect(
      (await s.inject({ method: 'PATCH', url: '/api/institutions/999999', payload: { shifts: 1 } }))
        .statusCode,
    ).toBe(404);
  });

  it('shows the school’s Giga facts a registry file gave it', async () => {
    const school = await createInstitution(t.database.db, ids.district);
    const bureau = await createUserWithRole(t.database.db, 'bureau');
    const s = await login(t.app, bureau.username, bureau.password);
    const empty = (await s.inject({ url: `/api/institutions/${school.id}` })).json<Record<string, unknown>>();
    expect(empty).toMatchObject({ address: null, establishedYear: null, refugeeCamp: null });
    const facts = {
      gigaId: 'g-123',
      codeType: 'EMIS',
      establishedYear: 1965,
      address: 'Nizami küç. 5, Bakı',
      refugeeCamp: false,
      dataSource: 'Ministry of Science and Education',
      dataCollectionYear: 2026,
      dataCollectionModality: 'census',
    };
    await t.database.db.update(institutions).set(facts).where(eq(institutions.id, school.id));
    const res = await s.inject({ url: `/api/institutions/${school.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject(facts);
  });

  it('keeps before and after of every change in the audit log', async () => {
    const school = await createInstitution(t.database.db, ids.district, { shifts: 1 });
    const bureau = await createUserWithRole(t.database.db, 'bureau');
    const admin = await createUserWithRole(t.database.db, 'admin');
    const s = await login(t.app, bureau.username, bureau.password);
    expect(
      (
        await s.inject({
          method: 'PATCH',
          url: `/api/institutions/${school.id}`,
          payload: { shifts: 2, status: 'closed' },
        })
      ).statusCode,
    ).toBe(200);
    const a = await login(t.app, admin.username, admin.password);
    const log = await a.inject({ method: 'GET', url: `/api/audit?entity=institution&entityId=${school.id}` });
    const [entry] = log.json<
      {
        actorUsername: string;
        before: { shifts: number; status: string };
        after: { shifts: number; status: string };
      }[]
    >();
    expect(entry).toMatchObject({
      actorUsername: bureau.username,
      before: { shifts: 1, status: 'active' },
      after: { shifts: 2, status: 'closed' },
    });
  });

  it('refuses a duplicate national code and an unknown area with clear errors', async () => {
    const existing = await createInstitution(t.database.db, ids.district);
    const admin = await createUserWithRole(t.database.db, 'admin');
    const s = await login(t.app, admin.username, admin.password);
    const body = {
      code: existing.code,
      kind: 'general_school',
      nameAz: 'Yeni məktəb',
      nameRu: 'Новая школа',
      nameEn: 'New school',
      areaId: ids.district,
      ownership: 'public',
      locality: 'rural',
      status: 'active',
      latitude: null,
      longitude: null,
      levels: ['primary'],
      shifts: 1,
    };
    const dup = await s.inject({
      method: 'POST',
      url: '/api/institutions',
      headers: { 'accept-language': 'en' },
      payload: body,
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json<{ error: { message: string } }>().error.message).toContain(existing.code);
    const noArea = await s.inject({
      method: 'POST',
      url: '/api/institutions',
      payload: { ...body, code: 'NEW-1', areaId: 999999 },
    });
    expect(noArea.statusCode).toBe(422);
    const created = await s.inject({
      method: 'POST',
      url: '/api/institutions',
      payload: { ...body, code: 'NEW-2' },
    });
    expect(created.statusCode).toBe(201);
  });
});
