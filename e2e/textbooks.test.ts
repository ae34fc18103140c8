import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
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
} from './support/browser';

// The demo seed's library: a textbook and a teacher's guide for every grade × subject of its grid.
const BOOK = 'Riyaziyyat. 5-ci sinif. Dərslik';

describe('the e-textbook portal', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer({ demoLibrary: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an anonymous visitor on a phone picks grade 5 mathematics, opens the textbook, and page 1 renders', async () => {
    const { page, context } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto(`${server.url}/resources`);
      await expect.poll(() => heading(page), HEADING).toBe('Tədris resursları');
      await page.getByRole('link', { name: 'Elektron dərsliklər: sinif və fənn üzrə' }).click();
      await page.waitForURL('**/textbooks');
      await expect.poll(() => heading(page), HEADING).toBe('Elektron dərsliklər');
      // On a phone each grade is a list that opens when chosen: no table, nothing wider than the screen.
      const summaries = page.locator('details.shelf-grade summary');
      await summaries.first().waitFor();
      expect(await page.locator('table').count()).toBe(0);
      expect(await summaries.allInnerTexts()).toEqual([
        '1-ci sinif',
        '2-ci sinif',
        '3-cü sinif',
        '4-cü sinif',
        '5-ci sinif',
        '6-cı sinif',
        '7-ci sinif',
        '8-ci sinif',
        '9-cu sinif',
        '10-cu sinif',
        '11-ci sinif',
      ]);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await summaries.filter({ hasText: /^5-ci sinif$/ }).click();
      const grade = page.locator('details.shelf-grade[open]');
      expect(await grade.count()).toBe(1);
      const maths = grade
        .locator('li')
        .filter({ has: page.locator('.what', { hasText: /^Riyaziyyat$/ }) })
        .first();
      // Each book says its language, pages and size before it is opened.
      const textbook = maths.locator('.shelf-books li').filter({ hasText: 'Dərslik' }).first();
      expect(await textbook.locator('.meta').innerText()).toMatch(
        /Azərbaycan dili · səhifə: \d+ · [\d,.]+ KB/,
      );
      expect(await maths.locator('.shelf-books li').filter({ hasText: 'Metodik vəsait' }).count()).toBe(2);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'textbooks-az-360');

      // pdf.js is fetched only when the book is opened.
      const scripts: string[] = [];
      page.on('request', (request) => {
        const at = new URL(request.url());
        if (/^\/assets\/.*\.m?js$/.test(at.pathname)) scripts.push(at.pathname);
      });
      const pdfjs = () => scripts.filter((s) => /^\/assets\/(pdf-reader|pdf\.worker)/.test(s));
      await textbook.getByRole('link', { name: BOOK }).click();
      await page.waitForURL(/\/resources\/\d+$/);
      await expect.poll(() => heading(page), HEADING).toBe(BOOK);
      // The page says what the book is and what it weighs, and offers to open it.
      const open = page.getByRole('button', { name: 'Kitabı aç' });
      await open.waitFor();
      expect(await page.locator('.book-open .meta').innerText()).toMatch(
        /^PDF kitab, səhifə: \d+, [\d,.]+ (KB|MB): səhifə-səhifə oxunur/,
      );
      expect(await open.getAttribute('aria-describedby')).toBe(
        await page.locator('.book-open .meta').getAttribute('id'),
      );
      await page.waitForLoadState('networkidle');
      expect(pdfjs()).toEqual([]);
      expect(await page.locator('.reader canvas').count()).toBe(0);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'textbooks-book-az-360');

      // Opened: the reader draws the book's first page, focus is on the reader, the address remembers it.
      await open.click();
      await page.waitForFunction(() => {
        const c = document.querySelector<HTMLCanvasElement>('.reader canvas');
        return c !== null && c.width > 100 && c.getAttribute('data-page') === '1';
      });
      await page.getByText(/^\/ \d+$/).waitFor();
      expect(pdfjs().length).toBeGreaterThan(0);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('reader-title');
      expect(new URL(page.url()).searchParams.get('read')).toBe('1');
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'textbooks-reader-az-360');

      // A reload (or the link, shared) opens the book directly.
      await page.reload();
      await page.waitForFunction(() => {
        const c = document.querySelector<HTMLCanvasElement>('.reader canvas');
        return c !== null && c.width > 100 && c.getAttribute('data-page') === '1';
      });
      expect(await page.getByRole('button', { name: 'Kitabı aç' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('on a wide screen is a grade × subject table, and filters by language', async () => {
    const { page, context } = await openPage(browser, server.url, DESKTOP);
    try {
      await page.goto(`${server.url}/textbooks`);
      await expect.poll(() => heading(page), HEADING).toBe('Elektron dərsliklər');
      const table = page.locator('table.shelf');
      await table.waitFor();
      const columns = await table.locator('thead th').allInnerTexts();
      expect(columns[0]).toBe('Sinif');
      expect(columns).toContain('Riyaziyyat');
      expect(columns).toContain('Rus dili');
      const row = table.locator('tbody tr').filter({ has: page.locator('th', { hasText: /^5-ci sinif$/ }) });
      const cell = row.locator('td').nth(columns.indexOf('Riyaziyyat') - 1);
      // Both languages of instruction in one cell until the visitor picks one.
      expect(await cell.getByRole('link', { name: BOOK }).count()).toBe(1);
      expect(await cell.getByRole('link', { name: 'Математика. 5 класс. Учебник' }).count()).toBe(1);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'textbooks-az-desktop');

      await page.getByLabel('Kitabların dili').selectOption('ru');
      await page.waitForURL('**/textbooks?language=ru');
      await expect
        .poll(() => table.locator('thead th').allInnerTexts())
        .toEqual(['Sinif', 'Riyaziyyat', 'Rus dili']);
      expect(await table.getByRole('link', { name: BOOK }).count()).toBe(0);
      expect(await table.getByRole('link', { name: /Metodik vəsait.*Математика\. 5 класс/ }).count()).toBe(1);
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('lists collections and opens the TV-lesson season as a playlist in air order', async () => {
    const { page, context } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto(`${server.url}/resources`);
      await page.getByRole('link', { name: 'Kolleksiyalar və siyahılar' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('Kolleksiyalar və siyahılar');
      await page.getByRole('link', { name: 'Dərs vaxtı — 2020-ci ilin yaz mövsümü' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('Dərs vaxtı — 2020-ci ilin yaz mövsümü');
      const items = page.locator('ol.list > li');
      await items.first().waitFor();
      expect(await items.count()).toBeGreaterThan(1);
      expect(await items.first().innerText()).toContain('Dərs vaxtı.');
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await items.first().getByRole('link').click();
      await page.waitForURL('**/resources/*');
    } finally {
      await context.close();
    }
  });
});
