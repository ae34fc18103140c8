import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import { bulkInsert } from '@/server/db/bulk';
import { subjectTeachers, timetableEntries } from '@/modules/classroom/classroom.tables';
import { addDays, schoolDays, weekdayOf } from '@/modules/classroom/classroom.service';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import { Random } from '@/seed/random';
import { seedSchoolWork, type SchoolWorkSummary } from '@/seed/school-work';

/**
 * The demo's school life: what a school has done by the seed's "today" (the platform clock's date at seed
 * time). For every demo school: subject teachers of every class, a clash-free weekly timetable and its lesson
 * occurrences for the last weeks of the term and the next two weeks, and users' recent activity. For the demo
 * accounts' school, fully: the whole term's lessons with topics and library materials, a journal of attendance
 * and marks, assignments and hand-ins, contests, a council; for the demo area: webinars and a distribution
 * plan (school-work.ts). Rows are written in a few INSERT … SELECT statements; every random choice comes from
 * the seed's Random or from `hashtext` over the seed and natural keys, so the same seed and date give the same
 * demo.
 */

/** Whom the demo's school life is about. */
export interface SchoolLifeContext {
  seed: number;
  academicYearId: number;
  /** The school's date today (Asia/Baku) and the instant it begins: the demo's "now". */
  today: string;
  now: Date;
  /** The demo accounts' school and class, and the area of the `region` account. */
  demoSchoolId: number;
  demoClassId: number;
  /** The grade 6 (or 5) class of `student6`, where the `teacher` account also teaches informatics; null if none. */
  secondClassId: number | null;
  demoAreaId: number;
  /** User ids of the named demo accounts by username. */
  accounts: ReadonlyMap<string, number>;
}

/** What the school life seed wrote, for the log and the tests. */
export interface SchoolLifeSummary extends SchoolWorkSummary {
  subjectTeachers: number;
  periods: number;
  lessons: number;
  cells: number;
  materials: number;
  ms: number;
}

/** Weekly periods of each subject by grade: a simplified general-education plan, at most 26 a week. */
function weeklyPlan(grade: number): [string, number][] {
  if (grade <= 4)
    return [
      ['azerbaijani_language', 7],
      ['mathematics', 5],
      ['life_knowledge', 2],
      ['foreign_language_english', 2],
      ['russian_language', 1],
      ['informatics', 1],
      ['technology', 1],
      ['fine_arts', 1],
      ['music', 1],
      ['physical_education', 2],
    ];
  return [
    ['azerbaijani_language', grade <= 6 ? 4 : 3],
    ['literature', 2],
    ['mathematics', 5],
    ['informatics', 1],
    ['physics', 2],
    ['chemistry', 2],
    ['biology', 2],
    ['geography', 1],
    ['history_azerbaijan', 2],
    ['history_world', 1],
    ['foreign_language_english', 3],
    ['russian_language', 1],
    ['life_knowledge', 1],
    ['technology', 1],
    ['fine_arts', 1],
    ['music', 1],
    ['physical_education', 2],
    ['pre_conscription_training', 1],
  ];
}

/** The subjects a primary class's homeroom teacher teaches, and the one a homeroom teacher takes later on. */
const PRIMARY_HOMEROOM = new Set(['azerbaijani_language', 'mathematics', 'life_knowledge', 'technology']);
const DAYS = 5;
const PERIODS = 6;
/** The most periods a week the seed gives one teacher. */
const TEACHER_LOAD = 24;

