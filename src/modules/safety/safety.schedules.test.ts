import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { safetyAdminWorld, type SafetyAdminWorld } from '@test/safety-admin-world';

interface AssignmentOut {
  id: number;
  version: number;
  policyId: number;
}
type Err = { error: { code: string; details: { field: string; reason: string }[] } };

describe('safety schedules: assignments, lesson windows, exams', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let bureau: Session;
  let regional: Session;
  let w: SafetyAdminWorld;
  let areas: Awaited<ReturnType<typeof createAreas>>;
  let schoolId: number;
  let otherSchoolId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    areas = await createAreas(db);
    schoolId = (await createInstitution(db, areas.district)).id;
    otherSchoolId = (await createInstitution(db, areas.otherDistrict)).id;
    w = await safetyAdminWorld(db, {
      areaId: areas.district,
      otherAreaId: areas.otherDistrict,
      schoolId,
      otherSchoolId,
    });
    const b = await createUserWithRole(db, 'bureau');
    bureau = await login(t.app, b.username, b.password);
    const r = await createUserWithRole(db, 'regional', { areaId: areas.district });
    regional = await login(t.app, r.username, r.password);
  });
  afterAll(async () => t.close());

  const send = (
    s: Session,
    method: 'POST' | 'PUT' | 'PATCH' | 'GET' | 'DELETE',
    url: string,
    payload?: object,
  ) => s.inject({ method, url, payload, headers: { 'accept-language': 'en' } });
  const assign = (s: Session, over: object) =>
    send(s, 'PUT', '/api/safety/assignments', {
      version: 0,
      areaId: null,
      institutionId: null,
      networkKind: 'pupils',
      window: 'lessons',
      policyId: w.primaryId,
      ...over,
    });

  it('sets a national assignment once (version 0), then only at the version read', async () => {
    const first = await assign(bureau, {});
    expect(first.statusCode).toBe(200);
    const a = first.json<AssignmentOut>();
    expect((await assign(bureau, {})).statusCode).toBe(409);
    const again = await assign(bureau, { version: a.version });
    expect(again.statusCode).toBe(200);
    expect(again.json<AssignmentOut>().version).toBe(a.version + 1);
    expect((await assign(regional, { version: a.version + 1 })).statusCode).toBe(403);
  });

  it("lets a district assign its tightening to its own area and schools, not another's", async () => {
    expect((await assign(regional, { areaId: areas.district, policyId: w.tighteningId })).statusCode).toBe(
      200,
    );
    expect((await assign(regional, { institutionId: schoolId, policyId: w.tighteningId })).statusCode).toBe(
      200,
    );
    expect((await assign(regional, { institutionId: otherSchoolId })).statusCode).toBe(403);
    // Not a looser national policy (the staff's) for the pupils of its schools.
    const staff = await send(bureau, 'POST', '/api/safety/policies', {
      name: { az: 'İşçilər', ru: 'Сотрудники', en: 'Staff' },
      categories: [],
      blockLists: [],
      allowLists: [],
      safeSearch: { google: false, youtube: 'off', bing: false, duckduckgo: false, yandex: false },
      bypassProtection: false,
      action: 'blockpage',
      areaId: null,
      parentId: null,
    });
    expect(staff.statusCode).toBe(200);
    const looser = await assign(regional, {
      institutionId: schoolId,
      policyId: staff.json<{ id: number }>().id,
    });
    expect(looser.json<Err>().error.details[0]).toMatchObject({ field: 'policyId', reason: 'looser_policy' });
    const theirs = await assign(bureau, {
      areaId: areas.otherDistrict,
      policyId: w.tighteningId,
      window: 'after_school',
    });
    expect(theirs.json<Err>().error.details[0]).toMatchObject({
      field: 'policyId',
      reason: 'policy_for_area',
    });
    const both = await assign(bureau, { areaId: areas.district, institutionId: schoolId });
    expect(both.json<Err>().error.details[0]!.reason).toBe('one_scope');
  });

  it('keeps lesson windows, crossing midnight allowed, an empty one refused', async () => {
    const night = await send(bureau, 'POST', '/api/safety/windows', {
      areaId: null,
      institutionId: null,
      weekdays: [5, 1, 2],
      startMinute: 22 * 60,
      endMinute: 2 * 60,
    });
    expect(night.statusCode).toBe(200);
    expect(night.json<{ weekdays: number[] }>().weekdays).toEqual([1, 2, 5]);
    const empty = await send(bureau, 'POST', '/api/safety/windows', {
      areaId: null,
      institutionId: null,
      weekdays: [1],
      startMinute: 480,
      endMinute: 480,
    });
    expect(empty.statusCode).toBe(422);
    const schedules = (await send(regional, 'GET', '/api/safety/schedules')).json<{
      windows: { startMinute: number; endMinute: number }[];
    }>();
    expect(schedules.windows).toContainEqual(expect.objectContaining({ startMinute: 1320, endMinute: 120 }));
  });

  it('puts schools in exam mode with an allow list; a block list or another district is refused', async () => {
    const exam = (over: object) =>
      send(regional, 'POST', '/api/safety/exams', {
        name: { az: 'Buraxılış imtahanı', ru: 'Выпускной экзамен', en: 'Final exam' },
        startsAt: '2027-06-01T09:00:00+04:00',
        endsAt: '2027-06-01T12:00:00+04:00',
        allowListId: w.allowListId,
        institutionIds: [schoolId],
        ...over,
      });
    expect((await exam({})).statusCode).toBe(200);
    const wrong = await exam({
      allowListId: w.blockListId,
      institutionIds: [otherSchoolId],
      endsAt: '2027-06-01T08:00:00+04:00',
    });
    expect(wrong.json<Err>().error.details.map((d) => d.reason)).toEqual([
      'before_start',
      'list_kind',
      'school_not_yours',
    ]);
  });

  it('ends an exam under way now or gives it more time, at the version read; never into the past', async () => {
    const now = Date.now();
    const created = await send(regional, 'POST', '/api/safety/exams', {
      name: { az: 'Yoxlama', ru: '', en: '' },
      startsAt: new Date(now - 3_600_000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      allowListId: w.allowListId,
      institutionIds: [schoolId],
    });
    expect(created.statusCode).toBe(200);
    const exam = created.json<{ id: number; version: number; endsAt: string }>();
    const end = (body: object) => send(regional, 'PATCH', `/api/safety/exams/${exam.id}`, body);
    const reasons = (r: Awaited<ReturnType<typeof end>>) =>
      r.json<Err>().error.details.map((d) => `${d.field}:${d.reason}`);

    const past = await end({ version: exam.version, endsAt: new Date(now - 600_000).toISOString() });
    expect(past.statusCode).toBe(422);
    expect(reasons(past)).toEqual(['endsAt:in_the_past']);
    expect((await end({ version: exam.version + 1, endsAt: new Date().toISOString() })).statusCode).toBe(409);

    const longer = await end({ version: exam.version, endsAt: new Date(now + 7_200_000).toISOString() });
    expect(longer.statusCode).toBe(200);
    const moved = longer.json<{ version: number; endsAt: string }>();
    expect(Date.parse(moved.endsAt)).toBe(now + 7_200_000);
    const ended = await end({ version: moved.version, endsAt: new Date().toISOString() });
    expect(ended.statusCode).toBe(200);
    const over = ended.json<{ version: number; endsAt: string }>();
    expect(Date.parse(over.endsAt)).toBeLessThanOrEqual(Date.now());
    // Over is over: it cannot be reopened.
    const reopen = await end({ version: over.version, endsAt: new Date(now + 3_600_000).toISOString() });
    expect(reasons(reopen)).toEqual(['endsAt:exam_over']);

    // Only whoever may act on all its schools: another district's officer is refused.
    const o = await createUserWithRole(t.database.db, 'regional', { areaId: areas.otherDistrict });
    const other = await login(t.app, o.username, o.password);
    const foreign = await send(other, 'PATCH', `/api/safety/exams/${exam.id}`, {
      version: over.version,
      endsAt: new Date().toISOString(),
    });
    expect(foreign.statusCode).toBe(403);
    const listed = await send(regional, 'GET', '/api/safety/schedules');
    expect(listed.json<{ exams: { id: number; version: number }[] }>().exams).toContainEqual(
      expect.objectContaining({ id: exam.id, version: over.version }),
    );
  });
});

