import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { solidPng } from '@test/files';
import { startServer, type TestServer } from './support/server';
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

/**
 * The portal on a phone: the ministry publishes a news item in Azerbaijani with a Russian translation; a
 * region publishes an event; a parent finds it by area and its calendar feed (iCal) parses with ical.js.
 */
describe('the portal on a phone', () => {
  let server: TestServer;
  let browser: Browser;
  const NEWS_AZ = 'Yeni tədris ili (e2e)';
  const NEWS_RU = 'Новый учебный год (e2e)';
  const EVENT = 'Regional robototexnika yarışı (e2e)';
  let eventId = 0;
  let newsId = 0;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the ministry publishes a news item in Azerbaijani with a Russian translation', async () => {
    await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Xəbərlər və tədbirlər');
      await expect.poll(() => heading(page), HEADING).toBe('Xəbərlər və tədbirlər');
      await page.getByRole('link', { name: 'Xəbər yazın' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('Xəbər yazın');
      await page.getByLabel('Kim üçün dərc olunur').selectOption({ label: 'Nazirlik (bütün ölkə)' });
      await page.getByLabel(/^Başlıq/).fill(NEWS_AZ);
      await page
        .getByLabel(/^Mətn/)
        .fill('<p>Dərslər <strong>sentyabrın 15-də</strong> başlayır.</p><script>alert(1)</script>');
      await page.getByRole('radio', { name: 'Rusca' }).check();
      await page.getByLabel(/^Başlıq/).fill(NEWS_RU);
      await page.getByRole('radio', { name: 'İndi dərc et' }).check();
      await expectGoodPage(page, 'portal-news-edit');
      await page.getByRole('button', { name: 'Saxla' }).click();
      // Saved: the editor moves to the item's own address.
      await page.waitForURL(/\/portal\/manage\/news\/\d+$/);
      newsId = Number(/(\d+)$/.exec(page.url())![1]);
    });
    const { page, context } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto('/portal/news');
      await page.getByRole('link', { name: NEWS_AZ }).click();
      await expect.poll(() => heading(page), HEADING).toBe(NEWS_AZ);
      // The script typed into the text is gone; the emphasis is kept.
      expect(await page.locator('.portal-body script').count()).toBe(0);
      expect(await page.locator('.portal-body strong').textContent()).toBe('sentyabrın 15-də');
      await expectGoodPage(page, 'portal-news-item');
    } finally {
      await context.close();
    }
  });

  it('the ministry sets a cover image; readers see it on the item and in the list', async () => {
    await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (page) => {
      await page.goto(`/portal/manage/news/${newsId}`);
      await expect.poll(() => page.getByRole('heading', { name: 'Üz şəkli' }).count(), HEADING).toBe(1);
      await page.getByLabel(/^Şəkil \(JPEG/).setInputFiles({
        name: 'cover.png',
        mimeType: 'image/png',
        buffer: solidPng(320, 180, [0, 70, 160]),
      });
      // The item is written in Azerbaijani and Russian: the description is needed in both.
      await page.getByLabel(/^Şəkildə nə göstərilir.*\(Azərbaycanca\)$/).fill('Mavi fon');
      await page.getByRole('button', { name: 'Üz şəklini saxla' }).click();
      await expect
        .poll(() => page.getByRole('alert').textContent(), HEADING)
        .toContain('Şəklin rusca təsviri: şəkli görə bilməyənlər üçün tələb olunur');
      await page.getByLabel(/^Şəkildə nə göstərilir.*\(Rusca\)$/).fill('Синий фон');
      await page.getByRole('button', { name: 'Üz şəklini saxla' }).click();
      await expect.poll(() => page.locator('figure img.portal-cover').count(), HEADING).toBe(1);
      await expectGoodPage(page, 'portal-news-cover');
    });
    const { page, context } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto(`/portal/news/${newsId}`);
      await expect.poll(() => heading(page), HEADING).toBe(NEWS_AZ);
      const img = page.getByRole('img', { name: 'Mavi fon' });
      await expect
        .poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth), HEADING)
        .toBe(320);
      expect(await img.getAttribute('width')).toBe('320');
      expect(await img.getAttribute('height')).toBe('180');
      expect(await img.getAttribute('loading')).toBeNull();
      const src = (await img.getAttribute('src'))!;
      const file = await fetch(new URL(src, server.url));
      expect(file.headers.get('content-type')).toBe('image/png');
      expect(file.headers.get('x-content-type-options')).toBe('nosniff');
      expect(file.headers.get('cache-control')).toContain('immutable');
      await page.goto('/portal/news');
      const card = page.locator('.portal-card', { has: page.getByRole('link', { name: NEWS_AZ }) }).first();
      expect(await card.locator('img').getAttribute('loading')).toBe('lazy');
      // The item's first HTML names the image for link previews.
      const html = await (await fetch(`${server.url}/portal/news/${newsId}`)).text();
      expect(html).toContain(`<meta property="og:image" content="`);
      expect(html).toContain(`${src}" />`);
    } finally {
      await context.close();
    }
  });

  it('a region publishes an event, and a parent finds it by area and subscribes', async () => {
    await onPhoneAs(browser, server.url, 'region', DEMO_PASSWORD, async (page) => {
      await page.goto('/portal/manage/events/new');
      await expect.poll(() => heading(page), HEADING).toBe('Tədbir əlavə edin');
      const place = page.getByLabel('Kim üçün dərc olunur');
      await expect.poll(() => place.locator('option').count()).toBeGreaterThan(1);
      await place.selectOption({ index: 1 });
      await page.getByLabel(/^Başlıq/).fill(EVENT);
      const day = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
      await page.getByLabel('Başlanır').fill(`${day}T10:00`);
      await page.getByLabel('Bitir').fill(`${day}T12:00`);
      await page.getByLabel('Təkrarlanır').selectOption('weekly');
      await page.getByLabel('Neçə dəfə').fill('3');
      await page.getByLabel(/^Yerlər/).fill('25');
      await expectGoodPage(page, 'portal-event-edit');
      await page.getByRole('button', { name: 'Saxla' }).click();
      await page.waitForURL(/\/portal\/manage\/events\/\d+$/);
      eventId = Number(/(\d+)$/.exec(page.url())![1]);
    });
    const ev = (await (await fetch(`${server.url}/api/portal/events/${eventId}`)).json()) as {
      place: { areaId: number };
    };
    await onPhoneAs(browser, server.url, 'parent', DEMO_PASSWORD, async (page) => {
      await page.goto(`/portal/events?area=${ev.place.areaId}`);
      await expect.poll(() => heading(page), HEADING).toBe('Tədbirlər təqvimi');
      await expect.poll(() => page.getByRole('link', { name: EVENT }).count(), HEADING).toBe(3);
      await expectGoodPage(page, 'portal-calendar');
      await page.getByRole('link', { name: EVENT }).first().click();
      await expect.poll(() => heading(page), HEADING).toBe(EVENT);
      await page.getByRole('button', { name: 'Qeydiyyatdan keç' }).click();
      await expect.poll(() => page.getByText('Siz qeydiyyatdasınız.').count(), HEADING).toBe(1);
      await expectGoodPage(page, 'portal-event');
      const href = await page.getByRole('link', { name: 'Təqvimə abunə olun (iCal)' }).getAttribute('href');
      const ics = await (await fetch(new URL(href!, server.url))).text();
      const cal = new ICAL.Component(ICAL.parse(ics) as unknown[]);
      const vevent = cal
        .getAllSubcomponents('vevent')
        .find((v) => v.getFirstPropertyValue('summary') === EVENT);
      expect(vevent).toBeDefined();
      expect(String(vevent!.getFirstPropertyValue('rrule'))).toBe('FREQ=WEEKLY;COUNT=3');
    });
  });

  it('a phone without the script reads the home, the news item and the event from the first HTML', async () => {
    const context = await browser.newContext({
      baseURL: server.url,
      viewport: PHONE,
      javaScriptEnabled: false,
    });
    try {
      const page = await context.newPage();
      await page.goto('/portal');
      expect(await page.locator('h1').textContent()).toBe('Təhsil portalı');
      expect(await page.locator('section > h2').allTextContents()).toEqual(
        expect.arrayContaining(['Kitabxana', 'Müzakirələr', 'Təhlükəsiz İnternet Günü']),
      );
      await page.getByRole('link', { name: NEWS_AZ }).first().click();
      expect(await page.locator('h1').textContent()).toBe(NEWS_AZ);
      expect(await page.locator('.portal-body strong').textContent()).toBe('sentyabrın 15-də');
      expect(await page.locator('.portal-body script').count()).toBe(0);
      await page.goto(`/portal/events/${eventId}`);
      expect(await page.locator('h1').textContent()).toBe(EVENT);
      expect(await page.locator('.portal-facts').textContent()).toContain('(Asia/Baku)');
    } finally {
      await context.close();
    }
  });
});
