import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me, RegistryRecord } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Page } from '@/web/components/page';
import { Link } from '@/web/router';
import { ErrorBox, Loading } from '@/web/components/status';
import { RecordForm } from '@/web/registry/record-form';
import { ConnectivityCard } from '@/web/registry/connectivity';
import { DeviceList } from '@/web/registry/devices';
import {
  StateBadge,
  useCurrentYear,
  useInstitution,
  useRegistryRecord,
  Warnings,
} from '@/web/registry/shared';

/** The schools a person directs. */
export function directedSchools(me: Me): number[] {
  return [
    ...new Set(
      me.roles
        .filter((g) => g.role === 'director')
        .flatMap((g) => (g.institutionId ? [g.institutionId] : [])),
    ),
  ];
}

/** A director's "My school's ICT": this year's record as a form, the devices, and the connection with its speed test. */
export default function SchoolIctPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { year, query } = useCurrentYear();
  const schools = directedSchools(me);
  return (
    <Page title={t('schoolIct.title')} intro={t('schoolIct.intro')}>
      {query.isPending ? <Loading /> : null}
      {query.isError ? <ErrorBox error={query.error} onRetry={() => void query.refetch()} /> : null}
      {year === null ? <p>{t('registry.noCurrentYear')}</p> : null}
      {year
        ? schools.map((id) => <SchoolIct key={id} id={id} yearId={year.id} yearCode={year.code} canTest />)
        : null}
    </Page>
  );
}

/**
 * The bureau's or an administrator's edit of any school's record for this year, with its devices: the same
 * form the director uses. The speed test stays with the school, since it measures the school's own link.
 */
export function SchoolEditPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const { year, query } = useCurrentYear();
  return (
    <Page title={t('profile.editTitle')} intro={t('profile.editIntro')}>
      <p>
        <Link to={`/dashboard/school/${id}`}>{t('profile.backToProfile')}</Link>
      </p>
      {query.isPending ? <Loading /> : null}
      {query.isError ? <ErrorBox error={query.error} onRetry={() => void query.refetch()} /> : null}
      {year === null ? <p>{t('registry.noCurrentYear')}</p> : null}
      {year ? <SchoolIct id={id} yearId={year.id} yearCode={year.code} canTest={false} /> : null}
    </Page>
  );
}

function SchoolIct({
  id,
  yearId,
  yearCode,
  canTest,
}: {
  id: number;
  yearId: number;
  yearCode: string;
  canTest: boolean;
}) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const school = useInstitution(id);
  const record = useRegistryRecord(id, yearId);
  const [saved, setSaved] = useState<'submitted' | 'draft' | null>(null);
  if (school.isPending || record.isPending) return <Loading />;
  if (school.isError) return <ErrorBox error={school.error} onRetry={() => void school.refetch()} />;
  if (record.isError) return <ErrorBox error={record.error} onRetry={() => void record.refetch()} />;
  const r: RegistryRecord = record.data;
  return (
    <>
      <section className="card" aria-labelledby={`ict-${id}`}>
        <h2 id={`ict-${id}`}>{localName(school.data, i18n.language)}</h2>
        <dl className="record">
          <div>
            <dt>{t('registry.year')}</dt>
            <dd>{yearCode}</dd>
          </div>
          <div>
            <dt>{t('registry.stateLabel')}</dt>
            <dd>
              <StateBadge state={r.saved ? r.state : 'none'} />
            </dd>
          </div>
          {r.updatedAt ? (
            <div>
              <dt>{t('registry.updatedAt')}</dt>
              <dd>
                <time dateTime={r.updatedAt}>{f.dateTime(r.updatedAt)}</time>
              </dd>
            </div>
          ) : null}
        </dl>
        {!r.saved ? <p className="note">{t('registry.startFromLast')}</p> : null}
        {r.reviewNote ? (
          <div className="warning">
            <p>{t('registry.sentBack')}</p>
            <p className="quote">{r.reviewNote}</p>
          </div>
        ) : null}
        <div role="status" className="saved">
          {saved === 'submitted'
            ? t('registry.savedSubmitted')
            : saved === 'draft'
              ? t('registry.savedDraft')
              : ''}
        </div>
        <Warnings record={r} />
        <RecordForm
          // A new version from the server (saved, reviewed, someone else's) starts the form afresh.
          key={r.version}
          record={r}
          school={school.data}
          onSaved={(_, draft) => setSaved(draft ? 'draft' : 'submitted')}
        />
      </section>
      <DeviceList institutionId={id} canEdit />
      <ConnectivityCard institutionId={id} canTest={canTest} />
    </>
  );
}
