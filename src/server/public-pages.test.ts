import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import { LocalStorage } from '@/server/storage';
import { publicUrl } from '@/server/config';
import { createTestDatabase, login, testConfig } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { loadCountryPackFrom } from '@/modules/institutions/country-pack';
import * as library from '@/modules/library/library.service';
import type { ResourceBody, ResourceView } from '@/modules/library/library.schema';
import { privatePrefixes, robotsTxt, sitemapIndex, urlset } from '@/server/public-pages';
import { isAppPath, PUBLIC_PAGES } from '@/web/roles';
import { pdfBytes } from '@test/files';

/**
 * A sitemap checked as sitemaps.org's schema (0.9) would: parsed strictly by an XML parser (namespaces too; it
 * throws on anything not well-formed), then its structure — the root and namespace, each entry's one absolute
 * <loc> of at most 2,048 characters, an optional <lastmod> in W3C date-time form, nothing else, at most 50,000
 * entries. (No XSD validator is installed here, and the official XSD cannot be downloaded, so these are its
 * rules written out.)
 */
function checkSitemap(xml: string, root: 'urlset' | 'sitemapindex'): { loc: string; lastmod?: string }[] {
  const parser = new SaxesParser({ xmlns: true });
  const entries: { loc: string; lastmod?: string }[] = [];
  const stack: string[] = [];
  let text = '';
  let current: { loc?: string; lastmod?: string } = {};
  const child = root === 'urlset' ? 'url' : 'sitemap';
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (tag) => {
    expect(tag.uri).toBe('http://www.sitemaps.org/schemas/sitemap/0.9');
    const depth = stack.length;
    const allowed = depth === 0 ? [root] : depth === 1 ? [child] : depth === 2 ? ['loc', 'lastmod'] : [];
    expect(allowed, `<${tag.local}> at depth ${depth}`).toContain(tag.local);
    if (depth === 1) current = {};
    stack.push(tag.local);
    text = '';
  });
  parser.on('text', (t) => {
    text += t;
  });
  parser.on('closetag', (tag) => {
    stack.pop();
    if (tag.local === 'loc' || tag.local === 'lastmod') {
      expect(current[tag.local], `one <${tag.local}>`).toBeUndefined();
      current[tag.local] = text;
    }
    if (tag.local === child) {
      expect(current.loc).toBeDefined();
      entries.push(current as { loc: string; lastmod?: string });
    }
  });
  parser.write(xml).close();
  expect(entries.length).toBeLessThanOrEqual(50_000);
  for (const e of entries) {
    expect(e.loc.length).toBeLessThanOrEqual(2048);
    expect(new URL(e.loc).protocol).toMatch(/^https?:$/);
    if (e.lastmod !== undefined) {
      expect(e.lastmod).toMatch(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/);
      expect(Number.isNaN(Date.parse(e.lastmod))).toBe(false);
    }
  }
  expect(new Set(entries.map((e) => e.loc)).size).toBe(entries.length);
  return entries;
}

/** Whether robots.txt's rules let a crawler fetch a path: the longest matching rule wins, Allow on a tie. */
function robotsAllow(robots: string, pathname: string): boolean {
  let best: { length: number; allow: boolean } = { length: -1, allow: true };
  for (const line of robots.split('\n')) {
    const m = /^(Allow|Disallow):\s*(\S*)$/.exec(line);
    if (!m || !m[2] || !pathname.startsWith(m[2])) continue;
    const allow = m[1] === 'Allow';
    if (m[2].length > best.length || (m[2].length === best.length && allow))
      best = { length: m[2].length, allow };
  }
  return best.allow;
}

/** The configured public address: every absolute address of the public face is made from it. */
const PUBLIC = 'https://maktab.example.az';

const SHELL =
  '<!doctype html><html lang="az"><head><meta charset="utf-8" />' +
  '<meta name="description" content="Maktab — platforma" /><title>Maktab</title>' +
  '<script type="module" src="/assets/index.js"></script></head>' +
  '<body><div id="root"></div><noscript>JS</noscript></body></html>';

