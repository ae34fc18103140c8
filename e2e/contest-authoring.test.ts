import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiLogin } from './support/api';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import {
  expectGoodPage,
  goTo,
  HEADING,
  heading,
  launchBrowser,
  openPage,
  PHONE,
  signIn,
  switchLanguage,
} from './support/browser';

interface ContestItem {
  id: number;
  title: string;
  state: string;
  timeLimitMinutes: number;
  shuffle: boolean;
}

describe('contest authoring: a teacher on a phone writes questions, makes a class contest and publishes it', () => {
  let server: TestServer;
  let browser: Browser;
  let teacher: { context: BrowserContext; page: Page };
  let cls: { id: number; name: string; grade: number };
  let contestId: number;
  const tag = Date.now().toString(36);
  const title = `Olympiad ${tag}`;
  const prompts = {
    single: `Which is 2 + 2? (${tag})`,
    truth: `Seven is a prime number (${tag})`,
    numeric: `Pi to two decimals? (${tag})`,
  };

  beforeAll(async () => {
    server = await startServer();
    const director = await apiLogin(server.url, 'director');
    const teacherApi = await apiLogin(server.url, 'teacher');
    const schoolId = director.me.roles.find((g) => g.role === 'director')!.institutionId!;
    const classes = await director.get<{
      items: { id: number; name: string; grade: number; homeroomTeacherId: number | null }[];
    }>(`/institutions/${schoolId}/classes`);
    cls = classes.body.items.find((c) => c.homeroomTeacherId === teacherApi.me.user.id)!;
    browser = await launchBrowser();
    teacher = await openPage(browser, server.url, PHONE);
    await signIn(teacher.page, 'teacher', DEMO_PASSWORD);
    await switchLanguage(teacher.page, 'en');
  });
  afterAll(async () => {
    await teacher?.context.close();
    await browser?.close();
    await server?.stop();
  });

  /** Opens the editor of a new question and fills what every kind has. */
  async function newQuestion(page: Page, kind: string, prompt: string) {
    await page.getByRole('button', { name: 'Add a question' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'New question' }) });
    await form.getByLabel('Subject').selectOption('mathematics');
    await form.getByLabel('Grade').selectOption(String(cls.grade));
    await form.getByLabel('Kind of question').selectOption({ label: kind });
    await form.getByLabel('Question', { exact: true }).fill(prompt);
    return form;
  }

  it('adds questions of three kinds to the school bank, the first after a field error', async () => {
    const { page } = teacher;
    await goTo(page, 'Organise contests');
    await expect.poll(() => heading(page), HEADING).toBe('Organise contests');
    await expectGoodPage(page, 'contest-admin-list-en-360');
    await page.getByRole('link', { name: 'Question bank' }).click();
    await expect.poll(() => heading(page), HEADING).toBe('Question bank');

    // A single-choice question with one option: the server names the field, shown beside it.
    let form = await newQuestion(page, 'One correct option', prompts.single);
    const options = form.getByLabel('Options', { exact: true });
    await options.fill('4');
    await form.getByRole('radio', { name: '4' }).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getAttribute('aria-invalid'), HEADING).toBe('true');
    const described = (await options.getAttribute('aria-describedby'))!.split(' ').at(-1)!;
    expect(await page.locator(`[id="${described}"]`).innerText()).toContain('give at least two options');
    await expectGoodPage(page, 'contest-bank-error-en-360');
    await options.fill('3\n4\n5');
    await form.getByRole('radio', { name: '4' }).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'The question is saved.' }).waitFor();

    form = await newQuestion(page, 'True or false', prompts.truth);
    await form.getByRole('radio', { name: 'True', exact: true }).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText(prompts.truth).waitFor();

    form = await newQuestion(page, 'A number', prompts.numeric);
    await form.getByLabel('Correct number').fill('3.14');
    await form.getByLabel('Accepted deviation (±)').fill('0.01');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText(prompts.numeric).waitFor();
    const numeric = page.locator('li', { hasText: prompts.numeric });
    expect(await numeric.innerText()).toContain('3.14 ± 0.01');
    await expectGoodPage(page, 'contest-bank-en-360');
  });

  it('makes a class contest of them, edits the draft and publishes it', async () => {
    const { page } = teacher;
    await page.getByRole('link', { name: 'Back to the contests' }).click();
    await expect.poll(() => heading(page), HEADING).toBe('Organise contests');
    await page.getByRole('link', { name: 'New contest' }).click();
    await expect.poll(() => heading(page), HEADING).toBe('New contest');
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Subject').selectOption('mathematics');
    await page.getByLabel('Grade').selectOption(String(cls.grade));
    await page.getByLabel('Who it is for').selectOption('class');
    await page.getByLabel('Class').selectOption({ label: cls.name });
    await page.getByLabel('Shift 1 takes part').check();
    await page.locator('input[type="time"]').first().fill('09:00');
    for (const prompt of Object.values(prompts)) {
      await page.getByRole('checkbox', { name: new RegExp(prompt.replace(/[()?+.]/g, '\\$&')) }).check();
    }
    await expectGoodPage(page, 'contest-new-en-360');
    await page.getByRole('button', { name: 'Save as a draft' }).click();
    await expect.poll(() => heading(page), HEADING).toBe(title);
    contestId = Number(new URL(page.url()).pathname.split('/').pop());
    expect(contestId).toBeGreaterThan(0);
    expect(await page.locator('.contest-admin-state').innerText()).toBe('Draft');

    // Edit the draft: a new title, a longer time limit, no shuffling.
    await page.getByLabel('Title').fill(`${title} (edited)`);
    await page.getByLabel('Time limit (minutes)').fill('45');
    await page.getByLabel('Shuffle questions and options').uncheck();
    await page.getByRole('button', { name: 'Save the changes' }).click();
    await page.getByRole('status').filter({ hasText: 'The draft is saved.' }).waitFor();
    await expect.poll(() => heading(page), HEADING).toBe(`${title} (edited)`);
    expect(await page.locator('dl.record').innerText()).toContain('45 min');
    await expectGoodPage(page, 'contest-draft-en-360');

    await page.getByRole('button', { name: 'Publish…' }).click();
    await page.getByText('Publish this contest?').waitFor();
    await expectGoodPage(page, 'contest-publish-confirm-en-360');
    await page.getByRole('button', { name: 'Yes, publish' }).click();
    await page.getByRole('link', { name: 'Leaderboard of classes and schools' }).waitFor();
    expect(await page.getByRole('button', { name: 'Publish…' }).count()).toBe(0);
    await expectGoodPage(page, 'contest-published-en-360');

    // The list shows it under the published ones, in every language.
    await page.getByRole('link', { name: 'Back to the contests' }).click();
    const published = page.locator('section', { has: page.getByRole('heading', { name: 'Published' }) });
    await published.getByRole('link', { name: `${title} (edited)` }).waitFor();
    const item = published.locator('li', { hasText: `${title} (edited)` });
    await expect.poll(() => item.innerText(), HEADING).toContain(`A class: ${cls.name}`);
    expect(await item.innerText()).toContain('shift 1: 09:00–10:30');
    for (const [lang, text] of [
      ['az', 'Müsabiqələrin təşkili'],
      ['ru', 'Организация конкурсов'],
    ] as const) {
      await switchLanguage(page, lang);
      await expect.poll(() => heading(page), HEADING).toBe(text);
      await expectGoodPage(page, `contest-admin-list-${lang}-360`);
    }
    await switchLanguage(page, 'en');
  });

  it('the published contest appears for a student of the class', async () => {
    const student = await apiLogin(server.url, 'student');
    const list = await student.get<{ items: ContestItem[] }>('/contests');
    expect(list.status).toBe(200);
    const mine = list.body.items.find((c) => c.id === contestId);
    expect(mine).toMatchObject({
      title: `${title} (edited)`,
      state: 'published',
      timeLimitMinutes: 45,
      shuffle: false,
    });
    const one = await student.get<ContestItem & { questionCount: number }>(`/contests/${contestId}`);
    expect(one.body.questionCount).toBe(3);
  });
});
