import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import {
  expectGoodPage,
  goTo,
  HEADING,
  heading,
  launchBrowser,
  onPhoneAs,
  switchLanguage,
} from './support/browser';

/** The text of a downloaded file, without the byte-order mark the platform's CSV starts with. */
function textOf(download: Download): Promise<string> {
  return download.path().then((file) => fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
}

/** The cells of one CSV line (no line breaks inside cells), quotes undone. */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell);
  return out;
}

const csvLine = (values: string[]) => values.map((v) => `"${v.replace(/"/g, '""')}"`).join(',');

/** The bureau moves the registry through its files: a template, Giga's upload columns, a checked import. */
describe('the registry as files, on a phone', () => {
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

  it('downloads a template and a Giga export, and imports a file only once its check passes', async () => {
    await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Reyestr faylları');
      await expect.poll(() => heading(page), HEADING).toBe('Reyestr faylları');

      // The schools template, as CSV: its header names the national code.
      const templates = page.getByRole('region', { name: 'Şablonlar' });
      const [template] = await Promise.all([
        page.waitForEvent('download'),
        templates.getByRole('link', { name: 'Məktəblər şablonu (CSV)' }).click(),
      ]);
      expect(template.suggestedFilename()).toMatch(/\.csv$/);
      expect((await textOf(template)).split(/\r?\n/)[0]).toContain('school_id_govt');

      // Schools in Giga's upload columns.
      const exporting = page.getByRole('region', { name: 'İxrac' });
      await exporting.getByLabel('Məlumat dəsti').selectOption({ label: 'Məktəblər' });
      await exporting.getByLabel('Fayl formatı').selectOption({ label: 'CSV' });
      await exporting.getByLabel('Giga yükləmə (Giga Sync forması)').check();
      const [giga] = await Promise.all([
        page.waitForEvent('download'),
        exporting.getByRole('link', { name: 'Endir' }).click(),
      ]);
      const gigaHeader = cells((await textOf(giga)).split(/\r?\n/)[0]!);
      expect(gigaHeader).toContain('school_id_govt');
      expect(gigaHeader).not.toContain('area_code');

      // A file of one school in our columns, its name changed and its kind of funding unknown.
      const ours = await page.request.get(`${server.url}/api/registry/export/schools?format=csv`);
      expect(ours.status()).toBe(200);
      const [headerLine, firstRow] = (await ours.text()).replace(/^\uFEFF/, '').split(/\r?\n/);
      const header = cells(headerLine!);
      const row = cells(firstRow!);
      const name = header.indexOf('school_name');
      const funding = header.indexOf('school_funding_type');
      expect(name).toBeGreaterThanOrEqual(0);
      expect(funding).toBeGreaterThanOrEqual(0);
      row[name] = `${row[name]} (yenilənib)`;
      const good = [...row];
      row[funding] = 'bilinmir';
      const file = (values: string[]) => ({
        name: 'schools.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`${csvLine(header)}\r\n${csvLine(values)}\r\n`),
      });

      const importing = page.getByRole('region', { name: 'Faylın idxalı' });
      await importing.getByLabel('Məlumat dəsti').selectOption({ label: 'Məktəblər' });
      const input = importing.getByLabel('Fayl (CSV və ya XLSX)');
      await input.setInputFiles(file(row));
      await importing.getByRole('button', { name: 'Faylı yoxla' }).click();
      const alert = importing.getByRole('alert');
      await expect.poll(() => alert.innerText()).toContain('Faylda 1 problem var');
      const problem = await alert.locator('li').innerText();
      expect(problem).toMatch(/^Sətir 2, school_funding_type: /);
      expect(await importing.getByRole('button', { name: 'İdxal et' }).count()).toBe(0);
      await expectGoodPage(page, 'registry-exchange-problem');

      // Corrected, the check passes and says what an import would do; only then is it run.
      await input.setInputFiles(file(good));
      await importing.getByRole('button', { name: 'Faylı yoxla' }).click();
      const status = importing.getByRole('status');
      await expect
        .poll(() => status.innerText())
        .toBe('Fayl qaydasındadır: 1 sətir. İdxal 0 yeni yaradar, 1 dəyişər, 0 olduğu kimi qalar.');
      await importing.getByRole('button', { name: 'İdxal et' }).click();
      await expect
        .poll(() => importing.getByRole('status').innerText())
        .toBe('1 sətir idxal olundu: 0 yaradıldı, 1 dəyişdirildi, 0 dəyişmədi.');
      await expectGoodPage(page, 'registry-exchange-done');

      // The registry has the new name now.
      const after = await page.request.get(`${server.url}/api/registry/export/schools?format=csv`);
      expect(await after.text()).toContain(good[name]);

      // In Russian too, the page fits the phone and passes axe.
      await switchLanguage(page, 'ru');
      await expect.poll(() => heading(page), HEADING).toBe('Файлы реестра');
      await page.getByRole('region', { name: 'Экспорт' }).getByLabel('Набор данных').selectOption('schools');
      await expectGoodPage(page, 'registry-exchange-ru');
    });
  });
});
