import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';

type Err = { error: { code: string; message: string; details: { field: string; reason: string }[] } };

/** Pedagogical councils through the API: the director keeps them, the staff read them, nobody else. */
describe('pedagogical councils', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let director: Session;
  let teacher: Session;
  let otherTeacher: Session;
  let otherDirector: Session;
  let schoolId: number;
  let teacherId: number;
  let colleagueId: number;
  let outsiderId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    const areas = await createAreas(db);
    const school = await createInstitution(db, areas.district);
    const other = await createInstitution(db, areas.district);
    schoolId = school.id;
    const d = await createUserWithRole(db, 'director', { institutionId: school.id });
    const tch = await createUserWithRole(db, 'teacher', { institutionId: school.id });
    const colleague = await createUserWithRole(db, 'teacher', { institutionId: school.id });
    const outsider = await createUserWithRole(db, 'teacher', { institutionId: other.id });
    const od = await createUserWithRole(db, 'director', { institutionId: other.id });
    teacherId = tch.id;
    colleagueId = colleague.id;
    outsiderId = outsider.id;
    director = await login(t.app, d.username, d.password);
    teacher = await login(t.app, tch.username, tch.password);
    otherTeacher = await login(t.app, outsider.username, outsider.password);
    otherDirector = await login(t.app, od.username, od.password);
  });
  afterAll(async () => t?.close());

  const create = (s: Session, body: object, id = schoolId) =>
    s.inject({ method: 'POST', url: `/api/institutions/${id}/councils`, payload: body });

  it('keeps a meeting: agenda, attendance, minutes, decisions with owners and due dates', async () => {
    const res = await create(director, {
      heldOn: '2026-12-15',
      title: 'I yarımilin yekunları',
      agenda: '1. Qiymətlər',
    });
    expect(res.statusCode).toBe(200);
    const meeting = res.json<{ id: number; staff: { id: number }[]; canManage: boolean }>();
    expect(meeting.canManage).toBe(true);
    expect(meeting.staff.map((s) => s.id)).toEqual(expect.arrayContaining([teacherId, colleagueId]));
    expect(meeting.staff.map((s) => s.id)).not.toContain(outsiderId);

    const saved = await saveAsRead(director, {
      url: `/api/councils/${meeting.id}`,
      payload: {
        heldOn: '2026-12-15',
        title: 'I yarımilin yekunları',
        minutes: 'Müzakirə olundu.',
        attendance: [
          { userId: teacherId, present: true },
          { userId: colleagueId, present: false },
        ],
      },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json<{ attendance: unknown[] }>().attendance).toHaveLength(2);

    const decided = await director.inject({
      method: 'POST',
      url: `/api/councils/${meeting.id}/decisions`,
      payload: { text: 'Açıq dərs keçirmək', ownerId: teacherId, dueOn: '2027-01-20' },
    });
    expect(decided.statusCode).toBe(200);
    const decision = decided.json<{ decisions: { id: number; status: string; ownerId: number }[] }>()
      .decisions[0]!;
    expect(decision).toMatchObject({ status: 'open', ownerId: teacherId });

    // The staff read it; the list counts who came and what is open.
    const read = await teacher.inject({ method: 'GET', url: `/api/councils/${meeting.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ minutes: 'Müzakirə olundu.', canManage: false });
    const list = await teacher.inject({ method: 'GET', url: `/api/institutions/${schoolId}/councils` });
    expect(list.json<{ items: unknown[] }>().items[0]).toMatchObject({
      id: meeting.id,
      attendance: { present: 1, recorded: 2 },
      decisions: { open: 1 },
    });

    // The owner reports progress, but may not rewrite the decision; a colleague may do neither.
    const done = await teacher.inject({
      method: 'PATCH',
      url: `/api/council-decisions/${decision.id}`,
      payload: { status: 'done' },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json<{ status: string }>().status).toBe('done');
    const rewrite = await teacher.inject({
      method: 'PATCH',
      url: `/api/council-decisions/${decision.id}`,
      payload: { text: 'Başqa' },
    });
    expect(rewrite.statusCode).toBe(403);
    const colleague = await createUserWithRole(t.database.db, 'teacher', { institutionId: schoolId });
    const colleagueSession = await login(t.app, colleague.username, colleague.password);
    const notMine = await colleagueSession.inject({
      method: 'PATCH',
      url: `/api/council-decisions/${decision.id}`,
      payload: { status: 'cancelled' },
    });
    expect(notMine.statusCode).toBe(403);

    const mine = await teacher.inject({
      method: 'GET',
      url: `/api/institutions/${schoolId}/council-decisions?mine=true&status=done`,
    });
    expect(mine.json<{ items: { id: number }[] }>().items.map((d) => d.id)).toEqual([decision.id]);
  });

  it('refuses people who are not on the staff, naming the field, in the caller’s language', async () => {
    const meeting = (await create(director, { heldOn: '2026-12-20', title: 'Şura' })).json<{ id: number }>();
    const res = await saveAsRead(director, {
      url: `/api/councils/${meeting.id}`,
      headers: { 'accept-language': 'az' },
      payload: {
        heldOn: '2026-12-20',
        title: 'Şura',
        attendance: [
          { userId: teacherId, present: true },
          { userId: outsiderId, present: true },
          { userId: teacherId, present: false },
        ],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json<Err>().error.details).toEqual([
      expect.objectContaining({ field: 'attendance.1.userId', reason: 'not_staff' }),
      expect.objectContaining({ field: 'attendance.2.userId', reason: 'duplicate' }),
    ]);
    const owner = await director.inject({
      method: 'POST',
      url: `/api/councils/${meeting.id}/decisions`,
      payload: { text: 'X', ownerId: outsiderId, dueOn: '2027-01-20' },
    });
    expect(owner.statusCode).toBe(422);
    expect(owner.json<Err>().error.details[0]).toMatchObject({ field: 'ownerId', reason: 'not_staff' });
    // Nothing of the refused save was kept.
    const read = await director.inject({ method: 'GET', url: `/api/councils/${meeting.id}` });
    expect(read.json()).toMatchObject({ attendance: [], decisions: [] });
    // A blank title is a validation error, not a saved meeting.
    expect((await create(director, { heldOn: '2026-12-20', title: '   ' })).statusCode).toBe(400);
  });

  it("is visible to that school's staff only", async () => {
    const meeting = (await create(director, { heldOn: '2026-12-22', title: 'Şura' })).json<{ id: number }>();
    for (const outsider of [otherTeacher, otherDirector]) {
      expect((await outsider.inject({ method: 'GET', url: `/api/councils/${meeting.id}` })).statusCode).toBe(
        403,
      );
      expect(
        (await outsider.inject({ method: 'GET', url: `/api/institutions/${schoolId}/councils` })).statusCode,
      ).toBe(403);
    }
    expect(
      (
        await otherDirector.inject({
          method: 'PUT',
          url: `/api/councils/${meeting.id}`,
          payload: { version: 1, heldOn: '2026-12-22', title: 'X' },
        })
      ).statusCode,
    ).toBe(403);
    // A teacher of the school reads but does not keep it.
    expect((await create(teacher, { heldOn: '2026-12-22', title: 'X' })).statusCode).toBe(403);
  });
});
