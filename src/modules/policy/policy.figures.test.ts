import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@test/harness';
import { createAreas, createInstitution } from '@test/factories';
import type { Database } from '@/server/db/database';
import { LOCALES } from '@/server/i18n';
import { academicYears } from '@/modules/institutions/institutions.tables';
import { internetLinks, schoolYears } from '@/modules/infrastructure/infrastructure.tables';
import { documents } from '@/modules/policy/policy.tables';
import { FIGURE_KEYS, figureCatalogue, liveFigure, liveFigures } from '@/modules/policy/policy.figures';

/** The live figures catalogue on a small world: two schools, one connected; then a second one connects. */
describe('policy live figures', () => {
  let database: Database;
  let schoolB: number;
  let yearId: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.db;
    const areas = await createAreas(db);
    const a = await createInstitution(db, areas.district);
    schoolB = (await createInstitution(db, areas.district)).id;
    const [year] = await db
      .insert(academicYears)
      .values({ code: '2026-2027', startsOn: '2026-09-15', endsOn: '2027-06-15', isCurrent: true })
      .returning();
    yearId = year!.id;
    await db.insert(schoolYears).values([
      { institutionId: a.id, academicYearId: yearId, teachers: 20, teachersIctTrained: 5 },
      { institutionId: schoolB, academicYearId: yearId, teachers: 10, teachersIctTrained: 2 },
    ]);
    await db.insert(internetLinks).values({
      institutionId: a.id,
      academicYearId: yearId,
      purpose: 'teaching',
      type: 'fibre',
      educationNetwork: true,
      provider: null,
      downloadMbps: 100,
      uploadMbps: null,
    });
    await db.insert(documents).values({
      kind: 'law',
      title: { az: 'Təhsil haqqında', ru: 'Об образовании', en: 'On education' },
      issuer: { az: 'Milli Məclis', ru: 'Милли Меджлис', en: 'Milli Majlis' },
      adoptedOn: '2009-06-19',
      status: 'in_force',
      summary: { az: '', ru: '', en: '' },
    });
  });
  afterAll(async () => database.close());

  it('gives every figure with a label, unit, source, date and query in each language', async () => {
    for (const locale of LOCALES) {
      const figures = await liveFigures(database.db, locale);
      expect(figures.map((f) => f.key)).toEqual([...FIGURE_KEYS]);
      for (const f of figures) {
        expect(f.label, f.key).not.toMatch(/^policy\./);
        expect(f.unitLabel, f.key).not.toMatch(/^policy\./);
        expect(f.source, f.key).toMatch(/Maktab/);
        expect(f.query.length, f.key).toBeGreaterThan(20);
        expect(f.sql.length, f.key).toBeGreaterThan(20);
        expect(f.asOf, f.key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
      expect(figureCatalogue(locale)).toHaveLength(FIGURE_KEYS.length);
    }
    const ru = await liveFigures(database.db, 'ru', ['schools_connected']);
    expect(ru[0]!.label).toBe('Школы, подключённые к интернету');
    expect(ru[0]!.source).toContain('2026-2027');
  });

  it('computes the figures from the platform', async () => {
    const byKey = Object.fromEntries((await liveFigures(database.db, 'en')).map((f) => [f.key, f]));
    expect(byKey.institutions_active!.value).toBe(2);
    expect(byKey.schools_connected!.value).toBe(1);
    expect(byKey.schools_education_network!.value).toBe(1);
    expect(byKey.teachers_ict_trained!.value).toBe(7);
    expect(byKey.teachers_ict_trained_share!).toMatchObject({ value: 0.2333, numerator: 7, denominator: 30 });
    expect(byKey.policies_in_force!.value).toBe(1);
    expect(byKey.library_resources!.value).toBe(0);
  });

  it('changes at once when a school is connected', async () => {
    expect((await liveFigure(database.db, 'az', 'schools_connected')).value).toBe(1);
    await database.db.insert(internetLinks).values({
      institutionId: schoolB,
      academicYearId: yearId,
      purpose: 'teaching',
      type: 'cellular',
      educationNetwork: false,
      provider: null,
      downloadMbps: 10,
      uploadMbps: null,
    });
    expect((await liveFigure(database.db, 'az', 'schools_connected')).value).toBe(2);
    expect((await liveFigure(database.db, 'az', 'schools_education_network')).value).toBe(1);
  });
});
