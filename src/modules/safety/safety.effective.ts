import type { SafeSearch } from '@/modules/safety/safety.tables';

/**
 * Which policy applies to a network now, and the tags (RPZ zones) its address range gets. Pure: the caller
 * reads the rows (`safety.engine.store.ts`). Times are the school's (Asia/Baku); a lesson window may cross
 * midnight (it then belongs to the day it starts on: a holiday that day has no such window).
 */

export type NetworkKind = 'pupils' | 'staff' | 'guests';
export type WindowName = 'lessons' | 'after_school' | 'always';

export interface AssignmentRow {
  areaId: number | null;
  institutionId: number | null;
  networkKind: string;
  window: string;
  policyId: number;
}

export interface WindowRow {
  areaId: number | null;
  institutionId: number | null;
  weekdays: number[];
  startMinute: number;
  endMinute: number;
}

/** A lesson window of a school: weekdays (1 Monday … 7 Sunday), minutes after midnight; end < start crosses midnight. */
export interface LessonWindow {
  weekdays: number[];
  startMinute: number;
  endMinute: number;
}

export interface PolicyRow {
  id: number;
  categories: string[];
  blockLists: number[];
  allowLists: number[];
  safeSearch: SafeSearch;
  bypassProtection: boolean;
  action: string;
}

const YOUTUBE = ['off', 'moderate', 'strict'] as const;

/**
 * A region's or district's tightening as it stands today: its own rules together with its national policy's
 * current ones (the ministry may have blocked more since the tightening was saved). Categories and block lists
 * add up, allow lists are those both allow, SafeSearch and bypass protection are on where either has them.
 */
export function tightenedPolicies(
  rows: readonly (PolicyRow & { parentId: number | null })[],
): Map<number, PolicyRow> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out = new Map<number, PolicyRow>();
  for (const row of rows) {
    const { parentId, ...own } = row;
    const parent = parentId === null ? undefined : byId.get(parentId);
    if (!parent) {
      out.set(row.id, own);
      continue;
    }
    out.set(row.id, {
      ...own,
      categories: [...new Set([...parent.categories, ...own.categories])],
      blockLists: [...new Set([...parent.blockLists, ...own.blockLists])],
      allowLists: own.allowLists.filter((id) => parent.allowLists.includes(id)),
      safeSearch: {
        google: own.safeSearch.google || parent.safeSearch.google,
        youtube:
          YOUTUBE[
            Math.max(YOUTUBE.indexOf(own.safeSearch.youtube), YOUTUBE.indexOf(parent.safeSearch.youtube))
          ]!,
        bing: own.safeSearch.bing || parent.safeSearch.bing,
        duckduckgo: own.safeSearch.duckduckgo || parent.safeSearch.duckduckgo,
        yandex: own.safeSearch.yandex || parent.safeSearch.yandex,
      },
      bypassProtection: own.bypassProtection || parent.bypassProtection,
    });
  }
  return out;
}

export interface ExamRow {
  id: number;
  startsAt: Date;
  endsAt: Date;
  institutionIds: number[];
}

export interface UnblockRow {
  institutionId: number;
  domain: string;
  startsAt: Date;
  endsAt: Date;
}

/** A date range of the calendar, both ends included (YYYY-MM-DD). */
export interface Holiday {
  startsOn: string;
  endsOn: string;
}

export interface EffectiveInput {
  network: { institutionId: number; kind: NetworkKind };
  /** The school's areas, most specific first (district, then region). */
  areaChain: number[];
  now: Date;
  assignments: AssignmentRow[];
  lessonWindows: LessonWindow[];
  holidays: Holiday[];
  exams: ExamRow[];
  unblocks: UnblockRow[];
  policies: ReadonlyMap<number, PolicyRow>;
}

export interface Effective {
  /** `lessons` or `after_school`: the window the school is in now. */
  window: 'lessons' | 'after_school';
  policyId: number | null;
  examId: number | null;
  /** The tags of the network's address range, sorted. */
  tags: string[];
}

const TIME_ZONE = 'Asia/Baku';
const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The school's day (YYYY-MM-DD), weekday (1 Monday … 7 Sunday) and minute of the day of an instant. */
export function schoolTime(at: Date): { day: string; weekday: number; minute: number } {
  const p = Object.fromEntries(parts.formatToParts(at).map((x) => [x.type, x.value]));
  const day = `${p.year}-${p.month}-${p.day}`;
  const weekday = ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
  return { day, weekday, minute: Number(p.hour) * 60 + Number(p.minute) };
}

const previousDay = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

const isHoliday = (day: string, holidays: Holiday[]): boolean =>
  holidays.some((h) => h.startsOn <= day && day <= h.endsOn);

/** Whether `at` falls in one of the lesson windows (a window crossing midnight belongs to the day it starts). */
export function inLessons(at: Date, windows: LessonWindow[], holidays: Holiday[]): boolean {
  const { day, weekday, minute } = schoolTime(at);
  const yesterday = previousDay(day);
  const yesterdayWeekday = weekday === 1 ? 7 : weekday - 1;
  for (const w of windows) {
    if (w.startMinute < w.endMinute) {
      if (
        w.weekdays.includes(weekday) &&
        minute >= w.startMinute &&
        minute < w.endMinute &&
        !isHoliday(day, holidays)
      )
        return true;
    } else {
      if (w.weekdays.includes(weekday) && minute >= w.startMinute && !isHoliday(day, holidays)) return true;
      if (w.weekdays.includes(yesterdayWeekday) && minute < w.endMinute && !isHoliday(yesterday, holidays))
        return true;
    }
  }
  return false;
}

