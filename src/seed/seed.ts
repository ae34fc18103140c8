import { sql } from 'drizzle-orm';
import type { Database, Db } from '@/server/db/database';
import { rows } from '@/server/db/database';
import type { Grant } from '@/server/access';
import { audit } from '@/modules/identity/identity.service';
import { hashPassword } from '@/modules/identity/passwords';
import { guardians, roleGrants, users } from '@/modules/identity/identity.tables';
import { institutions } from '@/modules/institutions/institutions.tables';
import { bellPeriods, classes, enrolments } from '@/modules/classroom/classroom.tables';
import {
  DEFAULT_PACK_DIR,
  loadCountryPack,
  readCountryPack,
  type LoadedPack,
} from '@/modules/institutions/country-pack';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '@/seed/demo-accounts';
import { bulkInsert } from '@/server/db/bulk';
import { buildPlan, planCounts, type PersonPlan, type SeedPlan, type SeedScale } from '@/seed/plan';
import { describeRegistry, seedRegistry } from '@/seed/registry';
import { describeSchoolLife, seedSchoolLife, type SchoolLifeSummary } from '@/seed/school-life';
import { describeTrainingLevels, seedTrainingLevels } from '@/seed/training-levels';
import { seedTrainingHistory } from '@/seed/training-history';
import { feedIctTrained } from '@/modules/infrastructure/ict-trained.store';
import { describePolicyRegistry, seedPolicyRegistry } from '@/seed/policy-registry';
import { describeSafety, seedSafety } from '@/seed/safety';
import { describePortal, seedPortal } from '@/seed/portal';
import { describePortalDiscuss, seedPortalDiscuss } from '@/seed/portal-discuss';
import { describeSafetyCourses, seedSafetyCourses } from '@/seed/safety-courses';
import { describeSafetyActivity, seedSafetyActivity } from '@/seed/safety-activity';
import { seedPolicyProfile } from '@/seed/policy-profile';
import { schoolToday } from '@/modules/classroom/classroom.service';
import { describeTrainingCourses, seedTrainingCourses } from '@/seed/training-courses';
import { now } from '@/server/clock';
import {
  describeLibrary,
  prepareLibrary,
  type LibrarySeedOptions,
  type LibrarySummary,
} from '@/seed/library';

/** How much of a country a seed makes: `demo` or `national`. */
export type { SeedScale } from '@/seed/plan';

/**
 * The `created_at`/`updated_at` of everything the seed writes. Fixed, not the clock, so that two runs with
 * the same seed give equal rows.
 */
export const SEED_TIME = new Date('2026-09-01T06:00:00Z');

/** Rows per multi-row INSERT of institutions and classes: few enough to stay under PostgreSQL's 65,535 parameters. */
const BATCH = 1000;

/** The advisory lock a seed holds, so that app nodes starting together on an empty database seed it once. */
const SEED_LOCK = 0x6d6b7364;

/** Why a seed was not run, for a clear message and a non-zero exit. */
export class SeedRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedRefused';
  }
}

/** What a seed run asks for. */
export interface SeedOptions {
  scale: SeedScale;
  seed: number;
  /** The country pack's folder; Azerbaijan's by default. */
  packDir?: string;
  /** Production never gets demo people or the demo accounts with their known password. */
  production: boolean;
  log?: (message: string) => void;
  /**
   * Where the demo library's files go and the media programs (`src/seed/library.ts`). Without it a demo seed
   * has no library; the national seed never has one.
   */
  library?: LibrarySeedOptions;
  /**
   * Whether the demo library's media jobs (ffmpeg renditions) run before the seed returns (the default), or
   * are left queued for the server's job worker, so that a first start answers at once.
   */
  processLibraryMedia?: boolean;
}

/** What a seed run made and how long it took. */
export interface SeedSummary {
  scale: SeedScale;
  seed: number;
  areas: number;
  institutions: number;
  classes: number;
  users: number;
  students: number;
  teachers: number;
  parents: number;
  aggregateStudents: number;
  aggregateTeachers: number;
  /** The demo library, when it was seeded. */
  library?: LibrarySummary;
  /** The demo's school life (timetables, lessons, journal, work), when it was seeded. */
  schoolLife?: SchoolLifeSummary;
  /** Milliseconds, planning and writing. */
  ms: number;
}

