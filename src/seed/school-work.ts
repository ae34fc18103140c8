import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import { bulkInsert, bulkInsertRows } from '@/server/db/bulk';
import { assignments, submissions } from '@/modules/assignments/assignments.tables';
import { attempts, contestQuestions, contests, questions } from '@/modules/contests/contests.tables';
import { schoolTimeToUtc } from '@/modules/contests/contests.service';
import { attendance, decisions, meetings } from '@/modules/councils/councils.tables';
import { registrations, webinars } from '@/modules/webinars/webinars.tables';
import { addDays, weekdayOf } from '@/modules/classroom/classroom.service';
import * as allocation from '@/modules/allocation/allocation.service';
import type { Random } from '@/seed/random';
import type { Assigned, SchoolLifeContext, SeedClass } from '@/seed/school-life';

/**
 * The demo school's work beyond lessons (school-life.ts tells the whole): assignments with hand-ins, contests,
 * a council with decisions, webinars with registrations, and everybody's recent activity.
 */

export interface SchoolWorkSummary {
  assignments: number;
  submissions: number;
  contests: number;
  attempts: number;
  webinars: number;
  decisions: number;
  applications: number;
}

const DAY = 86_400_000;

/** Assignments a teacher sets, by how far from now they fall due (days) and how many students hand in. */
const ASSIGNMENT_PLAN = [
  { title: 'Mövzu üzrə çalışmalar', days: -9, handIn: 0.85, late: 0.15, marked: 0.85 },
  { title: 'Təkrar üçün tapşırıq', days: -2, handIn: 0.75, late: 0.2, marked: 0.4 },
  { title: 'Ev tapşırığı', days: 2, handIn: 0.25, late: 0, marked: 0 },
  { title: 'Kiçik layihə', days: 6, handIn: 0, late: 0, marked: 0 },
] as const;
/** Subjects the demo school's teachers set written work in. */
const WRITTEN = ['mathematics', 'azerbaijani_language', 'foreign_language_english', 'informatics'];
const FEEDBACK = [
  'Əla iş, davam edin!',
  'Yaxşıdır, amma 3-cü tapşırıqda səhv var.',
  'Həll yolunu daha ətraflı yazın.',
  'Vaxtında təhvil verin, məzmun qənaətbəxşdir.',
];

export async function seedSchoolWork(
  tx: Db,
  ctx: SchoolLifeContext,
  input: { random: Random; classes: SeedClass[]; assigned: Assigned[] },
): Promise<SchoolWorkSummary> {
  const demoClasses = input.classes.filter((c) => c.institutionId === ctx.demoSchoolId);
  const enrolled = await rows<{ classId: number; studentId: number }>(
    tx,
    sql`select class_id as "classId", student_id as "studentId" from classroom_enrolment
        where institution_id = ${ctx.demoSchoolId} order by class_id, student_id`,
  );
  const studentsOf = new Map<number, number[]>();
  for (const e of enrolled) {
    const list = studentsOf.get(e.classId) ?? [];
    list.push(e.studentId);
    studentsOf.set(e.classId, list);
  }
  const work = await seedAssignments(tx, ctx, input.random.fork('assignments'), {
    classes: demoClasses,
    assigned: input.assigned,
    studentsOf,
  });
  const contest = await seedContests(tx, ctx, input.random.fork('contests'), {
    cls: input.classes.find((c) => c.id === ctx.demoClassId)!,
    assigned: input.assigned,
    students: studentsOf.get(ctx.demoClassId) ?? [],
  });
  const teachers = await rows<{ userId: number; institutionId: number }>(
    tx,
    sql`select g.user_id as "userId", g.institution_id as "institutionId" from identity_role_grant g
        join institutions_institution i on i.id = g.institution_id
        where g.role = 'teacher' and (i.area_id = ${ctx.demoAreaId} or i.id = ${ctx.demoSchoolId})
        order by g.institution_id, g.user_id`,
  );
  const decisionCount = await seedCouncil(tx, ctx, input.random.fork('council'), teachers);
  const webinarCount = await seedWebinars(tx, ctx, input.random.fork('webinars'), teachers);
  const applications = await seedDistribution(tx, ctx);
  await seedActivity(tx, ctx);
  await seedNotices(tx, ctx);
  return {
    ...work,
    ...contest,
    webinars: webinarCount,
    decisions: decisionCount,
    applications,
  };
}

