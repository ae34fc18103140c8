import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/server/app';
import type { Actor } from '@/server/access';
import type { Database } from '@/server/db/database';
import { bulkInsert } from '@/server/db/bulk';
import { academicYears } from '@/modules/institutions/institutions.tables';
import * as classroom from '@/modules/classroom/classroom.service';
import { addDays, schoolToday } from '@/modules/classroom/classroom.service';
import * as contests from '@/modules/contests/contests.service';
import { ensureSubjects } from '@test/classroom-world';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { testConfig } from '@test/harness';
import { percentile, withDatabase } from './support';

/**
 * The synchronised start of a knowledge contest: STUDENTS students (default 2,000, each with an account and a
 * session, made in bulk) of 10 schools in two shifts open the same national contest and save their first
 * answer, each a client of its own over HTTP to the app listening in this process:
 * `GET /api/contests/:id` → `POST /api/contests/:id/attempts` → `GET /api/contest-attempts/:id` →
 * `PUT /api/contest-attempts/:id/answers/:q`. Two runs, each on a contest of its own: the clients spread
 * evenly over SPREAD_S seconds (default 10), then all at once. Reported: errors (any non-2xx answer or failed
 * request), p50/p95/p99 of each step, and when the last first answer was saved.
 * Goal: zero errors, on the embedded database and on PostgreSQL.
 */

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 2000);
const SPREAD_S = Number(process.env.BENCH_SPREAD_S ?? 10);
const SCHOOLS = 10;
const CLASSES_PER_SCHOOL = 8;
const QUESTIONS = 20;

if (!Number.isInteger(STUDENTS) || STUDENTS < 1) {
  throw new Error(`BENCH_STUDENTS must be a whole number of students, not ${process.env.BENCH_STUDENTS}`);
}

const STEPS = ['open', 'start', 'questions', 'answer'] as const;
type Step = (typeof STEPS)[number];

