import { defineMessages, translate, type Locale } from '@/server/i18n';
import { MAX_YEAR, MIN_YEAR } from '@/server/schema';
import {
  DEVICE_CONDITIONS,
  DEVICE_KINDS,
  DEVICE_PURPOSES,
  DEVICE_STATUSES,
  ELECTRICITY_SOURCES,
  LINK_TYPES,
} from '@/modules/infrastructure/infrastructure.tables';
import type { FileRow, OutColumn } from '@/modules/infrastructure/registry-import.files';

/**
 * The data sets of the registry's bulk import and export, column by column. School master data uses Giga's
 * column names where Giga has one (school_id_govt, school_name, education_level_govt, latitude, longitude,
 * school_funding_type, school_area_type, connectivity_govt, connectivity_type_govt, download_speed_contracted,
 * electricity_availability, electricity_type, computer_lab, computer_availability, num_computers,
 * num_students, num_teachers, num_classrooms, admin1, admin2); the rest are ours.
 */

export const DATASETS = ['schools', 'devices', 'measurements'] as const;
export type Dataset = (typeof DATASETS)[number];

type CellType = 'text' | 'int' | 'number' | 'yesno' | 'enum' | 'list' | 'date' | 'datetime';

/** One column of a data set. */
export interface ColumnSpec {
  name: string;
  type: CellType;
  required?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  pattern?: RegExp;
  values?: readonly string[];
  /**
   * Other spellings an enum column accepts, lower-case, each read as one of `values`: Giga's vocabulary
   * (`fiber`, `electrical grid`, …; see GIGA_VOCABULARY).
   */
  synonyms?: Readonly<Record<string, string | null>>;
  /**
   * `info`: written by the export for people to read, ignored by the import (e.g. area names).
   * `checked`: read and checked against the rest of the row and the saved record, but not stored: the
   * breakdowns they summarise are edited in the school's record or through the devices data set.
   */
  role?: 'info' | 'checked';
  /**
   * What the column holds, in English: the source of the `import.column.<dataset>.<name>` message that the
   * template's column sheet shows in the caller's language (see `columnAbout`; az and ru are in ABOUT).
   */
  about: string;
}

const CODE = /^[A-Za-z0-9-]+$/;
const yes = (about: string): Omit<ColumnSpec, 'name'> => ({ type: 'yesno', about });
const count = (about: string, max = 1_000_000): Omit<ColumnSpec, 'name'> => ({
  type: 'int',
  min: 0,
  max,
  about,
});
const mbps = (about: string): Omit<ColumnSpec, 'name'> => ({ type: 'number', min: 0, max: 100_000, about });
const col = (name: string, spec: Omit<ColumnSpec, 'name'>): ColumnSpec => ({ name, ...spec });

/**
 * Giga's vocabulary for the columns whose values differ from ours, as its data-quality checks define it
 * (unicef/giga-dagster, dagster/src/spark/config_expectations.py, VALUES_DOMAIN_GEOLOCATION), mapped to ours.
 * Giga's `wired`, `copper` and `coaxial` are our `other_wired`; its `unknown` is an empty cell; its
 * `charitable` and `others` funding types are not the state's, so `private` (our two-way ownership).
 */
export const GIGA_VOCABULARY = {
  connectivity_type: {
    fiber: 'fibre',
    xdsl: 'xdsl',
    wired: 'other_wired',
    copper: 'other_wired',
    coaxial: 'other_wired',
    cellular: 'cellular',
    'p2mp wireless': 'p2mp_wireless',
    'p2p wireless': 'p2p_wireless',
    satellite: 'satellite',
    other: 'other',
    unknown: null,
  },
  electricity_type: {
    'electrical grid': 'grid',
    'diesel generator': 'generator',
    'solar power station': 'solar',
    other: 'other',
  },
  school_funding_type: { public: 'public', private: 'private', charitable: 'private', others: 'private' },
} as const;

/** Giga's `school_data_collection_modality` values, kept as Giga spells them. */
export const COLLECTION_MODALITIES = ['online', 'in-person', 'phone', 'other'] as const;
const YEAR = { type: 'int', min: 1000, max: MAX_YEAR } as const;

export const INSTITUTION_KINDS = [
  'general_school',
  'vocational_college',
  'university',
  'kindergarten',
  'other',
] as const;

