import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { classroomSchool, type ClassroomSchool, errorOf } from '@test/classroom-world';

/** Classes and enrolments through the API: who may see and change what, and the bulk enrolment file. */

type App = Awaited<ReturnType<typeof createTestApp>>;
interface ImportReport {
  valid: boolean;
  dryRun: boolean;
  problems: { line: number; column: string; reason: string }[];
}

interface ClassBody {
  id: number;
  name: string;
  students: number;
  enrolled: { id: number }[];
  subjectTeachers: { subjectCode: string; teacher: { id: number } }[];
  homeroomTeacher: { id: number } | null;
}

describe('classes', () => {
  let t: App;
  let w: ClassroomSchool;
  let director: Session;
  let otherDirector: Session;
  let teacher: Session;
  let otherTeacherOfSchool: Session;
  let student: Session;
  let classmate: Session;
  let outsider: Session;
  let sevenA: number;
  let sevenB: number;

  const create = (s: Session, body: Record<string, unknown>, schoolId = w.schoolId) =>
    s.inject({
      method: 'POST',
      url: `/api/institutions/${schoolId}/classes`,
      payload: { academicYearId: w.yearId, language: 'az', shift: 1, homeroomTeacherId: null, ...body },
    });

  beforeAll(async () => {
    t = await createTestApp();
    w = await classroomSchool(t.database.db);
    const as = (u: { username: string }) => login(t.app, u.username, 'password-1');
    director = await as(w.director);
    otherDirector = await as(w.otherDirector);
    teacher = await as(w.teachers[0]!);
    otherTeacherOfSchool = await as(w.teachers[1]!);
    student = await as(w.students[0]!);
    classmate = await as(w.students[1]!);
    outsider = await as(w.students[2]!);
    const a = await create(director, { grade: 7, letter: 'A', homeroomTeacherId: w.teachers[0]!.id });
    expect(a.statusCode, a.body).toBe(200);
    sevenA = a.json<ClassBody>().id;
    sevenB = (await create(director, { grade: 7, letter: 'B', shift: 2 })).json<ClassBody>().id;
    for (const s of [w.students[0]!, w.students[1]!]) {
      const res = await director.inject({ method: 'PUT', url: `/api/classes/${sevenA}/students/${s.id}` });
      expect(res.statusCode, res.body).toBe(200);
    }
    await director.inject({ method: 'PUT', url: `/api/classes/${sevenB}/students/${w.students[2]!.id}` });
  });
  afterAll(async () => t?.close());

  it('a director creates a class and is told which field is wrong', async () => {
    const shift = await create(director, { grade: 5, letter: 'A', shift: 3 });
    expect(shift.statusCode).toBe(422);
    expect(errorOf(shift).details).toEqual([
      expect.objectContaining({ field: 'shift', reason: 'shift_exceeds' }),
    ]);
    const homeroom = await create(director, { grade: 5, letter: 'A', homeroomTeacherId: w.otherTeacher.id });
    expect(errorOf(homeroom).details[0]!.field).toBe('homeroomTeacherId');
    const letter = await create(director, { grade: 5, letter: '7!' });
    expect(letter.statusCode).toBe(400);
    expect(errorOf(letter).details[0]!.field).toBe('letter');
    const twice = await create(director, { grade: 7, letter: 'A' });
    expect(twice.statusCode).toBe(409);
    expect(errorOf(twice).code).toBe('classroom.name_taken');
    const az = await director.inject({
      method: 'POST',
      url: `/api/institutions/${w.schoolId}/classes`,
      payload: {
        academicYearId: w.yearId,
        grade: 7,
        letter: 'A',
        language: 'az',
        shift: 1,
        homeroomTeacherId: null,
      },
    });
    // In the caller's own language (their setting: Azerbaijani).
    expect(errorOf(az).message).toBe('7A sinfi bu tədris ilində artıq var.');
  });

  it("a director cannot create or change another school's classes", async () => {
    expect((await create(otherDirector, { grade: 9, letter: 'A' })).statusCode).toBe(403);
    const patch = await otherDirector.inject({
      method: 'PATCH',
      url: `/api/classes/${sevenA}`,
      payload: { language: 'ru' },
    });
    expect(patch.statusCode).toBe(403);
  });

  it('lists all classes for the director, only their own for a teacher and a student', async () => {
    const names = async (s: Session) => {
      const res = await s.inject({ url: `/api/institutions/${w.schoolId}/classes` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: ClassBody[] }>().items.map((c) => c.name);
    };
    expect(await names(director)).toEqual(['7A', '7B']);
    expect(await names(teacher)).toEqual(['7A']);
    expect(await names(otherTeacherOfSchool)).toEqual([]);
    expect(await names(student)).toEqual(['7A']);
    expect(await names(outsider)).toEqual(['7B']);
    const other = await otherDirector.inject({ url: `/api/institutions/${w.schoolId}/classes` });
    expect(other.statusCode).toBe(403);
  });

  it('shows a class to its teacher and its students only', async () => {
    const read = (s: Session) => s.inject({ url: `/api/classes/${sevenA}` });
    const detail = (await read(director)).json<ClassBody>();
    expect(detail.students).toBe(2);
    expect(detail.enrolled.map((s) => s.id).sort()).toEqual([w.students[0]!.id, w.students[1]!.id].sort());
    expect(detail.homeroomTeacher?.id).toBe(w.teachers[0]!.id);
    expect((await read(teacher)).statusCode).toBe(200);
    expect((await read(classmate)).statusCode).toBe(200);
    expect((await read(otherTeacherOfSchool)).statusCode).toBe(403);
    expect((await read(outsider)).statusCode).toBe(403);
    expect((await read(otherDirector)).statusCode).toBe(403);
    // A subject teacher reads the class once they teach it.
    const set = await saveAsRead(director, {
      url: `/api/classes/${sevenA}/subjects/physics`,
      readUrl: `/api/classes/${sevenA}/subjects`,
      payload: { teacherId: w.teachers[1]!.id },
    });
    const taught = set.json<ClassBody>().subjectTeachers.map((s) => [s.subjectCode, s.teacher.id]);
    expect(taught).toEqual([['physics', w.teachers[1]!.id]]);
    expect((await read(otherTeacherOfSchool)).statusCode).toBe(200);
    const removed = await director.inject({
      method: 'DELETE',
      url: `/api/classes/${sevenA}/subjects/physics`,
    });
    expect(removed.json<ClassBody>().subjectTeachers).toEqual([]);
    expect((await read(otherTeacherOfSchool)).statusCode).toBe(403);
  });

  it('refuses a subject the grade does not have, and a teacher of another school', async () => {
    const lower = (await create(director, { grade: 2, letter: 'A' })).json<ClassBody>().id;
    const chemistry = await saveAsRead(director, {
      url: `/api/classes/${lower}/subjects/chemistry`,
      readUrl: `/api/classes/${lower}/subjects`,
      payload: { teacherId: w.teachers[0]!.id },
    });
    expect(chemistry.statusCode).toBe(422);
    expect(errorOf(chemistry).details[0]).toMatchObject({
      field: 'subjectCode',
      reason: 'subject_not_in_grade',
    });
    const foreign = await saveAsRead(director, {
      url: `/api/classes/${lower}/subjects/mathematics`,
      readUrl: `/api/classes/${lower}/subjects`,
      payload: { teacherId: w.otherTeacher.id },
    });
    expect(errorOf(foreign).details[0]).toMatchObject({ field: 'teacherId', reason: 'not_teacher' });
  });

  it('keeps a student in one class a year, and takes them out', async () => {
    const again = await director.inject({
      method: 'PUT',
      url: `/api/classes/${sevenB}/students/${w.students[0]!.id}`,
    });
    expect(again.statusCode).toBe(409);
    expect(errorOf(again).message).toContain('7A');
    const stranger = await director.inject({
      method: 'PUT',
      url: `/api/classes/${sevenB}/students/${w.otherStudent.id}`,
    });
    expect(errorOf(stranger).details[0]).toMatchObject({ field: 'studentId', reason: 'not_student' });
    const spare = w.students[3]!.id;
    expect(
      (await director.inject({ method: 'PUT', url: `/api/classes/${sevenB}/students/${spare}` })).statusCode,
    ).toBe(200);
    const out = await director.inject({ method: 'DELETE', url: `/api/classes/${sevenB}/students/${spare}` });
    expect(out.json<ClassBody>().enrolled.map((s) => s.id)).not.toContain(spare);
    expect(
      (await director.inject({ method: 'DELETE', url: `/api/classes/${sevenB}/students/${spare}` }))
        .statusCode,
    ).toBe(404);
  });

  describe('the enrolment file', () => {
    const upload = (body: string, query = '') =>
      director.inject({
        method: 'POST',
        url: `/api/institutions/${w.schoolId}/enrolments/import${query}`,
        headers: { 'content-type': 'text/csv' },
        payload: body,
      });

    it('reports every problem with its line, and then writes nothing', async () => {
      const file = [
        'username,class',
        `${w.students[3]!.username},7B`,
        `${w.otherStudent.username},7A`,
        `${w.students[3]!.username},7A`,
        'nobody,7 a',
        `${w.students[2]!.username},9Z`,
        `${w.students[1]!.username},seven`,
        ',7A',
      ].join('\r\n');
      const res = await upload(file);
      expect(res.statusCode, res.body).toBe(200);
      const report = res.json<{
        valid: boolean;
        problems: { line: number; column: string; reason: string }[];
      }>();
      expect(report.valid).toBe(false);
      expect(report.problems.map((p) => [p.line, p.column, p.reason])).toEqual([
        [3, 'username', 'unknown_student'],
        [4, 'username', 'duplicate'],
        [5, 'username', 'unknown_student'],
        [6, 'class', 'unknown_class'],
        [7, 'class', 'bad_class'],
        [8, 'username', 'required'],
      ]);
      const detail = (await director.inject({ url: `/api/classes/${sevenB}` })).json<ClassBody>();
      expect(detail.enrolled.map((s) => s.id)).toEqual([w.students[2]!.id]);
    });

    it('names a missing column', async () => {
      const res = await upload('user,klass\r\nx,7A\r\n');
      expect(res.json<ImportReport>().problems.map((p: { column: string }) => p.column)).toEqual([
        'username',
        'class',
      ]);
    });

    it('enrols and moves everyone of a valid file at once, a dry run only reports, the export reads back', async () => {
      const file = `username;class\r\n${w.students[3]!.username};7a\r\n${w.students[2]!.username};7A\r\n${w.students[0]!.username};7A\r\n`;
      const dry = (await upload(file, '?dryRun=true')).json<ImportReport>();
      expect(dry).toMatchObject({ valid: true, dryRun: true, enrolled: 1, moved: 1, unchanged: 1 });
      expect((await director.inject({ url: `/api/classes/${sevenA}` })).json<ClassBody>().students).toBe(2);
      const done = (await upload(file)).json<ImportReport>();
      expect(done).toMatchObject({
        valid: true,
        dryRun: false,
        rows: 3,
        enrolled: 1,
        moved: 1,
        unchanged: 1,
      });
      expect((await director.inject({ url: `/api/classes/${sevenA}` })).json<ClassBody>().students).toBe(4);
      expect((await director.inject({ url: `/api/classes/${sevenB}` })).json<ClassBody>().students).toBe(0);

      const exported = await director.inject({ url: `/api/institutions/${w.schoolId}/enrolments/export` });
      expect(exported.headers['content-type']).toContain('text/csv');
      expect(exported.body.split('\r\n')[0]).toBe('\uFEFFusername,class,name');
      const again = (await upload(exported.body)).json<ImportReport>();
      expect(again).toMatchObject({ valid: true, enrolled: 0, moved: 0, unchanged: 4 });
      expect(
        (await teacher.inject({ url: `/api/institutions/${w.schoolId}/enrolments/export` })).statusCode,
      ).toBe(403);
    });
  });
});
