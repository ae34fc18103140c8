import type { Db } from '@/server/db/database';
import { csvCell } from '@/server/csv';
import { translate, type Locale } from '@/server/i18n';
import * as monitoring from '@/modules/monitoring/monitoring.service';
import type { IndicatorTable } from '@/modules/monitoring/monitoring.schema';
import { trainingIndicators } from '@/modules/training/training.needs.service';
import type { Labels, SdmxStructure } from '@/modules/policy/policy.sdmx.schema';
import '@/modules/policy/policy.sdmx.messages';

/**
 * The platform's indicators for international reporting, as SDMX-CSV 2.0 (the SDMX Technical Working Group's
 * "SDMX-CSV data message", aligned with SDMX 3.0): one row per observation, keyed by UIS's dimensions —
 * indicator, reference area, level of education, sex and time period. The figures are those of the JSON and CSV
 * open data, taken from the monitoring and training services (never recomputed here): SDG 4.a.1 (a)–(c) by ISCED
 * level, learners per computer (ED4bis, ED25), teachers trained in ICT (ED38) and in-service training in the last
 * 12 months (SDG 4.c.7), the latter two also by sex and ISCED level. Codes and their meaning: `docs/policy.md`.
 */

/** The data's structure: agency, dataflow and version, as the STRUCTURE_ID column writes them. */
export const AGENCY = 'MAKTAB';
export const DATAFLOW = 'DF_ICT_EDU';
export const DATAFLOW_VERSION = '1.0.0';
export const STRUCTURE_ID = `${AGENCY}:${DATAFLOW}(${DATAFLOW_VERSION})`;
/** The media type of SDMX-CSV 2.0 data (SDMX REST content negotiation). */
export const SDMX_CSV_TYPE = 'application/vnd.sdmx.data+csv; version=2.0.0';

/** The indicators, in the order the file lists them. */
export const INDICATORS = [
  'SDG4A1_ELEC',
  'SDG4A1_INTERNET',
  'SDG4A1_COMP',
  'ED4BIS_LRN_PER_COMP',
  'ED25_LRN_PER_COMP_INT',
  'ED38_TCH_ICT',
  'SDG4C7_TCH_INSERV',
] as const;
export type IndicatorCode = (typeof INDICATORS)[number];

/** ISCED 2011 levels, their span 1–3, all levels (`_T`) and not known (`_U`), as SDMX's cross-domain codes. */
export const EDU_LEVELS = [
  'ISCED11_1T3',
  'ISCED11_0',
  'ISCED11_1',
  'ISCED11_2',
  'ISCED11_3',
  'ISCED11_4',
  'ISCED11_5',
  'ISCED11_6',
  'ISCED11_7',
  'ISCED11_8',
  '_T',
  '_U',
] as const;
export type EduLevel = (typeof EDU_LEVELS)[number];

/** SDMX's SEX codes: total, female, male, not known, and not applicable (an indicator that counts schools). */
export const SEXES = ['_T', 'F', 'M', '_U', '_Z'] as const;
export type Sex = (typeof SEXES)[number];

export const UNITS = ['PT', 'RATIO'] as const;
export type Unit = (typeof UNITS)[number];
export const STATUSES = ['A', 'M'] as const;
type Status = (typeof STATUSES)[number];

/** The components, in the order of the data structure: dimensions, the measure, then attributes. */
const COMPONENT_IDS = [
  'INDICATOR',
  'REF_AREA',
  'EDU_LEVEL',
  'SEX',
  'TIME_PERIOD',
  'OBS_VALUE',
  'UNIT_MEASURE',
  'OBS_STATUS',
  'NUMERATOR',
  'DENOMINATOR',
  'COMMENT_OBS',
] as const;
type ComponentId = (typeof COMPONENT_IDS)[number];
const roleOf = (id: ComponentId): 'dimension' | 'measure' | 'attribute' =>
  COMPONENT_IDS.indexOf(id) < 5 ? 'dimension' : id === 'OBS_VALUE' ? 'measure' : 'attribute';
const COMPONENTS: readonly { id: ComponentId; role: 'dimension' | 'measure' | 'attribute' }[] =
  COMPONENT_IDS.map((id) => ({ id, role: roleOf(id) }));

/** An area's names, for `labels=name|both`. */
type AreaNames = { nameAz: string; nameRu: string; nameEn: string };

