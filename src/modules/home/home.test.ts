import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { startTestClock } from '@test/school-clock';
import { actorOf, bells, classroomSchool, type ClassroomSchool } from '@test/classroom-world';
import { journalReference } from '@test/journal-world';
import { ensureGradingScale } from '@test/assignments-world';
import { createAllocationWorld } from '@test/allocation-world';
import { createAreas, createInstitution, createUserWithRole, linkParent } from '@test/factories';
import type { Db } from '@/server/db/database';
import { academicYears } from '@/modules/institutions/institutions.tables';
import { classes, enrolments } from '@/modules/classroom/classroom.tables';
import * as classroom from '@/modules/classroom/classroom.service';
import { addDays, schoolToday } from '@/modules/classroom/classroom.service';
import * as assignments from '@/modules/assignments/assignments.service';
import * as councils from '@/modules/councils/councils.service';
import { recordMeasurement } from '@/modules/infrastructure/infrastructure.service';
import { schoolYears } from '@/modules/infrastructure/infrastructure.tables';
import { findInstitution } from '@/modules/institutions/institutions.store';
import type {
  AdminSummary,
  AreaDay,
  BureauSummary,
  DirectorDay,
  ParentSummary,
  StudentSummary,
  TeacherSummary,
} from '@/modules/home/home.schema';
import { nowMs } from '@/server/clock';

// A school Wednesday at 10 (TEST_CLOCK in CI's other days): today's lessons have begun whatever the real hour.
startTestClock();

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

