import type { Db } from '@/server/db/database';
import { AppError } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { schoolToday } from '@/modules/classroom/classroom.service';
import { listAcademicYears } from '@/modules/institutions/institutions.store';
import { openIndicators } from '@/modules/monitoring/monitoring.service';
import { nationalIctTrained } from '@/modules/training/training.needs.service';
import { filterFigures } from '@/modules/safety/safety.public';
import * as store from '@/modules/policy/policy.figures.store';

/**
 * The live figures catalogue: every figure the registry's targets measure progress by and the country profile
 * quotes, computed afresh from the platform on each call — the ICT registry (through monitoring's indicators,
 * which are recomputed as soon as a record changes), the training indicators, the library, the virtual
 * school's accounts, the webinars, the content filter and the policy registry itself. Each figure carries its label, value and
 * unit, its source, the day it is true of, and the query that produced it, in the caller's language.
 */

/** The figures, in the order a catalogue lists them. A target's `indicator` is one of these keys. */
export const FIGURE_KEYS = [
  'institutions_active',
  'schools_connected',
  'schools_education_network',
  'schools_internet_teaching',
  'schools_computers_teaching',
  'schools_electricity',
  'schools_meeting_benchmark',
  'computers_teaching',
  'learners_per_computer',
  'teachers_ict_trained',
  'teachers_ict_trained_share',
  'library_resources',
  'library_video_lessons',
  'library_e_textbooks',
  'virtual_school_users',
  'virtual_school_active',
  'webinars_held',
  'webinar_attendances',
  'filter_categories',
  'policies_in_force',
  'partnerships',
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

/** How a value reads: a count (schools, teachers…), a share (0–1, shown as a percentage), or learners per one. */
export type FigureUnit = 'count' | 'share' | 'ratio';

/** One live figure, as the registry, the profile and their JSON show it. */
export interface LiveFigure {
  key: FigureKey;
  /** What it counts, in the caller's language. */
  label: string;
  /** Null when there is nothing to count yet (no academic year, no schools). */
  value: number | null;
  unit: FigureUnit;
  /** What one unit is (schools, teachers, learners per computer), in the caller's language. */
  unitLabel: string;
  /** For shares and ratios, what it is made of; null for plain counts. */
  numerator: number | null;
  denominator: number | null;
  /** Where it comes from (the module and standard, and the academic year), in the caller's language. */
  source: string;
  /** The day the figure is true of (YYYY-MM-DD): today, or the last day of a past academic year. */
  asOf: string;
  /** How it was computed, in words, in the caller's language. */
  query: string;
  /** The query itself: the service call or SQL that produced it. */
  sql: string;
  /** The sections of the PEER profile outline it belongs to. */
  topics: string[];
}

type Group = 'monitoring' | 'training' | 'library' | 'accounts' | 'webinars' | 'filter' | 'policy';

interface Definition {
  group: Group;
  unit: FigureUnit;
  /** The unit's message code (`policy.figureUnit.<code>`). */
  unitCode:
    | 'schools'
    | 'institutions'
    | 'computers'
    | 'learnersPerComputer'
    | 'teachers'
    | 'resources'
    | 'users'
    | 'webinars'
    | 'attendances'
    | 'categories'
    | 'documents'
    | 'partnerships'
    | 'share';
  sql: string;
  topics: string[];
}

const MONITORING = (path: string) =>
  `monitoring.openIndicators(db, { by: 'none' }) → total.${path}; computed by monitoring.store.indicatorAggregates over institutions_institution (status = 'active') left join infrastructure_school_year of the current academic year`;

const DEFINITIONS: Record<FigureKey, Definition> = {
  institutions_active: {
    group: 'monitoring',
    unit: 'count',
    unitCode: 'institutions',
    sql: MONITORING('schools'),
    topics: ['2.2', '3.2'],
  },
  schools_connected: {
    group: 'monitoring',
    unit: 'count',
    unitCode: 'schools',
    sql: MONITORING('indicators.connected.numerator (records of the year with an internet link)'),
    topics: ['2.2'],
  },
  schools_education_network: {
    group: 'monitoring',
    unit: 'count',
    unitCode: 'schools',
    sql: MONITORING('indicators.educationNetwork.numerator (records of the year on the education network)'),
    topics: ['2.2', '2.4', '3.1'],
  },
  schools_internet_teaching: {
    group: 'monitoring',
    unit: 'share',
    unitCode: 'share',
    sql: MONITORING(
      'indicators.internetTeaching (SDG 4.a.1 b: schools at ISCED 1–3 with internet for teaching / all schools at ISCED 1–3)',
    ),
    topics: ['2.2'],
  },
  schools_computers_teaching: {
    group: 'monitoring',
    unit: 'share',
    unitCode: 'share',
    sql: MONITORING(
      'indicators.computersTeaching (SDG 4.a.1 c: schools at ISCED 1–3 with computers for teaching / all schools at ISCED 1–3)',
    ),
    topics: ['2.2'],
  },
  schools_electricity: {
    group: 'monitoring',
    unit: 'share',
    unitCode: 'share',
    sql: MONITORING('indicators.electricity (SDG 4.a.1 a)'),
    topics: ['2.2'],
  },
  schools_meeting_benchmark: {
    group: 'monitoring',
    unit: 'count',
    unitCode: 'schools',
    sql: MONITORING(
      "indicators['status.good'].numerator (measured download at or above the benchmark speed)",
    ),
    topics: ['2.2'],
  },
  computers_teaching: {
    group: 'monitoring',
    unit: 'count',
    unitCode: 'computers',
    sql: MONITORING(
      'indicators.learnersPerComputer.denominator (sum of computers for teaching in the records of the year)',
    ),
    topics: ['2.2'],
  },
  learners_per_computer: {
    group: 'monitoring',
    unit: 'ratio',
    unitCode: 'learnersPerComputer',
    sql: MONITORING(
      'indicators.learnersPerComputer (UIS ED4bis: sum of learners / sum of computers for teaching)',
    ),
    topics: ['2.2'],
  },
  teachers_ict_trained: {
    group: 'training',
    unit: 'count',
    unitCode: 'teachers',
    sql: "training.needs.nationalIctTrained(db) → ictTrainedCount (training.needs.store.indicatorsBySchool, the whole country); per school, teachers with ICT training up to the reference day from training_enrolment (completed), training_external (verified) and training_history_record, else the registry's teachers_ict_trained, never above the school's teachers",
    topics: ['2.3'],
  },
  teachers_ict_trained_share: {
    group: 'training',
    unit: 'share',
    unitCode: 'share',
    sql: 'training.needs.nationalIctTrained(db) → ictTrained (UIS ED38: ICT-trained teachers / teachers)',
    topics: ['2.3'],
  },
  library_resources: {
    group: 'library',
    unit: 'count',
    unitCode: 'resources',
    sql: "select count(*) from library_resource where state = 'published'",
    topics: ['2.2', '3.2'],
  },
  library_video_lessons: {
    group: 'library',
    unit: 'count',
    unitCode: 'resources',
    sql: "select count(*) from library_resource where state = 'published' and type in ('video_lesson', 'tv_lesson')",
    topics: ['2.2'],
  },
  library_e_textbooks: {
    group: 'library',
    unit: 'count',
    unitCode: 'resources',
    sql: "select count(*) from library_resource where state = 'published' and type = 'e_textbook'",
    topics: ['2.2'],
  },
  virtual_school_users: {
    group: 'accounts',
    unit: 'count',
    unitCode: 'users',
    sql: "select count(*) from identity_user u where u.status = 'active' and exists (select 1 from identity_role_grant g where g.user_id = u.id and g.role in ('student', 'teacher'))",
    topics: ['2.2', '3.2'],
  },
  virtual_school_active: {
    group: 'accounts',
    unit: 'count',
    unitCode: 'users',
    sql: "select count(*) from identity_user u where u.status = 'active' and u.last_active_on >= <first day of the academic year> and exists (select 1 from identity_role_grant g where g.user_id = u.id and g.role in ('student', 'teacher'))",
    topics: ['2.2', '3.2'],
  },
  webinars_held: {
    group: 'webinars',
    unit: 'count',
    unitCode: 'webinars',
    sql: 'select count(*) from webinars_webinar where not cancelled and starts_at within the academic year',
    topics: ['2.3'],
  },
  webinar_attendances: {
    group: 'webinars',
    unit: 'count',
    unitCode: 'attendances',
    sql: 'select count(*) from webinars_registration r join (webinars held in the academic year) h on h.id = r.webinar_id where r.attended',
    topics: ['2.3'],
  },
  filter_categories: {
    group: 'filter',
    unit: 'count',
    unitCode: 'categories',
    sql: "safety.public.filterFigures(db) → blockedCategories: select count(distinct c) from safety_policy p, unnest(p.categories) c where p.area_id is null and p.code in ('primary', 'secondary')",
    topics: ['2.4'],
  },
  policies_in_force: {
    group: 'policy',
    unit: 'count',
    unitCode: 'documents',
    sql: "select count(*) from policy_document where status = 'in_force'",
    topics: ['2.1'],
  },
  partnerships: {
    group: 'policy',
    unit: 'count',
    unitCode: 'partnerships',
    sql: 'select count(*) from policy_partnership',
    topics: ['3.1'],
  },
};

defineMessages({
  en: {
    'policy.figure.institutions_active': 'Active general-education institutions',
    'policy.figure.schools_connected': 'Schools connected to the internet',
    'policy.figure.schools_education_network': 'Schools on the education network',
    'policy.figure.schools_internet_teaching': 'Schools with internet for teaching (SDG 4.a.1 b)',
    'policy.figure.schools_computers_teaching': 'Schools with computers for teaching (SDG 4.a.1 c)',
    'policy.figure.schools_electricity': 'Schools with regular electricity (SDG 4.a.1 a)',
    'policy.figure.schools_meeting_benchmark': 'Schools whose measured speed meets the benchmark',
    'policy.figure.computers_teaching': 'Computers for teaching in schools',
    'policy.figure.learners_per_computer': 'Learners per computer for teaching (ED4bis)',
    'policy.figure.teachers_ict_trained': 'Teachers trained in ICT',
    'policy.figure.teachers_ict_trained_share': 'Share of teachers trained in ICT (ED38)',
    'policy.figure.library_resources': 'Resources in the national digital library',
    'policy.figure.library_video_lessons': 'Video and TV lessons in the digital library',
    'policy.figure.library_e_textbooks': 'E-textbooks in the digital library',
    'policy.figure.virtual_school_users': 'Virtual school users (students and teachers)',
    'policy.figure.virtual_school_active': 'Virtual school users active this academic year',
    'policy.figure.webinars_held': 'Webinars for teachers held this academic year',
    'policy.figure.webinar_attendances': 'Webinar attendances this academic year',
    'policy.figure.filter_categories': 'The education network filters',
    'policy.figure.policies_in_force': 'Education technology policies in force',
    'policy.figure.partnerships': 'Partnerships with companies and organisations',
    'policy.figureUnit.schools': 'schools',
    'policy.figureUnit.institutions': 'institutions',
    'policy.figureUnit.computers': 'computers',
    'policy.figureUnit.learnersPerComputer': 'learners per computer',
    'policy.figureUnit.teachers': 'teachers',
    'policy.figureUnit.resources': 'resources',
    'policy.figureUnit.users': 'users',
    'policy.figureUnit.webinars': 'webinars',
    'policy.figureUnit.attendances': 'attendances',
    'policy.figureUnit.categories': 'categories of content',
    'policy.figureUnit.documents': 'documents',
    'policy.figureUnit.partnerships': 'partnerships',
    'policy.figureUnit.share': 'per cent',
    'policy.figureSource.monitoring':
      'Maktab, school ICT registry (monitoring indicators), academic year {year}',
    'policy.figureSource.training':
      'Maktab, teacher training records and ICT registry (UIS ED38), academic year {year}',
    'policy.figureSource.library': 'Maktab, national digital library',
    'policy.figureSource.accounts': 'Maktab, virtual school accounts',
    'policy.figureSource.webinars': 'Maktab, webinars for teachers, academic year {year}',
    'policy.figureSource.filter':
      'Maktab, content filter of the education network (national pupils’ policies)',
    'policy.figureSource.policy': 'Maktab, registry of policies',
    'policy.figureQuery.monitoring':
      'Counted over every active institution from its ICT registry record for the academic year; recomputed as soon as a record changes.',
    'policy.figureQuery.training':
      'Per school: teachers with completed ICT training (courses, verified certificates, past records), else the figure in the school’s registry record, never more than its teachers.',
    'policy.figureQuery.library': 'Published resources of the library counted today.',
    'policy.figureQuery.accounts':
      'Active accounts of students and teachers; “active this year” means used since the first day of the academic year.',
    'policy.figureQuery.webinars':
      'Webinars not cancelled that started within the academic year, and the attendances recorded at them.',
    'policy.figureQuery.filter':
      'The categories of content blocked by the national policies for primary and secondary pupils, each counted once, today.',
    'policy.figureQuery.policy': 'Entries of the registry of policies counted today.',
    'policy.figureZero.filter_categories': 'no categories configured in the filter yet',
  },
  az: {
    'policy.figure.institutions_active': 'Fəaliyyətdə olan ümumi təhsil müəssisələri',
    'policy.figure.schools_connected': 'İnternetə qoşulmuş məktəblər',
    'policy.figure.schools_education_network': 'Təhsil şəbəkəsinə qoşulmuş məktəblər',
    'policy.figure.schools_internet_teaching': 'Tədris üçün interneti olan məktəblər (DİM 4.a.1 b)',
    'policy.figure.schools_computers_teaching': 'Tədris üçün kompüteri olan məktəblər (DİM 4.a.1 c)',
    'policy.figure.schools_electricity': 'Müntəzəm elektriki olan məktəblər (DİM 4.a.1 a)',
    'policy.figure.schools_meeting_benchmark': 'Ölçülmüş sürəti etalona çatan məktəblər',
    'policy.figure.computers_teaching': 'Məktəblərdə tədris kompüterləri',
    'policy.figure.learners_per_computer': 'Bir tədris kompüterinə düşən şagird (ED4bis)',
    'policy.figure.teachers_ict_trained': 'İKT üzrə hazırlıq keçmiş müəllimlər',
    'policy.figure.teachers_ict_trained_share': 'İKT üzrə hazırlıq keçmiş müəllimlərin payı (ED38)',
    'policy.figure.library_resources': 'Milli elektron kitabxananın resursları',
    'policy.figure.library_video_lessons': 'Elektron kitabxanada video və teledərslər',
    'policy.figure.library_e_textbooks': 'Elektron kitabxanada elektron dərsliklər',
    'policy.figure.virtual_school_users': 'Virtual məktəbin istifadəçiləri (şagird və müəllimlər)',
    'policy.figure.virtual_school_active': 'Bu tədris ilində fəal olan virtual məktəb istifadəçiləri',
    'policy.figure.webinars_held': 'Bu tədris ilində müəllimlər üçün keçirilmiş vebinarlar',
    'policy.figure.webinar_attendances': 'Bu tədris ilində vebinarlarda iştirak',
    'policy.figure.filter_categories': 'Təhsil şəbəkəsi süzgəcdən keçirir',
    'policy.figure.policies_in_force': 'Qüvvədə olan təhsil texnologiyaları siyasət sənədləri',
    'policy.figure.partnerships': 'Şirkət və təşkilatlarla tərəfdaşlıqlar',
    'policy.figureUnit.schools': 'məktəb',
    'policy.figureUnit.institutions': 'müəssisə',
    'policy.figureUnit.computers': 'kompüter',
    'policy.figureUnit.learnersPerComputer': 'bir kompüterə şagird',
    'policy.figureUnit.teachers': 'müəllim',
    'policy.figureUnit.resources': 'resurs',
    'policy.figureUnit.users': 'istifadəçi',
    'policy.figureUnit.webinars': 'vebinar',
    'policy.figureUnit.attendances': 'iştirak',
    'policy.figureUnit.categories': 'məzmun kateqoriyası',
    'policy.figureUnit.documents': 'sənəd',
    'policy.figureUnit.partnerships': 'tərəfdaşlıq',
    'policy.figureUnit.share': 'faiz',
    'policy.figureSource.monitoring':
      'Maktab, məktəblərin İKT reyestri (monitorinq göstəriciləri), {year} tədris ili',
    'policy.figureSource.training':
      'Maktab, müəllim hazırlığı qeydləri və İKT reyestri (UIS ED38), {year} tədris ili',
    'policy.figureSource.library': 'Maktab, milli elektron kitabxana',
    'policy.figureSource.accounts': 'Maktab, virtual məktəbin hesabları',
    'policy.figureSource.webinars': 'Maktab, müəllimlər üçün vebinarlar, {year} tədris ili',
    'policy.figureSource.filter':
      'Maktab, təhsil şəbəkəsinin məzmun süzgəci (şagirdlər üçün milli siyasətlər)',
    'policy.figureSource.policy': 'Maktab, siyasət sənədləri reyestri',
    'policy.figureQuery.monitoring':
      'Hər fəaliyyətdə olan müəssisənin tədris ili üzrə İKT reyestri qeydindən sayılır; qeyd dəyişən kimi yenidən hesablanır.',
    'policy.figureQuery.training':
      'Hər məktəb üzrə: İKT hazırlığını başa vurmuş müəllimlər (kurslar, təsdiqlənmiş sertifikatlar, keçmiş qeydlər), yoxdursa məktəbin reyestr qeydindəki rəqəm, müəllimlərinin sayından çox olmamaqla.',
    'policy.figureQuery.library': 'Kitabxananın dərc olunmuş resursları bu gün üzrə sayılır.',
    'policy.figureQuery.accounts':
      'Şagird və müəllimlərin fəal hesabları; «bu il fəal» tədris ilinin ilk günündən bəri istifadə etmiş deməkdir.',
    'policy.figureQuery.webinars':
      'Tədris ili ərzində başlamış, ləğv edilməmiş vebinarlar və onlarda qeydə alınmış iştirak.',
    'policy.figureQuery.filter':
      'İbtidai və orta sinif şagirdləri üçün milli siyasətlərin blokladığı məzmun kateqoriyaları, hər biri bir dəfə, bu gün üzrə sayılır.',
    'policy.figureQuery.policy': 'Siyasət sənədləri reyestrinin qeydləri bu gün üzrə sayılır.',
    'policy.figureZero.filter_categories': 'süzgəcdə hələ heç bir kateqoriya qurulmayıb',
  },
  ru: {
    'policy.figure.institutions_active': 'Действующие общеобразовательные учреждения',
    'policy.figure.schools_connected': 'Школы, подключённые к интернету',
    'policy.figure.schools_education_network': 'Школы в образовательной сети',
    'policy.figure.schools_internet_teaching': 'Школы с интернетом для обучения (ЦУР 4.a.1 b)',
    'policy.figure.schools_computers_teaching': 'Школы с компьютерами для обучения (ЦУР 4.a.1 c)',
    'policy.figure.schools_electricity': 'Школы с регулярным электроснабжением (ЦУР 4.a.1 a)',
    'policy.figure.schools_meeting_benchmark': 'Школы, где измеренная скорость достигает эталона',
    'policy.figure.computers_teaching': 'Учебные компьютеры в школах',
    'policy.figure.learners_per_computer': 'Учащихся на один учебный компьютер (ED4bis)',
    'policy.figure.teachers_ict_trained': 'Учителя, обученные ИКТ',
    'policy.figure.teachers_ict_trained_share': 'Доля учителей, обученных ИКТ (ED38)',
    'policy.figure.library_resources': 'Ресурсы национальной электронной библиотеки',
    'policy.figure.library_video_lessons': 'Видео- и телеуроки в электронной библиотеке',
    'policy.figure.library_e_textbooks': 'Электронные учебники в электронной библиотеке',
    'policy.figure.virtual_school_users': 'Пользователи виртуальной школы (учащиеся и учителя)',
    'policy.figure.virtual_school_active': 'Пользователи виртуальной школы, активные в этом учебном году',
    'policy.figure.webinars_held': 'Вебинары для учителей, проведённые в этом учебном году',
    'policy.figure.webinar_attendances': 'Посещения вебинаров в этом учебном году',
    'policy.figure.filter_categories': 'Образовательная сеть фильтрует',
    'policy.figure.policies_in_force': 'Действующие документы политики в области образовательных технологий',
    'policy.figure.partnerships': 'Партнёрства с компаниями и организациями',
    'policy.figureUnit.schools': 'школ',
    'policy.figureUnit.institutions': 'учреждений',
    'policy.figureUnit.computers': 'компьютеров',
    'policy.figureUnit.learnersPerComputer': 'учащихся на компьютер',
    'policy.figureUnit.teachers': 'учителей',
    'policy.figureUnit.resources': 'ресурсов',
    'policy.figureUnit.users': 'пользователей',
    'policy.figureUnit.webinars': 'вебинаров',
    'policy.figureUnit.attendances': 'посещений',
    'policy.figureUnit.categories': 'категорий содержимого',
    'policy.figureUnit.documents': 'документов',
    'policy.figureUnit.partnerships': 'партнёрств',
    'policy.figureUnit.share': 'процентов',
    'policy.figureSource.monitoring': 'Maktab, реестр ИКТ школ (показатели мониторинга), {year} учебный год',
    'policy.figureSource.training':
      'Maktab, записи о подготовке учителей и реестр ИКТ (UIS ED38), {year} учебный год',
    'policy.figureSource.library': 'Maktab, национальная электронная библиотека',
    'policy.figureSource.accounts': 'Maktab, учётные записи виртуальной школы',
    'policy.figureSource.webinars': 'Maktab, вебинары для учителей, {year} учебный год',
    'policy.figureSource.filter':
      'Maktab, контентный фильтр образовательной сети (национальные политики для учащихся)',
    'policy.figureSource.policy': 'Maktab, реестр документов политики',
    'policy.figureQuery.monitoring':
      'Подсчитано по каждому действующему учреждению по его записи в реестре ИКТ за учебный год; пересчитывается сразу после изменения записи.',
    'policy.figureQuery.training':
      'По каждой школе: учителя, завершившие подготовку по ИКТ (курсы, подтверждённые сертификаты, прошлые записи), иначе число из записи школы в реестре, но не больше числа её учителей.',
    'policy.figureQuery.library': 'Опубликованные ресурсы библиотеки на сегодня.',
    'policy.figureQuery.accounts':
      'Активные учётные записи учащихся и учителей; «активные в этом году» — пользовавшиеся с первого дня учебного года.',
    'policy.figureQuery.webinars':
      'Неотменённые вебинары, начавшиеся в учебном году, и отмеченные на них посещения.',
    'policy.figureQuery.filter':
      'Категории содержимого, которые блокируют национальные политики для учащихся начальных и старших классов, каждая один раз, на сегодня.',
    'policy.figureQuery.policy': 'Записи реестра документов политики на сегодня.',
    'policy.figureZero.filter_categories': 'в фильтре ещё не настроено ни одной категории',
  },
});

/** Whether a string is a key of the catalogue (a target's indicator must be). */
export function isFigureKey(value: unknown): value is FigureKey {
  return typeof value === 'string' && (FIGURE_KEYS as readonly string[]).includes(value);
}

/** Figures whose zero reads better as words (the filter with no category yet); null for the others. */
const ZERO_READS: Partial<Record<FigureKey, true>> = { filter_categories: true };

/** How a figure's zero reads in a language, when it has words of its own; null otherwise. */
export function zeroReading(locale: Locale, key: string): string | null {
  return ZERO_READS[key as FigureKey] ? translate(locale, `policy.figureZero.${key}`) : null;
}

/** A figure's name in a language. */
export function figureLabel(locale: Locale, key: FigureKey): string {
  return translate(locale, `policy.figure.${key}`);
}

/** The catalogue's keys with their names and units, without computing anything (for pickers). */
export function figureCatalogue(
  locale: Locale,
): { key: FigureKey; label: string; unit: FigureUnit; unitLabel: string }[] {
  return FIGURE_KEYS.map((key) => ({
    key,
    label: figureLabel(locale, key),
    unit: DEFINITIONS[key].unit,
    unitLabel: translate(locale, `policy.figureUnit.${DEFINITIONS[key].unitCode}`),
  }));
}

type Value = { value: number | null; numerator: number | null; denominator: number | null };
type Computed = { values: Partial<Record<FigureKey, Value>>; asOf: string; year: string | null };

const count = (n: number | null | undefined): Value => ({
  value: n ?? null,
  numerator: null,
  denominator: null,
});
const part = (
  f: { value: number | null; numerator: number | null; denominator: number } | undefined,
): Value => (f ? { value: f.value, numerator: f.numerator, denominator: f.denominator } : count(null));

/** A missing current academic year leaves the year's figures empty rather than failing the whole catalogue. */
async function orNoYear<T>(work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && error.status === 404) return null;
    throw error;
  }
}

