import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, forbidden, notFound, type FieldProblem } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import * as clock from '@/server/clock';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import * as webinarsService from '@/modules/webinars/webinars.service';
import * as webinarsStore from '@/modules/webinars/webinars.store';
import { buildQuestion } from '@/modules/contests/contests.marking';
import type { QuestionBody, QuestionKey } from '@/modules/contests/contests.tables';
import { PROGRAMME_STATES } from '@/modules/training/training.tables';
import * as store from '@/modules/training/training.programmes.store';
import { problem, refuseIf } from '@/modules/training/training.programmes.messages';
import { canTake } from '@/modules/training/training.assessment.service';
import { promote } from '@/modules/training/training.enrolment.service';
import type {
  ProgrammeInput,
  QuestionInput,
  SessionInput,
} from '@/modules/training/training.programmes.schema';

/**
 * The year's plan and its programmes (with seats per district and the final assessment's questions), and the
 * sessions of a programme (online ones are webinars of the webinars module). Enrolments, attendance and the
 * assessment are in `training.enrolment.service.ts` and `training.assessment.service.ts`. Every change runs in
 * one transaction with its audit entry; whole-record saves carry `version`.
 */

// ---------------------------------------------------------------------------------------------------------
// Who is who

export const isNational = (actor: Actor): boolean =>
  actor.grants.some((g) => g.role === 'admin' || g.role === 'bureau');
export const regionalAreas = (actor: Actor): number[] =>
  actor.grants.filter((g) => g.role === 'regional' && g.areaId !== null).map((g) => g.areaId!);
export const schoolsAs = (actor: Actor, role: 'teacher' | 'director'): number[] => [
  ...new Set(
    actor.grants.filter((g) => g.role === role && g.institutionId !== null).map((g) => g.institutionId!),
  ),
];

/** Whether the caller runs a session: national staff any, a regional officer those of their area. */
export const runs = (actor: Actor, s: { areaId: number | null; areaPath: number[] | null }): boolean =>
  isNational(actor) || (s.areaPath !== null && regionalAreas(actor).some((a) => s.areaPath!.includes(a)));

export const nameKey = (locale: Locale) => (locale === 'az' ? 'Az' : locale === 'ru' ? 'Ru' : 'En');
export const nameIn = (
  locale: Locale,
  row: { nameAz: string | null; nameRu: string | null; nameEn: string | null },
): string => row[`name${nameKey(locale)}`] ?? '';

// ---------------------------------------------------------------------------------------------------------
// Plans

const presentPlan = (p: NonNullable<Awaited<ReturnType<typeof store.findPlan>>>) => ({
  id: p.id,
  yearId: p.yearId,
  yearCode: p.yearCode,
  title: p.title,
  budget: p.budget === null ? null : Number(p.budget),
  status: p.status,
  programmes: p.programmes,
  version: p.version,
});

export async function listPlans(db: Db) {
  return { items: (await store.listPlans(db)).map(presentPlan) };
}

export async function getPlan(db: Db, id: number) {
  const p = await store.findPlan(db, id);
  if (!p) throw notFound('plan');
  return presentPlan(p);
}

async function checkYear(db: Db, locale: Locale, yearId: number, planId: number | null) {
  const problems: FieldProblem[] = [];
  if (!(await institutionsStore.findAcademicYear(db, yearId)))
    problems.push(problem(locale, 'yearId', 'unknown_year'));
  else {
    const other = await store.planOfYear(db, yearId);
    if (other && other.id !== planId) problems.push(problem(locale, 'yearId', 'plan_exists'));
  }
  refuseIf(problems);
}

export async function createPlan(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  input: { yearId: number; title: string; budget: number | null },
) {
  const id = await db.transaction(async (tx) => {
    await checkYear(tx, locale, input.yearId, null);
    const row = await store.insertPlan(tx, {
      yearId: input.yearId,
      title: input.title.trim(),
      budget: input.budget,
      createdBy: actor.userId,
    });
    await audit(tx, ctx, { action: 'create', entity: 'training_plan', entityId: row.id, after: row });
    return row.id;
  });
  return getPlan(db, id);
}

