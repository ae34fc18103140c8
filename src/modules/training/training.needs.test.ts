import { feedIctTrained } from '@/modules/infrastructure/ict-trained.store';
import { rows } from '@/server/db/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { ensureSubjects } from '@test/classroom-world';
import { academicYears, grades, levels } from '@/modules/institutions/institutions.tables';
import { users } from '@/modules/identity/identity.tables';
import { classes, subjectTeachers } from '@/modules/classroom/classroom.tables';
import { schoolYears } from '@/modules/infrastructure/infrastructure.tables';
import {
  externalCertificates,
  frameworkAreas,
  frameworks,
  historyRecords,
  schoolLevels,
  teacherLevels,
} from '@/modules/training/training.tables';
import { parseCompleted, shareSeats } from '@/modules/training/training.needs.service';

type Err = {
  error: { code: string; details: { line?: number; column?: string; reason: string; field?: string }[] };
};
interface Row {
  key: string | null;
  areaId: number | null;
  name: string;
  teachers: number;
  assessed: number;
  notAssessed: number;
  below: number[];
}
interface Report {
  by: string;
  areas: { areaId: string; target: number | null }[];
  total: Row;
  groups: Row[];
}
type Figure = { value: number | null; numerator: number; denominator: number };

const LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'].map((code) => ({
  code,
  name: { az: code, ru: code, en: code },
  description: { az: '', ru: '', en: '' },
}));
const text = (s: string) => ({ az: s, ru: s, en: s });
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/**
 * Yearly needs, the history import and the training indicators through the API, on a small world computed by
 * hand: two districts, three schools, six teachers with levels in two areas.
 */
