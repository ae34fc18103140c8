import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import { bulkInsert } from '@/server/db/bulk';
import { enqueue, JobWorker } from '@/server/jobs';
import type { Storage } from '@/server/storage';
import type { CountryPack, PackSubject, PackTopic } from '@/modules/institutions/country-pack';
import { findUserByUsername } from '@/modules/identity/identity.store';
import { sha256File } from '@/modules/library/library.files';
import { mediaAvailable, type MediaTools } from '@/modules/library/library.media';
import { MEDIA_QUEUE, mediaJob } from '@/modules/library/library.service';
import { listTopics } from '@/modules/library/library.store';
import {
  collectionItems,
  collections,
  files,
  resourceEvents,
  resources,
  resourceTopics,
  type LICENCES,
  type RESOURCE_TYPES,
} from '@/modules/library/library.tables';
import { Random } from '@/seed/random';

/**
 * The demo library: about 300 published resources of every kind — e-textbooks with their teacher's guides
 * for a grade × subject grid (in Azerbaijani, Russian and English), video lessons, a season of TV lessons
 * ("Dərs vaxtı", aired from 11 March 2020 on Mədəniyyət and ARB Günəş), audio lessons, worksheets, STEAM
 * projects and extracurricular reading — with curriculum topics from the country pack, authors, licences and
 * a few collections and playlists.
 *
 * Its files are made here, never downloaded: a few short videos and a sound made by ffmpeg's test sources
 * (with the kind of lesson drawn on the picture when ffmpeg has drawtext), and a PDF for every book, guide,
 * worksheet and reading (pdfkit, DejaVu Sans: real Azerbaijani, Russian or English text, so a reader's
 * search finds words in them). Many resources share one video: each has its own main-file row pointing at the
 * same stored original, and the library's own media job processes it — once, since an upload with the bytes
 * of one already processed takes over its renditions. Without ffmpeg the videos and sounds are a WAV tone
 * made here, served as it is (the library's "processing unavailable" state), and the seed says so.
 *
 * The metadata depends on the seed number alone (titles, dates, authors, ids); file bytes may differ between
 * runs and machines, so the digest leaves sizes and hashes out.
 */

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD_FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
/**
 * pdfkit's own font parser. pdfkit takes an already parsed font, and parsing and preparing the layout of
 * DejaVu Sans costs more than writing a whole small book: parsed once, two hundred PDFs take a third of the time.
 */
const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(data: Buffer): object };
type ParsedFont = Parameters<PDFKit.PDFDocument['registerFont']>[1];
const run = promisify(execFile);

/** Where the demo library's files go, and the media programs that make and process them. */
export interface LibrarySeedOptions {
  storage: Storage;
  media: MediaTools;
}

/** What the library seed wrote, for the log and the tests. */
export interface LibrarySummary {
  resources: number;
  byType: Record<string, number>;
  collections: number;
  pdfs: number;
  /** Distinct generated media files (videos and sounds) the resources share. */
  media: number;
  /** Whether ffmpeg made the media and processed it, or the WAV fallback was served as it is. */
  processing: 'done' | 'unavailable' | 'incomplete' | 'queued';
  /** Media jobs run after the seed's transaction. */
  jobs: number;
  /** Milliseconds of the library's own work: making its files, writing its rows, processing its media. */
  ms: number;
}

type ResourceType = (typeof RESOURCE_TYPES)[number];
type Licence = (typeof LICENCES)[number];
type Lang = 'az' | 'ru' | 'en';
type Text3 = Record<Lang, string>;

/** The shared media: one short video per kind of lesson, and one sound. */
const MEDIA = {
  lesson: { kind: 'video', seconds: 5, label: 'Maktab · Video dərs', source: 'testsrc2', tone: 440 },
  tv: { kind: 'video', seconds: 5, label: 'Dərs vaxtı · Teledərs', source: 'smptehdbars', tone: 523 },
  steam: { kind: 'video', seconds: 5, label: 'Maktab · STEAM layihəsi', source: 'rgbtestsrc', tone: 659 },
  audio: { kind: 'audio', seconds: 8, label: '', source: '', tone: 392 },
} as const;
type MediaName = keyof typeof MEDIA;

/** One resource of the plan: its row, its topics (codes) and its main file. */
export interface PlannedResource {
  type: ResourceType;
  title: string;
  description: string;
  language: Lang;
  grades: number[];
  subject: string | null;
  topicCodes: string[];
  authors: string[];
  publisher: string | null;
  channel: string | null;
  airDate: string | null;
  durationSeconds: number | null;
  licence: Licence;
  /** When it was written; submitted a day later, published two days later. */
  createdAt: Date;
  file: { media: MediaName } | { pdf: PdfSpec };
}

/** What a generated PDF says. */
export interface PdfSpec {
  language: Lang;
  title: string;
  subtitle: string;
  lines: string[];
  chapters: { heading: string; paragraphs: string[] }[];
}

/** A collection or playlist of the plan, its resources by index in the plan. */
export interface PlannedCollection {
  kind: 'collection' | 'playlist';
  title: string;
  description: string;
  items: number[];
}

/** The whole demo library, before anything is written. */
export interface LibraryPlan {
  resources: PlannedResource[];
  collections: PlannedCollection[];
}

// ---- words

const ORDINAL = ['ci', 'ci', 'cü', 'cü', 'ci', 'cı', 'ci', 'ci', 'cu', 'cu', 'ci'];
/** "5-ci sinif", "5 класс", "grade 5". */
const gradeName = (g: number, lang: Lang) =>
  lang === 'az' ? `${g}-${ORDINAL[g - 1]} sinif` : lang === 'ru' ? `${g} класс` : `grade ${g}`;