/** One observation: its key, its value and what it was made of. */
export interface Observation {
  indicator: IndicatorCode;
  area: string;
  level: EduLevel;
  sex: Sex;
  /** The calendar year in which the school year ends, as UIS dates school years. */
  period: string;
  value: number | null;
  unit: Unit;
  numerator: number | null;
  denominator: number | null;
  /** Why the observation's population differs from its total's (a message code), if it does. */
  comment: string | null;
}

type Figure = { value: number | null; numerator: number | null; denominator: number };

/** Shares are published in percent, as UIS does: the open data's share (four decimals) times 100. */
const percent = (value: number | null) => (value === null ? null : Math.round(value * 10_000) / 100);

function observation(
  key: Pick<Observation, 'indicator' | 'area' | 'level' | 'sex' | 'period'>,
  unit: Unit,
  f: Figure | undefined,
  comment: string | null = null,
): Observation {
  return {
    ...key,
    value: f === undefined ? null : unit === 'PT' ? percent(f.value) : f.value,
    unit,
    numerator: f?.numerator ?? null,
    denominator: f?.denominator ?? null,
    comment,
  };
}

/** Monitoring's indicator ids behind each SDMX series: SDG 4.a.1 over ISCED 1–3 and at each of its levels. */
const MONITORING_SERIES: { indicator: IndicatorCode; level: EduLevel; sex: Sex; unit: Unit; id: string }[] = [
  ...(
    [
      ['SDG4A1_ELEC', 'electricity'],
      ['SDG4A1_INTERNET', 'internetTeaching'],
      ['SDG4A1_COMP', 'computersTeaching'],
    ] as const
  ).flatMap(([indicator, id]) =>
    (
      [
        ['ISCED11_1T3', id],
        ['ISCED11_1', `${id}.isced1`],
        ['ISCED11_2', `${id}.isced2`],
        ['ISCED11_3', `${id}.isced3`],
      ] as const
    ).map(([level, source]) => ({ indicator, level, sex: '_Z' as const, unit: 'PT' as const, id: source })),
  ),
  {
    indicator: 'ED4BIS_LRN_PER_COMP',
    level: 'ISCED11_1T3',
    sex: '_T',
    unit: 'RATIO',
    id: 'learnersPerComputer',
  },
  {
    indicator: 'ED25_LRN_PER_COMP_INT',
    level: 'ISCED11_1T3',
    sex: '_T',
    unit: 'RATIO',
    id: 'learnersPerConnectedComputer',
  },
];

const SEX_OF: Record<string, Sex> = { female: 'F', male: 'M' };
const iscedLevel = (key: string | null): EduLevel => {
  const code = `ISCED11_${key ?? ''}`;
  return (EDU_LEVELS as readonly string[]).includes(code) ? (code as EduLevel) : '_U';
};

/** A year of monitoring's open data, as one academic year's table or one year of its trends. */
type YearFigures = Pick<IndicatorTable, 'year' | 'total' | 'groups'>;

/** What the data holds: the observations, and the names of the areas they are about. */
export interface Dataset {
  observations: Observation[];
  areas: Map<string, AreaNames>;
}

/**
 * Every observation of the year asked for (else of every year up to the current one), for the country and, with
 * `by: 'region'`, each economic region. Schools or teachers that fall in no region are in the country's figure
 * only (a group without an area code has no reference area).
 */
