import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { applyAsRead, savePlanAsRead } from '@test/allocation-world';
import { academicYears, levels } from '@/modules/institutions/institutions.tables';
import { auditLog } from '@/modules/identity/identity.tables';
import {
  createDevice,
  createProject,
  reviewSchoolYear,
  saveSchoolYear,
} from '@/modules/infrastructure/infrastructure.service';
import { listDevices } from '@/modules/infrastructure/infrastructure.store';
import { schoolFacts } from '@/modules/infrastructure/school-facts.store';
import type { SchoolYearInput } from '@/modules/infrastructure/infrastructure.schema';

type App = Awaited<ReturnType<typeof createTestApp>>;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

interface PlanBody {
  id: number;
  state: string;
  version: number;
  versions: { version: number }[];
  cost: number | null;
}
interface ApplicationBody {
  id: number;
  state: string;
  registrationNumber: string | null;
  reasons: string[];
  reasonTexts: string[];
  snapshot: { computers: number; students: number };
}
interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; reason: string; message: string }[] };
}
interface Figures {
  ratio: number | null;
  shiftRatio: number | null;
  meetingNorm: number | null;
  computers: number;
}
interface Outcome {
  cutOff: number | null;
  schoolsServed: number;
  allocated: Record<string, number>;
  national: { before: Figures; after: Figures };
  regions: { regionId: number | null; units: number; after: Figures }[];
}
interface SchoolViewBody {
  facts: { computers: number; ratio: number | null; students: number };
  application: ApplicationBody | null;
  windowOpen: boolean;
  hasInventory: boolean;
  score: { score: number; rank: number; criteria: Record<string, number> } | null;
  cutOff: number | null;
  awarded: Record<string, number>;
  batches: { id: number; state: string }[];
}

const rules = (overrides: Record<string, unknown> = {}) => ({
  units: { desktop: 40, laptop: 20, tablet: 0, projector: 4, interactive_board: 0 },
  unitPrices: { desktop: 900, laptop: 1100, projector: 700 },
  budget: 100_000,
  norm: 10,
  lotSize: 2,
  regionalMinimums: [],
  weights: { ratioGap: 40, shifts: 20, connection: 15, projects: 15, equity: 10 },
  recentYears: 3,
  ...overrides,
});

const record = (overrides: Partial<SchoolYearInput> = {}): SchoolYearInput => ({
  version: 0,
  teachers: 30,
  teachersIctTrained: 10,
  classrooms: 12,
  hasComputerLab: true,
  electricity: true,
  electricitySource: 'grid',
  electricityHours: 24,
  students: [
    { level: 'primary', sex: 'female', shift: 1, students: 150 },
    { level: 'primary', sex: 'male', shift: 2, students: 100 },
  ],
  links: [
    {
      purpose: 'teaching',
      type: 'fibre',
      educationNetwork: true,
      provider: 'AzEduNet',
      downloadMbps: 50,
      uploadMbps: 10,
    },
  ],
  deviceCounts: [{ kind: 'desktop', purpose: 'teaching', total: 5, working: 5 }],
  participations: [],
  ...overrides,
});