/** Lesson topics by subject (Azerbaijani, as a teacher writes them); others take the general ones. */
const TOPICS: Record<string, string[]> = {
  mathematics: [
    'Natural ədədlər və onlar üzərində əməllər',
    'Adi kəsrlərlə əməllər',
    'Onluq kəsrlər',
    'Tənliklərin həlli',
    'Faiz anlayışı',
    'Üçbucağın bucaqları',
    'Birməchullu xətti tənliklər',
    'Çoxhədlilərin vurulması',
  ],
  azerbaijani_language: [
    'İsim və onun qrammatik əlamətləri',
    'Sifət',
    'Feilin zamanları',
    'Cümlə üzvləri',
    'Mürəkkəb cümlə',
    'Durğu işarələri',
    'İnşa: Vətənim',
  ],
  literature: [
    'Nizami Gəncəvi "Sirlər xəzinəsi"',
    'Füzuli qəzəlləri',
    'Xalq yaradıcılığı: dastanlar',
    'M.Ə. Sabir satiraları',
    'Səməd Vurğun poeziyası',
  ],
  informatics: [
    'Alqoritm və onun xassələri',
    'Kompüterin əsas qurğuları',
    'Mətn redaktoru ilə iş',
    'Elektron cədvəllər',
    'İnternet təhlükəsizliyi',
    'Proqramlaşdırmaya giriş',
  ],
  physics: ['Mexaniki hərəkət', 'Sürət və təcil', 'Nyutonun qanunları', 'Təzyiq', 'İstilik hadisələri'],
  chemistry: ['Maddə və onun xassələri', 'Atomun quruluşu', 'Kimyəvi reaksiyalar', 'Oksidlər', 'Turşular'],
  biology: [
    'Hüceyrənin quruluşu',
    'Bitkilərin orqanları',
    'Fotosintez',
    'Heyvanlar aləmi',
    'İnsan orqanizmi',
  ],
  geography: ['Yer kürəsinin quruluşu', 'İqlim qurşaqları', 'Azərbaycanın relyefi', 'Çaylar və göllər'],
  history_azerbaijan: [
    'Qədim Azərbaycan',
    'Atropatena dövləti',
    'Qafqaz Albaniyası',
    'Səfəvilər dövləti',
    'Azərbaycan Xalq Cümhuriyyəti',
  ],
  history_world: ['Qədim Misir', 'Qədim Yunanıstan', 'Roma imperiyası', 'Orta əsrlər Avropası'],
  foreign_language_english: [
    'My family',
    'Daily routine',
    'Present Simple and Present Continuous',
    'Past Simple',
    'At school',
    'Travelling',
  ],
};
const GENERAL_TOPICS = [
  'Yeni mövzunun izahı',
  'Təkrar və möhkəmləndirmə',
  'Praktik məşğələ',
  'Kiçik summativ qiymətləndirməyə hazırlıq',
  'Layihə üzərində iş',
];
const HOMEWORK = [
  'Dərslikdə səh. {n}, tapşırıq 1–4',
  'Mövzunu təkrar edin, çalışma {n}',
  'Qısa esse yazın (yarım səhifə)',
  'İş vərəqini tamamlayın',
];

/** Seeds the demo's school life; called inside the seed's transaction, after the people and the library. */
export async function seedSchoolLife(tx: Db, ctx: SchoolLifeContext): Promise<SchoolLifeSummary> {
  const started = performance.now();
  const lap = (what: string) => {
    if (process.env.MAKTAB_SEED_TIMING)
      console.log(`  ${what}: ${Math.round(performance.now() - started)} ms`);
  };
  const random = new Random(ctx.seed).fork('school-life');
  const teaching = await planTeaching(tx, ctx, random.fork('teaching'));

  await bulkInsert(tx, subjectTeachers, [
    { column: subjectTeachers.classId, type: 'int', values: teaching.assigned.map((a) => a.classId) },
    { column: subjectTeachers.subjectCode, type: 'text', values: teaching.assigned.map((a) => a.subject) },
    { column: subjectTeachers.teacherId, type: 'int', values: teaching.assigned.map((a) => a.teacherId) },
    {
      column: subjectTeachers.institutionId,
      type: 'int',
      values: teaching.assigned.map((a) => a.institutionId),
    },
  ]);
  const p = teaching.periods;
  await bulkInsert(tx, timetableEntries, [
    { column: timetableEntries.institutionId, type: 'int', values: p.map((e) => e.institutionId) },
    { column: timetableEntries.academicYearId, type: 'int', values: p.map(() => ctx.academicYearId) },
    { column: timetableEntries.classId, type: 'int', values: p.map((e) => e.classId) },
    { column: timetableEntries.weekday, type: 'int', values: p.map((e) => e.weekday) },
    { column: timetableEntries.period, type: 'int', values: p.map((e) => e.period) },
    { column: timetableEntries.subjectCode, type: 'text', values: p.map((e) => e.subject) },
    { column: timetableEntries.teacherId, type: 'int', values: p.map((e) => e.teacherId) },
  ]);

  // Lessons as the classroom module makes them from the timetable and the school calendar: the demo school
  // from the start of the term, the others from last week; all up to the end of next week.
  const range = await lessonRange(tx, ctx);
  const allClasses = teaching.classes.map((c) => c.id);
  const demoClasses = teaching.classes.filter((c) => c.institutionId === ctx.demoSchoolId).map((c) => c.id);
  const otherClasses = allClasses.filter((id) => !demoClasses.includes(id));
  let lessons = 0;
  for (const [classIds, from] of [
    [demoClasses, range.termStart],
    [otherClasses, range.recent],
  ] as const) {
    if (classIds.length === 0 || from > range.to) continue;
    const days = await schoolDays(tx, ctx.academicYearId, from, range.to);
    const counts = await insertLessons(tx, classIds, days);
    lessons += counts;
  }

  lap('timetable and lessons');
  const content = await fillLessons(tx, ctx, range);
  lap('lesson content');
  const cells = range.term ? await fillJournal(tx, ctx, range.term, range.recent) : 0;
  lap('journal');
  const work = await seedSchoolWork(tx, ctx, {
    random: random.fork('work'),
    classes: teaching.classes,
    assigned: teaching.assigned,
  });
  lap('work');
  return {
    subjectTeachers: teaching.assigned.length,
    periods: p.length,
    lessons,
    cells,
    materials: content.materials,
    ...work,
    ms: Math.round(performance.now() - started),
  };
}

