import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
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
import { completedEnrolments, finishedProgramme } from '@test/certificates-world';

/**
 * A training certificate on a 360-px phone: the teacher finds it under "My certificates"; anyone, signed out,
 * checks it by its number (its QR code's page) and sees it valid, then revoked once the bureau revoked it; a
 * credential whose holder's name was changed fails on the paste page.
 */
describe('training certificates', () => {
  let server: TestServer;
  let browser: Browser;
  let bureau: Awaited<ReturnType<typeof apiLogin>>;
  let teacher: Awaited<ReturnType<typeof apiLogin>>;
  let certificateId: string;
  let title: string;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    bureau = await apiLogin(server.url, 'bureau');
    teacher = await apiLogin(server.url, 'teacher');
    // The programmes' own pages make these; here the rows are written, and the certificate issued by the API.
    const db = server.running.database.db;
    const school = teacher.me.roles.find((r) => r.role === 'teacher')!.institutionId!;
    const programmeId = await finishedProgramme(db, bureau.me.user.id, {
      title: 'Rəqəmsal dərs: İKT əsasları',
    });
    title = 'Rəqəmsal dərs: İKT əsasları';
    await completedEnrolments(db, programmeId, [{ userId: teacher.me.user.id, institutionId: school }]);
    const issued = await bureau.call<{ issued: number }>(
      'POST',
      `/training/programmes/${programmeId}/certificates`,
    );
    expect(issued.body).toEqual({ issued: 1 });
    const mine = await teacher.get<{ items: { id: string }[] }>('/training/certificates/mine');
    certificateId = mine.body.items[0]!.id;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the teacher finds the certificate and its downloads under My certificates', async () => {
    await onPhoneAs(browser, server.url, 'teacher', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Sertifikatlarım');
      await expect.poll(() => heading(page), HEADING).toBe('Sertifikatlarım');
      await page.getByText(title).first().waitFor();
      const pdf = page.getByRole('link', { name: 'PDF yüklə' });
      expect(await pdf.getAttribute('href')).toBe(`/api/training/certificates/${certificateId}/pdf`);
      await expectGoodPage(page, 'training-certificates-mine-az-360');
    });
  });

  it('anyone checks it by its number: valid, then revoked after the bureau revokes it on its page', async () => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto(`/verify/${certificateId}`);
      await expect.poll(() => heading(page), HEADING).toBe('Sertifikatın yoxlanılması');
      const verdict = page.locator('[data-status]');
      await expect.poll(() => verdict.getAttribute('data-status')).toBe('valid');
      expect(await page.getByRole('status').textContent()).toBe('Etibarlıdır');
      await page.getByText(title).first().waitFor();
      await expectGoodPage(page, 'training-verify-valid-az-360');

      // The bureau finds it on its page and revokes it, with a reason.
      await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (bureauPage) => {
        await goTo(bureauPage, 'Təlim sertifikatları');
        await expect.poll(() => heading(bureauPage), HEADING).toBe('Təlim sertifikatları');
        const item = bureauPage.locator('section[aria-labelledby="certs-list"] li', { hasText: title });
        await item.first().waitFor();
        await expectGoodPage(bureauPage, 'training-certificates-manage-az-360');
        await item.first().getByRole('button', { name: 'Ləğv et', exact: true }).click();
        await item.first().getByLabel('Ləğv etmə səbəbi').fill('Sənəd səhv verilib');
        await item.first().getByRole('button', { name: 'Sertifikatı ləğv et' }).click();
        await bureauPage.getByText('Ləğv edilmə səbəbi: Sənəd səhv verilib').first().waitFor();
      });
      const read = await bureau.get<{ items: { id: string; revokedAt: string | null }[] }>(
        '/training/certificates',
      );
      expect(read.body.items.find((c) => c.id === certificateId)?.revokedAt).not.toBeNull();

      await page.reload();
      await expect.poll(() => verdict.getAttribute('data-status')).toBe('revoked');
      expect(await page.getByRole('status').textContent()).toBe('Ləğv edilib');
      // The reason is for those who manage it, not for the public.
      expect(await page.getByText('Sənəd səhv verilib').count()).toBe(0);
      await expectGoodPage(page, 'training-verify-revoked-az-360');
    } finally {
      await context.close();
    }
  });

  it('a pasted credential whose name was changed fails', async () => {
    const credential = await teacher.get<{ credentialSubject: { name: string } }>(
      `/training/certificates/${certificateId}/credential`,
    );
    expect(credential.status).toBe(200);
    const forged = structuredClone(credential.body);
    forged.credentialSubject.name = 'Başqa Adam';
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto('/verify');
      await expect.poll(() => heading(page), HEADING).toBe('Sertifikatın yoxlanılması');
      await page.getByLabel('Və ya mətni yapışdırın').fill(JSON.stringify(forged));
      await page.getByRole('button', { name: 'Yoxla' }).click();
      const verdict = page.locator('[data-status]');
      await expect.poll(() => verdict.getAttribute('data-status')).toBe('tampered');
      expect(await page.getByRole('status').textContent()).toBe('Saxtadır və ya dəyişdirilib');
      expect(await verdict.getByText('Başqa Adam').count()).toBe(0);
      await expectGoodPage(page, 'training-verify-tampered-az-360');

      // The genuine copy, pasted: the signature holds, and it says revoked.
      await page.getByLabel('Və ya mətni yapışdırın').fill(JSON.stringify(credential.body));
      await page.getByRole('button', { name: 'Yoxla' }).click();
      await expect.poll(() => verdict.getAttribute('data-status')).toBe('revoked');
    } finally {
      await context.close();
    }
  });
});
