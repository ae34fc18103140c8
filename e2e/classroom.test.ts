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

/** Today's weekday at school (1 Monday … 7 Sunday). */
const weekdayAtSchool = () => {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Baku' }).format(new Date());
  return ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
};

/** The director builds a week and is refused a clash; the teacher fills in the lesson it made. */
describe('the timetable and its lessons', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer({ demoLibrary: true });
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
  // Today, or Monday when today is Sunday (the teacher then looks at next week).
  const today = weekdayAtSchool();
  const weekday = today === 7 ? 1 : today;

  it('refuses a period that puts a teacher in two classes at once, and makes lessons of the week', async () => {
    await as('director', async (page) => {
      await goTo(page, 'Dərs cədvəli');
      await expect.poll(() => heading(page), HEADING).toBe('Dərs cədvəli');
      const classOptions = page.getByLabel('Sinif', { exact: true }).locator('option');
      // The school's classes arrive after the page's heading.
      await expect.poll(() => classOptions.count(), HEADING).toBeGreaterThan(1);
      const classes = await classOptions.allInnerTexts();
      const addPeriod = async (className: string) => {
        await page.getByLabel('Sinif', { exact: true }).selectOption({ label: className });
        await page
          .getByRole('heading', { name: new RegExp(`${className}`) })
          .first()
          .waitFor();
        await page.getByLabel('Gün').selectOption(String(weekday));
        await page.getByLabel('Dərs saatı').selectOption('1');
        await page.getByLabel('Fənn').selectOption('mathematics');
        await page.getByLabel('Müəllim').selectOption({ label: 'Leyla Həsənova' });
        await page.getByRole('button', { name: 'Əlavə et', exact: true }).click();
      };
      await addPeriod(classes[0]!);
      await page.getByText('Dərs əlavə edildi.').waitFor();
      await page.getByRole('button', { name: /1-ci dərsi sil/ }).waitFor();

      // The same teacher, the same day and period, another class: refused, saying why.
      await addPeriod(classes[1]!);
      const refusal = page.getByRole('alert');
      await refusal.waitFor();
      expect(await refusal.innerText()).toMatch(/Leyla Həsənova|müəllim/i);
      expect(await page.getByRole('button', { name: /1-ci dərsi sil/ }).count()).toBe(0);
      await checkPage(page);

      await page.getByRole('button', { name: 'Dərsləri yenilə' }).click();
      await page.getByText(/Yaradılan dərslər: [1-9]/).waitFor();
    });
  });

  it('lets the teacher fill in that lesson: topic, homework and a link', async () => {
    await as('teacher', async (page) => {
      await goTo(page, 'Dərslərim');
      await expect.poll(() => heading(page), HEADING).toBe('Dərslərim');
      if (today === 7) await page.getByRole('button', { name: 'Növbəti həftə' }).click();
      await page
        .getByRole('link', { name: /Riyaziyyat/ })
        .first()
        .click();
      await expect.poll(() => heading(page), HEADING).toMatch(/^Riyaziyyat · /);
      await page.getByLabel('Mövzu').fill('Kəsrlərin toplanması');
      await page.getByLabel('Ev tapşırığı').fill('Səh. 42, 1–5');
      await page.getByLabel('Keçid', { exact: true }).fill('https://example.az/kesrler');
      await page.getByLabel('Onun adı').fill('Kəsrlər haqqında');
      await page.getByRole('button', { name: 'Keçidi əlavə et' }).click();
      // A video lesson of the library, found by a word of its title.
      await page.getByLabel('Kitabxanada tap').fill('riyaziyyat');
      await page.getByLabel('Yalnız video dərslər').check();
      await page.getByRole('button', { name: 'Axtar' }).click();
      const results = page.getByRole('list', { name: 'Kitabxananın nəticələri' });
      await results.getByRole('button').first().click();
      await page.getByRole('button', { name: 'Dərsi saxla' }).click();
      await page.getByText('Dərs saxlanıldı.').waitFor();
      expect(await page.getByRole('link', { name: /^Riyaziyyat, / }).count()).toBe(1);
      await checkPage(page);
      await page.getByRole('link', { name: 'Dərslərim' }).first().click();
      // The week opens on the current one again; on a Sunday the lesson is in the next.
      if (today === 7) await page.getByRole('button', { name: 'Növbəti həftə' }).click();
      await page.getByText('Kəsrlərin toplanması').waitFor();
    });
  });

  it('shows distance learning as counts: the bureau drills from the country down to a school’s classes', async () => {
    await as('bureau', async (page) => {
      await goTo(page, 'Distant təhsil');
      await expect.poll(() => heading(page), HEADING).toBe('Distant təhsil');
      const table = page.getByRole('region', { name: 'Vahidlər üzrə distant təhsil' });
      await table.locator('tbody tr').first().waitFor();
      expect(await table.locator('thead th').first().innerText()).toBe('Ərazi');
      await checkPage(page);
      // Down the tree, each time into a unit that has students, until the rows are a school's classes.
      const header = () => table.locator('thead th').first().innerText();
      for (let depth = 0; depth < 5 && (await header()) !== 'Sinif'; depth++) {
        const before = await header();
        const counts = await table
          .locator('tbody tr td:first-of-type')
          .allInnerTexts()
          .then((texts) => texts.map((text) => Number(text.replace(/\D/g, ''))));
        const busiest = counts.indexOf(Math.max(...counts));
        expect(counts[busiest]).toBeGreaterThan(0);
        await table.locator('tbody tr').nth(busiest).getByRole('link').click();
        await expect.poll(() => page.url(), HEADING).toMatch(/\/monitoring\/distance\/(area|school)\/\d+$/);
        await expect
          .poll(async () => `${await header()}:${await table.locator('tbody tr').count()}`, HEADING)
          .not.toBe(`${before}:0`);
      }
      expect(await header()).toBe('Sinif');
      expect(await table.locator('tbody tr').count()).toBeGreaterThan(0);
      await checkPage(page);
    });
  });
});
