import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';
import { useMe } from '@/web/session';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { defaultTerm, query, TermSelect, useTerms } from '@/web/journal/shared';
import type { StudentOverview } from '@/web/journal/types';

/** A student's term in the journal: marks, attendance and result per subject, homework, teachers' comments. */
export function StudentJournal({ studentId, headingLevel = 2 }: { studentId: number; headingLevel?: 2 | 3 }) {
  const { i18n } = useTranslation();
  // Names come in the account's language (the server's choice for a signed-in person): read again when it changes.
  const locale = useMe().data?.user.locale ?? i18n.language;
  const { terms, error } = useTerms();
  const [chosen, setChosen] = useState('');
  const term = chosen || (terms ? (defaultTerm(terms) ?? '') : '');
  const overview = useQuery({
    queryKey: ['journal-overview', studentId, term, locale],
    queryFn: () => api<StudentOverview>(`/journal/students/${studentId}/overview${query({ term })}`),
    enabled: term !== '',
  });
  return (
    <div className="student-journal" data-student={studentId}>
      {error ? <ErrorBox error={error} /> : null}
      {terms && terms.length > 0 ? (
        <div className="journal-toolbar">
          <TermSelect id={`overview-term-${studentId}`} terms={terms} value={term} onChange={setChosen} />
        </div>
      ) : null}
      {overview.isLoading ? <Loading /> : null}
      {overview.isError ? <ErrorBox error={overview.error} onRetry={() => void overview.refetch()} /> : null}
      {overview.data ? <OverviewBody data={overview.data} term={term} level={headingLevel} /> : null}
    </div>
  );
}

function OverviewBody({ data, term, level }: { data: StudentOverview; term: string; level: 2 | 3 }) {
  const { t } = useTranslation();
  const f = useFormat();
  const H = level === 2 ? 'h2' : 'h3';
  const Sub = level === 2 ? 'h3' : 'h4';
  const id = data.student.id;
  const codes = new Set(data.subjects.flatMap((s) => Object.keys(s.attendance)));
  return (
    <>
      <section aria-labelledby={`ov-subjects-${id}`}>
        <H id={`ov-subjects-${id}`}>{t('journal.marksAndAttendance')}</H>
        {data.subjects.length === 0 ? <p>{t('journal.nothingYet')}</p> : null}
        {data.subjects.map((s) => (
          <div key={s.code} className="overview-subject" data-subject={s.code}>
            <Sub>{s.name}</Sub>
            {s.teacher ? <p className="meta">{t('journal.teacherIs', { name: s.teacher })}</p> : null}
            {s.marks.length > 0 ? (
              <ul className="marks-inline" aria-label={t('journal.marksIn', { subject: s.name })}>
                {s.marks.map((m, i) => (
                  <li key={i} title={m.comment ?? undefined}>
                    <span className="visually-hidden">{f.date(m.date)}: </span>
                    <strong>{m.value}</strong>
                    {m.kind === 'assessment' && m.title ? ` (${m.title})` : ''}
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t('journal.noMarks')}</p>
            )}
            <p>
              {t('journal.resultIs', { value: s.result === null ? '—' : f.number(s.result) })}
              {Object.keys(s.attendance).length > 0
                ? ` · ${[...codes]
                    .filter((c) => s.attendance[c])
                    .map((c) =>
                      t('journal.attendanceCount', {
                        code: t(`journal.code.${c}`, { defaultValue: c }),
                        count: s.attendance[c],
                      }),
                    )
                    .join(', ')}`
                : ''}
            </p>
          </div>
        ))}
        <p className="download">
          <a href={`/api/journal/reports/report-card${query({ studentId: id, term, format: 'pdf' })}`}>
            {t('journal.reportCardFor', { name: data.student.displayName })}
          </a>
        </p>
      </section>
      <section aria-labelledby={`ov-homework-${id}`}>
        <H id={`ov-homework-${id}`}>{t('journal.homework')}</H>
        {data.homework.length === 0 ? <p>{t('journal.noHomework')}</p> : null}
        <ul className="list">
          {data.homework.slice(0, 20).map((h, i) => (
            <li key={i}>
              <span className="meta">
                {f.date(h.date)} · {h.subject}
              </span>
              <span className="quote">{h.text}</span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby={`ov-comments-${id}`}>
        <H id={`ov-comments-${id}`}>{t('journal.comments')}</H>
        {data.comments.length === 0 ? <p>{t('journal.noComments')}</p> : null}
        <ul className="list">
          {data.comments.slice(0, 20).map((c, i) => (
            <li key={i}>
              <span className="meta">
                {f.date(c.date)} · {c.subject}
                {c.by ? ` · ${c.by}` : ''}
              </span>
              <span className="quote">{c.text}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

/** A student's own journal page, or a parent's, director's or teacher's view of one student. */
export default function StudentJournalPage({ id }: { id: number }) {
  const { t } = useTranslation();
  return (
    <Page title={t('journal.studentTitle')}>
      <StudentJournal studentId={id} />
    </Page>
  );
}
