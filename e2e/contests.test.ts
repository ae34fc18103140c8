import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { resetPassword } from '@/modules/identity/identity.service';
import { findUserById } from '@/modules/identity/identity.store';
import { studentIdsOf } from '@/modules/classroom/classroom.store';
import { windowsOpenNow } from '@test/contests-world';
import { apiLogin } from './support/api';
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
  signIn,
  switchLanguage,
} from './support/browser';

interface AttemptBody {
  id: number;
  state: string;
  score: number | null;
  questions: { id: number; kind: string; prompt: string; options?: string[] }[];
  answers: { questionId: number; version: number; answer: Record<string, unknown> }[];
}

/** One question of every kind (mathematics), each with a prompt the page shows as its label. */
const QUESTIONS = [
  { kind: 'single', prompt: '2 + 2 = ?', options: ['3', '4', '5'], correct: [1] },
  { kind: 'multiple', prompt: 'Cüt ədədlər', options: ['1', '2', '3', '4'], correct: [1, 3] },
  { kind: 'true_false', prompt: '7 sadə ədəddir', truth: true },
  { kind: 'numeric', prompt: 'π ≈ ?', value: 3.14, tolerance: 0.01 },
  { kind: 'short_text', prompt: 'Azərbaycanın paytaxtı?', accepted: ['Bakı'] },
  {
    kind: 'matching',
    prompt: 'Uyğunlaşdırın',
    left: ['2²', '3²', '4²'],
    right: ['9', '16', '4'],
    pairs: [2, 0, 1],
  },
  { kind: 'ordering', prompt: 'Artan sıra', items: ['1', '5', '10', '50'] },
] as const;