export async function dataset(
  db: Db,
  q: { year?: string; by?: 'none' | 'region' },
  locale: Locale,
): Promise<Dataset> {
  const by = q.by ?? 'none';
  const years: YearFigures[] =
    q.year === undefined
      ? (await monitoring.trends(db, null, { by }, locale)).years
      : [await monitoring.openIndicators(db, { year: q.year, by }, locale)];
  const observations: Observation[] = [];
  const areas = new Map<string, AreaNames>();
  for (const y of years) {
    const period = y.year.endsOn.slice(0, 4);
    // The country's code: the selection's when it is one area (the country), else SDMX's "unspecified".
    const country = y.total.code ?? '_X';
    areas.set(country, y.total);
    const groups = [
      { area: country, g: y.total },
      ...y.groups.flatMap((g) => (g.code === null || g.key === null ? [] : [{ area: g.code, g }])),
    ];
    for (const { area, g } of groups) {
      if (area !== country) areas.set(area, g);
      for (const s of MONITORING_SERIES)
        observations.push(
          observation(
            { indicator: s.indicator, area, level: s.level, sex: s.sex, period },
            s.unit,
            g.indicators[s.id],
          ),
        );
    }

    const training = await trainingIndicators(db, null, locale, { year: y.year.code, by });
    const teacherSeries = [
      ['ED38_TCH_ICT', 'ictTrained'],
      ['SDG4C7_TCH_INSERV', 'trainedLast12Months'],
    ] as const;
    for (const [indicator, field] of teacherSeries) {
      const key = { indicator, period };
      observations.push(
        observation({ ...key, area: country, level: '_T', sex: '_T' }, 'PT', training.total[field]),
      );
      for (const g of training.groups) {
        if (g.code === null || g.key === null) continue;
        if (!areas.has(g.code)) areas.set(g.code, { nameAz: g.name, nameRu: g.name, nameEn: g.name });
        observations.push(observation({ ...key, area: g.code, level: '_T', sex: '_T' }, 'PT', g[field]));
      }
      // By sex and by ISCED level: over the teachers the platform knows (docs/indicators.md), said in a comment.
      for (const b of training.breakdowns) {
        const sex = b.dimension === 'sex' ? (b.key === null ? '_U' : (SEX_OF[b.key] ?? '_U')) : '_T';
        const level = b.dimension === 'isced' ? iscedLevel(b.key) : '_T';
        observations.push(
          observation(
            { ...key, area: country, level, sex },
            'PT',
            b[field],
            'policy.sdmx.comment.platformTeachers',
          ),
        );
      }
    }
  }
  const rank = <T extends string>(list: readonly T[]) => {
    const index = new Map(list.map((x, i) => [x, i]));
    return (x: T) => index.get(x) ?? list.length;
  };
  const areaOrder = rank([...areas.keys()]);
  const ind = rank(INDICATORS);
  const lvl = rank(EDU_LEVELS);
  const sx = rank(SEXES);
  observations.sort(
    (a, b) =>
      ind(a.indicator) - ind(b.indicator) ||
      areaOrder(a.area) - areaOrder(b.area) ||
      lvl(a.level) - lvl(b.level) ||
      sx(a.sex) - sx(b.sex) ||
      a.period.localeCompare(b.period),
  );
  return { observations, areas };
}

const nameOf = (a: AreaNames, locale: Locale) =>
  locale === 'az' ? a.nameAz : locale === 'ru' ? a.nameRu : a.nameEn;

/** The name of a code of a coded component in the caller's language; null for uncoded components. */
function codeName(component: ComponentId, code: string, areas: Map<string, AreaNames>, locale: Locale) {
  switch (component) {
    case 'INDICATOR':
      return translate(locale, `policy.sdmx.indicator.${code}`);
    case 'REF_AREA': {
      const area = areas.get(code);
      return area ? nameOf(area, locale) : null;
    }
    case 'EDU_LEVEL':
      return translate(locale, `policy.sdmx.level.${code}`);
    case 'SEX':
      return translate(locale, `policy.sdmx.sex.${code}`);
    case 'UNIT_MEASURE':
      return translate(locale, `policy.sdmx.unit.${code}`);
    case 'OBS_STATUS':
      return translate(locale, `policy.sdmx.status.${code}`);
    case 'TIME_PERIOD':
    case 'OBS_VALUE':
    case 'NUMERATOR':
    case 'DENOMINATOR':
    case 'COMMENT_OBS':
      return null;
  }
}

/** The cells of one observation, by component. */
function cells(o: Observation, locale: Locale): Record<ComponentId, string | number | null> {
  const status: Status = o.value === null ? 'M' : 'A';
  return {
    INDICATOR: o.indicator,
    REF_AREA: o.area,
    EDU_LEVEL: o.level,
    SEX: o.sex,
    TIME_PERIOD: o.period,
    OBS_VALUE: o.value,
    UNIT_MEASURE: o.unit,
    OBS_STATUS: status,
    NUMERATOR: o.numerator,
    DENOMINATOR: o.denominator,
    COMMENT_OBS: o.comment === null ? null : translate(locale, o.comment),
  };
}