describe('training needs, history and indicators', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let bureau: Session;
  let regional: Session;
  let director: Session;
  let areas: Awaited<ReturnType<typeof createAreas>>;
  let schoolA: number;
  let schoolB: number;
  let schoolC: number;
  let yearId: number;
  const teacher: Record<string, { id: number; username: string }> = {};

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    areas = await createAreas(db);
    schoolA = (await createInstitution(db, areas.district, { code: 'NA1' })).id;
    schoolB = (await createInstitution(db, areas.district, { code: 'NB1' })).id;
    schoolC = (await createInstitution(db, areas.otherDistrict, { code: 'NC1' })).id;
    const [year] = await db
      .insert(academicYears)
      .values({ code: '2026-2027', startsOn: '2026-09-15', endsOn: '2027-06-15', isCurrent: true })
      .returning();
    yearId = year!.id;
    await db.insert(frameworks).values({
      id: 'fw',
      position: 1,
      name: text('Framework'),
      description: text(''),
      levels: LEVELS,
      selfAssessment: true,
    });
    await db.insert(frameworkAreas).values([
      { id: 'fw.1', frameworkId: 'fw', position: 1, name: text('Engagement'), description: text('') },
      { id: 'fw.2', frameworkId: 'fw', position: 2, name: text('Resources'), description: text('') },
    ]);
    await db.insert(levels).values([
      { code: 'primary', position: 1, nameAz: 'İbtidai', nameRu: 'Начальное', nameEn: 'Primary', isced: 1 },
      {
        code: 'basic',
        position: 2,
        nameAz: 'Ümumi orta',
        nameRu: 'Общее среднее',
        nameEn: 'Basic',
        isced: 2,
      },
    ]);
    await db.insert(grades).values([
      { number: 1, levelCode: 'primary' },
      { number: 7, levelCode: 'basic' },
    ]);
    await ensureSubjects(db);
    const people: [string, number, 'female' | 'male' | null][] = [
      ['t1', schoolA, 'female'],
      ['t2', schoolA, 'male'],
      ['t3', schoolA, 'female'],
      ['t4', schoolB, 'male'],
      ['t5', schoolC, 'female'],
      ['t6', schoolC, null],
    ];
    for (const [name, school, sex] of people) {
      const u = await createUserWithRole(db, 'teacher', { institutionId: school }, `needs-${name}`);
      await db.update(users).set({ sex }).where(eq(users.id, u.id));
      teacher[name] = { id: u.id, username: u.username };
    }
    // Levels (A1 = 0 … C2 = 5) in the two areas; t3 has not assessed themself.
    const lv: [string, number, number, number][] = [
      ['t1', schoolA, 1, 3],
      ['t2', schoolA, 3, 0],
      ['t4', schoolB, 0, 0],
      ['t5', schoolC, 1, 2],
      ['t6', schoolC, 5, 5],
    ];
    const perSchool = new Map<string, number>();
    for (const [name, school, l1, l2] of lv) {
      for (const [areaId, level] of [
        ['fw.1', l1],
        ['fw.2', l2],
      ] as const) {
        await db.insert(teacherLevels).values({
          userId: teacher[name]!.id,
          areaId,
          institutionId: school,
          level,
          assessedAt: new Date(),
        });
        const key = `${school}|${areaId}|${level}`;
        perSchool.set(key, (perSchool.get(key) ?? 0) + 1);
      }
    }
    for (const [key, n] of perSchool) {
      const [school, areaId, level] = key.split('|');
      await db
        .insert(schoolLevels)
        .values({ institutionId: Number(school), areaId: areaId!, level: Number(level), teachers: n });
    }
    // What they teach: t1 mathematics in 1A and 7A, t2 physics in 7A, t3 literature in 1A, t5 mathematics in C's 7A.
    const cls = async (school: number, grade: number) =>
      (
        await db
          .insert(classes)
          .values({ institutionId: school, academicYearId: yearId, grade, letter: 'A' })
          .returning()
      )[0]!.id;
    const a1 = await cls(schoolA, 1);
    const a7 = await cls(schoolA, 7);
    const c7 = await cls(schoolC, 7);
    await db.insert(subjectTeachers).values([
      { classId: a1, subjectCode: 'mathematics', teacherId: teacher.t1!.id, institutionId: schoolA },
      { classId: a7, subjectCode: 'mathematics', teacherId: teacher.t1!.id, institutionId: schoolA },
      { classId: a7, subjectCode: 'physics', teacherId: teacher.t2!.id, institutionId: schoolA },
      { classId: a1, subjectCode: 'literature', teacherId: teacher.t3!.id, institutionId: schoolA },
      { classId: c7, subjectCode: 'mathematics', teacherId: teacher.t5!.id, institutionId: schoolC },
    ]);
    const as = async (role: 'bureau' | 'regional' | 'director', scope: object) => {
      const u = await createUserWithRole(db, role, scope);
      return login(t.app, u.username, u.password);
    };
    bureau = await as('bureau', {});
    regional = await as('regional', { areaId: areas.district });
    director = await as('director', { institutionId: schoolA });
  });
  afterAll(async () => t?.close());

  const needs = async (s: Session, query: string) => {
    const res = await s.inject({ method: 'GET', url: `/api/training/needs?${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Report>();
  };

  it('saves the targets at their version and refuses a stale or unknown one', async () => {
    const read = await bureau.inject({ method: 'GET', url: '/api/training/targets' });
    expect(read.json<{ areas: { areaId: string; level: null; version: number }[] }>().areas).toEqual([
      { areaId: 'fw.1', name: 'Engagement', level: null, version: 0 },
      { areaId: 'fw.2', name: 'Resources', level: null, version: 0 },
    ]);
    const save = (targets: object[]) =>
      bureau.inject({ method: 'PUT', url: '/api/training/targets', payload: { year: '2026-2027', targets } });
    const ok = await save([
      { areaId: 'fw.1', level: 2, version: 0 },
      { areaId: 'fw.2', level: 1, version: 0 },
    ]);
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await save([{ areaId: 'fw.1', level: 3, version: 0 }])).statusCode).toBe(409);
    const bad = await save([{ areaId: 'fw.9', level: 9, version: 0 }]);
    expect(bad.statusCode).toBe(422);
    expect(bad.json<Err>().error.details.map((d) => d.reason)).toEqual(['unknown_area', 'unknown_level']);
    expect((await save([{ areaId: 'fw.2', level: 2, version: 1 }])).statusCode).toBe(200);
    const put = await regional.inject({
      method: 'PUT',
      url: '/api/training/targets',
      payload: { year: '2026-2027', targets: [{ areaId: 'fw.2', level: 2, version: 2 }] },
    });
    expect(put.statusCode).toBe(403);
  });

  it('counts teachers below the target for the nation, by district and by school, as worked out by hand', async () => {
    // Targets B1 (2) in both areas. Below in fw.1: t1 (1), t4 (0), t5 (1); in fw.2: t2 (0), t4 (0).
    const nation = await needs(bureau, `by=district`);
    expect(nation.total).toMatchObject({ teachers: 6, assessed: 5, notAssessed: 1, below: [3, 2] });
    const byDistrict = Object.fromEntries(nation.groups.map((g) => [String(g.areaId), g] as const));
    expect(byDistrict[areas.district]).toMatchObject({
      teachers: 4,
      assessed: 3,
      notAssessed: 1,
      below: [2, 2],
    });
    expect(byDistrict[areas.otherDistrict]).toMatchObject({
      teachers: 2,
      assessed: 2,
      notAssessed: 0,
      below: [1, 0],
    });
    // Drill-down: the country's regions, the region's districts, a district's schools.
    expect((await needs(bureau, '')).groups.map((g) => g.areaId)).toEqual([areas.region]);
    const region = await needs(bureau, `areaId=${areas.region}`);
    expect(region.groups.map((g) => g.areaId).sort()).toEqual([areas.district, areas.otherDistrict].sort());
    const schools = await needs(bureau, `areaId=${areas.district}`);
    expect(schools.by).toBe('school');
    expect(schools.groups.map((g) => [g.teachers, g.below])).toEqual(
      expect.arrayContaining([
        [3, [1, 1]],
        [1, [1, 1]],
      ]),
    );
  });

  it('breaks the needs down by subject and by level taught', async () => {
    const subject = await needs(bureau, 'by=subject');
    const s = Object.fromEntries(subject.groups.map((g) => [g.key ?? '', g] as const));
    expect(s.mathematics).toMatchObject({ teachers: 2, notAssessed: 0, below: [2, 0] });
    expect(s.physics).toMatchObject({ teachers: 1, below: [0, 1] });
    expect(s.literature).toMatchObject({ teachers: 1, notAssessed: 1, below: [0, 0] });
    const level = await needs(bureau, 'by=level');
    const l = Object.fromEntries(level.groups.map((g) => [g.key ?? '', g] as const));
    expect(l.primary).toMatchObject({ teachers: 2, notAssessed: 1, below: [1, 0] });
    expect(l.basic).toMatchObject({ teachers: 3, notAssessed: 0, below: [2, 1] });
    expect(level.total.below).toEqual([3, 2]);
  });

  it('shows a regional office only its own area, and nobody a name above the school', async () => {
    const own = await needs(regional, 'by=school');
    expect(own.total).toMatchObject({ teachers: 4, below: [2, 2] });
    const other = await regional.inject({
      method: 'GET',
      url: `/api/training/needs?areaId=${areas.otherDistrict}`,
    });
    expect(other.statusCode).toBe(403);
    expect((await director.inject({ method: 'GET', url: '/api/training/needs' })).statusCode).toBe(403);
    for (const by of ['area', 'district', 'school', 'subject', 'level']) {
      const body = (await bureau.inject({ method: 'GET', url: `/api/training/needs?by=${by}` })).body;
      for (const { username } of Object.values(teacher)) expect(body).not.toContain(username);
    }
  });

  it('is fresh after a change to a level', async () => {
    const before = (await needs(bureau, 'by=district')).total.below;
    const db = t.database.db;
    // t6 drops from C2 to A1 in fw.1: their school's counts move with them.
    await db.execute(
      sql`update training_school_level set teachers = teachers - 1 where institution_id = ${schoolC} and area_id = 'fw.1' and level = 5`,
    );
    await db.insert(schoolLevels).values({ institutionId: schoolC, areaId: 'fw.1', level: 0, teachers: 1 });
    expect((await needs(bureau, 'by=district')).total.below).toEqual([before[0]! + 1, before[1]]);
    await db.execute(
      sql`delete from training_school_level where institution_id = ${schoolC} and area_id = 'fw.1' and level = 0`,
    );
    await db.execute(
      sql`update training_school_level set teachers = teachers + 1 where institution_id = ${schoolC} and area_id = 'fw.1' and level = 5`,
    );
    // A new teacher at a school, not yet assessed: counted among its teachers at once.
    const teachersBefore = (await needs(bureau, 'by=district')).total.teachers;
    const newcomer = await createUserWithRole(db, 'teacher', { institutionId: schoolC });
    const after = (await needs(bureau, 'by=district')).total;
    expect(after.teachers).toBe(teachersBefore + 1);
    expect(after.notAssessed).toBe(before.length > 0 ? after.teachers - after.assessed : 0);
    await db.execute(sql`delete from identity_role_grant where user_id = ${newcomer.id}`);
    expect((await needs(bureau, 'by=district')).total.teachers).toBe(teachersBefore);
  });

  it('exports the report with headers in the caller’s language', async () => {
    const csv = await bureau.inject({
      method: 'GET',
      url: '/api/training/needs/export?by=district&format=csv',
      headers: { 'accept-language': 'ru' },
    });
    expect(csv.statusCode).toBe(200);
    // The bureau's account speaks Azerbaijani (its setting comes before the browser's language).
    expect(csv.body.split('\r\n')[0]).toBe(
      '\uFEFFQrup,Müəllimlər,Özünü qiymətləndirib,Qiymətləndirməyib,Hədəfdən aşağı: Engagement,Hədəfdən aşağı: Resources',
    );
    const xlsx = await bureau.inject({ method: 'GET', url: '/api/training/needs/export?format=xlsx' });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets[0]!.getRow(1).getCell(2).value).toBe('Müəllimlər');
  });

  it('proposes seats per district in proportion to the teachers below, within seats and budget', async () => {
    expect(shareSeats([2, 1], 2)).toEqual([1, 1]);
    expect(shareSeats([5, 3, 2], 7)).toEqual([4, 2, 1]);
    expect(shareSeats([0, 0], 5)).toEqual([0, 0]);
    const res = await bureau.inject({ method: 'GET', url: '/api/training/needs/proposal?area=fw.1&seats=2' });
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json<{
      below: number;
      seats: number;
      limitedBy: string;
      districts: { areaId: number; below: number; seats: number }[];
      planLink: string;
    }>();
    expect(p).toMatchObject({ below: 3, seats: 2, limitedBy: 'seats' });
    expect(Object.fromEntries(p.districts.map((d) => [d.areaId, [d.below, d.seats]]))).toEqual({
      [areas.district]: [2, 1],
      [areas.otherDistrict]: [1, 1],
    });
    expect(p.planLink).toBe(
      `/training/programmes?framework=fw&area=fw.1&belowLevel=2&year=2026-2027&seats=${encodeURIComponent(
        `${areas.district}:1,${areas.otherDistrict}:1`,
      )}`,
    );
    const budget = await bureau.inject({
      method: 'GET',
      url: '/api/training/needs/proposal?area=fw.1&belowLevel=6&budget=100&costPerSeat=40',
    });
    expect(budget.statusCode).toBe(422);
    const cheap = await bureau.inject({
      method: 'GET',
      url: '/api/training/needs/proposal?area=fw.1&budget=100&costPerSeat=40',
    });
    expect(cheap.json()).toMatchObject({ seats: 2, limitedBy: 'budget', cost: 80 });
  });

  it('reads a completion day, a dotted day or a year', () => {
    expect(parseCompleted('2015-05-20', '2026-12-07')).toBe('2015-05-20');
    expect(parseCompleted('20.05.2015', '2026-12-07')).toBe('2015-05-20');
    expect(parseCompleted('2006', '2026-12-07')).toBe('2006-07-01');
    expect(parseCompleted('2015-02-30', '2026-12-07')).toBeNull();
    expect(parseCompleted('2027-01-01', '2026-12-07')).toBeNull();
    expect(parseCompleted('1980', '2026-12-07')).toBeNull();
  });

  const upload = (s: Session, body: string, query = '') =>
    s.inject({
      method: 'POST',
      url: `/api/training/history/import?${query}`,
      headers: { 'content-type': 'text/csv', 'accept-language': 'az' },
      payload: Buffer.from(body, 'utf8'),
    });
  const count = async () =>
    (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(historyRecords))[0]!.n;

  it('imports a history file all or nothing, naming the line and column of each problem', async () => {
    const header =
      'Məktəbin kodu,Şəxs,Cins,Tədris etdiyi səviyyə,Proqram,Təşkilatçı,Başa çatdığı tarix,Saat,İKT təlimi,İstifadəçi adı';
    const bad = [
      header,
      'NA1,Aysel Məmmədova,qadın,1,Intel Teach,Intel,2006,40,bəli,',
      'NX9,Rauf Həsənov,kişi,basic,ECDL,ECDL,2015-02-30,,bəli,',
      'NB1,Kim,x,9,ECDL,,2015,2000,maybe,nobody',
    ].join('\n');
    const checked = await upload(bureau, bad, 'dryRun=true');
    expect(checked.statusCode, checked.body).toBe(200);
    const report = checked.json<{
      valid: boolean;
      problems: { line: number; column: string; reason: string; message: string }[];
    }>();
    expect(report.valid).toBe(false);
    expect(report.problems.map((p) => [p.line, p.column, p.reason])).toEqual([
      [3, 'Məktəbin kodu', 'unknown_school'],
      [3, 'Başa çatdığı tarix', 'bad_date'],
      [4, 'Cins', 'bad_sex'],
      [4, 'Tədris etdiyi səviyyə', 'bad_level'],
      [4, 'Saat', 'bad_hours'],
      [4, 'İKT təlimi', 'bad_ict'],
      [4, 'İstifadəçi adı', 'unknown_user'],
    ]);
    expect(report.problems[0]!.message).toBe('Sətir 3, Məktəbin kodu: bu kodla məktəb yoxdur');
    const refused = await upload(bureau, bad);
    expect(refused.statusCode).toBe(422);
    expect(refused.json<Err>().error.details[0]).toMatchObject({ line: 3, column: 'Məktəbin kodu' });
    expect(await count()).toBe(0);
    const missing = await upload(bureau, 'school_code,person_name\nNA1,X');
    expect(missing.json<Err>().error.details.map((d) => [d.line, d.reason])).toEqual([
      [1, 'column_missing'],
      [1, 'column_missing'],
    ]);
    expect((await upload(director, bad)).statusCode).toBe(403);
  });

  it('imports a good file in English headers, lists it and deletes it whole', async () => {
    const good = [
      'school_code,person_name,sex,level,programme,provider,completed,hours,ict,username',
      `NA1,T2,male,basic,ECDL,ECDL,2015-06-01,40,yes,${teacher.t2!.username}`,
      'NB1,Old Teacher,female,1,Intel Teach,Intel,2006,,yes,',
      `NB1,New Person,male,,Pedagogy,Institute,${daysAgo(60)},,no,`,
    ].join('\n');
    const res = await upload(bureau, good, 'name=archive.csv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ valid: true, rows: 3, linked: 1 });
    expect(await count()).toBe(3);
    const list = (await bureau.inject({ method: 'GET', url: '/api/training/history/imports' })).json<{
      items: { id: number; fileName: string; rows: number; firstOn: string }[];
    }>();
    expect(list.items[0]).toMatchObject({ fileName: 'archive.csv', rows: 3, firstOn: '2006-07-01' });
    // A throw-away second file, deleted whole.
    const second = await upload(bureau, good, 'name=again.csv');
    const id = second.json<{ importId: number }>().importId;
    const del = await bureau.inject({ method: 'DELETE', url: `/api/training/history/imports/${id}` });
    expect(del.json()).toEqual({ deleted: 3 });
    expect(await count()).toBe(3);
    const template = await bureau.inject({
      method: 'GET',
      url: '/api/training/history/template?format=csv',
      headers: { 'accept-language': 'en' },
    });
    expect(template.body.split('\r\n')[0]).toBe(
      '\uFEFFMəktəbin kodu,Şəxs,Cins,Tədris etdiyi səviyyə,Proqram,Təşkilatçı,Başa çatdığı tarix,Saat,İKT təlimi,İstifadəçi adı',
    );
  });

  it('computes ED38 and SDG 4.c.7 by district, sex and ISCED level as worked out by hand', async () => {
    const db = t.database.db;
    // School A's registry record: 10 teachers, 4 ICT-trained (its records replace the 4).
    await db
      .insert(schoolYears)
      .values({ institutionId: schoolA, academicYearId: yearId, teachers: 10, teachersIctTrained: 4 });
    await db.insert(externalCertificates).values([
      {
        userId: teacher.t1!.id,
        institutionId: schoolA,
        kind: 'ecdl',
        title: 'ECDL',
        provider: 'ECDL',
        issuedOn: daysAgo(200),
        status: 'verified',
      },
      {
        userId: teacher.t4!.id,
        institutionId: schoolB,
        kind: 'icdl',
        title: 'ICDL',
        provider: 'ICDL',
        issuedOn: daysAgo(400),
        status: 'verified',
      },
      {
        userId: teacher.t5!.id,
        institutionId: schoolC,
        kind: 'intel',
        title: 'Intel',
        provider: 'Intel',
        issuedOn: daysAgo(10),
        status: 'submitted',
      },
    ]);
    const res = await bureau.inject({ method: 'GET', url: '/api/training/indicators?by=district' });
    expect(res.statusCode, res.body).toBe(200);
    const x = res.json<{
      total: { teachers: number; ictTrained: Figure; trainedLast12Months: Figure; ictTrainedPersons: number };
      groups: { areaId: number; ictTrained: Figure; trainedLast12Months: Figure }[];
      breakdowns: {
        dimension: string;
        key: string | null;
        teachers: number;
        ictTrained: Figure;
        trainedLast12Months: Figure;
        unlinkedIct: number;
        unlinkedTrained12: number;
      }[];
      byYear: { year: number; persons: number }[];
    }>();
    // A: records t1, t2 (ICT) of 10 registry teachers; B: Old Teacher and t4 (ICT) of 1 teacher, New Person
    // (not ICT) in the last 12 months; C: nothing (t5's certificate is not verified) of 2 teachers.
    expect(x.total).toMatchObject({
      teachers: 13,
      ictTrainedPersons: 4,
      ictTrained: { numerator: 3, denominator: 13, value: 0.2308 },
      trainedLast12Months: { numerator: 2, denominator: 13 },
    });
    const d = Object.fromEntries(x.groups.map((g) => [g.areaId, g]));
    expect(d[areas.district]!.ictTrained).toMatchObject({ numerator: 3, denominator: 11 });
    expect(d[areas.otherDistrict]!.ictTrained).toMatchObject({ numerator: 0, denominator: 2 });
    const b = (dimension: string, key: string | null) =>
      x.breakdowns.find((r) => r.dimension === dimension && r.key === key)!;
    expect(b('sex', 'female')).toMatchObject({
      teachers: 3,
      ictTrained: { numerator: 1 },
      trainedLast12Months: { numerator: 1 },
      unlinkedIct: 1,
      unlinkedTrained12: 0,
    });
    expect(b('sex', 'male')).toMatchObject({
      teachers: 2,
      ictTrained: { numerator: 2 },
      trainedLast12Months: { numerator: 0 },
      unlinkedIct: 0,
      unlinkedTrained12: 1,
    });
    expect(b('sex', null)).toMatchObject({ teachers: 1, ictTrained: { numerator: 0 } });
    expect(b('isced', '1')).toMatchObject({
      teachers: 2,
      ictTrained: { numerator: 1 },
      trainedLast12Months: { numerator: 1 },
      unlinkedIct: 1,
    });
    expect(b('isced', '2')).toMatchObject({
      teachers: 3,
      ictTrained: { numerator: 2 },
      trainedLast12Months: { numerator: 1 },
    });
    expect(b('isced', null)).toMatchObject({
      teachers: 2,
      ictTrained: { numerator: 1 },
      unlinkedTrained12: 1,
    });
    const thisYear = Number(daysAgo(200).slice(0, 4));
    expect(x.byYear.find((y) => y.year === 2006)?.persons).toBe(1);
    expect(x.byYear.find((y) => y.year === 2015)?.persons).toBe(1);
    expect(x.byYear.find((y) => y.year === thisYear)?.persons).toBeGreaterThanOrEqual(1);
    // Open data: the same figures to anyone, as CSV too; a regional office sees only its own area.
    const open = await t.app.inject({ method: 'GET', url: '/api/training/open/indicators?format=csv' });
    expect(open.statusCode).toBe(200);
    expect(open.body).toContain('total');
    expect(open.body).toContain('ed38.ictTrainedTeachers');
    const own = await regional.inject({ method: 'GET', url: '/api/training/indicators' });
    expect(own.json<{ total: { teachers: number } }>().total.teachers).toBe(11);
  });

  it('gives the registry form the school’s count of people with ICT training records', async () => {
    const res = await director.inject({ method: 'GET', url: `/api/training/schools/${schoolA}/ict-trained` });
    expect(res.json()).toEqual({ institutionId: schoolA, teachers: 2 });
    expect(
      (await director.inject({ method: 'GET', url: `/api/training/schools/${schoolC}/ict-trained` }))
        .statusCode,
    ).toBe(403);
  });

  it("feeds the registry's ICT-trained count from the records, where a school has them", async () => {
    const db = t.database.db;
    const url = `/api/institutions/${schoolA}/registry/${yearId}`;
    type Record = {
      version: number;
      teachers: number | null;
      teachersIctTrained: number | null;
      ictTrainedFromRecords: number | null;
    };
    // School A's director reported 4 of 10; its records give 2 people.
    const before = (await director.inject({ url })).json<Record>();
    expect(before).toMatchObject({ teachers: 10, ictTrainedFromRecords: 2, teachersIctTrained: 2 });
    expect(await feedIctTrained(db, null)).toContain(schoolA);
    // Nothing silent: the audit log keeps what the school had reported, and what the records gave.
    const [entry] = await rows<{ before: unknown; after: unknown; actorId: number | null }>(
      db,
      sql`select before, after, actor_id as "actorId" from identity_audit
          where entity = 'registry_school_year' and action = 'feed' and entity_id = ${`${schoolA}/${yearId}`}`,
    );
    expect(entry).toEqual({
      before: { teachersIctTrained: 4 },
      after: { teachersIctTrained: 2 },
      actorId: null,
    });
    const fed = (await director.inject({ url })).json<Record>();
    expect(fed.teachersIctTrained).toBe(2);
    // Written once: the saved record's version moved, and feeding again changes nothing.
    expect(fed.version).toBe(before.version + 1);
    expect(await feedIctTrained(db, [schoolA])).toEqual([]);
    // What the form sends for it is replaced by the records' count, never above the teachers.
    const body = {
      version: fed.version,
      teachers: 1,
      teachersIctTrained: 7,
      classrooms: null,
      hasComputerLab: null,
      electricity: null,
      electricitySource: null,
      electricityHours: null,
      pupilsInternet: null,
      students: [],
      links: [],
      deviceCounts: [],
      participations: [],
    };
    const saved = await director.inject({ method: 'PUT', url: `${url}/draft`, payload: body });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json<Record>()).toMatchObject({ teachers: 1, teachersIctTrained: 1 });
    const again = await director.inject({
      method: 'PUT',
      url: `${url}/draft`,
      payload: { ...body, version: saved.json<Record>().version, teachers: 10, teachersIctTrained: null },
    });
    expect(again.json<Record>()).toMatchObject({ teachers: 10, teachersIctTrained: 2 });
  });
});
