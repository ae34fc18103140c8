import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import {
  HEADING,
  heading,
  launchBrowser,
  onPhoneAs,
  PHONE,
  scrollWidth,
  seriousAxeViolations,
} from './support/browser';

/** The director downloads the school's OneRoster zip, checks it back in, and is shown a bad file's problems. */
describe('class lists as files', () => {
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

  it('downloads OneRoster, checks it back without saving, and lists the problems of a bad file', async () => {
    await onPhoneAs(browser, server.url, 'director', DEMO_PASSWORD, async (page) => {
      await page.goto(`${server.url}/school/timetable`);
      await expect.poll(() => heading(page), HEADING).toBe('Dərs cədvəli');
      const section = page.getByRole('region', { name: 'Sinif siyahıları fayl kimi' });
      await section.waitFor();
      const href = await section
        .getByRole('link', { name: 'OneRoster 1.2 endirin (zip)' })
        .getAttribute('href');
      const zip = await page.request.get(`${server.url}${href}`);
      expect(zip.status()).toBe(200);
      expect(zip.headers()['content-type']).toBe('application/zip');

      const input = section.getByLabel('İdxal ediləcək fayl (CSV, XLSX və ya OneRoster zip)');
      await input.setInputFiles({
        name: 'school.zip',
        mimeType: 'application/zip',
        buffer: await zip.body(),
      });
      await section.getByRole('button', { name: 'Faylı yoxla' }).click();
      await expect.poll(() => section.getByRole('status').innerText()).toMatch(/^Fayl qaydasındadır\./);

      await input.setInputFiles({
        name: 'bad.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('username,class\r\nnobody-at-all,7A\r\n'),
      });
      await section.getByRole('button', { name: 'Faylı yoxla' }).click();
      const alert = section.getByRole('alert');
      await expect.poll(() => alert.innerText()).toContain('nobody-at-all');
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    });
  });
});
