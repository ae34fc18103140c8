import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';

const run = promisify(execFile);
type Err = { error: { code: string; message: string; details?: { field: string; reason: string }[] } };
const text = (az: string, ru = '', en = '') => ({ az, ru, en });
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(Date.now() + ms).toISOString();

/** A news item as an editor sends it. */
const article = (place: object, over: object = {}) => ({
  place,
  title: text('Yeni dərs ili başlayır', 'Начинается новый учебный год'),
  summary: text('Qısa məlumat', 'Кратко'),
  body: text('<p>Mətn</p>', '<p>Текст</p>'),
  tags: ['dərs-ili'],
  publishAt: iso(-HOUR),
  ...over,
});
/** An event as an editor sends it: local times in Baku, a week from now. */
const local = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * 86_400_000 + 4 * HOUR);
  return `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00`;
};
const event = (place: object, over: object = {}) => ({
  place,
  title: text('Təhlükəsiz İnternet Günü', 'День безопасного интернета', 'Safer Internet Day'),
  description: text('Şagirdlər üçün', 'Для учеников', 'For pupils'),
  start: local(7, 10),
  end: local(7, 12),
  timeZone: 'Asia/Baku',
  repeat: null,
  repeatCount: null,
  repeatUntil: null,
  venue: 'Bakı, 1 nömrəli məktəb',
  onlineUrl: '',
  grades: [5, 6, 7],
  roles: ['student', 'parent'],
  capacity: null,
  ...over,
});

/**
 * The portal's news and events through the API on a small world: one region with two districts, a school in
 * each. Scopes of publishers, scheduled publishing, the fallback language, stored XSS, registration under
 * concurrency, and the feeds checked by ical.js and xmllint.
 */
