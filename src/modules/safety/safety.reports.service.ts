import type { Db } from '@/server/db/database';
import { AppError } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import { staleVersion } from '@/server/versions';
import { csvText } from '@/server/csv';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { unicodeOf } from '@/modules/safety/safety.blockpage';
import * as store from '@/modules/safety/safety.reports.store';
import type { Report, ReportQuery } from '@/modules/safety/safety.reports.schema';
import '@/modules/safety/safety.requests.messages';

/**
 * Reports of blocked queries (`docs/safety.md`): per category, region, district or school, by day, week or
 * month, from the counts the resolvers send (no client address, no person is ever in them). The scope is the
 * route's: a school's staff see their school, a district's officer their area, the ministry everything. Top
 * blocked domains are per school only. The log retention setting is the ministry's.
 */

/** The longest period a report covers. */
export const MAX_REPORT_DAYS = 400;
const DAY_MS = 86_400_000;

function checkSpan(locale: Locale, from: string, to: string) {
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
  if (days < 0 || days > MAX_REPORT_DAYS) {
    throw new AppError(400, 'validation_failed', {}, [
      {
        field: 'to',
        reason: 'range',
        message: `to: ${translate(locale, 'safetyReports.rule.range', { days: MAX_REPORT_DAYS })}`,
      },
    ]);
  }
}

/** The buckets that are not categories of the catalogue: blocks by a list without a category, exams, bypass. */
export const BUCKETS = ['other', 'exam', 'bypass'] as const;

/** A category's name in the reader's language; the buckets and an empty code by their own names. */
function categoryName(locale: Locale, code: string, name: { az: string; ru: string; en: string } | null) {
  if (name?.[locale] || name?.az) return name[locale] || name.az;
  if (code === '') return translate(locale, 'safetyReports.uncategorised');
  if ((BUCKETS as readonly string[]).includes(code)) return translate(locale, `safetyReports.bucket.${code}`);
  return code;
}

const pick = (r: { nameAz: string | null; nameRu: string | null; nameEn: string | null }, locale: Locale) =>
  (locale === 'ru' ? r.nameRu : locale === 'en' ? r.nameEn : r.nameAz) || r.nameAz || '';

export async function blockedReport(db: Db, locale: Locale, q: ReportQuery): Promise<Report> {
  checkSpan(locale, q.from, q.to);
  const bucket = q.bucket ?? 'day';
  const by = q.by ?? 'category';
  const span = { from: q.from, to: q.to, areaId: q.areaId, institutionId: q.institutionId };
  const [found, totals] = [
    await store.blockedSeries(db, span, bucket, by),
    await store.queryTotals(db, span),
  ];
  const names = new Map<string, string>();
  const sums = new Map<string, number>();
  const series = found.map((r) => {
    const name = by === 'category' ? categoryName(locale, r.key, r.categoryName) : pick(r, locale);
    names.set(r.key, name);
    sums.set(r.key, (sums.get(r.key) ?? 0) + Number(r.count));
    return { bucket: r.bucket, key: r.key, count: Number(r.count) };
  });
  return {
    from: q.from,
    to: q.to,
    bucket,
    by,
    series,
    totals: [...sums.entries()]
      .map(([key, count]) => ({ key, name: names.get(key) ?? key, count }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
    queries: totals.queries,
    blocked: totals.blocked,
  };
}

/** The report as CSV, headers in the caller's language: period, code, name, count. */
export function reportCsv(report: Report, locale: Locale): string {
  const names = new Map(report.totals.map((t) => [t.key, t.name]));
  const header = [
    translate(locale, 'safetyReports.csv.bucket'),
    translate(locale, 'safetyReports.csv.key'),
    translate(locale, `safetyReports.by.${report.by}`),
    translate(locale, 'safetyReports.csv.count'),
  ];
  return csvText(
    header,
    report.series.map((s) => [s.bucket, s.key, names.get(s.key) ?? s.key, s.count]),
  );
}

export async function topDomains(
  db: Db,
  locale: Locale,
  q: { institutionId: number; from: string; to: string; limit?: number },
) {
  checkSpan(locale, q.from, q.to);
  const found = await store.topDomains(db, q, q.limit ?? 20);
  return {
    items: found.map((r) => ({
      domain: r.domain,
      unicode: unicodeOf(r.domain),
      category: r.categoryCode
        ? {
            code: r.categoryCode,
            name: categoryName(locale, r.categoryCode, r.categoryName),
          }
        : null,
      count: Number(r.count),
    })),
  };
}

const settingsOut = (s: store.SettingsRow) => ({
  logRetentionDays: s.logRetentionDays,
  version: s.version,
  updatedAt: s.updatedAt === null ? null : new Date(s.updatedAt).toISOString(),
});

export async function logSettings(db: Db) {
  return settingsOut(await store.readSettings(db));
}

export async function saveLogSettings(
  db: Db,
  ctx: ChangeContext,
  body: { version: number; logRetentionDays: number },
) {
  return db.transaction(async (tx) => {
    const before = await store.readSettings(tx, true);
    if (before.version !== body.version) throw staleVersion(body, settingsOut(before));
    const after = await store.writeRetention(tx, body.logRetentionDays, body.version, ctx.actorId);
    if (!after) throw staleVersion(body, settingsOut(await store.readSettings(tx)));
    await audit(tx, ctx, {
      action: 'update',
      entity: 'safety_setting',
      entityId: 1,
      before: { logRetentionDays: before.logRetentionDays },
      after: { logRetentionDays: after.logRetentionDays },
    });
    return settingsOut(after);
  });
}