async function seedAssignments(
  tx: Db,
  ctx: SchoolLifeContext,
  random: Random,
  input: { classes: SeedClass[]; assigned: Assigned[]; studentsOf: Map<number, number[]> },
) {
  const rowsOut: (typeof assignments.$inferInsert)[] = [];
  for (const c of input.classes) {
    for (const a of input.assigned.filter((x) => x.classId === c.id && WRITTEN.includes(x.subject))) {
      for (const p of ASSIGNMENT_PLAN) {
        const dueAt = new Date(Math.floor((ctx.now.getTime() + p.days * DAY) / 3_600_000) * 3_600_000);
        rowsOut.push({
          institutionId: c.institutionId,
          classId: c.id,
          subjectCode: a.subject,
          teacherId: a.teacherId,
          kind: 'individual',
          title: p.title,
          instructions: 'Dərslikdəki tapşırıqları yerinə yetirin və cavablarınızı yazın.',
          dueAt,
          createdAt: new Date(dueAt.getTime() - 7 * DAY),
        });
      }
    }
  }
  const inserted = await bulkInsertRows<{
    id: number;
    class_id: number;
    subject_code: string;
    title: string;
  }>(tx, assignments, rowsOut, {
    returning: [assignments.id, assignments.classId, assignments.subjectCode, assignments.title],
  });
  // Matched by natural key (class, subject, title), not by the order RETURNING gives rows in.
  const idOf = new Map(inserted.map((r) => [`${r.class_id}/${r.subject_code}/${r.title}`, r.id]));
  const studentId = ctx.accounts.get('student');
  const subs: (typeof submissions.$inferInsert)[] = [];
  for (const row of rowsOut) {
    const id = idOf.get(`${row.classId}/${row.subjectCode}/${row.title}`)!;
    const p = ASSIGNMENT_PLAN.find((x) => x.title === row.title)!;
    const due = row.dueAt.getTime();
    for (const student of input.studentsOf.get(row.classId) ?? []) {
      const r = random.fork(`${id}/${student}`);
      // The demo student: the oldest work handed in and marked, the next handed in late, the coming one not yet.
      const demo = student === studentId;
      const handIn = demo ? p.days < 0 : r.chance(p.handIn);
      if (!handIn) continue;
      const late = demo ? p.days === -2 : r.chance(p.late);
      const submittedAt = late
        ? due + r.int(1, 20) * 3_600_000
        : Math.min(due, ctx.now.getTime()) - r.int(2, 60) * 3_600_000;
      const marked = demo ? p.days === -9 : r.chance(p.marked);
      subs.push({
        assignmentId: id,
        institutionId: row.institutionId,
        studentId: student,
        version: 1,
        text: 'Tapşırıqları yerinə yetirdim, cavablar əlavə olunub.',
        submittedBy: student,
        submittedAt: new Date(submittedAt),
        late,
        mark: marked
          ? r.weighted([
              [5, 3],
              [4, 4],
              [3, 2],
              [2, 1],
            ] as const)
          : null,
        feedback: marked ? r.pick(FEEDBACK) : null,
        resubmissionRequested: false,
        markedBy: marked ? row.teacherId : null,
        markedAt: marked ? new Date(Math.min(ctx.now.getTime(), submittedAt + 2 * DAY)) : null,
      });
    }
  }
  await bulkInsertRows(tx, submissions, subs);
  return { assignments: rowsOut.length, submissions: subs.length };
}

