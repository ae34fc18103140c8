import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import { createTestDatabase, login, testConfig, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole, linkParent } from '@test/factories';

/**
 * The portal's pages in the first HTML (src/modules/portal/portal.pages.ts through src/server/public-pages.ts):
 * title, description, canonical, the feeds as alternates, the content — a news item's sanitised body, an
 * event's dates in its own time zone — in the visitor's language; stored XSS escaped; not found for what is
 * not published. And a parent's home follows their child's school.
 */

const PUBLIC = 'https://maktab.example.az';
const SHELL =
  '<!doctype html><html lang="az"><head><meta charset="utf-8" />' +
  '<meta name="description" content="Maktab — platforma" /><title>Maktab</title>' +
  '<script type="module" src="/assets/index.js"></script></head>' +
  '<body><div id="root"></div><noscript>JS</noscript></body></html>';
const text = (az: string, ru = '', en = '') => ({ az, ru, en });
const HOUR = 3_600_000;
const XSS = 'Olimpiada <script>alert(1)</script> "dırnaq" $& </title>';

/** The content of the root element (what a reader sees before the script), and the head. */
const root = (html: string) => /<div id="root">([\s\S]*)<\/div><noscript>/.exec(html)?.[1] ?? '';
const head = (html: string) => /<head>([\s\S]*)<\/head>/.exec(html)?.[1] ?? '';