/** Chapters and lesson topics of each subject in the library's grid: grades they suit, and their names. */
const SUBJECT_TOPICS: Record<string, [number, number, string, string, string][]> = {
  azerbaijani_language: [
    [1, 2, 'Əlifba və səslər', 'Алфавит и звуки', 'The alphabet and sounds'],
    [2, 5, 'Ahəng qanunu', 'Закон гармонии гласных', 'Vowel harmony'],
    [3, 7, 'İsim və sifət', 'Существительное и прилагательное', 'Nouns and adjectives'],
    [5, 9, 'Feilin zamanları', 'Времена глагола', 'Verb tenses'],
    [7, 11, 'Mürəkkəb cümlə', 'Сложное предложение', 'Complex sentences'],
    [8, 11, 'Nitq mədəniyyəti', 'Культура речи', 'Culture of speech'],
  ],
  mathematics: [
    [1, 3, 'Ədədlər və hesablama', 'Числа и счёт', 'Numbers and counting'],
    [2, 4, 'Vurma cədvəli', 'Таблица умножения', 'Multiplication table'],
    [4, 6, 'Adi kəsrlər', 'Обыкновенные дроби', 'Fractions'],
    [5, 6, 'Onluq kəsrlər', 'Десятичные дроби', 'Decimals'],
    [6, 8, 'Çoxbucaqlının perimetri və sahəsi', 'Периметр и площадь многоугольника', 'Perimeter and area'],
    [7, 9, 'Xətti tənliklər', 'Линейные уравнения', 'Linear equations'],
    [8, 9, 'Üçbucaqların bərabərliyi', 'Равенство треугольников', 'Congruent triangles'],
    [9, 11, 'Kvadrat funksiya', 'Квадратичная функция', 'Quadratic functions'],
    [10, 11, 'Törəmə', 'Производная', 'Derivatives'],
  ],
  informatics: [
    [1, 3, 'Kompüterlə tanışlıq', 'Знакомство с компьютером', 'Meeting the computer'],
    [3, 6, 'Alqoritmlər', 'Алгоритмы', 'Algorithms'],
    [1, 11, 'İnternetdə təhlükəsizlik', 'Безопасность в интернете', 'Internet safety'],
    [5, 8, 'Mətn redaktoru', 'Текстовый редактор', 'Word processing'],
    [7, 9, 'Elektron cədvəllər', 'Электронные таблицы', 'Spreadsheets'],
    [8, 11, 'Proqramlaşdırmanın əsasları', 'Основы программирования', 'Programming basics'],
  ],
  life_knowledge: [
    [1, 2, 'Ailə və dostlar', 'Семья и друзья', 'Family and friends'],
    [1, 4, 'Təbiət və fəsillər', 'Природа и времена года', 'Nature and seasons'],
    [2, 4, 'Sağlam həyat tərzi', 'Здоровый образ жизни', 'Healthy living'],
    [3, 4, 'Doğma diyarım', 'Мой родной край', 'My home region'],
  ],
  physics: [
    [6, 7, 'Cisimlərin hərəkəti', 'Движение тел', 'Motion'],
    [7, 9, 'Qüvvə və Nyuton qanunları', 'Сила и законы Ньютона', "Force and Newton's laws"],
    [8, 9, 'Elektrik cərəyanı', 'Электрический ток', 'Electric current'],
    [9, 11, 'İşıq və optika', 'Свет и оптика', 'Light and optics'],
    [10, 11, 'Enerjinin saxlanması qanunu', 'Закон сохранения энергии', 'Conservation of energy'],
  ],
  chemistry: [
    [7, 8, 'Maddələr və onların xassələri', 'Вещества и их свойства', 'Substances and their properties'],
    [8, 9, 'Dövri sistem', 'Периодическая система', 'The periodic table'],
    [9, 10, 'Kimyəvi reaksiyalar', 'Химические реакции', 'Chemical reactions'],
    [10, 11, 'Üzvi birləşmələr', 'Органические соединения', 'Organic compounds'],
  ],
  biology: [
    [6, 7, 'Hüceyrənin quruluşu', 'Строение клетки', 'The cell'],
    [6, 8, 'Bitkilər aləmi', 'Царство растений', 'Plants'],
    [8, 9, 'İnsan orqanizmi', 'Организм человека', 'The human body'],
    [10, 11, 'Genetikanın əsasları', 'Основы генетики', 'Genetics'],
  ],
  history_azerbaijan: [
    [5, 6, 'Qədim dövr', 'Древний период', 'Ancient times'],
    [6, 8, 'Orta əsrlər', 'Средние века', 'The Middle Ages'],
    [8, 9, 'XIX əsr', 'XIX век', 'The nineteenth century'],
    [
      9,
      11,
      'Azərbaycan Xalq Cümhuriyyəti',
      'Азербайджанская Демократическая Республика',
      'The Azerbaijan Democratic Republic',
    ],
    [10, 11, 'Müstəqillik illəri', 'Годы независимости', 'The years of independence'],
  ],
  russian_language: [
    [1, 3, 'Азбука', 'Азбука', 'The alphabet'],
    [3, 6, 'Части речи', 'Части речи', 'Parts of speech'],
    [5, 8, 'Правописание', 'Правописание', 'Spelling'],
    [8, 11, 'Синтаксис', 'Синтаксис', 'Syntax'],
  ],
  foreign_language_english: [
    [1, 4, 'Hello, friends!', 'Hello, friends!', 'Hello, friends!'],
    [4, 7, 'My day', 'My day', 'My day'],
    [6, 9, 'Travelling', 'Travelling', 'Travelling'],
    [8, 11, 'The world of work', 'The world of work', 'The world of work'],
  ],
  literature: [
    [5, 7, 'Nağıllar və dastanlar', 'Сказки и дастаны', 'Tales and epics'],
    [7, 9, 'Klassik poeziya', 'Классическая поэзия', 'Classical poetry'],
    [9, 11, 'XX əsr nəsri', 'Проза XX века', 'Twentieth-century prose'],
  ],
};

/** Topics of a subject for a grade: those of the table that suit it. */
const topicsFor = (subject: string, grade: number) =>
  (SUBJECT_TOPICS[subject] ?? []).filter(([from, to]) => grade >= from && grade <= to);