export const COLUMNS: Record<Dataset, ColumnSpec[]> = {
  schools: [
    col('school_id_govt', {
      type: 'text',
      required: true,
      maxLength: 40,
      pattern: CODE,
      about: 'National code of the institution',
    }),
    col('school_name', { type: 'text', required: true, maxLength: 300, about: 'Name in Azerbaijani' }),
    col('school_name_ru', {
      type: 'text',
      maxLength: 300,
      about: 'Name in Russian (empty: as school_name)',
    }),
    col('school_name_en', {
      type: 'text',
      maxLength: 300,
      about: 'Name in English (empty: as school_name)',
    }),
    col('school_id_giga', {
      type: 'text',
      maxLength: 64,
      about: "Giga's id of the school (kept as given, written back by the export)",
    }),
    col('school_id_govt_type', {
      type: 'text',
      maxLength: 60,
      about: 'What the national code is: EMIS, Examination Board, Other',
    }),
    col('admin1', {
      type: 'text',
      maxLength: 300,
      about: 'Economic region (read only with admin2 when area_code is empty)',
    }),
    col('admin2', {
      type: 'text',
      maxLength: 300,
      about: 'District or city by its name (read only when area_code is empty)',
    }),
    col('admin1_id_giga', {
      type: 'text',
      maxLength: 50,
      about: "Giga's id of the region (kept on the region the school is in, written back by the export)",
    }),
    col('admin2_id_giga', {
      type: 'text',
      maxLength: 50,
      about: "Giga's id of the district or city (kept on it, written back by the export)",
    }),
    col('area_code', { type: 'text', about: 'Code of the district or city (sheet codes; empty: by admin2)' }),
    col('education_level_govt', {
      type: 'list',
      required: true,
      about: 'Education levels taught, codes separated by ";"',
    }),
    col('school_type', {
      type: 'enum',
      values: INSTITUTION_KINDS,
      about: 'Kind of institution (empty: as saved; a new one: general_school)',
    }),
    col('school_funding_type', {
      type: 'enum',
      values: ['public', 'private'],
      synonyms: GIGA_VOCABULARY.school_funding_type,
      about: 'Ownership (required for a new institution)',
    }),
    col('school_area_type', {
      type: 'enum',
      values: ['urban', 'rural'],
      about: 'Urban or rural (required for a new institution)',
    }),
    col('school_status', {
      type: 'enum',
      values: ['active', 'closed', 'planned'],
      about: 'Status (empty: active)',
    }),
    col('is_school_open', yes("Open (yes) or closed (no): Giga's form of school_status")),
    col('school_establishment_year', { ...YEAR, about: 'Year the school was established' }),
    col('school_address', { type: 'text', maxLength: 500, about: 'Address' }),
    col('refugee_camp', yes('In a refugee camp (yes/no)')),
    col('school_data_source', {
      type: 'text',
      maxLength: 200,
      about: 'Who owns and shares these data (e.g. Ministry of Education)',
    }),
    col('school_data_collection_year', {
      ...YEAR,
      about: 'Year name, location and head counts were last collected',
    }),
    col('school_data_collection_modality', {
      type: 'enum',
      values: COLLECTION_MODALITIES,
      about: 'How they were collected',
    }),
    col('latitude', { type: 'number', min: -90, max: 90, about: 'Latitude, WGS 84 decimal degrees' }),
    col('longitude', { type: 'number', min: -180, max: 180, about: 'Longitude, WGS 84 decimal degrees' }),
    col('num_shifts', { type: 'int', min: 1, max: 3, about: 'Shifts the school runs (empty: 1)' }),
    col('num_students', count('Students, all shifts')),
    col('num_teachers', count('Teachers, this year')),
    col('num_teachers_ict_trained', count('Of whom trained in ICT')),
    col('num_classrooms', count('Classrooms', 10_000)),
    col('computer_lab', yes('Has a computer lab (yes/no)')),
    col('electricity_availability', yes('Has electricity (yes/no)')),
    col('electricity_type', {
      type: 'enum',
      values: ELECTRICITY_SOURCES,
      synonyms: GIGA_VOCABULARY.electricity_type,
      about: 'Main source of electricity',
    }),
    col('electricity_hours', { type: 'number', min: 0, max: 24, about: 'Hours of electricity a day' }),
    col('connectivity_govt', yes('Has an internet link for teaching (yes/no)')),
    col('connectivity_type_govt', {
      type: 'enum',
      values: LINK_TYPES,
      synonyms: GIGA_VOCABULARY.connectivity_type,
      about: 'Type of the teaching link',
    }),
    col('education_network', yes('The link is on the national education network (yes/no)')),
    col('internet_provider', { type: 'text', maxLength: 200, about: 'Provider of the teaching link' }),
    col('download_speed_contracted', mbps('Contracted download speed, Mbit/s')),
    col('upload_speed_contracted', mbps('Contracted upload speed, Mbit/s')),
    col('pupils_internet', yes('Pupils themselves can use the internet at school for learning (yes/no)')),
    col('connectivity_any', yes("Has internet for any use (Giga's connectivity_govt) (yes/no)")),
    col('connectivity_type_any', {
      type: 'enum',
      values: LINK_TYPES,
      synonyms: GIGA_VOCABULARY.connectivity_type,
      about: "Type of the school's internet, any use (Giga's connectivity_type_govt)",
    }),
    col('download_speed_contracted_any', mbps("Contracted download speed, any use (Giga's), Mbit/s")),
    col('download_speed_govt', mbps('Download speed reported by the government (census or on site), Mbit/s')),
    col('connectivity_govt_collection_year', {
      ...YEAR,
      about: 'Year the connectivity facts were collected',
    }),
    col('num_computers_any', count("Computers for any use (Giga's num_computers)")),
    col('computer_availability_any', {
      ...yes("Has computers for any use (Giga's computer_availability)"),
      role: 'checked',
    }),
    col('num_computers_desired', count('Computers the school should have by the national standard')),
    col('num_adm_personnel', count('Administrative staff')),
    col('water_availability', yes('Has water (yes/no)')),
    col('num_latrines', count('Latrines', 10_000)),
    col('student_refugees', yes('Has refugee pupils (yes/no)')),
    col('student_count_refugees', count('Refugee pupils')),
    col('student_count_girls', count('Girls, whole school')),
    col('student_count_boys', count('Boys, whole school')),
    col('student_count_other', count('Pupils of another or no stated sex, whole school')),
    col('computer_availability', {
      ...yes('Has computers for teaching (yes/no)'),
      role: 'checked',
    }),
    col('num_computers', { ...count('Computers for teaching'), role: 'checked' }),
    col('num_students_shift1', { ...count('Students in the first shift'), role: 'checked' }),
    col('num_students_shift2', { ...count('Students in the second shift'), role: 'checked' }),
    col('num_students_shift3', { ...count('Students in the third shift'), role: 'checked' }),
  ],
  devices: [
    col('school_id_govt', {
      type: 'text',
      required: true,
      maxLength: 40,
      pattern: CODE,
      about: 'School code',
    }),
    col('asset_tag', {
      type: 'text',
      required: true,
      maxLength: 60,
      pattern: /^[A-Za-z0-9._/-]+$/,
      about: 'Asset tag, unique in the country',
    }),
    col('kind', { type: 'enum', required: true, values: DEVICE_KINDS, about: 'Kind of device' }),
    col('purpose', {
      type: 'enum',
      values: DEVICE_PURPOSES,
      about: 'Teaching, administration, or both when shared between them (empty: teaching)',
    }),
    col('status', { type: 'enum', values: DEVICE_STATUSES, about: 'Status (empty: in_use)' }),
    col('condition', { type: 'enum', values: DEVICE_CONDITIONS, about: 'Condition (empty: working)' }),
    col('serial', { type: 'text', maxLength: 100, about: 'Serial number' }),
    col('model', { type: 'text', maxLength: 200, about: 'Model' }),
    col('funding_programme', { type: 'text', maxLength: 200, about: 'Programme that paid for it' }),
    col('acquired_on', { type: 'date', about: 'Acquired on, YYYY-MM-DD' }),
    col('end_of_life_on', { type: 'date', about: 'End of life, YYYY-MM-DD' }),
    col('last_audit_on', { type: 'date', about: 'Last audit, YYYY-MM-DD' }),
    col('next_audit_on', { type: 'date', about: 'Next audit, YYYY-MM-DD' }),
  ],
  measurements: [
    col('school_id_govt', {
      type: 'text',
      required: true,
      maxLength: 40,
      pattern: CODE,
      about: 'School code',
    }),
    col('measured_at', {
      type: 'datetime',
      required: true,
      about: 'When, ISO 8601 (e.g. 2026-10-01T09:30:00Z; no zone: UTC)',
    }),
    col('download_speed', { ...mbps('Measured download, Mbit/s'), required: true }),
    col('upload_speed', mbps('Measured upload, Mbit/s')),
    col('latency', { type: 'number', min: 0, max: 600_000, about: 'Round-trip time, ms' }),
    col('source', {
      type: 'text',
      role: 'info',
      about: 'speedtest or import (written by the export; not read)',
    }),
  ],
};

