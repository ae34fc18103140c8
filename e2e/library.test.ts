import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { JobWorker } from '@/server/jobs';
import { tablePdf } from '@/server/pdf';
import { LocalStorage } from '@/server/storage';
import * as library from '@/modules/library/library.service';
import type { ResourceBody } from '@/modules/library/library.schema';
import { createUserWithRole } from '@test/factories';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { startServer, type TestServer } from './support/server';
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

const VIDEO_TITLE = 'Məktəbəqədər hazırlıq: rənglər və formalar';
const BOOK_TITLE = 'Məktəb riyaziyyatı: 5-ci sinif üçün tapşırıqlar';

/** The page is usable on a phone and has no serious accessibility problem. */
async function checkPage(page: Page, name: string) {
  expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, name);
}

describe('the digital library in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let dir: string;
  let video: string;
  let book: string;
  let reviewer: { username: string; password: string };
  let videoId = 0;
  let bookId = 0;
  let bigBookId = 0;
  let bigBookBytes = 0;
  let worker: JobWorker | undefined;

  beforeAll(async () => {
    server = await startServer();
    const db = server.running.database.db;
    // The demo country has one editor; a second one reviews what the first writes.
    const second = await createUserWithRole(db, 'editor');
    reviewer = { username: second.username, password: second.password };

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-e2e-library-'));
    video = path.join(dir, 'rənglər.mp4');
    execFileSync(server.config.media.ffmpeg, [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=640x360:rate=10:duration=3',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=3',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      '-shortest',
      video,
    ]);
    book = path.join(dir, 'riyaziyyat.pdf');
    fs.writeFileSync(
      book,
      await tablePdf({
        title: 'Riyaziyyat 5',
        subtitle: ['Tapşırıqlar'],
        columns: [
          { heading: '№', width: 1, numeric: true },
          { heading: 'Tapşırıq', width: 8 },
        ],
        rows: Array.from({ length: 80 }, (_, i) => [i + 1, `Məsələ ${i + 1}: kəsrlərin toplanması`]),
        footer: (n, pages) => `${n} / ${pages}`,
      }),
    );

    // A long e-textbook for the reader's range test, written and published on the server's side.
    const env = { storage: new LocalStorage(server.config.storageDir), media: server.config.media };
    const author = await createUserWithRole(db, 'editor');
    const body: ResourceBody = {
      type: 'e_textbook',
      title: 'Riyaziyyat 5: dərslik',
      language: 'az',
      level: 'general',
      grades: [5],
      subject: null,
      authors: [],
      publisher: null,
      licence: 'cc_by',
      accessibility: [],
    };
    const big = await library.createResource(db, env, { actorId: author.id, ip: null }, body, 'az');
    const bigPdf = path.join(dir, 'book.pdf');
    fs.writeFileSync(
      bigPdf,
      await tablePdf({
        title: 'Riyaziyyat 5',
        subtitle: ['Dərslik'],
        columns: [
          { heading: '№', width: 1, numeric: true },
          { heading: 'Tapşırıq', width: 8 },
        ],
        rows: Array.from({ length: 12_000 }, (_, i) => [
          i + 1,
          i === 6000 ? 'Çoxbucaqlının perimetri' : `Məsələ ${i + 1}: ${'kəsrlərin toplanması '.repeat(3)}`,
        ]),
        footer: (n, pages) => `${n} / ${pages}`,
      }),
    );
    bigBookBytes = fs.statSync(bigPdf).size;
    await library.registerUpload(
      db,
      env,
      { actorId: author.id, ip: null },
      { resourceId: big.id, role: 'main', path: bigPdf, originalName: 'book.pdf' },
    );
    await library.submitResource(db, env, { actorId: author.id, ip: null }, big.id);
    await library.reviewResource(db, env, { actorId: second.id, ip: null }, big.id, 'publish');
    bigBookId = big.id;
    // The test server runs no jobs (RUN_JOBS is off in tests): this process processes the uploaded video.
    worker = new JobWorker(db, { [library.MEDIA_QUEUE]: library.mediaJob(db, env) });
    worker.start();
    browser = await launchBrowser();
  }, 700_000);
  afterAll(async () => {
    await worker?.stop();
    await browser?.close();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Creates a draft through the form and returns its id, once its page is open. */
  async function createDraft(page: Page, type: string, title: string, grade: string) {
    await page.goto('/library');
    await page.getByRole('link', { name: 'Yeni resurs' }).click();
    await page.waitForURL('**/library/new');
    await page.getByLabel('Resursun növü').selectOption(type);
    await page.getByLabel('Adı', { exact: true }).fill(title);
    await page.getByRole('checkbox', { name: grade, exact: true }).check();
    await page.getByLabel('Müəlliflər').fill('Aynur Həsənova\nRauf Məmmədov');
    await page.getByRole('button', { name: 'Qaralamanı yarat' }).click();
    await page.waitForURL(/\/library\/resources\/\d+$/);
    await expect.poll(() => heading(page), HEADING).toBe(title);
    return Number(new URL(page.url()).pathname.split('/').pop());
  }

  /** Chooses a file and uploads it, waiting for the upload to finish or be refused. */
  async function uploadFile(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }) {
    await page.getByLabel('Fayl', { exact: true }).setInputFiles(file);
    await page.getByRole('button', { name: 'Yüklə', exact: true }).click();
    await page.locator('form.upload .saved, form.upload .error').first().waitFor({ timeout: 60_000 });
  }

  it('an editor describes and uploads a video and a PDF; a second editor reviews and publishes them', async () => {
    const a = await openPage(browser, server.url, PHONE);
    const b = await openPage(browser, server.url, PHONE);
    try {
      const author = a.page;
      await signIn(author, 'editor', DEMO_PASSWORD);
      await expect.poll(() => heading(author), HEADING).toBe('Kitabxana');
      await author.locator('.notice h2').waitFor();
      await checkPage(author, 'library-editor-home-az-360');

      // The form shows the API's problems next to their fields: a TV lesson needs its channel and air date.
      await author.getByRole('link', { name: 'Yeni resurs' }).click();
      await author.waitForURL('**/library/new');
      await author.getByLabel('Resursun növü').selectOption('tv_lesson');
      await author.getByLabel('Adı', { exact: true }).fill(VIDEO_TITLE);
      await author.getByRole('button', { name: 'Qaralamanı yarat' }).click();
      const channel = author.getByLabel('Telekanal');
      await expect.poll(() => channel.getAttribute('aria-invalid')).toBe('true');
      const channelError = author.locator(`#${await channel.getAttribute('aria-describedby')}`);
      expect(await channelError.innerText()).toBe('teledərs üçün mütləqdir');
      expect(await author.getByLabel('Efir tarixi').getAttribute('aria-invalid')).toBe('true');
      await checkPage(author, 'library-editor-form-errors-az-360');
      expect(author.url()).toMatch(/\/library\/new$/);

      videoId = await createDraft(author, 'video_lesson', VIDEO_TITLE, '1');

      // A program renamed to .mp4 is refused by its content, and said so plainly, in each language.
      await uploadFile(author, {
        name: 'dərs.mp4',
        mimeType: 'video/mp4',
        buffer: fs.readFileSync('/bin/true'),
      });
      const refusal = author.locator('form.upload .error[role="alert"]');
      expect(await refusal.innerText()).toContain('adı dəyişdirilmiş fayl qəbul edilmir');
      await checkPage(author, 'library-editor-refused-az-360');
      await switchLanguage(author, 'en');
      await expect.poll(() => refusal.innerText()).toContain('a renamed file is refused');
      await switchLanguage(author, 'ru');
      await expect.poll(() => refusal.innerText()).toContain('переименованный файл не принимается');
      await switchLanguage(author, 'az');
      expect(await author.locator('ul.lib-files li').count()).toBe(0);

      // The video's first request is cut off: the client asks the server where it stopped and goes on.
      const methods: string[] = [];
      const record = (request: { url(): string; method(): string }) => {
        if (/\/api\/library\/uploads\/[0-9a-f]+$/.test(request.url())) methods.push(request.method());
      };
      author.on('request', record);
      await author.route('**/api/library/uploads/*', (route) => route.abort('connectionreset'), { times: 1 });
      await uploadFile(author, video);
      author.off('request', record);
      expect(await author.locator('form.upload .saved').innerText()).toBe('Yükləndi: rənglər.mp4.');
      expect(methods).toEqual(['PATCH', 'HEAD', 'PATCH']);
      // Processed on the server into renditions; the page follows by itself.
      await author.getByText('Emal olundu: 144p, 240p, 360p.', { exact: true }).waitFor({ timeout: 240_000 });
      expect(await author.locator('ul.lib-files').innerText()).toContain('versiya 1');
      await checkPage(author, 'library-editor-resource-az-360');
      // Its captions, a WebVTT file, go with it.
      await author.getByLabel('Fayl nədir').selectOption('caption');
      await uploadFile(author, {
        name: 'subtitrlər.vtt',
        mimeType: 'text/vtt',
        buffer: Buffer.from('WEBVTT\n\n00:00.000 --> 00:02.000\nSalam, məktəb!\n'),
      });
      await expect
        .poll(() => author.locator('form.upload .saved').innerText(), { timeout: 30_000 })
        .toBe('Yükləndi: subtitrlər.vtt.');
      await author.getByRole('button', { name: 'Yoxlamaya göndər' }).click();
      await author.getByText('Başqa redaktorun yoxlaması gözlənilir', { exact: false }).waitFor();
      expect(await author.locator('.badge').first().innerText()).toBe('Yoxlamada');

      // The book, uploaded with a progress bar.
      bookId = await createDraft(author, 'e_textbook', BOOK_TITLE, '5');
      await author.getByLabel('Fayl', { exact: true }).setInputFiles(book);
      await author.getByRole('button', { name: 'Yüklə', exact: true }).click();
      const progress = author.getByRole('progressbar', { name: 'Yükləmənin gedişi' });
      await progress.waitFor();
      await author.locator('form.upload .saved').waitFor();
      await author.getByRole('button', { name: 'Yoxlamaya göndər' }).click();
      await author.getByText('Başqa redaktorun yoxlaması gözlənilir', { exact: false }).waitFor();

      // The second editor sees both waiting, previews them, returns the book with a note and publishes the video.
      const rev = b.page;
      await signIn(rev, reviewer.username, reviewer.password);
      await rev.getByText('Sizin yoxlamanızı gözləyən resurslar: 2.').waitFor();
      await rev.getByRole('link', { name: 'Yoxlama siyahısını aç' }).click();
      await rev.waitForURL('**/library/review');
      await checkPage(rev, 'library-editor-review-az-360');
      await rev.getByRole('link', { name: VIDEO_TITLE }).click();
      await rev.waitForURL(`**/library/resources/${videoId}`);
      await rev.locator('.player video').waitFor();
      await checkPage(rev, 'library-editor-review-video-az-360');
      await rev.getByRole('button', { name: 'Dərc et' }).click();
      await rev.getByText('Bu resurs ictimai kitabxanadadır.').waitFor();
      await expect
        .poll(() => rev.locator('.lib-history li').allInnerTexts())
        .toEqual([
          expect.stringContaining('yaradıldı'),
          expect.stringContaining('yoxlamaya göndərildi'),
          expect.stringContaining('dərc olundu · siz'),
        ]);

      await rev.goto(`/library/resources/${bookId}`);
      await expect.poll(() => heading(rev), HEADING).toBe(BOOK_TITLE);
      // The book previews in the reader.
      await rev.waitForFunction(() => {
        const c = document.querySelector<HTMLCanvasElement>('.reader canvas');
        return c !== null && c.width > 100;
      });
      await rev.getByRole('button', { name: 'Müəllifə qaytar' }).click();
      await rev.getByText('Müəllifin nəyi dəyişməli olduğunu yazın.').waitFor();
      await rev.getByLabel(/^Müəllif üçün qeyd/).fill('Üz qabığını əlavə edin');
      await rev.getByRole('button', { name: 'Müəllifə qaytar' }).click();
      await expect.poll(() => rev.locator('.badge').first().innerText()).toBe('Qaralama');

      // The author sees why, sends it again, and the second editor publishes it.
      await author.goto(`/library/resources/${bookId}`);
      await author.getByText('«Üz qabığını əlavə edin»').waitFor();
      await author.getByRole('button', { name: 'Yoxlamaya göndər' }).click();
      await author.getByText('Başqa redaktorun yoxlaması gözlənilir', { exact: false }).waitFor();
      await rev.reload();
      await rev.getByRole('button', { name: 'Dərc et' }).click();
      await rev.getByText('Bu resurs ictimai kitabxanadadır.').waitFor();
    } finally {
      await a.context.close();
      await b.context.close();
    }
  }, 700_000);

  it('a visitor without an account finds "Məktəb…" by typing mekteb, picks 240p before playing, and reads the book', async () => {
    expect(videoId).toBeGreaterThan(0);
    const { page, context } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto(`${server.url}/resources`);
      await expect.poll(() => heading(page), HEADING).toBe('Tədris resursları');
      await page.getByLabel('Kitabxanada axtar').fill('mekteb');
      await page.getByRole('button', { name: 'Tap' }).click();
      const hit = page.locator('ul.resources li').filter({ hasText: 'hazırlıq' });
      await hit.waitFor();
      // The matched word is marked in the title, whatever letters the visitor typed.
      expect(await hit.locator('mark').first().innerText()).toMatch(/^Məktəb/);
      expect(await hit.locator('.meta').innerText()).toMatch(/Video dərs.*(KB|MB)/);
      expect(page.url()).toContain('q=mekteb');
      await checkPage(page, 'library-search-az-360');

      await hit.getByRole('link').click();
      await page.waitForURL(`**/resources/${videoId}`);
      await expect.poll(() => heading(page), HEADING).toBe(VIDEO_TITLE);
      const quality = page.getByLabel(/^Keyfiyyət/);
      const options = await quality.locator('option').allInnerTexts();
      // Every rendition up to the source's 360p, and sound only, each with the size it downloads.
      expect(options.map((o) => o.split(' — ')[0])).toEqual(['144p', '240p', '360p', 'Yalnız səs']);
      for (const o of options) expect(o).toMatch(/— [\d.,]+ (KB|MB)$/);
      await quality.selectOption({ label: options[1]! });
      const player = page.locator('.player video');
      expect(await player.getAttribute('data-quality')).toBe('240p');
      // It plays: the browser reads the 240p MP4 through Range requests and gets its duration.
      const duration = await player.evaluate(async (v: HTMLVideoElement) => {
        v.muted = true;
        await v.play();
        return v.duration;
      });
      expect(duration).toBeGreaterThan(2);
      expect(await player.getAttribute('src')).toMatch(/^\/api\/library\/files\/\d+$/);
      // Its captions are offered by the player, in the resource's language.
      const track = player.locator('track[kind="captions"]');
      expect(await track.getAttribute('label')).toBe('Subtitrlər (Azərbaycan dili)');
      expect(await track.getAttribute('srclang')).toBe('az');
      await checkPage(page, 'library-resource-az-360');

      // The choice is kept on this device for the next video; sound only plays an audio element.
      await page.reload();
      // Playing it counted a view, shown with the resource.
      await expect.poll(() => page.locator('dl.record').innerText(), HEADING).toMatch(/Açılıb\s+1 dəfə/);
      expect(await page.locator('.player video').getAttribute('data-quality')).toBe('240p');
      await page.getByLabel(/^Keyfiyyət/).selectOption({ label: options[3]! });
      expect(await page.locator('.player audio').getAttribute('data-quality')).toBe('audio');

      await switchLanguage(page, 'ru');
      await page.getByLabel(/^Качество/).waitFor();
      expect(await page.getByText('Видеоурок', { exact: true }).count()).toBe(1);
      await switchLanguage(page, 'en');
      await page.getByLabel(/^Quality/).waitFor();
      await switchLanguage(page, 'az');

      // The book the editor uploaded, published by the second editor: its first page.
      await page.goto(`${server.url}/resources`);
      await page.getByLabel('Kitabxanada axtar').fill('mekteb');
      await page.getByRole('button', { name: 'Tap' }).click();
      await page.getByRole('link', { name: /riyaziyyatı: 5-ci sinif/ }).click();
      await page.waitForURL(`**/resources/${bookId}`);
      await expect.poll(() => heading(page), HEADING).toBe(BOOK_TITLE);
      await page.getByRole('button', { name: 'Kitabı aç' }).click();
      await page.waitForFunction(() => {
        const c = document.querySelector<HTMLCanvasElement>('.reader canvas');
        return c !== null && c.width > 100;
      });
      expect(await page.locator('.reader canvas').getAttribute('data-page')).toBe('1');
      await checkPage(page, 'library-book-az-360');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('reads a long book page by page in ranges, turns pages and finds words', async () => {
    const { page, context } = await openPage(browser, server.url, PHONE);
    try {
      let fetched = 0;
      let ranges = 0;
      // pdf.js opens the file, sees it may ask for ranges and drops that first answer, then asks for parts.
      page.on('response', (response) => {
        if (response.url().includes('/api/library/files/') && response.status() === 206) {
          fetched += Number(response.headers()['content-length'] ?? 0);
          ranges += 1;
        }
      });
      await page.goto(`${server.url}/resources/${bigBookId}`);
      await expect.poll(() => heading(page), HEADING).toBe('Riyaziyyat 5: dərslik');
      await page.getByRole('button', { name: 'Kitabı aç' }).click();
      const canvas = page.locator('.reader canvas');
      await page.getByText(/^\/ \d+$/).waitFor();
      await page.waitForFunction(() => {
        const c = document.querySelector<HTMLCanvasElement>('.reader canvas');
        return c !== null && c.width > 100;
      });
      expect(await canvas.getAttribute('data-page')).toBe('1');
      // The book is read in ranges, never in one piece. (This book is written with one flat page tree, so
      // pdf.js reads every page's dictionary to count them: a linearized book opens with less.)
      expect(ranges).toBeGreaterThan(1);
      expect(fetched).toBeLessThanOrEqual(bigBookBytes);
      await checkPage(page, 'library-reader-az-360');

      await page.getByRole('button', { name: 'Növbəti səhifə' }).click();
      expect(await canvas.getAttribute('data-page')).toBe('2');
      await page.getByLabel('Kitabda axtar').fill('perimetri');
      await page.getByRole('button', { name: 'Tap' }).click();
      const found = page.locator('.reader p').filter({ hasText: 'Tapıldığı səhifələr' }).getByRole('button');
      await found.first().waitFor({ timeout: 60_000 });
      expect(await found.count()).toBe(1);
      const target = await found.first().innerText();
      await found.first().click();
      expect(await canvas.getAttribute('data-page')).toBe(target);
    } finally {
      await context.close();
    }
  }, 120_000);
});