/** The school day `n` school days (Monday to Friday) from `day`, back when `n` is negative. */
function schoolDay(day: string, n: number): string {
  let d = day;
  let left = Math.abs(n);
  while (left > 0) {
    d = addDays(d, Math.sign(n));
    if (weekdayOf(d) <= 5) left--;
  }
  return d;
}

/** A finished contest of the demo class with its attempts, and an upcoming one. */
async function seedContests(
  tx: Db,
  ctx: SchoolLifeContext,
  random: Random,
  input: { cls: SeedClass; assigned: Assigned[]; students: number[] },
) {
  const { cls } = input;
  const subject = 'mathematics';
  const teacherId =
    input.assigned.find((a) => a.classId === cls.id && a.subject === subject)?.teacherId ??
    ctx.accounts.get('teacher')!;
  const bank = [
    {
      kind: 'single',
      prompt: '3/4 + 1/4 nəyə bərabərdir?',
      body: { options: ['1', '4/8', '3/16', '2'] },
      key: { correct: [0] },
    },
    { kind: 'true_false', prompt: 'Hər bir tək ədəd sadə ədəddir.', body: {}, key: { truth: false } },
    { kind: 'numeric', prompt: '120-nin 25 %-i neçədir?', body: {}, key: { value: 30, tolerance: 0 } },
    {
      kind: 'single',
      prompt: 'Üçbucağın daxili bucaqlarının cəmi neçə dərəcədir?',
      body: { options: ['90', '180', '270', '360'] },
      key: { correct: [1] },
    },
    {
      kind: 'numeric',
      prompt: '2x + 6 = 14 tənliyində x neçədir?',
      body: {},
      key: { value: 4, tolerance: 0 },
    },
  ] as const;
  const qs = await bulkInsertRows<{ id: number; prompt: string }>(
    tx,
    questions,
    bank.map((q) => ({
      institutionId: cls.institutionId,
      subjectCode: subject,
      grade: cls.grade,
      kind: q.kind,
      language: 'az',
      prompt: q.prompt,
      body: JSON.stringify(q.body),
      key: JSON.stringify(q.key),
      points: 2,
      authorId: teacherId,
      createdAt: new Date(ctx.now.getTime() - 30 * DAY),
      updatedAt: new Date(ctx.now.getTime() - 30 * DAY),
    })),
    { returning: [questions.id, questions.prompt] },
  );
  const questionId = new Map(qs.map((q) => [q.prompt, q.id]));
  const window = {
    shift: cls.shift,
    startsAt: cls.shift === 1 ? '10:00' : '15:00',
    endsAt: cls.shift === 1 ? '11:00' : '16:00',
  };
  const limit = 30;
  const made: { id: number; date: string }[] = [];
  for (const [title, date] of [
    ['Riyaziyyat olimpiadası: sinif turu', schoolDay(ctx.today, -4)],
    ['Riyaziyyat: yarımil sınağı', schoolDay(ctx.today, 3)],
  ] as const) {
    const opensAt = schoolTimeToUtc(date, window.startsAt);
    const closesAt = new Date(schoolTimeToUtc(date, window.endsAt).getTime() + limit * 60_000);
    const [row] = await bulkInsertRows<{ id: number }>(
      tx,
      contests,
      [
        {
          title,
          subjectCode: subject,
          grade: cls.grade,
          scope: 'class',
          classId: cls.id,
          institutionId: cls.institutionId,
          date,
          windows: JSON.stringify([window]),
          opensAt,
          closesAt,
          timeLimitMinutes: limit,
          maxAttempts: 1,
          shuffle: true,
          state: 'published',
          createdBy: teacherId,
          createdAt: new Date(opensAt.getTime() - 10 * DAY),
        },
      ],
      { returning: [contests.id] },
    );
    made.push({ id: row!.id, date });
    await bulkInsertRows(
      tx,
      contestQuestions,
      bank.map((q, i) => ({
        contestId: row!.id,
        position: i + 1,
        questionId: questionId.get(q.prompt)!,
        kind: q.kind,
        language: 'az',
        prompt: q.prompt,
        body: JSON.stringify(q.body),
        key: JSON.stringify(q.key),
        points: 2,
      })),
    );
  }
  // Attempts of the finished one: most of the class took it, scores spread by chance.
  const finished = made[0]!;
  const [area] = await rows<{ path: number[] }>(
    tx,
    sql`select a.path from institutions_institution i join institutions_area a on a.id = i.area_id
        where i.id = ${cls.institutionId}`,
  );
  const opens = schoolTimeToUtc(finished.date, window.startsAt).getTime();
  const tries: (typeof attempts.$inferInsert)[] = [];
  for (const student of input.students) {
    const r = random.fork(student);
    if (student !== ctx.accounts.get('student') && !r.chance(0.85)) continue;
    const startedAt = opens + r.int(0, 50) * 60_000;
    const marks = bank.map((q) => ({ questionId: questionId.get(q.prompt)!, points: r.chance(0.7) ? 2 : 0 }));
    tries.push({
      contestId: finished.id,
      studentId: student,
      institutionId: cls.institutionId,
      classId: cls.id,
      areaPath: area?.path ?? [],
      attemptNo: 1,
      state: 'submitted',
      startedAt: new Date(startedAt),
      deadline: new Date(startedAt + limit * 60_000),
      closedAt: new Date(startedAt + r.int(10, 29) * 60_000),
      score: marks.reduce((n, m) => n + m.points, 0),
      maxScore: bank.length * 2,
      marks,
    });
  }
  await bulkInsert(tx, attempts, [
    { column: attempts.contestId, type: 'int', values: tries.map((t) => t.contestId) },
    { column: attempts.studentId, type: 'int', values: tries.map((t) => t.studentId) },
    { column: attempts.institutionId, type: 'int', values: tries.map((t) => t.institutionId) },
    { column: attempts.classId, type: 'int', values: tries.map((t) => t.classId) },
    {
      column: attempts.areaPath,
      type: 'int[]',
      values: tries.map((t) => t.areaPath.map(String)),
    },
    { column: attempts.attemptNo, type: 'int', values: tries.map((t) => t.attemptNo) },
    { column: attempts.state, type: 'text', values: tries.map((t) => t.state!) },
    { column: attempts.startedAt, type: 'timestamptz', values: tries.map((t) => t.startedAt.toISOString()) },
    { column: attempts.deadline, type: 'timestamptz', values: tries.map((t) => t.deadline.toISOString()) },
    { column: attempts.closedAt, type: 'timestamptz', values: tries.map((t) => t.closedAt!.toISOString()) },
    { column: attempts.score, type: 'int', values: tries.map((t) => t.score!) },
    { column: attempts.maxScore, type: 'int', values: tries.map((t) => t.maxScore) },
    { column: attempts.marks, type: 'jsonb', values: tries.map((t) => JSON.stringify(t.marks)) },
  ]);
  return { contests: made.length, attempts: tries.length };
}

