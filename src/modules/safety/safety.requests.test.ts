import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { rows, type Db } from '@/server/db/database';
import { classifyHost, normaliseDomain, ownHostsOf } from '@/modules/safety/safety.blockpage';
import { categories, listDomains, lists } from '@/modules/safety/safety.tables';
import { rebuildDays } from '@/modules/safety/safety.rollup.store';
import { isPublicSuffix } from '@/modules/safety/safety.suffixes';
import { listMine } from '@/modules/notifications/notifications.service';

type Req = { id: number; version: number; status: string; state: string; endsAt: string; domain: string };
type Err = { error: { code: string; details?: { field: string; reason: string }[] } };

const text = (s: string) => ({ az: `${s} az`, ru: `${s} ru`, en: `${s} en` });
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

/** A gambling category with a block list naming `kazino.example`, and a teacher's and a district's people. */
async function world(db: Db) {
  const areas = await createAreas(db);
  const school = await createInstitution(db, areas.district);
  const otherSchool = await createInstitution(db, areas.otherDistrict);
  const [cat] = await db
    .insert(categories)
    .values({ code: 'gambling', name: text('Qumar'), description: text('') })
    .returning();
  const [list] = await db
    .insert(lists)
    .values({ kind: 'block', categoryId: cat!.id, name: text('UT1 gambling') })
    .returning();
  await db.insert(listDomains).values([
    { listId: list!.id, domain: 'kazino.example' },
    { listId: list!.id, domain: 'xn--80aodfsg.example' },
  ]);
  const people = {
    teacher: await createUserWithRole(db, 'teacher', { institutionId: school.id }),
    otherTeacher: await createUserWithRole(db, 'teacher', { institutionId: otherSchool.id }),
    director: await createUserWithRole(db, 'director', { institutionId: school.id }),
    regional: await createUserWithRole(db, 'regional', { areaId: areas.district }),
    otherRegional: await createUserWithRole(db, 'regional', { areaId: areas.otherDistrict }),
    bureau: await createUserWithRole(db, 'bureau'),
  };
  return { areas, school, otherSchool, people };
}

describe('normaliseDomain and classifyHost', () => {
  it('stores IDNs as punycode and refuses what is not a domain', () => {
    expect(normaliseDomain('Kazino.Example.')).toBe('kazino.example');
    expect(normaliseDomain('казино.рф')).toBe('xn--80aodfsg.xn--p1ai');
    for (const bad of ['', 'localhost', '1.2.3.4', '<script>.com', 'a..b', '-a.com', 'a b.com', 'x.123'])
      expect(normaliseDomain(bad)).toBeNull();
    expect(normaliseDomain(`${'a'.repeat(64)}.com`)).toBeNull();
  });

  it('tells Maktab’s own hosts from blocked names and from junk', () => {
    const own = ownHostsOf('https://maktab.edu.az', ['maktab.internal']);
    expect(classifyHost('maktab.edu.az', own).kind).toBe('own');
    expect(classifyHost('MAKTAB.edu.az:443', own).kind).toBe('own');
    expect(classifyHost('localhost:3000', own).kind).toBe('own');
    expect(classifyHost('127.0.0.1:3000', own).kind).toBe('own');
    expect(classifyHost('[::1]:3000', own).kind).toBe('own');
    expect(classifyHost('maktab.internal', own).kind).toBe('own');
    expect(classifyHost(undefined, own).kind).toBe('own');
    expect(classifyHost('kazino.example', own)).toEqual({ kind: 'blocked', domain: 'kazino.example' });
    expect(classifyHost('<script>alert(1)</script>.com', own).kind).toBe('invalid');
    expect(classifyHost(`${'a.'.repeat(200)}com`, own).kind).toBe('invalid');
  });
});

