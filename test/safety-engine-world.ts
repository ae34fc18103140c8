import { domainToASCII } from 'node:url';
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { foldText } from '@/server/fold';
import {
  assignments,
  categories,
  exams,
  keywordHits,
  keywords,
  listDomains,
  lists,
  networks,
  policies,
  settings,
  unblockRequests,
  windows,
} from '@/modules/safety/safety.tables';
import { createAreas, createInstitution } from '@test/factories';

/**
 * Fixtures for the content filter's engine: rows other parts own (categories, lists, policies, networks,
 * schedules, exams, requests), inserted directly. One school with a pupils' network 127.0.1.0/24 and a staff
 * network 127.0.2.0/24; lessons Monday to Friday 08:00–14:00 (national `safety_window`).
 */

export const BLOCK_V4 = '10.9.9.9';
export const BLOCK_V6 = 'fd00::9';
const name = (en: string) => ({ az: en, ru: en, en });
const noSafeSearch = {
  google: false,
  youtube: 'off' as const,
  bing: false,
  duckduckgo: false,
  yandex: false,
};

/** The IDN `казино-бонус.test` in punycode. */
export const IDN_CASINO = domainToASCII('казино-бонус.test');

export async function createEngineWorld(db: Db) {
  const area = await createAreas(db);
  const school = await createInstitution(db, area.district);
  await db
    .insert(settings)
    .values({ id: 1, blockAddressV4: BLOCK_V4, blockAddressV6: BLOCK_V6 })
    .onConflictDoUpdate({ target: settings.id, set: { blockAddressV4: BLOCK_V4, blockAddressV6: BLOCK_V6 } });
  const [gambling, adult, social] = await db
    .insert(categories)
    .values([
      { code: 'gambling', name: name('Gambling'), description: name('') },
      { code: 'adult', name: name('Adult'), description: name('') },
      { code: 'social', name: name('Social networks'), description: name('') },
    ])
    .returning();
  const blockList = async (categoryId: number, domains: string[]) => {
    const [list] = await db
      .insert(lists)
      .values({ kind: 'block', categoryId, name: name('list'), domainCount: domains.length })
      .returning();
    await db.insert(listDomains).values(domains.map((domain) => ({ listId: list!.id, domain })));
    return list!;
  };
  await blockList(gambling!.id, ['casino.test', 'poker.example']);
  await blockList(adult!.id, ['adult.test']);
  const socialList = await blockList(social!.id, ['social.test']);
  const [examList] = await db
    .insert(lists)
    .values({ kind: 'allow', name: name('Exam sites'), domainCount: 1 })
    .returning();
  await db.insert(listDomains).values({ listId: examList!.id, domain: 'exam.test' });
  const [keyword] = await db
    .insert(keywords)
    .values({ categoryId: gambling!.id, keyword: 'казино', language: 'ru', folded: foldText('казино') })
    .returning();

  const [lessons, afterSchool, staff] = await db
    .insert(policies)
    .values([
      {
        code: 'secondary',
        name: name('Pupils in lessons'),
        categories: ['gambling', 'adult', 'social'],
        safeSearch: { google: true, youtube: 'strict', bing: true, duckduckgo: true, yandex: true },
        bypassProtection: true,
      },
      {
        name: name('Pupils after school'),
        categories: ['gambling', 'adult'],
        safeSearch: noSafeSearch,
        bypassProtection: false,
      },
      {
        code: 'staff',
        name: name('Staff'),
        categories: [],
        safeSearch: noSafeSearch,
        bypassProtection: false,
      },
    ])
    .returning();
  await db.insert(assignments).values([
    { networkKind: 'pupils', window: 'lessons', policyId: lessons!.id },
    { networkKind: 'pupils', window: 'after_school', policyId: afterSchool!.id },
    { networkKind: 'staff', window: 'always', policyId: staff!.id },
  ]);
  await db.insert(windows).values({ weekdays: [1, 2, 3, 4, 5], startMinute: 8 * 60, endMinute: 14 * 60 });
  await db.insert(networks).values([
    { institutionId: school.id, kind: 'pupils', cidr: '127.0.1.0/24' },
    { institutionId: school.id, kind: 'staff', cidr: '127.0.2.0/24' },
  ]);

  return {
    school,
    area,
    policies: { lessons: lessons!, afterSchool: afterSchool!, staff: staff! },
    lists: { social: socialList, exam: examList! },
    categories: { gambling: gambling!, adult: adult!, social: social! },

    /** An exam at the school between two instants, allowing only the exam list. */
    async addExam(startsAt: Date, endsAt: Date) {
      const [exam] = await db
        .insert(exams)
        .values({
          name: name('Exam'),
          startsAt,
          endsAt,
          allowListId: examList!.id,
          institutionIds: [school.id],
        })
        .returning();
      return exam!;
    },
    /** A keyword hit, as the logs part records it. */
    async addKeywordHit(domain: string) {
      await db.insert(keywordHits).values({ keywordId: keyword!.id, domain });
    },
    /** An approved unblock request for the school. */
    async approveUnblock(domain: string, startsAt: Date, endsAt: Date) {
      await db.insert(unblockRequests).values({
        institutionId: school.id,
        domain,
        reason: 'for a lesson',
        startsAt,
        endsAt,
        status: 'approved',
        decidedAt: startsAt,
      });
    },
    /** Changes a policy's blocked categories, as the admin part's editor does. */
    async setCategories(policyId: number, codes: string[]) {
      await db.update(policies).set({ categories: codes }).where(eq(policies.id, policyId));
    },
  };
}
