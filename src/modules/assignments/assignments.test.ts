import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { createUserWithRole, linkParent } from '@test/factories';
import { actorOf, classroomSchool, errorOf, type ClassroomSchool } from '@test/classroom-world';
import { ensureGradingScale, PDF } from '@test/assignments-world';
import { pngBytes } from '@test/files';
import * as classroom from '@/modules/classroom/classroom.service';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import {
  drawGroups,
  homeworkDue,
  studentAssignments,
  submittedOnTime,
} from '@/modules/assignments/assignments.service';
import { notify } from '@/modules/notifications/notifications.service';
import { lessons } from '@/modules/classroom/classroom.tables';

/**
 * Assignments and group work through the API: setting (individual, groups formed or drawn), handing in text
 * and files in versions with a late flag, the status list, feedback and marks of the grading scale, the
 * notifications each step sends, and every refusal: other schools, other classes, other students' work,
 * parents (statuses and marks only), regional and national staff (nothing individual).
 */

type App = Awaited<ReturnType<typeof createTestApp>>;
interface Detail {
  id: number;
  kind: string;
  groups: { id: number; number: number; members: { id: number }[] }[];
  ungrouped: { id: number }[];
  drawSeed: number | null;
  groupsVersion: number;
  canEdit: boolean;
  canSubmit: boolean;
  myStatus: string | null;
}
interface VersionBody {
  id: number;
  version: number;
  late: boolean;
  mark: number | null;
  files: { id: number; contentType: string }[];
  submittedBy: { id: number };
}
interface StatusBody {
  counts: Record<string, number>;
  scale: { value: number; name: string }[];
  items: {
    student: { id: number };
    status: string;
    mark: number | null;
    groupNumber: number | null;
    submissionId: number | null;
  }[];
}
interface NotificationsBody {
  unread: number;
  items: { id: number; kind: string; text: string; read: boolean; params: Record<string, unknown> }[];
}