/**
 * The lesson windows of a school: from its bells when it has any (Monday to Friday, from the first bell of its
 * first shift to the last bell of its last shift), else the `safety_window` rows of the most specific scope
 * that has some (the school, its district, its region, national).
 */
export function lessonWindowsOf(
  institutionId: number,
  areaChain: number[],
  bells: { startMinute: number; endMinute: number }[],
  rows: WindowRow[],
): LessonWindow[] {
  if (bells.length > 0)
    return [
      {
        weekdays: [1, 2, 3, 4, 5],
        startMinute: Math.min(...bells.map((b) => b.startMinute)),
        endMinute: Math.max(...bells.map((b) => b.endMinute)) % 1440,
      },
    ];
  const scopes: ((r: WindowRow) => boolean)[] = [
    (r) => r.institutionId === institutionId,
    ...areaChain.map((a) => (r: WindowRow) => r.institutionId === null && r.areaId === a),
    (r) => r.institutionId === null && r.areaId === null,
  ];
  for (const inScope of scopes) {
    const found = rows.filter(inScope);
    if (found.length > 0)
      return found.map(({ weekdays, startMinute, endMinute }) => ({ weekdays, startMinute, endMinute }));
  }
  return [];
}

/**
 * The assignment that applies: the most specific scope with a row for the network kind and the window (or
 * `always`) wins; within a scope, the window's own row beats `always`.
 */
export function pickAssignment(
  institutionId: number,
  areaChain: number[],
  kind: NetworkKind,
  window: 'lessons' | 'after_school',
  assignments: AssignmentRow[],
): AssignmentRow | null {
  const scopes: ((r: AssignmentRow) => boolean)[] = [
    (r) => r.institutionId === institutionId,
    ...areaChain.map((a) => (r: AssignmentRow) => r.institutionId === null && r.areaId === a),
    (r) => r.institutionId === null && r.areaId === null,
  ];
  const candidates = assignments.filter((a) => a.networkKind === kind);
  for (const inScope of scopes) {
    const found = candidates.filter(inScope);
    const own = found.find((a) => a.window === window) ?? found.find((a) => a.window === 'always');
    if (own) return own;
  }
  return null;
}

/** The tags a policy gives: its blocks (NXDOMAIN twins for a policy answering NXDOMAIN), SafeSearch, bypass. */
export function policyTags(policy: PolicyRow): { allow: string[]; block: string[]; safeSearch: string[] } {
  const nx = policy.action === 'nxdomain';
  const block = [
    ...policy.categories.map((c) => (nx ? `n_${c}` : `c_${c}`)),
    ...policy.blockLists.map((id) => (nx ? `nl_${id}` : `l_${id}`)),
  ];
  const allow = policy.allowLists.map((id) => `a_${id}`);
  const s = policy.safeSearch;
  const safeSearch = [
    ...(s.google ? ['ss_google'] : []),
    ...(s.youtube === 'strict'
      ? ['ss_youtube_strict']
      : s.youtube === 'moderate'
        ? ['ss_youtube_moderate']
        : []),
    ...(s.bing ? ['ss_bing'] : []),
    ...(s.duckduckgo ? ['ss_duckduckgo'] : []),
    ...(s.yandex ? ['ss_yandex'] : []),
    ...(policy.bypassProtection ? ['bypass'] : []),
  ];
  return { allow, block, safeSearch };
}

/**
 * The policy that applies to a network now and its tags. An exam in progress at the school overrides the
 * pupils' networks: the exam's tag (its allow list passes, everything else is blocked) with the policy's
 * SafeSearch and bypass protection, and no exceptions. Otherwise the policy's tags, plus the school's
 * exceptions tag (`x_<institutionId>`) when it has an approved unblock request in force.
 */
export function effectivePolicy(input: EffectiveInput): Effective {
  const { network, now } = input;
  const window = inLessons(now, input.lessonWindows, input.holidays) ? 'lessons' : 'after_school';
  const assignment = pickAssignment(
    network.institutionId,
    input.areaChain,
    network.kind,
    window,
    input.assignments,
  );
  const policy = assignment ? input.policies.get(assignment.policyId) : undefined;
  const t = now.getTime();
  const exam =
    network.kind === 'pupils'
      ? input.exams
          .filter(
            (e) =>
              e.institutionIds.includes(network.institutionId) &&
              e.startsAt.getTime() <= t &&
              t < e.endsAt.getTime(),
          )
          .sort((a, b) => a.id - b.id)[0]
      : undefined;
  const tags = new Set<string>();
  const fromPolicy = policy ? policyTags(policy) : { allow: [], block: [], safeSearch: [] };
  for (const tag of fromPolicy.safeSearch) tags.add(tag);
  if (exam) {
    tags.add(`e_${exam.id}`);
    tags.add('e_all');
  } else {
    for (const tag of [...fromPolicy.allow, ...fromPolicy.block]) tags.add(tag);
    const unblocked = input.unblocks.some(
      (u) => u.institutionId === network.institutionId && u.startsAt.getTime() <= t && t < u.endsAt.getTime(),
    );
    if (unblocked && fromPolicy.block.length > 0) tags.add(`x_${network.institutionId}`);
  }
  return { window, policyId: policy?.id ?? null, examId: exam?.id ?? null, tags: [...tags].sort() };
}