describe('the yearly computer distribution', () => {
  let t: App;
  let bureau: Session;
  let director: Session;
  let otherDirector: Session;
  let teacher: Session;
  let regionId: number;
  let yearId: number;
  let schoolId: number;
  let otherSchoolId: number;
  let planId: number;
  let applicationId: number;
  let otherApplicationId: number;
  const system = { actorId: null, ip: null };

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    const areas = await createAreas(db);
    regionId = areas.region;
    await db
      .insert(levels)
      .values([{ code: 'primary', position: 1, nameAz: 'İbtidai', nameRu: 'Начальное', nameEn: 'Primary' }]);
    const [year] = await db
      .insert(academicYears)
      .values({ code: '2026-2027', startsOn: '2026-09-15', endsOn: '2027-06-15', isCurrent: true })
      .returning();
    yearId = year!.id;
    const steam = await createProject(db, system, {
      code: 'steam',
      nameAz: 'STEAM',
      nameRu: 'STEAM',
      nameEn: 'STEAM',
      active: true,
    });
    const school = await createInstitution(db, areas.district, {
      locality: 'rural',
      shifts: 2,
      studentCount: 250,
    });
    schoolId = school.id;
    otherSchoolId = (await createInstitution(db, areas.otherDistrict, { shifts: 2, studentCount: 250 })).id;
    // The school keeps an item inventory: five desktops, so delivered devices add to them.
    for (let i = 1; i <= 5; i++) {
      await createDevice(db, system, schoolId, {
        assetTag: `OLD-${i}`,
        serial: null,
        kind: 'desktop',
        model: null,
        status: 'in_use',
        condition: 'working',
        purpose: 'teaching',
        fundingProgramme: null,
        acquiredOn: null,
        endOfLifeOn: null,
        lastAuditOn: null,
        nextAuditOn: null,
      });
    }
    await saveSchoolYear(
      db,
      system,
      schoolId,
      yearId,
      // Its five desktops are items: it counts no devices besides.
      record({
        deviceCounts: [],
        participations: [{ projectId: steam.id, evidence: 'https://steam.edu.az' }],
      }),
      'en',
    );
    await reviewSchoolYear(db, system, schoolId, yearId, 'verify', undefined, 'en');
    await saveSchoolYear(
      db,
      system,
      otherSchoolId,
      yearId,
      record({ electricity: false, electricitySource: null, electricityHours: null }),
      'en',
    );
    const users = {
      bureau: await createUserWithRole(db, 'bureau'),
      director: await createUserWithRole(db, 'director', { institutionId: schoolId }),
      other: await createUserWithRole(db, 'director', { institutionId: otherSchoolId }),
      teacher: await createUserWithRole(db, 'teacher', { institutionId: schoolId }),
    };
    bureau = await login(t.app, users.bureau.username, users.bureau.password);
    director = await login(t.app, users.director.username, users.director.password);
    otherDirector = await login(t.app, users.other.username, users.other.password);
    teacher = await login(t.app, users.teacher.username, users.teacher.password);
  });
  afterAll(async () => t?.close());

  const planBody = (overrides: Record<string, unknown> = {}) => ({
    academicYearId: yearId,
    name: 'Kompüterləşdirmə 2026',
    rules: rules(),
    applicationsOpenOn: day(-1),
    applicationsCloseOn: day(10),
    appealsCloseOn: day(20),
    ...overrides,
  });

  it('refuses a plan that breaks its rules, naming each field', async () => {
    const res = await bureau.inject({
      method: 'POST',
      url: '/api/allocation/plans',
      payload: planBody({
        rules: rules({
          budget: 10,
          regionalMinimums: [
            { regionId: 999_999, kind: 'desktop', units: 30 },
            { regionId, kind: 'desktop', units: 30 },
          ],
          weights: { ratioGap: 0, shifts: 0, connection: 0, projects: 0, equity: 0 },
        }),
        applicationsCloseOn: day(30),
      }),
    });
    expect(res.statusCode).toBe(422);
    const { error } = res.json<ErrorBody>();
    expect(error.code).toBe('plan_invalid');
    expect(error.details!.map((d) => `${d.field}:${d.reason}`).sort()).toEqual(
      [
        'applicationsCloseOn:window_order',
        'rules.budget:over_budget',
        'rules.regionalMinimums.0.regionId:unknown_region',
        'rules.units.desktop:minimums_exceed_units',
        'rules.weights:no_weight',
      ].sort(),
    );
    const bad = await bureau.inject({
      method: 'POST',
      url: '/api/allocation/plans',
      payload: planBody({ rules: rules({ lotSize: 0 }) }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorBody>().error.details![0]!.field).toBe('rules.lotSize');
  });

  it('publishes a plan: schools read its rules only once it is published, each version kept', async () => {
    const created = await bureau.inject({
      method: 'POST',
      url: '/api/allocation/plans',
      payload: planBody(),
    });
    expect(created.statusCode).toBe(200);
    const plan = created.json<PlanBody>();
    planId = plan.id;
    expect(plan).toMatchObject({ state: 'draft', version: 0, cost: 40 * 900 + 20 * 1100 + 4 * 700 });
    expect((await director.inject({ url: `/api/allocation/plans/${planId}` })).statusCode).toBe(404);
    const early = await applyAsRead(director, planId, schoolId, {
      requested: { desktop: 10 },
      justification: 'Köhnə kompüterlər',
    });
    expect(early.statusCode).toBe(404);

    const published = await bureau.inject({ method: 'POST', url: `/api/allocation/plans/${planId}/publish` });
    expect(published.json<PlanBody>()).toMatchObject({ state: 'published', version: 1 });
    const changed = await savePlanAsRead(bureau, planId, planBody({ rules: rules({ norm: 12 }) }));
    expect(changed.json<PlanBody>()).toMatchObject({
      version: 2,
      versions: [{ version: 1 }, { version: 2 }],
    });
    await savePlanAsRead(bureau, planId, planBody());
    const read = await director.inject({ url: `/api/allocation/plans/${planId}` });
    expect(read.statusCode).toBe(200);
    expect(read.json<PlanBody>().version).toBe(3);
    const list = (await teacher.inject({ url: '/api/allocation/plans' })).json<{ items: { id: number }[] }>();
    expect(list.items.map((p) => p.id)).toContain(planId);
  });

  it('takes a director’s application with the school’s registry state, until the ministry registers it', async () => {
    const empty = await applyAsRead(director, planId, schoolId, {
      requested: { desktop: 0 },
      justification: 'x',
    });
    expect(empty.statusCode).toBe(422);
    expect(empty.json<ErrorBody>().error.details![0]).toMatchObject({
      field: 'requested',
      reason: 'nothing_requested',
    });
    const notDistributed = await applyAsRead(director, planId, schoolId, {
      requested: { tablet: 5 },
      justification: 'x',
    });
    expect(notDistributed.json<ErrorBody>().error.details![0]!.field).toBe('requested.tablet');

    const applied = await applyAsRead(director, planId, schoolId, {
      requested: { desktop: 30, projector: 2 },
      justification: 'İki növbə, 5 kompüter',
    });
    expect(applied.statusCode).toBe(200);
    const a = applied.json<ApplicationBody>();
    applicationId = a.id;
    expect(a).toMatchObject({ state: 'submitted', registrationNumber: null });
    expect(a.snapshot).toMatchObject({ computers: 5, students: 250 });
    // Another school's director cannot apply for this school.
    const foreign = await applyAsRead(otherDirector, planId, schoolId, {
      requested: { desktop: 1 },
      justification: 'x',
    });
    expect(foreign.statusCode).toBe(403);

    const other = await applyAsRead(otherDirector, planId, otherSchoolId, {
      requested: { desktop: 20 },
      justification: 'Kompüter yoxdur',
    });
    otherApplicationId = other.json<ApplicationBody>().id;

    const registered = await bureau.inject({
      method: 'POST',
      url: `/api/allocation/applications/${applicationId}/register`,
    });
    expect(registered.json<ApplicationBody>()).toMatchObject({
      state: 'registered',
      registrationNumber: `P${planId}-00001`,
    });
    const again = await bureau.inject({
      method: 'POST',
      url: `/api/allocation/applications/${applicationId}/register`,
    });
    expect(again.json<ApplicationBody>().registrationNumber).toBe(`P${planId}-00001`);
    const late = await applyAsRead(director, planId, schoolId, {
      requested: { desktop: 40 },
      justification: 'more',
    });
    expect(late.statusCode).toBe(409);
    expect(late.json<ErrorBody>().error.code).toBe('application_locked');
  });

  it('examines applications against the checklist: eligible, or ineligible with reasons, and hears an appeal', async () => {
    const unregistered = await bureau.inject({
      method: 'POST',
      url: `/api/allocation/applications/${otherApplicationId}/examine`,
      payload: { gates: { complete: true, electricity: true, secureRoom: true, audited: true } },
    });
    expect(unregistered.statusCode).toBe(409);
    await bureau.inject({
      method: 'POST',
      url: `/api/allocation/applications/${otherApplicationId}/register`,
    });

    const detail = await bureau.inject({ url: `/api/allocation/applications/${otherApplicationId}` });
    expect(detail.json<{ suggestedGates: Record<string, boolean | null> }>().suggestedGates).toEqual({
      complete: true,
      electricity: false,
      secureRoom: null,
      audited: true,
    });
    const rejected = await bureau.inject({
      method: 'POST',
      url: `/api/allocation/applications/${otherApplicationId}/examine`,
      headers: { 'accept-language': 'en' },
      payload: {
        gates: { complete: true, electricity: false, secureRoom: false, audited: true },
        note: 'No electricity',
      },
    });
    expect(rejected.json<ApplicationBody>()).toMatchObject({
      state: 'ineligible',
      reasons: ['no_electricity', 'no_secure_room'],
    });
    const accepted = await bureau.inject({
      method: 'POST',
      url: `/api/allocation/applications/${applicationId}/examine`,
      payload: { gates: { complete: true, electricity: true, secureRoom: true, audited: true } },
    });
    expect(accepted.json<ApplicationBody>().state).toBe('eligible');

    // Only the school's own director appeals, and only an ineligible decision.
    expect(
      (
        await director.inject({
          method: 'POST',
          url: `/api/allocation/applications/${applicationId}/appeal`,
          payload: { text: 'x' },
        })
      ).statusCode,
    ).toBe(409);
    const appealed = await otherDirector.inject({
      method: 'POST',
      url: `/api/allocation/applications/${otherApplicationId}/appeal`,
      payload: { text: 'Generator quraşdırılıb' },
    });
    expect(appealed.json<ApplicationBody>().state).toBe('appealed');
    const audits = await t.database.db.select().from(auditLog);
    expect(audits.filter((e) => e.entity === 'allocation_application').map((e) => e.action)).toEqual(
      expect.arrayContaining(['create', 'register', 'examine', 'appeal']),
    );
  });

  it('shows each school its score criterion by criterion and the cut-off', async () => {
    const view = (
      await director.inject({ url: `/api/allocation/plans/${planId}/schools/${schoolId}` })
    ).json<SchoolViewBody>();
    // 150 learners in the largest shift, norm 10: 15 computers needed, 5 there: a gap of 10/15.
    expect(view.score!.criteria.ratioGap).toBeCloseTo(10 / 15, 6);
    expect(view.score!.criteria.shifts).toBeCloseTo(100 / 250, 6);
    expect(view.score!.criteria.connection).toBeCloseTo(1, 6);
    expect(view.score!.criteria.projects).toBeCloseTo(1 / 4, 6);
    expect(view.score!.criteria.equity).toBeCloseTo(1, 6);
    expect(view.score!.rank).toBe(1);
    expect(view.cutOff).toBeCloseTo(view.score!.score, 6);
    // Never above the need: 10 computers to the norm, in lots of 2.
    expect(view.awarded).toEqual({ desktop: 10, projector: 2 });
    const ranking = await bureau.inject({ url: `/api/allocation/plans/${planId}/ranking` });
    expect(ranking.json<{ total: number }>().total).toBe(1);
    expect((await teacher.inject({ url: `/api/allocation/plans/${planId}/ranking` })).statusCode).toBe(403);
  });

  it('simulates other weights and units beside the current plan, saving nothing', async () => {
    const res = await bureau.inject({
      method: 'POST',
      url: `/api/allocation/plans/${planId}/simulate`,
      payload: {
        weights: { ratioGap: 0, shifts: 0, connection: 0, projects: 100, equity: 0 },
        units: { desktop: 4, laptop: 0, tablet: 0, projector: 0, interactive_board: 0 },
      },
    });
    expect(res.statusCode).toBe(200);
    const { current, variant } = res.json<{ current: Outcome; variant: Outcome }>();
    expect(current.allocated).toEqual({ desktop: 10, projector: 2 });
    expect(variant.allocated).toEqual({ desktop: 4 });
    // Both schools count nationally: 5 + 5 computers before.
    expect(current.national.before.computers).toBe(10);
    expect(current.national.after.computers).toBe(20);
    expect(variant.national.after.computers).toBe(14);
    expect(current.national.after.shiftRatio!).toBeLessThan(current.national.before.shiftRatio!);
    expect(current.national.after.meetingNorm).toBe(0.5);
    expect(current.regions.find((r) => r.regionId === regionId)!.units).toBe(12);
  });

  it('is approved only when every application is decided; the list is then locked and published', async () => {
    const early = await bureau.inject({ method: 'POST', url: `/api/allocation/plans/${planId}/approve` });
    expect(early.statusCode).toBe(409);
    expect(early.json<ErrorBody>().error.code).toBe('undecided_applications');
    await bureau.inject({
      method: 'POST',
      url: `/api/allocation/applications/${otherApplicationId}/examine`,
      payload: { gates: { complete: true, electricity: false, secureRoom: true, audited: true } },
    });
    const approved = await bureau.inject({ method: 'POST', url: `/api/allocation/plans/${planId}/approve` });
    expect(approved.json<PlanBody>().state).toBe('approved');

    const locked = await savePlanAsRead(bureau, planId, planBody());
    expect(locked.statusCode).toBe(409);
    const list = await t.app.inject({ url: `/api/allocation/plans/${planId}/list` });
    expect(list.json<{ items: { code: string; awarded: Record<string, number> }[] }>().items).toMatchObject([
      { awarded: { desktop: 10, projector: 2 } },
    ]);
    // People open the list: its header is in the reader's language, never the columns' codes.
    const csv = await t.app.inject({ url: `/api/allocation/plans/${planId}/list?format=csv` });
    expect(csv.headers['content-type']).toContain('text/csv');
    const [head, first] = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(head).toBe(
      '№,Kod,Adı (azərbaycanca),Adı (rusca),Adı (ingiliscə),Bal,Stolüstü,Noutbuk,Planşet,Proyektor,Lövhə',
    );
    expect(first).toMatch(/^1,T\d+,.*,10,0,0,2,0$/);
    const csvRu = await t.app.inject({
      url: `/api/allocation/plans/${planId}/list?format=csv`,
      headers: { 'accept-language': 'ru' },
    });
    expect(csvRu.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      '№,Код,Название (на азербайджанском),Название (на русском),Название (на английском),Балл,Настольные,Ноутбуки,Планшеты,Проекторы,Доски',
    );
    const xlsx = await t.app.inject({
      url: `/api/allocation/plans/${planId}/list?format=xlsx`,
      headers: { 'accept-language': 'en' },
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Distribution')!;
    expect(sheet.getRow(2).values).toEqual([
      undefined,
      'No.',
      'Code',
      'Name (Azerbaijani)',
      'Name (Russian)',
      'Name (English)',
      'Score',
      'Desktops',
      'Laptops',
      'Tablets',
      'Projectors',
      'Boards',
    ]);
    expect(sheet.getRow(3).getCell(7).value).toBe(10);
    const pdf = await t.app.inject({ url: `/api/allocation/plans/${planId}/list?format=pdf` });
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Names are written in a font that has Azerbaijani and Cyrillic letters, embedded in the file.
    expect(pdf.rawPayload.toString('latin1')).toMatch(/\/FontName \/[A-Z]{6}\+DejaVuSans/);
    expect(pdf.rawPayload.toString('latin1').trimEnd()).toMatch(/%%EOF$/);
    // The school's page shows the locked score.
    const view = (
      await director.inject({ url: `/api/allocation/plans/${planId}/schools/${schoolId}` })
    ).json<SchoolViewBody>();
    expect(view.awarded).toEqual({ desktop: 10, projector: 2 });
    expect(view.score!.rank).toBe(1);
  });

  it('delivers in batches: the school confirms counts and serials, and the devices enter the registry', async () => {
    const tooMany = await bureau.inject({
      method: 'POST',
      url: `/api/allocation/plans/${planId}/batches`,
      payload: { institutionId: schoolId, items: [{ kind: 'desktop', units: 11 }] },
    });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json<ErrorBody>().error.details![0]).toMatchObject({
      field: 'items.0.units',
      reason: 'exceeds_award',
    });
    const batch = await bureau.inject({
      method: 'POST',
      url: `/api/allocation/plans/${planId}/batches`,
      payload: { institutionId: schoolId, items: [{ kind: 'desktop', units: 6 }], note: 'Waybill 17' },
    });
    expect(batch.statusCode).toBe(200);
    const batchId = batch.json<{ id: number }>().id;
    const before = (await schoolFacts(t.database.db, yearId, { institutionIds: [schoolId] }))[0]!;

    const miscounted = await director.inject({
      method: 'POST',
      url: `/api/allocation/batches/${batchId}/confirm`,
      payload: { items: [{ kind: 'desktop', received: 5, serials: ['S1', 'S2', 'S3'] }] },
    });
    expect(miscounted.statusCode).toBe(422);
    expect(miscounted.json<ErrorBody>().error.details![0]!.field).toBe('items.0.serials');
    expect(
      (
        await otherDirector.inject({
          method: 'POST',
          url: `/api/allocation/batches/${batchId}/confirm`,
          payload: { items: [{ kind: 'desktop', received: 0, serials: [] }] },
        })
      ).statusCode,
    ).toBe(403);
    const confirmed = await director.inject({
      method: 'POST',
      url: `/api/allocation/batches/${batchId}/confirm`,
      payload: { items: [{ kind: 'desktop', received: 5, serials: ['S1', 'S2', 'S3', 'S4', 'S5'] }] },
    });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json<{ state: string }>().state).toBe('confirmed');
    const twice = await director.inject({
      method: 'POST',
      url: `/api/allocation/batches/${batchId}/confirm`,
      payload: { items: [{ kind: 'desktop', received: 5, serials: ['S1', 'S2', 'S3', 'S4', 'S5'] }] },
    });
    expect(twice.statusCode).toBe(409);

    const devices = await listDevices(t.database.db, schoolId);
    const delivered = devices.filter((d) => d.fundingProgramme === 'Kompüterləşdirmə 2026');
    expect(delivered.map((d) => d.serial).sort()).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
    const after = (await schoolFacts(t.database.db, yearId, { institutionIds: [schoolId] }))[0]!;
    expect(after.computers).toBe(before.computers + 5);

    const deliveries = await bureau.inject({ url: `/api/allocation/plans/${planId}/deliveries` });
    expect(deliveries.json<{ items: unknown[] }>().items).toContainEqual(
      expect.objectContaining({ kind: 'desktop', awarded: 10, sent: 6, received: 5, undelivered: 5 }),
    );
    // The missing unit can go in a later batch: 10 awarded − 5 received.
    const rest = await bureau.inject({
      method: 'POST',
      url: `/api/allocation/plans/${planId}/batches`,
      payload: { institutionId: schoolId, items: [{ kind: 'desktop', units: 5 }] },
    });
    expect(rest.statusCode).toBe(200);
    const view = (
      await director.inject({ url: `/api/allocation/plans/${planId}/schools/${schoolId}` })
    ).json<SchoolViewBody>();
    expect(view.facts.computers).toBe(10);
    expect(view.hasInventory).toBe(true);
    expect(view.batches.map((b) => b.state)).toEqual(['confirmed', 'sent']);
  });
  it('keeps its windows: no application once the window has closed, no appeal once the appeals window has', async () => {
    const created = await bureau.inject({
      method: 'POST',
      url: '/api/allocation/plans',
      payload: planBody({ name: 'Windows' }),
    });
    const id = created.json<PlanBody>().id;
    await bureau.inject({ method: 'POST', url: `/api/allocation/plans/${id}/publish` });
    const applied = await applyAsRead(otherDirector, id, otherSchoolId, {
      requested: { laptop: 4 },
      justification: 'Noutbuk lazımdır',
    });
    const appId = applied.json<ApplicationBody>().id;
    await bureau.inject({ method: 'POST', url: `/api/allocation/applications/${appId}/register` });
    await bureau.inject({
      method: 'POST',
      url: `/api/allocation/applications/${appId}/examine`,
      payload: { gates: { complete: false, electricity: false, secureRoom: true, audited: true } },
    });
    // The ministry moves both windows into the past: the rules are published again as version 2.
    const moved = await savePlanAsRead(
      bureau,
      id,
      planBody({
        name: 'Windows',
        applicationsOpenOn: day(-10),
        applicationsCloseOn: day(-5),
        appealsCloseOn: day(-1),
      }),
    );
    expect(moved.json<PlanBody>().version).toBe(2);
    const late = await applyAsRead(director, id, schoolId, {
      requested: { laptop: 2 },
      justification: 'Gec',
    });
    expect(late.statusCode).toBe(409);
    expect(late.json<ErrorBody>().error.code).toBe('window_closed');
    const appeal = await otherDirector.inject({
      method: 'POST',
      url: `/api/allocation/applications/${appId}/appeal`,
      payload: { text: 'Elektrik var' },
    });
    expect(appeal.statusCode).toBe(409);
    expect(appeal.json<ErrorBody>().error).toMatchObject({ code: 'appeal_closed' });
    expect(appeal.json<ErrorBody>().error.message).toMatch(/^Etiraz müddəti .*2026.* bitib\.$/);
    // The school sees why, in its language.
    await otherDirector.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'en' } });
    const view = (
      await otherDirector.inject({ url: `/api/allocation/plans/${id}/schools/${otherSchoolId}` })
    ).json<SchoolViewBody>();
    await otherDirector.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'az' } });
    expect(view.application!.reasonTexts).toEqual([
      'The application or the school record is incomplete.',
      'The school has no electricity.',
    ]);
    expect(view.windowOpen).toBe(false);
    // It reports counts, keeps no items: its page warns that delivered items will make its counts.
    expect(view.hasInventory).toBe(false);
    const deliveries = await bureau.inject({ url: `/api/allocation/plans/${id}/deliveries` });
    expect(deliveries.json<ErrorBody>().error.code).toBe('plan_not_approved');
  });
});
