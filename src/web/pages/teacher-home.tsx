import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type TeacherSummary } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { Link } from '@/web/router';

/** A teacher's home: the schools they teach in and the classes they lead this year. */
export function TeacherHome() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const summary = useQuery({
    queryKey: ['home', 'teacher'],
    queryFn: () => api<TeacherSummary>('/home/teacher'),
  });
  const data = summary.data;
  return (
    <Page title={t('teacher.title')} intro={t('teacher.intro')}>
      <p className="cta">
        <Link to="/journal">{t('journal.open')}</Link>
      </p>
      {summary.isPending ? <Loading /> : null}
      {summary.isError ? <ErrorBox error={summary.error} onRetry={() => void summary.refetch()} /> : null}
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
