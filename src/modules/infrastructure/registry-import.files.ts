import type ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import { bufferSource, isZip, unpack, type ArchiveLimits } from '@/server/archive';
import { AppError, UNSTORABLE } from '@/server/errors';
import { csvText, readCsvCell } from '@/server/csv';
import { runInWorker } from '@/server/worker-pool';

/**
 * The file formats of the registry's bulk import and export: reading an uploaded CSV or XLSX into a header
 * and rows (each with the line a person sees in a spreadsheet), and writing rows back out. Nothing here
 * knows the data sets; a bad file (not UTF-8, empty, wrong delimiter, not a workbook) is refused here with
 * a message that says what to do.
 */

/** The largest file accepted: a national schools file of 4,500 rows is about 1.5 MB as CSV. */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;
/** The most data rows one file may hold. */
export const IMPORT_MAX_ROWS = 100_000;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_TYPE = 'text/csv';

export type FileFormat = 'csv' | 'xlsx';

/** A data row of a file: its line (CSV) or row number (XLSX) and its cells by column name. */
export interface FileRow {
  line: number;
  cells: Map<string, string>;
}

/** A read file: its column names as written (trimmed), in order, and its data rows. */
export interface ReadFile {
  format: FileFormat;
  header: string[];
  rows: FileRow[];
}

/** A column a writer puts out, and whether its values are numbers (XLSX writes those as numbers). */
export interface OutColumn {
  name: string;
  numeric?: boolean;
}

/** A sheet of valid codes that goes with a template or an export. */
export interface CodeList {
  title: string;
  rows: string[][];
}

/**
 * What a workbook may unpack to (see src/server/archive.ts). A national schools file of 4,500 rows is
 * about 3 MB of sheet XML; real sheet XML packs 5–30 times.
 */
export const XLSX_LIMITS: ArchiveLimits = {
  maxEntries: 1000,
  maxEntryBytes: 50 * 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
  maxRatio: 100,
};

/**
 * The parts of a workbook the reader needs: its XML parts (the package's content types and relationships,
 * the workbook, its sheets, shared strings, styles, and the comments and drawings the sheets refer to).
 * Binary parts (pictures, embedded objects, printer settings, macros) and document properties stay
 * packed, never inflated.
 */
const XLSX_PARTS =
  /^(\[Content_Types\]\.xml|_rels\/\.rels|xl\/(?!media\/|embeddings\/)[^]*\.(xml|rels|vml))$/;

/**
 * Reads an uploaded file, CSV or XLSX (told apart by its bytes, not by what the client calls it), in a
 * worker thread: unpacking and parsing a large or hostile file never stalls other requests.
 */
export async function readUpload(bytes: Buffer, sheetName: string): Promise<ReadFile> {
  if (bytes.length > IMPORT_MAX_BYTES) throw tooLarge();
  if (bytes.length === 0) throw new AppError(422, 'import_empty');
  // Handed over, not cloned: a copy of the bytes moves to the worker thread (cloning 10 MB through the
  // structured-clone serializer costs the event loop far more than one copy does).
  const copy = new Uint8Array(bytes);
  return runInWorker<ReadFile>(import.meta.url, 'readUploadHere', [copy, sheetName], [copy.buffer]);
}

/** Reads an uploaded file in this thread (the worker's side of `readUpload`). */
export async function readUploadHere(data: Uint8Array, sheetName: string): Promise<ReadFile> {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length > IMPORT_MAX_BYTES) throw tooLarge();
  if (bytes.length === 0) throw new AppError(422, 'import_empty');
  const file = isZip(bytes) ? await readXlsx(bytes, sheetName) : readCsv(bytes);
  if (file.header.length === 0) throw new AppError(422, 'import_empty');
  if (file.rows.length === 0) throw new AppError(422, 'import_no_rows');
  if (file.rows.length > IMPORT_MAX_ROWS) {
    throw new AppError(422, 'import_too_many_rows', { max: IMPORT_MAX_ROWS, rows: file.rows.length });
  }
  return file;
}

/** The refusal of a file over the limit. */
export const tooLarge = (): AppError =>
  new AppError(413, 'import_too_large', { limit: `${IMPORT_MAX_BYTES / 1024 / 1024} MB` });

function decodeUtf8(bytes: Buffer): string {
  // UTF-16 files (Excel's "Unicode text") start with a byte-order mark of their own.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new AppError(422, 'import_not_utf8', { line: 1 });
  }
  try {
    // The decoder drops a UTF-8 byte-order mark, which Excel writes in "CSV UTF-8".
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Name the line of the first byte that is not UTF-8, to help find a pasted-in cell.
    const loose = new TextDecoder('utf-8').decode(bytes);
    const at = loose.indexOf('\uFFFD');
    const line = loose.slice(0, Math.max(0, at)).split('\n').length;
    throw new AppError(422, 'import_not_utf8', { line });
  }
}

/** Parses RFC 4180 CSV: quoted fields may hold delimiters, quotes ("") and line breaks. */
export function parseCsv(text: string, delimiter: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      atFieldStart = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      records.push({ line: start, fields });
      fields = [];
      field = '';
      atFieldStart = true;
      line++;
      start = line;
    } else {
      field += ch;
      atFieldStart = false;
    }
  }
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    records.push({ line: start, fields });
  }
  return records;
}

