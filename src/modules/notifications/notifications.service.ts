import type { Db } from '@/server/db/database';
import { AppError } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import * as institutionsStore from '@/modules/institutions/institutions.store';
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
  await store.insertForUsers(tx, [...new Set(userIds)], kind, payload);
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

/** A calendar day (`YYYY-MM-DD`) in words: 8 Dec 2026. */
const formatDay = (locale: Locale, day: unknown) => {
  const time = typeof day === 'string' ? Date.parse(`${day}T12:00:00Z`) : NaN;
  if (!Number.isFinite(time)) return String(day);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(time));
};

const formatTime = (locale: Locale, iso: unknown) => {
  const time = typeof iso === 'string' ? Date.parse(iso) : NaN;
  if (!Number.isFinite(time)) return String(iso);
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  }).format(new Date(time));
};

/**
 * The text of a notification in `locale`: subject codes become names, times (`…At`) are shown in school time,
 * days (`…On`) in words.
 */
function render(
  row: store.NotificationRow,
  locale: Locale,
  subjectNames: Map<string, Record<Locale, string>>,
): string {
  const params: Record<string, unknown> = { ...row.params };
  for (const [key, value] of Object.entries(row.params)) {
    if (key.endsWith('At')) params[key] = formatTime(locale, value);
    if (key.endsWith('On')) params[key] = formatDay(locale, value);
  }
  if (typeof row.params.subjectCode === 'string') {
    params.subject = subjectNames.get(row.params.subjectCode)?.[locale] ?? row.params.subjectCode;
  }
  return translate(locale, `notification.${row.kind}`, params);
}

/** The caller's notifications, newest first, with their unread count, in the caller's language. */
export async function listMine(
  db: Db,
  userId: number,
  query: { limit?: number; before?: number },
  locale: Locale,
) {
  const limit = query.limit ?? 20;
  const found = await store.listOf(db, userId, limit, query.before);
  const codes = [
    ...new Set(found.map((r) => r.params.subjectCode).filter((c): c is string => typeof c === 'string')),
  ];
  const subjectNames = new Map(
    (await institutionsStore.subjectsByCode(db, codes)).map((s) => [
      s.code,
      { az: s.nameAz, ru: s.nameRu, en: s.nameEn },
    ]),
  );
  return {
    unread: await store.unreadCount(db, userId),
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
