import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { clockStart, now } from '@/server/clock';

/** Debian's Chromium, with the switches that keep it quiet and deterministic in a container. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A phone-sized screen: the smallest the app must work on. */
export const PHONE = { width: 360, height: 740 };
/** A desktop screen. */
export const DESKTOP = { width: 1280, height: 800 };

/**
 * A fresh browser profile (no cookies, no stored language) on a page of the app. When the test's server runs
 * on a clock started at a fixed time (`startServer({ clock })`; the server runs in this process), the page
 * gets the same time, running on from there, so that the web app and the server agree on today.
 */
export async function openPage(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport, locale: 'en-GB' });
  if (clockStart()) await context.clock.install({ time: now() });
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the sign-in form, as a person would, and waits for the home page's heading. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  if (!page.url().endsWith('/login')) await page.goto('/login');
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname !== '/login' && url.pathname !== '/');
}

/** Signs `username` in on a fresh phone-sized page, does `work` there, and closes the page's browser profile. */
export async function onPhoneAs(
  browser: Browser,
  baseURL: string,
  username: string,
  password: string,
  work: (page: Page) => Promise<void>,
): Promise<void> {
  const { context, page } = await openPage(browser, baseURL, PHONE);
  try {
    await signIn(page, username, password);
    await work(page);
  } finally {
    await context.close();
  }
}

/** Picks an interface language in the header's switcher and waits until the page says it switched. */
export async function switchLanguage(page: Page, code: 'az' | 'ru' | 'en'): Promise<void> {
  await page.locator('header select').selectOption(code);
  await page.waitForFunction((lang) => document.documentElement.lang === lang, code);
}

/**
 * How long a test waits for a page's `<h1>` to read as expected: many pages title themselves from data they
 * are still fetching (a school's name), so the heading changes once after the page appears.
 */
export const HEADING = { timeout: 15_000 };

/**
 * The text of the page's one `<h1>`, once the app has started and it is there. (A page the server writes — a
 * resource's, "not found" — shows a heading of its own before the app's script has run; the app replaces it.
 * The skip link is the app's alone.)
 */
export async function heading(page: Page): Promise<string> {
  await page.locator('a.skip-link').waitFor({ state: 'attached' });
  const h1 = page.locator('h1');
  await h1.waitFor();
  return (await h1.innerText()).trim();
}

/** The labels of the main navigation's entries, in order, whether the phone's menu is open or not. */
export async function navigationLabels(page: Page): Promise<string[]> {
  const links = page.locator('#site-menu nav a');
  return (await links.allTextContents()).map((s) => s.trim());
}

/** Opens the menu if it is behind the header's menu button (a phone) and closed; on a wide screen it is always there. */
export async function openMenu(page: Page): Promise<void> {
  await page.locator('#site-menu').waitFor({ state: 'attached' });
  const button = page.locator('button[aria-controls="site-menu"]');
  if ((await button.isVisible()) && (await button.getAttribute('aria-expanded')) !== 'true')
    await button.click();
  await page.locator('#site-menu').getByRole('navigation').waitFor();
}

/** Goes to a page through the main navigation, as a person would: opening the menu first on a phone. */
export async function goTo(page: Page, name: string): Promise<void> {
  await openMenu(page);
  await page.locator('#site-menu').getByRole('navigation').getByRole('link', { name, exact: true }).click();
}

/** How wide the page really is: wider than the window means sideways scrolling on a phone. */
export async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.scrollingElement!.scrollWidth);
}

/** One accessibility rule broken on a page, with how bad it is and where. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const AXE_SOURCE = fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page as it is now and returns the serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated, not added as a <script>: the app's Content-Security-Policy refuses inline scripts.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    interface AxeResult {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
    }
    const axe = (window as unknown as { axe: { run(context: Document): Promise<AxeResult> } }).axe;
    const result = await axe.run(document);
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => String(n.target[0])),
      }));
  });
}

/** Saves a screenshot under /tmp for a person to look at; the tests do not compare pixels. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `/tmp/maktab-${name}.png`, fullPage: true });
}

/** Fits a phone and passes axe: what every page a test visits is checked for (and a screenshot kept). */
export async function expectGoodPage(page: Page, name: string): Promise<void> {
  expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, name);
}
