import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { startTestClock } from '@test/school-clock';
import { actorOf, bells, classroomSchool, type ClassroomSchool } from '@test/classroom-world';
import { journalReference } from '@test/journal-world';
import { createUserWithRole, linkParent } from '@test/factories';
import { rows } from '@/server/db/database';
import { startClockAt } from '@/server/clock';
import { JobWorker } from '@/server/jobs';
import * as classroom from '@/modules/classroom/classroom.service';
import { addDays, schoolToday } from '@/modules/classroom/classroom.service';
import { subjectsByCode } from '@/modules/institutions/institutions.store';
import {
  SUMMARY_QUEUE,
  scheduleDaySummary,
  schoolInstant,
  sendDaySummaries,
  summaryDueAt,
  summaryJob,
  summaryRunsAt,
  summaryWindow,
} from '@/modules/journal/journal.summary';
import type { ParentSummary } from '@/modules/home/home.schema';

/**
 * The parents' evening summary of the journal: run by the job queue at 20:00 school time, one notification per
 * parent and child listing the standing absences and marks written since the previous evening's summary, by
 * the lesson day they are about, in the parent's language; nothing falls between two evenings and nothing is
 * told twice; shown in the notifications and on the parent's home.
 */

// The school's Wednesday at 10:00; the evening is reached by moving the clock on.
startTestClock();

interface Notices {
  unread: number;
  items: { id: number; kind: string; text: string; params: Record<string, unknown>; read: boolean }[];
}

