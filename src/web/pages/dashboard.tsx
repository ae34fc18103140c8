import { useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AreaRecord } from '@/web/api';
import { useFormat } from '@/web/format';
import { ScrollBox } from '@/web/components/scroll-box';
import { localName } from '@/web/i18n';
import { Link } from '@/web/router';
import { ApiCsvLink } from '@/web/csv';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { useAreas } from '@/web/pages/regional-home';
import { StateBadge } from '@/web/registry/shared';
import { TrendChart } from '@/web/dashboard/chart';
import { SchoolMap, type MapPoint } from '@/web/maps/school-map';
import { TrainingIndicatorsSection } from '@/web/training/indicators';
import {
  MONITORING,
  useIndicators,
  useMonitoredSchool,
  useMonitoredSchools,
  useSchoolMap,
  useTrends,
  type Definition,
  type Dimension,
  type Figure,
  type IndicatorTable,
  type MonitoredSchool,
  type SchoolSort,
} from '@/web/dashboard/monitoring';

/** The national dashboard: headline indicators, trends, the map, and the regions with drill-down. */
export function Dashboard() {
  return <AreaDashboard id={null} />;
}

/** The dashboard of one region or district: its areas below, or, at the bottom, its schools. */
export function DashboardArea({ id }: { id: number }) {
  return <AreaDashboard id={id} />;
}

/** The figures at the top of every dashboard, in this order. */
const HEADLINES = [
  'electricity',
  'internetTeaching',
  'computersTeaching',
  // SDG 4.a.1 counts a school without a record as without: how many they are goes beside it.
  'noRecord',
  'learnersPerComputer',
  'learnersPerComputerShift',
  'connected',
  'educationNetwork',
  'meetingBenchmark',
  'devicesWorking',
  'ictTrainedTeachers',
  'completeness',
];
/** The columns of the breakdown table. */
const COLUMNS = [
  'electricity',
  'internetTeaching',
  'computersTeaching',
  'learnersPerComputer',
  'meetingBenchmark',
  'ictTrainedTeachers',
  'recordsVerified',
];
/** The lines of the trend chart: shares, so they share one scale. */
const TREND_LINES = ['electricity', 'internetTeaching', 'computersTeaching', 'ictTrainedTeachers'];

/** Shows a figure as its kind wants: a share as a percentage, a ratio or median as a number. */
function useFigure() {
  const f = useFormat();
  return (definition: Definition | undefined, figure: Figure | undefined) => {
    if (!definition || !figure || figure.value === null) return '—';
    return definition.kind === 'share'
      ? f.percent(figure.value)
      : f.number(Math.round(figure.value * 10) / 10);
  };
}

function AreaDashboard({ id }: { id: number | null }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const areas = useAreas();
  const area = id === null ? null : areas.data?.find((a) => a.id === id);
  const title =
    id === null ? t('dashboard.title') : area ? localName(area, i18n.language) : t('dashboard.title');
  const children = (areas.data ?? []).filter((a) =>
    id === null ? a.kind === 'economic_region' : a.parentId === id,
  );
  // The nation breaks down by economic region, an area by the areas just under it.
  const byArea: Dimension = id === null ? 'region' : 'area';
  const table = useIndicators(byArea, id);
  const ancestors = area
    ? area.path.filter((p) => p !== area.id).map((p) => areas.data?.find((a) => a.id === p))
    : [];
  const verified = table.data?.total.indicators.recordsVerified?.numerator;

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
      {areas.isError ? <ErrorBox error={areas.error} onRetry={() => void areas.refetch()} /> : null}
      {table.isPending ? <Loading /> : null}
      {table.isError ? <ErrorBox error={table.error} onRetry={() => void table.refetch()} /> : null}
      {table.data ? (
        <>
          <p>
            {t('registry.year')}: {table.data.year.code}
          </p>
          <Headline table={table.data} path={MONITORING.indicators(byArea, id)} />
          {verified !== undefined && verified !== null ? (
            <p className="note">
              {t('dashboard.recordsNote', {
                verified: f.number(verified),
                total: f.number(table.data.total.schools),
              })}
            </p>
          ) : null}
        </>
      ) : null}
      <Trends areaId={id} />
      <TrainingIndicatorsSection areaId={id} />
      <MapAndSchools
        key={id ?? 'country'}
        areaId={id}
        listSchools={areas.data !== undefined && children.length === 0}
      />
      {children.length > 0 && table.data ? (
        <Breakdown areaId={id} byArea={byArea} areaTable={table.data} />
      ) : null}
    </Page>
  );
}

