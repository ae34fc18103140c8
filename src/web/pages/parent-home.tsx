import { lazy, Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ParentSummary } from '@/web/api';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { ClassCard } from '@/web/components/class-card';
import { Link } from '@/web/router';
import { ParentNotices } from '@/web/journal/notices';

// Each child's marks, attendance, homework and comments, loaded with the journal's code when the home opens.
const StudentJournal = lazy(() =>
  import('@/web/journal/overview').then((m) => ({ default: m.StudentJournal })),
);

/** A parent's home: each linked child and their class. */
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
        <section key={child.id} className="card" aria-labelledby={`child-${child.id}`}>
          <h2 id={`child-${child.id}`}>{child.displayName}</h2>
          {child.classes.length === 0 ? <p>{t('parent.noClass')}</p> : null}
          {child.classes.map((c) => (
            <ClassCard key={c.id} item={c} />
          ))}
          <Suspense fallback={<Loading />}>
            <StudentJournal studentId={child.id} headingLevel={3} />
          </Suspense>
        </section>
      ))}
      <p>
        <Link to="/journal/link">{t('journal.haveCode')}</Link>
      </p>
    </Page>
  );
}
