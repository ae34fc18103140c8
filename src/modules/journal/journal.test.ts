import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { startTestClock } from '@test/school-clock';
import { actorOf, bells, classroomSchool, errorOf, type ClassroomSchool } from '@test/classroom-world';
import { journalReference } from '@test/journal-world';
import { createUserWithRole, linkParent } from '@test/factories';
import * as classroom from '@/modules/classroom/classroom.service';
import { addDays, schoolToday } from '@/modules/classroom/classroom.service';
import { findInstitution } from '@/modules/institutions/institutions.store';
import { listAudit } from '@/modules/identity/identity.store';
import { schoolAggregates } from '@/modules/journal/journal.store';
import { LINK_MAX_FAILURES, termResult, yearResult } from '@/modules/journal/journal.service';

/**
 * The class journal through the API on a real database: the journal page, whole-class saves with per-cell
 * versions and conflicts, validation, results and overrides, closing a term and corrections with history,
 * parents' link codes, a student's overview, the reports and aggregates — and every refusal: a teacher of
 * another school, another class's teacher, a student reading another student, a parent reading a child
 * not theirs, bodies above a school reading a journal.
 */

type App = Awaited<ReturnType<typeof createTestApp>>;
interface Page {
  students: { id: number; displayName: string }[];
  columns: { key: string; kind: string; date: string; lessonId: number | null; started: boolean }[];
  cells: {
    studentId: number;
    key: string;
    attendance: { code: string; reason: string | null } | null;
    mark: { value: number; comment: string | null } | null;
    version: number;
    updatedBy: string | null;
  }[];
  results: {
    studentId: number;
    computed: number | null;
    final: number | null;
    override: { value: number | null; reason: string; by: string } | null;
  }[];
  attendanceCodes: { code: string; short: string; needsReason: boolean }[];
  scale: { code: string; marks: { value: number }[] };
  term: { code: string; closed: boolean };
  canEdit: boolean;
}
interface Saved {
  saved: { studentId: number; key: string; version: number }[];
  conflicts: {
    studentId: number;
    key: string;
    theirs: {
      attendance: { code: string } | null;
      mark: { value: number } | null;
      version: number;
      updatedBy: string;
    };
  }[];
}

// What these tests see depends on the day: they run at a fixed time (CI runs them again on awkward days).
startTestClock();

