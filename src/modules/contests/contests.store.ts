import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import {
  answers,
  attempts,
  contestQuestions,
  contests,
  questions,
  type QuestionMark,
} from '@/modules/contests/contests.tables';
import { classes, enrolments } from '@/modules/classroom/classroom.tables';
import { areas, institutions } from '@/modules/institutions/institutions.tables';

/** The contests module's SQL: the question banks, contests, attempts and their answers, leaderboards. */

export type QuestionRow = typeof questions.$inferSelect;
export type ContestRow = typeof contests.$inferSelect;
export type ContestQuestionRow = typeof contestQuestions.$inferSelect;
export type AttemptRow = typeof attempts.$inferSelect;

// Questions --------------------------------------------------------------------------------------------------

export async function insertQuestion(db: Db, values: typeof questions.$inferInsert): Promise<QuestionRow> {
  const [row] = await db.insert(questions).values(values).returning();
  return row!;
}

/**
 * Rewrites a question if it is still at `version`, bumping it; undefined when someone else saved it meanwhile
 * (the row lock makes a concurrent save wait, then miss the version).
 */
export async function updateQuestion(
  db: Db,
  id: number,
  version: number,
  values: Partial<typeof questions.$inferInsert>,
): Promise<QuestionRow | undefined> {
  const [row] = await db
    .update(questions)
    .set({ ...values, updatedAt: new Date(), version: sql`${questions.version} + 1` })
    .where(and(eq(questions.id, id), eq(questions.version, version)))
    .returning();
  return row;
}

export async function findQuestion(db: Db, id: number): Promise<QuestionRow | undefined> {
  const [row] = await db.select().from(questions).where(eq(questions.id, id));
  return row;
}

export async function questionsByIds(db: Db, ids: number[]): Promise<QuestionRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(questions).where(inArray(questions.id, ids));
}

/** Questions of the given banks (school ids; `national` for the national bank), by subject and grade. */
export async function listQuestions(
  db: Db,
  filter: {
    institutionIds: number[];
    national: boolean;
    subjectCode?: string;
    grade?: number;
    limit: number;
    offset: number;
  },
): Promise<{ items: QuestionRow[]; total: number }> {
  const banks = [
    filter.institutionIds.length > 0 ? inArray(questions.institutionId, filter.institutionIds) : undefined,
    filter.national ? isNull(questions.institutionId) : undefined,
  ].filter((c): c is SQL => c !== undefined);
  if (banks.length === 0) return { items: [], total: 0 };
  const where = and(
    or(...banks),
    filter.subjectCode ? eq(questions.subjectCode, filter.subjectCode) : undefined,
    filter.grade ? eq(questions.grade, filter.grade) : undefined,
  );
  const items = await db
    .select()
    .from(questions)
    .where(where)
    .orderBy(desc(questions.id))
    .limit(filter.limit)
    .offset(filter.offset);
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(questions)
    .where(where);
  return { items, total: count!.n };
}

// Contests ---------------------------------------------------------------------------------------------------

export async function insertContest(db: Db, values: typeof contests.$inferInsert): Promise<ContestRow> {
  const [row] = await db.insert(contests).values(values).returning();
  return row!;
}

export async function insertContestQuestions(
  db: Db,
  values: (typeof contestQuestions.$inferInsert)[],
): Promise<void> {
  if (values.length > 0) await db.insert(contestQuestions).values(values);
}

export async function findContest(db: Db, id: number): Promise<ContestRow | undefined> {
  const [row] = await db.select().from(contests).where(eq(contests.id, id));
  return row;
}

export async function publishContest(db: Db, id: number): Promise<ContestRow> {
  const [row] = await db
    .update(contests)
    .set({ state: 'published', version: sql`${contests.version} + 1` })
    .where(eq(contests.id, id))
    .returning();
  return row!;
}

/**
 * Rewrites a draft still at `version` (its version rises, so cached questions are dropped); undefined when it
 * is no draft or someone else changed it meanwhile.
 */
export async function updateDraft(
  db: Db,
  id: number,
  version: number,
  values: Partial<typeof contests.$inferInsert>,
): Promise<ContestRow | undefined> {
  const [row] = await db
    .update(contests)
    .set({ ...values, version: sql`${contests.version} + 1` })
    .where(and(eq(contests.id, id), eq(contests.state, 'draft'), eq(contests.version, version)))
    .returning();
  return row;
}