/**
 * The data as an SDMX-CSV 2.0 message: RFC 4180, comma separated, CRLF line ends, UTF-8 without a byte-order
 * mark (the first bytes are the fixed header term STRUCTURE, by which readers find the separator). Columns:
 * STRUCTURE, STRUCTURE_ID, ACTION (I: information), then each component in the order of the structure; with
 * `labels=name` a column of names follows STRUCTURE_ID and each component, with `labels=both` ids and names
 * share a cell as "id: name".
 */
export function sdmxCsv(data: Dataset, labels: Labels, locale: Locale): string {
  const header: string[] = ['STRUCTURE', 'STRUCTURE_ID'];
  const dataflowName = translate(locale, 'policy.sdmx.dataflow');
  if (labels === 'name') header.push('STRUCTURE_NAME');
  header.push('ACTION');
  for (const c of COMPONENTS) {
    const name = translate(locale, `policy.sdmx.component.${c.id}`);
    if (labels === 'both') header.push(`${c.id}: ${name}`);
    else if (labels === 'name') header.push(c.id, name);
    else header.push(c.id);
  }
  const lines = [header.map(csvCell).join(',')];
  for (const o of data.observations) {
    const row: (string | number | null)[] = [
      'dataflow',
      labels === 'both' ? `${STRUCTURE_ID}: ${dataflowName}` : STRUCTURE_ID,
    ];
    if (labels === 'name') row.push(dataflowName);
    row.push('I');
    const values = cells(o, locale);
    for (const c of COMPONENTS) {
      const value = values[c.id];
      const name = value === null ? null : codeName(c.id, String(value), data.areas, locale);
      if (labels === 'both') row.push(name === null ? value : `${value}: ${name}`);
      else if (labels === 'name') row.push(value, c.id === 'TIME_PERIOD' ? value : name);
      else row.push(value);
    }
    lines.push(row.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The areas the data is about, without computing its figures (monitoring keeps its answers until the registry
 * changes): the country and the economic regions that have schools, in any year up to the current one.
 */
export async function areasOf(db: Db, locale: Locale): Promise<Pick<Dataset, 'areas'>> {
  const areas = new Map<string, AreaNames>();
  for (const y of (await monitoring.trends(db, null, { by: 'region' }, locale)).years) {
    areas.set(y.total.code ?? '_X', y.total);
    for (const g of y.groups) if (g.code !== null && g.key !== null) areas.set(g.code, g);
  }
  return { areas };
}

/** The structure of the data, with every code's name in the caller's language (areas: those the data has). */
export function structure(data: Pick<Dataset, 'areas'>, locale: Locale): SdmxStructure {
  const codes = (component: ComponentId, list: readonly string[]) =>
    list.map((id) => ({ id, name: codeName(component, id, data.areas, locale) ?? id }));
  const codeList = (component: ComponentId): readonly string[] => {
    switch (component) {
      case 'INDICATOR':
        return INDICATORS;
      case 'REF_AREA':
        return [...data.areas.keys()];
      case 'EDU_LEVEL':
        return EDU_LEVELS;
      case 'SEX':
        return SEXES;
      case 'UNIT_MEASURE':
        return UNITS;
      case 'OBS_STATUS':
        return STATUSES;
      case 'TIME_PERIOD':
      case 'OBS_VALUE':
      case 'NUMERATOR':
      case 'DENOMINATOR':
      case 'COMMENT_OBS':
        return [];
    }
  };
  return {
    structureId: STRUCTURE_ID,
    name: translate(locale, 'policy.sdmx.dataflow'),
    mediaType: SDMX_CSV_TYPE,
    components: COMPONENTS.map((c) => ({
      id: c.id,
      role: c.role,
      name: translate(locale, `policy.sdmx.component.${c.id}`),
      codes: codes(c.id, codeList(c.id)),
    })),
  };
}

/**
 * The `labels` option asked for in an Accept header's SDMX-CSV media type (`application/vnd.sdmx.data+csv;
 * version=2.0.0; labels=both`), if any.
 */
export function labelsFromAccept(accept: string | undefined): Labels | undefined {
  if (!accept) return undefined;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((p) => p.trim());
    if (type.toLowerCase() !== 'application/vnd.sdmx.data+csv') continue;
    for (const p of params) {
      const [k, v] = p.split('=').map((s) => s.trim().toLowerCase());
      if (k === 'labels' && (v === 'id' || v === 'name' || v === 'both')) return v;
    }
  }
  return undefined;
}
