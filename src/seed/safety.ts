import { asc, eq } from 'drizzle-orm';
import { domainToASCII } from 'node:url';
import type { Db } from '@/server/db/database';
import { institutions } from '@/modules/institutions/institutions.tables';
import {
  assignments,
  categories,
  exams,
  listDomains,
  lists,
  networks,
  policies,
  windows,
  type Localised,
  type SafeSearch,
} from '@/modules/safety/safety.tables';

/**
 * The content filter's demo data (the categories come with the country pack): a block list of invented
 * domains (`*.example`, one Cyrillic IDN) per blocked category, an allow list of learning sites, an exam's allow
 * list, the national default policies, national assignments and lesson windows (two shifts), and networks for
 * the first schools (10.<n>.0.0/24 pupils, 10.<n>.1.0/24 staff, 10.<n>.2.0/24 guests). Deterministic: the same
 * rows every time, in id order.
 */

/** How many schools get networks: the demo's, kept small. */
const NETWORKED_SCHOOLS = 30;

const t = (az: string, ru: string, en: string): Localised => ({ az, ru, en });
const strict: SafeSearch = { google: true, youtube: 'strict', bing: true, duckduckgo: true, yandex: true };
const moderate: SafeSearch = {
  google: true,
  youtube: 'moderate',
  bing: true,
  duckduckgo: true,
  yandex: true,
};
const off: SafeSearch = { google: false, youtube: 'off', bing: false, duckduckgo: false, yandex: false };

/** Invented domains per category; never real sites. */
const DEMO_DOMAINS: Record<string, string[]> = {
  adult: ['adult-videos.example', 'xxx-demo.example', 'порно-сайт.example'],
  gambling: ['casino-royal.example', 'bet-online.example', 'казино-демо.example', 'mərc-oyunu.example'],
  drugs: ['buy-weed.example', 'закладки-демо.example'],
  malware: ['virus-download.example', 'trojan-host.example', 'malware-demo.test'],
  phishing: ['bank-login-verify.example', 'secure-pay-update.example'],
  violence: ['gore-videos.example', 'жесть-видео.example'],
  weapons: ['guns-shop.example'],
  extremism: ['propaganda-demo.example'],
  self_harm: ['selfharm-forum.example'],
  dating: ['meet-singles.example', 'tanishliq-demo.example'],
  games: ['online-games-demo.example', 'play-free.example'],
  social_networks: ['social-demo.example', 'friends-feed.example'],
  vpn: ['free-vpn-demo.example'],
  proxies: ['web-proxy-demo.example'],
  warez: ['cracked-soft.example', 'torrent-demo.example'],
  cheating: ['gdz-demo.example', 'homework-answers.example'],
};

const BLOCKED_PRIMARY = [
  'adult',
  'mixed_adult',
  'lingerie',
  'gambling',
  'drugs',
  'alcohol_tobacco',
  'malware',
  'phishing',
  'cryptojacking',
  'violence',
  'weapons',
  'dangerous_material',
  'extremism',
  'self_harm',
  'cyberbullying',
  'aggressive',
  'sect',
  'dating',
  'chat',
  'games',
  'social_networks',
  'hacking',
  'ddos',
  'warez',
  'vpn',
  'proxies',
  'doh',
  'redirector',
  'strong_redirector',
  'stalkerware',
  'cheating',
  'fake_news',
];
const LOOSER_FOR_SECONDARY = new Set(['games', 'social_networks', 'chat']);
const BLOCKED_SECONDARY = BLOCKED_PRIMARY.filter((c) => !LOOSER_FOR_SECONDARY.has(c));
const BLOCKED_AFTER_SCHOOL = BLOCKED_SECONDARY.filter(
  (c) => !['dating', 'cheating', 'fake_news'].includes(c),
);
const BLOCKED_STAFF = ['malware', 'phishing', 'cryptojacking'];
const BLOCKED_GUESTS = [
  'adult',
  'gambling',
  'drugs',
  'malware',
  'phishing',
  'cryptojacking',
  'extremism',
  'warez',
];

export interface SafetySeedSummary {
  categories: number;
  lists: number;
  domains: number;
  policies: number;
  networks: number;
}

