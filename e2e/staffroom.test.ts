import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import {
  goTo,
  HEADING,
  heading,
  launchBrowser,
  onPhoneAs,
  PHONE,
  scrollWidth,
  seriousAxeViolations,
} from './support/browser';

/** A school's pedagogical council and a regional webinar, kept and used on a phone by the people they are for. */
describe('the staff room: councils and webinars', () => {
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

  const as = (username: string, work: (page: Page) => Promise<void>) =>
    onPhoneAs(browser, server.url, username, DEMO_PASSWORD, work);
  const checkPage = async (page: Page) => {
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
  };

  it('the director keeps a council; the teacher it names reports the decision done', async () => {
    await as('director', async (page) => {
      await goTo(page, 'Pedaqoji şuralar');
      await expect.poll(() => heading(page), HEADING).toBe('Pedaqoji şuralar');
      await page.getByText('Şura təyin et').click();
      await page.getByLabel('Mövzu').fill('I yarımilin yekunları');
      await page.getByLabel('Gündəlik').fill('1. Qiymətləndirmənin nəticələri');
      await page.getByRole('button', { name: 'Təyin et' }).click();
      await page.getByRole('link', { name: 'I yarımilin yekunları' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('I yarımilin yekunları');
      await page.getByLabel('Leyla Həsənova').check();
      await page.getByLabel('Protokol').fill('Nəticələr müzakirə olundu.');
      await page.getByRole('button', { name: 'Saxla', exact: true }).click();
      await page.getByText('Saxlanıldı.').waitFor();
      await page.getByLabel('Qərar', { exact: true }).fill('Açıq dərslər keçirmək');
      await page.getByLabel('Məsul şəxs').selectOption({ label: 'Leyla Həsənova' });
      await page.getByLabel('Son tarix').fill('2027-01-20');
      await page.getByRole('button', { name: 'Qərar əlavə et' }).click();
      await page.getByText('Açıq dərslər keçirmək').waitFor();
      await checkPage(page);
    });
    await as('teacher', async (page) => {
      await page.goto('/school/councils');
      await expect.poll(() => heading(page), HEADING).toBe('Pedaqoji şuralar');
      await page.getByRole('link', { name: 'Açıq dərslər keçirmək' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('I yarımilin yekunları');
      // The teacher reads the minutes but cannot edit them; the decision is theirs to report.
      await page.getByText('Nəticələr müzakirə olundu.').waitFor();
      expect(await page.getByLabel('Protokol').count()).toBe(0);
      const status = page.getByLabel('Vəziyyət');
      const saved = page.waitForResponse((r) => r.url().includes('/api/council-decisions/') && r.ok());
      await status.selectOption('done');
      await saved;
      await page.reload();
      await expect.poll(() => page.getByLabel('Vəziyyət').inputValue(), HEADING).toBe('done');
      await checkPage(page);
    });
  });

  it('a regional officer schedules a webinar; a teacher of the area registers and gets the link', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000);
    const local = `${tomorrow.toISOString().slice(0, 10)}T15:00`;
    await as('region', async (page) => {
      await goTo(page, 'Vebinarlar');
      await expect.poll(() => heading(page), HEADING).toBe('Vebinarlar');
      await page.getByText('Vebinar təyin et').click();
      await page.getByLabel('Mövzu').fill('Rəqəmsal qiymətləndirmə');
      await page.getByLabel('Başlama vaxtı').fill(local);
      await page.getByLabel('Görüş keçidi').fill('https://meet.example.az/qiymet');
      await page.getByLabel('Yer sayı (boş: limitsiz)').fill('30');
      await page.getByRole('button', { name: 'Təyin et' }).click();
      await page.getByRole('link', { name: 'Rəqəmsal qiymətləndirmə' }).waitFor();
      await checkPage(page);
    });
    await as('teacher', async (page) => {
      await page.goto('/webinars');
      await expect.poll(() => heading(page), HEADING).toBe('Vebinarlar');
      const item = page.locator('li', { hasText: 'Rəqəmsal qiymətləndirmə' });
      expect(await item.getByRole('link', { name: 'Vebinarın keçidini aç' }).count()).toBe(0);
      await item.getByRole('button', { name: 'Qeydiyyatdan keç' }).click();
      await item.getByRole('link', { name: 'Vebinarın keçidini aç' }).waitFor();
      expect(await item.getByRole('link', { name: 'Vebinarın keçidini aç' }).getAttribute('href')).toBe(
        'https://meet.example.az/qiymet',
      );
      await item.getByText('qeydiyyat: 1 / 30').waitFor();
      await checkPage(page);
    });
  });
});
