import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import { bulkInsert, type BulkType } from '@/server/db/bulk';
import { flattenAreas, type CountryPack, type LoadedPack } from '@/modules/institutions/country-pack';
import type {
  DEVICE_CONDITIONS,
  DEVICE_EVENTS,
  DEVICE_KINDS,
  DEVICE_PURPOSES,
  DEVICE_STATUSES,
  ELECTRICITY_SOURCES,
  LINK_PURPOSES,
  LINK_TYPES,
  RECORD_STATES,
} from '@/modules/infrastructure/infrastructure.tables';
import { apportion, type InstitutionPlan, type SeedPlan } from '@/seed/plan';
import { Random } from '@/seed/random';

/**
 * The seed's school ICT registry: for every institution, a record for the current academic year and the two
 * before it (so that indicators have trends), with students by level, sex and shift, internet links, device
 * counts and project participation; connectivity measurements for a share of schools; and, for the demo
 * accounts' school, device items with their history. About 4% of schools have not reported this year yet,
 * and none of this year's records is verified (the seed's date is the start of the year). The demo accounts'
 * school has no record at all: its director fills in the first one, in the demo and in the browser test. Like the rest of the seed it is worked out from the
 * seed number alone (no clock, no Math.random) and written with bulk `insert … select from unnest(…)`.
 *
 * The numbers are made to look like Azerbaijan's: about 96% of schools on the education network (AzEduNet),
 * about 18 learners per computer overall and fewer in Baku, weaker links in the countryside, a few schools
 * without electricity or on generators, two in three teachers trained in ICT.
 */

/**
 * The seed's "now": measurements run up to it and this year's records were saved just before it. The same
 * instant as `SEED_TIME` in seed.ts, which imports this file (so it cannot be imported from there).
 */
const SEED_NOW = Date.parse('2026-09-01T06:00:00Z');
const DAY = 86_400_000;

/** The digital projects of the registry, created when the list is empty. */
export const SEED_PROJECTS = [
  { code: 'e-journal', nameAz: 'Elektron jurnal', nameRu: 'Электронный журнал', nameEn: 'E-journal' },
  {
    code: 'digital-skills',
    nameAz: 'Rəqəmsal bacarıqlar',
    nameRu: 'Цифровые навыки',
    nameEn: 'Digital skills',
  },
  { code: 'steam', nameAz: 'STEAM', nameRu: 'STEAM', nameEn: 'STEAM' },
  { code: 'etwinning', nameAz: 'eTwinning', nameRu: 'eTwinning', nameEn: 'eTwinning' },
  {
    code: 'vocational-classes',
    nameAz: 'Peşəyönümlü siniflər',
    nameRu: 'Профориентационные классы',
    nameEn: 'Vocational-oriented classes',
  },
] as const;
type ProjectCode = (typeof SEED_PROJECTS)[number]['code'];

/** What the registry seed wrote, for the log and the tests. */
export interface RegistrySummary {
  years: string[];
  records: number;
  studentRows: number;
  links: number;
  deviceCounts: number;
  participations: number;
  measurements: number;
  devices: number;
  deviceEvents: number;
  /** Milliseconds, planning and writing. */
  ms: number;
}

/** Where a school is: Baku (schools better equipped), another town, or the countryside. */
type Tier = 'capital' | 'urban' | 'rural';
type LinkType = (typeof LINK_TYPES)[number];
type Purpose = (typeof LINK_PURPOSES)[number];
type DevicePurpose = (typeof DEVICE_PURPOSES)[number];
type DeviceKind = (typeof DEVICE_KINDS)[number];

interface YearInfo {
  id: number;
  code: string;
  startsOn: string;
  endsOn: string;
}

type Cell = string | number | boolean | null;
type Columns = Record<string, { type: BulkType; values: Cell[] }>;

/** Writes a table's rows given column by column, columns named as in SQL. */
const insertColumns = <R extends Record<string, unknown> = Record<string, never>>(
  db: Db,
  table: string,
  columns: Columns,
  returning: string[] = [],
) =>
  bulkInsert<R>(
    db,
    table,
    Object.entries(columns).map(([column, c]) => ({ column, ...c })),
    { returning },
  );