/** Deletes a draft and its questions; false when it is no draft (published meanwhile, or gone). */
export async function deleteDraft(db: Db, id: number): Promise<boolean> {
  const done = await db
    .delete(contests)
    .where(and(eq(contests.id, id), eq(contests.state, 'draft')))
    .returning({ id: contests.id });
  return done.length > 0;
}

export async function deleteContestQuestions(db: Db, contestId: number): Promise<void> {
  await db.delete(contestQuestions).where(eq(contestQuestions.contestId, contestId));
}

/** How many contests (drafts or published) hold a copy of a bank question. */
export async function contestsUsingQuestion(db: Db, questionId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(contestQuestions)
    .where(eq(contestQuestions.questionId, questionId));
  return row!.n;
}

export async function deleteQuestion(db: Db, id: number): Promise<void> {
  await db.delete(questions).where(eq(questions.id, id));
}

/** A contest's questions in their order. */
export async function questionsOfContest(db: Db, contestId: number): Promise<ContestQuestionRow[]> {
  return db
    .select()
    .from(contestQuestions)
    .where(eq(contestQuestions.contestId, contestId))
    .orderBy(asc(contestQuestions.position));
}

/**
 * Contests a caller may see in a list: published ones whose scope holds the student's class, school or area
 * path (`forStudent`), or those made by the caller or scoped to the given schools or areas (`forStaff`).
 */
export async function listContests(
  db: Db,
  filter:
    | {
        forStudent: {
          classId: number;
          institutionId: number;
          areaPath: number[];
          grade: number;
        };
      }
    | {
        forStaff: { userId: number; institutionIds: number[]; areaIds: number[]; nation: boolean };
      },
  limit: number,
): Promise<ContestRow[]> {
  let where: SQL;
  if ('forStudent' in filter) {
    const s = filter.forStudent;
    where = sql`${contests.state} = 'published' and ${contests.grade} = ${s.grade} and (
      ${contests.scope} = 'nation'
      or (${contests.scope} = 'class' and ${contests.classId} = ${s.classId})
      or (${contests.scope} = 'school' and ${contests.institutionId} = ${s.institutionId})
      or (${contests.scope} in ('district', 'region') and ${contests.areaId} = any(${intArray(s.areaPath)})))`;
  } else {
    const s = filter.forStaff;
    where = s.nation
      ? sql`true`
      : sql`(${contests.createdBy} = ${s.userId}
          or ${contests.institutionId} = any(${intArray(s.institutionIds)})
          or ${contests.areaId} in (select a.id from institutions_area a where a.path && ${intArray(s.areaIds)}))`;
  }
  return db.select().from(contests).where(where).orderBy(desc(contests.date), desc(contests.id)).limit(limit);
}

// Attempts ---------------------------------------------------------------------------------------------------

/** A student's attempts at a contest, the first first. */
export async function attemptsOf(db: Db, contestId: number, studentId: number): Promise<AttemptRow[]> {
  return db
    .select()
    .from(attempts)
    .where(and(eq(attempts.contestId, contestId), eq(attempts.studentId, studentId)))
    .orderBy(asc(attempts.attemptNo));
}

/** A student's attempts at several contests (a list page's "my result"), in attempt order. */
export async function attemptsOfStudent(
  db: Db,
  studentId: number,
  contestIds: number[],
): Promise<AttemptRow[]> {
  if (contestIds.length === 0) return [];
  return db
    .select()
    .from(attempts)
    .where(and(eq(attempts.studentId, studentId), sql`${attempts.contestId} = any(${intArray(contestIds)})`))
    .orderBy(asc(attempts.contestId), asc(attempts.attemptNo));
}

/**
 * Starts an attempt in one statement: numbered after the student's last, and only while fewer than
 * `maxAttempts` exist and none is open. Null when refused (limit reached, one open, or a concurrent start
 * won the race): the caller reads the attempts to say which.
 */
