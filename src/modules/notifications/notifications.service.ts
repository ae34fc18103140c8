import type { Db } from '@/server/db/database';
import * as clock from '@/server/clock';
import { AppError } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { subjectsKept } from '@/modules/institutions/institutions.service';
import * as store from '@/modules/notifications/notifications.store';

/**
 * In-app notifications. A notification stores its kind and parameters, never text; each reader gets it in
 * their own language. Other modules call `notify` inside their transaction, so a notification exists exactly
 * when the change it tells of does.
 */

/** The parameters each kind of notification carries. Times are ISO 8601 strings. */
export interface NotificationPayloads {
  /** A teacher set a new assignment for the reader's class. */
  assignment_new: { assignmentId: number; title: string; subjectCode: string; dueAt: string };
  /** The reader's work (or their group's) was marked. */
  assignment_marked: { assignmentId: number; title: string; mark: number };
  /** The teacher asks for another version of the reader's work. */
  assignment_returned: { assignmentId: number; title: string };
  /** The teacher moved the due time of an assignment of the reader's class. */
  assignment_changed: { assignmentId: number; title: string; dueAt: string };
  /** A contest the reader takes part in is about to start. */
  contest_starting: { contestId: number; title: string; opensAt: string };
  /** The reader's child was marked absent (a code that does not count as present) in a lesson. */
  journal_absence: {
    studentId: number;
    student: string;
    subjectCode: string;
    heldOn: string;
    lessonId: number;
    code: string;
  };
  /** The reader's child got a new or changed mark. */
  journal_mark: {
    studentId: number;
    student: string;
    subjectCode: string;
    heldOn: string;
    columnKey: string;
    mark: number;
  };
  /**
   * The evening summary of a child in the journal: the absences (a subject code each) and marks the reader was
   * told of since the previous evening's summary and that still stand, by the lesson day they are about. One
   * per reader, child and evening (`dayOn`).
   */
  journal_day: {
    studentId: number;
    student: string;
    /** The evening it was sent (school date). */
    dayOn: string;
    /** By lesson day, oldest first. */
    days: { heldOn: string; absences: string[]; marks: { subjectCode: string; mark: number }[] }[];
  };
  /** The reader's training certificate ends in 30 days (its text is defined by the training module). */
  training_certificate_expiring: { certificateId: string; title: string; expiresOn: string };
  /** The reader's request to unblock a site was approved (its text is defined by the safety module). */
  safety_request_approved: { requestId: number; domain: string; endsAt: string };
  /** The reader's request to unblock a site was refused, with the decider's note (maybe empty). */
  safety_request_rejected: { requestId: number; domain: string; note: string };
  /** Someone replied in the reader's portal thread (texts by the portal's discussions; never the reply's text). */
  portal_reply: { threadId: number; postId: number; title: string };
  /** A moderator approved the reader's post that was waiting: it is shown now. */
  portal_post_approved: { threadId: number; postId: number; title: string };
  /** A moderator rejected the reader's post that was waiting, with the moderator's reason. */
  portal_post_rejected: { threadId: number; postId: number; title: string; reason: string };
}
export type NotificationKind = keyof NotificationPayloads;
export const NOTIFICATION_KINDS = [
  'assignment_new',
  'assignment_marked',
  'assignment_returned',
  'assignment_changed',
  'contest_starting',
  'journal_absence',
  'journal_mark',
  'journal_day',
  'training_certificate_expiring',
  'safety_request_approved',
  'safety_request_rejected',
  'portal_reply',
  'portal_post_approved',
  'portal_post_rejected',
] as const satisfies readonly NotificationKind[];

