import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, notFound, type FieldProblem } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import * as clock from '@/server/clock';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { grantsOfUser, peopleWithRolesAt } from '@/modules/identity/identity.store';
import { schoolToday } from '@/modules/classroom/classroom.service';
import type { Localised } from '@/modules/training/training.tables';
import type { PackFrameworkLevel } from '@/modules/training/training.frameworks.pack';
import * as store from '@/modules/training/training.frameworks.store';
import '@/modules/training/training.frameworks.messages';

/**
 * Competency frameworks and the self-assessment (docs/training.md). A teacher (or a director, who teaches)
 * answers the questionnaire of the framework marked `selfAssessment`, saved as they go; submitting computes a
 * level per area, replaces the person's current levels and keeps their school's counts in the same
 * transaction. The answers are the person's alone; the director sees the staff's levels; above the school,
 * counts only.
 */

const problem = (locale: Locale, field: string, rule: string): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `training.rule.${rule}`)}`,
});

const pick = (text: Localised, locale: Locale) => text[locale];

/** The schools where a person teaches or directs, by their grants, first the first granted. */
const staffSchoolsIn = (grants: readonly { role: string; institutionId: number | null }[]) => [
  ...new Set(
    grants
      .filter((g) => (g.role === 'teacher' || g.role === 'director') && g.institutionId !== null)
      .map((g) => g.institutionId!),
  ),
];
/** The schools where the caller teaches or directs, first the first granted. */
const staffSchools = (actor: Actor) => staffSchoolsIn(actor.grants);

type Levels = PackFrameworkLevel[];
const levelsOf = (f: store.FrameworkRow) => f.levels as Levels;

const levelView = (levels: Levels, index: number, locale: Locale) => {
  const l = levels[index]!;
  return { index, code: l.code, name: pick(l.name, locale), description: pick(l.description, locale) };
};

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

// ---------------------------------------------------------------------------------------------------------
// The scoring rule
// ---------------------------------------------------------------------------------------------------------

/**
 * An area's level: the share of the area's points the answers reach (the sum of the chosen answers' scores
 * over the sum of each question's best score), placed among the levels' `minPercent` bands — the highest
 * level whose `minPercent` the share reaches. DigCompEdu: A1 below 20 %, A2 from 20 %, B1 40 %, B2 55 %,
 * C1 70 %, C2 85 %.
 */
export function levelForShare(
  levels: readonly { minPercent: number }[],
  score: number,
  maxScore: number,
): number {
  const percent = maxScore === 0 ? 0 : (score * 100) / maxScore;
  let level = 0;
  levels.forEach((l, i) => {
    if (percent + 1e-9 >= l.minPercent) level = i;
  });
  return level;
}

/** Each area's score, best score and level from a sitting's answers (every question answered). */
export function scoreSitting(
  levels: readonly { minPercent: number }[],
  areas: readonly { id: string }[],
  items: readonly { id: string; areaId: string; options: { score: number }[] }[],
  answers: ReadonlyMap<string, number>,
): { areaId: string; score: number; maxScore: number; level: number }[] {
  return areas.map((a) => {
    let score = 0;
    let maxScore = 0;
    for (const q of items) {
      if (q.areaId !== a.id) continue;
      maxScore += Math.max(...q.options.map((o) => o.score));
      const choice = answers.get(q.id);
      if (choice !== undefined) score += q.options[choice]?.score ?? 0;
    }
    return { areaId: a.id, score, maxScore, level: levelForShare(levels, score, maxScore) };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Frameworks
// ---------------------------------------------------------------------------------------------------------

export async function listFrameworks(db: Db, locale: Locale) {
  const list = await store.listFrameworks(db);
  const out = [];
  for (const f of list) {
    const [areas, competencies] = await Promise.all([
      store.areasOf(db, f.id),
      store.competenciesOf(db, f.id),
    ]);
    out.push({
      id: f.id,
      name: pick(f.name, locale),
      description: pick(f.description, locale),
      selfAssessment: f.selfAssessment,
      levels: levelsOf(f).map((_, i) => levelView(levelsOf(f), i, locale)),
      areas: areas.length,
      competencies: competencies.length,
    });
  }
  return { items: out };
}

export async function getFramework(db: Db, locale: Locale, id: string) {
  const f = await store.findFramework(db, id);
  if (!f) throw notFound('framework');
  const [areas, competencies, links] = await Promise.all([
    store.areasOf(db, id),
    store.competenciesOf(db, id),
    store.linksOf(db, id),
  ]);
  return {
    id: f.id,
    name: pick(f.name, locale),
    description: pick(f.description, locale),
    selfAssessment: f.selfAssessment,
    levels: levelsOf(f).map((_, i) => levelView(levelsOf(f), i, locale)),
    areas: areas.map((a) => ({
      id: a.id,
      name: pick(a.name, locale),
      description: pick(a.description, locale),
      competencies: competencies
        .filter((k) => k.areaId === a.id)
        .map((k) => ({
          id: k.id,
          name: pick(k.name, locale),
          descriptor: pick(k.descriptor, locale),
          related: links
            .filter((l) => l.competencyId === k.id)
            .map((l) => ({
              id: l.relatedId,
              frameworkId: l.relatedFramework,
              name: pick(l.relatedName, locale),
            })),
        })),
    })),
  };
}

async function selfFramework(db: Db): Promise<store.FrameworkRow> {
  const f = await store.selfAssessmentFramework(db);
  if (!f) throw new AppError(404, 'training.no_self_assessment');
  return f;
}

// ---------------------------------------------------------------------------------------------------------
// A teacher's sittings
// ---------------------------------------------------------------------------------------------------------

const roundView = (r: store.RoundRow) => ({
  id: r.id,
  opensOn: r.opensOn,
  closesOn: r.closesOn,
  message: r.message,
});

/** A sitting of the caller; anyone else's is not found (the answers are the person's alone). */
async function ownSitting(db: Db, actor: Actor, id: number): Promise<store.SittingRow> {
  const s = await store.findSitting(db, id);
  if (!s || s.userId !== actor.userId) throw notFound('sitting');
  return s;
}

async function sittingView(db: Db, locale: Locale, s: store.SittingRow) {
  const [areas, items, answers] = await Promise.all([
    store.areasOf(db, s.frameworkId),
    store.itemsOf(db, s.frameworkId),
    store.answersOf(db, s.id),
  ]);
  const round = s.roundId === null ? null : ((await store.roundById(db, s.roundId)) ?? null);
  const known = new Set(items.map((q) => q.id));
  const mine = answers.filter((a) => known.has(a.itemId));
  return {
    id: s.id,
    status: s.status,
    frameworkId: s.frameworkId,
    startedAt: s.startedAt.toISOString(),
    submittedAt: iso(s.submittedAt),
    round: round ? roundView(round) : null,
    areas: areas.map((a) => ({
      id: a.id,
      name: pick(a.name, locale),
      description: pick(a.description, locale),
      items: items
        .filter((q) => q.areaId === a.id)
        .map((q) => ({
          id: q.id,
          text: pick(q.text, locale),
          options: q.options.map((o) => pick(o.text, locale)),
        })),
    })),
    answers: Object.fromEntries(mine.map((a) => [a.itemId, a.choice])),
    answered: mine.length,
    total: items.length,
    version: s.version,
  };
}

/** Starts a sitting of the self-assessment, or gives back the one open (one per person and framework). */
export async function startSitting(db: Db, actor: Actor, ctx: ChangeContext, locale: Locale) {
  const f = await selfFramework(db);
  const schools = staffSchools(actor);
  const sitting = await db.transaction(async (tx) => {
    const open = await store.findOpenSitting(tx, actor.userId, f.id);
    if (open) return open;
    const [round] = await store.openRoundsAt(tx, schools, f.id, schoolToday());
    const made = await store.insertSitting(tx, {
      userId: actor.userId,
      frameworkId: f.id,
      institutionId: round?.institutionId ?? schools[0] ?? null,
      roundId: round?.id ?? null,
    });
    // Two tabs started at once: the other one's insert won; this one resumes it.
    if (!made) return (await store.findOpenSitting(tx, actor.userId, f.id))!;
    await audit(tx, ctx, {
      action: 'start',
      entity: 'training_self_assessment',
      entityId: made.id,
      after: { frameworkId: f.id },
    });
    return made;
  });
  return sittingView(db, locale, sitting);
}

export async function getSitting(db: Db, actor: Actor, locale: Locale, id: number) {
  return sittingView(db, locale, await ownSitting(db, actor, id));
}

/**
 * Saves answers of an open sitting (an area's page, or one answer): each replaces the previous answer to its
 * question, so saving the same page twice changes nothing and a reload resumes where the person stopped.
 */
export async function saveAnswers(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  input: { answers: { itemId: string; choice: number }[] },
) {
  return db.transaction(async (tx) => {
    const s = await store.lockSitting(tx, id);
    if (!s || s.userId !== actor.userId) throw notFound('sitting');
    if (s.status !== 'open') throw new AppError(409, 'training.submitted');
    const items = new Map((await store.itemsOf(tx, s.frameworkId)).map((q) => [q.id, q]));
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    input.answers.forEach((a, i) => {
      const q = items.get(a.itemId);
      if (!q) problems.push(problem(locale, `answers.${i}.itemId`, 'unknown_item'));
      else if (seen.has(a.itemId)) problems.push(problem(locale, `answers.${i}.itemId`, 'twice'));
      else if (a.choice >= q.options.length)
        problems.push(problem(locale, `answers.${i}.choice`, 'unknown_choice'));
      seen.add(a.itemId);
    });
    if (problems.length > 0) throw new AppError(422, 'training.answers_invalid', {}, problems);
    await store.saveAnswers(tx, id, input.answers, clock.now());
    // Which answers, never: the audit log is read by administrators, the answers are the teacher's alone.
    await audit(tx, ctx, {
      action: 'answer',
      entity: 'training_self_assessment',
      entityId: id,
      after: { answered: input.answers.length },
    });
    const answers = await store.answersOf(tx, id);
    return {
      answered: answers.filter((a) => items.has(a.itemId)).length,
      total: items.size,
      version: s.version + 1,
    };
  });
}

/**
 * Submits a sitting: every question answered, a level per area (`scoreSitting`), the results written, the
 * person's current levels replaced and their school's counts moved — the old level decremented, the new one
 * incremented — all in one transaction. Submits at one school take its counts' lock in turn.
 */
export async function submitSitting(db: Db, actor: Actor, ctx: ChangeContext, locale: Locale, id: number) {
  await db.transaction(async (tx) => {
    const s = await store.lockSitting(tx, id);
    if (!s || s.userId !== actor.userId) throw notFound('sitting');
    if (s.status !== 'open') throw new AppError(409, 'training.submitted');
    const f = (await store.findFramework(tx, s.frameworkId))!;
    // One after another: a transaction is one connection.
    const areas = await store.areasOf(tx, f.id);
    const items = await store.itemsOf(tx, f.id);
    const answerRows = await store.answersOf(tx, id);
    const answers = new Map(answerRows.map((a) => [a.itemId, a.choice]));
    const missing = items.filter((q) => !answers.has(q.id));
    if (missing.length > 0)
      throw new AppError(
        422,
        'training.incomplete',
        {},
        missing.map((q) => problem(locale, `answers.${q.id}`, 'unanswered')),
      );
    const results = scoreSitting(levelsOf(f), areas, items, answers);
    const at = clock.now();
    await store.markSubmitted(tx, id, at);
    await store.insertResults(
      tx,
      id,
      results.map((r) => ({ areaId: r.areaId, score: r.score, level: r.level })),
    );
    const before = new Map(
      (await store.lockTeacherLevels(tx, actor.userId)).map((l) => [l.areaId, l] as const),
    );
    // The school whose counts they join: where they teach now (else where they started) — read after the
    // levels' lock, so a role taken back meanwhile (`followTeacher`, in its transaction) is seen.
    const teaching = staffSchoolsIn(await grantsOfUser(tx, actor.userId));
    const institutionId = teaching[0] ?? s.institutionId;
    const changes: { institutionId: number; areaId: string; level: number; delta: number }[] = [];
    for (const r of results) {
      const old = before.get(r.areaId);
      if (old && old.institutionId === institutionId && old.level === r.level) continue;
      if (old?.institutionId != null)
        changes.push({ institutionId: old.institutionId, areaId: r.areaId, level: old.level, delta: -1 });
      if (institutionId !== null) changes.push({ institutionId, areaId: r.areaId, level: r.level, delta: 1 });
    }
    await store.lockSchoolCounts(
      tx,
      changes.map((c) => c.institutionId),
    );
    await store.changeSchoolCounts(tx, changes);
    await store.upsertTeacherLevels(
      tx,
      results.map((r) => ({
        userId: actor.userId,
        areaId: r.areaId,
        institutionId,
        level: r.level,
        assessedAt: at,
      })),
    );
    await audit(tx, ctx, {
      action: 'submit',
      entity: 'training_self_assessment',
      entityId: id,
      after: { frameworkId: f.id },
    });
  });
  return resultOf(db, actor, locale, id);
}

/**
 * A person's roles changed: when they no longer teach or direct at the school their competence levels are
 * counted at, the levels move to the school where they teach now (the first granted), or out of every
 * school's counts when they teach nowhere; the schools' counts (`training_school_level`) move with them, in
 * the same transaction. Registered as a listener of `src/server/grant-events.ts`.
 */
export async function followTeacher(tx: Db, userId: number): Promise<void> {
  const levels = await store.lockTeacherLevels(tx, userId);
  const schools = staffSchoolsIn(await grantsOfUser(tx, userId));
  // Each level where it is counted (levels of frameworks assessed at different times may be at different
  // schools): those at a school the person still teaches at stay; the others go to the first school.
  const moving = levels.filter((l) => l.institutionId === null || !schools.includes(l.institutionId));
  const to = schools[0] ?? null;
  const moved = moving.filter((l) => l.institutionId !== to);
  if (moved.length === 0) return;
  const changes = moved.flatMap((l) => [
    ...(l.institutionId !== null
      ? [{ institutionId: l.institutionId, areaId: l.areaId, level: l.level, delta: -1 }]
      : []),
    ...(to !== null ? [{ institutionId: to, areaId: l.areaId, level: l.level, delta: 1 }] : []),
  ]);
  await store.lockSchoolCounts(
    tx,
    changes.map((c) => c.institutionId),
  );
  await store.changeSchoolCounts(tx, changes);
  await store.upsertTeacherLevels(
    tx,
    moved.map((l) => ({ ...l, institutionId: to })),
  );
}

/** A submitted sitting's levels with their explanations, and the open programmes suggested for them. */
async function resultOf(db: Db, actor: Actor, locale: Locale, id: number) {
  const s = await ownSitting(db, actor, id);
  const f = (await store.findFramework(db, s.frameworkId))!;
  const [areas, items, results] = await Promise.all([
    store.areasOf(db, f.id),
    store.itemsOf(db, f.id),
    store.resultsOf(db, id),
  ]);
  const byArea = new Map(results.map((r) => [r.areaId, r]));
  const names = new Map(areas.map((a) => [a.id, pick(a.name, locale)]));
  const maxOf = (areaId: string) =>
    items
      .filter((q) => q.areaId === areaId)
      .reduce((sum, q) => sum + Math.max(...q.options.map((o) => o.score)), 0);
  const suggestions = await store.suggestedProgrammes(
    db,
    f.id,
    results.map((r) => ({ areaId: r.areaId, level: r.level })),
  );
  return {
    sittingId: id,
    submittedAt: iso(s.submittedAt)!,
    areas: areas
      .filter((a) => byArea.has(a.id))
      .map((a) => {
        const r = byArea.get(a.id)!;
        return {
          areaId: a.id,
          name: pick(a.name, locale),
          score: r.score,
          maxScore: maxOf(a.id),
          level: levelView(levelsOf(f), r.level, locale),
        };
      }),
    suggestions: suggestions.map((p) => ({
      id: p.id,
      title: p.title,
      description: p.description,
      mode: p.mode,
      hours: p.hours,
      areas: p.areaIds.filter((a) => names.has(a)).map((a) => ({ id: a, name: names.get(a)! })),
    })),
  };
}

export async function getResult(db: Db, actor: Actor, locale: Locale, id: number) {
  const s = await ownSitting(db, actor, id);
  if (s.status !== 'submitted') throw notFound('result');
  return resultOf(db, actor, locale, id);
}

/** The caller's page: the framework, the latest result with suggestions, the open sitting, rounds, history. */
export async function myCompetence(db: Db, actor: Actor, locale: Locale) {
  const f = await store.selfAssessmentFramework(db);
  if (!f) return { framework: null, items: 0, current: null, open: null, rounds: [], history: [] };
  const levels = levelsOf(f);
  const [areas, items, sittings, rounds] = await Promise.all([
    store.areasOf(db, f.id),
    store.itemsOf(db, f.id),
    store.sittingsOf(db, actor.userId),
    store.openRoundsAt(db, staffSchools(actor), f.id, schoolToday()),
  ]);
  const names = new Map(areas.map((a) => [a.id, pick(a.name, locale)]));
  const mine = sittings.filter((s) => s.frameworkId === f.id);
  const open = mine.find((s) => s.status === 'open');
  const latest = mine.find((s) => s.status === 'submitted');
  const known = new Set(items.map((q) => q.id));
  return {
    framework: {
      id: f.id,
      name: pick(f.name, locale),
      levels: levels.map((_, i) => levelView(levels, i, locale)),
    },
    items: items.length,
    current: latest ? await resultOf(db, actor, locale, latest.id) : null,
    open: open
      ? {
          id: open.id,
          answered: (await store.answersOf(db, open.id)).filter((a) => known.has(a.itemId)).length,
          total: items.length,
        }
      : null,
    rounds: rounds.map(roundView),
    history: mine.map((s) => ({
      id: s.id,
      status: s.status,
      startedAt: s.startedAt.toISOString(),
      submittedAt: iso(s.submittedAt),
      levels: s.results
        .filter((r) => names.has(r.areaId))
        .sort((a, b) => areas.findIndex((x) => x.id === a.areaId) - areas.findIndex((x) => x.id === b.areaId))
        .map((r) => ({
          areaId: r.areaId,
          name: names.get(r.areaId)!,
          level: levelView(levels, r.level, locale),
        })),
    })),
  };
}

/** A person's current level per area of the self-assessment framework (index into its levels), for others' modules. */
export async function currentLevels(
  db: Db,
  userId: number,
): Promise<{ areaId: string; level: number; assessedAt: Date }[]> {
  return (await store.teacherLevelsOf(db, [userId])).map((l) => ({
    areaId: l.areaId,
    level: l.level,
    assessedAt: l.assessedAt,
  }));
}

/** Current levels of many people (a school's nominees, a programme's enrolled), by person. */
export async function currentLevelsOf(
  db: Db,
  userIds: number[],
): Promise<Map<number, { areaId: string; level: number }[]>> {
  const out = new Map<number, { areaId: string; level: number }[]>();
  for (const l of await store.teacherLevelsOf(db, userIds))
    out.set(l.userId, [...(out.get(l.userId) ?? []), { areaId: l.areaId, level: l.level }]);
  return out;
}

/**
 * The self-assessment's framework as other pages show it (a programme's areas and target level, the needs
 * report): its levels and areas in the caller's language; null when the pack names none.
 */
export async function selfAssessmentScale(db: Db, locale: Locale) {
  const f = await store.selfAssessmentFramework(db);
  if (!f) return null;
  const levels = levelsOf(f);
  return {
    id: f.id,
    name: pick(f.name, locale),
    levels: levels.map((_, i) => levelView(levels, i, locale)),
    areas: (await store.areasOf(db, f.id)).map((a) => ({ id: a.id, name: pick(a.name, locale) })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The school: the director's rounds and staff levels; counts for those above
// ---------------------------------------------------------------------------------------------------------

/** Opens a round: the school's staff are asked to take the self-assessment by `closesOn`. */
export async function openRound(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  institutionId: number,
  input: { opensOn?: string; closesOn: string; message?: string },
) {
  const f = await selfFramework(db);
  const today = schoolToday();
  const opensOn = input.opensOn ?? today;
  const problems: FieldProblem[] = [];
  if (input.opensOn !== undefined && input.opensOn < today)
    problems.push(problem(locale, 'opensOn', 'in_past'));
  if (input.closesOn < today) problems.push(problem(locale, 'closesOn', 'in_past'));
  else if (input.closesOn < opensOn) problems.push(problem(locale, 'closesOn', 'before_opening'));
  if (problems.length > 0) throw new AppError(422, 'training.round_invalid', {}, problems);
  return db.transaction(async (tx) => {
    const row = await store.insertRound(tx, {
      institutionId,
      frameworkId: f.id,
      opensOn,
      closesOn: input.closesOn,
      message: (input.message ?? '').trim(),
      createdBy: actor.userId,
    });
    await audit(tx, ctx, { action: 'create', entity: 'training_round', entityId: row.id, after: row });
    return roundView(row);
  });
}

/** The director's view: each teacher's level per area, who has taken it since the latest round, the rounds. */
export async function staffLevels(db: Db, locale: Locale, institutionId: number) {
  const f = await selfFramework(db);
  const levels = levelsOf(f);
  const [areas, staff, rounds] = await Promise.all([
    store.areasOf(db, f.id),
    peopleWithRolesAt(db, ['teacher', 'director'], institutionId),
    store.roundsOf(db, institutionId),
  ]);
  const ids = staff.map((p) => p.id);
  const [levelRows, sittings] = await Promise.all([
    store.teacherLevelsOf(db, ids),
    store.staffSittings(db, ids, f.id),
  ]);
  const since = rounds.length > 0 ? Date.parse(`${rounds[0]!.opensOn}T00:00:00+04:00`) : null;
  return {
    framework: {
      id: f.id,
      name: pick(f.name, locale),
      levels: levels.map((_, i) => levelView(levels, i, locale)),
    },
    areas: areas.map((a) => ({ id: a.id, name: pick(a.name, locale) })),
    rounds: rounds.map(roundView),
    staff: staff.map((p) => {
      const s = sittings.find((x) => x.userId === p.id);
      const last = s?.lastSubmittedAt ? new Date(s.lastSubmittedAt) : null;
      return {
        userId: p.id,
        displayName: p.displayName,
        lastSubmittedAt: last ? last.toISOString() : null,
        inProgress: s?.open ?? false,
        taken: last !== null && (since === null || last.getTime() >= since),
        levels: areas.map(
          (a) => levelRows.find((l) => l.userId === p.id && l.areaId === a.id)?.level ?? null,
        ),
      };
    }),
  };
}

/** How many of a school's teachers stand at each level of each area: counts, never names. */
export async function schoolCounts(db: Db, locale: Locale, institutionId: number) {
  const f = await selfFramework(db);
  const levels = levelsOf(f);
  const [areas, counts, staff] = await Promise.all([
    store.areasOf(db, f.id),
    store.schoolCounts(db, institutionId),
    peopleWithRolesAt(db, ['teacher', 'director'], institutionId),
  ]);
  const out = areas.map((a) => ({
    id: a.id,
    name: pick(a.name, locale),
    counts: levels.map((_, i) => counts.find((c) => c.areaId === a.id && c.level === i)?.teachers ?? 0),
  }));
  return {
    institutionId,
    framework: {
      id: f.id,
      name: pick(f.name, locale),
      levels: levels.map((_, i) => levelView(levels, i, locale)),
    },
    staff: staff.length,
    assessed: Math.max(0, ...out.map((a) => a.counts.reduce((s, n) => s + n, 0))),
    areas: out,
  };
}