describe('safety schedules: removals', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let regional: Session;
  let w: SafetyAdminWorld;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    const areas = await createAreas(db);
    const schoolId = (await createInstitution(db, areas.district)).id;
    const otherSchoolId = (await createInstitution(db, areas.otherDistrict)).id;
    w = await safetyAdminWorld(db, {
      areaId: areas.district,
      otherAreaId: areas.otherDistrict,
      schoolId,
      otherSchoolId,
    });
    const r = await createUserWithRole(db, 'regional', { areaId: areas.district });
    regional = await login(t.app, r.username, r.password);
  });
  afterAll(async () => t.close());

  it("lets a district remove its area's rows at the version read, not the nation's", async () => {
    const del = (url: string) => regional.inject({ method: 'DELETE', url });
    expect((await del(`/api/safety/windows/${w.spareWindows[0]}?version=0`)).statusCode).toBe(403);
    expect((await del(`/api/safety/assignments/${w.spareAssignments[2]}?version=0`)).statusCode).toBe(409);
    const res = await del(`/api/safety/assignments/${w.spareAssignments[2]}?version=1`);
    expect(res.body).toBe('{"deleted":true}');
    expect((await del(`/api/safety/windows/${w.spareWindows[2]}?version=0`)).statusCode).toBe(200);
    expect((await del(`/api/safety/exams/${w.spareExams[0]}?version=0`)).statusCode).toBe(200);
  });
});