/** One line about the school life seed, for the log. */
export function describeSchoolLife(s: SchoolLifeSummary): string {
  const n = (x: number) => x.toLocaleString('en');
  return (
    `school life: ${n(s.subjectTeachers)} subject teachers, ${n(s.periods)} weekly periods, ${n(s.lessons)} lessons ` +
    `(${n(s.materials)} materials), ${n(s.cells)} journal cells, ${n(s.assignments)} assignments with ` +
    `${n(s.submissions)} hand-ins, ${s.contests} contests (${n(s.attempts)} attempts), ${s.webinars} webinars, ` +
    `${s.decisions} council decisions, ${s.applications} distribution applications in ${(s.ms / 1000).toFixed(1)} s`
  );
}

// ---------------------------------------------------------------------------------------------------------
// Who teaches what, and when

export interface SeedClass {
  id: number;
  institutionId: number;
  grade: number;
  letter: string;
  shift: number;
  homeroomTeacherId: number | null;
}

export interface Assigned {
  classId: number;
  institutionId: number;
  subject: string;
  teacherId: number;
  hours: number;
}

interface Period {
  institutionId: number;
  classId: number;
  weekday: number;
  period: number;
  subject: string;
  teacherId: number;
}

async function planTeaching(tx: Db, ctx: SchoolLifeContext, random: Random) {
  const classes = await rows<SeedClass>(
    tx,
    sql`select id, institution_id as "institutionId", grade, letter, shift,
          homeroom_teacher_id as "homeroomTeacherId"
        from classroom_class where academic_year_id = ${ctx.academicYearId} order by institution_id, grade, letter`,
  );
  const teacherRows = await rows<{ institutionId: number; userId: number }>(
    tx,
    sql`select institution_id as "institutionId", user_id as "userId" from identity_role_grant
        where role = 'teacher' and institution_id is not null order by institution_id, user_id`,
  );
  const subjectRows = await rows<{ code: string; grades: number[] }>(
    tx,
    sql`select code, grades from institutions_subject`,
  );
  const gradesOf = new Map(subjectRows.map((s) => [s.code, new Set(s.grades)]));
  const teachersAt = new Map<number, number[]>();
  for (const t of teacherRows) {
    const list = teachersAt.get(t.institutionId) ?? [];
    list.push(t.userId);
    teachersAt.set(t.institutionId, list);
  }

  const assigned: Assigned[] = [];
  const periods: Period[] = [];
  const bySchool = new Map<number, SeedClass[]>();
  for (const c of classes) {
    const list = bySchool.get(c.institutionId) ?? [];
    list.push(c);
    bySchool.set(c.institutionId, list);
  }
  for (const [institutionId, schoolClasses] of bySchool) {
    const teachers = teachersAt.get(institutionId) ?? [];
    if (teachers.length === 0) continue;
    const r = random.fork(institutionId);
    const load = new Map(teachers.map((t) => [t, 0]));
    // A teacher's subjects at this school, so that one teacher keeps one or two subjects across classes.
    const subjectsOf = new Map(teachers.map((t) => [t, new Set<string>()]));
    const busy = new Set<string>();
    // The `teacher` demo account teaches only their own class and informatics in one younger class (the
    // class of `student6`, for the grade 5–6 internet-safety course), so that their day stays easy to follow.
    const own = ctx.accounts.get('teacher');
    const ownSecond = (c: SeedClass, subject: string) =>
      own !== undefined && load.has(own) && c.id === ctx.secondClassId && subject === 'informatics';
    const pick = (subject: string, hours: number): number => {
      const fits = (t: number) => t !== own && load.get(t)! + hours <= TEACHER_LOAD;
      const same = teachers.filter((t) => subjectsOf.get(t)!.has(subject) && fits(t));
      if (same.length > 0) return same[0]!;
      const free = teachers.filter((t) => subjectsOf.get(t)!.size < 2 && fits(t));
      const pool = free.length > 0 ? free : teachers.filter((t) => t !== own);
      return pool.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
    };
    for (const c of schoolClasses) {
      const plan = weeklyPlan(c.grade).filter(([code]) => gradesOf.get(code)?.has(c.grade));
      const mine: Assigned[] = [];
      for (const [subject, hours] of plan) {
        const homeroom =
          c.homeroomTeacherId !== null &&
          load.has(c.homeroomTeacherId) &&
          (c.grade <= 4 ? PRIMARY_HOMEROOM.has(subject) : subject === 'mathematics');
        const teacherId = homeroom
          ? c.homeroomTeacherId!
          : ownSecond(c, subject)
            ? own!
            : pick(subject, hours);
        load.set(teacherId, load.get(teacherId)! + hours);
        subjectsOf.get(teacherId)!.add(subject);
        mine.push({ classId: c.id, institutionId, subject, teacherId, hours });
      }
      assigned.push(...mine);

      // The week: periods 1.. of each day, the class's hours spread evenly; each slot takes the subject with
      // the most hours left whose teacher is free then, at most twice a day.
      const total = mine.reduce((n, a) => n + a.hours, 0);
      const left = new Map(mine.map((a) => [a.subject, a.hours]));
      const order = r.distinct(mine.length, 0, mine.length - 1).map((i) => mine[i]!);
      for (let day = 1; day <= DAYS; day++) {
        const length = Math.min(PERIODS, Math.floor(total / DAYS) + (day <= total % DAYS ? 1 : 0));
        const today = new Map<string, number>();
        for (let period = 1; period <= length; period++) {
          const slot = (t: number) => `${t}/${day}/${c.shift}/${period}`;
          const candidates = order
            .filter((a) => left.get(a.subject)! > 0 && !busy.has(slot(a.teacherId)))
            .sort((a, b) => left.get(b.subject)! - left.get(a.subject)!);
          const choice =
            candidates.find((a) => (today.get(a.subject) ?? 0) < 2 && a.hours > 1) ??
            candidates.find((a) => (today.get(a.subject) ?? 0) === 0);
          if (!choice) continue;
          busy.add(slot(choice.teacherId));
          left.set(choice.subject, left.get(choice.subject)! - 1);
          today.set(choice.subject, (today.get(choice.subject) ?? 0) + 1);
          periods.push({
            institutionId,
            classId: c.id,
            weekday: day,
            period,
            subject: choice.subject,
            teacherId: choice.teacherId,
          });
        }
      }
    }
  }
  return { classes, assigned, periods };
}