export async function startAttempt(
  db: Db,
  values: {
    contestId: number;
    studentId: number;
    institutionId: number;
    classId: number;
    areaPath: number[];
    startedAt: Date;
    deadline: Date;
    maxScore: number;
    maxAttempts: number;
  },
): Promise<AttemptRow | null> {
  const [row] = await rows<{ id: number; attemptNo: number }>(
    db,
    sql`insert into contests_attempt
          (contest_id, student_id, institution_id, class_id, area_path, attempt_no, started_at, deadline, max_score)
        select ${values.contestId}, ${values.studentId}, ${values.institutionId}, ${values.classId},
               ${intArray(values.areaPath)}, coalesce(max(a.attempt_no), 0) + 1,
               ${values.startedAt.toISOString()}::timestamptz, ${values.deadline.toISOString()}::timestamptz,
               ${values.maxScore}
          from contests_attempt a
         where a.contest_id = ${values.contestId} and a.student_id = ${values.studentId}
        having count(*) < ${values.maxAttempts} and count(*) filter (where a.state = 'open') = 0
        on conflict do nothing
        returning id, attempt_no as "attemptNo"`,
  );
  if (!row) return null;
  return {
    id: row.id,
    contestId: values.contestId,
    studentId: values.studentId,
    institutionId: values.institutionId,
    classId: values.classId,
    areaPath: values.areaPath,
    attemptNo: row.attemptNo,
    state: 'open',
    startedAt: values.startedAt,
    deadline: values.deadline,
    closedAt: null,
    score: null,
    maxScore: values.maxScore,
    marks: null,
  };
}

export async function findAttempt(db: Db, id: number): Promise<AttemptRow | undefined> {
  const [row] = await db.select().from(attempts).where(eq(attempts.id, id));
  return row;
}

/** An attempt with what the hot path needs of its contest, in one query. */
export interface AttemptWithContest extends AttemptRow {
  contestVersion: number;
  shuffle: boolean;
  closesAt: Date;
}

export async function findAttemptWithContest(db: Db, id: number): Promise<AttemptWithContest | undefined> {
  const [row] = await db
    .select({
      id: attempts.id,
      contestId: attempts.contestId,
      studentId: attempts.studentId,
      institutionId: attempts.institutionId,
      classId: attempts.classId,
      areaPath: attempts.areaPath,
      attemptNo: attempts.attemptNo,
      state: attempts.state,
      startedAt: attempts.startedAt,
      deadline: attempts.deadline,
      closedAt: attempts.closedAt,
      score: attempts.score,
      maxScore: attempts.maxScore,
      marks: attempts.marks,
      contestVersion: contests.version,
      shuffle: contests.shuffle,
      closesAt: contests.closesAt,
    })
    .from(attempts)
    .innerJoin(contests, eq(contests.id, attempts.contestId))
    .where(eq(attempts.id, id));
  return row;
}

/** An attempt with its contest's version and its saved answers, in one query (a reload, the questions). */
export async function findAttemptWithAnswers(
  db: Db,
  id: number,
): Promise<(AttemptWithContest & { answers: AnswerRow[] }) | undefined> {
  const [row] = await rows<{
    attempt: Omit<AttemptRow, 'startedAt' | 'deadline' | 'closedAt'> & {
      startedAt: string;
      deadline: string;
      closedAt: string | null;
    };
    contestVersion: number;
    shuffle: boolean;
    closesAt: string | Date;
    answers: { questionId: number; version: number; answer: unknown; savedAt: string }[] | null;
  }>(
    db,
    sql`select json_build_object('id', a.id, 'contestId', a.contest_id, 'studentId', a.student_id,
                 'institutionId', a.institution_id, 'classId', a.class_id, 'areaPath', a.area_path,
                 'attemptNo', a.attempt_no, 'state', a.state, 'startedAt', a.started_at, 'deadline', a.deadline,
                 'closedAt', a.closed_at, 'score', a.score, 'maxScore', a.max_score, 'marks', a.marks) as attempt,
               c.version as "contestVersion", c.shuffle, c.closes_at as "closesAt",
               (select json_agg(json_build_object('questionId', x.question_id, 'version', x.version,
                         'answer', x.answer, 'savedAt', x.saved_at))
                  from contests_answer x where x.attempt_id = a.id) as answers
          from contests_attempt a join contests_contest c on c.id = a.contest_id
         where a.id = ${id}`,
  );
  if (!row) return undefined;
  const a = row.attempt;
  return {
    ...a,
    startedAt: new Date(a.startedAt),
    deadline: new Date(a.deadline),
    closedAt: a.closedAt === null ? null : new Date(a.closedAt),
    contestVersion: row.contestVersion,
    shuffle: row.shuffle,
    closesAt: new Date(row.closesAt),
    answers: (row.answers ?? []).map((x) => ({ ...x, savedAt: new Date(x.savedAt) })),
  };
}

export interface AnswerRow {
  questionId: number;
  version: number;
  answer: unknown;
  savedAt: Date;
}

