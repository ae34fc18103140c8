import { csvText } from '@/server/csv';
import type { Db } from '@/server/db/database';
import { AppError } from '@/server/errors';
import { defineMessages, type Locale } from '@/server/i18n';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { listSubjects } from '@/modules/institutions/institutions.store';
import {
  parseCell,
  problemAt,
  type CellValue,
  type ColumnSpec,
  type ImportProblem,
} from '@/modules/infrastructure/registry-import.columns';
import { readUpload } from '@/modules/infrastructure/registry-import.files';
import * as store from '@/modules/library/library.store';
import {
  ACCESSIBILITY_FEATURES,
  EDUCATION_LEVELS,
  LICENCES,
  RESOURCE_LANGUAGES,
  RESOURCE_TYPES,
} from '@/modules/library/library.tables';

/**
 * The back catalogue's metadata in bulk: a CSV file (UTF-8, comma or semicolon separated, one resource a
 * row; the platform's reader, which also reads XLSX) becomes draft resources with their curriculum topics
 * by code. Every row is checked — the cells, then the subject, grades and topics against the country pack,
 * as the form does — and either every row is written, in one transaction with one audit entry, or none is
 * and the report lists every problem by line and column. Imported resources are always drafts: publishing
 * needs the main file and a second editor's review, which an import cannot give (files are uploaded to each
 * draft afterwards).
 */

/** The most rows one import takes. */
export const LIBRARY_IMPORT_MAX_ROWS = 20_000;
/** At most this many problems travel in a report; `problemCount` says how many there were. */
const MAX_REPORTED = 500;

defineMessages({
  en: {
    'import.library.unknown_subject': 'no subject has the code {code}',
    'import.library.unknown_topic': 'no curriculum topic has the code {code}',
    'import.library.topic_subject': 'the topic {code} belongs to another subject',
    'import.library.grade': 'grade {grade} is not taught in this subject',
    'import.library.tv': 'is required for a TV lesson',
    'import.library.too_many': 'at most {limit} values',
    'import.library.not_grade': '{value} is not a grade (1–20)',
  },
  az: {
    'import.library.unknown_subject': '{code} kodlu fənn yoxdur',
    'import.library.unknown_topic': '{code} kodlu kurikulum mövzusu yoxdur',
    'import.library.topic_subject': '{code} mövzusu başqa fənnə aiddir',
    'import.library.grade': '{grade}-ci sinifdə bu fənn tədris olunmur',
    'import.library.tv': 'teledərs üçün mütləqdir',
    'import.library.too_many': 'ən çoxu {limit} dəyər',
    'import.library.not_grade': '{value} sinif deyil (1–20)',
  },
  ru: {
    'import.library.unknown_subject': 'нет предмета с кодом {code}',
    'import.library.unknown_topic': 'нет темы программы с кодом {code}',
    'import.library.topic_subject': 'тема {code} относится к другому предмету',
    'import.library.grade': 'в {grade} классе этот предмет не преподаётся',
    'import.library.tv': 'обязательно для телеурока',
    'import.library.too_many': 'не больше {limit} значений',
    'import.library.not_grade': '{value} — не класс (1–20)',
  },
});

/** The columns of the file, in the template's order. Lists: codes separated by `;`, authors by `|`. */
export const IMPORT_COLUMNS: ColumnSpec[] = [
  { name: 'title', type: 'text', required: true, maxLength: 300, about: 'Title' },
  { name: 'type', type: 'enum', required: true, values: RESOURCE_TYPES, about: 'Kind of resource' },
  { name: 'language', type: 'enum', required: true, values: RESOURCE_LANGUAGES, about: 'Language' },
  { name: 'level', type: 'enum', required: true, values: EDUCATION_LEVELS, about: 'Education level' },
  { name: 'licence', type: 'enum', required: true, values: LICENCES, about: 'Licence' },
  { name: 'subject', type: 'text', maxLength: 100, about: 'Subject code' },
  { name: 'grades', type: 'list', about: 'Grades, separated by ;' },
  { name: 'topics', type: 'list', about: 'Curriculum topic codes, separated by ;' },
  { name: 'description', type: 'text', maxLength: 10_000, about: 'Description' },
  { name: 'authors', type: 'text', maxLength: 10_000, about: 'Authors, separated by |' },
  { name: 'publisher', type: 'text', maxLength: 300, about: 'Programme or publisher' },
  { name: 'channel', type: 'text', maxLength: 200, about: 'TV channel (TV lessons)' },
  { name: 'air_date', type: 'date', about: 'Day a TV lesson was aired, YYYY-MM-DD' },
  { name: 'duration_seconds', type: 'int', min: 0, max: 1_000_000, about: 'Duration in seconds' },
  { name: 'pages', type: 'int', min: 1, max: 100_000, about: 'Pages (books)' },
  { name: 'accessibility', type: 'list', about: 'Accessibility features, separated by ;' },
];