// ---------------------------------------------------------------------------------------------------------
// Lessons and their content

export interface LessonRange {
  /** The term holding today, or the last one begun before it; null before the year's first term. */
  term: { code: string; startsOn: string; endsOn: string } | null;
  termStart: string;
  /** Where the other schools' lessons (and the demo school's journal beyond the demo class) begin: last Monday. */
  recent: string;
  /** The Sunday of next week. */
  to: string;
}

async function lessonRange(tx: Db, ctx: SchoolLifeContext): Promise<LessonRange> {
  const terms = await institutionsStore.termsOf(tx, ctx.academicYearId);
  const begun = terms.filter((t) => t.startsOn <= ctx.today);
  const t = begun[begun.length - 1] ?? null;
  const monday = addDays(ctx.today, 1 - weekdayOf(ctx.today));
  const recent = addDays(monday, -7);
  const termStart = t ? t.startsOn : monday;
  return {
    term: t ? { code: t.code, startsOn: t.startsOn, endsOn: t.endsOn } : null,
    termStart,
    recent: recent > termStart ? recent : termStart,
    to: addDays(monday, 13),
  };
}

/**
 * The occurrences of the classes' weekly periods on the given school days, made as the classroom module's
 * generation makes them on an empty calendar (classroom.store.ts `generateLessons`): one period on its date,
 * its times from the shift's bells. The module's generation also reconciles existing lessons, which a new
 * demo has none of, and which costs seconds over tens of thousands of rows.
 */