describe('assignments', () => {
  let t: App;
  let w: ClassroomSchool;
  let a7: number;
  let b7: number;
  let otherClass: number;
  /** teachers[0] teaches 7A mathematics; teachers[1] is 7A's homeroom teacher; teachers[2] teaches 7B only. */
  let teacher: Session;
  let homeroom: Session;
  let strangerTeacher: Session;
  let otherTeacher: Session;
  let director: Session;
  let otherDirector: Session;
  /** students[0..2] are in 7A, students[3] in 7B. */
  let s: Session[];
  let parent: Session;
  let otherParent: Session;
  let regional: Session;
  let bureau: Session;
  let admin: Session;
  const future = () => new Date(Date.now() + 3 * 86_400_000).toISOString();
  const past = () => new Date(Date.now() - 86_400_000).toISOString();

  const create = async (payload: Record<string, unknown>, as: Session = teacher, classId = a7) =>
    as.inject({
      method: 'POST',
      url: `/api/classes/${classId}/assignments`,
      payload: {
        subjectCode: 'mathematics',
        title: 'Kəsrlər',
        instructions: null,
        kind: 'individual',
        dueAt: future(),
        ...payload,
      },
    });
  const created = async (payload: Record<string, unknown>) => {
    const res = await create(payload);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Detail>();
  };
  const submit = (as: Session, id: number, payload: { text: string | null; fileIds: number[] }) =>
    as.inject({ method: 'POST', url: `/api/assignments/${id}/submissions`, payload });
  const upload = (as: Session, id: number, body: Buffer, name = 'iş.pdf') =>
    as.inject({
      method: 'POST',
      url: `/api/assignments/${id}/uploads?name=${encodeURIComponent(name)}`,
      payload: body,
      headers: { 'content-type': 'application/octet-stream' },
    });
  const statuses = async (id: number, as: Session = teacher) => {
    const res = await as.inject({ url: `/api/assignments/${id}/statuses` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<StatusBody>();
  };
  const statusOf = (list: StatusBody, studentId: number) =>
    list.items.find((i) => i.student.id === studentId)!;
  const feedback = (as: Session, submissionId: number, payload: Record<string, unknown>) =>
    as.inject({
      method: 'POST',
      url: `/api/submissions/${submissionId}/feedback`,
      payload: { mark: null, feedback: null, resubmit: false, ...payload },
    });
  const notifications = async (as: Session) => {
    const res = await as.inject({ url: '/api/notifications' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<NotificationsBody>();
  };

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    w = await classroomSchool(db);
    await ensureGradingScale(db);
    const ctx = { actorId: null, ip: null };
    const dir = actorOf(w.director.id, 'director', w.schoolId);
    const adminActor = actorOf(w.director.id, 'admin', null);
    const make = async (institutionId: number, letter: string, homeroomTeacherId: number | null) =>
      (
        await classroom.createClass(
          db,
          institutionId === w.schoolId ? dir : adminActor,
          ctx,
          institutionId,
          { academicYearId: w.yearId, grade: 7, letter, language: 'az', shift: 1, homeroomTeacherId },
          'en',
        )
      ).id;
    a7 = await make(w.schoolId, 'A', w.teachers[1]!.id);
    b7 = await make(w.schoolId, 'B', null);
    otherClass = await make(w.otherSchoolId, 'A', null);
    for (const st of w.students.slice(0, 3)) await classroom.enrolStudent(db, dir, ctx, a7, st.id, 'en');
    await classroom.enrolStudent(db, dir, ctx, b7, w.students[3]!.id, 'en');
    await classroom.enrolStudent(db, adminActor, ctx, otherClass, w.otherStudent.id, 'en');
    await classroom.setSubjectTeacher(db, dir, ctx, a7, 'mathematics', w.teachers[0]!.id, 'en');
    await classroom.setSubjectTeacher(db, dir, ctx, b7, 'mathematics', w.teachers[2]!.id, 'en');
    await classroom.setSubjectTeacher(
      db,
      adminActor,
      ctx,
      otherClass,
      'mathematics',
      w.otherTeacher.id,
      'en',
    );
    const place = await institutionsStore.institutionPlace(db, w.schoolId);
    const p = await createUserWithRole(db, 'parent');
    const op = await createUserWithRole(db, 'parent');
    await linkParent(db, p.id, w.students[0]!.id);
    await linkParent(db, op.id, w.students[3]!.id);
    const reg = await createUserWithRole(db, 'regional', { areaId: place!.areaId });
    const bur = await createUserWithRole(db, 'bureau');
    const adm = await createUserWithRole(db, 'admin');
    const as = (u: { username: string }) => login(t.app, u.username, 'password-1');
    teacher = await as(w.teachers[0]!);
    homeroom = await as(w.teachers[1]!);
    strangerTeacher = await as(w.teachers[2]!);
    otherTeacher = await as(w.otherTeacher);
    director = await as(w.director);
    otherDirector = await as(w.otherDirector);
    s = [];
    for (const st of w.students) s.push(await as(st));
    parent = await as(p);
    otherParent = await as(op);
    regional = await as(reg);
    bureau = await as(bur);
    admin = await as(adm);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('sets an individual assignment and notifies the class in each reader’s language', async () => {
    const a = await created({ title: 'Tənliklər' });
    expect(a).toMatchObject({ kind: 'individual', canEdit: true, canSubmit: false, groups: [] });
    const mine = await notifications(s[0]!);
    expect(mine.unread).toBeGreaterThanOrEqual(1);
    const note = mine.items.find((n) => n.kind === 'assignment_new' && n.params.assignmentId === a.id)!;
    expect(note.text).toContain('Riyaziyyat');
    expect(note.text).toContain('Tənliklər');
    const ru = await s[0]!.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'ru' } });
    expect(ru.statusCode, ru.body).toBe(200);
    const again = (await notifications(s[0]!)).items.find((n) => n.id === note.id)!;
    expect(again.text).toContain('Математика');
    expect(again.text).toMatch(/^Новое задание/);
    await s[0]!.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'az' } });
    // Not the other class.
    expect((await notifications(s[3]!)).items.some((n) => n.params.assignmentId === a.id)).toBe(false);
  });

  it('refuses to set an assignment for a class or subject the teacher does not teach', async () => {
    expect((await create({}, strangerTeacher)).statusCode).toBe(403); // teaches 7B, not 7A
    const res = await create({}, homeroom); // teaches 7A (homeroom), not its mathematics
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).details[0]).toMatchObject({ field: 'subjectCode', reason: 'not_your_subject' });
    expect((await create({}, otherTeacher)).statusCode).toBe(403); // another school
    expect((await create({}, director)).statusCode).toBe(403);
    expect((await create({}, s[0])).statusCode).toBe(403);
    expect((await create({}, admin)).statusCode).toBe(403);
    const unknown = await create({ subjectCode: 'alchemy' });
    expect(unknown.statusCode).toBe(422);
    expect(errorOf(unknown).details[0]!.field).toBe('subjectCode');
    const bad = await create({ kind: 'individual', groups: [{ studentIds: [w.students[0]!.id] }] });
    expect(errorOf(bad).details[0]!.reason).toBe('not_for_individual');
    const malformed = await create({ dueAt: 'tomorrow' });
    expect(malformed.statusCode).toBe(400);
  });

  it('takes versions of text and files, flags late ones, and keeps every version', async () => {
    const a = await created({});
    const up = await upload(s[0]!, a.id, PDF);
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json()).toMatchObject({ contentType: 'application/pdf', name: 'iş.pdf' });
    const fileId = up.json<{ id: number }>().id;
    const first = await submit(s[0]!, a.id, { text: 'Birinci', fileIds: [] });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ version: 1, late: false });
    const second = await submit(s[0]!, a.id, { text: null, fileIds: [fileId] });
    expect(second.json<VersionBody>()).toMatchObject({
      version: 2,
      files: [{ id: fileId, contentType: 'application/pdf' }],
    });
    const work = await s[0]!.inject({ url: `/api/assignments/${a.id}/work/${w.students[0]!.id}` });
    expect(work.json<{ versions: VersionBody[]; status: string }>()).toMatchObject({
      status: 'submitted',
      versions: [{ version: 2 }, { version: 1 }],
    });
    // The file is the student's and the teacher's to read, not a classmate's.
    const file = await teacher.inject({ url: `/api/assignment-files/${fileId}` });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.rawPayload.equals(PDF)).toBe(true);
    expect((await s[0]!.inject({ url: `/api/assignment-files/${fileId}` })).statusCode).toBe(200);
    expect((await s[1]!.inject({ url: `/api/assignment-files/${fileId}` })).statusCode).toBe(403);
    expect((await otherTeacher.inject({ url: `/api/assignment-files/${fileId}` })).statusCode).toBe(403);
    expect((await strangerTeacher.inject({ url: `/api/assignment-files/${fileId}` })).statusCode).toBe(403);
    expect((await parent.inject({ url: `/api/assignment-files/${fileId}` })).statusCode).toBe(403);
    // A classmate cannot hand in someone else's file.
    const theft = await submit(s[1]!, a.id, { text: null, fileIds: [fileId] });
    expect(theft.statusCode).toBe(422);
    expect(errorOf(theft).details[0]).toMatchObject({ field: 'fileIds.0', reason: 'not_your_file' });
    const empty = await submit(s[1]!, a.id, { text: '   ', fileIds: [] });
    expect(errorOf(empty).details[0]!.reason).toBe('empty');

    const late = await created({ dueAt: past() });
    const v = await submit(s[0]!, late.id, { text: 'Gecikdim', fileIds: [] });
    expect(v.json()).toMatchObject({ version: 1, late: true });
    expect(statusOf(await statuses(late.id), w.students[0]!.id).status).toBe('late');
  });

  it('checks a file by its content and its size', async () => {
    const a = await created({});
    const text = await upload(s[0]!, a.id, Buffer.from('not really a pdf, just text'), 'x.pdf');
    expect(text.statusCode).toBe(415);
    expect(errorOf(text).code).toBe('assignments.file_kind');
    const png = await upload(s[0]!, a.id, pngBytes(), 'a.png');
    expect(png.json()).toMatchObject({ contentType: 'image/png' });
    // Told by its structure, not its first bytes: a PNG header followed by an HTML page, a whole PNG with
    // a page after it, and a PDF header with an HTML body are refused as what they are not, with a 415.
    const html = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');
    for (const polyglot of [
      Buffer.concat([pngBytes().subarray(0, 8), html]),
      Buffer.concat([pngBytes(), html]),
      Buffer.concat([Buffer.from('%PDF-1.4\n'), html, PDF.subarray(9)]),
    ]) {
      const refused = await upload(s[0]!, a.id, polyglot, 'a.png');
      expect(refused.statusCode, refused.body).toBe(415);
      expect(errorOf(refused)).toMatchObject({
        code: 'assignments.file_kind',
        message: 'Bu fayl növü qəbul edilmir; PDF, JPEG və ya PNG faylı yükləyin.',
      });
    }
    const big = await upload(s[0]!, a.id, Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]));
    expect(big.statusCode).toBe(413);
    expect((await upload(s[0]!, a.id, Buffer.alloc(0))).statusCode).toBeGreaterThanOrEqual(400);
    // Only students of the class upload.
    expect((await upload(s[3]!, a.id, PDF)).statusCode).toBe(403);
    expect((await upload(teacher, a.id, PDF)).statusCode).toBe(403);
  });

  it('lists every student’s status, marks on the scale, and takes a resubmission', async () => {
    const a = await created({});
    const v = (await submit(s[1]!, a.id, { text: 'Həll', fileIds: [] })).json<VersionBody>();
    let list = await statuses(a.id);
    expect(list.items).toHaveLength(3);
    expect(statusOf(list, w.students[0]!.id).status).toBe('not_submitted');
    expect(statusOf(list, w.students[1]!.id).status).toBe('submitted');
    expect(list.counts).toEqual({ not_submitted: 2, submitted: 1, late: 0, marked: 0 });
    expect(list.scale.map((m) => m.value)).toEqual([5, 4, 3, 2]);

    const wrong = await feedback(teacher, v.id, { mark: 7 });
    expect(wrong.statusCode).toBe(422);
    expect(errorOf(wrong).details[0]).toMatchObject({ field: 'mark', reason: 'not_on_scale' });
    for (const who of [homeroom, strangerTeacher, otherTeacher, director, s[1]!, parent, admin]) {
      expect((await feedback(who, v.id, { mark: 5 })).statusCode).toBe(403);
    }
    const marked = await feedback(teacher, v.id, { mark: 4, feedback: 'Yaxşı', resubmit: true });
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json()).toMatchObject({ mark: 4, resubmissionRequested: true });
    list = await statuses(a.id);
    expect(statusOf(list, w.students[1]!.id)).toMatchObject({ status: 'marked', mark: 4 });
    const kinds = (await notifications(s[1]!)).items
      .filter((n) => n.params.assignmentId === a.id)
      .map((n) => n.kind);
    expect(kinds).toEqual(expect.arrayContaining(['assignment_marked', 'assignment_returned']));
    expect(
      (await notifications(s[0]!)).items.some(
        (n) => n.kind === 'assignment_marked' && n.params.assignmentId === a.id,
      ),
    ).toBe(false);

    const again = await submit(s[1]!, a.id, { text: 'Düzəltdim', fileIds: [] });
    expect(again.json()).toMatchObject({ version: 2, mark: null });
    expect(statusOf(await statuses(a.id), w.students[1]!.id).status).toBe('submitted');
    // The homeroom teacher and the director read the list; others do not.
    expect((await homeroom.inject({ url: `/api/assignments/${a.id}/statuses` })).statusCode).toBe(200);
    expect((await director.inject({ url: `/api/assignments/${a.id}/statuses` })).statusCode).toBe(200);
    for (const who of [
      strangerTeacher,
      otherTeacher,
      otherDirector,
      s[0]!,
      parent,
      regional,
      bureau,
      admin,
    ]) {
      expect((await who.inject({ url: `/api/assignments/${a.id}/statuses` })).statusCode).toBe(403);
    }
  });

  it('keeps students out of each other’s work', async () => {
    const a = await created({});
    await submit(s[0]!, a.id, { text: 'Mənim', fileIds: [] });
    const url = `/api/assignments/${a.id}/work/${w.students[0]!.id}`;
    expect((await s[0]!.inject({ url })).statusCode).toBe(200);
    expect((await teacher.inject({ url })).statusCode).toBe(200);
    expect((await s[1]!.inject({ url })).statusCode).toBe(403);
    expect((await s[3]!.inject({ url })).statusCode).toBe(403);
    expect((await strangerTeacher.inject({ url })).statusCode).toBe(403);
    for (const who of [otherTeacher, parent, regional, bureau, admin]) {
      expect((await who.inject({ url })).statusCode).toBe(403);
    }
    // The assignment itself: its class, its teachers and its director only.
    const detail = `/api/assignments/${a.id}`;
    expect((await s[1]!.inject({ url: detail })).statusCode).toBe(200);
    for (const who of [
      s[3]!,
      strangerTeacher,
      otherTeacher,
      otherDirector,
      parent,
      regional,
      bureau,
      admin,
    ]) {
      expect((await who.inject({ url: detail })).statusCode).toBe(403);
    }
    // A class's list.
    const list = `/api/classes/${a7}/assignments`;
    const mine = await s[0]!.inject({ url: list });
    expect(
      mine
        .json<{ items: { id: number; myStatus: string; counts: null }[] }>()
        .items.find((i) => i.id === a.id),
    ).toMatchObject({
      myStatus: 'submitted',
      counts: null,
    });
    const theirs = await teacher.inject({ url: list });
    expect(
      theirs
        .json<{ items: { id: number; counts: Record<string, number> }[] }>()
        .items.find((i) => i.id === a.id)!.counts,
    ).toEqual({
      not_submitted: 2,
      submitted: 1,
      late: 0,
      marked: 0,
    });
    for (const who of [
      s[3]!,
      strangerTeacher,
      otherTeacher,
      otherDirector,
      parent,
      regional,
      bureau,
      admin,
    ]) {
      expect((await who.inject({ url: list })).statusCode).toBe(403);
    }
  });

  it('shows a student reading an assignment their own work only, never a classmate’s', async () => {
    const a = await created({});
    const fileId = (await upload(s[0]!, a.id, PDF)).json<{ id: number }>().id;
    expect((await submit(s[0]!, a.id, { text: 'Sirr-0', fileIds: [fileId] })).statusCode).toBe(200);
    // Before handing anything in, the classmate sees their own status only: no names, no work of others.
    const before = await s[1]!.inject({ url: `/api/assignments/${a.id}` });
    expect(before.statusCode).toBe(200);
    expect(before.json<Detail>()).toMatchObject({ groups: [], ungrouped: [], myStatus: 'not_submitted' });
    expect(before.body).not.toContain('Sirr-0');
    expect(before.body).not.toContain('iş.pdf');
    expect(before.body).not.toContain(w.students[0]!.username);
    expect((await submit(s[1]!, a.id, { text: 'Sirr-1', fileIds: [] })).statusCode).toBe(200);
    const after = await s[1]!.inject({ url: `/api/assignments/${a.id}` });
    expect(after.json<Detail>().myStatus).toBe('submitted');
    expect(after.body).not.toContain('Sirr-0');
    // The classmate's work and file stay closed to them; the class's teacher reads both.
    const work = `/api/assignments/${a.id}/work/${w.students[0]!.id}`;
    expect((await s[1]!.inject({ url: work })).statusCode).toBe(403);
    expect((await s[1]!.inject({ url: `/api/assignment-files/${fileId}` })).statusCode).toBe(403);
    expect((await teacher.inject({ url: work })).body).toContain('Sirr-0');
    expect((await teacher.inject({ url: `/api/assignment-files/${fileId}` })).statusCode).toBe(200);
  });

  it('counts a group’s submission for every member, and shares it only within the group', async () => {
    const [x, y, z] = w.students.map((st) => st.id) as [number, number, number];
    const a = await created({ kind: 'group', groups: [{ studentIds: [x, y] }, { studentIds: [z] }] });
    expect(a.groups.map((g) => g.members.map((m) => m.id).sort())).toEqual([[x, y].sort(), [z]]);
    const seen = await s[2]!.inject({ url: `/api/assignments/${a.id}` });
    expect(seen.json<Detail>().groups).toHaveLength(1); // only their own group
    const v = (await submit(s[0]!, a.id, { text: 'Birlikdə', fileIds: [] })).json<VersionBody>();
    let list = await statuses(a.id);
    expect(statusOf(list, x)).toMatchObject({ status: 'submitted', groupNumber: 1 });
    expect(statusOf(list, y)).toMatchObject({ status: 'submitted', groupNumber: 1 });
    expect(statusOf(list, z).status).toBe('not_submitted');
    const shared = await s[1]!.inject({ url: `/api/assignments/${a.id}/work/${x}` });
    expect(shared.statusCode).toBe(200);
    expect(shared.json<{ versions: VersionBody[] }>().versions[0]).toMatchObject({
      id: v.id,
      submittedBy: { id: x },
    });
    expect((await s[2]!.inject({ url: `/api/assignments/${a.id}/work/${x}` })).statusCode).toBe(403);
    // A groupmate continues the same work: version 2.
    expect((await submit(s[1]!, a.id, { text: 'Əlavə', fileIds: [] })).json()).toMatchObject({ version: 2 });
    const latest = statusOf(await statuses(a.id), x).submissionId!;
    expect((await feedback(teacher, latest, { mark: 5 })).statusCode).toBe(200);
    list = await statuses(a.id);
    expect(statusOf(list, x).mark).toBe(5);
    expect(statusOf(list, y).mark).toBe(5);
    for (const who of [s[0]!, s[1]!]) {
      expect(
        (await notifications(who)).items.some(
          (n) => n.kind === 'assignment_marked' && n.params.assignmentId === a.id,
        ),
      ).toBe(true);
    }
    // Groups are fixed once work is in; a student outside the class is refused.
    const change = await teacher.inject({
      method: 'PUT',
      url: `/api/assignments/${a.id}/groups`,
      payload: { version: a.groupsVersion, draw: { size: 2 } },
    });
    expect(change.statusCode).toBe(409);
    const outsider = await create({ kind: 'group', groups: [{ studentIds: [x, w.students[3]!.id] }] });
    expect(errorOf(outsider).details[0]).toMatchObject({
      field: 'groups.0.studentIds.1',
      reason: 'not_in_class',
    });
    const twice = await create({ kind: 'group', groups: [{ studentIds: [x] }, { studentIds: [x] }] });
    expect(errorOf(twice).details[0]!.reason).toBe('twice');
  });

  it('draws groups at random, the same for the same seed, and lets the teacher redraw before work is in', async () => {
    const a = await created({ kind: 'group', draw: { size: 2, seed: 42 } });
    const b = await created({ kind: 'group', draw: { size: 2, seed: 42 } });
    expect(a.drawSeed).toBe(42);
    const shape = (d: Detail) => d.groups.map((g) => g.members.map((m) => m.id).sort());
    expect(shape(a)).toEqual(shape(b));
    expect(shape(a).flat().sort()).toEqual(
      w.students
        .slice(0, 3)
        .map((st) => st.id)
        .sort(),
    );
    expect(a.groups.map((g) => g.members.length).sort()).toEqual([1, 2]);
    const redraw = await teacher.inject({
      method: 'PUT',
      url: `/api/assignments/${a.id}/groups`,
      payload: { version: a.groupsVersion, draw: { size: 3 } },
    });
    expect(redraw.statusCode, redraw.body).toBe(200);
    expect(redraw.json<Detail>().groups).toHaveLength(1);
    expect(typeof redraw.json<Detail>().drawSeed).toBe('number');
    for (const who of [homeroom, strangerTeacher, otherTeacher, director, s[0]!]) {
      const res = await who.inject({
        method: 'PUT',
        url: `/api/assignments/${a.id}/groups`,
        payload: { version: redraw.json<Detail>().groupsVersion, groups: [] },
      });
      expect(res.statusCode).toBe(403);
    }
    // Formed by hand, leaving one student out: they cannot hand in.
    const c = await created({
      kind: 'group',
      groups: [{ studentIds: [w.students[0]!.id, w.students[1]!.id] }],
    });
    expect(c.ungrouped.map((u) => u.id)).toEqual([w.students[2]!.id]);
    const out = await submit(s[2]!, c.id, { text: 'Mən?', fileIds: [] });
    expect(out.statusCode).toBe(409);
    expect(errorOf(out).code).toBe('assignments.not_in_group');
  });

  it('draws evenly: every student once, sizes within one of each other', () => {
    const ids = Array.from({ length: 23 }, (_, i) => i + 1);
    for (const seed of [1, 2, 3, 99]) {
      const groups = drawGroups(ids, 4, seed);
      expect(groups.flat().sort((p, q) => p - q)).toEqual(ids);
      const sizes = groups.map((g) => g.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(groups).toHaveLength(6);
      expect(drawGroups(ids, 4, seed)).toEqual(groups);
    }
    expect(drawGroups(ids, 4, 1)).not.toEqual(drawGroups(ids, 4, 2));
  });

  it('shows parents their child’s statuses and marks only', async () => {
    const a = await created({ title: 'Valideyn üçün' });
    const v = (await submit(s[0]!, a.id, { text: 'Hazır', fileIds: [] })).json<VersionBody>();
    await feedback(teacher, v.id, { mark: 3, feedback: 'Daha çalış' });
    const res = await parent.inject({ url: `/api/students/${w.students[0]!.id}/assignments` });
    expect(res.statusCode, res.body).toBe(200);
    const item = res.json<{ items: Record<string, unknown>[] }>().items.find((i) => i.id === a.id)!;
    expect(item).toMatchObject({ status: 'marked', mark: 3, title: 'Valideyn üçün' });
    expect(item).not.toHaveProperty('feedback');
    expect((await s[0]!.inject({ url: `/api/students/${w.students[0]!.id}/assignments` })).statusCode).toBe(
      200,
    );
    for (const who of [otherParent, s[1]!, teacher, director, regional, bureau, admin]) {
      expect((await who.inject({ url: `/api/students/${w.students[0]!.id}/assignments` })).statusCode).toBe(
        403,
      );
    }
    // Read-only: a parent hands in nothing and reads no work.
    expect((await submit(parent, a.id, { text: 'x', fileIds: [] })).statusCode).toBe(403);
  });

  it('refuses a student of another class or school', async () => {
    const a = await created({});
    expect((await submit(s[3]!, a.id, { text: 'x', fileIds: [] })).statusCode).toBe(403);
    const otherStudent = await login(t.app, w.otherStudent.username, 'password-1');
    expect((await submit(otherStudent, a.id, { text: 'x', fileIds: [] })).statusCode).toBe(403);
    expect((await otherStudent.inject({ url: `/api/assignments/${a.id}` })).statusCode).toBe(403);
  });

  it('keeps notifications to their reader, newest first, and marks them read', async () => {
    const db = t.database.db;
    await db.transaction(async (tx) =>
      notify(tx, [w.students[3]!.id, w.students[3]!.id], 'contest_starting', {
        contestId: 7,
        title: 'Riyaziyyat olimpiadası',
        opensAt: '2026-12-01T06:00:00Z',
      }),
    );
    const mine = await notifications(s[3]!);
    expect(mine.items[0]).toMatchObject({ kind: 'contest_starting', read: false });
    expect(mine.items.filter((n) => n.kind === 'contest_starting')).toHaveLength(1);
    expect(mine.items[0]!.text).toContain('Riyaziyyat olimpiadası');
    expect(mine.items[0]!.text).toContain('10:00'); // school time (UTC+4)
    const ids = mine.items.map((n) => n.id);
    expect([...ids].sort((p, q) => q - p)).toEqual(ids);
    // Someone else's ids are ignored.
    const before = (await notifications(s[0]!)).unread;
    await s[0]!.inject({ method: 'POST', url: '/api/notifications/read', payload: { ids } });
    expect((await notifications(s[0]!)).unread).toBe(before);
    expect((await notifications(s[3]!)).unread).toBe(mine.unread);
    const one = await s[3]!.inject({
      method: 'POST',
      url: '/api/notifications/read',
      payload: { ids: [ids[0]] },
    });
    expect(one.json()).toEqual({ unread: mine.unread - 1 });
    const all = await s[3]!.inject({
      method: 'POST',
      url: '/api/notifications/read',
      payload: { all: true },
    });
    expect(all.json()).toEqual({ unread: 0 });
    const nothing = await s[3]!.inject({ method: 'POST', url: '/api/notifications/read', payload: {} });
    expect(nothing.statusCode).toBe(422);
    expect((await t.app.inject({ url: '/api/notifications' })).statusCode).toBe(401);
    const page = await s[0]!.inject({ url: '/api/notifications?limit=1' });
    expect(page.json<NotificationsBody & { nextBefore: number }>().items).toHaveLength(1);
  });

  it('feeds monitoring with on-time submissions per class, school and area', async () => {
    const db = t.database.db;
    const ctx = { actorId: null, ip: null };
    // A class of its own: two students, one on time, one late, for an assignment due yesterday and one due today.
    const dir = actorOf(w.director.id, 'director', w.schoolId);
    const c = (
      await classroom.createClass(
        db,
        dir,
        ctx,
        w.schoolId,
        {
          academicYearId: w.yearId,
          grade: 9,
          letter: 'M',
          language: 'az',
          shift: 1,
          homeroomTeacherId: null,
        },
        'en',
      )
    ).id;
    const [p, q] = [
      await createUserWithRole(db, 'student', { institutionId: w.schoolId }),
      await createUserWithRole(db, 'student', { institutionId: w.schoolId }),
    ];
    await classroom.enrolStudent(db, dir, ctx, c, p.id, 'en');
    await classroom.enrolStudent(db, dir, ctx, c, q.id, 'en');
    await classroom.setSubjectTeacher(db, dir, ctx, c, 'physics', w.teachers[0]!.id, 'en');
    const due = new Date(Date.now() + 3_600_000).toISOString();
    const res = await create({ subjectCode: 'physics', dueAt: due }, teacher, c);
    const id = res.json<Detail>().id;
    const ps = await login(t.app, p.username, 'password-1');
    await submit(ps, id, { text: 'Vaxtında', fileIds: [] });
    const today = classroom.schoolToday(new Date(due));
    const range = { from: today, to: today };
    expect(await submittedOnTime(db, { classIds: [c] }, 'class', range)).toEqual([
      { id: c, assignments: 1, expected: 2, onTime: 1, late: 0, missing: 1 },
    ]);
    const school = await submittedOnTime(db, { institutionIds: [w.schoolId] }, 'school', range);
    expect(school).toHaveLength(1);
    expect(school[0]!.id).toBe(w.schoolId);
    expect(school[0]!.onTime).toBeGreaterThanOrEqual(1);
    const place = await institutionsStore.institutionPlace(db, w.schoolId);
    const area = await submittedOnTime(db, { areaId: place!.areaId }, 'all', range);
    expect(area).toEqual([{ ...school[0]!, id: 0 }]);
    expect(
      await submittedOnTime(db, { classIds: [c] }, 'class', { from: '2020-01-01', to: '2020-01-02' }),
    ).toEqual([]);
    // Handed in after the due time: late, not on time.
    const gone = await create(
      { subjectCode: 'physics', dueAt: new Date(Date.now() - 60_000).toISOString() },
      teacher,
      c,
    );
    const qs = await login(t.app, q.username, 'password-1');
    expect((await submit(qs, gone.json<Detail>().id, { text: 'Gec', fileIds: [] })).json()).toMatchObject({
      late: true,
    });
    const wide = { from: classroom.addDays(today, -1), to: classroom.addDays(today, 1) };
    expect(await submittedOnTime(db, { classIds: [c] }, 'class', wide)).toEqual([
      { id: c, assignments: 2, expected: 4, onTime: 1, late: 1, missing: 2 },
    ]);
  });

  it('lets its teacher change an assignment, tells the class a new due time, and judges lateness again', async () => {
    const db = t.database.db;
    const [x, y] = w.students.map((st) => st.id) as [number, number];
    const patch = (as: Session, id: number, payload: Record<string, unknown>) =>
      as.inject({ method: 'PATCH', url: `/api/assignments/${id}`, payload });
    const a = await created({ title: 'Köhnə', dueAt: past() });
    expect((await submit(s[0]!, a.id, { text: 'Gec qaldım', fileIds: [] })).json()).toMatchObject({
      late: true,
    });
    const [lesson] = await db
      .insert(lessons)
      .values({
        institutionId: w.schoolId,
        academicYearId: w.yearId,
        classId: a7,
        date: classroom.schoolToday(),
        period: 7,
        subjectCode: 'mathematics',
        teacherId: w.teachers[0]!.id,
        startMinute: 14 * 60,
        endMinute: 14 * 60 + 45,
      })
      .returning();
    const due = future();
    const res = await patch(teacher, a.id, {
      title: ' Yeni ad ',
      instructions: 'Səh. 12',
      dueAt: due,
      lessonId: lesson!.id,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      title: 'Yeni ad',
      instructions: 'Səh. 12',
      dueAt: due,
      lessonId: lesson!.id,
      kind: 'individual',
    });
    // Handed in before the new due time: no longer late.
    expect(statusOf(await statuses(a.id), x).status).toBe('submitted');
    const note = (await notifications(s[1]!)).items.find(
      (n) => n.kind === 'assignment_changed' && n.params.assignmentId === a.id,
    )!;
    expect(note.text).toContain('Yeni ad');
    expect((await notifications(s[3]!)).items.some((n) => n.params.assignmentId === a.id)).toBe(false);
    // Only the due time tells the class: a new title alone does not.
    await patch(teacher, a.id, { title: 'Ən yeni ad' });
    expect(
      (await notifications(s[1]!)).items.filter(
        (n) => n.kind === 'assignment_changed' && n.params.assignmentId === a.id,
      ),
    ).toHaveLength(1);
    // The lesson link goes with null; a lesson of another subject or class is refused by field.
    expect((await patch(teacher, a.id, { lessonId: null })).json()).toMatchObject({ lessonId: null });
    const wrongLesson = await patch(teacher, a.id, { lessonId: 2_000_000 });
    expect(wrongLesson.statusCode).toBe(422);
    expect(errorOf(wrongLesson).details[0]).toMatchObject({
      field: 'lessonId',
      reason: 'not_lesson_of_class',
    });
    const wrongSubject = await patch(teacher, a.id, { subjectCode: 'physics' });
    expect(errorOf(wrongSubject).details[0]).toMatchObject({
      field: 'subjectCode',
      reason: 'not_your_subject',
    });
    expect((await patch(teacher, a.id, {})).statusCode).toBe(400);
    expect((await patch(teacher, a.id, { dueAt: 'soon' })).statusCode).toBe(400);
    // Individual work with a version handed in cannot become group work.
    const switched = await patch(teacher, a.id, { kind: 'group' });
    expect(switched.statusCode).toBe(409);
    expect(errorOf(switched).code).toBe('assignments.kind_has_work');
    // Without work it can, both ways; back to individual work drops the groups.
    const g = await created({ kind: 'group', groups: [{ studentIds: [x, y] }] });
    const individual = await patch(teacher, g.id, { kind: 'individual' });
    expect(individual.json()).toMatchObject({ kind: 'individual', groups: [] });
    expect((await patch(teacher, g.id, { kind: 'group' })).json<Detail>().ungrouped).toHaveLength(3);
    // Same access as setting: the subject's teacher only.
    for (const who of [homeroom, strangerTeacher, otherTeacher, director, otherDirector, s[0]!, parent]) {
      expect((await patch(who, a.id, { title: 'X' })).statusCode).toBe(403);
    }
    for (const who of [regional, bureau, admin]) {
      expect((await patch(who, a.id, { title: 'X' })).statusCode).toBe(403);
    }
  });

  it('deletes an assignment only while nothing has been handed in', async () => {
    const [x] = w.students.map((st) => st.id) as [number];
    const remove = (as: Session, id: number) =>
      as.inject({ method: 'DELETE', url: `/api/assignments/${id}` });
    const a = await created({ kind: 'group', groups: [{ studentIds: [x] }] });
    // A file uploaded but not handed in goes with it.
    const fileId = (await upload(s[0]!, a.id, PDF)).json<{ id: number }>().id;
    for (const who of [homeroom, strangerTeacher, otherTeacher, director, s[0]!, parent, admin]) {
      expect((await remove(who, a.id)).statusCode).toBe(403);
    }
    const about = async (as: Session) =>
      (await notifications(as)).items.filter((n) => n.params.assignmentId === a.id).length;
    expect(await about(s[0]!)).toBe(1);
    const res = await remove(teacher, a.id);
    expect(res.statusCode, res.body).toBe(200);
    // Its notices are taken back: they would lead to a page that is gone.
    expect(await about(s[0]!)).toBe(0);
    expect((await teacher.inject({ url: `/api/assignments/${a.id}` })).statusCode).toBe(404);
    expect((await teacher.inject({ url: `/api/assignment-files/${fileId}` })).statusCode).toBe(404);
    expect((await remove(teacher, a.id)).statusCode).toBe(404);
    const kept = await created({});
    await submit(s[1]!, kept.id, { text: 'Hazır', fileIds: [] });
    const refused = await remove(teacher, kept.id);
    expect(refused.statusCode).toBe(409);
    expect(errorOf(refused).code).toBe('assignments.delete_has_work');
    expect((await teacher.inject({ url: `/api/assignments/${kept.id}` })).statusCode).toBe(200);
  });

  it("lists on a student's home what is still to hand in, as their own list of assignments says", async () => {
    const db = t.database.db;
    const [x, y, z] = w.students.map((st) => st.id) as [number, number, number];
    // A group's work counts for its members; a student in no group has nothing handed in.
    const g = await created({
      title: 'Birgə',
      kind: 'group',
      groups: [{ studentIds: [x] }, { studentIds: [z] }],
    });
    expect((await submit(s[0]!, g.id, { text: 'Hazır', fileIds: [] })).statusCode).toBe(200);
    const i = await created({ title: 'Fərdi' });
    expect((await submit(s[2]!, i.id, { text: 'Hazır', fileIds: [] })).statusCode).toBe(200);
    const gone = await created({ title: 'Dünənki', dueAt: past() });
    const today = classroom.schoolToday();
    const due = async (id: number) => (await homeworkDue(db, id, today, 100, 'en')).map((h) => h.id);
    expect(await due(x)).not.toContain(g.id);
    expect(await due(y)).toContain(g.id);
    expect(await due(z)).toContain(g.id);
    expect(await due(z)).not.toContain(i.id);
    expect(await due(x)).toContain(i.id);
    expect(await due(x)).not.toContain(gone.id);
    for (const st of w.students) {
      const all = await studentAssignments(db, st.id, 'en');
      const expected = all.items
        .filter((a) => a.status === 'not_submitted' && a.dueAt.slice(0, 10) >= today)
        .sort((p, q) => p.dueAt.localeCompare(q.dueAt))
        .map((a) => ({ id: a.id, title: a.title, subject: a.subjectName, dueAt: a.dueAt }));
      expect(await homeworkDue(db, st.id, today, 100, 'en')).toEqual(expected);
      expect(await homeworkDue(db, st.id, today, 2, 'en')).toEqual(expected.slice(0, 2));
    }
  });
});