const reference = (today: string, endsOn: string) => (endsOn < today ? endsOn : today);

async function computeGroup(db: Db, group: Group, locale: Locale, today: string): Promise<Computed> {
  switch (group) {
    case 'monitoring': {
      const t = await orNoYear(() => openIndicators(db, { by: 'none' }, locale));
      if (!t) return { values: {}, asOf: today, year: null };
      const i = t.total.indicators;
      return {
        year: t.year.code,
        asOf: reference(today, t.year.endsOn),
        values: {
          institutions_active: count(t.total.schools),
          schools_connected: count(i.connected?.numerator),
          schools_education_network: count(i.educationNetwork?.numerator),
          schools_internet_teaching: part(i.internetTeaching),
          schools_computers_teaching: part(i.computersTeaching),
          schools_electricity: part(i.electricity),
          schools_meeting_benchmark: count(i['status.good']?.numerator),
          computers_teaching: count(i.learnersPerComputer?.denominator),
          learners_per_computer: part(i.learnersPerComputer),
        },
      };
    }
    case 'training': {
      const t = await orNoYear(() => nationalIctTrained(db));
      if (!t) return { values: {}, asOf: today, year: null };
      return {
        year: t.year.code,
        asOf: t.referenceDay,
        values: {
          teachers_ict_trained: count(t.ictTrainedCount),
          teachers_ict_trained_share: part(t.ictTrained),
        },
      };
    }
    case 'library': {
      const c = await store.libraryCounts(db);
      return {
        year: null,
        asOf: today,
        values: {
          library_resources: count(c.published),
          library_video_lessons: count(c.videoLessons),
          library_e_textbooks: count(c.eTextbooks),
        },
      };
    }
    case 'accounts':
    case 'webinars': {
      const year = await currentYear(db);
      if (group === 'accounts') {
        const c = await store.accountCounts(db, year?.startsOn ?? today);
        return {
          year: year?.code ?? null,
          asOf: today,
          values: {
            virtual_school_users: count(c.accounts),
            virtual_school_active: count(year ? c.active : null),
          },
        };
      }
      if (!year) return { values: {}, asOf: today, year: null };
      const c = await store.webinarCounts(db, { from: year.startsOn, to: year.endsOn });
      return {
        year: year.code,
        asOf: reference(today, year.endsOn),
        values: { webinars_held: count(c.held), webinar_attendances: count(c.attended) },
      };
    }
    case 'filter': {
      // Zero until the filter's national policies block a category: the profile then says none is configured.
      const c = await filterFigures(db);
      return { year: null, asOf: today, values: { filter_categories: count(c.blockedCategories) } };
    }
    case 'policy': {
      const c = await store.policyCounts(db);
      return {
        year: null,
        asOf: today,
        values: { policies_in_force: count(c.inForce), partnerships: count(c.partnerships) },
      };
    }
  }
}

