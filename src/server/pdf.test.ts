import { describe, expect, it } from 'vitest';
import { tablePdf, type PdfTable } from '@/server/pdf';

const table = (rows: number): PdfTable => ({
  title: 'Kompüterlərin paylanması — Распределение',
  subtitle: ['Şəki, Ağdaş, Göyçay'],
  columns: [
    { heading: '№', width: 1, numeric: true },
    { heading: 'Məktəb', width: 6 },
  ],
  rows: Array.from({ length: rows }, (_, i) => [i + 1, `Məktəb № ${i + 1} — Школа`]),
  footer: (page, pages) => `${page} / ${pages}`,
});

/** The number of pages a PDF declares. */
const pages = (pdf: Buffer) => Number(/\/Type \/Pages[^>]*\/Count (\d+)/.exec(pdf.toString('latin1'))![1]);

describe('PDF tables', () => {
  it('fills as many A4 pages as the rows need, the footer on each without a page of its own', async () => {
    const one = await tablePdf(table(10));
    expect(one.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pages(one)).toBe(1);
    const many = await tablePdf(table(200));
    expect(pages(many)).toBeGreaterThan(2);
    expect(pages(many)).toBeLessThan(6);
  });

  it('embeds a font with Azerbaijani and Cyrillic letters, only the glyphs it uses', async () => {
    const pdf = (await tablePdf(table(3))).toString('latin1');
    expect(pdf).toMatch(/\/FontName \/[A-Z]{6}\+DejaVuSans/);
    expect(pdf.length).toBeLessThan(200_000);
  });
});
