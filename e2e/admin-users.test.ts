import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import {
  expectGoodPage,
  goTo,
  HEADING,
  heading,
  launchBrowser,
  onPhoneAs,
  openMenu,
  switchLanguage,
} from './support/browser';
import { DEMO_PASSWORD } from './support/demo-accounts';

/** Lines a person reads must be words: no `#12`, no `snake_case`, no table names. */
const CODE = /#\d|\b[a-z]+_[a-z_]+\b|identity_|contests_|journal_/;

async function changeLog(page: Page): Promise<string[]> {
  return (await page.locator('ol.audit li').allInnerTexts()).map((s) => s.trim());
}

describe('the administrator manages users on a phone', () => {
  let server: TestServer;
  let browser: Browser;
  let temporary = '';
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates a second library editor and gives a role to an existing user, in Azerbaijani', async () => {
    await onPhoneAs(browser, server.url, 'admin', DEMO_PASSWORD, async (page) => {
      await page.getByRole('link', { name: 'İstifadəçilər', exact: true }).click();
      await expect.poll(() => heading(page), HEADING).toBe('İstifadəçilər');
      await page.locator('ul.users li').first().waitFor();
      await expectGoodPage(page, 'admin-users-360');

      // A second editor, with a temporary password shown once.
      const form = page.locator('details.create-user');
      await form.getByText('Yeni istifadəçi').click();
      await form.getByLabel('İstifadəçi adı').fill('nigar.aliyeva');
      await form.getByLabel('Ad və soyad').fill('Nigar Əliyeva');
      await form.getByLabel('Rol', { exact: true }).selectOption({ label: 'Kitabxana redaktoru' });
      await form.getByText('Bütün ölkə üzrə').waitFor();
      await form.getByRole('button', { name: 'Yarat' }).click();
      const code = form.locator('code.temporary-password');
      await code.waitFor();
      temporary = (await code.innerText()).trim();
      expect(temporary).toMatch(/^[A-Za-z2-9]{12}$/);
      await expectGoodPage(page, 'admin-users-created-360');

      // A role in a school's scope for the demo teacher: the director's role at her own school.
      await page.getByRole('searchbox', { name: 'Ad və ya istifadəçi adı' }).fill('Leyla Həsənova');
      await page.getByRole('search').getByRole('button', { name: 'Axtarış' }).click();
      // Several people share the name: the demo teacher is the one whose username is `teacher`.
      await page
        .locator('ul.users li', { has: page.locator('.meta', { hasText: /^teacher$/ }) })
        .getByRole('link', { name: 'Leyla Həsənova' })
        .click();
      await expect.poll(() => heading(page), HEADING).toBe('Leyla Həsənova');
      const school = (await page.locator('ul.list li .meta').first().innerText()).trim();
      expect(school.length).toBeGreaterThan(3);
      await page.getByLabel('Rol', { exact: true }).selectOption({ label: 'Direktor' });
      await page.getByLabel('Müəssisəni tapın').fill(school.slice(0, 12));
      const pick = page.getByLabel('Müəssisə', { exact: true });
      await expect.poll(() => pick.locator('option').count()).toBeGreaterThan(1);
      const option = pick.locator('option', { hasText: school });
      await pick.selectOption({ label: (await option.first().innerText()).trim() });
      await page.getByRole('button', { name: 'Rolu ver' }).click();
      await page.getByText('Rol verildi.').waitFor();
      await page.locator('ul.list li .what', { hasText: 'Direktor' }).waitFor();
      await expectGoodPage(page, 'admin-user-360');

      // The change log, on the person's page and on the home, reads as words.
      await expect.poll(async () => (await changeLog(page)).join('\n')).toContain('Rol verildi');
      for (const line of await changeLog(page)) expect(line).not.toMatch(CODE);
      await goTo(page, 'İdarəetmə');
      await expect.poll(() => heading(page), HEADING).toBe('Milli idarəetmə');
      await expect.poll(async () => (await changeLog(page)).join('\n')).toContain('Nigar Əliyeva');
      const lines = await changeLog(page);
      expect(lines.join('\n')).toContain('Rol verildi: istifadəçi — Leyla Həsənova');
      expect(lines.join('\n')).toContain('Yaradıldı: istifadəçi — Nigar Əliyeva');
      for (const line of lines) expect(line).not.toMatch(CODE);
      await expectGoodPage(page, 'admin-home-log-360');
    });
  });

  it('lets the new editor sign in, and change the temporary password for their own', async () => {
    expect(temporary).not.toBe('');
    await onPhoneAs(browser, server.url, 'nigar.aliyeva', temporary, async (page) => {
      await expect.poll(() => heading(page), HEADING).toBe('Kitabxana');
      // In the menu, under the name of the person signed in.
      await openMenu(page);
      await page.locator('#site-menu').getByRole('link', { name: 'Parolu dəyiş' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('Parolun dəyişdirilməsi');
      await page.getByLabel('Hazırkı parol').fill(temporary);
      await page.getByLabel('Yeni parol', { exact: true }).fill('1234567890');
      await page.getByLabel('Yeni parol bir daha').fill('1234567890');
      await page.getByRole('button', { name: 'Parolu dəyiş' }).click();
      await page.getByText('bu, ən çox istifadə olunan parollardandır', { exact: false }).first().waitFor();
      await page.getByLabel('Yeni parol', { exact: true }).fill('kitab rəfi 2026');
      await page.getByLabel('Yeni parol bir daha').fill('kitab rəfi 2026');
      await page.getByRole('button', { name: 'Parolu dəyiş' }).click();
      await page.getByText('Parolunuz dəyişdirildi.', { exact: false }).waitFor();
      await expectGoodPage(page, 'own-password-360');
    });
    await onPhoneAs(browser, server.url, 'nigar.aliyeva', 'kitab rəfi 2026', async (page) => {
      await expect.poll(() => heading(page), HEADING).toBe('Kitabxana');
    });
  });

  it('shows the users page and the change log in Russian and English', async () => {
    await onPhoneAs(browser, server.url, 'admin', DEMO_PASSWORD, async (page) => {
      for (const [lang, title, created] of [
        ['ru', 'Пользователи', 'Создано: пользователь — Nigar Əliyeva'],
        ['en', 'Users', 'Created: user — Nigar Əliyeva'],
      ] as const) {
        await switchLanguage(page, lang);
        await page.goto('/admin/users');
        await expect.poll(() => heading(page), HEADING).toBe(title);
        await page.locator('ul.users li').first().waitFor();
        await expectGoodPage(page, `admin-users-${lang}-360`);
        await page.goto('/admin');
        await expect.poll(async () => (await changeLog(page)).join('\n')).toContain(created);
        for (const line of await changeLog(page)) expect(line).not.toMatch(CODE);
      }
    });
  });
});