/** A teachers' council of the demo school two weeks ago, its attendance and decisions (one due soon). */
async function seedCouncil(
  tx: Db,
  ctx: SchoolLifeContext,
  random: Random,
  teachers: { userId: number; institutionId: number }[],
) {
  const director = ctx.accounts.get('director')!;
  const teacher = ctx.accounts.get('teacher')!;
  const staff = teachers.filter((t) => t.institutionId === ctx.demoSchoolId).map((t) => t.userId);
  const heldOn = schoolDay(ctx.today, -10);
  const [meeting] = await bulkInsertRows<{ id: number }>(
    tx,
    meetings,
    [
      {
        institutionId: ctx.demoSchoolId,
        heldOn,
        title: 'Pedaqoji şura: yarımilin ortası',
        agenda:
          '1. Şagirdlərin davamiyyəti və müvəffəqiyyəti\n2. Elektron jurnalın doldurulması\n3. Məktəb olimpiadası',
        minutes:
          'Direktor yarımilin ilk nəticələrini təqdim etdi. Müəllimlər davamiyyətin yaxşılaşdırılması üçün təkliflər verdilər.',
        createdBy: director,
        updatedAt: new Date(`${heldOn}T12:00:00Z`),
      },
    ],
    { returning: [meetings.id] },
  );
  await bulkInsertRows(
    tx,
    attendance,
    staff.map((userId) => ({
      meetingId: meeting!.id,
      userId,
      present: userId === teacher || random.fork(userId).chance(0.9),
    })),
  );
  const other = staff.find((t) => t !== teacher) ?? teacher;
  const list = [
    {
      text: 'Sinif jurnalında dərs mövzularını həftəlik doldurmaq',
      ownerId: teacher,
      dueOn: schoolDay(ctx.today, 2),
      status: 'open',
    },
    {
      text: 'Məktəb olimpiadasının nəticələrini valideynlərə çatdırmaq',
      ownerId: director,
      dueOn: addDays(ctx.today, 14),
      status: 'open',
    },
    {
      text: 'Kompüter sinfinin cədvəlini hazırlamaq',
      ownerId: other,
      dueOn: addDays(ctx.today, -3),
      status: 'done',
    },
  ] as const;
  await bulkInsertRows(
    tx,
    decisions,
    list.map((d) => ({ meetingId: meeting!.id, ...d, updatedAt: new Date(`${heldOn}T12:00:00Z`) })),
  );
  return list.length;
}

