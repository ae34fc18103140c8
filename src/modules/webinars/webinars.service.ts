import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, forbidden, notFound, type FieldProblem } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import * as store from '@/modules/webinars/webinars.store';
import * as clock from '@/server/clock';
import { staleVersion } from '@/server/versions';

/**
 * Webinars for teachers, national (the ministry's bureau) or regional (a regional office, for its schools):
 * the schedule, registration up to a capacity, the link for those registered, attendance, and the totals of a
 * year. Every change runs in one transaction with its audit entry.
 */

defineMessages({
  en: {
    'webinars.invalid': 'The webinar cannot be saved as it is.',
    'webinars.rule.outside_area': 'is outside the area you organise for',
    'webinars.rule.national_only': 'must be one of your areas: a regional office organises regional webinars',
    'webinars.rule.unknown_area': 'is not a known area',
    'webinars.rule.in_past': 'is in the past',
    'webinars.rule.not_registered': 'is not registered for this webinar',
    'webinars.full': 'This webinar is full.',
    'webinars.cancelled': 'This webinar was cancelled.',
    'webinars.ended': 'This webinar has ended.',
    'webinars.not_started': 'Attendance can be recorded once the webinar has started.',
    'webinars.no_school': 'You are not on the staff of a school.',
  },
  az: {
    'webinars.invalid': 'Vebinarı bu şəkildə saxlamaq olmur.',
    'webinars.rule.outside_area': 'təşkil etdiyiniz ərazidən kənardadır',
    'webinars.rule.national_only':
      'ərazilərinizdən biri olmalıdır: regional idarə regional vebinarlar təşkil edir',
    'webinars.rule.unknown_area': 'məlum ərazi deyil',
    'webinars.rule.in_past': 'keçmişdədir',
    'webinars.rule.not_registered': 'bu vebinara qeydiyyatdan keçməyib',
    'webinars.full': 'Bu vebinarda yer qalmayıb.',
    'webinars.cancelled': 'Bu vebinar ləğv edilib.',
    'webinars.ended': 'Bu vebinar bitib.',
    'webinars.not_started': 'İştirak vebinar başlayandan sonra qeyd edilə bilər.',
    'webinars.no_school': 'Siz heç bir məktəbin işçisi deyilsiniz.',
  },
  ru: {
    'webinars.invalid': 'Вебинар нельзя сохранить в таком виде.',
    'webinars.rule.outside_area': 'вне территории, для которой вы организуете',
    'webinars.rule.national_only':
      'должен быть одной из ваших территорий: региональное управление проводит региональные вебинары',
    'webinars.rule.unknown_area': 'неизвестная территория',
    'webinars.rule.in_past': 'в прошлом',
    'webinars.rule.not_registered': 'не зарегистрирован на этот вебинар',
    'webinars.full': 'На этом вебинаре нет мест.',
    'webinars.cancelled': 'Этот вебинар отменён.',
    'webinars.ended': 'Этот вебинар закончился.',
    'webinars.not_started': 'Посещаемость можно отметить после начала вебинара.',
    'webinars.no_school': 'Вы не работаете ни в одной школе.',
  },
});