/** How much data a database already holds. */
export async function existingData(db: Db): Promise<{ areas: number; institutions: number; users: number }> {
  const [row] = await rows<{ areas: number; institutions: number; users: number }>(
    db,
    sql`select (select count(*)::int from institutions_area) as areas,
               (select count(*)::int from institutions_institution) as institutions,
               (select count(*)::int from identity_user) as users`,
  );
  return row!;
}

/**
 * Loads the country pack and writes a planned country: institutions, accounts with their grants, classes,
 * enrolments and parent links. Everything happens in one transaction, so a seed that fails or is
 * interrupted leaves the database as it was. Refuses in production and on a database that holds data.
 */
export async function seed(database: Database, options: SeedOptions): Promise<SeedSummary> {
  if (options.production) {
    throw new SeedRefused(
      'refusing to seed: NODE_ENV=production, and the seed creates demo people and the demo accounts, whose password is known. ' +
        'Load only the country pack with `maktab seed --pack-only`, and create real accounts with `maktab user create`.',
    );
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw new SeedRefused(`the seed must be a whole number from 0 to 4294967295, got ${options.seed}`);
  }
  const started = performance.now();
  const log = options.log ?? (() => {});
  const pack = await readCountryPack(options.packDir ?? DEFAULT_PACK_DIR);
  // Refuse before the slow part (planning, hashing), so the answer comes at once.
  refuseIfData(await existingData(database.db));
  const plan = buildPlan(pack, options.scale, options.seed);
  const counts = planCounts(plan);
  log(
    `planned ${options.scale} (seed ${options.seed}): ${counts.institutions} institutions, ${counts.students} students, ` +
      `${counts.teachers} teachers, ${counts.parents} parents in ${Math.round(performance.now() - started)} ms`,
  );
  // argon2id costs tens of milliseconds and 19 MiB per hash on purpose; tens of thousands of generated
  // accounts would take minutes. They share one hash of "demo" made once per run; the named demo
  // accounts, the ones people actually sign in with, each get their own.
  const [sharedHash, ...namedHashes] = await Promise.all([
    hashPassword(DEMO_PASSWORD),
    ...DEMO_ACCOUNTS.map(() => hashPassword(DEMO_PASSWORD)),
  ]);
  const hashes = new Map(DEMO_ACCOUNTS.map((a, i) => [a.username, namedHashes[i]!]));

  // The library's files (PDFs, media) are made before the transaction, so that the slow part holds no lock.
  const library =
    options.scale === 'demo' && options.library
      ? await prepareLibrary(pack, options.seed, options.library)
      : null;
  const written = await database.db
    .transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
      // Checked again under the lock: another process may have seeded since the check above.
      refuseIfData(await existingData(tx));
      const loaded = await loadCountryPack(tx, pack);
      log(`loaded the country pack ${pack.manifest.countryCode}: ${loaded.counts.areas} areas`);
      const users = await writePlan(tx, plan, loaded, (username) => hashes.get(username) ?? sharedHash);
      log(describeRegistry(await seedRegistry(tx, plan, pack, loaded)));
      if (library) log(await library.write(tx));
      const schoolLife =
        options.scale === 'demo' && plan.anchor
          ? await writeSchoolLife(tx, plan, loaded, options.seed)
          : null;
      if (schoolLife) log(describeSchoolLife(schoolLife));
      // Teachers' self-assessments of ICT competence, all but the demo teacher's (who takes it in the demo).
      if (options.scale === 'demo')
        log(
          describeTrainingLevels(
            await seedTrainingLevels(tx, {
              seed: options.seed,
              at: new Date(`${schoolToday(now())}T00:00:00+04:00`),
            }),
          ),
        );
      if (schoolLife && loaded.currentAcademicYearId !== null) {
        const today = schoolToday(now());
        const training = await seedTrainingCourses(tx, {
          seed: options.seed,
          academicYearId: loaded.currentAcademicYearId,
          demoAreaId: loaded.areaIds.get(plan.regionArea)!,
          now: new Date(`${today}T00:00:00+04:00`),
        });
        log(describeTrainingCourses(training));
      }
      if (options.scale === 'demo') {
        const history = await seedTrainingHistory(tx, options.seed);
        log(`past training records: ${history.records} (${history.linked} linked to teachers)`);
        const fed = await feedIctTrained(tx, null, new Date(`${schoolToday(now())}T00:00:00+04:00`));
        log(`registry ICT-trained counts taken from training records: ${fed.length} schools`);
      }
      // The country's registry of policies, programmes and partnerships: the same at every scale.
      log(describePolicyRegistry(await seedPolicyRegistry(tx)));
      // The content filter's lists, policies, schedules and the first schools' networks.
      log(describeSafety(await seedSafety(tx)));
      if (options.scale === 'demo') {
        // Teachers' unblock requests and a week of blocked-query counts at the demo area's schools.
        const today = schoolToday(now());
        const activity = await seedSafetyActivity(tx, {
          seed: options.seed,
          today,
          now: new Date(`${today}T00:00:00+04:00`),
        });
        log(describeSafetyActivity(activity));
      }
      // The portal's news and events from the ministry, a region and a school.
      log(describePortal(await seedPortal(tx)));
      // The discussions' watched words and a few threads at the demo student's school.
      log(describePortalDiscuss(await seedPortalDiscuss(tx)));
      // The internet-safety courses and Safer Internet Day; the demo's quizzes and school events.
      log(
        describeSafetyCourses(
          await seedSafetyCourses(tx, {
            packDir: options.packDir ?? DEFAULT_PACK_DIR,
            demo: options.scale === 'demo',
            seed: options.seed,
            now: new Date(`${schoolToday(now())}T00:00:00+04:00`),
          }),
        ),
      );
      // The country profile's texts and its first edition, from all of the above (kept last: it quotes them).
      const profile = await seedPolicyProfile(tx);
      log(`country profile: ${profile.sections} sections, edition ${profile.edition} published`);
      await audit(
        tx,
        { actorId: null, ip: null },
        {
          action: 'seed',
          entity: 'database',
          entityId: options.scale,
          after: { scale: options.scale, seed: options.seed, pack: pack.manifest.countryCode, ...counts },
        },
      );
      return { areas: loaded.counts.areas, users, schoolLife };
    })
    .finally(() => library?.cleanup());
  // Its media jobs run once the resources are committed, as the server's worker would run them.
  const librarySummary = library
    ? await library.process(database.db, { run: options.processLibraryMedia ?? true })
    : undefined;
  if (librarySummary) log(describeLibrary(librarySummary));
  return {
    scale: options.scale,
    seed: options.seed,
    areas: written.areas,
    institutions: counts.institutions,
    classes: counts.classes,
    users: written.users,
    students: counts.students,
    teachers: counts.teachers,
    parents: counts.parents,
    aggregateStudents: counts.aggregateStudents,
    aggregateTeachers: counts.aggregateTeachers,
    ...(librarySummary ? { library: librarySummary } : {}),
    ...(written.schoolLife ? { schoolLife: written.schoolLife } : {}),
    ms: Math.round(performance.now() - started),
  };
}

