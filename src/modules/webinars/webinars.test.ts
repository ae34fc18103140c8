import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { academicYears } from '@/modules/institutions/institutions.tables';
import { webinars } from '@/modules/webinars/webinars.tables';

type Err = { error: { code: string; message: string; details: { field: string; reason: string }[] } };
type Totals = { webinars: number; attended: number };

/** Webinars through the API: organised nationally or by a region, seen and joined by the right teachers. */
describe('webinars', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let bureau: Session;
  let regional: Session;
  let otherRegional: Session;
  let teachers: Session[];
  let farTeacher: Session;
  let areas: Awaited<ReturnType<typeof createAreas>>;
  let yearId: number;
  const soon = () => new Date(Date.now() + 3 * 86_400_000).toISOString();
  const body = (over: object = {}) => ({
    title: 'Rəqəmsal dərs',
    description: 'Təqdimat',
    areaId: null,
    startsAt: soon(),
    durationMinutes: 60,
    url: 'https://meet.example.az/r1',
    capacity: null,
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    areas = await createAreas(db);
    const school = await createInstitution(db, areas.district);
    const far = await createInstitution(db, areas.otherDistrict);
    const [year] = await db
      .insert(academicYears)
      .values({ code: '2026-2027', startsOn: '2026-09-15', endsOn: '2027-06-15', isCurrent: true })
      .returning();
    yearId = year!.id;
    const as = async (role: Parameters<typeof createUserWithRole>[1], scope: object) => {
      const u = await createUserWithRole(db, role, scope);
      return login(t.app, u.username, u.password);
    };
    bureau = await as('bureau', {});
    regional = await as('regional', { areaId: areas.district });
    otherRegional = await as('regional', { areaId: areas.otherDistrict });
    teachers = [
      await as('teacher', { institutionId: school.id }),
      await as('teacher', { institutionId: school.id }),
      await as('director', { institutionId: school.id }),
    ];
    farTeacher = await as('teacher', { institutionId: far.id });
  });
  afterAll(async () => t?.close());

  const create = (s: Session, payload: object) => s.inject({ method: 'POST', url: '/api/webinars', payload });
  const ids = async (s: Session) =>
    (await s.inject({ method: 'GET', url: '/api/webinars' }))
      .json<{ items: { id: number }[] }>()
      .items.map((w) => w.id);

  it('lets the bureau organise national webinars and a region only its own', async () => {
    expect((await create(bureau, body())).statusCode).toBe(200);
    expect((await create(regional, body({ areaId: areas.district }))).statusCode).toBe(200);
    const outside = await create(regional, body({ areaId: areas.otherDistrict }));
    expect(outside.statusCode).toBe(422);
    expect(outside.json<Err>().error.details[0]).toMatchObject({ field: 'areaId', reason: 'outside_area' });
    const national = await create(regional, body());
    expect(national.json<Err>().error.details[0]).toMatchObject({ field: 'areaId', reason: 'national_only' });
    const past = await create(bureau, body({ startsAt: '2020-01-01T10:00:00Z' }));
    expect(past.json<Err>().error.details[0]).toMatchObject({ field: 'startsAt', reason: 'in_past' });
    expect((await create(bureau, body({ url: 'javascript:alert(1)' }))).statusCode).toBe(400);
    expect(
      (await teachers[0]!.inject({ method: 'POST', url: '/api/webinars', payload: body() })).statusCode,
    ).toBe(403);
  });

  it('shows teachers the national webinars and their own region’s, the link once registered, up to capacity', async () => {
    const national = (await create(bureau, body({ title: 'Milli' }))).json<{ id: number }>();
    const local = (await create(regional, body({ areaId: areas.district, capacity: 2 }))).json<{
      id: number;
      url: string | null;
    }>();
    expect(await ids(teachers[0]!)).toEqual(expect.arrayContaining([national.id, local.id]));
    expect(await ids(farTeacher)).toContain(national.id);
    expect(await ids(farTeacher)).not.toContain(local.id);
    expect(await ids(otherRegional)).not.toContain(local.id);
    // Not visible is not found, for reading and for registering.
    expect((await farTeacher.inject({ method: 'GET', url: `/api/webinars/${local.id}` })).statusCode).toBe(
      404,
    );
    expect(
      (await farTeacher.inject({ method: 'PUT', url: `/api/webinars/${local.id}/registration` })).statusCode,
    ).toBe(404);

    const before = await teachers[0]!.inject({ method: 'GET', url: `/api/webinars/${local.id}` });
    expect(before.json()).toMatchObject({ url: null, mine: false });
    const joined = await teachers[0]!.inject({
      method: 'PUT',
      url: `/api/webinars/${local.id}/registration`,
    });
    expect(joined.json()).toMatchObject({ url: 'https://meet.example.az/r1', mine: true, registered: 1 });
    // Registering twice changes nothing.
    const again = await teachers[0]!.inject({ method: 'PUT', url: `/api/webinars/${local.id}/registration` });
    expect(again.json<{ registered: number }>().registered).toBe(1);
    expect(
      (await teachers[1]!.inject({ method: 'PUT', url: `/api/webinars/${local.id}/registration` }))
        .statusCode,
    ).toBe(200);
    // In the person's own language (Azerbaijani, their account's setting).
    const full = await teachers[2]!.inject({ method: 'PUT', url: `/api/webinars/${local.id}/registration` });
    expect(full.statusCode).toBe(409);
    expect(full.json<Err>().error).toMatchObject({
      code: 'webinars.full',
      message: 'Bu vebinarda yer qalmayıb.',
    });
    // A place freed is a place taken.
    await teachers[1]!.inject({ method: 'DELETE', url: `/api/webinars/${local.id}/registration` });
    expect(
      (await teachers[2]!.inject({ method: 'PUT', url: `/api/webinars/${local.id}/registration` }))
        .statusCode,
    ).toBe(200);
  });

  it('records attendance once started, for registrants only, and counts the year', async () => {
    const w = (await create(regional, body({ areaId: areas.district }))).json<{ id: number }>();
    await teachers[0]!.inject({ method: 'PUT', url: `/api/webinars/${w.id}/registration` });
    await teachers[2]!.inject({ method: 'PUT', url: `/api/webinars/${w.id}/registration` });
    const list = await regional.inject({ method: 'GET', url: `/api/webinars/${w.id}/registrations` });
    const people = list.json<{ items: { userId: number }[] }>().items.map((r) => r.userId);
    expect(people).toHaveLength(2);
    const mark = (s: Session, attended: number[]) =>
      saveAsRead(s, {
        url: `/api/webinars/${w.id}/attendance`,
        readUrl: `/api/webinars/${w.id}/registrations`,
        payload: { attended },
      });
    expect((await mark(regional, [people[0]!])).statusCode).toBe(409);

    // It took place yesterday.
    await t.database.db
      .update(webinars)
      .set({ startsAt: new Date(Date.now() - 86_400_000) })
      .where(eq(webinars.id, w.id));
    const stranger = await mark(regional, [people[0]!, 999_999]);
    expect(stranger.statusCode).toBe(422);
    expect(stranger.json<Err>().error.details[0]).toMatchObject({
      field: 'attended.1',
      reason: 'not_registered',
    });
    expect((await mark(otherRegional, [people[0]!])).statusCode).toBe(404);
    const marked = await mark(regional, [people[0]!]);
    expect(marked.statusCode).toBe(200);
    expect(marked.json<{ items: { attended: boolean }[] }>().items.filter((r) => r.attended)).toHaveLength(1);

    // Two organisers tick the list from the same read: the second save is refused with both versions.
    const read = (await regional.inject({ url: `/api/webinars/${w.id}/registrations` })).json<{
      version: number;
    }>().version;
    const put = (attended: number[]) =>
      regional.inject({
        method: 'PUT',
        url: `/api/webinars/${w.id}/attendance`,
        payload: { version: read, attended },
      });
    expect((await put(people)).statusCode).toBe(200);
    const stale = await put([]);
    expect(stale.statusCode).toBe(409);
    expect(stale.json<Err>().error.code).toBe('stale_version');
    expect(stale.json()).toMatchObject({
      error: {
        details: {
          yours: { version: read, attended: [] },
          current: { version: read + 1, items: [{ attended: true }, { attended: true }] },
        },
      },
    });
    // What the first save wrote stands; the people are marked again as before for the totals below.
    expect((await mark(regional, [people[0]!])).statusCode).toBe(200);

    const region = await regional.inject({ method: 'GET', url: `/api/webinars/totals?yearId=${yearId}` });
    expect(region.statusCode).toBe(200);
    expect(region.json()).toMatchObject({
      areaId: areas.district,
      attended: 1,
      teachersReached: 1,
      schoolsReached: 1,
    });
    const nation = await bureau.inject({ method: 'GET', url: `/api/webinars/totals?yearId=${yearId}` });
    expect(nation.json<Totals>().attended).toBe(1);
    expect(nation.json<Totals>().webinars).toBeGreaterThanOrEqual(region.json<Totals>().webinars);
    const theirs = await otherRegional.inject({
      method: 'GET',
      url: `/api/webinars/totals?yearId=${yearId}&areaId=${areas.district}`,
    });
    expect(theirs.statusCode).toBe(403);
    expect(
      (await teachers[0]!.inject({ method: 'GET', url: `/api/webinars/totals?yearId=${yearId}` })).statusCode,
    ).toBe(403);
  });
});