async function insertLessons(tx: Db, classIds: number[], days: string[]): Promise<number> {
  if (classIds.length === 0 || days.length === 0) return 0;
  const [row] = await rows<{ n: number }>(
    tx,
    sql`with made as (
          insert into classroom_lesson (timetable_entry_id, institution_id, academic_year_id, class_id, date, period,
            subject_code, teacher_id, room, start_minute, end_minute)
          select e.id, e.institution_id, e.academic_year_id, e.class_id, d.date, e.period, e.subject_code,
            e.teacher_id, e.room, b.start_minute, b.end_minute
          from unnest(${`{${days.join(',')}}`}::date[]) as d(date)
          join classroom_timetable_entry e on e.weekday = extract(isodow from d.date)::int
            and e.class_id = any(${`{${classIds.join(',')}}`}::int[])
          join classroom_class c on c.id = e.class_id
          join classroom_bell_period b on b.institution_id = e.institution_id
            and b.academic_year_id = e.academic_year_id and b.shift = c.shift and b.period = e.period
          order by d.date, e.class_id, e.period
          returning 1)
        select count(*)::int as n from made`,
  );
  return row?.n ?? 0;
}

/** `hashtext` of the seed and the given SQL parts, as a number from 0 to 999. */
const roll = (seed: number, ...parts: ReturnType<typeof sql>[]) =>
  sql`(abs(hashtext(concat_ws(':', ${String(seed)}::text, ${sql.join(parts, sql`, `)}))::bigint) % 1000)`;

/**
 * Past lessons get what a teacher writes after teaching them: a topic (nine in ten), homework (one in three),
 * a meeting link now and then (a class taught online); the demo school's lessons up to next week get library
 * materials of their subject and grade when the demo library is there.
 */
async function fillLessons(tx: Db, ctx: SchoolLifeContext, range: LessonRange) {
  const r = (label: string) =>
    roll(ctx.seed, sql`${label}::text`, sql`l.class_id`, sql`l.date`, sql`l.period`);
  const pickFrom = (list: readonly string[], label: string) =>
    sql`(${arrayText(list)}::text[])[1 + ${r(label)} % ${list.length}]`;
  const topic = sql`case l.subject_code ${sql.join(
    Object.entries(TOPICS).map(([code, list]) => sql`when ${code} then ${pickFrom(list, 'tn')}`),
    sql` `,
  )} else ${pickFrom(GENERAL_TOPICS, 'tg')} end`;
  const homework = sql`replace((${arrayText(HOMEWORK)}::text[])[1 + ${r('hw')} % ${HOMEWORK.length}], '{n}',
      (10 + ${r('hp')} % 150)::text)`;
  const doneAt = sql`(l.date::timestamp + make_interval(mins => l.end_minute - 240)) at time zone 'UTC'`;
  await tx.execute(
    sql`update classroom_lesson l set topic = ${topic},
          homework = case when ${r('h')} < 330 then ${homework} end,
          meeting_url = case when ${r('m')} < 60 then 'https://meet.jit.si/maktab-' || l.class_id || '-' || l.subject_code end,
          has_content = true, content_updated_at = ${doneAt}
        where l.academic_year_id = ${ctx.academicYearId} and l.date < ${ctx.today}::date and ${r('t')} < 900
          and (l.institution_id = ${ctx.demoSchoolId} or l.date >= ${range.recent}::date)`,
  );
  // This week's coming lessons of the demo school: topics planned ahead, homework on some.
  await tx.execute(
    sql`update classroom_lesson l set topic = ${topic},
          homework = case when ${r('h')} < 400 then ${homework} end,
          has_content = true, content_updated_at = ${ctx.now.toISOString()}::timestamptz
        where l.institution_id = ${ctx.demoSchoolId} and l.date >= ${ctx.today}::date
          and l.date <= ${addDays(range.to, -7)}::date`,
  );
  const materials = await rows<{ n: number }>(
    tx,
    sql`with picked as (
          select l.id as lesson_id, l.institution_id, r.id as resource_id, r.title
          from classroom_lesson l join classroom_class c on c.id = l.class_id
          cross join lateral (
            select r.id, r.title from library_resource r
            where r.state = 'published' and r.subject_code = l.subject_code and c.grade = any(r.grades)
            order by abs(hashtext(concat_ws(':', ${String(ctx.seed)}::text, l.id::text, r.id::text))), r.id limit 1
          ) r
          where l.institution_id = ${ctx.demoSchoolId} and l.date <= ${addDays(range.to, -7)}::date
            and ${r('lib')} < 350
        ), ins as (
          insert into classroom_lesson_material (lesson_id, position, institution_id, kind, resource_id, title)
          select lesson_id, 1, institution_id, 'resource', resource_id, title from picked returning 1
        ), marked as (
          update classroom_lesson set has_content = true where id in (select lesson_id from picked) returning 1
        )
        select (select count(*)::int from ins) as n`,
  );
  return { materials: materials[0]?.n ?? 0 };
}

