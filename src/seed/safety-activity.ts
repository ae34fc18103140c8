import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import { unblockRequests } from '@/modules/safety/safety.tables';
import { addCounts } from '@/modules/safety/safety.logs.service';
import type { BlockedRow, DomainRow, QueryRow } from '@/modules/safety/safety.logs.schema';
import { Random } from '@/seed/random';

/**
 * The content filter's activity in the demo (`docs/safety.md`): a few unblock requests at the demo school
 * (pending, approved now, approved and expired, rejected), and a week of plausible counts — queries and blocked
 * queries per school, network kind and hour; blocked queries per category and hour; blocked domains per day —
 * for the demo area's schools, as the resolvers' logs would give them (no client address, no person). The same
 * seed and day give the same rows. Run after the filter's categories are seeded; categories are named by code.
 */

const CATEGORIES = ['gambling', 'adult', 'games', 'social_networks', 'malware', 'phishing'] as const;
/** Blocked queries a pupil network sends per lesson hour, per category, roughly. */
const WEIGHT: Record<(typeof CATEGORIES)[number], number> = {
  gambling: 4,
  adult: 3,
  games: 14,
  social_networks: 22,
  malware: 1,
  phishing: 1,
};
const DOMAINS: Record<(typeof CATEGORIES)[number], string[]> = {
  gambling: ['pin-up-casino.example', 'bet-online.example', 'kazino-az.example'],
  adult: ['adult-videos.example', 'xxx-site.example'],
  games: ['miniclip.com', 'poki.com', 'crazygames.com', 'friv.com'],
  social_networks: ['tiktok.com', 'instagram.com', 'vk.com'],
  malware: ['free-download-now.example'],
  phishing: ['login-verify-account.example'],
};
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface SafetyActivitySummary {
  requests: number;
  schools: number;
  hours: number;
}

/**
 * Writes the demo's filter activity for the week before `today` (a school day, `YYYY-MM-DD`), with the clock
 * at `now`. The demo accounts `teacher`, `director` and `region` must exist.
 */