export async function seedSafety(db: Db): Promise<SafetySeedSummary> {
  const cats = await db.select().from(categories).orderBy(asc(categories.id));
  const catId = new Map(cats.map((c) => [c.code, c.id]));
  let domains = 0;
  const listIds: number[] = [];
  for (const [code, names] of Object.entries(DEMO_DOMAINS)) {
    const categoryId = catId.get(code);
    if (categoryId === undefined) continue;
    const cat = cats.find((c) => c.id === categoryId)!;
    const ascii = names.map((n) => domainToASCII(n));
    const [list] = await db
      .insert(lists)
      .values({
        kind: 'block',
        categoryId,
        name: t(`${cat.name.az}: nümunə`, `${cat.name.ru}: пример`, `${cat.name.en}: demo`),
        domainCount: ascii.length,
      })
      .returning({ id: lists.id });
    await db.insert(listDomains).values(ascii.map((domain) => ({ listId: list!.id, domain })));
    listIds.push(list!.id);
    domains += ascii.length;
  }
  const allow = async (name: Localised, names: string[]) => {
    const [list] = await db
      .insert(lists)
      .values({ kind: 'allow', categoryId: null, name, domainCount: names.length })
      .returning({ id: lists.id });
    await db.insert(listDomains).values(names.map((domain) => ({ listId: list!.id, domain })));
    domains += names.length;
    return list!.id;
  };
  const learning = await allow(t('Təhsil saytları', 'Образовательные сайты', 'Learning sites'), [
    'edu-portal.example',
    'school-videos.example',
    'maktab.example',
  ]);
  const exam = await allow(
    t('İmtahan: icazəli saytlar', 'Экзамен: разрешённые сайты', 'Exam: allowed sites'),
    ['exam.maktab.example', 'dictionary.example'],
  );

  const policy = async (
    code: string,
    name: Localised,
    blocked: string[],
    safeSearch: SafeSearch,
    allowLists: number[] = [],
  ) =>
    (
      await db
        .insert(policies)
        .values({
          code,
          name,
          categories: blocked.filter((c) => catId.has(c)).sort(),
          allowLists,
          safeSearch,
          bypassProtection: code !== 'staff',
          action: 'blockpage',
        })
        .returning({ id: policies.id })
    )[0]!.id;
  const primary = await policy(
    'primary',
    t('İbtidai siniflər', 'Начальные классы', 'Primary pupils'),
    BLOCKED_PRIMARY,
    strict,
    [learning],
  );
  const secondary = await policy(
    'secondary',
    t('Yuxarı siniflər', 'Старшие классы', 'Secondary pupils'),
    BLOCKED_SECONDARY,
    strict,
    [learning],
  );
  const afterSchool = await policy(
    'after_school',
    t('Dərsdən sonra', 'После уроков', 'After school'),
    BLOCKED_AFTER_SCHOOL,
    moderate,
    [learning],
  );
  const staff = await policy('staff', t('İşçilər', 'Сотрудники', 'Staff'), BLOCKED_STAFF, off);
  const guests = await policy('guests', t('Qonaqlar', 'Гости', 'Guests'), BLOCKED_GUESTS, moderate);

  const national = (networkKind: string, window: string, policyId: number) => ({
    networkKind,
    window,
    policyId,
    version: 1,
  });
  await db
    .insert(assignments)
    .values([
      national('pupils', 'lessons', secondary),
      national('pupils', 'after_school', afterSchool),
      national('staff', 'always', staff),
      national('guests', 'always', guests),
    ]);
  await db.insert(windows).values([
    { weekdays: [1, 2, 3, 4, 5], startMinute: 8 * 60, endMinute: 14 * 60 },
    { weekdays: [1, 2, 3, 4, 5], startMinute: 14 * 60, endMinute: 19 * 60 },
  ]);

  const schools = await db
    .select({ id: institutions.id, levels: institutions.levels })
    .from(institutions)
    .where(eq(institutions.kind, 'general_school'))
    .orderBy(asc(institutions.id))
    .limit(NETWORKED_SCHOOLS);
  const rows = schools.flatMap((s, i) => [
    { institutionId: s.id, kind: 'pupils', cidr: `10.${i + 1}.0.0/24`, note: '' },
    { institutionId: s.id, kind: 'staff', cidr: `10.${i + 1}.1.0/24`, note: '' },
    { institutionId: s.id, kind: 'guests', cidr: `10.${i + 1}.2.0/24`, note: 'Wi-Fi' },
  ]);
  if (rows.length) await db.insert(networks).values(rows);
  // Schools with primary classes only: their pupils get the primary policy in lessons.
  const primaryOnly = schools.filter(
    (s) => s.levels.length > 0 && s.levels.every((l) => l === 'primary' || l === 'preschool'),
  );
  if (primaryOnly.length)
    await db
      .insert(assignments)
      .values(primaryOnly.map((s) => ({ institutionId: s.id, ...national('pupils', 'lessons', primary) })));
  if (schools.length)
    await db.insert(exams).values({
      name: t('Buraxılış imtahanı (nümunə)', 'Выпускной экзамен (пример)', 'Final exam (demo)'),
      startsAt: new Date('2027-06-01T05:00:00Z'),
      endsAt: new Date('2027-06-01T08:00:00Z'),
      allowListId: exam,
      institutionIds: schools.slice(0, 3).map((s) => s.id),
    });
  return { categories: cats.length, lists: listIds.length + 2, domains, policies: 5, networks: rows.length };
}

export const describeSafety = (s: SafetySeedSummary) =>
  `content filter: ${s.categories} categories, ${s.lists} lists (${s.domains} demo domains), ${s.policies} national policies, ${s.networks} school networks`;
