import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { buildApp } from '@/server/app';
import { rows, type Database } from '@/server/db/database';
import { seed } from '@/seed/seed';
import { listAcademicYears } from '@/modules/institutions/institutions.store';
import { subjectsByCode } from '@/modules/institutions/institutions.store';
import * as classroom from '@/modules/classroom/classroom.service';
import { addDays, schoolToday, weekdayOf } from '@/modules/classroom/classroom.service';
import { actorOf } from '@test/classroom-world';
import { login, testConfig, type Session } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { LocalStorage } from '@/server/storage';
import * as library from '@/modules/library/library.service';
import { percentile, withDatabase } from './support';

/**
 * A student's "today" (`GET /api/me/lessons/today`) with a fully populated district: the `national` seed
 * (4,500 institutions; every person of Quba district an account), then for every school with people a bell
 * schedule per shift, a week of six periods a day for every class (built through the classroom service, so
 * every week is checked for clashes), and four weeks of lesson occurrences; the lessons of the measured day
 * are filled in (topic, homework, a library resource and a link) for the classes of the sampled students.
 * STUDENTS students sign in; RUNS requests go round them, each timed alternately with the same session's
 * `GET /api/me` (the lightest signed-in request) as the baseline in the same run.
 * Goal: p95 under 50 ms, on the embedded database and on PostgreSQL.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const STUDENTS = 20;
const WARMUP = 10;
const GOAL_MS = 50;

if (!Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`BENCH_RUNS must be a whole number of requests, not ${process.env.BENCH_RUNS}`);
}

/** `n` published library resources (a small PDF each), written and reviewed by two editors. */
async function publishedResources(database: Database, n: number): Promise<number[]> {
  const db = database.db;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-today-'));
  const env = { storage: new LocalStorage(path.join(dir, 'files')), media: testConfig().media };
  const author = { actorId: (await createUserWithRole(db, 'editor')).id, ip: null };
  const reviewer = { actorId: (await createUserWithRole(db, 'editor')).id, ip: null };
  const ids: number[] = [];
  try {
    for (let i = 1; i <= n; i++) {
      const r = await library.createResource(
        db,
        env,
        author,
        {
          type: 'e_textbook',
          title: `Dərs materialı ${i}`,
          language: 'az',
          level: 'general',
          grades: [],
          subject: null,
          authors: [],
          publisher: null,
          licence: 'cc_by',
          accessibility: [],
        },
        'az',
      );
      const file = path.join(dir, `${i}.pdf`);
      fs.writeFileSync(file, '%PDF-1.4\n%%EOF\n');
      await library.registerUpload(db, env, author, {
        resourceId: r.id,
        role: 'main',
        path: file,
        originalName: null,
      });
      await library.submitResource(db, env, author, r.id);
      await library.reviewResource(db, env, reviewer, r.id, 'publish');
      ids.push(r.id);
    }
    return ids;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
/** Six 40-minute periods with 5-minute breaks; shifts start at 08:00, 12:30 and 17:00. */
const bellsOf = (academicYearId: number, shift: number) => ({
  academicYearId,
  periods: Array.from({ length: 6 }, (_, i) => {
    const start = 8 * 60 + (shift - 1) * 270 + i * 45;
    return { period: i + 1, startsAt: hhmm(start), endsAt: hhmm(start + 40) };
  }),
});

/** Builds the timetables and lessons of every populated school; returns how many of each. */
async function populate(database: Database, yearId: number, from: string, to: string) {
  const db = database.db;
  const ctx = { actorId: null, ip: null };
  const schools = await rows<{ id: number; shifts: number; directorId: number }>(
    db,
    sql`select i.id, i.shifts, min(g.user_id) as "directorId"
        from institutions_institution i join identity_role_grant g on g.institution_id = i.id and g.role = 'director'
        group by i.id, i.shifts order by i.id`,
  );
  const subjectsByGrade = new Map<number, string[]>();
  const allSubjects = await rows<{ code: string }>(
    db,
    sql`select code from institutions_subject order by code`,
  );
  for (const s of await subjectsByCode(
    db,
    allSubjects.map((x) => x.code),
  )) {
    for (const g of s.grades) subjectsByGrade.set(g, [...(subjectsByGrade.get(g) ?? []), s.code]);
  }
  let classes = 0;
  let lessons = 0;
  for (const school of schools) {
    const director = actorOf(school.directorId, 'director', school.id);
    for (let shift = 1; shift <= school.shifts; shift++) {
      await classroom.setBellSchedule(db, director, ctx, school.id, shift, bellsOf(yearId, shift), 'az');
    }
    const teachers = (
      await rows<{ id: number }>(
        db,
        sql`select user_id as id from identity_role_grant where role = 'teacher' and institution_id = ${school.id} order by user_id`,
      )
    ).map((r) => r.id);
    const list = (await classroom.listClasses(db, director, school.id, yearId, 'az')).items;
    const indexInShift = new Map<number, number>();
    for (const c of list) {
      // Within a shift, at each weekday and period, classes get distinct teachers (a school has more
      // teachers than classes); shifts do not overlap on the clock, so nobody is in two places.
      const k = indexInShift.get(c.shift) ?? 0;
      indexInShift.set(c.shift, k + 1);
      const subjects = subjectsByGrade.get(c.grade) ?? ['mathematics'];
      const entries = [];
      for (let weekday = 1; weekday <= 5; weekday++) {
        for (let period = 1; period <= 6; period++) {
          entries.push({
            weekday,
            period,
            subjectCode: subjects[(weekday * 6 + period + k) % subjects.length]!,
            teacherId: teachers[(k + weekday + period) % teachers.length]!,
            room: null,
          });
        }
      }
      await classroom.replaceWeek(db, director, ctx, c.id, entries, 'az');
      classes++;
    }
    const made = await classroom.generateLessons(
      db,
      director,
      ctx,
      school.id,
      { academicYearId: yearId, from, to },
      'az',
    );
    lessons += made.created;
  }
  return { schools: schools.length, classes, lessons };
}

async function measure(database: Database): Promise<string[]> {
  const started = performance.now();
  const seeded = await seed(database, { scale: 'national', seed: 1, production: false });
  const seedMs = performance.now() - started;
  const db = database.db;
  const year = (await listAcademicYears(db)).find((y) => y.isCurrent);
  if (!year) throw new Error('the national seed has no current academic year');
  // The measured day: the next weekday inside the year (the timetable runs Monday to Friday).
  let day = schoolToday() < year.startsOn ? year.startsOn : schoolToday();
  while (weekdayOf(day) > 5) day = addDays(day, 1);
  const monday = addDays(day, 1 - weekdayOf(day));
  const built = performance.now();
  const made = await populate(database, year.id, monday, addDays(monday, 27));
  const buildMs = performance.now() - built;

  const sampled = await rows<{
    username: string;
    userId: number;
    classId: number;
    directorId: number;
    institutionId: number;
  }>(
    db,
    sql`select u.username, u.id as "userId", e.class_id as "classId", e.institution_id as "institutionId",
          (select min(g.user_id) from identity_role_grant g where g.role = 'director' and g.institution_id = e.institution_id) as "directorId"
        from classroom_enrolment e join identity_user u on u.id = e.student_id
        order by md5(u.username) limit ${STUDENTS}`,
  );
  // The measured day's lessons of the sampled classes are filled in, as their teachers would, each with a
  // published library resource of its period.
  const resources = await publishedResources(database, 6);
  const ctx = { actorId: null, ip: null };
  for (const s of sampled) {
    const director = actorOf(s.directorId, 'director', s.institutionId);
    const list = await classroom.classLessons(db, director, s.classId, day, day, 'az');
    for (const l of list.items) {
      if (l.topic !== null) continue;
      await classroom.saveLesson(
        db,
        director,
        ctx,
        l.id,
        {
          version: l.version,
          topic: `${l.subject}: mövzu ${l.period}`,
          homework: 'Dərslik, səh. 42, tapşırıq 1–5',
          meetingUrl: 'https://meet.example.az/dars',
          materials: [
            { kind: 'resource', resourceId: resources[l.period - 1]!, url: null, title: 'Video dərs' },
            { kind: 'url', resourceId: null, url: 'https://example.az/material', title: 'Əlavə material' },
          ],
        },
        'az',
      );
    }
  }
  await db.execute(sql`analyze`);

  const app = await buildApp(testConfig(), database);
  try {
    await app.ready();
    const sessions: Session[] = [];
    for (const s of sampled) sessions.push(await login(app, s.username, 'demo'));
    const url = `/api/me/lessons/today?date=${day}`;
    let lessonsSeen = 0;
    const time = async (session: Session, target: string) => {
      const t0 = performance.now();
      const res = await session.inject({ method: 'GET', url: target });
      const ms = performance.now() - t0;
      if (res.statusCode !== 200)
        throw new Error(`GET ${target}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      if (target === url) lessonsSeen = Math.max(lessonsSeen, res.json<{ items: unknown[] }>().items.length);
      return ms;
    };
    for (let i = 0; i < WARMUP; i++) {
      await time(sessions[i % sessions.length]!, url);
      await time(sessions[i % sessions.length]!, '/api/me');
    }
    const today: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const session = sessions[i % sessions.length]!;
      today.push(await time(session, url));
      baseline.push(await time(session, '/api/me'));
    }
    if (lessonsSeen === 0) throw new Error(`no student saw a lesson on ${day}`);
    today.sort((a, b) => a - b);
    baseline.sort((a, b) => a - b);
    const p95 = percentile(today, 0.95);
    const base95 = percentile(baseline, 0.95);
    const f = (ms: number) => ms.toFixed(1);
    const n = (x: number) => x.toLocaleString('en');
    return [
      `classroom-populate ${database.driver}: national seed in ${(seedMs / 1000).toFixed(1)} s (${n(seeded.classes)} classes, ${n(seeded.students)} students with accounts); ` +
        `${n(made.schools)} schools, ${n(made.classes)} class weeks (30 periods each, clash-checked) and ${n(made.lessons)} lesson occurrences in ${(buildMs / 1000).toFixed(1)} s`,
      `classroom-today ${database.driver}: ${sampled.length} students, up to ${lessonsSeen} lessons with content on ${day}; ` +
        `p50 ${f(percentile(today, 0.5))} ms, p95 ${f(p95)} ms over ${RUNS} requests, ${(p95 / base95).toFixed(1)}× the p95 of GET /api/me (${base95.toFixed(2)} ms) ` +
        `(goal p95 < ${GOAL_MS} ms)${p95 < GOAL_MS ? '' : ' MISSED'}`,
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
