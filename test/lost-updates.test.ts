import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { startTestClock } from '@test/school-clock';
import { bells, classroomSchool, type ClassroomSchool } from '@test/classroom-world';
import { levels } from '@/modules/institutions/institutions.tables';
import { addDays, schoolToday } from '@/modules/classroom/classroom.service';
import { ensureGradingScale } from '@test/assignments-world';
import { createUserWithRole } from '@test/factories';
import { allocationPlanBody } from '@test/allocation-world';

/**
 * Lost updates: every whole-record `PUT` carries the version it was made from. Two people read the same
 * version and both save: the second is refused with 409 `stale_version` and both versions (what they sent,
 * what is saved), and nothing of the first is lost; of many saves sent at once from one version, exactly one
 * is written. On PGlite and, with DATABASE_URL, on PostgreSQL (where the saves really run side by side).
 */

type App = Awaited<ReturnType<typeof createTestApp>>;
interface Stale {
  error: {
    code: string;
    message: string;
    details: {
      yours: Record<string, unknown> & { version: number };
      current: Record<string, unknown> & { version: number };
    };
  };
}

startTestClock();

describe('saving over someone else’s change', () => {
  let t: App;
  let w: ClassroomSchool;
  let director: Session;
  /** The same director on another device. */
  let directorElsewhere: Session;
  let teacher: Session;
  let lessonId: number;
  let meetingId: number;
  /** A class of its own for the week and subject teachers saved here (the lesson above stays as it is). */
  let weekClassId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    w = await classroomSchool(db);
    await db
      .insert(levels)
      .values({ code: 'primary', position: 1, nameAz: 'İbtidai', nameRu: 'Начальное', nameEn: 'Primary' })
      .onConflictDoNothing();
    const as = (u: { username: string }) => login(t.app, u.username, 'password-1');
    director = await as(w.director);
    directorElsewhere = await as(w.director);
    teacher = await as(w.teachers[0]!);
    const ok = async (res: Promise<{ statusCode: number; body: string; json<T>(): T }>) => {
      const r = await res;
      expect(r.statusCode, r.body).toBe(200);
      return r.json<{ id: number }>();
    };
    await ok(
      saveAsRead(director, {
        url: `/api/institutions/${w.schoolId}/bell-schedules/1`,
        payload: bells(w.yearId),
      }),
    );
    const cls = await ok(
      director.inject({
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
      }),
    );
    await ok(
      saveAsRead(director, {
        url: `/api/classes/${cls.id}/timetable`,
        payload: {
          entries: Array.from({ length: 7 }, (_, i) => ({
            weekday: i + 1,
            period: 1,
            subjectCode: 'mathematics',
            teacherId: w.teachers[0]!.id,
            room: null,
          })),
        },
      }),
    );
    weekClassId = (
      await ok(
        director.inject({
          method: 'POST',
          url: `/api/institutions/${w.schoolId}/classes`,
          payload: {
            academicYearId: w.yearId,
            grade: 7,
            letter: 'B',
            language: 'az',
            shift: 1,
            homeroomTeacherId: null,
          },
        }),
      )
    ).id;
    const today = schoolToday();
    const list = await director.inject({
      url: `/api/classes/${cls.id}/lessons?from=${today}&to=${addDays(today, 6)}`,
    });
    lessonId = list.json<{ items: { id: number }[] }>().items[0]!.id;
    meetingId = (
      await ok(
        director.inject({
          method: 'POST',
          url: `/api/institutions/${w.schoolId}/councils`,
          payload: { heldOn: today, title: 'Şura' },
        }),
      )
    ).id;
  });
  afterAll(async () => t?.close());

  /**
   * The classroom's whole-record saves whose record is many rows (a week's periods, a shift's bells, a class's
   * subject teachers): one version on their parent. Each with how to read it, two different changes of it, the
   * version a save answers with, and how to see a change kept.
   */
  const classroomRecords = () => [
    {
      name: 'a class’s week',
      url: `/api/classes/${weekClassId}/timetable`,
      change: (n: number) => ({
        entries: [
          {
            weekday: 1 + (n % 5),
            period: 1 + (n % 8),
            subjectCode: 'mathematics',
            teacherId: w.teachers[1]!.id,
            room: `R${n}`,
          },
        ],
      }),
      savedVersion: (body: Record<string, unknown>) => body.version,
      kept: (body: Record<string, unknown>) => (body.entries as { room: string }[])[0]!.room,
    },
    {
      name: 'a shift’s bell schedule',
      url: `/api/institutions/${w.schoolId}/bell-schedules/2`,
      change: (n: number) => bells(w.yearId, 13 * 60 + n),
      savedVersion: (body: Record<string, unknown>) => body.version,
      kept: (body: Record<string, unknown>) => (body.periods as { startsAt: string }[])[0]!.startsAt,
    },
    {
      name: 'a class’s subject teachers',
      url: `/api/classes/${weekClassId}/subjects`,
      change: (n: number) => ({
        items: [
          { subjectCode: 'mathematics', teacherId: w.teachers[n % 2]!.id },
          { subjectCode: 'literature', teacherId: n % 3 === 0 ? null : w.teachers[2]!.id },
        ],
      }),
      // The save answers with the class, which carries the subject teachers' version as `subjectsVersion`.
      savedVersion: (body: Record<string, unknown>) => body.version ?? body.subjectsVersion,
      kept: (body: Record<string, unknown>) => {
        const items =
          (body.items as { subjectCode: string; teacherId: number | null }[] | undefined) ??
          (body.subjectTeachers as { subjectCode: string; teacher: { id: number } }[]).map((s) => ({
            subjectCode: s.subjectCode,
            teacherId: s.teacher.id,
          }));
        return items.find((i) => i.subjectCode === 'mathematics')?.teacherId;
      },
    },
  ];

  for (const index of [0, 1, 2]) {
    const label = ['week', 'bells', 'subjects'][index];
    it(`refuses the second of two saves from the same read, with both versions (${label})`, async () => {
      const r = classroomRecords()[index]!;
      const readA = await director.inject({ url: r.url });
      const readB = await directorElsewhere.inject({ url: r.url });
      expect(readA.statusCode, readA.body).toBe(200);
      const version = readA.json<{ version: number }>().version;
      expect(readB.json<{ version: number }>().version).toBe(version);

      const first = await director.inject({
        method: 'PUT',
        url: r.url,
        payload: { version, ...r.change(1) },
      });
      expect(first.statusCode, first.body).toBe(200);
      expect(r.savedVersion(first.json())).toBe(version + 1);

      const second = await directorElsewhere.inject({
        method: 'PUT',
        url: r.url,
        headers: { 'accept-language': 'az' },
        payload: { version, ...r.change(2) },
      });
      expect(second.statusCode, second.body).toBe(409);
      const { error } = second.json<Stale>();
      expect(error.code).toBe('stale_version');
      expect(error.message).toContain('başqası dəyişib');
      expect(error.details.yours).toMatchObject({ version, ...r.change(2) });
      expect(error.details.current.version).toBe(version + 1);
      expect(r.kept(error.details.current)).toBe(r.kept(r.change(1)));
      // Nothing lost: the first save stands.
      const now = (await director.inject({ url: r.url })).json<
        Record<string, unknown> & { version: number }
      >();
      expect(now.version).toBe(version + 1);
      expect(r.kept(now)).toBe(r.kept(r.change(1)));

      // Saving over it knowingly, from the current version.
      const over = await directorElsewhere.inject({
        method: 'PUT',
        url: r.url,
        payload: { version: error.details.current.version, ...r.change(2) },
      });
      expect(over.statusCode, over.body).toBe(200);
      expect(r.kept(over.json())).toBe(r.kept(r.change(2)));
    });

    it(`writes exactly one of many saves sent at once from the same version (${label})`, async () => {
      const r = classroomRecords()[index]!;
      const { version } = (await director.inject({ url: r.url })).json<{ version: number }>();
      const N = 6;
      const answers = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          (i % 2 ? directorElsewhere : director).inject({
            method: 'PUT',
            url: r.url,
            payload: { version, ...r.change(100 + i) },
          }),
        ),
      );
      const codes = answers.map((a) => a.statusCode);
      expect(
        codes.filter((c) => c === 200),
        codes.join(','),
      ).toHaveLength(1);
      expect(
        codes.filter((c) => c === 409),
        codes.join(','),
      ).toHaveLength(N - 1);
      const winner = answers.findIndex((a) => a.statusCode === 200);
      const now = (await director.inject({ url: r.url })).json<
        Record<string, unknown> & { version: number }
      >();
      expect(now.version).toBe(version + 1);
      expect(r.kept(now)).toBe(r.kept(r.change(100 + winner)));
    });
  }

  it('counts a single period added or a subject teacher set as a change of the whole record', async () => {
    const week = `/api/classes/${weekClassId}/timetable`;
    const { version } = (await director.inject({ url: week })).json<{ version: number }>();
    const added = await director.inject({
      method: 'POST',
      url: week,
      payload: {
        weekday: 5,
        period: 8,
        subjectCode: 'mathematics',
        teacherId: w.teachers[1]!.id,
        room: null,
      },
    });
    expect(added.statusCode, added.body).toBe(200);
    const stale = await director.inject({ method: 'PUT', url: week, payload: { version, entries: [] } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<Stale>().error.details.current.version).toBe(version + 1);

    const subjects = `/api/classes/${weekClassId}/subjects`;
    const read = (await director.inject({ url: subjects })).json<{ version: number }>();
    const one = await director.inject({
      method: 'PUT',
      url: `${subjects}/physics`,
      payload: { version: read.version, teacherId: w.teachers[0]!.id },
    });
    expect(one.statusCode, one.body).toBe(200);
    const refused = await director.inject({
      method: 'PUT',
      url: subjects,
      payload: { version: read.version, items: [{ subjectCode: 'physics', teacherId: null }] },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<Stale>().error.details.current).toMatchObject({
      version: read.version + 1,
      items: expect.arrayContaining([{ subjectCode: 'physics', teacherId: w.teachers[0]!.id }]) as unknown,
    });
  });

  it('needs the version of a week, a shift’s bells and a class’s subjects, naming the field', async () => {
    for (const [url, payload] of [
      [`/api/classes/${weekClassId}/timetable`, { entries: [] }],
      [`/api/institutions/${w.schoolId}/bell-schedules/2`, bells(w.yearId)],
      [`/api/classes/${weekClassId}/subjects`, { items: [{ subjectCode: 'physics', teacherId: null }] }],
    ] as const) {
      const res = await director.inject({ method: 'PUT', url, payload });
      expect(res.statusCode, url).toBe(400);
      expect(res.json<{ error: { details: { field: string }[] } }>().error.details[0]!.field).toBe('version');
    }
  });

  const record = (teachers: number) => ({
    teachers,
    teachersIctTrained: 5,
    classrooms: 12,
    hasComputerLab: false,
    electricity: true,
    electricitySource: 'grid',
    electricityHours: 24,
    students: [{ level: 'primary', sex: 'female', shift: 1, students: 100 }],
    links: [],
    deviceCounts: [],
    participations: [],
  });

  /** The three records, each with how to read it, two different changes of it, and how to see a change kept. */
  const routes = () => [
    {
      name: 'a school’s ICT record',
      url: `/api/institutions/${w.schoolId}/registry/${w.yearId}`,
      first: director,
      second: directorElsewhere,
      change: (n: number) => record(20 + n),
      kept: (body: Record<string, unknown>) => body.teachers,
    },
    {
      name: 'a council',
      url: `/api/councils/${meetingId}`,
      first: director,
      second: directorElsewhere,
      change: (n: number) => ({ heldOn: schoolToday(), title: `Şura ${n}`, minutes: `Protokol ${n}` }),
      kept: (body: Record<string, unknown>) => body.title,
    },
    {
      name: 'a lesson',
      url: `/api/lessons/${lessonId}`,
      first: teacher,
      second: director,
      change: (n: number) => ({ topic: `Mövzu ${n}`, homework: null, meetingUrl: null, materials: [] }),
      kept: (body: Record<string, unknown>) => body.topic,
    },
  ];

  for (const index of [0, 1, 2]) {
    it(`refuses the second of two saves from the same read, with both versions (${['registry', 'council', 'lesson'][index]})`, async () => {
      const r = routes()[index]!;
      const readA = await r.first.inject({ url: r.url });
      const readB = await r.second.inject({ url: r.url });
      expect(readA.statusCode, readA.body).toBe(200);
      const version = readA.json<{ version: number }>().version;
      expect(readB.json<{ version: number }>().version).toBe(version);

      const first = await r.first.inject({
        method: 'PUT',
        url: r.url,
        payload: { version, ...r.change(1) },
      });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json<{ version: number }>().version).toBe(version + 1);

      const second = await r.second.inject({
        method: 'PUT',
        url: r.url,
        headers: { 'accept-language': 'az' },
        payload: { version, ...r.change(2) },
      });
      expect(second.statusCode, second.body).toBe(409);
      const { error } = second.json<Stale>();
      expect(error.code).toBe('stale_version');
      expect(error.message).toContain('başqası dəyişib');
      // Both versions: what the second sent, and what the first saved.
      expect(error.details.yours).toMatchObject({ version, ...r.change(2) });
      expect(error.details.current.version).toBe(version + 1);
      expect(r.kept(error.details.current)).toBe(r.kept({ ...first.json(), ...r.change(1) }));
      // Nothing lost: the first save stands.
      const now = (await r.first.inject({ url: r.url })).json<
        Record<string, unknown> & { version: number }
      >();
      expect(now.version).toBe(version + 1);
      expect(r.kept(now)).toBe(r.kept(r.change(1)));

      // Saving over it consciously: from the current version, the second's values are written.
      const over = await r.second.inject({
        method: 'PUT',
        url: r.url,
        payload: { version: error.details.current.version, ...r.change(2) },
      });
      expect(over.statusCode, over.body).toBe(200);
      expect(r.kept(over.json())).toBe(r.kept(r.change(2)));
    });

    it(`writes exactly one of many saves sent at once from the same version (${['registry', 'council', 'lesson'][index]})`, async () => {
      const r = routes()[index]!;
      const { version } = (await r.first.inject({ url: r.url })).json<{ version: number }>();
      const N = 8;
      const answers = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          (i % 2 ? r.second : r.first).inject({
            method: 'PUT',
            url: r.url,
            payload: { version, ...r.change(100 + i) },
          }),
        ),
      );
      const codes = answers.map((a) => a.statusCode);
      expect(
        codes.filter((c) => c === 200),
        codes.join(','),
      ).toHaveLength(1);
      expect(
        codes.filter((c) => c === 409),
        codes.join(','),
      ).toHaveLength(N - 1);
      const winner = answers.findIndex((a) => a.statusCode === 200);
      const now = (await r.first.inject({ url: r.url })).json<
        Record<string, unknown> & { version: number }
      >();
      expect(now.version).toBe(version + 1);
      expect(r.kept(now)).toBe(r.kept(r.change(100 + winner)));
    });
  }

  it('starts a record not saved yet from version 0, and refuses a second first save', async () => {
    const url = `/api/institutions/${w.otherSchoolId}/registry/${w.yearId}`;
    const other = await login(t.app, w.otherDirector.username, 'password-1');
    const read = (await other.inject({ url })).json<{ version: number; saved: boolean }>();
    expect(read).toMatchObject({ version: 0, saved: false });
    const answers = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        other.inject({ method: 'PUT', url, payload: { version: 0, ...record(30 + n) } }),
      ),
    );
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes).toEqual([200, 409, 409, 409]);
  });

  it('needs the version: a save without it is refused, naming the field', async () => {
    const res = await director.inject({
      method: 'PUT',
      url: `/api/councils/${meetingId}`,
      payload: { heldOn: schoolToday(), title: 'Şura' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { details: { field: string }[] } }>().error.details[0]!.field).toBe('version');
  });

  it('counts a review as a change: a save from before it is refused', async () => {
    const url = `/api/institutions/${w.schoolId}/registry/${w.yearId}`;
    const { version } = (await director.inject({ url })).json<{ version: number }>();
    const db = t.database.db;
    const bureauUser = await createUserWithRole(db, 'bureau');
    const bureau = await login(t.app, bureauUser.username, bureauUser.password);
    const review = await bureau.inject({
      method: 'POST',
      url: `${url}/review`,
      payload: { decision: 'return', note: 'Müəllim sayını yoxlayın' },
    });
    expect(review.statusCode, review.body).toBe(200);
    const stale = await director.inject({ method: 'PUT', url, payload: { version, ...record(50) } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<Stale>().error.details.current).toMatchObject({
      version: version + 1,
      reviewNote: 'Müəllim sayını yoxlayın',
    });
  });
});

