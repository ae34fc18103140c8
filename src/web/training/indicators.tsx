import { useId } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { ApiCsvLink } from '@/web/csv';
import { ErrorBox, Loading } from '@/web/components/status';
import { ScrollBox } from '@/web/components/scroll-box';
import type { TrainingIndicators } from '@/modules/training/training.needs.schema';

/**
 * Teachers' training on the monitoring dashboard (docs/indicators.md, "Teachers' training"): UIS ED38 (teachers
 * trained in ICT, count and share) and SDG 4.c.7 (share with in-service training in the last 12 months), for the
 * area and by region or district, by sex and ISCED level, and ICT training by year. And the hint beside the
 * registry form's "ICT-trained teachers".
 */

type Indicators = Static<typeof TrainingIndicators>;
type Figure = Indicators['total']['ictTrained'];

export function TrainingIndicatorsSection({ areaId }: { areaId: number | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const base = useId();
  const path = `/training/indicators?by=${areaId === null ? 'region' : 'district'}${areaId === null ? '' : `&areaId=${areaId}`}`;
  const data = useQuery({
    queryKey: ['training', 'indicators', areaId],
    queryFn: () => api<Indicators>(path),
  });
  const pct = (x: Figure) => (x.value === null ? '—' : f.percent(x.value));
  const x = data.data;
  return (
    <section aria-labelledby={`${base}-h`} data-testid="training-indicators">
      <h2 id={`${base}-h`}>{t('trainingNeeds.indicators.title')}</h2>
      {data.isPending ? <Loading /> : null}
      {data.isError ? <ErrorBox error={data.error} onRetry={() => void data.refetch()} /> : null}
      {x ? (
        <>
          <dl className="stats">
            <div data-indicator="ed38-count">
              <dt>{t('trainingNeeds.indicators.ed38Count')}</dt>
              <dd>{f.number(x.total.ictTrainedCount)}</dd>
            </div>
            <div data-indicator="ed38">
              <dt>{t('trainingNeeds.indicators.ed38')}</dt>
              <dd>{pct(x.total.ictTrained)}</dd>
            </div>
            <div data-indicator="sdg4c7">
              <dt>{t('trainingNeeds.indicators.sdg4c7')}</dt>
              <dd>{pct(x.total.trainedLast12Months)}</dd>
            </div>
          </dl>
          <p className="note">
            {t('trainingNeeds.indicators.note', {
              day: f.date(x.referenceDay),
              records: f.number(x.total.schoolsFromRecords),
              schools: f.number(x.total.schools),
            })}
          </p>
          <ScrollBox label={t('trainingNeeds.indicators.title')}>
            <table className="table">
              <caption className="visually-hidden">{t('trainingNeeds.indicators.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('trainingNeeds.indicators.group')}</th>
                  <th scope="col" className="num">
                    {t('trainingNeeds.teachers')}
                  </th>
                  <th scope="col" className="num">
                    {t('trainingNeeds.indicators.ed38Count')}
                  </th>
                  <th scope="col" className="num">
                    {t('trainingNeeds.indicators.ed38')}
                  </th>
                  <th scope="col" className="num">
                    {t('trainingNeeds.indicators.sdg4c7')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...x.groups, x.total].map((g, i) => (
                  <tr key={g.key ?? `total-${i}`}>
                    <th scope="row">{g.name}</th>
                    <td className="num">{f.number(g.teachers)}</td>
                    <td className="num">{f.number(g.ictTrainedCount)}</td>
                    <td className="num">{pct(g.ictTrained)}</td>
                    <td className="num">{pct(g.trainedLast12Months)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
          <h3>{t('trainingNeeds.indicators.breakdowns')}</h3>
          <ScrollBox label={t('trainingNeeds.indicators.breakdowns')}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('trainingNeeds.indicators.group')}</th>
                  <th scope="col" className="num">
                    {t('trainingNeeds.indicators.knownTeachers')}
                  </th>
                  <th scope="col" className="num">
                    {t('trainingNeeds.indicators.ed38')}
                  </th>
                  <th scope="col" className="num">
                    {t('trainingNeeds.indicators.sdg4c7')}
                  </th>
                  <th scope="col" className="num">
                    {t('trainingNeeds.indicators.unlinked')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {x.breakdowns.map((b) => (
                  <tr key={`${b.dimension}:${b.key ?? ''}`}>
                    <th scope="row">
                      {t(`trainingNeeds.indicators.dimension.${b.dimension}`)}: {b.name}
                    </th>
                    <td className="num">{f.number(b.teachers)}</td>
                    <td className="num">{pct(b.ictTrained)}</td>
                    <td className="num">{pct(b.trainedLast12Months)}</td>
                    <td className="num">{f.number(b.unlinkedIct)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
          {x.byYear.length > 0 ? (
            <>
              <h3>{t('trainingNeeds.indicators.byYear')}</h3>
              <ScrollBox label={t('trainingNeeds.indicators.byYear')}>
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('trainingNeeds.indicators.year')}</th>
                      <th scope="col" className="num">
                        {t('trainingNeeds.indicators.persons')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {x.byYear.map((y) => (
                      <tr key={y.year}>
                        <th scope="row">{y.year}</th>
                        <td className="num">{f.number(y.persons)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollBox>
            </>
          ) : null}
          <ApiCsvLink path={path} label={t('trainingNeeds.indicators.csv')} />
        </>
      ) : null}
    </section>
  );
}