describe('the public face: robots.txt, the sitemap, resource pages and not found', () => {
  let database: Database;
  let app: FastifyInstance;
  let webRoot: string;
  let files: string;
  let env: library.LibraryEnv;
  let authorId: number;
  let reviewerId: number;
  let published: ResourceView;
  let textbook: ResourceView;
  let withdrawn: ResourceView;
  let draft: ResourceView;

  async function publishResource(over: Partial<ResourceBody>, publish = true): Promise<ResourceView> {
    const ctx = { actorId: authorId, ip: null };
    const r = await library.createResource(
      database.db,
      env,
      ctx,
      {
        type: 'worksheet',
        title: 'Vərəq',
        language: 'az',
        level: 'general',
        grades: [],
        subject: null,
        authors: [],
        publisher: null,
        licence: 'cc_by',
        accessibility: [],
        ...over,
      },
      'en',
    );
    const file = path.join(files, `${r.id}.pdf`);
    fs.writeFileSync(file, pdfBytes(2000));
    await library.registerUpload(database.db, env, ctx, {
      resourceId: r.id,
      role: 'main',
      path: file,
      originalName: null,
    });
    if (!publish) return r;
    await library.submitResource(database.db, env, ctx, r.id);
    return library.reviewResource(database.db, env, { actorId: reviewerId, ip: null }, r.id, 'publish');
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCountryPackFrom(database.db);
    webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-web-'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), SHELL);
    files = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-public-'));
    const config = testConfig({ webRoot, publicUrl: PUBLIC });
    env = { storage: new LocalStorage(config.storageDir), media: config.media };
    app = await buildApp(config, database);
    await app.ready();
    authorId = (await createUserWithRole(database.db, 'editor')).id;
    reviewerId = (await createUserWithRole(database.db, 'editor')).id;
    published = await publishResource({
      title: 'Kəsrlər <img src=x onerror=alert(1)> "dırnaq" </script>',
      description: 'Kəsrlərin toplanması & çıxılması. <b>qalın</b> $& $1',
      subject: 'mathematics',
      grades: [5, 6],
      authors: ['Nəzakət Məmmədova'],
      licence: 'cc_by_nc',
    });
    textbook = await publishResource({
      type: 'e_textbook',
      title: 'Riyaziyyat 5',
      subject: 'mathematics',
      grades: [5],
    });
    withdrawn = await publishResource({ title: 'Köhnə vərəq' });
    await library.unpublishResource(database.db, env, { actorId: reviewerId, ip: null }, withdrawn.id);
    draft = await publishResource({ title: 'Qaralama' }, false);
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    for (const dir of [webRoot, files]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers an unknown path with 404 and "not found" in the visitor\'s language, before any script', async () => {
    const cases = [
      { headers: {}, lang: 'az', title: 'Səhifə tapılmadı' },
      { headers: { cookie: 'maktab_lang=ru' }, lang: 'ru', title: 'Страница не найдена' },
      // The language the visitor chose in the app (its cookie) is the app's: the browser's is not guessed from,
      // so the page and the app that starts on it speak the same language.
      { headers: { 'accept-language': 'ru', cookie: 'maktab_lang=en' }, lang: 'en', title: 'Page not found' },
      { headers: { 'accept-language': 'en-GB' }, lang: 'az', title: 'Səhifə tapılmadı' },
      // Nonsense in either falls back.
      {
        headers: { 'accept-language': 'xx;q=abc', cookie: 'maktab_lang=<x>' },
        lang: 'az',
        title: 'Səhifə tapılmadı',
      },
    ];
    for (const url of [
      '/no-such-page',
      '/school/nothing/here',
      '/resources/abc',
      '/assets/gone.js',
      '/api',
    ]) {
      for (const c of cases) {
        const res = await app.inject({ url, headers: c.headers });
        if (url === '/api') {
          expect(res.statusCode).toBe(404);
          continue;
        }
        expect(res.statusCode, url).toBe(404);
        expect(res.headers['content-type']).toContain('text/html');
        expect(res.headers['content-language']).toBe(c.lang);
        expect(res.body).toContain(`<html lang="${c.lang}">`);
        expect(res.body).toContain(`<title>${c.title} — Maktab</title>`);
        expect(res.body).toContain(`<main id="main" tabindex="-1"><h1>${c.title}</h1>`);
        // The app still starts on it (and shows its own "not found").
        expect(res.body).toContain('<script type="module" src="/assets/index.js"></script>');
      }
    }
    // A signed-in person's own language comes first.
    const user = await createUserWithRole(database.db, 'parent');
    const session = await login(app, user.username, user.password);
    const patched = await session.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'ru' } });
    expect(patched.statusCode, patched.body).toBe(200);
    const own = await session.inject({ url: '/nowhere' });
    expect(own.statusCode).toBe(404);
    expect(own.body).toContain('<h1>Страница не найдена</h1>');
  });

  it('keeps the JSON 404 for an unknown /api path, and the shell for every path the app has', async () => {
    for (const url of ['/api/nothing', '/api/library/nothing/1', '/api']) {
      const res = await app.inject({ url, headers: { 'accept-language': 'ru' } });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.json<{ error: { code: string } }>().error.code).toBeTruthy();
    }
    for (const url of [
      '/',
      '/login',
      '/classes',
      '/school/ict',
      '/journal/12/codes',
      '/textbooks',
      '/collections/3',
    ]) {
      expect(isAppPath(url.split('?')[0]!), url).toBe(true);
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(SHELL);
    }
  });

  it("writes a published resource's page: title, description, JSON-LD and its facts, all escaped", async () => {
    const res = await app.inject({
      url: `/resources/${published.id}`,
      headers: { cookie: 'maktab_lang=ru' },
    });
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<html lang="ru">');
    const escapedTitle = 'Kəsrlər &lt;img src=x onerror=alert(1)&gt; &quot;dırnaq&quot; &lt;/script&gt;';
    expect(html).toContain(`<title>${escapedTitle} — Maktab</title>`);
    expect(html).toContain(
      '<meta name="description" content="Kəsrlərin toplanması &amp; çıxılması. &lt;b&gt;qalın&lt;/b&gt; $&amp; $1" />',
    );
    // The visible content is inside the root element, which the app replaces when it starts.
    const root = /<div id="root">([\s\S]*)<\/div><noscript>/.exec(html)![1]!;
    expect(root).toContain(`<h1>${escapedTitle}</h1>`);
    expect(root).toContain(
      '<p class="intro">Kəsrlərin toplanması &amp; çıxılması. &lt;b&gt;qalın&lt;/b&gt; $&amp; $1</p>',
    );
    expect(root).toContain('<dt>Предмет</dt><dd>Математика</dd>');
    expect(root).toContain('<dt>Класс</dt><dd>5, 6</dd>');
    expect(root).toContain('<dt>Авторы</dt><dd>Nəzakət Məmmədova</dd>');
    expect(root).toContain('<a href="/login" class="portal-link">Войти</a>');
    // No markup of the resource's text became an element; the only scripts are the app's and the JSON-LD.
    expect(html).not.toMatch(/<img|<b>/);
    expect(html.match(/<script/g)).toHaveLength(2);
    const json = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const ld = JSON.parse(json) as Record<string, unknown>;
    expect(ld).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'LearningResource',
      '@id': `https://maktab.example.az/resources/${published.id}`,
      name: published.title,
      description: published.description,
      learningResourceType: { '@type': 'DefinedTerm', termCode: 'worksheet', name: 'worksheet' },
      about: { identifier: 'mathematics' },
    });

    // Azerbaijani by default; a textbook's page is a resource page like any other.
    const az = await app.inject({ url: `/resources/${textbook.id}` });
    expect(az.statusCode).toBe(200);
    expect(az.body).toContain('<html lang="az">');
    expect(az.body).toContain('<h1>Riyaziyyat 5</h1>');
    expect(az.body).toContain('<dt>Fənn</dt><dd>Riyaziyyat</dd>');

    // Not published (a draft, taken off), or no such resource: not found, and nothing of them shown.
    for (const id of [draft.id, withdrawn.id, 2_147_483_647, 99_999_999_999]) {
      const gone = await app.inject({ url: `/resources/${id}`, headers: { cookie: 'maktab_lang=en' } });
      expect(gone.statusCode, String(id)).toBe(404);
      expect(gone.body).toContain('<h1>Page not found</h1>');
      expect(gone.body).not.toContain('ld+json');
      expect(gone.body).not.toMatch(/Qaralama|Köhnə/);
    }
  });

  it('serves robots.txt pointing at the sitemap, open to the public pages and closed to the API', async () => {
    // The configured public address, whatever Host the request carried.
    const res = await app.inject({ url: '/robots.txt', headers: { host: '127.0.0.1:3000' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const robots = res.body;
    expect(robots).toMatch(/^User-agent: \*$/m);
    expect(robots).toMatch(/^Sitemap: https:\/\/maktab\.example\.az\/sitemap\.xml$/m);
    expect(robots).not.toContain('127.0.0.1');
    for (const p of [
      '/',
      '/resources',
      `/resources/${published.id}`,
      '/textbooks',
      '/collections/2',
      '/api/library/files/7',
    ])
      expect(robotsAllow(robots, p), p).toBe(true);
    for (const p of [
      '/api/library/search?q=a',
      '/api/me',
      '/login',
      '/admin/users',
      '/school',
      '/classes',
      '/my/contests',
    ])
      expect(robotsAllow(robots, p), p).toBe(false);
    // No closed prefix shuts a public page.
    for (const page of PUBLIC_PAGES)
      expect(robotsAllow(robots, page.path.replace(':id', '1')), page.path).toBe(true);
    expect(privatePrefixes()).toContain('/admin');
    // A configured public address wins over the request's.
    expect(robotsTxt('https://maktab.edu.az')).toContain('Sitemap: https://maktab.edu.az/sitemap.xml');
    expect(publicUrl('https://maktab.edu.az/')).toBe('https://maktab.edu.az');
    expect(() => publicUrl('ftp://maktab.edu.az')).toThrow(/PUBLIC_URL/);
    expect(() => publicUrl('https://maktab.edu.az/x')).toThrow(/PUBLIC_URL/);
  });

  it('serves the vocabulary of learningResourceType that the resources name their kinds from', async () => {
    const res = await app.inject({
      url: '/vocabularies/learning-resource-type',
      headers: { host: 'x.invalid' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/ld+json');
    const set = res.json<{
      '@type': string;
      '@id': string;
      hasDefinedTerm: { '@id': string; termCode: string }[];
    }>();
    expect(set['@type']).toBe('DefinedTermSet');
    expect(set['@id']).toBe(`${PUBLIC}/vocabularies/learning-resource-type`);
    expect(set.hasDefinedTerm.map((t) => t.termCode)).toContain('video_lesson');
    // Every resource's term is one of the set's.
    const page = await app.inject({ url: `/resources/${published.id}` });
    const ld = JSON.parse(
      /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page.body)![1]!,
    ) as {
      learningResourceType: { '@id': string };
    };
    expect(set.hasDefinedTerm.map((t) => t['@id'])).toContain(ld.learningResourceType['@id']);
  });

  it('lists the published pages in sitemap.xml (schema 0.9), and not the unpublished ones', async () => {
    const res = await app.inject({ url: '/sitemap.xml', headers: { host: 'localhost' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/xml');
    const entries = checkSitemap(res.body, 'urlset');
    const locs = entries.map((e) => e.loc);
    const at = (p: string) => `${PUBLIC}${p}`;
    expect(locs).toEqual(
      expect.arrayContaining([
        at('/'),
        at('/portal'),
        at('/portal/news'),
        at('/portal/events'),
        at('/resources'),
        at('/textbooks'),
        at(`/resources/${published.id}`),
        at(`/resources/${textbook.id}`),
      ]),
    );
    expect(locs).not.toContain(at(`/resources/${draft.id}`));
    expect(locs).not.toContain(at(`/resources/${withdrawn.id}`));
    // Each listed resource page answers 200; its lastmod is the resource's last change.
    const one = entries.find((e) => e.loc === at(`/resources/${published.id}`))!;
    expect(new Date(one.lastmod!).getTime()).toBe(new Date(published.updatedAt).getTime());
    for (const e of entries)
      expect((await app.inject({ url: new URL(e.loc).pathname })).statusCode, e.loc).toBe(200);

    // A Host header with markup in it changes nothing: the same sitemap, from the public address.
    const odd = await app.inject({ url: '/sitemap.xml', headers: { host: 'a"b<c>&d' } });
    expect(odd.statusCode).toBe(200);
    expect(() => new SaxesParser().write(odd.body).close()).not.toThrow();
    expect(odd.body).toBe(res.body);
  });

  it('splits a sitemap too large for one file into an index of parts whose addresses stay put', async () => {
    // Two URLs to a file: the site's home, the library's pages and the resources need several.
    const map = await library.sitemap(database.db, 1, 2);
    expect(map.kind).toBe('index');
    if (map.kind !== 'index') return;
    const names = map.parts.map((p) => p.name);
    expect(names[0]).toBe('pages');
    const listed: number[] = [];
    for (const name of names.slice(1)) {
      const urls = (await library.sitemapPart(database.db, name, 2))!;
      expect(urls.length).toBeGreaterThan(0);
      expect(urls.length).toBeLessThanOrEqual(2);
      listed.push(...urls.map((u) => Number(u.path.split('/').pop())));
    }
    expect(listed.sort((a, b) => a - b)).toEqual([published.id, textbook.id].sort((a, b) => a - b));
    checkSitemap(sitemapIndex('https://maktab.edu.az', map.parts), 'sitemapindex');
    checkSitemap(
      urlset('https://maktab.edu.az', (await library.sitemapPart(database.db, 'pages', 2))!),
      'urlset',
    );
    expect(await library.sitemapPart(database.db, 'resources-999', 2)).toBeNull();
    expect(await library.sitemapPart(database.db, 'other', 2)).toBeNull();

    // Through HTTP, with the real size: the parts answer, an unknown part is not found.
    const pages = await app.inject({ url: '/sitemaps/pages.xml' });
    expect(pages.statusCode).toBe(200);
    expect(checkSitemap(pages.body, 'urlset').map((e) => e.loc)).toContain('https://maktab.example.az/');
    const first = await app.inject({ url: '/sitemaps/resources-1.xml' });
    expect(first.statusCode).toBe(200);
    expect(checkSitemap(first.body, 'urlset').map((e) => e.loc)).toContain(
      `https://maktab.example.az/resources/${published.id}`,
    );
    for (const url of ['/sitemaps/resources-2.xml', '/sitemaps/x.txt', '/sitemaps/%3Cb%3E.xml'])
      expect((await app.inject({ url })).statusCode, url).toBe(404);
  });
});
