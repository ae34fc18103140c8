import type { Db } from '@/server/db/database';
import { DEFAULT_PACK_DIR } from '@/modules/institutions/country-pack';
import { loadSafetyCategories, readSafetyCategories } from '@/modules/safety/safety.catalogue.pack';
import {
  assignments,
  categories,
  exams,
  keywords,
  lists,
  networks,
  policies,
  windows,
} from '@/modules/safety/safety.tables';
import { eq } from 'drizzle-orm';

/**
 * The content filter's admin part on a test world: the pack's categories, a block list and an allow list, the
 * national `primary` policy and a district's tightening of it, a network at the school and one at the other
 * school, and spares the deletions use up: one per caller who may delete (admin, bureau, regional, director in
 * that order), all in the district or at the school so that each of them may.
 */
export interface SafetyAdminWorld {
  categoryId: number;
  keywordIds: number[];
  blockListId: number;
  allowListId: number;
  primaryId: number;
  tighteningId: number;
  networkId: number;
  otherNetworkId: number;
  spareNetworks: number[];
  spareAssignments: number[];
  spareWindows: number[];
  spareExams: number[];
  /** An exam whose end the route walk moves (never removed). */
  movableExamId: number;
}

export const safeSearchOn = {
  google: true,
  youtube: 'strict',
  bing: true,
  duckduckgo: true,
  yandex: true,
} as const;
export const safeSearchOff = {
  google: false,
  youtube: 'off',
  bing: false,
  duckduckgo: false,
  yandex: false,
} as const;

/** Loads the country pack's categories and keywords (the test database has no pack). */
export async function loadPackCategories(db: Db) {
  return loadSafetyCategories(db, await readSafetyCategories(DEFAULT_PACK_DIR));
}

export async function safetyAdminWorld(
  db: Db,
  w: { areaId: number; otherAreaId: number; schoolId: number; otherSchoolId: number },
): Promise<SafetyAdminWorld> {
  await loadPackCategories(db);
  const [cat] = await db
    .select({ id: categories.id })
    .from(categories)
    .where(eq(categories.code, 'gambling'));
  const categoryId = cat!.id;
  const name = (s: string) => ({ az: s, ru: s, en: s });
  const [block] = await db
    .insert(lists)
    .values({ kind: 'block', categoryId, name: name('Walk block') })
    .returning();
  const [allow] = await db
    .insert(lists)
    .values({ kind: 'allow', categoryId: null, name: name('Walk allow') })
    .returning();
  const [primary] = await db
    .insert(policies)
    .values({
      code: 'primary',
      name: name('Primary'),
      categories: ['adult', 'gambling'],
      safeSearch: safeSearchOn,
    })
    .returning();
  const [tightening] = await db
    .insert(policies)
    .values({
      name: name('District'),
      areaId: w.areaId,
      parentId: primary!.id,
      categories: ['adult', 'gambling', 'games'],
      safeSearch: safeSearchOn,
    })
    .returning();
  const net = async (institutionId: number, cidr: string, kind: 'pupils' | 'staff' = 'pupils') =>
    (await db.insert(networks).values({ institutionId, kind, cidr }).returning())[0]!.id;
  const kw = await db
    .insert(keywords)
    .values(
      ['walkone', 'walktwo', 'walkthree'].map((k) => ({ categoryId, keyword: k, language: 'en', folded: k })),
    )
    .returning();
  const spareAssignments = [];
  for (const kind of ['pupils', 'staff', 'guests'] as const)
    spareAssignments.push(
      (
        await db
          .insert(assignments)
          .values({
            areaId: w.areaId,
            networkKind: kind,
            window: 'always',
            policyId: primary!.id,
            version: 1,
          })
          .returning()
      )[0]!.id,
    );
  const spareWindows = [];
  for (let i = 0; i < 3; i++)
    spareWindows.push(
      (
        await db
          .insert(windows)
          .values({ areaId: i === 2 ? w.areaId : null, weekdays: [6], startMinute: 600 + i, endMinute: 700 })
          .returning()
      )[0]!.id,
    );
  const spareExams = [];
  for (let i = 0; i < 3; i++)
    spareExams.push(
      (
        await db
          .insert(exams)
          .values({
            name: name(`Exam ${i}`),
            startsAt: new Date('2027-05-01T05:00:00Z'),
            endsAt: new Date('2027-05-01T08:00:00Z'),
            allowListId: allow!.id,
            institutionIds: [w.schoolId],
          })
          .returning()
      )[0]!.id,
    );
  return {
    categoryId,
    keywordIds: kw.map((k) => k.id),
    blockListId: block!.id,
    allowListId: allow!.id,
    primaryId: primary!.id,
    tighteningId: tightening!.id,
    networkId: await net(w.schoolId, '10.250.0.0/24'),
    otherNetworkId: await net(w.otherSchoolId, '10.251.0.0/24'),
    // Staff ranges: a director may remove those (a pupils' range only the district or the ministry).
    spareNetworks: [
      await net(w.schoolId, '10.252.0.0/24', 'staff'),
      await net(w.schoolId, '10.252.1.0/24', 'staff'),
      await net(w.schoolId, '10.252.2.0/24', 'staff'),
      await net(w.schoolId, '10.252.3.0/24', 'staff'),
    ],
    spareAssignments,
    spareWindows,
    spareExams,
    movableExamId: (
      await db
        .insert(exams)
        .values({
          name: name('Exam moved'),
          startsAt: new Date('2027-05-02T05:00:00Z'),
          endsAt: new Date('2027-05-02T08:00:00Z'),
          allowListId: allow!.id,
          institutionIds: [w.schoolId],
        })
        .returning()
    )[0]!.id,
  };
}
