import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { bells, classroomSchool, type ClassroomSchool, errorOf } from '@test/classroom-world';
import { calendarEntries } from '@/modules/institutions/institutions.tables';
import { addDays, schoolToday, weekdayOf } from '@/modules/classroom/classroom.service';

/**
 * Who teaches what, and the timetable around it: a class's subject teachers set together, one subject's
 * teacher for a whole grade, a period that makes its teacher the subject's teacher, lessons that follow the
 * timetable without any "generate" call, and clash checks that hold when twenty directors' clicks arrive at
 * once (run it on PostgreSQL too: `DATABASE_URL=… npx vitest run --project unit <this file>`).
 */

type App = Awaited<ReturnType<typeof createTestApp>>;
interface ClassBody {
  subjectTeachers: { subjectCode: string; teacher: { id: number } }[];
}
interface LessonBody {
  id: number;
  date: string;
  period: number;
  state: string;
  teacherId: number;
}

describe('subject teachers and a timetable that makes its own lessons', () => {
  let t: App;
  let w: ClassroomSchool;
  let director: Session;
  let otherDirector: Session;
  let teacher: Session;
  /** Twenty classes of grade 5 (5A … 5T) in the first shift. */
  let fifth: number[];
  let a6: number;
  const today = schoolToday();
  const termEnds = addDays(today, 40);

  const newClass = async (grade: number, letter: string) => {
    const res = await director.inject({
      method: 'POST',
      url: `/api/institutions/${w.schoolId}/classes`,
      payload: { academicYearId: w.yearId, grade, letter, language: 'az', shift: 1, homeroomTeacherId: null },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ id: number }>().id;
  };
  const subjectsOf = async (classId: number) => {
    const res = await director.inject({ url: `/api/classes/${classId}` });
    expect(res.statusCode, res.body).toBe(200);
    return Object.fromEntries(
      res.json<ClassBody>().subjectTeachers.map((s) => [s.subjectCode, s.teacher.id]),
    ) as Record<string, number>;
  };
  const lessonsOf = async (classId: number, from = today, to = addDays(today, 60)) => {
    const res = await director.inject({ url: `/api/classes/${classId}/lessons?from=${from}&to=${to}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: LessonBody[] }>().items;
  };

  beforeAll(async () => {
    t = await createTestApp();
    w = await classroomSchool(t.database.db);
    // The term holding today ends in 40 days: a timetable change makes lessons up to then.
    await t.database.db.insert(calendarEntries).values({
      academicYearId: w.yearId,
      kind: 'term',
      code: 'term-1',
      nameAz: 'I yarımil',
      nameRu: 'I полугодие',
      nameEn: 'Term 1',
      startsOn: w.yearStartsOn,
      endsOn: termEnds,
    });
    director = await login(t.app, w.director.username, 'password-1');
    otherDirector = await login(t.app, w.otherDirector.username, 'password-1');
    teacher = await login(t.app, w.teachers[0]!.username, 'password-1');
    const res = await saveAsRead(director, {
      url: `/api/institutions/${w.schoolId}/bell-schedules/1`,
      payload: bells(w.yearId),
    });
    expect(res.statusCode, res.body).toBe(200);
    fifth = [];
    for (const letter of 'ABCDEFGHIJKLMNOPQRST') fifth.push(await newClass(5, letter));
    a6 = await newClass(6, 'A');
  });
  afterAll(async () => t?.close());

  it("sets a class's subject teachers together, clears one, and refuses bad rows naming each field", async () => {
    const [first, second, third] = [w.teachers[0]!, w.teachers[1]!, w.teachers[2]!];
    let res = await saveAsRead(director, {
      url: `/api/classes/${a6}/subjects`,
      payload: {
        items: [
          { subjectCode: 'mathematics', teacherId: first.id },
          { subjectCode: 'physics', teacherId: second.id },
          { subjectCode: 'biology', teacherId: third.id },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await subjectsOf(a6)).toEqual({ mathematics: first.id, physics: second.id, biology: third.id });

    res = await saveAsRead(director, {
      url: `/api/classes/${a6}/subjects`,
      payload: {
        items: [
          { subjectCode: 'physics', teacherId: first.id },
          { subjectCode: 'biology', teacherId: null },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await subjectsOf(a6)).toEqual({ mathematics: first.id, physics: first.id });

    // Chemistry is not taught in grade 6; the other school's teacher is not this school's; a subject twice.
    res = await saveAsRead(director, {
      url: `/api/classes/${a6}/subjects`,
      payload: {
        items: [
          { subjectCode: 'chemistry', teacherId: first.id },
          { subjectCode: 'mathematics', teacherId: w.otherTeacher.id },
          { subjectCode: 'mathematics', teacherId: first.id },
          { subjectCode: 'astrology', teacherId: null },
        ],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).details.map((d) => [d.field, d.reason])).toEqual([
      ['items.0.subjectCode', 'subject_not_in_grade'],
      ['items.1.teacherId', 'not_teacher'],
      ['items.2.subjectCode', 'duplicate'],
      ['items.3.subjectCode', 'unknown_subject'],
    ]);
    expect(errorOf(res).details[1]!.message).toBe('items.1.teacherId: bu məktəbin müəllimi deyil');
    // Nothing of it was kept.
    expect(await subjectsOf(a6)).toEqual({ mathematics: first.id, physics: first.id });
  });

  it('sets one subject’s teacher in every class of a grade, lists who teaches what, and clears it again', async () => {
    const leyla = w.teachers[1]!.id;
    /** The grade's classes as read, each at its subject teachers' version. */
    const classesOf = async (grade: number) =>
      (await director.inject({ url: `/api/institutions/${w.schoolId}/subject-teachers?yearId=${w.yearId}` }))
        .json<{ classes: { classId: number; grade: number; version: number }[] }>()
        .classes.filter((c) => c.grade === grade)
        .map((c) => ({ classId: c.classId, version: c.version }));
    let res = await director.inject({
      method: 'PUT',
      url: `/api/institutions/${w.schoolId}/subject-teachers`,
      payload: {
        classes: await classesOf(5),
        academicYearId: w.yearId,
        grade: 5,
        subjectCode: 'mathematics',
        teacherId: leyla,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ classIds: number[] }>().classIds.sort((a, b) => a - b)).toEqual(fifth);
    for (const id of [fifth[0]!, fifth[19]!]) expect(await subjectsOf(id)).toEqual({ mathematics: leyla });

    res = await director.inject({
      url: `/api/institutions/${w.schoolId}/subject-teachers?yearId=${w.yearId}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json<{
      items: { classId: number; subjectCode: string; teacherId: number }[];
      known: { subjectCode: string; teacherIds: number[] }[];
    }>();
    expect(list.items.filter((i) => fifth.includes(i.classId))).toHaveLength(20);
    expect(list.known.find((k) => k.subjectCode === 'mathematics')!.teacherIds.sort()).toEqual(
      [w.teachers[0]!.id, leyla].sort(),
    );

    // Physics is not taught in grade 3, the school has no class of grade 3, the teacher is of another school.
    res = await director.inject({
      method: 'PUT',
      url: `/api/institutions/${w.schoolId}/subject-teachers`,
      payload: {
        classes: [],
        academicYearId: w.yearId,
        grade: 3,
        subjectCode: 'physics',
        teacherId: w.otherTeacher.id,
      },
    });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).details.map((d) => [d.field, d.reason])).toEqual([
      ['subjectCode', 'subject_not_in_grade'],
      ['teacherId', 'not_teacher'],
      ['grade', 'no_classes_in_grade'],
    ]);

    res = await director.inject({
      method: 'PUT',
      url: `/api/institutions/${w.schoolId}/subject-teachers`,
      payload: {
        classes: await classesOf(5),
        academicYearId: w.yearId,
        grade: 5,
        subjectCode: 'mathematics',
        teacherId: null,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await subjectsOf(fifth[3]!)).toEqual({});
  });

  it("refuses another school's director and a teacher, on every new route", async () => {
    const calls = [
      { method: 'GET' as const, url: `/api/institutions/${w.schoolId}/subject-teachers` },
      {
        method: 'PUT' as const,
        url: `/api/institutions/${w.schoolId}/subject-teachers`,
        payload: {
          classes: [],
          academicYearId: w.yearId,
          grade: 5,
          subjectCode: 'mathematics',
          teacherId: null,
        },
      },
      {
        method: 'PUT' as const,
        url: `/api/classes/${a6}/subjects`,
        payload: { version: 0, items: [{ subjectCode: 'mathematics', teacherId: null }] },
      },
    ];
    for (const call of calls) {
      for (const s of [otherDirector, teacher]) {
        const res = await s.inject(call);
        expect(res.statusCode, `${call.method} ${call.url}`).toBe(403);
      }
    }
    expect(await subjectsOf(a6)).toHaveProperty('mathematics');
  });

  it('makes a period’s teacher the subject’s teacher only when asked to, in the same request', async () => {
    const [first, second] = [w.teachers[0]!, w.teachers[1]!];
    let res = await director.inject({
      method: 'POST',
      url: `/api/classes/${fifth[0]}/timetable`,
      payload: { weekday: 2, period: 5, subjectCode: 'literature', teacherId: first.id, room: null },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await subjectsOf(fifth[0]!)).toEqual({});
    res = await director.inject({
      method: 'POST',
      url: `/api/classes/${fifth[0]}/timetable`,
      payload: {
        weekday: 3,
        period: 5,
        subjectCode: 'literature',
        teacherId: second.id,
        room: null,
        subjectTeacher: true,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await subjectsOf(fifth[0]!)).toEqual({ literature: second.id });
    // A refused period changes no subject teacher either: the class already has the 3rd day's 5th period.
    res = await director.inject({
      method: 'POST',
      url: `/api/classes/${fifth[0]}/timetable`,
      payload: {
        weekday: 3,
        period: 5,
        subjectCode: 'literature',
        teacherId: first.id,
        room: null,
        subjectTeacher: true,
      },
    });
    expect(res.statusCode).toBe(409);
    expect(await subjectsOf(fifth[0]!)).toEqual({ literature: second.id });
  });

  it('makes the lessons of a new period up to the end of the term, with no generate call', async () => {
    const tomorrow = addDays(today, 1);
    const res = await director.inject({
      method: 'POST',
      url: `/api/classes/${a6}/timetable`,
      payload: {
        weekday: weekdayOf(tomorrow),
        period: 3,
        subjectCode: 'mathematics',
        teacherId: w.teachers[2]!.id,
        room: null,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const entryId = res.json<{ id: number }>().id;
    const expected: string[] = [];
    for (let day = tomorrow; day <= termEnds; day = addDays(day, 7)) expected.push(day);
    const lessons = await lessonsOf(a6);
    expect(lessons.map((l) => l.date)).toEqual(expected);
    expect(lessons.every((l) => l.period === 3 && l.state === 'scheduled')).toBe(true);

    // A new teacher for the period: the same lessons (same ids) follow.
    const moved = await saveAsRead(director, {
      url: `/api/timetable/${entryId}`,
      readUrl: `/api/classes/${a6}/timetable`,
      payload: {
        weekday: weekdayOf(tomorrow),
        period: 3,
        subjectCode: 'mathematics',
        teacherId: w.teachers[0]!.id,
        room: null,
      },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const after = await lessonsOf(a6);
    expect(after.map((l) => l.id)).toEqual(lessons.map((l) => l.id));
    expect(after.every((l) => l.teacherId === w.teachers[0]!.id)).toBe(true);

    // The teacher fills in the second one; then the period goes: the empty lessons go, the filled one stays.
    const filled = after[1]!;
    const saved = await saveAsRead(director, {
      url: `/api/lessons/${filled.id}`,
      payload: { topic: 'Kəsrlər', homework: null, meetingUrl: null, materials: [] },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const gone = await director.inject({ method: 'DELETE', url: `/api/timetable/${entryId}` });
    expect(gone.statusCode, gone.body).toBe(200);
    const left = await lessonsOf(a6);
    expect(left.map((l) => [l.id, l.state])).toEqual([[filled.id, 'cancelled']]);
  });

  it('lets exactly one of twenty simultaneous posts put a teacher at the same time in different classes', async () => {
    const payload = {
      weekday: 6,
      period: 7,
      subjectCode: 'mathematics',
      teacherId: w.teachers[2]!.id,
      room: null,
    };
    const answers = await Promise.all(
      fifth.map((classId) =>
        director.inject({ method: 'POST', url: `/api/classes/${classId}/timetable`, payload }),
      ),
    );
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(19);
    for (const a of answers.filter((x) => x.statusCode === 409)) {
      expect(errorOf(a).code).toBe('classroom.clash.teacher');
      expect(errorOf(a).message).toMatch(/Müəllim/);
    }
  });

  it('lets exactly one of twenty simultaneous posts into one class slot through, the rest 409 (never 500)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        director.inject({
          method: 'POST',
          url: `/api/classes/${fifth[5]}/timetable`,
          payload: {
            weekday: 4,
            period: 8,
            subjectCode: 'literature',
            teacherId: w.teachers[i % 3]!.id,
            room: `R${i}`,
          },
        }),
      ),
    );
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(19);
    const week = await director.inject({ url: `/api/classes/${fifth[5]}/timetable` });
    expect(
      week
        .json<{ entries: { weekday: number; period: number }[] }>()
        .entries.filter((e) => e.weekday === 4 && e.period === 8),
    ).toHaveLength(1);
  });
});
