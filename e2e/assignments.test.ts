import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import {
  HEADING,
  heading,
  launchBrowser,
  openPage,
  PHONE,
  screenshot,
  scrollWidth,
  seriousAxeViolations,
  signIn,
  switchLanguage,
} from './support/browser';

/** Fits a phone and passes axe: checked on every page the test visits. */
async function expectGoodPage(page: Page, name: string): Promise<void> {
  expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, name);
}

async function apiLogin(base: string, username: string) {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const me = (await login.json()) as {
    user: { id: number };
    roles: { role: string; institutionId: number | null }[];
    csrfToken: string;
  };
  return {
    me,
    call: async <T>(method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}/api${path}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': me.csrfToken,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json().catch(() => null)) as T };
    },
  };
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

describe('assignments: a teacher sets one, a student hands in text and a file, the teacher marks it', () => {
  let server: TestServer;
  let browser: Browser;
  let teacher: { context: BrowserContext; page: Page };
  let student: { context: BrowserContext; page: Page };
  let classId: number;
  let className: string;
  let assignmentId: number;
  const title = `Fractions ${Date.now().toString(36)}`;

  beforeAll(async () => {
    server = await startServer();
    const director = await apiLogin(server.url, 'director');
    const teacherApi = await apiLogin(server.url, 'teacher');
    const studentApi = await apiLogin(server.url, 'student');
    const schoolId = director.me.roles.find((g) => g.role === 'director')!.institutionId!;
    const classes = await director.call<{
      items: { id: number; name: string; homeroomTeacherId: number | null }[];
    }>('GET', `/institutions/${schoolId}/classes`);
    const cls = classes.body.items.find((c) => c.homeroomTeacherId === teacherApi.me.user.id)!;
    classId = cls.id;
    className = cls.name;
    const put = await director.call('PUT', `/classes/${classId}/subjects/mathematics`, {
      teacherId: teacherApi.me.user.id,
    });
    expect(put.status).toBe(200);
    // The demo student is in the teacher's class.
    expect((await studentApi.call('GET', `/classes/${classId}/assignments`)).status).toBe(200);
    browser = await launchBrowser();
    teacher = await openPage(browser, server.url, PHONE);
    await signIn(teacher.page, 'teacher', DEMO_PASSWORD);
    await switchLanguage(teacher.page, 'en');
    student = await openPage(browser, server.url, PHONE);
    await signIn(student.page, 'student', DEMO_PASSWORD);
    await switchLanguage(student.page, 'en');
  });
  afterAll(async () => {
    await teacher?.context.close();
    await student?.context.close();
    await browser?.close();
    await server?.stop();
  });

  it('the teacher sets an assignment for the class from a phone', async () => {
    const { page } = teacher;
    await page.getByRole('link', { name: 'Assignments' }).click();
    await expect.poll(() => heading(page), HEADING).toBe('Assignments');
    await page.getByRole('link', { name: className, exact: true }).click();
    await expect.poll(() => heading(page), HEADING).toBe(`Assignments of class ${className}`);
    await page.getByText('Set a new assignment').click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Due').fill('2030-01-15T10:00');
    await page.getByLabel('Instructions').fill('Solve exercises 1–5.');
    await expectGoodPage(page, 'assignments-new-en-360');
    await page.getByRole('button', { name: 'Set the assignment' }).click();
    const link = page.getByRole('link', { name: title });
    await link.waitFor();
    assignmentId = Number((await link.getAttribute('href'))!.split('/').pop());
    expect(assignmentId).toBeGreaterThan(0);
  });

  it('the student is notified, hands in text and a PDF, in any language', async () => {
    const { page } = student;
    await page.reload();
    const bell = page.getByRole('button', { name: /Notifications/ });
    await expect.poll(() => bell.innerText(), HEADING).toMatch(/\d/);
    await bell.click();
    await page.getByRole('link', { name: new RegExp(title) }).click();
    await expect.poll(() => heading(page), HEADING).toBe(title);
    await page.getByLabel('Your answer').fill('1/2 + 1/3 = 5/6');
    await page
      .getByLabel('Files')
      .setInputFiles({ name: 'work.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Version 1').waitFor();
    await page.getByRole('link', { name: 'work.pdf' }).waitFor();
    await expectGoodPage(page, 'assignments-student-en-360');
    for (const [lang, text] of [
      ['az', 'Mənim işim'],
      ['ru', 'Моя работа'],
    ] as const) {
      await switchLanguage(page, lang);
      await page.getByRole('heading', { name: text }).waitFor();
      await expectGoodPage(page, `assignments-student-${lang}-360`);
    }
    await switchLanguage(page, 'en');
  });

  it('the teacher sees who has handed in and marks the work; the student sees the mark', async () => {
    const { page } = teacher;
    await page.goto(`/assignments/${assignmentId}`);
    await expect.poll(() => heading(page), HEADING).toBe(title);
    await page.getByRole('button', { name: 'Open the work' }).first().click();
    await page.getByLabel('Mark').selectOption('5');
    await page.getByLabel('Feedback', { exact: true }).fill('Well done');
    await page.getByRole('button', { name: 'Save the feedback' }).click();
    await page.getByText('Saved.').waitFor();
    await expectGoodPage(page, 'assignments-teacher-en-360');
    const s = student.page;
    await s.goto('/my/assignments');
    await expect.poll(() => heading(s), HEADING).toBe('Assignments');
    const item = s.locator('li', { has: s.getByRole('link', { name: title }) });
    await expect.poll(() => item.innerText(), HEADING).toContain('Mark: 5');
    expect(await item.innerText()).toContain('Marked');
    await expectGoodPage(s, 'assignments-mine-en-360');
  });
});
