import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '@/server/access';
import { intArray, rows, type Db } from '@/server/db/database';
import { forbidden, notFound } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import { classes } from '@/modules/classroom/classroom.tables';
import { courseAttempts, lessons, sidEvents } from '@/modules/portal/portal.courses.tables';

/**
 * The courses' report (docs/portal.md): completions and scores counted by class (a director, in their school),
 * school, district and region, and the nation. Above a school only counts and averages, never a pupil; a row
 * of fewer than SMALL_CELL pupils shows no figures (small-cell suppression), so no one is singled out.
 * Each role in its scope: the ministry all, a regional officer their area and under it, a director their school.
 * Safer Internet Day's participation is counted the same way, by area.
 */

/** Rows of fewer pupils than this show no figures. */
export const SMALL_CELL = 3;
const NATIONAL = ['admin', 'bureau'];

type Level = 'nation' | 'area' | 'school';
export interface ReportScope {
  level: Level;
  areaId: number | null;
  institutionId: number | null;
  name: string;
  path: number[];
  /** Rows by class: only the school's own director; others see a school's total only. */
  byClass: boolean;
}

const nameIn = (locale: Locale) =>
  locale === 'ru' ? sql.raw('name_ru') : locale === 'en' ? sql.raw('name_en') : sql.raw('name_az');

/** The scope asked for, if the actor may see it: the nation, an area or a school (its default: the widest). */
export async function scopeFor(
  db: Db,
  actor: Actor,
  locale: Locale,
  q: { areaId?: number; institutionId?: number },
): Promise<ReportScope> {
  const national = actor.grants.some((g) => NATIONAL.includes(g.role));
  const regional = actor.grants.filter((g) => g.role === 'regional' && g.areaId).map((g) => g.areaId!);
  const directed = actor.grants
    .filter((g) => g.role === 'director' && g.institutionId)
    .map((g) => g.institutionId!);
  if (q.institutionId !== undefined) {
    const [s] = await rows<{ name: string; path: number[] }>(
      db,
      sql`select i.${nameIn(locale)} as name, a.path from ${institutions} i join ${areas} a on a.id = i.area_id
          where i.id = ${q.institutionId}`,
    );
    if (!s) throw notFound('institution');
    if (!national && !regional.some((id) => s.path.includes(id)) && !directed.includes(q.institutionId))
      throw forbidden();
    return {
      level: 'school',
      areaId: null,
      institutionId: q.institutionId,
      name: s.name,
      path: s.path,
      byClass: directed.includes(q.institutionId),
    };
  }
  const areaId = q.areaId ?? (national ? undefined : regional[0]);
  if (areaId !== undefined) {
    const [a] = await rows<{ name: string; path: number[] }>(
      db,
      sql`select ${nameIn(locale)} as name, path from ${areas} where id = ${areaId}`,
    );
    if (!a) throw notFound('area');
    if (!national && !regional.some((id) => a.path.includes(id))) throw forbidden();
    return { level: 'area', areaId, institutionId: null, name: a.name, path: a.path, byClass: false };
  }
  if (national)
    return { level: 'nation', areaId: null, institutionId: null, name: '', path: [], byClass: false };
  if (directed.length) return scopeFor(db, actor, locale, { institutionId: directed[0]! });
  throw forbidden();
}

export interface ReportRow {
  kind: 'area' | 'school' | 'class';
  id: number;
  name: string;
  suppressed: boolean;
  pupils: number | null;
  lessonsDone: number | null;
  completions: number | null;
  averagePercent: number | null;
}

/** Figures of one group; null figures when the group is too small to show. */
function figures(r: { pupils: number; lessons: number; completions: number; score: number; max: number }) {
  const suppressed = r.pupils < SMALL_CELL;
  return {
    suppressed,
    pupils: suppressed ? null : r.pupils,
    lessonsDone: suppressed ? null : r.lessons,
    completions: suppressed ? null : r.completions,
    averagePercent: suppressed || r.max === 0 ? null : Math.round((100 * r.score) / r.max),
  };
}

