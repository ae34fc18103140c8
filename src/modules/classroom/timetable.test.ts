import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { actorOf, bells, classroomSchool, type ClassroomSchool, errorOf } from '@test/classroom-world';
import { insertGrant } from '@/modules/identity/identity.store';
import { createAreas, createInstitution } from '@test/factories';
import { AppError } from '@/server/errors';
import * as classroom from '@/modules/classroom/classroom.service';

/**
 * Bell schedules and weekly timetables: a director builds them, and every clash is refused with its name —
 * a teacher in two places (across classes, shifts and schools, on the clock), a room twice, a class twice.
 */

type App = Awaited<ReturnType<typeof createTestApp>>;
interface Schedules {
  shifts: { shift: number; periods: { period: number; startsAt: string; endsAt: string }[] }[];
}
interface WeekBody {
  entries: { teacherId: number; startsAt: string }[];
}
interface ClashDetail {
  kind: string;
  message: string;
}

describe('timetable', () => {
  let t: App;
  let w: ClassroomSchool;
  let director: Session;
  let teacher: Session;
  /** 7A and 7C study in the first shift (08:00, 55-minute steps), 7B in the second (13:00). */
  let a7: number;
  let b7: number;
  let c7: number;
  let otherClass: number;
  let sharedTeacher: number;

  const newClass = async (s: Session, schoolId: number, grade: number, letter: string, shift: number) => {
    const res = await s.inject({
      method: 'POST',
      url: `/api/institutions/${schoolId}/classes`,
      payload: { academicYearId: w.yearId, grade, letter, language: 'az', shift, homeroomTeacherId: null },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ id: number }>().id;
  };
  const add = (
    classId: number,
    weekday: number,
    period: number,
    teacherId: number,
    room: string | null = null,
  ) =>
    director.inject({
      method: 'POST',
      url: `/api/classes/${classId}/timetable`,
      payload: { weekday, period, subjectCode: 'mathematics', teacherId, room },
    });

  beforeAll(async () => {
    t = await createTestApp();
    w = await classroomSchool(t.database.db);
    director = await login(t.app, w.director.username, 'password-1');
    teacher = await login(t.app, w.teachers[0]!.username, 'password-1');
    for (const [shift, first] of [
      [1, 8 * 60],
      [2, 13 * 60],
    ] as const) {
      const res = await saveAsRead(director, {
        url: `/api/institutions/${w.schoolId}/bell-schedules/${shift}`,
        payload: bells(w.yearId, first),
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    a7 = await newClass(director, w.schoolId, 7, 'A', 1);
    b7 = await newClass(director, w.schoolId, 7, 'B', 2);
    c7 = await newClass(director, w.schoolId, 7, 'C', 1);
    // The third teacher also teaches at the other school.
    sharedTeacher = w.teachers[2]!.id;
    await insertGrant(t.database.db, {
      userId: sharedTeacher,
      role: 'teacher',
      areaId: null,
      institutionId: w.otherSchoolId,
    });
    const otherDirector = await login(t.app, w.otherDirector.username, 'password-1');
    await saveAsRead(otherDirector, {
      url: `/api/institutions/${w.otherSchoolId}/bell-schedules/1`,
      payload: bells(w.yearId, 8 * 60 + 30),
    });
    otherClass = await newClass(otherDirector, w.otherSchoolId, 9, 'A', 1);
    const there = await otherDirector.inject({
      method: 'POST',
      url: `/api/classes/${otherClass}/timetable`,
      payload: { weekday: 5, period: 1, subjectCode: 'mathematics', teacherId: sharedTeacher, room: '1' },
    });
    expect(there.statusCode, there.body).toBe(200);
  });
  afterAll(async () => t?.close());

  it('refuses a bell schedule whose periods overlap or end before they start, naming the field', async () => {
    const res = await saveAsRead(director, {
      url: `/api/institutions/${w.schoolId}/bell-schedules/1`,
      payload: {
        academicYearId: w.yearId,
        periods: [
          { period: 1, startsAt: '08:00', endsAt: '08:45' },
          { period: 2, startsAt: '08:40', endsAt: '09:20' },
          { period: 3, startsAt: '10:00', endsAt: '09:50' },
        ],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).details.map((d: { field: string; reason: string }) => [d.field, d.reason])).toEqual([
      ['periods.1.startsAt', 'periods_overlap'],
      ['periods.2.endsAt', 'ends_before_start'],
    ]);
    const third = await saveAsRead(director, {
      url: `/api/institutions/${w.schoolId}/bell-schedules/3`,
      payload: bells(w.yearId),
    });
    expect(errorOf(third).details[0]).toMatchObject({ field: 'shift', reason: 'shift_exceeds' });
    const schedules = (
      await teacher.inject({ url: `/api/institutions/${w.schoolId}/bell-schedules` })
    ).json<Schedules>();
    expect(schedules.shifts.map((s: { shift: number }) => s.shift)).toEqual([1, 2]);
    expect(schedules.shifts[1]!.periods[0]!).toEqual({ period: 1, startsAt: '13:00', endsAt: '13:45' });
  });

  it('refuses a teacher in two places at once across shifts, by the clock and not by period number', async () => {
    const teacherId = w.teachers[0]!.id;
    // Period 6 of the first shift is 12:35–13:20; period 1 of the second is 13:00–13:45.
    expect((await add(a7, 1, 6, teacherId)).statusCode).toBe(200);
    const clash = await add(b7, 1, 1, teacherId);
    expect(clash.statusCode).toBe(409);
    const error = clash.json<{ error: { code: string; message: string; details: ClashDetail[] } }>().error;
    expect(error.code).toBe('classroom.clash.teacher');
    expect(error.message).toContain('7A');
    expect(error.message).toContain('13:00–13:20');
    expect(error.details.map((d) => d.kind)).toEqual(['teacher']);
    // Period 1 of both shifts: the same number, hours apart.
    expect((await add(a7, 2, 1, teacherId)).statusCode).toBe(200);
    expect((await add(b7, 2, 1, teacherId)).statusCode).toBe(200);
    // Period 2 of the second shift (13:55) follows period 6 of the first.
    expect((await add(b7, 1, 2, teacherId)).statusCode).toBe(200);
  });

  it("refuses a teacher who is teaching at another school then, without naming that school's class", async () => {
    // Friday period 1 at the other school is 08:30–09:15; here it is 08:00–08:45.
    const res = await add(a7, 5, 1, sharedTeacher);
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('classroom.clash.teacher_elsewhere');
    // In the director's language (Azerbaijani), without the other school's class.
    expect(errorOf(res).message).toBe(
      'Müəllim cümə, 08:30–08:45 saatlarında artıq başqa məktəbdə dərs deyir: müəllim eyni vaxtda iki yerdə ola bilməz.',
    );
    expect((await add(a7, 5, 3, sharedTeacher)).statusCode).toBe(200);
  });

  it('refuses a room twice at once (however its name is typed), and a class with two lessons at once', async () => {
    expect((await add(a7, 3, 2, w.teachers[0]!.id, '12B')).statusCode).toBe(200);
    const room = await add(c7, 3, 2, w.teachers[1]!.id, ' 12b ');
    expect(room.statusCode).toBe(409);
    expect(errorOf(room).code).toBe('classroom.clash.room');
    expect(errorOf(room).message).toContain('7A');
    // The same room in the other shift's hours is free.
    expect((await add(b7, 3, 2, w.teachers[1]!.id, '12B')).statusCode).toBe(200);
    const twice = await add(a7, 3, 2, w.teachers[1]!.id);
    expect(twice.statusCode).toBe(409);
    expect(errorOf(twice).code).toBe('classroom.clash.class');
    const noBell = await add(a7, 3, 9, w.teachers[1]!.id);
    expect(errorOf(noBell).details[0]).toMatchObject({ field: 'period', reason: 'no_bell_period' });
    const subject = await director.inject({
      method: 'POST',
      url: `/api/classes/${a7}/timetable`,
      payload: { weekday: 3, period: 4, subjectCode: 'astrology', teacherId: w.teachers[1]!.id, room: null },
    });
    expect(errorOf(subject).details[0]).toMatchObject({
      field: 'subjectCode',
      reason: 'unknown_subject',
    });
  });

  it('refuses a bell change that would make a teacher clash, and keeps the old bells', async () => {
    // Moving the second shift 40 minutes earlier puts its period 2 (13:15) over the first shift's period 6.
    const res = await saveAsRead(director, {
      url: `/api/institutions/${w.schoolId}/bell-schedules/2`,
      payload: bells(w.yearId, 12 * 60 + 20),
    });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('classroom.clash.teacher');
    const schedules = (
      await director.inject({ url: `/api/institutions/${w.schoolId}/bell-schedules` })
    ).json<Schedules>();
    expect(schedules.shifts[1]!.periods[0]!.startsAt).toBe('13:00');
  });

  it('replaces a whole week or nothing, and copies a week onto a parallel class', async () => {
    const before = (await director.inject({ url: `/api/classes/${c7}/timetable` })).json<WeekBody>();
    const week = (entries: unknown[]) =>
      saveAsRead(director, { url: `/api/classes/${c7}/timetable`, payload: { entries } });
    const entry = (weekday: number, period: number, teacherId: number) => ({
      weekday,
      period,
      subjectCode: 'literature',
      teacherId,
      room: null,
    });
    const clash = await week([entry(4, 1, w.teachers[1]!.id), entry(1, 6, w.teachers[0]!.id)]);
    expect(clash.statusCode).toBe(409);
    expect((await director.inject({ url: `/api/classes/${c7}/timetable` })).json<WeekBody>()).toEqual(before);
    const twice = await week([entry(4, 1, w.teachers[1]!.id), entry(4, 1, w.teachers[1]!.id)]);
    expect(errorOf(twice).details[0]).toMatchObject({ field: 'entries.1.period', reason: 'duplicate' });
    const ok = await week([entry(4, 1, w.teachers[1]!.id), entry(4, 2, w.teachers[1]!.id)]);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<WeekBody>().entries.map((e: { startsAt: string }) => e.startsAt)).toEqual([
      '08:00',
      '08:55',
    ]);

    // 7B (second shift) takes 7C's week: with its own teachers, or the same ones, whose hours now differ.
    const teacherSet = await saveAsRead(director, {
      url: `/api/classes/${b7}/subjects/literature`,
      readUrl: `/api/classes/${b7}/subjects`,
      payload: { teacherId: w.teachers[2]!.id },
    });
    expect(teacherSet.statusCode, teacherSet.body).toBe(200);
    const copied = await director.inject({
      method: 'POST',
      url: `/api/classes/${b7}/timetable/copy`,
      payload: { fromClassId: c7, keepTeachers: false },
    });
    expect(copied.statusCode, copied.body).toBe(200);
    expect(
      copied
        .json<WeekBody>()
        .entries.map((e: { teacherId: number; startsAt: string }) => [e.teacherId, e.startsAt]),
    ).toEqual([
      [w.teachers[2]!.id, '13:00'],
      [w.teachers[2]!.id, '13:55'],
    ]);
    const foreign = await director.inject({
      method: 'POST',
      url: `/api/classes/${b7}/timetable/copy`,
      payload: { fromClassId: otherClass, keepTeachers: true },
    });
    expect(errorOf(foreign).details[0]).toMatchObject({
      field: 'fromClassId',
      reason: 'not_same_school',
    });
  });

  it('lets only the director change the timetable, and a teacher read the classes they teach', async () => {
    const res = await teacher.inject({
      method: 'POST',
      url: `/api/classes/${a7}/timetable`,
      payload: {
        weekday: 6,
        period: 1,
        subjectCode: 'mathematics',
        teacherId: w.teachers[0]!.id,
        room: null,
      },
    });
    expect(res.statusCode).toBe(403);
    expect((await teacher.inject({ url: `/api/classes/${a7}/timetable` })).statusCode).toBe(200);
    expect((await teacher.inject({ url: `/api/classes/${c7}/timetable` })).statusCode).toBe(403);
  });

  it('refuses exactly the clashes a brute-force check finds, for random timetables', async () => {
    const db = t.database.db;
    const ctx = { actorId: null, ip: null };
    // A school of its own, whose bells the run may change at will; its two teachers also teach at the first
    // school, but only on weekdays 1–5, and the run uses weekdays 6 and 7.
    const schoolId = (await createInstitution(db, (await createAreas(db)).district, { shifts: 2 })).id;
    const teachers = w.teachers.map((x) => x.id).slice(0, 2);
    for (const userId of teachers) {
      await insertGrant(db, { userId, role: 'teacher', areaId: null, institutionId: schoolId });
    }
    const boss = actorOf(w.director.id, 'director', schoolId);
    const make = async (letter: string, shift: number) => {
      const input = {
        academicYearId: w.yearId,
        grade: 10,
        letter,
        language: 'az' as const,
        shift,
        homeroomTeacherId: null,
      };
      return { id: (await classroom.createClass(db, boss, ctx, schoolId, input, 'en')).id, shift };
    };
    const classes = [await make('A', 1), await make('B', 1), await make('C', 2)];
    const rooms = [null, 'R1', 'r1 ', 'R2'];
    // Four periods a shift: each starts 0–20 minutes after the last ends and lasts 30–50 minutes; the second
    // shift starts 0–4 hours after the first, so its periods overlap the first's in every possible way.
    const shiftBells = fc.record({
      gaps: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 4, maxLength: 4 }),
      lengths: fc.array(fc.integer({ min: 30, max: 50 }), { minLength: 4, maxLength: 4 }),
    });
    const scenario = fc.record({
      first: shiftBells,
      second: shiftBells,
      offset: fc.integer({ min: 0, max: 240 }),
      adds: fc.array(
        fc.record({
          cls: fc.integer({ min: 0, max: 2 }),
          weekday: fc.integer({ min: 6, max: 7 }),
          period: fc.integer({ min: 1, max: 4 }),
          teacher: fc.integer({ min: 0, max: 1 }),
          room: fc.integer({ min: 0, max: 3 }),
        }),
        { minLength: 1, maxLength: 14 },
      ),
    });
    const timesOf = (b: { gaps: number[]; lengths: number[] }, start: number) => {
      const out: { start: number; end: number }[] = [];
      let at = start;
      for (let i = 0; i < 4; i++) {
        const s = at + b.gaps[i]!;
        out.push({ start: s, end: s + b.lengths[i]! });
        at = s + b.lengths[i]!;
      }
      return out;
    };
    const hhmm = (m: number) =>
      `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        for (const c of classes) await classroom.replaceWeek(db, boss, ctx, c.id, [], 'en');
        const times = { 1: timesOf(sc.first, 7 * 60), 2: timesOf(sc.second, 7 * 60 + sc.offset) };
        for (const shift of [1, 2] as const) {
          await classroom.setBellSchedule(
            db,
            boss,
            ctx,
            schoolId,
            shift,
            {
              academicYearId: w.yearId,
              periods: times[shift].map((p, i) => ({
                period: i + 1,
                startsAt: hhmm(p.start),
                endsAt: hhmm(p.end),
              })),
            },
            'en',
          );
        }
        const accepted: {
          cls: number;
          weekday: number;
          start: number;
          end: number;
          teacher: number;
          room: string | null;
        }[] = [];
        for (const a of sc.adds) {
          const shift = classes[a.cls]!.shift as 1 | 2;
          const slot = {
            cls: a.cls,
            weekday: a.weekday,
            ...times[shift][a.period - 1]!,
            teacher: teachers[a.teacher]!,
            room: rooms[a.room]!,
          };
          // The brute force: every accepted period against the new one, all three rules, written out afresh.
          const expected = new Set<string>();
          for (const o of accepted) {
            if (o.weekday !== slot.weekday || !(o.start < slot.end && slot.start < o.end)) continue;
            if (o.cls === slot.cls) expected.add('class');
            if (o.teacher === slot.teacher) expected.add('teacher');
            const norm = (r: string | null) => (r ?? '').trim().toLowerCase();
            if (slot.room !== null && o.room !== null && norm(o.room) === norm(slot.room))
              expected.add('room');
          }
          let refused: Set<string> | null = null;
          try {
            await classroom.addEntry(
              db,
              boss,
              ctx,
              classes[a.cls]!.id,
              {
                weekday: a.weekday,
                period: a.period,
                subjectCode: 'mathematics',
                teacherId: slot.teacher,
                room: slot.room,
              },
              'en',
            );
          } catch (error) {
            if (!(error instanceof AppError) || error.status !== 409) throw error;
            refused = new Set((error.details as ClashDetail[]).map((d) => d.kind));
          }
          expect(refused ?? new Set()).toEqual(expected);
          if (refused === null) accepted.push(slot);
        }
      }),
      { numRuns: 40, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
  });
});
