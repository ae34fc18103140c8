import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { classroomSchool, type ClassroomSchool, errorOf } from '@test/classroom-world';
import { academicYears } from '@/modules/institutions/institutions.tables';
import { readCsv } from '@/modules/infrastructure/registry-import.files';
import { HEADERS } from '@/modules/classroom/oneroster';

/** OneRoster 1.2 CSV through the API: the export's files, the round trip, and what the import refuses. */

type App = Awaited<ReturnType<typeof createTestApp>>;

interface ClassBody {
  id: number;
  name: string;
  enrolled: { id: number }[];
  homeroomTeacher: { id: number } | null;
  subjectTeachers: { subjectCode: string; teacher: { id: number } }[];
}

interface Problem {
  file: string;
  line: number;
  column: string;
  reason: string;
  message: string;
}

/** The CSV files of a zip, each as its header and rows of cells by column (lower case). */
function filesOf(zip: Uint8Array) {
  const out = new Map<string, { header: string[]; rows: Map<string, string>[]; text: string }>();
  for (const [name, bytes] of Object.entries(unzipSync(zip))) {
    const file = readCsv(Buffer.from(bytes));
    out.set(name, { header: file.header, rows: file.rows.map((r) => r.cells), text: strFromU8(bytes) });
  }
  return out;
}

/** A zip of the given files (each name → CSV text). */
const zipOf = (files: Record<string, string>) =>
  Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([n, t]) => [n, strToU8(t)]))));

