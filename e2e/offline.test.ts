import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { JobWorker } from '@/server/jobs';
import { LocalStorage } from '@/server/storage';
import * as library from '@/modules/library/library.service';
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
} from './support/browser';

const TITLE = 'Təbiət: suyun dövranı';

describe('saving for offline use', () => {
  let server: TestServer;
  let browser: Browser;
  let videoId: number;
  beforeAll(async () => {
    server = await startServer({ demoLibrary: true });
    const db = server.running.database.db;
    const env = { storage: new LocalStorage(server.config.storageDir), media: server.config.media };
    const author = await createUserWithRole(db, 'editor');
    const reviewer = await createUserWithRole(db, 'editor');
    const r = await library.createResource(
      db,
      env,
      { actorId: author.id, ip: null },
      {
        type: 'video_lesson',
        title: TITLE,
        language: 'az',
        level: 'general',
        grades: [4],
        subject: 'mathematics',
        authors: [],
        publisher: null,
        licence: 'cc_by',
        accessibility: [],
      },
      'az',
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-e2e-offline-'));
    const video = path.join(dir, 'lesson.mp4');
    // Eight seconds with a keyframe every second, so that a seek to the middle lands inside the file.
    execFileSync(server.config.media.ffmpeg, [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=640x360:rate=10:duration=8',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=8',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '10',
      '-c:a',
      'aac',
      '-shortest',
      video,
    ]);
    await library.registerUpload(
      db,
      env,
      { actorId: author.id, ip: null },
      { resourceId: r.id, role: 'main', path: video, originalName: 'lesson.mp4' },
    );
    await new JobWorker(db, { [library.MEDIA_QUEUE]: library.mediaJob(db, env) }).drain();
    await library.submitResource(db, env, { actorId: author.id, ip: null }, r.id);
    await library.reviewResource(db, env, { actorId: reviewer.id, ip: null }, r.id, 'publish');
    videoId = r.id;
    fs.rmSync(dir, { recursive: true, force: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('saves the chosen quality of a video, which then plays and seeks with no network', async () => {
    const { page, context } = await openPage(browser, server.url, PHONE);
    try {
      const media: { status: number; fromWorker: boolean }[] = [];
      page.on('response', (response) => {
        const type = response.headers()['content-type'] ?? '';
        if (
          /\/api\/library\/files\/\d+$/.test(new URL(response.url()).pathname) &&
          type.startsWith('video/')
        ) {
          media.push({ status: response.status(), fromWorker: response.fromServiceWorker() });
        }
      });
      await page.goto(`${server.url}/resources/${videoId}`);
      await expect.poll(() => heading(page), HEADING).toBe(TITLE);
      // The viewer picks 240p; the button offers to save that, with its size, before anything is fetched.
      const quality = page.getByLabel(/^Keyfiyyət/);
      const options = await quality.locator('option').allInnerTexts();
      const option240 = options.find((o) => o.startsWith('240p'))!;
      await quality.selectOption({ label: option240 });
      // (The size is the rendition's and its poster's.)
      const save = page.getByRole('button', { name: /^Oflayn üçün saxla \(240p, [\d.,]+ (KB|MB)\)$/ });
      expect(media).toEqual([]);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await save.click();
      await page.getByText('Bu cihazda oflayn istifadə üçün saxlanılıb (240p).').waitFor({ timeout: 60_000 });
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      await screenshot(page, 'offline-saved-az-360');

      await context.setOffline(true);
      // Really offline: what was not saved cannot be fetched.
      expect(
        await page.evaluate(() =>
          fetch('/api/library/search?q=su').then(
            () => 'fetched',
            () => 'failed',
          ),
        ),
      ).toBe('failed');
      media.length = 0;
      await page.reload();
      await expect.poll(() => heading(page), HEADING).toBe(TITLE);
      const video = page.locator('.player video');
      expect(await video.getAttribute('data-quality')).toBe('240p');
      const played = await video.evaluate(async (v: HTMLVideoElement) => {
        v.muted = true;
        await v.play();
        const middle = v.duration / 2;
        const seeked = new Promise<void>((resolve, reject) => {
          v.addEventListener('seeked', () => resolve(), { once: true });
          v.addEventListener('error', () => reject(new Error(`media error ${v.error?.code}`)), {
            once: true,
          });
        });
        v.currentTime = middle;
        await seeked;
        const at = v.currentTime;
        // It goes on playing from there.
        await new Promise<void>((resolve) => {
          const check = () => (v.currentTime > at + 0.3 ? resolve() : setTimeout(check, 50));
          check();
        });
        return { duration: v.duration, middle, at, error: v.error };
      });
      expect(played.duration).toBeGreaterThan(7);
      expect(played.error).toBeNull();
      expect(Math.abs(played.at - played.middle)).toBeLessThan(1);
      // Every byte of it came from the saved copy, in ranges.
      expect(media.length).toBeGreaterThan(0);
      for (const m of media) expect(m).toEqual({ status: 206, fromWorker: true });
      // Any part of it is answered from the saved copy: the bytes asked for, with their Content-Range.
      const src = (await video.getAttribute('src'))!;
      const part = await page.evaluate(async (url) => {
        const whole = new Uint8Array(await (await fetch(url)).arrayBuffer());
        const r = await fetch(url, { headers: { range: 'bytes=1000-1999' } });
        const bytes = new Uint8Array(await r.arrayBuffer());
        return {
          status: r.status,
          range: r.headers.get('content-range'),
          same: bytes.length === 1000 && bytes.every((b, i) => b === whole[1000 + i]),
          size: whole.length,
        };
      }, src);
      expect(part).toEqual({
        status: 206,
        range: `bytes 1000-1999/${part.size}`,
        same: true,
        size: part.size,
      });

      // The list of what is saved opens offline too, with sizes and the space used; removing empties it.
      await page.goto(`${server.url}/offline`);
      await expect.poll(() => heading(page), HEADING).toBe('Oflayn üçün saxlanılanlar');
      const item = page.locator('.offline-list li').filter({ hasText: TITLE });
      await item.waitFor();
      expect(await item.locator('.meta').innerText()).toMatch(/Video dərs · [\d.,]+ (KB|MB) · /);
      await page.getByText(/Bu sayt bu cihazda [\d.,]+ (KB|MB) istifadə edir/).waitFor();
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'offline-list-az-360');
      await item.getByRole('button', { name: `“${TITLE}” bu cihazdan sil` }).click();
      await page.getByText(/hələ heç nə saxlanılmayıb/).waitFor();
    } finally {
      await context.close();
    }
  }, 180_000);

  it('saves a whole grade and subject at once, its size said first', async () => {
    const { page, context } = await openPage(browser, server.url, PHONE);
    try {
      await page.goto(`${server.url}/resources?grade=4&subject=mathematics`);
      await expect.poll(() => heading(page), HEADING).toBe('Tədris resursları');
      const save = page.getByRole('button', {
        name: /^Hamısını \((\d+)\) oflayn üçün saxla \([\d.,]+ (KB|MB)\)$/,
      });
      await save.waitFor();
      const n = Number(/\((\d+)\)/.exec(await save.innerText())![1]);
      expect(n).toBeGreaterThan(1);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await save.click();
      await page.getByText(`${n} resursun hamısı bu cihazda saxlanılıb.`).waitFor({ timeout: 60_000 });
      await context.setOffline(true);
      await page.goto(`${server.url}/offline`);
      await expect.poll(() => page.locator('.offline-list li').count(), HEADING).toBe(n);
      expect(await page.locator('.offline-list li').filter({ hasText: TITLE }).count()).toBe(1);
      // A saved textbook opens in the reader directly, with no network: the worker kept pdf.js when the book
      // was saved, so its page does not wait for "Open the book".
      await page.getByRole('link', { name: 'Riyaziyyat. 4-cü sinif. Dərslik' }).first().click();
      await expect.poll(() => heading(page), HEADING).toBe('Riyaziyyat. 4-cü sinif. Dərslik');
      await page.waitForFunction(() => {
        const c = document.querySelector<HTMLCanvasElement>('.reader canvas');
        return c !== null && c.width > 100 && c.getAttribute('data-page') === '1';
      });
    } finally {
      await context.close();
    }
  }, 120_000);
});