/** Webinars for teachers: one held last week (with who attended), two coming; the area's teachers registered. */
async function seedWebinars(
  tx: Db,
  ctx: SchoolLifeContext,
  random: Random,
  teachers: { userId: number; institutionId: number }[],
) {
  const admin = ctx.accounts.get('admin')!;
  const at = (days: number, hour: number) =>
    new Date(`${addDays(ctx.today, days)}T${String(hour - 4).padStart(2, '0')}:00:00Z`);
  const list = [
    { title: 'Rəqəmsal kitabxanadan dərsdə istifadə', areaId: null, startsAt: at(-7, 16), capacity: 500 },
    {
      title: 'Elektron jurnal: qiymətləndirmə və davamiyyət',
      areaId: ctx.demoAreaId,
      startsAt: at(3, 16),
      capacity: 100,
    },
    { title: 'STEAM layihələri ibtidai siniflərdə', areaId: null, startsAt: at(10, 15), capacity: null },
  ];
  const made = await bulkInsertRows<{ id: number; title: string }>(
    tx,
    webinars,
    list.map((w) => ({
      title: w.title,
      description: 'Müəllimlər üçün onlayn seminar: təcrübə mübadiləsi, suallar və cavablar.',
      areaId: w.areaId,
      startsAt: w.startsAt,
      durationMinutes: 60,
      url: `https://meet.jit.si/maktab-vebinar-${list.indexOf(w) + 1}`,
      capacity: w.capacity,
      cancelled: false,
      createdBy: admin,
      createdAt: new Date(w.startsAt.getTime() - 14 * DAY),
    })),
    { returning: [webinars.id, webinars.title] },
  );
  const regs: (typeof registrations.$inferInsert)[] = [];
  const teacher = ctx.accounts.get('teacher');
  for (const [i, w] of made.entries()) {
    const past = i === 0;
    for (const t of teachers) {
      const r = random.fork(`${w.id}/${t.userId}`);
      const demo = t.userId === teacher && i < 2;
      if (!demo && !r.chance(i === 2 ? 0.15 : 0.4)) continue;
      regs.push({
        webinarId: w.id,
        userId: t.userId,
        institutionId: t.institutionId,
        registeredAt: new Date(list[i]!.startsAt.getTime() - r.int(1, 10) * DAY),
        attended: past && (demo || r.chance(0.8)),
      });
    }
  }
  await bulkInsertRows(tx, registrations, regs);
  return made.length;
}

