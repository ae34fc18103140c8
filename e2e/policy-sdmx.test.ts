import fs from 'node:fs';
import { parseString } from '@fast-csv/parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import {
  expectGoodPage,
  HEADING,
  heading,
  launchBrowser,
  onPhoneAs,
  openPage,
  PHONE,
  switchLanguage,
} from './support/browser';

type Figure = { value: number | null };

/** A downloaded CSV file's rows as objects by header, read with a maintained parser (fast-csv). */
async function rowsOf(download: Download): Promise<{ text: string; rows: Record<string, string>[] }> {
  const text = fs.readFileSync(await download.path(), 'utf8');
  const records = await new Promise<string[][]>((resolve, reject) => {
    const out: string[][] = [];
    parseString(text, { headers: false })
      .on('error', reject)
      .on('data', (r: string[]) => out.push(r))
      .on('end', () => resolve(out));
  });
  const [header = [], ...data] = records;
  return { text, rows: data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}

/**
 * Open data on the seeded demo country, on a phone: a visitor finds it from the header, reads what the SDMX file
 * holds, switches to English and downloads the file with English names; its national figure of SDG 4.a.1 (c) is
 * the JSON open data's. The bureau finds the SDMX file beside the indicators on its dashboard.
 */
describe('open data for international reporting', () => {
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

  it('a visitor downloads the SDMX-CSV file from the open-data page, with names in their language', async () => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto('/');
      await page.locator('header').getByRole('link', { name: 'Açıq məlumatlar' }).click();
      await page.waitForURL('**/open-data');
      await expect.poll(() => heading(page), HEADING).toBe('Açıq məlumatlar');
      const indicators = page.getByTestId('sdmx-indicators').getByRole('listitem');
      await expect.poll(() => indicators.count(), HEADING).toBe(7);
      expect(await indicators.first().innerText()).toContain('DİM 4.a.1 a');
      await expectGoodPage(page, 'open-data-360');

      await switchLanguage(page, 'en');
      await expect.poll(() => heading(page), HEADING).toBe('Open data');
      await expect.poll(() => indicators.first().innerText(), HEADING).toContain('SDG 4.a.1 a');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'The same, with names in this language (SDMX-CSV)' }).click(),
      ]);
      const { text, rows } = await rowsOf(download);
      expect(text.startsWith('STRUCTURE,STRUCTURE_ID,ACTION,')).toBe(true);
      expect(rows.length).toBeGreaterThan(50);
      const row = (r: Record<string, string>, id: string) =>
        Object.entries(r).find(([k]) => k.startsWith(`${id}: `))![1];
      // The demo's current year, national SDG 4.a.1 (c) over ISCED 1–3, named in English.
      const computers = rows.filter(
        (r) =>
          row(r, 'INDICATOR').startsWith('SDG4A1_COMP: ') &&
          row(r, 'REF_AREA').startsWith('AZ: ') &&
          row(r, 'EDU_LEVEL').startsWith('ISCED11_1T3: '),
      );
      expect(computers.length).toBeGreaterThan(0);
      const latest = computers
        .sort((a, b) => row(a, 'TIME_PERIOD').localeCompare(row(b, 'TIME_PERIOD')))
        .at(-1)!;
      expect(row(latest, 'SEX')).toBe('_Z: Not applicable');
      const open = await page.request.get(`${server.url}/api/open/indicators`);
      const national = ((await open.json()) as { total: { indicators: Record<string, Figure> } }).total
        .indicators.computersTeaching!;
      expect(Number(row(latest, 'OBS_VALUE'))).toBe(Math.round(national.value! * 10_000) / 100);
      // Teachers by sex, F and M, are there for ED38.
      const sexes = new Set(
        rows.filter((r) => row(r, 'INDICATOR').startsWith('ED38_TCH_ICT: ')).map((r) => row(r, 'SEX')),
      );
      expect(sexes).toContain('F: Female');
      expect(sexes).toContain('M: Male');
    } finally {
      await context.close();
    }
  });

  it('the bureau finds the SDMX-CSV file beside the indicators on its dashboard', async () => {
    await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (page) => {
      await page.goto('/dashboard');
      const link = page.getByRole('link', { name: 'Beynəlxalq hesabatlar üçün yüklə (SDMX-CSV)' });
      await link.waitFor({ timeout: 30_000 });
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const { rows } = await rowsOf(download);
      // The country and each of its regions, as the JSON open data has them.
      const json = await page.request.get(`${server.url}/api/open/indicators?by=region`);
      const regions = ((await json.json()) as { groups: { code: string | null }[] }).groups.flatMap((g) =>
        g.code === null ? [] : [g.code],
      );
      expect(regions.length).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.REF_AREA))).toEqual(new Set(['AZ', ...regions]));
      await page.getByRole('link', { name: 'Açıq məlumatlar' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('Açıq məlumatlar');
    });
  });
});
