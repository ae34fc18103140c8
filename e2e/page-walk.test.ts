import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import az from '@/web/i18n/az.json';
import ru from '@/web/i18n/ru.json';
import en from '@/web/i18n/en.json';
import { testClock } from '@test/school-clock';
import { startServer, type TestServer } from './support/server';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type Lang } from './support/demo-accounts';
import { launchBrowser, openMenu, openPage, PHONE, signIn, switchLanguage } from './support/browser';

/**
 * Walks every page each demo account's menu reaches, on a 360-px phone, and the first item of each list one
 * level down, on the demo `npm start` loads. It fails on text a person should never read (a code instead of
 * words: `snake_case`, `#13`, a table's or a field's name, a raw translation key, `undefined`, `NaN`…) and on
 * a page that says it has nothing where the living demo has data.
 */

const NOW = testClock();
const RESOURCES: Record<Lang, object> = { az, ru, en };

/** Every key of the resources, e.g. `journal.linkTitle`: none may show on a page as itself. */
function entriesOf(node: object, prefix = ''): [string, string][] {
  return Object.entries(node).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null
      ? entriesOf(v as object, `${prefix}${k}.`)
      : [[`${prefix}${k}`, String(v)] as [string, string]],
  );
}
const RAW_KEYS = entriesOf(az)
  .map(([k]) => k)
  .filter((k) => k.includes('.'));

/**
 * The empty states that mean "there is nothing here yet": on a living demo, the pages where they show must have
 * data instead. Good news that reads like an empty state ("attendance is marked everywhere", "nothing awaits
 * your review") is not here, nor are notes about one field ("no topic yet").
 */
const EMPTY_STATES = [
  'admin.noEntries',
  'bureau.noRegions',
  'regional.empty',
  'director.noLevels',
  'teacher.empty',
  'student.empty',
  'parent.empty',
  'parent.noClass',
  'day.noLessonsToday',
  'day.noLessonsWeek',
  'day.noMarks',
  'day.noLessonsSchool',
  'day.allocationNone',
  'day.attendanceNoneYet',
  'day.noMarksWeek',
  'day.childNoLessons',
  'day.noYear',
  'registry.noCurrentYear',
  'connectivity.noMeasurements',
  'allocation.noPlans',
  'allocation.noApplications',
  'journal.noTerms',
  'journal.noClasses',
  'journal.noSubjects',
  'journal.nothingYet',
  'journal.noStudents',
  'journal.noColumns',
  'councils.empty',
  'councils.noDecisions',
  'webinars.empty',
  'assignments.noClasses',
  'assignments.empty',
  'timetable.noClasses',
  'timetable.noBells',
  'teaching.empty',
  'contests.noResults',
  'contestAdmin.noResults',
  'contestAdmin.bank.empty',
  'libraryEditor.empty',
  'collections.empty',
  'textbooks.empty',
  'forms.notices.empty',
  'notifications.empty',
] as const;

/** The key's text in a language, with `{{…}}` placeholders cut off, so that the fixed part can be found. */
function textOf(lang: Lang, key: string): string {
  let node: unknown = RESOURCES[lang];
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'string') throw new Error(`no ${key} in ${lang}.json`);
  return node.split('{{')[0]!.trim();
}

/**
 * Pages where one of those states is right even in a living demo, by path pattern: each says why.
 */
const EMPTY_ALLOWED: { path: RegExp; key: string; why: string }[] = [
  // The library's own empty states are for a library without demo media, which browser tests leave out.
  { path: /^\/library/, key: 'libraryEditor.empty', why: 'the demo library is not loaded in browser tests' },
  {
    path: /^\/collections/,
    key: 'collections.empty',
    why: 'the demo library is not loaded in browser tests',
  },
  { path: /^\/textbooks/, key: 'textbooks.empty', why: 'the demo library is not loaded in browser tests' },
  {
    path: /^\/resources/,
    key: 'libraryEditor.empty',
    why: 'the demo library is not loaded in browser tests',
  },
  // An upcoming contest has no results yet: the list of results is only for finished ones.
  { path: /^\/contests\/manage\/\d+$/, key: 'contestAdmin.noResults', why: 'an upcoming contest has none' },
];

/**
 * Pages whose emptiness shows as zeros or blank days rather than a message: each with what the living demo must
 * show there.
 */
const DATA_CHECKS: { path: RegExp; what: string; has: (page: Page) => Promise<boolean> }[] = [
  {
    path: /^\/school\/timetable$/,
    what: 'a period in the week of the class shown',
    has: async (page) => (await page.locator('section.card ol.list li').count()) > 0,
  },
  {
    path: /^\/monitoring\/distance/,
    what: 'a share of lessons delivered, work on time, contests or attendance in the total row',
    has: async (page) => {
      const shares = (await page.locator('tfoot td').allInnerTexts()).slice(1, 5);
      return shares.some((s) => s.trim() !== '—' && !/^0\s?%$|^%\s?0$/.test(s.trim()));
    },
  },
];