/** The message code of a column's description. */
const aboutCode = (dataset: Dataset, column: string) => `import.column.${dataset}.${column}`;

/** A column's description in the caller's language, for the template's column sheet. */
export const columnAbout = (locale: Locale, dataset: Dataset, column: string): string =>
  translate(locale, aboutCode(dataset, column));

/**
 * The columns' descriptions in Azerbaijani and Russian (the English is each column's `about`). A column
 * without one here, or one here that is not a column, fails at start.
 */
const ABOUT: Record<'az' | 'ru', Record<Dataset, Record<string, string>>> = {
  az: {
    schools: {
      school_id_govt: 'Müəssisənin milli kodu',
      school_name: 'Azərbaycan dilində adı',
      school_name_ru: 'Rus dilində adı (boşdursa: school_name kimi)',
      school_name_en: 'İngilis dilində adı (boşdursa: school_name kimi)',
      admin1: 'İqtisadi rayon (yalnız area_code boş olduqda admin2 ilə birlikdə oxunur)',
      admin2: 'Rayon və ya şəhər, adı ilə (yalnız area_code boş olduqda oxunur)',
      admin1_id_giga:
        'İqtisadi rayonun Giga identifikatoru (məktəbin olduğu rayonda saxlanılır, ixracda geri yazılır)',
      admin2_id_giga: 'Rayonun və ya şəhərin Giga identifikatoru (onda saxlanılır, ixracda geri yazılır)',
      area_code: 'Rayonun və ya şəhərin kodu (kodlar vərəqinə baxın; boşdursa: admin2 üzrə)',
      education_level_govt: 'Tədris olunan təhsil səviyyələri: ";" ilə ayrılmış kodlar',
      school_type: 'Müəssisənin növü (boşdursa: saxlanılan; yeni müəssisə üçün: general_school)',
      school_funding_type: 'Mülkiyyət növü (yeni müəssisə üçün mütləqdir)',
      school_area_type: 'Şəhər və ya kənd (yeni müəssisə üçün mütləqdir)',
      school_status: 'Vəziyyəti (boşdursa: active)',
      latitude: 'Enlik, WGS 84, onluq dərəcələrlə',
      longitude: 'Uzunluq, WGS 84, onluq dərəcələrlə',
      num_shifts: 'Məktəbin neçə növbədə işlədiyi (boşdursa: 1)',
      num_students: 'Şagirdlərin sayı, bütün növbələr üzrə',
      num_teachers: 'Bu tədris ilində müəllimlərin sayı',
      num_teachers_ict_trained: 'Onlardan İKT üzrə hazırlıq keçənlər',
      num_classrooms: 'Sinif otaqlarının sayı',
      computer_lab: 'Kompüter sinfi var (yes/no)',
      electricity_availability: 'Elektrik var (yes/no)',
      electricity_type: 'Əsas elektrik mənbəyi',
      electricity_hours: 'Gündə neçə saat elektrik olur',
      connectivity_govt: 'Tədris üçün internet xətti var (yes/no)',
      connectivity_type_govt: 'Tədris xəttinin növü',
      education_network: 'Xətt milli təhsil şəbəkəsindədir (yes/no)',
      internet_provider: 'Tədris xəttinin provayderi',
      download_speed_contracted: 'Müqavilə üzrə endirmə sürəti, Mbit/s',
      upload_speed_contracted: 'Müqavilə üzrə yükləmə sürəti, Mbit/s',
      pupils_internet: 'Şagirdlərin özləri məktəbdə internetdən təlim üçün istifadə edə bilir (yes/no)',
      computer_availability: 'Tədris üçün kompüterlər var (yes/no)',
      num_computers: 'Tədris kompüterlərinin sayı',
      num_students_shift1: 'Birinci növbədə şagirdlərin sayı',
      num_students_shift2: 'İkinci növbədə şagirdlərin sayı',
      num_students_shift3: 'Üçüncü növbədə şagirdlərin sayı',
      school_id_giga: 'Məktəbin Giga identifikatoru (olduğu kimi saxlanılır, ixracda geri yazılır)',
      school_id_govt_type: 'Milli kodun növü: EMIS, Examination Board, Other',
      is_school_open: 'Açıqdır (yes) və ya bağlıdır (no): school_status-un Giga forması',
      school_establishment_year: 'Məktəbin təsis edildiyi il',
      school_address: 'Ünvan',
      refugee_camp: 'Qaçqın düşərgəsindədir (yes/no)',
      school_data_source: 'Bu məlumatların sahibi və ötürəni (məs. Təhsil Nazirliyi)',
      school_data_collection_year: 'Ad, yer və say göstəricilərinin sonuncu dəfə toplandığı il',
      school_data_collection_modality: 'Məlumatların necə toplandığı',
      connectivity_any: 'İstənilən məqsəd üçün internet var (Giga-nın connectivity_govt) (yes/no)',
      connectivity_type_any: 'Məktəbin internetinin növü, istənilən məqsəd (Giga-nın connectivity_type_govt)',
      download_speed_contracted_any: 'Müqavilə üzrə endirmə sürəti, istənilən məqsəd (Giga), Mbit/s',
      download_speed_govt: 'Dövlətin bildirdiyi endirmə sürəti (siyahıyaalma və ya yerində ölçmə), Mbit/s',
      connectivity_govt_collection_year: 'İnternet məlumatlarının toplandığı il',
      computer_availability_any:
        'İstənilən məqsəd üçün kompüterlər var (Giga-nın computer_availability) (yes/no)',
      num_computers_any: 'İstənilən məqsəd üçün kompüterlərin sayı (Giga-nın num_computers)',
      num_computers_desired: 'Milli normaya görə məktəbdə olmalı kompüterlərin sayı',
      num_adm_personnel: 'İnzibati heyətin sayı',
      water_availability: 'Su var (yes/no)',
      num_latrines: 'Tualetlərin sayı',
      student_refugees: 'Qaçqın şagirdlər var (yes/no)',
      student_count_refugees: 'Qaçqın şagirdlərin sayı',
      student_count_girls: 'Qızların sayı, bütün məktəb üzrə',
      student_count_boys: 'Oğlanların sayı, bütün məktəb üzrə',
      student_count_other: 'Cinsi başqa və ya göstərilməyən şagirdlərin sayı, bütün məktəb üzrə',
    },
    devices: {
      school_id_govt: 'Məktəbin kodu',
      asset_tag: 'İnventar nömrəsi, ölkə üzrə təkrarlanmır',
      kind: 'Cihazın növü',
      purpose:
        'Təyinatı: tədris, inzibati və ya hər ikisi (both: ortaq istifadə olunur) (boşdursa: teaching)',
      status: 'Vəziyyəti (boşdursa: in_use)',
      condition: 'Texniki vəziyyəti (boşdursa: working)',
      serial: 'Seriya nömrəsi',
      model: 'Model',
      funding_programme: 'Cihazı maliyyələşdirən proqram',
      acquired_on: 'Alınma tarixi, İİİİ-AA-GG',
      end_of_life_on: 'İstismar müddətinin bitdiyi tarix, İİİİ-AA-GG',
      last_audit_on: 'Son yoxlama tarixi, İİİİ-AA-GG',
      next_audit_on: 'Növbəti yoxlama tarixi, İİİİ-AA-GG',
    },
    measurements: {
      school_id_govt: 'Məktəbin kodu',
      measured_at: 'Ölçmə vaxtı, ISO 8601 (məs. 2026-10-01T09:30:00Z; saat qurşağı yoxdursa: UTC)',
      download_speed: 'Ölçülmüş endirmə sürəti, Mbit/s',
      upload_speed: 'Ölçülmüş yükləmə sürəti, Mbit/s',
      latency: 'Gecikmə (gediş-qayıdış vaxtı), ms',
      source: 'speedtest və ya import (ixracda yazılır; idxalda oxunmur)',
    },
  },
  ru: {
    schools: {
      school_id_govt: 'Национальный код учреждения',
      school_name: 'Название на азербайджанском языке',
      school_name_ru: 'Название на русском языке (если пусто — как в school_name)',
      school_name_en: 'Название на английском языке (если пусто — как в school_name)',
      admin1: 'Экономический район (читается вместе с admin2, только если area_code пуст)',
      admin2: 'Район или город по названию (читается, только если area_code пуст)',
      admin1_id_giga:
        'Идентификатор экономического района в Giga (хранится у района школы, возвращается при экспорте)',
      admin2_id_giga: 'Идентификатор района или города в Giga (хранится у него, возвращается при экспорте)',
      area_code: 'Код района или города (см. лист «коды»; если пусто — по admin2)',
      education_level_govt: 'Уровни образования, по которым ведётся обучение: коды через «;»',
      school_type: 'Тип учреждения (если пусто — как сохранено; для нового — general_school)',
      school_funding_type: 'Форма собственности (обязательно для нового учреждения)',
      school_area_type: 'Городская или сельская местность (обязательно для нового учреждения)',
      school_status: 'Статус (если пусто — active)',
      latitude: 'Широта, WGS 84, в десятичных градусах',
      longitude: 'Долгота, WGS 84, в десятичных градусах',
      num_shifts: 'Сколько смен в школе (если пусто — 1)',
      num_students: 'Число учащихся во всех сменах',
      num_teachers: 'Число учителей в этом учебном году',
      num_teachers_ict_trained: 'Из них обучены ИКТ',
      num_classrooms: 'Число классных комнат',
      computer_lab: 'Есть компьютерный класс (yes/no)',
      electricity_availability: 'Есть электричество (yes/no)',
      electricity_type: 'Основной источник электроэнергии',
      electricity_hours: 'Сколько часов в сутки есть электричество',
      connectivity_govt: 'Есть подключение к интернету для обучения (yes/no)',
      connectivity_type_govt: 'Тип подключения для обучения',
      education_network: 'Подключение входит в национальную образовательную сеть (yes/no)',
      internet_provider: 'Провайдер подключения для обучения',
      download_speed_contracted: 'Скорость загрузки по договору, Мбит/с',
      upload_speed_contracted: 'Скорость отдачи по договору, Мбит/с',
      pupils_internet: 'Сами ученики могут пользоваться интернетом в школе для учёбы (yes/no)',
      computer_availability: 'Есть компьютеры для обучения (yes/no)',
      num_computers: 'Число компьютеров для обучения',
      num_students_shift1: 'Число учащихся в первую смену',
      num_students_shift2: 'Число учащихся во вторую смену',
      num_students_shift3: 'Число учащихся в третью смену',
      school_id_giga: 'Идентификатор школы в Giga (хранится как дан, возвращается при экспорте)',
      school_id_govt_type: 'Что за национальный код: EMIS, Examination Board, Other',
      is_school_open: 'Открыта (yes) или закрыта (no): school_status в форме Giga',
      school_establishment_year: 'Год основания школы',
      school_address: 'Адрес',
      refugee_camp: 'Находится в лагере беженцев (yes/no)',
      school_data_source: 'Кто владеет этими данными и передаёт их (напр. Министерство образования)',
      school_data_collection_year: 'Год последнего сбора названия, местоположения и численности',
      school_data_collection_modality: 'Как собраны данные',
      connectivity_any: 'Есть интернет для любых целей (connectivity_govt в Giga) (yes/no)',
      connectivity_type_any: 'Тип интернета школы, любые цели (connectivity_type_govt в Giga)',
      download_speed_contracted_any: 'Скорость загрузки по договору, любые цели (Giga), Мбит/с',
      download_speed_govt: 'Скорость загрузки по данным государства (перепись или замер на месте), Мбит/с',
      connectivity_govt_collection_year: 'Год сбора сведений о подключении',
      computer_availability_any: 'Есть компьютеры для любых целей (computer_availability в Giga) (yes/no)',
      num_computers_any: 'Число компьютеров для любых целей (num_computers в Giga)',
      num_computers_desired: 'Сколько компьютеров должно быть в школе по национальной норме',
      num_adm_personnel: 'Число административных работников',
      water_availability: 'Есть вода (yes/no)',
      num_latrines: 'Число туалетов',
      student_refugees: 'Есть учащиеся-беженцы (yes/no)',
      student_count_refugees: 'Число учащихся-беженцев',
      student_count_girls: 'Число девочек, по всей школе',
      student_count_boys: 'Число мальчиков, по всей школе',
      student_count_other: 'Число учащихся другого или неуказанного пола, по всей школе',
    },
    devices: {
      school_id_govt: 'Код школы',
      asset_tag: 'Инвентарный номер, уникальный в пределах страны',
      kind: 'Вид устройства',
      purpose: 'Назначение: учебное, административное или both — общее для обоих (если пусто — teaching)',
      status: 'Статус (если пусто — in_use)',
      condition: 'Техническое состояние (если пусто — working)',
      serial: 'Серийный номер',
      model: 'Модель',
      funding_programme: 'Программа, за счёт которой приобретено',
      acquired_on: 'Дата поступления, ГГГГ-ММ-ДД',
      end_of_life_on: 'Дата окончания срока службы, ГГГГ-ММ-ДД',
      last_audit_on: 'Дата последней проверки, ГГГГ-ММ-ДД',
      next_audit_on: 'Дата следующей проверки, ГГГГ-ММ-ДД',
    },
    measurements: {
      school_id_govt: 'Код школы',
      measured_at: 'Время измерения, ISO 8601 (напр. 2026-10-01T09:30:00Z; без часового пояса — UTC)',
      download_speed: 'Измеренная скорость загрузки, Мбит/с',
      upload_speed: 'Измеренная скорость отдачи, Мбит/с',
      latency: 'Задержка (время туда и обратно), мс',
      source: 'speedtest или import (заполняется при экспорте; при импорте не читается)',
    },
  },
};

