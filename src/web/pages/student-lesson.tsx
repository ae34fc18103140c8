import { useFormat } from '@/web/format';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { StudentSummary } from '@/web/api';
import { api } from '@/web/api';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { Link } from '@/web/router';
import { useDayLabel } from '@/web/pages/day-parts';

type LessonRecord = StudentSummary['day']['lessons'][number];

/** One lesson as its class sees it: time, teacher, topic, the online lesson's link, homework and materials. */
export default function StudentLesson({ id }: { id: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const dayLabel = useDayLabel();
  const lesson = useQuery({
    queryKey: ['lesson', id],
    queryFn: ({ signal }) => api<LessonRecord>(`/lessons/${id}`, { signal }),
  });
  const l = lesson.data;
  return (
    <Page title={l ? l.subject : t('day.lesson')} intro={l ? dayLabel(l.date) : undefined}>
      <p>
        <Link to="/class">{t('day.back')}</Link>
      </p>
      {lesson.isPending ? <Loading /> : null}
      {lesson.isError ? <ErrorBox error={lesson.error} onRetry={() => void lesson.refetch()} /> : null}
      {l ? (
        <>
          {l.state === 'cancelled' ? <p className="notice">{t('day.cancelled')}</p> : null}
          <dl className="record">
            <div>
              <dt>{t('day.time')}</dt>
              <dd>
                {f.time(l.startsAt)}–{f.time(l.endsAt)}
              </dd>
            </div>
            <div>
              <dt>{t('day.teacher')}</dt>
              <dd>{l.teacher}</dd>
            </div>
            {l.room ? (
              <div>
                <dt>{t('day.room')}</dt>
                <dd>{l.room}</dd>
              </div>
            ) : null}
            <div>
              <dt>{t('day.topic')}</dt>
              <dd>{l.topic ?? t('day.noTopic')}</dd>
            </div>
            <div>
              <dt>{t('day.homeworkLabel')}</dt>
              <dd>{l.homework ?? t('day.noHomeworkSet')}</dd>
            </div>
          </dl>
          {l.meetingUrl && l.state !== 'cancelled' ? (
            <p className="cta">
              <a href={l.meetingUrl} target="_blank" rel="noreferrer">
                {t('day.join')}
              </a>
            </p>
          ) : null}
          <h2>{t('day.materials')}</h2>
          {l.materials.length === 0 ? (
            <p className="empty">
              {t('day.noMaterials')} <Link to="/resources">{t('day.searchLibrary')}</Link>
            </p>
          ) : (
            <ul className="list">
              {l.materials.map((m, i) => (
                <li key={i}>
                  {m.resourceId !== null ? (
                    <Link to={`/resources/${m.resourceId}`} className="what">
                      {m.title ?? t('day.materials')}
                    </Link>
                  ) : (
                    <a href={m.url ?? '#'} target="_blank" rel="noreferrer" className="what">
                      {m.title ?? m.url}
                    </a>
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </Page>
  );
}
