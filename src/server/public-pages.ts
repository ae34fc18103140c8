import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '@/server/db/database';
import { isLocale, type Locale } from '@/server/i18n';
import * as library from '@/modules/library/library.service';
import {
  escapeHtml,
  RESOURCE_TYPE_SET_PATH,
  resourcePage,
  resourceTypeSet,
  scriptJson,
  withBody,
  type SubjectNames,
} from '@/modules/library/library.lrmi';
import { PORTAL_PAGES, type PageHead } from '@/modules/portal/portal.pages';
import * as portalSitemap from '@/modules/portal/portal.sitemap';
import type { ResourceView } from '@/modules/library/library.schema';
import {
  isAppPath,
  LINK_CHILD_PATH,
  LOGIN_PATH,
  PAGES,
  PASSWORD_PATH,
  PUBLIC_PAGES,
  ROLE_HOMES,
} from '@/web/roles';

/**
 * The platform's public face outside the app's own script: robots.txt, the sitemap, a published resource's
 * page written on the server (title, description, JSON-LD and the visible facts, before any script runs), and
 * "not found" for any path the web app does not have — in the visitor's language, with status 404. The list of
 * the app's paths is the web app's own (`isAppPath` in src/web/roles.ts), so the two cannot drift apart.
 */

/** The cookie the web app keeps this device's language in (LANGUAGE_COOKIE in src/web/i18n). */
export const LANGUAGE_COOKIE = 'maktab_lang';

/**
 * The language of a page the server writes: the account's, else this device's choice, else az — the rule the
 * web app starts by, so the page and the app that replaces it speak the same language (the browser's
 * Accept-Language is not guessed from; the switcher is on every page).
 */
export function pageLocale(request: FastifyRequest): Locale {
  const own = request.actor?.locale;
  if (isLocale(own)) return own;
  const chosen = request.cookies?.[LANGUAGE_COOKIE];
  return isLocale(chosen) ? chosen : 'az';
}

type Strings = Record<string, unknown>;
/** The web app's own strings, so a page written here says what the app says. */
const STRINGS: Record<Locale, Strings> = {
  az: readStrings('az'),
  ru: readStrings('ru'),
  en: readStrings('en'),
};

function readStrings(locale: Locale): Strings {
  const file = new URL(`../web/i18n/${locale}.json`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as Strings;
}

/** One of the web app's strings by its dotted key, `{{name}}` filled in; the key itself if missing. */
export function webText(locale: Locale, key: string, params: Record<string, string> = {}): string {
  let node: unknown = STRINGS[locale];
  for (const part of key.split('.'))
    node = node && typeof node === 'object' ? (node as Strings)[part] : undefined;
  if (typeof node !== 'string') return key;
  return node.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => params[name] ?? whole);
}

/**
 * What a visitor sees before the app's script runs: the header's links (home, the library, sign-in) and the
 * page's main content, in the same classes the app uses so the styles apply and little moves when it starts.
 * `main` must already be escaped.
 */
function prerendered(locale: Locale, main: string): string {
  const t = (key: string) => escapeHtml(webText(locale, key));
  return (
    `<header class="site-header"><div class="wrap header-row signed-out">` +
    `<a href="/" class="brand">${t('app.name')}</a>` +
    `<a href="/resources" class="portal-link">${t('portal.title')}</a>` +
    `<a href="${LOGIN_PATH}" class="portal-link">${t('portal.signIn')}</a>` +
    `</div></header><div class="layout"><main id="main" tabindex="-1">${main}</main></div>`
  );
}