export async function updatePlan(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  input: {
    version: number;
    yearId: number;
    title: string;
    budget: number | null;
    status: 'draft' | 'approved';
  },
) {
  await db.transaction(async (tx) => {
    const before = await store.findPlan(tx, id);
    if (!before) throw notFound('plan');
    if (before.version !== input.version) throw staleVersion(input, presentPlan(before));
    await checkYear(tx, locale, input.yearId, id);
    if (before.status === 'approved' && input.status === 'draft')
      refuseIf([problem(locale, 'status', 'backwards')]);
    const after = await store.updatePlan(tx, id, input.version, {
      yearId: input.yearId,
      title: input.title.trim(),
      budget: input.budget,
      status: input.status,
    });
    if (!after) throw staleVersion(input, presentPlan((await store.findPlan(tx, id))!));
    await audit(tx, ctx, { action: 'update', entity: 'training_plan', entityId: id, before, after });
  });
  return getPlan(db, id);
}

// ---------------------------------------------------------------------------------------------------------
// Programmes

/** Whether a teacher with these levels (their self-assessment) is below a programme's level in one of its areas. */
export function suggests(p: store.ProgrammeRow, levels: Map<string, number>): boolean {
  if (p.forBelowLevel === null || p.areaIds.length === 0 || levels.size === 0) return false;
  return p.areaIds.some((a) => levels.has(a) && levels.get(a)! < p.forBelowLevel!);
}

async function presentProgrammes(db: Db, actor: Actor, locale: Locale, list: store.ProgrammeRow[]) {
  const ids = list.map((p) => p.id);
  const [seats, counts, levels, mine, areas] = await Promise.all([
    store.seatsOf(db, ids),
    store.questionCounts(db, ids),
    store.levelsOf(db, actor.userId),
    store.myEnrolments(db, actor.userId),
    store.allFrameworkAreas(db),
  ]);
  const areaName = new Map(areas.map((a) => [a.id, a.name[locale]]));
  return Promise.all(
    list.map(async (p) => {
      const my = mine.find((e) => e.programmeId === p.id);
      return {
        id: p.id,
        planId: p.planId,
        title: p.title,
        description: p.description,
        mode: p.mode,
        frameworkId: p.frameworkId,
        areaIds: p.areaIds,
        areaNames: p.areaIds.map((a) => areaName.get(a) ?? a),
        forBelowLevel: p.forBelowLevel,
        targetGroup: p.targetGroup,
        hours: p.hours,
        passMark: p.passMark,
        validMonths: p.validMonths,
        budget: p.budget === null ? null : Number(p.budget),
        status: p.status,
        seats: seats
          .filter((s) => s.programmeId === p.id)
          .map((s) => ({ areaId: s.areaId, name: nameIn(locale, s), seats: s.seats })),
        suggested: suggests(p, levels),
        questions: counts.get(p.id) ?? 0,
        mine: my
          ? {
              id: my.id,
              status: my.status,
              sessionId: my.sessionId,
              attended: my.attended,
              score: my.score,
              canTakeAssessment: await canTake(db, my, p),
              version: my.version,
            }
          : null,
        canManage: isNational(actor),
        version: p.version,
      };
    }),
  );
}

export async function listProgrammes(
  db: Db,
  actor: Actor,
  locale: Locale,
  query: { planId?: number; status?: string },
) {
  const list = await store.listProgrammes(db, { ...query, visibleOnly: !organises(actor) });
  const items = await presentProgrammes(db, actor, locale, list);
  // The ones suggested to the caller first, keeping the order otherwise.
  items.sort((a, b) => Number(b.suggested) - Number(a.suggested));
  return { items };
}

/** Whether the caller organises: national staff and regional officers see drafts (they prepare sessions). */
const organises = (actor: Actor) => isNational(actor) || regionalAreas(actor).length > 0;