/** Reads a CSV file (comma or semicolon, UTF-8); a file with only its header has no rows. */
export function readCsv(bytes: Buffer): ReadFile {
  const text = decodeUtf8(bytes);
  if (text.trim() === '') throw new AppError(422, 'import_empty');
  const firstLine = text.slice(0, text.search(/\r|\n|$/));
  // Excel saves CSV with the list separator of its locale: a comma, or a semicolon (ru, az). A header with
  // neither but with tabs or pipes is a file saved in another format.
  const count = (c: string) => firstLine.split(c).length - 1;
  const delimiter = count(',') >= count(';') ? ',' : ';';
  if (count(delimiter) === 0) {
    const found = ['\t', '|'].find((c) => count(c) > 0);
    if (found) throw new AppError(422, 'import_wrong_delimiter', { found: found === '\t' ? 'tab' : found });
  }
  const records = parseCsv(text, delimiter).filter((r) => r.fields.some((f) => f.trim() !== ''));
  const [head, ...body] = records;
  if (!head) throw new AppError(422, 'import_empty');
  const header = head.fields.map((f) => f.trim());
  return storable({
    format: 'csv',
    header,
    rows: body.map((r) => ({ line: r.line, cells: cellsOf(header, r.fields.map(readCsvCell)) })),
  });
}

/**
 * Refuses a file with a cell PostgreSQL cannot store (a NUL, a broken character), naming its line and
 * column: the dry run says so, instead of the import failing when it writes.
 */
function storable(file: ReadFile): ReadFile {
  const bad = file.header.findIndex((name) => UNSTORABLE.test(name));
  if (bad >= 0) throw new AppError(422, 'import_bad_character', { line: 1, column: `#${bad + 1}` });
  for (const row of file.rows) {
    for (const [column, value] of row.cells) {
      if (UNSTORABLE.test(value)) throw new AppError(422, 'import_bad_character', { line: row.line, column });
    }
  }
  return file;
}

function cellsOf(header: string[], values: string[]): Map<string, string> {
  const cells = new Map<string, string>();
  header.forEach((name, i) => {
    if (name !== '' && !cells.has(name.toLowerCase()))
      cells.set(name.toLowerCase(), (values[i] ?? '').trim());
  });
  // Values beyond the header are kept under their position, so that a shifted row is noticed.
  for (let i = header.length; i < values.length; i++) {
    if (values[i]!.trim() !== '') cells.set(`#${i + 1}`, values[i]!.trim());
  }
  return cells;
}

/** A cell's value as the text a person would type: numbers as written, dates as ISO, booleans as yes/no. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if ('richText' in value)
    return value.richText
      .map((r) => r.text)
      .join('')
      .trim();
  if ('formula' in value || 'sharedFormula' in value) {
    return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
  }
  if ('text' in value && typeof value.text === 'string') return value.text.trim();
  if ('error' in value) return String(value.error);
  return '';
}

async function readXlsx(bytes: Buffer, sheetName: string): Promise<ReadFile> {
  // Only the parts the reader needs are unpacked, within limits; they are handed to the parser stored
  // (not packed again), so it has nothing left to inflate.
  const parts = await unpack(bufferSource(bytes), XLSX_LIMITS, (name) => XLSX_PARTS.test(name)).catch(
    (error: unknown) => {
      // A file that is no whole ZIP is, to a person, not a workbook; a bad or oversized part is named.
      if (error instanceof AppError && error.code === 'archive.corrupt') {
        throw new AppError(422, 'import_unreadable_xlsx');
      }
      throw error;
    },
  );
  if (!parts.has('xl/workbook.xml')) throw new AppError(422, 'import_unreadable_xlsx');
  const { default: ExcelJS } = await import('exceljs'); // loaded on first use: it costs the start a quarter of a second
  const workbook = new ExcelJS.Workbook();
  try {
    const stored = zipSync(Object.fromEntries(parts), { level: 0 });
    await workbook.xlsx.load(stored as unknown as ArrayBuffer);
  } catch {
    throw new AppError(422, 'import_unreadable_xlsx');
  }
  const sheet = workbook.getWorksheet(sheetName) ?? workbook.worksheets[0];
  if (!sheet || sheet.rowCount === 0) throw new AppError(422, 'import_empty');
  const header: string[] = [];
  const first = sheet.getRow(1);
  for (let c = 1; c <= first.cellCount; c++) header.push(cellText(first.getCell(c).value));
  while (header.length > 0 && header[header.length - 1] === '') header.pop();
  const rows: FileRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (number === 1) return;
    const values: string[] = [];
    for (let c = 1; c <= Math.max(row.cellCount, header.length); c++)
      values.push(cellText(row.getCell(c).value));
    if (values.some((v) => v !== '')) rows.push({ line: number, cells: cellsOf(header, values) });
  });
  return storable({ format: 'xlsx', header, rows });
}

/** Writes CSV as UTF-8 with a byte-order mark (so Excel reads Azerbaijani letters) and CRLF line ends. */
export function writeCsv(columns: OutColumn[], rows: string[][]): Buffer {
  return Buffer.from(
    csvText(
      columns.map((c) => c.name),
      rows,
    ),
    'utf8',
  );
}

/** Writes a workbook: the data sheet (numbers as numbers), then the sheets of valid codes. */
export async function writeXlsx(
  sheetName: string,
  columns: OutColumn[],
  rows: string[][],
  codes: CodeList[],
): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs'); // loaded on first use: it costs the start a quarter of a second
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(columns.map((c) => c.name)).font = { bold: true };
  for (const row of rows) {
    sheet.addRow(
      row.map((value, i) =>
        columns[i]?.numeric && value !== '' && Number.isFinite(Number(value)) ? Number(value) : value,
      ),
    );
  }
  columns.forEach((c, i) => {
    sheet.getColumn(i + 1).width = Math.max(12, c.name.length + 2);
  });
  for (const list of codes) {
    const codeSheet = workbook.addWorksheet(list.title);
    list.rows.forEach((r, i) => {
      const added = codeSheet.addRow(r);
      if (i === 0) added.font = { bold: true };
    });
    codeSheet.columns.forEach((col) => {
      col.width = 24;
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
