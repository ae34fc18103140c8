import type { Db } from '@/server/db/database';
import * as clock from '@/server/clock';
import { enqueueOnce, type JobHandler } from '@/server/jobs';
import { addDays, SCHOOL_TIME_ZONE, schoolToday } from '@/modules/classroom/classroom.service';
import {
  journalNoticesBetween,
  notifyDaySummaries,
  type NotificationPayloads,
} from '@/modules/notifications/notifications.service';

/**
 * The parents' evening summary of the journal: once a day, at `SUMMARY_TIME` school time, each parent who was
 * told of an absence or a mark of a child since the previous evening's summary gets one notification per child
 * (`journal_day`) listing those absences and marks by the lesson day they are about, by subject, rendered in the
 * parent's language when read. Each evening covers what was written from the previous evening's summary time
 * up to its own (`summaryWindow`: 20:00 yesterday to 20:00 today), so a notice written after one summary is in
 * the next, none falls between two and none is told twice; an absence entered late for an earlier day is told
 * that evening, under its own day. It is built from the window's journal notices that still stand — a notice
 * withdrawn by a correction is gone, so the summary never repeats it — and a rerun of the same evening writes
 * nothing new (one summary per parent, child and evening: a unique index; a summary whose notices changed
 * since is brought up to date).
 *
 * It runs on the platform's job queue: each evening's run is a job `{ day }` due at that day's summary time,
 * added once (`enqueueOnce`). The node that runs jobs adds today's when it starts, and each run first adds the
 * next day's, so a run that fails does not stop the following days; a run a day late (the server was down)
 * sends nothing, and what its window held is not summarised (each notice was also sent on its own).
 */

/** The queue of the evening summaries. */
export const SUMMARY_QUEUE = 'journal.day-summary';
/** When the day's summary is sent, school time (HH:MM): after the school day and its evening lessons. */
export const SUMMARY_TIME = '20:00';

/** The offset from UTC of the school's time zone at an instant, in minutes (Asia/Baku: +240). */
function schoolOffsetMinutes(at: Date): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: SCHOOL_TIME_ZONE, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** The instant of a school-time moment: `day` (YYYY-MM-DD) at `time` (HH:MM) in Asia/Baku. */
export function schoolInstant(day: string, time = '00:00'): Date {
  const asUtc = Date.parse(`${day}T${time}:00Z`);
  return new Date(asUtc - schoolOffsetMinutes(new Date(asUtc)) * 60_000);
}

/** When a day's summary is due. */
export const summaryDueAt = (day: string): Date => schoolInstant(day, SUMMARY_TIME);

/**
 * When a day's summary job runs: a minute after its window closes, so that a notice stamped just before 20:00
 * by a save whose transaction commits a moment later is in it (a save's transaction lasts milliseconds).
 */
export const summaryRunsAt = (day: string): Date => new Date(summaryDueAt(day).getTime() + 60_000);

/** What the evening summary of `day` covers: notices written from the previous evening's run up to its own. */
export const summaryWindow = (day: string): { from: Date; to: Date } => ({
  from: summaryDueAt(addDays(day, -1)),
  to: summaryDueAt(day),
});

/** Adds the summary job of `day` unless it exists (in any state). */
export async function scheduleDaySummary(db: Db, day: string = schoolToday(clock.now())): Promise<void> {
  await enqueueOnce(db, SUMMARY_QUEUE, { day }, { runAt: summaryRunsAt(day), maxAttempts: 5 });
}

/**
 * Writes the summaries of the evening of `day` (YYYY-MM-DD at school) for every parent who was told of an
 * absence or a mark in its window, one per child, the notices grouped by the lesson day they are about, in
 * one transaction. Returns how many were written or brought up to date (0 on a rerun with nothing new).
 */
export async function sendDaySummaries(db: Db, day: string): Promise<number> {
  const { from, to } = summaryWindow(day);
  const notices = await journalNoticesBetween(db, from, to);
  type Summary = NotificationPayloads['journal_day'] & { userId: number };
  type LessonDay = Summary['days'][number];
  const byReaderAndChild = new Map<string, Summary>();
  for (const n of notices) {
    const studentId = Number(n.params.studentId);
    const subjectCode = String(n.params.subjectCode);
    // The lesson's day; a notice without one (none is written so) counts for the evening it was told.
    const heldOn = typeof n.params.heldOn === 'string' ? n.params.heldOn : day;
    const key = `${n.userId}:${studentId}`;
    const summary = byReaderAndChild.get(key) ?? {
      userId: n.userId,
      studentId,
      student: '',
      dayOn: day,
      days: [],
    };
    if (typeof n.params.student === 'string') summary.student = n.params.student;
    let lessonDay: LessonDay | undefined = summary.days.find((d) => d.heldOn === heldOn);
    if (!lessonDay) {
      lessonDay = { heldOn, absences: [], marks: [] };
      summary.days.push(lessonDay);
    }
    if (n.kind === 'journal_absence') lessonDay.absences.push(subjectCode);
    else lessonDay.marks.push({ subjectCode, mark: Number(n.params.mark) });
    byReaderAndChild.set(key, summary);
  }
  if (byReaderAndChild.size === 0) return 0;
  for (const summary of byReaderAndChild.values())
    summary.days.sort((a, b) => (a.heldOn < b.heldOn ? -1 : a.heldOn > b.heldOn ? 1 : 0));
  return db.transaction((tx) =>
    notifyDaySummaries(
      tx,
      [...byReaderAndChild.values()].map(({ userId, ...payload }) => ({ userId, payload })),
    ),
  );
}

/** The summary job's handler: schedules the next day's run, then sends this day's summaries. */
export function summaryJob(db: Db): JobHandler {
  return {
    run: async (job) => {
      const { day } = job.payload as { day: string };
      await scheduleDaySummary(db, addDays(day, 1));
      // A run a whole day late (the server was down) would be old news: the next day's summary follows.
      if (clock.now() >= summaryDueAt(addDays(day, 1))) return;
      await sendDaySummaries(db, day);
    },
  };
}
