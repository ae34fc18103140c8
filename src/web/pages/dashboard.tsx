import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type AreaRecord, type InstitutionRecord, type SchoolStateListRecord } from '@/web/api';
import { useFormat } from '@/web/format';
import { ScrollBox } from '@/web/components/scroll-box';
import { localName } from '@/web/i18n';
import { Link } from '@/web/router';
import { ApiCsvLink, CsvLink } from '@/web/csv';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { useAreas } from '@/web/pages/regional-home';
import { StateBadge, useCurrentYear } from '@/web/registry/shared';
import { TrendChart } from '@/web/dashboard/chart';
import { SchoolMap, type MapPoint } from '@/web/maps/school-map';
import {
  MONITORING,
  useIndicators,
  useMonitoredSchools,
  useTrends,
  type Indicators,
} from '@/web/dashboard/monitoring';

type SchoolState = SchoolStateListRecord['items'][number];
const STATES = ['verified', 'submitted', 'draft', 'none'] as const;

/** The national dashboard: headline indicators, trends, the map, and the regions with drill-down. */
export function Dashboard() {
  return <AreaDashboard id={null} />;
}

/** The dashboard of one region or district: its areas below, or, at the bottom, its schools. */
export function DashboardArea({ id }: { id: number }) {
  return <AreaDashboard id={id} />;
}

/** Every school of an area (all of them when null) with its record's state this year, fetched 500 at a time. */
function useSchoolStates(yearId: number | undefined, areaId: number | null) {
  return useQuery({
    queryKey: ['registry', 'schools', yearId, 'all', areaId],
    enabled: yearId !== undefined,
    queryFn: async ({ signal }) => {
      const items: SchoolState[] = [];
      for (;;) {
        const params = new URLSearchParams({ limit: '500', offset: String(items.length) });
        if (areaId) params.set('areaId', String(areaId));
        const page = await api<SchoolStateListRecord>(
          `/registry/years/${yearId}/schools?${params.toString()}`,
          {
            signal,
          },
        );
        items.push(...page.items);
        if (page.items.length === 0 || items.length >= page.total) return items;
      }
    },
  });
}

/** The area just below `parent` on the way from the root to `area` (itself when it is a child of parent). */
function childOn(areas: AreaRecord[], parent: number | null, areaId: number): number | null {
  const area = areas.find((a) => a.id === areaId);
  if (!area) return null;
  const chain = [...area.path.filter((p) => p !== area.id), area.id];
  if (parent === null) {
    const top = chain.map((id) => areas.find((a) => a.id === id)).find((a) => a && a.kind !== 'country');
    return top?.id ?? null;
  }
  const i = chain.indexOf(parent);
  return i >= 0 && i + 1 < chain.length ? chain[i + 1]! : null;
}

function AreaDashboard({ id }: { id: number | null }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const { year, query: years } = useCurrentYear();
  const areas = useAreas();
  const area = id === null ? null : areas.data?.find((a) => a.id === id);
  const title =
    id === null ? t('dashboard.title') : area ? localName(area, i18n.language) : t('dashboard.title');
  const states = useSchoolStates(year?.id, id);
  const children = (areas.data ?? []).filter((a) =>
    id === null ? a.kind === 'economic_region' : a.parentId === id,
  );
  const ancestors = area
    ? area.path.filter((p) => p !== area.id).map((p) => areas.data?.find((a) => a.id === p))
    : [];

  return (
    <Page title={title} intro={id === null ? t('dashboard.intro') : t('dashboard.areaIntro')}>
      <nav aria-label={t('dashboard.breadcrumb')} className="breadcrumb">
        <ol>
          <li>
            <Link to="/dashboard">{t('dashboard.country')}</Link>
          </li>
          {ancestors
            .filter((a): a is AreaRecord => a !== undefined && a.kind !== 'country')
            .map((a) => (
              <li key={a.id}>
                <Link to={`/dashboard/area/${a.id}`}>{localName(a, i18n.language)}</Link>
              </li>
            ))}
        </ol>
      </nav>
      {years.isError ? <ErrorBox error={years.error} onRetry={() => void years.refetch()} /> : null}
      {areas.isError ? <ErrorBox error={areas.error} onRetry={() => void areas.refetch()} /> : null}
      {year ? (
        <p>
          {t('registry.year')}: {year.code}
        </p>
      ) : null}
      <Headline yearId={year?.id} areaId={id} />
      <Trends areaId={id} />
      <MapSection yearId={year?.id} areaId={id} />
      <section aria-labelledby="dash-progress">
        <h2 id="dash-progress">{children.length > 0 ? t('dashboard.byArea') : t('dashboard.schools')}</h2>
        {states.isPending ? <Loading /> : null}
        {states.isError ? <ErrorBox error={states.error} onRetry={() => void states.refetch()} /> : null}
        {states.data && areas.data && children.length > 0 ? (
          <AreaTable areas={areas.data} parent={id} items={children} schools={states.data} />
        ) : null}
        {states.data && children.length === 0 ? (
          <SchoolTable schools={states.data} name={`schools-${id ?? 'all'}`} />
        ) : null}
        {states.data ? (
          <p className="note">
            {t('dashboard.recordsNote', {
              verified: f.number(states.data.filter((s) => s.state === 'verified').length),
              total: f.number(states.data.length),
            })}
          </p>
        ) : null}
      </section>
    </Page>
  );
}

