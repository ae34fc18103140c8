import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { Static } from 'typebox';
import { useTranslation } from 'react-i18next';
import type { ClassDetail, ClassList } from '@/modules/classroom/classroom.schema';
import { api, type InstitutionRecord, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { Link } from '@/web/router';
import { useMe } from '@/web/session';
import {
  defaultTerm,
  journalPath,
  ReportLinks,
  TermSelect,
  useSubjectName,
  useTerms,
  type TermOption,
} from '@/web/journal/shared';
import type { SchoolSummary, TermClosed } from '@/web/journal/types';

type ClassSummary = Static<typeof ClassList>['items'][number];
type ClassInfo = Static<typeof ClassDetail>;

/**
 * The journal's starting page (`/journal`): for each school, the classes the person teaches (a director: all of
 * them) with a link per subject; link codes for parents; for a director, closing a term and the school summary.
 */
export default function JournalHome({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { terms, error } = useTerms();
  const [chosen, setChosen] = useState('');
  const term = chosen || (terms ? (defaultTerm(terms) ?? '') : '');
  const schools = [
    ...new Set(
      me.roles
        .filter((g) => g.role === 'director' || g.role === 'teacher')
        .flatMap((g) => (g.institutionId ? [g.institutionId] : [])),
    ),
  ];
  return (
    <Page title={t('journal.title')} intro={t('journal.intro')}>
      {error ? <ErrorBox error={error} /> : null}
      {terms && terms.length > 0 ? (
        <div className="journal-toolbar">
          <TermSelect id="journal-home-term" terms={terms} value={term} onChange={setChosen} />
        </div>
      ) : null}
      {schools.map((id) => (
        <School
          key={id}
          id={id}
          me={me}
          term={term}
          terms={terms ?? []}
          director={me.roles.some((g) => g.role === 'director' && g.institutionId === id)}
        />
      ))}
    </Page>
  );
}

function School({
  id,
  me,
  term,
  terms,
  director,
}: {
  id: number;
  me: Me;
  term: string;
  terms: TermOption[];
  director: boolean;
}) {
  const { t, i18n } = useTranslation();
  const school = useQuery({
    queryKey: ['institution', id],
    queryFn: () => api<InstitutionRecord>(`/institutions/${id}`),
  });
  const classes = useQuery({
    queryKey: ['classes', id],
    queryFn: () => api<Static<typeof ClassList>>(`/institutions/${id}/classes`),
  });
  const name = school.data ? localName(school.data, i18n.language) : '…';
  return (
    <section aria-labelledby={`journal-school-${id}`}>
      <h2 id={`journal-school-${id}`}>{name}</h2>
      {classes.isPending ? <Loading /> : null}
      {classes.isError ? <ErrorBox error={classes.error} onRetry={() => void classes.refetch()} /> : null}
      {classes.data?.items.length === 0 ? <p>{t('journal.noClasses')}</p> : null}
      <ul className="list">
        {classes.data?.items.map((c) => (
          <ClassItem
            key={c.id}
            item={c}
            me={me}
            term={term}
            director={director}
            open={(classes.data?.items.length ?? 0) <= 8}
          />
        ))}
      </ul>
      {director && term ? <DirectorTools institutionId={id} term={term} terms={terms} /> : null}
    </section>
  );
}

/** A class with the subjects the person may open: their own, all of them for its homeroom teacher or the director. */
function ClassItem({
  item,
  me,
  term,
  director,
  open: openAtFirst,
}: {
  item: ClassSummary;
  me: Me;
  term: string;
  director: boolean;
  open: boolean;
}) {
  const { t } = useTranslation();
  const subjectName = useSubjectName();
  const [open, setOpen] = useState(openAtFirst);
  const detail = useQuery({
    queryKey: ['class', item.id],
    queryFn: () => api<ClassInfo>(`/classes/${item.id}`),
    enabled: open,
  });
  const homeroom = item.homeroomTeacherId === me.user.id;
  const subjects = detail.data
    ? [
        ...new Set(
          detail.data.subjectTeachers
            .filter((s) => director || homeroom || s.teacher.id === me.user.id)
            .map((s) => s.subjectCode),
        ),
      ]
    : [];
  const titleId = `journal-class-${item.id}`;
  return (
    <li data-class={item.id}>
      <span className="big" id={titleId}>
        {t('class.title', { grade: item.grade, letter: item.letter })}
      </span>
      {!open ? (
        <button type="button" className="small secondary" onClick={() => setOpen(true)}>
          {t('journal.showSubjects')}
          <span className="visually-hidden"> — {item.name}</span>
        </button>
      ) : null}
      {detail.isLoading ? <Loading /> : null}
      {detail.isError ? <ErrorBox error={detail.error} onRetry={() => void detail.refetch()} /> : null}
      {detail.data && subjects.length === 0 ? <span className="meta">{t('journal.noSubjects')}</span> : null}
      {subjects.length > 0 ? (
        <ul className="marks-inline" aria-label={t('journal.subjectsOf', { name: item.name })}>
          {subjects.map((code) => (
            <li key={code}>
              <Link to={journalPath(item.id, code, term)}>{subjectName(code)}</Link>
            </li>
          ))}
        </ul>
      ) : null}
      {director || homeroom ? (
        <span className="meta">
          <Link to={`/journal/${item.id}/codes`}>{t('journal.linkCodesOf', { name: item.name })}</Link>
        </span>
      ) : null}
      {term && (director || homeroom) ? (
        <ReportLinks
          label={t('journal.attendanceReportOf', { name: item.name })}
          path="/journal/reports/class-attendance"
          params={{ classId: item.id, term }}
          formats={['csv', 'xlsx']}
        />
      ) : null}
    </li>
  );
}

/** A director's tools for a term: the school summary and closing the term. */
function DirectorTools({
  institutionId,
  term,
  terms,
}: {
  institutionId: number;
  term: string;
  terms: TermOption[];
}) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const locale = useMe().data?.user.locale ?? i18n.language;
  const [confirming, setConfirming] = useState(false);
  const termName = terms.find((x) => x.code === term)?.name ?? term;
  const summary = useQuery({
    queryKey: ['journal-summary', institutionId, term, locale],
    queryFn: () =>
      api<SchoolSummary>(
        `/journal/reports/school-summary?institutionId=${institutionId}&term=${encodeURIComponent(term)}`,
      ),
  });
  const close = useMutation({
    mutationFn: () =>
      api<TermClosed>('/journal/terms/close', { method: 'POST', body: { institutionId, term } }),
    onSuccess: () => {
      setConfirming(false);
      void summary.refetch();
    },
  });
  const rate = (n: number | null) => (n === null ? '—' : f.percent(n));
  const average = (n: number | null) => (n === null ? '—' : f.number(Math.round(n * 100) / 100));
  const closed = close.data?.closedAt ?? (summary.data?.term.closed ? summary.data.term.closedAt : null);
  return (
    <>
      <section className="card" aria-labelledby={`journal-summary-${institutionId}`}>
        <h3 id={`journal-summary-${institutionId}`}>{t('journal.summaryTitle', { term: termName })}</h3>
        {summary.isPending ? <Loading /> : null}
        {summary.isError ? <ErrorBox error={summary.error} onRetry={() => void summary.refetch()} /> : null}
        {summary.data ? (
          <dl className="stats">
            <div>
              <dt>{t('journal.attendanceRate')}</dt>
              <dd>{rate(summary.data.attendanceRate)}</dd>
            </div>
            <div>
              <dt>{t('journal.marksAverage')}</dt>
              <dd>{average(summary.data.marksAverage)}</dd>
            </div>
          </dl>
        ) : null}
        <ReportLinks
          label={t('journal.schoolSummary')}
          path="/journal/reports/school-summary"
          params={{ institutionId, term }}
          formats={['csv', 'xlsx']}
        />
      </section>
      <section className="card" aria-labelledby={`journal-close-${institutionId}`}>
        <h3 id={`journal-close-${institutionId}`}>{t('journal.closeTitle', { term: termName })}</h3>
        {closed ? (
          <p role="status" data-term-closed={term}>
            {t('journal.termClosedAt', { date: f.dateTime(closed) })}
          </p>
        ) : (
          <>
            <p>{t('journal.closeExplain')}</p>
            {close.isError ? <ErrorBox error={close.error} /> : null}
            {confirming ? (
              <div className="warning" role="alert">
                <p>{t('journal.closeConfirm', { term: termName })}</p>
                <div className="row-buttons">
                  <button type="button" disabled={close.isPending} onClick={() => close.mutate()}>
                    {t('journal.closeYes')}
                  </button>
                  <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                    {t('common.cancel')}
                  </button>
                </div>
              </div>
            ) : (
              <button type="button" onClick={() => setConfirming(true)}>
                {t('journal.closeButton', { term: termName })}
              </button>
            )}
          </>
        )}
      </section>
    </>
  );
}
