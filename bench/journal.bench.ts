import { sql } from 'drizzle-orm';
import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import * as classroom from '@/modules/classroom/classroom.service';
import { addDays, schoolToday, weekdayOf } from '@/modules/classroom/classroom.service';
import { actorOf, bells, classroomSchool } from '@test/classroom-world';
import { createUserWithRole } from '@test/factories';
import { journalReference } from '@test/journal-world';
import { login, testConfig, type Session } from '@test/harness';
import { percentile, withDatabase } from './support';

/**
 * The class journal: a class of 30 students whose mathematics journal has about 70 lessons in the term (one a
 * school day, Monday to Friday, among five other subjects' lessons) and four summative assessments, every
 * cell with attendance and a third of them with a mark. Measured through the API, as the subject teacher:
 * - saving attendance for the whole class in one request (30 cells, each a real change with its history
 *   event and the audit entry); goal p95 under 30 ms on PostgreSQL (PGlite reported too);
 * - loading the term's journal (30 × ~74 columns, with marks and results); goal p95 under 100 ms, both drivers.
 * Each is timed alternately with the same session's `GET /api/me` as the baseline.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const STUDENTS = 30;
const WARMUP = 10;
const SAVE_GOAL_MS = 30;
const LOAD_GOAL_MS = 100;

if (!Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`BENCH_RUNS must be a whole number of requests, not ${process.env.BENCH_RUNS}`);
}

interface Page {
  students: { id: number }[];
  columns: { key: string; kind: string; date: string }[];
  cells: unknown[];
}
interface Saved {
  saved: { studentId: number; key: string; version: number }[];
  conflicts: unknown[];
}

async function measure(database: Database): Promise<string[]> {
  const db = database.db;
  const built = performance.now();
  const w = await classroomSchool(db);
  await journalReference(db, { id: w.yearId, startsOn: w.yearStartsOn, endsOn: w.yearEndsOn });
  const dir = actorOf(w.director.id, 'director', w.schoolId);
  const ctx = { actorId: w.director.id, ip: null };
  await classroom.setBellSchedule(db, dir, ctx, w.schoolId, 1, bells(w.yearId), 'az');
  const classId = (
    await classroom.createClass(
      db,
      dir,
      ctx,
      w.schoolId,
      {
        academicYearId: w.yearId,
        grade: 8,
        letter: 'A',
        language: 'az',
        shift: 1,
        homeroomTeacherId: w.teachers[1]!.id,
      },
      'az',
    )
  ).id;
  for (let i = 0; i < STUDENTS; i++) {
    const s = await createUserWithRole(db, 'student', { institutionId: w.schoolId });
    await classroom.enrolStudent(db, dir, ctx, classId, s.id, 'az');
  }
  const teacher = w.teachers[0]!;
  const subjects = ['mathematics', 'physics', 'chemistry', 'biology', 'literature', 'mathematics'];
  for (const code of new Set(subjects))
    await classroom.setSubjectTeacher(
      db,
      dir,
      ctx,
      classId,
      code,
      code === 'mathematics' ? teacher.id : w.teachers[2]!.id,
      'az',
    );
  const week = [];
  for (let weekday = 1; weekday <= 5; weekday++)
    for (let period = 1; period <= 5; period++) {
      const code = subjects[period - 1]!;
      week.push({
        weekday,
        period,
        subjectCode: code,
        teacherId: code === 'mathematics' ? teacher.id : w.teachers[2]!.id,
        room: null,
      });
    }
  await classroom.replaceWeek(db, dir, ctx, classId, week, 'az');
  const today = schoolToday();
  // About 70 school days (Monday to Friday) up to a week from today.
  let from = addDays(today, 7);
  for (let days = 0; days < 70;) {
    from = addDays(from, -1);
    if (weekdayOf(from) <= 5) days++;
  }
  await classroom.generateLessons(
    db,
    dir,
    ctx,
    w.schoolId,
    { academicYearId: w.yearId, from, to: addDays(today, 7) },
    'az',
  );

  const app = await buildApp(testConfig(), database);
  try {
    await app.ready();
    const session: Session = await login(app, teacher.username, 'password-1');
    const base = `/api/journal/classes/${classId}/subjects/mathematics`;
    const pageUrl = `${base}?term=half_1`;
    for (let i = 0; i < 4; i++) {
      const res = await session.inject({
        method: 'POST',
        url: `${base}/assessments`,
        payload: { term: 'half_1', date: addDays(from, 14 * i + 3), title: `KSQ ${i + 1}` },
      });
      if (res.statusCode !== 200) throw new Error(`assessment: ${res.statusCode} ${res.body}`);
    }
    const first = await session.inject({ url: pageUrl });
    if (first.statusCode !== 200) throw new Error(`journal: ${first.statusCode} ${first.body}`);
    const layout = first.json<Page>();
    const students = layout.students.map((s) => s.id);
    const codes = ['present', 'present', 'present', 'late', 'absent', 'present_online'];
    // Fill the term: attendance in every lesson cell, a mark in every third cell and every assessment cell.
    for (const [c, column] of layout.columns.entries()) {
      const entries = students.map((studentId, i) => ({
        studentId,
        key: column.key,
        ...(column.kind === 'lesson' ? { attendance: { code: codes[(i + c) % codes.length]! } } : {}),
        ...(column.kind === 'assessment' || (i + c) % 3 === 0
          ? { mark: { value: 2 + ((i * 7 + c) % 4) } }
          : {}),
        baseVersion: 0,
      }));
      const res = await session.inject({
        method: 'POST',
        url: `${base}/entries`,
        payload: { term: 'half_1', entries },
      });
      if (res.statusCode !== 200 || res.json<Saved>().conflicts.length > 0)
        throw new Error(`fill: ${res.statusCode} ${res.body.slice(0, 300)}`);
    }
    await db.execute(sql`analyze`);
    const buildMs = performance.now() - built;

    // The measured save: today's lesson, the whole class, toggling each cell between present and late.
    const todayColumn = layout.columns.filter((c) => c.kind === 'lesson' && c.date <= today).at(-1)!;
    const versions = new Map<number, number>();
    const loaded = (await session.inject({ url: pageUrl })).json<{
      cells: { studentId: number; key: string; version: number }[];
      columns: unknown[];
    }>();
    for (const c of loaded.cells) if (c.key === todayColumn.key) versions.set(c.studentId, c.version);
    let round = 0;
    const saveOnce = async () => {
      round++;
      const entries = students.map((studentId, i) => ({
        studentId,
        key: todayColumn.key,
        attendance: { code: (i + round) % 2 === 0 ? 'present' : 'late' },
        baseVersion: versions.get(studentId) ?? 0,
      }));
      const t0 = performance.now();
      const res = await session.inject({
        method: 'POST',
        url: `${base}/entries`,
        payload: { term: 'half_1', entries },
      });
      const ms = performance.now() - t0;
      const body = res.json<Saved>();
      if (res.statusCode !== 200 || body.conflicts.length > 0 || body.saved.length !== STUDENTS)
        throw new Error(`save: ${res.statusCode} ${res.body.slice(0, 300)}`);
      for (const s of body.saved) versions.set(s.studentId, s.version);
      return ms;
    };
    const time = async (url: string) => {
      const t0 = performance.now();
      const res = await session.inject({ url });
      const ms = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return ms;
    };
    for (let i = 0; i < WARMUP; i++) {
      await saveOnce();
      await time(pageUrl);
      await time('/api/me');
    }
    const saves: number[] = [];
    const loads: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      saves.push(await saveOnce());
      loads.push(await time(pageUrl));
      baseline.push(await time('/api/me'));
    }
    for (const list of [saves, loads, baseline]) list.sort((a, b) => a - b);
    const f = (ms: number) => ms.toFixed(1);
    const base95 = percentile(baseline, 0.95);
    const save95 = percentile(saves, 0.95);
    const load95 = percentile(loads, 0.95);
    const page = (await session.inject({ url: pageUrl })).json<Page>();
    const saveGoal =
      database.driver === 'postgres' ? ` (goal p95 < ${SAVE_GOAL_MS} ms)` : ' (goal on PostgreSQL)';
    return [
      `journal-build ${database.driver}: ${STUDENTS} students × ${page.columns.length} columns, ${page.cells.length} cells filled in ${(buildMs / 1000).toFixed(1)} s`,
      `journal-save ${database.driver}: attendance of ${STUDENTS} students in one request; p50 ${f(percentile(saves, 0.5))} ms, ` +
        `p95 ${f(save95)} ms over ${RUNS} saves, ${(save95 / base95).toFixed(1)}× the p95 of GET /api/me (${base95.toFixed(2)} ms)` +
        `${saveGoal}${database.driver === 'postgres' && save95 >= SAVE_GOAL_MS ? ' MISSED' : ''}`,
      `journal-load ${database.driver}: the term's journal (${STUDENTS} × ${page.columns.length}, ${page.cells.length} cells); ` +
        `p50 ${f(percentile(loads, 0.5))} ms, p95 ${f(load95)} ms over ${RUNS} loads, ${(load95 / base95).toFixed(1)}× GET /api/me ` +
        `(goal p95 < ${LOAD_GOAL_MS} ms)${load95 < LOAD_GOAL_MS ? '' : ' MISSED'}`,
    ];
  } finally {
    await app.close();
  }
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export async function run(report: (line: string) => void): Promise<void> {
  for (const line of await withDatabase(undefined, measure)) report(line);
  const url = process.env.DATABASE_URL;
  if (url) for (const line of await withDatabase(url, measure)) report(line);
}