function Headline({ table, path }: { table: IndicatorTable; path: string }) {
  const { t } = useTranslation();
  const show = useFigure();
  return (
    <section aria-labelledby="dash-headline">
      <h2 id="dash-headline">{t('dashboard.headline')}</h2>
      <dl className="stats">
        {HEADLINES.map((key) => {
          const definition = table.definitions.find((d) => d.id === key);
          return (
            <div key={key} data-indicator={key}>
              <dt>{definition?.name ?? key}</dt>
              <dd>{show(definition, table.total.indicators[key])}</dd>
            </div>
          );
        })}
      </dl>
      <p className="note">{t('dashboard.benchmark', { mbps: table.benchmarkMbps })}</p>
      <ApiCsvLink path={path} label={t('dashboard.allIndicatorsCsv')} />
      <p className="download">
        <a href="/api/open/indicators/sdmx?by=region" download>
          {t('policySdmx.dashboardLink')}
        </a>{' '}
        · <Link to="/open-data">{t('policySdmx.nav')}</Link>
      </p>
    </section>
  );
}

function Trends({ areaId }: { areaId: number | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const show = useFigure();
  const trends = useTrends(areaId);
  const data = trends.data;
  return (
    <section aria-labelledby="dash-trends">
      <h2 id="dash-trends">{t('dashboard.trends')}</h2>
      {trends.isPending ? <Loading /> : null}
      {trends.isError ? <ErrorBox error={trends.error} onRetry={() => void trends.refetch()} /> : null}
      {data && data.years.length > 0 ? (
        <>
          <TrendChart
            title={t('dashboard.trends')}
            years={data.years.map((y) => y.year.code)}
            percent={f.percent}
            series={TREND_LINES.map((key) => ({
              key,
              label: data.definitions.find((d) => d.id === key)?.name ?? key,
              values: data.years.map((y) => y.total.indicators[key]?.value ?? null),
            }))}
          />
          <ScrollBox label={t('dashboard.trends')}>
            <table className="table">
              <caption className="visually-hidden">{t('dashboard.trends')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.indicator')}</th>
                  {data.years.map((y) => (
                    <th key={y.year.id} scope="col" className="num">
                      {y.year.code}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {HEADLINES.map((key) => {
                  const definition = data.definitions.find((d) => d.id === key);
                  return (
                    <tr key={key}>
                      <th scope="row">{definition?.name ?? key}</th>
                      {data.years.map((y) => (
                        <td key={y.year.id} className="num">
                          {show(definition, y.total.indicators[key])}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollBox>
          <ApiCsvLink path={MONITORING.trends(areaId)} />
        </>
      ) : null}
    </section>
  );
}

/**
 * The map of the area's schools by connectivity, and at the bottom of the tree, the list of its schools. The
 * map fetches only what it draws (ids, places, status numbers); a dot tapped fetches its school, and the list
 * comes fifty schools at a time.
 */
function MapAndSchools({ areaId, listSchools }: { areaId: number | null; listSchools: boolean }) {
  const { t } = useTranslation();
  const map = useSchoolMap(areaId);
  const [picked, setPicked] = useState<number | null>(null);
  const points = useMemo<MapPoint[]>(() => {
    const data = map.data;
    if (!data) return [];
    return data.id.map((id, k) => ({
      id,
      latitude: data.lat[k]!,
      longitude: data.lon[k]!,
      status: data.statuses[data.status[k]!] ?? 'unknown',
    }));
  }, [map.data]);
  return (
    <>
      <section aria-labelledby="dash-map">
        <h2 id="dash-map">{t('dashboard.map')}</h2>
        {map.isPending ? <Loading /> : null}
        {map.isError ? <ErrorBox error={map.error} onRetry={() => void map.refetch()} /> : null}
        {map.data ? (
          <>
            <SchoolMap points={points} title={t('dashboard.map')} selected={picked} onPick={setPicked} />
            {points.length > 0 ? <p className="note">{t('dashboard.mapHint')}</p> : null}
            <div aria-live="polite">
              {picked !== null ? <PickedSchool id={picked} onClose={() => setPicked(null)} /> : null}
            </div>
            <ApiCsvLink path={MONITORING.schoolsCsv(areaId)} />
          </>
        ) : null}
      </section>
      {listSchools ? <SchoolList areaId={areaId} /> : null}
    </>
  );
}

/** A school's line: its name (to its profile), code, record state, connectivity and completeness. */
function SchoolLine({ school: s }: { school: MonitoredSchool }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  return (
    <>
      <Link to={`/dashboard/school/${s.institutionId}`} className="what">
        {localName(s, i18n.language)}
      </Link>
      <span className="meta">
        {t('regional.code')}: {s.code} · <StateBadge state={s.state ?? 'none'} /> ·{' '}
        <span className={`conn conn-${s.status}`} data-status={s.status}>
          {t(`connectivity.status.${s.status}`)}
        </span>
        {' · '}
        {t('dashboard.completeness', { share: f.percent(s.completeness) })}
      </span>
    </>
  );
}

/** The school of a dot tapped on the map, fetched on its own. */
function PickedSchool({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation();
  const school = useMonitoredSchool(id);
  return (
    <div className="picked" data-school={id}>
      {school.isPending ? <Loading /> : null}
      {school.isError ? <ErrorBox error={school.error} onRetry={() => void school.refetch()} /> : null}
      {school.data ? (
        <ul className="list schools">
          <li>
            <SchoolLine school={school.data.school} />
          </li>
        </ul>
      ) : null}
      <button type="button" className="secondary" onClick={onClose}>
        {t('dashboard.closeSchool')}
      </button>
    </div>
  );
}

const SORTS: SchoolSort[] = ['code', 'name', 'status', 'completeness', '-completeness'];

/** The schools of an area, fifty at a time, searchable by name or code and sorted as chosen. */
function SchoolList({ areaId }: { areaId: number | null }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const searchId = useId();
  const sortId = useId();
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [sort, setSort] = useState<SchoolSort>('code');
  const list = useMonitoredSchools(areaId, sort, q, i18n.language);
  const search = (event: FormEvent) => {
    event.preventDefault();
    setQ(draft.trim());
  };
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total ?? 0;
  return (
    <section aria-labelledby="dash-schools">
      <h2 id="dash-schools">{t('dashboard.schools')}</h2>
      <form className="search" role="search" onSubmit={search}>
        <label htmlFor={searchId}>{t('regional.search')}</label>
        <div className="row">
          <input id={searchId} type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit">{t('regional.searchButton')}</button>
        </div>
      </form>
      <p className="field">
        <label htmlFor={sortId}>{t('dashboard.sort.label')}</label>
        <select id={sortId} value={sort} onChange={(e) => setSort(e.target.value as SchoolSort)}>
          {SORTS.map((s) => (
            <option key={s} value={s}>
              {t(`dashboard.sort.${s}`)}
            </option>
          ))}
        </select>
      </p>
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data ? (
        <>
          <p aria-live="polite">
            {t('regional.shown', { shown: f.number(items.length), total: f.number(total) })}
          </p>
          {items.length === 0 ? <p>{t('regional.empty')}</p> : null}
          <ul className="list schools">
            {items.map((s) => (
              <li key={s.institutionId}>
                <SchoolLine school={s} />
              </li>
            ))}
          </ul>
          {list.hasNextPage ? (
            <button
              type="button"
              className="secondary"
              disabled={list.isFetchingNextPage}
              onClick={() => void list.fetchNextPage()}
            >
              {list.isFetchingNextPage ? t('common.loading') : t('regional.showMore')}
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** The indicators of each group of schools: the areas below, or the levels, urban/rural, ownership. */
function Breakdown({
  areaId,
  byArea,
  areaTable,
}: {
  areaId: number | null;
  byArea: Dimension;
  areaTable: IndicatorTable;
}) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const show = useFigure();
  const selectId = useId();
  const [by, setBy] = useState<Dimension>(byArea);
  const other = useIndicators(by, areaId);
  // The area breakdown is the page's own query; the others are fetched when chosen.
  const table = by === byArea ? areaTable : other.data;
  return (
    <section aria-labelledby="dash-breakdown">
      <h2 id="dash-breakdown">{t('dashboard.breakdown')}</h2>
      <p className="field">
        <label htmlFor={selectId}>{t('dashboard.by.label')}</label>
        <select id={selectId} value={by} onChange={(e) => setBy(e.target.value as Dimension)}>
          <option value={byArea}>{t('dashboard.by.area')}</option>
          <option value="level">{t('dashboard.by.level')}</option>
          <option value="locality">{t('dashboard.by.locality')}</option>
          <option value="ownership">{t('dashboard.by.ownership')}</option>
        </select>
      </p>
      {by !== byArea && other.isPending ? <Loading /> : null}
      {by !== byArea && other.isError ? (
        <ErrorBox error={other.error} onRetry={() => void other.refetch()} />
      ) : null}
      {table ? (
        <>
          <ScrollBox label={t('dashboard.breakdown')}>
            <table className="table">
              <caption className="visually-hidden">{t('dashboard.breakdown')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.group')}</th>
                  <th scope="col" className="num">
                    {t('dashboard.schoolCount')}
                  </th>
                  {COLUMNS.map((key) => (
                    <th key={key} scope="col" className="num">
                      {table.definitions.find((d) => d.id === key)?.name ?? key}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.groups.map((g) => (
                  <tr key={g.key ?? 'none'}>
                    <th scope="row">
                      {g.areaId !== null && by === byArea ? (
                        <Link to={`/dashboard/area/${g.areaId}`}>{localName(g, i18n.language)}</Link>
                      ) : (
                        localName(g, i18n.language)
                      )}
                    </th>
                    <td className="num">{f.number(g.schools)}</td>
                    {COLUMNS.map((key) => (
                      <td key={key} className="num">
                        {show(
                          table.definitions.find((d) => d.id === key),
                          g.indicators[key],
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
          <ApiCsvLink path={MONITORING.indicators(by, areaId)} />
        </>
      ) : null}
    </section>
  );
}
