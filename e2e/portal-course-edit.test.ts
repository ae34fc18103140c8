import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { expectGoodPage, HEADING, heading, launchBrowser, onPhoneAs } from './support/browser';

/**
 * The ministry's content editor changes an internet-safety lesson on a phone: its Azerbaijani title, and a new
 * true-or-false question in three languages; a pupil then sees the new title and the question. Texts stay text.
 */
describe('editing an internet-safety course on a phone', () => {
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

  const COURSE = 'Rəqəmsal həyat və hüquqlar (10–11-ci siniflər)';
  const LESSON = 'Şəxsi məlumat hüququ';
  const NEW_TITLE = 'Şəxsi məlumat hüququ <b>(yeni)</b>';
  const PROMPT = 'Parolu heç kimlə bölüşmürəm (e2e).';

  it('the editor changes a lesson’s Azerbaijani title and adds a question; a pupil sees them', async () => {
    await onPhoneAs(browser, server.url, 'editor', DEMO_PASSWORD, async (page) => {
      await page.goto('/portal/safety');
      await page.getByRole('link', { name: COURSE }).click();
      await expect.poll(() => heading(page), HEADING).toBe(COURSE);
      await page.getByRole('link', { name: 'Kursu redaktə edin' }).click();
      await expect.poll(() => heading(page), HEADING).toBe(`Redaktə: ${COURSE}`);
      await expectGoodPage(page, 'portal-course-edit');
      await page.getByRole('button', { name: `“${LESSON}” dərsini redaktə edin` }).click();
      const form = page.getByRole('form', { name: 'Dərs' });
      await form.getByRole('group', { name: 'Başlıq' }).getByLabel('Azərbaycanca').fill(NEW_TITLE);
      await form.getByLabel('Yeni sualın növü').selectOption('true_false');
      await form.getByRole('button', { name: 'Sual əlavə edin' }).click();
      const question = form.getByRole('group', { name: 'Sual 3 · doğru və ya yanlış' });
      const prompt = question.getByRole('group', { name: 'Sualın mətni' });
      await prompt.getByLabel('Azərbaycanca').fill(PROMPT);
      await prompt.getByLabel('Rusca').fill('Я ни с кем не делюсь паролем (e2e).');
      await prompt.getByLabel('İngiliscə').fill('I share my password with no one (e2e).');
      await question.getByLabel('Bu fikir').selectOption('true');
      await expectGoodPage(page, 'portal-course-edit-lesson');
      await form.getByRole('button', { name: 'Dərsi saxlayın' }).click();
      await expect
        .poll(() => page.getByRole('button', { name: `“${NEW_TITLE}” dərsini redaktə edin` }).count())
        .toBe(1);
      expect(await page.getByRole('form', { name: 'Dərs' }).count()).toBe(0);
    });

    await onPhoneAs(browser, server.url, 'student', DEMO_PASSWORD, async (page) => {
      await page.goto('/portal/safety');
      await page.getByRole('link', { name: COURSE }).click();
      await expect.poll(() => heading(page), HEADING).toBe(COURSE);
      // The markup in the title is text: shown as typed, no bold element made of it.
      await expect
        .poll(() => page.getByRole('heading', { level: 2, name: `Dərs 1. ${NEW_TITLE}` }).count())
        .toBe(1);
      expect(await page.locator('section.portal-lesson b').count()).toBe(0);
      await expect.poll(() => page.getByText(PROMPT).count()).toBe(1);
      await expectGoodPage(page, 'portal-course-edit-pupil');
    });
  });
});