/** The e-textbook grid: which subjects have a textbook and guide in which language, for which grades. */
const GRID: { language: Lang; subject: string; grades: number[] }[] = [
  { language: 'az', subject: 'azerbaijani_language', grades: range(1, 11) },
  { language: 'az', subject: 'mathematics', grades: range(1, 11) },
  { language: 'az', subject: 'informatics', grades: range(1, 11) },
  { language: 'az', subject: 'life_knowledge', grades: range(1, 4) },
  { language: 'az', subject: 'physics', grades: range(6, 11) },
  { language: 'az', subject: 'chemistry', grades: range(7, 11) },
  { language: 'az', subject: 'biology', grades: range(6, 11) },
  { language: 'az', subject: 'history_azerbaijan', grades: range(5, 11) },
  { language: 'ru', subject: 'mathematics', grades: range(1, 11) },
  { language: 'ru', subject: 'russian_language', grades: range(1, 11) },
  { language: 'en', subject: 'foreign_language_english', grades: range(5, 9) },
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const AUTHORS: Record<Lang, string[]> = {
  az: [
    'Nəzakət Məmmədova',
    'Elmira Qasımova',
    'Rauf Əliyev',
    'Səbinə Hüseynova',
    'Tofiq Quliyev',
    'Gülnarə İsmayılova',
    'Vüqar Şükürov',
    'Aygün Rəhimova',
    'Kamran Bağırov',
    'Lalə Cəfərova',
    'Ülviyyə Həsənli',
    'Fərid Nəcəfov',
  ],
  ru: ['Ирина Ковалёва', 'Наталья Абдуллаева', 'Сергей Мирзоев', 'Елена Гусейнова', 'Ольга Исмаилова'],
  en: ['Aynur Karimova', 'Jane Whitfield', 'Elvin Mammadov', 'Sarah Collins'],
};

const PUBLISHERS = ['Təhsil Nazirliyi', 'Şərq-Qərb', 'Bakı nəşriyyatı', 'Təhsil', 'Kövsər'];

/** "Lesson time": the TV lessons of spring 2020. */
const TV_PROGRAMME = 'Dərs vaxtı';
const CHANNELS = ['Mədəniyyət', 'ARB Günəş'];
const TV_FIRST_DAY = Date.UTC(2020, 2, 11);
const DAY = 86_400_000;

const STEAM_PROJECTS: [string, number, number, string][] = [
  ['Günəş enerjisi ilə işləyən model ev', 6, 8, 'physics'],
  ['Sadə robot qol', 7, 9, 'informatics'],
  ['Su filtri qururuq', 6, 7, 'chemistry'],
  ['Kağızdan körpü: konstruksiya və yük', 5, 7, 'mathematics'],
  ['Həyətimizdə meteoroloji stansiya', 7, 9, 'geography'],
  ['Bitkilərin avtomatik suvarılması', 8, 10, 'biology'],
  ['Elektrik dövrəsi ilə oyun', 8, 9, 'physics'],
  ['Kağız təyyarələrin uçuş məsafəsi', 5, 6, 'physics'],
];

const READINGS: [string, string, number, number][] = [
  ['Nizami Gəncəvi', '«Sirlər xəzinəsi»ndən hekayətlər', 8, 11],
  ['Məhəmməd Füzuli', '«Leyli və Məcnun» haqqında', 9, 11],
  ['Mirzə Ələkbər Sabir', 'Uşaqlar üçün şeirlər', 5, 7],
  ['Cəlil Məmmədquluzadə', '«Poçt qutusu» hekayəsi', 7, 9],
  ['Mirzə Fətəli Axundzadə', 'Komediyalar', 9, 11],
  ['Hüseyn Cavid', 'Uşaq şeirləri', 5, 6],
  ['Xurşidbanu Natəvan', 'Qəzəllər', 10, 11],
  ['Molla Pənah Vaqif', 'Qoşmalar', 8, 10],
  ['Seyid Əzim Şirvani', 'Təmsillər', 5, 7],
  ['Abbasqulu ağa Bakıxanov', '«Nəsihətnamə»', 6, 8],
];

const AUDIO_LESSONS: [string, string, number, number, Lang][] = [
  ['literature', 'Səsli dərs: {topic}', 5, 11, 'az'],
  ['azerbaijani_language', 'Səsli dərs: {topic}', 2, 9, 'az'],
  ['foreign_language_english', 'Listening: {topic}', 4, 11, 'en'],
  ['russian_language', 'Аудиоурок: {topic}', 3, 11, 'ru'],
];

// ---- the plan

/** Works out the demo library from the country pack and the seed number alone. */
export function planLibrary(pack: CountryPack, seed: number): LibraryPlan {
  const random = new Random(seed).fork('library');
  const subjects = new Map(pack.subjects.map((s) => [s.code, s]));
  const packTopics = flattenTopics(pack.topics);
  const topicCodes = (subject: string, grade: number) =>
    packTopics
      .filter((t) => t.subject === subject && t.grades.includes(grade))
      .slice(-2)
      .map((t) => t.code);
  const subjectName = (code: string, lang: Lang) => subjects.get(code)?.name[lang] ?? code;
  const authorsOf = (r: Random, lang: Lang, n: number) =>
    r.distinct(n, 0, AUTHORS[lang].length - 1).map((i) => AUTHORS[lang][i]!);
  const dateIn = (r: Random, from: number, to: number) =>
    new Date(Date.UTC(2020, 0, 1) + Math.floor(r.float(from, to)) * DAY + 9 * 3_600_000);
  const out: PlannedResource[] = [];
  const collectionsOut: PlannedCollection[] = [];

  // E-textbooks and their guides, grade × subject, in the language of instruction.
  let gridPair: [number, number] | null = null;
  for (const cell of GRID) {
    const subject = subjects.get(cell.subject);
    if (!subject) continue;
    for (const grade of cell.grades.filter((g) => subject.grades.includes(g))) {
      const r = random.fork(`book/${cell.language}/${cell.subject}/${grade}`);
      const lang = cell.language;
      const name = subjectName(cell.subject, lang);
      const authors = authorsOf(r, lang, r.int(2, 3));
      const publisher = r.pick(PUBLISHERS);
      const createdAt = dateIn(r, 3 * 365, 5 * 365);
      const chapters = topicsFor(cell.subject, grade).map(
        (t) => t[lang === 'az' ? 2 : lang === 'ru' ? 3 : 4],
      );
      const book = textbookTexts(lang, name, grade, chapters.length ? chapters : [name]);
      out.push({
        type: 'e_textbook',
        title: book.title,
        description: book.description,
        language: lang,
        grades: [grade],
        subject: cell.subject,
        topicCodes: topicCodes(cell.subject, grade),
        authors,
        publisher,
        channel: null,
        airDate: null,
        durationSeconds: null,
        licence: 'cc_by_nc_nd',
        createdAt,
        file: { pdf: book.pdf },
      });
      const guide = guideTexts(lang, name, grade, chapters.length ? chapters : [name]);
      out.push({
        type: 'teacher_guide',
        title: guide.title,
        description: guide.description,
        language: lang,
        grades: [grade],
        subject: cell.subject,
        topicCodes: topicCodes(cell.subject, grade),
        authors,
        publisher,
        channel: null,
        airDate: null,
        durationSeconds: null,
        licence: 'cc_by_nc_nd',
        createdAt: new Date(createdAt.getTime() + DAY),
        file: { pdf: guide.pdf },
      });
      if (lang === 'az' && cell.subject === 'mathematics' && grade === 5)
        gridPair = [out.length - 2, out.length - 1];
    }
  }
  if (gridPair) {
    collectionsOut.push({
      kind: 'collection',
      title: 'Riyaziyyat, 5-ci sinif: dərslik və müəllim üçün metodik vəsait',
      description:
        'Dərslik və ona uyğun metodik vəsait bir yerdə: müəllim dərsi planlaşdırarkən hər ikisindən istifadə edir.',
      items: gridPair,
    });
  }

  // Video lessons: most in Azerbaijani, some in Russian, a few in English.
  const lessonSubjects = Object.keys(SUBJECT_TOPICS).filter((s) => subjects.has(s));
  for (let i = 0; i < 50; i++) {
    const r = random.fork(`video/${i}`);
    const lang: Lang = r.weighted([
      ['az', 80],
      ['ru', 15],
      ['en', 5],
    ]);
    const subject = r.pick(lessonSubjects);
    const grades = (subjects.get(subject) as PackSubject).grades;
    const topics = SUBJECT_TOPICS[subject]!.filter(([from, to]) => grades.some((g) => g >= from && g <= to));
    const topic = r.pick(topics);
    const grade = r.int(Math.max(topic[0], grades[0]!), Math.min(topic[1], grades.at(-1)!));
    const name = topic[lang === 'az' ? 2 : lang === 'ru' ? 3 : 4];
    out.push({
      type: 'video_lesson',
      title: `${subjectName(subject, lang)}, ${gradeName(grade, lang)}. ${name}`,
      description: {
        az: `${name} mövzusunda qısa video dərs: əsas anlayışlar nümunələrlə izah olunur, sonda özünüzü yoxlamaq üçün suallar verilir.`,
        ru: `Короткий видеоурок по теме «${name}»: основные понятия объясняются на примерах, в конце — вопросы для самопроверки.`,
        en: `A short video lesson, ${name}: the main ideas explained with examples, and questions to check yourself at the end.`,
      }[lang],
      language: lang,
      grades: [grade],
      subject,
      topicCodes: topicCodes(subject, grade),
      authors: authorsOf(r, lang, 1),
      publisher: 'Təhsil Nazirliyi',
      channel: null,
      airDate: null,
      durationSeconds: MEDIA.lesson.seconds,
      licence: r.pick(['cc_by', 'cc_by_sa', 'cc_by_nc'] as const),
      createdAt: dateIn(r, 2 * 365, 6 * 365 + 200),
      file: { media: 'lesson' },
    });
  }

  // A season of TV lessons, aired from 11 March 2020, Monday to Saturday, on two channels.
  const season: number[] = [];
  let day = TV_FIRST_DAY;
  for (let i = 0; i < 24; i++) {
    while (new Date(day).getUTCDay() === 0) day += DAY;
    const r = random.fork(`tv/${i}`);
    const subject = lessonSubjects[i % lessonSubjects.length]!;
    const grades = subjects.get(subject)!.grades;
    const topics = SUBJECT_TOPICS[subject]!.filter(([from, to]) => grades.some((g) => g >= from && g <= to));
    const topic = r.pick(topics);
    const grade = r.int(Math.max(topic[0], grades[0]!), Math.min(topic[1], grades.at(-1)!));
    const airDate = new Date(day).toISOString().slice(0, 10);
    season.push(out.length);
    out.push({
      type: 'tv_lesson',
      title: `${TV_PROGRAMME}. ${subjectName(subject, 'az')}, ${gradeName(grade, 'az')}: ${topic[2]}`,
      description: `«${TV_PROGRAMME}» verilişinin teledərsi: ${topic[2]}. Əyani təhsilə fasilə verildiyi dövrdə efirə getmiş və video portalda yerləşdirilmişdir.`,
      language: 'az',
      grades: [grade],
      subject,
      topicCodes: topicCodes(subject, grade),
      authors: authorsOf(r, 'az', 1),
      publisher: TV_PROGRAMME,
      channel: CHANNELS[i % CHANNELS.length]!,
      airDate,
      durationSeconds: MEDIA.tv.seconds,
      licence: 'cc_by_nc_nd',
      createdAt: new Date(day + DAY + 9 * 3_600_000),
      file: { media: 'tv' },
    });
    day += DAY;
  }
  collectionsOut.push({
    kind: 'playlist',
    title: `${TV_PROGRAMME} — 2020-ci ilin yaz mövsümü`,
    description: `Mədəniyyət və ARB Günəş kanallarında 11 mart 2020-ci ildən yayımlanan teledərslər, efir ardıcıllığı ilə.`,
    items: season,
  });

  // Audio lessons.
  for (let i = 0; i < 12; i++) {
    const r = random.fork(`audio/${i}`);
    const [subject, pattern, from, to, lang] = AUDIO_LESSONS[i % AUDIO_LESSONS.length]!;
    if (!subjects.has(subject)) continue;
    const topics = SUBJECT_TOPICS[subject]!.filter(([a, b]) => b >= from && a <= to);
    const topic = r.pick(topics);
    const grade = r.int(Math.max(from, topic[0]), Math.min(to, topic[1]));
    const name = topic[lang === 'az' ? 2 : lang === 'ru' ? 3 : 4];
    out.push({
      type: 'audio_lesson',
      title: `${pattern.replace('{topic}', name)} (${gradeName(grade, lang)})`,
      description: {
        az: 'Yolda və ya internet zəif olanda dinləmək üçün səsli dərs: az yer tutur, telefonda rahat açılır.',
        ru: 'Аудиоурок, который удобно слушать в дороге или при слабом интернете: мало весит и быстро открывается.',
        en: 'An audio lesson to listen to on the way or on a weak connection: small, and quick to open on a phone.',
      }[lang],
      language: lang,
      grades: [grade],
      subject,
      topicCodes: topicCodes(subject, grade),
      authors: authorsOf(r, lang, 1),
      publisher: null,
      channel: null,
      airDate: null,
      durationSeconds: MEDIA.audio.seconds,
      licence: 'cc_by',
      createdAt: dateIn(r, 3 * 365, 6 * 365 + 200),
      file: { media: 'audio' },
    });
  }

  // Worksheets.
  for (let i = 0; i < 20; i++) {
    const r = random.fork(`worksheet/${i}`);
    const subject = r.pick(lessonSubjects);
    const grades = subjects.get(subject)!.grades;
    const topics = SUBJECT_TOPICS[subject]!.filter(([from, to]) => grades.some((g) => g >= from && g <= to));
    const topic = r.pick(topics);
    const grade = r.int(Math.max(topic[0], grades[0]!), Math.min(topic[1], grades.at(-1)!));
    const lang: Lang =
      subject === 'russian_language' ? 'ru' : subject === 'foreign_language_english' ? 'en' : 'az';
    const name = topic[lang === 'az' ? 2 : lang === 'ru' ? 3 : 4];
    const title = { az: `İş vərəqi: ${name}`, ru: `Рабочий лист: ${name}`, en: `Worksheet: ${name}` }[lang];
    const subtitle = `${subjectName(subject, lang)}, ${gradeName(grade, lang)}`;
    out.push({
      type: 'worksheet',
      title: `${title} (${subtitle})`,
      description: {
        az: 'Çap edib sinifdə və ya evdə doldurmaq üçün tapşırıqlar; cavablar son səhifədədir.',
        ru: 'Задания, чтобы распечатать и выполнить в классе или дома; ответы на последней странице.',
        en: 'Exercises to print and do in class or at home; the answers are on the last page.',
      }[lang],
      language: lang,
      grades: [grade],
      subject,
      topicCodes: topicCodes(subject, grade),
      authors: authorsOf(r, lang, 1),
      publisher: null,
      channel: null,
      airDate: null,
      durationSeconds: null,
      licence: 'cc_by_sa',
      createdAt: dateIn(r, 4 * 365, 6 * 365 + 200),
      file: { pdf: worksheetPdf(lang, title, subtitle, name) },
    });
  }

  // STEAM projects, a collection of them.
  const steam: number[] = [];
  STEAM_PROJECTS.forEach(([title, from, to, subject], i) => {
    const r = random.fork(`steam/${i}`);
    steam.push(out.length);
    out.push({
      type: 'steam_project',
      title: `STEAM: ${title}`,
      description: `Komanda ilə görülən layihə: şagirdlər sualı qoyur, model qurur, ölçür və nəticəni təqdim edirlər. ${from}–${to}-cu siniflər üçün.`,
      language: 'az',
      grades: range(from, to).filter((g) => subjects.get(subject)?.grades.includes(g) ?? true),
      subject: subjects.has(subject) ? subject : null,
      topicCodes: [],
      authors: authorsOf(r, 'az', 2),
      publisher: 'Təhsil Nazirliyi',
      channel: null,
      airDate: null,
      durationSeconds: MEDIA.steam.seconds,
      licence: 'cc_by_sa',
      createdAt: dateIn(r, 4 * 365, 6 * 365 + 200),
      file: { media: 'steam' },
    });
  });
  collectionsOut.push({
    kind: 'collection',
    title: 'STEAM layihələri',
    description: 'Elm, texnologiya, mühəndislik, incəsənət və riyaziyyatı birləşdirən layihələr.',
    items: steam,
  });

  // Extracurricular reading: the classics, with an introduction and questions.
  READINGS.forEach(([author, work, from, to], i) => {
    const r = random.fork(`reading/${i}`);
    const grades = range(from, to);
    out.push({
      type: 'extracurricular_reading',
      title: `${author}. ${work}`,
      description: `Sinifdənxaric oxu üçün: ${author} yaradıcılığından seçmələrə giriş, əsərin qısa təhlili və müzakirə sualları.`,
      language: 'az',
      grades,
      subject: subjects.has('literature') ? 'literature' : null,
      topicCodes: [],
      authors: authorsOf(r, 'az', 1),
      publisher: r.pick(PUBLISHERS),
      channel: null,
      airDate: null,
      durationSeconds: null,
      licence: 'public_domain',
      createdAt: dateIn(r, 3 * 365, 6 * 365 + 200),
      file: { pdf: readingPdf(author, work, grades) },
    });
  });

  return { resources: out, collections: collectionsOut };
}

function flattenTopics(topics: PackTopic[]): PackTopic[] {
  return topics.flatMap((t) => [t, ...flattenTopics(t.children)]);
}

const PARAGRAPHS: Text3 = {
  az: 'Bu bölmədə {topic} mövzusu ardıcıl izah olunur. Əvvəlcə gündəlik həyatdan götürülmüş nümunəyə baxırıq, sonra qaydanı ümumiləşdiririk. Hər addımdan sonra qısa çalışma verilir: şagird onu müstəqil həll edir, çətinlik çəkəndə isə nümunəyə qayıdır. Mövzunun sonunda öyrəndiklərimizi cədvəldə toplayırıq və yeni anlayışları öz sözlərimizlə izah edirik.',
  ru: 'В этом разделе последовательно объясняется тема «{topic}». Сначала разбираем пример из повседневной жизни, затем обобщаем правило. После каждого шага даётся короткое упражнение: ученик решает его самостоятельно, а при затруднении возвращается к примеру. В конце темы собираем изученное в таблицу и объясняем новые понятия своими словами.',
  en: 'This section explains {topic} step by step. We start from an example from everyday life, then state the rule. After each step there is a short exercise for pupils to do on their own, going back to the example when they are stuck. At the end we collect what we learned in a table and explain the new words in our own words.',
};

const TASKS: Text3 = {
  az: 'Tapşırıqlar: 1) Mövzuya aid iki nümunə yazın. 2) Qaydanı dostunuza izah edin. 3) Öyrəndiyiniz yeni sözləri lüğət dəftərinə köçürün.',
  ru: 'Задания: 1) Приведите два примера по теме. 2) Объясните правило соседу по парте. 3) Выпишите новые слова в словарь.',
  en: 'Exercises: 1) Write two examples of your own. 2) Explain the rule to a classmate. 3) Copy the new words into your vocabulary notebook.',
};

function textbookTexts(lang: Lang, subject: string, grade: number, chapters: string[]) {
  const title = {
    az: `${subject}. ${gradeName(grade, 'az')}. Dərslik`,
    ru: `${subject}. ${gradeName(grade, 'ru')}. Учебник`,
    en: `${subject}. Grade ${grade}. Student's book`,
  }[lang];
  const description = {
    az: `${subject} fənni üzrə ${gradeName(grade, 'az')} üçün elektron dərslik. Fəsillər: ${chapters.join(', ')}.`,
    ru: `Электронный учебник по предмету «${subject}» для ${grade} класса. Главы: ${chapters.join(', ')}.`,
    en: `The e-textbook of ${subject} for grade ${grade}. Chapters: ${chapters.join(', ')}.`,
  }[lang];
  const contents = { az: 'Mündəricat', ru: 'Содержание', en: 'Contents' }[lang];
  return {
    title,
    description,
    pdf: {
      language: lang,
      title,
      subtitle: description,
      lines: [contents, ...chapters.map((c, i) => `${i + 1}. ${c}`)],
      chapters: chapters.slice(0, 3).map((c, i) => ({
        heading: `${i + 1}. ${c}`,
        paragraphs: [PARAGRAPHS[lang].replace('{topic}', c), TASKS[lang]],
      })),
    } satisfies PdfSpec,
  };
}

function guideTexts(lang: Lang, subject: string, grade: number, chapters: string[]) {
  const title = {
    az: `${subject}. ${gradeName(grade, 'az')}. Müəllim üçün metodik vəsait`,
    ru: `${subject}. ${gradeName(grade, 'ru')}. Методическое пособие для учителя`,
    en: `${subject}. Grade ${grade}. Teacher's book`,
  }[lang];
  const description = {
    az: `${gradeName(grade, 'az')} üçün ${subject} dərsliyinə metodik vəsait: dərslərin planı, fəal təlim üsulları və qiymətləndirmə meyarları.`,
    ru: `Методическое пособие к учебнику «${subject}» для ${grade} класса: планы уроков, активные методы обучения и критерии оценивания.`,
    en: `The teacher's book for the grade ${grade} ${subject} textbook: lesson plans, active learning methods and assessment criteria.`,
  }[lang];
  const plan = {
    az: (c: string) =>
      `Dərsin planı: ${c}. Məqsəd, motivasiya, tədqiqat, müzakirə, ümumiləşdirmə, qiymətləndirmə.`,
    ru: (c: string) => `План урока: ${c}. Цель, мотивация, исследование, обсуждение, обобщение, оценивание.`,
    en: (c: string) => `Lesson plan: ${c}. Aim, motivation, inquiry, discussion, summary, assessment.`,
  }[lang];
  return {
    title,
    description,
    pdf: {
      language: lang,
      title,
      subtitle: description,
      lines: chapters.map(plan),
      chapters: chapters.slice(0, 2).map((c, i) => ({
        heading: `${i + 1}. ${c}`,
        paragraphs: [plan(c), PARAGRAPHS[lang].replace('{topic}', c)],
      })),
    } satisfies PdfSpec,
  };
}

function worksheetPdf(lang: Lang, title: string, subtitle: string, topic: string): PdfSpec {
  const answers = { az: 'Cavablar', ru: 'Ответы', en: 'Answers' }[lang];
  return {
    language: lang,
    title,
    subtitle,
    lines: [TASKS[lang], PARAGRAPHS[lang].replace('{topic}', topic)],
    chapters: [{ heading: answers, paragraphs: ['1) …  2) …  3) …'] }],
  };
}

function readingPdf(author: string, work: string, grades: number[]): PdfSpec {
  return {
    language: 'az',
    title: `${author}. ${work}`,
    subtitle: `Sinifdənxaric oxu: ${grades[0]}–${grades.at(-1)}-ci siniflər üçün`,
    lines: [
      `${author} Azərbaycan ədəbiyyatının görkəmli nümayəndələrindəndir. Bu kitabçada onun yaradıcılığına qısa giriş, əsərin məzmunu və müzakirə üçün suallar toplanıb.`,
    ],
    chapters: [
      {
        heading: 'Müzakirə sualları',
        paragraphs: [
          '1. Əsərin əsas fikri nədir? 2. Qəhrəmanların hansı xüsusiyyətləri diqqətinizi çəkdi? 3. Əsərdəki hadisələr bu gün də baş verə bilərmi? Fikrinizi əsaslandırın.',
        ],
      },
    ],
  };
}

// ---- the files

/** A file made for the seed, waiting in a temporary directory. */
interface MadeFile {
  path: string;
  size: number;
  sha256: string;
  contentType: string;
  extension: string;
  media: boolean;
}

/** Whether this ffmpeg can draw text on a picture (drawtext needs libfreetype). */
function hasDrawtext(ffmpeg: string): boolean {
  const out = spawnSync(ffmpeg, ['-hide_banner', '-filters'], { encoding: 'utf8', timeout: 10_000 });
  return out.status === 0 && /\bdrawtext\b/.test(out.stdout);
}

/** A short video (or sound) from ffmpeg's test sources. */
async function ffmpegMedia(
  tools: MediaTools,
  name: MediaName,
  dir: string,
  drawtext: boolean,
): Promise<string> {
  const m = MEDIA[name];
  const sine = ['-f', 'lavfi', '-i', `sine=frequency=${m.tone}:sample_rate=44100:duration=${m.seconds}`];
  if (m.kind === 'audio') {
    const out = path.join(dir, `${name}.m4a`);
    await run(tools.ffmpeg, [
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      '-y',
      ...sine,
      '-c:a',
      'aac',
      '-b:a',
      '64k',
      out,
    ]);
    return out;
  }
  const out = path.join(dir, `${name}.mp4`);
  const filters: string[] = [];
  if (drawtext) {
    const textFile = path.join(dir, `${name}.txt`);
    await writeFile(textFile, m.label);
    filters.push(
      `drawtext=fontfile=${BOLD_FONT}:textfile=${textFile}:fontsize=34:fontcolor=white:box=1:boxcolor=black@0.65:boxborderw=12:x=(w-text_w)/2:y=h-text_h-40`,
    );
  }
  await run(tools.ffmpeg, [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `${m.source}=size=640x360:rate=15:duration=${m.seconds}`,
    ...sine,
    ...(filters.length ? ['-vf', filters.join(',')] : []),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    '-shortest',
    '-movflags',
    '+faststart',
    out,
  ]);
  return out;
}

/** A WAV tone, made without ffmpeg: what the library serves as it is when processing is unavailable. */
async function wavTone(name: MediaName, dir: string): Promise<string> {
  const { seconds, tone } = MEDIA[name];
  const rate = 8000;
  const samples = rate * seconds;
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0, 'latin1');
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write('WAVEfmt ', 8, 'latin1');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(rate, 24);
  buffer.writeUInt32LE(rate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36, 'latin1');
  buffer.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    buffer.writeInt16LE(Math.round(Math.sin((2 * Math.PI * tone * i) / rate) * 8000), 44 + i * 2);
  }
  const out = path.join(dir, `${name}.wav`);
  await writeFile(out, buffer);
  return out;
}

