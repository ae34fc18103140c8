import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { gradeOrdinal } from '@/web/format';
import {
  goTo,
  HEADING,
  heading,
  launchBrowser,
  onPhoneAs,
  PHONE,
  scrollWidth,
  seriousAxeViolations,
  switchLanguage,
} from './support/browser';

/**
 * Who teaches what, on the demo school as `npm start` loads it: the director, on a phone, makes Leyla Həsənova
 * the class's mathematics teacher and a whole grade's computer-science teacher, then places periods — the
 * timetable offers her first for mathematics and asks before making her the teacher of another subject.
 */
describe('subject teachers', () => {
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

  const checkPage = async (page: Page) => {
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
  };
  const selected = (page: Page, label: string) =>
    page.getByLabel(label, { exact: true }).locator('option:checked').innerText();

  it('sets a subject teacher and a grade’s teacher on the class page, then places periods with them', async () => {
    await onPhoneAs(browser, server.url, 'director', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Dərs cədvəli');
      await expect.poll(() => heading(page), HEADING).toBe('Dərs cədvəli');
      const classSelect = page.getByLabel('Sinif', { exact: true });
      await expect.poll(() => classSelect.locator('option').count(), HEADING).toBeGreaterThan(0);
      const name = (await classSelect.locator('option:checked').innerText()).trim();
      const grade = Number(/^\d+/.exec(name)![0]);

      // The class page: one select per subject of the grade.
      await page.getByRole('link', { name: `${name} sinfində kim nə dərs deyir` }).click();
      await expect.poll(() => heading(page), HEADING).toBe(`${name} sinfində kim nə dərs deyir`);
      const classForm = page.getByRole('form', { name: `${name} sinfinin fənn müəllimləri` });
      await classForm.getByLabel('Riyaziyyat', { exact: true }).selectOption({ label: 'Leyla Həsənova' });
      await classForm.getByRole('button', { name: 'Fənn müəllimlərini saxla' }).click();
      await classForm.getByText('Fənn müəllimləri saxlanıldı.').waitFor();
      expect(await page.getByText(/OneRoster 1\.2 idxalı/).count()).toBe(1);
      await checkPage(page);

      // Every class of the grade at once.
      const gradeForm = page.getByRole('form', { name: `Bütün ${gradeOrdinal('az', grade)} siniflər üçün` });
      await gradeForm.getByLabel('Fənn', { exact: true }).selectOption('informatics');
      await gradeForm.getByLabel('Müəllim', { exact: true }).selectOption({ label: 'Leyla Həsənova' });
      await gradeForm
        .getByRole('button', { name: `Bütün ${gradeOrdinal('az', grade)} siniflərə təyin et` })
        .click();
      await gradeForm.getByText(/sinifdə təyin edildi\.$/).waitFor();
      await expect
        .poll(() =>
          classForm.getByLabel('İnformatika', { exact: true }).locator('option:checked').innerText(),
        )
        .toBe('Leyla Həsənova');
      await checkPage(page);

      // The timetable offers her first for mathematics, and places the period without asking.
      await page.getByRole('link', { name: 'Dərs cədvəlinə keç' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('Dərs cədvəli');
      await expect.poll(() => selected(page, 'Sinif'), HEADING).toBe(name);
      await page.getByLabel('Gün').selectOption('6');
      const periods = await page
        .getByLabel('Dərs saatı')
        .locator('option')
        .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
      await page.getByLabel('Dərs saatı').selectOption(periods.at(-1)!);
      await page.getByLabel('Fənn', { exact: true }).selectOption('mathematics');
      expect(await selected(page, 'Müəllim')).toBe('Leyla Həsənova');
      await page.getByRole('button', { name: 'Əlavə et', exact: true }).click();
      await page.getByText('Dərs əlavə edildi.').waitFor();

      // Another subject with her: the page asks once, then makes her that subject's teacher too.
      await page.getByLabel('Dərs saatı').selectOption(periods.at(-2)!);
      await page.getByLabel('Fənn', { exact: true }).selectOption('azerbaijani_language');
      await page.getByLabel('Müəllim').selectOption({ label: 'Leyla Həsənova' });
      await page.getByRole('button', { name: 'Əlavə et', exact: true }).click();
      await page
        .getByText(`Leyla Həsənova hələ ${name} sinfində Azərbaycan dili müəllimi deyil.`, { exact: false })
        .waitFor();
      await checkPage(page);
      await page.getByRole('button', { name: 'Bəli, dərsi əlavə et və fənn müəllimi et' }).click();
      await page.getByText('Dərs əlavə edildi.').waitFor();
      // Both Saturday periods are on the week (the weekday's name as the browser gives it: Chromium has no
      // Azerbaijani names and falls back to "Sat").
      const saturday = page.getByRole('button', { name: /^(şənbə|saturday|sat), \d+-ci dərsi sil$/i });
      await expect.poll(() => saturday.count(), HEADING).toBe(2);
      expect(await page.getByRole('button', { name: 'Dərsləri yenilə' }).count()).toBe(0);

      // Back on the class page she is now its Azerbaijani-language teacher; the page in Russian and English.
      await page.getByRole('link', { name: `${name} sinfində kim nə dərs deyir` }).click();
      await expect.poll(() => heading(page), HEADING).toBe(`${name} sinfində kim nə dərs deyir`);
      await expect.poll(() => selected(page, 'Azərbaycan dili'), HEADING).toBe('Leyla Həsənova');
      await switchLanguage(page, 'ru');
      await expect.poll(() => heading(page), HEADING).toBe(`Кто что ведёт в классе ${name}`);
      expect(await selected(page, 'Математика')).toBe('Leyla Həsənova');
      await page.getByRole('form', { name: `Для всех ${grade}-х классов` }).waitFor();
      await checkPage(page);
      await switchLanguage(page, 'en');
      await expect.poll(() => heading(page), HEADING).toBe(`Who teaches what in ${name}`);
      expect(await selected(page, 'Computer science')).toBe('Leyla Həsənova');
      await page.getByRole('button', { name: 'Save the subject teachers' }).waitFor();
      await checkPage(page);
    });
  });
});
