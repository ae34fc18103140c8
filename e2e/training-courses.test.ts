import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { apiLogin } from './support/api';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { expectGoodPage, goTo, HEADING, heading, launchBrowser, onPhoneAs } from './support/browser';

/** The demo's open programme: its session in the demo district started at the seed's day. */
const PROGRAMME = 'Rəqəmsal dərs: onlayn təlim alətləri';
const TEACHER = 'Leyla Həsənova';

/**
 * A training course from enrolment to completion, on a phone, in Azerbaijani: the demo teacher enrols in the
 * open programme's session of her district; the district's officer (`region`) approves and records her
 * attendance; she takes the final assessment, passes, and sees the programme completed.
 */
describe('a training course, enrolment to completion', () => {
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

  const courses = async (page: Page) => {
    await goTo(page, 'Təlim kursları');
    await expect.poll(() => heading(page), HEADING).toBe('Təlim kursları');
  };

  it('the teacher enrols, the district approves and records attendance, the teacher passes', async () => {
    await onPhoneAs(browser, server.url, 'teacher', DEMO_PASSWORD, async (page) => {
      await courses(page);
      await page.getByText('Siz hələ heç bir kursa yazılmamısınız.').waitFor();
      await expectGoodPage(page, 'training-courses-teacher-az-360');
      await page.getByRole('link', { name: PROGRAMME }).first().click();
      await expect.poll(() => heading(page), HEADING).toBe(PROGRAMME);
      await expectGoodPage(page, 'training-programme-az-360');
      await page.getByRole('button', { name: 'Bu sessiyaya yazılın' }).first().click();
      await page.getByRole('status').filter({ hasText: 'Müraciətiniz rayona göndərildi.' }).waitFor();
      await page.getByText('Müraciətiniz rayonun qərarını gözləyir.').waitFor();
    });

    await onPhoneAs(browser, server.url, 'region', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Təlimə müraciətlər');
      await expect.poll(() => heading(page), HEADING).toBe('Həll gözləyən müraciətlər');
      const approve = page.getByRole('button', { name: `${TEACHER} — təsdiqləyin` });
      await approve.waitFor();
      await expectGoodPage(page, 'training-approvals-az-360');
      await approve.click();
      await approve.waitFor({ state: 'detached' });

      await courses(page);
      const sessions = page.locator('section[aria-labelledby="training-sessions"]');
      await sessions.getByRole('link', { name: PROGRAMME }).click();
      await expect.poll(() => heading(page), HEADING).toBe(PROGRAMME);
      const box = page.getByRole('checkbox', { name: TEACHER });
      await box.check();
      await expectGoodPage(page, 'training-attendance-az-360');
      await page.getByRole('button', { name: 'İştirakı saxlayın' }).click();
      await page.getByRole('status').filter({ hasText: 'Saxlanıldı.' }).waitFor();
    });

    await onPhoneAs(browser, server.url, 'teacher', DEMO_PASSWORD, async (page) => {
      await courses(page);
      await page.getByRole('link', { name: 'Yekun qiymətləndirmədən keçin' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('Yekun qiymətləndirmə');
      await page.getByRole('button', { name: 'Başlayın' }).click();
      await expect.poll(() => heading(page), HEADING).toBe(PROGRAMME);
      const right = [
        ['Platformada sinfin səhifəsində'],
        ['CC BY', 'CC BY-SA'],
        ['Doğru'],
        ['Konkret şərh və növbəti addım'],
      ];
      for (const [i, answers] of right.entries()) {
        await page.getByText(`4 sualdan ${i + 1}-ci`).waitFor();
        if (i === 0) await expectGoodPage(page, 'training-assessment-az-360');
        for (const text of answers) {
          const choice = page.getByLabel(text, { exact: true });
          await choice.click();
          await expect.poll(() => choice.isChecked()).toBe(true);
          await expect.poll(() => choice.isEnabled()).toBe(true);
        }
        if (i < right.length - 1) await page.getByRole('button', { name: 'Növbəti' }).click();
      }
      await page.getByRole('button', { name: 'Təqdim edin' }).click();
      await page.getByRole('status').filter({ hasText: '100% ilə keçdiniz' }).waitFor();
      await expectGoodPage(page, 'training-result-az-360');

      await courses(page);
      const mine = page.locator('section[aria-labelledby="training-mine"]');
      await mine.getByText('bitirib').waitFor();
      await mine.getByText('nəticə 100%').waitFor();
    });
  });

  it('the bureau creates a programme, sees a problem beside its field, and a conflict on a stale save', async () => {
    await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (page) => {
      await courses(page);
      await page.getByText('Yeni proqram', { exact: true }).click();
      const form = page.locator('details', { hasText: 'Yeni proqram' }).locator('form');
      await form.getByLabel('Ad', { exact: true }).fill('Kompüter qrafikası');
      await form.getByLabel('Səriştə çərçivəsi').selectOption({ index: 1 });
      await form.getByLabel('Saat', { exact: true }).fill('0');
      await form.getByRole('button', { name: 'Proqramı yaradın' }).click();
      const hoursError = form
        .locator('.field', { has: page.getByLabel('Saat', { exact: true }) })
        .locator('.field-error');
      await hoursError.waitFor();
      expect(await form.getByLabel('Saat', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      await expectGoodPage(page, 'training-programme-form-error-az-360');
      await form.getByLabel('Saat', { exact: true }).fill('18');
      await form.getByRole('button', { name: 'Proqramı yaradın' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('Kompüter qrafikası');

      // Someone else saves the programme after this page read it: the save here says so.
      const id = Number(new URL(page.url()).pathname.split('/').pop());
      const elsewhere = await apiLogin(server.url, 'bureau');
      const read = (
        await elsewhere.get<Record<string, unknown> & { seats: { areaId: number; seats: number }[] }>(
          `/training/programmes/${id}`,
        )
      ).body;
      const saved = await elsewhere.call('PUT', `/training/programmes/${id}`, {
        version: read.version,
        planId: read.planId,
        title: 'Kompüter qrafikası (yeni)',
        description: read.description,
        mode: read.mode,
        frameworkId: read.frameworkId,
        areaIds: read.areaIds,
        forBelowLevel: read.forBelowLevel,
        targetGroup: read.targetGroup,
        hours: read.hours,
        passMark: read.passMark,
        validMonths: read.validMonths,
        budget: read.budget,
        seats: [],
        status: 'draft',
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      await page.getByText('Proqramı dəyişin', { exact: true }).click();
      const edit = page.locator('details', { hasText: 'Proqramı dəyişin' }).locator('form');
      await edit.getByLabel('Hədəf qrup').fill('İnformatika müəllimləri');
      await edit.getByRole('button', { name: 'Saxlayın', exact: true }).click();
      await edit.getByText('Siz açandan sonra bunu başqası dəyişib', { exact: false }).waitFor();
      await expectGoodPage(page, 'training-programme-conflict-az-360');
    });
  });

  it('the director sees the school’s enrolments and nominates a teacher', async () => {
    await onPhoneAs(browser, server.url, 'director', DEMO_PASSWORD, async (page) => {
      await courses(page);
      const school = page.locator('section[aria-labelledby="training-school"]');
      await school.getByText(TEACHER).first().waitFor();
      await expectGoodPage(page, 'training-courses-director-az-360');
      await page.getByRole('link', { name: PROGRAMME }).first().click();
      await expect.poll(() => heading(page), HEADING).toBe(PROGRAMME);
      const section = page.locator('section[aria-labelledby="programme-nominate"]');
      const nominated = section.getByText('irəli sürülüb', { exact: true });
      await section.getByRole('button').first().waitFor();
      const before = await nominated.count();
      await section.getByRole('button').first().click();
      await expect.poll(() => nominated.count()).toBe(before + 1);
      await expectGoodPage(page, 'training-nominate-az-360');
    });
  });
});
