import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { expectGoodPage, goTo, HEADING, heading, launchBrowser, onPhoneAs, PHONE } from './support/browser';

/**
 * The internet-safety courses and Safer Internet Day on a phone: the demo teacher starts the grade 5–6 course
 * for 6A, where they teach informatics (a course is for its grade band; their own 7A takes the grade 7–9 one),
 * the class's pupil `student6` takes the first lesson's quiz, and the region's report counts it (an aggregate, no
 * names). The demo school's director registers its Safer Internet Day event, and the ministry's participation
 * by region counts the school.
 */
describe('internet-safety courses and Safer Internet Day on a phone', () => {
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

  const COURSE = 'Rəqəmsal vətəndaş (5–6-cı siniflər)';
  const REPORT = 'İnternet təhlükəsizliyi kursları: hesabat';
  const total = async (page: Page, which: string) =>
    Number(await page.locator(`tfoot [data-total="${which}"]`).innerText());

  /** The region's report: the total of lessons done in its area (an aggregate over its schools). */
  const regionLessons = async (): Promise<number> => {
    let n = -1;
    await onPhoneAs(browser, server.url, 'region', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'İnternet təhlükəsizliyi: hesabat');
      await expect.poll(() => heading(page), HEADING).toBe(REPORT);
      await page.locator('tfoot [data-total="lessons"]').waitFor();
      n = await total(page, 'lessons');
      // Districts' rows, never a pupil.
      expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
      await expectGoodPage(page, 'portal-safety-report');
    });
    return n;
  };

  it('a teacher starts the grade 5–6 course for 6A, a pupil of 6A takes a quiz, the region counts it', async () => {
    const before = await regionLessons();
    expect(before).toBeGreaterThan(0);

    await onPhoneAs(browser, server.url, 'teacher', DEMO_PASSWORD, async (page) => {
      await page.goto('/portal/safety');
      await expect.poll(() => heading(page), HEADING).toBe('İnternetdə təhlükəsizlik');
      await expectGoodPage(page, 'portal-safety');
      await page.getByRole('link', { name: COURSE }).click();
      await expect.poll(() => heading(page), HEADING).toBe(COURSE);
      await page.getByRole('button', { name: '6A sinfi üçün başla' }).click();
      await expect(page.getByText(/^6A: başlanıb/).waitFor()).resolves.toBeUndefined();
      await expectGoodPage(page, 'portal-safety-course-teacher');
    });

    await onPhoneAs(browser, server.url, 'student6', DEMO_PASSWORD, async (page) => {
      await page.goto('/portal/safety');
      await page.getByRole('link', { name: COURSE }).click();
      await expect.poll(() => heading(page), HEADING).toBe(COURSE);
      const lesson = page.locator('section.portal-lesson').first();
      await lesson.getByRole('radio', { name: 'Yalnız tanıdığım insanlar' }).check();
      await lesson.getByRole('radio', { name: 'Doğru' }).check();
      await lesson.getByRole('button', { name: 'Cavabları yoxla' }).click();
      await expect
        .poll(() => lesson.getByRole('status').innerText())
        .toBe('2 / 2 düzgün Nəticə sinfiniz üçün sayıldı.');
      await expectGoodPage(page, 'portal-safety-course-pupil');
    });

    await expect.poll(() => regionLessons(), { timeout: 30_000 }).toBe(before + 1);
  });

  it("a director registers the school's Safer Internet Day event; the ministry's participation counts it", async () => {
    const participation = async () => {
      let out = { schools: -1, participants: -1 };
      await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (page) => {
        await page.goto('/portal/safer-internet-day');
        await expect.poll(() => heading(page), HEADING).toMatch(/^Təhlükəsiz İnternet Günü \d{4}$/);
        await page.locator('tfoot [data-total="schools"]').waitFor();
        out = { schools: await total(page, 'schools'), participants: await total(page, 'participants') };
        expect(await page.getByRole('heading', { name: 'Regionlar üzrə iştirak' }).count()).toBe(1);
        await expectGoodPage(page, 'portal-sid-ministry');
      });
      return out;
    };
    const before = await participation();
    expect(before.schools).toBeGreaterThan(0);

    await onPhoneAs(browser, server.url, 'director', DEMO_PASSWORD, async (page) => {
      await page.goto('/portal/safer-internet-day');
      await expect.poll(() => heading(page), HEADING).toMatch(/^Təhlükəsiz İnternet Günü \d{4}$/);
      await page.getByLabel('Tədbirin adı').fill('Açıq dərs: güclü parollar (e2e)');
      await page.getByLabel('İştirakçılar').fill('85');
      await page.getByRole('checkbox', { name: 'Güclü parol yarışı' }).check();
      await page.getByRole('button', { name: 'Qeydiyyatdan keçir' }).click();
      await expect
        .poll(() => page.getByRole('status').innerText())
        .toMatch(/^Qeydiyyatdadır: Açıq dərs: güclü parollar \(e2e\), .+, 85 iştirakçı\.$/);
      await expect(
        page.getByRole('button', { name: 'Dəyişiklikləri saxla' }).waitFor(),
      ).resolves.toBeUndefined();
      await expectGoodPage(page, 'portal-sid-director');
    });

    expect(await participation()).toEqual({
      schools: before.schools + 1,
      participants: before.participants + 85,
    });
  });

  it('a phone without the script reads the courses, a course and Safer Internet Day from the first HTML', async () => {
    const context = await browser.newContext({
      baseURL: server.url,
      viewport: PHONE,
      javaScriptEnabled: false,
    });
    try {
      const page = await context.newPage();
      await page.goto('/portal/safety');
      expect(await page.locator('h1').textContent()).toBe('İnternetdə təhlükəsizlik');
      expect(await page.locator('.portal-card').count()).toBe(5);
      await page.getByRole('link', { name: COURSE }).click();
      expect(await page.locator('h1').textContent()).toBe(COURSE);
      const lessons = page.locator('section.portal-lesson');
      expect(await lessons.count()).toBe(6);
      expect(await lessons.first().locator('h2').textContent()).toMatch(/^Dərs 1\. /);
      // The lessons' texts and no quiz: no question, no choice to make (links to resources: the unit test).
      expect(await page.locator('input, form').count()).toBe(0);
      expect(await page.getByText('İmtina edirəm və ya başqa tətbiq seçirəm').count()).toBe(0);
      // Nothing wider than the phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        PHONE.width,
      );
      await page.goto('/portal/safer-internet-day');
      expect(await page.locator('h1').textContent()).toMatch(/^Təhlükəsiz İnternet Günü \d{4}$/);
      expect(await page.locator('.portal-card').count()).toBeGreaterThan(0);
      expect(await page.locator('form').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
