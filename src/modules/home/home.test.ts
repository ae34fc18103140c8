import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole, linkParent } from '@test/factories';
import type { Db } from '@/server/db/database';
import { academicYears } from '@/modules/institutions/institutions.tables';
import { classes, enrolments } from '@/modules/classroom/classroom.tables';
import type {
  AdminSummary,
  BureauSummary,
  ParentSummary,
  StudentSummary,
  TeacherSummary,
} from '@/modules/home/home.schema';

async function createYear(db: Db, code: string, isCurrent: boolean): Promise<number> {
  const [row] = await db
    .insert(academicYears)
    .values({ code, startsOn: `${code.slice(0, 4)}-09-15`, endsOn: `${code.slice(5)}-06-15`, isCurrent })
    .returning();
  return row!.id;
}

async function createClass(
  db: Db,
  values: { institutionId: number; academicYearId: number; grade: number; letter: string; teacherId: number },
): Promise<number> {
  const [row] = await db
    .insert(classes)
    .values({ ...values, homeroomTeacherId: values.teacherId, shift: 2, language: 'az' })
    .returning();
  return row!.id;
}

describe('role homes', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let ids: Awaited<ReturnType<typeof createAreas>>;
  let school: { id: number; nameEn: string };
  let otherSchool: { id: number };
  let thisYear: number;
  let lastYear: number;

  beforeAll(async () => {
    t = await createTestApp();
    ids = await createAreas(t.database.db);
    school = await createInstitution(t.database.db, ids.district);
    otherSchool = await createInstitution(t.database.db, ids.otherDistrict);
    lastYear = await createYear(t.database.db, '2025-2026', false);
    thisYear = await createYear(t.database.db, '2026-2027', true);
  });
  afterAll(() => t.close());

  it('gives the administrator counts, and refuses everyone else', async () => {
    const admin = await createUserWithRole(t.database.db, 'admin');
    const s = await login(t.app, admin.username, admin.password);
    const res = await s.inject({ method: 'GET', url: '/api/home/admin' });
    expect(res.statusCode).toBe(200);
    const body = res.json<AdminSummary>();
    expect(body.institutions).toBeGreaterThanOrEqual(2);
    expect(body.users).toBeGreaterThanOrEqual(1);
    expect(body.areas).toBeGreaterThanOrEqual(4);

    expect((await t.app.inject({ method: 'GET', url: '/api/home/admin' })).statusCode).toBe(401);
    const editor = await createUserWithRole(t.database.db, 'editor');
    const e = await login(t.app, editor.username, editor.password);
    expect((await e.inject({ method: 'GET', url: '/api/home/admin' })).statusCode).toBe(403);
  });

  it('gives the bureau institutions per economic region, and no people', async () => {
    const student = await createUserWithRole(t.database.db, 'student', { institutionId: school.id });
    const bureau = await createUserWithRole(t.database.db, 'bureau');
    const s = await login(t.app, bureau.username, bureau.password);
    const res = await s.inject({ method: 'GET', url: '/api/home/bureau' });
    expect(res.statusCode).toBe(200);
    const body = res.json<BureauSummary>();
    const region = body.regions.find((r) => r.areaId === ids.region);
    // Both schools sit in districts under the one region.
    expect(region?.institutions).toBeGreaterThanOrEqual(2);
    expect(body.total).toBeGreaterThanOrEqual(region!.institutions);
    expect(res.body).not.toContain(student.username);

    const teacher = await createUserWithRole(t.database.db, 'teacher', { institutionId: school.id });
    const tt = await login(t.app, teacher.username, teacher.password);
    expect((await tt.inject({ method: 'GET', url: '/api/home/bureau' })).statusCode).toBe(403);
  });

  it("shows a teacher this year's classes they lead, with student counts", async () => {
    const db = t.database.db;
    const teacher = await createUserWithRole(db, 'teacher', { institutionId: school.id });
    const colleague = await createUserWithRole(db, 'teacher', { institutionId: school.id });
    const mine = await createClass(db, {
      institutionId: school.id,
      academicYearId: thisYear,
      grade: 7,
      letter: 'A',
      teacherId: teacher.id,
    });
    await createClass(db, {
      institutionId: school.id,
      academicYearId: lastYear,
      grade: 6,
      letter: 'A',
      teacherId: teacher.id,
    });
    await createClass(db, {
      institutionId: school.id,
      academicYearId: thisYear,
      grade: 7,
      letter: 'B',
      teacherId: colleague.id,
    });
    for (let i = 0; i < 3; i++) {
      const st = await createUserWithRole(db, 'student', { institutionId: school.id });
      await db.insert(enrolments).values({ classId: mine, studentId: st.id, institutionId: school.id });
    }
    const s = await login(t.app, teacher.username, teacher.password);
    const res = await s.inject({ method: 'GET', url: '/api/home/teacher' });
    expect(res.statusCode).toBe(200);
    const body = res.json<TeacherSummary>();
    expect(body.schools.map((x) => x.id)).toEqual([school.id]);
    expect(body.classes).toEqual([
      expect.objectContaining({ id: mine, grade: 7, letter: 'A', students: 3, academicYear: '2026-2027' }),
    ]);
  });

  it('shows a student their class and its homeroom teacher, and a parent only their own children', async () => {
    const db = t.database.db;
    const teacher = await createUserWithRole(db, 'teacher', { institutionId: otherSchool.id });
    const classId = await createClass(db, {
      institutionId: otherSchool.id,
      academicYearId: thisYear,
      grade: 3,
      letter: 'C',
      teacherId: teacher.id,
    });
    const child = await createUserWithRole(db, 'student', { institutionId: otherSchool.id });
    const stranger = await createUserWithRole(db, 'student', { institutionId: otherSchool.id });
    for (const st of [child, stranger]) {
      await db.insert(enrolments).values({ classId, studentId: st.id, institutionId: otherSchool.id });
    }

    const s = await login(t.app, child.username, child.password);
    const own = (await s.inject({ method: 'GET', url: '/api/home/student' })).json<StudentSummary>();
    expect(own.classes).toEqual([
      expect.objectContaining({
        id: classId,
        grade: 3,
        letter: 'C',
        homeroomTeacher: teacher.displayName,
        institution: expect.objectContaining({ id: otherSchool.id }) as unknown,
      }),
    ]);

    const parent = await createUserWithRole(db, 'parent');
    await linkParent(db, parent.id, child.id);
    const p = await login(t.app, parent.username, parent.password);
    const res = await p.inject({ method: 'GET', url: '/api/home/parent' });
    expect(res.statusCode).toBe(200);
    const body = res.json<ParentSummary>();
    expect(body.children).toEqual([
      expect.objectContaining({
        id: child.id,
        displayName: child.displayName,
        classes: [expect.objectContaining({ id: classId })],
      }),
    ]);
    expect(res.body).not.toContain(stranger.username);
    expect((await p.inject({ method: 'GET', url: '/api/home/student' })).statusCode).toBe(403);
  });
});
