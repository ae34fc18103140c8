import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { findUserByUsername, grantsOfUser } from '@/modules/identity/identity.store';
import { startServer, type TestServer } from './support/server';
import { apiLogin } from './support/api';
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
} from './support/browser';

interface RecordRead {
  version: number;
  teachers: number | null;
  students: { level: string; sex: string; shift: number; students: number }[];
  links: unknown[];
  hasInventory: boolean;
  deviceCounts: unknown[];
  countedDevices: unknown[];
  participations: { projectId: number; evidence: string | null }[];
}

/**
 * Two saves of a school's ICT record from the same read: the director's form on a phone meets the change the
 * director saved meanwhile from another device, shows both versions in Azerbaijani, and lets them load the
 * saved one or save theirs over it, knowingly.
 */
describe('a record changed by someone else while the form was open', () => {
  let server: TestServer;
  let browser: Browser;
  let schoolId: number;
  beforeAll(async () => {
    server = await startServer();
    const db = server.running.database.db;
    const director = await findUserByUsername(db, 'director');
    schoolId = (await grantsOfUser(db, director!.id)).find((g) => g.role === 'director')!.institutionId!;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows someone else’s change beside the director’s own, to reload or to save over', async () => {
    // The director on another device: a complete record, so that the form can send it as it is.
    const elsewhere = await apiLogin(server.url, 'director');
    const years = await elsewhere.get<{ id: number; isCurrent: boolean }[]>('/academic-years');
    const yearId = years.body.find((y) => y.isCurrent)!.id;
    const school = await elsewhere.get<{ levels: string[] }>(`/institutions/${schoolId}`);
    const url = `/institutions/${schoolId}/registry/${yearId}`;
    const saveElsewhere = async (teachers: number) => {
      const r = (await elsewhere.get<RecordRead>(url)).body;
      const saved = await elsewhere.call<RecordRead>('PUT', url, {
        version: r.version,
        teachers,
        teachersIctTrained: 10,
        classrooms: 20,
        hasComputerLab: true,
        electricity: true,
        electricitySource: 'grid',
        electricityHours: 24,
        students: r.students.length
          ? r.students
          : [{ level: school.body.levels[0]!, sex: 'female', shift: 1, students: 300 }],
        links: r.links,
        deviceCounts: r.hasInventory ? r.countedDevices : r.deviceCounts,
        participations: r.participations.map(({ projectId, evidence }) => ({ projectId, evidence })),
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      return saved.body;
    };
    await saveElsewhere(40);

    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      await signIn(page, 'director', DEMO_PASSWORD);
      await goTo(page, 'Məktəbimin İKT-si');
      await page.waitForURL('**/school/ict');
      await expect.poll(() => heading(page), HEADING).toBe('Məktəbimin İKT-si');
      const teachers = page.getByLabel('Müəllimlər', { exact: true });
      await expect.poll(() => teachers.inputValue()).toBe('40');

      // Meanwhile, from the other device: 41 teachers. On the phone, from the old read: 42.
      await saveElsewhere(41);
      await teachers.fill('42');
      const send = page.getByRole('button', { name: 'Yadda saxla və göndər' });
      await send.click();
      const conflict = page.getByRole('region', { name: 'Bunu başqası dəyişib' });
      await conflict.waitFor();
      const row = conflict.locator('[data-difference="teachers"]');
      expect(await row.locator('strong').innerText()).toBe('Müəllimlər');
      expect(await row.locator('[data-version="theirs"]').innerText()).toBe('41');
      expect(await row.locator('[data-version="mine"]').innerText()).toBe('42');
      // Only what differs is listed; nothing was written.
      expect(await conflict.locator('[data-difference]').count()).toBe(1);
      expect((await elsewhere.get<RecordRead>(url)).body.teachers).toBe(41);
      await expectGoodPage(page, 'lost-update-registry-az-360');

      // Saved over theirs, knowingly.
      await conflict.getByRole('button', { name: 'Mənimkini onlarınkının üzərinə yaz' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'Yadda saxlanıldı və yoxlanış üçün regiona göndərildi.' })
        .waitFor();
      expect((await elsewhere.get<RecordRead>(url)).body.teachers).toBe(42);
      await expect.poll(() => teachers.inputValue()).toBe('42');

      // Once more from an old read; this time the director takes the saved version into the form.
      await saveElsewhere(43);
      await teachers.fill('44');
      await send.click();
      await conflict.waitFor();
      await conflict
        .getByRole('button', { name: 'Onlarınkını yüklə (mənim dəyişikliklərim silinsin)' })
        .click();
      await expect.poll(() => teachers.inputValue()).toBe('43');
      expect(await page.getByRole('region', { name: 'Bunu başqası dəyişib' }).count()).toBe(0);
      expect((await elsewhere.get<RecordRead>(url)).body.teachers).toBe(43);
    } finally {
      await context.close();
    }
  });
});