const aboutMessages = (texts: Record<Dataset, Record<string, string>>): Record<string, string> =>
  Object.fromEntries(
    DATASETS.flatMap((d) => Object.entries(texts[d]).map(([column, text]) => [aboutCode(d, column), text])),
  );

defineMessages({
  en: Object.fromEntries(DATASETS.flatMap((d) => COLUMNS[d].map((c) => [aboutCode(d, c.name), c.about]))),
  az: aboutMessages(ABOUT.az),
  ru: aboutMessages(ABOUT.ru),
});

/** The columns as a writer puts them out. */
export const outColumns = (dataset: Dataset): OutColumn[] =>
  COLUMNS[dataset].map((c) => ({ name: c.name, numeric: c.type === 'int' || c.type === 'number' }));

defineMessages({
  en: {
    import_invalid:
      'The file has {problems} problem(s); nothing was imported. Correct them and upload it again.',
    import_empty: 'The file is empty.',
    import_no_rows: 'The file has a header but no rows.',
    import_bad_character:
      'Line {line}, column {column}: the cell holds a character that cannot be stored (a NUL or a broken character); remove it and upload the file again.',
    import_not_utf8:
      'The file is not in UTF-8 (line {line}). Save it as "CSV UTF-8 (comma delimited)" and upload it again.',
    import_wrong_delimiter:
      'The columns are separated by {found}, not by commas. Save the file as "CSV UTF-8 (comma delimited)".',
    import_unreadable_xlsx: 'The file is not a readable Excel workbook (.xlsx).',
    import_too_large: 'The file is larger than {limit}; split it into smaller files.',
    import_too_many_rows: 'The file has {rows} rows; at most {max} are accepted at once.',
    import_unknown_year: 'There is no academic year {year}.',
    import_not_allowed: 'You cannot import this data set.',
    export_giga_schools_only: "Only the schools data set has Giga's columns (schema).",
    'import.at': 'Line {line}, {column}: {text}',
    'import.required': 'is required',
    'import.not_integer': 'must be a whole number',
    'import.not_number': 'must be a number',
    'import.minimum': 'must be at least {limit}',
    'import.maximum': 'must be at most {limit}',
    'import.too_long': 'must be at most {limit} characters long',
    'import.pattern': 'has characters that are not allowed',
    'import.not_yes_no': 'must be yes or no',
    'import.not_one_of': 'must be one of: {values}',
    'import.not_date': 'must be a date, YYYY-MM-DD, in the years 1900–2200',
    'import.not_datetime': 'must be a date and time, e.g. 2026-10-01T09:30:00Z',
    'import.unknown_column': 'is not a column of this data set ({dataset}); ignored',
    'import.unknown_area_name': 'no district or city has this name; give area_code',
    'import.ambiguous_area_name': 'more than one district or city has this name; give area_code',
    'import.missing_column': 'the column is missing',
    'import.duplicate_column': 'the column appears twice',
    'import.extra_value': 'a value beyond the last column: is a comma or semicolon missing or extra?',
    'import.unknown_area': 'is not an area code (see the codes sheet)',
    'import.not_a_district': 'is a country or an economic region; give the district or city',
    'import.unknown_school': 'no institution has the code {code}',
    'import.duplicate_in_file': '{value} is also on line {other}',
    'import.giga_id_twice': 'this area was given another Giga id, {value}, on line {other}',
    'import.giga_id_two_areas': 'this Giga id is already that of {area} (line {other})',
    'import.giga_id_taken': 'this Giga id is already that of {area} in the registry',
    'import.giga_no_region': 'the school’s district or city is not within a region',
    'import.likely_duplicate_file': 'looks like the school on line {other}: same name, level and place',
    'import.likely_duplicate_db':
      'looks like the school {code} already in the registry: same name, level and place',
    'import.coordinate_pair': 'latitude and longitude go together; give both or neither',
    'import.outside_country': 'lies outside the country ({bounds})',
    'import.swapped_coordinates': 'latitude and longitude look swapped',
    'import.no_internet_details': 'must be empty when connectivity_govt is no',
    'import.internet_type_required': 'is required when connectivity_govt is yes',
    'import.connectivity_required': 'is required when the link type, speed or provider is given',
    'import.no_computers_count': 'must be 0 or empty when computer_availability is no',
    'import.computers_missing': 'computer_availability is yes, but num_computers is 0',
    'import.shifts_sum': 'the shifts add up to {sum}, num_students is {total}',
    'import.differs_saved':
      'is {value}, the saved record says {saved}; change the breakdown in the school record first',
    'import.out_of_scope': 'the institution {code} is outside your scope',
    'import.create_not_allowed': 'only national staff can add an institution ({code} is new)',
    'import.not_editable': 'only national staff can change it (now {value})',
    'import.no_year': 'there is no academic year to record it in',
    'import.device_elsewhere': 'the device is registered at {code}; only national staff can move it',
    'import.device_disposed': 'the device is disposed and cannot be changed',
    'import.date_order': 'cannot be before {column}',
    'import.future': 'is in the future',
    'import.sheet.columns': 'columns',
    'import.sheet.codes': 'codes',
    'import.sheet.list': 'list',
    'import.sheet.code': 'code',
    'import.sheet.yesNo': 'yes/no columns',
    'import.sheet.column': 'column',
    'import.sheet.required': 'required',
    'import.sheet.read': 'read by the import',
    'import.sheet.about': 'what it holds',
    'import.sheet.yes': 'yes',
    'import.sheet.no': 'no',
    'import.sheet.checked': 'checked, not stored',
  },
  az: {
    import_invalid:
      'Faylda {problems} problem var; heç nə idxal edilmədi. Onları düzəldin və faylı yenidən yükləyin.',
    import_empty: 'Fayl boşdur.',
    import_no_rows: 'Faylda başlıq var, amma sətir yoxdur.',
    import_bad_character:
      '{line}-ci sətir, {column} sütunu: xanada saxlanıla bilməyən simvol var (NUL və ya zədələnmiş simvol); onu silin və faylı yenidən yükləyin.',
    import_not_utf8:
      'Fayl UTF-8 kodlaşmasında deyil ({line}-ci sətir). Onu "CSV UTF-8 (vergüllə ayrılmış)" kimi saxlayın və yenidən yükləyin.',
    import_wrong_delimiter:
      'Sütunlar vergüllə deyil, {found} ilə ayrılıb. Faylı "CSV UTF-8 (vergüllə ayrılmış)" kimi saxlayın.',
    import_unreadable_xlsx: 'Fayl oxuna bilən Excel kitabı (.xlsx) deyil.',
    import_too_large: 'Fayl {limit}-dan böyükdür; onu kiçik fayllara bölün.',
    import_too_many_rows: 'Faylda {rows} sətir var; bir dəfəyə ən çoxu {max} qəbul edilir.',
    import_unknown_year: '{year} tədris ili yoxdur.',
    import_not_allowed: 'Siz bu məlumat dəstini idxal edə bilməzsiniz.',
    export_giga_schools_only: 'Giga sütunları (schema) yalnız məktəblər məlumat dəstində var.',
    'import.at': 'Sətir {line}, {column}: {text}',
    'import.required': 'mütləqdir',
    'import.not_integer': 'tam ədəd olmalıdır',
    'import.not_number': 'ədəd olmalıdır',
    'import.minimum': 'ən azı {limit} olmalıdır',
    'import.maximum': 'ən çoxu {limit} olmalıdır',
    'import.too_long': 'ən çoxu {limit} simvol olmalıdır',
    'import.pattern': 'icazə verilməyən simvollar var',
    'import.not_yes_no': 'yes və ya no olmalıdır',
    'import.not_one_of': 'bunlardan biri olmalıdır: {values}',
    'import.not_date': 'tarix olmalıdır, İİİİ-AA-GG, 1900 və 2200 illəri arasında',
    'import.not_datetime': 'tarix və vaxt olmalıdır, məs. 2026-10-01T09:30:00Z',
    'import.unknown_column': 'bu məlumat dəstinin ({dataset}) sütunu deyil; nəzərə alınmır',
    'import.unknown_area_name': 'belə adlı rayon və ya şəhər yoxdur; area_code-u göstərin',
    'import.ambiguous_area_name': 'bu adda bir neçə rayon və ya şəhər var; area_code-u göstərin',
    'import.missing_column': 'sütun yoxdur',
    'import.duplicate_column': 'sütun iki dəfə verilib',
    'import.extra_value': 'son sütundan sonra dəyər var: vergül və ya nöqtəli vergül əskik və ya artıqdır?',
    'import.unknown_area': 'ərazi kodu deyil (kodlar vərəqinə baxın)',
    'import.not_a_district': 'ölkə və ya iqtisadi rayondur; rayonu və ya şəhəri göstərin',
    'import.unknown_school': '{code} kodlu müəssisə yoxdur',
    'import.duplicate_in_file': '{value} {other}-ci sətirdə də var',
    'import.giga_id_twice': 'bu əraziyə {other}-ci sətirdə başqa Giga identifikatoru verilib: {value}',
    'import.giga_id_two_areas': 'bu Giga identifikatoru artıq {area} ərazisinindir ({other}-ci sətir)',
    'import.giga_id_taken': 'bu Giga identifikatoru reyestrdə artıq {area} ərazisinindir',
    'import.giga_no_region': 'məktəbin rayonu və ya şəhəri heç bir iqtisadi rayona daxil deyil',
    'import.likely_duplicate_file': '{other}-ci sətirdəki məktəbə bənzəyir: eyni ad, səviyyə və yer',
    'import.likely_duplicate_db': 'reyestrdə olan {code} məktəbinə bənzəyir: eyni ad, səviyyə və yer',
    'import.coordinate_pair': 'en və uzunluq birlikdə verilir; hər ikisini verin və ya heç birini',
    'import.outside_country': 'ölkənin hüdudlarından kənardadır ({bounds})',
    'import.swapped_coordinates': 'en və uzunluq yerini dəyişmiş kimi görünür',
    'import.no_internet_details': 'connectivity_govt no olduqda boş olmalıdır',
    'import.internet_type_required': 'connectivity_govt yes olduqda mütləqdir',
    'import.connectivity_required': 'bağlantı növü, sürəti və ya provayder verildikdə mütləqdir',
    'import.no_computers_count': 'computer_availability no olduqda 0 və ya boş olmalıdır',
    'import.computers_missing': 'computer_availability yes-dir, amma num_computers 0-dır',
    'import.shifts_sum': 'növbələrin cəmi {sum}, num_students isə {total}',
    'import.differs_saved':
      '{value}-dir, saxlanılmış qeyddə {saved}; əvvəlcə məktəbin qeydində bölgünü dəyişin',
    'import.out_of_scope': '{code} müəssisəsi sizin səlahiyyətinizdən kənardadır',
    'import.create_not_allowed': 'müəssisəni yalnız mərkəzi əməkdaşlar əlavə edə bilər ({code} yenidir)',
    'import.not_editable': 'yalnız mərkəzi əməkdaşlar dəyişə bilər (indi {value})',
    'import.no_year': 'qeyd ediləcək tədris ili yoxdur',
    'import.device_elsewhere':
      'cihaz {code} müəssisəsində qeydiyyatdadır; onu yalnız mərkəzi əməkdaşlar köçürə bilər',
    'import.device_disposed': 'cihaz silinib və dəyişdirilə bilməz',
    'import.date_order': '{column} tarixindən əvvəl ola bilməz',
    'import.future': 'gələcəkdədir',
    'import.sheet.columns': 'sütunlar',
    'import.sheet.codes': 'kodlar',
    'import.sheet.list': 'siyahı',
    'import.sheet.code': 'kod',
    'import.sheet.yesNo': 'bəli/xeyr sütunları',
    'import.sheet.column': 'sütun',
    'import.sheet.required': 'mütləqdir',
    'import.sheet.read': 'idxalda oxunur',
    'import.sheet.about': 'nə yazılır',
    'import.sheet.yes': 'bəli',
    'import.sheet.no': 'xeyr',
    'import.sheet.checked': 'yoxlanılır, saxlanılmır',
  },
  ru: {
    import_invalid:
      'В файле проблем: {problems}; ничего не импортировано. Исправьте их и загрузите файл снова.',
    import_empty: 'Файл пуст.',
    import_no_rows: 'В файле есть заголовок, но нет строк.',
    import_bad_character:
      'Строка {line}, столбец {column}: в ячейке символ, который нельзя сохранить (NUL или повреждённый символ); удалите его и загрузите файл снова.',
    import_not_utf8:
      'Файл не в кодировке UTF-8 (строка {line}). Сохраните его как «CSV UTF-8 (разделитель — запятая)» и загрузите снова.',
    import_wrong_delimiter:
      'Столбцы разделены не запятыми, а {found}. Сохраните файл как «CSV UTF-8 (разделитель — запятая)».',
    import_unreadable_xlsx: 'Файл не является читаемой книгой Excel (.xlsx).',
    import_too_large: 'Файл больше {limit}; разделите его на файлы поменьше.',
    import_too_many_rows: 'В файле {rows} строк; за один раз принимается не больше {max}.',
    import_unknown_year: 'Учебного года {year} нет.',
    import_not_allowed: 'Вы не можете импортировать этот набор данных.',
    export_giga_schools_only: 'Столбцы Giga (schema) есть только у набора данных школ.',
    'import.at': 'Строка {line}, {column}: {text}',
    'import.required': 'обязательно',
    'import.not_integer': 'должно быть целым числом',
    'import.not_number': 'должно быть числом',
    'import.minimum': 'должно быть не меньше {limit}',
    'import.maximum': 'должно быть не больше {limit}',
    'import.too_long': 'должно быть не длиннее {limit} символов',
    'import.pattern': 'содержит недопустимые символы',
    'import.not_yes_no': 'должно быть yes или no',
    'import.not_one_of': 'должно быть одним из: {values}',
    'import.not_date': 'должно быть датой, ГГГГ-ММ-ДД, в пределах 1900–2200 гг.',
    'import.not_datetime': 'должно быть датой и временем, напр. 2026-10-01T09:30:00Z',
    'import.unknown_column': 'не является столбцом этого набора данных ({dataset}); не учитывается',
    'import.unknown_area_name': 'района или города с таким названием нет; укажите area_code',
    'import.ambiguous_area_name': 'с таким названием несколько районов или городов; укажите area_code',
    'import.missing_column': 'столбца нет',
    'import.duplicate_column': 'столбец указан дважды',
    'import.extra_value':
      'значение после последнего столбца: не хватает или лишняя запятая либо точка с запятой?',
    'import.unknown_area': 'не является кодом территории (см. лист «коды»)',
    'import.not_a_district': 'это страна или экономический район; укажите район или город',
    'import.unknown_school': 'учреждения с кодом {code} нет',
    'import.duplicate_in_file': '{value} есть и в строке {other}',
    'import.giga_id_twice': 'этой территории в строке {other} дан другой идентификатор Giga: {value}',
    'import.giga_id_two_areas': 'этот идентификатор Giga уже принадлежит территории {area} (строка {other})',
    'import.giga_id_taken': 'этот идентификатор Giga в реестре уже принадлежит территории {area}',
    'import.giga_no_region': 'район или город школы не входит ни в какой экономический район',
    'import.likely_duplicate_file': 'похоже на школу в строке {other}: то же название, уровень и место',
    'import.likely_duplicate_db':
      'похоже на школу {code}, уже внесённую в реестр: то же название, уровень и место',
    'import.coordinate_pair': 'широта и долгота указываются вместе; укажите обе или ни одной',
    'import.outside_country': 'лежит за пределами страны ({bounds})',
    'import.swapped_coordinates': 'похоже, широта и долгота перепутаны',
    'import.no_internet_details': 'должно быть пустым, если connectivity_govt — no',
    'import.internet_type_required': 'обязательно, если connectivity_govt — yes',
    'import.connectivity_required': 'обязательно, если указаны тип, скорость или провайдер канала',
    'import.no_computers_count': 'должно быть 0 или пустым, если computer_availability — no',
    'import.computers_missing': 'computer_availability — yes, но num_computers равно 0',
    'import.shifts_sum': 'сумма по сменам — {sum}, а num_students — {total}',
    'import.differs_saved':
      'равно {value}, в сохранённой записи — {saved}; сначала измените разбивку в записи школы',
    'import.out_of_scope': 'учреждение {code} вне вашей зоны ответственности',
    'import.create_not_allowed': 'добавить учреждение может только центральный аппарат ({code} — новое)',
    'import.not_editable': 'изменить может только центральный аппарат (сейчас {value})',
    'import.no_year': 'нет учебного года, в который это записать',
    'import.device_elsewhere':
      'устройство числится в {code}; переместить его может только центральный аппарат',
    'import.device_disposed': 'устройство списано, его нельзя изменить',
    'import.date_order': 'не может быть раньше {column}',
    'import.future': 'в будущем',
    'import.sheet.columns': 'столбцы',
    'import.sheet.codes': 'коды',
    'import.sheet.list': 'список',
    'import.sheet.code': 'код',
    'import.sheet.yesNo': 'столбцы да/нет',
    'import.sheet.column': 'столбец',
    'import.sheet.required': 'обязательный',
    'import.sheet.read': 'читается при импорте',
    'import.sheet.about': 'что содержит',
    'import.sheet.yes': 'да',
    'import.sheet.no': 'нет',
    'import.sheet.checked': 'проверяется, не сохраняется',
  },
});