const arrayText = (items: readonly string[]) =>
  `{${items.map((s) => `"${s.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;

/**
 * The demo school's journal: every student in every past lesson of the term so far for the demo class and
 * the demo teacher's classes, of the last week and this one for the school's other classes — present about 95 times
 * in a hundred, else absent, late or excused (for illness) — and a mark on the 5-point scale for about one
 * student in five in each lesson, better or worse by student. History rows as the journal writes them.
 */
async function fillJournal(tx: Db, ctx: SchoolLifeContext, term: { code: string }, recent: string) {
  const teacher = ctx.accounts.get('teacher') ?? 0;
  const r = (label: string) =>
    roll(ctx.seed, sql`${label}::text`, sql`l.class_id`, sql`l.date`, sql`l.period`, sql`e.student_id`);
  const ability = roll(ctx.seed, sql`'ability'::text`, sql`e.student_id`);
  const doneAt = sql`(l.date::timestamp + make_interval(mins => l.end_minute - 240)) at time zone 'UTC'`;
  await tx.execute(
    sql`with source as (
          select l.id as lesson_id, l.institution_id, l.academic_year_id, l.class_id, l.subject_code, l.date,
            l.teacher_id, ${doneAt} as at, e.student_id, ${r('a')} as a, ${r('m')} as m, ${r('v')} as v,
            ${ability} as ability
          from classroom_lesson l join classroom_enrolment e on e.class_id = l.class_id
          where l.institution_id = ${ctx.demoSchoolId} and l.academic_year_id = ${ctx.academicYearId}
            and l.state = 'scheduled' and l.date < ${ctx.today}::date
            and l.date >= (select starts_on from institutions_calendar_entry
              where academic_year_id = ${ctx.academicYearId} and kind = 'term' and code = ${term.code})
            and (l.class_id = ${ctx.demoClassId} or l.teacher_id = ${teacher} or l.date >= ${recent}::date)
        ), coded as (
          select *, case when a < 950 then 'present' when a < 965 then 'late' when a < 985 then 'absent'
            else 'excused' end as code from source
        )
        insert into journal_cell (student_id, column_key, institution_id, academic_year_id, class_id,
          subject_code, term_code, date, lesson_id, attendance_code, attendance_reason, mark, version,
          updated_by, updated_at)
        select student_id, 'l' || lesson_id, institution_id, academic_year_id, class_id, subject_code,
          ${term.code}, date, lesson_id, code, case when code = 'excused' then 'Xəstəlik' end,
          case when code in ('present', 'late') and m < 200 then
            case when v + ability / 2 >= 1050 then 5 when v + ability / 2 >= 700 then 4
              when v + ability / 2 >= 300 then 3 else 2 end end,
          1, teacher_id, at
        from coded`,
  );
  await tx.execute(
    sql`insert into journal_cell_event (institution_id, class_id, student_id, column_key, version,
          attendance_code, attendance_reason, mark, by, at)
        select institution_id, class_id, student_id, column_key, version, attendance_code, attendance_reason,
          mark, updated_by, updated_at
        from journal_cell where institution_id = ${ctx.demoSchoolId}
        order by updated_at, column_key, student_id`,
  );
  await tx.execute(
    sql`update classroom_lesson l set recorded = true
        where l.institution_id = ${ctx.demoSchoolId} and exists (
          select 1 from journal_cell c where c.lesson_id = l.id)`,
  );
  return countCells(tx, ctx.demoSchoolId);
}

async function countCells(tx: Db, institutionId: number): Promise<number> {
  const [row] = await rows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from journal_cell where institution_id = ${institutionId}`,
  );
  return row?.n ?? 0;
}