describe('the portal in the first HTML', () => {
  let database: Database;
  let app: FastifyInstance;
  let webRoot: string;
  let bureau: Session;
  let region: number;
  let district: number;
  let school: number;
  let newsId: number;
  let scheduledId: number;
  let eventId: number;
  let schoolNewsId: number;

  const post = async (s: Session, url: string, payload: object) => {
    const res = await s.inject({ method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ id: number }>();
  };
  const page = (url: string, cookie?: string) =>
    app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

  beforeAll(async () => {
    database = await createTestDatabase();
    webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-portal-web-'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), SHELL);
    app = await buildApp(testConfig({ webRoot, publicUrl: PUBLIC }), database);
    await app.ready();
    const db = database.db;
    const areas = await createAreas(db);
    region = areas.region;
    district = areas.district;
    school = (await createInstitution(db, district)).id;
    const u = await createUserWithRole(db, 'bureau');
    bureau = await login(app, u.username, u.password);
    newsId = (
      await post(bureau, '/api/portal/manage/news', {
        place: { kind: 'nation' },
        title: text(XSS, 'Олимпиада', 'Olympiad'),
        summary: text('Qısa <b>məzmun</b>', 'Кратко', 'In short'),
        body: text(
          '<p>Mətn <strong>qalın</strong></p><img src=x onerror="alert(2)"><script>alert(3)</script>' +
            '<a href="javascript:alert(4)">link</a>',
          '<p>Текст</p>',
          '<p>Text</p>',
        ),
        tags: ['olimpiada'],
        publishAt: new Date(Date.now() - HOUR).toISOString(),
      })
    ).id;
    scheduledId = (
      await post(bureau, '/api/portal/manage/news', {
        place: { kind: 'nation' },
        title: text('Gələcək xəbər'),
        summary: text(''),
        body: text('<p>Sonra</p>'),
        tags: [],
        publishAt: new Date(Date.now() + 48 * HOUR).toISOString(),
      })
    ).id;
    schoolNewsId = (
      await post(bureau, '/api/portal/manage/news', {
        place: { kind: 'institution', institutionId: school },
        title: text('Məktəbimizin xəbəri', 'Новость школы', 'Our school’s news'),
        summary: text(''),
        body: text('<p>Məktəb</p>'),
        tags: [],
        publishAt: new Date(Date.now() - 2 * HOUR).toISOString(),
      })
    ).id;
    // 10:00–12:00 in Baku (UTC+4) ten days from now: 06:00–08:00 UTC.
    const day = new Date(Date.now() + 10 * 24 * HOUR).toISOString().slice(0, 10);
    eventId = (
      await post(bureau, '/api/portal/manage/events', {
        place: { kind: 'area', areaId: district },
        title: text('Tədbir <img src=x onerror=alert(5)>', 'Событие', 'An event'),
        description: text('Təsvir', 'Описание', 'About it'),
        start: `${day}T10:00`,
        end: `${day}T12:00`,
        timeZone: 'Asia/Baku',
        repeat: null,
        repeatCount: null,
        repeatUntil: null,
        venue: 'Bakı <zal>',
        onlineUrl: '',
        grades: [],
        roles: [],
        capacity: null,
      })
    ).id;
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    if (webRoot) fs.rmSync(webRoot, { recursive: true, force: true });
  });

  it('writes the home with its news, events, the other sections and the feeds, in the visitor’s language', async () => {
    const az = await page('/portal');
    expect(az.statusCode).toBe(200);
    expect(az.headers['content-type']).toMatch(/^text\/html/);
    expect(az.headers['content-language']).toBe('az');
    expect(az.headers.vary).toMatch(/Cookie/);
    expect(az.body).toMatch(/<html lang="az"/);
    expect(head(az.body)).toContain('<title>Təhsil portalı — ');
    expect(head(az.body)).toContain(`<link rel="canonical" href="${PUBLIC}/portal" />`);
    expect(head(az.body)).toContain(
      `<link rel="alternate" type="application/rss+xml" title="Xəbər lenti (RSS)" href="${PUBLIC}/api/portal/feeds/nation/news.xml" />`,
    );
    expect(head(az.body)).toContain(
      `type="application/atom+xml" title="Xəbər lenti (Atom)" href="${PUBLIC}/api/portal/feeds/nation/news.xml?format=atom"`,
    );
    expect(head(az.body)).toContain(`type="text/calendar"`);
    const body = root(az.body);
    expect(body).toContain(`href="/portal/news/${newsId}"`);
    // Stored XSS: the title is text, escaped.
    expect(body).toContain(
      'Olimpiada &lt;script&gt;alert(1)&lt;/script&gt; &quot;dırnaq&quot; $&amp; &lt;/title&gt;',
    );
    expect(az.body).not.toContain('<script>alert');
    // Not yet due: not on the home.
    expect(body).not.toContain(`/portal/news/${scheduledId}"`);
    for (const link of ['/resources', '/portal/safety', '/portal/safer-internet-day', '/portal/discuss'])
      expect(body).toContain(`href="${link}"`);
    // The area picker works without the script: a form.
    expect(body).toMatch(/<form class="portal-picker" method="get" action="\/portal">/);

    const ru = await page('/portal', 'maktab_lang=ru');
    expect(ru.headers['content-language']).toBe('ru');
    expect(ru.body).toMatch(/<html lang="ru"/);
    expect(root(ru.body)).toContain('>Олимпиада</a>');
    expect(root(ru.body)).toContain('Новости');
  });

  it('writes the home near an area, its canonical and feeds naming the area; an unknown area is not found', async () => {
    const res = await page(`/portal?area=${district}`, 'maktab_lang=en');
    expect(res.statusCode).toBe(200);
    expect(head(res.body)).toContain(`<link rel="canonical" href="${PUBLIC}/portal?area=${district}" />`);
    expect(head(res.body)).toContain(`${PUBLIC}/api/portal/feeds/areas/${district}/events.ics`);
    expect(root(res.body)).toContain(`href="/portal/events/${eventId}"`);
    expect(root(res.body)).toContain(`href="/portal/news/${schoolNewsId}"`);
    expect(root(res.body)).toContain(`<option value="${district}" selected>`);
    expect((await page('/portal?area=999999')).statusCode).toBe(404);
    // Nonsense in the address is no area: the nation's home.
    expect((await page('/portal?area=%3Cx%3E')).statusCode).toBe(200);
  });

  it('writes a news item with its sanitised body, its description and NewsArticle; not due yet is not found', async () => {
    const res = await page(`/portal/news/${newsId}`);
    expect(res.statusCode).toBe(200);
    const h = head(res.body);
    expect(h).toContain(`<link rel="canonical" href="${PUBLIC}/portal/news/${newsId}" />`);
    expect(h).toContain('<meta name="description" content="Qısa &lt;b&gt;məzmun&lt;/b&gt;" />');
    expect(h).toContain('<meta property="og:type" content="article" />');
    expect(h).toContain('<title>Olimpiada &lt;script&gt;alert(1)&lt;/script&gt;');
    const ld = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(h)?.[1];
    const json = JSON.parse(ld!) as Record<string, string>;
    expect(json['@type']).toBe('NewsArticle');
    expect(json.headline).toBe(XSS);
    expect(ld).not.toContain('</title>');
    const body = root(res.body);
    expect(body).toContain('<div class="portal-body" lang="az"><p>Mətn <strong>qalın</strong></p>');
    expect(body).not.toMatch(/onerror|javascript:|<script|<img/);
    // In Russian: the Russian text.
    expect(root((await page(`/portal/news/${newsId}`, 'maktab_lang=ru')).body)).toContain('<p>Текст</p>');
    expect((await page(`/portal/news/${scheduledId}`)).statusCode).toBe(404);
    expect((await page('/portal/news/99999999')).statusCode).toBe(404);
    expect((await page('/portal/news/abc')).statusCode).toBe(404);
  });

  it('writes the news list and the calendar, with their feeds and the next page', async () => {
    const news = await page('/portal/news');
    expect(news.statusCode).toBe(200);
    expect(root(news.body)).toContain(`href="/portal/news/${newsId}"`);
    expect(head(news.body)).toContain(`${PUBLIC}/api/portal/feeds/nation/news.xml`);
    const near = await page(`/portal/news?area=${region}&page=1`);
    expect(head(near.body)).toContain(`<link rel="canonical" href="${PUBLIC}/portal/news?area=${region}" />`);
    expect(root(near.body)).toContain(`href="/portal/news/${schoolNewsId}"`);
    const events = await page(`/portal/events?area=${district}`);
    expect(events.statusCode).toBe(200);
    expect(root(events.body)).toContain(`href="/portal/events/${eventId}"`);
    expect(root(events.body)).toContain('Tədbir &lt;img src=x onerror=alert(5)&gt;');
  });

  it('writes an event with its dates in its own time zone, in the visitor’s language, and Event for search engines', async () => {
    const res = await page(`/portal/events/${eventId}`, 'maktab_lang=en');
    expect(res.statusCode).toBe(200);
    const body = root(res.body);
    // 10:00 to 12:00 local time in Baku, whatever the server's own zone.
    expect(body).toMatch(
      /<time datetime="[^"]+T06:00:00.000Z">[^<]*10:00<\/time> – <time [^>]*>[^<]*12:00<\/time> \(Asia\/Baku\)/,
    );
    expect(body).toContain('Bakı &lt;zal&gt;');
    expect(body).toContain('<h1 lang="en">An event</h1>');
    const ld = JSON.parse(
      /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(res.body)![1]!,
    ) as {
      '@type': string;
      startDate: string;
    };
    expect(ld['@type']).toBe('Event');
    expect(ld.startDate).toMatch(/T06:00:00.000Z$/);
    expect(head(res.body)).toContain(`${PUBLIC}/api/portal/feeds/areas/${district}/events.ics`);
    expect((await page('/portal/events/99999999')).statusCode).toBe(404);
  });

  it('shows a parent the news of their child’s school on the home', async () => {
    const db = database.db;
    const child = await createUserWithRole(db, 'student', { institutionId: school });
    const parent = await createUserWithRole(db, 'parent');
    await linkParent(db, parent.id, child.id);
    const s = await login(app, parent.username, parent.password);
    const res = await s.inject({ method: 'GET', url: '/api/portal/home' });
    expect(res.statusCode).toBe(200);
    const home = res.json<{ school: { id: number } | null; news: { id: number }[] }>();
    expect(home.school?.id).toBe(school);
    expect(home.news[0]?.id).toBe(schoolNewsId);
    // A visitor's home is the nation's: no school.
    const visitor = (await app.inject({ url: '/api/portal/home' })).json<{
      school: unknown;
      news: { id: number }[];
    }>();
    expect(visitor.school).toBeNull();
    expect(visitor.news.map((n) => n.id)).not.toContain(schoolNewsId);
    // The first HTML of the parent's home is theirs: no shared cache may keep it; a visitor's may be.
    const firstHtml = await s.inject({ method: 'GET', url: '/portal' });
    expect(firstHtml.headers['cache-control']).toBe('private, no-cache');
    expect((await page('/portal')).headers['cache-control']).toBe('no-cache');
  });

  it('shows a new item on the home at once: the kept home follows the portal’s data revision', async () => {
    const before = (await app.inject({ url: '/api/portal/home' })).json<{ news: { id: number }[] }>();
    const id = (
      await post(bureau, '/api/portal/manage/news', {
        place: { kind: 'nation' },
        title: text('Təzə xəbər'),
        summary: text(''),
        body: text('<p>Təzə</p>'),
        tags: [],
        publishAt: new Date(Date.now() - 1000).toISOString(),
      })
    ).id;
    expect(before.news.map((n) => n.id)).not.toContain(id);
    const after = (await app.inject({ url: '/api/portal/home' })).json<{ news: { id: number }[] }>();
    expect(after.news[0]?.id).toBe(id);
    expect(root((await page('/portal')).body)).toContain(`href="/portal/news/${id}"`);
  });
});
