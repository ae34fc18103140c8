import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
  switchLanguage,
} from './support/browser';

/**
 * The country profile on a 360-px phone: the bureau adds a sentence to a section in the three languages and
 * publishes the next edition; a visitor, signed out, finds the profile from the portal's home, reads the live
 * profile, the editions and what changed, and downloads the new edition's PDF, which `pdftotext` reads back
 * with the bureau's sentence in it; the edition's page reads in Russian too.
 */
describe('the country profile', () => {
  let server: TestServer;
  let browser: Browser;
  let dir: string;
  const sentence = {
    az: 'Məktəblərdə telefonlara dair ümumi qaydaların layihəsi müzakirə olunur.',
    ru: 'Обсуждается проект общих правил о телефонах в школах.',
    en: 'A draft of common rules on phones in schools is being discussed.',
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-profile-e2e-'));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the bureau edits a section and publishes an edition', async () => {
    await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Ölkə profili');
      await expect.poll(() => heading(page), HEADING).toBe('Ölkə profili: mətn və nəşrlər');
      const form = page.locator('form', {
        has: page.getByRole('heading', { name: '3.2. Məktəblərin rolu' }),
      });
      await form.getByLabel('Azərbaycan dilində').waitFor();
      await expectGoodPage(page, 'policy-profile-edit-az-360');
      for (const [lang, label] of [
        ['az', 'Azərbaycan dilində'],
        ['ru', 'Rus dilində'],
        ['en', 'İngilis dilində'],
      ] as const) {
        const box = form.getByLabel(label);
        await box.fill(`${await box.inputValue()}\n\n${sentence[lang]}`);
      }
      await form.getByRole('button', { name: 'Mətni saxla' }).click();
      await form.getByRole('status').filter({ hasText: 'Saxlanıldı.' }).waitFor();

      // What changed since the first edition (the seed's) now names the section, then the edition is published.
      const publish = page.locator('section', { has: page.getByRole('heading', { name: 'Nəşri dərc et' }) });
      await publish.locator('[data-section="3.2"]').waitFor();
      await publish.getByLabel('Nəşr haqqında qeyd (Azərbaycan dilində)').fill('Telefonlara dair yeni mətn');
      await publish.getByRole('button', { name: '2 nömrəli nəşri dərc et' }).click();
      await publish.getByRole('status').filter({ hasText: '2 nömrəli nəşr dərc edildi.' }).waitFor();
      // Nothing has changed since the edition just published.
      await publish.getByText('Heç nə dəyişməyib.').waitFor();
      await expectGoodPage(page, 'policy-profile-published-az-360');
    });
    const bureau = await apiLogin(server.url, 'bureau');
    const editions = await bureau.get<{ version: number }>('/policy/profile/editions');
    expect(editions.body.version).toBe(2);
  });

  it('a visitor reads the profile and downloads the new edition’s PDF', async () => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto('/');
      await page.getByRole('link', { name: 'Təhsildə texnologiya: ölkə profili' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('Təhsildə texnologiya: ölkə profili');
      await page
        .getByRole('heading', {
          name: '2.2. Məktəblərin texnoloji infrastrukturu və imkanları, təlim mühiti',
        })
        .waitFor();
      const connected = page.locator('[data-figure="schools_connected"]');
      await connected.getByText(/Mənbə: Maktab/).waitFor();
      // Section 2.1 answers PEER's comparison questions from the registry; 2.4 quotes the filter.
      await page.getByRole('heading', { name: 'PEER müqayisə göstəriciləri' }).waitFor();
      await page.locator('[data-peer="connectivity"]').getByText('Bəli', { exact: true }).waitFor();
      await page
        .locator('[data-figure="filter_categories"]')
        .getByText('Təhsil şəbəkəsi süzgəcdən keçirir')
        .waitFor();
      await expectGoodPage(page, 'policy-profile-live-az-360');

      await page.getByRole('link', { name: 'Dərc edilmiş nəşrlər' }).first().click();
      await expect.poll(() => heading(page), HEADING).toBe('Ölkə profilinin nəşrləri');
      const second = page.locator('li', {
        has: page.getByRole('link', { name: '2 nömrəli nəşr', exact: true }),
      });
      await second.getByText('Telefonlara dair yeni mətn').waitFor();
      await expectGoodPage(page, 'policy-profile-editions-az-360');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        second.getByRole('link', { name: '2 nömrəli nəşrin PDF faylı' }).click(),
      ]);
      const file = path.join(dir, 'edition-2-az.pdf');
      await download.saveAs(file);
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(
        /\s+/g,
        ' ',
      );
      expect(text).toContain('Təhsildə texnologiya: ölkə profili');
      expect(text).toContain('2 nömrəli nəşr');
      expect(text).toContain(sentence.az);
      expect(text).toContain('Mənbə: Maktab');
      expect(text).toContain('PEER müqayisə göstəriciləri');

      // The edition's own page, then in Russian.
      await second.getByRole('link', { name: '2 nömrəli nəşr', exact: true }).click();
      await expect.poll(() => heading(page), HEADING).toBe('Ölkə profili, 2 nömrəli nəşr');
      await page.getByText(sentence.az).waitFor();
      await switchLanguage(page, 'ru');
      await expect.poll(() => heading(page), HEADING).toBe('Профиль страны, издание 2');
      await page.getByText(sentence.ru).waitFor();
      await page.getByText('Что изменило это издание по сравнению с предыдущим').click();
      await page.locator('[data-section="3.2"]').getByText('Текст изменён.').waitFor();
      await expectGoodPage(page, 'policy-profile-edition-ru-360');
    } finally {
      await context.close();
    }
  });
});