/**
 * Distance-learning figures: when students and teachers were last active. Three students in four within the
 * last week, some earlier, some never; most teachers in the last three days. The named demo accounts are left
 * as they are: they become active when someone signs in with them.
 */
async function seedActivity(tx: Db, ctx: SchoolLifeContext) {
  const named = `{${[...ctx.accounts.values()].join(',')}}`;
  const r = sql`(abs(hashtext(concat_ws(':', ${String(ctx.seed)}::text, 'active', u.id::text))::bigint) % 1000)`;
  await tx.execute(
    sql`update identity_user u set last_active_on = case
          when g.kind = 'student' and ${r} < 750 then ${ctx.today}::date - (${r} % 7)::int
          when g.kind = 'student' and ${r} < 900 then ${ctx.today}::date - (8 + ${r} % 23)::int
          when g.kind = 'staff' and ${r} < 920 then ${ctx.today}::date - (${r} % 3)::int
          when g.kind = 'parent' and ${r} < 500 then ${ctx.today}::date - (${r} % 14)::int
        end
        from (
          -- One kind per person, staff first: a teacher may also be a parent.
          select user_id, (array_agg(case when role = 'student' then 'student' when role = 'parent' then 'parent'
              else 'staff' end order by case when role in ('teacher', 'director') then 0 when role = 'student' then 1
              else 2 end))[1] as kind
          from identity_role_grant where role in ('student', 'teacher', 'director', 'parent') group by user_id
        ) g
        where g.user_id = u.id
          and not (u.id = any(${named}::int[]))`,
  );
}

/**
 * A published distribution plan of computers, its application window open, with applications from the demo
 * area's schools in every state: submitted (the demo school), registered, eligible, ineligible, appealed. Made
 * through the allocation service, which keeps its rules (registration numbers, examination gates, snapshots
 * of the registry), as the ministry and the schools would.
 */
async function seedDistribution(tx: Db, ctx: SchoolLifeContext): Promise<number> {
  const admin = ctx.accounts.get('admin')!;
  const bureau = ctx.accounts.get('bureau') ?? admin;
  const as = (actorId: number) => ({ actorId, ip: null });
  const plan = await allocation.createPlan(
    tx,
    as(admin),
    {
      academicYearId: ctx.academicYearId,
      name: 'Məktəblərin kompüterlə təchizatı 2026–2027',
      rules: {
        units: { desktop: 400, laptop: 200, tablet: 0, projector: 40, interactive_board: 10 },
        unitPrices: { desktop: 900, laptop: 1100, projector: 700, interactive_board: 2500 },
        budget: 700_000,
        norm: 10,
        lotSize: 2,
        regionalMinimums: [],
        weights: { ratioGap: 40, shifts: 20, connection: 15, projects: 15, equity: 10 },
        recentYears: 3,
      },
      applicationsOpenOn: addDays(ctx.today, -20),
      applicationsCloseOn: addDays(ctx.today, 10),
      appealsCloseOn: addDays(ctx.today, 30),
    },
    'az',
  );
  await allocation.publishPlan(tx, as(admin), plan.id);
  const schools = await rows<{ id: number; director: number }>(
    tx,
    sql`select i.id, g.user_id as director from institutions_institution i
        join identity_role_grant g on g.institution_id = i.id and g.role = 'director'
        where i.area_id = ${ctx.demoAreaId} or i.id = ${ctx.demoSchoolId}
        order by i.id = ${ctx.demoSchoolId} desc, i.id limit 5`,
  );
  const states = ['submitted', 'registered', 'eligible', 'ineligible', 'appealed'] as const;
  const all = { complete: true, electricity: true, secureRoom: true, audited: true };
  for (const [i, school] of schools.entries()) {
    const state = states[i]!;
    const application = await allocation.apply(
      tx,
      as(school.director),
      plan.id,
      school.id,
      {
        version: 0,
        requested: { desktop: 10 + 2 * i, laptop: 4, projector: i % 2 === 0 ? 2 : 0 },
        justification: 'Kompüter sinfində cihazlar köhnədir; şagirdlərin sayı normadan çoxdur.',
      },
      'az',
    );
    if (state === 'submitted') continue;
    await allocation.registerApplication(tx, as(bureau), application.id, 'az');
    if (state === 'registered') continue;
    await allocation.examineApplication(
      tx,
      as(bureau),
      application.id,
      state === 'eligible'
        ? { gates: all }
        : { gates: { ...all, secureRoom: false }, note: 'Kompüter otağı mühafizə olunmur.' },
      'az',
    );
    if (state === 'appealed')
      await allocation.appeal(
        tx,
        as(school.director),
        application.id,
        'Otağa siqnalizasiya quraşdırılıb, akt əlavə olunur.',
        'az',
      );
  }
  return schools.length;
}