/** What an import did, or (dry run) would do. */
export interface LibraryImportReport {
  dryRun: boolean;
  valid: boolean;
  rows: number;
  created: number;
  /** The new drafts' ids (empty on a dry run or a refusal). */
  ids: number[];
  problemCount: number;
  problems: ImportProblem[];
}

/** The template: the header row, to fill in. */
export function importTemplate(): string {
  return csvText(
    IMPORT_COLUMNS.map((c) => c.name),
    [],
  );
}

function checkHeader(header: string[], locale: Locale): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const known = new Set(IMPORT_COLUMNS.map((c) => c.name));
  const seen = new Set<string>();
  for (const raw of header) {
    const name = raw.toLowerCase();
    if (name === '') continue;
    if (seen.has(name)) problems.push(problemAt(locale, 1, raw, 'duplicate_column'));
    seen.add(name);
    if (!known.has(name)) problems.push(problemAt(locale, 1, raw, 'unknown_column', { dataset: 'library' }));
  }
  for (const c of IMPORT_COLUMNS) {
    if (c.required && !seen.has(c.name)) problems.push(problemAt(locale, 1, c.name, 'missing_column'));
  }
  return problems;
}

/** Imports (or with `dryRun` only checks) a file of resource descriptions; 422 with every problem when any. */
export async function importResources(
  db: Db,
  ctx: ChangeContext & { actorId: number },
  locale: Locale,
  bytes: Buffer,
  options: { dryRun: boolean },
): Promise<LibraryImportReport> {
  const file = await readUpload(bytes, 'resources');
  if (file.rows.length > LIBRARY_IMPORT_MAX_ROWS) {
    throw new AppError(422, 'import_too_many_rows', { max: LIBRARY_IMPORT_MAX_ROWS, rows: file.rows.length });
  }
  const report = (problems: ImportProblem[], ids: number[]): LibraryImportReport => {
    const sorted = [...problems].sort((a, b) => a.line - b.line);
    return {
      dryRun: options.dryRun,
      valid: sorted.length === 0,
      rows: file.rows.length,
      created: sorted.length === 0 ? (options.dryRun ? file.rows.length : ids.length) : 0,
      ids,
      problemCount: sorted.length,
      problems: sorted.slice(0, MAX_REPORTED),
    };
  };
  const refuse = (r: LibraryImportReport): never => {
    throw new AppError(422, 'import_invalid', { problems: r.problemCount }, r.problems);
  };
  const headerProblems = checkHeader(file.header, locale);
  if (headerProblems.length > 0) {
    const r = report(headerProblems, []);
    return options.dryRun ? r : refuse(r);
  }

  const subjects = new Map((await listSubjects(db)).map((s) => [s.code, s]));
  const topicCodes = new Set<string>();
  const parsed = file.rows.map((row) => {
    const values = new Map<string, CellValue>();
    const problems: ImportProblem[] = [];
    for (const spec of IMPORT_COLUMNS) {
      const cell = parseCell(spec, row.cells.get(spec.name) ?? '', row.line, locale);
      if ('problem' in cell) problems.push(cell.problem);
      else values.set(spec.name, cell.value);
    }
    for (const key of row.cells.keys()) {
      if (key.startsWith('#')) problems.push(problemAt(locale, row.line, key, 'extra_value'));
    }
    for (const code of (values.get('topics') as string[] | null) ?? []) topicCodes.add(code);
    return { line: row.line, values, problems };
  });
  const topics = new Map((await store.topicsByCode(db, [...topicCodes])).map((t) => [t.code, t]));

  const items: store.ImportedResource[] = [];
  const problems: ImportProblem[] = [];
  for (const { line, values, problems: own } of parsed) {
    const at = (column: string, reason: string, params: Record<string, unknown> = {}) =>
      own.push(problemAt(locale, line, column, reason, params));
    const text = (name: string) => (values.get(name) as string | null | undefined) ?? null;
    const type = text('type');
    const level = text('level');
    const subjectCode = text('subject');
    const subject = subjectCode === null ? null : subjects.get(subjectCode);
    if (subjectCode !== null && !subject) at('subject', 'library.unknown_subject', { code: subjectCode });

    const grades: number[] = [];
    const gradeCells = (values.get('grades') as string[] | null) ?? [];
    if (gradeCells.length > 20) at('grades', 'library.too_many', { limit: 20 });
    for (const g of gradeCells) {
      const n = Number(g);
      if (!/^\d{1,2}$/.test(g) || n < 1 || n > 20) at('grades', 'library.not_grade', { value: g });
      else if (subject && level === 'general' && !subject.grades.includes(n))
        at('grades', 'library.grade', { grade: n });
      else if (!grades.includes(n)) grades.push(n);
    }

    const topicIds: number[] = [];
    const topicCells = (values.get('topics') as string[] | null) ?? [];
    if (topicCells.length > 50) at('topics', 'library.too_many', { limit: 50 });
    for (const code of topicCells) {
      const topic = topics.get(code);
      if (!topic) at('topics', 'library.unknown_topic', { code });
      else if (subjectCode !== null && topic.subjectCode !== subjectCode)
        at('topics', 'library.topic_subject', { code });
      else if (!topicIds.includes(topic.id)) topicIds.push(topic.id);
    }

    const accessibility = (values.get('accessibility') as string[] | null) ?? [];
    for (const a of accessibility) {
      if (!(ACCESSIBILITY_FEATURES as readonly string[]).includes(a))
        at('accessibility', 'not_one_of', { values: ACCESSIBILITY_FEATURES.join(', ') });
    }
    const authors = (text('authors') ?? '')
      .split('|')
      .map((a) => a.trim())
      .filter(Boolean);
    if (authors.length > 50) at('authors', 'library.too_many', { limit: 50 });
    if (authors.some((a) => a.length > 200)) at('authors', 'too_long', { limit: 200 });

    if (type === 'tv_lesson') {
      if (text('channel') === null) at('channel', 'library.tv');
      if (text('air_date') === null) at('air_date', 'library.tv');
    }
    problems.push(...own);
    if (own.length > 0) continue;
    items.push({
      values: {
        type: type as store.ResourceRow['type'],
        title: text('title')!,
        description: text('description') ?? '',
        language: text('language') as store.ResourceRow['language'],
        level: level as store.ResourceRow['level'],
        grades: grades.sort((a, b) => a - b),
        subjectCode,
        authors,
        publisher: text('publisher'),
        channel: text('channel'),
        airDate: text('air_date'),
        durationSeconds: (values.get('duration_seconds') as number | null) ?? null,
        pages: (values.get('pages') as number | null) ?? null,
        licence: text('licence') as store.ResourceRow['licence'],
        accessibility: [...new Set(accessibility)] as store.ResourceRow['accessibility'],
        createdBy: ctx.actorId,
      },
      topicIds,
    });
  }
  if (problems.length > 0) {
    const r = report(problems, []);
    return options.dryRun ? r : refuse(r);
  }
  if (options.dryRun) return report([], []);
  const ids = await db.transaction(async (tx) => {
    const created = await store.insertDrafts(tx, items, ctx.actorId);
    await audit(tx, ctx, {
      action: 'import',
      entity: 'library_resource',
      entityId: created.length > 0 ? `${created[0]}-${created.at(-1)}` : '-',
      after: { rows: created.length, ids: created },
    });
    return created;
  });
  return report([], ids);
}
