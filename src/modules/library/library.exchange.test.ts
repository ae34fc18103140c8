import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/server/app';
import { rows, sql, type Database } from '@/server/db/database';
import { LocalStorage } from '@/server/storage';
import { createTestDatabase, login, testConfig, type Session } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { loadCountryPackFrom } from '@/modules/institutions/country-pack';
import * as library from '@/modules/library/library.service';
import { IMPORT_COLUMNS } from '@/modules/library/library.import';
import { OAI_PAGE } from '@/modules/library/library.oai';
import type { ResourceBody, ResourceView } from '@/modules/library/library.schema';
import { pdfBytes } from '@test/files';

/** Parses XML strictly (namespaces too); throws on anything not well-formed. */
function parseXml(xml: string) {
  const parser = new SaxesParser({ xmlns: true });
  const elements: { name: string; attrs: Record<string, string>; text: string; path: string }[] = [];
  const stack: { name: string; attrs: Record<string, string>; text: string; path: string }[] = [];
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const [k, a] of Object.entries(tag.attributes)) attrs[k] = typeof a === 'string' ? a : a.value;
    const node = { name: tag.name, attrs, text: '', path: [...stack.map((s) => s.name), tag.name].join('/') };
    stack.push(node);
    elements.push(node);
  });
  parser.on('text', (t) => {
    if (stack.length) stack[stack.length - 1]!.text += t;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  const all = (name: string) => elements.filter((e) => e.name === name);
  return { elements, all, one: (name: string) => all(name)[0] };
}

const BASE = 'http://localhost:3000';

describe('library exchange: LRMI, OAI-PMH, import, counts', () => {
  let database: Database;
  let app: FastifyInstance;
  let webRoot: string;
  let files: string;
  let author: Session;
  let reviewer: Session;
  let env: library.LibraryEnv;
  let authorId: number;
  let reviewerId: number;
  let published: ResourceView;
  let withdrawn: ResourceView;
  let draft: ResourceView;
  const shell =
    '<!doctype html><html lang="az"><head><meta charset="utf-8" />' +
    '<meta name="description" content="Maktab — platforma" /><title>Maktab</title></head>' +
    '<body><div id="root"></div></body></html>';

  const body = (over: Partial<ResourceBody> = {}): ResourceBody => ({
    type: 'e_textbook',
    title: 'Kitab',
    language: 'az',
    level: 'general',
    grades: [],
    subject: null,
    authors: [],
    publisher: null,
    licence: 'cc_by',
    accessibility: [],
    ...over,
  });

  /** A resource with a PDF, published by a second editor: through the library's own services. */
  async function publishResource(over: Partial<ResourceBody> = {}, publish = true): Promise<ResourceView> {
    const ctx = { actorId: authorId, ip: null };
    const r = await library.createResource(database.db, env, ctx, body(over), 'en');
    const file = path.join(files, `${r.id}.pdf`);
    fs.writeFileSync(file, pdfBytes(2000));
    await library.registerUpload(database.db, env, ctx, {
      resourceId: r.id,
      role: 'main',
      path: file,
      originalName: null,
    });
    if (!publish) return r;
    await library.submitResource(database.db, env, ctx, r.id);
    return library.reviewResource(database.db, env, { actorId: reviewerId, ip: null }, r.id, 'publish');
  }

  const oai = async (query: string) => {
    const res = await app.inject({ url: `/oai?${query}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/xml');
    return { body: res.body, xml: parseXml(res.body) };
  };
  const oaiError = async (query: string) => (await oai(query)).xml.one('error')?.attrs.code;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCountryPackFrom(database.db);
    webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-web-'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), shell);
    files = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-exchange-'));
    const config = testConfig({ webRoot });
    env = { storage: new LocalStorage(config.storageDir), media: config.media };
    app = await buildApp(config, database);
    await app.ready();
    const a = await createUserWithRole(database.db, 'editor');
    const b = await createUserWithRole(database.db, 'editor');
    authorId = a.id;
    reviewerId = b.id;
    author = await login(app, a.username, a.password);
    reviewer = await login(app, b.username, b.password);
    const topics = (await app.inject({ url: '/api/library/topics?subject=mathematics' })).json<
      { id: number; code: string }[]
    >();
    published = await publishResource({
      title: 'Kəsrlər <b>&</b> "onluq" </script>',
      description: 'Kəsrlərin toplanması. $& $1',
      subject: 'mathematics',
      grades: [5],
      topicIds: [topics.find((t) => t.code === 'math.numbers.fractions')!.id],
      authors: ['Nəzakət Məmmədova'],
      publisher: 'Təhsil Nazirliyi',
      pages: 120,
      licence: 'cc_by_nc',
      accessibility: ['tagged_pdf'],
    });
    withdrawn = await publishResource({ title: 'Köhnə dərslik', type: 'worksheet' });
    await library.unpublishResource(database.db, env, { actorId: reviewerId, ip: null }, withdrawn.id);
    draft = await publishResource({ title: 'Qaralama' }, false);
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    for (const dir of [webRoot, files]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("serves a published resource's page with its LearningResource JSON-LD, title and description", async () => {
    const res = await app.inject({ url: `/resources/${published.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const html = res.body;
    expect(html).toContain(
      '<title>Kəsrlər &lt;b&gt;&amp;&lt;/b&gt; &quot;onluq&quot; &lt;/script&gt; — Maktab</title>',
    );
    expect(html).toContain('<meta name="description" content="Kəsrlərin toplanması. $&amp; $1" />');
    // The title's </script> cannot close the JSON-LD element: one script, and it parses.
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    const json = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(json).not.toMatch(/[<>]/);
    const ld = JSON.parse(json) as Record<string, unknown>;
    expect(ld).toMatchObject({
      '@type': ['Book', 'LearningResource'],
      url: `${BASE}/resources/${published.id}`,
      name: published.title,
      inLanguage: 'az',
      educationalLevel: [{ '@type': 'DefinedTerm', termCode: 'ISCED 2' }],
      learningResourceType: { '@type': 'DefinedTerm', termCode: 'e_textbook', name: 'textbook' },
      teaches: ['Adi kəsrlər'],
      about: { identifier: 'mathematics', name: 'Riyaziyyat' },
      license: 'https://creativecommons.org/licenses/by-nc/4.0/',
      author: [{ name: 'Nəzakət Məmmədova' }],
      publisher: { name: 'Təhsil Nazirliyi' },
      numberOfPages: 120,
      accessibilityFeature: ['taggedPDF'],
      encoding: [{ encodingFormat: 'application/pdf', contentSize: '2 kB' }],
      isAccessibleForFree: true,
    });
    const api = await app.inject({ url: `/api/library/resources/${published.id}/jsonld` });
    expect(api.statusCode).toBe(200);
    expect(api.headers['content-type']).toContain('application/ld+json');
    expect(api.json()).toEqual(ld);

    // Not published, unknown or not a number: not found, with nothing of the resource (and no JSON-LD
    // through the API).
    for (const id of [draft.id, withdrawn.id, 999_999, 'abc', '0']) {
      const plain = await app.inject({ url: `/resources/${id}` });
      expect(plain.statusCode).toBe(404);
      expect(plain.headers['content-type']).toContain('text/html');
      expect(plain.body).not.toContain('ld+json');
      expect(plain.body).not.toContain('Qaralama');
      expect(plain.body).not.toContain('Köhnə dərslik');
    }
    expect((await app.inject({ url: `/api/library/resources/${draft.id}/jsonld` })).statusCode).toBe(404);
  });

  it("shows anyone a published resource without the editors' account ids; editors see them", async () => {
    /** Every key of a JSON answer, however deep. */
    const keysOf = (value: unknown, into = new Set<string>()): Set<string> => {
      if (Array.isArray(value)) for (const v of value) keysOf(v, into);
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          into.add(k);
          keysOf(v, into);
        }
      }
      return into;
    };
    const accountKeys = ['createdBy', 'submittedBy', 'reviewedBy'];
    const made = await reviewer.inject({
      method: 'POST',
      url: '/api/library/collections',
      payload: { kind: 'collection', title: 'Riyaziyyat rəfi' },
    });
    expect(made.statusCode, made.body).toBe(200);
    const collectionId = made.json<{ id: number }>().id;
    const items = await reviewer.inject({
      method: 'PUT',
      url: `/api/library/collections/${collectionId}/items`,
      payload: { version: made.json<{ version: number }>().version, resourceIds: [published.id] },
    });
    expect(items.statusCode, items.body).toBe(200);
    const parent = await createUserWithRole(database.db, 'parent');
    const signedIn = await login(app, parent.username, parent.password);
    const publicUrls = [
      `/api/library/resources/${published.id}`,
      '/api/library/search?q=K%C9%99srl%C9%99r',
      `/api/library/collections/${collectionId}`,
      '/api/library/shelves/5/mathematics',
      `/api/library/resources/${published.id}/jsonld`,
    ];
    for (const url of publicUrls) {
      for (const caller of [{ inject: (o: { url: string }) => app.inject(o) }, signedIn]) {
        const res = await caller.inject({ url });
        expect(res.statusCode, `${url} → ${res.body}`).toBe(200);
        expect(res.body, url).toContain(String(published.id));
        const keys = keysOf(res.json());
        expect(
          accountKeys.filter((k) => keys.has(k)),
          url,
        ).toEqual([]);
      }
    }
    // The page for crawlers carries no more than the JSON-LD.
    const page = await app.inject({ url: `/library/resources/${published.id}` });
    expect(page.statusCode).toBe(200);
    for (const key of accountKeys) expect(page.body).not.toContain(key);
    // Editors keep them: the two-editor rule is read from them.
    const asEditor = await reviewer.inject({ url: `/api/library/resources/${published.id}` });
    expect(asEditor.json()).toMatchObject({
      createdBy: authorId,
      submittedBy: authorId,
      reviewedBy: reviewerId,
    });
    const list = await reviewer.inject({ url: '/api/library/resources?state=published&limit=100' });
    expect(list.json<{ items: ResourceView[] }>().items.find((r) => r.id === published.id)).toMatchObject({
      createdBy: authorId,
      reviewedBy: reviewerId,
    });
  });

  it('counts views and completions without keeping who, once per client in a while', async () => {
    const event = (id: number, kind: string, remoteAddress = '10.0.0.1') =>
      app.inject({
        method: 'POST',
        url: `/api/library/resources/${id}/events`,
        payload: { kind },
        remoteAddress,
      });
    expect((await event(published.id, 'view')).json()).toEqual({ counted: true });
    expect((await event(published.id, 'view')).json()).toEqual({ counted: false });
    expect((await event(published.id, 'view', '10.0.0.2')).json()).toEqual({ counted: true });
    expect((await event(published.id, 'complete')).json()).toEqual({ counted: true });
    expect((await event(published.id, 'complete')).json()).toEqual({ counted: false });
    expect((await event(draft.id, 'view')).statusCode).toBe(404);
    expect((await event(withdrawn.id, 'view')).statusCode).toBe(404);
    expect((await event(published.id, 'like')).statusCode).toBe(400);

    const view = (await app.inject({ url: `/api/library/resources/${published.id}` })).json<ResourceView>();
    expect(view).toMatchObject({ views: 2, completions: 1 });
    const list = (await reviewer.inject({ url: '/api/library/resources?state=published&limit=100' })).json<{
      items: ResourceView[];
    }>();
    expect(list.items.find((r) => r.id === published.id)).toMatchObject({ views: 2, completions: 1 });
    // Nothing but the counts is stored.
    const [stored] = await rows<Record<string, unknown>>(
      database.db,
      sql`select * from library_resource_count where resource_id = ${published.id}`,
    );
    expect(stored).toEqual({ resource_id: published.id, views: 2, completions: 1 });
  });

  it('answers OAI-PMH Identify, ListMetadataFormats and ListSets', async () => {
    const identify = await oai('verb=Identify');
    expect(identify.xml.one('protocolVersion')?.text).toBe('2.0');
    expect(identify.xml.one('deletedRecord')?.text).toBe('persistent');
    expect(identify.xml.one('granularity')?.text).toBe('YYYY-MM-DDThh:mm:ssZ');
    expect(identify.xml.one('baseURL')?.text).toBe(`${BASE}/oai`);
    expect(identify.xml.one('request')?.attrs.verb).toBe('Identify');

    const formats = await oai('verb=ListMetadataFormats');
    expect(formats.xml.all('metadataPrefix').map((e) => e.text)).toEqual(['oai_dc', 'oai_lom']);
    expect(
      await oaiError(`verb=ListMetadataFormats&identifier=oai:maktab.localhost:resource/${draft.id}`),
    ).toBe('idDoesNotExist');

    const sets = (await oai('verb=ListSets')).xml.all('setSpec').map((e) => e.text);
    expect(sets).toEqual(
      expect.arrayContaining(['type', 'type:e_textbook', 'type:worksheet', 'subject', 'subject:mathematics']),
    );
  });

  it('gives oai_dc records of published resources and deleted records of withdrawn ones, never drafts', async () => {
    const { body, xml } = await oai('verb=ListRecords&metadataPrefix=oai_dc');
    const ids = xml
      .all('identifier')
      .filter((e) => e.path.endsWith('header/identifier'))
      .map((e) => e.text);
    expect(ids).toContain(`oai:maktab.localhost:resource/${published.id}`);
    expect(ids).toContain(`oai:maktab.localhost:resource/${withdrawn.id}`);
    expect(ids).not.toContain(`oai:maktab.localhost:resource/${draft.id}`);
    const headers = xml.all('header');
    expect(headers.filter((h) => h.attrs.status === 'deleted')).toHaveLength(1);
    expect(xml.all('metadata')).toHaveLength(ids.length - 1);
    expect(xml.one('resumptionToken')).toBeUndefined();

    const one = await oai(
      `verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:maktab.localhost:resource/${published.id}`,
    );
    const dc = (name: string) => one.xml.all(name).map((e) => e.text);
    expect(one.xml.one('dc:title')).toMatchObject({ text: published.title, attrs: { 'xml:lang': 'az' } });
    expect(dc('dc:creator')).toEqual(['Nəzakət Məmmədova']);
    expect(dc('dc:subject')).toEqual([
      'Riyaziyyat',
      'Математика',
      'Mathematics',
      'Adi kəsrlər',
      'Обыкновенные дроби',
      'Fractions',
    ]);
    expect(dc('dc:identifier')).toEqual([`${BASE}/resources/${published.id}`]);
    expect(dc('dc:format')).toEqual(['application/pdf']);
    expect(dc('dc:rights')).toEqual(['https://creativecommons.org/licenses/by-nc/4.0/']);
    expect(dc('dc:language')).toEqual(['az']);
    expect(dc('dc:publisher')).toEqual(['Təhsil Nazirliyi']);
    expect(dc('dc:type')).toEqual(['Text', 'textbook']);
    expect(one.xml.all('setSpec').map((e) => e.text)).toEqual(['type:e_textbook', 'subject:mathematics']);
    // The title's markup arrives escaped, not as elements.
    expect(body).not.toContain('<b>');

    const gone = await oai(
      `verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:maktab.localhost:resource/${withdrawn.id}`,
    );
    expect(gone.xml.one('header')?.attrs.status).toBe('deleted');
    expect(gone.xml.one('metadata')).toBeUndefined();

    const bySet = await oai('verb=ListIdentifiers&metadataPrefix=oai_dc&set=type:worksheet');
    expect(bySet.xml.all('identifier').map((e) => e.text)).toEqual([
      `oai:maktab.localhost:resource/${withdrawn.id}`,
    ]);
    const bySubject = await oai('verb=ListIdentifiers&metadataPrefix=oai_dc&set=subject:mathematics');
    expect(bySubject.xml.all('identifier').map((e) => e.text)).toEqual([
      `oai:maktab.localhost:resource/${published.id}`,
    ]);

    // POST with a form body answers the same.
    const posted = await app.inject({
      method: 'POST',
      url: '/oai',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'verb=ListIdentifiers&metadataPrefix=oai_dc&set=type%3Aworksheet',
    });
    expect(posted.statusCode).toBe(200);
    expect(
      parseXml(posted.body)
        .all('identifier')
        .map((e) => e.text),
    ).toEqual([`oai:maktab.localhost:resource/${withdrawn.id}`]);
  });

  it('answers every protocol error as OAI-PMH says, with status 200', async () => {
    expect(await oaiError('')).toBe('badVerb');
    expect(await oaiError('verb=Harvest')).toBe('badVerb');
    expect(await oaiError('verb=Identify&verb=Identify')).toBe('badVerb');
    const bad = await oai('verb=ListRecords');
    expect(bad.xml.one('error')?.attrs.code).toBe('badArgument');
    // badVerb and badArgument answers echo no arguments.
    expect(bad.xml.one('request')?.attrs).toEqual({});
    expect(await oaiError('verb=Identify&extra=1')).toBe('badArgument');
    expect(await oaiError('verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc')).toBe(
      'badArgument',
    );
    expect(await oaiError('verb=ListRecords&metadataPrefix=oai_dc&from=2026-13-01')).toBe('badArgument');
    expect(await oaiError('verb=ListRecords&metadataPrefix=oai_dc&from=2026-02-30')).toBe('badArgument');
    expect(
      await oaiError('verb=ListRecords&metadataPrefix=oai_dc&from=2026-01-01&until=2026-02-01T00:00:00Z'),
    ).toBe('badArgument');
    expect(await oaiError('verb=ListRecords&metadataPrefix=oai_dc&from=2026-02-01&until=2026-01-01')).toBe(
      'badArgument',
    );
    expect(await oaiError('verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=x')).toBe('badArgument');
    expect(await oaiError('verb=GetRecord&identifier=oai:maktab.localhost:resource/1')).toBe('badArgument');
    expect(await oaiError('verb=ListRecords&metadataPrefix=marc21')).toBe('cannotDisseminateFormat');
    expect(
      await oaiError(
        `verb=GetRecord&metadataPrefix=marc21&identifier=oai:maktab.localhost:resource/${published.id}`,
      ),
    ).toBe('cannotDisseminateFormat');
    expect(
      await oaiError(
        `verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:maktab.localhost:resource/${draft.id}`,
      ),
    ).toBe('idDoesNotExist');
    expect(
      await oaiError('verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:elsewhere.org:resource/1'),
    ).toBe('idDoesNotExist');
    expect(await oaiError('verb=GetRecord&metadataPrefix=oai_dc&identifier=%3Cx%3E%26%22')).toBe(
      'idDoesNotExist',
    );
    expect(await oaiError('verb=ListRecords&metadataPrefix=oai_dc&set=subject:astrology')).toBe(
      'noRecordsMatch',
    );
    expect(await oaiError('verb=ListRecords&metadataPrefix=oai_dc&until=2000-01-01')).toBe('noRecordsMatch');
    expect(await oaiError('verb=ListIdentifiers&resumptionToken=not-a-token')).toBe('badResumptionToken');
    const forged = Buffer.from(JSON.stringify({ v: 1, a: 0, f: 'yesterday' })).toString('base64url');
    expect(await oaiError(`verb=ListIdentifiers&resumptionToken=${forged}`)).toBe('badResumptionToken');
    expect(await oaiError('verb=ListSets&resumptionToken=abc')).toBe('badResumptionToken');
  });

  it('pages lists with stable resumption tokens and filters by change date', async () => {
    // Many harvestable records at once: imported drafts, published in SQL (the workflow is tested elsewhere).
    const csv = [
      'title,type,language,level,licence',
      ...Array.from({ length: 230 }, (_, i) => `Vərəq ${i},worksheet,az,general,cc0`),
    ].join('\n');
    const imported = await author.inject({
      method: 'POST',
      url: '/api/library/import',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(imported.statusCode, imported.body).toBe(200);
    const ids = imported.json<{ ids: number[] }>().ids;
    await database.db.execute(
      sql`update library_resource set state = 'published', published_at = now() where id = any(${`{${ids.join(',')}}`}::int[])`,
    );
    const [{ n }] = (await rows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from library_resource where published_at is not null`,
    )) as [{ n: number }];

    const seen: string[] = [];
    let query = 'verb=ListIdentifiers&metadataPrefix=oai_dc';
    let pages = 0;
    let firstToken = '';
    for (;;) {
      const page = await oai(query);
      pages++;
      const got = page.xml.all('identifier').map((e) => e.text);
      seen.push(...got);
      const token = page.xml.one('resumptionToken');
      if (pages === 1) {
        expect(got).toHaveLength(OAI_PAGE);
        firstToken = token!.text;
      }
      if (!token || token.text === '') {
        // The last page of a resumed list carries an empty token.
        expect(token).toBeDefined();
        break;
      }
      query = `verb=ListIdentifiers&resumptionToken=${encodeURIComponent(token.text)}`;
    }
    expect(pages).toBe(Math.ceil(n / OAI_PAGE));
    expect(new Set(seen).size).toBe(n);
    // The same token names the same page.
    const again1 = await oai(`verb=ListIdentifiers&resumptionToken=${firstToken}`);
    const again2 = await oai(`verb=ListIdentifiers&resumptionToken=${firstToken}`);
    expect(again1.xml.all('identifier').map((e) => e.text)).toEqual(
      again2.xml.all('identifier').map((e) => e.text),
    );
    expect(again1.xml.all('identifier')[0]!.text).toBe(seen[OAI_PAGE]);

    // Change dates: one record moved to 2020, found by a window around it, at either granularity.
    await database.db.execute(
      sql`update library_resource set updated_at = '2020-05-05T10:00:00.5Z' where id = ${published.id}`,
    );
    const window = async (q: string) =>
      (await oai(`verb=ListIdentifiers&metadataPrefix=oai_dc&${q}`)).xml.all('identifier').map((e) => e.text);
    const only = [`oai:maktab.localhost:resource/${published.id}`];
    expect(await window('from=2020-05-05&until=2020-05-05')).toEqual(only);
    expect(await window('from=2020-05-05T10:00:00Z&until=2020-05-05T10:00:00Z')).toEqual(only);
    expect(
      await oaiError(
        'verb=ListIdentifiers&metadataPrefix=oai_dc&from=2020-05-05T10:00:01Z&until=2020-05-06T00:00:00Z',
      ),
    ).toBe('noRecordsMatch');
    expect(await window('until=2021-01-01')).toEqual(only);
    const header = (await oai(`verb=GetRecord&metadataPrefix=oai_dc&identifier=${only[0]}`)).xml.one(
      'datestamp',
    );
    expect(header?.text).toBe('2020-05-05T10:00:00Z');
    const later = await window('from=2021-01-01');
    expect(later).toHaveLength(OAI_PAGE);
    expect(later).not.toContain(only[0]);
  });

  it('imports a file of descriptions as drafts with their topics, all or nothing', async () => {
    const template = await author.inject({ url: '/api/library/import/template' });
    expect(template.statusCode).toBe(200);
    expect(template.headers['content-type']).toContain('text/csv');
    expect(template.body.replace(/^\uFEFF/, '').trim()).toBe(IMPORT_COLUMNS.map((c) => c.name).join(','));

    const count = async () =>
      (await rows<{ n: number }>(database.db, sql`select count(*)::int as n from library_resource`))[0]!.n;
    const send = (csv: string, query = '', locale = 'en') =>
      author.inject({
        method: 'POST',
        url: `/api/library/import${query}`,
        headers: { 'content-type': 'text/csv', 'accept-language': locale },
        payload: csv,
      });
    const good = [
      'title,type,language,level,licence,subject,grades,topics,description,authors,publisher,channel,air_date,duration_seconds,pages,accessibility',
      '"Kəsrlər, 5-ci sinif",video_lesson,az,general,cc_by,mathematics,5;6,math.numbers.fractions,"Təsvir ""dırnaqla""",Ali Əliyev|Səbinə Quliyeva,Təhsil TV,,,1500,,captions;transcript',
      'Дроби,tv_lesson,ru,general,cc_by_sa,mathematics,5,,,,,"Mədəniyyət TV",2021-03-04,1800,,',
      'Reading list,extracurricular_reading,en,general,all_rights_reserved,,,,,,,,,,40,',
    ].join('\r\n');
    const before = await count();
    const dry = await send(good, '?dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({
      dryRun: true,
      valid: true,
      rows: 3,
      created: 3,
      ids: [],
      problemCount: 0,
    });
    expect(await count()).toBe(before);

    const done = await send(`\uFEFF${good}`);
    expect(done.statusCode, done.body).toBe(200);
    const report = done.json<{ ids: number[]; created: number }>();
    expect(report.created).toBe(3);
    expect(await count()).toBe(before + 3);
    const first = (
      await author.inject({ url: `/api/library/resources/${report.ids[0]}` })
    ).json<ResourceView>();
    expect(first).toMatchObject({
      state: 'draft',
      title: 'Kəsrlər, 5-ci sinif',
      description: 'Təsvir "dırnaqla"',
      grades: [5, 6],
      authors: ['Ali Əliyev', 'Səbinə Quliyeva'],
      durationSeconds: 1500,
      accessibility: ['captions', 'transcript'],
      topics: [{ code: 'math.numbers.fractions' }],
    });
    const tv = (await author.inject({ url: `/api/library/resources/${report.ids[1]}` })).json<ResourceView>();
    expect(tv).toMatchObject({
      type: 'tv_lesson',
      channel: 'Mədəniyyət TV',
      airDate: '2021-03-04',
      language: 'ru',
    });
    const history = (await author.inject({ url: `/api/library/resources/${report.ids[0]}/history` })).json<
      { action: string }[]
    >();
    expect(history.map((h) => h.action)).toEqual(['import']);
    // Imported drafts are searchable once published like any other: their search columns are filled.
    const [folded] = await rows<{ key: string }>(
      database.db,
      sql`select search_key as key from library_resource where id = ${report.ids[0]}`,
    );
    expect(folded!.key).toContain('kesrler');
  });

  it('reports every problem of a bad file by line and column and writes nothing', async () => {
    const count = async () =>
      (await rows<{ n: number }>(database.db, sql`select count(*)::int as n from library_resource`))[0]!.n;
    const send = (csv: string | Buffer, locale = 'en') =>
      author.inject({
        method: 'POST',
        url: '/api/library/import',
        headers: { 'content-type': 'text/csv', 'accept-language': locale },
        payload: csv,
      });
    const before = await count();
    const bad = [
      'title,type,language,level,licence,subject,grades,topics',
      'Yaxşı sətir,worksheet,az,general,cc_by,mathematics,5,',
      ',podcast,az,general,cc_by,,,',
      'Fizika,worksheet,az,general,cc_by,physics,2,math.numbers.fractions',
      'Naməlum,worksheet,az,general,cc_by,astrology,,nope.topic',
      'TV,tv_lesson,az,general,cc_by,,,',
    ].join('\n');
    const res = await send(bad);
    expect(res.statusCode).toBe(422);
    const error = res.json<{
      error: { code: string; details: { line: number; column: string; reason: string }[] };
    }>().error;
    expect(error.code).toBe('import_invalid');
    expect(error.details.map((d) => [d.line, d.column, d.reason])).toEqual([
      [3, 'title', 'required'],
      [3, 'type', 'not_one_of'],
      [4, 'grades', 'library.grade'],
      [4, 'topics', 'library.topic_subject'],
      [5, 'subject', 'library.unknown_subject'],
      [5, 'topics', 'library.unknown_topic'],
      [6, 'channel', 'library.tv'],
      [6, 'air_date', 'library.tv'],
    ]);
    expect(await count()).toBe(before);
    // In the caller's language.
    expect(
      (await reviewer.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'ru' } })).statusCode,
    ).toBe(200);
    const ru = (
      await reviewer.inject({
        method: 'POST',
        url: '/api/library/import',
        headers: { 'content-type': 'text/csv' },
        payload: bad,
      })
    ).json<{ error: { details: { message: string }[] } }>().error.details;
    expect(ru.find((d) => d.message.includes('astrology'))!.message).toContain(
      'нет предмета с кодом astrology',
    );
    const dry = await author.inject({
      method: 'POST',
      url: '/api/library/import?dryRun=true',
      headers: { 'content-type': 'text/csv' },
      payload: bad,
    });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ valid: false, created: 0, problemCount: 8 });

    const header = await send('name,type,language,level,colour\nX,worksheet,az,general,red\n');
    expect(header.statusCode).toBe(422);
    expect(
      header
        .json<{ error: { details: { line: number; column: string; reason: string }[] } }>()
        .error.details.map((d) => [d.line, d.column, d.reason]),
    ).toEqual([
      [1, 'name', 'unknown_column'],
      [1, 'colour', 'unknown_column'],
      [1, 'title', 'missing_column'],
      [1, 'licence', 'missing_column'],
    ]);

    const empty = await send('');
    expect(empty.statusCode).toBe(422);
    expect(empty.json<{ error: { code: string } }>().error.code).toBe('import_empty');
    const noRows = await send('title,type,language,level,licence\n');
    expect(noRows.json<{ error: { code: string } }>().error.code).toBe('import_no_rows');
    const huge = await send(Buffer.alloc(11 * 1024 * 1024, 'a'));
    expect(huge.statusCode).toBe(413);
    expect(await count()).toBe(before);
  });

  it('imports 5,000 rows in one go', async () => {
    const csv = [
      'title,type,language,level,licence,subject,grades,topics,authors',
      ...Array.from(
        { length: 5000 },
        (_, i) =>
          `Arxiv dərsi ${i},video_lesson,az,general,cc_by,mathematics,5;6,math.numbers.fractions,Müəllif ${i % 50}`,
      ),
    ].join('\n');
    const res = await author.inject({
      method: 'POST',
      url: '/api/library/import',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ created: number }>().created).toBe(5000);
    const ids = res.json<{ ids: number[] }>().ids;
    expect(new Set(ids).size).toBe(5000);
    const [check] = await rows<{ n: number; topics: number }>(
      database.db,
      sql`select count(*)::int as n, (select count(*)::int from library_resource_topic t
            where t.resource_id = any(${`{${ids.join(',')}}`}::int[])) as topics
          from library_resource r where r.id = any(${`{${ids.join(',')}}`}::int[]) and r.title like 'Arxiv dərsi %'`,
    );
    expect(check).toEqual({ n: 5000, topics: 5000 });
  });

  it('remembers a client for a while only, and caps what one address can count', () => {
    let now = 0;
    const dedup = new library.EventDeduplicator(() => now);
    expect(dedup.admit('10.0.0.1', 1, 'view')).toBe(true);
    expect(dedup.admit('10.0.0.1', 1, 'view')).toBe(false);
    expect(dedup.admit('10.0.0.1', 1, 'complete')).toBe(true);
    now += 10 * 60_000;
    expect(dedup.admit('10.0.0.1', 1, 'view')).toBe(true);
    // A script walking every id from one address: 120 an hour.
    let counted = 3;
    for (let id = 2; id < 300; id++) if (dedup.admit('10.0.0.1', id, 'view')) counted++;
    expect(counted).toBe(120);
    expect(dedup.admit('10.0.0.2', 5, 'view')).toBe(true);
    now += 3600_000;
    expect(dedup.admit('10.0.0.1', 400, 'view')).toBe(true);
  });
});
