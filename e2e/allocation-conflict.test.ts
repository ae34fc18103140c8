import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { listAcademicYears } from '@/modules/institutions/institutions.store';
import { findUserByUsername, grantsOfUser } from '@/modules/identity/identity.store';
import { createPlan, publishPlan } from '@/modules/allocation/allocation.service';
import { allocationPlanBody } from '../test/allocation-world';
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

interface SchoolViewRead {
  application: { version: number; requested: Record<string, number>; justification: string } | null;
}

/**
 * Two saves of a school's application to the computer distribution from the same read: the director's form on
 * a phone meets the change the director saved meanwhile from another device, shows both in Azerbaijani, and
 * lets them save theirs over it knowingly, or load the saved one.
 */
describe('an application changed by someone else while the form was open', () => {
  let server: TestServer;
  let browser: Browser;
  let schoolId: number;
  let planId: number;
  beforeAll(async () => {
    server = await startServer();
    const db = server.running.database.db;
    const director = await findUserByUsername(db, 'director');
    schoolId = (await grantsOfUser(db, director!.id)).find((g) => g.role === 'director')!.institutionId!;
    const year = (await listAcademicYears(db)).find((y) => y.isCurrent)!;
    // The newest plan, which the school's page shows first: projectors only, its window open today.
    const ctx = { actorId: null, ip: null };
    const plan = await createPlan(db, ctx, allocationPlanBody(year.id, 'Proyektorlar 2026'), 'az');
    planId = (await publishPlan(db, ctx, plan.id)).id;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows someone else’s change beside the director’s own, to save over or to reload', async () => {
    const elsewhere = await apiLogin(server.url, 'director');
    const page = `/allocation/plans/${planId}/schools/${schoolId}`;
    const read = async () => (await elsewhere.get<SchoolViewRead>(page)).body.application;
    const saveElsewhere = async (projectors: number) => {
      const saved = await elsewhere.call('PUT', `${page}/application`, {
        version: (await read())?.version ?? 0,
        requested: { projector: projectors },
        justification: 'Sinif otaqlarında proyektor yoxdur',
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    };
    await saveElsewhere(3);

    const { context, page: p } = await openPage(browser, server.url, PHONE);
    try {
      await signIn(p, 'director', DEMO_PASSWORD);
      await goTo(p, 'Kompüter paylanması');
      await p.waitForURL('**/school/allocation');
      await expect.poll(() => heading(p), HEADING).toBe('Kompüterlərin paylanması');
      const form = p.locator('section[aria-labelledby="alloc-apply"]');
      const projectors = form.getByLabel('Proyektorlar', { exact: true });
      await expect.poll(() => projectors.inputValue()).toBe('3');

      // Meanwhile, from the other device: 5 projectors. On the phone, from the old read: 7.
      await saveElsewhere(5);
      await projectors.fill('7');
      const send = form.getByRole('button', { name: 'Müraciəti göndər' });
      await send.click();
      const conflict = p.getByRole('region', { name: 'Bunu başqası dəyişib' });
      await conflict.waitFor();
      const row = conflict.locator('[data-difference="projector"]');
      expect(await row.locator('strong').innerText()).toBe('Proyektorlar');
      expect(await row.locator('[data-version="theirs"]').innerText()).toBe('5');
      expect(await row.locator('[data-version="mine"]').innerText()).toBe('7');
      // Only what differs is listed; nothing was written.
      expect(await conflict.locator('[data-difference]').count()).toBe(1);
      expect((await read())!.requested.projector).toBe(5);
      await expectGoodPage(p, 'lost-update-application-az-360');

      // Saved over theirs, knowingly.
      await conflict.getByRole('button', { name: 'Mənimkini onlarınkının üzərinə yaz' }).click();
      await p.getByRole('status').filter({ hasText: 'Müraciət göndərildi.' }).waitFor();
      await expect.poll(async () => (await read())!.requested.projector).toBe(7);
      expect(await conflict.count()).toBe(0);

      // Once more from an old read; this time the director takes the saved application into the form.
      await saveElsewhere(9);
      await projectors.fill('11');
      await send.click();
      await conflict.waitFor();
      await conflict
        .getByRole('button', { name: 'Onlarınkını yüklə (mənim dəyişikliklərim silinsin)' })
        .click();
      await expect.poll(() => projectors.inputValue()).toBe('9');
      expect(await conflict.count()).toBe(0);
      expect((await read())!.requested.projector).toBe(9);
      // And a save from there goes through.
      await projectors.fill('10');
      await send.click();
      await expect.poll(async () => (await read())!.requested.projector).toBe(10);
    } finally {
      await context.close();
    }
  });
});