/** A programme the caller may see: drafts are the organisers' alone. */
export async function visibleProgramme(db: Db, actor: Actor, id: number): Promise<store.ProgrammeRow> {
  const p = await store.findProgramme(db, id);
  if (!p || (p.status === 'draft' && !organises(actor))) throw notFound('programme');
  return p;
}

export async function getProgramme(db: Db, actor: Actor, locale: Locale, id: number) {
  const p = await visibleProgramme(db, actor, id);
  const [one] = await presentProgrammes(db, actor, locale, [p]);
  return { ...one!, sessions: await sessionsFor(db, actor, locale, { programmeId: id }) };
}

async function checkProgramme(db: Db, locale: Locale, input: ProgrammeInput, before?: store.ProgrammeRow) {
  const problems: FieldProblem[] = [];
  let plan: store.PlanRow | undefined;
  if (input.planId !== null) {
    plan = await store.findPlan(db, input.planId);
    if (!plan) problems.push(problem(locale, 'planId', 'unknown_plan'));
  }
  if (!(await store.frameworkExists(db, input.frameworkId)))
    problems.push(problem(locale, 'frameworkId', 'unknown_framework'));
  else {
    const known = new Set((await store.frameworkAreasOf(db, input.frameworkId)).map((a) => a.id));
    input.areaIds.forEach((a, i) => {
      if (!known.has(a)) problems.push(problem(locale, `areaIds.${i}`, 'unknown_framework_area'));
    });
  }
  const seen = new Set<number>();
  for (const [i, s] of input.seats.entries()) {
    if (seen.has(s.areaId)) problems.push(problem(locale, `seats.${i}.areaId`, 'duplicate'));
    else if (!(await institutionsStore.findArea(db, s.areaId)))
      problems.push(problem(locale, `seats.${i}.areaId`, 'unknown_area'));
    seen.add(s.areaId);
  }
  if (before && input.status) {
    const from = PROGRAMME_STATES.indexOf(before.status);
    const to = PROGRAMME_STATES.indexOf(input.status);
    if (to < from && !(before.status === 'closed' && input.status === 'open'))
      problems.push(problem(locale, 'status', 'backwards'));
    if (input.status === 'open' && before.status !== 'open' && plan && plan.status !== 'approved')
      problems.push(problem(locale, 'status', 'plan_not_approved'));
  }
  refuseIf(problems);
}

const programmeValues = (input: ProgrammeInput) => ({
  planId: input.planId,
  title: input.title.trim(),
  description: input.description ?? '',
  mode: input.mode,
  frameworkId: input.frameworkId,
  areaIds: input.areaIds,
  forBelowLevel: input.forBelowLevel,
  targetGroup: input.targetGroup ?? '',
  hours: input.hours,
  passMark: input.passMark,
  validMonths: input.validMonths,
  budget: input.budget,
});

export async function createProgramme(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  input: ProgrammeInput,
) {
  const id = await db.transaction(async (tx) => {
    await checkProgramme(tx, locale, input);
    const row = await store.insertProgramme(tx, { ...programmeValues(input), createdBy: actor.userId });
    await store.replaceSeats(tx, row.id, input.seats);
    await audit(tx, ctx, {
      action: 'create',
      entity: 'training_programme',
      entityId: row.id,
      after: { ...row, seats: input.seats },
    });
    return row.id;
  });
  return getProgramme(db, actor, locale, id);
}

export async function updateProgramme(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  input: ProgrammeInput & { version: number },
) {
  await db.transaction(async (tx) => {
    // The programme's row is the lock every change of its places takes (its seats change here).
    const before = await store.findProgramme(tx, id, true);
    if (!before) throw notFound('programme');
    if (before.version !== input.version)
      throw staleVersion(input, await getProgramme(tx, actor, locale, id));
    await checkProgramme(tx, locale, input, before);
    const after = await store.updateProgramme(tx, id, input.version, {
      ...programmeValues(input),
      status: input.status,
    });
    if (!after) throw staleVersion(input, await getProgramme(tx, actor, locale, id));
    await store.replaceSeats(tx, id, input.seats);
    await audit(tx, ctx, {
      action: 'update',
      entity: 'training_programme',
      entityId: id,
      before,
      after: { ...after, seats: input.seats },
    });
    // More seats for a district may give its waiting teachers places.
    await promote(tx, ctx, id);
  });
  return getProgramme(db, actor, locale, id);
}

