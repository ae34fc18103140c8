import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Database, type Db } from '@/server/db/database';
import { enqueue, JobWorker } from '@/server/jobs';
import { buildApp } from '@/server/app';
import { createTestDatabase, testConfig } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { actorOf, ensureSubjects } from '@test/classroom-world';
import { windowsOpenNow } from '@test/contests-world';
import { academicYears } from '@/modules/institutions/institutions.tables';
import { contests } from '@/modules/contests/contests.tables';
import * as classroom from '@/modules/classroom/classroom.service';
import * as service from '@/modules/contests/contests.service';

/**
 * The "about to start" reminder: publishing a contest enqueues a job for an hour before its first window; the
 * job, run by a real worker on a real database, notifies the students of the contest's grade in its area, in
 * batches, never twice, and not at all for a contest gone meanwhile.
 */

describe('contest reminders', () => {
  let database: Database;
  let db: Db;
  let admin: ReturnType<typeof actorOf>;
  const ctx = { actorId: null, ip: null };
  let areas: Awaited<ReturnType<typeof createAreas>>;
  let questionId: number;
  /** Grade-7 students of two schools of the district, a grade-8 one there, a grade-7 one of another district. */
  const students = { district7: [] as number[], district8: [] as number[], other7: [] as number[] };
  let classId: number;

  const worker = () => new JobWorker(db, { [service.REMINDER_QUEUE]: service.reminderJob(db) });
  /** How many `contest_starting` notices each student got for a contest. */
  const notices = async (contestId: number) => {
    const found = await rows<{ userId: number; n: number }>(
      db,
      sql`select user_id as "userId", count(*)::int as n from notifications_notification
          where kind = 'contest_starting' and (params->>'contestId')::int = ${contestId} group by user_id`,
    );
    return new Map(found.map((r) => [r.userId, r.n]));
  };
  const jobsOf = (contestId: number) =>
    rows<{ runAt: number; state: string }>(
      db,
      sql`select (extract(epoch from run_at) * 1000)::float8 as "runAt", state from maktab_job
          where queue = ${service.REMINDER_QUEUE} and (payload->>'contestId')::int = ${contestId}`,
    );
  const publish = async (over: Record<string, unknown>) => {
    const contest = await service.createContest(
      db,
      admin,
      ctx,
      {
        title: 'Olimpiada',
        subjectCode: 'mathematics',
        grade: 7,
        scope: 'district',
        areaId: areas.district,
        ...windowsOpenNow(),
        timeLimitMinutes: 30,
        maxAttempts: 1,
        shuffle: true,
        questionIds: [questionId],
        ...over,
      },
      'en',
    );
    await service.publishContest(db, admin, ctx, contest.id);
    return contest.id;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await ensureSubjects(db);
    admin = actorOf((await createUserWithRole(db, 'admin')).id, 'admin', null);
    areas = await createAreas(db);
    const today = classroom.schoolToday();
    const [year] = await db
      .insert(academicYears)
      .values({
        code: 'Y-reminders',
        startsOn: classroom.addDays(today, -100),
        endsOn: classroom.addDays(today, 200),
        isCurrent: true,
      })
      .returning();
    const cls = async (areaId: number, grade: number, size: number, into: number[]) => {
      const school = await createInstitution(db, areaId);
      const made = await classroom.createClass(
        db,
        admin,
        ctx,
        school.id,
        { academicYearId: year!.id, grade, letter: 'A', language: 'az', shift: 1, homeroomTeacherId: null },
        'en',
      );
      for (let i = 0; i < size; i++) {
        const s = await createUserWithRole(db, 'student', { institutionId: school.id });
        await classroom.enrolStudent(db, admin, ctx, made.id, s.id, 'en');
        into.push(s.id);
      }
      return made.id;
    };
    classId = await cls(areas.district, 7, 3, students.district7);
    await cls(areas.district, 7, 2, students.district7);
    await cls(areas.district, 8, 2, students.district8);
    await cls(areas.otherDistrict, 7, 2, students.other7);
    const question = await service.createQuestion(
      db,
      admin,
      ctx,
      {
        institutionId: null,
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
    questionId = question.id;
  });

  afterAll(async () => {
    await database?.close();
  });

  it("a district contest reminds that district's students of its grade only, once however often the job runs", async () => {
    const id = await publish({});
    // Nobody is told at publishing: the job does it, and it is due now (the window is already open).
    expect((await notices(id)).size).toBe(0);
    const [job] = await jobsOf(id);
    expect(job!.runAt).toBeLessThanOrEqual(Date.now());
    expect(await worker().drain()).toBe(1);
    const told = await notices(id);
    expect([...told.keys()].sort()).toEqual([...students.district7].sort());
    expect([...told.values()].every((n) => n === 1)).toBe(true);
    for (const s of [...students.district8, ...students.other7]) expect(told.has(s)).toBe(false);
    // The same job again (a retry after the worker died, or a second node): nothing more.
    await enqueue(db, service.REMINDER_QUEUE, { contestId: id });
    expect(await worker().drain()).toBe(1);
    expect(await notices(id)).toEqual(told);
    expect((await jobsOf(id)).map((j) => j.state)).toEqual(['done', 'done']);
  });

  it('works in batches and carries on after the last student reminded', async () => {
    const id = await publish({ scope: 'nation', areaId: undefined });
    const everyone = [...students.district7, ...students.other7].sort((a, b) => a - b);
    // A first run stopped after the first two students (as a worker that died would have left it).
    await db.update(contests).set({ remindedThrough: everyone[1]! }).where(eq(contests.id, id));
    expect(await service.remindStudents(db, id, new Date(), 2)).toBe(everyone.length - 2);
    const told = await notices(id);
    expect([...told.keys()].sort((a, b) => a - b)).toEqual(everyone.slice(2));
    expect(await service.remindStudents(db, id, new Date(), 2)).toBe(0);
    const [row] = await db.select().from(contests).where(eq(contests.id, id));
    expect(row!.remindedAt).not.toBeNull();
    // Its own job, run now, finds the work done.
    expect(await worker().drain()).toBe(1);
    expect(await notices(id)).toEqual(told);
  });

  it('is due an hour before the first window; a class told at publishing is reminded too', async () => {
    const date = classroom.addDays(classroom.schoolToday(), 3);
    const windows = [{ shift: 1, startsAt: '10:00', endsAt: '10:30' }];
    const id = await publish({ scope: 'class', classId, areaId: undefined, date, windows });
    const [row] = await db.select().from(contests).where(eq(contests.id, id));
    const [job] = await jobsOf(id);
    expect(job!.runAt).toBe(row!.opensAt.getTime() - service.REMINDER_LEAD_MS);
    expect(job!.state).toBe('queued');
    // The class heard of it at publishing; the reminder is not due yet.
    expect(await worker().drain()).toBe(0);
    expect([...(await notices(id)).keys()].sort()).toEqual(students.district7.slice(0, 3).sort());
    // Its time come, the class is reminded (and only the class).
    await db.execute(sql`update maktab_job set run_at = now() where queue = ${service.REMINDER_QUEUE}`);
    expect(await worker().drain()).toBe(1);
    const told = await notices(id);
    expect([...told.keys()].sort()).toEqual(students.district7.slice(0, 3).sort());
    expect([...told.values()]).toEqual([2, 2, 2]);
  });

  it('a class contest published within the hour is not reminded again; a contest gone meanwhile, nobody', async () => {
    const soon = await publish({ scope: 'class', classId, areaId: undefined });
    expect(await jobsOf(soon)).toEqual([]);
    expect((await notices(soon)).size).toBe(3);
    const gone = await publish({ scope: 'region', areaId: areas.region });
    await db.delete(contests).where(eq(contests.id, gone));
    expect(await worker().drain()).toBe(1);
    expect((await notices(gone)).size).toBe(0);
    expect((await jobsOf(gone)).map((j) => j.state)).toEqual(['done']);
  });

  it('the server runs the reminders by itself', async () => {
    const app = await buildApp(testConfig({ runJobs: true }), database);
    await app.ready();
    try {
      const id = await publish({});
      const until = Date.now() + 15_000;
      while ((await notices(id)).size === 0 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect([...(await notices(id)).keys()].sort()).toEqual([...students.district7].sort());
    } finally {
      await app.close();
    }
  });
});
