import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { apiLogin } from './support/api';
import { expectGoodPage, goTo, HEADING, heading, launchBrowser, onPhoneAs } from './support/browser';

/**
 * The portal's discussions on a phone, with the demo accounts: a pupil's post waits until the director
 * approves it in the queue; a watched word written in Cyrillic holds a teacher's post; three flags by three
 * people hide a post. Whatever markup people type is shown as text and never runs.
 */
describe('discussions and their moderation on a phone', () => {
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

  type Board = { id: number; audience: string; place: { kind: string } };
  type Queue = { items: { postId: number; version: number; reasons: string[]; threadTitle: string }[] };
  type Thread = { posts: { id: number; body: string; status: string }[] };

  /** The school board of an audience, from the boards page: the last link of its section. */
  async function openSchoolBoard(page: Page, audience: string) {
    await goTo(page, 'Müzakirələr');
    await expect.poll(() => heading(page), HEADING).toBe('Müzakirələr');
    const section = page.locator('section', {
      has: page.getByRole('heading', { name: audience, exact: true }),
    });
    await section.getByRole('link').last().click();
    await expect.poll(() => heading(page), HEADING).toMatch(new RegExp(`^${audience} · `));
  }

  async function write(page: Page, title: string, body: string) {
    await page.getByLabel('Başlıq', { exact: true }).fill(title);
    await page.getByLabel('Mətn', { exact: true }).fill(body);
    await page.getByRole('button', { name: 'Göndər' }).click();
  }

  it("holds a pupil's post until the director approves it in the queue; then it shows, as text", async () => {
    const TITLE = 'Ekskursiya (e2e)';
    const BODY = 'Kim gəlir? <script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';
    await onPhoneAs(browser, server.url, 'student', DEMO_PASSWORD, async (page) => {
      await openSchoolBoard(page, 'Şagirdlər');
      await write(page, TITLE, BODY);
      await expect
        .poll(() => page.getByRole('status').filter({ hasText: 'təsdiqini gözləyir' }).count())
        .toBe(1);
      const card = page.locator('li', { has: page.getByRole('link', { name: TITLE }) });
      await expect.poll(() => card.innerText()).toContain('Təsdiq gözləyir');
      await expectGoodPage(page, 'portal-discuss-board');
    });
    // Before the approval, the teacher (who reads the pupils' board) does not see the thread.
    const teacher = await apiLogin(server.url, 'teacher');
    const boards = (await teacher.get<{ boards: Board[] }>('/portal/discuss/boards')).body.boards;
    const board = boards.filter((b) => b.audience === 'students' && b.place.kind === 'institution')[0]!;
    const listed = async () =>
      (
        await teacher.get<{ threads: { title: string }[] }>(`/portal/discuss/boards/${board.id}`)
      ).body.threads.map((x) => x.title);
    expect(await listed()).not.toContain(TITLE);
    await onPhoneAs(browser, server.url, 'director', DEMO_PASSWORD, async (page) => {
      await goTo(page, 'Müzakirələrin moderasiyası');
      await expect.poll(() => heading(page), HEADING).toBe('Moderasiya növbəsi');
      const item = page.locator('li', { has: page.getByRole('link', { name: TITLE }) });
      await item.waitFor();
      expect(await item.innerText()).toContain('İlk yazılar');
      await expectGoodPage(page, 'portal-moderation');
      await item.getByLabel(/^Qərarın səbəbi/).fill('Hər şey qaydasındadır');
      await item.getByRole('button', { name: 'Təsdiq et' }).click();
      await expect.poll(() => item.count()).toBe(0);
    });
    expect(await listed()).toContain(TITLE);
    await onPhoneAs(browser, server.url, 'teacher', DEMO_PASSWORD, async (page) => {
      await openSchoolBoard(page, 'Şagirdlər');
      await page.getByRole('link', { name: TITLE }).click();
      await expect.poll(() => heading(page), HEADING).toBe(TITLE);
      await expect.poll(() => page.locator('.portal-post-body').first().innerText()).toBe(BODY);
      expect(await page.locator('.portal-post-body script, .portal-post-body img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      await expectGoodPage(page, 'portal-discuss-thread');
    });
  });

  it('holds a post with a watched word written in Cyrillic, while a plain one goes up at once', async () => {
    // The teacher's first three posts wait as anyone's do: the director approves them first.
    const teacher = await apiLogin(server.url, 'teacher');
    const director = await apiLogin(server.url, 'director');
    const boards = (await teacher.get<{ boards: Board[] }>('/portal/discuss/boards')).body.boards;
    const board = boards.filter((b) => b.audience === 'teachers' && b.place.kind === 'institution')[0]!;
    for (let i = 0; i < 3; i++) {
      const w = await teacher.call<{ postId: number; status: string }>(
        'POST',
        `/portal/discuss/boards/${board.id}/threads`,
        { title: `Tanışlıq ${i} (e2e)`, body: 'Salam, həmkarlar' },
      );
      expect(w.body.status).toBe('held');
      const item = (await director.get<Queue>('/portal/moderation/queue?limit=100')).body.items.find(
        (x) => x.postId === w.body.postId,
      )!;
      const ok = await director.call('POST', `/portal/moderation/posts/${w.body.postId}`, {
        action: 'approve',
        reason: '',
        version: item.version,
      });
      expect(ok.status).toBe(200);
    }
    await onPhoneAs(browser, server.url, 'teacher', DEMO_PASSWORD, async (page) => {
      await openSchoolBoard(page, 'Müəllimlər');
      await write(page, 'Metodik birlik (e2e)', 'Cümə günü iclas var.');
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'dərc olundu' }).count()).toBe(1);
      await write(page, 'Şagird haqqında (e2e)', 'Он сказал: «Сам ДУРАК!»');
      await expect
        .poll(() => page.getByRole('status').filter({ hasText: 'təsdiqini gözləyir' }).count())
        .toBe(1);
      const card = page.locator('li', { has: page.getByRole('link', { name: 'Şagird haqqında (e2e)' }) });
      await expect.poll(() => card.innerText()).toContain('Təsdiq gözləyir');
    });
    const queue = (await director.get<Queue>('/portal/moderation/queue?limit=100')).body.items;
    expect(queue.find((x) => x.threadTitle === 'Şagird haqqında (e2e)')?.reasons).toEqual(['word_hold']);
    expect(queue.find((x) => x.threadTitle === 'Metodik birlik (e2e)')).toBeUndefined();
  });

  it('hides a post once three people have flagged it', async () => {
    const TEXT = 'Razıyam, evdə var.';
    const teacher = await apiLogin(server.url, 'teacher');
    const director = await apiLogin(server.url, 'director');
    const boards = (await teacher.get<{ boards: Board[] }>('/portal/discuss/boards')).body.boards;
    const board = boards.filter((b) => b.audience === 'students' && b.place.kind === 'institution')[0]!;
    const threads = (
      await teacher.get<{ threads: { id: number; title: string }[] }>(`/portal/discuss/boards/${board.id}`)
    ).body.threads;
    const threadId = threads.find((x) => x.title.startsWith('Kitab klubu'))!.id;
    const postOf = async () =>
      (await teacher.get<Thread>(`/portal/discuss/threads/${threadId}`)).body.posts.find(
        (p) => p.body === TEXT,
      );
    const postId = (await postOf())!.id;
    for (const who of [teacher, director]) {
      const res = await who.call<{ hidden: boolean }>('POST', `/portal/discuss/posts/${postId}/flags`, {
        reason: 'unkind',
      });
      expect(res.body.hidden).toBe(false);
    }
    await onPhoneAs(browser, server.url, 'student', DEMO_PASSWORD, async (page) => {
      await openSchoolBoard(page, 'Şagirdlər');
      await page.getByRole('link', { name: /^Kitab klubu/ }).click();
      await expect.poll(() => heading(page), HEADING).toMatch(/^Kitab klubu/);
      const post = page.locator('li.portal-post', { hasText: TEXT });
      await post.getByRole('button', { name: 'Şikayət et' }).click();
      await post.getByLabel('Şikayətin səbəbi').selectOption({ label: 'Kobud' });
      await expectGoodPage(page, 'portal-discuss-flag');
      await post.getByRole('button', { name: 'Şikayəti göndər' }).click();
      await expect.poll(() => page.locator('li.portal-post', { hasText: TEXT }).count()).toBe(0);
      await page.reload();
      await expect.poll(() => heading(page), HEADING).toMatch(/^Kitab klubu/);
      expect(await page.locator('li.portal-post', { hasText: TEXT }).count()).toBe(0);
    });
    expect(await postOf()).toBeUndefined();
    const queued = (await director.get<Queue>('/portal/moderation/queue?limit=100')).body.items.find(
      (x) => x.postId === postId,
    );
    expect(queued?.reasons).toEqual(expect.arrayContaining(['flagged', 'hidden']));
  });

  it('lets the author change their post on a phone: marked edited, shown as text; a stale change is refused', async () => {
    const TITLE = 'Metodik birlik (e2e)';
    const CHANGED = 'İclas şənbə günüdür. <b>qalın</b><img src=x onerror="window.__xss = 3">';
    const teacher = await apiLogin(server.url, 'teacher');
    const boards = (await teacher.get<{ boards: Board[] }>('/portal/discuss/boards')).body.boards;
    const board = boards.filter((b) => b.audience === 'teachers' && b.place.kind === 'institution')[0]!;
    const threadId = (
      await teacher.get<{ threads: { id: number; title: string }[] }>(`/portal/discuss/boards/${board.id}`)
    ).body.threads.find((x) => x.title === TITLE)!.id;
    const before = (
      await teacher.get<Thread & { posts: { version: number }[] }>(`/portal/discuss/threads/${threadId}`)
    ).body.posts[0]!;
    await onPhoneAs(browser, server.url, 'teacher', DEMO_PASSWORD, async (page) => {
      await openSchoolBoard(page, 'Müəllimlər');
      await page.getByRole('link', { name: TITLE }).click();
      await expect.poll(() => heading(page), HEADING).toBe(TITLE);
      const post = page.locator('li.portal-post').first();
      await post.getByRole('button', { name: 'Düzəliş et' }).click();
      const form = post.getByRole('form', { name: 'Yazınıza düzəliş edin' });
      await form.getByLabel('Mətn', { exact: true }).fill(CHANGED);
      await expectGoodPage(page, 'portal-discuss-edit');
      await form.getByRole('button', { name: 'Yadda saxla' }).click();
      await expect
        .poll(() => page.getByRole('status').filter({ hasText: 'Dəyişikliyiniz yadda saxlanıldı' }).count())
        .toBe(1);
      await expect.poll(() => post.locator('.portal-post-body').innerText()).toBe(CHANGED);
      expect(await post.locator('.portal-edited').innerText()).toBe('düzəliş edilib');
      expect(await page.locator('.portal-post-body b, .portal-post-body img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    });
    // A change from the version read before is refused: it would overwrite the one just made.
    const stale = await teacher.call('PUT', `/portal/discuss/posts/${before.id}`, {
      body: 'Köhnə variantdan',
      version: before.version,
    });
    expect(stale.status).toBe(409);
    const now = (await teacher.get<Thread>(`/portal/discuss/threads/${threadId}`)).body.posts[0]!;
    expect(now.body).toBe(CHANGED);
  });
});
