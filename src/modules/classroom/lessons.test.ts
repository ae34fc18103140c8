import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { startTestClock } from '@test/school-clock';
import { bells, classroomSchool, type ClassroomSchool, errorOf } from '@test/classroom-world';
import { calendarEntries } from '@/modules/institutions/institutions.tables';
import { addDays, schoolToday, weekdayOf } from '@/modules/classroom/classroom.service';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testConfig } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { LocalStorage } from '@/server/storage';
import * as library from '@/modules/library/library.service';
import type { Db } from '@/server/db/database';
import { pdfBytes } from '@test/files';

/**
 * Lesson occurrences and lessons: the timetable becomes one occurrence per period and date (holidays
 * skipped, generation idempotent), a timetable change moves future occurrences and never the past, a
 * teacher fills in their own lessons, and a student sees their class's day and week.
 */

type App = Awaited<ReturnType<typeof createTestApp>>;
interface Range {
  from: string;
  to: string;
  items: LessonBody[];
}
interface LessonBody {
  id: number;
  classId: number;
  date: string;
  period: number;
  startsAt: string;
  subject: string;
  teacherId: number;
  teacher: string;
  state: string;
  topic: string | null;
  materials: unknown[];
}

/** A library resource with a PDF, written by one editor and (unless `draft`) published by another. */
async function libraryResource(db: Db, title: string, draft = false): Promise<number> {
  const env = { storage: new LocalStorage(testConfig().storageDir), media: testConfig().media };
  const author = { actorId: (await createUserWithRole(db, 'editor')).id, ip: null };
  const reviewer = { actorId: (await createUserWithRole(db, 'editor')).id, ip: null };
  const r = await library.createResource(
    db,
    env,
    author,
    {
      type: 'video_lesson',
      title,
      language: 'az',
      level: 'general',
      grades: [7],
      subject: null,
      authors: [],
      publisher: null,
      licence: 'cc_by',
      accessibility: [],
    },
    'en',
  );
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-lesson-')), 'book.pdf');
  fs.writeFileSync(file, pdfBytes(1000));
  await library.registerUpload(db, env, author, {
    resourceId: r.id,
    role: 'main',
    path: file,
    originalName: null,
  });
  if (draft) return r.id;
  await library.submitResource(db, env, author, r.id);
  await library.reviewResource(db, env, reviewer, r.id, 'publish');
  return r.id;
}

// What these tests see depends on the day: they run at a fixed time (CI runs them again on awkward days).
startTestClock();