/** The rows of one table as arrays by column, filled row by row. */
function table<K extends string>(spec: Record<K, BulkType>) {
  const names = Object.keys(spec) as K[];
  const columns: Columns = {};
  for (const name of names) columns[name] = { type: spec[name], values: [] };
  let length = 0;
  return {
    columns,
    push(row: Record<K, Cell>) {
      for (const name of names) columns[name]!.values.push(row[name]);
      length += 1;
    },
    get length() {
      return length;
    },
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The same day `years` earlier ('2026-09-15' → '2024-09-15'); 29 February becomes the 28th. */
function yearsBefore(day: string, years: number): string {
  const shifted = `${Number(day.slice(0, 4)) - years}${day.slice(4)}`;
  return shifted.endsWith('-02-29') ? `${shifted.slice(0, -2)}28` : shifted;
}

/** The academic year `back` years before `current`: dates moved back, and the code too when it is "YYYY-YYYY". */
function earlierYear(current: YearInfo, back: number): Omit<YearInfo, 'id'> {
  const startsOn = yearsBefore(current.startsOn, back);
  const endsOn = yearsBefore(current.endsOn, back);
  const m = /^(\d{4})-(\d{4})$/.exec(current.code);
  const code = m
    ? `${Number(m[1]) - back}-${Number(m[2]) - back}`
    : `${startsOn.slice(0, 4)}-${endsOn.slice(0, 4)}`;
  return { code, startsOn, endsOn };
}

/** The current year and the two before it, oldest first; the earlier ones are created when missing. */
async function academicYearsFor(db: Db, currentYearId: number): Promise<YearInfo[]> {
  const [current] = await rows<YearInfo>(
    db,
    sql`select id, code, starts_on::text as "startsOn", ends_on::text as "endsOn"
        from institutions_academic_year where id = ${currentYearId}`,
  );
  if (!current) throw new Error(`academic year ${currentYearId} does not exist`);
  const earlier = [2, 1].map((back) => earlierYear(current, back));
  for (const y of earlier) {
    await db.execute(sql`insert into institutions_academic_year (code, starts_on, ends_on, is_current)
      values (${y.code}, ${y.startsOn}, ${y.endsOn}, false) on conflict (code) do nothing`);
  }
  const found = await rows<YearInfo>(
    db,
    sql`select id, code, starts_on::text as "startsOn", ends_on::text as "endsOn"
        from institutions_academic_year where code in (${earlier[0]!.code}, ${earlier[1]!.code})`,
  );
  return [...earlier.map((y) => found.find((f) => f.code === y.code)!), current];
}

/** The projects list: the seed's five, created when the registry has none. */
async function projectIds(db: Db): Promise<Map<string, number>> {
  const [existing] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from infrastructure_project`,
  );
  if (existing!.n === 0) {
    for (const p of SEED_PROJECTS) {
      await db.execute(sql`insert into infrastructure_project (code, name_az, name_ru, name_en, active)
        values (${p.code}, ${p.nameAz}, ${p.nameRu}, ${p.nameEn}, true)`);
    }
  }
  const all = await rows<{ id: number; code: string }>(db, sql`select id, code from infrastructure_project`);
  return new Map(all.map((p) => [p.code, p.id]));
}

const SPEEDS: Record<LinkType, Record<Tier, number[]>> = {
  fibre: { capital: [50, 100, 100, 200], urban: [30, 50, 100], rural: [20, 30, 50] },
  xdsl: { capital: [16, 25], urban: [8, 16, 25], rural: [4, 8, 16] },
  other_wired: { capital: [20], urban: [10, 20], rural: [10] },
  cellular: { capital: [20, 30], urban: [10, 20, 30], rural: [5, 10, 20] },
  p2mp_wireless: { capital: [20], urban: [10, 20], rural: [10, 20] },
  p2p_wireless: { capital: [50], urban: [20, 50], rural: [20] },
  satellite: { capital: [10], urban: [10], rural: [5, 10, 20] },
  other: { capital: [10], urban: [5, 10], rural: [2, 5] },
};
/** Upload as a share of download, by link type. */
const UPLOAD_SHARE: Record<LinkType, number> = {
  fibre: 0.5,
  xdsl: 0.125,
  other_wired: 0.5,
  cellular: 0.33,
  p2mp_wireless: 0.5,
  p2p_wireless: 1,
  satellite: 0.2,
  other: 0.25,
};
const LATENCY: Record<LinkType, [number, number]> = {
  fibre: [6, 35],
  xdsl: [18, 70],
  other_wired: [12, 50],
  cellular: [35, 120],
  p2mp_wireless: [15, 60],
  p2p_wireless: [10, 40],
  satellite: [550, 750],
  other: [30, 150],
};
const PROVIDERS: Record<LinkType, string[]> = {
  fibre: ['Aztelekom', 'Baktelecom', 'Uninet'],
  xdsl: ['Aztelekom', 'Baktelecom'],
  other_wired: ['Aztelekom'],
  cellular: ['Azercell', 'Bakcell', 'Nar'],
  p2mp_wireless: ['Aztelekom', 'Azeronline'],
  p2p_wireless: ['Azeronline'],
  satellite: ['Azerkosmos'],
  other: ['Aztelekom'],
};

/** Chance of a school being connected, and of a connected one being on the education network, by year (oldest first). */
const CONNECTED: Record<Tier, number[]> = {
  capital: [0.995, 1, 1],
  urban: [0.98, 0.99, 0.995],
  rural: [0.92, 0.95, 0.972],
};
const EDUCATION_NETWORK = [0.93, 0.96, 0.985];
/** Chance that a connected school's link reaches classrooms (a teaching link), not only the office. */
const TEACHING_LINK: Record<Tier, number[]> = {
  capital: [0.97, 0.99, 1],
  urban: [0.9, 0.95, 0.98],
  rural: [0.8, 0.87, 0.93],
};
/** Students per teaching computer the school aims at this year, by year (oldest first). */
const RATIO: Record<Tier, number[]> = {
  capital: [15.5, 14, 12.5],
  urban: [23, 21, 19.5],
  rural: [27, 25, 23],
};
/** Chance of taking part in a project, by year (oldest first); a school that joined stays in. */
const PROJECTS: Record<ProjectCode, Record<Tier, number[]>> = {
  'e-journal': { capital: [0.7, 0.85, 0.95], urban: [0.6, 0.78, 0.9], rural: [0.45, 0.65, 0.82] },
  'digital-skills': { capital: [0.35, 0.45, 0.55], urban: [0.25, 0.35, 0.45], rural: [0.15, 0.25, 0.35] },
  steam: { capital: [0.2, 0.3, 0.4], urban: [0.1, 0.15, 0.22], rural: [0.02, 0.04, 0.07] },
  etwinning: { capital: [0.08, 0.1, 0.13], urban: [0.05, 0.07, 0.09], rural: [0.02, 0.03, 0.04] },
  'vocational-classes': { capital: [0.08, 0.1, 0.12], urban: [0.07, 0.1, 0.13], rural: [0.04, 0.06, 0.09] },
};

/** Which shift a grade studies in: as the plan puts classes (upper grades in the morning). */
function shiftOfGrade(grade: number, shifts: number): number {
  if (shifts >= 3 && grade >= 2 && grade <= 4) return 3;
  if (shifts >= 2 && grade >= 2 && grade <= 6) return 2;
  return 1;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

interface SchoolPlan {
  inst: InstitutionPlan;
  id: number;
  tier: Tier;
  /** Per year (oldest first): the best link's type and contracted download, when connected. */
  link: ({ type: LinkType; downloadMbps: number | null; uploadMbps: number | null } | null)[];
}

/**
 * Writes the registry for every institution of the plan (in the transaction `db`): the two earlier academic
 * years are created when the country pack has only the current one; the projects list when it is empty.
 */
export async function seedRegistry(
  db: Db,
  plan: SeedPlan,
  pack: CountryPack,
  loaded: LoadedPack,
): Promise<RegistrySummary> {
  const started = performance.now();
  if (loaded.currentAcademicYearId === null) throw new Error('the country pack has no current academic year');
  const years = await academicYearsFor(db, loaded.currentAcademicYearId);
  const projects = await projectIds(db);
  const ids = new Map(
    (await rows<{ id: number; code: string }>(db, sql`select id, code from institutions_institution`)).map(
      (r) => [r.code, r.id],
    ),
  );
  const places = new Map(flattenAreas(pack.root).map(({ area, parent }) => [area.code, { area, parent }]));
  const gradeLevel = new Map(pack.levels.flatMap((l) => l.grades.map((g) => [g, l.code] as const)));
  const random = new Random(plan.seed).fork('registry');
  const anchorCode = plan.anchor?.institution.row.code ?? null;

  const schoolYears = table({
    institution_id: 'int',
    academic_year_id: 'int',
    teachers: 'int',
    teachers_ict_trained: 'int',
    classrooms: 'int',
    has_computer_lab: 'boolean',
    electricity: 'boolean',
    electricity_source: 'text',
    electricity_hours: 'real',
    pupils_internet: 'boolean',
    state: 'text',
    verified_at: 'timestamptz',
    review_note: 'text',
    updated_at: 'timestamptz',
  });
  const students = table({
    institution_id: 'int',
    academic_year_id: 'int',
    level: 'text',
    sex: 'text',
    shift: 'smallint',
    students: 'int',
  });
  const links = table({
    institution_id: 'int',
    academic_year_id: 'int',
    purpose: 'text',
    type: 'text',
    education_network: 'boolean',
    provider: 'text',
    download_mbps: 'real',
    upload_mbps: 'real',
  });
  const deviceCounts = table({
    institution_id: 'int',
    academic_year_id: 'int',
    kind: 'text',
    purpose: 'text',
    total: 'int',
    working: 'int',
    source: 'text',
    untracked: 'int',
    untracked_working: 'int',
  });
  const participations = table({
    institution_id: 'int',
    academic_year_id: 'int',
    project_id: 'int',
    evidence: 'text',
    verified: 'boolean',
  });
  const measurements = table({
    institution_id: 'int',
    measured_at: 'timestamptz',
    download_mbps: 'real',
    upload_mbps: 'real',
    latency_ms: 'real',
    source: 'text',
  });

  const schools: SchoolPlan[] = [];
  for (const inst of plan.institutions) {
    const id = ids.get(inst.row.code);
    if (id === undefined) continue;
    const r = random.fork(inst.row.code);
    const place = places.get(inst.areaCode);
    const tier: Tier = place?.parent?.city ? 'capital' : inst.row.locality === 'urban' ? 'urban' : 'rural';
    const general = inst.row.kind === 'general_school';
    const kindergarten = inst.row.kind === 'kindergarten';

    // What stays with a school over the years: its electricity, its quality, its draws for change.
    const power = r.weighted<(typeof ELECTRICITY_SOURCES)[number] | 'none'>(
      tier === 'rural'
        ? [
            ['grid', 0.972],
            ['generator', 0.016],
            ['solar', 0.005],
            ['other', 0.002],
            ['none', 0.005],
          ]
        : [
            ['grid', 0.997],
            ['generator', 0.002],
            ['none', 0.001],
          ],
    );
    const hours =
      power === 'grid'
        ? tier === 'rural' && r.chance(0.25)
          ? r.int(14, 22)
          : 24
        : power === 'none'
          ? null
          : r.int(5, 10);
    const connectedDraw = r.next();
    const networkDraw = r.next();
    const teachingDraw = r.next();
    const adminLink = tier !== 'rural' ? r.chance(0.45) : r.chance(0.12);
    let type: LinkType = r.weighted<LinkType>(
      tier === 'capital'
        ? [
            ['fibre', 0.7],
            ['xdsl', 0.25],
            ['p2p_wireless', 0.03],
            ['other_wired', 0.02],
          ]
        : tier === 'urban'
          ? [
              ['fibre', 0.45],
              ['xdsl', 0.42],
              ['cellular', 0.05],
              ['p2mp_wireless', 0.04],
              ['other_wired', 0.04],
            ]
          : [
              ['xdsl', 0.5],
              ['fibre', 0.17],
              ['cellular', 0.13],
              ['p2mp_wireless', 0.1],
              ['satellite', 0.04],
              ['p2p_wireless', 0.03],
              ['other', 0.03],
            ],
    );
    const baseSpeed = r.pick(SPEEDS[type][tier]);
    const fibreSpeed = Math.max(baseSpeed, r.pick(SPEEDS.fibre[tier]));
    const trained0 = Math.min(
      0.95,
      Math.max(0.15, 0.55 + (tier === 'rural' ? 0 : 0.06) + r.float(-0.22, 0.22)),
    );
    const ratio = RATIO[tier].map((x) => x * r.float(0.7, 1.45));
    // Some small village schools, and schools without electricity, have no computer for teaching at all.
    const noComputers =
      power === 'none' ||
      (tier === 'rural' && general && inst.row.studentCount < 100 && r.chance(0.08)) ||
      (kindergarten && r.chance(0.25));
    const tabletShare = tier === 'capital' ? r.float(0.05, 0.2) : r.float(0, 0.1);
    const laptopShare = r.float(0.12, 0.3);
    const projectDraws = new Map(SEED_PROJECTS.map((p) => [p.code, r.next()]));
    const missing = r.next();
    const studentsFor = studentBreakdown(inst, gradeLevel, r.fork('students'));
    const school: SchoolPlan = { inst, id, tier, link: [] };
    schools.push(school);

    years.forEach((year, t) => {
      const current = t === years.length - 1;
      const yr = r.fork(`year:${year.code}`);
      // Links get better: each year a DSL line may become fibre, and contracts are raised.
      if (t > 0 && type === 'xdsl' && yr.chance(tier === 'rural' ? 0.1 : 0.25)) type = 'fibre';
      const speed = type === 'fibre' ? fibreSpeed : baseSpeed;
      const contracted = Math.max(1, Math.round(speed * [0.5, 0.75, 1][t]!));
      const connected = power !== 'none' && connectedDraw < CONNECTED[tier][t]!;
      const onNetwork = networkDraw < EDUCATION_NETWORK[t]!;
      const teaching = connected && teachingDraw < TEACHING_LINK[tier][t]!;
      const speedKnown = yr.chance(0.97);
      school.link.push(
        connected
          ? {
              type,
              downloadMbps: speedKnown ? contracted : null,
              uploadMbps: speedKnown ? round1(Math.max(0.5, contracted * UPLOAD_SHARE[type])) : null,
            }
          : null,
      );
      // The demo accounts' school is new to the registry: its director fills in its first record in the demo
      // (and the browser test), from an empty form. It has device items and speed tests already.
      if (inst.row.code === anchorCode) return;
      // A few schools have not reported this year yet.
      if (current && yr.chance(0.04)) return;

      const scale = [0.97, 0.985, 1][t]!;
      const byGroup = studentsFor(scale);
      const total = byGroup.reduce((n, s) => n + s.students, 0);
      for (const s of byGroup) students.push({ institution_id: id, academic_year_id: year.id, ...s });

      if (connected) {
        const link = school.link[t]!;
        const purposes: Purpose[] = teaching ? ['teaching'] : ['administration'];
        if (teaching && adminLink) purposes.push('administration');
        for (const purpose of purposes) {
          const own = purpose === 'administration' && purposes.length > 1;
          links.push({
            institution_id: id,
            academic_year_id: year.id,
            purpose,
            type: own ? (tier === 'rural' ? 'cellular' : 'xdsl') : link.type,
            education_network: own ? false : onNetwork,
            provider: !own && onNetwork ? 'AzEduNet' : yr.pick(PROVIDERS[own ? 'xdsl' : link.type]),
            download_mbps: own ? 8 : link.downloadMbps,
            upload_mbps: own ? 1 : link.uploadMbps,
          });
        }
      }

      // Devices: teaching computers from the year's target ratio, and the rest of the classroom.
      const computers = noComputers
        ? 0
        : Math.max(
            general ? (inst.row.studentCount < 100 ? 2 : 6) : 2,
            Math.round((total / ratio[t]!) * (kindergarten ? 0.3 : 1)),
          );
      const tablets = Math.round(computers * tabletShare * [0.5, 0.8, 1][t]!);
      const laptops = Math.round((computers - tablets) * laptopShare);
      const desktops = computers - tablets - laptops;
      const rooms =
        Math.max(1, Math.ceil(total / ((kindergarten ? 20 : 24) * Math.max(1, inst.row.shifts ?? 1)))) +
        yr.int(0, 3);
      const counts: [DeviceKind, DevicePurpose, number, number][] = [
        ['desktop', 'teaching', desktops, yr.float(0.82, 0.98)],
        ['laptop', 'teaching', laptops, yr.float(0.85, 0.99)],
        ['tablet', 'teaching', tablets, yr.float(0.88, 1)],
        [
          'projector',
          'teaching',
          power === 'none' ? 0 : Math.round(rooms * yr.float(0.05, tier === 'capital' ? 0.6 : 0.3)),
          yr.float(0.8, 1),
        ],
        [
          'interactive_board',
          'teaching',
          power === 'none'
            ? 0
            : Math.round((rooms * yr.float(0, tier === 'capital' ? 0.35 : 0.12) * (t + 1)) / 3),
          yr.float(0.85, 1),
        ],
        [
          'desktop',
          'administration',
          power === 'none' ? 0 : yr.int(1, tier === 'rural' ? 2 : 4),
          yr.float(0.9, 1),
        ],
        ['laptop', 'administration', power === 'none' ? 0 : yr.int(0, 2), 1],
        // Small schools share a laptop or two between the office and the classroom.
        ['laptop', 'both', general && tier === 'rural' && yr.chance(0.3) ? yr.int(1, 2) : 0, 1],
        ['server', 'administration', tier !== 'rural' && yr.chance(0.35) ? 1 : 0, 1],
      ];
      for (const [kind, purpose, n, working] of counts) {
        if (n === 0) continue;
        const works = Math.min(n, Math.round(n * working));
        // A reported count is all devices the school counts, none of them an item record.
        deviceCounts.push({
          institution_id: id,
          academic_year_id: year.id,
          kind,
          purpose,
          total: n,
          working: works,
          source: 'reported',
          untracked: n,
          untracked_working: works,
        });
      }

      const teachers = Math.max(1, Math.round(inst.row.teacherCount * [0.98, 0.99, 1][t]!));
      const trainedShare = Math.min(0.98, trained0 + 0.045 * t);
      const state: (typeof RECORD_STATES)[number] = current
        ? yr.chance(0.05)
          ? 'draft'
          : 'submitted'
        : yr.chance(t === 0 ? 0.99 : 0.97)
          ? 'verified'
          : 'submitted';
      // Records saved this year were saved in the weeks before the seed's "now"; earlier ones in the autumn.
      const savedAt = current
        ? SEED_NOW - yr.int(1, 40) * DAY - yr.int(0, 36_000) * 1000
        : Date.parse(`${year.startsOn}T05:00:00Z`) + yr.int(10, 90) * DAY + yr.int(0, 36_000) * 1000;
      const sloppy = missing < 0.08 || state === 'draft';
      schoolYears.push({
        institution_id: id,
        academic_year_id: year.id,
        teachers: sloppy && yr.chance(0.2) ? null : teachers,
        teachers_ict_trained: sloppy && yr.chance(0.5) ? null : Math.round(teachers * trainedShare),
        classrooms: sloppy && yr.chance(0.4) ? null : rooms,
        has_computer_lab:
          sloppy && yr.chance(0.3) ? null : desktops >= 6 || (desktops >= 3 && yr.chance(0.5)),
        electricity: power !== 'none',
        electricity_source: power === 'none' ? null : power,
        electricity_hours: power === 'none' || (sloppy && yr.chance(0.3)) ? null : hours,
        // Pupils go online where the school has a teaching link, nearly always; never without a link.
        pupils_internet:
          sloppy && yr.chance(0.3) ? null : teaching ? yr.chance(tier === 'rural' ? 0.88 : 0.96) : false,
        state,
        verified_at: state === 'verified' ? iso(savedAt + yr.int(3, 40) * DAY) : null,
        review_note:
          state === 'draft'
            ? 'Şagirdlərin sayı müəssisənin məlumatları ilə uyğun gəlmir; yoxlayıb yenidən göndərin.'
            : null,
        updated_at: iso(savedAt),
      });

      const eligible = (code: ProjectCode) => {
        if (inst.row.kind === 'university' || kindergarten) return false;
        if (inst.row.kind === 'vocational_college') return code === 'e-journal' || code === 'digital-skills';
        if (code === 'vocational-classes') return inst.row.levels.includes('secondary');
        if (code === 'e-journal' || code === 'etwinning') return connected;
        return true;
      };
      for (const p of SEED_PROJECTS) {
        const projectId = projects.get(p.code);
        if (projectId === undefined || !eligible(p.code)) continue;
        if (projectDraws.get(p.code)! >= PROJECTS[p.code][tier][t]!) continue;
        participations.push({
          institution_id: id,
          academic_year_id: year.id,
          project_id: projectId,
          evidence: yr.chance(0.4)
            ? `https://sertifikat.edu.az/${p.code}/${year.code}/${inst.row.code}`
            : null,
          verified: state === 'verified',
        });
      }
    });
  }

  // Measurements: the last eight weeks before the seed's "now" for about half the connected schools, and a
  // few weeks at the end of each earlier year for fewer of them.
  for (const school of schools) {
    const r = random.fork(`measure:${school.inst.row.code}`);
    years.forEach((year, t) => {
      const link = school.link[t];
      if (!link) return;
      const current = t === years.length - 1;
      const share = current
        ? { capital: 0.7, urban: 0.55, rural: 0.4 }[school.tier]
        : { capital: 0.35, urban: 0.3, rural: 0.2 }[school.tier] * (t + 1);
      if (!r.chance(share)) return;
      const end = current
        ? Math.floor(SEED_NOW / DAY) * DAY
        : Date.parse(`${year.endsOn}T00:00:00Z`) - 14 * DAY;
      const weeks = current ? 8 : 4;
      const contracted = link.downloadMbps ?? r.pick(SPEEDS[link.type][school.tier]);
      // How much of the contracted speed a school really gets: most a fair share, some very little.
      const quality = r.weighted([
        [r.float(0.6, 1.05), 0.6],
        [r.float(0.25, 0.6), 0.3],
        [r.float(0.02, 0.25), 0.1],
      ] as const);
      for (let w = 0; w < weeks; w++) {
        if (!r.chance(0.75)) continue;
        const n = r.int(1, 2);
        for (let k = 0; k < n; k++) {
          const at = end - (w * 7 + r.int(0, 6)) * DAY + r.int(4 * 3600, 12 * 3600) * 1000 - DAY;
          const download = Math.max(0.1, round1(contracted * quality * r.float(0.75, 1.15)));
          const [lo, hi] = LATENCY[link.type];
          measurements.push({
            institution_id: school.id,
            measured_at: iso(at),
            download_mbps: download,
            upload_mbps: round1(download * UPLOAD_SHARE[link.type] * r.float(0.6, 1.1)),
            latency_ms: r.int(lo, hi),
            source: r.chance(0.85) ? 'speedtest' : 'import',
          });
        }
      }
    });
  }

  const anchor = schools.find((s) => s.inst.row.code === anchorCode) ?? null;
  const other =
    schools.find((s) => s !== anchor && s.inst.people !== null) ?? schools.find((s) => s !== anchor);
  const items = anchor ? deviceItems(anchor, other ?? null, random.fork('devices')) : null;
  if (items) {
    // The current year's counts of a school with items follow its items (as the registry keeps them).
    const counts = new Map<string, { kind: string; purpose: string; total: number; working: number }>();
    for (const d of items.devices) {
      if (d.status === 'disposed') continue;
      const key = `${d.kind}/${d.purpose}`;
      const c = counts.get(key) ?? { kind: d.kind, purpose: d.purpose, total: 0, working: 0 };
      c.total += 1;
      if (d.condition === 'working' && d.status === 'in_use') c.working += 1;
      counts.set(key, c);
    }
    for (const c of counts.values())
      deviceCounts.push({
        institution_id: anchor!.id,
        academic_year_id: years[years.length - 1]!.id,
        ...c,
        source: 'inventory',
        untracked: 0,
        untracked_working: 0,
      });
  }

  await insertColumns(db, 'infrastructure_school_year', schoolYears.columns);
  await insertColumns(db, 'infrastructure_student_count', students.columns);
  await insertColumns(db, 'infrastructure_internet_link', links.columns);
  await insertColumns(db, 'infrastructure_device_count', deviceCounts.columns);
  await insertColumns(db, 'infrastructure_participation', participations.columns);
  await insertColumns(db, 'infrastructure_measurement', measurements.columns);
  let deviceEvents = 0;
  if (items) deviceEvents = await writeDeviceItems(db, items);

  return {
    years: years.map((y) => y.code),
    records: schoolYears.length,
    studentRows: students.length,
    links: links.length,
    deviceCounts: deviceCounts.length,
    participations: participations.length,
    measurements: measurements.length,
    devices: items?.devices.length ?? 0,
    deviceEvents,
    ms: Math.round(performance.now() - started),
  };
}