describe('the block page for a Host that is not Maktab’s', () => {
  let close: () => Promise<void>;
  let page: FastifyInstance;
  let plain: FastifyInstance;
  let closePlain: () => Promise<void>;
  beforeAll(async () => {
    // The whole app, as the node the resolvers send blocked names to runs it (BLOCK_PAGE=true).
    const t = await createTestApp({ blockPage: true, publicUrl: 'https://maktab.edu.az' });
    close = () => t.close();
    await world(t.database.db);
    page = t.app;
    // A node with the block page off (the default) serves the app whatever the Host.
    const other = await createTestApp({ publicUrl: 'https://maktab.edu.az' });
    plain = other.app;
    closePlain = () => other.close();
  });
  afterAll(async () => {
    await closePlain();
    await close();
  });

  it('names the domain and its category in the visitor’s language, with a link to ask', async () => {
    const res = await page.inject({
      url: '/some/path?x=1',
      headers: { host: 'www.kazino.example', 'accept-language': 'ru' },
    });
    expect(res.statusCode).toBe(451);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('Этот сайт заблокирован');
    expect(res.body).toContain('www.kazino.example');
    expect(res.body).toContain('Qumar ru');
    expect(res.body).toContain('href="https://maktab.edu.az/safety/unblock?domain=www.kazino.example"');
    expect(res.body).not.toContain('<script');
    const az = await page.inject({ url: '/', headers: { host: 'kazino.example' } });
    expect(az.body).toContain('Bu sayt bağlanıb');
    expect(az.body).toContain('Qumar az');
  });

  it('shows an IDN in Unicode and a domain of no known category without one', async () => {
    const idn = await page.inject({
      url: '/',
      headers: { host: 'xn--80aodfsg.example', 'accept-language': 'en' },
    });
    expect(idn.body).toContain('казино.example');
    expect(idn.body).toContain('Qumar en');
    const other = await page.inject({
      url: '/',
      headers: { host: 'unknown.example', 'accept-language': 'en' },
    });
    expect(other.statusCode).toBe(451);
    expect(other.body).toContain('on a list of sites closed');
  });

  it('answers a Host that is not a domain with a plain 400, never reflecting it', async () => {
    for (const host of ['<script>alert(1)</script>', 'a"onmouseover="x.com', `${'x'.repeat(400)}.com`]) {
      const res = await page.inject({ url: '/', headers: { host } });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.body).not.toContain('<');
      expect(res.body).not.toContain('onmouseover');
    }
  });

  it('leaves Maktab’s own hosts to the app', async () => {
    for (const host of ['maktab.edu.az', 'localhost:3000', '127.0.0.1']) {
      const res = await page.inject({ url: '/api/health', headers: { host } });
      expect(res.statusCode).toBe(200);
      expect(res.json<{ status: string }>().status).toBe('ok');
    }
  });

  it('is off unless the node is told to serve it', async () => {
    const res = await plain.inject({ url: '/api/health', headers: { host: 'kazino.example' } });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ status: string }>().status).toBe('ok');
  });
});