/** A description short enough for a meta description, cut at a word. */
function shortened(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * The app shell for a page the server writes (the portal's): its `<title>`, meta description, canonical link,
 * Open Graph, its feeds as `<link rel="alternate">` and JSON-LD put into the head; `main` (already escaped) in
 * the root element with the header, as `prerendered` writes it. Every other part of `index.html` stays as built.
 */
export function shellPage(indexHtml: string, head: PageHead, locale: Locale, main: string): string {
  const title = escapeHtml(`${head.title} — ${webText(locale, 'app.name')}`);
  const description = escapeHtml(shortened(head.description || head.title));
  const tags =
    `<link rel="canonical" href="${escapeHtml(head.canonical)}" />` +
    `<meta property="og:type" content="${head.type}" />` +
    `<meta property="og:title" content="${escapeHtml(head.title)}" />` +
    `<meta property="og:description" content="${description}" />` +
    `<meta property="og:url" content="${escapeHtml(head.canonical)}" />` +
    (head.image
      ? `<meta property="og:image" content="${escapeHtml(head.image.url)}" />` +
        `<meta property="og:image:width" content="${head.image.width}" />` +
        `<meta property="og:image:height" content="${head.image.height}" />` +
        `<meta property="og:image:alt" content="${escapeHtml(head.image.alt)}" />`
      : '') +
    head.alternates
      .map(
        (a) =>
          `<link rel="alternate" type="${escapeHtml(a.type)}" title="${escapeHtml(a.title)}" href="${escapeHtml(a.href)}" />`,
      )
      .join('') +
    (head.jsonLd ? `<script type="application/ld+json">${scriptJson(head.jsonLd)}</script>` : '');
  // Replacement functions throughout, so that `$` in a title is not read as a pattern.
  let html = indexHtml.replace(/<title>[\s\S]*?<\/title>/, () => `<title>${title}</title>`);
  const meta = /<meta\s+name="description"\s+content="[^"]*"\s*\/?>/;
  const described = `<meta name="description" content="${description}" />`;
  html = meta.test(html)
    ? html.replace(meta, () => described)
    : html.replace('</head>', () => `${described}</head>`);
  html = html.replace('</head>', () => `${tags}</head>`);
  return withBody(html, { lang: locale, body: prerendered(locale, main) });
}

/** The "not found" page: the app shell with the message in it, titled so; the app shows its own when it starts. */
export function notFoundPage(indexHtml: string, locale: Locale): string {
  const t = (key: string) => escapeHtml(webText(locale, key));
  const main =
    `<h1>${t('notFound.title')}</h1><p class="intro">${t('notFound.text')}</p>` +
    `<p><a href="/">${t('notFound.home')}</a></p>`;
  const titled = indexHtml.replace(
    /<title>[\s\S]*?<\/title>/,
    () => `<title>${t('notFound.title')} — ${t('app.name')}</title>`,
  );
  return withBody(titled, { lang: locale, body: prerendered(locale, main) });
}

/** A published resource's visible content: its title, description and facts, labelled in the visitor's language. */
export function resourceBody(r: ResourceView, subject: SubjectNames | null, locale: Locale): string {
  const t = (key: string, params?: Record<string, string>) => escapeHtml(webText(locale, key, params));
  const facts: [string, string][] = [[t('portal.facet.type'), t(`portal.type.${r.type}`)]];
  if (subject) {
    const name = locale === 'ru' ? subject.nameRu : locale === 'en' ? subject.nameEn : subject.nameAz;
    facts.push([t('portal.facet.subject'), escapeHtml(name)]);
  }
  if (r.grades.length > 0) facts.push([t('portal.facet.grade'), escapeHtml(r.grades.join(', '))]);
  facts.push([t('portal.facet.language'), t(`portal.language.${r.language}`)]);
  if (r.durationSeconds) {
    const s = Math.round(r.durationSeconds);
    facts.push([t('portal.length'), `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`]);
  }
  if (r.authors.length > 0) facts.push([t('portal.authors'), escapeHtml(r.authors.join(', '))]);
  facts.push([t('portal.licence'), t(`portal.licenceName.${r.licence}`)]);
  if (r.publishedAt) {
    const day = r.publishedAt.slice(0, 10);
    facts.push([t('portal.published'), `<time datetime="${escapeHtml(day)}">${escapeHtml(day)}</time>`]);
  }
  const record = facts.map(([dt, dd]) => `<div><dt>${dt}</dt><dd>${dd}</dd></div>`).join('');
  return (
    `<p><a href="/resources">${t('portal.back')}</a></p>` +
    `<h1>${escapeHtml(r.title)}</h1>` +
    (r.description ? `<p class="intro">${escapeHtml(r.description)}</p>` : '') +
    `<dl class="record">${record}</dl>`
  );
}

// ---- robots.txt and the sitemap

/**
 * The first segments of the pages only a signed-in person has (the homes of the roles, their pages, sign-in):
 * nothing there for a search engine. A segment the public pages also use is left open.
 */
export function privatePrefixes(): string[] {
  const first = (p: string) => `/${p.split('/')[1] ?? ''}`;
  const open = new Set(PUBLIC_PAGES.map((p) => first(p.path)));
  const closed = [
    ...ROLE_HOMES.map((h) => h.path),
    ...PAGES.map((p) => p.path),
    LOGIN_PATH,
    PASSWORD_PATH,
    LINK_CHILD_PATH,
  ].map(first);
  return [...new Set(closed)].filter((p) => !open.has(p)).sort();
}

/** robots.txt: the public pages and the library's files open; the API and the signed-in pages closed. */
export function robotsTxt(base: string): string {
  return [
    'User-agent: *',
    'Allow: /',
    // The published files (a textbook's PDF, a lesson's thumbnail) may be indexed; the rest of the API not.
    'Allow: /api/library/files/',
    'Disallow: /api/',
    ...privatePrefixes().map((p) => `Disallow: ${p}`),
    '',
    `Sitemap: ${base}/sitemap.xml`,
    '',
  ].join('\n');
}

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

const xml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

const entry = (tag: 'url' | 'sitemap', loc: string, lastmod?: Date) =>
  `<${tag}><loc>${xml(loc)}</loc>${lastmod ? `<lastmod>${lastmod.toISOString()}</lastmod>` : ''}</${tag}>`;

/** A sitemap file (sitemaps.org 0.9): the pages' absolute URLs. */
export function urlset(base: string, urls: library.SitemapUrl[]): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${SITEMAP_NS}">\n` +
    urls.map((u) => `${entry('url', `${base}${u.path}`, u.lastmod)}\n`).join('') +
    '</urlset>\n'
  );
}

