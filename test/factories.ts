import { sql } from 'drizzle-orm';
import type { Grant, Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { createUser, type PublicUser } from '@/modules/identity/identity.service';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import { guardians } from '@/modules/identity/identity.tables';

/** Test factories: small worlds built through the same tables and services the platform uses. */

let counter = 0;
const next = () => ++counter;

/** A country with one economic region and two districts under it; returns their ids. */
export async function createAreas(
  db: Db,
): Promise<{ country: number; region: number; district: number; otherDistrict: number }> {
  const n = next();
  const insert = async (
    code: string,
    kind: 'country' | 'economic_region' | 'district',
    parent: { id: number; path: number[] } | null,
  ) => {
    const [row] = await db
      .insert(areas)
      .values({
        code: `${code}-${n}`,
        kind,
        parentId: parent?.id ?? null,
        nameAz: code,
        nameRu: code,
        nameEn: code,
        path: [],
      })
      .returning();
    const path = [...(parent?.path ?? []), row!.id];
    await db.execute(
      sql`update institutions_area set path = ${`{${path.join(',')}}`}::int[] where id = ${row!.id}`,
    );
    return { id: row!.id, path };
  };
  const country = await insert('AZ', 'country', null);
  const region = await insert('R', 'economic_region', country);
  const district = await insert('D1', 'district', region);
  const otherDistrict = await insert('D2', 'district', region);
  return { country: country.id, region: region.id, district: district.id, otherDistrict: otherDistrict.id };
}

/** A general school in an area. */
export async function createInstitution(
  db: Db,
  areaId: number,
  overrides: Partial<typeof institutions.$inferInsert> = {},
) {
  const n = next();
  const [row] = await db
    .insert(institutions)
    .values({
      code: `T${n}`,
      kind: 'general_school',
      nameAz: `${n} nömrəli məktəb`,
      nameRu: `Школа № ${n}`,
      nameEn: `School No. ${n}`,
      areaId,
      ownership: 'public',
      locality: 'urban',
      levels: ['primary', 'basic', 'secondary'],
      shifts: 2,
      ...overrides,
    })
    .returning();
  return row!;
}

/** An account holding one role in the given scope; password `password-1`. */
export async function createUserWithRole(
  db: Db,
  role: Role,
  scope: { areaId?: number; institutionId?: number } = {},
  username = `${role}-${next()}`,
): Promise<PublicUser & { password: string }> {
  const grant: Grant = { role, areaId: scope.areaId ?? null, institutionId: scope.institutionId ?? null };
  const user = await createUser(
    db,
    { actorId: null, ip: null },
    { username, password: 'password-1', displayName: username, grants: [grant] },
  );
  return { ...user, password: 'password-1' };
}

/** Links a parent to a child. */
export async function linkParent(db: Db, parentId: number, studentId: number): Promise<void> {
  await db.insert(guardians).values({ parentId, studentId });
}