/**
 * The distribution's plans and applications, contests and their bank questions, and webinars: each saved
 * whole from the version read (a plan's is its `editVersion`: its `version` numbers its published versions).
 */
describe('saving over someone else’s change: plans, applications, contests, questions, webinars', () => {
  let t: App;
  let w: ClassroomSchool;
  let bureau: Session;
  /** The same bureau officer on another device. */
  let bureauElsewhere: Session;
  let director: Session;
  let directorElsewhere: Session;
  let draftPlanId: number;
  let openPlanId: number;
  let questionId: number;
  let contestId: number;
  let webinarId: number;
  const today = () => schoolToday();
  const webinarStart = () => `${addDays(today(), 3)}T10:00:00.000Z`;
  const planBody = (name: string) => ({
    ...allocationPlanBody(w.yearId, name),
    applicationsOpenOn: addDays(today(), -1),
    applicationsCloseOn: addDays(today(), 5),
    appealsCloseOn: addDays(today(), 10),
  });
  const question = (n: number) => ({
    subjectCode: 'mathematics',
    grade: 7,
    language: 'az',
    kind: 'numeric',
    prompt: `${n} + 1?`,
    value: n + 1,
  });
  const contest = (n: number) => ({
    title: `Olimpiada ${n}`,
    subjectCode: 'mathematics',
    grade: 7,
    scope: 'nation',
    date: addDays(today(), 4),
    windows: [{ shift: 1, startsAt: '10:00', endsAt: '10:30' }],
    timeLimitMinutes: 30,
    questionIds: [questionId],
  });
  const webinar = (n: number) => ({
    title: `Vebinar ${n}`,
    areaId: null,
    startsAt: webinarStart(),
    durationMinutes: 60,
    url: 'https://meet.example.az/w',
    capacity: 10 + n,
  });

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    w = await classroomSchool(db);
    const officer = await createUserWithRole(db, 'bureau');
    bureau = await login(t.app, officer.username, officer.password);
    bureauElsewhere = await login(t.app, officer.username, officer.password);
    director = await login(t.app, w.director.username, 'password-1');
    directorElsewhere = await login(t.app, w.director.username, 'password-1');
    const ok = async (res: Promise<{ statusCode: number; body: string; json<T>(): T }>) => {
      const r = await res;
      expect(r.statusCode, r.body).toBe(200);
      return r.json<{ id: number }>().id;
    };
    const post = (url: string, payload: object) => bureau.inject({ method: 'POST', url, payload });
    draftPlanId = await ok(post('/api/allocation/plans', planBody('Qaralama')));
    openPlanId = await ok(post('/api/allocation/plans', planBody('Açıq plan')));
    await ok(post(`/api/allocation/plans/${openPlanId}/publish`, {}));
    questionId = await ok(post('/api/contests/questions', { institutionId: null, ...question(0) }));
    contestId = await ok(post('/api/contests', contest(0)));
    webinarId = await ok(post('/api/webinars', webinar(0)));
  });
  afterAll(async () => t?.close());

  /**
   * Each record: where it is read and saved, the field of its version, who saves it (two sessions reading the
   * same version), two different changes of it, and how to see a change kept (in a save's answer, in the
   * `current` of a refusal, and in a read).
   */
  const records = () => [
    {
      name: 'plan',
      readUrl: `/api/allocation/plans/${draftPlanId}`,
      url: `/api/allocation/plans/${draftPlanId}`,
      key: 'editVersion',
      versionOf: (read: Record<string, unknown>) => read.editVersion as number,
      first: bureau,
      second: bureauElsewhere,
      change: (n: number) => planBody(`Plan ${n}`),
      kept: (body: Record<string, unknown>) => body.name,
    },
    {
      name: 'application',
      readUrl: `/api/allocation/plans/${openPlanId}/schools/${w.schoolId}`,
      url: `/api/allocation/plans/${openPlanId}/schools/${w.schoolId}/application`,
      key: 'version',
      versionOf: (read: Record<string, unknown>) =>
        (read.application as { version: number } | null)?.version ?? 0,
      first: director,
      second: directorElsewhere,
      change: (n: number) => ({ requested: { projector: n }, justification: `Proyektor ${n}` }),
      kept: (body: Record<string, unknown>) =>
        ((body.application ?? body) as { justification: string }).justification,
    },
    {
      name: 'question',
      readUrl: `/api/contests/questions/${questionId}`,
      url: `/api/contests/questions/${questionId}`,
      key: 'version',
      versionOf: (read: Record<string, unknown>) => read.version as number,
      first: bureau,
      second: bureauElsewhere,
      change: question,
      kept: (body: Record<string, unknown>) => body.prompt,
    },
    {
      name: 'contest',
      readUrl: `/api/contests/${contestId}`,
      url: `/api/contests/${contestId}`,
      key: 'version',
      versionOf: (read: Record<string, unknown>) => read.version as number,
      first: bureau,
      second: bureauElsewhere,
      change: contest,
      kept: (body: Record<string, unknown>) => body.title,
    },
    {
      name: 'webinar',
      readUrl: `/api/webinars/${webinarId}`,
      url: `/api/webinars/${webinarId}`,
      key: 'version',
      versionOf: (read: Record<string, unknown>) => read.version as number,
      first: bureau,
      second: bureauElsewhere,
      change: webinar,
      kept: (body: Record<string, unknown>) => body.title,
    },
  ];
  const names = ['plan', 'application', 'question', 'contest', 'webinar'];
  type Body = Record<string, unknown>;

  for (const [index, label] of names.entries()) {
    it(`refuses the second of two saves from the same read, with both versions (${label})`, async () => {
      const r = records()[index]!;
      const readA = await r.first.inject({ url: r.readUrl });
      const readB = await r.second.inject({ url: r.readUrl });
      expect(readA.statusCode, readA.body).toBe(200);
      const version = r.versionOf(readA.json<Body>());
      expect(r.versionOf(readB.json<Body>())).toBe(version);

      const first = await r.first.inject({
        method: 'PUT',
        url: r.url,
        payload: { [r.key]: version, ...r.change(1) },
      });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json<Body>()[r.key]).toBe(version + 1);

      const second = await r.second.inject({
        method: 'PUT',
        url: r.url,
        headers: { 'accept-language': 'az' },
        payload: { [r.key]: version, ...r.change(2) },
      });
      expect(second.statusCode, second.body).toBe(409);
      const { error } = second.json<{
        error: { code: string; message: string; details: { yours: Body; current: Body } };
      }>();
      expect(error.code).toBe('stale_version');
      expect(error.message).toContain('başqası dəyişib');
      // Both versions: what the second sent, and what the first saved.
      expect(error.details.yours).toMatchObject({ [r.key]: version, ...r.change(2) });
      expect(error.details.current[r.key]).toBe(version + 1);
      expect(r.kept(error.details.current)).toBe(r.kept(r.change(1)));
      // Nothing lost: the first save stands.
      const now = (await r.first.inject({ url: r.readUrl })).json<Body>();
      expect(r.versionOf(now)).toBe(version + 1);
      expect(r.kept(now)).toBe(r.kept(r.change(1)));

      // Saving over it knowingly, from the current version.
      const over = await r.second.inject({
        method: 'PUT',
        url: r.url,
        payload: { [r.key]: error.details.current[r.key], ...r.change(2) },
      });
      expect(over.statusCode, over.body).toBe(200);
      expect(r.kept(over.json<Body>())).toBe(r.kept(r.change(2)));
    });

    it(`writes exactly one of many saves sent at once from the same version (${label})`, async () => {
      const r = records()[index]!;
      const version = r.versionOf((await r.first.inject({ url: r.readUrl })).json<Body>());
      const N = 6;
      const answers = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          (i % 2 ? r.second : r.first).inject({
            method: 'PUT',
            url: r.url,
            payload: { [r.key]: version, ...r.change(100 + i) },
          }),
        ),
      );
      const codes = answers.map((a) => a.statusCode);
      expect(
        codes.filter((c) => c === 200),
        codes.join(','),
      ).toHaveLength(1);
      expect(
        codes.filter((c) => c === 409),
        codes.join(','),
      ).toHaveLength(N - 1);
      const winner = answers.findIndex((a) => a.statusCode === 200);
      const now = (await r.first.inject({ url: r.readUrl })).json<Body>();
      expect(r.versionOf(now)).toBe(version + 1);
      expect(r.kept(now)).toBe(r.kept(r.change(100 + winner)));
    });
  }

  it('needs the version of each, naming the field', async () => {
    for (const r of records()) {
      const res = await r.first.inject({ method: 'PUT', url: r.url, payload: r.change(7) });
      expect(res.statusCode, r.name).toBe(400);
      expect(res.json<{ error: { details: { field: string }[] } }>().error.details[0]!.field).toBe(r.key);
    }
  });

  it('takes a school’s first application from version 0, once', async () => {
    const other = await login(t.app, w.otherDirector.username, 'password-1');
    const page = `/api/allocation/plans/${openPlanId}/schools/${w.otherSchoolId}`;
    const read = (await other.inject({ url: page })).json<{ application: unknown }>();
    expect(read.application).toBeNull();
    const answers = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        other.inject({
          method: 'PUT',
          url: `${page}/application`,
          payload: { version: 0, requested: { projector: n }, justification: `Birinci ${n}` },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409, 409]);
    const saved = answers.find((a) => a.statusCode === 200)!.json<{ version: number }>();
    expect(saved.version).toBe(1);
    const refused = answers.find((a) => a.statusCode === 409)!;
    expect(
      refused.json<{ error: { details: { current: { version: number } } } }>().error.details.current,
    ).toMatchObject({
      version: 1,
    });
  });

  it('counts publishing a plan as a change; a published contest stays locked', async () => {
    const id = (
      await bureau.inject({ method: 'POST', url: '/api/allocation/plans', payload: planBody('Nəşr') })
    ).json<{ id: number }>().id;
    const read = (await bureau.inject({ url: `/api/allocation/plans/${id}` })).json<{
      editVersion: number;
    }>();
    await bureau.inject({ method: 'POST', url: `/api/allocation/plans/${id}/publish`, payload: {} });
    const stale = await bureauElsewhere.inject({
      method: 'PUT',
      url: `/api/allocation/plans/${id}`,
      payload: { editVersion: read.editVersion, ...planBody('Köhnə') },
    });
    expect(stale.statusCode).toBe(409);
    expect(
      stale.json<{ error: { code: string; details: { current: Record<string, unknown> } } }>().error,
    ).toMatchObject({
      code: 'stale_version',
      details: { current: { state: 'published', version: 1, editVersion: read.editVersion + 1 } },
    });

    const draft = (await bureau.inject({ method: 'POST', url: '/api/contests', payload: contest(50) })).json<{
      id: number;
      version: number;
    }>();
    const published = await bureau.inject({ method: 'POST', url: `/api/contests/${draft.id}/publish` });
    expect(published.statusCode, published.body).toBe(200);
    const late = await bureauElsewhere.inject({
      method: 'PUT',
      url: `/api/contests/${draft.id}`,
      payload: { version: draft.version, ...contest(51) },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json<{ error: { code: string } }>().error.code).toBe('contests.published_locked');
  });
});