/** A sitemap index (sitemaps.org 0.9): the addresses of the sitemap files. */
export function sitemapIndex(base: string, parts: { name: string; lastmod?: Date }[]): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="${SITEMAP_NS}">\n` +
    parts.map((p) => `${entry('sitemap', `${base}/sitemaps/${p.name}.xml`, p.lastmod)}\n`).join('') +
    '</sitemapindex>\n'
  );
}

/**
 * The site's own pages beyond the library's: its home, and the portal's home, news and calendar (the portal's
 * courses, Safer Internet Day, news items and events come from src/modules/portal/portal.sitemap.ts).
 */
const HOME: library.SitemapUrl[] = [
  { path: '/' },
  { path: '/portal' },
  { path: '/portal/news' },
  { path: '/portal/events' },
];

// ---- the routes

export interface PublicPagesOptions {
  db: Db;
  env: library.LibraryEnv;
  /** The built web app's directory (its index.html is the shell). */
  webRoot: string;
  /** The site's public address (PUBLIC_URL): every absolute address is made from it, never from Host. */
  publicUrl: string;
  /** The most URLs in one sitemap file (tests make it small to see the index). */
  sitemapMaxUrls?: number;
}

/**
 * Registers the public face's routes on the web app's plugin, and the catch-all: the app's shell for the
 * app's paths, 404 with "not found" for any other, the JSON 404 for an unknown /api path.
 */
export function publicPages(web: FastifyInstance, opts: PublicPagesOptions): void {
  const access = { access: 'public' as const };
  /** A public page's options: anyone may ask; the API's document lists it under `web`. */
  const page = (summary: string) => ({ config: access, schema: { tags: ['web'], summary } });
  const indexPath = path.join(opts.webRoot, 'index.html');
  const max = opts.sitemapMaxUrls ?? library.SITEMAP_MAX_URLS;

  const notFound = async (request: FastifyRequest, reply: FastifyReply) => {
    const locale = pageLocale(request);
    const html = notFoundPage(await readFile(indexPath, 'utf8'), locale);
    return reply
      .code(404)
      .header('cache-control', 'no-cache')
      .header('content-language', locale)
      .header('vary', 'Cookie')
      .type('text/html; charset=utf-8')
      .send(html);
  };

  web.get('/robots.txt', page('Rules for crawlers'), async (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=3600')
      .type('text/plain; charset=utf-8')
      .send(robotsTxt(opts.publicUrl)),
  );

  /** The site's pages, the portal's few pages among them (the `pages` part of an index). */
  const ownPages = async () => [...HOME, ...(await portalSitemap.sitemapPages(opts.db))];

  // Everything in one file while it fits in `max` URLs; else an index of parts: `pages` (the site's and the
  // library's pages), `resources-N`, `news-N`, `events-N` (blocks of ids, each at most `max`).
  web.get('/sitemap.xml', page('The sitemap'), async (_request, reply) => {
    const base = opts.publicUrl;
    const pages = await ownPages();
    const portalParts = await portalSitemap.sitemapBlocks(opts.db, max);
    const portalCount = portalParts.reduce((sum, p) => sum + p.count, 0);
    const map = await library.sitemap(opts.db, pages.length + portalCount, max);
    const body =
      map.kind === 'urlset'
        ? urlset(base, [...pages, ...map.urls, ...(await portalSitemap.sitemapAll(opts.db))])
        : sitemapIndex(base, [
            ...map.parts,
            ...portalParts.map((p) => ({ name: p.name, lastmod: p.lastmod })),
          ]);
    return reply
      .header('cache-control', 'public, max-age=3600')
      .type('application/xml; charset=utf-8')
      .send(body);
  });

  // The vocabulary the resources' learningResourceType terms belong to (schema.org DefinedTermSet).
  web.get(
    RESOURCE_TYPE_SET_PATH,
    page('The vocabulary of learning resource types'),
    async (_request, reply) =>
      reply
        .header('cache-control', 'public, max-age=3600')
        .type('application/ld+json; charset=utf-8')
        .send(JSON.stringify(resourceTypeSet(opts.publicUrl))),
  );

  web.get('/sitemaps/:file', page('A part of the sitemap'), async (request, reply) => {
    const file = (request.params as { file?: string }).file ?? '';
    const name = /^([a-z0-9-]{1,40})\.xml$/.exec(file)?.[1];
    const urls = !name
      ? null
      : /^(news|events)-/.test(name)
        ? await portalSitemap.sitemapPart(opts.db, name, max)
        : await library.sitemapPart(opts.db, name, max);
    if (!urls) return notFound(request, reply);
    const all = name === 'pages' ? [...(await ownPages()), ...urls] : urls;
    return reply
      .header('cache-control', 'public, max-age=3600')
      .type('application/xml; charset=utf-8')
      .send(urlset(opts.publicUrl, all));
  });

  // A published resource's page: its description for crawlers (title, JSON-LD) and its content for a reader
  // whose script has not arrived yet. Anything else at this address is not found.
  web.get('/resources/:id', page('A resource’s page'), async (request, reply) => {
    const raw = (request.params as { id?: string }).id ?? '';
    const id = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : 0;
    const found =
      id > 0 && id <= 2_147_483_647
        ? await library.publicLearningResource(opts.db, opts.env, id, opts.publicUrl)
        : null;
    if (!found) return notFound(request, reply);
    const locale = pageLocale(request);
    const main = resourceBody(found.view, found.subject, locale);
    const html = resourcePage(await readFile(indexPath, 'utf8'), found.view, found.jsonLd, {
      lang: locale,
      body: prerendered(locale, main),
    });
    return reply
      .header('cache-control', 'no-cache')
      .header('content-language', locale)
      .header('vary', 'Cookie')
      .type('text/html; charset=utf-8')
      .send(html);
  });

  // The portal's public pages: their content and feeds for crawlers and for a reader whose script has not
  // arrived yet (src/modules/portal/portal.pages.ts); an unknown item or area is not found. Hidden from the
  // API's document: they are pages for browsers, at the API's own addresses without /api (so the document's
  // operation names, which leave /api out, would collide).
  for (const p of PORTAL_PAGES) {
    web.get(p.path, { config: access, schema: { hide: true } }, async (request, reply) => {
      const locale = pageLocale(request);
      const written = await p.render({
        db: opts.db,
        locale,
        actor: request.actor ?? null,
        base: opts.publicUrl,
        words: (key, params) => webText(locale, key, params),
        query: (request.query ?? {}) as Record<string, unknown>,
        id: (request.params as { id?: string }).id,
      });
      if (!written) return notFound(request, reply);
      const html = shellPage(await readFile(indexPath, 'utf8'), written.head, locale, written.main);
      // A signed-in person's home carries their school's items: no shared cache may keep it.
      return reply
        .header('cache-control', request.actor ? 'private, no-cache' : 'no-cache')
        .header('content-language', locale)
        .header('vary', 'Cookie')
        .type('text/html; charset=utf-8')
        .send(html);
    });
  }

  // Any other GET outside /api: the app's shell where the app has a page, else not found.
  // Hidden from the API's document: a catch-all is no operation a client could call by name.
  web.get('/*', { config: access, schema: { hide: true } }, (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    if (pathname === '/api' || pathname.startsWith('/api/')) return reply.callNotFound();
    if (isAppPath(pathname)) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    return notFound(request, reply);
  });
}
