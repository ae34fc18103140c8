import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Database } from '@/server/db/database';
import { createTestApp, login, type Session } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { epubFiles, makeEpub, zip } from '@test/epub';
import { loadCountryPackFrom } from '@/modules/institutions/country-pack';
import type { ResourceView } from '@/modules/library/library.schema';
import { pdfBytes } from '@test/files';

/**
 * E-books and what a device saves for offline use: EPUB uploads are told by their content (a whole, openable
 * EPUB, not a ZIP that only starts like one), and a grade-and-subject shelf lists what there is to save.
 */

const b64 = (s: string) => Buffer.from(s).toString('base64');
const PDF = pdfBytes(3000);

const BOOK = {
  title: 'Ana dili: oxu kitabı',
  language: 'az',
  chapters: [
    { title: 'Birinci fəsil: Məktəbə gedən yol', body: '<p>Səhər günəş çıxanda Əli məktəbə yola düşdü.</p>' },
    { title: 'İkinci fəsil: Çinar ağacı', body: '<p>Həyətdəki qoca çinar ağacı şaxtadan qorxmurdu.</p>' },
  ],
};

describe('library books and offline shelves', () => {
  let app: FastifyInstance;
  let database: Database;
  let stop: (() => Promise<void>) | undefined;
  let author: Session;
  let reviewer: Session;

  beforeAll(async () => {
    const made = await createTestApp();
    ({ app, database } = made);
    stop = () => made.close();
    await loadCountryPackFrom(database.db);
    const a = await createUserWithRole(database.db, 'editor');
    const b = await createUserWithRole(database.db, 'editor');
    author = await login(app, a.username, a.password);
    reviewer = await login(app, b.username, b.password);
  });
  afterAll(async () => stop?.());

  async function create(over: Record<string, unknown> = {}): Promise<ResourceView> {
    const res = await author.inject({
      method: 'POST',
      url: '/api/library/resources',
      payload: {
        type: 'e_textbook',
        title: 'Kitab',
        language: 'az',
        level: 'general',
        grades: [5],
        subject: 'mathematics',
        authors: [],
        publisher: null,
        licence: 'cc_by',
        accessibility: [],
        ...over,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<ResourceView>();
  }

  /** Uploads a file whole through tus and returns the final answer. */
  async function upload(resourceId: number, bytes: Buffer) {
    const start = await author.inject({
      method: 'POST',
      url: '/api/library/uploads',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-length': String(bytes.length),
        'upload-metadata': `resourceId ${b64(String(resourceId))},role ${b64('main')},filename ${b64('book.epub')}`,
      },
    });
    expect(start.statusCode, start.body).toBe(201);
    return author.inject({
      method: 'PATCH',
      url: start.headers.location,
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      payload: bytes,
    });
  }

  async function publish(id: number) {
    const submit = await author.inject({
      method: 'POST',
      url: `/api/library/resources/${id}/submit`,
      payload: {},
    });
    expect(submit.statusCode, submit.body).toBe(200);
    const review = await reviewer.inject({
      method: 'POST',
      url: `/api/library/resources/${id}/review`,
      payload: { decision: 'publish' },
    });
    expect(review.statusCode, review.body).toBe(200);
  }

  it('takes a real EPUB as an e-book and serves it in ranges', async () => {
    const r = await create({ title: BOOK.title });
    const bytes = makeEpub(BOOK);
    const done = await upload(r.id, bytes);
    expect(done.statusCode, done.body).toBe(204);
    const view = (await author.inject({ url: `/api/library/resources/${r.id}` })).json<ResourceView>();
    expect(view.files).toHaveLength(1);
    expect(view.files[0]).toMatchObject({
      role: 'main',
      contentType: 'application/epub+zip',
      sizeBytes: bytes.length,
      processingState: 'not_needed',
    });
    // The reader opens a book by its end (the ZIP's directory) and then reads chapters by range.
    const tail = await author.inject({ url: view.files[0]!.url, headers: { range: 'bytes=-22' } });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.readUInt32LE(0)).toBe(0x06054b50);
  });

  it('refuses a ZIP that only claims to be an EPUB, and a ZIP that is none', async () => {
    const r = await create({ title: 'Saxta kitab' });
    const refused = async (bytes: Buffer) => {
      const res = await upload(r.id, bytes);
      expect(res.statusCode, res.body).toBe(415);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('library_file_type');
    };
    const files = epubFiles(BOOK);
    // The right first bytes, but no container: no reader can find the book in it.
    await refused(zip(files.filter((f) => f.name !== 'META-INF/container.xml')));
    // A container pointing at a package that is not there.
    await refused(zip(files.filter((f) => f.name !== 'OEBPS/content.opf')));
    // The first bytes of an EPUB followed by anything else: not a ZIP at all.
    await refused(Buffer.concat([makeEpub(BOOK).subarray(0, 80), Buffer.alloc(2000, 0x20)]));
    // A ZIP with its mimetype compressed, or not first: not an EPUB either.
    await refused(zip(files.map((f) => (f.name === 'mimetype' ? { ...f, store: false } : f))));
    await refused(zip([...files.slice(1), files[0]!]));
    // Nothing of the refused uploads is kept.
    const view = (await author.inject({ url: `/api/library/resources/${r.id}` })).json<ResourceView>();
    expect(view.files).toEqual([]);
  });

  it('lists a grade-and-subject shelf of published resources with their file sizes, for saving offline', async () => {
    const book = await create({ title: 'Riyaziyyat 7: dərslik', grades: [7] });
    await upload(book.id, PDF);
    await publish(book.id);
    const sheet = await create({ type: 'worksheet', title: 'Kəsrlər: iş vərəqi', grades: [6, 7] });
    await upload(sheet.id, PDF);
    await publish(sheet.id);
    // Not on the shelf: a draft, another grade, another subject.
    const draft = await create({ title: 'Qaralama', grades: [7] });
    await upload(draft.id, PDF);
    const other = await create({ title: 'Riyaziyyat 8', grades: [8] });
    await upload(other.id, PDF);
    await publish(other.id);
    const physics = await create({ title: 'Fizika 7', grades: [7], subject: 'physics' });
    await upload(physics.id, PDF);
    await publish(physics.id);

    const res = await app.inject({ url: '/api/library/shelves/7/mathematics' });
    expect(res.statusCode, res.body).toBe(200);
    const shelf = res.json<{ resources: ResourceView[]; more: boolean }>();
    // Textbooks first, then the rest by title.
    expect(shelf.resources.map((r) => r.title)).toEqual(['Riyaziyyat 7: dərslik', 'Kəsrlər: iş vərəqi']);
    expect(shelf.resources[0]!.files[0]!.sizeBytes).toBe(PDF.length);
    expect(shelf.more).toBe(false);
    const one = await app.inject({ url: '/api/library/shelves/7/mathematics?limit=1' });
    expect(one.json<{ resources: unknown[]; more: boolean }>()).toMatchObject({ more: true });
    expect(one.json<{ resources: unknown[] }>().resources).toHaveLength(1);
    // A grade out of range is the caller's mistake, said in their language.
    const bad = await app.inject({
      url: '/api/library/shelves/99/mathematics',
      headers: { 'accept-language': 'ru' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { field: string }[] } }>().error.details[0]!.field).toMatch(/grade/);
  });
});
