import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, saveAsRead, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { academicYears, levels } from '@/modules/institutions/institutions.tables';
import { auditLog } from '@/modules/identity/identity.tables';
import { connectivityStatus } from '@/modules/infrastructure/infrastructure.service';

type App = Awaited<ReturnType<typeof createTestApp>>;

interface RecordBody {
  state: string;
  version: number;
  saved: boolean;
  teachers: number | null;
  pupilsInternet: boolean | null;
  reviewNote: string | null;
  hasInventory: boolean;
  deviceCounts: { kind: string; purpose: string; total: number; working: number }[];
  countedDevices: { kind: string; purpose: string; total: number; working: number }[];
  participations: { projectId: number; verified: boolean }[];
  warnings: { field: string; code: string }[];
}

const record = (overrides: Record<string, unknown> = {}) => ({
  teachers: 40,
  teachersIctTrained: 25,
  classrooms: 18,
  hasComputerLab: true,
  electricity: true,
  electricitySource: 'grid',
  electricityHours: 24,
  pupilsInternet: true,
  students: [
    { level: 'primary', sex: 'female', shift: 1, students: 100 },
    { level: 'primary', sex: 'male', shift: 1, students: 110 },
    { level: 'primary', sex: 'female', shift: 2, students: 90 },
  ],
  links: [
    {
      purpose: 'teaching',
      type: 'fibre',
      educationNetwork: true,
      provider: 'AzEduNet',
      downloadMbps: 50,
      uploadMbps: 20,
    },
  ],
  deviceCounts: [{ kind: 'desktop', purpose: 'teaching', total: 12, working: 10 }],
  participations: [],
  ...overrides,
});

const laptop = (assetTag: string) => ({
  assetTag,
  serial: 'SN-1',
  kind: 'laptop',
  model: 'ThinkPad',
  status: 'in_use',
  condition: 'working',
  purpose: 'teaching',
  fundingProgramme: 'Computer distribution 2026',
  acquiredOn: '2026-09-01',
  endOfLifeOn: '2031-09-01',
  lastAuditOn: null,
  nextAuditOn: null,
});

