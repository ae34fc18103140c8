import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { Static } from 'typebox';
import { useTranslation } from 'react-i18next';
import type { ClassDetail } from '@/modules/classroom/classroom.schema';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { Link } from '@/web/router';
import '@/web/journal/journal.css';
import type { LinkCode } from '@/web/journal/types';

/**
 * Link codes for parents (`/journal/:classId/codes`): the director or the homeroom teacher issues a one-time
 * code for a student, shown large and printable; the parent types it in on their own account. A code is
 * shown once (the server keeps only its hash), so a lost one is replaced by issuing a new one.
 */
export default function LinkCodesPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const cls = useQuery({
    queryKey: ['class', id],
    queryFn: () => api<Static<typeof ClassDetail>>(`/classes/${id}`),
  });
  const [issued, setIssued] = useState<{ student: string; code: LinkCode } | null>(null);
  const issue = useMutation({
    mutationFn: async (student: { id: number; displayName: string }) => ({
      student: student.displayName,
      code: await api<LinkCode>('/journal/link-codes', { method: 'POST', body: { studentId: student.id } }),
    }),
    onSuccess: setIssued,
  });
  const title = cls.data ? t('journal.linkCodesOf', { name: cls.data.name }) : t('journal.linkCodes');
  return (
    <Page title={title} intro={t('journal.linkCodesIntro')}>
      <p>
        <Link to="/journal">{t('journal.back')}</Link>
      </p>
      {issued ? (
        <IssuedCode student={issued.student} code={issued.code} onClose={() => setIssued(null)} />
      ) : null}
      {issue.isError ? <ErrorBox error={issue.error} /> : null}
      {cls.isPending ? <Loading /> : null}
      {cls.isError ? <ErrorBox error={cls.error} onRetry={() => void cls.refetch()} /> : null}
      {cls.data?.enrolled.length === 0 ? <p>{t('journal.noStudents')}</p> : null}
      <ul className="list">
        {cls.data?.enrolled.map((s) => (
          <li key={s.id} data-student={s.id}>
            <span className="big">{s.displayName}</span>
            <button
              type="button"
              className="small secondary"
              disabled={issue.isPending}
              onClick={() => issue.mutate(s)}
            >
              {t('journal.issueCode')}
              <span className="visually-hidden"> — {s.displayName}</span>
            </button>
          </li>
        ))}
      </ul>
    </Page>
  );
}

function IssuedCode({ student, code, onClose }: { student: string; code: LinkCode; onClose: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <section className="card print-card" aria-labelledby="link-code-title">
      <h2 id="link-code-title">{t('journal.codeFor', { name: student })}</h2>
      <p className="link-code" data-link-code={code.code}>
        {code.code}
      </p>
      <p>{t('journal.codeHowTo', { path: `${window.location.origin}/journal/link` })}</p>
      <p>{t('journal.codeExpires', { date: f.dateTime(code.expiresAt) })}</p>
      <p className="note">{t('journal.codeOnce')}</p>
      <div className="row-buttons">
        <button type="button" onClick={() => window.print()}>
          {t('journal.print')}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          {t('journal.done')}
        </button>
      </div>
    </section>
  );
}
