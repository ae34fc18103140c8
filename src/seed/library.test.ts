import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { createTestDatabase, testConfig } from '@test/harness';
import { buildApp } from '@/server/app';
import { rows, type Database } from '@/server/db/database';
import { LocalStorage } from '@/server/storage';
import { readCountryPack } from '@/modules/institutions/country-pack';
import { identify, KINDS } from '@/modules/library/library.files';
import type { ResourceView } from '@/modules/library/library.schema';
import type { TextbookGrid } from '@/modules/library/textbooks.schema';
import { digestTables } from '@/seed/digest';
import { planLibrary } from '@/seed/library';
import { seed, type SeedSummary } from '@/seed/seed';

const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const NO_FFMPEG = { ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe' };
const METADATA = ['libraryResources', 'libraryEvents', 'libraryCollections'] as const;

describe('the demo library plan', () => {
  it('has about 300 resources of every kind, mostly in Azerbaijani, with a textbook and guide per grid cell', async () => {
    const pack = await readCountryPack();
    const plan = planLibrary(pack, 1);
    const count = (type: string) => plan.resources.filter((r) => r.type === type).length;
    expect(plan.resources.length).toBeGreaterThanOrEqual(250);
    expect(plan.resources.length).toBeLessThanOrEqual(350);
    for (const type of [
      'video_lesson',
      'tv_lesson',
      'audio_lesson',
      'e_textbook',
      'teacher_guide',
      'worksheet',
      'steam_project',
      'extracurricular_reading',
    ])
      expect(count(type), type).toBeGreaterThan(0);
    const az = plan.resources.filter((r) => r.language === 'az').length;
    expect(az / plan.resources.length).toBeGreaterThan(0.6);
    expect(new Set(plan.resources.map((r) => r.language))).toEqual(new Set(['az', 'ru', 'en']));
    // Every textbook has a guide for the same grade, subject and language, and the other way round.
    const cell = (r: (typeof plan.resources)[number]) => `${r.language}/${r.subject}/${r.grades.join(',')}`;
    const books = plan.resources.filter((r) => r.type === 'e_textbook').map(cell);
    const guides = plan.resources.filter((r) => r.type === 'teacher_guide').map(cell);
    expect(new Set(books).size).toBe(books.length);
    expect(guides.sort()).toEqual([...books].sort());
    expect(new Set(books.map((b) => b.split('/')[2])).size).toBe(11);
    // Grades and topics agree with the country pack.
    for (const r of plan.resources) {
      const subject = pack.subjects.find((s) => s.code === r.subject);
      if (subject) for (const g of r.grades) expect(subject.grades, `${r.title} ${g}`).toContain(g);
    }
    expect(plan.resources.some((r) => r.topicCodes.includes('math.numbers.fractions'))).toBe(true);
    // TV lessons have their channel and air date, from 11 March 2020, and a playlist in air order.
    const tv = plan.resources.filter((r) => r.type === 'tv_lesson');
    expect(tv.every((r) => r.channel && r.airDate && r.airDate >= '2020-03-11')).toBe(true);
    const season = plan.collections.find((c) => c.kind === 'playlist')!;
    const aired = season.items.map((i) => plan.resources[i]!.airDate!);
    expect(aired).toEqual([...aired].sort());
    expect(aired).toHaveLength(tv.length);
    // The same seed plans the same library; another seed plans other dates and authors.
    expect(JSON.stringify(planLibrary(pack, 1))).toBe(JSON.stringify(plan));
    expect(JSON.stringify(planLibrary(pack, 2))).not.toBe(JSON.stringify(plan));
  });
});

describe('the demo seed with its library', () => {
  const dirs: string[] = [];
  const databases: Database[] = [];
  let withMedia: { database: Database; summary: SeedSummary; storageDir: string };
  let without: { database: Database; summary: SeedSummary; storageDir: string };

  async function seeded(media: { ffmpeg: string; ffprobe: string }, seedNumber = 1) {
    const database = await createTestDatabase();
    databases.push(database);
    const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-seed-library-'));
    dirs.push(storageDir);
    const summary = await seed(database, {
      scale: 'demo',
      seed: seedNumber,
      production: false,
      library: { storage: new LocalStorage(storageDir), media },
    });
    return { database, summary, storageDir };
  }

  beforeAll(async () => {
    // One run makes and processes real media (when ffmpeg is here), the other has no ffmpeg at all.
    withMedia = await seeded(hasFfmpeg ? { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' } : NO_FFMPEG);
    without = await seeded(NO_FFMPEG);
  }, 300_000);
  afterAll(async () => {
    for (const d of databases) await d.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the planned resources, all published, with their files, history and collections', async () => {
    const summary = withMedia.summary.library!;
    expect(summary.resources).toBeGreaterThanOrEqual(250);
    expect(summary.collections).toBe(3);
    const [counts] = await rows<{
      resources: number;
      published: number;
      mains: number;
      events: number;
      topics: number;
      items: number;
      tv: number;
    }>(
      withMedia.database.db,
      sql`select (select count(*)::int from library_resource) as resources,
        (select count(*)::int from library_resource where state = 'published' and published_at is not null) as published,
        (select count(*)::int from library_file where role = 'main' and source_file_id is null) as mains,
        (select count(*)::int from library_resource_event) as events,
        (select count(distinct resource_id)::int from library_resource_topic) as topics,
        (select count(*)::int from library_collection_item) as items,
        (select count(*)::int from library_resource where type = 'tv_lesson' and channel is not null) as tv`,
    );
    expect(counts).toMatchObject({
      resources: summary.resources,
      published: summary.resources,
      mains: summary.resources,
      events: summary.resources * 3,
      tv: summary.byType.tv_lesson,
    });
    expect(counts!.topics).toBeGreaterThan(20);
    expect(counts!.items).toBeGreaterThan(30);
    // Every stored original is there, with the size its row says.
    const mains = await rows<{ storage_key: string; size_bytes: number }>(
      withMedia.database.db,
      sql`select distinct storage_key, size_bytes from library_file where source_file_id is null`,
    );
    for (const f of mains) {
      expect(fs.statSync(path.join(withMedia.storageDir, f.storage_key)).size, f.storage_key).toBe(
        f.size_bytes,
      );
    }
    // And each holds the structure of its kind, as an upload is checked: the PDFs, the videos made with
    // ffmpeg, the WAV tones made without it.
    for (const seeded of [withMedia, without]) {
      const originals = await rows<{ storage_key: string; content_type: string }>(
        seeded.database.db,
        sql`select distinct storage_key, content_type from library_file where source_file_id is null`,
      );
      for (const f of originals) {
        const kind = await identify(path.join(seeded.storageDir, f.storage_key));
        expect(kind && KINDS[kind].contentType, f.storage_key).toBe(f.content_type);
      }
    }
  });

  it('writes books with real text in their language, Azerbaijani letters included', async () => {
    const [book] = await rows<{ storage_key: string; title: string }>(
      without.database.db,
      sql`select f.storage_key, r.title from library_resource r join library_file f on f.resource_id = r.id
          where r.type = 'e_textbook' and r.language = 'az' and r.subject_code = 'mathematics' and r.grades = '{5}'`,
    );
    expect(book!.title).toBe('Riyaziyyat. 5-ci sinif. Dərslik');
    const data = new Uint8Array(fs.readFileSync(path.join(without.storageDir, book!.storage_key)));
    const pdf = await getDocument({ data, useSystemFonts: false, isEvalSupported: false }).promise;
    expect(pdf.numPages).toBeGreaterThanOrEqual(3);
    const text = async (n: number) =>
      (await (await pdf.getPage(n)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
    expect(await text(1)).toContain('Riyaziyyat. 5-ci sinif. Dərslik');
    expect(await text(2)).toMatch(/Adi kəsrlər/);
    await pdf.destroy();
  });

  it.runIf(hasFfmpeg)(
    'processes each shared video once through the media job, and every resource gets its renditions',
    async () => {
      expect(withMedia.summary.library!.processing).toBe('done');
      const [media] = await rows<{ pending: number; done: number; renditions: number; keys: number }>(
        withMedia.database.db,
        sql`select count(*) filter (where f.processing_state = 'pending')::int as pending,
          count(*) filter (where f.processing_state = 'done')::int as done,
          (select count(*)::int from library_file where role = 'rendition') as renditions,
          (select count(distinct storage_key)::int from library_file where role = 'rendition') as keys
          from library_file f where f.role = 'main' and f.content_type like 'video/%'`,
      );
      expect(media!.pending).toBe(0);
      expect(media!.done).toBeGreaterThan(50);
      // 144p, 240p and 360p for every video resource, stored once per shared video.
      expect(media!.renditions).toBe(media!.done * 3);
      expect(media!.keys).toBe(9);
      const app = await buildApp(testConfig({ storageDir: withMedia.storageDir }), withMedia.database);
      try {
        const [tv] = await rows<{ id: number }>(
          withMedia.database.db,
          sql`select id from library_resource where type = 'tv_lesson' order by id desc limit 1`,
        );
        const res = await app.inject({ method: 'GET', url: `/api/library/resources/${tv!.id}` });
        const view = res.json<ResourceView>();
        expect(view.processing.state).toBe('done');
        expect(view.durationSeconds).toBe(5);
        const rendition = view.files.find((f) => f.variant === '240p')!;
        const file = await app.inject({
          method: 'GET',
          url: rendition.url,
          headers: { range: 'bytes=0-99' },
        });
        expect(file.statusCode).toBe(206);
        expect(file.rawPayload.subarray(4, 8).toString('latin1')).toBe('ftyp');
      } finally {
        await app.close();
      }
    },
  );

  it('without ffmpeg, serves WAV tones as they are and says so', async () => {
    expect(without.summary.library!.processing).toBe('unavailable');
    const states = await rows<{ processing_state: string; content_type: string; n: number }>(
      without.database.db,
      sql`select processing_state, content_type, count(*)::int as n from library_file
          group by 1, 2 order by 1, 2`,
    );
    expect(states.map((s) => [s.processing_state, s.content_type])).toEqual([
      ['not_needed', 'application/pdf'],
      ['unavailable', 'audio/wav'],
    ]);
  });

  it('fills the e-textbook grid: a textbook and its guide in every cell', async () => {
    const app = await buildApp(testConfig({ storageDir: without.storageDir }), without.database);
    try {
      const res = await app.inject({ method: 'GET', url: '/api/library/textbooks?language=az' });
      const { cells } = res.json<TextbookGrid>();
      expect(new Set(cells.map((c) => c.grade))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
      for (const c of cells) {
        expect(c.textbooks, `${c.grade} ${c.subject}`).toHaveLength(1);
        expect(c.guides, `${c.grade} ${c.subject}`).toHaveLength(1);
        expect(c.textbooks[0]!.sizeBytes).toBeGreaterThan(1000);
      }
      const math = cells.find((c) => c.grade === 5 && c.subject === 'mathematics')!;
      expect(math.textbooks[0]!.title).toBe('Riyaziyyat. 5-ci sinif. Dərslik');
    } finally {
      await app.close();
    }
  });

  it('makes the same metadata from the same seed, with or without ffmpeg', async () => {
    // Another seed plans another library: the plan's test above.
    const again = await seeded(NO_FFMPEG);
    const [a, b, c] = await Promise.all([withMedia, without, again].map((s) => digestTables(s.database.db)));
    for (const table of METADATA) {
      expect(b![table], table).toBe(a![table]);
      expect(c![table], table).toBe(a![table]);
    }
    expect(c!.libraryFiles).toBe(b!.libraryFiles);
  }, 300_000);
});