/**
 * The rest of the whole-record saves of the registry, assignments, library and classroom: a national
 * project and the national settings, an assignment's groups, a collection's resources, one subject's teacher
 * of a class and one weekly period (each part of a larger record, whose version they send), and one subject's
 * teacher in every class of a grade (the versions of all the grade's classes). Their own app and database.
 */
describe('saving over someone else’s change: registry, groups, collections, one subject, one period', () => {
  let t: App;
  let w: ClassroomSchool;
  const sessions: Record<'national' | 'director' | 'teacher' | 'editor', [Session, Session]> = {} as never;
  let projectId: number;
  let groupsAssignmentId: number;
  let collectionId: number;
  let resourceIds: [number, number];
  let classId: number;
  let entryId: number;
  /** The grade 9 classes, for the grade-wide save. */
  let ninth: number[];

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    w = await classroomSchool(db);
    await ensureGradingScale(db);
    const twice = async (username: string, password: string): Promise<[Session, Session]> => [
      await login(t.app, username, password),
      await login(t.app, username, password),
    ];
    const bureau = await createUserWithRole(db, 'bureau');
    const editor = await createUserWithRole(db, 'editor');
    sessions.national = await twice(bureau.username, bureau.password);
    sessions.editor = await twice(editor.username, editor.password);
    sessions.director = await twice(w.director.username, 'password-1');
    sessions.teacher = await twice(w.teachers[0]!.username, 'password-1');
    const [director] = sessions.director;
    const ok = async (res: Promise<{ statusCode: number; body: string; json<T>(): T }>) => {
      const r = await res;
      expect(r.statusCode, r.body).toBeLessThan(300);
      return r.json<{ id: number }>();
    };
    projectId = (
      await ok(
        sessions.national[0].inject({
          method: 'POST',
          url: '/api/registry/projects',
          payload: { code: 'lu-steam', nameAz: 'STEAM', nameRu: 'STEAM', nameEn: 'STEAM', active: true },
        }),
      )
    ).id;
    const newClass = async (grade: number, letter: string) =>
      (
        await ok(
          director.inject({
            method: 'POST',
            url: `/api/institutions/${w.schoolId}/classes`,
            payload: {
              academicYearId: w.yearId,
              grade,
              letter,
              language: 'az',
              shift: 1,
              homeroomTeacherId: null,
            },
          }),
        )
      ).id;
    classId = await newClass(8, 'A');
    ninth = [await newClass(9, 'A'), await newClass(9, 'B')];
    await ok(
      saveAsRead(director, {
        url: `/api/institutions/${w.schoolId}/bell-schedules/1`,
        payload: bells(w.yearId),
      }),
    );
    entryId = (
      await ok(
        director.inject({
          method: 'POST',
          url: `/api/classes/${classId}/timetable`,
          payload: {
            weekday: 2,
            period: 3,
            subjectCode: 'mathematics',
            teacherId: w.teachers[0]!.id,
            room: null,
          },
        }),
      )
    ).id;
    for (const s of w.students.slice(0, 3))
      await ok(director.inject({ method: 'PUT', url: `/api/classes/${classId}/students/${s.id}` }));
    await ok(
      saveAsRead(director, {
        url: `/api/classes/${classId}/subjects`,
        payload: { items: [{ subjectCode: 'mathematics', teacherId: w.teachers[0]!.id }] },
      }),
    );
    groupsAssignmentId = (
      await ok(
        sessions.teacher[0].inject({
          method: 'POST',
          url: `/api/classes/${classId}/assignments`,
          payload: {
            subjectCode: 'mathematics',
            title: 'Qrup işi',
            instructions: null,
            kind: 'group',
            dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
          },
        }),
      )
    ).id;
    const resource = async (title: string) =>
      (
        await ok(
          sessions.editor[0].inject({
            method: 'POST',
            url: '/api/library/resources',
            payload: {
              type: 'e_textbook',
              title,
              description: '',
              language: 'az',
              level: 'general',
              grades: [5],
              subject: 'mathematics',
              authors: ['Nəzakət Məmmədova'],
              publisher: 'Təhsil Nazirliyi',
              licence: 'cc_by',
              accessibility: [],
            },
          }),
        )
      ).id;
    resourceIds = [await resource('Birinci'), await resource('İkinci')];
    collectionId = (
      await ok(
        sessions.editor[0].inject({
          method: 'POST',
          url: '/api/library/collections',
          payload: { kind: 'playlist', title: 'Kurs' },
        }),
      )
    ).id;
  });
  afterAll(async () => t?.close());

  type Body = Record<string, unknown>;
  /**
   * Each save: who makes it, where it is read (and how its record is found in what is read), where it is
   * written, two different changes of it, and how to see a change kept — in a change sent and in the record
   * as read (which is also what a refusal's `current` holds).
   */
  const records = () => {
    const students = w.students.slice(0, 3).map((s) => s.id);
    return [
      {
        label: 'project',
        who: sessions.national,
        readUrl: '/api/registry/projects',
        record: (list: unknown) => (list as Body[]).find((p) => p.id === projectId)!,
        url: `/api/registry/projects/${projectId}`,
        change: (n: number) => ({
          code: 'lu-steam',
          nameAz: `STEAM ${n}`,
          nameRu: 'STEAM',
          nameEn: 'STEAM',
          active: true,
        }),
        sent: (c: Body) => c.nameAz,
        kept: (r: Body) => r.nameAz,
      },
      {
        label: 'settings',
        who: sessions.national,
        readUrl: '/api/registry/settings',
        record: (b: unknown) => b as Body,
        url: '/api/registry/settings',
        change: (n: number) => ({ benchmarkMbps: 10 + n }),
        sent: (c: Body) => c.benchmarkMbps,
        kept: (r: Body) => r.benchmarkMbps,
      },
      {
        label: 'groups',
        who: sessions.teacher,
        readUrl: `/api/assignments/${groupsAssignmentId}`,
        record: (b: unknown) => ({ ...(b as Body), version: (b as Body).groupsVersion }),
        url: `/api/assignments/${groupsAssignmentId}/groups`,
        change: (n: number) => ({
          groups:
            n % 2
              ? [{ studentIds: students.slice(0, 2) }, { studentIds: students.slice(2) }]
              : [{ studentIds: students.slice(0, 1) }, { studentIds: students.slice(1) }],
        }),
        sent: (c: Body) => (c.groups as { studentIds: number[] }[])[0]!.studentIds.length,
        kept: (r: Body) => (r.groups as { members: unknown[] }[])[0]!.members.length,
      },
      {
        label: 'collection',
        who: sessions.editor,
        readUrl: `/api/library/collections/${collectionId}`,
        record: (b: unknown) => b as Body,
        url: `/api/library/collections/${collectionId}/items`,
        change: (n: number) => ({ resourceIds: n % 2 ? resourceIds : [...resourceIds].reverse() }),
        sent: (c: Body) => (c.resourceIds as number[])[0],
        kept: (r: Body) => (r.resources as { id: number }[])[0]?.id,
      },
      {
        label: 'one subject',
        who: sessions.director,
        readUrl: `/api/classes/${classId}/subjects`,
        record: (b: unknown) => b as Body,
        url: `/api/classes/${classId}/subjects/physics`,
        change: (n: number) => ({ teacherId: w.teachers[n % 3]!.id }),
        sent: (c: Body) => c.teacherId,
        kept: (r: Body) =>
          (r.items as { subjectCode: string; teacherId: number }[]).find((i) => i.subjectCode === 'physics')
            ?.teacherId,
      },
      {
        label: 'one period',
        who: sessions.director,
        readUrl: `/api/classes/${classId}/timetable`,
        record: (b: unknown) => b as Body,
        url: `/api/timetable/${entryId}`,
        change: (n: number) => ({
          weekday: 2,
          period: 3,
          subjectCode: 'mathematics',
          teacherId: w.teachers[0]!.id,
          room: `R${n}`,
        }),
        sent: (c: Body) => c.room,
        kept: (r: Body) => (r.entries as { id: number; room: string }[]).find((e) => e.id === entryId)?.room,
      },
    ];
  };
  const read = async (r: ReturnType<typeof records>[number], who = r.who[0]) => {
    const res = await who.inject({ url: r.readUrl });
    expect(res.statusCode, res.body).toBe(200);
    return r.record(res.json()) as Body & { version: number };
  };

  for (const index of [0, 1, 2, 3, 4, 5]) {
    const label = ['project', 'settings', 'groups', 'collection', 'one subject', 'one period'][index];
    it(`refuses the second of two saves from the same read, with both versions (${label})`, async () => {
      const r = records()[index]!;
      const [first, second] = r.who;
      const { version } = await read(r, first);
      expect((await read(r, second)).version).toBe(version);

      const saved = await first.inject({ method: 'PUT', url: r.url, payload: { version, ...r.change(1) } });
      expect(saved.statusCode, saved.body).toBe(200);
      const stale = await second.inject({
        method: 'PUT',
        url: r.url,
        headers: { 'accept-language': 'az' },
        payload: { version, ...r.change(2) },
      });
      expect(stale.statusCode, stale.body).toBe(409);
      const { error } = stale.json<Stale>();
      expect(error.code).toBe('stale_version');
      expect(error.message).toContain('başqası dəyişib');
      expect(error.details.yours).toMatchObject({ version, ...r.change(2) });
      expect(error.details.current.version).toBe(version + 1);
      expect(r.kept(error.details.current)).toBe(r.sent(r.change(1)));
      // Nothing lost: the first save stands, at the next version.
      const now = await read(r);
      expect(now.version).toBe(version + 1);
      expect(r.kept(now)).toBe(r.sent(r.change(1)));

      // Saving over it knowingly, from the current version.
      const over = await second.inject({
        method: 'PUT',
        url: r.url,
        payload: { version: error.details.current.version, ...r.change(2) },
      });
      expect(over.statusCode, over.body).toBe(200);
      expect(r.kept(await read(r))).toBe(r.sent(r.change(2)));
    });

    it(`writes exactly one of many saves sent at once from the same version (${label})`, async () => {
      const r = records()[index]!;
      const { version } = await read(r);
      const N = 6;
      const answers = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          r.who[i % 2]!.inject({ method: 'PUT', url: r.url, payload: { version, ...r.change(100 + i) } }),
        ),
      );
      const codes = answers.map((a) => a.statusCode);
      expect(
        codes.filter((c) => c === 200),
        codes.join(','),
      ).toHaveLength(1);
      expect(
        codes.filter((c) => c === 409),
        codes.join(','),
      ).toHaveLength(N - 1);
      const winner = answers.findIndex((a) => a.statusCode === 200);
      const now = await read(r);
      expect(now.version).toBe(version + 1);
      expect(r.kept(now)).toBe(r.sent(r.change(100 + winner)));
    });
  }

  /** The grade's classes as the director reads them, each at its subject teachers' version. */
  const gradeRead = async (who: Session, grade: number) =>
    (await who.inject({ url: `/api/institutions/${w.schoolId}/subject-teachers?yearId=${w.yearId}` }))
      .json<{ classes: { classId: number; grade: number; version: number }[] }>()
      .classes.filter((c) => c.grade === grade)
      .map((c) => ({ classId: c.classId, version: c.version }));
  const gradeSave = (who: Session, classes: { classId: number; version: number }[], teacher: number) =>
    who.inject({
      method: 'PUT',
      url: `/api/institutions/${w.schoolId}/subject-teachers`,
      headers: { 'accept-language': 'az' },
      payload: {
        classes,
        academicYearId: w.yearId,
        grade: 9,
        subjectCode: 'mathematics',
        teacherId: teacher,
      },
    });

  it('refuses a grade-wide save made before another change of the grade’s classes, naming the classes', async () => {
    const [director, elsewhere] = sessions.director;
    const read = await gradeRead(director, 9);
    expect(read.map((c) => c.classId).sort()).toEqual([...ninth].sort());
    expect((await gradeSave(director, read, w.teachers[1]!.id)).statusCode).toBe(200);
    // A second grade-wide save from the same read: both classes changed since.
    const stale = await gradeSave(elsewhere, read, w.teachers[2]!.id);
    expect(stale.statusCode, stale.body).toBe(409);
    const { error } = stale.json<{
      error: {
        code: string;
        message: string;
        details: {
          yours: { classes: unknown[]; teacherId: number };
          current: {
            classes: { classId: number; name: string; version: number; teacherId: number | null }[];
          };
          classes: string[];
        };
      };
    }>();
    expect(error.code).toBe('stale_version');
    expect(error.message).toContain('başqası dəyişib');
    expect(error.details.classes.sort()).toEqual(['9A', '9B']);
    expect(error.details.yours).toMatchObject({ classes: read, teacherId: w.teachers[2]!.id });
    expect(error.details.current.classes.map((c) => [c.name, c.version, c.teacherId])).toEqual([
      ['9A', read.find((c) => c.classId === ninth[0])!.version + 1, w.teachers[1]!.id],
      ['9B', read.find((c) => c.classId === ninth[1])!.version + 1, w.teachers[1]!.id],
    ]);

    // One class's subject teachers changed by another save: only that class is named, and nothing is written.
    const again = await gradeRead(director, 9);
    const b = await director.inject({ url: `/api/classes/${ninth[1]}/subjects` });
    expect(
      (
        await director.inject({
          method: 'PUT',
          url: `/api/classes/${ninth[1]}/subjects/physics`,
          payload: { version: b.json<{ version: number }>().version, teacherId: w.teachers[0]!.id },
        })
      ).statusCode,
    ).toBe(200);
    const one = await gradeSave(elsewhere, again, w.teachers[2]!.id);
    expect(one.statusCode).toBe(409);
    const refused = one.json<{
      error: { details: { classes: string[]; current: { classes: { classId: number; version: number }[] } } };
    }>().error.details;
    expect(refused.classes).toEqual(['9B']);
    // Its `current` is the grade as saved: 9A, not changed, at the version read.
    expect(refused.current.classes.find((c) => c.classId === ninth[0])!.version).toBe(
      again.find((c) => c.classId === ninth[0])!.version,
    );
    const subjects = (id: number) =>
      director
        .inject({ url: `/api/classes/${id}/subjects` })
        .then((r) => r.json<{ items: { subjectCode: string; teacherId: number }[] }>().items);
    expect((await subjects(ninth[0]!)).find((i) => i.subjectCode === 'mathematics')?.teacherId).toBe(
      w.teachers[1]!.id,
    );

    // A class of the grade left out of the save (one added since the read) refuses it too.
    const partial = await gradeSave(elsewhere, (await gradeRead(director, 9)).slice(0, 1), w.teachers[2]!.id);
    expect(partial.statusCode).toBe(409);

    // Saved from the current versions, it is written in every class.
    const over = await gradeSave(elsewhere, await gradeRead(elsewhere, 9), w.teachers[2]!.id);
    expect(over.statusCode, over.body).toBe(200);
    for (const id of ninth)
      expect((await subjects(id)).find((i) => i.subjectCode === 'mathematics')?.teacherId).toBe(
        w.teachers[2]!.id,
      );
  });

  it('writes exactly one of many grade-wide saves sent at once from the same read', async () => {
    const [director, elsewhere] = sessions.director;
    const read = await gradeRead(director, 9);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        gradeSave(i % 2 ? elsewhere : director, read, w.teachers[i % 3]!.id),
      ),
    );
    const codes = answers.map((a) => a.statusCode);
    expect(
      codes.filter((c) => c === 200),
      codes.join(','),
    ).toHaveLength(1);
    expect(
      codes.filter((c) => c === 409),
      codes.join(','),
    ).toHaveLength(5);
    const after = await gradeRead(director, 9);
    for (const c of after) expect(c.version).toBe(read.find((r) => r.classId === c.classId)!.version + 1);
  });

  it('needs the version of each of these saves, naming the field', async () => {
    const [national] = sessions.national;
    const [director] = sessions.director;
    for (const [who, url, payload] of [
      [
        national,
        `/api/registry/projects/${projectId}`,
        { code: 'x', nameAz: 'x', nameRu: 'x', nameEn: 'x', active: true },
      ],
      [national, '/api/registry/settings', { benchmarkMbps: 20 }],
      [sessions.teacher[0], `/api/assignments/${groupsAssignmentId}/groups`, { groups: [] }],
      [sessions.editor[0], `/api/library/collections/${collectionId}/items`, { resourceIds: [] }],
      [director, `/api/classes/${classId}/subjects/physics`, { teacherId: w.teachers[0]!.id }],
      [
        director,
        `/api/timetable/${entryId}`,
        { weekday: 2, period: 3, subjectCode: 'mathematics', teacherId: w.teachers[0]!.id, room: null },
      ],
    ] as const) {
      const res = await who.inject({ method: 'PUT', url, payload });
      expect(res.statusCode, url).toBe(400);
      expect(res.json<{ error: { details: { field: string }[] } }>().error.details[0]!.field).toBe('version');
    }
    const grade = await director.inject({
      method: 'PUT',
      url: `/api/institutions/${w.schoolId}/subject-teachers`,
      payload: { academicYearId: w.yearId, grade: 9, subjectCode: 'mathematics', teacherId: null },
    });
    expect(grade.statusCode).toBe(400);
    expect(grade.json<{ error: { details: { field: string }[] } }>().error.details[0]!.field).toBe('classes');
  });
});
