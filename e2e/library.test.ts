import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { JobWorker } from '@/server/jobs';
import { LocalStorage } from '@/server/storage';
import { tablePdf } from '@/server/pdf';
import * as library from '@/modules/library/library.service';
import type { ResourceBody } from '@/modules/library/library.schema';
import { createUserWithRole } from '@test/factories';
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
  switchLanguage,
} from './support/browser';

const TITLE = 'Məktəbəqədər hazırlıq: rənglər və formalar';

describe('the public library', () => {
  let server: TestServer;
  let browser: Browser;
  let resourceId: number;
  let bookId: number;
  let bookBytes: number;
  beforeAll(async () => {
    server = await startServer();
    // A video lesson written by one editor, processed by the real media job, published by another.
    const db = server.running.database.db;
    const env = { storage: new LocalStorage(server.config.storageDir), media: server.config.media };
    const author = await createUserWithRole(db, 'editor');
    const reviewer = await createUserWithRole(db, 'editor');
    const body: ResourceBody = {
      type: 'video_lesson',
      title: TITLE,
      language: 'az',
      level: 'general',
      grades: [1],
      subject: null,
      authors: ['Aynur Həsənova'],
      publisher: null,
      licence: 'cc_by',
      accessibility: [],
    };
    const r = await library.createResource(db, env, { actorId: author.id, ip: null }, body, 'az');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-e2e-video-'));
    const video = path.join(dir, 'lesson.mp4');
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
    await library.registerUpload(
      db,
      env,
      { actorId: author.id, ip: null },
      {
        resourceId: r.id,
        role: 'main',
        path: video,
        originalName: 'lesson.mp4',
      },
    );
    await new JobWorker(db, { [library.MEDIA_QUEUE]: library.mediaJob(db, env) }).drain();
    await library.submitResource(db, env, { actorId: author.id, ip: null }, r.id);
    await library.reviewResource(db, env, { actorId: reviewer.id, ip: null }, r.id, 'publish');
    resourceId = r.id;

    // An e-textbook of many pages, written with the platform's own PDF writer.
    const book = await library.createResource(
      db,
      env,
      { actorId: author.id, ip: null },
      { ...body, type: 'e_textbook', title: 'Riyaziyyat 5: dərslik', authors: [] },
      'az',
    );
    const pdf = path.join(dir, 'book.pdf');
    fs.writeFileSync(
      pdf,
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
    bookBytes = fs.statSync(pdf).size;
    await library.registerUpload(
      db,
      env,
      { actorId: author.id, ip: null },
      {
        resourceId: book.id,
        role: 'main',
        path: pdf,
        originalName: 'book.pdf',
      },
    );
    await library.submitResource(db, env, { actorId: author.id, ip: null }, book.id);
    await library.reviewResource(db, env, { actorId: reviewer.id, ip: null }, book.id, 'publish');
    bookId = book.id;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a visitor without an account finds "Məktəb…" by typing mekteb, picks 240p before playing, and it is remembered', async () => {
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
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'library-search-az-360');

      await hit.getByRole('link').click();
      await page.waitForURL(`**/resources/${resourceId}`);
      await expect.poll(() => heading(page), HEADING).toBe(TITLE);
      const quality = page.getByLabel(/^Keyfiyyət/);
      const options = await quality.locator('option').allInnerTexts();
      // Every rendition up to the source's 360p, and sound only, each with the size it downloads.
      expect(options.map((o) => o.split(' — ')[0])).toEqual(['144p', '240p', '360p', 'Yalnız səs']);
      for (const o of options) expect(o).toMatch(/— [\d.,]+ (KB|MB)$/);
      await quality.selectOption({ label: options[1]! });
      const video = page.locator('.player video');
      expect(await video.getAttribute('data-quality')).toBe('240p');
      // It plays: the browser reads the 240p MP4 through Range requests and gets its duration.
      const duration = await video.evaluate(async (v: HTMLVideoElement) => {
        v.muted = true;
        await v.play();
        return v.duration;
      });
      expect(duration).toBeGreaterThan(2);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'library-resource-az-360');

      // The choice is kept on this device for the next video; sound only plays an audio element.
      await page.reload();
      expect(await page.locator('.player video').getAttribute('data-quality')).toBe('240p');
      await page.getByLabel(/^Keyfiyyət/).selectOption({ label: options[3]! });
      expect(await page.locator('.player audio').getAttribute('data-quality')).toBe('audio');

      await switchLanguage(page, 'ru');
      await page.getByLabel(/^Качество/).waitFor();
      expect(await page.getByText('Видеоурок', { exact: true }).count()).toBe(1);
      await switchLanguage(page, 'en');
      await page.getByLabel(/^Quality/).waitFor();
    } finally {
      await context.close();
    }
  }, 120_000);

  it('reads a book page by page in ranges, turns pages and finds words', async () => {
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
      await page.goto(`${server.url}/resources/${bookId}`);
      await expect.poll(() => heading(page), HEADING).toBe('Riyaziyyat 5: dərslik');
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
      expect(fetched).toBeLessThanOrEqual(bookBytes);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'library-reader-az-360');

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
