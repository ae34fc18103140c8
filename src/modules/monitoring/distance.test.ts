import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { startTestClock } from '@test/school-clock';
import { actorOf, bells, classroomSchool, type ClassroomSchool } from '@test/classroom-world';
import { windowsOpenNow } from '@test/contests-world';
import { journalReference } from '@test/journal-world';
import * as contests from '@/modules/contests/contests.service';
import { createUserWithRole } from '@test/factories';
import { institutionPlace } from '@/modules/institutions/institutions.store';
import { addDays, schoolToday } from '@/modules/classroom/classroom.service';
import * as clock from '@/server/clock';

interface Report {
  scope: { kind: string; id: number | null };
  rowKind: string;
  rows: ({ id: number; name: string } & Figures)[];
  total: Figures;
}
interface Figures {
  students: number;
  activeStudents: number;
  lessonsScheduled: number;
  lessonsDelivered: number;
  assignmentsExpected: number;
  assignmentsOnTime: number;
  contestParticipants: number;
}

// What these tests see depends on the day: they run at a fixed time (CI runs them again on awkward days).
startTestClock();

/** Distance-learning monitoring: counts of a class, a school, a district and the nation, for whom may see them. */
describe('monitoring of distance learning', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let w: ClassroomSchool;
  let director: Session;
  let otherDirector: Session;
  let teacher: Session;
  let regional: Session;
  let otherRegional: Session;
  let bureau: Session;
  let classId: number;
  let path: number[];
  let scheduled: number;
  const today = schoolToday();
  const to = addDays(today, 4);

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    w = await classroomSchool(db);
    path = (await institutionPlace(db, w.schoolId))!.areaPath;
    const otherPath = (await institutionPlace(db, w.otherSchoolId))!.areaPath;
    const as = (u: { username: string }) => login(t.app, u.username, 'password-1');
    director = await as(w.director);
    otherDirector = await as(w.otherDirector);
    teacher = await as(w.teachers[0]!);
    regional = await as(await createUserWithRole(db, 'regional', { areaId: path.at(-1)! }));
    otherRegional = await as(await createUserWithRole(db, 'regional', { areaId: otherPath.at(-1)! }));
    bureau = await as(await createUserWithRole(db, 'bureau'));
    const call = async (method: 'POST' | 'PUT', url: string, payload: object, s = director) => {
      const res = await s.inject({ method, url, payload });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ id: number }>();
    };
    await call('PUT', `/api/institutions/${w.schoolId}/bell-schedules/1`, { version: 0, ...bells(w.yearId) });
    classId = (
      await call('POST', `/api/institutions/${w.schoolId}/classes`, {
        academicYearId: w.yearId,
        grade: 7,
        letter: 'A',
        language: 'az',
        shift: 1,
        homeroomTeacherId: null,
      })
    ).id;
    for (const s of w.students.slice(0, 3))
      expect(
        (await director.inject({ method: 'PUT', url: `/api/classes/${classId}/students/${s.id}` }))
          .statusCode,
      ).toBe(200);
    await call('PUT', `/api/classes/${classId}/subjects/mathematics`, {
      version: 0,
      teacherId: w.teachers[0]!.id,
    });
    await call('PUT', `/api/classes/${classId}/timetable`, {
      version: 0,
      entries: [1, 2, 3, 4, 5].map((weekday) => ({
        weekday,
        period: 1,
        subjectCode: 'mathematics',
        teacherId: w.teachers[0]!.id,
        room: null,
      })),
    });
    await call('POST', `/api/institutions/${w.schoolId}/lessons/generate`, {
      academicYearId: w.yearId,
      from: addDays(today, -13),
      to,
    });
    const lessons = (
      await director.inject({ url: `/api/classes/${classId}/lessons?from=${addDays(to, -6)}&to=${today}` })
    ).json<{ items: { id: number; state: string }[] }>().items;
    scheduled = lessons.filter((l) => l.state === 'scheduled').length;
    expect(scheduled).toBeGreaterThan(0);
    await journalReference(db, { id: w.yearId, startsOn: w.yearStartsOn, endsOn: w.yearEndsOn });
    // The teacher delivers one lesson of the week; two of the three students sign in; one hands in on time.
    await call(
      'PUT',
      `/api/lessons/${lessons.at(-1)!.id}`,
      { version: 1, topic: 'Kəsrlər', homework: null, meetingUrl: null, materials: [] },
      teacher,
    );
    const students = [await as(w.students[0]!), await as(w.students[1]!)];
    const assignment = await call(
      'POST',
      `/api/classes/${classId}/assignments`,
      {
        subjectCode: 'mathematics',
        title: 'Kəsrlər',
        instructions: null,
        kind: 'individual',
        dueAt: new Date(clock.nowMs() + 2 * 86_400_000).toISOString(),
      },
      teacher,
    );
    await call(
      'POST',
      `/api/assignments/${assignment.id}/submissions`,
      { text: 'Cavab', fileIds: [] },
      students[0],
    );
    // The journal of that lesson: one present with a 5, one absent.
    const key = `l${lessons.at(-1)!.id}`;
    await call(
      'POST',
      `/api/journal/classes/${classId}/subjects/mathematics/entries`,
      {
        term: 'half_1',
        entries: [
          {
            studentId: w.students[0]!.id,
            key,
            attendance: { code: 'present' },
            mark: { value: 5 },
            baseVersion: 0,
          },
          { studentId: w.students[1]!.id, key, attendance: { code: 'absent' }, baseVersion: 0 },
        ],
      },
      teacher,
    );
    // The teacher runs a class contest open now; one student starts it.
    const teacherActor = actorOf(w.teachers[0]!.id, 'teacher', w.schoolId);
    const ctx = { actorId: null, ip: null };
    const question = await contests.createQuestion(
      db,
      teacherActor,
      ctx,
      {
        institutionId: w.schoolId,
        subjectCode: 'mathematics',
        grade: 7,
        language: 'az',
        prompt: '2 + 2 = ?',
        kind: 'single',
        options: ['3', '4'],
        correct: [1],
      },
      'en',
    );
    const contest = await contests.createContest(
      db,
      teacherActor,
      ctx,
      {
        title: 'Sınaq',
        subjectCode: 'mathematics',
        grade: 7,
        scope: 'class',
        classId,
        ...windowsOpenNow(),
        timeLimitMinutes: 30,
        maxAttempts: 1,
        shuffle: false,
        questionIds: [question.id],
      },
      'en',
    );
    await contests.publishContest(db, teacherActor, ctx, contest.id);
    await contests.startAttempt(
      db,
      actorOf(w.students[0]!.id, 'student', w.schoolId),
      contest.id,
      clock.now(),
      'en',
    );
  });
  afterAll(async () => t?.close());

  const report = async (s: Session, query: string) => {
    const res = await s.inject({ url: `/api/monitoring/distance?to=${to}${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Report>();
  };
  const expected = () => ({
    students: 3,
    activeStudents: 2,
    lessonsScheduled: scheduled,
    lessonsDelivered: 1,
    assignmentsExpected: 3,
    assignmentsOnTime: 1,
    contestParticipants: 1,
    attendanceRecorded: 2,
    attendancePresent: 1,
    marksGiven: 1,
    marksSum: 5,
  });

  it("gives a school's director its classes, and the same figures up to the nation as totals only", async () => {
    const school = await report(director, `&institutionId=${w.schoolId}`);
    expect(school.rowKind).toBe('class');
    expect(school.rows).toEqual([expect.objectContaining({ id: classId, name: '7A', ...expected() })]);

    const district = await report(regional, `&areaId=${path.at(-1)!}`);
    expect(district.rowKind).toBe('school');
    expect(district.rows.find((r) => r.id === w.schoolId)).toMatchObject(expected());
    expect(district.rows.find((r) => r.id === w.otherSchoolId)).toBeUndefined();

    const nation = await report(bureau, '');
    expect(nation.scope.kind).toBe('nation');
    expect(nation.rowKind).toBe('area');
    expect(nation.total).toMatchObject(expected());
    // No row anywhere names a student.
    expect(JSON.stringify([school, district, nation])).not.toContain(w.students[0]!.username);
  });

  it('refuses whoever is outside the scope, and a range that makes no sense', async () => {
    const refused = async (s: Session, query: string) =>
      expect((await s.inject({ url: `/api/monitoring/distance?${query}` })).statusCode).toBe(403);
    await refused(otherDirector, `institutionId=${w.schoolId}`);
    await refused(director, '');
    await refused(director, `areaId=${path.at(-1)!}`);
    await refused(otherRegional, `areaId=${path.at(-1)!}`);
    await refused(otherRegional, `institutionId=${w.schoolId}`);
    await refused(regional, '');
    await refused(teacher, `institutionId=${w.schoolId}`);
    const backwards = await bureau.inject({
      url: `/api/monitoring/distance?from=${today}&to=${addDays(today, -1)}`,
    });
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json<{ error: { details: { field: string }[] } }>().error.details[0]!.field).toBe(
      'from',
    );
  });
});
