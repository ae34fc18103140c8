import type { LocalisedName } from '@/modules/institutions/country-pack';

/** Azerbaijani names and places for generated people and schools. */

/** Common Azerbaijani men's given names. */
export const MALE_NAMES = [
  'Əli',
  'Murad',
  'Rauf',
  'Elçin',
  'Elvin',
  'Kamran',
  'Orxan',
  'Rəşad',
  'Tural',
  'Nicat',
  'Ramil',
  'Rövşən',
  'Fərid',
  'Vüqar',
  'Anar',
  'Cavid',
  'Emin',
  'Fuad',
  'Hüseyn',
  'İlkin',
  'Kənan',
  'Mahir',
  'Nurlan',
  'Ruslan',
  'Samir',
  'Səbuhi',
  'Tofiq',
  'Vüsal',
  'Zaur',
  'Yusif',
  'Ayxan',
  'Elnur',
  'Emil',
  'Əhməd',
  'Fərhad',
  'Qabil',
  'Həsən',
  'İbrahim',
  'Cəlil',
  'Kamal',
  'Məhəmməd',
  'Nihad',
  'Ömər',
  'Pərviz',
  'Rasim',
  'Sənan',
  'Toğrul',
  'Uğur',
  'Vaqif',
  'Xəyal',
  'Yaşar',
  'Zakir',
  'Aydın',
  'Babək',
  'Camal',
  'Elşən',
  'Famil',
  'Hikmət',
  'İsmayıl',
  'Ülvi',
  'Şahin',
  'Çingiz',
] as const;

/** Common Azerbaijani women's given names. */
export const FEMALE_NAMES = [
  'Aysel',
  'Aygün',
  'Günay',
  'Leyla',
  'Nərmin',
  'Səbinə',
  'Lalə',
  'Aynur',
  'Könül',
  'Sevinc',
  'Türkan',
  'Ülviyyə',
  'Vüsalə',
  'Zəhra',
  'Fidan',
  'Gülnar',
  'Aytən',
  'Nigar',
  'Nuranə',
  'Rəna',
  'Sara',
  'Şəbnəm',
  'Təranə',
  'Ülkər',
  'Xədicə',
  'Yeganə',
  'Zərifə',
  'Aidə',
  'Arzu',
  'Bahar',
  'Cəmilə',
  'Dilarə',
  'Elnarə',
  'Elmira',
  'Fatimə',
  'Gülşən',
  'Həcər',
  'İlahə',
  'Jalə',
  'Kəmalə',
  'Lamiyə',
  'Mehriban',
  'Nazlı',
  'Nərgiz',
  'Pərvin',
  'Röya',
  'Səidə',
  'Sevda',
  'Şahnaz',
  'Tamilla',
  'Ulduz',
  'Vəfa',
  'Mələk',
  'Çiçək',
] as const;

/**
 * Surnames in their men's form. Those ending in -ov, -yev, -ev take -a for women (Əliyev, Əliyeva); those in
 * -li, -lı, -zadə are the same for both.
 */
export const SURNAMES = [
  'Əliyev',
  'Məmmədov',
  'Həsənov',
  'Hüseynov',
  'Quliyev',
  'Abbasov',
  'İsmayılov',
  'Rzayev',
  'Səfərov',
  'Cəfərov',
  'Mustafayev',
  'Nəsirov',
  'Qasımov',
  'İbrahimov',
  'Bağırov',
  'Süleymanov',
  'Kərimov',
  'Babayev',
  'Orucov',
  'Hacıyev',
  'Vəliyev',
  'Əhmədov',
  'Rəhimov',
  'Zeynalov',
  'Novruzov',
  'Şükürov',
  'Tağıyev',
  'Musayev',
  'Nəbiyev',
  'Paşayev',
  'Ələkbərov',
  'Salmanov',
  'Mirzəyev',
  'Qurbanov',
  'Kazımov',
  'Nağıyev',
  'Sadıqov',
  'Əsgərov',
  'Xəlilov',
  'Yusifov',
  'Allahverdiyev',
  'Cavadov',
  'Fərzəliyev',
  'Heydərov',
  'Əzizov',
  'Hüseynli',
  'Məmmədli',
  'Qasımlı',
  'Cəfərli',
  'Əlizadə',
  'Həsənzadə',
  'Quluzadə',
  'Mirzəzadə',
] as const;

