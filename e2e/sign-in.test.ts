import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import {
  HEADING,
  heading,
  launchBrowser,
  openPage,
  PHONE,
  screenshot,
  scrollWidth,
  seriousAxeViolations,
  switchLanguage,
} from './support/browser';

describe('signing in', () => {
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

  it('runs on the database the environment names', () => {
    expect(server.running.database.driver).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
  });

  it('opens in Azerbaijani, fits a 360 px phone, and has no serious accessibility problems', async () => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto('/login');
      await expect.poll(() => heading(page), HEADING).toBe('Sistemə daxil olun');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('az');
      expect(await page.title()).toBe('Sistemə daxil olun — Maktab');
      expect(await page.getByLabel('İstifadəçi adı').count()).toBe(1);
      expect(await page.getByLabel('Parol', { exact: true }).count()).toBe(1);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'login-360');
    } finally {
      await context.close();
    }
  });

  it('shows a wrong password as the server says it, in the chosen language', async () => {
    const { context, page } = await openPage(browser, server.url);
    try {
      await page.goto('/login');
      const attempt = async (expected: string) => {
        await page.locator('input[name="username"]').fill('teacher');
        await page.locator('input[name="password"]').fill('not-the-password');
        const request = page.waitForRequest((r) => r.url().endsWith('/api/auth/login'));
        await page.locator('form button[type="submit"]').click();
        await page.getByRole('alert').filter({ hasText: expected }).waitFor();
        return (await request).headers()['accept-language'];
      };
      expect(await attempt('İstifadəçi adı və ya parol səhvdir.')).toBe('az');
      await switchLanguage(page, 'ru');
      await expect.poll(() => heading(page), HEADING).toBe('Вход в систему');
      // The old message goes with the old language rather than stay untranslated.
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(await attempt('Неверное имя пользователя или пароль.')).toBe('ru');
      await switchLanguage(page, 'en');
      expect(await attempt('Wrong username or password.')).toBe('en');
      await screenshot(page, 'login-error-desktop');
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('asks for empty fields in the page language before sending anything', async () => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto('/login');
      await page.locator('form button[type="submit"]').click();
      await expect
        .poll(() => page.locator('.field-error').allInnerTexts())
        .toEqual(['İstifadəçi adını daxil edin.', 'Parolu daxil edin.']);
      expect(await page.locator('input[name="username"]').getAttribute('aria-invalid')).toBe('true');
    } finally {
      await context.close();
    }
  });

  it('remembers the language chosen while signed out on this device', async () => {
    const { context, page } = await openPage(browser, server.url);
    try {
      await page.goto('/login');
      await switchLanguage(page, 'en');
      await expect.poll(() => heading(page), HEADING).toBe('Sign in');
      await page.reload();
      await expect.poll(() => heading(page), HEADING).toBe('Sign in');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      expect(await page.getByRole('link', { name: 'Skip to main content' }).count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});