export async function answersOf(db: Db, attemptId: number): Promise<AnswerRow[]> {
  return db
    .select({
      questionId: answers.questionId,
      version: answers.version,
      answer: answers.answer,
      savedAt: answers.savedAt,
    })
    .from(answers)
    .where(eq(answers.attemptId, attemptId));
}

/**
 * Saves an answer unless a newer (or the same) version is stored, and only while the attempt is open and
 * before its deadline — checked in the same statement, so a save racing the deadline or the submit loses.
 * Returns what is stored afterwards, or null when the attempt no longer takes answers.
 */
export async function saveAnswer(
  db: Db,
  v: {
    attemptId: number;
    studentId: number;
    questionId: number;
    version: number;
    answer: unknown;
    now: Date;
  },
): Promise<{ version: number; savedAt: Date; written: boolean } | null> {
  const [row] = await rows<{ version: number; savedAt: string | Date; written: boolean }>(
    db,
    sql`with open as (
          select id from contests_attempt
           where id = ${v.attemptId} and student_id = ${v.studentId} and state = 'open'
             and deadline > ${v.now.toISOString()}::timestamptz),
        up as (
          insert into contests_answer (attempt_id, question_id, version, answer, saved_at)
          select id, ${v.questionId}, ${v.version}, ${JSON.stringify(v.answer)}::jsonb,
                 ${v.now.toISOString()}::timestamptz from open
          on conflict (attempt_id, question_id) do update
            set version = excluded.version, answer = excluded.answer, saved_at = excluded.saved_at
            where contests_answer.version < excluded.version
          returning version, saved_at)
        select version, saved_at as "savedAt", true as written from up
        union all
        select a.version, a.saved_at, false from contests_answer a, open
         where a.attempt_id = open.id and a.question_id = ${v.questionId} and not exists (select 1 from up)`,
  );
  if (!row) return null;
  return { version: row.version, savedAt: new Date(row.savedAt), written: row.written };
}

/** Closes an open attempt with its marks; false when it was no longer open (closed by a concurrent call). */
export async function closeAttempt(
  db: Db,
  id: number,
  v: { state: 'submitted' | 'expired'; score: number; marks: QuestionMark[]; closedAt: Date },
): Promise<boolean> {
  const done = await db
    .update(attempts)
    .set({ state: v.state, score: v.score, marks: v.marks, closedAt: v.closedAt })
    .where(and(eq(attempts.id, id), eq(attempts.state, 'open')))
    .returning({ id: attempts.id });
  return done.length > 0;
}

/** Ids of a contest's open attempts whose deadline has passed. */
export async function expiredAttemptIds(db: Db, contestId: number, now: Date): Promise<number[]> {
  const found = await rows<{ id: number }>(
    db,
    sql`select id from contests_attempt
         where contest_id = ${contestId} and state = 'open' and deadline <= ${now.toISOString()}::timestamptz
         order by id`,
  );
  return found.map((r) => r.id);
}

// Leaderboards -----------------------------------------------------------------------------------------------

/** Each student's best closed attempt of a contest in a class (or a school), best first. */
export async function bestByStudent(
  db: Db,
  contestId: number,
  where: { classId: number } | { institutionId: number },
): Promise<{ studentId: number; classId: number; score: number; maxScore: number; closedAt: Date }[]> {
  const filter =
    'classId' in where ? sql`class_id = ${where.classId}` : sql`institution_id = ${where.institutionId}`;
  const found = await rows<{
    studentId: number;
    classId: number;
    score: number;
    maxScore: number;
    closedAt: string | Date;
  }>(
    db,
    sql`select distinct on (student_id) student_id as "studentId", class_id as "classId", score,
               max_score as "maxScore", closed_at as "closedAt"
          from contests_attempt
         where contest_id = ${contestId} and ${filter} and state <> 'open'
         order by student_id, score desc, closed_at asc`,
  );
  return found
    .map((r) => ({ ...r, closedAt: new Date(r.closedAt) }))
    .sort(
      (a, b) => b.score - a.score || a.closedAt.getTime() - b.closedAt.getTime() || a.studentId - b.studentId,
    );
}

/** An aggregate of the students' best attempts in a group (a class, a school, an area). */
export interface Aggregate {
  id: number;
  participants: number;
  meanScore: number;
  bestScore: number;
}

/**
 * Aggregates of the students' best closed attempts, grouped by class or school (within `within`: a school,
 * or an area and its subtree, or the nation), or by the area at depth `areaDepth` of the area path.
 */
