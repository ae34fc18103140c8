import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { ConnectivityCard } from '@/web/registry/connectivity';
import { DeviceList } from '@/web/registry/devices';
import { useAreas } from '@/web/pages/regional-home';
import {
  RecordView,
  StateBadge,
  useInstitution,
  useRegistryRecord,
  useYears,
  useYesNo,
  Warnings,
} from '@/web/registry/shared';

/** A school's profile for the bureau: its record for any year (infrastructure, projects), devices and connectivity. */
export default function SchoolProfile({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const yesNo = useYesNo();
  const school = useInstitution(id);
  const years = useYears();
  const areas = useAreas();
  const yearSelect = useId();
  const [chosen, setChosen] = useState<number | null>(null);
  const current = years.data?.find((y) => y.isCurrent) ?? years.data?.[years.data.length - 1];
  const yearId = chosen ?? current?.id;
  const record = useRegistryRecord(id, yearId);
  const s = school.data;
  const area = s ? areas.data?.find((a) => a.id === s.areaId) : undefined;
  return (
    <Page title={s ? localName(s, i18n.language) : t('profile.title')} intro={t('profile.intro')}>
      <p>
        <Link to={s ? `/dashboard/area/${s.areaId}` : '/dashboard'}>{t('profile.back')}</Link>
        {' · '}
        <Link to={`/dashboard/school/${id}/edit`}>{t('profile.edit')}</Link>
      </p>
      {school.isPending ? <Loading /> : null}
      {school.isError ? <ErrorBox error={school.error} onRetry={() => void school.refetch()} /> : null}
      {s ? (
        <section className="card" aria-labelledby="profile-school">
          <h2 id="profile-school">{t('profile.school')}</h2>
          <dl className="record">
            <div>
              <dt>{t('director.code')}</dt>
              <dd>{s.code}</dd>
            </div>
            <div>
              <dt>{t('director.area')}</dt>
              <dd>{area ? localName(area, i18n.language) : '—'}</dd>
            </div>
            <div>
              <dt>{t('director.locality')}</dt>
              <dd>{t(`locality.${s.locality}`)}</dd>
            </div>
            <div>
              <dt>{t('director.ownership')}</dt>
              <dd>{t(`ownership.${s.ownership}`)}</dd>
            </div>
            <div>
              <dt>{t('director.students')}</dt>
              <dd>{f.number(s.studentCount)}</dd>
            </div>
            <div>
              <dt>{t('director.shifts')}</dt>
              <dd>{f.number(s.shifts)}</dd>
            </div>
          </dl>
          <h3>{t('profile.giga.title')}</h3>
          <dl className="record">
            <div>
              <dt>{t('profile.giga.address')}</dt>
              <dd data-field="address">{s.address ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('profile.giga.establishedYear')}</dt>
              <dd data-field="establishedYear">{s.establishedYear ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('profile.giga.refugeeCamp')}</dt>
              <dd data-field="refugeeCamp">{yesNo(s.refugeeCamp ?? null)}</dd>
            </div>
            <div>
              <dt>{t('profile.giga.gigaId')}</dt>
              <dd data-field="gigaId">{s.gigaId ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('profile.giga.codeType')}</dt>
              <dd data-field="codeType">{s.codeType ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('profile.giga.dataSource')}</dt>
              <dd data-field="dataSource">{s.dataSource ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('profile.giga.dataCollectionYear')}</dt>
              <dd data-field="dataCollectionYear">{s.dataCollectionYear ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('profile.giga.dataCollectionModality')}</dt>
              <dd data-field="dataCollectionModality">{s.dataCollectionModality ?? '—'}</dd>
            </div>
          </dl>
        </section>
      ) : null}
      <section className="card" aria-labelledby="profile-record">
        <h2 id="profile-record">{t('profile.infrastructure')}</h2>
        {years.data && years.data.length > 1 ? (
          <div className="form field">
            <label htmlFor={yearSelect}>{t('registry.year')}</label>
            <select id={yearSelect} value={yearId} onChange={(e) => setChosen(Number(e.target.value))}>
              {years.data.map((y) => (
                <option key={y.id} value={y.id}>
                  {y.code}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {record.isPending ? <Loading /> : null}
        {record.isError ? <ErrorBox error={record.error} onRetry={() => void record.refetch()} /> : null}
        {record.data ? (
          <>
            <p>
              {t('registry.stateLabel')}:{' '}
              <StateBadge state={record.data.saved ? record.data.state : 'none'} />
              {record.data.verifiedAt ? (
                <>
                  {' · '}
                  <time dateTime={record.data.verifiedAt}>{f.dateTime(record.data.verifiedAt)}</time>
                </>
              ) : null}
            </p>
            <Warnings record={record.data} />
            {record.data.saved ? <RecordView record={record.data} /> : <p>{t('review.notSaved')}</p>}
          </>
        ) : null}
      </section>
      <DeviceList institutionId={id} canEdit={false} />
      <ConnectivityCard institutionId={id} canTest={false} />
    </Page>
  );
}
