import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rows } from '@/server/db/database';
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
  switchLanguage,
} from './support/browser';

/**
 * The registry of policies on a phone: the ministry's bureau adds a state programme with a target ("every
 * school connected"), sees its progress computed from the platform, and the progress moves when a school is
 * connected; a visitor finds the programme in the public registry, reads its progress and the timeline, in
 * Azerbaijani and in Russian.
 */
describe('the registry of policies on a phone', () => {
  let server: TestServer;
  let browser: Browser;
  /** Schools connected to the internet now (records of the current year with a link), and active schools. */
  let connected = 0;
  let schools = 0;
  const TITLE = 'Hər məktəbə internet Dövlət Proqramı (e2e)';

  /** The platform's figures now, as the public catalogue gives them (the progress must agree with them). */
  const counts = async () => {
    const res = await fetch(`${server.url}/api/policy/figures?key=schools_connected&key=institutions_active`);
    const { items } = (await res.json()) as { items: { key: string; value: number }[] };
    return {
      connected: items.find((f) => f.key === 'schools_connected')!.value,
      schools: items.find((f) => f.key === 'institutions_active')!.value,
    };
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ({ connected, schools } = await counts());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the ministry adds a state programme with a target and sees its progress', async () => {
    await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Siyasət və proqramlar');
      await expect.poll(() => heading(page), HEADING).toBe('Siyasət sənədləri reyestri');
      // The seed's documents are there.
      await expect.poll(() => page.getByRole('link', { name: 'Təhsil haqqında Qanun' }).count()).toBe(1);
      await expectGoodPage(page, 'policy-manage');

      await page.getByText('Sənəd əlavə et', { exact: true }).click();
      const form = page.locator('details form');
      await form.getByLabel('Növ', { exact: true }).selectOption('state_programme');
      // Refused first without a title: the field is named in Azerbaijani.
      await form.getByLabel('Qəbul tarixi').fill('2026-01-15');
      await form
        .getByRole('group', { name: 'Qəbul edən' })
        .getByLabel('Azərbaycanca')
        .fill('Nazirlər Kabineti');
      await form.getByRole('button', { name: 'Sənədi əlavə et' }).click();
      await expect
        .poll(() => form.getByRole('group', { name: 'Ad' }).locator('.field-error').textContent())
        .toBe('ən azı bir dildə mətn tələb olunur');
      await form.getByRole('group', { name: 'Ad' }).getByLabel('Azərbaycanca').fill(TITLE);
      await form
        .getByRole('group', { name: 'Ad' })
        .getByLabel('Rusca')
        .fill('Госпрограмма «Интернет в каждую школу» (e2e)');
      await form
        .getByRole('checkbox', { name: 'Məktəblərin internetə qoşulmasına dair qanun və ya siyasət' })
        .check();
      await form.getByRole('button', { name: 'Sənədi əlavə et' }).click();
      await expect.poll(() => heading(page), HEADING).toBe(TITLE);

      // A target: every active school connected, from zero.
      const add = page.getByRole('form', { name: 'Hədəf əlavə et' });
      await add
        .getByRole('group', { name: 'Hədəf nədir' })
        .getByLabel('Azərbaycanca')
        .fill('Hər məktəb internetə qoşulsun');
      await add.getByLabel('Platformanın hansı rəqəmi ilə ölçülür').selectOption('schools_connected');
      await add.getByLabel('Başlanğıc səviyyə (proqram başlayanda)').fill('0');
      await add.getByLabel('Hədəf', { exact: true }).fill(String(schools));
      await add.getByRole('button', { name: 'Hədəfi əlavə et' }).click();
      const target = page.locator('[data-target]').filter({ hasText: 'Hər məktəb internetə qoşulsun' });
      const expected = Math.round((connected / schools) * 100);
      await expect
        .poll(() => target.locator('[data-progress]').getAttribute('data-progress'))
        .toBe(String(expected));
      expect(await target.locator('progress').getAttribute('value')).toBe(String(expected));
      await expect.poll(() => target.locator('.policy-now').textContent()).toMatch(/^Hazırda: [\d.]+/);
      await expectGoodPage(page, 'policy-edit');

      // A school connected in the ICT registry: the progress moves on the next read.
      const [school] = await rows<{ id: number; yearId: number }>(
        server.running.database.db,
        sql`select r.institution_id as id, r.academic_year_id as "yearId" from infrastructure_school_year r
            join institutions_academic_year y on y.id = r.academic_year_id and y.is_current
            join institutions_institution i on i.id = r.institution_id and i.status = 'active'
            where not exists (select 1 from infrastructure_internet_link l
                              where l.institution_id = r.institution_id and l.academic_year_id = r.academic_year_id)
            order by r.institution_id limit 1`,
      );
      expect(school, 'a school of the demo without internet').toBeDefined();
      await server.running.database.db.execute(
        sql`insert into infrastructure_internet_link (institution_id, academic_year_id, purpose, type, education_network)
            values (${school!.id}, ${school!.yearId}, 'teaching', 'fibre', true)`,
      );
      const after = await counts();
      expect(after.connected).toBe(connected + 1);
      await page.reload();
      await expect
        .poll(
          () => page.locator('[data-target] [data-progress]').first().getAttribute('data-progress'),
          HEADING,
        )
        .toBe(String(Math.round((after.connected / schools) * 100)));
    });
  });

  it('a visitor finds the programme, reads its progress and the timeline, in Azerbaijani and Russian', async () => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto('/');
      await switchLanguage(page, 'az');
      await page.getByRole('link', { name: 'Təhsil texnologiyaları üzrə siyasət və proqramlar' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('Siyasət sənədləri və proqramlar');
      // Found without the Azerbaijani letters, as the server folds them.
      await page
        .getByLabel('Adından, nömrəsindən və ya qəbul edəndən sözlər')
        .fill('internet dovlet proqrami (e2e)');
      await page.getByRole('button', { name: 'Axtar' }).click();
      await expect.poll(() => page.locator('[data-document]').count()).toBe(1);
      // PEER's answers are there, drawn from the registry: the seed has no phone ban.
      const phones = page.locator('[data-question="phone_ban"]');
      await expect.poll(() => phones.locator('.badge').textContent()).toBe('Xeyr');
      expect(await page.locator('[data-question="connectivity"] .badge').textContent()).toBe('Bəli');
      await expectGoodPage(page, 'policy-public');

      // It answers the connectivity question too, and is listed there.
      expect(
        await page.locator('[data-question="connectivity"]').getByRole('link', { name: TITLE }).count(),
      ).toBe(1);
      await page.getByRole('region', { name: 'Sənədlər' }).getByRole('link', { name: TITLE }).click();
      await expect.poll(() => heading(page), HEADING).toBe(TITLE);
      const { connected: now } = await counts();
      await expect
        .poll(() => page.locator('[data-progress]').getAttribute('data-progress'))
        .toBe(String(Math.round((now / schools) * 100)));
      await page.getByText('Mənbə və hesablanma qaydası').click();
      await expect.poll(() => page.locator('.policy-source').textContent()).toContain('İKT reyestri');
      await expectGoodPage(page, 'policy-document');

      await switchLanguage(page, 'ru');
      await expect.poll(() => heading(page), HEADING).toBe('Госпрограмма «Интернет в каждую школу» (e2e)');
      await page.getByRole('link', { name: 'Все документы и программы' }).click();
      await page.getByRole('link', { name: 'Хронология' }).click();
      await expect.poll(() => heading(page), HEADING).toBe('Хронология политики и программ');
      await expect.poll(() => page.getByRole('heading', { name: '2008', level: 2 }).count()).toBe(1);
      await expect
        .poll(() => page.locator('[data-event="partnership"]').filter({ hasText: 'Azercell' }).count())
        .toBe(1);
      await expectGoodPage(page, 'policy-timeline');
    } finally {
      await context.close();
    }
  });
});