describe('OneRoster 1.2 CSV', () => {
  let t: App;
  let w: ClassroomSchool;
  let director: Session;
  let otherDirector: Session;
  let teacher: Session;
  let sevenA: number;
  let freshYear: number;

  const exportZip = (s: Session, query = '') =>
    s.inject({ url: `/api/institutions/${w.schoolId}/oneroster${query}` });
  const upload = (s: Session, body: Buffer, query = '') =>
    s.inject({
      method: 'POST',
      url: `/api/institutions/${w.schoolId}/oneroster${query}`,
      headers: { 'content-type': 'application/zip' },
      payload: body,
    });
  const classesOf = async (yearId: number) =>
    (await director.inject({ url: `/api/institutions/${w.schoolId}/classes?yearId=${yearId}` })).json<{
      items: { id: number; name: string }[];
    }>().items;
  const detail = async (id: number) =>
    (await director.inject({ url: `/api/classes/${id}` })).json<ClassBody>();

  beforeAll(async () => {
    t = await createTestApp();
    w = await classroomSchool(t.database.db);
    const as = (u: { username: string }) => login(t.app, u.username, 'password-1');
    director = await as(w.director);
    otherDirector = await as(w.otherDirector);
    teacher = await as(w.teachers[0]!);
    const create = async (grade: number, letter: string, homeroomTeacherId: number | null) => {
      const res = await director.inject({
        method: 'POST',
        url: `/api/institutions/${w.schoolId}/classes`,
        payload: { academicYearId: w.yearId, grade, letter, language: 'az', shift: 1, homeroomTeacherId },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<ClassBody>().id;
    };
    sevenA = await create(7, 'A', w.teachers[0]!.id);
    const eightB = await create(8, 'B', null);
    for (const [cls, s] of [
      [sevenA, w.students[0]!],
      [sevenA, w.students[1]!],
      [eightB, w.students[2]!],
    ] as const) {
      const res = await director.inject({ method: 'PUT', url: `/api/classes/${cls}/students/${s.id}` });
      expect(res.statusCode, res.body).toBe(200);
    }
    const math = await saveAsRead(director, {
      url: `/api/classes/${sevenA}/subjects/mathematics`,
      readUrl: `/api/classes/${sevenA}/subjects`,
      payload: { teacherId: w.teachers[1]!.id },
    });
    expect(math.statusCode, math.body).toBe(200);
    const [year] = await t.database.db
      .insert(academicYears)
      .values({
        code: `F-${Math.random().toString(36).slice(2, 8)}`,
        startsOn: w.yearEndsOn,
        endsOn: '2099-06-30',
        isCurrent: false,
      })
      .returning();
    freshYear = year!.id;
  });
  afterAll(async () => t?.close());

  it('exports the files of the binding, in its column order, with references that resolve', async () => {
    const res = await exportZip(director);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="oneroster-.*\.zip"/);
    const files = filesOf(res.rawPayload);
    expect([...files.keys()].sort()).toEqual(
      [
        'academicSessions.csv',
        'classes.csv',
        'courses.csv',
        'enrollments.csv',
        'manifest.csv',
        'orgs.csv',
        'roles.csv',
        'users.csv',
      ].sort(),
    );
    for (const [name, file] of files) {
      expect(file.header, name).toEqual(HEADERS[name.replace('.csv', '') as keyof typeof HEADERS]);
      expect(file.text.charCodeAt(0), `${name} has no byte-order mark`).not.toBe(0xfeff);
    }
    const manifest = new Map(
      files.get('manifest.csv')!.rows.map((r) => [r.get('propertyname'), r.get('value')]),
    );
    expect(manifest.get('oneroster.version')).toBe('1.2');
    expect(manifest.get('file.enrollments')).toBe('bulk');
    expect(manifest.get('file.demographics')).toBe('absent');

    const orgs = files.get('orgs.csv')!.rows;
    const school = orgs.find((o) => o.get('type') === 'school')!;
    expect(school.get('sourcedid')).toBe(`maktab-org-${w.schoolId}`);
    expect(orgs.map((o) => o.get('sourcedid'))).toContain(school.get('parentsourcedid'));
    expect(orgs.find((o) => o.get('sourcedid') === school.get('parentsourcedid'))!.get('type')).toBe(
      'district',
    );
    // Bulk files leave status and dateLastModified empty.
    expect(orgs.every((o) => o.get('status') === '' && o.get('datelastmodified') === '')).toBe(true);

    const sessions = files.get('academicSessions.csv')!.rows;
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.get('type')).toBe('schoolYear');
    expect(sessions[0]!.get('startdate')).toBe(w.yearStartsOn);

    const classes = files.get('classes.csv')!.rows;
    expect(
      classes.map((c) => [c.get('sourcedid'), c.get('title'), c.get('grades'), c.get('classtype')]),
    ).toEqual([
      [`maktab-class-${sevenA}`, '7A', '07', 'homeroom'],
      [`maktab-class-${sevenA}-mathematics`, '7A Riyaziyyat', '07', 'scheduled'],
      [expect.stringMatching(/^maktab-class-\d+$/), '8B', '08', 'homeroom'],
    ]);
    // Subject classes and their courses carry the subject's code beside its name; homerooms carry none.
    expect(classes.map((c) => [c.get('subjects'), c.get('subjectcodes')])).toEqual([
      ['', ''],
      ['Riyaziyyat', 'mathematics'],
      ['', ''],
    ]);
    const mathsCourse = files
      .get('courses.csv')!
      .rows.find((c) => c.get('sourcedid') === classes[1]!.get('coursesourcedid'))!;
    expect([mathsCourse.get('subjects'), mathsCourse.get('subjectcodes')]).toEqual([
      'Riyaziyyat',
      'mathematics',
    ]);
    const courseIds = new Set(files.get('courses.csv')!.rows.map((c) => c.get('sourcedid')));
    for (const c of classes) {
      expect(courseIds.has(c.get('coursesourcedid'))).toBe(true);
      expect(c.get('schoolsourcedid')).toBe(school.get('sourcedid'));
      expect(c.get('termsourcedids')).toBe(sessions[0]!.get('sourcedid'));
    }

    const users = files.get('users.csv')!.rows;
    const userIds = new Set(users.map((u) => u.get('sourcedid')));
    const classIds = new Set(classes.map((c) => c.get('sourcedid')));
    const student = users.find((u) => u.get('username') === w.students[0]!.username)!;
    expect(student.get('sourcedid')).toBe(`maktab-user-${w.students[0]!.id}`);
    expect(student.get('givenname')).not.toBe('');
    expect(student.get('familyname')).not.toBe('');
    expect(student.get('grades')).toBe('07');
    expect(student.get('enableduser')).toBe('true');
    const roles = files.get('roles.csv')!.rows;
    expect(roles.find((r) => r.get('usersourcedid') === student.get('sourcedid'))!.get('role')).toBe(
      'student',
    );
    expect(
      roles.find((r) => r.get('usersourcedid') === `maktab-user-${w.teachers[1]!.id}`)!.get('role'),
    ).toBe('teacher');

    const enrollments = files.get('enrollments.csv')!.rows;
    for (const e of enrollments) {
      expect(userIds.has(e.get('usersourcedid'))).toBe(true);
      expect(classIds.has(e.get('classsourcedid'))).toBe(true);
    }
    const of = (cls: string) =>
      enrollments
        .filter((e) => e.get('classsourcedid') === cls)
        .map((e) => [e.get('usersourcedid'), e.get('role'), e.get('primary')]);
    expect(of(`maktab-class-${sevenA}`)).toEqual([
      [`maktab-user-${w.students[0]!.id}`, 'student', 'false'],
      [`maktab-user-${w.students[1]!.id}`, 'student', 'false'],
      [`maktab-user-${w.teachers[0]!.id}`, 'teacher', 'true'],
    ]);
    expect(of(`maktab-class-${sevenA}-mathematics`)).toContainEqual([
      `maktab-user-${w.teachers[1]!.id}`,
      'teacher',
      'true',
    ]);
  });

  it('imports its own export into a fresh year: the same classes, students and teachers', async () => {
    const zip = (await exportZip(director)).rawPayload;
    const dry = await upload(director, zip, `?yearId=${freshYear}&dryRun=true`);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toEqual({
      dryRun: true,
      classesCreated: 2,
      enrolled: 3,
      moved: 0,
      unchanged: 0,
      teachersSet: 2,
    });
    expect(await classesOf(freshYear)).toEqual([]);

    const done = await upload(director, zip, `?yearId=${freshYear}`);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ dryRun: false, classesCreated: 2, enrolled: 3, teachersSet: 2 });
    const created = await classesOf(freshYear);
    expect(created.map((c) => c.name)).toEqual(['7A', '8B']);
    const a = await detail(created[0]!.id);
    expect(a.enrolled.map((s) => s.id).sort()).toEqual([w.students[0]!.id, w.students[1]!.id].sort());
    expect(a.homeroomTeacher?.id).toBe(w.teachers[0]!.id);
    expect(a.subjectTeachers.map((s) => [s.subjectCode, s.teacher.id])).toEqual([
      ['mathematics', w.teachers[1]!.id],
    ]);
    expect((await detail(created[1]!.id)).enrolled.map((s) => s.id)).toEqual([w.students[2]!.id]);

    // The fresh year's export is the same roster; importing it again changes nothing.
    const again = await upload(
      director,
      (await exportZip(director, `?yearId=${freshYear}`)).rawPayload,
      `?yearId=${freshYear}`,
    );
    expect(again.json()).toEqual({
      dryRun: false,
      classesCreated: 0,
      enrolled: 0,
      moved: 0,
      unchanged: 3,
      teachersSet: 0,
    });
  });

  describe('a file with problems', () => {
    const header = (file: keyof typeof HEADERS) => HEADERS[file].join(',');
    const S = () => `maktab-org-${w.schoolId}`;
    const good = () => ({
      'manifest.csv': 'propertyName,value\r\nmanifest.version,1.0\r\noneroster.version,1.2\r\n',
      'orgs.csv': `${header('orgs')}\r\n${S()},,,School,school,,\r\n`,
      'classes.csv': [
        header('classes'),
        `c1,,,9C,09,,,homeroom,,${S()},,,,`,
        `c2,,,9C Physics,09,,9C,scheduled,,${S()},,physics,,`,
      ].join('\r\n'),
      'users.csv': [
        header('users'),
        `u1,,,true,${w.students[3]!.username},,Ali,Aliyev,,,,,,,,,,,,,,,`,
        // Our own sourcedId finds the person when the username is left empty.
        `maktab-user-${w.teachers[2]!.id},,,true,,,Aysel,Həsənova,,,,,,,,,,,,,,,`,
      ].join('\r\n'),
      'enrollments.csv': [
        header('enrollments'),
        `e1,,,c1,${S()},u1,student,false,,`,
        `e2,,,c2,${S()},maktab-user-${w.teachers[2]!.id},teacher,true,,`,
      ].join('\r\n'),
    });
    const nineC = async () => (await classesOf(w.yearId)).find((c) => c.name === '9C');

    it('names the file, line, column and reason of every problem, in the caller’s language, and writes nothing', async () => {
      const files = good();
      files['classes.csv'] += `\r\nc3,,,10A,08,,,homeroom,,${S()},,,,`;
      files['users.csv'] += `\r\nu3,,,true,nobody-here,,No,Body,,,,,,,,,,,,,,,`;
      files['enrollments.csv'] +=
        `\r\ne3,,,c9,${S()},u1,student,false,,\r\ne4,,,c1,${S()},u3,student,false,,`;
      const res = await upload(director, zipOf(files), '');
      expect(res.statusCode, res.body).toBe(422);
      const error = errorOf(res);
      expect(error.code).toBe('oneroster.invalid');
      const problems = error.details as unknown as Problem[];
      expect(problems.map((p) => [p.file, p.line, p.column, p.reason])).toEqual([
        ['classes.csv', 4, 'grades', 'wrong_grade'],
        ['users.csv', 4, 'username', 'unknown_user'],
        ['enrollments.csv', 4, 'classSourcedId', 'unknown_class_ref'],
      ]);
      expect(problems[1]!.message).toBe(
        'users.csv, 4-ci sətir, username: bu məktəbdə nobody-here istifadəçi adlı şagird və ya müəllim yoxdur',
      );
      expect(await nineC()).toBeUndefined();
    });

    it('names a missing column and a missing file', async () => {
      const files: Record<string, string> = good();
      files['users.csv'] = files['users.csv']!.replace('username', 'login');
      delete files['enrollments.csv'];
      const res = await upload(director, zipOf(files));
      expect(res.statusCode).toBe(422);
      expect((errorOf(res).details as unknown as Problem[]).map((p) => [p.file, p.column, p.reason])).toEqual(
        [
          ['users.csv', 'username', 'missing_column'],
          ['enrollments.csv', '', 'missing_file'],
        ],
      );
      expect(await nineC()).toBeUndefined();
    });

    it('refuses a student who is not of this school and a subject the grade does not have', async () => {
      const files = good();
      files['users.csv'] = files['users.csv'].replace(w.students[3]!.username, w.otherStudent.username);
      files['classes.csv'] = files['classes.csv'].replaceAll('9C', '1C').replaceAll('09', '01');
      const res = await upload(director, zipOf(files));
      expect((errorOf(res).details as unknown as Problem[]).map((p) => [p.file, p.line, p.reason])).toEqual([
        ['classes.csv', 3, 'subject_not_in_grade'],
        ['users.csv', 2, 'unknown_user'],
      ]);
    });

    it('takes the ext: class types the binding allows: a subject class by its subject code, another kind left out', async () => {
      const files = good();
      files['classes.csv'] = [
        header('classes'),
        `c1,,,9C,09,,,homeroom,,${S()},,,,`,
        // A system's own kind of subject class, named by its subject code only.
        `c2,,,9C Fizika,09,,9C,ext:subjectGroup,,${S()},,,physics,`,
        // A kind we do not keep (a club): left out, and its enrolments with it.
        `c3,,,9C Chess club,09,,9C,ext:club,,${S()},,,,`,
      ].join('\r\n');
      files['enrollments.csv'] += `\r\ne3,,,c3,${S()},u1,student,false,,`;
      const res = await upload(director, zipOf(files), '?dryRun=true');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ classesCreated: 1, enrolled: 1, teachersSet: 1 });
      expect(await nineC()).toBeUndefined();

      // What the binding does not allow is still refused: a word of our own, an ext: value with a space.
      for (const bad of ['seminar', 'ext:chess club', 'ext:']) {
        const wrong = good();
        wrong['classes.csv'] = wrong['classes.csv'].replace(',scheduled,', `,${bad},`);
        const refused = await upload(director, zipOf(wrong));
        expect(refused.statusCode, bad).toBe(422);
        expect(
          (errorOf(refused).details as unknown as Problem[]).map((p) => [p.file, p.line, p.column, p.reason]),
          bad,
        ).toEqual([['classes.csv', 3, 'classType', 'bad_class_type']]);
      }
    });

    it('writes a good file: the class, the student, the subject teacher', async () => {
      const res = await upload(director, zipOf(good()));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ classesCreated: 1, enrolled: 1, teachersSet: 1 });
      const c = await detail((await nineC())!.id);
      expect(c.enrolled.map((s) => s.id)).toEqual([w.students[3]!.id]);
      expect(c.subjectTeachers.map((s) => [s.subjectCode, s.teacher.id])).toEqual([
        ['physics', w.teachers[2]!.id],
      ]);
      expect(c.homeroomTeacher).toBeNull();
    });

    it('two imports at once make the class once; a subject teacher set by import makes an earlier read stale', async () => {
      const files = good();
      for (const [from, to] of [
        ['9C', '9D'],
        ['c1,', 'd1,'],
        ['c2,', 'd2,'],
      ] as const) {
        files['classes.csv'] = files['classes.csv'].replaceAll(from, to);
        files['enrollments.csv'] = files['enrollments.csv'].replaceAll(`,${from}`, `,${to}`);
      }
      const [a, b] = await Promise.all([upload(director, zipOf(files)), upload(director, zipOf(files))]);
      expect(a.statusCode, a.body).toBe(200);
      expect(b.statusCode, b.body).toBe(200);
      const nineD = (await classesOf(w.yearId)).filter((c) => c.name === '9D');
      expect(nineD).toHaveLength(1);
      const d = await detail(nineD[0]!.id);
      expect(d.enrolled.map((s) => s.id)).toEqual([w.students[3]!.id]);
      expect(d.subjectTeachers.map((s) => [s.subjectCode, s.teacher.id])).toEqual([
        ['physics', w.teachers[2]!.id],
      ]);

      // The director reads the class's subject teachers; an import then gives physics another teacher.
      const read = await director.inject({ url: `/api/classes/${d.id}/subjects` });
      const { version } = read.json<{ version: number }>();
      const other = { ...files };
      other['enrollments.csv'] = files['enrollments.csv'].replaceAll(
        `maktab-user-${w.teachers[2]!.id}`,
        `maktab-user-${w.teachers[1]!.id}`,
      );
      other['users.csv'] = files['users.csv'].replace(
        `maktab-user-${w.teachers[2]!.id}`,
        `maktab-user-${w.teachers[1]!.id}`,
      );
      const changed = await upload(director, zipOf(other));
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json()).toMatchObject({ classesCreated: 0, teachersSet: 1 });
      const save = await director.inject({
        method: 'PUT',
        url: `/api/classes/${d.id}/subjects`,
        payload: { version, items: [{ subjectCode: 'physics', teacherId: w.teachers[2]!.id }] },
      });
      expect(save.statusCode, save.body).toBe(409);
      expect((await detail(d.id)).subjectTeachers.map((s) => [s.subjectCode, s.teacher.id])).toEqual([
        ['physics', w.teachers[1]!.id],
      ]);
    });
  });

  it('refuses what is not a zip, a zip bomb, and too many files', async () => {
    const notZip = await upload(director, Buffer.from('sourcedId,title\r\nc1,7A\r\n'));
    expect(notZip.statusCode).toBe(422);
    expect(errorOf(notZip).code).toBe('oneroster.not_zip');
    // 60 MB of zeros pack into some 60 KB.
    const bomb = Buffer.from(zipSync({ 'users.csv': new Uint8Array(60 * 1024 * 1024) }, { level: 9 }));
    expect(bomb.length).toBeLessThan(200_000);
    const refused = await upload(director, bomb);
    expect(refused.statusCode).toBe(413);
    // Refused by its own size, named, before anything is unpacked.
    expect(errorOf(refused).code).toBe('archive.entry_too_large');
    expect(errorOf(refused).message).toContain('users.csv');
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}.csv`, 'a']));
    const crowded = await upload(director, zipOf(many));
    expect(crowded.statusCode).toBe(413);
    const huge = await upload(director, Buffer.alloc(11 * 1024 * 1024, 1));
    expect(huge.statusCode).toBe(413);
  });

  it('is for the school’s director only: another school’s director and a teacher are refused', async () => {
    const zip = (await exportZip(director)).rawPayload;
    expect((await exportZip(otherDirector)).statusCode).toBe(403);
    expect((await exportZip(teacher)).statusCode).toBe(403);
    expect((await upload(otherDirector, zip, `?yearId=${freshYear}`)).statusCode).toBe(403);
    expect((await upload(teacher, zip, `?yearId=${freshYear}`)).statusCode).toBe(403);
  });
});