export async function aggregates(
  db: Db,
  contestId: number,
  by: 'class' | 'school' | 'area',
  within: { institutionId: number } | { areaId: number } | 'nation',
): Promise<Aggregate[]> {
  const key =
    by === 'class'
      ? sql`class_id`
      : by === 'school'
        ? sql`institution_id`
        : sql`area_path[cardinality(area_path)]`;
  const filter =
    within === 'nation'
      ? sql`true`
      : 'institutionId' in within
        ? sql`institution_id = ${within.institutionId}`
        : sql`${within.areaId} = any(area_path)`;
  return rows<Aggregate>(
    db,
    sql`with best as (
          select distinct on (student_id) student_id, class_id, institution_id, area_path, score
            from contests_attempt
           where contest_id = ${contestId} and state <> 'open' and ${filter}
           order by student_id, score desc)
        select ${key} as id, count(*)::int as participants,
               round(avg(score)::numeric, 2)::float8 as "meanScore", max(score)::int as "bestScore"
          from best where ${key} is not null
         group by 1 order by "meanScore" desc, 1`,
  );
}

/** Every attempt of a contest at a school, by class, then best score first. */
export async function attemptsAtSchool(
  db: Db,
  contestId: number,
  institutionId: number,
): Promise<AttemptRow[]> {
  return db
    .select()
    .from(attempts)
    .where(and(eq(attempts.contestId, contestId), eq(attempts.institutionId, institutionId)))
    .orderBy(
      asc(attempts.classId),
      sql`${attempts.score} desc nulls last`,
      asc(attempts.studentId),
      asc(attempts.attemptNo),
    );
}

/**
 * How many different students started a contest between two days (at school), per school or per class of the
 * given schools: distance-learning monitoring's participation, as counts only.
 */
export async function participants(
  db: Db,
  schoolIds: number[],
  by: 'school' | 'class',
  range: { from: string; to: string; timeZone: string },
): Promise<{ id: number; students: number }[]> {
  if (schoolIds.length === 0) return [];
  const key = by === 'class' ? sql`class_id` : sql`institution_id`;
  return rows<{ id: number; students: number }>(
    db,
    sql`select ${key} as id, count(distinct student_id)::int as students from ${attempts}
        where institution_id = any(${intArray(schoolIds)})
          and (started_at at time zone ${range.timeZone})::date between ${range.from}::date and ${range.to}::date
        group by 1`,
  );
}

// The "about to start" reminder ------------------------------------------------------------------------------

/** A contest's row, locked until the transaction ends: one reminder batch at a time, whatever the workers. */
export async function lockContest(db: Db, id: number): Promise<ContestRow | undefined> {
  const [row] = await db.select().from(contests).where(eq(contests.id, id)).for('update');
  return row;
}

/**
 * The next `limit` students (by id, after `after`) of the contest's grade in its scope this year: its class,
 * its school, its district or region (by the area path of their school), or the nation.
 */
export async function studentsToRemind(
  db: Db,
  contest: ContestRow,
  academicYearId: number,
  after: number,
  limit: number,
): Promise<number[]> {
  const where: SQL[] = [sql`e.student_id > ${after}`, sql`c.grade = ${contest.grade}`];
  if (contest.scope === 'class') where.push(sql`c.id = ${contest.classId}`);
  else where.push(sql`c.academic_year_id = ${academicYearId}`);
  if (contest.scope === 'school') where.push(sql`c.institution_id = ${contest.institutionId}`);
  const inArea = contest.scope === 'district' || contest.scope === 'region';
  if (inArea) where.push(sql`${contest.areaId}::int = any(a.path)`);
  const found = await rows<{ student_id: number }>(
    db,
    sql`select distinct e.student_id
        from ${enrolments} e
        join ${classes} c on c.id = e.class_id
        ${inArea ? sql`join ${institutions} i on i.id = c.institution_id join ${areas} a on a.id = i.area_id` : sql``}
        where ${sql.join(where, sql` and `)}
        order by e.student_id
        limit ${limit}`,
  );
  return found.map((r) => r.student_id);
}

/** Keeps the reminder's progress: the last student reminded, or (`last` null) that every student was. */
export async function saveReminderProgress(db: Db, id: number, last: number | null): Promise<void> {
  await db
    .update(contests)
    .set(last === null ? { remindedAt: new Date() } : { remindedThrough: last })
    .where(eq(contests.id, id));
}
