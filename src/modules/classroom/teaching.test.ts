import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { startTestClock } from '@test/school-clock';
import { bells, classroomSchool, type ClassroomSchool } from '@test/classroom-world';
import { addDays, schoolToday, weekdayOf } from '@/modules/classroom/classroom.service';

// What these tests see depends on the day: they run at a fixed time (CI runs them again on awkward days).
startTestClock();

/** A teacher's own lessons across classes, and the school's teachers for the director's forms. */
describe("a teacher's lessons and a school's teachers", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let w: ClassroomSchool;
  let director: Session;
  let teacher: Session;
  let colleague: Session;
  let otherDirector: Session;
  const monday = addDays(schoolToday(), 1 - weekdayOf(schoolToday()));

  beforeAll(async () => {
    t = await createTestApp();
    w = await classroomSchool(t.database.db);
    const as = (u: { username: string }) => login(t.app, u.username, 'password-1');
    director = await as(w.director);
    teacher = await as(w.teachers[0]!);
    colleague = await as(w.teachers[1]!);
    otherDirector = await as(w.otherDirector);
    await saveAsRead(director, {
      url: `/api/institutions/${w.schoolId}/bell-schedules/1`,
      payload: bells(w.yearId),
    });
    const make = async (letter: string) =>
      (
        await director.inject({
          method: 'POST',
          url: `/api/institutions/${w.schoolId}/classes`,
          payload: {
            academicYearId: w.yearId,
            grade: 7,
            letter,
            language: 'az',
            shift: 1,
            homeroomTeacherId: null,
          },
        })
      ).json<{ id: number }>().id;
    const period = (classId: number, weekday: number, p: number, teacherId: number) =>
      director.inject({
        method: 'POST',
        url: `/api/classes/${classId}/timetable`,
        payload: { weekday, period: p, subjectCode: 'mathematics', teacherId, room: null },
      });
    const a = await make('A');
    const b = await make('B');
    expect((await period(a, 1, 1, w.teachers[0]!.id)).statusCode).toBe(200);
    expect((await period(b, 1, 2, w.teachers[0]!.id)).statusCode).toBe(200);
    expect((await period(b, 2, 1, w.teachers[1]!.id)).statusCode).toBe(200);
    const generated = await director.inject({
      method: 'POST',
      url: `/api/institutions/${w.schoolId}/lessons/generate`,
      payload: { academicYearId: w.yearId, from: monday, to: addDays(monday, 13) },
    });
    expect(generated.statusCode, generated.body).toBe(200);
  });
  afterAll(async () => t?.close());

  it("lists a teacher's own lessons of this week, in every class they teach, and nobody else's", async () => {
    const res = await teacher.inject({ url: '/api/me/teaching' });
    expect(res.statusCode, res.body).toBe(200);
    const week = res.json<{
      from: string;
      to: string;
      items: { className: string; date: string; teacherId: number }[];
    }>();
    expect(week).toMatchObject({ from: monday, to: addDays(monday, 6) });
    expect(week.items.map((l) => `${l.date} ${l.className}`)).toEqual([`${monday} 7A`, `${monday} 7B`]);
    expect(week.items.every((l) => l.teacherId === w.teachers[0]!.id)).toBe(true);
    const next = await teacher.inject({
      url: `/api/me/teaching?from=${addDays(monday, 7)}&to=${addDays(monday, 13)}`,
    });
    expect(next.json<{ items: unknown[] }>().items).toHaveLength(2);
    const theirs = await colleague.inject({ url: '/api/me/teaching' });
    expect(theirs.json<{ items: { className: string }[] }>().items.map((l) => l.className)).toEqual(['7B']);
    const tooLong = await teacher.inject({
      url: `/api/me/teaching?from=${monday}&to=${addDays(monday, 100)}`,
    });
    expect(tooLong.statusCode).toBe(422);
  });

  it("gives the director the school's teachers, and no other school's director", async () => {
    const res = await director.inject({ url: `/api/institutions/${w.schoolId}/teachers` });
    expect(res.statusCode).toBe(200);
    expect(
      res
        .json<{ items: { id: number }[] }>()
        .items.map((p) => p.id)
        .sort(),
    ).toEqual(w.teachers.map((p) => p.id).sort());
    expect((await otherDirector.inject({ url: `/api/institutions/${w.schoolId}/teachers` })).statusCode).toBe(
      403,
    );
    expect((await teacher.inject({ url: `/api/institutions/${w.schoolId}/teachers` })).statusCode).toBe(403);
  });
});
