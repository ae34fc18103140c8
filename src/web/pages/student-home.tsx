import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type StudentSummary } from '@/web/api';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { ClassCard } from '@/web/components/class-card';
import { Link } from '@/web/router';
import { useMe } from '@/web/session';
import { Block, HomeworkList, LessonItem, MarkList, useDayLabel } from '@/web/pages/day-parts';

/** A student's home: today and this week (lessons with their content), homework due, contests, marks, notices, the class. */
export function StudentHome() {
  const { t } = useTranslation();
  const f = useFormat();
  const dayLabel = useDayLabel();
  const me = useMe();
  const summary = useQuery({
    queryKey: ['home', 'student'],
    queryFn: () => api<StudentSummary>('/home/student'),
  });
  const day = summary.data?.day;
  const todays = day?.lessons.filter((l) => l.date === day.today) ?? [];
  const later = day ? [...new Set(day.lessons.map((l) => l.date))].filter((d) => d !== day.today) : [];
  return (
    <Page title={t('student.title')} intro={t('student.intro')}>
      {summary.isPending ? <Loading /> : null}
      {summary.isError ? <ErrorBox error={summary.error} onRetry={() => void summary.refetch()} /> : null}
      {day ? (
        <>
          <Block id="day-today" title={`${t('day.today')}: ${dayLabel(day.today)}`} count={todays.length}>
            {todays.length === 0 ? (
              <p className="empty">
                {t(day.lessons.length === 0 ? 'day.noLessonsWeek' : 'day.noLessonsToday')}
              </p>
            ) : (
              <ul className="list">
                {todays.map((l) => (
                  <LessonItem key={l.id} lesson={l} to={`/my/lessons/${l.id}`} />
                ))}
              </ul>
            )}
          </Block>
          <Block id="day-homework" title={t('day.homework')} count={day.homework.length}>
            <HomeworkList items={day.homework} empty={t('day.noHomework')} />
            <p>
              <Link to="/my/assignments">{t('day.allAssignments')}</Link>
            </p>
          </Block>
          <Block id="day-contests" title={t('day.contests')} count={day.contests.length}>
            {day.contests.length === 0 ? (
              <p className="empty">{t('day.noContests')}</p>
            ) : (
              <ul className="list">
                {day.contests.map((c) => (
                  <li key={c.id}>
                    <Link to={`/my/contests/${c.id}`} className="what">
                      {c.title}
                    </Link>
                    <span className="meta">
                      {t('day.window', { from: f.dateTime(c.opensAt), to: f.dateTime(c.closesAt) })}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            <p>
              <Link to="/my/contests">{t('day.allContests')}</Link>
            </p>
          </Block>
          <Block id="day-week" title={t('day.thisWeek')}>
            {later.length === 0 ? (
              <p className="empty">
                {t(day.lessons.length === 0 ? 'day.noLessonsWeek' : 'day.noOtherLessons')}
              </p>
            ) : null}
            {later.map((date) => (
              <section key={date} aria-labelledby={`day-week-${date}`}>
                <h3 id={`day-week-${date}`}>{dayLabel(date)}</h3>
                <ul className="list">
                  {day.lessons
                    .filter((l) => l.date === date)
                    .map((l) => (
                      <LessonItem key={l.id} lesson={l} to={`/my/lessons/${l.id}`} withTeacher={false} />
                    ))}
                </ul>
              </section>
            ))}
          </Block>
          <Block id="day-marks" title={t('day.marks')}>
            <MarkList items={day.marks} empty={t('day.noMarks')} />
            {me.data ? (
              <p>
                <Link to={`/journal/student/${me.data.user.id}`}>{t('journal.myJournal')}</Link>
              </p>
            ) : null}
          </Block>
          <Block id="day-notices" title={t('day.notices')} count={day.notices.unread}>
            {day.notices.items.length === 0 ? (
              <p className="empty">{t('day.noNotices')}</p>
            ) : (
              <ul className="list">
                {day.notices.items.map((n) => (
                  <li key={n.id} className={n.read ? undefined : 'unread'}>
                    <span>{n.text}</span>
                    <span className="meta">{f.dateTime(n.createdAt)}</span>
                  </li>
                ))}
              </ul>
            )}
          </Block>
        </>
      ) : null}
      {summary.data?.classes.length === 0 ? <p>{t('student.empty')}</p> : null}
      {summary.data?.classes.map((c) => (
        <section
          key={c.id}
          className="card"
          aria-label={t('class.title', { grade: c.grade, letter: c.letter })}
        >
          <ClassCard item={c} />
        </section>
      ))}
    </Page>
  );
}
