import { buildApp } from '@/server/app';
import { openPglite, type Database } from '@/server/db/database';
import { migrate } from '@/server/db/migrate';
import { createTestDatabase, login, testConfig } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import { loadCountryPackFrom, readCountryPack } from '@/modules/institutions/country-pack';
import { COLUMNS, outColumns } from '@/modules/infrastructure/registry-import.columns';
import { CSV_TYPE, XLSX_TYPE, writeCsv, writeXlsx } from '@/modules/infrastructure/registry-import.files';

/**
 * Importing a national schools file: 4,500 schools with their year's record, generated valid, uploaded as
 * CSV and as XLSX through the API into a database that holds only the country pack (as `maktab seed
 * --pack-only` leaves it), with full validation. Goal: under 5 s on the embedded database. Re-importing the
 * same file (all rows unchanged) is reported too. With DATABASE_URL set it also measures on that server.
 */

const SCHOOLS = 4500;
const GOAL_S = 5;
const count = new Intl.NumberFormat('en');

/** A deterministic pseudo-random sequence, so every run imports the same file. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function schoolsFile(database: Database): Promise<string[][]> {
  const pack = await readCountryPack();
  const b = pack.manifest.bounds!;
  const districts = (await institutionsStore.listAreas(database.db)).filter(
    (a) => a.kind === 'district' || a.kind === 'city',
  );
  const next = random(42);
  const rows: string[][] = [];
  for (let n = 1; n <= SCHOOLS; n++) {
    const area = districts[n % districts.length]!;
    const shifts = 1 + Math.floor(next() * 2);
    const students = 100 + Math.floor(next() * 900);
    const first = shifts === 2 ? Math.round(students * 0.6) : students;
    const teachers = 10 + Math.floor(next() * 60);
    const connected = next() < 0.9;
    const byColumn: Record<string, string> = {
      school_id_govt: `AZ-${String(n).padStart(5, '0')}`,
      school_name: `${n} nömrəli tam orta məktəb`,
      school_name_ru: `Полная средняя школа № ${n}`,
      school_name_en: `Secondary school No. ${n}`,
      area_code: area.code,
      education_level_govt: 'primary;basic;secondary',
      school_type: 'general_school',
      school_funding_type: 'public',
      school_area_type: next() < 0.5 ? 'urban' : 'rural',
      school_status: 'active',
      latitude: (b.minLatitude + 0.1 + next() * (b.maxLatitude - b.minLatitude - 0.2)).toFixed(5),
      longitude: (b.minLongitude + 0.1 + next() * (b.maxLongitude - b.minLongitude - 0.2)).toFixed(5),
      num_shifts: String(shifts),
      num_students: String(students),
      num_teachers: String(teachers),
      num_teachers_ict_trained: String(Math.floor(teachers * next())),
      num_classrooms: String(10 + Math.floor(next() * 30)),
      computer_lab: next() < 0.7 ? 'yes' : 'no',
      electricity_availability: 'yes',
      electricity_type: 'grid',
      electricity_hours: '24',
      connectivity_govt: connected ? 'yes' : 'no',
      connectivity_type_govt: connected ? 'fibre' : '',
      education_network: connected ? 'yes' : '',
      internet_provider: connected ? 'AzEduNet' : '',
      download_speed_contracted: connected ? String(10 + Math.floor(next() * 90)) : '',
      upload_speed_contracted: connected ? '10' : '',
      num_students_shift1: String(first),
      num_students_shift2: shifts === 2 ? String(students - first) : '',
    };
    rows.push(COLUMNS.schools.map((c) => byColumn[c.name] ?? ''));
  }
  return rows;
}

async function measure(
  open: () => Promise<Database>,
  format: 'csv' | 'xlsx',
  label: string,
): Promise<string[]> {
  const database = await open();
  const app = await buildApp(testConfig(), database);
  try {
    await loadCountryPackFrom(database.db);
    await app.ready();
    const user = await createUserWithRole(database.db, 'bureau');
    const session = await login(app, user.username, user.password);
    const rows = await schoolsFile(database);
    const body =
      format === 'csv'
        ? writeCsv(outColumns('schools'), rows)
        : await writeXlsx('schools', outColumns('schools'), rows, []);
    const upload = async () => {
      const started = performance.now();
      const res = await session.inject({
        method: 'POST',
        url: '/api/registry/import/schools',
        payload: body,
        headers: { 'content-type': format === 'csv' ? CSV_TYPE : XLSX_TYPE },
      });
      const seconds = (performance.now() - started) / 1000;
      if (res.statusCode !== 200) throw new Error(`import: ${res.statusCode} ${res.body.slice(0, 2000)}`);
      return { seconds, report: res.json<{ created: number; unchanged: number }>() };
    };
    const first = await upload();
    if (first.report.created !== SCHOOLS) throw new Error(`created ${first.report.created}, not ${SCHOOLS}`);
    const again = await upload();
    if (again.report.unchanged !== SCHOOLS)
      throw new Error(`unchanged ${again.report.unchanged}, not ${SCHOOLS}`);
    const line = (what: string, s: number) =>
      `${what} ${count.format(SCHOOLS)} schools (${format}, ${label}, ${(body.length / 1024 / 1024).toFixed(1)} MB): ` +
      `${s.toFixed(2)} s (goal < ${GOAL_S} s)${s < GOAL_S ? '' : ' MISSED'}`;
    return [line('import', first.seconds), line('re-import (unchanged)', again.seconds)];
  } finally {
    await app.close();
    await database.close();
  }
}

const pglite = async () => {
  const database = await openPglite('memory://');
  await migrate(database);
  return database;
};

/** Runs the import benchmark and reports one line per result. */
export async function run(report: (line: string) => void): Promise<void> {
  for (const format of ['csv', 'xlsx'] as const) {
    for (const line of await measure(pglite, format, 'pglite')) report(line);
  }
  if (process.env.DATABASE_URL) {
    for (const format of ['csv', 'xlsx'] as const) {
      for (const line of await measure(createTestDatabase, format, 'postgres')) report(line);
    }
  }
}
