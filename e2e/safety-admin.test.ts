import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { expectGoodPage, goTo, HEADING, heading, launchBrowser, onPhoneAs } from './support/browser';

/**
 * The content filter's admin pages on a 360-px phone, in Azerbaijani: the ministry creates a national policy
 * and lesson hours (a schedule) and assigns a policy to a network; a director adds the school's network.
 */
describe('the content filter on a phone', () => {
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

  it('the ministry creates a policy and a schedule', async () => {
    await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Filtr: siyasətlər');
      await expect.poll(() => heading(page), HEADING).toBe('Siyasətlər');
      await expect.poll(() => page.getByRole('button', { name: 'İbtidai siniflər' }).count()).toBe(1);
      await page.getByText('Yeni milli siyasət', { exact: true }).click();
      await page.getByLabel('Ad', { exact: true }).fill('Yay düşərgəsi (e2e)');
      await page.getByRole('button', { name: 'Siyasət yarat' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Yay düşərgəsi (e2e)' }).count()).toBe(1);
      await page.getByRole('button', { name: 'Yay düşərgəsi (e2e)' }).click();
      await page.locator('form.safety-policy').getByLabel('Axtarış', { exact: true }).fill('Qumar');
      await page.getByRole('checkbox', { name: 'Qumar oyunları' }).check();
      await page.getByRole('button', { name: 'Saxla' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toBe('Saxlanıldı.');
      await expectGoodPage(page, 'safety-policies');

      await goTo(page, 'Filtr: cədvəllər');
      await expect.poll(() => heading(page), HEADING).toBe('Cədvəllər');
      const guests = page.getByRole('group', { name: 'Qonaq şəbəkəsi' });
      await guests.getByLabel('Dərsdən sonra').selectOption({ label: 'Yay düşərgəsi (e2e)' });
      await expect.poll(() => guests.getByRole('status').count()).toBe(1);
      await page.getByText('Yeni dərs saatları', { exact: true }).click();
      await page.getByRole('checkbox', { name: 'Şənbə', exact: true }).check();
      await page.getByLabel('Başlanğıc').fill('09:00');
      await page.getByLabel('Son', { exact: true }).fill('13:00');
      await page.getByRole('button', { name: 'Dərs saatlarını əlavə et' }).click();
      await expect.poll(() => page.getByText('09:00–13:00').count()).toBeGreaterThan(0);
      await expectGoodPage(page, 'safety-schedules');
    });
  });

  it('the ministry puts a school in exam mode and adds a category of its own', async () => {
    await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Filtr: cədvəllər');
      await expect.poll(() => heading(page), HEADING).toBe('Cədvəllər');
      await page.getByText('Yeni imtahan', { exact: true }).click();
      const name = page.getByRole('group', { name: 'İmtahanın adı' });
      await name.getByLabel('Azərbaycanca').fill('Buraxılış imtahanı (e2e)');
      await page
        .getByLabel('İmtahan zamanı açıq saytlar (icazə siyahısı)')
        .selectOption({ label: 'İmtahan: icazəli saytlar' });
      const schools = page.getByRole('group', { name: 'Məktəblər', exact: true });
      await schools.getByLabel('Məktəbi adına görə tapın').fill('məktəb');
      await schools.getByRole('button').first().click();
      await expect.poll(() => schools.getByRole('status').textContent()).toBe('1 məktəb seçilib');
      // Under way from ten minutes ago, in the browser's own time.
      const tenMinutesAgo = await page.evaluate(() => {
        const d = new Date(Date.now() - 600_000);
        const p = (n: number) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
      });
      await page.getByLabel('Başlayır', { exact: true }).fill(tenMinutesAgo);
      await page.getByRole('button', { name: 'Məktəbləri imtahan rejiminə keçir' }).click();
      const exam = page.locator('li.safety-exam', { hasText: 'Buraxılış imtahanı (e2e)' });
      await expect.poll(() => exam.count()).toBe(1);
      await expect.poll(() => exam.locator('strong').innerText()).toBe('davam edir');
      await expectGoodPage(page, 'safety-schedules-exam');
      // The exam is over early: ended now, after a question; then removed from the list.
      await exam.getByRole('button', { name: 'İmtahanı indi bitir' }).click();
      await exam.getByRole('group').getByRole('button', { name: 'İmtahanı indi bitir' }).click();
      await expect.poll(() => exam.locator('strong').innerText()).toBe('bitib');
      await exam.getByRole('button', { name: 'Sil' }).click();
      await exam.getByRole('group').getByRole('button', { name: 'Sil' }).click();
      await expect.poll(() => exam.count()).toBe(0);

      await goTo(page, 'Filtr: kateqoriyalar və siyahılar');
      const form = page.locator('section.card', {
        has: page.getByRole('heading', { name: 'Nazirliyin yeni kateqoriyası' }),
      });
      await form
        .getByRole('group', { name: 'Ad', exact: true })
        .getByLabel('Azərbaycanca')
        .fill('Yerli qadağalar (e2e)');
      await form.getByRole('button', { name: 'Kateqoriyanı əlavə et' }).click();
      // In the list of categories (and, as a choice, in the new list's categories).
      await expect
        .poll(() => page.locator('.safety-categories summary', { hasText: 'Yerli qadağalar (e2e)' }).count())
        .toBe(1);
      await expectGoodPage(page, 'safety-catalogue-new');
    });
  });

  it('a director adds a network of the school', async () => {
    await onPhoneAs(browser, server.url, 'director', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Məktəb şəbəkələri');
      await expect.poll(() => heading(page), HEADING).toBe('Məktəb şəbəkələri');
      await page.getByLabel('Ünvan diapazonu (məsələn, 10.1.0.0/24)').fill('10.199.0.5/24');
      await page.getByRole('button', { name: 'Şəbəkəni əlavə et' }).click();
      // Refused with the range meant, in Azerbaijani.
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('10.199.0.0/24');
      await page.getByLabel('Ünvan diapazonu (məsələn, 10.1.0.0/24)').fill('10.199.0.0/24');
      await page.getByRole('button', { name: 'Şəbəkəni əlavə et' }).click();
      await expect.poll(() => page.locator('.list .what', { hasText: '10.199.0.0/24' }).count()).toBe(1);
      await expectGoodPage(page, 'safety-networks');
    });
  });
});
