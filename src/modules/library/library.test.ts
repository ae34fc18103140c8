import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@/server/app';
import { rows, sql, type Database } from '@/server/db/database';
import { JobWorker } from '@/server/jobs';
import { LocalStorage } from '@/server/storage';
import { createTestDatabase, login, saveAsRead, testConfig, type Session } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { loadCountryPackFrom } from '@/modules/institutions/country-pack';
import { MEDIA_QUEUE, mediaJob } from '@/modules/library/library.service';
import { fold } from '@/modules/library/library.store';
import type { ResourceView } from '@/modules/library/library.schema';
import type { FastifyInstance } from 'fastify';
import { pdfBytes } from '@test/files';

const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const PDF = pdfBytes(3000);

const resource = (over: Record<string, unknown> = {}) => ({
  type: 'e_textbook',
  title: 'Riyaziyyat 5',
  description: '',
  language: 'az',
  level: 'general',
  grades: [5],
  subject: 'mathematics',
  authors: ['Nəzakət Məmmədova'],
  publisher: 'Təhsil Nazirliyi',
  licence: 'cc_by',
  accessibility: [],
  ...over,
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('the digital library', () => {
  let database: Database;
  let app: FastifyInstance;
  let storageDir: string;
  let author: Session;
  let reviewer: Session;
  let teacher: Session;
  let worker: JobWorker;
  let media: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCountryPackFrom(database.db);
    storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-library-'));
    const config = testConfig({ storageDir });
    app = await buildApp(config, database);
    await app.ready();
    worker = new JobWorker(
      database.db,
      {
        [MEDIA_QUEUE]: mediaJob(database.db, { storage: new LocalStorage(storageDir), media: config.media }),
      },
      { backoffMs: () => 0 },
    );
    const a = await createUserWithRole(database.db, 'editor');
    const b = await createUserWithRole(database.db, 'editor');
    const t = await createUserWithRole(database.db, 'bureau');
    author = await login(app, a.username, a.password);
    reviewer = await login(app, b.username, b.password);
    teacher = await login(app, t.username, t.password);
    media = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-media-test-'));
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    if (storageDir) fs.rmSync(storageDir, { recursive: true, force: true });
    if (media) fs.rmSync(media, { recursive: true, force: true });
  });

  async function create(over: Record<string, unknown> = {}): Promise<ResourceView> {
    const res = await author.inject({
      method: 'POST',
      url: '/api/library/resources',
      payload: resource(over),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<ResourceView>();
  }

  /** Starts a tus upload and returns its address. */
  async function startUpload(who: Session, resourceId: number, length: number, role = 'main') {
    const res = await who.inject({
      method: 'POST',
      url: '/api/library/uploads',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-length': String(length),
        'upload-metadata': `resourceId ${b64(String(resourceId))},role ${b64(role)},filename ${b64('file.bin')}`,
      },
    });
    return res;
  }

  async function sendBytes(who: Session, location: string, offset: number, bytes: Buffer) {
    return who.inject({
      method: 'PATCH',
      url: location,
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
      },
      payload: bytes,
    });
  }

  /** Uploads a whole file in two pieces, as a resumed upload would. */
  async function upload(resourceId: number, bytes: Buffer, role = 'main') {
    const start = await startUpload(author, resourceId, bytes.length, role);
    expect(start.statusCode, start.body).toBe(201);
    const location = start.headers.location as string;
    const half = Math.floor(bytes.length / 2);
    const first = await sendBytes(author, location, 0, bytes.subarray(0, half));
    expect(first.statusCode, first.body).toBe(204);
    const head = await author.inject({
      method: 'HEAD',
      url: location,
      headers: { 'tus-resumable': '1.0.0' },
    });
    expect(head.headers['upload-offset']).toBe(String(half));
    return sendBytes(author, location, half, bytes.subarray(half));
  }

  const get = async (id: number, who: Session = author) =>
    (await who.inject({ url: `/api/library/resources/${id}` })).json<ResourceView>();

  async function publish(id: number) {
    expect(
      (await author.inject({ method: 'POST', url: `/api/library/resources/${id}/submit`, payload: {} }))
        .statusCode,
    ).toBe(200);
    const res = await reviewer.inject({
      method: 'POST',
      url: `/api/library/resources/${id}/review`,
      payload: { decision: 'publish' },
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  it('folds Azerbaijani letters and old Cyrillic to one key in SQL', async () => {
    expect(await fold(database.db, 'Məktəb')).toBe('mekteb');
    expect(await fold(database.db, 'Мәктәб')).toBe('mekteb');
    expect(await fold(database.db, 'İŞIQ ÇÖĞÜ')).toBe('isiq cogu');
    expect(await fold(database.db, 'Һәјат')).toBe('heyat');
  });

  it('walks the workflow: a second editor publishes, unpublishing keeps the history', async () => {
    const r = await create({ title: 'Kəsrlər' });
    expect(r.state).toBe('draft');
    // Not without its main file.
    const early = await author.inject({
      method: 'POST',
      url: `/api/library/resources/${r.id}/submit`,
      payload: {},
    });
    expect(early.json<{ error: { code: string } }>().error.code).toBe('library_no_main_file');
    expect((await upload(r.id, PDF)).statusCode).toBe(204);
    expect(
      (await author.inject({ method: 'POST', url: `/api/library/resources/${r.id}/submit`, payload: {} }))
        .statusCode,
    ).toBe(200);
    // The author cannot review their own resource.
    const own = await author.inject({
      method: 'POST',
      url: `/api/library/resources/${r.id}/review`,
      payload: { decision: 'publish' },
    });
    expect(own.statusCode).toBe(403);
    expect(own.json<{ error: { code: string } }>().error.code).toBe('library_own_review');
    // Not public while in review.
    expect((await app.inject({ url: `/api/library/resources/${r.id}` })).statusCode).toBe(404);
    const ok = await reviewer.inject({
      method: 'POST',
      url: `/api/library/resources/${r.id}/review`,
      payload: { decision: 'publish', note: 'Yaxşıdır' },
    });
    expect(ok.json<ResourceView>().state).toBe('published');
    const published = await app.inject({ url: `/api/library/resources/${r.id}` });
    expect(published.statusCode).toBe(200);
    const pdf = await app.inject({ url: published.json<ResourceView>().files[0]!.url });
    expect(pdf.headers['cache-control']).toBe('public, max-age=86400');
    // Published resources are not edited in place.
    const edit = await author.inject({
      method: 'PATCH',
      url: `/api/library/resources/${r.id}`,
      payload: { title: 'X' },
    });
    expect(edit.statusCode).toBe(409);
    await reviewer.inject({
      method: 'POST',
      url: `/api/library/resources/${r.id}/unpublish`,
      payload: { note: 'köhnəlib' },
    });
    expect((await app.inject({ url: `/api/library/resources/${r.id}` })).statusCode).toBe(404);
    const history = (await author.inject({ url: `/api/library/resources/${r.id}/history` })).json<
      { action: string }[]
    >();
    expect(history.map((h) => h.action)).toEqual(['create', 'submit', 'publish', 'unpublish']);
    const audit = await rows<{ action: string }>(
      database.db,
      sql`select action from identity_audit where entity = 'library_resource' and entity_id = ${String(r.id)} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(['create', 'submit', 'publish', 'unpublish']);
  });

  it('keeps the reviewer to an editor who changed nothing in the version published', async () => {
    const c = await createUserWithRole(database.db, 'editor');
    const third = await login(app, c.username, c.password);
    const step = (who: Session, id: number, what: string, payload: Record<string, unknown> = {}) =>
      who.inject({ method: 'POST', url: `/api/library/resources/${id}/${what}`, payload });
    // B (here `reviewer`) creates; A (`author`) edits the title and description and uploads the main file.
    const created = await reviewer.inject({
      method: 'POST',
      url: '/api/library/resources',
      payload: resource({ title: 'Onluq kəsrlər' }),
    });
    expect(created.statusCode, created.body).toBe(200);
    const id = created.json<ResourceView>().id;
    const edited = await author.inject({
      method: 'PATCH',
      url: `/api/library/resources/${id}`,
      payload: { title: 'Onluq kəsrlər və faizlər', description: 'Dəyişdirilmiş təsvir' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await upload(id, PDF)).statusCode).toBe(204);
    // B submits; A, who changed this version, may not publish it — nor B, who wrote and submitted it.
    expect((await step(reviewer, id, 'submit')).statusCode).toBe(200);
    const byEditor = await author.inject({
      method: 'POST',
      url: `/api/library/resources/${id}/review`,
      payload: { decision: 'publish' },
    });
    expect(byEditor.statusCode).toBe(403);
    // In the editor's own language (az, their setting).
    expect(byEditor.json<{ error: { code: string; message: string } }>().error).toEqual({
      code: 'library_own_review',
      message:
        'Bu resursu başqa redaktor yoxlamalıdır: onun bu versiyasını siz dəyişmisiniz (yazmısınız, redaktə etmisiniz və ya fayl yükləmisiniz) və ya təqdim etmisiniz.',
    });
    expect((await step(reviewer, id, 'review', { decision: 'publish' })).statusCode).toBe(403);
    // An editor who changed nothing publishes it.
    const published = await step(third, id, 'review', { decision: 'publish' });
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json<ResourceView>().state).toBe('published');

    // The next version: C changes it, A submits; B, its author, changed nothing in this one and may publish it.
    expect((await step(third, id, 'unpublish')).statusCode).toBe(200);
    expect(
      (
        await third.inject({
          method: 'PATCH',
          url: `/api/library/resources/${id}`,
          payload: { description: 'Yeni versiya' },
        })
      ).statusCode,
    ).toBe(200);
    expect((await step(author, id, 'submit')).statusCode).toBe(200);
    expect((await step(third, id, 'review', { decision: 'publish' })).statusCode).toBe(403);
    expect((await step(reviewer, id, 'review', { decision: 'publish' })).statusCode).toBe(200);
  });

  it('validates a resource: TV lessons need a channel and air date; grades and topics fit the subject', async () => {
    const tv = await author.inject({
      method: 'POST',
      url: '/api/library/resources',
      payload: resource({ type: 'tv_lesson' }),
    });
    expect(tv.statusCode).toBe(400);
    expect(tv.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field)).toEqual([
      'channel',
      'airDate',
    ]);
    const grade = await author.inject({
      method: 'POST',
      url: '/api/library/resources',
      payload: resource({ subject: 'physics', grades: [2] }),
    });
    expect(
      grade.json<{ error: { details: { field: string; reason: string }[] } }>().error.details,
    ).toMatchObject([{ field: 'grades.0', reason: 'library.grade' }]);
    const topics = (await app.inject({ url: '/api/library/topics?subject=informatics' })).json<
      { id: number }[]
    >();
    expect(topics.length).toBeGreaterThan(0);
    const wrong = await author.inject({
      method: 'POST',
      url: '/api/library/resources',
      payload: resource({ topicIds: [topics[0]!.id] }),
    });
    expect(wrong.statusCode).toBe(400);
    expect(
      (await teacher.inject({ method: 'POST', url: '/api/library/resources', payload: resource() }))
        .statusCode,
    ).toBe(403);
  });

  it('finds Məktəb and Мәктәб by mekteb, tolerates typos, counts facets and marks matches', async () => {
    const latin = await create({ title: 'Məktəbdə təhlükəsizlik', grades: [5, 6], subject: 'informatics' });
    const cyrillic = await create({
      title: 'Мәктәб китабханасы',
      type: 'video_lesson',
      grades: [6],
      subject: 'informatics',
    });
    const russian = await create({ title: 'Школьная библиотека', language: 'ru', subject: null, grades: [] });
    const draft = await create({ title: 'Məktəb layihəsi (qaralama)' });
    for (const r of [latin, cyrillic, russian]) {
      await upload(r.id, PDF);
      await publish(r.id);
    }
    type Search = {
      total: number;
      totalIsLowerBound: boolean;
      items: { resource: { id: number; title: string }; highlight: { text: string; match: boolean }[] }[];
      facets: Record<string, { value: string; count: number }[]>;
    };
    const search = async (query: string) =>
      (await app.inject({ url: `/api/library/search?${query}` })).json<Search>();

    const found = await search('q=mekteb');
    expect(found.totalIsLowerBound).toBe(false);
    const ids = found.items.map((i) => i.resource.id);
    expect(ids).toEqual(expect.arrayContaining([latin.id, cyrillic.id]));
    expect(ids).not.toContain(draft.id);
    const hit = found.items.find((i) => i.resource.id === cyrillic.id)!;
    expect(hit.highlight.filter((s) => s.match).map((s) => s.text)).toEqual(['Мәктәб']);
    expect(found.facets.type).toEqual(
      expect.arrayContaining([
        { value: 'e_textbook', count: 1 },
        { value: 'video_lesson', count: 1 },
      ]),
    );
    expect(found.facets.grade).toEqual(expect.arrayContaining([{ value: '6', count: 2 }]));

    // A Latin title by a Cyrillic query, a typo, and Russian stemming.
    expect((await search(`q=${encodeURIComponent('мәктәбдә')}`)).items.map((i) => i.resource.id)).toContain(
      latin.id,
    );
    expect((await search('q=mektb')).items.map((i) => i.resource.id)).toEqual(
      expect.arrayContaining([latin.id, cyrillic.id]),
    );
    expect((await search('q=tehlukesizlik')).items.map((i) => i.resource.id)).toContain(latin.id);
    expect((await search(`q=${encodeURIComponent('библиотеки')}`)).items.map((i) => i.resource.id)).toContain(
      russian.id,
    );
    // Filters.
    expect((await search('q=mekteb&type=video_lesson')).items.map((i) => i.resource.id)).toEqual([
      cyrillic.id,
    ]);
    expect((await search('q=mekteb&grade=5')).items.map((i) => i.resource.id)).toEqual([latin.id]);
    expect((await search('q=mekteb&language=ru')).total).toBe(0);
    // Bad input is a 400 naming the field.
    const bad = await app.inject({ url: '/api/library/search?grade=x&type=film' });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json<{ error: { details: { field: string }[] } }>()
        .error.details.map((d) => d.field)
        .sort(),
    ).toEqual(['grade', 'type']);

    const suggest = (await app.inject({ url: '/api/library/suggest?q=mek' })).json<{
      items: { title: string }[];
    }>();
    expect(suggest.items.map((i) => i.title)).toEqual(
      expect.arrayContaining(['Məktəbdə təhlükəsizlik', 'Мәктәб китабханасы']),
    );
  });

  it('checks uploads by content and size, keeps versions and a checksum, and serves byte ranges', async () => {
    const r = await create({ title: 'Fayllar' });
    // A text file called .pdf is refused, and nothing of it is kept.
    const fake = await upload(r.id, Buffer.from('just some text, not a PDF at all'.repeat(10)));
    expect(fake.statusCode).toBe(415);
    expect(fake.json<{ error: { code: string } }>().error.code).toBe('library_file_type');
    expect((await get(r.id)).files).toEqual([]);
    // Told by its structure, not its first bytes: a PDF header with an HTML page for a body (a PDF and a
    // web page at once), and a PDF cut short, are refused as not PDFs, saying what the role takes.
    const html = Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>\n');
    for (const notPdf of [Buffer.concat([PDF.subarray(0, 9), html, PDF.subarray(9)]), PDF.subarray(0, 200)]) {
      const refused = await upload(r.id, notPdf);
      expect(refused.statusCode, refused.body).toBe(415);
      expect(refused.json<{ error: { code: string; message: string } }>().error).toEqual({
        code: 'library_file_type',
        message: 'Bu fayl növü burada (main) qəbul edilmir: mp4, webm, mkv, mp3, m4a, ogg, wav, pdf, epub.',
      });
    }
    expect((await get(r.id)).files).toEqual([]);
    // Too large for its role, refused before a byte is sent.
    const big = await startUpload(author, r.id, 11 * 1024 * 1024, 'caption');
    expect(big.statusCode).toBe(413);
    // Only editors upload.
    expect((await startUpload(teacher, r.id, 100)).statusCode).toBe(403);

    expect((await upload(r.id, PDF)).statusCode).toBe(204);
    const second = Buffer.concat([PDF, Buffer.from('% v2\n')]);
    expect((await upload(r.id, second)).statusCode).toBe(204);
    const view = await get(r.id);
    expect(view.files).toHaveLength(1);
    const file = view.files[0]!;
    expect(file).toMatchObject({
      role: 'main',
      version: 2,
      sizeBytes: second.length,
      contentType: 'application/pdf',
    });
    expect(file.sha256).toBe(createHash('sha256').update(second).digest('hex'));

    const whole = await author.inject({ url: file.url });
    expect(whole.rawPayload.equals(second)).toBe(true);
    const part = await author.inject({ url: file.url, headers: { range: 'bytes=0-4' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 0-4/${second.length}`);
    expect(part.body).toBe('%PDF-');
    const tail = await author.inject({ url: file.url, headers: { range: 'bytes=-5' } });
    expect(tail.body).toBe('% v2\n');
    const outside = await author.inject({ url: file.url, headers: { range: `bytes=${second.length}-` } });
    expect(outside.statusCode).toBe(416);
    // A draft's files are not public, nor kept by shared caches when an editor fetches them.
    expect(whole.headers['cache-control']).toBe('private, no-store');
    expect((await app.inject({ url: file.url })).statusCode).toBe(404);
  });

  it('leaves nothing published from an interrupted upload', async () => {
    const r = await create({ title: 'Yarımçıq' });
    const start = await startUpload(author, r.id, PDF.length);
    await sendBytes(author, start.headers.location as string, 0, PDF.subarray(0, 100));
    expect((await get(r.id)).files).toEqual([]);
    const submit = await author.inject({
      method: 'POST',
      url: `/api/library/resources/${r.id}/submit`,
      payload: {},
    });
    expect(submit.json<{ error: { code: string } }>().error.code).toBe('library_no_main_file');
  });

  it('refuses a renamed executable, an empty file and one over the limit, clearly, keeping nothing', async () => {
    const r = await create({ type: 'video_lesson', title: 'Pis fayllar' });
    type Refusal = { error: { code: string; message: string } };
    // A program renamed to lesson.mp4 (and a Windows one to book.pdf): told by its bytes, not its name.
    for (const program of [fs.readFileSync('/bin/true'), Buffer.concat([Buffer.from('MZ'), PDF])]) {
      const start = await startUpload(author, r.id, program.length);
      const location = String(start.headers.location);
      const refused = await sendBytes(author, location, 0, program);
      expect(refused.statusCode).toBe(415);
      expect(refused.json<Refusal>().error.code).toBe('library_file_type');
      // The upload is gone, not left to resume.
      expect(fs.existsSync(path.join(storageDir, '.incoming', path.basename(location)))).toBe(false);
      const again = await author.inject({
        method: 'HEAD',
        url: location,
        headers: { 'tus-resumable': '1.0.0' },
      });
      expect(again.statusCode).toBe(404);
    }
    // An empty file is refused when the upload is announced, in the caller's language.
    const empty = await author.inject({
      method: 'POST',
      url: '/api/library/uploads',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-length': '0',
        'upload-metadata': `resourceId ${b64(String(r.id))},role ${b64('main')},filename ${b64('empty.mp4')}`,
      },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json<Refusal>().error).toEqual({
      code: 'library_file_empty',
      message: 'Fayl boşdur: məzmunu olan fayl seçin.',
    });
    // Over the largest size any kind may have: refused before a byte is sent, saying the limit.
    const huge = await startUpload(author, r.id, 5 * 1024 ** 3);
    expect(huge.statusCode).toBe(413);
    expect(huge.json<Refusal>().error.code).toBe('library_file_too_large');
    expect(huge.json<Refusal>().error.message).toBe(
      'Fayl çox böyükdür: bu növ üçün ən çoxu 4.294.967.296 bayt.',
    );
    const view = await get(r.id);
    expect(view.files).toEqual([]);
    const submit = await author.inject({
      method: 'POST',
      url: `/api/library/resources/${r.id}/submit`,
      payload: {},
    });
    expect(submit.json<Refusal>().error.code).toBe('library_no_main_file');
    const history = (await author.inject({ url: `/api/library/resources/${r.id}/history` })).json<
      { action: string }[]
    >();
    expect(history.map((h) => h.action)).toEqual(['create']);
  });

  it('resumes an interrupted upload from where the server says it stopped', async () => {
    const r = await create({ title: 'Davam' });
    const start = await startUpload(author, r.id, PDF.length);
    const location = start.headers.location as string;
    // The connection drops after 1000 bytes: the server keeps what arrived.
    expect((await sendBytes(author, location, 0, PDF.subarray(0, 1000))).statusCode).toBe(204);
    expect((await get(r.id)).files).toEqual([]);
    // Sending from the wrong place is refused without harm.
    expect((await sendBytes(author, location, 500, PDF.subarray(500))).statusCode).toBe(409);
    const head = await author.inject({
      method: 'HEAD',
      url: location,
      headers: { 'tus-resumable': '1.0.0' },
    });
    expect(head.headers['upload-offset']).toBe('1000');
    const done = await sendBytes(author, location, 1000, PDF.subarray(1000));
    expect(done.statusCode, done.body).toBe(204);
    const file = (await get(r.id)).files[0]!;
    expect(file.sha256).toBe(createHash('sha256').update(PDF).digest('hex'));
    expect((await author.inject({ url: file.url })).rawPayload.equals(PDF)).toBe(true);
  });

  it('advertises only the tus extensions it honours: no deferred length, so none is accepted', async () => {
    const r = await create({ title: 'Uzunluqsuz' });
    const options = await author.inject({ method: 'OPTIONS', url: '/api/library/uploads' });
    expect(options.statusCode).toBe(204);
    const advertised = String(options.headers['tus-extension']).split(',');
    expect(advertised).toEqual(expect.arrayContaining(['creation', 'creation-with-upload', 'termination']));
    const deferred = await author.inject({
      method: 'POST',
      url: '/api/library/uploads',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-defer-length': '1',
        'upload-metadata': `resourceId ${b64(String(r.id))},role ${b64('main')},filename ${b64('file.pdf')}`,
      },
    });
    // The server and its OPTIONS agree: a creation without Upload-Length is taken exactly when
    // creation-defer-length is advertised.
    expect(deferred.statusCode === 201).toBe(advertised.includes('creation-defer-length'));
    expect(deferred.statusCode, deferred.body).toBe(400);
    expect(deferred.headers.location).toBeUndefined();
    expect(deferred.json<{ error: { details: { field: string }[] } }>().error.details[0]?.field).toBe(
      'headers',
    );
    // creation-with-upload, advertised, is honoured: the bytes sent with the creation are kept.
    const withBytes = await author.inject({
      method: 'POST',
      url: '/api/library/uploads',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-length': String(PDF.length),
        'upload-metadata': `resourceId ${b64(String(r.id))},role ${b64('main')},filename ${b64('file.pdf')}`,
        'content-type': 'application/offset+octet-stream',
      },
      payload: PDF.subarray(0, 100),
    });
    expect(withBytes.statusCode, withBytes.body).toBe(201);
    expect(withBytes.headers['upload-offset']).toBe('100');
    // termination, advertised, is honoured.
    const ended = await author.inject({
      method: 'DELETE',
      url: String(withBytes.headers.location),
      headers: { 'tus-resumable': '1.0.0' },
    });
    expect(ended.statusCode).toBe(204);
    expect((await get(r.id)).files).toEqual([]);
  });

  it.skipIf(!hasFfmpeg)(
    'processes a video into renditions, audio, HLS and a thumbnail, and refuses a truncated one',
    async () => {
      const video = path.join(media, 'lesson.mp4');
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=1280x720:rate=10:duration=2',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:duration=2',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-c:a',
        'aac',
        '-shortest',
        video,
      ]);
      const bytes = fs.readFileSync(video);
      const r = await create({ type: 'video_lesson', title: 'Video dərs' });
      expect((await upload(r.id, bytes)).statusCode).toBe(204);
      let view = await get(r.id);
      expect(view.processing).toMatchObject({ available: true, state: 'pending' });
      const pending = await author.inject({
        method: 'POST',
        url: `/api/library/resources/${r.id}/submit`,
        payload: {},
      });
      expect(pending.json<{ error: { code: string } }>().error.code).toBe('library_processing_pending');
      expect(await worker.drain()).toBe(1);
      view = await get(r.id);
      expect(view.processing.state).toBe('done');
      expect(view.durationSeconds).toBe(2);
      const variants = view.files.filter((f) => f.sourceFileId !== null).map((f) => f.variant);
      expect(variants).toEqual(
        expect.arrayContaining(['144p', '240p', '360p', '480p', '720p', 'audio', 'master.m3u8', 'thumbnail']),
      );
      const hls = view.files.find((f) => f.role === 'hls')!;
      const master = await author.inject({ url: hls.url });
      expect(master.body).toContain('RESOLUTION=256x144');
      expect(master.body).toContain('720p.m3u8');
      const playlist = await author.inject({ url: hls.url.replace('master.m3u8', '360p.m3u8') });
      const segment = playlist.body.split('\n').find((l) => l.endsWith('.ts'))!;
      const ts = await author.inject({ url: hls.url.replace('master.m3u8', segment) });
      expect(ts.statusCode).toBe(200);
      expect(ts.rawPayload[0]).toBe(0x47); // MPEG-TS sync byte
      await publish(r.id);

      // Truncated: its boxes no longer reach the end of the file, so it is refused at upload.
      const broken = await create({ type: 'video_lesson', title: 'Kəsik video' });
      const cut = await upload(broken.id, bytes.subarray(0, Math.floor(bytes.length / 2)));
      expect(cut.statusCode, cut.body).toBe(415);
      expect(cut.json<{ error: { code: string } }>().error.code).toBe('library_file_type');
      // A Matroska file is left to ffprobe: one that starts right but is garbage after that passes the
      // upload, and its job fails for good and says why.
      const garbage = Buffer.concat([
        Buffer.from([0x1a, 0x45, 0xdf, 0xa3]),
        Buffer.from(bytes.subarray(4, 20_000)).reverse(),
      ]);
      expect((await upload(broken.id, garbage)).statusCode).toBe(204);
      expect(await worker.drain()).toBe(1);
      const failed = await get(broken.id);
      expect(failed.processing.state).toBe('failed');
      expect(failed.processing.error).toMatch(/cannot be read as media|could not process/);
      const refused = await author.inject({
        method: 'POST',
        url: `/api/library/resources/${broken.id}/submit`,
        payload: {},
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json<{ error: { code: string; message: string } }>().error.code).toBe(
        'library_processing_failed',
      );
    },
    120_000,
  );

  it('serves the original when ffmpeg is not there, and says processing is unavailable', async () => {
    const other = await buildApp(
      testConfig({ storageDir, media: { ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe' } }),
      database,
    );
    await other.ready();
    try {
      const a = await createUserWithRole(database.db, 'editor');
      const editor = await login(other, a.username, a.password);
      const created = await editor.inject({
        method: 'POST',
        url: '/api/library/resources',
        payload: resource({ type: 'audio_lesson', title: 'Səs' }),
      });
      const id = created.json<ResourceView>().id;
      // An MP3 frame header is enough to be taken as audio.
      const mp3 = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(2000, 1)]);
      const start = await editor.inject({
        method: 'POST',
        url: '/api/library/uploads',
        headers: {
          'tus-resumable': '1.0.0',
          'upload-length': String(mp3.length),
          'upload-metadata': `resourceId ${b64(String(id))},role ${b64('main')}`,
        },
      });
      const done = await editor.inject({
        method: 'PATCH',
        url: String(start.headers.location),
        headers: {
          'tus-resumable': '1.0.0',
          'upload-offset': '0',
          'content-type': 'application/offset+octet-stream',
        },
        payload: mp3,
      });
      expect(done.statusCode, done.body).toBe(204);
      const view = (await editor.inject({ url: `/api/library/resources/${id}` })).json<ResourceView>();
      expect(view.processing).toEqual({ available: false, state: 'unavailable', error: null });
      expect(view.files.map((f) => f.role)).toEqual(['main']);
      expect((await editor.inject({ url: view.files[0]!.url })).rawPayload.equals(mp3)).toBe(true);
      // It can still be submitted: the original is what is served.
      expect(
        (await editor.inject({ method: 'POST', url: `/api/library/resources/${id}/submit`, payload: {} }))
          .statusCode,
      ).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('keeps collections and playlists in order, showing the public only what is published', async () => {
    const a = await create({ title: 'Birinci' });
    await upload(a.id, PDF);
    await publish(a.id);
    const b = await create({ title: 'İkinci' });
    const made = await author.inject({
      method: 'POST',
      url: '/api/library/collections',
      payload: { kind: 'playlist', title: 'Kurs' },
    });
    const id = made.json<{ id: number }>().id;
    const set = await saveAsRead(author, {
      url: `/api/library/collections/${id}/items`,
      readUrl: `/api/library/collections/${id}`,
      payload: { resourceIds: [b.id, a.id] },
    });
    expect(set.json<{ resources: { id: number }[] }>().resources.map((x) => x.id)).toEqual([b.id, a.id]);
    const open = await app.inject({ url: `/api/library/collections/${id}` });
    expect(open.json<{ resources: { id: number }[] }>().resources.map((x) => x.id)).toEqual([a.id]);
    // Anyone may list the collections, each counting its published resources only; an empty one is not listed.
    await author.inject({
      method: 'POST',
      url: '/api/library/collections',
      payload: { kind: 'collection', title: 'Boş' },
    });
    const listed = await app.inject({ url: '/api/library/collections' });
    expect(listed.statusCode).toBe(200);
    const items = listed.json<{ items: { id: number; title: string; resources: number }[] }>().items;
    expect(items.find((c) => c.id === id)).toMatchObject({ title: 'Kurs', resources: 1 });
    expect(items.map((c) => c.title)).not.toContain('Boş');
    const missing = await saveAsRead(author, {
      url: `/api/library/collections/${id}/items`,
      readUrl: `/api/library/collections/${id}`,
      payload: { resourceIds: [999999] },
    });
    expect(missing.statusCode).toBe(400);
  });
});
