import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import { LocalStorage } from '@/server/storage';
import { createTestDatabase, testConfig } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { loadCountryPackFrom } from '@/modules/institutions/country-pack';
import * as library from '@/modules/library/library.service';
import type { ResourceBody } from '@/modules/library/library.schema';
import type { TextbookGrid } from '@/modules/library/textbooks.schema';
import { pdfBytes } from '@test/files';

/** A small PDF of a given size, so each book's size can be told apart. */
const pdf = (bytes: number) => pdfBytes(bytes);

describe('the e-textbook portal API', () => {
  let database: Database;
  let app: FastifyInstance;
  let dir: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCountryPackFrom(database.db);
    const config = testConfig();
    app = await buildApp(config, database);
    await app.ready();
    const db = database.db;
    const env = { storage: new LocalStorage(config.storageDir), media: config.media };
    const author = { actorId: (await createUserWithRole(db, 'editor')).id, ip: null };
    const reviewer = { actorId: (await createUserWithRole(db, 'editor')).id, ip: null };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-textbooks-'));
    const base: ResourceBody = {
      type: 'e_textbook',
      title: '',
      language: 'az',
      level: 'general',
      grades: [5],
      subject: 'mathematics',
      authors: ['Nəzakət Məmmədova'],
      publisher: 'Təhsil Nazirliyi',
      licence: 'cc_by_nc_nd',
      accessibility: [],
    };
    /** Writes a resource with a PDF of `bytes` bytes, and takes it as far as `state`. */
    const make = async (
      name: string,
      over: Partial<ResourceBody>,
      bytes: number | null,
      state: 'draft' | 'published' | 'unpublished' = 'published',
    ) => {
      const r = await library.createResource(db, env, author, { ...base, title: name, ...over }, 'az');
      if (bytes !== null) {
        const file = path.join(dir, `${r.id}.pdf`);
        fs.writeFileSync(file, pdf(bytes));
        await library.registerUpload(db, env, author, {
          resourceId: r.id,
          role: 'main',
          path: file,
          originalName: 'book.pdf',
        });
      }
      if (state !== 'draft') {
        await library.submitResource(db, env, author, r.id);
        await library.reviewResource(db, env, reviewer, r.id, 'publish');
      }
      if (state === 'unpublished') await library.unpublishResource(db, env, reviewer, r.id);
      ids[name] = r.id;
    };
    await make('Riyaziyyat. 5-ci sinif. Dərslik', { pages: 180 }, 4000);
    await make('Riyaziyyat. 5-ci sinif. Müəllim üçün metodik vəsait', { type: 'teacher_guide' }, 3000);
    await make('Математика. 5 класс. Учебник', { language: 'ru' }, 5000);
    await make('Fizika. 10–11-ci siniflər. Dərslik', { subject: 'physics', grades: [10, 11] }, 6000);
    await make('Riyaziyyat. 6-cı sinif. Dərslik (qaralama)', { grades: [6] }, null, 'draft');
    await make(
      'Biologiya. 7-ci sinif. Dərslik (geri çəkilib)',
      { subject: 'biology', grades: [7] },
      2000,
      'unpublished',
    );
    await make('Kəsrlər: video dərs', { type: 'video_lesson' }, 2500);
    await make('Ali məktəb üçün riyaziyyat', { level: 'higher', grades: [], subject: 'mathematics' }, 2500);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const grid = async (query = '') => {
    const res = await app.inject({ method: 'GET', url: `/api/library/textbooks${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<TextbookGrid>();
  };
  const titles = (books: { title: string }[]) => books.map((b) => b.title);

  it('lays out published textbooks and guides by grade and subject, for anyone, with their sizes', async () => {
    const { cells } = await grid();
    expect(cells.map((c) => [c.grade, c.subject])).toEqual([
      [5, 'mathematics'],
      [10, 'physics'],
      [11, 'physics'],
    ]);
    const five = cells[0]!;
    expect(titles(five.textbooks)).toEqual([
      'Riyaziyyat. 5-ci sinif. Dərslik',
      'Математика. 5 класс. Учебник',
    ]);
    expect(titles(five.guides)).toEqual(['Riyaziyyat. 5-ci sinif. Müəllim üçün metodik vəsait']);
    const book = five.textbooks[0]!;
    expect(book).toMatchObject({
      id: ids['Riyaziyyat. 5-ci sinif. Dərslik'],
      language: 'az',
      pages: 180,
      authors: ['Nəzakət Məmmədova'],
      sizeBytes: 4000,
      contentType: 'application/pdf',
    });
    // The size and the download address are those of the file that is served.
    const file = await app.inject({ method: 'GET', url: book.url! });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.length).toBe(4000);
    // A book for two grades sits in both cells.
    expect(cells[1]!.textbooks[0]!.id).toBe(cells[2]!.textbooks[0]!.id);
  });

  it('leaves out drafts, unpublished books, other kinds and other levels', async () => {
    const all = (await grid()).cells.flatMap((c) => [...c.textbooks, ...c.guides]).map((b) => b.id);
    for (const name of [
      'Riyaziyyat. 6-cı sinif. Dərslik (qaralama)',
      'Biologiya. 7-ci sinif. Dərslik (geri çəkilib)',
      'Kəsrlər: video dərs',
      'Ali məktəb üçün riyaziyyat',
    ])
      expect(all).not.toContain(ids[name]);
  });

  it('filters by language, and refuses a language it does not know in the one error shape', async () => {
    const ru = await grid('?language=ru');
    expect(ru.cells).toHaveLength(1);
    expect(titles(ru.cells[0]!.textbooks)).toEqual(['Математика. 5 класс. Учебник']);
    expect(ru.cells[0]!.guides).toEqual([]);
    expect((await grid('?language=en')).cells).toEqual([]);
    const bad = await app.inject({
      method: 'GET',
      url: '/api/library/textbooks?language=fr',
      headers: { 'accept-language': 'az' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ field: 'language' }] },
    });
  });
});
