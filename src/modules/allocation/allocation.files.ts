import { csvText } from '@/server/csv';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { tablePdf } from '@/server/pdf';
import { ALLOCATION_KINDS } from '@/modules/allocation/allocation.core';

/**
 * The approved list as files for people: CSV, XLSX and PDF, headed in the reader's language (the schools'
 * names in all three languages, the codes of the schools as they are). No system reads these back; the
 * ranking's data for other systems is the API's JSON (docs/operations.md, "Exports").
 */

/** One row of the approved list. */
export interface ListRow {
  code: string;
  nameAz: string;
  nameRu: string;
  nameEn: string;
  score: number;
  awarded: Record<string, number>;
}

/** The header row in the reader's language. */
function header(locale: Locale): string[] {
  const say = (code: string) => translate(locale, `allocation.pdf.${code}`);
  return [
    say('rank'),
    say('code'),
    say('nameAz'),
    say('nameRu'),
    say('nameEn'),
    say('score'),
    ...ALLOCATION_KINDS.map((k) => say(`kind.${k}`)),
  ];
}

const cells = (r: ListRow, i: number) => [
  i + 1,
  r.code,
  r.nameAz,
  r.nameRu,
  r.nameEn,
  Math.round(r.score * 10_000) / 10_000,
  ...ALLOCATION_KINDS.map((k) => r.awarded[k] ?? 0),
];

/** The list as CSV, headed in the reader's language. */
export function listCsv(rows: readonly ListRow[], locale: Locale): Buffer {
  return Buffer.from(csvText(header(locale), rows.map(cells)), 'utf8');
}

/** The list as an Excel workbook, one sheet named and headed in the reader's language. */
export async function listXlsx(title: string, rows: readonly ListRow[], locale: Locale): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs'); // loaded on first use: it costs the start a quarter of a second
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(translate(locale, 'allocation.pdf.sheet').slice(0, 31));
  sheet.addRow([title]);
  sheet.addRow(header(locale));
  for (const [i, r] of rows.entries()) sheet.addRow(cells(r, i));
  sheet.getRow(2).font = { bold: true };
  return Buffer.from(await book.xlsx.writeBuffer());
}

defineMessages({
  en: {
    'allocation.pdf.rank': 'No.',
    'allocation.pdf.code': 'Code',
    'allocation.pdf.school': 'School',
    'allocation.pdf.nameAz': 'Name (Azerbaijani)',
    'allocation.pdf.nameRu': 'Name (Russian)',
    'allocation.pdf.nameEn': 'Name (English)',
    'allocation.pdf.sheet': 'Distribution',
    'allocation.pdf.score': 'Score',
    'allocation.pdf.kind.desktop': 'Desktops',
    'allocation.pdf.kind.laptop': 'Laptops',
    'allocation.pdf.kind.tablet': 'Tablets',
    'allocation.pdf.kind.projector': 'Projectors',
    'allocation.pdf.kind.interactive_board': 'Boards',
    'allocation.pdf.subtitle':
      'Approved list: {schools} schools, {units} units. The score (0–1) is each school’s weighted criteria.',
    'allocation.pdf.page': 'Page {page} of {pages}',
  },
  az: {
    'allocation.pdf.rank': '№',
    'allocation.pdf.code': 'Kod',
    'allocation.pdf.school': 'Məktəb',
    'allocation.pdf.nameAz': 'Adı (azərbaycanca)',
    'allocation.pdf.nameRu': 'Adı (rusca)',
    'allocation.pdf.nameEn': 'Adı (ingiliscə)',
    'allocation.pdf.sheet': 'Paylanma',
    'allocation.pdf.score': 'Bal',
    'allocation.pdf.kind.desktop': 'Stolüstü',
    'allocation.pdf.kind.laptop': 'Noutbuk',
    'allocation.pdf.kind.tablet': 'Planşet',
    'allocation.pdf.kind.projector': 'Proyektor',
    'allocation.pdf.kind.interactive_board': 'Lövhə',
    'allocation.pdf.subtitle':
      'Təsdiqlənmiş siyahı: {schools} məktəb, {units} ədəd. Bal (0–1) məktəbin çəkili meyarlarıdır.',
    'allocation.pdf.page': 'Səhifə {page} / {pages}',
  },
  ru: {
    'allocation.pdf.rank': '№',
    'allocation.pdf.code': 'Код',
    'allocation.pdf.school': 'Школа',
    'allocation.pdf.nameAz': 'Название (на азербайджанском)',
    'allocation.pdf.nameRu': 'Название (на русском)',
    'allocation.pdf.nameEn': 'Название (на английском)',
    'allocation.pdf.sheet': 'Распределение',
    'allocation.pdf.score': 'Балл',
    'allocation.pdf.kind.desktop': 'Настольные',
    'allocation.pdf.kind.laptop': 'Ноутбуки',
    'allocation.pdf.kind.tablet': 'Планшеты',
    'allocation.pdf.kind.projector': 'Проекторы',
    'allocation.pdf.kind.interactive_board': 'Доски',
    'allocation.pdf.subtitle':
      'Утверждённый список: школ — {schools}, единиц — {units}. Балл (0–1) — взвешенные критерии школы.',
    'allocation.pdf.page': 'Страница {page} из {pages}',
  },
});

/** The list as a PDF for people: A4 pages, the school's name and the headings in the reader's language. */
export function listPdf(title: string, rows: readonly ListRow[], locale: Locale): Promise<Buffer> {
  const t = (code: string, params?: Record<string, unknown>) =>
    translate(locale, `allocation.pdf.${code}`, params);
  const number = new Intl.NumberFormat(locale);
  const units = rows.reduce(
    (sum, r) => sum + ALLOCATION_KINDS.reduce((n, k) => n + (r.awarded[k] ?? 0), 0),
    0,
  );
  const name = (r: ListRow) => (locale === 'ru' ? r.nameRu : locale === 'en' ? r.nameEn : r.nameAz);
  return tablePdf({
    title,
    subtitle: [t('subtitle', { schools: number.format(rows.length), units: number.format(units) })],
    columns: [
      { heading: t('rank'), width: 4, numeric: true },
      { heading: t('code'), width: 9 },
      { heading: t('school'), width: 24 },
      { heading: t('score'), width: 6, numeric: true },
      ...ALLOCATION_KINDS.map((k) => ({ heading: t(`kind.${k}`), width: 10, numeric: true })),
    ],
    rows: rows.map((r, i) => [
      number.format(i + 1),
      r.code,
      name(r),
      new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(r.score),
      ...ALLOCATION_KINDS.map((k) => number.format(r.awarded[k] ?? 0)),
    ]),
    footer: (page, pages) => t('page', { page, pages }),
  });
}
