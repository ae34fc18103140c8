import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import { bulkInsert } from '@/server/db/bulk';
import { historyImports, historyRecords } from '@/modules/training/training.tables';
import { Random, hashSeed } from '@/seed/random';

/**
 * The demo's past training records (docs/training.md): one imported file, as the bureau would carry in the
 * ministry's lists, with ICT courses of the demo schools' teachers from 2013 to 2025 (about two in three
 * teachers trained, some twice), each linked to the teacher's account, and the courses of 2005–2007 (Intel's
 * "Teacher of teachers", ECDL) of people who taught at those schools then, known by name only. Deterministic
 * for a seed, one bulk insert.
 */

const PROGRAMMES = [
  { programme: 'İKT-nin tədrisdə tətbiqi', provider: 'Təhsil Nazirliyi', hours: 36, ict: true },
  { programme: 'Microsoft Partners in Learning', provider: 'Microsoft Azərbaycan', hours: 24, ict: true },
  { programme: 'Virtual məktəb: müəllim kursu', provider: 'Təhsil İnstitutu', hours: 18, ict: true },
  { programme: 'Rəqəmsal bacarıqlar (DigCompEdu)', provider: 'Təhsil İnstitutu', hours: 30, ict: true },
  { programme: 'Müasir təlim metodları', provider: 'Təhsil İnstitutu', hours: 40, ict: false },
] as const;
const EARLY = [
  { programme: 'Intel "Gələcəyə doğru təhsil" (Teacher of teachers)', provider: 'Intel', hours: 40 },
  { programme: 'ECDL', provider: 'ECDL Azərbaycan', hours: 60 },
] as const;
const EARLY_NAMES = {
  female: ['Gülnarə Əliyeva', 'Sevda Quliyeva', 'Nərgiz Hüseynova', 'Təranə Məmmədova'],
  male: ['Elçin Rzayev', 'Vüqar Cəfərov', 'Rafiq İsmayılov', 'Tofiq Babayev'],
};

export interface TrainingHistorySummary {
  records: number;
  linked: number;
}

/** Writes the demo's past training records; call after people and their grants exist. */
export async function seedTrainingHistory(db: Db, seed: number): Promise<TrainingHistorySummary> {
  const teachers = await rows<{
    userId: number;
    institutionId: number;
    name: string;
    sex: 'female' | 'male' | null;
  }>(
    db,
    sql`select g.user_id as "userId", g.institution_id as "institutionId", u.display_name as name, u.sex
        from identity_role_grant g join identity_user u on u.id = g.user_id
        where g.role = 'teacher' order by g.user_id, g.institution_id`,
  );
  const [importer] = await rows<{ id: number }>(
    db,
    sql`select user_id as id from identity_role_grant where role in ('bureau', 'admin') order by role desc, user_id limit 1`,
  );
  if (!importer || teachers.length === 0) return { records: 0, linked: 0 };
  const random = new Random(hashSeed(seed, 'training-history'));
  const records: (typeof historyRecords.$inferInsert)[] = [];
  const day = (year: number) =>
    `${year}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
  for (const t of teachers) {
    if (!random.chance(0.65)) continue;
    const times = random.chance(0.3) ? 2 : 1;
    for (let k = 0; k < times; k++) {
      const p = random.pick(PROGRAMMES);
      records.push({
        importId: 0,
        userId: t.userId,
        institutionId: t.institutionId,
        personName: t.name,
        sex: t.sex,
        isced: null,
        programme: p.programme,
        provider: p.provider,
        completedOn: day(random.int(2013, 2025)),
        hours: p.hours,
        ict: p.ict,
      });
    }
  }
  const schools = [...new Set(teachers.map((t) => t.institutionId))];
  for (const institutionId of schools) {
    for (let k = random.int(1, 3); k > 0; k--) {
      const female = random.chance(0.75);
      const p = random.pick(EARLY);
      records.push({
        importId: 0,
        userId: null,
        institutionId,
        personName: random.pick(female ? EARLY_NAMES.female : EARLY_NAMES.male),
        sex: female ? 'female' : 'male',
        isced: random.int(1, 3),
        programme: p.programme,
        provider: p.provider,
        completedOn: day(random.int(2005, 2007)),
        hours: p.hours,
        ict: true,
      });
    }
  }
  const [file] = await db
    .insert(historyImports)
    .values({
      fileName: 'telim-tarixcesi-2005-2025.xlsx',
      rows: records.length,
      importedBy: importer.id,
      importedAt: new Date('2026-09-01T09:00:00Z'),
    })
    .returning({ id: historyImports.id });
  const col = <K extends keyof (typeof records)[number]>(key: K) => records.map((r) => r[key] ?? null);
  await bulkInsert(db, historyRecords, [
    { column: historyRecords.importId, type: 'int', values: records.map(() => file!.id) },
    { column: historyRecords.userId, type: 'int', values: col('userId') },
    { column: historyRecords.institutionId, type: 'int', values: col('institutionId') },
    { column: historyRecords.personName, type: 'text', values: col('personName') },
    { column: historyRecords.sex, type: 'text', values: col('sex') },
    { column: historyRecords.isced, type: 'smallint', values: col('isced') },
    { column: historyRecords.programme, type: 'text', values: col('programme') },
    { column: historyRecords.provider, type: 'text', values: col('provider') },
    { column: historyRecords.completedOn, type: 'date', values: col('completedOn') },
    { column: historyRecords.hours, type: 'smallint', values: col('hours') },
    { column: historyRecords.ict, type: 'boolean', values: col('ict') },
  ]);
  return { records: records.length, linked: records.filter((r) => r.userId !== null).length };
}
