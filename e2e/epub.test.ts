import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { LocalStorage } from '@/server/storage';
import * as library from '@/modules/library/library.service';
import { createUserWithRole } from '@test/factories';
import { makeEpub } from '@test/epub';
import { startServer, type TestServer } from './support/server';
import {
  HEADING,
  heading,
  launchBrowser,
  openPage,
  PHONE,
  screenshot,
  scrollWidth,
  seriousAxeViolations,
  switchLanguage,
} from './support/browser';

const TITLE = 'Ana dili 3: oxu kitabı';
const BOOK = {
  title: TITLE,
  language: 'az',
  chapters: [
    {
      title: 'Birinci fəsil: Məktəbə gedən yol',
      body:
        '<p id="intro">Səhər günəş çıxanda Əli məktəbə yola düşdü.</p>' +
        // A book's script must never run: it would change this paragraph.
        '<script>document.getElementById("intro").textContent = "script ran";</script>' +
        '<p><a href="chapter-3.xhtml#end">Son fəslə keç</a></p>' +
        Array.from(
          { length: 40 },
          (_, i) => `<p>Cümlə ${i + 1}: ağaclar, çaylar, dağlar və şəhərlər.</p>`,
        ).join(''),
    },
    {
      title: 'İkinci fəsil: Çinar ağacı',
      body: '<p>Həyətdəki qoca çinar ağacı şaxtadan qorxmurdu.</p>',
    },
    {
      title: 'Üçüncü fəsil: Göyçə gölü',
      body: '<p>Gölün suyu güzgü kimi parıldayırdı.</p><p id="end">Son.</p>',
    },
  ],
};

describe('the EPUB reader', () => {
  let server: TestServer;
  let browser: Browser;
  let bookId: number;
  let fileUrl: string;
  beforeAll(async () => {
    server = await startServer();
    const db = server.running.database.db;
    const env = { storage: new LocalStorage(server.config.storageDir), media: server.config.media };
    const author = await createUserWithRole(db, 'editor');
    const reviewer = await createUserWithRole(db, 'editor');
    const r = await library.createResource(
      db,
      env,
      { actorId: author.id, ip: null },
      {
        type: 'extracurricular_reading',
        title: TITLE,
        language: 'az',
        level: 'general',
        grades: [3],
        subject: null,
        authors: ['Səbinə Quliyeva'],
        publisher: null,
        licence: 'cc_by',
        accessibility: [],
      },
      'az',
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-e2e-epub-'));
    const file = path.join(dir, 'book.epub');
    fs.writeFileSync(file, makeEpub(BOOK));
    const row = await library.registerUpload(
      db,
      env,
      { actorId: author.id, ip: null },
      { resourceId: r.id, role: 'main', path: file, originalName: 'kitab.epub' },
    );
    fileUrl = `/api/library/files/${row.id}`;
    await library.submitResource(db, env, { actorId: author.id, ip: null }, r.id);
    await library.reviewResource(db, env, { actorId: reviewer.id, ip: null }, r.id, 'publish');
    bookId = r.id;
    fs.rmSync(dir, { recursive: true, force: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an anonymous visitor opens a book, turns to chapter 2, and comes back to where they were', async () => {
    const { page, context } = await openPage(browser, server.url, PHONE);
    try {
      const requests: { range: string | undefined; status: number }[] = [];
      page.on('response', (response) => {
        if (new URL(response.url()).pathname === fileUrl) {
          requests.push({ range: response.request().headers().range, status: response.status() });
        }
      });
      await page.goto(`${server.url}/resources/${bookId}`);
      await expect.poll(() => heading(page), HEADING).toBe(TITLE);
      // The book's size is said before it is opened; nothing of it (nor the reader) is fetched until then.
      const open = page.getByRole('button', { name: 'Kitabı aç' });
      await open.waitFor();
      expect(await page.locator('.book-open .meta').innerText()).toMatch(/^Elektron kitab, [\d.,]+ KB/);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.waitForLoadState('networkidle');
      expect(requests).toEqual([]);
      await open.click();
      const frame = page.frameLocator('.epub-frame');
      await frame.getByText('Səhər günəş çıxanda').waitFor();
      // Focus is on the reader, which is read in ranges, never fetched whole.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('epub-title');
      expect(await page.locator('.epub-reader .meta').innerText()).toMatch(/Elektron kitab, [\d.,]+ KB/);
      expect(requests.length).toBeGreaterThan(1);
      for (const r of requests) {
        expect(r.range).toMatch(/^bytes=/);
        expect(r.status).toBe(206);
      }
      // The chapter is in a frame that runs no script: the book's script did not change its text.
      expect(await page.locator('.epub-frame').getAttribute('sandbox')).toBe('allow-same-origin');
      expect(await frame.locator('#intro').innerText()).toBe('Səhər günəş çıxanda Əli məktəbə yola düşdü.');
      expect(await page.locator('.epub-where').innerText()).toBe('Fəsil 1 / 3');
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'epub-reader-az-360');

      await page.getByRole('button', { name: 'Növbəti fəsil' }).click();
      await frame.getByText('Həyətdəki qoca çinar ağacı').waitFor();
      expect(await page.locator('.epub-frame').getAttribute('data-chapter')).toBe('2');
      expect(await page.locator('.epub-chapter').innerText()).toBe('İkinci fəsil: Çinar ağacı');
      expect(await page.locator('.epub-where').innerText()).toBe('Fəsil 2 / 3');

      // Larger text: the chapter's text grows, and the choice is kept.
      const fontSize = () =>
        page
          .locator('.epub-frame')
          .evaluate((f: HTMLIFrameElement) => parseFloat(getComputedStyle(f.contentDocument!.body).fontSize));
      const before = await fontSize();
      await page.getByRole('button', { name: 'Böyük şrift' }).click();
      await expect.poll(fontSize).toBeGreaterThan(before);

      // The contents go straight to a chapter; so do the book's own links.
      await page.getByText('Mündəricat').click();
      await page.getByRole('button', { name: 'Birinci fəsil: Məktəbə gedən yol' }).click();
      await frame.getByText('Son fəslə keç').click();
      await frame.getByText('Gölün suyu güzgü kimi').waitFor();
      expect(await page.locator('.epub-where').innerText()).toBe('Fəsil 3 / 3');

      // Back to chapter 2, then a reload: the book opens again (the address says so), where it was left.
      await page.getByRole('button', { name: 'Əvvəlki fəsil' }).click();
      await frame.getByText('Həyətdəki qoca çinar ağacı').waitFor();
      await page.reload();
      await page.frameLocator('.epub-frame').getByText('Həyətdəki qoca çinar ağacı').waitFor();
      expect(await page.locator('.epub-where').innerText()).toBe('Fəsil 2 / 3');
      expect(await fontSize()).toBeGreaterThan(before);

      await switchLanguage(page, 'ru');
      await page.getByRole('button', { name: 'Следующая глава' }).waitFor();
      expect(await page.locator('.epub-where').innerText()).toBe('Глава 2 из 3');
      await switchLanguage(page, 'en');
      await page.getByRole('button', { name: 'Next chapter' }).waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
