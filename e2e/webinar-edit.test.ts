import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { apiLogin } from './support/api';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { expectGoodPage, goTo, HEADING, heading, launchBrowser, onPhoneAs } from './support/browser';

interface WebinarRead {
  id: number;
  title: string;
  description: string;
  area: { id: number; name: string } | null;
  startsAt: string;
  durationMinutes: number;
  url: string | null;
  capacity: number | null;
  cancelled: boolean;
  version: number;
}

/** The demo area's webinar (seeded three days ahead), which the regional officer of the area organises. */
const SEEDED = 'Elektron jurnal: qiymətləndirmə və davamiyyət';

/**
 * A webinar changed on its page by its organiser, on a phone, in Azerbaijani: the form filled from the webinar,
 * a problem shown beside its field, the change saved; and a save that meets someone else's change shows theirs
 * beside the organiser's, to save over knowingly or to load.
 */
describe('changing a webinar', () => {
  let server: TestServer;
  let browser: Browser;
  let elsewhere: Awaited<ReturnType<typeof apiLogin>>;
  let webinarId: number;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    elsewhere = await apiLogin(server.url, 'region');
    const list = await elsewhere.get<{ items: WebinarRead[] }>('/webinars');
    webinarId = list.body.items.find((w) => w.title === SEEDED)!.id;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const read = async () => (await elsewhere.get<WebinarRead>(`/webinars/${webinarId}`)).body;
  /** A save from another session, from what it reads now. */
  const saveElsewhere = async (change: Partial<WebinarRead>) => {
    const w = await read();
    const saved = await elsewhere.call('PUT', `/webinars/${webinarId}`, {
      version: w.version,
      title: w.title,
      description: w.description,
      areaId: w.area?.id ?? null,
      startsAt: w.startsAt,
      durationMinutes: w.durationMinutes,
      url: w.url,
      capacity: w.capacity,
      cancelled: w.cancelled,
      ...change,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  };
  /** The webinar's page, reached from the schedule, with its edit form open. */
  const openForm = async (page: Page, title: string) => {
    await goTo(page, 'Vebinarlar');
    await expect.poll(() => heading(page), HEADING).toBe('Vebinarlar');
    await page.getByRole('link', { name: title }).click();
    await expect.poll(() => heading(page), HEADING).toBe(title);
    await page.getByRole('button', { name: 'Dəyiş', exact: true }).click();
    return page.locator('form[aria-labelledby="webinar-edit"]');
  };

  it('the organiser changes the title, places and link, and sees the change', async () => {
    await onPhoneAs(browser, server.url, 'region', DEMO_PASSWORD, async (page) => {
      const form = await openForm(page, SEEDED);
      // Filled from the webinar.
      await expect.poll(() => form.getByLabel('Mövzu').inputValue()).toBe(SEEDED);
      expect(await form.getByLabel('Yer sayı (boş: limitsiz)').inputValue()).toBe('100');
      expect(await form.getByLabel('Görüş keçidi').inputValue()).toBe('https://meet.jit.si/maktab-vebinar-2');
      expect(await form.getByLabel('Müddət (dəqiqə)').inputValue()).toBe('60');
      const startsAt = await form.getByLabel('Başlama vaxtı').inputValue();
      expect(new Date(startsAt).toISOString()).toBe((await read()).startsAt);
      await expectGoodPage(page, 'webinar-edit-az-360');

      // A link the server refuses: the problem is shown beside the link, in words, and nothing is saved.
      await form.getByLabel('Görüş keçidi').fill('ftp://meet.example.az/x');
      await form.getByRole('button', { name: 'Dəyişiklikləri saxla' }).click();
      const linkError = form
        .locator('.field', { has: page.getByLabel('Görüş keçidi') })
        .locator('.field-error');
      await linkError.waitFor();
      expect(await linkError.innerText()).toBe('formatı səhvdir');
      expect(await form.getByLabel('Görüş keçidi').getAttribute('aria-invalid')).toBe('true');
      expect(await form.getByLabel('Mövzu').getAttribute('aria-invalid')).toBeNull();
      expect((await read()).url).toBe('https://meet.jit.si/maktab-vebinar-2');
      await expectGoodPage(page, 'webinar-edit-error-az-360');

      await form.getByLabel('Mövzu').fill('Elektron jurnal: yeni imkanlar');
      await form.getByLabel('Yer sayı (boş: limitsiz)').fill('150');
      await form.getByLabel('Görüş keçidi').fill('https://meet.example.az/jurnal');
      await form.getByRole('button', { name: 'Dəyişiklikləri saxla' }).click();
      await page.getByRole('status').filter({ hasText: 'Vebinar saxlanıldı.' }).waitFor();
      await expect.poll(() => heading(page), HEADING).toBe('Elektron jurnal: yeni imkanlar');
      const details = page.locator('section[aria-labelledby="webinar-details"]');
      await details.getByText('qeydiyyat: ', { exact: false }).filter({ hasText: '/ 150' }).waitFor();
      await details.getByRole('link', { name: 'https://meet.example.az/jurnal' }).waitFor();
      const saved = await read();
      expect(saved).toMatchObject({
        title: 'Elektron jurnal: yeni imkanlar',
        capacity: 150,
        url: 'https://meet.example.az/jurnal',
        durationMinutes: 60,
      });
      expect(saved.area).not.toBeNull();

      // The schedule shows the new title.
      await page.getByRole('link', { name: 'Bütün vebinarlar' }).click();
      await page.getByRole('link', { name: 'Elektron jurnal: yeni imkanlar' }).waitFor();
    });
  });

  it('a save after someone else’s shows theirs beside the organiser’s, to save over or to load', async () => {
    await onPhoneAs(browser, server.url, 'region', DEMO_PASSWORD, async (page) => {
      const start = (await read()).title;
      const form = await openForm(page, start);
      const title = form.getByLabel('Mövzu');
      await expect.poll(() => title.inputValue()).toBe(start);

      // Meanwhile, from another session: a new title. On the phone, from the old read: another.
      await saveElsewhere({ title: 'Onların mövzusu' });
      await title.fill('Mənim mövzum');
      const save = form.getByRole('button', { name: 'Dəyişiklikləri saxla' });
      await save.click();
      const conflict = page.getByRole('region', { name: 'Bunu başqası dəyişib' });
      await conflict.waitFor();
      const row = conflict.locator('[data-difference="title"]');
      expect(await row.locator('strong').innerText()).toBe('Mövzu');
      expect(await row.locator('[data-version="theirs"]').innerText()).toBe('Onların mövzusu');
      expect(await row.locator('[data-version="mine"]').innerText()).toBe('Mənim mövzum');
      // Only what differs is listed; nothing was written.
      expect(await conflict.locator('[data-difference]').count()).toBe(1);
      expect((await read()).title).toBe('Onların mövzusu');
      await expectGoodPage(page, 'webinar-conflict-az-360');

      // Saved over theirs, knowingly.
      await conflict.getByRole('button', { name: 'Mənimkini onlarınkının üzərinə yaz' }).click();
      await page.getByRole('status').filter({ hasText: 'Vebinar saxlanıldı.' }).waitFor();
      await expect.poll(async () => (await read()).title).toBe('Mənim mövzum');
      await expect.poll(() => heading(page), HEADING).toBe('Mənim mövzum');
      expect(await conflict.count()).toBe(0);

      // Once more from an old read; this time the organiser loads theirs into the form.
      await page.getByRole('button', { name: 'Dəyiş', exact: true }).click();
      await expect.poll(() => title.inputValue()).toBe('Mənim mövzum');
      await saveElsewhere({ capacity: 40 });
      await form.getByLabel('Yer sayı (boş: limitsiz)').fill('60');
      await save.click();
      await conflict.waitFor();
      const places = conflict.locator('[data-difference="capacity"]');
      expect(await places.locator('[data-version="theirs"]').innerText()).toBe('40');
      expect(await places.locator('[data-version="mine"]').innerText()).toBe('60');
      await conflict
        .getByRole('button', { name: 'Onlarınkını yüklə (mənim dəyişikliklərim silinsin)' })
        .click();
      await expect.poll(() => form.getByLabel('Yer sayı (boş: limitsiz)').inputValue()).toBe('40');
      expect(await conflict.count()).toBe(0);
      expect((await read()).capacity).toBe(40);
      // And a save from there goes through.
      await form.getByLabel('Yer sayı (boş: limitsiz)').fill('45');
      await save.click();
      await page.getByRole('status').filter({ hasText: 'Vebinar saxlanıldı.' }).waitFor();
      await expect.poll(async () => (await read()).capacity).toBe(45);
    });
  });

  it('attendance ticked from an old list meets the other organiser’s save, and is saved over it knowingly', async () => {
    type Registrations = {
      version: number;
      items: { userId: number; displayName: string; attended: boolean }[];
    };
    const bureau = await apiLogin(server.url, 'bureau');
    const all = await bureau.get<{ items: WebinarRead[] }>('/webinars?from=2000-01-01&to=2199-01-01');
    const held = all.body.items.find((w) => w.title === 'Rəqəmsal kitabxanadan dərsdə istifadə')!;
    const people = async () => (await bureau.get<Registrations>(`/webinars/${held.id}/registrations`)).body;
    const first = (await people()).items[0]!;
    await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (page) => {
      await page.goto(`${server.url}/webinars/${held.id}`);
      await expect.poll(() => heading(page), HEADING).toBe(held.title);
      const box = page.getByRole('checkbox', { name: first.displayName });
      await box.waitFor();
      const wasTicked = await box.isChecked();

      // Meanwhile another organiser saves the list with only this person as the phone read them; on the phone,
      // from the old read, this person's box changes.
      const before = await people();
      const elsewhereSave = await bureau.call('PUT', `/webinars/${held.id}/attendance`, {
        version: before.version,
        attended: wasTicked ? [first.userId] : [],
      });
      expect(elsewhereSave.status, JSON.stringify(elsewhereSave.body)).toBe(200);
      await box.setChecked(!wasTicked);
      await page.getByRole('button', { name: 'İştirakı saxla' }).click();
      const conflict = page.getByRole('region', { name: 'Bunu başqası dəyişib' });
      await conflict.waitFor();
      const row = conflict.locator(`[data-difference="${first.userId}"]`);
      expect(await row.locator('strong').innerText()).toBe(first.displayName);
      expect(await row.locator('[data-version="theirs"]').innerText()).toBe(
        wasTicked ? 'iştirak edib' : 'iştirak etməyib',
      );
      // Nothing was written over theirs yet.
      expect((await people()).items.filter((p) => p.attended).length).toBe(wasTicked ? 1 : 0);
      await expectGoodPage(page, 'webinar-attendance-conflict-az-360');

      await conflict.getByRole('button', { name: 'Mənimkini onlarınkının üzərinə yaz' }).click();
      await page.getByRole('status').filter({ hasText: 'İştirak saxlanıldı.' }).waitFor();
      const after = await people();
      expect(after.items.find((p) => p.userId === first.userId)!.attended).toBe(!wasTicked);
      expect(after.version).toBe(before.version + 2);
    });
  });
});
