import { and, asc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Actor, Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import type { AppError } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import { roleGrants } from '@/modules/identity/identity.tables';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * Places and publishers. A news item or an event belongs to the nation, an area (region or district) or a
 * school; who publishes there follows the author's grant: the ministry (admin, bureau, editor) anywhere, a
 * regional officer in the areas of their subtree (not for a school), a director for their own school only.
 */

/** The roles that publish on the portal. */
export const PUBLISHERS: Role[] = ['admin', 'bureau', 'editor', 'regional', 'director'];
const NATIONAL: Role[] = ['admin', 'bureau', 'editor'];

/** A place as a request names it. */
export interface PlaceIn {
  kind: 'nation' | 'area' | 'institution';
  areaId?: number | null;
  institutionId?: number | null;
}

/** A place resolved: what is stored with an item. */
export interface Place {
  placeKind: 'nation' | 'area' | 'institution';
  areaId: number | null;
  institutionId: number | null;
  placePath: number[];
}

/** Resolves a place, or refuses with 422 naming the field when its area or school does not exist. */
export async function resolvePlace(db: Db, p: PlaceIn, unknown: (field: string) => AppError): Promise<Place> {
  if (p.kind === 'nation') return { placeKind: 'nation', areaId: null, institutionId: null, placePath: [] };
  if (p.kind === 'area') {
    if (!p.areaId) throw unknown('place.areaId');
    const [a] = await db.select({ path: areas.path }).from(areas).where(eq(areas.id, p.areaId));
    if (!a) throw unknown('place.areaId');
    return { placeKind: 'area', areaId: p.areaId, institutionId: null, placePath: a.path };
  }
  if (!p.institutionId) throw unknown('place.institutionId');
  const [s] = await db
    .select({ areaId: institutions.areaId, path: areas.path })
    .from(institutions)
    .innerJoin(areas, eq(areas.id, institutions.areaId))
    .where(eq(institutions.id, p.institutionId));
  if (!s) throw unknown('place.institutionId');
  return { placeKind: 'institution', areaId: s.areaId, institutionId: p.institutionId, placePath: s.path };
}

/** Whether the actor may publish at a place. */
export function mayPublish(actor: Actor, place: Place): boolean {
  return actor.grants.some((g) => {
    if (NATIONAL.includes(g.role)) return true;
    if (g.role === 'regional')
      return place.placeKind === 'area' && g.areaId !== null && place.placePath.includes(g.areaId);
    if (g.role === 'director')
      return place.placeKind === 'institution' && g.institutionId === place.institutionId;
    return false;
  });
}

/** An SQL condition: the rows (with place columns) the actor may edit; undefined = all of them. */
export function editableBy(
  actor: Actor,
  cols: { placeKind: AnyPgColumn; placePath: AnyPgColumn; institutionId: AnyPgColumn },
): SQL | undefined {
  if (actor.grants.some((g) => NATIONAL.includes(g.role))) return undefined;
  const areaIds = actor.grants.filter((g) => g.role === 'regional' && g.areaId).map((g) => g.areaId!);
  const schoolIds = actor.grants
    .filter((g) => g.role === 'director' && g.institutionId)
    .map((g) => g.institutionId!);
  const parts: SQL[] = [];
  if (areaIds.length)
    parts.push(
      sql`(${cols.placeKind} = 'area' and ${cols.placePath} && ${sql`array[${sql.join(
        areaIds.map((id) => sql`${id}`),
        sql`, `,
      )}]::int[]`})`,
    );
  if (schoolIds.length)
    parts.push(sql`(${cols.placeKind} = 'institution' and ${inArray(cols.institutionId, schoolIds)})`);
  return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`;
}

/**
 * An SQL condition: the rows near an area — the nation's, those of the area and of the areas above it, and
 * (when `below`) those of the areas and schools under it. No area: the nation's only.
 */
export function nearArea(
  cols: { placeKind: AnyPgColumn; areaId: AnyPgColumn; placePath: AnyPgColumn },
  areaPath: number[] | null,
  below: boolean,
): SQL {
  if (!areaPath || areaPath.length === 0) return sql`${cols.placeKind} = 'nation'`;
  const here = areaPath[areaPath.length - 1]!;
  const up = sql`array[${sql.join(
    areaPath.map((id) => sql`${id}`),
    sql`, `,
  )}]::int[]`;
  return sql`(${cols.placeKind} = 'nation'
    or (${cols.placeKind} = 'area' and ${cols.areaId} = any(${up}))
    ${below ? sql`or ${cols.placePath} @> array[${here}]::int[]` : sql``})`;
}

/** The path of an area, or null when there is no such area. */
export async function areaPath(db: Db, areaId: number): Promise<number[] | null> {
  const [a] = await db.select({ path: areas.path }).from(areas).where(eq(areas.id, areaId));
  return a?.path ?? null;
}

/** The area of a school, and its path, or null. */
export async function schoolPlace(db: Db, institutionId: number) {
  const [s] = await db
    .select({ areaId: institutions.areaId, path: areas.path })
    .from(institutions)
    .innerJoin(areas, eq(areas.id, institutions.areaId))
    .where(eq(institutions.id, institutionId));
  return s ?? null;
}

/** The school of a parent's children: the first child's (by id) that has a pupil's grant at a school; or null. */
export async function childrenSchool(db: Db, childIds: number[]): Promise<number | null> {
  if (childIds.length === 0) return null;
  const [g] = await db
    .select({ institutionId: roleGrants.institutionId })
    .from(roleGrants)
    .where(
      and(
        inArray(roleGrants.userId, childIds),
        eq(roleGrants.role, 'student'),
        isNotNull(roleGrants.institutionId),
      ),
    )
    .orderBy(asc(roleGrants.userId), asc(roleGrants.id))
    .limit(1);
  return g?.institutionId ?? null;
}

/** A place as answers show it: kind, ids and the name in the reader's language. */
export interface PlaceOut {
  kind: 'nation' | 'area' | 'institution';
  areaId: number | null;
  institutionId: number | null;
  name: string;
}

const NATION_NAME: Record<Locale, string> = {
  az: 'Elm və Təhsil Nazirliyi',
  ru: 'Министерство науки и образования',
  en: 'Ministry of Science and Education',
};

/** Names of the places of some rows, in one query per kind. */
export async function placeNames(
  db: Db,
  locale: Locale,
  rows: { placeKind: string; areaId: number | null; institutionId: number | null }[],
): Promise<(r: { placeKind: string; areaId: number | null; institutionId: number | null }) => PlaceOut> {
  const areaIds = [...new Set(rows.filter((r) => r.placeKind === 'area').map((r) => r.areaId!))];
  const schoolIds = [
    ...new Set(rows.filter((r) => r.placeKind === 'institution').map((r) => r.institutionId!)),
  ];
  const name = (r: { nameAz: string; nameRu: string; nameEn: string }) =>
    locale === 'ru' ? r.nameRu : locale === 'en' ? r.nameEn : r.nameAz;
  const areaNames = new Map(
    areaIds.length
      ? (
          await db
            .select({ id: areas.id, nameAz: areas.nameAz, nameRu: areas.nameRu, nameEn: areas.nameEn })
            .from(areas)
            .where(inArray(areas.id, areaIds))
        ).map((a) => [a.id, name(a)])
      : [],
  );
  const schoolNames = new Map(
    schoolIds.length
      ? (
          await db
            .select({
              id: institutions.id,
              nameAz: institutions.nameAz,
              nameRu: institutions.nameRu,
              nameEn: institutions.nameEn,
            })
            .from(institutions)
            .where(inArray(institutions.id, schoolIds))
        ).map((s) => [s.id, name(s)])
      : [],
  );
  return (r) => ({
    kind: r.placeKind as PlaceOut['kind'],
    areaId: r.areaId,
    institutionId: r.institutionId,
    name:
      r.placeKind === 'nation'
        ? NATION_NAME[locale]
        : r.placeKind === 'area'
          ? (areaNames.get(r.areaId!) ?? '')
          : (schoolNames.get(r.institutionId!) ?? ''),
  });
}

/** The regions and districts, for the area picker: id, parent, kind and name. */
export async function areaList(db: Db, locale: Locale) {
  const rows = await db
    .select({
      id: areas.id,
      parentId: areas.parentId,
      kind: areas.kind,
      nameAz: areas.nameAz,
      nameRu: areas.nameRu,
      nameEn: areas.nameEn,
    })
    .from(areas)
    .where(sql`${areas.kind} <> 'country'`)
    .orderBy(areas.nameAz);
  return rows.map((a) => ({
    id: a.id,
    parentId: a.parentId,
    kind: a.kind,
    name: locale === 'ru' ? a.nameRu : locale === 'en' ? a.nameEn : a.nameAz,
  }));
}
