import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { expectGoodPage, HEADING, heading, launchBrowser, openPage, PHONE, signIn } from './support/browser';

/**
 * The Content-Security-Policy in a real browser: the built web app, its service worker and the API
 * documentation run under it with not one violation, and no other origin can frame the app.
 */

/** Collects the page's CSP violations, from the DOM event and from the console (where Chromium reports them). */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const fromConsole: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) fromConsole.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  return async () => [
    ...fromConsole,
    ...(await page.evaluate(
      () => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [],
    )),
  ];
}

describe('the security headers in a browser', () => {
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

  it('loads the web app, signs in and works with no CSP violation', async () => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      const violations = await watchViolations(page);
      const first = await page.goto('/login');
      expect(first?.headers()['content-security-policy']).toContain("script-src 'self'");
      await expect.poll(() => heading(page), HEADING).toBe('Sistemə daxil olun');
      await signIn(page, 'teacher', DEMO_PASSWORD);
      await expect.poll(() => heading(page), HEADING).not.toBe('Sistemə daxil olun');
      // The service worker (as saving for offline registers it) runs under the same policy, and the page it
      // then serves keeps it.
      await page.evaluate(async () => {
        await navigator.serviceWorker.register('/sw.js');
        await navigator.serviceWorker.ready;
      });
      await expect
        .poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state))
        .toBe('activated');
      await page.reload();
      await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      await expect.poll(() => heading(page), HEADING).not.toBe('');
      await expectGoodPage(page, 'csp-teacher-home');
      expect(await violations()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows the API documentation under the same policy', async () => {
    const { context, page } = await openPage(browser, server.url);
    try {
      const violations = await watchViolations(page);
      await page.goto('/api/docs/');
      await page.locator('.swagger-ui .info .title').filter({ hasText: 'Maktab API' }).waitFor();
      await page.locator('.opblock').first().waitFor();
      expect(await violations()).toEqual([]);
      // And the watch does see one: an inline script put into the page is refused and reported.
      await page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.append(script);
      });
      await expect.poll(async () => (await violations()).join('\n')).toContain('script-src');
      expect(await page.evaluate(() => 'injected' in window)).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('cannot be framed by another origin', async () => {
    const { context, page } = await openPage(browser, server.url);
    try {
      // A page of another origin (127.0.0.1 vs localhost) that frames the app.
      const other = server.url.replace('127.0.0.1', 'localhost');
      await page.route(`${other}/framer`, (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<!doctype html><title>framer</title><iframe src="${server.url}/login"></iframe>`,
        }),
      );
      await page.goto(`${other}/framer`);
      const frame = () => page.frames().find((f) => f !== page.mainFrame());
      // Chromium refuses to show it: the frame ends on its error page, never on the app.
      await expect.poll(() => frame()?.url()).toMatch(/^chrome-error:/);
      expect(await frame()!.locator('input[name="username"]').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