/** Writes a PDF of a few pages of real text; the fonts are read once per seed. */
async function writePdf(
  spec: PdfSpec,
  fonts: { regular: ParsedFont; bold: ParsedFont },
  at: Date,
): Promise<Buffer> {
  // Loaded only when the demo library is seeded, not on every start.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A5',
    margin: 42,
    info: { Title: spec.title, Author: 'Maktab', CreationDate: at, ModDate: at },
    lang: spec.language,
    displayTitle: true,
  });
  doc.registerFont('body', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('bold').fontSize(20).text(spec.title, { align: 'center' });
  doc.moveDown();
  doc.font('body').fontSize(11).text(spec.subtitle, { align: 'center' });
  doc.moveDown(2);
  for (const line of spec.lines) doc.font('body').fontSize(11).text(line).moveDown(0.4);
  for (const chapter of spec.chapters) {
    doc.addPage();
    doc.font('bold').fontSize(15).text(chapter.heading);
    doc.moveDown();
    for (const p of chapter.paragraphs)
      doc.font('body').fontSize(11).text(p, { align: 'justify' }).moveDown();
  }
  doc.end();
  return done;
}

/** The ASCII name a file is offered under: "Riyaziyyat. 5-ci sinif. Dərslik" → "riyaziyyat-5-ci-sinif-derslik.pdf". */
function fileName(title: string, extension: string, fallback: string): string {
  const folded = title
    .replace(/[əƏ]/g, 'e')
    .replace(/[ıİ]/g, 'i')
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-');
  // Titles in Cyrillic keep only their numbers here: name them by what they are instead.
  return `${/[a-z]{3}/.test(folded) ? folded.slice(0, 80) : fallback}.${extension}`;
}