defineMessages({
  en: {
    'notification.assignment_new': 'New assignment in {subject}: “{title}”, due {dueAt}.',
    'notification.assignment_marked': 'Your work “{title}” has been marked: {mark}.',
    'notification.assignment_returned': 'The teacher asks you to hand in “{title}” again.',
    'notification.assignment_changed': 'The assignment “{title}” is now due {dueAt}.',
    'notification.contest_starting': 'The contest “{title}” starts {opensAt}.',
    'notification.journal_absence': '{student} was absent from {subject} on {heldOn}.',
    'notification.journal_mark': '{student} got a {mark} in {subject} ({heldOn}).',
    'notification.journal_day': '{student}, {dayOn}: {summary}.',
    'notification.journal_day.absences': 'absences {count} ({subjects})',
    'notification.journal_day.marks': 'marks {count} ({marks})',
    'notifications.nothing_to_mark': 'Give the notifications to mark read, or all.',
  },
  az: {
    'notification.assignment_new': '{subject} fənnindən yeni tapşırıq: “{title}”, son tarix {dueAt}.',
    'notification.assignment_marked': '“{title}” işiniz qiymətləndirildi: {mark}.',
    'notification.assignment_returned': 'Müəllim “{title}” işini yenidən təqdim etməyinizi xahiş edir.',
    'notification.assignment_changed': '“{title}” tapşırığının yeni son tarixi: {dueAt}.',
    'notification.contest_starting': '“{title}” müsabiqəsi {opensAt} başlayır.',
    'notification.journal_absence': '{student} {heldOn} tarixində {subject} dərsində olmayıb.',
    'notification.journal_mark': '{student} {subject} fənnindən {mark} aldı ({heldOn}).',
    'notification.journal_day': '{student}, {dayOn}: {summary}.',
    'notification.journal_day.absences': 'buraxılan dərslər {count} ({subjects})',
    'notification.journal_day.marks': 'qiymətlər {count} ({marks})',
    'notifications.nothing_to_mark': 'Oxunmuş kimi qeyd ediləcək bildirişləri və ya hamısını göstərin.',
  },
  ru: {
    'notification.assignment_new': 'Новое задание по предмету «{subject}»: «{title}», срок {dueAt}.',
    'notification.assignment_marked': 'Ваша работа «{title}» оценена: {mark}.',
    'notification.assignment_returned': 'Учитель просит сдать «{title}» ещё раз.',
    'notification.assignment_changed': 'Новый срок задания «{title}»: {dueAt}.',
    'notification.contest_starting': 'Олимпиада «{title}» начинается {opensAt}.',
    'notification.journal_absence': '{student} отсутствовал(а) на уроке «{subject}» {heldOn}.',
    'notification.journal_mark': '{student} получил(а) {mark} по предмету «{subject}» ({heldOn}).',
    'notification.journal_day': '{student}, {dayOn}: {summary}.',
    'notification.journal_day.absences': 'пропуски {count} ({subjects})',
    'notification.journal_day.marks': 'оценки {count} ({marks})',
    'notifications.nothing_to_mark': 'Укажите, какие уведомления отметить прочитанными, или все.',
  },
});

/** The time zone times in notifications are shown in (the schools'). */
const TIME_ZONE = 'Asia/Baku';

/**
 * Notifies each of `userIds` (duplicates are sent once). Call it with the transaction of the change it tells
 * of; it adds one statement to it.
 */
export async function notify<K extends NotificationKind>(
  tx: Db,
  userIds: number[],
  kind: K,
  payload: NotificationPayloads[K],
): Promise<void> {
  await store.insertForUsers(tx, [...new Set(userIds)], kind, payload, clock.now());
}

/**
 * Notifies each person of their own notice (a kind and its parameters each), in one statement of the caller's
 * transaction: the journal's notices to parents, one per child and change.
 */
export async function notifyEach<K extends NotificationKind>(
  tx: Db,
  kind: K,
  notices: { userId: number; payload: NotificationPayloads[K] }[],
): Promise<void> {
  await store.insertEach(
    tx,
    kind,
    notices.map((n) => ({ userId: n.userId, params: n.payload })),
    clock.now(),
  );
}

/** Takes back what `notify` said about a thing that is gone: its notifications would lead nowhere. */
export async function withdraw(tx: Db, userIds: number[], key: 'assignmentId' | 'contestId', id: number) {
  await store.deleteAbout(tx, userIds, key, id);
}

/**
 * Takes back journal notices that are no longer true (an absence corrected, a mark removed or replaced), in the
 * caller's transaction: each match names the child and the cell (`{ studentId, lessonId }` for an absence,
 * `{ studentId, columnKey }` for a mark). They are deleted rather than flagged: a notice states what the
 * journal says now, and the journal's own history (its append-only events) keeps what it said before.
 */
