import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type DirectorDay } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { ErrorBox, Loading } from '@/web/components/status';
import { Link } from '@/web/router';
import { Block, useDayLabel } from '@/web/pages/day-parts';

type School = DirectorDay['schools'][number];

/**
 * A director's day at each school they direct, from one call: today's attendance by class, lessons held this
 * week without a topic, the ICT record's state and due date, the distribution application, council decisions due.
 */
export function DirectorToday() {
  const summary = useQuery({
    queryKey: ['home', 'director'],
    queryFn: () => api<DirectorDay>('/home/director'),
  });
  if (summary.isPending) return <Loading />;
  if (summary.isError) return <ErrorBox error={summary.error} onRetry={() => void summary.refetch()} />;
  const many = summary.data.schools.length > 1;
  return (
    <>
      {summary.data.schools.map((s) => (
        <SchoolDay key={s.id} school={s} today={summary.data.today} named={many} />
      ))}
    </>
  );
}

function SchoolDay({ school, today, named }: { school: School; today: string; named: boolean }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const dayLabel = useDayLabel();
  const id = (part: string) => `director-${school.id}-${part}`;
  const { attendance, notFilled, ict, allocation, decisions } = school;
  return (
    <div className="day-school">
      {named ? <h2>{localName(school, i18n.language)}</h2> : null}
      <Block
        id={id('today')}
        title={`${t('day.schoolToday')}: ${dayLabel(today)}`}
        count={attendance.lessons}
      >
        {attendance.lessons === 0 ? (
          <p className="empty">
            {t('day.noLessonsSchool')} <Link to="/school/timetable">{t('day.openTimetable')}</Link>
          </p>
        ) : (
          <>
            <p>{t('day.lessonsToday', { count: attendance.lessons })}</p>
            <p className="what">
              {t('day.attendanceTaken', {
                taken: f.number(attendance.taken),
                started: f.number(attendance.started),
              })}
            </p>
            <ul className="list tiles">
              {attendance.classes.map((c) => (
                <li key={c.classId} className={c.taken < c.started ? 'warn' : undefined}>
                  <Link to={`/journal/${c.classId}`}>
                    {t('day.classLine', { class: c.className, taken: c.taken, started: c.started })}
                  </Link>
                </li>
              ))}
            </ul>
          </>
        )}
      </Block>
      <Block id={id('not-filled')} title={t('day.notFilled')} count={notFilled.count}>
        {notFilled.count === 0 ? (
          <p className="empty">{t('day.notFilledNone')}</p>
        ) : (
          <ul className="list">
            {notFilled.items.map((l) => (
              <li key={l.lessonId}>
                <Link to={`/journal/${l.classId}?subject=${encodeURIComponent(l.subjectCode)}`}>
                  {t('day.notFilledLine', {
                    date: f.date(l.date),
                    time: f.time(l.startsAt),
                    class: l.className,
                    subject: l.subject,
                    teacher: l.teacher,
                  })}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Block>
      {ict ? (
        <Block id={id('ict')} title={t('day.ict', { year: ict.year })}>
          <p>
            {t('day.ictState', {
              state: ict.state ? t(`registry.state.${ict.state}`) : t('day.ictNotStarted'),
            })}
          </p>
          <p
            className={
              ict.state !== 'submitted' && ict.state !== 'verified' && ict.dueOn < today ? 'warn' : undefined
            }
          >
            {ict.state !== 'submitted' && ict.state !== 'verified' && ict.dueOn < today
              ? t('day.overdue', { date: f.date(ict.dueOn) })
              : t('day.ictDue', { date: f.date(ict.dueOn) })}
          </p>
          <p className="cta">
            <Link to="/school/ict">{t('day.ictOpen')}</Link>
          </p>
        </Block>
      ) : null}
      <Block id={id('allocation')} title={t('day.allocation')}>
        {allocation === null ? (
          <p className="empty">{t('day.allocationNone')}</p>
        ) : (
          <>
            <p>
              {allocation.application === null
                ? t('day.applicationNone', {
                    plan: allocation.name,
                    date: f.date(allocation.applicationsCloseOn),
                  })
                : t('day.applicationState', {
                    plan: allocation.name,
                    state: t(`allocation.state.${allocation.application}`),
                  })}
            </p>
            <p className="cta">
              <Link to="/school/allocation">{t('day.allocationOpen')}</Link>
            </p>
          </>
        )}
      </Block>
      <Block id={id('decisions')} title={t('day.decisions')} count={decisions.length}>
        {decisions.length === 0 ? (
          <p className="empty">{t('day.decisionsNone')}</p>
        ) : (
          <ul className="list">
            {decisions.map((d) => (
              <li key={d.id} className={d.overdue ? 'warn' : undefined}>
                <Link to={`/school/councils/${d.meetingId}`} className="what">
                  {d.text}
                </Link>
                <span className="meta">
                  {d.overdue
                    ? t('day.overdue', { date: f.date(d.dueOn) })
                    : t('day.due', { date: f.date(d.dueOn) })}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Block>
    </div>
  );
}