const problem = (locale: Locale, field: string, rule: string): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `webinars.rule.${rule}`)}`,
});
const refuseIf = (problems: FieldProblem[]) => {
  if (problems.length > 0) throw new AppError(422, 'webinars.invalid', {}, problems);
};

const isNational = (actor: Actor) => actor.grants.some((g) => g.role === 'admin' || g.role === 'bureau');
const regionalAreas = (actor: Actor) =>
  actor.grants.filter((g) => g.role === 'regional' && g.areaId !== null).map((g) => g.areaId!);
const staffSchools = (actor: Actor) => [
  ...new Set(
    actor.grants
      .filter((g) => (g.role === 'teacher' || g.role === 'director') && g.institutionId !== null)
      .map((g) => g.institutionId!),
  ),
];

/** What the caller sees: everything (national staff), else national webinars and those of their areas. */
async function visibilityOf(db: Db, actor: Actor): Promise<store.Visibility> {
  if (isNational(actor)) return 'all';
  const onPaths = new Set<number>();
  for (const id of staffSchools(actor)) {
    for (const areaId of (await institutionsStore.institutionPlace(db, id))?.areaPath ?? [])
      onPaths.add(areaId);
  }
  return { onPaths: [...onPaths], under: regionalAreas(actor) };
}

/** Whether the caller organises a webinar: national staff all, a regional office those in its areas. */
const manages = (actor: Actor, w: { areaPath: number[] | null }) =>
  isNational(actor) || (w.areaPath !== null && regionalAreas(actor).some((a) => w.areaPath!.includes(a)));

const nameKey = (locale: Locale) => (locale === 'az' ? 'Az' : locale === 'ru' ? 'Ru' : 'En');

function present(actor: Actor, locale: Locale, w: store.WebinarListRow) {
  const organiser = manages(actor, w);
  const k = nameKey(locale);
  return {
    id: w.id,
    title: w.title,
    description: w.description,
    area: w.areaId === null ? null : { id: w.areaId, name: w[`areaName${k}`] ?? '' },
    startsAt: w.startsAt.toISOString(),
    durationMinutes: w.durationMinutes,
    capacity: w.capacity,
    cancelled: w.cancelled,
    registered: w.registered,
    mine: w.mine,
    attended: w.attended,
    // The link goes to those who registered and to the organisers.
    url: w.mine || organiser ? w.url : null,
    canManage: organiser,
    version: w.version,
  };
}

export async function listWebinars(
  db: Db,
  actor: Actor,
  locale: Locale,
  query: { from?: string; to?: string },
) {
  const from = query.from ? new Date(`${query.from}T00:00:00Z`) : new Date(clock.nowMs() - 7 * 86_400_000);
  const to = query.to ? new Date(`${query.to}T00:00:00Z`) : new Date(from.getTime() + 120 * 86_400_000);
  const list = await store.listWebinars(db, await visibilityOf(db, actor), actor.userId, { from, to });
  return { items: list.map((w) => present(actor, locale, w)) };
}

/** A webinar the caller may see; one outside their view is not found. */
async function visibleWebinar(db: Db, actor: Actor, id: number): Promise<store.WebinarListRow> {
  const w = await store.findWebinar(db, id, actor.userId);
  if (!w) throw notFound('webinar');
  const v = await visibilityOf(db, actor);
  const sees =
    v === 'all' ||
    w.areaId === null ||
    v.onPaths.includes(w.areaId) ||
    (w.areaPath ?? []).some((a) => v.under.includes(a));
  if (!sees) throw notFound('webinar');
  return w;
}

export async function getWebinar(db: Db, actor: Actor, locale: Locale, id: number) {
  return present(actor, locale, await visibleWebinar(db, actor, id));
}

export interface WebinarInput {
  title: string;
  description?: string;
  areaId: number | null;
  startsAt: string;
  durationMinutes: number;
  url: string;
  capacity: number | null;
  cancelled?: boolean;
}

/** Checks who may organise for the area, and that a new time is not in the past. */
async function checkInput(db: Db, actor: Actor, locale: Locale, input: WebinarInput, isNew: boolean) {
  const problems: FieldProblem[] = [];
  if (input.areaId !== null) {
    const area = await institutionsStore.findArea(db, input.areaId);
    if (!area) problems.push(problem(locale, 'areaId', 'unknown_area'));
    else if (!isNational(actor) && !regionalAreas(actor).some((a) => area.path.includes(a)))
      problems.push(problem(locale, 'areaId', 'outside_area'));
  } else if (!isNational(actor)) {
    problems.push(problem(locale, 'areaId', 'national_only'));
  }
  if (isNew && Date.parse(input.startsAt) < clock.nowMs())
    problems.push(problem(locale, 'startsAt', 'in_past'));
  refuseIf(problems);
}

const values = (input: WebinarInput) => ({
  title: input.title.trim(),
  description: input.description ?? '',
  areaId: input.areaId,
  startsAt: new Date(input.startsAt),
  durationMinutes: input.durationMinutes,
  url: input.url,
  capacity: input.capacity,
  cancelled: input.cancelled ?? false,
});

export async function createWebinar(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  input: WebinarInput,
) {
  const id = await db.transaction(async (tx) => {
    await checkInput(tx, actor, locale, input, true);
    const row = await store.insertWebinar(tx, { ...values(input), createdBy: actor.userId });
    await audit(tx, ctx, { action: 'create', entity: 'webinar', entityId: row.id, after: row });
    return row.id;
  });
  return getWebinar(db, actor, locale, id);
}

export interface WebinarChange extends WebinarInput {
  /** The version the change was made from (see `staleVersion`). */
  version: number;
}

/** Saves a webinar's whole record, if no one saved it since the caller read it (else 409 `stale_version`). */
export async function updateWebinar(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  input: WebinarChange,
) {
  await db.transaction(async (tx) => {
    const before = await store.findWebinar(tx, id, actor.userId);
    if (!before) throw notFound('webinar');
    if (!manages(actor, before)) throw forbidden();
    if (before.version !== input.version) throw staleVersion(input, present(actor, locale, before));
    await checkInput(
      tx,
      actor,
      locale,
      input,
      before.startsAt.toISOString() !== new Date(input.startsAt).toISOString(),
    );
    // Saved by someone else between the read above and this write: the row lock made this one wait, then miss.
    const after = await store.updateWebinar(tx, id, input.version, values(input));
    if (!after)
      throw staleVersion(input, present(actor, locale, (await store.findWebinar(tx, id, actor.userId))!));
    await audit(tx, ctx, { action: 'update', entity: 'webinar', entityId: id, before, after });
  });
  return getWebinar(db, actor, locale, id);
}

const endsAt = (w: { startsAt: Date; durationMinutes: number }) =>
  w.startsAt.getTime() + w.durationMinutes * 60_000;

/** Registers the caller (a teacher or director) under their school, within the capacity. */
export async function register(db: Db, actor: Actor, ctx: ChangeContext, locale: Locale, id: number) {
  const [institutionId] = staffSchools(actor);
  if (institutionId === undefined) throw new AppError(403, 'webinars.no_school');
  const w = await visibleWebinar(db, actor, id);
  await db.transaction(async (tx) => {
    const locked = (await store.lockWebinar(tx, id))!;
    if (locked.cancelled) throw new AppError(409, 'webinars.cancelled');
    if (clock.nowMs() > endsAt(w)) throw new AppError(409, 'webinars.ended');
    if (locked.capacity !== null && (await store.countRegistrations(tx, id)) >= locked.capacity && !w.mine)
      throw new AppError(409, 'webinars.full');
    if (await store.insertRegistration(tx, { webinarId: id, userId: actor.userId, institutionId }))
      await audit(tx, ctx, {
        action: 'register',
        entity: 'webinar',
        entityId: id,
        after: { userId: actor.userId },
      });
  });
  return getWebinar(db, actor, locale, id);
}

export async function unregister(db: Db, actor: Actor, ctx: ChangeContext, locale: Locale, id: number) {
  await visibleWebinar(db, actor, id);
  await db.transaction(async (tx) => {
    if (await store.deleteRegistration(tx, id, actor.userId))
      await audit(tx, ctx, {
        action: 'unregister',
        entity: 'webinar',
        entityId: id,
        before: { userId: actor.userId },
      });
  });
  return getWebinar(db, actor, locale, id);
}

/** Who registered, for the organisers. */
export async function listRegistrations(db: Db, actor: Actor, locale: Locale, id: number) {
  const w = await visibleWebinar(db, actor, id);
  if (!manages(actor, w)) throw forbidden();
  const k = nameKey(locale);
  const list = await store.registrationsOf(db, id);
  return {
    version: w.attendanceVersion,
    items: list.map((r) => ({
      userId: r.userId,
      displayName: r.displayName,
      institution: { id: r.institutionId, name: r[`institutionName${k}`] },
      registeredAt: r.registeredAt.toISOString(),
      attended: r.attended,
    })),
  };
}

/**
 * Records who attended: the listed registrants did, the others did not. The save sends the attendance's
 * version it read: two organisers ticking the same list from one read do not overwrite each other silently.
 */
export async function recordAttendance(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  input: { version: number; attended: number[] },
) {
  const { version, attended } = input;
  const w = await visibleWebinar(db, actor, id);
  if (!manages(actor, w)) throw forbidden();
  if (clock.nowMs() < w.startsAt.getTime()) throw new AppError(409, 'webinars.not_started');
  await db.transaction(async (tx) => {
    const registered = new Set((await store.registrationsOf(tx, id)).map((r) => r.userId));
    refuseIf(
      attended.flatMap((userId, i) =>
        registered.has(userId) ? [] : [problem(locale, `attended.${i}`, 'not_registered')],
      ),
    );
    if (!(await store.bumpAttendanceVersion(tx, id, version))) {
      const yours = { version, attended };
      throw staleVersion(yours, await listRegistrations(tx, actor, locale, id));
    }
    await store.setAttendance(tx, id, attended);
    await audit(tx, ctx, { action: 'attendance', entity: 'webinar', entityId: id, after: { attended } });
  });
  return listRegistrations(db, actor, locale, id);
}

/**
 * A year's totals: webinars held, hours, registrations, attendances, teachers and schools reached. National
 * staff see the nation or any area; a regional office its own area (the first, unless it names another).
 */
export async function yearTotals(
  db: Db,
  actor: Actor,
  locale: Locale,
  query: { yearId?: number; areaId?: number },
) {
  const year =
    query.yearId === undefined
      ? (await institutionsStore.listAcademicYears(db)).find((y) => y.isCurrent)
      : await institutionsStore.findAcademicYear(db, query.yearId);
  if (!year) throw notFound('academic_year');
  let areaId = query.areaId ?? null;
  if (!isNational(actor)) {
    const own = regionalAreas(actor);
    if (areaId === null) areaId = own[0] ?? null;
    const area = areaId === null ? undefined : await institutionsStore.findArea(db, areaId);
    if (!area || !own.some((a) => area.path.includes(a))) throw forbidden();
  } else if (areaId !== null && !(await institutionsStore.findArea(db, areaId))) {
    refuseIf([problem(locale, 'areaId', 'unknown_area')]);
  }
  const v: store.Visibility =
    areaId === null
      ? 'all'
      : { onPaths: (await institutionsStore.findArea(db, areaId))!.path, under: [areaId] };
  const t = await store.totals(db, { from: year.startsOn, to: year.endsOn }, v, areaId);
  return { yearId: year.id, areaId, ...t, hours: Math.round(t.hours * 10) / 10 };
}