interface StudentGroup {
  level: string;
  sex: 'female' | 'male';
  shift: number;
  students: number;
}

/**
 * How a school's students split by level, sex and shift, for a share of this year's head count. A school
 * with people takes its classes' sizes by grade; others spread their count over their grades (fewer in the
 * last two). Either way the groups add up to the head count, and grades sit in the shift their classes do.
 */
function studentBreakdown(
  inst: InstitutionPlan,
  gradeLevel: Map<number, string>,
  random: Random,
): (scale: number) => StudentGroup[] {
  const shifts = Math.max(1, inst.row.shifts ?? 1);
  const grades = [...gradeLevel.entries()]
    .filter(([, level]) => inst.row.levels.includes(level))
    .map(([g]) => g)
    .sort((a, b) => a - b);
  const femaleShare = random.float(0.45, 0.49);
  return (scale) => {
    const total = Math.max(1, Math.round(inst.row.studentCount * scale));
    const cells = new Map<string, StudentGroup>();
    const add = (level: string, shift: number, n: number) => {
      const female = Math.round(n * femaleShare);
      for (const [sex, k] of [
        ['female', female],
        ['male', n - female],
      ] as const) {
        if (k === 0) continue;
        const key = `${level}/${sex}/${shift}`;
        const cell = cells.get(key) ?? { level, sex, shift, students: 0 };
        cell.students += k;
        cells.set(key, cell);
      }
    };
    if (grades.length === 0) {
      add(inst.row.levels[0] ?? 'other', 1, total);
    } else {
      const classes = inst.people?.classes;
      const weights = grades.map((g) =>
        classes
          ? classes.filter((c) => c.grade === g).reduce((n, c) => n + c.students.length, 0)
          : g >= 10
            ? 0.85
            : 1,
      );
      const perGrade = apportion(total, weights);
      grades.forEach((g, i) => {
        const shift = classes?.find((c) => c.grade === g)?.shift ?? shiftOfGrade(g, shifts);
        if (perGrade[i]! > 0) add(gradeLevel.get(g)!, shift, perGrade[i]!);
      });
    }
    return [...cells.values()].sort(
      (a, b) => a.level.localeCompare(b.level) || a.shift - b.shift || a.sex.localeCompare(b.sex),
    );
  };
}