/** The scope's condition on rows that carry `place_path` and `institution_id`. */
function within(scope: ReportScope, alias: SQL): SQL {
  if (scope.level === 'nation') return sql`true`;
  if (scope.level === 'area') return sql`${alias}.place_path @> array[${scope.areaId}]::int[]`;
  return sql`${alias}.institution_id = ${scope.institutionId}`;
}

/**
 * How rows are grouped under the scope, as a kind and a key (both SQL over `alias`): in a school by class (its
 * director only; anyone else gets no rows, the school's total only); above, by the next area down, or by the
 * school itself when it sits directly in the scope's area (no area under it on its path).
 */
function grouping(scope: ReportScope, alias: SQL): { kind: SQL; key: SQL } {
  if (scope.level === 'school')
    return scope.byClass
      ? { kind: sql`'class'`, key: sql`${alias}.class_id` }
      : { kind: sql`'class'`, key: sql`null::int` };
  // The nation's path is the country's: its regions are the second element (PostgreSQL arrays start at 1).
  const depth = scope.level === 'nation' ? 1 : scope.path.length;
  const sub = sql`${alias}.place_path[${depth + 1}]`;
  return {
    kind: sql`case when ${sub} is null then 'school' else 'area' end`,
    key: sql`coalesce(${sub}, ${alias}.institution_id)`,
  };
}

type Kind = ReportRow['kind'];

/** The names of grouped rows, by kind and id. */
async function labels(db: Db, locale: Locale, groups: { kind: Kind; k: number | null }[]) {
  const out = new Map<string, string>();
  for (const kind of ['area', 'school', 'class'] as const) {
    const ids = groups.filter((g) => g.kind === kind && g.k !== null).map((g) => g.k!);
    for (const [id, name] of await names(db, locale, kind, ids)) out.set(`${kind}:${id}`, name);
  }
  return out;
}

async function names(db: Db, locale: Locale, kind: ReportRow['kind'], ids: number[]) {
  if (ids.length === 0) return new Map<number, string>();
  const found =
    kind === 'area'
      ? await rows<{ id: number; name: string }>(
          db,
          sql`select id, ${nameIn(locale)} as name from ${areas} where id = any(${intArray(ids)})`,
        )
      : kind === 'school'
        ? await rows<{ id: number; name: string }>(
            db,
            sql`select id, ${nameIn(locale)} as name from ${institutions} where id = any(${intArray(ids)})`,
          )
        : await rows<{ id: number; name: string }>(
            db,
            sql`select id, grade::text || letter as name from ${classes} where id = any(${intArray(ids)})`,
          );
  return new Map(found.map((r) => [r.id, r.name]));
}

