import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/server/app';
import { loadConfig } from '@/server/config';
import type { Database } from '@/server/db/database';
import { LocalStorage } from '@/server/storage';
import { createTestDatabase, testConfig } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { loadCountryPackFrom } from '@/modules/institutions/country-pack';
import * as library from '@/modules/library/library.service';
import { listTopics } from '@/modules/library/library.store';
import type { ResourceBody } from '@/modules/library/library.schema';
import { pdfBytes } from '@test/files';

/**
 * OAI-PMH against the official schemas (test/xsd, see its README): every verb's answer and every error, asked at
 * different Hosts (a malformed one too), is validated by xmllint (libxml2) with OAI-PMH.xsd, oai_dc.xsd,
 * oai-identifier.xsd and the IEEE LOM XSD, and names the same identifiers whatever the Host.
 */

const XSD_DIR = path.resolve('test/xsd');
const PUBLIC = 'https://maktab.example.az';
const REPOSITORY = 'maktab.example.az';

/** Validates a document with xmllint against the vendored schemas; the tool's report when it fails. */
function validate(xml: string): { ok: boolean; report: string } {
  const file = path.join(os.tmpdir(), `maktab-oai-${process.pid}-${Math.random().toString(36).slice(2)}.xml`);
  fs.writeFileSync(file, xml);
  try {
    const run = spawnSync(
      'xmllint',
      ['--noout', '--nonet', '--schema', path.join(XSD_DIR, 'harvest.xsd'), file],
      { encoding: 'utf8', env: { ...process.env, XML_CATALOG_FILES: path.join(XSD_DIR, 'catalog.xml') } },
    );
    if (run.error) throw run.error;
    return { ok: run.status === 0, report: `${run.stderr}` };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

const values = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);

describe('OAI-PMH against the official schemas', () => {
  let database: Database;
  let app: FastifyInstance;
  let files: string;
  let publishedId = 0;
  let withdrawnId = 0;
  let topicId = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCountryPackFrom(database.db);
    files = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-oai-'));
    const config = testConfig({
      publicUrl: PUBLIC,
      oai: { repositoryId: REPOSITORY, adminEmail: `library@${REPOSITORY}` },
    });
    const env = { storage: new LocalStorage(config.storageDir), media: config.media };
    app = await buildApp(config, database);
    await app.ready();
    const author = await createUserWithRole(database.db, 'editor');
    const reviewer = await createUserWithRole(database.db, 'editor');
    const topic = (await listTopics(database.db, 'mathematics'))[0]!;
    topicId = topic.id;
    const publish = async (over: Partial<ResourceBody>, withdraw = false) => {
      const ctx = { actorId: author.id, ip: null };
      const body: ResourceBody = {
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
      };
      const r = await library.createResource(database.db, env, ctx, body, 'en');
      const file = path.join(files, `${r.id}.pdf`);
      fs.writeFileSync(file, pdfBytes(2000));
      await library.registerUpload(database.db, env, ctx, {
        resourceId: r.id,
        role: 'main',
        path: file,
        originalName: null,
      });
      await library.submitResource(database.db, env, ctx, r.id);
      const done = await library.reviewResource(
        database.db,
        env,
        { actorId: reviewer.id, ip: null },
        r.id,
        'publish',
      );
      if (withdraw)
        await library.unpublishResource(database.db, env, { actorId: reviewer.id, ip: null }, r.id);
      return done;
    };
    publishedId = (
      await publish({
        title: 'Kəsrlər <b>&</b> "onluq"',
        description: 'Kəsrlərin toplanması.',
        subject: 'mathematics',
        grades: [5, 6],
        topicIds: [topicId],
        authors: ['Nəzakət Məmmədova', 'Ali; Vəli, Şirin'],
        publisher: 'Təhsil Nazirliyi',
        pages: 120,
        licence: 'cc_by_nc',
      })
    ).id;
    withdrawnId = (
      await publish({ type: 'worksheet', title: 'Köhnə iş vərəqi', licence: 'all_rights_reserved' }, true)
    ).id;
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    fs.rmSync(files, { recursive: true, force: true });
  });

  const id = (n: number) => `oai:${REPOSITORY}:resource/${n}`;
  const requests = () => [
    'verb=Identify',
    'verb=ListMetadataFormats',
    `verb=ListMetadataFormats&identifier=${id(publishedId)}`,
    'verb=ListSets',
    'verb=ListIdentifiers&metadataPrefix=oai_dc',
    'verb=ListIdentifiers&metadataPrefix=oai_lom&set=subject:mathematics',
    'verb=ListRecords&metadataPrefix=oai_dc',
    'verb=ListRecords&metadataPrefix=oai_lom',
    `verb=GetRecord&metadataPrefix=oai_dc&identifier=${id(publishedId)}`,
    `verb=GetRecord&metadataPrefix=oai_lom&identifier=${id(publishedId)}`,
    `verb=GetRecord&metadataPrefix=oai_lom&identifier=${id(withdrawnId)}`,
    // Errors, each an <error> that validates.
    '',
    'verb=Harvest',
    'verb=Identify&verb=Identify',
    'verb=ListRecords',
    'verb=ListRecords&metadataPrefix=oai_dc&from=0000-01-01',
    'verb=ListRecords&metadataPrefix=oai_dc&from=2026-02-30',
    'verb=ListRecords&metadataPrefix=oai_dc&until=0000-12-31T00:00:00Z',
    'verb=ListRecords&metadataPrefix=oai_dc&from=2026-01-01&until=2025-01-01',
    'verb=ListRecords&resumptionToken=not-a-token',
    'verb=ListRecords&resumptionToken=eyJ2IjoxLCJhIjotMX0',
    'verb=ListIdentifiers&resumptionToken=%E2%80%A6%3C%3E',
    'verb=ListSets&resumptionToken=x',
    'verb=ListRecords&metadataPrefix=marc21',
    'verb=ListRecords&metadataPrefix=oai_dc&set=subject:astrology',
    'verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01',
    'verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:localhost:resource/1',
    `verb=GetRecord&metadataPrefix=oai_dc&identifier=${id(999999)}`,
    'verb=GetRecord&metadataPrefix=oai_dc',
  ];
  const HOSTS = ['localhost', '127.0.0.1', 'bad host/\\x', '[::1]:99999'];

  it('answers every verb and every error, at any Host, with XML that validates and the same identifiers', async () => {
    const seen = new Map<string, string>();
    for (const host of HOSTS) {
      for (const query of requests()) {
        const res = await app.inject({ url: `/oai?${query}`, headers: { host } });
        const where = `${host} ${query}`;
        expect(res.statusCode, where).toBe(200);
        expect(res.headers['content-type'], where).toContain('text/xml');
        const check = validate(res.body);
        expect(check.ok, `${where}\n${check.report}`).toBe(true);
        // Nothing of the Host asked finds its way into the answer.
        if (!query.includes(host)) expect(res.body, where).not.toContain(host);
        const identity = JSON.stringify([
          values(res.body, 'identifier'),
          values(res.body, 'baseURL'),
          values(res.body, 'adminEmail'),
          values(res.body, 'entry'),
          values(res.body, 'location'),
          [...res.body.matchAll(/<error code="(\w+)"/g)].map((m) => m[1]),
        ]);
        if (seen.has(query)) expect(identity, where).toBe(seen.get(query));
        else seen.set(query, identity);
      }
    }
  });

  it('names the records with the configured repository identifier and links with the public address', async () => {
    const identify = (await app.inject({ url: '/oai?verb=Identify', headers: { host: '127.0.0.1:3000' } }))
      .body;
    expect(values(identify, 'baseURL')).toEqual([`${PUBLIC}/oai`]);
    expect(values(identify, 'adminEmail')).toEqual([`library@${REPOSITORY}`]);
    expect(values(identify, 'repositoryIdentifier')).toEqual([REPOSITORY]);
    const list = (await app.inject({ url: '/oai?verb=ListIdentifiers&metadataPrefix=oai_lom' })).body;
    expect(values(list, 'identifier')).toEqual([id(publishedId), id(withdrawnId)]);
    const formats = (await app.inject({ url: '/oai?verb=ListMetadataFormats' })).body;
    expect(values(formats, 'metadataPrefix')).toEqual(['oai_dc', 'oai_lom']);
  });

  it('carries the curriculum alignment in LOM: the subject as discipline, the topic with its page', async () => {
    const xml = (
      await app.inject({ url: `/oai?verb=GetRecord&metadataPrefix=oai_lom&identifier=${id(publishedId)}` })
    ).body;
    expect(xml).toContain('<purpose><source>LOMv1.0</source><value>discipline</value></purpose>');
    expect(xml).toContain('<purpose><source>LOMv1.0</source><value>educational objective</value></purpose>');
    expect(values(xml, 'id')).toEqual(['mathematics', 'mathematics', `${PUBLIC}/resources?topic=${topicId}`]);
    expect(values(xml, 'location')).toEqual([`${PUBLIC}/resources/${publishedId}`]);
    expect(xml).toContain('<learningResourceType><source>LOMv1.0</source><value>narrative text</value>');
    // The withdrawn one is a deleted record, without metadata.
    const gone = (
      await app.inject({ url: `/oai?verb=GetRecord&metadataPrefix=oai_lom&identifier=${id(withdrawnId)}` })
    ).body;
    expect(gone).toContain('<header status="deleted">');
    expect(gone).not.toContain('<metadata>');
  });

  it('answers a form it cannot read as an OAI-PMH error, never JSON', async () => {
    for (const [type, payload] of [
      ['application/octet-stream', 'verb=Identify'],
      ['application/x-www-form-urlencoded', 'x'.repeat(70 * 1024)],
      ['multipart/form-data; boundary=x', '--x--'],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: '/oai',
        headers: { 'content-type': type, host: 'bad host' },
        payload,
      });
      expect(res.statusCode, type).toBe(200);
      expect(res.headers['content-type'], type).toContain('text/xml');
      expect(res.body, type).toContain('<error code="badArgument">');
      expect(validate(res.body).ok, type).toBe(true);
    }
  });

  it('validates nothing that is not valid: the check can fail', () => {
    expect(validate('<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"/>').ok).toBe(false);
  });
});