/** The frameworks a programme may develop, with their areas and levels, for the programme form. */
export async function programmeOptions(db: Db, locale: Locale) {
  const [list, areas] = await Promise.all([store.allFrameworks(db), store.allFrameworkAreas(db)]);
  return {
    frameworks: list.map((f) => ({
      id: f.id,
      name: f.name[locale],
      levels: f.levels.map((l) => l.code),
      areas: areas
        .filter((a) => a.frameworkId === f.id)
        .sort((a, b) => a.position - b.position)
        .map((a) => ({ id: a.id, name: a.name[locale] })),
    })),
  };
}

export async function programmeResults(db: Db, locale: Locale, id: number) {
  const p = await store.findProgramme(db, id);
  if (!p) throw notFound('programme');
  const seats = await store.seatsOf(db, [id]);
  const rows = await store.results(db, id);
  return {
    programmeId: id,
    byArea: rows.map((r) => ({
      areaId: r.areaId,
      name: nameIn(locale, r),
      seats: seats.find((s) => s.areaId === r.areaId)?.seats ?? null,
      enrolled: r.enrolled,
      approved: r.approved,
      waiting: r.waiting,
      attended: r.attended,
      passed: r.passed,
      failed: r.failed,
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Questions of the final assessment: authored in the contests engine's kinds, checked by its `buildQuestion`

/** The stored body of a training question: the contests engine's body with its prompt. */
export type StoredBody = QuestionBody & { prompt: string };

export async function getQuestions(db: Db, id: number) {
  const p = await store.findProgramme(db, id);
  if (!p) throw notFound('programme');
  const list = await store.questionsOf(db, id);
  return {
    programmeId: id,
    version: p.version,
    questions: list.map((q) => {
      const body = q.body as StoredBody;
      return {
        id: q.id,
        kind: q.kind as QuestionInput['kind'],
        points: q.points,
        ...body,
        ...(q.answer as QuestionKey),
      };
    }),
  };
}

/** Replaces the whole assessment; saved with the programme's version (a change of the programme). */
export async function saveQuestions(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  input: { version: number; questions: QuestionInput[] },
) {
  await db.transaction(async (tx) => {
    const before = await store.findProgramme(tx, id);
    if (!before) throw notFound('programme');
    if (before.version !== input.version) throw staleVersion(input, await getQuestions(tx, id));
    const problems: FieldProblem[] = [];
    const built = input.questions.map((q, i) => {
      const { prompt, points, ...parts } = q;
      const out = buildQuestion(parts);
      if ('problems' in out) {
        for (const p of out.problems)
          problems.push(problem(locale, `questions.${i}.${p.field}`, 'question', { rule: p.rule }));
        return null;
      }
      return {
        kind: q.kind,
        body: { prompt: prompt.trim(), ...out.body },
        answer: out.key,
        points: points ?? 1,
      };
    });
    refuseIf(problems);
    if (!(await store.updateProgramme(tx, id, input.version, {})))
      throw staleVersion(input, await getQuestions(tx, id));
    const list = built.filter((q) => q !== null);
    await store.replaceQuestions(tx, id, list);
    await audit(tx, ctx, { action: 'questions', entity: 'training_programme', entityId: id, after: list });
  });
  return getQuestions(db, id);
}

// ---------------------------------------------------------------------------------------------------------
// Sessions

/** Whether a teacher of a school on `schoolPaths` may choose a session: open to all, or of their district. */
const sessionFits = (s: { areaId: number | null }, schoolPaths: number[][]) =>
  s.areaId === null || schoolPaths.some((p) => p.includes(s.areaId!));

export async function schoolPathsOf(db: Db, actor: Actor): Promise<number[][]> {
  const paths: number[][] = [];
  for (const id of [...schoolsAs(actor, 'teacher'), ...schoolsAs(actor, 'director')])
    paths.push((await institutionsStore.institutionPlace(db, id))?.areaPath ?? []);
  return paths;
}

async function presentSessions(db: Db, actor: Actor, locale: Locale, list: store.SessionListRow[]) {
  const paths = await schoolPathsOf(db, actor);
  const mine = await store.myEnrolments(db, actor.userId);
  return Promise.all(
    list.map(async (s) => {
      const manages = runs(actor, s);
      const holds = mine.some(
        (e) => e.sessionId === s.id && (store.HOLDING as readonly string[]).includes(e.status),
      );
      const webinar =
        s.webinarId !== null && (manages || holds)
          ? await webinarsStore.findWebinar(db, s.webinarId, actor.userId)
          : undefined;
      return {
        id: s.id,
        programmeId: s.programmeId,
        programmeTitle: s.programmeTitle,
        area:
          s.areaId === null
            ? null
            : {
                id: s.areaId,
                name: nameIn(locale, { nameAz: s.areaNameAz, nameRu: s.areaNameRu, nameEn: s.areaNameEn }),
              },
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        place: s.place,
        webinarId: s.webinarId,
        link: webinar?.url ?? null,
        capacity: s.capacity,
        taken: s.taken,
        waiting: s.waiting,
        cancelled: s.cancelled,
        canManage: manages,
        canEnrol: !s.cancelled && s.endsAt.getTime() > clock.nowMs() && sessionFits(s, paths),
        version: s.version,
      };
    }),
  );
}

async function sessionsFor(
  db: Db,
  actor: Actor,
  locale: Locale,
  filter: { programmeId?: number; manage?: boolean },
) {
  let list = await store.listSessions(db, { programmeId: filter.programmeId });
  if (filter.manage) list = list.filter((s) => runs(actor, s));
  return presentSessions(db, actor, locale, list);
}

/** The sessions the caller runs (a regional officer: their district's; national staff: all). */
export async function listManagedSessions(
  db: Db,
  actor: Actor,
  locale: Locale,
  query: { programmeId?: number },
) {
  const underAreas = isNational(actor) ? 'all' : regionalAreas(actor);
  const list = (await store.listSessions(db, { programmeId: query.programmeId, underAreas })).filter((s) =>
    runs(actor, s),
  );
  return { items: await presentSessions(db, actor, locale, list) };
}

/** A session the caller may see (its programme visible); for changes, one they run. */
export async function visibleSession(db: Db, actor: Actor, id: number, manage = false) {
  const s = await store.findSession(db, id);
  if (!s) throw notFound('session');
  await visibleProgramme(db, actor, s.programmeId);
  if (manage && !runs(actor, s)) {
    // A session of another district is not theirs to see as an organiser.
    if (!isNational(actor) && regionalAreas(actor).length > 0) throw notFound('session');
    throw forbidden();
  }
  return s;
}

export async function getSession(db: Db, actor: Actor, locale: Locale, id: number) {
  const s = await visibleSession(db, actor, id);
  return (await presentSessions(db, actor, locale, [s]))[0]!;
}

async function checkSession(
  db: Db,
  actor: Actor,
  locale: Locale,
  programme: store.ProgrammeRow,
  input: SessionInput,
  isNew: boolean,
) {
  const problems: FieldProblem[] = [];
  if (input.areaId !== null) {
    const area = await institutionsStore.findArea(db, input.areaId);
    if (!area) problems.push(problem(locale, 'areaId', 'unknown_area'));
    else if (!isNational(actor) && !regionalAreas(actor).some((a) => area.path.includes(a)))
      problems.push(problem(locale, 'areaId', 'outside_area'));
  } else if (!isNational(actor)) problems.push(problem(locale, 'areaId', 'national_only'));
  if (Date.parse(input.endsAt) <= Date.parse(input.startsAt))
    problems.push(problem(locale, 'endsAt', 'ends_before_start'));
  if (isNew && Date.parse(input.endsAt) < clock.nowMs()) problems.push(problem(locale, 'endsAt', 'in_past'));
  if (programme.mode === 'online' && !input.url) problems.push(problem(locale, 'url', 'needs_link'));
  if (programme.mode === 'in_person' && !input.place?.trim())
    problems.push(problem(locale, 'place', 'needs_place'));
  refuseIf(problems);
}

/** The webinar of an online session: its fields from the session's. */
const webinarOf = (programme: store.ProgrammeRow, input: SessionInput) => ({
  title: programme.title,
  description: programme.description,
  areaId: input.areaId,
  startsAt: new Date(input.startsAt).toISOString(),
  durationMinutes: Math.min(
    600,
    Math.max(5, Math.round((Date.parse(input.endsAt) - Date.parse(input.startsAt)) / 60_000)),
  ),
  url: input.url!,
  capacity: input.capacity,
  cancelled: input.cancelled ?? false,
});

export async function createSession(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  programmeId: number,
  input: SessionInput,
) {
  const id = await db.transaction(async (tx) => {
    const programme = await visibleProgramme(tx, actor, programmeId);
    await checkSession(tx, actor, locale, programme, input, true);
    // An online or blended session with a link is a webinar: the webinars module keeps its schedule and link.
    const webinar = input.url
      ? await webinarsService.createWebinar(tx, actor, ctx, locale, webinarOf(programme, input))
      : null;
    const row = await store.insertSession(tx, {
      programmeId,
      areaId: input.areaId,
      startsAt: new Date(input.startsAt),
      endsAt: new Date(input.endsAt),
      place: input.place?.trim() || null,
      webinarId: webinar?.id ?? null,
      capacity: input.capacity,
      createdBy: actor.userId,
    });
    await audit(tx, ctx, { action: 'create', entity: 'training_session', entityId: row.id, after: row });
    return row.id;
  });
  return getSession(db, actor, locale, id);
}

export async function updateSession(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  input: SessionInput & { version: number; cancelled: boolean },
) {
  await db.transaction(async (tx) => {
    const seen = await visibleSession(tx, actor, id, true);
    // The programme's row is the lock every change of its places takes (capacity, cancellation change them).
    const programme = (await store.findProgramme(tx, seen.programmeId, true))!;
    const before = (await store.findSession(tx, id))!;
    if (before.version !== input.version) throw staleVersion(input, await getSession(tx, actor, locale, id));
    await checkSession(tx, actor, locale, programme, input, false);
    let webinarId = before.webinarId;
    if (input.url) {
      if (webinarId === null)
        webinarId = (await webinarsService.createWebinar(tx, actor, ctx, locale, webinarOf(programme, input)))
          .id;
      else {
        const w = await webinarsService.getWebinar(tx, actor, locale, webinarId);
        await webinarsService.updateWebinar(tx, actor, ctx, locale, webinarId, {
          ...webinarOf(programme, input),
          version: w.version,
        });
      }
    }
    const after = await store.updateSession(tx, id, input.version, {
      areaId: input.areaId,
      startsAt: new Date(input.startsAt),
      endsAt: new Date(input.endsAt),
      place: input.place?.trim() || null,
      webinarId,
      capacity: input.capacity,
      cancelled: input.cancelled,
    });
    if (!after) throw staleVersion(input, await getSession(tx, actor, locale, id));
    await audit(tx, ctx, { action: 'update', entity: 'training_session', entityId: id, before, after });
    if (input.cancelled && !before.cancelled) {
      // A cancelled session releases its places: those with one (not yet attended) or waiting are rejected
      // and may choose another session.
      for (const e of await store.releaseSession(tx, id, actor.userId, clock.now()))
        await audit(tx, ctx, {
          action: 'release',
          entity: 'training_enrolment',
          entityId: e.id,
          after: { status: 'rejected', sessionId: id },
        });
    }
    // More room (a larger capacity, places released) goes to the waiting teachers, in order.
    await promote(tx, ctx, before.programmeId);
  });
  return getSession(db, actor, locale, id);
}

export const notStarted = () => new AppError(409, 'training.not_started');
