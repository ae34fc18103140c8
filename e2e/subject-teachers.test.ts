import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiLogin } from './support/api';
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
 * timetable offers her first for mathematics and asks before making her the teacher of another subject. A
 * save of the class's subject teachers and one of a whole grade's, made over someone else's change, show it.
 */
type Slot = { startsAt: string | null; endsAt: string | null };
type Week = {
  shift: number;
  entries: (Slot & { id: number; weekday: number; period: number; teacherId: number })[];
};

describe('subject teachers', () => {
  let server: TestServer;
  let browser: Browser;
  /** The class the timetable opens on: the school's first. */
  let first: string;
  let firstId: number;
  let schoolId: number;
  /** The director on another device: another writer of the class's subject teachers. */
  let elsewhere: Awaited<ReturnType<typeof apiLogin>>;
  beforeAll(async () => {
    server = await startServer();
    // The demo gives every class a teacher of every subject and a full week. The class the page opens on loses
    // its Azerbaijani-language teacher, so that the timetable has to ask before making her one; its last two
    // Saturday periods are taken off, and so is any period she has then in her own class, so that both go in.
    const director = await apiLogin(server.url, 'director');
    const teacher = await apiLogin(server.url, 'teacher');
    const leyla = teacher.me.user.id;
    elsewhere = director;
    schoolId = director.me.roles.find((g) => g.role === 'director')!.institutionId!;
    const classes = await director.call<{
      items: { id: number; name: string; homeroomTeacherId: number | null }[];
    }>('GET', `/institutions/${schoolId}/classes`);
    expect(classes.status).toBe(200);
    const cls = classes.body.items[0]!;
    first = cls.name;
    firstId = cls.id;
    const unset = await director.call('DELETE', `/classes/${cls.id}/subjects/azerbaijani_language`);
    expect(unset.status, JSON.stringify(unset.body)).toBe(200);
    const weekOf = async (classId: number) => {
      const week = await director.call<Week>('GET', `/classes/${classId}/timetable`);
      expect(week.status).toBe(200);
      return week.body;
    };
    const week = await weekOf(cls.id);
    const bells = await director.call<{
      shifts: { shift: number; periods: (Slot & { period: number })[] }[];
    }>('GET', `/institutions/${schoolId}/bell-schedules`);
    expect(bells.status).toBe(200);
    const lastTwo = bells.body.shifts.find((s) => s.shift === week.shift)!.periods.slice(-2);
    expect(lastTwo).toHaveLength(2);
    const overlaps = (a: Slot) => lastTwo.some((b) => a.startsAt! < b.endsAt! && b.startsAt! < a.endsAt!);
    const remove = async (entries: Week['entries']) => {
      for (const e of entries) {
        expect((await director.call('DELETE', `/timetable/${e.id}`)).status).toBeLessThan(300);
      }
    };
    await remove(week.entries.filter((e) => e.weekday === 6 && lastTwo.some((b) => b.period === e.period)));
    const own = classes.body.items.find((c) => c.homeroomTeacherId === leyla && c.id !== cls.id);
    if (own) {
      const hers = await weekOf(own.id);
      await remove(hers.entries.filter((e) => e.weekday === 6 && e.teacherId === leyla && overlaps(e)));
    }
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
      expect(name).toBe(first);
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
      const saturday = page.getByRole('button', {
        name: new RegExp(`^(şənbə|saturday|sat), (${periods.slice(-2).join('|')})-ci dərsi sil$`, 'i'),
      });
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

      // Someone else gives mathematics to another teacher after the page was read: the page's save of a third
      // one is refused, shows theirs beside mine, and saves mine over theirs only when asked.
      const teachers = await elsewhere.get<{ items: { id: number; displayName: string }[] }>(
        `/institutions/${schoolId}/teachers`,
      );
      const [theirs, mine] = teachers.body.items.filter((p) => p.displayName !== 'Leyla Həsənova');
      const read = await elsewhere.get<{ version: number }>(`/classes/${firstId}/subjects`);
      const other = await elsewhere.call('PUT', `/classes/${firstId}/subjects`, {
        version: read.body.version,
        items: [{ subjectCode: 'mathematics', teacherId: theirs!.id }],
      });
      expect(other.status, JSON.stringify(other.body)).toBe(200);
      await page.getByLabel('Mathematics', { exact: true }).selectOption({ label: mine!.displayName });
      await page.getByRole('button', { name: 'Save the subject teachers' }).click();
      const conflict = page.getByTestId('stale-version');
      await conflict.getByRole('heading', { name: 'Someone else changed this' }).waitFor();
      const difference = conflict.locator('[data-difference="mathematics"]');
      expect(await difference.locator('[data-version="theirs"]').innerText()).toBe(theirs!.displayName);
      expect(await difference.locator('[data-version="mine"]').innerText()).toBe(mine!.displayName);
      await checkPage(page);
      await conflict.getByRole('button', { name: 'Save mine over theirs' }).click();
      await page.getByText('The subject teachers were saved.').waitFor();
      const now = await elsewhere.get<{ items: { subjectCode: string; teacherId: number }[] }>(
        `/classes/${firstId}/subjects`,
      );
      expect(now.body.items.find((i) => i.subjectCode === 'mathematics')?.teacherId).toBe(mine!.id);

      // The same for a whole grade: someone else gives this class's computer science to another teacher after
      // the page was read; the grade's save is refused naming the class, theirs beside mine, until asked.
      const before = await elsewhere.get<{ version: number }>(`/classes/${firstId}/subjects`);
      const single = await elsewhere.call('PUT', `/classes/${firstId}/subjects/informatics`, {
        version: before.body.version,
        teacherId: theirs!.id,
      });
      expect(single.status, JSON.stringify(single.body)).toBe(200);
      const wholeGrade = page.getByRole('form', { name: `For every class of grade ${grade}` });
      await wholeGrade.getByLabel('Subject', { exact: true }).selectOption('informatics');
      await wholeGrade.getByLabel('Teacher', { exact: true }).selectOption({ label: mine!.displayName });
      await wholeGrade.getByRole('button', { name: `Set in every class of grade ${grade}` }).click();
      const gradeConflict = wholeGrade.getByTestId('stale-version');
      await gradeConflict.getByRole('heading', { name: 'Someone else changed this' }).waitFor();
      const changed = gradeConflict.locator(`[data-difference="${firstId}"]`);
      expect(await changed.locator('strong').innerText()).toBe(name);
      expect(await changed.locator('[data-version="theirs"]').innerText()).toBe(theirs!.displayName);
      expect(await changed.locator('[data-version="mine"]').innerText()).toBe(mine!.displayName);
      expect(await gradeConflict.locator('[data-difference]').count()).toBe(1);
      await checkPage(page);
      await gradeConflict.getByRole('button', { name: 'Save mine over theirs' }).click();
      await wholeGrade.getByText(/^Set in \d+ class(es)?\.$/).waitFor();
      const after = await elsewhere.get<{ items: { subjectCode: string; teacherId: number }[] }>(
        `/classes/${firstId}/subjects`,
      );
      expect(after.body.items.find((i) => i.subjectCode === 'informatics')?.teacherId).toBe(mine!.id);
    });
  });
});