export async function seedSafetyActivity(
  db: Db,
  options: { seed: number; today: string; now: Date },
): Promise<SafetyActivitySummary> {
  const random = new Random(options.seed ^ 0x5afe7);
  const people = await rows<{
    username: string;
    id: number;
    institutionId: number | null;
    areaId: number | null;
  }>(
    db,
    sql`select u.username, u.id, g.institution_id as "institutionId", g.area_id as "areaId"
        from identity_user u join identity_role_grant g on g.user_id = u.id
        where u.username in ('teacher', 'director', 'region', 'bureau')`,
  );
  const who = (name: string) => people.find((p) => p.username === name);
  const teacher = who('teacher');
  const region = who('region');
  if (!teacher?.institutionId) return { requests: 0, schools: 0, hours: 0 };
  const schoolId = teacher.institutionId;
  const areaSchools = region?.areaId
    ? await rows<{ id: number }>(
        db,
        sql`select i.id from institutions_institution i join institutions_area a on a.id = i.area_id
            where a.path @> array[${region.areaId}::int] and i.kind = 'general_school' order by i.id limit 40`,
      )
    : [];
  const schools = [...new Set([schoolId, ...areaSchools.map((s) => s.id)])];

  // Unblock requests at the demo school.
  const at = options.now.getTime();
  const decider = region?.id ?? who('bureau')?.id ?? null;
  const request = (
    domain: string,
    category: string,
    reason: string,
    startsIn: number,
    hours: number,
    status: 'pending' | 'approved' | 'rejected',
    note = '',
  ) => ({
    institutionId: schoolId,
    domain,
    categoryCode: category,
    reason,
    startsAt: new Date(at + startsIn * HOUR_MS),
    endsAt: new Date(at + (startsIn + hours) * HOUR_MS),
    status,
    requestedBy: teacher.id,
    requestedAt: new Date(at + (startsIn - 1) * HOUR_MS),
    decidedBy: status === 'pending' ? null : decider,
    decidedAt: status === 'pending' ? null : new Date(at + (startsIn - 0.5) * HOUR_MS),
    decisionNote: note,
  });
  const requests = [
    request('poki.com', 'games', 'Riyaziyyat dərsində məntiq oyunları (6-cı sinif).', 8, 6, 'pending'),
    request('instagram.com', 'social_networks', 'Məktəbin səhifəsi üçün tədbir şəkilləri.', 1, 30, 'pending'),
    request(
      'miniclip.com',
      'games',
      'İnformatika: oyun dizaynı mövzusu.',
      0,
      48,
      'approved',
      'Yalnız bu həftə.',
    ),
    request('tiktok.com', 'social_networks', 'Media savadlılığı dərsi: nümunələr.', -72, 2, 'approved'),
    request(
      'bet-online.example',
      'gambling',
      'Ehtimal nəzəriyyəsi mövzusu.',
      -48,
      3,
      'rejected',
      'Qumar saytları açılmır.',
    ),
  ];
  await db.insert(unblockRequests).values(requests);

  // A week of counts, in Baku's school hours (08:00–18:00, Monday to Saturday).
  const first = Date.parse(`${options.today}T00:00:00+04:00`) - 7 * DAY_MS;
  const hourRows: QueryRow[] = [];
  const blockedRows: BlockedRow[] = [];
  const domainRows = new Map<string, DomainRow>();
  for (const institutionId of schools) {
    const size = random.float(0.4, 1.6);
    for (let d = 0; d < 7; d++) {
      const dayStart = first + d * DAY_MS;
      const weekday = new Date(dayStart + 4 * HOUR_MS).getUTCDay();
      if (weekday === 0) continue;
      const day = new Date(dayStart + 4 * HOUR_MS).toISOString().slice(0, 10);
      for (let h = 8; h < 18; h++) {
        const hour = new Date(dayStart + h * HOUR_MS).toISOString();
        const lesson = h < 14 ? 1 : 0.5;
        let blocked = 0;
        for (const category of CATEGORIES) {
          const count = Math.round(WEIGHT[category] * size * lesson * random.float(0.3, 1.7));
          if (count === 0) continue;
          blocked += count;
          blockedRows.push({ institutionId, hour, categoryCode: category, count });
          const domain = random.pick(DOMAINS[category]);
          const key = `${institutionId}|${day}|${domain}`;
          const row = domainRows.get(key);
          if (row) row.count += count;
          else domainRows.set(key, { institutionId, day, domain, categoryCode: category, count });
        }
        const pupils = Math.round(1500 * size * lesson * random.float(0.7, 1.3)) + blocked;
        hourRows.push({ institutionId, hour, networkKind: 'pupils', queries: pupils, blocked });
        hourRows.push({
          institutionId,
          hour,
          networkKind: 'staff',
          queries: Math.round(400 * size * random.float(0.7, 1.3)),
          blocked: 0,
        });
      }
    }
  }
  // Added as the resolvers' batches are (the hourly rows and the daily rollups of the days touched), in slices.
  const none = { queries: [], blocked: [], domains: [], keywordHits: [] };
  const slices = async <T>(list: T[], write: (part: T[]) => Promise<unknown>) => {
    for (let i = 0; i < list.length; i += 5000) await write(list.slice(i, i + 5000));
  };
  await slices(hourRows, (part) => addCounts(db, { ...none, queries: part }));
  await slices(blockedRows, (part) => addCounts(db, { ...none, blocked: part }));
  await slices([...domainRows.values()], (part) => addCounts(db, { ...none, domains: part }));
  return { requests: requests.length, schools: schools.length, hours: hourRows.length / 2 };
}

/** The seed's summary line. */
export function describeSafetyActivity(s: SafetyActivitySummary): string {
  return `content filter: ${s.requests} unblock requests, a week of counts at ${s.schools} schools (${s.hours} school hours)`;
}
