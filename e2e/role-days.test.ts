import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { apiLogin } from './support/api';
import { schoolDayOf, testClock } from '@test/school-clock';
import {
  expectGoodPage,
  HEADING,
  heading,
  launchBrowser,
  onPhoneAs,
  openMenu,
  switchLanguage,
} from './support/browser';

/** The school Wednesday the server and the browser run at, and that day at school (YYYY-MM-DD). */
const NOW = testClock();
const todayAtSchool = () => schoolDayOf(NOW);
/** A day's weekday (1 Monday … 7 Sunday). */
const weekdayOf = (day: string) => ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const TOPIC = 'Kəsrlərin toplanması';

/**
 * Each role's day on its home, on a 360-px phone in Azerbaijani, from the living demo school: the demo teacher
 * fills in today's mathematics lesson of their class, one the demo's own timetable holds (through the API); then
 * each demo account sees its day.
 */
describe("each role's day on its home", () => {
  let server: TestServer;
  let browser: Browser;
  let lessonId: number;
  /** The demo school's lessons today, as the API lists them before the director looks. */
  let lessonsToday: number;

  beforeAll(async () => {
    server = await startServer({ clock: NOW });
    browser = await launchBrowser();
    const director = await apiLogin(server.url, 'director');
    const teacher = await apiLogin(server.url, 'teacher');
    const student = await apiLogin(server.url, 'student');
    const schoolId = director.me.roles.find((g) => g.role === 'director')!.institutionId!;
    const home = await student.get<{ classes: { id: number }[] }>('/home/student');
    expect(home.status).toBe(200);
    const classId = home.body.classes[0]!.id;
    const cls = await director.get<{ academicYearId: number }>(`/classes/${classId}`);
    expect(cls.status).toBe(200);
    const today = todayAtSchool();
    // The demo's `teacher` teaches mathematics in their own homeroom class, the student's: today's first such
    // lesson is the one filled in. Should the demo's timetable have none today, period 1 becomes one.
    const mathsToday = async () =>
      (
        await teacher.get<{ items: { id: number; date: string; classId: number; subjectCode: string }[] }>(
          `/me/teaching?from=${today}&to=${today}`,
        )
      ).body.items.find((l) => l.date === today && l.classId === classId && l.subjectCode === 'mathematics');
    let lesson = await mathsToday();
    if (!lesson) {
      const subject = await director.call('PUT', `/classes/${classId}/subjects/mathematics`, {
        version: (await director.get<{ version: number }>(`/classes/${classId}/subjects`)).body.version,
        teacherId: teacher.me.user.id,
      });
      expect(subject.status, JSON.stringify(subject.body)).toBe(200);
      const week = await director.get<{ entries: { id: number; weekday: number; period: number }[] }>(
        `/classes/${classId}/timetable`,
      );
      expect(week.status).toBe(200);
      for (const e of week.body.entries.filter((x) => x.weekday === weekdayOf(today) && x.period === 1)) {
        expect((await director.call('DELETE', `/timetable/${e.id}`)).status).toBeLessThan(300);
      }
      const period = await director.call('POST', `/classes/${classId}/timetable`, {
        weekday: weekdayOf(today),
        period: 1,
        subjectCode: 'mathematics',
        teacherId: teacher.me.user.id,
        room: '12',
      });
      expect(period.status, JSON.stringify(period.body)).toBeLessThan(300);
      const monday = addDays(today, 1 - weekdayOf(today));
      const made = await director.call('POST', `/institutions/${schoolId}/lessons/generate`, {
        academicYearId: cls.body.academicYearId,
        from: monday,
        to: addDays(monday, 6),
      });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      lesson = await mathsToday();
    }
    expect(lesson, 'a mathematics lesson of the demo teacher today').toBeDefined();
    lessonId = lesson!.id;
    const current = await teacher.get<{ version: number; materials: unknown[] }>(`/lessons/${lessonId}`);
    expect(current.status).toBe(200);
    const filled = await teacher.call('PUT', `/lessons/${lessonId}`, {
      version: current.body.version,
      topic: TOPIC,
      homework: 'Səh. 24, 1–4',
      meetingUrl: 'https://meet.example.org/demo',
      materials: current.body.materials,
    });
    expect(filled.status, JSON.stringify(filled.body)).toBe(200);
    // What the director's day counts: the school's lessons held today, class by class.
    const classes = await director.get<{ items: { id: number }[] }>(`/institutions/${schoolId}/classes`);
    expect(classes.status).toBe(200);
    lessonsToday = 0;
    for (const c of classes.body.items) {
      const held = await director.get<{ items: { state: string }[] }>(
        `/classes/${c.id}/lessons?from=${today}&to=${today}`,
      );
      expect(held.status).toBe(200);
      lessonsToday += held.body.items.filter((l) => l.state === 'scheduled').length;
    }
    expect(lessonsToday).toBeGreaterThan(0);
    // A slow connection measured at the demo school, so that the area and the country have one to show.
    for (let i = 0; i < 9; i++) {
      const m = await director.call('POST', `/institutions/${schoolId}/measurements`, {
        downloadMbps: 0.3,
        uploadMbps: null,
        latencyMs: null,
      });
      expect(m.status).toBe(201);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const as = (username: string, work: (page: Page) => Promise<void>) =>
    onPhoneAs(browser, server.url, username, DEMO_PASSWORD, work);

  it('shows the student today and the week, and opens the lesson', async () => {
    await as('student', async (page) => {
      const today = page.locator('section[aria-labelledby="day-today"]');
      await today.getByRole('heading', { name: /^Bu gün: / }).waitFor();
      // The demo's day has other lessons (mathematics may come twice): the one filled in is found by its address.
      const link = today
        .getByRole('link', { name: /Riyaziyyat/ })
        .and(today.locator(`a[href$="/my/lessons/${lessonId}"]`));
      await link.waitFor();
      await today.getByText(TOPIC).waitFor();
      expect(await today.getByRole('link', { name: 'Onlayn dərsə qoşulun' }).getAttribute('href')).toBe(
        'https://meet.example.org/demo',
      );
      await page.getByRole('heading', { name: 'Bu həftə' }).waitFor();
      await page.getByRole('heading', { name: 'Təhvil veriləcək tapşırıqlar' }).waitFor();
      await page.getByRole('heading', { name: 'Son qiymətlər' }).waitFor();
      await expectGoodPage(page, 'day-student-az-360');

      await link.click();
      await page.waitForURL(`**/my/lessons/${lessonId}`);
      await expect.poll(() => heading(page), HEADING).toBe('Riyaziyyat');
      await page.getByText(TOPIC).waitFor();
      await page.getByText('Səh. 24, 1–4').waitFor();
      await page.getByText('Leyla Həsənova').waitFor();
      await expectGoodPage(page, 'day-student-lesson-az-360');

      // The same page in Russian, then English.
      await switchLanguage(page, 'ru');
      await page.getByText('Домашнее задание', { exact: true }).waitFor();
      await page.getByRole('link', { name: 'Подключиться к онлайн-уроку' }).waitFor();
      await expectGoodPage(page, 'day-student-lesson-ru-360');
      await switchLanguage(page, 'en');
      await page.getByRole('link', { name: 'Back to my day' }).click();
      await page.waitForURL('**/class');
      await page.getByRole('heading', { name: /^Today: / }).waitFor();
      await page.getByRole('heading', { name: 'Homework due' }).waitFor();
      await expectGoodPage(page, 'day-student-en-360');
      await switchLanguage(page, 'az');
    });
  });

  it("shows the teacher today's lessons, each opening to be filled in, and the journal in the menu", async () => {
    await as('teacher', async (page) => {
      const today = page.locator('section[aria-labelledby="day-teach"]');
      await today.getByRole('heading', { name: /^Bu günün dərsləri: / }).waitFor();
      const link = today
        .getByRole('link', { name: /Riyaziyyat/ })
        .and(today.locator(`a[href="/teaching/lessons/${lessonId}"]`));
      await link.waitFor();
      expect(await link.getAttribute('href')).toBe(`/teaching/lessons/${lessonId}`);
      await page.getByRole('heading', { name: 'Qiymətləndiriləcək işlər' }).waitFor();
      await page.getByRole('heading', { name: 'Davamiyyət qeyd olunmayıb' }).waitFor();
      await openMenu(page);
      await page.getByRole('navigation').getByRole('link', { name: 'Sinif jurnalı' }).waitFor();
      await page.keyboard.press('Escape');
      await expectGoodPage(page, 'day-teacher-az-360');
      await link.click();
      await page.waitForURL(`**/teaching/lessons/${lessonId}`);
      expect(await page.getByLabel('Mövzu').inputValue()).toBe(TOPIC);
    });
  });

  it("shows the parent the child's day and week", async () => {
    await as('parent', async (page) => {
      await page
        .getByRole('heading', { name: /^Bu günün dərsləri: / })
        .first()
        .waitFor();
      await page.getByText(TOPIC).first().waitFor();
      await page.getByRole('heading', { name: 'Bu həftənin davamiyyəti' }).first().waitFor();
      await page.getByRole('heading', { name: 'Bu həftənin qiymətləri' }).first().waitFor();
      await page.getByRole('heading', { name: 'Təhvil veriləcək tapşırıqlar' }).first().waitFor();
      await expectGoodPage(page, 'day-parent-az-360');
    });
  });

  it("shows the director the school's day: attendance, lessons, the ICT record, the distribution, decisions", async () => {
    await as('director', async (page) => {
      const today = page
        .locator('section')
        .filter({ has: page.getByRole('heading', { name: /^Bu gün məktəbdə: / }) });
      await today.first().waitFor();
      await today.first().getByText(`Bu günün dərsləri: ${lessonsToday}`, { exact: true }).waitFor();
      await page.getByRole('heading', { name: /^İKT qeydi, / }).waitFor();
      await page
        .getByText(/^Təqdim etmə tarixi: |^Vaxtı keçib: /)
        .first()
        .waitFor();
      await page.getByRole('heading', { name: 'Kompüter paylanması' }).waitFor();
      await page.getByRole('heading', { name: 'Vaxtı çatan şura qərarları' }).waitFor();
      await expectGoodPage(page, 'day-director-az-360');
    });
  });

  for (const [username, profile] of [
    ['region', /\/area\/review\/\d+$/],
    ['bureau', /\/dashboard\/school\/\d+$/],
  ] as const) {
    it(`${username}: shows what waits, and a badly connected school opens its profile`, async () => {
      await as(username, async (page) => {
        await page.getByRole('heading', { name: /^Yoxlama gözləyən qeydlər/ }).waitFor();
        const bad = page.locator('section[aria-labelledby="area-connectivity"]');
        await bad.getByRole('heading', { name: /^İnterneti zəif olan məktəblər/ }).waitFor();
        const first = bad.getByRole('listitem').first().getByRole('link');
        await first.waitFor();
        const name = (await first.innerText()).trim();
        await expectGoodPage(page, `day-${username}-az-360`);
        await first.click();
        await page.waitForURL(profile);
        await expect.poll(() => heading(page), HEADING).toContain(name);
      });
    });
  }
});