async function made(file: string, contentType: string, extension: string, media: boolean): Promise<MadeFile> {
  return {
    path: file,
    size: (await stat(file)).size,
    sha256: await sha256File(file),
    contentType,
    extension,
    media,
  };
}

/** A prepared demo library: write it inside the seed's transaction, then process its media after it. */
export interface PreparedLibrary {
  plan: LibraryPlan;
  /** Inserts the resources, files, history and collections, queues their media jobs, and stores the files. */
  write(tx: Db): Promise<string>;
  /** Runs the media jobs (when ffmpeg is here) and tells what was made. */
  process(db: Db, options?: { run: boolean }): Promise<LibrarySummary>;
  /** Removes the temporary files. */
  cleanup(): Promise<void>;
}

/**
 * Plans the demo library and makes its files in a temporary directory (before the seed's transaction, so the
 * slow part holds no lock): the shared media with ffmpeg, or WAV tones without it, and every PDF.
 */
export async function prepareLibrary(
  pack: CountryPack,
  seed: number,
  options: LibrarySeedOptions,
): Promise<PreparedLibrary> {
  const started = performance.now();
  const plan = planLibrary(pack, seed);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'maktab-demo-library-'));
  const available = mediaAvailable(options.media);
  const used = [...new Set(plan.resources.flatMap((r) => ('media' in r.file ? [r.file.media] : [])))];
  const drawtext = available && hasDrawtext(options.media.ffmpeg);
  // ffmpeg runs beside the PDFs: its work is in other processes.
  const mediaFiles = Promise.all(
    used.map(async (name): Promise<[MediaName, MadeFile]> => {
      if (!available) return [name, await made(await wavTone(name, dir), 'audio/wav', 'wav', true)];
      const file = await ffmpegMedia(options.media, name, dir, drawtext);
      const audio = MEDIA[name].kind === 'audio';
      return [name, await made(file, audio ? 'audio/mp4' : 'video/mp4', audio ? 'm4a' : 'mp4', true)];
    }),
  );
  const fonts = {
    regular: fontkit.create(await readFile(FONT)) as ParsedFont,
    bold: fontkit.create(await readFile(BOLD_FONT)) as ParsedFont,
  };
  const pdfs = new Map<number, MadeFile>();
  for (const [i, r] of plan.resources.entries()) {
    if (!('pdf' in r.file)) continue;
    const file = path.join(dir, `${i}.pdf`);
    await writeFile(file, await writePdf(r.file.pdf, fonts, r.createdAt));
    pdfs.set(i, await made(file, 'application/pdf', 'pdf', false));
  }
  const media = new Map(
    await mediaFiles.catch(async (error: unknown) => {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }),
  );
  let jobs = 0;
  // The library's own time: making its files, writing it, processing it (not the rest of the seed).
  let ms = performance.now() - started;
  const pageCount = (spec: PdfSpec) => 1 + spec.chapters.length;

  return {
    plan,
    async write(tx) {
      const writing = performance.now();
      const editor = await findUserByUsername(tx, 'editor');
      if (!editor) throw new Error('the demo library needs the demo editor account');
      const topicIds = new Map((await listTopics(tx)).map((t) => [t.code, t.id]));
      const n = plan.resources.length;
      const ids = (
        await rows<{ id: number }>(
          tx,
          sql`select nextval(pg_get_serial_sequence('library_resource', 'id'))::int as id
              from generate_series(1, ${n}) order by 1`,
        )
      ).map((r) => r.id);
      const rs = plan.resources;
      const iso = (d: Date) => d.toISOString();
      const later = (d: Date, days: number) => new Date(d.getTime() + days * DAY);
      await bulkInsert(tx, resources, [
        { column: resources.id, type: 'int', values: ids },
        { column: resources.type, type: 'text', values: rs.map((r) => r.type) },
        { column: resources.state, type: 'text', values: rs.map(() => 'published') },
        { column: resources.title, type: 'text', values: rs.map((r) => r.title) },
        { column: resources.description, type: 'text', values: rs.map((r) => r.description) },
        { column: resources.language, type: 'text', values: rs.map((r) => r.language) },
        { column: resources.level, type: 'text', values: rs.map(() => 'general') },
        { column: resources.grades, type: 'smallint[]', values: rs.map((r) => r.grades.map(String)) },
        { column: resources.subjectCode, type: 'text', values: rs.map((r) => r.subject) },
        { column: resources.authors, type: 'text[]', values: rs.map((r) => r.authors) },
        { column: resources.publisher, type: 'text', values: rs.map((r) => r.publisher) },
        { column: resources.channel, type: 'text', values: rs.map((r) => r.channel) },
        { column: resources.airDate, type: 'date', values: rs.map((r) => r.airDate) },
        { column: resources.durationSeconds, type: 'int', values: rs.map((r) => r.durationSeconds) },
        {
          column: resources.pages,
          type: 'int',
          values: rs.map((r) => ('pdf' in r.file ? pageCount(r.file.pdf) : null)),
        },
        { column: resources.licence, type: 'text', values: rs.map((r) => r.licence) },
        { column: resources.createdBy, type: 'int', values: rs.map(() => editor.id) },
        { column: resources.createdAt, type: 'timestamptz', values: rs.map((r) => iso(r.createdAt)) },
        { column: resources.updatedBy, type: 'int', values: rs.map(() => editor.id) },
        {
          column: resources.updatedAt,
          type: 'timestamptz',
          values: rs.map((r) => iso(later(r.createdAt, 2))),
        },
        { column: resources.submittedBy, type: 'int', values: rs.map(() => editor.id) },
        {
          column: resources.submittedAt,
          type: 'timestamptz',
          values: rs.map((r) => iso(later(r.createdAt, 1))),
        },
        {
          column: resources.reviewedAt,
          type: 'timestamptz',
          values: rs.map((r) => iso(later(r.createdAt, 2))),
        },
        {
          column: resources.publishedAt,
          type: 'timestamptz',
          values: rs.map((r) => iso(later(r.createdAt, 2))),
        },
      ]);
      const pairs = rs.flatMap((r, i) =>
        r.topicCodes.flatMap((code) => (topicIds.has(code) ? [[ids[i]!, topicIds.get(code)!] as const] : [])),
      );
      await bulkInsert(tx, resourceTopics, [
        { column: resourceTopics.resourceId, type: 'int', values: pairs.map((p) => p[0]) },
        { column: resourceTopics.topicId, type: 'int', values: pairs.map((p) => p[1]) },
      ]);
      // Each resource's history: written and submitted by the demo editor, published by the seed.
      const steps = [
        { action: 'create', from: null, to: 'draft', actor: editor.id, days: 0, note: null },
        { action: 'submit', from: 'draft', to: 'in_review', actor: editor.id, days: 1, note: null },
        { action: 'publish', from: 'in_review', to: 'published', actor: null, days: 2, note: 'demo content' },
      ] as const;
      const events = rs.flatMap((r, i) =>
        steps.map((s) => ({ id: ids[i]!, at: later(r.createdAt, s.days), ...s })),
      );
      await bulkInsert(tx, resourceEvents, [
        { column: resourceEvents.resourceId, type: 'int', values: events.map((e) => e.id) },
        { column: resourceEvents.action, type: 'text', values: events.map((e) => e.action) },
        { column: resourceEvents.fromState, type: 'text', values: events.map((e) => e.from) },
        { column: resourceEvents.toState, type: 'text', values: events.map((e) => e.to) },
        { column: resourceEvents.actorId, type: 'int', values: events.map((e) => e.actor) },
        { column: resourceEvents.note, type: 'text', values: events.map((e) => e.note) },
        { column: resourceEvents.at, type: 'timestamptz', values: events.map((e) => iso(e.at)) },
      ]);

      // Main files: a PDF of its own per book; the shared media under one stored original each.
      const keyOf = (i: number) => {
        const file = rs[i]!.file;
        if ('media' in file) return `library/demo/${file.media}/original.${media.get(file.media)!.extension}`;
        return `library/${ids[i]}/main/v1/original.pdf`;
      };
      const fileOf = (i: number) => {
        const file = rs[i]!.file;
        return 'media' in file ? media.get(file.media)! : pdfs.get(i)!;
      };
      const state = (f: MadeFile) => (!f.media ? 'not_needed' : available ? 'pending' : 'unavailable');
      const inserted = await bulkInsert<{ id: number; resource_id: number }>(
        tx,
        files,
        [
          { column: files.resourceId, type: 'int', values: ids },
          { column: files.role, type: 'text', values: ids.map(() => 'main') },
          { column: files.version, type: 'int', values: ids.map(() => 1) },
          { column: files.storageKey, type: 'text', values: rs.map((_, i) => keyOf(i)) },
          { column: files.contentType, type: 'text', values: rs.map((_, i) => fileOf(i).contentType) },
          { column: files.sizeBytes, type: 'bigint', values: rs.map((_, i) => fileOf(i).size) },
          { column: files.sha256, type: 'text', values: rs.map((_, i) => fileOf(i).sha256) },
          {
            column: files.originalName,
            type: 'text',
            values: rs.map((r, i) => fileName(r.title, fileOf(i).extension, `${r.type}-${ids[i]}`)),
          },
          { column: files.processingState, type: 'text', values: rs.map((_, i) => state(fileOf(i))) },
          { column: files.createdBy, type: 'int', values: ids.map(() => editor.id) },
          { column: files.createdAt, type: 'timestamptz', values: rs.map((r) => iso(r.createdAt)) },
        ],
        { returning: [files.id, files.resourceId] },
      );
      // The media jobs, in resource order: the first of each video is processed, the rest take over its files.
      if (available) {
        const fileIds = new Map(inserted.map((f) => [f.resource_id, f.id]));
        for (const [i, r] of rs.entries()) {
          if (!('media' in r.file)) continue;
          await enqueue(tx, MEDIA_QUEUE, { fileId: fileIds.get(ids[i]!)! }, { maxAttempts: 3 });
          jobs++;
        }
      }

      for (const [k, c] of plan.collections.entries()) {
        const at = iso(new Date(Date.UTC(2026, 7, 20 + k, 9)));
        const [row] = await tx
          .insert(collections)
          .values({
            kind: c.kind,
            title: c.title,
            description: c.description,
            createdBy: editor.id,
            createdAt: new Date(at),
            updatedAt: new Date(at),
          })
          .returning({ id: collections.id });
        await bulkInsert(tx, collectionItems, [
          { column: collectionItems.collectionId, type: 'int', values: c.items.map(() => row!.id) },
          { column: collectionItems.resourceId, type: 'int', values: c.items.map((i) => ids[i]!) },
          { column: collectionItems.position, type: 'int', values: c.items.map((_, p) => p + 1) },
        ]);
      }

      // Last: if storing fails the transaction rolls back, and no row points at a missing file.
      for (const [name, f] of media) {
        await options.storage.putFile(`library/demo/${name}/original.${f.extension}`, f.path);
      }
      for (const [i, f] of pdfs) await options.storage.putFile(keyOf(i), f.path);
      ms += performance.now() - writing;
      return `wrote the demo library: ${n} resources, ${pdfs.size} PDFs, ${media.size} shared media files${
        available ? '' : ' (no ffmpeg: tones served as they are, no renditions)'
      }`;
    },

    async process(db, { run } = { run: true }) {
      const processing = performance.now();
      let failed = 0;
      let ran = 0;
      if (available && jobs > 0 && run) {
        const worker = new JobWorker(
          db,
          { [MEDIA_QUEUE]: mediaJob(db, { storage: options.storage, media: options.media }) },
          { onError: () => void failed++ },
        );
        ran = await worker.drain();
      }
      const byType: Record<string, number> = {};
      for (const r of plan.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
      return {
        resources: plan.resources.length,
        byType,
        collections: plan.collections.length,
        pdfs: pdfs.size,
        media: media.size,
        processing: !available
          ? 'unavailable'
          : !run && jobs > 0
            ? 'queued'
            : failed > 0 || ran < jobs
              ? 'incomplete'
              : 'done',
        jobs: run ? ran : jobs,
        ms: Math.round(ms + performance.now() - processing),
      };
    },

    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** One line about the demo library, for the seed's log. */
export function describeLibrary(s: LibrarySummary): string {
  const processing = {
    done: `${s.jobs} media jobs run`,
    unavailable: 'ffmpeg not found: videos and sounds are WAV tones served as they are, without renditions',
    incomplete: `media processing did not finish (${s.jobs} jobs run): the server's worker retries the rest`,
    queued: `${s.jobs} media jobs left to the server's worker`,
  }[s.processing];
  return `library: ${s.resources} resources (${Object.entries(s.byType)
    .map(([type, n]) => `${n} ${type}`)
    .join(
      ', ',
    )}), ${s.collections} collections, ${s.pdfs} PDFs, ${s.media} shared media files; ${processing}; ${(
    s.ms / 1000
  ).toFixed(1)} s`;
}