/** The course report of a scope, optionally of one course. */
export async function courseReport(
  db: Db,
  actor: Actor,
  locale: Locale,
  q: { areaId?: number; institutionId?: number; courseId?: number },
) {
  const scope = await scopeFor(db, actor, locale, q);
  const { kind, key } = grouping(scope, sql.raw('a'));
  const course = q.courseId === undefined ? sql`true` : sql`a.course_id = ${q.courseId}`;
  const where = sql`${within(scope, sql.raw('a'))} and ${course}`;
  // Per group: pupils, lessons done, courses completed (a pupil who did every lesson of a course), scores.
  const grouped = await rows<{
    kind: Kind;
    k: number | null;
    pupils: number;
    lessons: number;
    completions: number;
    score: number;
    max: number;
  }>(
    db,
    sql`with a as (select ${kind} as kind, ${key} as k, a.* from ${courseAttempts} a where ${where}),
             per as (select a.kind, a.k, a.student_id, a.course_id, count(*)::int as n
                     from a join ${lessons} l on l.id = a.lesson_id and not l.retired group by 1, 2, 3, 4),
             lc as (select course_id, count(*)::int as n from ${lessons} where not retired group by 1)
        select g.kind, g.k, g.pupils, g.lessons, g.score, g.max,
               coalesce(c.completions, 0)::int as completions
        from (select kind, k, count(distinct student_id)::int as pupils, count(*)::int as lessons,
                     sum(score)::int as score, sum(max_score)::int as max
              from a group by kind, k) g
        left join (select per.kind, per.k, count(*)::int as completions from per join lc using (course_id)
                   where per.n >= lc.n group by per.kind, per.k) c
          on c.kind = g.kind and c.k is not distinct from g.k`,
  );
  const labelled = await labels(db, locale, grouped);
  const total = grouped.reduce(
    (t, g) => ({
      pupils: t.pupils + g.pupils,
      lessons: t.lessons + g.lessons,
      completions: t.completions + g.completions,
      score: t.score + g.score,
      max: t.max + g.max,
    }),
    { pupils: 0, lessons: 0, completions: 0, score: 0, max: 0 },
  );
  const list = grouped
    .filter((g) => g.k !== null && labelled.has(`${g.kind}:${g.k}`))
    .map((g) => ({
      kind: g.kind,
      id: g.k!,
      name: labelled.get(`${g.kind}:${g.k}`)!,
      ...figures(g),
      counted: g.pupils,
    }));
  // Complementary suppression: the total less the shown rows is what the hidden rows (and the pupils in no
  // row) hold together; while that is a few pupils but not none, the smallest shown row is hidden too, so no
  // hidden group can be worked out from the total.
  const shown = () => list.filter((r) => !r.suppressed);
  let hidden = total.pupils - shown().reduce((n, r) => n + r.counted, 0);
  while (hidden > 0 && hidden < SMALL_CELL && shown().length > 0) {
    const smallest = shown().reduce((m, r) => (r.counted < m.counted ? r : m));
    Object.assign(smallest, figures({ pupils: 0, lessons: 0, completions: 0, score: 0, max: 0 }));
    hidden += smallest.counted;
  }
  return {
    scope: { level: scope.level, areaId: scope.areaId, institutionId: scope.institutionId, name: scope.name },
    smallCell: SMALL_CELL,
    total: figures(total),
    rows: list
      .map(({ counted: _, ...r }): ReportRow => r)
      .sort((x, y) => x.name.localeCompare(y.name, locale)),
  };
}

/** Safer Internet Day's participation of a campaign in a scope: schools registered and participants, by area. */
export async function sidParticipation(
  db: Db,
  actor: Actor,
  locale: Locale,
  campaignId: number,
  q: { areaId?: number },
) {
  const scope = await scopeFor(db, actor, locale, q);
  if (scope.level === 'school') throw forbidden();
  const { kind, key } = grouping(scope, sql.raw('e'));
  const grouped = await rows<{
    kind: 'area' | 'school';
    k: number | null;
    schools: number;
    participants: number;
  }>(
    db,
    sql`select ${kind} as kind, ${key} as k, count(*)::int as schools, sum(participants)::int as participants
        from ${sidEvents} e where e.campaign_id = ${campaignId} and ${within(scope, sql.raw('e'))}
        group by 1, 2`,
  );
  const labelled = await labels(db, locale, grouped);
  return {
    scope: { level: scope.level, areaId: scope.areaId, institutionId: null, name: scope.name },
    total: {
      schools: grouped.reduce((n, g) => n + g.schools, 0),
      participants: grouped.reduce((n, g) => n + g.participants, 0),
    },
    rows: grouped
      .filter((g) => g.k !== null && labelled.has(`${g.kind}:${g.k}`))
      .map((g) => ({
        kind: g.kind,
        id: g.k!,
        name: labelled.get(`${g.kind}:${g.k}`)!,
        schools: g.schools,
        participants: g.participants,
      }))
      .sort((x, y) => x.name.localeCompare(y.name, locale)),
  };
}