/** One problem of a file: the line and column it is at, a stable reason, and a message in the caller's language. */
export interface ImportProblem {
  line: number;
  column: string;
  reason: string;
  message: string;
}

/**
 * Builds a problem. `rule.*` reasons are the registry's own rules (their messages come from the registry
 * service), everything else is `import.*`.
 */
export function problemAt(
  locale: Locale,
  line: number,
  column: string,
  reason: string,
  params: Record<string, unknown> = {},
): ImportProblem {
  const code = reason.startsWith('rule.') ? reason : `import.${reason}`;
  const text = translate(locale, code, params);
  return {
    line,
    column,
    reason: reason.replace(/^rule\./, ''),
    message: translate(locale, 'import.at', { line: String(line), column, text }),
  };
}

/** A parsed cell: text, a number, yes/no, a list of codes, a date (YYYY-MM-DD) or an instant; null when empty. */
export type CellValue = string | number | boolean | string[] | Date | null;

const YES = new Set(['yes', 'y', 'true', '1', 'bəli', 'beli', 'hə', 'да']);
const NO = new Set(['no', 'n', 'false', '0', 'xeyr', 'yox', 'нет']);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function isRealDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m || Number(m[1]) < MIN_YEAR || Number(m[1]) > MAX_YEAR) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** Parses one cell by its column's type; a problem when it cannot. */
export function parseCell(
  spec: ColumnSpec,
  raw: string,
  line: number,
  locale: Locale,
): { value: CellValue } | { problem: ImportProblem } {
  const fail = (reason: string, params: Record<string, unknown> = {}) => ({
    problem: problemAt(locale, line, spec.name, reason, params),
  });
  if (raw === '') return spec.required ? fail('required') : { value: null };
  switch (spec.type) {
    case 'text':
      if (spec.maxLength !== undefined && raw.length > spec.maxLength)
        return fail('too_long', { limit: spec.maxLength });
      if (spec.pattern && !spec.pattern.test(raw)) return fail('pattern');
      return { value: raw };
    case 'int':
    case 'number': {
      // A decimal comma, as Excel writes in the az and ru locales.
      const text = raw.includes('.') ? raw : raw.replace(',', '.');
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return fail('not_number');
      const n = Number(text);
      if (!Number.isFinite(n)) return fail('not_number');
      if (spec.type === 'int' && !Number.isInteger(n)) return fail('not_integer');
      if (spec.min !== undefined && n < spec.min) return fail('minimum', { limit: spec.min });
      if (spec.max !== undefined && n > spec.max) return fail('maximum', { limit: spec.max });
      return { value: n };
    }
    case 'yesno': {
      const v = raw.toLowerCase();
      if (YES.has(v)) return { value: true };
      if (NO.has(v)) return { value: false };
      return fail('not_yes_no');
    }
    case 'enum': {
      if (spec.values!.includes(raw)) return { value: raw };
      const other = spec.synonyms?.[raw.toLowerCase()];
      if (other !== undefined) return { value: other };
      return fail('not_one_of', { values: spec.values!.join(', ') });
    }
    case 'list':
      return {
        value: raw
          .split(/[;,\s]+/)
          .map((s) => s.trim())
          .filter(Boolean),
      };
    case 'date':
      return isRealDate(raw) ? { value: raw } : fail('not_date');
    case 'datetime': {
      if (!DATETIME.test(raw) || !isRealDate(raw.slice(0, 10))) return fail('not_datetime');
      const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(raw) ? raw : `${raw}Z`;
      const d = new Date(zoned.replace(' ', 'T'));
      return Number.isNaN(d.getTime()) ? fail('not_datetime') : { value: d };
    }
  }
}

