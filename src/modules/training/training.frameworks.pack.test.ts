import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PACK_DIR } from '@/modules/institutions/country-pack';
import {
  loadTrainingFrameworks,
  readTrainingFrameworks,
  type PackFramework,
} from '@/modules/training/training.frameworks.pack';
import { createTestDatabase } from '@test/harness';
import type { Database } from '@/server/db/database';
import {
  competencies,
  competencyLinks,
  frameworkAreas,
  frameworks,
  items,
} from '@/modules/training/training.tables';
import { levelForShare, scoreSitting } from '@/modules/training/training.frameworks.service';

/** The frameworks of Azerbaijan's pack: complete in three languages, stable ids, the mapping both ways. */
describe('training frameworks in the country pack', () => {
  let pack: PackFramework[];
  let database: Database;
  const dirs: string[] = [];
  beforeAll(async () => {
    pack = await readTrainingFrameworks(DEFAULT_PACK_DIR);
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const byId = (id: string) => pack.find((f) => f.id === id)!;

  it('has UNESCO ICT CFT v3 (6 aspects × 3 levels = 18) and DigCompEdu (22 in 6 areas, A1–C2)', () => {
    const unesco = byId('unesco-ict-cft-3');
    expect(unesco.areas).toHaveLength(6);
    expect(unesco.levels.map((l) => l.code)).toEqual(['KA', 'KD', 'KC']);
    expect(unesco.areas.flatMap((a) => a.competencies)).toHaveLength(18);
    expect(unesco.areas.every((a) => a.competencies.length === 3)).toBe(true);
    const dce = byId('digcompedu');
    expect(dce.areas.map((a) => a.competencies.length)).toEqual([4, 3, 4, 3, 3, 5]);
    expect(dce.levels.map((l) => l.code)).toEqual(['A1', 'A2', 'B1', 'B2', 'C1', 'C2']);
    expect(dce.levels.map((l) => l.name.en)).toEqual([
      'Newcomer',
      'Explorer',
      'Integrator',
      'Expert',
      'Leader',
      'Pioneer',
    ]);
    expect(dce.selfAssessment).toBe(true);
    expect(unesco.selfAssessment).toBe(false);
  });

  it('keeps its ids stable', () => {
    const dce = byId('digcompedu');
    expect(dce.areas.map((a) => a.id)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `digcompedu.${n}`));
    expect(dce.areas[5]!.competencies.map((k) => k.id)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `digcompedu.6.${n}`),
    );
    expect(byId('unesco-ict-cft-3').areas[2]!.competencies.map((k) => k.id)).toEqual([
      'unesco-ict-cft-3.3.ka',
      'unesco-ict-cft-3.3.kd',
      'unesco-ict-cft-3.3.kc',
    ]);
    expect(dce.items[0]!.id).toBe('digcompedu.q01');
    expect(dce.items.at(-1)!.id).toBe('digcompedu.q30');
  });

  it('gives every name, descriptor, item and option in az, ru and en, each language its own', () => {
    const texts: { az: string; ru: string; en: string }[] = [];
    for (const f of pack) {
      texts.push(f.name, f.description, ...f.levels.flatMap((l) => [l.name, l.description]));
      for (const a of f.areas)
        texts.push(a.name, a.description, ...a.competencies.flatMap((k) => [k.name, k.descriptor]));
      for (const q of f.items) texts.push(q.text, ...q.options.map((o) => o.text));
    }
    expect(texts.length).toBeGreaterThan(300);
    for (const t of texts) {
      for (const l of ['az', 'ru', 'en'] as const)
        expect(t[l].trim().length, JSON.stringify(t)).toBeGreaterThan(0);
      // Russian in Cyrillic, Azerbaijani in Latin script, English not left as a copy in either.
      expect(t.ru, t.en).toMatch(/[а-яё]/i);
      expect(t.az, t.en).not.toMatch(/[а-яё]/i);
      expect(t.az === t.en && t.en.length > 3, t.en).toBe(false);
    }
  });

  it('has a questionnaire of about 30 items, at least one per competence, 5 answers scored 0–4', () => {
    const dce = byId('digcompedu');
    expect(dce.items.length).toBeGreaterThanOrEqual(28);
    expect(dce.items.length).toBeLessThanOrEqual(34);
    for (const k of dce.areas.flatMap((a) => a.competencies))
      expect(
        dce.items.some((q) => q.competencyId === k.id),
        k.id,
      ).toBe(true);
    for (const q of dce.items) expect(q.options.map((o) => o.score)).toEqual([0, 1, 2, 3, 4]);
  });

  it('maps every DigCompEdu competence to UNESCO and covers every UNESCO competency', () => {
    const dce = byId('digcompedu');
    const unescoIds = byId('unesco-ict-cft-3').areas.flatMap((a) => a.competencies.map((k) => k.id));
    const related = dce.areas.flatMap((a) => a.competencies.flatMap((k) => k.related));
    for (const k of dce.areas.flatMap((a) => a.competencies))
      expect(k.related.length, k.id).toBeGreaterThan(0);
    expect(new Set(related)).toEqual(new Set(unescoIds));
  });

  it('loads idempotently, storing the mapping both ways', async () => {
    const db = database.db;
    for (let i = 0; i < 2; i++) await db.transaction((tx) => loadTrainingFrameworks(tx, pack));
    expect(await db.$count(frameworks)).toBe(2);
    expect(await db.$count(frameworkAreas)).toBe(12);
    expect(await db.$count(competencies)).toBe(40);
    expect(await db.$count(items)).toBe(30);
    const links = await db.select().from(competencyLinks);
    const pairs = new Set(links.map((l) => `${l.competencyId} ${l.relatedId}`));
    expect(links.length).toBeGreaterThan(22);
    for (const l of links) expect(pairs.has(`${l.relatedId} ${l.competencyId}`)).toBe(true);
    expect(pairs.has('digcompedu.3.4 unesco-ict-cft-3.3.kc')).toBe(true);
    expect(pairs.has('unesco-ict-cft-3.3.kc digcompedu.3.4')).toBe(true);
  });

  it('lets a ministry add its own framework as one more file, and names the file and entry at fault', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-pack-'));
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, 'training'));
    for (const f of fs.readdirSync(path.join(DEFAULT_PACK_DIR, 'training')))
      fs.copyFileSync(path.join(DEFAULT_PACK_DIR, 'training', f), path.join(dir, 'training', f));
    const L = (s: string) => ({ az: s, ru: s, en: s });
    const own = {
      id: 'az-ict-2027',
      name: L('AZ'),
      description: L('AZ'),
      levels: [
        { code: 'L1', name: L('1'), description: L('1') },
        { code: 'L2', name: L('2'), description: L('2') },
      ],
      areas: [
        {
          id: 'az-ict-2027.1',
          name: L('A'),
          description: L('A'),
          competencies: [
            { id: 'az-ict-2027.1.1', name: L('C'), descriptor: L('C'), related: ['digcompedu.1.1'] },
          ],
        },
      ],
    };
    fs.writeFileSync(path.join(dir, 'training', 'ministry.json'), JSON.stringify(own));
    const read = await readTrainingFrameworks(dir);
    expect(read.map((f) => f.id)).toContain('az-ict-2027');
    await database.db.transaction((tx) => loadTrainingFrameworks(tx, read));
    expect(await database.db.$count(frameworks)).toBe(3);

    fs.writeFileSync(
      path.join(dir, 'training', 'ministry.json'),
      JSON.stringify({
        ...own,
        areas: [
          { ...own.areas[0], competencies: [{ ...own.areas[0]!.competencies[0], related: ['nowhere.1'] }] },
        ],
      }),
    );
    await expect(readTrainingFrameworks(dir)).rejects.toThrow(
      /ministry\.json \(az-ict-2027\.1\.1\).*nowhere\.1/,
    );
    fs.writeFileSync(
      path.join(dir, 'training', 'ministry.json'),
      JSON.stringify({ ...own, name: { az: 'AZ', en: 'AZ' } }),
    );
    await expect(readTrainingFrameworks(dir)).rejects.toThrow(/ministry\.json \(az-ict-2027\): name\.ru/);
  });

  it('scores an area by its share of the best score, in the levels’ bands', () => {
    const levels = byId('digcompedu').levels;
    // 0–19 % A1, 20 % A2, 40 % B1, 55 % B2, 70 % C1, 85 % C2.
    expect(
      [0, 19, 20, 39, 40, 54, 55, 69, 70, 84, 85, 100].map((p) => levelForShare(levels, p, 100)),
    ).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    const opts = [0, 1, 2, 3, 4].map((score) => ({ score }));
    const qs = [
      { id: 'a', areaId: 'x', options: opts },
      { id: 'b', areaId: 'x', options: opts },
      { id: 'c', areaId: 'y', options: opts },
    ];
    expect(
      scoreSitting(
        levels,
        [{ id: 'x' }, { id: 'y' }],
        qs,
        new Map([
          ['a', 4],
          ['b', 1],
          ['c', 0],
        ]),
      ),
    ).toEqual([
      { areaId: 'x', score: 5, maxScore: 8, level: 3 },
      { areaId: 'y', score: 0, maxScore: 4, level: 0 },
    ]);
  });
});