/** A surname in the form for a man or a woman. */
export function surnameFor(surname: string, female: boolean): string {
  return female && /(ov|ev)$/.test(surname) ? `${surname}a` : surname;
}

/** Village names common across the country, for rural schools: "Quba rayonu Təzəkənd kənd tam orta məktəbi". */
export const VILLAGES: readonly LocalisedName[] = [
  { az: 'Təzəkənd', ru: 'Тазакенд', en: 'Tazakend' },
  { az: 'Yenikənd', ru: 'Еникенд', en: 'Yenikend' },
  { az: 'Mollakənd', ru: 'Моллакенд', en: 'Mollakend' },
  { az: 'Əliabad', ru: 'Алиабад', en: 'Aliabad' },
  { az: 'Şıxlar', ru: 'Шыхлар', en: 'Shikhlar' },
  { az: 'Qaraqoyunlu', ru: 'Гарагоюнлу', en: 'Garagoyunlu' },
  { az: 'Bəyli', ru: 'Бейли', en: 'Bayli' },
  { az: 'Qışlaq', ru: 'Гышлаг', en: 'Gishlag' },
  { az: 'Çaykənd', ru: 'Чайкенд', en: 'Chaykend' },
  { az: 'Dəllər', ru: 'Деллер', en: 'Dallar' },
  { az: 'Hacılar', ru: 'Гаджылар', en: 'Hajilar' },
  { az: 'Kərimbəyli', ru: 'Керимбейли', en: 'Karimbayli' },
  { az: 'Qasımlı', ru: 'Гасымлы', en: 'Gasimli' },
  { az: 'Sarıcalı', ru: 'Сарыджалы', en: 'Sarijali' },
  { az: 'Xanlıqlar', ru: 'Ханлыглар', en: 'Khanliglar' },
  { az: 'Novruzlu', ru: 'Новрузлу', en: 'Novruzlu' },
  { az: 'Ağalı', ru: 'Агалы', en: 'Aghali' },
  { az: 'Bağbanlar', ru: 'Багбанлар', en: 'Baghbanlar' },
  { az: 'Göyçəli', ru: 'Гёйчали', en: 'Goychali' },
  { az: 'Quşçu', ru: 'Гушчу', en: 'Gushchu' },
  { az: 'Çardaqlı', ru: 'Чардаглы', en: 'Chardagli' },
  { az: 'Əmirli', ru: 'Амирли', en: 'Amirli' },
  { az: 'Qaradağlı', ru: 'Гарадаглы', en: 'Garadagli' },
  { az: 'Boyəhmədli', ru: 'Бойахмедли', en: 'Boyahmadli' },
  { az: 'Cəfərli', ru: 'Джафарли', en: 'Jafarli' },
  { az: 'Həsənli', ru: 'Гасанлы', en: 'Hasanli' },
  { az: 'Kosalar', ru: 'Косалар', en: 'Kosalar' },
  { az: 'Muğanlı', ru: 'Муганлы', en: 'Mughanli' },
  { az: 'Pirili', ru: 'Пирили', en: 'Pirili' },
  { az: 'Rəsullu', ru: 'Расуллу', en: 'Rasullu' },
  { az: 'Söyüdlü', ru: 'Сёюдлю', en: 'Soyudlu' },
  { az: 'Tağılar', ru: 'Тагылар', en: 'Taghilar' },
  { az: 'Zeynəddin', ru: 'Зейнаддин', en: 'Zeynaddin' },
  { az: 'Günəşli', ru: 'Гюнешли', en: 'Gunashli' },
  { az: 'Çinarlı', ru: 'Чинарлы', en: 'Chinarli' },
  { az: 'Ərəblər', ru: 'Араблар', en: 'Arablar' },
];