/**
 * What is allowed to look like code, and why: things people type or read as they are. Each is removed from the
 * text before the patterns run.
 */
const ALLOWED: { pattern: RegExp; why: string }[] = [
  { pattern: /https?:\/\/\S+/g, why: 'addresses' },
  { pattern: /\b[\w.+-]+@[\w-]+(\.[\w-]+)+/g, why: 'e-mail addresses' },
  { pattern: /\b[\w-]+\.(pdf|epub|mp4|webm|mp3|png|jpe?g|csv|xlsx|json|zip|html)\b/gi, why: 'file names' },
  { pattern: /\b[a-z]+\.[a-z]+\b/g, why: 'usernames such as aynur.parent' },
  { pattern: /\bOneRoster\b|\bYouTube\b|\bWi-?Fi\b|\bPowerPoint\b|\bGeoGebra\b/g, why: 'product names' },
  {
    pattern: /\bxDSL\b|\biPad\b|\biPhone\b|\beTwinning\b|\bMathJax\b|\bOpenAPI\b|\bJavaScript\b/g,
    why: 'product names',
  },
];

/** The patterns of code where words belong, each with a name to report it by. */
const CODE_PATTERNS: { name: string; pattern: RegExp }[] = [
  { name: 'snake_case', pattern: /(?<![\p{L}\p{N}])[a-zA-Z][a-zA-Z0-9]*_[a-zA-Z0-9_]*(?![\p{L}\p{N}])/gu },
  { name: 'an id', pattern: /#\d+/gu },
  { name: 'camelCase', pattern: /(?<![\p{L}\p{N}])[a-z]+[A-Z][a-zA-Z]*(?![\p{L}\p{N}])/gu },
  {
    name: 'a missing value',
    pattern: /(?<![\p{L}\p{N}])(undefined|null|NaN|Infinity)(?![\p{L}\p{N}])|\[object Object\]/gu,
  },
  // Lower-case Latin words joined by hyphens, as codes are (`e-journal`, `vocational-classes`); not a
  // hyphenated word of the language (see KEBAB_WORDS), nor a suffix after a unit or a name (`Mbit/s-dən`).
  {
    name: 'kebab-case code',
    pattern: /(?<![\p{L}\p{N}/.-])[a-z]+(?:-[a-z]{2,})+(?![\p{L}\p{N}-])/gu,
  },
  { name: 'an ISO timestamp', pattern: /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/g },
];

/** Kebab-case words that are words, in the three languages (checked by hand; the pattern is for codes). */
const KEBAB_WORDS = new Set([
  'qeyri-kafi', // Azerbaijani: "unsatisfactory", a grade's name
  // In the titles and summaries of the registry of policies (src/seed/policy-registry.ts).
  'sosial-iqtisadi', // Azerbaijani: "socio-economic"
  'fiber-optik', // Azerbaijani: "fibre-optic"
  'proqram-texniki', // Azerbaijani: "software and hardware"
  'socio-economic',
  'fibre-optic',
  'general-secondary',
  'e-textbooks',
  'front-line',
  'e-mail',
  'e-poçt',
  'on-line',
  'off-line',
  'wi-fi',
  'e-book',
  'e-books',
  'e-kitab',
  'e-kitablar',
  'full-time',
  'part-time',
  'follow-up',
  'sign-in',
  'read-only',
  'set-up',
  'one-time',
  'step-by-step',
  'self-assessment',
  'per-school',
  'day-to-day',
  'well-known',
  'up-to-date',
  'hands-on',
  'in-app',
  'long-term',
  'short-term',
  'high-speed',
  'co-teacher',
  'year-round',
  'half-year',
  'bir-bir',
  'az-az',
  'tez-tez',
  'yavaş-yavaş',
  'ara-sıra',
]);

/** The text of the page's main part and header, as a person reads it. */
async function visibleText(page: Page): Promise<string> {
  return page.locator('body').innerText();
}

/** What on the page reads as code: each finding as `pattern: "match"`. */
export function codesIn(text: string): string[] {
  let rest = text;
  for (const { pattern } of ALLOWED) rest = rest.replace(pattern, ' ');
  const found = new Set<string>();
  for (const { name, pattern } of CODE_PATTERNS) {
    for (const m of rest.matchAll(pattern)) {
      if (name === 'kebab-case code' && KEBAB_WORDS.has(m[0].toLowerCase())) continue;
      found.add(`${name}: "${m[0]}"`);
    }
  }
  for (const key of RAW_KEYS) if (text.includes(key)) found.add(`a translation key: "${key}"`);
  return [...found];
}

/** Waits until the page has stopped fetching: no request to the API under way and no "loading" shown. */
async function settle(page: Page, inflight: () => number): Promise<void> {
  await page.locator('h1').first().waitFor();
  let quiet = 0;
  await expect
    .poll(
      async () => {
        const busy = inflight() > 0 || (await page.locator('.loading').count()) > 0;
        quiet = busy ? 0 : quiet + 1;
        return quiet >= 3;
      },
      { timeout: 20_000, interval: 100 },
    )
    .toBe(true);
}

/** A problem found on a page, as one line of the failure's report. */
type Finding = string;

interface Walk {
  page: Page;
  inflight: () => number;
  codes: Set<Finding>;
  empties: Set<Finding>;
  seen: Set<string>;
}

/** What the page shows now: codes where words belong, and empty states where the demo has data. */
async function findingsOn(
  page: Page,
  lang: Lang,
  path: string,
): Promise<{ codes: string[]; empties: string[] }> {
  const text = await visibleText(page);
  const empties: string[] = [];
  const shown = EMPTY_STATES.map((key) => ({ key, words: textOf(lang, key) })).filter(
    ({ key, words }) =>
      text.includes(words) && !EMPTY_ALLOWED.some((a) => a.key === key && a.path.test(path)),
  );
  for (const c of DATA_CHECKS) {
    if (c.path.test(path) && !(await c.has(page))) empties.push(`missing ${c.what}`);
  }
  // One message, once: not again as a shorter one it begins with ("No lessons today." in "No lessons today. …").
  for (const { key, words } of shown) {
    if (shown.some((o) => o.words !== words && o.words.includes(words))) continue;
    empties.push(`"${words}" (${key})`);
  }
  return { codes: codesIn(text), empties };
}

/**
 * Checks the page for codes and, where the demo has data, for an empty state. An empty state is believed only
 * if it stays: on a busy machine a page may still be filling in after its requests went quiet.
 */
async function check(walk: Walk, lang: Lang, who: string): Promise<void> {
  const { page } = walk;
  await settle(page, walk.inflight);
  const path = new URL(page.url()).pathname;
  const where = `${who} ${lang} ${path}`;
  let found = await findingsOn(page, lang, path);
  if (found.empties.length > 0) {
    await expect
      .poll(async () => (found = await findingsOn(page, lang, path)).empties.length, {
        timeout: 5_000,
        interval: 500,
      })
      .toBe(0)
      .catch(() => undefined);
  }
  for (const c of found.codes) walk.codes.add(`${where}: ${c}`);
  for (const e of found.empties) walk.empties.add(`${where}: ${e}`);
}

/** The menu's entries to the app's own pages (not the API's documentation), as paths. */
async function menuPaths(page: Page): Promise<string[]> {
  await openMenu(page);
  const hrefs = await page
    .locator('#site-menu nav a')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return hrefs.filter((h) => h.startsWith('/') && !h.startsWith('/api/'));
}

/** Goes to a menu entry by clicking it in the phone's menu, as a person would. */
async function follow(page: Page, path: string): Promise<void> {
  await openMenu(page);
  await page.locator(`#site-menu nav a[href="${path}"]`).first().click();
  await page.waitForURL((url) => url.pathname === path);
}

/**
 * The first link of the page's main part that opens one item of a list (a path with a number in it), not yet
 * visited: one level down. A row with figures in it comes first (a list of schools also holds those the demo
 * has no people in, whose pages rightly show nothing).
 */
async function firstItemLink(page: Page, seen: Set<string>): Promise<string | null> {
  const links = await page.locator('main a[href^="/"]').evaluateAll((found) =>
    found.map((a) => {
      const row = a.closest('tr, li');
      const rest = row ? (row.textContent ?? '').replace(a.textContent ?? '', '') : '';
      return { href: a.getAttribute('href') ?? '', figures: /[1-9]/.test(rest) };
    }),
  );
  const items = links.filter(
    ({ href }) => /\/\d+(\/|$|\?)/.test(href) && !href.startsWith('/api/') && !seen.has(href.split('?')[0]!),
  );
  return (items.find((l) => l.figures) ?? items[0])?.href ?? null;
}

/** Walks one account's menu in a language: each entry, then the first list item it links to. */
async function walkMenu(
  walk: Walk,
  lang: Lang,
  who: string,
  only?: number,
): Promise<{ pages: number; labels: string[] }> {
  const { page } = walk;
  let pages = 0;
  const paths = await menuPaths(page);
  const labels = (await page.locator('#site-menu nav a').allInnerTexts()).map((l) => l.trim());
  for (const path of only === undefined ? paths : paths.slice(0, only)) {
    await follow(page, path);
    await check(walk, lang, who);
    pages++;
    walk.seen.add(path);
    const down = await firstItemLink(page, walk.seen);
    if (down) {
      walk.seen.add(down.split('?')[0]!);
      await page.locator(`main a[href="${down}"]`).first().click();
      await page.waitForURL(
        (url) => url.pathname + url.search === down || url.pathname === down.split('?')[0],
      );
      await check(walk, lang, who);
      pages++;
    }
  }
  return { pages, labels };
}

describe('every page of every demo account, on a phone', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer({ clock: NOW });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('tells code from words, and knows its empty states', () => {
    expect(codesIn('Dəyişdirildi: istifadəçi #288')).toEqual(['an id: "#288"']);
    expect(codesIn('save: journal #13/informatics/half_1')).toContain('snake_case: "half_1"');
    expect(codesIn('hasComputerLab doldurulmayıb')).toEqual(['camelCase: "hasComputerLab"']);
    expect(codesIn('publish: contests_contest')).toEqual(['snake_case: "contests_contest"']);
    expect(codesIn('yeni: identity_user, classroom_')).toHaveLength(2);
    expect(codesIn('journal.linkTitle')).toContain('a translation key: "journal.linkTitle"');
    expect(codesIn('Bal: NaN, ad: undefined, [object Object]')).toHaveLength(3);
    expect(codesIn('e-journal')).toEqual(['kebab-case code: "e-journal"']);
    // Words, names, usernames, e-mail addresses, links and file names pass.
    expect(
      codesIn(
        'Aynur Məmmədova (aynur.parent), aynur_m@example.az, https://meet.example.org/x_y, dars_1.pdf, 5A sinfi, e-poçt, Сегодня: 9 декабря',
      ),
    ).toEqual([]);
    for (const lang of ['az', 'ru', 'en'] as const) for (const key of EMPTY_STATES) textOf(lang, key);
  });

  for (const account of DEMO_ACCOUNTS) {
    it(`${account.username}: every page of the menu, and one level down, in Azerbaijani`, async () => {
      const { context, page } = await openPage(browser, server.url, PHONE);
      let inflight = 0;
      page.on('request', (r) => {
        if (new URL(r.url()).pathname.startsWith('/api/')) inflight++;
      });
      const done = (r: { url(): string }) => {
        if (new URL(r.url()).pathname.startsWith('/api/')) inflight = Math.max(0, inflight - 1);
      };
      page.on('requestfinished', done);
      page.on('requestfailed', done);
      const walk: Walk = {
        page,
        inflight: () => inflight,
        codes: new Set(),
        empties: new Set(),
        seen: new Set(),
      };
      try {
        await signIn(page, account.username, DEMO_PASSWORD);
        await check(walk, 'az', account.username);
        const { pages, labels } = await walkMenu(walk, 'az', account.username);
        // Every entry of the account's menu was there to walk (the API's documentation is not a page of ours).
        expect(labels).toEqual(expect.arrayContaining(account.nav.az.filter((l) => l !== 'API sənədləri')));
        expect(pages).toBeGreaterThanOrEqual(account.nav.az.length - 1);
        expect({ codes: [...walk.codes], empties: [...walk.empties] }).toEqual({ codes: [], empties: [] });
      } finally {
        await context.close();
      }
    });
  }

  for (const [username, lang] of [
    ['director', 'ru'],
    ['teacher', 'en'],
    ['admin', 'ru'],
    ['region', 'en'],
  ] as const) {
    it(`${username}: the first pages of the menu in ${lang === 'ru' ? 'Russian' : 'English'}`, async () => {
      const { context, page } = await openPage(browser, server.url, PHONE);
      let inflight = 0;
      page.on('request', (r) => {
        if (new URL(r.url()).pathname.startsWith('/api/')) inflight++;
      });
      const done = (r: { url(): string }) => {
        if (new URL(r.url()).pathname.startsWith('/api/')) inflight = Math.max(0, inflight - 1);
      };
      page.on('requestfinished', done);
      page.on('requestfailed', done);
      const walk: Walk = {
        page,
        inflight: () => inflight,
        codes: new Set(),
        empties: new Set(),
        seen: new Set(),
      };
      try {
        await signIn(page, username, DEMO_PASSWORD);
        await switchLanguage(page, lang);
        await check(walk, lang, username);
        await walkMenu(walk, lang, username, 4);
        await switchLanguage(page, 'az');
        expect({ codes: [...walk.codes], empties: [...walk.empties] }).toEqual({ codes: [], empties: [] });
      } finally {
        await context.close();
      }
    });
  }
});
