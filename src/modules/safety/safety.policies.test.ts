import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { safeSearchOn, safetyAdminWorld, type SafetyAdminWorld } from '@test/safety-admin-world';
import { loosenings } from '@/modules/safety/safety.policies.service';

interface PolicyOut {
  id: number;
  version: number;
  areaId: number | null;
  categories: string[];
  editable: boolean;
}
type Err = { error: { code: string; details: { field: string; reason: string }[] } };

describe('safety policies: national defaults and districts tightening them', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let bureau: Session;
  let regional: Session;
  let otherRegional: Session;
  let w: SafetyAdminWorld;
  let areas: Awaited<ReturnType<typeof createAreas>>;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    areas = await createAreas(db);
    const school = await createInstitution(db, areas.district);
    const other = await createInstitution(db, areas.otherDistrict);
    w = await safetyAdminWorld(db, {
      areaId: areas.district,
      otherAreaId: areas.otherDistrict,
      schoolId: school.id,
      otherSchoolId: other.id,
    });
    const as = async (role: 'bureau' | 'regional', scope = {}) => {
      const u = await createUserWithRole(db, role, scope);
      return login(t.app, u.username, u.password);
    };
    bureau = await as('bureau');
    regional = await as('regional', { areaId: areas.district });
    otherRegional = await as('regional', { areaId: areas.otherDistrict });
  });
  afterAll(async () => t.close());

  const send = (s: Session, method: 'POST' | 'PUT' | 'GET', url: string, payload?: object) =>
    s.inject({ method, url, payload, headers: { 'accept-language': 'en' } });
  const rules = (categories: string[], over: object = {}) => ({
    name: { az: 'Siyasət', ru: 'Политика', en: 'Policy' },
    categories,
    blockLists: [],
    allowLists: [],
    safeSearch: safeSearchOn,
    bypassProtection: true,
    action: 'blockpage',
    ...over,
  });
  const policies = async (s: Session) =>
    (await send(s, 'GET', '/api/safety/policies')).json<{ policies: PolicyOut[] }>().policies;

  it('tells a tightening from a loosening field by field', () => {
    const parent = {
      categories: ['adult'],
      blockLists: [1],
      allowLists: [2],
      bypassProtection: true,
      safeSearch: safeSearchOn,
    };
    expect(loosenings({ ...parent, categories: ['adult', 'games'] }, parent)).toEqual([]);
    expect(
      loosenings(
        {
          categories: [],
          blockLists: [],
          allowLists: [2, 3],
          bypassProtection: false,
          safeSearch: { ...safeSearchOn, youtube: 'moderate' },
        },
        parent,
      ),
    ).toEqual(['categories', 'blockLists', 'allowLists', 'safeSearch', 'bypassProtection']);
  });

  it('lets the ministry edit a national default, at the version read; a district may not', async () => {
    const primary = (await policies(bureau)).find((p) => p.id === w.primaryId)!;
    const body = { version: primary.version, ...rules(['adult', 'gambling', 'drugs']) };
    expect((await send(regional, 'PUT', `/api/safety/policies/${w.primaryId}`, body)).statusCode).toBe(403);
    const saved = await send(bureau, 'PUT', `/api/safety/policies/${w.primaryId}`, body);
    expect(saved.statusCode).toBe(200);
    expect(saved.json<PolicyOut>().categories).toEqual(['adult', 'drugs', 'gambling']);
    const stale = await send(bureau, 'PUT', `/api/safety/policies/${w.primaryId}`, body);
    expect(stale.statusCode).toBe(409);
    const unknown = await send(bureau, 'PUT', `/api/safety/policies/${w.primaryId}`, {
      ...body,
      version: primary.version + 1,
      categories: ['no_such'],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json<Err>().error.details[0]).toMatchObject({
      field: 'categories[0]',
      reason: 'unknown_category',
    });
  });

  it("refuses a district's tightening that blocks less than the national policy, accepts one that blocks more", async () => {
    const loosening = await send(regional, 'POST', '/api/safety/policies', {
      ...rules(['adult'], { safeSearch: { ...safeSearchOn, google: false } }),
      areaId: areas.district,
      parentId: w.primaryId,
    });
    expect(loosening.statusCode).toBe(422);
    expect(loosening.json<Err>().error.details.map((d) => [d.field, d.reason])).toEqual([
      ['categories', 'loosens'],
      ['safeSearch', 'loosens'],
    ]);
    const tight = await send(regional, 'POST', '/api/safety/policies', {
      ...rules(['adult', 'gambling', 'drugs', 'social_networks']),
      areaId: areas.district,
      parentId: w.primaryId,
    });
    expect(tight.statusCode).toBe(200);
    const made = tight.json<PolicyOut>();
    // Saving it later without a national category is a loosening too.
    const later = await send(regional, 'PUT', `/api/safety/policies/${made.id}`, {
      version: made.version,
      ...rules(['adult', 'social_networks']),
    });
    expect(later.statusCode).toBe(422);
    // Not for another district, and not as a national policy.
    const elsewhere = await send(regional, 'POST', '/api/safety/policies', {
      ...rules(['adult', 'gambling', 'drugs']),
      areaId: areas.otherDistrict,
      parentId: w.primaryId,
    });
    expect(elsewhere.statusCode).toBe(403);
    const national = await send(regional, 'POST', '/api/safety/policies', {
      ...rules([]),
      areaId: null,
      parentId: null,
    });
    expect(national.statusCode).toBe(403);
    // Each district sees the national policies and its own tightenings only.
    expect((await policies(otherRegional)).map((p) => p.id)).not.toContain(made.id);
    expect((await policies(regional)).find((p) => p.id === made.id)!.editable).toBe(true);
    expect((await policies(regional)).find((p) => p.id === w.primaryId)!.editable).toBe(false);
  });
});