/** Universities of the national seed: real ones, placed in their areas by code (skipped when a pack lacks the area). */
export const UNIVERSITIES: readonly {
  area: string;
  name: LocalisedName;
  students: number;
  teachers: number;
}[] = [
  {
    area: 'AZ-BA-YSM',
    name: {
      az: 'Bakı Dövlət Universiteti',
      ru: 'Бакинский государственный университет',
      en: 'Baku State University',
    },
    students: 24_000,
    teachers: 1_600,
  },
  {
    area: 'AZ-BA-SBL',
    name: {
      az: 'Azərbaycan Dövlət Pedaqoji Universiteti',
      ru: 'Азербайджанский государственный педагогический университет',
      en: 'Azerbaijan State Pedagogical University',
    },
    students: 16_000,
    teachers: 1_100,
  },
  {
    area: 'AZ-BA-YSM',
    name: {
      az: 'Azərbaycan Texniki Universiteti',
      ru: 'Азербайджанский технический университет',
      en: 'Azerbaijan Technical University',
    },
    students: 10_000,
    teachers: 800,
  },
  {
    area: 'AZ-BA-NSM',
    name: {
      az: 'Azərbaycan Dövlət İqtisad Universiteti',
      ru: 'Азербайджанский государственный экономический университет',
      en: 'Azerbaijan State University of Economics',
    },
    students: 20_000,
    teachers: 1_000,
  },
  {
    area: 'AZ-BA-NSM',
    name: {
      az: 'Azərbaycan Dövlət Neft və Sənaye Universiteti',
      ru: 'Азербайджанский государственный университет нефти и промышленности',
      en: 'Azerbaijan State Oil and Industry University',
    },
    students: 14_000,
    teachers: 1_000,
  },
  {
    area: 'AZ-BA-NRM',
    name: { az: 'ADA Universiteti', ru: 'Университет ADA', en: 'ADA University' },
    students: 3_500,
    teachers: 250,
  },
  {
    area: 'AZ-GA',
    name: {
      az: 'Gəncə Dövlət Universiteti',
      ru: 'Гянджинский государственный университет',
      en: 'Ganja State University',
    },
    students: 8_000,
    teachers: 550,
  },
  {
    area: 'AZ-NV',
    name: {
      az: 'Naxçıvan Dövlət Universiteti',
      ru: 'Нахчыванский государственный университет',
      en: 'Nakhchivan State University',
    },
    students: 7_000,
    teachers: 500,
  },
  {
    area: 'AZ-SM',
    name: {
      az: 'Sumqayıt Dövlət Universiteti',
      ru: 'Сумгаитский государственный университет',
      en: 'Sumgait State University',
    },
    students: 7_500,
    teachers: 450,
  },
  {
    area: 'AZ-LA',
    name: {
      az: 'Lənkəran Dövlət Universiteti',
      ru: 'Ленкоранский государственный университет',
      en: 'Lankaran State University',
    },
    students: 3_500,
    teachers: 250,
  },
  {
    area: 'AZ-MI',
    name: {
      az: 'Mingəçevir Dövlət Universiteti',
      ru: 'Мингечевирский государственный университет',
      en: 'Mingachevir State University',
    },
    students: 4_000,
    teachers: 280,
  },
];

const FOLD_FROM = 'İIıƏəÖöÜüĞğŞşÇçЁё';
const FOLD_TO = 'iiieeoouuggssccее';

/**
 * Folds Azerbaijani letters the way the database's search function does (`translate` with the same two
 * strings, then lower case), so a username typed without ə, ş, ç is found as folded here. The letters are
 * mapped before lower-casing because JavaScript lower-cases İ to "i̇", not "i".
 */
export function fold(text: string): string {
  let out = '';
  for (const ch of text) {
    const i = FOLD_FROM.indexOf(ch);
    out += i >= 0 ? FOLD_TO[i] : ch;
  }
  return out.toLowerCase();
}

/** A username's base from a person's names: "Murad", "Əliyev" → "murad.eliyev". */
export function usernameBase(given: string, surname: string): string {
  const part = (s: string) => fold(s).replace(/[^a-z0-9]/g, '');
  return `${part(given)}.${part(surname)}`;
}

/** Hands out unique usernames: the first "murad.eliyev", then "murad.eliyev2", "murad.eliyev3", … */
export class Usernames {
  private readonly used = new Map<string, number>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.used.set(name, 1);
  }

  /** A username not handed out before, built from the names. */
  next(given: string, surname: string): string {
    const base = usernameBase(given, surname);
    let n = this.used.get(base) ?? 0;
    let candidate: string;
    do {
      n += 1;
      candidate = n === 1 ? base : `${base}${n}`;
    } while (n > 1 && this.used.has(candidate));
    this.used.set(base, n);
    if (candidate !== base) this.used.set(candidate, 1);
    return candidate;
  }
}
