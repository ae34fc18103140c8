import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { findUserByUsername, grantsOfUser } from '@/modules/identity/identity.store';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { withoutTrainingRecords } from './support/training';
import {
  expectGoodPage,
  goTo,
  HEADING,
  heading,
  launchBrowser,
  openPage,
  PHONE,
  signIn,
  switchLanguage,
} from './support/browser';

interface Named {
  id: number;
  nameAz: string;
  nameRu: string;
  nameEn: string;
}

/** Calls the API with the page's session, for what the test must know but a person would just see. */
function apiGet<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => (await fetch(`/api${p}`)).json() as Promise<T>, path);
}

describe('the school ICT registry, from a school to the national dashboard', () => {
  let server: TestServer;
  let browser: Browser;
  let schoolId: number;
  beforeAll(async () => {
    server = await startServer();
    const db = server.running.database.db;
    const director = await findUserByUsername(db, 'director');
    schoolId = (await grantsOfUser(db, director!.id)).find((g) => g.role === 'director')!.institutionId!;
    // A school that reports its own ICT-trained count (none of its people has a training record).
    await withoutTrainingRecords(db);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a director updates their school on a phone, the region verifies it, the bureau sees it', async () => {
    // The director, on a phone: this year's record, one refusal shown at its field, then a good save.
    const director = await openPage(browser, server.url, PHONE);
    let schoolName: string;
    try {
      const page = director.page;
      await signIn(page, 'director', DEMO_PASSWORD);
      await goTo(page, 'Məktəbimin İKT-si');
      await page.waitForURL('**/school/ict');
      await expect.poll(() => heading(page), HEADING).toBe('Məktəbimin İKT-si');
      schoolName = (await page.locator('main section.card h2').first().innerText()).trim();
      await page.getByLabel('Müəllimlər', { exact: true }).waitFor();
      expect(await page.locator('[data-state]').first().getAttribute('data-state')).toBe('none');
      await expectGoodPage(page, 'registry-director-az-360');

      await page.getByLabel('Müəllimlər', { exact: true }).fill('10');
      await page.getByLabel('Onlardan İKT üzrə hazırlıq keçən').fill('17');
      await page.getByLabel('Elektrik var').selectOption('yes');
      await page.getByRole('button', { name: 'Yadda saxla və göndər' }).click();
      // More trained teachers than teachers is refused (the server's rule, checked on the page): its message
      // sits under the field.
      const trained = page.getByLabel('Onlardan İKT üzrə hazırlıq keçən');
      await page.locator('input[aria-invalid="true"][name="teachersIctTrained"]').waitFor();
      const errorId = await trained.getAttribute('aria-describedby');
      expect(await page.locator(`[id="${errorId}"]`).innerText()).not.toBe('');

      await page.getByLabel('Müəllimlər', { exact: true }).fill('40');
      // Whatever last year's record left empty is filled in: a record goes for review complete.
      const classrooms = page.getByLabel('Sinif otaqları');
      if ((await classrooms.inputValue()) === '') await classrooms.fill('20');
      const lab = page.getByLabel('Kompüter sinfi');
      if ((await lab.inputValue()) === '') await lab.selectOption('yes');
      const source = page.getByLabel('Əsas mənbə');
      if ((await source.inputValue()) === '') await source.selectOption('grid');
      const hours = page.getByLabel('Gündə saat');
      if ((await hours.inputValue()) === '') await hours.fill('24');
      const cells = page.locator('table.grid input');
      const counts = await cells.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
      if (counts.every((v) => v === '')) await cells.first().fill('300');
      await page.getByRole('button', { name: 'İnternet xətti əlavə et' }).click();
      await page.getByLabel('Provayder').fill('AzEduNet');
      // SDG 4.a.1 (b) counts internet that pupils themselves use: the form asks, with help beside it.
      const pupils = page.getByLabel('Şagirdlər internetdən təlim üçün istifadə edə bilir');
      expect(await pupils.getAttribute('aria-describedby')).toBeTruthy();
      await pupils.selectOption('yes');
      // The school's facts Giga asks for: pupils by sex and drinking water, in their own fieldset.
      const facts = page.getByRole('group', { name: 'Məktəb haqqında: şagirdlər, işçilər, su' });
      await facts.getByLabel('Qızlar (bütün şagirdlər)').fill('151');
      await facts.getByLabel('İnzibati işçilər').fill('6');
      await facts.getByLabel('Məktəbdə içməli su').selectOption('yes');
      await page.getByRole('button', { name: 'Yadda saxla və göndər' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'Yadda saxlanıldı və yoxlanış üçün regiona göndərildi.' })
        .waitFor();
      const state = page.locator('main [data-state]').first();
      expect(await state.getAttribute('data-state')).toBe('submitted');
      expect(await state.innerText()).toBe('göndərilib');
      expect(await page.getByLabel('Onlardan İKT üzrə hazırlıq keçən').inputValue()).toBe('17');
      expect(await pupils.inputValue()).toBe('yes');
      expect(await facts.getByLabel('Qızlar (bütün şagirdlər)').inputValue()).toBe('151');

      // The speed test against the platform itself, its result saved and in the weekly history.
      await page.getByRole('button', { name: 'Bağlantımı yoxla' }).click();
      await page.getByText(/^Ölçüldü və saxlanıldı: endirmə/).waitFor({ timeout: 30_000 });
      await page
        .locator('main table')
        .filter({ hasText: 'Endirmə, Mbit/s' })
        .locator('tbody tr')
        .first()
        .waitFor();
      await expectGoodPage(page, 'registry-director-saved-360');
    } finally {
      await director.context.close();
    }

    // The regional officer: the school is in their list as submitted; they open it and verify it.
    const region = await openPage(browser, server.url, PHONE);
    try {
      const page = region.page;
      await signIn(page, 'region', DEMO_PASSWORD);
      await page.getByRole('link', { name: 'Məktəblərin İKT qeydlərini yoxla' }).click();
      await page.waitForURL('**/area/review');
      await expect.poll(() => heading(page), HEADING).toBe('Reyestrin yoxlanışı');
      const item = page.locator('ul.review-list li').filter({ hasText: schoolName });
      await item.waitFor();
      expect(await item.locator('[data-state]').innerText()).toBe('göndərilib');
      await expectGoodPage(page, 'registry-review-list-360');
      await item.getByRole('link').click();
      await page.waitForURL(`**/area/review/${schoolId}`);
      await expect.poll(() => heading(page), HEADING).toBe(schoolName);
      expect(await page.locator('dd[data-field="teachersIctTrained"]').innerText()).toBe('17');
      expect(await page.locator('dd[data-field="studentsGirls"]').innerText()).toBe('151');
      expect(await page.locator('dd[data-field="admPersonnel"]').innerText()).toBe('6');
      expect(await page.locator('dd[data-field="water"]').innerText()).toBe('Bəli');
      await expectGoodPage(page, 'registry-review-school-360');
      await page.getByRole('button', { name: 'Təsdiqlə' }).click();
      await page.getByRole('status').filter({ hasText: 'Qeyd təsdiqləndi.' }).waitFor();
      expect(await page.locator('main [data-state]').first().innerText()).toBe('təsdiqlənib');
    } finally {
      await region.context.close();
    }

    // The bureau: the dashboard counts the verified record; region → district → the school's profile.
    const bureau = await openPage(browser, server.url, PHONE);
    try {
      const page = bureau.page;
      await signIn(page, 'bureau', DEMO_PASSWORD);
      await goTo(page, 'İKT paneli');
      await page.waitForURL('**/dashboard');
      await expect.poll(() => heading(page), HEADING).toBe('İKT paneli');
      await page.getByText(/^1 məktəbdən|məktəbdən 1-nin bu ilki qeydi təsdiqlənib\.$/).waitFor();
      await page.locator('figure.map svg path.land').waitFor();
      await expectGoodPage(page, 'registry-dashboard-az-360');

      // The map draws from the compact answer; a tap on the school's dot fetches and shows that school.
      const dot = page.locator(`figure.map circle[data-id="${schoolId}"]`);
      await page.locator('figure.map svg').scrollIntoViewIfNeeded();
      const box = (await dot.boundingBox())!;
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      const picked = page.locator(`.picked[data-school="${schoolId}"]`);
      await picked.getByRole('link', { name: schoolName, exact: true }).waitFor();
      await page.locator(`figure.map circle[data-selected="${schoolId}"]`).waitFor();
      expect(await picked.locator('[data-state]').first().innerText()).toBe('təsdiqlənib');
      await expectGoodPage(page, 'registry-dashboard-map-az-360');
      for (const [code, hint, state] of [
        ['ru', 'Нажмите на точку, чтобы увидеть школу.', 'подтверждена'],
        ['en', 'Tap a dot to see its school.', 'verified'],
      ] as const) {
        await switchLanguage(page, code);
        await page.getByText(hint, { exact: true }).waitFor();
        await picked.locator('[data-state]').filter({ hasText: state }).waitFor();
        await expectGoodPage(page, `registry-dashboard-map-${code}-360`);
      }
      await switchLanguage(page, 'az');
      await picked.getByRole('button', { name: 'Bağla' }).click();
      await picked.waitFor({ state: 'detached' });

      const areas = await apiGet<(Named & { path: number[]; kind: string })[]>(page, '/areas');
      const school = await apiGet<{ areaId: number }>(page, `/institutions/${schoolId}`);
      const district = areas.find((a) => a.id === school.areaId)!;
      const chain = [...district.path.filter((id) => id !== district.id), district.id]
        .map((id) => areas.find((a) => a.id === id)!)
        .filter((a) => a.kind !== 'country');
      for (const area of chain) {
        await page.getByRole('link', { name: area.nameAz, exact: true }).first().click();
        await page.waitForURL(`**/dashboard/area/${area.id}`);
        await expect.poll(() => heading(page), HEADING).toBe(area.nameAz);
      }
      // The district's schools come a page at a time; a search finds the school by its name.
      const list = page.locator('section[aria-labelledby="dash-schools"]');
      await list.getByText(/^Göstərilir: /).waitFor();
      await list.getByLabel('Ad və ya kod üzrə axtarış').fill(schoolName);
      await list.getByRole('button', { name: 'Axtar' }).click();
      await expect
        .poll(async () =>
          (await list.locator('li a.what').allInnerTexts()).every((n) => n.includes(schoolName)),
        )
        .toBe(true);
      await list.getByRole('link', { name: schoolName, exact: true }).waitFor();
      await expectGoodPage(page, 'registry-dashboard-district-360');
      await list.getByRole('link', { name: schoolName, exact: true }).click();
      await page.waitForURL(`**/dashboard/school/${schoolId}`);
      await expect.poll(() => heading(page), HEADING).toBe(schoolName);
      expect(await page.locator('dd[data-field="teachersIctTrained"]').innerText()).toBe('17');
      expect(await page.locator('main [data-state]').first().innerText()).toBe('təsdiqlənib');
      // The school's facts of the year and Giga's facts of the school are on the profile too.
      expect(await page.locator('dd[data-field="studentsGirls"]').innerText()).toBe('151');
      await page.getByRole('heading', { name: 'Giga üçün məktəb məlumatları' }).waitFor();
      await page.locator('dd[data-field="establishedYear"]').waitFor();
      await expectGoodPage(page, 'registry-profile-az-360');

      // The same profile in Russian and English.
      await switchLanguage(page, 'ru');
      await page.getByRole('heading', { name: 'Инфраструктура и проекты' }).waitFor();
      expect(await page.locator('main [data-state]').first().innerText()).toBe('подтверждена');
      await expectGoodPage(page, 'registry-profile-ru-360');
      await switchLanguage(page, 'en');
      await page.getByRole('heading', { name: 'Infrastructure and projects' }).waitFor();
      expect(await page.locator('main [data-state]').first().innerText()).toBe('verified');
      expect(await page.locator('dd[data-field="teachersIctTrained"]').innerText()).toBe('17');
      await switchLanguage(page, 'az');

      // The bureau corrects the record with the director's form; the profile shows it, submitted again.
      await page.getByRole('link', { name: 'Bu ilin qeydini redaktə et' }).click();
      await page.waitForURL(`**/dashboard/school/${schoolId}/edit`);
      await expect.poll(() => heading(page), HEADING).toBe('Məktəbin İKT qeydinin redaktəsi');
      await page.getByLabel('Müəllimlər', { exact: true }).fill('42');
      await page.getByRole('button', { name: 'Yadda saxla və göndər' }).click();
      await page.getByRole('status').filter({ hasText: 'Yadda saxlanıldı' }).waitFor();
      await expectGoodPage(page, 'registry-bureau-edit-360');
      await page.getByRole('link', { name: 'Məktəbin profilinə qayıt' }).click();
      await page.waitForURL(`**/dashboard/school/${schoolId}`);
      await page.locator('dd[data-field="teachers"]').filter({ hasText: '42' }).waitFor();
    } finally {
      await bureau.context.close();
    }
  }, 120_000);
});
