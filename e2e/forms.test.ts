import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { withoutTrainingRecords } from './support/training';
import {
  expectGoodPage,
  HEADING,
  heading,
  launchBrowser,
  openPage,
  PHONE,
  signIn,
  switchLanguage,
} from './support/browser';

/** The message a field points at with `aria-describedby` (its error, beside it), or '' without one. */
async function messageOf(page: Page, field: Locator): Promise<string> {
  const ids = (await field.getAttribute('aria-describedby')) ?? '';
  const texts = await Promise.all(
    ids
      .split(' ')
      .filter(Boolean)
      .map((id) => page.locator(`[id="${id}"]`).innerText()),
  );
  return texts.join(' ').trim();
}

/** Whether an element lies wholly inside the window, below the sticky header's bottom edge. */
async function inView(page: Page, field: Locator): Promise<boolean> {
  return field.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const header = document.querySelector('header')?.getBoundingClientRect();
    const top =
      header && getComputedStyle(document.querySelector('header')!).position !== 'static' ? header.bottom : 0;
    return box.top >= top && box.bottom <= window.innerHeight;
  });
}

describe('forms that help: the ICT record form on a phone', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer();
    // A school that reports its own ICT-trained count (none of its people has a training record).
    await withoutTrainingRecords(server.running.database.db);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows a broken rule beside its field as the director types, and refuses an incomplete record naming every field', async () => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      await signIn(page, 'director', DEMO_PASSWORD);
      await page.goto('/school/ict');
      await expect.poll(() => heading(page), HEADING).toBe('Məktəbimin İKT-si');
      const teachers = page.getByLabel('Müəllimlər', { exact: true });
      const trained = page.getByLabel('Onlardan İKT üzrə hazırlıq keçən');
      await teachers.waitFor();

      // As the director types: 30 trained of 25 teachers is flagged beside the field, before any save.
      await teachers.fill('25');
      await trained.fill('30');
      await expect.poll(() => trained.getAttribute('aria-invalid')).toBe('true');
      expect(await messageOf(page, trained)).toBe('Müəllimlərin sayından (25) çox ola bilməz.');
      expect(await page.locator('.form-summary').count()).toBe(0);
      // Corrected, the message goes.
      await trained.fill('20');
      await expect.poll(() => trained.getAttribute('aria-invalid')).toBeNull();
      expect(await messageOf(page, trained)).toBe('');

      // An incomplete record: no teachers, no classrooms, the computer lab not stated, and the trained count
      // above the teachers again. Sending it is refused on the page, with every wrong field named.
      await teachers.fill('');
      await page.getByLabel('Sinif otaqları').fill('');
      await page.getByLabel('Kompüter sinfi').selectOption('');
      await trained.fill('30');
      await page.getByRole('button', { name: 'Yadda saxla və göndər' }).click();

      // The first wrong field (teachers, at the top of the form) has the focus and is in view.
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
        .toBe('teachers');
      await expect.poll(() => inView(page, teachers)).toBe(true);
      // Each message sits beside its own field.
      expect(await messageOf(page, teachers)).toBe('Bu sahəni doldurun.');
      expect(await messageOf(page, page.getByLabel('Sinif otaqları'))).toBe('Bu sahəni doldurun.');
      expect(await messageOf(page, page.getByLabel('Kompüter sinfi'))).toBe('Bu sahəni doldurun.');
      // Teachers are empty, so the trained count breaks no rule of its own.
      const invalid = page.locator('form [aria-invalid="true"]');
      const count = await invalid.count();
      expect(count).toBeGreaterThanOrEqual(3);
      for (let i = 0; i < count; i++) {
        const field = invalid.nth(i);
        const message = await messageOf(page, field);
        expect(message).not.toBe('');
        // Beside it: the message is in the same field block (or, for the students' grid, its section).
        const near = await field.evaluate((element) => {
          const ids = (element.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
          const box = element.closest('.field, fieldset')!;
          return ids.some((id) => box.contains(document.getElementById(id)));
        });
        expect(near).toBe(true);
      }
      // The summary at the top lists them, each a link to its field; nothing was sent.
      const summary = page.locator('.form-summary');
      expect(await summary.locator('p').innerText()).toBe('Qeyd göndərilmədi. Bu sahələri düzəldin:');
      const links = summary.locator('a');
      expect(await links.count()).toBe(count);
      expect(await links.first().innerText()).toBe('Müəllimlər: Bu sahəni doldurun.');
      await expectGoodPage(page, 'forms-ict-refused-az-360');
      // Following a link of the summary brings its field into view and focus.
      await links.filter({ hasText: 'Kompüter sinfi' }).click();
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
        .toBe('hasComputerLab');
      await expect.poll(() => inView(page, page.getByLabel('Kompüter sinfi'))).toBe(true);

      // The same page in Russian and in English: the messages follow the language.
      await switchLanguage(page, 'ru');
      await expect.poll(() => heading(page), HEADING).toBe('ИКТ моей школы');
      expect(await summary.locator('p').innerText()).toBe('Запись не отправлена. Исправьте эти поля:');
      expect(await messageOf(page, page.getByLabel('Учителя', { exact: true }))).toBe('Заполните это поле.');
      await page.getByLabel('Учителя', { exact: true }).fill('25');
      await expect
        .poll(() => messageOf(page, page.getByLabel('Из них обучены ИКТ')))
        .toBe('Не может быть больше числа учителей (25).');
      await expectGoodPage(page, 'forms-ict-refused-ru-360');

      await switchLanguage(page, 'en');
      await expect.poll(() => heading(page), HEADING).toBe("My school's ICT");
      expect(await summary.locator('p').innerText()).toBe(
        'The record was not sent. Please correct these fields:',
      );
      expect(await messageOf(page, page.getByLabel('Of whom trained in ICT'))).toBe(
        'Cannot be more than the number of teachers (25).',
      );
      expect(await messageOf(page, page.getByLabel('Classrooms'))).toBe('Fill this in.');
      await expectGoodPage(page, 'forms-ict-refused-en-360');

      // Kept as a draft instead: empty fields are allowed, a broken rule is not; nothing is sent.
      await page.getByRole('button', { name: 'Save as draft' }).click();
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
        .toBe('teachersIctTrained');
      expect(await page.locator('[role="status"].saved').first().innerText()).toBe('');
      await page.getByLabel('Of whom trained in ICT').fill('20');
      await page.getByRole('button', { name: 'Save as draft' }).click();
      await expect
        .poll(() => page.locator('[role="status"].saved').first().innerText())
        .toBe('Draft saved; it has not been sent for review yet.');
      // The director comes back to it: the draft is there, with its empty fields, and still cannot be sent.
      await page.reload();
      await expect.poll(() => heading(page), HEADING).toBe("My school's ICT");
      await expect.poll(() => page.getByLabel('Teachers', { exact: true }).inputValue()).toBe('25');
      expect(await page.getByLabel('Classrooms').inputValue()).toBe('');
      await page.getByRole('button', { name: 'Save and submit' }).click();
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
        .toBe('classrooms');
      expect(await page.locator('[role="status"].saved').first().innerText()).toBe('');
      await expectGoodPage(page, 'forms-ict-draft-en-360');
    } finally {
      await context.close();
    }
  });
});
