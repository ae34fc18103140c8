import type { Db } from '@/server/db/database';
import { AppError, notFound, type FieldProblem } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { RevisionCache } from '@/server/revision';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import { createDevice } from '@/modules/infrastructure/infrastructure.service';
import { hasInventory, listDevices } from '@/modules/infrastructure/infrastructure.store';
import { schoolFacts, type SchoolFactsRow } from '@/modules/infrastructure/school-facts.store';
import * as store from '@/modules/allocation/allocation.store';
import {
  ALLOCATION_KINDS,
  SCORED_PROJECTS,
  run,
  type AllocationKind,
  type Candidate,
  type Criterion,
  type PlanRules,
  type Projection,
  type SchoolFacts,
} from '@/modules/allocation/allocation.core';
import {
  GATE_REASONS,
  GATES,
  type ApplicationChange,
  type PlanChange,
  type PlanInput,
} from '@/modules/allocation/allocation.schema';
import * as clock from '@/server/clock';
import { staleVersion } from '@/server/versions';

defineMessages({
  en: {
    plan_invalid: 'The plan has mistakes; nothing was saved.',
    plan_locked: 'The plan is approved: its list is locked.',
    plan_not_published: 'The plan is not published yet.',
    plan_not_approved: 'The plan is not approved yet.',
    plan_year_fixed: 'A published plan stays in its academic year.',
    window_closed: 'The application window is closed (open {from} to {to}).',
    application_invalid: 'The application has mistakes; nothing was saved.',
    application_locked: 'The application is registered and can no longer be changed.',
    not_registered: 'Only a registered application can be examined.',
    not_ineligible: 'Only an application found ineligible can be appealed.',
    appeal_closed: 'The appeals window closed on {date}.',
    undecided_applications: '{count} application(s) still wait for a decision.',
    batch_invalid: 'The delivery batch has mistakes; nothing was saved.',
    batch_confirmed: 'This delivery was already confirmed.',
    'allocation.rule.unknown_region': 'is not an economic region',
    'allocation.rule.duplicate': 'is given twice',
    'allocation.rule.minimums_exceed_units': 'regional minimums add up to {sum}, more than the {units} units',
    'allocation.rule.over_budget': 'the units cost {cost}, more than the budget of {budget}',
    'allocation.rule.price_missing': 'a budget needs a price for every kind distributed',
    'allocation.rule.no_weight': 'at least one criterion must weigh more than 0',
    'allocation.rule.window_order': 'the windows must follow each other: open ≤ close ≤ appeals close',
    'allocation.rule.unknown_year': 'is not an academic year',
    'allocation.rule.nothing_requested': 'ask for at least one unit',
    'allocation.rule.not_distributed': 'the plan distributes no {kind}',
    'allocation.rule.exceeds_award': 'only {left} unit(s) of the award are left to send',
    'allocation.rule.not_awarded': 'the school was awarded no {kind}',
    'allocation.rule.not_in_batch': 'the batch carries no {kind}',
    'allocation.rule.missing_kind': 'the report must give every kind of the batch ({kind})',
    'allocation.rule.exceeds_sent': 'more than the {units} sent',
    'allocation.rule.serials_count': 'give one serial number per unit received ({received})',
    'allocation.rule.serial_repeated': 'the serial number {serial} is given twice',
    'allocation.reason.incomplete': 'The application or the school record is incomplete.',
    'allocation.reason.no_electricity': 'The school has no electricity.',
    'allocation.reason.no_secure_room': 'The school has no secure room for the devices.',
    'allocation.reason.not_audited': "Last year's devices have not been audited.",
  },
  az: {
    plan_invalid: 'Planda səhvlər var; heç nə saxlanılmadı.',
    plan_locked: 'Plan təsdiq edilib: siyahı bağlanıb.',
    plan_not_published: 'Plan hələ dərc edilməyib.',
    plan_not_approved: 'Plan hələ təsdiq edilməyib.',
    plan_year_fixed: 'Dərc edilmiş plan öz tədris ilində qalır.',
    window_closed: 'Müraciət müddəti bağlıdır ({from} – {to}).',
    application_invalid: 'Müraciətdə səhvlər var; heç nə saxlanılmadı.',
    application_locked: 'Müraciət qeydiyyata alınıb və artıq dəyişdirilə bilməz.',
    not_registered: 'Yalnız qeydiyyata alınmış müraciət yoxlanıla bilər.',
    not_ineligible: 'Yalnız uyğun olmayan sayılmış müraciətə etiraz edilə bilər.',
    appeal_closed: 'Etiraz müddəti {date} tarixində bitib.',
    undecided_applications: '{count} müraciət hələ qərar gözləyir.',
    batch_invalid: 'Çatdırılma partiyasında səhvlər var; heç nə saxlanılmadı.',
    batch_confirmed: 'Bu çatdırılma artıq təsdiqlənib.',
    'allocation.rule.unknown_region': 'iqtisadi rayon deyil',
    'allocation.rule.duplicate': 'iki dəfə verilib',
    'allocation.rule.minimums_exceed_units': 'regional minimumların cəmi {sum}, {units} ədəddən çoxdur',
    'allocation.rule.over_budget': 'cihazların dəyəri {cost}, {budget} büdcədən çoxdur',
    'allocation.rule.price_missing': 'büdcə olduqda paylanan hər növün qiyməti lazımdır',
    'allocation.rule.no_weight': 'ən azı bir meyarın çəkisi 0-dan çox olmalıdır',
    'allocation.rule.window_order': 'müddətlər ardıcıl olmalıdır: açılış ≤ bağlanış ≤ etirazların bağlanışı',
    'allocation.rule.unknown_year': 'tədris ili deyil',
    'allocation.rule.nothing_requested': 'ən azı bir ədəd istəyin',
    'allocation.rule.not_distributed': 'plan {kind} paylamır',
    'allocation.rule.exceeds_award': 'ayrılmış cihazlardan göndərmək üçün yalnız {left} ədəd qalıb',
    'allocation.rule.not_awarded': 'məktəbə {kind} ayrılmayıb',
    'allocation.rule.not_in_batch': 'partiyada {kind} yoxdur',
    'allocation.rule.missing_kind': 'hesabat partiyanın hər növünü verməlidir ({kind})',
    'allocation.rule.exceeds_sent': 'göndərilən {units} ədəddən çoxdur',
    'allocation.rule.serials_count': 'alınan hər ədəd üçün bir seriya nömrəsi verin ({received})',
    'allocation.rule.serial_repeated': '{serial} seriya nömrəsi iki dəfə verilib',
    'allocation.reason.incomplete': 'Müraciət və ya məktəbin qeydi natamamdır.',
    'allocation.reason.no_electricity': 'Məktəbdə elektrik yoxdur.',
    'allocation.reason.no_secure_room': 'Məktəbdə cihazlar üçün təhlükəsiz otaq yoxdur.',
    'allocation.reason.not_audited': 'Keçən ilin cihazları inventarizasiyadan keçməyib.',
  },
  ru: {
    plan_invalid: 'В плане есть ошибки; ничего не сохранено.',
    plan_locked: 'План утверждён: список закрыт.',
    plan_not_published: 'План ещё не опубликован.',
    plan_not_approved: 'План ещё не утверждён.',
    plan_year_fixed: 'Опубликованный план остаётся в своём учебном году.',
    window_closed: 'Приём заявок закрыт (с {from} по {to}).',
    application_invalid: 'В заявке есть ошибки; ничего не сохранено.',
    application_locked: 'Заявка зарегистрирована и больше не может быть изменена.',
    not_registered: 'Рассмотреть можно только зарегистрированную заявку.',
    not_ineligible: 'Обжаловать можно только заявку, признанную не соответствующей.',
    appeal_closed: 'Срок обжалования закончился {date}.',
    undecided_applications: 'Решения ещё ждут заявок: {count}.',
    batch_invalid: 'В партии поставки есть ошибки; ничего не сохранено.',
    batch_confirmed: 'Эта поставка уже подтверждена.',
    'allocation.rule.unknown_region': 'не является экономическим районом',
    'allocation.rule.duplicate': 'указано дважды',
    'allocation.rule.minimums_exceed_units': 'региональные минимумы в сумме {sum}, больше {units} единиц',
    'allocation.rule.over_budget': 'устройства стоят {cost}, больше бюджета {budget}',
    'allocation.rule.price_missing': 'при бюджете нужна цена каждого распределяемого вида',
    'allocation.rule.no_weight': 'хотя бы один критерий должен весить больше 0',
    'allocation.rule.window_order': 'сроки должны идти по порядку: начало ≤ конец ≤ конец обжалования',
    'allocation.rule.unknown_year': 'не является учебным годом',
    'allocation.rule.nothing_requested': 'запросите хотя бы одну единицу',
    'allocation.rule.not_distributed': 'план не распределяет {kind}',
    'allocation.rule.exceeds_award': 'из выделенного осталось отправить только {left} ед.',
    'allocation.rule.not_awarded': 'школе не выделено {kind}',
    'allocation.rule.not_in_batch': 'в партии нет {kind}',
    'allocation.rule.missing_kind': 'в отчёте нужен каждый вид партии ({kind})',
    'allocation.rule.exceeds_sent': 'больше отправленных {units}',
    'allocation.rule.serials_count': 'укажите по серийному номеру на каждую полученную единицу ({received})',
    'allocation.rule.serial_repeated': 'серийный номер {serial} указан дважды',
    'allocation.reason.incomplete': 'Заявка или запись школы неполны.',
    'allocation.reason.no_electricity': 'В школе нет электричества.',
    'allocation.reason.no_secure_room': 'В школе нет защищённого помещения для устройств.',
    'allocation.reason.not_audited': 'Устройства прошлого года не прошли инвентаризацию.',
  },
});

