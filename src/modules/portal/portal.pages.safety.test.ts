import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { buildApp } from '@/server/app';
import { publicPages } from '@/server/public-pages';
import type { Database } from '@/server/db/database';
import { now } from '@/server/clock';
import { createTestDatabase, login, testConfig, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { schemaOrgProblems } from '@test/schemaorg';
import { eq } from 'drizzle-orm';
import { events as portalEvents } from '@/modules/portal/portal.tables';
import { subjects } from '@/modules/institutions/institutions.tables';
import { resources } from '@/modules/library/library.tables';
import { DEFAULT_PACK_DIR } from '@/modules/institutions/country-pack';
import {
  readSafetyCourses,
  readSaferInternetDay,
  saferInternetDay,
  type PackCourse,
} from '@/modules/portal/portal.courses.pack';
import * as store from '@/modules/portal/portal.courses.store';
import { campaignYear } from '@/modules/portal/portal.sid.service';
import * as portalSitemap from '@/modules/portal/portal.sitemap';
import { seedSafetyCourses } from '@/seed/safety-courses';

/**
 * The internet-safety courses and Safer Internet Day in the first HTML (src/modules/portal/portal.pages.ts), and
 * the portal's share of the sitemap (src/modules/portal/portal.sitemap.ts through src/server/public-pages.ts):
 * the content there, escaped; never a quiz's questions or right answers, a school's registration or participation
 * figures; Course and Event valid schema.org; the cache kept private for a signed-in person; not found for what
 * is not there.
 */

const PUBLIC = 'https://maktab.example.az';
const SHELL =
  '<!doctype html><html lang="az"><head><meta charset="utf-8" />' +
  '<meta name="description" content="Maktab — platforma" /><title>Maktab</title>' +
  '<script type="module" src="/assets/index.js"></script></head>' +
  '<body><div id="root"></div><noscript>JS</noscript></body></html>';
const text = (az: string, ru = '', en = '') => ({ az, ru, en });
const HOUR = 3_600_000;
const XSS = 'Kurs <script>alert(1)</script> "dırnaq" $& </title>';

const root = (html: string) => /<div id="root">([\s\S]*)<\/div><noscript>/.exec(html)?.[1] ?? '';
const jsonLdOf = (html: string) =>
  JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]!) as Record<
    string,
    unknown
  >;

/** Well-formed XML, as xmllint (Debian's libxml2-utils) reads it; its complaint otherwise. */
function xmllint(xml: string): string {
  try {
    execFileSync('xmllint', ['--noout', '--nonet', '-'], { input: xml, stdio: ['pipe', 'pipe', 'pipe'] });
    return '';
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e);
  }
}

/** The entries of a sitemap file or index: the root in sitemaps.org's namespace, each with one <loc>. */
function entriesOf(xml: string, root: 'urlset' | 'sitemapindex') {
  expect(xmllint(xml)).toBe('');
  expect(xml).toMatch(
    new RegExp(
      `^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<${root} xmlns="http://www\\.sitemaps\\.org/schemas/sitemap/0\\.9">`,
    ),
  );
  const child = root === 'urlset' ? 'url' : 'sitemap';
  const found = [...xml.matchAll(new RegExp(`<${child}>([\\s\\S]*?)</${child}>`, 'g'))].map((m) => {
    const inner = m[1]!;
    expect(inner).toMatch(/^<loc>[^<]+<\/loc>(<lastmod>[^<]+<\/lastmod>)?$/);
    const lastmod = /<lastmod>([^<]+)<\/lastmod>/.exec(inner)?.[1];
    if (lastmod) expect(lastmod).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    return { loc: /<loc>([^<]+)<\/loc>/.exec(inner)![1]!, lastmod };
  });
  expect(found.length).toBeLessThanOrEqual(50_000);
  return found;
}

