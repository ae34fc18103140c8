import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { createTestDatabase } from '@test/harness';
import type { Database } from '@/server/db/database';
import {
  CountryPackError,
  DEFAULT_PACK_DIR,
  flattenAreas,
  iscedOfGrade,
  loadCountryPack,
  readCountryPack,
  type CountryPack,
} from '@/modules/institutions/country-pack';
import {
  academicYears,
  areas,
  calendarEntries,
  grades,
  gradingScales,
  levels,
  subjects,
} from '@/modules/institutions/institutions.tables';

describe('the Azerbaijan country pack', () => {
  let pack: CountryPack;
  let database: Database;
  beforeAll(async () => {
    pack = await readCountryPack();
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('has the 14 economic regions of the 2021 reform with their districts and cities', () => {
    expect(pack.manifest).toMatchObject({ countryCode: 'AZ', defaultLocale: 'az' });
    const regions = pack.root.children;
    expect(regions.map((r) => r.name.en)).toEqual([
      'Baku Economic Region',
      'Absheron-Khizi Economic Region',
      'Nakhchivan Economic Region',
      'Ganja-Dashkasan Economic Region',
      'Gazakh-Tovuz Economic Region',
      'Sheki-Zagatala Economic Region',
      'Karabakh Economic Region',
      'East Zangezur Economic Region',
      'Guba-Khachmaz Economic Region',
      'Shirvan-Salyan Economic Region',
      'Mil-Mughan Economic Region',
      'Lankaran-Astara Economic Region',
      'Central Aran Economic Region',
      'Mountainous Shirvan Economic Region',
    ]);
    const baku = regions[0]!.children.map((d) => d.name.az);
    expect(baku).toHaveLength(12);
    expect(baku).toEqual(expect.arrayContaining(['Binəqədi rayonu', 'Səbail rayonu', 'Pirallahı rayonu']));
    expect(regions[1]!.children.map((d) => d.name.en)).toEqual(
      expect.arrayContaining(['Sumgait City', 'Khirdalan City', 'Absheron District', 'Khizi District']),
    );
    const all = flattenAreas(pack.root).map((a) => a.area);
    // 66 districts (rayonlar), the 12 districts of Baku and 11 cities.
    expect(all.filter((a) => a.kind === 'district')).toHaveLength(78);
    expect(all.filter((a) => a.kind === 'city')).toHaveLength(11);
    for (const a of all) {
      expect(a.name.ru).toMatch(/[а-яё]/i);
      if (a.kind !== 'country' && a.kind !== 'economic_region') expect(a.centroid).not.toBeNull();
    }
    expect(all.map((a) => a.name.az).join(' ')).toMatch(/[əıışçğöü]/);
  });

  it('has grades 1–11 in their levels, the subjects of the curriculum and the 5-point scale', () => {
    const gradeLevel = Object.fromEntries(pack.levels.flatMap((l) => l.grades.map((g) => [g, l.code])));
    expect(gradeLevel).toMatchObject({
      1: 'primary',
      4: 'primary',
      5: 'basic',
      9: 'basic',
      10: 'secondary',
      11: 'secondary',
    });
    // ISCED 2011 for the UIS indicators: primary 1–4 → 1, basic 5–9 → 2, complete secondary 10–11 → 3.
    expect([1, 4, 5, 9, 10, 11].map((g) => iscedOfGrade(pack, g))).toEqual([1, 1, 2, 2, 3, 3]);
    expect(pack.levels.find((l) => l.code === 'higher')!.isced).toBeNull();
    const subjectNames = pack.subjects.map((s) => s.name.az);
    expect(subjectNames).toEqual(
      expect.arrayContaining([
        'Azərbaycan dili',
        'Riyaziyyat',
        'İnformatika',
        'Çağırışaqədərki hazırlıq',
        'Həyat bilgisi',
      ]),
    );
    expect(pack.subjects.find((s) => s.code === 'pre_conscription_training')!.grades).toEqual([10, 11]);
    const scale = pack.gradingScales.find((s) => s.isDefault)!;
    expect(scale.marks.map((m) => [m.value, m.name.az])).toEqual([
      [5, 'əla'],
      [4, 'yaxşı'],
      [3, 'kafi'],
      [2, 'qeyri-kafi'],
    ]);
  });

  it('loads into the database as a consistent tree: every path ends with its own id, under its parent’s path', async () => {
    const loaded = await database.db.transaction((tx) => loadCountryPack(tx, pack));
    expect(loaded.counts).toMatchObject({ areas: 104, grades: 11 });
    const rows = await database.db.select().from(areas).orderBy(asc(areas.id));
    expect(rows).toHaveLength(104);
    const levelRows = await database.db.select().from(levels).orderBy(asc(levels.position));
    expect(levelRows.map((l) => [l.code, l.isced])).toEqual([
      ['preschool', 0],
      ['primary', 1],
      ['basic', 2],
      ['secondary', 3],
      ['vocational', 3],
      ['specialised_secondary', null],
      ['higher', null],
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of rows) {
      expect(r.path.at(-1)).toBe(r.id);
      if (r.parentId === null) {
        expect(r.path).toEqual([r.id]);
        expect(r.kind).toBe('country');
      } else {
        const parent = byId.get(r.parentId)!;
        expect(r.path).toEqual([...parent.path, r.id]);
      }
    }
    const sumgait = rows.find((r) => r.code === 'AZ-SM')!;
    expect(byId.get(sumgait.parentId!)!.nameAz).toBe('Abşeron-Xızı iqtisadi rayonu');
    expect(sumgait).toMatchObject({
      nameAz: 'Sumqayıt şəhəri',
      nameRu: 'город Сумгайыт',
      nameEn: 'Sumgait City',
    });

    const years = await database.db.select().from(academicYears);
    expect(years).toEqual([
      expect.objectContaining({
        code: '2026-2027',
        startsOn: '2026-09-15',
        isCurrent: true,
        id: loaded.currentAcademicYearId,
      }),
    ]);
    const calendar = await database.db.select().from(calendarEntries);
    expect(calendar.filter((e) => e.kind === 'term')).toHaveLength(2);
    expect(calendar.map((e) => e.code)).toEqual(
      expect.arrayContaining(['winter_break', 'spring_break', 'novruz']),
    );
    expect(await database.db.select().from(grades)).toHaveLength(11);
    expect(
      (await database.db.select().from(gradingScales)).filter((s) => s.isDefault).map((s) => s.code),
    ).toEqual(['five_point']);
  });

  it('loads again without duplicating anything, keeping the ids', async () => {
    const before = await database.db.select().from(areas).orderBy(asc(areas.id));
    const again = await database.db.transaction((tx) => loadCountryPack(tx, pack));
    expect(await database.db.select().from(areas).orderBy(asc(areas.id))).toEqual(before);
    expect(again.areaIds.get('AZ')).toBe(before[0]!.id);
    expect(await database.db.select().from(subjects)).toHaveLength(pack.subjects.length);
    expect(await database.db.select().from(calendarEntries)).toHaveLength(
      pack.academicYears[0]!.entries.length,
    );
  });
});

describe('a pack folder of another country', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'maktab-pack-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Copies the Azerbaijan pack and lets a test change one file. */
  async function packWith(file: string, change: (json: Record<string, unknown>) => void): Promise<string> {
    const target = await mkdtemp(path.join(dir, 'case-'));
    await cp(DEFAULT_PACK_DIR, target, { recursive: true });
    const json = JSON.parse(await readFile(path.join(target, file), 'utf8')) as Record<string, unknown>;
    change(json);
    await writeFile(path.join(target, file), JSON.stringify(json));
    return target;
  }

  it('loads a small country of its own', async () => {
    const target = await packWith('areas.json', (json) => {
      json.root = {
        code: 'XK',
        kind: 'country',
        name: { az: 'Nümunə', ru: 'Образец', en: 'Example' },
        children: [
          {
            code: 'XK-1',
            kind: 'district',
            name: { az: 'Birinci', ru: 'Первый', en: 'First' },
            centroid: [40, 48],
          },
        ],
      };
    });
    const pack = await readCountryPack(target);
    const database = await createTestDatabase();
    try {
      const loaded = await database.db.transaction((tx) => loadCountryPack(tx, pack));
      expect([...loaded.areaIds.keys()]).toEqual(['XK', 'XK-1']);
    } finally {
      await database.close();
    }
  });

  it('refuses a broken pack, naming the file and the entry', async () => {
    const missingName = await packWith('areas.json', (json) => {
      const root = json.root as { children: { children: { name: Record<string, string> }[] }[] };
      delete root.children[8]!.children[0]!.name.ru;
    });
    await expect(readCountryPack(missingName)).rejects.toThrow(
      /areas\.json \(AZ > AZ-ER-QXA > AZ-QBA\): name\.ru must be a non-empty text/,
    );

    const duplicate = await packWith('areas.json', (json) => {
      const root = json.root as { children: { children: { code: string }[] }[] };
      root.children[1]!.children[0]!.code = 'AZ-BA-BIN';
    });
    await expect(readCountryPack(duplicate)).rejects.toThrow(/code "AZ-BA-BIN" appears twice/);

    const badGrade = await packWith('subjects.json', (json) => {
      (json.subjects as { grades: number[] }[])[0]!.grades.push(12);
    });
    const error = await readCountryPack(badGrade).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CountryPackError);
    expect(error).toMatchObject({
      entry: 'azerbaijani_language',
      problem: 'grade 12 is in no level of levels.json',
    });
    expect((error as CountryPackError).file).toMatch(/subjects\.json$/);

    const outside = await packWith('calendar.json', (json) => {
      (json.academicYears as { entries: { startsOn: string }[] }[])[0]!.entries[0]!.startsOn = '2026-09-01';
    });
    await expect(readCountryPack(outside)).rejects.toThrow(
      /calendar\.json \(2026-2027 > half_1\): it lies outside/,
    );

    const badIsced = await packWith('levels.json', (json) => {
      (json.levels as { isced?: number }[])[1]!.isced = 1.5;
    });
    await expect(readCountryPack(badIsced)).rejects.toThrow(
      /levels\.json \(primary\): isced must be an ISCED 2011 level, a whole number from 0 to 8, found 1\.5/,
    );

    const twoCurrent = await packWith('calendar.json', (json) => {
      const years = json.academicYears as Record<string, unknown>[];
      years.push({ ...years[0], code: '2027-2028', entries: [] });
    });
    await expect(readCountryPack(twoCurrent)).rejects.toThrow(
      /exactly one academic year must be current, found 2/,
    );

    await expect(readCountryPack(path.join(dir, 'nowhere'))).rejects.toThrow(
      /pack\.json: the file is missing/,
    );
  });
});
