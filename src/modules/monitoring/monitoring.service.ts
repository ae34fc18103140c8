import { allows, grantsOf, type Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { notFound } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { BAD_BELOW_MBPS, benchmarkMbps } from '@/modules/infrastructure/infrastructure.service';
import { LINK_TYPES } from '@/modules/infrastructure/infrastructure.tables';
import {
  openGigaSchools as gigaMaster,
  type OutFile,
} from '@/modules/infrastructure/registry-export.service';
import { RevisionCache } from '@/server/revision';
import * as store from '@/modules/monitoring/monitoring.store';
import type {
  IndicatorTable,
  OpenSchoolList,
  SchoolDetail,
  SchoolList,
  SchoolMap,
  Trends,
} from '@/modules/monitoring/monitoring.schema';

/**
 * The monitoring rules: which schools a caller's question covers, and how the store's sums become
 * indicators, each with its numerator and denominator. Formulas and sources are in docs/indicators.md.
 * Everything is computed live from the registry, so a saved record shows in the indicators at once.
 */

const LINK_TYPE_NAMES = {
  en: {
    fibre: 'fibre',
    xdsl: 'xDSL',
    other_wired: 'other wired',
    cellular: 'cellular',
    p2mp_wireless: 'point-to-multipoint wireless',
    p2p_wireless: 'point-to-point wireless',
    satellite: 'satellite',
    other: 'other',
  },
  az: {
    fibre: 'optik lif',
    xdsl: 'xDSL',
    other_wired: 'digər naqilli',
    cellular: 'mobil',
    p2mp_wireless: 'nöqtə-çoxnöqtə simsiz',
    p2p_wireless: 'nöqtə-nöqtə simsiz',
    satellite: 'peyk',
    other: 'digər',
  },
  ru: {
    fibre: 'оптоволокно',
    xdsl: 'xDSL',
    other_wired: 'другое проводное',
    cellular: 'мобильная связь',
    p2mp_wireless: 'беспроводное точка–многоточка',
    p2p_wireless: 'беспроводное точка–точка',
    satellite: 'спутник',
    other: 'другое',
  },
} as const;

const prefixed = (prefix: string, names: Record<string, string>) =>
  Object.fromEntries(Object.entries(names).map(([k, v]) => [`${prefix}${k}`, v]));

defineMessages({
  en: {
    'monitoring.indicator.electricity': 'Schools with regular electricity (SDG 4.a.1 a)',
    'monitoring.indicator.electricityAt': 'Schools with regular electricity, {level} (SDG 4.a.1 a)',
    'monitoring.indicator.internetTeaching': 'Schools with internet for pedagogical purposes (SDG 4.a.1 b)',
    'monitoring.indicator.internetTeachingAt':
      'Schools with internet for pedagogical purposes, {level} (SDG 4.a.1 b)',
    'monitoring.indicator.computersTeaching': 'Schools with computers for pedagogical purposes (SDG 4.a.1 c)',
    'monitoring.indicator.computersTeachingAt':
      'Schools with computers for pedagogical purposes, {level} (SDG 4.a.1 c)',
    'monitoring.indicator.noRecord': 'Schools with no record for the year, counted as without (SDG 4.a.1)',
    'monitoring.indicator.noRecordAt':
      'Schools with no record for the year, counted as without, {level} (SDG 4.a.1)',
    'monitoring.isced.1': 'primary (ISCED 1)',
    'monitoring.isced.2': 'lower secondary (ISCED 2)',
    'monitoring.isced.3': 'upper secondary (ISCED 3)',
    'monitoring.indicator.learnersPerComputer': 'Learners per computer for teaching (ED4bis)',
    'monitoring.indicator.learnersPerComputerShift':
      'Learners of the largest shift per working teaching computer',
    'monitoring.indicator.learnersPerConnectedComputer':
      'Learners per teaching computer, in schools with internet for teaching (close to ED25)',
    'monitoring.indicator.connected': 'Schools connected to the internet',
    'monitoring.indicator.connectedBy': 'Schools connected by {type}',
    'monitoring.indicator.educationNetwork': 'Schools on the education network',
    'monitoring.indicator.measured': 'Schools whose connection was measured',
    'monitoring.indicator.meetingBenchmark': 'Measured schools meeting the benchmark speed',
    'monitoring.indicator.status.good': 'Schools with good connectivity',
    'monitoring.indicator.status.moderate': 'Schools with moderate connectivity',
    'monitoring.indicator.status.bad': 'Schools with bad connectivity',
    'monitoring.indicator.status.unknown': 'Schools with unknown connectivity (not measured)',
    'monitoring.indicator.contractedMeetingBenchmark':
      'Schools with a contracted speed at the benchmark or above',
    'monitoring.indicator.downloadContractedMedian': 'Median contracted download, Mbit/s',
    'monitoring.indicator.downloadMeasuredMedian': 'Median measured download, Mbit/s',
    'monitoring.indicator.measuredToContracted': 'Measured download as a share of contracted',
    'monitoring.indicator.devicesWorking': 'Devices in working order',
    'monitoring.indicator.devicesPastEndOfLife': 'Device items past their end of life',
    'monitoring.indicator.ictTrainedTeachers': 'Teachers trained in ICT',
    'monitoring.indicator.project': 'Schools taking part in {project}',
    'monitoring.indicator.reporting': 'Schools with a record for the year',
    'monitoring.indicator.recordsVerified': 'Records verified by the region',
    'monitoring.indicator.completeness': 'Data completeness',
    'monitoring.indicator.freshnessDays': 'Days since the record was last saved',
    'monitoring.group.urban': 'Urban',
    'monitoring.group.rural': 'Rural',
    'monitoring.group.public': 'Public',
    'monitoring.group.private': 'Private',
    'monitoring.group.none': 'Not in any group',
    ...prefixed('monitoring.linkType.', LINK_TYPE_NAMES.en),
  },
  az: {
    'monitoring.indicator.electricity': 'Müntəzəm elektriki olan məktəblər (DİM 4.a.1 a)',
    'monitoring.indicator.electricityAt': 'Müntəzəm elektriki olan məktəblər, {level} (DİM 4.a.1 a)',
    'monitoring.indicator.internetTeaching': 'Tədris məqsədləri üçün interneti olan məktəblər (DİM 4.a.1 b)',
    'monitoring.indicator.internetTeachingAt':
      'Tədris məqsədləri üçün interneti olan məktəblər, {level} (DİM 4.a.1 b)',
    'monitoring.indicator.computersTeaching': 'Tədris məqsədləri üçün kompüteri olan məktəblər (DİM 4.a.1 c)',
    'monitoring.indicator.computersTeachingAt':
      'Tədris məqsədləri üçün kompüteri olan məktəblər, {level} (DİM 4.a.1 c)',
    'monitoring.indicator.noRecord': 'Bu il üçün qeydi olmayan məktəblər, «yoxdur» sayılır (DİM 4.a.1)',
    'monitoring.indicator.noRecordAt':
      'Bu il üçün qeydi olmayan məktəblər, «yoxdur» sayılır, {level} (DİM 4.a.1)',
    'monitoring.isced.1': 'ibtidai (ISCED 1)',
    'monitoring.isced.2': 'ümumi orta (ISCED 2)',
    'monitoring.isced.3': 'tam orta (ISCED 3)',
    'monitoring.indicator.learnersPerComputer': 'Bir tədris kompüterinə düşən şagird (ED4bis)',
    'monitoring.indicator.learnersPerComputerShift':
      'Ən böyük növbənin bir işlək tədris kompüterinə düşən şagirdi',
    'monitoring.indicator.learnersPerConnectedComputer':
      'Tədris üçün interneti olan məktəblərdə bir tədris kompüterinə düşən şagird (ED25-ə yaxın)',
    'monitoring.indicator.connected': 'İnternetə qoşulmuş məktəblər',
    'monitoring.indicator.connectedBy': '{type} ilə qoşulmuş məktəblər',
    'monitoring.indicator.educationNetwork': 'Təhsil şəbəkəsinə qoşulmuş məktəblər',
    'monitoring.indicator.measured': 'Bağlantısı ölçülmüş məktəblər',
    'monitoring.indicator.meetingBenchmark': 'Ölçülmüş məktəblərdən etalon sürətə çatanlar',
    'monitoring.indicator.status.good': 'Bağlantısı yaxşı olan məktəblər',
    'monitoring.indicator.status.moderate': 'Bağlantısı orta olan məktəblər',
    'monitoring.indicator.status.bad': 'Bağlantısı zəif olan məktəblər',
    'monitoring.indicator.status.unknown': 'Bağlantısı məlum olmayan məktəblər (ölçülməyib)',
    'monitoring.indicator.contractedMeetingBenchmark': 'Müqavilə sürəti etalona çatan və ya keçən məktəblər',
    'monitoring.indicator.downloadContractedMedian': 'Müqavilə üzrə endirmə sürətinin medianı, Mbit/s',
    'monitoring.indicator.downloadMeasuredMedian': 'Ölçülmüş endirmə sürətinin medianı, Mbit/s',
    'monitoring.indicator.measuredToContracted': 'Ölçülmüş sürətin müqavilə sürətinə nisbəti',
    'monitoring.indicator.devicesWorking': 'İşlək vəziyyətdə olan cihazlar',
    'monitoring.indicator.devicesPastEndOfLife': 'İstismar müddəti bitmiş cihazlar',
    'monitoring.indicator.ictTrainedTeachers': 'İKT üzrə hazırlıq keçmiş müəllimlər',
    'monitoring.indicator.project': '{project} layihəsində iştirak edən məktəblər',
    'monitoring.indicator.reporting': 'Bu il üçün qeydi olan məktəblər',
    'monitoring.indicator.recordsVerified': 'Region tərəfindən təsdiqlənmiş qeydlər',
    'monitoring.indicator.completeness': 'Məlumatların tamlığı',
    'monitoring.indicator.freshnessDays': 'Qeydin son saxlanılmasından keçən günlər',
    'monitoring.group.urban': 'Şəhər',
    'monitoring.group.rural': 'Kənd',
    'monitoring.group.public': 'Dövlət',
    'monitoring.group.private': 'Özəl',
    'monitoring.group.none': 'Heç bir qrupa aid deyil',
    ...prefixed('monitoring.linkType.', LINK_TYPE_NAMES.az),
  },
  ru: {
    'monitoring.indicator.electricity': 'Школы с регулярным электроснабжением (ЦУР 4.a.1 a)',
    'monitoring.indicator.electricityAt': 'Школы с регулярным электроснабжением, {level} (ЦУР 4.a.1 a)',
    'monitoring.indicator.internetTeaching': 'Школы с интернетом для учебных целей (ЦУР 4.a.1 b)',
    'monitoring.indicator.internetTeachingAt': 'Школы с интернетом для учебных целей, {level} (ЦУР 4.a.1 b)',
    'monitoring.indicator.computersTeaching': 'Школы с компьютерами для учебных целей (ЦУР 4.a.1 c)',
    'monitoring.indicator.computersTeachingAt':
      'Школы с компьютерами для учебных целей, {level} (ЦУР 4.a.1 c)',
    'monitoring.indicator.noRecord': 'Школы без записи за год, считаются как «нет» (ЦУР 4.a.1)',
    'monitoring.indicator.noRecordAt': 'Школы без записи за год, считаются как «нет», {level} (ЦУР 4.a.1)',
    'monitoring.isced.1': 'начальное (МСКО 1)',
    'monitoring.isced.2': 'первая ступень среднего (МСКО 2)',
    'monitoring.isced.3': 'вторая ступень среднего (МСКО 3)',
    'monitoring.indicator.learnersPerComputer': 'Учащихся на один учебный компьютер (ED4bis)',
    'monitoring.indicator.learnersPerComputerShift':
      'Учащихся самой большой смены на один исправный учебный компьютер',
    'monitoring.indicator.learnersPerConnectedComputer':
      'Учащихся на учебный компьютер в школах с интернетом для обучения (близко к ED25)',
    'monitoring.indicator.connected': 'Школы, подключённые к интернету',
    'monitoring.indicator.connectedBy': 'Школы, подключённые через {type}',
    'monitoring.indicator.educationNetwork': 'Школы в образовательной сети',
    'monitoring.indicator.measured': 'Школы, где подключение измерялось',
    'monitoring.indicator.meetingBenchmark': 'Измеренные школы, достигающие эталонной скорости',
    'monitoring.indicator.status.good': 'Школы с хорошим подключением',
    'monitoring.indicator.status.moderate': 'Школы со средним подключением',
    'monitoring.indicator.status.bad': 'Школы с плохим подключением',
    'monitoring.indicator.status.unknown': 'Школы с неизвестным подключением (не измерялось)',
    'monitoring.indicator.contractedMeetingBenchmark': 'Школы с договорной скоростью не ниже эталонной',
    'monitoring.indicator.downloadContractedMedian': 'Медиана договорной скорости загрузки, Мбит/с',
    'monitoring.indicator.downloadMeasuredMedian': 'Медиана измеренной скорости загрузки, Мбит/с',
    'monitoring.indicator.measuredToContracted': 'Измеренная скорость как доля договорной',
    'monitoring.indicator.devicesWorking': 'Исправные устройства',
    'monitoring.indicator.devicesPastEndOfLife': 'Устройства с истёкшим сроком службы',
    'monitoring.indicator.ictTrainedTeachers': 'Учителя, обученные ИКТ',
    'monitoring.indicator.project': 'Школы, участвующие в проекте «{project}»',
    'monitoring.indicator.reporting': 'Школы с записью за год',
    'monitoring.indicator.recordsVerified': 'Записи, подтверждённые регионом',
    'monitoring.indicator.completeness': 'Полнота данных',
    'monitoring.indicator.freshnessDays': 'Дней с последнего сохранения записи',
    'monitoring.group.urban': 'Городские',
    'monitoring.group.rural': 'Сельские',
    'monitoring.group.public': 'Государственные',
    'monitoring.group.private': 'Частные',
    'monitoring.group.none': 'Вне групп',
    ...prefixed('monitoring.linkType.', LINK_TYPE_NAMES.ru),
  },
});

/** How an indicator is made: a share (0–1), a ratio, a median or a mean. */
export type IndicatorKind = 'share' | 'ratio' | 'median' | 'mean';

type Figure = { value: number | null; numerator: number | null; denominator: number };

const SOURCES = {
  sdg: 'UNESCO UIS, SDG 4.a.1 metadata',
  ed4bis: 'UNESCO UIS, ICT in education indicator ED4bis (learner-to-computer ratio)',
  ed25: 'UNESCO UIS, ICT in education indicator ED25 (learners per computer connected to the Internet), approximated',
  ed38: 'UNESCO UIS, ICT in education indicator ED38 (ICT-qualified teachers)',
  giga: 'UNICEF/ITU Giga, school connectivity status',
  registry: 'Maktab registry',
} as const;

interface Indicator {
  id: string;
  kind: IndicatorKind;
  source: keyof typeof SOURCES;
  /** The message code of its name, and its parameters. */
  name: (locale: Locale) => string;
  figure: (a: store.Aggregate) => Figure;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const share = (numerator: number, denominator: number): Figure => ({
  value: denominator > 0 ? round(numerator / denominator, 4) : null,
  numerator,
  denominator,
});
const ratio = (numerator: number, denominator: number): Figure => ({
  value: denominator > 0 ? round(numerator / denominator, 2) : null,
  numerator: round(numerator, 2),
  denominator: round(denominator, 2),
});
const median = (value: number | null, denominator: number): Figure => ({
  value: value === null ? null : round(value, 2),
  numerator: null,
  denominator,
});

const named =
  (code: string, params: (locale: Locale) => Record<string, unknown> = () => ({})) =>
  (locale: Locale) =>
    translate(locale, `monitoring.indicator.${code}`, params(locale));

/**
 * One SDG 4.a.1 part: over all of ISCED 1–3 (`id`), then at each ISCED level (`id.isced1` …), each a share of
 * all the schools at that level. `count` gives the numerators in the order of `Aggregate.uisSchools`.
 */
function sdg4a1(id: string, count: (a: store.Aggregate) => number[]): Indicator[] {
  return [0, ...store.UIS_LEVELS].map((h) => ({
    id: h === 0 ? id : `${id}.isced${h}`,
    kind: 'share',
    source: 'sdg',
    name:
      h === 0
        ? named(id)
        : named(`${id}At`, (locale) => ({ level: translate(locale, `monitoring.isced.${h}`) })),
    figure: (a) => share(count(a)[h] ?? 0, a.uisSchools[h] ?? 0),
  }));
}

/** The indicators, in the order dashboards and CSV files list them; projects come from the registry's list. */
function indicators(
  projects: { id: number; code: string; nameAz: string; nameRu: string; nameEn: string }[],
) {
  const list: Indicator[] = [
    // SDG 4.a.1 as UIS defines it: over every school at the level, with a record or not.
    ...sdg4a1('electricity', (a) => a.uisElectricity),
    ...sdg4a1('internetTeaching', (a) => a.uisInternet),
    ...sdg4a1('computersTeaching', (a) => a.uisComputers),
    ...sdg4a1('noRecord', (a) => a.uisNoRecord),
    {
      id: 'learnersPerComputer',
      kind: 'ratio',
      source: 'ed4bis',
      name: named('learnersPerComputer'),
      figure: (a) => ratio(a.learners, a.computers),
    },
    {
      id: 'learnersPerComputerShift',
      kind: 'ratio',
      source: 'registry',
      name: named('learnersPerComputerShift'),
      figure: (a) => ratio(a.largestShift, a.workingComputers),
    },
    {
      id: 'learnersPerConnectedComputer',
      kind: 'ratio',
      source: 'ed25',
      name: named('learnersPerConnectedComputer'),
      figure: (a) => ratio(a.connectedLearners, a.connectedComputers),
    },
    {
      id: 'connected',
      kind: 'share',
      source: 'registry',
      name: named('connected'),
      figure: (a) => share(a.connected, a.reporting),
    },
    ...LINK_TYPES.map((type, i): Indicator => ({
      id: `connectedBy.${type}`,
      kind: 'share',
      source: 'registry',
      name: named('connectedBy', (locale) => ({ type: translate(locale, `monitoring.linkType.${type}`) })),
      figure: (a) => share(a.linkTypes[i] ?? 0, a.reporting),
    })),
    {
      id: 'educationNetwork',
      kind: 'share',
      source: 'registry',
      name: named('educationNetwork'),
      figure: (a) => share(a.educationNetwork, a.reporting),
    },
    {
      id: 'measured',
      kind: 'share',
      source: 'giga',
      name: named('measured'),
      figure: (a) => share(a.measured, a.schools),
    },
    {
      id: 'meetingBenchmark',
      kind: 'share',
      source: 'giga',
      name: named('meetingBenchmark'),
      figure: (a) => share(a.good, a.measured),
    },
    {
      id: 'status.good',
      kind: 'share',
      source: 'giga',
      name: named('status.good'),
      figure: (a) => share(a.good, a.schools),
    },
    {
      id: 'status.moderate',
      kind: 'share',
      source: 'giga',
      name: named('status.moderate'),
      figure: (a) => share(a.moderate, a.schools),
    },
    {
      id: 'status.bad',
      kind: 'share',
      source: 'giga',
      name: named('status.bad'),
      figure: (a) => share(a.bad, a.schools),
    },
    {
      id: 'status.unknown',
      kind: 'share',
      source: 'giga',
      name: named('status.unknown'),
      figure: (a) => share(a.schools - a.measured, a.schools),
    },
    {
      id: 'contractedMeetingBenchmark',
      kind: 'share',
      source: 'giga',
      name: named('contractedMeetingBenchmark'),
      figure: (a) => share(a.contractedMeeting, a.reporting),
    },
    {
      id: 'downloadContractedMedian',
      kind: 'median',
      source: 'giga',
      name: named('downloadContractedMedian'),
      figure: (a) => median(a.contractedMedian, a.contractedCount),
    },
    {
      id: 'downloadMeasuredMedian',
      kind: 'median',
      source: 'giga',
      name: named('downloadMeasuredMedian'),
      figure: (a) => median(a.measuredMedian, a.measured),
    },
    {
      id: 'measuredToContracted',
      kind: 'ratio',
      source: 'giga',
      name: named('measuredToContracted'),
      figure: (a) => ratio(a.measuredSum, a.contractedSum),
    },
    {
      id: 'devicesWorking',
      kind: 'share',
      source: 'registry',
      name: named('devicesWorking'),
      figure: (a) => share(a.devicesWorking, a.devices),
    },
    {
      id: 'devicesPastEndOfLife',
      kind: 'share',
      source: 'registry',
      name: named('devicesPastEndOfLife'),
      figure: (a) => share(a.itemsPast, a.items),
    },
    {
      id: 'ictTrainedTeachers',
      kind: 'share',
      source: 'ed38',
      name: named('ictTrainedTeachers'),
      figure: (a) => share(a.trained, a.trainedOf),
    },
    ...projects.map((p, i): Indicator => ({
      id: `project.${p.code}`,
      kind: 'share',
      source: 'registry',
      name: named('project', (locale) => ({
        project: locale === 'az' ? p.nameAz : locale === 'ru' ? p.nameRu : p.nameEn,
      })),
      figure: (a) => share(a.projects[i] ?? 0, a.reporting),
    })),
    {
      id: 'reporting',
      kind: 'share',
      source: 'registry',
      name: named('reporting'),
      figure: (a) => share(a.reporting, a.schools),
    },
    {
      id: 'recordsVerified',
      kind: 'share',
      source: 'registry',
      name: named('recordsVerified'),
      figure: (a) => share(a.verified, a.reporting),
    },
    {
      id: 'completeness',
      kind: 'share',
      source: 'registry',
      name: named('completeness'),
      figure: (a) => share(a.filled, store.COMPLETENESS_FIELDS * a.schools),
    },
    {
      id: 'freshnessDays',
      kind: 'mean',
      source: 'registry',
      name: named('freshnessDays'),
      figure: (a) => ratio(a.ageDays, a.reporting),
    },
  ];
  return list;
}

/** Who asks: a signed-in person (scoped by their grants), or anyone (open data, the whole country). */
export type Asker = Actor | null;

/**
 * The areas a question covers: the area asked for (the route has checked the caller may see it), else the
 * whole country for national staff and open data, else the caller's own areas.
 */
export function areasFor(asker: Asker, areaId: number | undefined): number[] | null {
  if (areaId !== undefined) return [areaId];
  if (asker === null || allows(asker, ['admin', 'bureau'])) return null;
  return grantsOf(asker, ['regional']).flatMap((g) => (g.areaId === null ? [] : [g.areaId]));
}

/** The year asked for by its code, or the current one. */
async function yearOf(db: Db, code: string | undefined): Promise<store.YearRow> {
  const years = await store.listYears(db);
  const year = code === undefined ? years.find((y) => y.isCurrent) : years.find((y) => y.code === code);
  if (!year) throw notFound('academic_year');
  return year;
}

/** The labels of a question's groups and of its whole selection. */
async function labelsFor(db: Db, by: store.Dimension) {
  const [areas, levels] = await Promise.all([
    store.areaLabels(db),
    by === 'level' ? store.levelLabels(db) : Promise.resolve([]),
  ]);
  return { areas, levels };
}

type Group = IndicatorTable['total'];
type Labels = Awaited<ReturnType<typeof labelsFor>>;

const allLocales = (code: string) => ({
  nameAz: translate('az', code),
  nameRu: translate('ru', code),
  nameEn: translate('en', code),
});

/** A group's identity: key, area, code and names in the three languages. */
function identify(by: store.Dimension, key: string | null, labels: Labels) {
  // Schools that fall in no group, e.g. an institution placed directly under a region, by district.
  if (key === null) return { key, areaId: null, code: null, ...allLocales('monitoring.group.none') };
  switch (by) {
    case 'none':
    case 'region':
    case 'district':
    case 'area': {
      const area = labels.areas.find((a) => String(a.id) === key);
      if (!area) return { key, areaId: null, code: key, ...allLocales('monitoring.group.none') };
      const { id, code, nameAz, nameRu, nameEn } = area;
      return { key, areaId: id, code, nameAz, nameRu, nameEn };
    }
    case 'level': {
      const level = labels.levels.find((l) => l.code === key);
      return {
        key,
        areaId: null,
        code: key,
        nameAz: level?.nameAz ?? key,
        nameRu: level?.nameRu ?? key,
        nameEn: level?.nameEn ?? key,
      };
    }
    case 'locality':
    case 'ownership':
      return { key, areaId: null, code: key, ...allLocales(`monitoring.group.${key}`) };
  }
}

/** The whole selection's identity: the country, the one area asked for, or a caller's several areas. */
function selectionIdentity(labels: Labels, areaIds: number[] | null) {
  const chosen =
    areaIds === null
      ? labels.areas.filter((a) => a.parentId === null)
      : labels.areas.filter((a) => areaIds.includes(a.id));
  const join = (pick: (a: store.AreaLabel) => string) => chosen.map(pick).join(', ');
  return {
    key: null,
    areaId: chosen.length === 1 ? chosen[0]!.id : null,
    code: chosen.length === 1 ? chosen[0]!.code : null,
    nameAz: join((a) => a.nameAz),
    nameRu: join((a) => a.nameRu),
    nameEn: join((a) => a.nameEn),
  };
}

/** The order groups are listed in: areas as in the country pack, levels by position, then anything unnamed. */
function groupOrder(by: store.Dimension, labels: Labels) {
  const rank = (key: string | null): number => {
    if (key === null) return Number.MAX_SAFE_INTEGER;
    switch (by) {
      case 'level':
        return labels.levels.find((l) => l.code === key)?.position ?? Number.MAX_SAFE_INTEGER - 1;
      case 'locality':
        return key === 'urban' ? 0 : 1;
      case 'ownership':
        return key === 'public' ? 0 : 1;
      case 'none':
      case 'region':
      case 'district':
      case 'area':
        return labels.areas.findIndex((a) => String(a.id) === key);
    }
  };
  return (a: { key: string | null }, b: { key: string | null }) => rank(a.key) - rank(b.key);
}

interface Question {
  yearId: number;
  areaIds: number[] | null;
  kind?: store.InstitutionKind;
  by: store.Dimension;
}

/** Computes every indicator for one year: the whole selection and each group. */
async function compute(
  db: Db,
  q: Question,
  context: { benchmark: number; projects: Awaited<ReturnType<typeof store.projectLabels>>; labels: Labels },
): Promise<{ total: Group; groups: Group[] }> {
  const list = indicators(context.projects);
  const aggregates = await store.indicatorAggregates(
    db,
    {
      yearId: q.yearId,
      areaIds: q.areaIds,
      kind: q.kind,
      benchmarkMbps: context.benchmark,
      badBelowMbps: BAD_BELOW_MBPS,
    },
    q.by,
    context.projects.map((p) => p.id),
    q.by === 'area' ? q.areaIds : null,
  );
  const figures = (a: store.Aggregate) => Object.fromEntries(list.map((i) => [i.id, i.figure(a)]));
  const [whole, ...rest] = aggregates;
  const total: Group = {
    ...selectionIdentity(context.labels, q.areaIds),
    schools: whole!.schools,
    reporting: whole!.reporting,
    indicators: figures(whole!),
  };
  const groups = rest
    .map((a) => ({
      ...identify(q.by, a.grp, context.labels),
      schools: a.schools,
      reporting: a.reporting,
      indicators: figures(a),
    }))
    .sort(groupOrder(q.by, context.labels));
  return { total, groups };
}

function definitions(projects: Awaited<ReturnType<typeof store.projectLabels>>, locale: Locale) {
  return indicators(projects).map((i) => ({
    id: i.id,
    kind: i.kind,
    name: i.name(locale),
    source: SOURCES[i.source],
  }));
}

/** A year's indicators as computed, before they are put in the caller's language. */
interface Computed {
  year: store.YearRow;
  benchmark: number;
  projects: Awaited<ReturnType<typeof store.projectLabels>>;
  total: Group;
  groups: Group[];
}

// Computing the indicators reads the whole registry; the answer is kept until the registry changes. About
// a thousand questions (areas × breakdowns × kinds × years) cover every dashboard page there is.
const tables = new RevisionCache<Computed>(['registry'], 1000);
// A school list can hold every school of the country: fewer of them are kept.
const schoolLists = new RevisionCache<SchoolList>(['registry'], 50);
// The map of a selection: a few bytes a school, one per area and filter asked.
const schoolMaps = new RevisionCache<SchoolMap>(['registry'], 100);

/** The calendar day in UTC: freshness and end-of-life are counted to it, so answers are kept for one day at most. */
const today = () => new Date().toISOString().slice(0, 10);

/** The indicators of one year (by code, or the current one) for the areas given, kept while the registry holds. */
function computed(
  db: Db,
  q: { year?: string; by: store.Dimension; areaIds: number[] | null; kind?: store.InstitutionKind },
): Promise<Computed> {
  const key = JSON.stringify([q.year ?? null, q.by, q.areaIds, q.kind ?? null, today()]);
  return tables.get(db, key, async () => {
    const year = await yearOf(db, q.year);
    const [benchmark, projects, labels] = await Promise.all([
      benchmarkMbps(db),
      store.projectLabels(db),
      labelsFor(db, q.by),
    ]);
    const result = await compute(
      db,
      { yearId: year.id, areaIds: q.areaIds, kind: q.kind, by: q.by },
      { benchmark, projects, labels },
    );
    return { year, benchmark, projects, ...result };
  });
}

/** Every indicator for a year, for the selection and broken down by `by`. */
export async function indicatorTable(
  db: Db,
  asker: Asker,
  q: { year?: string; by?: store.Dimension; areaId?: number; kind?: store.InstitutionKind },
  locale: Locale,
): Promise<IndicatorTable> {
  const by = q.by ?? 'none';
  const c = await computed(db, { year: q.year, by, areaIds: areasFor(asker, q.areaId), kind: q.kind });
  return {
    year: c.year,
    by,
    benchmarkMbps: c.benchmark,
    definitions: definitions(c.projects, locale),
    total: c.total,
    groups: c.groups,
  };
}

/** Every indicator in every academic year up to the current one, oldest first. */
export async function trends(
  db: Db,
  asker: Asker,
  q: { by?: 'none' | 'region'; areaId?: number; kind?: store.InstitutionKind },
  locale: Locale,
): Promise<Trends> {
  const by = q.by ?? 'none';
  const all = await store.listYears(db);
  const current = all.find((y) => y.isCurrent);
  const years = current ? all.filter((y) => y.startsOn <= current.startsOn) : all;
  const areaIds = areasFor(asker, q.areaId);
  const out: Computed[] = [];
  for (const year of years) out.push(await computed(db, { year: year.code, by, areaIds, kind: q.kind }));
  const last = out[out.length - 1];
  return {
    by,
    benchmarkMbps: last?.benchmark ?? (await benchmarkMbps(db)),
    definitions: definitions(last?.projects ?? (await store.projectLabels(db)), locale),
    years: out.map((c) => ({ year: c.year, total: c.total, groups: c.groups })),
  };
}

type SchoolItem = SchoolList['items'][number];

const monitoredSchool = ({
  filled,
  ageDays,
  reporting: _,
  connected: __,
  ...s
}: store.SchoolRow): SchoolItem => ({
  ...s,
  completeness: round(filled / store.COMPLETENESS_FIELDS, 4),
  freshnessDays: ageDays,
});

const NAME_COLUMNS = { az: 'name_az', ru: 'name_ru', en: 'name_en' } as const;

/** The schools of a selection with their connectivity status, coordinates and the completeness of their record. */
export async function schools(
  db: Db,
  asker: Asker,
  q: {
    year?: string;
    areaId?: number;
    status?: store.ConnectivityStatus;
    kind?: store.InstitutionKind;
    locality?: 'urban' | 'rural';
    limit: number | null;
    offset: number;
    sort?: store.SchoolSort;
    q?: string;
  },
  locale: Locale = 'az',
): Promise<SchoolList> {
  const areaIds = areasFor(asker, q.areaId);
  const search = q.q?.trim() || undefined;
  const sort = q.sort ?? 'code';
  // Only a sort by name depends on the caller's language.
  const nameColumn = NAME_COLUMNS[locale];
  const key = JSON.stringify([
    q.year ?? null,
    areaIds,
    q.status,
    q.kind,
    q.locality,
    q.limit,
    q.offset,
    sort,
    search,
    sort.endsWith('name') ? nameColumn : null,
    today(),
  ]);
  return schoolLists.get(db, key, async () => {
    const year = await yearOf(db, q.year);
    const benchmark = await benchmarkMbps(db);
    const page = await store.schoolPage(
      db,
      {
        yearId: year.id,
        areaIds,
        kind: q.kind,
        locality: q.locality,
        benchmarkMbps: benchmark,
        badBelowMbps: BAD_BELOW_MBPS,
      },
      { status: q.status, q: search, sort, nameColumn, limit: q.limit, offset: q.offset },
    );
    return {
      year,
      benchmarkMbps: benchmark,
      total: page.total,
      items: page.items.map(monitoredSchool),
    };
  });
}

/**
 * One school as the school list shows it, for a dot clicked on the map. The route has checked the caller may
 * see the school; a school that is not active is not monitored (404).
 */
export async function school(
  db: Db,
  asker: Asker,
  institutionId: number,
  q: { year?: string },
): Promise<SchoolDetail> {
  const year = await yearOf(db, q.year);
  const benchmark = await benchmarkMbps(db);
  const page = await store.schoolPage(
    db,
    {
      yearId: year.id,
      areaIds: areasFor(asker, undefined),
      benchmarkMbps: benchmark,
      badBelowMbps: BAD_BELOW_MBPS,
    },
    { institutionId, limit: 1, offset: 0 },
  );
  const [row] = page.items;
  if (!row) throw notFound('institution');
  return { year, benchmarkMbps: benchmark, school: monitoredSchool(row) };
}

/** The schools of a selection as the map draws them: id, place and status in parallel arrays. */
export async function schoolMap(
  db: Db,
  asker: Asker,
  q: {
    year?: string;
    areaId?: number;
    status?: store.ConnectivityStatus;
    kind?: store.InstitutionKind;
    locality?: 'urban' | 'rural';
  },
): Promise<SchoolMap> {
  const areaIds = areasFor(asker, q.areaId);
  const key = JSON.stringify([q.year ?? null, areaIds, q.status, q.kind, q.locality, today()]);
  return schoolMaps.get(db, key, async () => {
    const year = await yearOf(db, q.year);
    const benchmark = await benchmarkMbps(db);
    const points = await store.schoolPoints(
      db,
      {
        yearId: year.id,
        areaIds,
        kind: q.kind,
        locality: q.locality,
        benchmarkMbps: benchmark,
        badBelowMbps: BAD_BELOW_MBPS,
      },
      { status: q.status },
    );
    const map: SchoolMap = {
      year: year.code,
      benchmarkMbps: benchmark,
      statuses: [...store.CONNECTIVITY_STATUSES],
      total: points.length,
      id: [],
      lat: [],
      lon: [],
      status: [],
    };
    for (const p of points) {
      if (p.latitude === null || p.longitude === null) continue;
      map.id.push(p.id);
      map.lat.push(p.latitude);
      map.lon.push(p.longitude);
      map.status.push(store.CONNECTIVITY_STATUSES.indexOf(p.status));
    }
    return map;
  });
}

/** The open-data list of schools: no person, only what a school is, where, and what it has. */
/** Open data in Giga's names: the schools in Giga's school master schema (CSV), of the country or an area. */
export async function openGigaSchools(
  db: Db,
  q: { year?: string; area?: string },
  locale: Locale,
): Promise<OutFile> {
  let areaId: number | undefined;
  if (q.area !== undefined) {
    const area = await store.findAreaByCode(db, q.area);
    if (!area) throw notFound('area');
    areaId = area.id;
  }
  return gigaMaster(db, { year: q.year, areaId }, locale);
}

export async function openSchools(
  db: Db,
  q: {
    year?: string;
    area?: string;
    kind?: store.InstitutionKind;
    locality?: 'urban' | 'rural';
    status?: store.ConnectivityStatus;
    limit: number;
    offset: number;
  },
): Promise<OpenSchoolList> {
  let areaId: number | undefined;
  if (q.area !== undefined) {
    const area = await store.findAreaByCode(db, q.area);
    if (!area) throw notFound('area');
    areaId = area.id;
  }
  const list = await schools(db, null, { ...q, areaId, limit: q.limit });
  return {
    year: list.year.code,
    benchmarkMbps: list.benchmarkMbps,
    total: list.total,
    items: list.items.map((s) => ({
      code: s.code,
      nameAz: s.nameAz,
      nameRu: s.nameRu,
      nameEn: s.nameEn,
      kind: s.kind,
      areaCode: s.areaCode,
      districtCode: s.districtCode,
      regionCode: s.regionCode,
      latitude: s.latitude,
      longitude: s.longitude,
      locality: s.locality,
      connectivityStatus: s.status,
      internet: s.internet,
      electricity: s.electricity,
      computers: s.computers === null ? null : s.computers > 0,
    })),
  };
}

/** The open-data indicators: national, and by region when asked; aggregates only. */
export async function openIndicators(
  db: Db,
  q: { year?: string; by?: 'none' | 'region' },
  locale: Locale,
): Promise<IndicatorTable> {
  return indicatorTable(db, null, { year: q.year, by: q.by ?? 'none' }, locale);
}