describe('internet safety and Safer Internet Day in the first HTML; the portal in the sitemap', () => {
  let database: Database;
  let app: FastifyInstance;
  let webRoot: string;
  let bureau: Session;
  let director: Session;
  let pack: PackCourse[];
  let courseId: number;
  let xssCourseId: number;
  let resourceId: number;
  let draftResourceId: number;
  let newsId: number;
  let scheduledId: number;
  let eventId: number;
  let hiddenEventId: number;
  const pastYear = campaignYear() - 3;

  const post = async (s: Session, url: string, payload: object, method: 'POST' | 'PUT' = 'POST') => {
    const res = await s.inject({ method, url, payload });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ id: number; version: number }>();
  };
  const page = (url: string, cookie?: string) =>
    app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

  beforeAll(async () => {
    database = await createTestDatabase();
    webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-portal-safety-'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), SHELL);
    app = await buildApp(testConfig({ webRoot, publicUrl: PUBLIC }), database);
    await app.ready();
    const db = database.db;
    const areas = await createAreas(db);
    const school = (await createInstitution(db, areas.district)).id;
    const b = await createUserWithRole(db, 'bureau');
    bureau = await login(app, b.username, b.password);
    const d = await createUserWithRole(db, 'director', { institutionId: school });
    director = await login(app, d.username, d.password);
    // Library resources of informatics for grades 1–2: a published one the lessons link to, a draft they don't.
    await db
      .insert(subjects)
      .values({
        code: 'informatics',
        nameAz: 'İnformatika',
        nameRu: 'Информатика',
        nameEn: 'Informatics',
        grades: [1, 2],
      })
      .onConflictDoNothing();
    const resource = (title: string, state: 'published' | 'draft') => ({
      type: 'video_lesson' as const,
      state,
      title,
      language: 'az' as const,
      level: 'general' as const,
      grades: [1, 2],
      subjectCode: 'informatics',
      licence: 'cc_by' as const,
      createdBy: b.id,
    });
    const made = await db
      .insert(resources)
      .values([resource('Parollar <b>video</b>', 'published'), resource('Qaralama', 'draft')])
      .returning({ id: resources.id });
    resourceId = made[0]!.id;
    draftResourceId = made[1]!.id;
    await seedSafetyCourses(db, { packDir: DEFAULT_PACK_DIR, demo: false, seed: 1, now: now() });
    pack = await readSafetyCourses(DEFAULT_PACK_DIR);
    const listed = await store.listCourses(db);
    courseId = listed.find((c) => c.gradeFrom === 1)!.id;
    await store.saveCourses(db, pack.slice(0, 1), () => [resourceId, draftResourceId]);
    // A course whose texts try markup.
    const first = pack[0]!;
    await store.saveCourses(
      db,
      [
        {
          ...first,
          code: 'escaped',
          title: text(XSS, 'Курс', 'Course'),
          summary: text('Xülasə <img src=x onerror=alert(2)>'),
          lessons: [
            { ...first.lessons[0]!, title: text('Dərs </section><h1>x</h1>'), body: text('Mətn & <i>') },
          ],
        },
      ],
      () => [],
    );
    xssCourseId = (await store.listCourses(db)).find((c) => c.code === 'escaped')!.id;
    // A past year's campaign beside the seeded coming one.
    const sid = (await readSaferInternetDay(DEFAULT_PACK_DIR))!;
    await store.saveCampaign(db, pastYear, saferInternetDay(pastYear), sid);

    newsId = (
      await post(bureau, '/api/portal/manage/news', {
        place: { kind: 'nation' },
        title: text('Dərc olunmuş xəbər'),
        summary: text(''),
        body: text('<p>Mətn</p>'),
        tags: [],
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
    const day = new Date(Date.now() + 10 * 24 * HOUR).toISOString().slice(0, 10);
    const event = {
      place: { kind: 'nation' },
      title: text('Tədbir'),
      description: text(''),
      start: `${day}T10:00`,
      end: `${day}T12:00`,
      timeZone: 'Asia/Baku',
      repeat: null,
      repeatCount: null,
      repeatUntil: null,
      venue: '',
      onlineUrl: '',
      grades: [],
      roles: [],
      capacity: null,
    };
    eventId = (await post(bureau, '/api/portal/manage/events', event)).id;
    hiddenEventId = (await post(bureau, '/api/portal/manage/events', { ...event, title: text('Gizli') })).id;
    await db.update(portalEvents).set({ published: false }).where(eq(portalEvents.id, hiddenEventId));
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    if (webRoot) fs.rmSync(webRoot, { recursive: true, force: true });
  });

  it('writes the courses by grade band with their summaries, in the visitor’s language', async () => {
    const az = await page('/portal/safety');
    expect(az.statusCode).toBe(200);
    expect(az.headers['cache-control']).toBe('no-cache');
    expect(az.headers['content-language']).toBe('az');
    expect(az.body).toContain('<html lang="az">');
    expect(az.body).toContain(`<link rel="canonical" href="${PUBLIC}/portal/safety" />`);
    const main = root(az.body);
    expect(main).toContain('<h1>İnternetdə təhlükəsizlik</h1>');
    for (const c of pack) {
      expect(main).toContain(
        c.summary.az.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
      );
      expect(main).toContain(`Siniflər: ${c.gradeFrom}–${c.gradeTo}`);
    }
    expect(main).toContain(`<a href="/portal/safety/courses/${courseId}">`);
    expect(main).toContain('href="/portal/safer-internet-day"');
    expect(await schemaOrgProblems(jsonLdOf(az.body))).toEqual([]);

    const ru = await page('/portal/safety', 'maktab_lang=ru');
    expect(ru.body).toContain('<html lang="ru">');
    expect(root(ru.body)).toContain(pack[0]!.title.ru);
  });

  it('writes a course: its lessons, texts and published resources — and no quiz question nor right answer', async () => {
    const res = await page(`/portal/safety/courses/${courseId}`, 'maktab_lang=en');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain(`<link rel="canonical" href="${PUBLIC}/portal/safety/courses/${courseId}" />`);
    const main = root(res.body);
    const c = pack[0]!;
    const escaped = (s: string) =>
      s
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
    expect(main).toContain(`<h1>${escaped(c.title.en)}</h1>`);
    expect(main).toContain('Grades 1–2');
    for (const l of c.lessons) {
      expect(main).toContain(escaped(l.title.en));
      expect(main).toContain(escaped(l.body.en));
    }
    // The published resource linked (its title escaped), the draft not.
    expect(main).toContain(`<a href="/resources/${resourceId}">Parollar &lt;b&gt;video&lt;/b&gt;</a>`);
    expect(main).not.toContain(`/resources/${draftResourceId}"`);
    expect(main).not.toContain('Qaralama');
    // No question: not its prompt, options, items, pairs nor any accepted answer, in any language.
    for (const l of c.lessons)
      for (const q of l.questions) {
        for (const lang of ['az', 'ru', 'en'] as const) {
          expect(res.body).not.toContain(escaped(q.prompt[lang]));
          const body = q.body[lang] as Record<string, unknown>;
          for (const part of ['options', 'items', 'left', 'right'] as const)
            for (const s of (body[part] as string[] | undefined) ?? [])
              if (s.length > 12) expect(res.body, `${part}: ${s}`).not.toContain(escaped(s));
        }
        for (const a of q.key.accepted ?? []) expect(res.body).not.toContain(`>${escaped(a)}<`);
      }
    for (const word of ['"correct"', '"accepted"', '"truth"', '"pairs"', '"key"'])
      expect(res.body).not.toContain(word);
    expect(main).toContain('Quiz questions: ');
    const ld = jsonLdOf(res.body);
    expect(ld).toMatchObject({
      '@type': 'Course',
      name: c.title.en,
      educationalLevel: 'Grades 1–2',
      hasCourseInstance: { '@type': 'CourseInstance', courseMode: 'online' },
      inLanguage: 'en',
    });
    expect(await schemaOrgProblems(ld)).toEqual([]);
  });

  it('escapes a course’s texts, in the page and in its JSON-LD', async () => {
    const res = await page(`/portal/safety/courses/${xssCourseId}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).not.toContain('</section><h1>x');
    expect(root(res.body)).toContain(
      '<h1>Kurs &lt;script&gt;alert(1)&lt;/script&gt; &quot;dırnaq&quot; $&amp; &lt;/title&gt;</h1>',
    );
    expect(res.body).toContain('<title>Kurs &lt;script&gt;');
    expect(jsonLdOf(res.body).name).toBe(XSS);
  });

  it('keeps a signed-in person’s page out of shared caches; the page is the same for them', async () => {
    for (const url of [
      '/portal/safety',
      `/portal/safety/courses/${courseId}`,
      '/portal/safer-internet-day',
    ]) {
      const visitor = await page(url);
      expect(visitor.headers['cache-control'], url).toBe('no-cache');
      expect(visitor.headers.vary, url).toContain('Cookie');
      const signed = await director.inject({ method: 'GET', url });
      expect(signed.statusCode, url).toBe(200);
      expect(signed.headers['cache-control'], url).toBe('private, no-cache');
    }
  });

  it('answers not found for an unknown course, and for a malformed id, never 500', async () => {
    for (const url of [
      '/portal/safety/courses/999999',
      '/portal/safety/courses/0',
      '/portal/safety/courses/abc',
      '/portal/safety/courses/-1',
      '/portal/safety/courses/1.5',
      '/portal/safety/courses/99999999999999999999',
      '/portal/safety/courses/%3Cscript%3E',
    ]) {
      const res = await page(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('<script>');
    }
    const odd = await page('/portal/safer-internet-day?year=%3Cb%3E&year=2');
    expect(odd.statusCode).toBe(200);
  });

  it('writes Safer Internet Day: the date, theme and activities; no school’s registration nor figures', async () => {
    const year = campaignYear();
    const { campaign } = (await page(`/api/portal/sid`)).json<{
      campaign: { id: number; closed: boolean };
    }>();
    expect(campaign.closed).toBe(false);
    const schoolId = (await director.inject({ url: '/api/portal/sid' })).json<{
      schools: { institutionId: number }[];
    }>().schools[0]!.institutionId;
    await post(
      director,
      `/api/portal/sid/${campaign.id}/event`,
      {
        institutionId: schoolId,
        title: 'Gizli qeydiyyat',
        heldOn: saferInternetDay(year),
        participants: 321,
        activityIds: [],
      },
      'PUT',
    );
    for (const who of [undefined, director]) {
      const res = who
        ? await who.inject({ url: '/portal/safer-internet-day' })
        : await page('/portal/safer-internet-day');
      expect(res.statusCode).toBe(200);
      const main = root(res.body);
      expect(main).toContain(`<h1>Təhlükəsiz İnternet Günü ${year}</h1>`);
      expect(main).toContain(`<time datetime="${saferInternetDay(year)}">`);
      expect(main).not.toContain('Gizli qeydiyyat');
      expect(main).not.toContain('321');
      expect(main).toContain('Direktorlar məktəbin tədbirini');
    }
    const res = await page('/portal/safer-internet-day', 'maktab_lang=en');
    const sid = (await readSaferInternetDay(DEFAULT_PACK_DIR))!;
    for (const a of sid.activities)
      expect(root(res.body)).toContain(a.title.en.replace(/'/g, '&#39;').replace(/"/g, '&quot;'));
    const ld = jsonLdOf(res.body);
    expect(ld).toMatchObject({ '@type': 'Event', startDate: saferInternetDay(year), inLanguage: 'en' });
    expect(await schemaOrgProblems(ld)).toEqual([]);
  });

  it('says a past year’s campaign is closed, as the service refuses it, in each language', async () => {
    const api = (await page(`/api/portal/sid?year=${pastYear}`)).json<{
      campaign: { id: number; year: number; closed: boolean };
    }>();
    expect(api.campaign).toMatchObject({ year: pastYear, closed: true });
    const schoolId = (await director.inject({ url: '/api/portal/sid' })).json<{
      schools: { institutionId: number }[];
    }>().schools[0]!.institutionId;
    const refused = await director.inject({
      method: 'PUT',
      url: `/api/portal/sid/${api.campaign.id}/event`,
      payload: {
        institutionId: schoolId,
        title: 'Gec',
        heldOn: saferInternetDay(pastYear),
        participants: 5,
        activityIds: [],
      },
    });
    expect(refused.statusCode).toBe(422);
    const said = { az: 'Bu kampaniya başa çatıb', ru: 'Эта кампания завершена', en: 'This campaign is over' };
    for (const [lang, words] of Object.entries(said)) {
      const res = await page(`/portal/safer-internet-day?year=${pastYear}`, `maktab_lang=${lang}`);
      expect(res.statusCode).toBe(200);
      expect(root(res.body)).toContain(words);
      expect(res.body).toContain(
        `<link rel="canonical" href="${PUBLIC}/portal/safer-internet-day?year=${pastYear}" />`,
      );
    }
  });

  it('lists every public news item and event, the courses and the day in the sitemap, with lastmod', async () => {
    const res = await page('/sitemap.xml');
    expect(res.statusCode).toBe(200);
    const entries = entriesOf(res.body, 'urlset');
    const locs = entries.map((e) => e.loc);
    const at = (p: string) => `${PUBLIC}${p}`;
    expect(locs).toEqual(
      expect.arrayContaining([
        at('/portal/safety'),
        at(`/portal/safety/courses/${courseId}`),
        at('/portal/safer-internet-day'),
        at(`/portal/news/${newsId}`),
        at(`/portal/events/${eventId}`),
      ]),
    );
    expect(locs).not.toContain(at(`/portal/news/${scheduledId}`));
    expect(locs).not.toContain(at(`/portal/events/${hiddenEventId}`));
    expect(new Set(locs).size).toBe(locs.length);
    for (const p of [`/portal/news/${newsId}`, `/portal/events/${eventId}`])
      expect(entries.find((e) => e.loc === at(p))!.lastmod, p).toBeDefined();
    for (const e of entries.filter((x) => x.loc.includes('/portal/')))
      expect((await page(new URL(e.loc).pathname)).statusCode, e.loc).toBe(200);
  });

  it('splits the portal into parts of an index when too large for one file, each part bounded', async () => {
    // Parts of one URL each: every news item and event its own part, named by its id's block.
    const parts = await portalSitemap.sitemapBlocks(database.db, 1);
    expect(parts.map((p) => p.name)).toEqual(expect.arrayContaining([`news-${newsId}`, `events-${eventId}`]));
    expect(parts.map((p) => p.name)).not.toContain(`news-${scheduledId}`);
    expect(parts.map((p) => p.name)).not.toContain(`events-${hiddenEventId}`);
    const one = await portalSitemap.sitemapPart(database.db, `news-${newsId}`, 1);
    expect(one?.map((u) => u.path)).toEqual([`/portal/news/${newsId}`]);
    expect(one?.[0]?.lastmod).toBeInstanceOf(Date);
    expect(await portalSitemap.sitemapPart(database.db, `news-${scheduledId}`, 1)).toBeNull();
    expect(await portalSitemap.sitemapPart(database.db, 'news-0', 1)).toBeNull();
    expect(await portalSitemap.sitemapPart(database.db, 'resources-1', 1)).toBeNull();

    // Through HTTP with a small file size: an index naming the portal's parts; each part answers, bounded.
    const small = Fastify();
    publicPages(small, { db: database.db, env: {} as never, webRoot, publicUrl: PUBLIC, sitemapMaxUrls: 2 });
    try {
      await small.ready();
      const index = await small.inject({ url: '/sitemap.xml' });
      const names = entriesOf(index.body, 'sitemapindex').map((e) => e.loc);
      expect(index.body).toContain('<sitemapindex');
      expect(names).toContain(`${PUBLIC}/sitemaps/news-${Math.ceil(newsId / 2)}.xml`);
      for (const loc of names) {
        const part = await small.inject({ url: new URL(loc).pathname });
        expect(part.statusCode, loc).toBe(200);
        if (!loc.endsWith('/pages.xml')) expect(entriesOf(part.body, 'urlset').length).toBeLessThanOrEqual(2);
      }
    } finally {
      await small.close();
    }
    for (const url of ['/sitemaps/news-999999.xml', '/sitemaps/events-0.xml', '/sitemaps/news-x.xml'])
      expect((await page(url)).statusCode, url).toBe(404);
  });
});
