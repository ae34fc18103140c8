import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { academicYears } from '@/modules/institutions/institutions.tables';
import { inArray, sql } from 'drizzle-orm';
import { createUser } from '@/modules/identity/identity.service';
import { certificates, teacherLevels } from '@/modules/training/training.tables';
import { trainingFramework } from '@test/training-programmes-world';

type Err = { error: { code: string; message: string; details: { field: string; reason: string }[] } };
type Enr = {
  id: number;
  status: string;
  version: number;
  waitingPosition: number | null;
  canTakeAssessment: boolean;
};
type Programme = {
  id: number;
  version: number;
  sessions: { id: number; canEnrol: boolean; link: string | null }[];
};
type Attempt = {
  id: number;
  questions: { id: number; kind: string; options?: string[] }[];
  score: number | null;
  passed: boolean | null;
  attemptsLeft: number;
};

/** The plan, a programme, its sessions, enrolment, approval, waiting list, attendance and the assessment. */
describe('training programmes', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let bureau: Session;
  let regional: Session;
  let otherRegional: Session;
  let director: Session;
  let teachers: Session[];
  let teacherIds: number[];
  let farTeacher: Session;
  let areas: Awaited<ReturnType<typeof createAreas>>;
  let schoolId: number;
  let yearId: number;
  let planId: number;
  const hour = 3_600_000;
  const at = (ms: number) => new Date(Date.now() + ms).toISOString();

  const programmeBody = (over: object = {}) => ({
    planId,
    title: 'Rəqəmsal bacarıqlar',
    description: 'Onlayn kurs',
    mode: 'in_person',
    frameworkId: 'testfw',
    areaIds: ['testfw.1'],
    forBelowLevel: 2,
    targetGroup: 'Riyaziyyat müəllimləri',
    hours: 24,
    passMark: 60,
    validMonths: 36,
    budget: 1000,
    seats: [],
    ...over,
  });
  const sessionBody = (over: object = {}) => ({
    areaId: areas.district,
    startsAt: at(-hour),
    endsAt: at(48 * hour),
    place: 'Bakı, 1 nömrəli məktəb',
    url: null,
    capacity: 2,
    ...over,
  });
  const questions = [
    { kind: 'single', prompt: 'Hansı brauzerdir?', options: ['Firefox', 'Excel', 'Word'], correct: [0] },
    {
      kind: 'multiple',
      prompt: 'Hansılar fayl formatıdır?',
      options: ['PDF', 'DOCX', 'Mouse'],
      correct: [0, 1],
    },
  ];

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    areas = await createAreas(db);
    await trainingFramework(db);
    const school = await createInstitution(db, areas.district);
    const far = await createInstitution(db, areas.otherDistrict);
    schoolId = school.id;
    const [year] = await db
      .insert(academicYears)
      .values({ code: '2026-2027', startsOn: '2026-09-15', endsOn: '2027-06-15', isCurrent: true })
      .returning();
    yearId = year!.id;
    const as = async (role: Parameters<typeof createUserWithRole>[1], scope: object) => {
      const u = await createUserWithRole(db, role, scope);
      return { id: u.id, s: await login(t.app, u.username, u.password) };
    };
    bureau = (await as('bureau', {})).s;
    regional = (await as('regional', { areaId: areas.district })).s;
    otherRegional = (await as('regional', { areaId: areas.otherDistrict })).s;
    director = (await as('director', { institutionId: school.id })).s;
    const ts = [];
    for (let i = 0; i < 5; i++) ts.push(await as('teacher', { institutionId: school.id }));
    teachers = ts.map((x) => x.s);
    teacherIds = ts.map((x) => x.id);
    farTeacher = (await as('teacher', { institutionId: far.id })).s;
    // Teacher 0 stands below the programme's level in its area: it is suggested to them.
    await db.insert(teacherLevels).values({
      userId: teacherIds[0]!,
      areaId: 'testfw.1',
      institutionId: school.id,
      level: 1,
      assessedAt: new Date(),
    });
  });
  afterAll(async () => t?.close());

  const post = (s: Session, url: string, payload?: object) => s.inject({ method: 'POST', url, payload });
  const put = (s: Session, url: string, payload: object) => s.inject({ method: 'PUT', url, payload });
  const get = (s: Session, url: string) => s.inject({ method: 'GET', url });

  /** A new open programme with one session of the district; returns their ids. */
  async function openProgramme(over: object = {}, session: object = {}) {
    const created = await post(bureau, '/api/training/programmes', programmeBody(over));
    expect(created.statusCode).toBe(200);
    const p = created.json<Programme>();
    const opened = await put(bureau, `/api/training/programmes/${p.id}`, {
      ...programmeBody(over),
      version: p.version,
      status: 'open',
    });
    expect(opened.statusCode).toBe(200);
    const s = await post(regional, `/api/training/programmes/${p.id}/sessions`, sessionBody(session));
    expect(s.statusCode).toBe(200);
    return { programmeId: p.id, sessionId: s.json<{ id: number }>().id };
  }
  const enrol = (s: Session, programmeId: number, sessionId: number) =>
    post(s, `/api/training/programmes/${programmeId}/enrolment`, { sessionId });
  const decide = async (s: Session, e: Enr, decision: 'approve' | 'reject', note = '') =>
    post(s, `/api/training/enrolments/${e.id}/decision`, { version: e.version, decision, note });

  it('keeps the year’s plan: one per year, approved, with stale saves refused', async () => {
    const made = await post(bureau, '/api/training/plans', { yearId, title: 'İllik plan', budget: 50000 });
    expect(made.statusCode).toBe(200);
    const plan = made.json<{ id: number; version: number; status: string }>();
    planId = plan.id;
    expect(plan.status).toBe('draft');
    const twice = await post(bureau, '/api/training/plans', { yearId, title: 'Again', budget: null });
    expect(twice.statusCode).toBe(422);
    expect(twice.json<Err>().error.details[0]).toMatchObject({ field: 'yearId', reason: 'plan_exists' });
    // A programme of a draft plan cannot open.
    const p = (await post(bureau, '/api/training/programmes', programmeBody())).json<Programme>();
    const early = await put(bureau, `/api/training/programmes/${p.id}`, {
      ...programmeBody(),
      version: p.version,
      status: 'open',
    });
    expect(early.json<Err>().error.details[0]).toMatchObject({
      field: 'status',
      reason: 'plan_not_approved',
    });
    const body = { yearId, title: 'İllik plan 2026/27', budget: 60000, status: 'approved' };
    expect(
      (await put(bureau, `/api/training/plans/${planId}`, { ...body, version: plan.version })).statusCode,
    ).toBe(200);
    const stale = await put(bureau, `/api/training/plans/${planId}`, { ...body, version: plan.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<Err>().error.code).toBe('stale_version');
    expect(
      (await post(regional, '/api/training/plans', { yearId, title: 'x', budget: null })).statusCode,
    ).toBe(403);
  });

  it('refuses malformed and wrong programmes naming the field, never a 500', async () => {
    const bad = await post(bureau, '/api/training/programmes', programmeBody({ hours: 0 }));
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('hours');
    const unknown = await post(
      bureau,
      '/api/training/programmes',
      programmeBody({ frameworkId: 'nope', seats: [{ areaId: 99999999, seats: 3 }] }),
    );
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json<Err>().error.details.map((d) => d.field)).toEqual(['frameworkId', 'seats.0.areaId']);
    const area = await post(bureau, '/api/training/programmes', programmeBody({ areaIds: ['testfw.9'] }));
    expect(area.json<Err>().error.details[0]).toMatchObject({ field: 'areaIds.0' });
    const q = await put(bureau, `/api/training/programmes/1/questions`, {
      version: 0,
      questions: [{ kind: 'single', prompt: 'x', options: ['a'], correct: [3] }],
    });
    expect([404, 409, 422]).toContain(q.statusCode);
    const wrongBody = await post(bureau, '/api/training/programmes', {
      ...programmeBody(),
      mode: 'telepathy',
    });
    expect(wrongBody.statusCode).toBe(400);
  });

  it('runs the whole flow: enrol, approve, attend, pass; and fail with one retake', async () => {
    const { programmeId, sessionId } = await openProgramme();
    const p = (await get(bureau, `/api/training/programmes/${programmeId}`)).json<Programme>();
    const saved = await put(bureau, `/api/training/programmes/${programmeId}/questions`, {
      version: p.version,
      questions,
    });
    expect(saved.statusCode).toBe(200);
    // A save from the version read before the questions were saved is stale (they bump the programme's).
    const staleProgramme = await put(bureau, `/api/training/programmes/${programmeId}`, {
      ...programmeBody(),
      version: p.version,
      status: 'open',
    });
    expect(staleProgramme.statusCode).toBe(409);
    expect(staleProgramme.json<Err>().error.code).toBe('stale_version');
    const staleQuestions = await put(bureau, `/api/training/programmes/${programmeId}/questions`, {
      version: p.version,
      questions,
    });
    expect(staleQuestions.json<Err>().error.code).toBe('stale_version');
    // The editor's whole-list save refuses a wrong question by its field.
    const wrong = await put(bureau, `/api/training/programmes/${programmeId}/questions`, {
      version: saved.json<{ version: number }>().version,
      questions: [{ kind: 'single', prompt: 'x', options: ['a', 'b'], correct: [0, 1] }],
    });
    expect(wrong.json<Err>().error.details[0]).toMatchObject({ field: 'questions.0.correct' });

    // Suggested to teacher 0 (below level 2 in the area), listed first.
    const list = (await get(teachers[0]!, '/api/training/programmes')).json<{
      items: { id: number; suggested: boolean }[];
    }>();
    expect(list.items[0]).toMatchObject({ suggested: true });

    const asked = await enrol(teachers[0]!, programmeId, sessionId);
    expect(asked.statusCode).toBe(200);
    const e0 = asked.json<Enr>();
    expect(e0.status).toBe('requested');
    expect((await enrol(teachers[0]!, programmeId, sessionId)).statusCode).toBe(409);
    // Another district's officer does not see it, so cannot decide; the school's district may.
    expect((await decide(otherRegional, e0, 'approve')).statusCode).toBe(404);
    const approved = await decide(regional, e0, 'approve', 'Uğurlar');
    expect(approved.json<Enr>().status).toBe('approved');
    // Not before attendance.
    expect((await post(teachers[0]!, `/api/training/enrolments/${e0.id}/attempt`)).statusCode).toBe(409);

    const e1 = (await enrol(teachers[1]!, programmeId, sessionId)).json<Enr>();
    expect((await decide(regional, e1, 'approve')).json<Enr>().status).toBe('approved');

    const sheet = (await get(regional, `/api/training/sessions/${sessionId}/attendance`)).json<{
      version: number;
      items: { enrolmentId: number }[];
    }>();
    expect(sheet.items).toHaveLength(2);
    expect((await get(otherRegional, `/api/training/sessions/${sessionId}/attendance`)).statusCode).toBe(404);
    const marked = await put(regional, `/api/training/sessions/${sessionId}/attendance`, {
      version: sheet.version,
      attended: [e0.id, e1.id],
    });
    expect(marked.statusCode).toBe(200);
    const stale = await put(regional, `/api/training/sessions/${sessionId}/attendance`, {
      version: sheet.version,
      attended: [e0.id],
    });
    expect(stale.json<Err>().error.code).toBe('stale_version');
    const notHere = await put(regional, `/api/training/sessions/${sessionId}/attendance`, {
      version: sheet.version + 1,
      attended: [999999],
    });
    expect(notHere.json<Err>().error.details[0]).toMatchObject({
      field: 'attended.0',
      reason: 'not_a_place',
    });

    // Teacher 0 answers everything right.
    const started = await post(teachers[0]!, `/api/training/enrolments/${e0.id}/attempt`);
    expect(started.statusCode).toBe(200);
    const attempt = started.json<Attempt>();
    expect(attempt.questions).toHaveLength(2);
    expect(JSON.stringify(attempt)).not.toContain('correct');
    // Someone else's attempt is not found.
    expect((await get(teachers[1]!, `/api/training/attempts/${attempt.id}`)).statusCode).toBe(404);
    for (const q of attempt.questions) {
      const right = (o: string) => ['Firefox', 'PDF', 'DOCX'].includes(o);
      const shown = q.options!.flatMap((o, i) => (right(o) ? [i] : []));
      const answer = q.kind === 'single' ? { choice: shown[0] } : { choices: shown };
      const res = await put(teachers[0]!, `/api/training/attempts/${attempt.id}/answer`, {
        questionId: q.id,
        answer,
      });
      expect(res.statusCode).toBe(200);
    }
    const badAnswer = await put(teachers[0]!, `/api/training/attempts/${attempt.id}/answer`, {
      questionId: attempt.questions[0]!.id,
      answer: { choice: 7 },
    });
    expect(badAnswer.statusCode).toBe(422);
    expect(badAnswer.json<Err>().error.details[0]!.field).toBe('answer.choice');
    const done = await post(teachers[0]!, `/api/training/attempts/${attempt.id}/submission`);
    expect(done.json<Attempt>()).toMatchObject({ score: 100, passed: true });
    const mine = (await get(teachers[0]!, '/api/training/enrolments?mine=true')).json<{
      items: { status: string; completedAt: string | null }[];
    }>();
    expect(mine.items[0]).toMatchObject({ status: 'completed' });
    expect(mine.items[0]!.completedAt).not.toBeNull();
    expect((await post(teachers[0]!, `/api/training/enrolments/${e0.id}/attempt`)).statusCode).toBe(409);

    // Teacher 1 answers nothing: fails, may retake once, then no more.
    const a1 = (await post(teachers[1]!, `/api/training/enrolments/${e1.id}/attempt`)).json<Attempt>();
    expect(
      (await post(teachers[1]!, `/api/training/attempts/${a1.id}/submission`)).json<Attempt>(),
    ).toMatchObject({
      score: 0,
      passed: false,
      attemptsLeft: 1,
    });
    expect((await get(teachers[1]!, `/api/training/enrolments/${e1.id}`)).json<Enr>().status).toBe('failed');
    const a2 = (await post(teachers[1]!, `/api/training/enrolments/${e1.id}/attempt`)).json<Attempt>();
    expect(a2.id).not.toBe(a1.id);
    await post(teachers[1]!, `/api/training/attempts/${a2.id}/submission`);
    const none = await post(teachers[1]!, `/api/training/enrolments/${e1.id}/attempt`);
    expect(none.json<Err>().error.code).toBe('training.no_attempts_left');

    const results = (await get(bureau, `/api/training/programmes/${programmeId}/results`)).json<{
      byArea: { enrolled: number; approved: number; attended: number; passed: number; failed: number }[];
    }>();
    expect(results.byArea).toEqual([
      expect.objectContaining({ enrolled: 2, approved: 2, attended: 2, passed: 1, failed: 1 }),
    ]);
  });

  it('completes a programme without a pass mark on attendance', async () => {
    const { programmeId, sessionId } = await openProgramme({ passMark: null });
    const e = (await enrol(teachers[2]!, programmeId, sessionId)).json<Enr>();
    await decide(regional, e, 'approve');
    const sheet = (await get(regional, `/api/training/sessions/${sessionId}/attendance`)).json<{
      version: number;
    }>();
    await put(regional, `/api/training/sessions/${sessionId}/attendance`, {
      version: sheet.version,
      attended: [e.id],
    });
    expect((await get(teachers[2]!, `/api/training/enrolments/${e.id}`)).json<Enr>().status).toBe(
      'completed',
    );
  });

  it('lets a director nominate their teachers only, and keeps enrolments to those who may see them', async () => {
    const { programmeId, sessionId } = await openProgramme();
    const nominees = (await get(director, `/api/training/nominees?programmeId=${programmeId}`)).json<{
      items: { userId: number }[];
    }>();
    expect(nominees.items.map((n) => n.userId)).toEqual(expect.arrayContaining(teacherIds));
    const n = await post(director, `/api/training/programmes/${programmeId}/nominations`, {
      userId: teacherIds[3],
      sessionId,
    });
    expect(n.json<Enr>().status).toBe('nominated');
    const stranger = await post(director, `/api/training/programmes/${programmeId}/nominations`, {
      userId: 999999,
      sessionId,
    });
    expect(stranger.json<Err>().error.details[0]).toMatchObject({ field: 'userId', reason: 'not_staff' });
    // A far teacher cannot choose another district's session.
    const far = await enrol(farTeacher, programmeId, sessionId);
    expect(far.json<Err>().error.details[0]).toMatchObject({
      field: 'sessionId',
      reason: 'not_your_district',
    });

    const ids = async (s: Session) =>
      (await get(s, `/api/training/enrolments?programmeId=${programmeId}`))
        .json<{ items: { userId: number }[] }>()
        .items.map((e) => e.userId);
    expect(await ids(director)).toEqual([teacherIds[3]]);
    expect(await ids(regional)).toEqual([teacherIds[3]]);
    expect(await ids(otherRegional)).toEqual([]);
    expect(await ids(teachers[4]!)).toEqual([]);
    expect(await ids(teachers[3]!)).toEqual([teacherIds[3]]);
    const id = n.json<Enr>().id;
    expect((await get(teachers[4]!, `/api/training/enrolments/${id}`)).statusCode).toBe(404);
    expect((await post(teachers[4]!, `/api/training/enrolments/${id}/withdrawal`)).statusCode).toBe(404);
    // The teacher withdraws their own.
    expect((await post(teachers[3]!, `/api/training/enrolments/${id}/withdrawal`)).json<Enr>().status).toBe(
      'withdrawn',
    );
  });

  it('never overfills a session under parallel approvals, and moves the waiting list up', async () => {
    const { programmeId, sessionId } = await openProgramme({}, { capacity: 2 });
    const es: Enr[] = [];
    for (const s of teachers) es.push((await enrol(s, programmeId, sessionId)).json<Enr>());
    const answers = await Promise.all(es.map((e) => decide(regional, e, 'approve')));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const states = answers.map((a) => a.json<Enr>().status);
    expect(states.filter((s) => s === 'approved')).toHaveLength(2);
    expect(states.filter((s) => s === 'waiting')).toHaveLength(3);
    const session = (await get(regional, `/api/training/sessions/${sessionId}`)).json<{
      taken: number;
      waiting: number;
    }>();
    expect(session).toMatchObject({ taken: 2, waiting: 3 });

    const waiting = answers.map((a) => a.json<Enr>()).filter((e) => e.status === 'waiting');
    expect(waiting.map((e) => e.waitingPosition).sort()).toEqual([1, 2, 3]);
    const first = waiting.find((e) => e.waitingPosition === 1)!;
    // An approved teacher withdraws: the first waiting one gets the place, in the same transaction.
    const holder = answers.map((a) => a.json<Enr>()).find((e) => e.status === 'approved')!;
    const who = teachers[es.findIndex((e) => e.id === holder.id)]!;
    await post(who, `/api/training/enrolments/${holder.id}/withdrawal`);
    expect((await get(regional, `/api/training/enrolments/${first.id}`)).json<Enr>().status).toBe('approved');
    // A rejection of a holder moves the next up too.
    const second = waiting.find((e) => e.waitingPosition === 2)!;
    const other = (
      await get(regional, `/api/training/enrolments?programmeId=${programmeId}&status=approved`)
    ).json<{
      items: Enr[];
    }>().items[0]!;
    expect((await decide(regional, other, 'reject', 'Başqa qrup')).json<Enr>().status).toBe('rejected');
    expect((await get(regional, `/api/training/enrolments/${second.id}`)).json<Enr>().status).toBe(
      'approved',
    );
    const after = (await get(regional, `/api/training/sessions/${sessionId}`)).json<{ taken: number }>();
    expect(after.taken).toBe(2);
    // A decision from an old version is refused.
    const stale = await decide(regional, { ...first, version: 0 }, 'reject');
    expect(stale.json<Err>().error.code).toBe('stale_version');
  });

  it('respects the seats of a district', async () => {
    const { programmeId, sessionId } = await openProgramme(
      { seats: [{ areaId: areas.district, seats: 1 }] },
      { capacity: 10 },
    );
    const a = (await enrol(teachers[0]!, programmeId, sessionId)).json<Enr>();
    const b = (await enrol(teachers[1]!, programmeId, sessionId)).json<Enr>();
    expect((await decide(regional, a, 'approve')).json<Enr>().status).toBe('approved');
    expect((await decide(regional, b, 'approve')).json<Enr>().status).toBe('waiting');
    // A cancelled session takes nobody more.
    const c = (await enrol(teachers[2]!, programmeId, sessionId)).json<Enr>();
    const s = (await get(regional, `/api/training/sessions/${sessionId}`)).json<{ version: number }>();
    const cancelled = await put(regional, `/api/training/sessions/${sessionId}`, {
      ...sessionBody({ capacity: 10 }),
      cancelled: true,
      version: s.version,
    });
    expect(cancelled.statusCode).toBe(200);
    const refused = await decide(regional, c, 'approve');
    expect(refused.json<Err>().error.details[0]).toMatchObject({
      field: 'sessionId',
      reason: 'session_cancelled',
    });
  });

  it('makes an online session a webinar, and keeps sessions to those who run them', async () => {
    const created = (
      await post(bureau, '/api/training/programmes', programmeBody({ mode: 'online' }))
    ).json<Programme>();
    const noLink = await post(
      regional,
      `/api/training/programmes/${created.id}/sessions`,
      sessionBody({ place: null }),
    );
    expect(noLink.json<Err>().error.details[0]).toMatchObject({ field: 'url', reason: 'needs_link' });
    const outside = await post(
      otherRegional,
      `/api/training/programmes/${created.id}/sessions`,
      sessionBody(),
    );
    expect(outside.json<Err>().error.details[0]).toMatchObject({ field: 'areaId', reason: 'outside_area' });
    const online = await post(
      regional,
      `/api/training/programmes/${created.id}/sessions`,
      sessionBody({ startsAt: at(hour), endsAt: at(3 * hour), url: 'https://meet.example.az/t1' }),
    );
    expect(online.statusCode).toBe(200);
    const s = online.json<{ id: number; webinarId: number; version: number; link: string }>();
    expect(s.webinarId).toBeGreaterThan(0);
    expect(s.link).toBe('https://meet.example.az/t1');
    const w = await get(regional, `/api/webinars/${s.webinarId}`);
    expect(w.json()).toMatchObject({ url: 'https://meet.example.az/t1', durationMinutes: 120 });
    const change = {
      ...sessionBody({ startsAt: at(hour), endsAt: at(3 * hour), url: 'https://meet.example.az/t2' }),
      cancelled: false,
    };
    expect(
      (await put(regional, `/api/training/sessions/${s.id}`, { ...change, version: s.version })).statusCode,
    ).toBe(200);
    expect((await get(regional, `/api/webinars/${s.webinarId}`)).json()).toMatchObject({
      url: 'https://meet.example.az/t2',
    });
    const stale = await put(regional, `/api/training/sessions/${s.id}`, { ...change, version: s.version });
    expect(stale.json<Err>().error.code).toBe('stale_version');
    expect(
      (await put(otherRegional, `/api/training/sessions/${s.id}`, { ...change, version: s.version + 1 }))
        .statusCode,
    ).toBe(404);
    // Attendance only once started.
    const sheet = (await get(regional, `/api/training/sessions/${s.id}/attendance`)).json<{
      version: number;
    }>();
    const early = await put(regional, `/api/training/sessions/${s.id}/attendance`, {
      version: sheet.version,
      attended: [],
    });
    expect(early.json<Err>().error.code).toBe('training.not_started');
    // A draft is hidden from teachers.
    expect((await get(teachers[0]!, `/api/training/programmes/${created.id}`)).statusCode).toBe(404);
  });
  // --- review fixes ------------------------------------------------------------------------------------

  /** Approves enrolments of the given teachers in a session; returns them as decided. */
  async function approveAll(programmeId: number, sessionId: number, who: number[]) {
    const out: Enr[] = [];
    for (const i of who) {
      const e = (await enrol(teachers[i]!, programmeId, sessionId)).json<Enr>();
      out.push((await decide(regional, e, 'approve')).json<Enr>());
    }
    return out;
  }
  const statusOf = async (e: Enr) =>
    (await get(regional, `/api/training/enrolments/${e.id}`)).json<Enr>().status;
  const markAttended = async (sessionId: number, attended: number[]) => {
    const sheet = (await get(regional, `/api/training/sessions/${sessionId}/attendance`)).json<{
      version: number;
    }>();
    return put(regional, `/api/training/sessions/${sessionId}/attendance`, {
      version: sheet.version,
      attended,
    });
  };

  it('refuses the assessment to a teacher rejected after attending, even with an attempt open', async () => {
    const { programmeId, sessionId } = await openProgramme();
    const p = (await get(bureau, `/api/training/programmes/${programmeId}`)).json<Programme>();
    await put(bureau, `/api/training/programmes/${programmeId}/questions`, { version: p.version, questions });
    const [e] = await approveAll(programmeId, sessionId, [3]);
    expect((await markAttended(sessionId, [e!.id])).statusCode).toBe(200);
    const attempt = (await post(teachers[3]!, `/api/training/enrolments/${e!.id}/attempt`)).json<Attempt>();
    const now = (await get(regional, `/api/training/enrolments/${e!.id}`)).json<Enr>();
    expect((await decide(regional, now, 'reject', 'Sənədlər yoxdur')).json<Enr>().status).toBe('rejected');
    const submitted = await post(teachers[3]!, `/api/training/attempts/${attempt.id}/submission`);
    expect(submitted.statusCode).toBe(409);
    expect(submitted.json<Err>().error.code).toBe('training.no_longer_enrolled');
    expect(submitted.json<Err>().error.message).not.toContain('training.');
    expect(await statusOf(e!)).toBe('rejected');
    const again = await post(teachers[3]!, `/api/training/enrolments/${e!.id}/attempt`);
    expect(again.json<Err>().error.code).toBe('training.no_longer_enrolled');
    const certs = await t.database.db
      .select()
      .from(certificates)
      .where(inArray(certificates.enrolmentId, [e!.id]));
    expect(certs).toHaveLength(0);
  });

  it('lets nobody decide their own enrolment', async () => {
    const db = t.database.db;
    const both = await createUser(
      db,
      { actorId: null, ip: null },
      {
        username: 'regional-teacher',
        password: 'password-1',
        displayName: 'Regional teacher',
        grants: [
          { role: 'regional', areaId: areas.district, institutionId: null },
          { role: 'teacher', areaId: null, institutionId: schoolId },
        ],
      },
    );
    const s = await login(t.app, both.username, 'password-1');
    const { programmeId, sessionId } = await openProgramme();
    const e = (await enrol(s, programmeId, sessionId)).json<Enr & { canDecide: boolean }>();
    expect(e.canDecide).toBe(false);
    const own = await decide(s, e, 'approve');
    expect(own.statusCode).toBe(403);
    expect(own.json<Err>().error.code).toBe('training.own_enrolment');
    expect((await decide(regional, e, 'approve')).json<Enr>().status).toBe('approved');
  });

  it('issues attendance certificates after the attendance commits; one that fails is left for later', async () => {
    const db = t.database.db;
    const { programmeId, sessionId } = await openProgramme({ passMark: null });
    const [a, b] = await approveAll(programmeId, sessionId, [0, 1]);
    // The database refuses the certificate of `a` (a fault in issuing it).
    await db.execute(
      sql.raw(`create function training_test_refuse() returns trigger language plpgsql as $$
        begin if new.enrolment_id = ${a!.id} then raise exception 'refused for the test'; end if;
        return new; end $$`),
    );
    await db.execute(
      sql.raw(`create trigger training_test_refuse before insert on training_certificate
        for each row execute function training_test_refuse()`),
    );
    try {
      expect((await markAttended(sessionId, [a!.id, b!.id])).statusCode).toBe(200);
    } finally {
      await db.execute(sql.raw('drop trigger training_test_refuse on training_certificate'));
      await db.execute(sql.raw('drop function training_test_refuse()'));
    }
    expect(await statusOf(a!)).toBe('completed');
    expect(await statusOf(b!)).toBe('completed');
    const certs = await db
      .select({ enrolmentId: certificates.enrolmentId })
      .from(certificates)
      .where(inArray(certificates.enrolmentId, [a!.id, b!.id]));
    expect(certs.map((c) => c.enrolmentId)).toEqual([b!.id]);
  });

  it('gives places to the waiting list when a session or a district gets more, or another session frees one', async () => {
    // A larger session: the first waiting teacher gets the place, the next waits on.
    const one = await openProgramme({}, { capacity: 1 });
    const [a, b, c] = await approveAll(one.programmeId, one.sessionId, [0, 1, 2]);
    expect([a, b, c].map((e) => e!.status)).toEqual(['approved', 'waiting', 'waiting']);
    const s = (await get(regional, `/api/training/sessions/${one.sessionId}`)).json<{ version: number }>();
    const bigger = await put(regional, `/api/training/sessions/${one.sessionId}`, {
      ...sessionBody({ capacity: 2 }),
      cancelled: false,
      version: s.version,
    });
    expect(bigger.json<{ taken: number; waiting: number }>()).toMatchObject({ taken: 2, waiting: 1 });
    expect(await statusOf(b!)).toBe('approved');
    expect(await statusOf(c!)).toBe('waiting');

    // More seats for the district: its waiting teacher gets a place.
    const seats = (n: number) => ({ seats: [{ areaId: areas.district, seats: n }] });
    const two = await openProgramme(seats(1), { capacity: 10 });
    const [d, e] = await approveAll(two.programmeId, two.sessionId, [0, 1]);
    expect(e!.status).toBe('waiting');
    const p = (await get(bureau, `/api/training/programmes/${two.programmeId}`)).json<Programme>();
    const more = await put(bureau, `/api/training/programmes/${two.programmeId}`, {
      ...programmeBody(seats(2)),
      version: p.version,
      status: 'open',
    });
    expect(more.statusCode).toBe(200);
    expect(await statusOf(e!)).toBe('approved');

    // A place of the district freed in one session goes to its teacher waiting in another.
    const other = await post(regional, `/api/training/programmes/${two.programmeId}/sessions`, sessionBody());
    const [f] = await approveAll(two.programmeId, other.json<{ id: number }>().id, [2]);
    expect(f!.status).toBe('waiting');
    await post(teachers[0]!, `/api/training/enrolments/${d!.id}/withdrawal`);
    expect(await statusOf(f!)).toBe('approved');
  });

  it('releases the places of a cancelled session: its teachers may choose another', async () => {
    const { programmeId, sessionId } = await openProgramme({}, { capacity: 1 });
    const [a, b] = await approveAll(programmeId, sessionId, [3, 4]);
    expect([a!.status, b!.status]).toEqual(['approved', 'waiting']);
    const s = (await get(regional, `/api/training/sessions/${sessionId}`)).json<{ version: number }>();
    const cancelled = await put(regional, `/api/training/sessions/${sessionId}`, {
      ...sessionBody({ capacity: 1 }),
      cancelled: true,
      version: s.version,
    });
    expect(cancelled.json<{ taken: number; waiting: number }>()).toMatchObject({ taken: 0, waiting: 0 });
    expect(await statusOf(a!)).toBe('rejected');
    expect(await statusOf(b!)).toBe('rejected');
    const next = await post(regional, `/api/training/programmes/${programmeId}/sessions`, sessionBody());
    const again = await enrol(teachers[3]!, programmeId, next.json<{ id: number }>().id);
    expect(again.json<Enr>().status).toBe('requested');
  });
});