describe('unblock requests', () => {
  let close: () => Promise<void>;
  let db: Db;
  let w: Awaited<ReturnType<typeof world>>;
  const s: Record<string, Session> = {};

  beforeAll(async () => {
    const t = await createTestApp();
    close = () => t.close();
    db = t.database.db;
    w = await world(db);
    for (const [k, u] of Object.entries(w.people)) s[k] = await login(t.app, u.username, u.password);
  });
  afterAll(() => close());

  const ask = (who: string, over: object = {}) =>
    s[who]!.inject({
      method: 'POST',
      url: '/api/safety/requests',
      payload: {
        institutionId: w.school.id,
        domain: 'www.Kazino.example',
        reason: 'A lesson on probability',
        startsAt: inHours(0),
        endsAt: inHours(2),
        ...over,
      },
    });
  const act = (who: string, id: number, verb: string, payload: object) =>
    s[who]!.inject({ method: 'POST', url: `/api/safety/requests/${id}/${verb}`, payload });

  it('tells anyone what a domain is blocked as, and refuses what is not a domain', async () => {
    const res = await s.teacher!.inject({ url: '/api/safety/blocked?domain=kazino.example' });
    expect(res.json()).toMatchObject({ domain: 'kazino.example', category: { code: 'gambling' } });
    const bad = await s.teacher!.inject({ url: '/api/safety/blocked?domain=%3Cscript%3E' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<Err>().error.details![0]!.field).toBe('domain');
  });

  it('a teacher asks; the district approves it for a shorter period; all audited', async () => {
    const asked = await ask('teacher');
    expect(asked.statusCode).toBe(200);
    const req = asked.json<Req & { category: { code: string } }>();
    expect(req).toMatchObject({
      domain: 'www.kazino.example',
      status: 'pending',
      category: { code: 'gambling' },
    });

    const shorter = inHours(1);
    const approved = await act('regional', req.id, 'approve', {
      version: req.version,
      note: 'ok',
      endsAt: shorter,
    });
    expect(approved.statusCode).toBe(200);
    expect(approved.json<Req>()).toMatchObject({ status: 'approved', state: 'approved' });
    expect(Date.parse(approved.json<Req>().endsAt)).toBe(Date.parse(shorter));

    const stale = await act('bureau', req.id, 'reject', { version: req.version, note: 'late' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<Err>().error.code).toBe('stale_version');

    const audits = await rows<{ action: string }>(
      db,
      sql`select action from identity_audit where entity = 'safety_unblock_request' and entity_id = ${String(req.id)} order by id`,
    );
    expect(audits.map((a) => a.action)).toEqual(['create', 'approve']);

    // The teacher is told, in their own language (Azerbaijani here; Russian for a Russian reader).
    const mine = await s.teacher!.inject({ url: '/api/notifications' });
    const told = mine.json<{ items: { kind: string; text: string }[] }>().items;
    expect(told[0]).toMatchObject({ kind: 'safety_request_approved' });
    expect(told[0]!.text).toContain('www.kazino.example saytını açmaq istəyiniz təsdiqləndi');
    const ru = await listMine(db, w.people.teacher.id, {}, 'ru');
    expect(ru.items[0]!.text).toContain('Ваша просьба открыть www.kazino.example одобрена');
  });

  it('refuses a longer approval, a bad domain, a blank reason and an end before the start', async () => {
    const req = (await ask('teacher')).json<Req>();
    const longer = await act('bureau', req.id, 'approve', {
      version: req.version,
      note: '',
      endsAt: inHours(5),
    });
    expect(longer.statusCode).toBe(422);
    const bad = await ask('teacher', { domain: 'not a domain', reason: ' ', endsAt: inHours(-1) });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json<Err>()
        .error.details!.map((d) => d.field)
        .sort(),
    ).toEqual(['domain', 'endsAt', 'reason']);
  });

  it('refuses a public suffix (a whole zone like com.az) with a 422 naming the domain, in the asker’s language', async () => {
    for (const domain of ['co.uk', 'az', 'com.az', 'COM.AZ.', 'edu.az', 'k12.tr', 'gov.br']) {
      const res = await ask('teacher', { domain });
      expect(res.statusCode, domain).toBe(422);
      const [detail] = res.json<Err & { error: { details: { message: string }[] } }>().error.details;
      expect(detail).toMatchObject({ field: 'domain', reason: 'public_suffix' });
      expect(detail!.message).toContain('domen zonası');
    }
    expect(isPublicSuffix('example.com.az')).toBe(false);
    expect(isPublicSuffix('bbc.co.uk')).toBe(false);
    expect(isPublicSuffix('org')).toBe(true);
    expect(isPublicSuffix('github.io')).toBe(false);
    expect(isPublicSuffix('pvt.k12.ma.us')).toBe(true);
    const site = await ask('teacher', { domain: 'example.com.az' });
    expect(site.statusCode).toBe(200);
  });

  it('the ministry rejects with a note; the asker withdraws a pending one, no one else', async () => {
    const a = (await ask('teacher')).json<Req>();
    const rejected = await act('bureau', a.id, 'reject', { version: a.version, note: 'Not for school' });
    expect(rejected.json<Req>().status).toBe('rejected');
    const told = await listMine(db, w.people.teacher.id, {}, 'en');
    expect(told.items[0]).toMatchObject({
      kind: 'safety_request_rejected',
      text: 'Your request to unblock www.kazino.example was refused. Not for school',
    });
    const b = (await ask('teacher')).json<Req>();
    expect((await act('director', b.id, 'withdraw', { version: b.version })).statusCode).toBe(403);
    const withdrawn = await act('teacher', b.id, 'withdraw', { version: b.version });
    expect(withdrawn.json<Req>().status).toBe('withdrawn');
    const again = await act('regional', b.id, 'approve', {
      version: withdrawn.json<Req>().version,
      note: '',
    });
    expect(again.statusCode).toBe(409);
  });

  it('keeps to scope: another district’s officer gets 403, another school’s teacher sees nothing', async () => {
    const req = (await ask('teacher')).json<Req>();
    expect(
      (await act('otherRegional', req.id, 'approve', { version: req.version, note: '' })).statusCode,
    ).toBe(403);
    expect((await ask('otherTeacher')).statusCode).toBe(403);
    const seen = await s.otherTeacher!.inject({ url: '/api/safety/requests' });
    expect(seen.json<{ items: Req[] }>().items).toHaveLength(0);
    expect((await s.otherTeacher!.inject({ url: `/api/safety/requests/${req.id}` })).statusCode).toBe(404);
    const otherQueue = await s.otherRegional!.inject({ url: '/api/safety/requests' });
    expect(otherQueue.json<{ items: Req[] }>().items).toHaveLength(0);
    const queue = await s.regional!.inject({ url: '/api/safety/requests' });
    const items = queue.json<{ items: (Req & { canDecide: boolean })[] }>().items;
    expect(items[0]!.status).toBe('pending');
    expect(items.find((i) => i.id === req.id)!.canDecide).toBe(true);
    const director = await s.director!.inject({ url: `/api/safety/requests?institutionId=${w.school.id}` });
    expect(director.json<{ items: Req[] }>().items.length).toBeGreaterThan(0);
  });

  it('shows a request past its end as expired', async () => {
    const req = (await ask('teacher')).json<Req>();
    await db.execute(
      sql`update safety_unblock_request set starts_at = now() - interval '3 hours', ends_at = now() - interval '1 hour' where id = ${req.id}`,
    );
    const got = await s.teacher!.inject({ url: `/api/safety/requests/${req.id}` });
    expect(got.json<Req>()).toMatchObject({ status: 'pending', state: 'expired' });
    expect((await act('bureau', req.id, 'approve', { version: req.version, note: '' })).statusCode).toBe(409);
  });
});

describe('reports of blocked queries', () => {
  let close: () => Promise<void>;
  let db: Db;
  let w: Awaited<ReturnType<typeof world>>;
  const s: Record<string, Session> = {};

  beforeAll(async () => {
    const t = await createTestApp();
    close = () => t.close();
    db = t.database.db;
    w = await world(db);
    for (const [k, u] of Object.entries(w.people)) s[k] = await login(t.app, u.username, u.password);
    await db.insert(categories).values({ code: 'adult', name: text('Yetkin'), description: text('') });
    // Two days at the school (Baku noon = 08:00 UTC), one at the other school.
    await db.execute(sql`
      insert into safety_blocked_hour (institution_id, hour, category_code, count) values
        (${w.school.id}, '2026-11-02T08:00:00Z', 'gambling', 5),
        (${w.school.id}, '2026-11-02T09:00:00Z', 'gambling', 2),
        (${w.school.id}, '2026-11-03T08:00:00Z', 'adult', 4),
        (${w.otherSchool.id}, '2026-11-03T08:00:00Z', 'adult', 10),
        (${w.school.id}, '2026-12-01T08:00:00Z', 'adult', 100)`);
    await db.execute(sql`
      insert into safety_query_hour (institution_id, hour, network_kind, queries, blocked) values
        (${w.school.id}, '2026-11-02T08:00:00Z', 'pupils', 1000, 7),
        (${w.otherSchool.id}, '2026-11-03T08:00:00Z', 'pupils', 500, 10)`);
    await db.execute(sql`
      insert into safety_blocked_domain_day (institution_id, day, domain, category_code, count) values
        (${w.school.id}, '2026-11-02', 'kazino.example', 'gambling', 7),
        (${w.school.id}, '2026-11-03', 'xn--80aodfsg.example', 'gambling', 3),
        (${w.school.id}, '2026-11-03', 'kazino.example', 'gambling', 1),
        (${w.otherSchool.id}, '2026-11-03', 'other.example', 'adult', 10)`);
    // The reports read the daily rollups, summed from the hourly rows as the ingest does.
    await rebuildDays(db, '2026-10-01', '2026-12-31');
  });
  afterAll(() => close());

  const report = (who: string, q: string) =>
    s[who]!.inject({ url: `/api/safety/reports/blocked?from=2026-11-01&to=2026-11-30&${q}` });

  it('sums by category per day for the whole country', async () => {
    const res = await report('bureau', 'by=category&bucket=day');
    expect(res.statusCode).toBe(200);
    const r = res.json<{
      series: { bucket: string; key: string; count: number }[];
      totals: { key: string; name: string; count: number }[];
      queries: number;
      blocked: number;
    }>();
    expect(r.series).toEqual([
      { bucket: '2026-11-02', key: 'gambling', count: 7 },
      { bucket: '2026-11-03', key: 'adult', count: 14 },
    ]);
    expect(r.totals[0]).toMatchObject({ key: 'adult', name: 'Yetkin az', count: 14 });
    expect(r.queries).toBe(1500);
  });

  it('groups by month, district and school within a district’s area', async () => {
    const month = (await report('regional', `by=school&bucket=month&areaId=${w.areas.district}`)).json<{
      series: { bucket: string; count: number }[];
    }>();
    expect(month.series).toEqual([{ bucket: '2026-11-01', key: w.school.code, count: 11 }]);
    const districts = (await report('bureau', 'by=district&bucket=week')).json<{
      totals: { count: number }[];
    }>();
    expect(districts.totals.map((t) => t.count).sort()).toEqual([10, 11]);
    const regions = (await report('bureau', 'by=region&bucket=week')).json<{ totals: { count: number }[] }>();
    expect(regions.totals.map((t) => t.count)).toEqual([21]);
  });

  it('keeps to scope: a school’s staff only for their school, a district only its area', async () => {
    expect((await report('director', 'by=category')).statusCode).toBe(403);
    expect((await report('director', `institutionId=${w.otherSchool.id}`)).statusCode).toBe(403);
    expect((await report('teacher', `institutionId=${w.school.id}`)).statusCode).toBe(200);
    expect((await report('regional', 'by=school')).statusCode).toBe(403);
    expect((await report('otherRegional', `areaId=${w.areas.district}`)).statusCode).toBe(403);
  });

  it('gives a school’s top domains, IDNs in Unicode, and a CSV with headers in the caller’s language', async () => {
    const top = await s.director!.inject({
      url: `/api/safety/reports/top-domains?institutionId=${w.school.id}&from=2026-11-01&to=2026-11-30`,
    });
    expect(top.json<{ items: { unicode: string; count: number }[] }>().items).toEqual([
      expect.objectContaining({ unicode: 'kazino.example', count: 8 }),
      expect.objectContaining({ unicode: 'казино.example', count: 3 }),
    ]);
    const csv = await s.bureau!.inject({
      url: '/api/safety/reports/blocked?from=2026-11-01&to=2026-11-30&format=csv',
      // A signed-in person's own language (az here) names the columns.
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('Dövr,Kod,Kateqoriya,Bloklanmış sorğular');
    expect(csv.body).toContain('2026-11-03,adult,Yetkin az,14');
  });

  it('names the buckets that are not categories (other, exam, bypass) in the reader’s language', async () => {
    await db.execute(sql`
      insert into safety_blocked_hour (institution_id, hour, category_code, count) values
        (${w.school.id}, '2026-10-05T08:00:00Z', 'exam', 3),
        (${w.school.id}, '2026-10-05T08:00:00Z', 'bypass', 2),
        (${w.school.id}, '2026-10-05T08:00:00Z', 'other', 1)`);
    await rebuildDays(db, '2026-10-05', '2026-10-05');
    const res = await s.bureau!.inject({ url: '/api/safety/reports/blocked?from=2026-10-01&to=2026-10-31' });
    const totals = res.json<{ totals: { key: string; name: string }[] }>().totals;
    expect(Object.fromEntries(totals.map((t) => [t.key, t.name]))).toEqual({
      exam: 'İmtahan rejimi',
      bypass: 'Yan keçmə cəhdləri (VPN, proksi, şəxsi DNS)',
      other: 'Digər bloklar',
    });
  });

  it('refuses a period that ends before it starts', async () => {
    const res = await s.bureau!.inject({ url: '/api/safety/reports/blocked?from=2026-11-30&to=2026-11-01' });
    expect(res.statusCode).toBe(400);
  });

  it('the ministry sets the log retention at the version read', async () => {
    const read = await s.bureau!.inject({ url: '/api/safety/settings/logs' });
    expect(read.json()).toMatchObject({ logRetentionDays: 7 });
    const v = read.json<{ version: number }>().version;
    const put = (days: number, version: number) =>
      s.bureau!.inject({
        method: 'PUT',
        url: '/api/safety/settings/logs',
        payload: { version, logRetentionDays: days },
      });
    expect((await put(30, v)).json()).toMatchObject({ logRetentionDays: 30, version: v + 1 });
    expect((await put(90, v)).statusCode).toBe(409);
    expect((await put(5, v + 1)).statusCode).toBe(400);
    expect((await s.regional!.inject({ url: '/api/safety/settings/logs' })).statusCode).toBe(403);
  });
});
