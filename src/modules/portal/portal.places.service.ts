import { inArray, sql } from 'drizzle-orm';
import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import type { Locale } from '@/server/i18n';
import { areas, institutions } from '@/modules/institutions/institutions.tables';

/**
 * The places an editor may publish for, for the editors' place picker: the ministry's staff the nation and
 * every area; a regional officer their area and the areas under it; a director their school.
 */
export async function publishPlaces(db: Db, actor: Actor, locale: Locale) {
  const national = actor.grants.some((g) => ['admin', 'bureau', 'editor'].includes(g.role));
  const regionIds = actor.grants.filter((g) => g.role === 'regional' && g.areaId).map((g) => g.areaId!);
  const schoolIds = actor.grants
    .filter((g) => g.role === 'director' && g.institutionId)
    .map((g) => g.institutionId!);
  const name = (r: { nameAz: string; nameRu: string; nameEn: string }) =>
    locale === 'ru' ? r.nameRu : locale === 'en' ? r.nameEn : r.nameAz;
  const areaRows =
    national || regionIds.length
      ? await db
          .select({ id: areas.id, nameAz: areas.nameAz, nameRu: areas.nameRu, nameEn: areas.nameEn })
          .from(areas)
          .where(
            national
              ? sql`${areas.kind} <> 'country'`
              : sql`${areas.path} && array[${sql.join(
                  regionIds.map((id) => sql`${id}`),
                  sql`, `,
                )}]::int[]`,
          )
          .orderBy(areas.path)
      : [];
  const schoolRows = schoolIds.length
    ? await db
        .select({
          id: institutions.id,
          nameAz: institutions.nameAz,
          nameRu: institutions.nameRu,
          nameEn: institutions.nameEn,
        })
        .from(institutions)
        .where(inArray(institutions.id, schoolIds))
    : [];
  return {
    nation: national,
    areas: areaRows.map((a) => ({ id: a.id, name: name(a) })),
    schools: schoolRows.map((s) => ({ id: s.id, name: name(s) })),
  };
}
