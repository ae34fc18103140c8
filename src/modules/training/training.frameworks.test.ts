import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { DEFAULT_PACK_DIR } from '@/modules/institutions/country-pack';
import { loadTrainingFrameworks, readTrainingFrameworks } from '@/modules/training/training.frameworks.pack';
import {
  currentLevels,
  currentLevelsOf,
  selfAssessmentScale,
} from '@/modules/training/training.frameworks.service';
import { programmes, schoolLevels, teacherLevels } from '@/modules/training/training.tables';
import { rows } from '@/server/db/database';

type Err = {
  error: { code: string; message: string; details: { field: string; reason: string; message: string }[] };
};
interface SittingOut {
  id: number;
  status: string;
  areas: { id: string; items: { id: string; options: string[] }[] }[];
  answers: Record<string, number>;
  answered: number;
  total: number;
}
interface ResultOut {
  sittingId: number;
  areas: {
    areaId: string;
    score: number;
    maxScore: number;
    level: { index: number; code: string; description: string };
  }[];
  suggestions: { id: number; title: string }[];
}

/** The self-assessment through the API: saved as one goes, levels on submit, counts kept, answers private. */
describe('training self-assessment', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let schoolId: number;
  let otherSchoolId: number;
  let teachers: Session[];
  let teacherIds: number[];
  let director: Session;
  let otherDirector: Session;
  let regional: Session;
  let otherRegional: Session;
  let bureau: Session;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    const frameworks = await readTrainingFrameworks(DEFAULT_PACK_DIR);
    await db.transaction((tx) => loadTrainingFrameworks(tx, frameworks));
    const areas = await createAreas(db);
    schoolId = (await createInstitution(db, areas.district)).id;
    otherSchoolId = (await createInstitution(db, areas.otherDistrict)).id;
    const as = async (role: Parameters<typeof createUserWithRole>[1], scope: object) => {
      const u = await createUserWithRole(db, role, scope);
      return { id: u.id, session: await login(t.app, u.username, u.password) };
    };
    const made = [];
    for (let i = 0; i < 4; i++) made.push(await as('teacher', { institutionId: schoolId }));
    teachers = made.map((m) => m.session);
    teacherIds = made.map((m) => m.id);
    director = (await as('director', { institutionId: schoolId })).session;
    otherDirector = (await as('director', { institutionId: otherSchoolId })).session;
    regional = (await as('regional', { areaId: areas.district })).session;
    otherRegional = (await as('regional', { areaId: areas.otherDistrict })).session;
    bureau = (await as('bureau', {})).session;
    const [creator] = await rows<{ id: number }>(db, sql`select id from identity_user order by id limit 1`);
    await db.insert(programmes).values([
      {
        title: 'Rəqəmsal qiymətləndirmə',
        mode: 'online',
        frameworkId: 'digcompedu',
        areaIds: ['digcompedu.4'],
        forBelowLevel: 3,
        hours: 12,
        status: 'open',
        createdBy: creator!.id,
      },
      {
        title: 'Qaralama',
        mode: 'online',
        frameworkId: 'digcompedu',
        areaIds: ['digcompedu.4'],
        forBelowLevel: 3,
        hours: 12,
        status: 'draft',
        createdBy: creator!.id,
      },
    ]);
  });
  afterAll(async () => t?.close());

  const start = async (s: Session) => {
    const res = await s.inject({ method: 'POST', url: '/api/training/self/sittings' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<SittingOut>();
  };
  const answerAll = async (
    s: Session,
    sitting: SittingOut,
    choose: (areaIndex: number, i: number) => number,
  ) => {
    for (const [ai, a] of sitting.areas.entries()) {
      const res = await s.inject({
        method: 'PUT',
        url: `/api/training/self/sittings/${sitting.id}/answers`,
        payload: { answers: a.items.map((q, i) => ({ itemId: q.id, choice: choose(ai, i) })) },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
  };
  const counts = async (institutionId: number) =>
    (await t.database.db.select().from(schoolLevels).where(eq(schoolLevels.institutionId, institutionId)))
      .filter((r) => r.teachers !== 0)
      .map((r) => `${r.areaId}:${r.level}=${r.teachers}`)
      .sort();
  /** The counts the teachers' own levels say there should be. */
  const expectedCounts = async (institutionId: number) =>
    (
      await rows<{ areaId: string; level: number; n: number }>(
        t.database.db,
        sql`select area_id as "areaId", level, count(*)::int as n from ${teacherLevels}
            where institution_id = ${institutionId} group by 1, 2`,
      )
    )
      .map((r) => `${r.areaId}:${r.level}=${r.n}`)
      .sort();

  it('reads the frameworks in the caller’s language, signed in or not, with the mapping', async () => {
    const list = await t.app.inject({
      url: '/api/training/frameworks',
      headers: { 'accept-language': 'ru' },
    });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: { id: string; areas: number; competencies: number }[] }>().items).toMatchObject(
      [
        { id: 'unesco-ict-cft-3', areas: 6, competencies: 18 },
        { id: 'digcompedu', areas: 6, competencies: 22 },
      ],
    );
    const dce = await t.app.inject({
      url: '/api/training/frameworks/digcompedu',
      headers: { 'accept-language': 'en' },
    });
    const body = dce.json<{
      levels: { name: string }[];
      areas: { name: string; competencies: { id: string; related: { id: string }[] }[] }[];
    }>();
    expect(body.levels[0]!.name).toBe('Newcomer');
    expect(body.areas[3]!.name).toBe('Assessment');
    expect(body.areas[2]!.competencies[3]!.related.map((r) => r.id)).toEqual(['unesco-ict-cft-3.3.kc']);
    const unesco = await t.app.inject({
      url: '/api/training/frameworks/unesco-ict-cft-3',
      headers: { 'accept-language': 'az' },
    });
    const kc = unesco.json<{ areas: { competencies: { id: string; related: { id: string }[] }[] }[] }>()
      .areas[2]!.competencies[2]!;
    expect(kc.related.map((r) => r.id)).toContain('digcompedu.3.4');
    expect((await t.app.inject({ url: '/api/training/frameworks/nowhere' })).statusCode).toBe(404);
  });

  it('saves answers as the teacher goes, resumes the same sitting, and refuses wrong answers naming the field', async () => {
    const s = teachers[0]!;
    const first = await start(s);
    expect(first.total).toBe(30);
    expect(first.areas).toHaveLength(6);
    const a0 = first.areas[0]!;
    const save = (payload: unknown) =>
      s.inject({
        method: 'PUT',
        url: `/api/training/self/sittings/${first.id}/answers`,
        payload: payload as object,
      });
    const saved = await save({ answers: a0.items.map((q) => ({ itemId: q.id, choice: 2 })) });
    expect(saved.json()).toMatchObject({ answered: a0.items.length, total: 30 });
    // The same page again changes nothing; a changed answer replaces the earlier one.
    await save({ answers: a0.items.map((q) => ({ itemId: q.id, choice: 2 })) });
    await save({ answers: [{ itemId: a0.items[0]!.id, choice: 4 }] });
    const again = await start(s);
    expect(again.id).toBe(first.id);
    expect(again.answered).toBe(a0.items.length);
    expect(again.answers[a0.items[0]!.id]).toBe(4);
    const read = await s.inject({ url: `/api/training/self/sittings/${first.id}` });
    expect(read.json<SittingOut>().answers[a0.items[1]!.id]).toBe(2);

    const unknown = await save({ answers: [{ itemId: 'digcompedu.q99', choice: 1 }] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json<Err>().error.details[0]).toMatchObject({
      field: 'answers.0.itemId',
      reason: 'unknown_item',
    });
    const choice = await save({ answers: [{ itemId: a0.items[0]!.id, choice: 5 }] });
    expect(choice.json<Err>().error.details[0]).toMatchObject({
      field: 'answers.0.choice',
      reason: 'unknown_choice',
    });
    const bad = await save({ answers: [{ itemId: a0.items[0]!.id, choice: -1 }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<Err>().error.details[0]!.field).toBe('answers.0.choice');
    const empty = await save({ answers: [] });
    expect(empty.statusCode).toBe(400);
    expect(empty.json<Err>().error.details[0]!.field).toBe('answers');

    // Submitting early names each question not answered yet.
    const early = await s.inject({ method: 'POST', url: `/api/training/self/sittings/${first.id}/submit` });
    expect(early.statusCode).toBe(422);
    expect(early.json<Err>().error.code).toBe('training.incomplete');
    expect(early.json<Err>().error.details).toHaveLength(30 - a0.items.length);
    expect(early.json<Err>().error.details[0]!.field).toMatch(/^answers\.digcompedu\.q\d\d$/);
  });

  it('gives a level per area with its explanation, suggests open programmes below their level, keeps history', async () => {
    const s = teachers[0]!;
    const sitting = await start(s);
    // Strong everywhere except assessment (area 4): all zeros there.
    await answerAll(s, sitting, (ai) => (ai === 3 ? 0 : 4));
    const res = await s.inject({
      method: 'POST',
      url: `/api/training/self/sittings/${sitting.id}/submit`,
      headers: { 'accept-language': 'en' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json<ResultOut>();
    expect(result.areas.map((a) => a.level.code)).toEqual(['C2', 'C2', 'C2', 'A1', 'C2', 'C2']);
    expect(result.areas[3]).toMatchObject({ score: 0, maxScore: 16 });
    expect(result.areas[3]!.level.description).toMatch(/ilk addımları/);
    expect(result.suggestions.map((p) => p.title)).toEqual(['Rəqəmsal qiymətləndirmə']);
    // Submitted once: again is refused; the next start is a new sitting.
    const twice = await s.inject({ method: 'POST', url: `/api/training/self/sittings/${sitting.id}/submit` });
    expect(twice.statusCode).toBe(409);
    const late = await s.inject({
      method: 'PUT',
      url: `/api/training/self/sittings/${sitting.id}/answers`,
      payload: { answers: [{ itemId: sitting.areas[0]!.items[0]!.id, choice: 0 }] },
    });
    expect(late.statusCode).toBe(409);
    const page = (await s.inject({ url: '/api/training/self' })).json<{
      current: ResultOut;
      open: null;
      history: { id: number; status: string; levels: unknown[] }[];
    }>();
    expect(page.current.sittingId).toBe(sitting.id);
    expect(page.open).toBeNull();
    expect(page.history[0]).toMatchObject({ id: sitting.id, status: 'submitted' });
    expect(page.history[0]!.levels).toHaveLength(6);
    expect(
      (await currentLevels(t.database.db, teacherIds[0]!)).find((l) => l.areaId === 'digcompedu.4')?.level,
    ).toBe(0);
    expect(await counts(schoolId)).toEqual(await expectedCounts(schoolId));
    const many = await currentLevelsOf(t.database.db, [teacherIds[0]!, teacherIds[1]!]);
    expect(many.get(teacherIds[0]!)).toHaveLength(6);
    expect(many.has(teacherIds[1]!)).toBe(false);
    const scale = await selfAssessmentScale(t.database.db, 'ru');
    expect(scale?.levels.map((l) => l.name)).toEqual([
      'Новичок',
      'Исследователь',
      'Интегратор',
      'Эксперт',
      'Лидер',
      'Первопроходец',
    ]);
    expect(scale?.areas[3]).toEqual({ id: 'digcompedu.4', name: 'Оценивание' });

    // A second sitting moves the school's counts from the old level to the new one.
    const next = await start(s);
    expect(next.id).not.toBe(sitting.id);
    await answerAll(s, next, () => 2);
    const second = await s.inject({ method: 'POST', url: `/api/training/self/sittings/${next.id}/submit` });
    expect(second.json<ResultOut>().areas.every((a) => a.level.code === 'B1')).toBe(true);
    expect(second.json<ResultOut>().suggestions).toHaveLength(1);
    expect(await counts(schoolId)).toEqual(await expectedCounts(schoolId));
    expect(await counts(schoolId)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `digcompedu.${n}:2=1`));
  });

  it('keeps the school’s counts right when teachers submit at the same moment', async () => {
    const sittings: SittingOut[] = [];
    for (const [i, s] of teachers.entries()) {
      const sitting = await start(s);
      await answerAll(s, sitting, (ai, qi) => (ai + qi + i) % 5);
      sittings.push(sitting);
    }
    // Four teachers at once, and the same sitting twice: exactly one of those two succeeds.
    const answers = await Promise.all([
      ...teachers.map((s, i) =>
        s.inject({ method: 'POST', url: `/api/training/self/sittings/${sittings[i]!.id}/submit` }),
      ),
      teachers[1]!.inject({ method: 'POST', url: `/api/training/self/sittings/${sittings[1]!.id}/submit` }),
    ]);
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses.slice(0, 4).filter((c) => c === 200).length + (statuses[4] === 200 ? 1 : 0)).toBe(4);
    expect(statuses.filter((c) => c === 409)).toHaveLength(1);
    const expected = await expectedCounts(schoolId);
    expect(await counts(schoolId)).toEqual(expected);
    const total = expected
      .filter((c) => c.startsWith('digcompedu.1:'))
      .reduce((s, c) => s + Number(c.split('=')[1]), 0);
    expect(total).toBe(4);
  });

  it('moves a teacher’s levels to the school they teach at now, and out of every count when they teach nowhere', async () => {
    const db = t.database.db;
    const admin = await createUserWithRole(db, 'admin');
    const session = await login(t.app, admin.username, admin.password);
    const moving = teacherIds[3]!;
    const total = async (institutionId: number) =>
      (await counts(institutionId))
        .filter((c) => c.startsWith('digcompedu.1:'))
        .reduce((n, c) => n + Number(c.split('=')[1]), 0);
    const grantAt = async (institutionId: number) =>
      (
        await rows<{ id: number }>(
          db,
          sql`select id from identity_role_grant where user_id = ${moving} and institution_id = ${institutionId}`,
        )
      )[0]!.id;
    const revoke = async (institutionId: number) => {
      const res = await session.inject({
        method: 'DELETE',
        url: `/api/users/${moving}/grants/${await grantAt(institutionId)}`,
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    expect(await total(schoolId)).toBe(4);
    // Given a second school: still counted where they were.
    const granted = await session.inject({
      method: 'POST',
      url: `/api/users/${moving}/grants`,
      payload: { role: 'teacher', areaId: null, institutionId: otherSchoolId },
    });
    expect(granted.statusCode, granted.body).toBe(200);
    expect([await total(schoolId), await total(otherSchoolId)]).toEqual([4, 0]);
    // Leaving the first school: the levels go with them.
    await revoke(schoolId);
    expect([await total(schoolId), await total(otherSchoolId)]).toEqual([3, 1]);
    expect(await counts(schoolId)).toEqual(await expectedCounts(schoolId));
    expect(await counts(otherSchoolId)).toEqual(await expectedCounts(otherSchoolId));
    // Teaching nowhere: in no school's counts; back at the first school, counted there again.
    await revoke(otherSchoolId);
    expect([await total(schoolId), await total(otherSchoolId)]).toEqual([3, 0]);
    const back = await session.inject({
      method: 'POST',
      url: `/api/users/${moving}/grants`,
      payload: { role: 'teacher', areaId: null, institutionId: schoolId },
    });
    expect(back.statusCode, back.body).toBe(200);
    expect([await total(schoolId), await total(otherSchoolId)]).toEqual([4, 0]);
    expect(await counts(schoolId)).toEqual(await expectedCounts(schoolId));
  });

  it('keeps a teacher’s answers from everyone else: colleagues, the director, the district', async () => {
    const mine = await start(teachers[2]!);
    for (const other of [teachers[3]!, director, otherDirector]) {
      for (const url of [
        `/api/training/self/sittings/${mine.id}`,
        `/api/training/self/sittings/${mine.id}/result`,
      ]) {
        expect((await other.inject({ url })).statusCode, url).toBe(404);
      }
      const write = await other.inject({
        method: 'PUT',
        url: `/api/training/self/sittings/${mine.id}/answers`,
        payload: { answers: [{ itemId: mine.areas[0]!.items[0]!.id, choice: 0 }] },
      });
      expect(write.statusCode).toBe(404);
      expect(
        (await other.inject({ method: 'POST', url: `/api/training/self/sittings/${mine.id}/submit` }))
          .statusCode,
      ).toBe(404);
    }
    for (const above of [regional, bureau]) {
      expect((await above.inject({ url: `/api/training/self/sittings/${mine.id}` })).statusCode).toBe(403);
    }
    // What the director and the district get holds levels and counts, never an answer.
    const staff = await director.inject({ url: `/api/training/schools/${schoolId}/staff` });
    expect(staff.statusCode).toBe(200);
    expect(staff.body).not.toMatch(/"answers"|"choice"/);
    const levels = await regional.inject({ url: `/api/training/schools/${schoolId}/levels` });
    expect(levels.statusCode).toBe(200);
    expect(levels.body).not.toMatch(/displayName|userId|"answers"/);
  });

  it('lets the director open a round and see the staff’s levels; those above get counts only', async () => {
    const today = new Date(Date.now() + 4 * 3_600_000).toISOString().slice(0, 10);
    const url = `/api/training/schools/${schoolId}/rounds`;
    const round = await director.inject({
      method: 'POST',
      url,
      payload: { closesOn: '2099-01-31', message: 'Zəhmət olmasa doldurun' },
    });
    expect(round.statusCode, round.body).toBe(200);
    expect(round.json()).toMatchObject({ opensOn: today, closesOn: '2099-01-31' });
    const past = await director.inject({ method: 'POST', url, payload: { closesOn: '2020-01-31' } });
    expect(past.statusCode).toBe(422);
    expect(past.json<Err>().error.details[0]).toMatchObject({ field: 'closesOn', reason: 'in_past' });
    const order = await director.inject({
      method: 'POST',
      url,
      payload: { opensOn: '2099-02-01', closesOn: '2099-01-31' },
    });
    expect(order.json<Err>().error.details[0]).toMatchObject({ field: 'closesOn', reason: 'before_opening' });
    const badDay = await director.inject({ method: 'POST', url, payload: { closesOn: '2099-02-30' } });
    expect(badDay.statusCode).toBe(400);
    expect(badDay.json<Err>().error.details[0]!.field).toBe('closesOn');
    expect(
      (await otherDirector.inject({ method: 'POST', url, payload: { closesOn: '2099-01-31' } })).statusCode,
    ).toBe(403);
    expect(
      (await teachers[0]!.inject({ method: 'POST', url, payload: { closesOn: '2099-01-31' } })).statusCode,
    ).toBe(403);

    // Teachers see the round on their page; a sitting started now answers it.
    const page = (await teachers[3]!.inject({ url: '/api/training/self' })).json<{
      rounds: { message: string }[];
    }>();
    expect(page.rounds[0]!.message).toBe('Zəhmət olmasa doldurun');

    const staff = (await director.inject({ url: `/api/training/schools/${schoolId}/staff` })).json<{
      areas: unknown[];
      staff: { userId: number; taken: boolean; inProgress: boolean; levels: (number | null)[] }[];
    }>();
    expect(staff.areas).toHaveLength(6);
    const row = (id: number) => staff.staff.find((p) => p.userId === id)!;
    expect(row(teacherIds[0]!).levels).toHaveLength(6);
    expect(row(teacherIds[0]!).levels.every((l) => l !== null)).toBe(true);
    // Submitted before the round opened today: counted as taken (the same day).
    expect(row(teacherIds[0]!).taken).toBe(true);
    expect(row(teacherIds[2]!).inProgress).toBe(true);
    expect(staff.staff.some((p) => p.levels.every((l) => l === null) && !p.taken)).toBe(true);
    expect((await otherDirector.inject({ url: `/api/training/schools/${schoolId}/staff` })).statusCode).toBe(
      403,
    );
    expect((await regional.inject({ url: `/api/training/schools/${schoolId}/staff` })).statusCode).toBe(403);
    expect((await teachers[0]!.inject({ url: `/api/training/schools/${schoolId}/staff` })).statusCode).toBe(
      403,
    );

    const levels = await regional.inject({ url: `/api/training/schools/${schoolId}/levels` });
    const body = levels.json<{ staff: number; assessed: number; areas: { counts: number[] }[] }>();
    expect(body.staff).toBe(5);
    expect(body.assessed).toBe(4);
    expect(body.areas[0]!.counts.reduce((s, n) => s + n, 0)).toBe(4);
    expect((await bureau.inject({ url: `/api/training/schools/${schoolId}/levels` })).statusCode).toBe(200);
    expect((await director.inject({ url: `/api/training/schools/${schoolId}/levels` })).statusCode).toBe(200);
    expect((await otherRegional.inject({ url: `/api/training/schools/${schoolId}/levels` })).statusCode).toBe(
      403,
    );
    expect((await otherDirector.inject({ url: `/api/training/schools/${schoolId}/levels` })).statusCode).toBe(
      403,
    );
  });
});
