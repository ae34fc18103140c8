import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type StudentSummary } from '@/web/api';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { ClassCard } from '@/web/components/class-card';
import { Link } from '@/web/router';
import { useMe } from '@/web/session';

/** A student's home: their class this year. */
export function StudentHome() {
  const { t } = useTranslation();
  const me = useMe();
  const summary = useQuery({
    queryKey: ['home', 'student'],
    queryFn: () => api<StudentSummary>('/home/student'),
  });
  return (
    <Page title={t('student.title')} intro={t('student.intro')}>
      {me.data ? (
        <p className="cta">
          <Link to={`/journal/student/${me.data.user.id}`}>{t('journal.myJournal')}</Link>
        </p>
      ) : null}
      {summary.isPending ? <Loading /> : null}
      {summary.isError ? <ErrorBox error={summary.error} onRetry={() => void summary.refetch()} /> : null}
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
