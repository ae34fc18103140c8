import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import type { Localised } from '@/modules/safety/safety.tables';

/** Reports of blocked queries and the log settings: SQL only. Counts come from the logs part's tables. */

export interface Span {
  from: string;
  to: string;
  areaId?: number;
  institutionId?: number;
}

/**
 * Reports read the daily rollups (`safety.rollup.tables.ts`): a report's period is whole school days. A report
 * of one school, or per school, reads the schools' days; any other (the country, a region, a district, by
 * category, region or district) reads the areas' days — a few rows a day whatever the number of schools.
 */
const within = (column: SQL, s: Span) => sql`${column} between ${s.from}::date and ${s.to}::date`;

const scoped = (s: Span) => sql`
  ${s.institutionId ? sql`and i.id = ${s.institutionId}` : sql``}
  ${s.areaId ? sql`and a.path @> array[${s.areaId}::int]` : sql``}`;

/** Whether a report reads the schools' days rather than the areas'. */
const perSchool = (s: Span, by?: string) => Boolean(s.institutionId) || by === 'school';

export interface GroupRow {
  bucket: string;
  key: string;
  nameAz: string | null;
  nameRu: string | null;
  nameEn: string | null;
  categoryName: Localised | null;
  count: number;
}

export async function blockedSeries(
  db: Db,
  s: Span,
  bucket: 'day' | 'week' | 'month',
  by: 'category' | 'region' | 'district' | 'school',
): Promise<GroupRow[]> {
  const group = {
    category: sql`b.category_code, null::text, null::text, null::text, c.name`,
    region: sql`coalesce(rg.code, a.code), coalesce(rg.name_az, a.name_az), coalesce(rg.name_ru, a.name_ru),
                coalesce(rg.name_en, a.name_en), null::jsonb`,
    district: sql`a.code, a.name_az, a.name_ru, a.name_en, null::jsonb`,
    school: sql`i.code, i.name_az, i.name_ru, i.name_en, null::jsonb`,
  }[by];
  return rows<GroupRow>(
    db,
    sql`
    select to_char(date_trunc(${bucket}, b.day::timestamp), 'YYYY-MM-DD') as bucket,
      g.key, g."nameAz", g."nameRu", g."nameEn", g."categoryName", sum(b.count)::float8 as count
    ${
      perSchool(s, by)
        ? sql`from safety_blocked_day b
              join institutions_institution i on i.id = b.institution_id
              join institutions_area a on a.id = i.area_id`
        : sql`from safety_blocked_area_day b join institutions_area a on a.id = b.area_id`
    }
    ${by === 'category' ? sql`left join safety_category c on c.code = b.category_code` : sql``}
    ${
      by === 'region'
        ? sql`left join lateral (select r.* from institutions_area r
                where r.id = any(a.path) and r.kind = 'economic_region' limit 1) rg on true`
        : sql``
    }
    cross join lateral (select ${group}) as g(key, "nameAz", "nameRu", "nameEn", "categoryName")
    where ${within(sql`b.day`, s)} ${scoped(s)}
    group by 1, 2, 3, 4, 5, 6
    order by 1, 2`,
  );
}

export async function queryTotals(db: Db, s: Span): Promise<{ queries: number; blocked: number }> {
  const [row] = await rows<{ queries: number | null; blocked: number | null }>(
    db,
    sql`
    select sum(q.queries)::float8 as queries, sum(q.blocked)::float8 as blocked
    ${
      perSchool(s)
        ? sql`from safety_query_day q
              join institutions_institution i on i.id = q.institution_id
              join institutions_area a on a.id = i.area_id`
        : sql`from safety_query_area_day q join institutions_area a on a.id = q.area_id`
    }
    where ${within(sql`q.day`, s)} ${scoped(s)}`,
  );
  return { queries: row?.queries ?? 0, blocked: row?.blocked ?? 0 };
}

export async function topDomains(
  db: Db,
  s: Span & { institutionId: number },
  limit: number,
): Promise<{ domain: string; categoryCode: string; categoryName: Localised | null; count: number }[]> {
  return rows(
    db,
    sql`
    select t.domain, t.category_code as "categoryCode", c.name as "categoryName", t.count
    from (
      select d.domain, max(d.category_code) as category_code, sum(d.count)::float8 as count
      from safety_blocked_domain_day d
      where d.institution_id = ${s.institutionId} and d.day between ${s.from}::date and ${s.to}::date
      group by d.domain
    ) t
    left join safety_category c on c.code = t.category_code
    order by t.count desc, t.domain
    limit ${limit}`,
  );
}

export interface SettingsRow {
  logRetentionDays: number;
  version: number;
  updatedAt: Date | string | null;
}

/** The settings row, made with its defaults the first time it is needed. */
export async function readSettings(db: Db, lock = false): Promise<SettingsRow> {
  await db.execute(sql`insert into safety_setting (id) values (1) on conflict (id) do nothing`);
  const [row] = await rows<SettingsRow>(
    db,
    sql`select log_retention_days as "logRetentionDays", version, updated_at as "updatedAt"
        from safety_setting where id = 1 ${lock ? sql`for update` : sql``}`,
  );
  return row!;
}

export async function writeRetention(
  db: Db,
  days: number,
  version: number,
  userId: number | null,
): Promise<SettingsRow | undefined> {
  const [row] = await rows<SettingsRow>(
    db,
    sql`update safety_setting set log_retention_days = ${days}, version = version + 1,
          updated_by = ${userId}, updated_at = now()
        where id = 1 and version = ${version}
        returning log_retention_days as "logRetentionDays", version, updated_at as "updatedAt"`,
  );
  return row;
}
