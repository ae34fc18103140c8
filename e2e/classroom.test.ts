import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiLogin, type Call } from './support/api';
import { startServer, type TestServer } from './support/server';
import { publishVideoLesson } from './support/library';
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
import { weekdayOf } from '@/modules/classroom/classroom.service';
import { nextSchoolDay, schoolDayOf, testClock, weeksAfter } from '@test/school-clock';

/** A school Wednesday in the first half-year, unless CI runs this file on another day (TEST_CLOCK). */
const NOW = testClock('2026-12-09T10:00:00+04:00');
const today = schoolDayOf(NOW);
// The lesson the teacher fills in: on the first school day from today (next week's when today is a
// Sunday, tomorrow when today is a holiday), the weekday the director gives the period.
const lessonDay = nextSchoolDay(today);
const weekday = weekdayOf(lessonDay);
const weeksAhead = weeksAfter(today, lessonDay);

type Week = { shift: number; entries: { id: number; weekday: number; period: number; teacherId: number }[] };

/** Takes a class's periods off the timetable through the API, as the director: those `which` picks. */
async function removePeriods(
  director: Call,
  classId: number,
  which: (e: Week['entries'][number]) => boolean,
) {
  const week = await director<Week>('GET', `/classes/${classId}/timetable`);
  expect(week.status).toBe(200);
  for (const e of week.body.entries.filter(which)) {
    expect((await director('DELETE', `/timetable/${e.id}`)).status).toBeLessThan(300);
  }
  return week.body;
}

/** The director builds a week and is refused a clash; the teacher fills in the lesson it made. */
describe('the timetable and its lessons', () => {
  let server: TestServer;
  let browser: Browser;
  /** The teacher's own class, where the director gives them the period, and another class of its shift. */
  let own: string;
  let other: string;
  beforeAll(async () => {
    server = await startServer({ clock: NOW });
    // The demo's timetable fills every class's first periods: the lesson day's first period of the teacher's own
    // class and of another class on the same bells is taken off first (as the director could on the page), and
    // the teacher's own periods then in other classes, so that the director's period goes in and the second is
    // refused for the teacher alone.
    const director = await apiLogin(server.url, 'director');
    const teacher = await apiLogin(server.url, 'teacher');
    const schoolId = director.me.roles.find((g) => g.role === 'director')!.institutionId!;
    const classes = await director.call<{
      items: { id: number; name: string; homeroomTeacherId: number | null }[];
    }>('GET', `/institutions/${schoolId}/classes`);
    expect(classes.status).toBe(200);
    const mine = classes.body.items.find((c) => c.homeroomTeacherId === teacher.me.user.id)!;
    const firstPeriod = (e: Week['entries'][number]) => e.weekday === weekday && e.period === 1;
    const { shift } = await removePeriods(director.call, mine.id, firstPeriod);
    own = mine.name;
    for (const c of classes.body.items.filter((x) => x.id !== mine.id)) {
      const week = await director.call<Week>('GET', `/classes/${c.id}/timetable`);
      if (week.body.shift !== shift) continue;
      await removePeriods(director.call, c.id, firstPeriod);
      other = c.name;
      break;
    }
    expect(other).toBeDefined();
    // The teacher's other class (informatics in a grade 6 class) may have them at that time too.
    for (const c of classes.body.items.filter((x) => x.id !== mine.id)) {
      await removePeriods(director.call, c.id, (e) => firstPeriod(e) && e.teacherId === teacher.me.user.id);
    }
    await publishVideoLesson(server, {
      title: 'Riyaziyyat, kəsrlərin toplanması: video dərs',
      subject: 'mathematics',
      grades: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    });
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
  /** From this week's lessons to the lesson day's week. */
  const toLessonWeek = async (page: Page) => {
    for (let week = 0; week < weeksAhead; week++) {
      await page.getByRole('button', { name: 'Növbəti həftə' }).click();
    }
  };

  it('refuses a period that puts a teacher in two classes at once, and makes lessons of the week', async () => {
    await as('director', async (page) => {
      await goTo(page, 'Dərs cədvəli');
      await expect.poll(() => heading(page), HEADING).toBe('Dərs cədvəli');
      const classOptions = page.getByLabel('Sinif', { exact: true }).locator('option');
      // The school's classes arrive after the page's heading.
      await expect.poll(() => classOptions.count(), HEADING).toBeGreaterThan(1);
      // The delete button of the lesson day's first period, named by the weekday as the page names it.
      const dayName = await page.getByLabel('Gün').locator(`option[value="${weekday}"]`).innerText();
      const firstOfDay = page.getByRole('button', { name: `${dayName}, 1-ci dərsi sil`, exact: true });
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
        // Not yet the class's mathematics teacher: the page asks once before placing the period.
        const onlyThis = page.getByRole('button', { name: 'Yalnız bu dərsi əlavə et' });
        await page.getByText('Dərs əlavə edildi.').or(page.getByRole('alert')).or(onlyThis).first().waitFor();
        if (await onlyThis.isVisible()) await onlyThis.click();
      };
      await addPeriod(own);
      await page.getByText('Dərs əlavə edildi.').waitFor();
      await firstOfDay.waitFor();

      // The same teacher, the same day and period, another class: refused, saying why.
      await addPeriod(other);
      const refusal = page.getByRole('alert');
      await refusal.waitFor();
      expect(await refusal.innerText()).toMatch(/Leyla Həsənova|müəllim/i);
      expect(await firstOfDay.count()).toBe(0);
      await checkPage(page);
    });
  });

  it('lets the teacher fill in that lesson: topic, homework and a link', async () => {
    await as('teacher', async (page) => {
      await goTo(page, 'Dərslərim');
      await expect.poll(() => heading(page), HEADING).toBe('Dərslərim');
      await toLessonWeek(page);
      // The lesson day's first lesson: the period the director just gave (the demo's other lessons around it).
      await page
        .locator(`section[aria-labelledby="teaching-${lessonDay}"]`)
        .getByRole('link', { name: new RegExp(` · ${own} · Riyaziyyat$`) })
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
      await expect.poll(() => heading(page), HEADING).toBe('Dərslərim');
      await toLessonWeek(page);
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