async function currentYear(db: Db) {
  return (await listAcademicYears(db)).find((y) => y.isCurrent) ?? null;
}

/**
 * The live figures asked for (all of them by default), in catalogue order, in the caller's language. Only the
 * sources the asked figures need are queried; each source once.
 */
export async function liveFigures(
  db: Db,
  locale: Locale,
  keys: readonly FigureKey[] = FIGURE_KEYS,
): Promise<LiveFigure[]> {
  const wanted = FIGURE_KEYS.filter((k) => keys.includes(k));
  const groups = [...new Set(wanted.map((k) => DEFINITIONS[k].group))];
  const today = schoolToday();
  const computed = new Map<Group, Computed>();
  // One at a time: PGlite is a single connection, and the sources are few.
  for (const g of groups) computed.set(g, await computeGroup(db, g, locale, today));
  return wanted.map((key) => {
    const d = DEFINITIONS[key];
    const c = computed.get(d.group)!;
    const v = c.values[key] ?? count(null);
    return {
      key,
      label: figureLabel(locale, key),
      value: v.value,
      unit: d.unit,
      unitLabel: translate(locale, `policy.figureUnit.${d.unitCode}`),
      numerator: v.numerator,
      denominator: v.denominator,
      source: translate(locale, `policy.figureSource.${d.group}`, { year: c.year ?? '—' }),
      asOf: c.asOf,
      query: translate(locale, `policy.figureQuery.${d.group}`),
      sql: d.sql,
      topics: d.topics,
    };
  });
}

/** One live figure (a target's progress is measured by one). */
export async function liveFigure(db: Db, locale: Locale, key: FigureKey): Promise<LiveFigure> {
  const [figure] = await liveFigures(db, locale, [key]);
  return figure!;
}
