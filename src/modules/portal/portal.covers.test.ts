import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { solidPng } from '@test/files';
import { eq } from 'drizzle-orm';
import { articles } from '@/modules/portal/portal.tables';

const run = promisify(execFile);
type Err = {
  error: { code: string; message: string; details?: { field: string; reason: string; message: string }[] };
};
type Edit = {
  id: number;
  version: number;
  cover: { url: string; width: number; height: number; bytes: number; alt: Record<string, string> } | null;
};
type Card = { id: number; cover: { url: string; width: number; height: number; alt: string } | null };
const text = (az: string, ru = '', en = '') => ({ az, ru, en });

/** News items' cover images through the API: kinds told by bytes, limits, alternative text, scopes, serving. */
describe('portal cover images', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let bureau: Session;
  let director: Session;
  let jpeg: Buffer;
  let school: number;

  let webRoot: string;

  beforeAll(async () => {
    // A shell for the first HTML of the portal's pages (src/server/public-pages.ts).
    webRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'cover-web-'));
    await fs.writeFile(
      path.join(webRoot, 'index.html'),
      '<!doctype html><html lang="az"><head><meta charset="utf-8" /><title>Maktab</title></head>' +
        '<body><div id="root"></div><noscript>JS</noscript></body></html>',
    );
    t = await createTestApp({ webRoot, publicUrl: 'https://maktab.example.az' });
    const db = t.database.db;
    const areas = await createAreas(db);
    school = (await createInstitution(db, areas.district)).id;
    const as = async (role: 'bureau' | 'director', scope = {}) => {
      const u = await createUserWithRole(db, role, scope);
      return login(t.app, u.username, u.password);
    };
    bureau = await as('bureau');
    director = await as('director', { institutionId: school });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cover-'));
    const out = path.join(dir, 'c.jpg');
    await run('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=blue:s=320x180',
      '-frames:v',
      '1',
      out,
    ]);
    jpeg = await fs.readFile(out);
    await fs.rm(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await t.close();
    await fs.rm(webRoot, { recursive: true, force: true });
  });

  const create = async (s: Session, place: object, title = text('Xəbər', 'Новость')) => {
    const res = await s.inject({
      method: 'POST',
      url: '/api/portal/manage/news',
      payload: {
        place,
        title,
        summary: text(''),
        body: text('<p>x</p>'),
        tags: [],
        publishAt: new Date(Date.now() - 60_000).toISOString(),
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Edit>();
  };
  const upload = (
    s: Session,
    id: number,
    version: number,
    body: Buffer,
    alt: Record<string, string> = { altAz: 'Mavi fon', altRu: 'Синий фон' },
    lang = 'en',
    type = 'image/jpeg',
  ) =>
    s.inject({
      method: 'PUT',
      url: `/api/portal/manage/news/${id}/cover`,
      query: { version: String(version), ...alt },
      payload: body,
      headers: { 'content-type': type, 'accept-language': lang },
    });

  it('takes a JPEG and a PNG, told by their bytes, and shows them with their size and text', async () => {
    const item = await create(bureau, { kind: 'nation' });
    const res = await upload(bureau, item.id, item.version, jpeg);
    expect(res.statusCode, res.body).toBe(200);
    const edit = res.json<Edit>();
    expect(edit.version).toBe(item.version + 1);
    expect(edit.cover).toMatchObject({
      width: 320,
      height: 180,
      alt: { az: 'Mavi fon', ru: 'Синий фон', en: '' },
    });
    expect(edit.cover!.url).toMatch(new RegExp(`^/api/portal/covers/${item.id}-[0-9a-f]{64}\\.jpg$`));

    const file = await t.app.inject({ url: edit.cover!.url });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['cache-control']).toContain('max-age=31536000');
    expect(file.rawPayload.equals(jpeg)).toBe(true);
    // The key is in the `storage_key` column too: a backup takes the file with the row.
    const [row] = await t.database.db.select().from(articles).where(eq(articles.id, item.id));
    expect(row!.storageKey).toBe(row!.cover!.key);
    expect(edit.cover!.url.endsWith(row!.storageKey!.split('/').pop()!)).toBe(true);

    // Readers see it on the item and in the list, its text in their language.
    const shown = await t.app.inject({
      url: `/api/portal/news/${item.id}`,
      headers: { 'accept-language': 'ru' },
    });
    expect(shown.json<Card>().cover).toEqual({
      url: edit.cover!.url,
      width: 320,
      height: 180,
      alt: 'Синий фон',
    });
    const list = await t.app.inject({ url: '/api/portal/news' });
    expect(list.json<{ items: Card[] }>().items.find((i) => i.id === item.id)?.cover?.url).toBe(
      edit.cover!.url,
    );

    // A PNG sent as octet-stream (the name and claimed type do not matter) replaces it; the old file is gone.
    const png = solidPng(64, 48, [0, 0, 255]);
    const again = await upload(
      bureau,
      item.id,
      edit.version,
      png,
      undefined,
      'en',
      'application/octet-stream',
    );
    expect(again.statusCode, again.body).toBe(200);
    const replaced = again.json<Edit>();
    expect(replaced.cover).toMatchObject({ width: 64, height: 48 });
    expect(replaced.cover!.url).toMatch(/\.png$/);
    expect((await t.app.inject({ url: replaced.cover!.url })).headers['content-type']).toBe('image/png');
    expect((await t.app.inject({ url: edit.cover!.url })).statusCode).toBe(404);

    // A stale version is refused with the current item; removing works at the version read.
    const stale = await upload(bureau, item.id, edit.version, png);
    expect(stale.statusCode).toBe(409);
    expect(stale.json<Err>().error.code).toBe('stale_version');
    const gone = await bureau.inject({
      method: 'DELETE',
      url: `/api/portal/manage/news/${item.id}/cover`,
      query: { version: String(replaced.version) },
    });
    expect(gone.statusCode, gone.body).toBe(200);
    expect(gone.json<Edit>().cover).toBeNull();
    expect((await t.app.inject({ url: replaced.cover!.url })).statusCode).toBe(404);
    const staleDelete = await bureau.inject({
      method: 'DELETE',
      url: `/api/portal/manage/news/${item.id}/cover`,
      query: { version: String(replaced.version) },
    });
    expect(staleDelete.statusCode).toBe(409);
  });

  it('refuses HTML named .jpg, a PNG header followed by HTML, oversized and over-dimension images', async () => {
    const item = await create(bureau, { kind: 'nation' });
    const html = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');
    const refused = await upload(bureau, item.id, item.version, html, undefined, 'az');
    expect(refused.statusCode).toBe(415);
    const detail = refused.json<Err>().error.details![0]!;
    expect(detail).toMatchObject({ field: 'image', reason: 'kind' });
    expect(detail.message).toBe('Üz şəkli: JPEG, PNG və ya WebP şəkli olmalıdır');
    const png = solidPng(4, 4, [1, 2, 3]);
    const polyglot = Buffer.concat([png, html]);
    expect((await upload(bureau, item.id, item.version, polyglot)).statusCode).toBe(415);

    const bomb = solidPng(9000, 9000, [0, 0, 0], true);
    const big = await upload(bureau, item.id, item.version, bomb);
    expect(big.statusCode).toBe(422);
    expect(big.json<Err>().error.details![0]).toMatchObject({ field: 'image', reason: 'too_many_pixels' });

    const heavy = Buffer.concat([jpeg, Buffer.alloc(5 * 1024 * 1024)]);
    const tooLarge = await upload(bureau, item.id, item.version, heavy);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json<Err>().error.details![0]).toMatchObject({ field: 'image', reason: 'too_large' });
    expect(tooLarge.json<Err>().error.details![0]!.message).toBe('Üz şəkli: fayl 5 MB-dan böyükdür');
    const empty = await upload(bureau, item.id, item.version, Buffer.alloc(0));
    expect(empty.statusCode).toBe(422);
    // Nothing was set.
    const read = await bureau.inject({ url: `/api/portal/manage/news/${item.id}` });
    expect(read.json<Edit>()).toMatchObject({ version: item.version, cover: null });
  });

  it('needs the text in every language the item is written in', async () => {
    const item = await create(bureau, { kind: 'nation' }, text('Xəbər', '', 'News'));
    const res = await upload(bureau, item.id, item.version, jpeg, { altAz: 'Mavi', altRu: 'Синий' });
    expect(res.statusCode).toBe(422);
    expect(res.json<Err>().error.details).toEqual([
      expect.objectContaining({ field: 'alt/en', reason: 'alt_required' }),
    ]);
    const none = await upload(bureau, item.id, item.version, jpeg, {});
    expect(none.json<Err>().error.details!.map((d) => d.field)).toEqual(['alt/az', 'alt/en']);
    expect(
      (await upload(bureau, item.id, item.version, jpeg, { altAz: 'Mavi', altEn: 'Blue' })).statusCode,
    ).toBe(200);
  });

  it("keeps a director to their school's items: not the ministry's", async () => {
    const ministry = await create(bureau, { kind: 'nation' });
    const res = await upload(director, ministry.id, ministry.version, jpeg);
    expect(res.statusCode).toBe(403);
    const del = await director.inject({
      method: 'DELETE',
      url: `/api/portal/manage/news/${ministry.id}/cover`,
      query: { version: String(ministry.version) },
    });
    expect(del.statusCode).toBe(403);
    const own = await create(director, { kind: 'institution', institutionId: school });
    expect((await upload(director, own.id, own.version, jpeg)).statusCode).toBe(200);
    // Anyone else's file names are not found.
    const fake = `/api/portal/covers/${own.id}-${'0'.repeat(64)}.jpg`;
    expect((await t.app.inject({ url: fake })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/portal/covers/..%2Fetc.jpg' })).statusCode).toBe(400);
  });

  it('shows the cover in the first HTML: sized, lazy in lists, and as og:image on the item', async () => {
    const item = await create(bureau, { kind: 'nation' }, text('Örtüklü xəbər', 'Новость с обложкой'));
    const res = await upload(bureau, item.id, item.version, jpeg, {
      altAz: 'Mavi "fon" <b>',
      altRu: 'Синий',
    });
    expect(res.statusCode, res.body).toBe(200);
    const url = res.json<Edit>().cover!.url;
    const page = await t.app.inject({ url: `/portal/news/${item.id}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<meta property="og:image" content="https://maktab.example.az${url}" />`);
    expect(page.body).toContain('<meta property="og:image:width" content="320" />');
    expect(page.body).toContain('<meta property="og:image:alt" content="Mavi &quot;fon&quot; &lt;b&gt;" />');
    const own = /<img class="portal-cover"[^>]*>/.exec(page.body)![0];
    expect(own).toContain(`src="${url}" width="320" height="180" alt="Mavi &quot;fon&quot; &lt;b&gt;"`);
    expect(own).not.toContain('loading=');
    for (const at of ['/portal/news', '/portal']) {
      const list = await t.app.inject({ url: at });
      const img = new RegExp(`<img class="portal-cover" src="${url}"[^>]*>`).exec(list.body)?.[0];
      expect(img, at).toContain('width="320" height="180"');
      expect(img, at).toContain('loading="lazy"');
    }
  });
});