/** Inserts the plan; returns how many accounts it made. */
async function writePlan(
  tx: Db,
  plan: SeedPlan,
  loaded: LoadedPack,
  hashOf: (username: string) => string,
): Promise<number> {
  const yearId = loaded.currentAcademicYearId;
  if (yearId === null) throw new Error('the country pack has no current academic year to put classes in');

  const institutionIds = new Map<string, number>();
  const institutionRows = plan.institutions.map((i) => ({
    ...i.row,
    areaId: loaded.areaIds.get(i.areaCode)!,
    createdAt: SEED_TIME,
    updatedAt: SEED_TIME,
  }));
  for (let k = 0; k < institutionRows.length; k += BATCH) {
    const inserted = await tx
      .insert(institutions)
      .values(institutionRows.slice(k, k + BATCH))
      .returning({ id: institutions.id, code: institutions.code });
    for (const r of inserted) institutionIds.set(r.code, r.id);
  }

  // Accounts first, in plan order, so that ids come out the same on every run; then everything that refers to them.
  const people: PersonPlan[] = [];
  const grants: { username: string; grant: Grant }[] = [];
  const nation = DEMO_ACCOUNTS.filter((a) => a.scope === 'nation' || a.scope === 'demo area');
  for (const a of nation) {
    people.push({ username: a.username, displayName: a.displayName, locale: 'az' });
    grants.push({
      username: a.username,
      grant: {
        role: a.role,
        areaId: a.scope === 'demo area' ? loaded.areaIds.get(plan.regionArea)! : null,
        institutionId: null,
      },
    });
  }
  for (const inst of plan.institutions) {
    if (!inst.people) continue;
    const institutionId = institutionIds.get(inst.row.code)!;
    const at = (role: Grant['role']): Grant => ({ role, areaId: null, institutionId });
    people.push(inst.people.director);
    grants.push({ username: inst.people.director.username, grant: at('director') });
    for (const t of inst.people.teachers) {
      people.push(t);
      grants.push({ username: t.username, grant: at('teacher') });
    }
    for (const c of inst.people.classes) {
      for (const s of c.students) {
        people.push(s);
        grants.push({ username: s.username, grant: at('student') });
      }
    }
    for (const f of inst.people.families) {
      for (const p of f.parents) {
        people.push(p);
        grants.push({ username: p.username, grant: { role: 'parent', areaId: null, institutionId: null } });
      }
    }
  }

  const at = SEED_TIME.toISOString();
  const inserted = await bulkInsert<{ id: number; username: string }>(
    tx,
    users,
    [
      { column: users.username, type: 'text', values: people.map((p) => p.username) },
      { column: users.passwordHash, type: 'text', values: people.map((p) => hashOf(p.username)) },
      { column: users.displayName, type: 'text', values: people.map((p) => p.displayName) },
      { column: users.locale, type: 'text', values: people.map((p) => p.locale) },
      { column: users.sex, type: 'text', values: people.map((p) => p.sex ?? null) },
      { column: users.createdAt, type: 'timestamptz', values: people.map(() => at) },
      { column: users.updatedAt, type: 'timestamptz', values: people.map(() => at) },
    ],
    { returning: [users.id, users.username] },
  );
  const userIds = new Map(inserted.map((r) => [r.username, r.id]));
  const id = (p: PersonPlan) => userIds.get(p.username)!;

  await bulkInsert(tx, roleGrants, [
    { column: roleGrants.userId, type: 'int', values: grants.map((g) => userIds.get(g.username)!) },
    { column: roleGrants.role, type: 'text', values: grants.map((g) => g.grant.role) },
    { column: roleGrants.areaId, type: 'int', values: grants.map((g) => g.grant.areaId) },
    { column: roleGrants.institutionId, type: 'int', values: grants.map((g) => g.grant.institutionId) },
  ]);

  const classRows: (typeof classes.$inferInsert)[] = [];
  for (const inst of plan.institutions) {
    if (!inst.people) continue;
    const { teachers } = inst.people;
    for (const c of inst.people.classes) {
      classRows.push({
        institutionId: institutionIds.get(inst.row.code)!,
        academicYearId: yearId,
        grade: c.grade,
        letter: c.letter,
        language: c.language,
        shift: c.shift,
        homeroomTeacherId: id(teachers[c.homeroom]!),
      });
    }
  }
  const classIds: number[] = [];
  for (let k = 0; k < classRows.length; k += BATCH) {
    const inserted = await tx
      .insert(classes)
      .values(classRows.slice(k, k + BATCH))
      .returning({
        id: classes.id,
        institutionId: classes.institutionId,
        grade: classes.grade,
        letter: classes.letter,
      });
    // Match by the class's natural key rather than trusting the order RETURNING gives rows in.
    const byKey = new Map(inserted.map((r) => [`${r.institutionId}/${r.grade}/${r.letter}`, r.id]));
    for (const row of classRows.slice(k, k + BATCH))
      classIds.push(byKey.get(`${row.institutionId}/${row.grade}/${row.letter}`)!);
  }

  const enrolmentRows: (typeof enrolments.$inferInsert)[] = [];
  const guardianRows: (typeof guardians.$inferInsert)[] = [];
  let classIndex = 0;
  for (const inst of plan.institutions) {
    if (!inst.people) continue;
    const institutionId = institutionIds.get(inst.row.code)!;
    for (const c of inst.people.classes) {
      const classId = classIds[classIndex++]!;
      for (const s of c.students) enrolmentRows.push({ classId, studentId: id(s), institutionId });
    }
    for (const f of inst.people.families)
      for (const p of f.parents)
        for (const child of f.children) guardianRows.push({ parentId: id(p), studentId: id(child) });
  }
  await bulkInsert(tx, enrolments, [
    { column: enrolments.classId, type: 'int', values: enrolmentRows.map((r) => r.classId) },
    { column: enrolments.studentId, type: 'int', values: enrolmentRows.map((r) => r.studentId) },
    { column: enrolments.institutionId, type: 'int', values: enrolmentRows.map((r) => r.institutionId) },
  ]);
  await bulkInsert(tx, guardians, [
    { column: guardians.parentId, type: 'int', values: guardianRows.map((r) => r.parentId) },
    { column: guardians.studentId, type: 'int', values: guardianRows.map((r) => r.studentId) },
  ]);

  // Each populated school's bells for the shifts its classes study in, so a director's timetable starts from
  // real periods: six per shift, 45 minutes with 10-minute breaks (the third shift 40 and 5, to end by 22:30).
  const bellRows: (typeof bellPeriods.$inferInsert)[] = [];
  const belled = new Set<string>();
  for (const row of classRows) {
    const key = `${row.institutionId}/${row.shift}`;
    if (belled.has(key)) continue;
    belled.add(key);
    const { first, length, pause } = SHIFT_BELLS[row.shift! - 1]!;
    for (let period = 1; period <= 6; period++) {
      const startMinute = first + (period - 1) * (length + pause);
      bellRows.push({
        institutionId: row.institutionId,
        academicYearId: yearId,
        shift: row.shift!,
        period,
        startMinute,
        endMinute: startMinute + length,
      });
    }
  }
  await bulkInsert(tx, bellPeriods, [
    { column: bellPeriods.institutionId, type: 'int', values: bellRows.map((r) => r.institutionId) },
    { column: bellPeriods.academicYearId, type: 'int', values: bellRows.map((r) => r.academicYearId) },
    { column: bellPeriods.shift, type: 'int', values: bellRows.map((r) => r.shift) },
    { column: bellPeriods.period, type: 'int', values: bellRows.map((r) => r.period) },
    { column: bellPeriods.startMinute, type: 'int', values: bellRows.map((r) => r.startMinute) },
    { column: bellPeriods.endMinute, type: 'int', values: bellRows.map((r) => r.endMinute) },
  ]);
  return people.length;
}

