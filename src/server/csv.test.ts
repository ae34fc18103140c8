import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvText, readCsvCell } from '@/server/csv';
import { parseCsv } from '@/modules/infrastructure/registry-import.files';

describe('CSV cells', () => {
  it('makes text that a spreadsheet would run as a formula plain text, and leaves numbers alone', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('+994 12 555')).toBe("'+994 12 555");
    expect(csvCell('-3.5')).toBe('-3.5');
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell('Şəki; Qax')).toBe('"Şəki; Qax"');
    expect(csvCell(true)).toBe('yes');
    expect(csvCell(null)).toBe('');
  });

  it('reads back exactly what it wrote, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .tuple(fc.constantFrom('', "'", "''", '=', '-', '+', '@', '-1'), fc.string({ unit: 'grapheme' }))
            .map(([start, rest]) => start + rest),
          { minLength: 1, maxLength: 5 },
        ),
        (cells) => {
          const text = csvText(
            cells.map((_, i) => `c${i}`),
            [cells],
          ).slice(1);
          const [, row] = parseCsv(text, ',');
          expect(row!.fields.map(readCsvCell)).toEqual(cells);
        },
      ),
      { numRuns: 500 },
    );
  });
});