/**
 * Checks a file's header against a data set, all at line 1: doubled and missing columns are problems;
 * unknown columns are warnings (they are ignored, and the rest of the file is read).
 */
export function checkHeader(
  dataset: Dataset,
  header: string[],
  locale: Locale,
): { problems: ImportProblem[]; warnings: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const warnings: ImportProblem[] = [];
  const known = new Map(COLUMNS[dataset].map((c) => [c.name, c]));
  const seen = new Set<string>();
  for (const raw of header) {
    const name = raw.toLowerCase();
    if (name === '') continue;
    if (seen.has(name)) problems.push(problemAt(locale, 1, raw, 'duplicate_column'));
    seen.add(name);
    if (!known.has(name)) warnings.push(problemAt(locale, 1, raw, 'unknown_column', { dataset }));
  }
  for (const c of COLUMNS[dataset]) {
    if (c.required && !seen.has(c.name)) problems.push(problemAt(locale, 1, c.name, 'missing_column'));
  }
  return { problems, warnings };
}

/**
 * Giga's columns that have a column of ours by the same name but mean more: Giga's count any internet and
 * any computer, ours the teaching link and teaching computers. In a Giga file they are read into the
 * columns of ours that mean what Giga's do.
 */
export const GIGA_WIDER: Readonly<Record<string, string>> = {
  connectivity_govt: 'connectivity_any',
  connectivity_type_govt: 'connectivity_type_any',
  download_speed_contracted: 'download_speed_contracted_any',
  num_computers: 'num_computers_any',
  computer_availability: 'computer_availability_any',
};