describe('the school ICT registry', () => {
  let t: App;
  let director: Session;
  let regional: Session;
  let bureau: Session;
  let schoolId: number;
  let otherSchoolId: number;
  let farSchoolId: number;
  let farAreaId: number;
  let lastYear: number;
  let thisYear: number;
  const url = (year: number, id = schoolId) => `/api/institutions/${id}/registry/${year}`;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    const areas = await createAreas(db);
    const school = await createInstitution(db, areas.district, { studentCount: 300, shifts: 2 });
    schoolId = school.id;
    otherSchoolId = (await createInstitution(db, areas.district)).id;
    const far = await createAreas(db);
    farAreaId = far.region;
    farSchoolId = (await createInstitution(db, far.district)).id;
    await db.insert(levels).values([
      { code: 'primary', position: 1, nameAz: 'İbtidai', nameRu: 'Начальное', nameEn: 'Primary', isced: 1 },
      {
        code: 'basic',
        position: 2,
        nameAz: 'Ümumi orta',
        nameRu: 'Общее среднее',
        nameEn: 'Basic',
        isced: 2,
      },
    ]);
    const years = await db
      .insert(academicYears)
      .values([
        { code: '2025-2026', startsOn: '2025-09-15', endsOn: '2026-06-15', isCurrent: false },
        { code: '2026-2027', startsOn: '2026-09-15', endsOn: '2027-06-15', isCurrent: true },
      ])
      .returning();
    lastYear = years[0]!.id;
    thisYear = years[1]!.id;
    const d = await createUserWithRole(db, 'director', { institutionId: schoolId });
    const r = await createUserWithRole(db, 'regional', { areaId: areas.region });
    const b = await createUserWithRole(db, 'bureau');
    director = await login(t.app, d.username, d.password);
    regional = await login(t.app, r.username, r.password);
    bureau = await login(t.app, b.username, b.password);
  });
  afterAll(async () => t?.close());

  it('keeps each year: a new year starts from last year, and saving it leaves last year as it was', async () => {
    const saved = await saveAsRead(director, { url: url(lastYear), payload: record() });
    expect(saved.statusCode).toBe(200);
    expect(saved.json<RecordBody>()).toMatchObject({ saved: true, state: 'submitted', teachers: 40 });

    const fresh = (await director.inject({ url: url(thisYear) })).json<RecordBody>();
    expect(fresh).toMatchObject({ saved: false, state: 'draft', teachers: 40 });

    await saveAsRead(director, { url: url(thisYear), payload: record({ teachers: 44 }) });
    expect((await director.inject({ url: url(thisYear) })).json<RecordBody>().teachers).toBe(44);
    expect((await director.inject({ url: url(lastYear) })).json<RecordBody>().teachers).toBe(40);
  });

  it('saves the school’s Giga facts of the year, copies them to a new year’s draft, and keeps them when left out', async () => {
    const facts = {
      water: true,
      latrines: 6,
      studentsGirls: 150,
      studentsBoys: 148,
      studentsOther: 2,
      refugeePupils: true,
      refugeeStudents: 12,
      admPersonnel: 5,
      computersDesired: 30,
    };
    const db = t.database.db;
    const [year] = await db
      .insert(academicYears)
      .values({ code: '2031-2032', startsOn: '2031-09-15', endsOn: '2032-06-15', isCurrent: false })
      .returning();
    const [next] = await db
      .insert(academicYears)
      .values({ code: '2032-2033', startsOn: '2032-09-15', endsOn: '2033-06-15', isCurrent: false })
      .returning();
    const other = await createUserWithRole(db, 'director', { institutionId: otherSchoolId });
    const head = await login(t.app, other.username, other.password);
    const at = (y: number) => url(y, otherSchoolId);
    const students = [{ level: 'primary', sex: 'female', shift: 1, students: 300 }];
    const saved = await saveAsRead(head, { url: at(year!.id), payload: record({ students, ...facts }) });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject(facts);
    expect((await head.inject({ url: at(year!.id) })).json()).toMatchObject(facts);

    // The next year's draft starts from them, as from the rest of last year's record.
    const fresh = (await head.inject({ url: at(next!.id) })).json<RecordBody>();
    expect(fresh).toMatchObject({ saved: false, ...facts });

    // A save that leaves them out keeps them; one that sends them changes them.
    const { water: _, latrines: __, ...some } = facts;
    const kept = await saveAsRead(head, {
      url: at(year!.id),
      payload: record({
        students,
        ...some,
        studentsOther: null,
        refugeePupils: false,
        refugeeStudents: 0,
      }),
    });
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({
      water: true,
      latrines: 6,
      studentsOther: null,
      refugeePupils: false,
      refugeeStudents: 0,
    });

    // A count that is not a whole number at or above 0 is refused, naming its field.
    const bad = await saveAsRead(head, { url: at(year!.id), payload: record({ students, latrines: -1 }) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { field: string }[] } }>().error.details[0]!.field).toBe('latrines');

    // Refugee pupils counted at a school said to have none: refused in the caller’s language.
    await head.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'ru' } });
    const refused = await saveAsRead(head, {
      url: at(year!.id),
      payload: record({ students, refugeePupils: false, refugeeStudents: 3 }),
    });
    expect(refused.statusCode).toBe(422);
    expect(
      refused.json<{ error: { details: { field: string; message: string }[] } }>().error.details,
    ).toEqual([
      {
        field: 'refugeeStudents',
        reason: 'no_refugees',
        message: 'Число учеников-беженцев: должно быть пустым или 0, если в школе нет учеников-беженцев',
      },
    ]);
    expect((await head.inject({ url: at(year!.id) })).json()).toMatchObject({ refugeeStudents: 0 });
  });

  it('refuses a record that breaks a rule, naming each field in the caller’s language, and saves nothing', async () => {
    // The director's own setting chooses the language of the answer.
    await director.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'ru' } });
    const res = await saveAsRead(director, {
      url: url(thisYear),
      payload: record({
        teachers: 10,
        teachersIctTrained: 12,
        electricity: false,
        electricitySource: 'grid',
        electricityHours: 0,
        students: [
          { level: 'primary', sex: 'male', shift: 1, students: 5 },
          { level: 'primary', sex: 'male', shift: 1, students: 5 },
          { level: 'college', sex: 'male', shift: 3, students: 5 },
        ],
        deviceCounts: [{ kind: 'laptop', purpose: 'teaching', total: 2, working: 3 }],
        participations: [{ projectId: 999_999, evidence: null }],
      }),
    });
    expect(res.statusCode).toBe(422);
    const { error } = res.json<{
      error: { message: string; details: { field: string; message: string }[] };
    }>();
    expect(error.message).toBe('В записи есть ошибки; ничего не сохранено.');
    expect(error.details.map((d) => d.field).sort()).toEqual(
      [
        'deviceCounts.0.working',
        'electricitySource',
        'participations.0.projectId',
        'students.1',
        'students.2.level',
        'students.2.shift',
        'teachersIctTrained',
      ].sort(),
    );
    // Each message names its field in words, never by its code.
    expect(error.details.find((d) => d.field === 'teachersIctTrained')!.message).toBe(
      'Учителя, обученные ИКТ: не может быть больше числа учителей (10)',
    );
    expect(error.details.find((d) => d.field === 'deviceCounts.0.working')!.message).toMatch(
      /^Устройства, строка 1: /,
    );
    expect((await director.inject({ url: url(thisYear) })).json<RecordBody>().teachers).toBe(44);
    await director.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'az' } });
  });

  it('refuses to send an empty record for review, naming every field it lacks in the caller’s language', async () => {
    const empty = {
      teachers: null,
      teachersIctTrained: null,
      classrooms: null,
      hasComputerLab: null,
      electricity: true,
      electricitySource: null,
      electricityHours: null,
      students: [],
      links: [],
      deviceCounts: [],
      participations: [],
    };
    const res = await saveAsRead(director, { url: url(thisYear), payload: empty });
    expect(res.statusCode).toBe(422);
    const { error } = res.json<{
      error: { code: string; details: { field: string; reason: string; message: string }[] };
    }>();
    expect(error.code).toBe('registry_invalid');
    // In the form's order, so the first is the first wrong field the director meets.
    expect(error.details.map((d) => d.field)).toEqual([
      'teachers',
      'teachersIctTrained',
      'classrooms',
      'hasComputerLab',
      'electricitySource',
      'electricityHours',
      'students',
    ]);
    expect(new Set(error.details.map((d) => d.reason))).toEqual(new Set(['required']));
    expect(error.details[0]!.message).toBe('Müəllimlər: doldurulmalıdır');
    const trained = await saveAsRead(director, {
      url: url(thisYear),
      payload: { ...empty, electricity: null, teachers: 25, teachersIctTrained: 30 },
    });
    expect(trained.statusCode).toBe(422);
    const details = trained.json<{ error: { details: { field: string; message: string }[] } }>().error
      .details;
    expect(details.map((d) => d.field)).toEqual([
      'teachersIctTrained',
      'classrooms',
      'hasComputerLab',
      'electricity',
      'students',
    ]);
    expect(details[0]!.message).toBe(
      'İKT üzrə hazırlıqlı müəllimlər: müəllimlərin sayından (25) çox ola bilməz',
    );
    // Nothing was saved: the record is as it was.
    expect((await director.inject({ url: url(thisYear) })).json<RecordBody>().teachers).toBe(44);
  });

  it('warns of what does not add up, without refusing it', async () => {
    const res = await saveAsRead(director, {
      url: url(thisYear),
      payload: record({ deviceCounts: [] }),
    });
    const codes = res.json<RecordBody>().warnings.map((w) => `${w.field}:${w.code}`);
    // 100 + 110 + 90 = 300 students, as the institution has: no warning for the sum.
    expect(codes.sort()).toEqual(['hasComputerLab:lab_without_computers']);
    // A school with internet that does not say whether pupils use it is asked to (SDG 4.a.1 b needs it);
    // computers shared with the office are computers for teaching: the lab has them.
    const unanswered = await saveAsRead(director, {
      url: url(thisYear),
      payload: record({
        pupilsInternet: null,
        deviceCounts: [{ kind: 'laptop', purpose: 'both', total: 3, working: 3 }],
      }),
    });
    expect(unanswered.statusCode, unanswered.body).toBe(200);
    const body = unanswered.json<RecordBody>();
    expect(body.warnings.map((w) => `${w.field}:${w.code}`)).toEqual(['pupilsInternet:missing']);
    expect(body.pupilsInternet).toBeNull();
    expect(body.deviceCounts).toEqual([{ kind: 'laptop', purpose: 'both', total: 3, working: 3 }]);
  });

  it('goes to the region for review: verified, or sent back with a note; a later change needs verifying again', async () => {
    await saveAsRead(director, { url: url(thisYear), payload: record() });
    const back = await regional.inject({
      method: 'POST',
      url: `${url(thisYear)}/review`,
      payload: { decision: 'return', note: 'Kompüterlərin sayını yoxlayın' },
    });
    expect(back.json<RecordBody>()).toMatchObject({
      state: 'draft',
      reviewNote: 'Kompüterlərin sayını yoxlayın',
    });
    const again = await regional.inject({
      method: 'POST',
      url: `${url(thisYear)}/review`,
      payload: { decision: 'verify' },
    });
    expect(again.statusCode).toBe(409);

    await saveAsRead(director, { url: url(thisYear), payload: record() });
    const verified = await regional.inject({
      method: 'POST',
      url: `${url(thisYear)}/review`,
      payload: { decision: 'verify' },
    });
    expect(verified.json<RecordBody>().state).toBe('verified');
    await saveAsRead(director, { url: url(thisYear), payload: record({ classrooms: 19 }) });
    expect((await director.inject({ url: url(thisYear) })).json<RecordBody>().state).toBe('submitted');

    const entries = await t.database.db
      .select()
      .from(auditLog)
      .where(
        sql`${auditLog.entity} = 'registry_school_year' and ${auditLog.entityId} = ${`${schoolId}/${thisYear}`}`,
      );
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['update', 'return', 'verify']));
    const last = entries.at(-1)!;
    expect((last.before as { classrooms: number }).classrooms).toBe(18);
    expect((last.after as { classrooms: number }).classrooms).toBe(19);
  });

  it('keeps a draft unsent, and sends it for review only when it keeps every rule', async () => {
    const [year] = await t.database.db
      .insert(academicYears)
      .values({ code: '2027-2028', startsOn: '2027-09-15', endsOn: '2028-06-15', isCurrent: false })
      .returning();
    const at = url(year!.id);
    type Refusal = { error: { code: string; details: { field: string; reason: string }[] } };
    // Sends the draft at the version it read.
    const submitAsRead = async () => {
      const { version } = (await director.inject({ url: at })).json<RecordBody>();
      return director.inject({ method: 'POST', url: `${at}/submit`, payload: { version } });
    };
    const empty = record({
      teachers: null,
      teachersIctTrained: null,
      classrooms: null,
      hasComputerLab: null,
      electricity: null,
      electricitySource: null,
      electricityHours: null,
      students: [],
      links: [],
      deviceCounts: [],
      participations: [],
    });
    // Nothing saved yet: nothing to send.
    const nothing = await submitAsRead();
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json<Refusal>().error.code).toBe('registry_not_saved');
    // A draft may leave fields empty; it is kept, not sent.
    const draft = await saveAsRead(director, { url: `${at}/draft`, readUrl: at, payload: empty });
    expect(draft.statusCode, draft.body).toBe(200);
    expect(draft.json<RecordBody>()).toMatchObject({ saved: true, state: 'draft', teachers: null });
    // …but never breaks a rule between the fields it fills in.
    const wrong = await saveAsRead(director, {
      url: `${at}/draft`,
      readUrl: at,
      payload: { ...empty, teachers: 25, teachersIctTrained: 30 },
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json<Refusal>().error.details.map((d) => [d.field, d.reason])).toEqual([
      ['teachersIctTrained', 'trained_exceeds_teachers'],
    ]);
    // The region cannot review a draft.
    const early = await regional.inject({
      method: 'POST',
      url: `${at}/review`,
      payload: { decision: 'verify' },
    });
    expect(early.statusCode).toBe(409);
    // Sending the empty draft is refused, every field it lacks named; it stays a draft.
    const refused = await submitAsRead();
    expect(refused.statusCode).toBe(422);
    const error = refused.json<Refusal>().error;
    expect(error.code).toBe('registry_invalid');
    expect(error.details.map((d) => d.field)).toEqual([
      'teachers',
      'teachersIctTrained',
      'classrooms',
      'hasComputerLab',
      'electricity',
      'students',
    ]);
    expect((await director.inject({ url: at })).json<RecordBody>().state).toBe('draft');
    // Filled in, saved as a draft again, then sent.
    await saveAsRead(director, { url: `${at}/draft`, readUrl: at, payload: record() });
    expect((await director.inject({ url: at })).json<RecordBody>().state).toBe('draft');
    const sent = await submitAsRead();
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json<RecordBody>()).toMatchObject({ state: 'submitted', teachers: 40 });
    // Sending again, at the version sent, changes nothing.
    const twice = await director.inject({
      method: 'POST',
      url: `${at}/submit`,
      payload: { version: sent.json<RecordBody>().version },
    });
    expect(twice.statusCode, twice.body).toBe(200);
    expect(twice.json<RecordBody>()).toMatchObject({
      state: 'submitted',
      version: sent.json<RecordBody>().version,
    });
    // Sent back with a note: the note stays on the draft the director keeps working on, until it is sent.
    await regional.inject({
      method: 'POST',
      url: `${at}/review`,
      payload: { decision: 'return', note: 'Sinif otaqlarını yoxlayın' },
    });
    const kept = await saveAsRead(director, {
      url: `${at}/draft`,
      readUrl: at,
      payload: record({ classrooms: 20 }),
    });
    expect(kept.json<RecordBody>()).toMatchObject({
      state: 'draft',
      reviewNote: 'Sinif otaqlarını yoxlayın',
    });
    const resent = await submitAsRead();
    expect(resent.json<RecordBody>()).toMatchObject({ state: 'submitted', reviewNote: null, classrooms: 20 });
    // A verified record changed as a draft is out of review until sent and verified again.
    await regional.inject({ method: 'POST', url: `${at}/review`, payload: { decision: 'verify' } });
    const changed = await saveAsRead(director, { url: `${at}/draft`, readUrl: at, payload: record() });
    expect(changed.json<RecordBody>()).toMatchObject({ state: 'draft', verifiedAt: null });
    const entries = await t.database.db
      .select()
      .from(auditLog)
      .where(
        sql`${auditLog.entity} = 'registry_school_year' and ${auditLog.entityId} = ${`${schoolId}/${year!.id}`}`,
      );
    expect(entries.map((e) => e.action)).toEqual([
      'save',
      'save',
      'submit',
      'return',
      'save',
      'submit',
      'verify',
      'save',
    ]);
  });

  it('sends a draft only as it was read: a draft changed since is refused with the record as it is now', async () => {
    const [year] = await t.database.db
      .insert(academicYears)
      .values({ code: '2028-2029', startsOn: '2028-09-15', endsOn: '2029-06-15', isCurrent: false })
      .returning();
    const at = url(year!.id);
    const submit = (version: unknown) =>
      director.inject({ method: 'POST', url: `${at}/submit`, payload: { version } });
    await saveAsRead(director, { url: `${at}/draft`, readUrl: at, payload: record() });
    const read = (await director.inject({ url: at })).json<RecordBody>();
    // Someone else changes the draft after it was read (another tab, another editor of the school)…
    const theirs = await saveAsRead(director, {
      url: `${at}/draft`,
      readUrl: at,
      payload: record({ classrooms: 20 }),
    });
    expect(theirs.statusCode, theirs.body).toBe(200);
    // …so sending what was read is refused, with the record as it is now; nothing is sent.
    const stale = await submit(read.version);
    expect(stale.statusCode, stale.body).toBe(409);
    const error = stale.json<{
      error: {
        code: string;
        details: { yours: { version: number }; current: RecordBody & { classrooms: number } };
      };
    }>().error;
    expect(error.code).toBe('stale_version');
    expect(error.details.yours.version).toBe(read.version);
    expect(error.details.current).toMatchObject({
      version: read.version + 1,
      classrooms: 20,
      state: 'draft',
    });
    expect((await director.inject({ url: at })).json<RecordBody>().state).toBe('draft');
    // At the current version it is sent; the old version stays refused, the record stays sent.
    const sent = await submit(error.details.current.version);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json<RecordBody>()).toMatchObject({ state: 'submitted', classrooms: 20 });
    expect((await submit(read.version)).statusCode).toBe(409);
    // No version, or not a version: a validation refusal, never a crash.
    for (const body of [undefined, 'x', -1]) expect((await submit(body)).statusCode).toBe(400);
    expect((await director.inject({ method: 'POST', url: `${at}/submit` })).statusCode).toBe(400);
  });

  it('lists the region’s schools with the state of their record, and only the region’s', async () => {
    const list = await regional.inject({ url: `/api/registry/years/${thisYear}/schools` });
    expect(list.statusCode).toBe(200);
    const body = list.json<{ total: number; items: { institutionId: number; state: string | null }[] }>();
    expect(body.items.find((i) => i.institutionId === schoolId)?.state).toBe('submitted');
    expect(body.items.find((i) => i.institutionId === otherSchoolId)?.state).toBeNull();
    expect(body.items.find((i) => i.institutionId === farSchoolId)).toBeUndefined();
    const pending = (
      await regional.inject({ url: `/api/registry/years/${thisYear}/schools?state=submitted` })
    ).json<{ items: { institutionId: number }[] }>();
    expect(pending.items.map((i) => i.institutionId)).toEqual([schoolId]);
    const elsewhere = await regional.inject({
      url: `/api/registry/years/${thisYear}/schools?areaId=${farAreaId}`,
    });
    expect(elsewhere.statusCode).toBe(403);
    const national = (await bureau.inject({ url: `/api/registry/years/${thisYear}/schools` })).json<{
      items: { institutionId: number }[];
    }>();
    expect(national.items.map((i) => i.institutionId)).toContain(farSchoolId);
  });

  it('verifies project participation with the record', async () => {
    const project = await bureau.inject({
      method: 'POST',
      url: '/api/registry/projects',
      payload: { code: 'steam', nameAz: 'STEAM', nameRu: 'STEAM', nameEn: 'STEAM', active: true },
    });
    const projectId = project.json<{ id: number }>().id;
    await saveAsRead(director, {
      url: url(thisYear),
      payload: record({ participations: [{ projectId, evidence: 'https://steam.edu.az/schools/1' }] }),
    });
    await regional.inject({
      method: 'POST',
      url: `${url(thisYear)}/review`,
      payload: { decision: 'verify' },
    });
    const after = (await director.inject({ url: url(thisYear) })).json<RecordBody>();
    expect(after.participations).toEqual([
      { projectId, evidence: 'https://steam.edu.az/schools/1', verified: true },
    ]);
  });

  it('keeps device items with an append-only history, and the year’s counts follow the items', async () => {
    const created = await director.inject({
      method: 'POST',
      url: `/api/institutions/${schoolId}/devices`,
      payload: laptop('AZ-2026-0001'),
    });
    expect(created.statusCode).toBe(201);
    const deviceId = created.json<{ id: number }>().id;
    await director.inject({
      method: 'POST',
      url: `/api/institutions/${schoolId}/devices`,
      payload: laptop('AZ-2026-0002'),
    });
    const dup = await director.inject({
      method: 'POST',
      url: `/api/institutions/${schoolId}/devices`,
      payload: laptop('AZ-2026-0002'),
    });
    expect(dup.statusCode).toBe(409);

    let year = (await director.inject({ url: url(thisYear) })).json<RecordBody>();
    expect(year.hasInventory).toBe(true);
    // The reported desktops stay, counted; the two working laptops are added as items.
    const desktops = { kind: 'desktop', purpose: 'teaching', total: 12, working: 10 };
    expect(year.deviceCounts).toEqual([
      desktops,
      { kind: 'laptop', purpose: 'teaching', total: 2, working: 2 },
    ]);
    expect(year.countedDevices).toEqual([desktops]);

    await director.inject({
      method: 'PATCH',
      url: `/api/devices/${deviceId}`,
      payload: { event: 'repaired', condition: 'needs_repair', note: 'Ekran dəyişdirilməlidir' },
    });
    year = (await director.inject({ url: url(thisYear) })).json<RecordBody>();
    expect(year.deviceCounts).toEqual([
      desktops,
      { kind: 'laptop', purpose: 'teaching', total: 2, working: 1 },
    ]);

    const moved = await bureau.inject({
      method: 'POST',
      url: `/api/devices/${deviceId}/move`,
      payload: { toInstitutionId: otherSchoolId, note: 'Lazım olan məktəbə' },
    });
    expect(moved.statusCode).toBe(200);
    year = (await director.inject({ url: url(thisYear) })).json<RecordBody>();
    expect(year.deviceCounts).toEqual([
      desktops,
      { kind: 'laptop', purpose: 'teaching', total: 1, working: 1 },
    ]);
    // The school it went to has not saved this year's record: its counts are still its items' (one to repair).
    const there = (await bureau.inject({ url: url(thisYear, otherSchoolId) })).json<RecordBody>();
    expect(there).toMatchObject({ saved: false, hasInventory: true, countedDevices: [] });
    expect(there.deviceCounts).toEqual([{ kind: 'laptop', purpose: 'teaching', total: 1, working: 0 }]);
    // The director no longer sees the device that left the school.
    expect((await director.inject({ url: `/api/devices/${deviceId}/history` })).statusCode).toBe(403);

    const history = (await bureau.inject({ url: `/api/devices/${deviceId}/history` })).json<
      { kind: string; institutionId: number; fromInstitutionId: number | null }[]
    >();
    expect(history.map((h) => h.kind)).toEqual(['delivered', 'repaired', 'moved']);
    expect(history[2]).toMatchObject({ institutionId: otherSchoolId, fromInstitutionId: schoolId });

    await expect(
      t.database.db.execute(sql`update infrastructure_device_event set note = 'x'`),
    ).rejects.toThrow();
    await expect(t.database.db.execute(sql`delete from infrastructure_device_event`)).rejects.toThrow();

    const disposed = await bureau.inject({
      method: 'PATCH',
      url: `/api/devices/${deviceId}`,
      payload: { event: 'disposed' },
    });
    expect(disposed.json<{ status: string }>().status).toBe('disposed');
    const again = await bureau.inject({
      method: 'PATCH',
      url: `/api/devices/${deviceId}`,
      payload: { event: 'repaired' },
    });
    expect(again.statusCode).toBe(409);
  });

  describe('a school that counts its devices', () => {
    const desktops = (total: number, working = total) => ({
      kind: 'desktop',
      purpose: 'teaching',
      total,
      working,
    });
    const laptops = (total: number, working = total) => ({
      kind: 'laptop',
      purpose: 'teaching',
      total,
      working,
    });
    let countingId: number;
    let countingArea: number;
    let counting: Session;
    const learnersPerComputer = async () =>
      (await bureau.inject({ url: `/api/monitoring/indicators?by=none&areaId=${countingArea}` })).json<{
        total: { indicators: Record<string, { value: number | null } | undefined> };
      }>().total.indicators.learnersPerComputer?.value;

    beforeAll(async () => {
      const db = t.database.db;
      const areas = await createAreas(db);
      countingArea = areas.district;
      countingId = (await createInstitution(db, areas.district, { studentCount: 300, shifts: 2 })).id;
      const d = await createUserWithRole(db, 'director', { institutionId: countingId });
      counting = await login(t.app, d.username, d.password);
      const saved = await saveAsRead(counting, {
        url: url(thisYear, countingId),
        payload: record({ deviceCounts: [desktops(40)] }),
      });
      expect(saved.json<RecordBody>()).toMatchObject({ hasInventory: false, deviceCounts: [desktops(40)] });
    });

    it('keeps its 40 counted desktops when 10 laptops are delivered as items: its ratio gets better', async () => {
      // 300 learners, 40 computers.
      const before = await learnersPerComputer();
      expect(before).toBe(7.5);
      for (let n = 1; n <= 10; n++) {
        const res = await bureau.inject({
          method: 'POST',
          url: `/api/institutions/${countingId}/devices`,
          payload: laptop(`AZ-CNT-${n}`),
        });
        expect(res.statusCode).toBe(201);
      }
      const year = (await counting.inject({ url: url(thisYear, countingId) })).json<RecordBody>();
      expect(year.hasInventory).toBe(true);
      expect(year.deviceCounts).toEqual([desktops(40), laptops(10)]);
      expect(year.countedDevices).toEqual([desktops(40)]);
      const after = await learnersPerComputer();
      expect(after).toBe(6);
      expect(after!).toBeLessThan(before!);
    });

    it('keeps the counted desktops when a laptop item is disposed', async () => {
      const list = (await counting.inject({ url: `/api/institutions/${countingId}/devices` })).json<
        { id: number; assetTag: string }[]
      >();
      const one = list.find((d) => d.assetTag === 'AZ-CNT-1')!;
      const res = await bureau.inject({
        method: 'PATCH',
        url: `/api/devices/${one.id}`,
        payload: { event: 'disposed', note: 'Sınıb' },
      });
      expect(res.statusCode).toBe(200);
      const year = (await counting.inject({ url: url(thisYear, countingId) })).json<RecordBody>();
      expect(year.deviceCounts).toEqual([desktops(40), laptops(9)]);
    });

    it('takes the record’s counts as the devices not in the item list, and adds the items to them', async () => {
      // The director lists a desktop as an item: the counted desktops go from 40 to 39, the total stays 40.
      await counting.inject({
        method: 'POST',
        url: `/api/institutions/${countingId}/devices`,
        payload: { ...laptop('AZ-CNT-DESK'), kind: 'desktop', condition: 'needs_repair' },
      });
      let year = (await counting.inject({ url: url(thisYear, countingId) })).json<RecordBody>();
      expect(year.deviceCounts).toEqual([desktops(41, 40), laptops(9)]);
      const saved = await saveAsRead(counting, {
        url: url(thisYear, countingId),
        payload: record({
          deviceCounts: [desktops(35, 30), { kind: 'projector', purpose: 'teaching', total: 2, working: 2 }],
        }),
      });
      expect(saved.statusCode).toBe(200);
      year = saved.json<RecordBody>();
      // 1 desktop item (not working) + 35 counted (30 working); 9 laptop items, none counted; 2 counted projectors.
      expect(year.deviceCounts).toEqual([
        desktops(36, 30),
        laptops(9),
        { kind: 'projector', purpose: 'teaching', total: 2, working: 2 },
      ]);
      expect(year.countedDevices).toEqual([
        desktops(35, 30),
        { kind: 'projector', purpose: 'teaching', total: 2, working: 2 },
      ]);
      // The rules hold for the counted rows.
      const bad = await saveAsRead(counting, {
        url: url(thisYear, countingId),
        payload: record({ deviceCounts: [desktops(3, 4)] }),
      });
      expect(bad.statusCode).toBe(422);
      expect(
        bad.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field),
      ).toEqual(['deviceCounts.0.working']);
    });

    it('keeps the counts saved before items were counted apart (migration device_counted) at a first item', async () => {
      const db = t.database.db;
      const school = (await createInstitution(db, countingArea, { studentCount: 300, shifts: 2 })).id;
      await saveAsRead(bureau, {
        url: url(thisYear, school),
        payload: record({ deviceCounts: [desktops(40, 38)] }),
      });
      // As the registry kept the row before: no counted part.
      await db.execute(
        sql`update infrastructure_device_count set untracked = 0, untracked_working = 0 where institution_id = ${school}`,
      );
      const dir = join(process.cwd(), 'migrations');
      const file = readdirSync(dir).find((f) => f.endsWith('_device_counted.sql'))!;
      const update = readFileSync(join(dir, file), 'utf8')
        .split('--> statement-breakpoint')
        .find((part) => part.includes('UPDATE'))!;
      await db.execute(sql.raw(update));
      await bureau.inject({
        method: 'POST',
        url: `/api/institutions/${school}/devices`,
        payload: laptop('AZ-CNT-OLD'),
      });
      const year = (await bureau.inject({ url: url(thisYear, school) })).json<RecordBody>();
      expect(year.deviceCounts).toEqual([desktops(40, 38), laptops(1)]);
      expect(year.countedDevices).toEqual([desktops(40, 38)]);
    });
  });

  it('rolls measurements up by week and rates the newest week against the national benchmark', async () => {
    for (const downloadMbps of [10, 30, 40]) {
      const res = await director.inject({
        method: 'POST',
        url: `/api/institutions/${schoolId}/measurements`,
        payload: { downloadMbps, uploadMbps: 5, latencyMs: 40 },
      });
      expect(res.statusCode).toBe(201);
    }
    let c = (await director.inject({ url: `/api/institutions/${schoolId}/connectivity` })).json<{
      status: string;
      benchmarkMbps: number;
      weeks: { measurements: number; downloadMbps: number; status: string }[];
    }>();
    // The median of 10, 30 and 40 is 30: at least the 20 Mbit/s benchmark.
    expect(c.benchmarkMbps).toBe(20);
    expect(c.weeks[0]).toMatchObject({ measurements: 3, downloadMbps: 30, status: 'good' });
    expect(c.status).toBe('good');

    const set = await saveAsRead(bureau, { url: '/api/registry/settings', payload: { benchmarkMbps: 50 } });
    expect(set.statusCode, set.body).toBe(200);
    c = (await director.inject({ url: `/api/institutions/${schoolId}/connectivity` })).json();
    expect(c.status).toBe('moderate');
    const none = (await bureau.inject({ url: `/api/institutions/${otherSchoolId}/connectivity` })).json<{
      status: string;
    }>();
    expect(none.status).toBe('unknown');
  });

  it('rates speeds as Giga does: good at the benchmark, bad under 1 Mbit/s', () => {
    expect(connectivityStatus(20, 20)).toBe('good');
    expect(connectivityStatus(19.9, 20)).toBe('moderate');
    expect(connectivityStatus(1, 20)).toBe('moderate');
    expect(connectivityStatus(0.99, 20)).toBe('bad');
    expect(connectivityStatus(null, 20)).toBe('unknown');
  });

  it('offers a speed test: a download of the size asked for, and an upload that counts the bytes', async () => {
    const down = await director.inject({ url: '/api/speedtest/download?bytes=200000' });
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.length).toBe(200_000);
    expect(down.headers['cache-control']).toBe('no-store');
    const up = await director.inject({
      method: 'POST',
      url: '/api/speedtest/upload',
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.alloc(300_000, 7),
    });
    expect(up.json()).toEqual({ bytes: 300_000 });
    const tooBig = await director.inject({ url: '/api/speedtest/download?bytes=999999999' });
    expect(tooBig.statusCode).toBe(400);
  });
});
