/**
 * CSV as the platform writes it everywhere (exports, open data, the web app's downloads): RFC 4180, comma
 * separated, CRLF line ends, UTF-8 with a byte-order mark so that Excel reads Azerbaijani and Russian
 * letters. Pure string functions, so the web app uses the same ones.
 */

/** What a cell may hold: booleans are written yes/no, null and undefined as an empty cell. */
export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
// Text that already starts with apostrophes before a formula sign gets one more, so reading back is exact.
const GUARDED = /^'+[=+\-@\t\r]/;

/**
 * One cell. Text that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage
 * return, and is not just a number) gets a leading apostrophe, which spreadsheets read as "this is text";
 * `readCsvCell` takes it off again, so an export imports back unchanged.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  const guard = (FORMULA_START.test(value) && !PLAIN_NUMBER.test(value)) || GUARDED.test(value);
  const text = guard ? `'${value}` : value;
  // Semicolons too: Excel in Azerbaijani and Russian opens CSV with ';' as its separator.
  return /[",;\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A cell's text as read back from a CSV file: without the apostrophe `csvCell` put before a formula. */
export function readCsvCell(text: string): string {
  return GUARDED.test(text) ? text.slice(1) : text;
}

/** A whole file: the header row and the data rows. */
export function csvText(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