/** Today's date in UTC, YYYY-MM-DD: windows are whole days. */
const today = () => clock.now().toISOString().slice(0, 10);

const problem = (
  locale: Locale,
  field: string,
  rule: string,
  params: Record<string, unknown> = {},
): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `allocation.rule.${rule}`, params)}`,
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

// Plans

/** The total price of a plan's units, when every kind it distributes has a price. */
function costOf(rules: PlanRules): number | null {
  let cost = 0;
  for (const k of ALLOCATION_KINDS) {
    if (rules.units[k] === 0) continue;
    const price = rules.unitPrices[k];
    if (price === undefined) return null;
    cost += price * rules.units[k];
  }
  return cost;
}

/** A plan as answers show it (without its version list). */
export function planSummary(p: store.PlanRow) {
  return {
    id: p.id,
    academicYearId: p.academicYearId,
    name: p.name,
    state: p.state,
    version: p.version,
    editVersion: p.editVersion,
    rules: p.rules,
    applicationsOpenOn: p.applicationsOpenOn,
    applicationsCloseOn: p.applicationsCloseOn,
    appealsCloseOn: p.appealsCloseOn,
    approvedAt: iso(p.approvedAt),
    cost: costOf(p.rules),
  };
}

async function planView(db: Db, p: store.PlanRow) {
  const versions = await store.listPlanVersions(db, p.id);
  return {
    ...planSummary(p),
    versions: versions.map((v) => ({ version: v.version, publishedAt: v.publishedAt.toISOString() })),
  };
}

/** The rules a plan must keep to be saved; each broken one names its field. */
async function checkPlan(db: Db, input: PlanInput, locale: Locale): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  const { rules } = input;
  const years = await institutionsStore.listAcademicYears(db);
  if (!years.some((y) => y.id === input.academicYearId)) {
    problems.push(problem(locale, 'academicYearId', 'unknown_year'));
  }
  if (
    input.applicationsOpenOn > input.applicationsCloseOn ||
    input.applicationsCloseOn > input.appealsCloseOn
  ) {
    problems.push(problem(locale, 'applicationsCloseOn', 'window_order'));
  }
  if (Object.values(rules.weights).every((w) => w === 0)) {
    problems.push(problem(locale, 'rules.weights', 'no_weight'));
  }
  const seen = new Set<string>();
  const sums = new Map<AllocationKind, number>();
  for (const [i, m] of rules.regionalMinimums.entries()) {
    const key = `${m.regionId}/${m.kind}`;
    if (seen.has(key)) problems.push(problem(locale, `rules.regionalMinimums.${i}`, 'duplicate'));
    seen.add(key);
    const area = await institutionsStore.findArea(db, m.regionId);
    if (area?.kind !== 'economic_region') {
      problems.push(problem(locale, `rules.regionalMinimums.${i}.regionId`, 'unknown_region'));
    }
    sums.set(m.kind, (sums.get(m.kind) ?? 0) + m.units);
  }
  for (const [kind, sum] of sums) {
    if (sum > rules.units[kind]) {
      problems.push(
        problem(locale, `rules.units.${kind}`, 'minimums_exceed_units', { sum, units: rules.units[kind] }),
      );
    }
  }
  if (rules.budget !== null) {
    const missing = ALLOCATION_KINDS.filter((k) => rules.units[k] > 0 && rules.unitPrices[k] === undefined);
    for (const k of missing) problems.push(problem(locale, `rules.unitPrices.${k}`, 'price_missing'));
    const cost = costOf(rules);
    if (cost !== null && cost > rules.budget) {
      problems.push(problem(locale, 'rules.budget', 'over_budget', { cost, budget: rules.budget }));
    }
  }
  return problems;
}

/** Whether the caller is national staff, who see drafts and every school. */
export type Viewer = { national: boolean };

async function requirePlan(db: Db, id: number, viewer: Viewer, lock = false) {
  const plan = await store.findPlan(db, id, lock);
  if (!plan || (plan.state === 'draft' && !viewer.national)) throw notFound('plan');
  return plan;
}

/** The plans: published and approved ones for everyone, drafts for national staff too. */
export async function listPlans(db: Db, viewer: Viewer) {
  return { items: (await store.listPlans(db, viewer.national)).map(planSummary) };
}

/** One plan with its published versions. */
export async function getPlan(db: Db, viewer: Viewer, id: number) {
  return planView(db, await requirePlan(db, id, viewer));
}

/** Creates a draft plan; it becomes readable by schools when published. */
export async function createPlan(db: Db, ctx: ChangeContext, input: PlanInput, locale: Locale) {
  return db.transaction(async (tx) => {
    const problems = await checkPlan(tx, input, locale);
    if (problems.length) throw new AppError(422, 'plan_invalid', {}, problems);
    const plan = await store.insertPlan(tx, { ...input, state: 'draft', version: 0 });
    await audit(tx, ctx, { action: 'create', entity: 'allocation_plan', entityId: plan.id, after: plan });
    return planView(tx, plan);
  });
}

/**
 * The refusal of a plan's save made from an old edit version: 409 `stale_version` with both versions, as
 * `staleVersion` (`src/server/versions.ts`) gives them, except that a plan's edit version is `editVersion`
 * (its `version` is the number of its latest published version).
 */
const stalePlan = (yours: PlanChange, current: { editVersion: number }) =>
  new AppError(409, 'stale_version', {}, { yours, current });

/**
 * Changes a plan's rules, if no one changed the plan since the caller read it (its `editVersion`). A draft just changes; a published plan is published again as its next version,
 * so schools always read the rules in force and the versions they replaced. An approved plan is locked.
 */
export async function updatePlan(
  db: Db,
  ctx: ChangeContext,
  id: number,
  { editVersion, ...input }: PlanChange,
  locale: Locale,
) {
  return db.transaction(async (tx) => {
    const before = await requirePlan(tx, id, { national: true }, true);
    if (before.state === 'approved') throw new AppError(409, 'plan_locked');
    // Changed by someone else since the caller read it (published, saved): refused with both versions.
    if (before.editVersion !== editVersion)
      throw stalePlan({ editVersion, ...input }, await planView(tx, before));
    if (before.state === 'published' && input.academicYearId !== before.academicYearId) {
      throw new AppError(409, 'plan_year_fixed');
    }
    const problems = await checkPlan(tx, input, locale);
    if (problems.length) throw new AppError(422, 'plan_invalid', {}, problems);
    const version = before.state === 'published' ? before.version + 1 : before.version;
    const after = await store.savePlan(tx, id, editVersion, { ...input, version });
    if (!after) throw stalePlan({ editVersion, ...input }, await getPlan(tx, { national: true }, id));
    if (before.state === 'published') {
      await store.insertPlanVersion(tx, {
        planId: id,
        version,
        rules: input.rules,
        publishedBy: ctx.actorId,
      });
    }
    await audit(tx, ctx, { action: 'update', entity: 'allocation_plan', entityId: id, before, after });
    return planView(tx, after);
  });
}

/** Publishes a draft as version 1: schools can read its rules and apply in its window. Publishing twice is a no-op. */
export async function publishPlan(db: Db, ctx: ChangeContext, id: number) {
  return db.transaction(async (tx) => {
    const before = await requirePlan(tx, id, { national: true }, true);
    if (before.state === 'approved') throw new AppError(409, 'plan_locked');
    if (before.state === 'published') return planView(tx, before);
    const after = await store.updatePlan(tx, id, { state: 'published', version: 1 });
    await store.insertPlanVersion(tx, {
      planId: id,
      version: 1,
      rules: after.rules,
      publishedBy: ctx.actorId,
    });
    await audit(tx, ctx, {
      action: 'publish',
      entity: 'allocation_plan',
      entityId: id,
      before: { state: before.state },
      after: { state: after.state, version: 1 },
    });
    return planView(tx, after);
  });
}

// The registry's view of schools

/** Learners of the largest shift per computer; null without computers. */
const ratioOf = (f: { largestShift: number; computers: number }) =>
  f.computers > 0 ? f.largestShift / f.computers : null;

function factsView(f: SchoolFactsRow) {
  return {
    reporting: f.reporting,
    recordState: f.recordState,
    electricity: f.electricity,
    classrooms: f.classrooms,
    students: f.students,
    largestShift: f.largestShift,
    laterShiftStudents: f.laterShiftStudents,
    computers: f.computers,
    projectors: f.projectors,
    boards: f.boards,
    linkTypes: f.linkTypes,
    educationNetwork: f.educationNetwork,
    verifiedProjects: f.verifiedProjects,
    rural: f.locality === 'rural',
    ratio: ratioOf(f),
  };
}

async function factsOfSchool(db: Db, yearId: number, institutionId: number) {
  const [row] = await schoolFacts(db, yearId, { institutionIds: [institutionId] });
  if (!row) throw notFound('institution');
  return row;
}

/** A registry row as the pure core takes it; `served`: the schools served by recent plans. */
export const toCore = (f: SchoolFactsRow, served: ReadonlySet<number>): SchoolFacts => ({
  institutionId: f.institutionId,
  regionId: f.regionId,
  students: f.students,
  largestShift: f.largestShift,
  laterShiftStudents: f.laterShiftStudents,
  computers: f.computers,
  projectors: f.projectors,
  boards: f.boards,
  classrooms: f.classrooms,
  linkTypes: f.linkTypes,
  educationNetwork: f.educationNetwork,
  verifiedProjects: f.verifiedProjects.filter((c) => (SCORED_PROJECTS as readonly string[]).includes(c))
    .length,
  rural: f.locality === 'rural',
  servedRecently: served.has(f.institutionId),
});

/** The institutions served by approved plans of the `recentYears` academic years before the plan's own. */
async function servedRecently(db: Db, plan: store.PlanRow): Promise<Set<number>> {
  if (plan.rules.recentYears === 0) return new Set();
  const years = (await institutionsStore.listAcademicYears(db)).sort((a, b) =>
    a.startsOn.localeCompare(b.startsOn),
  );
  const at = years.findIndex((y) => y.id === plan.academicYearId);
  const earlier = years.slice(Math.max(0, at - plan.rules.recentYears), Math.max(0, at)).map((y) => y.id);
  return store.servedInstitutions(db, await store.approvedPlanIds(db, earlier));
}

/** The kinds of institution the national figures count: schools, where the learner–computer norm applies. */
export const COUNTED_KINDS = ['general_school', 'vocational_college'] as const;

/** Everything a computation needs: every school's facts, the eligible candidates, and their applications. */
async function loadWorld(db: Db, plan: store.PlanRow) {
  const [facts, served, eligible] = await Promise.all([
    schoolFacts(db, plan.academicYearId),
    servedRecently(db, plan),
    store.eligibleRequests(db, plan.id),
  ]);
  const core = new Map(facts.map((f) => [f.institutionId, toCore(f, served)]));
  const candidates: Candidate[] = eligible.flatMap((a) => {
    const f = core.get(a.institutionId);
    return f ? [{ facts: f, requested: a.requested }] : [];
  });
  const counted = facts
    .filter((f) => (COUNTED_KINDS as readonly string[]).includes(f.kind))
    .map((f) => core.get(f.institutionId)!);
  return { candidates, counted };
}

// Applications

type ApplicationView = ReturnType<typeof applicationView>;

function applicationView(a: store.ApplicationRow, school: SchoolNames, locale: Locale) {
  const reasons = a.reasons ?? [];
  return {
    id: a.id,
    planId: a.planId,
    institutionId: a.institutionId,
    ...school,
    state: a.state,
    version: a.version,
    requested: a.requested as Record<string, number>,
    justification: a.justification,
    snapshot: a.snapshot,
    submittedAt: a.submittedAt.toISOString(),
    registrationNumber: a.registrationNumber,
    registeredAt: iso(a.registeredAt),
    gates: a.gates,
    reasons,
    reasonTexts: reasons.map((r) => translate(locale, `allocation.reason.${r}`)),
    examinationNote: a.examinationNote,
    examinedAt: iso(a.examinedAt),
    appealText: a.appealText,
    appealedAt: iso(a.appealedAt),
  };
}

type SchoolNames = { code: string; nameAz: string; nameRu: string; nameEn: string };

async function namesOf(db: Db, institutionId: number): Promise<SchoolNames> {
  const i = await institutionsStore.findInstitution(db, institutionId);
  if (!i) throw notFound('institution');
  return { code: i.code, nameAz: i.nameAz, nameRu: i.nameRu, nameEn: i.nameEn };
}

async function showApplication(db: Db, a: store.ApplicationRow, locale: Locale): Promise<ApplicationView> {
  return applicationView(a, await namesOf(db, a.institutionId), locale);
}

const windowOpen = (p: store.PlanRow, day = today()) =>
  p.state === 'published' && p.applicationsOpenOn <= day && day <= p.applicationsCloseOn;

/**
 * A director applies (or changes the application before the ministry registers it), in the plan's window.
 * The school's registry state is copied into the application as it stands today.
 */
export async function apply(
  db: Db,
  ctx: ChangeContext,
  planId: number,
  institutionId: number,
  input: ApplicationChange,
  locale: Locale,
) {
  return db.transaction(async (tx) => {
    // Locked: two first applications of one school at once must not both insert (the second then finds the
    // first at version 1 and is refused as stale).
    const plan = await requirePlan(tx, planId, { national: false }, true);
    if (plan.state === 'approved') throw new AppError(409, 'plan_locked');
    if (!windowOpen(plan)) {
      // Days as noon UTC: the message shows the same day whatever time zone formats it.
      throw new AppError(409, 'window_closed', {
        from: new Date(`${plan.applicationsOpenOn}T12:00:00Z`),
        to: new Date(`${plan.applicationsCloseOn}T12:00:00Z`),
      });
    }
    const problems: FieldProblem[] = [];
    const requested = Object.fromEntries(
      Object.entries(input.requested).filter(([, n]) => n !== undefined && n > 0),
    ) as Record<string, number>;
    if (Object.keys(requested).length === 0) {
      problems.push(problem(locale, 'requested', 'nothing_requested'));
    }
    for (const kind of Object.keys(requested) as AllocationKind[]) {
      if (plan.rules.units[kind] === 0) {
        problems.push(problem(locale, `requested.${kind}`, 'not_distributed', { kind }));
      }
    }
    if (problems.length) throw new AppError(422, 'application_invalid', {}, problems);
    const facts = await factsOfSchool(tx, plan.academicYearId, institutionId);
    const before = await store.findSchoolApplication(tx, planId, institutionId);
    if (before && before.state !== 'submitted') throw new AppError(409, 'application_locked');
    // Saved by someone else since the caller read it (0: not applied yet): refused with both versions.
    if ((before?.version ?? 0) !== input.version) {
      throw staleVersion(input, before ? await showApplication(tx, before, locale) : { version: 0 });
    }
    const values = {
      requested,
      justification: input.justification,
      snapshot: factsView(facts),
      submittedBy: ctx.actorId,
      submittedAt: new Date(),
    };
    const saved = before
      ? await store.saveApplication(tx, before.id, input.version, values)
      : await store.insertApplication(tx, { planId, institutionId, ...values, version: 1 });
    if (!saved) {
      const now = (await store.findSchoolApplication(tx, planId, institutionId))!;
      throw staleVersion(input, await showApplication(tx, now, locale));
    }
    const after = saved;
    await audit(tx, ctx, {
      action: before ? 'update' : 'create',
      entity: 'allocation_application',
      entityId: after.id,
      before: before ?? null,
      after,
    });
    return showApplication(tx, after, locale);
  });
}

/** The applications to a plan, for the ministry. */
export async function listApplications(db: Db, planId: number, locale: Locale) {
  const plan = await requirePlan(db, planId, { national: true });
  const list = await store.listApplications(db, planId);
  const ids = [...new Set(list.map((a) => a.institutionId))];
  // One statement for every school's names; a school closed since it applied is looked up on its own.
  const names = new Map<number, SchoolNames>(
    (await schoolFacts(db, plan.academicYearId, { institutionIds: ids })).map((f) => [
      f.institutionId,
      { code: f.code, nameAz: f.nameAz, nameRu: f.nameRu, nameEn: f.nameEn },
    ]),
  );
  for (const id of ids) if (!names.has(id)) names.set(id, await namesOf(db, id));
  return { items: list.map((a) => applicationView(a, names.get(a.institutionId)!, locale)) };
}

async function requireApplication(db: Db, id: number, lock = false) {
  const a = await store.findApplication(db, id, lock);
  if (!a) throw notFound('application');
  return a;
}

/** The checklist's gates as the registry suggests them; null where only a visit can tell (a secure room). */
async function suggestedGates(db: Db, a: store.ApplicationRow, facts: SchoolFactsRow) {
  const previous = (await store.listPlans(db, false)).filter(
    (p) => p.state === 'approved' && p.id !== a.planId,
  );
  const programmes = new Set(previous.map((p) => p.name));
  const yearAgo = new Date(clock.nowMs() - 366 * 86_400_000).toISOString().slice(0, 10);
  const unaudited = (await listDevices(db, a.institutionId)).filter(
    (d) =>
      d.status !== 'disposed' &&
      d.fundingProgramme !== null &&
      programmes.has(d.fundingProgramme) &&
      (d.lastAuditOn === null || d.lastAuditOn < yearAgo),
  );
  return {
    complete: facts.reporting && a.justification.trim().length > 0 && facts.students > 0,
    electricity: facts.electricity,
    secureRoom: null,
    audited: unaudited.length === 0,
  };
}

/** One application with the school's registry state today and the gates the registry suggests. */
export async function applicationDetail(db: Db, id: number, locale: Locale) {
  const a = await requireApplication(db, id);
  const plan = await requirePlan(db, a.planId, { national: true });
  const facts = await factsOfSchool(db, plan.academicYearId, a.institutionId);
  return {
    application: await showApplication(db, a, locale),
    facts: factsView(facts),
    suggestedGates: await suggestedGates(db, a, facts),
  };
}

/** The ministry registers an application: it gets the plan's next registration number. Registering twice is a no-op. */
export async function registerApplication(db: Db, ctx: ChangeContext, id: number, locale: Locale) {
  return db.transaction(async (tx) => {
    const before = await requireApplication(tx, id, true);
    const plan = (await store.findPlan(tx, before.planId, true))!;
    if (plan.state === 'approved') throw new AppError(409, 'plan_locked');
    if (before.registrationNumber !== null) return showApplication(tx, before, locale);
    const n = (await store.countRegistered(tx, plan.id)) + 1;
    const after = await store.updateApplication(tx, id, {
      state: 'registered',
      registrationNumber: `P${plan.id}-${String(n).padStart(5, '0')}`,
      registeredAt: new Date(),
    });
    await audit(tx, ctx, {
      action: 'register',
      entity: 'allocation_application',
      entityId: id,
      before: { state: before.state },
      after: { state: after.state, registrationNumber: after.registrationNumber },
    });
    return showApplication(tx, after, locale);
  });
}

/**
 * The examination against the checklist: every gate passed → eligible; else ineligible, with a reason code
 * for each failed gate. It can be examined again (e.g. after an appeal) until the plan is approved.
 */
export async function examineApplication(
  db: Db,
  ctx: ChangeContext,
  id: number,
  input: { gates: Record<(typeof GATES)[number], boolean>; note?: string },
  locale: Locale,
) {
  return db.transaction(async (tx) => {
    const before = await requireApplication(tx, id, true);
    const plan = (await store.findPlan(tx, before.planId, true))!;
    if (plan.state === 'approved') throw new AppError(409, 'plan_locked');
    if (before.registrationNumber === null) throw new AppError(409, 'not_registered');
    const reasons = GATES.filter((g) => !input.gates[g]).map((g) => GATE_REASONS[g]);
    const after = await store.updateApplication(tx, id, {
      state: reasons.length === 0 ? 'eligible' : 'ineligible',
      gates: input.gates,
      reasons,
      examinationNote: input.note ?? null,
      examinedBy: ctx.actorId,
      examinedAt: new Date(),
    });
    await audit(tx, ctx, {
      action: 'examine',
      entity: 'allocation_application',
      entityId: id,
      before: { state: before.state, reasons: before.reasons },
      after: { state: after.state, reasons: after.reasons, gates: after.gates },
    });
    return showApplication(tx, after, locale);
  });
}

/** The school appeals an ineligible decision in the appeals window; the ministry then examines it again. */
export async function appeal(db: Db, ctx: ChangeContext, id: number, text: string, locale: Locale) {
  return db.transaction(async (tx) => {
    const before = await requireApplication(tx, id, true);
    const plan = (await store.findPlan(tx, before.planId, true))!;
    if (plan.state === 'approved') throw new AppError(409, 'plan_locked');
    if (before.state !== 'ineligible' && before.state !== 'appealed') {
      throw new AppError(409, 'not_ineligible');
    }
    if (today() > plan.appealsCloseOn)
      throw new AppError(409, 'appeal_closed', { date: new Date(`${plan.appealsCloseOn}T12:00:00Z`) });
    const after = await store.updateApplication(tx, id, {
      state: 'appealed',
      appealText: text,
      appealedAt: new Date(),
    });
    await audit(tx, ctx, {
      action: 'appeal',
      entity: 'allocation_application',
      entityId: id,
      before: { state: before.state },
      after: { state: after.state, appealText: text },
    });
    return showApplication(tx, after, locale);
  });
}

/** The institution whose application it is, for the routes' scope checks. */
export async function institutionOfApplication(db: Db, id: number): Promise<number> {
  return (await requireApplication(db, id)).institutionId;
}

// Scoring, simulation, approval

/** What an approved plan stored for a school at approval: its score criterion by criterion. */
interface Scoring {
  criteria: Record<Criterion, number>;
  score: number;
  rank: number;
}

/** A ranked run: every eligible school's score and rank (best first), and what it gets. */
function ranked(result: ReturnType<typeof run>) {
  const order = [...result.scores].sort((a, b) => b.score - a.score || a.institutionId - b.institutionId);
  return order.map((s, i) => ({
    ...s,
    rank: i + 1,
    awarded: result.allocation.awards.get(s.institutionId) ?? {},
  }));
}

/** The ranking of a plan: projected from today's registry until approval, the locked list afterwards. */
async function rankingOf(db: Db, plan: store.PlanRow) {
  if (plan.state === 'approved') {
    const [eligible, awarded] = await Promise.all([
      store.listApplications(db, plan.id, { states: ['eligible'] }),
      store.listAwards(db, plan.id),
    ]);
    const awards = new Map<number, Record<string, number>>();
    for (const a of awarded)
      awards.set(a.institutionId, { ...awards.get(a.institutionId), [a.kind]: a.units });
    // Every eligible school ranked at approval kept its scoring; one whose record had gone (closed) did not.
    const items = eligible
      .flatMap((a) => {
        const scoring = a.snapshot.scoring as Scoring | undefined;
        return scoring ? [{ institutionId: a.institutionId, ...scoring }] : [];
      })
      .sort((a, b) => a.rank - b.rank)
      .map((s) => ({ ...s, awarded: awards.get(s.institutionId) ?? {} }));
    const served = items.filter((s) => Object.keys(s.awarded).length > 0).map((s) => s.score);
    return { items, cutOff: served.length ? Math.min(...served) : null };
  }
  return projections.get(db, String(plan.id), async () => {
    const world = await loadWorld(db, plan);
    const result = run(world.candidates, world.counted, plan.rules);
    return { items: ranked(result), cutOff: result.allocation.cutOff };
  });
}

// Until approval, every school's page shows the ranking projected from the whole country's registry: kept
// until the registry or the plan, its applications or awards change.
const projections = new RevisionCache<{ items: ReturnType<typeof ranked>; cutOff: number | null }>(
  ['registry', 'allocation'],
  20,
);

/** The ranking, a page at a time, with each school's names and region. */
export async function ranking(db: Db, planId: number, page: { limit: number; offset: number }) {
  const plan = await requirePlan(db, planId, { national: true });
  const { items, cutOff } = await rankingOf(db, plan);
  const slice = items.slice(page.offset, page.offset + page.limit);
  const facts = new Map(
    (await schoolFacts(db, plan.academicYearId, { institutionIds: slice.map((s) => s.institutionId) })).map(
      (f) => [f.institutionId, f],
    ),
  );
  return {
    cutOff,
    total: items.length,
    items: slice.map((s) => {
      const f = facts.get(s.institutionId);
      return {
        rank: s.rank,
        institutionId: s.institutionId,
        code: f?.code ?? '',
        nameAz: f?.nameAz ?? '',
        nameRu: f?.nameRu ?? '',
        nameEn: f?.nameEn ?? '',
        regionId: f?.regionId ?? null,
        score: s.score,
        criteria: s.criteria,
        awarded: s.awarded,
      };
    }),
  };
}

async function outcome(db: Db, result: ReturnType<typeof run>) {
  const areas = new Map((await institutionsStore.listAreas(db)).map((a) => [a.id, a]));
  const allocated: Record<string, number> = {};
  for (const a of result.allocation.awards.values()) {
    for (const k of ALLOCATION_KINDS) if (a[k]) allocated[k] = (allocated[k] ?? 0) + a[k];
  }
  const p: Projection = result.projection;
  return {
    cutOff: result.allocation.cutOff,
    schoolsServed: result.allocation.awards.size,
    allocated,
    leftover: result.allocation.leftover,
    national: p.national,
    regions: p.regions.map((r) => {
      const area = r.regionId === null ? undefined : areas.get(r.regionId);
      return {
        ...r,
        code: area?.code ?? null,
        nameAz: area?.nameAz ?? '—',
        nameRu: area?.nameRu ?? '—',
        nameEn: area?.nameEn ?? '—',
      };
    }),
  };
}

/**
 * A simulation: the plan as it stands and a variant (other weights, units, norm or lot size), each scored,
 * allocated and projected onto the whole country, side by side. Nothing is saved.
 */
export async function simulate(
  db: Db,
  planId: number,
  changes: Partial<Pick<PlanRules, 'weights' | 'units' | 'norm' | 'lotSize'>>,
) {
  const plan = await requirePlan(db, planId, { national: true });
  const world = await loadWorld(db, plan);
  const variantRules: PlanRules = { ...plan.rules, ...changes };
  return {
    current: await outcome(db, run(world.candidates, world.counted, plan.rules)),
    variant: await outcome(db, run(world.candidates, world.counted, variantRules)),
  };
}

/**
 * The bureau approves a published plan once every application is decided: the allocation is computed one
 * last time and locked, with each eligible school's score kept beside its application. Approving twice is a
 * no-op.
 */
export async function approvePlan(db: Db, ctx: ChangeContext, id: number) {
  return db.transaction(async (tx) => {
    const before = await requirePlan(tx, id, { national: true }, true);
    if (before.state === 'approved') return planView(tx, before);
    if (before.state !== 'published') throw new AppError(409, 'plan_not_published');
    const undecided = await store.countUndecided(tx, id);
    if (undecided > 0) throw new AppError(409, 'undecided_applications', { count: undecided });
    const world = await loadWorld(tx, before);
    const result = run(world.candidates, world.counted, before.rules);
    const scores = new Map(ranked(result).map((s) => [s.institutionId, s]));
    for (const a of await store.listApplications(tx, id, { states: ['eligible'] })) {
      const s = scores.get(a.institutionId);
      if (!s) continue;
      const scoring: Scoring = { criteria: s.criteria, score: s.score, rank: s.rank };
      await store.updateApplication(tx, a.id, { snapshot: { ...a.snapshot, scoring } });
    }
    const rows = [...result.allocation.awards].flatMap(([institutionId, a]) =>
      ALLOCATION_KINDS.filter((k) => (a[k] ?? 0) > 0).map((kind) => ({
        planId: id,
        institutionId,
        kind,
        units: a[kind]!,
        score: scores.get(institutionId)?.score ?? 0,
      })),
    );
    await store.insertAwards(tx, rows);
    const after = await store.updatePlan(tx, id, {
      state: 'approved',
      approvedBy: ctx.actorId,
      approvedAt: new Date(),
    });
    await audit(tx, ctx, {
      action: 'approve',
      entity: 'allocation_plan',
      entityId: id,
      before: { state: before.state },
      after: { state: after.state, schools: result.allocation.awards.size, awards: rows.length },
    });
    return planView(tx, after);
  });
}

/** The approved list: every school that gets devices, with its score and units per kind. */
export async function awardList(db: Db, planId: number) {
  const plan = await store.findPlan(db, planId);
  if (!plan || plan.state !== 'approved') throw notFound('plan');
  const awarded = await store.listAwards(db, planId);
  const ids = [...new Set(awarded.map((a) => a.institutionId))];
  const facts = new Map(
    (await schoolFacts(db, plan.academicYearId, { institutionIds: ids })).map((f) => [f.institutionId, f]),
  );
  const items = ids.map((institutionId) => {
    const mine = awarded.filter((a) => a.institutionId === institutionId);
    const f = facts.get(institutionId);
    return {
      institutionId,
      code: f?.code ?? '',
      nameAz: f?.nameAz ?? '',
      nameRu: f?.nameRu ?? '',
      nameEn: f?.nameEn ?? '',
      score: mine[0]!.score,
      awarded: Object.fromEntries(mine.map((a) => [a.kind, a.units])),
    };
  });
  items.sort((a, b) => b.score - a.score || a.institutionId - b.institutionId);
  return { plan: planSummary(plan), items };
}

// A school's page

/** A school's page of a plan: what the registry says, its application, score, the cut-off, award and deliveries. */
export async function schoolView(
  db: Db,
  viewer: Viewer,
  planId: number,
  institutionId: number,
  locale: Locale,
) {
  const plan = await requirePlan(db, planId, viewer);
  const facts = await factsOfSchool(db, plan.academicYearId, institutionId);
  const application = await store.findSchoolApplication(db, planId, institutionId);
  let score: Scoring | null = null;
  let cutOff: number | null = null;
  let awarded: Record<string, number> = {};
  if (plan.state !== 'draft') {
    const r = await rankingOf(db, plan);
    cutOff = r.cutOff;
    const mine = r.items.find((s) => s.institutionId === institutionId);
    if (mine) {
      score = { criteria: mine.criteria, score: mine.score, rank: mine.rank };
      awarded = mine.awarded;
    }
  }
  const batches = await store.listBatches(db, planId, institutionId);
  const items = await store.itemsOf(
    db,
    batches.map((b) => b.id),
  );
  return {
    plan: planSummary(plan),
    institutionId,
    facts: factsView(facts),
    application: application ? await showApplication(db, application, locale) : null,
    hasInventory: await hasInventory(db, institutionId),
    windowOpen: windowOpen(plan),
    appealOpen: plan.state === 'published' && today() <= plan.appealsCloseOn,
    score,
    cutOff,
    awarded,
    batches: batches.map((b) => batchView(b, items)),
  };
}

// Deliveries

function batchView(b: store.BatchRow, items: store.BatchItemRow[]) {
  return {
    id: b.id,
    planId: b.planId,
    institutionId: b.institutionId,
    state: b.state,
    createdAt: b.createdAt.toISOString(),
    confirmedAt: iso(b.confirmedAt),
    note: b.note,
    items: items
      .filter((i) => i.batchId === b.id)
      .map((i) => ({ kind: i.kind, units: i.units, received: i.received, serials: i.serials ?? [] })),
  };
}

/** Per kind, what of a school's award is still to be sent: awarded − received (confirmed) − in transit. */
async function outstanding(db: Db, planId: number, institutionId: number): Promise<Map<string, number>> {
  const awarded = await store.listAwards(db, planId, institutionId);
  const batches = await store.listBatches(db, planId, institutionId);
  const items = await store.itemsOf(
    db,
    batches.map((b) => b.id),
  );
  const state = new Map(batches.map((b) => [b.id, b.state]));
  const left = new Map(awarded.map((a) => [a.kind, a.units]));
  for (const i of items) {
    const used = state.get(i.batchId) === 'confirmed' ? (i.received ?? 0) : i.units;
    left.set(i.kind, (left.get(i.kind) ?? 0) - used);
  }
  return left;
}

/** The ministry sends a delivery batch to a school: never more than what is left of its award. */
export async function createBatch(
  db: Db,
  ctx: ChangeContext,
  planId: number,
  input: { institutionId: number; items: { kind: AllocationKind; units: number }[]; note?: string },
  locale: Locale,
) {
  return db.transaction(async (tx) => {
    const plan = await requirePlan(tx, planId, { national: true }, true);
    if (plan.state !== 'approved') throw new AppError(409, 'plan_not_approved');
    await namesOf(tx, input.institutionId);
    const left = await outstanding(tx, planId, input.institutionId);
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    input.items.forEach((item, i) => {
      if (seen.has(item.kind)) problems.push(problem(locale, `items.${i}.kind`, 'duplicate'));
      seen.add(item.kind);
      const l = left.get(item.kind);
      if (l === undefined) {
        problems.push(problem(locale, `items.${i}.kind`, 'not_awarded', { kind: item.kind }));
      } else if (item.units > l) {
        problems.push(problem(locale, `items.${i}.units`, 'exceeds_award', { left: Math.max(0, l) }));
      }
    });
    if (problems.length) throw new AppError(422, 'batch_invalid', {}, problems);
    const batch = await store.insertBatch(
      tx,
      { planId, institutionId: input.institutionId, note: input.note ?? null, createdBy: ctx.actorId },
      input.items,
    );
    await audit(tx, ctx, { action: 'create', entity: 'allocation_batch', entityId: batch.id, after: input });
    return batchView(batch, await store.itemsOf(tx, [batch.id]));
  });
}

/** The school of a batch, for the routes' scope checks. */
export async function institutionOfBatch(db: Db, id: number): Promise<number> {
  const b = await store.findBatch(db, id);
  if (!b) throw notFound('batch');
  return b.institutionId;
}

/**
 * The school confirms a delivery: per kind, how many arrived and their serial numbers. Every unit received
 * enters the registry's inventory (through the registry's own service, in this transaction) with the plan as
 * its funding programme; what did not arrive stays outstanding for a later batch.
 */
export async function confirmBatch(
  db: Db,
  ctx: ChangeContext,
  id: number,
  input: { items: { kind: AllocationKind; received: number; serials: string[] }[] },
  locale: Locale,
) {
  return db.transaction(async (tx) => {
    const batch = await store.findBatch(tx, id, true);
    if (!batch) throw notFound('batch');
    if (batch.state === 'confirmed') throw new AppError(409, 'batch_confirmed');
    const plan = (await store.findPlan(tx, batch.planId))!;
    const sent = await store.itemsOf(tx, [id]);
    const problems: FieldProblem[] = [];
    const given = new Set<string>();
    const serials = new Set<string>();
    input.items.forEach((item, i) => {
      const line = sent.find((s) => s.kind === item.kind);
      if (given.has(item.kind)) problems.push(problem(locale, `items.${i}.kind`, 'duplicate'));
      given.add(item.kind);
      if (!line) {
        problems.push(problem(locale, `items.${i}.kind`, 'not_in_batch', { kind: item.kind }));
        return;
      }
      if (item.received > line.units) {
        problems.push(problem(locale, `items.${i}.received`, 'exceeds_sent', { units: line.units }));
      }
      if (item.serials.length !== item.received) {
        problems.push(problem(locale, `items.${i}.serials`, 'serials_count', { received: item.received }));
      }
      for (const s of item.serials) {
        if (serials.has(s))
          problems.push(problem(locale, `items.${i}.serials`, 'serial_repeated', { serial: s }));
        serials.add(s);
      }
    });
    for (const line of sent) {
      if (!given.has(line.kind)) problems.push(problem(locale, 'items', 'missing_kind', { kind: line.kind }));
    }
    if (problems.length) throw new AppError(422, 'batch_invalid', {}, problems);
    const day = today();
    for (const item of input.items) {
      for (const [n, serial] of item.serials.entries()) {
        await createDevice(tx, ctx, batch.institutionId, {
          assetTag: `AP${plan.id}-B${id}-${item.kind}-${n + 1}`,
          serial,
          kind: item.kind,
          model: null,
          status: 'in_use',
          condition: 'working',
          purpose: 'teaching',
          fundingProgramme: plan.name,
          acquiredOn: day,
          endOfLifeOn: null,
          lastAuditOn: null,
          nextAuditOn: null,
          note: `${plan.name}: batch ${id}`,
        });
      }
    }
    const after = await store.confirmBatch(tx, id, ctx.actorId, input.items);
    await audit(tx, ctx, {
      action: 'confirm',
      entity: 'allocation_batch',
      entityId: id,
      before: { state: batch.state },
      after: { state: after.state, items: input.items },
    });
    return batchView(after, await store.itemsOf(tx, [id]));
  });
}

/** Per school and kind of an approved plan: awarded, sent, received, and what is still undelivered. */
export async function deliveries(db: Db, planId: number) {
  const plan = await requirePlan(db, planId, { national: true });
  if (plan.state !== 'approved') throw new AppError(409, 'plan_not_approved');
  const [awarded, totals] = await Promise.all([
    store.listAwards(db, planId),
    store.deliveredTotals(db, planId),
  ]);
  const ids = [...new Set(awarded.map((a) => a.institutionId))];
  const facts = new Map(
    (await schoolFacts(db, plan.academicYearId, { institutionIds: ids })).map((f) => [f.institutionId, f]),
  );
  const byKey = new Map(totals.map((t) => [`${t.institutionId}/${t.kind}`, t]));
  return {
    items: awarded.map((a) => {
      const t = byKey.get(`${a.institutionId}/${a.kind}`);
      const f = facts.get(a.institutionId);
      const received = t?.received ?? 0;
      return {
        institutionId: a.institutionId,
        code: f?.code ?? '',
        nameAz: f?.nameAz ?? '',
        nameRu: f?.nameRu ?? '',
        nameEn: f?.nameEn ?? '',
        kind: a.kind,
        awarded: a.units,
        sent: t?.sent ?? 0,
        received,
        undelivered: Math.max(0, a.units - received),
      };
    }),
  };
}