/**
 * Whether a schools file is written in Giga's columns: it has neither of our own `area_code` and
 * `school_type` (Giga locates a school by admin1/admin2 names and knows schools only).
 */
export function isGigaFile(dataset: Dataset, header: string[]): boolean {
  const names = new Set(header.map((h) => h.toLowerCase()));
  return dataset === 'schools' && !names.has('area_code') && !names.has('school_type');
}

/** A Giga file read as ours: its wider columns renamed to the columns of ours that mean what they do. */
export function fromGiga<F extends { header: string[]; rows: FileRow[] }>(file: F): F {
  const rename = (name: string) => GIGA_WIDER[name.toLowerCase()] ?? name;
  return {
    ...file,
    header: file.header.map(rename),
    rows: file.rows.map((r) => ({
      line: r.line,
      cells: new Map([...r.cells].map(([k, v]) => [rename(k), v])),
    })),
  };
}

/** Parses a row's cells by the data set's columns (information-only columns are skipped). */
export function parseRow(
  dataset: Dataset,
  row: FileRow,
  locale: Locale,
): { values: Map<string, CellValue>; problems: ImportProblem[] } {
  const values = new Map<string, CellValue>();
  const problems: ImportProblem[] = [];
  for (const spec of COLUMNS[dataset]) {
    if (spec.role === 'info') continue;
    const parsed = parseCell(spec, row.cells.get(spec.name) ?? '', row.line, locale);
    if ('problem' in parsed) problems.push(parsed.problem);
    else values.set(spec.name, parsed.value);
  }
  for (const key of row.cells.keys()) {
    if (key.startsWith('#')) problems.push(problemAt(locale, row.line, key, 'extra_value'));
  }
  return { values, problems };
}

/**
 * Folds a name for comparison the way the platform's SQL folding does (ə→e, ı/İ→i, ö→o, ü→u, ğ→g, ş→s, ç→c,
 * ё→е), before lower-casing so that 'İ' never becomes 'i̇'; runs of spaces and punctuation count as one space.
 */
export function foldName(name: string): string {
  const from = 'İIıƏəÖöÜüĞğŞşÇçЁё';
  const to = 'iiieeoouuggssccее';
  let out = '';
  for (const ch of name) {
    const i = from.indexOf(ch);
    out += i >= 0 ? to[i] : ch;
  }
  return out
    .toLowerCase()
    .replace(/[\s.,"'«»№#-]+/g, ' ')
    .trim();
}