interface Student {
  cookie: string;
  csrf: string;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('base64url');
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** A school with 10 schools of 8 grade-7 classes (shifts 1 and 2), STUDENTS students with sessions. */
async function build(database: Database) {
  const db = database.db;
  await ensureSubjects(db);
  const areas = await createAreas(db);
  const today = schoolToday();
  await db.insert(academicYears).values({
    code: `B-${today}`,
    startsOn: addDays(today, -100),
    endsOn: addDays(today, 200),
    isCurrent: true,
  });
  const [year] = await db.select().from(academicYears);
  const organiser = await createUserWithRole(db, 'admin');
  const admin: Actor = {
    userId: organiser.id,
    username: 'bench',
    displayName: 'Bench',
    locale: 'az',
    grants: [{ role: 'admin', areaId: null, institutionId: null }],
    childIds: [],
    sessionId: 'bench',
    csrfToken: 'bench',
  };
  const ctx = { actorId: null, ip: null };
  const classes: { id: number; institutionId: number }[] = [];
  for (let s = 0; s < SCHOOLS; s++) {
    const school = await createInstitution(db, s % 2 === 0 ? areas.district : areas.otherDistrict, {
      shifts: 2,
    });
    for (let c = 0; c < CLASSES_PER_SCHOOL; c++) {
      const made = await classroom.createClass(
        db,
        admin,
        ctx,
        school.id,
        {
          academicYearId: year!.id,
          grade: 7,
          letter: String.fromCharCode(65 + c),
          language: 'az',
          shift: c < CLASSES_PER_SCHOOL / 2 ? 1 : 2,
          homeroomTeacherId: null,
        },
        'az',
      );
      classes.push({ id: made.id, institutionId: school.id });
    }
  }
  const tag = randomBytes(3).toString('hex');
  const made = await bulkInsert<{ id: number }>(
    db,
    'identity_user',
    [
      {
        column: 'username',
        type: 'text',
        values: Array.from({ length: STUDENTS }, (_, i) => `s-${tag}-${i}`),
      },
      {
        column: 'display_name',
        type: 'text',
        values: Array.from({ length: STUDENTS }, (_, i) => `Şagird ${i} Test`),
      },
    ],
    { returning: ['id'] },
  );
  const ids = made.map((r) => r.id);
  const classOf = (i: number) => classes[i % classes.length]!;
  await bulkInsert(db, 'identity_role_grant', [
    { column: 'user_id', type: 'int', values: ids },
    { column: 'role', type: 'text', values: ids.map(() => 'student') },
    { column: 'institution_id', type: 'int', values: ids.map((_, i) => classOf(i).institutionId) },
  ]);
  await bulkInsert(db, 'classroom_enrolment', [
    { column: 'class_id', type: 'int', values: ids.map((_, i) => classOf(i).id) },
    { column: 'student_id', type: 'int', values: ids },
    { column: 'institution_id', type: 'int', values: ids.map((_, i) => classOf(i).institutionId) },
  ]);
  const tokens = ids.map(() => randomBytes(32).toString('base64url'));
  const csrfs = ids.map(() => randomBytes(24).toString('base64url'));
  const expires = new Date(Date.now() + 8 * 3600_000).toISOString();
  await bulkInsert(db, 'identity_session', [
    { column: 'id', type: 'text', values: tokens.map(sha256) },
    { column: 'user_id', type: 'int', values: ids },
    { column: 'csrf_token', type: 'text', values: csrfs },
    { column: 'expires_at', type: 'timestamptz', values: ids.map(() => expires) },
  ]);
  const students: Student[] = tokens.map((token, i) => ({ cookie: `maktab_sid=${token}`, csrf: csrfs[i]! }));

  // The national bank's questions (every kind) and two national contests open now in both shifts.
  const questionIds: number[] = [];
  for (let i = 0; i < QUESTIONS; i++) {
    const q = await contests.createQuestion(
      db,
      admin,
      ctx,
      {
        institutionId: null,
        subjectCode: 'mathematics',
        grade: 7,
        language: 'az',
        prompt: `Sual ${i + 1}: ${i} + ${i} = ?`,
        kind: 'single',
        options: [`${2 * i}`, `${2 * i + 1}`, `${2 * i + 2}`, `${i}`],
        correct: [0],
      },
      'az',
    );
    questionIds.push(q.id);
  }
  const minute = (() => {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Baku',
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(new Date());
    const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
    return get('hour') * 60 + get('minute');
  })();
  if (minute < 5 || minute > 1400)
    throw new Error('the contest benchmark needs a start window inside today (school time)');
  const windows = [1, 2].map((shift) => ({ shift, startsAt: hhmm(minute - 5), endsAt: hhmm(minute + 30) }));
  const contestIds: number[] = [];
  for (const title of ['Sinxron başlanğıc', 'Hamısı birdən']) {
    const c = await contests.createContest(
      db,
      admin,
      ctx,
      {
        title,
        subjectCode: 'mathematics',
        grade: 7,
        scope: 'nation',
        date: today,
        windows,
        timeLimitMinutes: 30,
        maxAttempts: 1,
        shuffle: true,
        questionIds,
      },
      'az',
    );
    await contests.publishContest(db, admin, ctx, c.id);
    contestIds.push(c.id);
  }
  return { students, contestIds };
}

/** Each student's own connection(s), kept alive as a browser keeps them; made afresh for each run. */
let agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function send(
  port: number,
  method: string,
  path: string,
  student: Student,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          cookie: student.cookie,
          'x-csrf-token': student.csrf,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** One student's synchronised start; the time of each step, or the first error. */
async function client(port: number, contestId: number, student: Student, times: Record<Step, number[]>) {
  const timed = async (step: Step, method: string, path: string, body?: unknown) => {
    const t0 = performance.now();
    const res = await send(port, method, path, student, body);
    times[step].push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${step}: ${res.status} ${res.text.slice(0, 200)}`);
    return JSON.parse(res.text) as unknown;
  };
  await timed('open', 'GET', `/api/contests/${contestId}`);
  const attempt = (await timed('start', 'POST', `/api/contests/${contestId}/attempts`)) as { id: number };
  const shown = (await timed('questions', 'GET', `/api/contest-attempts/${attempt.id}`)) as {
    questions: { id: number; options: string[] }[];
  };
  const first = shown.questions[0]!;
  await timed('answer', 'PUT', `/api/contest-attempts/${attempt.id}/answers/${first.id}`, {
    version: 1,
    answer: { choice: 0 },
  });
}

async function scenario(port: number, contestId: number, students: Student[], spreadMs: number) {
  // Every run opens its own connections, as browsers opening the contest page would: reusing the previous
  // run's idle keep-alive sockets races the server closing them (ECONNRESET on the client, not a server error).
  agent.destroy();
  agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const times = { open: [], start: [], questions: [], answer: [] } as Record<Step, number[]>;
  const errors: string[] = [];
  const t0 = performance.now();
  let lastDone = 0;
  await Promise.all(
    students.map(async (student, i) => {
      const delay = spreadMs === 0 ? 0 : (i * spreadMs) / students.length;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      try {
        await client(port, contestId, student, times);
      } catch (error) {
        errors.push((error as Error).message);
      }
      lastDone = Math.max(lastDone, performance.now() - t0);
    }),
  );
  const f = (ms: number) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
  const steps = STEPS.map((step) => {
    const sorted = [...times[step]].sort((a, b) => a - b);
    if (sorted.length === 0) return `${step} —`;
    return `${step} p50 ${f(percentile(sorted, 0.5))} / p95 ${f(percentile(sorted, 0.95))} / p99 ${f(percentile(sorted, 0.99))} ms`;
  }).join('; ');
  return { errors, steps, lastDone };
}

async function measure(database: Database): Promise<string[]> {
  const built = performance.now();
  const { students, contestIds } = await build(database);
  const buildMs = performance.now() - built;
  const app: FastifyInstance = await buildApp(testConfig(), database);
  try {
    // 2,000 connections arrive within seconds: the listen queue must hold them (Node's default is 511).
    await app.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
    const port = (app.server.address() as AddressInfo).port;
    const lines = [
      `contest-start ${database.driver}: ${STUDENTS.toLocaleString('en')} students with sessions, ${SCHOOLS} schools, ${QUESTIONS} questions, made in ${(buildMs / 1000).toFixed(1)} s`,
    ];
    const runs: [string, number, number][] = [
      [`spread over ${SPREAD_S} s`, contestIds[0]!, SPREAD_S * 1000],
      ['all at once', contestIds[1]!, 0],
    ];
    for (const [label, contestId, spreadMs] of runs) {
      const r = await scenario(port, contestId, students, spreadMs);
      const sample = r.errors.length > 0 ? ` (first: ${r.errors[0]})` : '';
      lines.push(
        `contest-start ${database.driver} ${label}: ${r.errors.length} errors${sample}; last first answer saved at ${(r.lastDone / 1000).toFixed(1)} s; ${r.steps} ` +
          `(goal: zero errors)${r.errors.length === 0 ? '' : ' MISSED'}`,
      );
    }
    return lines;
  } finally {
    agent.destroy();
    await app.close();
  }
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export async function run(report: (line: string) => void): Promise<void> {
  for (const line of await withDatabase(undefined, measure)) report(line);
  const url = process.env.DATABASE_URL;
  if (url) for (const line of await withDatabase(url, measure)) report(line);
}