const HEADLINES: (keyof Omit<Indicators, 'schools'>)[] = [
  'electricity',
  'internetTeaching',
  'computersTeaching',
  'learnersPerComputer',
  'connected',
  'meetingBenchmark',
  'ictTrainedTeachers',
];

function Headline({ yearId, areaId }: { yearId: number | undefined; areaId: number | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const indicators = useIndicators(yearId, areaId);
  const value = (key: keyof Indicators, v: number | null) =>
    v === null ? '—' : key === 'learnersPerComputer' ? f.number(Math.round(v * 10) / 10) : f.percent(v);
  return (
    <section aria-labelledby="dash-headline">
      <h2 id="dash-headline">{t('dashboard.headline')}</h2>
      {indicators.isPending && yearId !== undefined ? <Loading /> : null}
      {indicators.isError ? (
        <ErrorBox error={indicators.error} onRetry={() => void indicators.refetch()} />
      ) : null}
      {indicators.data === null ? <p className="note">{t('dashboard.notReady')}</p> : null}
      {indicators.data ? (
        <>
          <dl className="stats">
            {HEADLINES.map((key) => (
              <div key={key} data-indicator={key}>
                <dt>{t(`dashboard.indicator.${key}`)}</dt>
                <dd>{value(key, indicators.data!.total[key])}</dd>
              </div>
            ))}
          </dl>
          {yearId !== undefined ? <ApiCsvLink path={MONITORING.indicators(yearId, areaId)} /> : null}
        </>
      ) : null}
    </section>
  );
}

function Trends({ areaId }: { areaId: number | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const trends = useTrends(areaId);
  const keys = ['electricity', 'internetTeaching', 'computersTeaching', 'ictTrainedTeachers'] as const;
  return (
    <section aria-labelledby="dash-trends">
      <h2 id="dash-trends">{t('dashboard.trends')}</h2>
      {trends.isPending ? <Loading /> : null}
      {trends.isError ? <ErrorBox error={trends.error} onRetry={() => void trends.refetch()} /> : null}
      {trends.data === null ? <p className="note">{t('dashboard.notReady')}</p> : null}
      {trends.data && trends.data.length > 0 ? (
        <>
          <TrendChart
            title={t('dashboard.trends')}
            years={trends.data.map((p) => p.code)}
            percent={f.percent}
            series={keys.map((k) => ({
              key: k,
              label: t(`dashboard.indicator.${k}`),
              values: trends.data!.map((p) => p[k]),
            }))}
          />
          <ApiCsvLink path={MONITORING.trends(areaId)} />
        </>
      ) : null}
    </section>
  );
}

function MapSection({ yearId, areaId }: { yearId: number | undefined; areaId: number | null }) {
  const { t, i18n } = useTranslation();
  const monitored = useMonitoredSchools(yearId, areaId);
  // Until monitoring answers, the map still places the schools (from the directory), their status unknown.
  const directory = useQuery({
    queryKey: ['institutions', 'map', areaId],
    enabled: monitored.data === null,
    queryFn: ({ signal }) =>
      api<{ items: InstitutionRecord[] }>(`/institutions?limit=500${areaId ? `&areaId=${areaId}` : ''}`, {
        signal,
      }),
  });
  const points: MapPoint[] = monitored.data
    ? monitored.data.flatMap((s) =>
        s.latitude === null || s.longitude === null
          ? []
          : [
              {
                id: s.institutionId,
                latitude: s.latitude,
                longitude: s.longitude,
                status: s.status,
                name: localName(s, i18n.language),
              },
            ],
      )
    : (directory.data?.items ?? []).flatMap((s) =>
        s.latitude === null || s.longitude === null
          ? []
          : [
              {
                id: s.id,
                latitude: s.latitude,
                longitude: s.longitude,
                status: 'unknown' as const,
                name: localName(s, i18n.language),
              },
            ],
      );
  return (
    <section aria-labelledby="dash-map">
      <h2 id="dash-map">{t('dashboard.map')}</h2>
      {monitored.isPending && yearId !== undefined ? <Loading /> : null}
      {monitored.isError ? (
        <ErrorBox error={monitored.error} onRetry={() => void monitored.refetch()} />
      ) : null}
      {monitored.data === null ? <p className="note">{t('dashboard.statusNotReady')}</p> : null}
      {monitored.data || directory.data ? <SchoolMap points={points} title={t('dashboard.map')} /> : null}
      {monitored.data && yearId !== undefined ? (
        <ApiCsvLink path={MONITORING.schools(yearId, areaId)} />
      ) : null}
    </section>
  );
}

/** The areas below the current one, with how far their schools' records have got this year. */
function AreaTable({
  areas,
  parent,
  items,
  schools,
}: {
  areas: AreaRecord[];
  parent: number | null;
  items: AreaRecord[];
  schools: SchoolState[];
}) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const rows = items.map((a) => {
    const mine = schools.filter((s) => childOn(areas, parent, s.areaId) === a.id);
    const count = (state: (typeof STATES)[number]) =>
      mine.filter((s) => (s.state ?? 'none') === state).length;
    return { area: a, total: mine.length, counts: STATES.map(count) };
  });
  return (
    <>
      <ScrollBox label={t('dashboard.byArea')}>
        <table className="table">
          <caption className="visually-hidden">{t('dashboard.byArea')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dashboard.area')}</th>
              <th scope="col" className="num">
                {t('dashboard.schoolCount')}
              </th>
              {STATES.map((s) => (
                <th key={s} scope="col" className="num">
                  {t(`registry.state.${s}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.area.id}>
                <th scope="row">
                  <Link to={`/dashboard/area/${r.area.id}`}>{localName(r.area, i18n.language)}</Link>
                </th>
                <td className="num">{f.number(r.total)}</td>
                {r.counts.map((n, i) => (
                  <td key={STATES[i]} className="num">
                    {f.number(n)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
      <CsvLink
        name={`areas-${parent ?? 'country'}`}
        rows={[
          ['area_code', 'area_name', 'schools', ...STATES],
          ...rows.map((r) => [r.area.code, localName(r.area, i18n.language), r.total, ...r.counts]),
        ]}
      />
    </>
  );
}

/** The schools of a district: each links to its profile. */
function SchoolTable({ schools, name }: { schools: SchoolState[]; name: string }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  return (
    <>
      {schools.length === 0 ? <p>{t('regional.empty')}</p> : null}
      <ul className="list schools">
        {schools.map((s) => (
          <li key={s.institutionId}>
            <Link to={`/dashboard/school/${s.institutionId}`} className="what">
              {localName(s, i18n.language)}
            </Link>
            <span className="meta">
              {t('regional.code')}: {s.code} · <StateBadge state={s.state ?? 'none'} />
              {s.updatedAt ? (
                <>
                  {' · '}
                  <time dateTime={s.updatedAt}>{f.dateTime(s.updatedAt)}</time>
                </>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      <CsvLink
        name={name}
        rows={[
          ['school_id_govt', 'school_name', 'state', 'updated_at'],
          ...schools.map((s) => [s.code, localName(s, i18n.language), s.state ?? 'none', s.updatedAt]),
        ]}
      />
    </>
  );
}