/**
 * What the demo school's people were told in the last fortnight, as the services tell them: its students of
 * their new and marked assignments; its parents of their children's absences and marks in the journal. Written
 * in SQL from the rows seeded above; dated when the thing happened, never after the seed's "now".
 */
async function seedNotices(tx: Db, ctx: SchoolLifeContext) {
  const since = addDays(ctx.today, -14);
  const now = sql`${ctx.now.toISOString()}::timestamptz`;
  const at = (day: string) => sql`least((${sql.raw(day)} + time '15:00') at time zone 'Asia/Baku', ${now})`;
  await tx.execute(sql`
    insert into notifications_notification (user_id, kind, params, created_at)
    select e.student_id, 'assignment_new',
      jsonb_build_object('assignmentId', a.id, 'title', a.title, 'subjectCode', a.subject_code,
        'dueAt', to_char(a.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
      least(a.created_at, ${now})
    from assignments_assignment a
    join classroom_enrolment e on e.class_id = a.class_id
    where a.institution_id = ${ctx.demoSchoolId} and a.created_at >= ${since}::date
    union all
    select s.student_id, 'assignment_marked',
      jsonb_build_object('assignmentId', a.id, 'title', a.title, 'mark', s.mark),
      s.marked_at
    from assignments_submission s
    join assignments_assignment a on a.id = s.assignment_id
    where s.institution_id = ${ctx.demoSchoolId} and s.mark is not null and s.student_id is not null
      and s.marked_at >= ${since}::date
    union all
    select g.parent_id, 'journal_absence',
      jsonb_build_object('studentId', c.student_id, 'student', u.display_name, 'subjectCode', c.subject_code,
        'heldOn', c.date::text, 'lessonId', c.lesson_id, 'code', c.attendance_code),
      ${at('c.date')}
    from journal_cell c
    join journal_attendance_code k on k.code = c.attendance_code and not k.counts_as_present
    join identity_guardian g on g.student_id = c.student_id
    join identity_user u on u.id = c.student_id
    where c.institution_id = ${ctx.demoSchoolId} and c.lesson_id is not null and c.date >= ${since}::date
    union all
    select g.parent_id, 'journal_mark',
      jsonb_build_object('studentId', c.student_id, 'student', u.display_name, 'subjectCode', c.subject_code,
        'heldOn', c.date::text, 'columnKey', c.column_key, 'mark', c.mark),
      ${at('c.date')}
    from journal_cell c
    join identity_guardian g on g.student_id = c.student_id
    join identity_user u on u.id = c.student_id
    where c.institution_id = ${ctx.demoSchoolId} and c.mark is not null and c.date >= ${since}::date`);
}
