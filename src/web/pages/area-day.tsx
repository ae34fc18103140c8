import { useTranslation } from 'react-i18next';
import type { AreaDay } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Link } from '@/web/router';
import { APPLICATION_STATES, Block } from '@/web/pages/day-parts';

/**
 * What waits above the schools — records awaiting review, badly connected schools, the distribution's progress —
 * each school opening its profile. School names and counts only.
 */
export function AreaDayBlocks({
  day,
  schoolPath,
  reviewPath,
  distributionPath,
}: {
  day: AreaDay;
  schoolPath: (id: number) => string;
  reviewPath?: string;
  distributionPath?: (planId: number) => string;
}) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const { review, badConnectivity, distribution } = day;
  return (
    <>
      {day.year === null ? <p className="notice">{t('day.noYear')}</p> : null}
      <Block id="area-review" title={t('day.review')} count={review.total}>
        {review.total === 0 ? (
          <p className="empty">{t('day.reviewNone')}</p>
        ) : (
          <ul className="list schools-waiting">
            {review.items.map((s) => (
              <li key={s.id}>
                <Link to={schoolPath(s.id)} className="what">
                  {localName(s, i18n.language)}
                </Link>
                <span className="meta">{s.code}</span>
              </li>
            ))}
          </ul>
        )}
        {review.total > review.items.length ? (
          <p className="meta">{t('day.shown', { shown: review.items.length, total: review.total })}</p>
        ) : null}
        {reviewPath ? (
          <p>
            <Link to={reviewPath}>{t('day.openReview')}</Link>
          </p>
        ) : null}
      </Block>
      <Block id="area-connectivity" title={t('day.badConnectivity')} count={badConnectivity.total}>
        {badConnectivity.total === 0 ? (
          <p className="empty">{t('day.badNone')}</p>
        ) : (
          <ul className="list schools-bad">
            {badConnectivity.items.map((s) => (
              <li key={s.id}>
                <Link to={schoolPath(s.id)} className="what">
                  {localName(s, i18n.language)}
                </Link>
                <span className="meta">
                  {s.code} ·{' '}
                  {s.measuredMbps === null
                    ? t('day.noMeasurement')
                    : t('day.mbps', { value: f.number(s.measuredMbps) })}
                </span>
              </li>
            ))}
          </ul>
        )}
        {badConnectivity.total > badConnectivity.items.length ? (
          <p className="meta">
            {t('day.shown', { shown: badConnectivity.items.length, total: badConnectivity.total })}
          </p>
        ) : null}
      </Block>
      <Block
        id="area-distribution"
        title={distribution ? t('day.distribution', { plan: distribution.name }) : t('day.allocation')}
      >
        {distribution === null ? (
          <p className="empty">{t('day.allocationNone')}</p>
        ) : (
          <>
            <dl className="stats">
              {APPLICATION_STATES.map((state) => (
                <div key={state}>
                  <dt>{t(`allocation.state.${state}`)}</dt>
                  <dd>{f.number(distribution.applications[state])}</dd>
                </div>
              ))}
            </dl>
            <p>
              {t('day.awarded', {
                schools: f.number(distribution.schools),
                awarded: f.number(distribution.awarded),
                received: f.number(distribution.received),
              })}
            </p>
            {distributionPath ? (
              <p>
                <Link to={distributionPath(distribution.planId)}>{t('day.allocationOpen')}</Link>
              </p>
            ) : null}
          </>
        )}
      </Block>
    </>
  );
}
