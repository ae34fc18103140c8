import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rows } from '@/server/db/database';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { expectGoodPage, HEADING, heading, launchBrowser, openPage, PHONE, signIn } from './support/browser';

/**
 * The content filter's requests on a phone: a teacher opens the block page of a blocked site (the link form,
 * `/blocked?domain=…`; the Host form is tested in safety.requests.test.ts), asks for it to be unblocked for
 * a lesson; the district's officer approves it; the report shows the week's counts of the demo schools.
 */
describe('unblock requests and reports on a phone', () => {
  let server: TestServer;
  let browser: Browser;
  let blockedThisWeek = 0;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const db = server.running.database.db;
    // The filter's categories and lists come from the admin part's seed; the test names one of its own.
    await db.execute(sql`
      insert into safety_category (code, name, description) values
        ('gambling', '{"az":"Qumar","ru":"Азартные игры","en":"Gambling"}', '{"az":"","ru":"","en":""}'),
        ('games', '{"az":"Oyunlar","ru":"Игры","en":"Games"}', '{"az":"","ru":"","en":""}'),
        ('social_networks', '{"az":"Sosial şəbəkələr","ru":"Соцсети","en":"Social networks"}', '{"az":"","ru":"","en":""}')
      on conflict (code) do nothing`);
    await db.execute(sql`
      with l as (insert into safety_list (kind, category_id, name)
        select 'block', id, '{"az":"Oyunlar","ru":"Игры","en":"Games"}' from safety_category where code = 'games'
        returning id)
      insert into safety_list_domain (list_id, domain) select id, 'e2e-games.example' from l`);
    // The demo's own requests are set aside, so that the queue holds the one this test asks; its week of
    // counts (src/seed/safety-activity.ts) stays for the report.
    await db.execute(sql`delete from safety_unblock_request`);
    const [row] = await rows<{ total: number }>(
      db,
      sql`select coalesce(sum(count), 0)::int as total from safety_blocked_hour`,
    );
    blockedThisWeek = row!.total;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a teacher sees the block page and asks; the district approves; the report shows the counts', async () => {
    // The teacher, on a phone, follows the block page's link.
    const teacher = await openPage(browser, server.url, PHONE);
    try {
      await teacher.page.goto('/blocked?domain=e2e-games.example');
      await expect.poll(() => heading(teacher.page), HEADING).toBe('Bu sayt bağlanıb');
      await expect.poll(() => teacher.page.getByText('Kateqoriya: Oyunlar').count()).toBe(1);
      await expectGoodPage(teacher.page, 'safety-blocked');
      await teacher.page.getByRole('link', { name: 'Açılmasını xahiş et' }).click();
      await signIn(teacher.page, 'teacher', DEMO_PASSWORD);
      await teacher.page.goto('/safety/unblock?domain=e2e-games.example');
      await expect.poll(() => heading(teacher.page), HEADING).toBe('Saytın açılmasını xahiş et');
      await expect
        .poll(() => teacher.page.getByLabel('Saytın ünvanı').inputValue())
        .toBe('e2e-games.example');
      await teacher.page.getByLabel('Nə üçün lazımdır').fill('İnformatika dərsi: oyun dizaynı.');
      await teacher.page.getByLabel('İndidən bir neçə günlük').check();
      await teacher.page.getByLabel('Günlər').selectOption('3');
      await teacher.page.getByRole('button', { name: 'Müraciəti göndər' }).click();
      await expect
        .poll(() => teacher.page.getByRole('status').textContent())
        .toBe('e2e-games.example üçün müraciətiniz göndərildi.');
      await expect
        .poll(() => teacher.page.locator('.safety-request', { hasText: 'e2e-games.example' }).count())
        .toBe(1);
      await expectGoodPage(teacher.page, 'safety-unblock');
    } finally {
      await teacher.context.close();
    }

    // The district's officer approves it.
    const region = await openPage(browser, server.url, PHONE);
    try {
      await signIn(region.page, 'region', DEMO_PASSWORD);
      await region.page.goto('/safety/requests');
      await expect.poll(() => heading(region.page), HEADING).toBe('Açılma müraciətləri');
      const card = region.page.locator('.safety-request', { hasText: 'e2e-games.example' });
      await expect.poll(() => card.count()).toBe(1);
      await expectGoodPage(region.page, 'safety-queue');
      await card.getByLabel('Müəllimə qeyd').fill('Yalnız dərs üçün.');
      await card.getByRole('button', { name: 'Təsdiqlə' }).click();
      await expect.poll(() => card.locator('.safety-state').textContent()).toBe('Təsdiqlənib');

      // The district's report shows the week's blocked queries.
      await region.page.goto('/safety/reports');
      await expect.poll(() => heading(region.page), HEADING).toBe('Bloklanmış saytlar hesabatı');
      await expect.poll(() => region.page.locator('.safety-table').first().isVisible()).toBe(true);
      await expect.poll(() => region.page.getByRole('row', { name: /Oyunlar/ }).count()).toBeGreaterThan(0);
      await expectGoodPage(region.page, 'safety-reports');
    } finally {
      await region.context.close();
    }
    const db = server.running.database.db;
    const [approved] = await rows<{ status: string }>(
      db,
      sql`select status from safety_unblock_request where domain = 'e2e-games.example'`,
    );
    expect(approved!.status).toBe('approved');
    expect(blockedThisWeek).toBeGreaterThan(0);
  });
});
