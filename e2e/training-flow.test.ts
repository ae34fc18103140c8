import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { apiLogin } from './support/api';
import { DEMO_PASSWORD } from './support/demo-accounts';
import {
  expectGoodPage,
  goTo,
  HEADING,
  heading,
  launchBrowser,
  onPhoneAs,
  openPage,
  PHONE,
} from './support/browser';

/** The demo's open programme (digital resources, teaching and learning; for teachers below B1). */
const PROGRAMME = 'Rəqəmsal dərs: onlayn təlim alətləri';
const TEACHER = 'Leyla Həsənova';

/**
 * A teacher's training from the first question to a certificate anyone can check, on a 360-px phone, in
 * Azerbaijani, through the pages alone: the demo teacher assesses herself, sees her levels and the programme
 * suggested for them, and enrols; the district approves; the session is held and her attendance recorded; she
 * passes the final assessment and downloads her certificate; the public page verifies it, reports it revoked
 * once the bureau revokes it, and a credential with a changed name fails.
 */
describe('a teacher’s training, self-assessment to a verified certificate', () => {
  let server: TestServer;
  let browser: Browser;
  let certificateId: string;
  let credential: { credentialSubject: { name: string } };
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

  it('the teacher assesses herself, sees the programme suggested for her levels, and enrols', async () => {
    await onPhoneAs(browser, server.url, 'teacher', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'İKT səriştəm');
      await expect.poll(() => heading(page), HEADING).toBe('İKT səriştəm');
      await page.getByRole('button', { name: 'Başla' }).click();
      // Every area at its first answer: a newcomer everywhere.
      for (let area = 0; area < 6; area++) {
        const items = page.locator('fieldset.self-item');
        await items.first().waitFor();
        const n = await items.count();
        for (let i = 0; i < n; i++) await items.nth(i).getByRole('radio').first().check();
        await expect.poll(() => page.getByRole('status').filter({ hasText: 'saxlanılıb' }).count()).toBe(1);
        const next = area < 5 ? 'Növbəti sahə' : 'Təqdim et və səviyyələrimi gör';
        await page.getByRole('button', { name: next }).click();
      }
      await page.getByRole('heading', { name: 'Səviyyələrim' }).waitFor();
      const levels = page.locator('.self-levels li');
      await expect.poll(() => levels.count()).toBe(6);
      expect(await levels.nth(1).innerText()).toContain('A1 · Yeni başlayan');
      await page.getByRole('heading', { name: 'Tövsiyə olunan proqramlar' }).waitFor();
      await expectGoodPage(page, 'training-flow-levels');

      await page.getByRole('link', { name: PROGRAMME }).first().click();
      await expect.poll(() => heading(page), HEADING).toBe(PROGRAMME);
      await page.getByRole('button', { name: 'Bu sessiyaya yazılın' }).first().click();
      await page.getByRole('status').filter({ hasText: 'Müraciətiniz rayona göndərildi.' }).waitFor();
    });
  });

  it('the district approves, holds the session and records her attendance', async () => {
    await onPhoneAs(browser, server.url, 'region', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Təlimə müraciətlər');
      await expect.poll(() => heading(page), HEADING).toBe('Həll gözləyən müraciətlər');
      const approve = page.getByRole('button', { name: `${TEACHER} — təsdiqləyin` });
      await approve.click();
      await approve.waitFor({ state: 'detached' });

      await courses(page);
      const sessions = page.locator('section[aria-labelledby="training-sessions"]');
      await sessions.getByRole('link', { name: PROGRAMME }).click();
      await expect.poll(() => heading(page), HEADING).toBe(PROGRAMME);
      await page.getByRole('checkbox', { name: TEACHER }).check();
      await page.getByRole('button', { name: 'İştirakı saxlayın' }).click();
      await page.getByRole('status').filter({ hasText: 'Saxlanıldı.' }).waitFor();
    });
  });

  it('she passes the final assessment and downloads her certificate', async () => {
    await onPhoneAs(browser, server.url, 'teacher', DEMO_PASSWORD, async (page) => {
      await courses(page);
      await page.getByRole('link', { name: 'Yekun qiymətləndirmədən keçin' }).click();
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

      // The certificate was issued with the completion.
      await goTo(page, 'Sertifikatlarım');
      await expect.poll(() => heading(page), HEADING).toBe('Sertifikatlarım');
      await page.getByText(PROGRAMME).first().waitFor();
      await expectGoodPage(page, 'training-flow-certificate');
      const pdf = page.getByRole('link', { name: 'PDF yüklə' }).first();
      const href = (await pdf.getAttribute('href'))!;
      certificateId = /certificates\/([0-9a-f-]{36})\/pdf$/.exec(href)![1]!;
      const [download] = await Promise.all([page.waitForEvent('download'), pdf.click()]);
      const file = await download.path();
      const { readFile } = await import('node:fs/promises');
      expect((await readFile(file)).subarray(0, 5).toString('latin1')).toBe('%PDF-');

      const json = await page.request.get(`/api/training/certificates/${certificateId}/credential`);
      expect(json.status()).toBe(200);
      credential = (await json.json()) as typeof credential;
      expect(credential.credentialSubject.name).toBe(TEACHER);
    });
  });

  it('the public page verifies it, reports it revoked after the bureau revokes it, and refuses a forgery', async () => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto(`/verify/${certificateId}`);
      await expect.poll(() => heading(page), HEADING).toBe('Sertifikatın yoxlanılması');
      const verdict = page.locator('[data-status]');
      await expect.poll(() => verdict.getAttribute('data-status')).toBe('valid');
      await page.getByText(PROGRAMME).first().waitFor();
      await expectGoodPage(page, 'training-flow-verify-valid');

      await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (bureauPage) => {
        await goTo(bureauPage, 'Təlim sertifikatları');
        await expect.poll(() => heading(bureauPage), HEADING).toBe('Təlim sertifikatları');
        const item = bureauPage
          .locator('section[aria-labelledby="certs-list"] li', { hasText: PROGRAMME })
          .filter({ hasText: TEACHER });
        await item.first().getByRole('button', { name: 'Ləğv et', exact: true }).click();
        await item.first().getByLabel('Ləğv etmə səbəbi').fill('Sənəd səhv verilib');
        await item.first().getByRole('button', { name: 'Sertifikatı ləğv et' }).click();
        await bureauPage.getByText('Ləğv edilmə səbəbi: Sənəd səhv verilib').first().waitFor();
      });

      await page.reload();
      await expect.poll(() => verdict.getAttribute('data-status')).toBe('revoked');
      await expectGoodPage(page, 'training-flow-verify-revoked');

      const forged = structuredClone(credential);
      forged.credentialSubject.name = 'Başqa Adam';
      await page.goto('/verify');
      await page.getByLabel('Və ya mətni yapışdırın').fill(JSON.stringify(forged));
      await page.getByRole('button', { name: 'Yoxla' }).click();
      await expect.poll(() => page.locator('[data-status]').getAttribute('data-status')).toBe('tampered');
    } finally {
      await context.close();
    }
  });

  it('the API agrees: the certificate is the teacher’s, revoked', async () => {
    const bureau = await apiLogin(server.url, 'bureau');
    const list = await bureau.get<{ items: { id: string; revokedAt: string | null }[] }>(
      '/training/certificates',
    );
    expect(list.body.items.find((c) => c.id === certificateId)?.revokedAt).not.toBeNull();
  });
});