export async function withdrawJournal(
  tx: Db,
  userIds: number[],
  kind: 'journal_absence' | 'journal_mark',
  matches: Partial<NotificationPayloads[typeof kind]>[],
): Promise<void> {
  await store.deleteMatching(tx, [...new Set(userIds)], kind, matches);
}

/** Date formatters per language, made once each (making one costs far more than using it). */
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (locale: Locale, withTime: boolean) => {
  const key = `${locale}:${withTime}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(
      locale,
      withTime
        ? { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }
        : { dateStyle: 'medium', timeZone: 'UTC' },
    );
    formatters.set(key, found);
  }
  return found;
};

/** A calendar day (`YYYY-MM-DD`) in words: 8 Dec 2026. */
const formatDay = (locale: Locale, day: unknown) => {
  const time = typeof day === 'string' ? Date.parse(`${day}T12:00:00Z`) : NaN;
  if (!Number.isFinite(time)) return String(day);
  return formatter(locale, false).format(new Date(time));
};

const formatTime = (locale: Locale, iso: unknown) => {
  const time = typeof iso === 'string' ? Date.parse(iso) : NaN;
  if (!Number.isFinite(time)) return String(iso);
  return formatter(locale, true).format(new Date(time));
};

type SubjectNames = Map<string, Record<Locale, string>>;

type LessonDay = Partial<NotificationPayloads['journal_day']['days'][number]>;

/**
 * A lesson day's words in a summary: the absences by subject (with how many when more than one), the marks with
 * their subjects, joined as the language joins lists.
 */
function daySummary(params: LessonDay, locale: Locale, subjectNames: SubjectNames): string {
  const name = (code: string) => subjectNames.get(code)?.[locale] ?? code;
  const list = (items: string[]) => new Intl.ListFormat(locale, { type: 'conjunction' }).format(items);
  const absences = Array.isArray(params.absences) ? params.absences : [];
  const marks = Array.isArray(params.marks) ? params.marks : [];
  const perSubject = new Map<string, number>();
  for (const code of absences) perSubject.set(code, (perSubject.get(code) ?? 0) + 1);
  const parts: string[] = [];
  if (absences.length > 0)
    parts.push(
      translate(locale, 'notification.journal_day.absences', {
        count: absences.length,
        subjects: list(
          [...perSubject].map(([code, n]) =>
            n > 1 ? `${name(code)} ×${new Intl.NumberFormat(locale).format(n)}` : name(code),
          ),
        ),
      }),
    );
  if (marks.length > 0)
    parts.push(
      translate(locale, 'notification.journal_day.marks', {
        count: marks.length,
        marks: list(
          marks.map((m) => `${name(m.subjectCode)} ${new Intl.NumberFormat(locale).format(m.mark)}`),
        ),
      }),
    );
  return parts.join('; ');
}

/**
 * The lesson days of an evening summary. A summary written before summaries covered an evening-to-evening
 * window holds one day's `absences` and `marks` at its top, about its `dayOn`.
 */
function lessonDaysOf(params: Record<string, unknown>): LessonDay[] {
  if (Array.isArray(params.days)) return params.days as LessonDay[];
  return [{ ...(params as LessonDay), heldOn: String(params.dayOn) }];
}

/** The subject codes a notification's text names. */
function subjectCodesOf(params: Record<string, unknown>): string[] {
  if (Array.isArray(params.days)) return lessonDaysOf(params).flatMap((d) => subjectCodesOf(d));
  const codes: string[] = [];
  if (typeof params.subjectCode === 'string') codes.push(params.subjectCode);
  if (Array.isArray(params.absences))
    codes.push(...params.absences.filter((c): c is string => typeof c === 'string'));
  if (Array.isArray(params.marks))
    for (const m of params.marks as { subjectCode?: unknown }[])
      if (typeof m?.subjectCode === 'string') codes.push(m.subjectCode);
  return codes;
}

/** Subject names in every language, for the notifications given (one query). */
async function subjectNamesOf(db: Db, found: store.NotificationRow[]): Promise<SubjectNames> {
  const codes = [...new Set(found.flatMap((r) => subjectCodesOf(r.params)))];
  if (codes.length === 0) return new Map();
  const subjects = await subjectsKept(db, codes);
  return new Map(
    codes.flatMap((code) => {
      const s = subjects.get(code);
      return s ? [[code, { az: s.nameAz, ru: s.nameRu, en: s.nameEn }] as const] : [];
    }),
  );
}

/**
 * The text of a notification in `locale`: subject codes become names, times (`…At`) are shown in school time,
 * days (`…On`) in words.
 */
function render(row: store.NotificationRow, locale: Locale, subjectNames: SubjectNames): string {
  const params: Record<string, unknown> = { ...row.params };
  for (const [key, value] of Object.entries(row.params)) {
    if (key.endsWith('At')) params[key] = formatTime(locale, value);
    if (key.endsWith('On')) params[key] = formatDay(locale, value);
  }
  if (typeof row.params.subjectCode === 'string') {
    params.subject = subjectNames.get(row.params.subjectCode)?.[locale] ?? row.params.subjectCode;
  }
  if (row.kind === 'journal_day')
    // A sentence per lesson day, each naming its day.
    return lessonDaysOf(row.params)
      .map((day) =>
        translate(locale, 'notification.journal_day', {
          student: params.student,
          dayOn: formatDay(locale, day.heldOn),
          summary: daySummary(day, locale, subjectNames),
        }),
      )
      .join(' ');
  return translate(locale, `notification.${row.kind}`, params);
}

/**
 * The journal notices (absences and marks) every parent was sent in `[from, to)` by the server's clock (each
 * notification is stamped with it when written) and that still stand (a withdrawn notice is deleted), for the
 * evening summary.
 */
export async function journalNoticesBetween(db: Db, from: Date, to: Date) {
  return store.journalNoticesBetween(db, from, to);
}

/** Writes the evening summaries (one per reader, child and evening; a rerun adds none). Returns how many changed. */
export async function notifyDaySummaries(
  tx: Db,
  summaries: { userId: number; payload: NotificationPayloads['journal_day'] }[],
): Promise<number> {
  return store.upsertJournalDays(
    tx,
    summaries.map((s) => ({ userId: s.userId, params: s.payload })),
  );
}

/** A parent's latest day summary of each of their children, in the parent's language. */
export async function latestDaySummaries(db: Db, userId: number, studentIds: number[], locale: Locale) {
  const found = await store.latestAboutChildren(db, userId, 'journal_day', studentIds);
  const names = await subjectNamesOf(db, found);
  return new Map(
    found.map((r) => [
      Number(r.params.studentId),
      { id: r.id, dayOn: String(r.params.dayOn), text: render(r, locale, names), read: r.readAt !== null },
    ]),
  );
}

/** The caller's notifications, newest first, with their unread count, in the caller's language. */
export async function listMine(
  db: Db,
  userId: number,
  query: { limit?: number; before?: number },
  locale: Locale,
) {
  const limit = query.limit ?? 20;
  // The first page and the unread count in one query; a later page reads the count on its own.
  const page =
    query.before === undefined
      ? await store.firstPageOf(db, userId, limit)
      : { items: await store.listOf(db, userId, limit, query.before), unread: null };
  const found = page.items;
  const subjectNames = await subjectNamesOf(db, found);
  return {
    unread: page.unread ?? (await store.unreadCount(db, userId)),
    items: found.map((r) => ({
      id: r.id,
      kind: r.kind,
      params: r.params,
      text: render(r, locale, subjectNames),
      createdAt: r.createdAt.toISOString(),
      read: r.readAt !== null,
    })),
    nextBefore: found.length === limit ? found[found.length - 1]!.id : null,
  };
}

/** Marks the caller's notifications read (the given ones, or all); answers the unread count left. */
export async function markRead(db: Db, userId: number, body: { ids?: number[]; all?: boolean }) {
  if (!body.all && (body.ids === undefined || body.ids.length === 0)) {
    throw new AppError(422, 'notifications.nothing_to_mark');
  }
  await store.markRead(db, userId, body.all ? null : body.ids!);
  return { unread: await store.unreadCount(db, userId) };
}