describe('the public address and the OAI repository in configuration', () => {
  it('refuses to start in production without them, naming what is missing', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /PUBLIC_URL, OAI_REPOSITORY_ID, OAI_ADMIN_EMAIL must be set in production/,
    );
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://maktab.edu.az',
        OAI_REPOSITORY_ID: 'maktab.edu.az',
      }),
    ).toThrow(/^OAI_ADMIN_EMAIL must be set/);
    const config = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://maktab.edu.az/',
      OAI_REPOSITORY_ID: 'maktab.edu.az',
      OAI_ADMIN_EMAIL: 'library@edu.gov.az',
    });
    expect(config.publicUrl).toBe('https://maktab.edu.az');
    expect(config.oai).toEqual({ repositoryId: 'maktab.edu.az', adminEmail: 'library@edu.gov.az' });
  });

  it('refuses values a harvester could not use', () => {
    expect(() => loadConfig({ OAI_REPOSITORY_ID: 'localhost' })).toThrow(/OAI_REPOSITORY_ID/);
    expect(() => loadConfig({ OAI_REPOSITORY_ID: '127.0.0.1' })).toThrow(/OAI_REPOSITORY_ID/);
    expect(() => loadConfig({ OAI_ADMIN_EMAIL: 'library@localhost' })).toThrow(/OAI_ADMIN_EMAIL/);
  });

  it('defaults elsewhere to values that depend on the configuration only', () => {
    expect(loadConfig({}).publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({}).oai).toEqual({
      repositoryId: 'maktab.localhost',
      adminEmail: 'library@maktab.localhost',
    });
    expect(loadConfig({ PUBLIC_URL: 'https://demo.maktab.az' }).oai).toEqual({
      repositoryId: 'demo.maktab.az',
      adminEmail: 'library@demo.maktab.az',
    });
  });
});