describe('journal day summary', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let w: ClassroomSchool;
  let teacher: Session;
  let parent: Session; // of students 0 and 1
  let otherParent: Session; // of student 0 too, reads Russian
  let quietParent: Session; // of student 2: no news
  let classId: number;
  /** The journal key of a held lesson of a subject on a day. */
  let lesson: (subject: 'mathematics' | 'physics', day: string) => string;
  /** Yesterday's lessons (or the last day with both subjects before today) and an earlier day's. */
  let yesterday: string;
  let earlier: string;
  let worker: JobWorker;
  const today = schoolToday();
  const term = 'half_1';

  const notices = async (s: Session) =>
    (await s.inject({ url: '/api/notifications?limit=100' })).json<Notices>();
  const summaries = async (s: Session) => (await notices(s)).items.filter((n) => n.kind === 'journal_day');
  /** Sets a person's language (theirs wins over the browser's). */
  const speak = async (s: Session, locale: 'az' | 'ru' | 'en') => {
    const res = await s.inject({ method: 'PATCH', url: '/api/me', payload: { locale } });
    expect(res.statusCode, res.body).toBe(200);
    return s;
  };
  const version = async (studentId: number, key: string, subject: string) => {
    const res = await teacher.inject({
      url: `/api/journal/classes/${classId}/subjects/${subject}?term=${term}`,
    });
    const page = res.json<{ cells: { studentId: number; key: string; version: number }[] }>();
    return page.cells.find((c) => c.studentId === studentId && c.key === key)?.version ?? 0;
  };
  const put = async (studentId: number, subject: string, key: string, entry: object) => {
    const res = await teacher.inject({
      method: 'POST',
      url: `/api/journal/classes/${classId}/subjects/${subject}/entries`,
      payload: {
        term,
        entries: [{ studentId, key, ...entry, baseVersion: await version(studentId, key, subject) }],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
  };
  const jobsOf = (day: string) =>
    rows<{ state: string; runAt: Date }>(
      t.database.db,
      sql`select state, run_at as "runAt" from maktab_job where queue = ${SUMMARY_QUEUE} and payload ->> 'day' = ${day}`,
    );

  let people: { username: string }[];
  /** Signs everyone in again: moving the clock to the evening outlasts a session's idle time. */
  const signIn = async () => {
    const [a, b, c, d] = await Promise.all(people.map((u) => login(t.app, u.username, 'password-1')));
    [teacher, parent, otherParent, quietParent] = [a!, b!, c!, d!];
  };

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    w = await classroomSchool(db);
    await journalReference(db, { id: w.yearId, startsOn: w.yearStartsOn, endsOn: w.yearEndsOn });
    const dir = actorOf(w.director.id, 'director', w.schoolId);
    const ctx = { actorId: w.director.id, ip: null };
    await classroom.setBellSchedule(db, dir, ctx, w.schoolId, 1, bells(w.yearId, 0), 'en');
    classId = (
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
    for (const s of w.students.slice(0, 3)) await classroom.enrolStudent(db, dir, ctx, classId, s.id, 'en');
    for (const subject of ['mathematics', 'physics'])
      await classroom.setSubjectTeacher(db, dir, ctx, classId, subject, w.teachers[0]!.id, 'en');
    for (const [subjectCode, period] of [
      ['mathematics', 1],
      ['physics', 2],
    ] as const)
      for (let weekday = 1; weekday <= 7; weekday++)
        await classroom.addEntry(
          db,
          dir,
          ctx,
          classId,
          { weekday, period, subjectCode, teacherId: w.teachers[0]!.id, room: null },
          'en',
        );
    await classroom.generateLessons(
      db,
      dir,
      ctx,
      w.schoolId,
      { academicYearId: w.yearId, from: addDays(today, -7), to: addDays(today, 7) },
      'en',
    );
    const lessons = (
      await classroom.classLessons(db, dir, classId, addDays(today, -7), today, 'en')
    ).items.filter((l) => l.date < today);
    lesson = (subject, day) => {
      const found = lessons.find((l) => l.subjectCode === subject && l.date === day);
      if (!found) throw new Error(`no ${subject} lesson on ${day}`);
      return `l${found.id}`;
    };
    const days = [...new Set(lessons.map((l) => l.date))]
      .filter((d) => lessons.filter((l) => l.date === d).length === 2)
      .sort();
    [earlier, yesterday] = [days[0]!, days.at(-1)!];
    expect(earlier < yesterday).toBe(true);
    const [p1, p2, p3] = await Promise.all([0, 1, 2].map(() => createUserWithRole(db, 'parent')));
    await linkParent(db, p1!.id, w.students[0]!.id);
    await linkParent(db, p1!.id, w.students[1]!.id);
    await linkParent(db, p2!.id, w.students[0]!.id);
    await linkParent(db, p3!.id, w.students[2]!.id);
    people = [w.teachers[0]!, p1!, p2!, p3!];
    await signIn();
    worker = new JobWorker(db, { [SUMMARY_QUEUE]: summaryJob(db) });
  });

  afterAll(async () => {
    await t?.close();
  });

  /** Moves the school's clock to `time` (HH:MM) on `day`, and signs everyone in again. */
  const at = async (day: string, time: string) => {
    startClockAt(schoolInstant(day, time));
    await signIn();
  };
  const of = (list: Notices['items'], studentId: number) =>
    list.filter((n) => n.params.studentId === studentId);

  it('is due at 20:00 in Baku each day, and covers what was written since 20:00 the day before', () => {
    expect(summaryDueAt('2026-12-09').toISOString()).toBe('2026-12-09T16:00:00.000Z');
    // Its job a minute later, once saves stamped before 20:00 have committed.
    expect(summaryRunsAt('2026-12-09').toISOString()).toBe('2026-12-09T16:01:00.000Z');
    expect(schoolInstant('2026-12-09').toISOString()).toBe('2026-12-08T20:00:00.000Z');
    expect(summaryWindow('2026-12-09')).toEqual({
      from: new Date('2026-12-08T16:00:00.000Z'),
      to: new Date('2026-12-09T16:00:00.000Z'),
    });
    // Each evening's window starts where the previous one ended: no gap, no overlap.
    expect(summaryWindow('2026-12-10').from).toEqual(summaryWindow('2026-12-09').to);
  });

  it('sends nothing before the evening, then one summary per parent and child, by lesson day', async () => {
    const [s0, s1] = [w.students[0]!.id, w.students[1]!.id];
    // Written today: student 0 absent from yesterday's mathematics and (late) from an earlier day's, absent
    // from yesterday's physics (corrected: present), a 4 in yesterday's physics; student 1 a 5 in yesterday's
    // mathematics, then a mark given and taken away.
    await put(s0, 'mathematics', lesson('mathematics', yesterday), { attendance: { code: 'absent' } });
    await put(s0, 'mathematics', lesson('mathematics', earlier), { attendance: { code: 'absent' } });
    await put(s0, 'physics', lesson('physics', yesterday), { attendance: { code: 'absent' } });
    await put(s0, 'physics', lesson('physics', yesterday), { attendance: { code: 'present' } });
    await put(s0, 'physics', lesson('physics', yesterday), { mark: { value: 4 } });
    await put(s1, 'mathematics', lesson('mathematics', yesterday), { mark: { value: 5 } });
    await put(s1, 'mathematics', lesson('mathematics', earlier), { mark: { value: 3 } });
    await put(s1, 'mathematics', lesson('mathematics', earlier), { mark: null });

    await scheduleDaySummary(t.database.db);
    const [job] = await jobsOf(today);
    expect(job).toMatchObject({ state: 'queued' });
    expect(new Date(job!.runAt).toISOString()).toBe(summaryRunsAt(today).toISOString());
    // At 10:00 it is not due.
    expect(await worker.drain()).toBe(0);
    expect(await summaries(parent)).toEqual([]);

    // 19:59: a notice written a minute before the summary is in it.
    await at(today, '19:59');
    expect(await worker.drain()).toBe(0);
    await put(s1, 'physics', lesson('physics', yesterday), { mark: { value: 3 } });

    // 20:05 at school: the day's job runs, and adds tomorrow's.
    await at(today, '20:05');
    expect(await worker.drain()).toBe(1);
    expect(await jobsOf(today)).toMatchObject([{ state: 'done' }]);
    const next = await jobsOf(addDays(today, 1));
    expect(next).toMatchObject([{ state: 'queued' }]);
    expect(new Date(next[0]!.runAt).toISOString()).toBe(summaryRunsAt(addDays(today, 1)).toISOString());

    const names = new Map(
      (await subjectsByCode(t.database.db, ['mathematics', 'physics'])).map((s) => [s.code, s]),
    );
    const [math, physics] = [names.get('mathematics')!, names.get('physics')!];
    const mine = await summaries(parent);
    expect(mine).toHaveLength(2);
    // The late absence is under its own day, before yesterday's news.
    expect(of(mine, s0)[0]!.params).toEqual({
      studentId: s0,
      student: w.students[0]!.username,
      dayOn: today,
      days: [
        { heldOn: earlier, absences: ['mathematics'], marks: [] },
        { heldOn: yesterday, absences: ['mathematics'], marks: [{ subjectCode: 'physics', mark: 4 }] },
      ],
    });
    expect(of(mine, s1)[0]!.params).toMatchObject({
      days: [
        {
          heldOn: yesterday,
          absences: [],
          marks: [
            { subjectCode: 'mathematics', mark: 5 },
            { subjectCode: 'physics', mark: 3 },
          ],
        },
      ],
    });
    // In words, in the parent's language, each lesson day named, subjects by their names: never a code.
    const dayIn = (locale: string, day: string) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
        new Date(`${day}T12:00:00Z`),
      );
    const az = of(mine, s0)[0]!.text;
    expect(az).toContain(
      `${w.students[0]!.username}, ${dayIn('az', earlier)}: buraxılan dərslər 1 (${math.nameAz})`,
    );
    expect(az).toContain(
      `${dayIn('az', yesterday)}: buraxılan dərslər 1 (${math.nameAz}); qiymətlər 1 (${physics.nameAz} 4)`,
    );
    expect(az).not.toMatch(/mathematics|physics|journal_/);
    expect(of(mine, s1)[0]!.text).not.toContain('buraxılan');
    const ru = of(await summaries(await speak(otherParent, 'ru')), s0)[0]!.text;
    expect(ru).toContain(`${dayIn('ru', earlier)}: пропуски 1 (${math.nameRu})`);
    expect(ru).toContain(`оценки 1 (${physics.nameRu} 4)`);
    expect(of(await summaries(await speak(otherParent, 'en')), s0)[0]!.text).toContain(
      `${dayIn('en', earlier)}: absences 1 (${math.nameEn})`,
    );
    // The second parent of the same child gets their own; a parent with no news gets none.
    expect(await summaries(otherParent)).toHaveLength(1);
    expect(await summaries(quietParent)).toEqual([]);
  });

  it('makes no duplicate when the evening runs again', async () => {
    const unread = (await notices(parent)).unread;
    const before = await summaries(parent);
    expect(await sendDaySummaries(t.database.db, today)).toBe(0);
    await scheduleDaySummary(t.database.db, today);
    expect(await jobsOf(today)).toHaveLength(1);
    expect(await worker.drain()).toBe(0);
    expect(await summaries(parent)).toEqual(before);
    expect((await notices(parent)).unread).toBe(unread);
  });

  it('tells what was written after 20:00 the next evening, and nothing twice', async () => {
    const [s0, s1] = [w.students[0]!.id, w.students[1]!.id];
    const tomorrow = addDays(today, 1);
    // 20:30, after the summary: a late absence of student 1 for the earlier day.
    await at(today, '20:30');
    await put(s1, 'physics', lesson('physics', earlier), { attendance: { code: 'absent' } });
    // Today's evening, run again, does not take it in.
    expect(await sendDaySummaries(t.database.db, today)).toBe(0);
    expect(of(await summaries(parent), s1)).toHaveLength(1);

    // Tomorrow's evening does, under its lesson day; student 0 has nothing new, so no summary of them.
    await at(tomorrow, '20:05');
    expect(await worker.drain()).toBe(1);
    const mine = await summaries(parent);
    const tomorrows = mine.filter((n) => n.params.dayOn === tomorrow);
    expect(tomorrows.map((n) => n.params)).toEqual([
      {
        studentId: s1,
        student: w.students[1]!.username,
        dayOn: tomorrow,
        days: [{ heldOn: earlier, absences: ['physics'], marks: [] }],
      },
    ]);
    // Over both evenings each notice was told once: student 0's late absence only today, under its day.
    type Day = { heldOn: string; absences: string[] };
    const told = mine.flatMap((n) =>
      (n.params.days as Day[]).flatMap((d) =>
        d.absences.map((a) => `${String(n.params.studentId)} ${d.heldOn} ${a}`),
      ),
    );
    expect(told.sort()).toEqual(
      [`${s0} ${earlier} mathematics`, `${s0} ${yesterday} mathematics`, `${s1} ${earlier} physics`].sort(),
    );
  });

  it("shows each child's latest summary on the parent's home, in words", async () => {
    const res = await (await speak(parent, 'en')).inject({ url: '/api/home/parent' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<ParentSummary>();
    const child = body.children.find((c) => c.id === w.students[0]!.id)!;
    expect(child.day.summary).toMatchObject({ day: today });
    expect(child.day.summary!.text).toMatch(/absences 1 .+absences 1 .+marks 1/);
    const quiet = await quietParent.inject({ url: '/api/home/parent' });
    expect(quiet.json<ParentSummary>().children[0]!.day.summary).toBeNull();
  });
});