describe('portal news and events', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let bureau: Session;
  let regional: Session;
  let director: Session;
  let otherDirector: Session;
  let areas: Awaited<ReturnType<typeof createAreas>>;
  let otherRegion: Awaited<ReturnType<typeof createAreas>>;
  let school: number;
  let otherSchool: number;
  let students: Session[];

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    areas = await createAreas(db);
    otherRegion = await createAreas(db);
    school = (await createInstitution(db, areas.district)).id;
    otherSchool = (await createInstitution(db, areas.otherDistrict)).id;
    const as = async (role: 'bureau' | 'regional' | 'director' | 'student', scope = {}) => {
      const u = await createUserWithRole(db, role, scope);
      return login(t.app, u.username, u.password);
    };
    bureau = await as('bureau');
    regional = await as('regional', { areaId: areas.region });
    director = await as('director', { institutionId: school });
    otherDirector = await as('director', { institutionId: otherSchool });
    students = [];
    for (let i = 0; i < 8; i++) students.push(await as('student', { institutionId: school }));
  });
  afterAll(async () => t.close());

  const anon = (url: string, lang = 'en') => t.app.inject({ url, headers: { 'accept-language': lang } });
  const post = (s: Session, url: string, payload: object, lang = 'en') =>
    s.inject({ method: 'POST', url, payload, headers: { 'accept-language': lang } });

  it("keeps a school's director to their school, and a region to its areas", async () => {
    const own = await post(
      director,
      '/api/portal/manage/news',
      article({ kind: 'institution', institutionId: school }),
    );
    expect(own.statusCode).toBe(200);
    for (const place of [
      { kind: 'institution', institutionId: otherSchool },
      { kind: 'area', areaId: areas.district },
      { kind: 'area', areaId: areas.region },
      { kind: 'nation' },
    ]) {
      const res = await post(director, '/api/portal/manage/news', article(place));
      expect(res.statusCode, JSON.stringify(place)).toBe(422);
      expect(res.json<Err>().error.details?.[0]).toMatchObject({ field: 'place', reason: 'not_your_place' });
    }
    expect(
      (await post(regional, '/api/portal/manage/news', article({ kind: 'area', areaId: areas.district })))
        .statusCode,
    ).toBe(200);
    expect(
      (await post(regional, '/api/portal/manage/events', event({ kind: 'area', areaId: areas.region })))
        .statusCode,
    ).toBe(200);
    for (const place of [
      { kind: 'area', areaId: otherRegion.region },
      { kind: 'institution', institutionId: school },
      { kind: 'nation' },
    ]) {
      expect((await post(regional, '/api/portal/manage/news', article(place))).statusCode).toBe(422);
    }
    // Another school's director can neither read for editing nor change the first director's item.
    const id = own.json<{ id: number }>().id;
    expect((await otherDirector.inject({ url: `/api/portal/manage/news/${id}` })).statusCode).toBe(403);
    const list = await otherDirector.inject({ url: '/api/portal/manage/news' });
    expect(list.json<{ items: { id: number }[] }>().items.map((i) => i.id)).not.toContain(id);
    const unknown = await post(bureau, '/api/portal/manage/news', article({ kind: 'area', areaId: 999_999 }));
    expect(unknown.json<Err>().error.details?.[0]).toMatchObject({
      field: 'place.areaId',
      reason: 'unknown_place',
    });
  });

  it('hides a scheduled item until it is due, and a draft always', async () => {
    const body = article({ kind: 'nation' }, { title: text('Planlı xəbər'), publishAt: iso(2 * HOUR) });
    const made = await post(bureau, '/api/portal/manage/news', body);
    expect(made.json()).toMatchObject({ status: 'scheduled' });
    const { id, version } = made.json<{ id: number; version: number }>();
    const draft = await post(bureau, '/api/portal/manage/news', {
      ...body,
      title: text('Qaralama'),
      publishAt: null,
    });
    expect(draft.json()).toMatchObject({ status: 'draft' });
    const titles = async () =>
      (await anon('/api/portal/news', 'az')).json<{ items: { title: string }[] }>().items.map((i) => i.title);
    expect(await titles()).not.toContain('Planlı xəbər');
    expect(await titles()).not.toContain('Qaralama');
    expect((await anon(`/api/portal/news/${id}`)).statusCode).toBe(404);
    expect((await anon(`/api/portal/news/${draft.json<{ id: number }>().id}`)).statusCode).toBe(404);
    expect((await anon('/api/portal/feeds/nation/news.xml', 'az')).body).not.toContain('Planlı xəbər');
    // Due now: it appears.
    const due = await bureau.inject({
      method: 'PUT',
      url: `/api/portal/manage/news/${id}`,
      payload: { ...body, publishAt: iso(-1000), version },
    });
    expect(due.json()).toMatchObject({ status: 'published', version: version + 1 });
    expect(await titles()).toContain('Planlı xəbər');
    // A save from the old version is refused, not silently applied.
    const stale = await bureau.inject({
      method: 'PUT',
      url: `/api/portal/manage/news/${id}`,
      payload: { ...body, version },
    });
    expect(stale.statusCode).toBe(409);
  });

  it('shows a missing translation in another language, marked as such', async () => {
    const made = await post(
      bureau,
      '/api/portal/manage/news',
      article(
        { kind: 'nation' },
        { title: text('Yalnız azərbaycanca'), summary: text('Xülasə'), body: text('<p>Mətn</p>') },
      ),
    );
    const id = made.json<{ id: number }>().id;
    const ru = (await anon(`/api/portal/news/${id}`, 'ru')).json<unknown>();
    expect(ru).toMatchObject({
      title: 'Yalnız azərbaycanca',
      lang: 'az',
      fallback: true,
      body: '<p>Mətn</p>',
      languages: ['az'],
    });
    const both = await post(bureau, '/api/portal/manage/news', article({ kind: 'nation' }));
    const ruBoth = (await anon(`/api/portal/news/${both.json<{ id: number }>().id}`, 'ru')).json<unknown>();
    expect(ruBoth).toMatchObject({
      title: 'Начинается новый учебный год',
      lang: 'ru',
      fallback: false,
      body: '<p>Текст</p>',
    });
    const en = (await anon(`/api/portal/news/${both.json<{ id: number }>().id}`, 'en')).json<unknown>();
    expect(en).toMatchObject({ lang: 'az', fallback: true });
  });

  it('stores no script: rich text sanitised, plain text kept as text', async () => {
    const evil =
      '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a><a href="https://e.az" onclick="alert(4)">ok</a><p style="x" onmouseover="alert(5)">p</p><iframe src="https://e.az"></iframe><svg onload="alert(6)"></svg>';
    const made = await post(
      bureau,
      '/api/portal/manage/news',
      article(
        { kind: 'nation' },
        {
          title: text('<script>alert(7)</script>'),
          summary: text('<img src=x onerror=alert(8)>'),
          body: text(evil, evil, evil),
          tags: ['xss'],
        },
      ),
    );
    expect(made.statusCode).toBe(200);
    const item = (await anon(`/api/portal/news/${made.json<{ id: number }>().id}`, 'az')).json<{
      body: string;
      title: string;
      summary: string;
    }>();
    for (const bad of [
      '<script',
      'onerror',
      'javascript:',
      'onclick',
      'onmouseover',
      '<iframe',
      '<svg',
      'onload',
      'style=',
      '<img',
    ])
      expect(item.body).not.toContain(bad);
    expect(item.body).toContain('<a href="https://e.az" rel="noopener noreferrer nofollow">ok</a>');
    // Plain texts come back as typed: the pages put them in as text, never as HTML (see e2e/portal.test.ts).
    expect(item.title).toBe('<script>alert(7)</script>');
    const rss = (await anon('/api/portal/feeds/nation/news.xml', 'az')).body;
    expect(rss).not.toContain('<script>alert');
    expect(rss).not.toMatch(/onerror=/);
    // An event's link must be a web address, not a script.
    const ev = await post(
      bureau,
      '/api/portal/manage/events',
      event({ kind: 'nation' }, { onlineUrl: 'javascript:alert(1)' }),
    );
    expect(ev.statusCode).toBe(422);
    expect(ev.json<Err>().error.details?.[0]).toMatchObject({ field: 'onlineUrl', reason: 'url' });
  });

  it('never registers more people than the places, however many register at once', async () => {
    const made = await post(
      director,
      '/api/portal/manage/events',
      event({ kind: 'institution', institutionId: school }, { capacity: 3 }),
    );
    expect(made.statusCode).toBe(200);
    const id = made.json<{ id: number }>().id;
    const answers = await Promise.all(
      students.map((s) =>
        s.inject({
          method: 'POST',
          url: `/api/portal/events/${id}/registration`,
          headers: { 'accept-language': 'ru' },
        }),
      ),
    );
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(3);
    const refused = answers.filter((a) => a.statusCode !== 200);
    expect(refused).toHaveLength(5);
    for (const a of refused) {
      expect(a.statusCode).toBe(409);
      expect(a.json<Err>().error.code).toBe('portal.full');
      // In the student's own language (their account's), never the code.
      expect(['Bu tədbirdə bütün yerlər tutulub.', 'Все места на это событие заняты.']).toContain(
        a.json<Err>().error.message,
      );
    }
    expect((await anon(`/api/portal/events/${id}`)).json()).toMatchObject({ capacity: 3, registered: 3 });
    // One cancels: a place frees up for another.
    const winner = students[answers.findIndex((a) => a.statusCode === 200)]!;
    const loser = students[answers.findIndex((a) => a.statusCode !== 200)]!;
    expect(
      (await winner.inject({ method: 'DELETE', url: `/api/portal/events/${id}/registration` })).json(),
    ).toMatchObject({ registered: 2, mine: false });
    expect(
      (await loser.inject({ method: 'POST', url: `/api/portal/events/${id}/registration` })).json(),
    ).toMatchObject({ registered: 3, mine: true });
    expect((await loser.inject({ url: `/api/portal/events/${id}` })).json()).toMatchObject({ mine: true });
    // Signed out: no registering.
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/portal/events/${id}/registration` })).statusCode,
    ).toBe(401);
  });

  it('lists events near an area, repeating at the same local time, and writes an iCalendar ical.js reads', async () => {
    const made = await post(
      regional,
      '/api/portal/manage/events',
      event(
        { kind: 'area', areaId: areas.region },
        {
          title: text('Həftəlik dərnək', 'Еженедельный кружок', 'Weekly club'),
          repeat: 'weekly',
          repeatCount: 4,
          onlineUrl: 'https://meet.example.az/x',
        },
      ),
    );
    expect(made.statusCode).toBe(200);
    const id = made.json<{ id: number }>().id;
    // Found from the district below the region, not from another region.
    const near = (await anon(`/api/portal/events?areaId=${areas.district}&days=60`)).json<{
      occurrences: { eventId: number; startsAt: string }[];
    }>();
    const mine = near.occurrences.filter((o) => o.eventId === id);
    expect(mine).toHaveLength(4);
    expect(new Date(mine[1]!.startsAt).getTime() - new Date(mine[0]!.startsAt).getTime()).toBe(
      7 * 86_400_000,
    );
    const far = (await anon(`/api/portal/events?areaId=${otherRegion.district}`)).json<{
      occurrences: { eventId: number }[];
    }>();
    expect(far.occurrences.map((o) => o.eventId)).not.toContain(id);

    const res = await anon(`/api/portal/feeds/areas/${areas.district}/events.ics`);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    expect(res.body.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    const cal = new ICAL.Component(ICAL.parse(res.body) as unknown[]);
    expect(cal.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Asia/Baku');
    const vevent = cal
      .getAllSubcomponents('vevent')
      .find((v) => v.getFirstPropertyValue('summary') === 'Weekly club')!;
    expect(vevent).toBeDefined();
    const e = new ICAL.Event(vevent);
    expect(e.isRecurring()).toBe(true);
    expect(String(vevent.getFirstPropertyValue('rrule'))).toBe('FREQ=WEEKLY;COUNT=4');
    const it = e.iterator();
    const starts: string[] = [];
    for (let next = it.next(); next; next = it.next()) starts.push(next.toJSDate().toISOString());
    expect(starts).toEqual(mine.map((o) => o.startsAt));
    // A school's calendar has its own events only.
    const schoolCal = (await anon(`/api/portal/feeds/schools/${school}/events.ics`)).body;
    expect(schoolCal).not.toContain('Weekly club');
  });

  it('repeats monthly until a day, and refuses impossible repeats', async () => {
    const ok = await post(
      bureau,
      '/api/portal/manage/events',
      event({ kind: 'nation' }, { title: text('Aylıq'), repeat: 'monthly', repeatUntil: local(100, 0) }),
    );
    expect(ok.statusCode).toBe(200);
    const ics = (await anon('/api/portal/feeds/nation/events.ics')).body;
    const cal = new ICAL.Component(ICAL.parse(ics) as unknown[]);
    const v = cal.getAllSubcomponents('vevent').find((x) => x.getFirstPropertyValue('summary') === 'Aylıq')!;
    expect(String(v.getFirstPropertyValue('rrule'))).toMatch(/^FREQ=MONTHLY;UNTIL=\d{8}T\d{6}Z$/);
    const both = await post(
      bureau,
      '/api/portal/manage/events',
      event({ kind: 'nation' }, { repeat: 'weekly', repeatCount: 3, repeatUntil: local(30, 0) }),
    );
    expect(both.json<Err>().error.details?.map((d) => d.field)).toContain('repeatCount');
    const zone = await post(
      bureau,
      '/api/portal/manage/events',
      event({ kind: 'nation' }, { timeZone: 'Mars/Olympus', end: local(6, 10) }),
      'az',
    );
    expect(zone.json<Err>().error.details?.[0]).toMatchObject({ field: 'timeZone', reason: 'time_zone' });
    const backwards = await post(
      bureau,
      '/api/portal/manage/events',
      event({ kind: 'nation' }, { end: local(6, 10) }),
    );
    expect(backwards.json<Err>().error.details?.[0]).toMatchObject({ field: 'end', reason: 'before_start' });
  });

  it('writes each publisher news feed as RSS 2.0 and Atom that xmllint accepts', async () => {
    await post(
      regional,
      '/api/portal/manage/news',
      article({ kind: 'area', areaId: areas.region }, { title: text('Regionun xəbəri & <b>qalın</b>') }),
    );
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'portal-feed-'));
    try {
      for (const url of [
        '/api/portal/feeds/nation/news.xml',
        '/api/portal/feeds/nation/news.xml?format=atom',
        `/api/portal/feeds/areas/${areas.region}/news.xml`,
        `/api/portal/feeds/schools/${school}/news.xml?format=atom`,
      ]) {
        const res = await anon(url, 'az');
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-type']).toMatch(
          url.includes('atom') ? /^application\/atom\+xml/ : /^application\/rss\+xml/,
        );
        const file = path.join(dir, 'feed.xml');
        await fs.writeFile(file, res.body);
        await run('xmllint', ['--noout', '--nonet', file]);
        expect(res.body).toContain(
          url.includes('atom') ? '<feed xmlns="http://www.w3.org/2005/Atom">' : '<rss version="2.0"',
        );
      }
      const region = (await anon(`/api/portal/feeds/areas/${areas.region}/news.xml`, 'az')).body;
      expect(region).toContain('Regionun xəbəri & qalın');
      expect((await anon('/api/portal/feeds/areas/999999/news.xml')).statusCode).toBe(404);
    } finally {
      await fs.rm(dir, { recursive: true });
    }
  });

  it("puts a signed-in pupil's school first on the home, and a visitor's picked area", async () => {
    await post(
      director,
      '/api/portal/manage/news',
      article(
        { kind: 'institution', institutionId: school },
        { title: text('Məktəbimizin xəbəri'), publishAt: iso(-10 * HOUR) },
      ),
    );
    const home = (
      await students[0]!.inject({ url: '/api/portal/home', headers: { 'accept-language': 'az' } })
    ).json<{ news: { title: string; place: { kind: string } }[]; school: { id: number } | null }>();
    expect(home.school?.id).toBe(school);
    expect(home.news[0]).toMatchObject({ place: { kind: 'institution' } });
    expect(home.news.map((n) => n.title)).toContain('Məktəbimizin xəbəri');
    const visitor = (await anon('/api/portal/home')).json<{
      news: { place: { kind: string } }[];
      area: null;
      areas: unknown[];
    }>();
    expect(visitor.area).toBeNull();
    expect(visitor.news.every((n) => n.place.kind === 'nation')).toBe(true);
    expect(visitor.areas.length).toBeGreaterThan(0);
    const picked = (await anon(`/api/portal/home?areaId=${areas.region}`)).json<{
      area: { id: number };
      news: { place: { kind: string } }[];
    }>();
    expect(picked.area.id).toBe(areas.region);
    expect(picked.news.some((n) => n.place.kind !== 'nation')).toBe(true);
    expect((await anon('/api/portal/home?areaId=999999')).statusCode).toBe(404);
  });
});
