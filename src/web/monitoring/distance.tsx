import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { DistanceReport } from '@/modules/monitoring/distance.schema';
import { api, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { ScrollBox } from '@/web/components/scroll-box';

type Report = Static<typeof DistanceReport>;
type Figures = Report['total'];

/** Where a person starts: the nation (national staff), their area (a regional office), their school. */
function startOf(me: Me): string {
  if (me.roles.some((g) => g.role === 'admin' || g.role === 'bureau')) return '';
  const area = me.roles.find((g) => g.role === 'regional')?.areaId;
  if (area) return `areaId=${area}`;
  const school = me.roles.find((g) => g.role === 'director')?.institutionId;
  return school ? `institutionId=${school}` : '';
}

/**
 * Distance learning, by sub-area, school or class: active students, lessons delivered, hand-ins on time and
 * contest participation, as counts and shares. A row opens the level below; no student is ever listed.
 */
export function DistancePage({ me, area, school }: { me: Me; area?: number; school?: number }) {
  const { t } = useTranslation();
  const query = area ? `areaId=${area}` : school ? `institutionId=${school}` : startOf(me);
  const report = useQuery({
    queryKey: ['distance', query],
    queryFn: ({ signal }) => api<Report>(`/monitoring/distance?${query}`, { signal }),
  });
  return (
    <Page title={t('distance.title')} intro={t('distance.intro')}>
      {report.isPending ? <Loading /> : null}
      {report.isError ? <ErrorBox error={report.error} onRetry={() => void report.refetch()} /> : null}
      {report.data ? <ReportTable report={report.data} /> : null}
    </Page>
  );
}

function ReportTable({ report }: { report: Report }) {
  const { t } = useTranslation();
  const f = useFormat();
  const share = (part: number, whole: number) => (whole === 0 ? '—' : f.percent(part / whole));
  const drill = (id: number) =>
    report.rowKind === 'area'
      ? `/monitoring/distance/area/${id}`
      : report.rowKind === 'school'
        ? `/monitoring/distance/school/${id}`
        : null;
  const cells = (x: Figures) => (
    <>
      <td>{f.number(x.students)}</td>
      <td>{share(x.activeStudents, x.students)}</td>
      <td>{share(x.lessonsDelivered, x.lessonsScheduled)}</td>
      <td>{share(x.assignmentsOnTime, x.assignmentsExpected)}</td>
      <td>{share(x.contestParticipants, x.students)}</td>
      <td>{share(x.attendancePresent, x.attendanceRecorded)}</td>
      <td>{x.marksGiven === 0 ? '—' : f.number(Math.round((x.marksSum / x.marksGiven) * 100) / 100)}</td>
    </>
  );
  return (
    <section aria-labelledby="distance-scope">
      <h2 id="distance-scope">
        {report.scope.name} · <time dateTime={report.from}>{f.date(report.from)}</time> –{' '}
        <time dateTime={report.to}>{f.date(report.to)}</time>
      </h2>
      <ScrollBox label={t('distance.table')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t(`distance.row.${report.rowKind}`)}</th>
              <th scope="col">{t('distance.students')}</th>
              <th scope="col">{t('distance.active')}</th>
              <th scope="col">{t('distance.delivered')}</th>
              <th scope="col">{t('distance.onTime')}</th>
              <th scope="col">{t('distance.contests')}</th>
              <th scope="col">{t('distance.attendance')}</th>
              <th scope="col">{t('distance.marks')}</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((row) => {
              const to = drill(row.id);
              return (
                <tr key={row.id}>
                  <th scope="row">{to ? <Link to={to}>{row.name}</Link> : row.name}</th>
                  {cells(row)}
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('distance.total')}</th>
              {cells(report.total)}
            </tr>
          </tfoot>
        </table>
      </ScrollBox>
      <p className="meta">{t('distance.explain')}</p>
    </section>
  );
}
