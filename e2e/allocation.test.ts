import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { findUserByUsername, grantsOfUser } from '@/modules/identity/identity.store';
import {
  countryPack,
  findInstitution,
  listAcademicYears,
  listInstitutions,
} from '@/modules/institutions/institutions.store';
import { getSchoolYear, saveSchoolYear } from '@/modules/infrastructure/infrastructure.service';
import { apply } from '@/modules/allocation/allocation.service';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
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

/** The district's learners per computer in the largest shift, as the bureau's ICT dashboard shows it (English). */
async function dashboardRatio(page: Page, areaId: number): Promise<number> {
  await page.goto(`/dashboard/area/${areaId}`);
  const figure = page.locator('[data-indicator="learnersPerComputerShift"] dd');
  await figure.waitFor();
  await page.waitForFunction(
    () => document.querySelector('[data-indicator="learnersPerComputerShift"] dd')?.textContent !== '—',
  );
  return Number((await figure.innerText()).replace(/,/g, ''));
}

/** A number as the page shows it in Azerbaijani ("1.234,5"). */
const azNumber = (text: string) => Number(text.trim().replace(/\./g, '').replace(',', '.'));

describe('the yearly computer distribution, from the plan to a delivered computer', () => {
  let server: TestServer;
  let browser: Browser;
  let schoolId: number;
  let otherSchool: { id: number; nameEn: string };
  let districtId: number;
  beforeAll(async () => {
    server = await startServer();
    const db = server.running.database.db;
    const director = await findUserByUsername(db, 'director');
    schoolId = (await grantsOfUser(db, director!.id)).find((g) => g.role === 'director')!.institutionId!;
    const schools = await listInstitutions(db, { kind: 'general_school', limit: 10, offset: 0 });
    otherSchool = schools.items.find((s) => s.id !== schoolId)!;
    // The school has saved this year's record, with its students by shift, so the dashboard counts it.
    const school = (await findInstitution(db, schoolId))!;
    districtId = school.areaId;
    const year = (await listAcademicYears(db)).find((y) => y.isCurrent)!;
    const level = (await countryPack(db)).levels[0]!.code;
    const half = Math.floor(school.studentCount / 2);
    const draft = await getSchoolYear(db, schoolId, year.id, 'az');
    await saveSchoolYear(
      db,
      { actorId: null, ip: null },
      schoolId,
      year.id,
      {
        version: draft.version,
        teachers: 30,
        teachersIctTrained: 12,
        classrooms: 20,
        hasComputerLab: true,
        electricity: true,
        electricitySource: 'grid',
        electricityHours: 24,
        students: [
          { level, sex: 'female', shift: 1, students: school.studentCount - half },
          { level, sex: 'male', shift: 2, students: half },
        ],
        links: draft.links,
        deviceCounts: draft.countedDevices,
        participations: [],
      },
      'az',
    );
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a director applies, the ministry examines, simulates and approves, the school confirms the delivery', async () => {
    const bureau = await openPage(browser, server.url, PHONE);
    const director = await openPage(browser, server.url, PHONE);
    try {
      // The bureau drafts and publishes a plan.
      const b = bureau.page;
      await signIn(b, 'bureau', DEMO_PASSWORD);
      await switchLanguage(b, 'en');
      const dashboardBefore = await dashboardRatio(b, districtId);
      await goTo(b, 'Computer distribution');
      await b.waitForURL('**/allocation');
      await expect.poll(() => heading(b), HEADING).toBe('Computer distribution');
      await expectGoodPage(b, 'allocation-plans-en-360');
      await b.getByLabel('Name').fill('Computerisation 2026');
      await b.getByLabel('Norm: learners per computer').fill('3');
      await b.getByLabel('Gap to the norm').fill('50');
      await b.getByLabel('Price of one unit, manat: Desktops').fill('500');
      await b.getByLabel('Price of one unit, manat: Laptops').fill('700');
      await b.getByLabel('Budget, manat').fill('100000');
      await b.getByRole('button', { name: 'Add a regional minimum' }).click();
      const minimum = b.locator('[data-minimum="0"]');
      await minimum.getByLabel('Economic region').selectOption({ index: 1 });
      const region = await minimum.getByLabel('Economic region').locator('option:checked').innerText();
      await minimum.getByLabel('At least, units').fill('2');
      await b.getByRole('button', { name: 'Create the draft' }).click();
      await b.waitForURL(/\/allocation\/\d+$/);
      const planId = Number(new URL(b.url()).pathname.split('/').pop());
      await expect.poll(() => heading(b), HEADING).toBe('Computerisation 2026');
      // The rules as set: the budget, the region's minimum, the weights (as shares of their sum).
      await b.getByText(`${region}: Desktops ≥ 2`).waitFor();
      expect(await b.getByText('100,000', { exact: true }).count()).toBeGreaterThan(0);
      await b.getByRole('button', { name: 'Publish' }).click();
      await b.getByRole('status').filter({ hasText: 'The plan is published.' }).waitFor();

      // Another school applies too (through the service, as its director would).
      await apply(
        server.running.database.db,
        { actorId: null, ip: null },
        planId,
        otherSchool.id,
        { version: 0, requested: { desktop: 8 }, justification: 'Kompüter sinfi yoxdur' },
        'az',
      );

      // The director reads the rules and the school's state, and applies.
      const d = director.page;
      await signIn(d, 'director', DEMO_PASSWORD);
      await goTo(d, 'Kompüter paylanması');
      await d.waitForURL('**/school/allocation');
      await expect.poll(() => heading(d), HEADING).toBe('Kompüterlərin paylanması');
      const ratioBefore = azNumber(await d.locator('dd[data-field="ratio"]').innerText());
      await expectGoodPage(d, 'allocation-director-az-360');
      await d.getByLabel('Stolüstü kompüterlər').fill('10');
      await d.getByLabel('Məktəbə niyə lazımdır').fill('İki növbə, köhnə kompüterlər');
      await d.getByRole('button', { name: 'Müraciəti göndər' }).click();
      await d.getByRole('status').filter({ hasText: 'Müraciət göndərildi.' }).waitFor();
      await d.locator('#alloc-application').waitFor();
      expect(await d.locator('section[aria-labelledby="alloc-application"] [data-state]').innerText()).toBe(
        'göndərilib',
      );

      // The ministry registers both applications, finds the director's eligible and rejects the other.
      await b.reload();
      const items = b.locator('ul.applications > li');
      await items.first().waitFor();
      expect(await items.count()).toBe(2);
      for (let i = 0; i < 2; i++) {
        await b.locator('ul.applications > li').getByRole('button', { name: 'Register' }).first().click();
        await b.locator('ul.applications [data-state="registered"]').nth(i).waitFor();
      }
      const mine = b.locator('ul.applications > li').filter({ hasNotText: otherSchool.nameEn });
      const theirs = b.locator('ul.applications > li').filter({ hasText: otherSchool.nameEn });
      await mine.getByRole('button', { name: 'Examine' }).click();
      for (const gate of [
        'Complete',
        'Electricity available',
        'A secure room',
        "Last year's devices audited",
      ]) {
        await mine.getByLabel(gate).check();
      }
      await mine.getByRole('button', { name: 'Record the decision' }).click();
      await mine.locator('[data-state="eligible"]').waitFor();
      await theirs.getByRole('button', { name: 'Examine' }).click();
      await theirs.getByLabel('Complete').check();
      await theirs.getByLabel('Electricity available').uncheck();
      await theirs.getByLabel('A secure room').uncheck();
      await theirs.getByLabel('Note').fill('No electricity in the building');
      await theirs.getByRole('button', { name: 'Record the decision' }).click();
      await theirs.locator('[data-state="ineligible"]').waitFor();
      expect(await theirs.innerText()).toContain('The school has no electricity.');
      await expectGoodPage(b, 'allocation-plan-examined-en-360');

      // A simulation with other weights and fewer desktops, beside the plan as it stands.
      for (const [label, value] of [
        ['Gap to the norm', '0'],
        ['Students in later shifts', '0'],
        ['Connection readiness', '0'],
        ['Digital projects', '0'],
        ['Equity', '100'],
      ] as const) {
        await b.getByLabel(label).fill(value);
      }
      await b.locator('section[aria-labelledby="alloc-simulation"]').getByLabel('Desktops').fill('4');
      await b.getByRole('button', { name: 'Simulate' }).click();
      const comparison = b.locator('table.comparison');
      await comparison.waitFor();
      const after = comparison
        .locator('tr')
        .filter({ hasText: /^Learners per computer after/ })
        .first();
      const [current, variant] = await after.locator('td').allInnerTexts();
      expect(current).not.toBe(variant);
      await expectGoodPage(b, 'allocation-simulation-en-360');

      // The bureau approves; the list is published, and a batch goes to the school.
      await b.getByRole('button', { name: 'Approve the plan' }).click();
      await b
        .getByRole('status')
        .filter({ hasText: 'The plan is approved; the list is locked and published.' })
        .waitFor();
      await b.getByRole('link', { name: 'Download PDF' }).waitFor();
      const csv = await b.evaluate(
        async (id) => (await fetch(`/api/allocation/plans/${id}/list?format=csv`)).text(),
        planId,
      );
      expect(csv.split('\r\n').filter(Boolean)).toHaveLength(2);
      await b.getByRole('button', { name: 'Send', exact: true }).click();
      await b.getByRole('status').filter({ hasText: 'The batch was sent.' }).waitFor();
      await expectGoodPage(b, 'allocation-approved-en-360');

      // The director sees the locked score and the cut-off, and confirms the delivery with serial numbers.
      await d.reload();
      await d.locator('dd[data-field="score"]').waitFor();
      expect(await d.locator('dd[data-field="cutOff"]').innerText()).not.toBe('—');
      const received = d.getByLabel('Alınıb');
      const units = Number(await received.inputValue());
      expect(units).toBe(10);
      await d
        .getByLabel('Seriya nömrələri (hər sətirdə bir)')
        .fill(Array.from({ length: units }, (_, i) => `SN-2026-${i + 1}`).join('\n'));
      await d.getByRole('button', { name: 'Alındığını təsdiqlə' }).click();
      await d.locator('section[aria-labelledby="alloc-deliveries"] [data-state="confirmed"]').waitFor();
      await d.waitForFunction((before) => {
        const text = document.querySelector('dd[data-field="ratio"]')?.textContent ?? '';
        const n = Number(text.trim().replace(/\./g, '').replace(',', '.'));
        return n < before;
      }, ratioBefore);
      await expectGoodPage(d, 'allocation-director-delivered-az-360');
      // The district's learners per computer on the bureau's ICT dashboard improves.
      expect(await dashboardRatio(b, districtId)).toBeLessThan(dashboardBefore);
      // The devices are in the school's registry inventory, the plan their funding programme.
      await goTo(d, 'Məktəbimin İKT-si');
      await d.waitForURL('**/school/ict');
      await d.getByText(`AP${planId}-B`, { exact: false }).first().waitFor();
      expect(await d.getByText(new RegExp(`^AP${planId}-B\\d+-desktop-`)).count()).toBe(units);
    } finally {
      await bureau.context.close();
      await director.context.close();
    }
  });
});
