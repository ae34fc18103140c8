import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rows } from '@/server/db/database';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { expectGoodPage, goTo, HEADING, heading, launchBrowser, onPhoneAs } from './support/browser';

/**
 * The bureau's training needs on a phone: it sets a target, reads the teachers below it by district, proposes a
 * programme, imports a file of past training records (a wrong one first), and finds the training indicators on
 * the dashboard.
 *
 * The self-assessment's levels are written straight into the tables here, as the self-assessment's submit keeps
 * them (`training_teacher_level` and the counts per school, `training_school_level`); when no framework is
 * loaded yet (the country pack's training frameworks come with another part of the module), a small one is.
 */
describe('training needs on a phone', () => {
  let server: TestServer;
  let browser: Browser;
  let areaName = '';
  let belowExpected = 0;
  let schoolCode = '';

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const db = server.running.database.db;
    const text = (s: string) => JSON.stringify({ az: s, ru: s, en: s });
    const levels = JSON.stringify(
      ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'].map((code) => ({
        code,
        name: { az: code, ru: code, en: code },
        description: { az: '', ru: '', en: '' },
      })),
    );
    await db.execute(sql`insert into training_framework (id, position, name, description, levels, self_assessment)
      select 'e2e', 99, ${text('DigCompEdu')}::jsonb, ${text('')}::jsonb, ${levels}::jsonb, true
      where not exists (select 1 from training_framework)`);
    await db.execute(sql`insert into training_framework_area (id, framework_id, position, name, description)
      select 'e2e.' || n, 'e2e', n, jsonb_build_object('az', 'Sahə ' || n, 'ru', 'Sahə ' || n, 'en', 'Sahə ' || n), ${text('')}::jsonb
      from generate_series(1, 2) n where exists (select 1 from training_framework where id = 'e2e')`);
    const [framework] = await rows<{ id: string }>(
      db,
      sql`select id from training_framework order by self_assessment desc, position, id limit 1`,
    );
    const areas = await rows<{ id: string; name: string }>(
      db,
      sql`select id, name->>'az' as name from training_framework_area where framework_id = ${framework!.id} order by position, id`,
    );
    areaName = areas[0]!.name;
    // Every demo teacher has assessed themself: levels 0–3 by turn, in every area.
    await db.execute(sql`insert into training_teacher_level (user_id, area_id, institution_id, level, assessed_at)
      select g.user_id, a.id, g.institution_id, (g.user_id % 4), now()
      from identity_role_grant g cross join training_framework_area a
      where g.role = 'teacher' and a.framework_id = ${framework!.id}
      on conflict do nothing`);
    await db.execute(sql`delete from training_school_level`);
    await db.execute(sql`insert into training_school_level (institution_id, area_id, level, teachers)
      select institution_id, area_id, level, count(*) from training_teacher_level group by 1, 2, 3`);
    const [below] = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from training_teacher_level where area_id = ${areas[0]!.id} and level < 2`,
    );
    belowExpected = below!.n;
    const [school] = await rows<{ code: string }>(
      db,
      sql`select i.code from institutions_institution i
          where exists (select 1 from identity_role_grant g where g.institution_id = i.id and g.role = 'teacher')
          order by i.code limit 1`,
    );
    schoolCode = school!.code;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sets a target, reads the needs by district, proposes a programme and carries in past records', async () => {
    await onPhoneAs(browser, server.url, 'bureau', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Təlim ehtiyacları');
      await expect.poll(() => heading(page), HEADING).toBe('Müəllimlərin təlim ehtiyacları');

      // The target: B1 in the first area.
      const targets = page.getByRole('region', { name: 'İlin hədəfləri' });
      await targets.getByLabel(areaName, { exact: true }).selectOption({ value: '2' });
      await targets.getByRole('button', { name: 'Hədəfləri saxla' }).click();
      await expect.poll(() => targets.getByRole('status').textContent()).toBe('Hədəflər saxlanıldı.');

      // Teachers below it: the country's total, then a region's districts.
      const report = page.getByRole('region', { name: 'Hədəfdən aşağı olan müəllimlər' });
      const table = report.getByTestId('needs-table');
      const totalRow = table.locator('tbody tr').last();
      const belowCell = async () =>
        ((await totalRow.locator('td').nth(2).textContent()) ?? '').replace(/\D/g, '');
      await expect.poll(belowCell).toBe(String(belowExpected));
      await table.locator('tbody tr').first().getByRole('button').click();
      await expect.poll(() => report.getByRole('navigation').isVisible()).toBe(true);
      await expect.poll(() => table.locator('th[scope=col]').first().textContent()).toBe('Ərazi');
      await expect.poll(belowCell).toMatch(/^\d+$/);
      await expectGoodPage(page, 'training-needs');

      // A programme for them: seats by district, and the way to the plan's form.
      await report.getByRole('button', { name: 'Təklif et' }).click();
      const proposal = report.getByRole('status').filter({ hasText: 'yer' });
      await expect.poll(() => proposal.isVisible()).toBe(true);
      const href = await report.getByRole('link', { name: 'Bu proqramı planda yarat' }).getAttribute('href');
      expect(href).toMatch(/^\/training\/programmes\?framework=.+&area=.+&belowLevel=2&year=.+&seats=/);

      // Past records: a wrong file is refused whole, naming its line and column; a right one is imported.
      await goTo(page, 'Təlim tarixçəsi');
      await expect.poll(() => heading(page), HEADING).toBe('Keçmiş təlim qeydləri');
      const header =
        'Məktəbin kodu,Şəxs,Cins,Tədris etdiyi səviyyə,Proqram,Təşkilatçı,Başa çatdığı tarix,Saat,İKT təlimi,İstifadəçi adı';
      const file = (lines: string[]) => ({
        name: 'arxiv-2006.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from([header, ...lines].join('\r\n'), 'utf8'),
      });
      const input = page.getByLabel('Fayl', { exact: true });
      await input.setInputFiles(
        file([
          `${schoolCode},Gülnarə Əliyeva,qadın,1,Intel,Intel,2006,40,bəli,`,
          'XXXX,Elçin Rzayev,kişi,2,ECDL,ECDL,2006,,bəli,',
        ]),
      );
      await page.getByRole('button', { name: 'Faylı yoxla' }).click();
      const alert = page.getByRole('alert');
      await expect
        .poll(() => alert.textContent())
        .toContain('Sətir 3, Məktəbin kodu: bu kodla məktəb yoxdur');
      await input.setInputFiles(
        file([
          `${schoolCode},Gülnarə Əliyeva,qadın,1,Intel,Intel,2006,40,bəli,`,
          `${schoolCode},Elçin Rzayev,kişi,2,ECDL,ECDL,2007-03-15,,bəli,`,
        ]),
      );
      await page.getByRole('button', { name: 'Faylı yoxla' }).click();
      await expect
        .poll(() => page.getByRole('status').first().textContent())
        .toContain('Bütün 2 sətir düzgündür');
      await page.getByRole('button', { name: 'İdxal et' }).click();
      await expect.poll(() => page.getByText('2 qeyd idxal edildi.').isVisible()).toBe(true);
      await expect.poll(() => page.getByTestId('history-imports').textContent()).toContain('arxiv-2006.csv');
      await expectGoodPage(page, 'training-history');

      // The dashboard shows the training indicators.
      await goTo(page, 'İKT paneli');
      const section = page.getByTestId('training-indicators');
      await expect
        .poll(() => section.getByRole('heading', { name: 'Müəllimlərin təlimi' }).isVisible(), HEADING)
        .toBe(true);
      await expect.poll(() => section.locator('[data-indicator=ed38] dd').textContent()).toMatch(/%/);
      await expect.poll(() => section.locator('[data-indicator=sdg4c7] dd').textContent()).toMatch(/%|—/);
      await expect.poll(() => section.textContent()).toContain('2006');
    });
  });

  it("gives the director's registry form the ICT-trained count of the school's training records", async () => {
    const db = server.running.database.db;
    const [school] = await rows<{ n: number }>(
      db,
      // Past records, completed programmes and verified certificates from elsewhere, each person once.
      sql`with school as (
            select g.institution_id as id from identity_role_grant g
            join identity_user u on u.id = g.user_id and u.username = 'director' where g.role = 'director'
          ), people as (
            select coalesce('u' || r.user_id, 'h' || lower(r.person_name)) as person from training_history_record r
            where r.institution_id = (select id from school) and r.ict and r.completed_on <= current_date
            union select 'u' || e.user_id from training_enrolment e
            where e.institution_id = (select id from school) and e.status = 'completed'
            union select 'u' || x.user_id from training_external x
            where x.institution_id = (select id from school) and x.status = 'verified'
          )
          select count(*)::int as n from people`,
    );
    await onPhoneAs(browser, server.url, 'director', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Məktəbimin İKT-si');
      await expect.poll(() => heading(page), HEADING).toBe('Məktəbimin İKT-si');
      // The registry's count is the records' (at most the teachers): shown, not typed.
      const trained = page.getByLabel('Onlardan İKT üzrə hazırlıq keçən');
      await expect.poll(() => trained.getAttribute('readonly'), HEADING).toBe('');
      const teachers = Number(await page.getByLabel('Müəllimlər', { exact: true }).inputValue());
      expect(await trained.inputValue()).toBe(String(teachers ? Math.min(school!.n, teachers) : school!.n));
      const hintId = (await trained.getAttribute('aria-describedby'))!.split(' ');
      const hints = await Promise.all(hintId.map((id) => page.locator(`[id="${id}"]`).innerText()));
      expect(hints.join(' ')).toContain(
        `Məktəbin təlim qeydlərindən götürülür: ${school!.n} nəfərin İKT təlimi qeydi var`,
      );
    });
  });
});
