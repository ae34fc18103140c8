import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { StudentSummary } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import '@/web/pages/day.css';

/** The states of a school's application to a distribution plan, in their order (as the server's). */
export const APPLICATION_STATES = ['submitted', 'registered', 'eligible', 'ineligible', 'appealed'] as const;

/** A lesson occurrence as the homes show it. */
export type DayLesson = StudentSummary['day']['lessons'][number];

/** ISO weekday of a calendar day (1 Monday … 7 Sunday), without time zones. */
export const weekdayOf = (day: string): number => ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** A day's heading: its weekday and date, in the interface language. */
export function useDayLabel() {
  const f = useFormat();
  return (day: string) => `${f.weekday(weekdayOf(day))}, ${f.date(day)}`;
}

/** A titled block of a home, with the count of its items when it has one. */
export function Block({
  id,
  title,
  count,
  children,
}: {
  id: string;
  title: string;
  count?: number;
  children: ReactNode;
}) {
  const f = useFormat();
  return (
    <section aria-labelledby={id} className="day-block">
      <h2 id={id}>
        {title}
        {count !== undefined ? <span className="badge day-count">{f.number(count)}</span> : null}
      </h2>
      {children}
    </section>
  );
}

/** One lesson in a list: time and subject as its link, then topic, teacher, room, meeting link and homework. */
export function LessonItem({
  lesson,
  to,
  withTeacher = true,
}: {
  lesson: DayLesson;
  to?: string;
  withTeacher?: boolean;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const what = `${f.time(lesson.startsAt)}–${f.time(lesson.endsAt)} · ${lesson.subject}`;
  return (
    <li className={lesson.state === 'cancelled' ? 'day-lesson cancelled' : 'day-lesson'}>
      {to ? (
        <Link to={to} className="what">
          {what}
        </Link>
      ) : (
        <span className="what">{what}</span>
      )}
      {lesson.state === 'cancelled' ? <span className="meta">{t('day.cancelled')}</span> : null}
      <span className="meta">{lesson.topic ?? t('day.noTopic')}</span>
      {withTeacher ? (
        <span className="meta">
          {lesson.teacher}
          {lesson.room ? ` · ${t('day.room')} ${lesson.room}` : ''}
        </span>
      ) : null}
      {lesson.homework ? (
        <span className="meta">{t('day.homeworkOn', { text: lesson.homework })}</span>
      ) : null}
      {lesson.materials.length > 0 ? (
        <span className="meta">{t('day.materialsCount', { count: lesson.materials.length })}</span>
      ) : null}
      {lesson.meetingUrl && lesson.state !== 'cancelled' ? (
        <a href={lesson.meetingUrl} target="_blank" rel="noreferrer" className="day-join">
          {t('day.join')}
        </a>
      ) : null}
    </li>
  );
}

/** Homework still to hand in, each opening its assignment. */
export function HomeworkList({
  items,
  empty,
  linked = true,
}: {
  items: StudentSummary['day']['homework'];
  empty: string;
  /** Whether each opens its assignment (the student's own); a parent reads them on "Assignments". */
  linked?: boolean;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  if (items.length === 0) return <p className="empty">{empty}</p>;
  return (
    <ul className="list">
      {items.map((h) => (
        <li key={h.id}>
          {linked ? (
            <Link to={`/assignments/${h.id}`} className="what">
              {h.title}
            </Link>
          ) : (
            <span className="what">{h.title}</span>
          )}
          <span className="meta">
            {h.subject} · {t('day.due', { date: f.dateTime(h.dueAt) })}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Marks as short lines: date, subject, mark. */
export function MarkList({ items, empty }: { items: StudentSummary['day']['marks']; empty: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (items.length === 0) return <p className="empty">{empty}</p>;
  return (
    <ul className="list">
      {items.map((m, i) => (
        <li key={i}>
          <span>{t('day.markLine', { date: f.date(m.date), subject: m.subject, mark: m.mark })}</span>
        </li>
      ))}
    </ul>
  );
}