interface DeviceItem {
  assetTag: string;
  serial: string;
  kind: DeviceKind;
  model: string;
  status: (typeof DEVICE_STATUSES)[number];
  condition: (typeof DEVICE_CONDITIONS)[number];
  purpose: Purpose;
  fundingProgramme: string;
  acquiredOn: string;
  endOfLifeOn: string;
  lastAuditOn: string | null;
  nextAuditOn: string | null;
  events: {
    kind: (typeof DEVICE_EVENTS)[number];
    at: string;
    institutionId: number;
    fromInstitutionId: number | null;
    note: string | null;
  }[];
}

/**
 * The device items of the demo accounts' school, with a history: deliveries by programme, audits, repairs,
 * a disposal, and a laptop moved in from another school. Some are past their end of life.
 */
function deviceItems(
  school: SchoolPlan,
  other: SchoolPlan | null,
  random: Random,
): { institutionId: number; devices: DeviceItem[] } {
  const code = school.inst.row.code;
  const devices: DeviceItem[] = [];
  const batches: {
    kind: DeviceKind;
    purpose: Purpose;
    n: number;
    model: string;
    programme: string;
    acquired: string;
    life: number;
  }[] = [
    {
      kind: 'desktop',
      purpose: 'teaching',
      n: 12,
      model: 'HP ProDesk 400 G6',
      programme: 'Məktəblərin kompüterləşdirilməsi 2019',
      acquired: '2019-08-20',
      life: 5,
    },
    {
      kind: 'desktop',
      purpose: 'teaching',
      n: 10,
      model: 'Lenovo ThinkCentre M70q',
      programme: 'Rəqəmsal məktəb 2023',
      acquired: '2023-08-25',
      life: 6,
    },
    {
      kind: 'laptop',
      purpose: 'teaching',
      n: 6,
      model: 'Lenovo ThinkPad E14',
      programme: 'Rəqəmsal məktəb 2023',
      acquired: '2023-08-25',
      life: 5,
    },
    {
      kind: 'tablet',
      purpose: 'teaching',
      n: 8,
      model: 'Samsung Galaxy Tab A9',
      programme: 'Rəqəmsal məktəb 2025',
      acquired: '2025-08-28',
      life: 4,
    },
    {
      kind: 'projector',
      purpose: 'teaching',
      n: 3,
      model: 'Epson EB-E20',
      programme: 'Məktəblərin kompüterləşdirilməsi 2019',
      acquired: '2019-08-20',
      life: 6,
    },
    {
      kind: 'interactive_board',
      purpose: 'teaching',
      n: 2,
      model: 'SMART Board MX265',
      programme: 'Rəqəmsal məktəb 2023',
      acquired: '2023-08-25',
      life: 8,
    },
    {
      kind: 'desktop',
      purpose: 'administration',
      n: 2,
      model: 'HP ProDesk 400 G6',
      programme: 'Məktəblərin kompüterləşdirilməsi 2019',
      acquired: '2019-08-20',
      life: 5,
    },
    {
      kind: 'server',
      purpose: 'administration',
      n: 1,
      model: 'Dell PowerEdge T150',
      programme: 'Rəqəmsal məktəb 2023',
      acquired: '2023-08-25',
      life: 7,
    },
  ];
  let n = 0;
  const at = (day: string, hour = 8) => `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;
  for (const b of batches) {
    for (let k = 0; k < b.n; k++) {
      n += 1;
      const endOfLife = `${Number(b.acquired.slice(0, 4)) + b.life}${b.acquired.slice(4)}`;
      const audited = b.acquired < '2026-05-01' ? '2026-05-20' : null;
      devices.push({
        assetTag: `${code}-${String(n).padStart(4, '0')}`,
        serial: `${b.model.split(' ')[0]!.toUpperCase().slice(0, 3)}${random.int(100000, 999999)}`,
        kind: b.kind,
        model: b.model,
        status: 'in_use',
        condition: 'working',
        purpose: b.purpose,
        fundingProgramme: b.programme,
        acquiredOn: b.acquired,
        endOfLifeOn: endOfLife,
        lastAuditOn: audited,
        nextAuditOn: audited ? '2027-05-20' : null,
        events: [
          {
            kind: 'delivered',
            at: at(b.acquired),
            institutionId: school.id,
            fromInstitutionId: null,
            note: b.programme,
          },
          ...(b.kind === 'laptop'
            ? [
                {
                  kind: 'assigned' as const,
                  at: at(b.acquired, 11),
                  institutionId: school.id,
                  fromInstitutionId: null,
                  note: 'Fənn müəlliminə verildi',
                },
              ]
            : []),
          ...(audited
            ? [
                {
                  kind: 'audited' as const,
                  at: at(audited, 9),
                  institutionId: school.id,
                  fromInstitutionId: null,
                  note: null,
                },
              ]
            : []),
        ],
      });
    }
  }
  const old = devices.filter(
    (d) => d.acquiredOn === '2019-08-20' && d.kind === 'desktop' && d.purpose === 'teaching',
  );
  // Two old lab computers were repaired; one waits for repair; one broke for good and was written off.
  for (const d of old.slice(0, 2))
    d.events.push({
      kind: 'repaired',
      at: at('2025-11-12', 10),
      institutionId: school.id,
      fromInstitutionId: null,
      note: 'Blok dəyişdirildi',
    });
  const waiting = old[2]!;
  waiting.condition = 'needs_repair';
  waiting.status = 'under_repair';
  const broken = old[3]!;
  broken.condition = 'broken';
  broken.status = 'disposed';
  broken.events.push({
    kind: 'disposed',
    at: at('2026-06-02', 10),
    institutionId: school.id,
    fromInstitutionId: null,
    note: 'Təmirə yararsızdır',
  });
  // One laptop came from another school that had more than it needed.
  if (other) {
    n += 1;
    devices.push({
      assetTag: `${code}-${String(n).padStart(4, '0')}`,
      serial: `LEN${random.int(100000, 999999)}`,
      kind: 'laptop',
      model: 'Lenovo ThinkPad E14',
      status: 'in_use',
      condition: 'working',
      purpose: 'teaching',
      fundingProgramme: 'Rəqəmsal məktəb 2023',
      acquiredOn: '2023-08-25',
      endOfLifeOn: '2028-08-25',
      lastAuditOn: '2026-05-20',
      nextAuditOn: '2027-05-20',
      events: [
        {
          kind: 'delivered',
          at: at('2023-08-25'),
          institutionId: other.id,
          fromInstitutionId: null,
          note: 'Rəqəmsal məktəb 2023',
        },
        {
          kind: 'moved',
          at: at('2025-02-03', 10),
          institutionId: school.id,
          fromInstitutionId: other.id,
          note: 'Artıq cihaz verildi',
        },
        {
          kind: 'audited',
          at: at('2026-05-20', 9),
          institutionId: school.id,
          fromInstitutionId: null,
          note: null,
        },
      ],
    });
  }
  return { institutionId: school.id, devices };
}

async function writeDeviceItems(
  db: Db,
  items: { institutionId: number; devices: DeviceItem[] },
): Promise<number> {
  const d = items.devices;
  const updatedAt = iso(SEED_NOW);
  const inserted = await insertColumns<{ id: number; asset_tag: string }>(
    db,
    'infrastructure_device',
    {
      institution_id: { type: 'int', values: d.map(() => items.institutionId) },
      asset_tag: { type: 'text', values: d.map((x) => x.assetTag) },
      serial: { type: 'text', values: d.map((x) => x.serial) },
      kind: { type: 'text', values: d.map((x) => x.kind) },
      model: { type: 'text', values: d.map((x) => x.model) },
      status: { type: 'text', values: d.map((x) => x.status) },
      condition: { type: 'text', values: d.map((x) => x.condition) },
      purpose: { type: 'text', values: d.map((x) => x.purpose) },
      funding_programme: { type: 'text', values: d.map((x) => x.fundingProgramme) },
      acquired_on: { type: 'date', values: d.map((x) => x.acquiredOn) },
      end_of_life_on: { type: 'date', values: d.map((x) => x.endOfLifeOn) },
      last_audit_on: { type: 'date', values: d.map((x) => x.lastAuditOn) },
      next_audit_on: { type: 'date', values: d.map((x) => x.nextAuditOn) },
      updated_at: { type: 'timestamptz', values: d.map(() => updatedAt) },
    },
    ['id', 'asset_tag'],
  );
  const idOf = new Map(inserted.map((r) => [r.asset_tag, r.id]));
  const events = d.flatMap((x) => x.events.map((e) => ({ ...e, deviceId: idOf.get(x.assetTag)! })));
  events.sort((a, b) => a.at.localeCompare(b.at) || a.deviceId - b.deviceId);
  await insertColumns(db, 'infrastructure_device_event', {
    device_id: { type: 'int', values: events.map((e) => e.deviceId) },
    institution_id: { type: 'int', values: events.map((e) => e.institutionId) },
    kind: { type: 'text', values: events.map((e) => e.kind) },
    at: { type: 'timestamptz', values: events.map((e) => e.at) },
    from_institution_id: { type: 'int', values: events.map((e) => e.fromInstitutionId) },
    note: { type: 'text', values: events.map((e) => e.note) },
  });
  return events.length;
}

/** One line describing what the registry seed wrote. */
export function describeRegistry(s: RegistrySummary): string {
  const n = (x: number) => x.toLocaleString('en');
  return (
    `seeded the ICT registry for ${s.years.join(', ')} in ${(s.ms / 1000).toFixed(1)} s: ${n(s.records)} school records, ` +
    `${n(s.studentRows)} student counts, ${n(s.links)} internet links, ${n(s.deviceCounts)} device counts, ` +
    `${n(s.participations)} project participations, ${n(s.measurements)} measurements, ${n(s.devices)} device items ` +
    `with ${n(s.deviceEvents)} events`
  );
}