/**
 * The demo's school life (src/seed/school-life.ts) as of the platform clock's date: the demo accounts'
 * school, class (and `student6`'s class) and area, and the named accounts' ids, looked up by their natural keys.
 */
async function writeSchoolLife(
  tx: Db,
  plan: SeedPlan,
  loaded: LoadedPack,
  seedNumber: number,
): Promise<SchoolLifeSummary> {
  // The demo is made as of the start of the school's day, so that the same seed on the same date gives the
  // same rows whatever the hour.
  const today = schoolToday(now());
  const at = new Date(`${today}T00:00:00+04:00`);
  const named = await rows<{ id: number; username: string }>(
    tx,
    sql`select id, username from identity_user
        where username = any(${`{${DEMO_ACCOUNTS.map((a) => a.username).join(',')}}`}::text[])`,
  );
  const accounts = new Map(named.map((r) => [r.username, r.id]));
  const [place] = await rows<{ institutionId: number; classId: number }>(
    tx,
    sql`select e.institution_id as "institutionId", e.class_id as "classId" from classroom_enrolment e
        where e.student_id = ${accounts.get('student')!}`,
  );
  const [second] = await rows<{ classId: number }>(
    tx,
    sql`select class_id as "classId" from classroom_enrolment where student_id = ${accounts.get('student6') ?? 0}`,
  );
  return seedSchoolLife(tx, {
    seed: seedNumber,
    academicYearId: loaded.currentAcademicYearId!,
    today,
    now: at,
    demoSchoolId: place!.institutionId,
    demoClassId: place!.classId,
    secondClassId: second?.classId ?? null,
    demoAreaId: loaded.areaIds.get(plan.regionArea)!,
    accounts,
  });
}