describe('class journal', () => {
  let t: App;
  let w: ClassroomSchool;
  let a7: number;
  let b7: number;
  let director: Session;
  let subjectTeacher: Session; // teachers[0]: mathematics in 7A
  let homeroom: Session; // teachers[1]: homeroom teacher of 7A
  let otherClassTeacher: Session; // teachers[2]: mathematics in 7B only
  let otherSchoolTeacher: Session;
  let otherDirector: Session;
  let student0: Session;
  let regional: Session;
  let bureau: Session;
  let mathLessons: { id: number; date: string; subjectCode: string }[];
  let physicsLesson: number;
  const today = schoolToday();
  const term = 'half_1';

  const page = async (s: Session, classId = a7, subject = 'mathematics') =>
    s.inject({ url: `/api/journal/classes/${classId}/subjects/${subject}?term=${term}` });
  const save = (s: Session, payload: object, classId = a7, subject = 'mathematics') =>
    s.inject({ method: 'POST', url: `/api/journal/classes/${classId}/subjects/${subject}/entries`, payload });
  const okPage = async (s: Session = subjectTeacher) => {
    const res = await page(s);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Page>();
  };
  const cellOf = (p: Page, studentId: number, key: string) =>
    p.cells.find((c) => c.studentId === studentId && c.key === key);

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    w = await classroomSchool(db);
    await journalReference(db, { id: w.yearId, startsOn: w.yearStartsOn, endsOn: w.yearEndsOn });
    const dir = actorOf(w.director.id, 'director', w.schoolId);
    const ctx = { actorId: w.director.id, ip: null };
    // The first period at midnight: today's mathematics lesson (period 1) has begun whenever the test runs.
    await classroom.setBellSchedule(db, dir, ctx, w.schoolId, 1, bells(w.yearId, 0), 'en');
    const make = async (letter: string, homeroomTeacherId: number | null) =>
      (
        await classroom.createClass(
          db,
          dir,
          ctx,
          w.schoolId,
          { academicYearId: w.yearId, grade: 7, letter, language: 'az', shift: 1, homeroomTeacherId },
          'en',
        )
      ).id;
    a7 = await make('A', w.teachers[1]!.id);
    b7 = await make('B', null);
    for (const s of w.students.slice(0, 3)) await classroom.enrolStudent(db, dir, ctx, a7, s.id, 'en');
    await classroom.enrolStudent(db, dir, ctx, b7, w.students[3]!.id, 'en');
    await classroom.setSubjectTeacher(db, dir, ctx, a7, 'mathematics', w.teachers[0]!.id, 'en');
    await classroom.setSubjectTeacher(db, dir, ctx, a7, 'physics', w.teachers[2]!.id, 'en');
    await classroom.setSubjectTeacher(db, dir, ctx, b7, 'mathematics', w.teachers[2]!.id, 'en');
    const week = (classId: number, subjectCode: string, teacherId: number, period: number) =>
      Array.from({ length: 7 }, (_, i) => ({ weekday: i + 1, period, subjectCode, teacherId, room: null }));
    for (const e of [
      ...week(a7, 'mathematics', w.teachers[0]!.id, 1),
      ...week(a7, 'physics', w.teachers[2]!.id, 2),
    ])
      await classroom.addEntry(db, dir, ctx, a7, e, 'en');
    for (const e of week(b7, 'mathematics', w.teachers[2]!.id, 3))
      await classroom.addEntry(db, dir, ctx, b7, e, 'en');
    await classroom.generateLessons(
      db,
      dir,
      ctx,
      w.schoolId,
      { academicYearId: w.yearId, from: addDays(today, -10), to: addDays(today, 14) },
      'en',
    );
    const lessons = (await classroom.classLessons(db, dir, a7, addDays(today, -10), addDays(today, 14), 'en'))
      .items;
    mathLessons = lessons.filter((l) => l.subjectCode === 'mathematics');
    physicsLesson = lessons.find((l) => l.subjectCode === 'physics')!.id;
    // Homework on today's mathematics lesson, for the student's overview.
    const todays = mathLessons.find((l) => l.date === today)!;
    await classroom.saveLesson(
      db,
      actorOf(w.teachers[0]!.id, 'teacher', w.schoolId),
      ctx,
      todays.id,
      { version: 1, topic: 'Kəsrlər', homework: 'Səh. 12, 1–5', meetingUrl: null, materials: [] },
      'en',
    );

    const school = await findInstitution(db, w.schoolId);
    const reg = await createUserWithRole(db, 'regional', { areaId: school!.areaId });
    const bur = await createUserWithRole(db, 'bureau');
    const as = (u: { username: string }) => login(t.app, u.username, 'password-1');
    director = await as(w.director);
    subjectTeacher = await as(w.teachers[0]!);
    homeroom = await as(w.teachers[1]!);
    otherClassTeacher = await as(w.teachers[2]!);
    otherSchoolTeacher = await as(w.otherTeacher);
    otherDirector = await as(w.otherDirector);
    student0 = await as(w.students[0]!);
    regional = await as(reg);
    bureau = await as(bur);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('computes results by the documented rule', () => {
    const scale = [2, 3, 4, 5];
    expect(termResult([], scale)).toBeNull();
    expect(
      termResult(
        [
          { value: 4, kind: 'lesson' },
          { value: 5, kind: 'lesson' },
        ],
        scale,
      ),
    ).toBe(5); // 4.5 → 5
    expect(
      termResult(
        [
          { value: 4, kind: 'lesson' },
          { value: 5, kind: 'lesson' },
          { value: 3, kind: 'assessment' },
        ],
        scale,
      ),
    ).toBe(4); // 0.4 × 4.5 + 0.6 × 3 = 3.6
    expect(
      termResult(
        [
          { value: 2, kind: 'assessment' },
          { value: 3, kind: 'assessment' },
        ],
        scale,
      ),
    ).toBe(3);
    expect(yearResult([4, 5], scale)).toBe(5);
    expect(yearResult([3, 4], scale)).toBe(4);
    expect(yearResult([4, null], scale)).toBeNull();
  });

  it('shows the subject teacher the journal: students, this term’s lessons of the subject, codes, scale', async () => {
    const p = await okPage();
    expect(p.canEdit).toBe(true);
    expect(p.students.map((s) => s.id).sort()).toEqual(
      w.students
        .slice(0, 3)
        .map((s) => s.id)
        .sort(),
    );
    const expected = mathLessons.filter((l) => l.date <= addDays(today, 7)).map((l) => `l${l.id}`);
    expect(p.columns.map((c) => c.key)).toEqual(expected);
    expect(p.columns.every((c) => c.kind === 'lesson')).toBe(true);
    expect(p.attendanceCodes.map((c) => c.code)).toEqual([
      'present',
      'absent',
      'late',
      'excused',
      'present_online',
      'worked_offline',
      'no_device',
    ]);
    expect(p.attendanceCodes.find((c) => c.code === 'excused')!.needsReason).toBe(true);
    expect(p.scale.marks.map((m) => m.value)).toEqual([5, 4, 3, 2]);
    expect(p.cells).toEqual([]);
    // The homeroom teacher and the director read it, without editing.
    expect((await okPage(homeroom)).canEdit).toBe(false);
    expect((await okPage(director)).canEdit).toBe(false);
  });

  it('marks a whole class in one request, and refuses a stale cell instead of overwriting it', async () => {
    const key = `l${mathLessons.find((l) => l.date === today)!.id}`;
    const [s0, s1, s2] = w.students.map((s) => s.id) as [number, number, number];
    const res = await save(subjectTeacher, {
      term,
      entries: [
        {
          studentId: s0,
          key,
          attendance: { code: 'present' },
          mark: { value: 5, comment: 'Əla' },
          baseVersion: 0,
        },
        { studentId: s1, key, attendance: { code: 'absent' }, baseVersion: 0 },
        { studentId: s2, key, attendance: { code: 'excused', reason: 'Xəstədir' }, baseVersion: 0 },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const first = res.json<Saved>();
    expect(first.conflicts).toEqual([]);
    expect(first.saved.map((s) => s.version)).toEqual([1, 1, 1]);
    let p = await okPage();
    expect(cellOf(p, s0, key)).toMatchObject({
      attendance: { code: 'present', reason: null },
      mark: { value: 5, comment: 'Əla' },
      version: 1,
      updatedBy: w.teachers[0]!.username,
    });
    expect(cellOf(p, s2, key)!.attendance).toEqual({ code: 'excused', reason: 'Xəstədir' });

    // A second tab still at version 1 saves first; the first tab, also at 1, then gets a conflict.
    const mine = await save(subjectTeacher, {
      term,
      entries: [{ studentId: s1, key, attendance: { code: 'late' }, baseVersion: 1 }],
    });
    expect(mine.json<Saved>().saved).toEqual([{ studentId: s1, key, version: 2 }]);
    const stale = await save(subjectTeacher, {
      term,
      entries: [
        { studentId: s1, key, attendance: { code: 'present' }, baseVersion: 1 },
        { studentId: s0, key, mark: { value: 4 }, baseVersion: 1 },
      ],
    });
    expect(stale.statusCode).toBe(200);
    const body = stale.json<Saved>();
    expect(body.saved).toEqual([{ studentId: s0, key, version: 2 }]);
    expect(body.conflicts).toHaveLength(1);
    expect(body.conflicts[0]).toMatchObject({
      studentId: s1,
      key,
      theirs: { attendance: { code: 'late' }, version: 2, updatedBy: w.teachers[0]!.username },
    });
    p = await okPage();
    expect(cellOf(p, s1, key)!.attendance!.code).toBe('late'); // not overwritten
    // The mark alone changed: attendance is kept, the comment given with no comment cleared.
    expect(cellOf(p, s0, key)).toMatchObject({
      attendance: { code: 'present' },
      mark: { value: 4, comment: null },
    });
    // Keeping "mine": resend on their version.
    const keep = await save(subjectTeacher, {
      term,
      entries: [{ studentId: s1, key, attendance: { code: 'present' }, baseVersion: 2 }],
    });
    expect(keep.json<Saved>().saved).toEqual([{ studentId: s1, key, version: 3 }]);

    // Every save is audited.
    const entries = await listAudit(t.database.db, { entity: 'journal', limit: 10 });
    expect(entries.length).toBeGreaterThanOrEqual(4);
    expect(entries[0]!.actorId).toBe(w.teachers[0]!.id);
  });

  it('refuses invalid entries with the field and writes none of them', async () => {
    const key = `l${mathLessons[0]!.id}`;
    const s0 = w.students[0]!.id;
    const res = await save(subjectTeacher, {
      term,
      entries: [
        { studentId: s0, key, attendance: { code: 'sleeping' }, baseVersion: 0 },
        { studentId: w.students[1]!.id, key, attendance: { code: 'excused' }, baseVersion: 0 },
        { studentId: w.students[2]!.id, key, mark: { value: 7 }, baseVersion: 0 },
        { studentId: w.students[3]!.id, key, attendance: { code: 'present' }, baseVersion: 0 },
        { studentId: s0, key: `l${physicsLesson}`, attendance: { code: 'present' }, baseVersion: 0 },
      ],
    });
    expect(res.statusCode).toBe(422);
    const error = errorOf(res);
    expect(error.details.map((d) => [d.field, d.reason])).toEqual([
      ['entries.0.attendance.code', 'unknown_attendance_code'],
      ['entries.1.attendance.reason', 'reason_required'],
      ['entries.2.mark.value', 'mark_not_on_scale'],
      ['entries.3.studentId', 'not_enrolled'],
      ['entries.4.key', 'unknown_column'],
    ]);
    expect(error.message).toMatch(/./);
    expect((await okPage()).cells.some((c) => c.key === key)).toBe(false);
    // A malformed key is a schema error, not a server error.
    const bad = await save(subjectTeacher, {
      term,
      entries: [{ studentId: s0, key: 'x1', attendance: { code: 'present' }, baseVersion: 0 }],
    });
    expect(bad.statusCode).toBe(400);
    // An unknown term.
    const unknown = await subjectTeacher.inject({
      url: `/api/journal/classes/${a7}/subjects/mathematics?term=half_9`,
    });
    expect(unknown.statusCode).toBe(422);
    expect(errorOf(unknown).details[0]!.field).toBe('term');
  });

  it('adds an assessment column and computes results, with an override that keeps who and why', async () => {
    const res = await subjectTeacher.inject({
      method: 'POST',
      url: `/api/journal/classes/${a7}/subjects/mathematics/assessments`,
      payload: { term, date: today, title: 'KSQ 1' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const { key: aKey } = res.json<{ key: string }>();
    const s2 = w.students[2]!.id;
    const lessonKeys = mathLessons.filter((l) => l.date < today).map((l) => `l${l.id}`);
    const saved = await save(subjectTeacher, {
      term,
      entries: [
        { studentId: s2, key: lessonKeys[0], mark: { value: 4 }, baseVersion: 0 },
        { studentId: s2, key: lessonKeys[1], mark: { value: 5 }, baseVersion: 0 },
        { studentId: s2, key: aKey, mark: { value: 3 }, baseVersion: 0 },
      ],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    let p = await okPage();
    expect(p.columns.some((c) => c.key === aKey && c.kind === 'assessment')).toBe(true);
    expect(p.results.find((r) => r.studentId === s2)).toMatchObject({
      computed: 4,
      final: 4,
      override: null,
    });
    const override = await subjectTeacher.inject({
      method: 'PUT',
      url: '/api/journal/results',
      payload: {
        classId: a7,
        subjectCode: 'mathematics',
        term,
        studentId: s2,
        value: 5,
        reason: 'Olimpiada qalibi',
      },
    });
    expect(override.statusCode, override.body).toBe(200);
    expect(override.json()).toMatchObject({
      computed: 4,
      final: 5,
      override: { value: 5, reason: 'Olimpiada qalibi' },
    });
    p = await okPage();
    expect(p.results.find((r) => r.studentId === s2)).toMatchObject({
      computed: 4,
      final: 5,
      override: { value: 5, reason: 'Olimpiada qalibi', by: w.teachers[0]!.username },
    });
    // The homeroom teacher may not override; a value off the scale is refused.
    const refused = await homeroom.inject({
      method: 'PUT',
      url: '/api/journal/results',
      payload: { classId: a7, subjectCode: 'mathematics', term, studentId: s2, value: 5, reason: 'x' },
    });
    expect(refused.statusCode).toBe(403);
    const offScale = await subjectTeacher.inject({
      method: 'PUT',
      url: '/api/journal/results',
      payload: { classId: a7, subjectCode: 'mathematics', term, studentId: s2, value: 9, reason: 'x' },
    });
    expect(offScale.statusCode).toBe(422);
    expect(errorOf(offScale).details[0]!.reason).toBe('mark_not_on_scale');
  });

  it('refuses a teacher of another school, another class’s teacher, readers who may not write, bodies above a school', async () => {
    const key = `l${mathLessons[1]!.id}`;
    const entry = {
      term,
      entries: [{ studentId: w.students[0]!.id, key, attendance: { code: 'present' }, baseVersion: 0 }],
    };
    expect((await page(otherSchoolTeacher)).statusCode).toBe(403);
    expect((await save(otherSchoolTeacher, entry)).statusCode).toBe(403);
    expect((await page(otherDirector)).statusCode).toBe(403);
    expect((await page(otherClassTeacher)).statusCode).toBe(403); // teaches 7B mathematics, not 7A's
    expect((await save(otherClassTeacher, entry)).statusCode).toBe(403);
    expect((await page(otherClassTeacher, a7, 'physics')).statusCode).toBe(200); // their own subject in 7A
    expect((await save(homeroom, entry)).statusCode).toBe(403);
    expect((await save(director, entry)).statusCode).toBe(403);
    expect((await page(regional)).statusCode).toBe(403);
    expect((await page(bureau)).statusCode).toBe(403);
    expect((await page(student0)).statusCode).toBe(403);
    const history = await otherSchoolTeacher.inject({
      url: `/api/journal/cells/history?studentId=${w.students[0]!.id}&key=${key}`,
    });
    expect(history.statusCode).toBe(403);
    const otherHistory = await otherClassTeacher.inject({
      url: `/api/journal/cells/history?studentId=${w.students[0]!.id}&key=${key}`,
    });
    expect(otherHistory.statusCode).toBe(403);
    expect((await page(subjectTeacher, b7)).statusCode).toBe(403);
    expect((await page(subjectTeacher, 2_000_000)).statusCode).toBe(404);
  });

  it('lets a student see their own overview and report card, and nobody else’s', async () => {
    const res = await student0.inject({
      url: `/api/journal/students/${w.students[0]!.id}/overview?term=${term}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const o = res.json<{
      student: { class: { name: string } };
      subjects: {
        code: string;
        marks: { value: number; comment: string | null }[];
        attendance: Record<string, number>;
      }[];
      homework: { text: string }[];
    }>();
    expect(o.student.class.name).toBe('7A');
    const maths = o.subjects.find((s) => s.code === 'mathematics')!;
    expect(maths.marks.map((m) => m.value)).toEqual([4]);
    expect(maths.attendance).toEqual({ present: 1 });
    expect(o.homework.map((h) => h.text)).toContain('Səh. 12, 1–5');
    const other = await student0.inject({
      url: `/api/journal/students/${w.students[1]!.id}/overview?term=${term}`,
    });
    expect(other.statusCode).toBe(403);
    const card = await student0.inject({
      url: `/api/journal/reports/report-card?studentId=${w.students[1]!.id}&term=${term}`,
    });
    expect(card.statusCode).toBe(403);
    const own = await student0.inject({
      url: `/api/journal/reports/report-card?studentId=${w.students[0]!.id}&term=${term}&format=pdf`,
    });
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toBe('application/pdf');
    expect(own.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // Teachers of another school see nothing of the student; a subject teacher reads the overview, not the card.
    const stranger = await otherSchoolTeacher.inject({
      url: `/api/journal/students/${w.students[0]!.id}/overview?term=${term}`,
    });
    expect(stranger.statusCode).toBe(403);
    expect(
      (
        await subjectTeacher.inject({
          url: `/api/journal/students/${w.students[0]!.id}/overview?term=${term}`,
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await subjectTeacher.inject({
          url: `/api/journal/reports/report-card?studentId=${w.students[0]!.id}&term=${term}`,
        })
      ).statusCode,
    ).toBe(403);
    const homeroomCard = await homeroom.inject({
      url: `/api/journal/reports/report-card?studentId=${w.students[2]!.id}&term=${term}`,
    });
    expect(homeroomCard.statusCode, homeroomCard.body).toBe(200);
    expect(
      homeroomCard
        .json<{ subjects: { code: string; result: number | null }[] }>()
        .subjects.find((s) => s.code === 'mathematics')!.result,
    ).toBe(5);
  });

  it('links a parent by a one-time code, effective at once; a parent reads only their child', async () => {
    const parentUser = await createUserWithRole(t.database.db, 'parent');
    const parent = await login(t.app, parentUser.username, 'password-1');
    const child = w.students[0]!.id;
    const before = await parent.inject({ url: `/api/journal/students/${child}/overview?term=${term}` });
    expect(before.statusCode).toBe(403);
    // A subject teacher who is not the homeroom teacher may not issue codes; the homeroom teacher and director may.
    expect(
      (
        await subjectTeacher.inject({
          method: 'POST',
          url: '/api/journal/link-codes',
          payload: { studentId: child },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await otherDirector.inject({
          method: 'POST',
          url: '/api/journal/link-codes',
          payload: { studentId: child },
        })
      ).statusCode,
    ).toBe(403);
    const issued = await homeroom.inject({
      method: 'POST',
      url: '/api/journal/link-codes',
      payload: { studentId: child },
    });
    expect(issued.statusCode, issued.body).toBe(200);
    const { code } = issued.json<{ code: string }>();
    expect(code).toMatch(/^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$/);
    const linked = await parent.inject({
      method: 'POST',
      url: '/api/journal/link',
      payload: { code: code.toLowerCase().replace('-', ' ') },
    });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json()).toEqual({ student: { id: child, displayName: w.students[0]!.username } });
    // At once, without waiting for the session cache.
    const after = await parent.inject({ url: `/api/journal/students/${child}/overview?term=${term}` });
    expect(after.statusCode, after.body).toBe(200);
    const card = await parent.inject({
      url: `/api/journal/reports/report-card?studentId=${child}&term=${term}`,
    });
    expect(card.statusCode).toBe(200);
    // Not another child; a used code is refused.
    const notMine = await parent.inject({
      url: `/api/journal/students/${w.students[1]!.id}/overview?term=${term}`,
    });
    expect(notMine.statusCode).toBe(403);
    const again = await parent.inject({ method: 'POST', url: '/api/journal/link', payload: { code } });
    expect(again.statusCode).toBe(400);
    expect(errorOf(again).code).toBe('journal.link_code_invalid');

    // A signed-in person without the parent role gets it with the link.
    const newcomer = await createUserWithRole(t.database.db, 'teacher', { institutionId: w.otherSchoolId });
    const session = await login(t.app, newcomer.username, 'password-1');
    const code2 = (
      await director.inject({
        method: 'POST',
        url: '/api/journal/link-codes',
        payload: { studentId: w.students[1]!.id },
      })
    ).json<{ code: string }>().code;
    expect(
      (await session.inject({ method: 'POST', url: '/api/journal/link', payload: { code: code2 } }))
        .statusCode,
    ).toBe(200);
    const me = await session.inject({ url: '/api/me' });
    expect(me.json<{ childIds: number[] }>().childIds).toEqual([w.students[1]!.id]);

    // Guessing is throttled.
    const guesser = await login(
      t.app,
      (await createUserWithRole(t.database.db, 'parent')).username,
      'password-1',
    );
    for (let i = 0; i < 10; i++) {
      const r = await guesser.inject({
        method: 'POST',
        url: '/api/journal/link',
        payload: { code: `WRONG-${i}` },
      });
      expect(r.statusCode).toBe(400);
    }
    const blocked = await guesser.inject({
      method: 'POST',
      url: '/api/journal/link',
      payload: { code: 'WRONG-X' },
    });
    expect(blocked.statusCode).toBe(429);
    // Guesses sent at once are all counted before any is checked: 30 at once, only the limit is checked.
    const racer = await login(
      t.app,
      (await createUserWithRole(t.database.db, 'parent')).username,
      'password-1',
    );
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        racer.inject({ method: 'POST', url: '/api/journal/link', payload: { code: `RACE${i}-WRONG` } }),
      ),
    );
    const statuses = burst.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 400)).toHaveLength(LINK_MAX_FAILURES);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - LINK_MAX_FAILURES);
    expect(Number(burst.find((r) => r.statusCode === 429)!.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('gives the class attendance report as JSON, CSV and XLSX to the homeroom teacher and director', async () => {
    const url = `/api/journal/reports/class-attendance?classId=${a7}&term=${term}`;
    const res = await homeroom.inject({ url });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<{
      students: { id: number; counts: Record<string, number>; recorded: number; rate: number | null }[];
    }>();
    const s2 = report.students.find((s) => s.id === w.students[2]!.id)!;
    expect(s2).toMatchObject({ counts: { excused: 1 }, recorded: 1, rate: 0 });
    const s1 = report.students.find((s) => s.id === w.students[1]!.id)!;
    expect(s1).toMatchObject({ counts: { present: 1 }, recorded: 1, rate: 1 });
    const csv = await director.inject({ url: `${url}&format=csv` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain(w.students[2]!.username);
    const xlsx = await director.inject({ url: `${url}&format=xlsx` });
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets[0]!.rowCount).toBe(4);
    expect((await subjectTeacher.inject({ url })).statusCode).toBe(403);
    expect((await otherSchoolTeacher.inject({ url })).statusCode).toBe(403);
    expect((await regional.inject({ url })).statusCode).toBe(403);
  });

  it('gives the school summary as aggregates only, to the director and the bodies above the school', async () => {
    const url = `/api/journal/reports/school-summary?institutionId=${w.schoolId}&term=${term}`;
    const res = await director.inject({ url });
    expect(res.statusCode, res.body).toBe(200);
    const summary = res.json<{
      attendanceRate: number;
      marksAverage: number;
      classes: { name: string; students: number; marks: number }[];
    }>();
    // 7A: present, present (after absent and late), excused → 2 of 3 attended; marks 4, 4, 5, 3.
    expect(summary.attendanceRate).toBeCloseTo(2 / 3);
    expect(summary.marksAverage).toBeCloseTo(4);
    expect(summary.classes.map((c) => [c.name, c.students, c.marks])).toEqual([
      ['7A', 3, 4],
      ['7B', 1, 0],
    ]);
    const fromRegion = await regional.inject({ url });
    expect(fromRegion.statusCode).toBe(200);
    expect(fromRegion.body).not.toContain(w.students[0]!.username);
    // A file people open: headed in the reader's language, never in the columns' codes.
    const csvAz = await bureau.inject({ url: `${url}&format=csv` });
    expect(csvAz.statusCode).toBe(200);
    expect(csvAz.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'Sinif,Şagirdlər,Davamiyyət %,Orta qiymət,Qiymətlər',
    );
    // In the reader's chosen language: the account's setting.
    const chosen = await bureau.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'en' } });
    expect(chosen.statusCode).toBe(200);
    const csvEn = await bureau.inject({ url: `${url}&format=csv` });
    await bureau.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'az' } });
    expect(csvEn.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'Class,Students,Attendance rate %,Average mark,Marks',
    );
    expect(csvEn.body).toContain('All classes');
    expect((await otherDirector.inject({ url })).statusCode).toBe(403);
    expect((await subjectTeacher.inject({ url })).statusCode).toBe(403);
    const outside = await regional.inject({
      url: `/api/journal/reports/school-summary?institutionId=${w.otherSchoolId}&term=${term}`,
    });
    expect(outside.statusCode).toBe(403);
    // The aggregates the monitoring module reads.
    const [agg] = await schoolAggregates(t.database.db, w.yearId, { institutionIds: [w.schoolId] });
    expect(agg).toEqual({ institutionId: w.schoolId, recorded: 3, present: 2, marks: 4, markSum: 16 });
  });

  it('keeps a marked lesson when the timetable drops it: cancelled, never deleted with its marks', async () => {
    const db = t.database.db;
    const dir = actorOf(w.director.id, 'director', w.schoolId);
    const ctx = { actorId: w.director.id, ip: null };
    const lessons = (await classroom.classLessons(db, dir, a7, today, addDays(today, 14), 'en')).items;
    const todays = lessons.find((l) => l.subjectCode === 'physics' && l.date === today)!;
    const untouched = lessons.find((l) => l.subjectCode === 'physics' && l.date > today)!;
    const key = `l${todays.id}`;
    const marked = await save(
      otherClassTeacher,
      {
        term,
        entries: [{ studentId: w.students[0]!.id, key, attendance: { code: 'present' }, baseVersion: 0 }],
      },
      a7,
      'physics',
    );
    expect(marked.json<Saved>().saved).toHaveLength(1);
    // Physics leaves 7A's week; regenerating from today drops its occurrences.
    const week = (await classroom.getWeek(db, dir, a7)).entries.filter((e) => e.subjectCode !== 'physics');
    await classroom.replaceWeek(
      db,
      dir,
      ctx,
      a7,
      week.map(({ weekday, period, subjectCode, teacherId, room }) => ({
        weekday,
        period,
        subjectCode,
        teacherId,
        room,
      })),
      'en',
    );
    await classroom.generateLessons(
      db,
      dir,
      ctx,
      w.schoolId,
      { academicYearId: w.yearId, from: today, to: addDays(today, 14) },
      'en',
    );
    const after = (await classroom.classLessons(db, dir, a7, today, addDays(today, 14), 'en')).items;
    expect(after.find((l) => l.id === todays.id)).toMatchObject({ state: 'cancelled' });
    expect(after.find((l) => l.id === untouched.id)).toBeUndefined();
    const history = await otherClassTeacher.inject({
      url: `/api/journal/cells/history?studentId=${w.students[0]!.id}&key=${key}`,
    });
    expect(history.statusCode, history.body).toBe(200);
    expect(history.json<unknown[]>()).toHaveLength(1);
  });

  it('takes no attendance or mark for a lesson that has not started, and says which lesson', async () => {
    const p = (await page(otherClassTeacher, b7)).json<Page>();
    const ahead = p.columns.find((c) => c.kind === 'lesson' && c.date > today)!;
    const held = p.columns.find((c) => c.kind === 'lesson' && c.date < today)!;
    expect(ahead.started).toBe(false);
    expect(held.started).toBe(true);
    const s3 = w.students[3]!.id;
    for (const entry of [{ attendance: { code: 'absent' } }, { mark: { value: 4 } }]) {
      const res = await save(
        otherClassTeacher,
        { term, entries: [{ studentId: s3, key: ahead.key, ...entry, baseVersion: 0 }] },
        b7,
      );
      expect(res.statusCode, res.body).toBe(422);
      const error = errorOf(res);
      expect(error.code).toBe('journal.not_started');
      // The lesson is named by its day and period, in the teacher's language (Azerbaijani), with its start.
      expect(error.message).toMatch(/^.+ \d{4}, 3 nömrəli dərs hələ başlamayıb: .+\(saat 01:50\).+$/);
      expect(error.details.map((d) => [d.field, d.reason])).toEqual([['entries.0.key', 'not_started']]);
    }
    expect(cellOf((await page(otherClassTeacher, b7)).json<Page>(), s3, ahead.key)).toBeUndefined();
  });

  it('tells a parent once of each absence and each new or changed mark, never of a save that changes nothing', async () => {
    const db = t.database.db;
    const s3 = w.students[3]!.id;
    const parent = await createUserWithRole(db, 'parent');
    const otherParent = await createUserWithRole(db, 'parent');
    await linkParent(db, parent.id, s3);
    await linkParent(db, otherParent.id, w.students[0]!.id);
    const parentSession = await login(t.app, parent.username, 'password-1');
    const otherSession = await login(t.app, otherParent.username, 'password-1');
    const notices = async (s: Session) =>
      (await s.inject({ url: '/api/notifications?limit=100' })).json<{
        items: { kind: string; text: string; params: Record<string, unknown> }[];
      }>().items;
    const p = (await page(otherClassTeacher, b7)).json<Page>();
    const [one, two] = p.columns.filter((c) => c.kind === 'lesson' && c.date < today).map((c) => c.key);
    const version = async (key: string) =>
      cellOf((await page(otherClassTeacher, b7)).json<Page>(), s3, key)?.version ?? 0;
    const put = async (key: string, entry: object) => {
      const res = await save(
        otherClassTeacher,
        { term, entries: [{ studentId: s3, key, ...entry, baseVersion: await version(key) }] },
        b7,
      );
      expect(res.statusCode, res.body).toBe(200);
    };
    await put(one!, { attendance: { code: 'absent' } });
    await put(two!, { attendance: { code: 'present' }, mark: { value: 4 } });
    let mine = await notices(parentSession);
    expect(mine.map((n) => n.kind).sort()).toEqual(['journal_absence', 'journal_mark']);
    const absence = mine.find((n) => n.kind === 'journal_absence')!;
    expect(absence.params).toMatchObject({ studentId: s3, subjectCode: 'mathematics' });
    // In the parent's language (Azerbaijani by default), the subject by its name, never its code.
    expect(absence.text).toContain(p.students.find((x) => x.id === s3)!.displayName);
    expect(absence.text).not.toContain('mathematics');
    // Saving the same again, or only a comment, tells nothing.
    await put(one!, { attendance: { code: 'absent' } });
    await put(two!, { mark: { value: 4, comment: 'Yaxşı' } });
    expect(await notices(parentSession)).toHaveLength(2);
    // A corrected mark tells again, and the notice of the mark it replaced is withdrawn.
    await put(two!, { mark: { value: 5 } });
    mine = await notices(parentSession);
    expect(mine.filter((n) => n.kind === 'journal_mark').map((n) => n.params.mark)).toEqual([5]);
    // Another child's parent hears nothing of it.
    expect(await notices(otherSession)).toEqual([]);
  });

  it('withdraws the notice of an absence corrected or cleared, and of a mark removed', async () => {
    const db = t.database.db;
    // Two more children in 7B (its teacher's class), each with a parent.
    const [s4, s5] = await Promise.all(
      [0, 1].map(async () => (await createUserWithRole(db, 'student', { institutionId: w.schoolId })).id),
    );
    for (const s of [s4!, s5!])
      await classroom.enrolStudent(
        db,
        actorOf(w.director.id, 'director', w.schoolId),
        { actorId: w.director.id, ip: null },
        b7,
        s,
        'en',
      );
    const parent = await createUserWithRole(db, 'parent');
    const otherParent = await createUserWithRole(db, 'parent');
    await linkParent(db, parent.id, s4!);
    await linkParent(db, otherParent.id, s5!);
    const parentSession = await login(t.app, parent.username, 'password-1');
    const otherSession = await login(t.app, otherParent.username, 'password-1');
    const notices = async (s: Session) => {
      const res = await s.inject({ url: '/api/notifications?limit=100' });
      return res.json<{ unread: number; items: { kind: string; params: Record<string, unknown> }[] }>();
    };
    const p = (await page(otherClassTeacher, b7)).json<Page>();
    const [one, two, three] = p.columns
      .filter((c) => c.kind === 'lesson' && c.date < today)
      .map((c) => c.key);
    const version = async (studentId: number, key: string) =>
      cellOf((await page(otherClassTeacher, b7)).json<Page>(), studentId, key)?.version ?? 0;
    const put = async (studentId: number, key: string, entry: object) => {
      const res = await save(
        otherClassTeacher,
        { term, entries: [{ studentId, key, ...entry, baseVersion: await version(studentId, key) }] },
        b7,
      );
      expect(res.statusCode, res.body).toBe(200);
    };
    const kinds = async (s: Session) =>
      (await notices(s)).items
        .map((n) => `${n.kind}:${String(n.params.lessonId ?? n.params.columnKey)}`)
        .sort();
    const id = (key: string) => key.slice(1);
    // Both children absent from the first lesson, given a mark in the second; the first child absent from the third.
    for (const s of [s4!, s5!]) {
      await put(s, one!, { attendance: { code: 'absent' } });
      await put(s, two!, { attendance: { code: 'present' }, mark: { value: 3 } });
    }
    await put(s4!, three!, { attendance: { code: 'absent' } });
    expect(await kinds(parentSession)).toEqual(
      [`journal_absence:${id(one!)}`, `journal_absence:${id(three!)}`, `journal_mark:${two!}`].sort(),
    );
    expect((await notices(parentSession)).unread).toBe(3);
    // Absent corrected to present: that absence's notice is gone, unread count with it.
    await put(s4!, one!, { attendance: { code: 'present' } });
    expect(await kinds(parentSession)).toEqual(
      [`journal_absence:${id(three!)}`, `journal_mark:${two!}`].sort(),
    );
    expect((await notices(parentSession)).unread).toBe(2);
    // The cell cleared: its absence's notice is gone too.
    await put(s4!, three!, { attendance: null });
    // The mark removed (attendance kept): its notice is gone.
    await put(s4!, two!, { mark: null });
    expect(await kinds(parentSession)).toEqual([]);
    expect((await notices(parentSession)).unread).toBe(0);
    // The other child's parent keeps every notice about their own child.
    expect(await kinds(otherSession)).toEqual([`journal_absence:${id(one!)}`, `journal_mark:${two!}`].sort());
    // Absent again after the correction tells again.
    await put(s4!, one!, { attendance: { code: 'absent' } });
    expect(await kinds(parentSession)).toEqual([`journal_absence:${id(one!)}`]);
  });

  it('closes a term: changes then need a correction reason, and every cell keeps its history', async () => {
    const key = `l${mathLessons.find((l) => l.date === today)!.id}`;
    const s0 = w.students[0]!.id;
    const close = (s: Session, institutionId = w.schoolId) =>
      s.inject({ method: 'POST', url: '/api/journal/terms/close', payload: { institutionId, term } });
    expect((await close(subjectTeacher)).statusCode).toBe(403);
    expect((await close(otherDirector)).statusCode).toBe(403);
    const closed = await close(director);
    expect(closed.statusCode, closed.body).toBe(200);
    expect((await close(director)).statusCode).toBe(409);
    expect((await okPage()).term.closed).toBe(true);
    const entry = { studentId: s0, key, mark: { value: 5 }, baseVersion: 2 };
    const refused = await save(subjectTeacher, { term, entries: [entry] });
    expect(refused.statusCode).toBe(409);
    expect(errorOf(refused).code).toBe('term_closed');
    const corrected = await save(subjectTeacher, { term, entries: [entry], correctionReason: 'Yazı səhvi' });
    expect(corrected.statusCode, corrected.body).toBe(200);
    expect(corrected.json<Saved>().saved).toEqual([{ studentId: s0, key, version: 3 }]);
    const history = await director.inject({ url: `/api/journal/cells/history?studentId=${s0}&key=${key}` });
    expect(history.statusCode).toBe(200);
    const events =
      history.json<
        { version: number; mark: { value: number } | null; reason: string | null; by: string }[]
      >();
    expect(events.map((e) => [e.version, e.mark?.value ?? null, e.reason])).toEqual([
      [1, 5, null],
      [2, 4, null],
      [3, 5, 'Yazı səhvi'],
    ]);
    // The history is append-only.
    await expect(t.database.db.execute(sql`delete from journal_cell_event`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`update journal_cell_event set mark = 2`)).rejects.toThrow();
    // An assessment cannot be added to a closed term.
    const assessment = await subjectTeacher.inject({
      method: 'POST',
      url: `/api/journal/classes/${a7}/subjects/mathematics/assessments`,
      payload: { term, date: today, title: 'Gec' },
    });
    expect(assessment.statusCode).toBe(409);
  });
});