describe('contests: a student takes a class contest on a phone, through a lost connection, to the leaderboard', () => {
  let server: TestServer;
  let browser: Browser;
  let student: { context: BrowserContext; page: Page };
  let studentApi: Awaited<ReturnType<typeof apiLogin>>;
  let classmate: Awaited<ReturnType<typeof apiLogin>>;
  let classmateShort: string;
  let contestId: number;
  let attemptId: number;
  const title = `Riyaziyyat olimpiadası ${Date.now().toString(36)}`;

  /** The section of the question with this prompt, and its "saved" state. */
  const question = (page: Page, prompt: string) =>
    page.locator('section.question', { has: page.getByText(prompt, { exact: true }) });
  const stateOf = (page: Page, prompt: string) => question(page, prompt).locator('.save-state').innerText();
  const serverAnswers = async () =>
    (await studentApi.call<AttemptBody>('GET', `/contest-attempts/${attemptId}`)).body.answers;
  const promptOf = (questionId: number, attempt: AttemptBody) =>
    attempt.questions.find((q) => q.id === questionId)!.prompt;

  beforeAll(async () => {
    server = await startServer();
    const db = server.running.database.db;
    const director = await apiLogin(server.url, 'director');
    studentApi = await apiLogin(server.url, 'student');
    const schoolId = director.me.roles.find((g) => g.role === 'director')!.institutionId!;
    const home = await studentApi.call<{ classes: { id: number; grade: number }[] }>('GET', '/home/student');
    const cls = home.body.classes[0]!;
    const questionIds: number[] = [];
    for (const q of QUESTIONS) {
      const made = await director.call<{ id: number }>('POST', '/contests/questions', {
        institutionId: schoolId,
        subjectCode: 'mathematics',
        grade: cls.grade,
        language: 'az',
        ...q,
      });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      questionIds.push(made.body.id);
    }
    const contest = await director.call<{ id: number }>('POST', '/contests', {
      title,
      subjectCode: 'mathematics',
      grade: cls.grade,
      scope: 'class',
      classId: cls.id,
      ...windowsOpenNow(),
      timeLimitMinutes: 30,
      maxAttempts: 1,
      shuffle: true,
      questionIds,
    });
    expect(contest.status, JSON.stringify(contest.body)).toBe(200);
    contestId = contest.body.id;
    expect((await director.call('POST', `/contests/${contestId}/publish`)).status).toBe(200);
    // A classmate of the demo student, given a password to take part through the API.
    const mateId = (await studentIdsOf(db, cls.id)).find((id) => id !== studentApi.me.user.id)!;
    const mate = (await findUserById(db, mateId))!;
    await resetPassword(db, null, { actorId: null, ip: null }, mateId, 'classmate-password');
    classmate = await apiLogin(server.url, mate.username, 'classmate-password');
    const [first, ...rest] = mate.displayName.trim().split(/\s+/u);
    classmateShort = `${first} ${[...rest.at(-1)!][0]!.toLocaleUpperCase('az')}.`;
    browser = await launchBrowser();
    student = await openPage(browser, server.url, PHONE);
    await signIn(student.page, 'student', DEMO_PASSWORD);
  });
  afterAll(async () => {
    await student?.context.close();
    await browser?.close();
    await server?.stop();
  });

  it('lists the open contest and starts it: every kind of question, a timer from the server', async () => {
    const { page } = student;
    await goTo(page, 'Müsabiqələr');
    await expect.poll(() => heading(page), HEADING).toBe('Müsabiqələr');
    const open = page.locator('section', { has: page.getByRole('heading', { name: 'İndi açıqdır' }) });
    await open.getByRole('link', { name: title }).waitFor();
    await expectGoodPage(page, 'contests-list-az-360');
    await open.getByRole('link', { name: title }).click();
    await expect.poll(() => heading(page), HEADING).toBe(title);
    expect(await page.locator('dl.record').innerText()).toContain('30 dəq');
    await expectGoodPage(page, 'contests-contest-az-360');
    await page.getByRole('button', { name: 'Müsabiqəyə başla' }).click();
    await page.waitForURL(/\/my\/contest-attempts\/\d+$/);
    attemptId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByRole('timer').waitFor();
    expect(await page.getByRole('timer').innerText()).toMatch(/^(29|30):[0-5]\d$/);
    expect(await page.locator('section.question').count()).toBe(7);
    for (const q of QUESTIONS) expect(await stateOf(page, q.prompt)).toBe('Hələ cavab verilməyib');
    await expectGoodPage(page, 'contests-take-az-360');
  });

  it('saves each answer as the student goes, and says so per question', async () => {
    const { page } = student;
    await page.getByRole('group', { name: '2 + 2 = ?' }).getByLabel('4', { exact: true }).check();
    await expect.poll(() => stateOf(page, '2 + 2 = ?'), HEADING).toBe('Saxlanıldı');
    await page.getByLabel('π ≈ ?').fill('3,14');
    await page.getByLabel('π ≈ ?').press('Tab');
    await expect.poll(() => stateOf(page, 'π ≈ ?'), HEADING).toBe('Saxlanıldı');
    const matching = page.getByRole('group', { name: 'Uyğunlaşdırın' });
    for (const [left, right] of [
      ['2²', '4'],
      ['3²', '9'],
      ['4²', '16'],
    ] as const) {
      await matching.getByLabel(left, { exact: true }).selectOption({ label: right });
    }
    await expect.poll(() => stateOf(page, 'Uyğunlaşdırın'), HEADING).toBe('Saxlanıldı');
    // Ordering with buttons: each item moved up to its place, the moves announced.
    const ordering = page.getByRole('group', { name: 'Artan sıra' });
    const target = ['1', '5', '10', '50'];
    let moves = 0;
    for (const [place, item] of target.entries()) {
      const now = (await ordering.locator('ol li .item').allInnerTexts()).map((s) => s.trim());
      for (let at = now.indexOf(item); at > place; at--) {
        await ordering.getByRole('button', { name: `«${item}» yuxarı` }).click();
        moves++;
      }
    }
    if (moves === 0) {
      // Shown in order already (1 in 24): a move down and back up gives the answer.
      await ordering.getByRole('button', { name: '«1» aşağı' }).click();
      await ordering.getByRole('button', { name: '«1» yuxarı' }).click();
    }
    await ordering.getByRole('status').filter({ hasText: 'nömrəli yerdədir' }).waitFor({ state: 'attached' });
    expect((await ordering.locator('ol li .item').allInnerTexts()).map((s) => s.trim())).toEqual(target);
    await expect.poll(() => stateOf(page, 'Artan sıra'), HEADING).toBe('Saxlanıldı');
    const saved = await serverAnswers();
    expect(saved).toHaveLength(4);
    const attempt = (await studentApi.call<AttemptBody>('GET', `/contest-attempts/${attemptId}`)).body;
    const single = attempt.questions.find((q) => q.kind === 'single')!;
    expect(saved.find((a) => a.questionId === single.id)!.answer).toEqual({
      choice: single.options!.indexOf('4'),
    });
    expect(saved.map((a) => promptOf(a.questionId, attempt)).sort()).toEqual(
      ['2 + 2 = ?', 'π ≈ ?', 'Uyğunlaşdırın', 'Artan sıra'].sort(),
    );
  });

  it('keeps an answer while offline, says so, and sends it when the connection returns', async () => {
    const { page, context } = student;
    await context.setOffline(true);
    await page.getByRole('group', { name: '7 sadə ədəddir' }).getByLabel('Doğrudur').check();
    await expect
      .poll(() => stateOf(page, '7 sadə ədəddir'), HEADING)
      .toBe('Bu cihazda saxlanılıb — göndəriləcək');
    await page.getByText('Əlaqə yoxdur — cavablarınız saxlanılır').waitFor();
    const kept = await page.evaluate((id) => localStorage.getItem(`maktab.contest.answers.${id}`), attemptId);
    expect(kept).toContain('"truth":true');
    expect(await serverAnswers()).toHaveLength(4);
    await expectGoodPage(page, 'contests-offline-az-360');
    await context.setOffline(false);
    await expect.poll(() => stateOf(page, '7 sadə ədəddir'), HEADING).toBe('Saxlanıldı');
    expect(await page.getByText('Əlaqə yoxdur').count()).toBe(0);
    await expect.poll(async () => (await serverAnswers()).length, HEADING).toBe(5);
    expect(
      await page.evaluate((id) => localStorage.getItem(`maktab.contest.answers.${id}`), attemptId),
    ).toBeNull();
  });

  it('a reload restores the attempt and every answer from the server, with the unsent one kept here', async () => {
    const { page } = student;
    // Saving fails (the requests are dropped) while the page itself still loads: the answer waits here.
    const PUTS = '**/api/contest-attempts/*/answers/*';
    await page.route(PUTS, (route) => route.abort('internetdisconnected'));
    await page.getByLabel('Azərbaycanın paytaxtı?').fill('Bakı');
    await page.getByLabel('Azərbaycanın paytaxtı?').press('Tab');
    await expect
      .poll(() => stateOf(page, 'Azərbaycanın paytaxtı?'), HEADING)
      .toBe('Bu cihazda saxlanılıb — göndəriləcək');
    await page.reload();
    await expect.poll(() => heading(page), HEADING).toBe(title);
    await page.getByRole('timer').waitFor();
    expect(
      await page.getByRole('group', { name: '2 + 2 = ?' }).getByLabel('4', { exact: true }).isChecked(),
    ).toBe(true);
    expect(await page.getByRole('group', { name: '7 sadə ədəddir' }).getByLabel('Doğrudur').isChecked()).toBe(
      true,
    );
    expect(await page.getByLabel('π ≈ ?').inputValue()).toBe('3.14');
    const matching = page.getByRole('group', { name: 'Uyğunlaşdırın' });
    for (const [left, right] of [
      ['2²', '4'],
      ['3²', '9'],
      ['4²', '16'],
    ] as const) {
      const select = matching.getByLabel(left, { exact: true });
      expect(await select.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]!.text)).toBe(right);
    }
    const ordering = page.getByRole('group', { name: 'Artan sıra' });
    expect((await ordering.locator('ol li .item').allInnerTexts()).map((s) => s.trim())).toEqual([
      '1',
      '5',
      '10',
      '50',
    ]);
    const saved = await serverAnswers();
    expect(saved).toHaveLength(5);
    const attempt = (await studentApi.call<AttemptBody>('GET', `/contest-attempts/${attemptId}`)).body;
    for (const a of saved) expect(await stateOf(page, promptOf(a.questionId, attempt))).toBe('Saxlanıldı');
    expect(await stateOf(page, 'Cüt ədədlər')).toBe('Hələ cavab verilməyib');
    // The unsent answer came back from this device, still waiting; once saving works again, it is sent.
    expect(await page.getByLabel('Azərbaycanın paytaxtı?').inputValue()).toBe('Bakı');
    await expect
      .poll(() => stateOf(page, 'Azərbaycanın paytaxtı?'), HEADING)
      .toBe('Bu cihazda saxlanılıb — göndəriləcək');
    await page.unroute(PUTS);
    await expect.poll(() => stateOf(page, 'Azərbaycanın paytaxtı?'), HEADING).toBe('Saxlanıldı');
    const after = await serverAnswers();
    expect(after).toHaveLength(6);
    const capital = attempt.questions.find((q) => q.kind === 'short_text')!;
    expect(after.find((a) => a.questionId === capital.id)!.answer).toEqual({ text: 'Bakı' });
  });

  it('hands in after a confirmation; the result and the class leaderboard follow, and update', async () => {
    const { page } = student;
    await page.getByRole('button', { name: 'Cavablarımı təhvil ver' }).click();
    await page.getByText('Cavabsız suallar: 1').waitFor();
    await page.getByRole('button', { name: 'Bəli, təhvil ver' }).click();
    await page.getByRole('heading', { name: 'Nəticəniz' }).waitFor();
    const done = (await studentApi.call<AttemptBody>('GET', `/contest-attempts/${attemptId}`)).body;
    expect(done.state).toBe('submitted');
    // All right but the multiple choice, left unanswered: 6 of 7.
    expect(done.score).toBe(6);
    expect(await page.locator('.result .big').innerText()).toBe('6 / 7 bal');
    const board = page.locator('table.leaderboard');
    await expect.poll(() => board.innerText(), HEADING).toContain('Murad R. (siz)');
    expect(await page.locator('.my-place').innerText()).toBe('Sinifdə yeriniz: 1 / 1');
    await expectGoodPage(page, 'contests-result-az-360');
    // A classmate takes part through the API, answers one question right, and hands in: the board follows.
    const started = await classmate.call<AttemptBody>('POST', `/contests/${contestId}/attempts`);
    expect(started.status).toBe(200);
    const single = started.body.questions.find((q) => q.kind === 'single')!;
    const put = await classmate.call('PUT', `/contest-attempts/${started.body.id}/answers/${single.id}`, {
      version: 1,
      answer: { choice: single.options!.indexOf('4') },
    });
    expect(put.status).toBe(200);
    const theirs = await classmate.call<AttemptBody>('POST', `/contest-attempts/${started.body.id}/submit`);
    expect(theirs.body.score).toBe(1);
    await expect.poll(() => board.innerText(), { timeout: 30_000 }).toContain(classmateShort);
    expect(await page.locator('.my-place').innerText()).toBe('Sinifdə yeriniz: 1 / 2');
    const rows = (await board.locator('tbody tr').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    expect(rows).toEqual(['1 Murad R. (siz) 6', `2 ${classmateShort} 1`]);
  });

  it('in Russian: the result, the list with the finished contest and my result, the leaderboard page', async () => {
    const { page } = student;
    await switchLanguage(page, 'ru');
    await page.getByRole('heading', { name: 'Ваш результат' }).waitFor();
    expect(await page.locator('.result .big').innerText()).toBe('6 из 7 баллов');
    await expectGoodPage(page, 'contests-result-ru-360');
    await goTo(page, 'Конкурсы');
    await expect.poll(() => heading(page), HEADING).toBe('Конкурсы');
    const past = page.locator('section', { has: page.getByRole('heading', { name: 'Завершённые' }) });
    const item = past.locator('li', { has: page.getByRole('link', { name: title }) });
    await expect.poll(() => item.innerText(), HEADING).toContain('Ваш результат: 6 из 7');
    expect(await page.getByText('Сейчас открытых конкурсов нет.').count()).toBe(1);
    await expectGoodPage(page, 'contests-list-ru-360');
    await page.goto(`/contests/${contestId}/leaderboard`);
    await expect.poll(() => heading(page), HEADING).toBe(`Рейтинг: ${title}`);
    await expect
      .poll(() => page.locator('table.leaderboard').innerText(), HEADING)
      .toContain('Murad R. (вы)');
    await expectGoodPage(page, 'contests-leaderboard-ru-360');
  });

  it("shows the school's staff the leaderboard by class, without children's names", async () => {
    await onPhoneAs(browser, server.url, 'director', DEMO_PASSWORD, async (page) => {
      await page.goto(`/contests/${contestId}/leaderboard`);
      await expect.poll(() => heading(page), HEADING).toBe(`Reytinq: ${title}`);
      const classes = page.locator('table.leaderboard', {
        has: page.getByRole('heading', { name: 'Siniflər' }),
      });
      await expect.poll(() => classes.locator('tbody tr').count(), HEADING).toBe(1);
      expect(await classes.locator('tbody tr td').first().innerText()).toBe('2');
      expect(await page.getByText('Murad').count()).toBe(0);
      await expectGoodPage(page, 'contests-leaderboard-director-az-360');
    });
  });
});