describe("each role's day", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let w: ClassroomSchool;
  let a7: number;
  let parent: Session;
  let mathToday: number;
  let physicsToday: number;
  let assignmentId: number;
  const today = schoolToday();
  const as = (u: { username: string }) => login(t.app, u.username, 'password-1');

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    w = await classroomSchool(db);
    await journalReference(db, { id: w.yearId, startsOn: w.yearStartsOn, endsOn: w.yearEndsOn });
    await ensureGradingScale(db);
    const dir = actorOf(w.director.id, 'director', w.schoolId);
    const ctx = { actorId: w.director.id, ip: null };
    // Bells from midnight, so that today's first periods have started whenever the test runs.
    await classroom.setBellSchedule(db, dir, ctx, w.schoolId, 1, bells(w.yearId, 0), 'en');
    a7 = (
      await classroom.createClass(
        db,
        dir,
        ctx,
        w.schoolId,
        {
          academicYearId: w.yearId,
          grade: 7,
          letter: 'A',
          language: 'az',
          shift: 1,
          homeroomTeacherId: null,
        },
        'en',
      )
    ).id;
    for (const s of w.students.slice(0, 2)) await classroom.enrolStudent(db, dir, ctx, a7, s.id, 'en');
    await classroom.setSubjectTeacher(db, dir, ctx, a7, 'mathematics', w.teachers[0]!.id, 'en');
    await classroom.setSubjectTeacher(db, dir, ctx, a7, 'physics', w.teachers[1]!.id, 'en');
    for (let weekday = 1; weekday <= 7; weekday++) {
      await classroom.addEntry(
        db,
        dir,
        ctx,
        a7,
        { weekday, period: 1, subjectCode: 'mathematics', teacherId: w.teachers[0]!.id, room: null },
        'en',
      );
      await classroom.addEntry(
        db,
        dir,
        ctx,
        a7,
        { weekday, period: 2, subjectCode: 'physics', teacherId: w.teachers[1]!.id, room: null },
        'en',
      );
    }
    await classroom.generateLessons(
      db,
      dir,
      ctx,
      w.schoolId,
      { academicYearId: w.yearId, from: addDays(today, -7), to: addDays(today, 7) },
      'en',
    );
    const lessons = (await classroom.classLessons(db, dir, a7, today, today, 'en')).items;
    mathToday = lessons.find((l) => l.subjectCode === 'mathematics')!.id;
    physicsToday = lessons.find((l) => l.subjectCode === 'physics')!.id;
    const mathTeacher = actorOf(w.teachers[0]!.id, 'teacher', w.schoolId);
    await classroom.saveLesson(
      db,
      mathTeacher,
      ctx,
      mathToday,
      {
        version: 1,
        topic: 'Kəsrlər',
        homework: 'Səh. 12',
        meetingUrl: 'https://meet.example.org/7a',
        materials: [],
      },
      'en',
    );
    const due = new Date(nowMs() + 3 * 86_400_000).toISOString();
    assignmentId = (
      await assignments.createAssignment(
        db,
        mathTeacher,
        ctx,
        a7,
        {
          subjectCode: 'mathematics',
          title: 'Kəsrlər üzrə tapşırıq',
          instructions: null,
          kind: 'individual',
          dueAt: due,
        },
        'en',
      )
    ).id;
    // The second student hands in: one piece of work waits for the teacher's mark.
    await assignments.submit(
      db,
      actorOf(w.students[1]!.id, 'student', w.schoolId),
      ctx,
      assignmentId,
      { text: 'Hazırdır', fileIds: [] },
      'en',
    );
    // Mathematics attendance taken (the first student absent, with a mark for the second); physics not yet.
    const teacher = await as(w.teachers[0]!);
    const key = `l${mathToday}`;
    const saved = await teacher.inject({
      method: 'POST',
      url: `/api/journal/classes/${a7}/subjects/mathematics/entries`,
      payload: {
        term: 'half_1',
        entries: [
          { studentId: w.students[0]!.id, key, attendance: { code: 'absent' }, baseVersion: 0 },
          {
            studentId: w.students[1]!.id,
            key,
            attendance: { code: 'present' },
            mark: { value: 5 },
            baseVersion: 0,
          },
        ],
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);

    const parentUser = await createUserWithRole(db, 'parent');
    await linkParent(db, parentUser.id, w.students[0]!.id);
    parent = await login(t.app, parentUser.username, parentUser.password);

    // A council decision due in a week, and one due in a month (not shown yet).
    const meeting = await councils.createMeeting(db, dir, ctx, w.schoolId, { heldOn: today, title: 'Şura' });
    for (const [text, days] of [
      ['Kabineti yeniləmək', 7],
      ['Hesabat hazırlamaq', 40],
    ] as const)
      await councils.addDecision(db, dir, ctx, 'en', meeting.id, {
        text,
        ownerId: w.teachers[0]!.id,
        dueOn: addDays(today, days),
      });
  });
  afterAll(() => t.close());

  it('shows a student today and the week, with topic, link, homework due, marks and notices', async () => {
    const s = await as(w.students[1]!);
    const res = await s.inject({ method: 'GET', url: '/api/home/student' });
    expect(res.statusCode, res.body).toBe(200);
    const { day } = res.json<StudentSummary>();
    expect(day.today).toBe(today);
    expect(day.lessons.length).toBeGreaterThanOrEqual(2);
    expect(day.lessons.every((l) => l.date >= day.from && l.date <= day.to)).toBe(true);
    expect(day.lessons.find((l) => l.id === mathToday)).toMatchObject({
      topic: 'Kəsrlər',
      meetingUrl: 'https://meet.example.org/7a',
      subject: 'Riyaziyyat',
    });
    expect(day.marks).toEqual([{ date: today, subject: 'Riyaziyyat', mark: 5 }]);
    // Handed in: no longer due. The classmate who did not hand in has it due.
    expect(day.homework).toEqual([]);
    const other = (
      await (await as(w.students[0]!)).inject({ url: '/api/home/student' })
    ).json<StudentSummary>();
    expect(other.day.homework).toEqual([
      expect.objectContaining({ id: assignmentId, subject: 'Riyaziyyat' }),
    ]);
    expect(other.day.notices.unread).toBeGreaterThanOrEqual(1);
    expect(other.day.marks).toEqual([]);
  });

  it("shows a teacher today's lessons, attendance not taken and work to mark", async () => {
    const maths = (
      await (await as(w.teachers[0]!)).inject({ url: '/api/home/teacher' })
    ).json<TeacherSummary>();
    expect(maths.day.lessons.map((l) => l.id)).toEqual([mathToday]);
    expect(maths.day.lessons[0]).toMatchObject({ className: '7A', topic: 'Kəsrlər' });
    expect(maths.day.attendanceMissing).toEqual([]);
    expect(maths.day.toMark).toEqual([
      expect.objectContaining({ id: assignmentId, className: '7A', subject: 'Riyaziyyat', waiting: 1 }),
    ]);
    expect(maths.day.week).toHaveLength(7);
    expect(maths.day.week.find((d) => d.date === today)).toEqual({ date: today, lessons: 1, filled: 1 });

    const physics = (
      await (await as(w.teachers[1]!)).inject({ url: '/api/home/teacher' })
    ).json<TeacherSummary>();
    expect(physics.day.attendanceMissing).toEqual([
      expect.objectContaining({
        lessonId: physicsToday,
        classId: a7,
        subjectCode: 'physics',
        className: '7A',
      }),
    ]);
    expect(physics.day.toMark).toEqual([]);
  });

  it("shows a parent only their own child's day, week and homework", async () => {
    const res = await parent.inject({ url: '/api/home/parent' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<ParentSummary>();
    expect(body.children.map((c) => c.id)).toEqual([w.students[0]!.id]);
    const { day } = body.children[0]!;
    expect(day.lessons.map((l) => l.id).sort()).toEqual([mathToday, physicsToday].sort());
    expect(day.attendance.recorded).toBe(1);
    expect(day.attendance.present).toBe(0);
    expect(day.attendance.missed).toEqual([
      { date: today, subject: 'Riyaziyyat', code: expect.any(String) as unknown },
    ]);
    expect(day.marks).toEqual([]);
    expect(day.homework.map((h) => h.id)).toEqual([assignmentId]);
    // The classmate's mark and name are not in the answer.
    expect(res.body).not.toContain(w.students[1]!.username);
    expect((await parent.inject({ url: '/api/home/student' })).statusCode).toBe(403);
    expect((await parent.inject({ url: '/api/home/director' })).statusCode).toBe(403);
  });

  it("shows a director today's attendance, lessons not filled in, the ICT record and decisions due", async () => {
    const d = await as(w.director);
    const res = await d.inject({ url: '/api/home/director' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<DirectorDay>();
    expect(body.schools).toHaveLength(1);
    const school = body.schools[0]!;
    expect(school.id).toBe(w.schoolId);
    expect(school.attendance).toMatchObject({ lessons: 2, started: 2, taken: 1 });
    expect(school.attendance.classes).toEqual([{ classId: a7, className: '7A', started: 2, taken: 1 }]);
    // Every lesson of the week so far but today's mathematics has no topic.
    expect(school.notFilled.count).toBeGreaterThanOrEqual(1);
    expect(school.notFilled.items.map((l) => l.lessonId)).toContain(physicsToday);
    expect(school.notFilled.items.map((l) => l.lessonId)).not.toContain(mathToday);
    expect(school.ict).toEqual({
      year: expect.any(String) as unknown,
      state: null,
      dueOn: addDays(w.yearStartsOn, 30),
    });
    expect(school.allocation).toBeNull();
    expect(school.decisions).toEqual([
      expect.objectContaining({ text: 'Kabineti yeniləmək', dueOn: addDays(today, 7), overdue: false }),
    ]);
    // Another school's director sees only theirs.
    const other = (
      await (await as(w.otherDirector)).inject({ url: '/api/home/director' })
    ).json<DirectorDay>();
    expect(other.schools.map((s) => s.id)).toEqual([w.otherSchoolId]);
    expect(other.schools[0]!.attendance.lessons).toBe(0);
    expect((await (await as(w.teachers[0]!)).inject({ url: '/api/home/director' })).statusCode).toBe(403);
  });

  it('shows a regional officer and the bureau records awaiting review and badly connected schools, no people', async () => {
    const db = t.database.db;
    await db
      .insert(schoolYears)
      .values({ institutionId: w.schoolId, academicYearId: w.yearId, state: 'submitted', teachers: 20 });
    const ctx = { actorId: null, ip: null };
    await recordMeasurement(
      db,
      ctx,
      w.otherSchoolId,
      { downloadMbps: 0.4, uploadMbps: null, latencyMs: null },
      'speedtest',
    );
    const school = await findInstitution(db, w.schoolId);
    const regionalUser = await createUserWithRole(db, 'regional', { areaId: school!.areaId });
    const r = await login(t.app, regionalUser.username, regionalUser.password);
    const res = await r.inject({ url: '/api/home/regional' });
    expect(res.statusCode, res.body).toBe(200);
    const mine = res.json<AreaDay>();
    expect(mine.review.items.map((s) => s.id)).toEqual([w.schoolId]);
    expect(mine.review.total).toBe(1);
    // The badly connected school is in another district: not this officer's.
    expect(mine.badConnectivity.items.map((s) => s.id)).not.toContain(w.otherSchoolId);
    expect(res.body).not.toContain(w.director.username);

    const bureauUser = await createUserWithRole(db, 'bureau');
    const b = await login(t.app, bureauUser.username, bureauUser.password);
    const national = await b.inject({ url: '/api/home/bureau' });
    expect(national.statusCode, national.body).toBe(200);
    const { day } = national.json<BureauSummary>();
    expect(day.review.items.map((s) => s.id)).toContain(w.schoolId);
    expect(day.badConnectivity.items.map((s) => s.id)).toContain(w.otherSchoolId);
    expect(day.badConnectivity.total).toBeGreaterThanOrEqual(1);
    for (const u of [...w.students, w.director, ...w.teachers])
      expect(national.body).not.toContain(u.username);
    expect((await r.inject({ url: '/api/home/bureau' })).statusCode).toBe(403);
    expect((await b.inject({ url: '/api/home/regional' })).statusCode).toBe(403);
  });
  it("shows the director their school's application and the area the distribution's progress, in counts", async () => {
    const db = t.database.db;
    const plans = await createAllocationWorld(db, w.yearId, w.schoolId);
    const d = (await (await as(w.director)).inject({ url: '/api/home/director' })).json<DirectorDay>();
    expect(d.schools[0]!.allocation).toEqual(
      expect.objectContaining({ planId: plans.approvedPlanId, state: 'approved', application: 'eligible' }),
    );
    const other = (
      await (await as(w.otherDirector)).inject({ url: '/api/home/director' })
    ).json<DirectorDay>();
    expect(other.schools[0]!.allocation).toEqual(
      expect.objectContaining({ planId: plans.approvedPlanId, application: null }),
    );

    const school = await findInstitution(db, w.schoolId);
    const here = await createUserWithRole(db, 'regional', { areaId: school!.areaId });
    const mine = (
      await (await login(t.app, here.username, here.password)).inject({ url: '/api/home/regional' })
    ).json<AreaDay>();
    expect(mine.distribution).toEqual(
      expect.objectContaining({ planId: plans.approvedPlanId, schools: 1, received: 0 }),
    );
    expect(mine.distribution!.applications.eligible).toBe(1);
    expect(mine.distribution!.awarded).toBeGreaterThanOrEqual(1);
    // An officer of the other district counts none of it.
    const elsewhere = await findInstitution(db, w.otherSchoolId);
    const there = await createUserWithRole(db, 'regional', { areaId: elsewhere!.areaId });
    const theirs = (
      await (await login(t.app, there.username, there.password)).inject({ url: '/api/home/regional' })
    ).json<AreaDay>();
    expect(theirs.distribution).toEqual(expect.objectContaining({ schools: 0, awarded: 0 }));
    expect(theirs.distribution!.applications.eligible).toBe(0);
  });
});
