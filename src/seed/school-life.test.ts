import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestClock } from '@test/school-clock';
import { seededDemo } from '@test/seeded-demo';
import { rows, type Database } from '@/server/db/database';
import { schoolToday } from '@/modules/classroom/classroom.service';
import type { SeedSummary } from '@/seed/seed';

// A school Wednesday in the first half-year (or TEST_CLOCK): the demo is made as of that date.
const start = startTestClock();
const today = schoolToday(start);

/** The demo's school life: timetables, lessons, journal, work (src/seed/school-life.ts). */
describe('the demo school life', () => {
  let db: Database;
  let summary: SeedSummary;
  const one = async <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) =>
    (await rows<T>(db.db, query))[0]!;
  const id = async (username: string) =>
    (await one<{ id: number }>(sql`select id from identity_user where username = ${username}`)).id;

  beforeAll(async () => {
    ({ database: db, summary } = await seededDemo());
  });
  afterAll(() => db.close());

  it('gives every demo school subject teachers, a timetable without clashes and lessons on school days only', async () => {
    expect(summary.schoolLife).toBeDefined();
    const bare = await rows<{ id: number }>(
      db.db,
      sql`select distinct c.institution_id as id from classroom_class c
          where not exists (select 1 from classroom_timetable_entry e where e.institution_id = c.institution_id)
             or not exists (select 1 from classroom_lesson l where l.institution_id = c.institution_id)
             or not exists (select 1 from classroom_subject_teacher s where s.class_id = c.id)`,
    );
    expect(bare).toEqual([]);
    // A teacher is never in two classes at the same time (same weekday, shift and period).
    const clashes = await rows(
      db.db,
      sql`select e.teacher_id, e.weekday, c.shift, e.period from classroom_timetable_entry e
          join classroom_class c on c.id = e.class_id
          group by 1, 2, 3, 4 having count(*) > 1`,
    );
    expect(clashes).toEqual([]);
    // Every period's teacher is the class's teacher of that subject.
    const strangers = await one<{ n: number }>(
      sql`select count(*)::int as n from classroom_timetable_entry e where not exists (
            select 1 from classroom_subject_teacher s
            where s.class_id = e.class_id and s.subject_code = e.subject_code and s.teacher_id = e.teacher_id)`,
    );
    expect(strangers.n).toBe(0);
    const offDays = await one<{ n: number }>(
      sql`select count(*)::int as n from classroom_lesson l where extract(isodow from l.date) > 5
            or exists (select 1 from institutions_calendar_entry h where h.kind = 'holiday'
              and l.date between h.starts_on and h.ends_on)
            or l.date < (select starts_on from institutions_academic_year where is_current)`,
    );
    expect(offDays.n).toBe(0);
  });

  it('gives the demo teacher lessons today, past lessons with topics and a journal', async () => {
    const teacher = await id('teacher');
    const counts = await one<{ today: number; past: number; topics: number; recorded: number }>(
      sql`select count(*) filter (where date = ${today}::date)::int as today,
            count(*) filter (where date < ${today}::date)::int as past,
            count(*) filter (where date < ${today}::date and topic is not null)::int as topics,
            count(*) filter (where recorded)::int as recorded
          from classroom_lesson where teacher_id = ${teacher}`,
    );
    expect(counts.today).toBeGreaterThan(0);
    expect(counts.past).toBeGreaterThan(20);
    expect(counts.topics / counts.past).toBeGreaterThan(0.8);
    expect(counts.recorded).toBeGreaterThan(0);
    const decision = await one<{ n: number }>(
      sql`select count(*)::int as n from councils_decision
          where owner_id = ${teacher} and status = 'open' and due_on between ${today}::date and ${today}::date + 7`,
    );
    expect(decision.n).toBe(1);
    // Two classes, no more: their own 7A (mathematics) and informatics in `student6`'s grade 6 class.
    const taught = await rows<{ grade: number; letter: string; subject: string; pupil: boolean }>(
      db.db,
      sql`select c.grade, c.letter, s.subject_code as subject, exists (select 1 from classroom_enrolment e
            join identity_user u on u.id = e.student_id
            where e.class_id = c.id and u.username in ('student', 'student6')) as pupil
          from classroom_subject_teacher s join classroom_class c on c.id = s.class_id
          where s.teacher_id = ${teacher} order by c.grade, s.subject_code`,
    );
    expect(taught).toEqual([
      { grade: 6, letter: 'A', subject: 'informatics', pupil: true },
      { grade: 7, letter: 'A', subject: 'mathematics', pupil: true },
    ]);
    const periods = await one<{ n: number }>(
      sql`select count(*)::int as n from classroom_timetable_entry e join classroom_class c on c.id = e.class_id
          where e.teacher_id = ${teacher} and c.grade = 6`,
    );
    expect(periods.n).toBe(1);
  });

  it('gives the demo student homework due, marks on the 5-point scale, mostly presence, and contests', async () => {
    const student = await id('student');
    const due = await one<{ n: number }>(
      sql`select count(*)::int as n from assignments_assignment a
          join classroom_enrolment e on e.class_id = a.class_id and e.student_id = ${student}
          where a.due_at > ${start.toISOString()}::timestamptz and not exists (
            select 1 from assignments_submission s where s.assignment_id = a.id and s.student_id = ${student})`,
    );
    expect(due.n).toBeGreaterThan(0);
    const handedIn = await one<{ late: number; marked: number }>(
      sql`select count(*) filter (where late)::int as late, count(*) filter (where mark is not null)::int as marked
          from assignments_submission where student_id = ${student}`,
    );
    expect(handedIn.late).toBeGreaterThan(0);
    expect(handedIn.marked).toBeGreaterThan(0);
    const journal = await one<{ cells: number; present: number; marks: number; low: number; high: number }>(
      sql`select count(*)::int as cells,
            count(*) filter (where attendance_code in ('present', 'late'))::int as present,
            count(mark)::int as marks, min(mark)::int as low, max(mark)::int as high
          from journal_cell where student_id = ${student}`,
    );
    expect(journal.cells).toBeGreaterThan(50);
    expect(journal.present / journal.cells).toBeGreaterThan(0.85);
    expect(journal.marks).toBeGreaterThan(5);
    expect(journal.low).toBeGreaterThanOrEqual(2);
    expect(journal.high).toBeLessThanOrEqual(5);
    const contests = await one<{ finished: number; coming: number; attempts: number }>(
      sql`select count(*) filter (where c.closes_at < ${start.toISOString()}::timestamptz)::int as finished,
            count(*) filter (where c.opens_at > ${start.toISOString()}::timestamptz)::int as coming,
            (select count(*)::int from contests_attempt a where a.student_id = ${student} and a.state = 'submitted') as attempts
          from contests_contest c join classroom_enrolment e on e.class_id = c.class_id and e.student_id = ${student}
          where c.state = 'published'`,
    );
    expect(contests).toEqual({ finished: 1, coming: 1, attempts: 1 });
  });

  it('has sane totals: attendance about 95 %, webinars with registrations, recent activity, two editors', async () => {
    const totals = await one<{
      present: number;
      cells: number;
      registrations: number;
      active: number;
      students: number;
    }>(
      sql`select (select count(*) filter (where attendance_code = 'present')::int from journal_cell) as present,
            (select count(*)::int from journal_cell) as cells,
            (select count(*)::int from webinars_registration) as registrations,
            (select count(*)::int from identity_user u join identity_role_grant g on g.user_id = u.id
              where g.role = 'student' and u.last_active_on >= ${today}::date - 7) as active,
            (select count(*)::int from identity_role_grant where role = 'student') as students`,
    );
    expect(totals.present / totals.cells).toBeGreaterThan(0.9);
    expect(totals.present / totals.cells).toBeLessThan(0.99);
    expect(totals.registrations).toBeGreaterThan(10);
    expect(totals.active / totals.students).toBeGreaterThan(0.5);
    const editors = await rows<{ username: string }>(
      db.db,
      sql`select u.username from identity_user u join identity_role_grant g on g.user_id = u.id
          where g.role = 'editor' order by u.username`,
    );
    expect(editors.map((e) => e.username)).toEqual(['editor', 'editor2']);
  });
  // The same seed on the same date makes the same school life: `seed.test.ts` compares every table the seed fills.
});
