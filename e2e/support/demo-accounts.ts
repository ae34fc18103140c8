/** The interface languages, in the order the tests walk them. */
export const LANGS = ['az', 'ru', 'en'] as const;
/** One interface language. */
export type Lang = (typeof LANGS)[number];
type InEach = Record<Lang, string>;

/** A demo account and what its home must show: written out here, not read from the resources, so a wrong or missing translation fails. */
export interface DemoAccount {
  username: string;
  path: string;
  title: InEach;
  intro: InEach;
  nav: Record<Lang, string[]>;
  /** A selector for something on the home that only real data fills in. */
  data: string;
}

/** The password of every demo account. */
export const DEMO_PASSWORD = 'demo';

/** The eight demo accounts of the seeded country. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    username: 'admin',
    path: '/admin',
    title: { az: 'Milli idarəetmə', ru: 'Национальное администрирование', en: 'National administration' },
    intro: {
      az: 'Platformanın ümumi vəziyyəti və son dəyişikliklər.',
      ru: 'Общее состояние платформы и последние изменения.',
      en: 'The state of the platform and its latest changes.',
    },
    nav: {
      az: [
        'İdarəetmə',
        'Distant təhsil',
        'Təlim ehtiyacları',
        'Təlim tarixçəsi',
        'Vebinarlar',
        'Müsabiqələrin təşkili',
        'İKT paneli',
        'Kompüterlərin paylanması',
        'Reyestr faylları',
        'API sənədləri',
        'Tədris resursları',
      ],
      ru: [
        'Администрирование',
        'Дистанционное обучение',
        'Потребности в обучении',
        'История обучения',
        'Вебинары',
        'Организация конкурсов',
        'Панель ИКТ',
        'Распределение компьютеров',
        'Файлы реестра',
        'Документация API',
        'Учебные ресурсы',
      ],
      en: [
        'Administration',
        'Distance learning',
        'Training needs',
        'Training history',
        'Webinars',
        'Organise contests',
        'ICT dashboard',
        'Computer distribution',
        'Registry files',
        'API documentation',
        'Learning resources',
      ],
    },
    data: '.stats dd',
  },
  {
    username: 'bureau',
    path: '/overview',
    title: { az: 'Ölkə üzrə icmal', ru: 'Обзор по стране', en: 'National overview' },
    intro: {
      az: 'İqtisadi rayonlar üzrə təhsil müəssisələri. Yalnız ümumi göstəricilər.',
      ru: 'Учебные заведения по экономическим районам. Только сводные показатели.',
      en: 'Institutions by economic region. Aggregates only.',
    },
    nav: {
      az: [
        'Ölkə üzrə icmal',
        'Distant təhsil',
        'Təlim ehtiyacları',
        'Təlim tarixçəsi',
        'Vebinarlar',
        'Müsabiqələrin təşkili',
        'İKT paneli',
        'Kompüterlərin paylanması',
        'Reyestr faylları',
        'Tədris resursları',
      ],
      ru: [
        'Обзор по стране',
        'Дистанционное обучение',
        'Потребности в обучении',
        'История обучения',
        'Вебинары',
        'Организация конкурсов',
        'Панель ИКТ',
        'Распределение компьютеров',
        'Файлы реестра',
        'Учебные ресурсы',
      ],
      en: [
        'National overview',
        'Distance learning',
        'Training needs',
        'Training history',
        'Webinars',
        'Organise contests',
        'ICT dashboard',
        'Computer distribution',
        'Registry files',
        'Learning resources',
      ],
    },
    data: 'table tbody tr',
  },
  {
    username: 'region',
    path: '/area',
    title: { az: 'Ərazimin məktəbləri', ru: 'Школы моей территории', en: 'Schools in my area' },
    intro: {
      az: 'Məsul olduğunuz ərazidəki təhsil müəssisələri.',
      ru: 'Учебные заведения на территории, за которую вы отвечаете.',
      en: 'The institutions in the area you are responsible for.',
    },
    nav: {
      az: [
        'Ərazimin məktəbləri',
        'Vebinarlar',
        'Müsabiqələrin təşkili',
        'Reyestrin yoxlanışı',
        'Reyestr faylları',
        'Tədris resursları',
        'Distant təhsil',
        'Təlim ehtiyacları',
      ],
      ru: [
        'Школы моей территории',
        'Вебинары',
        'Организация конкурсов',
        'Проверка реестра',
        'Файлы реестра',
        'Учебные ресурсы',
        'Дистанционное обучение',
        'Потребности в обучении',
      ],
      en: [
        'Schools in my area',
        'Webinars',
        'Organise contests',
        'Registry review',
        'Registry files',
        'Learning resources',
        'Distance learning',
        'Training needs',
      ],
    },
    data: 'ul.schools li',
  },
  {
    username: 'director',
    path: '/school',
    title: { az: 'Məktəbim', ru: 'Моя школа', en: 'My school' },
    intro: {
      az: 'Məktəbinizin qeydiyyat məlumatları. Adları, yeri, təhsil səviyyələrini və növbələri özünüz yeniləyə bilərsiniz.',
      ru: 'Регистрационные данные вашей школы. Названия, местоположение, уровни образования и смены вы можете обновлять сами.',
      en: "Your school's registry record. You can update its names, location, levels and shifts yourself.",
    },
    nav: {
      az: [
        'Məktəbim',
        'Pedaqoji şuralar',
        'Sinif jurnalı',
        'Vebinarlar',
        'Tapşırıqlar',
        'Dərs cədvəli',
        'Müsabiqələrin təşkili',
        'Məktəbimin İKT-si',
        'Kompüter paylanması',
        'Reyestr faylları',
        'Tədris resursları',
        'Distant təhsil',
      ],
      ru: [
        'Моя школа',
        'Педагогические советы',
        'Классный журнал',
        'Вебинары',
        'Задания',
        'Расписание',
        'Организация конкурсов',
        'ИКТ моей школы',
        'Распределение компьютеров',
        'Файлы реестра',
        'Учебные ресурсы',
        'Дистанционное обучение',
      ],
      en: [
        'My school',
        'Pedagogical councils',
        'Class journal',
        'Webinars',
        'Assignments',
        'Timetable',
        'Organise contests',
        "My school's ICT",
        'Computer distribution',
        'Registry files',
        'Learning resources',
        'Distance learning',
      ],
    },
    data: 'section.card dl.record',
  },
  {
    username: 'teacher',
    path: '/classes',
    title: { az: 'Siniflərim', ru: 'Мои классы', en: 'My classes' },
    intro: {
      az: 'Bu tədris ilində rəhbərlik etdiyiniz siniflər.',
      ru: 'Классы, которыми вы руководите в этом учебном году.',
      en: 'The classes you lead this academic year.',
    },
    nav: {
      az: [
        'Siniflərim',
        'Pedaqoji şuralar',
        'Sinif jurnalı',
        'Vebinarlar',
        'Tapşırıqlar',
        'Dərslərim',
        'Müsabiqələrin təşkili',
        'Tədris resursları',
      ],
      ru: [
        'Мои классы',
        'Педагогические советы',
        'Классный журнал',
        'Вебинары',
        'Задания',
        'Мои уроки',
        'Организация конкурсов',
        'Учебные ресурсы',
      ],
      en: [
        'My classes',
        'Pedagogical councils',
        'Class journal',
        'Webinars',
        'Assignments',
        'My lessons',
        'Organise contests',
        'Learning resources',
      ],
    },
    data: 'ul.tiles li',
  },
  {
    username: 'student',
    path: '/class',
    title: { az: 'Sinfim', ru: 'Мой класс', en: 'My class' },
    intro: {
      az: 'Bu tədris ilində oxuduğunuz sinif.',
      ru: 'Класс, в котором вы учитесь в этом учебном году.',
      en: 'The class you study in this academic year.',
    },
    nav: {
      az: ['Sinfim', 'Tapşırıqlar', 'Müsabiqələr', 'Tədris resursları'],
      ru: ['Мой класс', 'Задания', 'Конкурсы', 'Учебные ресурсы'],
      en: ['My class', 'Assignments', 'Contests', 'Learning resources'],
    },
    data: 'dl.record',
  },
  {
    username: 'parent',
    path: '/children',
    title: { az: 'Övladlarım', ru: 'Мои дети', en: 'My children' },
    intro: {
      az: 'Hesabınıza bağlı uşaqlar və onların sinifləri.',
      ru: 'Дети, привязанные к вашей учётной записи, и их классы.',
      en: 'The children linked to your account, and their classes.',
    },
    nav: {
      az: ['Övladlarım', 'Tapşırıqlar', 'Tədris resursları'],
      ru: ['Мои дети', 'Задания', 'Учебные ресурсы'],
      en: ['My children', 'Assignments', 'Learning resources'],
    },
    data: 'section.card h2',
  },
  {
    username: 'editor',
    path: '/library',
    title: { az: 'Kitabxana', ru: 'Библиотека', en: 'Library' },
    intro: {
      az: 'Milli rəqəmsal kitabxananın redaktor bölməsi.',
      ru: 'Раздел редактора национальной цифровой библиотеки.',
      en: "The editors' area of the national digital library.",
    },
    nav: {
      az: ['Kitabxana', 'Tədris resursları', 'Müsabiqələrin təşkili'],
      ru: ['Библиотека', 'Учебные ресурсы', 'Организация конкурсов'],
      en: ['Library', 'Learning resources', 'Organise contests'],
    },
    data: '.notice h2',
  },
];

/** What the sign-in page's heading says in each language, to recognise it after signing out. */
export const SIGN_IN_TITLE: InEach = { az: 'Sistemə daxil olun', ru: 'Вход в систему', en: 'Sign in' };
