import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '@/server/db/database';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { parseCidr } from '@/modules/safety/safety.networks.service';

interface NetworkOut {
  id: number;
  institutionId: number;
  cidr: string;
  version: number;
}
type Err = {
  error: { code: string; message: string; details?: { field: string; reason: string; message: string }[] };
};

describe("safety networks: a school's address ranges", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let bureau: Session;
  let director: Session;
  let otherDirector: Session;
  let regional: Session;
  let schoolId: number;
  let otherSchoolId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    const areas = await createAreas(db);
    schoolId = (await createInstitution(db, areas.district, { nameEn: 'School One' })).id;
    otherSchoolId = (
      await createInstitution(db, areas.otherDistrict, { nameAz: 'İkinci məktəb', nameEn: 'School Two' })
    ).id;
    const as = async (role: 'bureau' | 'regional' | 'director', scope = {}) => {
      const u = await createUserWithRole(db, role, scope);
      return login(t.app, u.username, u.password);
    };
    bureau = await as('bureau');
    director = await as('director', { institutionId: schoolId });
    otherDirector = await as('director', { institutionId: otherSchoolId });
    regional = await as('regional', { areaId: areas.district });
  });
  afterAll(async () => t.close());

  const send = (s: Session, method: 'POST' | 'PUT' | 'GET' | 'DELETE', url: string, payload?: object) =>
    s.inject({ method, url, payload, headers: { 'accept-language': 'en' } });
  const add = (s: Session, institutionId: number, cidr: string, kind = 'pupils') =>
    send(s, 'POST', '/api/safety/networks', { institutionId, kind, cidr, note: '' });

  it('validates ranges, IPv4 and IPv6, and suggests the range meant', () => {
    expect(parseCidr('10.1.0.0/24')).toEqual({ cidr: '10.1.0.0/24' });
    expect(parseCidr('2001:DB8:0:0::/64')).toEqual({ cidr: '2001:db8::/64' });
    expect(parseCidr('10.1.0.5/24')).toEqual({ reason: 'cidr_host_bits', suggestion: '10.1.0.0/24' });
    expect(parseCidr('2001:db8::1/64')).toEqual({ reason: 'cidr_host_bits', suggestion: '2001:db8::/64' });
    expect(parseCidr('10.0.0.0/8')).toEqual({ reason: 'cidr_too_wide' });
    expect(parseCidr('10.1.0.0/33')).toEqual({ reason: 'cidr' });
    expect(parseCidr('300.1.0.0/24')).toEqual({ reason: 'cidr' });
    expect(parseCidr('10.1.0.0')).toEqual({ reason: 'cidr' });
  });

  it("lets a director add the school's own ranges and no other school's", async () => {
    const made = await add(director, schoolId, '10.20.0.0/24');
    expect(made.statusCode).toBe(200);
    expect((await add(director, schoolId, '2001:db8:20::/64', 'staff')).statusCode).toBe(200);
    expect((await add(director, otherSchoolId, '10.21.0.0/24')).statusCode).toBe(403);
    const bad = await add(director, schoolId, '10.20.1.7/24');
    expect(bad.statusCode).toBe(422);
    expect(bad.json<Err>().error.details![0]!.message).toContain('10.20.1.0/24');
  });

  it('refuses an overlap, naming the other school only to whoever may see it', async () => {
    expect((await add(otherDirector, otherSchoolId, '10.30.0.0/24')).statusCode).toBe(200);
    const hidden = await add(director, schoolId, '10.30.0.128/25');
    expect(hidden.statusCode).toBe(409);
    expect(hidden.json<Err>().error.code).toBe('safetyAdmin.overlap_hidden');
    expect(hidden.body).not.toContain('İkinci məktəb');
    const named = await add(bureau, schoolId, '10.30.0.0/16');
    expect(named.statusCode).toBe(409);
    expect(named.json<Err>().error.message).toContain('İkinci məktəb');
    expect(named.json<Err>().error.message).toContain('10.30.0.0/24');
  });

  it('keeps one of two overlapping ranges saved at the same moment, refusing the other', async () => {
    if (t.database.driver === 'pglite') {
      // One connection: the two saves take turns by construction.
      const both = await Promise.all([
        add(director, schoolId, '10.35.0.0/24'),
        add(otherDirector, otherSchoolId, '10.35.0.0/23'),
      ]);
      expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      return;
    }
    // PostgreSQL: another session holds the table so that neither save can insert until both have looked for
    // overlaps (were they not made to take turns, both would find none and both be saved).
    const waiting = async () =>
      (
        await rows<{ n: number }>(
          t.database.db,
          sql`select count(*)::int as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'`,
        )
      )[0]!.n;
    await t.database.withConnection(async (c) => {
      await c.execute(sql`begin`);
      await c.execute(sql`lock table safety_network in exclusive mode`);
      const both = Promise.all([
        add(director, schoolId, '10.36.0.0/24'),
        add(otherDirector, otherSchoolId, '10.36.0.0/23'),
      ]);
      await vi.waitFor(async () => expect(await waiting()).toBe(2), { timeout: 30_000, interval: 50 });
      await c.execute(sql`commit`);
      expect((await both).map((r) => r.statusCode).sort()).toEqual([200, 409]);
    });
  });

  it("shows a director only the school's own networks; the district its schools'; the ministry all", async () => {
    const mine = (await send(director, 'GET', '/api/safety/networks')).json<{ networks: NetworkOut[] }>()
      .networks;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((n) => n.institutionId === schoolId)).toBe(true);
    const other = (await send(director, 'GET', `/api/safety/networks?institutionId=${otherSchoolId}`)).json<{
      networks: NetworkOut[];
    }>().networks;
    expect(other).toEqual([]);
    const district = (await send(regional, 'GET', '/api/safety/networks')).json<{ networks: NetworkOut[] }>()
      .networks;
    expect(district.map((n) => n.institutionId)).not.toContain(otherSchoolId);
    const all = (await send(bureau, 'GET', '/api/safety/networks')).json<{ networks: NetworkOut[] }>()
      .networks;
    expect(new Set(all.map((n) => n.institutionId))).toEqual(new Set([schoolId, otherSchoolId]));
  });

  it('saves and removes at the version read (409 when stale); others may not touch it', async () => {
    const n = (await add(director, schoolId, '10.40.0.0/24', 'staff')).json<NetworkOut>();
    const body = { version: n.version, kind: 'guests', cidr: '10.40.1.0/24', note: 'Wi-Fi' };
    expect((await send(otherDirector, 'PUT', `/api/safety/networks/${n.id}`, body)).statusCode).toBe(403);
    const saved = await send(director, 'PUT', `/api/safety/networks/${n.id}`, body);
    expect(saved.statusCode).toBe(200);
    expect((await send(director, 'PUT', `/api/safety/networks/${n.id}`, body)).statusCode).toBe(409);
    expect(
      (await send(director, 'DELETE', `/api/safety/networks/${n.id}?version=${n.version}`)).statusCode,
    ).toBe(409);
    expect(
      (await send(director, 'DELETE', `/api/safety/networks/${n.id}?version=${n.version + 1}`)).statusCode,
    ).toBe(200);
  });

  it("lets only the district or the ministry move a pupils' range to another kind", async () => {
    const made = (await add(director, schoolId, '10.77.0.0/24')).json<NetworkOut>();
    const change = (s: Session, version: number, kind: string) =>
      send(s, 'PUT', `/api/safety/networks/${made.id}`, { version, kind, cidr: '10.77.0.0/24', note: '' });
    const refused = await change(director, made.version, 'staff');
    expect(refused.statusCode).toBe(422);
    expect(refused.json<Err>().error.details).toEqual([
      expect.objectContaining({ field: 'kind', reason: 'kind_from_pupils' }),
    ]);
    // In the director's own language (Azerbaijani).
    expect(refused.json<Err>().error.details![0]!.message).toContain('nazirlik');
    const moved = await change(regional, made.version, 'staff');
    expect(moved.statusCode).toBe(200);
    // Back to pupils is tightening: the director may.
    const back = await change(director, moved.json<NetworkOut>().version, 'pupils');
    expect(back.statusCode).toBe(200);
    const guests = await change(bureau, back.json<NetworkOut>().version, 'guests');
    expect(guests.statusCode).toBe(200);
    // Nor may a director remove a pupils' range (its addresses could come back as staff).
    const other = (await add(director, schoolId, '10.78.0.0/24')).json<NetworkOut>();
    const removeAs = (s: Session) =>
      send(s, 'DELETE', `/api/safety/networks/${other.id}?version=${other.version}`);
    const kept = await removeAs(director);
    expect(kept.statusCode).toBe(422);
    expect(kept.json<Err>().error.details![0]).toMatchObject({ field: 'kind', reason: 'remove_pupils' });
    expect((await removeAs(regional)).statusCode).toBe(200);
  });
});
