import { lazy, Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ParentSummary } from '@/web/api';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { ClassCard } from '@/web/components/class-card';
import { Link } from '@/web/router';
import { ParentNotices } from '@/web/journal/notices';
import { HomeworkList, LessonItem, MarkList, useDayLabel } from '@/web/pages/day-parts';

type Child = ParentSummary['children'][number];

// Each child's term in the journal (marks, attendance, homework, comments by subject), loaded with the journal's
// code when the home opens, below the child's day.
const StudentJournal = lazy(() =>
  import('@/web/journal/overview').then((m) => ({ default: m.StudentJournal })),
);

/** A parent's home: each linked child's day — today's lessons, the week's attendance and marks, homework due. */
export function ParentHome() {
  const { t } = useTranslation();
  const summary = useQuery({
    queryKey: ['home', 'parent'],
    queryFn: () => api<ParentSummary>('/home/parent'),
  });
  return (
    <Page title={t('parent.title')} intro={t('parent.intro')}>
      {summary.isPending ? <Loading /> : null}
      {summary.isError ? <ErrorBox error={summary.error} onRetry={() => void summary.refetch()} /> : null}
      {summary.data?.children.length === 0 ? <p>{t('parent.empty')}</p> : null}
      {summary.data && summary.data.children.length > 0 ? <ParentNotices /> : null}
      {summary.data?.children.map((child) => (
        <ChildDay key={child.id} child={child} />
      ))}
      <p>
        <Link to="/journal/link">{t('journal.haveCode')}</Link>
      </p>
    </Page>
  );
}

function ChildDay({ child }: { child: Child }) {
  const { t } = useTranslation();
  const f = useFormat();
  const dayLabel = useDayLabel();
  const { day } = child;
  const id = (part: string) => `child-${child.id}-${part}`;
  return (
    <section className="card" aria-labelledby={id('name')}>
      <h2 id={id('name')}>{child.displayName}</h2>
      {child.classes.length === 0 ? <p>{t('parent.noClass')}</p> : null}
      {day.summary ? (
        <section aria-labelledby={id('summary')}>
          <h3 id={id('summary')}>{t('day.daySummary', { date: dayLabel(day.summary.day) })}</h3>
          <p className="day-summary">{day.summary.text}</p>
        </section>
      ) : null}
      <section aria-labelledby={id('today')}>
        <h3 id={id('today')}>
          {t('day.childToday')}: {dayLabel(day.today)}
        </h3>
        {day.lessons.length === 0 ? (
          <p className="empty">{t('day.childNoLessons')}</p>
        ) : (
          <ul className="list">
            {day.lessons.map((l) => (
              <LessonItem key={l.id} lesson={l} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby={id('attendance')}>
        <h3 id={id('attendance')}>{t('day.attendanceWeek')}</h3>
        {day.attendance.recorded === 0 ? (
          <p className="empty">{t('day.attendanceNoneYet')}</p>
        ) : (
          <p>
            {t('day.attendanceLine', {
              present: f.number(day.attendance.present),
              recorded: f.number(day.attendance.recorded),
            })}
          </p>
        )}
        {day.attendance.missed.length > 0 ? (
          <ul className="list">
            {day.attendance.missed.map((m, i) => (
              <li key={i}>
                <span>{t('day.missed', { date: f.date(m.date), subject: m.subject, code: m.code })}</span>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <section aria-labelledby={id('marks')}>
        <h3 id={id('marks')}>{t('day.marksWeek')}</h3>
        <MarkList items={day.marks} empty={t('day.noMarksWeek')} />
      </section>
      <section aria-labelledby={id('homework')}>
        <h3 id={id('homework')}>{t('day.homework')}</h3>
        <HomeworkList items={day.homework} empty={t('day.childNoHomework')} linked={false} />
        {day.homework.length > 0 ? (
          <p>
            <Link to="/my/assignments">{t('day.allAssignments')}</Link>
          </p>
        ) : null}
      </section>
      {child.classes.map((c) => (
        <ClassCard key={c.id} item={c} />
      ))}
      <Suspense fallback={<Loading />}>
        <StudentJournal studentId={child.id} headingLevel={3} />
      </Suspense>
    </section>
  );
}
