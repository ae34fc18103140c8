import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import az from '@/web/i18n/az.json';
import { startServer, type TestServer } from './support/server';
import type { LANGS } from './support/demo-accounts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, SIGN_IN_TITLE, type DemoAccount } from './support/demo-accounts';
import {
  DESKTOP,
  HEADING,
  heading,
  launchBrowser,
  navigationLabels,
  openMenu,
  openPage,
  PHONE,
  screenshot,
  scrollWidth,
  seriousAxeViolations,
  signIn,
  switchLanguage,
} from './support/browser';

/** Every key of the resources, e.g. `admin.title`: none of them may ever show on a page as itself. */
function keysOf(node: object, prefix = ''): string[] {
  return Object.entries(node).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keysOf(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}
const RAW_KEYS = keysOf(az);

async function rawKeysShown(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  return RAW_KEYS.filter((key) => text.includes(key));
}

/** Checks the home in one language: heading, intro, navigation, html lang, no raw keys, no sideways scroll. */
async function expectHome(page: Page, account: DemoAccount, lang: (typeof LANGS)[number]): Promise<void> {
  await page.getByRole('heading', { level: 1, name: account.title[lang] }).waitFor();
  await expect.poll(() => heading(page), HEADING).toBe(account.title[lang]);
  await page.getByText(account.intro[lang], { exact: true }).waitFor();
  expect(await navigationLabels(page)).toEqual(account.nav[lang]);
  expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
  expect(await rawKeysShown(page)).toEqual([]);
  expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
}

describe('each demo account’s home', () => {
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

  for (const account of DEMO_ACCOUNTS) {
    it(`${account.username}: signs in to its own home, in Azerbaijani, Russian and English, on a phone`, async () => {
      const { context, page } = await openPage(browser, server.url, PHONE);
      try {
        await signIn(page, account.username, DEMO_PASSWORD);
        expect(new URL(page.url()).pathname).toBe(account.path);
        await expectHome(page, account, 'az');
        await page.locator(account.data).first().waitFor();
        expect(await seriousAxeViolations(page)).toEqual([]);
        await screenshot(page, `${account.username}-az-360`);

        // Signed in, the choice is saved on the account, with the session's CSRF token.
        const saved = page.waitForRequest((r) => r.url().endsWith('/api/me') && r.method() === 'PATCH');
        await switchLanguage(page, 'ru');
        const patch = await saved;
        expect(patch.postDataJSON()).toEqual({ locale: 'ru' });
        expect(patch.headers()['x-csrf-token']).toMatch(/^[\w-]{20,}$/);
        expect((await patch.response())?.status()).toBe(200);
        await expectHome(page, account, 'ru');
        await screenshot(page, `${account.username}-ru-360`);

        await switchLanguage(page, 'en');
        await expectHome(page, account, 'en');
        expect(await seriousAxeViolations(page)).toEqual([]);

        await page.setViewportSize(DESKTOP);
        await screenshot(page, `${account.username}-en-desktop`);
        await page.setViewportSize(PHONE);

        // The choice is stored on the account: it survives a reload, and the sign-in page keeps it after sign-out.
        await page.reload();
        await expectHome(page, account, 'en');
        await openMenu(page);
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.waitForURL('**/login');
        await expect.poll(() => heading(page), HEADING).toBe(SIGN_IN_TITLE.en);

        // Back to Azerbaijani, so the account is as the seed left it for other tests.
        await switchLanguage(page, 'az');
        await signIn(page, account.username, DEMO_PASSWORD);
        await expectHome(page, account, 'az');
      } finally {
        await context.close();
      }
    });
  }
});
