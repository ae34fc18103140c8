import { and, asc, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import { bulkInsert } from '@/server/db/bulk';
import {
  assessments,
  attendanceCodes,
  cellEvents,
  cells,
  linkCodes,
  resultOverrides,
  termClosures,
} from '@/modules/journal/journal.tables';

/** The class journal's SQL: attendance codes, assessments, cells and their history, closures, overrides, codes. */

// ---------------------------------------------------------------------------------------------------------
// Attendance codes

/** A country pack's attendance code, as the loader gives it. */
export interface AttendanceCodeInput {
  code: string;
  name: Record<'az' | 'ru' | 'en', string>;
  short: Record<'az' | 'ru' | 'en', string>;
  countsAsPresent: boolean;
  needsReason: boolean;
}

/**
 * Writes a country pack's attendance codes (called by the pack loader, in its transaction): matched by code,
 * so loading again updates names and order; nothing is deleted, since cells may point at a code.
 */
export async function upsertAttendanceCodes(db: Db, codes: AttendanceCodeInput[]): Promise<void> {
  if (codes.length === 0) return;
  const ex = (column: string) => sql.raw(`excluded.${column}`);
  await db
    .insert(attendanceCodes)
    .values(
      codes.map((c, i) => ({
        code: c.code,
        position: i + 1,
        nameAz: c.name.az,
        nameRu: c.name.ru,
        nameEn: c.name.en,
        shortAz: c.short.az,
        shortRu: c.short.ru,
        shortEn: c.short.en,
        countsAsPresent: c.countsAsPresent,
        needsReason: c.needsReason,
      })),
    )
    .onConflictDoUpdate({
      target: attendanceCodes.code,
      set: {
        position: ex('position'),
        nameAz: ex('name_az'),
        nameRu: ex('name_ru'),
        nameEn: ex('name_en'),
        shortAz: ex('short_az'),
        shortRu: ex('short_ru'),
        shortEn: ex('short_en'),
        countsAsPresent: ex('counts_as_present'),
        needsReason: ex('needs_reason'),
      },
    });
}

export type AttendanceCodeRow = typeof attendanceCodes.$inferSelect;

/** Every attendance code, in the pack's order. */
export async function listAttendanceCodes(db: Db): Promise<AttendanceCodeRow[]> {
  return db.select().from(attendanceCodes).orderBy(asc(attendanceCodes.position));
}

// ---------------------------------------------------------------------------------------------------------
// Terms

/** When a school's term was closed, or undefined while it is open. */
export async function findClosure(
  db: Db,
  institutionId: number,
  academicYearId: number,
  termCode: string,
): Promise<{ closedAt: Date; closedBy: number | null } | undefined> {
  const [row] = await db
    .select({ closedAt: termClosures.closedAt, closedBy: termClosures.closedBy })
    .from(termClosures)
    .where(
      and(
        eq(termClosures.institutionId, institutionId),
        eq(termClosures.academicYearId, academicYearId),
        eq(termClosures.termCode, termCode),
      ),
    );
  return row;
}

/** Closes a term; false when it was closed already. */
export async function insertClosure(
  db: Db,
  values: { institutionId: number; academicYearId: number; termCode: string; closedBy: number | null },
): Promise<Date | null> {
  const [row] = await db
    .insert(termClosures)
    .values(values)
    .onConflictDoNothing()
    .returning({ closedAt: termClosures.closedAt });
  return row?.closedAt ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// Assessments

export type AssessmentRow = typeof assessments.$inferSelect;

/** The summative assessments of a class's subject in a term, by date. */
export async function assessmentsOf(
  db: Db,
  classId: number,
  subjectCode: string,
  termCode: string,
): Promise<AssessmentRow[]> {
  return db
    .select()
    .from(assessments)
    .where(
      and(
        eq(assessments.classId, classId),
        eq(assessments.subjectCode, subjectCode),
        eq(assessments.termCode, termCode),
      ),
    )
    .orderBy(asc(assessments.date), asc(assessments.id));
}

/** The summative assessments of a class in a term, every subject. */
export async function assessmentsOfClass(
  db: Db,
  classId: number,
  termCode: string,
): Promise<AssessmentRow[]> {
  return db
    .select()
    .from(assessments)
    .where(and(eq(assessments.classId, classId), eq(assessments.termCode, termCode)))
    .orderBy(asc(assessments.date), asc(assessments.id));
}

export async function findAssessment(db: Db, id: number): Promise<AssessmentRow | undefined> {
  const [row] = await db.select().from(assessments).where(eq(assessments.id, id));
  return row;
}

export async function insertAssessment(
  db: Db,
  values: Omit<typeof assessments.$inferInsert, 'id' | 'createdAt'>,
): Promise<AssessmentRow> {
  const [row] = await db.insert(assessments).values(values).returning();
  return row!;
}

// ---------------------------------------------------------------------------------------------------------
// Cells

/** A cell as read. */
export interface CellRow {
  studentId: number;
  columnKey: string;
  subjectCode: string;
  termCode: string;
  date: string;
  lessonId: number | null;
  assessmentId: number | null;
  attendanceCode: string | null;
  attendanceReason: string | null;
  mark: number | null;
  markComment: string | null;
  version: number;
  updatedBy: number | null;
  /** ISO 8601, UTC. */
  updatedAt: string;
}

/** Separators of the packed cell text: ASCII unit and record separators (JSON escapes them inside strings). */
const UNIT = '\u001f';
const RECORD = '\u001e';

/** A timestamp as PostgreSQL writes it (`2026-11-30 11:55:00.123+00`), in ISO 8601. */
const isoOf = (text: string) => {
  const t = text.replace(' ', 'T');
  return new Date(/[+-]\d\d$/.test(t) ? `${t}:00` : t).toISOString();
};

/**
 * Cells matching `where`, read as one packed text value: a journal holds thousands of cells, and one value
 * reads several times faster than thousands of rows of a dozen columns (on PGlite above all). Free texts are
 * JSON-encoded, so no separator can occur inside a field.
 */
async function selectCells(db: Db, where: SQL): Promise<CellRow[]> {
  const [row] = await rows<{ cells: string | null }>(
    db,
    sql`select string_agg(concat(c.student_id, chr(31), c.column_key, chr(31), c.subject_code, chr(31),
              c.term_code, chr(31), c.date, chr(31), c.lesson_id, chr(31), c.assessment_id, chr(31),
              c.attendance_code, chr(31), to_json(c.attendance_reason), chr(31), c.mark, chr(31),
              to_json(c.mark_comment), chr(31), c.version, chr(31), c.updated_by, chr(31), c.updated_at), chr(30)) as cells
        from ${cells} c where ${where}`,
  );
  if (!row?.cells) return [];
  const int = (t: string) => (t === '' ? null : Number(t));
  const text = (t: string) => (t === '' ? null : t);
  const json = (t: string) => (t === '' ? null : (JSON.parse(t) as string));
  return row.cells.split(RECORD).map((record) => {
    const f = record.split(UNIT);
    return {
      studentId: Number(f[0]),
      columnKey: f[1]!,
      subjectCode: f[2]!,
      termCode: f[3]!,
      date: f[4]!,
      lessonId: int(f[5]!),
      assessmentId: int(f[6]!),
      attendanceCode: text(f[7]!),
      attendanceReason: json(f[8]!),
      mark: int(f[9]!),
      markComment: json(f[10]!),
      version: Number(f[11]),
      updatedBy: int(f[12]!),
      updatedAt: isoOf(f[13]!),
    };
  });
}

/** Every cell of a class's subject journal in a term (one indexed read). */
export async function cellsOf(
  db: Db,
  classId: number,
  subjectCode: string,
  termCode: string,
): Promise<CellRow[]> {
  return selectCells(
    db,
    sql`c.class_id = ${classId} and c.subject_code = ${subjectCode} and c.term_code = ${termCode}`,
  );
}

/** Every cell of a class in a term, every subject (reports). */
export async function cellsOfClass(db: Db, classId: number, termCode: string): Promise<CellRow[]> {
  return selectCells(db, sql`c.class_id = ${classId} and c.term_code = ${termCode}`);
}

/** A student's cells of a class in any of `termCodes`, every subject. */
export async function cellsOfStudent(
  db: Db,
  studentId: number,
  classId: number,
  termCodes: string[],
): Promise<CellRow[]> {
  if (termCodes.length === 0) return [];
  const terms = sql`${`{${termCodes.map((t) => `"${t}"`).join(',')}}`}::text[]`;
  return selectCells(
    db,
    sql`c.student_id = ${studentId} and c.class_id = ${classId} and c.term_code = any(${terms})`,
  );
}

/** The given cells, locked for the rest of the transaction (those that exist). */
export async function lockCells(
  db: Db,
  keys: { studentId: number; columnKey: string }[],
): Promise<CellRow[]> {
  if (keys.length === 0) return [];
  const students = intArray(keys.map((k) => k.studentId));
  const columns = sql`${`{${keys.map((k) => `"${k.columnKey}"`).join(',')}}`}::text[]`;
  return rows<CellRow>(
    db,
    sql`select c.student_id as "studentId", c.column_key as "columnKey", c.subject_code as "subjectCode",
               c.term_code as "termCode", c.date::text as date, c.lesson_id as "lessonId",
               c.assessment_id as "assessmentId", c.attendance_code as "attendanceCode",
               c.attendance_reason as "attendanceReason", c.mark, c.mark_comment as "markComment", c.version,
               c.updated_by as "updatedBy",
               to_char(c.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "updatedAt"
        from ${cells} c
        join unnest(${students}, ${columns}) as k(student_id, column_key)
          on c.student_id = k.student_id and c.column_key = k.column_key
        for update of c`,
  );
}

/** A cell to write, with the version it is to get. */
export interface CellWrite {
  studentId: number;
  columnKey: string;
  date: string;
  lessonId: number | null;
  assessmentId: number | null;
  attendanceCode: string | null;
  attendanceReason: string | null;
  mark: number | null;
  markComment: string | null;
  version: number;
}

/**
 * Writes cells in one statement. An existing cell is changed only when its version is still the one before
 * `version` (a concurrent writer's insert or update makes it skip): the cells written are returned.
 */
export async function writeCells(
  db: Db,
  place: {
    institutionId: number;
    academicYearId: number;
    classId: number;
    subjectCode: string;
    termCode: string;
  },
  by: number,
  at: Date,
  items: CellWrite[],
): Promise<{ studentId: number; columnKey: string; version: number }[]> {
  if (items.length === 0) return [];
  const same = <T extends string | number>(value: T) => items.map(() => value);
  const ex = (c: string) => sql.raw(`excluded.${c}`);
  return bulkInsert<{ studentId: number; columnKey: string; version: number }>(
    db,
    cells,
    [
      { column: cells.studentId, type: 'int', values: items.map((i) => i.studentId) },
      { column: cells.columnKey, type: 'text', values: items.map((i) => i.columnKey) },
      { column: cells.institutionId, type: 'int', values: same(place.institutionId) },
      { column: cells.academicYearId, type: 'int', values: same(place.academicYearId) },
      { column: cells.classId, type: 'int', values: same(place.classId) },
      { column: cells.subjectCode, type: 'text', values: same(place.subjectCode) },
      { column: cells.termCode, type: 'text', values: same(place.termCode) },
      { column: cells.date, type: 'date', values: items.map((i) => i.date) },
      { column: cells.lessonId, type: 'int', values: items.map((i) => i.lessonId) },
      { column: cells.assessmentId, type: 'int', values: items.map((i) => i.assessmentId) },
      { column: cells.attendanceCode, type: 'text', values: items.map((i) => i.attendanceCode) },
      { column: cells.attendanceReason, type: 'text', values: items.map((i) => i.attendanceReason) },
      { column: cells.mark, type: 'smallint', values: items.map((i) => i.mark) },
      { column: cells.markComment, type: 'text', values: items.map((i) => i.markComment) },
      { column: cells.version, type: 'int', values: items.map((i) => i.version) },
      { column: cells.updatedBy, type: 'int', values: same(by) },
      { column: cells.updatedAt, type: 'timestamptz', values: same(at.toISOString()) },
    ],
    {
      onConflict: sql` on conflict (student_id, column_key) do update set
        attendance_code = ${ex('attendance_code')}, attendance_reason = ${ex('attendance_reason')},
        mark = ${ex('mark')}, mark_comment = ${ex('mark_comment')}, version = ${ex('version')},
        updated_by = ${ex('updated_by')}, updated_at = ${ex('updated_at')}
        where journal_cell.version = ${ex('version')} - 1`,
      returning: ['student_id', 'column_key', 'version'],
    },
  ).then((written) =>
    written.map((w) => {
      const r = w as unknown as { student_id: number; column_key: string; version: number };
      return { studentId: r.student_id, columnKey: r.column_key, version: r.version };
    }),
  );
}

/** Appends the history of written cells. */
export async function appendEvents(
  db: Db,
  place: { institutionId: number; classId: number },
  by: number,
  at: Date,
  correctionReason: string | null,
  items: CellWrite[],
): Promise<void> {
  if (items.length === 0) return;
  const same = <T extends string | number | null>(value: T) => items.map(() => value);
  await bulkInsert(db, cellEvents, [
    { column: cellEvents.institutionId, type: 'int', values: same(place.institutionId) },
    { column: cellEvents.classId, type: 'int', values: same(place.classId) },
    { column: cellEvents.studentId, type: 'int', values: items.map((i) => i.studentId) },
    { column: cellEvents.columnKey, type: 'text', values: items.map((i) => i.columnKey) },
    { column: cellEvents.version, type: 'int', values: items.map((i) => i.version) },
    { column: cellEvents.attendanceCode, type: 'text', values: items.map((i) => i.attendanceCode) },
    { column: cellEvents.attendanceReason, type: 'text', values: items.map((i) => i.attendanceReason) },
    { column: cellEvents.mark, type: 'smallint', values: items.map((i) => i.mark) },
    { column: cellEvents.markComment, type: 'text', values: items.map((i) => i.markComment) },
    { column: cellEvents.correctionReason, type: 'text', values: same(correctionReason) },
    { column: cellEvents.by, type: 'int', values: same(by) },
    { column: cellEvents.at, type: 'timestamptz', values: same(at.toISOString()) },
  ]);
}

/** One cell's history, oldest first. */
export async function historyOf(db: Db, studentId: number, columnKey: string) {
  return db
    .select({
      at: cellEvents.at,
      by: cellEvents.by,
      version: cellEvents.version,
      attendanceCode: cellEvents.attendanceCode,
      attendanceReason: cellEvents.attendanceReason,
      mark: cellEvents.mark,
      markComment: cellEvents.markComment,
      correctionReason: cellEvents.correctionReason,
    })
    .from(cellEvents)
    .where(and(eq(cellEvents.studentId, studentId), eq(cellEvents.columnKey, columnKey)))
    .orderBy(asc(cellEvents.version), asc(cellEvents.id));
}

// ---------------------------------------------------------------------------------------------------------
// Result overrides

export type OverrideRow = typeof resultOverrides.$inferSelect;

/** The overrides of a class's subject for the given terms (`year` included when asked). */
export async function overridesOf(
  db: Db,
  classId: number,
  subjectCode: string | null,
  termCodes: string[],
  studentId?: number,
): Promise<OverrideRow[]> {
  if (termCodes.length === 0) return [];
  return db
    .select()
    .from(resultOverrides)
    .where(
      and(
        eq(resultOverrides.classId, classId),
        subjectCode === null ? undefined : eq(resultOverrides.subjectCode, subjectCode),
        inArray(resultOverrides.termCode, termCodes),
        studentId === undefined ? undefined : eq(resultOverrides.studentId, studentId),
      ),
    );
}

/** Sets (or replaces) an override. */
export async function putOverride(
  db: Db,
  values: Omit<OverrideRow, 'setAt'> & { setAt: Date },
): Promise<void> {
  await db
    .insert(resultOverrides)
    .values(values)
    .onConflictDoUpdate({
      target: [
        resultOverrides.classId,
        resultOverrides.subjectCode,
        resultOverrides.termCode,
        resultOverrides.studentId,
      ],
      set: { value: values.value, reason: values.reason, setBy: values.setBy, setAt: values.setAt },
    });
}

// ---------------------------------------------------------------------------------------------------------
// Link codes

export async function insertLinkCode(
  db: Db,
  values: Omit<typeof linkCodes.$inferInsert, 'id'>,
): Promise<void> {
  await db.insert(linkCodes).values(values);
}

/**
 * Takes a live code (unused, unexpired) and marks it used by `userId`, in one statement, so a code is used
 * at most once even by two people at the same instant. Returns the student it links to.
 */
export async function useLinkCode(
  db: Db,
  codeHash: string,
  userId: number,
  now: Date,
): Promise<{ studentId: number; institutionId: number } | undefined> {
  const [row] = await db
    .update(linkCodes)
    .set({ usedAt: now, usedBy: userId })
    .where(and(eq(linkCodes.codeHash, codeHash), isNull(linkCodes.usedAt), gt(linkCodes.expiresAt, now)))
    .returning({ studentId: linkCodes.studentId, institutionId: linkCodes.institutionId });
  return row;
}

// ---------------------------------------------------------------------------------------------------------
// Aggregates (reports and the monitoring module)

/** Attendance and marks of a set of cells, summed: the figures rates and averages are made of. */
export interface Aggregate {
  /** Cells with attendance recorded, and those of them counting as present. */
  recorded: number;
  present: number;
  /** Marks given, and their sum. */
  marks: number;
  markSum: number;
}

/**
 * Per class of a school's year (optionally one term): attendance recorded and present, marks and their sum.
 * No student is named: this is what a school summary and the bodies above a school read.
 */
export async function classAggregates(
  db: Db,
  institutionId: number,
  academicYearId: number,
  termCode: string | null,
): Promise<(Aggregate & { classId: number })[]> {
  return rows(
    db,
    sql`select c.class_id as "classId",
               count(c.attendance_code)::int as recorded,
               count(*) filter (where a.counts_as_present)::int as present,
               count(c.mark)::int as marks, coalesce(sum(c.mark), 0)::int as "markSum"
        from ${cells} c left join ${attendanceCodes} a on a.code = c.attendance_code
        where c.institution_id = ${institutionId} and c.academic_year_id = ${academicYearId}
          ${termCode === null ? sql`` : sql`and c.term_code = ${termCode}`}
        group by c.class_id`,
  );
}

/**
 * Per school, for the monitoring module: attendance recorded and present, marks and their sum, over a year
 * (optionally one term), for the given schools (all schools when null). Aggregates only.
 */
export async function schoolAggregates(
  db: Db,
  academicYearId: number,
  options: { institutionIds?: number[] | null; termCode?: string | null } = {},
): Promise<(Aggregate & { institutionId: number })[]> {
  const ids = options.institutionIds ?? null;
  if (ids !== null && ids.length === 0) return [];
  return rows(
    db,
    sql`select c.institution_id as "institutionId",
               count(c.attendance_code)::int as recorded,
               count(*) filter (where a.counts_as_present)::int as present,
               count(c.mark)::int as marks, coalesce(sum(c.mark), 0)::int as "markSum"
        from ${cells} c left join ${attendanceCodes} a on a.code = c.attendance_code
        where c.academic_year_id = ${academicYearId}
          ${ids === null ? sql`` : sql`and c.institution_id = any(${intArray(ids)})`}
          ${options.termCode ? sql`and c.term_code = ${options.termCode}` : sql``}
        group by c.institution_id
        order by c.institution_id`,
  );
}

/** Attendance rate (0–1) and marks average of an aggregate; null where nothing was recorded. */
export function ratesOf(a: Aggregate): { attendanceRate: number | null; marksAverage: number | null } {
  return {
    attendanceRate: a.recorded > 0 ? a.present / a.recorded : null,
    marksAverage: a.marks > 0 ? a.markSum / a.marks : null,
  };
}

/**
 * Attendance and marks between two days, per school or per class of the given schools: what distance-learning
 * monitoring reads. Aggregates only.
 */
export async function aggregatesBetween(
  db: Db,
  schoolIds: number[],
  by: 'school' | 'class',
  range: { from: string; to: string },
): Promise<(Aggregate & { id: number })[]> {
  if (schoolIds.length === 0) return [];
  const key = by === 'class' ? sql`c.class_id` : sql`c.institution_id`;
  return rows(
    db,
    sql`select ${key} as id,
               count(c.attendance_code)::int as recorded,
               count(*) filter (where a.counts_as_present)::int as present,
               count(c.mark)::int as marks, coalesce(sum(c.mark), 0)::int as "markSum"
        from ${cells} c left join ${attendanceCodes} a on a.code = c.attendance_code
        where c.institution_id = any(${intArray(schoolIds)})
          and c.date between ${range.from}::date and ${range.to}::date
        group by 1`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Home pages

/** Of the given lesson occurrences, those whose attendance is taken (any student's cell has a code). */
export async function lessonsWithAttendance(db: Db, lessonIds: number[]): Promise<Set<number>> {
  if (lessonIds.length === 0) return new Set();
  const found = await rows<{ id: number }>(
    db,
    sql`select distinct c.lesson_id as id from ${cells} c
        where c.lesson_id = any(${intArray(lessonIds)}) and c.attendance_code is not null`,
  );
  return new Set(found.map((r) => r.id));
}

/** A student's day in the journal: attendance or a mark recorded on a date. */
export interface DayCellRow {
  studentId: number;
  date: string;
  subjectCode: string;
  attendanceCode: string | null;
  countsAsPresent: boolean | null;
  mark: number | null;
}

/** The students' cells with an attendance code or a mark between two dates, newest first. */
export async function studentCellsBetween(
  db: Db,
  studentIds: number[],
  from: string,
  to: string,
): Promise<DayCellRow[]> {
  if (studentIds.length === 0) return [];
  return rows<DayCellRow>(
    db,
    sql`select c.student_id as "studentId", to_char(c.date, 'YYYY-MM-DD') as date, c.subject_code as "subjectCode",
               c.attendance_code as "attendanceCode", a.counts_as_present as "countsAsPresent", c.mark
        from ${cells} c left join ${attendanceCodes} a on a.code = c.attendance_code
        where c.student_id = any(${intArray(studentIds)}) and c.date between ${from}::date and ${to}::date
          and (c.attendance_code is not null or c.mark is not null)
        order by c.date desc, c.updated_at desc`,
  );
}

/** A student's latest marks (at most `limit`), newest first. */
export async function latestMarks(
  db: Db,
  studentId: number,
  limit: number,
): Promise<{ date: string; subjectCode: string; mark: number }[]> {
  return rows(
    db,
    sql`select to_char(c.date, 'YYYY-MM-DD') as date, c.subject_code as "subjectCode", c.mark
        from ${cells} c where c.student_id = ${studentId} and c.mark is not null
        order by c.date desc, c.updated_at desc limit ${limit}`,
  );
}
