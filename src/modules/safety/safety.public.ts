import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';

/**
 * What other modules may read of the filter: the number of categories the national pupils' policies block
 * (the country profile's "filtered in N categories"), and the number of categories known.
 */
export async function filterFigures(db: Db): Promise<{ blockedCategories: number; categories: number }> {
  const [row] = await rows<{ blocked: number; total: number }>(
    db,
    sql`
    select
      (select count(distinct c)::int from safety_policy p, unnest(p.categories) c
        where p.area_id is null and p.code in ('primary', 'secondary')) as blocked,
      (select count(*)::int from safety_category) as total`,
  );
  return { blockedCategories: row?.blocked ?? 0, categories: row?.total ?? 0 };
}