/** Bells of the first, second and third shift: start (minutes after midnight), lesson and break lengths. */
const SHIFT_BELLS = [
  { first: 8 * 60, length: 45, pause: 10 },
  { first: 13 * 60 + 30, length: 45, pause: 10 },
  { first: 18 * 60, length: 40, pause: 5 },
];

function refuseIfData(existing: { areas: number; institutions: number; users: number }): void {
  if (existing.areas + existing.institutions + existing.users > 0) {
    throw new SeedRefused(
      `refusing to seed: the database already holds data (${existing.areas} areas, ${existing.institutions} institutions, ` +
        `${existing.users} accounts). The seed only fills an empty database: point DATA_DIR or DATABASE_URL at a new one.`,
    );
  }
}

/** Loads (or updates) only the country pack: what production gets, and how a pack update is applied. */
export async function loadPackOnly(
  database: Database,
  packDir: string = DEFAULT_PACK_DIR,
): Promise<LoadedPack> {
  const pack = await readCountryPack(packDir);
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    return loadCountryPack(tx, pack);
  });
}

/** One line describing a seed run, for logs and the command line. */
export function describeSeed(s: SeedSummary): string {
  const n = (x: number) => x.toLocaleString('en');
  return (
    `seeded ${s.scale} (seed ${s.seed}) in ${(s.ms / 1000).toFixed(1)} s: ${n(s.areas)} areas, ${n(s.institutions)} institutions ` +
    `(${n(s.aggregateStudents)} students and ${n(s.aggregateTeachers)} teachers in their counts), ${n(s.classes)} classes, ` +
    `${n(s.users)} accounts (${n(s.students)} students, ${n(s.teachers)} teachers, ${n(s.parents)} parents)` +
    (s.library ? `; ${describeLibrary(s.library)}` : '') +
    (s.schoolLife ? `; ${describeSchoolLife(s.schoolLife)}` : '')
  );
}

