import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { publishVideoLesson } from './support/library';
import {
  expectGoodPage,
  HEADING,
  heading,
  launchBrowser,
  openPage,
  PHONE,
  seriousAxeViolations,
} from './support/browser';

const TITLE = 'Rənglər və formalar: məktəbəqədər hazırlıq';

describe("the platform's public face in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  let lessonId: number;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    lessonId = await publishVideoLesson(server, { title: TITLE, subject: 'mathematics', grades: [1] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("a visitor's / is the library's home on a 360 px phone, and sign-in is one tap away", async () => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      const first = await page.goto('/');
      expect(first?.status()).toBe(200);
      await expect.poll(() => heading(page), HEADING).toBe('Maktab kitabxanası');
      expect(new URL(page.url()).pathname).toBe('/');
      const main = page.locator('main');
      await main.getByRole('link', { name: TITLE }).waitFor();
      expect(await main.getByRole('link', { name: 'Tədris resursları' }).count()).toBe(1);
      expect(await main.getByRole('link', { name: 'Elektron dərsliklər' }).count()).toBe(1);
      await expectGoodPage(page, 'public-home-360');

      // The search box takes the visitor to the search, with the words.
      await page.getByRole('searchbox', { name: 'Kitabxanada axtar' }).fill('rənglər');
      await page.getByRole('button', { name: 'Tap' }).click();
      await page.waitForURL(
        (url) => url.pathname === '/resources' && url.searchParams.get('q') === 'rənglər',
      );
      await page.getByRole('link', { name: TITLE }).first().waitFor();

      // Back home, then the header's sign-in link opens the form.
      await page.goBack();
      await expect.poll(() => heading(page), HEADING).toBe('Maktab kitabxanası');
      await page.locator('header').getByRole('link', { name: 'Daxil ol' }).click();
      await page.waitForURL('**/login');
      await expect.poll(() => heading(page), HEADING).toBe('Sistemə daxil olun');
    } finally {
      await context.close();
    }
  });

  it("shows a resource's page before the script arrives, and the app's page once it has", async () => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      // A visitor who chose English on this device before (the app's cookie), on a slow phone: the app's
      // script has not come yet.
      await context.addCookies([{ name: 'maktab_lang', value: 'en', url: server.url }]);
      await page.route('**/assets/*.js', (route) => route.abort());
      const res = await page.goto(`/resources/${lessonId}`);
      expect(res?.status()).toBe(200);
      expect(await page.locator('h1').innerText()).toBe(TITLE);
      expect(await page.title()).toBe(`${TITLE} — Maktab`);
      // Their choice, so the labels are English.
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      expect(await page.locator('dl').innerText()).toContain('Mathematics');
      expect(await page.locator('header').getByRole('link', { name: 'Sign in' }).count()).toBe(1);
      const ld = await page.locator('script[type="application/ld+json"]').textContent();
      expect(JSON.parse(ld!)).toMatchObject({ '@type': ['VideoObject', 'LearningResource'], name: TITLE });
      await expectGoodPage(page, 'public-resource-before-js-360');

      // With the script, the app takes over the same place.
      await page.unroute('**/assets/*.js');
      await page.reload();
      await page.locator('video, audio').first().waitFor({ state: 'attached', timeout: 15_000 });
      expect(await heading(page)).toBe(TITLE);
      // The app starts in the same language the page was written in.
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      expect(await page.locator('header').getByRole('link', { name: 'Sign in' }).count()).toBe(1);
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('answers an unknown address with 404 and says so, to a visitor, without asking to sign in', async () => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      await page.route('**/assets/*.js', (route) => route.abort());
      const res = await page.goto('/no-such-page');
      expect(res?.status()).toBe(404);
      // No language chosen on this device: Azerbaijani, as the app starts (the browser's en-GB is not guessed from).
      expect(await page.locator('h1').innerText()).toBe('Səhifə tapılmadı');
      expect(await page.locator('a.skip-link').count()).toBe(0);
      expect(await page.title()).toBe('Səhifə tapılmadı — Maktab');
      await expectGoodPage(page, 'not-found-before-js-360');

      await page.unroute('**/assets/*.js');
      await page.reload();
      // The app's own page (in the app's language), not the sign-in form.
      await expect.poll(() => heading(page), HEADING).toBe('Səhifə tapılmadı');
      expect(new URL(page.url()).pathname).toBe('/no-such-page');
      await page.getByRole('link', { name: 'Əsas səhifəyə qayıt' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('Maktab kitabxanası');
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
