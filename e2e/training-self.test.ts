import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
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

/**
 * The self-assessment of ICT competence on a phone, in Azerbaijani: the demo teacher (who has not taken it)
 * answers area by area, reloads midway and resumes where they stopped, submits and reads a level per area with
 * its explanation; the director asks the staff to take it and sees their levels.
 */
describe('my ICT competence', () => {
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

  const area = (page: Page) => page.locator('.self-take h2');
  /** Answers every question of the area on screen with the answer at `choice`, and waits until saved. */
  const answerArea = async (page: Page, choice: number) => {
    const items = page.locator('fieldset.self-item');
    const n = await items.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) await items.nth(i).getByRole('radio').nth(choice).check();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'saxlanılıb' }).count()).toBe(1);
  };

  it('the teacher takes it area by area, reloads midway, resumes, and sees a level per area', async () => {
    await onPhoneAs(browser, server.url, 'teacher', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'İKT səriştəm');
      await expect.poll(() => heading(page), HEADING).toBe('İKT səriştəm');
      await expect.poll(() => page.getByText('Hələ səviyyəniz yoxdur').count()).toBe(1);
      await expectGoodPage(page, 'training-self-start');
      await page.getByRole('button', { name: 'Başla' }).click();

      await expect.poll(() => area(page).innerText()).toBe('Peşəkar fəaliyyət');
      // Going on with a question unanswered is refused, in words.
      await page.getByRole('button', { name: 'Növbəti sahə' }).click();
      await expect.poll(() => page.getByRole('alert').innerText()).toContain('bütün suallarına');
      await answerArea(page, 2);
      await expectGoodPage(page, 'training-self-area');
      await page.getByRole('button', { name: 'Növbəti sahə' }).click();
      await expect.poll(() => area(page).innerText()).toBe('Rəqəmsal resurslar');
      await answerArea(page, 4);
      await page.getByRole('button', { name: 'Növbəti sahə' }).click();
      await expect.poll(() => area(page).innerText()).toBe('Tədris və öyrənmə');
      await answerArea(page, 1);

      // A reload midway: the answers are kept, and the questionnaire resumes at the first area not finished.
      await page.reload();
      await expect.poll(() => heading(page), HEADING).toBe('İKT səriştəm');
      await expect.poll(() => page.getByText('30 sualdan 16-nə cavab vermisiniz').count()).toBe(1);
      await page.getByRole('button', { name: 'Davam et' }).click();
      await expect.poll(() => area(page).innerText()).toBe('Qiymətləndirmə');
      await expect.poll(() => page.getByText('6 sahədən 4-i').count()).toBe(1);
      await page.getByRole('button', { name: 'Geri' }).click();
      await expect.poll(() => area(page).innerText()).toBe('Tədris və öyrənmə');
      expect(await page.locator('fieldset.self-item').first().getByRole('radio').nth(1).isChecked()).toBe(
        true,
      );
      await page.getByRole('button', { name: 'Növbəti sahə' }).click();

      await answerArea(page, 0);
      await page.getByRole('button', { name: 'Növbəti sahə' }).click();
      await answerArea(page, 2);
      await page.getByRole('button', { name: 'Növbəti sahə' }).click();
      await expect.poll(() => area(page).innerText()).toBe('Şagirdlərin rəqəmsal səriştəsinin inkişafı');
      await answerArea(page, 2);
      await page.getByRole('button', { name: 'Təqdim et və səviyyələrimi gör' }).click();

      await page.getByRole('heading', { name: 'Səviyyələrim' }).waitFor();
      const levels = page.locator('.self-levels li');
      await expect.poll(() => levels.count()).toBe(6);
      // Assessment all at the first answer: Newcomer, with its plain explanation; digital resources Expert.
      expect(await levels.nth(3).innerText()).toContain('A1 · Yeni başlayan');
      expect(await levels.nth(3).innerText()).toContain('ilk addımları');
      expect(await levels.nth(1).innerText()).toContain('C2 · Öncül');
      expect(await levels.nth(0).innerText()).toContain('B1 · İnteqrasiya edən');
      await page.getByRole('heading', { name: 'Tövsiyə olunan proqramlar' }).waitFor();
      await expect
        .poll(() => page.getByRole('heading', { name: 'Əvvəlki özünüqiymətləndirmələr' }).count())
        .toBe(1);
      await expectGoodPage(page, 'training-self-levels');

      // In Russian, whose words run longest, a screen of the questionnaire still fits the phone.
      await switchLanguage(page, 'ru');
      await page.getByRole('button', { name: 'Пройти ещё раз' }).click();
      await expect.poll(() => area(page).innerText()).toBe('Профессиональная деятельность');
      await expectGoodPage(page, 'training-self-area-ru');
      await page.getByRole('button', { name: 'Закончить позже' }).click();
      await expect.poll(() => page.getByText('Вы ответили на 0 из 30 вопросов.').count()).toBe(1);
    });
  });

  it('the director asks the staff to take it and sees their levels', async () => {
    await onPhoneAs(browser, server.url, 'director', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Kollektivin İKT səriştəsi');
      await expect.poll(() => heading(page), HEADING).toBe('Kollektivin İKT səriştəsi');
      const rows = page.locator('table tbody tr');
      await expect.poll(() => rows.count()).toBeGreaterThan(3);
      // Most of the staff took it in the demo; their levels are codes of the scale.
      await expect
        .poll(() =>
          page
            .locator('table tbody td')
            .filter({ hasText: /^(A1|A2|B1|B2|C1|C2)$/ })
            .count(),
        )
        .toBeGreaterThan(6);
      await expectGoodPage(page, 'training-staff');
      const form = page.locator('form.card');
      await form.getByLabel('Son tarix').fill('2099-01-31');
      await form
        .getByLabel('Kollektivə mesaj (istəyə bağlı)')
        .fill('Zəhmət olmasa, ayın sonunadək doldurun.');
      await form.getByRole('button', { name: 'Müraciəti göndər' }).click();
      await expect.poll(() => page.getByText('Müraciətiniz kollektivə göndərildi.').count()).toBe(1);
      await expect.poll(() => page.getByText(/Son müraciət/).count()).toBe(1);
    });
  });
});