/**
 * Fills an empty database at start. An empty one has no areas: production gets only the country pack; any
 * other environment the demo country with seed 1 and the demo accounts, unless accounts or institutions
 * were made before the first start (then only the pack, since the seed fills only empty databases).
 */
export async function seedIfEmpty(
  database: Database,
  options: {
    production: boolean;
    log: (message: string) => void;
    packDir?: string;
    library?: LibrarySeedOptions;
    /**
     * Make the library's renditions now, before returning: a demo prepared once and copied (the tests' cache)
     * must hold them. A starting server leaves them to its job worker (the default), so it answers at once.
     */
    processLibraryMedia?: boolean;
  },
): Promise<void> {
  const existing = await existingData(database.db);
  if (existing.areas > 0) return;
  const started = performance.now();
  if (options.production || existing.users + existing.institutions > 0) {
    const loaded = await loadPackOnly(database, options.packDir);
    options.log(
      `loaded the country pack (${loaded.counts.areas} areas, ${loaded.counts.subjects} subjects) in ` +
        `${Math.round(performance.now() - started)} ms${options.production ? '' : '; no demo data, the database already holds accounts'}`,
    );
    return;
  }
  let summary: SeedSummary;
  try {
    summary = await seed(database, {
      scale: 'demo',
      seed: 1,
      production: false,
      packDir: options.packDir,
      library: options.library,
      // The server's job worker makes the library's renditions after the start, so it answers at once.
      processLibraryMedia: options.processLibraryMedia ?? false,
    });
  } catch (error) {
    // Another app node got there first and seeded while this one was planning: nothing left to do.
    if (error instanceof SeedRefused && (await existingData(database.db)).areas > 0) return;
    throw error;
  }
  options.log(
    `${describeSeed(summary)}. Demo accounts: ${DEMO_ACCOUNTS.map((a) => a.username).join(', ')} (password "demo")`,
  );
}
