import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD, type Lang } from './support/demo-accounts';
import {
  DESKTOP,
  HEADING,
  heading,
  launchBrowser,
  openPage,
  PHONE,
  screenshot,
  scrollWidth,
  seriousAxeViolations,
  signIn,
  switchLanguage,
} from './support/browser';

/** What the director's menu must show in each language, written out here so a missing translation fails. */
const DIRECTOR: Record<
  Lang,
  { menu: string; groups: string[]; home: string; timetable: string; week: string[] }
> = {
  az: {
    menu: 'Menyu',
    groups: ['Məktəb', 'Tədris', 'İKT', 'Kitabxana', 'Hesabatlar'],
    home: 'Məktəbim',
    timetable: 'Dərs cədvəli',
    week: ['Bazar ertəsi', 'Çərşənbə axşamı', 'Çərşənbə', 'Cümə axşamı', 'Cümə', 'Şənbə'],
  },
  ru: {
    menu: 'Меню',
    groups: ['Школа', 'Обучение', 'ИКТ', 'Библиотека', 'Отчёты'],
    home: 'Моя школа',
    timetable: 'Расписание',
    week: ['Понедельник', 'Вторник', 'Среда', 'Четверг', 'Пятница', 'Суббота'],
  },
  en: {
    menu: 'Menu',
    groups: ['School', 'Teaching', 'ICT', 'Library', 'Reports'],
    home: 'My school',
    timetable: 'Timetable',
    week: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  },
};

/** The header's height in CSS pixels, as laid out now. */
async function headerHeight(page: Page): Promise<number> {
  const box = await page.locator('header.site-header').boundingBox();
  return box!.height;
}

/** The text of the entry the menu marks as the current page. */
const currentEntry = (page: Page) => page.locator('#site-menu nav a[aria-current="page"]').innerText();

describe('the menu on a phone', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('keeps the header to one short row and opens a grouped menu, in Azerbaijani, Russian and English', async () => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    const heights: Record<string, number> = {};
    try {
      await signIn(page, 'director', DEMO_PASSWORD);
      for (const lang of ['az', 'ru', 'en'] as const) {
        const want = DIRECTOR[lang];
        if (lang !== 'az') await switchLanguage(page, lang);
        await page.goto('/school');
        await expect.poll(() => heading(page), HEADING).toBe(want.home);
        heights[lang] = await headerHeight(page);
        expect(heights[lang]).toBeLessThanOrEqual(64);
        expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);

        // Closed: the entries are not on the screen, the button says so.
        const button = page.getByRole('button', { name: want.menu, exact: true });
        expect(await button.getAttribute('aria-expanded')).toBe('false');
        expect(await button.getAttribute('aria-controls')).toBe('site-menu');
        expect(await page.locator('#site-menu').getByRole('navigation').count()).toBe(0);

        // Open: the groups the director has entries in, this page marked as current, and visibly so.
        await button.click();
        expect(await button.getAttribute('aria-expanded')).toBe('true');
        const nav = page.locator('#site-menu').getByRole('navigation');
        await nav.waitFor();
        expect((await page.locator('.menu-group-label').allTextContents()).map((s) => s.trim())).toEqual(
          want.groups,
        );
        expect(await currentEntry(page)).toBe(want.home);
        const look = (name: string) =>
          nav
            .getByRole('link', { name, exact: true })
            .evaluate((a) => `${getComputedStyle(a).backgroundColor} ${getComputedStyle(a).borderLeftColor}`);
        expect(await look(want.home)).not.toBe(await look(want.timetable));
        expect(await seriousAxeViolations(page)).toEqual([]);
        expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
        await screenshot(page, `phone-menu-${lang}-open`);
        await page.screenshot({ path: `/tmp/maktab-phone-menu-${lang}-screen.png` });

        // Escape closes it and gives focus back to the button.
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => !!document.activeElement?.closest('#site-menu'))).toBe(true);
        await page.keyboard.press('Escape');
        expect(await button.getAttribute('aria-expanded')).toBe('false');
        expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-controls'))).toBe(
          'site-menu',
        );
        expect(await page.locator('#site-menu').getByRole('navigation').count()).toBe(0);

        // Going to a page closes the menu; opened again, it marks that page.
        await button.click();
        await nav.getByRole('link', { name: want.timetable, exact: true }).click();
        await page.waitForURL('**/school/timetable');
        await expect.poll(() => heading(page), HEADING).toBe(want.timetable);
        expect(await button.getAttribute('aria-expanded')).toBe('false');
        expect(await page.locator('#site-menu').getByRole('navigation').count()).toBe(0);
        expect(await headerHeight(page)).toBeLessThanOrEqual(64);

        // The timetable's days are named in the interface language (Chromium has no Azerbaijani names of its own).
        const days = page.locator('section[aria-labelledby="timetable-week"] h3');
        await expect.poll(() => days.count(), HEADING).toBe(6);
        expect(await days.allInnerTexts()).toEqual(want.week);
        expect(
          await page
            .getByLabel(lang === 'az' ? 'Gün' : lang === 'ru' ? 'День' : 'Day')
            .locator('option')
            .allInnerTexts(),
        ).toEqual(want.week);
        expect(await seriousAxeViolations(page)).toEqual([]);
        await screenshot(page, `phone-timetable-${lang}`);

        await button.click();
        expect(await currentEntry(page)).toBe(want.timetable);
        await button.click();
      }
      console.info(`header height at 360 px: ${JSON.stringify(heights)}`);

      // On a wide screen the menu is a sidebar that is always there, with no button.
      await page.setViewportSize(DESKTOP);
      await page.locator('#site-menu').getByRole('navigation').waitFor();
      expect(await page.locator('button[aria-controls="site-menu"]').isVisible()).toBe(false);
      expect(await currentEntry(page)).toBe(DIRECTOR.en.timetable);
      await screenshot(page, 'phone-menu-en-desktop');
      await page.setViewportSize(PHONE);

      // Back to Azerbaijani, so the account is as the seed left it for other tests.
      await switchLanguage(page, 'az');
    } finally {
      await context.close();
    }
  });
});