describe('lessons', () => {
  let t: App;
  let w: ClassroomSchool;
  let director: Session;
  let teachers: Session[];
  let student: Session;
  let otherStudent: Session;
  let a7: number;
  let b7: number;
  let literatureEntry: number;
  let videoLesson: number;
  let draftResource: number;
  const today = schoolToday();
  const from = addDays(today, -7);
  const to = addDays(today, 13);
  const holiday = [addDays(today, 9), addDays(today, 10)];

  const lessonsOf = async (classId: number, s: Session = director, a = from, b = to) => {
    const res = await s.inject({ url: `/api/classes/${classId}/lessons?from=${a}&to=${b}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: LessonBody[] }>().items;
  };
  const generate = async () => {
    const res = await director.inject({
      method: 'POST',
      url: `/api/institutions/${w.schoolId}/lessons/generate`,
      payload: { academicYearId: w.yearId, from, to },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ created: number; updated: number; deleted: number; cancelled: number; days: number }>();
  };

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    w = await classroomSchool(db);
    await db.insert(calendarEntries).values({
      academicYearId: w.yearId,
      kind: 'holiday',
      code: 'test-holiday',
      nameAz: 'Bayram',
      nameRu: 'Праздник',
      nameEn: 'Holiday',
      startsOn: holiday[0]!,
      endsOn: holiday[1]!,
    });
    const as = (u: { username: string }) => login(t.app, u.username, 'password-1');
    director = await as(w.director);
    teachers = [await as(w.teachers[0]!), await as(w.teachers[1]!), await as(w.teachers[2]!)];
    student = await as(w.students[0]!);
    otherStudent = await as(w.students[2]!);
    videoLesson = await libraryResource(db, 'Kəsrlərin toplanması (video)');
    draftResource = await libraryResource(db, 'Hələ qaralama', true);
    for (const [shift, first] of [
      [1, 8 * 60],
      [2, 13 * 60],
    ] as const) {
      await saveAsRead(director, {
        url: `/api/institutions/${w.schoolId}/bell-schedules/${shift}`,
        payload: bells(w.yearId, first),
      });
    }
    const make = async (letter: string, shift: number) =>
      (
        await director.inject({
          method: 'POST',
          url: `/api/institutions/${w.schoolId}/classes`,
          payload: {
            academicYearId: w.yearId,
            grade: 7,
            letter,
            language: 'az',
            shift,
            homeroomTeacherId: null,
          },
        })
      ).json<{ id: number }>().id;
    a7 = await make('A', 1);
    b7 = await make('B', 2);
    for (const [classId, s] of [
      [a7, w.students[0]!],
      [a7, w.students[1]!],
      [b7, w.students[2]!],
    ] as const) {
      await director.inject({ method: 'PUT', url: `/api/classes/${classId}/students/${s.id}` });
    }
    const week = (teacherId: number, subjectCode: string, period: number) =>
      Array.from({ length: 7 }, (_, i) => ({ weekday: i + 1, period, subjectCode, teacherId, room: null }));
    const res = await saveAsRead(director, {
      url: `/api/classes/${a7}/timetable`,
      payload: {
        entries: [...week(w.teachers[0]!.id, 'mathematics', 1), ...week(w.teachers[1]!.id, 'literature', 2)],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    literatureEntry = res
      .json<{ entries: { id: number; weekday: number; period: number }[] }>()
      .entries.find((e) => e.period === 2 && e.weekday === weekdayOf(addDays(today, 1)))!.id;
    await saveAsRead(director, {
      url: `/api/classes/${b7}/timetable`,
      payload: { entries: week(w.teachers[0]!.id, 'mathematics', 1) },
    });
  });
  afterAll(async () => t?.close());

  it('makes one occurrence per period and school day, skips holidays, and changes nothing when run again', async () => {
    const first = await generate();
    expect(first.days).toBe(21 - 2);
    // The timetable made its lessons from today on when it was written; the range only adds the past week.
    expect(first.created).toBe(7 * 3);
    expect(await generate()).toMatchObject({ created: 0, updated: 0, deleted: 0, cancelled: 0 });
    const list = await lessonsOf(a7);
    expect(list).toHaveLength(19 * 2);
    expect(list.filter((l) => holiday.includes(l.date))).toEqual([]);
    expect(list[0]).toMatchObject({ date: from, period: 1, startsAt: '08:00', subject: 'Riyaziyyat' });
  });

  it('gives a student their class’s day and week, and nothing of another class', async () => {
    const day = await student.inject({ url: `/api/me/lessons/today?date=${today}` });
    expect(day.statusCode, day.body).toBe(200);
    const items = day.json<{ items: LessonBody[] }>().items;
    expect(items.map((l) => [l.classId, l.startsAt])).toEqual([
      [a7, '08:00'],
      [a7, '08:55'],
    ]);
    const week = (await student.inject({ url: `/api/me/lessons/week?date=${today}` })).json<Range>();
    const monday = addDays(today, 1 - weekdayOf(today));
    expect(week.from).toBe(monday);
    expect(week.to).toBe(addDays(monday, 6));
    expect(week.items).toHaveLength(14);
    const other = (await otherStudent.inject({ url: `/api/me/lessons/today?date=${today}` })).json<Range>();
    expect(other.items.map((l: LessonBody) => [l.classId, l.startsAt])).toEqual([[b7, '13:00']]);
    // Without a date: today at school.
    expect((await student.inject({ url: '/api/me/lessons/today' })).json<Range>().from).toBe(today);
    expect(
      (await otherStudent.inject({ url: `/api/classes/${a7}/lessons?from=${today}&to=${today}` })).statusCode,
    ).toBe(403);
  });

  it('lets the teacher of a lesson fill it in, and the class see it', async () => {
    const lesson = (await lessonsOf(a7, director, today, today))[0]!;
    const body = {
      topic: 'Kəsrlərin toplanması',
      homework: 'Səh. 42, 1–5',
      meetingUrl: 'https://meet.example.az/7a',
      materials: [
        { kind: 'resource', resourceId: videoLesson, url: null, title: 'Video dərs' },
        { kind: 'url', resourceId: null, url: 'https://example.az/kesrler', title: null },
      ],
    };
    const put = (s: Session, payload: object = body) =>
      saveAsRead(s, { url: `/api/lessons/${lesson.id}`, payload });
    expect((await put(teachers[1]!)).statusCode).toBe(403);
    expect((await put(teachers[2]!)).statusCode).toBe(403);
    const bad = await put(teachers[0]!, {
      ...body,
      meetingUrl: 'javascript:alert(1)',
      materials: [{ kind: 'url', resourceId: null, url: null, title: null }],
    });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).details.map((d: { field: string }) => d.field)).toEqual([
      'meetingUrl',
      'materials.0.url',
    ]);
    const saved = await put(teachers[0]!);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      topic: body.topic,
      homework: body.homework,
      materials: body.materials,
    });
    const seen = (await student.inject({ url: `/api/me/lessons/today?date=${today}` })).json<Range>()
      .items[0];
    expect(seen).toMatchObject({
      id: lesson.id,
      topic: body.topic,
      meetingUrl: body.meetingUrl,
      materials: body.materials,
      teacher: saved.json<{ teacher: string }>().teacher,
    });
    expect(seen?.teacher).not.toBe('');
    expect((await student.inject({ url: `/api/lessons/${lesson.id}` })).statusCode).toBe(200);
    expect((await otherStudent.inject({ url: `/api/lessons/${lesson.id}` })).statusCode).toBe(403);
  });

  it('moves future occurrences with the timetable, keeps their ids, and never touches the past', async () => {
    const before = (await lessonsOf(a7)).filter((l) => l.period === 2);
    const res = await saveAsRead(director, {
      url: `/api/timetable/${literatureEntry}`,
      readUrl: `/api/classes/${a7}/timetable`,
      payload: {
        weekday: weekdayOf(addDays(today, 1)),
        period: 2,
        subjectCode: 'literature',
        teacherId: w.teachers[2]!.id,
        room: null,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const after = (await lessonsOf(a7)).filter((l) => l.period === 2);
    expect(after.map((l) => l.id)).toEqual(before.map((l) => l.id));
    const weekday = weekdayOf(addDays(today, 1));
    for (const l of after) {
      const moved = l.date >= today && weekdayOf(l.date) === weekday;
      expect(l.teacherId, l.date).toBe(moved ? w.teachers[2]!.id : w.teachers[1]!.id);
    }

    // The new teacher fills in tomorrow's lesson; then the period leaves the timetable.
    const tomorrow = after.find((l) => l.date === addDays(today, 1))!;
    const filled = await saveAsRead(teachers[2]!, {
      url: `/api/lessons/${tomorrow.id}`,
      payload: { topic: 'Nizami', homework: null, meetingUrl: null, materials: [] },
    });
    expect(filled.statusCode, filled.body).toBe(200);
    expect(
      (await director.inject({ method: 'DELETE', url: `/api/timetable/${literatureEntry}` })).statusCode,
    ).toBe(200);
    const left = (await lessonsOf(a7)).filter((l) => l.period === 2 && weekdayOf(l.date) === weekday);
    const expected = before.filter(
      (l) => weekdayOf(l.date) === weekday && (l.date < today || l.id === tomorrow.id),
    );
    expect(left.map((l) => [l.id, l.state])).toEqual(
      expected.map((l) => [l.id, l.id === tomorrow.id ? 'cancelled' : 'scheduled']),
    );
    expect(left.find((l) => l.id === tomorrow.id)?.topic).toBe('Nizami');
    // Generating again changes nothing more.
    expect(await generate()).toMatchObject({ created: 0, updated: 0, deleted: 0, cancelled: 0 });
  });

  it('refuses a range that is too long or backwards, naming the field', async () => {
    const long = await director.inject({
      method: 'POST',
      url: `/api/institutions/${w.schoolId}/lessons/generate`,
      payload: { academicYearId: w.yearId, from: today, to: addDays(today, 500) },
    });
    expect(errorOf(long).details[0]).toMatchObject({ field: 'to', reason: 'range_too_long' });
    const back = await director.inject({
      url: `/api/classes/${a7}/lessons?from=${today}&to=${addDays(today, -1)}`,
    });
    expect(errorOf(back).details[0]).toMatchObject({ field: 'to', reason: 'before_from' });
    const teacherTries = await teachers[0]!.inject({
      method: 'POST',
      url: `/api/institutions/${w.schoolId}/lessons/generate`,
      payload: { academicYearId: w.yearId, from: today, to: today },
    });
    expect(teacherTries.statusCode).toBe(403);
  });
  it('takes only published library resources as materials, titled by the library unless named', async () => {
    const lesson = (await lessonsOf(a7, director, today, today))[0]!;
    const put = (materials: object[]) =>
      saveAsRead(teachers[0]!, {
        url: `/api/lessons/${lesson.id}`,
        payload: { topic: null, homework: null, meetingUrl: null, materials },
      });
    const refused = await put([
      { kind: 'resource', resourceId: videoLesson, url: null, title: null },
      { kind: 'resource', resourceId: draftResource, url: null, title: null },
      { kind: 'resource', resourceId: 2_000_000, url: null, title: 'Yoxdur' },
    ]);
    expect(refused.statusCode).toBe(422);
    expect(
      errorOf(refused).details.map((d: { field: string; reason: string }) => [d.field, d.reason]),
    ).toEqual([
      ['materials.1.resourceId', 'resource_unknown'],
      ['materials.2.resourceId', 'resource_unknown'],
    ]);
    const saved = await put([{ kind: 'resource', resourceId: videoLesson, url: null, title: null }]);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json<LessonBody>().materials).toEqual([
      { kind: 'resource', resourceId: videoLesson, url: null, title: 'Kəsrlərin toplanması (video)' },
    ]);
  });
});
