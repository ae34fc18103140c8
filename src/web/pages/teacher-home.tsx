import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type TeacherSummary } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { Link } from '@/web/router';
import { Block, LessonItem, useDayLabel } from '@/web/pages/day-parts';

/**
 * A teacher's home: today's lessons to fill in, attendance not yet taken, work waiting for a mark, the week;
 * then the schools they teach in and the classes they lead this year.
 */
export function TeacherHome() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const dayLabel = useDayLabel();
  const summary = useQuery({
    queryKey: ['home', 'teacher'],
    queryFn: () => api<TeacherSummary>('/home/teacher'),
  });
  const data = summary.data;
  return (
    <Page title={t('teacher.title')} intro={t('teacher.intro')}>
      {summary.isPending ? <Loading /> : null}
      {summary.isError ? <ErrorBox error={summary.error} onRetry={() => void summary.refetch()} /> : null}
      {data ? (
        <>
          <Block
            id="day-teach"
            title={`${t('day.teachToday')}: ${dayLabel(data.day.today)}`}
            count={data.day.lessons.length}
          >
            {data.day.lessons.length === 0 ? (
              <p className="empty">{t('day.noTeachToday')}</p>
            ) : (
              <ul className="list">
                {data.day.lessons.map((l) => (
                  <LessonItem
                    key={l.id}
                    lesson={{
                      ...l,
                      subject: `${l.className} · ${l.subject}`,
                      topic: l.topic ?? t('day.fillIn'),
                    }}
                    to={`/teaching/lessons/${l.id}`}
                    withTeacher={false}
                  />
                ))}
              </ul>
            )}
          </Block>
          <Block id="day-attendance" title={t('day.attendance')} count={data.day.attendanceMissing.length}>
            {data.day.attendanceMissing.length === 0 ? (
              <p className="empty">{t('day.attendanceNone')}</p>
            ) : (
              <ul className="list">
                {data.day.attendanceMissing.map((l) => (
                  <li key={l.lessonId}>
                    <Link
                      to={`/journal/${l.classId}?subject=${encodeURIComponent(l.subjectCode)}`}
                      className="what"
                    >
                      {t('day.takeAttendance', {
                        time: f.time(l.startsAt),
                        class: l.className,
                        subject: l.subject,
                      })}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </Block>
          <Block
            id="day-to-mark"
            title={t('day.toMark')}
            count={data.day.toMark.reduce((n, a) => n + a.waiting, 0)}
          >
            {data.day.toMark.length === 0 ? (
              <p className="empty">{t('day.toMarkNone')}</p>
            ) : (
              <ul className="list">
                {data.day.toMark.map((a) => (
                  <li key={a.id}>
                    <Link to={`/assignments/${a.id}`} className="what">
                      {a.title}
                    </Link>
                    <span className="meta">
                      {a.className} · {a.subject} · {t('day.due', { date: f.dateTime(a.dueAt) })}
                    </span>
                    <span className="meta">{t('day.waiting', { count: a.waiting })}</span>
                  </li>
                ))}
              </ul>
            )}
          </Block>
          <Block id="day-week" title={t('day.thisWeek')}>
            <ul className="list">
              {data.day.week.map((d) => (
                <li key={d.date} className={d.date === data.day.today ? 'current' : undefined}>
                  <span className="what">{dayLabel(d.date)}</span>
                  <span className="meta">
                    {d.lessons === 0
                      ? t('day.noLessonsDay')
                      : t('day.weekLine', { lessons: f.number(d.lessons), filled: f.number(d.filled) })}
                  </span>
                </li>
              ))}
            </ul>
            <p>
              <Link to="/teaching">{t('day.openTeaching')}</Link>
            </p>
          </Block>
        </>
      ) : null}
      {data
        ? data.schools.map((school) => {
            const classes = data.classes.filter((c) => c.institution.id === school.id);
            return (
              <section key={school.id} aria-labelledby={`teacher-school-${school.id}`}>
                <h2 id={`teacher-school-${school.id}`}>{localName(school, i18n.language)}</h2>
                {classes.length === 0 ? <p>{t('teacher.empty')}</p> : null}
                <ul className="list tiles">
                  {classes.map((c) => (
                    <li key={c.id}>
                      <span className="big">{t('class.title', { grade: c.grade, letter: c.letter })}</span>
                      <span className="meta">
                        {t('teacher.students')}: {f.number(c.students)}
                      </span>
                      <span className="meta">
                        {t(`class.shiftN${c.shift}`, { defaultValue: String(c.shift) })}
                      </span>
                      <span className="meta">{t(`instruction.${c.language}`)}</span>
                      <span className="meta">
                        <Link to={`/journal/${c.id}/codes`}>{t('journal.linkCodes')}</Link>
                      </span>
                    </li>
                  ))}
                </ul>
              </section>
            );
          })
        : null}
    </Page>
  );
}
