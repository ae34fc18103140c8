import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/server/app';
import { rows, type Database } from '@/server/db/database';
import { LOCALES } from '@/server/i18n';
import { auditLog } from '@/modules/identity/identity.tables';
import { internetLinks } from '@/modules/infrastructure/infrastructure.tables';
import { SECTION_TITLES, SECTIONS } from '@/modules/policy/policy.profile.messages';
import { PEER_QUESTIONS } from '@/modules/policy/policy.registry.schema';
import { policies as filterPolicies } from '@/modules/safety/safety.tables';
import type { ProfileOut } from '@/modules/policy/policy.profile.service';
import { createUserWithRole } from '@test/factories';
import { login, testConfig, type Session } from '@test/harness';
import { seededDemo } from '@test/seeded-demo';

type Err = { error: { code: string; message: string; details: { field: string; message: string }[] } };
interface Changes {
  from: { number: number } | null;
  to: { number: number } | null;
  changed: number;
  sections: {
    id: string;
    textChanged: boolean;
    textAfter: string;
    figures: { key: string; before: number | null; after: number | null; afterDisplay: string }[];
    peer: { question: string; before: boolean | null; after: boolean; afterName: string }[];
  }[];
}
type PeerOut = ProfileOut['sections'][number]['peer'];

const pdfText = (pdf: Buffer) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-profile-'));
  try {
    const file = path.join(dir, 'profile.pdf');
    fs.writeFileSync(file, pdf);
    // pdftotext breaks long lines where the page did: the words joined by single spaces.
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

const figureOf = (p: ProfileOut, key: string) =>
  p.sections.flatMap((s) => s.figures).find((f) => f.key === key);

/**
 * The country profile generated from the seeded demo through the API: every section of the PEER outline in
 * az/ru/en with the ministry's text, every figure with its source, day and query; a school connected shows in
 * the next profile; the ministry edits a section (named fields in the reader's language, a stale save refused
 * with the current text) and publishes editions, which stay as published and are compared; the PDF reads in
 * each language (pdftotext).
 */
describe('the country profile', () => {
  let database: Database;
  let app: FastifyInstance;
  let bureau: Session;

  // The seeded demo is made once per machine and copied; the first file to need it seeds it (minutes when busy).
  beforeAll(async () => {
    database = (await seededDemo()).database;
    app = await buildApp(testConfig(), database);
    await app.ready();
    const user = await createUserWithRole(database.db, 'bureau');
    bureau = await login(app, user.username, user.password);
  }, 600_000);
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const get = async <T>(url: string, headers: Record<string, string> = {}) => {
    const res = await app.inject({ method: 'GET', url, headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<T>();
  };

  it('has every section of the outline in all three languages, every figure with its source and date', async () => {
    for (const lang of LOCALES) {
      const profile = await get<ProfileOut>(`/api/policy/profile?lang=${lang}`);
      expect(profile.lang).toBe(lang);
      expect(profile.edition).toBeNull();
      expect(profile.sections.map((s) => s.id)).toEqual([...SECTIONS]);
      expect(profile.sections.filter((s) => s.part).map((s) => s.part!.id)).toEqual(['2', '3']);
      for (const s of profile.sections) {
        expect(s.title).toBe(SECTION_TITLES[s.id as keyof typeof SECTION_TITLES][lang]);
        expect(s.text.length, `${lang} ${s.id}`).toBeGreaterThan(100);
      }
      const figures = profile.sections.flatMap((s) => s.figures);
      expect(figures.length).toBeGreaterThan(10);
      for (const f of figures) {
        expect(f.source, f.key).toMatch(/Maktab/);
        expect(f.asOf, f.key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(f.query.length, f.key).toBeGreaterThan(20);
        expect(f.sql.length, f.key).toBeGreaterThan(20);
        expect(f.display, f.key).not.toBe('');
      }
      // The infrastructure section quotes the schools connected, as counted by monitoring.
      const connected = profile.sections
        .find((s) => s.id === '2.2')!
        .figures.find((f) => f.key === 'schools_connected');
      expect(connected?.value).toBeGreaterThan(0);
    }
    // The same figure, named in each language; the language from the header when the query names none.
    const az = await get<ProfileOut>('/api/policy/profile', { 'accept-language': 'ru' });
    expect(az.lang).toBe('ru');
    expect(az.sections[0]!.title).toBe('Терминология');
  });

  it('shows a school connected in the very next profile', async () => {
    // A reporting school of the current year with an internet link: its links are taken away, then one is given.
    const [school] = await rows<{ id: number; yearId: number }>(
      database.db,
      sql`select l.institution_id as id, l.academic_year_id as "yearId" from infrastructure_internet_link l
          join institutions_academic_year y on y.id = l.academic_year_id and y.is_current
          order by l.institution_id limit 1`,
    );
    expect(school).toBeDefined();
    const links = await database.db
      .select()
      .from(internetLinks)
      .where(
        and(eq(internetLinks.institutionId, school!.id), eq(internetLinks.academicYearId, school!.yearId)),
      );
    await database.db
      .delete(internetLinks)
      .where(
        and(eq(internetLinks.institutionId, school!.id), eq(internetLinks.academicYearId, school!.yearId)),
      );
    const before = figureOf(
      await get<ProfileOut>('/api/policy/profile?lang=en'),
      'schools_connected',
    )!.value!;
    await database.db.insert(internetLinks).values(links.map(({ id: _, ...l }) => l));
    const after = await get<ProfileOut>('/api/policy/profile?lang=en');
    expect(figureOf(after, 'schools_connected')!.value).toBe(before + 1);
    expect(figureOf(after, 'schools_connected')!.display).toMatch(/^[\d,]+ schools$/);
  });

  it('lets the ministry edit a section: all three languages required, named in the reader’s language', async () => {
    const texts = await bureau.inject({ method: 'GET', url: '/api/policy/profile/sections' });
    expect(texts.statusCode).toBe(200);
    const item = texts
      .json<{ items: { section: string; version: number; body: Record<string, string> }[] }>()
      .items.find((i) => i.section === '3.2')!;
    expect(item.version).toBeGreaterThan(0);

    const missing = await bureau.inject({
      method: 'PUT',
      url: '/api/policy/profile/sections/3.2',
      payload: { version: item.version, body: { az: 'Mətn', ru: '  ', en: '' } },
    });
    expect(missing.statusCode).toBe(422);
    const details = missing.json<Err>().error.details;
    expect(details.map((d) => d.field)).toEqual(['body.ru', 'body.en']);
    // In the language of the bureau's account (Azerbaijani).
    expect(details[0]!.message).toBe('body.ru: hər dildə mütləqdir');

    const unknown = await bureau.inject({
      method: 'PUT',
      url: '/api/policy/profile/sections/4.1',
      payload: { version: item.version, body: { az: 'a', ru: 'b', en: 'c' } },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<Err>().error.details[0]!.field).toMatch(/section/);

    const body = {
      az: `${item.body.az}\n\nMəktəblərdə telefonlara dair ümumi qaydalar hazırlanır.`,
      ru: `${item.body.ru}\n\nГотовятся общие правила о телефонах в школах.`,
      en: `${item.body.en}\n\nCommon rules on phones in schools are being prepared.`,
    };
    const saved = await bureau.inject({
      method: 'PUT',
      url: '/api/policy/profile/sections/3.2',
      payload: { version: item.version, body },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json<{ version: number }>().version).toBe(item.version + 1);

    // A second save from the same read is refused, with the text as it now stands.
    const stale = await bureau.inject({
      method: 'PUT',
      url: '/api/policy/profile/sections/3.2',
      payload: { version: item.version, body: { az: 'x', ru: 'y', en: 'z' } },
    });
    expect(stale.statusCode).toBe(409);
    const conflict = stale.json<{
      error: { code: string; details: { current: { version: number; body: { en: string } } } };
    }>().error;
    expect(conflict.code).toBe('stale_version');
    expect(conflict.details.current.version).toBe(item.version + 1);
    expect(conflict.details.current.body.en).toBe(body.en);

    const profile = await get<ProfileOut>('/api/policy/profile?lang=en');
    expect(profile.sections.find((s) => s.id === '3.2')!.text).toContain('Common rules on phones');

    const audits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'policy_section_text'), eq(auditLog.entityId, '3.2')));
    expect(audits).toHaveLength(1);
  });

  it('refuses the profile’s pages to anyone but the ministry for writing', async () => {
    const anonymous = await app.inject({
      method: 'PUT',
      url: '/api/policy/profile/sections/1',
      payload: { version: 1, body: { az: 'a', ru: 'b', en: 'c' } },
    });
    expect(anonymous.statusCode).toBe(401);
    const [school] = await rows<{ id: number }>(
      database.db,
      sql`select id from institutions_institution order by id limit 1`,
    );
    const teacher = await createUserWithRole(database.db, 'teacher', { institutionId: school!.id });
    const session = await login(app, teacher.username, teacher.password);
    const refused = await session.inject({
      method: 'POST',
      url: '/api/policy/profile/editions',
      payload: { version: 1, note: { az: '', ru: '', en: '' } },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('publishes editions that stay as published, and compares them', async () => {
    const list = await get<{ version: number; items: { number: number }[] }>('/api/policy/profile/editions');
    // The demo's seed published the first edition.
    expect(list.version).toBe(1);
    expect(list.items.map((i) => i.number)).toEqual([1]);

    // Since the first edition: the text of 3.2 was edited (above).
    const since = await get<Changes>('/api/policy/profile/changes?lang=en');
    expect(since.from?.number).toBe(1);
    expect(since.sections.find((s) => s.id === '3.2')!.textChanged).toBe(true);
    expect(since.sections.find((s) => s.id === '1')!.textChanged).toBe(false);

    const published = await bureau.inject({
      method: 'POST',
      url: '/api/policy/profile/editions',
      payload: {
        version: 1,
        note: { az: 'İkinci nəşr', ru: 'Второе издание', en: 'Second edition' },
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    const second = published.json<ProfileOut>();
    expect(second.edition).toMatchObject({ number: 2, note: 'İkinci nəşr' });
    expect(second.lang).toBe('az');

    // Publishing again from the same read is refused: someone already published after it.
    const again = await bureau.inject({
      method: 'POST',
      url: '/api/policy/profile/editions',
      payload: { version: 1, note: { az: '', ru: '', en: '' } },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json<Err>().error.code).toBe('policyProfile.edition_stale');
    expect(again.json<Err>().error.message).toMatch(/başqa nəşr dərc edilib/);

    // The edition keeps its figure while the platform's moves on.
    const kept = figureOf(
      await get<ProfileOut>('/api/policy/profile/editions/2?lang=en'),
      'schools_connected',
    )!;
    const [school] = await rows<{ id: number; yearId: number }>(
      database.db,
      sql`select s.institution_id as id, s.academic_year_id as "yearId" from infrastructure_school_year s
          join institutions_academic_year y on y.id = s.academic_year_id and y.is_current
          where not exists (select 1 from infrastructure_internet_link l
            where l.institution_id = s.institution_id and l.academic_year_id = s.academic_year_id)
          order by 1 limit 1`,
    );
    expect(school).toBeDefined();
    await database.db.insert(internetLinks).values({
      institutionId: school!.id,
      academicYearId: school!.yearId,
      purpose: 'teaching',
      type: 'fibre',
      educationNetwork: true,
      provider: null,
      downloadMbps: 50,
      uploadMbps: null,
    });
    const live = figureOf(await get<ProfileOut>('/api/policy/profile?lang=en'), 'schools_connected')!;
    expect(live.value).toBe(kept.value! + 1);
    const edition2 = await get<ProfileOut>('/api/policy/profile/editions/2?lang=ru');
    expect(figureOf(edition2, 'schools_connected')!.value).toBe(kept.value);
    expect(edition2.edition!.note).toBe('Второе издание');
    expect(edition2.sections.find((s) => s.id === '3.2')!.text).toContain('Готовятся общие правила');

    // What changed since: the one school, in section 2.2; what edition 2 changed since 1: the text of 3.2.
    const changes = await get<Changes>('/api/policy/profile/changes?lang=en');
    expect(changes.from?.number).toBe(2);
    const infra = changes.sections.find((s) => s.id === '2.2')!;
    expect(infra.figures.find((f) => f.key === 'schools_connected')).toMatchObject({
      before: kept.value,
      after: kept.value! + 1,
    });
    expect(changes.sections.every((s) => !s.textChanged)).toBe(true);
    const edition2Changes = await get<Changes>('/api/policy/profile/editions/2/changes?lang=en');
    expect(edition2Changes.from?.number).toBe(1);
    expect(edition2Changes.to?.number).toBe(2);
    expect(edition2Changes.sections.filter((s) => s.textChanged).map((s) => s.id)).toEqual(['3.2']);
    const first = await get<Changes>('/api/policy/profile/editions/1/changes');
    expect(first.from).toBeNull();

    expect((await app.inject({ url: '/api/policy/profile/editions/99' })).statusCode).toBe(404);
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'policy_edition'), eq(auditLog.entityId, '2')));
    expect(audits.map((a) => a.action)).toEqual(['publish']);
  });

  it('gives the profile and its editions as PDF, readable in each language', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-profile-'));
    try {
      const expected = {
        az: ['Təhsildə texnologiya: ölkə profili', 'Məktəblərin rolu', 'Mənbə: Maktab', 'PEER müqayisə'],
        ru: ['Технологии в образовании: профиль страны', 'Роль школ', 'Источник: Maktab', 'показатели PEER'],
        en: [
          'Technology in education: country profile',
          'Roles of schools',
          'Source: Maktab',
          'PEER comparison',
        ],
      };
      for (const lang of LOCALES) {
        for (const url of [
          `/api/policy/profile/pdf?lang=${lang}`,
          `/api/policy/profile/editions/2/pdf?lang=${lang}`,
        ]) {
          const res = await app.inject({ url });
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toBe('application/pdf');
          expect(res.headers['content-disposition']).toMatch(/attachment; filename="profile-.*\.pdf"/);
          const file = path.join(dir, `${lang}.pdf`);
          fs.writeFileSync(file, res.rawPayload);
          const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
          // pdftotext breaks long lines where the page did: compare with the words joined by single spaces.
          const flat = text.replace(/\s+/g, ' ');
          for (const phrase of expected[lang]) expect(flat, `${url}: ${phrase}`).toContain(phrase);
        }
      }
      const edition = execFileSync('pdftotext', [path.join(dir, 'en.pdf'), '-'], { encoding: 'utf8' });
      expect(edition.replace(/\s+/g, ' ')).toContain('Edition 2, published');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers PEER’s comparison questions in section 2.1, as the registry does, in each language, JSON and PDF', async () => {
    const expected = {
      az: { heading: 'PEER müqayisə göstəriciləri', yes: 'Bəli', no: 'Xeyr' },
      ru: { heading: 'Сравнительные показатели PEER', yes: 'Да', no: 'Нет' },
      en: { heading: 'PEER comparison indicators', yes: 'Yes', no: 'No' },
    };
    for (const lang of LOCALES) {
      const profile = await get<ProfileOut>(`/api/policy/profile?lang=${lang}`);
      const registry = await get<{
        items: { question: string; text: string; answer: boolean; documents: { id: number }[] }[];
      }>('/api/policy/peer', { 'accept-language': lang });
      const peer = profile.sections.find((s) => s.id === '2.1')!.peer;
      expect(peer.map((q) => q.question)).toEqual([...PEER_QUESTIONS]);
      expect(profile.sections.filter((s) => s.id !== '2.1').every((s) => s.peer.length === 0)).toBe(true);
      for (const q of peer) {
        const r = registry.items.find((i) => i.question === q.question)!;
        expect(q.text).toBe(r.text);
        expect(q.answer, q.question).toBe(r.answer);
        expect(q.answerName).toBe(q.answer ? expected[lang].yes : expected[lang].no);
        // The same documents (the profile lists them oldest first, the registry newest first).
        expect(q.documents.map((d) => d.id).sort()).toEqual(r.documents.map((d) => d.id).sort());
      }
      // The demo's registry answers connectivity with its documents (their numbers and links are left to the ministry).
      const connectivity = peer.find((q) => q.question === 'connectivity')!;
      expect(connectivity.answer).toBe(true);
      expect(connectivity.documents.length).toBeGreaterThan(0);
      for (const d of connectivity.documents) {
        expect(d.title).not.toBe('');
        expect(d.adoptedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(d.statusName).not.toBe('');
      }

      const res = await app.inject({ url: `/api/policy/profile/pdf?lang=${lang}` });
      expect(res.statusCode).toBe(200);
      const text = pdfText(res.rawPayload);
      expect(text).toContain(expected[lang].heading);
      for (const q of peer) expect(text, q.question).toContain(`${q.text} ${q.answerName}`);
      expect(text).toContain(connectivity.documents[0]!.title.replace(/\s+/g, ' '));
    }
  });

  it('changes a PEER answer at once when a document answers it, and says so since the last edition', async () => {
    const before = await get<ProfileOut>('/api/policy/profile?lang=en');
    const answered = (p: ProfileOut): PeerOut => p.sections.find((s) => s.id === '2.1')!.peer;
    const no = answered(before).find((q) => !q.answer);
    expect(no, 'a question the demo answers no').toBeDefined();
    // A document in force is saved with that question added, through the registry's API.
    const [doc] = await rows<{ id: number }>(
      database.db,
      sql`select id from policy_document where status = 'in_force' order by id limit 1`,
    );
    const read = await bureau.inject({ url: `/api/policy/documents/${doc!.id}` });
    expect(read.statusCode).toBe(200);
    const d = read.json<Record<string, unknown> & { peer: string[] }>();
    const fields = ['kind', 'title', 'issuer', 'number', 'adoptedOn', 'amendedOn', 'periodStart'] as const;
    const more = ['periodEnd', 'status', 'summary', 'url', 'topics', 'version'] as const;
    const body = Object.fromEntries([...fields, ...more].map((k) => [k, d[k]]));
    const saved = await bureau.inject({
      method: 'PUT',
      url: `/api/policy/documents/${doc!.id}`,
      payload: { ...body, peer: [...d.peer, no!.question] },
    });
    expect(saved.statusCode, saved.body).toBe(200);

    const after = answered(await get<ProfileOut>('/api/policy/profile?lang=ru'));
    const now = after.find((q) => q.question === no!.question)!;
    expect(now.answer).toBe(true);
    expect(now.answerName).toBe('Да');
    expect(now.documents.map((x) => x.id)).toContain(doc!.id);

    const changes = await get<Changes>('/api/policy/profile/changes?lang=en');
    expect(changes.sections.find((s) => s.id === '2.1')!.peer).toEqual([
      expect.objectContaining({ question: no!.question, before: false, after: true, afterName: 'Yes' }),
    ]);
  });

  it('quotes the filter’s categories in section 2.4, changed at once when a national policy’s categories change', async () => {
    const filterFigure = async (lang = 'en') =>
      (await get<ProfileOut>(`/api/policy/profile?lang=${lang}`)).sections
        .find((s) => s.id === '2.4')!
        .figures.find((f) => f.key === 'filter_categories')!;
    // The national pupils' policies start with no category (the demo's filter may have none at all yet).
    await database.db.execute(
      sql`update safety_policy set categories = '{}' where area_id is null and code in ('primary', 'secondary')`,
    );
    const none = await filterFigure();
    expect(none).toMatchObject({ value: 0, display: 'no categories configured in the filter yet' });
    expect(none.source).toMatch(/content filter/);
    expect(none.sql).toMatch(/filterFigures/);
    expect((await filterFigure('az')).display).toBe('süzgəcdə hələ heç bir kateqoriya qurulmayıb');

    const safeSearch = {
      google: true,
      youtube: 'strict',
      bing: true,
      duckduckgo: true,
      yandex: true,
    } as const;
    await database.db
      .insert(filterPolicies)
      .values({
        code: 'primary',
        name: { az: 'İbtidai', ru: 'Начальные', en: 'Primary' },
        categories: ['adult', 'gambling', 'violence'],
        safeSearch,
      })
      .onConflictDoUpdate({
        target: filterPolicies.code,
        set: { categories: ['adult', 'gambling', 'violence'] },
      });
    expect(await filterFigure()).toMatchObject({ value: 3, display: '3 categories of content' });
    await database.db
      .update(filterPolicies)
      .set({ categories: ['adult', 'gambling', 'violence', 'drugs'] })
      .where(eq(filterPolicies.code, 'primary'));
    expect((await filterFigure('ru')).display).toBe('4 категорий содержимого');
    expect(
      (await get<ProfileOut>('/api/policy/profile?lang=en')).sections
        .find((s) => s.id === '2.4')!
        .figures.find((f) => f.key === 'filter_categories')!.label,
    ).toBe('The education network filters');

    const changes = await get<Changes>('/api/policy/profile/changes?lang=en');
    expect(changes.sections.find((s) => s.id === '2.4')!.figures).toContainEqual(
      expect.objectContaining({
        key: 'filter_categories',
        after: 4,
        afterDisplay: '4 categories of content',
      }),
    );
  });

  it('still reads an edition published before the profile answered PEER’s questions', async () => {
    // Edition 1 as such an edition was stored: without the answers, its documents without their questions.
    await database.db.execute(
      sql`update policy_edition set content = (content - 'peer') || jsonb_build_object('documents',
            (select coalesce(jsonb_agg(d - 'peer'), '[]'::jsonb) from jsonb_array_elements(content->'documents') d))
          where number = 1`,
    );
    const old = await get<ProfileOut>('/api/policy/profile/editions/1?lang=az');
    expect(old.sections.find((s) => s.id === '2.1')!.peer).toEqual([]);
    expect(old.sections.find((s) => s.id === '2.1')!.documents.length).toBeGreaterThan(0);
    const pdf = await app.inject({ url: '/api/policy/profile/editions/1/pdf?lang=en' });
    expect(pdf.statusCode).toBe(200);
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('Edition 1, published');
    expect(text).not.toContain('PEER comparison indicators');
    // Edition 2 against it: every answer is new, none was there before.
    const changes = await get<Changes>('/api/policy/profile/editions/2/changes?lang=en');
    const peer = changes.sections.find((s) => s.id === '2.1')!.peer;
    expect(peer.map((q) => q.question)).toEqual([...PEER_QUESTIONS]);
    expect(peer.every((q) => q.before === null)).toBe(true);
  });
});
