import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { StudentSummary } from '@/web/api';
import { localName } from '@/web/i18n';

/** A class as it appears on a home page. */
export type ClassView = StudentSummary['classes'][number];

/** A class's name, school, shift, language and homeroom teacher, as a description list. */
export function ClassCard({ item, children }: { item: ClassView; children?: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <dl className="record">
      <div>
        <dt>{t('class.name')}</dt>
        <dd>{t('class.title', { grade: item.grade, letter: item.letter })}</dd>
      </div>
      <div>
        <dt>{t('class.school')}</dt>
        <dd>{localName(item.institution, i18n.language)}</dd>
      </div>
      <div>
        <dt>{t('class.shift')}</dt>
        <dd>{t(`class.shiftN${item.shift}`, { defaultValue: String(item.shift) })}</dd>
      </div>
      <div>
        <dt>{t('class.language')}</dt>
        <dd>{t(`instruction.${item.language}`)}</dd>
      </div>
      <div>
        <dt>{t('class.homeroomTeacher')}</dt>
        <dd>{item.homeroomTeacher ?? '—'}</dd>
      </div>
      <div>
        <dt>{t('class.year')}</dt>
        <dd>{item.academicYear}</dd>
      </div>
      {children}
    </dl>
  );
}
